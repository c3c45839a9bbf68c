/* imap-mailbox.c: the mail of the selected folder: listed by UID, fetched
 * with BODY.PEEK[] in batches (one command per batch), moved by UID set. */
#include <string.h>

#include "base/error.h"
#include "base/log.h"
#include "mail/imap.h"
#include "mail/imap-session.h"

/* Read UID, RFC822.SIZE, \Deleted and the body from one FETCH response. */
static void
imap_message_read(struct mailimap_msg_att *message, guint32 *uid, guint32 *size,
    gboolean *deleted, const char **body, size_t *length)
{
	clistiter *item_at, *flag_at;

	for (item_at = clist_begin(message->att_list); item_at != NULL;
	    item_at = clist_next(item_at)) {
		struct mailimap_msg_att_item *item = clist_content(item_at);

		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC &&
		    item->att_data.att_dyn->att_list != NULL) {
			for (flag_at = clist_begin(item->att_data.att_dyn->att_list);
			    flag_at != NULL; flag_at = clist_next(flag_at)) {
				struct mailimap_flag_fetch *flag = clist_content(flag_at);

				if (flag->fl_type == MAILIMAP_FLAG_FETCH_OTHER &&
				    flag->fl_flag != NULL &&
				    flag->fl_flag->fl_type == MAILIMAP_FLAG_DELETED)
					*deleted = TRUE;
			}
		} else if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC) {
			struct mailimap_msg_att_static *value = item->att_data.att_static;

			if (value->att_type == MAILIMAP_MSG_ATT_UID)
				*uid = value->att_data.att_uid;
			else if (value->att_type == MAILIMAP_MSG_ATT_RFC822_SIZE)
				*size = value->att_data.att_rfc822_size;
			else if (value->att_type == MAILIMAP_MSG_ATT_BODY_SECTION &&
			    value->att_data.att_body_section != NULL) {
				*body = value->att_data.att_body_section->sec_body_part;
				*length = value->att_data.att_body_section->sec_length;
			}
		}
	}
}

