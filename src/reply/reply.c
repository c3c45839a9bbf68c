/* reply.c: the reply kinds and their fields, the templates, and the mail built
 * with GMime (RFC 5322 headers, RFC 2047/2231 encodings, RFC 3834 markers). */
#include <string.h>
#include <sys/random.h>

#include <gmime/gmime.h>

#include "base/address.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/timing.h"
#include "register/export.h"
#include "reply/reply.h"
#include "store/store-outbox.h"

/* Fields every mail gets from reply_build. */
#define COMMON_FIELDS "organisation", "registry_address", "request_id", \
	"controller", "contact", "authority", "notice[heading,text]"

static const char *const fields_footer[] = { COMMON_FIELDS, NULL };
static const char *const fields_received[] = { COMMON_FIELDS, "name", "kind",
	"kind_label", "received_date", "due_date", "verification", "approval",
	"objection", "restricted", "disputed", NULL };
static const char *const fields_challenge[] = { COMMON_FIELDS, "name",
	"requests[id,kind_label,checked]", "several", "some_checked", "all_checked",
	"token", "expires_date", NULL };
static const char *const fields_access[] = { COMMON_FIELDS, "name", "files[]",
	NULL };
static const char *const fields_rectification_done[] = { COMMON_FIELDS, "name",
	"changes[field,value]", "recipients_notified", "recipients_held",
	"dispute_ended", NULL };
static const char *const fields_rectification_refused[] = { COMMON_FIELDS,
	"name", "reason", "changes[field,value]", "dispute_ended", NULL };
static const char *const fields_erasure_done[] = { COMMON_FIELDS, "name",
	"recipients_notified", "recipients_held", NULL };
static const char *const fields_erasure_partial[] = { COMMON_FIELDS, "name",
	"kept[what,why,until]", "recipients_notified", "recipients_held", NULL };
static const char *const fields_restricted[] = { COMMON_FIELDS, "name",
	"recipients_notified", "recipients_held", NULL };
static const char *const fields_anonymisation_done[] = { COMMON_FIELDS, "name",
	"partial", "kept[what,why,until]", "recipients_notified",
	"recipients_held", NULL };
static const char *const fields_restriction_lifted[] = { COMMON_FIELDS, "name",
	"lift_date", "reason", NULL };
static const char *const fields_bans_set[] = { COMMON_FIELDS, "name",
	"marketing_ban", "publication_ban", "disclosure_ban", NULL };
static const char *const fields_no_data[] = { COMMON_FIELDS, "address",
	"forwarded", NULL };
static const char *const fields_rejected[] = { COMMON_FIELDS, "name", "kind",
	"kind_label", "reason", "objection", "dispute_ended", NULL };
static const char *const fields_rate_limited[] = { COMMON_FIELDS, "address",
	"rate_limit", "hours", "retry_date", NULL };
static const char *const fields_rate_notice[] = { COMMON_FIELDS, "sender",
	"rate_limit", "hours", "retry_date", NULL };
static const char *const fields_extended[] = { COMMON_FIELDS, "name", "kind",
	"kind_label", "received_date", "due_date", "reason", NULL };
static const char *const fields_oversized[] = { COMMON_FIELDS, "name",
	"requests[id,kind_label]", "several", "received_date", "due_date", "size",
	"limit", "verification", "no_match", "followup", NULL };
static const char *const fields_key_needed[] = { COMMON_FIELDS, "name", "kind",
	"kind_label", NULL };
static const char *const fields_admin_notice[] = { COMMON_FIELDS, "kind",
	"kind_label", "sender", "received_date", "due_date", "hold_reasons[]",
	"changes[field,value]", "awaiting_confirmation", "token", "confidence",
	"uncertain", "possible_extra", "hints[kind_label]", "written_language",
	"reply_language", "fallback", NULL };
static const char *const fields_deadline_reminder[] = { COMMON_FIELDS, "kind",
	"kind_label", "state", "due_date", "days_left", "overdue", NULL };
