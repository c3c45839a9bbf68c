/* classify.c: compile rules/classify.rules and read a mail's kinds, language
 * and proposed changes with it. */
#include <string.h>

#include "request/classify.h"
#include "base/config.h"
#include "base/error.h"
#include "rules/map.h"
#include "base/regex.h"

/* The kinds in the order their requests are opened and executed: access and
 * portability before anything changes, erasure last (DESIGN.md). */
static const char *const kind_order[] = {
	"access", "portability", "rectification", "restriction", "objection",
	"publication", "disclosure", "anonymisation", "erasure",
};

/* Other names for one register column. */
struct field_alias {
	char *column;
	GPtrArray *patterns;      /* GRegex *, anchored */
};

struct classify_rules {
	char *file;
	GPtrArray *kinds[G_N_ELEMENTS(kind_order)];   /* GRegex * per kind */
	GPtrArray *neutral;       /* GRegex * */
	GRegex *closing;          /* one line that ends the sender's text */
	GHashTable *words[LANG_COUNT];   /* casefolded word -> itself */
	GRegex *field_line;
	GPtrArray *field_ignore;  /* GRegex * */
	GPtrArray *fields;        /* struct field_alias * */
};

/* A config error naming the rules file and group. */
static void
rules_error(GError **error, const struct classify_rules *rules,
    const char *group, const char *key, const char *problem)
{
	g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: [%s] %s: %s; fix "
	    "the rules file (see its header for the syntax)", rules->file, group,
	    key, problem);
}

/* How a pattern is placed in the compiled regex: text before and after. */
struct wrap {
	const char *before, *after;
};

static const struct wrap wrap_none = { "", "" };
static const struct wrap wrap_whole = { "^(?:", ")$" };
static const struct wrap wrap_line = { "^[ \\t]*(?:", ")[ \\t,.!]*$" };

/* Compile one pattern, case-insensitive, Unicode-aware (GRegex is UTF-8). */
static GRegex *
rules_compile(const struct classify_rules *rules, const char *group,
    const char *key, const char *pattern, const struct wrap *wrap, GError **error)
{
	g_autofree char *full = g_strconcat(wrap->before, pattern, wrap->after, NULL);
	g_autoptr(GError) local = NULL;
	GRegex *regex;

	/* GRegex takes UTF-8 on trust (PCRE2 reads past a broken sequence). */
	if (!g_utf8_validate(pattern, -1, NULL)) {
		rules_error(error, rules, group, key, "a pattern is not valid UTF-8; "
		    "save the file as UTF-8");
		return NULL;
	}
	regex = g_regex_new(full, G_REGEX_CASELESS | G_REGEX_OPTIMIZE |
	    G_REGEX_MULTILINE, 0, &local);
	if (regex == NULL) {
		g_autofree char *problem = g_strdup_printf("pattern \"%s\": %s",
		    pattern, local->message);
		rules_error(error, rules, group, key, problem);
	}
	return regex;
}

/* Compile a key's ";"-separated patterns (raw value: no GKeyFile escapes)
 * into out. */
static int
rules_add_patterns(struct classify_rules *rules, GKeyFile *file,
    const char *group, const char *key, const struct wrap *wrap, GPtrArray *out,
    GError **error)
{
	g_autofree char *value = g_key_file_get_value(file, group, key, NULL);
	g_auto(GStrv) parts = g_strsplit(value != NULL ? value : "", ";", -1);
	size_t i;

	for (i = 0; parts[i] != NULL; i++) {
		char *pattern = g_strstrip(parts[i]);
		GRegex *regex;

		if (*pattern == '\0')
			continue;
		if ((regex = rules_compile(rules, group, key, pattern, wrap, error)) == NULL)
			return -1;
		g_ptr_array_add(out, regex);
	}
	return 0;
}

/* Every key of a group (language keys "fi", "fi.more"...) into out. */
static int
rules_add_group(struct classify_rules *rules, GKeyFile *file,
    const char *group, const struct wrap *wrap, GPtrArray *out, GError **error)
{
	g_auto(GStrv) keys = g_key_file_get_keys(file, group, NULL, NULL);
	size_t i;

	for (i = 0; keys != NULL && keys[i] != NULL; i++) {
		g_autofree char *language = g_strndup(keys[i], strcspn(keys[i], "."));

		if (language_from_code(language) < 0) {
			rules_error(error, rules, group, keys[i], "keys are a language "
			    "code (fi, en, sv), optionally followed by .name");
			return -1;
		}
		if (rules_add_patterns(rules, file, group, keys[i], wrap, out, error) < 0)
			return -1;
	}
	return 0;
}

