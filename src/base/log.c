/* log.c: levelled log lines on stderr, or in syslog (facility mail) when
 * dsrmail runs as a service. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "base/error.h"
#include "base/log.h"

static int verbosity;
static gboolean to_syslog;
static int copy_fd = -1;
static GString *capture;

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

/* Open the copy of the log (see log.h). */
int
log_copy_open(const char *path, GError **error)
{
	copy_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (copy_fd < 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CANT_CREATE,
		    "cannot open the log copy %s (DSRMAIL_LOG_COPY): %s; "
		    "unset DSRMAIL_LOG_COPY or name a writable file", path,
		    g_strerror(errno));
		return -1;
	}
	return 0;
}

/* Append one line to the log copy, "pid tag message", in one write. */
static void
log_copy_write(const char *tag, const char *format, va_list ap)
{
	g_autofree char *message = g_strdup_vprintf(format, ap);
	g_autofree char *line = g_strdup_printf("%ld %s%s\n", (long)getpid(),
	    tag != NULL ? tag : "", message);

	if (write(copy_fd, line, strlen(line)) < 0)
		return;   /* a lost copy line must not stop the real work */
}

/* Capture the lines always shown (see log.h). */
void
log_capture(GString *into)
{
	capture = into;
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
	if (copy_fd >= 0) {
		va_list copy;

		va_copy(copy, ap);
		log_copy_write(tag, format, copy);
		va_end(copy);
	}
	if (capture != NULL && level == 0) {
		va_list copy;

		va_copy(copy, ap);
		g_string_append_printf(capture, "dsrmail: %s", tag != NULL ? tag : "");
		g_string_append_vprintf(capture, format, copy);
		g_string_append_c(capture, '\n');
		va_end(copy);
	}
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

/* Wrap log_copy_write for a fixed message. */
static void
log_copy_message(const char *tag, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	log_copy_write(tag, format, ap);
	va_end(ap);
}

/* The command's failure (see log.h). */
void
log_failure(const char *message)
{
	if (to_syslog)
		syslog(LOG_ERR, "%s", message);
	if (copy_fd >= 0)
		log_copy_message("error: ", "%s", message);
}
