/* timing.c: time per stage (see timing.h). */
#include <stdatomic.h>

#include "base/timing.h"

/* How deep stages nest at most; deeper pushes are not timed. */
#define TIMING_DEPTH 16

static const char *const timing_names[TIMING_STAGES] = {
	[TIMING_WAIT] = "wait for server",
	[TIMING_PARSE] = "parse",
	[TIMING_CLASSIFY] = "classify",
	[TIMING_CRYPTO] = "signatures",
	[TIMING_SCREEN] = "screen",
	[TIMING_STORE] = "store",
	[TIMING_LIFECYCLE] = "lifecycle",
	[TIMING_REPLY] = "reply",
	[TIMING_COMMIT] = "commit",
	[TIMING_FETCH] = "fetch (background)",
	[TIMING_MOVE] = "move (background)",
};

static _Atomic gint64 timing_total[TIMING_STAGES];   /* µs */
static _Atomic guint timing_count[TIMING_STAGES];
static enum timing_stage timing_stack[TIMING_DEPTH];
static int timing_depth;
static gint64 timing_since;                   /* when the top stage (re)started */

/* Credit the running stage with the time since it (re)started. */
static void
timing_settle(gint64 now)
{
	if (timing_depth > 0 && timing_depth <= TIMING_DEPTH)
		atomic_fetch_add(&timing_total[timing_stack[timing_depth - 1]],
		    now - timing_since);
	timing_since = now;
}

/* Start a stage. */
void
timing_push(enum timing_stage stage)
{
	timing_settle(g_get_monotonic_time());
	if (timing_depth < TIMING_DEPTH) {
		timing_stack[timing_depth] = stage;
		atomic_fetch_add(&timing_count[stage], 1);
	}
	timing_depth++;
}

/* End the latest stage. */
void
timing_pop(void)
{
	if (timing_depth == 0)
		return;
	timing_settle(g_get_monotonic_time());
	timing_depth--;
}

/* Add time from any thread. */
void
timing_add(enum timing_stage stage, gint64 microseconds)
{
	atomic_fetch_add(&timing_total[stage], microseconds);
	atomic_fetch_add(&timing_count[stage], 1);
}

/* Start over. */
void
timing_reset(void)
{
	int s;

	for (s = 0; s < TIMING_STAGES; s++) {
		atomic_store(&timing_total[s], 0);
		atomic_store(&timing_count[s], 0);
	}
}

/* The figures as one line. */
char *
timing_summary(void)
{
	GString *out = g_string_new(NULL);
	int s;

	for (s = 0; s < TIMING_STAGES; s++) {
		gint64 total = atomic_load(&timing_total[s]);

		guint count = atomic_load(&timing_count[s]);

		if (count == 0)
			continue;
		g_string_append_printf(out, "%s%s %.1f ms (%u)", out->len ? ", " : "",
		    timing_names[s], total / 1000.0, count);
	}
	return g_string_free(out, FALSE);
}
