#!/usr/bin/env bash
# The request lifecycle end to end through IMAP: every mail is APPENDed to a
# real Dovecot's INBOX and taken by `dsrmail poll --once` (never deliver),
# which also sends what it queued to a real SMTP server (aiosmtpd).
#   (i)   an access request in Finnish and an erasure request in English from
#         another customer (an open invoice in debt collection): a challenge
#         each, to the address on file;
#   (ii)  the subjects reply with their codes: the access reply with the
#         bundle (byte-equal to `dsrmail export`), the erasure held for an
#         admin, who gets a notice;
#   (iii) the admin replies APPROVE with the notice's code: a partial erasure
#         (the holds), the subject told what stays, the bookkeeping partner
#         told (N12), the erased values gone from the database and -wal bytes;
#   (iv)  a forged mail (From a customer, Reply-To an outsider): the
#         challenge reaches only the customer, the outsider nothing, and the
#         outsider's guessed code changes nothing.
# After every step: states, event kinds in order, who got which mail, INBOX
# empty, `audit verify`. Mail texts are compared with
# tests/expected/lifecycle-imap/, masking only the random codes and the
# process id in the test's own Message-IDs (dates and request ids are fixed
# by DSRMAIL_NOW and a fresh database).
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-dovecot.sh"
. "$TESTS_DIR/lib-smtp.sh"
. "$TESTS_DIR/lib-lifecycle.sh"
EXPECTED="$TESTS_DIR/expected/lifecycle-imap"
PAIVI=paivi.hakkinen@example.fi
JORO=joro.astrom@example.fi
MATTI=matti@example.org
OUTSIDER=outsider@evil.example
BUNDLE=export.json,customers.csv,organisations.csv,orders.csv,invoices.csv,summary.html

dovecot_start
smtp_start
write_config "$(imap_config)
$(smtp_config)"
register_reset
plan 59

# put NAME...: APPEND the mails $T/mail/NAME.eml to INBOX (unseen).
put() {
	local name
	for name; do imap_tool append INBOX "$T/mail/$name.eml"; done
}

# poll_at TIME: `dsrmail poll --once` at that time; $rc, $out, $err as run
# sets them; $T/arrived and $T/text/ then describe every mail in the sink
# (tests/sink-summary.py), and $T/new the mails this poll sent.
poll_at() {
	local before
	before=$(sink_count)
	DSRMAIL_NOW=$1 run poll --once
	sink_read
	tail -n +"$((before + 1))" "$T/arrived" >"$T/new"
}

# seen_mail NAME RCPT TEMPLATE [EXPORT-DIR]: that mail as a reader sees it
# (tests/check-mail.py: headers, attachments, text) equals the expected
# file NAME.txt, with the codes and the process id in the Message-IDs of
# the test's mails (In-Reply-To, References) masked.
seen_mail() {
	local file
	file=$(mail_eml "$2" "$3")
	if [ -z "$file" ]; then
		_result 1 "$1: the mail arrived"
		return
	fi
	/usr/bin/python3 "$TESTS_DIR/check-mail.py" "$file" ${4:+"$4"} >"$T/$1.raw"
	sed -E -e 's/[A-Z2-7]{26}/<CODE>/g' \
	    -e '/^(In-Reply-To|References):/s/\.[0-9]+@example\.net>/.PID@example.net>/g' \
	    "$T/$1.raw" >"$T/$1.txt"
	[ -n "${UPDATE_EXPECTED:-}" ] && cp "$T/$1.txt" "$EXPECTED/$1.txt"
	same_file "$T/$1.txt" "$EXPECTED/$1.txt" "$1: the mail reads as expected"
}

# reply NAME FROM ID TEXT: a reply keeping [ID] in the subject, APPENDed.
reply() { reply_write "$@"; put "$1"; }

