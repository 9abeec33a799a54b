/*
 * crm.c: what the store keeps of the CRMs (mapkeeper.h "the CRMs"): a deal's record in each
 * CRM (links), each plan item's task and what was last pushed and seen of it (crm_items),
 * the proposals a pull makes (no call: their meeting reads as the CRM), one run at a time
 * per CRM (crm_locks) and every run (crm_runs). Does not talk to a CRM (crm/ does) nor
 * decide what changed. Invariant: a task's key "mk-<install>-<item>" never changes once
 * written, and the install id is made once per database, inside a write.
 */
#include "db.h"
#include "util/util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CRM_REMOTE_ID_MAX 64        /* a record id, in bytes */
#define CRM_HOST_MAX 256

/* ---- freeing ---- */

void mk_strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void mk_crm_state_release(struct mk_crm_state *s)
{
	if (!s)
		return;
	free(s->subject);
	free(s->due);
	free(s->status);
	free(s->owner);
	memset(s, 0, sizeof *s);
}

void mk_crm_items_free(struct mk_crm_item *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		struct mk_crm_item *c = &v[i];

		mk_item_release(&c->item);
		free(c->quote);
		free(c->speaker);
		free(c->meeting);
		free(c->meeting_start);
		free(c->owner_email);
		free(c->key);
		free(c->remote_id);
		free(c->pushed_hash);
		mk_crm_state_release(&c->seen);
		free(c->remote_modified);
		free(c->pushed_at);
		free(c->pulled_at);
	}
	free(v);
}

void mk_crm_runs_free(struct mk_crm_run *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].kind);
		free(v[i].deal);
		free(v[i].started_at);
		free(v[i].finished_at);
		free(v[i].result);
		free(v[i].message);
	}
	free(v);
}

/* ---- the install id and keys ---- */

/* MK_EARG unless crm is one of the CRMs. */
static enum mk_err crm_check(struct mk_store *st, enum mk_crm crm, struct mk_diag *diag)
{
	if ((unsigned)crm < MK_CRM_COUNT)
		return MK_OK;
	mk_diag_set(diag, st->path, 0, "unknown CRM %d", (int)crm);
	return MK_EARG;
}

/* This database's install id (a new string), made the first time inside a write of its own:
 * two processes that race both read the one that was stored first. */
static enum mk_err crm_install(struct mk_store *st, char **out, struct mk_diag *diag)
{
	static const char get_sql[] = "SELECT value FROM crm_meta WHERE key = 'install'";
	sqlite3_stmt *s = NULL;
	char fresh[9];
	enum mk_err err;
	int rc;

	*out = NULL;
	err = db_row(st, diag, &s, get_sql, "");
	if (!err)
		*out = db_column_dup(s, 0);
	sqlite3_finalize(s);
	if (err != MK_ENOTFOUND)
		return err;
	if (!db_random_hex(fresh, 4)) {
		mk_diag_set(diag, st->path, 0, "cannot read random bytes for the CRM install id");
		return MK_EIO;
	}
	if ((err = db_begin(st, diag)))
		return err;
	rc = db_run(st, "INSERT OR IGNORE INTO crm_meta (key, value) VALUES ('install', ?1)", "t", fresh);
	if (rc == SQLITE_OK && (err = db_row(st, diag, &s, get_sql, "")) == MK_OK)
		*out = db_column_dup(s, 0);
	sqlite3_finalize(s);
	err = db_end(st, err, rc, diag);
	if (err) {
		free(*out);
		*out = NULL;
	}
	return err;
}

static char *crm_key(const char *install, int64_t item)
{
	return mk_sprintf("mk-%s-%lld", install, (long long)item);
}

/* ---- links ---- */

/* MK_EARG unless id is a record id: 1 to 64 letters, digits, '-' or '_'. */
static enum mk_err crm_check_remote_id(struct mk_store *st, enum mk_crm crm, const char *id,
				       struct mk_diag *diag)
{
	size_t len = strlen(id);

