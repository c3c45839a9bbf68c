/* store-retention.c: SQL of the retention sweep on dsrmail's own tables. */
#include "base/error.h"
#include "store/store-retention.h"

/* Read a subject's dsr_retention row. */
int
store_retention_get(struct store *store, gint64 subject_key, char **data_hash,
    char **held, GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "SELECT data_hash, held "
	    "FROM dsr_retention WHERE subject_key = ?1", error);
	int rc;

	*data_hash = *held = NULL;
	if (statement == NULL)
		return -1;
	sqlite3_bind_int64(statement, 1, subject_key);
	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW) {
		*data_hash = store_column_text(statement, 0);
		*held = store_column_text(statement, 1);
	}
	sqlite3_reset(statement);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "reading the retention record");
	return rc == SQLITE_ROW;
}

/* Insert or replace a subject's dsr_retention row. */
int
store_retention_record(struct store *store, gint64 subject_key,
    const char *erased_at, const char *data_hash, const char *held,
    GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "INSERT OR REPLACE INTO "
	    "dsr_retention(subject_key, erased_at, data_hash, held) "
	    "VALUES (?1, ?2, ?3, ?4)", error);

	if (statement == NULL)
		return -1;
	sqlite3_bind_int64(statement, 1, subject_key);
	store_bind_text(statement, 2, erased_at);
	store_bind_text(statement, 3, data_hash);
	store_bind_text(statement, 4, held);
	return store_step_done(store, statement, error);
}

/* Messages with a raw mail received before cutoff. */
int
store_retention_old_raw(struct store *store, const char *cutoff,
    GArray *mails, GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "SELECT id, "
	    "coalesce(length(raw), 0) FROM dsr_messages WHERE raw IS NOT NULL "
	    "AND julianday(received_at) < julianday(?1) ORDER BY id", error);
	int rc;

	if (statement == NULL)
		return -1;
	store_bind_text(statement, 1, cutoff);
	while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
		struct raw_mail mail = { sqlite3_column_int64(statement, 0),
			sqlite3_column_int64(statement, 1) };
		g_array_append_val(mails, mail);
	}
	sqlite3_reset(statement);
	if (rc != SQLITE_DONE)
		return store_fail(store, error, "reading the stored mails");
	return 0;
}

/* What a raw mail past evidence retention takes with it: its bytes, its
 * sender's address, name and Subject, and, for the finished requests it
 * opened, their sender and the addresses of their tokens and sent mails.
 * Ids, dates, kinds, states, checksums and events stay. ?1 the message,
 * ?2 now. */
static const char *const forget_old_mail[] = {
	"UPDATE dsr_messages SET raw = NULL, raw_removed_at = ?2, "
	    "from_address = NULL, from_name = NULL, subject = NULL "
	    "WHERE id = ?1 AND raw IS NOT NULL",
	"UPDATE dsr_tokens SET address = '' WHERE request IN (SELECT id FROM "
	    "dsr_requests WHERE message = ?1 AND state IN ('done', 'rejected', "
	    "'expired', 'ignored', 'failed')) AND ?2 IS NOT NULL",
	"UPDATE dsr_outbox SET recipient = '' WHERE state != 'queued' AND "
	    "request IN (SELECT id FROM dsr_requests WHERE message = ?1 AND "
	    "state IN ('done', 'rejected', 'expired', 'ignored', 'failed')) "
	    "AND ?2 IS NOT NULL",
	"UPDATE dsr_requests SET sender = NULL WHERE message = ?1 AND state IN "
	    "('done', 'rejected', 'expired', 'ignored', 'failed') AND ?2 IS NOT NULL",
};

/* Clear one raw mail and the addresses it leaves behind, keep the rows. */
int
store_retention_remove_raw(struct store *store, gint64 message,
    const char *now, GError **error)
{
	guint i;

	for (i = 0; i < G_N_ELEMENTS(forget_old_mail); i++) {
		sqlite3_stmt *statement = store_statement(store, forget_old_mail[i],
		    error);

		if (statement == NULL)
			return -1;
		sqlite3_bind_int64(statement, 1, message);
		store_bind_text(statement, 2, now);
		if (store_step_done(store, statement, error) < 0)
			return -1;
	}
	return 0;
}
