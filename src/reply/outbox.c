/* outbox.c: deliver the outbox over SMTP (see outbox.h). */
#include <stdio.h>

#include "base/clock.h"
#include "base/context.h"
#include "base/error.h"
#include "base/log.h"
#include "reply/outbox.h"
#include "reply/reply.h"
#include "mail/smtp.h"
#include "store/store-register.h"
#include "store/store-outbox.h"

/* The first retry waits this long; each later one twice as long, up to
 * BACKOFF_MAX. */
#define BACKOFF_FIRST (5 * 60)
#define BACKOFF_MAX (4 * 60 * 60)
/* How many mails one flush holds in memory at a time. */
#define OUTBOX_PAGE 100

/* When the next attempt of a mail tried attempts times may be, as ISO 8601. */
static char *
backoff_next(GDateTime *now, int attempts)
{
	gint64 wait = BACKOFF_FIRST;
	g_autoptr(GDateTime) next = NULL;

	while (attempts-- > 0 && wait < BACKOFF_MAX)
		wait *= 2;
	next = g_date_time_add_seconds(now, (gdouble)MIN(wait, BACKOFF_MAX));
	return clock_format_iso(next);
}

/* TRUE if at is past the time retrying the entry stops ([smtp] retry_for
 * after it was queued). */
static gboolean
retry_over(const struct config *config, const struct outbox_entry *entry,
    GDateTime *at)
{
	g_autoptr(GDateTime) created = clock_parse_iso(entry->created_at);
	g_autoptr(GDateTime) limit = NULL;

	if (created == NULL)
		return TRUE;
	limit = duration_add(created, &config->smtp_retry_for);
	return g_date_time_compare(at, limit) >= 0;
}

/* Queue a bounce notice about entry to each admin (inside a transaction). */
static int
notice_admins(struct context *context, const struct outbox_entry *entry,
    const char *answer, gboolean expired, struct outbox_counts *counts,
    GError **error)
{
	const struct config *config = context->config;
	char **admin;

	/* A notice about a notice would loop when the server refuses them all. */
	if (g_strcmp0(entry->template, reply_kind_name(REPLY_BOUNCE_NOTICE)) == 0)
		return 0;
	if (config->admins == NULL || config->admins[0] == NULL)
		log_warn("outbox: mail %" G_GINT64_FORMAT " failed and [organisation] "
		    "admins is empty: nobody is told", entry->id);
	for (admin = config->admins; admin != NULL && *admin != NULL; admin++) {
		g_autoptr(GError) local = NULL;
		struct template_data *data = template_data_new();
		struct reply reply = { REPLY_BOUNCE_NOTICE, entry->request,
		    language_from_code(config->default_language), *admin, NULL,
		    NULL, NULL, NULL, NULL, data, context->crypto, NULL };
		gint64 id;

		template_data_set(data, "template", entry->template);
		template_data_set(data, "message_id", entry->message_id);
		template_data_set(data, "recipient", entry->recipient);
		template_data_set(data, "error", answer);
		template_data_set(data, "expired", expired ? "yes" : NULL);
		/* Art. 18(3): not told, so the restriction was not lifted. */
		template_data_set(data, "restriction_kept", g_strcmp0(entry->template,
		    reply_kind_name(REPLY_RESTRICTION_LIFTED)) == 0 ? "yes" : NULL);
		id = reply_queue(context->store, context->templates, config,
		    context->notice, &reply, error);
		template_data_free(data);
		if (id < 0)
			return -1;
		counts->notices++;
	}
	return 0;
}

/* Record one mail's outcome in its own transaction. */
static int
outcome_record(struct context *context, const struct outbox_entry *entry,
    enum smtp_outcome outcome, const char *answer, GDateTime *now,
    struct outbox_counts *counts, GError **error)
{
	g_autofree char *next = backoff_next(now, entry->attempts);
	g_autoptr(GDateTime) next_time = clock_parse_iso(next);
	gboolean give_up = outcome == SMTP_TEMPORARY &&
	    retry_over(context->config, entry, next_time);
	int rc;

	if (store_begin(context->store, error) < 0)
		return -1;
	if (outcome == SMTP_SENT) {
		rc = store_outbox_mark_sent(context->store, entry, error);
		counts->sent++;
	} else if (outcome == SMTP_TEMPORARY && !give_up) {
		rc = store_outbox_mark_retry(context->store, entry, next, answer, error);
		counts->deferred++;
	} else {
		rc = store_outbox_mark_failed(context->store, entry, answer, error);
		if (rc == 0)
			rc = notice_admins(context, entry, answer, give_up, counts, error);
		counts->failed++;
	}
	if (rc < 0 || store_commit(context->store, error) < 0) {
		store_rollback(context->store);
		return -1;
	}
	log_info("outbox: mail %" G_GINT64_FORMAT " (%s%s%s): %s", entry->id,
	    entry->template, entry->request ? ", " : "",
	    entry->request ? entry->request : "", outcome == SMTP_SENT ? "sent" :
	    outcome == SMTP_TEMPORARY && !give_up ? "deferred" : "failed");
	return 0;
}

