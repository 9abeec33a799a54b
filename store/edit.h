/*
 * edit.h: what store/edit.c and store/undo.c share: writing the decisions log and the
 * revisions of hand edits, setting one field of an item, reading a decision. Internal to
 * store/. Invariant: every call runs inside the caller's transaction (db_begin).
 */
#ifndef MK_STORE_EDIT_H
#define MK_STORE_EDIT_H

#include "db.h"

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
