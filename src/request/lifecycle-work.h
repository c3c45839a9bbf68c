/* lifecycle-work.h: one request being worked on, and the steps the
 * lifecycle-*.c files take on it for each other. Not for use outside
 * src/request/lifecycle*.c: the rest of dsrmail goes through lifecycle.h. */
#ifndef DSR_LIFECYCLE_WORK_H
#define DSR_LIFECYCLE_WORK_H

#include <glib.h>

#include "base/context.h"
#include "reply/reply.h"
#include "request/received.h"
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

/* For each request id in ids: apply update (at w's time) and append an
 * event of type by actor with message and outbox (0: none). Inside the
 * caller's transaction; stops at the first failure. */
int work_update_each(struct work *w, GPtrArray *ids,
    const struct request_update *update, const char *type, const char *actor,
    gint64 message, gint64 outbox, GError **error);

/* Record a refused token or admin reply in a transaction of its own: no
 * effect but the event (type, with reason) about w's request. */
int work_refuse(struct work *w, const char *type, const char *reason,
    gint64 message, GError **error);

/* The stored token (struct token_row) whose hash equals one of the
 * candidates' (strings), compared in constant time; NULL if none. */
const struct token_row *work_token_find(GPtrArray *tokens, GPtrArray *candidates);

/* Why a matching token does not count, or NULL: it is valid only from its
 * own address (from), once, until it expires (now is ISO 8601). */
const char *work_token_problem(const struct token_row *token, const char *from,
    const char *now);

/* lifecycle.c: sort request ids into the safe order of execution (access
 * before erasure). */
int lifecycle_sort_safe(struct context *context, GPtrArray *ids, GError **error);

/* lifecycle-challenge.c: the identity challenge for the requests ids (w is
 * the first): one code and one mail to the address on file, all of them
 * `verifying`. Inside the caller's transaction. */
int lifecycle_challenge_send(struct work *w, GPtrArray *ids, GError **error);

/* lifecycle-challenge.c: a reply to w's challenge: its code confirms every
 * request of that mail, from the address on file only; each is then
 * decided (lifecycle_decide). Its own transactions. */
int lifecycle_challenge_answer(struct work *w, const struct received_mail *mail,
    gint64 message, GError **error);

/* lifecycle-hold.c: put w's request in the queue for reasons (a comma list
 * of codes): state, event, a notice with its own code to each admin, and
 * the subject told that a person reviews it. Inside the caller's
 * transaction. */
int lifecycle_hold(struct work *w, const char *reasons, GError **error);

/* lifecycle-hold.c: add to reasons the codes of the holds known before the
 * sender confirms (DMARC, an unclear kind, the policy, the classifier's
 * mark): the challenge tells which requests an admin checks. */
void lifecycle_reasons_known(const struct config *config,
    const struct request_row *row, GString *reasons);

/* lifecycle-hold.c: add code to a comma list of hold reasons. */
void lifecycle_reasons_add(GString *reasons, const char *code);

/* lifecycle-hold.c: a verified request: held for an admin with the reasons
 * found, or carried out. */
int lifecycle_decide(struct context *context, const char *id, GError **error);

/* lifecycle-decide.c: an admin's reply to a notice (line: its first line,
 * "APPROVE <code>" or "REJECT <code> <reasons>"), from the address the
 * notice went to; refused (work_refuse) otherwise. */
int lifecycle_admin_reply(struct work *w, const struct received_mail *mail,
    const char *line, gint64 message, GError **error);

#endif
