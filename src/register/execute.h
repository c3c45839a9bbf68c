/* execute.h: carrying out a decided request on the register, through the data
 * map only. Each function works inside the caller's transaction; the caller
 * writes the events and the reply with it. */
#ifndef DSR_EXECUTE_H
#define DSR_EXECUTE_H

#include <glib.h>

#include "rules/map.h"
#include "store/store.h"

/* A legal hold that kept data on erasure (N15, N16): the reply says what
 * stays, why (hold->reason) and until when (until, else hold->until_text). */
struct kept {
	const struct map_hold *hold;
	char *until;              /* ISO date, or NULL */
	guint rows;               /* rows of hold->table kept whole */
};

/* What an erasure or anonymisation did. */
struct erasure {
	GPtrArray *kept;          /* struct kept *; empty: nothing was kept */
	guint rows_deleted;
	guint values_cleared;     /* set to NULL or anonymised */
	GPtrArray *tables_changed; /* const struct map_table *, for N12 recipients */
};

enum erase_mode {
	ERASE_MODE_ERASE,         /* right to erasure (Art. 17, N16) */
	ERASE_MODE_ANONYMISE,     /* anonymisation (N17): rows stay, identity goes */
};

/* Erase or anonymise one subject's data as the map says, keeping what the
 * holds require (evaluated at now) and restricting what is kept. Fills
 * *result (erasure_clear frees it). 0, or -1 with error. */
int execute_erase(struct store *store, const struct map *map, gint64 subject,
    GDateTime *now, enum erase_mode mode, struct erasure *result, GError **error);

void erasure_clear(struct erasure *result);

/* Check a proposed new value for a column's type (an e-mail must be an
 * address, a phone a phone number, ...). NULL when it is fine, else why not,
 * in language (a static string: a refusal reason for the subject, N13). */
const char *execute_check_value(const struct map_column *column,
    const char *value, enum language language);

/* Rectify one value of the subject row (N11): the column must be marked
 * rectify in the map and the value pass execute_check_value. *old_value gets
 * the value it replaced (a new string or NULL). 0, or -1 with
 * DSR_ERROR_DATA (refused, with the reason) or another error. */
int execute_rectify(struct store *store, const struct map *map, gint64 subject,
    const struct map_column *column, const char *value, char **old_value,
    GError **error);

/* Set a flag column of the subject row (bans, restriction) to value. */
int execute_set_flag(struct store *store, const struct map_column *column,
    gint64 subject, gboolean value, GError **error);

/* Read a flag column of the subject row into *value (NULL or 0: FALSE; a
 * NULL column: FALSE too). 0, or -1 with error. */
int execute_get_flag(struct store *store, const struct map_column *column,
    gint64 subject, gboolean *value, GError **error);

#endif
