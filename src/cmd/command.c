/* command.c: open what a command needs, and parse a command's options. */
#include "base/config.h"
#include "base/error.h"
#include "mail/crypto.h"
#include "cmd/command.h"
#include "reply/outbox.h"
#include "reply/reply.h"
#include "rules/map.h"
#include "rules/notice.h"
#include "store/store.h"
#include "store/store-register.h"

/* Load the data map, checked against the open store. */
int
command_open_map(struct context *context, GError **error)
{
	struct map_schema schema;

	store_register_schema(context->store, &schema);
	context->map = map_load(context->config->map_path, &schema, error);
	return context->map != NULL ? 0 : -1;
}

/* Open the config, store, map and notice as far as needs says. */
int
command_open(struct context *context, unsigned needs, GError **error)
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
	if ((needs & (1 << 2)) && command_open_map(context, error) < 0)
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
	if ((needs & (1 << 6)) && !(needs & (1 << 4)) && (context->templates =
	    reply_templates_open(context->config->templates_dir, error)) == NULL)
		return -1;
	/* Whatever writes mail may sign it; intake checks signatures. */
	if ((needs & (1 << 4 | 1 << 5 | 1 << 6)) &&
	    context->config->crypto_home != NULL &&
	    (context->crypto = crypto_open(context->config, error)) == NULL)
		return -1;
	return 0;
}

/* Close whatever context_open opened. */
void
command_close(struct context *context)
{
	crypto_free(context->crypto);
	context->crypto = NULL;
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
command_parse_options(const char *command, const char *parameters,
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

/* Refuse arguments to a command that takes none. */
int
command_no_arguments(const char *command, const char *why, int argc,
    GError **error)
{
	if (argc == 1)
		return 0;
	g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "%s takes no arguments%s; "
	    "usage: dsrmail %s", command, why, command);
	return -1;
}

/* "no mail", "1 mail", "5 mails" (see command.h). */
char *
command_count(gint64 count, const char *one, const char *many)
{
	if (count == 0)
		return g_strdup_printf("no %s", one);
	return g_strdup_printf("%" G_GINT64_FORMAT " %s", count, count == 1 ? one : many);
}

/* What a flush of the outbox did, in words (see command.h). */
char *
command_outbox_words(const struct outbox_counts *counts)
{
	g_autofree char *sent = command_count(counts->sent, "mail", "mails");
	GString *out = g_string_new(NULL);

	g_string_append_printf(out, "sent %s", sent);
	if (counts->deferred > 0)
		g_string_append_printf(out, ", %d delayed by the server (tried again "
		    "later)", counts->deferred);
	if (counts->failed > 0)
		g_string_append_printf(out, ", %d could not be delivered (the admins "
		    "are told)", counts->failed);
	if (counts->lifted > 0)
		g_string_append_printf(out, ", %d %s lifted once the person was told",
		    counts->lifted, counts->lifted == 1 ? "restriction" : "restrictions");
	return g_string_free(out, FALSE);
}
