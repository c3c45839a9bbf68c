#!/usr/bin/env bash
# dsrmail web at the HTTP level, with curl against the real server and a
# real SMTP sink: every decision made on the pages (extend, approve, reject,
# classify, lift) leaves the same rows, events and mails as the same
# decisions made with `dsrmail queue`; sign-in for an admin and for a
# stranger gives the same answer and mails only the admin; a used or
# expired link, no cookie, an idle session, a missing or wrong CSRF token
# are refused and change nothing; a GET changes nothing; a mail and a
# register full of <script> and "><img onerror=...> show as inert text; the
# security headers and cookie flags; a 10 MB body and garbage request lines
# are refused while the server goes on; rate limits per address and per
# client; the language by Accept-Language and the switch; a page text
# missing a language stops the server at start.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
. "$TESTS_DIR/lib-lifecycle.sh"
. "$TESTS_DIR/lib-web.sh"
command -v curl >/dev/null || skip_all "curl is not installed"
NOW=2026-03-02T08:00:00Z
export DSRMAIL_NOW=$NOW
ADMIN2=toinen.admin@hrmentor.fi
ADMIN3=kolmas.admin@hrmentor.fi
STRANGER=someone@elsewhere.example
JORO=joro.astrom@example.fi MATTI=matti@example.org
VILLE=ville.vaananen@example.com PAIVI=paivi.hakkinen@example.fi
# config [WEB-EXTRA]: the test's config, three admins, the web on $WEB_PORT
config() {
	write_config "$(smtp_config)
$(web_config)
client_rate = 12/hour
${1:-}"
	sed -i "s/^admins = .*/admins = $ADMIN, $ADMIN2, $ADMIN3/" "$CONF"
}
config
smtp_start
plan 89

# scenario: a fresh register and five requests: A erasure, B a correction
# full of markup, C unclear, D restriction, E erasure; each confirmed by
# its sender and held for an admin.
scenario() {
	register_reset
	printf 'Hei,\n\npoistakaa tietoni rekisteristänne.\n\nJörö\n' |
		mail_write a "$JORO" "Poistakaa tietoni"
	printf 'Hello,\n\n<script>alert(1)</script>\n"><img src=x onerror=alert(2)>\nPhone: +358 40 999 8888\n' |
		mail_write b "\"\\\"><img src=x onerror=alert(3)>\" <$MATTI>" \
		'Correct my phone <script>alert(4)</script>'
	printf 'Hi,\n\nwho is your data protection officer, and how can I reach them by phone?\n\nVille\n' |
		mail_write c "$VILLE" "A question"
	printf 'Dear HR Mentor,\n\nI dispute the accuracy of the order history you keep on me. Until this has\nbeen looked into, please restrict the processing of my personal data.\n' |
		mail_write d "$PAIVI" "Restrict processing"
	printf 'Hei,\n\npoistakaa kaikki tietoni.\n\nMatti\n' | mail_write e "$MATTI" "Poisto"
	deliver a; A=$out; deliver b; B=$out; deliver c; C=$out
	deliver d; D=$out; deliver e; E=$out
	sent
	# Matti's two codes: the first for B, the second for E.
	reply_with a-ok "$JORO" "$A" "$(mail_token "$JORO" challenge)"
	reply_with b-ok "$MATTI" "$B" "$(grep -h -oE '[A-Z2-7]{26}' $(grep -l "$B" "$T"/text/*.txt) | head -n 1)"
	reply_with c-ok "$VILLE" "$C" "$(mail_token "$VILLE" challenge)"
	reply_with d-ok "$PAIVI" "$D" "$(mail_token "$PAIVI" challenge)"
	reply_with e-ok "$MATTI" "$E" "$(mail_token "$MATTI" challenge)"
	sent
}

# dump FILE: what the decisions leave, times aside: the requests, their
# events (who did what), the mails, the register, the mails that arrived
dump() {
	sqlite3 "$DB" "SELECT id, kind, state, coalesce(decided_by, '-'),
		coalesce(decision_reason, '-'), coalesce(extension_reason, '-'), due_at,
		coalesce(hold_reasons, '-') FROM dsr_requests ORDER BY id;
		SELECT request, type, actor FROM dsr_events WHERE request IS NOT NULL
		ORDER BY request, id;
		SELECT request, template, recipient, state FROM dsr_outbox
		WHERE template != 'signin_link' ORDER BY request, id;
		SELECT * FROM customers; SELECT * FROM invoices;
		SELECT request, reason, requested_by, state FROM dsr_lifts;" >"$1"
	sink_read
	grep -v ' signin_link-' "$T/arrived" | sort >>"$1"
}

