#!/bin/bash
# The classifier measured on tests/corpus/ (its README.md), as `make eval`
# does: the part the rules were tuned on and the held-out part they never
# saw, each in one process (tests/unit/classify-test.c). Fails when the
# exact-kind-set rate of a part drops below its threshold, when a held-out
# request loses its erasure, rectification or restriction more often than
# it does now without being held for an admin, or when the language guess
# gets worse. Only aggregate figures of the held-out part are printed, never
# a mail of it.
. "$(dirname "$0")/lib.sh"
program=$(dirname "$DSRMAIL_BIN")/tests/classify-test
RULES="$TOP/rules/classify.rules"
CORPUS="$TESTS_DIR/corpus"
[ -x "$program" ] || { echo "Bail out! no $program: run make test-programs"; exit 1; }

# The thresholds: what the rules reach now (docs/classification.md has the
# figures). The issue asks 97% of the held-out part; see that file for how
# far off the rules are.
TUNE_MIN=94
TUNE_LOST_MAX=0
HELDOUT_MIN=83
HELDOUT_LOST_MAX=9
plan 41

"$program" eval "$RULES" "$CORPUS/tune" --min-exact $TUNE_MIN >"$T/tune" 2>&1
is "$?" 0 "tune part: exact kind set for at least $TUNE_MIN% of the mails"
diag "$(sed -n '2p' "$T/tune")"
"$program" eval "$RULES" "$CORPUS/heldout" --min-exact $HELDOUT_MIN >"$T/heldout" 2>&1
is "$?" 0 "held-out part: exact kind set for at least $HELDOUT_MIN% of the mails (the issue asks 97%)"
diag "$(sed -n '2p' "$T/heldout")"
is "$(grep -c '\.eml' "$T/heldout")" 0 \
	"no mail of the held-out part is named in its report"

lost() { sed -n 's/^erasure\/rectification\/restriction lost: \([0-9]*\) without.*/\1/p' "$1"; }
ok "tune part: at most $TUNE_LOST_MAX erasure, rectification or restriction lost unmarked (got $(lost "$T/tune"))" \
	test "$(lost "$T/tune")" -le $TUNE_LOST_MAX
ok "held-out part: at most $HELDOUT_LOST_MAX erasure, rectification or restriction lost unmarked (got $(lost "$T/heldout"))" \
	test "$(lost "$T/heldout")" -le $HELDOUT_LOST_MAX
for part in tune heldout; do
	like "$(sed -n 's/^language guessed right: .*(\(.*\)%)$/\1/p' "$T/$part")" '^(9[89]|100)\.' \
		"$part part: the language guessed right for at least 98% of the mails"
done

# Rules written to $T name the model by its full path ([classify] model is
# relative to the rules file's folder).
derived() { sed -e "s|^model = .*|model = $TOP/rules/classify.model|" "$@"; }

# The evaluation can fail: rules that no longer read Finnish erasures
# (without the second opinion, which learnt these very mails' words).
sed -e '/^model = /d' -e '/^\[words erase\]/,/^\[/s/^fi = .*/fi = xyzzy/' "$RULES" \
	>"$T/broken.rules"
"$program" eval "$T/broken.rules" "$CORPUS/tune" --min-exact $TUNE_MIN >"$T/broken" 2>&1
is "$?" 1 "rules that miss Finnish erasures fall below the tune threshold"
like "$(lost "$T/broken")" '^[1-9]' "and lose erasures without a mark"

# The net can fail: without [kind] net, the tune mails asking for an erasure
# in words only the net knows ("scrap my profile") lose it unmarked.
derived -e '/^net = /d' "$RULES" >"$T/nonet.rules"
"$program" eval "$T/nonet.rules" "$CORPUS/tune" >"$T/nonet" 2>&1
like "$(lost "$T/nonet")" '^[1-9]' "rules without the net lose tune erasures without a mark"

# The second opinion can fail: without [classify] model the held-out part
# loses more guarded kinds unmarked (aggregates only), and holds fewer mails.
sed -e '/^model = /d' "$RULES" >"$T/nomodel.rules"
"$program" eval "$T/nomodel.rules" "$CORPUS/heldout" >"$T/nomodel" 2>&1
held() { sed -n 's/^mails held for an admin (uncertain or unknown): //p' "$1"; }
ok "held-out part: rules without the model lose more guarded kinds unmarked ($(lost "$T/nomodel") against $(lost "$T/heldout"))" \
	test "$(lost "$T/nomodel")" -gt "$(lost "$T/heldout")"
diag "held for an admin: $(held "$T/heldout") mails with the model, $(held "$T/nomodel") without"
is "$(grep -c '\.eml' "$T/nomodel")" 0 "no held-out mail is named in that report either"

