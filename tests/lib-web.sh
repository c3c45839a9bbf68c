# tests/lib-web.sh: `dsrmail web` for the tests and the demo, sourced after
# tests/lib.sh (or lib-base.sh) and lib-smtp.sh. curl keeps the cookies in
# a jar as a browser would.
#
#   web_config                  the [web] section for write_config ($WEB_PORT)
#   web_start                   start dsrmail web, wait until it listens ($WEB_URL)
#   web_stop                    SIGTERM, and wait for it (also done at exit)
#   web_get PATH [CURL-ARG...]  GET: body in $T/web.body, headers in
#                               $T/web.head, HTTP status in $status
#   web_post PATH NAME=VALUE... a form POST (values url-encoded), the same
#   web_csrf                    the CSRF token of the last page's forms
#   web_signin_link ADDRESS     ask for a sign-in link as ADDRESS; prints the
#                               link that reached the SMTP sink (empty if none)
#   web_signin ADDRESS          sign in: the session cookie is in the jar

WEB_PORT=${WEB_PORT:-$(free_port)}
WEB_URL=http://127.0.0.1:$WEB_PORT
WEB_JAR=$T/web.jar
_web_pid=

web_config() { printf '[web]\nlisten = 127.0.0.1:%s\n' "$WEB_PORT"; }

web_start() {
	"$DSRMAIL_BIN" ${CONF:+-c "$CONF"} web >"$T/web.out" 2>>"$T/web.err" &
	_web_pid=$!
	at_exit web_stop
	local i
	for i in $(seq 100); do
		grep -q 'the pages are at' "$T/web.out" 2>/dev/null && return 0
		kill -0 "$_web_pid" 2>/dev/null || break
		sleep 0.05
	done
	bail "dsrmail web did not start: $(cat "$T/web.err")"
}

web_stop() {
	[ -n "$_web_pid" ] || return 0
	kill "$_web_pid" 2>/dev/null
	wait "$_web_pid" 2>/dev/null
	_web_pid=
}

web_get() {
	local path=$1; shift
	status=$(curl -s -o "$T/web.body" -D "$T/web.head" -w '%{http_code}' \
		-b "$WEB_JAR" -c "$WEB_JAR" "$@" "$WEB_URL$path")
}

web_post() {
	local path=$1 field args=(); shift
	for field in "$@"; do args+=(--data-urlencode "$field"); done
	status=$(curl -s -o "$T/web.body" -D "$T/web.head" -w '%{http_code}' \
		-b "$WEB_JAR" -c "$WEB_JAR" "${args[@]}" "$WEB_URL$path")
}

web_csrf() { grep -o 'name="csrf" value="[A-Z2-7]*"' "$T/web.body" | head -n 1 | sed 's/.*value="//; s/"$//'; }

web_signin_link() {
	local before i
	before=$(ls "$SINK"/*.eml 2>/dev/null | wc -l)
	web_get /signin -L
	web_post /signin "csrf=$(web_csrf)" "address=$1"
	for i in $(seq 100); do
		[ "$(ls "$SINK"/*.eml 2>/dev/null | wc -l)" -gt "$before" ] && break
		sleep 0.1
	done
	/usr/bin/python3 - "$SINK" "$before" <<'PY'
import email, email.policy, glob, re, sys
paths = sorted(glob.glob(sys.argv[1] + "/*.eml"))[int(sys.argv[2]):]
for path in paths:
    msg = email.message_from_binary_file(open(path, "rb"), policy=email.policy.default)
    found = re.search(r"\S+/signin/link\?t=[A-Z2-7]{26}",
                      msg.get_body(preferencelist=("plain",)).get_content())
    if found:
        print(found.group(0))
        break
PY
}

web_signin() {
	local link
	link=$(web_signin_link "$1")
	[ -n "$link" ] || return 1
	web_get "${link#"$WEB_URL"}"
	web_post /signin/link "csrf=$(web_csrf)" "t=${link##*t=}"
	[ "$status" = 303 ] && grep -q 'dsrmail_session' "$WEB_JAR"
}
