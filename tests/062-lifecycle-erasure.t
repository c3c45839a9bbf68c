#!/usr/bin/env bash
# Erasure with an open invoice in debt collection (N15, N16): partial; the
# reply names what stays, why, and until when; the invoice intact; phone,
# www and IP address gone, and nowhere in the bytes of the database file or
# its -wal. And several kinds in one mail: access runs before erasure.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
. "$TESTS_DIR/lib-lifecycle.sh"
export DSRMAIL_NOW=2026-03-02T08:00:00Z
write_config "$(smtp_config)"
smtp_start
register_reset
JORO=joro.astrom@example.fi
sqlite3 "$DB" "UPDATE customers SET www = 'https://joro-astrom.example.fi' WHERE id = 2"
plan 17
isnt "$(found_in_file 'joro-astrom.example.fi')" "" \
	"before: the values are in the file's bytes (so the check below can fail)"

invoice_before=$(sqlite3 "$DB" "SELECT * FROM invoices WHERE id = 3")
printf 'Hei,\n\npoistakaa tietoni rekisteristänne.\n\nJörö\n' |
	mail_write erase "$JORO" "Poistakaa tietoni"
deliver erase
id=$out
sent
is "$(mail_body "$JORO" challenge | grep '^- ')" "- poistopyyntö ($id): ihminen tarkistaa tämän ensin" \
	"the challenge names the one request it covers, which a person checks (policy)"
reply_with erase-confirm "$JORO" "$id" "$(mail_token "$JORO" challenge)"
run queue approve "$id" --as "$ADMIN"
is "$rc" 0 "approved by an admin"
sent
is "$(tail -n 2 "$T/arrived")" "$BOOKKEEPING recipient_notice-fi
$JORO erasure_partial-fi" "a partial erasure reply, and the bookkeeping partner told"
body=$(mail_body "$JORO" erasure_partial)
like "$body" "Avoin lasku: laskutustiedot säilytetään" "the reply names the open invoice"
like "$body" "Perintä: tiedot säilytetään perinnän ajan" "and the debt collection"
like "$body" "Kirjanpitolaki \\(1336/1997\\)" "and the Accounting Act"
like "$body" "2035-09-16" "and until when (ten years from the invoice)"
like "$body" "Tietosuojavaltuutetun toimisto" "and the authority"
is "$(sqlite3 "$DB" "SELECT * FROM invoices WHERE id = 3")" "$invoice_before" "the invoice is intact"
is "$(sqlite3 "$DB" "SELECT printf('%s|%s|%s|%s|%s|%s|%s', first_name, last_name,
	street, coalesce(phone, 'NULL'), coalesce(www, 'NULL'),
	coalesce(ip_address, 'NULL'), restricted) FROM customers WHERE id = 2")" \
	"Jörö|Åström|Linnankatu 3|NULL|NULL|NULL|1" \
	"name and address kept (restricted); phone, www and IP address gone"
is "$(found_in_file '050 765 4321' 'joro-astrom.example.fi' '198.51.100.7')" "" \
	"the erased values are in neither the database file nor its -wal"
is "$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)" 0 "the -wal is empty after the erasure"

# --- access and erasure in one mail: one challenge, access first
printf 'Hei,\n\nlähettäkää minulle kaikki minua koskevat tiedot, jotka teillä on. Kun olen\nsaanut ne, poistakaa tietoni rekisteristänne.\n' |
	mail_write both matti@example.org "Tietopyyntö"
deliver both
ids=$(echo $out)
sent
is "$(grep -c '^matti@example.org challenge' "$T/arrived")" 1 "one challenge covers both requests"
set -- $ids
is "$(mail_body matti@example.org challenge | grep -E '^- |nämä pyynnöt:')" \
	"saimme tästä sähköpostiosoitteesta nämä pyynnöt:
- tarkastuspyyntö ($1)
- poistopyyntö ($2): ihminen tarkistaa tämän ensin" "the challenge lists both requests, ids and kinds, in Finnish, and which a person checks"
reply_with both-confirm matti@example.org "${ids%% *}" "$(mail_token matti@example.org challenge)"
for i in $ids; do dsrmail queue approve "$i" --as "$ADMIN" >/dev/null 2>&1; done
sent
is "$(grep '^matti@example.org' "$T/arrived" | cut -d' ' -f2 | tr '\n' ' ')" \
	"challenge-fi access-fi received-fi erasure_done-fi " \
	"the data is sent before it is erased"
is "$(sqlite3 "$DB" "SELECT count(*) FROM customers WHERE id = 4")" 0 "then erased"
done_testing
