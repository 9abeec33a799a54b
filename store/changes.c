/*
 * changes.c: what changed on the plans across deals in a period (mk_store_changes): items
 * added, every revision of an item (due moved, status, owner, action), stakeholders and
 * risks approved, the plan's elements (goal, go-live, next meeting, criteria, dependencies,
 * stances, phases); each with who decided, when, and the words of the call that caused it.
 * Read-only. A change is dated by the start of the call whose words caused it, or by when
 * it was decided (MK_CHANGES_BY_DECISION, and any change no call caused).
 * Invariant: every value the user gives is bound; the SQL is assembled from the constant
 * fragments below, and one question runs in one read transaction.
 */
#include "db.h"
#include "util/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Every branch gives the same columns: deal, item id (0: none), action, field, old, new,
 * at, by, meeting label, meeting start, speaker, start ms, quote, the date it is selected
 * by, then a rank and a sequence that keep the order things were written. The date is
 * sorted on with a unary +: read in its order, a branch would walk every deal's calls (or
 * items) to spare sorting one deal's few.
 */
#define CHANGES_ITEM(sel)                                                                 \
	"SELECT d.name, i.id, i.action, 'added', NULL, p.due, i.created_at, p.decided_by,\n"  \
	"	m.label, m.start, p.ev_speaker, p.ev_start_ms, p.ev_quote, +" sel ", 0, i.id\n"
#define CHANGES_REVISION(sel)                                                             \
	"SELECT d.name, i.id, i.action, r.field, r.old_value, r.new_value, r.at, r.\"by\",\n" \
	"	coalesce(m.label, p.source), m.start, p.ev_speaker, p.ev_start_ms, p.ev_quote,\n" \
	"	+" sel ", 1, r.id\n"
/* a stakeholder: "Name (role)", the name or the role alone; a risk: "category: text" */
#define CHANGES_MAP(sel)                                                                  \
	"SELECT d.name, 0, NULL, CASE p.kind WHEN 'add_risk' THEN 'risk' ELSE 'stakeholder' END,\n" \
	"	NULL, CASE p.kind WHEN 'add_risk' THEN coalesce(p.category, '') || ': ' || coalesce(p.text, '')\n" \
	"	ELSE coalesce(p.name || coalesce(' (' || p.role || ')', ''), p.role, '') END,\n" \
	"	p.decided_at, p.decided_by, m.label, m.start, p.ev_speaker, p.ev_start_ms, p.ev_quote,\n" \
	"	+" sel ", 2, p.id\n"
/* the plan's elements (issue 14): goal, go-live, next meeting, criterion, dependency, stance,
 * phase; a phase and a dependency are about an item */
#define CHANGES_ELEMENT(sel)                                                              \
	"SELECT d.name, coalesce(ei.id, 0), ei.action, er.field, er.old_value, er.new_value, er.at,\n" \
	"	er.\"by\", m.label, m.start, p.ev_speaker, p.ev_start_ms, p.ev_quote, +" sel ", 3, er.id\n"
#define CHANGES_ELEMENT_JOINS                                                             \
	"JOIN deals d ON d.id = er.deal_id\n" DB_ELEMENT_ITEM("er", "ei")
/* unary +: the calls or the decision dates drive, not the index of every approved proposal */
#define CHANGES_MAP_KINDS " AND +p.status = 'approved' AND +p.kind IN ('add_stakeholder', 'add_risk')"

/* One branch of the UNION: its head (up to "WHERE 1"), the column its dates are compared
 * with, the deal's column, and any other condition. */
struct changes_branch {
	const char *head;
	const char *date;
	const char *deal;
	const char *more;
};

