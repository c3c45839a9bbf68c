/* web-session.c: signing admins in without passwords. An address listed in
 * [organisation] admins asks for a link; it is mailed through the outbox,
 * works once, for WEB_SIGNIN_MINUTES (a token of base/token.c: random,
 * stored only hashed). Any other address gets the same page and no mail.
 * A session is a random id in a cookie (HttpOnly, SameSite=Strict, Secure
 * on https), kept hashed, ended by sign-out, [web] session_idle or 12
 * hours. Forms carry a CSRF token: the session's, or before sign-in one
 * in a cookie of its own (the double-submit pattern). */
#include <string.h>

#include "base/address.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/error.h"
#include "base/log.h"
#include "base/token.h"
#include "reply/reply.h"
#include "store/store-event.h"
#include "store/store-web.h"
#include "web/web-http.h"

#define SESSION_COOKIE "dsrmail_session"
#define FORM_COOKIE "dsrmail_form"
#define LANGUAGE_COOKIE "dsrmail_lang"
/* A session ends this long after sign-in whatever happens. */
#define SESSION_LIFETIME_SECONDS (12 * 3600)
/* The per-client rate table holds at most this many clients. */
#define CLIENTS_MAX 10000

/* TRUE for text that can be a token: TOKEN_LENGTH base32 characters. */
static gboolean
token_shaped(const char *text)
{
	return text != NULL && strlen(text) == TOKEN_LENGTH &&
	    strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == TOKEN_LENGTH;
}

/* TRUE when iso plus seconds (or the duration) is still after now. */
static gboolean
still_before(const char *iso, const struct duration *duration,
    GDateTime *now)
{
	g_autoptr(GDateTime) time = clock_parse_iso(iso);
	g_autoptr(GDateTime) end = time != NULL ? duration_add(time, duration) : NULL;

	return end != NULL && g_date_time_compare(now, end) < 0;
}

/* Whether a stored session still counts now. */
static gboolean
session_current(const struct web *web, const struct web_session_row *row,
    GDateTime *now)
{
	static const struct duration lifetime = { 0, SESSION_LIFETIME_SECONDS };

	return row->ended_at == NULL &&
	    config_is_admin(web->context->config, row->address) &&
	    still_before(row->last_seen_at, &web->context->config->web_session_idle,
	    now) && still_before(row->created_at, &lifetime, now);
}

/* The session of the cookie, if it counts; else the form cookie's token. */
void
web_session_read(struct web_request *request)
{
	struct store *store = request->web->context->store;
	const char *id = web_cookie(request, SESSION_COOKIE);
	const char *form = web_cookie(request, FORM_COOKIE);
	g_autoptr(GDateTime) now = clock_now();
	g_autofree char *now_text = clock_format_iso(now);
	g_autoptr(GError) error = NULL;
	struct web_session_row row;
	int found;

	if (token_shaped(id)) {
		g_autofree char *hash = token_hash(id);

		found = store_web_session_find(store, hash, &row, &error);
		if (found > 0 && session_current(request->web, &row, now)) {
			request->admin = g_steal_pointer(&row.address);
			request->csrf = g_steal_pointer(&row.csrf);
			request->session_hash = g_steal_pointer(&hash);
			/* A write on a GET, but only the session's own clock. */
			if (store_web_session_touch(store, request->session_hash,
			    now_text, &error) < 0)
				log_warn("web: %s", error->message);
		} else if (found > 0) {
			request->session_ended = TRUE;
			if (store_web_session_end(store, hash, now_text, &error) < 0)
				log_warn("web: %s", error->message);
		} else if (found < 0)
			log_warn("web: %s", error->message);
		store_web_session_clear(&row);
	}
	if (request->csrf != NULL)
		return;
	if (token_shaped(form))
		request->csrf = g_strdup(form);
	else {
		request->csrf = token_new();
		request->new_form_cookie = TRUE;
	}
}

/* The form's csrf field against the page's token, in constant time; before
 * sign-in the token must have come in the form cookie. */
gboolean
web_csrf_ok(struct web_request *request)
{
	const char *field = web_field(request, "csrf");

	return field != NULL && request->csrf != NULL &&
	    !request->new_form_cookie && token_hash_equal(field, request->csrf);
}

