/*
 * edit.c: fixing the plan by hand: adding and changing items (each change a revision of
 * the item, tied to a decision with who and when), the decisions log, renaming and
 * removing deals, listing and removing calls. Does not decide proposals (proposal.c) or
 * undo anything (undo.c). Invariant: each call is one transaction; the counters of
 * deal_stats stay equal to a recount (the triggers of migrations 5, 7 and 9 keep them).
 */
#include "edit.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

/* ---- the decisions log and revisions (edit.h) ---- */

int ed_decision(struct mk_store *st, int64_t deal, const char *kind, int64_t proposal, int64_t item,
		const char *summary, const char *note, const char *who, const char *now, int64_t *id)
{
	int rc = db_run(st,
		"INSERT INTO decisions (deal_id, kind, proposal_id, item_id, summary, note, \"by\", at)\n"
		"VALUES (?1, ?2, ?3, ?4, coalesce(?5, ''), ?6, ?7, ?8)",
		"itIItttt", deal, kind, proposal, item, summary, note, who, now);

	*id = rc == SQLITE_OK ? sqlite3_last_insert_rowid(st->db) : 0;
	return rc;
}

int ed_summary(struct mk_store *st, int64_t decision, const char *summary)
{
	return db_run(st, "UPDATE decisions SET summary = ?1 WHERE id = ?2", "ti", summary, decision);
}

int ed_revision(struct mk_store *st, int64_t item, const char *field, const char *old_value,
		const char *new_value, const char *now, int64_t decision, const char *who)
{
	return db_run(st,
		"INSERT INTO plan_revisions (item_id, field, old_value, new_value, at, decision_id, \"by\")\n"
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		"ittttIt", item, field, old_value, new_value, now, decision, who);
}

int ed_item_set(struct mk_store *st, int64_t item, const char *field, const char *value,
		const char *now)
{
	static const char *const fields[] = { "action", "owner", "side", "due", "status" };
	static const char *const sql[] = {
		"UPDATE plan_items SET action = ?1, updated_at = ?2 WHERE id = ?3",
		"UPDATE plan_items SET owner = ?1, updated_at = ?2 WHERE id = ?3",
		"UPDATE plan_items SET side = ?1, updated_at = ?2 WHERE id = ?3",
		"UPDATE plan_items SET due = ?1, updated_at = ?2 WHERE id = ?3",
		"UPDATE plan_items SET status = ?1, updated_at = ?2 WHERE id = ?3",
	};

	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (!strcmp(field, fields[i]))
			return db_run(st, sql[i], "tti", value, now, item);
	return SQLITE_MISUSE;
}

/* ---- items by hand ---- */

void mk_item_release(struct mk_item *it)
{
	if (!it)
		return;
	free(it->action);
	free(it->owner);
	free(it->updated_at);
	free(it->said);
	memset(it, 0, sizeof *it);
}

/* An item (db_item_read), then its deal's name (column 10) and id (11) when asked. */
static void item_read_deal(sqlite3_stmt *s, struct mk_item *it, int64_t *deal, char **name)
{
	db_item_read(s, it);
	if (name)
		*name = db_column_dup(s, 10);
	if (deal)
		*deal = sqlite3_column_int64(s, 11);
}

/* Reads item id (of any deal) into it, its deal's id and (when name is not NULL) name. */
static enum mk_err item_load(struct mk_store *st, int64_t id, struct mk_item *it, int64_t *deal,
			     char **name, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	enum mk_err err;

	memset(it, 0, sizeof *it);
	err = db_row(st, diag, &s,
		"SELECT i.id, i.action, i.owner, i.side, i.due, i.status, i.updated_at,\n"
		"	(SELECT count(*) FROM plan_revisions r WHERE r.item_id = i.id), i.slipped,\n"
		"	EXISTS (SELECT 1 FROM meetings m WHERE m.id = i.meeting_id AND m.removed_at IS NOT NULL),\n"
		"	d.name, i.deal_id, i.phase\n"
		"FROM plan_items i JOIN deals d ON d.id = i.deal_id WHERE i.id = ?1", "i", id);
	if (!err) {
		item_read_deal(s, it, deal, name);
		db_item_phase(s, 12, it);
	}
	sqlite3_finalize(s);
	return db_notfound(st, diag, err, "no plan item #%lld", (long long)id);
}