/* Changes a call caused, found from the calls of the period (meetings_start). */
static const struct changes_branch changes_by_call[] = {
	{ CHANGES_ITEM("m.start") "FROM meetings m JOIN plan_items i ON i.meeting_id = m.id\n"
	  "JOIN deals d ON d.id = i.deal_id LEFT JOIN proposals p ON p.id = i.proposal_id\n"
	  "WHERE (m.start IS NULL) = 0", "m.start", "m.deal_id", "" },
	{ CHANGES_REVISION("m.start") "FROM meetings m JOIN plan_revisions r ON r.meeting_id = m.id\n"
	  "JOIN plan_items i ON i.id = r.item_id JOIN deals d ON d.id = i.deal_id\n"
	  "LEFT JOIN proposals p ON p.id = r.proposal_id\n"
	  "WHERE (m.start IS NULL) = 0", "m.start", "m.deal_id", "" },
	{ CHANGES_MAP("m.start") "FROM meetings m JOIN proposals p ON p.meeting_id = m.id\n"
	  "JOIN deals d ON d.id = p.deal_id\n"
	  "WHERE (m.start IS NULL) = 0", "m.start", "m.deal_id", CHANGES_MAP_KINDS },
	/* element_revisions has no index by call: its rows (of the deal) drive */
	{ CHANGES_ELEMENT("m.start") "FROM element_revisions er LEFT JOIN proposals p ON p.id = er.proposal_id\n"
	  "CROSS JOIN meetings m ON m.id = coalesce(er.meeting_id, p.meeting_id)\n" CHANGES_ELEMENT_JOINS
	  "WHERE (m.start IS NULL) = 0", "m.start", "er.deal_id", "" },
};

/* Every change, found by when it was decided; `more` keeps to those no dated call caused
 * when the question is by meeting. */
static const struct changes_branch changes_by_decision[] = {
	{ CHANGES_ITEM("i.created_at") "FROM plan_items i JOIN deals d ON d.id = i.deal_id\n"
	  "LEFT JOIN proposals p ON p.id = i.proposal_id LEFT JOIN meetings m ON m.id = i.meeting_id\n"
	  "WHERE 1", "i.created_at", "i.deal_id", "" },
	{ CHANGES_REVISION("r.at") "FROM plan_revisions r JOIN plan_items i ON i.id = r.item_id\n"
	  "JOIN deals d ON d.id = i.deal_id LEFT JOIN proposals p ON p.id = r.proposal_id\n"
	  "LEFT JOIN meetings m ON m.id = r.meeting_id\n"
	  "WHERE 1", "r.at", "i.deal_id", "" },
	{ CHANGES_MAP("p.decided_at") "FROM proposals p JOIN deals d ON d.id = p.deal_id\n"
	  "LEFT JOIN meetings m ON m.id = p.meeting_id\n"
	  "WHERE 1", "p.decided_at", "p.deal_id", CHANGES_MAP_KINDS },
	{ CHANGES_ELEMENT("er.at") "FROM element_revisions er LEFT JOIN proposals p ON p.id = er.proposal_id\n"
	  "LEFT JOIN meetings m ON m.id = coalesce(er.meeting_id, p.meeting_id)\n" CHANGES_ELEMENT_JOINS
	  "WHERE 1", "er.at", "er.deal_id", "" },
};

#define CHANGES_NBRANCH (sizeof changes_by_call / sizeof changes_by_call[0])

/* ?1 since, ?2 the day after until, ?3 the deal's id, ?4 the limit. With a deal, its
 * index drives (a unary + keeps the dates off theirs): a deal has a few calls, while every
 * deal's calls since a day can be most of the store. */
static void changes_branch_sql(struct mk_buf *sql, const struct changes_branch *b, int until, int deal,
			       int no_call)
{
	const char *plus = deal ? "+" : "";

	if (sql->len)
		mk_buf_adds(sql, "UNION ALL\n");
	mk_buf_adds(sql, b->head);
	mk_buf_addf(sql, " AND %s%s >= ?1", plus, b->date);
	if (until)
		mk_buf_addf(sql, " AND %s%s < ?2", plus, b->date);
	if (deal)
		mk_buf_addf(sql, " AND %s = ?3", b->deal);
	mk_buf_adds(sql, b->more);
	if (no_call)
		mk_buf_adds(sql, " AND m.start IS NULL");
	mk_buf_addc(sql, '\n');
}

