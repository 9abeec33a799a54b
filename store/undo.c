/*
 * undo.c: `mapkeeper undo`: reverses one decision (an approval, a rejection or a hand
 * edit) exactly and records the undo as a decision of its own. Does not decide or edit
 * anything else (proposal.c, edit.c). Invariant: a decision is undone once, in one
 * transaction; an undo that would lose a later decision's effect is refused, naming it.
 */
#include "edit.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

struct undo {
	struct mk_store *st;
	const struct mk_decision *d;
	int64_t self;               /* the undo's own decision */
	const char *who, *now;
	struct mk_diag *diag;
};

/* The live decision that wrote revision rev (a hand edit, or the approval of its proposal). */
static enum mk_err undo_revision_owner(const struct undo *u, int64_t rev, int64_t *owner)
{
	return db_int(u->st, u->diag, owner,
		"SELECT coalesce(r.decision_id, (SELECT c.id FROM decisions c WHERE c.proposal_id =\n"
		"	r.proposal_id AND c.kind = 'approve' AND c.undone_by IS NULL ORDER BY c.id DESC))\n"
		"FROM plan_revisions r WHERE r.id = ?1", "i", rev);
}

/* MK_EARG naming the first later decision that changed item after revision after (0: any
 * revision), or a proposal other than skip that is about item. */
static enum mk_err undo_blockers(const struct undo *u, int64_t item, int64_t after, int64_t skip_decision,
				 int64_t skip_proposal)
{
	int64_t rev = 0, owner = 0, prop = 0;
	enum mk_err err;

	err = db_int(u->st, u->diag, &rev,
		"SELECT id FROM plan_revisions WHERE item_id = ?1 AND id > ?2\n"
		"	AND coalesce(decision_id, 0) <> ?3 ORDER BY id DESC LIMIT 1",
		"iii", item, after, skip_decision);
	if (!err) {
		if ((err = undo_revision_owner(u, rev, &owner)) && err != MK_ENOTFOUND)
			return err;
		mk_diag_set(u->diag, u->st->path, 0,
			    "decision %lld cannot be undone: item #%lld was changed later by decision "
			    "%lld: undo that first", (long long)u->d->id, (long long)item, (long long)owner);
		return MK_EARG;
	}
	if (err != MK_ENOTFOUND)
		return err;
	if (skip_proposal < 0)
		return MK_OK;
	/* approved proposals about the item (a change that changed nothing wrote no revision) */
	err = db_int(u->st, u->diag, &owner,
		"SELECT c.id FROM proposals p JOIN decisions c ON c.proposal_id = p.id\n"
		"WHERE p.item_id = ?1 AND p.id <> ?2 AND p.status = 'approved' AND c.kind = 'approve'\n"
		"	AND c.undone_by IS NULL ORDER BY c.id DESC LIMIT 1", "ii", item, skip_proposal);
	if (!err) {
		mk_diag_set(u->diag, u->st->path, 0,
			    "decision %lld cannot be undone: decision %lld is about item #%lld: undo that first",
			    (long long)u->d->id, (long long)owner, (long long)item);
		return MK_EARG;
	}
	if (err != MK_ENOTFOUND)
		return err;
	err = db_int(u->st, u->diag, &prop,
		"SELECT id FROM proposals WHERE item_id = ?1 AND id <> ?2 AND status = 'pending'\n"
		"ORDER BY id LIMIT 1", "ii", item, skip_proposal);
	if (!err) {
		mk_diag_set(u->diag, u->st->path, 0,
			    "decision %lld cannot be undone: pending proposal %lld is about item #%lld: "
			    "reject it first", (long long)u->d->id, (long long)prop, (long long)item);
		return MK_EARG;
	}
	return err == MK_ENOTFOUND ? MK_OK : err;
}

/* MK_EARG when a dependency on the plan names item (it would lose what waits or is waited
 * on), or its phase was set since. */
static enum mk_err undo_item_in_dependency(const struct undo *u, int64_t item)
{
	int64_t dep = 0;
	enum mk_err err = db_int(u->st, u->diag, &dep,
		"SELECT id FROM dependencies WHERE (item_id = ?1 OR depends_on_id = ?1) AND removed_at IS NULL\n"
		"ORDER BY id LIMIT 1", "i", item);

