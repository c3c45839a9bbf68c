#!/bin/bash
# poll's pipeline (issue 16): while one batch is stored, the next is fetched
# and the one before moved, in the background; still no mail is in
# Processed before its transaction committed (sampled all along a poll of
# three batches), every mail stored once and moved; -vv tells where the
# time went, stage by stage; a mail of several megabytes is fetched as it
# streams in and stored byte for byte (in pieces); and the program itself
# links none of the IMAP/SMTP or web server libraries (they are in its
# modules).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-dovecot.sh"
plan 15

dovecot_start
setup_register "$(imap_config)
[smtp]
url = smtp://127.0.0.1:$(free_port)"
# About 6 ms of work per stored mail, so the poll takes a while to watch
# (a loaded machine samples it slowly: two samples once, at 2 ms).
dsrmail_slow_intake 900
count() { sqlite3 -cmd ".timeout 5000" "$DB" "$1"; }

# --- three batches (250, 250, 100), watched ------------------------------------
imap_tool generate INBOX 600 pipe
"$DSRMAIL_BIN" -vv poll --once 2>"$T/poll.err" & pid=$!
samples=0 early=0
while kill -0 "$pid" 2>/dev/null; do
	# Processed first, then the committed rows: a mail moved before its
	# commit would make the first number larger than the second.
	moved=$(imap_tool count Processed)
	stored=$(count "SELECT count(*) FROM dsr_messages WHERE message_id LIKE 'pipe-%'")
	samples=$((samples + 1))
	if [ "$moved" -gt "$stored" ]; then
		early=$((early + 1))
		diag "sample $samples: $moved in Processed, only $stored committed"
	fi
done
wait "$pid"
is "$?" 0 "poll --once of 600 mails exits 0"
diag "$samples samples while it ran"
ok "sampled it at least three times while it ran ($samples)" test "$samples" -ge 3
is "$early" 0 "never more mails in Processed than committed in the database"
is "$(count "SELECT count(DISTINCT message_id) || ' ' || count(*) FROM dsr_messages
    WHERE message_id LIKE 'pipe-%'")" "600 600" "each of the 600 stored, once"
is "$(imap_tool count Processed):$(imap_tool count INBOX)" "600:0" "all moved to Processed"
is "$(count "SELECT last_uid FROM dsr_imap_folders WHERE folder = 'INBOX'")" \
    "$(imap_tool uids Processed | wc -l)" "the folder's progress recorded up to the last UID"

# --- where the time went ---------------------------------------------------
stages=$(grep -o 'poll: stages: .*' "$T/poll.err")
diag "$stages"
like "$stages" 'parse [0-9.]+ ms \(600\), classify [0-9.]+ ms \(600\), screen [0-9.]+ ms \(600\), store [0-9.]+ ms \(600\), lifecycle [0-9.]+ ms \(600\), reply [0-9.]+ ms \(600\)' \
    "-vv times parse, classify, screen, store, lifecycle and reply for each mail"
like "$stages" 'fetch \(background\) [0-9.]+ ms \(3\), move \(background\) [0-9.]+ ms \(3\)' \
    "and the three fetches and three moves, in the background"
like "$stages" 'commit [0-9.]+ ms \(([3-9]|[1-9][0-9]+)\)' "and at least one commit per batch"

# --- a large mail, streamed in and stored in pieces -----------------------
count "DROP TRIGGER test_slow_intake"
/usr/bin/python3 "$TESTS_DIR/bench/bigmail.py" 3000000 "$T/big.eml" big-pipe@generated.example
imap_tool append INBOX "$T/big.eml"
run poll --once
is "$rc" 0 "a 3 MB mail is polled"
count "SELECT writefile('$T/stored.eml', raw) FROM dsr_messages
    WHERE message_id = 'big-pipe@generated.example'" >/dev/null
ok "and stored byte for byte" cmp "$T/stored.eml" "$T/big.eml"
is "$(count "SELECT size || ' ' || coalesce(screened, '-') FROM dsr_messages
    WHERE message_id = 'big-pipe@generated.example'")" "$(stat -c %s "$T/big.eml") -" \
    "with its size, as a request"
is "$(count "PRAGMA integrity_check")" ok "the database is intact"

# --- the program does not link the IMAP/SMTP libraries --------------------
unlike "$(ldd "$DSRMAIL_BIN")" 'libetpan|libcurl|libgnutls|libmicrohttpd' \
    "the program links neither libetpan, libcurl, GnuTLS nor libmicrohttpd"
ok "its modules are next to it" test -f "$(dirname "$DSRMAIL_BIN")/dsrmail-transport.so" \
    -a -f "$(dirname "$DSRMAIL_BIN")/dsrmail-web.so"

done_testing
