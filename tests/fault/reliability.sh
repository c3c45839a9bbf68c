#!/bin/bash
# tests/fault/reliability.sh: `make reliability`, the figures of
# docs/reliability.md, printed as its Markdown tables (and kept in
# build/reliability.md):
#  1. fuzzing: every run of `make fuzz` recorded in build-fuzz/fuzz-history.tsv,
#     added up per target (CPU time, executions, the last coverage), and the
#     crashes fixed (tests/fuzz/regress/); with RELIABILITY_FUZZ=SECONDS it
#     first runs `make fuzz FUZZ_SECONDS=SECONDS`;
#  2. the fault tests (tests/11[1-4]-fault-*.t) in their long versions
#     (FAULT_FULL=1: 500 mails and five kills of poll, every write point of
#     the EIO test, five kills of send), their figures lines gathered;
#  3. the send window: `dsrmail send` of 30 mails under strace, from each
#     250 to its commit (tests/fault/send-window.py), and kill -9 sent that
#     many milliseconds after the 250 (tests/smtp-sink.py --kill-delay):
#     how often the mail in flight came twice.
# RELIABILITY_PARTS="fuzz faults window" (the default) chooses the parts.
set -u
parts=" ${RELIABILITY_PARTS:-fuzz faults window} "
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${DSRMAIL_BIN:-$top/build/dsrmail}
out=$top/build/reliability.md
work=$(mktemp -d /tmp/dsrmail-reliability.XXXXXX)
trap 'rm -rf "$work"' EXIT
export DSRMAIL_BIN=$bin
cd "$top" || exit 1

: >"$work/fuzz.md"; : >"$work/faults.md"; : >"$work/window.md"
if [ -n "${RELIABILITY_FUZZ:-}" ]; then
	make --no-print-directory fuzz FUZZ_SECONDS="$RELIABILITY_FUZZ" || true
fi

[[ $parts == *" fuzz "* ]] && {
echo "## Fuzzing"
echo
history=$top/build-fuzz/fuzz-history.tsv
if [ -e "$history" ]; then
	echo "| target | runs | CPU time | executions | coverage (edges) | crashes found | fixed, in tests/fuzz/regress/ |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	awk -F'\t' -v regress="$top/tests/fuzz/regress" 'NR > 1 {
		t = $2; if (!(t in runs)) order[++n] = t
		runs[t]++; cpu[t] += $4; execs[t] += $5; cov[t] = $6; crashes[t] += $9 }
	END { for (i = 1; i <= n; i++) { t = order[i]
		cmd = "ls " regress "/" t " 2>/dev/null | wc -l"; cmd | getline fixed; close(cmd)
		total += cpu[t]
		printf "| %s | %d | %d min %02d s | %d | %s | %d | %d |\n", t, runs[t],
		    cpu[t] / 60, cpu[t] % 60, execs[t], cov[t], crashes[t], fixed }
		printf "| all | | %d min %02d s (%.2f CPU-hours) | | | | |\n", total / 60, total % 60, total / 3600 }' "$history"
else
	echo "(no fuzzing recorded: run make fuzz first)"
fi
echo
} >"$work/fuzz.md"

# 2. The fault tests, long versions.
: >"$work/figures"
[[ $parts == *" faults "* ]] && for t in tests/111-fault-disk-full.t tests/112-fault-io-error.t tests/113-fault-imap.t tests/114-fault-smtp.t; do
	echo "reliability: $t (long version)" >&2
	FAULT_FULL=1 FAULT_FIGURES=$work/figures bash "$t" >"$work/$(basename "$t").tap" 2>&1
	grep -q '^not ok' "$work/$(basename "$t").tap" &&
		echo "reliability: $t FAILED:" "$(grep '^not ok' "$work/$(basename "$t").tap")" >&2
done
[[ $parts == *" faults "* ]] && {
echo "## Faults"
echo
echo "| fault | mails in | requests stored | lost | duplicated | mails sent twice |"
echo "| --- | --- | --- | --- | --- | --- |"
sed 's/^/| /; s/$/ |/' "$work/figures"
echo
} >"$work/faults.md"

# 3. The send window.
echo "reliability: the send window" >&2
# queued N: (inside a subshell) a test directory (tests/lib.sh), the
# register, the SMTP sink's config and N challenges queued by N requests
queued() {
	. "$top/tests/lib.sh" >/dev/null
	. "$top/tests/lib-smtp.sh"
	export DSRMAIL_NOW=2026-11-02T10:00:00Z
	setup_register "[policy]
sender_rate = 100000/day
$(smtp_config)"
	for i in $(seq 1 "$1"); do
		printf 'From: Matti <matti@example.org>\nSubject: Tietopyyntö\nMessage-ID: <w-%s@example.org>\n\nHaluan tarkastaa tietoni.\n' \
		    "$i" | "$DSRMAIL_BIN" deliver >/dev/null
	done
}
strace_window() {
	(
	queued 30
	smtp_start
	strace -f -ttt -y -s 16 -e trace=recvfrom,pwrite64,sendto,write -o "$work/strace" \
	    "$DSRMAIL_BIN" send >/dev/null 2>&1
	)
	/usr/bin/python3 "$top/tests/fault/send-window.py" "$work/strace"
}
kill_trial() {   # kill_trial DELAY_MS: 1 if the mail in flight arrived twice
	(
	queued 1
	smtp_start --kill-after-250 1 --kill-pid-file "$T/pid" --kill-delay "$1"
	"$DSRMAIL_BIN" send >/dev/null 2>&1 & pid=$!
	echo "$pid" >"$T/pid"
	wait "$pid"
	smtp_stop
	smtp_start
	DSRMAIL_NOW=2026-11-02T11:00:00Z "$DSRMAIL_BIN" send >/dev/null 2>&1
	[ "$(sink_count)" -gt 1 ] && echo 1 || echo 0
	) 2>/dev/null | tail -n 1
}
[[ $parts == *" window "* ]] && {
echo "## The send window"
echo
echo "Measured with the load average at $(cut -d" " -f1-3 /proc/loadavg) on $(nproc) cores."
echo
if command -v strace >/dev/null; then
	echo "- strace of \`dsrmail send\` (30 challenge mails): $(strace_window)"
else
	echo "- (strace is not installed: apt-get install strace)"
fi
trials=${WINDOW_TRIALS:-10}
for delay in 0 0.5 1 2 5 10; do
	twice=0
	for i in $(seq 1 "$trials"); do twice=$((twice + $(kill_trial "$delay"))); done
	echo "- kill -9 of send ${delay} ms after the server's 250: the mail came twice in $twice of $trials tries"
done
echo
} >"$work/window.md"

cat "$work/fuzz.md" "$work/faults.md" "$work/window.md" | tee "$out"
echo "reliability: written to $out" >&2
