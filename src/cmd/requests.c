/* request.c: `dsrmail requests [list [--overdue]|show ID]`: every request,
 * its state and its timeline (N24: what arrived, what was decided, by whom,
 * when, and what was sent). */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "cmd/command.h"
#include "base/error.h"
#include "store/store-timeline.h"

/* A column or "-" for NULL. */
static const char *
or_dash(const char *text)
{
	return text != NULL && *text != '\0' ? text : "-";
}

/* One line of `requests list`: "ID KIND STATE received ... due ...". */
void
request_print_line(const char *const *c, int count, void *data)
{
	(void)data;
	printf("%s %s %s received %s due %s%s%s", c[0], c[1], c[2], c[3], c[4],
	    c[7] ? " held: " : "", c[7] ? c[7] : "");
	if (count > 9 && c[8] != NULL)
		printf(" (%s, %s%% sure)", strcmp(c[8], "possible_extra") == 0 ?
		    "possible extra" : c[8], or_dash(c[9]));
	printf("\n");
}

/* The classifier's lines of `requests show`: how sure it was, the mark,
 * the kinds only hinted at, the language the mail was written in. */
static void
print_classification(const char *const *c, int count)
{
	if (count < 20)
		return;
	if (c[17] != NULL)
		printf("  read as:   %s, %s%% sure%s%s\n", c[1], c[17], c[16] ? ", " : "",
		    c[16] == NULL ? "" : strcmp(c[16], "possible_extra") == 0 ?
		    "a possible extra (not the mail's main request)" : c[16]);
	if (c[19] != NULL)
		printf("  hinted:    %s (mentioned as a possibility, not asked for)\n", c[19]);
	if (c[18] != NULL)
		printf("  written:   %s\n", c[18]);
}

/* The header block of `requests show`. */
static void
print_request_header(const char *const *c, int count, void *data)
{
	(void)data;
	printf("%s %s %s\n", c[0], c[1], c[2]);
	printf("  received:  %s\n  due:       %s%s%s%s\n", c[3], c[4],
	    c[8] ? " (extended " : "", c[8] ? c[8] : "", c[8] ? ")" : "");
	if (c[9])
		printf("  extension: %s\n", c[9]);
	printf("  language:  %s\n  sender:    %s\n", or_dash(c[5]), or_dash(c[6]));
	if (c[7])
		printf("  held for:  %s\n", c[7]);
	if (c[10])
		printf("  verified:  %s by %s\n", c[10], or_dash(c[11]));
	if (c[12])
		printf("  decided:   %s by %s%s%s\n", c[12], or_dash(c[13]),
		    c[14] ? ": " : "", c[14] ? c[14] : "");
	if (c[15])
		printf("  completed: %s\n", c[15]);
	print_classification(c, count);
}

/* Subject keys on one line. */
static void
print_subject(const char *const *c, int count, void *data)
{
	(void)count;
	printf("%s%s", *(int *)data ? ", " : "  subjects:  ", c[0]);
	(*(int *)data)++;
}

/* One proposed change. */
static void
print_change(const char *const *c, int count, void *data)
{
	(void)count;
	(void)data;
	printf("  %s -> %s = \"%s\" (%s%s%s)\n", c[0], c[1] ? c[1] : "(unknown field)",
	    or_dash(c[2]), c[3], c[4] ? ": " : "", c[4] ? c[4] : "");
}

/* One event of the timeline. */
static void
print_event(const char *const *c, int count, void *data)
{
	(void)count;
	(void)data;
	printf("  %s  %-20s %-12s%s%s\n", c[1], c[2], c[3], c[4] ? " " : "",
	    c[4] ? c[4] : "");
}

/* One mail sent or queued. */
static void
print_mail(const char *const *c, int count, void *data)
{
	(void)count;
	(void)data;
	printf("  %s  %-20s to %s  %s  %s%s%s\n", c[4], c[0], c[1], c[2], c[3],
	    c[5] ? " " : "", c[5] ? c[5] : "");
}

/* requests show ID */
int
request_show(struct context *context, const char *id, GError **error)
{
	int found, subjects = 0;

	found = store_timeline_request(context->store, id, print_request_header,
	    NULL, error);
	if (found < 0)
		return -1;
	if (found == 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "no request %s; "
		    "\"dsrmail requests list\" shows them all", id);
		return -1;
	}
	if (store_timeline_subjects(context->store, id, print_subject, &subjects, error) < 0)
		return -1;
	printf(subjects ? "\n" : "  subjects:  none found for the sender's address\n");
	printf("changes:\n");
	if (store_timeline_changes(context->store, id, print_change, NULL, error) < 0)
		return -1;
	printf("timeline:\n");
	if (store_timeline_events(context->store, id, print_event, NULL, error) < 0)
		return -1;
	printf("mails:\n");
	return store_timeline_mails(context->store, id, print_mail, NULL, error);
}

/* dsrmail requests [list [--overdue]|show ID] */
int
requests_command(struct context *context, int argc, char **argv, GError **error)
{
	gboolean overdue = FALSE, open_only = FALSE;
	GOptionEntry entries[] = {
		{ "overdue", 0, 0, G_OPTION_ARG_NONE, &overdue, "only requests past their deadline", NULL },
		{ "open", 0, 0, G_OPTION_ARG_NONE, &open_only, "only requests not finished", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	const char *usage = "[list [--open] [--overdue] | show ID]";
	g_autofree char *now = clock_now_iso();

	if (command_parse_options("requests", usage, entries, &argc, &argv, error) < 0)
		return -1;
	if (argc == 3 && strcmp(argv[1], "show") == 0)
		return request_show(context, argv[2], error);
	if (argc == 1 || (argc == 2 && strcmp(argv[1], "list") == 0))
		return store_timeline_requests(context->store, open_only,
		    overdue ? now : NULL, request_print_line, NULL, error);
	g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "usage: dsrmail requests %s",
	    usage);
	return -1;
}
