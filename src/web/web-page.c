/* web-page.c: the page templates of templates/web/, their texts in fi, en
 * and sv (strings.conf), the page language, and rendering: every value
 * goes through template_render_html, so none can become markup. */
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/error.h"
#include "base/language.h"
#include "base/log.h"
#include "store/store-timeline.h"
#include "web/web-http.h"

/* Fields of the top and bottom of every page (web_page_data sets them). */
#define COMMON_FIELDS "lang", "title", "organisation", "csrf", "back", \
	"admin", "lang_is_fi", "lang_is_en", "lang_is_sv", "nav_is_queue", \
	"nav_is_requests", "nav_is_audit", "queue_count", "flash", "problem", \
	"problem_intro"

static const char *const fields_common[] = { COMMON_FIELDS, NULL };
static const char *const fields_signin[] = { COMMON_FIELDS, "sent",
	"signed_out_now", "ended", "invalid_link", NULL };
static const char *const fields_signin_link[] = { COMMON_FIELDS, "token", NULL };
static const char *const fields_message[] = { COMMON_FIELDS, "message_title",
	"message_text", NULL };
static const char *const fields_queue[] = { COMMON_FIELDS, "has_requests",
	"requests[id,kind_label,due,late,waits[],received,language_label]", NULL };
static const char *const fields_requests[] = { COMMON_FIELDS,
	"states[value,label,selected]", "kinds[value,label,selected]",
	"months[value,label,selected]", "overdue_only", "shown", "has_requests",
	"requests[id,kind_label,state_label,state_class,received,due,late]", NULL };
static const char *const fields_request[] = { COMMON_FIELDS, "id",
	"kind_label", "state_label", "state_class", "due", "late", "received",
	"extension_reason", "language_label", "sender", "verified", "decided_by",
	"decided_at", "decision_reason", "completed", "waits[]", "can_decide",
	"can_classify", "can_approve", "can_lift", "can_reject", "can_extend",
	"classify_kinds[value,label]", "has_mail", "mail_from_value",
	"mail_subject_value", "mail_date_value", "mail_text", "has_changes",
	"changes[field,column,value,state_label]", "subjects[fields[label,value]]",
	"related[label,headers[],rows[cells[value,date]]]", "events[at,what,detail,who]",
	"has_mails", "mails[at,what,to,state_label]", NULL };
static const char *const fields_audit[] = { COMMON_FIELDS, "intact",
	"event_count", "bad_event", "bad_problem", NULL };

/* Each page: its file in templates/web/ and its fields. */
static const struct {
	const char *file;
	const char *const *fields;
} page_files[PAGE_COUNT] = {
	[PAGE_SIGNIN] = { "signin.html", fields_signin },
	[PAGE_SIGNIN_LINK] = { "signin-link.html", fields_signin_link },
	[PAGE_MESSAGE] = { "message.html", fields_message },
	[PAGE_QUEUE] = { "queue.html", fields_queue },
	[PAGE_REQUESTS] = { "requests.html", fields_requests },
	[PAGE_REQUEST] = { "request.html", fields_request },
	[PAGE_AUDIT] = { "audit.html", fields_audit },
};

struct web_pages {
	struct template *top, *bottom;
	struct template *page[PAGE_COUNT];
	GHashTable *texts;           /* name -> struct labels * */
	GPtrArray *names;            /* the texts' names, in file order */
	GBytes *css;
};

/* Free a text (a GDestroyNotify). */
static void
text_free(gpointer pointer)
{
	labels_clear(pointer);
	g_free(pointer);
}

/* Read strings.conf: every key in fi, en and sv. */
static int
pages_read_texts(struct web_pages *pages, const char *path, GError **error)
{
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_autoptr(GError) local = NULL;
	g_auto(GStrv) keys = NULL;
	size_t i;
	int l;

	if (!g_key_file_load_from_file(file, path, G_KEY_FILE_KEEP_TRANSLATIONS,
	    &local) ||
	    (keys = g_key_file_get_keys(file, "strings", NULL, &local)) == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: %s; the web "
		    "pages need their texts ([paths] templates)", path, local->message);
		return -1;
	}
	for (i = 0; keys[i] != NULL; i++) {
		g_autofree char *name = g_strndup(keys[i], strcspn(keys[i], "["));
		struct labels *text;

		if (g_hash_table_contains(pages->texts, name))
			continue;
		text = g_new0(struct labels, 1);
		labels_read(text, file, "strings", name);
		g_hash_table_insert(pages->texts, g_strdup(name), text);
		g_ptr_array_add(pages->names, g_strdup(name));
		for (l = 0; l < LANG_COUNT; l++)
			if (text->text[l] == NULL || *text->text[l] == '\0') {
				g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: %s has "
				    "no text in %s; add %s[%s] = ...", path, name,
				    language_code(l), name, language_code(l));
				return -1;
			}
	}
	return 0;
}

