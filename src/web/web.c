/* web.c: `dsrmail web`: the admin pages over HTTP with GNU libmicrohttpd.
 * One thread of libmicrohttpd answers every request (so dsrmail's own
 * code runs on that thread alone); the main thread waits for SIGINT or
 * SIGTERM and runs `dsrmail send` (the command line's own path to the
 * SMTP server) when a page has queued mail. Every response of ours carries
 * the security headers; a malformed or oversized request gets 400 or 413
 * and the server goes on. */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <microhttpd.h>

#include "base/config.h"
#include "base/error.h"
#include "base/log.h"
#include "web/web.h"
#include "web/web-http.h"

/* The Content-Security-Policy of every page: nothing but our own files,
 * no inline script or style, never inside a frame. */
#define CSP "default-src 'self'; base-uri 'none'; form-action 'self'; " \
	"frame-ancestors 'none'"

/* What is kept per request while its body comes in. */
struct upload {
	GByteArray *body;
	gboolean too_large;
	gboolean answered;         /* refused early: the rest is ignored */
	char *signin_address;      /* a sign-in to handle once answered */
	int language;              /* the answer's language, for that sign-in */
};

/* A query argument. */
const char *
web_query(struct web_request *request, const char *name)
{
	return MHD_lookup_connection_value(request->connection,
	    MHD_GET_ARGUMENT_KIND, name);
}

/* A cookie. */
const char *
web_cookie(struct web_request *request, const char *name)
{
	return MHD_lookup_connection_value(request->connection, MHD_COOKIE_KIND,
	    name);
}

/* A header. */
const char *
web_header(struct web_request *request, const char *name)
{
	return MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND,
	    name);
}

/* A form field. */
const char *
web_field(struct web_request *request, const char *name)
{
	return request->form != NULL ? g_hash_table_lookup(request->form, name) :
	    NULL;
}

/* A 303 to a path of ours. */
void
web_redirect(struct web_response *response, const char *location)
{
	g_free(response->location);
	response->location = g_strdup(location);
	response->status = MHD_HTTP_SEE_OTHER;
}

/* A cookie of ours. */
void
web_cookie_add(struct web_request *request, struct web_response *response,
    const char *name, const char *value, gint64 max_age)
{
	g_autofree char *age = max_age >= 0 ? g_strdup_printf("; Max-Age=%"
	    G_GINT64_FORMAT, max_age) : g_strdup("");

	g_ptr_array_add(response->cookies, g_strdup_printf("%s=%s; Path=/; "
	    "HttpOnly; SameSite=Strict%s%s", name, value,
	    request->web->secure ? "; Secure" : "", age));
}

/* Mail was queued: the main thread starts `dsrmail send`, woken now by
 * SIGUSR1 (blocked in every thread, it waits for its sigtimedwait). */
void
web_mail_queued(struct web *web)
{
	g_atomic_int_set(&web->mail_queued, 1);
	kill(getpid(), SIGUSR1);
}

/* GET /: the queue. */
static void
home(struct web_request *request, struct web_response *response)
{
	(void)request;
	web_redirect(response, "/queue");
}

/* GET /static/style.css */
static void
style(struct web_request *request, struct web_response *response)
{
	gsize length;
	const char *css = web_pages_css(request->web->pages, &length);

	response->status = MHD_HTTP_OK;
	response->body = g_memdup2(css, length);
	response->length = length;
	response->content_type = "text/css; charset=utf-8";
	response->cacheable = TRUE;
}

/* The pages with a fixed path. signed_in: only for a signed-in admin. */
static const struct route {
	const char *method;        /* GET (HEAD too) or POST */
	const char *path;
	gboolean signed_in;
	void (*handler)(struct web_request *, struct web_response *);
} routes[] = {
	{ "GET", "/static/style.css", FALSE, style },
	{ "GET", "/signin", FALSE, web_signin_page },
	{ "POST", "/signin", FALSE, web_signin_ask },
	{ "GET", "/signin/link", FALSE, web_signin_link_page },
	{ "POST", "/signin/link", FALSE, web_signin_link_use },
	{ "POST", "/signout", FALSE, web_signout },
	{ "POST", "/language", FALSE, web_language_set },
	{ "GET", "/", TRUE, home },
	{ "GET", "/queue", TRUE, web_queue_page },
	{ "GET", "/requests", TRUE, web_requests_page },
	{ "GET", "/audit", TRUE, web_audit_page },
};

