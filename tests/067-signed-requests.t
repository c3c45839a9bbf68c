#!/usr/bin/env bash
# Signed requests (issue 17): PGP/MIME and S/MIME signatures checked with
# GnuPG in dsrmail's own home, against throwaway keys and a throwaway CA made
# here. Only a valid signature (good, by a key or certificate the config
# accepts, bound to the sender's address on file) counts; bad, expired,
# revoked, unknown, untrusted and mismatched ones are recorded and the request
# takes the mailed code. With signed_identity = yes a valid one stands in for
# the code, and the reply goes out encrypted to the signer's key; every reply
# is signed with the organisation's key.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
. "$TESTS_DIR/lib-lifecycle.sh"
. "$TESTS_DIR/lib-crypto.sh"
. "$TESTS_DIR/lib-dovecot.sh"
export DSRMAIL_NOW=2026-03-02T08:00:00Z
PEOPLE="$T/people"          # the data subjects' own GnuPG home
gnupg_home "$PEOPLE"
gnupg_home "$DSR_HOME"
plan 23

request() { printf 'Hei,\n\npyydän saada tietää, mitä henkilötietoja teillä on minusta.\n'; }

# --- the keys: accepted ones, one bound to another address, an expired one
# (made and used in 2020), one revoked after signing, one never sent to us
matti=$(pgp_key "$PEOPLE" "Matti Meikäläinen <matti@example.org>")
other=$(pgp_key "$PEOPLE" "Matti Meikäläinen <matti.private@example.net>")
ville=$(DSRMAIL_FAKED_TIME=20200101T000000 pgp_key "$PEOPLE" "Ville <ville.vaananen@example.com>" 1d)
paivi=$(pgp_key "$PEOPLE" "Päivi Häkkinen <paivi.hakkinen@example.fi>")
unknown=$(pgp_key "$PEOPLE" "Päivi Häkkinen <paivi.hakkinen@example.fi> (new)")
# --- a CA the organisation accepts (as it would the DVV's), and another
ca_make "$T/ca" "Test Citizen CA"
ca_make "$T/other-ca" "Some Other CA"
cert_make "$T/ca" joro.astrom@example.fi "$T/joro" "Joro Astrom"
cert_make "$T/other-ca" ville.vaananen@example.com "$T/ville" "Ville Vaananen"

mkdir -p "$T/mail"
request | crypto_mail sign-pgp "$PEOPLE" "$matti" matti@example.org "Tarkastuspyyntö" >"$T/mail/pgp.eml"
request | crypto_mail sign-smime "$T/joro.pem" "$T/joro.key" joro.astrom@example.fi "Tarkastuspyyntö" >"$T/mail/smime.eml"
sed -e 's/^Hei,/Moi,/' -e 's/^Message-ID: <[0-9a-f]*/&bad/' "$T/mail/pgp.eml" >"$T/mail/bad.eml"
request | crypto_mail sign-pgp "$PEOPLE" "$other" matti@example.org "Tarkastuspyyntö" >"$T/mail/mismatch.eml"
request | DSRMAIL_FAKED_TIME=20200101T010000 crypto_mail sign-pgp "$PEOPLE" "$ville" ville.vaananen@example.com "Tarkastuspyyntö" >"$T/mail/expired.eml"
request | crypto_mail sign-pgp "$PEOPLE" "$paivi" paivi.hakkinen@example.fi "Tarkastuspyyntö" >"$T/mail/revoked.eml"
request | crypto_mail sign-pgp "$PEOPLE" "$unknown" paivi.hakkinen@example.fi "Tarkastuspyyntö" >"$T/mail/no_key.eml"
request | crypto_mail sign-smime "$T/ville.pem" "$T/ville.key" ville.vaananen@example.com "Tarkastuspyyntö" >"$T/mail/untrusted.eml"
# Päivi revokes her key after signing; the organisation's copy is revoked too
# (a revoked key's user ids are revoked with it: bound to no address)
sed -e 's/^:-----/-----/' "$PEOPLE/openpgp-revocs.d/$paivi.rev" | gpg --homedir "$PEOPLE" --batch --import 2>/dev/null
gpg --homedir "$PEOPLE" --armor --export "$matti" "$other" "$ville" "$paivi" >"$T/accepted.asc" 2>/dev/null
# the organisation's own key, in dsrmail's home; the subjects know it
org=$(pgp_key "$DSR_HOME" "HR Mentor Oy <tietosuoja@hrmentor.fi>")
gpg --homedir "$DSR_HOME" --armor --export "$org" 2>/dev/null | gpg --homedir "$PEOPLE" --batch --import 2>/dev/null

write_config "$(smtp_config)
[policy]
signed_identity = yes
[crypto]
home = gnupg
openpgp_keyring = accepted.asc
smime_trust = ca/ca.pem
signing_key = $org"
smtp_start
register_reset

