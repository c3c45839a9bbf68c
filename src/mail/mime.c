/* mime.c: parse an incoming mail with GMime (from a stream), pick its text,
 * bring it to UTF-8, turn HTML into text (libxml2's forgiving HTML parser)
 * and cut the sender's own words from quoted history and signatures. */
#include <string.h>

#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>

#include "mail/mime.h"
#include "base/regex.h"

/* Initialise GMime once, with 8-bit header text read as UTF-8, else
 * windows-1252 (a superset of ISO-8859-1 for printable text). */
static void
mime_init(void)
{
	static gsize done;
	static const char *fallback[] = { "UTF-8", "windows-1252", NULL };

	if (g_once_init_enter(&done)) {
		g_mime_init();
		g_mime_parser_options_set_fallback_charsets(
		    g_mime_parser_options_get_default(), fallback);
		g_once_init_leave(&done, 1);
	}
}

/* windows-1252 bytes 0x80-0x9f as Unicode; 0 where the code page has none. */
static const gunichar cp1252_high[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

/* Decode windows-1252 by table: iconv refuses its five undefined bytes, and
 * this fallback must never fail. Undefined bytes become U+FFFD. */
static char *
cp1252_to_utf8(const char *bytes, gsize length)
{
	GString *out = g_string_sized_new(length + length / 4);
	gsize i;

	for (i = 0; i < length; i++) {
		guchar c = (guchar)bytes[i];
		gunichar u = c < 0x80 ? c : c < 0xa0 ? cp1252_high[c - 0x80] : c;

		/* NUL would end the text early: a space, as in utf8_clean. */
		g_string_append_unichar(out, c == 0 ? ' ' : u == 0 ? 0xfffd : u);
	}
	return g_string_free(out, FALSE);
}

/* TRUE if the bytes hold anything beyond 7-bit ASCII. */
static gboolean
bytes_have_8bit(const char *bytes, gsize length)
{
	gsize i;

	for (i = 0; i < length; i++)
		if ((guchar)bytes[i] >= 0x80)
			return TRUE;
	return FALSE;
}

/* TRUE for charset names that mean Latin-1 or its windows superset. */
static gboolean
charset_is_latin1(const char *canon)
{
	return g_ascii_strcasecmp(canon, "iso-8859-1") == 0 ||
	    g_ascii_strcasecmp(canon, "iso-8859-15") == 0 ||
	    g_ascii_strcasecmp(canon, "windows-1252") == 0 ||
	    g_ascii_strcasecmp(canon, "cp1252") == 0;
}

/* A NUL-terminated copy of length bytes, NULs inside kept (g_strndup
 * would stop at the first). */
static char *
bytes_copy(const char *bytes, gsize length)
{
	char *copy = g_malloc(length + 1);

	memcpy(copy, bytes, length);
	copy[length] = '\0';
	return copy;
}

/* Replace NUL characters (they end C strings early) and make valid UTF-8. */
static char *
utf8_clean(char *text, gsize length)
{
	char *valid;
	gsize i;

	for (i = 0; i < length; i++)
		if (text[i] == '\0')
			text[i] = ' ';
	valid = g_utf8_make_valid(text, (gssize)length);
	g_free(text);
	return valid;
}

/* Bytes in the charset they claim, or in what they evidently are. */
char *
mime_to_utf8(const char *bytes, gsize length, const char *charset)
{
	const char *canon;
	char *converted;
	gsize written = 0;

	mime_init();
	if (bytes == NULL || length == 0)
		return g_strdup("");
	if (!bytes_have_8bit(bytes, length))
		return utf8_clean(bytes_copy(bytes, length), length);
	canon = charset != NULL && *charset != '\0' ?
	    g_mime_charset_canon_name(charset) : "utf-8";
	/* Valid UTF-8 with 8-bit bytes is almost never Latin-1 text, so a
	 * Latin-1 label on it is a mislabel (VIOLATIONS.md). */
	if (g_utf8_validate_len(bytes, length, NULL) &&
	    (charset_is_latin1(canon) || g_ascii_strcasecmp(canon, "utf-8") == 0 ||
	    g_ascii_strcasecmp(canon, "us-ascii") == 0))
		return utf8_clean(bytes_copy(bytes, length), length);
	if (g_ascii_strcasecmp(canon, "utf-8") == 0 ||
	    g_ascii_strcasecmp(canon, "us-ascii") == 0 || charset_is_latin1(canon))
		return cp1252_to_utf8(bytes, length);
	converted = g_convert(bytes, (gssize)length, "UTF-8",
	    g_mime_charset_iconv_name(canon), NULL, &written, NULL);
	if (converted == NULL)
		return cp1252_to_utf8(bytes, length);
	return utf8_clean(converted, written);
}

/* A header value as valid UTF-8, or NULL. */
static char *
header_text(const char *value)
{
	return value == NULL ? NULL : g_utf8_make_valid(value, -1);
}

/* The first mailbox of an address list: its address and display name. */
static void
address_first(InternetAddressList *list, char **address, char **name)
{
	int i, count = list != NULL ? internet_address_list_length(list) : 0;

	for (i = 0; i < count; i++) {
		InternetAddress *item = internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_GROUP(item)) {
			address_first(internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(item)), address, name);
			if (*address != NULL)
				return;
			continue;
		}
		*address = header_text(internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(item)));
		if (name != NULL)
			*name = header_text(internet_address_get_name(item));
		return;
	}
}