/* GET /request/ID and POST /request/ID/ACTION; FALSE if path is neither. */
static gboolean
route_request(struct web_request *request, struct web_response *response,
    gboolean get)
{
	static const char *const done[] = { "approve", "reject", "extend",
	    "classify", "lift", NULL };
	const char *rest = g_str_has_prefix(request->path, "/request/") ?
	    request->path + 9 : NULL;
	const char *slash = rest != NULL ? strchr(rest, '/') : NULL;
	const char *flash = web_query(request, "done");
	g_autofree char *id = NULL;

	if (rest == NULL || (get && slash != NULL) || (!get && slash == NULL))
		return FALSE;
	if (get) {
		web_request_page(request, response, rest, NULL,
		    flash != NULL && g_strv_contains(done, flash) ? flash : NULL);
		return TRUE;
	}
	id = g_strndup(rest, (gsize)(slash - rest));
	web_decide(request, response, id, slash + 1);
	return TRUE;
}

/* Find the page for the request and answer it. */
static void
route(struct web_request *request, struct web_response *response)
{
	gboolean get = strcmp(request->method, "POST") != 0;
	gboolean known_path = FALSE;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(routes); i++) {
		if (strcmp(routes[i].path, request->path) != 0)
			continue;
		known_path = TRUE;
		if (strcmp(routes[i].method, get ? "GET" : "POST") != 0)
			continue;
		if (routes[i].signed_in && request->admin == NULL)
			web_redirect(response, "/signin");
		else
			routes[i].handler(request, response);
		return;
	}
	if (g_str_has_prefix(request->path, "/request/") && request->admin == NULL)
		web_redirect(response, "/signin");
	else if (!route_request(request, response, get))
		web_message(request, response, known_path ? 405 : 404, known_path ?
		    "bad_request_title" : "not_found_title", known_path ?
		    "bad_request_text" : "not_found_text");
}

/* The client's address for the rate limits: the peer's, or, when the peer
 * is [web] proxy, the last address its X-Forwarded-For names. Never
 * logged (an IP address is personal data). */
static char *
client_address(struct web *web, struct MHD_Connection *connection)
{
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char host[NI_MAXHOST] = "";
	const char *forwarded, *last;

	if (info == NULL || info->client_addr == NULL || getnameinfo(
	    info->client_addr, info->client_addr->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in), host,
	    sizeof host, NULL, 0, NI_NUMERICHOST) != 0)
		return g_strdup("unknown");
	forwarded = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
	    "X-Forwarded-For");
	if (*web->context->config->web_proxy == '\0' || forwarded == NULL ||
	    strcmp(host, web->context->config->web_proxy) != 0)
		return g_strdup(host);
	last = strrchr(forwarded, ',');
	return g_strstrip(g_strndup(last != NULL ? last + 1 : forwarded, 64));
}

/* Parse a form body (application/x-www-form-urlencoded, UTF-8) into
 * request->form; FALSE when it is not one. */
static gboolean
form_parse(struct web_request *request, const GByteArray *body)
{
	const char *type = web_header(request, MHD_HTTP_HEADER_CONTENT_TYPE);
	GHashTableIter iter;
	gpointer key, value;

	if (type == NULL || g_ascii_strncasecmp(type,
	    "application/x-www-form-urlencoded", 33) != 0)
		return FALSE;
	request->form = g_uri_parse_params(body->len > 0 ? (const char *)body->data :
	    "", (gssize)body->len, "&", G_URI_PARAMS_WWW_FORM, NULL);
	if (request->form == NULL)
		return FALSE;
	g_hash_table_iter_init(&iter, request->form);
	while (g_hash_table_iter_next(&iter, &key, &value))
		if (!g_utf8_validate(key, -1, NULL) || !g_utf8_validate(value, -1, NULL))
			return FALSE;
	return TRUE;
}

/* Send response with the security headers. */
static enum MHD_Result
respond(struct web *web, struct MHD_Connection *connection,
    struct web_request *request, struct web_response *response)
{
	struct MHD_Response *reply = MHD_create_response_from_buffer(
	    response->length, response->body != NULL ? response->body : (void *)"",
	    MHD_RESPMEM_MUST_COPY);
	enum MHD_Result result;
	guint i;

