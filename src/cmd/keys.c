/* keys.c: `dsrmail keys import FILE` and `dsrmail keys list`: the data
 * subjects' keys access and portability replies are encrypted to, besides
 * those that arrive with their mails. An imported key is never trusted to
 * prove who signed a request: the accepted keys are [crypto]
 * openpgp_keyring and smime_trust. */
#include <stdio.h>

#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "cmd/command.h"
#include "mail/crypto.h"
#include "store/store-crypto.h"
#include "store/store-timeline.h"

/* Record one imported key for each of its addresses; print what it is. */
static int
keys_record(struct context *context, const struct crypto_imported *imported,
    const char *now, GError **error)
{
	const char *protocol = crypto_protocol_name(imported->key.protocol);
	char **address;

	printf("%s %s %s\n", protocol, imported->key.fingerprint,
	    imported->user_id != NULL ? imported->user_id : "");
	for (address = imported->addresses; *address != NULL; address++) {
		if (store_key_add(context->store, *address, protocol,
		    imported->key.fingerprint, "admin", 0, now, error) < 0)
			return -1;
		printf("  replies to %s are encrypted to it\n", *address);
	}
	if (imported->addresses[0] == NULL)
		printf("  it names no e-mail address, so no reply is encrypted to it\n");
	return 0;
}

/* dsrmail keys import FILE */
int
keys_import_command(struct context *context, int argc, char **argv,
    GError **error)
{
	g_autoptr(GPtrArray) imported = NULL;
	g_autofree char *now = clock_now_iso();
	guint i;

	if (argc != 2) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_USAGE, "keys import needs one "
		    "file of OpenPGP keys or X.509 certificates; usage: dsrmail keys "
		    "import FILE");
		return -1;
	}
	if (context->crypto == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "keys import: [crypto] "
		    "home is not set in %s; set it to a directory for dsrmail's own "
		    "GnuPG keys (dsrmail.conf(5))", context->config->file);
		return -1;
	}
	if ((imported = crypto_import_file(context->crypto, argv[1], error)) == NULL ||
	    store_begin(context->store, error) < 0)
		return -1;
	for (i = 0; i < imported->len; i++)
		if (keys_record(context, imported->pdata[i], now, error) < 0) {
			store_rollback(context->store);
			return -1;
		}
	if (store_commit(context->store, error) < 0)
		return -1;
	if (imported->len == 0)
		printf("no key in %s was imported\n", argv[1]);
	log_info("keys: %u key(s) imported", imported->len);
	return 0;
}

/* One line of `keys list`. */
static void
print_key(const char *const *c, int count, void *data)
{
	(void)count;
	(void)data;
	printf("%s %s %s %s %s\n", c[0], c[1], c[2], c[3], c[4]);
}

/* dsrmail keys list */
int
keys_list_command(struct context *context, int argc, char **argv, GError **error)
{
	(void)argv;
	if (command_no_arguments("keys list", "", argc, error) < 0)
		return -1;
	return store_timeline_keys(context->store, print_key, NULL, error);
}
