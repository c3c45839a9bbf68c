#!/usr/bin/env bash
# Benchmark (make bench): 2,000 mails in a Dovecot INBOX taken by
# `dsrmail poll --once` (fetch, intake, lifecycle, MOVE) and by mbsync
# (isync) pulling the same mailbox into a maildir, from the same Dovecot in
# the same run: BENCH_ROUNDS rounds (5), alternating which goes first, after
# one warm-up of Dovecot's caches. Prints the medians of wall and CPU time
# and their ratios (mbsync / dsrmail: above 1.0 means dsrmail was faster),
# then one more poll at -vv for where its time goes, stage by stage. mbsync
# fsyncs every mail it writes, dsrmail each batch it commits: on a disk
# that syncs slowly (or is shared) that weighs on mbsync, so it also runs
# with "FSync no" (a peer that may lose mail on a crash) for a second ratio.
#
# The mails (tests/imap-tool.py write) are short "hello" mails from senders
# the register does not know, so poll does more than mbsync for each: it
# stores it, opens an `unknown` request, queues a "no data found" reply
# (the lifecycle's first step) and moves it to Processed; every round checks
# that all of that was done. [smtp] points at a loopback port nobody
# listens on, so the replies stay queued and nothing is sent. mbsync runs
# with its defaults (it fsyncs every mail it writes), dsrmail with its own
# (it syncs the database before it moves mail on the server). Between
# rounds Processed is moved back to INBOX and dsrmail's database reset.
# BENCH_COMPARE=/path/to/another/dsrmail runs that build in the same rounds
# too (before and after a change).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-dovecot.sh"
. "$TESTS_DIR/lib-bench.sh"
BENCH_NAME=imap-poll
command -v mbsync >/dev/null || bench_fail "mbsync (Debian: isync) is not installed"
N=${BENCH_MAILS:-2000}

dovecot_start
setup_register "$(imap_config)
[smtp]
url = smtp://127.0.0.1:$(free_port)" >/dev/null
cp "$DB" "$T/fresh.db"
mkdir "$T/mails"
imap_tool write "$T/mails" "$N" bench
imap_tool append INBOX "$T"/mails/*.eml

# The peer's configuration: pull INBOX into the maildir $T/maildir.
bench_mbsyncrc "$T/mbsyncrc" "$T/maildir"
bench_mbsyncrc "$T/mbsyncrc-nosync" "$T/maildir" "FSync no"

# mbsync_round FILE [RC]: one mbsync pull into an empty maildir, measured
mbsync_round() {
	local pulled
	rm -rf "$T/maildir"
	mkdir "$T/maildir"
	bench_measure "$1" --err "$T/mbsync.err" -- mbsync -q -c "${2:-$T/mbsyncrc}" bench
	pulled=$(find "$T/maildir/INBOX" -type f \( -path "*/new/*" -o -path "*/cur/*" \) | wc -l)
	[ "$pulled" = "$N" ] || bench_fail "mbsync pulled $pulled of $N: $(cat "$T/mbsync.err")"
}

# poll_round FILE [-vv]: one poll --once on a fresh database, measured, with
# every mail checked stored, answered and moved; then the mails go back.
# $POLL_BIN is the build measured (DSRMAIL_BIN unless set).
poll_round() {
	local file=$1 stored queued moved
	shift
	cp "$T/fresh.db" "$DB"
	rm -f "$DB-wal" "$DB-shm"
	# (its one warning, that the outbox could not be flushed, is expected)
	bench_measure "$file" --err "$T/poll.err" -- "${POLL_BIN:-$DSRMAIL_BIN}" "$@" poll --once
	stored=$(sqlite3 "$DB" "SELECT count(*) FROM dsr_messages")
	queued=$(sqlite3 "$DB" "SELECT count(*) FROM dsr_outbox WHERE state = 'queued'")
	moved=$(imap_tool count Processed)
	[ "$stored:$queued:$moved" = "$N:$N:$N" ] || bench_fail "poll stored $stored," \
	    "queued $queued replies and moved $moved of $N mails: $(tail -n 5 "$T/poll.err")"
	imap_tool move-back Processed INBOX
}

bench_load before
mbsync_round "$T/warm.txt"   # warms Dovecot's caches
for round in $(seq 1 "$ROUNDS"); do
	if [ $((round % 2)) = 1 ]; then
		mbsync_round "$T/mbsync.txt"
		poll_round "$T/dsrmail.txt"
		mbsync_round "$T/mbsync-nosync.txt" "$T/mbsyncrc-nosync"
	else
		mbsync_round "$T/mbsync-nosync.txt" "$T/mbsyncrc-nosync"
		poll_round "$T/dsrmail.txt"
		mbsync_round "$T/mbsync.txt"
	fi
	[ -z "${BENCH_COMPARE:-}" ] || POLL_BIN=$BENCH_COMPARE poll_round "$T/compare.txt"
done
bench_load after
bench_report "$N mails, each stored, answered and moved by dsrmail, pulled by mbsync" \
    "$T/mbsync.txt" "$T/dsrmail.txt"
bench_report "the same against mbsync with FSync no" "$T/mbsync-nosync.txt" "$T/dsrmail.txt"
[ -z "${BENCH_COMPARE:-}" ] ||
	bench_report "$BENCH_COMPARE (peer) against this build" "$T/compare.txt" "$T/dsrmail.txt"
bench_rounds "$T/mbsync.txt" "$T/mbsync-nosync.txt" "$T/dsrmail.txt"
echo "$BENCH_NAME: peak RSS: mbsync $(bench_median "$T/mbsync.txt" 4) KB," \
    "dsrmail $(bench_median "$T/dsrmail.txt" 4) KB"
poll_round "$T/stages.txt" -vv
echo "$BENCH_NAME: where poll's time went (one more poll, at -vv, $(awk '{ print $1 }' \
    "$T/stages.txt") ms): $(grep -o 'poll: stages: .*' "$T/poll.err" | sed 's/^poll: stages: //')"
