/* map.c: load rules/register.map (GKeyFile) and check it against the
 * database, so that a typo in the map is refused at start, with the file, the
 * group and what the database really has, instead of failing mid-request. */
#include <string.h>

#include "base/error.h"
#include "base/language.h"
#include "rules/map.h"

/* Set a DSR_ERROR_CONFIG that names the map file and group. */
G_GNUC_PRINTF(4, 5) static int
map_error(GError **error, const struct map *map, const char *group,
    const char *format, ...)
{
	g_autofree char *message = NULL;
	va_list ap;

	va_start(ap, format);
	message = g_strdup_vprintf(format, ap);
	va_end(ap);
	g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: [%s]: %s", map->file,
	    group, message);
	return -1;
}

/* A required string key, trimmed; NULL with error if absent or empty. */
static char *
map_string(GKeyFile *file, const struct map *map, const char *group,
    const char *key, gboolean required, GError **error)
{
	char *value = g_key_file_get_string(file, group, key, NULL);

	if (value != NULL)
		g_strstrip(value);
	if (value != NULL && *value == '\0')
		g_clear_pointer(&value, g_free);
	if (value == NULL && required)
		map_error(error, map, group, "the key \"%s\" is missing", key);
	return value;
}

/* Refuse keys a group of this kind does not have (catches typos). */
static int
map_check_keys(GKeyFile *file, const struct map *map, const char *group,
    const char *const *allowed, GError **error)
{
	g_auto(GStrv) keys = g_key_file_get_keys(file, group, NULL, NULL);
	size_t i;

	for (i = 0; keys != NULL && keys[i] != NULL; i++) {
		g_autofree char *base = g_strdup(keys[i]);
		char *bracket = strchr(base, '[');

		if (bracket != NULL)
			*bracket = '\0';
		if (!g_strv_contains(allowed, base)) {
			g_autofree char *known = g_strjoinv(", ", (char **)allowed);
			return map_error(error, map, group, "unknown key \"%s\"; "
			    "this kind of group has: %s", keys[i], known);
		}
	}
	return 0;
}

/* Parse an erase action word. */
static int
erase_parse(const char *word, enum erase_action *out)
{
	static const char *const words[] = { "delete", "null", "anonymise", "keep" };
	int i;

	for (i = 0; i < (int)G_N_ELEMENTS(words); i++) {
		if (g_ascii_strcasecmp(word, words[i]) == 0) {
			*out = (enum erase_action)i;
			return 0;
		}
	}
	return -1;
}

/* A TRUE/FALSE key with a default. */
static int
map_bool(GKeyFile *file, const struct map *map, const char *group,
    const char *key, gboolean fallback, gboolean *out, GError **error)
{
	g_autoptr(GError) local = NULL;

	*out = fallback;
	if (!g_key_file_has_key(file, group, key, NULL))
		return 0;
	*out = g_key_file_get_boolean(file, group, key, &local);
	if (local != NULL)
		return map_error(error, map, group, "%s must be true or false", key);
	return 0;
}

struct map_table *
map_find_table(const struct map *map, const char *name)
{
	guint i;

	for (i = 0; i < map->tables->len; i++) {
		struct map_table *table = map->tables->pdata[i];
		if (strcmp(table->name, name) == 0)
			return table;
	}
	return NULL;
}

struct map_column *
map_find_column(const struct map_table *table, const char *name)
{
	guint i;

	for (i = 0; i < table->columns->len; i++) {
		struct map_column *column = table->columns->pdata[i];
		if (strcmp(column->name, name) == 0)
			return column;
	}
	return NULL;
}

const struct category *
map_category(const struct map *map, const char *name)
{
	guint i;

	for (i = 0; name != NULL && i < map->categories->len; i++) {
		const struct category *category = map->categories->pdata[i];
		if (strcmp(category->name, name) == 0)
			return category;
	}
	return NULL;
}

