/* arrival.h: one mail arriving, as `deliver` and `poll` take it: intake
 * stores it (request/intake.c), then the lifecycle takes its first step
 * (request/lifecycle.c). The one place the two meet. */
#ifndef DSR_ARRIVAL_H
#define DSR_ARRIVAL_H

#include <glib.h>

#include "request/intake.h"

struct context;

/* intake_message, then lifecycle_advance for what it stored, inside a
 * store group the caller has begun (store_group_begin) and commits: each
 * step all or nothing in its savepoint, nothing durable before the group
 * commits. Returns 0 when intake stored the mail (or found it a duplicate),
 * -1 with error as intake_message (its savepoint rolled back; the group
 * itself is the caller's). A lifecycle failure is logged and leaves the
 * mail stored: `dsrmail sweep` resumes its requests. IMAP `poll` stores
 * several mails in one group this way. result must be cleared with
 * intake_result_clear on success. */
int arrival_advance(struct context *context, GBytes *raw,
    const struct intake_source *source, struct intake_result *result,
    GError **error);

/* arrival_advance in a group of its own: the mail and its first lifecycle
 * step committed in one transaction. Returns 0 once committed. `deliver`
 * uses it. */
int arrival_process(struct context *context, GBytes *raw,
    const struct intake_source *source, struct intake_result *result,
    GError **error);

#endif
