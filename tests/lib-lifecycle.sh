# tests/lib-lifecycle.sh: sourced after lib.sh and lib-smtp.sh by the
# lifecycle tests (06x-07x), and by contrib/demo for mail_write. Writes
# request mails, delivers them, answers challenges and admin notices, and
# reads what reached the SMTP sink.
#
#   mail_write NAME FROM SUBJECT [HEADER...] <BODY   $T/mail/NAME.eml
#                                 (Date: $MAIL_DATE, else a fixed date)
#   deliver NAME                  dsrmail deliver < it; ids in $out, status $rc
#   sent                          dsrmail send, then sink_read
#   sink_read                     $T/arrived and $T/text/ describe the sink
#   arrived                       the sink's mails: "RCPT TEMPLATE-LANG [FILES]"
#   mail_token RCPT TEMPLATE      the code in the last such mail to RCPT
#   mail_eml RCPT TEMPLATE        the sink's file of the last such mail
#   reply_write NAME FROM ID TEXT a reply keeping [ID] in the subject
#   reply_with NAME FROM ID TEXT  the same, delivered
#   events ID                     the request's event types, comma-separated
#   state ID                      the request's state
#   found_in_file VALUE...        which values are in the bytes of $DB or its -wal
#   ask NAME FROM SUBJECT BODY    a request mail (BODY through printf %b),
#                                 delivered, challenged and confirmed; id in $id
#   last_body RCPT                the text of the last mail to RCPT
#   has_all TEXT DESCRIPTION FRAGMENT...   one result: TEXT holds each fragment

ADMIN=paivi.savolainen@hrmentor.fi
BOOKKEEPING=kirjanpito@tilitoimisto.example
SOURCE=osoitepaivitys@osoitepalvelu.example
_mail_number=0

mail_write() {
	local name=$1 from=$2 subject=$3 header
	shift 3
	_mail_number=$((_mail_number + 1))
	mkdir -p "$T/mail"
	{
		printf 'From: %s\nTo: tietosuoja@hrmentor.fi\nSubject: %s\n' "$from" "$subject"
		printf 'Date: %s\n' "${MAIL_DATE:-Mon, 2 Mar 2026 09:00:00 +0200}"
		printf 'Message-ID: <%s.%s.%s@example.net>\n' "$name" "$_mail_number" "$$"
		for header in "$@"; do printf '%s\n' "$header"; done
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n'
		printf 'Content-Transfer-Encoding: 8bit\n\n'
		cat
	} >"$T/mail/$name.eml"
}

deliver() {
	"$DSRMAIL_BIN" deliver <"$T/mail/$1.eml" >"$T/.out" 2>"$T/.err"
	rc=$?
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
}

sink_read() {
	mkdir -p "$T/text"
	/usr/bin/python3 "$TESTS_DIR/sink-summary.py" "$DB" "$SINK" --text "$T/text" >"$T/arrived"
}

sent() {
	"$DSRMAIL_BIN" send >"$T/.send" 2>&1 || diag "send: $(cat "$T/.send")"
	sink_read
}

arrived() { cat "$T/arrived"; }

# The file in DIR (*.SUFFIX, in arrival order) of the last mail of
# TEMPLATE to RCPT: _mail_file RCPT TEMPLATE DIR SUFFIX
_mail_file() {
	local n
	n=$(grep -n "^$1 $2-" "$T/arrived" | tail -n 1 | cut -d: -f1)
	[ -n "$n" ] && ls "$3"/*."$4" | sed -n "${n}p"
}

# The text file of the last mail of TEMPLATE to RCPT.
_mail_text() { _mail_file "$1" "$2" "$T/text" txt; }

mail_eml() { _mail_file "$1" "$2" "$SINK" eml; }

mail_token() {
	local file
	file=$(_mail_text "$1" "$2")
	[ -n "$file" ] && grep -oE '[A-Z2-7]{26}' "$file" | head -n 1
}

mail_body() { local file; file=$(_mail_text "$1" "$2"); [ -n "$file" ] && cat "$file"; }

reply_write() {
	local name=$1 from=$2 id=$3 text=$4
	printf '%s\n\n> quoted challenge\n' "$text" |
		mail_write "$name" "$from" "Re: [$id] Vahvista pyyntösi / Confirm"
}

reply_with() { reply_write "$@"; deliver "$1"; }

events() {
	sqlite3 "$DB" "SELECT group_concat(type, ',') FROM (SELECT type FROM
		dsr_events WHERE request = '$1' ORDER BY id)"
}

state() { sqlite3 "$DB" "SELECT state FROM dsr_requests WHERE id = '$1'"; }

found_in_file() {
	local value file found=
	for value in "$@"; do
		for file in "$DB" "$DB-wal"; do
			[ -e "$file" ] && grep -qaF "$value" "$file" &&
				found="$found $value in ${file##*/};"
		done
	done
	echo "$found"
}

# A fresh database with the fixture register, and an empty sink.
register_reset() {
	rm -f "$DB" "$DB-wal" "$DB-shm"
	"$DSRMAIL_BIN" init >/dev/null || { echo "Bail out! init failed"; exit 1; }
	sqlite3 "$DB" <"$TESTS_DIR/fixtures/register.sql"
	rm -f "$SINK"/*.eml "$SINK"/*.env "$T/text"/*.txt "$T/arrived"
	: >"$T/arrived"
}

ask() {
	printf '%b\n\nTerveisin / Regards\n' "$4" | mail_write "$1" "$2" "$3"
	deliver "$1"
	id=$out
	sent
	reply_with "$1-confirm" "$2" "$id" "$(mail_token "$2" challenge)"
	sent
}

last_body() {
	local n
	n=$(grep -n -- "^$1 " "$T/arrived" | tail -n 1 | cut -d: -f1)
	[ -n "$n" ] && cat "$(ls "$T/text"/*.txt | sed -n "${n}p")"
}

has_all() {
	local text=$1 description=$2 fragment missing=
	shift 2
	for fragment in "$@"; do
		grep -qF -- "$fragment" <<<"$text" || missing="$missing[$fragment] "
	done
	is "$missing" "" "$description"
}
