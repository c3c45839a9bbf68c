/* html.c: fuzz the HTML-to-text path: the input is the body of an
 * HTML-only mail (as in the html-only mails of tests/mail), parsed by
 * mime_mail_parse, which turns the HTML into text with libxml2 and cuts
 * the sender's own words from it (src/mail/mime.c). */
#include <string.h>

#include "mail/mime.h"
#include "fuzz.h"

static const char head[] = "From: Matti <matti@example.org>\r\n"
    "To: tietosuoja@hrmentor.fi\r\nSubject: Tietopyyntö\r\n"
    "Message-ID: <html@example.org>\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n\r\n";

/* One input: the HTML of a mail. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GByteArray *mail = g_byte_array_sized_new((guint)(sizeof head + size));
	g_autoptr(GBytes) raw = NULL;
	struct mime_mail parsed;

	g_byte_array_append(mail, (const guint8 *)head, sizeof head - 1);
	g_byte_array_append(mail, data, (guint)size);
	raw = g_byte_array_free_to_bytes(mail);
	mime_mail_parse(raw, &parsed);
	if (!parsed.parsed || parsed.text == NULL || parsed.own == NULL)
		fuzz_die("an HTML mail came back without its text", NULL);
	if (!g_utf8_validate(parsed.text, -1, NULL) ||
	    !g_utf8_validate(parsed.own, -1, NULL))
		fuzz_die("the text of an HTML mail is not UTF-8", NULL);
	mime_mail_clear(&parsed);
	return 0;
}
