/* imap.c: the IMAP client over libetpan: connect (imap:// with STARTTLS, or
 * imaps://), log in, SELECT, IDLE. The certificate check is in
 * imap-tls.c, listing, fetching and moving mail in imap-mailbox.c; what the
 * three share is in imap-session.h. */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "base/error.h"
#include "base/log.h"
#include "mail/imap.h"
#include "mail/imap-session.h"

/* Does a libetpan result code mean the connection is broken (rather than
 * a command the server refused)? */
gboolean
imap_broken(int rc)
{
	switch (rc) {
	case MAILIMAP_ERROR_STREAM:
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
	case MAILIMAP_ERROR_FATAL:
	case MAILIMAP_ERROR_PARSE:
	case MAILIMAP_ERROR_SSL:
	case MAILIMAP_ERROR_MEMORY:
		return TRUE;
	default:
		return FALSE;
	}
}

/* Set error for a failed libetpan call: a broken connection is
 * DSR_ERROR_UNAVAILABLE, a refusal the server answered gets refused_code. */
int
imap_fail(struct imap *imap, int rc, int refused_code, const char *doing,
    GError **error)
{
	const char *said = imap->session != NULL ? imap->session->imap_response : NULL;

	if (imap_broken(rc)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_UNAVAILABLE, "IMAP server "
		    "%s:%u: the connection broke while %s (libetpan error %d); "
		    "nothing was lost, try again later", imap->host, imap->port,
		    doing, rc);
	} else
		g_set_error(error, DSR_ERROR, refused_code, "IMAP server %s:%u "
		    "refused %s: %s", imap->host, imap->port, doing,
		    said != NULL && *said != '\0' ? said : "no reason given");
	return -1;
}

/* Read host, port and TLS style from [imap] url. */
static int
imap_url_parse(struct imap *imap, const char *url, GError **error)
{
	g_autoptr(GUri) uri = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);
	const char *scheme = uri != NULL ? g_uri_get_scheme(uri) : NULL;
	const char *path = uri != NULL ? g_uri_get_path(uri) : NULL;
	int port;

	if (uri == NULL || g_uri_get_host(uri) == NULL ||
	    *g_uri_get_host(uri) == '\0' || (g_ascii_strcasecmp(scheme, "imap") != 0 &&
	    g_ascii_strcasecmp(scheme, "imaps") != 0) ||
	    (path != NULL && *path != '\0' && strcmp(path, "/") != 0)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[imap] url \"%s\" "
		    "is not imap://host[:port] or imaps://host[:port] (the folder "
		    "is set by [imap] folder)", url);
		return -1;
	}
	imap->implicit_tls = g_ascii_strcasecmp(scheme, "imaps") == 0;
	port = g_uri_get_port(uri);
	imap->port = (guint16)(port > 0 ? port : imap->implicit_tls ? 993 : 143);
	imap->host = g_strdup(g_uri_get_host(uri));
	return 0;
}

/* The password from [imap] password_file, its final line end removed.
 * The caller wipes and frees it. */
static char *
imap_password_read(const struct config *config, GError **error)
{
	g_autoptr(GError) local = NULL;
	char *text = NULL;
	gsize length = 0;

	if (config->imap_password_file == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[imap] password_file "
		    "is not set; put the IMAP password in a file only dsrmail's "
		    "user can read and name it there");
		return NULL;
	}
	if (!g_file_get_contents(config->imap_password_file, &text, &length, &local)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "cannot read [imap] "
		    "password_file: %s", local->message);
		return NULL;
	}
	if (length > 0 && text[length - 1] == '\n')
		text[--length] = '\0';
	if (length > 0 && text[length - 1] == '\r')
		text[--length] = '\0';
	return text;
}

/* Ask for CAPABILITY again (after STARTTLS and LOGIN they may change). */
static int
imap_capability_refresh(struct imap *imap, GError **error)
{
	struct mailimap_capability_data *data = NULL;
	int rc = mailimap_capability(imap->session, &data);

	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(imap, rc, DSR_ERROR_UNAVAILABLE, "CAPABILITY", error);
	mailimap_capability_data_free(data);
	return 0;
}

/* libetpan 1.9.4 (Debian 12) reads a literal until mailstream_read returns
 * -1, and a connection that ends inside one (the server stopped mid-FETCH)
 * returns 0 for ever: poll spun at full CPU and never ended (found by
 * tests/113-fault-imap.t; later libetpan checks <= 0). The end of the
 * stream is an error wherever libetpan still reads, so the stream's driver
 * is wrapped to turn a read of nothing into -1. */
struct eof_driver {
	mailstream_low_driver driver;       /* first: low->driver points here */
	const mailstream_low_driver *original;
};

/* The original read; the end of the stream is an error. */
static ssize_t
eof_read(mailstream_low *low, void *buffer, size_t count)
{
	const struct eof_driver *wrap = (const struct eof_driver *)low->driver;
	ssize_t got = wrap->original->mailstream_read(low, buffer, count);

	return got == 0 && count > 0 ? -1 : got;
}

