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
	int rc;

	*value = NULL;
	rc = db_prepare(st, "SELECT last_end FROM sync_cursors WHERE source = ?1", &s);
	if (rc == SQLITE_OK)
		rc = db_bind_text(s, 1, source);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			*value = db_column_dup(s, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_OK ? MK_OK : db_fail(st, rc, diag);
}

enum mk_err mk_store_cursor_set(struct mk_store *st, const char *source, const char *value,
				struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	char now[32];
	enum mk_err err;
	int rc;

	if ((err = db_begin(st, diag)))
		return err;
	db_now(now, sizeof now);
	rc = db_prepare(st,
		"INSERT INTO sync_cursors (source, last_end, updated_at) VALUES (?1, ?2, ?3)\n"
		"ON CONFLICT (source) DO UPDATE SET last_end = excluded.last_end,\n"
		"	updated_at = excluded.updated_at", &s);
	if (rc == SQLITE_OK)
		rc = db_bind_text(s, 1, source);
	if (rc == SQLITE_OK)
		rc = db_bind_text(s, 2, value);
	if (rc == SQLITE_OK)
		rc = db_bind_text(s, 3, now);
	if (rc == SQLITE_OK)
		rc = db_step_done(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_OK) {
		err = db_fail(st, rc, diag);
		db_rollback(st);
		return err;
	}
	return db_commit(st, diag);
}
