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

	char *smtp_url;
	enum tls_mode smtp_starttls;
	char *smtp_user;
	char *smtp_password_file;   /* absolute or NULL */
	char *smtp_ca_file;         /* absolute or NULL */
	struct duration smtp_retry_for;

	char **approve;             /* request kinds held for an admin */
	struct duration challenge_ttl;
	gint64 max_message_size;    /* bytes */
	struct rate sender_rate;
	struct duration repeat_window; /* N23: a third access request within it is flagged */
	char *trusted_authserv_id;  /* NULL: no Authentication-Results trusted */
	struct duration retention;
	struct duration evidence_retention;
};

/* Find the config file (see above). explicit_path is -c, or NULL.
 * Returns a newly allocated path, or NULL with DSR_ERROR_CONFIG set when no
 * candidate exists. */
char *config_find(const char *explicit_path, GError **error);

/* Read and check a config file. Returns a new config (config_free), or NULL
 * with DSR_ERROR_CONFIG (or DSR_ERROR_NO_INPUT) set. */
struct config *config_load(const char *path, GError **error);

void config_free(struct config *config);

/* The request kinds dsrmail knows (DESIGN.md contract), NULL-terminated. */
extern const char *const config_request_kinds[];

/* TRUE if kind is one of config_request_kinds. */
gboolean config_is_request_kind(const char *kind);

/* TRUE if address (normalised) is one of [organisation] admins. */
gboolean config_is_admin(const struct config *config, const char *address);

#endif
