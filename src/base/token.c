/* token.c: random tokens, their hashes, constant-time comparison. */
#include <string.h>
#include <sys/random.h>

#include "base/error.h"
#include "base/regex.h"
#include "base/token.h"

static const char base32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* 128 random bits written in base32. */
char *
token_new(void)
{
	guint8 random[16];
	char *token = g_malloc(TOKEN_LENGTH + 1);
	guint bits = 0, buffer = 0;
	size_t i, out = 0;

	if (getrandom(random, sizeof random, 0) != (ssize_t)sizeof random)
		dsr_fatal("getrandom failed: cannot make a token");
	for (i = 0; i < sizeof random; i++) {
		buffer = (buffer << 8) | random[i];
		bits += 8;
		while (bits >= 5) {
			token[out++] = base32[(buffer >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	token[out++] = base32[(buffer << (5 - bits)) & 31];
	token[out] = '\0';
	return token;
}

/* SHA-256 of the token without white space, upper-cased. */
char *
token_hash(const char *token)
{
	GString *clean = g_string_new(NULL);
	const char *p;
	char *hash;

	for (p = token; *p != '\0'; p++)
		if (!g_ascii_isspace(*p))
			g_string_append_c(clean, g_ascii_toupper(*p));
	hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, clean->str,
	    (gssize)clean->len);
	g_string_free(clean, TRUE);
	return hash;
}

/* Compare every byte whatever the earlier ones were. */
gboolean
token_hash_equal(const char *a, const char *b)
{
	size_t length = strlen(a), i;
	unsigned char difference = 0;

	if (length != strlen(b))
		return FALSE;
	for (i = 0; i < length; i++)
		difference |= (unsigned char)(a[i] ^ b[i]);
	return difference == 0;
}

/* Words of exactly TOKEN_LENGTH base32 characters. */
GPtrArray *
token_find_all(const char *text)
{
	static GRegex *slot;
	GRegex *regex = regex_get(&slot, "(?<![A-Za-z0-9])[A-Za-z2-7]{26}"
	    "(?![A-Za-z0-9])", 0);
	g_autoptr(GMatchInfo) match = NULL;
	GPtrArray *found = g_ptr_array_new_with_free_func(g_free);

	g_regex_match(regex, text != NULL ? text : "", 0, &match);
	for (; g_match_info_matches(match); g_match_info_next(match, NULL)) {
		g_autofree char *word = g_match_info_fetch(match, 0);
		g_ptr_array_add(found, g_ascii_strup(word, -1));
	}
	return found;
}
