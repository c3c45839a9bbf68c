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
#include "request/lifecycle.h"
#include "request/lifecycle-work.h"
#include "store/store.h"
#include "store/store-event.h"
#include "store/store-lifecycle.h"

/* How long an admin notice's token is good for. */
static const struct duration admin_token_ttl = { 3, 0 };

/* Why a request waits for an admin: the code stored in hold_reasons, the
 * words of the admin notice, and the few words `requests show` puts after
 * the code (lifecycle_hold_words; for policy, after the kind). */
static const struct {
	const char *code;
	const char *text;
	const char *brief;
} hold_texts[] = {
	{ "policy", "[policy] approve holds this kind of request for an admin",
	  "needs approval" },
	{ "dmarc_fail", "DMARC failed for the sender's domain (trusted "
	  "Authentication-Results): the From address may be forged",
	  "DMARC failed: the sender may be forged" },
	{ "unknown_kind", "the kind of request is unclear: set it with dsrmail "
	  "queue classify", "kind unclear: set it with queue classify" },
	{ "unknown_field", "a correction names a field the data map does not know",
	  "a field the data map does not know" },
	{ "no_changes", "the correction request names no field and new value",
	  "no field and new value given" },
	{ "names_other_address", "the mail names another e-mail address",
	  "the mail names another e-mail address" },
	{ "no_match_names_identifiers", "the sender's address is not in the "
	  "register, but the mail names other identifying details (a name, a "
	  "phone number or another address)", "sender not in the register, "
	  "but the mail names other identifying details" },
	{ "repeated", "possibly excessive (GDPR Art. 12(5)): a third or later "
	  "request of this kind about this person within [policy] "
	  "repeat_window; it is never refused automatically", "possibly "
	  "excessive: a third request of this kind within repeat_window" },
	{ "not_in_map", "the data map has no column for this kind of request",
	  "the data map has no column for this kind" },
	{ "oversized", "too large: attachments not stored (the mail was over "
	  "[policy] max_message_size; its headers and first text part were "
	  "kept, and the sender was told how to send attachments)",
	  "too large: attachments not stored" },
	{ "objection_weighed", "an objection on grounds of the person's "
	  "particular situation (GDPR Art. 21(1)), never carried out "
	  "automatically: the processing must stop unless the controller "
	  "demonstrates compelling legitimate grounds that override the "
	  "person's interests, rights and freedoms, or needs the data for legal "
	  "claims. Approve to stop it (the person's data is restricted), or "
	  "reject with those grounds as the reason (the person is told, with "
	  "the Data Protection Ombudsman)", "an objection on particular grounds "
	  "(Art. 21(1)) to weigh" },
	{ "restricted", "the person's data is restricted (GDPR Art. 18(2)): an "
	  "erasure or anonymisation of it waits for an admin",
	  "the data is restricted (Art. 18(2))" },
	{ "retention_restricted", "the retention period has ended (dsrmail "
	  "sweep), but the person's data is restricted (GDPR Art. 18(2)): "
	  "approve to erase it now as the retention erasure would, or reject "
	  "to keep it while it is restricted. Nobody asked, so nobody is "
	  "answered", "retention ended, but the data is restricted" },
	{ "no_encryption_key", "[policy] encrypt_exports = always, and no key of "
	  "the subject's is known: they were asked to reply with their key "
	  "attached or signed, and the request goes on by itself when it "
	  "arrives; or import their key with dsrmail keys import FILE and "
	  "approve", "no key to encrypt the data to (encrypt_exports = always)" },
	{ "uncertain_kind", "the classifier is not sure the mail asks for this: "
	  "read the mail, then approve, reject, or set the kind with dsrmail "
	  "queue classify", "the classifier is not sure of the kind" },
	{ "possible_extra", "not the mail's main request (found in passing, or "
	  "in a template letter's standard text): the sender's confirmation "
	  "alone does not carry it out", "a possible extra, not the main request" },
};

/* The words for a hold reason (see lifecycle.h). */
char *
lifecycle_hold_words(const char *code, const char *kind)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(hold_texts); i++)
		if (g_strcmp0(code, hold_texts[i].code) == 0)
			return g_str_equal(code, "policy") && kind != NULL ?
			    g_strdup_printf("%s %s", kind, hold_texts[i].brief) :
			    g_strdup(hold_texts[i].brief);
	return NULL;
}

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

/* The earlier requests of w's kind about its subjects within [policy]
 * repeat_window (N23): a new array of ids, or NULL with error. */
static GPtrArray *
hold_repeats(struct work *w, GError **error)
{
	g_autoptr(GDateTime) since = duration_subtract(w->now,
	    &w->context->config->repeat_window);
	g_autofree char *since_text = clock_format_iso(since);

	return store_lifecycle_repeats(w->context->store, w->row.id, since_text,
	    error);
}

/* The earlier requests as "DSR-2026-0001, DSR-2026-0002" (a new string). */
static char *
hold_repeats_text(GPtrArray *earlier)
{
	GString *text = g_string_new(NULL);
	guint i;

	for (i = 0; i < earlier->len; i++)
		g_string_append_printf(text, "%s%s", i ? ", " : "",
		    (char *)earlier->pdata[i]);
	return g_string_free(text, FALSE);
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

/* Add the admin-notice fields common to a request's notices; earlier: the
 * ids of the requests a repeat follows, or NULL. */
static void
notice_fields(struct work *w, struct template_data *data, char **codes,
    const char *earlier)
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
		for (i = 0; i < G_N_ELEMENTS(hold_texts); i++) {
			g_autofree char *text = NULL;

			if (strcmp(codes[c], hold_texts[i].code) != 0)
				continue;
			text = g_str_equal(codes[c], "repeated") && earlier != NULL ?
			    g_strdup_printf("%s (earlier: %s)", hold_texts[i].text,
			    earlier) : g_strdup(hold_texts[i].text);
			template_data_add_text(data, "hold_reasons", text);
		}
}

