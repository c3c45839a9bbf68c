/* tests/fuzz/fuzz.h: what the fuzz targets share. Each target is one file
 * with LLVMFuzzerTestOneInput (and, where it needs a database or rules,
 * LLVMFuzzerInitialize); libFuzzer drives it under `make fuzz`, and
 * replay.c feeds it the regression corpus under `make check`.
 *
 * The targets call dsrmail's real code: nothing here reimplements a parser.
 * Their scratch files live in one private directory (fuzz_scratch), removed
 * when the process exits normally. */
#ifndef DSR_FUZZ_H
#define DSR_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "base/context.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The checkout (rules/, templates/, tests/fixtures/): $DSR_FUZZ_TOP, else
 * the directory the Makefile compiled in. */
const char *fuzz_top(void);

/* A file of the checkout, as a new string: fuzz_path("rules", "x", NULL). */
char *fuzz_path(const char *first, ...) G_GNUC_NULL_TERMINATED;

/* The private scratch directory (under /dev/shm when there is one: the
 * database commits cost no disk), created on first use. */
const char *fuzz_scratch(void);

/* Write data to the file name in the scratch directory; its path (owned
 * by the caller). Aborts on failure: a harness fault, not a finding. */
char *fuzz_write(const char *name, const void *data, size_t size);

/* A scratch config (the checkout's rules and templates, a fresh database
 * with the fixture register, extra appended: whole sections), the database
 * created as `dsrmail init` does, then opened with command_open(needs) as
 * the commands open it. Aborts on failure. */
void fuzz_open(struct context *context, unsigned needs, const char *extra);

/* data as a NUL-terminated string (a new one): what a parser of text gets. */
char *fuzz_string(const uint8_t *data, size_t size);

/* Abort with a message: the harness itself failed. */
void fuzz_die(const char *what, const GError *error) G_GNUC_NORETURN;

#endif
