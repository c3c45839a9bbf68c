/* words.c: word forms for the classification rules: folding, Snowball
 * stems (libstemmer), Finnish base forms and spelling suggestions (Voikko). */
#include <string.h>

#include <libstemmer.h>
#include <libvoikko/voikko.h>

#include "base/log.h"
#include "request/words.h"
#include "request/words-spoken.h"

/* ISO 639-1 codes and the names of Snowball's stemmers for them. */
static const struct {
	const char *code, *snowball;
} snowball_names[] = {
	{ "fi", "finnish" }, { "en", "english" }, { "sv", "swedish" },
	{ "de", "german" }, { "es", "spanish" }, { "fr", "french" },
	{ "it", "italian" }, { "nl", "dutch" }, { "pt", "portuguese" },
	{ "da", "danish" }, { "no", "norwegian" }, { "nb", "norwegian" },
	{ "hu", "hungarian" }, { "ro", "romanian" }, { "ru", "russian" },
	{ "lt", "lithuanian" }, { "tr", "turkish" }, { "el", "greek" },
	{ "ca", "catalan" }, { "ga", "irish" },
};

/* How many Finnish words' analyses are kept (a word's forms keep their
 * own reference to theirs). */
#define FINNISH_CACHE 20000

/* Spelling suggestions are asked only for words at least this long (short
 * ones get unrelated suggestions: "mun" -> "muna"). */
#define SUGGEST_MIN_CHARS 6

struct words {
	char **codes;                 /* the languages, by index */
	struct sb_stemmer **stemmers; /* per index; NULL: none */
	gboolean finnish_wanted;      /* "fi" is among the languages */
	gboolean voikko_tried;        /* Voikko is opened at the first Finnish word */
	struct VoikkoHandle *voikko;  /* NULL: not (yet) open, or not installed */
	GHashTable *finnish;          /* lower word -> struct analysis * */
};

/* Voikko's reading of one word, cached. */
struct analysis {
	GPtrArray *bases;
	GPtrArray *parts;
};

/* Free an analysis (a GDestroyNotify). */
static void
analysis_free(gpointer data)
{
	struct analysis *analysis = data;

	g_ptr_array_unref(analysis->bases);
	g_ptr_array_unref(analysis->parts);
	g_free(analysis);
}

/* Snowball's name for an ISO code, or NULL. */
static const char *
snowball_name(const char *code)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(snowball_names); i++)
		if (g_ascii_strcasecmp(code, snowball_names[i].code) == 0)
			return snowball_names[i].snowball;
	return NULL;
}

/* Open the stemmers and Voikko. */
struct words *
words_open(const char *const *languages)
{
	struct words *words = g_new0(struct words, 1);
	guint count = languages != NULL ? g_strv_length((char **)languages) : 0;
	guint i;

	words->codes = g_new0(char *, count + 1);
	words->stemmers = g_new0(struct sb_stemmer *, count + 1);
	for (i = 0; i < count; i++) {
		const char *name = snowball_name(languages[i]);
		words->codes[i] = g_strdup(languages[i]);
		if (name != NULL)
			words->stemmers[i] = sb_stemmer_new(name, "UTF_8");
		words->finnish_wanted |= g_str_equal(languages[i], "fi");
	}
	words->finnish = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    analysis_free);
	return words;
}

/* Close what words_open opened. */
void
words_close(struct words *words)
{
	guint i;

	if (words == NULL)
		return;
	for (i = 0; words->codes[i] != NULL; i++)
		if (words->stemmers[i] != NULL)
			sb_stemmer_delete(words->stemmers[i]);
	if (words->voikko != NULL)
		voikkoTerminate(words->voikko);
	g_hash_table_unref(words->finnish);
	g_strfreev(words->codes);
	g_free(words->stemmers);
	g_free(words);
}

/* Voikko, opened at the first Finnish word (a mail in another language
 * never needs it), or NULL: not installed. */