void mk_changes_free(struct mk_change *rows, size_t n)
{
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++) {
		struct mk_change *c = &rows[i];

		free(c->deal);
		free(c->action);
		free(c->field);
		free(c->old_value);
		free(c->new_value);
		free(c->at);
		free(c->by);
		free(c->meeting);
		free(c->meeting_start);
		free(c->speaker);
		free(c->quote);
	}
	free(rows);
}

static int changes_read(sqlite3_stmt *s, struct mk_change **out, size_t *n)
{
	size_t cap = 0;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct mk_change *c;

		*out = mk_grow(*out, &cap, *n + 1, sizeof **out);
		c = &(*out)[(*n)++];
		memset(c, 0, sizeof *c);
		c->deal = db_column_dup(s, 0);
		c->item_id = sqlite3_column_int64(s, 1);
		c->action = db_column_dup(s, 2);
		c->field = db_column_dup(s, 3);
		c->old_value = db_column_dup(s, 4);
		c->new_value = db_column_dup(s, 5);
		c->at = db_column_dup(s, 6);
		c->by = db_column_dup(s, 7);
		c->meeting = db_column_dup(s, 8);
		c->meeting_start = db_column_dup(s, 9);
		c->speaker = db_column_dup(s, 10);
		c->start_ms = sqlite3_column_int64(s, 11);
		c->quote = db_column_dup(s, 12);
	}
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

enum mk_err mk_store_changes(struct mk_store *st, const struct mk_changes_query *q,
			     struct mk_change **out, size_t *n, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	struct mk_buf sql;
	enum mk_err err = MK_OK;
	int64_t deal_id = 0;
	int by_call = q->by == MK_CHANGES_BY_MEETING;
	struct mk_date after = mk_date_add_days(q->until, 1); /* until is a whole day */
	int rc;

	*out = NULL;
	*n = 0;
	if (q->by != MK_CHANGES_BY_MEETING && q->by != MK_CHANGES_BY_DECISION) {
		mk_diag_set(diag, st->path, 0, "unknown order of changes %d", (int)q->by);
		return MK_EARG;
	}
	if (q->has_until && mk_date_cmp(q->until, q->since) < 0) {
		mk_diag_set(diag, st->path, 0, "the end of the period is before its start");
		return MK_EARG;
	}
	rc = db_read_begin(st);
	if (rc != SQLITE_OK)
		return db_fail(st, rc, diag);
	if (q->deal) {
		err = db_deal_id(st, q->deal, &deal_id, diag);
		if (err)
			goto out;
	}
	mk_buf_init(&sql);
	for (size_t i = 0; i < CHANGES_NBRANCH; i++) {
		if (by_call)
			changes_branch_sql(&sql, &changes_by_call[i], q->has_until, q->deal != NULL, 0);
		changes_branch_sql(&sql, &changes_by_decision[i], q->has_until, q->deal != NULL, by_call);
	}
	/* the date selected by, the deal, when decided, then the order of writing */
	mk_buf_adds(&sql, "ORDER BY 14, 1, 7, 15, 16 LIMIT ?4");
	rc = db_prepare(st, sql.s, &s);
	mk_buf_release(&sql);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "ddii", &q->since, q->has_until ? &after : NULL, deal_id,
			     q->limit && q->limit < INT64_MAX ? (int64_t)q->limit : (int64_t)-1);
	if (rc == SQLITE_OK)
		rc = changes_read(s, out, n);
	if (rc != SQLITE_OK)
		err = db_fail(st, rc, diag);
out:
	sqlite3_finalize(s);
	db_rollback(st);
	if (err) {
		mk_changes_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return err;
}
