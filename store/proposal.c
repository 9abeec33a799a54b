/*
 * proposal.c: the review of proposals: listing the pending ones, reading one, editing
 * a pending one, and deciding it. Approving applies it to the plan (a new item, a moved
 * due date, a new status, a person, a risk) and writes the item's revision. Does not make
 * proposals (merge/). Invariant: a proposal is decided once; its decision, the plan change
 * and the revision are one transaction, recording who and when (UTC).
 */
#include "db.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

/* item_id: the plan item, else minus the pending add_item it is tied to (mapkeeper.h);
 * depends_on_id (add_dependency) likewise */
#define PROPOSAL_COLUMNS                                                                 \
	"p.id, p.kind, coalesce(p.item_id, -p.target_proposal_id), p.action, p.owner,"   \
	" p.side, p.due, p.old_due, p.name,"                                             \
	" p.role, p.category, p.text, p.confidence, p.ev_speaker, p.ev_start_ms,"        \
	" p.ev_end_ms, p.ev_quote, coalesce(m.label, p.source), p.key, p.status,"       \
	" p.deal_id, p.meeting_id,"                                                      \
	" d.name, p.time, coalesce(p.depends_on_id, -p.depends_on_proposal_id)"          \
	" FROM proposals p LEFT JOIN meetings m ON m.id = p.meeting_id"                  \
	" JOIN deals d ON d.id = p.deal_id"
#define PROPOSAL_DEAL_COLUMN 20
#define PROPOSAL_MEETING_COLUMN 21
#define PROPOSAL_DEAL_NAME_COLUMN 22

static void proposal_read(sqlite3_stmt *s, struct mk_proposal *p)
{
	enum mk_prop_kind kind = MK_PROP_ADD_ITEM;

	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(s, 0);
	mk_prop_kind_parse((const char *)sqlite3_column_text(s, 1), &kind);
	p->kind = kind;
	p->item_id = sqlite3_column_int64(s, 2);
	p->action = db_column_dup(s, 3);
	p->owner = db_column_dup(s, 4);
	p->side = db_column_side(s, 5);
	db_column_date(s, 6, &p->has_due, &p->due);
	db_column_date(s, 7, &p->has_old_due, &p->old_due);
	p->name = db_column_dup(s, 8);
	p->role = db_column_dup(s, 9);
	p->category = db_column_dup(s, 10);
	p->text = db_column_dup(s, 11);
	p->confidence = sqlite3_column_double(s, 12);
	p->ev.speaker = db_column_dup(s, 13);
	p->ev.start_ms = sqlite3_column_int64(s, 14);
	p->ev.end_ms = sqlite3_column_int64(s, 15);
	p->ev.quote = db_column_dup(s, 16);
	p->meeting = db_column_dup(s, 17);
	p->key = db_column_dup(s, 18);
	p->status = db_column_dup(s, 19);
	p->deal = db_column_dup(s, PROPOSAL_DEAL_NAME_COLUMN);
	p->time = db_column_dup(s, PROPOSAL_DEAL_NAME_COLUMN + 1);
	p->depends_on_id = sqlite3_column_int64(s, PROPOSAL_DEAL_NAME_COLUMN + 2);
}

/* A proposal, and the ids of its deal and meeting when asked. */
static void proposal_read_ids(sqlite3_stmt *s, struct mk_proposal *p, int64_t *deal, int64_t *meeting)
{
	proposal_read(s, p);
	if (deal)
		*deal = sqlite3_column_int64(s, PROPOSAL_DEAL_COLUMN);
	if (meeting)
		*meeting = sqlite3_column_int64(s, PROPOSAL_MEETING_COLUMN);
}

enum mk_err mk_store_pending(struct mk_store *st, const char *deal, struct mk_proposals *out,
			     struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	enum mk_err err = MK_OK;
	int64_t deal_id = 0;
	int rc;

	mk_proposals_init(out);
	rc = db_read_begin(st);
	if (rc != SQLITE_OK)
		return db_fail(st, rc, diag);
	if (deal) {
		err = db_deal_id(st, deal, &deal_id, diag);
		if (err)
			goto out;
	}
	/* one deal: its few proposals by (deal_id, key), not every deal's pending ones */
	rc = db_prepare(st, deal_id ?
			"SELECT " PROPOSAL_COLUMNS "\n"
			"WHERE p.deal_id = ?1 AND +p.status = 'pending'\nORDER BY p.id" :
			"SELECT " PROPOSAL_COLUMNS "\nWHERE p.status = 'pending'\nORDER BY p.id", &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "i", deal_id); /* every deal's: no ?1 */
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		out->v = mk_grow(out->v, &out->cap, out->n + 1, sizeof *out->v);
		proposal_read(s, &out->v[out->n++]);
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE)
		err = db_fail(st, rc, diag);
