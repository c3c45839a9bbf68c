#!/usr/bin/env bash
# dsrmail send over TLS with AUTH, against a real SMTP server (aiosmtpd)
# with a self-signed certificate: STARTTLS and smtps:// deliver when
# [smtp] ca_file trusts the certificate; an untrusted certificate, a
# certificate for another name, a server without STARTTLS under
# starttls = required and a wrong password all keep the mail queued (nothing
# lost, nothing failed for good), say what to fix, and send no password to a
# server that was not verified.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
program=$(dirname "$DSRMAIL_BIN")/tests/reply-test
export DSRMAIL_NOW=2026-11-02T10:00:00Z

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
	-addext "subjectAltName=IP:127.0.0.1" -keyout "$T/key.pem" \
	-out "$T/cert.pem" >/dev/null 2>&1 || { echo "Bail out! openssl failed"; exit 1; }
printf 'sekret-pass\n' >"$T/smtp.pass"
chmod 600 "$T/smtp.pass"
# tls_config URL STARTTLS [KEY = VALUE...]: an [smtp] section with AUTH
tls_config() {
	local url=$1 starttls=$2; shift 2
	printf '[smtp]\nurl = %s\nstarttls = %s\nuser = registry\npassword_file = %s\nretry_for = 5d\n' \
		"$url" "$starttls" "$T/smtp.pass"
	printf '%s\n' "$@"
}
use() { write_config "$(tls_config "$@")"; }
restart() { smtp_stop; rm -rf "$SINK"; smtp_start "$@"; }
state() { sqlite3 "$DB" "SELECT group_concat(state || '/' || attempts, ' ') FROM dsr_outbox"; }
logins() { cat "$SINK/auth" 2>/dev/null | tr '\n' ' '; }
queue_one() {
	"$program" queue --request DSR-2026-0042 --only received >/dev/null ||
		{ echo "Bail out! reply-test queue failed"; exit 1; }
	sqlite3 "$DB" "DELETE FROM dsr_outbox WHERE id NOT IN (SELECT max(id) FROM dsr_outbox)"
}

setup_register "$(tls_config "smtp://127.0.0.1:$SMTP_PORT" required "ca_file = $T/cert.pem")"
sqlite3 "$DB" "INSERT INTO dsr_requests(id, year, number, kind, state,
	received_at, due_at, updated_at) VALUES ('DSR-2026-0042', 2026, 42,
	'access', 'received', '2026-11-02T09:00:00Z', '2026-12-02T09:00:00Z',
	'2026-11-02T09:00:00Z')"

# 1. STARTTLS, the certificate trusted through ca_file, AUTH: delivered.
smtp_start --tls "$T/cert.pem" "$T/key.pem" --auth registry:sekret-pass
queue_one
is "$(state)" "queued/0" "one mail queued"
run send
is "$rc" 0 "STARTTLS + AUTH with ca_file: send exits 0"
is "$(sink_count) $(state)" "1 sent/1" "the mail arrived and is marked sent"
is "$(logins)" "ok registry " "it logged in once, as [smtp] user, over TLS"

# 2. No ca_file: the self-signed certificate is not trusted.
use "smtp://127.0.0.1:$SMTP_PORT" required
restart --tls "$T/cert.pem" "$T/key.pem" --auth registry:sekret-pass
queue_one
is "$(state)" "queued/0" "a new mail queued"
run send
is "$rc" 69 "an untrusted certificate: send exits 69"
like "$err" "certificate|SSL|TLS" "the message names the certificate problem"
like "$err" "stay queued" "and says the mail is kept"
is "$(sink_count) $(state)" "0 queued/0" "nothing arrived; the mail is still queued, not failed"
is "$(logins)" "" "no password was sent to the unverified server"

# 3. The certificate does not carry the name asked for (localhost).
use "smtp://localhost:$SMTP_PORT" required "ca_file = $T/cert.pem"
run send
is "$rc" 69 "a certificate for another name: send exits 69"
is "$(sink_count) $(state) $(logins)" "0 queued/0 " "nothing sent, no login, still queued"

# 4. starttls = required, the server offers no STARTTLS: no login in clear.
restart --auth registry:sekret-pass
use "smtp://127.0.0.1:$SMTP_PORT" required "ca_file = $T/cert.pem"
run send
is "$rc" 69 "no STARTTLS under starttls = required: send exits 69"
is "$(sink_count) $(state) $(logins)" "0 queued/0 " "nothing sent, no login in clear, still queued"

# 5. A wrong password: the mail stays queued for after the fix.
restart --tls "$T/cert.pem" "$T/key.pem" --auth registry:other-pass
use "smtp://127.0.0.1:$SMTP_PORT" required "ca_file = $T/cert.pem"
run send
is "$rc" 78 "a refused login: send exits 78 (fix the configuration)"
like "$err" "refused the login.*stay queued.*password_file" "the message points at the login and says the mails are kept"
is "$(sink_count) $(state)" "0 queued/0" "the mail is still queued, not failed for good, no admin notice"
is "$(logins)" "bad registry " "one login tried, refused"
unlike "$err" "sekret-pass" "the password is not in the message"

# 6. smtps:// (TLS from the first byte), trusted: the same mail goes out.
restart --tls "$T/cert.pem" "$T/key.pem" --smtps --auth registry:sekret-pass
use "smtps://127.0.0.1:$SMTP_PORT" no "ca_file = $T/cert.pem"
run send
is "$rc" 0 "smtps:// + AUTH with ca_file: send exits 0"
is "$(sink_count) $(state) $(logins)" "1 sent/1 ok registry " "the kept mail arrived once, after one login"
done_testing