/* Return-Path: "<>" is the null sender (""), "<a@b>" the address a@b. */
static char *
return_path_parse(const char *value)
{
	g_autofree char *copy = NULL;
	char *start, *end;

	if (value == NULL)
		return NULL;
	copy = g_strstrip(g_strdup(value));
	start = strchr(copy, '<');
	start = start != NULL ? start + 1 : copy;
	end = strchr(start, '>');
	if (end != NULL)
		*end = '\0';
	return header_text(g_strstrip(start));
}

/* Keep every header as "name\tvalue" for the screening rules. */
static void
headers_collect(GMimeObject *object, GPtrArray *out)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(object);
	int i, count = g_mime_header_list_get_count(list);

	for (i = 0; i < count; i++) {
		GMimeHeader *header = g_mime_header_list_get_header_at(list, i);
		const char *value = g_mime_header_get_value(header);
		g_autofree char *valid = g_utf8_make_valid(value ? value : "", -1);

		g_ptr_array_add(out, g_strdup_printf("%s\t%s",
		    g_mime_header_get_name(header), valid));
	}
}

/* The decoded content bytes of a leaf part (transfer encoding undone). */
static GByteArray *
part_bytes(GMimePart *part)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeStream *memory = g_mime_stream_mem_new();
	GByteArray *bytes;

	if (content != NULL)
		g_mime_data_wrapper_write_to_stream(content, memory);
	/* The stream frees its array's data however many references it has:
	 * take the array over instead. */
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(memory));
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(memory), FALSE);
	g_object_unref(memory);
	return bytes;
}

/* A charset named in an HTML meta tag, for HTML parts without a label. */
static char *
html_meta_charset(const char *bytes, gsize length)
{
	static GRegex *slot;
	GRegex *regex = regex_get(&slot, "<meta[^>]+charset=[\"']?([A-Za-z0-9_.:-]+)",
	    G_REGEX_CASELESS | G_REGEX_RAW);
	g_autoptr(GMatchInfo) match = NULL;

	if (regex == NULL || !g_regex_match_full(regex, bytes, (gssize)length, 0, 0,
	    &match, NULL))
		return NULL;
	return g_match_info_fetch(match, 1);
}

/* A leaf text part's text in UTF-8. */
static char *
part_text(GMimePart *part, gboolean html)
{
	GByteArray *bytes = part_bytes(part);
	const char *label = g_mime_object_get_content_type_parameter(
	    GMIME_OBJECT(part), "charset");
	g_autofree char *meta = NULL;
	char *text;

	if (label == NULL && html)
		label = meta = html_meta_charset((const char *)bytes->data, bytes->len);
	text = mime_to_utf8((const char *)bytes->data, bytes->len, label);
	g_byte_array_unref(bytes);
	return text;
}

/* Where the html walk is: output, quote depth and whether a line is open. */
struct html_state {
	GString *out;
	int depth;
	gboolean line_open;
};

/* End the current line, if one is open. */
static void
html_break(struct html_state *state)
{
	if (state->line_open)
		g_string_append_c(state->out, '\n');
	state->line_open = FALSE;
}

/* Append text, white space collapsed, quote marks at each line start. */
static void
html_text(struct html_state *state, const char *text)
{
	const char *p;

	for (p = text; *p != '\0'; p++) {
		gboolean space = g_ascii_isspace(*p);

		if (space && (!state->line_open || state->out->str[state->out->len - 1] == ' '))
			continue;
		if (!state->line_open) {
			int i;
			for (i = 0; i < state->depth; i++)
				g_string_append(state->out, "> ");
			state->line_open = TRUE;
		}
		g_string_append_c(state->out, space ? ' ' : *p);
	}
}

