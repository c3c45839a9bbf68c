#!/usr/bin/env bash
# Benchmark (make bench): peak resident memory.
#  1. `dsrmail deliver` of one 25 MB mail (a request with a PDF attachment,
#     under the default max_message_size of 25M, so stored whole), against
#     procmail delivering the same mail to a maildir: peak RSS of each, and
#     as a multiple of the mail's size (acceptance: dsrmail at most 3x).
#  2. `dsrmail poll --once` of the same mail from Dovecot, against mbsync.
#  3. `dsrmail poll --once` of BENCH_MEMORY_MAILS (10,000) small mails,
#     sampled every 2 ms: the peak of every thousand mails (acceptance: the
#     last thousand's within 10% of the first's), against mbsync pulling
#     the same mails.
# Peak RSS comes from wait4(2) (ru_maxrss) and /proc/PID/status (VmRSS,
# VmHWM), by tests/bench/measure.py, the same way for each program.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-dovecot.sh"
. "$TESTS_DIR/lib-bench.sh"
BENCH_NAME=memory
SIZE=${BENCH_MAIL_SIZE:-25000000}
MANY=${BENCH_MEMORY_MAILS:-10000}
command -v procmail >/dev/null || bench_fail "procmail is not installed"
command -v mbsync >/dev/null || bench_fail "mbsync (Debian: isync) is not installed"

dovecot_start
setup_register "$(imap_config)
[smtp]
url = smtp://127.0.0.1:$(free_port)" >/dev/null
cp "$DB" "$T/fresh.db"
/usr/bin/python3 "$TESTS_DIR/bench/bigmail.py" "$SIZE" "$T/big.eml"
size=$(stat -c %s "$T/big.eml")
size_kb=$((size / 1024))

# times SIZE_KB PEAK_KB: the peak as a multiple of the mail
times() { awk -v s="$1" -v p="$2" 'BEGIN { printf "%.2f", p / s }'; }
# fresh_db: dsrmail's database as after init
fresh_db() { cp "$T/fresh.db" "$DB"; rm -f "$DB-wal" "$DB-shm"; }
# procmail's recipe: everything into the maildir $T/procmail/
mkdir -p "$T/procmail"
printf 'MAILDIR=%s\nDEFAULT=%s/\nLOGFILE=/dev/null\n:0\n%s/\n' "$T/procmail" \
    "$T/procmail" "$T/procmail" >"$T/procmailrc"
# mbsync's configuration: pull INBOX into the maildir $T/maildir.
bench_mbsyncrc "$T/mbsyncrc" "$T/maildir"
mbsync_pull() { rm -rf "$T/maildir"; mkdir "$T/maildir"; "$@" mbsync -q -c "$T/mbsyncrc" bench; }

bench_load before
# --- 1. deliver one large mail ------------------------------------------------
fresh_db
bench_measure "$T/deliver.txt" --stdin "$T/big.eml" --err "$T/deliver.err" -- \
    "$DSRMAIL_BIN" deliver
[ "$(awk '{ print $5 }' "$T/deliver.txt")" = 0 ] || bench_fail "deliver failed: $(cat "$T/deliver.err")"
[ "$(sqlite3 "$DB" "SELECT length(raw) FROM dsr_messages WHERE screened IS NULL")" = "$size" ] ||
	bench_fail "deliver did not store the whole mail"
bench_measure "$T/procmail.txt" --stdin "$T/big.eml" -- procmail -m "$T/procmailrc"
ours=$(awk '{ print $4 }' "$T/deliver.txt")
peer=$(awk '{ print $4 }' "$T/procmail.txt")
echo "$BENCH_NAME: deliver of one $size-byte mail (stored whole): peak RSS" \
    "$ours KB, $(times "$size_kb" "$ours") x the mail (acceptance: at most 3);" \
    "procmail $peer KB, $(times "$size_kb" "$peer") x; ratio procmail/dsrmail $(bench_ratio "$peer" "$ours")"

# --- 2. poll the same mail ------------------------------------------------------
fresh_db
imap_tool append INBOX "$T/big.eml"
mbsync_pull bench_measure "$T/mbsync-big.txt" --
bench_measure "$T/poll-big.txt" --err "$T/poll.err" -- "$DSRMAIL_BIN" poll --once
[ "$(sqlite3 "$DB" "SELECT length(raw) FROM dsr_messages WHERE screened IS NULL")" = "$size" ] ||
	bench_fail "poll did not store the whole mail: $(tail -n 3 "$T/poll.err")"
ours=$(awk '{ print $4 }' "$T/poll-big.txt")
peer=$(awk '{ print $4 }' "$T/mbsync-big.txt")
echo "$BENCH_NAME: poll of the same mail over IMAP: peak RSS $ours KB," \
    "$(times "$size_kb" "$ours") x the mail; mbsync $peer KB, $(times "$size_kb" "$peer") x;" \
    "ratio mbsync/dsrmail $(bench_ratio "$peer" "$ours")"

# --- 3. poll many mails: flat? -------------------------------------------------
fresh_db
mkdir "$T/mails"
imap_tool write "$T/mails" "$MANY" many
imap_tool append INBOX "$T"/mails/*.eml
mbsync_pull bench_measure "$T/mbsync-many.txt" --
# -v logs one "intake: message N: stored" line per mail: the progress.
$MEASURE rss --every 1000 --count 'intake: message [0-9]+: stored' -- \
    "$DSRMAIL_BIN" -v poll --once >"$T/rss.txt"
stored=$(sqlite3 "$DB" "SELECT count(*) FROM dsr_messages")
[ "$stored" = "$MANY" ] || bench_fail "poll stored $stored of $MANY mails"
first=$(awk '$1 == "interval" { print $3; exit }' "$T/rss.txt")
last=$(awk '$1 == "interval" && $2 ~ /-/ { split($2, r, "-"); if (r[2] <= '"$MANY"') p = $3 } END { print p }' "$T/rss.txt")
peak=$(awk '$1 == "peak_kb" { print $2 }' "$T/rss.txt")
peer=$(awk '{ print $4 }' "$T/mbsync-many.txt")
echo "$BENCH_NAME: poll of $MANY mails: peak RSS per thousand mails (KB):" \
    "$(awk '$1 == "interval" { printf "%s%s %s", (n++ ? ", " : ""), $2, $3 }' "$T/rss.txt")"
echo "$BENCH_NAME: poll of $MANY mails: peak $peak KB; last thousand's peak $last KB" \
    "is $(awk -v a="$last" -v b="$first" 'BEGIN { printf "%+.1f%%", (a - b) * 100 / b }')" \
    "of the first's ($first KB; acceptance: within 10%); mbsync $peer KB," \
    "ratio mbsync/dsrmail $(bench_ratio "$peer" "$peak")"
bench_load after
