# tests/intake-lib.sh: sourced after lib.sh by the intake tests. Delivers the
# mails of tests/mail/ and reads back what intake stored, one line per mail:
#   file <TAB> kinds <TAB> language <TAB> fields
# kinds: the request kinds in opening order, comma-separated, or
# "ignored:<reason>"; language: fi, en, sv or "-"; fields: "column=value"
# (or "?field=value" for a field the map does not know) joined by " | ", or "-".

MAIL_DIR="$TESTS_DIR/mail"

# intake_summary MESSAGE-ROW-ID: the kinds, language and fields columns
intake_summary() {
	sqlite3 -separator "$(printf '\t')" "$DB" "
	SELECT
	  CASE WHEN m.screened IS NOT NULL THEN 'ignored:' || m.screened
	       ELSE (SELECT group_concat(kind, ',') FROM
	             (SELECT kind FROM dsr_requests WHERE message = m.id ORDER BY number)) END,
	  coalesce(m.language, '-'),
	  coalesce((SELECT group_concat(f, ' | ') FROM
	            (SELECT coalesce(c.column_name, '?' || c.field) || '=' || c.new_value AS f
	             FROM dsr_changes c JOIN dsr_requests r ON r.id = c.request
	             WHERE r.message = m.id ORDER BY c.id)), '-')
	FROM dsr_messages m WHERE m.id = $1"
}

# deliver_corpus OUTFILE: deliver every tests/mail/*.eml (sorted), write one
# summary line per mail; a failed deliver writes "exit N" as its kinds.
deliver_corpus() {
	local file name rc last
	: >"$1"
	for file in "$MAIL_DIR"/*.eml; do
		name=$(basename "$file")
		"$DSRMAIL_BIN" deliver <"$file" >"$T/.deliver.out" 2>"$T/.deliver.err"
		rc=$?
		if [ $rc != 0 ]; then
			printf '%s\texit %s\t-\t-\n' "$name" "$rc" >>"$1"
			continue
		fi
		last=$(sqlite3 "$DB" 'SELECT max(id) FROM dsr_messages')
		printf '%s\t%s\n' "$name" "$(intake_summary "$last")" >>"$1"
	done
}
