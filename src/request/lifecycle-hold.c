/* lifecycle-hold.c: the approval queue's way in (N20, N23). Why a verified
 * request waits for an admin (policy, DMARC, an unclear kind or field, a
 * mail naming someone else, repeats), the notice each admin gets with its
 * own code, and the decision to hold or to carry out. */
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/context.h"
#include "base/error.h"
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
	{ "no_encryption_key", "[policy] encrypt_exports = always, and no key of "
	  "the subject's is known: they were asked to reply with their key "
	  "attached or signed, and the request goes on by itself when it "
	  "arrives; or import their key with dsrmail keys import FILE and "
	  "approve" },
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

/* Add the admin-notice fields common to a request's notices. */
static void
notice_fields(struct work *w, struct template_data *data, char **codes)
{
	size_t i, c;

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

/* Tell the subject their request waits: that a person reviews it, or,
 * when the data may only go encrypted and no key of theirs is known, how
 * to send one. */
static int
hold_tell_subject(struct work *w, gboolean key_needed, GError **error)
{
	struct template_data *data = template_data_new();
	gint64 outbox;

	template_data_set(data, "kind", w->row.kind);
	if (!key_needed) {
		work_set_date(data, "received_date", w->row.received_at);
		work_set_date(data, "due_date", w->row.due_at);
		template_data_set(data, "approval", "yes");
	}
	outbox = work_mail(w, key_needed ? REPLY_KEY_NEEDED : REPLY_RECEIVED,
	    w->address, data, NULL, error);
	template_data_free(data);
	if (outbox < 0)
		return -1;
	return work_event(w, key_needed ? "key_requested" : "received_sent",
	    "system", NULL, 0, outbox, error);
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
	if (w->address != NULL && w->row.verified_at != NULL)
		return hold_tell_subject(w, g_strv_contains((const char *const *)codes,
		    "no_encryption_key"), error);
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
	gboolean no_key;

	if (g_strcmp0(w->row.dmarc, "fail") == 0)
		lifecycle_reasons_add(reasons, "dmarc_fail");
	if (g_str_equal(w->row.kind, "unknown"))
		lifecycle_reasons_add(reasons, "unknown_kind");
	else if (!kind_is_ban(w->row.kind) && policy_approves(config, w->row.kind))
		lifecycle_reasons_add(reasons, "policy");
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
	if (work_export_blocked(w, &no_key, error) < 0)
		goto fail;
	if (no_key)
		lifecycle_reasons_add(reasons, "no_encryption_key");
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
