/* crypto.c: dsrmail's own GnuPG home (see crypto.h): its options, the
 * trust it holds (only what [crypto] openpgp_keyring and smime_trust name),
 * the organisation's signing key, and keys looked up and imported. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/address.h"
#include "base/error.h"
#include "base/log.h"
#include "mail/crypto.h"
#include "mail/crypto-session.h"

/* The options dsrmail writes into its home (GnuPG reads them itself).
 * gpg: validity is dsrmail's decision (the accepted keys), keys are never
 * fetched from the network. gpgsm: no CRL or OCSP lookups (a service may
 * have no network; see dsrmail.conf(5)). gpg-agent: never asks anyone
 * to mark a root certificate trusted: trustlist.txt is the only list. */
static const struct {
	const char *name;
	const char *text;
} home_options[] = {
	{ "gpg.conf", "trust-model always\nno-auto-key-retrieve\n"
	  "no-auto-key-import\n" },
	{ "gpgsm.conf", "disable-crl-checks\ndisable-dirmngr\n" },
	{ "gpg-agent.conf", "no-allow-mark-trusted\n" },
};

/* Why a file was written: the first line of each. */
#define WRITTEN_BY "# written by dsrmail from dsrmail.conf [crypto]; " \
	"it is rewritten, do not edit\n"

/* What the trust was made from, and what it holds (GKeyFile). */
#define TRUST_STATE "dsrmail-trust.state"

/* The protocol's name. */
const char *
crypto_protocol_name(enum crypto_protocol protocol)
{
	return protocol == CRYPTO_SMIME ? "smime" : "openpgp";
}

/* A protocol by name. */
int
crypto_protocol_from_name(const char *name)
{
	if (g_strcmp0(name, "openpgp") == 0)
		return CRYPTO_OPENPGP;
	if (g_strcmp0(name, "smime") == 0)
		return CRYPTO_SMIME;
	return -1;
}

/* A new key. */
struct crypto_key *
crypto_key_new(enum crypto_protocol protocol, const char *fingerprint)
{
	struct crypto_key *key = g_new0(struct crypto_key, 1);

	key->protocol = protocol;
	key->fingerprint = g_strdup(fingerprint);
	return key;
}

/* Free a key. */
void
crypto_key_free(gpointer key)
{
	if (key == NULL)
		return;
	g_free(((struct crypto_key *)key)->fingerprint);
	g_free(key);
}

/* A GpgME context in the home. */
gpgme_ctx_t
crypto_gpgme(const struct crypto *crypto, int protocol, GError **error)
{
	gpgme_protocol_t which = protocol == CRYPTO_SMIME ? GPGME_PROTOCOL_CMS :
	    GPGME_PROTOCOL_OpenPGP;
	gpgme_ctx_t context = NULL;
	gpgme_error_t failure = gpgme_new(&context);

	if (failure == 0)
		failure = gpgme_set_protocol(context, which);
	if (failure == 0)
		failure = gpgme_ctx_set_engine_info(context, which, NULL, crypto->home);
	if (failure != 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_SOFTWARE, "GnuPG (%s) cannot "
		    "be used: %s; is the package %s installed?",
		    crypto_protocol_name(protocol), gpgme_strerror(failure),
		    protocol == CRYPTO_SMIME ? "gpgsm" : "gnupg");
		if (context != NULL)
			gpgme_release(context);
		return NULL;
	}
	gpgme_set_offline(context, 1);
	return context;
}

/* TRUE if the list holds address. */
gboolean
crypto_addresses_have(char *const *addresses, const char *address)
{
	return addresses != NULL && address != NULL &&
	    g_strv_contains((const char *const *)addresses, address);
}

/* The normalised addresses of a key's valid user ids. */
char **
crypto_key_addresses(gpgme_key_t key)
{
	GPtrArray *list = g_ptr_array_new();
	gpgme_user_id_t uid;

	for (uid = key->uids; uid != NULL; uid = uid->next) {
		char *address;
		/* address: GpgME's plain form (an X.509 email is "<...>"). */
		const char *written = uid->address != NULL ? uid->address : uid->email;

		if (uid->revoked || uid->invalid || written == NULL)
			continue;
		address = address_normalise(written);
		if (address_is_plausible(address) &&
		    !g_ptr_array_find_with_equal_func(list, address, g_str_equal, NULL))
			g_ptr_array_add(list, address);
		else
			g_free(address);
	}
	g_ptr_array_add(list, NULL);
	return (char **)g_ptr_array_free(list, FALSE);
}

