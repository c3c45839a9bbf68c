/* deliver.c: `dsrmail deliver`: one mail on stdin, from procmail or an MTA
 * pipe. Any failure to store it is "try again later" (75), so the mail
 * system keeps the mail and nothing is lost. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "base/config.h"
#include "base/error.h"
#include "base/log.h"
#include "base/timing.h"
#include "cmd/arrival.h"
#include "cmd/command.h"

/* What deliver reads beyond max_message_size before it stops keeping bytes:
 * enough to see that a mail is too big, and its headers. */
#define DELIVER_MARGIN (64 * 1024)

/* Read all of stdin, keeping at most limit bytes; *total counts them all.
 * A read error is temporary: the mail system still has the mail. */
static GBytes *
deliver_read(gint64 limit, gint64 *total, GError **error)
{
	GByteArray *bytes = g_byte_array_new();
	char buffer[65536];
	ssize_t got;

	*total = 0;
	for (;;) {
		got = read(STDIN_FILENO, buffer, sizeof buffer);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if ((gint64)bytes->len < limit)
			g_byte_array_append(bytes, (guint8 *)buffer,
			    (guint)MIN((gint64)got, limit - (gint64)bytes->len));
		*total += got;
	}
	if (got < 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_TEMPORARY, "reading the mail "
		    "from standard input: %s", g_strerror(errno));
		g_byte_array_unref(bytes);
		return NULL;
	}
	return g_byte_array_free_to_bytes(bytes);
}

/* Turn any failure into "try again later" (75): deliver never answers a
 * hard failure for a mail it could not store, so nothing is lost. */
static int
deliver_fail_temporary(GError **error)
{
	if (error != NULL && *error != NULL) {
		(*error)->code = DSR_ERROR_TEMPORARY;
		g_prefix_error(error, "deliver: the mail was not stored and stays "
		    "with the mail system, which will try again (exit 75): ");
	}
	return -1;
}

/* dsrmail deliver: one mail on stdin; prints the request ids. */
int
deliver_command(struct context *context, int argc, char **argv, GError **error)
{
	const struct intake_source source = { INTAKE_DELIVER, 0, 0, 0 };
	struct intake_source read_source = source;
	struct intake_result result;
	g_autoptr(GBytes) raw = NULL;
	g_autofree char *stages = NULL;
	gint64 total;
	guint i;

	(void)argv;
	if (command_no_arguments("deliver", ", the mail comes on standard input",
	    argc, error) < 0)
		return -1;
	/* One mail needs one or two templates: those are checked when used,
	 * and a broken one leaves the mail stored for sweep to carry on. */
	if (command_open(context, NEEDS_MAP | NEEDS_NOTICE | NEEDS_TEMPLATES_LAZY,
	    error) < 0)
		return deliver_fail_temporary(error);
	raw = deliver_read(context->config->max_message_size + DELIVER_MARGIN,
	    &total, error);
	if (raw == NULL)
		return -1;
	if (total == 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "deliver: standard input "
		    "is empty, there is no mail to store; pipe one mail into "
		    "\"dsrmail deliver\"");
		return -1;
	}
	read_source.size = total;
	if (arrival_process(context, raw, &read_source, &result, error) < 0)
		return deliver_fail_temporary(error);
	stages = timing_summary();
	log_debug("deliver: stages: %s", stages);
	for (i = 0; i < result.requests->len; i++)
		printf("%s\n", (const char *)result.requests->pdata[i]);
	intake_result_clear(&result);
	if (fflush(stdout) != 0)
		log_warn("deliver: could not print the request ids: %s", g_strerror(errno));
	return 0;
}
