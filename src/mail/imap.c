/* imap.c: the IMAP client over libetpan: connect (imap:// with STARTTLS, or
 * imaps://), the peer's certificate chain verified with GnuTLS, LOGIN,
 * SELECT, UID FETCH BODY.PEEK[] in batches, MOVE, IDLE.
 *
 * libetpan built with GnuTLS (as Debian's is) does no certificate checking
 * of its own (mailstream_ssl_set_server_certicate is "not implemented"
 * there), so imap_tls_verify checks the chain the server sent, taken from
 * the stream with mailstream_get_certificate_chain, before any command that
 * carries a credential. */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libetpan/libetpan.h>

#include "base/error.h"
#include "mail/imap.h"
#include "base/log.h"

/* Seconds one network read or write may stall before the server counts as
 * gone (libetpan's default is five minutes). */
#define IMAP_NETWORK_TIMEOUT 60

struct imap {
	mailimap *session;
	const struct config *config;
	char *host;
	guint16 port;
	gboolean implicit_tls;      /* imaps:// */
	char *description;          /* "user at host:port" */
};

/* Does a libetpan result code mean the connection is broken (rather than
 * a command the server refused)? */
static gboolean
imap_broken(int rc)
{
	switch (rc) {
	case MAILIMAP_ERROR_STREAM:
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
	case MAILIMAP_ERROR_FATAL:
	case MAILIMAP_ERROR_PARSE:
	case MAILIMAP_ERROR_SSL:
	case MAILIMAP_ERROR_MEMORY:
		return TRUE;
	default:
		return FALSE;
	}
}

/* Set error for a failed libetpan call: a broken connection is
 * DSR_ERROR_UNAVAILABLE, a refusal the server answered gets refused_code. */
static int
imap_fail(struct imap *imap, int rc, int refused_code, const char *doing,
    GError **error)
{
	const char *said = imap->session != NULL ? imap->session->imap_response : NULL;

	if (imap_broken(rc)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_UNAVAILABLE, "IMAP server "
		    "%s:%u: the connection broke while %s (libetpan error %d); "
		    "nothing was lost, try again later", imap->host, imap->port,
		    doing, rc);
	} else
		g_set_error(error, DSR_ERROR, refused_code, "IMAP server %s:%u "
		    "refused %s: %s", imap->host, imap->port, doing,
		    said != NULL && *said != '\0' ? said : "no reason given");
	return -1;
}

/* Read host, port and TLS style from [imap] url. */
static int
imap_url_parse(struct imap *imap, const char *url, GError **error)
{
	g_autoptr(GUri) uri = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);
	const char *scheme = uri != NULL ? g_uri_get_scheme(uri) : NULL;
	const char *path = uri != NULL ? g_uri_get_path(uri) : NULL;
	int port;

	if (uri == NULL || g_uri_get_host(uri) == NULL ||
	    *g_uri_get_host(uri) == '\0' || (g_ascii_strcasecmp(scheme, "imap") != 0 &&
	    g_ascii_strcasecmp(scheme, "imaps") != 0) ||
	    (path != NULL && *path != '\0' && strcmp(path, "/") != 0)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[imap] url \"%s\" "
		    "is not imap://host[:port] or imaps://host[:port] (the folder "
		    "is set by [imap] folder)", url);
		return -1;
	}
	imap->implicit_tls = g_ascii_strcasecmp(scheme, "imaps") == 0;
	port = g_uri_get_port(uri);
	imap->port = (guint16)(port > 0 ? port : imap->implicit_tls ? 993 : 143);
	imap->host = g_strdup(g_uri_get_host(uri));
	return 0;
}

/* The password from [imap] password_file, its final line end removed.
 * The caller wipes and frees it. */
static char *
imap_password_read(const struct config *config, GError **error)
{
	g_autoptr(GError) local = NULL;
	char *text = NULL;
	gsize length = 0;

	if (config->imap_password_file == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[imap] password_file "
		    "is not set; put the IMAP password in a file only dsrmail's "
		    "user can read and name it there");
		return NULL;
	}
	if (!g_file_get_contents(config->imap_password_file, &text, &length, &local)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "cannot read [imap] "
		    "password_file: %s", local->message);
		return NULL;
	}
	if (length > 0 && text[length - 1] == '\n')
		text[--length] = '\0';
	if (length > 0 && text[length - 1] == '\r')
		text[--length] = '\0';
	return text;
}

