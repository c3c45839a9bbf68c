#!/bin/bash
# What intake stores for one mail: dedupe by Message-ID and by hash,
# continuation of a known [DSR-YYYY-NNNN], request ids per year and the
# one-month deadline, the recorded sender headers and trusted
# Authentication-Results, bounces tied to our outbox, our own Message-IDs,
# sender_rate, and the all-or-nothing transaction.
. "$(dirname "$0")/lib.sh"

plan 34
setup_register "[policy]
trusted_authserv_id = mx.hrmentor.fi
sender_rate = 3/day"
q() { sqlite3 "$DB" "$1"; }
MAIL_DIR="$TESTS_DIR/mail"

# mail FROM MESSAGE-ID SUBJECT BODY [EXTRA-HEADER]: a plain mail on stdout
mail() {
	printf 'From: %s\nTo: tietosuoja@hrmentor.fi\n' "$1"
	[ -n "$2" ] && printf 'Message-ID: <%s>\n' "$2"
	[ -n "${5:-}" ] && printf '%s\n' "$5"
	printf 'Subject: %s\nDate: Mon, 3 Mar 2025 09:00:00 +0200\n\n%s\n' "$3" "$4"
}

# --- ids per year, deadline one calendar month later (N21)
export DSRMAIL_NOW=2025-12-31T23:00:00Z
mail 'Matti <matti@example.org>' id1@example.org 'Tarkastuspyyntö' 'Käytän tarkastusoikeuttani.' >"$T/m1"
run deliver <"$T/m1"
is "$rc $out" "0 DSR-2025-0001" "first request of 2025 is DSR-2025-0001"
is "$(q "SELECT kind, state, received_at, due_at FROM dsr_requests WHERE id = 'DSR-2025-0001'")" \
	"access|received|2025-12-31T23:00:00Z|2026-01-31T23:00:00Z" "state received, due one calendar month later"
export DSRMAIL_NOW=2026-01-31T10:00:00Z
mail 'Matti <matti@example.org>' id2@example.org 'Poisto' 'Poistakaa tietoni.' >"$T/m"; run deliver <"$T/m"
is "$out" "DSR-2026-0001" "numbering starts again in a new year"
is "$(q "SELECT due_at FROM dsr_requests WHERE id = 'DSR-2026-0001'")" "2026-02-28T10:00:00Z" \
	"31 January + one month is the last day of February"

# --- dedupe
run deliver <"$T/m1"
is "$rc $out" "0 DSR-2025-0001" "the same mail again: exit 0, the earlier request id"
is "$(q "SELECT count(*) FROM dsr_messages WHERE message_id = 'id1@example.org'")" 1 "stored once"
is "$(q 'SELECT count(*) FROM dsr_requests')" 2 "no new request"
mail 'Ville <ville.vaananen@example.com>' '' 'Data' 'Please delete my data.' >"$T/noid"
run deliver <"$T/noid"; first=$out
run deliver <"$T/noid"
is "$rc $out" "0 $first" "a mail without Message-ID twice: same request (sha256)"
is "$(q "SELECT count(*) FROM dsr_messages WHERE message_id IS NULL")" 1 "stored once"

# --- continuation of a known request
mail 'Matti <matti@example.org>' id3@example.org 'Re: [DSR-2025-0001] Vahvista pyyntösi' 'Vahvistan, poistakaa myös tietoni.' >"$T/m"; run deliver <"$T/m"
is "$rc $out" "0 DSR-2025-0001" "a known [DSR-...] in the Subject continues that request"
is "$(q 'SELECT count(*) FROM dsr_requests')" 3 "and opens nothing new"
is "$(q "SELECT e.type FROM dsr_events e JOIN dsr_messages m ON m.id = e.message
	WHERE m.message_id = 'id3@example.org' AND e.request = 'DSR-2025-0001'")" followup \
	"a followup event ties the mail to the request"
mail 'Matti <matti@example.org>' id4@example.org 'Re: [DSR-2024-0042] vanha' 'Poistakaa tietoni.' >"$T/m"; run deliver <"$T/m"
like "$out" '^DSR-2026-0003$' "an unknown [DSR-...] id opens a new request"

