/*
 * query.c: the managers' questions, read-only: plan items across deals by owner, side,
 * status, due dates, slips and words, and by deal (no next meeting, past go-live)
 * (mk_store_query, a page of them: mk_store_query_page); an item's or a deal's history
 * with the evidence behind each change, the plan's elements and the buyer's acks and
 * comments included (mk_store_history); and per-deal health numbers, go-live, slack and
 * next meeting among them (mk_store_health). Changes nothing.
 * Invariant: every value the user gives is bound; SQL text is assembled only from the
 * constant fragments below, and each question runs in one read transaction.
 */
#include "db.h"
#include "util/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define QUERY_MAX_WORDS 16   /* words of --text that are matched; the rest are ignored */

/* Opens a read transaction so that every list a call returns agrees with the others. */
static enum mk_err query_begin(struct mk_store *st, struct mk_diag *diag)
{
	int rc = db_read_begin(st);

	return rc == SQLITE_OK ? MK_OK : db_fail(st, rc, diag);
}

/* ---- plan items across deals ---- */

/* Splits text into at most max words (runs of non-blanks); returns how many. */
static size_t query_words(const char *text, char **words, size_t max)
{
	size_t n = 0;

	while (text && *text && n < max) {
		size_t len;

		text += strspn(text, " \t\r\n");
		len = strcspn(text, " \t\r\n");
		if (!len)
			break;
		words[n++] = mk_strndup(text, len);
		text += len;
	}
	return n;
}

void mk_query_rows_free(struct mk_query_row *rows, size_t n)
{
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++) {
		free(rows[i].deal);
		free(rows[i].item.action);
		free(rows[i].item.owner);
		free(rows[i].item.updated_at);
	}
	free(rows);
}

static enum mk_err query_check(struct mk_store *st, const struct mk_query *q,
			       struct mk_diag *diag)
{
	if (q->side != -1 && q->side != MK_SIDE_UNKNOWN && q->side != MK_SIDE_BUYER &&
	    q->side != MK_SIDE_SELLER) {
		mk_diag_set(diag, st->path, 0, "unknown side %d", q->side);
		return MK_EARG;
	}
	if (q->status != -1 && (q->status < MK_STATUS_OPEN || q->status > MK_STATUS_DROPPED)) {
		mk_diag_set(diag, st->path, 0, "unknown status %d", q->status);
		return MK_EARG;
	}
	return MK_OK;
}

/*
 * How a question reads plan_items. The filter named drives (reads its index); a unary +
 * keeps every other filter off its index, since without statistics SQLite would rather
 * walk (status, due) than a deal's ten items. QUERY_DRIVE_ORDER reads no filter's index:
 * the deals in name order, each deal's items in plan order, so the first rows come out
 * without sorting every match.
 */
enum query_drive {
	QUERY_DRIVE_DEAL, QUERY_DRIVE_DEALS, QUERY_DRIVE_OWNER, QUERY_DRIVE_TEXT, QUERY_DRIVE_STATUS,
	QUERY_DRIVE_DUE, QUERY_DRIVE_SLIP, QUERY_DRIVE_SCAN, QUERY_DRIVE_ORDER
};

/* A question's filters, ready to bind: ?1 deal, ?2 owner, ?3 side, ?4 status, ?5 as_of,
 * ?6 from, ?7 to, ?8 limit, ?9 offset, ?10.. the words as LIKE patterns, ?26 the deals
 * past their go-live (a JSON array of ids). */
#define QUERY_DEALS_PARAM (10 + QUERY_MAX_WORDS)
struct query_filters {
	const struct mk_query *q;
	int64_t deal_id;
	char *late_deals;               /* past_go_live: "[id,...]" of the deals past it */
	char *owner;
	char *words[QUERY_MAX_WORDS];   /* LIKE patterns, or the word itself when too long for one */
	int plain[QUERY_MAX_WORDS];
	size_t nwords;
};

#define QUERY_LIKE_MAX 1000  /* longer words are matched with instr(): LIKE caps its patterns */

/*
 * The most selective filter given, in this order: deal, the deals past their go-live, owner,
 * words, status, due. Words read the whole index of items in plan order, which holds every
 * column a filter reads, so counting them reads no item; side and slipped are columns of
 * the (status, due) index.
 */
static enum query_drive query_natural_drive(const struct query_filters *f)
{
	const struct mk_query *q = f->q;

	return f->deal_id ? QUERY_DRIVE_DEAL : f->late_deals ? QUERY_DRIVE_DEALS :
		f->owner ? QUERY_DRIVE_OWNER : f->nwords ? QUERY_DRIVE_TEXT :
		(q->status != -1 || q->overdue) ? QUERY_DRIVE_STATUS :
		(q->has_from || q->has_to) ? QUERY_DRIVE_DUE : QUERY_DRIVE_SCAN;
}

