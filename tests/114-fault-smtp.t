#!/bin/bash
# dsrmail send when the SMTP server fails mid-way (tests/smtp-sink.py's
# fault options): it hangs up in the middle of a mail's DATA, answers 421
# and closes, and dsrmail send is killed (-9) between the server's 250
# after DATA and its own commit of "sent". The mails are challenges queued
# by real requests (deliver). Nothing is lost; nothing is sent twice but,
# after the kill, the one mail in flight.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-fault.sh"
. "$TESTS_DIR/lib-smtp.sh"

plan 14
export DSRMAIL_NOW=2026-11-02T10:00:00Z
setup_register "[policy]
sender_rate = 1000/day
$(smtp_config)"
q() { sqlite3 -cmd ".timeout 5000" "$DB" "$1"; }
# requests TAG N: N access requests from a customer: N challenges queued
requests() {
	local i
	for i in $(seq 1 "$2"); do
		printf 'From: Matti <matti@example.org>\nSubject: Tietopyyntö\nMessage-ID: <%s-%s@example.org>\n\nHaluan tarkastaa tietoni.\n' \
		    "$1" "$i" | dsrmail deliver >/dev/null || bail "deliver failed"
	done
}
# arrivals TAG: per queued challenge of TAG's requests, how many times its
# Message-ID reached the sink ("1 1 1": once each)
arrivals() {
	local id
	for id in $(q "SELECT o.message_id FROM dsr_outbox o JOIN dsr_requests r ON r.id = o.request
	    JOIN dsr_messages m ON m.id = r.message WHERE m.message_id LIKE '$1-%' ORDER BY o.id"); do
		grep -l "^Message-I[dD]: <$id>" "$SINK"/*.eml 2>/dev/null | wc -l
	done | tr '\n' ' '
}
# tally TAG N NAME: figures from the sink: each mail once, none lost
tally() {
	local a=$(arrivals "$1") once=0 lost=0 twice=0 n
	for n in $a; do
		case $n in 0) lost=$((lost + 1)) ;; 1) once=$((once + 1)) ;; *) twice=$((twice + 1)) ;; esac
	done
	local reqs=$(q "SELECT count(*) FROM dsr_requests r JOIN dsr_messages m ON m.id = r.message WHERE m.message_id LIKE '$1-%'")
	figures "$3" "$2" "$reqs" "$lost" "$((reqs - $2))" "$twice"
}
later() { DSRMAIL_NOW=2026-11-02T11:00:00Z "$@"; }
ones() { printf '1 %.0s' $(seq 1 "$1"); }

# --- the server hangs up in the middle of DATA (mails 3 and 7) -----------------
requests drop 10
smtp_start --drop-mid-data 3,7
run send
diag "send: exit $rc: $out $err"
is "$(grep -c '^dropped data' "$SINK/faults")" 2 "the sink hung up in the middle of two mails' data"
is "$(q "SELECT count(*) FROM dsr_outbox WHERE state = 'queued' AND attempts = 1")" 2 \
    "those two stay queued for a retry, one attempt counted"
later run send
is "$rc:$(q "SELECT count(*) FROM dsr_outbox WHERE state != 'sent'")" "0:0" "the retry sends them: all sent"
is "$(arrivals drop)" "$(ones 10)" "each of the 10 arrived exactly once"
tally drop 10 "SMTP server hangs up mid-DATA (2 of 10 mails)"

# --- 421 and the connection closed (mails 12 and 15) ---------------------------
requests four 8
smtp_stop
smtp_start --answer-421 2,5
run send
diag "send: exit $rc: $out $err"
is "$(grep -c '^421' "$SINK/faults")" 2 "the sink answered 421 twice and hung up"
like "$(q "SELECT group_concat(DISTINCT last_error) FROM dsr_outbox WHERE state = 'queued'")" \
    '^421 4\.3\.2 shutting down' "the deferred mails keep the server's 421"
DSRMAIL_NOW=2026-11-02T12:00:00Z run send
is "$rc:$(q "SELECT count(*) FROM dsr_outbox WHERE state != 'sent'")" "0:0" "the retry sends them: all sent"
is "$(arrivals four)" "$(ones 8)" "each of the 8 arrived exactly once"
tally four 8 "SMTP server answers 421 and closes (2 of 8 mails)"

# --- kill -9 of send between the server's 250 and the commit -------------------
# The kill comes right after the 250 of the 4th mail is written: dsrmail
# has the 250 (or is reading it) but may not have recorded it yet.
rounds=$([ "$FAULT_FULL" = 1 ] && echo 5 || echo 2)
killed=0 twice_total=0 lost_total=0 others_twice=0
for round in $(seq 1 "$rounds"); do
	requests "kill$round" 6
	smtp_stop
	rm -f "$SINK/faults"
	smtp_start --kill-after-250 4 --kill-pid-file "$T/send.pid"
	"$DSRMAIL_BIN" send >/dev/null 2>"$T/kill.err" & pid=$!
	echo "$pid" >"$T/send.pid"
	{ wait "$pid"; } 2>/dev/null
	[ $? = 137 ] && killed=$((killed + 1))
	smtp_stop
	smtp_start
	DSRMAIL_NOW=2026-11-02T13:00:00Z "$DSRMAIL_BIN" send >/dev/null 2>&1
	a=($(arrivals "kill$round"))
	diag "round $round: arrivals per mail: ${a[*]}"
	for i in "${!a[@]}"; do
		case ${a[$i]} in
		0) lost_total=$((lost_total + 1)) ;;
		1) ;;
		*) if [ "$i" = 3 ]; then twice_total=$((twice_total + 1)); else others_twice=$((others_twice + 1)); fi ;;
		esac
	done
done
is "$killed" "$rounds" "send was killed -9 after the server's 250 in each of $rounds rounds"
is "$lost_total" 0 "no mail lost"
is "$others_twice" 0 "no mail but the one in flight was sent twice"
diag "the mail in flight was sent twice in $twice_total of $rounds rounds"
is "$(q "SELECT count(*) FROM dsr_outbox WHERE state != 'sent'")" 0 "every mail is recorded sent"
is "$(q "SELECT count(*) FROM dsr_outbox WHERE state = 'sent' AND length(raw) > 0")" 0 \
    "and keeps no bytes (the sent mails' bodies are gone)"
is "$(q 'PRAGMA integrity_check')" ok "the database is intact"
figures "kill -9 of send after the server's 250 ($rounds rounds, 6 mails each)" \
    "$((rounds * 6))" "$((rounds * 6))" "$lost_total" 0 "$twice_total"

done_testing
