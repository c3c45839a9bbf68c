/* replay.c: run a fuzz target's entry point on files, without libFuzzer:
 * `make check` builds one per target with the sanitizers (gcc is enough)
 * and feeds it the regression corpus, so a fixed crash stays fixed.
 *
 *   replay-TARGET FILE|DIR...
 *       TAP: one "ok" per file fed to the target (every file of a DIR,
 *       sorted). A crash or a sanitizer report stops the process, which
 *       prove counts as a failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Optional in a target, as in libFuzzer. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* The files to feed: FILE itself, or the files of DIR, sorted. */
static void
collect(const char *path, GPtrArray *files)
{
	g_autoptr(GDir) dir = NULL;
	g_autoptr(GPtrArray) names = NULL;
	const char *name;
	guint i;

	if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
		g_ptr_array_add(files, g_strdup(path));
		return;
	}
	if ((dir = g_dir_open(path, 0, NULL)) == NULL)
		fuzz_die("cannot read a corpus directory", NULL);
	names = g_ptr_array_new_with_free_func(g_free);
	while ((name = g_dir_read_name(dir)) != NULL)
		if (name[0] != '.')
			g_ptr_array_add(names, g_build_filename(path, name, NULL));
	g_ptr_array_sort(names, (GCompareFunc)(void (*)(void))g_strcmp0);
	for (i = 0; i < names->len; i++)
		g_ptr_array_add(files, g_strdup(names->pdata[i]));
}

/* Feed every file named to the target, in order. */
int
main(int argc, char **argv)
{
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
	guint i;
	int a;

	for (a = 1; a < argc; a++)
		collect(argv[a], files);
	if (files->len == 0) {
		fprintf(stderr, "usage: %s FILE|DIR... (no input files found)\n", argv[0]);
		return 64;
	}
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	printf("1..%u\n", files->len);
	for (i = 0; i < files->len; i++) {
		g_autofree char *data = NULL;
		gsize size;
		g_autoptr(GError) error = NULL;

		if (!g_file_get_contents(files->pdata[i], &data, &size, &error))
			fuzz_die("cannot read an input", error);
		LLVMFuzzerTestOneInput((const uint8_t *)data, size);
		printf("ok %u - %s\n", i + 1, (const char *)files->pdata[i]);
		fflush(stdout);
	}
	return 0;
}
