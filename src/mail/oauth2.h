/* oauth2.h: OAuth2 access tokens for IMAP (SASL XOAUTH2 / OAUTHBEARER) and
 * SMTP (libcurl's XOAUTH2 bearer), from the provider in [oauth2].
 *
 * `dsrmail oauth2 login` gets the user's consent (oauth2-login.c: the
 * device grant of RFC 8628, or the authorization code grant with PKCE and
 * a loopback redirect) and stores the tokens in [oauth2] token_file, a
 * JSON file of mode 0600 owned by the service user. Access tokens are
 * refreshed with the refresh grant (RFC 6749 section 6) before they expire
 * and when a server refused one; a rotated refresh token is written to a
 * temporary file, fsync'ed and renamed over the old one, so a crash leaves
 * the old file or the new, never a broken one. A lock beside the file
 * (token_file.lock) lets one dsrmail process refresh while the others wait
 * and then use its token.
 *
 * Errors (the code is the exit status): DSR_ERROR_CONFIG when a person must
 * act: no token stored, the consent revoked or expired (invalid_grant: the
 * file is then marked revoked, and every later use fails at once until a
 * new login), the client refused; DSR_ERROR_UNAVAILABLE when the token
 * endpoint cannot be reached; DSR_ERROR_TEMPORARY when it answered with a
 * server error. No token, code or secret is ever part of a message or a
 * log line. */
#ifndef DSR_OAUTH2_H
#define DSR_OAUTH2_H

#include <stdio.h>

#include <glib.h>

#include "base/config.h"

/* The token file, as `oauth2 status` shows it. Strings are NULL when
 * absent; times are ISO 8601 UTC. */
struct oauth2_state {
	char *provider;           /* "Microsoft 365", ... at login */
	char *client_id;          /* the app registration used at login */
	char *token_url;
	char *account;            /* the mailbox login the token is for */
	char *scope;              /* as granted */
	char *login_at;           /* when `oauth2 login` stored it */
	char *refreshed_at;       /* the last refresh, or NULL */
	char *expires_at;         /* the access token's end, or NULL */
	char *revoked_at;         /* invalid_grant seen, or NULL */
	gboolean has_refresh_token;
};

/* Read config's token file (no secret is kept). 1 with state filled
 * (oauth2_state_clear), 0 when there is no token file, -1 with error. */
int oauth2_state_read(const struct config *config, struct oauth2_state *state,
    GError **error);

void oauth2_state_clear(struct oauth2_state *state);

/* An access token good for a while yet: the stored one, or a refreshed
 * one. refused is a token a server has just refused (it is then refreshed
 * unless another process already did), or NULL. Returns a new string for
 * oauth2_secret_free, or NULL with error (see above). */
char *oauth2_access_token(const struct config *config, const char *refused,
    GError **error);

/* Wipe and free a token; NULL is fine. */
void oauth2_secret_free(char *secret);

/* `dsrmail oauth2 login`: get the user's consent the way config's flow
 * says, telling the person at out what to do, and store the tokens. Waits
 * for the sign-in up to the time the provider gives (the device flow) or
 * ten minutes (the browser flow, which also reads a pasted redirect address
 * from in). 0, or -1 with error: DSR_ERROR_CONFIG when the sign-in was
 * refused, DSR_ERROR_TEMPORARY when it timed out, DSR_ERROR_UNAVAILABLE
 * when the provider cannot be reached. */
int oauth2_login(const struct config *config, FILE *in, FILE *out,
    GError **error);

#endif
