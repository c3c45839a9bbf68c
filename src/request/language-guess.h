/* language-guess.h: the language a mail is written in, whatever it is, by
 * libexttextcat's n-gram fingerprints (some 160 languages). */
#ifndef DSR_LANGUAGE_GUESS_H
#define DSR_LANGUAGE_GUESS_H

#include <glib.h>

struct language_guess;

/* The fingerprints listed in conf (libexttextcat's fpdb.conf; the
 * fingerprint files are looked up in its directory), read when a text
 * first needs them. Errors (conf missing) are DSR_ERROR_CONFIG. Free with
 * language_guess_close. */
struct language_guess *language_guess_open(const char *conf, GError **error);

/* TRUE once a text needed the fingerprints and they were read. */
gboolean language_guess_loaded(const struct language_guess *guess);

void language_guess_close(struct language_guess *guess);

/* The ISO 639 code of text's language, or NULL when the text is too short
 * or too unlike any fingerprint. Of candidates scoring within 3% of the
 * best, the best-scoring one in prefer (a NULL-terminated list of codes,
 * may be NULL) wins: near ties such as Swedish and Danish go the way the
 * deployment expects. The result is a static string or one owned by guess. */
const char *language_guess_text(struct language_guess *guess, const char *text,
    const char *const *prefer);

#endif
