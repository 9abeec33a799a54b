/*
 * plan.c: reading a deal's current plan (mk_store_plan): its items with how often each
 * changed and whether its due date slipped, the people on its map and its open risks.
 * Does not change anything (proposal.c does). Invariant: revision counts and slip marks
 * are computed from plan_revisions, never stored, so they cannot disagree with history.
 */
#include "db.h"
#include "util/util.h"

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

static int plan_items_read(struct mk_store *st, int64_t deal, struct mk_plan *p)
{
	sqlite3_stmt *s = NULL;
	int rc;

	/* slipped: the due date moved from one date to another at least once */
	rc = db_prepare(st,
		"SELECT i.id, i.action, i.owner, i.side, i.due, i.status, i.updated_at,\n"
		"	(SELECT count(*) FROM plan_revisions r WHERE r.item_id = i.id),\n"
		"	EXISTS (SELECT 1 FROM plan_revisions r WHERE r.item_id = i.id\n"
		"		AND r.field = 'due' AND r.old_value IS NOT NULL),\n"
		"	EXISTS (SELECT 1 FROM meetings m WHERE m.id = i.meeting_id AND m.removed_at IS NOT NULL),\n"
		"	(SELECT p.ev_quote FROM proposals p WHERE p.id = i.proposal_id)\n"
		"FROM plan_items i WHERE i.deal_id = ?1\n"
		"ORDER BY CASE i.side WHEN 'buyer' THEN 0 WHEN 'seller' THEN 1 ELSE 2 END,\n"
		"	i.due IS NULL, i.due, i.id", &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "i", deal);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct mk_item *it;

		p->items = mk_grow(p->items, &p->capitems, p->nitems + 1, sizeof *p->items);
		it = &p->items[p->nitems++];
		db_item_read(s, it);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int plan_people_read(struct mk_store *st, int64_t deal, struct mk_plan *p)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = db_prepare(st,
		"SELECT name, role, side FROM people WHERE deal_id = ?1\n"
		"ORDER BY CASE side WHEN 'buyer' THEN 0 WHEN 'seller' THEN 1 ELSE 2 END, id", &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "i", deal);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct mk_plan_person *pp;

		p->people = mk_grow(p->people, &p->cappeople, p->npeople + 1, sizeof *p->people);
		pp = &p->people[p->npeople++];
		pp->name = db_column_dup(s, 0);
		pp->role = db_column_dup(s, 1);
		pp->side = db_column_side(s, 2);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int plan_risks_read(struct mk_store *st, int64_t deal, struct mk_plan *p)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = db_prepare(st,
		"SELECT id, category, text FROM risks WHERE deal_id = ?1 AND status = 'open'\n"
		"ORDER BY id", &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "i", deal);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct mk_plan_risk *r;

		p->risks = mk_grow(p->risks, &p->caprisks, p->nrisks + 1, sizeof *p->risks);
		r = &p->risks[p->nrisks++];
		r->id = sqlite3_column_int64(s, 0);
		r->category = db_column_dup(s, 1);
		r->text = db_column_dup(s, 2);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

enum mk_err mk_store_plan(struct mk_store *st, const char *deal, struct mk_plan *out,
			  struct mk_diag *diag)
{
	enum mk_err err;
	int64_t deal_id;
	int rc;

	mk_plan_init(out);
	/* one read transaction: the three lists agree with each other */
	rc = db_read_begin(st);
	if (rc != SQLITE_OK)
		return db_fail(st, rc, diag);
	err = db_deal_id(st, deal, &deal_id, diag);
	if (err)
		goto out;
	rc = plan_items_read(st, deal_id, out);
	if (rc == SQLITE_OK)
		rc = plan_people_read(st, deal_id, out);
	if (rc == SQLITE_OK)
		rc = plan_risks_read(st, deal_id, out);
	if (rc != SQLITE_OK)
		err = db_fail(st, rc, diag);
out:
	db_rollback(st);
	if (err)
		mk_plan_release(out);
	return err;
}