# --- a valid PGP/MIME signature: answered without the code, encrypted
deliver pgp
pgp_id=$out
sent
is "$rc $(state "$pgp_id") $(sqlite3 "$DB" "SELECT verified_by FROM dsr_requests WHERE id = '$pgp_id'")" \
	"0 done signature" "a request signed with an accepted OpenPGP key is answered without the code"
is "$(arrived)" "matti@example.org access-fi" "no challenge: the data went to the address on file"
is "$(sqlite3 -separator ' ' "$DB" "SELECT protocol, status, trusted, bound, signer, address, fingerprint FROM dsr_signatures")" \
	"openpgp valid 1 1 Matti Meikäläinen <matti@example.org> matti@example.org $matti" \
	"the signature is recorded: who signed, with which key"
is "$(events "$pgp_id")" "received,signature,signature_accepted,mail_queued,reply_encrypted,executed,mail_sent" \
	"its events: the signature checked, accepted, the reply encrypted"
run requests show "$pgp_id"
like "$out" "verified: +[^ ]+ by the person.s valid signature" "requests show: verified by the person's valid signature"
like "$out" "openpgp valid by Matti Meikäläinen <matti@example.org> \(matti@example.org\), key ${matti:24}, fingerprint $matti" \
	"requests show: the signer, the key id and the fingerprint"
opened=$(crypto_mail open "$(mail_eml matti@example.org access)" "$T/open-pgp" --gpg "$PEOPLE" 2>&1)
is "$opened" "protocol: openpgp
signed: yes
files: customers.csv,export.json,invoices.csv,orders.csv,organisations.csv,summary.html" \
	"the reply is PGP/MIME, encrypted to the signer's key and signed by the organisation"
