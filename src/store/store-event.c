/* store-event.c: append to and verify the hash-chained event log. */
#include <stdarg.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "base/clock.h"
#include "base/error.h"
#include "store/store-event.h"

/* The hash of the chain's start, before the first event. */
#define CHAIN_START "0000000000000000000000000000000000000000000000000000000000000000"

/* SHA-256 over the previous hash and every field, each length-prefixed so
 * no two different rows can hash alike by shifting text between fields. */
static char *
event_hash(const char *previous, gint64 id, const char *request, const char *at,
    const char *type, const char *actor, const char *detail, gint64 message,
    gint64 outbox)
{
	g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
	const char *fields[] = { previous, request, at, type, actor, detail };
	char numbers[64];
	size_t i;

	g_snprintf(numbers, sizeof numbers, "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT
	    ":%" G_GINT64_FORMAT, id, message, outbox);
	g_checksum_update(checksum, (const guchar *)numbers, -1);
	for (i = 0; i < G_N_ELEMENTS(fields); i++) {
		char length[32];
		g_snprintf(length, sizeof length, "|%zu|", fields[i] ? strlen(fields[i]) : (size_t)-1);
		g_checksum_update(checksum, (const guchar *)length, -1);
		if (fields[i] != NULL)
			g_checksum_update(checksum, (const guchar *)fields[i], -1);
	}
	return g_strdup(g_checksum_get_string(checksum));
}

/* The last event's id and hash (CHAIN_START and 0 for an empty log). */
static int
event_last(struct store *store, gint64 *id, char **hash, GError **error)
{
	sqlite3_stmt *statement = store_statement(store,
	    "SELECT id, hash FROM dsr_events ORDER BY id DESC LIMIT 1", error);
	int rc;

	if (statement == NULL)
		return -1;
	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(statement, 0);
		*hash = store_column_text(statement, 1);
	} else {
		*id = 0;
		*hash = g_strdup(CHAIN_START);
	}
	sqlite3_reset(statement);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "reading the event log");
	return 0;
}

/* Bind an id or NULL for 0. */
static void
bind_row_id(sqlite3_stmt *statement, int index, gint64 id)
{
	if (id == 0)
		sqlite3_bind_null(statement, index);
	else
		sqlite3_bind_int64(statement, index, id);
}

/* Append one event to the chain. */
gint64
store_event_add(struct store *store, const struct event *event, GError **error)
{
	g_autofree char *previous = NULL, *hash = NULL;
	g_autofree char *at = clock_now_iso();
	sqlite3_stmt *statement;
	gint64 last_id;

	if (event_last(store, &last_id, &previous, error) < 0)
		return -1;
	hash = event_hash(previous, last_id + 1, event->request, at, event->type,
	    event->actor, event->detail, event->message, event->outbox);
	statement = store_statement(store, "INSERT INTO dsr_events(id, request, "
	    "at, type, actor, detail, message, outbox, previous_hash, hash) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", error);
	if (statement == NULL)
		return -1;
	sqlite3_bind_int64(statement, 1, last_id + 1);
	store_bind_text(statement, 2, event->request);
	store_bind_text(statement, 3, at);
	store_bind_text(statement, 4, event->type);
	store_bind_text(statement, 5, event->actor);
	store_bind_text(statement, 6, event->detail);
	bind_row_id(statement, 7, event->message);
	bind_row_id(statement, 8, event->outbox);
	store_bind_text(statement, 9, previous);
	store_bind_text(statement, 10, hash);
	if (store_step_done(store, statement, error) < 0)
		return -1;
	return last_id + 1;
}

/* JSON from text pairs and one optional number. */
char *
store_event_detail(const char *number_key, gint64 number, ...)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	const char *key;
	va_list ap;

	json_builder_begin_object(builder);
	va_start(ap, number);
	while ((key = va_arg(ap, const char *)) != NULL) {
		const char *value = va_arg(ap, const char *);
		if (value == NULL)
			continue;
		json_builder_set_member_name(builder, key);
		json_builder_add_string_value(builder, value);
	}
	va_end(ap);
	if (number_key != NULL) {
		json_builder_set_member_name(builder, number_key);
		json_builder_add_int_value(builder, number);
	}
	json_builder_end_object(builder);
	root = json_builder_get_root(builder);
	json_generator_set_root(generator, root);
	return json_generator_to_data(generator, NULL);
}

/* Recompute every hash in order; the first mismatch is reported. */
int
store_event_verify(struct store *store, gint64 *bad_id, char **problem,
    GError **error)
{
	sqlite3_stmt *statement = store_statement(store, "SELECT id, request, at, "
	    "type, actor, detail, coalesce(message, 0), coalesce(outbox, 0), "
	    "previous_hash, hash FROM dsr_events ORDER BY id", error);
	g_autofree char *expected_previous = g_strdup(CHAIN_START);
	gint64 expected_id = 1;
	int rc, result = 0;

	if (statement == NULL)
		return -1;
	while (result == 0 && (rc = sqlite3_step(statement)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64(statement, 0);
		const char *previous = (const char *)sqlite3_column_text(statement, 8);
		const char *stored = (const char *)sqlite3_column_text(statement, 9);
		g_autofree char *hash = event_hash(previous ? previous : "", id,
		    (const char *)sqlite3_column_text(statement, 1),
		    (const char *)sqlite3_column_text(statement, 2),
		    (const char *)sqlite3_column_text(statement, 3),
		    (const char *)sqlite3_column_text(statement, 4),
		    (const char *)sqlite3_column_text(statement, 5),
		    sqlite3_column_int64(statement, 6), sqlite3_column_int64(statement, 7));

		*bad_id = id;
		if (id != expected_id) {
			*problem = g_strdup_printf("event %" G_GINT64_FORMAT " is missing "
			    "(the next is %" G_GINT64_FORMAT ")", expected_id, id);
			*bad_id = expected_id;
			result = 1;
		} else if (g_strcmp0(previous, expected_previous) != 0) {
			*problem = g_strdup("its link to the previous event is broken");
			result = 1;
		} else if (g_strcmp0(stored, hash) != 0) {
			*problem = g_strdup("its content does not match its hash (changed)");
			result = 1;
		}
		g_free(expected_previous);
		expected_previous = g_strdup(stored);
		expected_id = id + 1;
	}
	sqlite3_reset(statement);
	if (result == 0 && rc != SQLITE_DONE)
		return store_fail(store, error, "reading the event log");
	return result;
}
