/* store-outbox.c: the SQL of the outbox (see store-outbox.h). */
#include <string.h>

#include "base/clock.h"
#include "base/error.h"
#include "store/store-event.h"
#include "store/store-outbox.h"

#define ENTRY_COLUMNS "id, request, template, language, recipient, " \
	"message_id, state, created_at, next_attempt_at, attempts, last_error, " \
	"sent_at"

/* Free an entry. */
void
outbox_entry_free(gpointer pointer)
{
	struct outbox_entry *entry = pointer;

	if (entry == NULL)
		return;
	g_free(entry->request);
	g_free(entry->template);
	g_free(entry->language);
	g_free(entry->recipient);
	g_free(entry->message_id);
	if (entry->raw != NULL)
		g_bytes_unref(entry->raw);
	g_free(entry->state);
	g_free(entry->created_at);
	g_free(entry->next_attempt_at);
	g_free(entry->last_error);
	g_free(entry->sent_at);
	g_free(entry);
}

/* The event detail: {"template": ..., "smtp": "451", "attempts": n}; the
 * server's code only, since its text may name the recipient. */
static char *
event_detail(const char *template, int attempts, const char *answer)
{
	char code[4] = "";

	if (answer != NULL && g_ascii_isdigit(answer[0]) &&
	    g_ascii_isdigit(answer[1]) && g_ascii_isdigit(answer[2]))
		g_strlcpy(code, answer, sizeof code);
	return store_event_detail(attempts > 0 ? "attempts" : NULL, attempts,
	    "template", template, "smtp", code[0] != '\0' ? code : NULL, NULL);
}

/* Write the event of an outbox change. */
static int
outbox_event(struct store *store, const char *request, gint64 id,
    const char *type, const char *template, int attempts, const char *answer,
    GError **error)
{
	g_autofree char *detail = event_detail(template, attempts, answer);
	struct event event = { request, type, "system", detail, 0, id };

	return store_event_add(store, &event, error) < 0 ? -1 : 0;
}

/* Queue a mail with its event. */
gint64
store_outbox_add(struct store *store, const struct outbox_mail *mail,
    GError **error)
{
	g_autofree char *now = clock_now_iso();
	sqlite3_stmt *statement = store_statement(store, "INSERT INTO dsr_outbox("
	    "request, template, language, recipient, message_id, raw, created_at, "
	    "next_attempt_at, size, sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	    "?7, ?8, ?9)", error);
	gsize size;
	const void *raw = g_bytes_get_data(mail->raw, &size);
	g_autofree char *sha256 = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256,
	    mail->raw);
	gint64 id;

	if (statement == NULL)
		return -1;
	sqlite3_bind_int64(statement, 8, (sqlite3_int64)size);
	store_bind_text(statement, 9, sha256);
	store_bind_text(statement, 1, mail->request);
	store_bind_text(statement, 2, mail->template);
	store_bind_text(statement, 3, mail->language);
	store_bind_text(statement, 4, mail->recipient);
	store_bind_text(statement, 5, mail->message_id);
	sqlite3_bind_blob64(statement, 6, raw, size, SQLITE_STATIC);
	store_bind_text(statement, 7, now);
	if (store_step_done(store, statement, error) < 0)
		return -1;
	id = sqlite3_last_insert_rowid(store_handle(store));
	if (outbox_event(store, mail->request, id, "mail_queued", mail->template,
	    0, NULL, error) < 0)
		return -1;
	return id;
}

/* Read one row of ENTRY_COLUMNS (and raw in column 12 when with_raw). */
static struct outbox_entry *
entry_read(sqlite3_stmt *statement, gboolean with_raw)
{
	struct outbox_entry *entry = g_new0(struct outbox_entry, 1);

	entry->id = sqlite3_column_int64(statement, 0);
	entry->request = store_column_text(statement, 1);
	entry->template = store_column_text(statement, 2);
	entry->language = store_column_text(statement, 3);
	entry->recipient = store_column_text(statement, 4);
	entry->message_id = store_column_text(statement, 5);
	entry->state = store_column_text(statement, 6);
	entry->created_at = store_column_text(statement, 7);
	entry->next_attempt_at = store_column_text(statement, 8);
	entry->attempts = sqlite3_column_int(statement, 9);
	entry->last_error = store_column_text(statement, 10);
	entry->sent_at = store_column_text(statement, 11);
	if (with_raw)
		entry->raw = g_bytes_new(sqlite3_column_blob(statement, 12),
		    (gsize)sqlite3_column_bytes(statement, 12));
	return entry;
}

/* Collect every row of a prepared, bound statement. */
static GPtrArray *
entries_collect(struct store *store, sqlite3_stmt *statement,
    gboolean with_raw, GError **error)
{
	GPtrArray *entries = g_ptr_array_new_with_free_func(outbox_entry_free);
	int rc;

	while ((rc = sqlite3_step(statement)) == SQLITE_ROW)
		g_ptr_array_add(entries, entry_read(statement, with_raw));
	sqlite3_reset(statement);
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(entries);
		store_fail(store, error, "reading the outbox");
		return NULL;
	}
	return entries;
}