# --- sender headers and Authentication-Results from the trusted host only
{
	printf 'Return-Path: <bounce-x@example.fi>\n'
	printf 'Authentication-Results: mx.hrmentor.fi 1; dkim=fail header.d=example.fi;\n dkim=pass (2048-bit key) header.d=example.fi; spf=pass; dmarc=pass (p=reject) header.from=example.fi\n'
	printf 'Authentication-Results: attacker.example; dmarc=pass; dkim=pass\n'
	printf 'Reply-To: Someone Else <other@example.net>\n'
	mail '=?utf-8?q?P=C3=A4ivi_H=C3=A4kkinen?= <Paivi.Hakkinen@Example.FI>' id5@example.fi 'Tietopyyntö' 'Mitä tietoja teillä on minusta?'
} >"$T/m"; run deliver <"$T/m"
is "$(q "SELECT from_address, from_name, reply_to, return_path, dmarc, dkim FROM dsr_messages WHERE message_id = 'id5@example.fi'")" \
	"paivi.hakkinen@example.fi|Päivi Häkkinen|other@example.net|bounce-x@example.fi|pass|pass" \
	"From (normalised), display name, Reply-To, Return-Path, DMARC and DKIM recorded"
is "$(q "SELECT group_concat(subject_key) FROM dsr_request_subjects WHERE request = '$out'")" 1 \
	"the sender is identified by From, not Reply-To"
{
	printf 'Authentication-Results: attacker.example; dmarc=pass; dkim=pass\n'
	printf 'Authentication-Results: mx.hrmentor.fi; dmarc=fail (p=reject) header.from=example.org\n'
	mail 'Matti <matti@example.org>' id6@example.org 'Tietopyyntö' 'Mitä tietoja teillä on minusta?'
} >"$T/m"; run deliver <"$T/m"
is "$(q "SELECT dmarc, coalesce(dkim, 'NULL') FROM dsr_messages WHERE message_id = 'id6@example.org'")" \
	"fail|NULL" "a header from another authserv-id is ignored"
like "$(q "SELECT detail FROM dsr_events WHERE request = '$out'")" '"dmarc":"fail"' \
	"the received event carries the DMARC verdict"

# --- sender_rate = 3/day: the fourth mail within a day is screened
mail 'Ville <ville.vaananen@example.com>' id7@example.com 'Data' 'Please delete my data.' >"$T/m"; run deliver <"$T/m"
mail 'Ville <ville.vaananen@example.com>' id8@example.com 'Data' 'Please delete my data.' >"$T/m"; run deliver <"$T/m"
is "$(q "SELECT coalesce(screened, 'request') FROM dsr_messages WHERE message_id = 'id8@example.com'")" request \
	"the third mail of the day is within sender_rate = 3/day"
mail 'Ville <ville.vaananen@example.com>' id8b@example.com 'Data' 'Please delete my data.' >"$T/m"; run deliver <"$T/m"
is "$(q "SELECT screened FROM dsr_messages WHERE message_id = 'id8b@example.com'")" sender_rate \
	"the fourth is over it: ignored with reason sender_rate"
DSRMAIL_NOW=2026-02-02T10:00:00Z
mail 'Ville <ville.vaananen@example.com>' id9@example.com 'Data' 'Please delete my data.' >"$T/m"; run deliver <"$T/m"
is "$(q "SELECT coalesce(screened, 'request') FROM dsr_messages WHERE message_id = 'id9@example.com'")" request \
	"a day later the sender is heard again"

# --- our own mails: a bounce is tied to its outbox row; our Message-ID is a loop
q "INSERT INTO dsr_outbox(request, template, recipient, message_id, raw, created_at, next_attempt_at, state)
   VALUES ('DSR-2025-0001', 'challenge', 'nobody@example.invalid', '<dsr-outbox-bounce-test@hrmentor.fi>', 'x', '2025-03-05', '2025-03-05', 'sent'),
          ('DSR-2025-0001', 'challenge', 'matti@example.org', 'dsr-own-loop@hrmentor.fi', 'x', '2025-03-05', '2025-03-05', 'sent')"