	if (len == 0 || len > CRM_REMOTE_ID_MAX) {
		mk_diag_set(diag, st->path, 0, "a %s record id is 1 to %d characters, not %zu", mk_crm_name(crm),
			    CRM_REMOTE_ID_MAX, len);
		return MK_EARG;
	}
	for (size_t i = 0; i < len; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_')) {
			mk_diag_set(diag, st->path, 0, "not a %s record id: \"%s\" (letters, digits, '-' and '_' only)",
				    mk_crm_name(crm), id);
			return MK_EARG;
		}
	}
	return MK_OK;
}

enum mk_err mk_store_crm_link(struct mk_store *st, const char *deal, enum mk_crm crm, const char *remote_id,
			      const char *who, struct mk_diag *diag)
{
	char now[32];
	int64_t deal_id;
	enum mk_err err;
	int rc;

	if ((err = crm_check(st, crm, diag)) || (remote_id && (err = crm_check_remote_id(st, crm, remote_id, diag))))
		return err;
	db_now(now, sizeof now);
	if ((err = db_begin(st, diag)))
		return err;
	if ((err = db_deal_id(st, deal, &deal_id, diag)))
		return db_end(st, err, SQLITE_OK, diag);
	if (remote_id)
		rc = db_run(st,
			"INSERT INTO crm_links (deal_id, crm, remote_id, linked_at, linked_by)\n"
			"VALUES (?1, ?2, ?3, ?4, ?5)\n"
			"ON CONFLICT (deal_id, crm) DO UPDATE SET remote_id = excluded.remote_id,\n"
			"	linked_at = excluded.linked_at, linked_by = excluded.linked_by",
			"itttt", deal_id, mk_crm_name(crm), remote_id, now, who);
	else
		rc = db_run(st, "DELETE FROM crm_links WHERE deal_id = ?1 AND crm = ?2", "it", deal_id,
			    mk_crm_name(crm));
	return db_end(st, MK_OK, rc, diag);
}

enum mk_err mk_store_crm_link_get(struct mk_store *st, const char *deal, enum mk_crm crm, char **remote_id,
				  struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	int64_t deal_id;
	enum mk_err err;

	*remote_id = NULL;
	if ((err = crm_check(st, crm, diag)) || (err = db_deal_id(st, deal, &deal_id, diag)))
		return err;
	err = db_row(st, diag, &s, "SELECT remote_id FROM crm_links WHERE deal_id = ?1 AND crm = ?2", "it",
		     deal_id, mk_crm_name(crm));
	if (!err)
		*remote_id = db_column_dup(s, 0);
	sqlite3_finalize(s);
	return err == MK_ENOTFOUND ? MK_OK : err;
}

enum mk_err mk_store_crm_linked(struct mk_store *st, enum mk_crm crm, char ***names, char ***ids, size_t *n,
				struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	size_t cap = 0, cap2 = 0;
	enum mk_err err;
	int rc;

	*names = *ids = NULL;
	*n = 0;
	if ((err = crm_check(st, crm, diag)))
		return err;
	rc = db_prepare(st,
		"SELECT d.name, l.remote_id FROM crm_links l JOIN deals d ON d.id = l.deal_id\n"
		"WHERE l.crm = ?1 ORDER BY d.name", &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "t", mk_crm_name(crm));
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		*names = mk_grow(*names, &cap, *n + 1, sizeof **names);
		*ids = mk_grow(*ids, &cap2, *n + 1, sizeof **ids);
		(*names)[*n] = db_column_dup(s, 0);
		(*ids)[(*n)++] = db_column_dup(s, 1);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return MK_OK;
	mk_strv_free(*names, *n);
	mk_strv_free(*ids, *n);
	*names = *ids = NULL;
	*n = 0;
	return db_fail(st, rc, diag);
}

/* ---- the items and their tasks ---- */

/* The crm_items columns every item read gives, from column 0 of a row of c. */
#define CRM_ITEM_COLUMNS                                                                  \
	"c.state, c.remote_id, c.pushed_hash, c.subject, c.due, c.status, c.owner,\n"         \
	"	c.remote_modified, c.pushed_at, c.pulled_at, c.key"

static enum mk_crm_item_state crm_state_parse(const char *s)
{
	if (!s)
		return MK_CRM_NEW;
	if (!strcmp(s, "pending"))
		return MK_CRM_PENDING;
	if (!strcmp(s, "synced"))
		return MK_CRM_SYNCED;
	return MK_CRM_DELETED;
}

