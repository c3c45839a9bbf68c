/* store-event.h: the event log (dsr_events), on a SHA-256 hash chain (N24).
 * Every state change writes its event in the same transaction. */
#ifndef DSR_STORE_EVENT_H
#define DSR_STORE_EVENT_H

#include <glib.h>

#include "store/store.h"

/* One event to append. request, detail, and the row ids may be NULL / 0. */
struct event {
	const char *request;      /* DSR-YYYY-NNNN, or NULL */
	const char *type;         /* received, challenge_sent, confirmed, ... */
	const char *actor;        /* "system", "subject", or the admin's address */
	const char *detail;       /* JSON text, or NULL; never a name or address
	                             unless the event's purpose is to record it */
	gint64 message;           /* dsr_messages.id, or 0 */
	gint64 outbox;            /* dsr_outbox.id, or 0 */
};

/* Append an event (inside the caller's transaction), stamped now, chained to
 * the previous event's hash. Returns the new row id, or -1 with error. */
gint64 store_event_add(struct store *store, const struct event *event,
    GError **error);

/* An event's detail: a JSON object of "key", "value" text pairs (pairs
 * whose value is NULL are left out), then number_key: number when number_key
 * is not NULL. The pairs end with a NULL key. A new string the caller frees. */
char *store_event_detail(const char *number_key, gint64 number, ...)
    G_GNUC_NULL_TERMINATED;

/* Walk the chain from the first event. Returns 0 when every hash matches;
 * 1 with *bad_id and *problem (a new string) set at the first event whose
 * hash or link is wrong; -1 with error if reading failed. */
int store_event_verify(struct store *store, gint64 *bad_id, char **problem,
    GError **error);

#endif
