/* module.h: the parts of dsrmail built as modules of their own,
 * dsrmail-NAME.so (the IMAP and SMTP client: mail/transport.h; the HTML
 * reader: mail/html.h), so that a command loads a part's libraries only
 * when it first uses the part: `deliver` of a plain-text mail loads none
 * of libetpan, libcurl, GnuTLS and libxml2, nor the thirty libraries they
 * bring. A module exports one table of functions; the program defines the
 * part's functions as calls through it. */
#ifndef DSR_MODULE_H
#define DSR_MODULE_H

#include <glib.h>

/* The table called symbol in the module file ("dsrmail-html.so"), the
 * module loaded (for good) the first time: from the program's own
 * directory when it is there (a build tree), else from where `make
 * install` puts it. NULL with DSR_ERROR_CONFIG saying what to do. */
gconstpointer module_table(const char *file, const char *symbol,
    GError **error);

#endif
