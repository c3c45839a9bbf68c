/* error.h: how dsrmail reports failures.
 *
 * Every function that can fail returns 0 or -1 (or NULL) and sets a GError in
 * the DSR_ERROR domain. The error code is the sysexits.h exit status the
 * command should end with, so the cause and the exit code travel together
 * from the place that knows them to main(). */
#ifndef DSR_ERROR_H
#define DSR_ERROR_H

#include <glib.h>
#include <sysexits.h>

#define DSR_ERROR (dsr_error_quark())

/* Error codes: sysexits.h values, chosen where the failure is understood. */
enum dsr_error_code {
	DSR_ERROR_USAGE = EX_USAGE,           /* 64: the command line is wrong */
	DSR_ERROR_DATA = EX_DATAERR,          /* 65: bad input data */
	DSR_ERROR_NO_INPUT = EX_NOINPUT,      /* 66: an input file is missing */
	DSR_ERROR_UNAVAILABLE = EX_UNAVAILABLE, /* 69: a server cannot be reached */
	DSR_ERROR_SOFTWARE = EX_SOFTWARE,     /* 70: cannot happen */
	DSR_ERROR_CANT_CREATE = EX_CANTCREAT, /* 73: an output file cannot be made */
	DSR_ERROR_IO = EX_IOERR,              /* 74: reading or writing failed */
	DSR_ERROR_TEMPORARY = EX_TEMPFAIL,    /* 75: try again later, nothing lost */
	DSR_ERROR_CONFIG = EX_CONFIG,         /* 78: configuration or rules error */
};

GQuark dsr_error_quark(void);

/* The exit status for a failure: the DSR_ERROR code, else EX_SOFTWARE. */
int dsr_error_exit_code(const GError *error);

/* Prefix an existing error's message with "what: " (g_prefix_error, kept for
 * symmetry with dsr_error_exit_code). */
#define dsr_error_prefix(err, ...) g_prefix_error((err), __VA_ARGS__)

/* Print "dsrmail: <message>" for a start-up failure and exit(EX_SOFTWARE);
 * only for out-of-memory and "cannot happen" (STYLE.md). */
G_NORETURN void dsr_fatal_at(const char *function, const char *format, ...)
	G_GNUC_PRINTF(2, 3);
#define dsr_fatal(...) dsr_fatal_at(__func__, __VA_ARGS__)

#endif