/* Appends the WHERE terms of every filter (after "WHERE 1"). */
static void query_where(struct mk_buf *sql, const struct query_filters *f, enum query_drive drive)
{
	const struct mk_query *q = f->q;
	const char *status = drive == QUERY_DRIVE_STATUS ? "" : "+";
	const char *due = drive == QUERY_DRIVE_STATUS || drive == QUERY_DRIVE_DUE ? "" : "+";

	if (f->deal_id)
		mk_buf_addf(sql, " AND %si.deal_id = ?1", drive == QUERY_DRIVE_DEAL ? "" : "+");
	if (f->owner) {
		const char *o = drive == QUERY_DRIVE_OWNER ? "" : "+";

		/* the range lets the index on lower(owner) answer; the rest: full or first name */
		mk_buf_addf(sql, " AND %slower(i.owner) >= lower(?2) AND %slower(i.owner) < lower(?2) || '!'"
			    " AND (lower(i.owner) = lower(?2)"
			    " OR substr(lower(i.owner), 1, length(?2) + 1) = lower(?2) || ' ')", o, o);
	}
	if (q->side != -1)
		mk_buf_adds(sql, " AND +i.side = ?3");
	if (q->status != -1)
		mk_buf_addf(sql, " AND %si.status = ?4", status);
	if (q->overdue)
		mk_buf_addf(sql, " AND %si.status = 'open' AND %si.due < ?5", status, due);
	if (q->has_from)
		mk_buf_addf(sql, " AND %si.due >= ?6", due);
	if (q->has_to)
		mk_buf_addf(sql, " AND %si.due <= ?7", due);
	if (q->slipped)
		mk_buf_adds(sql, " AND i.slipped");
	if (f->late_deals)
		mk_buf_addf(sql, " AND %si.deal_id IN (SELECT value FROM json_each(?%d))",
			    drive == QUERY_DRIVE_DEALS ? "" : "+", QUERY_DEALS_PARAM);
	if (q->no_next_meeting)
		mk_buf_adds(sql, " AND NOT EXISTS (SELECT 1 FROM deal_plan n WHERE n.deal_id = i.deal_id"
			    " AND n.next_meeting >= ?5)");
	if (q->slipped && drive == QUERY_DRIVE_SLIP) /* the same items, found by their revisions */
		mk_buf_adds(sql, " AND i.id IN (SELECT r.item_id FROM plan_revisions r WHERE r.field = 'due'"
			    " AND r.old_value IS NOT NULL AND r.new_value IS NOT NULL)");
	/* LIKE is instr(lower(action), lower(word)) > 0: ASCII case folded, the rest as is */
	for (size_t w = 0; w < f->nwords; w++)
		mk_buf_addf(sql, f->plain[w] ? " AND instr(lower(i.action), lower(?%zu)) > 0" :
			    " AND +i.action LIKE ?%zu ESCAPE '\\'", w + 10);
}

static int query_bind(sqlite3_stmt *s, const struct query_filters *f, size_t limit, size_t offset)
{
	const struct mk_query *q = f->q;
	int rc = SQLITE_OK, n = sqlite3_bind_parameter_count(s);

	if (f->deal_id)
		rc = sqlite3_bind_int64(s, 1, f->deal_id);
	if (rc == SQLITE_OK && f->owner)
		rc = db_bind_text(s, 2, f->owner);
	if (rc == SQLITE_OK && q->side != -1)
		rc = db_bind_text(s, 3, mk_side_name((enum mk_side)q->side));
	if (rc == SQLITE_OK && q->status != -1)
		rc = db_bind_text(s, 4, mk_status_name((enum mk_status)q->status));
	if (rc == SQLITE_OK && (q->overdue || q->no_next_meeting))
		rc = db_bind_date(s, 5, 1, q->as_of);
	if (rc == SQLITE_OK && f->late_deals)
		rc = db_bind_text(s, QUERY_DEALS_PARAM, f->late_deals);
	if (rc == SQLITE_OK && q->has_from)
		rc = db_bind_date(s, 6, 1, q->from);
	if (rc == SQLITE_OK && q->has_to)
		rc = db_bind_date(s, 7, 1, q->to);
	if (rc == SQLITE_OK && n >= 9) {
		rc = sqlite3_bind_int64(s, 8, limit > INT64_MAX ? INT64_MAX : (sqlite3_int64)limit);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(s, 9, offset > INT64_MAX ? INT64_MAX : (sqlite3_int64)offset);
	}
	for (size_t w = 0; rc == SQLITE_OK && w < f->nwords; w++)
		rc = db_bind_text(s, (int)w + 10, f->words[w]);
	return rc;
}

/* "%word%" with LIKE's own characters escaped. */
static char *query_like(const char *word)
{
	struct mk_buf b;

	mk_buf_init(&b);
	mk_buf_addc(&b, '%');
	for (const char *p = word; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			mk_buf_addc(&b, '\\');
		mk_buf_addc(&b, *p);
	}
	mk_buf_addc(&b, '%');
	return mk_buf_detach(&b);
}

/* ---- the whole plan: working backward from go-live (issue 14) ---- */

/* Adds a deal whose critical path ends after its go-live to the JSON array ids. */
static void query_late_deal(void *ctx, int64_t deal, const struct mk_backward *b)
{
	struct mk_buf *ids = ctx;

	if (b->has_slack && b->slack_days < 0)
		mk_buf_addf(ids, "%s%lld", ids->len > 1 ? "," : "", (long long)deal);
}

