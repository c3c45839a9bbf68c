/* config.c: read dsrmail.conf into struct config, table-driven, so every key
 * has one line saying its type, its default and where it goes. */
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "base/address.h"
#include "base/config.h"
#include "paths.h"
#include "base/error.h"

const char *const config_request_kinds[] = {
	"access", "portability", "rectification", "erasure", "restriction",
	"objection", "publication", "disclosure", "anonymisation",
	"processing_objection", "unknown", NULL
};

enum key_type {
	KEY_STRING,     /* free text */
	KEY_ADDRESS,    /* one e-mail address */
	KEY_ADDRESSES,  /* comma-separated e-mail addresses */
	KEY_PATH,       /* a file or directory, relative to the config file */
	KEY_LANGUAGE,   /* fi, en or sv */
	KEY_TLS,        /* no, yes or required */
	KEY_KINDS,      /* comma-separated request kinds */
	KEY_DURATION,   /* 7d, 10y, ... */
	KEY_SIZE,       /* 25M, 100k, 1G, or bytes */
	KEY_RATE,       /* 10/day */
	KEY_URL,        /* scheme://host[:port] */
	KEY_BOOLEAN,    /* yes or no */
	KEY_AUTH,       /* password or oauth2 */
	KEY_ENCRYPT,    /* when-key, always or never */
};

struct key {
	const char *group;
	const char *name;
	enum key_type type;
	const char *fallback;   /* default when absent; NULL: none */
	size_t offset;          /* into struct config */
	const char *hint;       /* how to write it, for error messages */
};

#define AT(field) offsetof(struct config, field)

