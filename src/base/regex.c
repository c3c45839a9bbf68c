/* regex.c: constant patterns compiled once (see regex.h). */
#include "base/error.h"
#include "base/regex.h"

/* The compiled pattern in *slot, compiled on first use. */
GRegex *
regex_get(GRegex **slot, const char *pattern, GRegexCompileFlags flags)
{
	if (g_once_init_enter(slot)) {
		g_autoptr(GError) error = NULL;
		GRegex *regex = g_regex_new(pattern, flags, 0, &error);

		if (regex == NULL)
			dsr_fatal("pattern %s does not compile: %s", pattern,
			    error->message);
		g_once_init_leave(slot, regex);
	}
	return *slot;
}
