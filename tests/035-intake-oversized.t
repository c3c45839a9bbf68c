#!/usr/bin/env bash
# A mail over [policy] max_message_size (25M) is still a request. A 43 MB
# access request with a scanned ID card through `deliver`, and a 43 MB
# erasure request through `poll` (a real Dovecot, of which poll fetches only
# the start): each opens its request from the mail's text, held in the queue
# ("too large: attachments not stored"); the admin gets a notice; the person
# gets the challenge at the address on file and a reply in their language
# that the mail arrived without its attachments, what happens next and how
# to send one (tests/expected/oversized/). Only the mail's start, up to the
# end of its first text part, is stored. Then it runs as any request: an
# approval before the confirmation is refused, the confirmation holds it
# again for the admin, whose approval carries it out. An oversized mail from
# an unknown sender and an oversized follow-up (small mails, under a 100k
# limit) are answered too, never to Reply-To; one never confirmed expires
# with its code. The 43 MB attachments are random bytes made by the test
# (base64), removed once used.
. "$(dirname "$0")/lib.sh"
command -v dovecot >/dev/null 2>&1 || skip_all "dovecot (dovecot-imapd) is not installed"
. "$TESTS_DIR/lib-dovecot.sh"
. "$TESTS_DIR/lib-smtp.sh"
. "$TESTS_DIR/lib-lifecycle.sh"
EXPECTED="$TESTS_DIR/expected/oversized"
MATTI=matti@example.org
JORO=joro.astrom@example.fi
STRANGER=stranger@unknown.example
OUTSIDER=outsider@evil.example
export DSRMAIL_NOW=2026-03-02T09:00:00Z
plan 42

dovecot_start
smtp_start
write_config "$(imap_config)
$(smtp_config)"
register_reset

# big_mail NAME FROM SUBJECT TEXT [MIB]: $T/mail/NAME.eml, TEXT as its
# first part, then an attachment of MIB (32) MiB of random bytes, base64:
# 43 MB in all.
big_mail() {
	printf '%b\n' "$4" | mail_write "$1" "$2" "$3"
	sed -i '/^MIME-Version:/,$d' "$T/mail/$1.eml"
	{
		printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="cut-here"\n\n'
		printf -- '--cut-here\nContent-Type: text/plain; charset=utf-8\n'
		printf 'Content-Transfer-Encoding: 8bit\n\n%b\n' "$4"
		printf -- '--cut-here\nContent-Type: image/jpeg; name="scan.jpg"\n'
		printf 'Content-Disposition: attachment; filename="scan.jpg"\n'
		printf 'Content-Transfer-Encoding: base64\n\n'
		head -c "${5:-32}M" /dev/urandom | base64
		printf -- '--cut-here--\n'
	} >>"$T/mail/$1.eml"
}

# message_of ID COLUMNS: columns of the mail that opened request ID
message_of() {
	sqlite3 "$DB" "SELECT $2 FROM dsr_messages m JOIN dsr_requests r ON
		r.message = m.id WHERE r.id = '$1'"
}

# kept_is_start ID FILE: "yes" when what is stored of ID's mail is FILE's
# first bytes and ends with its first text part (the attachment not kept)
kept_is_start() {
	sqlite3 "$DB" "SELECT writefile('$T/kept', m.raw) FROM dsr_messages m
		JOIN dsr_requests r ON r.message = m.id WHERE r.id = '$1'" >/dev/null
	if ! cmp -s "$T/kept" <(head -c "$(stat -c %s "$T/kept")" "$2"); then
		echo "not the mail's start"
	elif grep -q 'image/jpeg' "$T/kept"; then
		echo "the attachment's part is in it"
	else
		echo yes
	fi
}

# seen_mail NAME RCPT TEMPLATE: that mail as a reader sees it
# (tests/check-mail.py) equals $EXPECTED/NAME.txt; the test mails'
# Message-IDs (with the process id) masked.
seen_mail() {
	local file
	file=$(mail_eml "$2" "$3")
	[ -n "$file" ] || { _result 1 "$1: the mail arrived"; return; }
	/usr/bin/python3 "$TESTS_DIR/check-mail.py" "$file" |
		sed -E '/^(In-Reply-To|References):/s/\.[0-9]+@example\.net>/.PID@example.net>/g' >"$T/$1.txt"
	same_file "$T/$1.txt" "$EXPECTED/$1.txt" "$1: the mail reads as expected"
}

# --- deliver: a 43 MB access request with an ID card -------------------------
big_mail matti "Matti Meikäläinen <$MATTI>" "Tietopyyntö" \
	'Hei,\n\npyydän kopion kaikista tiedoistani. Liitteenä kuva henkilökortistani.\n\nMatti'