static const struct key keys[] = {
	{ "organisation", "name", KEY_STRING, NULL, AT(organisation_name), "the organisation's name, e.g. HR Mentor Oy" },
	{ "organisation", "registry_address", KEY_ADDRESS, NULL, AT(registry_address), "the address requests arrive at, e.g. tietosuoja@example.fi" },
	{ "organisation", "admins", KEY_ADDRESSES, "", AT(admins), "comma-separated admin addresses" },
	{ "organisation", "default_language", KEY_LANGUAGE, "fi", AT(default_language), "fi, en or sv" },
	{ "organisation", "fallback_language", KEY_LANGUAGE, "en", AT(fallback_language), "fi, en or sv" },
	{ "paths", "rules", KEY_PATH, DSR_SHARE_DIR "/rules", AT(rules_dir), "the rules directory" },
	{ "paths", "templates", KEY_PATH, DSR_SHARE_DIR "/templates", AT(templates_dir), "the templates directory" },
	{ "database", "path", KEY_PATH, "dsrmail.db", AT(database_path), "the SQLite database file" },
	{ "database", "map", KEY_PATH, NULL, AT(map_path), "the data map, e.g. rules/register.map" },
	{ "imap", "url", KEY_URL, "imap://127.0.0.1:143", AT(imap_url), "imap://host:port or imaps://host:port" },
	{ "imap", "starttls", KEY_TLS, "required", AT(imap_starttls), "no, yes or required" },
	{ "imap", "user", KEY_STRING, "", AT(imap_user), "the IMAP login name" },
	{ "imap", "password_file", KEY_PATH, NULL, AT(imap_password_file), "a file holding the IMAP password" },
	{ "imap", "folder", KEY_STRING, "INBOX", AT(imap_folder), "the folder requests arrive in" },
	{ "imap", "processed_folder", KEY_STRING, "Processed", AT(imap_processed_folder), "the folder handled mail is moved to" },
	{ "imap", "ca_file", KEY_PATH, NULL, AT(imap_ca_file), "a PEM file of CA certificates" },
	{ "imap", "poll_interval", KEY_DURATION, "60s", AT(imap_poll_interval), "a duration such as 60s (poll --watch without IDLE)" },
	{ "smtp", "url", KEY_URL, "smtp://127.0.0.1:25", AT(smtp_url), "smtp://host:port or smtps://host:port" },
	{ "smtp", "starttls", KEY_TLS, "required", AT(smtp_starttls), "no, yes or required" },
	{ "smtp", "user", KEY_STRING, "", AT(smtp_user), "the SMTP AUTH login name, or empty" },
	{ "smtp", "password_file", KEY_PATH, NULL, AT(smtp_password_file), "a file holding the SMTP password" },
	{ "smtp", "ca_file", KEY_PATH, NULL, AT(smtp_ca_file), "a PEM file of CA certificates" },
	{ "smtp", "retry_for", KEY_DURATION, "5d", AT(smtp_retry_for), "a duration such as 5d" },
	/* OAuth2 sign-in (config-oauth2.c fills in the provider's preset) */
	{ "imap", "auth", KEY_AUTH, "password", AT(imap_auth), "password or oauth2" },
	{ "smtp", "auth", KEY_AUTH, "password", AT(smtp_auth), "password or oauth2" },
	{ "oauth2", "provider", KEY_STRING, NULL, AT(oauth2_provider), "microsoft or google" },
	{ "oauth2", "tenant", KEY_STRING, NULL, AT(oauth2_tenant), "your Microsoft 365 tenant, e.g. hrmentor.fi or its directory id" },
	{ "oauth2", "token_url", KEY_URL, NULL, AT(oauth2_token_url), "the token endpoint, https://..." },
	{ "oauth2", "device_url", KEY_URL, NULL, AT(oauth2_device_url), "the device authorization endpoint, https://..." },
	{ "oauth2", "auth_url", KEY_URL, NULL, AT(oauth2_auth_url), "the authorization endpoint, https://..." },
	{ "oauth2", "client_id", KEY_STRING, NULL, AT(oauth2_client_id), "the application (client) id of your app registration" },
	{ "oauth2", "client_secret_file", KEY_PATH, NULL, AT(oauth2_client_secret_file), "a file holding the client secret" },
	{ "oauth2", "scope", KEY_STRING, NULL, AT(oauth2_scope), "space-separated scopes" },
	{ "oauth2", "token_file", KEY_PATH, NULL, AT(oauth2_token_file), "where dsrmail keeps the token, e.g. /var/lib/dsrmail/oauth2-token.json" },
	{ "oauth2", "redirect_port", KEY_STRING, NULL, AT(oauth2_redirect_port), "a TCP port on 127.0.0.1 such as 8765, or 0 for any free one" },
	{ "policy", "approve", KEY_KINDS, "rectification,erasure,restriction,anonymisation", AT(approve), "comma-separated request kinds" },
	{ "policy", "challenge_ttl", KEY_DURATION, "7d", AT(challenge_ttl), "a duration such as 7d" },
	{ "policy", "max_message_size", KEY_SIZE, "25M", AT(max_message_size), "a size such as 25M" },
	{ "policy", "sender_rate", KEY_RATE, "10/day", AT(sender_rate), "count/period, e.g. 10/day" },
	{ "policy", "repeat_window", KEY_DURATION, "90d", AT(repeat_window), "a duration such as 90d" },
	{ "policy", "restrict_while_disputed", KEY_BOOLEAN, "yes", AT(restrict_while_disputed), "yes or no" },
	{ "policy", "trusted_authserv_id", KEY_STRING, "", AT(trusted_authserv_id), "the authserv-id of your receiving MTA, or empty" },
	{ "policy", "retention", KEY_DURATION, "10y", AT(retention), "a duration such as 10y" },
	{ "policy", "evidence_retention", KEY_DURATION, "5y", AT(evidence_retention), "a duration such as 5y" },
	{ "web", "listen", KEY_STRING, "127.0.0.1:8025", AT(web_listen), "host:port, e.g. 127.0.0.1:8025" },
	{ "web", "base_url", KEY_URL, NULL, AT(web_base_url), "the address of the pages in a browser, e.g. https://dsr.example.fi" },
	{ "web", "certificate", KEY_PATH, NULL, AT(web_certificate), "a PEM certificate file (with key)" },
	{ "web", "key", KEY_PATH, NULL, AT(web_key), "a PEM private key file (with certificate)" },
	{ "web", "proxy", KEY_STRING, "", AT(web_proxy), "the reverse proxy's IP address, e.g. 127.0.0.1, or empty" },
	{ "web", "session_idle", KEY_DURATION, "30m", AT(web_session_idle), "a duration such as 30m" },
	{ "web", "signin_rate", KEY_RATE, "5/hour", AT(web_signin_rate), "count/period, e.g. 5/hour" },
	{ "web", "client_rate", KEY_RATE, "30/hour", AT(web_client_rate), "count/period, e.g. 30/hour" },
	{ "policy", "signed_identity", KEY_BOOLEAN, "no", AT(signed_identity), "yes or no" },
	{ "policy", "encrypt_exports", KEY_ENCRYPT, "when-key", AT(encrypt_exports), "when-key, always or never" },
	{ "crypto", "home", KEY_PATH, NULL, AT(crypto_home), "a directory for dsrmail's own GnuPG home, e.g. /var/lib/dsrmail/gnupg" },
	{ "crypto", "openpgp_keyring", KEY_PATH, NULL, AT(openpgp_keyring), "a file of the OpenPGP public keys you accept (gpg --export)" },
	{ "crypto", "smime_trust", KEY_PATH, NULL, AT(smime_trust), "a PEM file of the CA certificates you accept" },
	{ "crypto", "signing_key", KEY_STRING, "", AT(signing_key), "the fingerprint of the organisation's key in [crypto] home, or empty" },
	/* [deliver]: the resident service `dsrmail serve` (src/cmd/serve.c) */
	{ "deliver", "socket", KEY_PATH, NULL, AT(deliver_socket), "the unix socket of dsrmail serve, e.g. /run/dsrmail/deliver.sock" },
	{ "deliver", "timeout", KEY_DURATION, "60s", AT(deliver_timeout), "a duration such as 60s" },
};