/* Send one page of the mails due now; *unreachable set to the server's or
 * transport's answer and *stop to the outcome when the server could not be
 * reached or refused the login (the rest stay queued). */
static int
flush_page(struct context *context, struct smtp *smtp, GPtrArray *due,
    GDateTime *now, struct outbox_counts *counts, char **unreachable,
    enum smtp_outcome *stop, GError **error)
{
	guint i;

	for (i = 0; i < due->len && *unreachable == NULL; i++) {
		const struct outbox_entry *entry = due->pdata[i];
		g_autofree char *answer = NULL;
		enum smtp_outcome outcome;

		if (retry_over(context->config, entry, now)) {
			answer = g_strdup_printf("not delivered within [smtp] retry_for; "
			    "last: %s", entry->last_error ? entry->last_error : "?");
			outcome = SMTP_TEMPORARY;
		} else {
			outcome = smtp_send(smtp, entry->recipient, entry->raw, &answer);
		}
		if (outcome == SMTP_UNREACHABLE || outcome == SMTP_LOGIN_REFUSED ||
		    outcome == SMTP_NO_TOKEN) {
			*stop = outcome;
			*unreachable = g_steal_pointer(&answer);
		}
		else if (outcome_record(context, entry, outcome, answer, now, counts,
		    error) < 0)
			return -1;
	}
	return 0;
}

/* Send the mails due now, a page at a time (see flush_page). */
static int
flush_round(struct context *context, struct smtp *smtp,
    struct outbox_counts *counts, char **unreachable, enum smtp_outcome *stop,
    GError **error)
{
	g_autoptr(GDateTime) now = clock_now();
	g_autofree char *now_iso = clock_format_iso(now);
	struct outbox_cursor cursor = { 0 };
	guint got;
	int status;

	do {
		GPtrArray *due = store_outbox_due(context->store, now_iso, &cursor,
		    OUTBOX_PAGE, error);

		if (due == NULL) {
			status = -1;
			break;
		}
		got = due->len;
		status = flush_page(context, smtp, due, now, counts, unreachable,
		    stop, error);
		g_ptr_array_unref(due);
	} while (status == 0 && got > 0 && *unreachable == NULL);
	store_outbox_cursor_clear(&cursor);
	return status;
}

/* Why a flush stopped early (stop: SMTP_LOGIN_REFUSED or SMTP_UNREACHABLE,
 * with the server's or transport's answer): -1 and error, saying the mails
 * stay queued and what to fix. */
static int
flush_stopped(const struct config *config, struct smtp *smtp,
    enum smtp_outcome stop, const char *answer, GError **error)
{
	if (stop == SMTP_NO_TOKEN) {
		/* The sign-in's own error says what to do; its code is the exit. */
		const GError *cause = smtp_token_error(smtp);

		g_set_error(error, cause->domain, cause->code, "SMTP sign-in: %s; "
		    "the mails stay queued", cause->message);
	} else if (stop == SMTP_LOGIN_REFUSED && config->smtp_auth == AUTH_OAUTH2)
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "the SMTP server %s "
		    "refused the OAuth2 sign-in of [smtp] user %s, also with a fresh "
		    "token (%s); the mails stay queued: check that the app has the "
		    "SMTP permission in [oauth2] scope and that SMTP AUTH is enabled "
		    "for the mailbox (Microsoft 365 turns it off by default), or run "
		    "`dsrmail oauth2 login` again", config->smtp_url, config->smtp_user,
		    answer);
	else if (stop == SMTP_LOGIN_REFUSED)
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "the SMTP server %s "
		    "refused the login of [smtp] user %s (%s); the mails stay queued: "
		    "check [smtp] user and the password in [smtp] password_file, then "
		    "run dsrmail send again", config->smtp_url, config->smtp_user,
		    answer);
	else
		g_set_error(error, DSR_ERROR, DSR_ERROR_UNAVAILABLE, "the SMTP server "
		    "%s cannot be reached: %s; the mails stay queued: check [smtp] "
		    "and run dsrmail send again", config->smtp_url, answer);
	return -1;
}

/* Flush the outbox. Admin notices queued by this flush go out with the next
 * one (a server refusing everything must not keep one run busy). */
int
outbox_flush(struct context *context, struct outbox_counts *counts,
    GError **error)
{
	g_autofree char *unreachable = NULL;
	enum smtp_outcome stop = SMTP_SENT;
	g_autoptr(GError) local = NULL;
	struct smtp *smtp;
	int rc;

	*counts = (struct outbox_counts){ 0 };
	if ((smtp = smtp_open(context->config, error)) == NULL)
		return -1;
	rc = flush_round(context, smtp, counts, &unreachable, &stop, error);
	/* The bytes of the mails that left are gone from their rows; take them
	 * out of the -wal too. Not a failure of the flush if the file is busy:
	 * the next flush or erasure checkpoints again. */
	if (counts->sent + counts->failed > 0 &&
	    store_scrub(context->store, &local) < 0)
		log_warn("outbox: %s", local->message);
	if (rc == 0 && stop != SMTP_SENT)
		rc = flush_stopped(context->config, smtp, stop, unreachable, error);
	smtp_close(smtp);
	return rc;
}
