/* poll.c: dsrmail poll, IMAP intake. Every mail in [imap] folder goes
 * through intake_message() exactly as `deliver`'s mail does, and is moved
 * to [imap] processed_folder only after intake has committed it. A mail
 * intake cannot store stays where it is, unseen (BODY.PEEK), and is tried
 * again on the next pass; the admins are told once.
 *
 * Nothing is processed twice: a crash between intake's commit and the MOVE
 * leaves the mail in the folder, and intake finds it again by Message-ID,
 * content hash or UID; two pollers on one database are kept apart the same
 * way, inside intake's BEGIN IMMEDIATE transaction.
 *
 * The folder is taken in batches (POLL_BATCH_MAILS, POLL_BATCH_BYTES), in
 * a pipeline: while poll stores batch k, a background thread has the
 * connection (imap_background_start) and first moves batch k-1, whose
 * transaction has committed, then fetches batch k+1 (UID FETCH, each body
 * kept once as it streams in). Nothing else uses the connection meanwhile.
 *
 * Each batch is stored in one transaction (store_group_begin; committed
 * early when it held the write lock POLL_GROUP_USEC), each mail and each
 * lifecycle step in its own savepoint: one commit (and one sync) per batch
 * instead of two per mail. A batch's mails are moved only after its commit
 * returned (the commit is synced: store.c); a crash loses at most the
 * uncommitted batch's work, whose mails are still in the folder, and a
 * crash between the commit and the MOVE leaves committed mails there, found
 * again by UID and only moved.
 *
 * Where a failure can strike, in order, and what it leaves (for tests that
 * inject faults): the fetch of batch k+1 (poll_background: that batch is
 * not stored; batch k is); storing a mail of batch k (poll_mail: its
 * savepoint rolled back, the mails before it committed, it stays in the
 * folder and is recorded as failed); the batch's commit (poll_group_commit:
 * none of its mails stored, all stay); the MOVE of batch k (in the next
 * background work: committed mails stay in the folder); recording how far
 * the folder is done (poll_background_finish, after the MOVE returned:
 * only that record is lost: no mail is skipped by it). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "cmd/command.h"
#include "base/error.h"
#include "mail/imap.h"
#include "cmd/arrival.h"
#include "request/lifecycle.h"
#include "base/log.h"
#include "base/timing.h"
#include "reply/outbox.h"
#include "cmd/sweep.h"
#include "store/store-imap.h"

/* How many mails, and roughly how many bytes, one UID FETCH asks for (two
 * batches are in memory at a time: one stored, one arriving). */
#define POLL_BATCH_MAILS 250
#define POLL_BATCH_BYTES (8 * 1024 * 1024)
/* RFC 2177: a client should re-issue IDLE at least every 29 minutes. */
#define POLL_IDLE_SECONDS (29 * 60)
/* While some mail waits to be retried, look again this often. */
#define POLL_RETRY_SECONDS 60
/* Reconnect after 1, 2, 4 ... seconds, at most this many. */
#define POLL_BACKOFF_MAX 300
/* A backlog this large shows "n of N" on a terminal. */
#define POLL_PROGRESS_MIN 50
/* A batch's group is committed early once it has held the database's
 * write lock this long (other writers wait meanwhile). */
#define POLL_GROUP_USEC (250 * 1000)

/* One poll command's state. */
struct poll_run {
	struct context *context;
	gint64 last_sweep;         /* monotonic µs of the last sweep, 0: none yet */
	struct imap *imap;
	sigset_t unblocked;        /* the mask to wait with: SIGTERM/SIGINT let in */
	gboolean stopping;         /* a signal came: finish the mail, then exit */
	gboolean connected;        /* the last connection attempt succeeded */
	guint stored, duplicates, failed;
	/* The open store group: its mails' UIDs, and when it began. */
	GArray *grouped;           /* guint32 */
	guint grouped_duplicates;
	gint64 group_started;      /* monotonic µs, 0: no group open */
};

/* The signal that asked us to stop, or 0. */
static volatile sig_atomic_t poll_stop_signal;

/* SIGTERM/SIGINT: note it; the loop finishes the current mail and exits. */
static void
poll_signal_handler(int number)
{
	poll_stop_signal = number;
}

/* Has SIGTERM or SIGINT arrived (handled, or pending while blocked)? */
static gboolean
poll_stop_requested(struct poll_run *run)
{
	sigset_t pending;

	if (!run->stopping && (poll_stop_signal != 0 || (sigpending(&pending) == 0 &&
	    (sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1)))) {
		log_info("poll: signal received; finishing");
		run->stopping = TRUE;
	}
	return run->stopping;
}

