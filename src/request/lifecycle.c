/* lifecycle.c: the request state machine: identity challenge (N22), the
 * approval queue (N20), deadlines and reminders (N21), repeats (N23). What a
 * decided request does to the register is in lifecycle-execute.c. */
#include <string.h>

#include "base/address.h"
#include "base/clock.h"
#include "base/context.h"
#include "base/error.h"
#include "request/intake.h"
#include "request/lifecycle.h"
#include "request/lifecycle-work.h"
#include "base/log.h"
#include "mail/mime.h"
#include "base/regex.h"
#include "store/store-event.h"
#include "store/store-lifecycle.h"
#include "base/token.h"

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
};

/* Kinds that run without approval once identity is confirmed (N8, N9, N19). */
static gboolean
kind_is_ban(const char *kind)
{
	return g_strcmp0(kind, "objection") == 0 ||
	    g_strcmp0(kind, "publication") == 0 || g_strcmp0(kind, "disclosure") == 0;
}

/* The order requests of one mail run in: access before erasure. */
static int
kind_rank(const char *kind)
{
	static const char *const order[] = { "access", "portability",
	    "rectification", "restriction", "objection", "publication",
	    "disclosure", "unknown", "anonymisation", "erasure" };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(order); i++)
		if (g_strcmp0(kind, order[i]) == 0)
			return (int)i;
	return (int)G_N_ELEMENTS(order);
}

/* GCompareFunc over request ids: by their kind's rank (ids carry it in a
 * hash table passed through a static: qsort has no data argument). */
static GHashTable *rank_of;

