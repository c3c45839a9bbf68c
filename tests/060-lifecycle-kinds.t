#!/usr/bin/env bash
# Every kind of request, in Finnish and in English, through deliver, the
# identity challenge, the approval queue where [policy] approve says so (by
# `queue approve` in Finnish, by the admin's APPROVE mail in English) and
# send with a real SMTP server: the register before and after, the mails
# that arrive (to whom, which template, which attachments), states, events.
# An objection on grounds of the particular situation (processing_objection)
# is held though [policy] approve does not name it.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
. "$TESTS_DIR/lib-lifecycle.sh"
export DSRMAIL_NOW=2026-03-02T08:00:00Z
write_config "$(smtp_config)"
smtp_start

BUNDLE=export.json,customers.csv,organisations.csv,orders.csv,invoices.csv,summary.html
# kind|lang|address|subject|body|register query|before|after|final mails
# (the mails after the confirmation; "A" marks approval by an admin)
SCENARIOS=$(cat <<'TABLE'
access|fi|matti@example.org|Tarkastuspyyntö|pyydän saada tietää, mitä henkilötietoja teillä on minusta asiakasrekisterissänne.|SELECT count(*) FROM customers|4|4|matti@example.org access-fi BUNDLE
access|en|matti@example.org|Data request|I would like to know what personal data you hold about me, and I request a copy of my personal data under the GDPR.|SELECT count(*) FROM customers|4|4|matti@example.org access-en BUNDLE
portability|fi|matti@example.org|Tietojen siirto|haluan siirtää tietoni toiseen palveluun koneluettavassa muodossa.|SELECT count(*) FROM customers|4|4|matti@example.org portability-fi BUNDLE
portability|en|matti@example.org|Portability|I want to use my right to data portability: transfer my data to another service.|SELECT count(*) FROM customers|4|4|matti@example.org portability-en BUNDLE
rectification|fi|matti@example.org|Puhelinnumeron muutos|puhelinnumeroni on vaihtunut. Korjatkaa se rekisteriinne:\n\nPuhelinnumero: 040 123 4567|SELECT phone FROM customers WHERE id = 4|040 000 0000|040 123 4567|A BOOKKEEPING recipient_notice-fi;SOURCE recipient_notice-fi;matti@example.org rectification_done-fi
rectification|en|matti@example.org|Wrong phone number|the phone number you have for me is wrong. Please correct it:\n\nPhone: +358 40 987 6543|SELECT phone FROM customers WHERE id = 4|040 000 0000|+358 40 987 6543|A BOOKKEEPING recipient_notice-fi;SOURCE recipient_notice-fi;matti@example.org rectification_done-en
erasure|fi|ville.vaananen@example.com|Poistakaa tietoni|poistakaa tietoni rekisteristänne.|SELECT count(*) FROM customers WHERE id = 3|1|0|A BOOKKEEPING recipient_notice-fi;ville.vaananen@example.com erasure_done-fi
erasure|en|matti@example.org|Delete my data|Please delete all my personal data from your systems, I am no longer a customer.|SELECT count(*) FROM customers WHERE id = 4|1|0|A BOOKKEEPING recipient_notice-fi;matti@example.org erasure_done-en
restriction|fi|matti@example.org|Käsittelyn rajoittaminen|pyydän teitä rajoittamaan tietojeni käsittelyä siihen asti, kunnes asia on selvitetty.|SELECT restricted FROM customers WHERE id = 4|0|1|A BOOKKEEPING recipient_notice-fi;matti@example.org restriction_done-fi
restriction|en|matti@example.org|Restrict processing|Until this has been looked into, please restrict the processing of my personal data.|SELECT restricted FROM customers WHERE id = 4|0|1|A BOOKKEEPING recipient_notice-fi;matti@example.org restriction_done-en
processing_objection|fi|matti@example.org|Vastustan käsittelyä|vastustan henkilötietojeni käsittelyä erityiseen tilanteeseeni liittyvällä perusteella.|SELECT restricted FROM customers WHERE id = 4|0|1|A BOOKKEEPING recipient_notice-fi;matti@example.org objection_upheld-fi
processing_objection|en|matti@example.org|Objection|I object to the processing of my personal data on grounds relating to my particular situation.|SELECT restricted FROM customers WHERE id = 4|0|1|A BOOKKEEPING recipient_notice-fi;matti@example.org objection_upheld-en
objection|fi|matti@example.org|Markkinointikielto|kiellän tietojeni käytön suoramarkkinointiin, etämyyntiin sekä markkina- ja mielipidetutkimuksiin.|SELECT marketing_ban FROM customers WHERE id = 4|0|1|matti@example.org bans_set-fi
objection|en|matti@example.org|Stop marketing|please stop sending me marketing emails. I object to any direct marketing.|SELECT marketing_ban FROM customers WHERE id = 4|0|1|matti@example.org bans_set-en
publication|fi|matti@example.org|Julkaisukielto|en halua, että nimeni ja osoitteeni julkaistaan missään luetteloissa tai osoitetarroissa. Kiellän tämän.|SELECT publication_ban FROM customers WHERE id = 4|0|1|matti@example.org bans_set-fi
publication|en|matti@example.org|Lists|I do not want my name or address to be published in any list or directory you make, nor used for mailing labels.|SELECT publication_ban FROM customers WHERE id = 4|0|1|matti@example.org bans_set-en
disclosure|fi|matti@example.org|Luovutuskielto|kiellän henkilötietojeni luovuttamisen ulkopuolisille tahoille.|SELECT disclosure_ban FROM customers WHERE id = 4|0|1|matti@example.org bans_set-fi
disclosure|en|matti@example.org|Third parties|Do not share my personal information with any third parties, including your partners.|SELECT disclosure_ban FROM customers WHERE id = 4|0|1|matti@example.org bans_set-en
anonymisation|fi|matti@example.org|Anonymisointi|pyydän, että anonymisoitte asiakastietoni.|SELECT printf('%s/%s/%d', first_name, coalesce(phone, 'NULL'), email LIKE 'anonymised-%@invalid') FROM customers WHERE id = 4|Matti/040 000 0000/0|anonymised/NULL/1|A BOOKKEEPING recipient_notice-fi;matti@example.org anonymisation_done-fi
anonymisation|en|matti@example.org|Anonymise my record|please anonymise my customer record instead of keeping my name on it.|SELECT printf('%s/%s/%d', first_name, coalesce(phone, 'NULL'), email LIKE 'anonymised-%@invalid') FROM customers WHERE id = 4|Matti/040 000 0000/0|anonymised/NULL/1|A BOOKKEEPING recipient_notice-fi;matti@example.org anonymisation_done-en
TABLE
)

