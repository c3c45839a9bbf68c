#!/usr/bin/env bash
# OAuth2 sign-in with provider = google: Google allows no Gmail scope in
# its device flow, so `oauth2 login` uses the authorization code grant with
# PKCE (RFC 7636) and a loopback redirect (RFC 8252), the flow it documents
# for command-line tools. The local authorization server stands in for
# Google (it checks the S256 challenge against the verifier and the client
# secret), Dovecot's oauth2 passdb and the SMTP sink check every token:
# login with the browser's redirect reaching dsrmail (as through an ssh
# tunnel) and with the address pasted at the terminal, then poll --once and
# send end to end; a refusal in the browser, an answer of another login,
# and no code, token or secret in what dsrmail said or stored.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-oauth2.sh"
. "$TESTS_DIR/lib-dovecot.sh"
. "$TESTS_DIR/lib-smtp.sh"

TOKEN="$T/oauth2-token.json"
SECRET=oauth2test-client-secret-b7Qz
dsr() {
	"$DSRMAIL_BIN" -vv "$@" >"$T/.out" 2>"$T/.err"
	rc=$?
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
	cat "$T/.out" "$T/.err" >>"$T/said"
}
queued() { sqlite3 "$DB" "SELECT count(*) FROM dsr_outbox WHERE state = 'queued'"; }
# login_start: `oauth2 login` in the background reading the terminal from
# the fifo $T/paste (held open on fd 3); the address to open in $url
login_start() {
	: >"$T/login.out"
	"$DSRMAIL_BIN" oauth2 login >"$T/login.out" 2>&1 <"$T/paste" &
	login_pid=$!
	wait_until 10 grep -q 'Waiting up to' "$T/login.out" || bail "login printed no address"
	url=$(grep -oE "http://127.0.0.1:$OAUTH2_PORT/authorize\?[^ ]+" "$T/login.out")
}
login_wait() { wait "$login_pid"; login_rc=$?; cat "$T/login.out" >>"$T/said"; }
mkfifo "$T/paste"
exec 3<>"$T/paste"

oauth2_start --client-secret "$SECRET"
DOVECOT_OAUTH2_URL=$OAUTH2_INTROSPECT DOVECOT_EXTRA="auth_failure_delay = 0"
dovecot_start
smtp_start --oauth2 "$OAUTH2_INTROSPECT"
printf '%s\n' "$SECRET" >"$T/client.secret"
chmod 600 "$T/client.secret"
config_text="$(imap_config 'auth = oauth2')
$(smtp_config)
user = registry
auth = oauth2
$(oauth2_config google)"

# 1. Google's preset wants the client secret of a Desktop app client.
write_config "$config_text"
dsr oauth2 login
is "$rc" 78 "provider = google without client_secret_file: exit 78"
like "$err" 'client_secret_file is missing.*add client_secret_file = ' "the message names the key"
setup_register "$config_text
client_secret_file = client.secret"

# 2. Login: the browser's redirect reaches dsrmail's loopback listener.
login_start
like "$url" "redirect_uri=http%3A%2F%2F127.0.0.1%3A[0-9]+%2F" "the address carries a loopback redirect_uri"
like "$url" 'code_challenge_method=S256' "and a PKCE S256 challenge"
like "$url" 'scope=https%3A%2F%2Fmail.google.com%2F' "for the Gmail scope"
like "$(cat "$T/login.out")" 'ssh -L [0-9]+:127.0.0.1:[0-9]+ ' "it explains the ssh tunnel"
curl -s -L -o "$T/page" "$url"
login_wait
is "$login_rc" 0 "login exits 0 once the browser came back"
like "$(cat "$T/page")" 'dsrmail received the answer' "the browser is told to go back to the terminal"
is "$(oauth2_count '^token authorization_code ok')" 1 "the code was traded for tokens (verifier and secret checked)"
is "$(stat -c %a "$TOKEN")" 600 "the token file is mode 0600"
dsr oauth2 status
is "$rc" 0 "status exits 0"
like "$out" 'provider: +Google Workspace' "status names Google Workspace"
like "$out" 'scopes: +https://mail.google.com/' "and the Gmail scope"

# 3. poll --once and send, end to end.
imap_tool generate INBOX 2 google >/dev/null
dsr poll --once
is "$rc" 0 "poll --once signs in"
is "$(imap_tool count INBOX) $(imap_tool count Processed)" "0 2" "and reads both mails"
is "$(grep -c 'Login: user=<registry>, method=XOAUTH2' "$DOVECOT_DIR/log")" 1 "over XOAUTH2"
is "$(sink_count) $(queued)" "2 0" "the replies went out"
is "$(sort -u "$SINK/auth")" "ok OAUTHBEARER registry" "libcurl took OAUTHBEARER, which the sink offers too"
"$(dirname "$DSRMAIL_BIN")/tests/reply-test" queue --request DSR-2026-0001 --only received --lang fi >/dev/null
dsr send
is "$rc $(sink_count) $(queued)" "0 3 0" "send delivers with the same token"

# 4. Login by pasting the address the browser ended at.
login_start
location=$(curl -s -o /dev/null -w '%{redirect_url}' "$url")
like "$location" '^http://127.0.0.1:[0-9]+/\?.*code=' "the provider redirects to the loopback address"
printf '%s\n' "$location" >&3
login_wait
is "$login_rc" 0 "the pasted address signs in too"
is "$(oauth2_count '^token authorization_code ok')" 2 "a second code traded"
imap_tool generate INBOX 1 pasted >/dev/null
dsr poll --once
is "$rc $(imap_tool count INBOX)" "0 0" "and the new token reads mail"

# 5. Refusals.
oauth2_control "browser?answer=deny"
login_start
curl -s -L -o /dev/null "$url"
login_wait
is "$login_rc" 78 "declined in the browser: login exits 78"
like "$(cat "$T/login.out")" 'declined \(access_denied\); run `dsrmail oauth2 login` again' "with the advice"
oauth2_control "browser?answer=approve"
login_start
printf 'http://127.0.0.1:1/?code=oauth2test-ac-foreign&state=NOTTHISLOGIN\n' >&3
login_wait
is "$login_rc" 65 "an answer of another login (state differs): exit 65"
like "$(cat "$T/login.out")" 'does not belong to this sign-in' "it says so"
dsr poll --once
is "$rc" 0 "the stored token still works"

# 6. No code, token or secret in anything dsrmail said or stored.
sqlite3 "$DB" .dump >"$T/dump.sql"
grep -F -f "$OAUTH2_SECRETS_FILE" "$T/said" "$T/dump.sql" >"$T/leaks" || true
is "$(wc -l <"$T/leaks")" 0 "no code, token or secret in the output, logs or database"
[ -s "$T/leaks" ] && diag "$(head -n 5 "$T/leaks")"
ok "the search finds the client secret where it is" grep -qF -f "$OAUTH2_SECRETS_FILE" "$T/client.secret"
done_testing
