/* intake.c: one mail in. Parse (mime.c), screen (RFC 3834 and DESIGN.md
 * "Mail hygiene"), identify the sender, classify (classify.c), and store the
 * raw mail with its requests in one transaction (store-request.c). The
 * commands (deliver, poll) then hand the result to the lifecycle. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/address.h"
#include "request/classify.h"
#include "base/clock.h"
#include "base/context.h"
#include "base/config.h"
#include "base/error.h"
#include "request/intake.h"
#include "base/log.h"
#include "mail/crypto.h"
#include "mail/mime.h"
#include "base/regex.h"
#include "base/timing.h"
#include "store/store-crypto.h"
#include "store/store-event.h"
#include "store/store-register.h"
#include "store/store-request.h"

/* What an oversized mail keeps of its header section when it has no text
 * part in its first intake_oversized_keep() bytes. */
#define OVERSIZED_HEADERS (64 * 1024)

/* One mail on its way through intake. */
struct intake {
	struct context *context;
	const struct intake_source *source;
	GBytes *kept;             /* what is stored as raw */
	gint64 size;
	char *sha256;
	struct mime_mail mail;
	char *sender;             /* normalised From, or NULL */
	char *dmarc, *dkim;
	const char *screened;     /* a reason (static text), or NULL */
	gboolean oversized;       /* over max_message_size: kept is its start */
	gint64 bounced_outbox;
	char *bounced_request;
	char *continued;          /* the known request id the Subject names */
	struct classify_result classified;
	GArray *subjects;         /* gint64 register keys */
	GDateTime *now;
	gint64 message;
	struct crypto_mail crypto; /* its signature and keys, when checked */
};

/* The compiled rules, kept across the mails of one run (poll reads many). */
static struct classify_rules *intake_rules;
static char *intake_rules_path;

/* rules/classify.rules of the config, loaded once per path. */
static struct classify_rules *
intake_classify_rules(const struct config *config, GError **error)
{
	g_autofree char *path = g_build_filename(config->rules_dir,
	    "classify.rules", NULL);

	if (intake_rules != NULL && g_strcmp0(path, intake_rules_path) == 0)
		return intake_rules;
	classify_free(intake_rules);
	g_free(intake_rules_path);
	intake_rules_path = g_steal_pointer(&path);
	intake_rules = classify_load(intake_rules_path, error);
	return intake_rules;
}

/* Drop the kept rules (see intake.h). */
void
intake_forget_rules(void)
{
	classify_free(intake_rules);
	intake_rules = NULL;
	g_clear_pointer(&intake_rules_path, g_free);
}

/* Where the mail starts after an mbox "From " envelope line. */
static gsize
raw_skip_envelope(const char *data, gsize length)
{
	const char *end;

	if (length < 5 || memcmp(data, "From ", 5) != 0)
		return 0;
	end = memchr(data, '\n', length);
	return end == NULL ? length : (gsize)(end - data) + 1;
}

/* The header section of a mail (up to the first empty line), at most
 * OVERSIZED_HEADERS bytes. */
static GBytes *
raw_header_section(GBytes *raw)
{
	gsize length, i;
	const char *data = g_bytes_get_data(raw, &length);

	if (length > OVERSIZED_HEADERS)
		length = OVERSIZED_HEADERS;
	for (i = 0; i + 1 < length; i++) {
		if (data[i] == '\n' && (data[i + 1] == '\n' ||
		    (data[i + 1] == '\r' && i + 2 < length && data[i + 2] == '\n'))) {
			length = i + 1;
			break;
		}
	}
	return g_bytes_new(data, length);
}

/* How much of an oversized mail intake keeps at most (see intake.h). */
gint64
intake_oversized_keep(const struct config *config)
{
	return MIN((gint64)INTAKE_OVERSIZED_KEEP, config->max_message_size);
}

/* What an oversized mail keeps: its start up to the end of its first text
 * part (so its headers and the request it carries, without the
 * attachments), looked for in its first intake_oversized_keep() bytes;
 * without a text part there, its header section. */
