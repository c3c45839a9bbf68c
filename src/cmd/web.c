/* web.c: `dsrmail web`: serve the admin pages (src/web/) until Ctrl-C. */
#include "cmd/command.h"
#include "web/web.h"

/* dsrmail web */
int
web_command(struct context *context, int argc, char **argv, GError **error)
{
	(void)argv;
	if (command_no_arguments("web", "; the address is [web] listen", argc,
	    error) < 0)
		return -1;
	return web_serve(context, error);
}
