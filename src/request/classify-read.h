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
	int clause;
};

/* A run of words between clause boundaries. */
struct clause {
	guint first, end;         /* units [first, end) */
	int sentence;
	guint8 *has;              /* per class: some word of the clause has it */
	guint condition_from;     /* units from here on are conditional ("tell
	                             me if the objection ends in deletion") */
	guint reason_from;        /* units from here on explain ("because ...") */
	gboolean negated, condition, possibility, reason, explicit, boilerplate;
};

/* A run of clauses between sentence boundaries. */
struct sentence {
	gboolean question, mention, request, subject, colon;
};

/* What one kind's evidence adds up to. */
struct kind_state {
	double confidence;
	int count;
	gboolean main, negated, hinted;
	GArray *sentences;        /* int: where it was asked */
};

/* One reading of a text. */
struct reading {
	struct classify_rules *rules;
	const char *written;      /* the mail's language code, or NULL */
	gboolean written_known;   /* written is one of the rules' languages
	                             (looked up once, not per term and word) */
	/* What the words hold, for term_may_start: every form of every word
	 * (lower, folded, bases, compound parts, stems), the character lengths
	 * of the stems per language (bit n: a stem of n characters), whether
	 * some word is a number or has no base form. */
	GHashTable *forms;
	guint64 *stem_lengths;
	gboolean any_digits, any_unanalysed;
	gboolean finnish;         /* analyse words with Voikko */
	gboolean forwarded;       /* reading a forwarded request */
	GArray *units;            /* struct unit */
	GArray *clauses;          /* struct clause */
	GArray *sentences;        /* struct sentence */
	enum boundary pending;
	int quote_open;           /* unit index where a quote opened, or -1 */
	guint64 parens;           /* per open parenthesis, innermost lowest: 1 if
	                             it opened an aside */
	GString *word;            /* the word being collected */
	gboolean subject;
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

/* TRUE if unit u has the class of role. */
gboolean unit_role(const struct reading *r, guint u, enum role role);

/* The first unit of a clause that is not a lead word ("and", "please"). */
guint clause_head(const struct reading *r, const struct clause *clause);

/* Hand a clause's verdict to the tests' trace (classify_trace, set). */
void reading_trace(const struct reading *r, const struct clause *clause,
    const char *kind, const char *verdict, double confidence);

#endif