# after STEP PROCESSED: the poll's exit status, an empty INBOX, PROCESSED
# mails in Processed, none queued, and an intact event chain.
after() {
	is "$rc:$err" "0:" "$1: poll --once exits 0 and says nothing"
	is "$(imap_tool count INBOX) $(imap_tool count Processed)" "0 $2" \
	    "$1: every mail moved out of INBOX, $2 in Processed"
	is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_outbox WHERE state != 'sent'")" 0 \
	    "$1: poll sent everything it queued"
	ok "$1: audit verify: the event chain is intact" dsrmail audit verify
}

# row SQL: one register row as text, NULLs shown.
row() { sqlite3 -nullvalue NULL "$DB" "$1"; }

# reader_open / reader_close: another connection to the database, idle,
# as `poll --watch` or a `queue` command would hold it. While it is open,
# dsrmail's exit does not checkpoint the WAL into the database file (only
# the last connection to close does that), so only dsrmail's own scrub
# after an erasure can clear the erased values from the file's bytes.
reader_open() {
	mkfifo "$T/reader"
	sqlite3 "$DB" <"$T/reader" >/dev/null 2>&1 &
	_reader_pid=$!
	at_exit "kill $_reader_pid"
	exec 9>"$T/reader"
	echo "SELECT count(*) FROM dsr_events;" >&9
	wait_until 5 test -e "$DB-shm" || diag "the reader did not connect"
}
reader_close() { exec 9>&-; wait "$_reader_pid" 2>/dev/null; }

# --- (i) two requests arrive ---------------------------------------------------
printf 'Hei,\n\npyydän saada tietää, mitä henkilötietoja teillä on minusta asiakasrekisterissänne.\n\nPäivi Häkkinen\n' |
	mail_write access "Päivi Häkkinen <$PAIVI>" "Tarkastuspyyntö"
printf 'Hello,\n\nPlease delete all my personal data from your customer register.\n\nJoro\n' |
	mail_write erasure "Jörö Åström <Joro.Astrom@example.fi>" "Delete my data"
