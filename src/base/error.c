/* error.c: the DSR_ERROR domain and its mapping to exit codes. */
#include <stdio.h>
#include <stdlib.h>

#include "base/error.h"

G_DEFINE_QUARK(dsr-error-quark, dsr_error)

/* Map an error to the sysexits.h status main() returns. */
int
dsr_error_exit_code(const GError *error)
{
	if (error == NULL)
		return EX_OK;
	if (error->domain == DSR_ERROR && error->code > 0)
		return error->code;
	return EX_SOFTWARE;
}

/* Report a failure that cannot be recovered from and exit. */
void
dsr_fatal_at(const char *function, const char *format, ...)
{
	va_list ap;

	fprintf(stderr, "dsrmail: %s: ", function);
	va_start(ap, format);
	vfprintf(stderr, format, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EX_SOFTWARE);
}