# drained: wait until the web's `dsrmail send` has sent what was queued
drained() {
	local i
	for i in $(seq 100); do
		# Nothing queued, and no lift waiting to be settled after its send.
		[ "$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM dsr_outbox WHERE state = 'queued')
			+ (SELECT count(*) FROM dsr_lifts WHERE state = 'pending')")" = 0 ] &&
			return 0
		sleep 0.1
	done
	return 1
}

# --- the decisions at the command line
scenario
is "$(sqlite3 "$DB" "SELECT group_concat(kind || ':' || state, ' ') FROM dsr_requests")" \
	"erasure:awaiting_approval rectification:awaiting_approval unknown:awaiting_approval restriction:awaiting_approval erasure:awaiting_approval" \
	"the scenario: five requests waiting for an admin"
# q ARGS...: a queue command as the admin, then the outbox sent
q() { dsrmail queue "$@" --as "$ADMIN" >"$T/q.out" 2>&1 || diag "queue $*: $(cat "$T/q.out")"; sent; }
q extend "$A" --reason "Selvitämme laskutuksen"
q approve "$A"
q reject "$B" --reason "Numero on jo oikein <b>"
q classify "$C" objection
q approve "$D"
q lift "$D" --reason "Asia on selvitetty"
dump "$T/cli.txt"

# --- the same decisions on the pages
scenario
web_start
ok "the admin signs in with the mailed link" web_signin "$ADMIN"
is "$(sqlite3 "$DB" "SELECT type, actor FROM dsr_events WHERE type = 'signed_in'")" \
	"signed_in|$ADMIN" "the sign-in is on the event log, as the admin"
# decide ID ACTION [FIELD=VALUE]: POST the form of the request page
decide() {
	local id=$1 action=$2
	shift 2
	web_get "/request/$id"
	web_post "/request/$id/$action" "csrf=$(web_csrf)" "$@"
	drained
	echo "$status $(sed -n 's/^Location: \(.*\)\r$/\1/p' "$T/web.head")"
}
is "$(decide "$A" extend "reason=Selvitämme laskutuksen")" "303 /request/$A?done=extend" "extend: done, back to the request"
is "$(decide "$A" approve)" "303 /request/$A?done=approve" "approve: done"
is "$(decide "$B" reject "reason=Numero on jo oikein <b>")" "303 /request/$B?done=reject" "reject with a reason: done"
is "$(decide "$C" classify kind=objection)" "303 /request/$C?done=classify" "classify: done"
is "$(decide "$D" approve)" "303 /request/$D?done=approve" "approve the restriction: done"
is "$(decide "$D" lift "reason=Asia on selvitetty")" "303 /request/$D?done=lift" "lift it: done"
dump "$T/web.txt"
same_file "$T/web.txt" "$T/cli.txt" \
	"each decision left the same requests, events, actors, mails, register rows and received mails as at the command line"
is "$(grep -cE "\|(approved|rejected|extended|classified|lift_requested)\|$ADMIN\$" "$T/web.txt")" 6 \
	"the six decision events name the signed-in admin"
web_get "/request/$A?done=approve"
like "$(cat "$T/web.body")" 'class="note ok" role="status">Hyväksytty ja toteutettu' "the request page then says it was done (in Finnish, the default)"
web_get "/request/$B"
is "$status" 200 "a decided request's page opens"
unlike "$(cat "$T/web.body")" 'action="/request/[^"]*/(approve|reject)"' "and offers no decision any more"

# --- a decision refused by the lifecycle: the page says why, nothing changes
events=$(sqlite3 "$DB" "SELECT count(*) FROM dsr_events")
is "$(decide "$A" extend "reason=again")" "409 " "extending twice: refused (409), no redirect"
like "$(cat "$T/web.body")" 'role="alert">Päätöstä ei tehty, eikä mitään muutettu: cannot extend' "the page says the decision was not made, and why"
is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_events")" "$events" "and nothing was written"

