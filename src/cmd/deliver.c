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

/* How much of a mail deliver keeps (see command.h). */
gint64
deliver_limit(const struct config *config)
{
	return config->max_message_size + DELIVER_MARGIN;
}

/* Store one mail read whole (see command.h). */
int
deliver_mail(struct context *context, GBytes *raw, gint64 total, GString *out,
    GError **error)
{
	struct intake_source source = { INTAKE_DELIVER, 0, 0, 0 };
	struct intake_result result;
	g_autofree char *stages = NULL;
	guint i;

	if (total == 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "deliver: standard input "
		    "is empty, there is no mail to store; pipe one mail into "
		    "\"dsrmail deliver\"");
		return -1;
	}
	source.size = total;
	if (arrival_process(context, raw, &source, &result, error) < 0)
		return deliver_fail_temporary(error);
	stages = timing_summary();
	log_debug("deliver: stages: %s", stages);
	for (i = 0; i < result.requests->len; i++)
		g_string_append_printf(out, "%s\n", (const char *)result.requests->pdata[i]);
	intake_result_clear(&result);
	return 0;
}

/* dsrmail deliver: one mail on stdin; prints the request ids. */
int
deliver_command(struct context *context, int argc, char **argv, GError **error)
{
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GBytes) raw = NULL;
	gint64 total;

	(void)argv;
	if (command_no_arguments("deliver", ", the mail comes on standard input",
	    argc, error) < 0)
		return -1;
	if (command_open(context, DELIVER_NEEDS, error) < 0)
		return deliver_fail_temporary(error);
	raw = deliver_read(deliver_limit(context->config), &total, error);
	if (raw == NULL || deliver_mail(context, raw, total, out, error) < 0)
		return -1;
	if (fwrite(out->str, 1, out->len, stdout) != out->len || fflush(stdout) != 0)
		log_warn("deliver: could not print the request ids: %s", g_strerror(errno));
	return 0;
}
