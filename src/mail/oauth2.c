/* oauth2.c: the token file and the refresh grant (see oauth2.h); the
 * consent flows of `oauth2 login` are in oauth2-login.c. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "mail/oauth2.h"
#include "mail/oauth2-session.h"

/* An access token this close to its end is refreshed before use. */
#define OAUTH2_MARGIN_SECONDS 300
/* A token endpoint that stalls this long counts as down. */
#define OAUTH2_HTTP_TIMEOUT 60
/* Larger answers are not a token endpoint's. */
#define OAUTH2_ANSWER_MAX (1024 * 1024)
/* The token file's format. */
#define OAUTH2_FILE_VERSION 1

/* Wipe a string's bytes. */
void
oauth2_wipe(char *secret)
{
	if (secret != NULL)
		explicit_bzero(secret, strlen(secret));
}

/* Wipe and free a token. */
void
oauth2_secret_free(char *secret)
{
	oauth2_wipe(secret);
	g_free(secret);
}

/* Base64url without padding. */
char *
oauth2_base64url(const guchar *data, gsize size)
{
	char *text = g_base64_encode(data, size);
	char *p;

	for (p = text; *p != '\0'; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	if ((p = strchr(text, '=')) != NULL)
		*p = '\0';
	return text;
}

/* ---- talking to the provider ---- */

/* Collect the answer body (CURLOPT_WRITEFUNCTION), up to a limit. */
static size_t
answer_collect(char *data, size_t size, size_t count, void *pointer)
{
	GString *body = pointer;

	if (body->len + size * count > OAUTH2_ANSWER_MAX)
		return 0;
	g_string_append_len(body, data, (gssize)(size * count));
	return size * count;
}

/* Only https://, or http:// to this machine (the tests' servers). */
static int
url_check(const char *url, GError **error)
{
	g_autoptr(GUri) uri = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);
	const char *scheme = uri != NULL ? g_uri_get_scheme(uri) : "";
	const char *host = uri != NULL ? g_uri_get_host(uri) : NULL;

	if (g_ascii_strcasecmp(scheme, "https") == 0)
		return 0;
	if (g_ascii_strcasecmp(scheme, "http") == 0 && host != NULL &&
	    (strcmp(host, "127.0.0.1") == 0 || strcmp(host, "::1") == 0 ||
	    strcmp(host, "localhost") == 0))
		return 0;
	g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[oauth2]: %s is not an "
	    "https:// address; tokens travel only over TLS", url);
	return -1;
}

/* The client secret from [oauth2] client_secret_file, or NULL for a public
 * client. -1 with error when the file cannot be read. */
static int
secret_read(const struct config *config, char **secret, GError **error)
{
	g_autoptr(GError) local = NULL;

	*secret = NULL;
	if (config->oauth2_client_secret_file == NULL)
		return 0;
	if (!g_file_get_contents(config->oauth2_client_secret_file, secret, NULL,
	    &local)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "cannot read "
		    "[oauth2] client_secret_file: %s; put the client secret in it, "
		    "readable only by dsrmail's user", local->message);
		return -1;
	}
	(*secret)[strcspn(*secret, "\r\n")] = '\0';
	return 0;
}

/* Append name=value, form-encoded, to body. */
static void
form_add(GString *body, CURL *curl, const char *name, const char *value)
{
	char *escaped;

	if (value == NULL)
		return;
	escaped = curl_easy_escape(curl, value, 0);
	g_string_append_printf(body, "%s%s=%s", body->len > 0 ? "&" : "", name,
	    escaped);
	oauth2_wipe(escaped);
	curl_free(escaped);
}

