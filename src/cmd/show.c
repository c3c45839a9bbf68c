/* show.c: `requests show ID [--json]` and `queue show ID [--json]`: one
 * request for the admin at the terminal (N24: what arrived, what was
 * decided, by whom, when, and what was sent). Its dates and state; its
 * subject as the data map names it ("customer 4 (Matti Meikäläinen)");
 * the proposed changes; the timeline in words, from each event's JSON
 * detail; the mails. With --json the same as one JSON object (json-glib).
 * The subject's name is printed here only, for the admin: never logged. */
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "base/error.h"
#include "cmd/command.h"
#include "reply/reply.h"
#include "request/lifecycle.h"
#include "store/store-register.h"
#include "store/store-timeline.h"

/* Columns of store_timeline_request, by position. */
enum {
	REQUEST_ID, REQUEST_KIND, REQUEST_STATE, REQUEST_RECEIVED, REQUEST_DUE,
	REQUEST_LANGUAGE, REQUEST_SENDER, REQUEST_HELD, REQUEST_EXTENDED,
	REQUEST_EXTENSION, REQUEST_VERIFIED, REQUEST_VERIFIED_BY,
	REQUEST_DECIDED, REQUEST_DECIDED_BY, REQUEST_DECISION,
	REQUEST_COMPLETED, REQUEST_MARK, REQUEST_CONFIDENCE, REQUEST_WRITTEN,
	REQUEST_HINTS, REQUEST_COLUMNS
};

/* Columns of store_timeline_events, changes and mails. */
enum { EVENT_ID, EVENT_AT, EVENT_TYPE, EVENT_ACTOR, EVENT_DETAIL };
enum { CHANGE_FIELD, CHANGE_COLUMN, CHANGE_VALUE, CHANGE_STATE, CHANGE_REASON };
enum { MAIL_TEMPLATE, MAIL_TO, MAIL_MESSAGE_ID, MAIL_STATE, MAIL_QUEUED,
	MAIL_SENT };

/* One request as shown: every row as an array of strings (NULL for SQL
 * NULL). */
struct shown {
	GPtrArray *request;       /* one row */
	GPtrArray *subjects;      /* rows: subject_key */
	GPtrArray *names;         /* char *: each subject's name, or NULL */
	GPtrArray *changes, *events, *mails;
	GPtrArray *signatures;    /* rows: checked_at, protocol, status, signer,
	                             address, key_id, fingerprint */
};

/* A timeline_row_func: append a copy of the row to the GPtrArray data. */
static void
collect_row(const char *const *columns, int count, void *data)
{
	GPtrArray *row = g_ptr_array_new_full((guint)count, g_free);
	int i;

	for (i = 0; i < count; i++)
		g_ptr_array_add(row, g_strdup(columns[i]));
	g_ptr_array_add(data, row);
}

/* A new array of rows. */
static GPtrArray *
rows_new(void)
{
	return g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
}

/* text, or "-" for none. */
static const char *
or_none(const char *text)
{
	return text != NULL && *text != '\0' ? text : "-";
}

/* Column i of a row. */
static const char *
cell(GPtrArray *row, guint i)
{
	return i < row->len ? row->pdata[i] : NULL;
}

/* Free what a shown request holds. */
static void
shown_clear(struct shown *shown)
{
	g_clear_pointer(&shown->request, g_ptr_array_unref);
	g_clear_pointer(&shown->subjects, g_ptr_array_unref);
	g_clear_pointer(&shown->names, g_ptr_array_unref);
	g_clear_pointer(&shown->changes, g_ptr_array_unref);
	g_clear_pointer(&shown->events, g_ptr_array_unref);
	g_clear_pointer(&shown->mails, g_ptr_array_unref);
	g_clear_pointer(&shown->signatures, g_ptr_array_unref);
}

