/* regex.h: the program's constant patterns, each compiled once per process
 * instead of once per mail (poll runs thousands of mails through the same
 * few dozen patterns; compiling them was a sixth of its time). */
#ifndef DSR_REGEX_H
#define DSR_REGEX_H

#include <glib.h>

/* The compiled pattern kept in *slot (a static GRegex * of the caller,
 * NULL at first), compiling it on the first call. Owned by the slot for the
 * process's life: do not unref it. A pattern that does not compile is a
 * programming error and aborts (dsr_fatal). */
GRegex *regex_get(GRegex **slot, const char *pattern, GRegexCompileFlags flags);

#endif