/* Parse the body as a JSON object, and its error code. */
static void
answer_parse(struct oauth2_answer *answer, const GString *body)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	const char *code;

	if (!json_parser_load_from_data(parser, body->str, (gssize)body->len, NULL))
		return;
	answer->root = json_parser_steal_root(parser);
	if (answer->root == NULL || !JSON_NODE_HOLDS_OBJECT(answer->root))
		return;
	answer->object = json_node_get_object(answer->root);
	code = oauth2_answer_string(answer, "error");
	/* An error code is a short word (RFC 6749 5.2); keep nothing else. */
	if (code != NULL && strlen(code) < 64 &&
	    strspn(code, "abcdefghijklmnopqrstuvwxyz_") == strlen(code))
		answer->error = g_strdup(code);
	else if (code != NULL)
		answer->error = g_strdup("unknown_error");
}

/* POST the form; see oauth2-session.h. */
int
oauth2_post(const struct config *config, const char *url,
    const struct oauth2_field *fields, struct oauth2_answer *answer,
    GError **error)
{
	char error_buffer[CURL_ERROR_SIZE] = "";
	GString *body = NULL, *form = NULL;
	char *secret = NULL;
	CURL *curl;
	CURLcode rc;
	int result = -1;

	memset(answer, 0, sizeof *answer);
	if (url_check(url, error) < 0 || secret_read(config, &secret, error) < 0)
		return -1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((curl = curl_easy_init()) == NULL)
		dsr_fatal("curl_easy_init failed (out of memory)");
	form = g_string_new(NULL);
	body = g_string_new(NULL);
	form_add(form, curl, "client_id", config->oauth2_client_id);
	form_add(form, curl, "client_secret", secret);
	for (; fields->name != NULL; fields++)
		form_add(form, curl, fields->name, fields->value);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form->str);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)form->len);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, answer_collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)OAUTH2_HTTP_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "dsrmail");
	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK) {
		g_autofree char *host_text = NULL;
		g_autoptr(GUri) uri = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);

		host_text = g_strdup(uri != NULL && g_uri_get_host(uri) != NULL ?
		    g_uri_get_host(uri) : url);
		g_set_error(error, DSR_ERROR, DSR_ERROR_UNAVAILABLE, "the OAuth2 "
		    "endpoint %s cannot be reached (%s); nothing was lost, dsrmail "
		    "tries again later", host_text,
		    error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer->status);
	answer_parse(answer, body);
	result = 0;
out:
	oauth2_wipe(form->str);
	oauth2_wipe(body->str);
	g_string_free(form, TRUE);
	g_string_free(body, TRUE);
	oauth2_secret_free(secret);
	curl_easy_cleanup(curl);
	return result;
}

/* Free what an answer holds. */
void
oauth2_answer_clear(struct oauth2_answer *answer)
{
	if (answer->root != NULL)
		json_node_unref(answer->root);
	g_free(answer->error);
	memset(answer, 0, sizeof *answer);
}

/* A string member, or NULL. */
const char *
oauth2_answer_string(const struct oauth2_answer *answer, const char *name)
{
	JsonNode *node;

	if (answer->object == NULL || !json_object_has_member(answer->object, name))
		return NULL;
	node = json_object_get_member(answer->object, name);
	return JSON_NODE_HOLDS_VALUE(node) &&
	    json_node_get_value_type(node) == G_TYPE_STRING ?
	    json_node_get_string(node) : NULL;
}

/* An integer member (a number, or digits in a string), or fallback when
 * absent or not positive. */
gint64
oauth2_answer_integer(const struct oauth2_answer *answer, const char *name,
    gint64 fallback)
{
	JsonNode *node = answer->object != NULL &&
	    json_object_has_member(answer->object, name) ?
	    json_object_get_member(answer->object, name) : NULL;
	gint64 value;

	if (node == NULL || !JSON_NODE_HOLDS_VALUE(node))
		return fallback;
	value = json_node_get_value_type(node) == G_TYPE_STRING ?
	    g_ascii_strtoll(json_node_get_string(node), NULL, 10) :
	    json_node_get_int(node);
	return value > 0 ? value : fallback;
}