enum mk_err mk_store_item_get(struct mk_store *st, int64_t item, char **deal, struct mk_item *out,
			      struct mk_diag *diag)
{
	enum mk_err err;
	int rc;

	if (deal)
		*deal = NULL;
	rc = db_read_begin(st);
	if (rc != SQLITE_OK)
		return db_fail(st, rc, diag);
	err = item_load(st, item, out, NULL, deal, diag);
	db_rollback(st);
	if (err) {
		mk_item_release(out);
		if (deal) {
			free(*deal);
			*deal = NULL;
		}
	}
	return err;
}

/* A change as it will be written: trimmed, dates checked, names of sides and statuses. */
struct item_norm {
	char *action, *owner, *note;
	int set_owner, set_due;
	char due[16];               /* "" when cleared */
	const char *side, *status;  /* NULL: unchanged */
	const char *phase;          /* NULL: unchanged */
};

static void item_norm_release(struct item_norm *n)
{
	free(n->action);
	free(n->owner);
	free(n->note);
}

static enum mk_err item_norm(struct mk_store *st, const struct mk_item_change *c, struct item_norm *n,
			     struct mk_diag *diag)
{
	struct mk_date d;

	memset(n, 0, sizeof *n);
	if (c->action && !(n->action = db_trim(c->action))) {
		mk_diag_set(diag, st->path, 0, "the action cannot be empty");
		return MK_EARG;
	}
	if (c->owner) {
		n->set_owner = 1;
		n->owner = db_trim(c->owner);
	}
	if (c->due) {
		n->set_due = 1;
		if (c->due[0]) {
			if (mk_date_parse_day(c->due, &d) != MK_OK) {
				mk_diag_set(diag, st->path, 0, "not a date: \"%s\" (want YYYY-MM-DD)",
					    c->due);
				return MK_EARG;
			}
			mk_date_format(d, n->due, sizeof n->due);
		}
	}
	if (c->side >= 0) {
		if (c->side > MK_SIDE_SELLER) {
			mk_diag_set(diag, st->path, 0, "not a side: %d", c->side);
			return MK_EARG;
		}
		n->side = mk_side_name((enum mk_side)c->side);
	}
	if (c->status >= 0) {
		if (c->status > MK_STATUS_DROPPED) {
			mk_diag_set(diag, st->path, 0, "not a status: %d", c->status);
			return MK_EARG;
		}
		n->status = mk_status_name((enum mk_status)c->status);
	}
	if (c->phase) {
		enum mk_phase ph;

		if (mk_phase_parse(c->phase, &ph) != MK_OK) {
			mk_diag_set(diag, st->path, 0, "unknown phase '%s' (discovery, proof, business_case, "
				    "procurement, signature, onboarding)", c->phase);
			return MK_EARG;
		}
		n->phase = mk_phase_name(ph);
	}
	n->note = c->note ? db_trim(c->note) : NULL;
	return MK_OK;
}

enum mk_err mk_store_item_add(struct mk_store *st, const char *deal, const struct mk_item_change *c,
			      const char *who, int64_t *item, int64_t *decision, struct mk_diag *diag)
{
	struct item_norm n;
	enum mk_err err;
	int64_t deal_id = 0, id = 0, dec = 0;
	char now[32], *summary = NULL;
	int rc = SQLITE_OK;

	*item = 0;
	if (decision)
		*decision = 0;
	err = item_norm(st, c, &n, diag);
	if (!err && !n.action) {
		mk_diag_set(diag, st->path, 0, "an item needs an action");
		err = MK_EARG;
	}
	if (err)
		goto done;
	db_now(now, sizeof now);
	if ((err = db_begin(st, diag)))
		goto done;
	if ((err = db_deal_id(st, deal, &deal_id, diag)))
		goto out;
	rc = db_run(st,
		"INSERT INTO plan_items (id, deal_id, action, owner, side, due, status, created_at, updated_at,\n"
		"	phase) VALUES (" DB_NEW_ITEM_ID ", ?1, ?2, ?3, ?4, nullif(?5, ''), ?6, ?7, ?7, ?8)",
		"ittttt" "tt", deal_id, n.action, n.owner, n.side ? n.side : "unknown", n.due,
		n.status ? n.status : "open", now, n.phase);
	if (rc == SQLITE_OK) {
		id = sqlite3_last_insert_rowid(st->db);
		summary = mk_sprintf("#%lld \"%s\"%s%s", (long long)id, n.action,
				     n.due[0] ? " due " : "", n.due);
		rc = ed_decision(st, deal_id, "item_add", 0, id, summary, n.note, who, now, &dec);
	}
out:
	err = db_end(st, err, rc, diag);
	if (!err) {
		*item = id;
		if (decision)
			*decision = dec;
	}
done:
	free(summary);
	item_norm_release(&n);
	return err;
}

