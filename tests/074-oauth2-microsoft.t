#!/usr/bin/env bash
# OAuth2 sign-in with provider = microsoft, against real servers on
# 127.0.0.1: the local authorization server (tests/oauth2-server.py) as the
# provider, Dovecot with its oauth2 passdb checking every token there, the
# SMTP sink taking XOAUTH2 only (as Microsoft 365 does). The device-code
# login (slow_down, access_denied, expired_token), poll --once and send end
# to end, refresh before expiry and after a server's refusal (XOAUTH2 and
# OAUTHBEARER), rotation surviving kill -9 in the middle of the write, the
# token endpoint down and back (nothing lost, poll --watch backs off and
# retries), revoked consent (exit 78, the advice, the admins told once per
# login), and no token, code or secret in anything dsrmail printed or stored.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-oauth2.sh"
. "$TESTS_DIR/lib-dovecot.sh"
. "$TESTS_DIR/lib-smtp.sh"
command -v strace >/dev/null 2>&1 || skip_all "strace is not installed"

TOKEN="$T/oauth2-token.json"
# dsr ARGS...: run dsrmail at -vv, stdout in $out, stderr in $err (and all
# of it kept in $T/said for the search at the end), status in $rc.
dsr() {
	"$DSRMAIL_BIN" -vv "$@" >"$T/.out" 2>"$T/.err"
	rc=$?
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
	cat "$T/.out" "$T/.err" >>"$T/said"
}
later() { date -u -d "+${1:-2} hours" +%Y-%m-%dT%H:%M:%SZ; }
# expires_in SECONDS: make the stored access token end that far from now
# (negative: in the past), as time would
expires_in() {
	/usr/bin/python3 - "$TOKEN" "$1" <<'PY'
import datetime, json, os, sys
path, seconds = sys.argv[1], int(sys.argv[2])
token = json.load(open(path))
end = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
token["expires_at"] = end.strftime("%Y-%m-%dT%H:%M:%SZ")
json.dump(token, open(path + ".test", "w"))
os.chmod(path + ".test", 0o600)
os.rename(path + ".test", path)
PY
}
queued() { sqlite3 "$DB" "SELECT count(*) FROM dsr_outbox WHERE state = 'queued'"; }
notices() { sqlite3 "$DB" "SELECT count(*) FROM dsr_outbox WHERE template = 'signin_revoked'"; }
refreshes() { oauth2_count '^token refresh_token ok'; }
logins() { grep -c "Login: user=<registry>, method=$1" "$DOVECOT_DIR/log"; }
# login_start: `oauth2 login` in the background, its output in $T/login.out
login_start() {
	: >"$T/login.out"
	"$DSRMAIL_BIN" oauth2 login >"$T/login.out" 2>&1 </dev/null &
	login_pid=$!
	wait_until 10 grep -q 'enter the code' "$T/login.out" || bail "login printed no code"
}
# (what login prints is for the person at the terminal: the user code is
# meant to be there, so it is searched apart, for everything but the code)
login_wait() { wait "$login_pid"; login_rc=$?; grep -vE '^ +[0-9A-F]{4}-[0-9A-F]{4}$' "$T/login.out" >>"$T/said"; }

oauth2_start
DOVECOT_OAUTH2_URL=$OAUTH2_INTROSPECT DOVECOT_EXTRA="auth_failure_delay = 0"
dovecot_start
smtp_start --oauth2 "$OAUTH2_INTROSPECT" --mechanisms XOAUTH2
config_text="$(imap_config 'auth = oauth2')
$(smtp_config)
user = registry
auth = oauth2
$(oauth2_config microsoft)"