static int
compare_rank(gconstpointer a, gconstpointer b)
{
	int ra = GPOINTER_TO_INT(g_hash_table_lookup(rank_of, *(char *const *)a));
	int rb = GPOINTER_TO_INT(g_hash_table_lookup(rank_of, *(char *const *)b));

	return ra != rb ? ra - rb : strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort request ids into the safe order. */
static int
ids_sort_safe(struct context *context, GPtrArray *ids, GError **error)
{
	guint i;

	rank_of = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (i = 0; i < ids->len; i++) {
		struct request_row row;
		if (store_lifecycle_request(context->store, ids->pdata[i], &row,
		    error) < 0) {
			g_clear_pointer(&rank_of, g_hash_table_unref);
			return -1;
		}
		g_hash_table_insert(rank_of, g_strdup(ids->pdata[i]),
		    GINT_TO_POINTER(kind_rank(row.kind)));
		request_row_clear(&row);
	}
	g_ptr_array_sort(ids, compare_rank);
	g_clear_pointer(&rank_of, g_hash_table_unref);
	return 0;
}

/* TRUE if kind is in the config's [policy] approve. */
static gboolean
policy_approves(const struct config *config, const char *kind)
{
	return config->approve != NULL &&
	    g_strv_contains((const char *const *)config->approve, kind);
}

/* TRUE if address is one of [organisation] admins. */
static gboolean
address_is_admin(const struct config *config, const char *address)
{
	return address != NULL && config->admins != NULL &&
	    g_strv_contains((const char *const *)config->admins, address);
}

/* Every e-mail address in text, normalised. */
static GPtrArray *
text_addresses(const char *text)
{
	static GRegex *slot;
	GRegex *regex = regex_get(&slot, "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+"
	    "(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}", 0);
	g_autoptr(GMatchInfo) match = NULL;
	GPtrArray *found = g_ptr_array_new_with_free_func(g_free);

	g_regex_match(regex, text != NULL ? text : "", 0, &match);
	for (; g_match_info_matches(match); g_match_info_next(match, NULL)) {
		g_autofree char *word = g_match_info_fetch(match, 0);
		g_ptr_array_add(found, address_normalise(word));
	}
	return found;
}

/* TRUE if text names an address that is neither the sender's, ours, an
 * admin's nor one of the allowed (new values of corrections). */
static gboolean
text_names_other_address(const char *text, const struct config *config,
    const char *sender, GPtrArray *allowed)
{
	g_autoptr(GPtrArray) found = text_addresses(text);
	g_autofree char *registry = address_normalise(config->registry_address);
	guint i, j;

	for (i = 0; i < found->len; i++) {
		const char *address = found->pdata[i];
		gboolean known = g_strcmp0(address, sender) == 0 ||
		    g_strcmp0(address, registry) == 0 ||
		    address_is_admin(config, address);

		for (j = 0; allowed != NULL && j < allowed->len && !known; j++) {
			g_autofree char *value = address_normalise(allowed->pdata[j]);
			known = g_strcmp0(address, value) == 0;
		}
		if (!known)
			return TRUE;
	}
	return FALSE;
}

/* TRUE if text names a person some other way: a phone number (7 digits or
 * more) or a name given as such ("Nimi:", "my name is", ...). */
static gboolean
text_names_identifiers(const char *text)
{
	static GRegex *phone_slot, *name_slot;
	GRegex *phone = regex_get(&phone_slot, "(?<![0-9])\\+?[0-9][0-9 ()-]{5,18}"
	    "[0-9](?![0-9])", 0);
	GRegex *name = regex_get(&name_slot, "(^|\\n)\\s*(nimi|name|namn)\\s*:|"
	    "nimeni on|my name is|jag heter", G_REGEX_CASELESS);
	g_autoptr(GMatchInfo) match = NULL;

	if (text == NULL)
		return FALSE;
	if (g_regex_match(name, text, 0, NULL))
		return TRUE;
	g_regex_match(phone, text, 0, &match);
	for (; g_match_info_matches(match); g_match_info_next(match, NULL)) {
		g_autofree char *word = g_match_info_fetch(match, 0);
		int digits = 0;
		const char *p;

		for (p = word; *p != '\0'; p++)
			digits += g_ascii_isdigit(*p) != 0;
		if (digits >= 7)
			return TRUE;
	}
	return FALSE;
}

/* Mail number message: given, when intake has just parsed it, else read
 * from the store and parsed into *loaded (intake_mail_clear it). NULL with
 * error when it cannot be read. */
static const struct intake_mail *
received_mail_load(struct context *context, gint64 message,
    const struct intake_mail *given, struct intake_mail *loaded, GError **error)
{
	g_autoptr(GBytes) raw = NULL;

	if (given != NULL)
		return given;
	if (store_lifecycle_message(context->store, message, &raw,
	    &loaded->from, &loaded->dmarc, error) < 0)
		return NULL;
	if (raw == NULL)
		raw = g_bytes_new_static("", 0);
	mime_mail_parse(raw, &loaded->mime);
	return loaded;
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

/* Put a request in the queue for the reasons (a comma list): state,
 * event, a notice with a token to each admin, and the subject told that a
 * person reviews it. Inside the caller's transaction. */
static int
hold(struct work *w, const char *reasons, GError **error)
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
static void
reasons_add(GString *reasons, const char *code)
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
		reasons_add(reasons, "no_changes");
	if (unknown)
		reasons_add(reasons, "unknown_field");
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
	struct intake_mail loaded = { 0 };
	const struct intake_mail *mail;
	g_autoptr(GDateTime) since = duration_subtract(w->now, &config->repeat_window);
	g_autofree char *since_text = clock_format_iso(since);
	gint64 repeats = 0;

	if (g_strcmp0(w->row.dmarc, "fail") == 0)
		reasons_add(reasons, "dmarc_fail");
	if (g_str_equal(w->row.kind, "unknown"))
		reasons_add(reasons, "unknown_kind");
	else if (!kind_is_ban(w->row.kind) && policy_approves(config, w->row.kind))
		reasons_add(reasons, "policy");
	if (hold_changes(w, reasons, values, error) < 0 ||
	    (mail = received_mail_load(w->context, w->row.message, NULL, &loaded,
	    error)) == NULL)
		goto fail;
	if (text_names_other_address(mail->mime.own, config, w->row.sender, values))
		reasons_add(reasons, "names_other_address");
	if (g_str_equal(w->row.kind, "access") &&
	    (repeats = store_lifecycle_count_repeats(w->context->store, w->row.id,
	    "access", since_text, error)) < 0)
		goto fail;
	if (repeats >= 3)
		reasons_add(reasons, "repeated");
	intake_mail_clear(&loaded);
	return g_string_free(reasons, FALSE);
fail:
	intake_mail_clear(&loaded);
	g_string_free(reasons, TRUE);
	return NULL;
}

/* A verified request: hold it for an admin, or execute it. */
static int
decide(struct context *context, const char *id, GError **error)
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
	if (hold(&w, reasons, error) < 0 || store_commit(context->store, error) < 0) {
		store_rollback(context->store);
		goto out;
	}
	log_info("lifecycle: %s held for an admin (%s)", id, reasons);
	status = 0;
out:
	work_clear(&w);
	return status;
}