/* Set error for an answer that is no token. */
int
oauth2_answer_fail(const struct config *config,
    const struct oauth2_answer *answer, const char *what, GError **error)
{
	g_autofree char *provider = config_oauth2_provider_label(config);

	if (answer->error == NULL || answer->status >= 500 || answer->status == 429) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_TEMPORARY, "%s: %s answered "
		    "HTTP %ld%s%s; nothing was lost, dsrmail tries again later", what,
		    provider, answer->status, answer->error != NULL ? ", " : "",
		    answer->error != NULL ? answer->error : " without a token");
	} else if (strcmp(answer->error, "invalid_client") == 0 ||
	    strcmp(answer->error, "unauthorized_client") == 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: %s refused the "
		    "client (%s); check [oauth2] client_id%s and that the app "
		    "registration allows this sign-in", what, provider, answer->error,
		    config->oauth2_client_secret_file != NULL ?
		    " and the secret in client_secret_file" : "");
	} else {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: %s refused it "
		    "(%s); check [oauth2] and run `dsrmail oauth2 login` again", what,
		    provider, answer->error);
	}
	return -1;
}

/* ---- the token file ---- */

/* A string member of a JSON object, or NULL. Borrowed. */
static const char *
member_string(JsonObject *object, const char *name)
{
	JsonNode *node = json_object_has_member(object, name) ?
	    json_object_get_member(object, name) : NULL;

	return node != NULL && JSON_NODE_HOLDS_VALUE(node) &&
	    json_node_get_value_type(node) == G_TYPE_STRING ?
	    json_node_get_string(node) : NULL;
}

/* Read and parse the token file: 1 with *root set, 0 when it does not
 * exist, -1 with error. A file others may read is made 0600. */
static int
token_file_read(const struct config *config, JsonNode **root, GError **error)
{
	const char *path = config->oauth2_token_file;
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) local = NULL;
	struct stat info;

	*root = NULL;
	if (stat(path, &info) < 0) {
		if (errno == ENOENT)
			return 0;
		info.st_mode = 0600;   /* the parser below says what is wrong */
	}
	if ((info.st_mode & 077) != 0 && chmod(path, 0600) == 0)
		log_warn("oauth2: %s could be read by others; it is mode 0600 now",
		    path);
	if (!json_parser_load_from_mapped_file(parser, path, &local) ||
	    json_parser_get_root(parser) == NULL ||
	    !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[oauth2] token_file "
		    "%s cannot be used (%s); run `dsrmail oauth2 login` again", path,
		    local != NULL ? local->message : "not a JSON object");
		return -1;
	}
	*root = json_parser_steal_root(parser);
	return 1;
}

/* Give a file the owner of its directory when root writes it there for the
 * service user (`oauth2 login` run as root), so the service can read it. */
static void
owner_follow_directory(int fd, const char *path)
{
	g_autofree char *directory = g_path_get_dirname(path);
	struct stat info;

	if (geteuid() == 0 && stat(directory, &info) == 0 && info.st_uid != 0 &&
	    fchown(fd, info.st_uid, info.st_gid) < 0)
		log_warn("oauth2: cannot give %s to the owner of %s: %s", path,
		    directory, g_strerror(errno));
}

