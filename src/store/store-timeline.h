/* store-timeline.h: reading requests and their history for people: the
 * request list, one request's timeline, the mails sent for it. */
#ifndef DSR_STORE_TIMELINE_H
#define DSR_STORE_TIMELINE_H

#include <glib.h>

#include "store/store.h"

/* Called per row with the row's columns as text (NULL for SQL NULL), owned
 * by the caller of the callback. */
typedef void (*timeline_row_func)(const char *const *columns, int count,
    void *data);

/* Step a prepared, bound statement, calling callback with each row's
 * columns as text; the number of rows, or -1 with error. */
int store_timeline_each(struct store *store, sqlite3_stmt *statement,
    timeline_row_func callback, void *data, GError **error);

/* Requests in id order: id, kind, state, received_at, due_at, language,
 * sender, hold_reasons. only_open: not done/rejected/expired/ignored/failed;
 * overdue_at (ISO time or NULL): only open requests due before it.
 * 0, or -1 with error. */
int store_timeline_requests(struct store *store, gboolean only_open,
    const char *overdue_at, timeline_row_func callback, void *data,
    GError **error);

/* The requests waiting for an admin (awaiting_approval), with the columns
 * of store_timeline_requests. */
int store_timeline_queue(struct store *store, timeline_row_func callback,
    void *data, GError **error);

/* One request: the columns of store_timeline_requests, then extended_at,
 * extension_reason, verified_at, verified_by, decided_at, decided_by,
 * decision_reason, completed_at. Returns 1 if found, 0 if not, -1 on error. */
int store_timeline_request(struct store *store, const char *id,
    timeline_row_func callback, void *data, GError **error);

/* A request's events in order: id, at, type, actor, detail. */
int store_timeline_events(struct store *store, const char *id,
    timeline_row_func callback, void *data, GError **error);

/* A request's proposed changes: field, column_name, new_value, state, reason. */
int store_timeline_changes(struct store *store, const char *id,
    timeline_row_func callback, void *data, GError **error);

/* The mails queued or sent for a request: template, recipient, message_id,
 * state, created_at, sent_at. */
int store_timeline_mails(struct store *store, const char *id,
    timeline_row_func callback, void *data, GError **error);

/* A request's subject keys (dsr_request_subjects), as text. */
int store_timeline_subjects(struct store *store, const char *id,
    timeline_row_func callback, void *data, GError **error);

/* The signatures on the mails of a request (the one that opened it and
 * those recorded on it), in order: checked_at, protocol, status, signer,
 * address, key_id, fingerprint. */
int store_timeline_signatures(struct store *store, const char *id,
    timeline_row_func callback, void *data, GError **error);

/* The subjects' keys (dsr_keys) by address: address, protocol,
 * fingerprint, source, added_at. */
int store_timeline_keys(struct store *store, timeline_row_func callback,
    void *data, GError **error);

#endif
