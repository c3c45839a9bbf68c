/* admin-reply.c: fuzz the admin's APPROVE/REJECT reply (src/request/
 * lifecycle-decide.c lifecycle_admin_reply): the input is the first line
 * of an admin's mail answering the notice of a rectification request that
 * waits in the queue. The request is real: a mail stored by intake, its
 * sender verified, held by lifecycle_hold (which mails the admin a notice
 * with a random code); the harness adds one more admin code it knows
 * (KNOWN_CODE, also in the dictionary) so that approvals and rejections
 * are within the fuzzer's reach. A finished request is set up anew. */
#include <string.h>

#include "base/clock.h"
#include "base/token.h"
#include "cmd/command.h"
#include "mail/mime.h"
#include "request/intake.h"
#include "request/lifecycle-work.h"
#include "store/store.h"
#include "store/store-lifecycle.h"
#include "fuzz.h"

#define ADMIN "paivi.savolainen@hrmentor.fi"
#define KNOWN_CODE "FUZZFUZZFUZZFUZZFUZZFUZZ22"

static const char request_mail[] = "From: Matti Meikäläinen <matti@example.org>\n"
    "To: tietosuoja@hrmentor.fi\nSubject: Oikaisupyyntö\n"
    "Message-ID: <fuzz-admin@example.org>\nDate: Mon, 3 Mar 2025 09:00:00 +0200\n"
    "Content-Type: text/plain; charset=utf-8\n\n"
    "Hei,\n\npuhelinnumeroni on vaihtunut.\nPuhelinnumero: 040 765 4321\n\n"
    "Terveisin\nMatti\n";

static struct context context;
static char *request;
static gint64 message;

/* Stop the harness when a setup step failed. */
static void
check(int status, const char *what, const GError *error)
{
	if (status < 0)
		fuzz_die(what, error);
}

/* A fresh database with one verified rectification request held for the
 * admin, with KNOWN_CODE among its admin codes. */
static void
set_up(void)
{
	const struct intake_source source = { INTAKE_DELIVER, 0, 0, 0 };
	g_autoptr(GBytes) raw = g_bytes_new_static(request_mail,
	    sizeof request_mail - 1);
	const struct request_update verified = { .verified_by = "matti@example.org" };
	g_autofree char *hash = token_hash(KNOWN_CODE);
	g_autoptr(GError) error = NULL;
	struct intake_result result;
	struct work w;

	if (context.config != NULL) {
		command_close(&context);
		g_free(context.config_path);
	}
	fuzz_open(&context, NEEDS_MAP | NEEDS_NOTICE | NEEDS_TEMPLATES, NULL);
	check(intake_message(&context, raw, &source, &result, &error),
	    "intake of the request mail", error);
	if (result.requests->len != 1)
		fuzz_die("the request mail did not open one request", NULL);
	g_free(request);
	request = g_strdup(result.requests->pdata[0]);
	message = result.message;
	intake_result_clear(&result);
	check(store_begin(context.store, &error), "begin", error);
	check(work_open(&context, request, &w, &error), "work_open", error);
	check(store_lifecycle_update(context.store, request, &verified,
	    w.now_text, &error), "verifying the request", error);
	work_clear(&w);
	check(work_open(&context, request, &w, &error), "work_open", error);
	check(lifecycle_hold(&w, "policy", &error), "lifecycle_hold", error);
	check(store_token_add(context.store, request, "admin", ADMIN, hash,
	    w.now_text, "9999-12-31T00:00:00Z", &error), "the known code", error);
	work_clear(&w);
	check(store_commit(context.store, &error), "commit", error);
}

/* The held request to answer. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	set_up();
	return 0;
}

/* One input: the first line of an admin's reply. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The line as the lifecycle has it: UTF-8, one line. */
	g_autofree char *text = mime_to_utf8((const char *)data, size, "utf-8");
	char *end = strchr(text, '\n');
	struct received_mail mail = { .from = (char *)ADMIN };
	g_autoptr(GError) error = NULL;
	struct work w;
	int status;

	if (end != NULL)
		*end = '\0';
	if (work_open(&context, request, &w, &error) < 0)
		fuzz_die("work_open", error);
	status = lifecycle_admin_reply(&w, &mail, text, message, &error);
	work_clear(&w);
	/* Refusals are recorded and succeed; only a decision may fail
	 * (DSR_ERROR_DATA: the request cannot be approved now). */
	if (status < 0 && (error == NULL || error->message[0] == '\0'))
		fuzz_die("lifecycle_admin_reply failed without saying why", error);
	if (work_open(&context, request, &w, &error) < 0)
		fuzz_die("work_open", error);
	status = strcmp(w.row.state, "awaiting_approval");
	work_clear(&w);
	if (status != 0)
		set_up();
	return 0;
}
