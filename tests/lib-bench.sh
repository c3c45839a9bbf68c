# tests/lib-bench.sh: what the benchmarks share, sourced after
# tests/lib.sh. Every figure is measured the same way for dsrmail and its
# peer (tests/bench/spawn.c, compiled here: wall, CPU and peak RSS of one
# process; tests/bench/measure.py: RSS over time, medians, load), in rounds
# that alternate which of the two goes first, and reported as medians and as
# ratios peer/dsrmail (above 1.0: dsrmail was faster or smaller), for wall
# time and for CPU time (user + sys). The machine may be shared: the load
# averages are printed before and after.

MEASURE="/usr/bin/python3 $TESTS_DIR/bench/measure.py"
ROUNDS=${BENCH_ROUNDS:-5}
SPAWN="$T/spawn"
cc -O2 -o "$SPAWN" "$TESTS_DIR/bench/spawn.c" ||
	{ echo "bench: cannot compile tests/bench/spawn.c" >&2; exit 1; }

# bench_load WHEN: print the load averages ("before", "after")
bench_load() { echo "$BENCH_NAME: machine $1: $($MEASURE load)"; }

# bench_measure FILE [--stdin F] [--out F] [--err F] -- CMD...: run CMD once
# and append "wall_ms user_ms sys_ms maxrss_kb status" to FILE.
bench_measure() {
	local file=$1 options=()
	shift
	while [ "$1" != -- ]; do
		case $1 in
		--stdin) options+=(-i "$2") ;;
		--out) options+=(-o "$2") ;;
		--err) options+=(-e "$2") ;;
		esac
		shift 2
	done
	"$SPAWN" "${options[@]}" "$@" >>"$file"
}

# bench_median FILE COLUMN
bench_median() { $MEASURE median "$1" "$2"; }

# bench_cpu FILE: a file of user+sys per line of FILE
bench_cpu() { awk '{ printf "%.2f\n", $2 + $3 }' "$1" >"$1.cpu"; echo "$1.cpu"; }

# bench_ratio A B: A / B with two decimals
bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# bench_report LABEL PEER_FILE OURS_FILE: the medians and both ratios
bench_report() {
	local label=$1 peer=$2 ours=$3 pw ow pc oc
	pw=$(bench_median "$peer" 1)
	ow=$(bench_median "$ours" 1)
	pc=$(bench_median "$(bench_cpu "$peer")" 1)
	oc=$(bench_median "$(bench_cpu "$ours")" 1)
	echo "$BENCH_NAME: $label: median of $(wc -l <"$ours") rounds:" \
	    "wall $pw ms (peer) vs $ow ms (dsrmail), ratio $(bench_ratio "$pw" "$ow");" \
	    "CPU $pc ms vs $oc ms, ratio $(bench_ratio "$pc" "$oc")"
}

# bench_rounds FILE...: each round's figures, side by side, for the record
bench_rounds() {
	local f
	for f in "$@"; do
		echo "$BENCH_NAME:   $(basename "$f" .txt) rounds (wall user sys ms):" \
		    "$(awk '{ printf "%s%.0f/%.0f/%.0f", (NR > 1 ? ", " : ""), $1, $2, $3 }' "$f")"
	done
}

# bench_mbsyncrc FILE MAILDIR [GLOBAL-LINE]: an mbsync configuration pulling
# this test's Dovecot INBOX (lib-dovecot.sh) into MAILDIR, with mbsync's
# defaults otherwise (it fsyncs every mail it writes) or GLOBAL-LINE
# ("FSync no")
bench_mbsyncrc() {
	cat >"$1" <<RC
${3:-}
IMAPAccount bench
Host 127.0.0.1
Port $IMAP_PORT
User $IMAP_USER
Pass $IMAP_PASSWORD
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account bench

MaildirStore local
Path $2/
Inbox $2/INBOX

Channel bench
Far :remote:
Near :local:
Patterns INBOX
Sync Pull New
Create Near
SyncState *
RC
}

# bench_fail TEXT: stop the benchmark (make bench stops too)
bench_fail() { echo "$BENCH_NAME: $*" >&2; exit 1; }
