/* classify-rules.c: read and compile rules/classify.rules (dsrmail-rules(5))
 * for classify.c: the word classes as terms in each language, the kinds'
 * rules as combinations of classes, the roles, the weights, the closing
 * lines, the common words, and the rectification syntax. */
#include <string.h>

#include "base/error.h"
#include "base/log.h"
#include "request/classify-index.h"
#include "request/classify-model.h"
#include "request/classify-rules.h"

const char *const classify_kinds[CLASSIFY_KIND_COUNT + 1] = {
	"access", "portability", "rectification", "restriction", "objection",
	"processing_objection", "publication", "disclosure", "anonymisation",
	"erasure", NULL
};

/* The class names of the roles, as the rules file spells them. */
static const char *const role_names[ROLE_COUNT] = {
	[ROLE_NEGATION] = "negation", [ROLE_CONDITION] = "condition",
	[ROLE_POSSIBILITY] = "possibility", [ROLE_REASON] = "reason",
	[ROLE_RIGHT] = "right", [ROLE_EXERCISE] = "exercise",
	[ROLE_REQUEST] = "request", [ROLE_COMPLEMENT] = "complement",
	[ROLE_SPLIT] = "split", [ROLE_BOILERPLATE] = "boilerplate",
	[ROLE_LEAD] = "lead", [ROLE_FORBID] = "forbid",
	[ROLE_CONDITION_HEAD] = "condition-head", [ROLE_UNTIL] = "until",
	[ROLE_INQUIRY] = "inquiry", [ROLE_REPORT] = "report", [ROLE_KEEP] = "keep",
	[ROLE_DATA] = "data", [ROLE_HOLD] = "hold", [ROLE_RELATIVE] = "relative",
	[ROLE_CONJUNCTION] = "conjunction", [ROLE_PAST] = "past",
	[ROLE_WHAT] = "what", [ROLE_PURPOSEREF] = "purposeref",
	[ROLE_REGISTER] = "register", [ROLE_LIST] = "list",
	[ROLE_MAILINGLIST] = "mailinglist", [ROLE_STOP] = "stop",
	[ROLE_NUMBER] = "number", [ROLE_RETRACT] = "retract",
	[ROLE_PUBLISH] = "publish", [ROLE_OBLIGATION] = "obligation",
	[ROLE_PERMIT] = "permit",
};

/* The fingerprints Debian's libexttextcat-data installs. */
#define DEFAULT_FINGERPRINTS "/usr/share/libexttextcat/fpdb.conf"

/* A config error naming the rules file, group and key. */
static void
rules_error(GError **error, const struct classify_rules *rules,
    const char *group, const char *key, const char *problem)
{
	g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: [%s] %s: %s; fix "
	    "the rules file (dsrmail-rules(5) describes it)", rules->file, group,
	    key, problem);
}

/* TRUE for a key naming a language: two or three letters, or "all". */
static gboolean
key_is_language(const char *key)
{
	size_t length = strcspn(key, ".");
	size_t i;

	if (length == 3 && strncmp(key, "all", 3) == 0)
		return TRUE;
	if (length < 2 || length > 3)
		return FALSE;
	for (i = 0; i < length; i++)
		if (!g_ascii_islower(key[i]))
			return FALSE;
	return TRUE;
}

/* Every language named by a key of a [words] group. */
static void
rules_collect_languages(struct classify_rules *rules, GKeyFile *file)
{
	g_auto(GStrv) groups = g_key_file_get_groups(file, NULL);
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func(g_free);
	size_t g, k;

	for (g = 0; groups[g] != NULL; g++) {
		g_auto(GStrv) keys = NULL;
		if (!g_str_has_prefix(groups[g], "words "))
			continue;
		keys = g_key_file_get_keys(file, groups[g], NULL, NULL);
		for (k = 0; keys != NULL && keys[k] != NULL; k++) {
			g_autofree char *code = g_strndup(keys[k], strcspn(keys[k], "."));
			if (key_is_language(keys[k]) && strcmp(code, "all") != 0 &&
			    !g_ptr_array_find_with_equal_func(found, code, g_str_equal, NULL))
				g_ptr_array_add(found, g_steal_pointer(&code));
		}
	}
	g_ptr_array_add(found, NULL);
	rules->languages = (char **)g_ptr_array_steal(found, NULL);
}

/* Compile one word of a term. */
static void
part_compile(struct classify_rules *rules, int language, const char *text,
    struct term_part *part)
{
	/* "ein." closes its clause; "..." is the gap of a phrase. */
	gboolean closes = strlen(text) > 1 && g_str_has_suffix(text, ".") &&
	    strcmp(text, "...") != 0;
	size_t length = strlen(text) - closes;
	gboolean whole = text[0] == '=', surface = text[0] == '~';
	gboolean head = text[whole] == '*';
	size_t start = (size_t)whole + (size_t)surface + (size_t)head;
	/* The closing '*' is another one than the opening ("=*" is no word:
	 * the rules fuzz target found its length wrapping around). */
	gboolean tail = length > start && text[length - 1] == '*';
	g_autofree char *bare = g_strndup(text + MIN(start, length),
	    length > start ? length - start - tail : 0);
	gboolean word = !head && !tail;

