/* oauth2-login.c: `dsrmail oauth2 login`, the user's consent, on a server
 * without a browser. Microsoft: the device authorization grant (RFC 8628):
 * a code to enter on any computer's browser while dsrmail polls the token
 * endpoint. Google allows no Gmail scope in that grant, so there: the
 * authorization code grant (RFC 6749 4.1) with PKCE (RFC 7636) and a
 * loopback redirect (RFC 8252 7.3): dsrmail listens on 127.0.0.1 for the
 * browser's redirect, which reaches it through an ssh tunnel, or the person
 * pastes the address the browser ended at. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/error.h"
#include "base/log.h"
#include "base/token.h"
#include "mail/oauth2.h"
#include "mail/oauth2-session.h"

/* The browser flow waits this long for the redirect. */
#define LOGIN_BROWSER_SECONDS (10 * 60)
/* RFC 8628 3.5: the default polling interval, and what slow_down adds. */
#define DEVICE_INTERVAL 5
#define DEVICE_SLOW_DOWN 5
/* A waiting login says so this often. */
#define LOGIN_PROGRESS_SECONDS 60

/* After a login: say where the token is. */
static void
login_done(const struct config *config, FILE *out)
{
	g_autofree char *provider = config_oauth2_provider_label(config);

	fprintf(out, "\nSigned in to %s. The token is stored in %s (mode 0600);\n"
	    "`dsrmail oauth2 status` shows it.\n", provider,
	    config->oauth2_token_file);
	log_info("oauth2: login stored a new token");
}

/* The mailbox the person should sign in as, for the instructions. */
static const char *
login_account(const struct config *config)
{
	if (config->imap_user != NULL && *config->imap_user != '\0')
		return config->imap_user;
	if (config->smtp_user != NULL && *config->smtp_user != '\0')
		return config->smtp_user;
	return "the privacy mailbox's user";
}

/* ---- the device flow (RFC 8628) ---- */

/* Tell the person where to go and which code to enter. */
static void
device_instructions(const struct config *config,
    const struct oauth2_answer *grant, gint64 expires_in, FILE *out)
{
	g_autofree char *provider = config_oauth2_provider_label(config);
	const char *uri = oauth2_answer_string(grant, "verification_uri");
	const char *complete = oauth2_answer_string(grant, "verification_uri_complete");

	if (uri == NULL)   /* Google's name for it */
		uri = oauth2_answer_string(grant, "verification_url");
	fprintf(out, "To sign dsrmail in to %s, open\n\n    %s\n\nin a browser on "
	    "any computer and enter the code\n\n    %s\n\n", provider,
	    uri != NULL ? uri : "(the provider gave no address)",
	    oauth2_answer_string(grant, "user_code"));
	if (complete != NULL)
		fprintf(out, "(or open %s, which carries the code)\n\n", complete);
	fprintf(out, "Sign in as %s and accept. The code is valid for %"
	    G_GINT64_FORMAT " min; waiting for the sign-in...\n",
	    login_account(config), (expires_in + 59) / 60);
	fflush(out);
}

/* One poll of the token endpoint: 1 signed in (stored), 0 keep waiting
 * (*interval may grow), -1 with error. */
static int
device_poll(const struct config *config, const char *device_code,
    gint64 *interval, GError **error)
{
	struct oauth2_field fields[] = {
		{ "grant_type", "urn:ietf:params:oauth:grant-type:device_code" },
		{ "device_code", device_code }, { NULL, NULL },
	};
	struct oauth2_answer answer;
	int rc = -1;

	if (oauth2_post(config, config->oauth2_token_url, fields, &answer, error) < 0)
		return -1;
	if (answer.status == 200)
		rc = oauth2_tokens_store_login(config, &answer, error) < 0 ? -1 : 1;
	else if (g_strcmp0(answer.error, "authorization_pending") == 0)
		rc = 0;
	else if (g_strcmp0(answer.error, "slow_down") == 0) {
		*interval += DEVICE_SLOW_DOWN;
		log_debug("oauth2: slow_down: polling every %" G_GINT64_FORMAT " s",
		    *interval);
		rc = 0;
	} else if (g_strcmp0(answer.error, "expired_token") == 0)
		g_set_error(error, DSR_ERROR, DSR_ERROR_TEMPORARY, "the code expired "
		    "before the sign-in was done (expired_token); run `dsrmail "
		    "oauth2 login` again and enter the new code in time");
	else if (g_strcmp0(answer.error, "access_denied") == 0)
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "the sign-in was "
		    "declined (access_denied); run `dsrmail oauth2 login` again and "
		    "accept (an administrator may have to grant consent for the "
		    "organisation first)");
	else
		oauth2_answer_fail(config, &answer, "waiting for the sign-in", error);
	oauth2_answer_clear(&answer);
	return rc;
}