/* libetpan's TLS set-up hook: send the host name (SNI) unless it is an IP. */
static void
imap_tls_setup(struct mailstream_ssl_context *context, void *data)
{
	struct imap *imap = data;

	if (!g_hostname_is_ip_address(imap->host))
		mailstream_ssl_set_server_name(context, imap->host);
}

/* Load the CAs to trust: [imap] ca_file, else the system's. */
static int
imap_tls_trust(struct imap *imap, gnutls_x509_trust_list_t trust, GError **error)
{
	const char *ca_file = imap->config->imap_ca_file;
	int rc;

	if (ca_file != NULL)
		rc = gnutls_x509_trust_list_add_trust_file(trust, ca_file, NULL,
		    GNUTLS_X509_FMT_PEM, 0, 0);
	else
		rc = gnutls_x509_trust_list_add_system_trust(trust, 0, 0);
	if (rc > 0)
		return 0;
	if (ca_file != NULL)
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[imap] ca_file %s "
		    "holds no PEM certificate (%s); give the CA that signed the "
		    "IMAP server's certificate", ca_file, rc < 0 ?
		    gnutls_strerror(rc) : "none found");
	else
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "no system CA "
		    "certificates found (install ca-certificates) and [imap] "
		    "ca_file is not set");
	return -1;
}

/* Free what imap_tls_chain returned (NULL-terminated); NULL is fine. */
static void
imap_tls_chain_free(gnutls_x509_crt_t *certificates)
{
	unsigned i;

	for (i = 0; certificates != NULL && certificates[i] != NULL; i++)
		gnutls_x509_crt_deinit(certificates[i]);
	g_free(certificates);
}

/* The server's certificate chain as GnuTLS certificates, server first, *count
 * of them: a new array for imap_tls_chain_free, or NULL with error. */
static gnutls_x509_crt_t *
imap_tls_chain(struct imap *imap, unsigned *count, GError **error)
{
	carray *chain = mailstream_get_certificate_chain(imap->session->imap_stream);
	unsigned i, n = chain != NULL ? carray_count(chain) : 0;
	gnutls_x509_crt_t *certificates = g_new0(gnutls_x509_crt_t, n + 1);

	for (i = 0; i < n; i++)
		if (gnutls_x509_crt_init(&certificates[i]) < 0)
			dsr_fatal("out of memory");
	for (i = 0; i < n; i++) {
		MMAPString *der = carray_get(chain, i);
		gnutls_datum_t datum = { (unsigned char *)der->str, (unsigned)der->len };

		if (gnutls_x509_crt_import(certificates[i], &datum, GNUTLS_X509_FMT_DER) < 0)
			break;
	}
	if (chain != NULL)
		mailstream_certificate_chain_free(chain);
	if (n > 0 && i == n) {
		*count = n;
		return certificates;
	}
	g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "IMAP server %s:%u sent %s",
	    imap->host, imap->port, n == 0 ? "no certificate" :
	    "a certificate GnuTLS cannot read");
	imap_tls_chain_free(certificates);
	return NULL;
}

/* Check the certificate chain the server sent: signed by a trusted CA,
 * valid now, for imap->host, for TLS servers. */
static int
imap_tls_verify(struct imap *imap, GError **error)
{
	gnutls_x509_trust_list_t trust = NULL;
	gnutls_x509_crt_t *certificates = NULL;
	gnutls_datum_t said = { NULL, 0 };
	gnutls_typed_vdata_st checks[2] = {
		{ GNUTLS_DT_DNS_HOSTNAME, (unsigned char *)imap->host, 0 },
		{ GNUTLS_DT_KEY_PURPOSE_OID, (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER, 0 },
	};
	unsigned count = 0, status = 0;
	int result = -1, rc;

	if ((certificates = imap_tls_chain(imap, &count, error)) == NULL)
		goto out;
	if (gnutls_x509_trust_list_init(&trust, 0) < 0)
		dsr_fatal("out of memory");
	if (imap_tls_trust(imap, trust, error) < 0)
		goto out;
	rc = gnutls_x509_trust_list_verify_crt2(trust, certificates, count, checks,
	    G_N_ELEMENTS(checks), 0, &status, NULL);
	if (rc < 0 || status != 0) {
		if (rc >= 0)
			gnutls_certificate_verification_status_print(status,
			    GNUTLS_CRT_X509, &said, 0);
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "the certificate of "
		    "IMAP server %s:%u is not trusted (%s); nothing was sent to it. "
		    "Check the host name in [imap] url, or give the CA that signed "
		    "it in [imap] ca_file", imap->host, imap->port, rc < 0 ?
		    gnutls_strerror(rc) : g_strstrip((char *)said.data));
		goto out;
	}
	result = 0;
out:
	gnutls_free(said.data);
	if (trust != NULL)
		gnutls_x509_trust_list_deinit(trust, 1);
	imap_tls_chain_free(certificates);
	return result;
}

