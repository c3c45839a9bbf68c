/* crypto-session.h: what crypto.c and crypto-mime.c share: the open home
 * and GpgME helpers. Not for use outside src/mail/crypto*.c: the rest of
 * dsrmail goes through crypto.h. */
#ifndef DSR_CRYPTO_SESSION_H
#define DSR_CRYPTO_SESSION_H

#include <glib.h>
#include <gpgme.h>

struct crypto_key;

/* dsrmail's GnuPG home, open. */
struct crypto {
	char *home;               /* [crypto] home, absolute */
	char *signing_key;        /* [crypto] signing_key as written, or NULL */
	char *openpgp_keyring;    /* [crypto] openpgp_keyring, or NULL */
	char *smime_trust;        /* [crypto] smime_trust, or NULL */
	char *trust_stamp;        /* both files' times and sizes when last read */
	struct crypto_key *signer; /* the secret key it names, or NULL */
	GHashTable *accepted;     /* OpenPGP fingerprint -> GStrv: the keys of
	                             openpgp_keyring and their addresses there */
};

/* Read openpgp_keyring and smime_trust again if either changed since they
 * were last read (poll --watch runs for weeks); on failure the trust stays
 * as it was, and a warning says why. */
void crypto_trust_refresh(struct crypto *crypto);

/* A new GpgME context for protocol (enum crypto_protocol) in the home,
 * offline; NULL with DSR_ERROR_SOFTWARE. gpgme_release it. */
gpgme_ctx_t crypto_gpgme(const struct crypto *crypto, int protocol,
    GError **error);

/* The normalised addresses of a key's valid user ids (OpenPGP) or of a
 * certificate's subject and subjectAltName, NULL-terminated (g_strfreev). */
char **crypto_key_addresses(gpgme_key_t key);

/* TRUE if addresses (NULL-terminated, maybe NULL) holds address. */
gboolean crypto_addresses_have(char *const *addresses, const char *address);

/* The key with fingerprint (or key id) in the home, or NULL. */
gpgme_key_t crypto_key_get(const struct crypto *crypto, int protocol,
    const char *fingerprint);

/* TRUE if GpgME's key is neither expired, revoked, disabled nor invalid
 * and has a subkey usable for signing (sign) or encryption. */
gboolean crypto_key_fit(gpgme_key_t key, gboolean sign);

#endif