static struct VoikkoHandle *
words_voikko(struct words *words)
{
	const char *problem = NULL;
	gint64 start;

	if (words->voikko_tried || !words->finnish_wanted)
		return words->voikko;
	words->voikko_tried = TRUE;
	start = g_get_monotonic_time();
	if ((words->voikko = voikkoInit(&problem, "fi", NULL)) == NULL)
		log_warn("classify: Voikko's Finnish dictionary cannot be opened "
		    "(%s): Finnish is read by its stems only; install voikko-fi",
		    problem != NULL ? problem : "?");
	else
		log_debug("classify: Voikko opened in %.1f ms",
		    (double)(g_get_monotonic_time() - start) / 1000);
	return words->voikko;
}

/* TRUE with Voikko (opening it). */
gboolean
words_have_voikko(struct words *words)
{
	return words_voikko(words) != NULL;
}

/* The index of an ISO code. */
int
words_language_index(const struct words *words, const char *language)
{
	int i;

	for (i = 0; language != NULL && words->codes[i] != NULL; i++)
		if (g_ascii_strcasecmp(words->codes[i], language) == 0)
			return i;
	return -1;
}

/* Lower case, decomposed, without combining marks, for any text. */
static char *
words_fold_unicode(const char *text)
{
	g_autofree char *lower = g_utf8_casefold(text, -1);
	g_autofree char *decomposed = g_utf8_normalize(lower, -1, G_NORMALIZE_NFD);
	GString *folded = g_string_sized_new(strlen(text));
	const char *p;

	for (p = decomposed; p != NULL && *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (g_unichar_ismark(c))
			continue;
		g_string_append_unichar(folded, c);
	}
	return g_string_free(folded, FALSE);
}

/* Lower case, decomposed, without combining marks. */
char *
words_fold(const char *text)
{
	const char *p;

	for (p = text; *p != '\0' && (guchar)*p < 0x80; p++)
		;
	if (*p == '\0')
		return g_ascii_strdown(text, -1);   /* nothing to fold but the case */
	return words_fold_unicode(text);
}

/* The folded stem in a language. */
char *
words_stem(struct words *words, int index, const char *word)
{
	g_autofree char *lower = g_utf8_strdown(word, -1);
	const sb_symbol *stem;

	if (index < 0 || words->stemmers[index] == NULL)
		return g_steal_pointer(&lower);
	stem = sb_stemmer_stem(words->stemmers[index], (const sb_symbol *)lower,
	    (int)strlen(lower));
	return g_strdup(stem != NULL ? (const char *)stem : lower);
}

/* Add a form, in lower case, to bases unless it is there. Not folded:
 * Voikko spells right, and "älä" is not "ala". */
static void
bases_add(GPtrArray *bases, const char *form)
{
	g_autofree char *folded = g_utf8_strdown(form, -1);
	guint i;

	for (i = 0; i < bases->len; i++)
		if (strcmp(bases->pdata[i], folded) == 0)
			return;
	g_ptr_array_add(bases, g_steal_pointer(&folded));
}

/* The base forms in Voikko's WORDBASES ("+luovut(luovuttaa)+kielto(kielto)"):
 * the compound's parts, derivational endings ("(+us)") left out. */
static void
bases_add_parts(GPtrArray *bases, const char *wordbases)
{
	const char *open = wordbases;

	while ((open = strchr(open, '(')) != NULL) {
		const char *close = strchr(open, ')');
		if (close == NULL)
			break;
		if (open[1] != '+' && close > open + 1) {
			g_autofree char *part = g_strndup(open + 1, (gsize)(close - open - 1));
			bases_add(bases, part);
		}
		open = close;
	}
}

