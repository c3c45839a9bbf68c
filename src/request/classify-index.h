/* classify-index.h: the terms of the rules' word classes filed by the
 * forms of their first word (classify-index.c), so that reading a word
 * tries only the terms that can meet it. Only for src/request/classify*.c. */
#ifndef DSR_CLASSIFY_INDEX_H
#define DSR_CLASSIFY_INDEX_H

#include <glib.h>

#include "request/classify-terms.h"
#include "request/words.h"

struct classify_index;

/* File the terms of classes (struct word_class *; the terms must outlive
 * the index). Free with classify_index_free. */
struct classify_index *classify_index_new(GPtrArray *classes);

void classify_index_free(struct classify_index *index);

/* File a term by its first word's stem (classify_rules_stem made it). */
void classify_index_add_stems(struct classify_index *index, struct term *term);

/* Add to out (struct term *, not owned, possibly more than once) every
 * term whose first word may meet word: those its forms file, and those no
 * form files (affixes shorter than three letters, "+digits", "+value").
 * languages is how many
 * stems word has (a NULL stem is skipped). The caller still matches each
 * term (classify_part_matches and its other words). */
void classify_index_candidates(const struct classify_index *index,
    const struct word *word, int languages, GPtrArray *out);

#endif
