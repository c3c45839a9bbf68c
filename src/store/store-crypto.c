/* store-crypto.c: the SQL of signatures and keys (see the header). */
#include <string.h>

#include "base/error.h"
#include "store/store-crypto.h"

/* The mails of request ?1: the one that opened it and those recorded on it
 * (a confirmation, a follow-up). */
#define REQUEST_MAILS "(SELECT message FROM dsr_requests WHERE id = ?1 " \
	"UNION SELECT message FROM dsr_events WHERE request = ?1 AND message " \
	"IS NOT NULL)"

/* Insert a signature. */
gint64
store_signature_add(struct store *store, const struct signature_record *record,
    GError **error)
{
	sqlite3_stmt *s = store_statement(store, "INSERT INTO dsr_signatures("
	    "message, protocol, status, trusted, bound, signer, address, key_id, "
	    "fingerprint, checked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10)", error);
	const char *const texts[] = { record->signer, record->address,
	    record->key_id, record->fingerprint, record->checked_at };
	size_t i;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, record->message);
	store_bind_text(s, 2, record->protocol);
	store_bind_text(s, 3, record->status);
	sqlite3_bind_int(s, 4, record->trusted ? 1 : 0);
	sqlite3_bind_int(s, 5, record->bound ? 1 : 0);
	for (i = 0; i < G_N_ELEMENTS(texts); i++)
		store_bind_text(s, 6 + (int)i, texts[i]);
	if (store_step_done(store, s, error) < 0)
		return -1;
	return sqlite3_last_insert_rowid(store_handle(store));
}

/* Free a signature row's strings. */
void
signature_row_clear(struct signature_row *row)
{
	g_clear_pointer(&row->protocol, g_free);
	g_clear_pointer(&row->status, g_free);
	g_clear_pointer(&row->address, g_free);
	g_clear_pointer(&row->key_id, g_free);
	g_clear_pointer(&row->fingerprint, g_free);
}

/* The signature of a mail. */
int
store_signature_of_message(struct store *store, gint64 message,
    struct signature_row *row, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "SELECT id, protocol, status, "
	    "address, key_id, fingerprint FROM dsr_signatures WHERE message = ?1 "
	    "ORDER BY id DESC LIMIT 1", error);
	int rc;

	memset(row, 0, sizeof *row);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, message);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		row->id = sqlite3_column_int64(s, 0);
		row->protocol = store_column_text(s, 1);
		row->status = store_column_text(s, 2);
		row->address = store_column_text(s, 3);
		row->key_id = store_column_text(s, 4);
		row->fingerprint = store_column_text(s, 5);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "reading the mail's signature");
	return rc == SQLITE_ROW;
}

/* Record a key for an address, once. */
int
store_key_add(struct store *store, const char *address, const char *protocol,
    const char *fingerprint, const char *source, gint64 message,
    const char *now, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "INSERT INTO dsr_keys(address, "
	    "protocol, fingerprint, source, message, added_at) SELECT ?1, ?2, ?3, "
	    "?4, nullif(?5, 0), ?6 WHERE NOT EXISTS (SELECT 1 FROM dsr_keys WHERE "
	    "address = ?1 AND protocol = ?2 AND fingerprint = ?3 AND source = ?4 "
	    "AND coalesce(message, 0) = ?5)", error);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, address);
	store_bind_text(s, 2, protocol);
	store_bind_text(s, 3, fingerprint);
	store_bind_text(s, 4, source);
	sqlite3_bind_int64(s, 5, message);
	store_bind_text(s, 6, now);
	return store_step_done(store, s, error);
}

/* The keys to encrypt a reply about a request to, best first. */
GPtrArray *
store_keys_for_request(struct store *store, const char *request,
    const char *address, GError **error)
{
	sqlite3_stmt *s = store_statement(store, "SELECT protocol, fingerprint "
	    "FROM (SELECT protocol, fingerprint, 0 AS rank, id FROM dsr_signatures "
	    "WHERE message IN " REQUEST_MAILS " AND status IN ('valid', "
	    "'untrusted') AND address = ?2 AND fingerprint IS NOT NULL "
	    "UNION ALL SELECT protocol, fingerprint, 1, id FROM dsr_keys WHERE "
	    "message IN " REQUEST_MAILS " AND address = ?2 "
	    "UNION ALL SELECT protocol, fingerprint, 2, id FROM dsr_keys WHERE "
	    "source = 'admin' AND address = ?2) ORDER BY rank, id DESC", error);
	GPtrArray *keys;
	int rc;

	if (s == NULL)
		return NULL;
	store_bind_text(s, 1, request);
	store_bind_text(s, 2, address);
	keys = g_ptr_array_new_with_free_func(g_free);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		g_ptr_array_add(keys, store_column_text(s, 0));
		g_ptr_array_add(keys, store_column_text(s, 1));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(keys);
		store_fail(store, error, "reading the subject's keys");
		return NULL;
	}
	return keys;
}
