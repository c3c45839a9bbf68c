#!/usr/bin/env bash
# Benchmark (make bench): `dsrmail deliver` of one request mail (a register
# customer's access request: stored, request opened, identity challenge
# queued, all committed and synced), against procmail delivering the same
# mail with a trivial recipe (one maildir; it fsyncs the mail) in the same
# run: BENCH_DELIVER_ROUNDS (21) rounds alternating which goes first.
# Prints the medians of wall and CPU time and their ratios (procmail /
# dsrmail: the issue asks for at least 0.67, dsrmail within 1.5 times
# procmail), one deliver at -vv for where its time goes, and the floor: an
# empty program linking the libraries deliver links, which is what loading
# them costs before any work. BENCH_COMPARE=/path/to/another/dsrmail runs
# that build in the same rounds too (before and after a change).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-bench.sh"
BENCH_NAME=deliver
ROUNDS=${BENCH_DELIVER_ROUNDS:-21}
command -v procmail >/dev/null || bench_fail "procmail is not installed"

# Every round's mail comes from the same customer: a sender_rate above them.
setup_register "[policy]
sender_rate = 1000/day" >/dev/null
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
procmail_round() {
	bench_measure "$T/procmail.txt" --stdin "$T/mail.eml" -- procmail -m "$T/procmailrc"
}

bench_load before
mail warm
"$DSRMAIL_BIN" deliver <"$T/mail.eml" >/dev/null   # the first creates the WAL
for round in $(seq 1 "$ROUNDS"); do
	mail "$round"
	if [ $((round % 2)) = 1 ]; then deliver_round; procmail_round
	else procmail_round; deliver_round; fi
	if [ -n "${BENCH_COMPARE:-}" ]; then
		mail "compare-$round"
		deliver_round "$T/compare.txt" "$BENCH_COMPARE"
	fi
done
bench_load after
stored=$(sqlite3 "$DB" "SELECT count(*) FROM dsr_messages WHERE message_id LIKE 'bench-%'
    AND message_id NOT LIKE 'bench-compare-%'")
challenged=$(sqlite3 "$DB" "SELECT count(*) FROM dsr_requests WHERE state = 'verifying'")
[ "$stored" = $((ROUNDS + 1)) ] || bench_fail "deliver stored $stored of $((ROUNDS + 1)) mails"
bench_report "one mail ($stored stored, $challenged challenges queued; procmail: one maildir)" \
    "$T/procmail.txt" "$T/dsrmail.txt"
[ -z "${BENCH_COMPARE:-}" ] ||
	bench_report "$BENCH_COMPARE (peer) against this build" "$T/compare.txt" "$T/dsrmail.txt"
bench_rounds "$T/procmail.txt" "$T/dsrmail.txt"
echo "$BENCH_NAME: peak RSS: procmail $(bench_median "$T/procmail.txt" 4) KB," \
    "dsrmail $(bench_median "$T/dsrmail.txt" 4) KB"
mail stages
"$DSRMAIL_BIN" -vv deliver <"$T/mail.eml" 2>"$T/stages.err" >/dev/null
echo "$BENCH_NAME: where one deliver's time went: $(grep -o 'deliver: stages: .*' \
    "$T/stages.err" | sed 's/^deliver: stages: //')"

# The floor: an empty main() linked with deliver's libraries (those of the
# program, as ldd lists them), against procmail doing its whole delivery.
libs=$(ldd "$DSRMAIL_BIN" | awk '$3 ~ /^\// { print $3 }' | grep -v -e libc.so -e libm.so -e ld-linux)
printf 'int main(void) { return 0; }\n' >"$T/empty.c"
if cc -o "$T/empty" "$T/empty.c" -Wl,--no-as-needed $libs 2>"$T/cc.err"; then
	: >"$T/empty.txt"
	for round in $(seq 1 "$ROUNDS"); do bench_measure "$T/empty.txt" -- "$T/empty"; done
	echo "$BENCH_NAME: floor: an empty program loading deliver's $(echo "$libs" | wc -l)" \
	    "libraries takes $(bench_median "$T/empty.txt" 1) ms (CPU $(bench_median \
	    "$(bench_cpu "$T/empty.txt")" 1) ms), procmail's whole delivery" \
	    "$(bench_median "$T/procmail.txt" 1) ms"
fi