/* Read request id and everything shown about it. 1 found, 0 not, -1 error. */
static int
shown_read(struct context *context, const char *id, struct shown *shown,
    GError **error)
{
	struct store *store = context->store;
	guint i;

	memset(shown, 0, sizeof *shown);
	shown->request = rows_new();
	shown->subjects = rows_new();
	shown->names = g_ptr_array_new_with_free_func(g_free);
	shown->changes = rows_new();
	shown->events = rows_new();
	shown->mails = rows_new();
	shown->signatures = rows_new();
	if (store_timeline_request(store, id, collect_row, shown->request, error) < 0)
		return -1;
	if (shown->request->len == 0)
		return 0;
	if (store_timeline_subjects(store, id, collect_row, shown->subjects, error) < 0 ||
	    store_timeline_changes(store, id, collect_row, shown->changes, error) < 0 ||
	    store_timeline_events(store, id, collect_row, shown->events, error) < 0 ||
	    store_timeline_mails(store, id, collect_row, shown->mails, error) < 0 ||
	    store_timeline_signatures(store, id, collect_row, shown->signatures,
	    error) < 0)
		return -1;
	if (shown->subjects->len > 0 && context->map == NULL &&
	    command_open_map(context, error) < 0)
		return -1;
	for (i = 0; i < shown->subjects->len; i++) {
		char *name = NULL;
		if (store_register_name(store, context->map, g_ascii_strtoll(cell(
		    shown->subjects->pdata[i], 0), NULL, 10), &name, error) < 0)
			return -1;
		g_ptr_array_add(shown->names, name);
	}
	return 1;
}

/* What the map calls one subject: row_label[en], else label[en], else the
 * table's name. */
static const char *
subject_word(const struct context *context)
{
	const struct map_table *table = context->map->subject;
	const char *word = labels_get(&table->row_label, LANG_EN);

	if (word == NULL)
		word = labels_get(&table->label, LANG_EN);
	return word != NULL ? word : table->name;
}

/* "customer 4 (Matti Meikäläinen)", or without the name when it has none. */
static char *
subject_words(const struct context *context, const char *key, const char *name)
{
	return name != NULL ? g_strdup_printf("%s %s (%s)", subject_word(context),
	    key, name) : g_strdup_printf("%s %s", subject_word(context), key);
}

/* The hold reasons in words (see command.h). */
char *
request_held_words(const char *reasons, const char *kind)
{
	g_auto(GStrv) codes = g_strsplit(reasons != NULL ? reasons : "", ",", -1);
	GString *out = g_string_new(NULL);
	char **code;

	for (code = codes; *code != NULL; code++) {
		g_autofree char *words = lifecycle_hold_words(*code, kind);

		if (**code == '\0')
			continue;
		g_string_append_printf(out, "%s%s%s%s%s", out->len ? ", " : "", *code,
		    words ? " (" : "", words ? words : "", words ? ")" : "");
	}
	return g_string_free(out, FALSE);
}

/* A mail template's name in words: "confirmation code" for challenge. */
static const char *
template_words(const char *template)
{
	int kind = reply_kind_from_name(template);

	return kind >= 0 ? reply_kind_summary((enum reply_kind)kind) :
	    template != NULL ? template : "a mail";
}

