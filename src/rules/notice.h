/* notice.h: the privacy-notice facts an access reply carries (N1-N5, N7, N18),
 * from rules/notice.conf, per language. */
#ifndef DSR_NOTICE_H
#define DSR_NOTICE_H

#include <glib.h>

#include "base/language.h"

/* The facts, in the order a reply lists them. */
enum notice_fact {
	NOTICE_REGISTER,      /* register name (N2) */
	NOTICE_CONTROLLER,    /* controller and address (N1) */
	NOTICE_CONTACT,       /* contact person (N1) */
	NOTICE_PURPOSES,      /* purposes of processing (N2) */
	NOTICE_LEGAL_BASIS,   /* N2 */
	NOTICE_CATEGORIES,    /* categories of data (N3) */
	NOTICE_RECIPIENTS,    /* N4 */
	NOTICE_TRANSFERS,     /* outside the EU/EEA (N4) */
	NOTICE_RETENTION,     /* N6 */
	NOTICE_SOURCES,       /* N5 */
	NOTICE_RIGHTS,        /* N7-N19 */
	NOTICE_AUTHORITY,     /* the supervisory authority (N18) */
	NOTICE_FACT_COUNT
};

struct notice {
	char *file;
	struct labels heading[NOTICE_FACT_COUNT];  /* "Purposes", "Käyttötarkoitus" */
	struct labels text[NOTICE_FACT_COUNT];
};

/* The key of a fact in notice.conf ("purposes"). */
const char *notice_fact_key(enum notice_fact fact);

/* Load notice.conf; every fact must have fi and en text. Returns a new notice
 * (notice_free) or NULL with DSR_ERROR_CONFIG naming the file and key. */
struct notice *notice_load(const char *path, GError **error);

void notice_free(struct notice *notice);

#endif