/* Write all of data to fd. */
static int
write_all(int fd, const char *data, gsize size)
{
	while (size > 0) {
		ssize_t n = write(fd, data, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		size -= (gsize)n;
	}
	return 0;
}

/* Write the token file: to token_file.new (0600), fsync, rename over the
 * old one, fsync the directory. A crash leaves the old file or the new. */
static int
token_file_write(const struct config *config, JsonObject *object,
    GError **error)
{
	const char *path = config->oauth2_token_file;
	g_autofree char *temporary = g_strconcat(path, ".new", NULL);
	g_autofree char *directory = g_path_get_dirname(path);
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = json_node_init_object(json_node_alloc(), object);
	gsize size = 0;
	char *text;
	int fd, saved, directory_fd;

	json_generator_set_root(generator, root);
	json_generator_set_pretty(generator, TRUE);
	text = json_generator_to_data(generator, &size);
	fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0 || fchmod(fd, 0600) < 0 || write_all(fd, text, size) < 0 ||
	    write_all(fd, "\n", 1) < 0 || fsync(fd) < 0) {
		saved = errno;
		if (fd >= 0)
			close(fd);
		unlink(temporary);
		oauth2_secret_free(text);
		g_set_error(error, DSR_ERROR, DSR_ERROR_CANT_CREATE, "cannot write "
		    "%s: %s; dsrmail's user must be able to write in %s", temporary,
		    g_strerror(saved), directory);
		return -1;
	}
	oauth2_secret_free(text);
	owner_follow_directory(fd, path);
	close(fd);
	if (rename(temporary, path) < 0) {
		saved = errno;
		unlink(temporary);
		g_set_error(error, DSR_ERROR, DSR_ERROR_CANT_CREATE, "cannot rename "
		    "%s to %s: %s", temporary, path, g_strerror(saved));
		return -1;
	}
	if ((directory_fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(directory_fd);
		close(directory_fd);
	}
	return 0;
}

/* Take the lock beside the token file (waits for another process's
 * refresh). The descriptor, to close, or -1 with error. */
static int
token_lock(const struct config *config, GError **error)
{
	g_autofree char *path = g_strconcat(config->oauth2_token_file, ".lock", NULL);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd >= 0)
		owner_follow_directory(fd, path);
	while (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0)
		g_set_error(error, DSR_ERROR, DSR_ERROR_CANT_CREATE, "cannot lock "
		    "%s: %s; dsrmail's user must be able to write in its directory",
		    path, g_strerror(errno));
	return fd;
}

/* Set a string member, or remove it for NULL. */
static void
member_set(JsonObject *object, const char *name, const char *value)
{
	if (value != NULL)
		json_object_set_string_member(object, name, value);
	else if (json_object_has_member(object, name))
		json_object_remove_member(object, name);
}

/* now + seconds as ISO 8601. */
static char *
time_after(gint64 seconds)
{
	g_autoptr(GDateTime) now = clock_now();
	g_autoptr(GDateTime) then = g_date_time_add_seconds(now, (gdouble)seconds);

	return clock_format_iso(then);
}

/* Copy a token answer's access token, expiry, scope and (rotated) refresh
 * token into the file's object. */
static int
tokens_take(const struct config *config, JsonObject *file,
    const struct oauth2_answer *answer, GError **error)
{
	const char *access = oauth2_answer_string(answer, "access_token");
	const char *refresh = oauth2_answer_string(answer, "refresh_token");
	const char *scope = oauth2_answer_string(answer, "scope");
	g_autofree char *expires_at = NULL;

	if (access == NULL || *access == '\0')
		return oauth2_answer_fail(config, answer, "getting an access token",
		    error);
	/* RFC 6749 5.1: expires_in is recommended, not required. */
	expires_at = time_after(oauth2_answer_integer(answer, "expires_in", 3600));
	member_set(file, "access_token", access);
	member_set(file, "token_type", oauth2_answer_string(answer, "token_type"));
	member_set(file, "expires_at", expires_at);
	if (refresh != NULL && *refresh != '\0')
		member_set(file, "refresh_token", refresh);   /* RFC 6749 6: rotated */
	if (scope != NULL)
		member_set(file, "scope", scope);
	return 0;
}

/* The mailbox login the token is for. */
static const char *
token_account(const struct config *config)
{
	if (config->imap_auth == AUTH_OAUTH2 && config->imap_user != NULL &&
	    *config->imap_user != '\0')
		return config->imap_user;
	if (config->smtp_user != NULL && *config->smtp_user != '\0')
		return config->smtp_user;
	return config->imap_user != NULL && *config->imap_user != '\0' ?
	    config->imap_user : NULL;
}

