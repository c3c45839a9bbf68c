/* arrival.c: intake, then the lifecycle, for one mail (see arrival.h). */
#include <string.h>

#include "base/context.h"
#include "base/log.h"
#include "base/timing.h"
#include "cmd/arrival.h"
#include "request/lifecycle.h"
#include "store/store.h"

/* Store a mail and advance its requests inside the caller's group. */
int
arrival_advance(struct context *context, GBytes *raw,
    const struct intake_source *source, struct intake_result *result,
    GError **error)
{
	g_autoptr(GError) later = NULL;
	const char *continued;
	int status;

	if (intake_message(context, raw, source, result, error) < 0)
		return -1;
	/* Over sender_rate: told once per period why (GDPR Art. 12(4)). */
	if (result->screened != NULL && !result->duplicate &&
	    g_str_equal(result->screened, "sender_rate") &&
	    lifecycle_rate_limited(context, result->message, &later) < 0)
		log_error("intake: message %" G_GINT64_FORMAT ": %s", result->message,
		    later->message);
	if (result->screened != NULL)
		return 0;
	/* A new mail naming a known request continues it; a copy of a mail seen
	 * before only resumes what that mail opened. */
	continued = result->continued && !result->duplicate &&
	    result->requests->len > 0 ? result->requests->pdata[0] : NULL;
	/* The mail is stored: a lifecycle failure must not lose it. */
	timing_push(TIMING_LIFECYCLE);
	status = lifecycle_advance(context, result->message, continued,
	    result->mail, &later);
	timing_pop();
	if (status < 0)
		log_error("intake: message %" G_GINT64_FORMAT ": %s; dsrmail sweep "
		    "will carry on", result->message, later->message);
	return 0;
}

/* arrival_advance in a group of its own. */
int
arrival_process(struct context *context, GBytes *raw,
    const struct intake_source *source, struct intake_result *result,
    GError **error)
{
	int status;

	if (store_group_begin(context->store, error) < 0) {
		memset(result, 0, sizeof *result);
		return -1;
	}
	if (arrival_advance(context, raw, source, result, error) < 0) {
		store_group_rollback(context->store);
		return -1;
	}
	timing_push(TIMING_COMMIT);
	status = store_group_commit(context->store, error);
	timing_pop();
	if (status < 0) {
		intake_result_clear(result);
		return -1;
	}
	return 0;
}
