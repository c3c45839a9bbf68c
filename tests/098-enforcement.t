#!/usr/bin/env bash
# The enforcement gaps docs/requirements.md named, kept by the program and
# checked end to end (deliver, the identity challenge, the queue, send to a
# real SMTP server, sweep): an objection on grounds of the particular
# situation weighed by an admin (Art. 21(1)); --as checked against the
# admins, with the login recorded (N20); repeats of every kind (N23); a
# sender over sender_rate told once (Art. 12(4)); dsrmail itself honouring
# a restriction (N14, Art. 18(2), Art. 19); restriction while a correction
# is disputed (Art. 18(1)(a)); the disclosure ban and recipient notices
# (N19); the sources told of a correction (N12). Each assertion starts with
# what it proves.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
. "$TESTS_DIR/lib-lifecycle.sh"
export DSRMAIL_NOW=2026-03-02T08:00:00Z
# A high sender_rate: the people below write many mails in one day.
write_config "$(smtp_config)
[policy]
sender_rate = 100/day"
smtp_start
register_reset
PAIVI=paivi.hakkinen@example.fi
JORO=joro.astrom@example.fi
VILLE=ville.vaananen@example.com
MATTI=matti@example.org
LOGIN=$(id -un)
plan 53

sql() { sqlite3 "$DB" "$1"; }
restricted() { sql "SELECT restricted FROM customers WHERE id = $1"; }
# The request's events of type TYPE as "actor login" lines.
who() { sql "SELECT actor || ' ' || coalesce(json_extract(detail, '$.login'), '-')
	FROM dsr_events WHERE request = '$1' AND type = '$2' ORDER BY id"; }
count_events() { sql "SELECT count(*) FROM dsr_events WHERE request = '$1'"; }
# The mails after the first N of the sink: "RCPT TEMPLATE-LANG" lines.
since() { tail -n +$(($1 + 1)) "$T/arrived" | cut -d' ' -f1,2; }

# --- Art. 21(1): an objection on grounds of the particular situation
ask weigh-fi "$MATTI" "Vastustan käsittelyä" \
	'Hei,\n\nvastustan henkilötietojeni käsittelyä erityiseen tilanteeseeni liittyvällä perusteella.'
weigh=$id
is "$(sql "SELECT kind || ' ' || state || ' ' || hold_reasons FROM dsr_requests WHERE id = '$weigh'")" \
	"processing_objection awaiting_approval objection_weighed" \
	"Art. 21(1): classified apart from a marketing ban, and held for an admin though [policy] approve does not name it"
is "$(sql "SELECT marketing_ban FROM customers WHERE id = 4") $(restricted 4)" "0 1" \
	"Art. 21(1): no marketing ban is set; the data is restricted while the objection is weighed (Art. 18(1)(d))"
has_all "$(mail_body "$MATTI" received)" "Art. 21(1): the subject is told the processing stops unless compelling grounds are shown, and that it is restricted meanwhile" \
	"erityiseen tilanteeseesi" "huomattavan tärkeä ja perusteltu syy" "käsittelyä on rajoitettu"
like "$(mail_body "$ADMIN" admin_notice)" "particular situation \\(GDPR Art. 21\\(1\\)\\), never carried out automatically" \
	"Art. 21(1): the admin notice says what to weigh"

# --- N20: --as must name an admin; the login is recorded beside it
before=$(count_events "$weigh")
run queue reject "$weigh" --reason "x" --as "Päivi Savolainen"
is "$rc $(state "$weigh") $(count_events "$weigh")" "64 awaiting_approval $before" \
	"N20: --as naming no admin exits 64 and changes nothing"
like "$err" "--as names no admin: give one of \\[organisation\\] admins .*paivi.savolainen@hrmentor.fi" \
	"N20: and says which admins there are"
run queue reject "$weigh" --as " Paivi.Savolainen@HRMentor.FI " \
	--reason "Käsittely on tarpeen avoimen laskun perimiseksi."
sent
is "$rc $(state "$weigh") $(who "$weigh" rejected)" "0 rejected $ADMIN $LOGIN" \
	"N20: an admin's address (compared normalised) is accepted; the event records the admin and the login name"
body=$(mail_body "$MATTI" rejected)
has_all "$body" "Art. 21(1): the rejection gives the grounds, says they are the compelling legitimate grounds, names the Ombudsman" \
	"Perustelut: Käsittely on tarpeen avoimen laskun perimiseksi." "huomattavan tärkeät ja perustellut syyt" \
	"tietosuojavaltuutetun käsiteltäväksi" "Tietosuojavaltuutetun toimisto"
has_all "$body" "Art. 18(1)(d): and that the restriction during the review ends" "päättyy tähän päätökseen"
is "$(restricted 4)" 0 "Art. 18(1)(d): the restriction set for the objection ends with the rejection"

ask weigh-en "$MATTI" "Objection" \
	'Hello,\n\nI object to the processing of my personal data on grounds relating to my particular situation.'
weigh2=$id
is "$(state "$weigh2")" awaiting_approval "Art. 21(1): an objection in English waits for an admin too"
n=$(sink_count)
run queue approve "$weigh2"
sent
is "$rc $(state "$weigh2") $(restricted 4) $(who "$weigh2" approved)" "0 done 1 $LOGIN $LOGIN" \
	"Art. 21(1): approved, the processing stops (restricted); without --as the login name decides (N20)"
is "$(since "$n")" "$BOOKKEEPING recipient_notice-fi
$MATTI objection_upheld-en" "Art. 19: the recipient is told of the restriction, the subject that the processing stopped"
body=$(mail_body "$BOOKKEEPING" recipient_notice)
has_all "$body" "N14: the recipient notice of a restriction names the person by customer number only" \
	"olemme rajoittaneet" "Henkilö: Asiakasnumero 4" "ei ole hänen tietojaan" "Säilyttäkää henkilön tiedot"
is "$(grep -cE 'Matti|Meikäläinen|matti@example|040 000 0000|Tulliportinkatu' <<<"$body")" 0 \
	"N14: and carries none of the restricted person's values (Art. 18(2))"
n=$(sink_count)
run queue lift "$weigh2" --reason "Olet antanut suostumuksesi." --as "$ADMIN"
sent
sent
is "$rc $(restricted 4) $(since "$n" | tr '\n' ' ')" \
	"0 0 $MATTI restriction_lifted-en $BOOKKEEPING recipient_notice-fi " \
	"Art. 19: an upheld objection's restriction can be lifted; once the subject is told, the recipient is told too"
has_all "$(mail_body "$BOOKKEEPING" recipient_notice)" "Art. 19: the notice of the lifting names the person again (no longer restricted)" \
	"poistaneet käsittelyn rajoituksen" "Henkilö: Matti Meikäläinen <$MATTI>" "Rajoitus on päättynyt"

# --- Art. 18(1)(a): a disputed correction restricts the data until decided
ask dispute-paivi "$PAIVI" "Osoitteen korjaus" \
	'Hei,\n\nosoitteeni on vaihtunut, korjatkaa se:\n\nPostiosoite: Puijonkatu 7 C 9'
dispute=$id
is "$(state "$dispute") $(restricted 1)" "awaiting_approval 1" \
	"Art. 18(1)(a): while the correction waits for an admin, the person's data is restricted"
has_all "$(mail_body "$PAIVI" received)" "Art. 18(1)(a): and the subject is told so" \
	"Kunnes pyyntösi on ratkaistu, tietojesi käsittelyä on rajoitettu"
like "$(dsrmail queue list)" "^$dispute rectification awaiting_approval .*; the person's data is restricted \\(GDPR Art. 18\\)" \
	"N14: queue list says the data is restricted"
n=$(sink_count)
run queue approve "$dispute" --as "$ADMIN"
sent
is "$rc $(restricted 1) $(sql "SELECT street FROM customers WHERE id = 1")" "0 0 Puijonkatu 7 C 9" \
	"Art. 18(1)(a): the decision ends the restriction; the correction is made"
is "$(since "$n")" "$BOOKKEEPING recipient_notice-fi
$SOURCE recipient_notice-fi
$PAIVI rectification_done-fi" "N12: the recipient and the source of the customer table are told, then the subject"
has_all "$(mail_body "$SOURCE" recipient_notice)" "N12: the source is told the data it supplied was corrected, with the new value" \
	"olemme saaneet teiltä" "Henkilö: Päivi Häkkinen <$PAIVI>" "Postiosoite: Puijonkatu 7 C 9"
has_all "$(mail_body "$PAIVI" rectification_done)" "Art. 18(1)(a): the subject is told the restriction ended with the decision" \
	"päättyy tähän päätökseen"
write_config "$(smtp_config)
[policy]
sender_rate = 100/day
restrict_while_disputed = no"
ask dispute-off "$PAIVI" "Puhelinnumero" 'Hei,\n\nkorjatkaa puhelinnumeroni:\n\nPuhelinnumero: 040 765 4321'
is "$(state "$id") $(restricted 1)" "awaiting_approval 0" \
	"Art. 18(1)(a): with [policy] restrict_while_disputed = no nothing is restricted"
unlike "$(mail_body "$PAIVI" received)" "Kunnes pyyntösi on ratkaistu" "and the subject is not told so"
run queue reject "$id" --reason "Numero on jo oikein." --as "$ADMIN"
write_config "$(smtp_config)
[policy]
sender_rate = 100/day"

# --- N23: repeats of every kind, not only access
for i in 1 2 3; do
	ask "port-$i" "$PAIVI" "Tietojen siirto" 'Hei,\n\nhaluan siirtää tietoni koneluettavassa muodossa.'
	eval "port$i=\$id"
done
is "$(state "$port1") $(state "$port2") $(state "$port3") $(sql "SELECT hold_reasons FROM dsr_requests WHERE id = '$port3'")" \
	"done done awaiting_approval repeated" "N23: the third portability request in the window waits for an admin"
like "$(mail_body "$ADMIN" admin_notice)" "third or later request of this kind .*\\(earlier: $port1, $port2\\)" \
	"N23: the admin notice names the earlier requests"
is "$(sql "SELECT json_extract(detail, '$.earlier') FROM dsr_events WHERE request = '$port3' AND type = 'held'")" \
	"$port1, $port2" "N23: so does the hold's event"
for i in 1 2 3; do
	ask "ban-$i" "$PAIVI" "Markkinointikielto" 'Hei,\n\nkiellän suoramarkkinoinnin.'
done
is "$(state "$id")" done "N8: a repeated marketing ban is still set at once (absolute; nothing to refuse)"

# --- N19: a banned subject's recipient notice goes to the admins first
ask ban-joro "$JORO" "Luovutuskielto" 'Hei,\n\nkiellän henkilötietojeni luovuttamisen ulkopuolisille tahoille.'
ask fix-joro "$JORO" "Puhelinnumero" 'Hei,\n\nkorjatkaa puhelinnumeroni:\n\nPuhelinnumero: 050 111 2233'
n=$(sink_count)
run queue approve "$id" --as "$ADMIN"
sent
is "$(since "$n")" "$ADMIN recipient_notice-fi
$ADMIN recipient_notice-fi
$JORO rectification_done-fi" "N19: with a disclosure ban the recipient's and the source's notices go to the admin, not to them"
has_all "$(mail_body "$ADMIN" recipient_notice)" "N19: the notice says it waits for the admin's decision and whom it was for" \
	"ILMOITUS ODOTTAA RATKAISUASI" "luovutuskielto" "<$SOURCE>" "Ratkaise, edellyttääkö"
is "$(sql "SELECT count(*) FROM dsr_events WHERE request = '$id' AND type = 'recipient_notice_held'")" 2 \
	"N19: recorded as recipient_notice_held"
has_all "$(mail_body "$JORO" rectification_done)" "N19: the subject is told the notice waits for a decision" \
	"Olet kieltänyt tietojesi luovuttamisen"

# --- N14: restricted data is honoured by dsrmail itself
ask restrict-ville "$VILLE" "Rajoittaminen" 'Hei,\n\npyydän rajoittamaan tietojeni käsittelyä.'
run queue approve "$id" --as "$ADMIN"
sent
is "$(restricted 3) $(tail -n 2 "$T/arrived" | head -n 1)" "1 $BOOKKEEPING recipient_notice-fi" \
	"Art. 19: the restriction is set and the recipient told"
ask fix-ville "$VILLE" "Korjaus" 'Hei,\n\nkorjatkaa:\n\nPuhelinnumero: 044 999 8888'
fix=$id
n=$(sink_count)
run queue approve "$fix" --as "$ADMIN"
sent
is "$(restricted 3) $(sql "SELECT phone FROM customers WHERE id = 3")" "1 044 999 8888" \
	"N14: a correction of restricted data is made; the restriction stays"
notices=$(for f in $(since "$n" | grep -n recipient_notice | cut -d: -f1); do
	cat "$(ls "$T/text"/*.txt | sed -n "$((n + f))p")"; done)
has_all "$notices" "N14: the notices to the recipient and the source say a correction was made, naming the customer number" \
	"Henkilö: Asiakasnumero 3" "Henkilön tietoja on korjattu."
is "$(grep -cE '044 999 8888|Väänänen|vaananen|Kauppakatu' <<<"$notices")" 0 \
	"N14: but carry none of the restricted person's values"
ask erase-ville "$VILLE" "Poisto" 'Hei,\n\npoistakaa tietoni rekisteristänne.'
erase=$id
is "$(sql "SELECT hold_reasons FROM dsr_requests WHERE id = '$erase'")" "policy,restricted" \
	"N14: an erasure of restricted data waits for an admin, saying why"
has_all "$(mail_body "$VILLE" received)" "N14: the reply says the data is restricted and not erased without a decision" \
	"ei poisteta eikä anonymisoida ilman rekisterin vastuuhenkilön päätöstä"
like "$(dsrmail queue show "$erase")" "restricted:
  the person's data is restricted \\(GDPR Art. 18\\)" "N14: queue show says so"
run queue reject "$erase" --reason "Rajoitus on voimassa." --as "$ADMIN"
sent
n=$(sink_count)

# --- N6 + N14: the sweep does not erase a restricted person past retention
run sweep
sent
retained=$(sql "SELECT id FROM dsr_requests WHERE kind = 'erasure' AND message IS NULL")
is "$rc $(sql "SELECT count(*) FROM customers WHERE id = 3") $(state "$retained") $(sql "SELECT hold_reasons FROM dsr_requests WHERE id = '$retained'")" \
	"0 1 awaiting_approval retention_restricted" \
	"N14: Ville's relationship ended over 10 years ago, but restricted: kept, and an erasure waits for an admin"
is "$(since "$n")" "$ADMIN admin_notice-fi" "N14: the admins are told; the person, who asked for nothing, is not"
run sweep
is "$(sql "SELECT count(*) FROM dsr_requests WHERE kind = 'erasure' AND message IS NULL") $(sql "SELECT count(*) FROM customers WHERE id = 3")" \
	"1 1" "N14: a second sweep asks nothing new and erases nothing"
run queue approve "$retained" --as "$ADMIN"
sent
is "$rc $(state "$retained") $(sql "SELECT count(*) FROM customers WHERE id = 3")" "0 done 0" \
	"N6: once an admin approves, the retention erasure runs"
is "$(since "$n" | grep -c "^$VILLE ")" 0 "N6: and the person is not written to"

# --- N23 / Art. 12(4): a sender over sender_rate is told once
write_config "$(smtp_config)
[policy]
sender_rate = 3/day"
FLOOD=flood@example.net
for i in 1 2 3 4 5; do
	printf 'Hello,\n\nwhat personal data do you hold about me?\n\nRegards\n' |
		mail_write "flood-$i" "$FLOOD" "Question $i"
	deliver "flood-$i"
done
printf 'I am out of the office.\n' | mail_write flood-ooo "$FLOOD" "Out of office" "Auto-Submitted: auto-replied"
deliver flood-ooo
n=$(sink_count)
sent
is "$(sql "SELECT group_concat(coalesce(m.screened, 'request'), ',') FROM dsr_messages m WHERE m.from_address = '$FLOOD'")" \
	"request,request,request,sender_rate,sender_rate,auto_reply" "N23: the fourth and later mails are over the rate"
is "$(since "$n" | grep -v "^$FLOOD no_data-" )" "$FLOOD rate_limited-en
$ADMIN rate_notice-fi" "Art. 12(4): the sender is told once, in their language, and the admins once; nothing more (no loop)"
body=$(mail_body "$FLOOD" rate_limited)
has_all "$body" "Art. 12(4): the sender is told why the mail was not handled, until when, and of the Ombudsman" \
	"more messages from $FLOOD than we handle: at most 3 messages in 24 hours" "until 2026-03-03" \
	"Data Protection Ombudsman"
like "$(mail_body "$ADMIN" rate_notice)" "yli 3 viestiä 24 tunnin aikana" "Art. 12(4): the admins' notice says what happened"
limited=$(sql "SELECT r.id FROM dsr_requests r JOIN dsr_outbox o ON o.request = r.id WHERE o.template = 'rate_limited'")
export DSRMAIL_NOW=2026-03-03T08:00:01Z
printf 'Hello,\n\nwhat personal data do you hold about me?\n' |
	mail_write flood-later "$FLOOD" "Re: [$limited] Your message was not handled"
deliver flood-later
is "$(sql "SELECT kind || ' ' || state FROM dsr_requests WHERE id = '$out' AND id != '$limited'")" "access done" \
	"N23: after the period an answer to the notice is a new request (answered), not lost on the ignored one"
write_config "$(smtp_config)
[policy]
sender_rate = 1/day"
for i in 1 2 3; do
	printf 'Hi %s\n' $i | mail_write "spoof-$i" "not-an-address" "Hi"
	deliver "spoof-$i"
done
sent
is "$(sql "SELECT group_concat(coalesce(screened, 'request'), ',') FROM dsr_messages WHERE from_address = 'not-an-address'") $(grep -c '^not-an-address ' "$T/arrived")" \
	"request,sender_rate,sender_rate 0" "Art. 12(4): a sender that is not a plausible address is never answered"
ok "the event log's hash chain is intact" dsrmail audit verify
done_testing
