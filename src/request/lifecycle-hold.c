/* lifecycle-hold.c: the approval queue's way in (N20, N23). Why a verified
 * request waits for an admin (policy, DMARC, an unclear kind or field, a
 * mail naming someone else, repeats), the notice each admin gets with its
 * own code, and the decision to hold or to carry out. */
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/context.h"
#include "base/error.h"
#include "base/language.h"
#include "base/log.h"
#include "base/token.h"
#include "request/identifiers.h"
#include "request/lifecycle-work.h"
#include "store/store.h"
#include "store/store-event.h"
#include "store/store-lifecycle.h"

/* How long an admin notice's token is good for. */
static const struct duration admin_token_ttl = { 3, 0 };

/* Why a request waits for an admin: the code stored in hold_reasons, and
 * the words of the admin notice. */
static const struct {
	const char *code;
	const char *text;
} hold_texts[] = {
	{ "policy", "[policy] approve holds this kind of request for an admin" },
	{ "dmarc_fail", "DMARC failed for the sender's domain (trusted "
	  "Authentication-Results): the From address may be forged" },
	{ "unknown_kind", "the kind of request is unclear: set it with dsrmail "
	  "queue classify" },
	{ "unknown_field", "a correction names a field the data map does not know" },
	{ "no_changes", "the correction request names no field and new value" },
	{ "names_other_address", "the mail names another e-mail address" },
	{ "no_match_names_identifiers", "the sender's address is not in the "
	  "register, but the mail names other identifying details (a name, a "
	  "phone number or another address)" },
	{ "repeated", "possibly excessive (GDPR Art. 12(5)): a third or later "
	  "access request about this person within [policy] repeat_window; "
	  "it is never refused automatically" },
	{ "not_in_map", "the data map has no column for this kind of request" },
	{ "uncertain_kind", "the classifier is not sure the mail asks for this: "
	  "read the mail, then approve, reject, or set the kind with dsrmail "
	  "queue classify" },
	{ "possible_extra", "not the mail's main request (found in passing, or "
	  "in a template letter's standard text): the sender's confirmation "
	  "alone does not carry it out" },
};

/* Kinds that run without approval once identity is confirmed (N8, N9, N19). */
static gboolean
kind_is_ban(const char *kind)
{
	return g_strcmp0(kind, "objection") == 0 ||
	    g_strcmp0(kind, "publication") == 0 || g_strcmp0(kind, "disclosure") == 0;
}

/* TRUE if kind is in the config's [policy] approve. */
static gboolean
policy_approves(const struct config *config, const char *kind)
{
	return config->approve != NULL &&
	    g_strv_contains((const char *const *)config->approve, kind);
}

/* The classifier's view of the request for the admin notice: its
 * confidence and mark, the kinds the mail only hinted at, and the language
 * it was written in when dsrmail had to answer in another. */
static void
notice_classification(struct work *w, struct template_data *data)
{
	const struct config *config = w->context->config;
	g_auto(GStrv) hints = g_strsplit(w->row.hints != NULL ? w->row.hints : "",
	    ",", -1);
	size_t i;

	if (w->row.confidence >= 0) {
		g_autofree char *percent = g_strdup_printf("%.0f%%", 100 * w->row.confidence);
		template_data_set(data, "confidence", percent);
	}
	template_data_set(data, "uncertain", g_strcmp0(w->row.mark, "uncertain") == 0 ?
	    "yes" : NULL);
	template_data_set(data, "possible_extra", g_strcmp0(w->row.mark,
	    "possible_extra") == 0 ? "yes" : NULL);
	template_data_set_list(data, "hints");
	for (i = 0; hints[i] != NULL; i++)
		if (*hints[i] != '\0')
			reply_set_kind_label(template_data_add_item(data, "hints"), hints[i]);
	template_data_set(data, "written_language", w->row.written_language);
	template_data_set(data, "reply_language", w->row.language != NULL ?
	    w->row.language : "fi+en");
	template_data_set(data, "fallback", w->row.written_language != NULL &&
	    language_from_code(w->row.written_language) < 0 &&
	    g_strcmp0(w->row.language, config->fallback_language) == 0 ? "yes" : NULL);
}

