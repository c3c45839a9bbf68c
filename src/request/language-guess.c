/* language-guess.c: text language by n-gram fingerprints (libexttextcat). */
#include <string.h>
#include <unistd.h>

#include <textcat.h>

#include "base/error.h"
#include "base/log.h"
#include "request/language-guess.h"

/* Only this much text is scored: a few hundred bytes tell the language, and
 * the time grows with the length. */
#define GUESS_BYTES 2000

/* Candidates within this share of the best score count as a near tie. */
#define NEAR_TIE 0.03

struct language_guess {
	char *conf;                   /* fpdb.conf */
	void *textcat;                /* NULL until first needed */
	candidate_t *candidates;
	gboolean failed;              /* the fingerprints could not be read */
	GHashTable *codes;            /* textcat name -> ISO code (interned) */
};

/* Note where the fingerprints are; they are read when a text first needs
 * them (some 160 files: most mails are told by their words first). */
struct language_guess *
language_guess_open(const char *conf, GError **error)
{
	struct language_guess *guess;

	if (!g_file_test(conf, G_FILE_TEST_IS_REGULAR) ||
	    access(conf, R_OK) != 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "cannot read the "
		    "language fingerprints %s: install libexttextcat-data, or set "
		    "[classify] fingerprints in classify.rules", conf);
		return NULL;
	}
	guess = g_new0(struct language_guess, 1);
	guess->conf = g_strdup(conf);
	guess->codes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return guess;
}

/* Read the fingerprints, once; FALSE if they cannot be read. */
static gboolean
guess_load(struct language_guess *guess)
{
	g_autofree char *directory = NULL, *prefix = NULL;
	gint64 start;

	if (guess->textcat != NULL || guess->failed)
		return guess->textcat != NULL;
	start = g_get_monotonic_time();
	directory = g_path_get_dirname(guess->conf);
	prefix = g_strconcat(directory, "/", NULL);
	if ((guess->textcat = special_textcat_Init(guess->conf, prefix)) == NULL) {
		log_warn("classify: the language fingerprints %s cannot be read: "
		    "languages are told by their words only; reinstall "
		    "libexttextcat-data", guess->conf);
		guess->failed = TRUE;
		return FALSE;
	}
	guess->candidates = textcat_GetClassifyFullOutput(guess->textcat);
	log_debug("classify: language fingerprints read in %.1f ms",
	    (double)(g_get_monotonic_time() - start) / 1000);
	return TRUE;
}

/* TRUE once the fingerprints were read (for the tests and the timings). */
gboolean
language_guess_loaded(const struct language_guess *guess)
{
	return guess->textcat != NULL;
}

/* Free the fingerprints. */
void
language_guess_close(struct language_guess *guess)
{
	if (guess == NULL)
		return;
	if (guess->textcat != NULL) {
		textcat_ReleaseClassifyFullOutput(guess->textcat, guess->candidates);
		textcat_Done(guess->textcat);
	}
	g_hash_table_unref(guess->codes);
	g_free(guess->conf);
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

	if (!guess_load(guess))
		return NULL;
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