/* Ask for CAPABILITY again (after STARTTLS and LOGIN they may change). */
static int
imap_capability_refresh(struct imap *imap, GError **error)
{
	struct mailimap_capability_data *data = NULL;
	int rc = mailimap_capability(imap->session, &data);

	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(imap, rc, DSR_ERROR_UNAVAILABLE, "CAPABILITY", error);
	mailimap_capability_data_free(data);
	return 0;
}

/* STARTTLS as [imap] starttls says; refuses, before any credential is
 * sent, when it is required and the server does not offer it. */
static int
imap_starttls(struct imap *imap, GError **error)
{
	enum tls_mode mode = imap->config->imap_starttls;
	int rc;

	if (mode == TLS_NO)
		return 0;
	if (imap_capability_refresh(imap, error) < 0)
		return -1;
	if (!mailimap_has_extension(imap->session, "STARTTLS")) {
		if (mode == TLS_REQUIRED) {
			g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "IMAP server "
			    "%s:%u offers no STARTTLS and [imap] starttls = required: "
			    "refusing to send the login in clear. Use imaps://, enable "
			    "TLS on the server, or set starttls = no only on a trusted "
			    "network", imap->host, imap->port);
			return -1;
		}
		log_warn("imap: %s:%u offers no STARTTLS; logging in without TLS "
		    "([imap] starttls = yes)", imap->host, imap->port);
		return 0;
	}
	rc = mailimap_socket_starttls_with_callback(imap->session, imap_tls_setup, imap);
	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(imap, rc, DSR_ERROR_UNAVAILABLE, "STARTTLS", error);
	if (imap_tls_verify(imap, error) < 0)
		return -1;
	/* RFC 3501 6.2.1: forget what was said before TLS, ask again. */
	return imap_capability_refresh(imap, error);
}

/* Open the connection and secure it; no credential has been sent yet. */
static int
imap_open(struct imap *imap, GError **error)
{
	int rc;

	if (imap->implicit_tls)
		rc = mailimap_ssl_connect_with_callback(imap->session, imap->host,
		    imap->port, imap_tls_setup, imap);
	else
		rc = mailimap_socket_connect(imap->session, imap->host, imap->port);
	if (rc != MAILIMAP_NO_ERROR_NON_AUTHENTICATED &&
	    rc != MAILIMAP_NO_ERROR_AUTHENTICATED) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_UNAVAILABLE, "cannot reach "
		    "the IMAP server %s:%u (%s); check [imap] url and that the "
		    "server is running", imap->host, imap->port,
		    rc == MAILIMAP_ERROR_SSL ? "TLS handshake failed" :
		    rc == MAILIMAP_ERROR_CONNECTION_REFUSED ? "connection refused" :
		    rc == MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION ? "it turned us away" :
		    "no IMAP greeting");
		return -1;
	}
	if (imap->implicit_tls)
		return imap_tls_verify(imap, error) < 0 ? -1 : imap_capability_refresh(imap, error);
	return imap_starttls(imap, error);
}

/* LOGIN with the password; a refusal names user and server, never the
 * password. */
