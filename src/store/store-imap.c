/* store-imap.c: the SQL of IMAP intake's bookkeeping. */
#include <json-glib/json-glib.h>

#include "base/clock.h"
#include "base/error.h"
#include "store/store-event.h"
#include "store/store-imap.h"

/* Read one folder's row. */
int
store_imap_folder_get(struct store *store, const char *folder,
    struct imap_folder_state *state, GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "SELECT uidvalidity, "
	    "last_uid FROM dsr_imap_folders WHERE folder = ?1", error);
	int rc;

	if (statement == NULL)
		return -1;
	store_bind_text(statement, 1, folder);
	rc = sqlite3_step(statement);
	state->known = rc == SQLITE_ROW;
	state->uidvalidity = state->known ? (guint32)sqlite3_column_int64(statement, 0) : 0;
	state->last_uid = state->known ? (guint32)sqlite3_column_int64(statement, 1) : 0;
	sqlite3_reset(statement);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "reading the IMAP folder state");
	return 0;
}

/* Upsert the folder's row; last_uid never goes back within a UIDVALIDITY. */
int
store_imap_folder_set(struct store *store, const char *folder,
    guint32 uidvalidity, guint32 last_uid, GError **error)
{
	g_autofree char *now = clock_now_iso();
	sqlite3_stmt *statement = store_statement(store, "INSERT INTO "
	    "dsr_imap_folders(folder, uidvalidity, last_uid, updated_at) "
	    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(folder) DO UPDATE SET "
	    "last_uid = CASE WHEN uidvalidity = excluded.uidvalidity "
	    "THEN max(last_uid, excluded.last_uid) ELSE excluded.last_uid END, "
	    "uidvalidity = excluded.uidvalidity, updated_at = excluded.updated_at",
	    error);

	if (statement == NULL)
		return -1;
	store_bind_text(statement, 1, folder);
	sqlite3_bind_int64(statement, 2, uidvalidity);
	sqlite3_bind_int64(statement, 3, last_uid);
	store_bind_text(statement, 4, now);
	return store_step_done(store, statement, error);
}

/* The intake_failed event's detail: where the mail is, and the class. */
static char *
failure_detail(const char *folder, guint32 uidvalidity, guint32 uid,
    const char *reason)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "folder");
	json_builder_add_string_value(builder, folder);
	json_builder_set_member_name(builder, "uidvalidity");
	json_builder_add_int_value(builder, uidvalidity);
	json_builder_set_member_name(builder, "uid");
	json_builder_add_int_value(builder, uid);
	json_builder_set_member_name(builder, "reason");
	json_builder_add_string_value(builder, reason);
	json_builder_end_object(builder);
	root = json_builder_get_root(builder);
	json_generator_set_root(generator, root);
	return json_generator_to_data(generator, NULL);
}

/* Insert or count up the failure; the event only with a new row. */
int
store_imap_failure_record(struct store *store, const char *folder,
    guint32 uidvalidity, guint32 uid, const char *reason, gboolean *first,
    GError **error)
{
	g_autofree char *now = clock_now_iso();
	g_autofree char *detail = NULL;
	sqlite3_stmt *statement;

	if (store_begin(store, error) < 0)
		return -1;
	statement = store_statement(store, "INSERT INTO dsr_imap_failures(folder, "
	    "uidvalidity, uid, first_failed_at, last_failed_at) VALUES "
	    "(?1, ?2, ?3, ?4, ?4) ON CONFLICT DO UPDATE SET "
	    "attempts = attempts + 1, last_failed_at = excluded.last_failed_at "
	    "RETURNING attempts", error);
	if (statement == NULL)
		goto fail;
	store_bind_text(statement, 1, folder);
	sqlite3_bind_int64(statement, 2, uidvalidity);
	sqlite3_bind_int64(statement, 3, uid);
	store_bind_text(statement, 4, now);
	if (sqlite3_step(statement) != SQLITE_ROW) {
		sqlite3_reset(statement);
		store_fail(store, error, "recording a mail intake could not store");
		goto fail;
	}
	*first = sqlite3_column_int64(statement, 0) == 1;
	sqlite3_reset(statement);
	if (*first) {
		struct event event = { NULL, "intake_failed", "system", NULL, 0, 0 };

		event.detail = detail = failure_detail(folder, uidvalidity, uid, reason);
		if (store_event_add(store, &event, error) < 0)
			goto fail;
	}
	return store_commit(store, error);
fail:
	store_rollback(store);
	return -1;
}