/* Why a mail was ignored (intake's screening codes), in words. */
static const char *
ignored_words(const char *reason)
{
	static const char *const words[][2] = {
		{ "auto_reply", "an automatic reply" },
		{ "bulk", "bulk mail" },
		{ "list", "mailing-list mail" },
		{ "null_sender", "no sender to answer" },
		{ "own_address", "sent from the registry address itself" },
		{ "own_message", "one of dsrmail's own mails" },
		{ "unparsable", "not readable as a mail" },
		{ "sender_rate", "over [policy] sender_rate for its sender" },
		{ "bounce", "a delivery report" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(words); i++)
		if (g_strcmp0(reason, words[i][0]) == 0)
			return words[i][1];
	return reason != NULL ? reason : "no reason recorded";
}

/* The person, an admin or dsrmail, as the timeline names an actor. */
static const char *
actor_words(const char *actor)
{
	if (g_strcmp0(actor, "subject") == 0)
		return "the person";
	if (g_strcmp0(actor, "system") == 0 || actor == NULL)
		return "dsrmail";
	return actor;
}

/* A text member of an event's detail, or NULL. */
static const char *
detail_text(JsonObject *detail, const char *key)
{
	JsonNode *node = detail != NULL ? json_object_get_member(detail, key) : NULL;

	return node != NULL && JSON_NODE_HOLDS_VALUE(node) &&
	    json_node_get_value_type(node) == G_TYPE_STRING ?
	    json_node_get_string(node) : NULL;
}

/* A number member of an event's detail, or fallback. */
static gint64
detail_number(JsonObject *detail, const char *key, gint64 fallback)
{
	return detail != NULL ? json_object_get_int_member_with_default(detail, key,
	    fallback) : fallback;
}

/* "received" in words: the kind, who the sender is in the register, and
 * what intake saw. */
static void
words_received(GString *out, JsonObject *d)
{
	gint64 subjects = detail_number(d, "subjects", 0);

	g_string_append_printf(out, "received: %s request; ", detail_text(d, "kind") ?
	    detail_text(d, "kind") : "a");
	if (subjects == 0)
		g_string_append(out, "no one in the register has the sender's address");
	else if (subjects == 1)
		g_string_append(out, "the sender's address is in the register");
	else
		g_string_append_printf(out, "%" G_GINT64_FORMAT " people in the register "
		    "have the sender's address", subjects);
	if (detail_text(d, "dmarc") != NULL)
		g_string_append_printf(out, "; DMARC %s", detail_text(d, "dmarc"));
	if (detail_text(d, "dkim") != NULL)
		g_string_append_printf(out, "; DKIM %s", detail_text(d, "dkim"));
	if (detail_text(d, "oversized") != NULL)
		g_string_append(out, "; too large: attachments not stored");
	if (detail_text(d, "reason") != NULL)
		g_string_append_printf(out, "; ignored: %s",
		    ignored_words(detail_text(d, "reason")));
}

/* "records_cleared" in words: what of the person dsrmail's own tables no
 * longer hold, the counts that are not zero. */
static void
words_cleared(GString *out, JsonObject *d)
{
	static const char *const parts[][3] = {
		{ "mails", "mail received from the person", "mails received from the person" },
		{ "changes", "correction's values", "corrections' values" },
		{ "outbox", "sent mail's bytes", "sent mails' bytes" },
	};
	const char *separator = ": ";
	size_t i;

	g_string_append(out, "dsrmail's own copies removed");
	for (i = 0; i < G_N_ELEMENTS(parts); i++) {
		gint64 n = detail_number(d, parts[i][0], 0);
		if (n > 0) {
			g_string_append_printf(out, "%s%" G_GINT64_FORMAT " %s", separator,
			    n, n == 1 ? parts[i][1] : parts[i][2]);
			separator = ", ";
		}
	}
}

/* An outbox event in words: "mail sent: confirmation code". */
static void
words_mail(GString *out, const char *type, JsonObject *d)
{
	gint64 attempts = detail_number(d, "attempts", 0);
	const char *smtp = detail_text(d, "smtp");

	g_string_append_printf(out, "mail %s: %s", g_str_equal(type, "mail_queued") ?
	    "queued" : g_str_equal(type, "mail_sent") ? "sent" :
	    g_str_equal(type, "mail_deferred") ? "delayed" : "failed",
	    template_words(detail_text(d, "template")));
	if (attempts > 1)
		g_string_append_printf(out, ", at try %" G_GINT64_FORMAT, attempts);
	if (smtp != NULL)
		g_string_append_printf(out, ", the server answered %s", smtp);
	if (g_str_equal(type, "mail_deferred"))
		g_string_append(out, "; tried again later");
}

/* A JSON value as plain text: a string as it is, anything else as JSON. */
static char *
json_value_text(JsonNode *node)
{
	if (JSON_NODE_HOLDS_VALUE(node) &&
	    json_node_get_value_type(node) == G_TYPE_STRING)
		return g_strdup(json_node_get_string(node));
	return json_to_string(node, FALSE);
}

/* Any other event: its type in words and its detail as "key value" pairs. */
static void
words_generic(GString *out, const char *type, JsonObject *d)
{
	g_autofree char *name = g_strdelimit(g_strdup(type), "_", ' ');
	g_autoptr(GList) members = d != NULL ? json_object_get_members(d) : NULL;
	GList *member;
	const char *separator = ": ";

	g_string_append(out, name);
	for (member = members; member != NULL; member = member->next) {
		g_autofree char *value = json_value_text(json_object_get_member(d,
		    member->data));

		g_string_append_printf(out, "%s%s %s", separator, (char *)member->data,
		    value);
		separator = ", ";
	}
}

/* The events whose words need no more than who did it and why: {by} in
 * the text is who, {reason} why. */
static const struct {
	const char *type;
	const char *text;
} event_texts[] = {
	{ "bounced", "a delivery report came back for one of its mails" },
	{ "no_data", "no data for the sender's address; the sender told" },
	{ "challenge_sent", "confirmation code sent to the address on file" },
	{ "confirmed", "confirmed by {by} with the code" },
	{ "confirmation_refused", "a confirmation refused: {reason}" },
	{ "admin_reply_refused", "an admin's reply refused: {reason}" },
	{ "admin_notified", "an admin notified, with a code to decide by reply" },
	{ "received_sent", "the person told an admin reviews it" },
	{ "oversized_sent", "the person told the mail arrived without "
	  "its attachments, and how to send one" },
	{ "approved", "approved by {by}" },
	{ "rejected", "rejected by {by}: {reason}" },
	{ "expired", "expired: not confirmed in time; the person told" },
	{ "restricted_while_disputed", "the data restricted while the "
	  "correction or objection is decided (Art. 18(1))" },
	{ "signature_accepted", "confirmed by the person's valid "
	  "signature, no code needed ([policy] signed_identity)" },
	{ "key_requested", "the person asked to send their key: the "
	  "data goes only encrypted ([policy] encrypt_exports = always)" },
	{ "rate_limited", "over [policy] sender_rate: the sender told "
	  "why it was not handled, the admins too" },
	{ "lift_requested", "lifting the restriction asked by {by}: "
	  "{reason}; the person is told first" },
	{ "restriction_lifted", "restriction lifted, the person told" },
	{ "lift_failed", "restriction kept: {reason}" },
};

/* "OpenPGP" or "S/MIME", as the detail's protocol says. */
static const char *
protocol_words(JsonObject *d, const char *openpgp)
{
	return g_strcmp0(detail_text(d, "protocol"), "smime") == 0 ? "S/MIME" :
	    openpgp;
}

/* "recipient" or "source", as the detail's role says. */
static const char *
party_words(JsonObject *d)
{
	return g_strcmp0(detail_text(d, "role"), "source") == 0 ? "source" :
	    "recipient";
}

/* The events whose words read their detail; FALSE for any other type. */
static gboolean
event_words_detail(GString *out, const char *type, JsonObject *d,
    const char *by, const char *reason, const char *kind)
{
	const char *decided_by = detail_text(d, "decided_by");
	const char *reminder = detail_text(d, "reminder");

	if (g_str_equal(type, "received") || g_str_equal(type, "ignored"))
		words_received(out, d);
	else if (g_str_has_prefix(type, "mail_"))
		words_mail(out, type, d);
	else if (g_str_equal(type, "records_cleared"))
		words_cleared(out, d);
	else if (g_str_equal(type, "held")) {
		g_autofree char *held = request_held_words(detail_text(d, "reasons"), kind);
		g_string_append_printf(out, "held for: %s", held);
	} else if (g_str_equal(type, "followup"))
		g_string_append_printf(out, "a mail about it arrived%s",
		    detail_text(d, "oversized") ? "; too large: attachments not stored" : "");
	else if (g_str_equal(type, "ignored_mail"))
		g_string_append_printf(out, "a mail about it was ignored: %s",
		    ignored_words(detail_text(d, "reason")));
	else if (g_str_equal(type, "extended"))
		g_string_append_printf(out, "deadline extended to %.10s by %s: %s",
		    detail_text(d, "due") ? detail_text(d, "due") : "?", by, reason);
	else if (g_str_equal(type, "classified"))
		g_string_append_printf(out, "classified as %s by %s",
		    detail_text(d, "kind") ? detail_text(d, "kind") : "?", by);
	else if (g_str_equal(type, "reminder"))
		g_string_append_printf(out, "deadline reminder to the admins (%s)",
		    g_strcmp0(reminder, "overdue") == 0 ? "overdue" :
		    g_strcmp0(reminder, "2d") == 0 ? "2 days left" : "7 days left");
	else if (g_str_equal(type, "executed"))
		g_string_append_printf(out, "carried out%s%s",
		    g_strcmp0(decided_by, "system") == 0 ? ", no approval needed" :
		    ", decided by ", g_strcmp0(decided_by, "system") == 0 ? "" :
		    actor_words(decided_by));
	else if (g_str_equal(type, "recipient_notified"))
		g_string_append_printf(out, "a %s in the data map told of the change",
		    party_words(d));
	else if (g_str_equal(type, "recipient_notice_held"))
		g_string_append_printf(out, "the notice to a %s held for the admins: "
		    "the person forbade disclosure", party_words(d));
	else if (g_str_equal(type, "dispute_ended"))
		g_string_append_printf(out, "decided: the restriction while disputed "
		    "ended%s", detail_number(d, "flags_cleared", 0) > 0 ? "" :
		    " (another restriction keeps the data restricted)");
	else if (g_str_equal(type, "signature"))
		g_string_append_printf(out, "a %s signature on the mail: %s%s%s%s",
		    protocol_words(d, "PGP/MIME"), detail_text(d, "status") ?
		    detail_text(d, "status") : "?", detail_text(d, "problem") ? " (" : "",
		    detail_text(d, "problem") ? detail_text(d, "problem") : "",
		    detail_text(d, "problem") ? ")" : "");
	else if (g_str_equal(type, "key_received"))
		g_string_append_printf(out, "the person's %s key came with the mail",
		    protocol_words(d, "OpenPGP"));
	else if (g_str_equal(type, "reply_encrypted"))
		g_string_append_printf(out, "the reply with the data encrypted to the "
		    "person's %s key", protocol_words(d, "OpenPGP"));
	else
		return FALSE;
	return TRUE;
}

/* One event in words. kind: the request's, for the hold reasons. */
static char *
event_words(const char *type, const char *actor, JsonObject *d, const char *kind)
{
	GString *out = g_string_new(NULL);
	const char *given = detail_text(d, "reason");
	const char *reason = given != NULL ? given : "no reason recorded";
	const char *login = detail_text(d, "login");
	g_autofree char *by_login = login != NULL ? g_strdup_printf("%s (login %s)",
	    actor_words(actor), login) : NULL;
	const char *by = by_login != NULL ? by_login : actor_words(actor);
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(event_texts); i++)
		if (g_str_equal(type, event_texts[i].type)) {
			g_string_append(out, event_texts[i].text);
			g_string_replace(out, "{by}", by, 0);
			g_string_replace(out, "{reason}", reason, 0);
			return g_string_free(out, FALSE);
		}
	if (!event_words_detail(out, type, d, by, reason, kind))
		words_generic(out, type, d);
	return g_string_free(out, FALSE);
}

