/* show-words.c: a request's events, hold reasons, actors and mails in
 * plain English words for `requests show` (show.c), from what the events'
 * JSON details hold: "held for: policy (erasure needs approval)". */
#include <string.h>

#include <json-glib/json-glib.h>

#include "cmd/command.h"
#include "cmd/show-words.h"
#include "reply/reply.h"
#include "request/lifecycle.h"

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
const char *
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
const char *
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
char *
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