/* One alternation of every closing phrase, matching a whole line. */
static int
rules_read_closing(struct classify_rules *rules, GKeyFile *file, GError **error)
{
	g_auto(GStrv) keys = g_key_file_get_keys(file, "closing", NULL, NULL);
	g_autoptr(GString) all = g_string_new(NULL);
	size_t i, j;

	for (i = 0; keys != NULL && keys[i] != NULL; i++) {
		g_autofree char *value = g_key_file_get_value(file, "closing", keys[i], NULL);
		g_auto(GStrv) parts = g_strsplit(value, ";", -1);

		for (j = 0; parts[j] != NULL; j++)
			if (*g_strstrip(parts[j]) != '\0')
				g_string_append_printf(all, "%s(?:%s)", all->len ? "|" : "",
				    parts[j]);
	}
	rules->closing = rules_compile(rules, "closing", "fi/en/sv", all->len ?
	    all->str : "(?!)", &wrap_line, error);
	return rules->closing == NULL ? -1 : 0;
}

/* The word lists of [language LL]. */
static void
rules_read_words(struct classify_rules *rules, GKeyFile *file)
{
	int l;

	for (l = 0; l < LANG_COUNT; l++) {
		g_autofree char *group = g_strdup_printf("language %s", language_code(l));
		g_auto(GStrv) words = g_key_file_get_string_list(file, group, "words",
		    NULL, NULL);
		size_t i;

		rules->words[l] = g_hash_table_new_full(g_str_hash, g_str_equal,
		    g_free, NULL);
		for (i = 0; words != NULL && words[i] != NULL; i++) {
			char *word = g_utf8_casefold(g_strstrip(words[i]), -1);
			g_hash_table_add(rules->words[l], word);
		}
	}
}

/* Free a field alias (a GDestroyNotify). */
static void
field_alias_free(gpointer data)
{
	struct field_alias *alias = data;

	g_free(alias->column);
	g_ptr_array_unref(alias->patterns);
	g_free(alias);
}

/* [rectification] and every [field COLUMN]. */
static int
rules_read_fields(struct classify_rules *rules, GKeyFile *file, GError **error)
{
	g_autofree char *line = g_key_file_get_value(file, "rectification", "line", NULL);
	g_auto(GStrv) groups = g_key_file_get_groups(file, NULL);
	size_t i;

	if (line == NULL) {
		rules_error(error, rules, "rectification", "line", "missing");
		return -1;
	}
	rules->field_line = rules_compile(rules, "rectification", "line",
	    g_strstrip(line), &wrap_none, error);
	if (rules->field_line == NULL || rules_add_patterns(rules, file,
	    "rectification", "ignore", &wrap_none, rules->field_ignore, error) < 0)
		return -1;
	for (i = 0; groups[i] != NULL; i++) {
		struct field_alias *alias;

		if (!g_str_has_prefix(groups[i], "field "))
			continue;
		alias = g_new0(struct field_alias, 1);
		alias->column = g_strdup(groups[i] + strlen("field "));
		alias->patterns = g_ptr_array_new_with_free_func((GDestroyNotify)g_regex_unref);
		g_ptr_array_add(rules->fields, alias);
		if (rules_add_patterns(rules, file, groups[i], "aliases", &wrap_whole,
		    alias->patterns, error) < 0)
			return -1;
	}
	return 0;
}

/* Compile every [kind KIND] group; each kind must have one. */
static int
rules_read_kinds(struct classify_rules *rules, GKeyFile *file, GError **error)
{
	size_t k;

	for (k = 0; k < G_N_ELEMENTS(kind_order); k++) {
		g_autofree char *group = g_strdup_printf("kind %s", kind_order[k]);

		if (!g_key_file_has_group(file, group)) {
			rules_error(error, rules, group, "fi", "the group is missing; "
			    "every request kind needs its patterns");
			return -1;
		}
		if (rules_add_group(rules, file, group, &wrap_none, rules->kinds[k], error) < 0)
			return -1;
	}
	return 0;
}

