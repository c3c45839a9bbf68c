#!/bin/bash
# poll against faults of the mailbox side, over request mails from a
# customer (each opens a request and queues its challenge):
#  - kill -9 of poll at random points (150 mails, 3 rounds; FAULT_FULL=1:
#    500 mails, 5 rounds), then one poll to finish and a send;
#  - Dovecot stopped in the middle of a FETCH (its answer cut short) and of
#    a MOVE (Dovecot moved the mails but dsrmail never heard; and the MOVE
#    never reached Dovecot): tests/fault/imap-cut.py, a relay between
#    dsrmail and the real Dovecot, freezes the command, and the test stops
#    Dovecot then; the next poll, after a restart, does the rest.
# Each: 0 requests lost, 0 duplicated, no mail sent twice.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-fault.sh"
. "$TESTS_DIR/lib-dovecot.sh"
. "$TESTS_DIR/lib-smtp.sh"

plan 25
dovecot_start
smtp_start
setup_register "[policy]
sender_rate = 100000/day
$(imap_config)
$(smtp_config)"
q() { sqlite3 -cmd ".timeout 5000" "$DB" "$1"; }
# mails TAG N: N request mails in INBOX, Message-ID <TAG-i@example.org>
mails() {
	local i
	mkdir -p "$T/$1"
	for i in $(seq 1 "$2"); do
		printf 'From: Matti <matti@example.org>\r\nTo: tietosuoja@hrmentor.fi\r\nSubject: Tietopyyntö %s\r\nMessage-ID: <%s-%s@example.org>\r\n\r\nHaluan tarkastaa tietoni.\r\n' \
		    "$i" "$1" "$i" >"$T/$1/$i.eml"
	done
	# Delivered as an MDA does, into the maildir (much faster than APPEND)
	local new=$DOVECOT_DIR/mail/$IMAP_USER/new
	[ -d "$new" ] || imap_tool count INBOX >/dev/null
	for i in $(seq 1 "$2"); do
		cp "$T/$1/$i.eml" "$DOVECOT_DIR/mail/$IMAP_USER/tmp/$1-$i.$$.test"
		mv "$DOVECOT_DIR/mail/$IMAP_USER/tmp/$1-$i.$$.test" "$new/$(date +%s).$1-$i.$$.test"
	done
	[ "$(id -u)" != 0 ] || chown -R mail:mail "$new"
}
stored_of() { q "SELECT count(*) FROM dsr_messages WHERE message_id LIKE '$1-%'"; }
# check TAG N NAME: the end state after a fault, as assertions and figures
check() {
	local distinct=$(q "SELECT count(DISTINCT message_id) FROM dsr_messages WHERE message_id LIKE '$1-%'")
	local rows=$(stored_of "$1")
	local requests=$(q "SELECT count(*) FROM dsr_requests r JOIN dsr_messages m ON m.id = r.message
	    WHERE m.message_id LIKE '$1-%'")
	local challenges=$(q "SELECT count(*) FROM dsr_outbox o JOIN dsr_requests r ON r.id = o.request
	    JOIN dsr_messages m ON m.id = r.message WHERE m.message_id LIKE '$1-%' AND o.template = 'challenge'")
	is "$distinct:$rows:$requests:$challenges" "$2:$2:$2:$2" \
	    "$3: all $2 mails stored once, one request and one challenge each"
	processed=$((processed + $2))
	is "$(imap_tool count INBOX):$(imap_tool count Processed)" "0:$processed" \
	    "$3: INBOX empty, Processed has them all"
	figures "$3" "$2" "$requests" "$(( $2 - distinct ))" "$(( rows - distinct + requests - $2 ))" "${4:-}"
}

processed=0

# --- kill -9 at random points ---------------------------------------------------
N=${FAULT_POLL_MAILS:-$([ "$FAULT_FULL" = 1 ] && echo 500 || echo 150)}
ROUNDS=$([ "$FAULT_FULL" = 1 ] && echo 5 || echo 3)
mails kill "$N"
dsrmail_slow_intake 600
stored_beyond() { [ "$(stored_of kill)" -gt "$1" ]; }
killed=0
for round in $(seq 1 "$ROUNDS"); do
	# After 1 to a fair share of the mails still to store (groups commit
	# every 100 ms, about 20 mails with the slower intake).
	now=$(stored_of kill)
	share=$(( (N - now) / (ROUNDS - round + 2) ))
	target=$(( now + 1 + RANDOM % (share > 1 ? share : 1) ))
	"$DSRMAIL_BIN" poll --once 2>>"$T/poll.err" & pid=$!
	wait_until 30 stored_beyond "$((target - 1))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ $? = 137 ] && killed=$((killed + 1))
	diag "round $round: $(stored_of kill) stored, $(imap_tool count INBOX) in INBOX, $(imap_tool count Processed) in Processed"
done
ok "poll was killed mid-poll in at least $((ROUNDS - 1)) of $ROUNDS rounds ($killed)" \
    test "$killed" -ge $((ROUNDS - 1))
run poll --once
is "$rc" 0 "a poll after the kills finishes the mailbox"
is "$(q "SELECT count(*) FROM (SELECT 1 FROM dsr_messages WHERE imap_uid IS NOT NULL
    GROUP BY imap_uidvalidity, imap_uid HAVING count(*) > 1)")" 0 "no UID stored twice"
run send
# poll flushes the outbox too: the killed ones sent some challenges. How
# many times each queued challenge's Message-ID reached the server:
grep -h '^Message-I[dD]:' "$SINK"/*.eml | sed 's/^[^<]*<//; s/>.*//' | sort >"$T/arrived"
q "SELECT o.message_id FROM dsr_outbox o JOIN dsr_requests r ON r.id = o.request
    JOIN dsr_messages m ON m.id = r.message WHERE m.message_id LIKE 'kill-%'" | sort >"$T/queued"
unsent=$(comm -23 "$T/queued" <(sort -u "$T/arrived") | wc -l)
twice=$(comm -12 "$T/queued" <(uniq -d "$T/arrived") | wc -l)
# A kill inside the send window (docs/reliability.md: the server said 250,
# the row not yet marked) sends that one mail again: at most one per kill.
is "$rc:$unsent" "0:0" "every challenge reached the SMTP server"
ok "no more mails came twice than there were kills ($twice, $killed kills)" \
    test "$twice" -le "$killed"
is "$(q 'PRAGMA integrity_check')" ok "the database is intact"
check kill "$N" "kill -9 of poll at random points ($ROUNDS times, $N mails)" "$twice"
sqlite3 "$DB" "DROP TRIGGER test_slow_intake"

# --- Dovecot stopped mid-FETCH and mid-MOVE --------------------------------------
CUT_PORT=$(free_port)
sed "s|^url = imap://127.0.0.1:$IMAP_PORT\$|url = imap://127.0.0.1:$CUT_PORT|" "$CONF" >"$T/cut.conf"
_cut_pid=
cut_stop() { [ -n "$_cut_pid" ] && kill "$_cut_pid" 2>/dev/null; wait "$_cut_pid" 2>/dev/null; _cut_pid=; }
at_exit cut_stop
# cut TAG NAME RELAY-OPTIONS...: 20 mails; poll through the relay, which
# freezes at the command; Dovecot is stopped then; restart, poll again
cut() {
	local tag=$1 name=$2
	shift 2
	mails "$tag" 20
	rm -rf "$T/cut"; mkdir -p "$T/cut"
	/usr/bin/python3 "$TESTS_DIR/fault/imap-cut.py" --listen "$CUT_PORT" --to "$IMAP_PORT" \
	    --dir "$T/cut" "$@" >"$T/cut.log" 2>&1 & _cut_pid=$!
	wait_until 10 test -e "$T/cut/ready" || bail "imap-cut.py did not start: $(cat "$T/cut.log")"
	"$DSRMAIL_BIN" -c "$T/cut.conf" poll --once >/dev/null 2>"$T/cut.err" & pid=$!
	wait_until 30 test -e "$T/cut/cut"
	local stored_then=$(stored_of "$tag")
	dovecot_stop
	# libetpan 1.9.4 spun for ever on a connection ended inside a literal
	# (src/mail/imap.c imap_guard_eof): a poll that does not end fails.
	if ! wait_until 60 eval "! kill -0 $pid"; then
		kill -9 "$pid"
		diag "$name: poll still running a minute after Dovecot stopped: killed"
	fi
	wait "$pid"
	local rc=$?
	diag "$name: cut at $(cat "$T/cut/cut" 2>/dev/null | tr -d '\r\n'); $stored_then stored then; poll exit $rc"
	is "$rc" 69 "$name: poll exits 69 (server gone)"
	like "$(cat "$T/cut.err")" 'connection broke|cannot be reached' "$name: saying the connection broke"
	dovecot_start
	"$DSRMAIL_BIN" -c "$T/cut.conf" poll --once >/dev/null 2>"$T/cut.err"
	is "$?" 0 "$name: after a restart the next poll succeeds"
	check "$tag" 20 "$name"
	cut_stop
}
cut fetch "Dovecot stopped mid-FETCH (answer cut after 3000 bytes)" \
    --match 'BODY.PEEK[]' --hold-reply 3000
cut moved "Dovecot stopped mid-MOVE (moved, the answer lost)" \
    --match 'UID MOVE' --hold-reply 0
cut unmoved "Dovecot stopped mid-MOVE (the MOVE never reached it)" \
    --match 'UID MOVE' --hold-command
is "$(q 'PRAGMA integrity_check')" ok "the database is intact"
is "$(imap_tool message-ids Processed | sort | uniq -d | wc -l):$(imap_tool message-ids Processed | wc -l)" \
    "0:$processed" "Processed holds each of the $processed mails once"

done_testing
