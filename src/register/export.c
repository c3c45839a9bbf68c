/* export.c: gather a subject's data through the map once, then write it three
 * ways: export.json (json-glib), CSV per table (RFC 4180) and summary.html. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <json-glib/json-glib.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/error.h"
#include "register/export.h"
#include "base/log.h"
#include "store/store-register.h"

/* One row: a value per column of its table (NULL for SQL NULL). */
struct row {
	GVariant **values;
	guint count;
};

/* Everything found for one subject: rows per map table, in map order. */
struct subject {
	gint64 key;
	GPtrArray *tables;    /* per map table: GPtrArray of struct row * */
};

struct gathered {
	const struct map *map;
	GPtrArray *subjects;  /* struct subject * */
};

/* Free a row (a GDestroyNotify). */
static void
row_free(gpointer data)
{
	struct row *row = data;
	guint i;

	for (i = 0; i < row->count; i++)
		if (row->values[i] != NULL)
			g_variant_unref(row->values[i]);
	g_free(row->values);
	g_free(row);
}

/* Free a subject (a GDestroyNotify). */
static void
subject_free(gpointer data)
{
	struct subject *subject = data;

	g_ptr_array_unref(subject->tables);
	g_free(subject);
}

/* Free a bundle file (a GDestroyNotify). */
static void
bundle_file_free(gpointer data)
{
	struct bundle_file *file = data;

	g_free(file->name);
	g_free(file->content_type);
	g_bytes_unref(file->data);
	g_free(file);
}

/* Keep a copy of one row (register_row_func). */
static int
gather_row(const struct map_table *table, GVariant *const *values, void *data,
    GError **error)
{
	GPtrArray *rows = data;
	struct row *row = g_new0(struct row, 1);
	guint i;

	(void)error;
	row->count = table->columns->len;
	row->values = g_new0(GVariant *, row->count);
	for (i = 0; i < row->count; i++)
		row->values[i] = values[i] != NULL ? g_variant_ref(values[i]) : NULL;
	g_ptr_array_add(rows, row);
	return 0;
}

/* Read every mapped table's rows for each subject of address. */
static int
gather(struct gathered *gathered, struct store *store, const char *address,
    GError **error)
{
	const struct map *map = gathered->map;
	g_autoptr(GArray) keys = store_register_find(store, map, address, error);
	guint s, t;

	if (keys == NULL)
		return -1;
	for (s = 0; s < keys->len; s++) {
		struct subject *subject = g_new0(struct subject, 1);

		subject->key = g_array_index(keys, gint64, s);
		subject->tables = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)g_ptr_array_unref);
		g_ptr_array_add(gathered->subjects, subject);
		for (t = 0; t < map->tables->len; t++) {
			GPtrArray *rows = g_ptr_array_new_with_free_func(row_free);
			g_ptr_array_add(subject->tables, rows);
			if (store_register_rows(store, map, map->tables->pdata[t],
			    subject->key, gather_row, rows, error) < 0)
				return -1;
		}
	}
	return 0;
}

/* A value as text for CSV and HTML ("" for NULL). The caller frees it. */
char *
export_value_text(GVariant *value)
{
	if (value == NULL)
		return g_strdup("");
	if (g_variant_is_of_type(value, G_VARIANT_TYPE_INT64))
		return g_strdup_printf("%" G_GINT64_FORMAT, g_variant_get_int64(value));
	if (g_variant_is_of_type(value, G_VARIANT_TYPE_DOUBLE)) {
		char buffer[G_ASCII_DTOSTR_BUF_SIZE];
		return g_strdup(g_ascii_dtostr(buffer, sizeof buffer,
		    g_variant_get_double(value)));
	}
	return g_variant_dup_string(value, NULL);
}

/* Add a value to a JSON builder with its own type. */
static void
json_add_value(JsonBuilder *builder, GVariant *value)
{
	if (value == NULL)
		json_builder_add_null_value(builder);
	else if (g_variant_is_of_type(value, G_VARIANT_TYPE_INT64))
		json_builder_add_int_value(builder, g_variant_get_int64(value));
	else if (g_variant_is_of_type(value, G_VARIANT_TYPE_DOUBLE))
		json_builder_add_double_value(builder, g_variant_get_double(value));
	else
		json_builder_add_string_value(builder, g_variant_get_string(value, NULL));
}

