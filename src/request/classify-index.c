/* classify-index.c: the rules' terms found by a word's forms (see
 * classify-index.h). A mail's words are matched against a few thousand
 * terms; looking each word's forms up in a table of the terms' first words
 * finds the few that can meet it, and only those are tried whole
 * (classify-read.c's term_at), so a mail costs its words, not its words
 * times the terms. */
#include <string.h>

#include "request/classify-index.h"

/* How many characters of an affix ("poisto*", "*kielto") its keys hold. */
#define AFFIX_KEY 3

/* The keys are a letter for what they hold, then the text:
 *   l  the lower-case word as written (also met by base forms and parts)
 *   f  the folded word (accents away)
 *   sN the stem in language N
 *   tN the first character and the length of a stem in language N (a stem
 *      one typo away has the same first character and a length one off)
 *   p  the first characters of a prefix ("poisto*": "poi")
 *   x  the last characters of a suffix ("*kielto": "lto")
 *   i  the first characters of an infix ("*kiel*": "kie"), found by every
 *      run of as many characters in a form */

struct classify_index {
	GStringChunk *keys;       /* the keys' text */
	GHashTable *table;        /* key -> GPtrArray of struct term * */
	GPtrArray *scan;          /* struct term *: terms no key finds (short
	                             affixes, "+digits", "+value") */
};

/* Add term under key (freed here). */
static void
index_add(struct classify_index *index, char *key, struct term *term)
{
	GPtrArray *terms = g_hash_table_lookup(index->table, key);

	if (terms == NULL) {
		terms = g_ptr_array_new();
		g_hash_table_insert(index->table, g_string_chunk_insert(index->keys, key),
		    terms);
	}
	g_free(key);
	if (terms->len == 0 || terms->pdata[terms->len - 1] != term)
		g_ptr_array_add(terms, term);
}

/* The key of a stem's typos: its language, first character and length (a
 * new string). */
static char *
index_typo_key(int language, const char *stem, glong length)
{
	return g_strdup_printf("t%d:%.*s%ld", language,
	    (int)(g_utf8_next_char(stem) - stem), stem, length);
}

/* The first or last n characters of text (a new string). */
static char *
index_affix(const char *text, gboolean last)
{
	glong length = g_utf8_strlen(text, -1);
	const char *start = last ? g_utf8_offset_to_pointer(text, length - AFFIX_KEY) : text;

	return g_strndup(start, (gsize)(g_utf8_offset_to_pointer(start, AFFIX_KEY) - start));
}

/* File one term by its first word's keys. */
static void
index_term(struct classify_index *index, struct term *term)
{
	const struct term_part *part = &term->parts[0];
	gboolean last = part->match == TERM_SUFFIX;

	if (part->match == TERM_SURFACE) {
		index_add(index, g_strconcat("f", part->plain, NULL), term);
		return;
	}
	if (part->match == TERM_PREFIX || part->match == TERM_SUFFIX ||
	    part->match == TERM_INFIX) {
		const char *letter = part->match == TERM_INFIX ? "i" : last ? "x" : "p";
		g_autofree char *lower = NULL, *form = NULL;
		if (g_utf8_strlen(part->lower, -1) < AFFIX_KEY ||
		    g_utf8_strlen(part->form, -1) < AFFIX_KEY) {
			g_ptr_array_add(index->scan, term);
			return;
		}
		lower = index_affix(part->lower, last);
		form = index_affix(part->form, last);
		index_add(index, g_strconcat(letter, lower, NULL), term);
		if (part->folds)
			index_add(index, g_strconcat(letter, form, NULL), term);
		return;
	}
	if (part->match != TERM_WORD && part->match != TERM_WHOLE) {
		g_ptr_array_add(index->scan, term);
		return;
	}
	index_add(index, g_strconcat("l", part->lower, NULL), term);
	if (part->exact)
		return;
	if (part->folds)
		index_add(index, g_strconcat("f", part->plain, NULL), term);
	classify_index_add_stems(index, term);
}

/* File a term by its first word's stem, once it has one. */
void
classify_index_add_stems(struct classify_index *index, struct term *term)
{
	const struct term_part *part = &term->parts[0];
	g_autofree char *stem = NULL;

	if (term->language < 0 || !part->stemmed || part->form == NULL || part->exact ||
	    (part->match != TERM_WORD && part->match != TERM_WHOLE))
		return;
	stem = g_strdup_printf("s%d:", term->language);
	index_add(index, g_strconcat(stem, part->form, NULL), term);
	if (g_utf8_strlen(part->form, -1) >= 7)
		index_add(index, index_typo_key(term->language, part->form,
		    g_utf8_strlen(part->form, -1)), term);
}

