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
	"processing_objection", "publication", "disclosure", "anonymisation",
	"erasure",
};

/* Other names for one register column. */
struct field_alias {
	char *column;
	GRegex *patterns;         /* anchored, any of them: see patterns_new */
};

/* A list of patterns is one regex, their alternation: a mail is matched
 * once per list, not once per pattern. */
struct classify_rules {
	char *file;
	GRegexCompileFlags flags; /* with G_REGEX_OPTIMIZE: JIT-compiled */
	GRegex *kinds[G_N_ELEMENTS(kind_order)];      /* any pattern of the kind */
	GPtrArray *neutral;       /* GRegex *, applied one after the other */
	GRegex *closing;          /* one line that ends the sender's text */
	GHashTable *words[LANG_COUNT];   /* casefolded word -> itself */
	GRegex *field_line;
	GRegex *field_ignore;
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

/* Compile one pattern, case-insensitive, Unicode-aware (GRegex is UTF-8);
 * NULL with local set when it is not a regex. */
static GRegex *
rules_regex(const struct classify_rules *rules, const char *pattern,
    const struct wrap *wrap, GError **local)
{
	g_autofree char *full = g_strconcat(wrap->before, pattern, wrap->after, NULL);

	return g_regex_new(full, G_REGEX_CASELESS | G_REGEX_MULTILINE |
	    rules->flags, 0, local);
}

/* Compile one pattern; a config error naming it if it does not compile. */
static GRegex *
rules_compile(const struct classify_rules *rules, const char *group,
    const char *key, const char *pattern, const struct wrap *wrap, GError **error)
{
	g_autoptr(GError) local = NULL;
	GRegex *regex = rules_regex(rules, pattern, wrap, &local);

	if (regex == NULL) {
		g_autofree char *problem = g_strdup_printf("pattern \"%s\": %s",
		    pattern, local->message);
		rules_error(error, rules, group, key, problem);
	}
	return regex;
}

/* The patterns read so far for one list: "(?:a)|(?:b)|...", and the
 * file's keys they came from, to name a bad one. */
struct patterns {
	GKeyFile *file;
	GString *all;
	GPtrArray *keys;          /* char *: "group\tkey" */
};

/* Start a list of patterns from file. */
static void
patterns_init(struct patterns *patterns, GKeyFile *file)
{
	patterns->file = file;
	patterns->all = g_string_new(NULL);
	patterns->keys = g_ptr_array_new_with_free_func(g_free);
}

/* Free what a list holds. */
static void
patterns_clear(struct patterns *patterns)
{
	g_string_free(patterns->all, TRUE);
	g_ptr_array_unref(patterns->keys);
}

/* A key's ";"-separated patterns (raw value: no GKeyFile escapes), each
 * stripped; empty ones are skipped by the callers. */
static char **
patterns_of(GKeyFile *file, const char *group, const char *key)
{
	g_autofree char *value = g_key_file_get_value(file, group, key, NULL);
	char **parts = g_strsplit(value != NULL ? value : "", ";", -1);
	size_t i;

	for (i = 0; parts[i] != NULL; i++)
		g_strstrip(parts[i]);
	return parts;
}

/* Add a key's patterns. */
static void
patterns_add(struct patterns *patterns, const char *group, const char *key)
{
	g_auto(GStrv) parts = patterns_of(patterns->file, group, key);
	size_t i;

	for (i = 0; parts[i] != NULL; i++) {
		if (*parts[i] == '\0')
			continue;
		if (patterns->all->len > 0)
			g_string_append_c(patterns->all, '|');
		g_string_append(patterns->all, "(?:");
		g_string_append(patterns->all, parts[i]);
		g_string_append_c(patterns->all, ')');
	}
	g_ptr_array_add(patterns->keys, g_strconcat(group, "\t", key, NULL));
}

/* The first pattern of the list that does not compile alone: error names
 * its group, key and pattern. */
static void
patterns_blame(struct classify_rules *rules, struct patterns *patterns,
    const struct wrap *wrap, const GError *all, GError **error)
{
	guint k;
	size_t i;

	for (k = 0; k < patterns->keys->len; k++) {
		g_auto(GStrv) where = g_strsplit(patterns->keys->pdata[k], "\t", 2);
		g_auto(GStrv) parts = patterns_of(patterns->file, where[0], where[1]);

		for (i = 0; parts[i] != NULL; i++) {
			GRegex *alone;

			if (*parts[i] == '\0')
				continue;
			if ((alone = rules_compile(rules, where[0], where[1], parts[i],
			    wrap, error)) == NULL)
				return;
			g_regex_unref(alone);
		}
	}
	rules_error(error, rules, "patterns", "all", all->message);
}

/* Compile the list as one regex (wrapped as a whole; an empty list never
 * matches) and free it; one that does not compile is named. */
static GRegex *
patterns_compile(struct classify_rules *rules, struct patterns *patterns,
    const struct wrap *wrap, GError **error)
{
	g_autoptr(GError) local = NULL;
	GRegex *regex = rules_regex(rules, patterns->all->len ? patterns->all->str :
	    "(?!)", wrap, &local);

	if (regex == NULL)
		patterns_blame(rules, patterns, wrap, local, error);
	patterns_clear(patterns);
	return regex;
}

/* The keys of a group, each a language code ("fi", "fi.more"...); NULL
 * with error naming a key that is not. */
static char **
rules_group_keys(struct classify_rules *rules, GKeyFile *file,
    const char *group, GError **error)
{
	char **keys = g_key_file_get_keys(file, group, NULL, NULL);
	size_t i;

	for (i = 0; keys != NULL && keys[i] != NULL; i++) {
		g_autofree char *language = g_strndup(keys[i], strcspn(keys[i], "."));

		if (language_from_code(language) < 0) {
			rules_error(error, rules, group, keys[i], "keys are a language "
			    "code (fi, en, sv), optionally followed by .name");
			g_strfreev(keys);
			return NULL;
		}
	}
	return keys != NULL ? keys : g_new0(char *, 1);
}

/* Add every key of a group. */
static int
rules_add_group(struct classify_rules *rules, const char *group,
    struct patterns *patterns, GError **error)
{
	g_auto(GStrv) keys = rules_group_keys(rules, patterns->file, group, error);
	size_t i;

