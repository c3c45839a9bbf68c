/* store-web.c: the SQL of the admin pages (see store-web.h). */
#include <string.h>

#include "base/error.h"
#include "store/store-web.h"

/* Free a sign-in row's strings. */
void
store_web_signin_clear(struct web_signin_row *row)
{
	g_clear_pointer(&row->address, g_free);
	g_clear_pointer(&row->token_hash, g_free);
	g_clear_pointer(&row->expires_at, g_free);
	g_clear_pointer(&row->used_at, g_free);
}

/* Store a sign-in link. */
int
store_web_signin_add(struct store *store, const char *address,
    const char *token_hash, const char *now, const char *expires_at,
    GError **error)
{
	sqlite3_stmt *s = store_statement(store, "INSERT INTO dsr_web_signins("
	    "address, token_hash, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
	    error);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, address);
	store_bind_text(s, 2, token_hash);
	store_bind_text(s, 3, now);
	store_bind_text(s, 4, expires_at);
	return store_step_done(store, s, error);
}

/* Count an address's recent links. */
gint64
store_web_signin_count(struct store *store, const char *address,
    const char *since, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "SELECT count(*) FROM "
	    "dsr_web_signins WHERE address = ?1 AND created_at >= ?2", error);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, address);
	store_bind_text(s, 2, since);
	return store_step_integer(store, s, "counting sign-in links", error);
}

/* Find a link by its token's hash. */
int
store_web_signin_find(struct store *store, const char *token_hash,
    struct web_signin_row *row, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "SELECT id, address, token_hash, "
	    "expires_at, used_at FROM dsr_web_signins WHERE token_hash = ?1", error);
	int rc;

	memset(row, 0, sizeof *row);
	if (s == NULL)
		return -1;
	store_bind_text(s, 1, token_hash);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		row->id = sqlite3_column_int64(s, 0);
		row->address = store_column_text(s, 1);
		row->token_hash = store_column_text(s, 2);
		row->expires_at = store_column_text(s, 3);
		row->used_at = store_column_text(s, 4);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "reading the sign-in link");
	return rc == SQLITE_ROW;
}

/* Use a link up, once. */
int
store_web_signin_use(struct store *store, gint64 id, const char *now,
    GError **error)
{
	sqlite3_stmt *s = store_statement(store, "UPDATE dsr_web_signins SET "
	    "used_at = ?2 WHERE id = ?1 AND used_at IS NULL", error);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, now);
	if (store_step_done(store, s, error) < 0)
		return -1;
	return sqlite3_changes(store_handle(store)) > 0;
}

/* Free a session row's strings. */
void
store_web_session_clear(struct web_session_row *row)
{
	char **texts[] = { &row->id_hash, &row->address, &row->csrf,
	    &row->created_at, &row->last_seen_at, &row->ended_at };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(texts); i++)
		g_clear_pointer(texts[i], g_free);
}

/* Store a new session. */
int
store_web_session_add(struct store *store, const char *id_hash,
    const char *address, const char *csrf, const char *now, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "INSERT INTO dsr_web_sessions("
	    "id_hash, address, csrf, created_at, last_seen_at) VALUES (?1, ?2, "
	    "?3, ?4, ?4)", error);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, id_hash);
	store_bind_text(s, 2, address);
	store_bind_text(s, 3, csrf);
	store_bind_text(s, 4, now);
	return store_step_done(store, s, error);
}

/* Find a session by its id's hash. */
int
store_web_session_find(struct store *store, const char *id_hash,
    struct web_session_row *row, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "SELECT id_hash, address, csrf, "
	    "created_at, last_seen_at, ended_at FROM dsr_web_sessions WHERE "
	    "id_hash = ?1", error);
	char **texts[] = { &row->id_hash, &row->address, &row->csrf,
	    &row->created_at, &row->last_seen_at, &row->ended_at };
	size_t i;
	int rc;

	memset(row, 0, sizeof *row);
	if (s == NULL)
		return -1;
	store_bind_text(s, 1, id_hash);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		for (i = 0; i < G_N_ELEMENTS(texts); i++)
			*texts[i] = store_column_text(s, (int)i);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "reading the session");
	return rc == SQLITE_ROW;
}

/* Run an UPDATE of one session: ?1 its id's hash, ?2 now. */
static int
session_update(struct store *store, const char *sql, const char *id_hash,
    const char *now, GError **error)
{
	sqlite3_stmt *s = store_statement(store, sql, error);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, id_hash);
	store_bind_text(s, 2, now);
	return store_step_done(store, s, error);
}

/* A request in the session. */
int
store_web_session_touch(struct store *store, const char *id_hash,
    const char *now, GError **error)
{
	return session_update(store, "UPDATE dsr_web_sessions SET last_seen_at = "
	    "?2 WHERE id_hash = ?1", id_hash, now, error);
}

/* Sign-out. */
int
store_web_session_end(struct store *store, const char *id_hash,
    const char *now, GError **error)
{
	return session_update(store, "UPDATE dsr_web_sessions SET ended_at = ?2 "
	    "WHERE id_hash = ?1 AND ended_at IS NULL", id_hash, now, error);
}

/* Forget old links and sessions. */
int
store_web_purge(struct store *store, const char *before, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "DELETE FROM dsr_web_signins "
	    "WHERE created_at < ?1", error);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, before);
	if (store_step_done(store, s, error) < 0 ||
	    (s = store_statement(store, "DELETE FROM dsr_web_sessions WHERE "
	    "last_seen_at < ?1", error)) == NULL)
		return -1;
	store_bind_text(s, 1, before);
	return store_step_done(store, s, error);
}

/* The filtered request list. */
int
store_web_requests(struct store *store, const struct web_filter *filter,
    timeline_row_func callback, void *data, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "SELECT id, kind, state, "
	    "received_at, due_at, language, sender, hold_reasons FROM dsr_requests "
	    "WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR kind = ?2) AND "
	    "(?3 IS NULL OR (due_at < ?3 AND state IN ('received', 'verifying', "
	    "'awaiting_approval', 'approved'))) AND (?4 IS NULL OR "
	    "substr(received_at, 1, 7) = ?4) ORDER BY year DESC, number DESC",
	    error);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, filter->state);
	store_bind_text(s, 2, filter->kind);
	store_bind_text(s, 3, filter->overdue_at);
	store_bind_text(s, 4, filter->month);
	return store_timeline_each(store, s, callback, data, error) < 0 ? -1 : 0;
}

/* The months with requests. */
int
store_web_months(struct store *store, timeline_row_func callback, void *data,
    GError **error)
{
	sqlite3_stmt *s = store_statement(store, "SELECT DISTINCT "
	    "substr(received_at, 1, 7) AS month FROM dsr_requests ORDER BY month "
	    "DESC", error);

	if (s == NULL)
		return -1;
	return store_timeline_each(store, s, callback, data, error) < 0 ? -1 : 0;
}

/* Count the events. */
gint64
store_web_event_count(struct store *store, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "SELECT count(*) FROM dsr_events",
	    error);

	if (s == NULL)
		return -1;
	return store_step_integer(store, s, "counting events", error);
}
