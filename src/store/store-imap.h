/* store-imap.h: where IMAP intake stands per folder (dsr_imap_folders) and
 * which mails it could not store (dsr_imap_failures). */
#ifndef DSR_STORE_IMAP_H
#define DSR_STORE_IMAP_H

#include <glib.h>

#include "store/store.h"

/* A folder's row: the UIDVALIDITY last seen and the highest UID stored. */
struct imap_folder_state {
	gboolean known;           /* FALSE: never polled */
	guint32 uidvalidity;
	guint32 last_uid;
};

/* Read the folder's row into state. 0 or -1 with error. */
int store_imap_folder_get(struct store *store, const char *folder,
    struct imap_folder_state *state, GError **error);

/* Record uidvalidity and that last_uid was stored: last_uid only grows while
 * uidvalidity stays (two pollers may race), and starts over when it
 * changes. Its own statement, no transaction needed. 0 or -1 with error. */
int store_imap_folder_set(struct store *store, const char *folder,
    guint32 uidvalidity, guint32 last_uid, GError **error);

/* Note that the mail folder/uidvalidity/uid could not be stored (reason: a
 * short class such as "temporary", no personal data). The first time, the
 * event intake_failed is written too, in the same transaction, so the
 * admins are told once; *first says whether this was the first time.
 * 0 or -1 with error. */
int store_imap_failure_record(struct store *store, const char *folder,
    guint32 uidvalidity, guint32 uid, const char *reason, gboolean *first,
    GError **error);

#endif
