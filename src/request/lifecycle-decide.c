/* lifecycle-decide.c: the admins' decisions on a request (N13, N20, N21):
 * approve, reject with a reason, extend the deadline, classify an unknown
 * request; from the command line or an admin's APPROVE/REJECT reply. */
#include <string.h>

#include "base/address.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/context.h"
#include "base/error.h"
#include "base/log.h"
#include "base/regex.h"
#include "request/lifecycle.h"
#include "request/lifecycle-work.h"
#include "store/store.h"
#include "store/store-event.h"
#include "store/store-lifecycle.h"

/* TRUE for a request that is not finished. */
static gboolean
state_is_open(const char *state)
{
	return g_strcmp0(state, "received") == 0 || g_strcmp0(state, "verifying") == 0 ||
	    g_strcmp0(state, "awaiting_approval") == 0 || g_strcmp0(state, "approved") == 0;
}

/* Can an admin approve this request now? NULL if so, else why not. */
static const char *
approve_problem(const struct work *w)
{
	if (g_strcmp0(w->row.state, "awaiting_approval") != 0)
		return "it is not waiting for an admin (see dsrmail queue list)";
	if (w->address == NULL)
		return "the sender's address is not in the register, so there is "
		    "nothing to carry out: reject it with a reason, or answer the "
		    "sender yourself";
	if (w->row.verified_at == NULL)
		return "the sender has not confirmed the request yet";
	if (g_str_equal(w->row.kind, "unknown"))
		return "its kind is unknown: set it first with dsrmail queue classify";
	return NULL;
}

/* Approve and carry out; token (an admin notice's, or 0) is used up in the
 * same transaction. */
static int
approve(struct work *w, const struct decider *by, gint64 token, GError **error)
{
	const struct request_update update = { .state = "approved",
	    .decided_by = by->admin, .hold_reasons = "" };
	g_autofree char *detail = store_event_detail(NULL, 0, "login", by->login,
	    NULL);
	const char *problem = approve_problem(w);
	gboolean no_key = FALSE;

	if (problem == NULL && work_export_blocked(w, &no_key, error) < 0)
		return -1;
	if (no_key)
		problem = "[policy] encrypt_exports = always and no key of the "
		    "subject's is known: import it with dsrmail keys import FILE, or "
		    "wait for their reply with the key";
	if (problem != NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "cannot approve %s: %s",
		    w->row.id, problem);
		return -1;
	}
	if (store_begin(w->context->store, error) < 0)
		return -1;
	if ((token != 0 && store_token_use(w->context->store, token, w->now_text,
	    error) < 0) || store_lifecycle_update(w->context->store, w->row.id,
	    &update, w->now_text, error) < 0 ||
	    work_event(w, "approved", by->admin, detail, 0, 0, error) < 0 ||
	    store_commit(w->context->store, error) < 0) {
		store_rollback(w->context->store);
		return -1;
	}
	log_info("lifecycle: %s approved", w->row.id);
	return lifecycle_execute(w, by->admin, error);
}

/* Inside reject's transaction: the state, the end of a dispute, the mail
 * to the subject (only a plausible one, and only when a mail asked) and
 * the event. */
static int
reject_record(struct work *w, const struct decider *by, const char *reason,
    gint64 token, GError **error)
{
	const struct request_update update = { .state = "rejected",
	    .decided_by = by->admin, .decision_reason = reason, .completed = TRUE };
	g_autofree char *detail = store_event_detail(NULL, 0, "reason", reason,
	    "login", by->login, NULL);
	const char *to = !work_answers_subject(w) ? NULL : w->address != NULL ?
	    w->address : w->row.sender;
	struct template_data *data;
	gint64 outbox = 0;
	gboolean ended;
	int status = -1;

	if ((token != 0 && store_token_use(w->context->store, token, w->now_text,
	    error) < 0) || store_lifecycle_update(w->context->store, w->row.id,
	    &update, w->now_text, error) < 0 ||
	    lifecycle_dispute_end(w, &ended, error) < 0)
		return -1;
	data = template_data_new();
	template_data_set(data, "kind", w->row.kind);
	template_data_set(data, "reason", reason);
	/* Art. 21(1): the reasons are the compelling legitimate grounds. */
	template_data_set(data, "objection", g_str_equal(w->row.kind,
	    "processing_objection") ? "yes" : NULL);
	template_data_set(data, "dispute_ended", ended ? "yes" : NULL);
	if ((to == NULL || !address_is_plausible(to) || (outbox = work_mail(w,
	    REPLY_REJECTED, to, data, NULL, error)) >= 0) &&
	    work_event(w, "rejected", by->admin, detail, 0, outbox, error) == 0)
		status = 0;
	template_data_free(data);
	return status;
}

