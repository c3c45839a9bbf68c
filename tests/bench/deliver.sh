#!/usr/bin/env bash
# Benchmark (make bench): `dsrmail deliver` of one request mail (a register
# customer's access request: stored, request opened, identity challenge
# queued, all committed and synced), against procmail delivering the same
# mail with a trivial recipe (one maildir; it fsyncs the mail) in the same
# run, alternating which goes first: BENCH_DELIVER_ROUNDS (21) rounds of
# deliver in process (no [deliver] socket: the front runs the whole
# program, dsrmail-main), then BENCH_SERVICE_ROUNDS (61) rounds of deliver
# handed to `dsrmail serve` (the resident service, started here), each with
# its own procmail. The two are not interleaved: an in-process deliver (35
# ms of loading libraries and rules) between two service rounds would
# measure the caches it evicts, not the service, which on a mail host
# meets mail after mail. Prints the medians of wall and CPU time
# and their ratios for both (procmail / dsrmail: the issue asks for at least
# 0.67, dsrmail within 1.5 times procmail; for the service, CPU is the
# front's and the service's together), one deliver at -vv for where its
# time goes, the service's resident set after every round, and the floor:
# an empty program linking the libraries dsrmail-main links, which is what
# loading them costs before any work. BENCH_COMPARE=/path/to/another/dsrmail runs
# that build in the same rounds too (before and after a change).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-bench.sh"
BENCH_NAME=deliver
ROUNDS=${BENCH_DELIVER_ROUNDS:-21}
SERVICE_ROUNDS=${BENCH_SERVICE_ROUNDS:-61}
command -v procmail >/dev/null || bench_fail "procmail is not installed"

# Every round's mail comes from the same customer: a sender_rate above them.
mkdir -m 700 "$T/run"
setup_register "[policy]
sender_rate = 1000/day" >/dev/null
# The service's config; $CONF, the same but for the socket, is in process.
{ cat "$CONF"; printf '[deliver]\nsocket = %s\n' "$T/run/deliver.sock"; } >"$T/serve.conf"
PROGRAM=$(dirname "$DSRMAIL_BIN")/dsrmail-main
mkdir -p "$T/maildir"
printf 'MAILDIR=%s\nDEFAULT=%s/\nLOGFILE=/dev/null\n:0\n%s/\n' "$T/maildir" \
    "$T/maildir" "$T/maildir" >"$T/procmailrc"
# mail N: the request mail with a Message-ID of its own
mail() {
	sed "s/^Message-ID: .*/Message-ID: <bench-$1@example.fi>/I" \
	    "$TESTS_DIR/mail/fi-access-thunderbird.eml" >"$T/mail.eml"
}
# deliver_round [FILE BINARY]: one deliver, measured
deliver_round() {
	local file=${1:-$T/dsrmail.txt}
	bench_measure "$file" --stdin "$T/mail.eml" --err "$T/deliver.err" \
	    -- "${2:-$DSRMAIL_BIN}" deliver
	[ "$(awk 'END { print $5 }' "$file")" = 0 ] ||
		bench_fail "deliver failed: $(cat "$T/deliver.err")"
}
# service_round: one deliver through the front to the service
# (the service's CPU time in ns: /proc/PID/schedstat's first field)
service_cpu() { cut -d' ' -f1 "/proc/$serve_pid/schedstat"; }
service_round() {
	local before
	before=$(service_cpu)
	bench_measure "$T/service-front.txt" --stdin "$T/mail.eml" --err "$T/service.err" \
	    -- "$DSRMAIL_BIN" -c "$T/serve.conf" deliver
	[ "$(awk 'END { print $5 }' "$T/service-front.txt")" = 0 ] ||
		bench_fail "deliver to the service failed: $(cat "$T/service.err")"
	# the round's CPU is the front's and the service's: user + the service
	tail -n 1 "$T/service-front.txt" | awk -v ns=$(($(service_cpu) - before)) \
	    '{ printf "%s %.3f %s %s %s\n", $1, $2 + ns / 1e6, $3, $4, $5 }' >>"$T/service.txt"
	awk '/^VmRSS/ { print $2 }' "/proc/$serve_pid/status" >>"$T/serve-rss.txt"
}
procmail_round() {
	bench_measure "$T/procmail.txt" --stdin "$T/mail.eml" -- procmail -m "$T/procmailrc"
}
# the peer of service_round, in its own file (the same procmail, measured
# next to it)
procmail_round2() {
	bench_measure "$T/procmail2.txt" --stdin "$T/mail.eml" -- procmail -m "$T/procmailrc"
}

