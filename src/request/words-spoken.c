/* words-spoken.c: the written forms a Finnish word Voikko does not know may
 * stand for: people write as they speak ("mistä ootte saanu mun numeron",
 * "kertoo mitä tietoo teil on") and without ä and ö on a keyboard that has
 * none ("mita tietoja teilla on"). Each rule is a regular feature of spoken
 * Finnish or of such keyboards, not a list of words; words.c keeps the
 * first form Voikko knows. */
#include <string.h>

#include "request/words-spoken.h"

/* "ä" and "ö" in UTF-8. */
#define A_UMLAUT "\xc3\xa4"
#define O_UMLAUT "\xc3\xb6"

/* A word with more a's and o's than this is tried with all of them as ä
 * and ö only (2^n spellings otherwise). */
#define RESPELL_POSITIONS 5

/* Add form to forms unless it is there, is the word itself, or forms is
 * full; takes form. */
static void
forms_add(GPtrArray *forms, const char *lower, char *form)
{
	guint i;

	if (form == NULL)
		return;
	if (forms->len >= SPOKEN_FORMS_MAX || strcmp(form, lower) == 0) {
		g_free(form);
		return;
	}
	for (i = 0; i < forms->len; i++)
		if (strcmp(forms->pdata[i], form) == 0) {
			g_free(form);
			return;
		}
	g_ptr_array_add(forms, form);
}

/* The standard form of a spoken clitic: "-ks" is the question's "-ko"
 * ("voisitteks", "poistatteks"), a final "-s" after a vowel the softening
 * "-s" of a command ("poistakaas", "lähettäkääs"); NULL if neither. */
static char *
spoken_clitic(const char *lower)
{
	size_t length = strlen(lower);

	if (length < 5 || lower[length - 1] != 's')
		return NULL;
	/* vowel harmony: "-ko" after a back vowel, "-kö" otherwise */
	if (lower[length - 2] == 'k')
		return g_strdup_printf("%.*s%s", (int)length - 1, lower,
		    strpbrk(lower, "aou") != NULL ? "o" : O_UMLAUT);
	if (strchr("aeiouy", lower[length - 2]) != NULL ||
	    (guchar)lower[length - 3] == 0xc3)      /* "ä", "ö" */
		return g_strndup(lower, length - 1);
	return NULL;
}

/* TRUE if the word ends in a long vowel ("mitää", "tietoo"). */
static gboolean
long_vowel_end(const char *lower, size_t length)
{
	if (length >= 4 && strcmp(lower + length - 4, A_UMLAUT A_UMLAUT) == 0)
		return TRUE;
	if (length >= 4 && strcmp(lower + length - 4, O_UMLAUT O_UMLAUT) == 0)
		return TRUE;
	return length >= 3 && strchr("aeiouy", lower[length - 1]) != NULL &&
	    lower[length - 1] == lower[length - 2];
}

/* The spoken endings written out, most likely first:
 *   "oo-" for "ole-" (ootte, oon, oot, ootteko: olla's spoken stem);
 *   a final "-oo", "-ee", "-öö" for "-oa", "-ea", "-öä" (tietoo, kaikkee);
 *   a final long vowel without its "-n" (mitää, tiedostoo);
 *   a participle without its "-t" (saanu, ollu, tehny, menny);
 *   a case ending cut to its consonant (teil, teilt, must: -lla, -lta,
 *   -sta);
 *   a first person "-uun" for "-uan" (haluun);
 * and each of these with "tt" for "ts" (kattoo: katsoa). */
static void
spoken_endings(const char *lower, GPtrArray *bases)
{
	size_t length = strlen(lower);
	char last = length > 0 ? lower[length - 1] : '\0';
	char before = length > 1 ? lower[length - 2] : '\0';

	if (length < 3)
		return;
	if (g_str_has_prefix(lower, "oo") && length >= 3)
		g_ptr_array_add(bases, g_strconcat("ole", lower + 2, NULL));
	if (g_str_has_suffix(lower, "oo") || g_str_has_suffix(lower, "ee"))
		g_ptr_array_add(bases, g_strdup_printf("%.*sa", (int)length - 1, lower));
	if (g_str_has_suffix(lower, O_UMLAUT O_UMLAUT))
		g_ptr_array_add(bases, g_strdup_printf("%.*s%s", (int)length - 2,
		    lower, A_UMLAUT));
	if (long_vowel_end(lower, length))
		g_ptr_array_add(bases, g_strconcat(lower, "n", NULL));
	if ((last == 'u' || last == 'y') && strchr("nlrs", before) != NULL)
		g_ptr_array_add(bases, g_strconcat(lower, "t", NULL));
	if (last == 'l' && strchr("aeiouy", before) != NULL)
		g_ptr_array_add(bases, g_strconcat(lower, "la", NULL));
	if (last == 't' && (before == 'l' || before == 's') && length >= 4)
		g_ptr_array_add(bases, g_strconcat(lower, "a", NULL));
	if (g_str_has_suffix(lower, "uun") && length >= 5)  /* haluun: haluan */
		g_ptr_array_add(bases, g_strdup_printf("%.*sa%s", (int)length - 2,
		    lower, "n"));
}

