/* address.c: normalising and sanity-checking e-mail addresses. */
#include <string.h>

#include "base/address.h"

/* Trim and ASCII-lower-case an address. */
char *
address_normalise(const char *address)
{
	g_autofree char *copy = g_strdup(address != NULL ? address : "");

	return g_ascii_strdown(g_strstrip(copy), -1);
}

/* A bare address a header could carry without quoting. */
gboolean
address_is_plausible(const char *address)
{
	const char *at = strchr(address, '@');

	return at != NULL && at != address && at[1] != '\0' &&
	    strchr(at + 1, '@') == NULL &&
	    strpbrk(address, " \t\r\n<>,;\"()[]\\") == NULL &&
	    strchr(at + 1, '.') != NULL;
}