/* Handle SIGTERM/SIGINT ourselves and keep them blocked except while
 * waiting, so they never break an IMAP read or an intake transaction. */
static void
poll_signals_setup(struct poll_run *run)
{
	struct sigaction action;
	sigset_t block;

	memset(&action, 0, sizeof action);
	action.sa_handler = poll_signal_handler;
	sigemptyset(&action.sa_mask);
	sigaction(SIGTERM, &action, NULL);
	sigaction(SIGINT, &action, NULL);
	signal(SIGPIPE, SIG_IGN);   /* a server gone mid-write is an error, not death */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &run->unblocked);
	sigdelset(&run->unblocked, SIGTERM);
	sigdelset(&run->unblocked, SIGINT);
}

/* Sleep up to seconds; a stop signal ends it early. */
static void
poll_sleep(struct poll_run *run, int seconds)
{
	struct timespec timeout = { seconds, 0 };

	if (!poll_stop_requested(run))
		ppoll(NULL, 0, &timeout, &run->unblocked);
}

/* Compare the folder's UIDVALIDITY with the one recorded; on a change say
 * so once and start its UIDs over (intake's Message-ID and content checks
 * keep the mails already handled from being processed again). */
static int
poll_uidvalidity_check(struct poll_run *run, guint32 uidvalidity, GError **error)
{
	const char *folder = run->context->config->imap_folder;
	struct imap_folder_state state;

	if (store_imap_folder_get(run->context->store, folder, &state, error) < 0)
		return -1;
	if (state.known && state.uidvalidity == uidvalidity)
		return 0;
	if (state.known)
		log_warn("poll: folder %s: UIDVALIDITY changed from %u to %u, so its "
		    "UIDs start over; every mail in it is checked by Message-ID and "
		    "content, none is processed twice", folder, state.uidvalidity,
		    uidvalidity);
	return store_imap_folder_set(run->context->store, folder, uidvalidity, 0, error);
}

/* A mail intake could not store: count it, record it (the admins are told
 * the first time), and say so. */
static void
poll_mail_failed(struct poll_run *run, guint32 uidvalidity, guint32 uid,
    const GError *cause)
{
	const char *folder = run->context->config->imap_folder;
	g_autoptr(GError) local = NULL;
	g_autofree char *reason = cause->code == DSR_ERROR_TEMPORARY ?
	    g_strdup("temporary") : g_strdup_printf("error %d", cause->code);
	gboolean first = FALSE;

	run->failed++;
	if (store_imap_failure_record(run->context->store, folder, uidvalidity, uid,
	    reason, &first, &local) < 0)
		log_warn("poll: recording the failure of UID %u failed too: %s",
		    uid, local->message);
	if (first || local != NULL)
		log_warn("poll: mail UID %u in %s could not be stored (%s); it stays "
		    "there, unseen, and is tried again on the next poll", uid,
		    folder, cause->message);
	else
		log_debug("poll: mail UID %u in %s still cannot be stored (%s)", uid,
		    folder, cause->message);
}

/* Commit the open group: its mails join done (to be moved); if the commit
 * fails, none of them is stored and each counts as failed. */
static void
poll_group_commit(struct poll_run *run, guint32 uidvalidity, GArray *done)
{
	g_autoptr(GError) local = NULL;
	guint i;
	int status;

	if (run->group_started == 0)
		return;
	run->group_started = 0;
	timing_push(TIMING_COMMIT);
	status = store_group_commit(run->context->store, &local);
	timing_pop();
	if (status == 0) {
		g_array_append_vals(done, run->grouped->data, run->grouped->len);
		run->duplicates += run->grouped_duplicates;
		run->stored += run->grouped->len - run->grouped_duplicates;
	} else {
		for (i = 0; i < run->grouped->len; i++)
			poll_mail_failed(run, uidvalidity, g_array_index(run->grouped,
			    guint32, i), local);
	}
	g_array_set_size(run->grouped, 0);
	run->grouped_duplicates = 0;
}

/* Commit the open group once it has held the lock long enough. */
static void
poll_group_check(struct poll_run *run, guint32 uidvalidity, GArray *done)
{
	if (run->group_started != 0 &&
	    g_get_monotonic_time() - run->group_started >= POLL_GROUP_USEC)
		poll_group_commit(run, uidvalidity, done);
}

