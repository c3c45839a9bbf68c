#!/usr/bin/env bash
# After an erasure, the erased values are nowhere in the database, dsrmail's
# own tables included: not in the mails the person sent (dsr_messages.raw),
# not in the corrections they asked for (dsr_changes), not in the mails we
# sent them (dsr_outbox.raw: an access reply's bundle holds the phone, www
# and IP address). An outbox mail's bytes go once it is sent; its size and
# SHA-256 stay. What stays as evidence (Art. 5(2)): the rows, the sender's
# address in dsr_requests, the events, and the hash chain holds.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
. "$TESTS_DIR/lib-lifecycle.sh"
export DSRMAIL_NOW=2026-03-02T08:00:00Z
write_config "$(smtp_config)"
smtp_start
register_reset
MATTI=matti@example.org
OLD_PHONE='040 000 0000'
NEW_PHONE='040 999 8888'
WWW=matti-meikalainen.example.org
IP=203.0.113.5
sqlite3 "$DB" "UPDATE customers SET www = 'https://$WWW' WHERE id = 4"
q() { sqlite3 "$DB" "$1"; }
plan 18

# --- an access request: confirmed, the reply with the bundle sent
printf 'Hei,\n\npyydän saada tietää, mitä henkilötietoja teillä on minusta.\n' |
	mail_write access "Matti Meikäläinen <$MATTI>" "Tarkastuspyyntö"
deliver access
access=$out
sent
reply_with access-confirm "$MATTI" "$access" "$(mail_token "$MATTI" challenge)"
sent
is "$(tail -n 1 "$T/arrived" | cut -d' ' -f1,2)" "$MATTI access-fi" "the access reply was sent"
eml=$(ls "$SINK"/*.eml | tail -n 1)
is "$(python3 - "$eml" "$OLD_PHONE" "$WWW" "$IP" <<'PY'
import email, email.policy, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
bundle = [p.get_payload(decode=True).decode() for p in msg.walk()
          if p.get_filename() == "export.json"][0]
print(" ".join(v for v in sys.argv[2:] if v in bundle))
PY
)" "$OLD_PHONE $WWW $IP" "its bundle holds the phone, www and IP address"
is "$(q "SELECT state, length(raw), size, raw_removed_at IS NOT NULL FROM dsr_outbox
	WHERE request = '$access' AND template = 'access'")" "sent|0|$(stat -c %s "$eml")|1" \
	"once sent, the outbox row keeps no bytes, but the size of what was sent"
is "$(q "SELECT sha256 FROM dsr_outbox WHERE request = '$access' AND template = 'access'")" \
	"$(sha256sum <"$eml" | cut -d' ' -f1)" "and the SHA-256 of the very bytes the server got"
is "$(q "SELECT count(*) FROM dsr_outbox WHERE state <> 'queued' AND length(raw) > 0")" 0 \
	"no mail that left keeps its bytes"

# --- a correction carrying a value, approved
printf 'Hei,\n\npuhelinnumeroni on vaihtunut. Korjatkaa se:\n\nPuhelinnumero: %s\n' "$NEW_PHONE" |
	mail_write fix "$MATTI" "Puhelinnumeron muutos"
deliver fix
fix=$out
sent
reply_with fix-confirm "$MATTI" "$fix" "$(mail_token "$MATTI" challenge)"
dsrmail queue approve "$fix" --as "$ADMIN" >/dev/null
sent
is "$(q "SELECT phone FROM customers WHERE id = 4") | $(q "SELECT old_value || ' -> ' || new_value
	FROM dsr_changes WHERE request = '$fix'")" "$NEW_PHONE | $OLD_PHONE -> $NEW_PHONE" \
	"the phone was corrected; the change keeps the old and new value"
isnt "$(found_in_file "$NEW_PHONE" "$WWW" "$IP")" "" \
	"before the erasure the values are in the file's bytes (so the check below can fail)"
is "$(q "SELECT count(*) FROM dsr_messages WHERE raw IS NOT NULL AND instr(raw, '$NEW_PHONE') > 0")" 1 \
	"and the stored correction mail holds the new phone"

# --- the erasure
events_before=$(q "SELECT count(*) FROM dsr_events")
messages_before=$(q "SELECT count(*) || '/' || count(sha256) FROM dsr_messages")
printf 'Hei,\n\npoistakaa tietoni rekisteristänne.\n' | mail_write erase "$MATTI" "Poistakaa tietoni"
deliver erase
erase=$out
sent
reply_with erase-confirm "$MATTI" "$erase" "$(mail_token "$MATTI" challenge)"
run queue approve "$erase" --as "$ADMIN"
is "$rc $(q "SELECT count(*) FROM customers WHERE id = 4")" "0 0" "the erasure was carried out"
is "$(found_in_file "$OLD_PHONE" "$NEW_PHONE" "$WWW" "$IP" "Meikäläinen")" "" \
	"the phones, www, IP address and name are in neither the database file nor its -wal"
is "$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)" 0 "the -wal is empty"
is "$(q "SELECT count(*) FROM dsr_messages m WHERE (m.raw IS NOT NULL OR m.from_name IS NOT NULL)
	AND m.from_address = '$MATTI'")" 0 "none of the person's mails keeps its bytes or display name"
is "$(q "SELECT field || '|' || column_name || '|' || old_value || '|' || new_value || '|' || state
	FROM dsr_changes WHERE request = '$fix'")" "Puhelinnumero|phone|||applied" \
	"the correction keeps what was changed and that it was applied, not the values"
sent
is "$(q "SELECT count(*) FROM dsr_outbox WHERE state <> 'queued' AND length(raw) > 0")" 0 \
	"the erasure's own replies, once sent, keep no bytes either"
is "$(q "SELECT group_concat(sender, ' ') FROM (SELECT sender FROM dsr_requests ORDER BY id)")" \
	"$MATTI $MATTI $MATTI" "dsr_requests keeps who asked: the sender of each request"

# --- the evidence stays
is "$(q "SELECT count(*) || '/' || count(sha256) FROM dsr_messages")" \
	"$(( ${messages_before%/*} + 2 ))/$(( ${messages_before%/*} + 2 ))" \
	"every received mail's row and SHA-256 stays"
is "$(q "SELECT json_extract(detail, '\$.mails') > 0, json_extract(detail, '\$.changes'),
	json_extract(detail, '\$.outbox'), $events_before < id FROM dsr_events
	WHERE request = '$erase' AND type = 'records_cleared'")" "1|1|0|1" \
	"the event records_cleared says what went (no outbox bytes: each mail dropped them when sent)"
ok "audit verify: the event chain is intact" dsrmail audit verify
done_testing