# The second opinion's threshold (round 8: 3, chosen by leaving one writer
# out inside tune/): the model file at round 7's 6 holds fewer held-out
# mails (aggregates only).
sed -e 's/^threshold=.*/threshold=6/' "$TOP/rules/classify.model" >"$T/six.model"
derived -e "s|^model = .*|model = $T/six.model|" "$RULES" >"$T/six.rules"
"$program" eval "$T/six.rules" "$CORPUS/heldout" >"$T/six" 2>&1
ok "held-out part: the model at its threshold holds more mails than at 6 ($(held "$T/heldout") against $(held "$T/six"))" \
	test "$(held "$T/heldout")" -gt "$(held "$T/six")"

# The reading's own doubts (round 8), each in a mail of its own and read
# without the model: a guarded kind asked only in an explanation, and a
# correction commanded beside a restriction (whose net_unless quiets the
# rest of the net), wait for an admin with the kind as a hint; the data
# disputed as a restriction's reason does not.
mail() {
	printf 'From: Testi Henkilö <testi@example.org>\nTo: tietosuoja@hrmentor.fi\n'
	printf 'Subject: %s\nMIME-Version: 1.0\n' "$1"
	printf 'Content-Type: text/plain; charset="utf-8"\n\n%s\n' "$2"
}
mail "Uutiskirje" "Poistakaa minut uutiskirjeen postituslistalta, koska haluan että poistatte kaikki tietoni." >"$T/reason.eml"
mail "Työpaikka" "En ole enää Kuopion Energialla vaan Savonian palveluksessa. Korjatkaa, ja siihen asti älkää käyttäkö tietojani mihinkään." >"$T/command-fi.eml"
mail "Arbetsgivare" "Jag jobbar inte längre på Vasa Elektriska utan på Wärtsilä. Rätta, och använd inte mina uppgifter innan det är gjort." >"$T/command-sv.eml"
mail "Employer" "I no longer work at Acme, I am at Globex now. Correct that please, and until then do not use my data for anything." >"$T/command-en.eml"
mail "Restriction" "Please restrict the processing of my data, because I dispute that my address in your records is correct." >"$T/disputed.eml"
for case in reason:erasure command-fi:rectification command-sv:rectification \
    command-en:rectification; do
	"$program" show "$T/nomodel.rules" "$T/${case%%:*}.eml" >"$T/show" 2>/dev/null
	like "$(tr '\n' ' ' <"$T/show")" "uncertain.* hint ${case#*:}" \
		"${case%%:*}: the mail waits for an admin, ${case#*:} a hint"
done
"$program" show "$T/nomodel.rules" "$T/disputed.eml" >"$T/show" 2>/dev/null
unlike "$(cat "$T/show")" "uncertain" \
	"a restriction whose reason disputes the data does not wait for its rectification"
# The adjective's exceptions ("the correct address") spare the noun.
mail "Phone" "I request the correction of my phone number in your register." >"$T/noun.eml"
"$program" show "$T/nomodel.rules" "$T/noun.eml" >"$T/show" 2>/dev/null
like "$(tr '\n' ' ' <"$T/show")" "kind rectification 0\.9[0-9] *$" \
	"'the correction of my phone number' asks for a rectification, certain"

# Round 9's readings, each in a mail of its own and read without the model.
# An old value given as an address, removed, is a correction, and without
# the old value's +value term in [words oldvalue] the tune part loses
# rectifications unmarked (they read as erasures).
mail "Ny adress" "Hej! Min nya e-post är ny.adress@example.se. Den gamla gammal@example.org kan ni radera." >"$T/oldvalue.eml"
"$program" show "$T/nomodel.rules" "$T/oldvalue.eml" >"$T/show" 2>/dev/null
like "$(tr '\n' ' ' <"$T/show")" "kind rectification [0-9.]* *change email" \
	"an old address removed for a new one is a rectification"
unlike "$(cat "$T/show")" "kind erasure" "and no erasure"
sed -e '/^\[words oldvalue\]/,/^\[/s/;[a-z]* +value;[a-z]* +digits$//' "$T/nomodel.rules" >"$T/noold.rules"
"$program" eval "$T/nomodel.rules" "$CORPUS/tune" >"$T/tune-nomodel" 2>&1
"$program" eval "$T/noold.rules" "$CORPUS/tune" >"$T/noold" 2>&1
ok "tune part: rules without the old value's +value lose more guarded kinds unmarked ($(lost "$T/noold") against $(lost "$T/tune-nomodel"))" \
	test "$(lost "$T/noold")" -gt "$(lost "$T/tune-nomodel")"
# A negation in a clause opened after the kind's verb is that clause's; a
# condition about the data being kept in the register sets none.
mail "Väärät tiedot" "Korjatkaa rekisterinne niin, että minun tietoihini ei enää liity toisen ihmisen kurssia." >"$T/result.eml"
mail "Muistiinpanot" "Haluan kopion muistiinpanoista, jos niitä on tallennettu järjestelmäänne, ja sen jälkeen niiden poistamisen." >"$T/register.eml"
for case in result:rectification register:erasure; do
	"$program" show "$T/nomodel.rules" "$T/${case%%:*}.eml" >"$T/show" 2>/dev/null
	like "$(cat "$T/show")" "kind ${case#*:} " "${case%%:*}: asks for the ${case#*:}"