	if (!err) {
		mk_diag_set(u->diag, u->st->path, 0, "decision %lld cannot be undone: item #%lld is in dependency "
			    "%lld: remove that first", (long long)u->d->id, (long long)item, (long long)dep);
		return MK_EARG;
	}
	if (err != MK_ENOTFOUND)
		return err;
	/* a phase set by hand since */
	err = db_int(u->st, u->diag, &dep,
		"SELECT decision_id FROM element_revisions WHERE field = 'phase' AND ref_id = ?1\n"
		"ORDER BY id DESC LIMIT 1", "i", item);
	if (err)
		return err == MK_ENOTFOUND ? MK_OK : err;
	mk_diag_set(u->diag, u->st->path, 0, "decision %lld cannot be undone: item #%lld was changed later by "
		    "decision %lld: undo that first", (long long)u->d->id, (long long)item, (long long)dep);
	return MK_EARG;
}

/* Deletes item (added by the decision) once nothing later depends on it. Rejected
 * proposals about it and removed dependencies no longer name it (a dependency keeps its words). */
static enum mk_err undo_remove_item(const struct undo *u, int64_t item, int64_t proposal)
{
	enum mk_err err = undo_blockers(u, item, 0, 0, proposal);
	int rc;

	if (!err)
		err = undo_item_in_dependency(u, item);
	if (err)
		return err;
	rc = db_run(u->st, "UPDATE proposals SET item_id = NULL WHERE item_id = ?1", "i", item);
	if (rc == SQLITE_OK)
		rc = db_run(u->st, "UPDATE proposals SET depends_on_id = NULL WHERE depends_on_id = ?1", "i", item);
	if (rc == SQLITE_OK)
		rc = db_run(u->st, "UPDATE dependencies SET item_id = NULL, waiting = (SELECT action FROM plan_items\n"
			    "	WHERE id = ?1) WHERE item_id = ?1", "i", item);
	if (rc == SQLITE_OK)
		rc = db_run(u->st, "UPDATE dependencies SET depends_on_id = NULL, on_text = (SELECT action FROM\n"
			    "	plan_items WHERE id = ?1) WHERE depends_on_id = ?1", "i", item);
	if (rc == SQLITE_OK)
		rc = db_run(u->st, "DELETE FROM plan_items WHERE id = ?1", "i", item);
	return rc == SQLITE_OK ? MK_OK : db_fail(u->st, rc, u->diag);
}

/* Restores every field the revisions chosen by sql (?1: the key) changed, newest first,
 * and deletes them: an undone change leaves no revision (and no slip) behind. */
static enum mk_err undo_revisions(const struct undo *u, const char *sql, int64_t key)
{
	sqlite3_stmt *s = NULL;
	enum mk_err err = MK_OK;
	int rc;

	rc = db_prepare(u->st, sql, &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "i", key);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t rev = sqlite3_column_int64(s, 0), item = sqlite3_column_int64(s, 1);
		const char *field = (const char *)sqlite3_column_text(s, 2);
		const char *old_value = (const char *)sqlite3_column_text(s, 3);

		err = undo_blockers(u, item, rev, u->d->kind[0] == 'i' ? u->d->id : -1, -1);
		if (err)
			break;
		rc = ed_item_set(u->st, item, field ? field : "", old_value, u->now);
		if (rc == SQLITE_OK)
			rc = db_run(u->st, "DELETE FROM plan_revisions WHERE id = ?1", "i", rev);
	}
	sqlite3_finalize(s);
	if (!err && rc != SQLITE_DONE)
		err = db_fail(u->st, rc, u->diag);
	return err;
}

/* The proposal of an approval or rejection goes back to pending, as it was before. */
static int undo_to_pending(const struct undo *u)
{
	return db_run(u->st,
		"UPDATE proposals SET status = 'pending', decided_by = NULL, decided_at = NULL,\n"
		"	reason = NULL WHERE id = ?1", "i", u->d->proposal_id);
}