	for (i = 0; keys != NULL && keys[i] != NULL; i++)
		patterns_add(patterns, group, keys[i]);
	return keys != NULL ? 0 : -1;
}

/* [neutral]: each pattern its own regex, as they apply one after another. */
static int
rules_read_neutral(struct classify_rules *rules, GKeyFile *file, GError **error)
{
	g_auto(GStrv) keys = rules_group_keys(rules, file, "neutral", error);
	size_t i, j;

	for (i = 0; keys != NULL && keys[i] != NULL; i++) {
		g_auto(GStrv) parts = patterns_of(file, "neutral", keys[i]);

		for (j = 0; parts[j] != NULL; j++) {
			GRegex *regex;

			if (*parts[j] == '\0')
				continue;
			regex = rules_compile(rules, "neutral", keys[i], parts[j],
			    &wrap_none, error);
			if (regex == NULL)
				return -1;
			g_ptr_array_add(rules->neutral, regex);
		}
	}
	return keys != NULL ? 0 : -1;
}

/* One alternation of every closing phrase, matching a whole line. */
static int
rules_read_closing(struct classify_rules *rules, GKeyFile *file, GError **error)
{
	g_auto(GStrv) keys = g_key_file_get_keys(file, "closing", NULL, NULL);
	struct patterns patterns;
	size_t i;

	patterns_init(&patterns, file);
	for (i = 0; keys != NULL && keys[i] != NULL; i++)
		patterns_add(&patterns, "closing", keys[i]);
	rules->closing = patterns_compile(rules, &patterns, &wrap_line, error);
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
	if (alias->patterns != NULL)
		g_regex_unref(alias->patterns);
	g_free(alias);
}

/* [rectification] and every [field COLUMN]. */
static int
rules_read_fields(struct classify_rules *rules, GKeyFile *file, GError **error)
{
	g_autofree char *line = g_key_file_get_value(file, "rectification", "line", NULL);
	g_auto(GStrv) groups = g_key_file_get_groups(file, NULL);
	struct patterns patterns;
	size_t i;

	if (line == NULL) {
		rules_error(error, rules, "rectification", "line", "missing");
		return -1;
	}
	rules->field_line = rules_compile(rules, "rectification", "line",
	    g_strstrip(line), &wrap_none, error);
	if (rules->field_line == NULL)
		return -1;
	patterns_init(&patterns, file);
	patterns_add(&patterns, "rectification", "ignore");
	if ((rules->field_ignore = patterns_compile(rules, &patterns, &wrap_none,
	    error)) == NULL)
		return -1;
	for (i = 0; groups[i] != NULL; i++) {
		struct field_alias *alias;

		if (!g_str_has_prefix(groups[i], "field "))
			continue;
		alias = g_new0(struct field_alias, 1);
		alias->column = g_strdup(groups[i] + strlen("field "));
		g_ptr_array_add(rules->fields, alias);
		patterns_init(&patterns, file);
		patterns_add(&patterns, groups[i], "aliases");
		if ((alias->patterns = patterns_compile(rules, &patterns, &wrap_whole,
		    error)) == NULL)
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
		struct patterns patterns;

		if (!g_key_file_has_group(file, group)) {
			rules_error(error, rules, group, "fi", "the group is missing; "
			    "every request kind needs its patterns");
			return -1;
		}
		patterns_init(&patterns, file);
		if (rules_add_group(rules, group, &patterns, error) < 0) {
			patterns_clear(&patterns);
			return -1;
		}
		if ((rules->kinds[k] = patterns_compile(rules, &patterns, &wrap_none,
		    error)) == NULL)
			return -1;
	}
	return 0;
}

/* Read the rules file. */
struct classify_rules *
classify_load(const char *path, gboolean many, GError **error)
{
	struct classify_rules *rules = g_new0(struct classify_rules, 1);
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_autoptr(GError) local = NULL;

	rules->file = g_strdup(path);
	rules->flags = many ? G_REGEX_OPTIMIZE : 0;
	rules->neutral = g_ptr_array_new_with_free_func((GDestroyNotify)g_regex_unref);
	rules->fields = g_ptr_array_new_with_free_func(field_alias_free);
	if (!g_key_file_load_from_file(file, path, G_KEY_FILE_NONE, &local)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "cannot read the "
		    "classification rules %s: %s; check [paths] rules in the config",
		    path, local->message);
		goto fail;
	}
	rules_read_words(rules, file);
	if (rules_read_kinds(rules, file, error) < 0 ||
	    rules_read_neutral(rules, file, error) < 0 ||
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
		if (rules->kinds[k] != NULL)
			g_regex_unref(rules->kinds[k]);
	for (l = 0; l < LANG_COUNT; l++)
		if (rules->words[l] != NULL)
			g_hash_table_unref(rules->words[l]);
	g_ptr_array_unref(rules->neutral);
	if (rules->field_ignore != NULL)
		g_regex_unref(rules->field_ignore);
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
		if (g_regex_match(alias->patterns, field, 0, NULL))
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
		if (!g_regex_match(rules->field_ignore, field, 0, NULL)) {
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
		if (g_regex_match(rules->kinds[k], neutral, 0, NULL))
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