static const char *const fields_recipient_notice[] = { COMMON_FIELDS,
	"subject_name", "subject_address", "subject_key", "key_label",
	"restricted", "source", "rectified", "erased", "held", "restriction_set",
	"restriction_lifted", "banned", "party_name", "party_address",
	"changes[field,value]", NULL };
static const char *const fields_bounce_notice[] = { COMMON_FIELDS, "template",
	"message_id", "recipient", "error", "expired", "restriction_kept", NULL };
static const char *const fields_signin_link[] = { COMMON_FIELDS, "link",
	"minutes", NULL };
static const char *const fields_signin_revoked[] = { COMMON_FIELDS, "provider",
	"account", "revoked_at", "smtp_too", NULL };

/* Each kind: its name (the template file), its fields, and what the mail
 * is in a few English words, for the command line. */
static const struct {
	const char *name;
	const char *const *fields;
	const char *summary;
} kinds[REPLY_KIND_COUNT] = {
	[REPLY_RECEIVED] = { "received", fields_received, "request received" },
	[REPLY_CHALLENGE] = { "challenge", fields_challenge, "confirmation code" },
	[REPLY_ACCESS] = { "access", fields_access, "the person's data" },
	[REPLY_PORTABILITY] = { "portability", fields_access,
	  "the person's data, to take along" },
	[REPLY_RECTIFICATION_DONE] = { "rectification_done",
	  fields_rectification_done, "correction made" },
	[REPLY_RECTIFICATION_REFUSED] = { "rectification_refused",
	  fields_rectification_refused, "correction refused, with reasons" },
	[REPLY_ERASURE_DONE] = { "erasure_done", fields_erasure_done,
	  "erasure done" },
	[REPLY_ERASURE_PARTIAL] = { "erasure_partial", fields_erasure_partial,
	  "erasure done, with what stays" },
	[REPLY_RESTRICTION_DONE] = { "restriction_done", fields_restricted,
	  "processing restricted" },
	[REPLY_RESTRICTION_LIFTED] = { "restriction_lifted",
	  fields_restriction_lifted, "restriction to be lifted" },
	[REPLY_BANS_SET] = { "bans_set", fields_bans_set, "bans set" },
	[REPLY_ANONYMISATION_DONE] = { "anonymisation_done",
	  fields_anonymisation_done, "data anonymised" },
	[REPLY_NO_DATA] = { "no_data", fields_no_data, "no data for the address" },
	[REPLY_REJECTED] = { "rejected", fields_rejected, "request rejected, "
	  "with the reason" },
	[REPLY_EXTENDED] = { "extended", fields_extended, "deadline extended" },
	[REPLY_OVERSIZED] = { "oversized", fields_oversized, "mail arrived "
	  "without its attachments" },
	[REPLY_OBJECTION_UPHELD] = { "objection_upheld", fields_restricted,
	  "objection upheld: processing stopped" },
	[REPLY_RATE_LIMITED] = { "rate_limited", fields_rate_limited,
	  "mail not handled: over the sender limit" },
	[REPLY_KEY_NEEDED] = { "key_needed", fields_key_needed,
	  "the data waits for the person's key" },
	[REPLY_ADMIN_NOTICE] = { "admin_notice", fields_admin_notice,
	  "admin notice" },
	[REPLY_DEADLINE_REMINDER] = { "deadline_reminder",
	  fields_deadline_reminder, "deadline reminder" },
	[REPLY_RECIPIENT_NOTICE] = { "recipient_notice", fields_recipient_notice,
	  "notice to a recipient of the data" },
	[REPLY_BOUNCE_NOTICE] = { "bounce_notice", fields_bounce_notice,
	  "a mail of ours bounced" },
	[REPLY_SIGNIN_LINK] = { "signin_link", fields_signin_link,
	  "sign-in link for the web page" },
	[REPLY_RATE_NOTICE] = { "rate_notice", fields_rate_notice,
	  "a sender over the rate limit" },
	[REPLY_SIGNIN_REVOKED] = { "signin_revoked", fields_signin_revoked,
	  "the mailbox sign-in was revoked" },
};