/* The requests one challenge covers, in the order they will run: each one's
 * id and kind, so the subject sees everything the code confirms. */
static int
challenge_list(struct context *context, GPtrArray *ids,
    struct template_data *data, GError **error)
{
	guint i;

	template_data_set_list(data, "requests");
	template_data_set(data, "several", ids->len > 1 ? "yes" : NULL);
	for (i = 0; i < ids->len; i++) {
		struct template_data *item = template_data_add_item(data, "requests");
		struct request_row row;

		if (store_lifecycle_request(context->store, ids->pdata[i], &row,
		    error) < 0)
			return -1;
		template_data_set(item, "id", row.id);
		reply_set_kind_label(item, row.kind);
		request_row_clear(&row);
	}
	return 0;
}

/* The identity challenge for every request the mail opened: one token and
 * one mail to the address on file, never to Reply-To (N22). */
static int
start_challenge(struct work *w, GPtrArray *ids, GError **error)
{
	g_autofree char *token = token_new(), *hash = token_hash(token);
	g_autoptr(GDateTime) expires = duration_add(w->now,
	    &w->context->config->challenge_ttl);
	g_autofree char *expires_text = clock_format_iso(expires);
	const struct request_update update = { .state = "verifying" };
	struct template_data *data = template_data_new();
	gint64 outbox = -1;
	guint i;

	template_data_set(data, "token", token);
	work_set_date(data, "expires_date", expires_text);
	if (challenge_list(w->context, ids, data, error) == 0 &&
	    store_token_add(w->context->store, w->row.id, "challenge", w->address,
	    hash, w->now_text, expires_text, error) == 0)
		outbox = work_mail(w, REPLY_CHALLENGE, w->address, data, NULL, error);
	template_data_free(data);
	if (outbox < 0)
		return -1;
	for (i = 0; i < ids->len; i++) {
		struct work each;
		int status = work_open(w->context, ids->pdata[i], &each, error);

		if (status == 0 && (store_lifecycle_update(w->context->store,
		    each.row.id, &update, w->now_text, error) < 0 ||
		    work_event(&each, "challenge_sent", "system", NULL, 0, outbox,
		    error) < 0))
			status = -1;
		work_clear(&each);
		if (status < 0)
			return -1;
	}
	return 0;
}

/* A sender the register does not know: "no data found" to that sender; the
 * requests end, or wait for an admin when the mail names someone. */
