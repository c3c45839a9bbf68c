#!/usr/bin/env bash
# Evidence retention on a mail that came in through `dsrmail deliver`: five
# years on, sweep removes its raw bytes and its sender's address and keeps
# the message row, its request and every event. The SMTP server is down, so the outbox duty fails
# (exit 69) and the duties before it have still done their work.
. "$(dirname "$0")/lib.sh"
plan 9

port=$(free_port)
setup_register "[smtp]
url = smtp://127.0.0.1:$port
starttls = no"
DSRMAIL_NOW=2020-03-02T09:00:00Z dsrmail deliver <"$TESTS_DIR/mail/fi-access-thunderbird.eml" >/dev/null
is "$(sqlite3 "$DB" "SELECT count(*), count(raw) FROM dsr_messages")" "1|1" "deliver stored the mail with its raw bytes"
events=$(sqlite3 "$DB" "SELECT id, request, type, hash FROM dsr_events ORDER BY id")
requests=$(sqlite3 "$DB" "SELECT id, kind FROM dsr_requests")
ok "deliver wrote events" test -n "$events"

DSRMAIL_NOW=2025-03-01T09:00:00Z run sweep
is "$(sqlite3 "$DB" "SELECT count(raw) FROM dsr_messages")" 1 "a day short of five years the raw mail stays"

DSRMAIL_NOW=2025-03-03T09:00:00Z run sweep
is "$rc" 69 "with the SMTP server down sweep exits 69"
is "$(sqlite3 "$DB" "SELECT count(*), count(raw), raw_removed_at FROM dsr_messages")" "1|0|2025-03-03T09:00:00Z" \
	"but the raw mail is gone (the evidence duty ran before the outbox)"
is "$(sqlite3 "$DB" "SELECT from_address IS NULL, from_name IS NULL, subject IS NULL, received_at, length(sha256) FROM dsr_messages")" \
	"1|1|1|2020-03-02T09:00:00Z|64" "the message row keeps its date and checksum, not the sender's address, name or Subject"
is "$(sqlite3 "$DB" "SELECT id, kind FROM dsr_requests")" "$requests" "the request stays"
is "$(sqlite3 "$DB" "SELECT id, request, type, hash FROM dsr_events WHERE id <= $(printf '%s\n' "$events" | wc -l) ORDER BY id")" \
	"$events" "every earlier event stays, unchanged"
is "$(sqlite3 "$DB" "SELECT type, message FROM dsr_events WHERE type = 'raw_removed'")" "raw_removed|1" \
	"a raw_removed event names the message"

done_testing
