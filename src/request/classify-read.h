/* classify-read.h: one reading of a text, as classify-read.c builds it and
 * classify.c weighs it: the words (units) with their classes, cut into
 * clauses and sentences, each with its roles (negation, condition,
 * possibility, reason, question, quote, mention of the rights). Only for
 * src/request/classify*.c; the rest of dsrmail uses classify.h. */
#ifndef DSR_CLASSIFY_READ_H
#define DSR_CLASSIFY_READ_H

#include <glib.h>

#include "request/classify-rules.h"
#include "request/classify-types.h"

/* Where a word stands after the one before it. */
enum boundary { BOUNDARY_NONE, BOUNDARY_CLAUSE, BOUNDARY_SENTENCE };

/* A line shorter than this that ends without punctuation is a heading or
 * an address line: the next line, if capitalised, starts a new clause. */
#define SHORT_LINE 50

/* A negation cancels a kind's words at most this many words away. */
#define NEGATION_REACH 8

/* A quote of at least this many words is someone else's text. */
#define QUOTE_WORDS 3

/* One word of the text being read. */
struct unit {
	struct word word;
	guint8 *classes;          /* per class: 1 if a term of it starts here */
	enum boundary boundary;   /* before this word */
	gboolean quoted;
	gboolean subject;         /* in the Subject line */
	gboolean question;        /* a '?' follows it */
	gboolean colon;           /* a ':' follows it */
	gboolean item;            /* the first word of a list item */
	gboolean aside;           /* inside an aside in parentheses */
	int clause;
	gsize start, end;         /* where it is in the text it was read from
	                             (the subject or the body) */
};

/* A run of words between clause boundaries. */
struct clause {
	guint first, end;         /* units [first, end) */
	int sentence;
	guint8 *has;              /* per class: some word of the clause has it */
	guint condition_from;     /* units from here on are conditional ("tell
	                             me if the objection ends in deletion") */
	guint reason_from;        /* units from here on explain ("because ...") */
	guint until_from;         /* units from here on say until when ("until
	                             you have checked and corrected them"):
	                             they ask nothing of their own */
	gboolean negated, condition, possibility, reason, explicit, boilerplate;
	gboolean asking;          /* a request word that is not negated */
	gboolean until;           /* opened by "until" and asks nothing: lends
	                             its "until" to its sentence */
	gboolean mention;         /* names the rights without exercising them */
	guint shared;             /* a conjunct without a verb of its own
	                             ("poistakaa minut listalta ja koko
	                             rekisteristä"): the unit + 1 whose verb it
	                             shares, 0 when none */
};

/* A run of clauses between sentence boundaries. */
struct sentence {
	gboolean question, request, subject, colon;
	gboolean inquiry;         /* asks about a request, makes none ("How do
	                             I request ...?") */
	gboolean item;            /* a list item */
	gboolean aside;           /* an aside in parentheses ("(z. B. ...)") */
	gboolean forbid, negation;/* lent by the list's introduction ("Kiellän:",
	                             "I do not want:") to a ban in the item */
};

/* What one kind's evidence adds up to. */
struct kind_state {
	double confidence;
	int count;
	gboolean main, negated, hinted;
	gboolean doubted;         /* its words were read in a question that is
	                             not a request or in what happened told
	                             ("I asked you to delete it in May") */
	gboolean explained;       /* its words were read only in an explanation
	                             ("... because you never erased my data
	                             when I left"): doubted unless the mail
	                             asks for a kind of its net_unless */
	int told;                 /* evidence from a rule without a verb
	                             ("wrong field register") */
	int temporary;            /* evidence of a ban "until ...": with a
	                             restriction, part of it */
	GArray *sentences;        /* int: where it was asked */
	GArray *asking;           /* int: the clauses that asked what is held
	                             (a rule with the "what" class): access of
	                             its own beside portability */
};

