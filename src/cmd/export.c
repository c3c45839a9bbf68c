/* export.c: `dsrmail export EMAIL DIR`: the export bundle an access reply
 * would attach, written to a directory. */
#include <stdio.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/error.h"
#include "base/log.h"
#include "cmd/command.h"
#include "register/export.h"

/* dsrmail export [--lang L] EMAIL DIR */
int
export_command(struct context *context, int argc, char **argv, GError **error)
{
	g_autofree char *lang = NULL;
	GOptionEntry entries[] = {
		{ "lang", 0, 0, G_OPTION_ARG_STRING, &lang, "language of labels", "fi|en|sv" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GPtrArray) bundle = NULL;
	g_autoptr(GDateTime) now = clock_now();
	int language;

	if (command_parse_options("export", "[--lang fi|en|sv] EMAIL DIR", entries,
	    &argc, &argv, error) < 0)
		return -1;
	if (argc != 3) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "export needs an "
		    "address and a directory; usage: dsrmail export "
		    "[--lang fi|en|sv] EMAIL DIR");
		return -1;
	}
	language = language_from_code(lang != NULL ? lang :
	    context->config->default_language);
	if (language < 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "export: --lang %s: "
		    "write fi, en or sv", lang);
		return -1;
	}
	bundle = export_bundle_build(context->store, context->map, context->notice,
	    context->config, argv[1], language, now, error);
	if (bundle == NULL)
		return -1;
	if (bundle->len == 0) {
		fprintf(stderr, "dsrmail: no data for this address: no customer in "
		    "the register has it; nothing written\n");
		return 0;
	}
	if (export_bundle_write(bundle, argv[2], error) < 0)
		return -1;
	printf("wrote %u files to %s\n", bundle->len, argv[2]);
	log_info("export: %u files written", bundle->len);
	return 0;
}
