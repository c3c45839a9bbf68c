#!/usr/bin/env bash
# make demo (contrib/demo) runs to the end, exits 0, and what it prints is
# what happened: each request's kind and state against dsr_requests, the
# `requests show` it prints (the subject named, one line in words per
# event) against the database, each
# "NAME: FIELD BEFORE -> AFTER" against the register before and after, each
# "-> ADDRESS: SUBJECT (attachments: ...)" line and mail count against the
# mails the SMTP server kept, the saved attachments against the mails'
# own, the look-around commands it prints run; the outsider of the forged
# Reply-To gets nothing; the web page it ends with serves the demo data,
# its printed sign-in link signs the admin in, and Ctrl-C then ends the
# demo with 0; its servers are gone after it ends, also after an earlier
# Ctrl-C and after a failing step.
. "$(dirname "$0")/lib.sh"
command -v dovecot >/dev/null 2>&1 || skip_all "dovecot (dovecot-imapd) is not installed"
plan 38

# demo DIR [BINARY]: run the demo in DIR; its output in DIR.out and
# DIR.err, its status in $rc
demo() {
	DSRMAIL_DEMO_DIR=$1 DSRMAIL_BIN=${2:-$DSRMAIL_BIN} bash "$TOP/contrib/demo" >"$1.out" 2>"$1.err"
	rc=$?
}

# servers_gone DIR: "gone" when no server the demo in DIR started still runs
# or listens, else what still does.
servers_gone() {
	local name pid port left=
	[ -s "$1/servers" ] || { echo "no $1/servers file"; return; }
	while read -r name pid port; do
		ps -p "$pid" >/dev/null 2>&1 && left="$left $name pid $pid runs;"
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && left="$left port $port answers;"
	done <"$1/servers"
	pgrep -f "$1/" >/dev/null && left="$left a process still names $1;"
	echo "${left:-gone}"
}

D=$T/demo
SINK=$D/sink
DB=$D/dsrmail.db
start=$(date +%s)
# The demo ends serving the web page until Ctrl-C: run it in a process
# group of its own, wait for the sign-in link it prints.
set -m
DSRMAIL_DEMO_DIR=$D bash "$TOP/contrib/demo" >"$D.out" 2>"$D.err" &
demo_pid=$!
set +m
until grep -q 'sign-in link: ' "$D.out" 2>/dev/null || ! kill -0 "$demo_pid" 2>/dev/null ||
    [ $(( $(date +%s) - start )) -ge 180 ]; do sleep 0.2; done
elapsed=$(( $(date +%s) - start ))
link=$(sed -n 's/^ *sign-in link: //p' "$D.out" | head -n 1)
url=$(grep -oE '^ +http://127\.0\.0\.1:[0-9]+/$' "$D.out" | tr -d ' ')
ok "make demo's script reaches its web page, printing a sign-in link" test -n "$link"
[ -n "$link" ] || diag "$(tail -n 20 "$D.out")" "$(cat "$D.err")"
ok "in under 3 minutes (took ${elapsed}s)" test "$elapsed" -lt 180
is "$(grep -cE '^[0-9]+\. ' "$D.out")" 10 "ten numbered steps"
like "$link" "^${url}signin/link\\?t=[A-Z2-7]{26}\$" "the link points at the page it prints"
# The web page on the demo data, as a browser would use it (curl).
jar=$T/demo.jar
page=$(curl -s -c "$jar" -b "$jar" "$link")
csrf=$(grep -o 'name="csrf" value="[A-Z2-7]*"' <<<"$page" | head -n 1 | sed 's/.*value="//; s/"$//')
curl -s -o /dev/null -c "$jar" -b "$jar" --data "csrf=$csrf" --data "t=${link##*t=}" "${url}signin/link"
restriction=$(sqlite3 "$DB" "SELECT id FROM dsr_requests WHERE kind = 'restriction'")
queue=$(curl -s -b "$jar" "${url}queue")
like "$queue" "href=\"/request/$restriction\"" "the link signs the admin in, and the queue shows Sofia's restriction waiting"
is "$(sqlite3 "$DB" "SELECT count(*) FROM dsr_outbox WHERE template = 'signin_link' AND recipient = 'paivi.savolainen@hrmentor.fi'")" 1 \
	"the link was mailed to the admin, once"
kill -INT -- "-$demo_pid"
wait "$demo_pid"
rc=$?
is "$rc" 0 "Ctrl-C at the web page ends the demo, exit 0"
like "$(tail -n 1 "$D.out")" "^demo: stopped; everything it made is in $D\$" "saying where everything stays"
is "$(cat "$D.err")" "" "nothing on stderr"
is "$(servers_gone "$D")" gone "the IMAP, SMTP and web servers are stopped, their ports closed"

