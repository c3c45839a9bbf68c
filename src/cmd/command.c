/* context.c: open what a command needs, and parse a command's options. */
#include "base/context.h"
#include "base/error.h"

/* Open the config, store, map and notice as far as needs says. */
int
context_open(struct context *context, unsigned needs, GError **error)
{
	g_autofree char *path = NULL;
	g_autofree char *notice_path = NULL;

	if (needs & NEEDS_CONFIG) {
		path = config_find(context->config_path, error);
		if (path == NULL || (context->config = config_load(path, error)) == NULL)
			return -1;
	}
	if ((needs & (1 << 1)) && (context->store =
	    store_open(context->config->database_path, FALSE, error)) == NULL)
		return -1;
	if ((needs & (1 << 2)) && (context->map = map_load(
	    context->config->map_path, context->store, error)) == NULL)
		return -1;
	if (needs & (1 << 3)) {
		notice_path = g_build_filename(context->config->rules_dir,
		    "notice.conf", NULL);
		if ((context->notice = notice_load(notice_path, error)) == NULL)
			return -1;
	}
	if ((needs & (1 << 4)) && (context->templates = reply_templates_load(
	    context->config->templates_dir, error)) == NULL)
		return -1;
	return 0;
}

/* Close whatever context_open opened. */
void
context_close(struct context *context)
{
	reply_templates_free(context->templates);
	context->templates = NULL;
	notice_free(context->notice);
	map_free(context->map);
	store_close(context->store);
	config_free(context->config);
	context->notice = NULL;
	context->map = NULL;
	context->store = NULL;
	context->config = NULL;
}

/* Parse one command's options. */
int
context_parse_options(const char *command, const char *parameters,
    GOptionEntry *entries, int *argc, char ***argv, GError **error)
{
	g_autoptr(GOptionContext) options = g_option_context_new(parameters);
	g_autoptr(GError) local = NULL;

	g_option_context_set_help_enabled(options, FALSE);
	if (entries != NULL)
		g_option_context_add_main_entries(options, entries, NULL);
	if (!g_option_context_parse(options, argc, argv, &local)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "%s: %s; usage: "
		    "dsrmail %s %s", command, local->message, command, parameters);
		return -1;
	}
	return 0;
}