/* *out: "[id,...]", the deals (deal, or every one when 0) past their go-live as of as_of. */
static int query_late_deals(struct mk_store *st, int64_t deal, struct mk_date as_of, char **out)
{
	struct mk_buf ids;
	int rc;

	mk_buf_init(&ids);
	mk_buf_addc(&ids, '[');
	rc = db_plan_slacks(st, deal, as_of, query_late_deal, &ids);
	mk_buf_addc(&ids, ']');
	*out = mk_buf_detach(&ids);
	return rc;
}

/* Reading the rows of few matches: slipped items alone are found by their revisions. */
static enum query_drive query_fetch_drive(const struct query_filters *f)
{
	enum query_drive drive = query_natural_drive(f);

	return drive == QUERY_DRIVE_SCAN && f->q->slipped ? QUERY_DRIVE_SLIP : drive;
}

/* How many items match. */
static int query_count(struct mk_store *st, const struct query_filters *f, size_t *total)
{
	sqlite3_stmt *s = NULL;
	struct mk_buf sql;
	int rc;

	mk_buf_init(&sql);
	mk_buf_adds(&sql, "SELECT count(*) FROM plan_items i WHERE 1");
	query_where(&sql, f, query_natural_drive(f));
	rc = db_prepare(st, sql.s, &s);
	if (rc == SQLITE_OK)
		rc = query_bind(s, f, 0, 0);
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		*total = (size_t)sqlite3_column_int64(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	mk_buf_release(&sql);
	return rc;
}

#define QUERY_COLUMNS                                                                     \
	"SELECT d.name, i.id, i.action, i.owner, i.side, i.due, i.status, i.updated_at,\n"  \
	"	(SELECT count(*) FROM plan_revisions r WHERE r.item_id = i.id), i.slipped\n"
#define QUERY_ORDER "ORDER BY d.name, i.due IS NULL, i.due, i.id"

/*
 * A page of the matches, in their order. With many matches (more than st->query_sort_max,
 * and more than eight times the page's end), the deals are read in name order and stop
 * once the page is full; with a few, the most selective filter finds them and they are
 * sorted. Either way the revision counts are read for the page's rows only.
 */
static int query_fetch(struct mk_store *st, const struct query_filters *f, size_t total,
		       size_t offset, size_t limit, struct mk_query_row **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	struct mk_buf sql;
	size_t cap = 0;
	int rc;

	mk_buf_init(&sql);
	if (f->deal_id) {
		mk_buf_adds(&sql, QUERY_COLUMNS "FROM plan_items i JOIN deals d ON d.id = i.deal_id\nWHERE 1");
		query_where(&sql, f, QUERY_DRIVE_DEAL);
		mk_buf_adds(&sql, "\n" QUERY_ORDER " LIMIT ?8 OFFSET ?9");
	} else if (total > st->query_sort_max && total / 8 > offset &&
		   total / 8 - offset > limit) {
		/* CROSS JOIN: SQLite keeps deals as the outer loop, so the name index gives the order */
		mk_buf_adds(&sql, QUERY_COLUMNS
			    "FROM deals d CROSS JOIN plan_items i ON i.deal_id = d.id\nWHERE 1");
		query_where(&sql, f, QUERY_DRIVE_ORDER);
		mk_buf_adds(&sql, "\n" QUERY_ORDER " LIMIT ?8 OFFSET ?9");
	} else if (total - offset <= limit) {
		/* every match from offset on: sorted once, columns and all */
		mk_buf_adds(&sql, QUERY_COLUMNS "FROM plan_items i JOIN deals d ON d.id = i.deal_id\nWHERE 1");
		query_where(&sql, f, query_fetch_drive(f));
		mk_buf_adds(&sql, "\n" QUERY_ORDER " LIMIT ?8 OFFSET ?9");
	} else {
		/* a page of them: the matches' ids are sorted, the page's rows read after */
		mk_buf_adds(&sql, QUERY_COLUMNS "FROM (SELECT i.id AS id FROM plan_items i\n"
			    "	JOIN deals d ON d.id = i.deal_id WHERE 1");
		query_where(&sql, f, query_fetch_drive(f));
		mk_buf_adds(&sql, "\n	" QUERY_ORDER " LIMIT ?8 OFFSET ?9) AS page\n"
			    "JOIN plan_items i ON i.id = page.id JOIN deals d ON d.id = i.deal_id\n"
			    QUERY_ORDER);
	}
	rc = db_prepare(st, sql.s, &s);
	if (rc == SQLITE_OK)
		rc = query_bind(s, f, limit, offset);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct mk_query_row *row;
		enum mk_status status = MK_STATUS_OPEN;

		*out = mk_grow(*out, &cap, *n + 1, sizeof **out);
		row = &(*out)[(*n)++];
		memset(row, 0, sizeof *row);
		row->deal = db_column_dup(s, 0);
		row->item.id = sqlite3_column_int64(s, 1);
		row->item.action = db_column_dup(s, 2);
		row->item.owner = db_column_dup(s, 3);
		row->item.side = db_column_side(s, 4);
		db_column_date(s, 5, &row->item.has_due, &row->item.due);
		mk_status_parse((const char *)sqlite3_column_text(s, 6), &status);
		row->item.status = status;
		row->item.updated_at = db_column_dup(s, 7);
		row->item.revisions = sqlite3_column_int(s, 8);
		row->item.slipped = sqlite3_column_int(s, 9);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	mk_buf_release(&sql);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

enum mk_err mk_store_query_page(struct mk_store *st, const struct mk_query *q, size_t offset,
				size_t limit, struct mk_query_row **out, size_t *n, size_t *more,
				struct mk_diag *diag)
{
	struct query_filters f;
	char *words[QUERY_MAX_WORDS];
	size_t total = 0;
	enum mk_err err;
	int rc;

	*out = NULL;
	*n = 0;
	if (more)
		*more = 0;
	err = query_check(st, q, diag);
	if (err)
		return err;
	err = query_begin(st, diag);
	if (err)
		return err;
	memset(&f, 0, sizeof f);
	f.q = q;
	if (q->deal) {
		err = db_deal_id(st, q->deal, &f.deal_id, diag);
		if (err)
			goto out;
	}
	if (q->past_go_live && (rc = query_late_deals(st, f.deal_id, q->as_of, &f.late_deals)) != SQLITE_OK) {
		err = db_fail(st, rc, diag);
		goto out;
	}
	f.owner = db_trim(q->owner);
	f.nwords = query_words(q->text, words, QUERY_MAX_WORDS);
	for (size_t w = 0; w < f.nwords; w++) {
		f.plain[w] = strlen(words[w]) > QUERY_LIKE_MAX;
		f.words[w] = f.plain[w] ? words[w] : query_like(words[w]);
		if (!f.plain[w])
			free(words[w]);
	}
	if (!limit)
		limit = MK_QUERY_LIMIT;
	rc = query_count(st, &f, &total);
	if (rc == SQLITE_OK && offset < total)
		rc = query_fetch(st, &f, total, offset, limit, out, n);
	if (rc != SQLITE_OK)
		err = db_fail(st, rc, diag);
	else if (more)
		*more = total > offset + *n ? total - offset - *n : 0;
out:
	db_rollback(st);
	free(f.owner);
	free(f.late_deals);
	for (size_t w = 0; w < f.nwords; w++)
		free(f.words[w]);
	if (err) {
		mk_query_rows_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return err;
}

enum mk_err mk_store_query(struct mk_store *st, const struct mk_query *q, struct mk_query_row **out,
			   size_t *n, struct mk_diag *diag)
{
	return mk_store_query_page(st, q, 0, SIZE_MAX, out, n, NULL, diag);
}

/* ---- history ---- */

void mk_revisions_free(struct mk_revision *rows, size_t n)
{
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++) {
		struct mk_revision *r = &rows[i];

		free(r->deal);
		free(r->action);
		free(r->field);
		free(r->old_value);
		free(r->new_value);
		free(r->at);
		free(r->by);
		free(r->meeting);
		free(r->speaker);
		free(r->quote);
		free(r->source);
		free(r->note);
	}
	free(rows);
}

/*
 * The creation of each item (from the approval that added it, or by hand) and every
 * revision after, with the proposal or hand edit behind it; the rep's edits of proposals
 * before deciding them; undos, renames and removed calls. Ties in time keep a creation
 * first, then edits, changes and decisions, each in the order they were written.
 * Columns 15-18: source, decision, note, proposal.
 */
#define HISTORY_APPROVAL(prop)                                                            \
	"(SELECT c.id FROM decisions c WHERE c.proposal_id = " prop " AND c.kind = 'approve'\n" \
	"	AND c.undone_by IS NULL ORDER BY c.id DESC LIMIT 1)"
#define HISTORY_FIRST_DUE                                                                 \
	"(SELECT r0.old_value FROM plan_revisions r0 WHERE r0.item_id = i.id AND r0.field = 'due'\n" \
	"	ORDER BY r0.id LIMIT 1)"
#define HISTORY_CREATED                                                                  \
	"SELECT d.name, i.id, i.action, 'created', NULL,\n"                                       \
	"	CASE WHEN p.id IS NOT NULL THEN p.due WHEN EXISTS " HISTORY_FIRST_DUE " THEN\n"   \
	"	" HISTORY_FIRST_DUE " ELSE i.due END, i.created_at, coalesce(p.decided_by, hd.\"by\"),\n" \
	"	m.label, p.ev_speaker, p.ev_start_ms, p.ev_quote, 0 AS rank, i.id AS seq,\n"     \
	"	CASE WHEN p.id IS NULL THEN 'hand' WHEN m.removed_at IS NOT NULL THEN 'removed call'\n" \
	"	ELSE 'call' END, coalesce(hd.id, " HISTORY_APPROVAL("p.id") "), hd.note, p.id\n"  \
	"FROM plan_items i JOIN deals d ON d.id = i.deal_id\n"                                  \
	"LEFT JOIN proposals p ON p.id = i.proposal_id\n"                                        \
	"LEFT JOIN meetings m ON m.id = coalesce(p.meeting_id, i.meeting_id)\n"                  \
	"LEFT JOIN decisions hd ON hd.kind = 'item_add' AND hd.item_id = i.id\n"
#define HISTORY_EDITED                                                                   \
	"SELECT d.name, coalesce(p.item_id, 0), coalesce(p.action, p.name, p.role, p.text, ''),\n" \
	"	e.field, e.old_value, e.new_value, e.at, e.\"by\", coalesce(m.label, p.source),\n" \
	"	p.ev_speaker, p.ev_start_ms, p.ev_quote, 1, e.id, 'proposal edit', NULL, NULL, p.id\n" \
	"FROM proposal_edits e JOIN proposals p ON p.id = e.proposal_id\n"                      \
	"JOIN deals d ON d.id = p.deal_id LEFT JOIN meetings m ON m.id = p.meeting_id\n"
#define HISTORY_CHANGED                                                                  \
	"SELECT d.name, i.id, i.action, r.field, r.old_value, r.new_value, r.at, r.\"by\",\n"   \
	"	coalesce(m.label, p.source), p.ev_speaker, p.ev_start_ms, p.ev_quote, 2 AS rank,\n" \
	"	r.id AS seq,\n"                                                                  \
	"	CASE WHEN r.decision_id IS NOT NULL THEN 'hand' WHEN p.source IS NOT NULL THEN p.source\n" \
	"	WHEN m.removed_at IS NOT NULL THEN 'removed call' ELSE 'call' END,\n"            \
	"	coalesce(r.decision_id, " HISTORY_APPROVAL("r.proposal_id") "), hd.note, r.proposal_id\n" \
	"FROM plan_revisions r JOIN plan_items i ON i.id = r.item_id\n"                         \
	"JOIN deals d ON d.id = i.deal_id\n"                                                     \
	"LEFT JOIN proposals p ON p.id = r.proposal_id\n"                                        \
	"LEFT JOIN meetings m ON m.id = coalesce(r.meeting_id, p.meeting_id)\n"                  \
	"LEFT JOIN decisions hd ON hd.id = r.decision_id\n"
#define HISTORY_DECIDED                                                                  \
	"SELECT d.name, coalesce(c.item_id, 0), coalesce(i.action, ''), c.kind, NULL, c.summary,\n" \
	"	c.at, c.\"by\", NULL, NULL, 0, NULL, 3, c.id, replace(c.kind, '_', ' '), c.id,\n" \
	"	c.note, NULL\n"                                                                     \
	"FROM decisions c JOIN deals d ON d.id = c.deal_id LEFT JOIN plan_items i ON i.id = c.item_id\n"
/* the plan's elements (issue 14): an item's phase and a dependency are about an item */
#define HISTORY_ELEMENT                                                                  \
	"SELECT d.name, coalesce(ei.id, 0), ei.action, er.field, er.old_value, er.new_value, er.at,\n" \
	"	er.\"by\", m.label, p.ev_speaker, p.ev_start_ms, p.ev_quote, 2, er.id,\n"        \
	"	CASE WHEN er.decision_id IS NOT NULL THEN 'hand' WHEN m.removed_at IS NOT NULL\n"  \
	"	THEN 'removed call' ELSE 'call' END,\n"                                           \
	"	coalesce(er.decision_id, " HISTORY_APPROVAL("er.proposal_id") "), hd.note, er.proposal_id\n" \
	"FROM element_revisions er JOIN deals d ON d.id = er.deal_id\n"                        \
	DB_ELEMENT_ITEM("er", "ei")                                                             \
	"LEFT JOIN proposals p ON p.id = er.proposal_id\n"                                       \
	"LEFT JOIN meetings m ON m.id = coalesce(er.meeting_id, p.meeting_id)\n"                 \
	"LEFT JOIN decisions hd ON hd.id = er.decision_id\n"
/* what the buyer sent through a share link: by the name typed */
#define HISTORY_ACK                                                                      \
	"SELECT d.name, 0, NULL, 'buyer ack', NULL,\n"                                          \
	"	a.name || ' agreed to the plan (version ' || a.plan_version || ')', a.at, a.name,\n" \
	"	NULL, NULL, 0, NULL, 4, a.id, 'buyer', NULL, NULL, NULL\n"                        \
	"FROM buyer_acks a JOIN deals d ON d.id = a.deal_id\n"
#define HISTORY_COMMENT                                                                  \
	"SELECT d.name, coalesce(ci.id, 0), ci.action, 'buyer comment', NULL, c.text, c.at, c.name,\n" \
	"	NULL, NULL, 0, NULL, 5, c.id, 'buyer', NULL, 'on plan version ' || c.plan_version, NULL\n" \
	"FROM buyer_comments c JOIN deals d ON d.id = c.deal_id\n"                               \
	"LEFT JOIN plan_items ci ON ci.id = c.item_id\n"
#define HISTORY_ITEM_DEAL "(SELECT x.deal_id FROM plan_items x WHERE x.id = ?1)"
#define HISTORY_ORDER "ORDER BY 7, 13, 14"

static const char history_by_item[] =
	HISTORY_CREATED "WHERE i.id = ?1 AND (?2 IS NULL OR i.deal_id = ?2)\nUNION ALL\n"
	HISTORY_EDITED "WHERE p.item_id = ?1 AND (?2 IS NULL OR p.deal_id = ?2)\nUNION ALL\n"
	HISTORY_CHANGED "WHERE r.item_id = ?1 AND (?2 IS NULL OR i.deal_id = ?2)\nUNION ALL\n"
	HISTORY_DECIDED "WHERE c.item_id = ?1 AND c.kind = 'undo' AND (?2 IS NULL OR c.deal_id = ?2)\nUNION ALL\n"
	HISTORY_ELEMENT "WHERE er.deal_id = " HISTORY_ITEM_DEAL " AND ei.id = ?1\nUNION ALL\n"
	HISTORY_COMMENT "WHERE c.deal_id = " HISTORY_ITEM_DEAL " AND c.item_id = ?1\n"
	HISTORY_ORDER;
static const char history_by_deal[] =
	HISTORY_CREATED "WHERE i.deal_id = ?2\nUNION ALL\n"
	HISTORY_EDITED "WHERE p.deal_id = ?2\nUNION ALL\n"
	HISTORY_CHANGED "WHERE i.deal_id = ?2\nUNION ALL\n"
	HISTORY_DECIDED "WHERE c.deal_id = ?2 AND c.kind IN ('undo', 'deal_rename', 'call_remove')\nUNION ALL\n"
	HISTORY_ELEMENT "WHERE er.deal_id = ?2\nUNION ALL\n"
	HISTORY_ACK "WHERE a.deal_id = ?2\nUNION ALL\n"
	HISTORY_COMMENT "WHERE c.deal_id = ?2\n"
	HISTORY_ORDER;

/* MK_ENOTFOUND when item is not an item (of deal, when deal is given). */
static enum mk_err history_item_exists(struct mk_store *st, int64_t item, int64_t deal,
				       const char *deal_name, struct mk_diag *diag)
{
	int64_t one;
	enum mk_err err = db_int(st, diag, &one,
		"SELECT 1 FROM plan_items WHERE id = ?1 AND (?2 IS NULL OR deal_id = ?2)", "iI", item, deal);

	return db_notfound(st, diag, err, "no plan item #%lld%s%s%s", (long long)item,
			   deal_name ? " in deal \"" : "", deal_name ? deal_name : "", deal_name ? "\"" : "");
}

enum mk_err mk_store_history(struct mk_store *st, const char *deal, int64_t item_id,
			     struct mk_revision **out, size_t *n, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	enum mk_err err;
	int64_t deal_id = 0;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!deal && item_id <= 0) {
		mk_diag_set(diag, st->path, 0, "history needs a deal or a plan item");
		return MK_EARG;
	}
	err = query_begin(st, diag);
	if (err)
		return err;
	if (deal)
		err = db_deal_id(st, deal, &deal_id, diag);
	if (!err && item_id > 0)
		err = history_item_exists(st, item_id, deal_id, deal, diag);
	if (err)
		goto out;
	rc = db_prepare(st, item_id > 0 ? history_by_item : history_by_deal, &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "iI", item_id, deal_id);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct mk_revision *r;

		*out = mk_grow(*out, &cap, *n + 1, sizeof **out);
		r = &(*out)[(*n)++];
		memset(r, 0, sizeof *r);
		r->deal = db_column_dup(s, 0);
		r->item_id = sqlite3_column_int64(s, 1);
		r->action = db_column_dup(s, 2);
		r->field = db_column_dup(s, 3);
		r->old_value = db_column_dup(s, 4);
		r->new_value = db_column_dup(s, 5);
		r->at = db_column_dup(s, 6);
		r->by = db_column_dup(s, 7);
		r->meeting = db_column_dup(s, 8);
		r->speaker = db_column_dup(s, 9);
		r->start_ms = sqlite3_column_int64(s, 10);
		r->quote = db_column_dup(s, 11);
		r->source = db_column_dup(s, 14);
		r->decision_id = sqlite3_column_int64(s, 15);
		r->note = db_column_dup(s, 16);
		r->proposal_id = sqlite3_column_int64(s, 17);
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE)
		err = db_fail(st, rc, diag);
out:
	sqlite3_finalize(s);
	db_rollback(st);
	if (err) {
		mk_revisions_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return err;
}

/* ---- health ---- */

static void health_release(struct mk_health *h)
{
	free(h->deal);
	free(h->next_step_action);
	free(h->ack_at);
}

void mk_health_free(struct mk_health *rows, size_t n)
{
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++)
		health_release(&rows[i]);
	free(rows);
}

