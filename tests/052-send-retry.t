#!/usr/bin/env bash
# dsrmail send against a real SMTP server that is down, refuses for a while,
# or refuses for good: nothing is lost, nothing is sent twice, a permanent
# refusal is not retried and the admins are told.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
program=$(dirname "$DSRMAIL_BIN")/tests/reply-test
export DSRMAIL_NOW=2026-11-02T10:00:00Z

setup_register "$(smtp_config)"
sqlite3 "$DB" "INSERT INTO dsr_requests(id, year, number, kind, state,
	received_at, due_at, updated_at) VALUES ('DSR-2026-0042', 2026, 42,
	'access', 'received', '2026-11-02T09:00:00Z', '2026-12-02T09:00:00Z',
	'2026-11-02T09:00:00Z')"
queue() { "$program" queue --request DSR-2026-0042 "$@" >/dev/null ||
	{ echo "Bail out! reply-test queue failed"; exit 1; }; }
state_of() { sqlite3 "$DB" "SELECT group_concat(state || '/' || attempts, ' ')
	FROM (SELECT state, attempts FROM dsr_outbox WHERE template = '$1' ORDER BY id)"; }
# How many arrived mails carry each queued Message-ID: "1 1 1" = once each.
arrivals() { local id; for id in $(sqlite3 "$DB" "SELECT message_id FROM
	dsr_outbox WHERE template = '$1' ORDER BY id"); do
	grep -l "^Message-Id: <$id>" "$SINK"/*.eml 2>/dev/null | wc -l; done | tr '\n' ' '; }

plan 22

# 1. The server is down.
queue --only received
run send
is "$rc" 69 "server down: send exits 69 (EX_UNAVAILABLE)"
like "$err" "cannot be reached.*stay queued.*run dsrmail send again" "and says what to do"
is "$(state_of received)" "queued/0 queued/0 queued/0 queued/0" "all four mails kept, untouched"

# 2. It is back: each mail delivered once, and not again.
smtp_start
run send
is "$rc" 0 "server back: send succeeds"
is "$out" "sent 4 mails; nothing left to send" "four sent, in words"
is "$(arrivals received)" "1 1 1 1 " "each mail arrived exactly once"
run send
is "$(sink_count) $(state_of received)" "4 sent/1 sent/1 sent/1 sent/1" \
	"a second send sends nothing again"

# 3. 451, later 250: delivered once.
smtp_stop
smtp_start --fail-first 2
queue --only challenge --lang fi
queue --only challenge --lang en
run send
is "$out" "sent no mail, 2 delayed by the server (tried again later); 2 mails still waiting to be sent" \
	"451: both delayed, and it says they are tried again"
is "$(state_of challenge)" "queued/1 queued/1" "kept queued, one attempt each"
is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_outbox WHERE template = 'challenge'
	AND next_attempt_at = '2026-11-02T10:05:00Z' AND last_error LIKE '451 %'")" 2 \
	"retried after a 5-minute backoff, the server's answer kept"
run send
is "$out" "sent no mail; 2 mails still waiting to be sent" \
	"not due yet: nothing is tried"
DSRMAIL_NOW=2026-11-02T10:06:00Z run send
like "$out" "^sent 2 mails;" "after the backoff: both sent"
is "$(arrivals challenge)" "1 1 " "each delivered exactly once"
is "$(sqlite3 "$DB" "SELECT group_concat(type, ' ') FROM dsr_events
	WHERE outbox = (SELECT min(id) FROM dsr_outbox WHERE template = 'challenge')")" \
	"mail_queued mail_deferred mail_sent" "the events tell the story"

# 4. 550: failed at once, the admins told, not retried.
smtp_stop
smtp_start --refuse
queue --only rejected --lang fi
run send
is "$out" "sent no mail, 1 could not be delivered (the admins are told); 1 mail still waiting to be sent" \
	"550: failed, the admins told (their notice waits)"
is "$(state_of rejected)" "failed/1" "the refused mail is failed"
is "$(sqlite3 "$DB" "SELECT recipient || ' ' || state || ' ' || request FROM dsr_outbox
	WHERE template = 'bounce_notice'")" "paivi.savolainen@hrmentor.fi queued DSR-2026-0042" \
	"the notice is queued to the admin"
smtp_stop
smtp_start
before=$(sink_count)
DSRMAIL_NOW=2026-11-02T11:00:00Z run send
is "$(state_of rejected) $(state_of bounce_notice) $(( $(sink_count) - before ))" \
	"failed/1 sent/1 1" "next send: the notice goes, the refused mail is not retried"
last=$(ls "$SINK"/*.eml | tail -n 1)
notice=$(/usr/bin/python3 "$TESTS_DIR/check-mail.py" "$last")
like "$notice" "Auto-Submitted: auto-generated" "the notice is auto-generated"
like "$notice" "550 5.7.1 refused by the test sink" "and quotes the server's answer"
like "$notice" "$(sqlite3 "$DB" "SELECT message_id FROM dsr_outbox WHERE template = 'rejected'")" \
	"and names the refused mail's Message-ID"

# 5. Temporary failures stop after [smtp] retry_for (5d) from queueing.
queue --only extended --lang sv
DSRMAIL_NOW=2026-11-08T10:00:00Z run send
is "$(state_of extended) $(sqlite3 "$DB" "SELECT count(*) FROM dsr_outbox
	WHERE template = 'bounce_notice'")" "failed/1 2" \
	"a mail still queued after retry_for is failed and the admins told"
done_testing