/* TRUE for elements that start and end a line of text. */
static gboolean
html_is_block(const char *name)
{
	static const char *const blocks[] = { "p", "div", "br", "tr", "li", "ul",
	    "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre",
	    "blockquote", "address", "dt", "dd", NULL };

	return g_strv_contains(blocks, name);
}

/* TRUE for elements that open quoted history: blockquote, and the reply
 * containers Gmail and Thunderbird wrap around the quoted mail. */
static gboolean
html_is_quote(xmlNode *node)
{
	g_autofree char *class_name = NULL;
	xmlChar *value;

	if (g_ascii_strcasecmp((const char *)node->name, "blockquote") == 0)
		return TRUE;
	value = xmlGetProp(node, (const xmlChar *)"class");
	if (value == NULL)
		return FALSE;
	class_name = g_strdup((const char *)value);
	xmlFree(value);
	return strstr(class_name, "gmail_quote") != NULL ||
	    strstr(class_name, "moz-cite-prefix") != NULL;
}

/* Walk the HTML tree and write its text. */
static void
html_walk(xmlNode *node, struct html_state *state)
{
	for (; node != NULL; node = node->next) {
		const char *name = (const char *)node->name;

		if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
			html_text(state, (const char *)node->content);
			continue;
		}
		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (g_ascii_strcasecmp(name, "script") == 0 ||
		    g_ascii_strcasecmp(name, "style") == 0 ||
		    g_ascii_strcasecmp(name, "head") == 0 ||
		    g_ascii_strcasecmp(name, "title") == 0)
			continue;
		if (g_ascii_strcasecmp(name, "br") == 0) {
			if (!state->line_open)
				g_string_append_c(state->out, '\n');
			html_break(state);
			continue;
		}
		gboolean block = html_is_block(name), quote = html_is_quote(node);
		if (block || quote)
			html_break(state);
		state->depth += quote;
		html_walk(node->children, state);
		state->depth -= quote;
		if (block || quote)
			html_break(state);
	}
}

/* HTML (already UTF-8) as plain text; blockquotes become "> " lines. */
static char *
html_to_text(const char *html)
{
	struct html_state state = { g_string_new(NULL), 0, FALSE };
	htmlDocPtr document = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_NONET);

	if (document != NULL) {
		html_walk(xmlDocGetRootElement(document), &state);
		xmlFreeDoc(document);
	}
	html_break(&state);
	return g_string_free(state.out, FALSE);
}

/* The text parts found while walking a mail. */
struct text_choice {
	char *plain;
	char *html;
};

/* Look at one part: a text body candidate, or evidence of a report. */
static void
part_visit(GMimeObject *object, struct mime_mail *mail, struct text_choice *choice);

/* Visit the parts of a multipart in order. */
static void
multipart_visit(GMimeMultipart *multipart, struct mime_mail *mail,
    struct text_choice *choice)
{
	int i, count = g_mime_multipart_get_count(multipart);

	for (i = 0; i < count; i++)
		part_visit(g_mime_multipart_get_part(multipart, i), mail, choice);
}

/* Message-IDs named in a text/rfc822-headers part of a report. */
static void
report_headers_ids(const char *text, GPtrArray *ids)
{
	static GRegex *slot;
	GRegex *regex = regex_get(&slot, "^Message-ID:\\s*<([^>\\s]+)>",
	    G_REGEX_CASELESS | G_REGEX_MULTILINE);
	g_autoptr(GMatchInfo) match = NULL;

	g_regex_match(regex, text, 0, &match);
	while (g_match_info_matches(match)) {
		g_ptr_array_add(ids, g_match_info_fetch(match, 1));
		g_match_info_next(match, NULL);
	}
}

/* The text of an attached mail, as a forward shows it: its Subject line,
 * then its text part (a new string). */
static char *
message_attached_text(GMimeMessage *message)
{
	struct mime_mail inner = { 0 };
	struct text_choice choice = { NULL, NULL };
	g_autofree char *subject = header_text(g_mime_message_get_subject(message));
	GMimeObject *top = g_mime_message_get_mime_part(message);
	char *text;

	inner.headers = g_ptr_array_new_with_free_func(g_free);
	inner.reported_ids = g_ptr_array_new_with_free_func(g_free);
	inner.attached = g_strdup("");    /* no deeper attached mail */
	if (top != NULL)
		part_visit(top, &inner, &choice);
	text = g_strdup_printf("Subject: %s\n\n%s", subject != NULL ? subject : "",
	    choice.plain != NULL ? choice.plain : choice.html != NULL ? choice.html : "");
	g_free(choice.plain);
	g_free(choice.html);
	mime_mail_clear(&inner);
	return text;
}

