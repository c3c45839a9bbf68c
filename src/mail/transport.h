/* transport.h: the mail servers' side of mail/ (IMAP over libetpan and
 * GnuTLS, SMTP and OAuth2 over libcurl) is built as a module of its own,
 * dsrmail-transport.so (base/module.h), so that those libraries, and the
 * thirty more they load, are loaded only by a command that talks to a mail
 * server or a sign-in provider: `deliver` starts without them. The module
 * exports this one table, filled with the functions imap.h and smtp.h
 * declare and those of oauth2.h the commands use; in the program,
 * transport.c defines those same functions as calls through the table,
 * loading the module the first time. Only for src/mail/; the rest of
 * dsrmail uses imap.h, smtp.h and oauth2.h and does not know there is a
 * module. */
#ifndef DSR_TRANSPORT_H
#define DSR_TRANSPORT_H

#include "mail/imap.h"
#include "mail/oauth2.h"
#include "mail/smtp.h"

/* The name of the module's table (g_module_symbol). */
#define TRANSPORT_SYMBOL "transport_module"

/* What the module exports, named as in imap.h and smtp.h. */
struct transport {
	struct imap *(*imap_connect)(const struct config *, GError **);
	void (*imap_close)(struct imap *);
	gboolean (*imap_can_idle)(const struct imap *);
	int (*imap_folder_ensure)(struct imap *, const char *, GError **);
	int (*imap_select)(struct imap *, const char *, guint32 *, GError **);
	GArray *(*imap_list)(struct imap *, GError **);
	struct imap_background *(*imap_background_start)(struct imap *, GArray *,
	    const char *, GArray *, guint, guint, guint32);
	int (*imap_background_finish)(struct imap_background *, gboolean *,
	    GError **);
	int (*imap_idle_wait)(struct imap *, int, const sigset_t *, GError **);
	void (*imap_mails_free)(GArray *);
	struct smtp *(*smtp_open)(const struct config *, GError **);
	enum smtp_outcome (*smtp_send)(struct smtp *, const char *, GBytes *,
	    char **);
	const GError *(*smtp_token_error)(const struct smtp *);
	void (*smtp_close)(struct smtp *);
	int (*oauth2_state_read)(const struct config *, struct oauth2_state *,
	    GError **);
	void (*oauth2_state_clear)(struct oauth2_state *);
	int (*oauth2_login)(const struct config *, FILE *, FILE *, GError **);
};

#endif