# --- CSRF: without or with a wrong token nothing changes
before=$(sqlite3 "$DB" "SELECT state, (SELECT count(*) FROM dsr_events), (SELECT count(*) FROM dsr_outbox) FROM dsr_requests WHERE id = '$E'")
web_post "/request/$E/approve" x=1
is "$status" 403 "approve without a CSRF token: 403"
web_post "/request/$E/reject" "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAA" "reason=x"
is "$status" 403 "reject with a wrong CSRF token: 403"
web_get "/request/$E/approve"
is "$status" 404 "a GET on a decision's address: nothing there (404)"
web_get "/request/$E"
csrf=$(web_csrf)
is "$(sqlite3 "$DB" "SELECT state, (SELECT count(*) FROM dsr_events), (SELECT count(*) FROM dsr_outbox) FROM dsr_requests WHERE id = '$E'")" \
	"$before" "the waiting request, the events and the outbox are unchanged"

# --- markup in a mail and in the register is shown as text
web_get "/request/$B"
page=$(cat "$T/web.body")
unlike "$page" '<script|<img' "the request page of a mail full of <script> and <img onerror> holds no such tag"
like "$page" '&lt;script&gt;alert\(1\)&lt;/script&gt;' "the mail's text is there, escaped"
like "$page" '&quot;&gt;&lt;img src=x onerror=alert\(2\)&gt;' "the attribute breaker too"
like "$page" 'Correct my phone &lt;script&gt;alert\(4\)&lt;/script&gt;' "and the Subject"
like "$page" 'Numero on jo oikein &lt;b&gt;' "the reason given is escaped too"
web_get "/request/$C"
unlike "$(cat "$T/web.body")" '<script' "the register's own <script> (a customer's first name) stays text"
like "$(cat "$T/web.body")" '<dd>&lt;script&gt;alert\(1\)&lt;/script&gt;</dd>' "shown escaped among the person's data"

# --- the headers of every page
web_get /queue
is "$status" 200 "signed in: the queue"
head=$(tr -d '\r' <"$T/web.head")
like "$head" "Content-Security-Policy: default-src 'self';" "Content-Security-Policy: default-src 'self'"
like "$head" 'X-Frame-Options: DENY' "X-Frame-Options: DENY"
like "$head" 'Referrer-Policy: no-referrer' "Referrer-Policy: no-referrer"
like "$head" 'Cache-Control: no-store' "pages are not cached"
unlike "$(cat "$T/web.body")" '<script|style=|<style' "no script and no inline style on the page"
cookie=$(grep dsrmail_session "$WEB_JAR" | cut -f7)
hash=$(printf %s "$cookie" | sha256sum | cut -d' ' -f1)
is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_web_sessions WHERE id_hash = '$hash' AND ended_at IS NULL;
	SELECT count(*) FROM dsr_web_sessions WHERE id_hash = '$cookie' OR csrf = '$cookie'")" "1
0" "the session is stored only as the SHA-256 of the cookie's random id"

# --- the queue: nearest deadline first, overdue marked; the list's filters
listed() { grep -oE 'href="/request/DSR-[0-9]+-[0-9]+"' "$T/web.body" | sed 's/.*request\///; s/"//' | tr '\n' ' '; }
sqlite3 "$DB" "UPDATE dsr_requests SET state = 'awaiting_approval' WHERE id = '$A';
	UPDATE dsr_requests SET due_at = '2026-03-01T08:00:00Z' WHERE id = '$E'"
web_get /queue
is "$(listed)" "$E $A " "the queue: the overdue one first, then by deadline"
like "$(tr -d '\n' <"$T/web.body")" "<tr class=\"overdue\"><td data-label=\"Pyyntö\"><a class=\"id\" href=\"/request/$E\">.*badge bad\">myöhässä</span>" \
	"marked overdue, in words"
sqlite3 "$DB" "UPDATE dsr_requests SET state = 'done' WHERE id = '$A'"
web_get '/requests?overdue=1'
is "$(listed)" "$E " "all requests, only overdue ones"
web_get '/requests?state=done&kind=erasure'
is "$(listed)" "$A " "done erasures"
web_get '/requests?month=2026-03'
is "$(listed)" "$E $D $C $B $A " "received in March 2026: all, newest first"
web_get '/requests?month=2026-02&kind=access'
like "$(cat "$T/web.body")" 'Yksikään pyyntö ei vastaa valintoja' "February: none, in words"
web_get '/requests?state=nonsense'
is "$status" 400 "a filter value the form does not offer: 400"