/* Find the config file: -c, $DSRMAIL_CONFIG, ./dsrmail.conf, /etc. */
char *
config_find(const char *explicit_path, GError **error)
{
	const char *env = g_getenv("DSRMAIL_CONFIG");

	if (explicit_path != NULL)
		return g_strdup(explicit_path);
	if (env != NULL && *env != '\0')
		return g_strdup(env);
	if (access("dsrmail.conf", F_OK) == 0)
		return g_strdup("dsrmail.conf");
	if (access(DSR_SYSCONF_DIR "/dsrmail.conf", F_OK) == 0)
		return g_strdup(DSR_SYSCONF_DIR "/dsrmail.conf");
	g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG,
	    "no configuration file: tried $DSRMAIL_CONFIG, ./dsrmail.conf and "
	    DSR_SYSCONF_DIR "/dsrmail.conf; give one with -c FILE "
	    "(an example is dsrmail.conf.example)");
	return NULL;
}

/* Fail with a message naming the file, the key and what to write instead. */
static void
key_error(GError **error, const struct config *config, const struct key *key,
    const char *value, const char *problem)
{
	g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG,
	    "%s: [%s] %s = \"%s\": %s; write %s", config->file, key->group,
	    key->name, value, problem, key->hint);
}

/* Split a comma-separated list into trimmed, non-empty items. */
static char **
split_list(const char *value)
{
	g_auto(GStrv) parts = g_strsplit(value, ",", -1);
	GPtrArray *items = g_ptr_array_new();
	size_t i;

	for (i = 0; parts[i] != NULL; i++) {
		char *item = g_strstrip(parts[i]);
		if (*item != '\0')
			g_ptr_array_add(items, g_strdup(item));
	}
	g_ptr_array_add(items, NULL);
	return (char **)g_ptr_array_free(items, FALSE);
}

/* Parse "25M", "100k", "1G" or plain bytes. */
static int
size_parse(const char *value, gint64 *out)
{
	char *end;
	gint64 n = g_ascii_strtoll(value, &end, 10), unit = 1;

	if (end == value || n < 0)
		return -1;
	switch (g_ascii_toupper(*end)) {
	case '\0': break;
	case 'K': unit = 1024; end++; break;
	case 'M': unit = 1024 * 1024; end++; break;
	case 'G': unit = 1024 * 1024 * 1024; end++; break;
	default: return -1;
	}
	if (n > G_MAXINT64 / unit)   /* found by tests/fuzz/config.c */
		return -1;
	n *= unit;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0')
		return -1;
	*out = n;
	return 0;
}

/* Parse "10/day", "3/hour", "50/week". */
static int
rate_parse(const char *value, struct rate *out)
{
	static const struct { const char *name; gint64 seconds; } periods[] = {
		{ "minute", 60 }, { "hour", 3600 }, { "day", 86400 }, { "week", 604800 },
	};
	g_auto(GStrv) parts = g_strsplit(value, "/", 2);
	char *end;
	gint64 count;
	size_t i;

	if (g_strv_length(parts) != 2)
		return -1;
	count = g_ascii_strtoll(g_strstrip(parts[0]), &end, 10);
	if (end == parts[0] || *end != '\0' || count < 1 || count > 1000000)
		return -1;
	for (i = 0; i < G_N_ELEMENTS(periods); i++) {
		if (g_ascii_strcasecmp(g_strstrip(parts[1]), periods[i].name) == 0) {
			out->count = (int)count;
			out->period_seconds = periods[i].seconds;
			return 0;
		}
	}
	return -1;
}