/* Read the rules file. */
struct classify_rules *
classify_load(const char *path, GError **error)
{
	struct classify_rules *rules = g_new0(struct classify_rules, 1);
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_autoptr(GError) local = NULL;
	size_t k;

	rules->file = g_strdup(path);
	for (k = 0; k < G_N_ELEMENTS(kind_order); k++)
		rules->kinds[k] = g_ptr_array_new_with_free_func((GDestroyNotify)g_regex_unref);
	rules->neutral = g_ptr_array_new_with_free_func((GDestroyNotify)g_regex_unref);
	rules->field_ignore = g_ptr_array_new_with_free_func((GDestroyNotify)g_regex_unref);
	rules->fields = g_ptr_array_new_with_free_func(field_alias_free);
	if (!g_key_file_load_from_file(file, path, G_KEY_FILE_NONE, &local)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "cannot read the "
		    "classification rules %s: %s; check [paths] rules in the config",
		    path, local->message);
		goto fail;
	}
	rules_read_words(rules, file);
	if (rules_read_kinds(rules, file, error) < 0 ||
	    rules_add_group(rules, file, "neutral", &wrap_none, rules->neutral, error) < 0 ||
	    rules_read_closing(rules, file, error) < 0 ||
	    rules_read_fields(rules, file, error) < 0)
		goto fail;
	return rules;
fail:
	classify_free(rules);
	return NULL;
}

/* Free compiled rules. */
void
classify_free(struct classify_rules *rules)
{
	size_t k;
	int l;

	if (rules == NULL)
		return;
	for (k = 0; k < G_N_ELEMENTS(kind_order); k++)
		g_ptr_array_unref(rules->kinds[k]);
	for (l = 0; l < LANG_COUNT; l++)
		if (rules->words[l] != NULL)
			g_hash_table_unref(rules->words[l]);
	g_ptr_array_unref(rules->neutral);
	g_ptr_array_unref(rules->field_ignore);
	g_ptr_array_unref(rules->fields);
	if (rules->closing != NULL)
		g_regex_unref(rules->closing);
	if (rules->field_line != NULL)
		g_regex_unref(rules->field_line);
	g_free(rules->file);
	g_free(rules);
}

/* The own text up to the first closing line ("Best regards"), when some
 * text came before it: what follows is a name, a signature, a disclaimer. */
static char *
text_until_closing(const struct classify_rules *rules, const char *own)
{
	g_auto(GStrv) lines = g_strsplit(own, "\n", -1);
	GString *text = g_string_new(NULL);
	gboolean content = FALSE;
	size_t i;

	for (i = 0; lines[i] != NULL; i++) {
		if (content && g_regex_match(rules->closing, lines[i], 0, NULL))
			break;
		if (lines[i][strspn(lines[i], " \t")] != '\0')
			content = TRUE;
		g_string_append(text, lines[i]);
		g_string_append_c(text, '\n');
	}
	return g_string_free(text, FALSE);
}

/* TRUE if any pattern of the list matches text. */
static gboolean
patterns_match(GPtrArray *patterns, const char *text)
{
	guint i;

	for (i = 0; i < patterns->len; i++)
		if (g_regex_match(patterns->pdata[i], text, 0, NULL))
			return TRUE;
	return FALSE;
}

/* The text with every neutral phrase replaced by a space. */
static char *
text_neutralise(const struct classify_rules *rules, const char *text)
{
	char *result = g_strdup(text);
	guint i;

	for (i = 0; i < rules->neutral->len; i++) {
		char *next = g_regex_replace_literal(rules->neutral->pdata[i], result,
		    -1, 0, " ", 0, NULL);
		if (next != NULL) {
			g_free(result);
			result = next;
		}
	}
	return result;
}