static GBytes *
raw_oversized_start(const struct config *config, GBytes *raw)
{
	gsize keep = (gsize)MIN(intake_oversized_keep(config),
	    (gint64)g_bytes_get_size(raw));
	g_autoptr(GBytes) start = g_bytes_new_from_bytes(raw, 0, keep);
	gsize end = mime_first_text_end(start);

	return end > 0 ? g_bytes_new_from_bytes(raw, 0, end) : raw_header_section(start);
}

/* Parse the mail; of one too big, only its start (raw_oversized_start). */
static void
intake_parse(struct intake *intake, GBytes *raw)
{
	const struct config *config = intake->context->config;
	gsize length;
	const char *data = g_bytes_get_data(raw, &length);
	gsize skip = data != NULL ? raw_skip_envelope(data, length) : 0;

	intake->size = intake->source->size > 0 ? intake->source->size : (gint64)length;
	intake->sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
	    (const guchar *)(data != NULL ? data + skip : ""), length - skip);
	if (intake->size > config->max_message_size) {
		intake->oversized = TRUE;
		intake->kept = raw_oversized_start(config, raw);
		mime_mail_parse(intake->kept, &intake->mail);
	} else {
		intake->kept = g_bytes_ref(raw);
		mime_mail_parse(raw, &intake->mail);
	}
	if (intake->mail.from_address != NULL)
		intake->sender = address_normalise(intake->mail.from_address);
}

/* The verdicts of a trusted Authentication-Results header (RFC 8601): the
 * first one whose authserv-id is trusted_authserv_id; others are ignored,
 * as anyone can write such a header into a mail. */
static void
intake_authentication(struct intake *intake)
{
	const char *trusted = intake->context->config->trusted_authserv_id;
	static GRegex *comment_slot, *result_slot;
	GRegex *comment = regex_get(&comment_slot, "\\([^()]*\\)", 0);
	GRegex *result = regex_get(&result_slot, "(?:^|;)\\s*(dkim|dmarc)\\s*=\\s*"
	    "([A-Za-z]+)", G_REGEX_CASELESS);
	guint i;

	for (i = 0; trusted != NULL && i < intake->mail.headers->len; i++) {
		const char *line = intake->mail.headers->pdata[i];
		g_autofree char *value = NULL, *id = NULL;
		g_autoptr(GMatchInfo) match = NULL;

		if (g_ascii_strncasecmp(line, "Authentication-Results\t", 23) != 0)
			continue;
		value = g_regex_replace_literal(comment, line + 23, -1, 0, "", 0, NULL);
		id = g_strndup(value, strcspn(value, ";"));
		g_strstrip(id);
		id[strcspn(id, " \t")] = '\0';
		if (g_ascii_strcasecmp(id, trusted) != 0)
			continue;
		g_regex_match(result, value, 0, &match);
		for (; g_match_info_matches(match); g_match_info_next(match, NULL)) {
			g_autofree char *method = g_match_info_fetch(match, 1);
			g_autofree char *written = g_match_info_fetch(match, 2);
			char *verdict = g_ascii_strdown(written, -1);
			char **slot = g_ascii_strcasecmp(method, "dkim") == 0 ?
			    &intake->dkim : &intake->dmarc;

			/* Several DKIM signatures: one that passes is enough. */
			if (*slot == NULL || g_str_equal(verdict, "pass")) {
				g_free(*slot);
				*slot = verdict;
			} else
				g_free(verdict);
		}
		return;
	}
}

