/* web-http.h: what the files of src/web/ share: the server, one HTTP
 * request and its response, and each file's functions for the others. Not
 * for use outside src/web/: the rest of dsrmail goes through web.h. */
#ifndef DSR_WEB_HTTP_H
#define DSR_WEB_HTTP_H

#include <glib.h>

#include "base/context.h"
#include "reply/template.h"

/* The largest form body taken; more is refused with 413. */
#define WEB_BODY_LIMIT (64 * 1024)

/* Minutes a sign-in link works. */
#define WEB_SIGNIN_MINUTES 15

struct web_pages;

/* The running server. */
struct web {
	struct context *context;   /* config, store, map, notice, templates */
	struct web_pages *pages;   /* templates/web/, loaded */
	char *base_url;            /* the pages' address, without a trailing / */
	gboolean secure;           /* base_url is https: cookies are Secure */
	GHashTable *client_hits;   /* client -> GArray of gint64 times (rate) */
	gint64 purged_at;          /* monotonic time of the last purge */
	gint mail_queued;          /* set when mail waits: dsrmail send runs */
};

/* One request being answered. */
struct web_request {
	struct web *web;
	const char *method;        /* GET, HEAD or POST */
	const char *path;          /* without the query */
	void *connection;          /* libmicrohttpd's, for the lookups below */
	GHashTable *form;          /* POST fields (UTF-8), or NULL */
	char *client;              /* the client's IP, for rate limits only */
	int language;              /* enum language of the page */
	char *session_hash;        /* the session's id hashed, or NULL */
	char *admin;               /* the signed-in admin's address, or NULL */
	char *csrf;                /* the token this page's forms carry */
	gboolean new_form_cookie;  /* csrf was made now: set it as a cookie */
	gboolean session_ended;    /* a session cookie came for an ended session */
	char *signin_address;      /* POST /signin's address, handled only once
	                            * the answer is sent (web_signin_later) */
};

/* The answer to a request. */
struct web_response {
	unsigned status;
	char *body;                /* owned */
	gsize length;
	const char *content_type;
	GPtrArray *cookies;        /* Set-Cookie values, owned */
	char *location;            /* a redirect's target (303), or NULL */
	gboolean cacheable;        /* the style sheet: may be cached */
};

/* web.c: a query argument, cookie or header of the request, or NULL. */
const char *web_query(struct web_request *request, const char *name);
const char *web_cookie(struct web_request *request, const char *name);
const char *web_header(struct web_request *request, const char *name);
/* web.c: a form field of a POST, or NULL. */
const char *web_field(struct web_request *request, const char *name);
/* web.c: answer with a 303 to a local path. */
void web_redirect(struct web_response *response, const char *location);
/* web.c: add a Set-Cookie: HttpOnly, SameSite=Strict, Path=/, Secure on
 * https; max_age < 0: until the browser closes, 0: delete it. */
void web_cookie_add(struct web_request *request, struct web_response *response,
    const char *name, const char *value, gint64 max_age);
/* web.c: ask for `dsrmail send` to run soon (mail was queued). */
void web_mail_queued(struct web *web);

/* web-page.c: the page templates and their texts. */
enum web_page {
	PAGE_SIGNIN, PAGE_SIGNIN_LINK, PAGE_MESSAGE, PAGE_QUEUE, PAGE_REQUESTS,
	PAGE_REQUEST, PAGE_AUDIT, PAGE_COUNT
};

/* Load templates/web/ under dir: every page checked against its fields
 * and the texts of strings.conf, each text in fi, en and sv. NULL with
 * DSR_ERROR_CONFIG naming the file. */
struct web_pages *web_pages_load(const char *dir, GError **error);
void web_pages_free(struct web_pages *pages);
/* The style sheet's bytes. */
const char *web_pages_css(const struct web_pages *pages, gsize *length);
/* A text of strings.conf in every language (never NULL for a name the
 * loader checked; an unknown name aborts: a bug). */
const struct labels *web_text(const struct web_pages *pages, const char *name);
/* The same for "prefix_" + suffix, or for fallback when there is none. */
const struct labels *web_text_or(const struct web_pages *pages,
    const char *prefix, const char *suffix, const char *fallback);
/* The language of the page: the lang cookie, else Accept-Language, else
 * the config's default. */
int web_language(struct web_request *request);
/* A new set of the fields every page has (texts, language, the admin, the
 * CSRF token, the language switch's way back); title names a text. */
struct template_data *web_page_data(struct web_request *request,
    const char *title);
/* Render page (with the top and bottom) into response with status; takes
 * data. A rendering failure becomes a 500 page. */
void web_page_render(struct web_request *request,
    struct web_response *response, unsigned status, enum web_page page,
    struct template_data *data);
/* A page that says something: title and text name texts. */
void web_message(struct web_request *request, struct web_response *response,
    unsigned status, const char *title, const char *text);
/* An ISO 8601 time as the pages show it, local ("2026-03-02 09:00"), or
 * its date alone; NULL stays NULL. The caller frees it. */
char *web_time(const char *iso);
char *web_date(const char *iso);

/* web-session.c: read the session cookie: sets admin, csrf and
 * session_hash when signed in (and notes the request); else csrf from the
 * form cookie, made new if missing. */
void web_session_read(struct web_request *request);
/* TRUE when the POST's csrf field is this page's token. */
gboolean web_csrf_ok(struct web_request *request);
void web_signin_page(struct web_request *request, struct web_response *response);
void web_signin_ask(struct web_request *request, struct web_response *response);
/* After POST /signin's answer has gone: mail the link if address is an
 * admin's, so that the answer takes the same time for every address. */
void web_signin_later(struct web *web, const char *address, int language);
void web_signin_link_page(struct web_request *request, struct web_response *response);
void web_signin_link_use(struct web_request *request, struct web_response *response);
void web_signout(struct web_request *request, struct web_response *response);
void web_language_set(struct web_request *request, struct web_response *response);
/* Delete old links and sessions (at most hourly). */
void web_session_purge(struct web *web);

/* web-views.c: the pages people read. */
void web_queue_page(struct web_request *request, struct web_response *response);
void web_requests_page(struct web_request *request, struct web_response *response);
/* One request; problem (or NULL) says why a decision was not made, with
 * status 409; done names the decision just made, or NULL. */
void web_request_page(struct web_request *request, struct web_response *response,
    const char *id, const char *problem, const char *done);
void web_audit_page(struct web_request *request, struct web_response *response);
/* What a request waits for, in words: its hold reasons (a comma list of
 * codes) while awaiting approval, the sender's confirmation while
 * verifying; each added to data's list field `waits` as per-language
 * texts (the list is made even when empty). */
void web_add_waits(struct web_request *request, struct template_data *data,
    const char *state, const char *hold_reasons);

/* web-decide.c: POST /request/ID/ACTION: a decision through the lifecycle. */
void web_decide(struct web_request *request, struct web_response *response,
    const char *id, const char *action);

#endif
