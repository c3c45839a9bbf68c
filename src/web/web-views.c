/* web-views.c: the pages people read: the queue, every request with
 * filters, one request, the audit status. Read-only: a GET never changes
 * anything here (the session's own last-seen time aside). */
#include <string.h>

#include <json-glib/json-glib.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/error.h"
#include "base/log.h"
#include "register/export.h"
#include "request/received.h"
#include "rules/map.h"
#include "store/store-event.h"
#include "store/store-lifecycle.h"
#include "store/store-register.h"
#include "store/store-timeline.h"
#include "store/store-web.h"
#include "web/web-http.h"

/* The states of the contract, as the filter lists them. */
static const char *const states[] = { "received", "verifying",
	"awaiting_approval", "approved", "done", "rejected", "expired", "ignored",
	"failed", NULL };

/* A list being filled from rows, with the request being answered. */
struct rows {
	struct web_request *request;
	struct template_data *data;
	const char *list;
	char *now;
	int count;
};

/* TRUE for a state that is not finished. */
static gboolean
state_open(const char *state)
{
	return g_strcmp0(state, "received") == 0 || g_strcmp0(state, "verifying") == 0 ||
	    g_strcmp0(state, "awaiting_approval") == 0 || g_strcmp0(state, "approved") == 0;
}

/* A text of strings.conf into a field. */
static void
set_text(struct template_data *data, struct web_request *request,
    const char *field, const char *prefix, const char *suffix,
    const char *fallback)
{
	template_data_set_labels(data, field, web_text_or(request->web->pages,
	    prefix, suffix, fallback));
}

/* Append a per-language text to a list field. */
static void
add_text(struct template_data *data, const char *list,
    const struct labels *text)
{
	template_data_set_labels(template_data_add_item(data, list), ".", text);
}

/* Set a field to a time or date as the pages show it (nothing for NULL). */
static void
set_time(struct template_data *data, const char *field, const char *iso,
    gboolean date_only)
{
	g_autofree char *text = date_only ? web_date(iso) : web_time(iso);

	template_data_set(data, field, text);
}

/* What a request waits for, in words. */
void
web_add_waits(struct web_request *request, struct template_data *data,
    const char *state, const char *hold_reasons)
{
	g_auto(GStrv) codes = g_strsplit(hold_reasons != NULL ? hold_reasons : "",
	    ",", -1);
	char **code;

	template_data_set_list(data, "waits");
	if (g_strcmp0(state, "verifying") == 0)
		add_text(data, "waits", web_text(request->web->pages, "hold_unconfirmed"));
	if (g_strcmp0(state, "awaiting_approval") != 0)
		return;
	for (code = codes; *code != NULL; code++)
		if (**code != '\0')
			add_text(data, "waits", web_text_or(request->web->pages, "hold",
			    *code, "hold_other"));
}

/* The fields of one request row (store_timeline_requests' columns: id,
 * kind, state, received_at, due_at, language, sender, hold_reasons). */
static void
request_fields(struct web_request *request, struct template_data *item,
    const char *const *c, const char *now)
{
	const char *state = c[2];

	template_data_set(item, "id", c[0]);
	set_text(item, request, "kind_label", "kind", c[1], "kind_unknown");
	set_text(item, request, "state_label", "state", state, "event_other");
	template_data_set(item, "state_class", g_strcmp0(state, "done") == 0 ?
	    "done" : state_open(state) ? "open" : "closed");
	set_time(item, "received", c[3], TRUE);
	set_time(item, "due", c[4], TRUE);
	if (state_open(state) && c[4] != NULL && strcmp(c[4], now) < 0)
		template_data_set(item, "late", "yes");
	set_text(item, request, "language_label", "lang", c[5] != NULL ? c[5] :
	    "none", "lang_none");
}

/* One row of a request list into rows->list (a timeline_row_func). */
static void
request_row(const char *const *c, int count, void *pointer)
{
	struct rows *rows = pointer;
	struct template_data *item = template_data_add_item(rows->data, rows->list);

	(void)count;
	request_fields(rows->request, item, c, rows->now);
	web_add_waits(rows->request, item, c[2], c[7]);
	rows->count++;
}

