/* imap.h: the IMAP client dsrmail polls with (libetpan underneath).
 *
 * One struct imap is one logged-in connection: imap:// (with STARTTLS as
 * [imap] starttls says) or imaps://, the server's certificate checked
 * against [imap] ca_file or the system's CAs before anything is sent.
 * Mail is addressed by UID only, fetched with BODY.PEEK[] (never sets
 * \Seen) in batches, one command per batch, each body kept once as it
 * streams in; moved by UID set. A fetch and a move can run in the
 * background (imap_background_start) while the caller works on the mail
 * fetched before.
 *
 * Errors: DSR_ERROR_UNAVAILABLE when the server cannot be reached or the
 * connection breaks; DSR_ERROR_CONFIG for what the configuration must fix
 * (login refused, no STARTTLS where required, a certificate that does not
 * verify, a folder that does not exist). The password is never part of a
 * message. */
#ifndef DSR_IMAP_H
#define DSR_IMAP_H

#include <signal.h>

#include <glib.h>

#include "base/config.h"

struct imap;

/* One mail in the selected folder, as listed before fetching. */
struct imap_mail {
	guint32 uid;
	guint32 size;             /* RFC822.SIZE */
	GBytes *raw;              /* after imap_fetch: the mail, else NULL */
};

/* What imap_idle_wait saw. */
enum imap_wake {
	IMAP_WAKE_TIMEOUT,        /* nothing within the time given */
	IMAP_WAKE_ACTIVITY,       /* the server said something: look again */
	IMAP_WAKE_SIGNAL,         /* a signal arrived */
};

/* Connect, secure and log in as config says. Returns a new connection
 * (imap_close), or NULL with error set. */
struct imap *imap_connect(const struct config *config, GError **error);

/* Log out (best effort) and free; NULL is fine. */
void imap_close(struct imap *imap);

/* TRUE if the server offers IDLE (RFC 2177). */
gboolean imap_can_idle(const struct imap *imap);

/* Create folder unless it exists. 0 or -1 with error. */
int imap_folder_ensure(struct imap *imap, const char *folder, GError **error);

/* SELECT folder; *uidvalidity is set. 0 or -1 with error. */
int imap_select(struct imap *imap, const char *folder, guint32 *uidvalidity,
    GError **error);

/* The mails in the selected folder not flagged \Deleted, ascending by UID:
 * a new GArray of struct imap_mail (raw NULL), or NULL with error.
 * Free with imap_mails_free. */
GArray *imap_list(struct imap *imap, GError **error);

/* Fetch mails[first .. first+count-1] (BODY.PEEK[], one UID FETCH) into
 * their raw fields; with limit > 0 only each mail's first limit bytes
 * (BODY.PEEK[]<0.limit>). A mail the server no longer has keeps raw NULL.
 * 0 or -1 with error. */
int imap_fetch(struct imap *imap, GArray *mails, guint first, guint count,
    guint32 limit, GError **error);

/* Move the mails with these UIDs from the selected folder to folder: MOVE
 * (RFC 6851) where offered, else COPY + STORE \Deleted + UID EXPUNGE
 * (UIDPLUS), else COPY + STORE \Deleted (the mails are then skipped by
 * imap_list until someone expunges). 0 or -1 with error. */
int imap_move(struct imap *imap, GArray *uids, const char *folder,
    GError **error);

/* Background work on the connection, for a pipeline: first move the mails
 * with the UIDs in move to folder (as imap_move; move may be NULL or
 * empty, and is copied), then fetch mails[first .. first+count-1] (as
 * imap_fetch; nothing when count is 0), in a thread of its own while the
 * caller works on other mail. Until imap_background_finish the connection
 * belongs to that thread: call nothing else on imap, and do not touch the
 * mails of that slice. Returns the work (imap_background_finish frees it). */
struct imap_background;
struct imap_background *imap_background_start(struct imap *imap,
    GArray *move, const char *folder, GArray *mails, guint first, guint count,
    guint32 limit);

/* Wait for the background work and free it. *moved is TRUE once the move
 * is done (even when the fetch after it failed). 0, or -1 with error from
 * the move or the fetch. */
int imap_background_finish(struct imap_background *work, gboolean *moved,
    GError **error);

/* IDLE until the server says something, timeout_seconds pass, or a signal
 * of those blocked now arrives (they are unblocked only while waiting, as
 * ppoll does with unblocked). Ends the IDLE (DONE) before returning.
 * Returns an enum imap_wake, or -1 with error. */
int imap_idle_wait(struct imap *imap, int timeout_seconds,
    const sigset_t *unblocked, GError **error);

/* Free an array from imap_list, with the fetched mails. */
void imap_mails_free(GArray *mails);

#endif
