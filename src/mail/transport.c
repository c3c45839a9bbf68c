/* transport.c: the functions of imap.h, smtp.h and oauth2.h (those the
 * commands use) as the program has them:
 * each calls the one of the same name in dsrmail-transport.so (see
 * transport.h), which is loaded the first time one is called
 * (base/module.h). The functions that take no GError are only called on
 * what a loaded module returned. */
#include "base/error.h"
#include "base/module.h"
#include "mail/transport.h"

static const struct transport *transport;

/* The module, loaded once. */
static const struct transport *
transport_get(GError **error)
{
	if (transport == NULL)
		transport = module_table("dsrmail-transport.so", TRANSPORT_SYMBOL,
		    error);
	return transport;
}

/* The table of a module already loaded (by a call that took a GError). */
static const struct transport *
transport_loaded(void)
{
	if (transport == NULL)
		dsr_fatal("the IMAP/SMTP module is used before it was loaded");
	return transport;
}

/* imap_connect (imap.h), loading the module first. */
struct imap *
imap_connect(const struct config *config, GError **error)
{
	const struct transport *t = transport_get(error);

	return t != NULL ? t->imap_connect(config, error) : NULL;
}

/* imap_close (imap.h). */
void
imap_close(struct imap *imap)
{
	if (imap != NULL)
		transport_loaded()->imap_close(imap);
}

/* imap_can_idle (imap.h). */
gboolean
imap_can_idle(const struct imap *imap)
{
	return transport_loaded()->imap_can_idle(imap);
}

/* imap_folder_ensure (imap.h). */
int
imap_folder_ensure(struct imap *imap, const char *folder, GError **error)
{
	return transport_loaded()->imap_folder_ensure(imap, folder, error);
}

/* imap_select (imap.h). */
int
imap_select(struct imap *imap, const char *folder, guint32 *uidvalidity,
    GError **error)
{
	return transport_loaded()->imap_select(imap, folder, uidvalidity, error);
}

/* imap_list (imap.h). */
GArray *
imap_list(struct imap *imap, GError **error)
{
	return transport_loaded()->imap_list(imap, error);
}

/* imap_background_start (imap.h). */
struct imap_background *
imap_background_start(struct imap *imap, GArray *move, const char *folder,
    GArray *mails, guint first, guint count, guint32 limit)
{
	return transport_loaded()->imap_background_start(imap, move, folder,
	    mails, first, count, limit);
}

/* imap_background_finish (imap.h). */
int
imap_background_finish(struct imap_background *work, gboolean *moved,
    GError **error)
{
	return transport_loaded()->imap_background_finish(work, moved, error);
}

/* imap_idle_wait (imap.h). */
int
imap_idle_wait(struct imap *imap, int timeout_seconds,
    const sigset_t *unblocked, GError **error)
{
	return transport_loaded()->imap_idle_wait(imap, timeout_seconds,
	    unblocked, error);
}

/* imap_mails_free (imap.h). */
void
imap_mails_free(GArray *mails)
{
	if (mails != NULL)
		transport_loaded()->imap_mails_free(mails);
}

/* smtp_open (smtp.h), loading the module first. */
struct smtp *
smtp_open(const struct config *config, GError **error)
{
	const struct transport *t = transport_get(error);

	return t != NULL ? t->smtp_open(config, error) : NULL;
}

/* smtp_send (smtp.h). */
enum smtp_outcome
smtp_send(struct smtp *smtp, const char *recipient, GBytes *raw, char **answer)
{
	return transport_loaded()->smtp_send(smtp, recipient, raw, answer);
}

/* smtp_token_error (smtp.h). */
const GError *
smtp_token_error(const struct smtp *smtp)
{
	return transport_loaded()->smtp_token_error(smtp);
}

/* smtp_close (smtp.h). */
void
smtp_close(struct smtp *smtp)
{
	if (smtp != NULL)
		transport_loaded()->smtp_close(smtp);
}

/* oauth2_state_read (oauth2.h), loading the module first. */
int
oauth2_state_read(const struct config *config, struct oauth2_state *state,
    GError **error)
{
	const struct transport *t = transport_get(error);

	return t != NULL ? t->oauth2_state_read(config, state, error) : -1;
}

/* oauth2_state_clear (oauth2.h). */
void
oauth2_state_clear(struct oauth2_state *state)
{
	if (transport != NULL)
		transport->oauth2_state_clear(state);
}

/* oauth2_login (oauth2.h), loading the module first. */
int
oauth2_login(const struct config *config, FILE *in, FILE *out, GError **error)
{
	const struct transport *t = transport_get(error);

	return t != NULL ? t->oauth2_login(config, in, out, error) : -1;
}
