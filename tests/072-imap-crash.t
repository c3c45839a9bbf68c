#!/bin/bash
# No mail lost, none processed twice, when the poller is killed (kill -9 at
# random moments of a 900-mail poll, five times over) or when Dovecot stops
# in the middle of a poll (exit 69; the next poll does the rest).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-dovecot.sh"
plan 18

dovecot_start
setup_register "$(imap_config)"
# A few ms of work per stored mail, so that a kill lands mid-poll.
dsrmail_slow_intake 600
count() { sqlite3 -cmd ".timeout 5000" "$DB" "$1"; }
messages() { count "SELECT count(*) FROM dsr_messages WHERE message_id LIKE '$1-%'"; }

# --- kill -9, five times ----------------------------------------------------
# More mails than five kills can reach (up to 120 each, plus what is
# stored while a busy machine starts the count): a round that finds the
# poll finished has not killed it.
N=900
imap_tool generate INBOX $N crash
# stored_beyond N: more than N crash mails are stored
stored_beyond() { [ "$(messages crash)" -gt "$1" ]; }
killed=0
for round in 1 2 3 4 5; do
	# The moment: after 1 to 120 more mails are stored (a batch is 250,
	# so some kills land around a MOVE and the next FETCH).
	target=$(( $(messages crash) + RANDOM % 120 + 1 ))
	"$DSRMAIL_BIN" poll --once 2>>"$T/poll.err" & pid=$!
	wait_until 20 stored_beyond "$((target - 1))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ $? = 137 ] && killed=$((killed + 1))
	diag "round $round: $(messages crash) stored, $(imap_tool count INBOX) left in INBOX, $(imap_tool count Processed) in Processed"
done
ok "the poller was killed mid-poll in at least four of five rounds ($killed)" \
    test "$killed" -ge 4
run poll --once
is "$rc" 0 "a poll after the kills exits 0"
is "$(messages crash)" $N "every one of the $N mails is stored"
is "$(count "SELECT count(DISTINCT message_id) FROM dsr_messages WHERE message_id LIKE 'crash-%'")" $N \
    "each exactly once"
# Each generated mail opens one request (kind unknown) with one event.
is "$(count "SELECT count(*) FROM dsr_requests r JOIN dsr_messages m ON m.id = r.message
    WHERE m.message_id LIKE 'crash-%'")" $N "one request per mail, $N in all"
is "$(count "SELECT count(*) FROM dsr_events e JOIN dsr_messages m ON m.id = e.message
    WHERE m.message_id LIKE 'crash-%'")" $N "one event per mail, $N in all"
is "$(count "SELECT count(*) FROM (SELECT imap_uid FROM dsr_messages
    GROUP BY imap_uidvalidity, imap_uid HAVING count(*) > 1)")" 0 "no UID stored twice"
is "$(imap_tool count INBOX)" 0 "none left in INBOX"
is "$(imap_tool count Processed)" $N "all $N in Processed"
is "$(imap_tool message-ids Processed | sort -u | wc -l)" $N "Processed holds each mail once"
is "$(count "PRAGMA integrity_check")" ok "the database is intact"

# --- Dovecot stops in the middle of a poll ------------------------------------
# 600 mails: more than the two batches (of 250) poll has fetched while it
# stores the first one.
imap_tool generate INBOX 600 stop
"$DSRMAIL_BIN" poll --once 2>"$T/stop.err" & pid=$!
stop_stored() { [ "$(messages stop)" -gt 20 ]; }
wait_until 20 stop_stored
dovecot_stop
wait "$pid"
is "$?" 69 "Dovecot stopped mid-poll: exit 69"
like "$(cat "$T/stop.err")" 'IMAP server 127\.0\.0\.1:[0-9]+: the connection broke' \
    "saying the connection broke"
stored=$(messages stop)
diag "$stored of 600 stored before the server went away"
ok "some mail was stored before it went away, not all" \
    test "$stored" -gt 0 -a "$stored" -lt 600
dovecot_start
run poll --once
is "$rc:$(messages stop)" "0:600" "after a restart the next poll stores the rest: all 600"
is "$(imap_tool count INBOX)" 0 "none left in INBOX"
is "$(imap_tool count Processed)" $((N + 600)) "Processed has all $((N + 600))"
is "$(count "SELECT count(*) FROM dsr_requests")" $((N + 600)) \
    "and the database $((N + 600)) requests, one per mail"

done_testing