static int
start_no_match(struct work *w, GPtrArray *ids, const struct intake_mail *given,
    GError **error)
{
	struct intake_mail loaded = { 0 };
	const struct intake_mail *mail = received_mail_load(w->context,
	    w->row.message, given, &loaded, error);
	gboolean names;
	gint64 outbox = 0;
	guint i;
	int status = -1;

	if (mail == NULL)
		return -1;
	names = text_names_identifiers(mail->mime.own) ||
	    text_names_other_address(mail->mime.own, w->context->config,
	    w->row.sender, NULL);
	if (w->row.sender != NULL && address_is_plausible(w->row.sender)) {
		struct template_data *data = template_data_new();
		template_data_set(data, "address", w->row.sender);
		template_data_set(data, "forwarded", names ? "yes" : NULL);
		outbox = work_mail(w, REPLY_NO_DATA, w->row.sender, data, NULL, error);
		template_data_free(data);
		if (outbox < 0)
			goto out;
	}
	for (i = 0; i < ids->len; i++) {
		const struct request_update done = { .state = "done", .decided_by =
		    "system", .decision_reason = "no data for the sender's address",
		    .completed = TRUE };
		struct work each;

		if (work_open(w->context, ids->pdata[i], &each, error) < 0)
			goto out;
		if (work_event(&each, "no_data", "system", NULL, 0, outbox, error) < 0 ||
		    (names ? hold(&each, "no_match_names_identifiers", error) :
		    store_lifecycle_update(w->context->store, each.row.id, &done,
		    w->now_text, error)) < 0) {
			work_clear(&each);
			goto out;
		}
		work_clear(&each);
	}
	status = 0;
out:
	intake_mail_clear(&loaded);
	return status;
}

/* The first step for the `received` requests one mail opened (given: that
 * mail as intake parsed it, or NULL). */
static int
start(struct context *context, gint64 message, const struct intake_mail *given,
    GError **error)
{
	g_autoptr(GPtrArray) ids = store_lifecycle_select(context->store,
	    SELECT_MESSAGE_STATE, "received", message, error);
	struct work w;
	int status;

	if (ids == NULL)
		return -1;
	if (ids->len == 0)
		return 0;
	if (ids_sort_safe(context, ids, error) < 0 ||
	    work_open(context, ids->pdata[0], &w, error) < 0)
		return -1;
	status = store_begin(context->store, error);
	if (status == 0)
		status = w.address != NULL ? start_challenge(&w, ids, error) :
		    start_no_match(&w, ids, given, error);
	if (status == 0)
		status = store_commit(context->store, error);
	if (status < 0)
		store_rollback(context->store);
	else
		log_info("lifecycle: %s%s: %s", (char *)ids->pdata[0], ids->len > 1 ?
		    " and others" : "", w.address != NULL ? "challenge queued" :
		    "no subject found");
	work_clear(&w);
	return status;
}

/* Record a refused token or admin reply: no effect but the event. */
static int
refuse(struct work *w, const char *type, const char *reason, gint64 message,
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
static const struct token_row *
token_match(GPtrArray *tokens, GPtrArray *candidates)
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
static const char *
token_problem(const struct token_row *token, const char *from, const char *now)
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
	    w->now_text, error) < 0)
		return -1;
	for (i = 0; i < ids->len; i++) {
		struct work each;
		int status = work_open(w->context, ids->pdata[i], &each, error);

		if (status == 0 && (store_lifecycle_update(w->context->store,
		    each.row.id, &update, w->now_text, error) < 0 ||
		    work_event(&each, "confirmed", "subject", NULL, message, 0,
		    error) < 0))
			status = -1;
		work_clear(&each);
		if (status < 0)
			return -1;
		g_ptr_array_add(confirmed, g_strdup(ids->pdata[i]));
	}
	return 0;
}

/* A reply to a challenge: the token confirms, from its own address only. */
static int
followup_challenge(struct work *w, const struct intake_mail *mail,
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
	token = token_match(tokens, candidates);
	if ((problem = token_problem(token, mail->from, w->now_text)) != NULL)
		return refuse(w, "confirmation_refused", problem, message, error);
	if (store_begin(w->context->store, error) < 0)
		return -1;
	if (confirm(w, token, message, confirmed, error) < 0 ||
	    store_commit(w->context->store, error) < 0) {
		store_rollback(w->context->store);
		return -1;
	}
	log_info("lifecycle: %s: identity confirmed", w->row.id);
	if (ids_sort_safe(w->context, confirmed, error) < 0)
		return -1;
	for (i = 0; i < confirmed->len; i++)
		if (decide(w->context, confirmed->pdata[i], error) < 0)
			return -1;
	return 0;
}

