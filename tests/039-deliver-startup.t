#!/usr/bin/env bash
# What issue 16 changed in `deliver` and the outbox, kept honest: a mail of
# several megabytes is stored byte for byte (written in pieces); deliver
# loads a template only when its mail needs one, and a broken one still
# never loses the mail (stored, its reply left for sweep, which checks every
# template and refuses); the outbox is sent a page at a time, every mail of a queue longer than a
# page in one run over one connection.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-smtp.sh"
program=$(dirname "$DSRMAIL_BIN")/tests/reply-test
[ -x "$program" ] || { echo "Bail out! no $program: run make test-programs"; exit 1; }
plan 12

smtp_start
setup_register "$(smtp_config)"
count() { sqlite3 "$DB" "$1"; }
# mail FROM MESSAGE-ID: a short request mail
mail() {
	printf 'From: %s\nTo: tietosuoja@hrmentor.fi\nSubject: tietopyyntö\nMessage-ID: <%s>\nDate: Thu, 26 Nov 2026 10:00:00 +0200\n\nHei, haluan nähdä tietoni.\n' "$1" "$2"
}

# --- a large mail, stored in pieces ------------------------------------------
/usr/bin/python3 "$TESTS_DIR/bench/bigmail.py" 3000000 "$T/big.eml" big-deliver@generated.example
run deliver <"$T/big.eml"
is "$rc" 0 "deliver takes a 3 MB mail"
count "SELECT writefile('$T/stored.eml', raw) FROM dsr_messages
    WHERE message_id = 'big-deliver@generated.example'" >/dev/null
ok "and stores it byte for byte" cmp "$T/stored.eml" "$T/big.eml"
is "$(count "PRAGMA integrity_check")" ok "the database is intact"

# --- templates loaded when needed, still checked -----------------------------
cp -R "$TOP/templates" "$T/templates"
printf 'Subject: Ei tietoja\n\nHei {{no_such_field}},\n' >"$T/templates/fi/no_data.txt"
sed -i "s|^templates = .*|templates = $T/templates|" "$CONF"
mail unknown@example.org lazy-1@example.org >"$T/lazy.eml"
run deliver <"$T/lazy.eml"
is "$rc" 0 "a mail whose reply template is broken is still stored (exit 0)"
like "$err" 'no_data\.txt.*no_such_field' "and deliver names the template and the field"
is "$(count "SELECT r.state FROM dsr_requests r JOIN dsr_messages m ON m.id = r.message
    WHERE m.message_id = 'lazy-1@example.org'")" received \
    "its request waits, received, for the reply"
is "$(count "SELECT count(*) FROM dsr_outbox o JOIN dsr_requests r ON r.id = o.request
    JOIN dsr_messages m ON m.id = r.message WHERE m.message_id = 'lazy-1@example.org'")" 0 \
    "and nothing was queued for it"
run sweep
is "$rc" 78 "sweep, which loads every template, refuses to start (exit 78)"
like "$err" 'no_data\.txt.*no_such_field' "naming the same template"
sed -i "s|^templates = .*|templates = $TOP/templates|" "$CONF"

# --- the outbox, a page at a time ---------------------------------------------
export DSRMAIL_NOW=2026-11-02T10:00:00Z
count "DELETE FROM dsr_outbox"
count "INSERT INTO dsr_requests(id, year, number, kind, state, received_at, due_at,
    updated_at) VALUES ('DSR-2026-0900', 2026, 900, 'access', 'received',
    '2026-11-02T09:00:00Z', '2026-12-02T09:00:00Z', '2026-11-02T09:00:00Z')"
"$program" queue --request DSR-2026-0900 --only received --lang fi --count 250 >/dev/null
is "$(count "SELECT count(*) FROM dsr_outbox WHERE state = 'queued'")" 250 "250 mails queued"
run send
is "$rc:$(sink_count)" "0:250" "one send delivers all 250 (more than a page of 100)"
is "$(cat "$SINK/connections")" 1 "over one connection"

done_testing