/* A key of the home by fingerprint. */
gpgme_key_t
crypto_key_get(const struct crypto *crypto, int protocol, const char *fingerprint)
{
	gpgme_ctx_t context = fingerprint != NULL ? crypto_gpgme(crypto, protocol,
	    NULL) : NULL;
	gpgme_key_t key = NULL;

	if (context == NULL)
		return NULL;
	if (gpgme_get_key(context, fingerprint, &key, 0) != 0)
		key = NULL;
	gpgme_release(context);
	return key;
}

/* Usable for signing or for encryption. */
gboolean
crypto_key_fit(gpgme_key_t key, gboolean sign)
{
	gpgme_subkey_t subkey;

	if (key->expired || key->revoked || key->disabled || key->invalid)
		return FALSE;
	for (subkey = key->subkeys; subkey != NULL; subkey = subkey->next)
		if ((sign ? subkey->can_sign : subkey->can_encrypt) &&
		    !subkey->expired && !subkey->revoked && !subkey->disabled &&
		    !subkey->invalid && (!sign || subkey->secret))
			return TRUE;
	return FALSE;
}

/* Can a reply be encrypted to key? */
gboolean
crypto_key_usable(struct crypto *crypto, const struct crypto_key *key)
{
	gpgme_key_t found = crypto_key_get(crypto, key->protocol, key->fingerprint);
	gboolean usable = found != NULL && crypto_key_fit(found, FALSE);

	if (found != NULL)
		gpgme_key_unref(found);
	return usable;
}

/* The protocol of the signing key. */
int
crypto_signing_protocol(const struct crypto *crypto)
{
	return crypto != NULL && crypto->signer != NULL ?
	    (int)crypto->signer->protocol : -1;
}

/* Write text to path (mode 0600) unless it holds it already; *changed says
 * whether it did. Through a temporary file and rename, so a reader never
 * sees half a file. */
static int
file_put(const char *path, const char *text, gboolean *changed, GError **error)
{
	g_autofree char *old = NULL;
	g_autoptr(GError) local = NULL;

	*changed = FALSE;
	if (g_file_get_contents(path, &old, NULL, NULL) && strcmp(old, text) == 0)
		return 0;
	if (!g_file_set_contents_full(path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT,
	    0600, &local)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[crypto] home: %s; "
		    "the service user must be able to write its GnuPG home",
		    local->message);
		return -1;
	}
	*changed = TRUE;
	return 0;
}

/* The home directory: made 0700 if missing, refused if it is not a
 * directory of ours that only we may read. */
static int
home_prepare(const char *home, GError **error)
{
	struct stat st;

	if (stat(home, &st) < 0 && errno == ENOENT &&
	    g_mkdir_with_parents(home, 0700) < 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[crypto] home = %s: "
		    "cannot create it: %s; create it for the service user with "
		    "install -d -m 0700", home, g_strerror(errno));
		return -1;
	}
	if (stat(home, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[crypto] home = %s: "
		    "must be a directory owned by the user dsrmail runs as, mode "
		    "0700 (its keys are secret); fix it with chown and chmod 700",
		    home);
		return -1;
	}
	return 0;
}

/* Write the options files of the home. */
static int
home_options_write(const char *home, GError **error)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(home_options); i++) {
		g_autofree char *path = g_build_filename(home, home_options[i].name, NULL);
		g_autofree char *text = g_strconcat(WRITTEN_BY, home_options[i].text, NULL);
		gboolean changed;

		if (file_put(path, text, &changed, error) < 0)
			return -1;
	}
	return 0;
}

/* Read a file the config names, for key (e.g. "openpgp_keyring"); NULL
 * path gives empty bytes. */
static GBytes *
trust_file_read(const char *key, const char *path, GError **error)
{
	g_autoptr(GError) local = NULL;
	char *data = NULL;
	gsize length = 0;

	if (path == NULL)
		return g_bytes_new_static("", 0);
	if (!g_file_get_contents(path, &data, &length, &local)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[crypto] %s = %s: %s; "
		    "name a file the service user can read", key, path, local->message);
		return NULL;
	}
	return g_bytes_new_take(data, length);
}

