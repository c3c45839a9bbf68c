/* imap-tls.c: the IMAP server's certificate chain verified with GnuTLS.
 *
 * libetpan built with GnuTLS (as Debian's is) does no certificate checking
 * of its own (mailstream_ssl_set_server_certicate is "not implemented"
 * there), so imap_tls_verify checks the chain the server sent, taken from
 * the stream with mailstream_get_certificate_chain, before any command that
 * carries a credential. */
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "base/error.h"
#include "mail/imap-session.h"

/* libetpan's TLS set-up hook: send the host name (SNI) unless it is an IP. */
void
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
int
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