dsrmail export matti@example.org "$T/export-matti" >/dev/null
differ=$(for f in "$T/export-matti"/*; do cmp -s "$f" "$T/open-pgp/${f##*/}" || echo "${f##*/}"; done)
is "$differ" "" "each decrypted attachment equals what dsrmail export writes"

# --- a valid S/MIME signature (a certificate of the accepted CA)
deliver smime
smime_id=$out
sent
is "$(state "$smime_id") $(tail -n 1 "$T/arrived")" "done joro.astrom@example.fi access-fi smime.p7m" \
	"an S/MIME request with a certificate of the accepted CA is answered without the code"
is "$(sqlite3 -separator ' ' "$DB" "SELECT protocol, status, signer, address FROM dsr_signatures WHERE message = (SELECT message FROM dsr_requests WHERE id = '$smime_id')")" \
	"smime valid CN=Joro Astrom,C=FI joro.astrom@example.fi" "the certificate's subject and address are recorded"
opened=$(crypto_mail open "$(mail_eml joro.astrom@example.fi access)" "$T/open-smime" --smime "$T/joro.pem" "$T/joro.key" 2>&1)
like "$opened" "^protocol: smime" "the reply to an S/MIME signer is S/MIME encrypted to the certificate"
dsrmail export joro.astrom@example.fi "$T/export-joro" >/dev/null
differ=$(for f in "$T/export-joro"/*; do cmp -s "$f" "$T/open-smime/${f##*/}" || echo "${f##*/}"; done)
is "$differ" "" "its attachments, decrypted, equal dsrmail export"

# --- signatures that do not count: recorded, and the mailed code as usual
for name in bad mismatch expired revoked no_key untrusted; do
	deliver "$name"
	printf '%s %s %s\n' "$name" "$rc" "$(state "$out")" >>"$T/outcomes"
done
is "$(cat "$T/outcomes")" "bad 0 verifying
mismatch 0 verifying
expired 0 verifying
revoked 0 verifying
no_key 0 verifying
untrusted 0 verifying" "each mail is stored and its request waits for the code"
is "$(sqlite3 -separator ' ' "$DB" "SELECT status, trusted, bound FROM dsr_signatures ORDER BY id LIMIT -1 OFFSET 2")" \
	"bad 1 1
mismatch 1 0
expired 1 1
revoked 1 0
no_key 0 0
untrusted 0 1" "each is recorded as what it is: bad, mismatched, expired, revoked, unknown, untrusted"
sent
is "$(tail -n 6 "$T/arrived")" "matti@example.org challenge-fi
matti@example.org challenge-fi
ville.vaananen@example.com challenge-fi
paivi.hakkinen@example.fi challenge-fi
paivi.hakkinen@example.fi challenge-fi
ville.vaananen@example.com challenge-fi" "each sender got the code, at the address on file"
is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_events WHERE type = 'signature_accepted'")" 2 \
	"only the two valid signatures stood in for the code"
is "$(sqlite3 "$DB" "SELECT detail FROM dsr_events WHERE type = 'signature' AND request = '$(sqlite3 "$DB" "SELECT request FROM dsr_events e JOIN dsr_signatures s ON s.message = e.message WHERE s.status = 'mismatch' LIMIT 1")'")" \
	"{\"protocol\":\"openpgp\",\"status\":\"mismatch\",\"key_id\":\"${other:24}\",\"fingerprint\":\"$other\",\"problem\":\"the key is not bound to the sender's address\",\"signature\":4}" \
	"the event says why a signature did not count (and names no one)"

# --- every reply is signed with the organisation's key
is "$(crypto_mail verify "$(mail_eml paivi.hakkinen@example.fi challenge)" "$PEOPLE")" \
	"good signature by $org" "a challenge is signed with [crypto] signing_key"

# --- signed_identity = no: a valid signature is recorded, the code still goes
sed -i -e 's/^signed_identity = yes/signed_identity = no/' "$CONF"
request | crypto_mail sign-pgp "$PEOPLE" "$matti" matti@example.org "Tarkastuspyyntö" >"$T/mail/pgp2.eml"
deliver pgp2
sent
is "$(state "$out") $(tail -n 1 "$T/arrived") $(sqlite3 "$DB" "SELECT status FROM dsr_signatures ORDER BY id DESC LIMIT 1")" \
	"verifying matti@example.org challenge-fi valid" \
	"without signed_identity a valid signature is recorded and the code is mailed"

# --- trust is only what the config names: a key dropped from the keyring
gpg --homedir "$PEOPLE" --armor --export "$other" >"$T/accepted.asc" 2>/dev/null
request | crypto_mail sign-pgp "$PEOPLE" "$matti" matti@example.org "Tarkastuspyyntö" >"$T/mail/pgp3.eml"
deliver pgp3
is "$(sqlite3 -separator ' ' "$DB" "SELECT status, trusted FROM dsr_signatures ORDER BY id DESC LIMIT 1")" \
	"untrusted 0" "a key removed from openpgp_keyring is no longer accepted"
# --- poll --watch runs for weeks: it sees openpgp_keyring change
dovecot_start
imap_config >>"$CONF"
for n in 1 2; do
	request | crypto_mail sign-pgp "$PEOPLE" "$matti" matti@example.org "Tarkastuspyyntö" >"$T/mail/watch$n.eml"
done
signatures() { sqlite3 -cmd ".timeout 5000" "$DB" "SELECT count(*) FROM dsr_signatures"; }
signed() { [ "$(signatures)" -ge "$1" ]; }   # at least N signatures stored
before=$(signatures)
imap_tool append INBOX "$T/mail/watch1.eml"
"$DSRMAIL_BIN" poll --watch 2>>"$T/watch.err" & watcher=$!
at_exit "kill $watcher"
wait_until 10 signed $((before + 1))
gpg --homedir "$PEOPLE" --armor --export "$matti" "$other" >"$T/accepted.asc" 2>/dev/null
imap_tool append INBOX "$T/mail/watch2.eml"
wait_until 10 signed $((before + 2))
kill "$watcher"
wait "$watcher"
is "$(sqlite3 "$DB" "SELECT group_concat(status, ' ') FROM (SELECT status FROM dsr_signatures ORDER BY id DESC LIMIT 2)")" \
	"valid untrusted" "a key added to openpgp_keyring is accepted without a restart"

# --- an erasure forgets who signed and the keys kept for the person
gpg --homedir "$PEOPLE" --armor --export "$matti" >"$T/matti.asc" 2>/dev/null
printf 'Hei,\n\npoistakaa kaikki tietoni rekisteristänne.\n' |
	crypto_mail with-key "$T/matti.asc" matti@example.org "Poistopyyntö" >"$T/mail/erase.eml"
deliver erase
erase_id=$out
sent
reply_with erase-ok matti@example.org "$erase_id" "$(mail_token matti@example.org challenge)"
before=$(sqlite3 "$DB" "SELECT count(*) FROM dsr_keys WHERE address = 'matti@example.org'")
run queue approve "$erase_id" --as "$ADMIN"
is "$before $rc $(sqlite3 "$DB" "SELECT count(*) FROM dsr_keys WHERE address = 'matti@example.org'
	") $(sqlite3 "$DB" "SELECT count(*) FROM dsr_signatures WHERE signer LIKE '%Meikäläinen%' OR
	address = 'matti@example.org'") $(sqlite3 "$DB" "SELECT count(*) FROM dsr_signatures WHERE
	fingerprint = '$matti' AND status IN ('valid', 'untrusted')")" "1 0 0 0 5" \
	"after his erasure: his key's record is gone, his signatures name no one, their checks stay"
is "$(stat -c %a "$DSR_HOME") $(sed -n 2p "$DSR_HOME/trustlist.txt" | cut -d' ' -f2)" "700 S" \
	"dsrmail's GnuPG home is 0700 and trusts the CA of smime_trust"
done_testing
