#!/usr/bin/env bash
# No personal value of the fixture register (names, addresses, phones, ...)
# appears in what dsrmail logs (-vv, stderr) or in sweep's --dry-run list;
# sweep's usage errors.
. "$(dirname "$0")/lib.sh"
plan 12

setup_register
export DSRMAIL_NOW=2026-11-26T12:00:00Z
sqlite3 "$DB" "UPDATE customers SET relationship_ended_at = '2015-01-01' WHERE id IN (3, 4);
   INSERT INTO dsr_messages(id, sha256, source, received_at, size, from_address,
       from_name, subject, raw)
   VALUES (1, 'h1', 'deliver', '2020-01-01T00:00:00Z', 20, 'matti@example.org',
       'Matti Meikäläinen', 'Poistakaa tietoni', CAST('From: matti@example.org' AS BLOB));"

# Every personal value of the register and the stored mail, one per line
# (multi-line values split), taken before the sweep erases them.
sqlite3 -newline $'\n' -separator $'\n' "$DB" \
	"SELECT first_name, last_name, trim(email), phone, www, street, city,
	        ip_address FROM customers;
	 SELECT name FROM organisations;
	 SELECT from_address, from_name, subject FROM dsr_messages" |
	sed -e 's/^ *//' -e 's/ *$//' | awk 'length($0) >= 4' | sort -u >"$T/personal"
values=$(wc -l <"$T/personal")
ok "the list of personal values is complete ($values values)" test "$values" -ge 30
# The check itself can fail: a log line with a name in it is caught.
ok "a line with a fixture name in it would be caught" \
	grep -qF -f "$T/personal" <<<"dsrmail: erased Päivi's data"

: >"$T/log"
for args in "sweep --dry-run" "sweep" "sweep" "requests list" "audit verify" \
	"export paivi.hakkinen@example.fi $T/export"; do
	run -vv $args
	printf '%s\n' "$err" >>"$T/log"
	[ "$args" = "sweep --dry-run" ] && printf '%s\n' "$out" >"$T/dry-run"
done
# Mails from fixture customers through intake and the lifecycle, then the
# queue, logged at -vv too.
for mail in en-erasure-outlook en-rectification-address en-multi-three; do
	"$DSRMAIL_BIN" -vv deliver <"$TESTS_DIR/mail/$mail.eml" >/dev/null 2>>"$T/log"
done
for args in "queue list" "requests list" "sweep"; do
	run -vv $args
	printf '%s\n' "$err" >>"$T/log"
done
ok "the commands logged something to check" test -s "$T/log"
like "$(cat "$T/log")" "retention: 2 subjects erased" "the sweep's counts are in the log"
if grep -F -f "$T/personal" "$T/log" >"$T/found"; then
	_result 1 "no personal value appears in the -vv logs"; diag "$(cat "$T/found")"
else _result 0 "no personal value appears in the -vv logs"; fi
if grep -F -f "$T/personal" "$T/dry-run" >"$T/found"; then
	_result 1 "no personal value appears in the --dry-run list"; diag "$(cat "$T/found")"
else _result 0 "no personal value appears in the --dry-run list"; fi

run sweep --now
is "$rc" 64 "an unknown sweep option is a usage error (64)"
like "$err" "usage: dsrmail sweep \[--dry-run\]" "which shows the usage"
run sweep extra
is "$rc" 64 "an extra argument is a usage error (64)"

# A data map without [map] relationship_ended: retention is skipped with a
# warning, the other duties still run.
grep -v '^relationship_ended' "$TOP/rules/register.map" >"$T/register.map"
printf 'map = %s\n' "$T/register.map" >>"$CONF"
sqlite3 "$DB" "UPDATE dsr_messages SET raw = CAST('x' AS BLOB), raw_removed_at = NULL WHERE id = 1;
	UPDATE dsr_outbox SET state = 'sent'"
run sweep
is "$rc" 0 "sweep with a map naming no relationship_ended column exits 0"
like "$err" "warning: retention: the data map .* names no relationship_ended column" "and warns that retention is skipped"
like "$err" "evidence: 1 raw mails removed" "the evidence duty still runs"

done_testing