size=$(stat -c %s "$T/mail/matti.eml")
ok "the request mail is over 43 MB ($size bytes)" test "$size" -gt $((43 * 1024 * 1024))
deliver matti
id=$out
is "$rc:$id" "0:DSR-2026-0001" "deliver: exit 0, a request id printed"
is "$(sqlite3 "$DB" "SELECT kind, state, hold_reasons FROM dsr_requests WHERE id = '$id'")" \
	"access|awaiting_approval|oversized" "an access request, from the mail's text, held: oversized"
is "$(message_of "$id" "size, oversized, screened IS NULL, length(raw) < 4096")" "$size|1|1|1" \
	"the mail recorded with its full size as oversized, not ignored, a few kB kept"
is "$(kept_is_start "$id" "$T/mail/matti.eml")" yes \
	"what is kept is the mail's start, up to the end of its text part"
rm -f "$T/mail/matti.eml"
like "$(dsrmail requests list --open)" "^$id access awaiting_approval .* held: oversized \\(too large: attachments not stored\\)$" \
	"requests list --open shows it"
like "$(dsrmail queue list)" "^$id access awaiting_approval " "queue list shows it"
like "$(dsrmail requests show "$id")" "held for: +oversized \\(too large: attachments not stored\\)" \
	"requests show says why in words"
sent
is "$(arrived)" "$MATTI challenge-fi
$ADMIN admin_notice-fi
$MATTI oversized-fi" "the challenge to the address on file, a notice to the admin, the reply to the person"
seen_mail oversized-fi "$MATTI" oversized
like "$(mail_body "$ADMIN" admin_notice)" "too large: attachments not stored" \
	"the admin notice says why it waits"
like "$(mail_body "$ADMIN" admin_notice)" "ei ole vielä vahvistanut" \
	"and that the person has not confirmed it yet"

run queue approve "$id" --as paivi.savolainen@hrmentor.fi
is "$rc" 65 "approving before the person confirmed: refused (65)"
like "$err" "has not confirmed the request yet" "saying why"
code=$(mail_token "$MATTI" challenge)
reply_with matti-code "$MATTI" "$id" "$code"
is "$(sqlite3 "$DB" "SELECT state, verified_by, hold_reasons FROM dsr_requests WHERE id = '$id'")" \
	"awaiting_approval|challenge|oversized" "confirmed with the code: still held for the admin, not sent at once"
sent
is "$(tail -n 2 "$T/arrived")" "$ADMIN admin_notice-fi
$MATTI received-fi" "the admin gets a new notice, the person hears a person reviews it"
unlike "$(mail_body "$ADMIN" admin_notice)" "ei ole vielä vahvistanut" "the new notice says it is confirmed"
run queue approve "$id" --as paivi.savolainen@hrmentor.fi
is "$rc:$(sqlite3 "$DB" "SELECT state FROM dsr_requests WHERE id = '$id'")" "0:done" \
	"approved: carried out"
sent
like "$(tail -n 1 "$T/arrived")" "^$MATTI access-fi export.json," "the person gets their data"
is "$(events "$id")" \
	"received,mail_queued,challenge_sent,held,mail_queued,admin_notified,mail_queued,oversized_sent,mail_sent,mail_sent,mail_sent,followup,confirmed,held,mail_queued,admin_notified,mail_queued,received_sent,mail_sent,mail_sent,approved,mail_queued,executed,mail_sent" \
	"its events tell the story"

# --- poll: a 43 MB erasure request in English, from a real Dovecot -----------
big_mail joro "Jörö Åström <Joro.Astrom@Example.FI>" "Erasure" \
	'Hello,\n\nplease erase my personal data. My signed letter is attached.\n\nJörö'
# the size Dovecot gives: its lines end in CR LF
size=$(( $(stat -c %s "$T/mail/joro.eml") + $(wc -l <"$T/mail/joro.eml") ))
imap_tool append INBOX "$T/mail/joro.eml"
rm -f "$T/mail/joro.eml"
logins=$(grep -c 'Logged out' "$DOVECOT_DIR/log")
run poll --once
joro=$(sqlite3 "$DB" "SELECT id FROM dsr_requests WHERE sender = '$JORO'")
is "$rc:$err:$(imap_tool count INBOX):$(imap_tool count Processed)" "0::0:1" \
	"poll --once: exit 0, the mail moved to Processed"
is "$(sqlite3 "$DB" "SELECT kind, state, hold_reasons, language FROM dsr_requests WHERE id = '$joro'")" \
	"erasure|awaiting_approval|oversized|en" "an erasure request in English, held: oversized"
