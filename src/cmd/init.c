/* init.c: `dsrmail init`: create or upgrade the database. */
#include <stdio.h>

#include "base/config.h"
#include "base/error.h"
#include "cmd/command.h"
#include "store/store.h"
#include "store/store-register.h"

/* dsrmail init: create the file 0600, the schema, the map's indexes. */
int
init_command(struct context *context, int argc, char **argv, GError **error)
{
	int from;

	(void)argv;
	if (command_no_arguments("init", "", argc, error) < 0)
		return -1;
	context->store = store_open(context->config->database_path, TRUE, error);
	if (context->store == NULL || store_init(context->store, &from, error) < 0)
		return -1;
	if (command_open_map(context, error) < 0 ||
	    store_register_index(context->store, context->map, error) < 0)
		return -1;
	if (from == STORE_SCHEMA_VERSION)
		printf("%s: already at schema version %d; nothing to do\n",
		    context->config->database_path, from);
	else if (from == 0)
		printf("%s: created (schema version %d)\n",
		    context->config->database_path, STORE_SCHEMA_VERSION);
	else
		printf("%s: upgraded from schema version %d to %d\n",
		    context->config->database_path, from, STORE_SCHEMA_VERSION);
	return 0;
}