static int
imap_login(struct imap *imap, const char *password, GError **error)
{
	int rc;

	if (mailimap_has_extension(imap->session, "LOGINDISABLED")) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "IMAP server %s:%u "
		    "does not allow LOGIN on this connection (LOGINDISABLED); use "
		    "imaps:// or [imap] starttls = required", imap->host, imap->port);
		return -1;
	}
	rc = mailimap_login(imap->session, imap->config->imap_user, password);
	if (rc == MAILIMAP_ERROR_LOGIN) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "IMAP server %s:%u "
		    "refused the login of user %s (%s); check [imap] user and the "
		    "password in [imap] password_file", imap->host, imap->port,
		    imap->config->imap_user, imap->session->imap_response != NULL ?
		    imap->session->imap_response : "no reason given");
		return -1;
	}
	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(imap, rc, DSR_ERROR_CONFIG, "the login", error);
	return imap_capability_refresh(imap, error);
}

/* Connect, secure, log in. */
struct imap *
imap_connect(const struct config *config, GError **error)
{
	struct imap *imap = g_new0(struct imap, 1);
	char *password = NULL;

	imap->config = config;
	if (imap_url_parse(imap, config->imap_url, error) < 0)
		goto fail;
	if (config->imap_user == NULL || *config->imap_user == '\0') {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[imap] user is not "
		    "set; give the IMAP login name");
		goto fail;
	}
	imap->description = g_strdup_printf("%s at %s:%u", config->imap_user,
	    imap->host, imap->port);
	if ((password = imap_password_read(config, error)) == NULL)
		goto fail;
	imap->session = mailimap_new(0, NULL);
	if (imap->session == NULL)
		dsr_fatal("out of memory");
	mailimap_set_timeout(imap->session, IMAP_NETWORK_TIMEOUT);
	if (imap_open(imap, error) < 0 || imap_login(imap, password, error) < 0)
		goto fail;
	explicit_bzero(password, strlen(password));
	g_free(password);
	log_debug("imap: logged in as %s", imap->description);
	return imap;
fail:
	if (password != NULL)
		explicit_bzero(password, strlen(password));
	g_free(password);
	imap_close(imap);
	return NULL;
}

/* Log out and free. */
void
imap_close(struct imap *imap)
{
	if (imap == NULL)
		return;
	if (imap->session != NULL) {
		if (imap->session->imap_stream != NULL)
			mailimap_logout(imap->session);
		mailimap_free(imap->session);
	}
	g_free(imap->host);
	g_free(imap->description);
	g_free(imap);
}

/* Does the server offer IDLE? */
gboolean
imap_can_idle(const struct imap *imap)
{
	return mailimap_has_idle(imap->session) != 0;
}

/* LIST the folder; CREATE it when the list is empty. */
int
imap_folder_ensure(struct imap *imap, const char *folder, GError **error)
{
	clist *found = NULL;
	gboolean exists;
	int rc = mailimap_list(imap->session, "", folder, &found);

	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(imap, rc, DSR_ERROR_CONFIG, "LIST", error);
	exists = clist_count(found) > 0;
	mailimap_list_result_free(found);
	if (exists)
		return 0;
	rc = mailimap_create(imap->session, folder);
	if (rc != MAILIMAP_NO_ERROR) {
		dsr_error_prefix(error, "creating [imap] processed_folder: ");
		return imap_fail(imap, rc, DSR_ERROR_CONFIG, "CREATE", error);
	}
	log_info("imap: created folder %s", folder);
	return 0;
}

/* SELECT the folder and report its UIDVALIDITY. */
int
imap_select(struct imap *imap, const char *folder, guint32 *uidvalidity,
    GError **error)
{
	int rc = mailimap_select(imap->session, folder);

	if (rc != MAILIMAP_NO_ERROR) {
		imap_fail(imap, rc, DSR_ERROR_CONFIG, "SELECT", error);
		if (rc == MAILIMAP_ERROR_SELECT)
			g_prefix_error(error, "[imap] folder %s: ", folder);
		return -1;
	}
	*uidvalidity = imap->session->imap_selection_info->sel_uidvalidity;
	if (*uidvalidity == 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "IMAP server %s:%u "
		    "gives folder %s no UIDVALIDITY; dsrmail needs UIDs that last",
		    imap->host, imap->port, folder);
		return -1;
	}
	return 0;
}

