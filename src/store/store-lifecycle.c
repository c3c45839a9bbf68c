/* store-lifecycle.c: the SQL of the request lifecycle (see the header). */
#include <string.h>

#include "base/error.h"
#include "store/store-lifecycle.h"

/* Read a request with its opening mail's Message-ID and DMARC verdict. */
int
store_lifecycle_request(struct store *store, const char *id,
    struct request_row *row, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "SELECT r.id, r.kind, r.state, "
	    "r.sender, r.language, r.received_at, r.due_at, r.extended_at, "
	    "r.verified_at, r.hold_reasons, coalesce(r.message, 0), m.message_id, "
	    "m.dmarc, coalesce(m.oversized, 0), coalesce(m.size, 0), r.mark, "
	    "coalesce(r.confidence, -1), m.written_language, m.hints FROM "
	    "dsr_requests r LEFT JOIN dsr_messages m ON m.id = r.message WHERE "
	    "r.id = ?1", error);
	char **texts[] = { &row->id, &row->kind, &row->state, &row->sender,
	    &row->language, &row->received_at, &row->due_at, &row->extended_at,
	    &row->verified_at, &row->hold_reasons };
	int rc;
	size_t i;

	memset(row, 0, sizeof *row);
	if (s == NULL)
		return -1;
	store_bind_text(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		for (i = 0; i < G_N_ELEMENTS(texts); i++)
			*texts[i] = store_column_text(s, (int)i);
		row->message = sqlite3_column_int64(s, 10);
		row->message_id = store_column_text(s, 11);
		row->dmarc = store_column_text(s, 12);
		row->oversized = sqlite3_column_int(s, 13) != 0;
		row->message_size = sqlite3_column_int64(s, 14);
		row->mark = store_column_text(s, 15);
		row->confidence = sqlite3_column_double(s, 16);
		row->written_language = store_column_text(s, 17);
		row->hints = store_column_text(s, 18);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "reading the request");
	return rc == SQLITE_ROW;
}

/* Free a request row's strings. */
void
request_row_clear(struct request_row *row)
{
	char **texts[] = { &row->id, &row->kind, &row->state, &row->sender,
	    &row->language, &row->received_at, &row->due_at, &row->extended_at,
	    &row->verified_at, &row->hold_reasons, &row->message_id, &row->dmarc,
	    &row->mark, &row->written_language, &row->hints };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(texts); i++)
		g_clear_pointer(texts[i], g_free);
}

/* Subject keys of a request. */
GArray *
store_lifecycle_subjects(struct store *store, const char *id, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "SELECT subject_key FROM "
	    "dsr_request_subjects WHERE request = ?1 ORDER BY subject_key", error);
	GArray *keys;
	int rc;

	if (s == NULL)
		return NULL;
	store_bind_text(s, 1, id);
	keys = g_array_new(FALSE, FALSE, sizeof(gint64));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		gint64 key = sqlite3_column_int64(s, 0);
		g_array_append_val(keys, key);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		g_array_unref(keys);
		store_fail(store, error, "reading the request's subjects");
		return NULL;
	}
	return keys;
}

/* The SQL of each selection: ?1 text, ?2 number. */
static const char *const selections[] = {
	[SELECT_MESSAGE_STATE] = "SELECT id FROM dsr_requests WHERE message = ?2 "
	    "AND state = ?1 ORDER BY year, number",
	[SELECT_STATE] = "SELECT id FROM dsr_requests WHERE state = ?1 "
	    "ORDER BY year, number",
	[SELECT_OPEN] = "SELECT id FROM dsr_requests WHERE state IN ('received', "
	    "'verifying', 'awaiting_approval', 'approved') ORDER BY year, number",
	[SELECT_EXPIRED] = "SELECT r.id FROM dsr_requests r WHERE (r.state = "
	    "'verifying' OR (r.state = 'awaiting_approval' AND r.verified_at IS "
	    "NULL AND EXISTS (SELECT 1 FROM dsr_tokens t JOIN dsr_requests q ON "
	    "q.id = t.request WHERE t.purpose = 'challenge' AND q.message = "
	    "r.message))) AND NOT EXISTS (SELECT 1 FROM dsr_tokens t JOIN "
	    "dsr_requests q ON q.id = t.request WHERE t.purpose = 'challenge' AND "
	    "q.message = r.message AND t.used_at IS NULL AND t.expires_at > ?1) "
	    "ORDER BY r.year, r.number",
	[SELECT_MESSAGE_UNCONFIRMED] = "SELECT id FROM dsr_requests WHERE "
	    "message = ?2 AND verified_at IS NULL AND state IN ('verifying', "
	    "'awaiting_approval') ORDER BY year, number",
};

/* The ids of a statement's first column, as a new array; NULL with error. */
static GPtrArray *
lifecycle_ids(struct store *store, sqlite3_stmt *s, const char *what,
    GError **error)
{
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		g_ptr_array_add(ids, store_column_text(s, 0));
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(ids);
		store_fail(store, error, what);
		return NULL;
	}
	return ids;
}

