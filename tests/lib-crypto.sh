# tests/lib-crypto.sh: throwaway OpenPGP keys, a throwaway CA and S/MIME
# certificates for the crypto tests (067, 068), sourced after lib.sh.
# Every GnuPG home made here has its gpg-agent stopped when the test ends.
#
#   gnupg_home DIR                     a GnuPG home (0700), its agent stopped at exit
#   pgp_key HOME "Name <addr>" [EXPIRY] a key without passphrase (ed25519 +
#                                      cv25519); prints its fingerprint
#   ca_make DIR "CN"                   DIR/ca.pem, DIR/ca.key
#   cert_make CADIR ADDRESS OUT "CN"   OUT.pem, OUT.key: RSA, the address as
#                                      subjectAltName, signed by the CA
#   crypto_mail COMMAND ARGS...        tests/crypto-mail.py
# The RSA keys have 1024 bits: they are thrown away, and made fast.

DSR_HOME="$T/gnupg"

gnupg_home() {
	mkdir -p -m 700 "$1"
	at_exit "gpgconf --homedir '$1' --kill all"
}

pgp_key() {
	local home=$1 uid=$2 expiry=${3:-1y}
	gpg --homedir "$home" --batch --passphrase '' ${DSRMAIL_FAKED_TIME:+--faked-system-time "$DSRMAIL_FAKED_TIME"} \
		--quick-gen-key "$uid" future-default default "$expiry" 2>/dev/null ||
		bail "gpg could not make a key for $uid"
	gpg --homedir "$home" --batch --with-colons --list-keys "$uid" 2>/dev/null |
		awk -F: '/^fpr/ { print $10; exit }'
}

ca_make() {
	mkdir -p "$1"
	openssl req -x509 -newkey rsa:1024 -nodes -keyout "$1/ca.key" -out "$1/ca.pem" \
		-days 3650 -subj "/C=FI/O=Test/CN=$2" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null ||
		bail "openssl could not make the CA $2"
}

cert_make() {
	local ca=$1 address=$2 out=$3 cn=$4
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=emailProtection\nsubjectAltName=email:%s\n' \
		"$address" >"$out.ext"
	openssl req -newkey rsa:1024 -nodes -keyout "$out.key" -out "$out.csr" \
		-subj "/C=FI/CN=$cn" 2>/dev/null &&
	openssl x509 -req -in "$out.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca.key" \
		-CAcreateserial -out "$out.pem" -days 365 -extfile "$out.ext" 2>/dev/null ||
		bail "openssl could not make a certificate for $address"
}

crypto_mail() { /usr/bin/python3 "$TESTS_DIR/crypto-mail.py" "$@"; }
