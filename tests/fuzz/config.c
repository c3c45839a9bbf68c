/* config.c: fuzz the dsrmail.conf loader (src/base/config.c): the input is
 * a config file, read and checked as every command reads its own. */
#include "base/config.h"
#include "base/error.h"
#include "fuzz.h"

/* One input: a config file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *path = fuzz_write("fuzz.conf", data, size);
	g_autoptr(GError) error = NULL;
	struct config *config = config_load(path, &error);

	if (config == NULL && (error == NULL || error->message[0] == '\0'))
		fuzz_die("a refused config without a message", NULL);
	config_free(config);
	return 0;
}
