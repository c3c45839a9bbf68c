/* send.c: `dsrmail send`: flush the outbox over SMTP. */
#include <stdio.h>

#include "base/error.h"
#include "cmd/command.h"
#include "reply/outbox.h"
#include "request/lifecycle.h"
#include "store/store-outbox.h"

/* dsrmail send: flush the outbox and print what happened. */
int
send_command(struct context *context, int argc, char **argv, GError **error)
{
	struct outbox_counts counts;
	gint64 queued;
	int rc;

	(void)argv;
	if (command_no_arguments("send", "", argc, error) < 0)
		return -1;
	rc = lifecycle_flush(context, &counts, error);
	queued = store_outbox_count(context->store, "queued", NULL);
	printf("sent %d, deferred %d, failed %d, admin notices %d; %" G_GINT64_FORMAT
	    " queued", counts.sent, counts.deferred, counts.failed, counts.notices,
	    queued);
	if (counts.lifted > 0)
		printf("; restrictions lifted %d", counts.lifted);
	printf("\n");
	if (rc < 0)
		oauth2_revocation_notice(context);
	return rc;
}