/* The request kinds in words, for {{kind_label}} (fi, en, sv). */
static const struct {
	const char *kind;
	const char *text[LANG_COUNT];
} kind_labels[] = {
	{ "access", { "tarkastuspyyntö", "access request", "begäran om tillgång" } },
	{ "portability", { "pyyntö siirtää tiedot", "data portability request",
	  "begäran om dataportabilitet" } },
	{ "rectification", { "oikaisupyyntö", "rectification request",
	  "begäran om rättelse" } },
	{ "erasure", { "poistopyyntö", "erasure request", "begäran om radering" } },
	{ "restriction", { "pyyntö rajoittaa käsittelyä",
	  "request to restrict processing", "begäran om begränsning av behandling" } },
	{ "objection", { "suoramarkkinointikielto", "objection to direct marketing",
	  "invändning mot direktmarknadsföring" } },
	{ "publication", { "kielto julkaista tiedot luettelona",
	  "ban on publishing your data in lists",
	  "förbud mot publicering i förteckningar" } },
	{ "disclosure", { "tietojen luovutuskielto", "ban on disclosing your data",
	  "förbud mot utlämnande av uppgifter" } },
	{ "anonymisation", { "anonymisointipyyntö", "anonymisation request",
	  "begäran om anonymisering" } },
	{ "processing_objection", { "vastustus erityiseen tilanteeseen "
	  "liittyvällä perusteella", "objection on grounds of your particular "
	  "situation", "invändning av skäl som hänför sig till din särskilda "
	  "situation" } },
	{ "unknown", { "pyyntö", "request", "begäran" } },
};

/* Between the Finnish and the English text of a bilingual mail. */
#define BILINGUAL_SEPARATOR "\n========================================\n" \
	"In English\n========================================\n\n"

struct reply_templates {
	char *dir;
	/* The fields every mail shares, built once for the config and notice
	 * (see data_common): [0] without the notice facts, [1] with them. */
	struct template_data *common[2];
	const struct config *common_config;
	const struct notice *common_notice;
	struct template *subject[REPLY_KIND_COUNT][LANG_COUNT];
	struct template *body[REPLY_KIND_COUNT][LANG_COUNT];   /* NULL: not loaded yet */
	struct template *footer[LANG_COUNT];
};

/* The kind's name. */
const char *
reply_kind_name(enum reply_kind kind)
{
	return kinds[kind].name;
}

/* Look a kind up by name. */
int
reply_kind_from_name(const char *name)
{
	int k;

	for (k = 0; k < REPLY_KIND_COUNT; k++)
		if (g_strcmp0(kinds[k].name, name) == 0)
			return k;
	return -1;
}

/* What the mail of a kind is, in words. */
const char *
reply_kind_summary(enum reply_kind kind)
{
	return kinds[kind].summary;
}

/* The kind's declared fields. */
const char *const *
reply_kind_fields(enum reply_kind kind)
{
	return kinds[kind].fields;
}

/* Read a template file: "Subject: ..." on the first line, a blank line, the
 * body. subject is NULL for a file without a subject (the footer). */
static int
templates_read(const char *path, struct template **subject,
    struct template **body, GError **error)
{
	g_autofree char *text = NULL, *subject_text = NULL;
	g_autoptr(GError) local = NULL;
	const char *rest;

	if (!g_file_get_contents(path, &text, NULL, &local) ||
	    !g_utf8_validate(text, -1, NULL)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "template %s: %s; "
		    "every reply needs its template in UTF-8 ([paths] templates)",
		    path, local != NULL ? local->message : "not UTF-8");
		return -1;
	}
	rest = text;
	if (subject != NULL) {
		const char *newline = strchr(text, '\n');
		if (!g_str_has_prefix(text, "Subject: ") || newline == NULL ||
		    newline[1] != '\n') {
			g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "template %s: "
			    "the first line must be \"Subject: ...\", then a blank "
			    "line, then the text", path);
			return -1;
		}
		subject_text = g_strndup(text + 9, (gsize)(newline - text - 9));
		rest = newline + 2;
		if ((*subject = template_parse(subject_text, path, error)) == NULL)
			return -1;
	}
	*body = template_parse(rest, path, error);
	return *body == NULL ? -1 : 0;
}