/* TRUE for a request that is not finished. */
static gboolean
state_is_open(const char *state)
{
	return g_strcmp0(state, "received") == 0 || g_strcmp0(state, "verifying") == 0 ||
	    g_strcmp0(state, "awaiting_approval") == 0 || g_strcmp0(state, "approved") == 0;
}

/* Can an admin approve this request now? NULL if so, else why not. */
static const char *
approve_problem(const struct work *w)
{
	if (g_strcmp0(w->row.state, "awaiting_approval") != 0)
		return "it is not waiting for an admin (see dsrmail queue list)";
	if (w->address == NULL)
		return "the sender's address is not in the register, so there is "
		    "nothing to carry out: reject it with a reason, or answer the "
		    "sender yourself";
	if (w->row.verified_at == NULL)
		return "the sender has not confirmed the request yet";
	if (g_str_equal(w->row.kind, "unknown"))
		return "its kind is unknown: set it first with dsrmail queue classify";
	return NULL;
}

/* Approve and carry out; token (an admin notice's, or 0) is used up in the
 * same transaction. */
static int
approve(struct work *w, const char *admin, gint64 token, GError **error)
{
	const struct request_update update = { .state = "approved",
	    .decided_by = admin, .hold_reasons = "" };
	const char *problem = approve_problem(w);

	if (problem != NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "cannot approve %s: %s",
		    w->row.id, problem);
		return -1;
	}
	if (store_begin(w->context->store, error) < 0)
		return -1;
	if ((token != 0 && store_token_use(w->context->store, token, w->now_text,
	    error) < 0) || store_lifecycle_update(w->context->store, w->row.id,
	    &update, w->now_text, error) < 0 ||
	    work_event(w, "approved", admin, NULL, 0, 0, error) < 0 ||
	    store_commit(w->context->store, error) < 0) {
		store_rollback(w->context->store);
		return -1;
	}
	log_info("lifecycle: %s approved", w->row.id);
	return lifecycle_execute(w, admin, error);
}

/* Reject with a reason the subject is told, with the authority (N13, N18). */
static int
reject(struct work *w, const char *admin, const char *reason, gint64 token,
    GError **error)
{
	const struct request_update update = { .state = "rejected",
	    .decided_by = admin, .decision_reason = reason, .completed = TRUE };
	g_autofree char *detail = store_event_detail(NULL, 0, "reason", reason, NULL);
	const char *to = w->address != NULL ? w->address : w->row.sender;
	struct template_data *data;
	gint64 outbox = 0;

	if (!state_is_open(w->row.state) || reason == NULL || *reason == '\0') {
		g_set_error(error, DSR_ERROR, reason == NULL || *reason == '\0' ?
		    DSR_ERROR_USAGE : DSR_ERROR_DATA, "cannot reject %s: %s", w->row.id,
		    reason == NULL || *reason == '\0' ? "a rejection needs a reason "
		    "(--reason TEXT), which the sender is told" : "it is finished");
		return -1;
	}
	if (store_begin(w->context->store, error) < 0)
		return -1;
	data = template_data_new();
	template_data_set(data, "kind", w->row.kind);
	template_data_set(data, "reason", reason);
	if ((token != 0 && store_token_use(w->context->store, token, w->now_text,
	    error) < 0) || store_lifecycle_update(w->context->store, w->row.id,
	    &update, w->now_text, error) < 0 ||
	    (to != NULL && address_is_plausible(to) && (outbox = work_mail(w,
	    REPLY_REJECTED, to, data, NULL, error)) < 0) ||
	    work_event(w, "rejected", admin, detail, 0, outbox, error) < 0 ||
	    store_commit(w->context->store, error) < 0) {
		template_data_free(data);
		store_rollback(w->context->store);
		return -1;
	}
	template_data_free(data);
	log_info("lifecycle: %s rejected", w->row.id);
	return 0;
}

