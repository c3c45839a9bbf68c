/* module.h: the parts of dsrmail built as modules of their own,
 * dsrmail-NAME.so (the IMAP, SMTP and OAuth2 client: mail/transport.h; the
 * web pages: web/web.h), so that a command loads a part's libraries only
 * when it first uses the part: `deliver` loads none of libetpan, libcurl,
 * GnuTLS and libmicrohttpd, nor the libraries they bring. A module exports
 * one table of functions; the program calls the part through it. */
#ifndef DSR_MODULE_H
#define DSR_MODULE_H

#include <glib.h>

/* The table called symbol in the module file ("dsrmail-web.so"), the
 * module loaded (for good) the first time: from the program's own
 * directory when it is there (a build tree), else from where `make
 * install` puts it. NULL with DSR_ERROR_CONFIG saying what to do. */
gconstpointer module_table(const char *file, const char *symbol,
    GError **error);

/* Where a part of dsrmail's file is: next to the running program when it
 * is there (a build tree), else in the directory `make install` puts the
 * parts in. src/cmd/front.c finds the program dsrmail-main this way. A
 * new string. */
char *module_path(const char *file);

#endif
