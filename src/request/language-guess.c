/* language-guess.c: text language by n-gram fingerprints (libexttextcat). */
#include <string.h>

#include <textcat.h>

#include "base/error.h"
#include "request/language-guess.h"

/* Only this much text is scored: a few hundred bytes tell the language, and
 * the time grows with the length. */
#define GUESS_BYTES 2000

/* Candidates within this share of the best score count as a near tie. */
#define NEAR_TIE 0.03

struct language_guess {
	void *textcat;
	candidate_t *candidates;
	GHashTable *codes;            /* textcat name -> ISO code (interned) */
};

/* Open the fingerprints. */
struct language_guess *
language_guess_open(const char *conf, GError **error)
{
	g_autofree char *directory = g_path_get_dirname(conf);
	g_autofree char *prefix = g_strconcat(directory, "/", NULL);
	struct language_guess *guess;
	void *textcat = special_textcat_Init(conf, prefix);

	if (textcat == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "cannot read the "
		    "language fingerprints %s: install libexttextcat-data, or set "
		    "[classify] fingerprints in classify.rules", conf);
		return NULL;
	}
	guess = g_new0(struct language_guess, 1);
	guess->textcat = textcat;
	guess->candidates = textcat_GetClassifyFullOutput(textcat);
	guess->codes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return guess;
}

/* Free the fingerprints. */
void
language_guess_close(struct language_guess *guess)
{
	if (guess == NULL)
		return;
	textcat_ReleaseClassifyFullOutput(guess->textcat, guess->candidates);
	textcat_Done(guess->textcat);
	g_hash_table_unref(guess->codes);
	g_free(guess);
}

/* The ISO code of a fingerprint's name ("sv--utf8" -> "sv"). */
static const char *
guess_code(struct language_guess *guess, const char *name)
{
	char *code = g_hash_table_lookup(guess->codes, name);

	if (code == NULL) {
		code = g_strndup(name, strcspn(name, "-"));
		g_hash_table_insert(guess->codes, g_strdup(name), code);
	}
	return code;
}

/* The language of a text. */
const char *
language_guess_text(struct language_guess *guess, const char *text,
    const char *const *prefer)
{
	size_t length = strlen(text);
	int count, i;
	const char *const *p;

	if (length > GUESS_BYTES) {
		const char *end = text + GUESS_BYTES;
		g_utf8_validate(text, GUESS_BYTES, &end);
		length = (size_t)(end - text);
	}
	count = textcat_ClassifyFull(guess->textcat, text, length, guess->candidates);
	if (count <= 0)
		return NULL;
	/* The best-scoring expected language of the near tie. */
	for (i = 0; i < count && guess->candidates[i].score <=
	    guess->candidates[0].score * (1.0 + NEAR_TIE); i++)
		for (p = prefer; p != NULL && *p != NULL; p++)
			if (strcmp(guess_code(guess, guess->candidates[i].name), *p) == 0)
				return *p;
	return guess_code(guess, guess->candidates[0].name);
}
