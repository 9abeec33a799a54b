/*
 * cursor.c: the sync cursors (mk_store_cursor_get/_set): per source ("zoom", "teams"),
 * where the last successful `mapkeeper sync` ended. Does not fetch or ingest anything.
 * Invariant: a cursor is written in one transaction, whole or not at all.
 */
#include "db.h"

#include <stdlib.h>

enum mk_err mk_store_cursor_get(struct mk_store *st, const char *source, char **value,
				struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	enum mk_err err;

	*value = NULL;
	err = db_row(st, diag, &s, "SELECT last_end FROM sync_cursors WHERE source = ?1", "t", source);
	if (!err)
		*value = db_column_dup(s, 0);
	sqlite3_finalize(s);
	return err == MK_ENOTFOUND ? MK_OK : err;
}

enum mk_err mk_store_cursor_set(struct mk_store *st, const char *source, const char *value,
				struct mk_diag *diag)
{
	char now[32];
	enum mk_err err;
	int rc;

	if ((err = db_begin(st, diag)))
		return err;
	db_now(now, sizeof now);
	rc = db_run(st,
		"INSERT INTO sync_cursors (source, last_end, updated_at) VALUES (?1, ?2, ?3)\n"
		"ON CONFLICT (source) DO UPDATE SET last_end = excluded.last_end,\n"
		"	updated_at = excluded.updated_at", "ttt", source, value, now);
	if (rc != SQLITE_OK) {
		err = db_fail(st, rc, diag);
		db_rollback(st);
		return err;
	}
	return db_commit(st, diag);
}