/*
 * The plan changed on the date of the call whose words changed it (an item's creation or
 * a revision), or when it was approved if no call is known: so "days since the plan last
 * changed" reads the same whenever the calls were ingested. A person is met when someone
 * of that name spoke on one of the deal's calls: the same name in any case, or one is the
 * other's first name ("Farah" and "Farah Khan"). Everything but the overdue items and the
 * days is kept per deal in deal_stats by the writes themselves (schema.c, migration 5), so
 * the health of every deal is one pass over the deals and one over the open items.
 */
#define HEALTH_SELECT                                                                     \
	"SELECT d.id, d.name, s.items, s.buyer_items, s.open_items, s.slipped, s.named, s.met,\n" \
	"	s.open_risks, s.last_item, s.last_revision, s.pending, " HEALTH_NEXT_STEP "\n"    \
	"FROM deal_stats s JOIN deals d ON d.id = s.deal_id\n"

/*
 * The next step, as "YYYY-MM-DD action": the open item due soonest on or after as_of (?2),
 * the first by id on its day. The index of the open items with a due date (deal, due, id,
 * status, action; schema.c, migration 10) holds all of it: one seek per deal that has one
 * (its latest open due date, kept in deal_stats, is on or after as_of), no item read,
 * nothing sorted. One column for both (dates are stored as YYYY-MM-DD): a second
 * subquery would seek again.
 */
