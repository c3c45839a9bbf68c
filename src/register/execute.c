/* execute.c: erasure with legal holds, anonymisation, rectification and
 * flags, all through the data map. */
#include <string.h>

#include "base/address.h"
#include "base/clock.h"
#include "base/error.h"
#include "register/execute.h"
#include "store/store-register.h"

/* Free one kept item (a GDestroyNotify). */
static void
kept_free(gpointer data)
{
	struct kept *kept = data;

	g_free(kept->until);
	g_free(kept);
}

/* Free what an erasure result holds. */
void
erasure_clear(struct erasure *result)
{
	g_clear_pointer(&result->kept, g_ptr_array_unref);
	g_clear_pointer(&result->tables_changed, g_ptr_array_unref);
}

/* What a hold-free erasure leaves in place of a value: NULL, or for
 * anonymised text a value that identifies no one (an e-mail column gets a
 * unique address in the reserved .invalid domain, RFC 2606). */
static GVariant *
replacement_value(const struct map_column *column, enum erase_mode mode)
{
	g_autofree char *uuid = NULL, *address = NULL;

	if (mode != ERASE_MODE_ANONYMISE && column->erase != ERASE_ANONYMISE)
		return NULL;
	if (strcmp(column->type, "text") == 0)
		return g_variant_ref_sink(g_variant_new_string("anonymised"));
	if (strcmp(column->type, "email") != 0)
		return NULL;
	uuid = g_uuid_string_random();
	address = g_strdup_printf("anonymised-%.8s@invalid", uuid);
	return g_variant_ref_sink(g_variant_new_string(address));
}

/* Whether erasure touches a column at all. */
static gboolean
column_is_erased(const struct map_column *column, GHashTable *kept_columns)
{
	return column->erase != ERASE_KEEP &&
	    !g_hash_table_contains(kept_columns, column);
}

/* Clear or anonymise the erasable values of one row. */
static int
erase_values(struct store *store, const struct map_table *table, gint64 key,
    enum erase_mode mode, GHashTable *kept_columns, struct erasure *result,
    GError **error)
{
	guint c;

	for (c = 0; c < table->columns->len; c++) {
		const struct map_column *column = table->columns->pdata[c];
		g_autoptr(GVariant) value = NULL;

		if (!column_is_erased(column, kept_columns))
			continue;
		value = replacement_value(column, mode);
		if (store_register_set(store, column, key, value, error) < 0)
			return -1;
		result->values_cleared++;
	}
	return 0;
}

/* Evaluate every hold: which rows stay, which columns stay, until when. */
static int
erase_find_holds(struct store *store, const struct map *map, gint64 subject,
    const char *now, GHashTable *held_rows, GHashTable *kept_columns,
    struct erasure *result, GError **error)
{
	guint h, i;

	for (h = 0; h < map->holds->len; h++) {
		const struct map_hold *hold = map->holds->pdata[h];
		g_autoptr(GArray) keys = g_array_new(FALSE, FALSE, sizeof(gint64));
		struct kept *kept;
		char *until = NULL;

		if (store_register_held(store, map, hold, subject, now, keys, &until,
		    error) < 0)
			return -1;
		if (keys->len == 0) {
			g_free(until);
			continue;
		}
		kept = g_new0(struct kept, 1);
		kept->hold = hold;
		kept->until = until;
		kept->rows = keys->len;
		g_ptr_array_add(result->kept, kept);
		for (i = 0; i < keys->len; i++)
			g_hash_table_add(held_rows, g_strdup_printf("%s/%" G_GINT64_FORMAT,
			    hold->table->name, g_array_index(keys, gint64, i)));
		for (i = 0; i < hold->keeps->len; i++)
			g_hash_table_add(kept_columns, hold->keeps->pdata[i]);
	}
	return 0;
}

