/* lifecycle.h: what happens to a request after intake stored it (DESIGN.md
 * "Identity", "Approval queue"; N7-N24):
 *
 *   received --challenge--> verifying --token--> (awaiting_approval) --> done
 *   no subject: "no data" to the sender; done, or the admins if the mail
 *   names other identifiers. rejected / expired end it too.
 *
 * Every step is one transaction holding its state change, its events and the
 * mails it causes (the transactional outbox). Functions return 0 or -1 with
 * error; they need the context's config, store, map, notice and templates. */
#ifndef DSR_LIFECYCLE_H
#define DSR_LIFECYCLE_H

#include <glib.h>

struct context;
struct outbox_counts;
struct received_mail;

/* Carry on after intake stored mail number message: with continued NULL,
 * challenge the mail's requests still `received` (or answer "no data");
 * else treat the mail as continuing request continued (a challenge reply,
 * an admin's APPROVE/REJECT). mail: the mail as intake parsed it, or NULL
 * to read it from the store. Both `deliver` and IMAP `poll` call it, through
 * src/cmd/arrival.c. */
int lifecycle_advance(struct context *context, gint64 message,
    const char *continued, const struct received_mail *mail, GError **error);

/* Carry on with requests a crash left behind: `received` ones are
 * challenged, `approved` ones executed. *count gets how many. */
int lifecycle_resume(struct context *context, int *count, GError **error);

/* Requests whose identity challenge expired unanswered: state `expired`, the
 * subject told once. *count gets how many. */
int lifecycle_expire(struct context *context, GDateTime *now, int *count,
    GError **error);

/* Deadline reminders to the admins (N21): 7 and 2 days before the due date
 * and once it has passed, each once per request. *count gets how many. */
int lifecycle_remind(struct context *context, GDateTime *now, int *count,
    GError **error);

/* Who makes an admin decision (N20, N24). admin: an address of
 * [organisation] admins (queue --as, or the From of a mailed APPROVE or
 * REJECT), or the login name when queue is run without --as; login: the
 * login name that ran the command, NULL for a decision by mail. The
 * decision's event has admin as its actor and login in its detail. */
struct decider {
	const char *admin;
	const char *login;
};

/* Admin decisions. */
int lifecycle_approve(struct context *context, const char *id,
    const struct decider *by, GError **error);
int lifecycle_reject(struct context *context, const char *id,
    const struct decider *by, const char *reason, GError **error);
/* +2 months, only within the first month, once; the subject is told why. */
int lifecycle_extend(struct context *context, const char *id,
    const struct decider *by, const char *reason, GError **error);
/* Lift a done restriction (N14), telling the subject first (GDPR Art.
 * 18(3)): the notice with the reason is queued to the address on file and
 * the lift recorded as pending; the flag stays set until the notice is sent.
 * DSR_ERROR_USAGE without a reason; DSR_ERROR_DATA when id is not a done
 * restriction, was lifted already, or has a lift pending. */
int lifecycle_lift(struct context *context, const char *id,
    const struct decider *by, const char *reason, GError **error);
/* Settle every pending lift whose notice has left the outbox, each in one
 * transaction with its event: sent, the restriction flag is cleared
 * (restriction_lifted); failed for good, it stays (lift_failed). *lifted
 * gets how many were lifted. */
int lifecycle_lift_settle(struct context *context, int *lifted,
    GError **error);
/* Send the outbox (outbox_flush), then settle the lifts whose notice left
 * it, even when the flush stopped early; when a lift was settled, send
 * again what that queued (its notices to recipients). Returns what
 * outbox_flush does;
 * counts as it fills them, and counts->lifted. Every command that sends
 * (send, poll, sweep) sends through this. Needs the map. */
int lifecycle_flush(struct context *context, struct outbox_counts *counts,
    GError **error);
/* A hold reason (a code of dsr_requests.hold_reasons) in a few English
 * words for the command line: "too large: attachments not stored"; for
 * "policy", after the request's kind: "erasure needs approval". A new
 * string, or NULL for a code dsrmail does not know. */
char *lifecycle_hold_words(const char *code, const char *kind);

/* A retention erasure (N6) of a restricted subject is not run by the sweep
 * (GDPR Art. 18(2)): an erasure request opened by no mail, for subject,
 * waits for the admins instead (hold reason retention_restricted); once
 * approved and carried out, later sweeps erase that subject as usual. Its
 * own transaction. */
int lifecycle_retention_hold(struct context *context, gint64 subject,
    GDateTime *now, GError **error);
/* Mail number message, over [policy] sender_rate: once per sender_rate
 * period its sender is told why it was not handled (GDPR Art. 12(4)) and
 * the admins get a notice; nothing else goes to that sender in the period.
 * Only a plausible sender of a mail that opened its own `ignored` request
 * is answered (a mail continuing a request is only noted on it). Its own
 * transaction. */
int lifecycle_rate_limited(struct context *context, gint64 message,
    GError **error);
/* Give an `unknown` request its kind; a verified one is decided again. */
int lifecycle_classify(struct context *context, const char *id,
    const char *kind, const struct decider *by, GError **error);

#endif
