/* web-decide.c: the decisions on a request, from the request page's forms:
 * approve, reject, extend, classify, lift. Each goes through the same
 * function of request/lifecycle.h as `dsrmail queue`, recorded as the
 * signed-in admin (N20, N24): the same rows, events and mails. */
#include <string.h>

#include "base/error.h"
#include "base/log.h"
#include "request/lifecycle.h"
#include "web/web-http.h"

/* A reason as the form sent it: CRLF line ends as LF, ends trimmed; NULL
 * when empty. The caller frees it. */
static char *
reason_clean(const char *text)
{
	GString *out = g_string_new(NULL);
	const char *p;

	for (p = text != NULL ? text : ""; *p != '\0'; p++)
		if (*p != '\r')
			g_string_append_c(out, *p);
	g_strstrip(out->str);
	if (out->str[0] == '\0') {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

/* Make decision action on id as the signed-in admin. 0 done, -1 with error;
 * 1 when action is not a decision. */
static int
decide(struct web_request *request, const char *id, const char *action,
    GError **error)
{
	struct context *context = request->web->context;
	g_autofree char *reason = reason_clean(web_field(request, "reason"));
	/* The signed-in admin decides; no login ran a command (as by mail). */
	const struct decider by = { .admin = request->admin, .login = NULL };
	const struct decider *admin = &by;

	if (strcmp(action, "approve") == 0)
		return lifecycle_approve(context, id, admin, error);
	if (strcmp(action, "reject") == 0)
		return lifecycle_reject(context, id, admin, reason, error);
	if (strcmp(action, "extend") == 0)
		return lifecycle_extend(context, id, admin, reason, error);
	if (strcmp(action, "lift") == 0)
		return lifecycle_lift(context, id, admin, reason, error);
	if (strcmp(action, "classify") == 0)
		return lifecycle_classify(context, id, web_field(request, "kind") != NULL ?
		    web_field(request, "kind") : "", admin, error);
	return 1;
}

/* POST /request/ID/ACTION */
void
web_decide(struct web_request *request, struct web_response *response,
    const char *id, const char *action)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *back = NULL;
	int status;

	if (!web_csrf_ok(request)) {
		web_message(request, response, 403, "forbidden_title", "forbidden_text");
		return;
	}
	status = decide(request, id, action, &error);
	if (status > 0) {
		web_message(request, response, 404, "not_found_title", "not_found_text");
		return;
	}
	/* Whatever happened, the decision may have queued mail. */
	web_mail_queued(request->web);
	if (status < 0 && (g_error_matches(error, DSR_ERROR, DSR_ERROR_DATA) ||
	    g_error_matches(error, DSR_ERROR, DSR_ERROR_USAGE))) {
		log_info("web: %s: %s refused", id, action);
		web_request_page(request, response, id, error->message, NULL);
		return;
	}
	if (status < 0) {
		log_error("web: %s: %s failed: %s", id, action, error->message);
		web_message(request, response, 500, "error_title", "error_text");
		return;
	}
	log_info("web: %s: %s by an admin", id, action);
	back = g_strdup_printf("/request/%s?done=%s", id, action);
	web_redirect(response, back);
}