plan $(( $(printf '%s\n' "$SCENARIOS" | wc -l) * 9 ))
while IFS='|' read -r kind lang address subject body query before after final; do
	t="$kind ($lang)"
	register_reset
	is "$(sqlite3 "$DB" "$query")" "$before" "$t: the register before"
	printf 'Hei / Hello,\n\n%b\n\nTerveisin\n' "$body" |
		mail_write "$kind-$lang" "Asiakas <$address>" "$subject"
	deliver "$kind-$lang"
	id=$out
	is "$rc $(sqlite3 "$DB" "SELECT kind || ' ' || coalesce(language, '-') || ' ' || state
		FROM dsr_requests WHERE id = '$id'")" "0 $kind $lang verifying" \
		"$t: one request, of its kind and language, waits for the identity check"
	sent
	token=$(mail_token "$address" challenge)
	reply_with "$kind-$lang-confirm" "$address" "$id" "$token"
	approval=
	case $final in A\ *)
		approval=1
		final=${final#A }
		is "$(state "$id")" awaiting_approval "$t: [policy] approve holds it for an admin"
		sent
		if [ "$lang" = fi ]; then
			dsrmail queue approve "$id" --as "$ADMIN" >/dev/null
			who=$ADMIN
		else
			admin_token=$(mail_token "$ADMIN" admin_notice)
			printf 'APPROVE %s\n\nThanks\n' "$admin_token" |
				mail_write "$kind-$lang-approve" "$ADMIN" "Re: [$id] A request awaits your decision"
			deliver "$kind-$lang-approve"
			who=$ADMIN
		fi
		;;
	*)
		is "$(state "$id")" done "$t: carried out at once, no approval needed"
		who=system
		;;
	esac
	sent
	is "$(state "$id") $(sqlite3 "$DB" "SELECT coalesce(decided_by, 'system')
		FROM dsr_requests WHERE id = '$id'")" "done $who" "$t: done, decided by $who"
	is "$(sqlite3 "$DB" "$query")" "$after" "$t: the register after"
	expected="$address challenge-$lang"
	[ -n "$approval" ] && expected="$expected
$ADMIN admin_notice-fi
$address received-$lang"
	expected="$expected
$(printf '%s\n' "$final" | tr ';' '\n' | sed -e "s/BOOKKEEPING/$BOOKKEEPING/" \
	-e "s/SOURCE/$SOURCE/" -e "s/BUNDLE/$BUNDLE/")"
	is "$(arrived)" "$expected" "$t: the mails that arrived"
	unlike "$(cut -d' ' -f1 "$T/arrived" | sort -u | tr '\n' ' ')" \
		"outsider|evil" "$t: nobody else got mail"
	if [ -n "$approval" ]; then
		like "$(events "$id")" "^received,mail_queued,challenge_sent,mail_sent,followup,confirmed,held,(restricted_while_disputed,)?mail_queued,admin_notified,mail_queued,received_sent,mail_sent,mail_sent,(followup,)?approved,.*executed,mail_sent" \
			"$t: the events: received, challenged, confirmed, held, approved, executed"
	else
		like "$(events "$id")" "^received,mail_queued,challenge_sent,mail_sent,followup,confirmed,mail_queued,executed,mail_sent$" \
			"$t: the events: received, challenged, confirmed, executed"
	fi
	ok "$t: audit verify" dsrmail audit verify
done <<<"$SCENARIOS"
done_testing
