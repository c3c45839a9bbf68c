/* map.c: fuzz the data map loader (src/rules/map.c): the input is a
 * register.map, read and checked against the scratch register's schema as
 * command_open_map checks the real one. */
#include "cmd/command.h"
#include "rules/map.h"
#include "store/store-register.h"
#include "fuzz.h"

static struct context context;
static struct map_schema schema;

/* The scratch register whose schema maps are checked against. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	fuzz_open(&context, NEEDS_STORE, NULL);
	store_register_schema(context.store, &schema);
	return 0;
}

/* One input: a data map. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *path = fuzz_write("fuzz.map", data, size);
	g_autoptr(GError) error = NULL;
	struct map *map = map_load(path, &schema, &error);

	if (map == NULL && (error == NULL || error->message[0] == '\0'))
		fuzz_die("a refused map without a message", NULL);
	if (map != NULL)
		(void)map_find_rectifiable(map, "puhelinnumero");
	map_free(map);
	return 0;
}
