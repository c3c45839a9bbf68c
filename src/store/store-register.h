/* store-register.h: the customer register, reached only through the data map.
 * Table and column names come from a map that was checked against the
 * database; values are always bound parameters. */
#ifndef DSR_STORE_REGISTER_H
#define DSR_STORE_REGISTER_H

#include <glib.h>

#include "rules/map.h"
#include "store/store.h"

/* Fill schema with what map_load asks of the register's database behind
 * store: its tables' column names in database order (pragma_table_info),
 * and whether a hold's SQL compiles. */
void store_register_schema(struct store *store, struct map_schema *schema);

/* Create the indexes the map needs for speed: the match column on its
 * normalised form, and every link column. Idempotent. */
int store_register_index(struct store *store, const struct map *map,
    GError **error);

/* The keys of every subject whose match column equals address after
 * normalisation (address_normalise), in key order. A new GArray of gint64
 * the caller frees; NULL with error on failure. */
GArray *store_register_find(struct store *store, const struct map *map,
    const char *address, GError **error);

/* Called once per row: values[i] is the value of table->columns->pdata[i]
 * (a GVariant of type x, d or s, or NULL for SQL NULL), owned by the caller
 * of the callback. Return 0 to go on, -1 (with error set) to stop. */
typedef int (*register_row_func)(const struct map_table *table,
    GVariant *const *values, void *data, GError **error);

/* Visit the rows of table that belong to the subject with subject_key, in
 * key order: the subject row itself, its child rows, or its parent row. */
int store_register_rows(struct store *store, const struct map *map,
    const struct map_table *table, gint64 subject_key,
    register_row_func callback, void *data, GError **error);

#endif

/* The key values of a subject's rows in table (subject row, child rows or
 * parent row), in key order. A new GArray of gint64 the caller frees. */
GArray *store_register_keys(struct store *store, const struct map *map,
    const struct map_table *table, gint64 subject_key, GError **error);

/* The subject's rows of hold->table matching the hold's condition, with :now
 * bound. keys gets their key values; *until (may be NULL) gets the latest
 * date the hold's `until` gives for them, or NULL. 0 or -1 with error. */
int store_register_held(struct store *store, const struct map *map,
    const struct map_hold *hold, gint64 subject_key, const char *now,
    GArray *keys, char **until, GError **error);

/* UPDATE table SET column = value WHERE key = row_key; value NULL sets NULL
 * (a GVariant of type x or s otherwise). Inside the caller's transaction. */
int store_register_set(struct store *store, const struct map_column *column,
    gint64 row_key, GVariant *value, GError **error);

/* DELETE the row of table whose key is row_key. */
int store_register_delete(struct store *store, const struct map_table *table,
    gint64 row_key, GError **error);

/* One value of a row as text (NULL for SQL NULL); the caller frees it. */
int store_register_get(struct store *store, const struct map_column *column,
    gint64 row_key, char **text, GError **error);

/* The subject's name: the values of the subject table's identity columns
 * (category identity), in map order, joined by spaces. *name gets a new
 * string, NULL when they are all empty or the row is gone. For replies and
 * the admin at the terminal, never for logs. 0, or -1 with error. */
int store_register_name(struct store *store, const struct map *map,
    gint64 key, char **name, GError **error);

/* The keys of every subject whose relationship_ended column (map) holds a
 * time before cutoff (ISO 8601), in key order; keys gets them. Subjects with
 * NULL or an unreadable date are not included. 0, or -1 with error. */
int store_register_ended_before(struct store *store, const struct map *map,
    const char *cutoff, GArray *keys, GError **error);
