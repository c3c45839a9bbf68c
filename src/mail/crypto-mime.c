/* crypto-mime.c: signatures and keys in the mails that arrive, signing and
 * encryption of the mails that leave, with GMime's crypto contexts (see
 * crypto.h). PGP/MIME is RFC 3156, S/MIME RFC 8551. */
#include <string.h>

#include "base/error.h"
#include "base/log.h"
#include "mail/crypto.h"
#include "mail/crypto-session.h"
#include "mail/mime.h"

/* An attached key part larger than this is not read (a key is a few KiB). */
#define KEY_PART_MAX (256 * 1024)

/* Why a signature does not count, by its status. */
static const struct {
	const char *status;
	const char *problem;
} problems[] = {
	{ "untrusted", "the key is not one the organisation accepts ([crypto] "
	  "openpgp_keyring, smime_trust)" },
	{ "mismatch", "the key is not bound to the sender's address" },
	{ "bad", "the signature does not match the mail: it was changed or forged" },
	{ "expired", "the key or the signature has expired" },
	{ "revoked", "the key has been revoked" },
	{ "no_key", "the signer's key is not known" },
	{ "error", "the signature could not be checked" },
};

/* The problem text of a status, or NULL for "valid". */
static const char *
problem_of(const char *status)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(problems); i++)
		if (strcmp(problems[i].status, status) == 0)
			return problems[i].problem;
	return NULL;
}

/* What GMime's status bits (GpgME's summary) say went wrong, or NULL when
 * the signature itself is good. */
static const char *
status_of(GMimeSignatureStatus bits)
{
	if (bits & GMIME_SIGNATURE_STATUS_RED)
		return "bad";
	if (bits & GMIME_SIGNATURE_STATUS_KEY_MISSING)
		return "no_key";
	if (bits & GMIME_SIGNATURE_STATUS_KEY_REVOKED)
		return "revoked";
	if (bits & (GMIME_SIGNATURE_STATUS_KEY_EXPIRED | GMIME_SIGNATURE_STATUS_SIG_EXPIRED))
		return "expired";
	if (bits & (GMIME_SIGNATURE_STATUS_SYS_ERROR | GMIME_SIGNATURE_STATUS_BAD_POLICY))
		return "error";
	return NULL;
}

/* The protocol a multipart/signed names, or -1. */
static int
signed_protocol(GMimeObject *top)
{
	const char *name = g_mime_object_get_content_type_parameter(top, "protocol");

	if (name == NULL)
		return -1;
	if (g_ascii_strcasecmp(name, "application/pgp-signature") == 0)
		return CRYPTO_OPENPGP;
	if (g_ascii_strcasecmp(name, "application/pkcs7-signature") == 0 ||
	    g_ascii_strcasecmp(name, "application/x-pkcs7-signature") == 0)
		return CRYPTO_SMIME;
	return -1;
}

/* Fill in who signed from the key in the home: its fingerprint, key id,
 * first user id and addresses (a new list), or what the signature alone
 * tells (a bad signature may name only a key id). */
static char **
signature_key(const struct crypto *crypto, int protocol, const char *fingerprint,
    struct crypto_signature *out)
{
	gpgme_key_t key = crypto_key_get(crypto, protocol, fingerprint);
	size_t length = fingerprint != NULL ? strlen(fingerprint) : 0;
	char **addresses;

	if (key == NULL) {
		out->key_id = length > 0 ? g_strdup(fingerprint + (length > 16 ?
		    length - 16 : 0)) : NULL;
		out->fingerprint = length > 16 ? g_strdup(fingerprint) : NULL;
		return g_new0(char *, 1);
	}
	out->fingerprint = g_strdup(key->subkeys != NULL ? key->subkeys->fpr : fingerprint);
	out->key_id = g_strdup(key->subkeys != NULL ? key->subkeys->keyid : NULL);
	out->signer = g_strdup(key->uids != NULL ? key->uids->uid : NULL);
	addresses = crypto_key_addresses(key);
	gpgme_key_unref(key);
	return addresses;
}

/* Describe one signature: trusted (an accepted OpenPGP key; an S/MIME chain
 * GnuPG found valid up to a CA of trustlist.txt), bound (an address of the
 * key, for an accepted OpenPGP key one it had in openpgp_keyring, is the
 * sender's), and the verdict. */
