#!/usr/bin/env bash
# dsrmail serve, the resident service deliver hands its mail to (issue 16):
# the same mails through the service and in process leave the same rows,
# reply mails, stdout, stderr and exit codes; a service that is down or
# refuses (another config, another user) means deliver in process; a
# service killed or stopped mid-mail means exit 75 and, tried again,
# exactly one request; edited config and templates are used from the next
# mail on; bad framing stores nothing; systemd's socket activation; the
# service's memory stays flat.
. "$(dirname "$0")/lib.sh"
plan 49

export DSRMAIL_NOW=2026-11-26T10:00:00Z   # the same ids and times both ways
mkdir -m 700 "$T/run"
SOCK=$T/run/deliver.sock
cp -R "$TOP/templates" "$T/templates"
setup_register "[policy]
sender_rate = 1000/day"
sed -i "s|^templates = .*|templates = $T/templates|" "$CONF"
# The twin for in process: the same config and register, a database of its
# own, no socket.
mkdir "$T/twin"
sed "s|^path = dsrmail.db|path = $T/twin/dsrmail.db|" "$CONF" >"$T/twin/dsrmail.conf"
cp "$DB" "$T/twin/dsrmail.db"
printf '[deliver]\nsocket = %s\ntimeout = 3s\n' "$SOCK" >>"$CONF"
count() { sqlite3 "$DB" "$1"; }

SERVE_PID=
serve_start() {
	"$DSRMAIL_BIN" -v serve 2>>"$T/serve.err" & SERVE_PID=$!
	for _ in $(seq 100); do [ -S "$SOCK" ] && return 0; sleep 0.05; done
	echo "Bail out! dsrmail serve did not start: $(cat "$T/serve.err")"; exit 1
}
serve_kill() { kill "-${1:-TERM}" "$SERVE_PID" 2>/dev/null; wait "$SERVE_PID" 2>/dev/null; }
at_exit 'kill -CONT $SERVE_PID 2>/dev/null; kill $SERVE_PID 2>/dev/null'
# mail MESSAGE-ID: a short access request from a register customer
mail() {
	printf 'From: Matti Meikäläinen <matti.meikalainen@example.fi>\nTo: tietosuoja@hrmentor.fi\nSubject: tietopyyntö\nMessage-ID: <%s>\nDate: Thu, 26 Nov 2026 10:00:00 +0200\n\nHei, haluan nähdä mitä tietoja minusta on.\n' "$1"
}
# served: how many mails the service answered
served() { grep -c 'serve: mail [0-9]*: exit' "$T/serve.err"; }

serve_start
like "$(cat "$T/serve.err")" "serve: listening on $SOCK" "serve listens on [deliver] socket"
is "$(stat -c %a "$SOCK")" 600 "its socket is mode 0600"
run serve
is "$rc" 69 "a second serve on the same socket refuses to start (exit 69)"
like "$err" "another dsrmail serve already listens on $SOCK" "saying why"
mkdir -m 777 "$T/open"
sed "s|^socket = .*|socket = $T/open/deliver.sock|" "$CONF" >"$T/open.conf"
run -c "$T/open.conf" serve
is "$rc" 78 "serve refuses a socket in a directory others may write to (exit 78)"
like "$err" "must exist, belong to the user serve runs as \\(uid 0\\) and be writable by no one else" \
    "saying what the directory must be"

# --- the same mails both ways -------------------------------------------------
: >"$T/service.txt"; : >"$T/twin.txt"
for m in fi-access-thunderbird en-erasure-outlook fi-rectification-address \
    en-multi-three sv-access ignored-ooo-rfc3834 fi-truncated-mime \
    en-unknown-question fi-access-thunderbird; do
	run deliver <"$TESTS_DIR/mail/$m.eml"
	printf '%s: %s [%s] %s\n' "$m" "$rc" "$out" "$err" >>"$T/service.txt"
	run -c "$T/twin/dsrmail.conf" deliver <"$TESTS_DIR/mail/$m.eml"
	printf '%s: %s [%s] %s\n' "$m" "$rc" "$out" "$err" >>"$T/twin.txt"
done
for way in service twin; do
	run $([ $way = twin ] && echo "-c $T/twin/dsrmail.conf") deliver </dev/null
	printf 'empty: %s [%s] %s\n' "$rc" "$out" "$err" >>"$T/$way.txt"