	part->lower = g_utf8_strdown(bare, -1);
	part->plain = words_fold(bare);
	part->match = strcmp(text, "+digits") == 0 ? TERM_DIGITS :
	    strcmp(text, "+value") == 0 ? TERM_VALUE : whole ? TERM_WHOLE :
	    surface ? TERM_SURFACE :
	    head && tail ? TERM_INFIX : head ? TERM_SUFFIX : tail ? TERM_PREFIX :
	    TERM_WORD;
	part->exact = word && g_utf8_strlen(bare, -1) <= 3;
	/* A word's stem is made when a mail in its language is first read
	 * (classify_rules_stem): most mails need one language's. */
	part->form = (part->match == TERM_WORD || part->match == TERM_WHOLE) &&
	    language >= 0 ? NULL : g_strdup(part->plain);
	part->stemmed = part->form != NULL && g_utf8_strlen(part->form, -1) >= 4;
	part->folds = g_utf8_strlen(part->plain, -1) >= 6;
	part->closes = closes;
	(void)rules;
}

/* Make the stems of the words of the terms in language (index), once, and
 * file the terms by them. */
void
classify_rules_stem(struct classify_rules *rules, int language)
{
	guint c, t, i;

	if (language < 0 || rules->stemmed[language])
		return;
	rules->stemmed[language] = TRUE;
	for (c = 0; c < rules->classes->len; c++) {
		const struct word_class *class = rules->classes->pdata[c];
		for (t = 0; t < class->terms->len; t++) {
			struct term *term = class->terms->pdata[t];
			if (term->language != language)
				continue;
			for (i = 0; i < term->count; i++) {
				struct term_part *part = &term->parts[i];
				if (part->form != NULL)
					continue;
				part->form = words_stem(rules->words, language, part->lower);
				part->stemmed = g_utf8_strlen(part->form, -1) >= 4;
			}
			classify_index_add_stems(rules->index, term);
		}
	}
}

/* Free a term (a GDestroyNotify). */
static void
term_free(gpointer data)
{
	struct term *term = data;
	guint i;

	for (i = 0; i < term->count; i++) {
		g_free(term->parts[i].form);
		g_free(term->parts[i].plain);
		g_free(term->parts[i].lower);
	}
	g_free(term->parts);
	g_free(term);
}

/* One key's ";"-separated terms into a class. */
static void
class_add_terms(struct classify_rules *rules, struct word_class *class,
    int language, const char *value)
{
	g_auto(GStrv) items = g_strsplit(value, ";", -1);
	size_t i, j;

	for (i = 0; items[i] != NULL; i++) {
		g_auto(GStrv) parts = NULL;
		struct term *term;

		if (*g_strstrip(items[i]) == '\0')
			continue;
		term = g_new0(struct term, 1);
		term->class = rules->classes->len - 1;
		term->language = language;
		term->exclude = items[i][0] == '-' && items[i][1] != '\0';
		/* "e-post", "opt-out": the reading splits a word at a hyphen,
		 * so the term is the phrase of its parts */
		parts = g_strsplit_set(items[i] + term->exclude, " \t-", -1);
		term->parts = g_new0(struct term_part, g_strv_length(parts));
		for (j = 0; parts[j] != NULL; j++)
			if (*parts[j] != '\0')
				part_compile(rules, language, parts[j], &term->parts[term->count++]);
		term->long_word = term->count > 0 &&
		    g_utf8_strlen(term->parts[0].plain, -1) >= 5;
		if (term->count == 0)
			term_free(term);
		else
			g_ptr_array_add(class->terms, term);
	}
}

/* Free a class (a GDestroyNotify). */
static void
class_free(gpointer data)
{
	struct word_class *class = data;

	g_free(class->name);
	g_ptr_array_unref(class->terms);
	g_free(class);
}

