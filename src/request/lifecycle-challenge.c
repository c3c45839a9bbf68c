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
#include "store/store-crypto.h"
#include "store/store-lifecycle.h"

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
	/* In the order they will run, so the subject sees everything the code
	 * confirms. */
	if (work_list_requests(w->context, ids, data, error) == 0 &&
	    store_token_add(w->context->store, w->row.id, "challenge", w->address,
	    hash, w->now_text, expires_text, error) == 0)
		outbox = work_mail(w, REPLY_CHALLENGE, w->address, data, NULL, error);
	template_data_free(data);
	if (outbox < 0)
		return -1;
	return work_update_each(w, ids, &update, "challenge_sent", "system", 0,
	    outbox, error);
}

/* Confirm every request of the mail w's request came from that waits for
 * this confirmation: `verifying`, or held before it (an oversized mail). */
static int
confirm(struct work *w, const struct token_row *token, gint64 message,
    GPtrArray *confirmed, GError **error)
{
	const struct request_update update = { .verified_by = "challenge" };
	g_autoptr(GPtrArray) ids = store_lifecycle_select(w->context->store,
	    SELECT_MESSAGE_UNCONFIRMED, NULL, w->row.message, error);
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
	return lifecycle_decide_all(w->context, confirmed, error);
}

/* Decide each request in the safe order. */
int
lifecycle_decide_all(struct context *context, GPtrArray *ids, GError **error)
{
	guint i;

	if (lifecycle_sort_safe(context, ids, error) < 0)
		return -1;
	for (i = 0; i < ids->len; i++)
		if (lifecycle_decide(context, ids->pdata[i], error) < 0)
			return -1;
	return 0;
}

/* A valid signature as the proof of identity (N22: "a valid PGP/MIME or
 * S/MIME signature by a key on file may stand in for the challenge"): only
 * under [policy] signed_identity, only by a key the organisation accepts,
 * bound to the sender's address, which is the address on file. */
int
lifecycle_challenge_skip(struct work *w, GPtrArray *ids, gboolean *skipped,
    GError **error)
{
	const struct request_update update = { .state = "verifying",
	    .verified_by = "signature" };
	struct signature_row signature;
	int found;

	*skipped = FALSE;
	if (!w->context->config->signed_identity || w->address == NULL ||
	    g_strcmp0(w->row.sender, w->address) != 0)
		return 0;
	found = store_signature_of_message(w->context->store, w->row.message,
	    &signature, error);
	if (found < 0)
		return -1;
	*skipped = found > 0 && g_strcmp0(signature.status, "valid") == 0 &&
	    g_strcmp0(signature.address, w->address) == 0;
	signature_row_clear(&signature);
	if (!*skipped)
		return 0;
	log_info("lifecycle: %s: identity shown by a valid signature", w->row.id);
	return work_update_each(w, ids, &update, "signature_accepted", "system",
	    w->row.message, 0, error);
}