out:
	sqlite3_finalize(s);
	db_rollback(st);
	if (err)
		mk_proposals_release(out);
	return err;
}

/* Reads proposal id into p (and its deal and meeting); MK_ENOTFOUND when there is none. */
static enum mk_err proposal_load(struct mk_store *st, int64_t id, struct mk_proposal *p,
				 int64_t *deal, int64_t *meeting, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	enum mk_err err;

	memset(p, 0, sizeof *p);
	err = db_row(st, diag, &s, "SELECT " PROPOSAL_COLUMNS " WHERE p.id = ?1", "i", id);
	if (!err)
		proposal_read_ids(s, p, deal, meeting);
	sqlite3_finalize(s);
	return db_notfound(st, diag, err, "no such proposal %lld", (long long)id);
}

enum mk_err mk_store_proposal_get(struct mk_store *st, int64_t id, struct mk_proposal *out,
				  struct mk_diag *diag)
{
	enum mk_err err = proposal_load(st, id, out, NULL, NULL, diag);

	if (err)
		mk_proposal_release(out);
	return err;
}

/* MK_EARG "proposal N is already approved" unless p is pending. */
static enum mk_err proposal_must_be_pending(struct mk_store *st, const struct mk_proposal *p,
					    struct mk_diag *diag)
{
	if (p->status && !strcmp(p->status, "pending"))
		return MK_OK;
	mk_diag_set(diag, st->path, 0, "proposal %lld is already %s", (long long)p->id,
		    p->status ? p->status : "decided");
	return MK_EARG;
}

/* ---- approving ---- */

struct decision {
	struct mk_store *st;
	const struct mk_proposal *p;
	int64_t deal, meeting;
	const char *who, *now;
	struct mk_diag *diag;
};

/* The writes an approval makes: kept prepared (db.h), the schema's triggers fire on them. */
static const char decide_revision_sql[] =
	"INSERT INTO plan_revisions (item_id, field, old_value, new_value, at, meeting_id,\n"
	"	proposal_id, \"by\")\n"
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char decide_item_sql[] =
	"INSERT INTO plan_items (id, deal_id, action, owner, side, due, status, meeting_id,\n"
	"	proposal_id, created_at, updated_at)\n"
	"VALUES (" DB_NEW_ITEM_ID ", ?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7, ?8, ?8)";
static const char decide_due_sql[] =
	"UPDATE plan_items SET due = ?1, updated_at = ?2 WHERE id = ?3";
static const char decide_status_sql[] =
	"UPDATE plan_items SET status = ?1, updated_at = ?2 WHERE id = ?3";

static int decide_revision(const struct decision *d, int64_t item, const char *field,
			   const char *old_value, const char *new_value)
{
	return db_run_cached(d->st, decide_revision_sql, "ittttIit", item, field, old_value, new_value,
			     d->now, d->meeting, d->p->id, d->who);
}

static enum mk_err decide_add_item(const struct decision *d)
{
	const struct mk_proposal *p = d->p;
	int64_t item = 0;
	int rc;

	if (!p->action || !p->action[0]) {
		mk_diag_set(d->diag, d->st->path, 0, "proposal %lld has no action",
			    (long long)p->id);
		return MK_EARG;
	}
	rc = db_run_cached(d->st, decide_item_sql, "ittt" "dIit", d->deal, p->action,
			   p->owner && p->owner[0] ? p->owner : NULL, mk_side_name(p->side),
			   p->has_due ? &p->due : NULL, d->meeting, p->id, d->now);
	item = sqlite3_last_insert_rowid(d->st->db);
	/* the proposal, and the pending news tied to it, now name the item */
	if (rc == SQLITE_OK)
		rc = db_run(d->st,
			"UPDATE proposals SET item_id = ?1\n"
			"WHERE id = ?2 OR (target_proposal_id = ?2 AND status = 'pending')", "ii", item, p->id);
	if (rc == SQLITE_OK)
		rc = db_run(d->st, "UPDATE proposals SET depends_on_id = ?1\n"
			    "WHERE depends_on_proposal_id = ?2 AND status = 'pending'", "ii", item, p->id);
	return rc == SQLITE_OK ? MK_OK : db_fail(d->st, rc, d->diag);
}