# 1. A half-configured [oauth2] is refused, naming the key to add.
write_config "$(printf '%s\n' "$config_text" | grep -v '^client_id')"
dsr oauth2 status
is "$rc" 78 "no client_id: exit 78"
like "$err" '\[oauth2\] client_id is missing; add client_id = ' "the message names the key to add"
write_config "$(printf '%s\n' "$config_text" | grep -vE '^(tenant|device_url|token_url)')"
dsr oauth2 login
is "$rc" 78 "provider = microsoft without tenant or endpoints: exit 78"
like "$err" 'tenant is missing.*add tenant = ' "it asks for the tenant"
setup_register "$config_text"

# 2. Before any login: exit 78, pointing at the login; the mail stays.
imap_tool generate INBOX 2 before >/dev/null
dsr poll --once
is "$rc" 78 "poll before any login: exit 78"
like "$err" 'no OAuth2 token is stored.*run `dsrmail oauth2 login`' "it says to run oauth2 login"
is "$(imap_tool count INBOX)" 2 "the mails stay in the mailbox"

# 3. The device-code login (RFC 8628), with one slow_down on the way.
login_start
like "$(tr '\n' ' ' <"$T/login.out")" "open +http://127.0.0.1:$OAUTH2_PORT/device +in a browser.*enter the code" \
	"login prints the verification address and the code"
code=$(grep -oE '[0-9A-F]{4}-[0-9A-F]{4}' "$T/login.out" | head -n 1)
isnt "$code" "" "the user code is shown ($code)"
oauth2_control slow_down
wait_until 5 grep -q 'slow_down' "$OAUTH2_DIR/requests.log"
started=$(date +%s)
oauth2_control "approve?user_code=$code"
login_wait
is "$login_rc" 0 "login exits 0 once the user signed in"
ok "after slow_down it waited 5 s longer between polls" test $(( $(date +%s) - started )) -ge 4
is "$(stat -c %a "$TOKEN")" 600 "the token file is mode 0600"
ok "the token file is JSON with a refresh token" \
	/usr/bin/python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["refresh_token"]' "$TOKEN"
dsr oauth2 status
is "$rc" 0 "status exits 0"
like "$out" 'provider: +Microsoft 365' "status names the provider"
like "$out" 'account: +registry' "the account"
like "$out" 'scopes: +https://outlook.office365.com/IMAP.AccessAsUser.All https://outlook.office365.com/SMTP.Send offline_access' \
	"the preset's scopes"
like "$out" 'access token: +valid until .*in 5[89] minutes' "and when the access token expires"

# 4. poll --once and send, end to end, with XOAUTH2.
dsr poll --once
is "$rc" 0 "poll --once signs in with the token"
is "$(imap_tool count INBOX) $(imap_tool count Processed)" "0 2" "both mails were read and moved"
is "$(logins XOAUTH2)" 1 "Dovecot's oauth2 passdb accepted one XOAUTH2 login"
is "$(sink_count) $(queued)" "2 0" "the replies went out over SMTP"
is "$(sort -u "$SINK/auth")" "ok XOAUTH2 registry" "the sink took the token, XOAUTH2 as user registry"
is "$(refreshes)" 0 "the stored access token was used, no refresh"

# 5. Refresh before expiry: two minutes before its end (and, with
#    DSRMAIL_NOW, two hours on), the token is renewed before use.
old_refresh=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["refresh_token"])' "$TOKEN")
imap_tool generate INBOX 1 expiry >/dev/null
expires_in 120
dsr poll --once
is "$rc" 0 "poll with the access token about to expire: exit 0"
is "$(refreshes)" 1 "it refreshed the token first"
is "$(imap_tool count INBOX)" 0 "and read the mail"
new_refresh=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["refresh_token"])' "$TOKEN")
isnt "$new_refresh" "$old_refresh" "the rotated refresh token was stored"
DSRMAIL_NOW=$(later 2) dsr poll --once
is "$rc $(refreshes)" "0 2" "two hours on (DSRMAIL_NOW): refreshed again"

