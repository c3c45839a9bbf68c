/* reply-test.c: drives the reply library the way the lifecycle will, for the
 * tests (it is built by `make check`, linked with every object but main.o).
 *
 *   reply-test render TEMPLATES_DIR RULES_DIR
 *       TAP: the engine's rules, then every template of every language
 *       rendered with sample data (and again with every optional flag unset):
 *       the mail parses, no "{{" is left, no field is missing; a template
 *       naming an unknown field fails to load; a forgotten field fails.
 *   reply-test queue [--request ID] [--lang fi|en|sv|both] [--only KIND]
 *           [--name NAME] [--to ADDRESS] [--parent MESSAGE-ID] [--count N]
 *       With $DSRMAIL_CONFIG: queue the sample mails in the outbox, one
 *       transaction, and print "KIND LANG OUTBOX-ID MESSAGE-ID" per mail. */
#include <stdio.h>
#include <string.h>

#include <gmime/gmime.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/error.h"
#include "cmd/command.h"
#include "register/export.h"
#include "rules/map.h"
#include "rules/notice.h"
#include "reply/reply.h"
#include "store/store.h"
#include "reply/template.h"

static int test_number;
static int test_failed;

/* Print one TAP result. */
static void
tap(gboolean passed, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void
tap(gboolean passed, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	printf("%s %d - ", passed ? "ok" : "not ok", ++test_number);
	vprintf(format, ap);
	printf("\n");
	va_end(ap);
	if (!passed)
		test_failed++;
}

/* Sample values for text fields, by name. */
static const char *const sample_texts[][2] = {
	{ "name", "Matti" },
	{ "kind", "erasure" },
	{ "received_date", "2026-11-02" },
	{ "due_date", "2026-12-02" },
	{ "verification", "yes" },
	{ "approval", "yes" },
	{ "several", "yes" },
	{ "token", "k3J9xQ2vLm8PzR4tW7yB1cN5" },
	{ "expires_date", "2026-11-09" },
	{ "recipients_notified", "yes" },
	{ "reason", "The phone number on file was confirmed by you on 2025-06-01." },
	{ "lift_date", "2026-12-15" },
	{ "marketing_ban", "yes" },
	{ "publication_ban", "yes" },
	{ "disclosure_ban", "yes" },
	{ "address", "matti@example.org" },
	{ "forwarded", "yes" },
	{ "sender", "matti@example.org" },
	{ "state", "awaiting_approval" },
	{ "days_left", "7" },
	{ "overdue", "yes" },
	{ "subject_name", "Matti Meikäläinen" },
	{ "subject_address", "matti@example.org" },
	{ "rectified", "yes" },
	{ "erased", "yes" },
	{ "template", "access" },
	{ "message_id", "0123abcd.dsrmail@hrmentor.fi" },
	{ "recipient", "matti@example.org" },
	{ "error", "550 5.1.1 mailbox unavailable" },
	{ "expired", "yes" },
	{ "restriction_kept", "yes" },
	{ "partial", "yes" },
	{ "held", "yes" },
	{ "size", "43 MB" },
	{ "limit", "25 MB" },
	{ "no_match", "yes" },
	{ "followup", "yes" },
	{ "awaiting_confirmation", "yes" },
	{ "link", "https://dsr.hrmentor.fi/signin/link?t=K3J9XQ2VLM8PZR4TW7YB1CN5AB" },
	{ "minutes", "15" },
	{ "recipients_held", "yes" },
	{ "dispute_ended", "yes" },
	{ "objection", "yes" },
	{ "disputed", "yes" },
	{ "restricted", "yes" },
	{ "rate_limit", "10" },
	{ "hours", "24" },
	{ "retry_date", "2026-11-03" },
	{ "subject_key", "4" },
	{ "source", "yes" },
	{ "restriction_set", "yes" },
	{ "restriction_lifted", "yes" },
	{ "banned", "yes" },
	{ "party_name", "Taloushallinnon ulkoistuskumppani" },
	{ "party_address", "kirjanpito@tilitoimisto.example" },
	{ "provider", "Microsoft 365" },
	{ "account", "tietosuoja@hrmentor.fi" },
	{ "revoked_at", "2026-11-02T10:00:00Z" },
	{ "smtp_too", "yes" },
	{ "some_checked", "yes" },
	{ "all_checked", "" },      /* some are, some are not */
	{ "confidence", "62%" },
	{ "uncertain", "yes" },
	{ "possible_extra", "yes" },
	{ "written_language", "de" },
	{ "reply_language", "en" },
	{ "fallback", "yes" },
};

/* The flags a section shows or hides: unset in the second rendering. */
static const char *const sample_flags[] = {
	"verification", "approval", "several", "recipients_notified",
	"forwarded", "overdue", "expired", "rectified", "erased",
	"marketing_ban", "publication_ban", "disclosure_ban", "restriction_kept",
	"partial", "held", "no_match", "followup", "awaiting_confirmation",
	"recipients_held", "dispute_ended", "objection", "disputed", "restricted",
	"source", "restriction_set", "restriction_lifted", "banned", "smtp_too",
	"some_checked", "all_checked", "uncertain", "possible_extra", "fallback",
	NULL
};

/* Set labels from three texts. */
static void
set_labels(struct template_data *data, const char *name, const char *fi,
    const char *en, const char *sv)
{
	struct labels labels = { { (char *)fi, (char *)en, (char *)sv } };

	template_data_set_labels(data, name, &labels);
}

/* Fill a list field with sample items; FALSE if the list is unknown. */
static gboolean
sample_list(struct template_data *data, const char *name)
{
	struct template_data *item;

	if (strcmp(name, "changes") == 0) {
		item = template_data_add_item(data, name);
		set_labels(item, "field", "Puhelinnumero", "Phone number", "Telefonnummer");
		template_data_set(item, "value", "+358 40 765 4321");
		item = template_data_add_item(data, name);
		set_labels(item, "field", "Katuosoite", "Street address", "Gatuadress");
		template_data_set(item, "value", "Puijonkatu 2 B 4");
	} else if (strcmp(name, "kept") == 0) {
		item = template_data_add_item(data, name);
		set_labels(item, "what", "Laskut ja niiden tilaukset",
		    "Invoices and their orders", "Fakturor och deras beställningar");
		set_labels(item, "why", "Kirjanpitolaki (1336/1997): kirjanpitoaineisto "
		    "säilytetään 10 vuotta", "Accounting Act (1336/1997): accounting "
		    "records are kept for 10 years", "Bokföringslagen (1336/1997): "
		    "bokföringsmaterial sparas i 10 år");
		template_data_set(item, "until", "2035-12-31");
		item = template_data_add_item(data, name);
		set_labels(item, "what", "Avoin lasku", "An open invoice",
		    "En obetald faktura");
		set_labels(item, "why", "Avoin saatava", "An open claim",
		    "En obetald fordran");
		set_labels(item, "until", "kunnes lasku on maksettu",
		    "until the invoice is paid", "tills fakturan är betald");
	} else if (strcmp(name, "key_label") == 0) {
		set_labels(data, name, "Asiakasnumero", "Customer number", "Kundnummer");
	} else if (strcmp(name, "requests") == 0) {
		item = template_data_add_item(data, name);
		template_data_set(item, "id", "DSR-2026-0042");
		reply_set_kind_label(item, "access");
		item = template_data_add_item(data, name);
		template_data_set(item, "id", "DSR-2026-0043");
		reply_set_kind_label(item, "erasure");
		template_data_set(item, "checked", "yes");
	} else if (strcmp(name, "hints") == 0) {
		reply_set_kind_label(template_data_add_item(data, name), "erasure");
	} else if (strcmp(name, "hold_reasons") == 0) {
		template_data_add_text(data, name, "erasure needs an admin's approval ([policy] approve)");
		template_data_add_text(data, name, "a legal hold applies: open invoice");
	} else {
		return FALSE;
	}
	return TRUE;
}

/* The fields reply_build adds itself. */
static gboolean
field_is_common(const char *name)
{
	static const char *const common[] = { "organisation", "registry_address",
		"request_id", "controller", "contact", "authority", "notice",
		"kind_label", "files", NULL };

	return g_strv_contains(common, name);
}

/* Sample data for a kind; NULL (and *missing set) if a declared field has
 * no sample. */
static struct template_data *
sample_data(enum reply_kind kind, const char *name, gboolean flags,
    char **missing)
{
	struct template_data *data = template_data_new();
	const char *const *field;
	size_t i;

	for (field = reply_kind_fields(kind); *field != NULL; field++) {
		g_autofree char *bare = g_strndup(*field, strcspn(*field, "["));
		gboolean found = field_is_common(bare) || sample_list(data, bare);

		for (i = 0; !found && i < G_N_ELEMENTS(sample_texts); i++)
			if (strcmp(sample_texts[i][0], bare) == 0) {
				gboolean flag = g_strv_contains(sample_flags, bare);
				found = TRUE;
				if (flags || !flag)
					template_data_set(data, bare, sample_texts[i][1]);
			}
		if (!found) {
			*missing = g_steal_pointer(&bare);
			template_data_free(data);
			return NULL;
		}
	}
	if (name != NULL && template_data_has(data, "name"))
		template_data_set(data, "name", name);
	return data;
}

/* Parse a built mail; return its decoded subject and text ("" if none). */
static gboolean
mail_parse(GBytes *raw, char **subject, char **text)
{
	gsize size;
	const char *data = g_bytes_get_data(raw, &size);
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, size);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *message = g_mime_parser_construct_message(parser, NULL);
	GMimeObject *body;

	g_object_unref(parser);
	g_object_unref(stream);
	if (message == NULL)
		return FALSE;
	*subject = g_strdup(g_mime_message_get_subject(message));
	body = g_mime_message_get_body(message);
	*text = GMIME_IS_TEXT_PART(body) ?
	    g_mime_text_part_get_text(GMIME_TEXT_PART(body)) : g_strdup("");
	g_object_unref(message);
	return *subject != NULL;
}