run deliver <"$MAIL_DIR/ignored-bounce-dsn.eml"
is "$rc $out" "0 DSR-2025-0001" "a DSN of our mail: exit 0, names the request"
is "$(q "SELECT state FROM dsr_outbox WHERE message_id = '<dsr-outbox-bounce-test@hrmentor.fi>'")" bounced \
	"the outbox mail is marked bounced"
is "$(q "SELECT e.type || ' ' || json_extract(e.detail, '$.reason') FROM dsr_events e JOIN dsr_outbox o ON o.id = e.outbox
	WHERE o.message_id = '<dsr-outbox-bounce-test@hrmentor.fi>' AND e.request = 'DSR-2025-0001'")" "bounced bounce" \
	"a bounced event links the request, the outbox mail and the report"
is "$(q "SELECT count(*) FROM dsr_requests WHERE message = (SELECT max(id) FROM dsr_messages)")" 0 \
	"the bounce opens no request"
mail 'Matti <matti@example.org>' dsr-own-loop@hrmentor.fi 'Re: hello' 'Poistakaa tietoni.' >"$T/m"; run deliver <"$T/m"
is "$(q "SELECT screened FROM dsr_messages WHERE message_id = 'dsr-own-loop@hrmentor.fi'")" own_message \
	"a mail carrying one of our own Message-IDs is ignored (own_message)"
is "$(q "SELECT count(*) FROM dsr_outbox")" 2 "nothing queued for sending by any of it"

# --- rectification: known fields by any label, unknown ones kept for the admin
printf 'From: matti@example.org\nMessage-ID: <r1@example.org>\nSubject: Korjaus\n\nKorjatkaa tietoni:\n\nPuhelinnumero: 040 123 4567\nPostiosoite: Puijonkatu 3\nKengännumero: 44\nphone; DROP TABLE customers: x\n' >"$T/m"; run deliver <"$T/m"
is "$(q "SELECT group_concat(coalesce(column_name, 'NULL') || '=' || new_value, ',') FROM dsr_changes WHERE request = '$out'")" \
	"phone=040 123 4567,street=Puijonkatu 3,NULL=44" "fields resolved through the map; an unknown one has no column"
is "$(q "SELECT field FROM dsr_changes WHERE request = '$out' AND column_name IS NULL")" "Kengännumero" \
	"the unknown field is kept as written, for the admin"
is "$(q 'SELECT count(*) FROM customers')" 4 "the register is untouched"

# --- all or nothing: a failure in the middle of the transaction stores nothing
q "CREATE TRIGGER fail_erasure BEFORE INSERT ON dsr_requests WHEN NEW.kind = 'erasure'
   BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
before=$(q 'SELECT (SELECT count(*) FROM dsr_messages) || (SELECT count(*) FROM dsr_requests) || (SELECT count(*) FROM dsr_events)')
run deliver <"$MAIL_DIR/fi-access-erasure.eml"
is "$rc" 75 "a failure while storing: exit 75 (the MTA keeps the mail)"
like "$err" 'not stored.*try again' "and says the mail was not stored"
is "$(q 'SELECT (SELECT count(*) FROM dsr_messages) || (SELECT count(*) FROM dsr_requests) || (SELECT count(*) FROM dsr_events)')" \
	"$before" "nothing half-written: no mail, no access request, no event"
q "DROP TRIGGER fail_erasure"
run deliver <"$MAIL_DIR/fi-access-erasure.eml"
like "$rc $(echo $out)" '^0 DSR-2026-[0-9]{4} DSR-2026-[0-9]{4}$' "delivered again later: two requests"
is "$(for id in $out; do q "SELECT kind FROM dsr_requests WHERE id = '$id'"; done | tr '\n' ' ')" \
	"access erasure " "printed and opened in a safe order: access before erasure"
done_testing
