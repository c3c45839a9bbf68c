/* store.h: the one store layer. All SQL of dsrmail lives in store*.c:
 * store.c holds the connection, the schema and dsrmail's own dsr_ tables;
 * store-register.c reaches the customer register, only through the data map.
 * A PostgreSQL backend would replace these files and nothing else. */
#ifndef DSR_STORE_H
#define DSR_STORE_H

#include <glib.h>
#include <sqlite3.h>

struct store;

/* The schema version this build writes (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION 1

/* Open the database at path. With create, a missing file is created mode
 * 0600; without, a missing or outdated database is a DSR_ERROR_CONFIG saying
 * to run "dsrmail init". Sets WAL, foreign keys, secure_delete and a busy
 * timeout. Returns a new store (store_close), or NULL with error set. */
struct store *store_open(const char *path, gboolean create, GError **error);

/* Close the database and finalize cached statements; NULL is fine. */
void store_close(struct store *store);

/* Create or upgrade the schema to STORE_SCHEMA_VERSION in one transaction.
 * *from is set to the version found (0: new). Idempotent. */
int store_init(struct store *store, int *from, GError **error);

/* Transactions: BEGIN IMMEDIATE, COMMIT, ROLLBACK. Busy, locked, full and
 * I/O failures come back as DSR_ERROR_TEMPORARY (retry later). */
int store_begin(struct store *store, GError **error);
int store_commit(struct store *store, GError **error);
void store_rollback(struct store *store);

/* A group of transactions committed together (one commit where there
 * would be several; poll and deliver store a mail and take its first
 * lifecycle step in one). Between store_group_begin and store_group_commit
 * or store_group_rollback, store_begin/commit/rollback open, release and
 * roll back savepoints inside the group's BEGIN IMMEDIATE: each keeps its
 * all-or-nothing, and nothing is durable before the group commits. A
 * commit that fails leaves nothing written. */
int store_group_begin(struct store *store, GError **error);
int store_group_commit(struct store *store, GError **error);
void store_group_rollback(struct store *store);

/* Copy the WAL into the database and truncate the -wal file, so erased
 * values survive in neither (secure_delete has zeroed the freed space).
 * Inside a group it runs after the group's commit (a checkpoint cannot see
 * uncommitted pages), and a failure then is logged: the commit stands. */
int store_scrub(struct store *store, GError **error);

/* A cached prepared statement for sql (a string constant, or one kept alive
 * by the caller for the store's lifetime), reset and with bindings cleared.
 * Owned by the store: do not finalize it. NULL with error set on failure. */
sqlite3_stmt *store_statement(struct store *store, const char *sql,
    GError **error);

/* Run a statement to completion (no rows wanted); 0 or -1 with error. */
int store_step_done(struct store *store, sqlite3_stmt *statement,
    GError **error);

/* Step a statement that yields one integer: its value, 0 when there is no
 * row, or -1 with error (what says what was being done). Resets it. */
gint64 store_step_integer(struct store *store, sqlite3_stmt *statement,
    const char *what, GError **error);

/* Set error from the connection's last failure, classed for retry:
 * busy/locked/full/I/O errors are DSR_ERROR_TEMPORARY. what says what was
 * being done ("saving the request"). Returns -1. */
int store_fail(struct store *store, GError **error, const char *what);

/* The path the store was opened at. Owned by the store. */
const char *store_path(struct store *store);

/* The raw connection, for store-register.c only. */
sqlite3 *store_handle(struct store *store);

/* Bind bytes to a blob parameter (1-based) of an INSERT or UPDATE, borrowed
 * until the statement is stepped. Large ones are bound as zeros of their
 * length (*later is set): once the row is written, store_blob_fill writes
 * them in pieces, so SQLite never builds a record as large as the mail.
 * *later is FALSE for small ones, bound as they are. */
void store_bind_blob(sqlite3_stmt *statement, int index, GBytes *bytes,
    gboolean *later);

/* Write bytes into the zero-filled blob column of table's row rowid (see
 * store_bind_blob), in pieces. 0, or -1 with error. */
int store_blob_fill(struct store *store, const char *table, const char *column,
    gint64 rowid, GBytes *bytes, GError **error);

/* Bind text or NULL to a statement parameter (1-based); copies text. */
void store_bind_text(sqlite3_stmt *statement, int index, const char *text);

/* A column's text (or NULL) copied into a new string the caller frees. */
char *store_column_text(sqlite3_stmt *statement, int index);

#endif
