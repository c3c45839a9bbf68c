/* store-request.c: the SQL of intake: dsr_messages, dsr_requests,
 * dsr_request_subjects, dsr_changes, and bounce marks on dsr_outbox. */
#include <string.h>

#include "base/clock.h"
#include "base/error.h"
#include "store/store-request.h"

/* Find an earlier copy of a mail. */
gint64
store_message_find(struct store *store, const char *message_id,
    const char *sha256, guint32 uidvalidity, guint32 uid, GError **error)
{
	sqlite3_stmt *statement;
	gint64 found;

	if (uidvalidity != 0) {
		statement = store_statement(store, "SELECT id FROM dsr_messages WHERE "
		    "imap_uidvalidity = ?1 AND imap_uid = ?2 LIMIT 1", error);
		if (statement == NULL)
			return -1;
		sqlite3_bind_int64(statement, 1, uidvalidity);
		sqlite3_bind_int64(statement, 2, uid);
		if ((found = store_step_integer(store, statement, "looking for the mail", error)) != 0)
			return found;
	}
	if (message_id != NULL) {
		statement = store_statement(store, "SELECT id FROM dsr_messages "
		    "WHERE message_id = ?1", error);
		if (statement == NULL)
			return -1;
		store_bind_text(statement, 1, message_id);
	} else {
		statement = store_statement(store, "SELECT id FROM dsr_messages "
		    "WHERE sha256 = ?1 AND message_id IS NULL ORDER BY id LIMIT 1", error);
		if (statement == NULL)
			return -1;
		store_bind_text(statement, 1, sha256);
	}
	return store_step_integer(store, statement, "looking for the mail", error);
}

/* Bind an integer, or NULL for 0. */
static void
bind_optional(sqlite3_stmt *statement, int index, gint64 value)
{
	if (value == 0)
		sqlite3_bind_null(statement, index);
	else
		sqlite3_bind_int64(statement, index, value);
}

/* Insert one mail. */
gint64
store_message_add(struct store *store, const struct message_record *record,
    GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "INSERT INTO "
	    "dsr_messages(message_id, sha256, source, imap_uidvalidity, imap_uid, "
	    "received_at, size, from_address, from_name, reply_to, return_path, "
	    "subject, language, dmarc, dkim, screened, raw, oversized, "
	    "written_language, hints) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)", error);
	const char *const texts[] = { record->from_address, record->from_name,
	    record->reply_to, record->return_path, record->subject,
	    record->language, record->dmarc, record->dkim, record->screened };
	gboolean later;
	gint64 id;
	size_t i;

	if (statement == NULL)
		return -1;
	store_bind_text(statement, 1, record->message_id);
	store_bind_text(statement, 2, record->sha256);
	store_bind_text(statement, 3, record->source);
	bind_optional(statement, 4, record->imap_uidvalidity);
	bind_optional(statement, 5, record->imap_uidvalidity != 0 ? record->imap_uid : 0);
	store_bind_text(statement, 6, record->received_at);
	sqlite3_bind_int64(statement, 7, record->size);
	for (i = 0; i < G_N_ELEMENTS(texts); i++)
		store_bind_text(statement, 8 + (int)i, texts[i]);
	/* (raw is the table's last column with bytes: SQLite keeps a large
	 * one's zeros out of the record, and store_blob_fill writes the mail in
	 * pieces. Keep it so in schema.sql.) */
	store_bind_blob(statement, 17, record->raw, &later);
	sqlite3_bind_int(statement, 18, record->oversized ? 1 : 0);
	store_bind_text(statement, 19, record->written_language);
	store_bind_text(statement, 20, record->hints);
	if (store_step_done(store, statement, error) < 0)
		return -1;
	id = sqlite3_last_insert_rowid(store_handle(store));
	if (later && store_blob_fill(store, "dsr_messages", "raw", id, record->raw,
	    error) < 0)
		return -1;
	return id;
}

/* Count a sender's recent mails (sender_rate). */
gint64
store_message_count_from(struct store *store, const char *address,
    const char *since, GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "SELECT count(*) FROM "
	    "dsr_messages WHERE from_address = ?1 AND received_at >= ?2", error);

	if (statement == NULL)
		return -1;
	store_bind_text(statement, 1, address);
	store_bind_text(statement, 2, since);
	return store_step_integer(store, statement, "counting the sender's mails", error);
}

/* The requests a mail opened (dsr_requests.message) or continued (events). */
GPtrArray *
store_message_requests(struct store *store, gint64 message, GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "SELECT id FROM "
	    "dsr_requests WHERE message = ?1 UNION SELECT request FROM dsr_events "
	    "WHERE message = ?1 AND request IS NOT NULL ORDER BY 1", error);
	GPtrArray *ids;
	int rc;

	if (statement == NULL)
		return NULL;
	sqlite3_bind_int64(statement, 1, message);
	ids = g_ptr_array_new_with_free_func(g_free);
	while ((rc = sqlite3_step(statement)) == SQLITE_ROW)
		g_ptr_array_add(ids, store_column_text(statement, 0));
	sqlite3_reset(statement);
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(ids);
		store_fail(store, error, "reading the mail's requests");
		return NULL;
	}
	return ids;
}