/* Load and check one template file. */
static int
templates_load_one(const char *dir, enum language language, const char *name,
    const char *const *fields, struct template **subject,
    struct template **body, GError **error)
{
	g_autofree char *file = g_strconcat(name, ".txt", NULL);
	g_autofree char *path = g_build_filename(dir, language_code(language),
	    file, NULL);

	if (templates_read(path, subject, body, error) < 0 ||
	    (subject != NULL && template_check(*subject, fields, error) < 0) ||
	    template_check(*body, fields, error) < 0)
		return -1;
	return 0;
}

/* The templates of kind in language, and the footer of that language,
 * loaded and checked unless they already are. */
static int
templates_need(struct reply_templates *templates, enum reply_kind kind,
    enum language language, GError **error)
{
	const char *dir = templates->dir;

	if (templates->footer[language] == NULL && templates_load_one(dir,
	    language, "footer", fields_footer, NULL, &templates->footer[language],
	    error) < 0)
		return -1;
	if (templates->body[kind][language] != NULL)
		return 0;
	if (templates_load_one(dir, language, kinds[kind].name, kinds[kind].fields,
	    &templates->subject[kind][language], &templates->body[kind][language],
	    error) < 0) {
		g_clear_pointer(&templates->subject[kind][language], template_free);
		g_clear_pointer(&templates->body[kind][language], template_free);
		return -1;
	}
	return 0;
}

/* Templates from dir, none loaded yet. */
struct reply_templates *
reply_templates_open(const char *dir, GError **error)
{
	struct reply_templates *templates;

	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "the templates "
		    "directory %s does not exist; set [paths] templates in the "
		    "config", dir);
		return NULL;
	}
	g_mime_init();
	templates = g_new0(struct reply_templates, 1);
	templates->dir = g_strdup(dir);
	return templates;
}

/* Load every template and check it. */
struct reply_templates *
reply_templates_load(const char *dir, GError **error)
{
	struct reply_templates *templates = reply_templates_open(dir, error);
	int k, l;

	for (l = 0; templates != NULL && l < LANG_COUNT; l++)
		for (k = 0; k < REPLY_KIND_COUNT; k++)
			if (templates_need(templates, k, l, error) < 0) {
				g_clear_pointer(&templates, reply_templates_free);
				break;
			}
	return templates;
}

/* Free the templates. */
void
reply_templates_free(struct reply_templates *templates)
{
	int k, l;

	if (templates == NULL)
		return;
	for (l = 0; l < LANG_COUNT; l++) {
		template_free(templates->footer[l]);
		for (k = 0; k < REPLY_KIND_COUNT; k++) {
			template_free(templates->subject[k][l]);
			template_free(templates->body[k][l]);
		}
	}
	template_data_free(templates->common[0]);
	template_data_free(templates->common[1]);
	g_free(templates->dir);
	g_free(templates);
}

/* Set kind_label from a request kind. */
void
reply_set_kind_label(struct template_data *data, const char *kind)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(kind_labels); i++) {
		if (g_strcmp0(kind, kind_labels[i].kind) == 0) {
			struct labels labels = { { (char *)kind_labels[i].text[0],
			    (char *)kind_labels[i].text[1], (char *)kind_labels[i].text[2] } };
			template_data_set_labels(data, "kind_label", &labels);
		}
	}
}

/* The fields every mail of this config and notice shares (organisation,
 * notice facts), built the first time and kept with the templates: a poll
 * of thousands of mails builds them once. */