/* Reject with a reason the subject is told, with the authority (N13, N18). */
static int
reject(struct work *w, const struct decider *by, const char *reason,
    gint64 token, GError **error)
{
	if (!state_is_open(w->row.state) || reason == NULL || *reason == '\0') {
		g_set_error(error, DSR_ERROR, reason == NULL || *reason == '\0' ?
		    DSR_ERROR_USAGE : DSR_ERROR_DATA, "cannot reject %s: %s", w->row.id,
		    reason == NULL || *reason == '\0' ? "a rejection needs a reason "
		    "(--reason TEXT), which the sender is told" : "it is finished");
		return -1;
	}
	if (store_begin(w->context->store, error) < 0)
		return -1;
	if (reject_record(w, by, reason, token, error) < 0 ||
	    store_commit(w->context->store, error) < 0) {
		store_rollback(w->context->store);
		return -1;
	}
	log_info("lifecycle: %s rejected", w->row.id);
	return 0;
}

/* An admin's reply to a notice: "APPROVE <token>" or "REJECT <token>
 * <reasons>" on the first line, from the address the notice went to. */
int
lifecycle_admin_reply(struct work *w, const struct received_mail *mail,
    const char *line, gint64 message, GError **error)
{
	static GRegex *slot;
	GRegex *regex = regex_get(&slot, "^\\s*(APPROVE|REJECT)\\s+"
	    "([A-Za-z2-7]{26})(?:\\s+(.*?))?\\s*$", G_REGEX_CASELESS);
	g_autoptr(GMatchInfo) match = NULL;
	g_autofree char *written = NULL, *verb = NULL, *word = NULL, *reason = NULL;
	g_autoptr(GPtrArray) tokens = NULL, candidates = NULL;
	const struct token_row *token;
	const char *problem;
	struct decider by = { NULL, NULL };

	if (!g_regex_match(regex, line, 0, &match))
		return work_refuse(w, "admin_reply_refused", "the first line is not "
		    "APPROVE <code> or REJECT <code> <reasons>", message, error);
	written = g_match_info_fetch(match, 1);
	verb = g_ascii_strup(written, -1);
	word = g_match_info_fetch(match, 2);
	reason = g_match_info_fetch(match, 3);
	tokens = store_token_list(w->context->store, w->row.id, 0, "admin", error);
	if (tokens == NULL)
		return -1;
	candidates = g_ptr_array_new();
	g_ptr_array_add(candidates, word);
	token = work_token_find(tokens, candidates);
	problem = work_token_problem(token, mail->from, w->now_text);
	if (problem == NULL && g_strcmp0(mail->dmarc, "fail") == 0)
		problem = "DMARC failed for the admin's mail";
	if (problem == NULL && g_str_equal(verb, "REJECT") &&
	    (reason == NULL || *reason == '\0'))
		problem = "REJECT needs reasons after the code";
	if (problem == NULL && g_str_equal(verb, "APPROVE") &&
	    approve_problem(w) != NULL)
		problem = approve_problem(w);
	if (problem == NULL && !state_is_open(w->row.state))
		problem = "the request is finished";
	if (problem != NULL)
		return work_refuse(w, "admin_reply_refused", problem, message, error);
	by.admin = mail->from;
	return g_str_equal(verb, "APPROVE") ? approve(w, &by, token->id, error) :
	    reject(w, &by, reason, token->id, error);
}

/* queue approve */
int
lifecycle_approve(struct context *context, const char *id,
    const struct decider *by, GError **error)
{
	struct work w;
	int status;

	if (work_open(context, id, &w, error) < 0)
		return -1;
	status = approve(&w, by, 0, error);
	work_clear(&w);
	return status;
}

/* queue reject */
int
lifecycle_reject(struct context *context, const char *id,
    const struct decider *by, const char *reason, GError **error)
{
	struct work w;
	int status;

	if (work_open(context, id, &w, error) < 0)
		return -1;
	status = reject(&w, by, reason, 0, error);
	work_clear(&w);
	return status;
}

/* Why the deadline cannot be extended, or NULL (N21: once, by two months,
 * told within the first month). */
static const char *
extend_problem(const struct work *w, GDateTime *first_month_end)
{
	if (!state_is_open(w->row.state))
		return "it is finished";
	if (w->row.extended_at != NULL)
		return "it was extended already (two months at most, GDPR Art. 12(3))";
	if (g_date_time_compare(w->now, first_month_end) > 0)
		return "the first month after receipt has passed: an extension "
		    "must be told within it (GDPR Art. 12(3))";
	return NULL;
}