static int same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* update_due and mark_*: changes one field of an existing item, with its revision. */
static enum mk_err decide_change_item(const struct decision *d)
{
	sqlite3_stmt *s = NULL;
	const struct mk_proposal *p = d->p;
	const char *field, *sql;
	char *old_value = NULL;
	char due[16];
	const char *new_value;
	enum mk_err err = MK_OK;
	int rc;

	if (p->item_id <= 0) {
		mk_diag_set(d->diag, d->st->path, 0, "proposal %lld names no plan item",
			    (long long)p->id);
		return MK_EARG;
	}
	if (p->kind == MK_PROP_UPDATE_DUE) {
		field = "due";
		sql = decide_due_sql;
		mk_date_format(p->due, due, sizeof due);
		new_value = p->has_due ? due : NULL;
	} else {
		field = "status";
		sql = decide_status_sql;
		new_value = mk_status_name(p->kind == MK_PROP_MARK_DONE ? MK_STATUS_DONE :
					   p->kind == MK_PROP_MARK_BLOCKED ? MK_STATUS_BLOCKED :
					   MK_STATUS_DROPPED);
	}

	err = db_row(d->st, d->diag, &s, p->kind == MK_PROP_UPDATE_DUE ?
		     "SELECT due FROM plan_items WHERE id = ?1 AND deal_id = ?2" :
		     "SELECT status FROM plan_items WHERE id = ?1 AND deal_id = ?2", "ii", p->item_id, d->deal);
	if (!err)
		old_value = db_column_dup(s, 0);
	sqlite3_finalize(s);
	err = db_notfound(d->st, d->diag, err, "plan item %lld of proposal %lld does not exist",
			  (long long)p->item_id, (long long)p->id);
	if (err || same_text(old_value, new_value))
		goto out; /* nothing changes: no revision */
	rc = db_run_cached(d->st, sql, "tti", new_value, d->now, p->item_id);
	if (rc == SQLITE_OK)
		rc = decide_revision(d, p->item_id, field, old_value, new_value);
	if (rc != SQLITE_OK)
		err = db_fail(d->st, rc, d->diag);
out:
	free(old_value);
	return err;
}

/* Before migration 8 a call put the people and risks it named on the deal's map as it was
 * stored: rejecting such a proposal still takes off what that call put there (a row with
 * no proposal_id; since then people and risks enter the map only on approval). A risk is
 * closed unless an earlier call raised it; a person is removed when this call named them
 * first (the key as db_person_add makes it). Other kinds leave the map alone. */
static enum mk_err reject_off_map(const struct decision *d)
{
	static const char risk_sql[] =
		"UPDATE risks SET status = 'closed'\n"
		"WHERE deal_id = ?1 AND meeting_id = ?2 AND category = coalesce(nullif(?3, ''), 'unknown')\n"
		"	AND text = coalesce(?4, '') AND proposal_id IS NULL AND status = 'open'";
	static const char person_sql[] =
		"DELETE FROM people WHERE deal_id = ?1 AND first_meeting_id = ?2 AND proposal_id IS NULL AND key =\n"
		"	CASE WHEN nullif(?3, '') IS NOT NULL THEN 'name:' || lower(?3)\n"
		"	ELSE 'role:' || ?5 || ':' || lower(?4) END";
	const struct mk_proposal *p = d->p;
	int risk = p->kind == MK_PROP_ADD_RISK;
	int rc;

	if (!risk && p->kind != MK_PROP_ADD_STAKEHOLDER)
		return MK_OK;
	/* risk_sql has no ?5: db_bind skips it */
	rc = db_run(d->st, risk ? risk_sql : person_sql, "iittt", d->deal, d->meeting,
		    risk ? p->category : p->name, risk ? p->text : p->role, mk_side_name(p->side));
	return rc == SQLITE_OK ? MK_OK : db_fail(d->st, rc, d->diag);
}

/* set_goal .. set_stance: elements.c, with the call and proposal behind it */
static enum mk_err decide_element(const struct decision *d)
{
	struct el_write w;

	memset(&w, 0, sizeof w);
	w.st = d->st;
	w.deal = d->deal;
	w.meeting = d->meeting;
	w.proposal = d->p->id;
	w.who = d->who;
	w.now = d->now;
	w.diag = d->diag;
	return el_apply(&w, d->p);
}