/* The original free, then the wrapper's own memory. */
static void
eof_free(mailstream_low *low)
{
	struct eof_driver *wrap = (struct eof_driver *)low->driver;

	wrap->original->mailstream_free(low);
	g_free(wrap);
}

/* Wrap the session's current stream (after connecting, and again after
 * STARTTLS, which puts a new one in place). */
static void
imap_guard_eof(struct imap *imap)
{
	mailstream_low *low = imap->session->imap_stream != NULL ?
	    mailstream_get_low(imap->session->imap_stream) : NULL;
	struct eof_driver *wrap;

	if (low == NULL || low->driver->mailstream_read == eof_read)
		return;
	wrap = g_new0(struct eof_driver, 1);
	wrap->driver = *low->driver;
	wrap->original = low->driver;
	wrap->driver.mailstream_read = eof_read;
	wrap->driver.mailstream_free = eof_free;
	low->driver = &wrap->driver;
}

/* STARTTLS as [imap] starttls says; refuses, before any credential is
 * sent, when it is required and the server does not offer it. */
static int
imap_starttls(struct imap *imap, GError **error)
{
	enum tls_mode mode = imap->config->imap_starttls;
	int rc;

	if (mode == TLS_NO)
		return 0;
	if (imap_capability_refresh(imap, error) < 0)
		return -1;
	if (!mailimap_has_extension(imap->session, "STARTTLS")) {
		if (mode == TLS_REQUIRED) {
			g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "IMAP server "
			    "%s:%u offers no STARTTLS and [imap] starttls = required: "
			    "refusing to send the login in clear. Use imaps://, enable "
			    "TLS on the server, or set starttls = no only on a trusted "
			    "network", imap->host, imap->port);
			return -1;
		}
		log_warn("imap: %s:%u offers no STARTTLS; logging in without TLS "
		    "([imap] starttls = yes)", imap->host, imap->port);
		return 0;
	}
	rc = mailimap_socket_starttls_with_callback(imap->session, imap_tls_setup, imap);
	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(imap, rc, DSR_ERROR_UNAVAILABLE, "STARTTLS", error);
	imap_guard_eof(imap);
	if (imap_tls_verify(imap, error) < 0)
		return -1;
	/* RFC 3501 6.2.1: forget what was said before TLS, ask again. */
	return imap_capability_refresh(imap, error);
}

/* Open the connection and secure it; no credential has been sent yet. */
static int
imap_open(struct imap *imap, GError **error)
{
	int rc;

	if (imap->implicit_tls)
		rc = mailimap_ssl_connect_with_callback(imap->session, imap->host,
		    imap->port, imap_tls_setup, imap);
	else
		rc = mailimap_socket_connect(imap->session, imap->host, imap->port);
	if (rc != MAILIMAP_NO_ERROR_NON_AUTHENTICATED &&
	    rc != MAILIMAP_NO_ERROR_AUTHENTICATED) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_UNAVAILABLE, "cannot reach "
		    "the IMAP server %s:%u (%s); check [imap] url and that the "
		    "server is running", imap->host, imap->port,
		    rc == MAILIMAP_ERROR_SSL ? "TLS handshake failed" :
		    rc == MAILIMAP_ERROR_CONNECTION_REFUSED ? "connection refused" :
		    rc == MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION ? "it turned us away" :
		    "no IMAP greeting");
		return -1;
	}
	imap_guard_eof(imap);
	if (imap->implicit_tls)
		return imap_tls_verify(imap, error) < 0 ? -1 : imap_capability_refresh(imap, error);
	return imap_starttls(imap, error);
}

/* LOGIN with the password; a refusal names user and server, never the
 * password. */
static int
imap_login(struct imap *imap, const char *password, GError **error)
{
	int rc;

	if (mailimap_has_extension(imap->session, "LOGINDISABLED")) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "IMAP server %s:%u "
		    "does not allow LOGIN on this connection (LOGINDISABLED); use "
		    "imaps:// or [imap] starttls = required", imap->host, imap->port);
		return -1;
	}
	rc = mailimap_login(imap->session, imap->config->imap_user, password);
	if (rc == MAILIMAP_ERROR_LOGIN) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "IMAP server %s:%u "
		    "refused the login of user %s (%s); check [imap] user and the "
		    "password in [imap] password_file", imap->host, imap->port,
		    imap->config->imap_user, imap->session->imap_response != NULL ?
		    imap->session->imap_response : "no reason given");
		return -1;
	}
	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(imap, rc, DSR_ERROR_CONFIG, "the login", error);
	return imap_capability_refresh(imap, error);
}