/* Extend the deadline by two months and tell the subject why. */
static int
extend(struct work *w, const struct decider *by, const char *reason,
    GError **error)
{
	static const struct duration one = { 1, 0 }, three = { 3, 0 };
	g_autoptr(GDateTime) received = clock_parse_iso(w->row.received_at);
	g_autoptr(GDateTime) month = duration_add(received, &one);
	g_autoptr(GDateTime) due = duration_add(received, &three);
	g_autofree char *due_text = clock_format_iso(due);
	const struct request_update update = { .due_at = due_text,
	    .extension_reason = reason };
	g_autofree char *detail = store_event_detail(NULL, 0, "reason", reason,
	    "due", due_text, "login", by->login, NULL);
	const char *to = !work_answers_subject(w) ? NULL : w->address != NULL ?
	    w->address : w->row.sender;
	const char *problem = extend_problem(w, month);
	struct template_data *data;
	gint64 outbox = 0;
	int status = -1;

	if (problem != NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "cannot extend %s: %s",
		    w->row.id, problem);
		return -1;
	}
	data = template_data_new();
	template_data_set(data, "kind", w->row.kind);
	template_data_set(data, "reason", reason);
	work_set_date(data, "received_date", w->row.received_at);
	work_set_date(data, "due_date", due_text);
	if (store_begin(w->context->store, error) == 0) {
		status = store_lifecycle_update(w->context->store, w->row.id, &update,
		    w->now_text, error);
		if (status == 0)
			status = store_reminder_clear(w->context->store, w->row.id, error);
		if (status == 0 && to != NULL && address_is_plausible(to))
			status = (outbox = work_mail(w, REPLY_EXTENDED, to, data, NULL,
			    error)) < 0 ? -1 : 0;
		if (status == 0)
			status = work_event(w, "extended", by->admin, detail, 0, outbox,
			    error);
		if (status == 0)
			status = store_commit(w->context->store, error);
		if (status < 0)
			store_rollback(w->context->store);
	}
	template_data_free(data);
	return status;
}

/* queue extend */
int
lifecycle_extend(struct context *context, const char *id,
    const struct decider *by, const char *reason, GError **error)
{
	struct work w;
	int status;

	if (reason == NULL || *reason == '\0') {
		g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "queue extend needs "
		    "--reason TEXT: the sender is told why (GDPR Art. 12(3))");
		return -1;
	}
	if (work_open(context, id, &w, error) < 0)
		return -1;
	status = extend(&w, by, reason, error);
	work_clear(&w);
	return status;
}

/* The lifecycle_hold reasons without unknown_kind (a new string, "" if none left). */
static char *
reasons_without_unknown(const char *reasons)
{
	g_auto(GStrv) codes = g_strsplit(reasons != NULL ? reasons : "", ",", -1);
	GString *left = g_string_new(NULL);
	char **code;

	for (code = codes; *code != NULL; code++)
		if (**code != '\0' && strcmp(*code, "unknown_kind") != 0)
			lifecycle_reasons_add(left, *code);
	return g_string_free(left, FALSE);
}

/* queue classify */
int
lifecycle_classify(struct context *context, const char *id, const char *kind,
    const struct decider *by, GError **error)
{
	g_autofree char *detail = store_event_detail(NULL, 0, "kind", kind,
	    "login", by->login, NULL);
	g_autofree char *left = NULL, *kinds = NULL;
	struct request_update update = { .kind = kind };
	struct work w;
	gboolean again;
	int status = -1;

	if (!config_is_request_kind(kind) || g_str_equal(kind, "unknown")) {
		kinds = config_request_kinds_text();
		g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "\"%s\" is not a kind "
		    "to classify as; use one of %s", kind, kinds);
		return -1;
	}
	if (work_open(context, id, &w, error) < 0)
		return -1;
	if (!g_str_equal(w.row.kind, "unknown") || !state_is_open(w.row.state)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "cannot classify %s: "
		    "only an open request of kind unknown can be classified (it is "
		    "%s, %s)", id, w.row.kind, w.row.state);
		goto out;
	}
	left = reasons_without_unknown(w.row.hold_reasons);
	update.hold_reasons = left;
	again = g_str_equal(w.row.state, "awaiting_approval") &&
	    w.row.verified_at != NULL;
	if (store_begin(context->store, error) < 0)
		goto out;
	if (store_lifecycle_update(context->store, id, &update, w.now_text, error) < 0 ||
	    work_event(&w, "classified", by->admin, detail, 0, 0, error) < 0 ||
	    store_commit(context->store, error) < 0) {
		store_rollback(context->store);
		goto out;
	}
	/* Decided again with its kind: held (policy) or carried out (bans). */
	status = again ? lifecycle_decide(context, id, error) : 0;
out:
	work_clear(&w);
	return status;
}
