#!/bin/bash
# The mail corpus (tests/mail/*.eml): every mail delivered with
# "dsrmail deliver" gets exactly the kinds, language and fields written in
# tests/mail/expected.tsv; non-requests are ignored with their reason,
# nothing is queued for sending, and each raw mail is kept byte for byte.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/intake-lib.sh"

expected="$MAIL_DIR/expected.tsv"
mails=$(ls "$MAIL_DIR"/*.eml | wc -l)
plan $((mails + 8))
setup_register
deliver_corpus "$T/got.tsv"

is "$(cut -f1 "$expected" | sort)" "$(cd "$MAIL_DIR" && ls *.eml | sort)" \
	"expected.tsv names every mail of tests/mail/ and no other"
while IFS=$'\t' read -r name kinds language fields; do
	got=$(grep -F "$name"$'\t' "$T/got.tsv" | cut -f2-)
	is "$got" "$kinds"$'\t'"$language"$'\t'"$fields" "$name: $kinds, $language, $fields"
done <"$expected"

is "$(sqlite3 "$DB" 'SELECT count(*) FROM dsr_outbox')" 0 "nothing queued for sending"
is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_messages m WHERE m.screened IS NOT NULL AND
	NOT EXISTS (SELECT 1 FROM dsr_requests r JOIN dsr_events e ON e.request = r.id
	  WHERE r.message = m.id AND r.state = 'ignored' AND r.kind = 'unknown'
	  AND e.type = 'ignored' AND json_extract(e.detail, '$.reason') = m.screened)")" 0 \
	"every ignored mail has an ignored request whose event names the reason"
is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_requests r WHERE r.state = 'received' AND
	NOT EXISTS (SELECT 1 FROM dsr_events e WHERE e.request = r.id AND e.type = 'received'
	  AND e.message = r.message)")" 0 "every new request has its received event, linked to the mail"
# Raw mails are evidence (N24): the stored bytes are the file's bytes.
bad=0
for file in "$MAIL_DIR"/*.eml; do
	id=$(sqlite3 "$DB" "SELECT id FROM dsr_messages WHERE hex(raw) = '$(od -An -tx1 -v "$file" | tr -d ' \n' | tr a-f A-F)'")
	[ -n "$id" ] || { bad=$((bad + 1)); diag "raw of $(basename "$file") not kept exactly"; }
done
is "$bad" 0 "every raw mail is stored byte for byte"
# Identification: fixture customers found by normalised From, all matches.
is "$(sqlite3 "$DB" "SELECT group_concat(DISTINCT s.subject_key) FROM dsr_request_subjects s
	JOIN dsr_requests r ON r.id = s.request WHERE r.sender = 'joro.astrom@example.fi'")" 2 \
	"Joro.Astrom@Example.FI finds customer 2 (stored as ' Joro.Astrom@Example.FI ')"
is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_requests r WHERE r.sender LIKE '%@example.net'
	AND EXISTS (SELECT 1 FROM dsr_request_subjects s WHERE s.request = r.id)")" 0 \
	"unknown senders are linked to no subject"
is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_requests WHERE due_at <= received_at
	OR id NOT GLOB 'DSR-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]'")" 0 \
	"ids are DSR-YYYY-NNNN and every deadline lies after receipt"
done_testing