/* Every [words NAME] group. */
static int
rules_read_classes(struct classify_rules *rules, GKeyFile *file, GError **error)
{
	g_auto(GStrv) groups = g_key_file_get_groups(file, NULL);
	size_t g, k;

	for (g = 0; groups[g] != NULL; g++) {
		g_auto(GStrv) keys = NULL;
		struct word_class *class;

		if (!g_str_has_prefix(groups[g], "words "))
			continue;
		class = g_new0(struct word_class, 1);
		class->name = g_strdup(groups[g] + strlen("words "));
		class->terms = g_ptr_array_new_with_free_func(term_free);
		g_ptr_array_add(rules->classes, class);
		keys = g_key_file_get_keys(file, groups[g], NULL, NULL);
		for (k = 0; keys != NULL && keys[k] != NULL; k++) {
			g_autofree char *value = g_key_file_get_value(file, groups[g],
			    keys[k], NULL);
			g_autofree char *code = g_strndup(keys[k], strcspn(keys[k], "."));

			if (!key_is_language(keys[k])) {
				rules_error(error, rules, groups[g], keys[k], "keys are a "
				    "language code (fi, en, sv, de, ...) or \"all\", "
				    "optionally followed by .name");
				return -1;
			}
			class_add_terms(rules, class, strcmp(code, "all") == 0 ? -1 :
			    words_language_index(rules->words, code), value);
		}
	}
	return 0;
}

/* The index of a class by name, or -1. */
int
classify_class_find(const struct classify_rules *rules, const char *name)
{
	guint i;

	for (i = 0; i < rules->classes->len; i++)
		if (strcmp(((struct word_class *)rules->classes->pdata[i])->name, name) == 0)
			return (int)i;
	return -1;
}

/* Free an alternative's arrays (a GDestroyNotify for GArray). */
static void
alternative_clear(gpointer data)
{
	struct alternative *alternative = data;

	g_array_unref(alternative->need);
	g_array_unref(alternative->without);
}

/* A kind key's alternatives: "erase data; erase me; !message ..." */
static int
rules_read_alternatives(struct classify_rules *rules, GKeyFile *file,
    const char *group, const char *key, GArray *out, GError **error)
{
	g_autofree char *value = g_key_file_get_value(file, group, key, NULL);
	g_auto(GStrv) items = g_strsplit(value != NULL ? value : "", ";", -1);
	size_t i, j;

	for (i = 0; items[i] != NULL; i++) {
		g_auto(GStrv) names = NULL;
		struct alternative alternative;

		if (*g_strstrip(items[i]) == '\0')
			continue;
		alternative.need = g_array_new(FALSE, FALSE, sizeof(guint));
		alternative.without = g_array_new(FALSE, FALSE, sizeof(guint));
		g_array_append_val(out, alternative);
		names = g_strsplit_set(items[i], " \t", -1);
		for (j = 0; names[j] != NULL; j++) {
			gboolean negated = names[j][0] == '!';
			int index;

			if (*names[j] == '\0')
				continue;
			if ((index = classify_class_find(rules, names[j] + negated)) < 0) {
				g_autofree char *problem = g_strdup_printf("\"%s\" names no "
				    "[words %s] group", items[i], names[j] + negated);
				rules_error(error, rules, group, key, problem);
				return -1;
			}
			g_array_append_val(negated ? alternative.without :
			    alternative.need, index);
		}
	}
	return 0;
}

/* A kind's "lines": the classes that, with a "field: value" line, ask. */
static int
rules_read_lines(struct classify_rules *rules, GKeyFile *file,
    const char *group, struct kind_rule *rule, GError **error)
{
	g_auto(GStrv) names = g_key_file_get_string_list(file, group, "lines",
	    NULL, NULL);
	size_t i;

	for (i = 0; names != NULL && names[i] != NULL; i++) {
		int index = classify_class_find(rules, g_strstrip(names[i]));
		if (index < 0) {
			g_autofree char *problem = g_strdup_printf("\"%s\" names no "
			    "[words %s] group", names[i], names[i]);
			rules_error(error, rules, group, "lines", problem);
			return -1;
		}
		g_array_append_val(rule->lines, index);
	}
	return 0;
}

/* Free a kind rule (a GDestroyNotify). */
static void
kind_rule_free(gpointer data)
{
	struct kind_rule *rule = data;

	g_array_unref(rule->ask);
	g_array_unref(rule->maybe);
	g_array_unref(rule->question);
	g_array_unref(rule->span);
	g_array_unref(rule->lines);
	g_array_unref(rule->net);
	g_free(rule);
}

/* A [kind] key that lists kinds, as flags per kind of classify_kinds in
 * out: "net_unless" (in a mail asking for one, its net doubts nothing: a
 * restriction while the accuracy is checked calls the data wrong),
 * "told_unless" (in a mail asking for one, the kind asked only by a rule
 * without a verb, "your records are wrong", is only a hint). */