/* Read UID, RFC822.SIZE, \Deleted and the body from one FETCH response. */
static void
imap_message_read(struct mailimap_msg_att *message, guint32 *uid, guint32 *size,
    gboolean *deleted, const char **body, size_t *length)
{
	clistiter *item_at, *flag_at;

	for (item_at = clist_begin(message->att_list); item_at != NULL;
	    item_at = clist_next(item_at)) {
		struct mailimap_msg_att_item *item = clist_content(item_at);

		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC &&
		    item->att_data.att_dyn->att_list != NULL) {
			for (flag_at = clist_begin(item->att_data.att_dyn->att_list);
			    flag_at != NULL; flag_at = clist_next(flag_at)) {
				struct mailimap_flag_fetch *flag = clist_content(flag_at);

				if (flag->fl_type == MAILIMAP_FLAG_FETCH_OTHER &&
				    flag->fl_flag != NULL &&
				    flag->fl_flag->fl_type == MAILIMAP_FLAG_DELETED)
					*deleted = TRUE;
			}
		} else if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC) {
			struct mailimap_msg_att_static *value = item->att_data.att_static;

			if (value->att_type == MAILIMAP_MSG_ATT_UID)
				*uid = value->att_data.att_uid;
			else if (value->att_type == MAILIMAP_MSG_ATT_RFC822_SIZE)
				*size = value->att_data.att_rfc822_size;
			else if (value->att_type == MAILIMAP_MSG_ATT_BODY_SECTION &&
			    value->att_data.att_body_section != NULL) {
				*body = value->att_data.att_body_section->sec_body_part;
				*length = value->att_data.att_body_section->sec_length;
			}
		}
	}
}

