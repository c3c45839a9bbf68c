/* store-request.h: SQL for what intake stores: received mails
 * (dsr_messages), the requests they open (dsr_requests, with their subjects
 * and proposed changes), and the outbox rows a bounce points back to.
 * All writes happen inside the caller's transaction. */
#ifndef DSR_STORE_REQUEST_H
#define DSR_STORE_REQUEST_H

#include <glib.h>

#include "store/store.h"

/* One received mail, as stored. Strings may be NULL; all borrowed. */
struct message_record {
	const char *message_id;   /* without <> */
	const char *sha256;
	const char *source;       /* "deliver" or "imap" */
	guint32 imap_uidvalidity; /* 0: not from IMAP */
	guint32 imap_uid;
	const char *received_at;
	gint64 size;              /* of the whole mail as it arrived */
	const char *from_address; /* normalised */
	const char *from_name;
	const char *reply_to;
	const char *return_path;
	const char *subject;
	const char *language;     /* the reply language */
	const char *written_language; /* the mail's own, any ISO 639 code */
	const char *hints;        /* comma list of kinds, or NULL */
	const char *dmarc;
	const char *dkim;
	const char *screened;     /* NULL: a request; else the reason */
	GBytes *raw;              /* what is kept of the mail */
	gboolean oversized;       /* over max_message_size: raw is its start */
};

/* The id of an earlier copy of a mail: same Message-ID, else (when it has
 * none) same sha256, or same IMAP UIDVALIDITY+UID. 0 if none; -1 with error. */
gint64 store_message_find(struct store *store, const char *message_id,
    const char *sha256, guint32 uidvalidity, guint32 uid, GError **error);

/* Insert a mail; returns its row id, or -1 with error. */
gint64 store_message_add(struct store *store, const struct message_record *record,
    GError **error);

/* How many mails from address arrived at or after since (ISO 8601);
 * -1 with error. */
gint64 store_message_count_from(struct store *store, const char *address,
    const char *since, GError **error);

/* The ids of the requests a stored mail opened or continued, as a new array
 * of strings the caller frees; NULL with error. */
GPtrArray *store_message_requests(struct store *store, gint64 message,
    GError **error);

/* One new request. */
struct request_record {
	const char *kind;
	const char *state;        /* "received" or "ignored" */
	gint64 message;
	const char *sender;       /* normalised From, or NULL */
	const char *language;     /* or NULL */
	GDateTime *received;
	const char *hold_reasons; /* or NULL */
	double confidence;        /* the classifier's, 0..1; < 0: none */
	const char *mark;         /* "uncertain", "possible_extra" or NULL */
};

/* Insert a request with the next DSR-YYYY-NNNN of its receiving year and a
 * deadline one calendar month later (N21). Returns the new id (the caller
 * frees it), or NULL with error. */
char *store_request_add(struct store *store, const struct request_record *record,
    GError **error);

/* 1 if a mail naming request id continues it: the request exists and
 * was not ignored (a mail answering the notice about an ignored one, such
 * as the sender_rate reply, is a new mail); 0 if not, -1 with error. */
int store_request_continues(struct store *store, const char *id,
    GError **error);

/* Link a request to a register subject (dsr_request_subjects). */
int store_request_add_subject(struct store *store, const char *request,
    gint64 subject_key, GError **error);

/* A proposed change: field as written, column from the map or NULL. */
int store_request_add_change(struct store *store, const char *request,
    const char *field, const char *column, const char *value, GError **error);

/* The outbox row whose Message-ID is message_id (with or without <>):
 * 1 and *outbox, *request (a new string or NULL) set; 0 if none; -1 with
 * error. */
int store_outbox_find(struct store *store, const char *message_id,
    gint64 *outbox, char **request, GError **error);

/* Mark an outbox mail bounced, with the reason. */
int store_outbox_mark_bounced(struct store *store, gint64 outbox,
    const char *reason, GError **error);

#endif