static int
rules_read_kind_list(struct classify_rules *rules, GKeyFile *file,
    const char *group, const char *key, gboolean *out, GError **error)
{
	g_auto(GStrv) names = g_key_file_get_string_list(file, group, key,
	    NULL, NULL);
	size_t i, k;

	for (i = 0; names != NULL && names[i] != NULL; i++) {
		g_autofree char *name = g_strstrip(g_strdup(names[i]));
		for (k = 0; classify_kinds[k] != NULL && strcmp(classify_kinds[k], name) != 0; k++)
			;
		if (classify_kinds[k] == NULL) {
			g_autofree char *problem = g_strdup_printf("\"%s\" is no request "
			    "kind; name kinds such as erasure or restriction", name);
			rules_error(error, rules, group, key, problem);
			return -1;
		}
		out[k] = TRUE;
	}
	return 0;
}

/* Every [kind KIND] group; each kind must have one. */
static int
rules_read_kinds(struct classify_rules *rules, GKeyFile *file, GError **error)
{
	size_t k;

	for (k = 0; classify_kinds[k] != NULL; k++) {
		g_autofree char *group = g_strdup_printf("kind %s", classify_kinds[k]);
		struct kind_rule *rule;

		if (!g_key_file_has_group(file, group)) {
			rules_error(error, rules, group, "ask", "the group is missing; "
			    "every request kind needs its rules");
			return -1;
		}
		rule = g_new0(struct kind_rule, 1);
		rule->kind = classify_kinds[k];
		rule->ban = g_key_file_get_boolean(file, group, "ban", NULL);
		rule->sentence = g_key_file_get_boolean(file, group, "sentence", NULL);
		rule->ask = g_array_new(FALSE, FALSE, sizeof(struct alternative));
		rule->maybe = g_array_new(FALSE, FALSE, sizeof(struct alternative));
		g_array_set_clear_func(rule->ask, alternative_clear);
		g_array_set_clear_func(rule->maybe, alternative_clear);
		rule->question = g_array_new(FALSE, FALSE, sizeof(struct alternative));
		g_array_set_clear_func(rule->question, alternative_clear);
		rule->span = g_array_new(FALSE, FALSE, sizeof(struct alternative));
		g_array_set_clear_func(rule->span, alternative_clear);
		rule->lines = g_array_new(FALSE, FALSE, sizeof(guint));
		rule->net = g_array_new(FALSE, FALSE, sizeof(struct alternative));
		g_array_set_clear_func(rule->net, alternative_clear);
		g_ptr_array_add(rules->kinds, rule);
		if (rules_read_alternatives(rules, file, group, "ask", rule->ask, error) < 0 ||
		    rules_read_alternatives(rules, file, group, "maybe", rule->maybe,
		    error) < 0 || rules_read_alternatives(rules, file, group, "question",
		    rule->question, error) < 0 || rules_read_alternatives(rules, file,
		    group, "span", rule->span, error) < 0 ||
		    rules_read_alternatives(rules, file, group, "net", rule->net,
		    error) < 0 ||
		    rules_read_lines(rules, file, group, rule, error) < 0 ||
		    rules_read_kind_list(rules, file, group, "net_unless",
		    rule->net_unless, error) < 0 || rules_read_kind_list(rules, file,
		    group, "told_unless", rule->told_unless, error) < 0)
			return -1;
	}
	return 0;
}

/* [classify] guard: the kinds a doubt about holds the mail for an admin
 * (default erasure, rectification, restriction: a request for them must
 * not be lost unseen). */
static int
rules_read_guard(struct classify_rules *rules, GKeyFile *file, GError **error)
{
	static const char *const fallback[] = { "erasure", "rectification",
	    "restriction", NULL };
	g_auto(GStrv) names = g_key_file_get_string_list(file, "classify", "guard",
	    NULL, NULL);
	const char *const *list = names != NULL ? (const char *const *)names : fallback;
	size_t i, k;

	for (i = 0; list[i] != NULL; i++) {
		g_autofree char *name = g_strstrip(g_strdup(list[i]));
		for (k = 0; classify_kinds[k] != NULL && strcmp(classify_kinds[k], name) != 0; k++)
			;
		if (classify_kinds[k] == NULL) {
			g_autofree char *problem = g_strdup_printf("\"%s\" is no request "
			    "kind", name);
			rules_error(error, rules, "classify", "guard", problem);
			return -1;
		}
		rules->guard[k] = TRUE;
	}
	return 0;
}

/* The one-word verbs of the guarded kinds: the words of the first class of
 * their ask rules when it is a verb ("erase data": erase), five letters or
 * more; a word a typo away from one is a doubt ("delte my data"). */
