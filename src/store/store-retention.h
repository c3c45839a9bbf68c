/* store-retention.h: what the retention sweep (N6) reads and writes of
 * dsrmail's own tables: the record of retention erasures (dsr_retention) and
 * the raw request mails kept as evidence (dsr_messages.raw). */
#ifndef DSR_STORE_RETENTION_H
#define DSR_STORE_RETENTION_H

#include <glib.h>

#include "store/store.h"

/* The last retention erasure of a subject: 1 with *data_hash and *held set
 * (new strings the caller frees), 0 if there was none, -1 with error. */
int store_retention_get(struct store *store, gint64 subject_key,
    char **data_hash, char **held, GError **error);

/* Record (or replace) a subject's retention erasure, inside the caller's
 * transaction. 0, or -1 with error. */
int store_retention_record(struct store *store, gint64 subject_key,
    const char *erased_at, const char *data_hash, const char *held,
    GError **error);

/* One stored raw mail old enough to go. */
struct raw_mail {
	gint64 message;           /* dsr_messages.id */
	gint64 size;              /* bytes of raw */
};

/* The messages received before cutoff (ISO 8601) whose raw mail is still
 * stored, in id order; mails gets struct raw_mail values. 0 or -1. */
int store_retention_old_raw(struct store *store, const char *cutoff,
    GArray *mails, GError **error);

/* Clear one message's raw mail (raw NULL, raw_removed_at now) with its
 * sender's address, name and Subject, and the addresses kept for the
 * finished requests it opened (their sender, tokens and sent mails),
 * keeping the rows; inside the caller's transaction. 0, or -1 with error. */
int store_retention_remove_raw(struct store *store, gint64 message,
    const char *now, GError **error);

#endif