/* The engine's own rules, on small templates. */
static void
test_engine(void)
{
	static const char *const fields[] = { "a", "flag", "list[]",
		"items[x,y]", NULL };
	struct {
		const char *text;
		const char *expected;
	} cases[] = {
		{ "A={{a}}.", "A=1 < 2." },
		{ "{{#flag}}on{{/flag}}{{^flag}}off{{/flag}}", "off" },
		{ "x\n{{#list}}\n- {{.}}\n{{/list}}\ny\n", "x\n- p\n- q\ny\n" },
		{ "{{#items}}{{x}}/{{y}}/{{a}};{{/items}}", "1/one/1 < 2;2/two/1 < 2;" },
		{ "{{! a comment }}{{^list}}never{{/list}}z", "z" },
	};
	struct template_data *data = template_data_new(), *item;
	GError *error = NULL;
	size_t i;

	template_data_set(data, "a", "1 < 2");
	template_data_add_text(data, "list", "p");
	template_data_add_text(data, "list", "q");
	item = template_data_add_item(data, "items");
	template_data_set(item, "x", "1");
	template_data_set(item, "y", "one");
	item = template_data_add_item(data, "items");
	template_data_set(item, "x", "2");
	template_data_set(item, "y", "two");
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct template *template = template_parse(cases[i].text, "case", &error);
		char *out = template && template_check(template, fields, &error) == 0 ?
		    template_render(template, data, LANG_EN, &error) : NULL;
		g_autofree char *shown = g_strescape(cases[i].text, NULL);
		g_autofree char *got = g_strescape(out ? out : "(null)", NULL);
		tap(g_strcmp0(out, cases[i].expected) == 0, "engine: %s renders as "
		    "expected (got \"%s\"%s%s)", shown, got, error ? ": " : "",
		    error ? error->message : "");
		g_clear_error(&error);
		g_free(out);
		template_free(template);
	}
	template_data_free(data);
}