static void
rules_guard_terms(struct classify_rules *rules)
{
	g_autofree guint8 *seen = g_new0(guint8, rules->classes->len + 1);
	guint k, a, t;

	rules->guard_terms = g_ptr_array_new();
	rules->guard_kinds = g_array_new(FALSE, FALSE, sizeof(int));
	for (k = 0; k < rules->kinds->len; k++) {
		const struct kind_rule *rule = rules->kinds->pdata[k];
		for (a = 0; rules->guard[k] && a < rule->ask->len; a++) {
			const struct alternative *alternative = &g_array_index(rule->ask,
			    struct alternative, a);
			guint first = alternative->need->len > 0 ?
			    g_array_index(alternative->need, guint, 0) : G_MAXUINT;
			const struct word_class *class;

			if (first == G_MAXUINT || seen[first] || !classify_class_verb(rules, first))
				continue;
			seen[first] = 1;
			for (t = 0; t < ROLE_COUNT; t++)
				if (rules->roles[t] == (int)first)
					break;
			if (t < ROLE_COUNT)
				continue;     /* "forbid": a ban's word, not the kind's */
			class = rules->classes->pdata[first];
			for (t = 0; t < class->terms->len; t++) {
				struct term *term = class->terms->pdata[t];
				if (term->count == 1 && !term->exclude &&
				    term->parts[0].match == TERM_WORD &&
				    g_utf8_strlen(term->parts[0].plain, -1) >= 5) {
					int kind = (int)k;
					g_ptr_array_add(rules->guard_terms, term);
					g_array_append_val(rules->guard_kinds, kind);
				}
			}
		}
	}
}

/* The role classes; each but the optional ones must exist. */
static int
rules_find_roles(struct classify_rules *rules, GError **error)
{
	int r;

	for (r = 0; r < ROLE_COUNT; r++) {
		g_autofree char *group = g_strdup_printf("words %s", role_names[r]);
		if ((rules->roles[r] = classify_class_find(rules, role_names[r])) < 0 &&
		    r < ROLE_OPTIONAL) {
			rules_error(error, rules, group, "en", "the group is missing; "
			    "the reading of clauses needs it");
			return -1;
		}
	}
	return 0;
}

/* A [classify] list of classes as flags per class (new array in *out);
 * without the key, every class when all, else none. */
static int
rules_read_class_list(struct classify_rules *rules, GKeyFile *file,
    const char *key, gboolean all, guint8 **out, GError **error)
{
	g_auto(GStrv) names = g_key_file_get_string_list(file, "classify", key,
	    NULL, NULL);
	size_t i;

	*out = g_new0(guint8, rules->classes->len + 1);
	if (names == NULL) {
		memset(*out, all, rules->classes->len);
		return 0;
	}
	for (i = 0; names[i] != NULL; i++) {
		int index = classify_class_find(rules, g_strstrip(names[i]));
		if (index < 0) {
			g_autofree char *problem = g_strdup_printf("\"%s\" names no "
			    "[words %s] group", names[i], names[i]);
			rules_error(error, rules, "classify", key, problem);
			return -1;
		}
		(*out)[index] = 1;
	}
	return 0;
}

/* [classify] verbs: the classes whose words are verbs; without the key,
 * every class. [classify] referents: what a purpose named before stands
 * for; without it, nothing. [classify] objects: what a bare command takes
 * from the sentence before; without it, nothing (the data role does).
 * [classify] described: what a relative clause after it only describes
 * ("an e-mail in which I was asked to update my details"). */
static int
rules_read_verbs(struct classify_rules *rules, GKeyFile *file, GError **error)
{
	return rules_read_class_list(rules, file, "verbs", TRUE, &rules->verbs, error) < 0 ||
	    rules_read_class_list(rules, file, "referents", FALSE, &rules->referents,
	    error) < 0 || rules_read_class_list(rules, file, "objects", FALSE,
	    &rules->objects, error) < 0 || rules_read_class_list(rules, file,
	    "described", FALSE, &rules->described, error) < 0 ? -1 : 0;
}

/* TRUE if the class is one of the verbs. */
gboolean
classify_class_verb(const struct classify_rules *rules, guint class)
{
	return rules->verbs != NULL && class < rules->classes->len && rules->verbs[class];
}

/* One number of [classify], with its default. */
static double
weight_read(GKeyFile *file, const char *key, double fallback)
{
	g_autoptr(GError) local = NULL;
	double value = g_key_file_get_double(file, "classify", key, &local);

	return local != NULL ? fallback : value;
}

/* [classify]: the weights, the expected languages, the abbreviations. */
static void
rules_read_settings(struct classify_rules *rules, GKeyFile *file)
{
	struct classify_weights *w = &rules->weights;
	g_auto(GStrv) abbreviations = g_key_file_get_string_list(file, "classify",
	    "abbreviations", NULL, NULL);
	size_t i;

	w->strong = weight_read(file, "strong", 0.8);
	w->weak = weight_read(file, "weak", 0.45);
	w->explicit_bonus = weight_read(file, "explicit", 0.15);
	w->subject_bonus = weight_read(file, "subject", 0.1);
	w->forwarded_factor = weight_read(file, "forwarded", 0.9);
	w->repeat_bonus = weight_read(file, "repeat", 0.05);
	w->negated_penalty = weight_read(file, "negated", 0.2);
	w->certain = weight_read(file, "certain", 0.7);
	w->floor = weight_read(file, "floor", 0.5);
	w->doubt = weight_read(file, "doubt", 0.7);
	rules->expect = g_key_file_get_string_list(file, "classify", "expect", NULL, NULL);
	for (i = 0; rules->expect != NULL && rules->expect[i] != NULL; i++)
		g_strstrip(rules->expect[i]);
	rules->abbreviations = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (i = 0; abbreviations != NULL && abbreviations[i] != NULL; i++)
		g_hash_table_add(rules->abbreviations, words_fold(g_strstrip(abbreviations[i])));
}