/* Drop the hits older than since from a client's list; TRUE when none is
 * left (a GHRFunc for the table's pruning, and used per client). */
static gboolean
hits_expire(gpointer key, gpointer value, gpointer since)
{
	GArray *hits = value;
	guint kept = 0, i;

	(void)key;
	for (i = 0; i < hits->len; i++)
		if (g_array_index(hits, gint64, i) > *(gint64 *)since)
			g_array_index(hits, gint64, kept++) = g_array_index(hits, gint64, i);
	g_array_set_size(hits, kept);
	return kept == 0;
}

/* Whether the client may ask for one more link now ([web] client_rate). */
static gboolean
client_allowed(struct web *web, const char *client)
{
	const struct rate *rate = &web->context->config->web_client_rate;
	gint64 now = g_get_monotonic_time() / G_USEC_PER_SEC;
	gint64 since = now - rate->period_seconds;
	GArray *hits = g_hash_table_lookup(web->client_hits, client);

	if (hits == NULL) {
		/* A full table first forgets the clients whose hits expired. */
		if (g_hash_table_size(web->client_hits) >= CLIENTS_MAX)
			g_hash_table_foreach_remove(web->client_hits, hits_expire, &since);
		if (g_hash_table_size(web->client_hits) >= CLIENTS_MAX)
			return FALSE;
		hits = g_array_new(FALSE, FALSE, sizeof(gint64));
		g_hash_table_insert(web->client_hits, g_strdup(client), hits);
	}
	hits_expire(NULL, hits, &since);
	if (hits->len >= (guint)rate->count)
		return FALSE;
	g_array_append_val(hits, now);
	return TRUE;
}

/* GET /signin */
void
web_signin_page(struct web_request *request, struct web_response *response)
{
	struct template_data *data;

	if (request->admin != NULL) {
		web_redirect(response, "/queue");
		return;
	}
	data = web_page_data(request, "signin_title");
	if (web_query(request, "sent") != NULL)
		template_data_set(data, "sent", "yes");
	if (web_query(request, "out") != NULL)
		template_data_set(data, "signed_out_now", "yes");
	if (request->session_ended)
		template_data_set(data, "ended", "yes");
	web_page_render(request, response, 200, PAGE_SIGNIN, data);
}

/* Queue a sign-in link to an admin, unless [web] signin_rate says enough. */
static int
signin_send(struct web_request *request, const char *address, GError **error)
{
	struct context *context = request->web->context;
	const struct rate *rate = &context->config->web_signin_rate;
	const struct duration valid = { 0, WEB_SIGNIN_MINUTES * 60 };
	const struct duration period = { 0, rate->period_seconds };
	g_autoptr(GDateTime) now = clock_now();
	g_autoptr(GDateTime) since = duration_subtract(now, &period);
	g_autoptr(GDateTime) expires = duration_add(now, &valid);
	g_autofree char *now_text = clock_format_iso(now);
	g_autofree char *since_text = clock_format_iso(since);
	g_autofree char *expires_text = clock_format_iso(expires);
	g_autofree char *token = NULL, *hash = NULL, *link = NULL;
	struct template_data *data;
	struct reply reply = { .kind = REPLY_SIGNIN_LINK,
	    .language = request->language, .to_address = address,
	    .crypto = context->crypto };
	gint64 sent = store_web_signin_count(context->store, address, since_text,
	    error);
	int status = -1;

	if (sent < 0)
		return -1;
	if (sent >= rate->count) {
		log_notice("web: no sign-in link sent: [web] signin_rate reached for "
		    "the address");
		return 0;
	}
	token = token_new();
	hash = token_hash(token);
	link = g_strdup_printf("%s/signin/link?t=%s", request->web->base_url, token);
	reply.data = data = template_data_new();
	template_data_set(data, "link", link);
	template_data_set(data, "minutes", G_STRINGIFY(WEB_SIGNIN_MINUTES));
	if (store_begin(context->store, error) == 0) {
		if (store_web_signin_add(context->store, address, hash, now_text,
		    expires_text, error) < 0 || reply_queue(context->store,
		    context->templates, context->config, context->notice, &reply,
		    error) < 0 || store_commit(context->store, error) < 0)
			store_rollback(context->store);
		else
			status = 0;
	}
	template_data_free(data);
	if (status == 0) {
		log_info("web: a sign-in link was queued");
		web_mail_queued(request->web);
	}
	return status;
}

