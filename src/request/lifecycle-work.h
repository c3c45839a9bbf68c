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
	gboolean dispute_ended;   /* the decision ended the restriction of
	                             disputed data (lifecycle_dispute_end) */
	gboolean was_restricted;  /* restricted before an erasure removed the
	                             flag's row: its notices stay restricted */
	struct crypto_key *encrypt_to; /* an access or portability reply is
	                             encrypted to it (lifecycle-execute.c sets
	                             it), or NULL */
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

/* Set the list field "requests" (id, kind_label per item) to the requests
 * ids, in their order, and "several" when there is more than one. 0, or -1
 * with error. */
int work_list_requests(struct context *context, GPtrArray *ids,
    struct template_data *data, GError **error);

/* TRUE while w's request waits for the subject's confirmation: `verifying`,
 * or held for an admin before it (an oversized mail, lifecycle-oversized.c),
 * not yet verified, with an address on file to have sent the code to. */
gboolean work_awaits_confirmation(const struct work *w);

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

/* TRUE when the request came by mail, so its subject is answered; FALSE
 * for one dsrmail opened itself (a retention erasure held for the admins):
 * nobody asked, and nobody is answered. */
#define work_answers_subject(w) ((w)->row.message != 0)

/* lifecycle-restrict.c: *restricted TRUE when a subject of w has the data
 * map's restriction flag set (N14); FALSE without the column. */
int work_restricted(struct work *w, gboolean *restricted, GError **error);

/* lifecycle-restrict.c: a rectification or an objection on grounds of the
 * particular situation, confirmed and waiting for an admin, restricts its
 * subjects until it is decided ([policy] restrict_while_disputed, GDPR Art.
 * 18(1)(a) and (d)): *started TRUE if it did. Inside the caller's
 * transaction. */
int lifecycle_dispute_start(struct work *w, gboolean *started, GError **error);

/* lifecycle-restrict.c: w's decision ends its dispute: the restriction flag
 * it set is cleared, unless another open dispute takes it over or a
 * restriction, an upheld objection or an erasure since keeps it. *ended
 * (and w->dispute_ended) TRUE if w had one. Inside the caller's
 * transaction. */
int lifecycle_dispute_end(struct work *w, gboolean *ended, GError **error);

/* lifecycle-execute.c: what a notice to the map's recipients and sources
 * tells them (N12, GDPR Art. 19). */
enum notice_change {
	NOTICE_RECTIFIED,         /* corrected: recipients and sources */
	NOTICE_ERASED,            /* erased or anonymised: recipients */
	NOTICE_RESTRICTED,        /* restricted: recipients */
	NOTICE_LIFTED,            /* restriction lifted: recipients */
};

/* Tell the recipients (and, for a correction, the sources) whose tables
 * hold what changed: tables (const struct map_table *; NULL: every
 * recipient), changes (label, value pairs of a correction, or NULL), held
 * (an erasure kept data for a legal hold). A restricted subject's notice
 * names the subject by register key and carries no values (Art. 18(2)); a
 * subject with a disclosure ban gets its notice sent to the admins for a
 * decision instead (N19). *notified and *held_back say what happened.
 * Inside the caller's transaction. */
int lifecycle_notify_parties(struct work *w, enum notice_change change,
    GPtrArray *tables, GPtrArray *changes, gboolean held, gboolean *notified,
    gboolean *held_back, GError **error);

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

/* lifecycle-oversized.c: the first step's part for a mail over [policy]
 * max_message_size (after the challenge or "no data"): each of its
 * requests ids still `verifying` held for an admin with reason oversized
 * (the others the first step held already), and the sender (the address
 * on file, else the From if plausible) told the mail arrived without its
 * attachments and how to send them. Inside the caller's transaction. */
int lifecycle_oversized_start(struct work *w, GPtrArray *ids, GError **error);

/* lifecycle-oversized.c: a follow-up mail (number message) over the limit
 * about w's request, from the request's own address: its sender told its
 * attachments were not stored. Its own transaction. */
int lifecycle_oversized_followup(struct work *w, const struct received_mail *mail,
    gint64 message, GError **error);

/* lifecycle-challenge.c: under [policy] signed_identity, a valid signature
 * on the mail of w's request, bound to the address on file, stands in for
 * the mailed code: every request of ids is verified "signature" and
 * *skipped set (then lifecycle_decide_all them after the commit). Inside
 * the caller's transaction. */
int lifecycle_challenge_skip(struct work *w, GPtrArray *ids, gboolean *skipped,
    GError **error);

/* lifecycle-challenge.c: decide each verified request of ids, in the safe
 * order. Their own transactions. */
int lifecycle_decide_all(struct context *context, GPtrArray *ids,
    GError **error);

/* lifecycle-key.c: the key w's access or portability reply is encrypted
 * to under [policy] encrypt_exports: a known key of the subject's (the one
 * that signed one of the request's mails, one attached to them, one the
 * admin imported) that can be used now. *key is a new key
 * (crypto_key_free), or NULL: none, crypto off, encrypt_exports = never, or
 * another kind. 0, or -1 with error. */
int work_export_key(struct work *w, struct crypto_key **key, GError **error);

/* lifecycle-key.c: *blocked TRUE when w's reply carries data, [policy]
 * encrypt_exports is always and no key is known: the data must not go.
 * 0, or -1 with error. */
int work_export_blocked(struct work *w, gboolean *blocked, GError **error);

/* lifecycle-key.c: mail (from the subject) continues w's request: if the
 * request waits only for the subject's key and one is now known, it is
 * decided again (and carried out). 0, or -1 with error. */
int lifecycle_key_arrived(struct work *w, const struct received_mail *mail,
    GError **error);

/* lifecycle-decide.c: an admin's reply to a notice (line: its first line,
 * "APPROVE <code>" or "REJECT <code> <reasons>"), from the address the
 * notice went to; refused (work_refuse) otherwise. */
int lifecycle_admin_reply(struct work *w, const struct received_mail *mail,
    const char *line, gint64 message, GError **error);

#endif