/* Compile one pattern, case-insensitive, Unicode-aware (GRegex is UTF-8).
 * Not JIT-compiled (G_REGEX_OPTIMIZE): compiling 150 patterns for the JIT
 * cost `deliver` a seventh of its time, and a poll of 500 mails matched no
 * faster with it (tests/bench/deliver.sh, imap-poll.sh). */
static GRegex *
rules_compile(const struct classify_rules *rules, const char *group,
    const char *key, const char *pattern, const char *before, const char *after,
    GError **error)
{
	g_autofree char *full = g_strconcat(before, pattern, after, NULL);
	g_autoptr(GError) local = NULL;
	GRegex *regex;

	/* GRegex takes UTF-8 on trust (PCRE2 reads past a broken sequence:
	 * a crash the rules fuzz target found). */
	if (!g_utf8_validate(pattern, -1, NULL)) {
		rules_error(error, rules, group, key, "a pattern is not valid UTF-8; "
		    "save the file as UTF-8");
		return NULL;
	}
	/* Not G_REGEX_OPTIMIZE: compiling for speed costs more than the few
	 * lines of a mail each pattern meets. */
	regex = g_regex_new(full, G_REGEX_CASELESS | G_REGEX_MULTILINE, 0, &local);
	if (regex == NULL) {
		g_autofree char *problem = g_strdup_printf("pattern \"%s\": %s",
		    pattern, local->message);
		rules_error(error, rules, group, key, problem);
	}
	return regex;
}

/* A key's ";"-separated patterns (raw value: no GKeyFile escapes) into out. */
static int
rules_add_patterns(struct classify_rules *rules, GKeyFile *file,
    const char *group, const char *key, const char *before, const char *after,
    GPtrArray *out, GError **error)
{
	g_autofree char *value = g_key_file_get_value(file, group, key, NULL);
	g_auto(GStrv) parts = g_strsplit(value != NULL ? value : "", ";", -1);
	size_t i;

	for (i = 0; parts[i] != NULL; i++) {
		char *pattern = g_strstrip(parts[i]);
		GRegex *regex;

		if (*pattern == '\0')
			continue;
		if ((regex = rules_compile(rules, group, key, pattern, before, after,
		    error)) == NULL)
			return -1;
		g_ptr_array_add(out, regex);
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
	/* "Ystävällisin terveisin / Best regards" closes too. */
	rules->closing = rules_compile(rules, "closing", "all", all->len ?
	    all->str : "(?!)", "^[ \\t]*(?:", ")[ \\t,.!]*(?:/.{0,40})?$", error);
	return rules->closing == NULL ? -1 : 0;
}

/* The common words of every [language LL], for a text too short to be
 * guessed by its n-grams. */
static void
rules_read_common(struct classify_rules *rules, GKeyFile *file)
{
	g_auto(GStrv) groups = g_key_file_get_groups(file, NULL);
	size_t g, i;

	rules->common = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)g_hash_table_unref);
	for (g = 0; groups[g] != NULL; g++) {
		g_auto(GStrv) list = NULL;
		GHashTable *set;

		if (!g_str_has_prefix(groups[g], "language "))
			continue;
		list = g_key_file_get_string_list(file, groups[g], "words", NULL, NULL);
		set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		for (i = 0; list != NULL && list[i] != NULL; i++)
			g_hash_table_add(set, words_fold(g_strstrip(list[i])));
		g_hash_table_insert(rules->common, g_strdup(groups[g] +
		    strlen("language ")), set);
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
	g_autofree char *address = g_key_file_get_value(file, "rectification",
	    "address", NULL);
	g_autofree char *cut = g_key_file_get_value(file, "rectification",
	    "value_cut", NULL);
	g_autofree char *prose = g_key_file_get_value(file, "rectification",
	    "prose_address", NULL);
	g_auto(GStrv) groups = g_key_file_get_groups(file, NULL);
	size_t i;

	if (line == NULL) {
		rules_error(error, rules, "rectification", "line", "missing");
		return -1;
	}
	rules->field_line = rules_compile(rules, "rectification", "line",
	    g_strstrip(line), "", "", error);
	if (rules->field_line == NULL || (address != NULL && (rules->address =
	    rules_compile(rules, "rectification", "address", g_strstrip(address),
	    "^", "$", error)) == NULL) || (prose != NULL && (rules->prose_address =
	    rules_compile(rules, "rectification", "prose_address", g_strstrip(prose),
	    "", "", error)) == NULL) || (cut != NULL && (rules->value_cut =
	    rules_compile(rules, "rectification", "value_cut", g_strstrip(cut),
	    "", "", error)) == NULL) || rules_add_patterns(rules, file,
	    "rectification", "ignore", "", "", rules->field_ignore, error) < 0 ||
	    rules_add_patterns(rules, file, "rectification", "identification",
	    "", "", rules->identification, error) < 0)
		return -1;
	for (i = 0; groups[i] != NULL; i++) {
		struct field_alias *alias;

		if (!g_str_has_prefix(groups[i], "field "))
			continue;
		alias = g_new0(struct field_alias, 1);
		alias->column = g_strdup(groups[i] + strlen("field "));
		alias->patterns = g_ptr_array_new_with_free_func((GDestroyNotify)g_regex_unref);
		g_ptr_array_add(rules->fields, alias);
		if (rules_add_patterns(rules, file, groups[i], "aliases", "^(?:",
		    ")$", alias->patterns, error) < 0)
			return -1;
	}
	return 0;
}