/* Order mails by UID. */
static gint
imap_mail_compare(gconstpointer a, gconstpointer b)
{
	const struct imap_mail *x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/* Order UIDs. */
static gint
imap_uid_compare(gconstpointer a, gconstpointer b)
{
	guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;

	return x < y ? -1 : x > y;
}

/* libetpan's progress callback: nothing to do, but libetpan hands each
 * message to imap_fetch_message_done only while one is set. */
static void
imap_fetch_progress(size_t current, size_t maximum, void *data)
{
	(void)current;
	(void)maximum;
	(void)data;
}

/* libetpan's message handler while listing: one mail's UID, size and
 * flags, kept as it arrives (a folder may hold a hundred thousand). */
static void
imap_list_message(struct mailimap_msg_att *message, void *data)
{
	GArray *mails = data;
	struct imap_mail mail = { 0, 0, NULL };
	gboolean deleted = FALSE;
	const char *body = NULL;
	size_t length = 0;

	imap_message_read(message, &mail.uid, &mail.size, &deleted, &body, &length);
	if (mail.uid != 0 && !deleted)
		g_array_append_val(mails, mail);
}

/* List the folder: UID FETCH 1:* (UID RFC822.SIZE FLAGS), one command. */
GArray *
imap_list(struct imap *imap, GError **error)
{
	GArray *mails = g_array_new(FALSE, TRUE, sizeof(struct imap_mail));
	struct mailimap_fetch_type *what;
	struct mailimap_set *set;
	clist *result = NULL;
	int rc;

	if (imap->session->imap_selection_info->sel_exists == 0)
		return mails;
	what = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(what, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(what, mailimap_fetch_att_new_rfc822_size());
	mailimap_fetch_type_new_fetch_att_list_add(what, mailimap_fetch_att_new_flags());
	set = mailimap_set_new_interval(1, 0);   /* 1:* */
	mailimap_set_msg_att_handler(imap->session, imap_list_message, mails);
	mailimap_set_progress_callback(imap->session, imap_fetch_progress, NULL, NULL);
	rc = mailimap_uid_fetch(imap->session, set, what, &result);
	mailimap_set_progress_callback(imap->session, NULL, NULL, NULL);
	mailimap_set_msg_att_handler(imap->session, NULL, NULL);
	mailimap_set_free(set);
	mailimap_fetch_type_free(what);
	if (result != NULL)
		mailimap_fetch_list_free(result);
	if (rc != MAILIMAP_NO_ERROR) {
		g_array_unref(mails);
		imap_fail(imap, rc, DSR_ERROR_UNAVAILABLE, "UID FETCH (listing)", error);
		return NULL;
	}
	g_array_sort(mails, imap_mail_compare);
	return mails;
}

/* A UID set of the given UIDs, consecutive ones joined into ranges. */
static struct mailimap_set *
imap_set_of(const guint32 *uids, guint count)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	guint i = 0, j;

	while (i < count) {
		for (j = i; j + 1 < count && uids[j + 1] == uids[j] + 1; j++)
			;
		mailimap_set_add_interval(set, uids[i], uids[j]);
		i = j + 1;
	}
	return set;
}

/* Find the mail with uid in the sorted slice, or NULL. */
static struct imap_mail *
imap_mail_find(GArray *mails, guint first, guint count, guint32 uid)
{
	guint low = first, high = first + count;

	while (low < high) {
		guint middle = low + (high - low) / 2;
		struct imap_mail *mail = &g_array_index(mails, struct imap_mail, middle);

		if (mail->uid == uid)
			return mail;
		if (mail->uid < uid)
			low = middle + 1;
		else
			high = middle;
	}
	return NULL;
}

/* One UID FETCH as its response streams in: the slice it asks for, and
 * the body of the mail being read. */
struct imap_fetching {
	GArray *mails;
	guint first, count;
	GByteArray *body;         /* the body read so far of the current mail */
};

/* libetpan's body handler: a piece of a BODY[] literal, straight from the
 * network, appended to the one copy kept (libetpan keeps none). */
static bool
imap_fetch_body_piece(int type, struct mailimap_msg_att_body_section *section,
    const char *bytes, size_t length, void *data)
{
	struct imap_fetching *fetching = data;

	(void)section;
	if (type != MAILIMAP_MSG_ATT_BODY_SECTION)
		return true;
	if (fetching->body == NULL)
		fetching->body = g_byte_array_new();
	g_byte_array_append(fetching->body, (const guint8 *)bytes, (guint)length);
	return true;
}

/* libetpan's message handler: one FETCH response read whole; its body
 * goes to the mail of that UID (libetpan frees the response after). */
static void
imap_fetch_message_done(struct mailimap_msg_att *message, void *data)
{
	struct imap_fetching *fetching = data;
	guint32 uid = 0, size = 0;
	gboolean deleted = FALSE;
	const char *body = NULL;
	size_t length = 0;
	struct imap_mail *mail;
	GBytes *raw = NULL;

	imap_message_read(message, &uid, &size, &deleted, &body, &length);
	if (fetching->body != NULL)
		raw = g_byte_array_free_to_bytes(g_steal_pointer(&fetching->body));
	else if (body != NULL)    /* a body sent as a quoted string, or {0} */
		raw = g_bytes_new(body, length);
	mail = imap_mail_find(fetching->mails, fetching->first, fetching->count, uid);
	if (mail != NULL && mail->raw == NULL && raw != NULL)
		mail->raw = g_steal_pointer(&raw);
	if (raw != NULL)
		g_bytes_unref(raw);
}


/* Fetch a slice of the list with one UID FETCH (UID BODY.PEEK[]), each
 * body kept once, as it arrives (see imap_fetch_body_piece). */
int
imap_fetch(struct imap *imap, GArray *mails, guint first, guint count,
    guint32 limit, GError **error)
{
	g_autofree guint32 *uids = g_new(guint32, count ? count : 1);
	struct imap_fetching fetching = { mails, first, count, NULL };
	struct mailimap_fetch_type *what;
	struct mailimap_set *set;
	clist *result = NULL;
	guint i;
	int rc;

	for (i = 0; i < count; i++)
		uids[i] = g_array_index(mails, struct imap_mail, first + i).uid;
	what = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(what, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(what, limit > 0 ?
	    mailimap_fetch_att_new_body_peek_section_partial(mailimap_section_new(NULL),
	    0, limit) : mailimap_fetch_att_new_body_peek_section(mailimap_section_new(NULL)));
	set = imap_set_of(uids, count);
	mailimap_set_msg_body_handler(imap->session, imap_fetch_body_piece, &fetching);
	mailimap_set_msg_att_handler(imap->session, imap_fetch_message_done, &fetching);
	mailimap_set_progress_callback(imap->session, imap_fetch_progress, NULL, NULL);
	rc = mailimap_uid_fetch(imap->session, set, what, &result);
	mailimap_set_progress_callback(imap->session, NULL, NULL, NULL);
	mailimap_set_msg_att_handler(imap->session, NULL, NULL);
	mailimap_set_msg_body_handler(imap->session, NULL, NULL);
	mailimap_set_free(set);
	mailimap_fetch_type_free(what);
	if (fetching.body != NULL)   /* a response cut short */
		g_byte_array_unref(fetching.body);
	if (result != NULL)
		mailimap_fetch_list_free(result);
	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(imap, rc, DSR_ERROR_UNAVAILABLE, "UID FETCH", error);
	return 0;
}

/* COPY, flag \Deleted, and with UIDPLUS expunge just those UIDs; the
 * libetpan result code, error set unless MAILIMAP_NO_ERROR. */
static int
imap_move_by_copy(struct imap *imap, struct mailimap_set *set,
    const char *folder, GError **error)
{
	struct mailimap_flag_list *flags;
	struct mailimap_store_att_flags *store;
	const char *doing = "UID COPY";
	int rc = mailimap_uid_copy(imap->session, set, folder);

	if (rc != MAILIMAP_NO_ERROR)
		goto out;
	flags = mailimap_flag_list_new_empty();
	mailimap_flag_list_add(flags, mailimap_flag_new_deleted());
	store = mailimap_store_att_flags_new_add_flags_silent(flags);
	rc = mailimap_uid_store(imap->session, set, store);
	mailimap_store_att_flags_free(store);
	doing = "UID STORE";
	/* Without UIDPLUS the mails stay flagged \Deleted: imap_list skips
	 * them from now on (a plain EXPUNGE could remove others' mail). */
	if (rc != MAILIMAP_NO_ERROR || !mailimap_has_uidplus(imap->session))
		goto out;
	rc = mailimap_uid_expunge(imap->session, set);
	doing = "UID EXPUNGE";
out:
	if (rc != MAILIMAP_NO_ERROR)
		imap_fail(imap, rc, DSR_ERROR_UNAVAILABLE, doing, error);
	return rc;
}

/* Which of uids are still in the selected folder (UID FETCH (UID)): a new
 * array, or NULL with error. */
static GArray *
imap_present(struct imap *imap, GArray *uids, GError **error)
{
	GArray *present = g_array_new(FALSE, FALSE, sizeof(guint32));
	struct mailimap_fetch_type *what = mailimap_fetch_type_new_fetch_att_list_empty();
	struct mailimap_set *set = imap_set_of((const guint32 *)(void *)uids->data,
	    uids->len);
	clist *result = NULL;
	clistiter *at;
	int rc;

	mailimap_fetch_type_new_fetch_att_list_add(what, mailimap_fetch_att_new_uid());
	rc = mailimap_uid_fetch(imap->session, set, what, &result);
	mailimap_set_free(set);
	mailimap_fetch_type_free(what);
	if (rc != MAILIMAP_NO_ERROR) {
		g_array_unref(present);
		imap_fail(imap, rc, DSR_ERROR_UNAVAILABLE, "UID FETCH (UID)", error);
		return NULL;
	}
	for (at = clist_begin(result); at != NULL; at = clist_next(at)) {
		guint32 uid = 0, size = 0;
		gboolean deleted = FALSE;
		const char *body = NULL;
		size_t length = 0;

		imap_message_read(clist_content(at), &uid, &size, &deleted, &body, &length);
		if (uid != 0)
			g_array_append_val(present, uid);
	}
	mailimap_fetch_list_free(result);
	g_array_sort(present, imap_uid_compare);
	return present;
}

/* One attempt: MOVE, else COPY + \Deleted (+ UID EXPUNGE); the libetpan
 * result code. */
static int
imap_move_once(struct imap *imap, GArray *uids, const char *folder,
    GError **error)
{
	struct mailimap_set *set = imap_set_of((const guint32 *)(void *)uids->data,
	    uids->len);
	int rc;

	if (mailimap_has_extension(imap->session, "MOVE")) {
		rc = mailimap_uid_move(imap->session, set, folder);
		if (rc != MAILIMAP_NO_ERROR)
			imap_fail(imap, rc, DSR_ERROR_UNAVAILABLE, "UID MOVE", error);
	} else
		rc = imap_move_by_copy(imap, set, folder, error);
	mailimap_set_free(set);
	return rc;
}

/* Move mails to folder. A refusal because some are gone (another poller
 * moved them: Dovecot answers NO "no longer exist") is retried once with
 * those still there. */
int
imap_move(struct imap *imap, GArray *uids, const char *folder, GError **error)
{
	g_autoptr(GError) refused = NULL;
	g_autoptr(GArray) present = NULL;
	int rc;

	if (uids->len == 0)
		return 0;
	rc = imap_move_once(imap, uids, folder, &refused);
	if (rc == MAILIMAP_NO_ERROR)
		return 0;
	if (imap_broken(rc) || (present = imap_present(imap, uids, NULL)) == NULL ||
	    present->len == uids->len) {
		g_propagate_error(error, g_steal_pointer(&refused));
		return -1;
	}
	log_debug("imap: %u of %u mails to move are gone; moving the other %u",
	    uids->len - present->len, uids->len, present->len);
	if (present->len == 0)
		return 0;
	return imap_move_once(imap, present, folder, error) == MAILIMAP_NO_ERROR ? 0 : -1;
}

/* Free a listing and the mails fetched into it. */
void
imap_mails_free(GArray *mails)
{
	guint i;

	if (mails == NULL)
		return;
	for (i = 0; i < mails->len; i++) {
		struct imap_mail *mail = &g_array_index(mails, struct imap_mail, i);

		if (mail->raw != NULL)
			g_bytes_unref(mail->raw);
	}
	g_array_unref(mails);
}