/* Store the answer of a login as a new token file. */
int
oauth2_tokens_store_login(const struct config *config,
    const struct oauth2_answer *answer, GError **error)
{
	g_autoptr(JsonObject) file = json_object_new();
	g_autofree char *provider = config_oauth2_provider_label(config);
	g_autofree char *now = clock_now_iso();
	int lock, rc;

	json_object_set_int_member(file, "version", OAUTH2_FILE_VERSION);
	member_set(file, "provider", provider);
	member_set(file, "client_id", config->oauth2_client_id);
	member_set(file, "token_url", config->oauth2_token_url);
	member_set(file, "account", token_account(config));
	member_set(file, "scope", config->oauth2_scope);
	member_set(file, "login_at", now);
	if (tokens_take(config, file, answer, error) < 0)
		return -1;
	if (member_string(file, "refresh_token") == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s gave no refresh "
		    "token, so dsrmail could sign in only for an hour; add "
		    "offline_access (Microsoft) to [oauth2] scope, or let Google "
		    "ask for consent again, and run `dsrmail oauth2 login` again",
		    provider);
		return -1;
	}
	if ((lock = token_lock(config, error)) < 0)
		return -1;
	rc = token_file_write(config, file, error);
	close(lock);
	return rc;
}

/* ---- oauth2 status ---- */

/* Read the token file's facts, no secret. */
int
oauth2_state_read(const struct config *config, struct oauth2_state *state,
    GError **error)
{
	g_autoptr(JsonNode) root = NULL;
	JsonObject *file;
	int found;

	memset(state, 0, sizeof *state);
	if ((found = token_file_read(config, &root, error)) <= 0)
		return found;
	file = json_node_get_object(root);
	state->provider = g_strdup(member_string(file, "provider"));
	state->client_id = g_strdup(member_string(file, "client_id"));
	state->token_url = g_strdup(member_string(file, "token_url"));
	state->account = g_strdup(member_string(file, "account"));
	state->scope = g_strdup(member_string(file, "scope"));
	state->login_at = g_strdup(member_string(file, "login_at"));
	state->refreshed_at = g_strdup(member_string(file, "refreshed_at"));
	state->expires_at = g_strdup(member_string(file, "expires_at"));
	state->revoked_at = g_strdup(member_string(file, "revoked_at"));
	state->has_refresh_token = member_string(file, "refresh_token") != NULL;
	return 1;
}

/* Free a state's strings. */
void
oauth2_state_clear(struct oauth2_state *state)
{
	g_free(state->provider);
	g_free(state->client_id);
	g_free(state->token_url);
	g_free(state->account);
	g_free(state->scope);
	g_free(state->login_at);
	g_free(state->refreshed_at);
	g_free(state->expires_at);
	g_free(state->revoked_at);
	memset(state, 0, sizeof *state);
}

/* ---- access tokens ---- */

/* The advice every "sign in again" failure ends with. */
#define LOGIN_AGAIN "run `dsrmail oauth2 login` again"

/* Why the stored file cannot give a token (none, revoked, made for another
 * app): -1 with error, or 0 when it can be used. */
static int
token_file_usable(const struct config *config, JsonObject *file,
    GError **error)
{
	g_autofree char *provider = config_oauth2_provider_label(config);
	const char *revoked = member_string(file, "revoked_at");

	if (revoked != NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "the sign-in to %s "
		    "was revoked or has expired (invalid_grant, %s); " LOGIN_AGAIN,
		    provider, revoked);
		return -1;
	}
	if (g_strcmp0(member_string(file, "client_id"), config->oauth2_client_id) != 0 ||
	    g_strcmp0(member_string(file, "token_url"), config->oauth2_token_url) != 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "the token in %s was "
		    "made for another [oauth2] client_id or token_url; " LOGIN_AGAIN,
		    config->oauth2_token_file);
		return -1;
	}
	if (member_string(file, "refresh_token") == NULL &&
	    member_string(file, "access_token") == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s holds no token; "
		    LOGIN_AGAIN, config->oauth2_token_file);
		return -1;
	}
	return 0;
}

