/* token.h: the secrets dsrmail mails out: identity challenges (N22) and the
 * tokens of admin notices. At least 128 random bits from getrandom(2); only
 * their SHA-256 is stored, and hashes are compared in constant time. */
#ifndef DSR_TOKEN_H
#define DSR_TOKEN_H

#include <glib.h>

/* Characters of a token: 26 of RFC 4648 base32 (A-Z, 2-7) carry 130 bits,
 * of which 128 are random. */
#define TOKEN_LENGTH 26

/* A new random token as text; the caller frees it. Aborts (dsr_fatal) if
 * the kernel gives no randomness. */
char *token_new(void);

/* The SHA-256 (hex) of a token as written: case and white space do not
 * count. The caller frees it. */
char *token_hash(const char *token);

/* TRUE when two hex hashes are equal, in time independent of where they
 * differ. */
gboolean token_hash_equal(const char *a, const char *b);

/* Every word of text that looks like a token, upper-cased, as a new array of
 * strings (g_ptr_array_unref). */
GPtrArray *token_find_all(const char *text);

#endif
