/* config-oauth2.c: the [oauth2] group resolved: a provider's preset fills
 * the endpoints and scopes the file leaves out (keys the file gives always
 * win, which is how the tests point a preset at local servers), then
 * whatever the sign-in still lacks is refused, naming the key to add. */
#include <string.h>

#include "base/config.h"
#include "base/error.h"

/* What `provider = NAME` fills in; "{tenant}" is replaced by [oauth2] tenant. */
struct oauth2_preset {
	const char *name;
	const char *label;
	const char *token_url;
	const char *device_url;
	const char *auth_url;
	const char *scope;
	gboolean needs_secret;      /* the provider refuses a client without one */
};

/* Microsoft: the device flow of the identity platform v2.0; Exchange
 * Online's delegated IMAP and SMTP permissions, and offline_access for a
 * refresh token. Google allows no Gmail scope in its device flow (its
 * "limited-input device" scopes are sign-in, some Drive and YouTube
 * scopes), so Google gets the authorization code flow with PKCE and a
 * loopback redirect, the flow it documents for desktop and command-line
 * applications; its "Desktop app" clients carry a client secret that its
 * token endpoint requires. */
static const struct oauth2_preset presets[] = {
	{ "microsoft", "Microsoft 365",
	  "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
	  "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/devicecode",
	  NULL,
	  "https://outlook.office365.com/IMAP.AccessAsUser.All "
	  "https://outlook.office365.com/SMTP.Send offline_access", FALSE },
	{ "google", "Google Workspace",
	  "https://oauth2.googleapis.com/token", NULL,
	  "https://accounts.google.com/o/oauth2/v2/auth",
	  "https://mail.google.com/", TRUE },
};

/* The loopback port of the browser flow unless redirect_port says another. */
#define OAUTH2_DEFAULT_REDIRECT_PORT "8765"

/* An empty string counts as not given. */
static gboolean
given(const char *value)
{
	return value != NULL && *value != '\0';
}

/* The preset of config's provider, or NULL for none. */
static const struct oauth2_preset *
preset_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < G_N_ELEMENTS(presets); i++)
		if (g_ascii_strcasecmp(presets[i].name, name) == 0)
			return &presets[i];
	return NULL;
}

/* Refuse: "[oauth2] KEY is missing; add KEY = HINT". Returns -1. */
static int
missing(const struct config *config, GError **error, const char *key,
    const char *why, const char *hint)
{
	g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: [oauth2] %s is "
	    "missing%s; add %s = %s (see dsrmail.conf(5))", config->file, key,
	    why, key, hint);
	return -1;
}

/* Fill field from the preset's template unless the file gave it; a template
 * naming {tenant} needs [oauth2] tenant. */
static int
preset_fill(struct config *config, char **field, const char *template,
    GError **error)
{
	g_autoptr(GString) value = NULL;

	if (given(*field) || template == NULL)
		return 0;
	if (strstr(template, "{tenant}") != NULL) {
		if (!given(config->oauth2_tenant))
			return missing(config, error, "tenant", " (provider = "
			    "microsoft builds its sign-in addresses from it)",
			    "your tenant's primary domain, such as hrmentor.fi, or "
			    "its directory (tenant) id from the Entra admin center");
		value = g_string_new(template);
		g_string_replace(value, "{tenant}", config->oauth2_tenant, 0);
	}
	g_free(*field);
	*field = value != NULL ? g_string_free(g_steal_pointer(&value), FALSE) :
	    g_strdup(template);
	return 0;
}

/* The endpoints, scope and secret a sign-in needs: there, or refused. */
static int
oauth2_check(struct config *config, const struct oauth2_preset *preset,
    GError **error)
{
	if (!given(config->oauth2_client_id))
		return missing(config, error, "client_id", "", "the application "
		    "(client) id of the app you registered for dsrmail");
	if (!given(config->oauth2_token_url))
		return missing(config, error, "token_url", " (or set provider = "
		    "microsoft or google)", "the provider's token endpoint");
	if (!given(config->oauth2_device_url) && !given(config->oauth2_auth_url))
		return missing(config, error, "device_url", " (or auth_url, for "
		    "the browser sign-in)", "the provider's device authorization "
		    "endpoint");
	if (!given(config->oauth2_scope))
		return missing(config, error, "scope", "", "the scopes that "
		    "allow IMAP and SMTP, space-separated");
	if (preset != NULL && preset->needs_secret &&
	    config->oauth2_client_secret_file == NULL)
		return missing(config, error, "client_secret_file", " (Google's "
		    "token endpoint wants the client secret of a Desktop app "
		    "client)", "a file, readable only by dsrmail's user, holding "
		    "the client secret");
	return 0;
}

