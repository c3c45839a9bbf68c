/* classify.h: what a request mail asks for, read with rules/classify.rules
 * (dsrmail-rules(5)): the request kinds, each with a confidence and a mark
 * for an admin, the kinds only hinted at, the language the mail is written
 * in, and the "field: new value" lines of a rectification.
 *
 * The text is read clause by clause, not as a bag of words: the sender's
 * own text (mime.c cut quotes and signatures) is split into sentences, list
 * items and clauses, every word is matched by its forms (words.h), and a
 * clause asks for a kind when it has the words of one of the kind's rules
 * and is not a negation of it, a condition, a possibility ("maybe later"),
 * a reason, a question, a quote, or a mention of the rights. */
#ifndef DSR_CLASSIFY_H
#define DSR_CLASSIFY_H

#include <glib.h>

#include "request/classify-types.h"

struct classify_rules;

/* Marks on a classified kind (stored in dsr_requests.mark). */
#define CLASSIFY_UNCERTAIN "uncertain"       /* below [classify] certain */
#define CLASSIFY_POSSIBLE_EXTRA "possible_extra" /* not the mail's main request */

/* One kind a mail asks for. */
struct classify_kind {
	const char *kind;         /* a request kind (static) */
	double confidence;        /* 0..1; 0 for "unknown" */
	const char *mark;         /* NULL, CLASSIFY_UNCERTAIN or
	                             CLASSIFY_POSSIBLE_EXTRA (static) */
};

/* What a mail asks for. */
struct classify_result {
	GPtrArray *kinds;      /* const char *: request kinds in a safe order
	                          (access before erasure); "unknown" if none */
	GArray *details;       /* struct classify_kind, one per kinds entry */
	GPtrArray *hints;      /* const char *: kinds mentioned as a possibility
	                          ("maybe delete later") but not asked for now */
	int language;          /* enum language the mail is written in, or -1:
	                          none dsrmail has templates for, or unclear */
	const char *written;   /* ISO 639 code of the mail's language as
	                          guessed (any language), or NULL: unclear */
	GPtrArray *changes;    /* struct classify_change *: only with rectification */
	char *text;            /* the text that was read (own text up to the
	                          closing line), for logs at debug level */
	GPtrArray *forms;      /* char *: the form of each word read, for a
	                          statistical model: its first Finnish base
	                          form, else its stem in the mail's language,
	                          else folded; no numbers, addresses, links */
};

/* Read and compile the rules file, open the stemmers, Voikko and the
 * language fingerprints. Errors are DSR_ERROR_CONFIG naming the file, group
 * and key. Returns new rules (classify_free) or NULL. */
struct classify_rules *classify_load(const char *path, GError **error);

void classify_free(struct classify_rules *rules);

/* Classify a mail's subject (may be NULL), own text, whole text and the
 * text of the mail it attaches (each may be NULL; forwarded and attached
 * requests are read from them when the own text asks for nothing). Fills
 * result; clear it with classify_result_clear. The rules are not const:
 * they cache word analyses. */
void classify_text(struct classify_rules *rules, const char *subject,
    const char *own, const char *whole, const char *attached,
    struct classify_result *result);

/* The details of kind in result, or NULL. */
const struct classify_kind *classify_result_find(const struct classify_result *result,
    const char *kind);

/* Free what a result holds (not the struct itself). */
void classify_result_clear(struct classify_result *result);

#endif