/* One admin notice with its own token, to admin. */
static int
hold_notify_admin(struct work *w, const char *admin, char **codes,
    const char *earlier, GError **error)
{
	g_autofree char *token = token_new(), *hash = token_hash(token);
	g_autoptr(GDateTime) expires = duration_add(w->now, &admin_token_ttl);
	g_autofree char *expires_text = clock_format_iso(expires);
	struct template_data *data = template_data_new();
	g_autoptr(GPtrArray) changes = NULL;
	gint64 outbox = -1;
	guint i;

	notice_fields(w, data, codes, earlier);
	template_data_set(data, "token", token);
	template_data_set(data, "awaiting_confirmation",
	    work_awaits_confirmation(w) ? "yes" : NULL);
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

/* Tell the subject their request waits: that a person reviews it, and
 * why when the subject should know (an objection weighed, data
 * restricted); or, when the data may only go encrypted and no key of
 * theirs is known, how to send one. */
static int
hold_tell_subject(struct work *w, char **codes, gboolean disputed,
    GError **error)
{
	struct template_data *data = template_data_new();
	gboolean key_needed = g_strv_contains((const char *const *)codes,
	    "no_encryption_key");
	gint64 outbox;

	template_data_set(data, "kind", w->row.kind);
	if (!key_needed) {
		work_set_date(data, "received_date", w->row.received_at);
		work_set_date(data, "due_date", w->row.due_at);
		template_data_set(data, "approval", "yes");
		template_data_set(data, "objection", g_str_equal(w->row.kind,
		    "processing_objection") ? "yes" : NULL);
		template_data_set(data, "restricted", g_strv_contains((const char
		    *const *)codes, "restricted") ? "yes" : NULL);
		template_data_set(data, "disputed", disputed ? "yes" : NULL);
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
 * event, a notice with a token to each admin, the disputed data
 * restricted, and the subject told that a person reviews it. Inside the
 * caller's transaction. */
int
lifecycle_hold(struct work *w, const char *reasons, GError **error)
{
	const struct request_update update = { .state = "awaiting_approval",
	    .hold_reasons = reasons };
	g_auto(GStrv) codes = g_strsplit(reasons, ",", -1);
	g_autoptr(GPtrArray) earlier = NULL;
	g_autofree char *earlier_text = NULL, *detail = NULL;
	gboolean disputed = FALSE;
	char **admin;

	if (g_strv_contains((const char *const *)codes, "repeated")) {
		if ((earlier = hold_repeats(w, error)) == NULL)
			return -1;
		earlier_text = hold_repeats_text(earlier);
	}
	detail = store_event_detail(NULL, 0, "reasons", reasons, "earlier",
	    earlier_text, NULL);
	if (store_lifecycle_update(w->context->store, w->row.id, &update,
	    w->now_text, error) < 0 ||
	    work_event(w, "held", "system", detail, 0, 0, error) < 0 ||
	    lifecycle_dispute_start(w, &disputed, error) < 0)
		return -1;
	for (admin = w->context->config->admins; admin != NULL && *admin != NULL;
	    admin++)
		if (hold_notify_admin(w, *admin, codes, earlier_text, error) < 0)
			return -1;
	if (w->address != NULL && w->row.verified_at != NULL &&
	    work_answers_subject(w))
		return hold_tell_subject(w, codes, disputed, error);
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
 * sender confirms: a forged-looking sender, an unclear kind, an objection
 * to weigh, the policy, the classifier's doubt, a possible extra. */
void
lifecycle_reasons_known(const struct config *config, const struct request_row *row,
    GString *reasons)
{
	if (g_strcmp0(row->dmarc, "fail") == 0)
		lifecycle_reasons_add(reasons, "dmarc_fail");
	if (g_str_equal(row->kind, "unknown"))
		lifecycle_reasons_add(reasons, "unknown_kind");
	else if (g_str_equal(row->kind, "processing_objection"))
		lifecycle_reasons_add(reasons, "objection_weighed");
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
	const char *kind = w->row.kind;
	GString *reasons = g_string_new(NULL);
	g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) earlier = NULL;
	struct received_mail loaded = { 0 };
	const struct received_mail *mail;
	gboolean restricted = FALSE;
	gboolean no_key;

	lifecycle_reasons_known(config, &w->row, reasons);
	if (hold_changes(w, reasons, values, error) < 0 ||
	    (mail = received_mail_get(w->context->store, w->row.message, NULL, &loaded,
	    error)) == NULL)
		goto fail;
	if (identifiers_other_address(mail->mime.own, config, w->row.sender, values))
		lifecycle_reasons_add(reasons, "names_other_address");
	/* N23: repeats of every kind; a ban asks for what is set already and is
	 * absolute (N8), so it is never held for it. */
	if (!kind_is_ban(kind) && (earlier = hold_repeats(w, error)) == NULL)
		goto fail;
	if (earlier != NULL && earlier->len + 1 >= 3)
		lifecycle_reasons_add(reasons, "repeated");
	if (w->row.oversized)
		lifecycle_reasons_add(reasons, "oversized");
	/* Art. 18(2): restricted data is not erased without an admin. */
	if ((g_str_equal(kind, "erasure") || g_str_equal(kind, "anonymisation")) &&
	    work_restricted(w, &restricted, error) < 0)
		goto fail;
	if (restricted)
		lifecycle_reasons_add(reasons, "restricted");
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