/* Look at one part (see the declaration above). */
static void
part_visit(GMimeObject *object, struct mime_mail *mail, struct text_choice *choice)
{
	GMimeContentType *type = g_mime_object_get_content_type(object);

	if (GMIME_IS_MULTIPART(object)) {
		if (g_mime_content_type_is_type(type, "multipart", "report"))
			mail->is_report = TRUE;
		multipart_visit(GMIME_MULTIPART(object), mail, choice);
		return;
	}
	if (GMIME_IS_MESSAGE_PART(object)) {
		/* An attached or forwarded mail is history, not the sender's text
		 * (but kept aside: it may be the request forwarded); in a report
		 * it names the mail that bounced. */
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
		if (mail->is_report && inner != NULL &&
		    g_mime_message_get_message_id(inner) != NULL)
			g_ptr_array_add(mail->reported_ids,
			    g_strdup(g_mime_message_get_message_id(inner)));
		else if (!mail->is_report && inner != NULL && mail->attached == NULL)
			mail->attached = message_attached_text(inner);
		return;
	}
	if (!GMIME_IS_PART(object))
		return;
	if (g_mime_content_type_is_type(type, "message", "delivery-status") ||
	    g_mime_content_type_is_type(type, "message", "global-delivery-status"))
		mail->is_report = TRUE;
	if (g_mime_content_type_is_type(type, "application", "pgp-keys"))
		mail->has_keys = TRUE;
	if (g_mime_content_type_is_type(type, "text", "rfc822-headers") ||
	    (mail->is_report && g_mime_content_type_is_type(type, "message", "*"))) {
		g_autofree char *text = part_text(GMIME_PART(object), FALSE);
		report_headers_ids(text, mail->reported_ids);
		return;
	}
	if (g_mime_part_is_attachment(GMIME_PART(object)))
		return;
	if (choice->plain == NULL && g_mime_content_type_is_type(type, "text", "plain")) {
		char *text = part_text(GMIME_PART(object), FALSE);
		if (*g_strstrip(text) == '\0')
			g_free(text);   /* an empty plain part beside HTML (webmail) */
		else
			choice->plain = text;
	} else if (choice->html == NULL && g_mime_content_type_is_type(type, "text", "html")) {
		g_autofree char *html = part_text(GMIME_PART(object), TRUE);
		choice->html = html_to_text(html);
	}
}

/* The envelope "From " line procmail and mbox put before the headers is
 * not part of the mail; GMime would read it as the start of the body. */
static gsize
mbox_from_length(const char *data, gsize length)
{
	const char *end;

	if (length < 5 || memcmp(data, "From ", 5) != 0)
		return 0;
	end = memchr(data, '\n', length);
	return end == NULL ? length : (gsize)(end - data) + 1;
}

/* Fill the header fields of mail from a parsed message. */
static void
mail_read_headers(GMimeMessage *message, struct mime_mail *mail)
{
	GMimeObject *object = GMIME_OBJECT(message);

	mail->message_id = header_text(g_mime_message_get_message_id(message));
	mail->subject = header_text(g_mime_message_get_subject(message));
	address_first(g_mime_message_get_from(message), &mail->from_address,
	    &mail->from_name);
	address_first(g_mime_message_get_reply_to(message), &mail->reply_to, NULL);
	mail->return_path = return_path_parse(g_mime_object_get_header(object,
	    "Return-Path"));
	mail->date = header_text(g_mime_object_get_header(object, "Date"));
	headers_collect(object, mail->headers);
}

/* The message GMime reads in raw after any mbox "From " line (*skip gets
 * that line's length): a new reference, or NULL. With persist the parser
 * keeps the stream (persist_stream), so each part's content is a window on
 * the bytes, whose bounds are offsets from *skip (the stream keeps raw);
 * without, each part's content is its own copy (what checking a signature
 * over the parts wants). The stream reads raw in place, not a copy (a mail
 * may be tens of megabytes). */
