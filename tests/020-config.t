#!/usr/bin/env bash
# The config file: found as DESIGN.md says, relative paths resolved against
# it, and every mistake refused with exit 78 and a message naming the file,
# the key and the fix. Also the CLI's --help, --version and usage errors.
. "$(dirname "$0")/lib.sh"
plan 29

run --version
is "$rc" 0 "--version exits 0"
like "$out" '^dsrmail [0-9]+\.[0-9]+\.[0-9]+$' "--version prints the version"
run --help
is "$rc" 0 "--help exits 0"
for c in init export; do
	like "$out" "^  $c " "--help lists $c from the command table"
done
run frobnicate
is "$rc" 64 "an unknown command exits 64"
like "$err" 'unknown command "frobnicate"' "and names it"
run
is "$rc" 64 "no command at all exits 64"

# Found through $DSRMAIL_CONFIG, relative paths against the file's directory.
mkdir -p "$T/etc" "$T/elsewhere"
write_config
sed -i 's|^path = dsrmail.db|path = ../data.db|' "$CONF"
mv "$CONF" "$T/etc/dsrmail.conf"
cd "$T/elsewhere" || exit 1
DSRMAIL_CONFIG="$T/etc/dsrmail.conf" run init
is "$rc" 0 "init with \$DSRMAIL_CONFIG exits 0"
ok "the relative database path is resolved against the config file" test -f "$T/data.db"
# -c wins over $DSRMAIL_CONFIG.
DSRMAIL_CONFIG=/nonexistent run -c "$T/etc/dsrmail.conf" init
is "$rc" 0 "-c FILE is used before \$DSRMAIL_CONFIG"
# ./dsrmail.conf when neither is given.
cp "$T/etc/dsrmail.conf" "$T/elsewhere/dsrmail.conf"
sed -i 's|^path = ../data.db|path = here.db|' "$T/elsewhere/dsrmail.conf"
(unset DSRMAIL_CONFIG; "$DSRMAIL_BIN" init >/dev/null 2>&1)
ok "./dsrmail.conf is used when there is no -c and no \$DSRMAIL_CONFIG" test -f "$T/elsewhere/here.db"
cd "$T" || exit 1

DSRMAIL_CONFIG="$T/missing.conf" run init
is "$rc" 78 "a missing config file exits 78"
like "$err" "missing.conf.*-c FILE" "and the message names it and how to give another"

# Mistakes in the file.
check_bad() {   # check_bad DESCRIPTION PATTERN CONFIG-LINES
	write_config "$3"
	run init
	is "$rc" 78 "$1: exit 78"
	like "$err" "$2" "$1: the message names it"
}
check_bad "an unknown key" 'dsrmail.conf: unknown key "retension" in \[policy\]' \
	$'[policy]\nretension = 10y'
check_bad "an unknown section" 'unknown section \[polcy\]' $'[polcy]\nretention = 10y'
check_bad "a malformed duration" '\[policy\] retention = "ten years": not a duration; write a duration such as 10y' \
	$'[policy]\nretention = ten years'
check_bad "a malformed address" '\[organisation\] admins = .*"paivi" is not an e-mail address' \
	$'[organisation]\nadmins = paivi'
check_bad "an unknown request kind" '"deletion" is not a request kind' \
	$'[policy]\napprove = erasure, deletion'
check_bad "a malformed STARTTLS mode" '\[imap\] starttls = "maybe": unknown STARTTLS mode; write no, yes or required' \
	$'[imap]\nstarttls = maybe'

# A syntax error in the file itself.
printf '[organisation\nname = x\n' >"$CONF"
run init
is "$rc" 78 "a config that is not key = value exits 78"

# $DSRMAIL_NOW that is not a time.
write_config
DSRMAIL_NOW=yesterday run init
is "$rc" 78 "a malformed \$DSRMAIL_NOW exits 78"
like "$err" 'DSRMAIL_NOW="yesterday" is not an ISO 8601 time' "and says so"

done_testing
