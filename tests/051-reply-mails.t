#!/usr/bin/env bash
# Every reply in every language, sent through a real SMTP server: the mail
# that arrives parses, has the headers (From, To, Subject with the request id,
# Date, Message-ID in our domain, In-Reply-To/References, Auto-Submitted), the
# expected text (tests/expected/mail/), and attachments byte-equal to what
# `dsrmail export` writes. All of it over one SMTP connection.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
program=$(dirname "$DSRMAIL_BIN")/tests/reply-test
export DSRMAIL_NOW=2026-11-02T10:00:00Z

setup_register "$(smtp_config)"
sqlite3 "$DB" "INSERT INTO dsr_requests(id, year, number, kind, state,
	received_at, due_at, updated_at) VALUES ('DSR-2026-0042', 2026, 42,
	'access', 'received', '2026-11-02T09:00:00Z', '2026-12-02T09:00:00Z',
	'2026-11-02T09:00:00Z')"
"$program" queue --request DSR-2026-0042 --to paivi.hakkinen@example.fi \
	--name 'Päivi Häkkinen' --parent '<request.1@example.fi>' >"$T/queued" ||
	{ echo "Bail out! reply-test queue failed"; exit 1; }
mails=$(wc -l <"$T/queued")
expected=$(ls "$TESTS_DIR"/expected/mail/*.txt | wc -l)
for lang in fi en sv; do
	dsrmail export --lang $lang paivi.hakkinen@example.fi "$T/export-$lang" >/dev/null
done
smtp_start

plan $((6 + expected))
is "$mails" 97 "97 mails queued: 19 subject kinds x (fi, en, sv, fi+en) + 7 staff kinds x 3"
run send
is "$rc" 0 "send succeeds"
is "$out" "sent $mails mails; nothing left to send" "send says what it did"
is "$(sink_count)" "$mails" "every mail arrived"
is "$(cat "$SINK/connections")" 1 "over one SMTP connection"
is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_outbox WHERE state = 'sent'
	AND sent_at = '2026-11-02T10:00:00Z' AND attempts = 1") $(sqlite3 "$DB" \
	"SELECT count(*) FROM dsr_events WHERE type = 'mail_sent'")" "$mails $mails" \
	"each outbox row marked sent once, with its event"

# Name each arrived mail after its template and language (from the outbox).
mkdir -p "$T/got"
for eml in "$SINK"/*.eml; do
	id=$(sed -n 's/^Message-Id: <\(.*\)>\r$/\1/Ip' "$eml" | head -n 1)
	name=$(sqlite3 "$DB" "SELECT template || '-' || coalesce(language, 'fi+en')
		FROM dsr_outbox WHERE message_id = '$id'")
	lang=${name##*-}; [ "$lang" = fi+en ] && lang=fi
	/usr/bin/python3 "$TESTS_DIR/check-mail.py" "$eml" "$T/export-$lang" \
		>"$T/got/$name.txt"
done
for want in "$TESTS_DIR"/expected/mail/*.txt; do
	[ -n "${UPDATE_EXPECTED:-}" ] && cp "$T/got/$(basename "$want")" "$want"
	same_file "$T/got/$(basename "$want")" "$want" "$(basename "$want" .txt): as expected"
done
done_testing
