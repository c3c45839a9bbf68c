/* log.h: operational log lines, prefixed with the subsystem ("store: ...").
 *
 * Log lines carry request ids, row keys and counts, never names or addresses
 * (N20): callers pass no personal data in. They go to stderr ("dsrmail: ..."),
 * or, after log_use_syslog() (the global option --syslog, which the service
 * units and MTA pipes use), to syslog with ident "dsrmail" and facility
 * mail. Messages meant for the person at the terminal (results, listings)
 * are printed by the commands on stdout. */
#ifndef DSR_LOG_H
#define DSR_LOG_H

#include <glib.h>

/* Set how much is logged: 0 notices, warnings and errors, 1 (-v) info,
 * 2 (-vv) debug. */
void log_set_verbosity(int level);

/* Send every later line to syslog (LOG_MAIL, ident dsrmail, with the pid)
 * instead of stderr. */
void log_use_syslog(void);

/* Also append every later line, at every level whatever the verbosity, to
 * the file at path (created 0600): the environment variable
 * DSRMAIL_LOG_COPY names it, so a whole test run's log can be searched for
 * personal data (N20). Lines are written with one write(2) each, so several
 * processes can share the file. Returns -1 and sets error when the file
 * cannot be opened. */
int log_copy_open(const char *path, GError **error);

/* While into is not NULL, also append every line shown whatever the
 * verbosity (notices, warnings, errors) to it, as stderr would show it
 * ("dsrmail: warning: ...\n"): `dsrmail serve` hands a mail's lines back
 * to the deliver that sent it. NULL stops. */
void log_capture(GString *into);

/* TRUE after log_use_syslog(). */
gboolean log_is_syslog(void);

void log_debug(const char *format, ...) G_GNUC_PRINTF(1, 2);
void log_info(const char *format, ...) G_GNUC_PRINTF(1, 2);
/* What a run did (counts), always logged: a sweep's or a poll's summary. */
void log_notice(const char *format, ...) G_GNUC_PRINTF(1, 2);
void log_warn(const char *format, ...) G_GNUC_PRINTF(1, 2);
void log_error(const char *format, ...) G_GNUC_PRINTF(1, 2);

/* The message a failed command ends with: to syslog under --syslog and to
 * the log copy; main() prints it on stderr itself. */
void log_failure(const char *message);

#endif
