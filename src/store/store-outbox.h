/* store-outbox.h: the transactional outbox (dsr_outbox). A mail is stored in
 * the transaction of the change that causes it and sent later; it is marked
 * sent only after the SMTP server's 250. Each change of a mail's state writes
 * its event (N24) in the same transaction. */
#ifndef DSR_STORE_OUTBOX_H
#define DSR_STORE_OUTBOX_H

#include <glib.h>

#include "store/store.h"

/* A mail to queue; strings and raw are borrowed for the call. */
struct outbox_mail {
	const char *request;        /* DSR-YYYY-NNNN, or NULL */
	const char *template;       /* reply kind name: access, challenge, ... */
	const char *language;       /* fi, en, sv, or NULL: fi + en */
	const char *recipient;      /* the envelope recipient */
	const char *message_id;     /* without <> */
	GBytes *raw;                /* the mail, CRLF line ends */
};

/* A mail in the outbox, as read back. */
struct outbox_entry {
	gint64 id;
	char *request;              /* or NULL */
	char *template;
	char *language;             /* or NULL */
	char *recipient;
	char *message_id;
	GBytes *raw;                /* NULL when listed without it */
	char *state;                /* queued, sent, failed, bounced */
	char *created_at;
	char *next_attempt_at;
	int attempts;
	char *last_error;           /* or NULL */
	char *sent_at;              /* or NULL */
};

/* Free an entry (a GDestroyNotify). */
void outbox_entry_free(gpointer entry);

/* Queue a mail, due now, with a "mail_queued" event, inside the caller's
 * transaction. Returns the new id, or -1 with error. */
gint64 store_outbox_add(struct store *store, const struct outbox_mail *mail,
    GError **error);

/* How far a walk through the due mails is (start with all zeros; free
 * with store_outbox_cursor_clear): the last mail handed out, and the
 * newest mail the walk takes (those queued during the walk wait for the
 * next one). */
struct outbox_cursor {
	gint64 newest;            /* 0 until the first page */
	char *next_attempt_at;    /* of the last mail handed out, NULL: none yet */
	gint64 id;
};

void store_outbox_cursor_clear(struct outbox_cursor *cursor);

/* The next at most limit queued mails due at now (ISO 8601) after the
 * cursor, oldest first, with their raw bytes, and the cursor moved past
 * them: a flush holds one page in memory, however long the queue. A new
 * array of struct outbox_entry * (g_ptr_array_unref), empty at the end, or
 * NULL with error. */
GPtrArray *store_outbox_due(struct store *store, const char *now,
    struct outbox_cursor *cursor, int limit,
    GError **error);

/* Every mail queued for a request, oldest first, without raw bytes (for
 * `requests show`: template, recipient, Message-ID, state, sent_at). A new
 * array of struct outbox_entry * (g_ptr_array_unref), or NULL. */
GPtrArray *store_outbox_list(struct store *store, const char *request,
    GError **error);

/* How many mails are in state. -1 with error on failure. */
gint64 store_outbox_count(struct store *store, const char *state,
    GError **error);

/* The server took it (250): state sent, sent_at now, event "mail_sent";
 * its raw bytes are emptied (size and sha256 stay). */
int store_outbox_mark_sent(struct store *store, const struct outbox_entry *entry,
    GError **error);

/* A temporary failure: try again at next_attempt (ISO 8601); the server's
 * answer kept in last_error; event "mail_deferred". */
int store_outbox_mark_retry(struct store *store, const struct outbox_entry *entry,
    const char *next_attempt, const char *answer, GError **error);

/* A permanent failure, or retrying gave up: state failed, event
 * "mail_failed"; its raw bytes are emptied. */
int store_outbox_mark_failed(struct store *store,
    const struct outbox_entry *entry, const char *answer, GError **error);

#endif