# --- requests: the last "requests list" it prints, against dsr_requests
printed=$(grep -E '^     DSR-' "$D.out" | tail -n 6 | awk '{print $1, $2, $3}')
is "$printed" "$(sqlite3 -separator ' ' "$DB" 'SELECT id, kind, state FROM dsr_requests ORDER BY id')" \
	"the requests it lists are those in the database, with their kinds and states"
is "$(sqlite3 -separator ' ' "$DB" "SELECT r.kind, r.state, coalesce(r.decided_by, '-'), m.from_address
	FROM dsr_requests r JOIN dsr_messages m ON m.id = r.message ORDER BY r.id")" \
	"access done - aino.makela@example.fi
rectification done paivi.savolainen@hrmentor.fi sofia.lindstrom@example.se
erasure done paivi.savolainen@hrmentor.fi mikko.heikkinen@example.fi
objection done - eero@kallavesi.example.fi
access verifying - aino.makela@example.fi
restriction awaiting_approval - sofia.lindstrom@example.se" \
	"access and ban done, correction approved by mail, erasure by command, the forged one unconfirmed, the restriction waiting"
who=$(sqlite3 "$DB" "SELECT group_concat(r.id, ' ') FROM (SELECT r.id FROM dsr_requests r
	JOIN dsr_messages m ON m.id = r.message WHERE r.kind != 'restriction' ORDER BY CASE m.from_address
	WHEN 'aino.makela@example.fi' THEN 1 + (m.reply_to IS NOT NULL) * 4
	WHEN 'sofia.lindstrom@example.se' THEN 2 WHEN 'mikko.heikkinen@example.fi' THEN 3
	ELSE 4 END) r" | awk '{printf "Aino: %s, Sofia: %s, Mikko: %s, Eero: %s, the forged mail: %s.", $1, $2, $3, $4, $5}')
