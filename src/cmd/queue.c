/* queue.c: `dsrmail queue list|show|approve|reject|extend|classify|lift`, the
 * admin's side of the approval queue (DESIGN.md command contract). Every
 * decision records who made it (N20, N24). */
#include <stdio.h>
#include <string.h>

#include "cmd/command.h"
#include "base/error.h"
#include "request/lifecycle.h"
#include "store/store-timeline.h"

/* The admin a decision is recorded for: --as, else the login name. Text
 * with control characters is refused (it goes into events and mails). */
static const char *
queue_admin(const char *as, GError **error)
{
	const char *admin = as != NULL ? as : g_get_user_name();
	const char *p;

	for (p = admin; p != NULL && *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			break;
	if (admin == NULL || *admin == '\0' || *p != '\0') {
		g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "give the admin's name "
		    "with --as ADMIN (one line of text)");
		return NULL;
	}
	return admin;
}

/* Parse a queue command's options; exactly `words` arguments must remain. */
static int
queue_options(const char *command, const char *usage, GOptionEntry *entries,
    int *argc, char ***argv, int words, GError **error)
{
	if (command_parse_options(command, usage, entries, argc, argv, error) < 0)
		return -1;
	if (*argc != words + 1) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "usage: dsrmail %s %s",
		    command, usage);
		return -1;
	}
	return 0;
}

/* queue list: the requests waiting for an admin. */
int
queue_list_command(struct context *context, int argc, char **argv,
    GError **error)
{
	if (queue_options("queue list", "", NULL, &argc, &argv, 0, error) < 0)
		return -1;
	return store_timeline_queue(context->store, request_print_line, NULL, error);
}

/* queue show ID [--json]: what `requests show` prints. */
int
queue_show_command(struct context *context, int argc, char **argv,
    GError **error)
{
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "as one JSON object", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};

	if (queue_options("queue show", "ID [--json]", entries, &argc, &argv, 1,
	    error) < 0)
		return -1;
	return request_show(context, argv[1], json, error);
}

/* queue approve ID [--as ADMIN] */
int
queue_approve_command(struct context *context, int argc, char **argv,
    GError **error)
{
	g_autofree char *as = NULL;
	GOptionEntry entries[] = {
		{ "as", 0, 0, G_OPTION_ARG_STRING, &as, "who decides", "ADMIN" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	const char *admin;

	if (queue_options("queue approve", "ID [--as ADMIN]", entries, &argc,
	    &argv, 1, error) < 0 || (admin = queue_admin(as, error)) == NULL ||
	    lifecycle_approve(context, argv[1], admin, error) < 0)
		return -1;
	printf("%s approved by %s and carried out; \"dsrmail send\" sends the "
	    "reply\n", argv[1], admin);
	return 0;
}

/* A decision on one request that needs a reason: reject, extend, lift. */
typedef int (*queue_decision)(struct context *context, const char *id,
    const char *admin, const char *reason, GError **error);

/* Parse "ID --reason TEXT [--as ADMIN]" and make the decision; *id and
 * *admin get copies for the caller's message. */
static int
queue_decide(struct context *context, const char *command, const char *usage,
    int argc, char **argv, queue_decision decide, char **id, char **admin,
    GError **error)
{
	g_autofree char *as = NULL, *reason = NULL;
	GOptionEntry entries[] = {
		{ "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "why (the sender is told)", "TEXT" },
		{ "as", 0, 0, G_OPTION_ARG_STRING, &as, "who decides", "ADMIN" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	const char *who;

	if (queue_options(command, usage, entries, &argc, &argv, 1, error) < 0 ||
	    (who = queue_admin(as, error)) == NULL ||
	    decide(context, argv[1], who, reason, error) < 0)
		return -1;
	*id = g_strdup(argv[1]);
	*admin = g_strdup(who);
	return 0;
}

/* queue reject ID --reason TEXT [--as ADMIN] */
int
queue_reject_command(struct context *context, int argc, char **argv,
    GError **error)
{
	g_autofree char *id = NULL, *admin = NULL;

	if (queue_decide(context, "queue reject", "ID --reason TEXT [--as ADMIN]",
	    argc, argv, lifecycle_reject, &id, &admin, error) < 0)
		return -1;
	printf("%s rejected by %s; the sender is told the reason\n", id, admin);
	return 0;
}

/* queue extend ID --reason TEXT */
int
queue_extend_command(struct context *context, int argc, char **argv,
    GError **error)
{
	g_autofree char *id = NULL, *admin = NULL;

	if (queue_decide(context, "queue extend", "ID --reason TEXT", argc, argv,
	    lifecycle_extend, &id, &admin, error) < 0)
		return -1;
	printf("%s extended by two months; the sender is told why\n", id);
	return 0;
}

/* queue lift ID --reason TEXT [--as ADMIN] */
int
queue_lift_command(struct context *context, int argc, char **argv,
    GError **error)
{
	g_autofree char *id = NULL, *admin = NULL;

	if (queue_decide(context, "queue lift", "ID --reason TEXT [--as ADMIN]",
	    argc, argv, lifecycle_lift, &id, &admin, error) < 0)
		return -1;
	printf("%s: the person is told first; the restriction is lifted once "
	    "\"dsrmail send\" has sent the notice\n", id);
	return 0;
}

/* queue classify ID KIND */
int
queue_classify_command(struct context *context, int argc, char **argv,
    GError **error)
{
	g_autofree char *as = NULL;
	GOptionEntry entries[] = {
		{ "as", 0, 0, G_OPTION_ARG_STRING, &as, "who decides", "ADMIN" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	const char *admin;

	if (queue_options("queue classify", "ID KIND", entries, &argc, &argv, 2,
	    error) < 0 || (admin = queue_admin(as, error)) == NULL ||
	    lifecycle_classify(context, argv[1], argv[2], admin, error) < 0)
		return -1;
	printf("%s is now of kind %s\n", argv[1], argv[2]);
	return 0;
}