/* Adds "field old -> new" to the summary and writes the field with its revision. */
static int item_set_field(struct mk_store *st, const struct mk_item *it, int64_t dec, const char *who,
			  const char *now, const char *field, const char *old_value,
			  const char *new_value, struct mk_buf *summary)
{
	int rc;

	if ((!old_value && !new_value) || (old_value && new_value && !strcmp(old_value, new_value)))
		return SQLITE_OK;
	mk_buf_addf(summary, "%s%s %s -> %s", summary->len ? "; " : "", field,
		    old_value ? old_value : "none", new_value ? new_value : "none");
	rc = ed_item_set(st, it->id, field, new_value, now);
	if (rc == SQLITE_OK)
		rc = ed_revision(st, it->id, field, old_value, new_value, now, dec, who);
	return rc;
}

/* The phase set by hand (plan_items.phase; NULL: the one its action gives), written with an
 * element revision of the same decision (elements.c). */
static int item_set_phase(struct mk_store *st, int64_t deal, const struct mk_item *it, int64_t dec,
			  const char *who, const char *now, const char *phase, struct mk_buf *summary)
{
	struct el_write w;
	sqlite3_stmt *s = NULL;
	char *old = NULL;
	int rc;

	rc = db_prepare(st, "SELECT phase FROM plan_items WHERE id = ?1", &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "i", it->id);
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		old = db_column_dup(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_OK && (!old || strcmp(old, phase))) {
		memset(&w, 0, sizeof w);
		w.st = st;
		w.deal = deal;
		w.decision = dec;
		w.who = who;
		w.now = now;
		mk_buf_addf(summary, "%sphase %s -> %s", summary->len ? "; " : "", old ? old : "none", phase);
		rc = el_revision(&w, "phase", it->id, old, phase);
		if (rc == SQLITE_OK)
			rc = db_run(st, "UPDATE plan_items SET phase = ?1, updated_at = ?2 WHERE id = ?3", "tti",
				    phase, now, it->id);
	}
	free(old);
	return rc;
}

enum mk_err mk_store_item_change(struct mk_store *st, int64_t item, const struct mk_item_change *c,
				 const char *who, int64_t *decision, struct mk_diag *diag)
{
	struct item_norm n;
	struct mk_item it;
	struct mk_buf sum;
	enum mk_err err;
	int64_t deal_id = 0, dec = 0;
	char now[32], old_due[16];
	char *summary = NULL;
	int rc = SQLITE_OK;

	memset(&it, 0, sizeof it);
	mk_buf_init(&sum);
	if (decision)
		*decision = 0;
	err = item_norm(st, c, &n, diag);
	if (err)
		goto done;
	db_now(now, sizeof now);
	if ((err = db_begin(st, diag)))
		goto done;
	if ((err = item_load(st, item, &it, &deal_id, NULL, diag)))
		goto out;
	rc = ed_decision(st, deal_id, "item_edit", 0, item, NULL, n.note, who, now, &dec);
	mk_date_format(it.due, old_due, sizeof old_due);
	if (rc == SQLITE_OK && n.action)
		rc = item_set_field(st, &it, dec, who, now, "action", it.action, n.action, &sum);
	if (rc == SQLITE_OK && n.set_owner)
		rc = item_set_field(st, &it, dec, who, now, "owner", it.owner, n.owner, &sum);
	if (rc == SQLITE_OK && n.side)
		rc = item_set_field(st, &it, dec, who, now, "side", mk_side_name(it.side), n.side, &sum);
	if (rc == SQLITE_OK && n.set_due)
		rc = item_set_field(st, &it, dec, who, now, "due", it.has_due ? old_due : NULL,
				    n.due[0] ? n.due : NULL, &sum);
	if (rc == SQLITE_OK && n.status)
		rc = item_set_field(st, &it, dec, who, now, "status", mk_status_name(it.status),
				    n.status, &sum);
	if (rc == SQLITE_OK && n.phase)
		rc = item_set_phase(st, deal_id, &it, dec, who, now, n.phase, &sum);
	if (rc != SQLITE_OK)
		goto out;
	if (!sum.len) {
		mk_diag_set(diag, st->path, 0, "nothing to change: item #%lld has those values",
			    (long long)item);
		err = MK_EARG;
		goto out;
	}
	summary = mk_sprintf("#%lld \"%s\": %s", (long long)item, it.action, sum.s);
	rc = ed_summary(st, dec, summary);
out:
	err = db_end(st, err, rc, diag);
	if (!err && decision)
		*decision = dec;
done:
	free(summary);
	mk_buf_release(&sum);
	mk_item_release(&it);
	item_norm_release(&n);
	return err;
}

