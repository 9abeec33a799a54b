/*
 * plan.c: reading a deal's current plan (mk_store_plan): its items (with how often each
 * changed, whether its due date slipped, its phase), the people on its map (stance, met),
 * its open risks, and the whole plan of issue 14: goal, go-live, criteria, dependencies,
 * next meeting, the buyer's last acknowledgement and the plan's version. Does not change
 * anything (proposal.c, elements.c do). Also works the plan of every deal with a go-live
 * backward in one pass (db_plan_slacks: health, query). Invariant: revision counts and slip
 * marks are computed from plan_revisions, never stored, so they cannot disagree with history.
 */
#include "db.h"
#include "util/util.h"

#include <stdint.h>
#include <string.h>

void db_item_read(sqlite3_stmt *s, struct mk_item *it)
{
	enum mk_status status = MK_STATUS_OPEN;

	memset(it, 0, sizeof *it);
	it->id = sqlite3_column_int64(s, 0);
	it->action = db_column_dup(s, 1);
	it->owner = db_column_dup(s, 2);
	it->side = db_column_side(s, 3);
	db_column_date(s, 4, &it->has_due, &it->due);
	mk_status_parse((const char *)sqlite3_column_text(s, 5), &status);
	it->status = status;
	it->updated_at = db_column_dup(s, 6);
	it->revisions = sqlite3_column_int(s, 7);
	it->slipped = sqlite3_column_int(s, 8) != 0;
	it->from_removed_call = sqlite3_column_int(s, 9) != 0;
	if (sqlite3_column_count(s) > 10)
		it->said = db_column_dup(s, 10); /* the plan's read gives what promised it */
}

void db_item_phase(sqlite3_stmt *s, int col, struct mk_item *it)
{
	enum mk_phase ph;

	if (mk_phase_parse((const char *)sqlite3_column_text(s, col), &ph) == MK_OK)
		it->phase = ph;
	else
		it->phase = mk_phase_guess(it->action ? it->action : "");
}

/* One of the plan's lists: each row of sql (?1 the deal) handed to fn. */
typedef void plan_row_fn(sqlite3_stmt *s, struct mk_plan *p);

static int plan_rows(struct mk_store *st, const char *sql, int64_t deal, plan_row_fn *fn,
		     struct mk_plan *p)
{
	sqlite3_stmt *s = NULL;
	int rc = db_prepare_cached(st, sql, &s);

	if (rc == SQLITE_OK)
		rc = db_bind(s, "i", deal);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		fn(s, p);
		rc = SQLITE_OK;
	}
	if (s)
		sqlite3_reset(s); /* kept for the connection: it must not hold the read open */
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* slipped: the due date moved from one date to another at least once */
static const char plan_items_sql[] =
	"SELECT i.id, i.action, i.owner, i.side, i.due, i.status, i.updated_at,\n"
	"	(SELECT count(*) FROM plan_revisions r WHERE r.item_id = i.id),\n"
	"	EXISTS (SELECT 1 FROM plan_revisions r WHERE r.item_id = i.id\n"
	"		AND r.field = 'due' AND r.old_value IS NOT NULL),\n"
	"	EXISTS (SELECT 1 FROM meetings m WHERE m.id = i.meeting_id AND m.removed_at IS NOT NULL),\n"
	"	(SELECT p.ev_quote FROM proposals p WHERE p.id = i.proposal_id), i.phase\n"
	"FROM plan_items i WHERE i.deal_id = ?1\n"
	"ORDER BY CASE i.side WHEN 'buyer' THEN 0 WHEN 'seller' THEN 1 ELSE 2 END,\n"
	"	i.due IS NULL, i.due, i.id";

static void plan_item_row(sqlite3_stmt *s, struct mk_plan *p)
{
	struct mk_item *it;

	p->items = mk_grow(p->items, &p->capitems, p->nitems + 1, sizeof *p->items);
	it = &p->items[p->nitems++];
	db_item_read(s, it);
	db_item_phase(s, 11, it);
}

