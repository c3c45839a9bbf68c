/* module.c: load a part of dsrmail built as a module (see module.h). */
#include <gmodule.h>

#include "base/error.h"
#include "base/log.h"
#include "base/module.h"
#include "paths.h"

/* Where a part's file is (see module.h). */
char *
module_path(const char *file)
{
	g_autofree char *program = g_file_read_link("/proc/self/exe", NULL);

	if (program != NULL) {
		g_autofree char *dir = g_path_get_dirname(program);
		char *here = g_build_filename(dir, file, NULL);

		if (g_file_test(here, G_FILE_TEST_EXISTS))
			return here;
		g_free(here);
	}
	return g_build_filename(DSR_MODULE_DIR, file, NULL);
}

/* Load the module and find its table. */
gconstpointer
module_table(const char *file, const char *symbol, GError **error)
{
	g_autofree char *path = module_path(file);
	GModule *module = g_module_open(path, G_MODULE_BIND_LOCAL);
	gpointer table = NULL;

	if (module == NULL || !g_module_symbol(module, symbol, &table)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "cannot load %s, a "
		    "part of dsrmail: %s; install dsrmail again (make install puts "
		    "it in %s)", path, g_module_error(), DSR_MODULE_DIR);
		if (module != NULL)
			g_module_close(module);
		return NULL;
	}
	g_module_make_resident(module);
	log_debug("module: loaded %s", path);
	return table;
}