/* ---- the decisions log ---- */

void mk_decision_release(struct mk_decision *d)
{
	if (!d)
		return;
	free(d->kind);
	free(d->deal);
	free(d->summary);
	free(d->note);
	free(d->by);
	free(d->at);
	memset(d, 0, sizeof *d);
}

void mk_decisions_free(struct mk_decision *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		mk_decision_release(&v[i]);
	free(v);
}

#define DECISION_SELECT                                                                  \
	"SELECT c.id, c.kind, d.name, c.proposal_id, c.item_id, c.summary, c.note, c.\"by\",\n" \
	"	c.at, c.undoes, c.undone_by\n"                                                  \
	"FROM decisions c JOIN deals d ON d.id = c.deal_id\n"

static void decision_read(sqlite3_stmt *s, struct mk_decision *d)
{
	memset(d, 0, sizeof *d);
	d->id = sqlite3_column_int64(s, 0);
	d->kind = db_column_dup(s, 1);
	d->deal = db_column_dup(s, 2);
	d->proposal_id = sqlite3_column_int64(s, 3);
	d->item_id = sqlite3_column_int64(s, 4);
	d->summary = db_column_dup(s, 5);
	d->note = db_column_dup(s, 6);
	d->by = db_column_dup(s, 7);
	d->at = db_column_dup(s, 8);
	d->undoes = sqlite3_column_int64(s, 9);
	d->undone_by = sqlite3_column_int64(s, 10);
}

/* Decision id (undo.c): MK_ENOTFOUND when there is none. */
enum mk_err ed_decision_get(struct mk_store *st, int64_t id, struct mk_decision *out,
			    struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	enum mk_err err;

	memset(out, 0, sizeof *out);
	err = db_row(st, diag, &s, DECISION_SELECT "WHERE c.id = ?1", "i", id);
	if (!err)
		decision_read(s, out);
	sqlite3_finalize(s);
	return db_notfound(st, diag, err, "no decision %lld", (long long)id);
}

/* An element reader and releaser of ed_list. */
typedef void (*ed_row_fn)(sqlite3_stmt *s, void *elem);
typedef void (*ed_release_fn)(void *elem);

/*
 * Every row of sql (?1: the id of deal, NULL when deal is NULL; ?2: limit) read with read
 * into a new array of size-byte elements, in one read transaction. MK_ENOTFOUND when deal
 * names no deal; on an error the rows read are released and nothing is returned.
 */
static enum mk_err ed_list(struct mk_store *st, const char *deal, const char *sql, int64_t limit,
			   ed_row_fn read, ed_release_fn release, size_t size, void **out, size_t *n,
			   struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	enum mk_err err = MK_OK;
	int64_t deal_id = 0;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_read_begin(st);
	if (rc != SQLITE_OK)
		return db_fail(st, rc, diag);
	if (deal && (err = db_deal_id(st, deal, &deal_id, diag)))
		goto out;
	rc = db_prepare(st, sql, &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "Ii", deal_id, limit); /* a list without a limit has no ?2 */
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		*out = mk_grow(*out, &cap, *n + 1, size);
		read(s, (char *)*out + (*n)++ * size);
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE)
		err = db_fail(st, rc, diag);
