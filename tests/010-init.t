#!/usr/bin/env bash
# dsrmail init: DESIGN.md's register schema exactly, the dsr_ tables, mode
# 0600, WAL and the connection settings, idempotent, and refusal to run other
# commands on a missing or outdated database.
. "$(dirname "$0")/lib.sh"
plan 21

write_config
run init
is "$rc" 0 "init exits 0"
like "$out" "created \(schema version 1\)" "init says it created the database"

# Every table and column of the default schema (PRAGMA table_info).
for t in organisations customers orders invoices; do
	sqlite3 -separator ' ' "$DB" "SELECT '$t', name, type,
		coalesce(dflt_value, '-'), CASE pk WHEN 1 THEN 'pk' ELSE '-' END
		FROM pragma_table_info('$t') ORDER BY cid"
done >"$T/schema.txt"
same_file "$T/schema.txt" "$TESTS_DIR/expected/register-schema.txt" \
	"register tables match DESIGN.md column by column"

tables=$(sqlite3 "$DB" "SELECT group_concat(name, ' ') FROM (SELECT name FROM
	sqlite_schema WHERE type = 'table' AND name LIKE 'dsr_%' ORDER BY name)")
is "$tables" "dsr_changes dsr_disputes dsr_events dsr_imap_failures dsr_imap_folders dsr_keys dsr_lifts dsr_messages dsr_oauth2_revocations dsr_outbox dsr_reminders dsr_request_subjects dsr_requests dsr_retention dsr_signatures dsr_tokens dsr_web_sessions dsr_web_signins" \
	"dsrmail's own tables exist, all prefixed dsr_"
is "$(sqlite3 "$DB" 'PRAGMA user_version')" 1 "user_version records the schema version"
is "$(stat -c %a "$DB")" 600 "the database file is mode 0600"
is "$(sqlite3 "$DB" 'PRAGMA journal_mode')" wal "the database is in WAL mode"
like "$(sqlite3 "$DB" "SELECT sql FROM sqlite_schema WHERE name = 'dsr_match_customers'")" \
	"lower\(trim\(\"email\"" "the match column is indexed on its normalised form"

# A second init changes nothing.
sqlite3 "$DB" .schema >"$T/schema-1.sql"
run init
is "$rc" 0 "a second init exits 0"
like "$out" "nothing to do" "and says there was nothing to do"
sqlite3 "$DB" .schema >"$T/schema-2.sql"
same_file "$T/schema-2.sql" "$T/schema-1.sql" "the second init leaves the schema unchanged"

# A database left open to others (a restore, a copy) is made 0600 again,
# read and write for the owner, whatever its owner bits were, and the
# warning says which mode it was and which it set.
for mode in 444 640; do
	chmod $mode "$DB"
	run requests list
	is "$rc $(stat -c %a "$DB")" "0 600" "a database left mode $mode is set to 0600"
	like "$err" "dsrmail.db was mode 0$mode, open to others; set it to 0600 \\(read and write for its owner only\\)" \
		"the warning names mode 0$mode and the 0600 it set"
done
run requests list
is "$err" "" "a private database: no warning"

# An older database is refused until init upgrades it.
sqlite3 "$DB" 'PRAGMA user_version = 0'
run export someone@example.fi "$T/out"
is "$rc" 78 "an outdated database is refused with exit 78"
like "$err" 'run "dsrmail init"' "and the message says to run dsrmail init"

# A missing database is refused with the same advice.
rm -f "$DB" "$DB-wal" "$DB-shm"
run export someone@example.fi "$T/out"
is "$rc" 78 "a missing database is refused with exit 78"
like "$err" "does not exist; run \"dsrmail init\"" "and the message says what to do"

# init with a stray argument is a usage error.
run init extra
is "$rc" 64 "init with an argument exits 64 (usage)"

done_testing