/* Templates that must not load or render. */
static void
test_engine_refuses(void)
{
	static const char *const fields[] = { "a", "list[]", NULL };
	const char *bad[] = { "{{unknown}}", "{{#a}}open", "{{/a}}", "{{a", "{{list}}",
		"{{#list}}{{a}}{{b}}{{/list}}", "{{.}}" };
	GError *error = NULL;
	struct template_data *data = template_data_new();
	struct template *template;
	char *out;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		template = template_parse(bad[i], "bad.txt", &error);
		gboolean refused = template == NULL ||
		    template_check(template, fields, &error) < 0;
		tap(refused && error != NULL && strstr(error->message, "bad.txt:1") != NULL,
		    "engine: \"%s\" is refused at load (%s)", bad[i],
		    error ? error->message : "accepted");
		g_clear_error(&error);
		template_free(template);
	}
	template = template_parse("x{{a}}y", "forgotten.txt", &error);
	out = template_render(template, data, LANG_FI, &error);
	tap(out == NULL && error != NULL && error->code == DSR_ERROR_SOFTWARE,
	    "engine: a declared field the code did not give fails, never blank");
	g_clear_error(&error);
	g_free(out);
	template_free(template);
	template_data_free(data);
}

/* Copy the templates to a temporary directory with one file spoiled. */
static void
test_unknown_field_in_file(const char *dir)
{
	g_autofree char *copy = g_dir_make_tmp("reply-test-XXXXXX", NULL);
	g_autofree char *command = g_strdup_printf("cp -R '%s'/. '%s' && printf "
	    "'\\n{{shoe_size}}\\n' >> '%s/sv/erasure_partial.txt'", dir, copy, copy);
	g_autofree char *cleanup = g_strdup_printf("rm -rf '%s'", copy);
	GError *error = NULL;
	struct reply_templates *templates;

	if (system(command) != 0) {
		tap(FALSE, "could not copy the templates");
		return;
	}
	templates = reply_templates_load(copy, &error);
	tap(templates == NULL && error != NULL &&
	    strstr(error->message, "sv/erasure_partial.txt") != NULL &&
	    strstr(error->message, "shoe_size") != NULL,
	    "a template naming an unknown field fails to load (%s)",
	    error ? error->message : "it loaded");
	g_clear_error(&error);
	reply_templates_free(templates);
	if (system(cleanup) != 0)
		tap(FALSE, "could not remove %s", copy);
}

