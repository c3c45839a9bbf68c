/* sweep.c: `dsrmail sweep`, the periodic duties, one function each:
 * requests a crash left behind, expired identity challenges, deadline
 * reminders (N21), and outbox retries. (Retention, N6, joins here.) */
#include <stdio.h>

#include "clock.h"
#include "context.h"
#include "error.h"
#include "lifecycle.h"
#include "log.h"
#include "outbox.h"

/* What one sweep did. */
struct sweep_counts {
	int resumed, expired, reminded;
	struct outbox_counts outbox;
};

/* Carry on with requests left `received` or `approved`. */
static int
sweep_resume(struct context *context, struct sweep_counts *counts,
    GError **error)
{
	return lifecycle_resume(context, &counts->resumed, error);
}

/* Identity challenges nobody answered in time. */
static int
sweep_expire(struct context *context, GDateTime *now,
    struct sweep_counts *counts, GError **error)
{
	return lifecycle_expire(context, now, &counts->expired, error);
}

/* Deadline reminders to the admins. */
static int
sweep_remind(struct context *context, GDateTime *now,
    struct sweep_counts *counts, GError **error)
{
	return lifecycle_remind(context, now, &counts->reminded, error);
}

/* Send what is due in the outbox, retries included. */
static int
sweep_outbox(struct context *context, struct sweep_counts *counts,
    GError **error)
{
	return outbox_flush(context, &counts->outbox, error);
}

/* dsrmail sweep */
int
sweep_command(struct context *context, int argc, char **argv, GError **error)
{
	g_autoptr(GDateTime) now = clock_now();
	struct sweep_counts counts = { 0 };
	int status;

	(void)argv;
	if (argc != 1) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "sweep takes no "
		    "arguments; usage: dsrmail sweep");
		return -1;
	}
	if (sweep_resume(context, &counts, error) < 0 ||
	    sweep_expire(context, now, &counts, error) < 0 ||
	    sweep_remind(context, now, &counts, error) < 0)
		return -1;
	status = sweep_outbox(context, &counts, error);
	printf("sweep: resumed %d, expired %d, reminders %d; sent %d, deferred %d, "
	    "failed %d\n", counts.resumed, counts.expired, counts.reminded,
	    counts.outbox.sent, counts.outbox.deferred, counts.outbox.failed);
	return status;
}
