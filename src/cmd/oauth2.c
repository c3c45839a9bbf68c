/* oauth2.c: `dsrmail oauth2 login` and `dsrmail oauth2 status` (the
 * OAuth2 sign-in of [imap]/[smtp] auth = oauth2, see mail/oauth2.h), and
 * the admins' notice, once per login, when that sign-in was revoked. */
#include <stdio.h>
#include <sys/stat.h>

#include "base/clock.h"
#include "base/error.h"
#include "base/language.h"
#include "base/log.h"
#include "cmd/command.h"
#include "mail/oauth2.h"
#include "reply/reply.h"
#include "store/store-oauth2.h"

/* Refuse when there is no [oauth2] to work with. */
static int
oauth2_configured(const struct config *config, GError **error)
{
	if (config->oauth2_token_url != NULL)
		return 0;
	g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s has no [oauth2] "
	    "section; add one (provider = microsoft with tenant, or google; and "
	    "client_id) and set [imap] auth = oauth2 and [smtp] auth = oauth2 "
	    "(see dsrmail.conf(5))", config->file);
	return -1;
}

/* dsrmail oauth2 login */
int
oauth2_login_command(struct context *context, int argc, char **argv,
    GError **error)
{
	(void)argv;
	if (command_no_arguments("oauth2 login", "", argc, error) < 0 ||
	    oauth2_configured(context->config, error) < 0)
		return -1;
	return oauth2_login(context->config, stdin, stdout, error);
}

/* "in 57 minutes" / "3 minutes ago" from now to an ISO time. */
static char *
time_relative(const char *iso)
{
	g_autoptr(GDateTime) then = clock_parse_iso(iso);
	g_autoptr(GDateTime) now = clock_now();
	gint64 minutes;

	if (then == NULL)
		return g_strdup("?");
	minutes = g_date_time_difference(then, now) / G_TIME_SPAN_MINUTE;
	return minutes >= 0 ? g_strdup_printf("in %" G_GINT64_FORMAT " minutes", minutes) :
	    g_strdup_printf("%" G_GINT64_FORMAT " minutes ago", -minutes);
}

/* Which servers sign in with the token. */
static const char *
status_used_for(const struct config *config)
{
	if (config->imap_auth == AUTH_OAUTH2 && config->smtp_auth == AUTH_OAUTH2)
		return "[imap] and [smtp] (auth = oauth2)";
	if (config->imap_auth == AUTH_OAUTH2)
		return "[imap] (auth = oauth2); [smtp] uses its password";
	if (config->smtp_auth == AUTH_OAUTH2)
		return "[smtp] (auth = oauth2); [imap] uses its password";
	return "nothing yet: set [imap] auth = oauth2 and [smtp] auth = oauth2";
}

/* Print what the token file says, never a token. */
static void
status_print(const struct config *config, const struct oauth2_state *state)
{
	g_autofree char *expires = state->expires_at != NULL ?
	    time_relative(state->expires_at) : NULL;
	g_autoptr(GDateTime) end = state->expires_at != NULL ?
	    clock_parse_iso(state->expires_at) : NULL;
	g_autoptr(GDateTime) now = clock_now();
	struct stat info;

	printf("provider:       %s\n", state->provider != NULL ? state->provider : "?");
	printf("account:        %s\n", state->account != NULL ? state->account : "?");
	printf("scopes:         %s\n", state->scope != NULL ? state->scope : "?");
	printf("signed in:      %s\n", state->login_at != NULL ? state->login_at : "?");
	printf("last refresh:   %s\n", state->refreshed_at != NULL ?
	    state->refreshed_at : "none yet");
	if (state->revoked_at != NULL)
		printf("access token:   none: the consent was revoked or has expired "
		    "(invalid_grant, %s)\n", state->revoked_at);
	else if (end != NULL)
		printf("access token:   %s %s (%s)%s\n", g_date_time_compare(end, now) > 0 ?
		    "valid until" : "expired at", state->expires_at, expires,
		    g_date_time_compare(end, now) > 0 ? "" : "; renewed when next used");
	printf("refresh token:  %s\n", state->has_refresh_token ? "stored" : "none");
	if (stat(config->oauth2_token_file, &info) == 0)
		printf("token file:     %s (mode %04o)\n", config->oauth2_token_file,
		    (unsigned)(info.st_mode & 07777));
	printf("used for:       %s\n", status_used_for(config));
	if (g_strcmp0(state->client_id, config->oauth2_client_id) != 0 ||
	    g_strcmp0(state->token_url, config->oauth2_token_url) != 0)
		printf("warning:        the token was made for another [oauth2] "
		    "client_id or token_url; run dsrmail oauth2 login again\n");
}

