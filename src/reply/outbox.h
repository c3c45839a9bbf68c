/* outbox.h: delivering the outbox (`dsrmail send`, and poll's flush). */
#ifndef DSR_OUTBOX_H
#define DSR_OUTBOX_H

#include <glib.h>

struct context;

/* What one flush did. */
struct outbox_counts {
	int sent;        /* the server answered 250 */
	int deferred;    /* temporary failure: tried again later, with backoff */
	int failed;      /* permanent failure, or retried for [smtp] retry_for */
	int notices;     /* admin notices queued about failed mails */
	int lifted;      /* restrictions lifted: their notice was sent (N14) */
};

/* Send every due mail over one SMTP connection. A mail is marked sent only
 * after the 250, in its own transaction; a 4xx is retried with backoff until
 * [smtp] retry_for after the mail was queued, then failed; a 5xx fails at
 * once and queues a notice to the admins. Needs context's config, store and
 * templates. Returns 0; or -1 with DSR_ERROR_UNAVAILABLE when the server
 * cannot be reached (the mails not yet sent stay queued, untouched), or
 * another error. counts is filled either way (but for lifted, which
 * lifecycle_flush counts: it flushes, then settles the restriction lifts). */
int outbox_flush(struct context *context, struct outbox_counts *counts,
    GError **error);

#endif
