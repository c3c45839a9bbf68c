/* store-register.c: SQL on the customer register, built from the data map.
 * Identifiers are quoted and come only from the checked map; the statements
 * are built once per shape and cached by the store (g_intern_string keeps
 * their text alive). */
#include <string.h>

#include "base/address.h"
#include "base/error.h"
#include "store/store-register.h"

/* Append an SQL identifier, double-quoted with quotes doubled. */
static void
append_identifier(GString *sql, const char *name)
{
	const char *p;

	g_string_append_c(sql, '"');
	for (p = name; *p != '\0'; p++) {
		if (*p == '"')
			g_string_append_c(sql, '"');
		g_string_append_c(sql, *p);
	}
	g_string_append_c(sql, '"');
}

/* The tables the register has, for an error message; the caller frees it. */
static char *
register_table_names(struct store *store)
{
	GString *names = g_string_new(NULL);
	sqlite3_stmt *statement = store_statement(store, "SELECT name FROM "
	    "sqlite_schema WHERE type = 'table' AND name NOT LIKE 'dsr\\_%' "
	    "ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", NULL);

	while (statement != NULL && sqlite3_step(statement) == SQLITE_ROW)
		g_string_append_printf(names, "%s%s", names->len ? ", " : "",
		    (const char *)sqlite3_column_text(statement, 0));
	if (statement != NULL)
		sqlite3_reset(statement);
	return g_string_free(names, FALSE);
}

/* Column names of a table through pragma_table_info (a bound parameter). */
static GPtrArray *
register_columns(void *database, const char *table, GError **error)
{
	struct store *store = database;
	sqlite3_stmt *statement = store_statement(store,
	    "SELECT name FROM pragma_table_info(?1) ORDER BY cid", error);
	GPtrArray *names;
	int rc;

	if (statement == NULL)
		return NULL;
	names = g_ptr_array_new_with_free_func(g_free);
	store_bind_text(statement, 1, table);
	while ((rc = sqlite3_step(statement)) == SQLITE_ROW)
		g_ptr_array_add(names, store_column_text(statement, 0));
	sqlite3_reset(statement);
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(names);
		store_fail(store, error, "reading the register's columns");
		return NULL;
	}
	if (names->len == 0) {
		g_autofree char *have = register_table_names(store);
		g_ptr_array_unref(names);
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "the database %s has "
		    "no table \"%s\"; it has: %s", store_path(store), table,
		    *have ? have : "no register tables (run \"dsrmail init\"?)");
		return NULL;
	}
	return names;
}

/* Prepare (and throw away) the hold's query to see that it compiles. */
static int
register_check_expression(void *database, const char *table,
    const char *condition, const char *until, GError **error)
{
	struct store *store = database;
	g_autoptr(GString) sql = g_string_new("SELECT ");
	sqlite3_stmt *statement = NULL;

	g_string_append_printf(sql, "(%s) FROM ", until != NULL ? until : "1");
	append_identifier(sql, table);
	g_string_append_printf(sql, " WHERE (%s) LIMIT 0", condition);
	if (sqlite3_prepare_v2(store_handle(store), sql->str, -1, &statement,
	    NULL) != SQLITE_OK) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s",
		    sqlite3_errmsg(store_handle(store)));
		return -1;
	}
	sqlite3_finalize(statement);
	return 0;
}

/* What map_load asks of the database (see store-register.h). */
void
store_register_schema(struct store *store, struct map_schema *schema)
{
	schema->columns = register_columns;
	schema->check_expression = register_check_expression;
	schema->database = store;
}