/* The next request number of a year. */
static gint64
request_next_number(struct store *store, int year, GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "SELECT coalesce(max("
	    "number), 0) + 1 FROM dsr_requests WHERE year = ?1", error);

	if (statement == NULL)
		return -1;
	sqlite3_bind_int(statement, 1, year);
	return store_step_integer(store, statement, "numbering the request", error);
}

/* Insert a request with a fresh id. */
char *
store_request_add(struct store *store, const struct request_record *record,
    GError **error)
{
	/* GDPR Art. 12(3): answer within one calendar month of receipt. */
	static const struct duration month = { 1, 0 };
	int year = g_date_time_get_year(record->received);
	gint64 number = request_next_number(store, year, error);
	g_autoptr(GDateTime) due = duration_add(record->received, &month);
	g_autofree char *received = clock_format_iso(record->received);
	g_autofree char *due_text = clock_format_iso(due);
	char *id;
	sqlite3_stmt *statement;

	if (number < 0)
		return NULL;
	statement = store_statement(store, "INSERT INTO dsr_requests(id, year, "
	    "number, kind, state, message, sender, language, received_at, due_at, "
	    "hold_reasons, updated_at, confidence, mark) VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?9, ?12, ?13)", error);
	if (statement == NULL)
		return NULL;
	id = g_strdup_printf("DSR-%04d-%04" G_GINT64_FORMAT, year, number);
	store_bind_text(statement, 1, id);
	sqlite3_bind_int(statement, 2, year);
	sqlite3_bind_int64(statement, 3, number);
	store_bind_text(statement, 4, record->kind);
	store_bind_text(statement, 5, record->state);
	bind_optional(statement, 6, record->message);
	store_bind_text(statement, 7, record->sender);
	store_bind_text(statement, 8, record->language);
	store_bind_text(statement, 9, received);
	store_bind_text(statement, 10, due_text);
	store_bind_text(statement, 11, record->hold_reasons);
	if (record->confidence >= 0)
		sqlite3_bind_double(statement, 12, record->confidence);
	else
		sqlite3_bind_null(statement, 12);
	store_bind_text(statement, 13, record->mark);
	if (store_step_done(store, statement, error) < 0)
		g_clear_pointer(&id, g_free);
	return id;
}

/* Does a mail naming request id continue it? */
int
store_request_continues(struct store *store, const char *id, GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "SELECT count(*) FROM "
	    "dsr_requests WHERE id = ?1 AND state != 'ignored'", error);

	if (statement == NULL)
		return -1;
	store_bind_text(statement, 1, id);
	return (int)store_step_integer(store, statement, "looking up the request", error);
}

/* Link a subject. */
int
store_request_add_subject(struct store *store, const char *request,
    gint64 subject_key, GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "INSERT OR IGNORE INTO "
	    "dsr_request_subjects(request, subject_key) VALUES (?1, ?2)", error);

	if (statement == NULL)
		return -1;
	store_bind_text(statement, 1, request);
	sqlite3_bind_int64(statement, 2, subject_key);
	return store_step_done(store, statement, error);
}

/* Store a proposed change. */
int
store_request_add_change(struct store *store, const char *request,
    const char *field, const char *column, const char *value, GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "INSERT INTO "
	    "dsr_changes(request, field, column_name, new_value) VALUES (?1, ?2, "
	    "?3, ?4)", error);

	if (statement == NULL)
		return -1;
	store_bind_text(statement, 1, request);
	store_bind_text(statement, 2, field);
	store_bind_text(statement, 3, column);
	store_bind_text(statement, 4, value);
	return store_step_done(store, statement, error);
}

/* Find our outbox mail by Message-ID, written without <> or with them:
 * one index lookup for each (a two-value IN list would build a temporary
 * table for every mail). */
int
store_outbox_find(struct store *store, const char *message_id, gint64 *outbox,
    char **request, GError **error)
{
	g_autofree char *bracketed = g_strdup_printf("<%s>", message_id);
	const char *const forms[] = { message_id, bracketed };
	sqlite3_stmt *statement;
	int rc = SQLITE_DONE;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(forms) && rc == SQLITE_DONE; i++) {
		statement = store_statement(store, "SELECT id, request FROM "
		    "dsr_outbox WHERE message_id = ?1", error);
		if (statement == NULL)
			return -1;
		store_bind_text(statement, 1, forms[i]);
		rc = sqlite3_step(statement);
		if (rc == SQLITE_ROW) {
			*outbox = sqlite3_column_int64(statement, 0);
			*request = store_column_text(statement, 1);
		}
		sqlite3_reset(statement);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "looking up the outbox");
	return rc == SQLITE_ROW;
}

/* Mark a bounce. */
int
store_outbox_mark_bounced(struct store *store, gint64 outbox,
    const char *reason, GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "UPDATE dsr_outbox SET "
	    "state = 'bounced', last_error = ?2 WHERE id = ?1", error);

	if (statement == NULL)
		return -1;
	sqlite3_bind_int64(statement, 1, outbox);
	store_bind_text(statement, 2, reason);
	return store_step_done(store, statement, error);
}