/* Add the admin-notice fields common to a request's notices. */
static void
notice_fields(struct work *w, struct template_data *data, char **codes)
{
	size_t i, c;

	notice_classification(w, data);
	template_data_set(data, "kind", w->row.kind);
	template_data_set(data, "sender", w->row.sender != NULL ? w->row.sender :
	    "(none)");
	work_set_date(data, "received_date", w->row.received_at);
	work_set_date(data, "due_date", w->row.due_at);
	template_data_set_list(data, "hold_reasons");
	for (c = 0; codes != NULL && codes[c] != NULL; c++)
		for (i = 0; i < G_N_ELEMENTS(hold_texts); i++)
			if (strcmp(codes[c], hold_texts[i].code) == 0)
				template_data_add_text(data, "hold_reasons",
				    hold_texts[i].text);
}

/* One admin notice with its own token, to admin. */
static int
hold_notify_admin(struct work *w, const char *admin, char **codes,
    GError **error)
{
	g_autofree char *token = token_new(), *hash = token_hash(token);
	g_autoptr(GDateTime) expires = duration_add(w->now, &admin_token_ttl);
	g_autofree char *expires_text = clock_format_iso(expires);
	struct template_data *data = template_data_new();
	g_autoptr(GPtrArray) changes = NULL;
	gint64 outbox = -1;
	guint i;

	notice_fields(w, data, codes);
	template_data_set(data, "token", token);
	template_data_set_list(data, "changes");
	changes = store_lifecycle_changes(w->context->store, w->row.id, error);
	for (i = 0; changes != NULL && i < changes->len; i++) {
		const struct change_row *change = changes->pdata[i];
		struct template_data *item = template_data_add_item(data, "changes");
		template_data_set(item, "field", change->field);
		template_data_set(item, "value", change->new_value);
	}
	if (changes != NULL && store_token_add(w->context->store, w->row.id,
	    "admin", admin, hash, w->now_text, expires_text, error) == 0)
		outbox = work_mail(w, REPLY_ADMIN_NOTICE, admin, data, NULL, error);
	template_data_free(data);
	if (outbox < 0)
		return -1;
	return work_event(w, "admin_notified", "system", NULL, 0, outbox, error);
}

/* Put a request in the queue for the reasons (a comma list): state,
 * event, a notice with a token to each admin, and the subject told that a
 * person reviews it. Inside the caller's transaction. */
int
lifecycle_hold(struct work *w, const char *reasons, GError **error)
{
	const struct request_update update = { .state = "awaiting_approval",
	    .hold_reasons = reasons };
	g_auto(GStrv) codes = g_strsplit(reasons, ",", -1);
	g_autofree char *detail = store_event_detail(NULL, 0, "reasons", reasons,
	    NULL);
	char **admin;

	if (store_lifecycle_update(w->context->store, w->row.id, &update,
	    w->now_text, error) < 0 ||
	    work_event(w, "held", "system", detail, 0, 0, error) < 0)
		return -1;
	for (admin = w->context->config->admins; admin != NULL && *admin != NULL;
	    admin++)
		if (hold_notify_admin(w, *admin, codes, error) < 0)
			return -1;
	if (w->address != NULL && w->row.verified_at != NULL) {
		struct template_data *data = template_data_new();
		gint64 outbox;

		template_data_set(data, "kind", w->row.kind);
		work_set_date(data, "received_date", w->row.received_at);
		work_set_date(data, "due_date", w->row.due_at);
		template_data_set(data, "approval", "yes");
		outbox = work_mail(w, REPLY_RECEIVED, w->address, data, NULL, error);
		template_data_free(data);
		if (outbox < 0 || work_event(w, "received_sent", "system", NULL, 0,
		    outbox, error) < 0)
			return -1;
	}
	return 0;
}

/* Add code to a comma list in a GString. */
void
lifecycle_reasons_add(GString *reasons, const char *code)
{
	g_string_append_printf(reasons, "%s%s", reasons->len ? "," : "", code);
}