/* POST /signin: the same answer for every address. Whether the address is
 * an admin's, and the link's transaction and mail, wait until the answer
 * has gone (web_signin_later), so that its timing cannot tell. */
void
web_signin_ask(struct web_request *request, struct web_response *response)
{
	if (!web_csrf_ok(request)) {
		web_message(request, response, 403, "forbidden_title", "forbidden_text");
		return;
	}
	if (!client_allowed(request->web, request->client)) {
		log_notice("web: sign-in refused: [web] client_rate reached");
		web_message(request, response, 429, "too_many_title", "too_many_text");
		return;
	}
	request->signin_address = address_normalise(web_field(request,
	    "address") != NULL ? web_field(request, "address") : "");
	web_redirect(response, "/signin?sent=1");
}

void
web_signin_later(struct web *web, const char *address, int language)
{
	struct web_request request = { .web = web, .language = language };
	g_autoptr(GError) error = NULL;

	if (address_is_plausible(address) &&
	    config_is_admin(web->context->config, address) &&
	    signin_send(&request, address, &error) < 0)
		log_error("web: the sign-in link could not be queued: %s",
		    error->message);
}

/* The stored link of token t if it can be used now: 1 with *row, else 0
 * (also for a token of the wrong shape). */
static int
signin_usable(struct web_request *request, const char *t,
    struct web_signin_row *row, GError **error)
{
	g_autofree char *hash = NULL;
	g_autofree char *now = clock_now_iso();
	int found;

	memset(row, 0, sizeof *row);
	if (!token_shaped(t))
		return 0;
	hash = token_hash(t);
	found = store_web_signin_find(request->web->context->store, hash, row,
	    error);
	if (found <= 0)
		return found;
	return token_hash_equal(hash, row->token_hash) && row->used_at == NULL &&
	    strcmp(now, row->expires_at) < 0 &&
	    config_is_admin(request->web->context->config, row->address);
}

/* The sign-in page saying the link cannot be used (403). */
static void
signin_refused(struct web_request *request, struct web_response *response)
{
	struct template_data *data = web_page_data(request, "signin_title");

	template_data_set(data, "invalid_link", "yes");
	template_data_set(data, "back", "/signin");
	web_page_render(request, response, 403, PAGE_SIGNIN, data);
}

/* GET /signin/link?t=TOKEN: a button that uses the link (a GET changes
 * nothing, so a mail scanner opening the link does not use it up). */
void
web_signin_link_page(struct web_request *request, struct web_response *response)
{
	const char *t = web_query(request, "t");
	g_autoptr(GError) error = NULL;
	struct web_signin_row row;
	struct template_data *data;
	g_autofree char *back = NULL;
	int usable = signin_usable(request, t, &row, &error);

	store_web_signin_clear(&row);
	if (usable < 0)
		log_warn("web: %s", error->message);
	if (usable <= 0) {
		signin_refused(request, response);
		return;
	}
	data = web_page_data(request, "signin_title");
	back = g_strconcat("/signin/link?t=", t, NULL);
	template_data_set(data, "token", t);
	template_data_set(data, "back", back);
	web_page_render(request, response, 200, PAGE_SIGNIN_LINK, data);
}

/* Use the link up and open a session, with its event, in one transaction.
 * 1 signed in (*id the cookie's value), 0 the link cannot be used. */
static int
signin_use(struct web_request *request, const char *t, char **id,
    GError **error)
{
	struct store *store = request->web->context->store;
	g_autofree char *now = clock_now_iso();
	g_autofree char *session = token_new(), *csrf = token_new();
	g_autofree char *hash = token_hash(session);
	struct web_signin_row row;
	struct event event = { NULL, "signed_in", NULL, NULL, 0, 0 };
	int status;

	if (store_begin(store, error) < 0)
		return -1;
	status = signin_usable(request, t, &row, error);
	if (status > 0) {
		event.actor = row.address;
		status = store_web_signin_use(store, row.id, now, error);
	}
	if (status > 0 && (store_web_session_add(store, hash, row.address, csrf,
	    now, error) < 0 || store_event_add(store, &event, error) < 0))
		status = -1;
	if (status > 0 && request->session_hash != NULL &&
	    store_web_session_end(store, request->session_hash, now, error) < 0)
		status = -1;
	store_web_signin_clear(&row);
	if (status <= 0 || store_commit(store, error) < 0) {
		store_rollback(store);
		return status > 0 ? -1 : status;
	}
	*id = g_steal_pointer(&session);
	return 1;
}

