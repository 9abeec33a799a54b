/*
 * db.h: what the files of store/ share: the open connection (struct mk_store), the
 * schema's migrations, turning SQLite result codes into one-line messages naming the
 * file, transactions, binding by a type string, running a statement, one row or not
 * found, and reading columns. Internal to store/: nothing outside includes it, and no
 * SQL leaves store/. Invariant: every write runs inside one db_begin() ... db_commit()
 * (or db_rollback()), so a failure leaves nothing half-written.
 */
#ifndef MK_STORE_DB_H
#define MK_STORE_DB_H

#include "mapkeeper.h"

#include <sqlite3.h>
#include <stdarg.h>

struct mk_store {
	sqlite3 *db;
	char *path;     /* as given: every message names it */
	const char **cached_sql;  /* db_prepare_cached: the statements kept for the connection */
	sqlite3_stmt **cached;
	size_t ncached, capcached;
	size_t query_sort_max;  /* query.c: more matches than this are read in deal order */
	size_t said_few;        /* search.c: fewer matches than this are sorted, not read by call */
	int depth;              /* open transactions: the outer one BEGIN (IMMEDIATE), inner ones savepoints */
};

/* The schema: db_migrations[i] takes user_version i to i + 1 (schema.c). */
extern const char *const db_migrations[];
extern const int db_schema_version;

/* A CHECK widened before migration `version` runs: the table is rebuilt (SQLite's 12-step
 * ALTER, foreign keys off) with `from` replaced by `to` in its CREATE text, its indexes and
 * triggers made again. Ends with a row whose table is NULL. */
struct db_widen {
	int version;                /* 1-based: the migration it comes before */
	const char *table, *from, *to;
};
extern const struct db_widen db_widens[];
#define DB_APPLICATION_ID 0x4d4b4150 /* "MKAP" in the file header: a mapkeeper database */

/* Puts rc's meaning (database is locked, read-only, disk is full, ...) into diag; MK_EDB. */
enum mk_err db_fail(struct mk_store *st, int rc, struct mk_diag *diag);

/* BEGIN IMMEDIATE: takes the write lock now (waiting up to the busy timeout). */
enum mk_err db_begin(struct mk_store *st, struct mk_diag *diag);
enum mk_err db_commit(struct mk_store *st, struct mk_diag *diag);
/* Ends the transaction, if one is open, keeping nothing. Never fails the caller. */
void db_rollback(struct mk_store *st);
/* Ends a write: commits when err is MK_OK and rc SQLITE_OK, else rolls back; an rc error
 * becomes the error (db_fail). Returns the error, or the commit's. */
enum mk_err db_end(struct mk_store *st, enum mk_err err, int rc, struct mk_diag *diag);

/* sqlite3_prepare_v2 of a constant; rc is SQLite's. */
int db_prepare(struct mk_store *st, const char *sql, sqlite3_stmt **out);
/*
 * The statement of sql (a constant: its address is the key), prepared once per connection
 * and kept: for writes made many times per call whose tables have triggers, which SQLite
 * compiles into every statement that may fire them. Comes reset, bindings cleared; the
 * caller resets it after use and never finalizes it (mk_store_close does).
 */
int db_prepare_cached(struct mk_store *st, const char *sql, sqlite3_stmt **out);

/* Steps a statement that returns no rows: SQLITE_OK when it is done. */
int db_step_done(sqlite3_stmt *s);

/*
 * Binds the arguments after types to ?1, ?2, ... in order, one letter each: 'i' an int64_t,
 * 'I' an int64_t id (0 or less binds NULL), 'f' a double, 't' a const char * (NULL binds
 * NULL), 'd' a const struct mk_date * as "YYYY-MM-DD", 'n' a const int64_t *, 'g' a const
 * double * (for these three NULL binds NULL). Arguments past the statement's last
 * parameter are skipped, so one list serves statements that use fewer. SQLITE_OK, or the
 * first binding's error. Pass exactly these types: an int where int64_t is due is wrong.
 */
int db_bind(sqlite3_stmt *s, const char *types, ...);
int db_vbind(sqlite3_stmt *s, const char *types, va_list ap);

/* A statement that returns no rows, prepared, bound (db_bind) and stepped to its end:
 * SQLITE_OK when done, else SQLite's code for db_fail. db_run_cached keeps the statement
 * for the connection (db_prepare_cached): sql must then be a constant. */
