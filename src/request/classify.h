/* classify.h: what a request mail asks for, read with rules/classify.rules:
 * the request kinds, the language to answer in, and the "field: new value"
 * lines of a rectification. Matching is Unicode-aware and case-insensitive
 * (GRegex), on the subject and the sender's own text only. */
#ifndef DSR_CLASSIFY_H
#define DSR_CLASSIFY_H

#include <glib.h>

struct classify_rules;

/* One proposed change as the sender wrote it. */
struct classify_change {
	char *field;      /* the field name written ("Puhelinnumero") */
	char *value;      /* the new value */
	char *alias;      /* the map column the rules' [field] aliases name, or NULL */
};

/* What a mail asks for. */
struct classify_result {
	GPtrArray *kinds;      /* const char *: request kinds in a safe order
	                          (access before erasure); "unknown" if none */
	int language;          /* enum language, or -1: could not tell */
	GPtrArray *changes;    /* struct classify_change *: only with rectification */
	char *text;            /* the text that was matched (own text up to the
	                          closing line), for logs at debug level */
};

/* Read and compile the rules file; with many (a run that reads many mails)
 * the patterns are JIT-compiled, which costs more at start than it saves on
 * one mail. Errors are DSR_ERROR_CONFIG naming the file, group and
 * pattern. Returns new rules (classify_free) or NULL. */
struct classify_rules *classify_load(const char *path, gboolean many,
    GError **error);

void classify_free(struct classify_rules *rules);

/* Classify a mail's subject (may be NULL) and own text. Fills result; clear
 * it with classify_result_clear. */
void classify_text(const struct classify_rules *rules, const char *subject,
    const char *own, struct classify_result *result);

/* Free what a result holds (not the struct itself). */
void classify_result_clear(struct classify_result *result);

#endif