static const char plan_people_sql[] =
	"SELECT id, name, role, side, stance, met FROM people WHERE deal_id = ?1\n"
	"ORDER BY CASE side WHEN 'buyer' THEN 0 WHEN 'seller' THEN 1 ELSE 2 END, id";

static void plan_person_row(sqlite3_stmt *s, struct mk_plan *p)
{
	struct mk_plan_person *pp;
	enum mk_stance stance = MK_STANCE_UNKNOWN;

	p->people = mk_grow(p->people, &p->cappeople, p->npeople + 1, sizeof *p->people);
	pp = &p->people[p->npeople++];
	memset(pp, 0, sizeof *pp);
	pp->id = sqlite3_column_int64(s, 0);
	pp->name = db_column_dup(s, 1);
	pp->role = db_column_dup(s, 2);
	pp->side = db_column_side(s, 3);
	mk_stance_parse((const char *)sqlite3_column_text(s, 4), &stance);
	pp->stance = stance;
	pp->met = sqlite3_column_int(s, 5) != 0;
}

static const char plan_risks_sql[] =
	"SELECT id, category, text, shareable FROM risks WHERE deal_id = ?1 AND status = 'open'\n"
	"ORDER BY id";

static void plan_risk_row(sqlite3_stmt *s, struct mk_plan *p)
{
	struct mk_plan_risk *r;

	p->risks = mk_grow(p->risks, &p->caprisks, p->nrisks + 1, sizeof *p->risks);
	r = &p->risks[p->nrisks++];
	r->id = sqlite3_column_int64(s, 0);
	r->category = db_column_dup(s, 1);
	r->text = db_column_dup(s, 2);
	r->shareable = sqlite3_column_int(s, 3) != 0;
}

static const char plan_elements_sql[] =
	"SELECT goal, go_live, go_live_kind, next_meeting, next_meeting_time, next_meeting_who,\n"
	"	next_meeting_purpose FROM deal_plan WHERE deal_id = ?1";

static void plan_elements_row(sqlite3_stmt *s, struct mk_plan *p)
{
	p->goal = db_column_dup(s, 0);
	db_column_date(s, 1, &p->has_go_live, &p->go_live);
	p->go_live_kind = p->has_go_live ? db_column_dup(s, 2) : NULL;
	db_column_date(s, 3, &p->has_next_meeting, &p->next_meeting);
	p->next_meeting_time = db_column_dup(s, 4);
	p->next_meeting_who = db_column_dup(s, 5);
	p->next_meeting_purpose = db_column_dup(s, 6);
}

/* every criterion on the plan came from an approved proposal or a hand edit: agreed */
static const char plan_criteria_sql[] =
	"SELECT id, text FROM criteria WHERE deal_id = ?1 AND removed_at IS NULL ORDER BY id";

static void plan_criterion_row(sqlite3_stmt *s, struct mk_plan *p)
{
	struct mk_plan_criterion *c;

	p->criteria = mk_grow(p->criteria, &p->capcriteria, p->ncriteria + 1, sizeof *p->criteria);
	c = &p->criteria[p->ncriteria++];
	c->id = sqlite3_column_int64(s, 0);
	c->text = db_column_dup(s, 1);
	c->agreed = 1;
}

/* an item's side of a dependency reads as its action now; the words said otherwise */
static const char plan_deps_sql[] =
	"SELECT dp.id, w.id, coalesce(w.action, dp.waiting), o.id, coalesce(o.action, dp.on_text)\n"
	"FROM dependencies dp LEFT JOIN plan_items w ON w.id = dp.item_id\n"
	"LEFT JOIN plan_items o ON o.id = dp.depends_on_id\n"
	"WHERE dp.deal_id = ?1 AND dp.removed_at IS NULL ORDER BY dp.id";

