/* classify-text.h: the text around the reading (classify-text.c): where
 * the sender's own words end, a forwarded request, the language a mail is
 * written in, and the "field: new value" lines of a correction. Only for
 * src/request/classify*.c. */
#ifndef DSR_CLASSIFY_TEXT_H
#define DSR_CLASSIFY_TEXT_H

#include <glib.h>

#include "request/classify-rules.h"

/* The own text up to the first closing line ("Best regards"), when some
 * text came before it (a new string). */
char *text_until_closing(const struct classify_rules *rules, const char *own);

/* The whole text with forwarded or quoted mail in it up to quote depth
 * depth (0: forwarded unquoted), without their header lines, for when own
 * asks for nothing (a new string); NULL when nothing is quoted that deep. */
char *text_forwarded(const char *whole, const char *own, int depth);

/* How deep forwarded and quoted mail is read for a request. */
#define FORWARDED_DEPTH 3

/* The language the mail is written in: its n-grams, or its common words
 * for a short text; an ISO 639 code, or NULL. */
const char *text_written(struct classify_rules *rules, const char *text);

/* Read the "field: new value" lines of text into changes (struct
 * classify_change *). */
void text_changes(const struct classify_rules *rules, const char *text,
    GPtrArray *changes);

/* Where the lines of text are that hold no change in prose (header lines
 * of a quoted mail, the sender's identification): pairs of byte offsets
 * [start, end) (a new array of gsize). */
GArray *text_not_prose(const struct classify_rules *rules, const char *text);

/* TRUE for the subject of a reply or forward: someone else wrote it. */
gboolean subject_is_reply(const char *subject);

/* TRUE for the subject of an answer (Re:, AW:, SV:, VS:), not a forward. */
gboolean subject_is_answer(const char *subject);

/* TRUE if whole has a forwarded mail's separator line: a forward, whatever
 * its subject says. */
gboolean text_forwards(const char *whole);

/* TRUE if whole has more than the own text: forwarded or quoted mail. */
gboolean text_beyond(const char *whole, const char *own);

/* TRUE if the text has a "field: value" line of a field the rules know. */
gboolean text_has_field_line(const struct classify_rules *rules,
    const char *text);

/* The message field's text of a web-form paste ("Nimi: ... Viesti:
 * poistakaa tili"): the mail's own words (a new string); NULL when text is
 * not a form paste. */
char *text_form_message(const struct classify_rules *rules, const char *text);

/* Free a change (a GDestroyNotify). */
void change_free(gpointer data);

#endif