#define HEALTH_NEXT_STEP                                                                  \
	"CASE WHEN s.last_open_due >= ?2 THEN (SELECT i.due || ' ' || i.action\n"           \
	"	FROM plan_items i INDEXED BY plan_items_open WHERE i.deal_id = s.deal_id\n"      \
	"	AND i.status = 'open' AND i.due IS NOT NULL AND i.due >= ?2\n"                   \
	"	ORDER BY i.due, i.id LIMIT 1) END"

/*
 * The passes after the deals' rows, each of one deal (?2) or of every deal, their rows led
 * by a deal id: the open items due before as_of (?1); the plan's elements (deal_plan: the
 * go-live, the next meeting); the criteria on the plan; the buyer's last acknowledgement.
 * The tables of the whole plan hold rows only for the deals that have them.
 */
struct health_pass {
	const char *deal, *all;
	void (*fn)(struct mk_health *h, sqlite3_stmt *s, struct mk_date as_of);
};

static void health_overdue_row(struct mk_health *h, sqlite3_stmt *s, struct mk_date as_of)
{
	(void)s;
	(void)as_of;
	h->overdue++;
}

/* a next meeting before as_of is one that was missed: no next meeting */
static void health_elements_row(struct mk_health *h, sqlite3_stmt *s, struct mk_date as_of)
{
	db_column_date(s, 1, &h->has_go_live, &h->go_live);
	db_column_date(s, 2, &h->has_next_meeting, &h->next_meeting);
	if (h->has_next_meeting && mk_date_cmp(h->next_meeting, as_of) < 0)
		h->has_next_meeting = 0;
}