/* The language fingerprints of [classify] fingerprints. */
static int
rules_open_guess(struct classify_rules *rules, GKeyFile *file, GError **error)
{
	g_autofree char *path = g_key_file_get_string(file, "classify",
	    "fingerprints", NULL);

	rules->guess = language_guess_open(path != NULL ? g_strstrip(path) :
	    DEFAULT_FINGERPRINTS, error);
	return rules->guess == NULL ? -1 : 0;
}

/* The second opinion of [classify] model (classify-model.h): a file
 * named relative to the rules file's folder. */
static int
rules_read_model(struct classify_rules *rules, GKeyFile *file, GError **error)
{
	g_autofree char *name = g_key_file_get_string(file, "classify", "model", NULL);
	g_autofree char *folder = NULL, *path = NULL;

	if (name == NULL || *g_strstrip(name) == '\0')
		return 0;
	folder = g_path_get_dirname(rules->file);
	path = g_path_is_absolute(name) ? g_strdup(name) :
	    g_build_filename(folder, name, NULL);
	rules->model = classify_model_load(path, classify_kinds, error);
	return rules->model == NULL ? -1 : 0;
}

/* A new, empty set of rules. */
static struct classify_rules *
rules_new(const char *path)
{
	struct classify_rules *rules = g_new0(struct classify_rules, 1);

	rules->file = g_strdup(path);
	rules->classes = g_ptr_array_new_with_free_func(class_free);
	rules->kinds = g_ptr_array_new_with_free_func(kind_rule_free);
	rules->field_ignore = g_ptr_array_new_with_free_func((GDestroyNotify)g_regex_unref);
	rules->identification = g_ptr_array_new_with_free_func((GDestroyNotify)g_regex_unref);
	rules->fields = g_ptr_array_new_with_free_func(field_alias_free);
	return rules;
}

/* Read the rules file. */
struct classify_rules *
classify_rules_load(const char *path, GError **error)
{
	struct classify_rules *rules = rules_new(path);
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_autoptr(GError) local = NULL;
	g_autofree char *text = NULL;
	const char *bad;
	gsize length;
	gint64 start = g_get_monotonic_time();

	if (!g_file_get_contents(path, &text, &length, &local) ||
	    !g_key_file_load_from_data(file, text, length, G_KEY_FILE_NONE, &local)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "cannot read the "
		    "classification rules %s: %s; check [paths] rules in the config",
		    path, local->message);
		goto fail;
	}
	/* Every pattern and word is matched as UTF-8, which GRegex and the
	 * stemmers take on trust: refuse a file that is not (the rules fuzz
	 * target crashed PCRE2 with one). */
	if (!g_utf8_validate(text, (gssize)length, &bad)) {
		guint line = 1;
		const char *p;

		for (p = text; p < bad; p++)
			line += *p == '\n';
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "the classification "
		    "rules %s: line %u is not valid UTF-8; save the file as UTF-8",
		    path, line);
		goto fail;
	}
	if (g_key_file_get_integer(file, "classify", "version", NULL) != 2) {
		rules_error(error, rules, "classify", "version", "this dsrmail reads "
		    "version 2 of the rules (word classes and kind rules)");
		goto fail;
	}
	rules_read_settings(rules, file);
	rules_collect_languages(rules, file);
	rules->words = words_open((const char *const *)rules->languages);
	rules->stemmed = g_new0(gboolean, g_strv_length(rules->languages) + 1);
	rules_read_common(rules, file);
	if (rules_read_classes(rules, file, error) < 0 ||
	    (rules->index = classify_index_new(rules->classes)) == NULL ||
	    rules_find_roles(rules, error) < 0 ||
	    rules_read_verbs(rules, file, error) < 0 ||
	    rules_read_guard(rules, file, error) < 0 ||
	    rules_read_kinds(rules, file, error) < 0 ||
	    (rules_guard_terms(rules), FALSE) ||
	    rules_read_closing(rules, file, error) < 0 ||
	    rules_read_fields(rules, file, error) < 0 ||
	    rules_open_guess(rules, file, error) < 0 ||
	    rules_read_model(rules, file, error) < 0)
		goto fail;
	log_debug("classify: rules read in %.1f ms",
	    (double)(g_get_monotonic_time() - start) / 1000);
	return rules;
