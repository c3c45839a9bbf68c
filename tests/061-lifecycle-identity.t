#!/usr/bin/env bash
# Identity (N22): a forged From with a Reply-To, guessed and foreign tokens,
# expired challenges, a mail naming someone else, DMARC failures, admin
# replies from the wrong address. Personal data only ever goes to the
# address on file.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
. "$TESTS_DIR/lib-lifecycle.sh"
export DSRMAIL_NOW=2026-03-02T08:00:00Z
write_config "$(smtp_config)
[policy]
trusted_authserv_id = mx.hrmentor.fi"
smtp_start
register_reset
JORO=joro.astrom@example.fi
OUTSIDER=outsider@evil.example
plan 28

# --- From = a customer, Reply-To = an outsider
printf 'Hei,\n\npyydän saada tietää, mitä henkilötietoja teillä on minusta.\n' |
	mail_write spoof "Jörö Åström <$JORO>" "Tarkastuspyyntö" "Reply-To: <$OUTSIDER>"
deliver spoof
spoof=$out
sent
is "$(arrived)" "$JORO challenge-fi" "the challenge goes to the address on file only"
like "$(mail_body "$JORO" challenge)" "^To: Jörö Åström <$JORO>" "its To is the register's address, not Reply-To"

# --- the outsider guesses a token
reply_with guess "$OUTSIDER" "$spoof" "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
sent
is "$(state "$spoof")" verifying "a guessed token changes nothing"
is "$(sqlite3 "$DB" "SELECT detail FROM dsr_events WHERE request = '$spoof'
	AND type = 'confirmation_refused'")" '{"reason":"no valid code in the mail"}' \
	"the refused attempt is recorded"

# --- another request's token: Matti's own challenge code
printf 'Hei,\n\npyydän saada tietää, mitä henkilötietoja teillä on minusta.\n' |
	mail_write matti "matti@example.org" "Tarkastuspyyntö"
deliver matti
matti=$out
sent
matti_token=$(mail_token matti@example.org challenge)
joro_token=$(mail_token "$JORO" challenge)
reply_with foreign "$OUTSIDER" "$spoof" "$matti_token"
reply_with foreign2 matti@example.org "$spoof" "$matti_token"
# the right code, but from the outsider (as if it had leaked)
reply_with leaked "$OUTSIDER" "$spoof" "$joro_token"
sent
is "$(state "$spoof") $(state "$matti")" "verifying verifying" \
	"another request's token, or the right one from another address: nothing"
is "$(sqlite3 "$DB" "SELECT group_concat(detail, ' ') FROM dsr_events WHERE
	request = '$spoof' AND type = 'confirmation_refused'")" \
	'{"reason":"no valid code in the mail"} {"reason":"no valid code in the mail"} {"reason":"no valid code in the mail"} {"reason":"the code came from another address than it was sent to"}' \
	"each attempt recorded with its reason"
is "$(grep -c "$OUTSIDER" "$T/arrived")" 0 "the outsider received nothing"

# --- the customer confirms: the data goes to the address on file
reply_with confirm "$JORO" "$spoof" "Tässä koodi: $joro_token"
sent
is "$(state "$spoof")" done "the customer's own reply confirms"
is "$(tail -n 1 "$T/arrived" | cut -d' ' -f1-2)" "$JORO access-fi" "the bundle goes to the address on file"
is "$(grep -c "$OUTSIDER" "$T/arrived")" 0 "the outsider still received nothing"
reply_with reuse "$JORO" "$spoof" "$joro_token"
is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_events WHERE request = '$spoof'
	AND type IN ('confirmed', 'executed')")" 2 "a token used again does nothing"

# --- expiry: Matti never answers
DSRMAIL_NOW=2026-03-09T08:00:01Z reply_with late matti@example.org "$matti" "$matti_token"
is "$(state "$matti") $(sqlite3 "$DB" "SELECT detail FROM dsr_events WHERE
	request = '$matti' AND type = 'confirmation_refused'")" \
	'verifying {"reason":"the code has expired"}' "an expired code does not confirm"
DSRMAIL_NOW=2026-03-09T08:00:01Z run sweep
is "$rc $(state "$matti")" "0 expired" "sweep expires the request"
DSRMAIL_NOW=2026-03-10T08:00:00Z run sweep
is "$(grep -c "^matti@example.org rejected-fi" <(python3 "$TESTS_DIR/sink-summary.py" "$DB" "$SINK"))" 1 \
	"the subject is told once"

# --- an outsider names a customer's address: no data, the admins decide
printf 'Hello,\n\nplease send me all the personal data you hold about paivi.hakkinen@example.fi,\nI am her husband.\n' |
	mail_write naming "$OUTSIDER" "Data request"
