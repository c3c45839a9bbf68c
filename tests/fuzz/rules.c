/* rules.c: fuzz the classification rules loader (src/request/classify.c
 * classify_load): the input is a classify.rules; when it loads, a sample
 * request is classified with it, so the compiled patterns run too. */
#include "base/error.h"
#include "request/classify.h"
#include "fuzz.h"

static const char sample[] = "Hei,\n\nhaluan tarkastaa tietoni ja poistaa ne.\n"
    "Uusi puhelinnumero: 040 123 4567\nOsoite: Esimerkkikatu 1\n\n"
    "Ystävällisin terveisin\nMatti\n-- \nallekirjoitus\n";

/* One input: a classify.rules file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *path = fuzz_write("fuzz.rules", data, size);
	g_autoptr(GError) error = NULL;
	struct classify_rules *rules = classify_load(path, &error);
	struct classify_result result;

	if (rules == NULL) {
		if (error == NULL || error->message[0] == '\0')
			fuzz_die("refused rules without a message", NULL);
		return 0;
	}
	classify_text(rules, "Re: oikaisu / rectification", sample, sample, sample, &result);
	classify_result_clear(&result);
	classify_free(rules);
	return 0;
}