/* Resolve a path against the config file's directory. */
static char *
resolve_path(const struct config *config, const char *value)
{
	if (g_path_is_absolute(value))
		return g_strdup(value);
	return g_build_filename(config->dir, value, NULL);
}

/* Check every item of a list with a predicate; the first bad one or NULL. */
static const char *
first_bad_item(char **items, gboolean (*good)(const char *))
{
	for (; *items != NULL; items++)
		if (!good(*items))
			return *items;
	return NULL;
}

/* The index of value in names (count of them) into *out; -1 if absent. */
static int
choice_parse(const char *value, const char *const *names, size_t count,
    int *out)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (strcmp(value, names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	return -1;
}

/* "no", "yes", "required" -> enum tls_mode; -1 for anything else. */
static int
tls_parse(const char *value, enum tls_mode *out)
{
	static const char *const names[] = { [TLS_NO] = "no", [TLS_YES] = "yes",
	    [TLS_REQUIRED] = "required" };
	int index;

	if (choice_parse(value, names, G_N_ELEMENTS(names), &index) < 0)
		return -1;
	*out = (enum tls_mode)index;
	return 0;
}

/* "no"/"yes" -> gboolean, "password"/"oauth2" -> enum auth_mode,
 * "when-key"/"always"/"never" -> enum encrypt_mode. */
static int
choice_apply(const struct key *key, const char *value, void *field)
{
	static const char *const booleans[] = { "no", "yes" };
	static const char *const auths[] = { [AUTH_PASSWORD] = "password",
	    [AUTH_OAUTH2] = "oauth2" };
	static const char *const modes[] = { [ENCRYPT_WHEN_KEY] = "when-key",
	    [ENCRYPT_ALWAYS] = "always", [ENCRYPT_NEVER] = "never" };
	int index;

	if (key->type == KEY_BOOLEAN) {
		if (choice_parse(value, booleans, G_N_ELEMENTS(booleans), &index) < 0)
			return -1;
		*(gboolean *)field = index == 1;
		return 0;
	}
	if (key->type == KEY_AUTH) {
		if (choice_parse(value, auths, G_N_ELEMENTS(auths), &index) < 0)
			return -1;
		*(enum auth_mode *)field = (enum auth_mode)index;
		return 0;
	}
	if (choice_parse(value, modes, G_N_ELEMENTS(modes), &index) < 0)
		return -1;
	*(enum encrypt_mode *)field = (enum encrypt_mode)index;
	return 0;
}

/* Store a list of addresses or request kinds, each one checked. */
static int
key_apply_list(struct config *config, const struct key *key,
    const char *value, char ***field, GError **error)
{
	char **list = split_list(value);
	const char *bad = first_bad_item(list, key->type == KEY_KINDS ?
	    config_is_request_kind : address_is_plausible);

	if (bad != NULL) {
		g_autofree char *kinds = config_request_kinds_text();
		g_autofree char *what = g_strdup_printf("\"%s\" is not %s%s%s",
		    bad, key->type == KEY_KINDS ? "a request kind (" : "an e-mail "
		    "address", key->type == KEY_KINDS ? kinds : "",
		    key->type == KEY_KINDS ? ")" : "");
		g_strfreev(list);
		key_error(error, config, key, value, what);
		return -1;
	}
	*field = list;
	return 0;
}

/* Store one key's value into the config, converting it by its type. */
static int
key_apply(struct config *config, const struct key *key, const char *value,
    GError **error)
{
	void *field = (char *)config + key->offset;

	switch (key->type) {
	case KEY_STRING:
		*(char **)field = g_strdup(value);
		return 0;
	case KEY_ADDRESS:
		if (!address_is_plausible(value)) {
			key_error(error, config, key, value, "not an e-mail address");
			return -1;
		}
		*(char **)field = g_ascii_strdown(value, -1);
		return 0;
	case KEY_ADDRESSES:
	case KEY_KINDS:
		return key_apply_list(config, key, value, field, error);
	case KEY_PATH:
		*(char **)field = resolve_path(config, value);
		return 0;
	case KEY_LANGUAGE:
		if (strcmp(value, "fi") != 0 && strcmp(value, "en") != 0 &&
		    strcmp(value, "sv") != 0) {
			key_error(error, config, key, value, "not a language dsrmail speaks");
			return -1;
		}
		*(char **)field = g_strdup(value);
		return 0;
	case KEY_TLS:
		if (tls_parse(value, field) < 0) {
			key_error(error, config, key, value, "unknown STARTTLS mode");
			return -1;
		}
		return 0;
	case KEY_DURATION:
		if (duration_parse(value, field) < 0) {
			key_error(error, config, key, value, "not a duration");
			return -1;
		}
		return 0;
	case KEY_SIZE:
		if (size_parse(value, field) < 0) {
			key_error(error, config, key, value, "not a size");
			return -1;
		}
		return 0;
	case KEY_RATE:
		if (rate_parse(value, field) < 0) {
			key_error(error, config, key, value, "not a rate");
			return -1;
		}
		return 0;
	case KEY_URL:
		if (strstr(value, "://") == NULL || strpbrk(value, " \t") != NULL) {
			key_error(error, config, key, value, "not a URL");
			return -1;
		}
		*(char **)field = g_strdup(value);
		return 0;
	case KEY_BOOLEAN:
	case KEY_AUTH:
	case KEY_ENCRYPT:
		if (choice_apply(key, value, field) < 0) {
			key_error(error, config, key, value, "not one of the choices");
			return -1;
		}
		return 0;
	}
	return 0;
}

/* The table entry for group/name, or NULL. */
static const struct key *
key_find(const char *group, const char *name)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(keys); i++)
		if (strcmp(keys[i].group, group) == 0 && strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* Refuse groups and keys the table does not know (a typo must not pass). */
static int
config_check_unknown(struct config *config, GKeyFile *file, GError **error)
{
	g_auto(GStrv) groups = g_key_file_get_groups(file, NULL);
	size_t g, k;

	for (g = 0; groups[g] != NULL; g++) {
		g_auto(GStrv) names = g_key_file_get_keys(file, groups[g], NULL, NULL);
		gboolean group_known = FALSE;

		for (k = 0; k < G_N_ELEMENTS(keys); k++)
			if (strcmp(keys[k].group, groups[g]) == 0)
				group_known = TRUE;
		if (!group_known) {
			g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG,
			    "%s: unknown section [%s]; the sections are [organisation], "
			    "[paths], [database], [imap], [smtp], [oauth2], [policy], [crypto], [web] and [deliver]",
			    config->file, groups[g]);
			return -1;
		}
		for (k = 0; names != NULL && names[k] != NULL; k++) {
			if (key_find(groups[g], names[k]) == NULL) {
				g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG,
				    "%s: unknown key \"%s\" in [%s]; check its spelling "
				    "against dsrmail.conf(5) or the example config",
				    config->file, names[k], groups[g]);
				return -1;
			}
		}
	}
	return 0;
}