/* Compare a field name a person wrote with a column name or label. */
static gboolean
field_matches(const char *field, const char *name)
{
	g_autofree char *a = NULL, *b = NULL;

	if (name == NULL)
		return FALSE;
	a = g_utf8_casefold(field, -1);
	b = g_utf8_casefold(name, -1);
	return g_utf8_collate(a, b) == 0;
}

struct map_column *
map_find_rectifiable(const struct map *map, const char *field)
{
	guint i;
	int l;

	for (i = 0; i < map->subject->columns->len; i++) {
		struct map_column *column = map->subject->columns->pdata[i];

		if (!column->rectify)
			continue;
		if (field_matches(field, column->name))
			return column;
		for (l = 0; l < LANG_COUNT; l++)
			if (field_matches(field, column->label.text[l]))
				return column;
	}
	return NULL;
}

/* "customers.email" -> the column, or NULL with an error naming what exists. */
static struct map_column *
map_resolve_column(const struct map *map, const char *group, const char *key,
    const char *dotted, GError **error)
{
	g_auto(GStrv) parts = g_strsplit(dotted, ".", 2);
	struct map_table *table;
	struct map_column *column;

	if (g_strv_length(parts) != 2) {
		map_error(error, map, group, "%s = %s: write TABLE.COLUMN", key, dotted);
		return NULL;
	}
	table = map_find_table(map, g_strstrip(parts[0]));
	if (table == NULL) {
		map_error(error, map, group, "%s = %s: no table \"%s\" in the map",
		    key, dotted, parts[0]);
		return NULL;
	}
	column = map_find_column(table, g_strstrip(parts[1]));
	if (column == NULL)
		map_error(error, map, group, "%s = %s: table %s has no column \"%s\"",
		    key, dotted, table->name, parts[1]);
	return column;
}

/* Read one [table NAME] group into a new table with its database columns. */
static struct map_table *
map_read_table(struct map *map, GKeyFile *file, const char *group,
    const struct map_schema *schema, GError **error)
{
	static const char *const allowed[] = { "label", "row_label", "key", "link",
		"via", "erase", NULL };
	struct map_table *table = g_new0(struct map_table, 1);
	g_autofree char *erase = NULL, *link = NULL, *via = NULL;
	g_autoptr(GPtrArray) names = NULL;
	guint i;

	table->name = g_strdup(group + strlen("table "));
	table->columns = g_ptr_array_new();
	g_ptr_array_add(map->tables, table);
	labels_read(&table->label, file, group, "label");
	labels_read(&table->row_label, file, group, "row_label");
	if (map_check_keys(file, map, group, allowed, error) < 0)
		return NULL;
	names = schema->columns(schema->database, table->name, error);
	if (names == NULL) {
		g_autofree char *message = g_strdup((*error)->message);
		g_clear_error(error);
		map_error(error, map, group, "%s", message);
		return NULL;
	}
	for (i = 0; i < names->len; i++) {
		struct map_column *column = g_new0(struct map_column, 1);
		column->name = g_strdup(names->pdata[i]);
		column->table = table;
		column->erase = ERASE_KEEP;
		g_ptr_array_add(table->columns, column);
	}
	table->key = map_string(file, map, group, "key", TRUE, error);
	if (table->key == NULL)
		return NULL;
	link = map_string(file, map, group, "link", FALSE, NULL);
	via = map_string(file, map, group, "via", FALSE, NULL);
	table->link = link != NULL ? LINK_CHILD : via != NULL ? LINK_PARENT : LINK_SUBJECT;
	table->link_column = g_strdup(link != NULL ? link : via);
	erase = map_string(file, map, group, "erase", FALSE, NULL);
	if (erase != NULL && strcmp(erase, "delete") != 0 &&
	    strcmp(erase, "columns") != 0 && strcmp(erase, "keep") != 0) {
		map_error(error, map, group, "erase = %s: write delete (rows go "
		    "unless a hold keeps them), columns (each column's erase says) "
		    "or keep", erase);
		return NULL;
	}
	table->erase_rows = erase == NULL || strcmp(erase, "delete") == 0;
	if (map_find_column(table, table->key) == NULL) {
		map_error(error, map, group, "key = %s: no such column in table %s",
		    table->key, table->name);
		return NULL;
	}
	return table;
}