/* An admin's reply to a notice: "APPROVE <token>" or "REJECT <token>
 * <reasons>" on the first line, from the address the notice went to. */
static int
followup_admin(struct work *w, const struct intake_mail *mail,
    const char *line, gint64 message, GError **error)
{
	static GRegex *slot;
	GRegex *regex = regex_get(&slot, "^\\s*(APPROVE|REJECT)\\s+"
	    "([A-Za-z2-7]{26})(?:\\s+(.*?))?\\s*$", G_REGEX_CASELESS);
	g_autoptr(GMatchInfo) match = NULL;
	g_autofree char *written = NULL, *verb = NULL, *word = NULL, *reason = NULL;
	g_autoptr(GPtrArray) tokens = NULL, candidates = NULL;
	const struct token_row *token;
	const char *problem;

	if (!g_regex_match(regex, line, 0, &match))
		return refuse(w, "admin_reply_refused", "the first line is not "
		    "APPROVE <code> or REJECT <code> <reasons>", message, error);
	written = g_match_info_fetch(match, 1);
	verb = g_ascii_strup(written, -1);
	word = g_match_info_fetch(match, 2);
	reason = g_match_info_fetch(match, 3);
	tokens = store_token_list(w->context->store, w->row.id, 0, "admin", error);
	if (tokens == NULL)
		return -1;
	candidates = g_ptr_array_new();
	g_ptr_array_add(candidates, word);
	token = token_match(tokens, candidates);
	problem = token_problem(token, mail->from, w->now_text);
	if (problem == NULL && g_strcmp0(mail->dmarc, "fail") == 0)
		problem = "DMARC failed for the admin's mail";
	if (problem == NULL && g_str_equal(verb, "REJECT") &&
	    (reason == NULL || *reason == '\0'))
		problem = "REJECT needs reasons after the code";
	if (problem == NULL && g_str_equal(verb, "APPROVE") &&
	    approve_problem(w) != NULL)
		problem = approve_problem(w);
	if (problem == NULL && !state_is_open(w->row.state))
		problem = "the request is finished";
	if (problem != NULL)
		return refuse(w, "admin_reply_refused", problem, message, error);
	return g_str_equal(verb, "APPROVE") ? approve(w, mail->from, token->id, error) :
	    reject(w, mail->from, reason, token->id, error);
}

/* The first non-empty line of text (a new string). */
static char *
first_line(const char *text)
{
	g_auto(GStrv) lines = g_strsplit(text != NULL ? text : "", "\n", -1);
	char **line;

	for (line = lines; *line != NULL; line++)
		if (*g_strstrip(*line) != '\0')
			return g_strdup(*line);
	return g_strdup("");
}

/* A mail that continues request id: a challenge reply, or an admin's
 * (given: that mail as intake parsed it, or NULL). */
static int
followup(struct context *context, const char *id, gint64 message,
    const struct intake_mail *given, GError **error)
{
	struct intake_mail loaded = { 0 };
	const struct intake_mail *mail;
	struct work w;
	int status = -1;

	if (work_open(context, id, &w, error) < 0)
		return -1;
	if ((mail = received_mail_load(context, message, given, &loaded,
	    error)) == NULL)
		goto out;
	if (address_is_admin(context->config, mail->from)) {
		static GRegex *verb;
		g_autofree char *line = first_line(mail->mime.own);
		if (g_regex_match(regex_get(&verb, "^(APPROVE|REJECT)\\b",
		    G_REGEX_CASELESS), line, 0, NULL)) {
			status = followup_admin(&w, mail, line, message, error);
			goto out;
		}
	}
	status = g_str_equal(w.row.state, "verifying") ?
	    followup_challenge(&w, mail, message, error) : 0;
out:
	intake_mail_clear(&loaded);
	work_clear(&w);
	return status;
}