/* One reading of a text. */
struct reading {
	struct classify_rules *rules;
	const char *written;      /* the mail's language code, or NULL */
	int language;             /* its index among the rules' languages, or -1
	                             (unclear, or one the rules are not written
	                             in): then every language's stems count */
	gboolean finnish;         /* analyse words with Voikko */
	gboolean forwarded;       /* reading a forwarded request */
	gboolean answering;       /* the own text of an answer that quotes the
	                             mail it answers: its "list" is the list
	                             that mail came from */
	GArray *units;            /* struct unit */
	GArray *clauses;          /* struct clause */
	GArray *sentences;        /* struct sentence */
	enum boundary pending;
	int quote_open;           /* unit index where a quote opened, or -1 */
	enum boundary quote_pending; /* the boundary before it opened */
	guint64 parens;           /* per open parenthesis, innermost lowest: 1 if
	                             it opened an aside */
	GString *word;            /* the word being collected */
	gboolean subject;
	gboolean item;            /* the next word starts a list item */
	gsize at, word_start;     /* offsets in the text being read: the
	                             character now, the word being collected */
	const char *rest;         /* the line after the character now (NULL at
	                             its end): what a full stop is followed by */
	struct kind_state states[CLASSIFY_KIND_COUNT];
};

/* A new reading of a text in language written (may be NULL). */
void reading_init(struct reading *r, struct classify_rules *rules,
    const char *written);

/* Free a reading. */
void reading_clear(struct reading *r);

/* Read a text (the subject, or the body) into units. */
void reading_add(struct reading *r, const char *text, gboolean subject);

/* Each unit's classes. */
void reading_classes(struct reading *r);

/* Cut the units into clauses and sentences. */
void reading_cut(struct reading *r);

/* A clause's classes and roles. */
void clause_read(struct reading *r, struct clause *clause);

/* Roles that carry on from one clause to the next ("that ..."). */
void reading_carry(struct reading *r);

/* The sentences' roles: a question, a mention of the rights, a request. */
void reading_sentences(struct reading *r);

/* TRUE if unit u has the class of role (an optional role the rules do
 * without: never). */
gboolean unit_role(const struct reading *r, guint u, enum role role);

/* TRUE if a clause with classes has has a word of role's class. */
gboolean has_role(const struct reading *r, const guint8 *has, enum role role);

/* TRUE if the alternative's classes are in has (and none it excludes). */
gboolean alternative_in(const struct alternative *alternative, const guint8 *has);

/* The first alternative of a list whose classes are in has, or NULL. */
const struct alternative *alternatives_find(GArray *alternatives, const guint8 *has);

/* TRUE if the rule asks (or weakly asks) for its kind in a clause with has. */
gboolean rule_in(const struct kind_rule *rule, const guint8 *has);

/* TRUE if unit u has a class the alternative needs. */
gboolean unit_in_alternative(const struct reading *r, guint u,
    const struct alternative *alternative);

/* TRUE if some kind's rule asks in a clause with has. */
gboolean any_rule_in(const struct reading *r, const guint8 *has);

/* The first unit of a clause that is not a lead word ("and", "please"). */
guint clause_head(const struct reading *r, const struct clause *clause);

/* The guarded kind (an index of classify_kinds) whose verb a word of a
 * clause with a data word is a typo away from ("delte my data"), the word
 * no class has and Voikko does not know; -1 if none. */
int reading_near_miss(const struct reading *r);

/* TRUE if the mail asks (asked, per kind of classify_kinds) for a kind in
 * whose presence the rule's doubts are quiet ([kind] net_unless). */
gboolean rule_quiet(const struct kind_rule *rule, const gboolean *asked);

/* The guarded kind (an index of classify_kinds) a word of its family
 * ([kind] net) stands for in a clause no kind's rule asks in, outside a
 * quote, when the reading does not already ask for (asked, per kind of
 * classify_kinds), refuse or hint at the kind, nor ask for a kind of its
 * net_unless unless the word is the kind's verb commanding ("pls get rid
 * of my profile", beside a restriction too); in a mail asking for a
 * guarded kind, not in a negated clause; -1 if none. */
int reading_net(const struct reading *r, const gboolean *asked);

/* Hand a clause's verdict to the tests' trace (classify_trace, set). */
void reading_trace(const struct reading *r, const struct clause *clause,
    const char *kind, const char *verdict, double confidence);

#endif