is "$(grep -F 'Aino: DSR-' "$D.out" | sed 's/^ *//')" "$who" "whose request is which, as in the database"
forged=$(sqlite3 "$DB" "SELECT r.id FROM dsr_requests r JOIN dsr_messages m ON m.id = r.message
	WHERE m.reply_to LIKE '%snoop@outsider.example%'")
like "$(grep -F "does not confirm" "$D.out")" "does not confirm $forged:" "the unconfirmed one it names is the forged mail's"
is "$(grep -A1 -F "does not confirm" "$D.out" | sed -n 's/.*when its code does, on \([0-9-]*\);.*/\1/p')" \
	"$(sqlite3 "$DB" "SELECT substr(expires_at, 1, 10) FROM dsr_tokens WHERE request = '$forged'
	AND purpose = 'challenge'")" "and the day it expires is its code's"
ok "audit verify: the event chain is intact" "$DSRMAIL_BIN" -c "$D/dsrmail.conf" audit verify
# --- the requests show it prints: Mikko's erasure, as the database has it
mikko=$(sqlite3 "$DB" "SELECT r.id FROM dsr_requests r JOIN dsr_messages m ON m.id = r.message
	WHERE m.from_address = 'mikko.heikkinen@example.fi' AND r.kind = 'erasure'")
shown=$(sed -n "/^   \$ dsrmail requests show $mikko\$/,/^   \$ dsrmail requests list/p" "$D.out")
like "$shown" "^       subject:   customer 4 \(Mikko Heikkinen\)$" \
	"requests show names the subject as the map does, with the register's name"
is "$(sed -n '/^     timeline:/,/^     mails:/p' <<<"$shown" | grep -cE '^       [0-9T:-]+Z  [a-z]')" \
	"$(sqlite3 "$DB" "SELECT count(*) FROM dsr_events WHERE request = '$mikko'")" \
	"one timeline line in words per event of the request"
unlike "$shown" '[{}]' "and no raw JSON in it"

# --- the register: each "NAME: FIELD BEFORE -> AFTER" against a fresh copy
# of the demo register (before) and the demo's database (after)
sqlite3 "$T/fresh.db" <"$TOP/src/store/schema.sql" 2>/dev/null
sqlite3 "$T/fresh.db" <"$TOP/contrib/demo-register.sql"
shown() { sqlite3 "$1" "SELECT coalesce((SELECT CASE WHEN '$3' IN ('restricted', 'marketing_ban')
	THEN CASE $3 WHEN 1 THEN 'yes' ELSE 'no' END ELSE $3 END FROM customers
	WHERE id = $2), '(erased)')"; }
claims=0 wrong=
while IFS= read -r line; do
	name=${line%%:*} rest=${line#*: }
	for label in "phone number:phone" "web address:www" "IP address:ip_address" \
	    "processing restricted:restricted" "direct marketing ban:marketing_ban" ""; do
		case $rest in "${label%%:*} "*) break ;; esac
	done
	[ -n "$label" ] || { wrong="$wrong unknown field: $line;"; continue; }
	column=${label#*:}
	id=$(sqlite3 "$T/fresh.db" "SELECT id FROM customers WHERE first_name || ' ' || last_name = '$name'")
	expected="$name: ${label%%:*} $(shown "$T/fresh.db" "$id" $column) -> $(shown "$DB" "$id" $column)"
	[ "$line" = "$expected" ] || wrong="$wrong printed '$line', true: '$expected';"
	claims=$((claims + 1))
done < <(grep -E '^   [^ ].*: [a-zA-Z ]+ .* -> ' "$D.out" | sed 's/^   //')
is "$claims ${wrong:-all true}" "6 all true" "its six before -> after claims match the register"
is "$(sqlite3 -separator '|' "$DB" "SELECT phone FROM customers WHERE id = 3;
	SELECT first_name, street, coalesce(phone, 'NULL'), coalesce(www, 'NULL'),
	coalesce(ip_address, 'NULL'), restricted FROM customers WHERE id = 4;
	SELECT marketing_ban FROM customers WHERE id = 2")" "+46 70 555 0444
Mikko|Puijonkatu 20 A 7|NULL|NULL|NULL|1
1" "Sofia's phone corrected; Mikko's phone, web and IP address erased, name and address kept, restricted; Eero's ban set"
is "$(sqlite3 "$DB" 'SELECT * FROM invoices WHERE customer_id = 4')" \
	"$(sqlite3 "$T/fresh.db" 'SELECT * FROM invoices WHERE customer_id = 4')" \
	"Mikko's invoices kept as they were, the open one too"
is "$(sqlite3 "$DB" 'SELECT * FROM customers WHERE id = 1')" \
	"$(sqlite3 "$T/fresh.db" 'SELECT * FROM customers WHERE id = 1')" \
	"Aino's row unchanged"
like "$(grep -F 'invoices kept' -A1 "$D.out" | tr -s ' \n' ' ')" \
	"and $(sqlite3 "$DB" 'SELECT count(*) FROM invoices WHERE customer_id = 4') invoices kept: invoice 6 is open \\(unpaid\\)" \
	"its invoice claim holds"

# --- the mails: the "->" lines against the sink, and who got how many
# The sign-in links of the web page's step came after "What each person
# received": they are left out here (checked above).
/usr/bin/python3 "$TESTS_DIR/sink-summary.py" "$DB" "$SINK" | grep -v ' signin_link-' >"$T/arrived"
# Each kept mail as the demo should describe it, one line per recipient.
/usr/bin/python3 - "$SINK" <<'PY' | sort >"$T/sink-lines"
import email, email.policy, glob, sys
for path in glob.glob(sys.argv[1] + "/*.eml"):
    msg = email.message_from_binary_file(open(path, "rb"), policy=email.policy.default)
    if "/signin/link?t=" in msg.get_body(preferencelist=("plain",)).get_content():
        continue
    files = [part.get_filename() for part in msg.iter_attachments()]
    for line in open(path[:-4] + ".env").read().splitlines():
        if line.startswith("RCPT TO:<"):
            print("-> %s: %s (attachments: %s)" % (line[9:-1], msg["Subject"],
                                                   ", ".join(files) or "none"))
PY
grep -E '^     -> ' "$D.out" | sed 's/^ *//' | sort >"$T/printed-lines"
same_file "$T/printed-lines" "$T/sink-lines" "each mail it says someone received is one the SMTP server kept, and no other"
BUNDLE=export.json,customers.csv,organisations.csv,orders.csv,invoices.csv,summary.html
is "$(sed -E 's/ /:/' "$T/arrived" | sort)" "$(sort <<EOF
aino.makela@example.fi:challenge-fi
aino.makela@example.fi:challenge-en
aino.makela@example.fi:access-fi $BUNDLE
sofia.lindstrom@example.se:challenge-en
sofia.lindstrom@example.se:received-en
sofia.lindstrom@example.se:rectification_done-en
sofia.lindstrom@example.se:challenge-sv
sofia.lindstrom@example.se:received-sv
mikko.heikkinen@example.fi:challenge-fi
mikko.heikkinen@example.fi:received-fi
mikko.heikkinen@example.fi:erasure_partial-fi
eero@kallavesi.example.fi:challenge-fi
eero@kallavesi.example.fi:bans_set-fi
paivi.savolainen@hrmentor.fi:admin_notice-fi
paivi.savolainen@hrmentor.fi:admin_notice-fi
paivi.savolainen@hrmentor.fi:admin_notice-fi
kirjanpito@tilitoimisto.example:recipient_notice-fi
kirjanpito@tilitoimisto.example:recipient_notice-fi
osoitepaivitys@osoitepalvelu.example:recipient_notice-fi
EOF
)" "the mails are the ones the story needs: codes, the bundle, notices, the replies"
counts=$(grep -E '^   [^ ].* \(([^ ()]+@[^ ()]+)\): [0-9]+ mails?$' "$D.out" |
	sed -E 's/.*\(([^ ()]+)\): ([0-9]+) mails?$/\1 \2/')
wrong=
while read -r address n; do
	[ "$n" = "$(grep -c "^$address " "$T/arrived")" ] || wrong="$wrong $address says $n;"
done <<<"$counts"
is "$(wc -l <<<"$counts") ${wrong:-all true}" "8 all true" "how many mails each of eight people got, as the sink counts"
is "$(grep -F 'snoop@outsider.example' <<<"$counts")" "snoop@outsider.example 0" "it shows the outsider got nothing"
is "$(grep -rlF 'snoop@outsider.example' "$SINK" | wc -l)" 0 "and nothing in any mail kept names or went to the outsider"

# --- the saved attachments are the mail's own
mail=$(grep -n 'access-fi' "$T/arrived" | cut -d: -f1)
saved=$(sed -n 's/^ *attachments saved in \(.*\)\/$/\1/p' "$D.out")
is "$saved" "$D/received/aino.makela@example.fi" "it saved the attachments per person"
/usr/bin/python3 - "$(ls "$SINK"/*.eml | sed -n "${mail}p")" "$T/attached" <<'PY'
import email, email.policy, os, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
os.makedirs(sys.argv[2])
for part in msg.iter_attachments():
    open(os.path.join(sys.argv[2], part.get_filename()), "wb").write(part.get_payload(decode=True))
PY
ok "each saved file equals the attachment in Aino's mail" diff -r "$T/attached" "$saved"
like "$(grep -F 'summary.html in a browser' "$D.out")" "Open $saved/summary.html" "it points to summary.html"
ok "which is there, a readable HTML page" grep -q '<html' "$saved/summary.html"

# --- the look-around commands it prints work as printed
looks=$(sed -n '/^9\. /,/^10\. /p' "$D.out" | grep -F -- "-c $D/dsrmail.conf" | sed 's/^ *//')
is "$(wc -l <<<"$looks")" 4 "it prints four commands to look around, with the config path"
wrong=
while read -r command; do eval "$command" >/dev/null 2>&1 || wrong="$wrong $command;"; done <<<"$looks"
is "${wrong:-all ran}" "all ran" "each runs as printed and exits 0"

# --- Ctrl-C in the middle, and a failing step: the servers still go
set -m
DSRMAIL_DEMO_DIR=$T/interrupted bash "$TOP/contrib/demo" >"$T/interrupted.out" 2>&1 &
pid=$!
wait_for=$(( $(date +%s) + 30 ))
until grep -q '^3\. ' "$T/interrupted.out" 2>/dev/null || [ "$(date +%s)" -ge $wait_for ]; do sleep 0.05; done
kill -INT -- "-$pid"
wait "$pid"
is "$? $(servers_gone "$T/interrupted")" "130 gone" "Ctrl-C: exits 130, and the servers are stopped"
set +m
printf '#!/bin/sh\ncase " $* " in *" poll "*) echo "dsrmail: the IMAP server did not answer" >&2; exit 69 ;; esac\nexec "%s" "$@"\n' \
	"$DSRMAIL_BIN" >"$T/failing-dsrmail"
chmod 755 "$T/failing-dsrmail"
demo "$T/failing" "$T/failing-dsrmail"
is "$rc $(servers_gone "$T/failing")" "1 gone" "a failing step: exits 1, and the servers are stopped"
like "$(cat "$T/failing.err")" "demo: stopped: dsrmail poll --once failed: dsrmail: the IMAP server did not answer" \
	"saying which step failed and why"
done_testing
