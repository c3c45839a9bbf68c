#!/usr/bin/env bash
# One confirmation, limited reach (issue 19): the datarequests.org erasure
# letter (tests/corpus/tune/b-018.eml), confirmed by the person, erases only
# after an admin approves, and sends no export and sets no ban. And when a
# letter also mentions a copy and newsletters in passing, those are
# possible extras: the challenge says a person checks them, and the
# person's confirmation alone carries out neither.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
. "$TESTS_DIR/lib-lifecycle.sh"
export DSRMAIL_NOW=2026-03-02T08:00:00Z
write_config "$(smtp_config)"
smtp_start
register_reset
MATTI=matti@example.org
plan 17

# letter NAME [EXTRA]: the letter as MATTI (a customer) fills it in, EXTRA
# written in before its consent paragraph.
letter() {
	/usr/bin/python3 - "$TESTS_DIR/corpus/tune/b-018.eml" "${2:-}" <<'PY' |
import email, email.policy, sys
mail = email.message_from_bytes(open(sys.argv[1], 'rb').read(),
    policy=email.policy.default)
text = mail.get_body(('plain',)).get_content().replace(
    'laura.mitchell@example.com', 'matti@example.org').replace(
    'Laura Mitchell', 'Matti Meikäläinen')
if sys.argv[2]:
    text = text.replace('If I have given consent', sys.argv[2] +
        '\n\nIf I have given consent', 1)
sys.stdout.write(text)
PY
	mail_write "$1" "Matti Meikäläinen <$MATTI>" \
		"Request for erasure of personal data according to Art. 17 GDPR (My reference: 2025-D2WN9CE)"
}
# outbox TEMPLATE...: how many mails of these templates were ever queued
outbox() {
	local list
	list=$(printf "'%s'," "$@")
	sqlite3 "$DB" "SELECT count(*) FROM dsr_outbox WHERE template IN (${list%,})"
}
ban() { sqlite3 "$DB" "SELECT marketing_ban || publication_ban || disclosure_ban FROM customers WHERE id = 4"; }

# --- The letter as the site writes it: erasure alone.
letter plain
deliver plain
id=$out
is "$(sqlite3 "$DB" "SELECT group_concat(kind || ':' || coalesce(mark, '-'), ',')
	FROM dsr_requests WHERE message = (SELECT max(id) FROM dsr_messages)")" "erasure:-" \
	"read as one erasure request, nothing else"
sent
like "$(mail_body $MATTI challenge)" "erasure request \\($id\\): a person checks this one first" \
	"the challenge says a person checks the erasure"
reply_with plain-ok $MATTI "$id" "$(mail_token $MATTI challenge)"
sent
is "$(state "$id")" awaiting_approval "confirmed, the erasure waits for an admin"
is "$(outbox access portability bans_set erasure_done erasure_partial)" 0 \
	"the confirmation sent no export, set no ban, erased nothing"
is "$(ban)" 000 "no ban is set"
run queue approve "$id" --as paivi.savolainen@hrmentor.fi
is "$rc" 0 "an admin approves"
is "$(state "$id")" done "then the erasure is carried out"
is "$(sqlite3 "$DB" "SELECT count(*) FROM customers WHERE id = 4")" 0 "the customer is erased"
is "$(outbox access portability bans_set)" 0 "still no export and no ban"

# --- The letter with a copy and newsletters mentioned in passing.
register_reset
letter extra "A copy of the data concerning me would be welcome too. Your newsletters are not welcome either."
deliver extra
set -- $out
is "$(sqlite3 "$DB" "SELECT group_concat(kind || ':' || coalesce(mark, '-'), ',')
	FROM (SELECT * FROM dsr_requests WHERE message = (SELECT max(id) FROM dsr_messages)
	ORDER BY number)")" "access:possible_extra,objection:possible_extra,erasure:-" \
	"the copy and the newsletters are possible extras, the erasure the main request"
sent
body=$(mail_body $MATTI challenge)
is "$(printf '%s\n' "$body" | grep -c ': a person checks this one first$')" 3 \
	"the challenge marks all three as checked by a person"
like "$body" "a person at HR Mentor Oy checks the requests before anything is done" \
	"and says nothing runs at once"
reply_with extra-ok $MATTI "$1" "$(mail_token $MATTI challenge)"
sent
is "$(sqlite3 "$DB" "SELECT group_concat(state || ':' || hold_reasons, ' ') FROM
	(SELECT * FROM dsr_requests WHERE id IN ('$1', '$2', '$3') ORDER BY number)")" \
	"awaiting_approval:possible_extra awaiting_approval:possible_extra awaiting_approval:policy" \
	"after the confirmation all three wait: the extras as such, the erasure by policy"
is "$(outbox access portability bans_set)|$(ban)" "0|000" "no export was sent and no ban set"
is "$(grep -l "Odottaa, koska: not the mail's main request" "$T"/text/*.txt | wc -l)" 2 \
	"the admins are told why each extra waits"
like "$("$DSRMAIL_BIN" queue list)" "$2 objection awaiting_approval .* held: possible_extra \\(a possible extra, not the main request\\) \\(80% sure\\)" \
	"queue list shows the mark and how sure the classifier was"
run queue approve "$3" --as paivi.savolainen@hrmentor.fi
is "$(state "$3")|$(outbox access portability bans_set)|$(sqlite3 "$DB" "SELECT count(*) FROM customers WHERE id = 4")" \
	"done|0|0" "the approved erasure is carried out, still without an export or a ban"
done_testing