/* Voikko's analyses of one word into bases and parts. */
static void
voikko_bases(struct VoikkoHandle *voikko, const char *word, GPtrArray *bases,
    GPtrArray *parts_out)
{
	struct voikko_mor_analysis **analyses = voikkoAnalyzeWordCstr(voikko, word);
	size_t i;

	for (i = 0; analyses != NULL && analyses[i] != NULL; i++) {
		char *base = voikko_mor_analysis_value_cstr(analyses[i], "BASEFORM");
		char *parts = voikko_mor_analysis_value_cstr(analyses[i], "WORDBASES");
		char *mood = voikko_mor_analysis_value_cstr(analyses[i], "MOOD");
		char *number = voikko_mor_analysis_value_cstr(analyses[i], "NUMBER");
		char *person = voikko_mor_analysis_value_cstr(analyses[i], "PERSON");
		char *clitic = voikko_mor_analysis_value_cstr(analyses[i], "KYSYMYSLIITE");
		char *tense = voikko_mor_analysis_value_cstr(analyses[i], "TENSE");

		if (base != NULL)
			bases_add(bases, base);
		if (parts != NULL)
			bases_add_parts(parts_out, parts);
		/* The plural command ("poistakaa") is how one asks a company;
		 * a singular one is too often another word ("saa", "voi"). */
		if (mood != NULL && strcmp(mood, "imperative") == 0 && number != NULL &&
		    strcmp(number, "plural") == 0)
			bases_add(bases, "+imperative");
		/* A question to "you" with "can" or "would" is a polite request
		 * ("voitteko lähettää", "poistaisitteko"); "poistatteko ne
		 * automaattisesti?" only asks how things are. */
		if (clitic != NULL && strcmp(clitic, "true") == 0 && person != NULL &&
		    strcmp(person, "2") == 0 && ((mood != NULL &&
		    strcmp(mood, "conditional") == 0) || g_strcmp0(base, "voida") == 0))
			bases_add(bases, "+polite");
		/* "unohdin", "poistin", "sain": what the writer did, told. */
		if (person != NULL && strcmp(person, "1") == 0 && tense != NULL &&
		    strcmp(tense, "past_imperfective") == 0 && mood != NULL &&
		    strcmp(mood, "indicative") == 0)
			bases_add(bases, "+past");
		voikko_free_mor_analysis_value_cstr(person);
		voikko_free_mor_analysis_value_cstr(clitic);
		voikko_free_mor_analysis_value_cstr(tense);
		voikko_free_mor_analysis_value_cstr(number);
		voikko_free_mor_analysis_value_cstr(base);
		voikko_free_mor_analysis_value_cstr(parts);
		voikko_free_mor_analysis_value_cstr(mood);
	}
	voikko_free_mor_analysis(analyses);
}

/* Voikko's analyses of the first written form of a word it does not know
 * that it knows (words-spoken.c: "ootte", "teilla", "voisitteks"), and
 * that form itself ("mita" meets a rule's "mitä"). */
static void
spoken_bases(struct VoikkoHandle *voikko, const char *lower,
    struct analysis *analysis)
{
	g_autoptr(GPtrArray) forms = words_spoken_forms(lower);
	guint i;

	for (i = 0; i < forms->len; i++)
		if (voikkoSpellCstr(voikko, forms->pdata[i]) == VOIKKO_SPELL_OK) {
			voikko_bases(voikko, forms->pdata[i], analysis->bases,
			    analysis->parts);
			bases_add(analysis->bases, forms->pdata[i]);
			return;
		}
}

/* Voikko's reading of a lower-case word (cached: words repeat; the cache
 * starts over when it holds FINNISH_CACHE words, so that a poll of many
 * mails stays in flat memory). */
static const struct analysis *
finnish_analysis(struct words *words, const char *lower)
{
	struct analysis *analysis = g_hash_table_lookup(words->finnish, lower);

	if (analysis != NULL)
		return analysis;
	if (g_hash_table_size(words->finnish) >= FINNISH_CACHE)
		g_hash_table_remove_all(words->finnish);
	analysis = g_new0(struct analysis, 1);
	analysis->bases = g_ptr_array_new_with_free_func(g_free);
	analysis->parts = g_ptr_array_new_with_free_func(g_free);
	if (!g_ascii_isdigit(*lower) && words_voikko(words) != NULL) {
		voikko_bases(words->voikko, lower, analysis->bases, analysis->parts);
		if (analysis->bases->len == 0)
			spoken_bases(words->voikko, lower, analysis);
		if (analysis->bases->len == 0 && g_utf8_strlen(lower, -1) >=
		    SUGGEST_MIN_CHARS && !voikkoSpellCstr(words->voikko, lower)) {
			char **suggestions = voikkoSuggestCstr(words->voikko, lower);
			if (suggestions != NULL && suggestions[0] != NULL)
				voikko_bases(words->voikko, suggestions[0],
				    analysis->bases, analysis->parts);
			voikkoFreeCstrArray(suggestions);
		}
	}
	g_hash_table_insert(words->finnish, g_strdup(lower), analysis);
	return analysis;
}

