/* fuzz.c: the scratch directory, files and the opened context the fuzz
 * targets share (fuzz.h). */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/config.h"
#include "base/error.h"
#include "base/log.h"
#include "cmd/command.h"
#include "rules/map.h"
#include "store/store.h"
#include "store/store-register.h"
#include "fuzz.h"

#ifndef FUZZ_TOP
#define FUZZ_TOP "."
#endif

static char *scratch;

/* Stop: the harness (not the code under test) failed. */
void
fuzz_die(const char *what, const GError *error)
{
	fprintf(stderr, "fuzz harness: %s%s%s\n", what, error != NULL ? ": " : "",
	    error != NULL ? error->message : "");
	abort();
}

/* The checkout the rules and fixtures come from. */
const char *
fuzz_top(void)
{
	const char *top = g_getenv("DSR_FUZZ_TOP");

	return top != NULL ? top : FUZZ_TOP;
}

/* A path below the checkout. */
char *
fuzz_path(const char *first, ...)
{
	GString *path = g_string_new(fuzz_top());
	const char *part;
	va_list ap;

	va_start(ap, first);
	for (part = first; part != NULL; part = va_arg(ap, const char *))
		g_string_append_printf(path, "/%s", part);
	va_end(ap);
	return g_string_free(path, FALSE);
}

/* Remove one entry of the scratch tree (an nftw callback). */
static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

/* Remove the scratch directory at exit. */
static void
scratch_remove(void)
{
	if (scratch != NULL)
		nftw(scratch, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* The scratch directory, made on first use, removed at exit. */
const char *
fuzz_scratch(void)
{
	if (scratch != NULL)
		return scratch;
	if (access("/dev/shm", W_OK) == 0)
		scratch = g_strdup("/dev/shm/dsrmail-fuzz.XXXXXX");
	else
		scratch = g_build_filename(g_get_tmp_dir(), "dsrmail-fuzz.XXXXXX", NULL);
	if (g_mkdtemp(scratch) == NULL)
		fuzz_die("cannot create the scratch directory", NULL);
	atexit(scratch_remove);
	return scratch;
}

/* Write a scratch file. */
char *
fuzz_write(const char *name, const void *data, size_t size)
{
	char *path = g_build_filename(fuzz_scratch(), name, NULL);
	g_autoptr(GError) error = NULL;

	if (!g_file_set_contents(path, data, (gssize)size, &error))
		fuzz_die("cannot write a scratch file", error);
	return path;
}

/* The input as a C string. */
char *
fuzz_string(const uint8_t *data, size_t size)
{
	return g_strndup((const char *)data, size);
}

/* Run SQL on the scratch database outside dsrmail (the fixture register). */
static void
database_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *message = NULL;

	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &message) != SQLITE_OK) {
		fprintf(stderr, "fuzz harness: %s: %s\n", path,
		    message != NULL ? message : sqlite3_errmsg(db));
		abort();
	}
	sqlite3_close(db);
}

/* A scratch config and database, opened as the commands open theirs. */
void
fuzz_open(struct context *context, unsigned needs, const char *extra)
{
	g_autofree char *rules = fuzz_path("rules", NULL);
	g_autofree char *templates = fuzz_path("templates", NULL);
	g_autofree char *fixture = fuzz_path("tests", "fixtures", "register.sql", NULL);
	g_autofree char *database = g_build_filename(fuzz_scratch(), "dsrmail.db", NULL);
	g_autofree char *config = g_strdup_printf("[organisation]\n"
	    "name = HR Mentor Oy\nregistry_address = tietosuoja@hrmentor.fi\n"
	    "admins = paivi.savolainen@hrmentor.fi\ndefault_language = fi\n"
	    "[paths]\nrules = %s\ntemplates = %s\n[database]\npath = %s\n%s\n",
	    rules, templates, database, extra != NULL ? extra : "");
	g_autofree char *sql = NULL;
	g_autoptr(GError) error = NULL;
	struct store *store;
	int from;

	log_set_verbosity(-1);
	for (from = 0; from < 3; from++) {
		g_autofree char *old = g_strconcat(database,
		    (const char *[]){ "", "-wal", "-shm" }[from], NULL);
		unlink(old);
	}
	memset(context, 0, sizeof *context);
	context->config_path = fuzz_write("dsrmail.conf", config, strlen(config));
	if (command_open(context, NEEDS_CONFIG, &error) < 0)
		fuzz_die("the scratch config", error);
	store = store_open(context->config->database_path, TRUE, &error);
	if (store == NULL || store_init(store, &from, &error) < 0)
		fuzz_die("dsrmail init on the scratch database", error);
	store_close(store);
	if (!g_file_get_contents(fixture, &sql, NULL, &error))
		fuzz_die("the fixture register", error);
	database_exec(database, sql);
	command_close(context);
	if (command_open(context, NEEDS_MAP, &error) < 0 ||
	    store_register_index(context->store, context->map, &error) < 0)
		fuzz_die("the data map's indexes on the scratch database", error);
	command_close(context);
	if (command_open(context, needs, &error) < 0)
		fuzz_die("opening the scratch context", error);
}
