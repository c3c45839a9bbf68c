/* intake.h: one mail in: parsed (GMime), screened, its sender identified,
 * classified, and stored with its requests in one transaction. The same code
 * serves `dsrmail deliver` (stdin) and `dsrmail poll` (IMAP). */
#ifndef DSR_INTAKE_H
#define DSR_INTAKE_H

#include <glib.h>

#include "request/received.h"

struct config;
struct context;

/* Of a mail over [policy] max_message_size, intake keeps (and poll fetches)
 * at most this much, or max_message_size if that is less: its headers and
 * first text part, where the request is; never its attachments. */
#define INTAKE_OVERSIZED_KEEP (1024 * 1024)

enum intake_source_kind { INTAKE_DELIVER, INTAKE_IMAP };

/* Where a mail came from; uidvalidity and uid only for INTAKE_IMAP. */
struct intake_source {
	enum intake_source_kind kind;
	guint32 uidvalidity;
	guint32 uid;
	gint64 size;              /* the whole mail's size when raw was cut short
	                             (deliver stops keeping bytes past
	                             max_message_size); 0: raw is the whole mail */
};

/* What intake did with one mail. */
struct intake_result {
	gboolean duplicate;       /* seen before (Message-ID, hash, or UID): nothing new stored */
	char *screened;           /* why it was recorded as ignored, or NULL */
	GPtrArray *requests;      /* char *: ids of the requests opened or continued */
	gint64 message;           /* dsr_messages.id of the stored mail (or the earlier copy) */
	gboolean continued;       /* its Subject named a known request: no new one */
	struct received_mail *mail; /* the mail message holds, as intake parsed it, so
	                             the lifecycle need not read and parse it
	                             again; NULL for a duplicate */
};

/* Process one raw mail. Returns 0 once the mail and everything it caused are
 * committed (a duplicate or an ignored mail is a success too); -1 with error
 * otherwise, DSR_ERROR_TEMPORARY when retrying later may work (database busy,
 * disk full): then nothing was written. result is filled on success and must
 * be cleared with intake_result_clear. */
int intake_message(struct context *context, GBytes *raw,
    const struct intake_source *source, struct intake_result *result,
    GError **error);

/* How many bytes of an oversized mail intake reads at most:
 * INTAKE_OVERSIZED_KEEP, or max_message_size if that is less. */
gint64 intake_oversized_keep(const struct config *config);

/* Free what a result holds (not the struct itself). */
void intake_result_clear(struct intake_result *result);

/* Forget the classification rules kept from earlier mails (intake loads
 * rules/classify.rules once per run): the next mail reads them anew.
 * `dsrmail serve` calls it when a rules file changed. */
void intake_forget_rules(void);

#endif