static const struct template_data *
data_common(struct reply_templates *templates, const struct config *config,
    const struct notice *notice)
{
	struct template_data **slot = &templates->common[notice != NULL];
	struct template_data *data;
	int f;

	if (templates->common_config != config ||
	    (notice != NULL && templates->common_notice != notice)) {
		/* Another config or notice than last time: start over. */
		g_clear_pointer(&templates->common[0], template_data_free);
		g_clear_pointer(&templates->common[1], template_data_free);
		templates->common_config = config;
		templates->common_notice = notice;
	}
	if (*slot != NULL)
		return *slot;
	*slot = data = template_data_new();
	template_data_set(data, "organisation", config->organisation_name);
	template_data_set(data, "registry_address", config->registry_address);
	template_data_set_list(data, "notice");
	for (f = 0; notice != NULL && f < NOTICE_FACT_COUNT; f++) {
		struct template_data *item = template_data_add_item(data, "notice");
		template_data_set_labels(item, "heading", &notice->heading[f]);
		template_data_set_labels(item, "text", &notice->text[f]);
	}
	if (notice != NULL) {
		template_data_set_labels(data, "controller", &notice->text[NOTICE_CONTROLLER]);
		template_data_set_labels(data, "contact", &notice->text[NOTICE_CONTACT]);
		template_data_set_labels(data, "authority", &notice->text[NOTICE_AUTHORITY]);
	}
	return data;
}

/* Add the fields every mail gets: the shared ones (data_common), request
 * id, kind label, attachment names. */
static void
data_add_common(struct reply_templates *templates, struct template_data *data,
    const struct config *config, const struct notice *notice,
    const struct reply *reply)
{
	guint i;

	template_data_set_base(data, data_common(templates, config, notice));
	template_data_set(data, "request_id", reply->request);
	reply_set_kind_label(data, template_data_get(data, "kind"));
	template_data_set_list(data, "files");
	for (i = 0; reply->bundle != NULL && i < reply->bundle->len; i++)
		template_data_add_text(data, "files",
		    ((struct bundle_file *)reply->bundle->pdata[i])->name);
}

/* Text fit for a header: control characters (CR, LF, TAB, ...) become spaces,
 * runs of space one, ends trimmed. No input reaches a header unescaped. */
static char *
header_clean(const char *text)
{
	GString *out = g_string_new(NULL);
	const char *p;

	for (p = text != NULL ? text : ""; *p != '\0'; p++) {
		char c = ((unsigned char)*p < 0x20 || *p == 0x7f) ? ' ' : *p;
		if (c == ' ' && (out->len == 0 || out->str[out->len - 1] == ' '))
			continue;
		g_string_append_c(out, c);
	}
	if (out->len > 0 && out->str[out->len - 1] == ' ')
		g_string_truncate(out, out->len - 1);
	return g_string_free(out, FALSE);
}

/* Render the subject and the body (with the footer for the data subject) in
 * one language, appending to subject and body. */
static int
render_language(struct reply_templates *templates,
    const struct reply *reply, enum language language, GString *subject,
    GString *body, GError **error)
{
	g_autofree char *s = NULL, *b = NULL, *f = NULL;

	if (templates_need(templates, reply->kind, language, error) < 0)
		return -1;
	s = template_render(templates->subject[reply->kind][language], reply->data,
	    language, error);
	b = s == NULL ? NULL : template_render(templates->body[reply->kind][language],
	    reply->data, language, error);
	if (b == NULL)
		return -1;
	if (reply->kind < REPLY_FIRST_STAFF && (f = template_render(
	    templates->footer[language], reply->data, language, error)) == NULL)
		return -1;
	g_string_append(subject, s);
	g_string_append(body, g_strchomp(b));
	g_string_append_c(body, '\n');
	if (f != NULL)
		g_string_append_printf(body, "\n%s", f);
	return 0;
}