/* MK_EARG when the person an approved add_stakeholder put on the map has a stance since. */
static enum mk_err undo_person_stance(const struct undo *u)
{
	int64_t rev = 0;
	enum mk_err err = db_int(u->st, u->diag, &rev,
		"SELECT r.id FROM element_revisions r JOIN people p ON p.id = r.ref_id\n"
		"WHERE r.field = 'stance' AND p.proposal_id = ?1 ORDER BY r.id DESC LIMIT 1", "i", u->d->proposal_id);

	if (err)
		return err == MK_ENOTFOUND ? MK_OK : err;
	mk_diag_set(u->diag, u->st->path, 0, "decision %lld cannot be undone: the stakeholder's stance was set "
		    "since: undo that first", (long long)u->d->id);
	return MK_EARG;
}

static enum mk_err undo_approval(const struct undo *u)
{
	enum mk_prop_kind kind = MK_PROP_ADD_ITEM;
	sqlite3_stmt *s = NULL;
	char *status = NULL, *kind_name = NULL;
	int64_t item = 0;
	enum mk_err err = MK_OK;
	int rc;

	err = db_row(u->st, u->diag, &s, "SELECT status, kind, item_id FROM proposals WHERE id = ?1",
		     "i", u->d->proposal_id);
	if (!err) {
		status = db_column_dup(s, 0);
		kind_name = db_column_dup(s, 1);
		item = sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	if (err == MK_ENOTFOUND)
		err = MK_OK; /* no proposal: not "approved" below */
	if (err)
		goto out;
	if (!status || strcmp(status, u->d->kind[0] == 'a' ? "approved" : "rejected")) {
		mk_diag_set(u->diag, u->st->path, 0,
			    "decision %lld cannot be undone: its proposal is no longer %s",
			    (long long)u->d->id, u->d->kind[0] == 'a' ? "approved" : "rejected");
		err = MK_EARG;
		goto out;
	}
	mk_prop_kind_parse(kind_name, &kind);
	if (u->d->kind[0] == 'r') {
		/* a rejected change whose item went (its add was undone) cannot be pending again */
		if (kind >= MK_PROP_UPDATE_DUE && kind <= MK_PROP_MARK_DROPPED && !item) {
			mk_diag_set(u->diag, u->st->path, 0,
				    "decision %lld cannot be undone: the item of proposal %lld is no "
				    "longer on the plan", (long long)u->d->id, (long long)u->d->proposal_id);
			err = MK_EARG;
		}
		goto pending;
	}
	switch (kind) {
	case MK_PROP_ADD_ITEM:
		rc = db_run(u->st, "UPDATE proposals SET item_id = NULL WHERE id = ?1", "i",
			    u->d->proposal_id);
		if (rc != SQLITE_OK)
			err = db_fail(u->st, rc, u->diag);
		else if (item)
			err = undo_remove_item(u, item, u->d->proposal_id);
		break;
	case MK_PROP_UPDATE_DUE:
	case MK_PROP_MARK_DONE:
	case MK_PROP_MARK_BLOCKED:
	case MK_PROP_MARK_DROPPED:
		err = undo_revisions(u,
			"SELECT id, item_id, field, old_value FROM plan_revisions\n"
			"WHERE proposal_id = ?1 AND decision_id IS NULL ORDER BY id DESC",
			u->d->proposal_id);
		break;
	case MK_PROP_ADD_RISK:
		rc = db_run(u->st, "DELETE FROM risks WHERE proposal_id = ?1", "i", u->d->proposal_id);
		if (rc != SQLITE_OK)
			err = db_fail(u->st, rc, u->diag);
		break;
	case MK_PROP_ADD_STAKEHOLDER:
		if ((err = undo_person_stance(u)))
			break;
		/* people.proposal_id: the approval that put the person on the map (migration 8) */
		rc = db_run(u->st, "DELETE FROM people WHERE proposal_id = ?1", "i", u->d->proposal_id);
		if (rc != SQLITE_OK)
			err = db_fail(u->st, rc, u->diag);
		break;
	default:
		/* the plan's elements (elements.c) */
		err = el_undo(u->st, 0, u->d->proposal_id, u->d->id, u->now, u->diag);
		break;
	}
pending:
	if (!err && (rc = undo_to_pending(u)) != SQLITE_OK)
		err = db_fail(u->st, rc, u->diag);
out:
	free(status);
	free(kind_name);
	return err;
}

static enum mk_err undo_apply(const struct undo *u)
{
	const char *k = u->d->kind;