/* RFC 3834 and list headers: a reason not to answer, or NULL. */
static const char *
screen_headers(const struct mime_mail *mail)
{
	const char *value;

	value = mime_mail_header(mail, "Auto-Submitted");
	if (value != NULL && g_ascii_strncasecmp(value + strspn(value, " \t"),
	    "no", 2) != 0)
		return "auto_reply";
	if (mime_mail_header(mail, "X-Autoreply") != NULL ||
	    mime_mail_header(mail, "X-Autorespond") != NULL ||
	    mime_mail_header(mail, "X-Auto-Response-Suppress") != NULL)
		return "auto_reply";
	value = mime_mail_header(mail, "Precedence");
	if (value != NULL && (strstr(value, "bulk") != NULL || strstr(value, "junk") != NULL))
		return "bulk";
	if ((value != NULL && strstr(value, "list") != NULL) ||
	    mime_mail_header(mail, "List-Id") != NULL)
		return "list";
	return NULL;
}

/* TRUE when the mail has no sender that could be answered. */
static gboolean
screen_null_sender(const struct intake *intake)
{
	const char *from = intake->sender;

	if (intake->mail.return_path != NULL && *intake->mail.return_path == '\0')
		return TRUE;
	return from == NULL || *from == '\0' ||
	    g_str_has_prefix(from, "mailer-daemon@") || g_str_equal(from, "mailer-daemon");
}

/* A report: tie it to our outbox mail it returns, if it is one. */
static int
screen_bounce(struct intake *intake, GError **error)
{
	guint i;

	for (i = 0; i < intake->mail.reported_ids->len; i++) {
		int found = store_outbox_find(intake->context->store,
		    intake->mail.reported_ids->pdata[i], &intake->bounced_outbox,
		    &intake->bounced_request, error);
		if (found != 0)
			return found < 0 ? -1 : 0;
	}
	return 0;
}

/* Over sender_rate: more mails from this sender in the period than allowed. */
static int
screen_rate(struct intake *intake, gboolean *over, GError **error)
{
	const struct rate *rate = &intake->context->config->sender_rate;
	const struct duration period = { 0, rate->period_seconds };
	g_autoptr(GDateTime) since = duration_subtract(intake->now, &period);
	g_autofree char *since_text = clock_format_iso(since);
	gint64 count;

	*over = FALSE;
	if (rate->count <= 0 || intake->sender == NULL)
		return 0;
	count = store_message_count_from(intake->context->store, intake->sender,
	    since_text, error);
	if (count < 0)
		return -1;
	*over = count >= rate->count;
	return 0;
}

/* Decide whether the mail is to be ignored, and why (DESIGN.md "Mail
 * hygiene"); the first reason that applies is recorded. */
static int
intake_screen(struct intake *intake, GError **error)
{
	const struct config *config = intake->context->config;
	const struct mime_mail *mail = &intake->mail;
	gint64 outbox = 0;
	g_autofree char *request = NULL;
	gboolean over;
	int own;

	if (intake->screened != NULL)
		return 0;
	if (!mail->parsed || (mail->from_address == NULL && mail->subject == NULL &&
	    mail->message_id == NULL && mail->date == NULL))
		intake->screened = "unparsable";
	else if (mail->is_report) {
		intake->screened = "bounce";
		return screen_bounce(intake, error);
	} else if (screen_null_sender(intake))
		intake->screened = "null_sender";
	else if (g_ascii_strcasecmp(intake->sender, config->registry_address) == 0)
		intake->screened = "own_address";
	if (intake->screened != NULL)
		return 0;
	if (mail->message_id != NULL) {
		own = store_outbox_find(intake->context->store, mail->message_id,
		    &outbox, &request, error);
		if (own < 0)
			return -1;
		if (own > 0) {
			intake->screened = "own_message";
			return 0;
		}
	}
	if ((intake->screened = screen_headers(mail)) != NULL)
		return 0;
	if (screen_rate(intake, &over, error) < 0)
		return -1;
	if (over)
		intake->screened = "sender_rate";
	return 0;
}