/* After intake (see lifecycle.h). */
int
lifecycle_advance(struct context *context, const struct intake_result *result,
    GError **error)
{
	if (result->screened != NULL || result->requests == NULL)
		return 0;
	if (result->continued && !result->duplicate && result->requests->len > 0)
		return followup(context, result->requests->pdata[0], result->message,
		    result->mail, error);
	return start(context, result->message, result->mail, error);
}


/* queue approve */
int
lifecycle_approve(struct context *context, const char *id, const char *admin,
    GError **error)
{
	struct work w;
	int status;

	if (work_open(context, id, &w, error) < 0)
		return -1;
	status = approve(&w, admin, 0, error);
	work_clear(&w);
	return status;
}

/* queue reject */
int
lifecycle_reject(struct context *context, const char *id, const char *admin,
    const char *reason, GError **error)
{
	struct work w;
	int status;

	if (work_open(context, id, &w, error) < 0)
		return -1;
	status = reject(&w, admin, reason, 0, error);
	work_clear(&w);
	return status;
}

/* Why the deadline cannot be extended, or NULL (N21: once, by two months,
 * told within the first month). */
static const char *
extend_problem(const struct work *w, GDateTime *first_month_end)
{
	if (!state_is_open(w->row.state))
		return "it is finished";
	if (w->row.extended_at != NULL)
		return "it was extended already (two months at most, GDPR Art. 12(3))";
	if (g_date_time_compare(w->now, first_month_end) > 0)
		return "the first month after receipt has passed: an extension "
		    "must be told within it (GDPR Art. 12(3))";
	return NULL;
}

/* Extend the deadline by two months and tell the subject why. */
static int
extend(struct work *w, const char *admin, const char *reason, GError **error)
{
	static const struct duration one = { 1, 0 }, three = { 3, 0 };
	g_autoptr(GDateTime) received = clock_parse_iso(w->row.received_at);
	g_autoptr(GDateTime) month = duration_add(received, &one);
	g_autoptr(GDateTime) due = duration_add(received, &three);
	g_autofree char *due_text = clock_format_iso(due);
	const struct request_update update = { .due_at = due_text,
	    .extension_reason = reason };
	g_autofree char *detail = store_event_detail(NULL, 0, "reason", reason,
	    "due", due_text, NULL);
	const char *to = w->address != NULL ? w->address : w->row.sender;
	const char *problem = extend_problem(w, month);
	struct template_data *data;
	gint64 outbox = 0;
	int status = -1;

	if (problem != NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "cannot extend %s: %s",
		    w->row.id, problem);
		return -1;
	}
	data = template_data_new();
	template_data_set(data, "kind", w->row.kind);
	template_data_set(data, "reason", reason);
	work_set_date(data, "received_date", w->row.received_at);
	work_set_date(data, "due_date", due_text);
	if (store_begin(w->context->store, error) == 0) {
		status = store_lifecycle_update(w->context->store, w->row.id, &update,
		    w->now_text, error);
		if (status == 0)
			status = store_reminder_clear(w->context->store, w->row.id, error);
		if (status == 0 && to != NULL && address_is_plausible(to))
			status = (outbox = work_mail(w, REPLY_EXTENDED, to, data, NULL,
			    error)) < 0 ? -1 : 0;
		if (status == 0)
			status = work_event(w, "extended", admin, detail, 0, outbox, error);
		if (status == 0)
			status = store_commit(w->context->store, error);
		if (status < 0)
			store_rollback(w->context->store);
	}
	template_data_free(data);
	return status;
}