/* Read one [column TABLE.COLUMN] group into the column the database has. */
static int
map_read_column(struct map *map, GKeyFile *file, const char *group, GError **error)
{
	static const char *const allowed[] = { "label", "category", "type",
		"export", "rectify", "erase", NULL };
	struct map_column *column;
	g_autofree char *erase = NULL;
	guint i;

	if (map_check_keys(file, map, group, allowed, error) < 0)
		return -1;
	column = map_resolve_column(map, group, "column", group + strlen("column "), error);
	if (column == NULL) {
		/* Say what the table does have, to make the typo obvious. */
		g_auto(GStrv) parts = g_strsplit(group + strlen("column "), ".", 2);
		struct map_table *table = map_find_table(map, parts[0] ? parts[0] : "");
		if (table != NULL) {
			GString *have = g_string_new(NULL);
			for (i = 0; i < table->columns->len; i++)
				g_string_append_printf(have, "%s%s", i ? ", " : "",
				    ((struct map_column *)table->columns->pdata[i])->name);
			g_clear_error(error);
			map_error(error, map, group, "the database table %s has no "
			    "column \"%s\"; it has: %s", table->name, parts[1], have->str);
			g_string_free(have, TRUE);
		}
		return -1;
	}
	labels_read(&column->label, file, group, "label");
	column->category = map_string(file, map, group, "category", FALSE, NULL);
	column->type = map_string(file, map, group, "type", FALSE, NULL);
	if (column->type == NULL)
		column->type = g_strdup("text");
	if (map_bool(file, map, group, "export", TRUE, &column->export, error) < 0 ||
	    map_bool(file, map, group, "rectify", FALSE, &column->rectify, error) < 0)
		return -1;
	erase = map_string(file, map, group, "erase", FALSE, NULL);
	if (erase != NULL && erase_parse(erase, &column->erase) < 0)
		return map_error(error, map, group, "erase = %s: write delete, "
		    "null, anonymise or keep", erase);
	if (column->category != NULL && map_category(map, column->category) == NULL)
		return map_error(error, map, group, "category = %s: no [category %s] "
		    "group in the map", column->category, column->category);
	if (column->label.text[LANG_EN] == NULL && column->label.text[LANG_FI] == NULL)
		return map_error(error, map, group, "a label is missing: add "
		    "label[fi], label[en] and label[sv]");
	return 0;
}

/* Read one [hold NAME] group; its condition must compile against the table. */
static int
map_read_hold(struct map *map, GKeyFile *file, const char *group,
    const struct map_schema *schema, GError **error)
{
	static const char *const allowed[] = { "table", "when", "until",
		"until_text", "reason", "keeps", NULL };
	struct map_hold *hold = g_new0(struct map_hold, 1);
	g_autofree char *table = NULL;
	g_auto(GStrv) keeps = NULL;
	size_t i;

	hold->name = g_strdup(group + strlen("hold "));
	hold->keeps = g_ptr_array_new();
	g_ptr_array_add(map->holds, hold);
	labels_read(&hold->reason, file, group, "reason");
	labels_read(&hold->until_text, file, group, "until_text");
	if (map_check_keys(file, map, group, allowed, error) < 0)
		return -1;
	table = map_string(file, map, group, "table", TRUE, error);
	hold->condition = map_string(file, map, group, "when", TRUE, error);
	if (table == NULL || hold->condition == NULL)
		return -1;
	hold->table = map_find_table(map, table);
	if (hold->table == NULL)
		return map_error(error, map, group, "table = %s: no [table %s] in "
		    "the map", table, table);
	hold->until = map_string(file, map, group, "until", FALSE, NULL);
	if (hold->reason.text[LANG_FI] == NULL || hold->reason.text[LANG_EN] == NULL)
		return map_error(error, map, group, "reason[fi] and reason[en] are "
		    "needed: the reply tells the subject why data stays (N16)");
	if (schema->check_expression(schema->database, hold->table->name,
	    hold->condition, hold->until, error) < 0) {
		g_autofree char *message = g_strdup((*error)->message);
		g_clear_error(error);
		return map_error(error, map, group, "when/until do not work on "
		    "table %s: %s", hold->table->name, message);
	}
	keeps = g_key_file_get_string_list(file, group, "keeps", NULL, NULL);
	for (i = 0; keeps != NULL && keeps[i] != NULL; i++) {
		struct map_column *column = map_resolve_column(map, group, "keeps",
		    g_strstrip(keeps[i]), error);
		if (column == NULL)
			return -1;
		g_ptr_array_add(hold->keeps, column);
	}
	return 0;
}

