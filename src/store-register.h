/* store-register.h: the customer register, reached only through the data map.
 * Table and column names come from a map that was checked against the
 * database; values are always bound parameters. */
#ifndef DSR_STORE_REGISTER_H
#define DSR_STORE_REGISTER_H

#include <glib.h>

#include "map.h"
#include "store.h"

/* The column names of a register table in database order, as a new array of
 * strings the caller frees (g_ptr_array_unref). NULL with DSR_ERROR_CONFIG if
 * the table does not exist (the message lists the tables that do). */
GPtrArray *store_register_columns(struct store *store, const char *table,
    GError **error);

/* Check that a hold's SQL (condition, and until if not NULL) compiles against
 * table. 0, or -1 with SQLite's complaint. */
int store_register_check_expression(struct store *store, const char *table,
    const char *condition, const char *until, GError **error);

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