/* Poll until signed in, refused, or the code expires. */
static int
device_wait(const struct config *config, const char *device_code,
    gint64 interval, gint64 expires_in, FILE *out, GError **error)
{
	gint64 start = g_get_monotonic_time(), said = start, now;
	int rc;

	for (;;) {
		g_usleep((gulong)interval * G_USEC_PER_SEC);
		if ((rc = device_poll(config, device_code, &interval, error)) != 0)
			return rc < 0 ? -1 : 0;
		now = g_get_monotonic_time();
		if (now - start >= expires_in * G_USEC_PER_SEC) {
			g_set_error(error, DSR_ERROR, DSR_ERROR_TEMPORARY, "nobody signed "
			    "in within %" G_GINT64_FORMAT " min; run `dsrmail oauth2 "
			    "login` again", (expires_in + 59) / 60);
			return -1;
		}
		if (now - said >= LOGIN_PROGRESS_SECONDS * G_USEC_PER_SEC) {
			said = now;
			fprintf(out, "still waiting (%" G_GINT64_FORMAT " min left)\n",
			    (expires_in - (now - start) / G_USEC_PER_SEC + 59) / 60);
			fflush(out);
		}
	}
}

/* The device flow: ask for a code, show it, wait. */
static int
login_device(const struct config *config, FILE *out, GError **error)
{
	struct oauth2_field fields[] = {
		{ "scope", config->oauth2_scope }, { NULL, NULL },
	};
	struct oauth2_answer grant;
	g_autofree char *device_code = NULL;
	gint64 interval, expires_in;
	int rc;

	if (oauth2_post(config, config->oauth2_device_url, fields, &grant, error) < 0)
		return -1;
	if (grant.status != 200 || oauth2_answer_string(&grant, "device_code") == NULL ||
	    oauth2_answer_string(&grant, "user_code") == NULL) {
		oauth2_answer_fail(config, &grant, "asking for a sign-in code", error);
		oauth2_answer_clear(&grant);
		return -1;
	}
	device_code = g_strdup(oauth2_answer_string(&grant, "device_code"));
	interval = oauth2_answer_integer(&grant, "interval", DEVICE_INTERVAL);
	expires_in = oauth2_answer_integer(&grant, "expires_in", 900);
	device_instructions(config, &grant, expires_in, out);
	oauth2_answer_clear(&grant);
	rc = device_wait(config, device_code, interval, expires_in, out, error);
	oauth2_wipe(device_code);
	return rc;
}

/* ---- the browser flow (RFC 6749 4.1, RFC 7636, RFC 8252) ---- */

/* What one browser login needs to remember. */
struct browser {
	char *verifier;             /* PKCE code_verifier: 43 characters */
	char *state;                /* binds the redirect to this login */
	char *redirect_uri;         /* http://127.0.0.1:PORT/ */
	int listener;
	guint16 port;
};

/* Listen on 127.0.0.1 at [oauth2] redirect_port (0: any free port). */
static int
browser_listen(const struct config *config, struct browser *browser,
    GError **error)
{
	struct sockaddr_in address = { .sin_family = AF_INET };
	socklen_t size = sizeof address;
	int one = 1;

	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	address.sin_port = htons((guint16)g_ascii_strtoull(
	    config->oauth2_redirect_port, NULL, 10));
	browser->listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (browser->listener < 0 ||
	    setsockopt(browser->listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(browser->listener, (struct sockaddr *)&address, sizeof address) < 0 ||
	    listen(browser->listener, 4) < 0 ||
	    getsockname(browser->listener, (struct sockaddr *)&address, &size) < 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "cannot listen on "
		    "127.0.0.1:%s for the browser's answer: %s; set [oauth2] "
		    "redirect_port to a free port, or 0", config->oauth2_redirect_port,
		    g_strerror(errno));
		return -1;
	}
	browser->port = ntohs(address.sin_port);
	browser->redirect_uri = g_strdup_printf("http://127.0.0.1:%u/", browser->port);
	return 0;
}

/* The PKCE verifier (32 random bytes) and state of this login. */
static void
browser_secrets(struct browser *browser)
{
	guchar random[32];

	if (getrandom(random, sizeof random, 0) != (ssize_t)sizeof random)
		dsr_fatal("getrandom failed: cannot make a PKCE verifier");
	browser->verifier = oauth2_base64url(random, sizeof random);
	explicit_bzero(random, sizeof random);
	browser->state = token_new();
}

