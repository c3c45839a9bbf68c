#!/usr/bin/env bash
# Lifting a restriction (N14, GDPR Art. 18(3)): `queue lift` tells the person
# first; the flag is cleared only once that notice has been sent, in one
# transaction with the event restriction_lifted. A notice refused by the
# server leaves the restriction in place and the admins are told; the lift
# may then be tried again. Every refusal names what to do instead.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
. "$TESTS_DIR/lib-lifecycle.sh"
export DSRMAIL_NOW=2026-03-02T08:00:00Z
write_config "$(smtp_config)"
smtp_start
register_reset
MATTI=matti@example.org
RECIPIENT=kirjanpito@tilitoimisto.example   # the [recipient] of the map
PAIVI=paivi.hakkinen@example.fi
restricted() { sqlite3 "$DB" "SELECT restricted FROM customers WHERE id = $1"; }
# The events pointing at a request's lift notice(s): type:actor, in order.
notice_events() {
	sqlite3 "$DB" "SELECT group_concat(type || ':' || actor, ',') FROM (SELECT
		type, actor FROM dsr_events WHERE request = '$1' AND outbox IN (SELECT id
		FROM dsr_outbox WHERE template = 'restriction_lifted') ORDER BY id)"
}
lift_state() { sqlite3 "$DB" "SELECT group_concat(state, ',') FROM dsr_lifts WHERE request = '$1'"; }

# refused ID PATTERN DESCRIPTION: queue lift ID is refused with 65 and a
# message matching PATTERN (which says what to do instead).
refused() {
	run queue lift "$1" --reason "x" --as "$ADMIN"
	like "$rc $err" "^65 dsrmail: .*$2" "$3"
}

# A restriction request, confirmed and approved: the flag is set.
restrict() {
	local name=$1 from=$2
	printf 'Hei,\n\npyydän teitä rajoittamaan tietojeni käsittelyä siihen asti, kunnes asia on selvitetty.\n' |
		mail_write "$name" "$from" "Käsittelyn rajoittaminen"
	deliver "$name"
	id=$out
	sent
	reply_with "$name-confirm" "$from" "$id" "$(mail_token "$from" challenge)"
	dsrmail queue approve "$id" --as "$ADMIN" >/dev/null
	sent
}

plan 26
restrict restrict-matti "$MATTI"
matti=$id
is "$(state "$matti") $(restricted 4)" "done 1" "a done restriction: the flag is set"

# --- refusals
run queue lift "$matti" --as "$ADMIN"
is "$rc" 64 "no --reason: usage error (64)"
like "$err" "needs --reason TEXT: the person is told why" "which says the person is told why"
printf 'Hei,\n\nlähettäkää minulle kaikki tietoni.\n' | mail_write access-paivi "$PAIVI" "Tarkastuspyyntö"
deliver access-paivi
access=$out
refused "$access" "cannot lift $access: it is a request of kind access; only a restriction request, or an upheld objection \\(processing_objection\\), can be lifted" \
	"not a restriction request: refused (65), saying only a restriction can be lifted"
printf 'Hei,\n\npyydän teitä rajoittamaan tietojeni käsittelyä.\n' | mail_write restrict-paivi "$PAIVI" "Rajoitus"
deliver restrict-paivi
open=$out
refused "$open" "its restriction was never set \\(the request is verifying\\); an open request is rejected with dsrmail queue reject" \
	"a restriction not yet carried out: refused (65), pointing to queue reject"
refused DSR-2026-9999 "no request DSR-2026-9999; \"dsrmail requests list\" shows them all" \
	"no such request: refused (65)"

# --- the lift: the person is told first
sent
mails_before=$(sink_count)
run queue lift "$matti" --reason "Selvitys on valmis: tiedot ovat oikein." --as "$ADMIN"
is "$rc" 0 "queue lift succeeds"
like "$out" "the person is told first; the restriction is lifted once \"dsrmail send\" has sent the notice" \
	"and says what happens next"
is "$(restricted 4) $(lift_state "$matti")" "1 pending" "before the notice is sent the restriction stays"
refused "$matti" "a lift is pending since .*dsrmail send delivers it" \
	"a second lift while one is pending: refused (65), saying the notice waits in the outbox"
sent
is "$(sink_count)" $((mails_before + 2)) "two mails went out in the one send"
is "$(tail -n 2 "$T/arrived" | tr '\n' ' ')" "$MATTI restriction_lifted-fi $RECIPIENT recipient_notice-fi " \
	"the notice to the address on file, then, once the restriction was lifted, the recipients told of it (Art. 19)"
like "$(mail_body "$MATTI" restriction_lifted)" "Syy: Selvitys on valmis: tiedot ovat oikein." \
	"it gives the reason"
like "$(mail_body "$MATTI" restriction_lifted)" "poistetaan 2026-03-02, kun tämä viesti on lähetetty" \
	"and when it is lifted"
is "$(restricted 4) $(lift_state "$matti")" "0 lifted" "once it was sent the restriction is lifted"
is "$(notice_events "$matti")" \
	"mail_queued:system,lift_requested:$ADMIN,mail_sent:system,restriction_lifted:system" \
	"events about the notice: queued with the admin's lift, sent, and only then lifted"
is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_events e JOIN dsr_outbox o ON o.id = e.outbox
	WHERE e.request = '$matti' AND e.type = 'restriction_lifted' AND o.template = 'restriction_lifted'
	AND o.state = 'sent'")" 1 "restriction_lifted points at the sent notice"
run requests show "$matti"
like "$out" "lifting the restriction asked by $ADMIN \\(login [^)]*\\): Selvitys on valmis" \
	"requests show: who lifted it and why"
like "$out" "  [0-9T:-]+Z  restriction lifted, the person told" "and when it was lifted"
refused "$matti" "its restriction was lifted already" "lifted already: refused (65), saying so"

# --- the notice cannot be delivered: the restriction stays, the admins are told
restrict restrict-paivi2 "$PAIVI"
paivi=$id
smtp_stop
smtp_start --refuse
dsrmail queue lift "$paivi" --reason "Asia on selvitetty." --as "$ADMIN" >/dev/null
sent
is "$(restricted 1) $(lift_state "$paivi")" "1 failed" "the notice was refused (550): the restriction stays"
is "$(sqlite3 "$DB" "SELECT length(raw) || ' ' || (raw_removed_at IS NOT NULL) FROM dsr_outbox
	WHERE template = 'restriction_lifted' AND state = 'failed'")" "0 1" \
	"the failed notice keeps no bytes (failed for good)"
is "$(notice_events "$paivi")" \
	"mail_queued:system,lift_requested:$ADMIN,mail_failed:system,lift_failed:system" \
	"events about the notice: queued, failed, the lift failed"
smtp_stop
smtp_start
sent
like "$(mail_body "$ADMIN" bounce_notice)" "Käsittelyn rajoitus on edelleen voimassa" \
	"the admins' bounce notice says the restriction stays"
run queue lift "$paivi" --reason "Asia on selvitetty." --as "$ADMIN"
is "$rc $(lift_state "$paivi")" "0 failed,pending" "after a failed notice the lift may be tried again"
ok "audit verify: the chain is intact" dsrmail audit verify
done_testing
