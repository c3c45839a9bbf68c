/* identifiers.h: what in a mail's text names a person: another e-mail
 * address, a phone number, a name given as such. A mail naming someone
 * else is held for an admin (N22); a sender the register does not know
 * whose mail names someone goes to the admins instead of ending. */
#ifndef DSR_IDENTIFIERS_H
#define DSR_IDENTIFIERS_H

#include <glib.h>

struct config;

/* TRUE if text names an address that is neither sender's, the registry's,
 * an admin's nor one of allowed (strings: the new values of corrections;
 * NULL for none). */
gboolean identifiers_other_address(const char *text, const struct config *config,
    const char *sender, GPtrArray *allowed);

/* TRUE if text names a person some other way: a phone number (7 digits or
 * more) or a name given as such ("Nimi:", "my name is", ...). */
gboolean identifiers_named(const char *text);

#endif
