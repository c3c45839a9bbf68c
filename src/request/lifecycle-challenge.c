/* lifecycle-challenge.c: the identity check (N22, DESIGN.md "Identity"):
 * one code for every request a mail opened, mailed to the address on file
 * (never to Reply-To), and the reply that carries it back from that
 * address. */
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/context.h"
#include "base/error.h"
#include "base/log.h"
#include "base/token.h"
#include "request/lifecycle-work.h"
#include "store/store-lifecycle.h"

/* The requests one challenge covers, in the order they will run: each one's
 * id and kind, so the subject sees everything the code confirms, and which
 * of them a person checks before anything is done (policy, an unclear
 * kind, a possible extra: issue 19's "one confirmation, limited reach"). */
static int
challenge_list(struct context *context, GPtrArray *ids,
    struct template_data *data, GError **error)
{
	guint i, checked = 0;

	template_data_set_list(data, "requests");
	template_data_set(data, "several", ids->len > 1 ? "yes" : NULL);
	for (i = 0; i < ids->len; i++) {
		struct template_data *item = template_data_add_item(data, "requests");
		g_autoptr(GString) reasons = g_string_new(NULL);
		struct request_row row;

		if (store_lifecycle_request(context->store, ids->pdata[i], &row,
		    error) < 0)
			return -1;
		template_data_set(item, "id", row.id);
		reply_set_kind_label(item, row.kind);
		lifecycle_reasons_known(context->config, &row, reasons);
		template_data_set(item, "checked", reasons->len > 0 ? "yes" : NULL);
		checked += reasons->len > 0;
		request_row_clear(&row);
	}
	template_data_set(data, "some_checked", checked > 0 ? "yes" : NULL);
	template_data_set(data, "all_checked", checked == ids->len ? "yes" : NULL);
	return 0;
}

/* The identity challenge for every request the mail opened: one token and
 * one mail to the address on file, never to Reply-To (N22). */
int
lifecycle_challenge_send(struct work *w, GPtrArray *ids, GError **error)
{
	g_autofree char *token = token_new(), *hash = token_hash(token);
	g_autoptr(GDateTime) expires = duration_add(w->now,
	    &w->context->config->challenge_ttl);
	g_autofree char *expires_text = clock_format_iso(expires);
	const struct request_update update = { .state = "verifying" };
	struct template_data *data = template_data_new();
	gint64 outbox = -1;

	template_data_set(data, "token", token);
	work_set_date(data, "expires_date", expires_text);
	if (challenge_list(w->context, ids, data, error) == 0 &&
	    store_token_add(w->context->store, w->row.id, "challenge", w->address,
	    hash, w->now_text, expires_text, error) == 0)
		outbox = work_mail(w, REPLY_CHALLENGE, w->address, data, NULL, error);
	template_data_free(data);
	if (outbox < 0)
		return -1;
	return work_update_each(w, ids, &update, "challenge_sent", "system", 0,
	    outbox, error);
}

/* Confirm every `verifying` request of the mail w's request came from. */
static int
confirm(struct work *w, const struct token_row *token, gint64 message,
    GPtrArray *confirmed, GError **error)
{
	const struct request_update update = { .verified_by = "challenge" };
	g_autoptr(GPtrArray) ids = store_lifecycle_select(w->context->store,
	    SELECT_MESSAGE_STATE, "verifying", w->row.message, error);
	guint i;

	if (ids == NULL || store_token_use(w->context->store, token->id,
	    w->now_text, error) < 0 || work_update_each(w, ids, &update,
	    "confirmed", "subject", message, 0, error) < 0)
		return -1;
	for (i = 0; i < ids->len; i++)
		g_ptr_array_add(confirmed, g_strdup(ids->pdata[i]));
	return 0;
}

/* A reply to a challenge: the token confirms, from its own address only. */
int
lifecycle_challenge_answer(struct work *w, const struct received_mail *mail,
    gint64 message, GError **error)
{
	g_autoptr(GPtrArray) tokens = store_token_list(w->context->store,
	    w->row.id, w->row.message, "challenge", error);
	g_autoptr(GPtrArray) candidates = token_find_all(mail->mime.text);
	g_autoptr(GPtrArray) confirmed = g_ptr_array_new_with_free_func(g_free);
	const struct token_row *token;
	const char *problem;
	guint i;

	if (tokens == NULL)
		return -1;
	token = work_token_find(tokens, candidates);
	if ((problem = work_token_problem(token, mail->from, w->now_text)) != NULL)
		return work_refuse(w, "confirmation_refused", problem, message, error);
	if (store_begin(w->context->store, error) < 0)
		return -1;
	if (confirm(w, token, message, confirmed, error) < 0 ||
	    store_commit(w->context->store, error) < 0) {
		store_rollback(w->context->store);
		return -1;
	}
	log_info("lifecycle: %s: identity confirmed", w->row.id);
	if (lifecycle_sort_safe(w->context, confirmed, error) < 0)
		return -1;
	for (i = 0; i < confirmed->len; i++)
		if (lifecycle_decide(w->context, confirmed->pdata[i], error) < 0)
			return -1;
	return 0;
}