done
# A picture taken off a website is a publication, not an erasure.
mail "Kuva" "Voisitteko poistaa minusta otetun kuvan verkkosivuiltanne?" >"$T/picture.eml"
"$program" show "$T/nomodel.rules" "$T/picture.eml" >"$T/show" 2>/dev/null
like "$(tr '\n' ' ' <"$T/show")" "kind publication" "a picture taken off the website is a publication ban"
unlike "$(cat "$T/show")" "kind erasure" "and no erasure"
# A question of what must be done ([words obligation]) and a permission of
# what a ban names ([words permit]) ask nothing.
mail "Kysymys" "Poistetaanko vanhat tietoni teillä itsestään, vai täytyykö minun pyytää poistoa erikseen?" >"$T/obligation.eml"
mail "Newsletter" "I have no objection to your newsletter, keep sending it." >"$T/permit.eml"
for case in obligation permit; do
	"$program" show "$T/nomodel.rules" "$T/$case.eml" >"$T/show" 2>/dev/null
	like "$(cat "$T/show")" "kind unknown" "$case: the mail asks for no kind (unknown, for an admin)"
done

# Round 10: an exception's word meets the words of its stem unless written
# "~"; each of these was taken by an exception meant for another word of
# that stem. "all right" is not "all rights", "the right details" not "the
# rights detailed", "that's right" not "that right" (the rights named, no
# request);
# "pois käytöstä" is not "poista käytöstä" (a command, as "poistakaa
# käytöstä" is); "tiedän" is not "tiedät"; "my email" (an address) is not
# "my emails"; "if possible" is not "if possibly", nor "confirm if" "a
# confirmation if" (conditions); "keep emailing" is not "keep emails" (a
# permission to keep: its condition is asked).
mail "Question" "I have read about all rights to request erasure of personal data." >"$T/rights.eml"
mail "Rights" "I have read the rights detailed in your notice, for example to have my data erased." >"$T/detailed.eml"
mail "Rights" "I have read about that right to request erasure of personal data." >"$T/that.eml"
mail "Tili" "Poista käytöstä sähköpostiosoitteeni." >"$T/poista.eml"
mail "Kysymys" "Kirjoita minulle, mitä tietoja tiedät minusta." >"$T/tiedat.eml"
mail "Hello" "Please stop my emails." >"$T/emails.eml"
mail "Data" "Delete my data. If you have to keep emails for the law, anonymise them." >"$T/keep.eml"
mail "Account" "Please send me a confirmation if you ever delete my account." >"$T/confirmation.eml"
mail "Old address" "If possibly my old address is wrong in your register, correct it to Kauppakatu 5." >"$T/possibly.eml"
for case in rights:unknown detailed:unknown that:unknown poista:erasure tiedat:access emails:objection \
    keep:anonymisation; do
	"$program" show "$T/nomodel.rules" "$T/${case%%:*}.eml" >"$T/show" 2>/dev/null
	like "$(cat "$T/show")" "kind ${case#*:} " "${case%%:*}: reads as ${case#*:}, not by another word's exception"
done
for case in possibly:rectification confirmation:erasure; do
	"$program" show "$T/nomodel.rules" "$T/${case%%:*}.eml" >"$T/show" 2>/dev/null
	like "$(tr '\n' ' ' <"$T/show")" "kind unknown .*hint ${case#*:}" \
		"${case%%:*}: its 'if' is a condition, the ${case#*:} only a hint"
done

# A typographic apostrophe (U+2019, what phones and word processors type)
# is the apostrophe of the rules' "don't": a declined erasure stays
# declined, as it does with '.
mail "Newsletter" "I don’t want my account deleted, just stop sending me the newsletter." >"$T/curly.eml"
mail "Copy" "Please don’t delete anything yet, I’d first like a copy of all the data you hold about me." >"$T/curly-copy.eml"
for case in curly curly-copy; do
	"$program" show "$T/nomodel.rules" "$T/$case.eml" >"$T/show" 2>/dev/null
	unlike "$(cat "$T/show")" "kind erasure" "$case: don’t (U+2019) negates the erasure as don't does"
done

# A model file that cannot be read is an error naming it and the fix.
derived -e "s|^model = .*|model = $T/missing.model|" "$RULES" >"$T/missing.rules"
"$program" eval "$T/missing.rules" "$CORPUS/tune" >"$T/missing" 2>&1
is "$?" 78 "a missing model file is a configuration error (exit 78)"
like "$(cat "$T/missing")" "model $T/missing.model: .*make model" \
	"and the message names the file and how to rebuild it"
done_testing
