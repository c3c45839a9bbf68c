/* store-forget.h: what an erasure removes from dsrmail's own records. The
 * register is erased through the data map (execute.c); the person's values
 * can also be in the mails they sent (dsr_messages.raw), the corrections
 * they asked for (dsr_changes) and the mails we sent them, an access reply's
 * bundle above all (dsr_outbox.raw). Those go too; what stays is the
 * evidence of who asked what, when, and where we answered (the rows, their
 * sha256, dsr_requests.sender, the events: GDPR Art. 5(2)), until [policy]
 * evidence_retention. */
#ifndef DSR_STORE_FORGET_H
#define DSR_STORE_FORGET_H

#include <glib.h>

#include "store/store.h"

/* What store_forget cleared. */
struct forget_counts {
	gint64 mails;             /* received mails whose raw bytes went */
	gint64 changes;           /* corrections whose values were blanked */
	gint64 outbox;            /* mails sent or failed whose raw bytes went */
};

/* For every request about the register subject with key subject: remove
 * the raw bytes and display name of each stored mail that opened it or was
 * recorded on it (raw_removed_at now), blank the values of its changes (old
 * and new become ''), and empty the raw bytes of its outbox mails no longer
 * queued (a queued one is still to be sent; it is emptied once it is).
 * Adds what it cleared to counts. Inside the caller's transaction; the
 * caller scrubs the file after its commit (store_scrub). 0, or -1
 * with error. */
int store_forget(struct store *store, gint64 subject, const char *now,
    struct forget_counts *counts, GError **error);

/* Record what was forgotten: the event records_cleared (about request, or
 * NULL) with the counts; nothing when all are 0. Inside the caller's
 * transaction. 0, or -1 with error. */
int store_forget_event(struct store *store, const char *request,
    const struct forget_counts *counts, GError **error);

#endif
