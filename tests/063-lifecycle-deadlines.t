#!/usr/bin/env bash
# Deadlines (N21) with DSRMAIL_NOW moved forward: due one calendar month after
# receipt (31 January: 28 February), reminders to the admins 7 and 2 days
# before and when overdue, once each; `requests list --overdue`; `queue
# extend` within the first month only; reject with a reason; classify;
# repeated access requests (N23); `audit verify` after an UPDATE of one event.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
. "$TESTS_DIR/lib-lifecycle.sh"
write_config "$(smtp_config)"
smtp_start
register_reset
plan 32

# A held erasure received 31 January.
export DSRMAIL_NOW=2026-01-31T10:00:00Z
printf 'Hei,\n\npoistakaa tietoni rekisteristänne.\n' | mail_write held matti@example.org "Poistakaa tietoni"
deliver held
id=$out
sent
reply_with held-confirm matti@example.org "$id" "$(mail_token matti@example.org challenge)"
is "$(sqlite3 "$DB" "SELECT due_at || ' ' || state FROM dsr_requests WHERE id = '$id'")" \
	"2026-02-28T10:00:00Z awaiting_approval" "31 January: due 28 February"
like "$(dsrmail queue list)" "^$id erasure awaiting_approval received 2026-01-31T10:00:00Z due 2026-02-28T10:00:00Z held: policy \\(erasure needs approval\\)$" "queue list shows it, and why it waits"

# sweep_at TIME: run sweep then, print the reminders that arrived since
echo 0 >"$T/reminders"
sweep_at() {
	DSRMAIL_NOW=$1 dsrmail sweep >/dev/null
	python3 "$TESTS_DIR/sink-summary.py" "$DB" "$SINK" >"$T/arrived"
	local now
	now=$(grep -c deadline_reminder "$T/arrived")
	echo "$((now - $(cat "$T/reminders")))"
	echo "$now" >"$T/reminders"
}
is "$(sweep_at 2026-02-21T09:59:59Z)" 0 "8 days before: no reminder"
is "$(sweep_at 2026-02-21T10:00:00Z)" 1 "7 days before: a reminder"
is "$(sweep_at 2026-02-21T12:00:00Z)" 0 "only once"
is "$(sweep_at 2026-02-25T10:00:00Z)" 0 "3 days before: nothing new"
is "$(sweep_at 2026-02-26T10:00:00Z)" 1 "2 days before: a reminder"
is "$(sweep_at 2026-02-27T10:00:00Z)" 0 "only once"
is "$(DSRMAIL_NOW=2026-02-28T09:59:59Z dsrmail requests list --overdue)" "" "not overdue yet"
is "$(sweep_at 2026-02-28T10:00:01Z)" 1 "deadline passed: an overdue reminder"
is "$(sweep_at 2026-03-15T10:00:00Z)" 0 "only once"
like "$(DSRMAIL_NOW=2026-02-28T10:00:01Z dsrmail requests list --overdue)" "^$id erasure awaiting_approval" \
	"requests list --overdue shows it"
is "$(sqlite3 "$DB" "SELECT group_concat(kind || '@' || sent_at, ' ') FROM (SELECT * FROM dsr_reminders WHERE request = '$id' ORDER BY sent_at)")" \
	"7d@2026-02-21T10:00:00Z 2d@2026-02-26T10:00:00Z overdue@2026-02-28T10:00:01Z" "the reminders recorded"
like "$(grep deadline_reminder "$T/arrived" | sort -u)" "^$ADMIN deadline_reminder-fi$" "each to the admin"
DSRMAIL_NOW=2026-03-01T10:00:00Z run queue extend "$id" --reason "Selvitämme perintätilannetta."
is "$rc" 65 "no extension after the first month"
like "$err" "first month" "and the message says why"

# An extension within the first month: +2 months, the subject told why.
export DSRMAIL_NOW=2026-01-31T11:00:00Z
printf 'Hei,\n\npyydän saada tietää, mitä henkilötietoja teillä on minusta.\n' |
	mail_write long paivi.hakkinen@example.fi "Tarkastuspyyntö"