/* The SHA-256 of both trust files, so a change is seen. */
static char *
trust_source(GBytes *keyring, GBytes *cas)
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	gsize length;
	const guchar *data;
	char *text;

	data = g_bytes_get_data(keyring, &length);
	g_checksum_update(sum, (const guchar *)"openpgp", 8);
	g_checksum_update(sum, data != NULL ? data : (const guchar *)"", (gssize)length);
	data = g_bytes_get_data(cas, &length);
	g_checksum_update(sum, (const guchar *)"smime", 6);
	g_checksum_update(sum, data != NULL ? data : (const guchar *)"", (gssize)length);
	text = g_strdup(g_checksum_get_string(sum));
	g_checksum_free(sum);
	return text;
}

/* GpgME data over bytes (not copied: keep bytes alive). */
static gpgme_data_t
data_over(GBytes *bytes)
{
	gsize length;
	const char *data = g_bytes_get_data(bytes, &length);
	gpgme_data_t out = NULL;

	if (gpgme_data_new_from_mem(&out, data != NULL ? data : "", length, 0) != 0)
		return NULL;
	return out;
}

/* Import bytes of protocol into the home: the fingerprints GnuPG took
 * (new or there already) into out as new strings. -1 if it refused all. */
static int
import_bytes(const struct crypto *crypto, int protocol, GBytes *bytes,
    GPtrArray *out, GError **error)
{
	gpgme_ctx_t context = crypto_gpgme(crypto, protocol, error);
	gpgme_data_t data = context != NULL ? data_over(bytes) : NULL;
	gpgme_import_result_t result = NULL;
	gpgme_import_status_t item;

	if (data != NULL && gpgme_op_import(context, data) == 0)
		result = gpgme_op_import_result(context);
	for (item = result != NULL ? result->imports : NULL; item != NULL; item = item->next)
		if (item->result == 0 && item->fpr != NULL)
			g_ptr_array_add(out, g_strdup(item->fpr));
	if (data != NULL)
		gpgme_data_release(data);
	if (context != NULL)
		gpgme_release(context);
	return result != NULL ? 0 : -1;
}

/* The keys in data as they are there, not as the home has them (a user id
 * added later elsewhere does not count): their fingerprints and addresses
 * into state's [openpgp] group. Returns how many, or -1. */
static int
trust_openpgp_list(gpgme_ctx_t context, gpgme_data_t data, GKeyFile *state)
{
	gpgme_key_t key;
	gpgme_error_t failure = gpgme_op_keylist_from_data_start(context, data, 0);
	int count = 0;

	while (failure == 0 && (failure = gpgme_op_keylist_next(context, &key)) == 0) {
		g_auto(GStrv) addresses = crypto_key_addresses(key);

		if (key->subkeys != NULL && key->subkeys->fpr != NULL) {
			g_key_file_set_string_list(state, "openpgp", key->subkeys->fpr,
			    (const char *const *)addresses, g_strv_length(addresses));
			count++;
		}
		gpgme_key_unref(key);
	}
	gpgme_op_keylist_end(context);
	return gpgme_err_code(failure) == GPG_ERR_EOF ? count : -1;
}

/* Import the accepted OpenPGP keys and note them in state. */
static int
trust_openpgp(const struct crypto *crypto, const char *path, GBytes *keyring,
    GKeyFile *state, GError **error)
{
	gpgme_ctx_t context = crypto_gpgme(crypto, CRYPTO_OPENPGP, error);
	gpgme_data_t data = context != NULL ? data_over(keyring) : NULL;
	g_autoptr(GPtrArray) imported = g_ptr_array_new_with_free_func(g_free);
	int count = data != NULL ? trust_openpgp_list(context, data, state) : -1;

	if (data != NULL)
		gpgme_data_release(data);
	if (context != NULL)
		gpgme_release(context);
	if (count > 0 && import_bytes(crypto, CRYPTO_OPENPGP, keyring, imported,
	    error) == 0 && imported->len > 0)
		return 0;
	if (error == NULL || *error == NULL)
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[crypto] "
		    "openpgp_keyring = %s: %s; write the accepted keys into it with "
		    "gpg --armor --export KEY...", path, count == 0 ?
		    "holds no OpenPGP key" : "GnuPG could not read or import it");
	return -1;
}