/* GET /queue */
void
web_queue_page(struct web_request *request, struct web_response *response)
{
	struct rows rows = { request, web_page_data(request, "queue_title"),
	    "requests", clock_now_iso(), 0 };
	g_autoptr(GError) error = NULL;

	template_data_set(rows.data, "nav_is_queue", "yes");
	template_data_set_list(rows.data, "requests");
	if (store_timeline_queue(request->web->context->store, request_row, &rows,
	    &error) < 0) {
		log_error("web: %s", error->message);
		template_data_free(rows.data);
		web_message(request, response, 500, "error_title", "error_text");
	} else {
		if (rows.count > 0)
			template_data_set(rows.data, "has_requests", "yes");
		web_page_render(request, response, 200, PAGE_QUEUE, rows.data);
	}
	g_free(rows.now);
}

/* Add an option of a filter's list. */
static void
add_option(struct template_data *data, const char *list, const char *value,
    const struct labels *label, const char *chosen)
{
	struct template_data *item = template_data_add_item(data, list);

	template_data_set(item, "value", value);
	if (label != NULL)
		template_data_set_labels(item, "label", label);
	else
		template_data_set(item, "label", value);
	if (g_strcmp0(value, chosen) == 0)
		template_data_set(item, "selected", "yes");
}

/* One month of the month filter (a timeline_row_func). */
static void
month_row(const char *const *c, int count, void *pointer)
{
	struct rows *rows = pointer;

	(void)count;
	if (c[0] != NULL)
		add_option(rows->data, "months", c[0], NULL,
		    web_query(rows->request, "month"));
}

/* The filters of the query, checked: NULL fields for "any". FALSE when a
 * value is not one the form offers. */
static gboolean
requests_filter(struct web_request *request, struct web_filter *filter,
    const char *now)
{
	const char *state = web_query(request, "state");
	const char *kind = web_query(request, "kind");
	const char *month = web_query(request, "month");
	const char *overdue = web_query(request, "overdue");

	memset(filter, 0, sizeof *filter);
	filter->state = state != NULL && *state != '\0' ? state : NULL;
	filter->kind = kind != NULL && *kind != '\0' ? kind : NULL;
	filter->month = month != NULL && *month != '\0' ? month : NULL;
	filter->overdue_at = overdue != NULL && *overdue != '\0' ? now : NULL;
	if (filter->state != NULL && !g_strv_contains(states, filter->state))
		return FALSE;
	if (filter->kind != NULL && !config_is_request_kind(filter->kind))
		return FALSE;
	return filter->month == NULL || (strlen(filter->month) == 7 &&
	    g_ascii_isdigit(filter->month[0]) && g_ascii_isdigit(filter->month[1]) &&
	    g_ascii_isdigit(filter->month[2]) && g_ascii_isdigit(filter->month[3]) &&
	    filter->month[4] == '-' && g_ascii_isdigit(filter->month[5]) &&
	    g_ascii_isdigit(filter->month[6]));
}

/* GET /requests?state=&kind=&month=&overdue= */
void
web_requests_page(struct web_request *request, struct web_response *response)
{
	struct store *store = request->web->context->store;
	struct rows rows = { request, NULL, "requests", clock_now_iso(), 0 };
	g_autoptr(GError) error = NULL;
	g_autofree char *shown = NULL;
	struct web_filter filter;
	size_t i;

	if (!requests_filter(request, &filter, rows.now)) {
		web_message(request, response, 400, "bad_request_title",
		    "bad_request_text");
		g_free(rows.now);
		return;
	}
	rows.data = web_page_data(request, "requests_title");
	template_data_set(rows.data, "nav_is_requests", "yes");
	for (i = 0; states[i] != NULL; i++)
		add_option(rows.data, "states", states[i], web_text_or(
		    request->web->pages, "state", states[i], "event_other"), filter.state);
	for (i = 0; config_request_kinds[i] != NULL; i++)
		add_option(rows.data, "kinds", config_request_kinds[i], web_text_or(
		    request->web->pages, "kind", config_request_kinds[i],
		    "kind_unknown"), filter.kind);
	template_data_set_list(rows.data, "months");
	template_data_set_list(rows.data, "requests");
	if (filter.overdue_at != NULL)
		template_data_set(rows.data, "overdue_only", "yes");
	if (store_web_months(store, month_row, &rows, &error) < 0 ||
	    store_web_requests(store, &filter, request_row, &rows, &error) < 0) {
		log_error("web: %s", error->message);
		template_data_free(rows.data);
		web_message(request, response, 500, "error_title", "error_text");
		g_free(rows.now);
		return;
	}
	shown = g_strdup_printf("%d", rows.count);
	template_data_set(rows.data, "shown", shown);
	if (rows.count > 0)
		template_data_set(rows.data, "has_requests", "yes");
	web_page_render(request, response, 200, PAGE_REQUESTS, rows.data);
	g_free(rows.now);
}