/* Load one template of templates/web/ and check it against fields and the
 * texts. */
static struct template *
pages_read_one(struct web_pages *pages, const char *dir, const char *file,
    const char *const *fields, GError **error)
{
	g_autofree char *path = g_build_filename(dir, file, NULL);
	g_autofree char *text = NULL;
	g_autoptr(GPtrArray) declared = g_ptr_array_new();
	g_autoptr(GError) local = NULL;
	struct template *template;
	guint i;

	if (!g_file_get_contents(path, &text, NULL, &local) ||
	    !g_utf8_validate(text, -1, NULL)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "page template %s: "
		    "%s; the web pages need it in UTF-8 ([paths] templates)", path,
		    local != NULL ? local->message : "not UTF-8");
		return NULL;
	}
	for (; *fields != NULL; fields++)
		g_ptr_array_add(declared, (gpointer)*fields);
	for (i = 0; i < pages->names->len; i++)
		g_ptr_array_add(declared, pages->names->pdata[i]);
	g_ptr_array_add(declared, NULL);
	template = template_parse(text, path, error);
	if (template != NULL && template_check(template,
	    (const char *const *)declared->pdata, error) < 0)
		g_clear_pointer(&template, template_free);
	return template;
}

/* Load the pages, their texts and the style sheet. */
struct web_pages *
web_pages_load(const char *dir, GError **error)
{
	struct web_pages *pages = g_new0(struct web_pages, 1);
	g_autofree char *web_dir = g_build_filename(dir, "web", NULL);
	g_autofree char *strings = g_build_filename(web_dir, "strings.conf", NULL);
	g_autofree char *css_path = g_build_filename(web_dir, "style.css", NULL);
	g_autoptr(GError) local = NULL;
	char *css = NULL;
	gsize length;
	int p;

	pages->texts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    text_free);
	pages->names = g_ptr_array_new_with_free_func(g_free);
	if (pages_read_texts(pages, strings, error) < 0 ||
	    (pages->top = pages_read_one(pages, web_dir, "page-top.html",
	    fields_common, error)) == NULL ||
	    (pages->bottom = pages_read_one(pages, web_dir, "page-bottom.html",
	    fields_common, error)) == NULL)
		goto fail;
	for (p = 0; p < PAGE_COUNT; p++)
		if ((pages->page[p] = pages_read_one(pages, web_dir,
		    page_files[p].file, page_files[p].fields, error)) == NULL)
			goto fail;
	if (!g_file_get_contents(css_path, &css, &length, &local)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: %s; the web "
		    "pages need their style sheet", css_path, local->message);
		goto fail;
	}
	pages->css = g_bytes_new_take(css, length);
	return pages;
fail:
	web_pages_free(pages);
	return NULL;
}

/* Free the pages. */
void
web_pages_free(struct web_pages *pages)
{
	int p;

	if (pages == NULL)
		return;
	template_free(pages->top);
	template_free(pages->bottom);
	for (p = 0; p < PAGE_COUNT; p++)
		template_free(pages->page[p]);
	g_hash_table_unref(pages->texts);
	g_ptr_array_unref(pages->names);
	if (pages->css != NULL)
		g_bytes_unref(pages->css);
	g_free(pages);
}

/* The style sheet. */
const char *
web_pages_css(const struct web_pages *pages, gsize *length)
{
	return g_bytes_get_data(pages->css, length);
}

/* A text by name. */
const struct labels *
web_text(const struct web_pages *pages, const char *name)
{
	const struct labels *text = g_hash_table_lookup(pages->texts, name);

	if (text == NULL)
		dsr_fatal("templates/web/strings.conf has no text %s", name);
	return text;
}

/* A text "prefix_suffix", or fallback. */
const struct labels *
web_text_or(const struct web_pages *pages, const char *prefix,
    const char *suffix, const char *fallback)
{
	g_autofree char *name = g_strconcat(prefix, "_", suffix != NULL ? suffix :
	    "", NULL);
	const struct labels *text = g_hash_table_lookup(pages->texts, name);

	return text != NULL ? text : web_text(pages, fallback);
}

