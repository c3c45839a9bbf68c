/* map.h: the data map (rules/register.map), which says where a data subject's
 * personal data is in the register and what each request kind may do to it.
 *
 * Register tables and columns are only ever named from here, after they were
 * checked against the database: never from text in a mail. */
#ifndef DSR_MAP_H
#define DSR_MAP_H

#include <glib.h>

#include "base/clock.h"
#include "base/language.h"

/* What erasure does to a column's value when no hold keeps it. */
enum erase_action {
	ERASE_DELETE,     /* the value goes; the row too when all its values go */
	ERASE_NULL,       /* set to NULL, the row stays */
	ERASE_ANONYMISE,  /* replaced by a value that identifies no one */
	ERASE_KEEP,       /* not personal data of the subject (keys, flags) */
};

/* How a table reaches the subject. */
enum link_kind {
	LINK_SUBJECT,     /* the subject table itself */
	LINK_CHILD,       /* this.link_column = subject.key (orders.customer_id) */
	LINK_PARENT,      /* subject.link_column = this.key (customers.organisation_id) */
};

struct map_table;

struct map_column {
	char *name;
	struct map_table *table;      /* owner */
	struct labels label;
	char *category;               /* a [category NAME] of the map */
	char *type;                   /* text, email, phone, url, ip, date, ... */
	gboolean export;              /* part of access and portability replies */
	gboolean rectify;             /* the subject may ask to correct it */
	enum erase_action erase;
};

struct map_table {
	char *name;
	char *key;                    /* primary key column */
	struct labels label;
	struct labels row_label;      /* what one row is called ("customer"), or NULLs */
	enum link_kind link;
	char *link_column;            /* see enum link_kind; NULL for the subject */
	gboolean erase_rows;          /* erasure may delete its rows (erase = delete) */
	GPtrArray *columns;           /* struct map_column *, in database order */
};

/* A legal hold: a named check that keeps data erasure would remove (N15, N16). */
struct map_hold {
	char *name;
	struct map_table *table;      /* rows matching condition are kept whole */
	char *condition;              /* SQL boolean over table's columns; :now bound */
	char *until;                  /* SQL date expression per kept row, or NULL */
	struct labels reason;         /* why it is kept (names the law) */
	struct labels until_text;     /* "until the invoice is paid", when no date */
	GPtrArray *keeps;             /* struct map_column * kept besides the rows */
};

/* A [recipient NAME], told of a correction, erasure or restriction of the
 * data in its tables (N12, GDPR Art. 19), or a [source NAME], told of a
 * correction of the data in the tables it supplies (N12: "whoever the
 * wrong data came from"). */
struct map_recipient {
	char *name;
	char *address;
	GPtrArray *tables;            /* struct map_table *: changes here concern them */
};

struct category {
	char *name;
	struct labels label;
};

struct map {
	char *file;
	struct map_table *subject;     /* also tables->pdata[0] */
	struct map_column *match;      /* the e-mail column identifying a subject */
	struct map_column *marketing_ban;     /* N8 */
	struct map_column *publication_ban;   /* N9 */
	struct map_column *disclosure_ban;    /* N19 */
	struct map_column *restricted;        /* N14 */
	struct map_column *relationship_ended; /* N6: NULL while a customer */
	GPtrArray *tables;             /* struct map_table *, subject first */
	GPtrArray *holds;              /* struct map_hold * */
	GPtrArray *recipients;         /* struct map_recipient * */
	GPtrArray *sources;            /* struct map_recipient *, [source NAME] */
	GPtrArray *categories;         /* struct category * */
};

/* What map_load asks of the register's database; the store answers
 * (store_register_schema), so the map itself holds no SQL. */
struct map_schema {
	/* The column names of table in database order, as a new array of
	 * strings; NULL with DSR_ERROR_CONFIG listing the tables there are. */
	GPtrArray *(*columns)(void *database, const char *table, GError **error);
	/* 0 if condition (and until, if not NULL) compile against table, else
	 * -1 with the database's complaint. */
	int (*check_expression)(void *database, const char *table,
	    const char *condition, const char *until, GError **error);
	void *database;
};

/* Load the map file and check it against the database schema gives: every
 * table and column must exist, every column of a mapped table must be
 * described, every hold condition must compile. Errors are DSR_ERROR_CONFIG
 * naming the file, the group and key, and what the database has.
 * Returns a new map (map_free), or NULL. */
struct map *map_load(const char *path, const struct map_schema *schema,
    GError **error);

void map_free(struct map *map);

/* The table or column of that name, or NULL. */
struct map_table *map_find_table(const struct map *map, const char *name);
struct map_column *map_find_column(const struct map_table *table, const char *name);

/* The subject-table column the sender named, by column name or by its label
 * in any language, case-insensitively ("Puhelinnumero", "phone"); NULL if
 * none. Only columns marked rectifiable are found. */
struct map_column *map_find_rectifiable(const struct map *map, const char *field);

/* The category of a column, or NULL. */
const struct category *map_category(const struct map *map, const char *name);

#endif
