/* reply.h: every mail dsrmail writes, built with GMime from a template
 * (templates/<lang>/<kind>.txt) and queued in the outbox.
 *
 * The lifecycle fills a struct reply with the kind's fields (reply_kind_fields
 * lists them) and calls reply_queue inside the transaction of the change that
 * causes the mail; `dsrmail send` (outbox.c) delivers it later. */
#ifndef DSR_REPLY_H
#define DSR_REPLY_H

#include <glib.h>

#include "base/config.h"
#include "mail/crypto.h"
#include "rules/notice.h"
#include "store/store.h"
#include "reply/template.h"

/* The mails; their names are the template file names and dsr_outbox.template. */
enum reply_kind {
	/* to the data subject: auto-replied, with the controller and contact */
	REPLY_RECEIVED,             /* "received": request received */
	REPLY_CHALLENGE,            /* identity challenge with a token (N22) */
	REPLY_ACCESS,               /* the data, bundle attached (N7) */
	REPLY_PORTABILITY,          /* the data, bundle attached (N10) */
	REPLY_RECTIFICATION_DONE,   /* N11 */
	REPLY_RECTIFICATION_REFUSED, /* reasons, N13, N18 */
	REPLY_ERASURE_DONE,         /* N16 */
	REPLY_ERASURE_PARTIAL,      /* what stays, why, until when: N16 */
	REPLY_RESTRICTION_DONE,     /* N14 */
	REPLY_RESTRICTION_LIFTED,   /* told before lifting: Art. 18(3) */
	REPLY_BANS_SET,             /* N8, N9, N19 */
	REPLY_ANONYMISATION_DONE,   /* N17 */
	REPLY_NO_DATA,              /* no data found for this address */
	REPLY_REJECTED,             /* reason and the authority (N18, N23) */
	REPLY_EXTENDED,             /* deadline extended, with reason (N21) */
	REPLY_OVERSIZED,            /* a mail over max_message_size arrived, without
	                               its attachments; how to send them */
	REPLY_OBJECTION_UPHELD,     /* Art. 21(1) objection: processing stopped */
	REPLY_RATE_LIMITED,         /* over sender_rate: not handled, why (Art. 12(4)) */
	REPLY_KEY_NEEDED,           /* encrypt_exports = always: how to send a key */
	/* to staff and partners: auto-generated */
	REPLY_ADMIN_NOTICE,         /* a new item in the queue, APPROVE/REJECT by reply */
	REPLY_DEADLINE_REMINDER,    /* N21 */
	REPLY_RECIPIENT_NOTICE,     /* a recipient or source told of a change
	                               (N12), or the admins in its stead (N19) */
	REPLY_BOUNCE_NOTICE,        /* a mail of ours was refused or bounced */
	REPLY_SIGNIN_LINK,          /* an admin's link to the web pages (dsrmail web) */
	REPLY_RATE_NOTICE,          /* a sender over sender_rate */
	REPLY_SIGNIN_REVOKED,       /* the OAuth2 sign-in was revoked: log in again */
	REPLY_KIND_COUNT
};

/* The first kind that goes to staff or partners, not to the data subject. */
#define REPLY_FIRST_STAFF REPLY_ADMIN_NOTICE

/* "received", "access", ...; the template's file name without .txt. */
const char *reply_kind_name(enum reply_kind kind);

/* What a kind's mail is, in a few English words for the command line
 * ("confirmation code"). */
const char *reply_kind_summary(enum reply_kind kind);

/* The kind of a name, or -1. */
int reply_kind_from_name(const char *name);

/* The fields the code provides for a kind, NULL-terminated, in template.h's
 * notation ("name", "list[]", "list[a,b]"). The fields every mail gets from
 * reply_build itself are included: organisation, registry_address,
 * request_id, controller, contact, authority, and kind_label (from "kind"),
 * files[] (from the bundle), notice[heading,text] (from the notice facts). */
const char *const *reply_kind_fields(enum reply_kind kind);

/* Set data's kind_label to the words for a request kind in each language
 * (reply_build does it for the field "kind"; this serves list items, such
 * as the requests one challenge covers). Nothing for an unknown kind. */
void reply_set_kind_label(struct template_data *data, const char *kind);

/* The templates of every kind and language, each loaded and checked. */
struct reply_templates;

/* Load templates/<fi|en|sv>/<kind>.txt and footer.txt from dir and check
 * each against its kind's fields. Returns a new set (reply_templates_free),
 * or NULL with DSR_ERROR_CONFIG naming the file, line and field. */
struct reply_templates *reply_templates_load(const char *dir, GError **error);

/* The same set with nothing loaded yet: each template is loaded and checked
 * when a mail first needs it, and reply_build fails (DSR_ERROR_CONFIG, as
 * above) on one that is broken. For `deliver`, whose one mail needs one or
 * two of the sixty; the commands that run often load them all. NULL with
 * DSR_ERROR_CONFIG when dir is not a directory. */
struct reply_templates *reply_templates_open(const char *dir, GError **error);

void reply_templates_free(struct reply_templates *templates);

/* What a mail is made of. Strings are borrowed for the call. */
struct reply {
	enum reply_kind kind;
	const char *request;          /* DSR-YYYY-NNNN, or NULL */
	int language;                 /* enum language, or -1: fi and en in one mail */
	const char *to_address;       /* the address on file: never Reply-To */
	const char *to_name;          /* display name, or NULL */
	/* The mail answered (RFC 5322 3.6.4), or NULLs: */
	const char *parent_message_id;   /* its Message-ID, with or without <> */
	const char *parent_references;   /* its References header, or NULL */
	const char *parent_in_reply_to;  /* its In-Reply-To header, or NULL */
	GPtrArray *bundle;            /* struct bundle_file * to attach, or NULL */
	struct template_data *data;   /* the kind's fields; reply_build adds the
	                                 common ones to it */
	struct crypto *crypto;        /* signs with [crypto] signing_key, if set;
	                                 NULL: crypto off */
	const struct crypto_key *encrypt_to; /* the body encrypted to it, or NULL */
};

/* What reply_build makes. */
struct reply_mail {
	char *message_id;             /* without <>, in the registry domain */
	GBytes *raw;                  /* the whole mail, CRLF line ends */
};

/* Render and build the mail (Date from clock_now()). notice may be NULL for
 * staff kinds. 0, or -1 with error (DSR_ERROR_DATA for an implausible
 * to_address, DSR_ERROR_SOFTWARE for a field the caller forgot). Clear the
 * result with reply_mail_clear. */
int reply_build(struct reply_templates *templates,
    const struct config *config, const struct notice *notice,
    const struct reply *reply, struct reply_mail *mail, GError **error);

void reply_mail_clear(struct reply_mail *mail);

/* Build the mail and store it in the outbox with a "mail_queued" event,
 * inside the caller's transaction. Returns the dsr_outbox id, or -1. */
gint64 reply_queue(struct store *store, struct reply_templates *templates,
    const struct config *config, const struct notice *notice,
    const struct reply *reply, GError **error);

#endif