/* The authorization request's address (RFC 6749 4.1.1, RFC 7636 4.3). */
static char *
browser_url(const struct config *config, const struct browser *browser)
{
	GChecksum *sha = g_checksum_new(G_CHECKSUM_SHA256);
	guint8 digest[32];
	gsize size = sizeof digest;
	g_autofree char *challenge = NULL;
	GString *url = g_string_new(config->oauth2_auth_url);
	const char *pairs[][2] = {
		{ "response_type", "code" }, { "client_id", config->oauth2_client_id },
		{ "redirect_uri", browser->redirect_uri },
		{ "scope", config->oauth2_scope }, { "state", browser->state },
		{ "code_challenge", NULL }, { "code_challenge_method", "S256" },
		/* Google: a refresh token, and the consent asked for again. */
		{ "access_type", "offline" }, { "prompt", "consent" },
	};
	size_t i;

	g_checksum_update(sha, (const guchar *)browser->verifier, -1);
	g_checksum_get_digest(sha, digest, &size);
	g_checksum_free(sha);
	challenge = oauth2_base64url(digest, size);
	pairs[5][1] = challenge;
	for (i = 0; i < G_N_ELEMENTS(pairs); i++) {
		g_autofree char *value = g_uri_escape_string(pairs[i][1], NULL, FALSE);

		g_string_append_printf(url, "%c%s=%s", i == 0 &&
		    strchr(config->oauth2_auth_url, '?') == NULL ? '?' : '&',
		    pairs[i][0], value);
	}
	return g_string_free(url, FALSE);
}

/* Tell the person what to open, and how the answer gets back. */
static void
browser_instructions(const struct config *config, const struct browser *browser,
    const char *url, FILE *out)
{
	g_autofree char *provider = config_oauth2_provider_label(config);

	fprintf(out, "To sign dsrmail in to %s, open this address in a browser:\n\n"
	    "    %s\n\nSign in as %s and accept. The browser is then sent to\n"
	    "%s on the computer it runs on:\n"
	    "  - on this machine, or through a tunnel from yours\n"
	    "    (ssh -L %u:127.0.0.1:%u %s), dsrmail receives it by itself;\n"
	    "  - otherwise the browser shows an error page: copy the whole address\n"
	    "    from its address bar, paste it here and press Enter.\n"
	    "Waiting up to %d minutes...\n", provider, url, login_account(config),
	    browser->redirect_uri, browser->port, browser->port, g_get_host_name(),
	    LOGIN_BROWSER_SECONDS / 60);
	fflush(out);
}

/* The query parameters of a redirect address ("http://127.0.0.1:P/?code=..",
 * or just its query), or NULL when it carries neither code nor error. */