/* An event's detail parsed, or NULL (none, or not a JSON object). */
static JsonNode *
detail_parse(const char *text)
{
	JsonNode *node = text != NULL ? json_from_string(text, NULL) : NULL;

	if (node != NULL && !JSON_NODE_HOLDS_OBJECT(node))
		g_clear_pointer(&node, json_node_unref);
	return node;
}

/* The words of event row (see event_words). */
static char *
event_row_words(GPtrArray *event, const char *kind)
{
	g_autoptr(JsonNode) detail = detail_parse(cell(event, EVENT_DETAIL));

	return event_words(cell(event, EVENT_TYPE), cell(event, EVENT_ACTOR),
	    detail != NULL ? json_node_get_object(detail) : NULL, kind);
}

/* "sent 2026-...", "waiting to be sent", ... for a mail's state. */
static char *
mail_state_words(GPtrArray *mail)
{
	const char *state = cell(mail, MAIL_STATE);

	if (g_strcmp0(state, "sent") == 0)
		return g_strdup_printf("sent %s", cell(mail, MAIL_SENT));
	if (g_strcmp0(state, "queued") == 0)
		return g_strdup("waiting to be sent");
	if (g_strcmp0(state, "failed") == 0)
		return g_strdup("could not be delivered");
	return g_strdup(state);
}

