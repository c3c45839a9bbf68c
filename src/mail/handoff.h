/* handoff.h: how `dsrmail deliver` hands one mail to the resident service
 * `dsrmail serve` over a unix socket, and gets its verdict back. Both sides
 * (src/cmd/front.c and src/cmd/serve.c) use these functions, so the framing
 * is written down once:
 *
 *   deliver: "DSRMAIL-DELIVER 1\n" "config /absolute/dsrmail.conf\n" "\n"
 *   serve:   "OK\n", or "REFUSED why\n" (deliver then runs in process)
 *   deliver: the mail in chunks, each "LENGTH\n" and LENGTH bytes
 *            (LENGTH decimal, 1 to HANDOFF_CHUNK_MAX), then "0\n"
 *   serve:   after the commit, "STATUS CODE OUTLEN ERRLEN\n", then OUTLEN
 *            bytes for deliver's stdout and ERRLEN for its stderr
 *
 * A connection that ends anywhere before "0\n" is a mail not handed over:
 * serve stores nothing of it. */
#ifndef DSR_HANDOFF_H
#define DSR_HANDOFF_H

#include <glib.h>

#define HANDOFF_GREETING "DSRMAIL-DELIVER 1"
#define HANDOFF_CHUNK_MAX (1024 * 1024)
#define HANDOFF_LINE_MAX 4200     /* a path of PATH_MAX and its key */

/* The service's side of one hand-off, fed the bytes as they come. */
struct handoff_reader {
	GString *line;            /* the line being read (greeting, header, length) */
	int lines;                /* the greeting's lines read */
	gboolean hello;           /* the greeting is complete: answer it */
	gboolean done;            /* "0\n" seen: the mail is whole */
	char *config;             /* the config the sender was given */
	gint64 chunk_left;        /* bytes of the current chunk still to come */
	gint64 limit;             /* keep at most this many bytes of the mail */
	gint64 total;             /* every byte of the mail, kept or not */
	GByteArray *kept;
};

/* A reader keeping at most limit bytes of the mail (set limit again after
 * the greeting, once the config is known). */
void handoff_reader_init(struct handoff_reader *reader, gint64 limit);

/* Take the next bytes. 0, or -1 with DSR_ERROR_DATA saying what broke the
 * framing (then the mail is refused whole). Bytes after the greeting in the
 * same feed, or after "0\n", are errors: the sender waits for "OK". */
int handoff_reader_feed(struct handoff_reader *reader, const guint8 *data,
    gsize length, GError **error);

/* The kept bytes of a done reader, taken out of it. */
GBytes *handoff_reader_mail(struct handoff_reader *reader);

void handoff_reader_clear(struct handoff_reader *reader);

/* Write all of data to the socket fd (no SIGPIPE). 0, or -1 with
 * DSR_ERROR_TEMPORARY. */
int handoff_send(int fd, const void *data, gsize length, GError **error);

/* The greeting naming config. */
int handoff_send_hello(int fd, const char *config, GError **error);

/* One chunk of the mail (none when length is 0), and with end the end
 * after it, in one write: the service wakes once for a small mail. */
int handoff_send_chunk(int fd, const void *data, gsize length, gboolean end,
    GError **error);

/* The verdict as serve sends it. */
GBytes *handoff_reply_format(int status, const char *out, gsize out_length,
    const char *err, gsize err_length);

/* Read a whole verdict. 0 with *status and the two texts (new strings,
 * their lengths in the GBytes), or -1 with DSR_ERROR_DATA when it is
 * short or malformed. */
int handoff_reply_parse(const char *data, gsize length, int *status,
    GBytes **out, GBytes **err, GError **error);

#endif