/* Run one fetched mail through intake and the lifecycle, in the open group
 * (begun here if none is). A mail that fails is recorded after the group
 * has committed the mails before it. */
static void
poll_mail(struct poll_run *run, struct imap_mail *mail, guint32 uidvalidity,
    GArray *done)
{
	gboolean oversized = mail->size > run->context->config->max_message_size;
	struct intake_source source = { INTAKE_IMAP, uidvalidity, mail->uid,
	    oversized ? mail->size : 0 };
	struct intake_result result;
	g_autoptr(GError) local = NULL;

	if (mail->raw == NULL)
		return;   /* gone from the folder since it was listed */
	memset(&result, 0, sizeof result);
	if (run->group_started == 0) {
		if (store_group_begin(run->context->store, &local) < 0) {
			poll_mail_failed(run, uidvalidity, mail->uid, local);
			return;
		}
		run->group_started = g_get_monotonic_time();
	}
	if (arrival_advance(run->context, mail->raw, &source, &result, &local) < 0) {
		poll_group_commit(run, uidvalidity, done);
		poll_mail_failed(run, uidvalidity, mail->uid, local);
		return;
	}
	g_array_append_val(run->grouped, mail->uid);
	run->grouped_duplicates += result.duplicate;
	intake_result_clear(&result);
}

/* How many mails from first one UID FETCH should take: up to
 * POLL_BATCH_MAILS and POLL_BATCH_BYTES; a mail over max_message_size goes
 * alone, and only its start is fetched (BODY.PEEK[]<0.N>, N what intake
 * keeps of it: intake_oversized_keep). */
static guint
poll_batch_size(GArray *mails, guint first, gint64 max_size)
{
	guint64 bytes = 0;
	guint count = 0;

	if (first >= mails->len)
		return 0;
	if (g_array_index(mails, struct imap_mail, first).size > max_size)
		return 1;
	while (first + count < mails->len && count < POLL_BATCH_MAILS) {
		guint32 size = g_array_index(mails, struct imap_mail, first + count).size;

		bytes += size;
		if (count > 0 && (bytes > POLL_BATCH_BYTES || size > max_size))
			break;
		count++;
	}
	return count;
}

/* Start the background work: move what was committed (moving, now
 * owned by the work) and fetch the batch at first (count mails, maybe 0). */
static struct imap_background *
poll_background(struct poll_run *run, GArray *moving, GArray *mails,
    guint first, guint count)
{
	const struct config *config = run->context->config;
	guint32 limit = count > 0 && g_array_index(mails, struct imap_mail,
	    first).size > config->max_message_size ?
	    (guint32)intake_oversized_keep(config) : 0;

	return imap_background_start(run->imap, moving,
	    config->imap_processed_folder, mails, first, count, limit);
}

/* Take the connection back from the background work; once the mails in
 * moving were moved, record how far the folder is done. */
static int
poll_background_finish(struct poll_run *run, struct imap_background *work,
    GArray *moving, guint32 uidvalidity, GError **error)
{
	const struct config *config = run->context->config;
	g_autoptr(GError) local = NULL;
	gboolean moved = FALSE;
	int status = imap_background_finish(work, &moved, &local);

	if (moved && moving->len > 0 && store_imap_folder_set(run->context->store,
	    config->imap_folder, uidvalidity, g_array_index(moving, guint32,
	    moving->len - 1), status < 0 ? NULL : &local) < 0)
		status = -1;
	g_array_set_size(moving, 0);
	if (status < 0)
		g_propagate_error(error, g_steal_pointer(&local));
	return status;
}

/* Store one fetched batch (one group, unless it holds the lock too long);
 * the UIDs of what was committed join done, to be moved. */
static void
poll_batch(struct poll_run *run, GArray *mails, guint first, guint count,
    guint32 uidvalidity, gboolean progress, GArray *done)
{
	guint i;

	for (i = first; i < first + count && !poll_stop_requested(run); i++) {
		struct imap_mail *mail = &g_array_index(mails, struct imap_mail, i);

		poll_mail(run, mail, uidvalidity, done);
		poll_group_check(run, uidvalidity, done);
		g_clear_pointer(&mail->raw, g_bytes_unref);
		if (progress)
			fprintf(stderr, "\rdsrmail: poll: %u of %u", i + 1, mails->len);
	}
	poll_group_commit(run, uidvalidity, done);
}