put access erasure
is "$(imap_tool count INBOX)" 2 "(i) two request mails wait in INBOX"
poll_at 2026-03-02T08:00:00Z
access=$(sqlite3 "$DB" "SELECT r.id FROM dsr_requests r JOIN dsr_messages m
	ON m.id = r.message WHERE m.message_id LIKE 'access.%'")
erasure=$(sqlite3 "$DB" "SELECT r.id FROM dsr_requests r JOIN dsr_messages m
	ON m.id = r.message WHERE m.message_id LIKE 'erasure.%'")
like "$access $erasure" '^DSR-2026-[0-9]{4} DSR-2026-[0-9]{4}$' "(i) one request each"
is "$(sqlite3 "$DB" "SELECT group_concat(id || ' ' || kind || ' ' || language ||
	' ' || state, '; ') FROM dsr_requests")" \
	"$access access fi verifying; $erasure erasure en verifying" \
	"(i) access (fi) and erasure (en), both verifying"
is "$(cat "$T/new")" "$PAIVI challenge-fi
$JORO challenge-en" "(i) a challenge each, to the address on file (the register has ' Joro.Astrom@Example.FI ')"
like "$(mail_body "$PAIVI" challenge | head -n 1)" \
	"^Subject: \\[$access\\] " "(i) the challenge's Subject carries [$access]"
like "$(mail_body "$JORO" challenge | head -n 1)" \
	"^Subject: \\[$erasure\\] " "(i) and the other's [$erasure]"
is "$(grep -h '^Auto-Submitted:' "$(mail_eml "$PAIVI" challenge)" "$(mail_eml "$JORO" challenge)" | tr -d '\r' | sort -u)" \
	"Auto-Submitted: auto-replied" "(i) both Auto-Submitted: auto-replied"
paivi_code=$(mail_token "$PAIVI" challenge)
joro_code=$(mail_token "$JORO" challenge)
like "$paivi_code $joro_code" '^[A-Z2-7]{26} [A-Z2-7]{26}$' "(i) each carries a 26-character code"
isnt "$paivi_code" "$joro_code" "(i) two different codes"
is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_tokens WHERE purpose = 'challenge'
	AND address IN ('$PAIVI', '$JORO') AND token_hash NOT IN ('$paivi_code', '$joro_code')")" 2 \
	"(i) a token each, for the address on file, stored as a hash, not the code"
seen_mail challenge-fi "$PAIVI" challenge
seen_mail challenge-en "$JORO" challenge
is "$(events "$access") / $(events "$erasure")" \
	"received,mail_queued,challenge_sent,mail_sent / received,mail_queued,challenge_sent,mail_sent" \
	"(i) events: received, challenge queued and sent, mail sent"
after "(i)" 2

# --- (ii) the subjects confirm ----------------------------------------------------
# what the access reply must attach: the export at the time of the reply
DSRMAIL_NOW=2026-03-02T09:00:00Z dsrmail export --lang fi "$PAIVI" "$T/export" >/dev/null ||
	diag "dsrmail export failed"
joro_before=$(row "SELECT * FROM customers WHERE id = 2")
invoice_before=$(row "SELECT * FROM invoices WHERE customer_id = 2")
order_before=$(row "SELECT * FROM orders WHERE customer_id = 2")
reply access-confirm "Päivi Häkkinen <$PAIVI>" "$access" "Vahvistan: $paivi_code"
reply erasure-confirm "$JORO" "$erasure" "Here is the code: $joro_code"
poll_at 2026-03-02T09:00:00Z
is "$(state "$access") $(state "$erasure")" "done awaiting_approval" \
	"(ii) the access request is done; the erasure waits for an admin ([policy] approve)"
is "$(cat "$T/new")" "$PAIVI access-fi $BUNDLE
paivi.savolainen@hrmentor.fi admin_notice-fi
$JORO received-en" \
	"(ii) the data to the subject with the bundle; a notice to the admin; the other subject told it waits"
seen_mail access-fi "$PAIVI" access "$T/export"
seen_mail admin_notice-fi paivi.savolainen@hrmentor.fi admin_notice
seen_mail received-en "$JORO" received
is "$(grep -c "$PAIVI" "$T/arrived") $(grep -c "$JORO" "$T/arrived")" "2 2" \
	"(ii) each subject got mail only at their own address: two each so far"
is "$(events "$access")" \
	"received,mail_queued,challenge_sent,mail_sent,followup,confirmed,mail_queued,executed,mail_sent" \
	"(ii) access events: confirmed by the reply, executed, the reply sent"
is "$(events "$erasure")" \
	"received,mail_queued,challenge_sent,mail_sent,followup,confirmed,held,mail_queued,admin_notified,mail_queued,received_sent,mail_sent,mail_sent" \
	"(ii) erasure events: confirmed, held, the admin notified, the subject told"
is "$(row "SELECT * FROM customers WHERE id = 2")" "$joro_before" "(ii) nothing erased before the decision"
after "(ii)" 4

# --- (iii) the admin approves by mail -------------------------------------------
admin_code=$(mail_token paivi.savolainen@hrmentor.fi admin_notice)
like "$admin_code" '^[A-Z2-7]{26}$' "(iii) the notice carries its own code"
isnt "$admin_code" "$joro_code" "(iii) not the subject's code"
ok "(iii) before: Jörö's phone and IP address are in the database file's bytes" \
	grep -qaF -e '050 765 4321' -e '198.51.100.7' "$DB" "$DB-wal"
printf 'APPROVE %s\n\nPäivi\n' "$admin_code" |
	mail_write approve "Päivi Savolainen <paivi.savolainen@hrmentor.fi>" \
	"Re: [$erasure] A request awaits your decision"
put approve
reader_open
poll_at 2026-03-02T10:00:00Z
is "$(state "$erasure") $(sqlite3 "$DB" "SELECT decided_by FROM dsr_requests
	WHERE id = '$erasure'")" "done paivi.savolainen@hrmentor.fi" \
	"(iii) the erasure is done, decided by the admin who replied"
is "$(cat "$T/new")" "$BOOKKEEPING recipient_notice-fi
$JORO erasure_partial-en" \
	"(iii) the bookkeeping partner told (N12), the subject gets the partial erasure reply"
seen_mail recipient_notice-fi "$BOOKKEEPING" recipient_notice
seen_mail erasure_partial-en "$JORO" erasure_partial
is "$(events "$erasure")" \
	"received,mail_queued,challenge_sent,mail_sent,followup,confirmed,held,mail_queued,admin_notified,mail_queued,received_sent,mail_sent,mail_sent,followup,approved,records_cleared,mail_queued,recipient_notified,mail_queued,executed,mail_sent,mail_sent" \
	"(iii) erasure events: the admin's mail, approved, the partner notified, executed, both mails sent"
is "$(sqlite3 "$DB" "SELECT actor FROM dsr_events WHERE request = '$erasure'
	AND type = 'approved'")" paivi.savolainen@hrmentor.fi "(iii) the approval records who decided (N20)"
is "$(row "SELECT * FROM customers WHERE id = 2")" \
	"2|Jörö|Åström|2| Joro.Astrom@Example.FI |NULL|NULL|Linnankatu 3|20100|Turku|FI|NULL|2020-05-12|NULL|0|1|0|0|1" \
	"(iii) the customer row after: phone and IP address gone; what the holds keep stays, restricted"
is "$(row "SELECT * FROM invoices WHERE customer_id = 2")" "$invoice_before" \
	"(iii) the open invoice in debt collection is intact"
is "$(row "SELECT * FROM orders WHERE customer_id = 2")" "$order_before" \
	"(iii) and its invoiced order"
is "$(sqlite3 "$DB" "SELECT count(*) FROM customers")" 4 "(iii) the other customers untouched"
found=
for value in '050 765 4321' '198.51.100.7'; do
	for file in "$DB" "$DB-wal"; do
		[ -e "$file" ] && grep -qaF "$value" "$file" && found="$found $value in $(basename "$file");"
	done
done
is "$found" "" "(iii) the erased values are in neither the database file nor its -wal"
reader_close
after "(iii)" 5

# --- (iv) a forged sender ---------------------------------------------------------
printf 'Hello,\n\nplease send me a copy of all personal data you hold about me.\n' |
	mail_write forged "Matti Meikäläinen <$MATTI>" "Data request" "Reply-To: <$OUTSIDER>"
put forged
poll_at 2026-03-02T11:00:00Z
forged=$(sqlite3 "$DB" "SELECT r.id FROM dsr_requests r JOIN dsr_messages m
	ON m.id = r.message WHERE m.message_id LIKE 'forged.%'")
is "$(state "$forged")" verifying "(iv) the forged request waits for the identity check"
is "$(cat "$T/new")" "$MATTI challenge-en" "(iv) the challenge goes to the customer's address only"
seen_mail challenge-forged "$MATTI" challenge
reply guess "$OUTSIDER" "$forged" "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
poll_at 2026-03-02T11:30:00Z
is "$(state "$forged") $(wc -l <"$T/new")" "verifying 0" \
	"(iv) the outsider's guessed code changes nothing, and sends nothing"
is "$(events "$forged")" \
	"received,mail_queued,challenge_sent,mail_sent,followup,confirmation_refused" \
	"(iv) events: the refused attempt recorded"
is "$(cat "$SINK"/*.env | grep -ci "$OUTSIDER")" 0 "(iv) the outsider received nothing, ever"
after "(iv)" 7

# --- over the whole run --------------------------------------------------------
is "$(cut -d' ' -f1 "$T/arrived" | sort | uniq -c | sed 's/^ *//' | tr '\n' ';')" \
	"3 joro.astrom@example.fi;1 kirjanpito@tilitoimisto.example;1 matti@example.org;2 paivi.hakkinen@example.fi;1 paivi.savolainen@hrmentor.fi;" \
	"eight mails in all, to the subjects' addresses on file, the admin and the partner"
done_testing
