/* audit.c: `dsrmail audit verify`: check the event log's hash chain (N24). */
#include <stdio.h>
#include <string.h>

#include "cmd/command.h"
#include "base/error.h"
#include "store/store-event.h"

/* Exit 0 when the chain is intact, 1 naming the first bad event. */
int
audit_command(struct context *context, int argc, char **argv, GError **error)
{
	g_autofree char *problem = NULL;
	gint64 bad_id = 0;
	int result;

	if (argc != 2 || strcmp(argv[1], "verify") != 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "usage: dsrmail audit verify");
		return -1;
	}
	result = store_event_verify(context->store, &bad_id, &problem, error);
	if (result < 0)
		return -1;
	if (result > 0) {
		printf("audit: event %" G_GINT64_FORMAT " is not intact: %s; the log "
		    "was changed after it was written\n", bad_id, problem);
		return 1;
	}
	printf("audit: the event log is intact\n");
	return 0;
}
