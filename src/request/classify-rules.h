/* classify-rules.h: rules/classify.rules compiled (classify-rules.c), for
 * the reading in classify.c. Not for use outside src/request/classify*.c. */
#ifndef DSR_CLASSIFY_RULES_H
#define DSR_CLASSIFY_RULES_H

#include <glib.h>

#include "request/classify-terms.h"
#include "request/language-guess.h"
#include "request/words.h"

struct classify_index;

/* One way to ask for a kind: classes a clause must have, and must not. */
struct alternative {
	GArray *need;             /* guint class indexes */
	GArray *without;
};

/* How many kinds classify_kinds holds. */
#define CLASSIFY_KIND_COUNT 10

/* A [kind KIND] group. */
struct kind_rule {
	const char *kind;         /* static, from classify_kinds */
	gboolean ban;             /* asked by forbidding: a negation is how it
	                             is asked, it does not cancel it */
	gboolean sentence;        /* its words may stand anywhere in a sentence
	                             ("I object, under Art. 21(1), to ...") */
	GArray *ask;              /* struct alternative: a request when found */
	GArray *maybe;            /* struct alternative: weak, needs more */
	GArray *question;         /* struct alternative: asks even as a question
	                             ("What data do you have about me?") */
	GArray *span;             /* struct alternative: asks when its classes
	                             stand anywhere in one sentence ("the phone
	                             number is old, the new one is 044 ...") */
	GArray *lines;            /* guint classes: a "field: value" line of a
	                             known field asks for the kind when the mail
	                             has a word of one of these too */
	GArray *net;              /* struct alternative: [kind] net, its first
	                             class the words of the kind's family; in a
	                             clause that asks for nothing, in a mail
	                             that asks for no guarded kind, they doubt
	                             the kind */
	gboolean net_unless[CLASSIFY_KIND_COUNT]; /* per kind of classify_kinds:
	                             in a mail asking for it, the net doubts
	                             nothing of this kind */
	gboolean told_unless[CLASSIFY_KIND_COUNT]; /* per kind: in a mail asking
	                             for it, this kind asked only by rules
	                             without a verb ("the records are wrong")
	                             is a hint (Art. 18(1)(a): the accuracy
	                             contested) */
};

/* Classes whose words change how a clause reads. */
enum role {
	ROLE_NEGATION, ROLE_CONDITION, ROLE_POSSIBILITY, ROLE_REASON,
	ROLE_RIGHT, ROLE_EXERCISE, ROLE_REQUEST, ROLE_COMPLEMENT, ROLE_SPLIT,
	ROLE_BOILERPLATE, ROLE_LEAD, ROLE_FORBID, ROLE_CONDITION_HEAD,
	/* optional: a rules file without them reads as before */
	ROLE_UNTIL, ROLE_INQUIRY, ROLE_REPORT, ROLE_KEEP, ROLE_DATA,
	ROLE_HOLD, ROLE_RELATIVE, ROLE_CONJUNCTION, ROLE_PAST, ROLE_WHAT,
	ROLE_PURPOSEREF, ROLE_REGISTER, ROLE_LIST, ROLE_MAILINGLIST, ROLE_STOP,
	ROLE_NUMBER, ROLE_RETRACT, ROLE_PUBLISH, ROLE_OBLIGATION,
	ROLE_PERMIT,
	ROLE_COUNT
};

/* The first optional role: rules files older than these do without. */
#define ROLE_OPTIONAL ROLE_UNTIL

/* The numbers of [classify]. */
struct classify_weights {
	double strong, weak, explicit_bonus, subject_bonus, forwarded_factor,
	    repeat_bonus, negated_penalty, certain, floor, doubt;
};

struct classify_rules {
	char *file;
	struct words *words;
	struct language_guess *guess;
	char **languages;         /* every language the rules are written in */
	gboolean *stemmed;        /* per language: its terms' stems are made */
	char **expect;            /* [classify] expect: near-tie preferences */
	struct classify_weights weights;
	GHashTable *abbreviations;/* folded word -> itself: no sentence end after */
	GPtrArray *classes;       /* struct word_class * */
	guint8 *verbs;            /* per class: 1 if a [classify] verbs class */
	guint8 *referents;        /* per class: 1 if a [classify] referents
	                             class (what "that purpose" stands for) */
	guint8 *objects;          /* per class: 1 if a [classify] objects class
	                             (what a bare command, "Voitteko korjata?",
	                             takes from the sentence before) */
	guint8 *described;        /* per class: 1 if a [classify] described
	                             class: a relative clause after one of its
	                             words describes it, asks nothing ("an
	                             e-mail, in which I was asked to ...") */
	struct classify_index *index; /* the terms by their first word's forms */
	int roles[ROLE_COUNT];    /* class index, or -1 (an optional role) */
	GPtrArray *guard_terms;   /* struct term * (the classes' own): the
	                             one-word verbs of the guarded kinds, for
	                             words a typo away from them */
	GArray *guard_kinds;      /* int: the kind of each guard_terms entry */
	gboolean guard[CLASSIFY_KIND_COUNT]; /* per kind of classify_kinds:
	                             [classify] guard, a doubt about it holds
	                             the mail for an admin */
	GPtrArray *kinds;         /* struct kind_rule * */
	GRegex *closing;          /* one line that ends the sender's text */
	GHashTable *common;       /* language code -> GHashTable of folded words */
	GRegex *field_line;
	GRegex *address;          /* an address value into its columns */
	GRegex *prose_address;    /* an address in prose, over lines too */
	GRegex *value_cut;        /* what to cut from a value: a comment */
	GPtrArray *field_ignore;  /* GRegex * */
	GPtrArray *identification;/* GRegex *: a line opening the sender's
	                             identification, not changes */
	GPtrArray *fields;        /* struct field_alias * */
	struct classify_model *model; /* [classify] model, or NULL */
};

/* Other names for one register column. */
struct field_alias {
	char *column;
	GPtrArray *patterns;      /* GRegex *, anchored */
};

/* Every request kind the classifier gives, in the order requests are
 * opened and executed (access and portability before anything changes,
 * erasure last: DESIGN.md); NULL-terminated. */
extern const char *const classify_kinds[CLASSIFY_KIND_COUNT + 1];

/* Read and compile the rules file (classify_load in classify.h is the
 * public name); NULL with a DSR_ERROR_CONFIG error. */
struct classify_rules *classify_rules_load(const char *path, GError **error);

void classify_rules_free(struct classify_rules *rules);

/* Make the stems of the terms in language (an index of rules->languages;
 * -1: nothing), once: a reading in that language needs them. */
void classify_rules_stem(struct classify_rules *rules, int language);

/* TRUE if the class is one of [classify] verbs (all are, without the key):
 * a clause it begins is a command. */
gboolean classify_class_verb(const struct classify_rules *rules, guint class);

/* The index of the [words NAME] class in rules->classes, or -1. */
int classify_class_find(const struct classify_rules *rules, const char *name);

/* TRUE if part meets word; language is the term's (-1: any), typos allows
 * one edit on long stems. */
gboolean classify_part_matches(const struct term_part *part, int language,
    const struct word *word, gboolean typos);

#endif
