/* store-web.h: the SQL of the admin pages (dsrmail web): sign-in links and
 * sessions (dsr_web_signins, dsr_web_sessions, holding only hashes of the
 * secrets), and the read-only queries the pages list requests with. Writes
 * happen inside the caller's transaction. */
#ifndef DSR_STORE_WEB_H
#define DSR_STORE_WEB_H

#include <glib.h>

#include "store/store.h"
#include "store/store-timeline.h"

/* A sign-in link as stored; strings owned (store_web_signin_clear). */
struct web_signin_row {
	gint64 id;
	char *address, *token_hash, *expires_at, *used_at;
};

void store_web_signin_clear(struct web_signin_row *row);

/* Store a new link for address. 0, or -1 with error. */
int store_web_signin_add(struct store *store, const char *address,
    const char *token_hash, const char *now, const char *expires_at,
    GError **error);

/* How many links were made for address since (ISO 8601); -1 with error. */
gint64 store_web_signin_count(struct store *store, const char *address,
    const char *since, GError **error);

/* The link whose hash is token_hash: 1 and *row filled, 0 none, -1 error. */
int store_web_signin_find(struct store *store, const char *token_hash,
    struct web_signin_row *row, GError **error);

/* Mark link id used, only if it was not: 1 marked, 0 used already, -1 error. */
int store_web_signin_use(struct store *store, gint64 id, const char *now,
    GError **error);

/* A session as stored; strings owned (store_web_session_clear). */
struct web_session_row {
	char *id_hash, *address, *csrf, *created_at, *last_seen_at, *ended_at;
};

void store_web_session_clear(struct web_session_row *row);

int store_web_session_add(struct store *store, const char *id_hash,
    const char *address, const char *csrf, const char *now, GError **error);

/* The session whose id hashes to id_hash: 1 found, 0 none, -1 error. */
int store_web_session_find(struct store *store, const char *id_hash,
    struct web_session_row *row, GError **error);

/* Note a request in the session (last_seen_at = now). */
int store_web_session_touch(struct store *store, const char *id_hash,
    const char *now, GError **error);

/* End the session (ended_at = now) if it has not ended. */
int store_web_session_end(struct store *store, const char *id_hash,
    const char *now, GError **error);

/* Delete sign-in links made and sessions last seen before `before`. */
int store_web_purge(struct store *store, const char *before, GError **error);

/* Which requests the list page shows; NULL fields do not filter. */
struct web_filter {
	const char *state;        /* one state of the contract */
	const char *kind;         /* one kind of the contract */
	const char *overdue_at;   /* now: only open requests due before it */
	const char *month;        /* "YYYY-MM": received in that month */
};

/* The requests matching filter, newest first, with the columns of
 * store_timeline_requests. 0, or -1 with error. */
int store_web_requests(struct store *store, const struct web_filter *filter,
    timeline_row_func callback, void *data, GError **error);

/* The months ("YYYY-MM") requests were received in, newest first, one
 * column per row. */
int store_web_months(struct store *store, timeline_row_func callback,
    void *data, GError **error);

/* How many events the log holds; -1 with error. */
gint64 store_web_event_count(struct store *store, GError **error);

#endif