/* Render one kind in one language with sample data and check the mail. */
static void
test_render_one(struct reply_templates *templates,
    const struct config *config, const struct notice *notice,
    enum reply_kind kind, int language, gboolean flags)
{
	g_autofree char *missing = NULL, *subject = NULL, *text = NULL;
	struct template_data *data = sample_data(kind, NULL, flags, &missing);
	struct reply reply = { kind, "DSR-2026-0042", language, "matti@example.org",
		"Matti Meikäläinen", "request.1@example.org", NULL, NULL, NULL, data,
		NULL, NULL };
	struct reply_mail mail = { 0 };
	GError *error = NULL;
	const char *lang = language < 0 ? "fi+en" : language_code(language);
	gboolean built = data != NULL &&
	    reply_build(templates, config, notice, &reply, &mail, &error) == 0;
	gboolean parsed = built && mail_parse(mail.raw, &subject, &text);

	tap(parsed && strstr(subject, "{{") == NULL && strstr(text, "{{") == NULL &&
	    strstr(text, "}}") == NULL && g_str_has_prefix(subject, "[DSR-2026-0042] "),
	    "%s %s%s: renders, parses, no {{ left%s%s%s%s", reply_kind_name(kind),
	    lang, flags ? "" : " (flags unset)", missing ? "; no sample for " : "",
	    missing ? missing : "", error ? ": " : "", error ? error->message : "");
	g_clear_error(&error);
	reply_mail_clear(&mail);
	template_data_free(data);
}

/* reply-test render TEMPLATES_DIR RULES_DIR */
static int
command_render(const char *dir, const char *rules)
{
	g_autofree char *notice_path = g_build_filename(rules, "notice.conf", NULL);
	struct config config = { 0 };
	struct notice *notice;
	struct reply_templates *templates;
	GError *error = NULL;
	int k, l;

	config.organisation_name = (char *)"HR Mentor Oy";
	config.registry_address = (char *)"tietosuoja@hrmentor.fi";
	notice = notice_load(notice_path, &error);
	templates = notice ? reply_templates_load(dir, &error) : NULL;
	printf("1..%d\n", 5 + 7 + 1 + 1 + 1 + REPLY_KIND_COUNT * 3 * 2 +
	    REPLY_FIRST_STAFF * 2);
	test_engine();
	test_engine_refuses();
	test_unknown_field_in_file(dir);
	tap(templates != NULL, "every template in %s loads and checks%s%s", dir,
	    error ? ": " : "", error ? error->message : "");
	if (templates == NULL)
		return 1;
	for (k = 0; k < REPLY_KIND_COUNT; k++)
		for (l = k < REPLY_FIRST_STAFF ? -1 : 0; l < LANG_COUNT; l++) {
			test_render_one(templates, &config, notice, k, l, TRUE);
			test_render_one(templates, &config, notice, k, l, FALSE);
		}
	reply_templates_free(templates);
	notice_free(notice);
	return test_failed > 0;
}

/* Options of reply-test queue. */
struct queue_options {
	char *request, *lang, *only, *name, *to, *parent;
	int count;
};

/* Queue one sample mail of kind in language. */
static int
queue_one(struct context *opened, const struct queue_options *options,
    enum reply_kind kind, int language, GError **error)
{
	g_autofree char *missing = NULL;
	g_autoptr(GDateTime) now = clock_now();
	struct template_data *data = sample_data(kind, options->name, TRUE, &missing);
	struct reply reply = { kind, options->request, language,
		kind < REPLY_FIRST_STAFF ? options->to : opened->config->admins[0],
		kind < REPLY_FIRST_STAFF ? options->name : NULL, options->parent,
		NULL, NULL, NULL, data, NULL, NULL };
	gint64 id = -1;