/* Free a table entry's list (a GDestroyNotify). */
static void
index_list_free(gpointer data)
{
	g_ptr_array_unref(data);
}

/* File every term of the rules' classes. */
struct classify_index *
classify_index_new(GPtrArray *classes)
{
	struct classify_index *index = g_new0(struct classify_index, 1);
	guint c, t;

	index->keys = g_string_chunk_new(16384);
	index->table = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	    index_list_free);
	index->scan = g_ptr_array_new();
	for (c = 0; c < classes->len; c++) {
		const struct word_class *class = classes->pdata[c];
		for (t = 0; t < class->terms->len; t++)
			index_term(index, class->terms->pdata[t]);
	}
	return index;
}

/* Free an index. */
void
classify_index_free(struct classify_index *index)
{
	if (index == NULL)
		return;
	g_hash_table_unref(index->table);
	g_string_chunk_free(index->keys);
	g_ptr_array_unref(index->scan);
	g_free(index);
}

/* Add the terms filed under key to out. */
static void
index_find(const struct classify_index *index, const char *key, GPtrArray *out)
{
	GPtrArray *terms = g_hash_table_lookup(index->table, key);

	if (terms != NULL)
		g_ptr_array_extend(out, terms, NULL, NULL);
}

/* Add the terms filed under the key of letter and length bytes of text
 * (made on the stack: a mail's words are many). */
static void
index_find_key(const struct classify_index *index, char letter,
    const char *text, gsize length, GPtrArray *out)
{
	char stack[128];
	g_autofree char *heap = NULL;
	char *key = length + 2 <= sizeof stack ? stack : (heap = g_malloc(length + 2));

	key[0] = letter;
	memcpy(key + 1, text, length);
	key[length + 1] = '\0';
	index_find(index, key, out);
}

/* Add the affix terms that a form's characters file: its first and last
 * (prefixes, suffixes) and every run of them (infixes). */
static void
index_find_affixes(const struct classify_index *index, const char *form,
    GPtrArray *out)
{
	const char *at, *end = form;
	glong n;

	for (n = 0; n < AFFIX_KEY && *end != '\0'; n++)
		end = g_utf8_next_char(end);
	if (n < AFFIX_KEY)
		return;
	index_find_key(index, 'p', form, (gsize)(end - form), out);
	for (at = form;; at = g_utf8_next_char(at), end = g_utf8_next_char(end)) {
		index_find_key(index, 'i', at, (gsize)(end - at), out);
		if (*end == '\0')
			break;
	}
	index_find_key(index, 'x', at, (gsize)(end - at), out);
}

/* Add the terms a form as written, as a base form or as a part files. */
static void
index_find_form(const struct classify_index *index, const char *form,
    GPtrArray *out)
{
	index_find_key(index, 'l', form, strlen(form), out);
	index_find_affixes(index, form, out);
}

/* Add the terms that may be one typo away from the stem in language:
 * those whose stem begins the same and is as long, or one longer or
 * shorter. */
static void
index_find_typos(const struct classify_index *index, int language,
    const char *stem, GPtrArray *out)
{
	glong length = g_utf8_strlen(stem, -1), l;

	for (l = length - 1; l <= length + 1; l++) {
		g_autofree char *key = index_typo_key(language, stem, l);
		index_find(index, key, out);
	}
}

/* The terms whose first word may meet word (see classify-index.h). */
void
classify_index_candidates(const struct classify_index *index,
    const struct word *word, int languages, GPtrArray *out)
{
	guint i;
	int l;

	g_ptr_array_extend(out, index->scan, NULL, NULL);
	index_find_form(index, word->lower, out);
	index_find_key(index, 'f', word->folded, strlen(word->folded), out);
	index_find_affixes(index, word->folded, out);
	for (i = 0; i < word->bases->len; i++)
		index_find_form(index, word->bases->pdata[i], out);
	for (i = 0; i < word->parts->len; i++)
		index_find_form(index, word->parts->pdata[i], out);
	for (l = 0; l < languages; l++) {
		g_autofree char *stem = NULL;
		if (word->stems[l] == NULL)
			continue;
		stem = g_strdup_printf("s%d:%s", l, word->stems[l]);
		index_find(index, stem, out);
		if (word->bases->len == 0 && g_utf8_strlen(word->stems[l], -1) >= 6)
			index_find_typos(index, l, word->stems[l], out);
	}
}
