/* handoff.c: the framing of a mail handed from deliver to serve (see
 * handoff.h). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "base/error.h"
#include "mail/handoff.h"

/* A reader keeping at most limit bytes. */
void
handoff_reader_init(struct handoff_reader *reader, gint64 limit)
{
	memset(reader, 0, sizeof *reader);
	reader->line = g_string_new(NULL);
	reader->kept = g_byte_array_new();
	reader->limit = limit;
}

void
handoff_reader_clear(struct handoff_reader *reader)
{
	if (reader->line != NULL)
		g_string_free(reader->line, TRUE);
	if (reader->kept != NULL)
		g_byte_array_unref(reader->kept);
	g_free(reader->config);
	memset(reader, 0, sizeof *reader);
}

/* Fail: the framing is broken. */
static int
handoff_broken(GError **error, const char *what)
{
	g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "the hand-off of a mail is "
	    "malformed (%s); nothing of it was stored", what);
	return -1;
}

/* One whole line of the greeting: the version, "config PATH", "". */
static int
handoff_greeting_line(struct handoff_reader *reader, const char *line,
    GError **error)
{
	if (reader->lines == 0) {
		if (strcmp(line, HANDOFF_GREETING) != 0)
			return handoff_broken(error, "it does not start with \""
			    HANDOFF_GREETING "\": deliver and serve are not the same "
			    "version of dsrmail");
	} else if (*line == '\0') {
		if (reader->config == NULL)
			return handoff_broken(error, "no config named");
		reader->hello = TRUE;
	} else if (g_str_has_prefix(line, "config /") && reader->config == NULL) {
		reader->config = g_strdup(line + strlen("config "));
	} else
		return handoff_broken(error, "an unknown line in the greeting");
	reader->lines++;
	return 0;
}

/* One whole chunk length line. */
static int
handoff_length_line(struct handoff_reader *reader, const char *line,
    GError **error)
{
	guint64 length;

	if (*line < '0' || *line > '9' || !g_ascii_string_to_unsigned(line, 10,
	    0, HANDOFF_CHUNK_MAX, &length, NULL))
		return handoff_broken(error, "a chunk length is not a number of "
		    "at most " G_STRINGIFY(HANDOFF_CHUNK_MAX));
	if (length == 0)
		reader->done = TRUE;
	reader->chunk_left = (gint64)length;
	return 0;
}

/* Take chunk bytes: keep them up to the limit, count them all. */
static gsize
handoff_chunk_bytes(struct handoff_reader *reader, const guint8 *data,
    gsize length)
{
	gsize take = (gsize)MIN((gint64)length, reader->chunk_left);
	gint64 room = reader->limit - (gint64)reader->kept->len;

	if (room > 0)
		g_byte_array_append(reader->kept, data, (guint)MIN((gint64)take, room));
	reader->total += (gint64)take;
	reader->chunk_left -= (gint64)take;
	return take;
}

/* Take the next bytes (see handoff.h). */
int
handoff_reader_feed(struct handoff_reader *reader, const guint8 *data,
    gsize length, GError **error)
{
	gboolean answered = reader->hello;   /* the greeting came before */
	gsize i = 0;

	while (i < length) {
		const guint8 *newline;
		int status;

		if (reader->done)
			return handoff_broken(error, "bytes after the end of the mail");
		if (reader->chunk_left > 0) {
			i += handoff_chunk_bytes(reader, data + i, length - i);
			continue;
		}
		newline = memchr(data + i, '\n', length - i);
		if (newline == NULL) {
			g_string_append_len(reader->line, (const char *)data + i,
			    (gssize)(length - i));
			if (reader->line->len > HANDOFF_LINE_MAX)
				return handoff_broken(error, "a line is too long");
			return 0;
		}
		g_string_append_len(reader->line, (const char *)data + i,
		    newline - (data + i));
		i = (gsize)(newline - data) + 1;
		if (reader->line->len > HANDOFF_LINE_MAX ||
		    strlen(reader->line->str) != reader->line->len)
			return handoff_broken(error, "a line is too long or holds a "
			    "NUL byte");
		status = reader->hello ?
		    handoff_length_line(reader, reader->line->str, error) :
		    handoff_greeting_line(reader, reader->line->str, error);
		g_string_truncate(reader->line, 0);
		if (status < 0)
			return -1;
		if (!answered && reader->hello && i < length)
			return handoff_broken(error, "the mail came before the service "
			    "answered");
	}
	return 0;
}

