# tests/lib.sh: sourced by every tests/NNN-topic.t (bash). TAP output for
# prove, a private temp dir per test, helpers to run dsrmail, and cleanup
# hooks (servers started by a test are stopped by pid on exit).
#
#   . "$(dirname "$0")/lib.sh"
#   plan 3
#   ok "init succeeds" dsrmail init
#   is "$(sqlite3 "$DB" 'select count(*) from customers')" 4 "four customers"
#   like "$out" 'no data' "says so"

set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$TESTS_DIR/.." && pwd)
DSRMAIL_BIN=${DSRMAIL_BIN:-$TOP/build/dsrmail}
if [ ! -x "$DSRMAIL_BIN" ]; then
	echo "Bail out! no dsrmail binary at $DSRMAIL_BIN: run make first"
	exit 1
fi
# The test directory must be searchable by the 'mail' user (Dovecot drops
# root), so it lives under /tmp with mode 0755.
T=$(mktemp -d /tmp/dsrmail-test.XXXXXX)
chmod 755 "$T"
CONF="$T/dsrmail.conf"
DB="$T/dsrmail.db"
export DSRMAIL_CONFIG="$CONF"
unset DSRMAIL_NOW

_test_number=0
_test_failed=0
. "$TESTS_DIR/lib-base.sh"

_finish() {
	run_exit_hooks
	if [ "${KEEP_TEST_DIR:-}" = 1 ]; then
		echo "# kept $T"
	else
		rm -rf "$T"
	fi
}
trap _finish EXIT

_planned=0
# plan N: how many results follow; without it done_testing prints the plan
plan() { echo "1..$1"; _planned=1; }

# Report one result: _result STATUS DESCRIPTION
_result() {
	_test_number=$((_test_number + 1))
	if [ "$1" = 0 ]; then
		echo "ok $_test_number - $2"
	else
		echo "not ok $_test_number - $2"
		_test_failed=$((_test_failed + 1))
	fi
}

# diag TEXT: a comment line (shown by prove -v, and on failure)
diag() { printf '%s\n' "$@" | sed 's/^/# /' >&2; }

# ok DESCRIPTION COMMAND...: passes when COMMAND exits 0
ok() {
	local d=$1; shift
	if "$@" >"$T/.ok.out" 2>&1; then _result 0 "$d"; else
		_result 1 "$d"; diag "command: $*" "$(cat "$T/.ok.out")"; fi
}

# fails DESCRIPTION COMMAND...: passes when COMMAND exits non-zero
fails() {
	local d=$1; shift
	if "$@" >"$T/.ok.out" 2>&1; then _result 1 "$d"; diag "command succeeded: $*"; else
		_result 0 "$d"; fi
}

# is GOT EXPECTED DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then _result 0 "$3"; else
		_result 1 "$3"; diag "got:      '$1'" "expected: '$2'"; fi
}

# isnt GOT UNEXPECTED DESCRIPTION
isnt() {
	if [ "$1" != "$2" ]; then _result 0 "$3"; else
		_result 1 "$3"; diag "got '$1', which it should not be"; fi
}

# like GOT EXTENDED-REGEX DESCRIPTION
like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then _result 0 "$3"; else
		_result 1 "$3"; diag "got:   '$1'" "wanted a match for: $2"; fi
}

# unlike GOT EXTENDED-REGEX DESCRIPTION
unlike() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then _result 1 "$3";
		diag "got:   '$1'" "wanted no match for: $2"; else _result 0 "$3"; fi
}

# same_file GOT_FILE EXPECTED_FILE DESCRIPTION: byte-equal, with a diff if not
same_file() {
	if cmp -s "$1" "$2"; then _result 0 "$3"; else
		_result 1 "$3"; diag "$(diff -u "$2" "$1" | head -n 40)"; fi
}

skip_all() { echo "1..0 # SKIP $*"; exit 0; }

# bail TEXT: stop the whole test run (a server did not start, ...)
bail() { echo "Bail out! $*"; exit 1; }

# dsrmail ARGS...: the binary under test (with the test's config)
dsrmail() { "$DSRMAIL_BIN" "$@"; }

# run ARGS...: run dsrmail, keep stdout in $out, stderr in $err, status in $rc
run() {
	"$DSRMAIL_BIN" "$@" >"$T/.out" 2>"$T/.err"
	rc=$?
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
}

# write_config [EXTRA-INI-TEXT]: a config using the checkout's rules and
# templates, the database in $T; extra text is appended (whole sections).
write_config() {
	cat >"$CONF" <<CONF
[organisation]
name = HR Mentor Oy
registry_address = tietosuoja@hrmentor.fi
admins = paivi.savolainen@hrmentor.fi
default_language = fi
[paths]
rules = $TOP/rules
templates = $TOP/templates
[database]
path = dsrmail.db
CONF
	[ $# -gt 0 ] && printf '%s\n' "$1" >>"$CONF"
	return 0
}

# setup_register: config, init, and the fixture register (Finnish names,
# an organisation, orders, paid and open invoices).
setup_register() {
	write_config "$@"
	dsrmail init >/dev/null || { echo "Bail out! dsrmail init failed"; exit 1; }
	sqlite3 "$DB" <"$TESTS_DIR/fixtures/register.sql" ||
		{ echo "Bail out! loading the fixture register failed"; exit 1; }
}

# mask FILE: print FILE with ISO dates/times, DSR ids and Message-IDs masked
mask() {
	sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/<TIME>/g' \
	    -e 's/DSR-[0-9]{4}-[0-9]{4,}/DSR-<ID>/g' \
	    -e 's/<[^<>@ ]+@[^<>@ ]+>/<MESSAGE-ID>/g' "$1"
}

# done_testing: exit status for prove
done_testing() {
	[ "$_planned" = 1 ] || echo "1..$_test_number"
	[ "$_test_failed" = 0 ]; exit $?
}