static enum mk_err decide_apply(const struct decision *d)
{
	const struct mk_proposal *p = d->p;
	int rc;

	switch (p->kind) {
	case MK_PROP_ADD_ITEM:
		return decide_add_item(d);
	case MK_PROP_UPDATE_DUE:
	case MK_PROP_MARK_DONE:
	case MK_PROP_MARK_BLOCKED:
	case MK_PROP_MARK_DROPPED:
		return decide_change_item(d);
	case MK_PROP_ADD_STAKEHOLDER:
		rc = db_person_add(d->st, d->deal, p->name, p->role, p->side, d->meeting, p->id, d->now);
		return rc == SQLITE_OK ? MK_OK : db_fail(d->st, rc, d->diag);
	case MK_PROP_ADD_RISK:
		rc = db_risk_add(d->st, d->deal, p->category, p->text, d->meeting, p->id, d->now);
		return rc == SQLITE_OK ? MK_OK : db_fail(d->st, rc, d->diag);
	default:
		if ((unsigned)p->kind < MK_PROP_KIND_COUNT)
			return decide_element(d);
		break;
	}
	mk_diag_set(d->diag, d->st->path, 0, "proposal %lld has an unknown kind", (long long)p->id);
	return MK_EARG;
}

/* Rejecting an add_item withdraws the pending news tied to it (its item will not be). */
static enum mk_err reject_withdraw(const struct decision *d)
{
	char *why;
	int rc;

	if (d->p->kind != MK_PROP_ADD_ITEM)
		return MK_OK;
	why = mk_sprintf("withdrawn: its item (proposal %lld) was rejected", (long long)d->p->id);
	rc = db_run(d->st,
		"UPDATE proposals SET status = 'rejected', decided_by = ?1, decided_at = ?2, reason = ?3\n"
		"WHERE (target_proposal_id = ?4 OR depends_on_proposal_id = ?4) AND status = 'pending'",
		"ttti", d->who, d->now, why,
		d->p->id);
	free(why);
	return rc == SQLITE_OK ? MK_OK : db_fail(d->st, rc, d->diag);
}

/* Is plan item p->item_id on the plan of deal? MK_ENOTFOUND (with a message) when not. */
static enum mk_err item_on_plan(struct mk_store *st, const struct mk_proposal *p, int64_t deal,
				struct mk_diag *diag)
{
	int64_t one;
	enum mk_err err = db_int(st, diag, &one, "SELECT 1 FROM plan_items WHERE id = ?1 AND deal_id = ?2",
				 "ii", p->item_id, deal);

	return db_notfound(st, diag, err, "plan item %lld of proposal %lld does not exist",
			   (long long)p->item_id, (long long)p->id);
}

static enum mk_err tied_approvable(struct mk_store *st, const struct mk_proposal *p, int64_t tied,
				   int64_t *needs_action, struct mk_diag *diag);

/* Can pending-or-not p (of deal) be approved as it stands? MK_OK, or an error with diag
 * saying why; *needs_action: the proposal an action would make approvable, else 0. */
static enum mk_err approvable(struct mk_store *st, const struct mk_proposal *p, int64_t deal,
			      int64_t *needs_action, struct mk_diag *diag)
{
	enum mk_err err;

	*needs_action = 0;
	if ((err = proposal_must_be_pending(st, p, diag)))
		return err;
	if (p->kind == MK_PROP_ADD_ITEM && (!p->action || !p->action[0])) {
		mk_diag_set(diag, st->path, 0, "proposal %lld has no action", (long long)p->id);
		*needs_action = p->id;
		return MK_EARG;
	}
	if (p->kind == MK_PROP_ADD_ITEM || p->kind == MK_PROP_ADD_STAKEHOLDER || p->kind == MK_PROP_ADD_RISK)
		return MK_OK;
	if (p->kind >= MK_PROP_SET_GOAL) {
		/* an element: its own checks, then the pending add_items it waits for */
		err = el_approvable(st, p, deal, diag);
		if (!err && p->item_id < 0)
			err = tied_approvable(st, p, -p->item_id, needs_action, diag);
		if (!err && p->depends_on_id < 0)
			err = tied_approvable(st, p, -p->depends_on_id, needs_action, diag);
		return err;
	}
	if (p->item_id > 0)
		return item_on_plan(st, p, deal, diag);
	if (p->item_id == 0) {
		mk_diag_set(diag, st->path, 0, "proposal %lld names no plan item", (long long)p->id);
		return MK_EARG;
	}
	return tied_approvable(st, p, -p->item_id, needs_action, diag);
}

