/* store-dispute.c: the SQL of disputed data and of what keeps a subject
 * restricted (see store-dispute.h). */
#include "base/error.h"
#include "store/store-dispute.h"

/* Start a dispute. */
int
store_dispute_start(struct store *store, const char *request, gint64 subject,
    gboolean set_flag, const char *now, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "INSERT OR IGNORE INTO "
	    "dsr_disputes(request, subject_key, set_flag, started_at) VALUES "
	    "(?1, ?2, ?3, ?4)", error);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, request);
	sqlite3_bind_int64(s, 2, subject);
	sqlite3_bind_int(s, 3, set_flag);
	store_bind_text(s, 4, now);
	return store_step_done(store, s, error);
}

/* Free a dispute row (a GDestroyNotify). */
static void
dispute_row_free(gpointer data)
{
	struct dispute_row *row = data;

	g_free(row->started_at);
	g_free(row);
}

/* A request's open disputes. */
GPtrArray *
store_dispute_open(struct store *store, const char *request, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "SELECT subject_key, set_flag, "
	    "started_at FROM dsr_disputes WHERE request = ?1 AND ended_at IS NULL "
	    "ORDER BY subject_key", error);
	GPtrArray *rows;
	int rc;

	if (s == NULL)
		return NULL;
	store_bind_text(s, 1, request);
	rows = g_ptr_array_new_with_free_func(dispute_row_free);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct dispute_row *row = g_new0(struct dispute_row, 1);
		row->subject = sqlite3_column_int64(s, 0);
		row->set_flag = sqlite3_column_int(s, 1) != 0;
		row->started_at = store_column_text(s, 2);
		g_ptr_array_add(rows, row);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(rows);
		store_fail(store, error, "reading the disputes of a request");
		return NULL;
	}
	return rows;
}

/* End a request's disputes. */
int
store_dispute_end(struct store *store, const char *request, const char *now,
    GError **error)
{
	sqlite3_stmt *s = store_statement(store, "UPDATE dsr_disputes SET "
	    "ended_at = ?2 WHERE request = ?1 AND ended_at IS NULL", error);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, request);
	store_bind_text(s, 2, now);
	return store_step_done(store, s, error);
}

/* Give the flag to the oldest other open dispute of the subject. */
int
store_dispute_hand_over(struct store *store, gint64 subject,
    const char *request, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "UPDATE dsr_disputes SET "
	    "set_flag = 1 WHERE rowid = (SELECT rowid FROM dsr_disputes WHERE "
	    "subject_key = ?1 AND request != ?2 AND ended_at IS NULL ORDER BY "
	    "started_at, rowid LIMIT 1)", error);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, subject);
	store_bind_text(s, 2, request);
	if (store_step_done(store, s, error) < 0)
		return -1;
	return sqlite3_changes(store_handle(store)) > 0;
}

/* Another reason for the subject to stay restricted. */
int
store_restriction_kept(struct store *store, gint64 subject, const char *since,
    GError **error)
{
	gint64 count;
	sqlite3_stmt *s = store_statement(store, "SELECT count(*) FROM "
	    "dsr_requests r JOIN dsr_request_subjects rs ON rs.request = r.id "
	    "WHERE rs.subject_key = ?1 AND r.state = 'done' AND ((r.kind IN "
	    "('restriction', 'processing_objection') AND NOT EXISTS (SELECT 1 "
	    "FROM dsr_lifts l WHERE l.request = r.id AND l.state = 'lifted')) OR "
	    "(r.kind IN ('erasure', 'anonymisation') AND r.completed_at >= ?2))",
	    error);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, subject);
	store_bind_text(s, 2, since);
	count = store_step_integer(store, s, "looking for a restriction", error);
	return count < 0 ? -1 : count > 0;
}

/* The latest retention erasure request about a subject. */
int
store_retention_request(struct store *store, gint64 subject, char **state,
    GError **error)
{
	sqlite3_stmt *s = store_statement(store, "SELECT r.state FROM "
	    "dsr_requests r JOIN dsr_request_subjects rs ON rs.request = r.id "
	    "WHERE rs.subject_key = ?1 AND r.kind = 'erasure' AND r.message IS "
	    "NULL ORDER BY r.year DESC, r.number DESC LIMIT 1", error);
	int rc;

	*state = NULL;
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, subject);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*state = store_column_text(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "looking for a retention request");
	return rc == SQLITE_ROW;
}
