#!/usr/bin/env bash
# After a full test run (make check runs this last, alone): no personal value
# of the test register or of the test mails appears in anything dsrmail
# logged during the run (N20). Every dsrmail started by the run appended
# each log line, at every level whatever its -v, and each command's final
# error, to the file $DSRMAIL_LOG_COPY (see log.h).
. "$(dirname "$0")/../lib.sh"

[ -n "${DSRMAIL_LOG_COPY:-}" ] || skip_all "run by make check after the full run (needs DSRMAIL_LOG_COPY)"
LOG=$DSRMAIL_LOG_COPY
ok "the run left a log copy" test -s "$LOG"
lines=$(wc -l <"$LOG")
processes=$(cut -d' ' -f1 "$LOG" | sort -u | wc -l)
diag "$lines log lines from $processes dsrmail processes"
ok "the copy holds a whole run, not a few lines ($processes processes)" test "$processes" -ge 200
like "$(cat "$LOG")" 'debug: ' "debug lines are in it, though the tests ran without -vv"
like "$(cat "$LOG")" 'poll' "poll logged"
like "$(cat "$LOG")" 'sweep' "sweep logged"
like "$(cat "$LOG")" 'error: ' "failures logged"

# The personal values: every text of the fixture customers (names, addresses,
# phones with and without spaces, web sites, IPs, streets) and every mail
# address in the test mails, except the organisation's own addresses.
setup_register >/dev/null
sqlite3 "$DB" "SELECT first_name, last_name, trim(email), lower(trim(email)),
	phone, replace(phone, ' ', ''), www, street, ip_address FROM customers" |
	tr '|' '\n' | sed -n 's/^[[:space:]]*\(.*[^[:space:]]\)[[:space:]]*$/\1/p' |
	grep -v '^rappu B$' | awk 'length($0) >= 5' >"$T/values"
grep -ohiE '[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}' "$TESTS_DIR"/mail/*.eml "$TESTS_DIR"/*.t \
	"$TESTS_DIR"/*.sh 2>/dev/null | tr 'A-Z' 'a-z' | sort -u |
	grep -vE '@(hrmentor\.fi|example\.net|localhost)$' >>"$T/values"
# The OAuth2 tests' tokens, codes and secrets (tests/lib-oauth2.sh keeps
# every one their authorization server issued or saw next to the log copy).
[ -f "$LOG.oauth2-secrets" ] && sort -u "$LOG.oauth2-secrets" >>"$T/values"
sort -u -o "$T/values" "$T/values"
count=$(wc -l <"$T/values")
ok "a list of personal values to look for ($count)" test "$count" -ge 30
like "$(cat "$T/values")" 'paivi.hakkinen@example.fi' "the list has the customers' addresses"
like "$(cat "$T/values")" '[+]358 40 123 4567' "and their phones"

grep -F -i -f "$T/values" "$LOG" >"$T/found" || true
is "$(wc -l <"$T/found")" 0 "no personal value in the log of the whole run"
[ -s "$T/found" ] && diag "$(head -n 20 "$T/found")"

# The search finds a value that is there: plant one in a copy.
cp "$LOG" "$T/planted"
echo "12345 debug: delivered to $(sed -n 1p "$T/values")" >>"$T/planted"
ok "the same search finds a planted value" grep -qF -i -f "$T/values" "$T/planted"
done_testing