# --- the audit page: the hash chain verified now, or its first broken event
web_get /audit
like "$(cat "$T/web.body")" 'Loki on eheä' "the audit page: the log is intact"
detail=$(sqlite3 "$DB" "SELECT detail FROM dsr_events WHERE id = 5")
sqlite3 "$DB" "UPDATE dsr_events SET detail = '{\"changed\": \"afterwards\"}' WHERE id = 5"
web_get /audit
like "$(tr -d '\n' <"$T/web.body")" 'Lokia on muutettu</h2>.*Ensimmäinen rikkoutunut tapahtuma: <strong>#5</strong>' \
	"an event changed afterwards: the page names it as the first broken one"
sqlite3 "$DB" "UPDATE dsr_events SET detail = $( [ -n "$detail" ] && printf "'%s'" "$detail" || echo NULL) WHERE id = 5"

# --- no cookie: the sign-in page; a POST without a session changes nothing
wrong=
for path in /queue /requests /audit "/request/$E" /; do
	code=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$WEB_URL$path")
	[ "$code" = "303 $WEB_URL/signin" ] || wrong="$wrong $path: $code;"
done
is "${wrong:-all}" all "no cookie: every page sends the browser to the sign-in page"
is "$(curl -s -o /dev/null -w '%{http_code}' --data "csrf=$csrf" "$WEB_URL/request/$E/approve") $(state "$E")" \
	"303 awaiting_approval" "a decision without a session: to the sign-in page, nothing changed"

# --- sign-in: the same answer for an admin and a stranger, mail only to the admin
signins() { sqlite3 "$DB" "SELECT count(*) FROM dsr_outbox WHERE template = 'signin_link' AND recipient = '$1'"; }
admin_before=$(signins "$ADMIN")
rm -f "$T/answer-admin" "$T/answer-stranger"
for who in admin stranger; do
	address=$ADMIN; [ "$who" = stranger ] && address=$STRANGER
	curl -s -c "$T/$who.jar" -b "$T/$who.jar" "$WEB_URL/signin" >"$T/page"
	csrf=$(grep -o 'name="csrf" value="[A-Z2-7]*"' "$T/page" | head -n 1 | sed 's/.*value="//; s/"$//')
	curl -s -D - -o /dev/null -c "$T/$who.jar" -b "$T/$who.jar" --data-urlencode "csrf=$csrf" \
		--data-urlencode "address=$address" "$WEB_URL/signin" | tr -d '\r' | grep -v '^Date:' >"$T/answer-$who"
	curl -s -b "$T/$who.jar" "$WEB_URL/signin?sent=1" | sed 's/value="[A-Z2-7]*"/value="TOKEN"/' >>"$T/answer-$who"
done
drained
same_file "$T/answer-stranger" "$T/answer-admin" "an admin and a stranger get the very same answer, headers and page"
like "$(cat "$T/answer-admin")" 'a sign-in link is on its way|kirjautumislinkki on matkalla' "which says a link is on its way if the address is an admin's"
is "$(( $(signins "$ADMIN") - admin_before )) $(signins "$STRANGER") $(grep -lr "$STRANGER" "$SINK" | wc -l)" "1 0 0" \
	"a link was mailed to the admin, and nothing to the stranger"

# The answer goes before the address is looked at: with the database held
# by another writer, the admin's answer still comes, and the link is queued
# once the writer lets go (the answer's timing cannot tell an admin).
/usr/bin/python3 -c '
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
for _ in range(600):
    if os.path.exists(sys.argv[3]):
        break
    time.sleep(0.05)
db.execute("COMMIT")' "$DB" "$T/locked" "$T/release" &
holder=$!
wait_until 10 test -e "$T/locked"
before=$(signins "$ADMIN3")
curl -s -c "$T/held.jar" -b "$T/held.jar" "$WEB_URL/signin" >"$T/page"
csrf=$(grep -o 'name="csrf" value="[A-Z2-7]*"' "$T/page" | head -n 1 | sed 's/.*value="//; s/"$//')
held=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' -c "$T/held.jar" -b "$T/held.jar" \
	--data-urlencode "csrf=$csrf" --data-urlencode "address=$ADMIN3" "$WEB_URL/signin")