/* What mapkeeper knows of an item's task from columns col.. (CRM_ITEM_COLUMNS); the key is the
 * stored one, else made from install. */
static void crm_item_task(sqlite3_stmt *s, int col, const char *install, struct mk_crm_item *c)
{
	c->state = crm_state_parse((const char *)sqlite3_column_text(s, col));
	c->remote_id = db_column_dup(s, col + 1);
	c->pushed_hash = db_column_dup(s, col + 2);
	c->seen.subject = db_column_dup(s, col + 3);
	c->seen.due = db_column_dup(s, col + 4);
	c->seen.status = db_column_dup(s, col + 5);
	c->seen.owner = db_column_dup(s, col + 6);
	c->remote_modified = db_column_dup(s, col + 7);
	c->pushed_at = db_column_dup(s, col + 8);
	c->pulled_at = db_column_dup(s, col + 9);
	c->key = db_column_dup(s, col + 10);
	if (!c->key)
		c->key = crm_key(install, c->item.id);
}

/*
 * Per plan item of deal (?1) and crm (?2): its id, the evidence of the add_item that put it
 * there (quote, speaker, start, the call's label and start), the owner's e-mail and its task.
 * The people hold no e-mail column: an owner known to the deal's people by an e-mail address
 * (a name with '@') is the one e-mail there is.
 */
static const char crm_extra_sql[] =
	"SELECT i.id, p.ev_quote, p.ev_speaker, p.ev_start_ms, m.label, m.start,\n"
	"	(SELECT pe.name FROM people pe WHERE pe.deal_id = i.deal_id AND pe.key = 'name:' || lower(i.owner)\n"
	"		AND pe.name LIKE '_%@_%._%' AND pe.name NOT LIKE '% %'),\n"
	"	" CRM_ITEM_COLUMNS "\n"
	"FROM plan_items i LEFT JOIN proposals p ON p.id = i.proposal_id\n"
	"LEFT JOIN meetings m ON m.id = coalesce(p.meeting_id, i.meeting_id)\n"
	"LEFT JOIN crm_items c ON c.item_id = i.id AND c.crm = ?2\n"
	"WHERE i.deal_id = ?1";

/* The items of v[0..n) sorted by id (ix: their indexes), for finding one by id. */
static int crm_by_id(const void *a, const void *b, void *v)
{
	const struct mk_crm_item *items = v;
	int64_t x = items[*(const size_t *)a].item.id, y = items[*(const size_t *)b].item.id;

	return (x > y) - (x < y);
}