/* Erase one table's rows of the subject: delete what may go, clear the rest. */
static int
erase_table(struct store *store, const struct map *map,
    const struct map_table *table, gint64 subject, enum erase_mode mode,
    GHashTable *held_rows, GHashTable *kept_columns, struct erasure *result,
    GError **error)
{
	g_autoptr(GArray) keys = store_register_keys(store, map, table, subject, error);
	gboolean delete_rows = mode == ERASE_MODE_ERASE && table->erase_rows &&
	    !(table == map->subject && result->kept->len > 0);
	guint before = result->rows_deleted + result->values_cleared, i;

	if (keys == NULL)
		return -1;
	for (i = 0; i < keys->len; i++) {
		gint64 key = g_array_index(keys, gint64, i);
		g_autofree char *name = g_strdup_printf("%s/%" G_GINT64_FORMAT,
		    table->name, key);

		if (g_hash_table_contains(held_rows, name))
			continue;
		if (delete_rows) {
			if (store_register_delete(store, table, key, error) < 0)
				return -1;
			result->rows_deleted++;
		} else if (erase_values(store, table, key, mode, kept_columns,
		    result, error) < 0)
			return -1;
	}
	if (result->rows_deleted + result->values_cleared > before)
		g_ptr_array_add(result->tables_changed, (gpointer)table);
	return 0;
}

/* Erase (or anonymise) a subject: children first, in reverse map order (so
 * foreign keys hold), the subject row last; parent rows are shared and stay. */
int
execute_erase(struct store *store, const struct map *map, gint64 subject,
    GDateTime *now, enum erase_mode mode, struct erasure *result, GError **error)
{
	g_autoptr(GHashTable) held_rows = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) kept_columns = g_hash_table_new(NULL, NULL);
	g_autofree char *when = clock_format_iso(now);
	guint t;

	memset(result, 0, sizeof *result);
	result->kept = g_ptr_array_new_with_free_func(kept_free);
	result->tables_changed = g_ptr_array_new();
	if (erase_find_holds(store, map, subject, when, held_rows, kept_columns,
	    result, error) < 0)
		return -1;
	for (t = map->tables->len; t-- > 0;) {
		const struct map_table *table = map->tables->pdata[t];

		if (table->link == LINK_PARENT || table == map->subject)
			continue;
		if (mode == ERASE_MODE_ANONYMISE)
			continue;   /* anonymisation keeps rows; the subject row loses its identity */
		if (erase_table(store, map, table, subject, mode, held_rows,
		    kept_columns, result, error) < 0)
			return -1;
	}
	if (erase_table(store, map, map->subject, subject, mode, held_rows,
	    kept_columns, result, error) < 0)
		return -1;
	/* What a hold keeps is restricted: used for nothing but the hold's purpose. */
	if (result->kept->len > 0 && map->restricted != NULL &&
	    execute_set_flag(store, map->restricted, subject, TRUE, error) < 0)
		return -1;
	return 0;
}

/* One type's check: a pattern a value must match, and why it failed. */
struct value_rule {
	const char *type;
	const char *pattern;            /* GRegex, anchored */
	const char *reason[LANG_COUNT];
};

static const struct value_rule value_rules[] = {
	{ "phone", "^\\+?[0-9][0-9 ()-]{4,20}$",
	  { "puhelinnumerossa saa olla vain numeroita, välilyöntejä, sulkuja, viivoja ja alussa +",
	    "a phone number may only have digits, spaces, brackets, dashes and a leading +",
	    "ett telefonnummer får bara ha siffror, mellanslag, parenteser, bindestreck och ett inledande +" } },
	{ "url", "^(https?://)?[A-Za-z0-9.-]+\\.[A-Za-z]{2,}(/\\S*)?$",
	  { "www-osoite ei ole kelvollinen osoite", "the web address is not a valid address",
	    "webbadressen är inte en giltig adress" } },
	{ "postal_code", "^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$",
	  { "postinumero ei ole kelvollinen", "the postal code is not valid", "postnumret är inte giltigt" } },
	{ "country", "^[A-Za-z]{2}$|^\\p{L}[\\p{L} .-]{2,55}$",
	  { "maa ei ole kelvollinen", "the country is not valid", "landet är inte giltigt" } },
	{ "date", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
	  { "päivämäärä on annettava muodossa VVVV-KK-PP", "a date must be written YYYY-MM-DD",
	    "ett datum ska skrivas ÅÅÅÅ-MM-DD" } },
	{ "integer", "^-?[0-9]{1,18}$",
	  { "arvon on oltava kokonaisluku", "the value must be a whole number", "värdet måste vara ett heltal" } },
	{ "text", "^[^\\p{Cc}]{1,200}$",
	  { "arvo on tyhjä, liian pitkä tai sisältää ohjausmerkkejä",
	    "the value is empty, too long or has control characters",
	    "värdet är tomt, för långt eller har styrtecken" } },
};