/* The batches of a listing, pipelined: while batch k is stored, the
 * server moves batch k-1 (committed: POLL's "moved only after commit")
 * and sends batch k+1. */
static int
poll_batches(struct poll_run *run, GArray *mails, guint32 uidvalidity,
    gboolean progress, GError **error)
{
	gint64 max_size = run->context->config->max_message_size;
	g_autoptr(GArray) done = g_array_new(FALSE, FALSE, sizeof(guint32));
	g_autoptr(GArray) moving = g_array_new(FALSE, FALSE, sizeof(guint32));
	guint first = 0, count = poll_batch_size(mails, 0, max_size), next;
	struct imap_background *work;

	if (count == 0)
		return 0;
	work = poll_background(run, NULL, mails, 0, count);
	while (count > 0) {
		if (poll_background_finish(run, work, moving, uidvalidity, error) < 0)
			return -1;
		next = poll_stop_requested(run) ? 0 :
		    poll_batch_size(mails, first + count, max_size);
		g_array_append_vals(moving, done->data, done->len);
		g_array_set_size(done, 0);
		work = poll_background(run, moving, mails, first + count, next);
		poll_batch(run, mails, first, count, uidvalidity, progress, done);
		first += count;
		count = next;
	}
	if (poll_background_finish(run, work, moving, uidvalidity, error) < 0)
		return -1;
	if (done->len == 0)
		return 0;
	g_array_append_vals(moving, done->data, done->len);
	work = poll_background(run, moving, mails, 0, 0);
	return poll_background_finish(run, work, moving, uidvalidity, error);
}

/* What a pass did, in words: "poll: INBOX: 5 mails read: 5 new, 1 seen
 * before, 1 could not be stored (tried again next time)". */
static void
poll_log_pass(const struct poll_run *run, guint count)
{
	g_autofree char *mails = command_count(count, "mail", "mails");
	GString *line = g_string_new(NULL);

	g_string_append_printf(line, "%u new", run->stored);
	if (run->duplicates > 0)
		g_string_append_printf(line, ", %u seen before", run->duplicates);
	if (run->failed > 0)
		g_string_append_printf(line, ", %u could not be stored (tried again "
		    "next time)", run->failed);
	log_info("poll: %s: %s read: %s", run->context->config->imap_folder, mails,
	    line->str);
	g_string_free(line, TRUE);
}

/* One pass over the folder: SELECT, list, then the batches. */
static int
poll_pass(struct poll_run *run, GError **error)
{
	const struct config *config = run->context->config;
	GArray *mails = NULL;
	gboolean progress;
	guint32 uidvalidity;
	int result;

	if (imap_select(run->imap, config->imap_folder, &uidvalidity, error) < 0 ||
	    poll_uidvalidity_check(run, uidvalidity, error) < 0 ||
	    (mails = imap_list(run->imap, error)) == NULL)
		return -1;
	progress = isatty(STDERR_FILENO) && mails->len >= POLL_PROGRESS_MIN;
	timing_reset();
	result = poll_batches(run, mails, uidvalidity, progress, error);
	if (progress)
		fputc('\n', stderr);
	if (mails->len > 0) {
		g_autofree char *stages = timing_summary();

		poll_log_pass(run, mails->len);
		log_debug("poll: stages: %s", stages);
	}
	imap_mails_free(mails);
	return result;
}

/* Wait for new mail: IDLE where offered, else the poll interval. Returns 0,
 * or -1 with error when the connection broke. */
static int
poll_wait(struct poll_run *run, GError **error)
{
	const struct duration *interval = &run->context->config->imap_poll_interval;
	int seconds = (int)(interval->seconds + interval->months * 30 * 86400);

	if (!imap_can_idle(run->imap)) {
		poll_sleep(run, seconds > 0 ? seconds : 1);
		return 0;
	}
	return imap_idle_wait(run->imap, run->failed > 0 ? POLL_RETRY_SECONDS :
	    POLL_IDLE_SECONDS, &run->unblocked, error) < 0 ? -1 : 0;
}

/* After each pass, send what the pass queued (poll is "IMAP intake and outbox
 * flush", DESIGN.md). SMTP trouble must not stop intake: the mails stay
 * queued for the next pass, `send` or `sweep`, and the log says why. */
static void
poll_flush_outbox(struct poll_run *run)
{
	g_autoptr(GError) local = NULL;
	struct outbox_counts counts;

	if (lifecycle_flush(run->context, &counts, &local) < 0) {
		log_warn("poll: outbox not flushed: %s", local->message);
		oauth2_revocation_notice(run->context);
	} else if (counts.sent + counts.deferred + counts.failed > 0) {
		g_autofree char *words = command_outbox_words(&counts);
		log_info("poll: %s", words);
	}
}