/* POST /signin/link */
void
web_signin_link_use(struct web_request *request, struct web_response *response)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *id = NULL;
	int status;

	if (!web_csrf_ok(request)) {
		web_message(request, response, 403, "forbidden_title", "forbidden_text");
		return;
	}
	status = signin_use(request, web_field(request, "t"), &id, &error);
	if (status < 0) {
		log_error("web: signing in failed: %s", error->message);
		web_message(request, response, 500, "error_title", "error_text");
		return;
	}
	if (status == 0) {
		signin_refused(request, response);
		return;
	}
	log_info("web: an admin signed in");
	web_cookie_add(request, response, SESSION_COOKIE, id, -1);
	web_redirect(response, "/queue");
}

/* POST /signout */
void
web_signout(struct web_request *request, struct web_response *response)
{
	struct store *store = request->web->context->store;
	g_autofree char *now = clock_now_iso();
	g_autoptr(GError) error = NULL;
	struct event event = { NULL, "signed_out", request->admin, NULL, 0, 0 };

	if (!web_csrf_ok(request)) {
		web_message(request, response, 403, "forbidden_title", "forbidden_text");
		return;
	}
	if (request->session_hash != NULL) {
		if (store_begin(store, &error) < 0 || store_web_session_end(store,
		    request->session_hash, now, &error) < 0 ||
		    store_event_add(store, &event, &error) < 0 ||
		    store_commit(store, &error) < 0) {
			store_rollback(store);
			log_error("web: signing out failed: %s", error->message);
			web_message(request, response, 500, "error_title", "error_text");
			return;
		}
		log_info("web: an admin signed out");
	}
	web_cookie_add(request, response, SESSION_COOKIE, "", 0);
	web_redirect(response, "/signin?out=1");
}

/* TRUE for a path of ours to go back to: "/" and letters, digits and
 * "/_-.?=&", never "//" (another host). */
static gboolean
back_is_local(const char *back)
{
	return back != NULL && back[0] == '/' && back[1] != '/' &&
	    strlen(back) < 200 && strspn(back, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-.?=&") == strlen(back);
}

/* POST /language: the language switch, remembered in a cookie. */
void
web_language_set(struct web_request *request, struct web_response *response)
{
	const char *back = web_field(request, "back");
	int language = language_from_code(web_field(request, "lang"));

	if (!web_csrf_ok(request) || language < 0) {
		web_message(request, response, 403, "forbidden_title", "forbidden_text");
		return;
	}
	web_cookie_add(request, response, LANGUAGE_COOKIE, language_code(language),
	    365 * 24 * 3600);
	web_redirect(response, back_is_local(back) ? back : "/queue");
}

/* Purge old links and sessions, at most once an hour. */
void
web_session_purge(struct web *web)
{
	/* Links are kept a day, or as long as [web] signin_rate counts them. */
	const struct duration keep = { 0, MAX(24 * 3600,
	    web->context->config->web_signin_rate.period_seconds) };
	gint64 now = g_get_monotonic_time();
	g_autoptr(GDateTime) clock = NULL, before = NULL;
	g_autofree char *before_text = NULL;
	g_autoptr(GError) error = NULL;

	if (web->purged_at != 0 && now - web->purged_at < (gint64)3600 * G_USEC_PER_SEC)
		return;
	web->purged_at = now;
	clock = clock_now();
	before = duration_subtract(clock, &keep);
	before_text = clock_format_iso(before);
	if (store_begin(web->context->store, &error) < 0 ||
	    store_web_purge(web->context->store, before_text, &error) < 0 ||
	    store_commit(web->context->store, &error) < 0) {
		store_rollback(web->context->store);
		log_warn("web: purging old sessions failed: %s", error->message);
	}
}
