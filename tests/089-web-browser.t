#!/usr/bin/env bash
# dsrmail web in a real browser: Debian's Chromium, headless, driven by
# chromium-driver and python3-selenium (tests/web-browser.py), JavaScript
# off. The admin signs in with the link from the SMTP sink, opens the
# queue, approves one request and rejects another with a reason; then the
# database rows, the events' actor and the mails the two people received
# are checked. Screenshots of the queue and a request page (laptop and
# phone) are saved in the test's directory and copied to build/screenshots/.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
. "$TESTS_DIR/lib-lifecycle.sh"
. "$TESTS_DIR/lib-web.sh"
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] &&
	/usr/bin/python3 -c 'import selenium' 2>/dev/null ||
	skip_all "chromium, chromium-driver and python3-selenium are not installed (make deps)"
export DSRMAIL_NOW=2026-03-02T08:00:00Z
write_config "$(smtp_config)
$(web_config)"
smtp_start
register_reset
plan 21
JORO=joro.astrom@example.fi MATTI=matti@example.org
REASON="Puhelinnumero on jo oikein rekisterissä."

printf 'Hei,\n\npoistakaa tietoni rekisteristänne.\n\nJörö\n' | mail_write erase "$JORO" "Poistakaa tietoni"
printf 'Hello,\n\nmy phone number has changed.\n\nPhone: +358 40 999 8888\n\nMatti\n' |
	mail_write correct "Matti Meikäläinen <$MATTI>" "New phone number"
deliver erase; ERASE=$out
deliver correct; CORRECT=$out
sent
reply_with erase-ok "$JORO" "$ERASE" "$(mail_token "$JORO" challenge)"
reply_with correct-ok "$MATTI" "$CORRECT" "$(mail_token "$MATTI" challenge)"
sent
is "$(state "$ERASE") $(state "$CORRECT")" "awaiting_approval awaiting_approval" "two requests wait for an admin"
web_start
SHOTS=$T/screenshots
mkdir -p "$SHOTS"
/usr/bin/python3 "$TESTS_DIR/web-browser.py" "$WEB_URL" "$SINK" "$ADMIN" "$ERASE" \
	"$CORRECT" "$REASON" "$SHOTS" >"$T/browser.out" 2>"$T/browser.err"
rc=$?
while IFS= read -r line; do
	case $line in
	"ok "*) _result 0 "browser: ${line#ok }" ;;
	"not ok "*) _result 1 "browser: ${line#not ok }"
		diag "browser: ${line#not ok }" ;;   # shown by a quiet prove too
	esac
done <"$T/browser.out"
is "$rc" 0 "the browser run ended well"
[ "$rc" = 0 ] || diag "$(tail -n 20 "$T/browser.err")"
sent
is "$(sqlite3 -separator ' ' "$DB" "SELECT id, state, decided_by, coalesce(decision_reason, '-')
	FROM dsr_requests ORDER BY id")" "$ERASE done $ADMIN -
$CORRECT rejected $ADMIN $REASON" "the erasure done and the correction rejected, both decided by the signed-in admin, with the reason"
is "$(sqlite3 -separator ' ' "$DB" "SELECT coalesce(request, '-'), type, actor FROM dsr_events
	WHERE type IN ('approved', 'rejected', 'signed_in', 'signed_out') ORDER BY id")" "- signed_in $ADMIN
$ERASE approved $ADMIN
$CORRECT rejected $ADMIN
- signed_out $ADMIN" "the events name the admin: signed in, approved, rejected, signed out"
is "$(sqlite3 -separator '|' "$DB" "SELECT coalesce(phone, 'NULL'), restricted FROM customers WHERE id = 2;
	SELECT phone FROM customers WHERE id = 4")" "NULL|1
040 000 0000" "Jörö's phone erased (what must stay restricted); Matti's phone unchanged"
is "$(grep -E "^($JORO|$MATTI) " "$T/arrived" | tail -n 2)" "$JORO erasure_partial-fi
$MATTI rejected-en" "Jörö got the erasure reply, Matti the rejection"
like "$(mail_body "$MATTI" rejected)" "$REASON" "the rejection tells Matti the admin's reason"
ok "audit verify: the chain is intact" dsrmail audit verify
shots=0
for name in queue-laptop queue-phone request-laptop request-phone; do
	[ "$(head -c 8 "$SHOTS/$name.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
		shots=$((shots + 1))
done
is "$shots" 4 "screenshots of the queue and a request page, laptop and phone, are PNG files"
mkdir -p "$TOP/build/screenshots" && cp "$SHOTS"/*.png "$TOP/build/screenshots/" 2>/dev/null
done_testing
