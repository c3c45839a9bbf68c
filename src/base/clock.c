/* clock.c: "now" (honouring $DSRMAIL_NOW, which tests of deadlines and
 * retention rely on) and calendar arithmetic on config durations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/error.h"

static GDateTime *fixed_now;

/* Parse ISO 8601 text, accepting a plain date as midnight UTC. */
GDateTime *
clock_parse_iso(const char *text)
{
	g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
	GDateTime *time;
	int y, m, d;
	char rest;

	if (text == NULL || *text == '\0')
		return NULL;
	time = g_date_time_new_from_iso8601(text, utc);
	if (time != NULL)
		return time;
	if (sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &rest) == 3)
		return g_date_time_new(utc, y, m, d, 0, 0, 0);
	return NULL;
}

/* Read $DSRMAIL_NOW, if set, as the fixed time every command takes as now. */
int
clock_init(GError **error)
{
	const char *text = g_getenv("DSRMAIL_NOW");

	g_clear_pointer(&fixed_now, g_date_time_unref);
	if (text == NULL || *text == '\0')
		return 0;
	fixed_now = clock_parse_iso(text);
	if (fixed_now == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG,
		    "DSRMAIL_NOW=\"%s\" is not an ISO 8601 time; "
		    "use e.g. 2026-11-26T10:00:00Z, or unset it", text);
		return -1;
	}
	return 0;
}

/* The current time in UTC. */
GDateTime *
clock_now(void)
{
	if (fixed_now != NULL)
		return g_date_time_ref(fixed_now);
	return g_date_time_new_now_utc();
}

/* Format a time as "YYYY-MM-DDTHH:MM:SSZ" in UTC. */
char *
clock_format_iso(GDateTime *time)
{
	g_autoptr(GDateTime) utc = g_date_time_to_utc(time);

	return g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* Now as ISO 8601 text. */
char *
clock_now_iso(void)
{
	g_autoptr(GDateTime) now = clock_now();

	return clock_format_iso(now);
}

/* Parse a config duration such as "7d", "10y", "36h" or "2mo". */
int
duration_parse(const char *text, struct duration *out)
{
	static const struct { const char *unit; int months; gint64 seconds; } units[] = {
		{ "s", 0, 1 }, { "m", 0, 60 }, { "min", 0, 60 }, { "h", 0, 3600 },
		{ "d", 0, 86400 }, { "w", 0, 7 * 86400 }, { "mo", 1, 0 }, { "y", 12, 0 },
	};
	char *end;
	gint64 count;
	size_t i;

	if (text == NULL)
		return -1;
	while (g_ascii_isspace(*text))
		text++;
	if (!g_ascii_isdigit(*text))
		return -1;
	count = g_ascii_strtoll(text, &end, 10);
	if (count < 0 || count > 100000)
		return -1;
	while (g_ascii_isspace(*end))
		end++;
	for (i = 0; i < G_N_ELEMENTS(units); i++) {
		if (g_ascii_strcasecmp(end, units[i].unit) == 0) {
			out->months = (int)(count * units[i].months);
			out->seconds = count * units[i].seconds;
			return 0;
		}
	}
	return -1;
}

/* Add a duration: calendar months first (31 Jan + 1 month = end of Feb). */
GDateTime *
duration_add(GDateTime *time, const struct duration *duration)
{
	g_autoptr(GDateTime) months = g_date_time_add_months(time, duration->months);

	return g_date_time_add_seconds(months, (gdouble)duration->seconds);
}

/* Subtract a duration. */
GDateTime *
duration_subtract(GDateTime *time, const struct duration *duration)
{
	g_autoptr(GDateTime) months = g_date_time_add_months(time, -duration->months);

	return g_date_time_add_seconds(months, -(gdouble)duration->seconds);
}