/* A line "  label: value" when value is set. */
static void
print_field(const char *label, const char *value)
{
	if (value != NULL && *value != '\0')
		printf("  %-10s %s\n", label, value);
}

/* How the classifier read the request: how sure it was and its mark, the
 * kinds the mail only hinted at, the language it was written in. */
static void
print_classification(GPtrArray *r)
{
	const char *mark = cell(r, REQUEST_MARK);
	g_autofree char *read = NULL;

	if (cell(r, REQUEST_CONFIDENCE) != NULL)
		read = g_strdup_printf("%s, %s%% sure%s%s", cell(r, REQUEST_KIND),
		    cell(r, REQUEST_CONFIDENCE), mark != NULL ? ", " : "",
		    mark == NULL ? "" : g_str_equal(mark, "possible_extra") ?
		    "a possible extra (not the mail's main request)" : mark);
	print_field("read as:", read);
	if (cell(r, REQUEST_HINTS) != NULL) {
		g_autofree char *hinted = g_strdup_printf("%s (mentioned as a "
		    "possibility, not asked for)", cell(r, REQUEST_HINTS));
		print_field("hinted:", hinted);
	}
	print_field("written:", cell(r, REQUEST_WRITTEN));
}

/* The header block: state, dates, subject, why it waits, who decided. */
static void
print_header(const struct context *context, const struct shown *shown)
{
	GPtrArray *r = shown->request->pdata[0];
	g_autofree char *due = NULL, *verified = NULL, *decided = NULL, *held = NULL;
	g_autoptr(GString) subjects = g_string_new(NULL);
	guint i;

	printf("%s %s %s\n", cell(r, REQUEST_ID), cell(r, REQUEST_KIND),
	    cell(r, REQUEST_STATE));
	print_field("received:", cell(r, REQUEST_RECEIVED));
	due = cell(r, REQUEST_EXTENDED) ? g_strdup_printf("%s (extended %s: %s)",
	    cell(r, REQUEST_DUE), cell(r, REQUEST_EXTENDED), cell(r, REQUEST_EXTENSION)) :
	    g_strdup(cell(r, REQUEST_DUE));
	print_field("due:", due);
	print_field("language:", cell(r, REQUEST_LANGUAGE) ? cell(r, REQUEST_LANGUAGE) :
	    "unknown (replies in Finnish and English)");
	print_field("sender:", cell(r, REQUEST_SENDER) ? cell(r, REQUEST_SENDER) : "none");
	for (i = 0; i < shown->subjects->len; i++) {
		g_autofree char *words = subject_words(context,
		    cell(shown->subjects->pdata[i], 0), shown->names->pdata[i]);
		g_string_append_printf(subjects, "%s%s", i ? ", " : "", words);
	}
	print_field(shown->subjects->len > 1 ? "subjects:" : "subject:",
	    subjects->len ? subjects->str :
	    "none: no one in the register has the sender's address");
	held = request_held_words(cell(r, REQUEST_HELD), cell(r, REQUEST_KIND));
	print_field("held for:", held);
	if (cell(r, REQUEST_VERIFIED) != NULL)
		verified = g_strdup_printf("%s by %s", cell(r, REQUEST_VERIFIED),
		    g_strcmp0(cell(r, REQUEST_VERIFIED_BY), "challenge") == 0 ?
		    "the person, with the code" : g_strcmp0(cell(r,
		    REQUEST_VERIFIED_BY), "signature") == 0 ? "the person's valid "
		    "signature" : cell(r, REQUEST_VERIFIED_BY));
	print_field("verified:", verified);
	if (cell(r, REQUEST_DECIDED) != NULL)
		decided = g_strdup_printf("%s by %s%s%s", cell(r, REQUEST_DECIDED),
		    actor_words(cell(r, REQUEST_DECIDED_BY)), cell(r, REQUEST_DECISION) ?
		    ": " : "", cell(r, REQUEST_DECISION) ? cell(r, REQUEST_DECISION) : "");
	print_field("decided:", decided);
	print_field("completed:", cell(r, REQUEST_COMPLETED));
	print_classification(r);
}