/* p is tied to pending add_item tied (approving p approves it first): is that approvable? */
static enum mk_err tied_approvable(struct mk_store *st, const struct mk_proposal *p, int64_t tied,
				   int64_t *needs_action, struct mk_diag *diag)
{
	struct mk_proposal t;
	enum mk_err err;

	if ((err = proposal_load(st, tied, &t, NULL, NULL, diag)))
		return err;
	if (!t.status || strcmp(t.status, "pending")) {
		mk_diag_set(diag, st->path, 0, "proposal %lld changes the item proposal %lld would add, and %lld was %s",
			    (long long)p->id, (long long)t.id, (long long)t.id, t.status ? t.status : "decided");
		err = MK_EARG;
	} else if (!t.action || !t.action[0]) {
		mk_diag_set(diag, st->path, 0, "proposal %lld changes the item proposal %lld would add, which has no action",
			    (long long)p->id, (long long)t.id);
		*needs_action = t.id;
		err = MK_EARG;
	}
	mk_proposal_release(&t);
	return err;
}

enum mk_err mk_store_approve_check(struct mk_store *st, int64_t id, const char *deal,
				   int64_t *needs_action, struct mk_diag *diag)
{
	struct mk_proposal p;
	enum mk_err err;
	int64_t deal_id = 0, needs = 0;
	int rc;

	rc = db_read_begin(st);
	if (rc != SQLITE_OK)
		return db_fail(st, rc, diag);
	err = proposal_load(st, id, &p, &deal_id, NULL, diag);
	if (!err && deal && (!p.deal || strcmp(p.deal, deal))) {
		mk_diag_set(diag, st->path, 0, "proposal %lld is of deal \"%s\", not \"%s\"", (long long)id,
			    p.deal ? p.deal : "", deal);
		err = MK_EARG;
	}
	if (!err)
		err = approvable(st, &p, deal_id, &needs, diag);
	db_rollback(st);
	mk_proposal_release(&p);
	if (needs_action)
		*needs_action = needs;
	return err;
}

/* Decides proposal id inside the caller's transaction (now: its time): approving a proposal
 * tied to a pending add_item approves that first; rejecting an add_item withdraws the news
 * tied to it. */
static enum mk_err decide_in(struct mk_store *st, int64_t id, int approve, const char *who,
			     const char *reason, const char *now, struct mk_diag *diag)
{
	struct mk_proposal p;
	struct decision d;
	enum mk_err err;
	int64_t needs = 0;
	int rc;

	memset(&d, 0, sizeof d);
	err = proposal_load(st, id, &p, &d.deal, &d.meeting, diag);
	if (!err)
		err = approve ? approvable(st, &p, d.deal, &needs, diag) : proposal_must_be_pending(st, &p, diag);
	if (!err && approve && (p.item_id < 0 || p.depends_on_id < 0)) {
		if (p.item_id < 0)
			err = decide_in(st, -p.item_id, 1, who, NULL, now, diag);
		if (!err && p.depends_on_id < 0 && p.depends_on_id != p.item_id)
			err = decide_in(st, -p.depends_on_id, 1, who, NULL, now, diag);
		/* its item is on the plan now, and the proposal names it */
		mk_proposal_release(&p);
		if (!err)
			err = proposal_load(st, id, &p, &d.deal, &d.meeting, diag);
	}
	if (err)
		goto out;
	d.st = st;
	d.p = &p;
	d.who = who;
	d.now = now;
	d.diag = diag;
	if (approve)
		err = decide_apply(&d);
	else if (!(err = reject_off_map(&d)))
		err = reject_withdraw(&d);
	if (err)
		goto out;
	rc = db_run(st,
		"UPDATE proposals SET status = ?1, decided_by = ?2, decided_at = ?3, reason = ?4\n"
		"WHERE id = ?5 AND status = 'pending'", "tttti", approve ? "approved" : "rejected", who,
		now, reason && reason[0] ? reason : NULL, id);
	if (rc != SQLITE_OK)
		err = db_fail(st, rc, diag);
out:
	mk_proposal_release(&p);
	return err;
}