/* Import the accepted CA certificates; their fingerprints into state's
 * [smime] list. */
static int
trust_smime(const struct crypto *crypto, const char *path, GBytes *cas,
    GKeyFile *state, GError **error)
{
	g_autoptr(GPtrArray) imported = g_ptr_array_new_with_free_func(g_free);

	if (import_bytes(crypto, CRYPTO_SMIME, cas, imported, error) == 0 &&
	    imported->len > 0) {
		g_key_file_set_string_list(state, "smime", "trusted",
		    (const char *const *)imported->pdata, imported->len);
		return 0;
	}
	if (error == NULL || *error == NULL)
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[crypto] smime_trust = "
		    "%s: holds no certificate GnuPG could import; write the CA "
		    "certificates you accept into it, in PEM", path);
	return -1;
}

/* Build a new trust state from the config's files. */
static GKeyFile *
trust_state_build(const struct crypto *crypto, GBytes *keyring, GBytes *cas,
    const char *source, GError **error)
{
	GKeyFile *state = g_key_file_new();

	g_key_file_set_string(state, "trust", "source", source);
	if ((crypto->openpgp_keyring != NULL && trust_openpgp(crypto,
	    crypto->openpgp_keyring, keyring, state, error) < 0) ||
	    (crypto->smime_trust != NULL && trust_smime(crypto, crypto->smime_trust,
	    cas, state, error) < 0)) {
		g_key_file_free(state);
		return NULL;
	}
	log_info("crypto: the accepted keys and CA certificates were imported");
	return state;
}

/* trustlist.txt from the state: exactly the CAs of smime_trust (a list of
 * our own also keeps gpg-agent from reading the system's). After a change
 * the agent, if one runs, reads it again. */
static int
trust_list_write(const struct crypto *crypto, GKeyFile *state, GError **error)
{
	g_auto(GStrv) trusted = g_key_file_get_string_list(state, "smime",
	    "trusted", NULL, NULL);
	g_autoptr(GString) text = g_string_new(WRITTEN_BY);
	g_autofree char *path = g_build_filename(crypto->home, "trustlist.txt", NULL);
	gboolean changed;
	char **fingerprint;

	for (fingerprint = trusted; fingerprint != NULL && *fingerprint != NULL;
	    fingerprint++)
		g_string_append_printf(text, "%s S\n", *fingerprint);
	if (file_put(path, text->str, &changed, error) < 0)
		return -1;
	if (changed) {
		const char *argv[] = { "gpgconf", "--homedir", crypto->home, "--reload",
		    "gpg-agent", NULL };
		g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH |
		    G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
		    NULL, NULL, NULL, NULL);
	}
	return 0;
}

/* The accepted OpenPGP keys of the state into crypto->accepted. */
static void
trust_accepted_load(struct crypto *crypto, GKeyFile *state)
{
	g_auto(GStrv) fingerprints = g_key_file_get_keys(state, "openpgp", NULL, NULL);
	char **fingerprint;

	g_hash_table_remove_all(crypto->accepted);
	for (fingerprint = fingerprints; fingerprint != NULL && *fingerprint != NULL;
	    fingerprint++)
		g_hash_table_insert(crypto->accepted, g_strdup(*fingerprint),
		    g_key_file_get_string_list(state, "openpgp", *fingerprint, NULL,
		    NULL));
}

/* Bring the home's trust in line with the config: imported again only when
 * openpgp_keyring or smime_trust changed (the state file remembers). */
static int
trust_sync(struct crypto *crypto, GError **error)
{
	g_autoptr(GBytes) keyring = trust_file_read("openpgp_keyring",
	    crypto->openpgp_keyring, error);
	g_autoptr(GBytes) cas = keyring == NULL ? NULL :
	    trust_file_read("smime_trust", crypto->smime_trust, error);
	g_autofree char *source = cas == NULL ? NULL : trust_source(keyring, cas);
	g_autofree char *path = g_build_filename(crypto->home, TRUST_STATE, NULL);
	g_autofree char *known = NULL, *text = NULL;
	g_autoptr(GKeyFile) state = g_key_file_new();
	gboolean changed;

	if (source == NULL)
		return -1;
	if (g_key_file_load_from_file(state, path, G_KEY_FILE_NONE, NULL))
		known = g_key_file_get_string(state, "trust", "source", NULL);
	if (g_strcmp0(known, source) != 0) {
		g_key_file_unref(state);
		if ((state = trust_state_build(crypto, keyring, cas, source,
		    error)) == NULL)
			return -1;
		text = g_key_file_to_data(state, NULL, NULL);
		if (file_put(path, text, &changed, error) < 0)
			return -1;
	}
	trust_accepted_load(crypto, state);
	return trust_list_write(crypto, state, error);
}

