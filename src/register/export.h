/* export.h: the export bundle an access or portability reply attaches
 * (N3, N7, N10): export.json, one CSV per table, summary.html. */
#ifndef DSR_EXPORT_H
#define DSR_EXPORT_H

#include <glib.h>

#include "rules/map.h"
#include "rules/notice.h"
#include "store/store.h"

struct config;

/* One file of the bundle, in memory. */
struct bundle_file {
	char *name;           /* "export.json", "customers.csv", "summary.html" */
	char *content_type;   /* "application/json", "text/csv", "text/html" */
	GBytes *data;
};

/* Build the bundle for every subject whose match column equals address.
 * language picks labels and headings; now is the export time.
 * Returns a new array of struct bundle_file * (free with g_ptr_array_unref),
 * empty when no subject matches; NULL with error on failure. */
GPtrArray *export_bundle_build(struct store *store, const struct map *map,
    const struct notice *notice, const struct config *config,
    const char *address, enum language language, GDateTime *now,
    GError **error);

/* Write the bundle's files into dir (created 0700 if missing), each file
 * 0600, written to a temporary name, synced and renamed. */
int export_bundle_write(GPtrArray *bundle, const char *dir, GError **error);

/* A register value (a GVariant of type x, d or s, as store_register_rows
 * gives it) as text, "" for NULL: as the CSV and the summary write it. The
 * caller frees it. */
char *export_value_text(GVariant *value);

/* The JSON format version written in export.json ("format_version"). */
#define EXPORT_FORMAT_VERSION 1

#endif
