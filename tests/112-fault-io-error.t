#!/bin/bash
# An I/O error on the database: every write to it (and its -wal) fails
# with EIO from the first call on, then from the 2nd, 3rd, ... 17th, then
# from the 33rd, 65th ... (FAULT_FULL=1: every call) (tests/fault/fail-write.c), until a deliver passes with no fault left to
# hit; then the same for fsync. Each deliver exits 75 with nothing stored,
# or 0 with the whole mail stored, never half; the MTA's retry (the same
# mail again, without the fault) stores it once. 0 lost, 0 duplicated.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-fault.sh"

plan 9
setup_register "[policy]
sender_rate = 1000/day"
q() { sqlite3 -cmd ".timeout 5000" "$DB" "$1"; }
mail() {
	printf 'From: Matti Meikäläinen <matti@example.org>\nTo: tietosuoja@hrmentor.fi\n'
	printf 'Subject: Tietopyyntö %s\nMessage-ID: <io-%s@example.org>\n' "$1" "$1"
	printf 'Date: Mon, 3 Mar 2025 09:00:00 +0200\n\nHaluan tarkastaa tietoni.\n'
}

n=0 half=0 hit_runs=0 retried=0 retry_failed=0 silent=0
for ops in write sync; do
	k=0
	while :; do
		n=$((n + 1))
		mail "$n" >"$T/m"
		before=$(faults)
		fail_writes FAULT_PATH="$DB" FAULT_AFTER=$k FAULT_OPS=$ops -- \
		    "$DSRMAIL_BIN" deliver <"$T/m" >/dev/null 2>"$T/err"
		rc=$?
		hit=$(( $(faults) - before ))
		stored=$(q "SELECT count(*) FROM dsr_messages WHERE message_id = 'io-$n@example.org'")
		case "$rc:$stored" in
		0:1 | 75:0) ;;
		*) half=$((half + 1)); diag "$ops after $k calls: exit $rc, $stored stored: $(cat "$T/err")" ;;
		esac
		if [ "$rc" = 75 ]; then
			hit_runs=$((hit_runs + 1))
			grep -q 'disk I/O error.*try again' "$T/err" || silent=$((silent + 1))
			# The MTA tries again later, when the disk works.
			retried=$((retried + 1))
			"$DSRMAIL_BIN" deliver <"$T/m" >/dev/null 2>"$T/err" ||
			    { retry_failed=$((retry_failed + 1)); diag "retry: $(cat "$T/err")"; }
		fi
		[ "$hit" = 0 ] && break     # no write left to fail: every point tried
		k=$(( FAULT_FULL == 1 || k < 16 ? k + 1 : k * 2 ))
	done
	diag "$ops: faults injected from call 0 to $k"
done

is "$half" 0 "every deliver under EIO stored the whole mail (exit 0) or nothing (exit 75)"
ok "the fault hit: $hit_runs delivers exited 75" test "$hit_runs" -ge 5
is "$silent" 0 "each said the disk failed and to try again"
is "$retry_failed" 0 "the MTA's retry of each of the $retried stored it"
stored=$(q "SELECT count(DISTINCT message_id) FROM dsr_messages WHERE message_id LIKE 'io-%'")
rows=$(q "SELECT count(*) FROM dsr_messages WHERE message_id LIKE 'io-%'")
requests=$(q "SELECT count(*) FROM dsr_requests r JOIN dsr_messages m ON m.id = r.message WHERE m.message_id LIKE 'io-%'")
is "$stored:$rows" "$n:$n" "all $n mails stored, each once"
is "$requests" "$n" "one request per mail"
is "$(q "SELECT count(*) FROM dsr_outbox WHERE template = 'challenge'")" "$n" \
    "one challenge queued per request, none twice"
is "$(q 'PRAGMA integrity_check')" ok "the database is intact"
ok "the event log's hash chain verifies" dsrmail audit verify
figures "I/O error (EIO) on the database during deliver ($hit_runs failed writes)" \
    "$n" "$requests" "$((n - stored))" "$((rows - stored + requests - n))"

done_testing