	if (!strcmp(k, "approve") || !strcmp(k, "reject"))
		return undo_approval(u);
	if (!strcmp(k, "item_add"))
		return undo_remove_item(u, u->d->item_id, 0);
	if (!strcmp(k, "item_edit")) {
		/* its phase (an element revision) first, then its fields */
		enum mk_err err = el_undo(u->st, u->d->id, 0, u->d->id, u->now, u->diag);

		return err ? err : undo_revisions(u,
			"SELECT id, item_id, field, old_value FROM plan_revisions\n"
			"WHERE decision_id = ?1 ORDER BY id DESC", u->d->id);
	}
	if (!strcmp(k, "plan_edit"))
		return el_undo(u->st, u->d->id, 0, u->d->id, u->now, u->diag);
	mk_diag_set(u->diag, u->st->path, 0, "decision %lld (%s) cannot be undone", (long long)u->d->id,
		    strcmp(k, "undo") ? k : "an undo");
	return MK_EARG;
}

enum mk_err mk_store_undo(struct mk_store *st, int64_t id, const char *deal, const char *who,
			  struct mk_decision *undone, struct mk_diag *diag)
{
	struct mk_decision d;
	struct undo u;
	enum mk_err err;
	int64_t deal_id = 0;
	char now[32], *summary = NULL;
	int rc = SQLITE_OK;

	memset(&d, 0, sizeof d);
	if (undone)
		memset(undone, 0, sizeof *undone);
	if (!who || !who[0]) {
		mk_diag_set(diag, st->path, 0, "an undo needs the name of who made it");
		return MK_EARG;
	}
	db_now(now, sizeof now);
	if ((err = db_begin(st, diag)))
		return err;
	if (deal && (err = db_deal_id(st, deal, &deal_id, diag)))
		goto out;
	if (!id) {
		err = db_int(st, diag, &id,
			"SELECT id FROM decisions WHERE kind IN ('approve', 'reject', 'item_add', 'item_edit',\n"
			"	'plan_edit')\n"
			"	AND undone_by IS NULL AND (?1 IS NULL OR deal_id = ?1) ORDER BY id DESC LIMIT 1",
			"I", deal_id);
		if ((err = db_notfound(st, diag, err, "no decision to undo%s%s%s", deal ? " in deal \"" : "",
				       deal ? deal : "", deal ? "\"" : "")))
			goto out;
	}
	if ((err = ed_decision_get(st, id, &d, diag)))
		goto out;
	if (d.undone_by) {
		mk_diag_set(diag, st->path, 0, "decision %lld was undone already (decision %lld)",
			    (long long)id, (long long)d.undone_by);
		err = MK_EARG;
		goto out;
	}
	if (deal && strcmp(d.deal, deal)) {
		mk_diag_set(diag, st->path, 0, "decision %lld is of deal \"%s\", not \"%s\"",
			    (long long)id, d.deal, deal);
		err = MK_EARG;
		goto out;
	}
	if ((err = db_int(st, diag, &deal_id, "SELECT deal_id FROM decisions WHERE id = ?1", "i", id)))
		goto out;
	summary = mk_sprintf("undo of decision %lld: %s %s", (long long)id, d.kind, d.summary);
	memset(&u, 0, sizeof u);
	u.st = st;
	u.d = &d;
	u.who = who;
	u.now = now;
	u.diag = diag;
	rc = ed_decision(st, deal_id, "undo", 0, d.item_id, summary, NULL, who, now, &u.self);
	if (rc != SQLITE_OK || (err = undo_apply(&u)))
		goto out;
	rc = db_run(st, "UPDATE decisions SET undoes = ?1 WHERE id = ?2", "ii", id, u.self);
	if (rc == SQLITE_OK)
		rc = db_run(st, "UPDATE decisions SET undone_by = ?1 WHERE id = ?2", "ii", u.self, id);
out:
	if (!(err = db_end(st, err, rc, diag)))
		d.undone_by = u.self;
	if (!err && undone)
		*undone = d;
	else
		mk_decision_release(&d);
	free(summary);
	return err;
}