out:
	sqlite3_finalize(s);
	db_rollback(st);
	if (err) {
		for (size_t i = 0; i < *n; i++)
			release((char *)*out + i * size);
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}

static void decision_row(sqlite3_stmt *s, void *elem)
{
	decision_read(s, elem);
}

static void decision_row_release(void *elem)
{
	mk_decision_release(elem);
}

enum mk_err mk_store_decisions(struct mk_store *st, const char *deal, size_t limit,
			       struct mk_decision **out, size_t *n, struct mk_diag *diag)
{
	return ed_list(st, deal, DECISION_SELECT "WHERE ?1 IS NULL OR c.deal_id = ?1\n"
		       "ORDER BY c.id DESC LIMIT ?2", limit ? (int64_t)limit : 20, decision_row,
		       decision_row_release, sizeof **out, (void **)out, n, diag);
}

/* ---- deals ---- */

enum mk_err mk_store_deal_rename(struct mk_store *st, const char *name, const char *new_name,
				 const char *who, struct mk_diag *diag)
{
	enum mk_err err;
	int64_t deal_id = 0, dec = 0;
	char now[32], *to = db_trim(new_name), *summary = NULL;
	int rc = SQLITE_OK;

	if (!to) {
		mk_diag_set(diag, st->path, 0, "a deal needs a name");
		return MK_EARG;
	}
	db_now(now, sizeof now);
	if ((err = db_begin(st, diag)))
		goto done;
	if ((err = db_deal_id(st, name, &deal_id, diag)))
		goto out;
	rc = db_run(st, "UPDATE deals SET name = ?1 WHERE id = ?2", "ti", to, deal_id);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		mk_diag_set(diag, st->path, 0, "a deal named \"%s\" exists already", to);
		err = MK_EARG;
		goto out;
	}
	summary = mk_sprintf("renamed \"%s\" to \"%s\"", name, to);
	if (rc == SQLITE_OK)
		rc = ed_decision(st, deal_id, "deal_rename", 0, 0, summary, NULL, who, now, &dec);
out:
	err = db_end(st, err, rc, diag);
done:
	free(summary);
	free(to);
	return err;
}

/* Everything of a deal, children before what they name (foreign keys are on). Its counters
 * go first, so the delete triggers of items and revisions find no row to recount. */
static const char *const deal_remove_sql[] = {
	"DELETE FROM deal_stats WHERE deal_id = ?1",
	/* the whole plan (issue 14) and the buyer's side */
	"DELETE FROM element_revisions WHERE deal_id = ?1",
	"DELETE FROM criteria WHERE deal_id = ?1",
	"DELETE FROM dependencies WHERE deal_id = ?1",
	"DELETE FROM deal_plan WHERE deal_id = ?1",
	"DELETE FROM buyer_comments WHERE deal_id = ?1",
	"DELETE FROM buyer_acks WHERE deal_id = ?1",
	"DELETE FROM share_links WHERE deal_id = ?1",
	/* the CRMs and Slack (issue 15): the records in the CRMs stay there */
	"DELETE FROM crm_items WHERE deal_id = ?1",
	"DELETE FROM crm_links WHERE deal_id = ?1",
	"DELETE FROM crm_runs WHERE deal_id = ?1",
	"DELETE FROM notices WHERE meeting_id IN (SELECT id FROM meetings WHERE deal_id = ?1)",
	"DELETE FROM proposal_edits WHERE proposal_id IN (SELECT id FROM proposals WHERE deal_id = ?1)",
	"DELETE FROM plan_revisions WHERE item_id IN (SELECT id FROM plan_items WHERE deal_id = ?1)",
	"DELETE FROM decisions WHERE deal_id = ?1",
	"DELETE FROM risks WHERE deal_id = ?1",
	"DELETE FROM people WHERE deal_id = ?1",
	"DELETE FROM proposals WHERE deal_id = ?1",
	"DELETE FROM plan_items WHERE deal_id = ?1",
	"DELETE FROM findings WHERE meeting_id IN (SELECT id FROM meetings WHERE deal_id = ?1)",
	"DELETE FROM utterances WHERE meeting_id IN (SELECT id FROM meetings WHERE deal_id = ?1)",
	"DELETE FROM deal_speakers WHERE deal_id = ?1",
	"DELETE FROM meetings WHERE deal_id = ?1",
	"DELETE FROM deals WHERE id = ?1",
};