static void plan_dep_row(sqlite3_stmt *s, struct mk_plan *p)
{
	struct mk_plan_dependency *d;

	p->deps = mk_grow(p->deps, &p->capdeps, p->ndeps + 1, sizeof *p->deps);
	d = &p->deps[p->ndeps++];
	d->id = sqlite3_column_int64(s, 0);
	d->item_id = sqlite3_column_int64(s, 1);
	d->waiting = db_column_dup(s, 2);
	d->depends_on_id = sqlite3_column_int64(s, 3);
	d->on = db_column_dup(s, 4);
}

static const char plan_ack_sql[] =
	"SELECT at, name FROM buyer_acks WHERE deal_id = ?1 ORDER BY at DESC, id DESC LIMIT 1";

static void plan_ack_row(sqlite3_stmt *s, struct mk_plan *p)
{
	p->has_ack = 1;
	p->ack_at = db_column_dup(s, 0);
	p->ack_by = db_column_dup(s, 1);
}

static const char plan_version_sql[] = "SELECT max(id) FROM decisions WHERE deal_id = ?1";

static void plan_version_row(sqlite3_stmt *s, struct mk_plan *p)
{
	p->version = sqlite3_column_int64(s, 0);
}

/* The lists in the order they are read. */
static const struct plan_part {
	const char *sql;
	plan_row_fn *fn;
} plan_parts[] = {
	{ plan_items_sql, plan_item_row },
	{ plan_elements_sql, plan_elements_row },
	{ plan_deps_sql, plan_dep_row },
	{ plan_people_sql, plan_person_row },
	{ plan_risks_sql, plan_risk_row },
	{ plan_criteria_sql, plan_criterion_row },
	{ plan_ack_sql, plan_ack_row },
	{ plan_version_sql, plan_version_row },
};
static int plan_read(struct mk_store *st, int64_t deal, struct mk_plan *out)
{
	int rc = SQLITE_OK;

	for (size_t i = 0; i < sizeof plan_parts / sizeof plan_parts[0] && rc == SQLITE_OK; i++)
		rc = plan_rows(st, plan_parts[i].sql, deal, plan_parts[i].fn, out);
	return rc;
}

enum mk_err mk_store_plan(struct mk_store *st, const char *deal, struct mk_plan *out,
			  struct mk_diag *diag)
{
	enum mk_err err;
	int64_t deal_id;
	int rc;

	mk_plan_init(out);
	/* one read transaction: the lists agree with each other */
	rc = db_read_begin(st);
	if (rc != SQLITE_OK)
		return db_fail(st, rc, diag);
	err = db_deal_id(st, deal, &deal_id, diag);
	if (err)
		goto out;
	rc = plan_read(st, deal_id, out);
	if (rc != SQLITE_OK)
		err = db_fail(st, rc, diag);
out:
	db_rollback(st);
	if (err)
		mk_plan_release(out);
	return err;
}

/* ---- working backward from go-live, deal after deal (health, query) ---- */

/*
 * The deals with a go-live (?1..?2: one deal, or every one), their items and their
 * dependencies, each in deal order, read side by side: three statements for any number of
 * deals, no plan read per deal. An item's order within its deal (by due date) does not
 * change the slack.
 */
static const char slack_deals_sql[] =
	"SELECT deal_id, go_live FROM deal_plan WHERE deal_id BETWEEN ?1 AND ?2 AND go_live IS NOT NULL\n"
	"ORDER BY deal_id";
static const char slack_items_sql[] =
	"SELECT g.deal_id, i.id, i.due, i.status, i.slipped FROM deal_plan g\n"
	"JOIN plan_items i ON i.deal_id = g.deal_id\n"
	"WHERE g.deal_id BETWEEN ?1 AND ?2 AND g.go_live IS NOT NULL ORDER BY g.deal_id";
static const char slack_deps_sql[] =
	"SELECT g.deal_id, dp.item_id, dp.depends_on_id FROM deal_plan g\n"
	"JOIN dependencies dp ON dp.deal_id = g.deal_id\n"
	"WHERE g.deal_id BETWEEN ?1 AND ?2 AND g.go_live IS NOT NULL AND dp.removed_at IS NULL\n"
	"ORDER BY g.deal_id";