/* Rectification holds: a field the map does not know, or none at all. */
static int
hold_changes(struct work *w, GString *reasons, GPtrArray *values,
    GError **error)
{
	g_autoptr(GPtrArray) changes = store_lifecycle_changes(w->context->store,
	    w->row.id, error);
	gboolean unknown = FALSE;
	guint i;

	if (changes == NULL)
		return -1;
	for (i = 0; i < changes->len; i++) {
		const struct change_row *change = changes->pdata[i];
		unknown |= change->column_name == NULL;
		g_ptr_array_add(values, g_strdup(change->new_value));
	}
	if (g_str_equal(w->row.kind, "rectification") && changes->len == 0)
		lifecycle_reasons_add(reasons, "no_changes");
	if (unknown)
		lifecycle_reasons_add(reasons, "unknown_field");
	return 0;
}

/* The reasons a request waits for an admin that are known before its
 * sender confirms: a forged-looking sender, an unclear kind, the policy,
 * the classifier's doubt, a possible extra. */
void
lifecycle_reasons_known(const struct config *config, const struct request_row *row,
    GString *reasons)
{
	if (g_strcmp0(row->dmarc, "fail") == 0)
		lifecycle_reasons_add(reasons, "dmarc_fail");
	if (g_str_equal(row->kind, "unknown"))
		lifecycle_reasons_add(reasons, "unknown_kind");
	else if (!kind_is_ban(row->kind) && policy_approves(config, row->kind))
		lifecycle_reasons_add(reasons, "policy");
	if (g_strcmp0(row->mark, "uncertain") == 0)
		lifecycle_reasons_add(reasons, "uncertain_kind");
	if (g_strcmp0(row->mark, "possible_extra") == 0)
		lifecycle_reasons_add(reasons, "possible_extra");
}

/* Why a verified request must wait for an admin (a new comma list, maybe
 * empty). */
static char *
hold_reasons_find(struct work *w, GError **error)
{
	const struct config *config = w->context->config;
	GString *reasons = g_string_new(NULL);
	g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);
	struct received_mail loaded = { 0 };
	const struct received_mail *mail;
	g_autoptr(GDateTime) since = duration_subtract(w->now, &config->repeat_window);
	g_autofree char *since_text = clock_format_iso(since);
	gint64 repeats = 0;

	lifecycle_reasons_known(config, &w->row, reasons);
	if (hold_changes(w, reasons, values, error) < 0 ||
	    (mail = received_mail_get(w->context->store, w->row.message, NULL, &loaded,
	    error)) == NULL)
		goto fail;
	if (identifiers_other_address(mail->mime.own, config, w->row.sender, values))
		lifecycle_reasons_add(reasons, "names_other_address");
	if (g_str_equal(w->row.kind, "access") &&
	    (repeats = store_lifecycle_count_repeats(w->context->store, w->row.id,
	    "access", since_text, error)) < 0)
		goto fail;
	if (repeats >= 3)
		lifecycle_reasons_add(reasons, "repeated");
	received_mail_clear(&loaded);
	return g_string_free(reasons, FALSE);
fail:
	received_mail_clear(&loaded);
	g_string_free(reasons, TRUE);
	return NULL;
}

/* A verified request: lifecycle_hold it for an admin, or execute it. */
int
lifecycle_decide(struct context *context, const char *id, GError **error)
{
	struct work w;
	g_autofree char *reasons = NULL;
	int status = -1;

	if (work_open(context, id, &w, error) < 0)
		return -1;
	if ((reasons = hold_reasons_find(&w, error)) == NULL)
		goto out;
	if (*reasons == '\0') {
		status = lifecycle_execute(&w, "system", error);
		goto out;
	}
	if (store_begin(context->store, error) < 0)
		goto out;
	if (lifecycle_hold(&w, reasons, error) < 0 || store_commit(context->store, error) < 0) {
		store_rollback(context->store);
		goto out;
	}
	log_info("lifecycle: %s held for an admin (%s)", id, reasons);
	status = 0;
out:
	work_clear(&w);
	return status;
}
