/* lifecycle-lift.c: lifting a restriction (N14). GDPR Art. 18(3): a person
 * who obtained a restriction is told before it is lifted. `queue lift`
 * queues that notice and records the lift as pending; the flag is cleared
 * only once the outbox has sent the notice (lifecycle_lift_settle, run after
 * every outbox flush by lifecycle_flush). A notice that cannot be delivered leaves the
 * restriction in place, and the admins get the bounce notice. */
#include "base/error.h"
#include "base/log.h"
#include "reply/outbox.h"
#include "register/execute.h"
#include "request/lifecycle.h"
#include "request/lifecycle-work.h"
#include "store/store-event.h"
#include "store/store-lift.h"

/* Refuse the lift of request id: DSR_ERROR_DATA with why. Returns -1. */
static int
lift_refuse(GError **error, const char *id, const char *why)
{
	g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "cannot lift %s: %s", id, why);
	return -1;
}

/* Whether w's restriction can be lifted now: 0, or -1 with why not. */
static int
lift_check(struct work *w, GError **error)
{
	g_autofree char *state = NULL, *at = NULL, *erasure = NULL, *why = NULL;
	const char *id = w->row.id;
	int current, erased;

	if (!g_str_equal(w->row.kind, "restriction") &&
	    !g_str_equal(w->row.kind, "processing_objection"))
		why = g_strdup_printf("it is a request of kind %s; only a restriction "
		    "request, or an upheld objection (processing_objection), can be "
		    "lifted (see dsrmail requests list)", w->row.kind);
	else if (!g_str_equal(w->row.state, "done"))
		why = g_strdup_printf("its restriction was never set (the request is "
		    "%s); an open request is rejected with dsrmail queue reject",
		    w->row.state);
	if (why != NULL)
		return lift_refuse(error, id, why);
	if ((current = store_lift_current(w->context->store, id, &state, &at,
	    error)) < 0 || (erased = store_lift_erased(w->context->store, id,
	    &erasure, error)) < 0)
		return -1;
	if (current == 1 && g_str_equal(state, "lifted"))
		why = g_strdup_printf("its restriction was lifted already, at %s", at);
	else if (current == 1)
		why = g_strdup_printf("a lift is pending since %s: the notice to the "
		    "person waits in the outbox; dsrmail send delivers it, and the "
		    "restriction is cleared once it is sent", at);
	else if (w->address == NULL || w->context->map->restricted == NULL)
		why = g_strdup("the person is no longer in the register (or the data "
		    "map has no restriction column): there is no flag to clear and "
		    "nobody to tell");
	else if (erased == 1)
		why = g_strdup_printf("%s erased this person's data as far as the law "
		    "allows; what a legal hold keeps stays restricted to that hold's "
		    "purpose", erasure);
	return why != NULL ? lift_refuse(error, id, why) : 0;
}

/* Tell the subject first: the notice queued, the lift pending, its event,
 * in one transaction. */
static int
lift_notify(struct work *w, const struct decider *by, const char *reason,
    GError **error)
{
	struct store *store = w->context->store;
	g_autofree char *detail = store_event_detail(NULL, 0, "reason", reason,
	    "login", by->login, NULL);
	struct template_data *data = template_data_new();
	gint64 outbox;
	int status = -1;

	template_data_set(data, "reason", reason);
	work_set_date(data, "lift_date", w->now_text);
	if (store_begin(store, error) < 0)
		goto out;
	if ((outbox = work_mail(w, REPLY_RESTRICTION_LIFTED, w->address, data,
	    NULL, error)) < 0 || store_lift_add(store, w->row.id, outbox, reason,
	    by->admin, w->now_text, error) < 0 || work_event(w, "lift_requested",
	    by->admin, detail, 0, outbox, error) < 0 ||
	    store_commit(store, error) < 0) {
		store_rollback(store);
		goto out;
	}
	log_info("lifecycle: %s: lift requested; the notice is queued", w->row.id);
	status = 0;
out:
	template_data_free(data);
	return status;
}

