/* lifecycle.c: what happens to a request after intake stored it: a new
 * mail's requests start (the identity challenge, or "no data" for a sender
 * the register does not know), a mail that continues a request goes to the
 * challenge or the admin reply it answers, and requests a crash left behind
 * are resumed. The steps themselves: lifecycle-challenge.c (N22),
 * lifecycle-hold.c (the queue, N20, N23), lifecycle-decide.c (the admins'
 * decisions), lifecycle-deadline.c (N21), lifecycle-execute.c,
 * lifecycle-lift.c (N14). */
#include <string.h>

#include "base/address.h"
#include "base/config.h"
#include "base/context.h"
#include "base/error.h"
#include "base/log.h"
#include "base/regex.h"
#include "request/identifiers.h"
#include "request/lifecycle.h"
#include "request/lifecycle-work.h"
#include "store/store-event.h"
#include "store/store-lifecycle.h"

/* The order requests of one mail run in: access before erasure. */
static int
kind_rank(const char *kind)
{
	static const char *const order[] = { "access", "portability",
	    "rectification", "restriction", "objection", "processing_objection",
	    "publication", "disclosure", "unknown", "anonymisation", "erasure" };
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
int
lifecycle_sort_safe(struct context *context, GPtrArray *ids, GError **error)
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

/* A sender the register does not know: "no data found" to that sender; the
 * requests end, or wait for an admin when the mail names someone or was
 * too large to keep whole (its attachments may say who asks). */
static int
start_no_match(struct work *w, GPtrArray *ids, const struct received_mail *given,
    GError **error)
{
	struct received_mail loaded = { 0 };
	const struct received_mail *mail = received_mail_get(w->context->store,
	    w->row.message, given, &loaded, error);
	g_autoptr(GString) reasons = g_string_new(NULL);
	gboolean names;
	gint64 outbox = 0;
	guint i;
	int status = -1;

	if (mail == NULL)
		return -1;
	names = identifiers_named(mail->mime.own) ||
	    identifiers_other_address(mail->mime.own, w->context->config,
	    w->row.sender, NULL);
	if (names)
		lifecycle_reasons_add(reasons, "no_match_names_identifiers");
	if (w->row.oversized)
		lifecycle_reasons_add(reasons, "oversized");
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
		    (reasons->len > 0 ? lifecycle_hold(&each, reasons->str, error) :
		    store_lifecycle_update(w->context->store, each.row.id, &done,
		    w->now_text, error)) < 0) {
			work_clear(&each);
			goto out;
		}
		work_clear(&each);
	}
	status = 0;
out:
	received_mail_clear(&loaded);
	return status;
}

/* The first step for the `received` requests one mail opened (given: that
 * mail as intake parsed it, or NULL). */
static int
start(struct context *context, gint64 message, const struct received_mail *given,
    GError **error)
{
	g_autoptr(GPtrArray) ids = store_lifecycle_select(context->store,
	    SELECT_MESSAGE_STATE, "received", message, error);
	gboolean skipped = FALSE;
	struct work w;
	int status;

	if (ids == NULL)
		return -1;
	if (ids->len == 0)
		return 0;
	if (lifecycle_sort_safe(context, ids, error) < 0 ||
	    work_open(context, ids->pdata[0], &w, error) < 0)
		return -1;
	status = store_begin(context->store, error);
	if (status == 0 && w.address != NULL)
		status = lifecycle_challenge_skip(&w, ids, &skipped, error);
	if (status == 0 && !skipped)
		status = w.address != NULL ? lifecycle_challenge_send(&w, ids, error) :
		    start_no_match(&w, ids, given, error);
	if (status == 0 && w.row.oversized)
		status = lifecycle_oversized_start(&w, ids, error);
	if (status == 0)
		status = store_commit(context->store, error);
	if (status < 0)
		store_rollback(context->store);
	else
		log_info("lifecycle: %s%s: %s", (char *)ids->pdata[0], ids->len > 1 ?
		    " and others" : "", skipped ? "verified by its signature" :
		    w.address != NULL ? "challenge queued" : "no subject found");
	work_clear(&w);
	return status == 0 && skipped ? lifecycle_decide_all(context, ids, error) :
	    status;
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
    const struct received_mail *given, GError **error)
{
	struct received_mail loaded = { 0 };
	const struct received_mail *mail;
	struct work w;
	int status = -1;

	if (work_open(context, id, &w, error) < 0)
		return -1;
	if ((mail = received_mail_get(context->store, message, given, &loaded,
	    error)) == NULL)
		goto out;
	if (config_is_admin(context->config, mail->from)) {
		static GRegex *verb;
		g_autofree char *line = first_line(mail->mime.own);
		if (g_regex_match(regex_get(&verb, "^(APPROVE|REJECT)\\b",
		    G_REGEX_CASELESS), line, 0, NULL)) {
			status = lifecycle_admin_reply(&w, mail, line, message, error);
			goto out;
		}
	}
	status = work_awaits_confirmation(&w) ?
	    lifecycle_challenge_answer(&w, mail, message, error) :
	    lifecycle_key_arrived(&w, mail, error);
	/* A follow-up too large to keep whole was read as far as its text;
	 * its sender hears that its attachments were not stored. */
	if (status == 0 && mail->oversized)
		status = lifecycle_oversized_followup(&w, mail, message, error);
out:
	received_mail_clear(&loaded);
	work_clear(&w);
	return status;
}

/* After intake (see lifecycle.h). */
int
lifecycle_advance(struct context *context, gint64 message,
    const char *continued, const struct received_mail *mail, GError **error)
{
	if (continued != NULL)
		return followup(context, continued, message, mail, error);
	return start(context, message, mail, error);
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
