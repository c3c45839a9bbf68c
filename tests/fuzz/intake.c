/* intake.c: fuzz the whole intake of one raw mail, as `dsrmail deliver`
 * stores it: GMime parse, screening, identification against the register,
 * classification, and the one transaction that stores the mail and its
 * requests (src/request/intake.c), on a scratch database opened the way
 * the commands open theirs. */
#include "cmd/command.h"
#include "request/intake.h"
#include "fuzz.h"

/* A fresh database after this many mails, so it stays small. */
#define FRESH_EVERY 20000

static struct context context;
static unsigned mails;

/* Open the scratch context on a new database. */
static void
open_fresh(void)
{
	/* No rate limit: every input is judged on its own bytes. */
	fuzz_open(&context, NEEDS_MAP, "[policy]\nsender_rate = 1000000/day\n"
	    "max_message_size = 256k\ntrusted_authserv_id = mx.hrmentor.fi");
}

/* One scratch database for the run. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	open_fresh();
	return 0;
}

/* One input: one raw mail, stored by intake. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct intake_source source = { INTAKE_DELIVER, 0, 0, 0 };
	g_autoptr(GBytes) raw = g_bytes_new(data, size);
	g_autoptr(GError) error = NULL;
	struct intake_result result;

	if (++mails % FRESH_EVERY == 0) {
		command_close(&context);
		g_free(context.config_path);
		open_fresh();
	}
	if (intake_message(&context, raw, &source, &result, &error) == 0)
		intake_result_clear(&result);
	else
		/* Bad input is stored, never refused: on a healthy scratch
		 * database any failure is a bug. */
		fuzz_die("intake failed", error);
	return 0;
}