/* Run one CREATE INDEX IF NOT EXISTS built from the map. */
static int
register_create_index(struct store *store, const char *name, const char *table,
    const char *expression, GError **error)
{
	g_autoptr(GString) sql = g_string_new("CREATE INDEX IF NOT EXISTS ");

	append_identifier(sql, name);
	g_string_append(sql, " ON ");
	append_identifier(sql, table);
	g_string_append_printf(sql, "(%s)", expression);
	if (sqlite3_exec(store_handle(store), sql->str, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(store, error, "indexing the register");
	return 0;
}

/* The normalised-match expression: must be the same text in index and query. */
static char *
match_expression(const struct map *map)
{
	g_autoptr(GString) column = g_string_new(NULL);

	append_identifier(column, map->match->name);
	return g_strdup_printf("lower(trim(%s, ' ' || char(9, 10, 13)))", column->str);
}

/* Index the match column (normalised) and the link columns. */
int
store_register_index(struct store *store, const struct map *map, GError **error)
{
	g_autofree char *match = match_expression(map);
	g_autofree char *match_name = g_strdup_printf("dsr_match_%s", map->subject->name);
	guint i;

	if (register_create_index(store, match_name, map->subject->name, match, error) < 0)
		return -1;
	for (i = 0; i < map->tables->len; i++) {
		const struct map_table *table = map->tables->pdata[i];
		g_autoptr(GString) column = g_string_new(NULL);
		g_autofree char *name = NULL;

		if (table->link != LINK_CHILD)
			continue;
		append_identifier(column, table->link_column);
		name = g_strdup_printf("dsr_link_%s_%s", table->name, table->link_column);
		if (register_create_index(store, name, table->name, column->str, error) < 0)
			return -1;
	}
	return 0;
}

/* Find subjects by normalised address. */
GArray *
store_register_find(struct store *store, const struct map *map,
    const char *address, GError **error)
{
	g_autoptr(GString) sql = g_string_new("SELECT ");
	g_autofree char *match = match_expression(map);
	g_autofree char *normal = address_normalise(address);
	sqlite3_stmt *statement;
	GArray *keys;
	int rc;

	append_identifier(sql, map->subject->key);
	g_string_append(sql, " FROM ");
	append_identifier(sql, map->subject->name);
	g_string_append_printf(sql, " WHERE %s = ?1 ORDER BY 1", match);
	statement = store_statement(store, g_intern_string(sql->str), error);
	if (statement == NULL)
		return NULL;
	store_bind_text(statement, 1, normal);
	keys = g_array_new(FALSE, FALSE, sizeof(gint64));
	while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
		gint64 key = sqlite3_column_int64(statement, 0);
		g_array_append_val(keys, key);
	}
	sqlite3_reset(statement);
	if (rc != SQLITE_DONE) {
		g_array_unref(keys);
		store_fail(store, error, "looking up the sender");
		return NULL;
	}
	return keys;
}

static void append_subject_filter(GString *sql, const struct map *map,
    const struct map_table *table);

/* SELECT every mapped column of table for one subject, in key order. */
static const char *
rows_query(const struct map *map, const struct map_table *table)
{
	g_autoptr(GString) sql = g_string_new("SELECT ");
	guint i;

	for (i = 0; i < table->columns->len; i++) {
		if (i > 0)
			g_string_append(sql, ", ");
		append_identifier(sql, ((struct map_column *)table->columns->pdata[i])->name);
	}
	g_string_append(sql, " FROM ");
	append_identifier(sql, table->name);
	g_string_append(sql, " WHERE ");
	append_subject_filter(sql, map, table);
	g_string_append(sql, " ORDER BY ");
	append_identifier(sql, table->key);
	return g_intern_string(sql->str);
}

/* One column of the current row as a GVariant, NULL for SQL NULL. */
static GVariant *
column_variant(sqlite3_stmt *statement, int index)
{
	switch (sqlite3_column_type(statement, index)) {
	case SQLITE_INTEGER:
		return g_variant_ref_sink(g_variant_new_int64(
		    sqlite3_column_int64(statement, index)));
	case SQLITE_FLOAT:
		return g_variant_ref_sink(g_variant_new_double(
		    sqlite3_column_double(statement, index)));
	case SQLITE_NULL:
		return NULL;
	default: {
		/* Text, and blobs as text: the register holds no binary data. */
		const char *text = (const char *)sqlite3_column_text(statement, index);
		if (!g_utf8_validate(text, -1, NULL)) {
			g_autofree char *valid = g_utf8_make_valid(text, -1);
			return g_variant_ref_sink(g_variant_new_string(valid));
		}
		return g_variant_ref_sink(g_variant_new_string(text));
	}
	}
}

/* Visit a subject's rows of one table. */
int
store_register_rows(struct store *store, const struct map *map,
    const struct map_table *table, gint64 subject_key,
    register_row_func callback, void *data, GError **error)
{
	sqlite3_stmt *statement = store_statement(store, rows_query(map, table), error);
	guint n = table->columns->len, i;
	g_autofree GVariant **values = g_new0(GVariant *, n);
	int rc, result = 0;

	if (statement == NULL)
		return -1;
	sqlite3_bind_int64(statement, 1, subject_key);
	while (result == 0 && (rc = sqlite3_step(statement)) == SQLITE_ROW) {
		for (i = 0; i < n; i++)
			values[i] = column_variant(statement, (int)i);
		result = callback(table, values, data, error);
		for (i = 0; i < n; i++)
			g_clear_pointer(&values[i], g_variant_unref);
	}
	sqlite3_reset(statement);
	if (result == 0 && rc != SQLITE_DONE)
		return store_fail(store, error, "reading the register");
	return result;
}

/* The WHERE clause that selects a subject's rows of table (?1 = subject key). */
static void
append_subject_filter(GString *sql, const struct map *map,
    const struct map_table *table)
{
	switch (table->link) {
	case LINK_SUBJECT:
		append_identifier(sql, table->key);
		g_string_append(sql, " = ?1");
		break;
	case LINK_CHILD:
		append_identifier(sql, table->link_column);
		g_string_append(sql, " = ?1");
		break;
	case LINK_PARENT:
		append_identifier(sql, table->key);
		g_string_append(sql, " = (SELECT ");
		append_identifier(sql, table->link_column);
		g_string_append(sql, " FROM ");
		append_identifier(sql, map->subject->name);
		g_string_append(sql, " WHERE ");
		append_identifier(sql, map->subject->key);
		g_string_append(sql, " = ?1)");
		break;
	}
}

/* Collect column 0 of every row as gint64 (and column 1 as the max text). */
static int
collect_keys(struct store *store, sqlite3_stmt *statement, GArray *keys,
    char **latest, GError **error)
{
	int rc;

	while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
		gint64 key = sqlite3_column_int64(statement, 0);
		const char *text = latest ? (const char *)sqlite3_column_text(statement, 1) : NULL;

		g_array_append_val(keys, key);
		if (text != NULL && (*latest == NULL || strcmp(text, *latest) > 0)) {
			g_free(*latest);
			*latest = g_strdup(text);
		}
	}
	sqlite3_reset(statement);
	if (rc != SQLITE_DONE)
		return store_fail(store, error, "reading the register");
	return 0;
}

