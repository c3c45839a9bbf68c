/* requests.c: `dsrmail requests [list [--open] [--overdue] | show ID
 * [--json]]`: every request with its state, or one with its timeline
 * (show.c). */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "cmd/command.h"
#include "base/error.h"
#include "store/store-timeline.h"

/* One line of `requests list`: "ID KIND STATE received ... due ...", why
 * it waits (" held: policy (erasure needs approval)"), then data (a note,
 * or NULL). */
void
request_print_line(const char *const *c, int count, void *data)
{
	g_autofree char *held = request_held_words(c[7], c[1]);

	printf("%s %s %s received %s due %s%s%s", c[0], c[1], c[2], c[3], c[4],
	    *held ? " held: " : "", held);
	/* How sure the classifier was of a kind it marked (CLASSIFY_COLUMNS);
	 * the mark itself is among the hold reasons. */
	if (count > 9 && c[8] != NULL && c[9] != NULL)
		printf(" (%s%% sure)", c[9]);
	printf("%s\n", data != NULL ? (const char *)data : "");
}

/* dsrmail requests [list [--open] [--overdue] | show ID [--json]] */
int
requests_command(struct context *context, int argc, char **argv, GError **error)
{
	gboolean overdue = FALSE, open_only = FALSE, json = FALSE;
	GOptionEntry entries[] = {
		{ "overdue", 0, 0, G_OPTION_ARG_NONE, &overdue, "only requests past their deadline", NULL },
		{ "open", 0, 0, G_OPTION_ARG_NONE, &open_only, "only requests not finished", NULL },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "show: as one JSON object", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	const char *usage = "[list [--open] [--overdue] | show ID [--json]]";
	g_autofree char *now = clock_now_iso();

	if (command_parse_options("requests", usage, entries, &argc, &argv, error) < 0)
		return -1;
	if (argc == 3 && strcmp(argv[1], "show") == 0 && !open_only && !overdue)
		return request_show(context, argv[2], json, error);
	if (!json && (argc == 1 || (argc == 2 && strcmp(argv[1], "list") == 0)))
		return store_timeline_requests(context->store, open_only,
		    overdue ? now : NULL, request_print_line, NULL, error);
	g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "usage: dsrmail requests %s",
	    usage);
	return -1;
}