/* Render subject and body: one language, or Finnish then English. */
static int
render_all(struct reply_templates *templates, const struct reply *reply,
    char **subject_out, char **body_out, GError **error)
{
	g_autoptr(GString) subject = g_string_new(NULL);
	g_autoptr(GString) body = g_string_new(NULL);
	g_autofree char *clean = NULL;
	char *p;

	if (reply->language >= 0 && reply->language < LANG_COUNT) {
		if (render_language(templates, reply, reply->language, subject, body,
		    error) < 0)
			return -1;
	} else if (render_language(templates, reply, LANG_FI, subject, body,
	    error) < 0 || (g_string_append(subject, " / "),
	    g_string_append(body, BILINGUAL_SEPARATOR),
	    render_language(templates, reply, LANG_EN, subject, body, error)) < 0)
		return -1;
	clean = header_clean(subject->str);
	*subject_out = reply->request != NULL ?
	    g_strdup_printf("[%s] %s", reply->request, clean) : g_strdup(clean);
	/* Body lines end in LF here; GMime writes CRLF. A lone CR from a field
	 * becomes a line end too. */
	for (p = body->str; *p != '\0'; p++)
		if (*p == '\r')
			*p = p[1] == '\n' ? ' ' : '\n';
	*body_out = g_strdup(body->str);
	return 0;
}

/* A Message-ID in our domain with 128 random bits (getrandom(2)). */
static char *
message_id_new(const char *registry_address)
{
	guint8 random[16];
	const char *domain = strrchr(registry_address, '@');
	GString *id = g_string_new(NULL);
	size_t i;

	if (getrandom(random, sizeof random, 0) != (ssize_t)sizeof random)
		dsr_fatal("getrandom failed: cannot make a Message-ID");
	for (i = 0; i < sizeof random; i++)
		g_string_append_printf(id, "%02x", random[i]);
	g_string_append_printf(id, ".dsrmail@%s", domain != NULL ? domain + 1 :
	    "localhost");
	return g_string_free(id, FALSE);
}

/* A message id from mail we received, without <>, if it is safe to put in a
 * header (printable ASCII, no space or brackets, one @); else NULL. */
static char *
message_id_clean(const char *text)
{
	g_autofree char *id = g_strstrip(g_strdup(text != NULL ? text : ""));
	const char *p;

	if (id[0] == '<' && id[strlen(id) - 1] == '>') {
		memmove(id, id + 1, strlen(id));
		id[strlen(id) - 1] = '\0';
	}
	for (p = id; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("<>()\",;\\", *p) != NULL)
			return NULL;
	if (strchr(id, '@') == NULL)
		return NULL;
	return g_steal_pointer(&id);
}

/* Append the ids of a References or In-Reply-To header, as "<id>" words. */
static int
references_append(GString *out, const char *header)
{
	GMimeReferences *parsed;
	int i, count;

	if (header == NULL || (parsed = g_mime_references_parse(NULL, header)) == NULL)
		return 0;
	count = g_mime_references_length(parsed);
	for (i = 0; i < count; i++) {
		g_autofree char *id = message_id_clean(
		    g_mime_references_get_message_id(parsed, i));
		if (id != NULL)
			g_string_append_printf(out, "%s<%s>", out->len ? " " : "", id);
	}
	g_mime_references_free(parsed);
	return count;
}

/* In-Reply-To and References as RFC 5322 3.6.4 says: the parent's
 * References (or its single In-Reply-To) followed by its Message-ID. */
static void
message_set_thread(GMimeMessage *message, const struct reply *reply)
{
	g_autofree char *parent = message_id_clean(reply->parent_message_id);
	g_autoptr(GString) references = g_string_new(NULL);
	g_autofree char *wrapped = NULL;

	if (parent == NULL)
		return;
	wrapped = g_strdup_printf("<%s>", parent);
	g_mime_object_set_header(GMIME_OBJECT(message), "In-Reply-To", wrapped, NULL);
	if (references_append(references, reply->parent_references) == 0) {
		g_string_truncate(references, 0);
		if (references_append(references, reply->parent_in_reply_to) != 1)
			g_string_truncate(references, 0);
	}
	g_string_append_printf(references, "%s%s", references->len ? " " : "",
	    wrapped);
	g_mime_object_set_header(GMIME_OBJECT(message), "References",
	    references->str, NULL);
}