/* The key values of a subject's rows in one table. */
GArray *
store_register_keys(struct store *store, const struct map *map,
    const struct map_table *table, gint64 subject_key, GError **error)
{
	g_autoptr(GString) sql = g_string_new("SELECT ");
	sqlite3_stmt *statement;
	GArray *keys = g_array_new(FALSE, FALSE, sizeof(gint64));

	append_identifier(sql, table->key);
	g_string_append(sql, " FROM ");
	append_identifier(sql, table->name);
	g_string_append(sql, " WHERE ");
	append_subject_filter(sql, map, table);
	g_string_append(sql, " ORDER BY 1");
	statement = store_statement(store, g_intern_string(sql->str), error);
	if (statement == NULL)
		goto fail;
	sqlite3_bind_int64(statement, 1, subject_key);
	if (collect_keys(store, statement, keys, NULL, error) < 0)
		goto fail;
	return keys;
fail:
	g_array_unref(keys);
	return NULL;
}

/* The subject's rows a hold keeps, and the latest date it keeps them to. */
int
store_register_held(struct store *store, const struct map *map,
    const struct map_hold *hold, gint64 subject_key, const char *now,
    GArray *keys, char **until, GError **error)
{
	g_autoptr(GString) sql = g_string_new("SELECT ");
	sqlite3_stmt *statement;
	int now_index;

	append_identifier(sql, hold->table->key);
	g_string_append_printf(sql, ", (%s) FROM ", hold->until ? hold->until : "NULL");
	append_identifier(sql, hold->table->name);
	g_string_append(sql, " WHERE ");
	append_subject_filter(sql, map, hold->table);
	g_string_append_printf(sql, " AND (%s) ORDER BY 1", hold->condition);
	statement = store_statement(store, g_intern_string(sql->str), error);
	if (statement == NULL)
		return -1;
	sqlite3_bind_int64(statement, 1, subject_key);
	now_index = sqlite3_bind_parameter_index(statement, ":now");
	if (now_index > 0)
		store_bind_text(statement, now_index, now);
	return collect_keys(store, statement, keys, until, error);
}