/* queue lift (see lifecycle.h). */
int
lifecycle_lift(struct context *context, const char *id,
    const struct decider *by, const char *reason, GError **error)
{
	struct work w;
	int status = -1;

	if (reason == NULL || *reason == '\0') {
		g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "queue lift needs "
		    "--reason TEXT: the person is told why before the restriction is "
		    "lifted (GDPR Art. 18(3))");
		return -1;
	}
	if (work_open(context, id, &w, error) == 0 && lift_check(&w, error) == 0)
		status = lift_notify(&w, by, reason, error);
	work_clear(&w);
	return status;
}

/* Settle one lift whose notice has its outcome, in one transaction: sent,
 * the flag cleared on every subject (restriction_lifted); failed, the
 * restriction stays (lift_failed). */
static int
lift_settle_one(struct context *context, const struct lift_row *lift,
    GError **error)
{
	g_autofree char *detail = lift->sent ? NULL : store_event_detail(NULL, 0,
	    "reason", "the notice could not be delivered; the restriction stays",
	    NULL);
	struct work w;
	gboolean notified, held_back;
	int status = -1;
	guint i;

	if (work_open(context, lift->request, &w, error) < 0 ||
	    store_begin(context->store, error) < 0)
		goto out;
	status = store_lift_settle(context->store, lift->id, lift->sent ?
	    "lifted" : "failed", w.now_text, error);
	for (i = 0; status == 0 && lift->sent && i < w.subjects->len; i++)
		status = execute_set_flag(context->store, context->map->restricted,
		    g_array_index(w.subjects, gint64, i), FALSE, error);
	/* Art. 19: the recipients told of the restriction are told it ended. */
	if (status == 0 && lift->sent)
		status = lifecycle_notify_parties(&w, NOTICE_LIFTED, NULL, NULL,
		    FALSE, &notified, &held_back, error);
	if (status == 0)
		status = work_event(&w, lift->sent ? "restriction_lifted" :
		    "lift_failed", "system", detail, 0, lift->outbox, error);
	if (status == 0)
		status = store_commit(context->store, error);
	if (status < 0)
		store_rollback(context->store);
	else if (lift->sent)
		log_info("lifecycle: %s: restriction lifted (the person was told)",
		    lift->request);
	else
		log_warn("lifecycle: %s: the lift notice could not be delivered; "
		    "the restriction stays", lift->request);
out:
	work_clear(&w);
	return status;
}

/* Settle the lifts whose notice has its outcome (see lifecycle.h). */
int
lifecycle_lift_settle(struct context *context, int *lifted, GError **error)
{
	g_autoptr(GPtrArray) lifts = store_lift_outcomes(context->store, error);
	guint i;

	*lifted = 0;
	if (lifts == NULL)
		return -1;
	for (i = 0; i < lifts->len; i++) {
		const struct lift_row *lift = lifts->pdata[i];

		if (lift_settle_one(context, lift, error) < 0)
			return -1;
		*lifted += lift->sent;
	}
	return 0;
}

/* Flush the outbox, then settle the lifts (see lifecycle.h). */
int
lifecycle_flush(struct context *context, struct outbox_counts *counts,
    GError **error)
{
	g_autoptr(GError) settle = NULL;
	struct outbox_counts more;
	int status = outbox_flush(context, counts, error);

	/* Also after a flush that stopped early: the notices that did leave
	 * count, and their restrictions are lifted now. */
	if (lifecycle_lift_settle(context, &counts->lifted, &settle) < 0) {
		if (status < 0) {
			log_warn("lifecycle: %s", settle->message);
			return -1;
		}
		g_propagate_error(error, g_steal_pointer(&settle));
		return -1;
	}
	/* A lift settled just now queued its Art. 19 notices to the recipients:
	 * they go out with this flush, not with the next one. */
	if (status < 0 || counts->lifted == 0)
		return status;
	status = outbox_flush(context, &more, error);
	counts->sent += more.sent;
	counts->deferred += more.deferred;
	counts->failed += more.failed;
	counts->notices += more.notices;
	return status;
}
