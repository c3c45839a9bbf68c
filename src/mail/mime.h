/* mime.h: one incoming mail read with GMime, reduced to what intake needs:
 * the sender's headers, the text in UTF-8, and the part of it the sender
 * wrote now (quoted history, forwarded mail and signature cut away).
 * Leniencies toward broken mail are listed in VIOLATIONS.md. */
#ifndef DSR_MIME_H
#define DSR_MIME_H

#include <glib.h>
#include <gmime/gmime.h>

/* A parsed mail. Every string is UTF-8 (or NULL), owned by the struct. */
struct mime_mail {
	gboolean parsed;          /* FALSE: GMime found no message in the bytes */
	char *message_id;         /* without <>, or NULL */
	char *subject;            /* decoded (RFC 2047, 8-bit fallback), or NULL */
	char *from_address;       /* first mailbox of From, as written */
	char *from_name;          /* its display name, or NULL */
	char *reply_to;           /* first mailbox of Reply-To, or NULL */
	char *return_path;        /* the address in Return-Path ("" for <>), or NULL */
	char *date;               /* Date header as written, or NULL */
	char *text;               /* the chosen text part (plain, or HTML as text) */
	char *own;                /* text without quoted history and signature */
	char *attached;           /* the first attached mail (message/rfc822, not
	                             in a report): "Subject: ..." and its text,
	                             or NULL */
	gboolean is_report;       /* multipart/report or a delivery-status part */
	GPtrArray *headers;       /* char *: "name\tvalue" of every header, in order */
	GPtrArray *reported_ids;  /* char *: Message-IDs (no <>) of mails a report
	                             returns (message/rfc822, text/rfc822-headers) */
	gboolean is_signed;       /* the whole body is multipart/signed (crypto.c) */
	gboolean has_keys;        /* an application/pgp-keys part is attached */
};

/* Parse raw mail bytes. Never fails: a mail GMime cannot read comes back
 * with parsed FALSE. Clear the result with mime_mail_clear. */
void mime_mail_parse(GBytes *raw, struct mime_mail *mail);

/* How many bytes of raw reach to the end of its first text part (the plain
 * or HTML text part_visit would read first, as mime_mail_parse picks it):
 * cut there, the mail keeps its headers and that text and loses what
 * follows, its attachments. 0 when raw has no such part. raw may be only
 * the start of a mail. */
gsize mime_first_text_end(GBytes *raw);

/* The raw bytes (an mbox "From " line skipped) parsed by GMime: a new
 * message the caller unrefs, or NULL if GMime finds none. */
GMimeMessage *mime_message_new(GBytes *raw);

/* Free what a mime_mail holds (not the struct itself). */
void mime_mail_clear(struct mime_mail *mail);

/* The value of the first header called name (case-insensitive), decoded;
 * NULL if there is none. Owned by mail. */
const char *mime_mail_header(const struct mime_mail *mail, const char *name);

/* Convert bytes that claim charset (may be NULL) to valid UTF-8, falling back
 * to windows-1252 for 8-bit text that is not what it claims. The caller
 * frees the result. */
char *mime_to_utf8(const char *bytes, gsize length, const char *charset);

/* The sender's own text of a plain-text body: lines quoted with '>', reply
 * attributions ("... wrote:"), Outlook-style original-message blocks,
 * forwarded mail and everything after a "-- " signature line removed.
 * The caller frees the result. */
char *mime_own_text(const char *text);

#endif
