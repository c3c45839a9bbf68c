/* html.h: HTML as plain text, for mails that have no plain-text part:
 * libxml2's forgiving HTML parser, blockquotes and the reply containers of
 * Gmail and Thunderbird as "> " lines, scripts and styles dropped. Built as
 * the module dsrmail-html.so (html-module.c; base/module.h), loaded by
 * html.c the first time a mail needs it. */
#ifndef DSR_HTML_H
#define DSR_HTML_H

#include <glib.h>

/* The module's table (html-module.c). */
#define HTML_SYMBOL "html_module"
struct html_module {
	char *(*to_text)(const char *html);
};

/* The text of html (UTF-8): a new string, or NULL with DSR_ERROR_CONFIG
 * when the module cannot be loaded. */
char *html_to_text(const char *html, GError **error);

#endif