	if (reply == NULL)
		return MHD_NO;
	MHD_add_response_header(reply, "Content-Security-Policy", CSP);
	MHD_add_response_header(reply, "X-Frame-Options", "DENY");
	MHD_add_response_header(reply, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(reply, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(reply, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(reply, "Cache-Control", response->cacheable ?
	    "no-cache" : "no-store");
	if (web->secure)
		MHD_add_response_header(reply, "Strict-Transport-Security",
		    "max-age=31536000");
	if (response->content_type != NULL)
		MHD_add_response_header(reply, "Content-Type", response->content_type);
	if (response->location != NULL)
		MHD_add_response_header(reply, "Location", response->location);
	if (request->new_form_cookie)
		web_cookie_add(request, response, "dsrmail_form", request->csrf, -1);
	for (i = 0; i < response->cookies->len; i++)
		MHD_add_response_header(reply, "Set-Cookie", response->cookies->pdata[i]);
	if (response->status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(reply, "Allow", "GET, HEAD, POST");
	result = MHD_queue_response(connection, response->status, reply);
	MHD_destroy_response(reply);
	log_debug("web: %s %s: %u", request->method, request->path, response->status);
	return result;
}

/* TRUE for a path of printable characters: control characters or bytes
 * that are not UTF-8 are no address of ours. */
static gboolean
path_is_clean(const char *path)
{
	const char *p;

	for (p = path; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return FALSE;
	return g_utf8_validate(path, -1, NULL);
}

/* Answer one whole request: the session, then the page (or 413/400). */
static enum MHD_Result
answer(struct web *web, struct MHD_Connection *connection, const char *url,
    const char *method, struct upload *upload)
{
	struct web_request request = { web, method, url, connection, NULL, NULL,
	    0, NULL, NULL, NULL, FALSE, FALSE, NULL };
	struct web_response response = { MHD_HTTP_OK, NULL, 0, NULL,
	    g_ptr_array_new_with_free_func(g_free), NULL, FALSE };
	enum MHD_Result result;

	request.client = client_address(web, connection);
	request.language = web_language(&request);
	web_session_purge(web);
	web_session_read(&request);
	if (upload->too_large)
		web_message(&request, &response, MHD_HTTP_CONTENT_TOO_LARGE,
		    "too_large_title", "too_large_text");
	else if (!path_is_clean(url))
		web_message(&request, &response, MHD_HTTP_BAD_REQUEST,
		    "bad_request_title", "bad_request_text");
	else if (strcmp(method, "POST") == 0 && !form_parse(&request, upload->body))
		web_message(&request, &response, MHD_HTTP_BAD_REQUEST,
		    "bad_request_title", "bad_request_text");
	else
		route(&request, &response);
	result = respond(web, connection, &request, &response);
	upload->signin_address = request.signin_address;
	upload->language = request.language;
	if (request.form != NULL)
		g_hash_table_unref(request.form);
	g_free(request.client);
	g_free(request.session_hash);
	g_free(request.admin);
	g_free(request.csrf);
	g_free(response.body);
	g_free(response.location);
	g_ptr_array_unref(response.cookies);
	return result;
}

/* A request as libmicrohttpd hands it over: first its headers, then its
 * body in pieces, then once more with nothing left (an
 * MHD_AccessHandlerCallback). */
static enum MHD_Result
access_handler(void *closure, struct MHD_Connection *connection,
    const char *url, const char *method, const char *version,
    const char *data, size_t *size, void **state)
{
	struct web *web = closure;
	struct upload *upload = *state;
	const char *length;

	(void)version;
	if (upload == NULL) {
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
		    strcmp(method, "POST") != 0) {
			struct MHD_Response *reply = MHD_create_response_from_buffer(0,
			    (void *)"", MHD_RESPMEM_PERSISTENT);
			enum MHD_Result result;

			MHD_add_response_header(reply, "Allow", "GET, HEAD, POST");
			result = MHD_queue_response(connection,
			    MHD_HTTP_METHOD_NOT_ALLOWED, reply);
			MHD_destroy_response(reply);
			return result;
		}
		*state = upload = g_new0(struct upload, 1);
		upload->body = g_byte_array_new();
		length = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		/* Refused before its body is read: the server answers at once. */
		if (length != NULL && g_ascii_strtoull(length, NULL, 10) > WEB_BODY_LIMIT) {
			upload->too_large = upload->answered = TRUE;
			return answer(web, connection, url, method, upload);
		}
		return MHD_YES;
	}
	if (upload->answered) {
		*size = 0;
		return MHD_YES;
	}
	if (*size > 0) {
		if (!upload->too_large && upload->body->len + *size <= WEB_BODY_LIMIT)
			g_byte_array_append(upload->body, (const guint8 *)data, (guint)*size);
		else
			upload->too_large = TRUE;
		*size = 0;
		return MHD_YES;
	}
	return answer(web, connection, url, method, upload);
}

/* Free a request's upload when libmicrohttpd is done with it (an
 * MHD_RequestCompletedCallback). */
static void
request_completed(void *closure, struct MHD_Connection *connection,
    void **state, enum MHD_RequestTerminationCode code)
{
	struct upload *upload = *state;

	(void)connection;
	(void)code;
	if (upload == NULL)
		return;
	if (upload->signin_address != NULL)
		web_signin_later(closure, upload->signin_address, upload->language);
	g_free(upload->signin_address);
	g_byte_array_unref(upload->body);
	g_free(upload);
	*state = NULL;
}

/* libmicrohttpd's own complaints, at debug level: they may name a
 * client's address (an MHD_LogCallback). */
static void
mhd_log(void *closure, const char *format, va_list arguments)
{
	g_autofree char *text = g_strdup_vprintf(format, arguments);

	(void)closure;
	log_debug("web: libmicrohttpd: %s", g_strchomp(text));
}

/* Resolve [web] listen ("host:port", "[v6]:port") into *address. */
static int
listen_address(const struct config *config, struct addrinfo **address,
    GError **error)
{
	const char *listen = config->web_listen;
	const char *colon = strrchr(listen, ':');
	g_autofree char *host = NULL;
	struct addrinfo hints = { .ai_flags = AI_NUMERICSERV | AI_PASSIVE,
	    .ai_socktype = SOCK_STREAM };
	int rc = -1;

	if (colon != NULL && colon > listen) {
		host = listen[0] == '[' && colon[-1] == ']' ?
		    g_strndup(listen + 1, (gsize)(colon - listen - 2)) :
		    g_strndup(listen, (gsize)(colon - listen));
		rc = getaddrinfo(host, colon + 1, &hints, address);
	}
	if (rc != 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: [web] listen = "
		    "\"%s\": not an address and port to listen on; write host:port, "
		    "e.g. 127.0.0.1:8025", config->file, listen);
		return -1;
	}
	return 0;
}

/* The pages' address: [web] base_url, else made from listen. */
static char *
base_url(const struct config *config)
{
	char *url = config->web_base_url != NULL ? g_strdup(config->web_base_url) :
	    g_strdup_printf("%s://%s", config->web_certificate != NULL ? "https" :
	    "http", config->web_listen);
	gsize length = strlen(url);

	while (length > 0 && url[length - 1] == '/')
		url[--length] = '\0';
	return url;
}

/* The certificate and key for TLS of its own, both or neither. */
static int
tls_read(const struct config *config, char **certificate, char **key,
    GError **error)
{
	g_autoptr(GError) local = NULL;

	if ((config->web_certificate == NULL) != (config->web_key == NULL)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: [web] "
		    "certificate and key go together: set both for TLS, or neither "
		    "behind a reverse proxy", config->file);
		return -1;
	}
	if (config->web_certificate == NULL)
		return 0;
	if (!g_file_get_contents(config->web_certificate, certificate, NULL, &local) ||
	    !g_file_get_contents(config->web_key, key, NULL, &local)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: [web] "
		    "certificate or key: %s", config->file, local->message);
		return -1;
	}
	return 0;
}

/* The `dsrmail send` run for the pages, one at a time. */
struct sender {
	GPid pid;                 /* running, or 0 */
	gint64 retry_at;          /* monotonic seconds; 0: no retry due */
};

/* In the child before exec: the signals web_serve blocked come back, and
 * Ctrl-C at a terminal does not reach it (it finishes its batch). */
static void
sender_child_setup(gpointer data)
{
	sigset_t none;

	(void)data;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
}

/* Start `dsrmail [-v] [--syslog] -c CONFIG send`. */
static void
sender_start(struct web *web, struct sender *sender)
{
	g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) error = NULL;
	int v;