/* "key": "string" in the current JSON object. */
static void
json_member(JsonBuilder *builder, const char *key, const char *text)
{
	json_builder_set_member_name(builder, key);
	if (text == NULL)
		json_builder_add_null_value(builder);
	else
		json_builder_add_string_value(builder, text);
}

/* A table's exported columns once, with label and category, so that each
 * row can be a plain {"column": value} object. */
static void
json_add_columns(JsonBuilder *builder, const struct map *map,
    const struct map_table *table, enum language language)
{
	guint c;

	json_builder_begin_array(builder);
	for (c = 0; c < table->columns->len; c++) {
		const struct map_column *column = table->columns->pdata[c];
		const struct category *category = map_category(map, column->category);

		if (!column->export)
			continue;
		json_builder_begin_object(builder);
		json_member(builder, "column", column->name);
		json_member(builder, "label", labels_get(&column->label, language));
		json_member(builder, "category", category ?
		    labels_get(&category->label, language) : NULL);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
}

/* The rows of one table as a JSON array of {"column": value} objects. */
static void
json_add_rows(JsonBuilder *builder, const struct map_table *table,
    GPtrArray *rows)
{
	guint r, c;

	json_builder_begin_array(builder);
	for (r = 0; r < rows->len; r++) {
		const struct row *row = rows->pdata[r];

		json_builder_begin_object(builder);
		for (c = 0; c < row->count; c++) {
			const struct map_column *column = table->columns->pdata[c];

			if (!column->export)
				continue;
			json_builder_set_member_name(builder, column->name);
			json_add_value(builder, row->values[c]);
		}
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
}

/* The controller facts at the top of export.json (N1). */
static void
json_add_controller(JsonBuilder *builder, const struct notice *notice,
    const struct config *config, enum language language)
{
	json_builder_set_member_name(builder, "controller");
	json_builder_begin_object(builder);
	json_member(builder, "name", config->organisation_name);
	json_member(builder, "details", labels_get(&notice->text[NOTICE_CONTROLLER], language));
	json_member(builder, "contact", labels_get(&notice->text[NOTICE_CONTACT], language));
	json_member(builder, "register", labels_get(&notice->text[NOTICE_REGISTER], language));
	json_member(builder, "registry_address", config->registry_address);
	json_builder_end_object(builder);
}

/* export.json: versioned, labelled, every exported value typed. */
static GBytes *
render_json(const struct gathered *gathered, const struct notice *notice,
    const struct config *config, enum language language, const char *now)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	const struct map *map = gathered->map;
	guint s, t;
	char *text;

	json_builder_begin_object(builder);
	json_member(builder, "format", "dsrmail-export");
	json_builder_set_member_name(builder, "format_version");
	json_builder_add_int_value(builder, EXPORT_FORMAT_VERSION);
	json_member(builder, "exported_at", now);
	json_member(builder, "language", language_code(language));
	json_add_controller(builder, notice, config, language);
	json_builder_set_member_name(builder, "subjects");
	json_builder_begin_array(builder);
	for (s = 0; s < gathered->subjects->len; s++) {
		const struct subject *subject = gathered->subjects->pdata[s];

		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "key");
		json_builder_add_int_value(builder, subject->key);
		json_builder_set_member_name(builder, "tables");
		json_builder_begin_array(builder);
		for (t = 0; t < map->tables->len; t++) {
			const struct map_table *table = map->tables->pdata[t];
			json_builder_begin_object(builder);
			json_member(builder, "table", table->name);
			json_member(builder, "label", labels_get(&table->label, language));
			json_builder_set_member_name(builder, "columns");
			json_add_columns(builder, map, table, language);
			json_builder_set_member_name(builder, "rows");
			json_add_rows(builder, table, subject->tables->pdata[t]);
			json_builder_end_object(builder);
		}
		json_builder_end_array(builder);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	root = json_builder_get_root(builder);
	json_generator_set_root(generator, root);
	json_generator_set_pretty(generator, TRUE);
	text = json_generator_to_data(generator, NULL);
	return g_bytes_new_take(text, strlen(text));
}

/* Append one CSV field, quoted when RFC 4180 needs it. */
static void
csv_append_field(GString *csv, const char *text)
{
	const char *p;

	if (strpbrk(text, ",\"\r\n") == NULL && text[0] != ' ' &&
	    (*text == '\0' || text[strlen(text) - 1] != ' ')) {
		g_string_append(csv, text);
		return;
	}
	g_string_append_c(csv, '"');
	for (p = text; *p != '\0'; p++) {
		if (*p == '"')
			g_string_append_c(csv, '"');
		g_string_append_c(csv, *p);
	}
	g_string_append_c(csv, '"');
}

/* One table as CSV: a UTF-8 byte-order mark (so spreadsheets read ä, ö, å
 * right), a header of column names, CRLF line ends; each row once even when
 * several subjects share it (an organisation). */
static GBytes *
render_csv(const struct gathered *gathered, guint table_index)
{
	const struct map_table *table = gathered->map->tables->pdata[table_index];
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	GString *csv = g_string_new("\xEF\xBB\xBF");
	guint s, r, c, key_index = 0;
	gboolean first = TRUE;

	for (c = 0; c < table->columns->len; c++) {
		const struct map_column *column = table->columns->pdata[c];
		if (strcmp(column->name, table->key) == 0)
			key_index = c;
		if (!column->export)
			continue;
		if (!first)
			g_string_append_c(csv, ',');
		csv_append_field(csv, column->name);
		first = FALSE;
	}
	g_string_append(csv, "\r\n");
	for (s = 0; s < gathered->subjects->len; s++) {
		const struct subject *subject = gathered->subjects->pdata[s];
		GPtrArray *rows = subject->tables->pdata[table_index];

		for (r = 0; r < rows->len; r++) {
			const struct row *row = rows->pdata[r];
			char *key = export_value_text(row->values[key_index]);

			if (!g_hash_table_add(seen, key))
				continue;
			first = TRUE;
			for (c = 0; c < row->count; c++) {
				g_autofree char *text = NULL;
				if (!((struct map_column *)table->columns->pdata[c])->export)
					continue;
				if (!first)
					g_string_append_c(csv, ',');
				text = export_value_text(row->values[c]);
				csv_append_field(csv, text);
				first = FALSE;
			}
			g_string_append(csv, "\r\n");
		}
	}
	return g_string_free_to_bytes(csv);
}

/* Append text HTML-escaped. */
static void
html_append(GString *html, const char *text)
{
	g_autofree char *escaped = g_markup_escape_text(text != NULL ? text : "", -1);

	g_string_append(html, escaped);
}

/* Headings of summary.html per language. */
static const char *const html_words[][LANG_COUNT] = {
	{ "Tietosi rekisterissä", "Your data in the register", "Dina uppgifter i registret" },
	{ "Viety", "Exported", "Exporterad" },
	{ "Ei tietoja.", "No data.", "Inga uppgifter." },
	{ "Tietoja rekisteristä", "About the register", "Om registret" },
};

/* One table of a subject: columns across, a row per record. */
static void
html_table(GString *html, const struct map_table *table, GPtrArray *rows,
    enum language language)
{
	guint r, c;

	g_string_append(html, "<h2>");
	html_append(html, labels_get(&table->label, language));
	g_string_append(html, "</h2>\n");
	if (rows->len == 0) {
		g_string_append_printf(html, "<p>%s</p>\n", html_words[2][language]);
		return;
	}
	g_string_append(html, "<table>\n<tr>");
	for (c = 0; c < table->columns->len; c++) {
		const struct map_column *column = table->columns->pdata[c];
		if (!column->export)
			continue;
		g_string_append(html, "<th>");
		html_append(html, labels_get(&column->label, language));
		g_string_append(html, "</th>");
	}
	g_string_append(html, "</tr>\n");
	for (r = 0; r < rows->len; r++) {
		const struct row *row = rows->pdata[r];
		g_string_append(html, "<tr>");
		for (c = 0; c < row->count; c++) {
			g_autofree char *text = NULL;
			if (!((struct map_column *)table->columns->pdata[c])->export)
				continue;
			text = export_value_text(row->values[c]);
			g_string_append(html, "<td>");
			html_append(html, text);
			g_string_append(html, "</td>");
		}
		g_string_append(html, "</tr>\n");
	}
	g_string_append(html, "</table>\n");
}

/* summary.html: the data and the notice facts, readable, every value escaped. */
static GBytes *
render_html(const struct gathered *gathered, const struct notice *notice,
    const struct config *config, enum language language, const char *now)
{
	GString *html = g_string_new(NULL);
	guint s, t;
	int f;

	g_string_append_printf(html, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>", language_code(language));
	html_append(html, html_words[0][language]);
	g_string_append(html, "</title>\n<style>body{font-family:sans-serif;"
	    "max-width:60em;margin:2em auto}table{border-collapse:collapse}"
	    "td,th{border:1px solid #999;padding:.2em .5em;text-align:left}"
	    "dt{font-weight:bold;margin-top:.8em}</style>\n</head>\n<body>\n<h1>");
	html_append(html, html_words[0][language]);
	g_string_append(html, ": ");
	html_append(html, labels_get(&notice->text[NOTICE_REGISTER], language));
	g_string_append(html, "</h1>\n<p>");
	html_append(html, config->organisation_name);
	g_string_append_printf(html, ". %s: ", html_words[1][language]);
	html_append(html, now);
	g_string_append(html, "</p>\n");
	for (s = 0; s < gathered->subjects->len; s++) {
		const struct subject *subject = gathered->subjects->pdata[s];
		for (t = 0; t < gathered->map->tables->len; t++)
			html_table(html, gathered->map->tables->pdata[t],
			    subject->tables->pdata[t], language);
	}
	g_string_append_printf(html, "<h2>%s</h2>\n<dl>\n", html_words[3][language]);
	for (f = 0; f < NOTICE_FACT_COUNT; f++) {
		g_string_append(html, "<dt>");
		html_append(html, labels_get(&notice->heading[f], language));
		g_string_append(html, "</dt><dd>");
		html_append(html, labels_get(&notice->text[f], language));
		g_string_append(html, "</dd>\n");
	}
	g_string_append(html, "</dl>\n</body>\n</html>\n");
	return g_string_free_to_bytes(html);
}

/* Add one file to the bundle. */
static void
bundle_add(GPtrArray *bundle, const char *name, const char *type, GBytes *data)
{
	struct bundle_file *file = g_new0(struct bundle_file, 1);

	file->name = g_strdup(name);
	file->content_type = g_strdup(type);
	file->data = data;
	g_ptr_array_add(bundle, file);
}

/* Gather once, render three ways. */
GPtrArray *
export_bundle_build(struct store *store, const struct map *map,
    const struct notice *notice, const struct config *config,
    const char *address, enum language language, GDateTime *now,
    GError **error)
{
	struct gathered gathered = { map, g_ptr_array_new_with_free_func(subject_free) };
	GPtrArray *bundle = g_ptr_array_new_with_free_func(bundle_file_free);
	g_autofree char *when = clock_format_iso(now);
	guint t;

	if (gather(&gathered, store, address, error) < 0) {
		g_clear_pointer(&bundle, g_ptr_array_unref);
		goto out;
	}
	if (gathered.subjects->len == 0)
		goto out;
	bundle_add(bundle, "export.json", "application/json",
	    render_json(&gathered, notice, config, language, when));
	for (t = 0; t < map->tables->len; t++) {
		const struct map_table *table = map->tables->pdata[t];
		g_autofree char *name = g_strdup_printf("%s.csv", table->name);
		bundle_add(bundle, name, "text/csv", render_csv(&gathered, t));
	}
	bundle_add(bundle, "summary.html", "text/html",
	    render_html(&gathered, notice, config, language, when));
out:
	g_ptr_array_unref(gathered.subjects);
	return bundle;
}

/* Write each file durably: temporary name, fsync, rename (g_file_set_contents_full). */
int
export_bundle_write(GPtrArray *bundle, const char *dir, GError **error)
{
	g_autoptr(GError) local = NULL;
	guint i;

	if (g_mkdir_with_parents(dir, 0700) < 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CANT_CREATE, "cannot create "
		    "the directory %s: %s", dir, g_strerror(errno));
		return -1;
	}
	for (i = 0; i < bundle->len; i++) {
		const struct bundle_file *file = bundle->pdata[i];
		g_autofree char *path = g_build_filename(dir, file->name, NULL);
		gsize size;
		const char *data = g_bytes_get_data(file->data, &size);

		if (!g_file_set_contents_full(path, data, (gssize)size,
		    G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
		    0600, &local)) {
			g_set_error(error, DSR_ERROR, DSR_ERROR_CANT_CREATE, "%s",
			    local->message);
			return -1;
		}
	}
	return 0;
}
