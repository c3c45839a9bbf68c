/* words-spoken.h: the written forms a Finnish word Voikko does not know may
 * stand for (words-spoken.c): spoken forms ("ootte", "tietoo", "saanu",
 * "teil", "voisitteks") and spellings without ä and ö ("mita", "teilla",
 * "lahettakaa"), for words.c to try in turn. Only for src/request/words.c. */
#ifndef DSR_WORDS_SPOKEN_H
#define DSR_WORDS_SPOKEN_H

#include <glib.h>

/* At most this many forms are given for one word (Voikko checks each). */
#define SPOKEN_FORMS_MAX 48

/* The forms to try for a lower-case word, most likely first, never the
 * word itself: its spoken clitic read as the standard one, its spoken
 * endings written out, and each of these (and the word) with a and o
 * read as ä and ö where the writer may have had no keys for them. The
 * caller frees the array (it owns its strings). */
GPtrArray *words_spoken_forms(const char *lower);

#endif