is "$(message_of "$joro" "size, oversized, source, length(raw) < 4096")" "$size|1|imap|1" \
	"recorded with the size the server gave, a few kB kept"
out_bytes=$(sed -n 's/.*Logged out in=[0-9]* out=\([0-9]*\).*/\1/p' "$DOVECOT_DIR/log" |
	tail -n +"$((logins + 1))" | head -n 1)
ok "Dovecot sent poll only the mail's start (out=$out_bytes bytes, under 1.5 MB)" \
	test "${out_bytes:-99999999}" -lt $((1536 * 1024))
sink_read
is "$(tail -n 3 "$T/arrived")" "$JORO challenge-en
$ADMIN admin_notice-fi
$JORO oversized-en" "poll sent the challenge, the admin notice and the reply in English"
seen_mail oversized-en "$JORO" oversized
like "$(dsrmail queue list)" "^$joro erasure awaiting_approval " "queue list shows it"

# --- small limit: an unknown sender, and a follow-up with an attachment ------
write_config "$(imap_config)
$(smtp_config)
[policy]
max_message_size = 100k"
big_mail stranger "$STRANGER" "Poistopyyntö" \
	'Hei,\n\npoistakaa tietoni. Olen asiakkaanne Maija Virtanen.' 1
sed -i "/^From: /a Reply-To: <$OUTSIDER>" "$T/mail/stranger.eml"
deliver stranger
stranger=$out
is "$rc $(sqlite3 "$DB" "SELECT kind, state, hold_reasons FROM dsr_requests WHERE id = '$stranger'")" \
	"0 erasure|awaiting_approval|oversized" \
	"an unknown sender's oversized mail: held for the admin, not closed"
sent
is "$(tail -n 3 "$T/arrived")" "$STRANGER no_data-fi
$ADMIN admin_notice-fi
$STRANGER oversized-fi" "the sender gets \"no data\" and the oversized reply, the admin a notice"
like "$(mail_body "$STRANGER" oversized)" "mitä rekisterissämme on tällä sähköpostiosoitteella" \
	"which points to the other mail"
unlike "$(mail_body "$STRANGER" oversized)" "saat erillisen viestin, jossa kerrotaan, miten vahvistat" \
	"and promises no code"
is "$(grep -c "$OUTSIDER" "$T/arrived")" 0 "nothing goes to the mail's Reply-To"

printf 'Hei,\n\npoistakaa tietoni.\n' | mail_write matti-erase "$MATTI" "Poisto"
deliver matti-erase
erase=$out
code=$(sent; mail_token "$MATTI" challenge)
big_mail matti-followup "$MATTI" "Re: [$erase] Vahvista pyyntösi" "$code\n\nLiitteenä allekirjoitettu kirje." 1
deliver matti-followup
is "$rc:$(sqlite3 "$DB" "SELECT state, verified_by, hold_reasons FROM dsr_requests WHERE id = '$erase'")" \
	"0:awaiting_approval|challenge|policy" "an oversized reply with the code confirms the request"
is "$(sqlite3 "$DB" "SELECT group_concat(type, ',') FROM dsr_events WHERE request = '$erase'
	AND type IN ('followup', 'confirmed', 'oversized_sent')")" "followup,confirmed,oversized_sent" \
	"the follow-up is recorded, and its sender told"
sent
like "$(tail -n 3 "$T/arrived" | tr '\n' ' ')" "$MATTI received-fi .*$MATTI oversized-fi" \
	"the person hears the attachments of the follow-up were not stored"
like "$(mail_body "$MATTI" oversized)" "saimme viestisi tähän pyyntöön liittyen" \
	"in the follow-up's words"
unlike "$(mail_body "$MATTI" oversized)" "on silti pyyntö" "without calling it a new request"

# --- unconfirmed: the code expires as any challenge does ----------------------
DSRMAIL_NOW=2026-03-12T09:00:00Z run sweep
is "$rc:$(sqlite3 "$DB" "SELECT state FROM dsr_requests WHERE id = '$joro'")" "0:expired" \
	"a held request its person never confirmed expires with its code"
is "$(sqlite3 "$DB" "SELECT state FROM dsr_requests WHERE id = '$stranger'")" awaiting_approval \
	"one with no code to confirm (unknown sender) stays for the admin"

# --- the code stays honest: nothing silently dropped ---------------------------
is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_requests WHERE state = 'ignored'")" 0 \
	"no oversized mail was recorded as ignored"
is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_messages WHERE oversized = 1 AND length(raw) > 102400")" 0 \
	"no oversized mail kept more than the limit"
ok "audit verify: the event chain is intact" dsrmail audit verify
done_testing
