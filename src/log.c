/* log.c: levelled log lines on stderr. */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static int verbosity;

/* Choose how chatty the log is. */
void
log_set_verbosity(int level)
{
	verbosity = level;
}

/* Write one line "dsrmail: [level: ]message". */
static void
log_write(int level, const char *tag, const char *format, va_list ap)
{
	if (level > verbosity)
		return;
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
	log_write(2, "debug: ", format, ap);
	va_end(ap);
}

/* Progress and counts for -v. */
void
log_info(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	log_write(1, NULL, format, ap);
	va_end(ap);
}

/* Something an operator should look at; always shown. */
void
log_warn(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	log_write(0, "warning: ", format, ap);
	va_end(ap);
}

/* A failure; always shown. */
void
log_error(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	log_write(0, "error: ", format, ap);
	va_end(ap);
}