/* Order mails by UID. */
static gint
imap_mail_compare(gconstpointer a, gconstpointer b)
{
	const struct imap_mail *x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/* Order UIDs. */
static gint
imap_uid_compare(gconstpointer a, gconstpointer b)
{
	guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;

	return x < y ? -1 : x > y;
}

/* List the folder: UID FETCH 1:* (UID RFC822.SIZE FLAGS), one command. */
GArray *
imap_list(struct imap *imap, GError **error)
{
	GArray *mails = g_array_new(FALSE, TRUE, sizeof(struct imap_mail));
	struct mailimap_fetch_type *what;
	struct mailimap_set *set;
	clist *result = NULL;
	clistiter *at;
	int rc;

	if (imap->session->imap_selection_info->sel_exists == 0)
		return mails;
	what = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(what, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(what, mailimap_fetch_att_new_rfc822_size());
	mailimap_fetch_type_new_fetch_att_list_add(what, mailimap_fetch_att_new_flags());
	set = mailimap_set_new_interval(1, 0);   /* 1:* */
	rc = mailimap_uid_fetch(imap->session, set, what, &result);
	mailimap_set_free(set);
	mailimap_fetch_type_free(what);
	if (rc != MAILIMAP_NO_ERROR) {
		g_array_unref(mails);
		imap_fail(imap, rc, DSR_ERROR_UNAVAILABLE, "UID FETCH (listing)", error);
		return NULL;
	}
	for (at = clist_begin(result); at != NULL; at = clist_next(at)) {
		struct imap_mail mail = { 0, 0, NULL };
		gboolean deleted = FALSE;
		const char *body = NULL;
		size_t length = 0;

		imap_message_read(clist_content(at), &mail.uid, &mail.size, &deleted,
		    &body, &length);
		if (mail.uid != 0 && !deleted)
			g_array_append_val(mails, mail);
	}
	mailimap_fetch_list_free(result);
	g_array_sort(mails, imap_mail_compare);
	return mails;
}

/* A UID set of the given UIDs, consecutive ones joined into ranges. */
static struct mailimap_set *
imap_set_of(const guint32 *uids, guint count)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	guint i = 0, j;

	while (i < count) {
		for (j = i; j + 1 < count && uids[j + 1] == uids[j] + 1; j++)
			;
		mailimap_set_add_interval(set, uids[i], uids[j]);
		i = j + 1;
	}
	return set;
}

/* Find the mail with uid in the sorted slice, or NULL. */
static struct imap_mail *
imap_mail_find(GArray *mails, guint first, guint count, guint32 uid)
{
	guint low = first, high = first + count;

	while (low < high) {
		guint middle = low + (high - low) / 2;
		struct imap_mail *mail = &g_array_index(mails, struct imap_mail, middle);

		if (mail->uid == uid)
			return mail;
		if (mail->uid < uid)
			low = middle + 1;
		else
			high = middle;
	}
	return NULL;
}

/* Fetch a slice of the list with one UID FETCH (UID BODY.PEEK[]). */
int
imap_fetch(struct imap *imap, GArray *mails, guint first, guint count,
    guint32 limit, GError **error)
{
	g_autofree guint32 *uids = g_new(guint32, count ? count : 1);
	struct mailimap_fetch_type *what;
	struct mailimap_set *set;
	clist *result = NULL;
	clistiter *at;
	guint i;
	int rc;

	for (i = 0; i < count; i++)
		uids[i] = g_array_index(mails, struct imap_mail, first + i).uid;
	what = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(what, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(what, limit > 0 ?
	    mailimap_fetch_att_new_body_peek_section_partial(mailimap_section_new(NULL),
	    0, limit) : mailimap_fetch_att_new_body_peek_section(mailimap_section_new(NULL)));
	set = imap_set_of(uids, count);
	rc = mailimap_uid_fetch(imap->session, set, what, &result);
	mailimap_set_free(set);
	mailimap_fetch_type_free(what);
	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(imap, rc, DSR_ERROR_UNAVAILABLE, "UID FETCH", error);
	for (at = clist_begin(result); at != NULL; at = clist_next(at)) {
		guint32 uid = 0, size = 0;
		gboolean deleted = FALSE;
		const char *body = NULL;
		size_t length = 0;
		struct imap_mail *mail;

		imap_message_read(clist_content(at), &uid, &size, &deleted, &body, &length);
		mail = imap_mail_find(mails, first, count, uid);
		if (mail != NULL && body != NULL && mail->raw == NULL)
			mail->raw = g_bytes_new(body, length);
	}
	mailimap_fetch_list_free(result);
	return 0;
}

/* COPY, flag \Deleted, and with UIDPLUS expunge just those UIDs; the
 * libetpan result code, error set unless MAILIMAP_NO_ERROR. */
static int
imap_move_by_copy(struct imap *imap, struct mailimap_set *set,
    const char *folder, GError **error)
{
	struct mailimap_flag_list *flags;
	struct mailimap_store_att_flags *store;
	const char *doing = "UID COPY";
	int rc = mailimap_uid_copy(imap->session, set, folder);

	if (rc != MAILIMAP_NO_ERROR)
		goto out;
	flags = mailimap_flag_list_new_empty();
	mailimap_flag_list_add(flags, mailimap_flag_new_deleted());
	store = mailimap_store_att_flags_new_add_flags_silent(flags);
	rc = mailimap_uid_store(imap->session, set, store);
	mailimap_store_att_flags_free(store);
	doing = "UID STORE";
	/* Without UIDPLUS the mails stay flagged \Deleted: imap_list skips
	 * them from now on (a plain EXPUNGE could remove others' mail). */
	if (rc != MAILIMAP_NO_ERROR || !mailimap_has_uidplus(imap->session))
		goto out;
	rc = mailimap_uid_expunge(imap->session, set);
	doing = "UID EXPUNGE";
out:
	if (rc != MAILIMAP_NO_ERROR)
		imap_fail(imap, rc, DSR_ERROR_UNAVAILABLE, doing, error);
	return rc;
}

/* Which of uids are still in the selected folder (UID FETCH (UID)): a new
 * array, or NULL with error. */
static GArray *
imap_present(struct imap *imap, GArray *uids, GError **error)
{
	GArray *present = g_array_new(FALSE, FALSE, sizeof(guint32));
	struct mailimap_fetch_type *what = mailimap_fetch_type_new_fetch_att_list_empty();
	struct mailimap_set *set = imap_set_of((const guint32 *)(void *)uids->data,
	    uids->len);
	clist *result = NULL;
	clistiter *at;
	int rc;

	mailimap_fetch_type_new_fetch_att_list_add(what, mailimap_fetch_att_new_uid());
	rc = mailimap_uid_fetch(imap->session, set, what, &result);
	mailimap_set_free(set);
	mailimap_fetch_type_free(what);
	if (rc != MAILIMAP_NO_ERROR) {
		g_array_unref(present);
		imap_fail(imap, rc, DSR_ERROR_UNAVAILABLE, "UID FETCH (UID)", error);
		return NULL;
	}
	for (at = clist_begin(result); at != NULL; at = clist_next(at)) {
		guint32 uid = 0, size = 0;
		gboolean deleted = FALSE;
		const char *body = NULL;
		size_t length = 0;

		imap_message_read(clist_content(at), &uid, &size, &deleted, &body, &length);
		if (uid != 0)
			g_array_append_val(present, uid);
	}
	mailimap_fetch_list_free(result);
	g_array_sort(present, imap_uid_compare);
	return present;
}

/* One attempt: MOVE, else COPY + \Deleted (+ UID EXPUNGE); the libetpan
 * result code. */
static int
imap_move_once(struct imap *imap, GArray *uids, const char *folder,
    GError **error)
{
	struct mailimap_set *set = imap_set_of((const guint32 *)(void *)uids->data,
	    uids->len);
	int rc;

	if (mailimap_has_extension(imap->session, "MOVE")) {
		rc = mailimap_uid_move(imap->session, set, folder);
		if (rc != MAILIMAP_NO_ERROR)
			imap_fail(imap, rc, DSR_ERROR_UNAVAILABLE, "UID MOVE", error);
	} else
		rc = imap_move_by_copy(imap, set, folder, error);
	mailimap_set_free(set);
	return rc;
}

/* Move mails to folder. A refusal because some are gone (another poller
 * moved them: Dovecot answers NO "no longer exist") is retried once with
 * those still there. */
int
imap_move(struct imap *imap, GArray *uids, const char *folder, GError **error)
{
	g_autoptr(GError) refused = NULL;
	g_autoptr(GArray) present = NULL;
	int rc;

	if (uids->len == 0)
		return 0;
	rc = imap_move_once(imap, uids, folder, &refused);
	if (rc == MAILIMAP_NO_ERROR)
		return 0;
	if (imap_broken(rc) || (present = imap_present(imap, uids, NULL)) == NULL ||
	    present->len == uids->len) {
		g_propagate_error(error, g_steal_pointer(&refused));
		return -1;
	}
	log_debug("imap: %u of %u mails to move are gone; moving the other %u",
	    uids->len - present->len, uids->len, present->len);
	if (present->len == 0)
		return 0;
	return imap_move_once(imap, present, folder, error) == MAILIMAP_NO_ERROR ? 0 : -1;
}

/* Wait on the connection's socket, letting the blocked signals in. */
static int
imap_wait_readable(struct imap *imap, int timeout_seconds,
    const sigset_t *unblocked)
{
	struct pollfd watch = { mailimap_idle_get_fd(imap->session), POLLIN, 0 };
	struct timespec timeout = { timeout_seconds, 0 };
	int rc;

	/* Data libetpan has already read (a notice that came with "+ idling")
	 * never shows on the socket. */
	if (imap->session->imap_stream->read_buffer_len > 0)
		return IMAP_WAKE_ACTIVITY;
	rc = ppoll(&watch, 1, &timeout, unblocked);
	if (rc < 0 && errno == EINTR)
		return IMAP_WAKE_SIGNAL;
	return rc > 0 ? IMAP_WAKE_ACTIVITY : IMAP_WAKE_TIMEOUT;
}

/* IDLE until activity, timeout or a signal, then DONE. */
int
imap_idle_wait(struct imap *imap, int timeout_seconds,
    const sigset_t *unblocked, GError **error)
{
	int rc = mailimap_idle(imap->session), wake;

	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(imap, rc, DSR_ERROR_UNAVAILABLE, "IDLE", error);
	wake = imap_wait_readable(imap, timeout_seconds, unblocked);
	rc = mailimap_idle_done(imap->session);
	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(imap, rc, DSR_ERROR_UNAVAILABLE, "IDLE (DONE)", error);
	return wake;
}

/* Free a listing and the mails fetched into it. */
void
imap_mails_free(GArray *mails)
{
	guint i;

	if (mails == NULL)
		return;
	for (i = 0; i < mails->len; i++) {
		struct imap_mail *mail = &g_array_index(mails, struct imap_mail, i);

		if (mail->raw != NULL)
			g_bytes_unref(mail->raw);
	}
	g_array_unref(mails);
}