/* Set one register value by row key. */
int
store_register_set(struct store *store, const struct map_column *column,
    gint64 row_key, GVariant *value, GError **error)
{
	g_autoptr(GString) sql = g_string_new("UPDATE ");
	sqlite3_stmt *statement;

	append_identifier(sql, column->table->name);
	g_string_append(sql, " SET ");
	append_identifier(sql, column->name);
	g_string_append(sql, " = ?1 WHERE ");
	append_identifier(sql, column->table->key);
	g_string_append(sql, " = ?2");
	statement = store_statement(store, g_intern_string(sql->str), error);
	if (statement == NULL)
		return -1;
	if (value == NULL)
		sqlite3_bind_null(statement, 1);
	else if (g_variant_is_of_type(value, G_VARIANT_TYPE_INT64))
		sqlite3_bind_int64(statement, 1, g_variant_get_int64(value));
	else
		store_bind_text(statement, 1, g_variant_get_string(value, NULL));
	sqlite3_bind_int64(statement, 2, row_key);
	return store_step_done(store, statement, error);
}

/* Delete one register row by key. */
int
store_register_delete(struct store *store, const struct map_table *table,
    gint64 row_key, GError **error)
{
	g_autoptr(GString) sql = g_string_new("DELETE FROM ");
	sqlite3_stmt *statement;

	append_identifier(sql, table->name);
	g_string_append(sql, " WHERE ");
	append_identifier(sql, table->key);
	g_string_append(sql, " = ?1");
	statement = store_statement(store, g_intern_string(sql->str), error);
	if (statement == NULL)
		return -1;
	sqlite3_bind_int64(statement, 1, row_key);
	return store_step_done(store, statement, error);
}

/* Read one register value as text. */
int
store_register_get(struct store *store, const struct map_column *column,
    gint64 row_key, char **text, GError **error)
{
	g_autoptr(GString) sql = g_string_new("SELECT ");
	sqlite3_stmt *statement;
	int rc;

	append_identifier(sql, column->name);
	g_string_append(sql, " FROM ");
	append_identifier(sql, column->table->name);
	g_string_append(sql, " WHERE ");
	append_identifier(sql, column->table->key);
	g_string_append(sql, " = ?1");
	statement = store_statement(store, g_intern_string(sql->str), error);
	if (statement == NULL)
		return -1;
	sqlite3_bind_int64(statement, 1, row_key);
	*text = NULL;
	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW)
		*text = store_column_text(statement, 0);
	sqlite3_reset(statement);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "reading the register");
	return 0;
}

/* The subject's name from its identity columns (see the header). */
int
store_register_name(struct store *store, const struct map *map, gint64 key,
    char **name, GError **error)
{
	const struct map_table *table = map->subject;
	g_autoptr(GString) joined = g_string_new(NULL);
	guint i;

	*name = NULL;
	for (i = 0; i < table->columns->len; i++) {
		const struct map_column *column = table->columns->pdata[i];
		g_autofree char *value = NULL;

		if (g_strcmp0(column->category, "identity") != 0)
			continue;
		if (store_register_get(store, column, key, &value, error) < 0)
			return -1;
		if (value != NULL && *value != '\0')
			g_string_append_printf(joined, "%s%s", joined->len ? " " : "", value);
	}
	if (joined->len > 0)
		*name = g_string_free(g_steal_pointer(&joined), FALSE);
	return 0;
}

/* Subjects whose relationship ended before cutoff (N6). julianday() reads
 * both a date and a time with a zone, so the comparison is by time. */
int
store_register_ended_before(struct store *store, const struct map *map,
    const char *cutoff, GArray *keys, GError **error)
{
	g_autoptr(GString) sql = g_string_new("SELECT ");
	sqlite3_stmt *statement;

	append_identifier(sql, map->subject->key);
	g_string_append(sql, " FROM ");
	append_identifier(sql, map->subject->name);
	g_string_append(sql, " WHERE julianday(");
	append_identifier(sql, map->relationship_ended->name);
	g_string_append(sql, ") < julianday(?1) ORDER BY 1");
	statement = store_statement(store, g_intern_string(sql->str), error);
	if (statement == NULL)
		return -1;
	store_bind_text(statement, 1, cutoff);
	return collect_keys(store, statement, keys, NULL, error);
}