static void health_criteria_row(struct mk_health *h, sqlite3_stmt *s, struct mk_date as_of)
{
	(void)as_of;
	h->criteria = (size_t)sqlite3_column_int64(s, 1);
}

static void health_ack_row(struct mk_health *h, sqlite3_stmt *s, struct mk_date as_of)
{
	(void)as_of;
	h->has_ack = 1;
	h->ack_at = db_column_dup(s, 1);
}

static const struct health_pass health_passes[] = {
	{ "SELECT i.deal_id FROM plan_items i WHERE i.deal_id = ?2 AND +i.status = 'open' AND +i.due < ?1",
	  "SELECT i.deal_id FROM plan_items i WHERE i.status = 'open' AND i.due < ?1", health_overdue_row },
	{ "SELECT deal_id, go_live, next_meeting FROM deal_plan WHERE deal_id = ?2",
	  "SELECT deal_id, go_live, next_meeting FROM deal_plan", health_elements_row },
	{ "SELECT deal_id, count(*) FROM criteria WHERE deal_id = ?2 AND removed_at IS NULL GROUP BY deal_id",
	  "SELECT deal_id, count(*) FROM criteria WHERE removed_at IS NULL GROUP BY deal_id", health_criteria_row },
	{ "SELECT deal_id, max(at) FROM buyer_acks WHERE deal_id = ?2 GROUP BY deal_id",
	  "SELECT deal_id, max(at) FROM buyer_acks GROUP BY deal_id", health_ack_row },
};

