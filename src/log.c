/* log.c: levelled log lines on stderr, or in syslog (facility mail) when
 * dsrmail runs as a service. */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "log.h"

static int verbosity;
static gboolean to_syslog;

/* Choose how chatty the log is. */
void
log_set_verbosity(int level)
{
	verbosity = level;
}

/* Log to syslog from now on. */
void
log_use_syslog(void)
{
	openlog("dsrmail", LOG_PID | LOG_NDELAY, LOG_MAIL);
	to_syslog = TRUE;
}

/* Whether lines go to syslog. */
gboolean
log_is_syslog(void)
{
	return to_syslog;
}

/* Write one line: to syslog at priority, or "dsrmail: [tag]message". */
static void
log_write(int level, int priority, const char *tag, const char *format,
    va_list ap)
{
	if (level > verbosity)
		return;
	if (to_syslog) {
		vsyslog(priority, format, ap);
		return;
	}
	fputs("dsrmail: ", stderr);
	if (tag != NULL)
		fputs(tag, stderr);
	vfprintf(stderr, format, ap);
	fputc('\n', stderr);
}

/* Detail for -vv. */
void
log_debug(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	log_write(2, LOG_DEBUG, "debug: ", format, ap);
	va_end(ap);
}

/* Progress for -v. */
void
log_info(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	log_write(1, LOG_INFO, NULL, format, ap);
	va_end(ap);
}

/* A run's summary; always shown. */
void
log_notice(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	log_write(0, LOG_NOTICE, NULL, format, ap);
	va_end(ap);
}

/* Something an operator should look at; always shown. */
void
log_warn(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	log_write(0, LOG_WARNING, "warning: ", format, ap);
	va_end(ap);
}

/* A failure; always shown. */
void
log_error(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	log_write(0, LOG_ERR, "error: ", format, ap);
	va_end(ap);
}
