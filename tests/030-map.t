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

use_map 's/^\[column customers.phone\]$/[column customers.phnoe]/'
run export paivi.hakkinen@example.fi "$T/out"
is "$rc" 78 "a misspelled column is refused with exit 78"
like "$err" 'register.map: \[column customers.phnoe\]: the database table customers has no column "phnoe"' \
	"the message names the map file, the group and the column"
like "$err" "it has: id, first_name, last_name, organisation_id, email, phone," \
	"and lists the columns the table does have"
ok "nothing was exported" test ! -e "$T/out"

use_map 's/^\[table orders\]$/[table order]/; s/^\[column orders\./[column order./'
run export paivi.hakkinen@example.fi "$T/out"
is "$rc" 78 "a table that does not exist is refused"
like "$err" '\[table order\]: the database .* has no table "order"; it has: customers, invoices, orders, organisations' \
	"the message lists the tables that exist"

use_map '/^\[column customers.www\]$/,/^erase = null$/d'
run export paivi.hakkinen@example.fi "$T/out"
is "$rc" 78 "a database column the map does not describe is refused"
like "$err" 'the database has column customers.www but the map does not describe it' \
	"so no personal data is left out of an access reply by omission"

use_map 's/^when = paid_at IS NULL$/when = payed_at IS NULL/'
run export paivi.hakkinen@example.fi "$T/out"
is "$rc" 78 "a hold whose SQL does not compile is refused"
like "$err" '\[hold open_invoice\]: when/until do not work on table invoices: no such column: payed_at' \
	"the message names the hold and SQLite's complaint"

use_map 's/^rectify = true$/rectfy = true/'
run export paivi.hakkinen@example.fi "$T/out"
is "$rc" 78 "an unknown key in a group is refused"
like "$err" 'unknown key "rectfy"; this kind of group has: label, category, type, export, rectify, erase' \
	"and the message lists the keys that group may have"

use_map 's/^erase = anonymise$/erase = shred/'
run export paivi.hakkinen@example.fi "$T/out"
is "$rc" 78 "an unknown erase action is refused"
like "$err" 'erase = shred: write delete, null, anonymise or keep' "with the actions to choose from"

use_map 's/^keeps = customers.first_name; customers.last_name; customers.organisation_id$/keeps = customers.fist_name/'
run export paivi.hakkinen@example.fi "$T/out"
is "$rc" 78 "a hold keeping an unknown column is refused"
like "$err" '\[hold accounting_records\]: keeps = customers.fist_name: table customers has no column "fist_name"' \
	"the message names the hold and the column"

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