/* List request ids. */
GPtrArray *
store_lifecycle_select(struct store *store, enum request_selection selection,
    const char *text, gint64 number, GError **error)
{
	sqlite3_stmt *s = store_statement(store, selections[selection], error);

	if (s == NULL)
		return NULL;
	if (sqlite3_bind_parameter_count(s) >= 1)
		store_bind_text(s, 1, text);
	if (sqlite3_bind_parameter_count(s) >= 2)
		sqlite3_bind_int64(s, 2, number);
	return lifecycle_ids(store, s, "listing requests", error);
}

/* Change the columns an update names. */
int
store_lifecycle_update(struct store *store, const char *id,
    const struct request_update *u, const char *now, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "UPDATE dsr_requests SET "
	    "state = coalesce(?2, state), kind = coalesce(?3, kind), "
	    /* an admin who sets the kind settles the classifier's doubt */
	    "mark = CASE WHEN ?3 IS NULL THEN mark ELSE NULL END, confidence = "
	    "CASE WHEN ?3 IS NULL THEN confidence ELSE NULL END, "
	    "verified_by = coalesce(?4, verified_by), verified_at = CASE WHEN ?4 "
	    "IS NULL THEN verified_at ELSE ?11 END, hold_reasons = CASE WHEN ?5 "
	    "IS NULL THEN hold_reasons WHEN ?5 = '' THEN NULL ELSE ?5 END, "
	    "decided_by = coalesce(?6, decided_by), decided_at = CASE WHEN ?6 IS "
	    "NULL THEN decided_at ELSE ?11 END, decision_reason = coalesce(?7, "
	    "decision_reason), completed_at = CASE WHEN ?8 THEN ?11 ELSE "
	    "completed_at END, due_at = coalesce(?9, due_at), extension_reason = "
	    "coalesce(?10, extension_reason), extended_at = CASE WHEN ?10 IS NULL "
	    "THEN extended_at ELSE ?11 END, updated_at = ?11 WHERE id = ?1", error);
	const char *texts[] = { id, u->state, u->kind, u->verified_by,
	    u->hold_reasons, u->decided_by, u->decision_reason };
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < G_N_ELEMENTS(texts); i++)
		store_bind_text(s, (int)i + 1, texts[i]);
	sqlite3_bind_int(s, 8, u->completed);
	store_bind_text(s, 9, u->due_at);
	store_bind_text(s, 10, u->extension_reason);
	store_bind_text(s, 11, now);
	return store_step_done(store, s, error);
}

/* Earlier requests of the same kind about the same subjects. */
GPtrArray *
store_lifecycle_repeats(struct store *store, const char *request,
    const char *since, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "SELECT DISTINCT r.id FROM "
	    "dsr_requests r JOIN dsr_request_subjects rs ON rs.request = r.id "
	    "JOIN dsr_requests q ON q.id = ?1 WHERE r.kind = q.kind AND r.id != "
	    "q.id AND r.state != 'ignored' AND r.message IS NOT NULL AND "
	    "r.received_at >= ?2 AND (r.received_at < q.received_at OR "
	    "(r.received_at = q.received_at AND (r.year, r.number) < (q.year, "
	    "q.number))) AND rs.subject_key IN (SELECT subject_key FROM "
	    "dsr_request_subjects WHERE request = ?1) ORDER BY r.year, r.number",
	    error);

	if (s == NULL)
		return NULL;
	store_bind_text(s, 1, request);
	store_bind_text(s, 2, since);
	return lifecycle_ids(store, s, "looking for repeated requests", error);
}

/* Rate notices to a sender since a time. */
gint64
store_lifecycle_rate_told(struct store *store, const char *sender,
    const char *since, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "SELECT count(*) FROM dsr_outbox "
	    "WHERE template = 'rate_limited' AND recipient = ?1 AND created_at >= "
	    "?2", error);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, sender);
	store_bind_text(s, 2, since);
	return store_step_integer(store, s, "looking for rate notices", error);
}

/* A stored mail's bytes and sender. */
int
store_lifecycle_message(struct store *store, gint64 message,
    struct message_row *row, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "SELECT raw, from_address, dmarc, "
	    "size, oversized FROM dsr_messages WHERE id = ?1", error);
	int rc;

	memset(row, 0, sizeof *row);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, message);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) != SQLITE_NULL)
			row->raw = g_bytes_new(sqlite3_column_blob(s, 0),
			    (gsize)sqlite3_column_bytes(s, 0));
		row->from_address = store_column_text(s, 1);
		row->dmarc = store_column_text(s, 2);
		row->size = sqlite3_column_int64(s, 3);
		row->oversized = sqlite3_column_int(s, 4) != 0;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "reading the mail");
	return rc == SQLITE_ROW;
}