/* --watch runs the periodic duties (retention, reminders, expiries, retries)
 * once an hour, so a mailbox service needs no separate timer. A failure is
 * logged; the next hour tries again. */
static void
poll_sweep_hourly(struct poll_run *run)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(GDateTime) now = NULL;
	gint64 at = g_get_monotonic_time();

	if (run->last_sweep != 0 && at - run->last_sweep < (gint64)3600 * G_USEC_PER_SEC)
		return;
	run->last_sweep = at;
	now = clock_now();
	if (sweep_run(run->context, now, FALSE, &local) < 0)
		log_warn("poll: sweep: %s; it runs again in an hour", local->message);
}

/* One connection: passes (and waits, with watch) until done or stopped. */
static int
poll_session(struct poll_run *run, gboolean watch, GError **error)
{
	const struct config *config = run->context->config;
	int result = -1;

	run->connected = FALSE;
	if ((run->imap = imap_connect(config, error)) == NULL)
		return -1;
	run->connected = TRUE;
	if (imap_folder_ensure(run->imap, config->imap_processed_folder, error) < 0)
		goto out;
	for (;;) {
		run->stored = run->duplicates = run->failed = 0;
		if (poll_pass(run, error) < 0)
			goto out;
		poll_flush_outbox(run);
		if (watch)
			poll_sweep_hourly(run);
		if (!watch || poll_stop_requested(run))
			break;
		if (poll_wait(run, error) < 0)
			goto out;
		if (poll_stop_requested(run))
			break;
	}
	result = 0;
out:
	g_clear_pointer(&run->imap, imap_close);
	return result;
}

/* --watch: sessions until a stop signal; reconnect with backoff when the
 * server goes away; a configuration error ends it. */
static int
poll_watch(struct poll_run *run, GError **error)
{
	int backoff = 1;

	while (!poll_stop_requested(run)) {
		g_autoptr(GError) local = NULL;

		if (poll_session(run, TRUE, &local) == 0)
			break;
		if (local->code == DSR_ERROR_CONFIG) {
			g_propagate_error(error, g_steal_pointer(&local));
			return -1;
		}
		if (run->connected)
			backoff = 1;
		log_warn("poll: %s; trying again in %d s", local->message, backoff);
		poll_sleep(run, backoff);
		backoff = MIN(backoff * 2, POLL_BACKOFF_MAX);
	}
	return 0;
}

/* Refuse a configuration poll cannot work with. */
static int
poll_check_config(const struct config *config, GError **error)
{
	if (strcmp(config->imap_folder, config->imap_processed_folder) == 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[imap] folder and "
		    "processed_folder are both %s; handled mail must go elsewhere",
		    config->imap_folder);
		return -1;
	}
	return 0;
}

/* dsrmail poll [--once|--watch] */
int
poll_command(struct context *context, int argc, char **argv, GError **error)
{
	gboolean once = FALSE, watch = FALSE;
	GOptionEntry entries[] = {
		{ "once", 0, 0, G_OPTION_ARG_NONE, &once, "one pass, then exit", NULL },
		{ "watch", 0, 0, G_OPTION_ARG_NONE, &watch, "IDLE and reconnect until stopped", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	struct poll_run run;
	int status;

	if (command_parse_options("poll", "[--once|--watch]", entries, &argc, &argv,
	    error) < 0)
		return -1;
	if (argc != 1 || (once && watch)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "usage: dsrmail poll "
		    "[--once|--watch]");
		return -1;
	}
	if (poll_check_config(context->config, error) < 0)
		return -1;
	memset(&run, 0, sizeof run);
	run.context = context;
	poll_signals_setup(&run);
	run.grouped = g_array_new(FALSE, FALSE, sizeof(guint32));
	status = watch ? poll_watch(&run, error) : poll_session(&run, FALSE, error);
	g_array_unref(run.grouped);
	if (status < 0)
		oauth2_revocation_notice(context);
	if (status < 0 || watch)
		return status < 0 ? -1 : 0;
	if (run.failed > 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_TEMPORARY, "%u mails in %s "
		    "could not be stored; they stay there, unseen, and are tried "
		    "again on the next poll", run.failed, context->config->imap_folder);
		return -1;
	}
	return 0;
}
