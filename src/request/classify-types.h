/* classify-types.h: what the classifier's parts (classify*.c) and its
 * users share besides classify.h's functions: a proposed change, and the
 * tests' trace hook. Includes nothing of dsrmail's, so the parts can
 * include it without including classify.h. */
#ifndef DSR_CLASSIFY_TYPES_H
#define DSR_CLASSIFY_TYPES_H

/* One proposed change as the sender wrote it. */
struct classify_change {
	char *field;      /* the field name written ("Puhelinnumero") */
	char *value;      /* the new value */
	char *alias;      /* the map column the rules' [field] aliases name, or NULL */
};

/* For the tests' trace (tests/unit/classify-test.c show --trace): when
 * set, called with each clause that weighs for a kind, its words, and what
 * they counted as. Never set in dsrmail itself: clauses are personal data. */
extern void (*classify_trace)(const char *kind, const char *clause,
    const char *verdict, double confidence);

#endif