/* Free a token row (a GDestroyNotify). */
void
token_row_free(gpointer data)
{
	struct token_row *row = data;

	g_free(row->request);
	g_free(row->address);
	g_free(row->hash);
	g_free(row->expires_at);
	g_free(row->used_at);
	g_free(row);
}

/* Store a token's hash. */
int
store_token_add(struct store *store, const char *request, const char *purpose,
    const char *address, const char *hash, const char *now,
    const char *expires_at, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "INSERT INTO dsr_tokens(request, "
	    "purpose, address, token_hash, created_at, expires_at) VALUES (?1, ?2, "
	    "?3, ?4, ?5, ?6)", error);
	const char *texts[] = { request, purpose, address, hash, now, expires_at };
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < G_N_ELEMENTS(texts); i++)
		store_bind_text(s, (int)i + 1, texts[i]);
	return store_step_done(store, s, error);
}

/* Tokens of a request, or of every request a mail opened. */
GPtrArray *
store_token_list(struct store *store, const char *request, gint64 message,
    const char *purpose, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "SELECT t.id, t.request, "
	    "t.address, t.token_hash, t.expires_at, t.used_at FROM dsr_tokens t "
	    "JOIN dsr_requests r ON r.id = t.request WHERE t.purpose = ?1 AND "
	    "(t.request = ?2 OR (?3 != 0 AND r.message = ?3)) ORDER BY t.id", error);
	GPtrArray *rows;
	int rc;

	if (s == NULL)
		return NULL;
	store_bind_text(s, 1, purpose);
	store_bind_text(s, 2, request);
	sqlite3_bind_int64(s, 3, message);
	rows = g_ptr_array_new_with_free_func(token_row_free);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct token_row *row = g_new0(struct token_row, 1);
		row->id = sqlite3_column_int64(s, 0);
		row->request = store_column_text(s, 1);
		row->address = store_column_text(s, 2);
		row->hash = store_column_text(s, 3);
		row->expires_at = store_column_text(s, 4);
		row->used_at = store_column_text(s, 5);
		g_ptr_array_add(rows, row);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(rows);
		store_fail(store, error, "reading tokens");
		return NULL;
	}
	return rows;
}

/* Mark a token used. */
int
store_token_use(struct store *store, gint64 id, const char *now, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "UPDATE dsr_tokens SET used_at = "
	    "?2 WHERE id = ?1 AND used_at IS NULL", error);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, now);
	return store_step_done(store, s, error);
}

/* Free a change row (a GDestroyNotify). */
void
change_row_free(gpointer data)
{
	struct change_row *row = data;

	g_free(row->field);
	g_free(row->column_name);
	g_free(row->new_value);
	g_free(row->state);
	g_free(row);
}

/* A request's proposed changes. */
GPtrArray *
store_lifecycle_changes(struct store *store, const char *request, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "SELECT id, field, column_name, "
	    "new_value, state FROM dsr_changes WHERE request = ?1 ORDER BY id", error);
	GPtrArray *rows;
	int rc;

	if (s == NULL)
		return NULL;
	store_bind_text(s, 1, request);
	rows = g_ptr_array_new_with_free_func(change_row_free);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct change_row *row = g_new0(struct change_row, 1);
		row->id = sqlite3_column_int64(s, 0);
		row->field = store_column_text(s, 1);
		row->column_name = store_column_text(s, 2);
		row->new_value = store_column_text(s, 3);
		row->state = store_column_text(s, 4);
		g_ptr_array_add(rows, row);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(rows);
		store_fail(store, error, "reading the changes");
		return NULL;
	}
	return rows;
}

/* Record what happened to a change. */
int
store_lifecycle_change_set(struct store *store, gint64 id, const char *state,
    const char *old_value, const char *reason, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "UPDATE dsr_changes SET state = "
	    "?2, old_value = ?3, reason = ?4 WHERE id = ?1", error);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, state);
	store_bind_text(s, 3, old_value);
	store_bind_text(s, 4, reason);
	return store_step_done(store, s, error);
}

/* Was a reminder sent? */
int
store_reminder_sent(struct store *store, const char *request, const char *kind,
    GError **error)
{
	sqlite3_stmt *s = store_statement(store, "SELECT count(*) FROM "
	    "dsr_reminders WHERE request = ?1 AND kind = ?2", error);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, request);
	store_bind_text(s, 2, kind);
	return (int)store_step_integer(store, s, "reading reminders", error);
}

/* Note a reminder as sent. */
int
store_reminder_add(struct store *store, const char *request, const char *kind,
    const char *now, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "INSERT INTO dsr_reminders("
	    "request, kind, sent_at) VALUES (?1, ?2, ?3)", error);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, request);
	store_bind_text(s, 2, kind);
	store_bind_text(s, 3, now);
	return store_step_done(store, s, error);
}

/* Forget a request's reminders. */
int
store_reminder_clear(struct store *store, const char *request, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "DELETE FROM dsr_reminders "
	    "WHERE request = ?1", error);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, request);
	return store_step_done(store, s, error);
}
