#!/usr/bin/env bash
# Mail in languages dsrmail has no templates for (issue 19): the
# Datenanfragen.de letters for access, erasure, rectification and objection
# (tests/corpus/tune, built from the site's templates: SOURCES.md) are each
# read as their one kind, their language as German, and answered in English
# ([organisation] fallback_language), never in a guessed language of ours;
# the admin notice says so. A Spanish letter too. Through deliver and send
# with a real SMTP server.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
. "$TESTS_DIR/lib-lifecycle.sh"
export DSRMAIL_NOW=2026-03-02T08:00:00Z
write_config "$(smtp_config)"
smtp_start
register_reset
TUNE="$TESTS_DIR/corpus/tune"
plan 20

# corpus_mail NAME FILE [FROM]: the corpus mail, its From replaced by FROM
# and its Message-ID by one of its own.
corpus_mail() {
	mkdir -p "$T/mail"
	if [ $# -lt 3 ]; then
		cp "$TUNE/$2" "$T/mail/$1.eml"
		return
	fi
	awk -v from="From: Matti Meikäläinen <$3>" -v id="Message-ID: <$1.$$@example.net>" '
		!body && /^\r?$/ { body = 1 }
		!body && /^From:/ { print from; skip = 1; next }
		!body && /^Message-I[Dd]:/ { print id; skip = 1; next }
		!body && skip && /^[ \t]/ { next }
		{ skip = 0; print }' "$TUNE/$2" >"$T/mail/$1.eml"
}

# what MESSAGE-ID-OF-FILE: "kinds|written language|reply language" stored
what() {
	sqlite3 "$DB" "SELECT (SELECT group_concat(kind, ',') FROM (SELECT kind FROM
		dsr_requests r WHERE r.message = m.id ORDER BY number)) || '|' ||
		coalesce(m.written_language, '-') || '|' || coalesce(m.language, '-') ||
		'|' || (SELECT group_concat(coalesce(language, '-'), ',') FROM dsr_requests r
		WHERE r.message = m.id) FROM dsr_messages m ORDER BY m.id DESC LIMIT 1"
}

# --- The four letters from senders the register does not know: one kind
# each, German, and the "no data" reply in English.
for letter in access:b-002.eml erasure:b-006.eml rectification:b-008.eml \
    objection:b-011.eml "access,portability:b-001.eml"; do
	kind=${letter%%:*} file=${letter#*:}
	corpus_mail "$file" "$file"
	deliver "$file"
	is "$rc|$(what)" "0|$kind|de|en|$(echo "$kind" | sed 's/[a-z]*/en/g')" \
		"$file (Datenanfragen.de, $kind): read as $kind alone, written in German, answered in English"
done
sent
is "$(grep -v "^$ADMIN " "$T/arrived" | cut -d' ' -f2 | sort | uniq -c | sed 's/^ *//')" \
	"5 no_data-en" "each sender got the \"no data\" reply in English"
is "$(grep -c "^$ADMIN admin_notice-fi" "$T/arrived")" 6 \
	"and the admins a notice per request (the letters name their senders), in their own language"

# --- A customer's German rectification letter: the challenge in English,
# the "Feld: Wert" lines read as the changes, the admin told the language.
corpus_mail berichtigung b-008.eml matti@example.org
deliver berichtigung
id=$out
is "$(what)" "rectification|de|en|en" "from a customer: rectification, German, English replies"
is "$(sqlite3 "$DB" "SELECT group_concat(column_name || '=' || new_value, ' | ') FROM
	(SELECT * FROM dsr_changes WHERE request = '$id' ORDER BY id)")" \
	"phone=0171 2345678 | street=Karl-Liebknecht-Straße 45 | postal_code=04275 | city=Leipzig" \
	"the Telefon: and Adresse: lines are the changes, the address in its columns"
sent
is "$(tail -n 1 "$T/arrived")" "matti@example.org challenge-en" "the challenge goes out in English"
like "$(mail_body matti@example.org challenge)" "a person checks this one first" \
	"and says a person checks the rectification"
reply_with berichtigung-ok matti@example.org "$id" "$(mail_token matti@example.org challenge)"
sent
notice=$(mail_body "$ADMIN" admin_notice)
like "$notice" "viesti on kirjoitettu kielellä de; dsrmaililla ei ole sillä kielellä viestipohjia, joten vastaukset lähtevät kielellä en" \
	"the admin notice says the mail is German and the replies go out in English"
like "$notice" "Pyydetty korjaus: Telefon: 0171 2345678" "and lists the changes"
is "$(state "$id")" awaiting_approval "the rectification waits for the admin (policy)"

# --- A Spanish erasure letter (datarequests.org): the same.
corpus_mail supresion b-029.eml matti@example.org
deliver supresion
is "$(what)" "erasure|es|en|en" "a Spanish erasure letter: erasure, Spanish, English replies"

# --- The fallback is a setting: Swedish replies to a German mail.
write_config "$(smtp_config)
[organisation]
fallback_language = sv"
corpus_mail widerspruch b-011.eml matti@example.org
deliver widerspruch
is "$(what)" "objection|de|sv|sv" "with fallback_language = sv the German objection is answered in Swedish"
sent
is "$(tail -n 1 "$T/arrived")" "matti@example.org challenge-sv" "its challenge is in Swedish"

# --- A language no rules are written in: no guess of ours, the fallback.
printf 'Здравствуйте!\n\nПрошу удалить все мои персональные данные из вашей базы.\n\nС уважением,\nИван\n' |
	mail_write russian matti@example.org "Удаление данных"
deliver russian
like "$(what)" '\|ru\|sv\|' "a Russian mail: its language told as Russian, answered in the fallback"

# --- Our own languages keep theirs.
printf 'Hei,\n\npoistakaa tietoni rekisteristänne.\n\nMatti\n' |
	mail_write finnish matti@example.org "Poisto"
deliver finnish
is "$(what)" "erasure|fi|fi|fi" "a Finnish mail is answered in Finnish"
is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_messages WHERE language NOT IN ('fi', 'en', 'sv')")" 0 \
	"no reply language outside the templates' fi, en, sv"
done_testing