	g_ptr_array_add(argv, g_strdup(self != NULL ? self : "dsrmail"));
	for (v = 0; v < web->context->verbosity; v++)
		g_ptr_array_add(argv, g_strdup("-v"));
	if (log_is_syslog())
		g_ptr_array_add(argv, g_strdup("--syslog"));
	g_ptr_array_add(argv, g_strdup("-c"));
	g_ptr_array_add(argv, g_strdup(web->context->config->file));
	g_ptr_array_add(argv, g_strdup("send"));
	g_ptr_array_add(argv, NULL);
	if (!g_spawn_async(NULL, (char **)argv->pdata, NULL,
	    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
	    sender_child_setup, NULL, &sender->pid, &error)) {
		log_error("web: cannot run dsrmail send: %s", error->message);
		sender->pid = 0;
		sender->retry_at = g_get_monotonic_time() / G_USEC_PER_SEC + 60;
	}
}

/* Reap a finished send; start one when mail waits or a retry is due. */
static void
sender_tick(struct web *web, struct sender *sender)
{
	gint64 now = g_get_monotonic_time() / G_USEC_PER_SEC;
	int status;

	if (sender->pid != 0) {
		if (waitpid(sender->pid, &status, WNOHANG) != sender->pid)
			return;
		sender->pid = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			log_warn("web: dsrmail send did not finish; trying again in a "
			    "minute");
			sender->retry_at = now + 60;
		}
	}
	if (g_atomic_int_compare_and_exchange(&web->mail_queued, 1, 0) ||
	    (sender->retry_at != 0 && now >= sender->retry_at)) {
		sender->retry_at = 0;
		sender_start(web, sender);
	}
}

