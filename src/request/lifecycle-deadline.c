/* lifecycle-deadline.c: time passing (N21): identity challenges that
 * expire unanswered, and the admins reminded before a deadline passes. */
#include "base/clock.h"
#include "base/config.h"
#include "base/context.h"
#include "base/error.h"
#include "base/log.h"
#include "request/lifecycle.h"
#include "request/lifecycle-work.h"
#include "store/store.h"
#include "store/store-event.h"
#include "store/store-lifecycle.h"

/* One expired request: state, event, and (once per mail) the subject told. */
static int
expire_one(struct work *w, GHashTable *told, GError **error)
{
	static const struct labels reason = { {
	    "vahvistuskoodi vanheni ennen kuin saimme vastauksesi. Voit lähettää "
	    "pyynnön uudelleen.",
	    "the confirmation code expired before we received your reply. You may "
	    "send the request again.",
	    "bekräftelsekoden gick ut innan vi fick ditt svar. Du kan skicka "
	    "begäran igen." } };
	const struct request_update update = { .state = "expired",
	    .decided_by = "system", .decision_reason = "identity not confirmed",
	    .completed = TRUE };
	gint64 outbox = 0;

	if (w->address != NULL && !g_hash_table_contains(told,
	    GINT_TO_POINTER(w->row.message))) {
		struct template_data *data = template_data_new();
		template_data_set(data, "kind", w->row.kind);
		template_data_set_labels(data, "reason", &reason);
		outbox = work_mail(w, REPLY_REJECTED, w->address, data, NULL, error);
		template_data_free(data);
		if (outbox < 0)
			return -1;
		g_hash_table_add(told, GINT_TO_POINTER(w->row.message));
	}
	if (store_lifecycle_update(w->context->store, w->row.id, &update,
	    w->now_text, error) < 0)
		return -1;
	return work_event(w, "expired", "system", NULL, 0, outbox, error);
}

/* Expire unanswered challenges (see lifecycle.h). */
int
lifecycle_expire(struct context *context, GDateTime *now, int *count,
    GError **error)
{
	g_autofree char *now_text = clock_format_iso(now);
	g_autoptr(GPtrArray) ids = store_lifecycle_select(context->store,
	    SELECT_EXPIRED, now_text, 0, error);
	g_autoptr(GHashTable) told = g_hash_table_new(NULL, NULL);
	guint i;

	*count = 0;
	if (ids == NULL)
		return -1;
	for (i = 0; i < ids->len; i++) {
		struct work w;
		int status = work_open(context, ids->pdata[i], &w, error);

		work_set_now(&w, now);
		if (status == 0 && (status = store_begin(context->store, error)) == 0) {
			status = expire_one(&w, told, error);
			if (status == 0)
				status = store_commit(context->store, error);
			if (status < 0)
				store_rollback(context->store);
		}
		work_clear(&w);
		if (status < 0)
			return -1;
		(*count)++;
		log_info("lifecycle: %s expired", (char *)ids->pdata[i]);
	}
	return 0;
}

/* Which reminder is due for a deadline: "overdue", "2d", "7d", or NULL;
 * *days gets the whole days left, rounded up. */
static const char *
reminder_kind(GDateTime *now, GDateTime *due, gint64 *days)
{
	GTimeSpan left = g_date_time_difference(due, now);

	*days = left > 0 ? (left + G_TIME_SPAN_DAY - 1) / G_TIME_SPAN_DAY : 0;
	if (left <= 0)
		return "overdue";
	if (left <= 2 * G_TIME_SPAN_DAY)
		return "2d";
	if (left <= 7 * G_TIME_SPAN_DAY)
		return "7d";
	return NULL;
}

/* The reminder of kind to every admin, once. */
static int
remind_one(struct work *w, const char *kind, gint64 days, GError **error)
{
	g_autofree char *days_text = g_strdup_printf("%" G_GINT64_FORMAT, days);
	g_autofree char *detail = store_event_detail(NULL, 0, "reminder", kind,
	    NULL);
	char **admin;

	if (store_reminder_add(w->context->store, w->row.id, kind, w->now_text,
	    error) < 0 || work_event(w, "reminder", "system", detail, 0, 0, error) < 0)
		return -1;
	for (admin = w->context->config->admins; admin != NULL && *admin != NULL;
	    admin++) {
		struct template_data *data = template_data_new();
		gint64 outbox;

		template_data_set(data, "kind", w->row.kind);
		template_data_set(data, "state", w->row.state);
		work_set_date(data, "due_date", w->row.due_at);
		template_data_set(data, "days_left", days_text);
		template_data_set(data, "overdue", g_str_equal(kind, "overdue") ?
		    "yes" : NULL);
		outbox = work_mail(w, REPLY_DEADLINE_REMINDER, *admin, data, NULL, error);
		template_data_free(data);
		if (outbox < 0)
			return -1;
	}
	return 0;
}

/* Is a reminder due for this request? Send it. *sent: 1 if one was. */
static int
remind_request(struct work *w, int *sent, GError **error)
{
	g_autoptr(GDateTime) due = clock_parse_iso(w->row.due_at);
	const char *kind;
	gint64 days;
	int done, status;

	*sent = 0;
	if (due == NULL || (kind = reminder_kind(w->now, due, &days)) == NULL)
		return 0;
	/* Only the most pressing one: a 7-day reminder is pointless once two
	 * days are left, so it is never sent late. */
	if ((done = store_reminder_sent(w->context->store, w->row.id, kind,
	    error)) != 0)
		return done < 0 ? -1 : 0;
	if (store_begin(w->context->store, error) < 0)
		return -1;
	status = remind_one(w, kind, days, error);
	if (status == 0)
		status = store_commit(w->context->store, error);
	if (status < 0)
		store_rollback(w->context->store);
	*sent = status == 0;
	return status;
}

/* Deadline reminders (see lifecycle.h). */
int
lifecycle_remind(struct context *context, GDateTime *now, int *count,
    GError **error)
{
	g_autoptr(GPtrArray) ids = store_lifecycle_select(context->store,
	    SELECT_OPEN, NULL, 0, error);
	guint i;

	*count = 0;
	if (ids == NULL)
		return -1;
	for (i = 0; i < ids->len; i++) {
		struct work w;
		int status = work_open(context, ids->pdata[i], &w, error), sent = 0;

		if (status == 0) {
			work_set_now(&w, now);
			status = remind_request(&w, &sent, error);
		}
		work_clear(&w);
		if (status < 0)
			return -1;
		*count += sent;
	}
	return 0;
}
