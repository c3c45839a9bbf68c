/* store-timeline.c: the read-only queries behind `requests` and `queue`. */
#include "base/error.h"
#include "store/store-timeline.h"

#define REQUEST_COLUMNS "id, kind, state, received_at, due_at, language, " \
	"sender, hold_reasons"
/* The classifier's mark and confidence (in percent), after the rest. */
#define CLASSIFY_COLUMNS "mark, CAST(round(100 * confidence) AS INTEGER)"

/* Step a prepared statement and hand each row's text to callback. */
int
store_timeline_each(struct store *store, sqlite3_stmt *statement,
    timeline_row_func callback, void *data, GError **error)
{
	int count = sqlite3_column_count(statement), i, rc, rows = 0;
	const char **columns = g_new0(const char *, count);

	while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
		for (i = 0; i < count; i++)
			columns[i] = (const char *)sqlite3_column_text(statement, i);
		callback(columns, count, data);
		rows++;
	}
	g_free(columns);
	sqlite3_reset(statement);
	if (rc != SQLITE_DONE)
		return store_fail(store, error, "reading requests");
	return rows;
}

/* Prepare sql, bind ?1 (text, may be NULL) and ?2 if given, and run it. */
static int
timeline_query(struct store *store, const char *sql, const char *first,
    const char *second, timeline_row_func callback, void *data,
    GError **error)
{
	sqlite3_stmt *statement = store_statement(store, sql, error);

	if (statement == NULL)
		return -1;
	store_bind_text(statement, 1, first);
	if (sqlite3_bind_parameter_count(statement) >= 2)
		store_bind_text(statement, 2, second);
	return store_timeline_each(store, statement, callback, data, error);
}

/* List requests, optionally only open or overdue ones. */
int
store_timeline_requests(struct store *store, gboolean only_open,
    const char *overdue_at, timeline_row_func callback, void *data,
    GError **error)
{
	const char *sql = "SELECT " REQUEST_COLUMNS ", " CLASSIFY_COLUMNS " FROM dsr_requests "
	    "WHERE (?1 IS NULL OR state NOT IN ('done', 'rejected', 'expired', "
	    "'ignored', 'failed')) AND (?2 IS NULL OR due_at < ?2) "
	    "ORDER BY year, number";

	return timeline_query(store, sql, only_open || overdue_at ? "open" : NULL,
	    overdue_at, callback, data, error) < 0 ? -1 : 0;
}

/* The approval queue. */
int
store_timeline_queue(struct store *store, timeline_row_func callback,
    void *data, GError **error)
{
	return timeline_query(store, "SELECT " REQUEST_COLUMNS ", " CLASSIFY_COLUMNS
	    " FROM dsr_requests WHERE state = 'awaiting_approval' ORDER BY due_at, year, "
	    "number", NULL, NULL, callback, data, error) < 0 ? -1 : 0;
}

/* One request with its decision columns. */
int
store_timeline_request(struct store *store, const char *id,
    timeline_row_func callback, void *data, GError **error)
{
	int rows = timeline_query(store, "SELECT " REQUEST_COLUMNS ", "
	    "extended_at, extension_reason, verified_at, verified_by, decided_at, "
	    "decided_by, decision_reason, completed_at, " CLASSIFY_COLUMNS ", "
	    "(SELECT written_language FROM dsr_messages m WHERE m.id = message), "
	    "(SELECT hints FROM dsr_messages m WHERE m.id = message) FROM "
	    "dsr_requests WHERE id = ?1", id, NULL, callback, data, error);

	return rows < 0 ? -1 : rows > 0;
}

/* A request's events. */
int
store_timeline_events(struct store *store, const char *id,
    timeline_row_func callback, void *data, GError **error)
{
	return timeline_query(store, "SELECT id, at, type, actor, detail FROM "
	    "dsr_events WHERE request = ?1 ORDER BY id", id, NULL, callback,
	    data, error) < 0 ? -1 : 0;
}

/* A request's proposed changes. */
int
store_timeline_changes(struct store *store, const char *id,
    timeline_row_func callback, void *data, GError **error)
{
	return timeline_query(store, "SELECT field, column_name, new_value, "
	    "state, reason FROM dsr_changes WHERE request = ?1 ORDER BY id", id,
	    NULL, callback, data, error) < 0 ? -1 : 0;
}

/* A request's outbox mails. */
int
store_timeline_mails(struct store *store, const char *id,
    timeline_row_func callback, void *data, GError **error)
{
	return timeline_query(store, "SELECT template, recipient, message_id, "
	    "state, created_at, sent_at FROM dsr_outbox WHERE request = ?1 "
	    "ORDER BY id", id, NULL, callback, data, error) < 0 ? -1 : 0;
}

/* A request's subject keys. */
int
store_timeline_subjects(struct store *store, const char *id,
    timeline_row_func callback, void *data, GError **error)
{
	return timeline_query(store, "SELECT subject_key FROM "
	    "dsr_request_subjects WHERE request = ?1 ORDER BY subject_key", id,
	    NULL, callback, data, error) < 0 ? -1 : 0;
}

/* The signatures on a request's mails. */
int
store_timeline_signatures(struct store *store, const char *id,
    timeline_row_func callback, void *data, GError **error)
{
	return timeline_query(store, "SELECT checked_at, protocol, status, signer, "
	    "address, key_id, fingerprint FROM dsr_signatures WHERE message IN "
	    "(SELECT message FROM dsr_requests WHERE id = ?1 UNION SELECT message "
	    "FROM dsr_events WHERE request = ?1 AND message IS NOT NULL) ORDER BY "
	    "id", id, NULL, callback, data, error) < 0 ? -1 : 0;
}

/* Every recorded key. */
int
store_timeline_keys(struct store *store, timeline_row_func callback,
    void *data, GError **error)
{
	return timeline_query(store, "SELECT address, protocol, fingerprint, "
	    "source, added_at FROM dsr_keys ORDER BY address, id", NULL, NULL,
	    callback, data, error) < 0 ? -1 : 0;
}