/* A Subject's [DSR-YYYY-NNNN] that names a request it continues, or NULL. */
static int
intake_continued(struct intake *intake, GError **error)
{
	static GRegex *slot;
	GRegex *regex = regex_get(&slot, "\\[(DSR-[0-9]{4}-[0-9]{4,})\\]",
	    G_REGEX_CASELESS);
	g_autoptr(GMatchInfo) match = NULL;

	if (intake->mail.subject == NULL)
		return 0;
	g_regex_match(regex, intake->mail.subject, 0, &match);
	for (; g_match_info_matches(match); g_match_info_next(match, NULL)) {
		g_autofree char *written = g_match_info_fetch(match, 1);
		g_autofree char *id = g_ascii_strup(written, -1);
		int found = store_request_continues(intake->context->store, id, error);

		if (found < 0)
			return -1;
		if (found > 0) {
			intake->continued = g_steal_pointer(&id);
			return 0;
		}
	}
	return 0;
}

/* The register subjects whose match column is the sender's address. */
static int
intake_identify(struct intake *intake, GError **error)
{
	if (intake->sender == NULL || !address_is_plausible(intake->sender)) {
		intake->subjects = g_array_new(FALSE, FALSE, sizeof(gint64));
		return 0;
	}
	intake->subjects = store_register_find(intake->context->store,
	    intake->context->map, intake->sender, error);
	return intake->subjects == NULL ? -1 : 0;
}

/* The reply language code: the mail's own when dsrmail has templates in
 * it, [organisation] fallback_language for any other language it could
 * tell (never a guessed one of ours), NULL (Finnish and English) when it
 * could not tell. */
static const char *
intake_language(const struct intake *intake)
{
	if (intake->classified.language >= 0)
		return language_code(intake->classified.language);
	return intake->classified.written != NULL ?
	    intake->context->config->fallback_language : NULL;
}

/* The kinds the mail only hinted at, as a comma list (a new string), or
 * NULL. */
static char *
intake_hints(const struct intake *intake)
{
	GPtrArray *hints = intake->classified.hints;

	if (hints == NULL || hints->len == 0)
		return NULL;
	g_ptr_array_add(hints, NULL);
	g_autofree char *list = g_strjoinv(",", (char **)hints->pdata);
	g_ptr_array_remove_index(hints, hints->len - 1);
	return g_steal_pointer(&list);
}

/* Store the mail itself. */
static int
intake_store_message(struct intake *intake, GError **error)
{
	g_autofree char *received = clock_format_iso(intake->now);
	g_autofree char *hints = intake_hints(intake);
	struct message_record record = {
		.message_id = intake->mail.message_id,
		.sha256 = intake->sha256,
		.source = intake->source->kind == INTAKE_IMAP ? "imap" : "deliver",
		.imap_uidvalidity = intake->source->kind == INTAKE_IMAP ?
		    intake->source->uidvalidity : 0,
		.imap_uid = intake->source->uid,
		.received_at = received,
		.size = intake->size,
		.from_address = intake->sender,
		.from_name = intake->mail.from_name,
		.reply_to = intake->mail.reply_to,
		.return_path = intake->mail.return_path,
		.subject = intake->mail.subject,
		.language = intake_language(intake),
		.written_language = intake->classified.written,
		.hints = hints,
		.dmarc = intake->dmarc,
		.dkim = intake->dkim,
		.screened = intake->screened,
		.raw = intake->kept,
		.oversized = intake->oversized,
	};

	intake->message = store_message_add(intake->context->store, &record, error);
	return intake->message < 0 ? -1 : 0;
}

/* Append an event about this mail. */
static int
intake_event(struct intake *intake, const char *request, const char *type,
    const char *detail, gint64 outbox, GError **error)
{
	struct event event = { request, type, "system", detail, intake->message, outbox };

	return store_event_add(intake->context->store, &event, error) < 0 ? -1 : 0;
}

/* Open one request of kind in state, with its subjects and first event;
 * classified: the classifier's confidence and mark, or NULL. */
