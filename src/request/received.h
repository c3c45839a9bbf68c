/* received.h: a stored request mail as the lifecycle reads it: the sender's
 * normalised address, the trusted DMARC verdict and the parsed mail. intake
 * hands over the one it has just parsed; otherwise it is read back from the
 * store. */
#ifndef DSR_RECEIVED_H
#define DSR_RECEIVED_H

#include <glib.h>

#include "mail/mime.h"

struct store;

struct received_mail {
	char *from;               /* normalised From (dsr_messages.from_address), or NULL */
	char *dmarc;              /* the trusted DMARC verdict (dsr_messages.dmarc), or NULL */
	gint64 size;              /* the whole mail's size as it arrived */
	gboolean oversized;       /* over max_message_size: mime is only its start */
	struct mime_mail mime;    /* the stored bytes, parsed */
};

/* Read dsr_messages row message and parse its raw mail into mail (a mail
 * whose raw bytes were removed parses as empty). 0, or -1 with error; mail
 * can be cleared with received_mail_clear either way. */
int received_mail_load(struct store *store, gint64 message,
    struct received_mail *mail, GError **error);

/* given, when intake has just parsed the mail, else mail number message
 * read from the store into *loaded (received_mail_clear it). NULL with
 * error when it cannot be read. */
const struct received_mail *received_mail_get(struct store *store,
    gint64 message, const struct received_mail *given,
    struct received_mail *loaded, GError **error);

/* Free what a mail holds (not the struct itself). */
void received_mail_clear(struct received_mail *mail);

#endif
