# tests/lib-oauth2.sh: the local OAuth2 authorization server
# (tests/oauth2-server.py) standing in for Microsoft's and Google's, sourced
# after tests/lib.sh. Its state lives in $OAUTH2_DIR, so stopping it
# ("down") and starting it again keeps the grants it issued.
#
#   oauth2_start [ARGS...]      start it on $OAUTH2_PORT (free, kept across
#                               restarts); ARGS go to oauth2-server.py
#   oauth2_stop                 stop it (also done at exit)
#   oauth2_control WHAT [QUERY] approve, deny, revoke, expire, fail?status=N,
#                               slow_down, browser?answer=deny
#   oauth2_count PATTERN        lines of its request log matching PATTERN
#   oauth2_config microsoft|google [EXTRA-LINES]   an [oauth2] section with
#                               the preset, its endpoints pointed here
#   OAUTH2_INTROSPECT           its introspection URL (Dovecot, the sink)
#
# Every secret it issues or sees is appended to $OAUTH2_SECRETS_FILE: under
# make check next to the log copy (tests/final/100-logs.t searches the whole
# run's log for them), else in $T.

OAUTH2_DIR="$T/oauth2"
OAUTH2_PORT=${OAUTH2_PORT:-$(free_port)}
OAUTH2_INTROSPECT="http://127.0.0.1:$OAUTH2_PORT/introspect"
OAUTH2_CLIENT_ID=dsrmail-test-client
if [ -n "${DSRMAIL_LOG_COPY:-}" ]; then
	export OAUTH2_SECRETS_FILE="$DSRMAIL_LOG_COPY.oauth2-secrets"
else
	export OAUTH2_SECRETS_FILE="$T/oauth2-secrets"
fi
_oauth2_pid=

oauth2_start() {
	mkdir -p "$OAUTH2_DIR"
	rm -f "$OAUTH2_DIR/ready"
	/usr/bin/python3 "$TESTS_DIR/oauth2-server.py" --port "$OAUTH2_PORT" \
		--dir "$OAUTH2_DIR" --client-id "$OAUTH2_CLIENT_ID" "$@" \
		>>"$T/oauth2-server.log" 2>&1 &
	_oauth2_pid=$!
	at_exit oauth2_stop
	local i
	for i in $(seq 100); do
		[ -e "$OAUTH2_DIR/ready" ] && return 0
		kill -0 "$_oauth2_pid" 2>/dev/null || break
		sleep 0.05
	done
	bail "the OAuth2 test server did not start: $(cat "$T/oauth2-server.log")"
}

oauth2_stop() {
	[ -n "$_oauth2_pid" ] || return 0
	kill "$_oauth2_pid" 2>/dev/null
	wait "$_oauth2_pid" 2>/dev/null
	_oauth2_pid=
}

oauth2_control() {
	curl -sf "http://127.0.0.1:$OAUTH2_PORT/control/$1" >/dev/null ||
		bail "oauth2 control $1 failed"
}

oauth2_count() {
	grep -c -E -- "$1" "$OAUTH2_DIR/requests.log" 2>/dev/null || true
}

oauth2_config() {
	local base="http://127.0.0.1:$OAUTH2_PORT"
	printf '[oauth2]\nprovider = %s\nclient_id = %s\ntoken_url = %s/token\n' \
	    "$1" "$OAUTH2_CLIENT_ID" "$base"
	case $1 in
	microsoft) printf 'tenant = hrmentor.fi\ndevice_url = %s/devicecode\n' "$base" ;;
	google) printf 'auth_url = %s/authorize\nredirect_port = 0\n' "$base" ;;
	esac
	printf '%s\n' "${2:-}"
}