/* queue extend */
int
lifecycle_extend(struct context *context, const char *id, const char *admin,
    const char *reason, GError **error)
{
	struct work w;
	int status;

	if (reason == NULL || *reason == '\0') {
		g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "queue extend needs "
		    "--reason TEXT: the sender is told why (GDPR Art. 12(3))");
		return -1;
	}
	if (work_open(context, id, &w, error) < 0)
		return -1;
	status = extend(&w, admin, reason, error);
	work_clear(&w);
	return status;
}

/* The hold reasons without unknown_kind (a new string, "" if none left). */
static char *
reasons_without_unknown(const char *reasons)
{
	g_auto(GStrv) codes = g_strsplit(reasons != NULL ? reasons : "", ",", -1);
	GString *left = g_string_new(NULL);
	char **code;

	for (code = codes; *code != NULL; code++)
		if (**code != '\0' && strcmp(*code, "unknown_kind") != 0)
			reasons_add(left, *code);
	return g_string_free(left, FALSE);
}

/* queue classify */
int
lifecycle_classify(struct context *context, const char *id, const char *kind,
    const char *admin, GError **error)
{
	g_autofree char *detail = store_event_detail(NULL, 0, "kind", kind, NULL);
	g_autofree char *left = NULL;
	struct request_update update = { .kind = kind };
	struct work w;
	gboolean again;
	int status = -1;

	if (!config_is_request_kind(kind) || g_str_equal(kind, "unknown")) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "\"%s\" is not a kind "
		    "to classify as; use one of access, portability, rectification, "
		    "erasure, restriction, objection, publication, disclosure, "
		    "anonymisation", kind);
		return -1;
	}
	if (work_open(context, id, &w, error) < 0)
		return -1;
	if (!g_str_equal(w.row.kind, "unknown") || !state_is_open(w.row.state)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "cannot classify %s: "
		    "only an open request of kind unknown can be classified (it is "
		    "%s, %s)", id, w.row.kind, w.row.state);
		goto out;
	}
	left = reasons_without_unknown(w.row.hold_reasons);
	update.hold_reasons = left;
	again = g_str_equal(w.row.state, "awaiting_approval") &&
	    w.row.verified_at != NULL;
	if (store_begin(context->store, error) < 0)
		goto out;
	if (store_lifecycle_update(context->store, id, &update, w.now_text, error) < 0 ||
	    work_event(&w, "classified", admin, detail, 0, 0, error) < 0 ||
	    store_commit(context->store, error) < 0) {
		store_rollback(context->store);
		goto out;
	}
	/* Decided again with its kind: held (policy) or carried out (bans). */
	status = again ? decide(context, id, error) : 0;
out:
	work_clear(&w);
	return status;
}

/* Requests left `received` (a crash between intake and the challenge) or
 * `approved` (between the decision and its execution). */
int
lifecycle_resume(struct context *context, int *count, GError **error)
{
	g_autoptr(GPtrArray) received = store_lifecycle_select(context->store,
	    SELECT_STATE, "received", 0, error);
	g_autoptr(GPtrArray) approved = received == NULL ? NULL :
	    store_lifecycle_select(context->store, SELECT_STATE, "approved", 0, error);
	guint i;

	*count = 0;
	if (approved == NULL)
		return -1;
	for (i = 0; i < received->len; i++) {
		struct work w;
		int status = work_open(context, received->pdata[i], &w, error);
		gint64 message = w.row.message;

		/* start() takes every request of the mail; later ones are done. */
		if (status == 0 && g_str_equal(w.row.state, "received"))
			status = start(context, message, NULL, error);
		work_clear(&w);
		if (status < 0)
			return -1;
		(*count)++;
	}
	for (i = 0; i < approved->len; i++) {
		struct work w;
		int status = work_open(context, approved->pdata[i], &w, error);

		if (status == 0)
			status = lifecycle_execute(&w, "system", error);
		work_clear(&w);
		if (status < 0)
			return -1;
		(*count)++;
	}
	return 0;
}

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
