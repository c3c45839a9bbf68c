/* web.h: `dsrmail web`, the admin pages served over HTTP (src/web/README).
 * src/web/ is built as the module dsrmail-web.so (base/module.h), so that
 * no other command loads libmicrohttpd: cmd/web.c calls web_serve through
 * the module's table. */
#ifndef DSR_WEB_H
#define DSR_WEB_H

#include <glib.h>

struct context;

/* Serve the pages on [web] listen until SIGINT or SIGTERM; context needs
 * the config, store, map, notice and templates opened. Prints the address
 * it serves on to stdout once it is listening. 0 after a clean stop, or -1
 * with error (DSR_ERROR_CONFIG for a bad [web] key or page template,
 * DSR_ERROR_UNAVAILABLE when it cannot listen). */
int web_serve(struct context *context, GError **error);

/* The module's table. */
#define WEB_SYMBOL "web_module"
struct web_module {
	int (*serve)(struct context *context, GError **error);
};

#endif