/* The whole request as text. */
static void
print_text(const struct context *context, const struct shown *shown)
{
	const char *kind = cell(shown->request->pdata[0], REQUEST_KIND);
	guint i;

	print_header(context, shown);
	printf("changes:%s\n", shown->changes->len ? "" : " none");
	for (i = 0; i < shown->changes->len; i++) {
		GPtrArray *c = shown->changes->pdata[i];
		printf("  %s (%s): \"%s\", %s%s%s\n", cell(c, CHANGE_FIELD),
		    cell(c, CHANGE_COLUMN) ? cell(c, CHANGE_COLUMN) :
		    "no such field in the data map", cell(c, CHANGE_VALUE) ?
		    cell(c, CHANGE_VALUE) : "", cell(c, CHANGE_STATE),
		    cell(c, CHANGE_REASON) ? ": " : "", cell(c, CHANGE_REASON) ?
		    cell(c, CHANGE_REASON) : "");
	}
	/* Only mails that were signed have a line: who signed, with what key. */
	if (shown->signatures->len > 0)
		printf("signatures:\n");
	for (i = 0; i < shown->signatures->len; i++) {
		GPtrArray *g = shown->signatures->pdata[i];
		printf("  %s  %s %s by %s (%s), key %s, fingerprint %s\n", cell(g, 0),
		    cell(g, 1), cell(g, 2), or_none(cell(g, 3)), or_none(cell(g, 4)),
		    or_none(cell(g, 5)), or_none(cell(g, 6)));
	}
	printf("timeline:\n");
	for (i = 0; i < shown->events->len; i++) {
		GPtrArray *e = shown->events->pdata[i];
		g_autofree char *words = event_row_words(e, kind);
		printf("  %s  %s\n", cell(e, EVENT_AT), words);
	}
	printf("mails:%s\n", shown->mails->len ? "" : " none");
	for (i = 0; i < shown->mails->len; i++) {
		GPtrArray *m = shown->mails->pdata[i];
		g_autofree char *state = mail_state_words(m);
		printf("  %s  %s (%s) to %s: %s\n", cell(m, MAIL_QUEUED),
		    template_words(cell(m, MAIL_TEMPLATE)), cell(m, MAIL_TEMPLATE),
		    cell(m, MAIL_TO), state);
	}
}