/* The language whose common words occur most often; -1 on a tie or none. */
static int
text_language(const struct classify_rules *rules, const char *text)
{
	static GRegex *word;
	g_autoptr(GMatchInfo) match = NULL;
	int counts[LANG_COUNT] = { 0 }, l, best = -1;

	g_regex_match(regex_get(&word, "\\w+", G_REGEX_OPTIMIZE), text, 0, &match);
	while (g_match_info_matches(match)) {
		g_autofree char *token = g_match_info_fetch(match, 0);
		g_autofree char *folded = g_utf8_casefold(token, -1);

		for (l = 0; l < LANG_COUNT; l++)
			counts[l] += g_hash_table_contains(rules->words[l], folded);
		g_match_info_next(match, NULL);
	}
	for (l = 0; l < LANG_COUNT; l++)
		if (counts[l] > 0 && (best < 0 || counts[l] > counts[best]))
			best = l;
	for (l = 0; best >= 0 && l < LANG_COUNT; l++)
		if (l != best && counts[l] == counts[best])
			return -1;
	return best;
}

/* Free a change (a GDestroyNotify). */
static void
change_free(gpointer data)
{
	struct classify_change *change = data;

	g_free(change->field);
	g_free(change->value);
	g_free(change->alias);
	g_free(change);
}

/* The column a field name is an alias of, by the rules, or NULL. */
static const char *
field_alias_find(const struct classify_rules *rules, const char *field)
{
	guint i;

	for (i = 0; i < rules->fields->len; i++) {
		const struct field_alias *alias = rules->fields->pdata[i];
		if (patterns_match(alias->patterns, field))
			return alias->column;
	}
	return NULL;
}

/* Read the "field: new value" lines of a text into changes. */
static void
text_changes(const struct classify_rules *rules, const char *text,
    GPtrArray *changes)
{
	g_autoptr(GMatchInfo) match = NULL;

	g_regex_match(rules->field_line, text, 0, &match);
	while (g_match_info_matches(match)) {
		g_autofree char *field = g_match_info_fetch(match, 1);
		g_autofree char *value = g_match_info_fetch(match, 2);

		g_strstrip(field);
		if (!patterns_match(rules->field_ignore, field)) {
			struct classify_change *change = g_new0(struct classify_change, 1);
			change->field = g_steal_pointer(&field);
			change->value = g_strstrip(g_steal_pointer(&value));
			change->alias = g_strdup(field_alias_find(rules, change->field));
			g_ptr_array_add(changes, change);
		}
		g_match_info_next(match, NULL);
	}
}

/* TRUE for the subject of a reply or forward: someone else wrote it. */
static gboolean
subject_is_reply(const char *subject)
{
	static GRegex *reply;

	return g_regex_match(regex_get(&reply, "^\\s*(re|aw|vs|sv|vl|vb|"
	    "fw|fwd|wg|tr|ent)\\s*(\\[[0-9]+\\])?\\s*:", G_REGEX_CASELESS),
	    subject, 0, NULL);
}

/* Classify subject + own text. */
void
classify_text(const struct classify_rules *rules, const char *subject,
    const char *own, struct classify_result *result)
{
	g_autofree char *body = text_until_closing(rules, own != NULL ? own : "");
	const char *own_subject = subject != NULL && !subject_is_reply(subject) ?
	    subject : "";
	g_autofree char *all = g_strdup_printf("%s\n%s", own_subject, body);
	g_autofree char *everything = g_strdup_printf("%s\n%s", own_subject,
	    own != NULL ? own : "");
	g_autofree char *neutral = text_neutralise(rules, all);
	size_t k;

	memset(result, 0, sizeof *result);
	result->kinds = g_ptr_array_new();
	result->changes = g_ptr_array_new_with_free_func(change_free);
	for (k = 0; k < G_N_ELEMENTS(kind_order); k++)
		if (patterns_match(rules->kinds[k], neutral))
			g_ptr_array_add(result->kinds, (gpointer)kind_order[k]);
	if (result->kinds->len == 0)
		g_ptr_array_add(result->kinds, (gpointer)"unknown");
	/* The closing line and signature tell the language too. */
	result->language = text_language(rules, everything);
	if (g_ptr_array_find_with_equal_func(result->kinds, "rectification",
	    g_str_equal, NULL))
		text_changes(rules, body, result->changes);
	result->text = g_steal_pointer(&all);
}

/* Free a result's contents. */
void
classify_result_clear(struct classify_result *result)
{
	if (result->kinds != NULL)
		g_ptr_array_unref(result->kinds);
	if (result->changes != NULL)
		g_ptr_array_unref(result->changes);
	g_free(result->text);
	memset(result, 0, sizeof *result);
}