static GMimeMessage *
message_parse(GBytes *raw, gboolean persist, gsize *skip)
{
	gsize length;
	const char *data = g_bytes_get_data(raw, &length);
	GByteArray *view = g_new0(GByteArray, 1);
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *message;

	mime_init();
	*skip = data != NULL ? mbox_from_length(data, length) : 0;
	/* A read-only view of raw: a GMimeStreamMem that does not own its array
	 * only reads the array's data and len (GMime 3.2). The stream keeps
	 * the view and raw for as long as it lives, and every part's window on
	 * it (a substream) keeps the stream. */
	view->data = (guint8 *)(data != NULL ? data + *skip : "");
	view->len = (guint)(length - *skip);
	stream = g_mime_stream_mem_new();
	g_mime_stream_mem_set_byte_array(GMIME_STREAM_MEM(stream), view);
	g_object_set_data_full(G_OBJECT(stream), "dsrmail-view", view, g_free);
	g_object_set_data_full(G_OBJECT(stream), "dsrmail-raw", g_bytes_ref(raw),
	    (GDestroyNotify)g_bytes_unref);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_persist_stream(parser, persist);
	message = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	return message;
}

/* Parse with GMime from a memory stream over the bytes (see mime.h). */
GMimeMessage *
mime_message_new(GBytes *raw)
{
	gsize skip;

	return message_parse(raw, FALSE, &skip);
}

/* Parse a mail and read what intake needs from it. */
void
mime_mail_parse(GBytes *raw, struct mime_mail *mail)
{
	struct text_choice choice = { NULL, NULL };
	GMimeMessage *message;
	GMimeObject *top;
	gsize skip;

	memset(mail, 0, sizeof *mail);
	mail->headers = g_ptr_array_new_with_free_func(g_free);
	mail->reported_ids = g_ptr_array_new_with_free_func(g_free);
	message = message_parse(raw, TRUE, &skip);
	if (message != NULL) {
		mail->parsed = TRUE;
		mail_read_headers(message, mail);
		if ((top = g_mime_message_get_mime_part(message)) != NULL) {
			mail->is_signed = GMIME_IS_MULTIPART_SIGNED(top);
			part_visit(top, mail, &choice);
		}
		g_object_unref(message);
	}
	mail->text = choice.plain != NULL ? choice.plain :
	    choice.html != NULL ? g_steal_pointer(&choice.html) : g_strdup("");
	g_free(choice.html);
	mail->own = mime_own_text(mail->text);
}

/* Where the content of the first text part of object ends, as an offset
 * into the parsed bytes; -1 if it has none. The first text part is the
 * first leaf, in order, that part_visit could take as the text: plain or
 * HTML, not an attachment, not inside an attached mail, and for plain
 * text not empty. */
static gint64
part_first_text_end(GMimeObject *object)
{
	GMimeContentType *type = g_mime_object_get_content_type(object);
	GMimeDataWrapper *content;
	GMimeStream *stream;
	int i;

	if (GMIME_IS_MULTIPART(object)) {
		for (i = 0; i < g_mime_multipart_get_count(GMIME_MULTIPART(object)); i++) {
			gint64 end = part_first_text_end(g_mime_multipart_get_part(
			    GMIME_MULTIPART(object), i));
			if (end >= 0)
				return end;
		}
		return -1;
	}
	if (!GMIME_IS_PART(object) || g_mime_part_is_attachment(GMIME_PART(object)) ||
	    (!g_mime_content_type_is_type(type, "text", "plain") &&
	    !g_mime_content_type_is_type(type, "text", "html")))
		return -1;
	if (g_mime_content_type_is_type(type, "text", "plain")) {
		g_autofree char *text = part_text(GMIME_PART(object), FALSE);
		if (*g_strstrip(text) == '\0')
			return -1;
	}
	content = g_mime_part_get_content(GMIME_PART(object));
	stream = content != NULL ? g_mime_data_wrapper_get_stream(content) : NULL;
	if (stream == NULL)
		return -1;
	return stream->bound_end >= 0 ? stream->bound_end :
	    g_mime_stream_length(stream) + stream->bound_start;
}

/* Where the first text part ends in raw (see mime.h). */
gsize
mime_first_text_end(GBytes *raw)
{
	gsize skip;
	GMimeMessage *message = message_parse(raw, TRUE, &skip);
	GMimeObject *body = message != NULL ? g_mime_message_get_mime_part(message) :
	    NULL;
	gint64 end = body != NULL ? part_first_text_end(body) : -1;

	if (message != NULL)
		g_object_unref(message);
	return end < 0 ? 0 : MIN(skip + (gsize)end, g_bytes_get_size(raw));
}

