/* sweep.h: the periodic duties (retention erasure, raw-mail removal, and the
 * lifecycle's reminders, expiries and outbox retries), for `dsrmail sweep`
 * and for `poll --watch`, which runs them once an hour. */
#ifndef DSR_SWEEP_H
#define DSR_SWEEP_H

#include <glib.h>

#include "base/context.h"

/* Run every duty at now, in order (context needs the store and the map);
 * with dry_run change nothing and print what would be done. A failing duty
 * does not stop the others: the first failure is returned (-1 with error),
 * later ones are logged. 0 when all succeeded. */
int sweep_run(struct context *context, GDateTime *now, gboolean dry_run,
    GError **error);

#endif
