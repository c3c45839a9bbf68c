#!/bin/bash
# dsrmail poll --watch against a real Dovecot: IDLE brings a new mail in
# within 2 seconds; SIGTERM and SIGINT finish the current mail and exit 0;
# the watcher reconnects when Dovecot comes back; without IDLE (and
# without MOVE) it polls at [imap] poll_interval and moves by COPY + UID
# EXPUNGE.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-dovecot.sh"
plan 20

dovecot_start
setup_register "$(imap_config "poll_interval = 1s")"
count() { sqlite3 -cmd ".timeout 5000" "$DB" "$1"; }
messages() { count "SELECT count(*) FROM dsr_messages WHERE message_id LIKE '$1-%'"; }
# stored TAG N: at least N mails tagged TAG are stored
stored() { [ "$(messages "$1")" -ge "$2" ]; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# watch_start: a watcher in the background, its pid in $watcher
watch_start() {
	"$DSRMAIL_BIN" -v poll --watch 2>>"$T/watch.err" & watcher=$!
	at_exit "kill $watcher"
}
# watch_stop SIGNAL: send it; $stop_rc and $stop_ms say how it ended
watch_stop() {
	local start
	start=$(now_ms)
	kill "-$1" "$watcher"
	wait "$watcher"
	stop_rc=$?
	stop_ms=$(( $(now_ms) - start ))
}

# --- IDLE ------------------------------------------------------------------
imap_tool generate INBOX 2 early
watch_start
ok "the watcher processes what was waiting" wait_until 10 stored early 2
sleep 0.5   # now it is in IDLE
start=$(now_ms)
imap_tool generate INBOX 1 idle
wait_until 5 stored idle 1
elapsed=$(( $(now_ms) - start ))
diag "a new mail was stored ${elapsed} ms after its APPEND began"
ok "a mail appended while watching is processed within 2 seconds" test "$elapsed" -le 2000
ok "and moved" wait_until 2 test "$(imap_tool count INBOX)" = 0
kill -0 "$watcher" 2>/dev/null
is "$?" 0 "the watcher keeps running"

# --- Dovecot goes away and comes back ----------------------------------------
dovecot_stop
ok "the watcher notices and says it will try again" \
    wait_until 5 grep -q 'trying again in' "$T/watch.err"
kill -0 "$watcher" 2>/dev/null
is "$?" 0 "and does not exit"
dovecot_start
imap_tool generate INBOX 1 back
ok "after Dovecot is back, new mail is processed again" wait_until 10 stored back 1

# --- SIGTERM in the middle of a backlog -----------------------------------------
dsrmail_slow_intake 1000   # about 9 ms per stored mail
imap_tool generate INBOX 150 backlog
wait_until 20 stored backlog 10
watch_stop TERM
is "$stop_rc" 0 "SIGTERM during a backlog: exit 0"
diag "it stopped ${stop_ms} ms after SIGTERM"
ok "promptly, after the current mail (< 1 s)" test "$stop_ms" -lt 1000
done_backlog=$(messages backlog)
moved=$(imap_tool message-ids Processed | grep -c backlog)
ok "part of the backlog was stored ($done_backlog of 150)" \
    test "$done_backlog" -gt 0 -a "$done_backlog" -lt 150
is "$moved" "$done_backlog" "exactly the stored mails were moved"
is "$(imap_tool count INBOX)" $((150 - done_backlog)) "the rest wait in INBOX"
count "DROP TRIGGER test_slow_intake"
watch_start
ok "a new watcher takes up the rest" wait_until 20 stored backlog 150
ok "leaving INBOX empty" wait_until 5 test "$(imap_tool count INBOX)" = 0
watch_stop INT
is "$stop_rc" 0 "SIGINT while idle: exit 0"

# --- a server without IDLE and MOVE ----------------------------------------------
dovecot_stop
DOVECOT_EXTRA="imap_capability = IMAP4rev1 LITERAL+ SASL-IR ID ENABLE UIDPLUS"
dovecot_start
watch_start
imap_tool generate INBOX 1 noidle1
ok "without IDLE the watcher polls: the first mail comes in" wait_until 5 stored noidle1 1
start=$(now_ms)
imap_tool generate INBOX 1 noidle2
wait_until 5 stored noidle2 1
elapsed=$(( $(now_ms) - start ))
diag "without IDLE a new mail was stored after ${elapsed} ms (poll_interval 1s)"
ok "within the 1 s poll interval (and a little)" test "$elapsed" -le 2000
ok "moved by COPY + STORE \\Deleted + UID EXPUNGE: INBOX empty" \
    wait_until 3 test "$(imap_tool count INBOX)" = 0
is "$(imap_tool message-ids Processed | grep -c noidle)" 2 "both in Processed"
watch_stop TERM
is "$stop_rc" 0 "SIGTERM while sleeping between polls: exit 0"

done_testing