# 6. Refresh after a server's refusal: the provider ends every access token.
oauth2_control expire
imap_tool generate INBOX 1 refused >/dev/null
dsr poll --once
is "$rc" 0 "IMAP refused the token: poll refreshed it and signed in"
is "$(refreshes)" 3 "one refresh"
like "$err" 'refused the access token; refreshing it' "it says why it refreshed"
is "$(imap_tool count INBOX)" 0 "the mail was read"
oauth2_control expire
"$(dirname "$DSRMAIL_BIN")/tests/reply-test" queue --request DSR-2026-0001 --only received --lang fi >/dev/null
before=$(sink_count)
dsr send
is "$rc" 0 "SMTP refused the token: send refreshed it and sent"
is "$(( $(sink_count) - before )) $(queued) $(refreshes)" "1 0 4" "the mail went out after one refresh"
is "$(tail -n 2 "$SINK/auth" | tr '\n' ' ')" "bad XOAUTH2 registry ok XOAUTH2 registry " \
	"the sink refused the old token and took the new one"

# 7. OAUTHBEARER (RFC 7628) where the server offers nothing else.
dovecot_stop
DOVECOT_OAUTH2_MECHS=oauthbearer dovecot_start
oauth2_control expire
imap_tool generate INBOX 1 bearer >/dev/null
dsr poll --once
is "$rc" 0 "OAUTHBEARER: the refused token is refreshed and the login succeeds"
is "$(logins OAUTHBEARER) $(imap_tool count INBOX)" "1 0" "Dovecot logged one OAUTHBEARER login; the mail was read"
# (A new Dovecot forgets the refusals: its auth penalty would slow the
# logins below down by seconds each.)
dovecot_stop
dovecot_start

# 8. Rotation survives kill -9 while the new token file is being written:
#    the file is the old one or the new one, never broken.
expires_in -60
cp "$TOKEN" "$T/token.before"
strace -qq -f -o /dev/null -e trace=rename,renameat,renameat2 \
	-e inject=rename,renameat,renameat2:delay_enter=1500000 \
	"$DSRMAIL_BIN" poll --once >/dev/null 2>&1 &
tracer=$!
wait_until 10 test -e "$TOKEN.new" || bail "the refresh wrote no $TOKEN.new"
victim=$(pgrep -P "$tracer" | head -n 1)
[ -n "$victim" ] && kill -9 "$victim"
wait "$tracer" 2>/dev/null
ok "the token file is still whole JSON after kill -9" \
	/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TOKEN"
same_file "$TOKEN" "$T/token.before" "it is the old file, unchanged"
imap_tool generate INBOX 1 afterkill >/dev/null
dsr poll --once
is "$rc" 0 "the next poll refreshes with the old refresh token and works"
is "$(imap_tool count INBOX)" 0 "and reads the mail"

# 9. The token endpoint down: temporary failures, nothing lost.
oauth2_control "fail?status=503"
imap_tool generate INBOX 1 down >/dev/null
expires_in -60
dsr poll --once
is "$rc" 75 "the token endpoint answers 503: poll exits 75"
like "$err" 'HTTP 503.*nothing was lost' "it says the endpoint failed and nothing was lost"
oauth2_control "fail?status=0"
oauth2_stop
dsr poll --once
is "$rc" 69 "the token endpoint does not answer: poll exits 69"
like "$err" 'cannot be reached.*nothing was lost' "it says so"
is "$(imap_tool count INBOX)" 1 "the mail stays on the server"
"$(dirname "$DSRMAIL_BIN")/tests/reply-test" queue --request DSR-2026-0001 --only received --lang fi >/dev/null
dsr send
is "$rc" 69 "send with the endpoint down: exit 69"
like "$err" 'SMTP sign-in: .*cannot be reached.*the mails stay queued' "the mails stay queued"
is "$(queued)" 1 "the outbox keeps its mail"
"$DSRMAIL_BIN" poll --watch >"$T/watch.out" 2>"$T/watch.err" &
watcher=$!
wait_until 15 grep -q 'trying again in 2 s' "$T/watch.err"
like "$(cat "$T/watch.err")" 'cannot be reached.*trying again in 1 s' "poll --watch backs off: 1 s"
like "$(cat "$T/watch.err")" 'trying again in 2 s' "then 2 s"
oauth2_start
inbox_empty() { [ "$(imap_tool count INBOX)" = 0 ]; }
outbox_empty() { [ "$(queued)" = 0 ]; }
wait_until 20 inbox_empty
is "$(imap_tool count INBOX)" 0 "the endpoint is back: poll --watch signed in and read the mail"
wait_until 10 outbox_empty
is "$(queued)" 0 "and sent the outbox"
kill -TERM "$watcher"
wait "$watcher"
is "$?" 0 "poll --watch stops on SIGTERM with 0"
cat "$T/watch.err" >>"$T/said"