enum mk_err mk_store_decide(struct mk_store *st, int64_t id, int approve, const char *who,
			    const char *reason, struct mk_diag *diag)
{
	enum mk_err err;
	char now[32];

	if (!who || !who[0]) {
		mk_diag_set(diag, st->path, 0, "a decision needs the name of who made it");
		return MK_EARG;
	}
	db_now(now, sizeof now);
	err = db_begin(st, diag);
	if (err)
		return err;
	err = decide_in(st, id, approve, who, reason, now, diag);
	if (!err)
		err = db_commit(st, diag);
	else
		db_rollback(st);
	return err;
}

/* ---- editing ---- */

/* The proposal columns a rep may edit, each with its statement (a column name cannot be a
 * parameter): item proposals' owner, due and action (mk_store_edit), a stakeholder's name
 * and role and a risk's category and text (mk_store_edit_finding, finding_edit.c). */
static const struct {
	const char *column;
	const char *sql;
} edit_columns[] = {
	[DB_EDIT_OWNER] = { "owner", "UPDATE proposals SET owner = ?1 WHERE id = ?2" },
	[DB_EDIT_DUE] = { "due", "UPDATE proposals SET due = ?1 WHERE id = ?2" },
	[DB_EDIT_ACTION] = { "action", "UPDATE proposals SET action = ?1 WHERE id = ?2" },
	[DB_EDIT_NAME] = { "name", "UPDATE proposals SET name = ?1 WHERE id = ?2" },
	[DB_EDIT_ROLE] = { "role", "UPDATE proposals SET role = ?1 WHERE id = ?2" },
	[DB_EDIT_CATEGORY] = { "category", "UPDATE proposals SET category = ?1 WHERE id = ?2" },
	[DB_EDIT_TEXT] = { "text", "UPDATE proposals SET text = ?1 WHERE id = ?2" },
	[DB_EDIT_TIME] = { "time", "UPDATE proposals SET time = ?1 WHERE id = ?2" },
	[DB_EDIT_ITEM] = { "item_id", "UPDATE proposals SET item_id = ?1 WHERE id = ?2" },
	[DB_EDIT_DEPENDS_ON] = { "depends_on_id", "UPDATE proposals SET depends_on_id = ?1 WHERE id = ?2" },
};

int db_proposal_edit_field(struct mk_store *st, int64_t id, enum db_edit_field f, const char *old_value,
			   const char *new_value, const char *who, const char *now)
{
	int rc;

	if (same_text(old_value, new_value))
		return SQLITE_OK;
	rc = db_run(st, edit_columns[f].sql, "ti", new_value, id);
	if (rc == SQLITE_OK)
		rc = db_run(st,
			"INSERT INTO proposal_edits (proposal_id, field, old_value, new_value, at, \"by\")\n"
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "itttt" "t", id, edit_columns[f].column, old_value,
			new_value, now, who);
	return rc;
}

enum mk_err mk_store_edit(struct mk_store *st, int64_t id, const char *owner, const char *due,
			  const char *action, const char *who, struct mk_diag *diag)
{
	struct mk_proposal p;
	struct mk_date date;
	char now[32], old_due[16], new_due[16];
	enum mk_err err;
	int rc = SQLITE_OK;

	memset(&p, 0, sizeof p);
	if (due && due[0]) {
		if (mk_date_parse(due, &date) != MK_OK) {
			mk_diag_set(diag, st->path, 0, "not a date: \"%s\" (want YYYY-MM-DD)", due);
			return MK_EARG;
		}
		mk_date_format(date, new_due, sizeof new_due);
	}
	if (action && !action[0]) {
		mk_diag_set(diag, st->path, 0, "the action cannot be empty");
		return MK_EARG;
	}
	db_now(now, sizeof now);
	err = db_begin(st, diag);
	if (err)
		return err;
	err = proposal_load(st, id, &p, NULL, NULL, diag);
	if (!err)
		err = proposal_must_be_pending(st, &p, diag);
	if (err)
		goto out;
	if (owner)
		rc = db_proposal_edit_field(st, id, DB_EDIT_OWNER, p.owner, owner[0] ? owner : NULL, who, now);
	if (rc == SQLITE_OK && due) {
		mk_date_format(p.due, old_due, sizeof old_due);
		rc = db_proposal_edit_field(st, id, DB_EDIT_DUE, p.has_due ? old_due : NULL,
			      due[0] ? new_due : NULL, who, now);
	}
	if (rc == SQLITE_OK && action)
		rc = db_proposal_edit_field(st, id, DB_EDIT_ACTION, p.action, action, who, now);
out:
	err = db_end(st, err, rc, diag);
	mk_proposal_release(&p);
	return err;
}
