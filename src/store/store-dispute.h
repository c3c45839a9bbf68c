/* store-dispute.h: the SQL of restricting what a subject disputes (N14,
 * GDPR Art. 18(1)(a) and (d), [policy] restrict_while_disputed): dsr_disputes
 * holds one row per request and subject while a rectification, or an
 * objection on grounds of the particular situation, waits for an admin.
 * Writes happen inside the caller's transaction. */
#ifndef DSR_STORE_DISPUTE_H
#define DSR_STORE_DISPUTE_H

#include <glib.h>

#include "store/store.h"

/* One open dispute of a request. */
struct dispute_row {
	gint64 subject;           /* register key */
	gboolean set_flag;        /* this dispute set the restriction flag */
	char *started_at;
};

/* Record that request disputes subject's data from now; set_flag: it set
 * the register's restriction flag (it was not set before). */
int store_dispute_start(struct store *store, const char *request,
    gint64 subject, gboolean set_flag, const char *now, GError **error);

/* The open disputes of request: a new array of struct dispute_row *
 * (freed with it), or NULL with error. */
GPtrArray *store_dispute_open(struct store *store, const char *request,
    GError **error);

/* End request's open disputes at now. */
int store_dispute_end(struct store *store, const char *request,
    const char *now, GError **error);

/* Hand the flag over to another open dispute of subject (not request's),
 * which then clears it when it ends: 1 if there was one, 0 if not, -1. */
int store_dispute_hand_over(struct store *store, gint64 subject,
    const char *request, GError **error);

/* Whether another reason keeps subject restricted: a done restriction or
 * upheld objection (processing_objection) about it whose restriction was
 * not lifted, or an erasure or anonymisation about it done at or after
 * since (what its holds kept is restricted). 1, 0, or -1 with error. */
int store_restriction_kept(struct store *store, gint64 subject,
    const char *since, GError **error);

/* The latest erasure request the retention sweep opened about subject (one
 * opened by no mail): 1 with *state (a new string), 0 if none, -1. */
int store_retention_request(struct store *store, gint64 subject,
    char **state, GError **error);

#endif