/* Forget where a walk was. */
void
store_outbox_cursor_clear(struct outbox_cursor *cursor)
{
	g_clear_pointer(&cursor->next_attempt_at, g_free);
	memset(cursor, 0, sizeof *cursor);
}

/* One page of the due mails. */
GPtrArray *
store_outbox_due(struct store *store, const char *now,
    struct outbox_cursor *cursor, int limit, GError **error)
{
	sqlite3_stmt *statement;
	GPtrArray *page;

	if (cursor->newest == 0) {
		statement = store_statement(store, "SELECT coalesce(max(id), 0) FROM "
		    "dsr_outbox", error);
		if (statement == NULL || (cursor->newest = store_step_integer(store,
		    statement, "reading the outbox", error)) < 0)
			return NULL;
	}
	statement = store_statement(store, "SELECT " ENTRY_COLUMNS ", raw FROM "
	    "dsr_outbox WHERE state = 'queued' AND next_attempt_at <= ?1 AND "
	    "id <= ?2 AND (?3 IS NULL OR next_attempt_at > ?3 OR "
	    "(next_attempt_at = ?3 AND id > ?4)) ORDER BY next_attempt_at, id "
	    "LIMIT ?5", error);
	if (statement == NULL)
		return NULL;
	store_bind_text(statement, 1, now);
	sqlite3_bind_int64(statement, 2, cursor->newest);
	store_bind_text(statement, 3, cursor->next_attempt_at);
	sqlite3_bind_int64(statement, 4, cursor->id);
	sqlite3_bind_int(statement, 5, limit);
	page = entries_collect(store, statement, TRUE, error);
	if (page != NULL && page->len > 0) {
		const struct outbox_entry *last = page->pdata[page->len - 1];

		g_free(cursor->next_attempt_at);
		cursor->next_attempt_at = g_strdup(last->next_attempt_at);
		cursor->id = last->id;
	}
	return page;
}

/* A request's mails. */
GPtrArray *
store_outbox_list(struct store *store, const char *request, GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "SELECT " ENTRY_COLUMNS
	    " FROM dsr_outbox WHERE request = ?1 ORDER BY id", error);

	if (statement == NULL)
		return NULL;
	store_bind_text(statement, 1, request);
	return entries_collect(store, statement, FALSE, error);
}

/* Count mails in a state. */
gint64
store_outbox_count(struct store *store, const char *state, GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "SELECT count(*) FROM "
	    "dsr_outbox WHERE state = ?1", error);
	gint64 count;

	if (statement == NULL)
		return -1;
	store_bind_text(statement, 1, state);
	if (sqlite3_step(statement) != SQLITE_ROW) {
		sqlite3_reset(statement);
		return store_fail(store, error, "counting the outbox");
	}
	count = sqlite3_column_int64(statement, 0);
	sqlite3_reset(statement);
	return count;
}

/* Update one mail's state and write its event. */
static int
outbox_update(struct store *store, const struct outbox_entry *entry,
    const char *state, const char *next_attempt, const char *answer,
    const char *event_type, GError **error)
{
	g_autofree char *now = clock_now_iso();
	/* Sent or failed for good: the bytes go, the evidence stays. */
	sqlite3_stmt *statement = store_statement(store, "UPDATE dsr_outbox SET "
	    "state = ?2, attempts = attempts + 1, last_error = ?3, "
	    "next_attempt_at = coalesce(?4, next_attempt_at), "
	    "sent_at = CASE WHEN ?2 = 'sent' THEN ?5 ELSE sent_at END, "
	    "raw = CASE WHEN ?2 = 'queued' THEN raw ELSE X'' END, "
	    "raw_removed_at = CASE WHEN ?2 = 'queued' THEN NULL ELSE ?5 END "
	    "WHERE id = ?1 AND state = 'queued'", error);

	if (statement == NULL)
		return -1;
	sqlite3_bind_int64(statement, 1, entry->id);
	store_bind_text(statement, 2, state);
	store_bind_text(statement, 3, answer);
	store_bind_text(statement, 4, next_attempt);
	store_bind_text(statement, 5, now);
	if (store_step_done(store, statement, error) < 0)
		return -1;
	if (sqlite3_changes(store_handle(store)) != 1) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_TEMPORARY, "outbox mail %"
		    G_GINT64_FORMAT " is no longer queued (another dsrmail send?); "
		    "run send again", entry->id);
		return -1;
	}
	return outbox_event(store, entry->request, entry->id, event_type,
	    entry->template, entry->attempts + 1, answer, error);
}

/* Mark a mail sent. */
int
store_outbox_mark_sent(struct store *store, const struct outbox_entry *entry,
    GError **error)
{
	return outbox_update(store, entry, "sent", NULL, NULL, "mail_sent", error);
}

/* Mark a mail for another try. */
int
store_outbox_mark_retry(struct store *store, const struct outbox_entry *entry,
    const char *next_attempt, const char *answer, GError **error)
{
	return outbox_update(store, entry, "queued", next_attempt, answer,
	    "mail_deferred", error);
}

/* Mark a mail failed for good. */
int
store_outbox_mark_failed(struct store *store, const struct outbox_entry *entry,
    const char *answer, GError **error)
{
	return outbox_update(store, entry, "failed", NULL, answer, "mail_failed",
	    error);
}