static const char *const email_reason[LANG_COUNT] = {
	"sähköpostiosoite ei ole kelvollinen osoite",
	"the e-mail address is not a valid address",
	"e-postadressen är inte en giltig adress",
};

static const char *const not_rectifiable[LANG_COUNT] = {
	"tätä tietoa ei voi korjata sähköpostitse",
	"this data cannot be corrected by e-mail",
	"denna uppgift kan inte rättas per e-post",
};

/* Check a value against its column's type. */
const char *
execute_check_value(const struct map_column *column, const char *value,
    enum language language)
{
	size_t i;

	if (!column->rectify)
		return not_rectifiable[language];
	if (value == NULL || !g_utf8_validate(value, -1, NULL))
		return value_rules[G_N_ELEMENTS(value_rules) - 1].reason[language];
	if (strcmp(column->type, "email") == 0)
		return address_is_plausible(value) ? NULL : email_reason[language];
	for (i = 0; i < G_N_ELEMENTS(value_rules); i++) {
		if (strcmp(value_rules[i].type, column->type) != 0 &&
		    i != G_N_ELEMENTS(value_rules) - 1)
			continue;
		return g_regex_match_simple(value_rules[i].pattern, value,
		    G_REGEX_OPTIMIZE, 0) ? NULL : value_rules[i].reason[language];
	}
	return NULL;
}

/* Rectify one subject-row value after checking it. */
int
execute_rectify(struct store *store, const struct map *map, gint64 subject,
    const struct map_column *column, const char *value, char **old_value,
    GError **error)
{
	const char *problem = execute_check_value(column, value, LANG_EN);
	g_autoptr(GVariant) variant = NULL;

	*old_value = NULL;
	if (column->table != map->subject || problem != NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "%s.%s: %s",
		    column->table->name, column->name, problem ? problem :
		    "only the subject's own row can be corrected");
		return -1;
	}
	if (store_register_get(store, column, subject, old_value, error) < 0)
		return -1;
	if (strcmp(column->type, "integer") == 0)
		variant = g_variant_ref_sink(g_variant_new_int64(g_ascii_strtoll(value, NULL, 10)));
	else
		variant = g_variant_ref_sink(g_variant_new_string(value));
	return store_register_set(store, column, subject, variant, error);
}

/* Set a 0/1 flag column. */
int
execute_set_flag(struct store *store, const struct map_column *column,
    gint64 subject, gboolean value, GError **error)
{
	g_autoptr(GVariant) variant = g_variant_ref_sink(g_variant_new_int64(value ? 1 : 0));

	return store_register_set(store, column, subject, variant, error);
}

/* Read a 0/1 flag column. */
int
execute_get_flag(struct store *store, const struct map_column *column,
    gint64 subject, gboolean *value, GError **error)
{
	g_autofree char *text = NULL;

	*value = FALSE;
	if (column == NULL)
		return 0;
	if (store_register_get(store, column, subject, &text, error) < 0)
		return -1;
	*value = text != NULL && g_ascii_strtoll(text, NULL, 10) != 0;
	return 0;
}
