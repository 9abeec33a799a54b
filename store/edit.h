/*
 * edit.h: what store/edit.c and store/undo.c share: running a statement with its bindings
 * given as a type string, reading one integer, and writing the decisions log. Internal to
 * store/. Invariant: every call runs inside the caller's transaction (db_begin).
 */
#ifndef MK_STORE_EDIT_H
#define MK_STORE_EDIT_H

#include "db.h"

/*
 * Binds the arguments after types to ?1, ?2, ...: 'i' an int64_t, 'I' an int64_t id (0 is
 * NULL), 't' a const char * (NULL is NULL), and steps sql to its end. SQLITE_OK when done.
 */
int ed_run(struct mk_store *st, const char *sql, const char *types, ...);
/* The same for a query of one integer: SQLITE_OK and *out, or SQLITE_DONE when no row. */
int ed_int(struct mk_store *st, int64_t *out, const char *sql, const char *types, ...);
/* A new decision row (summary may be NULL: set later with ed_summary); *id gets its id. */
int ed_decision(struct mk_store *st, int64_t deal, const char *kind, int64_t proposal, int64_t item,
		const char *summary, const char *note, const char *who, const char *now, int64_t *id);
int ed_summary(struct mk_store *st, int64_t decision, const char *summary);
/* A revision of an item written by a hand edit or an undo (decision). */
int ed_revision(struct mk_store *st, int64_t item, const char *field, const char *old_value,
		const char *new_value, const char *now, int64_t decision, const char *who);
/* Sets one column of an item: field is "action", "owner", "side", "due" or "status". */
int ed_item_set(struct mk_store *st, int64_t item, const char *field, const char *value,
		const char *now);
/* Decision id as mk_store_decisions reads it: MK_ENOTFOUND when there is none. */
enum mk_err ed_decision_get(struct mk_store *st, int64_t id, struct mk_decision *out,
			    struct mk_diag *diag);

#endif
