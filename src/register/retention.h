/* retention.h: the retention duties of `dsrmail sweep` (N6): erase the
 * subjects whose customer relationship ended more than [policy] retention
 * ago, and remove raw request mails older than [policy] evidence_retention.
 *
 * Both log counts only (never names or addresses). With dry_run they change
 * nothing and print, on stdout, what they would do: subject keys, message
 * row ids and counts. */
#ifndef DSR_RETENTION_H
#define DSR_RETENTION_H

#include <glib.h>

#include "base/context.h"

/* Erase, through the data map and its holds (execute_erase), every subject
 * whose relationship ended before now - retention: one transaction and one
 * "retention_erased" event per subject, then a WAL scrub. A subject whose
 * data and holds are what its last retention erasure left is not touched
 * again; when a hold ends (the invoice is paid) it is erased anew.
 * A restricted subject (N14, GDPR Art. 18(2)) is erased only once an admin
 * approved it: one never erased by retention, whose latest retention
 * request (store_retention_request) is not done, is left alone, and its
 * key goes to to_ask (gint64) when the admins have not been asked yet.
 * Needs context->store and context->map. 0, or -1 with error. */
int retention_erase(struct context *context, GDateTime *now, gboolean dry_run,
    GArray *to_ask, GError **error);

/* Clear the raw mail of every message received before now -
 * evidence_retention (dsr_messages.raw NULL, raw_removed_at set), keeping the
 * rows and their events, with one "raw_removed" event per message, in one
 * transaction, then a WAL scrub. 0, or -1 with error. */
int retention_evidence(struct context *context, GDateTime *now,
    gboolean dry_run, GError **error);

#endif