static void
signature_describe(const struct crypto *crypto, int protocol,
    GMimeSignature *signature, const char *sender, struct crypto_signature *out)
{
	GMimeSignatureStatus bits = g_mime_signature_get_status(signature);
	GMimeCertificate *certificate = g_mime_signature_get_certificate(signature);
	g_auto(GStrv) addresses = signature_key(crypto, protocol, certificate != NULL ?
	    g_mime_certificate_get_fingerprint(certificate) : NULL, out);
	char **accepted = protocol == CRYPTO_OPENPGP && out->fingerprint != NULL ?
	    g_hash_table_lookup(crypto->accepted, out->fingerprint) : NULL;

	out->trusted = protocol == CRYPTO_OPENPGP ? out->fingerprint != NULL &&
	    g_hash_table_contains(crypto->accepted, out->fingerprint) :
	    (bits & GMIME_SIGNATURE_STATUS_VALID) != 0;
	out->bound = crypto_addresses_have(out->trusted && protocol == CRYPTO_OPENPGP ?
	    accepted : addresses, sender);
	out->address = g_strdup(out->bound ? sender : addresses[0]);
	out->status = status_of(bits);
	if (out->status == NULL)
		out->status = !out->bound ? "mismatch" : !out->trusted ? "untrusted" : "valid";
	out->problem = problem_of(out->status);
}

/* Check the signature of a multipart/signed body. Several signatures: the
 * first one that is good. */
static void
signature_check(const struct crypto *crypto, GMimeObject *top, const char *sender,
    struct crypto_signature *out)
{
	g_autoptr(GError) local = NULL;
	int protocol = signed_protocol(top);
	GMimeSignatureList *list = protocol < 0 ? NULL :
	    g_mime_multipart_signed_verify(GMIME_MULTIPART_SIGNED(top),
	    GMIME_VERIFY_NONE, &local);
	GMimeSignature *chosen = NULL;
	int i, count = list != NULL ? g_mime_signature_list_length(list) : 0;

	out->protocol = protocol == CRYPTO_SMIME ? CRYPTO_SMIME : CRYPTO_OPENPGP;
	for (i = 0; i < count && chosen == NULL; i++)
		if (status_of(g_mime_signature_get_status(
		    g_mime_signature_list_get_signature(list, i))) == NULL)
			chosen = g_mime_signature_list_get_signature(list, i);
	if (chosen == NULL && count > 0)
		chosen = g_mime_signature_list_get_signature(list, 0);
	if (chosen != NULL)
		signature_describe(crypto, protocol, chosen, sender, out);
	else {
		out->status = "error";
		out->problem = problem_of(out->status);
		log_info("crypto: a signature could not be checked: %s", protocol < 0 ?
		    "unknown protocol" : local != NULL ? local->message : "none found");
	}
	if (list != NULL)
		g_object_unref(list);
}

/* The decoded bytes of a leaf part, at most KEY_PART_MAX; NULL if larger. */
static GBytes *
part_content(GMimePart *part)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeStream *memory = g_mime_stream_mem_new();
	GByteArray *array;
	GBytes *bytes = NULL;

	if (content != NULL)
		g_mime_data_wrapper_write_to_stream(content, memory);
	array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(memory));
	if (array->len <= KEY_PART_MAX)
		bytes = g_bytes_new(array->data, array->len);
	g_object_unref(memory);
	return bytes;
}

/* The keys of an application/pgp-keys part that carry the sender's
 * address: imported (with whatever else the part holds, used for nothing)
 * and added to keys. */
static void
keys_import(const struct crypto *crypto, GMimePart *part, const char *sender,
    GPtrArray *keys)
{
	g_autoptr(GBytes) bytes = part_content(part);
	gpgme_ctx_t context = bytes != NULL ? crypto_gpgme(crypto, CRYPTO_OPENPGP, NULL) : NULL;
	gpgme_data_t data = NULL;
	gpgme_key_t key;
	guint before = keys->len;

	if (context == NULL || gpgme_data_new_from_mem(&data, g_bytes_get_data(bytes,
	    NULL), g_bytes_get_size(bytes), 0) != 0 ||
	    gpgme_op_keylist_from_data_start(context, data, 0) != 0)
		goto out;
	while (gpgme_op_keylist_next(context, &key) == 0) {
		g_auto(GStrv) addresses = crypto_key_addresses(key);

		if (crypto_addresses_have(addresses, sender) && key->subkeys != NULL)
			g_ptr_array_add(keys, crypto_key_new(CRYPTO_OPENPGP, key->subkeys->fpr));
		gpgme_key_unref(key);
	}
	gpgme_op_keylist_end(context);
	if (keys->len > before && (gpgme_data_seek(data, 0, SEEK_SET) != 0 ||
	    gpgme_op_import(context, data) != 0))
		g_ptr_array_set_size(keys, before);
out:
	if (data != NULL)
		gpgme_data_release(data);
	if (context != NULL)
		gpgme_release(context);
}

/* Walk the parts for attached OpenPGP keys. */
static void
keys_find(const struct crypto *crypto, GMimeObject *object, const char *sender,
    GPtrArray *keys)
{
	int i;

	if (GMIME_IS_MULTIPART(object)) {
		for (i = 0; i < g_mime_multipart_get_count(GMIME_MULTIPART(object)); i++)
			keys_find(crypto, g_mime_multipart_get_part(GMIME_MULTIPART(object),
			    i), sender, keys);
		return;
	}
	if (GMIME_IS_PART(object) && g_mime_content_type_is_type(
	    g_mime_object_get_content_type(object), "application", "pgp-keys"))
		keys_import(crypto, GMIME_PART(object), sender, keys);
}