/* Read one [recipient NAME] or [source NAME] group (N12) into parties. */
static int
map_read_recipient(struct map *map, GKeyFile *file, const char *group,
    GPtrArray *parties, GError **error)
{
	static const char *const allowed[] = { "name", "address", "tables", NULL };
	struct map_recipient *recipient = g_new0(struct map_recipient, 1);
	g_auto(GStrv) tables = NULL;
	size_t i;

	recipient->tables = g_ptr_array_new();
	g_ptr_array_add(parties, recipient);
	if (map_check_keys(file, map, group, allowed, error) < 0)
		return -1;
	recipient->name = map_string(file, map, group, "name", TRUE, error);
	if (recipient->name == NULL)
		return -1;
	recipient->address = map_string(file, map, group, "address", TRUE, error);
	if (recipient->address == NULL)
		return -1;
	if (strchr(recipient->address, '@') == NULL || strpbrk(recipient->address, " <>\r\n"))
		return map_error(error, map, group, "address = %s: not an e-mail "
		    "address", recipient->address);
	tables = g_key_file_get_string_list(file, group, "tables", NULL, NULL);
	for (i = 0; tables != NULL && tables[i] != NULL; i++) {
		struct map_table *table = map_find_table(map, g_strstrip(tables[i]));
		if (table == NULL)
			return map_error(error, map, group, "tables: no [table %s] in "
			    "the map", tables[i]);
		g_ptr_array_add(recipient->tables, table);
	}
	return 0;
}

/* Read [category NAME] groups. */
static int
map_read_category(struct map *map, GKeyFile *file, const char *group,
    GError **error)
{
	static const char *const allowed[] = { "label", NULL };
	struct category *category = g_new0(struct category, 1);

	category->name = g_strdup(group + strlen("category "));
	g_ptr_array_add(map->categories, category);
	labels_read(&category->label, file, group, "label");
	return map_check_keys(file, map, group, allowed, error);
}

/* A [map] key naming a subject-table column, e.g. match = email. */
static int
map_subject_column(struct map *map, GKeyFile *file, const char *key,
    gboolean required, struct map_column **out, GError **error)
{
	g_autofree char *name = map_string(file, map, "map", key, required, error);

	if (name == NULL)
		return required ? -1 : 0;
	*out = map_find_column(map->subject, name);
	if (*out == NULL)
		return map_error(error, map, "map", "%s = %s: table %s has no such "
		    "column", key, name, map->subject->name);
	return 0;
}

/* Link columns must exist in the tables they are said to be in. */
static int
map_check_links(struct map *map, GError **error)
{
	guint i;

	for (i = 0; i < map->tables->len; i++) {
		struct map_table *table = map->tables->pdata[i];
		g_autofree char *group = g_strdup_printf("table %s", table->name);

		if (table->link == LINK_CHILD &&
		    map_find_column(table, table->link_column) == NULL)
			return map_error(error, map, group, "link = %s: table %s has "
			    "no such column", table->link_column, table->name);
		if (table->link == LINK_PARENT &&
		    map_find_column(map->subject, table->link_column) == NULL)
			return map_error(error, map, group, "via = %s: the subject "
			    "table %s has no such column", table->link_column,
			    map->subject->name);
		if (table->link == LINK_SUBJECT && table != map->subject)
			return map_error(error, map, group, "say how it links to the "
			    "subject: link = COLUMN (its column holding the subject's "
			    "key) or via = COLUMN (the subject's column holding its key)");
	}
	return 0;
}

