/* classify-terms.h: the words of the rules' word classes as compiled
 * (classify-rules.c), shared by the rules and their index
 * (classify-index.c). Types only. Not for use outside
 * src/request/classify*.c. */
#ifndef DSR_CLASSIFY_TERMS_H
#define DSR_CLASSIFY_TERMS_H

#include <glib.h>

/* How one word of a term meets a text's word. */
enum term_match {
	TERM_WORD,        /* same stem, same base form or compound part, or
	                     same folded word */
	TERM_WHOLE,       /* "=oikeus": the same, but not a compound's part */
	TERM_SURFACE,     /* "~kopion": this spelling only (folded), no stem:
	                     "a copy", not "copies" */
	TERM_DIGITS,      /* "+digits": a number */
	TERM_VALUE,       /* "+value": an e-mail address or a link */
	TERM_PREFIX,      /* "poisto*": the folded word or a base form begins so */
	TERM_SUFFIX,      /* "*kielto" */
	TERM_INFIX,       /* "*kiel*" */
};

struct term_part {
	enum term_match match;
	char *form;               /* TERM_WORD: the stem (NULL until the term's
	                             language is stemmed); else the folded word */
	char *plain;              /* the folded word as written */
	char *lower;              /* lower case as written (the affix for an
	                             affix term): met by base forms */
	gboolean stemmed;         /* the stem is long enough to go by (four
	                             letters: short stems of other words meet) */
	gboolean folds;           /* long enough (six letters) to be met without
	                             its accents */
	gboolean exact;           /* a short word (<= 3 letters): lower case only */
	gboolean closes;          /* "ein.": the word ends its clause (a German
	                             verb's particle: "stellen Sie ... ein", not
	                             "stellen Sie mir ein Formular zu") */
};

/* A word or phrase of a class, in one language (-1: every language). */
struct term {
	guint class;              /* the index of its class in rules->classes */
	int language;             /* words_language_index */
	gboolean long_word;       /* its first word has five letters or more:
	                             it applies to a mail in any language */
	gboolean exclude;         /* "-et": a word it meets is not of the class
	                             (colloquial "et" is "että", not "you don't") */
	struct term_part *parts;
	guint count;
};

/* A [words NAME] group. */
struct word_class {
	char *name;
	GPtrArray *terms;         /* struct term * */
};

#endif
