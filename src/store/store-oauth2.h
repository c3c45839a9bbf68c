/* store-oauth2.h: which revoked OAuth2 sign-ins the admins were told of
 * (dsr_oauth2_revocations). */
#ifndef DSR_STORE_OAUTH2_H
#define DSR_STORE_OAUTH2_H

#include <glib.h>

#include "store/store.h"

/* Record, inside the caller's transaction, that the sign-in of the login
 * at login_at was found revoked; *first is TRUE when this is the first
 * time (then the event oauth2_revoked is written too, with provider as its
 * detail). 0 or -1 with error. */
int store_oauth2_revocation_record(struct store *store, const char *login_at,
    const char *provider, gboolean *first, GError **error);

#endif