struct health_row {
	int64_t deal;
	struct mk_health h;
};

/* The rows by deal id (rows sorted by it). Deal ids are rowids, dense in practice: a table
 * from id to row then beats a binary search per item. */
struct health_index {
	struct health_row *rows;
	size_t n;
	size_t *slot, nslots;
};

static int health_by_deal(const void *a, const void *b)
{
	const struct health_row *x = a, *y = b;

	return (x->deal > y->deal) - (x->deal < y->deal);
}

/* The order of ORDER BY d.name (BINARY: bytes, then length; names hold no NUL). */
static int health_by_name(const void *a, const void *b)
{
	const struct health_row *x = a, *y = b;

	return strcmp(x->h.deal, y->h.deal);
}

static void health_index_init(struct health_index *x, struct health_row *rows, size_t n)
{
	memset(x, 0, sizeof *x);
	x->rows = rows;
	x->n = n;
	if (n && rows[0].deal >= 0 && rows[n - 1].deal < (int64_t)(4 * n + 64)) {
		x->nslots = (size_t)rows[n - 1].deal + 1;
		x->slot = mk_malloc(x->nslots * sizeof *x->slot);
		for (size_t i = 0; i < x->nslots; i++)
			x->slot[i] = SIZE_MAX;
		for (size_t i = 0; i < n; i++)
			x->slot[rows[i].deal] = i;
	}
}

static struct health_row *health_find(const struct health_index *x, int64_t deal)
{
	struct health_row key;

	if (x->slot)
		return deal >= 0 && (uint64_t)deal < x->nslots && x->slot[deal] != SIZE_MAX ?
			&x->rows[x->slot[deal]] : NULL;
	key.deal = deal;
	return bsearch(&key, x->rows, x->n, sizeof *x->rows, health_by_deal);
}

