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
	g_autofree char *words = NULL, *waiting = NULL;
	gint64 queued;
	int rc;

	(void)argv;
	if (command_no_arguments("send", "", argc, error) < 0)
		return -1;
	rc = lifecycle_flush(context, &counts, error);
	queued = store_outbox_count(context->store, "queued", NULL);
	words = command_outbox_words(&counts);
	waiting = command_count(queued, "mail", "mails");
	if (queued > 0)
		printf("%s; %s still waiting to be sent\n", words, waiting);
	else
		printf("%s; nothing left to send\n", words);
	if (rc < 0)
		oauth2_revocation_notice(context);
	return rc;
}
