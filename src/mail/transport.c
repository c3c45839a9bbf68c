/* transport.c: the functions of imap.h and smtp.h as the program has them:
 * each calls the one of the same name in dsrmail-transport.so (see
 * transport.h), which is loaded the first time one is called. The module is
 * looked for next to the program (a build tree), then in the directory
 * `make install` puts it in. The functions that take no GError are only
 * called on what a loaded module returned. */
#include <unistd.h>

#include <gmodule.h>

#include "base/error.h"
#include "base/log.h"
#include "mail/transport.h"
#include "paths.h"

/* The module's file name. */
#define TRANSPORT_FILE "dsrmail-transport.so"

static const struct transport *transport;

/* Open the module at path; its table, or NULL with the reason in *why. */
static const struct transport *
transport_open(const char *path, char **why)
{
	GModule *module = g_module_open(path, G_MODULE_BIND_LOCAL);
	gpointer table = NULL;

	if (module == NULL || !g_module_symbol(module, TRANSPORT_SYMBOL, &table)) {
		*why = g_strdup(g_module_error());
		if (module != NULL)
			g_module_close(module);
		return NULL;
	}
	g_module_make_resident(module);
	return table;
}

/* The module, loaded once: next to the program, else where it is installed. */
static const struct transport *
transport_get(GError **error)
{
	g_autofree char *program = NULL, *path = NULL, *why = NULL;

	if (transport != NULL)
		return transport;
	program = g_file_read_link("/proc/self/exe", NULL);
	if (program != NULL) {
		g_autofree char *dir = g_path_get_dirname(program);

		path = g_build_filename(dir, TRANSPORT_FILE, NULL);
	}
	if (path == NULL || !g_file_test(path, G_FILE_TEST_EXISTS)) {
		g_free(path);
		path = g_build_filename(DSR_MODULE_DIR, TRANSPORT_FILE, NULL);
	}
	if ((transport = transport_open(path, &why)) == NULL)
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "cannot load %s, "
		    "dsrmail's IMAP and SMTP client: %s; install dsrmail again "
		    "(make install puts it in %s)", path, why, DSR_MODULE_DIR);
	else
		log_debug("transport: loaded %s", path);
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

/* smtp_close (smtp.h). */
void
smtp_close(struct smtp *smtp)
{
	if (smtp != NULL)
		transport_loaded()->smtp_close(smtp);
}
