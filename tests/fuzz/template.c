/* template.c: fuzz the template engine (src/reply/template.c): the input
 * is a template, parsed, checked against a declared set of fields like the
 * reply kinds', and, when it passes the check, rendered in every language
 * with values for every declared field (rendering must then succeed). */
#include <string.h>

#include "reply/template.h"
#include "fuzz.h"

static const char *const fields[] = { "name", "kind", "due_date", "label",
    "kept[]", "rows[label,value]", "empty[]", NULL };

/* The values of every field in fields. */
static struct template_data *
sample_data(void)
{
	struct template_data *data = template_data_new();
	struct labels labels = { { "nimi", "name", "namn" } };
	struct template_data *item;

	template_data_set(data, "name", "Matti {{x}} Meikäläinen");
	template_data_set(data, "kind", "erasure");
	template_data_set(data, "due_date", "2026-12-02");
	template_data_set_labels(data, "label", &labels);
	template_data_add_text(data, "kept", "invoices\nline two");
	template_data_add_text(data, "kept", "");
	item = template_data_add_item(data, "rows");
	template_data_set(item, "label", "Puhelin");
	template_data_set(item, "value", "040 123");
	item = template_data_add_item(data, "rows");
	template_data_set_labels(item, "label", &labels);
	template_data_set(item, "value", "");
	template_data_set_list(data, "empty");
	return data;
}

/* One input: a template. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = fuzz_string(data, size);
	g_autoptr(GError) error = NULL;
	struct template *template = template_parse(text, "fuzz.txt", &error);
	struct template_data *values;
	int l;

	if (template == NULL)
		return 0;
	if (template_check(template, fields, &error) < 0) {
		template_free(template);
		return 0;
	}
	values = sample_data();
	for (l = 0; l < LANG_COUNT; l++) {
		g_autoptr(GError) render_error = NULL;
		g_autofree char *out = template_render(template, values, l,
		    &render_error);

		if (out == NULL)
			fuzz_die("a checked template failed to render", render_error);
	}
	template_data_free(values);
	template_free(template);
	return 0;
}