static char *
intake_open_request(struct intake *intake, const char *kind, const char *state,
    const struct classify_kind *classified, GError **error)
{
	struct request_record record = { kind, state, intake->message,
	    intake->sender, intake_language(intake), intake->now, NULL,
	    classified != NULL && strcmp(kind, "unknown") != 0 ?
	    classified->confidence : -1, classified != NULL ? classified->mark : NULL };
	g_autofree char *detail = NULL;
	char *id = store_request_add(intake->context->store, &record, error);
	guint i;

	if (id == NULL)
		return NULL;
	for (i = 0; i < intake->subjects->len; i++)
		if (store_request_add_subject(intake->context->store, id,
		    g_array_index(intake->subjects, gint64, i), error) < 0)
			goto fail;
	detail = store_event_detail("subjects", intake->subjects->len, "kind", kind,
	    "reason", intake->screened, "dmarc", intake->dmarc, "dkim",
	    intake->dkim, "oversized", intake->oversized ? "yes" : NULL, NULL);
	if (intake_event(intake, id, intake->screened != NULL ? "ignored" :
	    "received", detail, 0, error) < 0)
		goto fail;
	return id;
fail:
	g_free(id);
	return NULL;
}

/* Store the proposed changes of a rectification request. */
static int
intake_store_changes(struct intake *intake, const char *request, GError **error)
{
	guint i;

	for (i = 0; i < intake->classified.changes->len; i++) {
		const struct classify_change *change = intake->classified.changes->pdata[i];
		/* The column comes from the map only (N22: never from mail text). */
		struct map_column *column = map_find_rectifiable(intake->context->map,
		    change->field);

		if (column == NULL && change->alias != NULL)
			column = map_find_rectifiable(intake->context->map, change->alias);
		if (store_request_add_change(intake->context->store, request,
		    change->field, column != NULL ? column->name : NULL, change->value,
		    error) < 0)
			return -1;
	}
	return 0;
}

/* A screened mail: tie a bounce to our outbox mail, note it on a request
 * it continues, or open an `ignored` request the admins can see. */
static int
intake_store_screened(struct intake *intake, struct intake_result *result,
    GError **error)
{
	g_autofree char *detail = store_event_detail(NULL, 0, "reason",
	    intake->screened, NULL);
	char *id;

	if (intake->bounced_outbox != 0) {
		if (store_outbox_mark_bounced(intake->context->store,
		    intake->bounced_outbox, "bounced: a delivery report came back",
		    error) < 0 || intake_event(intake, intake->bounced_request,
		    "bounced", detail, intake->bounced_outbox, error) < 0)
			return -1;
		if (intake->bounced_request != NULL)
			g_ptr_array_add(result->requests, g_strdup(intake->bounced_request));
		return 0;
	}
	if (intake->continued != NULL) {
		if (intake_event(intake, intake->continued, "ignored_mail", detail, 0,
		    error) < 0)
			return -1;
		g_ptr_array_add(result->requests, g_strdup(intake->continued));
		return 0;
	}
	if ((id = intake_open_request(intake, "unknown", "ignored", NULL, error)) == NULL)
		return -1;
	g_ptr_array_add(result->requests, id);
	return 0;
}

/* Open a request per kind the mail asks for, or continue a known one. */
static int
intake_store_requests(struct intake *intake, struct intake_result *result,
    GError **error)
{
	guint i;

	if (intake->continued != NULL) {
		g_autofree char *detail = store_event_detail(NULL, 0, "language",
		    intake_language(intake), "oversized", intake->oversized ? "yes" :
		    NULL, NULL);
		if (intake_event(intake, intake->continued, "followup", detail, 0,
		    error) < 0)
			return -1;
		g_ptr_array_add(result->requests, g_strdup(intake->continued));
		result->continued = TRUE;
		return 0;
	}
	for (i = 0; i < intake->classified.kinds->len; i++) {
		const char *kind = intake->classified.kinds->pdata[i];
		char *id = intake_open_request(intake, kind, "received",
		    classify_result_find(&intake->classified, kind), error);

		if (id == NULL)
			return -1;
		g_ptr_array_add(result->requests, id);
		if (g_str_equal(kind, "rectification") &&
		    intake_store_changes(intake, id, error) < 0)
			return -1;
	}
	return 0;
}

