/* lifecycle-rate.c: a sender over [policy] sender_rate (N23, N18). Intake
 * records the mail as `ignored`; GDPR Art. 12(4) asks that the person be
 * told why nothing is done, with the authority. Once per period the
 * sender is told, and the admins; then nothing more goes to that sender
 * until the period has passed, so two mail robots cannot loop. */
#include "base/address.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/context.h"
#include "base/error.h"
#include "base/log.h"
#include "request/lifecycle.h"
#include "request/lifecycle-work.h"
#include "store/store-lifecycle.h"

/* The rate's fields, for both mails. */
static struct template_data *
rate_data(struct work *w, GDateTime *retry)
{
	const struct rate *rate = &w->context->config->sender_rate;
	struct template_data *data = template_data_new();
	g_autofree char *limit = g_strdup_printf("%d", rate->count);
	g_autofree char *hours = g_strdup_printf("%" G_GINT64_FORMAT,
	    (rate->period_seconds + 3599) / 3600);
	g_autofree char *retry_text = clock_format_iso(retry);

	template_data_set(data, "address", w->row.sender);
	template_data_set(data, "sender", w->row.sender);
	template_data_set(data, "rate_limit", limit);
	template_data_set(data, "hours", hours);
	work_set_date(data, "retry_date", retry_text);
	return data;
}

/* The sender told, the admins told, with their events; in a transaction. */
static int
rate_tell(struct work *w, GDateTime *retry, GError **error)
{
	struct template_data *data = rate_data(w, retry);
	char **admin;
	gint64 outbox;
	int status = -1;

	if ((outbox = work_mail(w, REPLY_RATE_LIMITED, w->row.sender, data, NULL,
	    error)) < 0 || work_event(w, "rate_limited", "system", NULL, 0, outbox,
	    error) < 0)
		goto out;
	for (admin = w->context->config->admins; admin != NULL && *admin != NULL;
	    admin++)
		if ((outbox = work_mail(w, REPLY_RATE_NOTICE, *admin, data, NULL,
		    error)) < 0 || work_event(w, "admin_notified", "system", NULL, 0,
		    outbox, error) < 0)
			goto out;
	status = 0;
out:
	template_data_free(data);
	return status;
}

/* Tell the sender once per period (see lifecycle.h). */
int
lifecycle_rate_limited(struct context *context, gint64 message, GError **error)
{
	const struct rate *rate = &context->config->sender_rate;
	const struct duration period = { 0, rate->period_seconds };
	g_autoptr(GPtrArray) ids = store_lifecycle_select(context->store,
	    SELECT_MESSAGE_STATE, "ignored", message, error);
	g_autoptr(GDateTime) since = NULL, retry = NULL;
	g_autofree char *since_text = NULL;
	struct work w;
	gint64 told;
	int status = -1;

	if (ids == NULL)
		return -1;
	if (ids->len == 0)
		return 0;
	if (work_open(context, ids->pdata[0], &w, error) < 0)
		goto out;
	since = duration_subtract(w.now, &period);
	since_text = clock_format_iso(since);
	retry = duration_add(w.now, &period);
	if (w.row.sender == NULL || !address_is_plausible(w.row.sender)) {
		status = 0;
		goto out;
	}
	if ((told = store_lifecycle_rate_told(context->store, w.row.sender,
	    since_text, error)) < 0)
		goto out;
	if (told > 0) {
		log_debug("lifecycle: %s: over sender_rate, the sender was told "
		    "already in this period", w.row.id);
		status = 0;
		goto out;
	}
	if (store_begin(context->store, error) < 0)
		goto out;
	if (rate_tell(&w, retry, error) < 0 || store_commit(context->store,
	    error) < 0) {
		store_rollback(context->store);
		goto out;
	}
	log_info("lifecycle: %s: over sender_rate; the sender and the admins "
	    "are told once for this period", w.row.id);
	status = 0;
out:
	work_clear(&w);
	return status;
}