/* When the trust files were last changed, and how big they are. */
static char *
trust_stamp_of(const struct crypto *crypto)
{
	const char *paths[] = { crypto->openpgp_keyring, crypto->smime_trust };
	GString *stamp = g_string_new(NULL);
	struct stat st;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(paths); i++)
		if (paths[i] != NULL && stat(paths[i], &st) == 0)
			g_string_append_printf(stamp, "%lld.%ld:%lld;",
			    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
			    (long long)st.st_size);
		else
			g_string_append(stamp, "-;");
	return g_string_free(stamp, FALSE);
}

/* Read the trust files again if they changed (see crypto-session.h). */
void
crypto_trust_refresh(struct crypto *crypto)
{
	g_autofree char *stamp = trust_stamp_of(crypto);
	g_autoptr(GError) local = NULL;

	if (g_strcmp0(stamp, crypto->trust_stamp) == 0)
		return;
	if (trust_sync(crypto, &local) < 0) {
		log_warn("crypto: %s; the keys accepted before stay", local->message);
		return;
	}
	g_free(crypto->trust_stamp);
	crypto->trust_stamp = g_steal_pointer(&stamp);
}

/* The first usable secret key of protocol that pattern names, or NULL. */
static struct crypto_key *
signer_find_in(const struct crypto *crypto, int protocol, const char *pattern)
{
	gpgme_ctx_t context = crypto_gpgme(crypto, protocol, NULL);
	struct crypto_key *found = NULL;
	gpgme_key_t key;

	if (context == NULL || gpgme_op_keylist_start(context, pattern, 1) != 0) {
		if (context != NULL)
			gpgme_release(context);
		return NULL;
	}
	while (found == NULL && gpgme_op_keylist_next(context, &key) == 0) {
		if (crypto_key_fit(key, TRUE) && key->subkeys->fpr != NULL)
			found = crypto_key_new(protocol, key->subkeys->fpr);
		gpgme_key_unref(key);
	}
	gpgme_op_keylist_end(context);
	gpgme_release(context);
	return found;
}

/* [crypto] signing_key among the home's secret keys: OpenPGP first, then
 * S/MIME. */
static int
signer_find(struct crypto *crypto, GError **error)
{
	if (crypto->signing_key == NULL)
		return 0;
	crypto->signer = signer_find_in(crypto, CRYPTO_OPENPGP, crypto->signing_key);
	if (crypto->signer == NULL)
		crypto->signer = signer_find_in(crypto, CRYPTO_SMIME, crypto->signing_key);
	if (crypto->signer != NULL)
		return 0;
	g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[crypto] signing_key = %s: "
	    "no usable secret key (not expired or revoked, without a passphrase) "
	    "by that name in %s; create one with gpg --homedir %s --quick-gen-key, "
	    "or import it there, then name its fingerprint", crypto->signing_key,
	    crypto->home, crypto->home);
	return -1;
}

/* Open the home (see crypto.h). */
struct crypto *
crypto_open(const struct config *config, GError **error)
{
	struct crypto *crypto;

	if (config->crypto_home == NULL)
		return NULL;
	g_mime_init();
	gpgme_check_version(NULL);
	if (home_prepare(config->crypto_home, error) < 0 ||
	    home_options_write(config->crypto_home, error) < 0)
		return NULL;
	/* GMime's own contexts (verify, sign, encrypt) take GpgME's default
	 * engine settings: dsrmail's home, never ~/.gnupg. */
	gpgme_set_engine_info(GPGME_PROTOCOL_OpenPGP, NULL, config->crypto_home);
	gpgme_set_engine_info(GPGME_PROTOCOL_CMS, NULL, config->crypto_home);
	crypto = g_new0(struct crypto, 1);
	crypto->home = g_strdup(config->crypto_home);
	crypto->signing_key = g_strdup(config->signing_key);
	crypto->openpgp_keyring = g_strdup(config->openpgp_keyring);
	crypto->smime_trust = g_strdup(config->smime_trust);
	crypto->trust_stamp = trust_stamp_of(crypto);
	crypto->accepted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)g_strfreev);
	if (trust_sync(crypto, error) < 0 || signer_find(crypto, error) < 0) {
		crypto_free(crypto);
		return NULL;
	}
	return crypto;
}

