/* rectify.c: fuzz the rectification "field: value" parser: a mail's text,
 * cut to the sender's own words (mime_own_text), classified with the
 * checkout's rules/classify.rules under a Subject that asks for a
 * correction, so the "field: new value" lines are read (src/request/
 * classify.c); each field is then looked up in the data map the way the
 * lifecycle looks it up. */
#include <string.h>

#include "cmd/command.h"
#include "mail/mime.h"
#include "request/classify.h"
#include "rules/map.h"
#include "fuzz.h"

static struct context context;
static struct classify_rules *rules;

/* The data map and the checkout's classification rules. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	g_autofree char *path = fuzz_path("rules", "classify.rules", NULL);
	g_autoptr(GError) error = NULL;

	(void)argc; (void)argv;
	fuzz_open(&context, NEEDS_MAP, NULL);
	if ((rules = classify_load(path, &error)) == NULL)
		fuzz_die("rules/classify.rules", error);
	return 0;
}

/* One input: the text of a correction request. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *bytes = fuzz_string(data, size);
	/* What mime.c hands on: valid UTF-8, whatever came in. */
	g_autofree char *text = mime_to_utf8(bytes, strlen(bytes), "utf-8");
	g_autofree char *own = mime_own_text(text);
	struct classify_result result;
	guint i;

	classify_text(rules, "Oikaisupyyntö / rectification", own, text, NULL, &result);
	if (result.changes->len > 0 && !g_ptr_array_find_with_equal_func(
	    result.kinds, "rectification", g_str_equal, NULL))
		fuzz_die("changes read from a mail that asks for no correction", NULL);
	for (i = 0; i < result.changes->len; i++) {
		const struct classify_change *change = result.changes->pdata[i];

		if (change->field == NULL || change->value == NULL ||
		    !g_utf8_validate(change->field, -1, NULL) ||
		    !g_utf8_validate(change->value, -1, NULL))
			fuzz_die("a change that is not UTF-8 text", NULL);
		(void)map_find_rectifiable(context.map, change->alias != NULL ?
		    change->alias : change->field);
	}
	classify_result_clear(&result);
	return 0;
}