/* Runs one pass, each of its rows into its deal's row. */
static int health_pass_run(struct mk_store *st, const struct health_pass *ps, int64_t deal,
			   struct mk_date as_of, const struct health_index *x)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = db_prepare(st, deal ? ps->deal : ps->all, &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "di", &as_of, deal); /* every deal's: no ?2 */
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct health_row *hit = health_find(x, sqlite3_column_int64(s, 0));

		if (hit)
			ps->fn(&hit->h, s, as_of);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void health_slack(void *ctx, int64_t deal, const struct mk_backward *b)
{
	struct health_row *hit = health_find(ctx, deal);

	if (hit) {
		hit->h.has_slack = b->has_slack;
		hit->h.slack_days = b->slack_days;
	}
}

/* Every pass, then the slack of the deals with a go-live (only theirs are read). */
static int health_more(struct mk_store *st, int64_t deal, struct mk_date as_of, const struct health_index *x)
{
	int rc = SQLITE_OK;

	for (size_t i = 0; rc == SQLITE_OK && i < sizeof health_passes / sizeof health_passes[0]; i++)
		rc = health_pass_run(st, &health_passes[i], deal, as_of, x);
	return rc == SQLITE_OK ? db_plan_slacks(st, deal, as_of, health_slack, (void *)x) : rc;
}

/* "YYYY-MM-DD action" (HEALTH_NEXT_STEP) into h's next step; NULL: none. */
static void health_next_step(struct mk_health *h, const char *v)
{
	char day[16];

	if (!v || strlen(v) < 11 || v[10] != ' ')
		return;
	memcpy(day, v, 10);
	day[10] = '\0';
	if (mk_date_parse(day, &h->next_step) != MK_OK)
		return;
	h->has_next_step = 1;
	h->next_step_action = mk_strdup(v + 11);
}

/*
 * The deals are read in id order and sorted by name here: reading them through the index
 * on names costs a lookup per deal, which for 10,000 deals is most of the time.
 */
enum mk_err mk_store_health(struct mk_store *st, const char *deal, struct mk_date as_of,
			    struct mk_health **out, size_t *n, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	struct health_row *rows = NULL;
	enum mk_err err;
	int64_t deal_id = 0;
	size_t nrows = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	err = query_begin(st, diag);
	if (err)
		return err;
	if (deal) {
		err = db_deal_id(st, deal, &deal_id, diag);
		if (err)
			goto out;
	}
	rc = db_prepare(st, deal ? HEALTH_SELECT "WHERE s.deal_id = ?1" :
			HEALTH_SELECT "ORDER BY s.deal_id", &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "id", deal_id, &as_of); /* every deal's uses no ?1 */
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct mk_health *h;
		struct mk_date last, rev;
		int has_last, has_rev;
		long days;

		rows = mk_grow(rows, &cap, nrows + 1, sizeof *rows);
		rows[nrows].deal = sqlite3_column_int64(s, 0);
		h = &rows[nrows++].h;
		memset(h, 0, sizeof *h);
		h->deal = db_column_dup(s, 1);
		h->items = (size_t)sqlite3_column_int64(s, 2);
		h->buyer_items = (size_t)sqlite3_column_int64(s, 3);
		h->open_items = (size_t)sqlite3_column_int64(s, 4);
		h->slipped = (size_t)sqlite3_column_int64(s, 5);
		h->stakeholders_named = (size_t)sqlite3_column_int64(s, 6);
		h->stakeholders_met = (size_t)sqlite3_column_int64(s, 7);
		h->open_risks = (size_t)sqlite3_column_int64(s, 8);
		db_column_date(s, 9, &has_last, &last);
		db_column_date(s, 10, &has_rev, &rev);
		if (has_rev && (!has_last || mk_date_cmp(rev, last) > 0)) {
			has_last = 1;
			last = rev;
		}
		/* a change after as_of (asking about the past) counts as today's */
		days = has_last ? mk_date_days(as_of) - mk_date_days(last) : -1;
		h->days_since_change = has_last ? (int)(days < 0 ? 0 : days) : -1;
		h->pending = (size_t)sqlite3_column_int64(s, 11);
		health_next_step(h, (const char *)sqlite3_column_text(s, 12));
		rc = SQLITE_OK;
	}
	if (rc == SQLITE_DONE && nrows) {
		struct health_index x;

		health_index_init(&x, rows, nrows);
		rc = health_more(st, deal_id, as_of, &x);
		if (rc == SQLITE_OK)
			rc = SQLITE_DONE;
		free(x.slot);
	}
	if (rc != SQLITE_DONE)
		err = db_fail(st, rc, diag);
out:
	sqlite3_finalize(s);
	db_rollback(st);
	if (!err && nrows) {
		qsort(rows, nrows, sizeof *rows, health_by_name);
		*out = mk_malloc(nrows * sizeof **out);
		for (size_t i = 0; i < nrows; i++)
			(*out)[i] = rows[i].h;
		*n = nrows;
	} else {
		for (size_t i = 0; i < nrows; i++)
			health_release(&rows[i].h);
	}
	free(rows);
	return err;
}