done
is "$(served)" 10 "the service took all ten mails (an empty one too)"
is "$(cat "$T/service.txt")" "$(cat "$T/twin.txt")" \
    "each mail ends the same way through the service and in process (exit, request ids, messages)"
like "$(cat "$T/service.txt")" "fi-access-thunderbird: 0 \\[DSR-2026-0001\\]" "a request's id on stdout, exit 0"
like "$(tail -1 "$T/service.txt")" "empty: 65 \\[\\] dsrmail: deliver: standard input is empty" \
    "an empty mail: exit 65 and deliver's message, through the service too"
# dump DB: the rows deliver writes, with what is random (tokens, hashes,
# reply Message-IDs and MIME boundaries) left out
dump() {
	sqlite3 "$1" "SELECT id, message_id, sha256, source, received_at, size, from_address,
	    subject, language, written_language, hints, screened, length(raw), oversized
	    FROM dsr_messages ORDER BY id;
	  SELECT * FROM dsr_requests ORDER BY id;
	  SELECT * FROM dsr_request_subjects ORDER BY 1, 2;
	  SELECT id, request, at, type, actor, detail, message, outbox FROM dsr_events ORDER BY id;
	  SELECT id, request, purpose, address, created_at, expires_at, used_at FROM dsr_tokens ORDER BY id;
	  SELECT id, request, template, language, recipient, state, created_at FROM dsr_outbox ORDER BY id"
}
dump "$DB" >"$T/service.rows"
dump "$T/twin/dsrmail.db" >"$T/twin.rows"
ok "the rows are the same ($(wc -l <"$T/service.rows") of them)" cmp "$T/service.rows" "$T/twin.rows"
ok "and there are requests and replies among them" test "$(count "SELECT count(*) FROM dsr_requests")" -ge 6 -a \
    "$(count "SELECT count(*) FROM dsr_outbox")" -ge 6
# the reply mails, with the random parts masked: codes, boundaries, ids
mails() {
	sqlite3 "$1" "SELECT raw FROM dsr_outbox ORDER BY id" | tr -d '\r' | mask /dev/stdin | sed -E \
	    -e 's/[A-Z0-9]{4}-[A-Z0-9]{4}(-[A-Z0-9]{4})*/<CODE>/g' -e 's/^    [A-Z2-7]{26}$/    <CODE>/' \
	    -e 's/=_[^"]*/<BOUNDARY>/g' \
	    -e 's/boundary="[^"]*"/boundary=<B>/' -e '/^--/d' -e 's/^Date: .*/Date: <DATE>/'
}
mails "$DB" >"$T/service.mails"
mails "$T/twin/dsrmail.db" >"$T/twin.mails"
ok "the reply mails are the same ($(wc -l <"$T/service.mails") lines)" cmp "$T/service.mails" "$T/twin.mails"

# --- exit codes of the front ----------------------------------------------------
run deliver extra <"$TESTS_DIR/mail/sv-access.eml"
is "$rc" 64 "deliver with an argument: exit 64, as before"
run -v deliver <"$TESTS_DIR/mail/sv-access.eml"
like "$err" "deliver: handing the mail to dsrmail serve at $SOCK" "-v says the mail went to the service"
run --version
like "$out" "^dsrmail " "other commands run the whole program (--version)"

# --- a service that is down, or refuses -------------------------------------
serve_kill
mail down-1@example.fi >"$T/down.eml"
run -v deliver <"$T/down.eml"
is "$rc:$(count "SELECT count(*) FROM dsr_messages WHERE message_id = 'down-1@example.fi'")" "0:1" \
    "with the service down, deliver stores the mail in process"
like "$err" "no dsrmail serve at $SOCK .*delivering in process" "and -v says why"
serve_start
mkdir "$T/stranger"
sed "s|^path = dsrmail.db|path = $T/stranger/dsrmail.db|" "$CONF" >"$T/stranger/dsrmail.conf"
DSRMAIL_CONFIG=$T/stranger/dsrmail.conf "$DSRMAIL_BIN" init >/dev/null
mail stranger-1@example.fi >"$T/stranger.eml"
run -v -c "$T/stranger/dsrmail.conf" deliver <"$T/stranger.eml"
like "$err" "refused: the service serves $CONF, not that config; delivering in process" \
    "a deliver given another config is refused"
is "$rc:$(sqlite3 "$T/stranger/dsrmail.db" "SELECT count(*) FROM dsr_messages WHERE message_id = 'stranger-1@example.fi'"):$(count "SELECT count(*) FROM dsr_messages WHERE message_id = 'stranger-1@example.fi'")" \
    "0:1:0" "and its mail is stored in its own database, in process, not in the service's"
