/* sweep.c: `dsrmail sweep [--dry-run]`, the periodic duties, run daily by
 * dsrmail-sweep.timer (and hourly by `poll --watch`), one function each:
 * requests a crash left behind, expired identity challenges, deadline
 * reminders (N21), retention erasure (N6), removal of old raw mails, and
 * outbox retries. */
#include <stdio.h>

#include "base/clock.h"
#include "cmd/command.h"
#include "base/error.h"
#include "request/lifecycle.h"
#include "base/log.h"
#include "reply/outbox.h"
#include "register/retention.h"
#include "cmd/sweep.h"

/* What one sweep did (the retention duties log their own counts). */
struct sweep_counts {
	int resumed, expired, reminded;
	struct outbox_counts outbox;
};

/* One duty: does its work at now, adding to counts. With dry_run it changes
 * nothing: it prints what it would do, or (without a dry mode) is skipped. */
struct duty {
	const char *name;
	gboolean has_dry_run;
	int (*run)(struct context *context, GDateTime *now, gboolean dry_run,
	    struct sweep_counts *counts, GError **error);
};

/* Carry on with requests left `received` or `approved`. */
static int
sweep_resume(struct context *context, GDateTime *now, gboolean dry_run,
    struct sweep_counts *counts, GError **error)
{
	(void)now;
	(void)dry_run;
	return lifecycle_resume(context, &counts->resumed, error);
}

/* Identity challenges nobody answered in time. */
static int
sweep_expire(struct context *context, GDateTime *now, gboolean dry_run,
    struct sweep_counts *counts, GError **error)
{
	(void)dry_run;
	return lifecycle_expire(context, now, &counts->expired, error);
}

/* Deadline reminders to the admins. */
static int
sweep_remind(struct context *context, GDateTime *now, gboolean dry_run,
    struct sweep_counts *counts, GError **error)
{
	(void)dry_run;
	return lifecycle_remind(context, now, &counts->reminded, error);
}

/* Erase the subjects past [policy] retention (N6); a restricted one waits
 * for the admins instead (N14, GDPR Art. 18(2)). */
static int
sweep_retention(struct context *context, GDateTime *now, gboolean dry_run,
    struct sweep_counts *counts, GError **error)
{
	g_autoptr(GArray) to_ask = g_array_new(FALSE, FALSE, sizeof(gint64));
	guint i;

	(void)counts;
	if (retention_erase(context, now, dry_run, to_ask, error) < 0)
		return -1;
	for (i = 0; !dry_run && i < to_ask->len; i++)
		if (lifecycle_retention_hold(context, g_array_index(to_ask, gint64, i),
		    now, error) < 0)
			return -1;
	return 0;
}

/* Remove raw mails past [policy] evidence_retention. */
static int
sweep_evidence(struct context *context, GDateTime *now, gboolean dry_run,
    struct sweep_counts *counts, GError **error)
{
	(void)counts;
	return retention_evidence(context, now, dry_run, error);
}

/* Send what is due in the outbox, retries included. */
static int
sweep_outbox(struct context *context, GDateTime *now, gboolean dry_run,
    struct sweep_counts *counts, GError **error)
{
	(void)now;
	(void)dry_run;
	if (lifecycle_flush(context, &counts->outbox, error) == 0)
		return 0;
	oauth2_revocation_notice(context);
	return -1;
}

/* In order: the lifecycle first (what it queues goes out with the outbox
 * duty at the end), then retention, then the mail. */
static const struct duty duties[] = {
	{ "resume", FALSE, sweep_resume },
	{ "expire", FALSE, sweep_expire },
	{ "remind", FALSE, sweep_remind },
	{ "retention", TRUE, sweep_retention },
	{ "evidence", TRUE, sweep_evidence },
	{ "outbox", FALSE, sweep_outbox },
};

/* What the sweep did, in words: "sweep: 1 stalled request carried on, 2
 * requests expired unconfirmed, 1 deadline reminder; sent 3 mails". */
static void
sweep_print(const struct sweep_counts *counts)
{
	g_autofree char *resumed = command_count(counts->resumed,
	    "stalled request carried on", "stalled requests carried on");
	g_autofree char *expired = command_count(counts->expired,
	    "request expired unconfirmed", "requests expired unconfirmed");
	g_autofree char *reminded = command_count(counts->reminded,
	    "deadline reminder", "deadline reminders");
	g_autofree char *sent = command_outbox_words(&counts->outbox);

	printf("sweep: %s, %s, %s; %s\n", resumed, expired, reminded, sent);
}

/* Run every duty; one failing does not stop the others. */
int
sweep_run(struct context *context, GDateTime *now, gboolean dry_run,
    GError **error)
{
	struct sweep_counts counts = { 0 };
	guint failed = 0;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(duties); i++) {
		g_autoptr(GError) local = NULL;

		if (dry_run && !duties[i].has_dry_run) {
			printf("%s: not run in a dry run\n", duties[i].name);
			continue;
		}
		log_debug("sweep: %s", duties[i].name);
		if (duties[i].run(context, now, dry_run, &counts, &local) == 0)
			continue;
		if (failed++ == 0)
			g_propagate_error(error, g_steal_pointer(&local));
		else
			log_error("sweep: %s: %s", duties[i].name, local->message);
	}
	if (!dry_run)
		sweep_print(&counts);
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

	if (command_parse_options("sweep", "[--dry-run]", entries, &argc, &argv,
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
