/* lifecycle-oversized.c: a mail over [policy] max_message_size is still a
 * request, and its month runs from its arrival (GDPR Art. 12(3)). intake
 * kept its headers and first text part and classified that text; here its
 * requests go into the queue with the hold reason `oversized` ("too large:
 * attachments not stored"), so the admins are told, and the sender is told
 * that the mail arrived without its attachments, what happens next and how
 * to send an attachment that is needed. The identity rules stay: the
 * challenge still goes to the address on file (lifecycle-challenge.c), and
 * the request can be approved only once confirmed. */
#include <string.h>

#include "base/address.h"
#include "base/config.h"
#include "base/context.h"
#include "base/log.h"
#include "request/lifecycle-work.h"
#include "store/store-lifecycle.h"

/* A size for people: whole megabytes (MiB, as mail programs count them),
 * kilobytes below one. A new string. */
static char *
size_words(gint64 bytes)
{
	const gint64 mega = 1024 * 1024;

	if (bytes >= mega)
		return g_strdup_printf("%" G_GINT64_FORMAT " MB", (bytes + mega / 2) / mega);
	return g_strdup_printf("%" G_GINT64_FORMAT " kB", (bytes + 1023) / 1024);
}

/* Who is told: the address on file, else the sender when a reply can reach
 * it (the mail carries no personal data, as "no data" does not); NULL for
 * nobody. */
static const char *
oversized_recipient(const struct work *w)
{
	if (w->address != NULL)
		return w->address;
	return w->row.sender != NULL && address_is_plausible(w->row.sender) ?
	    w->row.sender : NULL;
}

/* The fields of the oversized reply common to a new mail and a follow-up. */
static struct template_data *
oversized_data(const struct work *w, gint64 size, const char *received_at)
{
	struct template_data *data = template_data_new();
	g_autofree char *size_text = size_words(size);
	g_autofree char *limit_text = size_words(w->context->config->max_message_size);

	template_data_set(data, "size", size_text);
	template_data_set(data, "limit", limit_text);
	work_set_date(data, "received_date", received_at);
	work_set_date(data, "due_date", w->row.due_at);
	return data;
}

/* Hold each request of ids still waiting for its confirmation (the others
 * the first step held already, with oversized among their reasons). */
static int
oversized_hold_each(struct work *w, GPtrArray *ids, GError **error)
{
	guint i;

	for (i = 0; i < ids->len; i++) {
		struct work each;
		int status = work_open(w->context, ids->pdata[i], &each, error);

		if (status == 0 && g_str_equal(each.row.state, "verifying"))
			status = lifecycle_hold(&each, "oversized", error);
		work_clear(&each);
		if (status < 0)
			return -1;
	}
	return 0;
}

/* The oversized reply to the sender and its event on each request. */
static int
oversized_tell(struct work *w, GPtrArray *ids, GError **error)
{
	const char *to = oversized_recipient(w);
	struct template_data *data;
	gint64 outbox;
	guint i;

	if (to == NULL)
		return 0;
	data = oversized_data(w, w->row.message_size, w->row.received_at);
	template_data_set(data, "verification", w->address != NULL ? "yes" : NULL);
	template_data_set(data, "no_match", w->address == NULL ? "yes" : NULL);
	outbox = work_list_requests(w->context, ids, data, error) < 0 ? -1 :
	    work_mail(w, REPLY_OVERSIZED, to, data, NULL, error);
	template_data_free(data);
	if (outbox < 0)
		return -1;
	for (i = 0; i < ids->len; i++) {
		struct work each;
		int status = work_open(w->context, ids->pdata[i], &each, error);

		if (status == 0)
			status = work_event(&each, "oversized_sent", "system", NULL, 0,
			    outbox, error);
		work_clear(&each);
		if (status < 0)
			return -1;
	}
	return 0;
}

/* The first step's part for an oversized mail (see lifecycle-work.h). */
int
lifecycle_oversized_start(struct work *w, GPtrArray *ids, GError **error)
{
	if (oversized_hold_each(w, ids, error) < 0 || oversized_tell(w, ids, error) < 0)
		return -1;
	log_info("lifecycle: %s%s: too large: attachments not stored; held, "
	    "the sender told", (char *)ids->pdata[0], ids->len > 1 ? " and others" : "");
	return 0;
}

/* A follow-up over the limit (see lifecycle-work.h). */
int
lifecycle_oversized_followup(struct work *w, const struct received_mail *mail,
    gint64 message, GError **error)
{
	const char *to = oversized_recipient(w);
	struct template_data *data;
	gint64 outbox = 0;
	int status = -1;

	if (to == NULL || g_strcmp0(mail->from, to) != 0)
		return 0;   /* only its own sender hears of it */
	if (store_begin(w->context->store, error) < 0)
		return -1;
	data = oversized_data(w, mail->size, w->now_text);
	template_data_set(data, "followup", "yes");
	template_data_set_list(data, "requests");
	outbox = work_mail(w, REPLY_OVERSIZED, to, data, NULL, error);
	template_data_free(data);
	if (outbox >= 0 && work_event(w, "oversized_sent", "system", NULL, message,
	    outbox, error) == 0 && store_commit(w->context->store, error) == 0)
		status = 0;
	else
		store_rollback(w->context->store);
	return status;
}