/* The stored access token if it is not refused and lasts beyond the
 * margin: a new string, or NULL. */
static char *
access_still_good(JsonObject *file, const char *refused)
{
	const char *access = member_string(file, "access_token");
	g_autoptr(GDateTime) expires = member_string(file, "expires_at") != NULL ?
	    clock_parse_iso(member_string(file, "expires_at")) : NULL;
	g_autoptr(GDateTime) now = clock_now();

	if (access == NULL || expires == NULL || g_strcmp0(access, refused) == 0 ||
	    g_date_time_difference(expires, now) < OAUTH2_MARGIN_SECONDS * G_TIME_SPAN_SECOND)
		return NULL;
	return g_strdup(access);
}

/* invalid_grant: mark the file revoked (the refresh token is useless now)
 * and fail with the advice. */
static int
token_revoked(const struct config *config, JsonObject *file, GError **error)
{
	g_autofree char *now = clock_now_iso();
	g_autoptr(GError) local = NULL;

	member_set(file, "revoked_at", now);
	member_set(file, "refresh_token", NULL);
	member_set(file, "access_token", NULL);
	if (token_file_write(config, file, &local) < 0)
		log_warn("oauth2: %s", local->message);
	log_warn("oauth2: the token endpoint answered invalid_grant: the consent "
	    "was revoked or has expired");
	return token_file_usable(config, file, error);
}

/* The refresh grant (RFC 6749 section 6), under the lock; the file is
 * rewritten with the new tokens. */
static int
token_refresh(const struct config *config, JsonObject *file, GError **error)
{
	const char *refresh = member_string(file, "refresh_token");
	struct oauth2_field fields[] = {
		{ "grant_type", "refresh_token" }, { "refresh_token", refresh },
		{ "scope", config->oauth2_scope }, { NULL, NULL },
	};
	struct oauth2_answer answer;
	g_autofree char *now = clock_now_iso();
	int rc = -1;

	if (refresh == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "the access token in "
		    "%s has expired and there is no refresh token; " LOGIN_AGAIN,
		    config->oauth2_token_file);
		return -1;
	}
	log_debug("oauth2: refreshing the access token");
	if (oauth2_post(config, config->oauth2_token_url, fields, &answer, error) < 0) {
		dsr_error_prefix(error, "refreshing the OAuth2 access token: ");
		return -1;
	}
	if (g_strcmp0(answer.error, "invalid_grant") == 0)
		rc = token_revoked(config, file, error);
	else if (answer.status == 200 && tokens_take(config, file, &answer, error) == 0) {
		member_set(file, "refreshed_at", now);
		rc = token_file_write(config, file, error);
		if (rc == 0)
			log_info("oauth2: access token refreshed");
	} else if (answer.status != 200)
		oauth2_answer_fail(config, &answer, "refreshing the OAuth2 access "
		    "token", error);
	oauth2_answer_clear(&answer);
	return rc;
}

/* An access token: the stored one, or a refreshed one (see oauth2.h). */
char *
oauth2_access_token(const struct config *config, const char *refused,
    GError **error)
{
	g_autoptr(JsonNode) root = NULL;
	char *token = NULL;
	int lock, found;

	if ((lock = token_lock(config, error)) < 0)
		return NULL;
	found = token_file_read(config, &root, error);
	if (found == 0)
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "no OAuth2 token is "
		    "stored in %s; run `dsrmail oauth2 login` as dsrmail's user",
		    config->oauth2_token_file);
	if (found <= 0 || token_file_usable(config, json_node_get_object(root),
	    error) < 0)
		goto out;
	token = access_still_good(json_node_get_object(root), refused);
	if (token == NULL && token_refresh(config, json_node_get_object(root),
	    error) == 0)
		token = g_strdup(member_string(json_node_get_object(root),
		    "access_token"));
out:
	close(lock);
	return token;
}