/* Read a mail's signature and keys (see crypto.h). */
void
crypto_mail_read(struct crypto *crypto, GBytes *raw, const char *sender,
    struct crypto_mail *mail)
{
	GMimeMessage *message = mime_message_new(raw);
	GMimeObject *top = message != NULL ? g_mime_message_get_mime_part(message) : NULL;

	memset(mail, 0, sizeof *mail);
	mail->keys = g_ptr_array_new_with_free_func(crypto_key_free);
	crypto_trust_refresh(crypto);
	if (top != NULL && GMIME_IS_MULTIPART_SIGNED(top)) {
		mail->is_signed = TRUE;
		signature_check(crypto, top, sender, &mail->signature);
		log_debug("crypto: %s signature: %s",
		    crypto_protocol_name(mail->signature.protocol), mail->signature.status);
	}
	if (top != NULL && sender != NULL)
		keys_find(crypto, top, sender, mail->keys);
	if (message != NULL)
		g_object_unref(message);
}

/* Free what a read mail holds. */
void
crypto_mail_clear(struct crypto_mail *mail)
{
	g_free(mail->signature.signer);
	g_free(mail->signature.address);
	g_free(mail->signature.key_id);
	g_free(mail->signature.fingerprint);
	if (mail->keys != NULL)
		g_ptr_array_unref(mail->keys);
	memset(mail, 0, sizeof *mail);
}

/* A GMime crypto context for protocol (in the home: crypto_open set
 * GpgME's defaults). */
static GMimeCryptoContext *
seal_context(int protocol)
{
	return protocol == CRYPTO_SMIME ? g_mime_pkcs7_context_new() :
	    g_mime_gpg_context_new();
}

/* The error of a failed seal, GnuPG's reason kept. */
static void
seal_fail(GError **error, const char *what, GError *local)
{
	g_set_error(error, DSR_ERROR, DSR_ERROR_SOFTWARE, "%s the reply failed: %s; "
	    "check the keys in [crypto] home with gpg --homedir (or gpgsm)", what,
	    local != NULL ? local->message : "no reason given");
}

/* content in multipart/signed, signed with signer. */
static GMimeObject *
seal_sign(const struct crypto_key *signer, GMimeObject *content, GError **error)
{
	g_autoptr(GError) local = NULL;
	GMimeCryptoContext *context = seal_context(signer->protocol);
	GMimeMultipartSigned *signed_part = g_mime_multipart_signed_sign(context,
	    content, signer->fingerprint, &local);

	g_object_unref(context);
	if (signed_part == NULL)
		seal_fail(error, "signing", local);
	return GMIME_OBJECT(signed_part);
}

/* content encrypted to key: PGP/MIME signed and encrypted in one (RFC 3156
 * 6.2) with an OpenPGP signer; S/MIME signed first, then enveloped. The key
 * was chosen by dsrmail (the subject's own), so GnuPG's web of trust is not
 * asked (always-trust). */
static GMimeObject *
seal_encrypt(const struct crypto_key *signer, GMimeObject *content,
    const struct crypto_key *to, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(GPtrArray) recipients = g_ptr_array_new();
	GMimeObject *sealed = NULL, *inner;
	GMimeCryptoContext *context;

	g_ptr_array_add(recipients, to->fingerprint);
	if (to->protocol == CRYPTO_OPENPGP) {
		context = seal_context(CRYPTO_OPENPGP);
		sealed = GMIME_OBJECT(g_mime_multipart_encrypted_encrypt(context, content,
		    signer != NULL && signer->protocol == CRYPTO_OPENPGP,
		    signer != NULL ? signer->fingerprint : NULL,
		    GMIME_ENCRYPT_ALWAYS_TRUST, recipients, &local));
		g_object_unref(context);
	} else {
		inner = signer != NULL && signer->protocol == CRYPTO_SMIME ?
		    seal_sign(signer, content, error) : g_object_ref(content);
		if (inner == NULL)
			return NULL;
		sealed = GMIME_OBJECT(g_mime_application_pkcs7_mime_encrypt(inner,
		    GMIME_ENCRYPT_ALWAYS_TRUST, recipients, &local));
		g_object_unref(inner);
	}
	if (sealed == NULL)
		seal_fail(error, "encrypting", local);
	return sealed;
}

/* Sign and/or encrypt a mail body (see crypto.h). */
GMimeObject *
crypto_seal(struct crypto *crypto, GMimeObject *content,
    const struct crypto_key *to, GError **error)
{
	const struct crypto_key *signer = crypto != NULL ? crypto->signer : NULL;

	if (crypto == NULL || (to == NULL && signer == NULL))
		return g_object_ref(content);
	if (to == NULL)
		return seal_sign(signer, content, error);
	return seal_encrypt(signer, content, to, error);
}
