#!/bin/bash
# A real procmail with contrib/procmailrc (paths pointed at the test) pipes
# mail into "dsrmail deliver": stored when the database works; when it
# cannot be written, deliver exits 75 and procmail keeps the mail in its
# fallback Maildir.
. "$(dirname "$0")/lib.sh"

command -v procmail >/dev/null || skip_all "procmail is not installed (contrib/debian-packages.txt)"
plan 9
setup_register
MAIL_DIR="$TESTS_DIR/mail"
export HOME="$T"
mkdir -p "$T/Mail"
sed -e "s|^MAILDIR=.*|MAILDIR=$T/Mail|" -e "s|^DSRMAIL=.*|DSRMAIL=$DSRMAIL_BIN|" \
    -e "s|^DSRMAIL_CONFIG=.*|DSRMAIL_CONFIG=$CONF|" -e '/^LOGFILE=/a VERBOSE=on' \
    "$TOP/contrib/procmailrc" >"$T/procmailrc"
chmod 644 "$T/procmailrc"
fallback() { find "$T/Mail/dsrmail-failed" -type f 2>/dev/null | wc -l; }

procmail -m "$T/procmailrc" <"$MAIL_DIR/fi-access-thunderbird.eml"
is "$?" 0 "procmail delivers to dsrmail"
is "$(sqlite3 "$DB" "SELECT kind || ' ' || state FROM dsr_requests")" "access received" \
	"the request is stored"
is "$(fallback)" 0 "nothing in the fallback mailbox"

# Make the database unwritable for root too: SQLite's WAL index cannot be
# created when its name is taken by a directory.
mkdir "$DB-shm"
procmail -m "$T/procmailrc" <"$MAIL_DIR/en-access-plain.eml"
is "$?" 0 "procmail still succeeds (it kept the mail)"
like "$(cat "$T/Mail/procmail.log")" 'Program failure \(75\)' "dsrmail deliver exited 75"
is "$(fallback)" 1 "the mail is in the fallback Maildir"
kept=$(find "$T/Mail/dsrmail-failed" -type f)
like "$(cat "$kept")" 'Subject: Data request' "and it is the whole mail"
is "$(sqlite3 "$DB" 'SELECT count(*) FROM dsr_messages')" 1 "nothing half-written in the database"

# Once the trouble is gone the kept mail is delivered by hand, as the rc says.
rmdir "$DB-shm"
"$DSRMAIL_BIN" deliver <"$kept" >"$T/.out"
is "$?:$(sqlite3 "$DB" "SELECT kind FROM dsr_requests WHERE id = '$(cat "$T/.out")'")" "0:access" \
	"the kept mail delivers later"
done_testing