/* TRUE for an id of the form DSR-YYYY-NNNN. */
static gboolean
id_shaped(const char *id)
{
	size_t length = id != NULL ? strlen(id) : 0, i;

	if (length < 13 || length > 20 || strncmp(id, "DSR-", 4) != 0 || id[8] != '-')
		return FALSE;
	for (i = 4; i < length; i++)
		if (i != 8 && !g_ascii_isdigit(id[i]))
			return FALSE;
	return TRUE;
}

/* The header row of one request (store_timeline_request's columns). */
struct request_header {
	struct rows *rows;
	char *kind, *state, *received_at, *extended_at;
};

/* Fill the page from the request's row (a timeline_row_func). */
static void
request_header_row(const char *const *c, int count, void *pointer)
{
	struct request_header *header = pointer;
	struct template_data *data = header->rows->data;
	struct web_request *request = header->rows->request;

	(void)count;
	request_fields(request, data, c, header->rows->now);
	web_add_waits(request, data, c[2], c[7]);
	template_data_set(data, "sender", c[6]);
	template_data_set(data, "extension_reason", c[9]);
	set_time(data, "verified", c[10], FALSE);
	template_data_set(data, "decided_by", c[13]);
	set_time(data, "decided_at", c[12], FALSE);
	template_data_set(data, "decision_reason", c[14]);
	set_time(data, "completed", c[15], FALSE);
	set_time(data, "received", c[3], FALSE);
	header->kind = g_strdup(c[1]);
	header->state = g_strdup(c[2]);
	header->received_at = g_strdup(c[3]);
	header->extended_at = g_strdup(c[8]);
}

/* Which decisions the page offers. The lifecycle decides whether one is
 * possible (and says why not); the page only leaves out the forms that
 * cannot apply to the request's state and kind. */
static void
request_decisions(struct web_request *request, struct template_data *data,
    const struct request_header *header, gboolean has_subject)
{
	static const struct duration month = { 1, 0 };
	g_autoptr(GDateTime) received = clock_parse_iso(header->received_at);
	g_autoptr(GDateTime) month_end = received != NULL ?
	    duration_add(received, &month) : NULL;
	g_autoptr(GDateTime) now = clock_now();
	gboolean open = state_open(header->state);
	gboolean unknown = g_strcmp0(header->kind, "unknown") == 0;
	const char *const *kind;
	int offered = 0;

	if (open && unknown && (offered |= 1))
		template_data_set(data, "can_classify", "yes");
	if (g_strcmp0(header->state, "awaiting_approval") == 0 && !unknown &&
	    has_subject && (offered |= 1))
		template_data_set(data, "can_approve", "yes");
	if (open && (offered |= 1))
		template_data_set(data, "can_reject", "yes");
	if (open && header->extended_at == NULL && month_end != NULL &&
	    g_date_time_compare(now, month_end) < 0 && (offered |= 1))
		template_data_set(data, "can_extend", "yes");
	if (g_strcmp0(header->state, "done") == 0 &&
	    g_strcmp0(header->kind, "restriction") == 0 && (offered |= 1))
		template_data_set(data, "can_lift", "yes");
	if (offered)
		template_data_set(data, "can_decide", "yes");
	template_data_set_list(data, "classify_kinds");
	for (kind = config_request_kinds; *kind != NULL; kind++)
		if (strcmp(*kind, "unknown") != 0)
			add_option(data, "classify_kinds", *kind, web_text_or(
			    request->web->pages, "kind", *kind, "kind_unknown"), NULL);
}