# another user: the socket opened to them, the peer check refuses
chmod 711 "$T/run"; chmod 666 "$SOCK"
mail nobody-1@example.fi >"$T/nobody.eml"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$DSRMAIL_BIN" -v deliver <"$T/nobody.eml" >/dev/null 2>"$T/nobody.err"
nobody_rc=$?
like "$(cat "$T/nobody.err")" "refused: uid [0-9]+ may not hand mail to the service of uid 0" \
    "a deliver run by another user is refused (SO_PEERCRED)"
is "$nobody_rc:$(count "SELECT count(*) FROM dsr_messages WHERE message_id = 'nobody-1@example.fi'")" "75:0" \
    "and in process it cannot open the database either (exit 75, nothing stored)"
chmod 700 "$T/run"; chmod 600 "$SOCK"

# --- the service dies or hangs mid-mail ------------------------------------------
# The front has the service's OK and waits for its standard input (a fifo).
mkfifo "$T/fifo"
mail killed-1@example.fi >"$T/killed.eml"
"$DSRMAIL_BIN" deliver <"$T/fifo" >"$T/killed.out" 2>"$T/killed.err" & front=$!
exec 7>"$T/fifo"
head -c 100 "$T/killed.eml" >&7
sleep 0.3   # the service's OK came (it takes well under a millisecond)
serve_kill KILL
tail -c +101 "$T/killed.eml" >&7
exec 7>&-
wait $front
is "$?" 75 "the service killed -9 mid-mail: deliver exits 75"
like "$(cat "$T/killed.err")" "dsrmail serve at $SOCK.*the mail stays with the mail system, which will try again \\(exit 75" \
    "saying the mail stays with the mail system"
is "$(count "SELECT count(*) FROM dsr_messages WHERE message_id = 'killed-1@example.fi'")" 0 \
    "nothing of it was stored"
serve_start
run deliver <"$T/killed.eml"
is "$rc:$(count "SELECT count(*) FROM dsr_requests r JOIN dsr_messages m ON m.id = r.message
    WHERE m.message_id = 'killed-1@example.fi'")" "0:1" "tried again, it is stored: one request"
# Stopped (SIGSTOP) once the mail is sent: deliver gives up after [deliver]
# timeout (3s); the service, let go on, stores it; the retry finds it.
mail stopped-1@example.fi >"$T/stopped.eml"
"$DSRMAIL_BIN" deliver <"$T/fifo" >"$T/stopped.out" 2>"$T/stopped.err" & front=$!
exec 7>"$T/fifo"
sleep 0.3
kill -STOP "$SERVE_PID"
cat "$T/stopped.eml" >&7
exec 7>&-
wait $front
is "$?" 75 "the service stopped mid-mail: deliver exits 75 after [deliver] timeout"
like "$(cat "$T/stopped.err")" "no answer within \\[deliver\\] timeout" "saying it timed out"
kill -CONT "$SERVE_PID"
run deliver <"$T/stopped.eml"
is "$rc:$(count "SELECT count(*) FROM dsr_messages WHERE message_id = 'stopped-1@example.fi'"):$(count "SELECT count(*) FROM dsr_requests r JOIN dsr_messages m ON m.id = r.message
    WHERE m.message_id = 'stopped-1@example.fi'")" "0:1:1" \
    "tried again: exit 0, the mail stored once, one request"
is "$out" "$(count "SELECT r.id FROM dsr_requests r JOIN dsr_messages m ON m.id = r.message
    WHERE m.message_id = 'stopped-1@example.fi'")" "and the retry prints that request's id"

# --- edits are used from the next mail on ----------------------------------------
sed -i 's/^sender_rate = 1000\/day$/sender_rate = 1000\/day\nmax_message_size = 1K/' "$CONF"
/usr/bin/python3 "$TESTS_DIR/bench/bigmail.py" 20000 "$T/big.eml" big-1@example.fi
run deliver <"$T/big.eml"
is "$rc:$(count "SELECT oversized FROM dsr_messages WHERE message_id = 'big-1@example.fi'")" "0:1" \
    "an edited config ([policy] max_message_size = 1K) is used from the next mail: the mail is oversized"
like "$(cat "$T/serve.err")" "a config, rules or template file changed; loading them again" \
    "the service says it loaded them again"