/* The loopback port: a number 0..65535 (0: any free one). */
static int
oauth2_port_check(struct config *config, GError **error)
{
	char *end = NULL;
	gint64 port;

	if (!given(config->oauth2_redirect_port)) {
		g_free(config->oauth2_redirect_port);
		config->oauth2_redirect_port = g_strdup(OAUTH2_DEFAULT_REDIRECT_PORT);
		return 0;
	}
	port = g_ascii_strtoll(config->oauth2_redirect_port, &end, 10);
	if (end == config->oauth2_redirect_port || *end != '\0' || port < 0 ||
	    port > 65535) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: [oauth2] "
		    "redirect_port = \"%s\": not a port; write a TCP port such as "
		    "8765, or 0 for any free one", config->file,
		    config->oauth2_redirect_port);
		return -1;
	}
	return 0;
}

/* TRUE if the file set any [oauth2] key. */
static gboolean
oauth2_group_given(const struct config *config)
{
	return given(config->oauth2_provider) || given(config->oauth2_tenant) ||
	    given(config->oauth2_token_url) || given(config->oauth2_device_url) ||
	    given(config->oauth2_auth_url) || given(config->oauth2_client_id) ||
	    given(config->oauth2_scope) || config->oauth2_client_secret_file != NULL ||
	    config->oauth2_token_file != NULL || given(config->oauth2_redirect_port);
}

/* Resolve [oauth2] (see config.h). */
int
config_oauth2_resolve(struct config *config, GError **error)
{
	const struct oauth2_preset *preset = preset_find(config->oauth2_provider);
	g_autofree char *data_dir = NULL;

	config->oauth2_used = config->imap_auth == AUTH_OAUTH2 ||
	    config->smtp_auth == AUTH_OAUTH2;
	if (!config->oauth2_used && !oauth2_group_given(config))
		return 0;
	if (given(config->oauth2_provider) && preset == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: [oauth2] "
		    "provider = \"%s\": not a provider dsrmail knows; write "
		    "microsoft or google, or leave it out and give token_url, "
		    "device_url or auth_url, client_id and scope", config->file,
		    config->oauth2_provider);
		return -1;
	}
	if (preset != NULL && (preset_fill(config, &config->oauth2_token_url,
	    preset->token_url, error) < 0 || (!given(config->oauth2_auth_url) &&
	    preset_fill(config, &config->oauth2_device_url, preset->device_url,
	    error) < 0) || (!given(config->oauth2_device_url) &&
	    preset_fill(config, &config->oauth2_auth_url, preset->auth_url,
	    error) < 0) || preset_fill(config, &config->oauth2_scope,
	    preset->scope, error) < 0))
		return -1;
	if (oauth2_check(config, preset, error) < 0 ||
	    oauth2_port_check(config, error) < 0)
		return -1;
	config->oauth2_flow = given(config->oauth2_device_url) ?
	    OAUTH2_FLOW_DEVICE : OAUTH2_FLOW_BROWSER;
	if (config->oauth2_token_file == NULL) {
		data_dir = g_path_get_dirname(config->database_path);
		config->oauth2_token_file = g_build_filename(data_dir,
		    "oauth2-token.json", NULL);
	}
	return 0;
}

/* "Microsoft 365", "Google Workspace", or the token endpoint's host. */
char *
config_oauth2_provider_label(const struct config *config)
{
	const struct oauth2_preset *preset = preset_find(config->oauth2_provider);
	g_autoptr(GUri) uri = NULL;

	if (preset != NULL)
		return g_strdup(preset->label);
	uri = config->oauth2_token_url != NULL ?
	    g_uri_parse(config->oauth2_token_url, G_URI_FLAGS_NONE, NULL) : NULL;
	return g_strdup(uri != NULL && g_uri_get_host(uri) != NULL ?
	    g_uri_get_host(uri) : "the OAuth2 provider");
}