/* Every database column of a mapped table needs a [column] group, so no
 * personal data is left out of an access reply (N7) by omission. */
static int
map_check_described(struct map *map, GKeyFile *file, GError **error)
{
	guint i, j;

	for (i = 0; i < map->tables->len; i++) {
		struct map_table *table = map->tables->pdata[i];
		for (j = 0; j < table->columns->len; j++) {
			struct map_column *column = table->columns->pdata[j];
			g_autofree char *group = g_strdup_printf("column %s.%s",
			    table->name, column->name);
			if (!g_key_file_has_group(file, group))
				return map_error(error, map, group, "the database has "
				    "column %s.%s but the map does not describe it; add "
				    "a [%s] group with its labels, category, export and "
				    "erase", table->name, column->name, group);
		}
	}
	return 0;
}

/* Read every group of the file, by kind, in the order tables need. */
static int
map_read_groups(struct map *map, GKeyFile *file, const struct map_schema *schema,
    GError **error)
{
	static const char *const map_keys[] = { "version", "subject", "match",
		"marketing_ban", "publication_ban", "disclosure_ban", "restricted",
		"relationship_ended", NULL };
	g_auto(GStrv) groups = g_key_file_get_groups(file, NULL);
	g_autofree char *subject = NULL;
	size_t i;
	int pass;

	if (!g_key_file_has_group(file, "map"))
		return map_error(error, map, "map", "the group is missing; start "
		    "the file with [map] version = 1, subject = TABLE, match = COLUMN");
	if (map_check_keys(file, map, "map", map_keys, error) < 0)
		return -1;
	if (g_key_file_get_integer(file, "map", "version", NULL) != 1)
		return map_error(error, map, "map", "version must be 1");
	subject = map_string(file, map, "map", "subject", TRUE, error);
	if (subject == NULL)
		return -1;
	/* Pass 0: categories and tables (subject first); 1: the rest. */
	g_autofree char *subject_group = g_strdup_printf("table %s", subject);
	if (!g_key_file_has_group(file, subject_group))
		return map_error(error, map, "map", "subject = %s: there is no "
		    "[table %s] group", subject, subject);
	if (map_read_table(map, file, subject_group, schema, error) == NULL)
		return -1;
	map->subject = map->tables->pdata[0];
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; groups[i] != NULL; i++) {
			const char *g = groups[i];
			int rc = 0;

			if (pass == 0 && g_str_has_prefix(g, "category "))
				rc = map_read_category(map, file, g, error);
			else if (pass == 0 && g_str_has_prefix(g, "table ") &&
			    strcmp(g, subject_group) != 0)
				rc = map_read_table(map, file, g, schema, error) ? 0 : -1;
			else if (pass == 1 && g_str_has_prefix(g, "column "))
				rc = map_read_column(map, file, g, error);
			else if (pass == 1 && g_str_has_prefix(g, "hold "))
				rc = map_read_hold(map, file, g, schema, error);
			else if (pass == 1 && g_str_has_prefix(g, "recipient "))
				rc = map_read_recipient(map, file, g, map->recipients, error);
			else if (pass == 1 && g_str_has_prefix(g, "source "))
				rc = map_read_recipient(map, file, g, map->sources, error);
			else if (pass == 0 && strcmp(g, "map") != 0 &&
			    !g_str_has_prefix(g, "category ") && !g_str_has_prefix(g, "table ") &&
			    !g_str_has_prefix(g, "column ") && !g_str_has_prefix(g, "hold ") &&
			    !g_str_has_prefix(g, "recipient ") &&
			    !g_str_has_prefix(g, "source "))
				rc = map_error(error, map, g, "unknown group; the groups are "
				    "[map], [category NAME], [table NAME], [column TABLE.COLUMN], "
				    "[hold NAME], [recipient NAME] and [source NAME]");
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}

