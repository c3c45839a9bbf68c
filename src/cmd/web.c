/* web.c: `dsrmail web`: serve the admin pages (src/web/, the module
 * dsrmail-web.so) until Ctrl-C. */
#include "base/module.h"
#include "cmd/command.h"
#include "web/web.h"

/* dsrmail web */
int
web_command(struct context *context, int argc, char **argv, GError **error)
{
	const struct web_module *web;

	(void)argv;
	if (command_no_arguments("web", "; the address is [web] listen", argc,
	    error) < 0)
		return -1;
	if ((web = module_table("dsrmail-web.so", WEB_SYMBOL, error)) == NULL)
		return -1;
	return web->serve(context, error);
}
