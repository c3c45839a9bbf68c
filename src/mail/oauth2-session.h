/* oauth2-session.h: what oauth2.c (the token file, the refresh grant) and
 * oauth2-login.c (the consent flows) share. Only for src/mail/oauth2*.c;
 * the rest of dsrmail uses oauth2.h. */
#ifndef DSR_OAUTH2_SESSION_H
#define DSR_OAUTH2_SESSION_H

#include <json-glib/json-glib.h>

#include "base/config.h"

/* A form field of a request to the provider. */
struct oauth2_field {
	const char *name;
	const char *value;        /* NULL: the field is left out */
};

/* The provider's answer to one request. */
struct oauth2_answer {
	long status;              /* HTTP status */
	JsonNode *root;           /* the JSON body, or NULL */
	JsonObject *object;       /* root's object, or NULL */
	char *error;              /* its "error" code (RFC 6749 5.2), or NULL */
};

/* POST fields (form-encoded, ending with a NULL name) to url, with the
 * client's id and, when config names a client_secret_file, its secret.
 * Only https:// is allowed, or http:// to the loopback host. 0 with answer
 * filled whatever the HTTP status (oauth2_answer_clear), or -1 with error:
 * DSR_ERROR_UNAVAILABLE when the endpoint cannot be reached,
 * DSR_ERROR_CONFIG for a URL or secret file that cannot be used. */
int oauth2_post(const struct config *config, const char *url,
    const struct oauth2_field *fields, struct oauth2_answer *answer,
    GError **error);

void oauth2_answer_clear(struct oauth2_answer *answer);

/* A string member of the answer, or NULL. Borrowed. */
const char *oauth2_answer_string(const struct oauth2_answer *answer,
    const char *name);

/* An integer member (a number, or digits in a string, as some of
 * Microsoft's answers carry them), or fallback when absent or not
 * positive. */
gint64 oauth2_answer_integer(const struct oauth2_answer *answer,
    const char *name, gint64 fallback);

/* Set error for an answer that is no token: a server error or an unusable
 * body is DSR_ERROR_TEMPORARY; an error code the caller did not handle is
 * DSR_ERROR_CONFIG naming it (invalid_client: check the app registration).
 * what says what was asked ("refreshing the access token"). Returns -1. */
int oauth2_answer_fail(const struct config *config,
    const struct oauth2_answer *answer, const char *what, GError **error);

/* Store a token answer from login (a new file: provider, account and times
 * set afresh) in the token file, atomically. 0, or -1 with error. */
int oauth2_tokens_store_login(const struct config *config,
    const struct oauth2_answer *answer, GError **error);

/* Base64url without padding (RFC 4648 section 5) of size bytes; the
 * caller frees it. */
char *oauth2_base64url(const guchar *data, gsize size);

/* Wipe a string's bytes; NULL is fine. */
void oauth2_wipe(char *secret);

#endif