/* The German infinitive without its "zu" ("einzustellen": "einstellen",
 * "weiterzugeben": "weitergeben"), which Snowball leaves in: NULL for a
 * word without one (a prefix of two letters or more, an infinitive of
 * four or more after it). */
static char *
german_without_zu(const char *lower)
{
	const char *zu = strstr(lower, "zu");
	size_t after;

	while (zu != NULL && zu - lower < 2)
		zu = strstr(zu + 1, "zu");
	if (zu == NULL || (after = strlen(zu + 2)) < 4 || !g_str_has_suffix(zu + 2, "en") ||
	    strstr(zu + 2, "zu") != NULL)
		return NULL;
	return g_strdup_printf("%.*s%s", (int)(zu - lower), lower, zu + 2);
}

/* Read one word. */
void
words_read(struct words *words, const char *text, gboolean finnish,
    int stem_language, struct word *word)
{
	guint count = g_strv_length(words->codes), i;
	const struct analysis *analysis;

	memset(word, 0, sizeof *word);
	word->lower = g_utf8_strdown(text, -1);
	word->folded = words_fold(text);
	word->upper = g_unichar_isupper(g_utf8_get_char(text));
	word->digits = g_ascii_isdigit(*text);
	word->stems = g_new0(char *, count + 1);
	for (i = 0; i < count; i++)
		if (stem_language < 0 || (guint)stem_language == i)
			word->stems[i] = words_stem(words, (int)i, word->lower);
	analysis = finnish ? finnish_analysis(words, word->lower) : NULL;
	word->bases = analysis != NULL ? g_ptr_array_ref(analysis->bases) :
	    g_ptr_array_new_with_free_func(g_free);
	word->parts = analysis != NULL ? g_ptr_array_ref(analysis->parts) :
	    g_ptr_array_new_with_free_func(g_free);
	if (!finnish) {
		char *infinitive = german_without_zu(word->lower);
		if (infinitive != NULL)
			g_ptr_array_add(word->bases, infinitive);
	}
}

/* Free a word's forms. */
void
word_clear(struct word *word, const struct words *words)
{
	guint i;

	g_free(word->lower);
	g_free(word->folded);
	for (i = 0; word->stems != NULL && words->codes[i] != NULL; i++)
		g_free(word->stems[i]);
	g_free(word->stems);
	if (word->bases != NULL)
		g_ptr_array_unref(word->bases);
	if (word->parts != NULL)
		g_ptr_array_unref(word->parts);
	memset(word, 0, sizeof *word);
}

/* Damerau-Levenshtein (optimal string alignment) on code points. */
int
words_distance(const char *a, const char *b, int limit)
{
	glong la, lb, i, j;
	g_autofree gunichar *ua = g_utf8_to_ucs4_fast(a, -1, &la);
	g_autofree gunichar *ub = g_utf8_to_ucs4_fast(b, -1, &lb);
	g_autofree int *d = NULL;
	int best;

	if (labs(la - lb) > limit)
		return limit + 1;
	d = g_new(int, (la + 1) * (lb + 1));
#define D(x, y) d[(x) * (lb + 1) + (y)]
	for (i = 0; i <= la; i++)
		D(i, 0) = (int)i;
	for (j = 0; j <= lb; j++)
		D(0, j) = (int)j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			int cost = ua[i - 1] == ub[j - 1] ? 0 : 1;
			int value = MIN(MIN(D(i - 1, j) + 1, D(i, j - 1) + 1),
			    D(i - 1, j - 1) + cost);
			if (i > 1 && j > 1 && ua[i - 1] == ub[j - 2] && ua[i - 2] == ub[j - 1])
				value = MIN(value, D(i - 2, j - 2) + 1);
			D(i, j) = value;
		}
	}
	best = D(la, lb);
#undef D
	return best > limit ? limit + 1 : best;
}