struct slack_cursor {
	sqlite3_stmt *s;
	int rc;                     /* of the last step: SQLITE_ROW while on a row */
};

static int slack_step(struct slack_cursor *c)
{
	c->rc = sqlite3_step(c->s);
	return c->rc == SQLITE_ROW || c->rc == SQLITE_DONE ? SQLITE_OK : c->rc;
}

static int slack_open(struct mk_store *st, const char *sql, int64_t lo, int64_t hi, struct slack_cursor *c)
{
	int rc = db_prepare(st, sql, &c->s);

	if (rc == SQLITE_OK)
		rc = db_bind(c->s, "ii", lo, hi);
	return rc == SQLITE_OK ? slack_step(c) : rc;
}

/* Is the cursor on a row of deal (skipping rows of deals before it)? */
static int slack_on(struct slack_cursor *c, int64_t deal, int *rc)
{
	while (*rc == SQLITE_OK && c->rc == SQLITE_ROW && sqlite3_column_int64(c->s, 0) < deal)
		*rc = slack_step(c);
	return *rc == SQLITE_OK && c->rc == SQLITE_ROW && sqlite3_column_int64(c->s, 0) == deal;
}

/* Deal's items and dependencies from the cursors into p (emptied first). */
static int slack_plan(struct slack_cursor *items, struct slack_cursor *deps, int64_t deal, struct mk_plan *p)
{
	int rc = SQLITE_OK;

	p->nitems = p->ndeps = 0;
	while (slack_on(items, deal, &rc)) {
		struct mk_item *it;
		enum mk_status status = MK_STATUS_OPEN;

		p->items = mk_grow(p->items, &p->capitems, p->nitems + 1, sizeof *p->items);
		it = &p->items[p->nitems++];
		memset(it, 0, sizeof *it);
		it->id = sqlite3_column_int64(items->s, 1);
		db_column_date(items->s, 2, &it->has_due, &it->due);
		mk_status_parse((const char *)sqlite3_column_text(items->s, 3), &status);
		it->status = status;
		it->slipped = sqlite3_column_int(items->s, 4) != 0;
		rc = slack_step(items);
	}
	while (slack_on(deps, deal, &rc)) {
		struct mk_plan_dependency *d;

		p->deps = mk_grow(p->deps, &p->capdeps, p->ndeps + 1, sizeof *p->deps);
		d = &p->deps[p->ndeps++];
		memset(d, 0, sizeof *d);
		d->item_id = sqlite3_column_int64(deps->s, 1);
		d->depends_on_id = sqlite3_column_int64(deps->s, 2);
		rc = slack_step(deps);
	}
	return rc;
}

int db_plan_slacks(struct mk_store *st, int64_t deal, struct mk_date today, db_slack_fn *fn, void *ctx)
{
	struct slack_cursor g = { NULL, 0 }, items = { NULL, 0 }, deps = { NULL, 0 };
	int64_t lo = deal > 0 ? deal : INT64_MIN, hi = deal > 0 ? deal : INT64_MAX;
	struct mk_plan p;
	int rc;

	mk_plan_init(&p);
	rc = slack_open(st, slack_deals_sql, lo, hi, &g);
	if (rc == SQLITE_OK)
		rc = slack_open(st, slack_items_sql, lo, hi, &items);
	if (rc == SQLITE_OK)
		rc = slack_open(st, slack_deps_sql, lo, hi, &deps);
	while (rc == SQLITE_OK && g.rc == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(g.s, 0);
		struct mk_backward b;

		db_column_date(g.s, 1, &p.has_go_live, &p.go_live);
		rc = slack_plan(&items, &deps, id, &p);
		if (rc != SQLITE_OK)
			break;
		mk_plan_backward(&p, today, &b);
		fn(ctx, id, &b);
		mk_backward_release(&b);
		rc = slack_step(&g);
	}
	sqlite3_finalize(g.s);
	sqlite3_finalize(items.s);
	sqlite3_finalize(deps.s);
	mk_plan_release(&p);
	return rc;
}