#define db_run(st, sql, ...) db_run_in(st, 0, sql, __VA_ARGS__)
#define db_run_cached(st, sql, ...) db_run_in(st, 1, sql, __VA_ARGS__)
int db_run_in(struct mk_store *st, int cached, const char *sql, const char *types, ...);
/* The same with s, prepared once for many rows: reset, bound again and stepped. */
int db_rerun(sqlite3_stmt *s, const char *types, ...);

/*
 * One row or not found: prepares sql, binds (db_bind) and steps to the first row. MK_OK
 * with *s on that row, to read its columns; MK_ENOTFOUND when there is none, diag left to
 * the caller, who knows what was not found; MK_EDB with diag set (db_fail) on an error.
 * Whatever it returns, the caller finalizes *s.
 */
enum mk_err db_row(struct mk_store *st, struct mk_diag *diag, sqlite3_stmt **s, const char *sql,
		   const char *types, ...);
/* The same for a question of one integer: *out is its value, or 0 when there is no row. */
enum mk_err db_int(struct mk_store *st, struct mk_diag *diag, int64_t *out, const char *sql,
		   const char *types, ...);
/* Says what was not found (fmt and its arguments, naming the file) when err is
 * MK_ENOTFOUND; returns err: `return db_notfound(st, diag, err, "no call %lld", id);`. */
