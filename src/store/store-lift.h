/* store-lift.h: the SQL of lifting a restriction (N14, GDPR Art. 18(3)):
 * dsr_lifts records each lift, the notice that tells the subject first (an
 * outbox row), and whether the flag was cleared. Writes happen inside the
 * caller's transaction. */
#ifndef DSR_STORE_LIFT_H
#define DSR_STORE_LIFT_H

#include <glib.h>

#include "store/store.h"

/* The current lift of a restriction request (failed ones do not count):
 * 1 with *state ("pending" or "lifted") and *at (when it was asked for, or
 * lifted) set to new strings, 0 if there is none, -1 with error. */
int store_lift_current(struct store *store, const char *request, char **state,
    char **at, GError **error);

/* A finished erasure or anonymisation about one of request's subjects: 1
 * with *erasure (its id, a new string), 0 if none, -1 with error. Data kept
 * by a legal hold after it is restricted for that hold's purpose. */
int store_lift_erased(struct store *store, const char *request,
    char **erasure, GError **error);

/* Record a pending lift of request whose notice is the outbox mail outbox.
 * 0, or -1 with error. */
int store_lift_add(struct store *store, const char *request, gint64 outbox,
    const char *reason, const char *requested_by, const char *now,
    GError **error);

/* A pending lift whose notice has its outcome. */
struct lift_row {
	gint64 id;
	char *request;
	gint64 outbox;
	gboolean sent;            /* the notice was sent; else it failed for good */
};

void lift_row_free(gpointer row);

/* The pending lifts whose notice was sent, failed or bounced, oldest first:
 * a new array of struct lift_row * (g_ptr_array_unref), or NULL. */
GPtrArray *store_lift_outcomes(struct store *store, GError **error);

/* A pending lift becomes `lifted` or `failed` at now. 0, or -1 with error
 * (DSR_ERROR_TEMPORARY when it is no longer pending: another run settled
 * it). */
int store_lift_settle(struct store *store, gint64 id, const char *state,
    const char *now, GError **error);

#endif