deliver long
long=$out
sent
run queue extend "$long" --reason "Tietoja on useassa järjestelmässä." --as "$ADMIN"
is "$rc" 0 "queue extend within the first month"
sent
is "$(sqlite3 "$DB" "SELECT due_at || ' ' || extension_reason FROM dsr_requests WHERE id = '$long'")" \
	"2026-04-30T11:00:00Z Tietoja on useassa järjestelmässä." "due two months later, reason kept"
like "$(mail_body paivi.hakkinen@example.fi extended)" "Tietoja on useassa järjestelmässä" "the subject is told why"
run queue extend "$long" --reason "again"
is "$rc" 65 "only one extension"

# Reject: a reason is required; the subject gets it with the authority.
run queue reject "$long" --as "$ADMIN"
is "$rc" 64 "reject without --reason is a usage error"
run queue reject "$long" --reason "Sama pyyntö on jo käsittelyssä." --as "$ADMIN"
sent
is "$rc $(state "$long") $(sqlite3 "$DB" "SELECT decided_by FROM dsr_requests WHERE id = '$long'")" \
	"0 rejected $ADMIN" "rejected, with who decided"
body=$(mail_body paivi.hakkinen@example.fi rejected)
like "$body" "Sama pyyntö on jo käsittelyssä" "the reply carries the reason"
like "$body" "Tietosuojavaltuutetun toimisto" "and the authority (N18)"
like "$(dsrmail requests show "$long")" "decided: +2026-01-31T11:00:00Z by $ADMIN: Sama pyyntö" \
	"requests show: decided by whom"

# Classify an unknown request: a ban then runs at once.
export DSRMAIL_NOW=2026-02-01T10:00:00Z
printf 'Hei,\n\nMitä teette tiedoillani? Haluan tietää enemmän.\n' |
	mail_write unknown matti@example.org "Kysymys"
deliver unknown
unknown=$out
sent
reply_with unknown-confirm matti@example.org "$unknown" "$(mail_token matti@example.org challenge)"
kind_state=$(sqlite3 "$DB" "SELECT kind || ' ' || state || ' ' || hold_reasons FROM dsr_requests WHERE id = '$unknown'")
is "$kind_state" "unknown awaiting_approval unknown_kind" "an unclear mail waits for an admin"
dsrmail queue classify "$unknown" publication --as "$ADMIN" >/dev/null
is "$(state "$unknown") $(sqlite3 "$DB" "SELECT publication_ban FROM customers WHERE id = 4")" \
	"done 1" "classified as a publication ban: carried out"

# N23: the third access request within 90 days is flagged, not refused.
for n in 1 2 3; do
	export DSRMAIL_NOW=2026-02-0${n}T12:00:00Z
	printf 'Hello,\n\nI would like to know what personal data you hold about me.\n' |
		mail_write "repeat$n" joro.astrom@example.fi "Data request $n"
	deliver "repeat$n"
	rid=$out
	sent
	reply_with "repeat$n-confirm" joro.astrom@example.fi "$rid" "$(mail_token joro.astrom@example.fi challenge)"
	states="${states:-}$(state "$rid") "
done
is "$states" "done done awaiting_approval " "the third access request in 90 days waits for an admin"
is "$(sqlite3 "$DB" "SELECT hold_reasons FROM dsr_requests WHERE id = '$rid'")" repeated "flagged as possibly excessive"

# Audit: the chain holds, and an UPDATE of one event row is caught.
ok "audit verify: intact" dsrmail audit verify
event=$(sqlite3 "$DB" "SELECT id FROM dsr_events WHERE request = '$long' AND type = 'rejected'")
sqlite3 "$DB" "UPDATE dsr_events SET actor = 'someone else' WHERE id = $event"
run audit verify
is "$rc" 1 "audit verify exits 1 after an UPDATE"
like "$out$err" "event $event" "naming the event"
done_testing
