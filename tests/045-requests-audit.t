#!/usr/bin/env bash
# requests list/show and audit verify over requests that deliver opened:
# the list's contract ("ID KIND STATE" first); `requests show` for a person
# (a correction confirmed and approved, compared as text with
# tests/expected/requests-show.txt: the subject as the map names it, the
# timeline in words), the same from `queue show`, as JSON with --json; and
# the event hash chain catching a row changed or deleted with the sqlite3
# shell (N24).
. "$(dirname "$0")/lib.sh"
plan 24

setup_register
export DSRMAIL_NOW=2026-03-02T09:00:00Z
# Two customers' requests: open (verifying) until they answer the challenge.
for m in fi-access-thunderbird.eml en-erasure-outlook.eml; do
	dsrmail deliver <"$TESTS_DIR/mail/$m" >/dev/null 2>&1 ||
		{ echo "Bail out! deliver failed for $m"; exit 1; }
done
first=$(sqlite3 "$DB" "SELECT id FROM dsr_requests ORDER BY year, number LIMIT 1")

run requests list
is "$rc" 0 "requests list exits 0"
like "$out" "^DSR-2026-0001 access verifying " "one line per request, starting ID KIND STATE"
like "$out" "DSR-2026-0002 erasure verifying received 2026-03-02T09:00:00Z due 2026-04-02T09:00:00Z" \
	"with its receipt and its deadline one calendar month later (N21)"
is "$(printf '%s\n' "$out" | wc -l)" 2 "one line for each request"

run requests list --overdue
is "$out" "" "nothing is overdue on the day the requests arrived"
DSRMAIL_NOW=2026-04-03T00:00:00Z run requests list --overdue
is "$(printf '%s\n' "$out" | cut -d' ' -f1 | tr '\n' ' ')" "DSR-2026-0001 DSR-2026-0002 " \
	"both are overdue after their deadline"

run requests show "$first"
is "$rc" 0 "requests show exits 0"
like "$out" "^  2026-03-02T09:00:00Z  received: access request; the sender's address is in the register" \
	"the timeline shows the received event, when, in words"
run requests show DSR-2026-9999
is "$rc" 65 "an unknown request id exits 65"
like "$err" "no request DSR-2026-9999" "and says so"

# A correction, confirmed with the code and approved by an admin, as the
# admin reads it: text compared whole with the expected file (the dates
# are fixed by DSRMAIL_NOW, the ids by the fresh database).
dsrmail deliver <"$TESTS_DIR/mail/en-rectification-phone.eml" >"$T/id" 2>/dev/null
fix=$(cat "$T/id")
code=$(sqlite3 "$DB" "SELECT raw FROM dsr_outbox WHERE request = '$fix' AND template = 'challenge'" |
	grep -oE '[A-Z2-7]{26}' | head -n 1)
printf 'From: matti@example.org\nTo: tietosuoja@hrmentor.fi\nSubject: Re: [%s] Please confirm\nMessage-ID: <confirm.%s@example.org>\n\n%s\n' \
	"$fix" "$fix" "$code" | DSRMAIL_NOW=2026-03-02T10:00:00Z dsrmail deliver >/dev/null 2>&1
DSRMAIL_NOW=2026-03-02T11:00:00Z dsrmail queue approve "$fix" --as paivi.savolainen@hrmentor.fi >/dev/null 2>&1
run requests show "$fix"
# The login that ran the command is the one thing that varies: masked.
printf '%s\n' "$out" | sed -E 's/\(login [^)]*\)/(login LOGIN)/' >"$T/show.txt"
same_file "$T/show.txt" "$TESTS_DIR/expected/requests-show.txt" \
	"requests show: the subject as \"customer 4 (Matti Meikäläinen)\", the timeline in words"
unlike "$out" '[{}]' "no raw JSON in the text"
run queue show "$fix"
printf '%s\n' "$out" | sed -E 's/\(login [^)]*\)/(login LOGIN)/' >"$T/queue-show.txt"
same_file "$T/queue-show.txt" "$T/show.txt" "queue show prints the same"

run requests show "$fix" --json
is "$rc" 0 "requests show --json exits 0"
printf '%s' "$out" >"$T/show.json"
is "$(/usr/bin/python3 - "$T/show.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
held = [e for e in r["timeline"] if e["type"] == "held"][0]
print(r["id"], r["kind"], r["state"], r["decided_by"])
print(r["subjects"])
print(r["changes"][0]["field"], r["changes"][0]["column"], r["changes"][0]["state"])
print(held["detail"], "|", held["text"])
print(len(r["timeline"]), sum(1 for e in r["timeline"] if e["text"]), len(r["mails"]))
PY
)" "$fix rectification done paivi.savolainen@hrmentor.fi
[{'table': 'customers', 'key': 4, 'label': 'customer', 'name': 'Matti Meikäläinen'}]
Phone phone applied
{'reasons': 'policy'} | held for: policy (rectification needs approval)
$(sqlite3 "$DB" "SELECT count(*), count(*) FROM dsr_events WHERE request = '$fix'" | tr '|' ' ') $(sqlite3 "$DB" "SELECT count(*) FROM dsr_outbox WHERE request = '$fix'")" \
	"--json: the request, its subject with table, key, label and name, the events with their detail as JSON and in words"
run requests show "$fix" --open
is "$rc" 64 "requests show with a list option: a usage error"

# A name that is markup, and a sender nobody in the register has.
like "$(dsrmail requests show DSR-2026-0002)" \
	"subject: +customer 3 \(<script>alert\(1\)</script> Väänänen, \"Junior\"\)" \
	"the subject's name is printed as the register holds it"
printf 'From: someone@nowhere.example\nTo: tietosuoja@hrmentor.fi\nSubject: Delete me\nMessage-ID: <nobody@nowhere.example>\n\nPlease delete my data.\n' |
	dsrmail deliver >"$T/id" 2>/dev/null
nobody=$(cat "$T/id")
run requests show "$nobody"
like "$out" "subject: +none: no one in the register has the sender's address" "no subject: says so, no key"
like "$out" "no data for the sender's address; the sender told" "the timeline says what happened"
unlike "$out" "subjects?: +[0-9]" "a bare register key is never printed"

run audit verify
is "$rc" 0 "audit verify: the untouched event log is intact"

# Change one event behind dsrmail's back.
sqlite3 "$DB" "UPDATE dsr_events SET actor = 'somebody' WHERE id = 2"
run audit verify
is "$rc" 1 "audit verify exits 1 after an UPDATE of one event row"
like "$out" "event 2 is not intact" "and names the changed event"

# Restore that row's content, then delete a row: the gap is found.
sqlite3 "$DB" "UPDATE dsr_events SET actor = 'system' WHERE id = 2; DELETE FROM dsr_events WHERE id = 1"
run audit verify
like "$out" "event 1 is not intact: event 1 is missing" "a deleted event is found too"

done_testing