sed -i '/^max_message_size = 1K$/d' "$CONF"
printf 'Subject: Ei tietoja\n\nHei {{no_such_field}},\n' >"$T/templates/fi/no_data.txt"
mail unknown-1@example.fi | sed 's/^From: .*/From: someone@example.org/' >"$T/unknown.eml"
run deliver <"$T/unknown.eml"
is "$rc" 0 "an edited template: the mail is still stored (exit 0)"
like "$err" 'no_data\.txt.*no_such_field' "and deliver's stderr names the template the service found broken"
cp "$TOP/templates/fi/no_data.txt" "$T/templates/fi/no_data.txt"

# --- bad framing --------------------------------------------------------------------
# frame GREETING [REST]: send the greeting, print the answer, then send the
# rest and print what comes back
frame() {
	/usr/bin/python3 - "$SOCK" "$@" <<'PY'
import socket, sys
raw = lambda text: text.encode().decode("unicode_escape").encode("latin-1")
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(raw(sys.argv[2]))
answer = s.makefile("rb")
print(answer.readline().decode(errors="replace"), end="")
if len(sys.argv) > 3:
    s.sendall(raw(sys.argv[3]))
s.shutdown(socket.SHUT_WR)
print(answer.read().decode(errors="replace"), end="")
PY
}
before=$(count "SELECT count(*) FROM dsr_messages")
is "$(frame 'HELLO\n\n')" "" "a greeting that is not dsrmail's: the service closes without a word"
like "$(cat "$T/serve.err")" "malformed \\(it does not start with \"DSRMAIL-DELIVER 1\"" "and logs what was wrong"
hello="DSRMAIL-DELIVER 1\\nconfig $CONF\\n\\n"
is "$(frame "$hello" "5\\nFrom:")" "OK" "a mail cut short after the OK"
like "$(tail -3 "$T/serve.err")" "went away before the end of its mail; nothing of it was stored" "is not stored"
is "$(frame "$hello" "x\\nFrom: a\\n0\\n")" "OK" "a chunk length that is no number"
like "$(tail -3 "$T/serve.err")" "a chunk length is not a number" "is refused"
is "$(frame "${hello}5\\nFrom:")" "" "a mail sent before the service's OK"
like "$(tail -3 "$T/serve.err")" "the mail came before the service answered" "is refused"
is "$(count "SELECT count(*) FROM dsr_messages")" "$before" "none of them stored anything"

# --- memory over many mails -----------------------------------------------------
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$SERVE_PID/status"; }
# mails of 100 KB (an attachment): a mail's bytes kept by mistake would show
/usr/bin/python3 "$TESTS_DIR/bench/bigmail.py" 100000 "$T/many.eml" many-0@generated.example
many() { sed "s/many-0@/many-$1@/" "$T/many.eml" | "$DSRMAIL_BIN" deliver >/dev/null; }
for i in $(seq 1 20); do many "$i"; done
first=$(rss)
for i in $(seq 21 80); do many "$i"; done
last=$(rss)
is "$(count "SELECT count(*) FROM dsr_messages WHERE message_id LIKE 'many-%'")" 80 "80 mails of 100 KB stored"
if ldd "$(dirname "$DSRMAIL_BIN")/dsrmail-main" | grep -q libasan; then
	ok "# SKIP memory under ASan, which keeps freed memory a while (LSan checks serve's leaks)" true
else
	ok "the service's memory stays flat: ${first} KB after 20 mails, ${last} KB after 80" \
	    test "$last" -le $((first * 11 / 10))
fi
serve_kill
ok "serve removes its socket when it stops" test ! -e "$SOCK"

# --- socket activation ------------------------------------------------------------
if command -v systemd-socket-activate >/dev/null; then
	systemd-socket-activate -E DSRMAIL_CONFIG -E DSRMAIL_NOW -E DSRMAIL_LOG_COPY -l "$SOCK" \
	    "$DSRMAIL_BIN" -v serve 2>>"$T/serve.err" & SERVE_PID=$!
	for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
	mail activated-1@example.fi >"$T/activated.eml"
	run -v deliver <"$T/activated.eml"
	is "$rc" 0 "socket activation: deliver is stored"
	like "$err" "handing the mail to dsrmail serve" "by the service systemd-socket-activate started"
	like "$(cat "$T/serve.err")" "serve: listening on $SOCK \\(from systemd\\)" "which took the socket passed to it"
	serve_kill
else
	for _ in 1 2 3; do ok "# SKIP systemd-socket-activate is not installed" true; done
fi

done_testing
