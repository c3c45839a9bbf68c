#!/usr/bin/env bash
# requests list/show and audit verify over requests that deliver opened:
# the list's contract ("ID KIND STATE" first), the timeline, and the event
# hash chain catching a row changed or deleted with the sqlite3 shell (N24).
. "$(dirname "$0")/lib.sh"
plan 14

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
like "$out" "^  2026-03-02T09:00:00Z  received +system" "the timeline shows the received event, when and by whom"
run requests show DSR-2026-9999
is "$rc" 65 "an unknown request id exits 65"
like "$err" "no request DSR-2026-9999" "and says so"

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
