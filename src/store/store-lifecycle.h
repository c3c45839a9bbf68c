/* store-lifecycle.h: the SQL of the request lifecycle: a request's row and
 * its updates, challenge and admin tokens (dsr_tokens), proposed changes
 * (dsr_changes), deadline reminders (dsr_reminders). Writes happen inside
 * the caller's transaction. */
#ifndef DSR_STORE_LIFECYCLE_H
#define DSR_STORE_LIFECYCLE_H

#include <glib.h>

#include "store/store.h"

/* One request as the lifecycle reads it; strings owned, NULL for SQL NULL. */
struct request_row {
	char *id, *kind, *state, *sender, *language;
	char *received_at, *due_at, *extended_at, *verified_at, *hold_reasons;
	gint64 message;           /* dsr_messages.id of the opening mail, or 0 */
	char *message_id;         /* that mail's Message-ID, or NULL */
	char *dmarc;              /* its trusted DMARC verdict, or NULL */
	gboolean oversized;       /* that mail was over max_message_size */
	gint64 message_size;      /* its size in bytes as it arrived, or 0 */
	char *mark;               /* "uncertain", "possible_extra" or NULL */
	double confidence;        /* the classifier's, or -1: none */
	char *written_language;   /* the opening mail's language as guessed */
	char *hints;              /* kinds that mail only hinted at, or NULL */
};

/* Read a request: 1 and *row filled (request_row_clear), 0 if there is no
 * such request, -1 with error. */
int store_lifecycle_request(struct store *store, const char *id,
    struct request_row *row, GError **error);

void request_row_clear(struct request_row *row);

/* A request's register subject keys, in order: a new GArray of gint64. */
GArray *store_lifecycle_subjects(struct store *store, const char *id,
    GError **error);

/* Which requests to list. */
enum request_selection {
	SELECT_MESSAGE_STATE,     /* opened by mail `number` and in `text` state */
	SELECT_STATE,             /* in `text` state */
	SELECT_OPEN,              /* received, verifying, awaiting_approval, approved */
	SELECT_EXPIRED,           /* waiting for its confirmation (verifying, or
	                             awaiting_approval unverified with a challenge),
	                             every challenge of its mail past `text` (now) */
	SELECT_MESSAGE_UNCONFIRMED, /* opened by mail `number`, not yet verified:
	                             verifying or awaiting_approval */
};

/* Request ids, oldest first: a new array of strings. */
GPtrArray *store_lifecycle_select(struct store *store,
    enum request_selection selection, const char *text, gint64 number,
    GError **error);

/* What to change on a request; NULL fields stay as they are. Times are now. */
struct request_update {
	const char *state;
	const char *kind;
	const char *verified_by;      /* sets verified_at */
	const char *hold_reasons;     /* "" clears them */
	const char *decided_by;       /* sets decided_at */
	const char *decision_reason;
	gboolean completed;           /* sets completed_at */
	const char *due_at;
	const char *extension_reason; /* sets extended_at */
};

int store_lifecycle_update(struct store *store, const char *id,
    const struct request_update *update, const char *now, GError **error);

/* The requests of request's kind about one of its subjects, opened by a
 * mail received at or after since and before request (N23), oldest first,
 * ignored ones left out: a new array of ids, or NULL with error. */
GPtrArray *store_lifecycle_repeats(struct store *store, const char *request,
    const char *since, GError **error);

/* How many rate notices (outbox mails of template rate_limited) were
 * queued to sender at or after since; -1 with error. */
gint64 store_lifecycle_rate_told(struct store *store, const char *sender,
    const char *since, GError **error);

/* A stored mail as the lifecycle reads it back. */
struct message_row {
	GBytes *raw;              /* NULL if it was removed */
	char *from_address, *dmarc;
	gint64 size;              /* as it arrived */
	gboolean oversized;       /* over max_message_size: raw is its start */
};

/* Read stored mail number message into *row (strings and raw owned by the
 * caller). 1 found, 0 not, -1 error. */
int store_lifecycle_message(struct store *store, gint64 message,
    struct message_row *row, GError **error);

/* A stored token. */
struct token_row {
	gint64 id;
	char *request, *address, *hash, *expires_at, *used_at;
};

void token_row_free(gpointer row);

int store_token_add(struct store *store, const char *request,
    const char *purpose, const char *address, const char *hash,
    const char *now, const char *expires_at, GError **error);

/* purpose tokens of request, or with message != 0 of every request that
 * mail opened: a new array of struct token_row *. */
GPtrArray *store_token_list(struct store *store, const char *request,
    gint64 message, const char *purpose, GError **error);

int store_token_use(struct store *store, gint64 id, const char *now,
    GError **error);

/* A proposed change. */
struct change_row {
	gint64 id;
	char *field, *column_name, *new_value, *state;
};

void change_row_free(gpointer row);

/* A request's changes: a new array of struct change_row *. */
GPtrArray *store_lifecycle_changes(struct store *store, const char *request,
    GError **error);

/* Mark a change applied (with the old value) or refused (with a reason). */
int store_lifecycle_change_set(struct store *store, gint64 id,
    const char *state, const char *old_value, const char *reason,
    GError **error);

/* 1 if the reminder kind was sent for request, 0 if not, -1 error. */
int store_reminder_sent(struct store *store, const char *request,
    const char *kind, GError **error);

int store_reminder_add(struct store *store, const char *request,
    const char *kind, const char *now, GError **error);

/* Forget a request's reminders (its deadline moved); the events stay. */
int store_reminder_clear(struct store *store, const char *request,
    GError **error);

#endif
