/* crypto.h: OpenPGP (gpg) and S/MIME (gpgsm) through GMime's crypto
 * contexts and GpgME: signed request mails checked, keys imported, replies
 * signed and encrypted. Everything lives in dsrmail's own GnuPG home
 * ([crypto] home, mode 0700), never the user's ~/.gnupg, and what counts as
 * trusted is only what the config names: the OpenPGP keys of [crypto]
 * openpgp_keyring (with the addresses they carry in that file) and the CA
 * certificates of [crypto] smime_trust (written as the home's
 * trustlist.txt). Keys that arrive in mail or by `dsrmail keys import` are
 * used to encrypt to, never to trust a signature.
 *
 * crypto.c: the home, the trust it holds, keys; crypto-mime.c: the mails. */
#ifndef DSR_CRYPTO_H
#define DSR_CRYPTO_H

#include <glib.h>
#include <gmime/gmime.h>

#include "base/config.h"

enum crypto_protocol { CRYPTO_OPENPGP, CRYPTO_SMIME };

/* "openpgp" or "smime" (the words in the database). */
const char *crypto_protocol_name(enum crypto_protocol protocol);

/* The protocol of a name, or -1. */
int crypto_protocol_from_name(const char *name);

struct crypto;

/* Open [crypto] home: created mode 0700 if missing (refused if others may
 * read it), its gpg, gpgsm and gpg-agent options written, the keys and CAs
 * of openpgp_keyring and smime_trust imported when those files changed, and
 * signing_key found among its secret keys. Returns NULL without error when
 * [crypto] home is not set (crypto is off); NULL with DSR_ERROR_CONFIG
 * naming the key and the fix otherwise. Free with crypto_free. */
struct crypto *crypto_open(const struct config *config, GError **error);

void crypto_free(struct crypto *crypto);

/* A key by its protocol and fingerprint (the primary key's, or the
 * certificate's). */
struct crypto_key {
	enum crypto_protocol protocol;
	char *fingerprint;
};

/* A new key (crypto_key_free). */
struct crypto_key *crypto_key_new(enum crypto_protocol protocol,
    const char *fingerprint);

void crypto_key_free(gpointer key);

/* What a mail's signature check found. Strings owned, NULL if unknown. */
struct crypto_signature {
	enum crypto_protocol protocol;
	const char *status;       /* static: valid (good, trusted, bound to the
	                             sender), untrusted, mismatch, bad, expired,
	                             revoked, no_key, error */
	const char *problem;      /* static: why it does not count; NULL if valid */
	char *signer;             /* the key's user id, or the certificate's subject */
	char *address;            /* the key's address that is the sender's, else
	                             its first */
	char *key_id;             /* 16 hex digits */
	char *fingerprint;
	gboolean trusted;         /* in openpgp_keyring; a chain to smime_trust */
	gboolean bound;           /* an address of the key is the sender's */
};

/* What crypto_mail_read found in a mail. */
struct crypto_mail {
	gboolean is_signed;       /* its body is multipart/signed: signature is set */
	struct crypto_signature signature;
	GPtrArray *keys;          /* struct crypto_key *: the attached OpenPGP keys
	                             (application/pgp-keys) that carry the
	                             sender's address, now imported */
};

/* Check the signature of a raw mail (a multipart/signed body, PGP/MIME or
 * S/MIME) against sender (the normalised From), and import the keys it
 * carries for sender. Never fails: a signature that cannot be checked is
 * status "error". Clear the result with crypto_mail_clear. */
void crypto_mail_read(struct crypto *crypto, GBytes *raw, const char *sender,
    struct crypto_mail *mail);

void crypto_mail_clear(struct crypto_mail *mail);

/* A key or certificate `dsrmail keys import` brought in. */
struct crypto_imported {
	struct crypto_key key;
	char *key_id;
	char *user_id;            /* its first user id or subject, or NULL */
	char **addresses;         /* its addresses, normalised, NULL-terminated */
};

/* Import the OpenPGP keys (armored or binary) or X.509 certificates (PEM or
 * DER) of file into the home, to encrypt to. Returns a new array of
 * struct crypto_imported * (maybe empty: nothing new), or NULL with
 * DSR_ERROR_DATA naming the file. */
GPtrArray *crypto_import_file(struct crypto *crypto, const char *path,
    GError **error);

/* TRUE if key is in the home and can be encrypted to now: not expired,
 * revoked, disabled or invalid, with a subkey for encryption. */
gboolean crypto_key_usable(struct crypto *crypto, const struct crypto_key *key);

/* The protocol replies are signed with, or -1 without [crypto] signing_key. */
int crypto_signing_protocol(const struct crypto *crypto);

/* Wrap a mail body for sending: encrypted to `to` (PGP/MIME or S/MIME, by
 * its protocol) when to is not NULL, and signed with [crypto] signing_key
 * when one is set (an encrypted S/MIME body signed inside, PGP/MIME signed
 * and encrypted in one). Returns a new reference: content itself when there
 * is nothing to do; NULL with DSR_ERROR_SOFTWARE if GnuPG failed. */
GMimeObject *crypto_seal(struct crypto *crypto, GMimeObject *content,
    const struct crypto_key *to, GError **error);

#endif
