/* imap-oauth2.c: signing in to IMAP with an OAuth2 access token ([imap]
 * auth = oauth2). SASL XOAUTH2 (Microsoft 365, Gmail) through libetpan's
 * mailimap_oauth2_authenticate; where the server offers only OAUTHBEARER
 * (RFC 7628), which libetpan lacks, that exchange is written here on
 * libetpan's stream. A refused token is refreshed once and tried again. */
#include <string.h>

#include "base/error.h"
#include "base/log.h"
#include "mail/imap.h"
#include "mail/imap-session.h"
#include "mail/oauth2.h"

/* The advice after a refusal that a fresh token did not cure. */
#define IMAP_OAUTH2_ADVICE "check that the app registration has the IMAP " \
	"permission in [oauth2] scope and IMAP is enabled for the mailbox, and " \
	"that [imap] user is the mailbox signed in as; or run `dsrmail oauth2 " \
	"login` again"

/* Send a line to the server; the token must not reach libetpan's logger. */
static int
line_send(struct imap *imap, const char *line)
{
	mailstream_set_privacy(imap->session->imap_stream, 0);
	if (mailstream_write(imap->session->imap_stream, line, strlen(line)) < 0 ||
	    mailstream_write(imap->session->imap_stream, "\r\n", 2) < 0 ||
	    mailstream_flush(imap->session->imap_stream) < 0) {
		mailstream_set_privacy(imap->session->imap_stream, 1);
		return MAILIMAP_ERROR_STREAM;
	}
	mailstream_set_privacy(imap->session->imap_stream, 1);
	return MAILIMAP_NO_ERROR;
}

/* The tagged answer to the AUTHENTICATE sent: a continuation ("+ ...") gets
 * initial (the client response not sent yet) or, after it, the RFC 7628
 * 3.2.3 dummy response %x01 that ends a failed exchange. */
static int
oauthbearer_finish(struct imap *imap, const char *initial)
{
	struct mailimap_response *response = NULL;
	const char *line;
	int rc, rounds;

	for (rounds = 0; rounds < 3; rounds++) {
		if ((line = mailimap_read_line(imap->session)) == NULL)
			return MAILIMAP_ERROR_STREAM;
		if (line[0] != '+')
			break;
		rc = line_send(imap, initial != NULL ? initial : "AQ==");
		initial = NULL;
		if (rc != MAILIMAP_NO_ERROR)
			return rc;
	}
	if ((rc = mailimap_parse_response(imap->session, &response)) != MAILIMAP_NO_ERROR)
		return rc == MAILIMAP_ERROR_PROTOCOL ? MAILIMAP_ERROR_LOGIN : rc;
	rc = response->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type;
	mailimap_response_free(response);
	if (rc != MAILIMAP_RESP_COND_STATE_OK)
		return MAILIMAP_ERROR_LOGIN;
	imap->session->imap_state = MAILIMAP_STATE_AUTHENTICATED;
	return MAILIMAP_NO_ERROR;
}

/* AUTHENTICATE OAUTHBEARER (RFC 7628 3.1), the client response sent at once
 * where the server offers SASL-IR (RFC 4959). */
static int
oauthbearer_authenticate(struct imap *imap, const char *token)
{
	g_autofree char *message = g_strdup_printf("n,a=%s,\001host=%s\001port=%u"
	    "\001auth=Bearer %s\001\001", imap->config->imap_user, imap->host,
	    imap->port, token);
	g_autofree char *encoded = g_base64_encode((const guchar *)message,
	    strlen(message));
	gboolean inline_response = mailimap_has_extension(imap->session, "SASL-IR");
	g_autofree char *command = g_strconcat("AUTHENTICATE OAUTHBEARER",
	    inline_response ? " " : "", inline_response ? encoded : "", NULL);
	int rc = mailimap_send_current_tag(imap->session);

	if (rc == MAILIMAP_NO_ERROR)
		rc = line_send(imap, command);
	if (rc == MAILIMAP_NO_ERROR)
		rc = oauthbearer_finish(imap, inline_response ? NULL : encoded);
	explicit_bzero(message, strlen(message));
	explicit_bzero(encoded, strlen(encoded));
	explicit_bzero(command, strlen(command));
	return rc;
}

/* One sign-in with token, by the mechanism the server offers. */
static int
imap_bearer(struct imap *imap, const char *token, GError **error)
{
	if (mailimap_has_authentication(imap->session, "XOAUTH2"))
		return mailimap_oauth2_authenticate(imap->session,
		    imap->config->imap_user, token);
	if (mailimap_has_authentication(imap->session, "OAUTHBEARER"))
		return oauthbearer_authenticate(imap, token);
	g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "IMAP server %s:%u offers "
	    "neither XOAUTH2 nor OAUTHBEARER, so [imap] auth = oauth2 cannot sign "
	    "in there; use auth = password or the provider's IMAP server",
	    imap->host, imap->port);
	return -1;
}

/* Sign in with the stored access token; a refusal gets one refreshed
 * token. 0, or -1 with error. */
int
imap_login_oauth2(struct imap *imap, GError **error)
{
	char *token = oauth2_access_token(imap->config, NULL, error), *fresh;
	int rc, attempt;

	if (token == NULL) {
		dsr_error_prefix(error, "IMAP sign-in to %s:%u: ", imap->host, imap->port);
		return -1;
	}
	for (attempt = 0; ; attempt++) {
		rc = imap_bearer(imap, token, error);
		if (rc != MAILIMAP_ERROR_LOGIN || attempt > 0)
			break;
		log_info("imap: %s:%u refused the access token; refreshing it",
		    imap->host, imap->port);
		fresh = oauth2_access_token(imap->config, token, error);
		oauth2_secret_free(token);
		if ((token = fresh) == NULL) {
			dsr_error_prefix(error, "IMAP sign-in to %s:%u: ", imap->host,
			    imap->port);
			return -1;
		}
	}
	oauth2_secret_free(token);
	if (rc == -1)
		return -1;
	if (rc == MAILIMAP_ERROR_LOGIN) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "IMAP server %s:%u "
		    "refused the OAuth2 sign-in of user %s, also with a fresh token; "
		    IMAP_OAUTH2_ADVICE, imap->host, imap->port, imap->config->imap_user);
		return -1;
	}
	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(imap, rc, DSR_ERROR_CONFIG, "the OAuth2 sign-in", error);
	return 0;
}