static struct mk_crm_item *crm_find(struct mk_crm_item *v, const size_t *ix, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[ix[mid]].item.id == id)
			return &v[ix[mid]];
		if (v[ix[mid]].item.id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Fills the evidence, e-mail and task of v[0..n) (the plan's items, plan order). */
static int crm_items_extra(struct mk_store *st, int64_t deal, enum mk_crm crm, const char *install,
			   struct mk_crm_item *v, size_t n)
{
	sqlite3_stmt *s = NULL;
	size_t *ix = mk_calloc(n ? n : 1, sizeof *ix);
	int rc;

	for (size_t i = 0; i < n; i++)
		ix[i] = i;
	qsort_r(ix, n, sizeof *ix, crm_by_id, v);
	rc = db_prepare(st, crm_extra_sql, &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "it", deal, mk_crm_name(crm));
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct mk_crm_item *c = crm_find(v, ix, n, sqlite3_column_int64(s, 0));

		rc = SQLITE_OK;
		if (!c)
			continue; /* added since the plan was read: the next push has it */
		c->quote = db_column_dup(s, 1);
		c->speaker = db_column_dup(s, 2);
		c->start_ms = sqlite3_column_int64(s, 3);
		c->meeting = db_column_dup(s, 4);
		c->meeting_start = db_column_dup(s, 5);
		c->owner_email = db_column_dup(s, 6);
		crm_item_task(s, 7, install, c);
	}
	sqlite3_finalize(s);
	free(ix);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The deal's tasks in crm whose items left the plan (an undo), each gone with the subject
 * last pushed as its action, appended to *v. */
static int crm_items_gone(struct mk_store *st, int64_t deal, enum mk_crm crm, const char *install,
			  struct mk_crm_item **v, size_t *n, size_t *cap)
{
	sqlite3_stmt *s = NULL;
	int rc = db_prepare(st,
		"SELECT c.item_id, " CRM_ITEM_COLUMNS "\n"
		"FROM crm_items c WHERE c.deal_id = ?1 AND c.crm = ?2\n"
		"	AND NOT EXISTS (SELECT 1 FROM plan_items i WHERE i.id = c.item_id)\n"
		"ORDER BY c.item_id", &s);

	if (rc == SQLITE_OK)
		rc = db_bind(s, "it", deal, mk_crm_name(crm));
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct mk_crm_item *c;

		*v = mk_grow(*v, cap, *n + 1, sizeof **v);
		c = &(*v)[(*n)++];
		memset(c, 0, sizeof *c);
		c->gone = 1;
		c->item.id = sqlite3_column_int64(s, 0);
		c->item.action = db_column_dup(s, 4); /* the subject last pushed */
		crm_item_task(s, 1, install, c);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The plan's items (mk_store_plan's order), moved into crm items. */
static enum mk_err crm_items_plan(struct mk_store *st, const char *deal, struct mk_crm_item **v, size_t *n,
				  size_t *cap, struct mk_diag *diag)
{
	struct mk_plan plan;
	enum mk_err err = mk_store_plan(st, deal, &plan, diag);

	if (err)
		return err;
	*v = mk_grow(*v, cap, plan.nitems ? plan.nitems : 1, sizeof **v);
	for (size_t i = 0; i < plan.nitems; i++) {
		memset(&(*v)[i], 0, sizeof (*v)[i]);
		(*v)[i].item = plan.items[i];
	}
	*n = plan.nitems;
	plan.nitems = 0; /* the items' strings are v's now */
	mk_plan_release(&plan);
	return MK_OK;
}

enum mk_err mk_store_crm_items(struct mk_store *st, const char *deal, enum mk_crm crm, struct mk_crm_item **out,
			       size_t *n, struct mk_diag *diag)
{
	struct mk_crm_item *v = NULL;
	size_t nv = 0, cap = 0;
	char *install = NULL;
	int64_t deal_id;
	enum mk_err err;
	int rc;

	*out = NULL;
	*n = 0;
	if ((err = crm_check(st, crm, diag)) || (err = db_deal_id(st, deal, &deal_id, diag)) ||
	    (err = crm_install(st, &install, diag)))
		return err;
	/* one read: the plan, its evidence and the tasks agree */
	rc = db_read_begin(st);
	if (rc != SQLITE_OK) {
		free(install);
		return db_fail(st, rc, diag);
	}
	err = crm_items_plan(st, deal, &v, &nv, &cap, diag);
	if (!err && (rc = crm_items_extra(st, deal_id, crm, install, v, nv)) == SQLITE_OK)
		rc = crm_items_gone(st, deal_id, crm, install, &v, &nv, &cap);
	if (!err && rc != SQLITE_OK)
		err = db_fail(st, rc, diag);
	db_rollback(st);
	free(install);
	if (err) {
		mk_crm_items_free(v, nv);
		return err;
	}
	*out = v;
	*n = nv;
	return MK_OK;
}

/*
 * Inside a write: the deal of item (on a plan, or a task's row in crm when it left the plan)
 * and its key. MK_ENOTFOUND naming the item when neither knows it.
 */
static enum mk_err crm_item_of(struct mk_store *st, enum mk_crm crm, int64_t item, int64_t *deal, char **key,
			       struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	char *install = NULL;
	enum mk_err err;

	*key = NULL;
	err = db_row(st, diag, &s,
		"SELECT c.deal_id, c.key FROM crm_items c WHERE c.item_id = ?1 AND c.crm = ?2\n"
		"UNION ALL SELECT i.deal_id, NULL FROM plan_items i WHERE i.id = ?1 LIMIT 1",
		"it", item, mk_crm_name(crm));
	if (!err) {
		*deal = sqlite3_column_int64(s, 0);
		*key = db_column_dup(s, 1);
	}
	sqlite3_finalize(s);
	if (err)
		return db_notfound(st, diag, err, "no plan item %lld", (long long)item);
	if (!*key && !(err = crm_install(st, &install, diag)))
		*key = crm_key(install, item);
	free(install);
	return err;
}

/* What each write of an item's task sets: ?1 item, ?2 crm, ?3 deal, ?4 key, ?5 remote id,
 * ?6 hash, ?7-?10 subject, due, status, owner, ?11 remote_modified, ?12 now. */
static const char crm_pending_sql[] =
	"INSERT INTO crm_items (item_id, crm, deal_id, key, state, remote_id)\n"
	"VALUES (?1, ?2, ?3, ?4, 'pending', ?5)\n"
	"ON CONFLICT (item_id, crm) DO UPDATE SET state = 'pending',\n"
	"	remote_id = coalesce(excluded.remote_id, crm_items.remote_id)";
static const char crm_pushed_sql[] =
	"INSERT INTO crm_items (item_id, crm, deal_id, key, state, remote_id, pushed_hash, subject, due,\n"
	"	status, owner, remote_modified, pushed_at)\n"
	"VALUES (?1, ?2, ?3, ?4, 'synced', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)\n"
	"ON CONFLICT (item_id, crm) DO UPDATE SET state = 'synced', remote_id = excluded.remote_id,\n"
	"	pushed_hash = excluded.pushed_hash, subject = excluded.subject, due = excluded.due,\n"
	"	status = excluded.status, owner = excluded.owner, remote_modified = excluded.remote_modified,\n"
	"	pushed_at = excluded.pushed_at";
static const char crm_seen_sql[] =
	"UPDATE crm_items SET subject = ?7, due = ?8, status = ?9, owner = ?10, remote_modified = ?11,\n"
	"	pulled_at = ?12 WHERE item_id = ?1 AND crm = ?2";
static const char crm_deleted_sql[] =
	"INSERT INTO crm_items (item_id, crm, deal_id, key, state) VALUES (?1, ?2, ?3, ?4, 'deleted')\n"
	"ON CONFLICT (item_id, crm) DO UPDATE SET state = 'deleted'";
static const char crm_forget_sql[] = "DELETE FROM crm_items WHERE item_id = ?1 AND crm = ?2";
/* no new item ever takes the id (and so the key) of one that had a task (DB_NEW_ITEM_ID) */
static const char crm_floor_sql[] =
	"INSERT INTO crm_meta (key, value) VALUES ('item_floor', ?1)\n"
	"ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))";

/* One write of item's task in crm (sql: one of the above), in its own transaction. */
static enum mk_err crm_item_write(struct mk_store *st, const char *sql, enum mk_crm crm, int64_t item,
				  const char *remote_id, const char *hash, const struct mk_crm_state *state,
				  const char *modified, struct mk_diag *diag)
{
	static const struct mk_crm_state none;
	const struct mk_crm_state *x = state ? state : &none;
	char now[32], *key = NULL;
	int64_t deal = 0;
	enum mk_err err;
	int rc = SQLITE_OK;

	if ((err = crm_check(st, crm, diag)) ||
	    (remote_id && (err = crm_check_remote_id(st, crm, remote_id, diag))))
		return err;
	db_now(now, sizeof now);
	if ((err = db_begin(st, diag)))
		return err;
	err = crm_item_of(st, crm, item, &deal, &key, diag);
	if (!err)
		rc = db_run(st, sql, "itit" "tt" "tttt" "tt", item, mk_crm_name(crm), deal, key, remote_id, hash,
			    x->subject, x->due, x->status, x->owner, modified, now);
	if (!err && rc == SQLITE_OK && sql != crm_forget_sql && sql != crm_seen_sql)
		rc = db_run(st, crm_floor_sql, "i", item); /* a row may be new */
	if (!err && rc == SQLITE_OK && sql == crm_seen_sql && !sqlite3_changes(st->db)) {
		mk_diag_set(diag, st->path, 0, "plan item %lld has no %s task", (long long)item, mk_crm_name(crm));
		err = MK_ENOTFOUND;
	}
	free(key);
	return db_end(st, err, rc, diag);
}

enum mk_err mk_store_crm_pending(struct mk_store *st, enum mk_crm crm, int64_t item, const char *remote_id,
				 struct mk_diag *diag)
{
	return crm_item_write(st, crm_pending_sql, crm, item, remote_id, NULL, NULL, NULL, diag);
}

enum mk_err mk_store_crm_pushed(struct mk_store *st, enum mk_crm crm, int64_t item, const char *remote_id,
				const char *hash, const struct mk_crm_state *state, const char *remote_modified,
				struct mk_diag *diag)
{
	if (!remote_id) {
		mk_diag_set(diag, st->path, 0, "plan item %lld was pushed with no %s task id", (long long)item,
			    mk_crm_name(crm));
		return MK_EARG;
	}
	return crm_item_write(st, crm_pushed_sql, crm, item, remote_id, hash, state, remote_modified, diag);
}

enum mk_err mk_store_crm_seen(struct mk_store *st, enum mk_crm crm, int64_t item, const struct mk_crm_state *state,
			      const char *remote_modified, struct mk_diag *diag)
{
	return crm_item_write(st, crm_seen_sql, crm, item, NULL, NULL, state, remote_modified, diag);
}

enum mk_err mk_store_crm_deleted(struct mk_store *st, enum mk_crm crm, int64_t item, struct mk_diag *diag)
{
	return crm_item_write(st, crm_deleted_sql, crm, item, NULL, NULL, NULL, NULL, diag);
}

enum mk_err mk_store_crm_forget(struct mk_store *st, enum mk_crm crm, int64_t item, struct mk_diag *diag)
{
	return crm_item_write(st, crm_forget_sql, crm, item, NULL, NULL, NULL, NULL, diag);
}

/* ---- proposals from a pull ---- */

/* MK_EARG unless p is a change of an item on deal's plan, with a key. */
static enum mk_err crm_propose_check(struct mk_store *st, int64_t deal, const struct mk_proposal *p,
				     struct mk_diag *diag)
{
	int64_t one;
	enum mk_err err;

	if (p->kind != MK_PROP_UPDATE_DUE && p->kind != MK_PROP_MARK_DONE && p->kind != MK_PROP_MARK_BLOCKED &&
	    p->kind != MK_PROP_MARK_DROPPED) {
		mk_diag_set(diag, st->path, 0, "a CRM proposes update_due or mark_done, mark_blocked, mark_dropped, not %s",
			    mk_prop_kind_name(p->kind));
		return MK_EARG;
	}
	if (!p->key || !p->key[0]) {
		mk_diag_set(diag, st->path, 0, "a %s proposal from a CRM has no key", mk_prop_kind_name(p->kind));
		return MK_EARG;
	}
	err = db_int(st, diag, &one, "SELECT 1 FROM plan_items WHERE id = ?1 AND deal_id = ?2", "ii", p->item_id, deal);
	err = db_notfound(st, diag, err, "plan item %lld is not on the deal's plan", (long long)p->item_id);
	return err == MK_ENOTFOUND ? MK_EARG : err;
}

enum mk_err mk_store_crm_propose(struct mk_store *st, const char *deal, enum mk_crm crm,
				 const struct mk_proposal *p, int *created, struct mk_diag *diag)
{
	char now[32];
	size_t added = 0;
	int64_t deal_id;
	enum mk_err err;
	int rc = SQLITE_OK;

	*created = 0;
	if ((err = crm_check(st, crm, diag)))
		return err;
	db_now(now, sizeof now);
	if ((err = db_begin(st, diag)))
		return err;
	if (!(err = db_deal_id(st, deal, &deal_id, diag)) && !(err = crm_propose_check(st, deal_id, p, diag)))
		rc = db_proposals_insert(st, deal_id, 0, mk_crm_name(crm), p, 1, now, &added);
	err = db_end(st, err, rc, diag);
	if (!err)
		*created = added > 0;
	return err;
}

/* ---- one run at a time ---- */

/* "pid@host" of this process. */
static void crm_me(char *host, size_t hostlen)
{
	if (gethostname(host, hostlen) != 0)
		snprintf(host, hostlen, "localhost");
	host[hostlen - 1] = '\0';
}

/* Can the lock of pid on host, taken at (stale: older than MK_CRM_LOCK_STALE_S), be taken
 * by this process? Its own, one whose process on this host is gone, or a stale one. */
static int crm_lock_free(int64_t pid, const char *host, int stale, const char *me)
{
	if (stale)
		return 1;
	if (strcmp(host, me))
		return 0;
	if (pid == (int64_t)getpid())
		return 1;
	return pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH);
}

enum mk_err mk_store_crm_lock(struct mk_store *st, enum mk_crm crm, int *got, char **holder,
			      struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	char host[CRM_HOST_MAX], now[32], stale_at[32];
	enum mk_err err;
	int rc = SQLITE_OK, take = 1;

	*got = 0;
	*holder = NULL;
	if ((err = crm_check(st, crm, diag)))
		return err;
	crm_me(host, sizeof host);
	db_now(now, sizeof now);
	snprintf(stale_at, sizeof stale_at, "-%d seconds", MK_CRM_LOCK_STALE_S);
	/* BEGIN IMMEDIATE: two processes cannot both see the lock free */
	if ((err = db_begin(st, diag)))
		return err;
	err = db_row(st, diag, &s,
		"SELECT pid, host, at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?2) FROM crm_locks WHERE crm = ?1",
		"tt", mk_crm_name(crm), stale_at);
	if (!err) {
		const char *h = (const char *)sqlite3_column_text(s, 1);

		take = crm_lock_free(sqlite3_column_int64(s, 0), h ? h : "", sqlite3_column_int(s, 2), host);
		if (!take)
			*holder = mk_sprintf("%lld@%s", (long long)sqlite3_column_int64(s, 0), h ? h : "");
	}
	sqlite3_finalize(s);
	if (err == MK_ENOTFOUND)
		err = MK_OK;
	if (!err && take)
		rc = db_run(st,
			"INSERT INTO crm_locks (crm, pid, host, at) VALUES (?1, ?2, ?3, ?4)\n"
			"ON CONFLICT (crm) DO UPDATE SET pid = excluded.pid, host = excluded.host, at = excluded.at",
			"titt", mk_crm_name(crm), (int64_t)getpid(), host, now);
	err = db_end(st, err, rc, diag);
	if (!err)
		*got = take;
	if (err || take) {
		free(*holder);
		*holder = NULL;
	}
	return err;
}

enum mk_err mk_store_crm_unlock(struct mk_store *st, enum mk_crm crm, struct mk_diag *diag)
{
	char host[CRM_HOST_MAX];
	enum mk_err err;
	int rc;

	if ((err = crm_check(st, crm, diag)))
		return err;
	crm_me(host, sizeof host);
	rc = db_run(st, "DELETE FROM crm_locks WHERE crm = ?1 AND pid = ?2 AND host = ?3", "tit", mk_crm_name(crm),
		    (int64_t)getpid(), host);
	return rc == SQLITE_OK ? MK_OK : db_fail(st, rc, diag);
}

/* ---- runs ---- */

enum mk_err mk_store_crm_run_start(struct mk_store *st, enum mk_crm crm, const char *kind, const char *deal,
				   int64_t *id, struct mk_diag *diag)
{
	char now[32];
	int64_t deal_id = 0;
	enum mk_err err;
	int rc;

	*id = 0;
	if ((err = crm_check(st, crm, diag)))
		return err;
	if (!kind || (strcmp(kind, "push") && strcmp(kind, "pull"))) {
		mk_diag_set(diag, st->path, 0, "a CRM run is a push or a pull, not \"%s\"", kind ? kind : "");
		return MK_EARG;
	}
	if (deal && (err = db_deal_id(st, deal, &deal_id, diag)))
		return err;
	db_now(now, sizeof now);
	rc = db_run(st,
		"INSERT INTO crm_runs (crm, kind, deal_id, started_at, result) VALUES (?1, ?2, ?3, ?4, 'running')",
		"ttIt", mk_crm_name(crm), kind, deal_id, now);
	if (rc != SQLITE_OK)
		return db_fail(st, rc, diag);
	*id = sqlite3_last_insert_rowid(st->db);
	return MK_OK;
}

enum mk_err mk_store_crm_run_end(struct mk_store *st, const struct mk_crm_run *r, struct mk_diag *diag)
{
	static const char *const results[] = { "ok", "partial", "error", NULL };
	char now[32];
	int rc;

	if (!r->result || !mk_in_list(r->result, results)) {
		mk_diag_set(diag, st->path, 0, "a CRM run ends ok, partial or error, not \"%s\"",
			    r->result ? r->result : "");
		return MK_EARG;
	}
	db_now(now, sizeof now);
	rc = db_run(st,
		"UPDATE crm_runs SET finished_at = ?1, result = ?2, message = ?3, created = ?4, updated = ?5,\n"
		"	unchanged = ?6, proposed = ?7, deleted = ?8, errors = ?9 WHERE id = ?10",
		"ttt" "iiiiii" "i", now, r->result, r->message, r->created, r->updated, r->unchanged, r->proposed,
		r->deleted, r->errors, r->id);
	if (rc != SQLITE_OK)
		return db_fail(st, rc, diag);
	if (!sqlite3_changes(st->db))
		return db_notfound(st, diag, MK_ENOTFOUND, "no CRM run %lld", (long long)r->id);
	return MK_OK;
}

/* The newest run of kind in crm touching deal (0: any deal), or *out NULL. */
static enum mk_err crm_last_run(struct mk_store *st, int64_t deal, enum mk_crm crm, const char *kind,
				struct mk_crm_run **out, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	struct mk_crm_run *r;
	enum mk_err err;

	*out = NULL;
	err = db_row(st, diag, &s,
		"SELECT r.id, r.kind, d.name, r.started_at, r.finished_at, r.result, r.message, r.created,\n"
		"	r.updated, r.unchanged, r.proposed, r.deleted, r.errors\n"
		"FROM crm_runs r LEFT JOIN deals d ON d.id = r.deal_id\n"
		"WHERE r.crm = ?1 AND r.kind = ?2 AND (?3 = 0 OR r.deal_id = ?3 OR r.deal_id IS NULL)\n"
		"ORDER BY r.id DESC LIMIT 1", "tti", mk_crm_name(crm), kind, deal);
	if (!err) {
		r = *out = mk_calloc(1, sizeof *r);
		r->id = sqlite3_column_int64(s, 0);
		r->crm = crm;
		r->kind = db_column_dup(s, 1);
		r->deal = db_column_dup(s, 2);
		r->started_at = db_column_dup(s, 3);
		r->finished_at = db_column_dup(s, 4);
		r->result = db_column_dup(s, 5);
		r->message = db_column_dup(s, 6);
		r->created = sqlite3_column_int64(s, 7);
		r->updated = sqlite3_column_int64(s, 8);
		r->unchanged = sqlite3_column_int64(s, 9);
		r->proposed = sqlite3_column_int64(s, 10);
		r->deleted = sqlite3_column_int64(s, 11);
		r->errors = sqlite3_column_int64(s, 12);
	}
	sqlite3_finalize(s);
	return err == MK_ENOTFOUND ? MK_OK : err;
}

enum mk_err mk_store_crm_last(struct mk_store *st, const char *deal, enum mk_crm crm, struct mk_crm_run **push,
			      struct mk_crm_run **pull, struct mk_diag *diag)
{
	int64_t deal_id = 0;
	enum mk_err err;
	int rc;

	*push = *pull = NULL;
	if ((err = crm_check(st, crm, diag)))
		return err;
	rc = db_read_begin(st);
	if (rc != SQLITE_OK)
		return db_fail(st, rc, diag);
	if (deal)
		err = db_deal_id(st, deal, &deal_id, diag);
	if (!err)
		err = crm_last_run(st, deal_id, crm, "push", push, diag);
	if (!err)
		err = crm_last_run(st, deal_id, crm, "pull", pull, diag);
	db_rollback(st);
	if (err) {
		mk_crm_runs_free(*push, 1);
		mk_crm_runs_free(*pull, 1);
		*push = *pull = NULL;
	}
	return err;
}