/* Add "name": text (or null) to the open JSON object. */
static void
json_text(JsonBuilder *builder, const char *name, const char *text)
{
	json_builder_set_member_name(builder, name);
	if (text != NULL)
		json_builder_add_string_value(builder, text);
	else
		json_builder_add_null_value(builder);
}

/* Add the row's columns as members named by names (NULL-terminated). */
static void
json_row(JsonBuilder *builder, GPtrArray *row, const char *const *names)
{
	guint i;

	json_builder_begin_object(builder);
	for (i = 0; names[i] != NULL; i++)
		json_text(builder, names[i], cell(row, i));
	json_builder_end_object(builder);
}

/* The request's own columns, hold reasons as codes with their words. */
static void
json_request(JsonBuilder *builder, GPtrArray *r)
{
	static const char *const names[REQUEST_COLUMNS] = { "id", "kind", "state",
	    "received_at", "due_at", "language", "sender", NULL, "extended_at",
	    "extension_reason", "verified_at", "verified_by", "decided_at",
	    "decided_by", "decision_reason", "completed_at", "mark",
	    "confidence_percent", "written_language", "hints" };
	g_auto(GStrv) codes = g_strsplit(cell(r, REQUEST_HELD) ?
	    cell(r, REQUEST_HELD) : "", ",", -1);
	guint i;

	for (i = 0; i < REQUEST_COLUMNS; i++)
		if (names[i] != NULL)
			json_text(builder, names[i], cell(r, i));
	json_builder_set_member_name(builder, "held_for");
	json_builder_begin_array(builder);
	for (i = 0; codes[i] != NULL; i++) {
		g_autofree char *words = lifecycle_hold_words(codes[i],
		    cell(r, REQUEST_KIND));
		if (*codes[i] == '\0')
			continue;
		json_builder_begin_object(builder);
		json_text(builder, "reason", codes[i]);
		json_text(builder, "words", words);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
}

/* The subjects: table, key, what the map calls one, name. */
static void
json_subjects(JsonBuilder *builder, const struct context *context,
    const struct shown *shown)
{
	guint i;

	json_builder_set_member_name(builder, "subjects");
	json_builder_begin_array(builder);
	for (i = 0; i < shown->subjects->len; i++) {
		json_builder_begin_object(builder);
		json_text(builder, "table", context->map->subject->name);
		json_builder_set_member_name(builder, "key");
		json_builder_add_int_value(builder, g_ascii_strtoll(cell(
		    shown->subjects->pdata[i], 0), NULL, 10));
		json_text(builder, "label", subject_word(context));
		json_text(builder, "name", shown->names->pdata[i]);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
}

/* The events, each with its detail as JSON and in words. */
static void
json_events(JsonBuilder *builder, const struct shown *shown, const char *kind)
{
	guint i;

	json_builder_set_member_name(builder, "timeline");
	json_builder_begin_array(builder);
	for (i = 0; i < shown->events->len; i++) {
		GPtrArray *e = shown->events->pdata[i];
		JsonNode *detail = detail_parse(cell(e, EVENT_DETAIL));
		g_autofree char *words = event_row_words(e, kind);

		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "event");
		json_builder_add_int_value(builder, g_ascii_strtoll(cell(e, EVENT_ID),
		    NULL, 10));
		json_text(builder, "at", cell(e, EVENT_AT));
		json_text(builder, "type", cell(e, EVENT_TYPE));
		json_text(builder, "actor", cell(e, EVENT_ACTOR));
		json_builder_set_member_name(builder, "detail");
		if (detail != NULL)
			json_builder_add_value(builder, detail);   /* takes it */
		else
			json_builder_add_null_value(builder);
		json_text(builder, "text", words);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
}

/* An array member of rows as objects. */
static void
json_rows(JsonBuilder *builder, const char *name, GPtrArray *rows,
    const char *const *names)
{
	guint i;

	json_builder_set_member_name(builder, name);
	json_builder_begin_array(builder);
	for (i = 0; i < rows->len; i++)
		json_row(builder, rows->pdata[i], names);
	json_builder_end_array(builder);
}

/* The whole request as one JSON object, pretty-printed. */
static void
print_json(const struct context *context, const struct shown *shown)
{
	static const char *const change_names[] = { "field", "column", "value",
	    "state", "reason", NULL };
	static const char *const mail_names[] = { "template", "to", "message_id",
	    "state", "queued_at", "sent_at", NULL };
	static const char *const signature_names[] = { "checked_at", "protocol",
	    "status", "signer", "address", "key_id", "fingerprint", NULL };
	GPtrArray *r = shown->request->pdata[0];
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *text = NULL;

	json_builder_begin_object(builder);
	json_request(builder, r);
	json_subjects(builder, context, shown);
	json_rows(builder, "changes", shown->changes, change_names);
	json_events(builder, shown, cell(r, REQUEST_KIND));
	json_rows(builder, "mails", shown->mails, mail_names);
	json_rows(builder, "signatures", shown->signatures, signature_names);
	json_builder_end_object(builder);
	root = json_builder_get_root(builder);
	json_generator_set_root(generator, root);
	json_generator_set_pretty(generator, TRUE);
	text = json_generator_to_data(generator, NULL);
	printf("%s\n", text);
}

/* requests show ID [--json] (see command.h). */
int
request_show(struct context *context, const char *id, gboolean json,
    GError **error)
{
	struct shown shown;
	int found = shown_read(context, id, &shown, error);

	if (found == 0)
		g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "no request %s; "
		    "\"dsrmail requests list\" shows them all", id);
	if (found > 0) {
		if (json)
			print_json(context, &shown);
		else
			print_text(context, &shown);
	}
	shown_clear(&shown);
	return found > 0 ? 0 : -1;
}
