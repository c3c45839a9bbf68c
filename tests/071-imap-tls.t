#!/bin/bash
# poll over TLS against a real Dovecot with a self-signed certificate:
# STARTTLS and IMAPS work when [imap] ca_file names the certificate; an
# untrusted certificate or one for another host is refused before the
# login is sent (exit 78).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-dovecot.sh"
plan 11

DOVECOT_CERT_SAN="IP:127.0.0.1,DNS:imap.test"
dovecot_start tls
starttls_config() { imap_config "$1" | sed 's/^starttls = no/starttls = required/'; }
imaps_config() { imap_config "$1" | sed "s|imap://127.0.0.1:$IMAP_PORT|imaps://$2:$IMAPS_PORT|"; }
setup_register "$(starttls_config "ca_file = $DOVECOT_CA")"
count() { sqlite3 "$DB" "SELECT count(*) FROM dsr_messages"; }

imap_tool generate INBOX 3 starttls
run poll --once
is "$rc" 0 "STARTTLS (required) with the server's CA: exit 0"
is "$(count):$(imap_tool count INBOX)" "3:0" "three mails stored and moved"
is "$(grep -c 'Login: user=<registry>.*, TLS,' "$DOVECOT_DIR/log")" 1 \
    "Dovecot saw that login over TLS"

imap_tool generate INBOX 2 imaps
write_config "$(imaps_config "ca_file = $DOVECOT_CA" 127.0.0.1)"
run poll --once
is "$rc:$(count)" "0:5" "imaps:// to 127.0.0.1 with the CA: two more stored"


# Refusals: no login may reach the server.
imap_tool generate INBOX 1 refused
logins=$(dovecot_logins)
write_config "$(imaps_config "" 127.0.0.1)"
run poll --once
is "$rc" 78 "imaps:// without ca_file: the self-signed certificate is not trusted, exit 78"
like "$err" 'certificate of IMAP server 127\.0\.0\.1:[0-9]+ is not trusted.*ca_file' \
    "the message says so and names ca_file"

write_config "$(starttls_config "")"
run poll --once
is "$rc" 78 "STARTTLS without ca_file: exit 78 as well"

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=other" \
    -addext "subjectAltName=DNS:other.example" -keyout "$T/other.key" \
    -out "$T/other.pem" >/dev/null 2>&1
write_config "$(starttls_config "ca_file = $T/other.pem")"
run poll --once
is "$rc" 78 "a CA file that did not sign the server's certificate: exit 78"

# The server's certificate trusted, but the name asked for is not in it.
write_config "$(imaps_config "ca_file = $DOVECOT_CA" localhost)"
run poll --once
is "$rc" 78 "imaps://localhost, a name the certificate does not carry: exit 78"

printf 'not a certificate\n' >"$T/junk.pem"
write_config "$(starttls_config "ca_file = $T/junk.pem")"
run poll --once
is "$rc" 78 "a ca_file holding no certificate: exit 78"
is "$(dovecot_logins):$(count)" "$logins:5" "none of these refusals sent a login or stored a mail"

done_testing