enum mk_err mk_store_deal_remove(struct mk_store *st, const char *name, struct mk_diag *diag)
{
	enum mk_err err;
	int64_t deal_id = 0;
	int rc = SQLITE_OK;

	if ((err = db_begin(st, diag)))
		return err;
	if ((err = db_deal_id(st, name, &deal_id, diag)))
		goto out;
	for (size_t i = 0; rc == SQLITE_OK && i < sizeof deal_remove_sql / sizeof *deal_remove_sql; i++)
		rc = db_run(st, deal_remove_sql[i], "i", deal_id);
out:
	return db_end(st, err, rc, diag);
}

/* ---- calls ---- */

static void call_release(struct mk_call *c)
{
	free(c->label);
	free(c->start);
	free(c->ingested_at);
	memset(c, 0, sizeof *c);
}

void mk_calls_free(struct mk_call *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		call_release(&v[i]);
	free(v);
}

#define CALL_SELECT                                                                      \
	"SELECT m.id, m.label, m.start, m.ingested_at, (SELECT count(*) FROM proposals p\n"     \
	"	WHERE p.meeting_id = m.id AND p.status = 'pending'), m.deal_id, m.removed_at\n"   \
	"FROM meetings m\n"

static void call_read(sqlite3_stmt *s, struct mk_call *c)
{
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(s, 0);
	c->label = db_column_dup(s, 1);
	c->start = db_column_dup(s, 2);
	c->ingested_at = db_column_dup(s, 3);
	c->pending = (size_t)sqlite3_column_int64(s, 4);
}

static void call_row(sqlite3_stmt *s, void *elem)
{
	call_read(s, elem);
}

static void call_row_release(void *elem)
{
	call_release(elem);
}

enum mk_err mk_store_calls(struct mk_store *st, const char *deal, struct mk_call **out, size_t *n,
			   struct mk_diag *diag)
{
	if (!deal) {
		*out = NULL;
		*n = 0;
		mk_diag_set(diag, st->path, 0, "calls are listed for one deal");
		return MK_EARG;
	}
	return ed_list(st, deal, CALL_SELECT "WHERE m.deal_id = ?1 AND m.removed_at IS NULL\n"
		       "ORDER BY m.start IS NULL, m.start, m.id", 0, call_row, call_row_release,
		       sizeof **out, (void **)out, n, diag);
}

/*
 * What `call remove` does, in order (?1 the call, ?2 its deal, ?3 now). A risk its pending
 * add_risk put on the map is closed as a rejection would (proposal.c). Decisions keep their
 * summary but no longer name a pending proposal that goes (an undone approval's). The
 * deal's speakers and who was met are counted again without the call's lines. The row
 * stays, marked removed, with a sha256 no file has, so the file can be ingested again.
 */
