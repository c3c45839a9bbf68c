/* store-crypto.h: the SQL of signatures and keys: what each signed mail's
 * signature was (dsr_signatures), the subjects' keys replies may be
 * encrypted to (dsr_keys), read back for the lifecycle (for people:
 * store-timeline.h). Writes happen inside the caller's transaction. */
#ifndef DSR_STORE_CRYPTO_H
#define DSR_STORE_CRYPTO_H

#include <glib.h>

#include "store/store.h"

/* One signature as checked. Strings borrowed; NULL for unknown. */
struct signature_record {
	gint64 message;           /* dsr_messages.id */
	const char *protocol;     /* openpgp, smime */
	const char *status;       /* valid, untrusted, mismatch, bad, ... */
	gboolean trusted, bound;
	const char *signer, *address, *key_id, *fingerprint;
	const char *checked_at;
};

/* Store a signature; returns its row id, or -1 with error. */
gint64 store_signature_add(struct store *store,
    const struct signature_record *record, GError **error);

/* A stored signature, as the lifecycle reads it (strings owned). */
struct signature_row {
	gint64 id;
	char *protocol, *status, *address, *key_id, *fingerprint;
};

void signature_row_clear(struct signature_row *row);

/* The signature of mail message: 1 and *row filled (signature_row_clear),
 * 0 if it was not signed, -1 with error. */
int store_signature_of_message(struct store *store, gint64 message,
    struct signature_row *row, GError **error);

/* Record a key for address (normalised): source "attachment" (message is
 * the mail it came with) or "admin" (message 0). A key already recorded
 * the same way is not added twice. 0, or -1 with error. */
int store_key_add(struct store *store, const char *address,
    const char *protocol, const char *fingerprint, const char *source,
    gint64 message, const char *now, GError **error);

/* The keys a reply about request can be encrypted to, to address (the
 * address on file), best first: a good signature on the request's mails
 * bound to the address, a key attached to them, a key the admin imported;
 * the newest first within each. Two strings per key (protocol,
 * fingerprint) in a new array, or NULL with error. */
GPtrArray *store_keys_for_request(struct store *store, const char *request,
    const char *address, GError **error);

#endif
