#!/usr/bin/env bash
# dsrmail export EMAIL DIR: the bundle an access or portability reply
# attaches (N3, N7, N10), checked value by value against the register.
. "$(dirname "$0")/lib.sh"
setup_register

# check_bundle DIR EMAIL LANGUAGE: the oracle's lines as TAP results
check_bundle() {
	local line
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) _result 0 "$4: ${line#ok - }" ;;
		"not ok - "*) _result 1 "$4: ${line#not ok - }" ;;
		"# "*) diag "${line#\# }" ;;
		esac
	done < <(python3 "$TESTS_DIR/export-check.py" "$DB" "$1" "$2" "$3")
}

run export paivi.hakkinen@example.fi "$T/paivi"
is "$rc" 0 "export exits 0"
like "$out" "wrote 6 files to $T/paivi" "and says what it wrote"
is "$(cd "$T/paivi" && ls | tr '\n' ' ')" "customers.csv export.json invoices.csv orders.csv organisations.csv summary.html " \
	"the bundle: export.json, a CSV per table, summary.html"
is "$(stat -c %a "$T/paivi"/* | sort -u | tr '\n' ' ')" "600 " "every file is mode 0600"
check_bundle "$T/paivi" paivi.hakkinen@example.fi fi "Päivi (fi)"

# The address is matched trimmed and case-insensitively; labels in English.
run export --lang en "  JORO.astrom@example.fi" "$T/joro"
is "$rc" 0 "an address with other case and spaces finds the subject"
check_bundle "$T/joro" joro.astrom@example.fi en "Jörö (en)"

# Values that need escaping and quoting: <script>, a comma, quotes, a newline.
run export --lang sv ville.vaananen@example.com "$T/ville"
check_bundle "$T/ville" ville.vaananen@example.com sv "Ville (sv)"
like "$(cat "$T/ville/summary.html")" '&lt;script&gt;alert\(1\)&lt;/script&gt;' \
	"summary.html escapes a <script> in a name"

# Two subjects with one address: both, and their shared organisation once.
sqlite3 "$DB" "INSERT INTO customers(id, first_name, last_name, organisation_id, email)
	VALUES (5, 'Maija', 'Meikäläinen', 1, 'MATTI@example.org')"
run export matti@example.org "$T/matti"
check_bundle "$T/matti" matti@example.org fi "two subjects"

# No matching subject: exit 0, a clear message, no files.
run export nobody@example.fi "$T/nobody"
is "$rc" 0 "an address with no data exits 0"
like "$err" "no data for this address" "and says there is no data for it"
ok "and writes no files" test ! -e "$T/nobody"

run export --lang de paivi.hakkinen@example.fi "$T/x"
is "$rc" 64 "an unknown --lang is a usage error"
run export paivi.hakkinen@example.fi
is "$rc" 64 "export without a directory is a usage error"
like "$err" "usage: dsrmail export" "and shows the usage"

done_testing
