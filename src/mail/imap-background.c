/* imap-background.c: a move and a fetch on the connection in a thread of
 * their own, so that the server works on the next batch while poll stores
 * the last one (see imap.h). The connection is used by one thread at a
 * time: the caller hands it over at start and takes it back at finish. */
#include "base/timing.h"
#include "mail/imap.h"

struct imap_background {
	struct imap *imap;
	GThread *thread;
	GArray *move;             /* guint32 UIDs (a copy), or NULL */
	const char *folder;
	GArray *mails;
	guint first, count;
	guint32 limit;
	gboolean moved;
	int status;
	GError *error;
};

/* The thread: the move, then the fetch, each timed. */
static gpointer
imap_background_run(gpointer data)
{
	struct imap_background *work = data;
	gint64 started = g_get_monotonic_time();

	if (work->move != NULL) {
		work->status = imap_move(work->imap, work->move, work->folder,
		    &work->error);
		work->moved = work->status == 0;
		timing_add(TIMING_MOVE, g_get_monotonic_time() - started);
		started = g_get_monotonic_time();
	}
	if (work->status == 0 && work->count > 0) {
		work->status = imap_fetch(work->imap, work->mails, work->first,
		    work->count, work->limit, &work->error);
		timing_add(TIMING_FETCH, g_get_monotonic_time() - started);
	}
	return NULL;
}

/* Hand the connection to a thread doing the move and the fetch. */
struct imap_background *
imap_background_start(struct imap *imap, GArray *move, const char *folder,
    GArray *mails, guint first, guint count, guint32 limit)
{
	struct imap_background *work = g_new0(struct imap_background, 1);

	work->imap = imap;
	if (move != NULL && move->len > 0) {
		work->move = g_array_sized_new(FALSE, FALSE, sizeof(guint32), move->len);
		g_array_append_vals(work->move, move->data, move->len);
	}
	work->folder = folder;
	work->mails = mails;
	work->first = first;
	work->count = count;
	work->limit = limit;
	work->thread = g_thread_new("imap", imap_background_run, work);
	return work;
}

/* Take the connection back: wait, report, free. */
int
imap_background_finish(struct imap_background *work, gboolean *moved,
    GError **error)
{
	int status;

	timing_push(TIMING_WAIT);
	g_thread_join(work->thread);
	timing_pop();
	*moved = work->moved;
	status = work->status;
	if (status < 0)
		g_propagate_error(error, g_steal_pointer(&work->error));
	g_clear_error(&work->error);
	if (work->move != NULL)
		g_array_unref(work->move);
	g_free(work);
	return status;
}
