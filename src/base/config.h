/* config.h: dsrmail.conf, read with GKeyFile.
 *
 * Found by -c, else $DSRMAIL_CONFIG, else ./dsrmail.conf, else
 * /etc/dsrmail/dsrmail.conf. Relative paths are resolved against the
 * directory of the config file. Unknown groups or keys and malformed values
 * are errors (DSR_ERROR_CONFIG) naming the file, the key and the fix. */
#ifndef DSR_CONFIG_H
#define DSR_CONFIG_H

#include <glib.h>

#include "base/clock.h"

enum tls_mode { TLS_NO, TLS_YES, TLS_REQUIRED };

/* [imap] auth, [smtp] auth: a password file, or an OAuth2 token ([oauth2]). */
enum auth_mode { AUTH_PASSWORD, AUTH_OAUTH2 };

/* How `dsrmail oauth2 login` gets the user's consent. */
enum oauth2_flow {
	OAUTH2_FLOW_DEVICE,       /* device authorization grant (RFC 8628) */
	OAUTH2_FLOW_BROWSER,      /* authorization code + PKCE, loopback redirect
	                             (RFC 6749 4.1, RFC 7636, RFC 8252) */
};

/* [policy] encrypt_exports: when an access or portability reply is encrypted. */
enum encrypt_mode {
	ENCRYPT_WHEN_KEY,           /* when the subject's key is known */
	ENCRYPT_ALWAYS,             /* never unencrypted: no key, no data */
	ENCRYPT_NEVER,
};

/* "10/day": at most count mails per period. */
struct rate {
	int count;
	gint64 period_seconds;
};

struct config {
	char *file;                 /* the file read, absolute */
	char *dir;                  /* its directory */

	char *organisation_name;
	char *registry_address;
	char **admins;              /* NULL-terminated, maybe empty */
	char *default_language;     /* fi, en or sv */
	char *fallback_language;    /* replies to a mail in a language dsrmail
	                               has no templates for (fi, en or sv) */

	char *rules_dir;            /* absolute */
	char *templates_dir;        /* absolute */

	char *database_path;        /* absolute */
	char *map_path;             /* absolute */

	char *imap_url;
	enum tls_mode imap_starttls;
	char *imap_user;
	char *imap_password_file;   /* absolute or NULL */
	char *imap_folder;
	char *imap_processed_folder;
	char *imap_ca_file;         /* absolute or NULL: the system's CAs */
	struct duration imap_poll_interval; /* poll --watch when the server has no IDLE */
	enum auth_mode imap_auth;

	char *smtp_url;
	enum tls_mode smtp_starttls;
	char *smtp_user;
	char *smtp_password_file;   /* absolute or NULL */
	char *smtp_ca_file;         /* absolute or NULL */
	struct duration smtp_retry_for;
	enum auth_mode smtp_auth;

	/* [oauth2], resolved by config_oauth2_resolve (config-oauth2.c): a
	 * provider's preset filled in under the keys the file gives. All NULL
	 * unless [imap] or [smtp] auth = oauth2 or the file has [oauth2]. */
	char *oauth2_provider;      /* microsoft, google, or NULL: no preset */
	char *oauth2_tenant;
	char *oauth2_token_url;
	char *oauth2_device_url;    /* set: the device flow */
	char *oauth2_auth_url;      /* else: the browser flow */
	char *oauth2_client_id;
	char *oauth2_client_secret_file; /* absolute or NULL: a public client */
	char *oauth2_scope;
	char *oauth2_token_file;    /* absolute */
	char *oauth2_redirect_port; /* the browser flow's loopback port (text) */
	enum oauth2_flow oauth2_flow;
	gboolean oauth2_used;       /* [imap] or [smtp] auth = oauth2 */

	char **approve;             /* request kinds held for an admin */
	struct duration challenge_ttl;
	gint64 max_message_size;    /* bytes */
	struct rate sender_rate;
	struct duration repeat_window; /* N23: a third request of a kind within it is flagged */
	gboolean restrict_while_disputed; /* N14: a pending rectification or
	                             objection restricts its subject */
	char *trusted_authserv_id;  /* NULL: no Authentication-Results trusted */
	struct duration retention;
	struct duration evidence_retention;
	gboolean signed_identity;   /* a valid signature stands in for the mailed code */
	enum encrypt_mode encrypt_exports;

	/* [web]: the admin pages (dsrmail web) */
	char *web_listen;           /* host:port */
	char *web_base_url;         /* the pages' address in a browser, or NULL: http://listen */
	char *web_certificate;      /* absolute or NULL: no TLS of its own */
	char *web_key;              /* absolute or NULL */
	char *web_proxy;            /* the reverse proxy's address, or "": none */
	struct duration web_session_idle; /* signed out after this without a request */
	struct rate web_signin_rate;  /* sign-in links per admin address */
	struct rate web_client_rate;  /* sign-in requests per client */

	/* [crypto]: off (all NULL) unless home is set */
	char *crypto_home;          /* dsrmail's own GnuPG home, absolute, or NULL */
	char *openpgp_keyring;      /* the OpenPGP keys the organisation accepts, or NULL */
	char *smime_trust;          /* the CA certificates it accepts (PEM), or NULL */
	char *signing_key;          /* the organisation's key for its replies, or NULL */

	/* [deliver]: `dsrmail serve`, the resident service deliver hands mail to */
	char *deliver_socket;       /* absolute or NULL: deliver always in process */
	struct duration deliver_timeout; /* how long deliver waits for the service */
};

/* Find the config file (see above). explicit_path is -c, or NULL.
 * Returns a newly allocated path, or NULL with DSR_ERROR_CONFIG set when no
 * candidate exists. */
char *config_find(const char *explicit_path, GError **error);

/* Read and check a config file. Returns a new config (config_free), or NULL
 * with DSR_ERROR_CONFIG (or DSR_ERROR_NO_INPUT) set. */
struct config *config_load(const char *path, GError **error);

void config_free(struct config *config);

/* Fill [oauth2] from its provider's preset and check that nothing the flow
 * needs is missing (config_load calls it). 0, or -1 with DSR_ERROR_CONFIG
 * naming the key to add. */
int config_oauth2_resolve(struct config *config, GError **error);

/* The provider's name for people: "Microsoft 365", "Google Workspace", or
 * the token endpoint's host. A new string the caller frees. */
char *config_oauth2_provider_label(const struct config *config);

/* The request kinds dsrmail knows (DESIGN.md contract), NULL-terminated. */
extern const char *const config_request_kinds[];

/* The kinds but unknown, comma-separated, for messages; the caller frees it. */
char *config_request_kinds_text(void);

/* TRUE if kind is one of config_request_kinds. */
gboolean config_is_request_kind(const char *kind);

/* TRUE if address is one of [organisation] admins (both normalised). */
gboolean config_is_admin(const struct config *config, const char *address);

#endif