static const char *const call_remove_sql[] = {
	"UPDATE risks SET status = 'closed' WHERE meeting_id = ?1 AND proposal_id IS NULL\n"
	"	AND status = 'open' AND EXISTS (SELECT 1 FROM proposals p WHERE p.meeting_id = ?1\n"
	"	AND p.status = 'pending' AND p.kind = 'add_risk'\n"
	"	AND coalesce(nullif(p.category, ''), 'unknown') = risks.category\n"
	"	AND coalesce(p.text, '') = risks.text)",
	/* news from later calls tied to an item this call proposed (proposals.target_proposal_id):
	 * that item will never be, so the news is withdrawn, as when the item is rejected */
	"UPDATE proposals SET status = 'rejected', decided_by = ?4, decided_at = ?3,\n"
	"	reason = 'withdrawn: the call that proposed its item was removed'\n"
	"	WHERE status = 'pending' AND meeting_id <> ?1 AND target_proposal_id IN\n"
	"	(SELECT id FROM proposals WHERE meeting_id = ?1 AND status = 'pending')",
	"UPDATE proposals SET target_proposal_id = NULL WHERE target_proposal_id IN\n"
	"	(SELECT id FROM proposals WHERE meeting_id = ?1 AND status = 'pending')",
	/* the same for a dependency on such an item (proposals.depends_on_proposal_id) */
	"UPDATE proposals SET status = 'rejected', decided_by = ?4, decided_at = ?3,\n"
	"	reason = 'withdrawn: the call that proposed its item was removed'\n"
	"	WHERE status = 'pending' AND meeting_id <> ?1 AND depends_on_proposal_id IN\n"
	"	(SELECT id FROM proposals WHERE meeting_id = ?1 AND status = 'pending')",
	"UPDATE proposals SET depends_on_proposal_id = NULL WHERE depends_on_proposal_id IN\n"
	"	(SELECT id FROM proposals WHERE meeting_id = ?1 AND status = 'pending')",
	/* criteria and dependencies an undone approval left off the plan (removed_at) */
	"UPDATE criteria SET proposal_id = NULL WHERE proposal_id IN\n"
	"	(SELECT id FROM proposals WHERE meeting_id = ?1 AND status = 'pending')",
	"UPDATE dependencies SET proposal_id = NULL WHERE proposal_id IN\n"
	"	(SELECT id FROM proposals WHERE meeting_id = ?1 AND status = 'pending')",
	"DELETE FROM proposal_edits WHERE proposal_id IN\n"
	"	(SELECT id FROM proposals WHERE meeting_id = ?1 AND status = 'pending')",
	"UPDATE decisions SET proposal_id = NULL WHERE proposal_id IN\n"
	"	(SELECT id FROM proposals WHERE meeting_id = ?1 AND status = 'pending')",
	"DELETE FROM proposals WHERE meeting_id = ?1 AND status = 'pending'",
	"DELETE FROM findings WHERE meeting_id = ?1",
	"DELETE FROM utterances WHERE meeting_id = ?1",
	"DELETE FROM deal_speakers WHERE deal_id = ?2 AND speaker NOT IN (SELECT lower(u.speaker)\n"
	"	FROM utterances u JOIN meetings m ON m.id = u.meeting_id WHERE m.deal_id = ?2)",
	"UPDATE people SET met = 0 WHERE deal_id = ?2 AND met AND name IS NOT NULL AND NOT EXISTS\n"
	"	(SELECT 1 FROM deal_speakers s WHERE s.deal_id = ?2\n"
	"	AND " MK_SPEAKER_MATCHES("s.speaker", "people.name") ")",
	"UPDATE meetings SET removed_at = ?3, sha256 = sha256 || ':removed:' || id WHERE id = ?1",
};

enum mk_err mk_store_call_remove(struct mk_store *st, int64_t id, const char *who,
				 struct mk_call *removed, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	struct mk_call call;
	enum mk_err err;
	int64_t deal_id = 0, dec = 0;
	char now[32], *summary = NULL;
	int gone = 0, rc = SQLITE_OK;

	memset(&call, 0, sizeof call);
	db_now(now, sizeof now);
	if ((err = db_begin(st, diag)))
		return err;
	err = db_row(st, diag, &s, CALL_SELECT "WHERE m.id = ?1", "i", id);
	if (!err) {
		call_read(s, &call);
		deal_id = sqlite3_column_int64(s, 5);
		gone = sqlite3_column_type(s, 6) != SQLITE_NULL;
	}
	sqlite3_finalize(s);
	err = db_notfound(st, diag, err, "no call %lld", (long long)id);
	if (!err && gone) {
		mk_diag_set(diag, st->path, 0, "call %lld was removed already", (long long)id);
		err = MK_EARG;
	}
	if (err)
		goto out;
	for (size_t i = 0; rc == SQLITE_OK && i < sizeof call_remove_sql / sizeof *call_remove_sql; i++)
		rc = db_run(st, call_remove_sql[i], "iitt", id, deal_id, now, who);
	summary = mk_sprintf("removed call %lld \"%s\" (%zu pending proposal%s with it)",
			     (long long)id, call.label ? call.label : "", call.pending,
			     call.pending == 1 ? "" : "s");
	if (rc == SQLITE_OK)
		rc = ed_decision(st, deal_id, "call_remove", 0, 0, summary, NULL, who, now, &dec);
out:
	err = db_end(st, err, rc, diag);
	if (!err && removed)
		*removed = call;
	else
		call_release(&call);
	free(summary);
	return err;
}