held="$held $(( $(signins "$ADMIN3") - before ))"
touch "$T/release"
wait "$holder"
link_queued() { [ "$(signins "$ADMIN3")" -gt "$before" ]; }
wait_until 10 link_queued
drained
is "$held $(( $(signins "$ADMIN3") - before ))" "303 0 1" \
	"the answer does not wait for the link: it comes while the database is busy, and the link follows"

# --- a used link and an expired one are refused
link=$(web_signin_link "$ADMIN")
web_get "${link#"$WEB_URL"}"
web_post /signin/link "csrf=$(web_csrf)" "t=${link##*t=}"
is "$status" 303 "a fresh link signs in"
web_get "${link#"$WEB_URL"}"
is "$status" 403 "opening the used link again: it cannot be used"
like "$(cat "$T/web.body")" 'class="note bad" role="alert">Tätä kirjautumislinkkiä ei voi käyttää' "in words, with a form to ask for a new one"
web_post /signin/link "csrf=$(web_csrf)" "t=${link##*t=}"
is "$status" 403 "and using it a second time is refused"
stale=$(web_signin_link "$ADMIN")
web_stop
export DSRMAIL_NOW=2026-03-02T08:16:00Z
web_start
web_get "${stale#"$WEB_URL"}"
is "$status" 403 "a link 16 minutes old is refused (it works for 15)"
web_post /signin/link "csrf=$(web_csrf)" "t=${stale##*t=}"
stale_hash=$(printf %s "${stale##*t=}" | sha256sum | cut -d' ' -f1)
is "$status $(sqlite3 "$DB" "SELECT coalesce(used_at, 'unused') FROM dsr_web_signins WHERE token_hash = '$stale_hash'")" \
	"403 unused" "and cannot be used either: it stays unused"
web_get /queue
is "$status" 200 "the session signed in 16 minutes ago is still open"
web_stop
export DSRMAIL_NOW=2026-03-02T08:47:00Z
web_start
web_get /queue
is "$status $(sed -n 's/^Location: \(.*\)\r$/\1/p' "$T/web.head")" "303 /signin" "31 minutes without a request ([web] session_idle 30m): signed out"
web_get /signin
like "$(cat "$T/web.body")" 'Istuntosi päättyi' "the sign-in page says the session ended"

# --- sign-out
ok "signing in again" web_signin "$ADMIN"
cookie=$(grep dsrmail_session "$WEB_JAR" | cut -f7)
web_get /queue
web_post /signout "csrf=$(web_csrf)"
is "$status $(sed -n 's/^Location: \(.*\)\r$/\1/p' "$T/web.head")" "303 /signin?out=1" "sign-out"
is "$(curl -s -o /dev/null -w '%{http_code}' -b "dsrmail_session=$cookie" "$WEB_URL/queue")" 303 \
	"the old cookie opens nothing any more"

# --- rate limits: per admin address and per client
before=$(signins "$ADMIN2")
for i in 1 2 3 4 5 6; do
	web_post /signin "csrf=$(grep dsrmail_form "$WEB_JAR" | cut -f7)" "address=$ADMIN2"
done
drained
is "$(( $(signins "$ADMIN2") - before ))" 5 "six requests for one admin address in an hour: five links ([web] signin_rate 5/hour)"
is "$status" 303 "and the sixth got the same answer as the others"
codes=
for i in 1 2 3 4 5 6; do
	web_post /signin "csrf=$(grep dsrmail_form "$WEB_JAR" | cut -f7)" "address=$STRANGER"
	codes="$codes $status"
done
is "$codes" " 303 303 303 303 303 429" "one client: the 13th sign-in request within the hour is refused ([web] client_rate 12/hour)"
like "$(cat "$T/web.body")" 'Liian monta yritystä' "saying so"

# --- the language: Accept-Language, then the switch
web_get /signin -H 'Accept-Language: sv-SE,sv;q=0.9,en;q=0.5'
like "$(cat "$T/web.body")" '<html lang="sv">' "Accept-Language sv: the page is Swedish"
like "$(cat "$T/web.body")" 'Skicka en inloggningslänk' "in Swedish words"
web_get /signin -H 'Accept-Language: de-DE,en;q=0.8'
like "$(cat "$T/web.body")" '<html lang="en">.*' "de, en: English, the first one dsrmail speaks"
web_post /language "csrf=$(web_csrf)" lang=en back=/signin
is "$status $(sed -n 's/^Location: \(.*\)\r$/\1/p' "$T/web.head")" "303 /signin" "the switch goes back to the page"
web_get /signin -H 'Accept-Language: sv'
like "$(cat "$T/web.body")" '<html lang="en">' "and its choice wins over Accept-Language"
web_post /language "csrf=$(web_csrf)" lang=fi back=//evil.example/
is "$(sed -n 's/^Location: \(.*\)\r$/\1/p' "$T/web.head")" "/queue" "it never sends the browser to another site"