/* Load and check the whole map. */
struct map *
map_load(const char *path, const struct map_schema *schema, GError **error)
{
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_autoptr(GError) local = NULL;
	struct map *map = g_new0(struct map, 1);

	map->file = g_strdup(path);
	map->tables = g_ptr_array_new();
	map->holds = g_ptr_array_new();
	map->recipients = g_ptr_array_new();
	map->sources = g_ptr_array_new();
	map->categories = g_ptr_array_new();
	if (!g_key_file_load_from_file(file, path, G_KEY_FILE_KEEP_TRANSLATIONS, &local)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "the data map %s: %s; "
		    "set [database] map in the config, or fix the file's syntax",
		    path, local->message);
		goto fail;
	}
	if (map_read_groups(map, file, schema, error) < 0 ||
	    map_check_links(map, error) < 0 ||
	    map_check_described(map, file, error) < 0 ||
	    map_subject_column(map, file, "match", TRUE, &map->match, error) < 0 ||
	    map_subject_column(map, file, "marketing_ban", FALSE, &map->marketing_ban, error) < 0 ||
	    map_subject_column(map, file, "publication_ban", FALSE, &map->publication_ban, error) < 0 ||
	    map_subject_column(map, file, "disclosure_ban", FALSE, &map->disclosure_ban, error) < 0 ||
	    map_subject_column(map, file, "restricted", FALSE, &map->restricted, error) < 0 ||
	    map_subject_column(map, file, "relationship_ended", FALSE, &map->relationship_ended, error) < 0)
		goto fail;
	return map;
fail:
	map_free(map);
	return NULL;
}

/* Free a table and its columns (a GDestroyNotify). */
static void
table_free(gpointer data)
{
	struct map_table *table = data;
	guint i;

	for (i = 0; i < table->columns->len; i++) {
		struct map_column *column = table->columns->pdata[i];
		g_free(column->name);
		labels_clear(&column->label);
		g_free(column->category);
		g_free(column->type);
		g_free(column);
	}
	g_ptr_array_free(table->columns, TRUE);
	g_free(table->name);
	g_free(table->key);
	g_free(table->link_column);
	labels_clear(&table->label);
	labels_clear(&table->row_label);
	g_free(table);
}

/* Free the map and everything in it. */
void
map_free(struct map *map)
{
	guint i;

	if (map == NULL)
		return;
	for (i = 0; i < map->holds->len; i++) {
		struct map_hold *hold = map->holds->pdata[i];
		g_free(hold->name);
		g_free(hold->condition);
		g_free(hold->until);
		labels_clear(&hold->reason);
		labels_clear(&hold->until_text);
		g_ptr_array_free(hold->keeps, TRUE);
		g_free(hold);
	}
	g_ptr_array_extend_and_steal(map->recipients, map->sources);
	for (i = 0; i < map->recipients->len; i++) {
		struct map_recipient *recipient = map->recipients->pdata[i];
		g_free(recipient->name);
		g_free(recipient->address);
		g_ptr_array_free(recipient->tables, TRUE);
		g_free(recipient);
	}
	for (i = 0; i < map->categories->len; i++) {
		struct category *category = map->categories->pdata[i];
		g_free(category->name);
		labels_clear(&category->label);
		g_free(category);
	}
	g_ptr_array_set_free_func(map->tables, table_free);
	g_ptr_array_free(map->tables, TRUE);
	g_ptr_array_free(map->holds, TRUE);
	g_ptr_array_free(map->recipients, TRUE);
	g_ptr_array_free(map->categories, TRUE);
	g_free(map->file);
	g_free(map);
}
