#!/bin/bash
# dsrmail poll --once against a real Dovecot: every mail stored once and
# moved, unseen; a second run creates nothing; a UIDVALIDITY change
# processes nothing twice; a mail that cannot be stored stays, unseen, and
# the admins are told once; two pollers at once; the refusals (wrong
# password, no STARTTLS where required, no server) with their exit codes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-dovecot.sh"
. "$(dirname "$0")/intake-lib.sh"
. "$(dirname "$0")/lib-smtp.sh"
plan 48

dovecot_start
# poll flushes the outbox after each pass (the lifecycle's challenges).
smtp_start
setup_register "$(imap_config)
$(smtp_config)"
count() { sqlite3 "$DB" "$1"; }
events() { count "SELECT count(*) FROM dsr_events"; }

# --- 200 mails: the intake corpus and generated ones ------------------------
# summaries DB: per stored mail "Message-ID <TAB> request kinds <TAB>
# language <TAB> fields", as tests/intake-lib.sh reads them, sorted.
summaries() {
	local id
	for id in $(sqlite3 "$1" 'SELECT id FROM dsr_messages'); do
		printf '%s\t%s\n' "$(sqlite3 "$1" "SELECT message_id FROM dsr_messages
		    WHERE id = $id")" "$(DB=$1 intake_summary "$id")"
	done | sort
}
mkdir "$T/mails"
cp "$TESTS_DIR"/mail/*.eml "$T/mails/"
corpus=$(ls "$T/mails" | wc -l)
imap_tool write "$T/mails" $((200 - corpus)) batch
mails=$(ls "$T"/mails/*.eml | wc -l)
# The reference: the same mails, in the same order, through deliver into a
# second database.
sed 's/^path = dsrmail.db$/path = reference.db/' "$CONF" >"$T/reference.conf"
DSRMAIL_CONFIG="$T/reference.conf" dsrmail init >/dev/null
sqlite3 "$T/reference.db" <"$TESTS_DIR/fixtures/register.sql"
for mail in "$T"/mails/*.eml; do
	DSRMAIL_CONFIG="$T/reference.conf" dsrmail deliver <"$mail" >/dev/null 2>&1
done
imap_tool append INBOX "$T"/mails/*.eml
is "$(imap_tool count INBOX)" "$mails" "$mails mails ($corpus from tests/mail/) wait in INBOX"

run poll --once
is "$rc" 0 "poll --once exits 0"
is "$err" "" "and says nothing (quiet under cron)"
is "$(imap_tool count INBOX)" 0 "INBOX is empty afterwards"
is "$(imap_tool count Processed)" "$mails" "all $mails moved to Processed (created on the way)"
is "$(imap_tool seen Processed)" 0 "none marked \\Seen (BODY.PEEK)"
summaries "$T/reference.db" >"$T/deliver.txt"
summaries "$DB" >"$T/poll.txt"
same_file "$T/poll.txt" "$T/deliver.txt" \
    "poll stores for each mail the requests, language and fields deliver does"
is "$(count "SELECT count(*) FROM dsr_requests")" \
    "$(sqlite3 "$T/reference.db" "SELECT count(*) FROM dsr_requests")" \
    "as many requests as deliver opened"
is "$(count "SELECT count(*) FROM dsr_messages WHERE source = 'imap'")" \
    "$(sqlite3 "$T/reference.db" "SELECT count(*) FROM dsr_messages")" \
    "as many messages as deliver stored, all marked imap"
is "$(count "SELECT count(*) FROM dsr_messages WHERE imap_uid BETWEEN 1 AND $mails
    AND imap_uidvalidity = (SELECT uidvalidity FROM dsr_imap_folders)")" \
    "$(count "SELECT count(*) FROM dsr_messages")" "each with its UIDVALIDITY and UID"
is "$(count "SELECT folder, last_uid FROM dsr_imap_folders")" "INBOX|$mails" \
    "dsr_imap_folders: INBOX done up to UID $mails"
like "$(count "SELECT raw FROM dsr_messages WHERE message_id = 'batch-7@generated.example'")" \
    'generated mail number 7' "the raw mail is kept"
messages=$(count "SELECT count(*) FROM dsr_messages")
before=$(events)

run poll --once
is "$rc" 0 "a second run exits 0"
is "$(count "SELECT count(*) FROM dsr_messages")" "$messages" "and stores nothing new"
is "$(events)" "$before" "nor writes any event"

# --- UIDVALIDITY change: the same mails come back under new UIDs ---------
imap_tool copy-back Processed INBOX
ok "UIDVALIDITY of INBOX changed" dovecot_uidvalidity INBOX 4242
run poll --once
is "$rc" 0 "poll after the UIDVALIDITY change exits 0"
is "$(printf '%s\n' "$err" | grep -c UIDVALIDITY)" 1 "one log line says what happened"
like "$err" 'UIDVALIDITY changed from [0-9]+ to 4242' "naming old and new"
is "$(count "SELECT count(*) FROM dsr_messages")" "$messages" "nothing processed twice"
is "$(events)" "$before" "no event written"
is "$(imap_tool count INBOX)" 0 "the returned mails are moved again"
is "$(count "SELECT uidvalidity || ' ' || last_uid FROM dsr_imap_folders")" "4242 $((2 * mails))" \
    "the new UIDVALIDITY is recorded, UIDs from there"

# --- a mail that cannot be stored ------------------------------------------
# A trigger makes the database refuse one mail (as a full disk would).
count "CREATE TRIGGER test_refuse BEFORE INSERT ON dsr_messages
    WHEN NEW.message_id = 'poison-2@generated.example'
    BEGIN SELECT RAISE(ABORT, 'test: refused'); END"
imap_tool generate INBOX 3 poison
run poll --once
is "$rc" 75 "a mail that cannot be stored: exit 75 (try again)"
like "$err" 'could not be stored; they stay there' "saying it stays in the folder"
is "$(imap_tool count INBOX)" 1 "it is still in INBOX"
is "$(imap_tool seen INBOX)" 0 "still unseen"
is "$(imap_tool count Processed)" $((2 * mails + 2)) "the other two were moved"
is "$(count "SELECT count(*) FROM dsr_events WHERE type = 'intake_failed'
    AND json_extract(detail, '$.folder') = 'INBOX'
    AND json_extract(detail, '$.uid') = $((2 * mails + 2))")" 1 \
    "the admins are told (event intake_failed with its UID)"
run poll --once
is "$rc" 75 "the next poll tries again and fails again"
is "$(count "SELECT count(*) FROM dsr_events WHERE type = 'intake_failed'")" 1 \
    "the admins are told once"
count "DROP TRIGGER test_refuse"
run poll --once
is "$rc" 0 "once the database takes it, the poll succeeds"
is "$(imap_tool count INBOX)" 0 "and the mail is moved"

# --- two pollers on one database --------------------------------------------
imap_tool generate INBOX 300 pair
messages=$(count "SELECT count(*) FROM dsr_messages")
dsrmail -v poll --once 2>"$T/one.err" & one=$!
dsrmail -v poll --once 2>"$T/two.err" & two=$!
wait $one; rc_one=$?
wait $two; rc_two=$?
is "$rc_one $rc_two" "0 0" "two pollers at once both exit 0"
diag "$(grep -h 'poll:' "$T/one.err" "$T/two.err")"
is "$(count "SELECT count(*) FROM dsr_messages WHERE message_id LIKE 'pair-%'")" 300 \
    "between them each mail is stored exactly once"
is "$(imap_tool count INBOX)" 0 "and none is left in INBOX"

# --- a backlog on a terminal shows progress ----------------------------------
imap_tool generate INBOX 60 tty
tty_out=$(script -qc "$DSRMAIL_BIN poll --once" /dev/null | tr '\r' '\n')
like "$tty_out" '^dsrmail: poll: 1 of 60$' "on a terminal, a backlog shows progress from 1 of 60"
like "$tty_out" '^dsrmail: poll: 60 of 60$' "to 60 of 60"

# --- a mail over max_message_size: only its start is fetched ------------------
{
	printf 'From: Big Sender <big@generated.example>\r\nTo: tietosuoja@hrmentor.fi\r\n'
	printf 'Subject: a large attachment\r\nMessage-ID: <big-1@generated.example>\r\n\r\n'
	for i in $(seq 1 4000); do printf 'line %05d of a mail far over the limit ......................\r\n' "$i"; done
} >"$T/big.eml"
imap_tool append INBOX "$T/big.eml"
write_config "$(imap_config)
[policy]
max_message_size = 100k"
run poll --once
is "$rc:$(imap_tool count INBOX)" "0:0" "a mail over max_message_size is handled and moved"
is "$(count "SELECT oversized || ' ' || size FROM dsr_messages
    WHERE message_id = 'big-1@generated.example'")" "1 $(stat -c %s "$T/big.eml")" \
    "recorded as oversized, with its full size"
is "$(count "SELECT length(raw) FROM dsr_messages
    WHERE message_id = 'big-1@generated.example'")" 102400 \
    "keeping its first max_message_size bytes (its one text part, cut)"

# --- refusals ----------------------------------------------------------------
logins=$(dovecot_logins)
printf 'wrong-password-1234\n' >"$T/wrong.pass"
write_config "$(imap_config | sed "s|$T/imap.pass|$T/wrong.pass|")"
run poll --once
is "$rc" 78 "a wrong password: exit 78"
like "$err" "refused the login of user registry.*127\.0\.0\.1:$IMAP_PORT|127\.0\.0\.1:$IMAP_PORT.*registry" \
    "the message names the user and the server"
unlike "$err$out" 'wrong-password-1234' "and never the password"

write_config "$(imap_config | sed 's/^starttls = no/starttls = required/')"
logins=$(dovecot_logins)
run poll --once
is "$rc:$(dovecot_logins)" "78:$logins" \
    "starttls = required, server without STARTTLS: exit 78 and no login attempted"
like "$err" 'offers no STARTTLS.*refusing' "saying why"
like "$(tail -n 1 "$DOVECOT_DIR/log")" 'no auth attempts' \
    "Dovecot saw the connection end with no auth attempt"

write_config "$(imap_config | sed "s|:$IMAP_PORT|:$(free_port)|")"
run poll --once
is "$rc" 69 "no server listening: exit 69"

done_testing
