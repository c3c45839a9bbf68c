/* lifecycle-key.c: the subject's key for an access or portability reply
 * ([policy] encrypt_exports): which known key it is encrypted to, and a
 * request that waits for one (encrypt_exports = always) carried on when
 * the subject's key arrives. */
#include <string.h>

#include "base/config.h"
#include "base/context.h"
#include "base/log.h"
#include "mail/crypto.h"
#include "request/lifecycle-work.h"
#include "store/store-crypto.h"

/* The hold reason of a request that waits for the subject's key. */
#define NO_KEY "no_encryption_key"

/* TRUE for the kinds whose reply carries the data. */
static gboolean
kind_exports(const char *kind)
{
	return g_strcmp0(kind, "access") == 0 || g_strcmp0(kind, "portability") == 0;
}

/* The key w's reply is encrypted to (see lifecycle-work.h). */
int
work_export_key(struct work *w, struct crypto_key **key, GError **error)
{
	struct crypto *crypto = w->context->crypto;
	g_autoptr(GPtrArray) keys = NULL;
	guint i;

	*key = NULL;
	if (crypto == NULL || w->context->config->encrypt_exports == ENCRYPT_NEVER ||
	    w->address == NULL || !kind_exports(w->row.kind))
		return 0;
	keys = store_keys_for_request(w->context->store, w->row.id, w->address, error);
	if (keys == NULL)
		return -1;
	for (i = 0; i + 1 < keys->len && *key == NULL; i += 2) {
		int protocol = crypto_protocol_from_name(keys->pdata[i]);
		struct crypto_key candidate = { protocol, keys->pdata[i + 1] };

		if (protocol >= 0 && crypto_key_usable(crypto, &candidate))
			*key = crypto_key_new(protocol, candidate.fingerprint);
	}
	return 0;
}

/* Must w's reply wait for a key? (see lifecycle-work.h) */
int
work_export_blocked(struct work *w, gboolean *blocked, GError **error)
{
	struct crypto_key *key = NULL;

	*blocked = FALSE;
	if (w->context->config->encrypt_exports != ENCRYPT_ALWAYS ||
	    !kind_exports(w->row.kind))
		return 0;
	if (work_export_key(w, &key, error) < 0)
		return -1;
	*blocked = key == NULL;
	crypto_key_free(key);
	return 0;
}

/* A mail from the subject continuing a request that waits only for their
 * key (see lifecycle-work.h). */
int
lifecycle_key_arrived(struct work *w, const struct received_mail *mail,
    GError **error)
{
	const struct request_update cleared = { .hold_reasons = "" };
	gboolean blocked;

	if (g_strcmp0(w->row.state, "awaiting_approval") != 0 ||
	    g_strcmp0(w->row.hold_reasons, NO_KEY) != 0 || w->address == NULL ||
	    g_strcmp0(mail->from, w->address) != 0)
		return 0;
	if (work_export_blocked(w, &blocked, error) < 0)
		return -1;
	if (blocked)
		return 0;
	log_info("lifecycle: %s: the subject's key has arrived", w->row.id);
	if (store_begin(w->context->store, error) < 0)
		return -1;
	if (store_lifecycle_update(w->context->store, w->row.id, &cleared,
	    w->now_text, error) < 0 || store_commit(w->context->store, error) < 0) {
		store_rollback(w->context->store);
		return -1;
	}
	return lifecycle_decide(w->context, w->row.id, error);
}