/* Apply every key of the table: the file's value or the default. */
static int
config_apply_keys(struct config *config, GKeyFile *file, GError **error)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(keys); i++) {
		/* asked first: a group or key not there costs GLib a translated
		 * error, and most keys are not there */
		g_autofree char *value = g_key_file_has_group(file, keys[i].group) &&
		    g_key_file_has_key(file, keys[i].group, keys[i].name, NULL) ?
		    g_key_file_get_string(file, keys[i].group, keys[i].name, NULL) : NULL;
		const char *use = value;

		if (use != NULL)
			g_strstrip(value);
		if (use == NULL || (*use == '\0' && keys[i].type == KEY_PATH))
			use = keys[i].fallback;
		if (use == NULL)
			continue;
		if (key_apply(config, &keys[i], use, error) < 0)
			return -1;
	}
	return 0;
}

/* What needs [crypto] home: a key or a policy that cannot work without
 * dsrmail's GnuPG home is a mistake, not something to ignore. */
static int
config_check_crypto(struct config *config, GError **error)
{
	const char *needs = NULL;

	if (config->signing_key != NULL && *config->signing_key == '\0')
		g_clear_pointer(&config->signing_key, g_free);
	if (config->crypto_home != NULL)
		return 0;
	if (config->signed_identity)
		needs = "[policy] signed_identity = yes";
	else if (config->encrypt_exports == ENCRYPT_ALWAYS)
		needs = "[policy] encrypt_exports = always";
	else if (config->openpgp_keyring != NULL)
		needs = "[crypto] openpgp_keyring";
	else if (config->smime_trust != NULL)
		needs = "[crypto] smime_trust";
	else if (config->signing_key != NULL)
		needs = "[crypto] signing_key";
	if (needs == NULL)
		return 0;
	g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: %s needs [crypto] "
	    "home, the directory of dsrmail's own GnuPG keys; set it (e.g. home = "
	    "/var/lib/dsrmail/gnupg) or remove %s", config->file, needs, needs);
	return -1;
}

