/* clock.h: the one source of "now", and the durations of the config. */
#ifndef DSR_CLOCK_H
#define DSR_CLOCK_H

#include <glib.h>

/* A period of time as the config writes it: "7d", "10y", "5d", "12h".
 * Months and years are calendar months (GDPR Art. 12(3) counts in months),
 * the rest exact seconds. */
struct duration {
	int months;
	gint64 seconds;
};

/* Read $DSRMAIL_NOW once; fail if it is set but not ISO 8601. */
int clock_init(GError **error);

/* Now, in UTC: $DSRMAIL_NOW when set, else the system clock.
 * Returns a new reference; the caller unrefs it. */
GDateTime *clock_now(void);

/* Now as ISO 8601 text ("2026-11-26T10:25:04Z"); the caller frees it. */
char *clock_now_iso(void);

/* Format a time as ISO 8601 UTC text; the caller frees it. */
char *clock_format_iso(GDateTime *time);

/* Parse ISO 8601 text (a date alone counts as midnight UTC); NULL if it is not
 * a time. The caller unrefs the result. */
GDateTime *clock_parse_iso(const char *text);

/* Parse "<number><unit>" with unit s, m(inutes), h, d, w, mo(nths), y.
 * Returns 0, or -1 with nothing written to *out. */
int duration_parse(const char *text, struct duration *out);

/* time + duration; a new reference. */
GDateTime *duration_add(GDateTime *time, const struct duration *duration);

/* time - duration; a new reference. */
GDateTime *duration_subtract(GDateTime *time, const struct duration *duration);

#endif