/* A part of type/subtype holding data as it is (never recoded); text
 * types are labelled UTF-8. */
static GMimePart *
part_new(const char *type, const char *subtype, const char *data, gsize size,
    GMimeContentEncoding encoding)
{
	GMimePart *part = g_ascii_strcasecmp(type, "text") == 0 ?
	    GMIME_PART(g_mime_text_part_new_with_subtype(subtype)) :
	    g_mime_part_new_with_type(type, subtype);
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, size);
	GMimeDataWrapper *wrapper = g_mime_data_wrapper_new_with_stream(stream,
	    GMIME_CONTENT_ENCODING_DEFAULT);

	if (g_ascii_strcasecmp(type, "text") == 0)
		g_mime_object_set_content_type_parameter(GMIME_OBJECT(part),
		    "charset", "utf-8");
	g_mime_part_set_content(part, wrapper);
	g_mime_part_set_content_encoding(part, encoding);
	g_object_unref(wrapper);
	g_object_unref(stream);
	return part;
}

/* The text of the mail: text/plain, UTF-8, quoted-printable. (Not
 * g_mime_text_part_set_text: it recodes to the "best" charset, Latin-1.) */
static GMimeObject *
part_text(const char *body)
{
	return GMIME_OBJECT(part_new("text", "plain", body, strlen(body),
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE));
}

/* One bundle file as an attachment, base64, so its bytes arrive unchanged;
 * a non-ASCII file name is written the RFC 2231 way by GMime. */
static GMimeObject *
part_attachment(const struct bundle_file *file)
{
	g_auto(GStrv) type = g_strsplit(file->content_type, "/", 2);
	gsize size;
	const char *data = g_bytes_get_data(file->data, &size);
	GMimePart *part = part_new(type[0], type[1] != NULL ? type[1] :
	    "octet-stream", data, size, GMIME_CONTENT_ENCODING_BASE64);

	g_mime_part_set_filename(part, file->name);
	return GMIME_OBJECT(part);
}

/* The body: text alone, or multipart/mixed with the bundle. */
static GMimeObject *
message_body(const char *body, GPtrArray *bundle)
{
	GMimeMultipart *mixed;
	GMimeObject *part;
	guint i;

	if (bundle == NULL || bundle->len == 0)
		return part_text(body);
	mixed = g_mime_multipart_new_with_subtype("mixed");
	part = part_text(body);
	g_mime_multipart_add(mixed, part);
	g_object_unref(part);
	for (i = 0; i < bundle->len; i++) {
		part = part_attachment(bundle->pdata[i]);
		g_mime_multipart_add(mixed, part);
		g_object_unref(part);
	}
	return GMIME_OBJECT(mixed);
}

/* Add a mailbox whose name, if any, is encoded as UTF-8 (RFC 2047). */
static void
message_add_mailbox(GMimeMessage *message, GMimeAddressType type,
    const char *name, const char *address)
{
	InternetAddress *mailbox = internet_address_mailbox_new(
	    name != NULL && *name != '\0' ? name : NULL, address);

	internet_address_set_charset(mailbox, "utf-8");
	internet_address_list_add(g_mime_message_get_addresses(message, type),
	    mailbox);
	g_object_unref(mailbox);
}