/* The signature's event detail: how it was checked, not who signed (that
 * stays in dsr_signatures, which an erasure can blank). */
static char *
signature_detail(const struct crypto_signature *signature, gint64 row)
{
	return store_event_detail("signature", row, "protocol",
	    crypto_protocol_name(signature->protocol), "status", signature->status,
	    "key_id", signature->key_id, "fingerprint", signature->fingerprint,
	    "problem", signature->problem, NULL);
}

/* Record what crypto_mail_read found: the signature, the attached keys
 * bound to the sender, and an event about each on every request the mail
 * opened or continued. */
static int
intake_store_crypto(struct intake *intake, GPtrArray *requests, GError **error)
{
	const struct crypto_signature *signature = &intake->crypto.signature;
	g_autofree char *now = clock_format_iso(intake->now);
	g_autofree char *detail = NULL;
	guint i, r;

	if (intake->crypto.is_signed) {
		struct signature_record record = { intake->message,
		    crypto_protocol_name(signature->protocol), signature->status,
		    signature->trusted, signature->bound, signature->signer,
		    signature->address, signature->key_id, signature->fingerprint, now };
		gint64 row = store_signature_add(intake->context->store, &record, error);

		if (row < 0)
			return -1;
		detail = signature_detail(signature, row);
		for (r = 0; r < requests->len; r++)
			if (intake_event(intake, requests->pdata[r], "signature", detail, 0,
			    error) < 0)
				return -1;
	}
	for (i = 0; intake->crypto.keys != NULL && i < intake->crypto.keys->len; i++) {
		const struct crypto_key *key = intake->crypto.keys->pdata[i];
		g_autofree char *about = store_event_detail(NULL, 0, "protocol",
		    crypto_protocol_name(key->protocol), "fingerprint",
		    key->fingerprint, NULL);

		if (store_key_add(intake->context->store, intake->sender,
		    crypto_protocol_name(key->protocol), key->fingerprint, "attachment",
		    intake->message, now, error) < 0)
			return -1;
		for (r = 0; r < requests->len; r++)
			if (intake_event(intake, requests->pdata[r], "key_received", about,
			    0, error) < 0)
				return -1;
	}
	return 0;
}

/* Everything inside the transaction: dedupe, screen, identify, store. */
static int
intake_transaction(struct intake *intake, struct intake_result *result,
    GError **error)
{
	struct store *store = intake->context->store;
	gint64 earlier = store_message_find(store, intake->mail.message_id,
	    intake->sha256, intake->source->kind == INTAKE_IMAP ?
	    intake->source->uidvalidity : 0, intake->source->uid, error);
	int status;

	if (earlier < 0)
		return -1;
	if (earlier > 0) {
		GPtrArray *ids = store_message_requests(store, earlier, error);
		if (ids == NULL)
			return -1;
		g_ptr_array_extend_and_steal(result->requests, ids);
		result->duplicate = TRUE;
		result->message = earlier;
		return 0;
	}
	timing_push(TIMING_SCREEN);
	status = intake_screen(intake, error);
	timing_pop();
	if (status < 0 || intake_continued(intake, error) < 0 ||
	    intake_identify(intake, error) < 0 || intake_store_message(intake, error) < 0)
		return -1;
	result->message = intake->message;
	if (intake->screened != NULL)
		result->screened = g_strdup(intake->screened);
	if (intake->screened != NULL)
		return intake_store_screened(intake, result, error);
	if (intake_store_requests(intake, result, error) < 0)
		return -1;
	return intake_store_crypto(intake, result->requests, error);
}

/* The transaction: committed, or for a duplicate (read only) rolled back. */
static int
intake_store(struct intake *intake, struct intake_result *result,
    GError **error)
{
	struct store *store = intake->context->store;

	if (store_begin(store, error) < 0)
		return -1;
	if (intake_transaction(intake, result, error) < 0 ||
	    (!result->duplicate && store_commit(store, error) < 0)) {
		store_rollback(store);
		return -1;
	}
	if (result->duplicate)
		store_rollback(store);   /* read only: nothing to keep */
	return 0;
}

