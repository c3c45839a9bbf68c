#!/bin/bash
# Broken input: an empty stdin, bytes GMime cannot read, 8-bit headers,
# truncated MIME, a missing boundary, NUL bytes (a mail too large:
# tests/035-intake-oversized.t). No crash
# (also under SANITIZE=1), every mail recorded, the documented exit codes:
# 0 stored, 65 nothing on stdin, 75 not stored (try again), 64 usage.
. "$(dirname "$0")/lib.sh"

plan 21
setup_register
q() { sqlite3 "$DB" "$1"; }
MAIL_DIR="$TESTS_DIR/mail"

run deliver </dev/null
is "$rc" 65 "empty stdin: exit 65"
like "$err" 'standard input is empty' "with a clear message"
is "$(q 'SELECT count(*) FROM dsr_messages')" 0 "nothing stored"
run deliver extra </dev/null
is "$rc" 64 "deliver with an argument: usage error"

# Bytes that are not a mail at all.
head -c 3000 /dev/urandom | tr -d '\n:' >"$T/garbage"
run deliver <"$T/garbage"
is "$rc" 0 "random bytes: exit 0"
is "$(q "SELECT screened FROM dsr_messages ORDER BY id DESC LIMIT 1")" unparsable "recorded as unparsable"
is "$(q "SELECT length(raw) FROM dsr_messages ORDER BY id DESC LIMIT 1")" "$(stat -c %s "$T/garbage")" \
	"the bytes are kept"

# 8-bit (ISO-8859-1) bytes in From and Subject.
run deliver <"$MAIL_DIR/fi-8bit-headers.eml"
is "$rc" 0 "8-bit headers: exit 0"
is "$(q "SELECT subject || '|' || from_name || '|' || from_address FROM dsr_messages WHERE message_id = '8bit-headers.20250304@example.fi'")" \
	"Tietojen poisto / Jörö Åström|Jörö Åström|joro.astrom@example.fi" "read as ISO-8859-1, stored as UTF-8"

run deliver <"$MAIL_DIR/fi-truncated-mime.eml"
is "$rc $(q "SELECT kind FROM dsr_requests WHERE id = '$out'")" "0 access" \
	"truncated MIME: exit 0, the readable text classified"
run deliver <"$MAIL_DIR/en-missing-boundary.eml"
is "$rc $(q "SELECT kind FROM dsr_requests WHERE id = '$out'")" "0 erasure" \
	"multipart without boundary: exit 0, read as text"

# NUL bytes and CR LF line ends in the body, a header line without colon.
printf 'From: matti@example.org\r\nthis line has no colon\r\nSubject: nul\r\nMessage-ID: <nul@example.org>\r\n\r\nPoistakaa\0 tietoni\0.\r\n' >"$T/nul"
run deliver <"$T/nul"
is "$rc" 0 "NUL bytes and CRLF: exit 0"
is "$(q "SELECT length(raw) FROM dsr_messages WHERE message_id = 'nul@example.org'")" "$(stat -c %s "$T/nul")" \
	"raw kept whole, NULs included"
is "$(q "SELECT m.subject || ' ' || r.kind FROM dsr_messages m JOIN dsr_requests r ON r.message = m.id
	WHERE m.message_id = 'nul@example.org'")" "nul erasure" "a header line without colon is passed over; the text is read"

# An mbox "From " line first (procmail passes it): not part of the headers.
{ printf 'From matti@example.org  Mon Mar  3 09:00:00 2025\n'; cat "$MAIL_DIR/fi-access-thunderbird.eml"; } >"$T/mbox"
run deliver <"$T/mbox"
is "$rc $(q "SELECT kind FROM dsr_requests WHERE id = '$out'")" "0 access" "an mbox From_ line is skipped"

# The database cannot be written: exit 75, nothing stored (root ignores
# file modes, so the WAL index SQLite needs is made a directory instead).
before=$(q 'SELECT count(*) FROM dsr_messages')
mkdir "$DB-shm"
run deliver <"$MAIL_DIR/en-access-plain.eml"
is "$rc" 75 "unwritable database: exit 75"
like "$err" 'not stored' "says the mail was not stored"
rmdir "$DB-shm"
is "$(q 'SELECT count(*) FROM dsr_messages')" "$before" "nothing written"

# A broken config: the mail is not lost either.
mv "$CONF" "$CONF.away"
run deliver <"$MAIL_DIR/en-access-plain.eml"
is "$rc" 75 "no config: exit 75, the mail stays with the MTA"
mv "$CONF.away" "$CONF"
run deliver <"$MAIL_DIR/en-access-plain.eml"
is "$rc $(q "SELECT kind FROM dsr_requests WHERE id = '$out'")" "0 access" "delivered once the trouble is gone"
is "$(q "SELECT count(*) FROM dsr_outbox o JOIN dsr_requests r ON r.id = o.request
	WHERE r.state = 'ignored'")" 0 "nothing queued for the mails recorded as ignored"
done_testing
