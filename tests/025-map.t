#!/usr/bin/env bash
# The data map: checked against the database when loaded, so a typo is
# refused with the map's file, group and what the database really has; and a
# different register works given its own map, with no code changes.
. "$(dirname "$0")/lib.sh"
plan 22

setup_register
MAP="$T/register.map"

# use_map SED-EXPRESSION: a copy of the default map, changed, in the config.
use_map() {
	sed -e "$1" "$TOP/rules/register.map" >"$MAP"
	write_config
	sed -i 's|^path = dsrmail.db$|path = dsrmail.db\nmap = register.map|' "$CONF"
}

# refused DESCRIPTION SED-EXPRESSION PATTERN...: the changed map is refused
# with exit 78, nothing exported, and each PATTERN found in the message.
refused() {
	local description=$1 expression=$2 pattern
	shift 2
	use_map "$expression"
	run export paivi.hakkinen@example.fi "$T/out"
	is "$rc" 78 "$description is refused with exit 78"
	for pattern in "$@"; do
		like "$err" "$pattern" "$description: the message says $pattern"
	done
}

refused "a misspelled column" 's/^\[column customers.phone\]$/[column customers.phnoe]/' \
	'register.map: \[column customers.phnoe\]: the database table customers has no column "phnoe"' \
	"it has: id, first_name, last_name, organisation_id, email, phone,"
ok "nothing was exported" test ! -e "$T/out"
refused "a table that does not exist" 's/^\[table orders\]$/[table order]/; s/^\[column orders\./[column order./' \
	'\[table order\]: the database .* has no table "order"; it has: customers, invoices, orders, organisations'
refused "a database column the map does not describe" '/^\[column customers.www\]$/,/^erase = null$/d' \
	'the database has column customers.www but the map does not describe it'
refused "a hold whose SQL does not compile" 's/^when = paid_at IS NULL$/when = payed_at IS NULL/' \
	'\[hold open_invoice\]: when/until do not work on table invoices: no such column: payed_at'
refused "an unknown key in a group" 's/^rectify = true$/rectfy = true/' \
	'unknown key "rectfy"; this kind of group has: label, category, type, export, rectify, erase'
refused "an unknown erase action" 's/^erase = anonymise$/erase = shred/' \
	'erase = shred: write delete, null, anonymise or keep'
refused "a hold keeping an unknown column" \
	's/^keeps = customers.first_name; customers.last_name; customers.organisation_id$/keeps = customers.fist_name/' \
	'\[hold accounting_records\]: keeps = customers.fist_name: table customers has no column "fist_name"'

# Another register, another map: no code changes.
rm -f "$DB" "$DB"-*
sqlite3 "$DB" <"$TESTS_DIR/fixtures/other/register.sql"
cp "$TESTS_DIR/fixtures/other/register.map" "$MAP"
run init
is "$rc" 0 "init works on an existing register of another shape"
run export --lang en asa@CLUB.example "$T/club"
is "$rc" 0 "export works through the other register's map"
is "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = d["subjects"][0]["tables"]
print(t[0]["table"], t[0]["rows"][0]["full_name"], t[1]["table"], len(t[1]["rows"]), t[1]["rows"][1]["euros"])
' "$T/club/export.json")" "members Åsa Öberg payments 2 27.0" "its export.json carries that register's rows and values"
ok "one CSV per table of that map" test -f "$T/club/members.csv" -a -f "$T/club/payments.csv"
like "$(sqlite3 "$DB" "SELECT sql FROM sqlite_schema WHERE name = 'dsr_match_members'")" \
	'lower\(trim\("mail"' "its match column is indexed on its normalised form"
like "$(sqlite3 "$DB" "SELECT name FROM sqlite_schema WHERE name = 'dsr_link_payments_member'")" \
	'dsr_link_payments_member' "its link column is indexed"

done_testing