/* The kept bytes, taken out of the reader. */
GBytes *
handoff_reader_mail(struct handoff_reader *reader)
{
	GByteArray *kept = reader->kept;

	reader->kept = g_byte_array_new();
	return g_byte_array_free_to_bytes(kept);
}

/* Write all of data (see handoff.h). */
int
handoff_send(int fd, const void *data, gsize length, GError **error)
{
	const char *next = data;

	while (length > 0) {
		ssize_t sent = send(fd, next, length, MSG_NOSIGNAL);

		if (sent < 0 && errno == EINTR)
			continue;
		if (sent <= 0) {
			g_set_error(error, DSR_ERROR, DSR_ERROR_TEMPORARY, "writing to "
			    "the dsrmail service: %s", g_strerror(errno));
			return -1;
		}
		next += sent;
		length -= (gsize)sent;
	}
	return 0;
}

/* The greeting naming config. */
int
handoff_send_hello(int fd, const char *config, GError **error)
{
	g_autofree char *hello = g_strdup_printf(HANDOFF_GREETING "\nconfig %s\n\n",
	    config);

	return handoff_send(fd, hello, strlen(hello), error);
}

/* One chunk, and maybe the end, in one write. */
int
handoff_send_chunk(int fd, const void *data, gsize length, gboolean end,
    GError **error)
{
	g_autoptr(GString) frame = g_string_sized_new(length + 32);

	if (length > 0) {
		g_string_append_printf(frame, "%" G_GSIZE_FORMAT "\n", length);
		g_string_append_len(frame, data, (gssize)length);
	}
	if (end)
		g_string_append(frame, "0\n");
	return handoff_send(fd, frame->str, frame->len, error);
}

/* The verdict as serve sends it. */
GBytes *
handoff_reply_format(int status, const char *out, gsize out_length,
    const char *err, gsize err_length)
{
	GString *reply = g_string_new(NULL);

	g_string_append_printf(reply, "STATUS %d %" G_GSIZE_FORMAT " %"
	    G_GSIZE_FORMAT "\n", status, out_length, err_length);
	g_string_append_len(reply, out, (gssize)out_length);
	g_string_append_len(reply, err, (gssize)err_length);
	return g_string_free_to_bytes(reply);
}

/* Read a whole verdict (see handoff.h). */
int
handoff_reply_parse(const char *data, gsize length, int *status,
    GBytes **out, GBytes **err, GError **error)
{
	const char *newline = memchr(data, '\n', MIN(length, 64));
	g_autofree char *line = NULL;
	g_autofree char *canonical = NULL;
	g_auto(GStrv) words = NULL;
	guint64 code, out_length, err_length;
	gsize start;

	if (newline == NULL || !g_str_has_prefix(data, "STATUS "))
		goto broken;
	line = g_strndup(data, (gsize)(newline - data));
	words = g_strsplit(line, " ", -1);
	if (g_strv_length(words) != 4 ||
	    !g_ascii_string_to_unsigned(words[1], 10, 0, 255, &code, NULL) ||
	    !g_ascii_string_to_unsigned(words[2], 10, 0, G_MAXINT32, &out_length, NULL) ||
	    !g_ascii_string_to_unsigned(words[3], 10, 0, G_MAXINT32, &err_length, NULL))
		goto broken;
	start = (gsize)(newline - data) + 1;
	canonical = g_strdup_printf("STATUS %u %u %u", (unsigned)code,
	    (unsigned)out_length, (unsigned)err_length);
	/* no NUL, no leading zeros or signs: only the line serve writes */
	if (strlen(line) != start - 1 || strcmp(line, canonical) != 0 ||
	    length - start != out_length + err_length)
		goto broken;
	*status = (int)code;
	*out = g_bytes_new(data + start, out_length);
	*err = g_bytes_new(data + start + out_length, err_length);
	return 0;
broken:
	g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "the dsrmail service's "
	    "answer is cut short or malformed");
	return -1;
}
