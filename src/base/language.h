/* language.h: the languages dsrmail speaks (replies, labels, rules), and a
 * text in each of them, read from a GKeyFile's key[fi], key[en], key[sv]. */
#ifndef DSR_LANGUAGE_H
#define DSR_LANGUAGE_H

#include <glib.h>

/* Languages dsrmail speaks; labels exist per language. */
enum language { LANG_FI, LANG_EN, LANG_SV, LANG_COUNT };

/* "fi" -> LANG_FI; -1 for anything else. */
int language_from_code(const char *code);
const char *language_code(enum language language);

/* A text in each language; missing ones fall back to en, then fi. */
struct labels {
	char *text[LANG_COUNT];
};

/* The label in language (never NULL if any language has one). */
const char *labels_get(const struct labels *labels, enum language language);

/* Read key[fi], key[en], key[sv] of group into labels (a plain key serves
 * every language that has none of its own); missing ones stay NULL. */
void labels_read(struct labels *labels, GKeyFile *file, const char *group,
    const char *key);

/* Free the texts (not the struct). */
void labels_clear(struct labels *labels);

#endif