/* The best of fi, en, sv in an Accept-Language header, or -1. */
static int
accept_language(const char *header)
{
	g_auto(GStrv) ranges = g_strsplit(header != NULL ? header : "", ",", 32);
	double best_q = 0;
	int best = -1;
	size_t i;

	for (i = 0; ranges[i] != NULL; i++) {
		g_auto(GStrv) parts = g_strsplit(ranges[i], ";", 2);
		char *tag = g_strstrip(parts[0]);
		const char *q = parts[1] != NULL ? strstr(parts[1], "q=") : NULL;
		double weight = q != NULL ? g_ascii_strtod(q + 2, NULL) : 1.0;
		int language;

		tag[strcspn(tag, "-_")] = '\0';
		language = language_from_code(tag);
		if (language >= 0 && weight > best_q) {
			best_q = weight;
			best = language;
		}
	}
	return best;
}

/* The page language. */
int
web_language(struct web_request *request)
{
	int language = language_from_code(web_cookie(request, "dsrmail_lang"));

	if (language < 0)
		language = accept_language(web_header(request, "Accept-Language"));
	if (language < 0)
		language = language_from_code(
		    request->web->context->config->default_language);
	return language >= 0 ? language : LANG_EN;
}

/* Count rows (a timeline_row_func). */
static void
count_row(const char *const *columns, int count, void *data)
{
	(void)columns;
	(void)count;
	(*(int *)data)++;
}

/* The fields of every page. */
struct template_data *
web_page_data(struct web_request *request, const char *title)
{
	const struct web_pages *pages = request->web->pages;
	struct template_data *data = template_data_new();
	g_autoptr(GError) error = NULL;
	guint i;
	int waiting = 0;

	for (i = 0; i < pages->names->len; i++)
		template_data_set_labels(data, pages->names->pdata[i],
		    g_hash_table_lookup(pages->texts, pages->names->pdata[i]));
	template_data_set_labels(data, "title", web_text(pages, title));
	template_data_set(data, "lang", language_code(request->language));
	template_data_set(data, request->language == LANG_FI ? "lang_is_fi" :
	    request->language == LANG_SV ? "lang_is_sv" : "lang_is_en", "yes");
	template_data_set(data, "organisation",
	    request->web->context->config->organisation_name);
	template_data_set(data, "csrf", request->csrf);
	template_data_set(data, "back", request->path);
	template_data_set(data, "admin", request->admin);
	if (request->admin != NULL && store_timeline_queue(
	    request->web->context->store, count_row, &waiting, &error) == 0 &&
	    waiting > 0) {
		g_autofree char *text = g_strdup_printf("%d", waiting);
		template_data_set(data, "queue_count", text);
	}
	return data;
}

/* Render the top, the page and the bottom. */
void
web_page_render(struct web_request *request, struct web_response *response,
    unsigned status, enum web_page page, struct template_data *data)
{
	const struct web_pages *pages = request->web->pages;
	struct template *parts[] = { pages->top, pages->page[page], pages->bottom };
	g_autoptr(GError) error = NULL;
	GString *out = g_string_new(NULL);
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(parts); i++) {
		char *text = template_render_html(parts[i], data, request->language,
		    &error);
		if (text == NULL)
			break;
		g_string_append(out, text);
		g_free(text);
	}
	template_data_free(data);
	if (error != NULL) {
		/* A page template naming a value the code did not set: a bug. */
		log_error("web: %s", error->message);
		g_string_assign(out, "<!DOCTYPE html><title>500</title><p>The page "
		    "could not be shown (an error in its template). Nothing was "
		    "changed.</p>");
		status = 500;
	}
	g_free(response->body);
	response->status = status;
	response->length = out->len;
	response->body = g_string_free(out, FALSE);
	response->content_type = "text/html; charset=utf-8";
}

/* A message page. */
void
web_message(struct web_request *request, struct web_response *response,
    unsigned status, const char *title, const char *text)
{
	struct template_data *data = web_page_data(request, title);

	template_data_set_labels(data, "message_title",
	    web_text(request->web->pages, title));
	template_data_set_labels(data, "message_text",
	    web_text(request->web->pages, text));
	web_page_render(request, response, status, PAGE_MESSAGE, data);
}

/* Format an ISO time in local time. */
static char *
time_format(const char *iso, const char *format)
{
	g_autoptr(GDateTime) time = iso != NULL ? clock_parse_iso(iso) : NULL;
	g_autoptr(GDateTime) local = time != NULL ? g_date_time_to_local(time) : NULL;

	if (iso == NULL)
		return NULL;
	return local != NULL ? g_date_time_format(local, format) : g_strdup(iso);
}

/* "2026-03-02 09:00". */
char *
web_time(const char *iso)
{
	return time_format(iso, "%Y-%m-%d %H:%M");
}

/* "2026-03-02". */
char *
web_date(const char *iso)
{
	return time_format(iso, "%Y-%m-%d");
}