/* The request's mail as plain text: its sender, subject, date and text
 * (an HTML-only mail's text as mime.c reads it, never its HTML). */
static int
request_mail(struct web_request *request, struct template_data *data,
    const char *id, GError **error)
{
	struct store *store = request->web->context->store;
	struct request_row row;
	struct received_mail mail = { 0 };
	int found = store_lifecycle_request(store, id, &row, error);
	const struct mime_mail *mime = &mail.mime;

	if (found > 0 && row.message != 0 &&
	    received_mail_load(store, row.message, &mail, error) < 0)
		found = -1;
	if (found > 0 && mime->parsed && (mime->text != NULL ||
	    mime->from_address != NULL)) {
		g_autofree char *from = mime->from_name != NULL &&
		    *mime->from_name != '\0' ?
		    g_strdup_printf("%s <%s>", mime->from_name,
		    mime->from_address != NULL ? mime->from_address : "") :
		    g_strdup(mime->from_address);

		template_data_set(data, "has_mail", "yes");
		template_data_set(data, "mail_from_value", from != NULL ? from : "");
		template_data_set(data, "mail_subject_value",
		    mime->subject != NULL ? mime->subject : "");
		template_data_set(data, "mail_date_value",
		    mime->date != NULL ? mime->date : "");
		template_data_set(data, "mail_text", mime->text != NULL ?
		    g_strchomp(mime->text) : "");
	}
	received_mail_clear(&mail);
	request_row_clear(&row);
	return found < 0 ? -1 : 0;
}

/* One proposed correction (a timeline_row_func over field, column_name,
 * new_value, state, reason). */
static void
change_row(const char *const *c, int count, void *pointer)
{
	struct rows *rows = pointer;
	struct template_data *item = template_data_add_item(rows->data, "changes");
	const struct map_column *column = c[1] != NULL ?
	    map_find_rectifiable(rows->request->web->context->map, c[1]) : NULL;

	(void)count;
	template_data_set(item, "field", c[0]);
	if (column != NULL)
		template_data_set_labels(item, "column", &column->label);
	else
		set_text(item, rows->request, "column", "change", "unknown",
		    "change_unknown");
	template_data_set(item, "value", c[2] != NULL ? c[2] : "");
	set_text(item, rows->request, "state_label", "change", c[3], "event_other");
	rows->count++;
}

/* What register_row_func collects for one table of one subject. */
struct register_rows {
	struct web_request *request;
	struct template_data *data;   /* the page */
	struct template_data *table;  /* the table's item, made on its first row */
};

/* Set field to a register value as a person reads it: a flag as yes or
 * no, SQL NULL as a dash. */
static void
set_value(struct web_request *request, struct template_data *item,
    const char *field, const struct map_column *column, GVariant *value)
{
	g_autofree char *text = NULL;

	if (value == NULL) {
		template_data_set(item, field, "—");
		return;
	}
	if (g_strcmp0(column->type, "flag") == 0 &&
	    g_variant_is_of_type(value, G_VARIANT_TYPE_INT64)) {
		template_data_set_labels(item, field, web_text(request->web->pages,
		    g_variant_get_int64(value) != 0 ? "flag_yes" : "flag_no"));
		return;
	}
	text = export_value_text(value);
	template_data_set(item, field, text);
}

/* One register row: the subject's as label/value pairs, others as a table
 * row (a register_row_func). */