	if (data == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_SOFTWARE, "no sample for %s",
		    missing);
		return -1;
	}
	if (kind == REPLY_ACCESS || kind == REPLY_PORTABILITY)
		reply.bundle = export_bundle_build(opened->store, opened->map,
		    opened->notice, opened->config, options->to,
		    language < 0 ? LANG_FI : language, now, error);
	if (reply.bundle != NULL || (kind != REPLY_ACCESS && kind != REPLY_PORTABILITY))
		id = reply_queue(opened->store, opened->templates, opened->config,
		    opened->notice, &reply, error);
	if (id > 0)
		printf("%s %s %" G_GINT64_FORMAT "\n", reply_kind_name(kind),
		    language < 0 ? "both" : language_code(language), id);
	if (reply.bundle != NULL)
		g_ptr_array_unref(reply.bundle);
	template_data_free(data);
	return id > 0 ? 0 : -1;
}

/* Queue every selected kind and language, count times, in one transaction. */
static int
queue_all(struct context *opened, const struct queue_options *options,
    GError **error)
{
	int k, l, n, language = -2;

	if (options->lang != NULL && strcmp(options->lang, "both") != 0)
		language = language_from_code(options->lang);
	else if (options->lang != NULL)
		language = -1;
	if (store_begin(opened->store, error) < 0)
		return -1;
	for (n = 0; n < options->count; n++)
		for (k = 0; k < REPLY_KIND_COUNT; k++) {
			if (options->only != NULL &&
			    strcmp(options->only, reply_kind_name(k)) != 0)
				continue;
			for (l = -1; l < LANG_COUNT; l++) {
				if ((language != -2 && l != language) ||
				    (l < 0 && k >= REPLY_FIRST_STAFF))
					continue;
				if (queue_one(opened, options, k, l, error) < 0) {
					store_rollback(opened->store);
					return -1;
				}
			}
		}
	return store_commit(opened->store, error);
}

/* reply-test queue [options] */
static int
command_queue(int argc, char **argv)
{
	struct queue_options options = { NULL, NULL, NULL, NULL, NULL, NULL, 1 };
	GOptionEntry entries[] = {
		{ "request", 0, 0, G_OPTION_ARG_STRING, &options.request, "", "ID" },
		{ "lang", 0, 0, G_OPTION_ARG_STRING, &options.lang, "", "L" },
		{ "only", 0, 0, G_OPTION_ARG_STRING, &options.only, "", "KIND" },
		{ "name", 0, 0, G_OPTION_ARG_FILENAME, &options.name, "", "NAME" },
		{ "to", 0, 0, G_OPTION_ARG_STRING, &options.to, "", "ADDRESS" },
		{ "parent", 0, 0, G_OPTION_ARG_STRING, &options.parent, "", "ID" },
		{ "count", 0, 0, G_OPTION_ARG_INT, &options.count, "", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *context = g_option_context_new("queue");
	struct context opened = { 0 };
	GError *error = NULL;
	int rc = 1;

	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, &argc, &argv, &error))
		goto out;
	if (options.to == NULL)
		options.to = g_strdup("matti@example.org");
	if (command_open(&opened, NEEDS_MAP | NEEDS_NOTICE | NEEDS_TEMPLATES,
	    &error) == 0 && queue_all(&opened, &options,
	    &error) == 0)
		rc = 0;
out:
	if (error != NULL)
		fprintf(stderr, "reply-test: %s\n", error->message);
	g_clear_error(&error);
	g_free(options.request);
	g_free(options.lang);
	g_free(options.only);
	g_free(options.name);
	g_free(options.to);
	g_free(options.parent);
	command_close(&opened);
	g_option_context_free(context);
	return rc;
}

int
main(int argc, char **argv)
{
	if (clock_init(NULL) < 0)
		return 1;
	if (argc == 4 && strcmp(argv[1], "render") == 0)
		return command_render(argv[2], argv[3]);
	if (argc >= 2 && strcmp(argv[1], "queue") == 0)
		return command_queue(argc - 1, argv + 1);
	fprintf(stderr, "usage: reply-test render TEMPLATES_DIR RULES_DIR | "
	    "queue [options]\n");
	return 64;
}
