/* words.h: the forms of a text's words that the classification rules match
 * on. Each word is read in lower case and with its accents folded away
 * ("rekisterista" meets "rekisteristä"), stemmed with the Snowball stemmer
 * of every language the rules are written in (libstemmer: "poistamaan" and
 * "poistakaa", "deleted" and "deletion" meet their rule word), and, for
 * Finnish, analysed by Voikko: its base forms ("kiellän" -> "kieltää"), the
 * parts of a compound ("luovutuskielto" -> "luovuttaa", "kielto"), the
 * imperative mood, and for a misspelt word the base forms of Voikko's
 * suggestions ("tallenettuna" -> "tallentaa"). */
#ifndef DSR_WORDS_H
#define DSR_WORDS_H

#include <glib.h>

/* The stemmers and the Finnish analyser, opened once. */
struct words;

/* Open stemmers for the languages (ISO 639-1 codes; a language Snowball
 * has no stemmer for is matched on its folded forms only), and Voikko for
 * Finnish when "fi" is among them, at the first Finnish word. Voikko
 * missing is not an error: Finnish then goes by its stems
 * (words_have_voikko says). Free with words_close. */
struct words *words_open(const char *const *languages);

void words_close(struct words *words);

/* TRUE when Voikko's Finnish dictionary could be opened (it is opened at
 * the first Finnish word, or here). */
gboolean words_have_voikko(struct words *words);

/* The index of language among those words was opened with, or -1. */
int words_language_index(const struct words *words, const char *language);

/* Lower case with accents removed ("Löschung" -> "loschung"); ß -> ss. The
 * caller frees the result. */
char *words_fold(const char *text);

/* The lower-case Snowball stem of word (any case) in the language of index
 * (words_language_index), or the lower-case word when that language has no
 * stemmer. Not folded: "ändra" is not "andra". The caller frees the result. */
char *words_stem(struct words *words, int index, const char *word);

/* One word of a text and its forms. */
struct word {
	char *lower;              /* as written, lower case */
	char *folded;             /* lower case, accents folded */
	char **stems;             /* per language index: the stem, or NULL when
	                             it was not asked for */
	GPtrArray *bases;         /* char *: lower-case Finnish base forms,
	                             "+imperative" for a plural command, "+polite"
	                             for a question to "you" (voitteko), "+past"
	                             for what the writer did (poistin), the base
	                             forms of a spelling suggestion; empty
	                             without Voikko or for other languages */
	GPtrArray *parts;         /* char *: the lower-case base forms of a compound's parts
	                             ("luovutuskielto": "luovuttaa", "kielto") */
	gboolean upper;           /* it began with a capital letter */
	gboolean digits;          /* it is a number */
	gboolean value;           /* it stands for an e-mail address or a link
	                             (the reading makes one word of it) */
};

/* Fill word's forms from its text as written; Voikko only when finnish
 * (it is slow on words of other languages); the stem only in the language
 * of index stem_language, or in every language when it is -1. Clear with
 * word_clear. */
void words_read(struct words *words, const char *text, gboolean finnish,
    int stem_language, struct word *word);

void word_clear(struct word *word, const struct words *words);

/* Damerau-Levenshtein distance of two UTF-8 strings, counting at most
 * limit + 1 (a cap: the caller only asks "within limit?"). */
int words_distance(const char *a, const char *b, int limit);

#endif
