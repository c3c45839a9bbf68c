/* store-lift.c: the SQL of lifting a restriction (see store-lift.h). */
#include "base/error.h"
#include "store/store-lift.h"

/* The current (pending or lifted) lift of a request. */
int
store_lift_current(struct store *store, const char *request, char **state,
    char **at, GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "SELECT state, "
	    "coalesce(settled_at, requested_at) FROM dsr_lifts WHERE request = ?1 "
	    "AND state IN ('pending', 'lifted')", error);
	int rc;

	*state = *at = NULL;
	if (statement == NULL)
		return -1;
	store_bind_text(statement, 1, request);
	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW) {
		*state = store_column_text(statement, 0);
		*at = store_column_text(statement, 1);
	}
	sqlite3_reset(statement);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "reading the lifts of a restriction");
	return rc == SQLITE_ROW;
}

/* A done erasure or anonymisation sharing a subject with request. */
int
store_lift_erased(struct store *store, const char *request, char **erasure,
    GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "SELECT r.id FROM "
	    "dsr_requests r JOIN dsr_request_subjects s ON s.request = r.id "
	    "WHERE r.kind IN ('erasure', 'anonymisation') AND r.state = 'done' "
	    "AND s.subject_key IN (SELECT subject_key FROM dsr_request_subjects "
	    "WHERE request = ?1) ORDER BY r.id LIMIT 1", error);
	int rc;

	*erasure = NULL;
	if (statement == NULL)
		return -1;
	store_bind_text(statement, 1, request);
	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW)
		*erasure = store_column_text(statement, 0);
	sqlite3_reset(statement);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "looking for an erasure");
	return rc == SQLITE_ROW;
}

/* Insert a pending lift. */
int
store_lift_add(struct store *store, const char *request, gint64 outbox,
    const char *reason, const char *requested_by, const char *now,
    GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "INSERT INTO dsr_lifts("
	    "request, outbox, reason, requested_by, requested_at) VALUES "
	    "(?1, ?2, ?3, ?4, ?5)", error);

	if (statement == NULL)
		return -1;
	store_bind_text(statement, 1, request);
	sqlite3_bind_int64(statement, 2, outbox);
	store_bind_text(statement, 3, reason);
	store_bind_text(statement, 4, requested_by);
	store_bind_text(statement, 5, now);
	return store_step_done(store, statement, error);
}

/* Free a lift row. */
void
lift_row_free(gpointer pointer)
{
	struct lift_row *row = pointer;

	if (row == NULL)
		return;
	g_free(row->request);
	g_free(row);
}

/* Pending lifts whose notice has an outcome. */
GPtrArray *
store_lift_outcomes(struct store *store, GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "SELECT l.id, "
	    "l.request, l.outbox, o.state = 'sent' FROM dsr_lifts l JOIN "
	    "dsr_outbox o ON o.id = l.outbox WHERE l.state = 'pending' AND "
	    "o.state IN ('sent', 'failed', 'bounced') ORDER BY l.id", error);
	GPtrArray *rows;
	int rc;

	if (statement == NULL)
		return NULL;
	rows = g_ptr_array_new_with_free_func(lift_row_free);
	while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
		struct lift_row *row = g_new0(struct lift_row, 1);
		row->id = sqlite3_column_int64(statement, 0);
		row->request = store_column_text(statement, 1);
		row->outbox = sqlite3_column_int64(statement, 2);
		row->sent = sqlite3_column_int(statement, 3) != 0;
		g_ptr_array_add(rows, row);
	}
	sqlite3_reset(statement);
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(rows);
		store_fail(store, error, "reading the pending lifts");
		return NULL;
	}
	return rows;
}

/* Settle a pending lift. */
int
store_lift_settle(struct store *store, gint64 id, const char *state,
    const char *now, GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "UPDATE dsr_lifts SET "
	    "state = ?2, settled_at = ?3 WHERE id = ?1 AND state = 'pending'",
	    error);

	if (statement == NULL)
		return -1;
	sqlite3_bind_int64(statement, 1, id);
	store_bind_text(statement, 2, state);
	store_bind_text(statement, 3, now);
	if (store_step_done(store, statement, error) < 0)
		return -1;
	if (sqlite3_changes(store_handle(store)) != 1) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_TEMPORARY, "lift %"
		    G_GINT64_FORMAT " is no longer pending (another dsrmail run?); "
		    "run the command again", id);
		return -1;
	}
	return 0;
}
