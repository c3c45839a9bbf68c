#!/usr/bin/env bash
# Encrypted replies (issue 17): an access reply is encrypted to the
# subject's key when one is known (attached to their mail, or imported by
# the admin with `dsrmail keys import`), can be opened only with that key,
# and holds what `dsrmail export` writes. [policy] encrypt_exports = always
# without a key: the reply says how to send one, and the data waits for it.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
. "$TESTS_DIR/lib-lifecycle.sh"
. "$TESTS_DIR/lib-crypto.sh"
export DSRMAIL_NOW=2026-03-02T08:00:00Z
PEOPLE="$T/people"
STRANGER="$T/stranger"
gnupg_home "$PEOPLE"
gnupg_home "$STRANGER"
gnupg_home "$DSR_HOME"
plan 18

request() { printf 'Hei,\n\npyydän saada tietää, mitä henkilötietoja teillä on minusta.\n'; }
# ask NAME FROM: an access request (an unsigned one unless $T/mail/NAME.eml
# was written), delivered and confirmed with its code; its id in $id
ask() {
	[ -e "$T/mail/$1.eml" ] || request | mail_write "$1" "$2" "Tarkastuspyyntö"
	deliver "$1"
	id=$out
	sent
	reply_with "$1-ok" "$2" "$id" "$(mail_token "$2" challenge)"
	sent
}
# differ EXPORT-DIR OPENED-DIR: the export files that are not byte-equal
differ() { for f in "$1"/*; do cmp -s "$f" "$2/${f##*/}" || echo "${f##*/}"; done; }

paivi=$(pgp_key "$PEOPLE" "Päivi Häkkinen <paivi.hakkinen@example.fi>")
matti=$(pgp_key "$PEOPLE" "Matti Meikäläinen <matti@example.org>")
joro=$(pgp_key "$PEOPLE" "Jörö Åström <joro.astrom@example.fi>")
pgp_key "$STRANGER" "Someone Else <someone@example.net>" >/dev/null
for who in paivi matti joro; do
	gpg --homedir "$PEOPLE" --armor --export "${!who}" >"$T/$who.asc" 2>/dev/null
done

# --- what needs [crypto] home says so
printf '[organisation]\nname = X\nregistry_address = a@example.fi\n[policy]\nencrypt_exports = always\n' >"$T/bad.conf"
run -c "$T/bad.conf" requests list
like "$rc $err" "^78 .*encrypt_exports = always needs \[crypto\] home" \
	"encrypt_exports = always without [crypto] home is a configuration error"

write_config "$(smtp_config)
[crypto]
home = gnupg"
smtp_start
register_reset

# --- Päivi attaches her key to her request: the reply is encrypted to it
mkdir -p "$T/mail"
request | crypto_mail with-key "$T/paivi.asc" paivi.hakkinen@example.fi "Tarkastuspyyntö" >"$T/mail/paivi.eml"
ask paivi paivi.hakkinen@example.fi
paivi_id=$id
is "$(state "$paivi_id") $(events "$paivi_id")" \
	"done received,key_received,mail_queued,challenge_sent,mail_sent,followup,confirmed,mail_queued,reply_encrypted,executed,mail_sent" \
	"her key is recorded with the request; after the code the reply is encrypted"
is "$(sqlite3 -separator ' ' "$DB" "SELECT address, protocol, fingerprint, source FROM dsr_keys")" \
	"paivi.hakkinen@example.fi openpgp $paivi attachment" "the attached key, for her address"
reply=$(mail_eml paivi.hakkinen@example.fi access)
opened=$(crypto_mail open "$reply" "$T/open-paivi" --gpg "$PEOPLE" 2>&1)
is "$opened" "protocol: openpgp
signed: no
files: customers.csv,export.json,invoices.csv,orders.csv,organisations.csv,summary.html" \
	"her key opens the PGP/MIME reply: the text and the whole bundle"
dsrmail export paivi.hakkinen@example.fi "$T/export-paivi" >/dev/null
is "$(differ "$T/export-paivi" "$T/open-paivi")" "" "each attachment equals what dsrmail export writes"
like "$(cat "$T/open-paivi/text.txt")" "liitteinä ovat kaikki tiedot" "the text is the access reply's"
fails "another key cannot open it" crypto_mail open "$reply" "$T/open-stranger" --gpg "$STRANGER"
is "$(grep -c -e 'Puijonkatu' -e 'Häkkinen' -e 'SGFra2tpbmVu' "$reply")" 0 \
	"the mail carries none of her data in the clear (nor in base64)"

# --- Matti, no key known: the usual reply (encrypt_exports = when-key)
ask matti matti@example.org
is "$(tail -n 1 "$T/arrived")" \
	"matti@example.org access-fi export.json,customers.csv,organisations.csv,orders.csv,invoices.csv,summary.html" \
	"without a key the reply is not encrypted"

# --- the admin imports Jörö's key
run keys import "$T/joro.asc"
is "$rc $out" "0 openpgp $joro Jörö Åström <joro.astrom@example.fi>
  replies to joro.astrom@example.fi are encrypted to it" "keys import says whose key it is and for which address"
run keys list
like "$out" "^joro.astrom@example.fi openpgp $joro admin " "keys list shows it"
ask joro joro.astrom@example.fi
opened=$(crypto_mail open "$(mail_eml joro.astrom@example.fi access)" "$T/open-joro" --gpg "$PEOPLE" 2>&1)
dsrmail export joro.astrom@example.fi "$T/export-joro" >/dev/null
is "$(head -n 1 <<<"$opened") $(differ "$T/export-joro" "$T/open-joro")" "protocol: openpgp " \
	"a reply to an imported key's address is encrypted to it and holds the export"
run keys import "$T/dsrmail.conf"
is "$rc" 65 "a file without keys is refused (exit 65)"

# --- encrypt_exports = always, no key: the data waits for one
sed -i -e '/^\[crypto\]/i [policy]\nencrypt_exports = always' "$CONF"
ask matti2 matti@example.org
always_id=$id
is "$(state "$always_id") $(sqlite3 "$DB" "SELECT hold_reasons FROM dsr_requests WHERE id = '$always_id'")" \
	"awaiting_approval no_encryption_key" "under always, without a key the request waits"
is "$(tail -n 2 "$T/arrived" | sort)" "matti@example.org key_needed-fi
paivi.savolainen@hrmentor.fi admin_notice-fi" "the subject is told how to send a key (no data attached); the admins see it"
like "$(mail_body matti@example.org key_needed)" "OpenPGP-julkinen avaimesi" "the mail says how"
run queue approve "$always_id"
like "$rc $err" "^65 .*encrypt_exports = always and no key" "an admin cannot send it unencrypted"
printf 'Tässä avaimeni.\n' | crypto_mail with-key "$T/matti.asc" matti@example.org "Re: [$always_id] Lähetämme tietosi salattuina" >"$T/mail/matti-key.eml"
deliver matti-key
sent
opened=$(crypto_mail open "$(mail_eml matti@example.org access)" "$T/open-matti" --gpg "$PEOPLE" 2>&1)
dsrmail export matti@example.org "$T/export-matti" >/dev/null
is "$(state "$always_id") $(head -n 1 <<<"$opened") $(differ "$T/export-matti" "$T/open-matti")" \
	"done protocol: openpgp " "his reply with the key attached: the data goes, encrypted to it"
done_testing