enum mk_err db_notfound(struct mk_store *st, struct mk_diag *diag, enum mk_err err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Binds s, or NULL when s is NULL. */
int db_bind_text(sqlite3_stmt *s, int i, const char *v);
/* Binds "YYYY-MM-DD", or NULL when has is 0. */
int db_bind_date(sqlite3_stmt *s, int i, int has, struct mk_date d);
/* Binds 0 as NULL (ids that are not there), else the id. */
int db_bind_id(sqlite3_stmt *s, int i, int64_t id);

/* A new copy of a text column, or NULL when it is NULL. */
char *db_column_dup(sqlite3_stmt *s, int i);
/* Reads a "YYYY-MM-DD" column: *has = 0 when NULL (or not a date). */
void db_column_date(sqlite3_stmt *s, int i, int *has, struct mk_date *d);
enum mk_side db_column_side(sqlite3_stmt *s, int i);

/* n random bytes as 2n lower-case hex digits and a NUL in out (2n + 1 bytes); 0 when the
 * kernel gave none. The bytes themselves are wiped. */
#define DB_RANDOM_MAX 64
int db_random_hex(char *out, size_t n);

/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ" (out: at least 21 bytes). */
void db_now(char *out, size_t outlen);

/* The id of the deal named name: MK_ENOTFOUND (with a message) when there is none. */
enum mk_err db_deal_id(struct mk_store *st, const char *name, int64_t *id, struct mk_diag *diag);

/*
 * A stakeholder on the deal's map: a person is known by name (any case), a role without
 * a name by side and role. The first mention is kept (with the proposal whose approval
 * put it there); a role learnt later fills a gap.
 */
int db_person_add(struct mk_store *st, int64_t deal, const char *name, const char *role,
		  enum mk_side side, int64_t meeting_id, int64_t proposal_id, const char *now);
/* An open risk on the deal, unless the same category and text is there already. */
int db_risk_add(struct mk_store *st, int64_t deal, const char *category, const char *text,
		int64_t meeting_id, int64_t proposal_id, const char *now);

/* Trims blanks around s into a new string; NULL when nothing is left. */
char *db_trim(const char *s);

/* SQL: does the lower-case speaker spk match a person's name (the same name in any case, or
 * one is the other's first name)? schema.c's triggers and edit.c's recount use it. */
#define MK_SPEAKER_MATCHES(spk, name)                                                     \
	"(" spk " = lower(" name ") OR substr(" spk ", 1, length(" name ") + 1) = lower(" name \
	") || ' ' OR substr(lower(" name "), 1, length(" spk ") + 1) = " spk " || ' ')"

/* Stores proposals v[0..n) of deal not seen before (a key already stored is skipped),
 * from call meeting (0: none) or source (a CRM's name, or NULL): *added counts them.
 * Inside the caller's write; SQLite's code (meeting.c: an ingest; crm.c: a pull). */
int db_proposals_insert(struct mk_store *st, int64_t deal, int64_t meeting, const char *source,
			const struct mk_proposal *v, size_t n, const char *now, size_t *added);

/* BEGIN, or a savepoint inside a transaction already open (store_write_begin) */
int db_read_begin(struct mk_store *st);
/* A rep's edit of one field of a pending proposal (proposal.c): the new value and a
 * proposal_edits row with the old one, who and when; nothing when the value is the same. */
enum db_edit_field {
	DB_EDIT_OWNER, DB_EDIT_DUE, DB_EDIT_ACTION, DB_EDIT_NAME, DB_EDIT_ROLE, DB_EDIT_CATEGORY, DB_EDIT_TEXT,
	DB_EDIT_TIME, DB_EDIT_ITEM, DB_EDIT_DEPENDS_ON  /* the plan's elements (elements.c) */
};
int db_proposal_edit_field(struct mk_store *st, int64_t id, enum db_edit_field f, const char *old_value,
			   const char *new_value, const char *who, const char *now);

/* A plan item from a row whose columns 0-9 are id, action, owner, side, due, status,
 * updated_at, revisions, slipped, from a removed call (plan.c, edit.c). */
void db_item_read(sqlite3_stmt *s, struct mk_item *it);

/* ---- the plan's elements (elements.c): goal, go-live, criteria, dependencies, next
 * meeting, stances, an item's phase. Each change writes an element_revisions row. ---- */

/* Who changes an element of deal, when, and why: the call and proposal of an approval, or
 * the decision of a hand change (0 when none). */
struct el_write {
	struct mk_store *st;
	int64_t deal, meeting, proposal, decision;
	const char *who, *now;
	struct mk_diag *diag;
};
/* The element_revisions row of one change (ref: the criterion, dependency, person or item;
 * 0 for the goal, go-live and next meeting, whose deal_plan columns it keeps in old_state).
 * Written before the change. */
int el_revision(const struct el_write *w, const char *field, int64_t ref, const char *old_value,
		const char *new_value);
/* Can pending proposal p of deal (of kind set_goal .. set_stance) be approved as it stands?
 * MK_OK, or MK_EARG saying why. A tie to a pending add_item (an id -P) is proposal.c's. */
enum mk_err el_approvable(struct mk_store *st, const struct mk_proposal *p, int64_t deal,
			  struct mk_diag *diag);
/* Applies approved proposal p (w->proposal) to the plan, with its revision. */
enum mk_err el_apply(const struct el_write *w, const struct mk_proposal *p);
/* Puts back what the element revisions of decision (a hand change), or else of proposal's
 * approval, changed, newest first, and deletes them. MK_EARG naming the later decision
 * that changed the same element (undone: the decision being undone, for the message). */
enum mk_err el_undo(struct mk_store *st, int64_t decision, int64_t proposal, int64_t undone,
		    const char *now, struct mk_diag *diag);

/* SQL: the id of a new plan item. Above every item's, and above every item a CRM task was
 * ever made for (crm_meta 'item_floor', crm.c): SQLite would give the largest id again after
 * an undo or a deal's removal, and the new item would take over the old one's task (its key
 * is made of the id). */
#define DB_NEW_ITEM_ID                                                                    \
	"(SELECT max(coalesce((SELECT max(id) FROM plan_items), 0),\n"                      \
	"	coalesce((SELECT CAST(value AS INTEGER) FROM crm_meta WHERE key = 'item_floor'), 0)) + 1)"

/* The whole plan's reads (plan.c, issue 14). An item's phase from column col (plan_items.phase),
 * else the one its action gives (mk_phase_guess). */
void db_item_phase(sqlite3_stmt *s, int col, struct mk_item *it);
/* Works the plan of each deal with a go-live (deal > 0: that one; else every one) backward as
 * of today (mk_plan_backward), in deal id order, inside the caller's read: fn gets each deal's
 * result, valid during the call. Three statements in all, whatever the number of deals.
 * SQLite's code. */
typedef void db_slack_fn(void *ctx, int64_t deal, const struct mk_backward *b);
int db_plan_slacks(struct mk_store *st, int64_t deal, struct mk_date today, db_slack_fn *fn, void *ctx);
/* SQL joins: the plan item an element revision (er) is about, as alias it: a phase's item,
 * a dependency's waiting item; none for the others (history, changes). */
#define DB_ELEMENT_ITEM(er, it)                                                           \
	"LEFT JOIN dependencies " it "_dep ON " er ".field = 'dependency' AND " it "_dep.id = " er ".ref_id\n" \
	"LEFT JOIN plan_items " it " ON " it ".id = CASE " er ".field WHEN 'phase' THEN " er ".ref_id\n" \
	"	ELSE " it "_dep.item_id END\n"

#endif
