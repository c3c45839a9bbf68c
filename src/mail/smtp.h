/* smtp.h: SMTP submission with libcurl: smtp:// with STARTTLS (no, yes,
 * required), smtps://, AUTH when [smtp] user is set (the password, or with
 * [smtp] auth = oauth2 an access token: XOAUTH2 or OAUTHBEARER, refreshed
 * once when the server refuses it), certificates verified.
 * One easy handle serves a whole batch, so its connection is reused. */
#ifndef DSR_SMTP_H
#define DSR_SMTP_H

#include <glib.h>

#include "base/config.h"

/* What became of one mail, classed for retry. */
enum smtp_outcome {
	SMTP_SENT,          /* the server answered 250 to the data */
	SMTP_TEMPORARY,     /* a 4xx, or the transfer broke: try again later */
	SMTP_PERMANENT,     /* a 5xx: do not try again */
	SMTP_UNREACHABLE,   /* no connection, or TLS failed: stop the batch */
	SMTP_LOGIN_REFUSED, /* AUTH refused: stop the batch, fix the config */
	SMTP_NO_TOKEN,      /* [smtp] auth = oauth2 and no access token could be
	                       had: stop the batch; smtp_token_error says why */
};

struct smtp;

/* A session for config's [smtp] (reads password_file). It connects on the
 * first send. Returns a new session (smtp_close), or NULL with
 * DSR_ERROR_CONFIG. */
struct smtp *smtp_open(const struct config *config, GError **error);

/* Send raw (CRLF lines) from the registry address to recipient. *answer is
 * set to the server's last reply or the transport's complaint (a new string,
 * never NULL). */
enum smtp_outcome smtp_send(struct smtp *smtp, const char *recipient,
    GBytes *raw, char **answer);

/* After SMTP_NO_TOKEN: why there was no token (its code is the exit
 * status: 78 sign in again, 69/75 the token endpoint is down). Owned by
 * the session. */
const GError *smtp_token_error(const struct smtp *smtp);

/* Close the connection (QUIT) and free the session; NULL is fine. */
void smtp_close(struct smtp *smtp);

#endif