static GHashTable *
redirect_params(const char *text)
{
	g_autoptr(GUri) uri = strstr(text, "://") != NULL ?
	    g_uri_parse(text, G_URI_FLAGS_ENCODED_QUERY, NULL) : NULL;
	const char *query = uri != NULL ? g_uri_get_query(uri) : strchr(text, '?');
	GHashTable *params;

	if (query == NULL)
		query = text;
	if (*query == '?')
		query++;
	params = g_uri_parse_params(query, -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
	if (params != NULL && (g_hash_table_contains(params, "code") ||
	    g_hash_table_contains(params, "error")))
		return params;
	if (params != NULL)
		g_hash_table_unref(params);
	return NULL;
}

/* Answer the browser with a short page. */
static void
browser_reply(int fd, gboolean found)
{
	const char *page = found ? "HTTP/1.1 200 OK\r\nContent-Type: text/html; "
	    "charset=utf-8\r\nConnection: close\r\n\r\n<!DOCTYPE html><title>dsrmail"
	    "</title><p>dsrmail received the answer. You can close this window "
	    "and go back to the terminal.</p>\n" : "HTTP/1.1 404 Not Found\r\n"
	    "Connection: close\r\nContent-Length: 0\r\n\r\n";

	if (write(fd, page, strlen(page)) < 0)
		log_debug("oauth2: the browser went before its answer");
}

/* Read one request from an accepted connection: its parameters, or NULL
 * (another request, such as /favicon.ico, or nothing within 10 s). */
static GHashTable *
browser_request(int fd)
{
	struct pollfd watch = { fd, POLLIN, 0 };
	char buffer[8192];
	ssize_t n = 0;
	GHashTable *params = NULL;
	char **words;

	if (poll(&watch, 1, 10 * 1000) > 0)
		n = read(fd, buffer, sizeof buffer - 1);
	if (n <= 0)
		return NULL;
	buffer[n] = '\0';
	buffer[strcspn(buffer, "\r\n")] = '\0';
	words = g_strsplit(buffer, " ", 3);
	if (g_strv_length(words) >= 2 && strcmp(words[0], "GET") == 0)
		params = redirect_params(words[1]);
	g_strfreev(words);
	explicit_bzero(buffer, sizeof buffer);
	browser_reply(fd, params != NULL);
	return params;
}

/* A line pasted at the terminal: its parameters, or NULL. *closed is set
 * at end of input. */
static GHashTable *
browser_pasted(FILE *in, gboolean *closed)
{
	char line[8192];

	if (fgets(line, sizeof line, in) == NULL) {
		*closed = TRUE;
		return NULL;
	}
	g_strstrip(line);
	return *line != '\0' ? redirect_params(line) : NULL;
}

/* Wait for the redirect on the socket or a pasted address on in. */
static GHashTable *
browser_wait(struct browser *browser, FILE *in, GError **error)
{
	gint64 deadline = g_get_monotonic_time() +
	    (gint64)LOGIN_BROWSER_SECONDS * G_USEC_PER_SEC;
	gboolean closed = in == NULL;
	GHashTable *params = NULL;

	while (params == NULL) {
		struct pollfd watch[2] = { { browser->listener, POLLIN, 0 },
		    { closed ? -1 : fileno(in), POLLIN, 0 } };
		gint64 left = (deadline - g_get_monotonic_time()) / 1000;
		int fd;

		if (left <= 0 || poll(watch, 2, (int)left) == 0) {
			g_set_error(error, DSR_ERROR, DSR_ERROR_TEMPORARY, "no answer "
			    "from the browser within %d minutes; run `dsrmail oauth2 "
			    "login` again", LOGIN_BROWSER_SECONDS / 60);
			return NULL;
		}
		if (watch[1].revents != 0)
			params = browser_pasted(in, &closed);
		if (params == NULL && (watch[0].revents & POLLIN) &&
		    (fd = accept4(browser->listener, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
			params = browser_request(fd);
			close(fd);
		}
	}
	return params;
}

/* Check the redirect (state, error) and trade its code for tokens. */
static int
browser_exchange(const struct config *config, const struct browser *browser,
    GHashTable *params, GError **error)
{
	const char *state = g_hash_table_lookup(params, "state");
	const char *code = g_hash_table_lookup(params, "code");
	const char *refusal = g_hash_table_lookup(params, "error");
	struct oauth2_field fields[] = {
		{ "grant_type", "authorization_code" }, { "code", code },
		{ "redirect_uri", browser->redirect_uri },
		{ "code_verifier", browser->verifier }, { NULL, NULL },
	};
	struct oauth2_answer answer;
	int rc = -1;

	if (state == NULL || strcmp(state, browser->state) != 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "the answer does not "
		    "belong to this sign-in (its state differs); run `dsrmail oauth2 "
		    "login` again and use the address it prints");
		return -1;
	}
	if (refusal != NULL || code == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "the sign-in was "
		    "declined (%s); run `dsrmail oauth2 login` again and accept",
		    g_strcmp0(refusal, "access_denied") == 0 ? "access_denied" :
		    "the provider refused it");
		return -1;
	}
	if (oauth2_post(config, config->oauth2_token_url, fields, &answer, error) < 0)
		return -1;
	if (answer.status == 200)
		rc = oauth2_tokens_store_login(config, &answer, error);
	else
		oauth2_answer_fail(config, &answer, "trading the sign-in for a token",
		    error);
	oauth2_answer_clear(&answer);
	return rc;
}

/* The browser flow: listen, show the address, wait, trade the code. */
static int
login_browser(const struct config *config, FILE *in, FILE *out,
    GError **error)
{
	struct browser browser = { .listener = -1 };
	g_autofree char *url = NULL;
	GHashTable *params = NULL;
	int rc = -1;

	if (browser_listen(config, &browser, error) < 0)
		goto out;
	browser_secrets(&browser);
	url = browser_url(config, &browser);
	browser_instructions(config, &browser, url, out);
	if ((params = browser_wait(&browser, in, error)) == NULL)
		goto out;
	rc = browser_exchange(config, &browser, params, error);
	g_hash_table_unref(params);
out:
	if (browser.listener >= 0)
		close(browser.listener);
	oauth2_secret_free(browser.verifier);
	oauth2_secret_free(browser.state);
	g_free(browser.redirect_uri);
	return rc;
}

/* `dsrmail oauth2 login` (see oauth2.h). */
int
oauth2_login(const struct config *config, FILE *in, FILE *out, GError **error)
{
	int rc;

	rc = config->oauth2_flow == OAUTH2_FLOW_DEVICE ?
	    login_device(config, out, error) : login_browser(config, in, out, error);
	if (rc == 0)
		login_done(config, out);
	return rc;
}