/* Start libmicrohttpd on the listen address. NULL with error. */
static struct MHD_Daemon *
daemon_start(struct web *web, GError **error)
{
	const struct config *config = web->context->config;
	g_autofree char *certificate = NULL, *key = NULL;
	struct addrinfo *address = NULL;
	struct MHD_Daemon *daemon;
	unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_ERROR_LOG;

	if (tls_read(config, &certificate, &key, error) < 0 ||
	    listen_address(config, &address, error) < 0)
		return NULL;
	if (address->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (certificate != NULL)
		flags |= MHD_USE_TLS;
	daemon = MHD_start_daemon(flags, 0, NULL, NULL, access_handler, web,
	    MHD_OPTION_SOCK_ADDR, address->ai_addr,
	    MHD_OPTION_NOTIFY_COMPLETED, request_completed, web,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	    certificate != NULL ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
	    certificate, MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END);
	freeaddrinfo(address);
	if (daemon == NULL)
		g_set_error(error, DSR_ERROR, DSR_ERROR_UNAVAILABLE, "cannot serve "
		    "the web pages on %s (is the port in use, or the address not "
		    "this machine's?); set [web] listen in %s", config->web_listen,
		    config->file);
	return daemon;
}

/* Serve until SIGINT or SIGTERM. */
int
web_serve(struct context *context, GError **error)
{
	struct web web = { .context = context };
	struct sender sender = { 0, 0 };
	struct MHD_Daemon *daemon = NULL;
	struct timespec second = { 1, 0 };
	sigset_t signals, old;
	int status = -1, signal_number = 0;

	if (context->config->admins == NULL || context->config->admins[0] == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: [organisation] "
		    "admins is empty: only the admins listed there can sign in to "
		    "the web pages", context->config->file);
		return -1;
	}
	if ((web.pages = web_pages_load(context->config->templates_dir, error)) == NULL)
		return -1;
	web.base_url = base_url(context->config);
	web.secure = g_str_has_prefix(web.base_url, "https://");
	web.client_hits = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)g_array_unref);
	/* Blocked here, so libmicrohttpd's thread inherits the mask and the
	 * signals come to sigtimedwait below. */
	sigemptyset(&signals);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGCHLD);
	sigaddset(&signals, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &signals, &old);
	if ((daemon = daemon_start(&web, error)) == NULL)
		goto out;
	printf("dsrmail web: the pages are at %s/ (listening on %s); Ctrl-C "
	    "stops it\n", web.base_url, context->config->web_listen);
	fflush(stdout);
	log_notice("web: serving on %s", context->config->web_listen);
	while (signal_number != SIGINT && signal_number != SIGTERM) {
		signal_number = sigtimedwait(&signals, NULL, &second);
		if (signal_number < 0 && errno != EAGAIN && errno != EINTR)
			break;
		sender_tick(&web, &sender);
	}
	MHD_stop_daemon(daemon);
	if (sender.pid != 0)
		waitpid(sender.pid, NULL, 0);
	if (g_atomic_int_get(&web.mail_queued)) {
		/* The last page queued mail: send it before going. */
		sender_start(&web, &sender);
		if (sender.pid != 0)
			waitpid(sender.pid, NULL, 0);
	}
	log_notice("web: stopped");
	status = 0;
out:
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	g_hash_table_unref(web.client_hits);
	g_free(web.base_url);
	web_pages_free(web.pages);
	return status;
}

/* What dsrmail-web.so exports (see web.h). */
__attribute__((visibility("default"))) extern const struct web_module web_module;

const struct web_module web_module = { web_serve };