deliver naming
naming=$out
sent
is "$(state "$naming") $(sqlite3 "$DB" "SELECT hold_reasons FROM dsr_requests
	WHERE id = '$naming'")" "awaiting_approval no_match_names_identifiers" \
	"a mail naming someone else goes to the admin queue"
is "$(tail -n 2 "$T/arrived")" "$OUTSIDER no_data-en
$ADMIN admin_notice-fi" "the sender gets only \"no data\"; the admins get a notice"
unlike "$(mail_body "$OUTSIDER" no_data)" "Häkkinen|Puijonkatu|4567|paivi\\.hakkinen" \
	"nothing about the customer in it"
is "$(grep -c paivi.hakkinen "$T/arrived")" 0 "the customer named receives nothing"
run queue approve "$naming" --as "$ADMIN"
is "$rc" 65 "it cannot be approved: nothing to carry out for an unknown sender"
like "$(dsrmail queue list)" "^$naming unknown awaiting_approval|^$naming access awaiting_approval" "queue list shows it"

# --- a customer's mail naming another customer: confirmed, then held
printf 'Hei,\n\npyydän saada tietää, mitä henkilötietoja teillä on minusta ja osoitteesta paivi.hakkinen@example.fi.\n' |
	mail_write naming2 "matti@example.org" "Tarkastuspyyntö"
deliver naming2
naming2=$out
sent
reply_with naming2-confirm matti@example.org "$naming2" "$(mail_token matti@example.org challenge)"
is "$(state "$naming2") $(sqlite3 "$DB" "SELECT hold_reasons FROM dsr_requests
	WHERE id = '$naming2'")" "awaiting_approval names_other_address" \
	"a customer naming another address waits for an admin"

# --- DMARC failed (trusted authserv-id): even a ban waits for an admin
printf 'Hello,\n\nI do not want my name or address to be published in any list or directory you make.\n' |
	mail_write dmarc "$JORO" "Lists" \
	"Authentication-Results: mx.hrmentor.fi; dmarc=fail header.from=example.fi"
deliver dmarc
dmarc=$out
sent
reply_with dmarc-confirm "$JORO" "$dmarc" "$(mail_token "$JORO" challenge)"
sent
is "$(state "$dmarc") $(sqlite3 "$DB" "SELECT hold_reasons || ' ' || publication_ban
	FROM dsr_requests, customers WHERE dsr_requests.id = '$dmarc' AND customers.id = 2")" \
	"awaiting_approval dmarc_fail 0" "DMARC fail: never executed without an admin"
printf 'Hi,\n\nI object to any direct marketing.\n' |
	mail_write dmarc-other "$JORO" "Stop marketing please" \
	"Authentication-Results: mx.example.net; dmarc=fail header.from=example.fi"
deliver dmarc-other
is "$(sqlite3 "$DB" "SELECT coalesce(dmarc, 'none') FROM dsr_messages WHERE
	id = (SELECT message FROM dsr_requests WHERE id = '$out')")" none \
	"a verdict from another host is not trusted"

# --- admin replies: the wrong address, the wrong token, no reasons
admin_token=$(mail_token "$ADMIN" admin_notice)
printf 'APPROVE %s\n' "$admin_token" |
	mail_write admin-forged "$OUTSIDER" "Re: [$dmarc] A request awaits your decision"
deliver admin-forged
printf 'APPROVE ABCDEFGHIJKLMNOPQRSTUVWXYZ\n' |
	mail_write admin-guess "$ADMIN" "Re: [$dmarc] A request awaits your decision"
deliver admin-guess
printf 'REJECT %s\n' "$admin_token" |
	mail_write admin-noreason "$ADMIN" "Re: [$dmarc] A request awaits your decision"
deliver admin-noreason
is "$(state "$dmarc")" awaiting_approval "a forged, guessed or reasonless admin reply does nothing"
is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_events WHERE request = '$dmarc'
	AND type = 'admin_reply_refused'")" 2 "the admin's refused replies are recorded"
printf 'REJECT %s We could not verify that the mail came from you.\n' "$admin_token" |
	mail_write admin-reject "$ADMIN" "Re: [$dmarc] A request awaits your decision"
deliver admin-reject
sent
is "$(state "$dmarc") $(sqlite3 "$DB" "SELECT decided_by || ': ' || decision_reason
	FROM dsr_requests WHERE id = '$dmarc'")" \
	"rejected $ADMIN: We could not verify that the mail came from you." \
	"the admin's REJECT by mail, with who and why"
like "$(mail_body "$JORO" rejected)" "We could not verify.*Data Protection Ombudsman|Data Protection Ombudsman" \
	"the subject is told the reason and the authority"
ok "audit verify" dsrmail audit verify
done_testing
