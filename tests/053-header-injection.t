#!/usr/bin/env bash
# No CR or LF from any input reaches a header: a register name carrying
# "\r\nBcc: x@example.com" and a parent Message-ID carrying one create no
# header and no extra recipient.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
program=$(dirname "$DSRMAIL_BIN")/tests/reply-test
export DSRMAIL_NOW=2026-11-02T10:00:00Z

setup_register "$(smtp_config)"
sqlite3 "$DB" "INSERT INTO dsr_requests(id, year, number, kind, state,
	received_at, due_at, updated_at) VALUES ('DSR-2026-0042', 2026, 42,
	'access', 'received', '2026-11-02T09:00:00Z', '2026-12-02T09:00:00Z',
	'2026-11-02T09:00:00Z');
	UPDATE customers SET first_name = 'Päivi' || char(13, 10) ||
	'Bcc: x@example.com' || char(10) || 'Cc: y@example.com' WHERE id = 1"
name=$(sqlite3 "$DB" "SELECT first_name || ' ' || last_name FROM customers WHERE id = 1")
smtp_start
plan 9
ok "a mail to the subject with that name is queued" "$program" queue \
	--request DSR-2026-0042 --only received --lang fi \
	--to paivi.hakkinen@example.fi --name "$name" \
	--parent "$(printf '<a@example.fi>\r\nBcc: z@example.com')"
run send
is "$rc" 0 "send succeeds"
is "$(sink_count)" 1 "one mail arrived"
is "$(cat "$SINK/001.env")" "MAIL FROM:<tietosuoja@hrmentor.fi>
RCPT TO:<paivi.hakkinen@example.fi>" "to the address on file only"
checked=$(/usr/bin/python3 "$TESTS_DIR/check-mail.py" "$SINK/001.eml")
unlike "$checked" "PROBLEM" "headers sound: no Bcc, Cc or Reply-To, one To, all ASCII"
head=$(sed '/^\r$/q' "$SINK/001.eml")
unlike "$head" '^(Bcc|Cc):' "no Bcc: or Cc: line in the header"
like "$checked" "To: \"Päivi Bcc: x@example.com Cc: y@example.com Häkkinen\" <paivi.hakkinen@example.fi>" \
	"the name stays a (quoted) display name"
unlike "$head" "In-Reply-To|References|z@example.com" "a Message-ID carrying CR/LF is dropped"
like "$(sed -n '/^\r$/,$p' "$SINK/001.eml")" "Bcc: x@example.com" "the name is in the body text, where it is harmless"
done_testing
