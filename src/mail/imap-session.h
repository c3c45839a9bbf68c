/* imap-session.h: one IMAP connection as imap.c, imap-tls.c and
 * imap-mailbox.c share it. Only for src/mail/imap*.c; the rest of dsrmail
 * uses imap.h. */
#ifndef DSR_IMAP_SESSION_H
#define DSR_IMAP_SESSION_H

#include <glib.h>
#include <libetpan/libetpan.h>

#include "base/config.h"

/* Seconds one network read or write may stall before the server counts as
 * gone (libetpan's default is five minutes). */
#define IMAP_NETWORK_TIMEOUT 60

struct imap {
	mailimap *session;
	const struct config *config;
	char *host;
	guint16 port;
	gboolean implicit_tls;      /* imaps:// */
	char *description;          /* "user at host:port" */
};

/* Does a libetpan result code mean the connection is broken (rather than
 * a command the server refused)? */
gboolean imap_broken(int rc);

/* Set error for a failed libetpan call (rc, while doing): a broken
 * connection is DSR_ERROR_UNAVAILABLE, a refusal the server answered gets
 * refused_code. Returns -1. */
int imap_fail(struct imap *imap, int rc, int refused_code, const char *doing,
    GError **error);

/* libetpan's TLS set-up hook (data: the struct imap): sends the host name
 * (SNI) unless it is an IP address. */
void imap_tls_setup(struct mailstream_ssl_context *context, void *data);

/* Check the certificate chain the server sent: signed by a trusted CA
 * ([imap] ca_file, else the system's), valid now, for the host name of
 * [imap] url. 0, or -1 with DSR_ERROR_CONFIG saying what to fix. */
int imap_tls_verify(struct imap *imap, GError **error);

/* Sign in with an OAuth2 access token ([imap] auth = oauth2: XOAUTH2, or
 * OAUTHBEARER where that is all the server offers); a refused token is
 * refreshed once. 0, or -1 with error (imap-oauth2.c). */
int imap_login_oauth2(struct imap *imap, GError **error);

#endif