/* The word with a spoken "tt" for "ts" (katto-, mettä: katso-, metsä), or
 * NULL. */
static char *
spoken_ts(const char *word)
{
	const char *tt = strstr(word, "tt");
	GString *out;

	if (tt == NULL || tt == word)
		return NULL;
	out = g_string_new_len(word, tt - word);
	g_string_append(out, "ts");
	g_string_append(out, tt + 2);
	return g_string_free(out, FALSE);
}

/* The word with the a's and o's of mask (bit i: the i-th of positions)
 * as ä and ö. */
static char *
respelled(const char *word, const size_t *positions, guint count, guint mask)
{
	GString *out = g_string_sized_new(strlen(word) + count);
	size_t at = 0;
	guint i;

	for (i = 0; i < count; i++) {
		g_string_append_len(out, word + at, (gssize)(positions[i] - at));
		if (mask & (1u << i))
			g_string_append(out, word[positions[i]] == 'a' ? A_UMLAUT : O_UMLAUT);
		else
			g_string_append_c(out, word[positions[i]]);
		at = positions[i] + 1;
	}
	g_string_append(out, word + at);
	return g_string_free(out, FALSE);
}

/* The word with every a as ä and every o as ö. */
static char *
all_front(const char *word)
{
	GString *out = g_string_sized_new(strlen(word) + 8);
	const char *p;

	for (p = word; *p != '\0'; p++)
		if (*p == 'a')
			g_string_append(out, A_UMLAUT);
		else if (*p == 'o')
			g_string_append(out, O_UMLAUT);
		else
			g_string_append_c(out, *p);
	return g_string_free(out, FALSE);
}

/* Add the word spelt with ä and ö for some of its a's and o's, the most
 * changed first (a word without those keys lacks them all: "lahettakaa"
 * is "lähettäkää"), unless the word has an ä or ö already. */
static void
umlaut_forms(const char *word, const char *lower, GPtrArray *forms)
{
	size_t positions[RESPELL_POSITIONS];
	guint count = 0, changes, mask, all;
	const char *p;

	if (strstr(word, A_UMLAUT) != NULL || strstr(word, O_UMLAUT) != NULL ||
	    strpbrk(word, "ao") == NULL)
		return;
	for (p = word; *p != '\0'; p++) {
		if (*p != 'a' && *p != 'o')
			continue;
		if (count == RESPELL_POSITIONS) {   /* too many to try each */
			forms_add(forms, lower, all_front(word));
			return;
		}
		positions[count++] = (size_t)(p - word);
	}
	all = (1u << count) - 1;
	for (changes = count; changes > 0; changes--)
		for (mask = all; mask > 0; mask--)
			if ((guint)__builtin_popcount(mask) == changes)
				forms_add(forms, lower, respelled(word, positions, count, mask));
}

GPtrArray *
words_spoken_forms(const char *lower)
{
	GPtrArray *forms = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) bases = g_ptr_array_new_with_free_func(g_free);
	guint i, count;

	forms_add(forms, lower, spoken_clitic(lower));
	umlaut_forms(lower, lower, forms);
	spoken_endings(lower, bases);
	for (i = 0, count = bases->len; i < count; i++) {
		char *ts = spoken_ts(bases->pdata[i]);
		if (ts != NULL)
			g_ptr_array_add(bases, ts);
	}
	for (i = 0; i < bases->len; i++) {
		forms_add(forms, lower, g_strdup(bases->pdata[i]));
		umlaut_forms(bases->pdata[i], lower, forms);
	}
	return forms;
}
