/* lifecycle-restrict.c: dsrmail honouring a restriction itself (N14, GDPR
 * Art. 18): whether a request's subject is restricted, the restriction of
 * disputed data while an admin decides ([policy] restrict_while_disputed,
 * Art. 18(1)(a) and (d)), and the retention erasure of a restricted subject
 * held for the admins instead of run by the sweep (Art. 18(2)). */
#include "base/config.h"
#include "base/context.h"
#include "base/error.h"
#include "base/log.h"
#include "register/execute.h"
#include "request/lifecycle.h"
#include "request/lifecycle-work.h"
#include "store/store-dispute.h"
#include "store/store-event.h"
#include "store/store-lifecycle.h"
#include "store/store-request.h"

/* Is any subject of w restricted? */
int
work_restricted(struct work *w, gboolean *restricted, GError **error)
{
	guint i;

	*restricted = FALSE;
	for (i = 0; i < w->subjects->len && !*restricted; i++)
		if (execute_get_flag(w->context->store, w->context->map->restricted,
		    g_array_index(w->subjects, gint64, i), restricted, error) < 0)
			return -1;
	return 0;
}

/* TRUE for a kind whose request disputes the data while it waits: a
 * correction (Art. 18(1)(a)) or an objection on grounds of the particular
 * situation (Art. 18(1)(d)). */
static gboolean
kind_disputes(const char *kind)
{
	return g_strcmp0(kind, "rectification") == 0 ||
	    g_strcmp0(kind, "processing_objection") == 0;
}

/* Restrict w's subjects while an admin decides (see lifecycle-work.h). */
int
lifecycle_dispute_start(struct work *w, gboolean *started, GError **error)
{
	const struct map_column *column = w->context->map->restricted;
	guint i, set = 0;
	g_autofree char *detail = NULL;

	*started = FALSE;
	if (!w->context->config->restrict_while_disputed || column == NULL ||
	    !kind_disputes(w->row.kind) || w->row.verified_at == NULL ||
	    w->row.message == 0 || w->subjects->len == 0)
		return 0;
	for (i = 0; i < w->subjects->len; i++) {
		gint64 subject = g_array_index(w->subjects, gint64, i);
		gboolean was;

		if (execute_get_flag(w->context->store, column, subject, &was,
		    error) < 0 || (!was && execute_set_flag(w->context->store, column,
		    subject, TRUE, error) < 0) || store_dispute_start(w->context->store,
		    w->row.id, subject, !was, w->now_text, error) < 0)
			return -1;
		set += !was;
	}
	detail = store_event_detail("flags_set", set, NULL);
	*started = TRUE;
	return work_event(w, "restricted_while_disputed", "system", detail, 0, 0,
	    error);
}

/* End w's dispute with its decision (see lifecycle-work.h). */
int
lifecycle_dispute_end(struct work *w, gboolean *ended, GError **error)
{
	struct store *store = w->context->store;
	g_autoptr(GPtrArray) rows = store_dispute_open(store, w->row.id, error);
	g_autofree char *detail = NULL;
	guint i, cleared = 0;

	*ended = FALSE;
	if (rows == NULL)
		return -1;
	if (rows->len == 0)
		return 0;
	for (i = 0; i < rows->len; i++) {
		const struct dispute_row *row = rows->pdata[i];
		int handed = 0, kept = 0;

		if (!row->set_flag)
			continue;
		if ((handed = store_dispute_hand_over(store, row->subject, w->row.id,
		    error)) < 0 || (!handed && (kept = store_restriction_kept(store,
		    row->subject, row->started_at, error)) < 0))
			return -1;
		if (handed || kept)
			continue;
		if (execute_set_flag(store, w->context->map->restricted, row->subject,
		    FALSE, error) < 0)
			return -1;
		cleared++;
	}
	detail = store_event_detail("flags_cleared", cleared, NULL);
	*ended = TRUE;
	w->dispute_ended = TRUE;
	return store_dispute_end(store, w->row.id, w->now_text, error) < 0 ? -1 :
	    work_event(w, "dispute_ended", "system", detail, 0, 0, error);
}

/* Open the retention erasure request of subject, confirmed by the sweep
 * itself (no mail opened it), and hold it; inside the caller's transaction. */
static int
retention_request_hold(struct context *context, gint64 subject,
    GDateTime *now, GError **error)
{
	const struct request_update update = { .verified_by = "retention" };
	/* Opened by the sweep, not read from a mail: no confidence, no mark. */
	struct request_record record = { .kind = "erasure", .state = "received",
	    .received = now, .confidence = -1 };
	g_autofree char *id = store_request_add(context->store, &record, error);
	g_autofree char *detail = store_event_detail("subjects", 1, "kind",
	    "erasure", "reason", "retention", NULL);
	struct work w;
	int status = -1;

	if (id == NULL || store_request_add_subject(context->store, id, subject,
	    error) < 0)
		return -1;
	if (work_open(context, id, &w, error) == 0) {
		work_set_now(&w, now);
		if (work_event(&w, "received", "system", detail, 0, 0, error) == 0 &&
		    store_lifecycle_update(context->store, id, &update, w.now_text,
		    error) == 0) {
			request_row_clear(&w.row);
			if (store_lifecycle_request(context->store, id, &w.row, error) > 0)
				status = lifecycle_hold(&w, "retention_restricted", error);
		}
	}
	work_clear(&w);
	if (status == 0)
		log_info("lifecycle: %s: a retention erasure of a restricted person "
		    "waits for an admin", id);
	return status;
}

/* Hold a restricted subject's retention erasure (see lifecycle.h). */
int
lifecycle_retention_hold(struct context *context, gint64 subject,
    GDateTime *now, GError **error)
{
	if (store_begin(context->store, error) < 0)
		return -1;
	if (retention_request_hold(context, subject, now, error) < 0 ||
	    store_commit(context->store, error) < 0) {
		store_rollback(context->store);
		return -1;
	}
	return 0;
}
