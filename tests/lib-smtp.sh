# tests/lib-smtp.sh: a real SMTP server for the tests and the demo
# (python3-aiosmtpd), sourced after tests/lib.sh (or tests/lib-base.sh).
#
#   smtp_start [--fail-first N | --refuse]   start the sink on a free port:
#       $SMTP_PORT, mails saved in $SINK/NNN.eml (+ NNN.env envelope)
#   smtp_stop                                stop it (also done at exit)
#   smtp_config                              the [smtp] section for write_config
#   sink_count                               how many mails arrived

SINK="$T/sink"
SMTP_PORT=${SMTP_PORT:-$(free_port)}
_smtp_pid=

smtp_start() {
	mkdir -p "$SINK"
	rm -f "$SINK/ready"
	/usr/bin/python3 "$TESTS_DIR/smtp-sink.py" --port "$SMTP_PORT" \
		--dir "$SINK" "$@" >"$T/smtp-sink.log" 2>&1 &
	_smtp_pid=$!
	at_exit smtp_stop
	local i
	for i in $(seq 100); do
		[ -e "$SINK/ready" ] && return 0
		kill -0 "$_smtp_pid" 2>/dev/null || break
		sleep 0.1
	done
	bail "the SMTP sink did not start: $(cat "$T/smtp-sink.log")"
}

smtp_stop() {
	[ -n "$_smtp_pid" ] || return 0
	kill "$_smtp_pid" 2>/dev/null
	wait "$_smtp_pid" 2>/dev/null
	_smtp_pid=
}

smtp_config() {
	printf '[smtp]\nurl = smtp://127.0.0.1:%s\nstarttls = no\nretry_for = 5d\n' "$SMTP_PORT"
}

sink_count() { find "$SINK" -name '*.eml' 2>/dev/null | wc -l; }
