/* lifecycle-work.h: one request being worked on, shared by lifecycle.c (the
 * state machine) and lifecycle-execute.c (carrying out a decided request). */
#ifndef DSR_LIFECYCLE_WORK_H
#define DSR_LIFECYCLE_WORK_H

#include <glib.h>

#include "base/context.h"
#include "reply/reply.h"
#include "store/store-lifecycle.h"
#include "reply/template.h"

/* A request and what the register says about its subject. */
struct work {
	struct context *context;
	struct request_row row;
	GArray *subjects;         /* gint64 register keys; maybe empty */
	GDateTime *now;
	char *now_text;
	int language;             /* enum language, or -1: fi and en */
	char *address;            /* the address on file, normalised; NULL: no subject */
	char *name;               /* the subject's name in the register, or NULL */
};

/* Read request id and its first subject's address and name; now is
 * clock_now(). 0, or -1 with error (DSR_ERROR_DATA: no such request). w can
 * be cleared with work_clear either way. */
int work_open(struct context *context, const char *id, struct work *w,
    GError **error);

void work_clear(struct work *w);

/* Take now as the time of the work (sweep's clock). */
void work_set_now(struct work *w, GDateTime *now);

/* Build a mail of kind to `to` about the request, threaded to the request's
 * mail, and queue it (inside the caller's transaction). Staff mails are in
 * the default language, without the subject's name. Returns the outbox id,
 * or -1. */
gint64 work_mail(struct work *w, enum reply_kind kind, const char *to,
    struct template_data *data, GPtrArray *bundle, GError **error);

/* Append an event about the request; detail is JSON or NULL. */
int work_event(struct work *w, const char *type, const char *actor,
    const char *detail, gint64 message, gint64 outbox, GError **error);

/* Set field to the date part (YYYY-MM-DD) of an ISO 8601 time. */
void work_set_date(struct template_data *data, const char *field,
    const char *iso);

/* Carry out a decided (or policy-free) request on the register and answer
 * the subject, in one transaction; state `done`. Erasures then scrub the
 * database file (store_scrub). actor is who decided. */
int lifecycle_execute(struct work *w, const char *actor, GError **error);

#endif
