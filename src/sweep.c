/* sweep.c: `dsrmail sweep [--dry-run]`, the periodic duties, run daily by
 * dsrmail-sweep.timer (and hourly by `poll --watch`): retention erasure (N6)
 * and removal of old raw mails; more duties join the table below. */
#include <stdio.h>

#include "clock.h"
#include "context.h"
#include "error.h"
#include "log.h"
#include "retention.h"
#include "sweep.h"

/* One duty: does its work at now, or with dry_run prints what it would do
 * and changes nothing. 0, or -1 with error. */
typedef int (*duty_func)(struct context *context, GDateTime *now,
    gboolean dry_run, GError **error);

struct duty {
	const char *name;
	duty_func run;
};

/* In order: erasure first, so nothing is reminded of or sent about data that
 * has just gone. */
static const struct duty duties[] = {
	{ "retention", retention_erase },
	{ "evidence", retention_evidence },
};

/* Run every duty; one failing does not stop the others. */
int
sweep_run(struct context *context, GDateTime *now, gboolean dry_run,
    GError **error)
{
	guint failed = 0;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(duties); i++) {
		g_autoptr(GError) local = NULL;

		log_debug("sweep: %s", duties[i].name);
		if (duties[i].run(context, now, dry_run, &local) == 0)
			continue;
		if (failed++ == 0)
			g_propagate_error(error, g_steal_pointer(&local));
		else
			log_error("sweep: %s: %s", duties[i].name, local->message);
	}
	return failed > 0 ? -1 : 0;
}

/* dsrmail sweep [--dry-run]. */
int
sweep_command(struct context *context, int argc, char **argv, GError **error)
{
	gboolean dry_run = FALSE;
	GOptionEntry entries[] = {
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
		  "print what would be done, change nothing", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GDateTime) now = clock_now();

	if (context_parse_options("sweep", "[--dry-run]", entries, &argc, &argv,
	    error) < 0)
		return -1;
	if (argc != 1) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "sweep: unexpected "
		    "argument \"%s\"; usage: dsrmail sweep [--dry-run]", argv[1]);
		return -1;
	}
	if (dry_run)
		printf("sweep: dry run: nothing is changed\n");
	return sweep_run(context, now, dry_run, error);
}