# --- malformed and oversized requests: 400/413, and the server goes on
head -c 10485760 /dev/zero | tr '\0' 'a' >"$T/big"
is "$(curl -s -o /dev/null -w '%{http_code}' -b "$WEB_JAR" --data-binary @"$T/big" "$WEB_URL/signin")" 413 \
	"a 10 MB form body: 413"
is "$(curl -s -o /dev/null -w '%{http_code}' -b "$WEB_JAR" -H 'Transfer-Encoding: chunked' --data-binary @"$T/big" "$WEB_URL/signin")" 413 \
	"the same without a Content-Length (chunked): 413"
# raw REQUEST-BYTES: the status line the server answers with
raw() {
	exec 3<>"/dev/tcp/127.0.0.1/$WEB_PORT"
	printf '%b' "$1" >&3
	timeout 5 head -n 1 <&3 | tr -d '\r'
	exec 3<&- 3>&-
}
is "$(raw 'HELLO WORLD\r\n\r\n')" "HTTP/1.1 400 Bad Request" "a garbage request line: 400"
is "$(raw 'GET /queue HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n')" "HTTP/1.1 400 Bad Request" "a broken header line: 400"
is "$(raw 'GET /queue HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n')" "HTTP/1.1 400 Bad Request" "a Content-Length that is no number: 400"
is "$(raw 'GET /\x01\x02 HTTP/1.1\r\nHost: x\r\n\r\n')" "HTTP/1.1 400 Bad Request" "control characters in the path: 400"
is "$(raw '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n')" "" "a TLS hello on the plain port: the connection is closed, no answer"
is "$(curl -s -o /dev/null -w '%{http_code}' -b "$WEB_JAR" -H 'Content-Type: text/plain' --data 'csrf=x' "$WEB_URL/signin")" 400 \
	"a POST that is not a form: 400"
is "$(curl -s -o /dev/null -w '%{http_code}' -b "$WEB_JAR" --data 'csrf=%ZZ%' "$WEB_URL/signin") $(curl -s -o /dev/null -w '%{http_code}' -b "$WEB_JAR" --data 'address=%ff%fe' "$WEB_URL/signin")" \
	"400 400" "a form with bad %-escapes or not UTF-8: 400"
is "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$WEB_URL/queue")" 405 "another method: 405"
is "$(curl -s -o /dev/null -w '%{http_code}' "$WEB_URL/signin")" 200 "and after all that the server still serves"

# --- TLS of its own ([web] certificate, key): https, Secure cookies, HSTS
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
	-addext "subjectAltName=IP:127.0.0.1" -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1
web_stop
config "certificate = $T/cert.pem
key = $T/key.pem"
web_start
like "$(cat "$T/web.out")" "the pages are at https://127.0.0.1:$WEB_PORT/" "with a certificate and key it serves https"
head=$(curl -s --cacert "$T/cert.pem" -D - -o /dev/null "https://127.0.0.1:$WEB_PORT/signin" | tr -d '\r')
like "$head" 'Set-Cookie: dsrmail_form=[A-Z2-7]+; Path=/; HttpOnly; SameSite=Strict; Secure' \
	"over https the cookies are HttpOnly, SameSite=Strict and Secure"
like "$head" 'Strict-Transport-Security: max-age=' "and HSTS is sent"
is "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$WEB_PORT/signin")" 000 "plain http to the TLS port gets no page"
web_stop

# --- a page text missing a language: no server
cp -R "$TOP/templates" "$T/templates"
sed -i '/^signin_button\[sv\]/d' "$T/templates/web/strings.conf"
sed -i "s|^templates = .*|templates = $T/templates|" "$CONF"
run web
is "$rc" 78 "a page text without its Swedish: dsrmail web exits 78"
like "$err" "strings.conf: signin_button has no text in sv; add signin_button\[sv\]" "naming the text and the language"
done_testing