# 10. Revoked consent: exit 78, the advice, the admins told once per login.
oauth2_control revoke
imap_tool generate INBOX 1 revoked >/dev/null
expires_in -60
dsr poll --once
is "$rc" 78 "invalid_grant: poll exits 78"
like "$err" 'revoked or has expired \(invalid_grant.*run `dsrmail oauth2 login` again' "with the advice"
is "$(imap_tool count INBOX)" 1 "the mail stays on the server"
is "$(notices)" 1 "one notice to the admin was queued"
is "$(sqlite3 "$DB" "SELECT recipient FROM dsr_outbox WHERE template = 'signin_revoked'")" \
	"paivi.savolainen@hrmentor.fi" "to the admin"
dsr poll --once
is "$rc" 78 "the next poll fails at once, exit 78"
dsr send
is "$rc" 78 "send too: exit 78"
like "$err" 'SMTP sign-in: .*run `dsrmail oauth2 login` again.*stay queued' "saying the mails stay queued"
is "$(notices)" 1 "the admins were told once, not again"
is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_events WHERE type = 'oauth2_revoked'")" 1 "one oauth2_revoked event"
dsr oauth2 status
is "$rc" 78 "status: exit 78"
like "$out" 'none: the consent was revoked' "status says the consent was revoked"
login_start
oauth2_control approve
login_wait
is "$login_rc" 0 "a new login"
dsr poll --once
is "$rc" 0 "then poll works again"
is "$(imap_tool count INBOX) $(queued)" "0 0" "the kept mail was read, the outbox (the notice too) sent"
is "$(sqlite3 "$DB" "SELECT state FROM dsr_outbox WHERE template = 'signin_revoked'")" sent "the admin's notice was sent"
oauth2_control revoke
expires_in -60
dsr poll --once
is "$rc $(notices)" "78 2" "revoked after the new login: told again, once"

# 11. The device flow's refusals.
login_start
oauth2_control deny
login_wait
is "$login_rc" 78 "access_denied: login exits 78"
like "$(cat "$T/login.out")" 'declined \(access_denied\); run `dsrmail oauth2 login` again' "with the advice"
oauth2_stop
oauth2_start --device-expires 2
login_start
login_wait
is "$login_rc" 75 "the code expired unused: login exits 75"
like "$(cat "$T/login.out")" 'expired|within' "it says the code expired"

# 12. No token, code or secret in anything dsrmail said or stored.
sqlite3 "$DB" .dump >"$T/dump.sql"
grep -F -f "$OAUTH2_SECRETS_FILE" "$T/said" "$T/dump.sql" >"$T/leaks" || true
is "$(wc -l <"$T/leaks")" 0 "no token, code or secret in the output, logs or database"
[ -s "$T/leaks" ] && diag "$(head -n 5 "$T/leaks")"
ok "the search does find a token where one is (the server's state)" grep -qF -f "$OAUTH2_SECRETS_FILE" "$OAUTH2_DIR/state.json"
done_testing