/* Free the home's handle (GnuPG's agent stays, as it does for gpg). */
void
crypto_free(struct crypto *crypto)
{
	if (crypto == NULL)
		return;
	g_free(crypto->home);
	g_free(crypto->signing_key);
	g_free(crypto->openpgp_keyring);
	g_free(crypto->smime_trust);
	g_free(crypto->trust_stamp);
	crypto_key_free(crypto->signer);
	g_hash_table_unref(crypto->accepted);
	g_free(crypto);
}

/* One imported key, described. */
static struct crypto_imported *
imported_new(const struct crypto *crypto, int protocol, const char *fingerprint)
{
	gpgme_key_t key = crypto_key_get(crypto, protocol, fingerprint);
	struct crypto_imported *imported;

	if (key == NULL)
		return NULL;
	imported = g_new0(struct crypto_imported, 1);
	imported->key.protocol = protocol;
	imported->key.fingerprint = g_strdup(fingerprint);
	imported->key_id = g_strdup(key->subkeys != NULL ? key->subkeys->keyid : NULL);
	imported->user_id = g_strdup(key->uids != NULL ? key->uids->uid : NULL);
	imported->addresses = crypto_key_addresses(key);
	gpgme_key_unref(key);
	return imported;
}

/* Free an imported key's description. */
static void
imported_free(gpointer data)
{
	struct crypto_imported *imported = data;

	g_free(imported->key.fingerprint);
	g_free(imported->key_id);
	g_free(imported->user_id);
	g_strfreev(imported->addresses);
	g_free(imported);
}

/* Import data of protocol; the keys it held, described, into out. */
static int
import_data(const struct crypto *crypto, int protocol, GBytes *bytes,
    GPtrArray *out, GError **error)
{
	g_autoptr(GPtrArray) imported = g_ptr_array_new_with_free_func(g_free);
	guint i;

	if (import_bytes(crypto, protocol, bytes, imported, error) < 0)
		return -1;
	for (i = 0; i < imported->len; i++) {
		struct crypto_imported *one = imported_new(crypto, protocol,
		    imported->pdata[i]);
		if (one != NULL)
			g_ptr_array_add(out, one);
	}
	return 0;
}

/* Import a file of keys or certificates, to encrypt to. */
GPtrArray *
crypto_import_file(struct crypto *crypto, const char *path, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(GBytes) bytes = NULL;
	GPtrArray *out = g_ptr_array_new_with_free_func(imported_free);
	gpgme_data_t data;
	gpgme_data_type_t type = GPGME_DATA_TYPE_UNKNOWN;
	char *contents = NULL;
	gsize length = 0;

	if (!g_file_get_contents(path, &contents, &length, &local)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_NO_INPUT, "%s; give a file of "
		    "OpenPGP keys or X.509 certificates", local->message);
		g_ptr_array_unref(out);
		return NULL;
	}
	bytes = g_bytes_new_take(contents, length);
	if ((data = data_over(bytes)) != NULL) {
		type = gpgme_data_identify(data, 0);
		gpgme_data_release(data);
	}
	if ((type != GPGME_DATA_TYPE_PGP_KEY && type != GPGME_DATA_TYPE_X509_CERT) ||
	    import_data(crypto, type == GPGME_DATA_TYPE_X509_CERT ? CRYPTO_SMIME :
	    CRYPTO_OPENPGP, bytes, out, error) < 0) {
		if (error == NULL || *error == NULL)
			g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "%s holds no OpenPGP "
			    "public key (gpg --armor --export) nor X.509 certificate "
			    "(PEM or DER) that GnuPG could import", path);
		g_ptr_array_unref(out);
		return NULL;
	}
	return out;
}