/* Free an intake's working state. */
static void
intake_clear(struct intake *intake)
{
	if (intake->kept != NULL)
		g_bytes_unref(intake->kept);
	g_free(intake->sha256);
	mime_mail_clear(&intake->mail);
	g_free(intake->sender);
	g_free(intake->dmarc);
	g_free(intake->dkim);
	g_free(intake->bounced_request);
	g_free(intake->continued);
	classify_result_clear(&intake->classified);
	crypto_mail_clear(&intake->crypto);
	if (intake->subjects != NULL)
		g_array_unref(intake->subjects);
	if (intake->now != NULL)
		g_date_time_unref(intake->now);
}

/* Hand the parsed mail over to the result, for the lifecycle. */
static void
intake_keep_mail(struct intake *intake, struct intake_result *result)
{
	result->mail = g_new0(struct received_mail, 1);
	result->mail->from = g_steal_pointer(&intake->sender);
	result->mail->dmarc = g_steal_pointer(&intake->dmarc);
	result->mail->size = intake->size;
	result->mail->oversized = intake->oversized;
	result->mail->mime = intake->mail;
	memset(&intake->mail, 0, sizeof intake->mail);
}

/* Process one raw mail (see intake.h). */
int
intake_message(struct context *context, GBytes *raw,
    const struct intake_source *source, struct intake_result *result,
    GError **error)
{
	struct intake intake = { .context = context, .source = source };
	struct classify_rules *rules = intake_classify_rules(context->config, error);
	int status = -1, stored;

	memset(result, 0, sizeof *result);
	result->requests = g_ptr_array_new_with_free_func(g_free);
	if (rules == NULL)
		goto out;
	intake.now = clock_now();
	timing_push(TIMING_PARSE);
	intake_parse(&intake, raw);
	intake_authentication(&intake);
	timing_pop();
	timing_push(TIMING_CLASSIFY);
	classify_text(rules, intake.mail.subject, intake.mail.own, intake.mail.text,
	    intake.mail.attached, &intake.classified);
	timing_pop();
	/* Signatures and keys are checked before the transaction: GnuPG runs
	 * as processes of its own, not while the database is locked. */
	if (context->crypto != NULL && intake.sender != NULL &&
	    (intake.mail.is_signed || intake.mail.has_keys)) {
		timing_push(TIMING_CRYPTO);
		crypto_mail_read(context->crypto, intake.kept, intake.sender,
		    &intake.crypto);
		timing_pop();
	}
	log_debug("intake: text %zu bytes, own text %zu bytes, %u kind(s)",
	    strlen(intake.mail.text), strlen(intake.mail.own),
	    intake.classified.kinds->len);
	timing_push(TIMING_STORE);
	stored = intake_store(&intake, result, error);
	timing_pop();
	if (stored < 0)
		goto out;
	if (!result->duplicate)
		intake_keep_mail(&intake, result);
	log_info("intake: message %" G_GINT64_FORMAT ": %s, %u request(s)%s%s%s",
	    result->message, result->duplicate ? "duplicate" : "stored",
	    result->requests->len, intake.oversized ? ", too large: attachments "
	    "not stored" : "", result->screened ? ", ignored: " : "",
	    result->screened ? result->screened : "");
	status = 0;
out:
	intake_clear(&intake);
	if (status < 0)
		intake_result_clear(result);
	return status;
}

/* Free a result's contents. */
void
intake_result_clear(struct intake_result *result)
{
	if (result->requests != NULL)
		g_ptr_array_unref(result->requests);
	g_free(result->screened);
	result->requests = NULL;
	result->screened = NULL;
	if (result->mail != NULL) {
		received_mail_clear(result->mail);
		g_clear_pointer(&result->mail, g_free);
	}
}