/* The headers of a reply. */
static void
message_set_headers(GMimeMessage *message, const struct config *config,
    const struct reply *reply, const char *subject, const char *message_id)
{
	GMimeObject *object = GMIME_OBJECT(message);
	g_autofree char *from_name = header_clean(config->organisation_name);
	g_autofree char *to_name = header_clean(reply->to_name);
	g_autoptr(GDateTime) now = clock_now();

	message_add_mailbox(message, GMIME_ADDRESS_TYPE_FROM, from_name,
	    config->registry_address);
	message_add_mailbox(message, GMIME_ADDRESS_TYPE_TO, to_name,
	    reply->to_address);
	g_mime_message_set_subject(message, subject, "utf-8");
	g_mime_message_set_date(message, now);
	g_mime_message_set_message_id(message, message_id);
	message_set_thread(message, reply);
	/* RFC 3834: replies to a person are auto-replied; our own notices
	 * auto-generated. Both keep auto-responders from answering. */
	g_mime_object_set_header(object, "Auto-Submitted", reply->kind <
	    REPLY_FIRST_STAFF ? "auto-replied" : "auto-generated", NULL);
	g_mime_object_set_header(object, "X-Auto-Response-Suppress", "All", NULL);
	g_mime_object_set_header(object, "Content-Language", reply->language >= 0 &&
	    reply->language < LANG_COUNT ? language_code(reply->language) :
	    "fi, en", NULL);
}

/* The whole mail as bytes with CRLF line ends. */
static GBytes *
message_bytes(GMimeMessage *message)
{
	GMimeFormatOptions *format = g_mime_format_options_new();
	GMimeStream *stream = g_mime_stream_mem_new();
	GByteArray *array;
	GBytes *bytes;

	g_mime_format_options_set_newline_format(format, GMIME_NEWLINE_FORMAT_DOS);
	g_mime_object_write_to_stream(GMIME_OBJECT(message), format, stream);
	/* Take the stream's array over rather than copy it. */
	array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
	g_object_unref(stream);
	bytes = g_byte_array_free_to_bytes(array);
	g_mime_format_options_free(format);
	return bytes;
}

/* Render and build a mail. */
int
reply_build(struct reply_templates *templates,
    const struct config *config, const struct notice *notice,
    const struct reply *reply, struct reply_mail *mail, GError **error)
{
	g_autofree char *subject = NULL, *body = NULL;
	GMimeMessage *message;
	GMimeObject *body_part, *content;

	memset(mail, 0, sizeof *mail);
	if (!address_is_plausible(reply->to_address)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "%s mail%s%s: the "
		    "recipient is not one plain e-mail address; nothing queued",
		    reply_kind_name(reply->kind), reply->request ? " for " : "",
		    reply->request ? reply->request : "");
		return -1;
	}
	data_add_common(templates, reply->data, config, notice, reply);
	if (render_all(templates, reply, &subject, &body, error) < 0)
		return -1;
	mail->message_id = message_id_new(config->registry_address);
	message = g_mime_message_new(TRUE);
	message_set_headers(message, config, reply, subject, mail->message_id);
	body_part = message_body(body, reply->bundle);
	content = crypto_seal(reply->crypto, body_part, reply->encrypt_to, error);
	g_object_unref(body_part);
	if (content == NULL) {
		g_object_unref(message);
		reply_mail_clear(mail);
		return -1;
	}
	g_mime_message_set_mime_part(message, content);
	g_object_unref(content);
	mail->raw = message_bytes(message);
	g_object_unref(message);
	return 0;
}

/* Free what a built mail holds. */
void
reply_mail_clear(struct reply_mail *mail)
{
	g_clear_pointer(&mail->message_id, g_free);
	g_clear_pointer(&mail->raw, g_bytes_unref);
}

/* Build and queue, inside the caller's transaction. */
gint64
reply_queue(struct store *store, struct reply_templates *templates,
    const struct config *config, const struct notice *notice,
    const struct reply *reply, GError **error)
{
	struct reply_mail mail;
	struct outbox_mail queued;
	gint64 id;
	int status;

	timing_push(TIMING_REPLY);
	status = reply_build(templates, config, notice, reply, &mail, error);
	timing_pop();
	if (status < 0)
		return -1;
	queued = (struct outbox_mail){ reply->request, reply_kind_name(reply->kind),
	    reply->language >= 0 && reply->language < LANG_COUNT ?
	    language_code(reply->language) : NULL, reply->to_address,
	    mail.message_id, mail.raw };
	id = store_outbox_add(store, &queued, error);
	reply_mail_clear(&mail);
	return id;
}