bench_load before
mail warm
"$DSRMAIL_BIN" deliver <"$T/mail.eml" >/dev/null   # the first creates the WAL
"$DSRMAIL_BIN" -v -c "$T/serve.conf" serve 2>"$T/serve.log" & serve_pid=$!
at_exit "kill $serve_pid 2>/dev/null"
for _ in $(seq 50); do [ -S "$T/run/deliver.sock" ] && break; sleep 0.1; done
mail serve-warm
"$DSRMAIL_BIN" -c "$T/serve.conf" deliver <"$T/mail.eml" >/dev/null   # templates loaded
for round in $(seq 1 "$ROUNDS"); do
	mail "$round"
	if [ $((round % 2)) = 1 ]; then deliver_round; procmail_round
	else procmail_round; deliver_round; fi
	if [ -n "${BENCH_COMPARE:-}" ]; then
		mail "compare-$round"
		deliver_round "$T/compare.txt" "$BENCH_COMPARE"
	fi
done
for round in $(seq 1 "$SERVICE_ROUNDS"); do
	mail "serve-$round"
	if [ $((round % 2)) = 1 ]; then service_round; procmail_round2
	else procmail_round2; service_round; fi
done
bench_load after
served=$(grep -c 'serve: mail [0-9]*: exit 0' "$T/serve.log")
[ "$served" = $((SERVICE_ROUNDS + 1)) ] ||
	bench_fail "the service took $served of $((SERVICE_ROUNDS + 1)) mails"
stored=$(sqlite3 "$DB" "SELECT count(*) FROM dsr_messages WHERE message_id LIKE 'bench-%'
    AND message_id NOT LIKE 'bench-compare-%'")
challenged=$(sqlite3 "$DB" "SELECT count(*) FROM dsr_requests WHERE state = 'verifying'")
[ "$stored" = $((ROUNDS + SERVICE_ROUNDS + 2)) ] ||
	bench_fail "deliver stored $stored of $((ROUNDS + SERVICE_ROUNDS + 2)) mails"
bench_report "one mail in process ($stored stored in all, $challenged challenges queued; procmail: one maildir)" \
    "$T/procmail.txt" "$T/dsrmail.txt"
bench_report "one mail handed to dsrmail serve" "$T/procmail2.txt" "$T/service.txt"
[ -z "${BENCH_COMPARE:-}" ] ||
	bench_report "$BENCH_COMPARE (peer) against this build" "$T/compare.txt" "$T/dsrmail.txt"
bench_rounds "$T/procmail.txt" "$T/dsrmail.txt" "$T/procmail2.txt" "$T/service.txt"
echo "$BENCH_NAME: dsrmail serve's resident set after each round (KB):" \
    "$(tr '\n' ' ' <"$T/serve-rss.txt")"
echo "$BENCH_NAME: peak RSS: procmail $(bench_median "$T/procmail.txt" 4) KB," \
    "dsrmail $(bench_median "$T/dsrmail.txt" 4) KB"
mail stages
"$DSRMAIL_BIN" -vv deliver <"$T/mail.eml" 2>"$T/stages.err" >/dev/null
echo "$BENCH_NAME: where one deliver's time went: $(grep -o 'deliver: stages: .*' \
    "$T/stages.err" | sed 's/^deliver: stages: //')"

# The floor: an empty main() linked with deliver's libraries (those of the
# program, as ldd lists them), against procmail doing its whole delivery.
libs=$(ldd "$PROGRAM" | awk '$3 ~ /^\// { print $3 }' | grep -v -e libc.so -e libm.so -e ld-linux)
printf 'int main(void) { return 0; }\n' >"$T/empty.c"
if cc -o "$T/empty" "$T/empty.c" -Wl,--no-as-needed $libs 2>"$T/cc.err"; then
	: >"$T/empty.txt"
	for round in $(seq 1 "$ROUNDS"); do bench_measure "$T/empty.txt" -- "$T/empty"; done
	echo "$BENCH_NAME: floor: an empty program loading deliver's $(echo "$libs" | wc -l)" \
	    "libraries takes $(bench_median "$T/empty.txt" 1) ms (CPU $(bench_median \
	    "$(bench_cpu "$T/empty.txt")" 1) ms), procmail's whole delivery" \
	    "$(bench_median "$T/procmail.txt" 1) ms"
fi
