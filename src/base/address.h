/* address.h: e-mail addresses as dsrmail compares them. */
#ifndef DSR_ADDRESS_H
#define DSR_ADDRESS_H

#include <glib.h>

/* The form used to match a sender with the register: surrounding white space
 * trimmed, ASCII letters lower-cased (as SQLite's lower() does, so the
 * register index on lower(trim(column)) finds it). The caller frees it. */
char *address_normalise(const char *address);

/* TRUE for one plausible bare address: local@domain.tld, no spaces, angle
 * brackets, commas, quotes, CR or LF. */
gboolean address_is_plausible(const char *address);

#endif
