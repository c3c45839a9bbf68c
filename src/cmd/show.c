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
#include "cmd/show-words.h"
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
