/* classify-fields.h: the new values of a correction written in prose
 * (classify-fields.c), read from a reading's words. Only for
 * src/request/classify*.c. */
#ifndef DSR_CLASSIFY_FIELDS_H
#define DSR_CLASSIFY_FIELDS_H

#include <glib.h>

#include "request/classify-read.h"

/* Add to changes (struct classify_change *) the prose changes of text, the
 * body r read: a value marked new ("uusi on", "new one is", "to"), or not
 * marked old, of a column no change names yet. own is the sender's whole
 * own text (may be NULL): the name in its signature tells whether one
 * word is a first or a last name. */
void reading_fields(const struct reading *r, const char *text, const char *own,
    GPtrArray *changes);

#endif
