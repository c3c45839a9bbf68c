/* received.c: a stored request mail, read back for the lifecycle. */
#include "request/received.h"
#include "store/store-lifecycle.h"

/* Read and parse a stored mail (see received.h). */
int
received_mail_load(struct store *store, gint64 message,
    struct received_mail *mail, GError **error)
{
	struct message_row row;

	if (store_lifecycle_message(store, message, &row, error) < 0)
		return -1;
	mail->from = row.from_address;
	mail->dmarc = row.dmarc;
	mail->size = row.size;
	mail->oversized = row.oversized;
	if (row.raw == NULL)
		row.raw = g_bytes_new_static("", 0);
	mime_mail_parse(row.raw, &mail->mime);
	g_bytes_unref(row.raw);
	return 0;
}

/* Free a mail's contents. */
void
received_mail_clear(struct received_mail *mail)
{
	g_clear_pointer(&mail->from, g_free);
	g_clear_pointer(&mail->dmarc, g_free);
	mime_mail_clear(&mail->mime);
}

/* given, else the stored mail read into loaded (see received.h). */
const struct received_mail *
received_mail_get(struct store *store, gint64 message,
    const struct received_mail *given, struct received_mail *loaded,
    GError **error)
{
	if (given != NULL)
		return given;
	return received_mail_load(store, message, loaded, error) < 0 ? NULL : loaded;
}