static int
register_row(const struct map_table *table, GVariant *const *values,
    void *pointer, GError **error)
{
	struct register_rows *rows = pointer;
	struct template_data *item, *row;
	guint i;

	(void)error;
	if (table->link == LINK_SUBJECT) {
		item = template_data_add_item(rows->data, "subjects");
		for (i = 0; i < table->columns->len; i++) {
			const struct map_column *column = table->columns->pdata[i];
			struct template_data *field = template_data_add_item(item, "fields");

			template_data_set_labels(field, "label", &column->label);
			set_value(rows->request, field, "value", column, values[i]);
		}
		return 0;
	}
	if (rows->table == NULL) {
		rows->table = template_data_add_item(rows->data, "related");
		template_data_set_labels(rows->table, "label", &table->label);
		for (i = 0; i < table->columns->len; i++)
			template_data_set_labels(template_data_add_item(rows->table,
			    "headers"), ".", &((struct map_column *)
			    table->columns->pdata[i])->label);
	}
	row = template_data_add_item(rows->table, "rows");
	for (i = 0; i < table->columns->len; i++) {
		const struct map_column *column = table->columns->pdata[i];
		struct template_data *cell = template_data_add_item(row, "cells");

		set_value(rows->request, cell, "value", column, values[i]);
		if (g_strcmp0(column->type, "date") == 0)
			template_data_set(cell, "date", "yes");
	}
	return 0;
}

/* The register rows of the request's subjects, through the data map. */
static int
request_register(struct web_request *request, struct template_data *data,
    const char *id, gboolean *has_subject, GError **error)
{
	struct context *context = request->web->context;
	g_autoptr(GArray) keys = store_lifecycle_subjects(context->store, id, error);
	guint s, t;

	template_data_set_list(data, "subjects");
	template_data_set_list(data, "related");
	if (keys == NULL)
		return -1;
	*has_subject = keys->len > 0;
	for (s = 0; s < keys->len; s++)
		for (t = 0; t < context->map->tables->len; t++) {
			struct register_rows rows = { request, data, NULL };
			if (store_register_rows(context->store, context->map,
			    context->map->tables->pdata[t], g_array_index(keys, gint64, s),
			    register_row, &rows, error) < 0)
				return -1;
		}
	return 0;
}

/* An event's detail in words: its reason, its mail's kind, or the kind set. */
static void
event_detail(struct web_request *request, struct template_data *item,
    const char *detail)
{
	g_autoptr(JsonNode) node = detail != NULL ? json_from_string(detail, NULL) : NULL;
	JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT(node) ?
	    json_node_get_object(node) : NULL;
	const char *text;

	if (object == NULL)
		return;
	if ((text = json_object_get_string_member_with_default(object, "reason",
	    NULL)) != NULL)
		template_data_set(item, "detail", text);
	else if ((text = json_object_get_string_member_with_default(object,
	    "template", NULL)) != NULL)
		set_text(item, request, "detail", "tpl", text, "event_other");
	else if ((text = json_object_get_string_member_with_default(object, "kind",
	    NULL)) != NULL)
		set_text(item, request, "detail", "kind", text, "kind_unknown");
}

/* One event of the timeline (a timeline_row_func over id, at, type, actor,
 * detail). */
static void
event_row(const char *const *c, int count, void *pointer)
{
	struct rows *rows = pointer;
	struct template_data *item;

	(void)count;
	/* A mail written shows as the step that wrote it and as it is sent. */
	if (g_strcmp0(c[2], "mail_queued") == 0)
		return;
	item = template_data_add_item(rows->data, "events");
	set_time(item, "at", c[1], FALSE);
	set_text(item, rows->request, "what", "event", c[2], "event_other");
	if (g_strcmp0(c[3], "system") == 0 || g_strcmp0(c[3], "subject") == 0)
		set_text(item, rows->request, "who", "actor", c[3], "actor_system");
	else
		template_data_set(item, "who", c[3]);
	event_detail(rows->request, item, c[4]);
}

/* One mail sent or queued (a timeline_row_func over template, recipient,
 * message_id, state, created_at, sent_at). */
static void
mail_row(const char *const *c, int count, void *pointer)
{
	struct rows *rows = pointer;
	struct template_data *item = template_data_add_item(rows->data, "mails");

	(void)count;
	set_time(item, "at", c[5] != NULL ? c[5] : c[4], FALSE);
	set_text(item, rows->request, "what", "tpl", c[0], "event_other");
	template_data_set(item, "to", c[1]);
	set_text(item, rows->request, "state_label", "mail", c[3], "event_other");
	rows->count++;
}

/* The corrections, the register rows, the timeline and the mails of a
 * request into rows->data; sets *has_subject. 0, or -1 with error. */
