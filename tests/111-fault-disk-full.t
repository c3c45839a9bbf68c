#!/bin/bash
# The disk fills up under the database: a small tmpfs holds it, topped up
# with a filler file until only a few mails' room is left (mounting needs
# root, as `make check` runs in CI; elsewhere the test is skipped). deliver: a mail that does
# not fit exits 75 with nothing of it stored, the MTA keeps it and its
# retry, with room again, stores it once. poll: the mails that do not fit
# stay in INBOX, the next poll stores them once. Nothing half-written.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-fault.sh"
. "$TESTS_DIR/lib-dovecot.sh"

plan 16
FULL=$T/full
mkdir -p "$FULL"
mount -t tmpfs -o size=16m,mode=0755 tmpfs "$FULL" 2>/dev/null ||
	skip_all "cannot mount a tmpfs here (needs root)"
at_exit "umount -l '$FULL'"
DB=$FULL/dsrmail.db
dovecot_start
write_config "[policy]
sender_rate = 1000/day
$(imap_config)"
sed -i "s|^path = dsrmail.db\$|path = $DB|" "$CONF"
dsrmail init >/dev/null && sqlite3 "$DB" <"$TESTS_DIR/fixtures/register.sql" ||
	bail "setting up the database on $FULL failed"
q() { sqlite3 -cmd ".timeout 5000" "$DB" "$1"; }

# big_mail TAG N: a request mail of about 24 kB, Message-ID <TAG-N@example.org>
big_mail() {
	printf 'From: Matti <matti@example.org>\r\nTo: tietosuoja@hrmentor.fi\r\n'
	printf 'Subject: Tietopyyntö %s\r\nMessage-ID: <%s-%s@example.org>\r\n\r\n' "$2" "$1" "$2"
	printf 'Haluan tarkastaa tietoni.\r\n\r\n'
	local j pad=$(printf '%040d' "$2")
	for j in $(seq 1 400); do printf 'liite %04d: %s\r\n' "$j" "$pad"; done
}
# fill ROOM: leave about ROOM kB free on $FULL (tmpfs)
fill() {
	rm -f "$FULL/filler"
	local avail=$(df --output=avail -k "$FULL" | tail -n 1)
	fallocate -l "$(( (avail - $1) * 1024 ))" "$FULL/filler"
}
stored_of() { q "SELECT count(*) FROM dsr_messages WHERE message_id LIKE '$1-%'"; }

# --- deliver ------------------------------------------------------------------
N=20
fill ${DELIVER_ROOM:-400}
pending=() half=0 whole=1
for i in $(seq 1 $N); do
	big_mail d "$i" >"$T/d-$i.eml"
	"$DSRMAIL_BIN" deliver <"$T/d-$i.eml" >/dev/null 2>"$T/err"
	rc=$?
	got=$(q "SELECT count(*) FROM dsr_messages WHERE message_id = 'd-$i@example.org'")
	case "$rc:$got" in
	0:1) ;;
	75:0) pending+=("$i"); last_err=$(cat "$T/err") ;;
	*) half=$((half + 1)); diag "mail $i: exit $rc, $got stored: $(cat "$T/err")" ;;
	esac
done
diag "deliver: ${#pending[@]} of $N mails did not fit"
is "$half" 0 "on a full disk each deliver stored the whole mail (0) or nothing (75)"
ok "the disk did fill: some mails were refused with 75 (${#pending[@]}), some stored" \
    test "${#pending[@]}" -gt 0 -a "${#pending[@]}" -lt $N
like "${last_err:-}" 'database or disk is full.*try again' "saying the disk is full and to try again"
is "$(q 'PRAGMA integrity_check')" ok "the database is intact on the full disk"
rm -f "$FULL/filler"
retry_failed=0
for i in "${pending[@]}"; do
	"$DSRMAIL_BIN" deliver <"$T/d-$i.eml" >/dev/null 2>"$T/err" ||
	    { retry_failed=$((retry_failed + 1)); diag "retry of $i: $(cat "$T/err")"; }
done
is "$retry_failed" 0 "with room again, the MTA's retries are all stored"
stored=$(q "SELECT count(DISTINCT message_id) FROM dsr_messages WHERE message_id LIKE 'd-%'")
rows=$(stored_of d)
requests=$(q "SELECT count(*) FROM dsr_requests r JOIN dsr_messages m ON m.id = r.message WHERE m.message_id LIKE 'd-%'")
is "$stored:$rows:$requests" "$N:$N:$N" "all $N mails stored once, one request each"
is "$(q "SELECT sum(length(raw)) FROM dsr_messages WHERE message_id LIKE 'd-%'")" \
    "$(cat "$T"/d-*.eml | wc -c)" "every stored mail is whole, byte for byte"
figures "disk full during deliver (tmpfs)" "$N" "$requests" "$((N - stored))" \
    "$((rows - stored + requests - N))"

# --- poll ---------------------------------------------------------------------
M=60
mkdir -p "$T/p"
for i in $(seq 1 $M); do big_mail p "$i" >"$T/p/p-$i.eml"; done
imap_tool append INBOX "$T"/p/p-*.eml >/dev/null || bail "appending to INBOX failed"
# The disk fills while poll runs: once its first mails are committed, the
# filler takes all the room left (each stored mail made a little slower,
# so the poll is still going then).
dsrmail_slow_intake 600
stored_some() { [ "$(stored_of p)" -gt 0 ]; }
"$DSRMAIL_BIN" poll --once >/dev/null 2>"$T/poll.err" & pid=$!
wait_until 30 stored_some
fill 0
wait "$pid"
rc=$?
first=$(stored_of p)
diag "poll on the full disk: exit $rc, $first of $M stored"
is "$rc" 75 "poll on a full disk exits 75"
ok "the disk filled during the poll: some stored ($first), not all" test "$first" -gt 0 -a "$first" -lt $M
is "$(imap_tool count INBOX):$(imap_tool count Processed)" "$((M - first)):$first" \
    "only the stored mails were moved; the others stay in INBOX"
is "$(q 'PRAGMA integrity_check')" ok "the database is intact"
rm -f "$FULL/filler"
run poll --once
is "$rc" 0 "with room again, the next poll succeeds"
stored=$(q "SELECT count(DISTINCT message_id) FROM dsr_messages WHERE message_id LIKE 'p-%'")
rows=$(stored_of p)
requests=$(q "SELECT count(*) FROM dsr_requests r JOIN dsr_messages m ON m.id = r.message WHERE m.message_id LIKE 'p-%'")
is "$stored:$rows:$requests" "$M:$M:$M" "all $M mails stored once, one request each"
is "$(imap_tool count INBOX):$(imap_tool count Processed)" "0:$M" "all moved to Processed"
is "$(imap_tool message-ids Processed | sort -u | wc -l)" "$M" "each mail once in Processed"
ok "nothing but the database and its -wal and -shm is left on that disk" \
    test -z "$(ls -A "$FULL" | grep -vxE 'dsrmail\.db(-wal|-shm)?')"
figures "disk full during poll (tmpfs)" "$M" "$requests" "$((M - stored))" \
    "$((rows - stored + requests - M))"

done_testing
