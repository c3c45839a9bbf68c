/* lifecycle-work.c: loading a request with its subject, and the mails and
 * events every lifecycle step writes. */
#include <string.h>

#include "base/address.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "base/token.h"
#include "request/lifecycle-work.h"
#include "store/store-event.h"
#include "store/store-register.h"

/* Fill in the address on file and the name from the first subject. */
static int
work_subject(struct work *w, GError **error)
{
	g_autofree char *address = NULL;
	gint64 key;

	if (w->subjects->len == 0)
		return 0;
	key = g_array_index(w->subjects, gint64, 0);
	if (store_register_get(w->context->store, w->context->map->match, key,
	    &address, error) < 0)
		return -1;
	if (address != NULL)
		w->address = address_normalise(address);
	if (w->address != NULL && !address_is_plausible(w->address))
		g_clear_pointer(&w->address, g_free);
	return store_register_name(w->context->store, w->context->map, key,
	    &w->name, error);
}

/* Load a request. */
int
work_open(struct context *context, const char *id, struct work *w,
    GError **error)
{
	int found;

	memset(w, 0, sizeof *w);
	w->context = context;
	w->now = clock_now();
	w->now_text = clock_format_iso(w->now);
	found = store_lifecycle_request(context->store, id, &w->row, error);
	if (found < 0)
		return -1;
	if (found == 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "no request %s; "
		    "\"dsrmail requests list\" shows them all", id);
		return -1;
	}
	w->language = w->row.language != NULL ?
	    language_from_code(w->row.language) : -1;
	w->subjects = store_lifecycle_subjects(context->store, id, error);
	if (w->subjects == NULL)
		return -1;
	return work_subject(w, error);
}

/* Free a work's contents. */
void
work_clear(struct work *w)
{
	request_row_clear(&w->row);
	g_clear_pointer(&w->subjects, g_array_unref);
	g_clear_pointer(&w->now, g_date_time_unref);
	g_clear_pointer(&w->now_text, g_free);
	g_clear_pointer(&w->address, g_free);
	g_clear_pointer(&w->name, g_free);
	g_clear_pointer(&w->encrypt_to, crypto_key_free);
}

/* Replace the work's now. */
void
work_set_now(struct work *w, GDateTime *now)
{
	g_clear_pointer(&w->now, g_date_time_unref);
	g_free(w->now_text);
	w->now = g_date_time_ref(now);
	w->now_text = clock_format_iso(now);
}

/* Build and queue one mail about the request. */
gint64
work_mail(struct work *w, enum reply_kind kind, const char *to,
    struct template_data *data, GPtrArray *bundle, GError **error)
{
	const struct config *config = w->context->config;
	gboolean staff = kind >= REPLY_FIRST_STAFF;
	struct reply reply = {
		.kind = kind,
		.request = w->row.id,
		.language = staff ? language_from_code(config->default_language) :
		    w->language,
		.to_address = to,
		.to_name = staff || g_strcmp0(to, w->address) != 0 ? NULL : w->name,
		.parent_message_id = staff ? NULL : w->row.message_id,
		.bundle = bundle,
		.data = data,
		.crypto = w->context->crypto,
		.encrypt_to = kind == REPLY_ACCESS || kind == REPLY_PORTABILITY ?
		    w->encrypt_to : NULL,
	};

	if (!staff && !template_data_has(data, "name"))
		template_data_set(data, "name", reply.to_name);
	return reply_queue(w->context->store, w->context->templates, config,
	    w->context->notice, &reply, error);
}

/* Append an event. */
int
work_event(struct work *w, const char *type, const char *actor,
    const char *detail, gint64 message, gint64 outbox, GError **error)
{
	struct event event = { w->row.id, type, actor, detail, message, outbox };

	return store_event_add(w->context->store, &event, error) < 0 ? -1 : 0;
}

/* The date part of an ISO time. */
void
work_set_date(struct template_data *data, const char *field, const char *iso)
{
	g_autofree char *date = g_strndup(iso != NULL ? iso : "", 10);

	template_data_set(data, field, date);
}

/* The requests ids as a list field (see lifecycle-work.h): each one's id
 * and kind, so the subject sees everything a code confirms, and which of
 * them a person checks before anything is done (policy, an unclear kind, a
 * possible extra: issue 19's "one confirmation, limited reach"). */
int
work_list_requests(struct context *context, GPtrArray *ids,
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

/* TRUE while w's request waits for its subject's confirmation. */
gboolean
work_awaits_confirmation(const struct work *w)
{
	return w->row.verified_at == NULL && w->address != NULL &&
	    (g_strcmp0(w->row.state, "verifying") == 0 ||
	    g_strcmp0(w->row.state, "awaiting_approval") == 0);
}

/* Record a refused token or admin reply: no effect but the event. */
int
work_refuse(struct work *w, const char *type, const char *reason, gint64 message,
    GError **error)
{
	g_autofree char *detail = store_event_detail(NULL, 0, "reason", reason, NULL);
	int status;

	if (store_begin(w->context->store, error) < 0)
		return -1;
	status = work_event(w, type, "system", detail, message, 0, error);
	if (status == 0)
		status = store_commit(w->context->store, error);
	if (status < 0)
		store_rollback(w->context->store);
	log_info("lifecycle: %s: %s: %s", w->row.id, type, reason);
	return status;
}

/* The stored token whose hash equals one of the candidates' (compared in
 * constant time), or NULL. */
const struct token_row *
work_token_find(GPtrArray *tokens, GPtrArray *candidates)
{
	const struct token_row *found = NULL;
	guint i, j;

	for (i = 0; i < candidates->len; i++) {
		g_autofree char *hash = token_hash(candidates->pdata[i]);
		for (j = 0; j < tokens->len; j++) {
			const struct token_row *token = tokens->pdata[j];
			if (token_hash_equal(hash, token->hash) && found == NULL)
				found = token;
		}
	}
	return found;
}

/* Why a matching token does not count, or NULL: it is valid only from its
 * own address, once, until it expires. */
const char *
work_token_problem(const struct token_row *token, const char *from, const char *now)
{
	if (token == NULL)
		return "no valid code in the mail";
	if (g_strcmp0(token->address, from) != 0)
		return "the code came from another address than it was sent to";
	if (token->used_at != NULL)
		return "the code was used before";
	if (strcmp(token->expires_at, now) <= 0)
		return "the code has expired";
	return NULL;
}

/* Update each request and record its event (see lifecycle-work.h). */
int
work_update_each(struct work *w, GPtrArray *ids,
    const struct request_update *update, const char *type, const char *actor,
    gint64 message, gint64 outbox, GError **error)
{
	guint i;

	for (i = 0; i < ids->len; i++) {
		struct work each;
		int status = work_open(w->context, ids->pdata[i], &each, error);

		if (status == 0 && (store_lifecycle_update(w->context->store,
		    each.row.id, update, w->now_text, error) < 0 ||
		    work_event(&each, type, actor, NULL, message, outbox, error) < 0))
			status = -1;
		work_clear(&each);
		if (status < 0)
			return -1;
	}
	return 0;
}