/* Free the fields of a mail. */
void
mime_mail_clear(struct mime_mail *mail)
{
	g_free(mail->message_id);
	g_free(mail->subject);
	g_free(mail->from_address);
	g_free(mail->from_name);
	g_free(mail->reply_to);
	g_free(mail->return_path);
	g_free(mail->date);
	g_free(mail->text);
	g_free(mail->own);
	g_free(mail->attached);
	if (mail->headers != NULL)
		g_ptr_array_unref(mail->headers);
	if (mail->reported_ids != NULL)
		g_ptr_array_unref(mail->reported_ids);
	memset(mail, 0, sizeof *mail);
}

/* First header of that name. */
const char *
mime_mail_header(const struct mime_mail *mail, const char *name)
{
	size_t length = strlen(name);
	guint i;

	for (i = 0; mail->headers != NULL && i < mail->headers->len; i++) {
		const char *line = mail->headers->pdata[i];
		if (g_ascii_strncasecmp(line, name, length) == 0 && line[length] == '\t')
			return line + length + 1;
	}
	return NULL;
}

/* Patterns that end the sender's own text: where quoted or forwarded mail
 * begins, in the languages and clients dsrmail meets. */
static const char own_text_end[] =
    "^(-{2,}\\s*(original message|alkuperäinen viesti|ursprungligt meddelande|"
    "forwarded message|välitetty viesti|vidarebefordrat meddelande|"
    "edelleenlähetetty viesti)\\s*-{2,}|_{10,}\\s*$|-- ?$)";

/* Header lines of an Outlook-style unquoted original ("From:" then "Sent:"). */
static const char own_header_line[] =
    "^\\*?(from|sent|date|to|subject|cc|lähettäjä|lähetetty|päivämäärä|"
    "vastaanottaja|aihe|kopio|från|skickat|datum|till|ämne|kopia)\\*?\\s*:";

/* A reply attribution line: "On Mon, ... Matti wrote:", "... kirjoitti:". */
static const char own_attribution[] =
    "(wrote|kirjoitti|skrev|schrieb)\\s*:\\s*$";

/* A subject line: a web form's "Aihe: Tietosuoja" above its "Lähetetty:"
 * line, not where a quoted mail's header block begins. */
static const char own_subject_line[] = "^\\*?(subject|aihe|ämne)\\*?\\s*:";

/* TRUE if lines[i] starts an unquoted "From: / Sent:" block of a quoted
 * mail (a block does not begin with its subject). */
static gboolean
own_header_block(GRegex *header, GRegex *subject, char **lines, guint i)
{
	guint j, found = 0;

	for (j = i; lines[j] != NULL && j < i + 5; j++)
		if (g_regex_match(header, lines[j], 0, NULL))
			found++;
	return found >= 2 && g_regex_match(header, lines[i], 0, NULL) &&
	    !g_regex_match(subject, lines[i], 0, NULL);
}

/* Cut quoted history and signature from a text (see mime.h). */
char *
mime_own_text(const char *text)
{
	static GRegex *end_slot, *header_slot, *attribution_slot, *subject_slot;
	GRegex *end = regex_get(&end_slot, own_text_end, G_REGEX_CASELESS);
	GRegex *header = regex_get(&header_slot, own_header_line, G_REGEX_CASELESS);
	GRegex *attribution = regex_get(&attribution_slot, own_attribution,
	    G_REGEX_CASELESS);
	GRegex *subject = regex_get(&subject_slot, own_subject_line, G_REGEX_CASELESS);
	g_autofree char *unix_text = g_strdelimit(g_strdup(text), "\r", ' ');
	g_auto(GStrv) lines = g_strsplit(unix_text, "\n", -1);
	GString *own = g_string_new(NULL);
	guint i;

	for (i = 0; lines[i] != NULL; i++) {
		const char *line = lines[i];
		g_autofree char *trimmed = g_strchomp(g_strdup(line));

		if (g_regex_match(end, trimmed, 0, NULL) || g_str_equal(trimmed, "--") ||
		    own_header_block(header, subject, lines, i))
			break;
		if (line[strspn(line, " \t")] == '>')
			continue;
		if (g_regex_match(attribution, trimmed, 0, NULL))
			continue;
		g_string_append(own, trimmed);
		g_string_append_c(own, '\n');
	}
	return g_string_free(own, FALSE);
}
