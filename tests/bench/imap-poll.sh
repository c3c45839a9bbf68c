#!/usr/bin/env bash
# Benchmark (make bench): 2,000 mails in a Dovecot INBOX fetched by
# `dsrmail poll --once` (UID FETCH in batches, intake, MOVE) and by mbsync
# (isync) pulling the same mailbox into a maildir, from the same Dovecot in
# the same run. Prints both times and their ratio (mbsync / dsrmail: above
# 1.0 means dsrmail was faster).
#
# The mails (tests/imap-tool.py write) are short "hello" mails from senders
# the register does not know, so poll does more than mbsync for each: it
# stores it, opens an `unknown` request and queues a "no data found" reply
# (the lifecycle's first step). [smtp] points at a loopback port nobody
# listens on, so the replies stay queued (counted below) and nothing is
# sent, even where a local MTA listens on port 25.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-dovecot.sh"
command -v mbsync >/dev/null || { echo "bench: mbsync (Debian: isync) is not installed"; exit 1; }
N=${BENCH_MAILS:-2000}

dovecot_start
setup_register "$(imap_config)
[smtp]
url = smtp://127.0.0.1:$(free_port)" >/dev/null
mkdir "$T/mails"
imap_tool write "$T/mails" "$N" bench
imap_tool append INBOX "$T"/mails/*.eml

# mbsync_run DIR: pull INBOX into the maildir DIR (nothing changes on the server)
mbsync_run() {
	mkdir -p "$1"
	cat >"$T/mbsyncrc" <<RC
IMAPAccount bench
Host 127.0.0.1
Port $IMAP_PORT
User $IMAP_USER
PassCmd "cat $T/imap.pass"
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account bench

MaildirStore local
Path $1/
Inbox $1/INBOX

Channel bench
Far :remote:
Near :local:
Patterns INBOX
Sync Pull New
Create Near
SyncState *
RC
	mbsync -q -c "$T/mbsyncrc" bench 2>&1 | grep -v "sent in the clear" >&2
	return "${PIPESTATUS[0]}"
}

now_ms() { date +%s%3N; }
mbsync_run "$T/warm" || { echo "bench: mbsync failed"; exit 1; }   # warms Dovecot's caches
start=$(now_ms)
mbsync_run "$T/maildir" || { echo "bench: mbsync failed"; exit 1; }
mbsync_ms=$(( $(now_ms) - start ))
pulled=$(find "$T/maildir/INBOX" -type f -path "*/new/*" -o -type f -path "*/cur/*" | wc -l)

start=$(now_ms)
# (its one warning, that the outbox could not be flushed, is expected)
dsrmail poll --once 2>"$T/poll.err" || { cat "$T/poll.err"; echo "bench: dsrmail poll failed"; exit 1; }
poll_ms=$(( $(now_ms) - start ))
stored=$(sqlite3 "$DB" "SELECT count(*) FROM dsr_messages")
queued=$(sqlite3 "$DB" "SELECT count(*) FROM dsr_outbox WHERE state = 'queued'")
moved=$(imap_tool count Processed)

echo "imap-poll: $N mails; mbsync pulled $pulled in ${mbsync_ms} ms;" \
	"dsrmail poll --once stored $stored, queued $queued replies and moved $moved in ${poll_ms} ms;" \
	"ratio mbsync/dsrmail $(awk "BEGIN { printf \"%.2f\", $mbsync_ms / ($poll_ms > 0 ? $poll_ms : 1) }")"