fail:
	classify_rules_free(rules);
	return NULL;
}

/* Free compiled rules. */
void
classify_rules_free(struct classify_rules *rules)
{
	if (rules == NULL)
		return;
	classify_index_free(rules->index);
	g_ptr_array_unref(rules->classes);
	g_ptr_array_unref(rules->kinds);
	if (rules->guard_terms != NULL)
		g_ptr_array_unref(rules->guard_terms);
	if (rules->guard_kinds != NULL)
		g_array_unref(rules->guard_kinds);
	g_ptr_array_unref(rules->field_ignore);
	g_ptr_array_unref(rules->identification);
	g_ptr_array_unref(rules->fields);
	if (rules->abbreviations != NULL)
		g_hash_table_unref(rules->abbreviations);
	if (rules->common != NULL)
		g_hash_table_unref(rules->common);
	if (rules->closing != NULL)
		g_regex_unref(rules->closing);
	if (rules->field_line != NULL)
		g_regex_unref(rules->field_line);
	if (rules->address != NULL)
		g_regex_unref(rules->address);
	if (rules->prose_address != NULL)
		g_regex_unref(rules->prose_address);
	if (rules->value_cut != NULL)
		g_regex_unref(rules->value_cut);
	classify_model_free(rules->model);
	words_close(rules->words);
	language_guess_close(rules->guess);
	g_strfreev(rules->languages);
	g_free(rules->stemmed);
	g_free(rules->verbs);
	g_free(rules->referents);
	g_free(rules->objects);
	g_free(rules->described);
	g_strfreev(rules->expect);
	g_free(rules->file);
	g_free(rules);
}

/* TRUE if a form meets the part's word or affix. */
static gboolean
affix_matches(enum term_match match, const char *form, const char *affix)
{
	switch (match) {
	case TERM_PREFIX:
		return g_str_has_prefix(form, affix);
	case TERM_SUFFIX:
		return g_str_has_suffix(form, affix);
	case TERM_INFIX:
		return strstr(form, affix) != NULL;
	default:
		return strcmp(form, affix) == 0;
	}
}

/* TRUE if a base form of the list meets the part (lower case, unfolded). */
static gboolean
forms_match(const struct term_part *part, const GPtrArray *forms)
{
	guint i;

	for (i = 0; i < forms->len; i++)
		if (affix_matches(part->match, forms->pdata[i], part->lower))
			return TRUE;
	return FALSE;
}

/* Does a term's word meet a text's word? */
gboolean
classify_part_matches(const struct term_part *part, int language,
    const struct word *word, gboolean typos)
{
	gboolean affix = part->match == TERM_PREFIX || part->match == TERM_SUFFIX ||
	    part->match == TERM_INFIX;

	if (part->match == TERM_DIGITS)
		return word->digits;
	if (part->match == TERM_VALUE)
		return word->value;
	if (part->match == TERM_SURFACE)
		return strcmp(word->folded, part->plain) == 0;
	if (part->exact)
		return strcmp(word->lower, part->lower) == 0 || forms_match(part, word->bases);
	/* Accents are forgiven on long words only: "andra" is not "ändra". */
	if (affix_matches(part->match, word->lower, part->lower) ||
	    (part->folds && affix_matches(part->match, word->folded, affix ?
	    part->form : part->plain)) || forms_match(part, word->bases))
		return TRUE;
	if (part->match != TERM_WHOLE && forms_match(part, word->parts))
		return TRUE;
	if (affix || language < 0 || !part->stemmed || part->form == NULL)
		return FALSE;
	if (strcmp(word->stems[language], part->form) == 0)
		return TRUE;
	/* One typo in a long stem, unless Voikko knows the word as it is. */
	return typos && word->bases->len == 0 && g_utf8_strlen(part->form, -1) >= 7 &&
	    words_distance(word->stems[language], part->form, 1) <= 1;
}