/* dsrmail oauth2 status */
int
oauth2_status_command(struct context *context, int argc, char **argv,
    GError **error)
{
	const struct config *config = context->config;
	struct oauth2_state state;
	int found, rc = 0;

	(void)argv;
	if (command_no_arguments("oauth2 status", "", argc, error) < 0 ||
	    oauth2_configured(config, error) < 0)
		return -1;
	if ((found = oauth2_state_read(config, &state, error)) < 0)
		return -1;
	if (found == 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "no OAuth2 token is "
		    "stored in %s; run `dsrmail oauth2 login` as dsrmail's user",
		    config->oauth2_token_file);
		return -1;
	}
	status_print(config, &state);
	if (state.revoked_at != NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "the sign-in was "
		    "revoked or has expired; run `dsrmail oauth2 login` again");
		rc = -1;
	}
	oauth2_state_clear(&state);
	return rc;
}

/* Queue the notice to every admin (inside the transaction). */
static int
revocation_mail(struct context *context, const struct oauth2_state *state,
    GError **error)
{
	const struct config *config = context->config;
	char **admin;

	for (admin = config->admins; admin != NULL && *admin != NULL; admin++) {
		struct template_data *data = template_data_new();
		struct reply reply = { .kind = REPLY_SIGNIN_REVOKED,
		    .language = language_from_code(config->default_language),
		    .to_address = *admin, .data = data, .crypto = context->crypto };
		gint64 id;

		template_data_set(data, "provider", state->provider);
		template_data_set(data, "account", state->account != NULL ?
		    state->account : config->imap_user);
		template_data_set(data, "revoked_at", state->revoked_at);
		template_data_set(data, "smtp_too", config->smtp_auth == AUTH_OAUTH2 ?
		    "yes" : NULL);
		id = reply_queue(context->store, context->templates, config,
		    context->notice, &reply, error);
		template_data_free(data);
		if (id < 0)
			return -1;
	}
	return 0;
}

/* After poll, send or sweep failed: if the token file says the sign-in was
 * revoked, tell the admins, once per login. Problems are logged. */
void
oauth2_revocation_notice(struct context *context)
{
	g_autoptr(GError) local = NULL;
	struct oauth2_state state;
	gboolean first = FALSE;

	if (context->config == NULL || !context->config->oauth2_used ||
	    context->store == NULL || context->templates == NULL ||
	    oauth2_state_read(context->config, &state, &local) <= 0)
		return;
	if (state.revoked_at == NULL) {
		oauth2_state_clear(&state);
		return;
	}
	if (store_begin(context->store, &local) == 0) {
		if (store_oauth2_revocation_record(context->store, state.login_at != NULL ?
		    state.login_at : "unknown", state.provider, &first, &local) < 0 ||
		    (first && revocation_mail(context, &state, &local) < 0) ||
		    store_commit(context->store, &local) < 0)
			store_rollback(context->store);
	}
	if (local != NULL)
		log_warn("oauth2: telling the admins that the sign-in was revoked "
		    "failed: %s", local->message);
	else if (first)
		log_warn("oauth2: the sign-in was revoked; the admins are told (once "
		    "per login) to run dsrmail oauth2 login again");
	oauth2_state_clear(&state);
}