/* Connect, secure, log in. */
struct imap *
imap_connect(const struct config *config, GError **error)
{
	struct imap *imap = g_new0(struct imap, 1);
	char *password = NULL;

	imap->config = config;
	if (imap_url_parse(imap, config->imap_url, error) < 0)
		goto fail;
	if (config->imap_user == NULL || *config->imap_user == '\0') {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[imap] user is not "
		    "set; give the IMAP login name");
		goto fail;
	}
	imap->description = g_strdup_printf("%s at %s:%u", config->imap_user,
	    imap->host, imap->port);
	if (config->imap_auth == AUTH_PASSWORD &&
	    (password = imap_password_read(config, error)) == NULL)
		goto fail;
	imap->session = mailimap_new(0, NULL);
	if (imap->session == NULL)
		dsr_fatal("out of memory");
	mailimap_set_timeout(imap->session, IMAP_NETWORK_TIMEOUT);
	if (imap_open(imap, error) < 0)
		goto fail;
	if (config->imap_auth == AUTH_OAUTH2 ? imap_login_oauth2(imap, error) < 0 ||
	    imap_capability_refresh(imap, error) < 0 :
	    imap_login(imap, password, error) < 0)
		goto fail;
	if (password != NULL)
		explicit_bzero(password, strlen(password));
	g_free(password);
	log_debug("imap: logged in as %s", imap->description);
	return imap;
fail:
	if (password != NULL)
		explicit_bzero(password, strlen(password));
	g_free(password);
	imap_close(imap);
	return NULL;
}

/* Log out and free. */
void
imap_close(struct imap *imap)
{
	if (imap == NULL)
		return;
	if (imap->session != NULL) {
		if (imap->session->imap_stream != NULL)
			mailimap_logout(imap->session);
		mailimap_free(imap->session);
	}
	g_free(imap->host);
	g_free(imap->description);
	g_free(imap);
}

/* Does the server offer IDLE? */
gboolean
imap_can_idle(const struct imap *imap)
{
	return mailimap_has_idle(imap->session) != 0;
}

/* LIST the folder; CREATE it when the list is empty. */
int
imap_folder_ensure(struct imap *imap, const char *folder, GError **error)
{
	clist *found = NULL;
	gboolean exists;
	int rc = mailimap_list(imap->session, "", folder, &found);

	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(imap, rc, DSR_ERROR_CONFIG, "LIST", error);
	exists = clist_count(found) > 0;
	mailimap_list_result_free(found);
	if (exists)
		return 0;
	rc = mailimap_create(imap->session, folder);
	if (rc != MAILIMAP_NO_ERROR) {
		dsr_error_prefix(error, "creating [imap] processed_folder: ");
		return imap_fail(imap, rc, DSR_ERROR_CONFIG, "CREATE", error);
	}
	log_info("imap: created folder %s", folder);
	return 0;
}

/* SELECT the folder and report its UIDVALIDITY. */
int
imap_select(struct imap *imap, const char *folder, guint32 *uidvalidity,
    GError **error)
{
	int rc = mailimap_select(imap->session, folder);

	if (rc != MAILIMAP_NO_ERROR) {
		imap_fail(imap, rc, DSR_ERROR_CONFIG, "SELECT", error);
		if (rc == MAILIMAP_ERROR_SELECT)
			g_prefix_error(error, "[imap] folder %s: ", folder);
		return -1;
	}
	*uidvalidity = imap->session->imap_selection_info->sel_uidvalidity;
	if (*uidvalidity == 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "IMAP server %s:%u "
		    "gives folder %s no UIDVALIDITY; dsrmail needs UIDs that last",
		    imap->host, imap->port, folder);
		return -1;
	}
	return 0;
}

/* Wait on the connection's socket, letting the blocked signals in. */
static int
imap_wait_readable(struct imap *imap, int timeout_seconds,
    const sigset_t *unblocked)
{
	struct pollfd watch = { mailimap_idle_get_fd(imap->session), POLLIN, 0 };
	struct timespec timeout = { timeout_seconds, 0 };
	int rc;

	/* Data libetpan has already read (a notice that came with "+ idling")
	 * never shows on the socket. */
	if (imap->session->imap_stream->read_buffer_len > 0)
		return IMAP_WAKE_ACTIVITY;
	rc = ppoll(&watch, 1, &timeout, unblocked);
	if (rc < 0 && errno == EINTR)
		return IMAP_WAKE_SIGNAL;
	return rc > 0 ? IMAP_WAKE_ACTIVITY : IMAP_WAKE_TIMEOUT;
}

/* IDLE until activity, timeout or a signal, then DONE. */
int
imap_idle_wait(struct imap *imap, int timeout_seconds,
    const sigset_t *unblocked, GError **error)
{
	int rc = mailimap_idle(imap->session), wake;

	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(imap, rc, DSR_ERROR_UNAVAILABLE, "IDLE", error);
	wake = imap_wait_readable(imap, timeout_seconds, unblocked);
	rc = mailimap_idle_done(imap->session);
	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(imap, rc, DSR_ERROR_UNAVAILABLE, "IDLE (DONE)", error);
	return wake;
}