static int
request_sections(struct rows *rows, const char *id, gboolean *has_subject,
    GError **error)
{
	struct store *store = rows->request->web->context->store;

	template_data_set_list(rows->data, "changes");
	template_data_set_list(rows->data, "events");
	template_data_set_list(rows->data, "mails");
	if (store_timeline_changes(store, id, change_row, rows, error) < 0)
		return -1;
	if (rows->count > 0)
		template_data_set(rows->data, "has_changes", "yes");
	rows->count = 0;
	if (request_register(rows->request, rows->data, id, has_subject, error) < 0 ||
	    store_timeline_events(store, id, event_row, rows, error) < 0 ||
	    store_timeline_mails(store, id, mail_row, rows, error) < 0)
		return -1;
	if (rows->count > 0)
		template_data_set(rows->data, "has_mails", "yes");
	return 0;
}

/* Fill the request page's data; 1 found, 0 no such request, -1 error. */
static int
request_fill(struct rows *rows, const char *id, GError **error)
{
	struct request_header header = { rows, NULL, NULL, NULL, NULL };
	gboolean has_subject = FALSE;
	int found = store_timeline_request(rows->request->web->context->store, id,
	    request_header_row, &header, error);

	if (found > 0 && (request_mail(rows->request, rows->data, id, error) < 0 ||
	    request_sections(rows, id, &has_subject, error) < 0))
		found = -1;
	if (found > 0)
		request_decisions(rows->request, rows->data, &header, has_subject);
	g_free(header.kind);
	g_free(header.state);
	g_free(header.received_at);
	g_free(header.extended_at);
	return found;
}

/* GET /request/ID, and the page again after a decision. */
void
web_request_page(struct web_request *request, struct web_response *response,
    const char *id, const char *problem, const char *done)
{
	struct rows rows = { request, NULL, NULL, clock_now_iso(), 0 };
	g_autoptr(GError) error = NULL;
	g_autofree char *done_text = NULL;
	int found = 0;

	if (id_shaped(id)) {
		rows.data = web_page_data(request, "nav_queue");
		found = request_fill(&rows, id, &error);
	}
	g_free(rows.now);
	if (found <= 0) {
		template_data_free(rows.data);
		if (found < 0)
			log_error("web: %s", error->message);
		web_message(request, response, found < 0 ? 500 : 404, found < 0 ?
		    "error_title" : "not_found_title", found < 0 ? "error_text" :
		    "not_found_text");
		return;
	}
	template_data_set(rows.data, "title", id);
	if (problem != NULL) {
		template_data_set_labels(rows.data, "problem_intro",
		    web_text(request->web->pages, "decision_failed"));
		template_data_set(rows.data, "problem", problem);
	}
	if (done != NULL)
		set_text(rows.data, request, "flash", "done", done, "event_other");
	web_page_render(request, response, problem != NULL ? 409 : 200,
	    PAGE_REQUEST, rows.data);
}

/* GET /audit: the hash chain verified now. */
void
web_audit_page(struct web_request *request, struct web_response *response)
{
	struct store *store = request->web->context->store;
	g_autoptr(GError) error = NULL;
	g_autofree char *problem = NULL, *bad = NULL, *count_text = NULL;
	struct template_data *data;
	gint64 bad_id = 0, count;
	int result = store_event_verify(store, &bad_id, &problem, &error);

	count = result < 0 ? -1 : store_web_event_count(store, &error);
	if (result < 0 || count < 0) {
		log_error("web: %s", error->message);
		web_message(request, response, 500, "error_title", "error_text");
		return;
	}
	data = web_page_data(request, "audit_title");
	template_data_set(data, "nav_is_audit", "yes");
	count_text = g_strdup_printf("%" G_GINT64_FORMAT, count);
	template_data_set(data, "event_count", count_text);
	if (result == 0)
		template_data_set(data, "intact", "yes");
	else {
		bad = g_strdup_printf("%" G_GINT64_FORMAT, bad_id);
		template_data_set(data, "bad_event", bad);
		template_data_set(data, "bad_problem", problem);
	}
	web_page_render(request, response, 200, PAGE_AUDIT, data);
}