/* Keys without a default that must be there. */
static int
config_check_required(struct config *config, GError **error)
{
	const char *missing = NULL;

	if (config->organisation_name == NULL || *config->organisation_name == '\0')
		missing = "[organisation] name";
	else if (config->registry_address == NULL)
		missing = "[organisation] registry_address";
	if (missing != NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG,
		    "%s: %s is missing; add it (see the example config)",
		    config->file, missing);
		return -1;
	}
	if (config->map_path == NULL)
		config->map_path = g_build_filename(config->rules_dir,
		    "register.map", NULL);
	if (config->trusted_authserv_id != NULL && *config->trusted_authserv_id == '\0')
		g_clear_pointer(&config->trusted_authserv_id, g_free);
	if (config_oauth2_resolve(config, error) < 0)
		return -1;
	return config_check_crypto(config, error);
}

/* Read, check and resolve a config file. */
struct config *
config_load(const char *path, GError **error)
{
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_autoptr(GError) local = NULL;
	struct config *config = g_new0(struct config, 1);
	g_autofree char *absolute = g_canonicalize_filename(path, NULL);

	config->file = g_strdup(path);
	config->dir = g_path_get_dirname(absolute);
	if (!g_key_file_load_from_file(file, path, G_KEY_FILE_NONE, &local)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: %s; %s", path,
		    local->message, g_error_matches(local, G_FILE_ERROR,
		    G_FILE_ERROR_NOENT) ? "give the right file with -c FILE" :
		    "lines are \"key = value\" under [section] headers, comments "
		    "are whole lines starting with #");
		goto fail;
	}
	if (config_check_unknown(config, file, error) < 0 ||
	    config_apply_keys(config, file, error) < 0 ||
	    config_check_required(config, error) < 0)
		goto fail;
	return config;
fail:
	config_free(config);
	return NULL;
}

/* The kinds an admin or the policy may name, "access, portability, ...". */
char *
config_request_kinds_text(void)
{
	GString *text = g_string_new(NULL);
	size_t i;

	for (i = 0; config_request_kinds[i] != NULL; i++)
		if (strcmp(config_request_kinds[i], "unknown") != 0)
			g_string_append_printf(text, "%s%s", text->len ? ", " : "",
			    config_request_kinds[i]);
	return g_string_free(text, FALSE);
}

/* TRUE if kind is a request kind of the contract. */
gboolean
config_is_request_kind(const char *kind)
{
	return g_strv_contains((const char *const *)config_request_kinds, kind);
}

/* Free a config and everything it holds. */
void
config_free(struct config *config)
{
	size_t i;

	if (config == NULL)
		return;
	for (i = 0; i < G_N_ELEMENTS(keys); i++) {
		void *field = (char *)config + keys[i].offset;
		switch (keys[i].type) {
		case KEY_ADDRESSES:
		case KEY_KINDS:
			g_strfreev(*(char ***)field);
			break;
		case KEY_TLS: case KEY_DURATION: case KEY_SIZE: case KEY_RATE:
		case KEY_BOOLEAN: case KEY_AUTH: case KEY_ENCRYPT:
			break;
		default:
			g_free(*(char **)field);
		}
	}
	g_free(config->file);
	g_free(config->dir);
	g_free(config);
}

/* TRUE if address is one of [organisation] admins, both normalised. */
gboolean
config_is_admin(const struct config *config, const char *address)
{
	g_autofree char *given = address != NULL ? address_normalise(address) : NULL;
	char **admin;

	for (admin = config->admins; given != NULL && admin != NULL &&
	    *admin != NULL; admin++) {
		g_autofree char *listed = address_normalise(*admin);
		if (strcmp(listed, given) == 0)
			return TRUE;
	}
	return FALSE;
}
