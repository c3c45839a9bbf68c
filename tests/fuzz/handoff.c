/* handoff.c: fuzz the framing serve reads from deliver (src/mail/handoff.c):
 * the input, after its first byte, is what a deliver sends, fed to the
 * reader in pieces as long as that byte says (as recv hands them over),
 * with a small limit so that keeping and counting part ways; then the same
 * bytes as a verdict for handoff_reply_parse, whose result must format
 * back to the same bytes. */
#include <string.h>

#include "mail/handoff.h"
#include "fuzz.h"

/* One input: a piece size, then the bytes. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) out = NULL;
	g_autoptr(GBytes) err = NULL;
	struct handoff_reader reader;
	size_t step, at;
	int status;

	if (size < 1)
		return 0;
	step = (size_t)data[0] % 64 + 1;
	handoff_reader_init(&reader, 100);
	for (at = 1; at < size; at += step) {
		if (handoff_reader_feed(&reader, data + at, MIN(step, size - at),
		    &error) < 0) {
			if (error == NULL || error->message[0] == '\0')
				fuzz_die("broken framing without a message", NULL);
			break;
		}
		if ((gint64)reader.kept->len > reader.limit ||
		    (gint64)reader.kept->len > reader.total)
			fuzz_die("the reader kept more than the limit or than came", NULL);
		if (reader.hello && reader.config == NULL)
			fuzz_die("a greeting taken without its config", NULL);
	}
	handoff_reader_clear(&reader);
	if (handoff_reply_parse((const char *)data + 1, size - 1, &status, &out,
	    &err, NULL) == 0) {
		g_autoptr(GBytes) again = handoff_reply_format(status,
		    g_bytes_get_data(out, NULL), g_bytes_get_size(out),
		    g_bytes_get_data(err, NULL), g_bytes_get_size(err));

		if (g_bytes_get_size(again) != size - 1 ||
		    memcmp(g_bytes_get_data(again, NULL), data + 1, size - 1) != 0)
			fuzz_die("a verdict that does not format back the same", NULL);
	}
	return 0;
}
