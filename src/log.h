/* log.h: operational log lines, prefixed with the subsystem ("store: ...").
 *
 * Log lines carry request ids and counts, never names or addresses (N20):
 * callers pass no personal data in. They go to stderr; messages meant for
 * the person at the terminal (errors, results) are printed by the commands. */
#ifndef DSR_LOG_H
#define DSR_LOG_H

#include <glib.h>

/* Set how much is logged: 0 warnings and errors, 1 (-v) info, 2 (-vv) debug. */
void log_set_verbosity(int level);

void log_debug(const char *format, ...) G_GNUC_PRINTF(1, 2);
void log_info(const char *format, ...) G_GNUC_PRINTF(1, 2);
void log_warn(const char *format, ...) G_GNUC_PRINTF(1, 2);
void log_error(const char *format, ...) G_GNUC_PRINTF(1, 2);

#endif
