#!/usr/bin/env bash
# --syslog: log lines go to syslog (facility mail, ident dsrmail), not to
# stderr. A private /dev/log (a datagram socket read by a small listener),
# mounted in a mount namespace of its own, receives them: the system's
# logging is not touched.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null ||
	skip_all "needs root and unshare -m for a private /dev/log"
plan 8

setup_register
sqlite3 "$DB" "UPDATE customers SET relationship_ended_at = '2015-01-01' WHERE id = 3"
python3 - "$T/log.sock" "$T/received" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as out:
    open(sys.argv[2] + ".ready", "w").close()
    while True:
        out.write(s.recv(65536) + b"\n")
PY
listener=$!
at_exit "kill $listener"
for i in $(seq 50); do [ -e "$T/received.ready" ] && break; sleep 0.1; done

# Run dsrmail with /dev replaced by a tmpfs holding null, zero, urandom and
# the listener's socket as /dev/log.
with_log() {
	unshare -m sh -c '
		set -e
		mount --make-rprivate /
		mkdir -p "$T/dev"
		mount --rbind /dev "$T/dev"
		mount -t tmpfs -o mode=755 none /dev
		for n in null zero urandom random; do
			touch /dev/$n; mount --bind "$T/dev/$n" /dev/$n
		done
		touch /dev/log; mount --bind "$T/log.sock" /dev/log
		exec "$@"' sh "$@"
}
export T
DSRMAIL_NOW=2026-11-26T12:00:00Z with_log "$DSRMAIL_BIN" --syslog -v sweep >"$T/out" 2>"$T/err"
is "$?" 0 "sweep --syslog exits 0"
is "$(cat "$T/err")" "" "nothing is logged to stderr"
with_log "$DSRMAIL_BIN" -c "$T/missing.conf" --syslog sweep 2>"$T/err"
is "$?" 78 "a configuration error still exits 78"
sleep 0.3
received=$(cat "$T/received")
# <21>: facility mail (2 * 8) + notice (5); <14>... would be user.info.
like "$received" '<21>.* dsrmail\[[0-9]+\]: retention: 1 subjects erased' "the sweep's counts reach syslog as mail.notice, ident dsrmail"
like "$received" '<22>.* dsrmail\[[0-9]+\]: retention: erased subject 3' "-v lines reach syslog as mail.info"
like "$received" '<19>.* dsrmail\[[0-9]+\]: .*missing.conf' "the final error reaches syslog as mail.err"
like "$(cat "$T/err")" "missing.conf" "and is printed on stderr too, for whoever started the command"
unlike "$received" "ville|Väänänen|Kauppakatu|044 111" "no name, address or phone of the erased subject is in syslog"

done_testing
