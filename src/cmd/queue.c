/* queue.c: `dsrmail queue list|show|approve|reject|extend|classify|lift`, the
 * admin's side of the approval queue (DESIGN.md command contract). Every
 * decision records who made it (N20, N24). */
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/address.h"
#include "base/config.h"
#include "base/context.h"
#include "cmd/command.h"
#include "base/error.h"
#include "register/execute.h"
#include "request/lifecycle.h"
#include "store/store-lifecycle.h"
#include "store/store-timeline.h"

/* The login name that runs the command (the password database's name
 * for the real uid), else GLib's guess; NULL if neither is one line. */
static const char *
queue_login(void)
{
	const struct passwd *entry = getpwuid(getuid());
	const char *login = entry != NULL && entry->pw_name != NULL ?
	    entry->pw_name : g_get_user_name();
	const char *p;

	for (p = login; p != NULL && *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return NULL;
	return login != NULL && *login != '\0' ? login : NULL;
}

/* Who a decision is recorded for (N20): --as must name one of
 * [organisation] admins (compared normalised), else it is the login name;
 * the login name is recorded beside it. *as_admin keeps the normalised
 * address. Anything else is a usage error, and nothing is changed. */
static int
queue_admin(const struct config *config, const char *as, char **as_admin,
    struct decider *by, GError **error)
{
	g_autofree char *admins = config->admins != NULL ?
	    g_strjoinv(", ", config->admins) : NULL;

	by->login = queue_login();
	if (by->login == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "the login name of "
		    "this user cannot be read, so the decision could not be "
		    "attributed; run dsrmail as a user with a name");
		return -1;
	}
	if (as == NULL) {
		by->admin = by->login;
		return 0;
	}
	if (!config_is_admin(config, as)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "--as names no admin: "
		    "give one of [organisation] admins in %s (%s)", config->file,
		    admins != NULL && *admins != '\0' ? admins : "none are listed; "
		    "add the admins' addresses there");
		return -1;
	}
	*as_admin = address_normalise(as);
	by->admin = *as_admin;
	return 0;
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

/* Is a subject of request id restricted (N14)? 1, 0, or -1 with error. */
static int
queue_restricted(struct context *context, const char *id, GError **error)
{
	g_autoptr(GArray) subjects = store_lifecycle_subjects(context->store, id,
	    error);
	gboolean restricted = FALSE;
	guint i;

	if (subjects == NULL)
		return -1;
	for (i = 0; i < subjects->len && !restricted; i++)
		if (execute_get_flag(context->store, context->map->restricted,
		    g_array_index(subjects, gint64, i), &restricted, error) < 0)
			return -1;
	return restricted;
}

/* What queue list and show say of a restricted subject. */
#define QUEUE_RESTRICTED "the person's data is restricted (GDPR Art. 18): " \
	"it is only stored; no recipient notice carries it, and it is erased " \
	"only with an admin's approval"

/* One line of queue list, noting a restriction (a timeline_row_func). */
static void
queue_print_line(const char *const *columns, int count, void *data)
{
	g_autoptr(GError) local = NULL;
	int restricted = queue_restricted(data, columns[0], &local);

	if (restricted < 0)
		fprintf(stderr, "dsrmail: %s: %s\n", columns[0], local->message);
	request_print_line(columns, count, restricted > 0 ?
	    (void *)"; " QUEUE_RESTRICTED : NULL);
}

/* queue list: the requests waiting for an admin. */
int
queue_list_command(struct context *context, int argc, char **argv,
    GError **error)
{
	if (queue_options("queue list", "", NULL, &argc, &argv, 0, error) < 0)
		return -1;
	return store_timeline_queue(context->store, queue_print_line, context,
	    error);
}

/* queue show ID [--json]: what `requests show` prints, and whether the data
 * is restricted (in the JSON: its "restricted" member is not added; the
 * text says it). */
int
queue_show_command(struct context *context, int argc, char **argv,
    GError **error)
{
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "as one JSON object", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	int restricted;

	if (queue_options("queue show", "ID [--json]", entries, &argc, &argv, 1,
	    error) < 0 || request_show(context, argv[1], json, error) < 0 ||
	    (restricted = queue_restricted(context, argv[1], error)) < 0)
		return -1;
	if (restricted && !json)
		printf("restricted:\n  %s\n", QUEUE_RESTRICTED);
	return 0;
}

/* queue approve ID [--as ADMIN] */
int
queue_approve_command(struct context *context, int argc, char **argv,
    GError **error)
{
	g_autofree char *as = NULL, *as_admin = NULL;
	GOptionEntry entries[] = {
		{ "as", 0, 0, G_OPTION_ARG_STRING, &as, "who decides", "ADMIN" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	struct decider by;

	if (queue_options("queue approve", "ID [--as ADMIN]", entries, &argc,
	    &argv, 1, error) < 0 || queue_admin(context->config, as, &as_admin,
	    &by, error) < 0 || lifecycle_approve(context, argv[1], &by, error) < 0)
		return -1;
	printf("%s approved by %s and carried out; \"dsrmail send\" sends the "
	    "reply\n", argv[1], by.admin);
	return 0;
}

/* A decision on one request that needs a reason: reject, extend, lift. */
typedef int (*queue_decision)(struct context *context, const char *id,
    const struct decider *by, const char *reason, GError **error);

/* Parse "ID --reason TEXT [--as ADMIN]" and make the decision; *id and
 * *admin get copies for the caller's message. */
static int
queue_decide(struct context *context, const char *command, const char *usage,
    int argc, char **argv, queue_decision decide, char **id, char **admin,
    GError **error)
{
	g_autofree char *as = NULL, *as_admin = NULL, *reason = NULL;
	GOptionEntry entries[] = {
		{ "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "why (the sender is told)", "TEXT" },
		{ "as", 0, 0, G_OPTION_ARG_STRING, &as, "who decides", "ADMIN" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	struct decider by;

	if (queue_options(command, usage, entries, &argc, &argv, 1, error) < 0 ||
	    queue_admin(context->config, as, &as_admin, &by, error) < 0 ||
	    decide(context, argv[1], &by, reason, error) < 0)
		return -1;
	*id = g_strdup(argv[1]);
	*admin = g_strdup(by.admin);
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

/* queue extend ID --reason TEXT [--as ADMIN] */
int
queue_extend_command(struct context *context, int argc, char **argv,
    GError **error)
{
	g_autofree char *id = NULL, *admin = NULL;

	if (queue_decide(context, "queue extend", "ID --reason TEXT [--as ADMIN]", argc, argv,
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
	g_autofree char *as = NULL, *as_admin = NULL;
	GOptionEntry entries[] = {
		{ "as", 0, 0, G_OPTION_ARG_STRING, &as, "who decides", "ADMIN" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	struct decider by;

	if (queue_options("queue classify", "ID KIND [--as ADMIN]", entries,
	    &argc, &argv, 2, error) < 0 || queue_admin(context->config, as,
	    &as_admin, &by, error) < 0 || lifecycle_classify(context, argv[1],
	    argv[2], &by, error) < 0)
		return -1;
	printf("%s is now of kind %s\n", argv[1], argv[2]);
	return 0;
}
