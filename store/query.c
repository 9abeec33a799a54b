/*
 * query.c: the managers' questions, read-only: plan items across deals by owner, side,
 * status, due dates, slips and words (mk_store_query); what was said (mk_store_search_said,
 * over search.c); an item's or a deal's slip history with the evidence behind each change
 * (mk_store_history); and per-deal health numbers (mk_store_health). Changes nothing.
 * Invariant: every value the user gives is bound; SQL text is assembled only from the
 * constant fragments below, and each question runs in one read transaction.
 */
#include "db.h"
#include "store.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

#define QUERY_MAX_WORDS 16   /* words of --text that are matched; the rest are ignored */

/* A slip: the due date moved from one date to another (plan.c marks the same items). */
#define QUERY_SLIP_WHERE                                                                \
	"r.field = 'due' AND r.old_value IS NOT NULL AND r.new_value IS NOT NULL"

/* Opens a read transaction so that every list a call returns agrees with the others. */
static enum mk_err query_begin(struct mk_store *st, struct mk_diag *diag)
{
	int rc = sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL);

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

/* Trims blanks around s into a new string; NULL when nothing is left. */
static char *query_trim(const char *s)
{
	size_t len;

	if (!s)
		return NULL;
	s += strspn(s, " \t\r\n");
	len = strlen(s);
	while (len && strchr(" \t\r\n", s[len - 1]))
		len--;
	return len ? mk_strndup(s, len) : NULL;
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

enum mk_err mk_store_query(struct mk_store *st, const struct mk_query *q, struct mk_query_row **out,
			   size_t *n, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	struct mk_buf sql;
	char *words[QUERY_MAX_WORDS], *owner = NULL;
	size_t nwords = 0, cap = 0;
	enum mk_err err;
	int64_t deal_id = 0;
	int rc, drive;

	*out = NULL;
	*n = 0;
	err = query_check(st, q, diag);
	if (err)
		return err;
	err = query_begin(st, diag);
	if (err)
		return err;
	mk_buf_init(&sql);
	if (q->deal) {
		err = db_deal_id(st, q->deal, &deal_id, diag);
		if (err)
			goto out;
	}
	owner = query_trim(q->owner);
	nwords = query_words(q->text, words, QUERY_MAX_WORDS);

	/* ?1 deal, ?2 owner, ?3 side, ?4 status, ?5 as_of, ?6 from, ?7 to, ?10.. words */
	mk_buf_adds(&sql,
		"SELECT d.name, i.id, i.action, i.owner, i.side, i.due, i.status, i.updated_at,\n"
		"	(SELECT count(*) FROM plan_revisions r WHERE r.item_id = i.id),\n"
		"	EXISTS (SELECT 1 FROM plan_revisions r WHERE r.item_id = i.id AND "
		QUERY_SLIP_WHERE ")\n"
		"FROM plan_items i JOIN deals d ON d.id = i.deal_id\nWHERE 1");
	/*
	 * Without statistics SQLite would rather walk (status, due) than a deal's ten items:
	 * only the most selective filter given may use an index (deal, then owner, then status
	 * and due, then slips); a unary + keeps the others off theirs.
	 */
	drive = deal_id ? 0 : owner ? 1 : (q->status != -1 || q->overdue) ? 2 :
		(q->has_from || q->has_to) ? 3 : 4;
	if (deal_id)
		mk_buf_adds(&sql, " AND i.deal_id = ?1");
	if (owner)
		/* the range lets the index on lower(owner) answer; the rest: full or first name */
		mk_buf_addf(&sql, " AND %slower(i.owner) >= lower(?2) AND %slower(i.owner) < lower(?2) || '!'"
			    " AND (lower(i.owner) = lower(?2)"
			    " OR substr(lower(i.owner), 1, length(?2) + 1) = lower(?2) || ' ')",
			    drive == 1 ? "" : "+", drive == 1 ? "" : "+");
	if (q->side != -1)
		mk_buf_adds(&sql, " AND +i.side = ?3");
	if (q->status != -1)
		mk_buf_addf(&sql, " AND %si.status = ?4", drive == 2 ? "" : "+");
	if (q->overdue)
		mk_buf_addf(&sql, " AND %si.status = 'open' AND %si.due < ?5", drive == 2 ? "" : "+",
			    drive == 2 ? "" : "+");
	if (q->has_from)
		mk_buf_addf(&sql, " AND %si.due >= ?6", drive >= 2 ? "" : "+");
	if (q->has_to)
		mk_buf_addf(&sql, " AND %si.due <= ?7", drive >= 2 ? "" : "+");
	if (q->slipped && drive == 4)
		mk_buf_adds(&sql, " AND i.id IN (SELECT r.item_id FROM plan_revisions r WHERE "
			    QUERY_SLIP_WHERE ")");
	else if (q->slipped)
		mk_buf_adds(&sql, " AND EXISTS (SELECT 1 FROM plan_revisions r WHERE r.item_id = i.id AND "
			    QUERY_SLIP_WHERE ")");
	for (size_t w = 0; w < nwords; w++)
		mk_buf_addf(&sql, " AND instr(lower(i.action), lower(?%zu)) > 0", w + 10);
	mk_buf_adds(&sql, "\nORDER BY d.name, i.due IS NULL, i.due, i.id");

	rc = db_prepare(st, sql.s, &s);
	if (rc == SQLITE_OK && deal_id)
		rc = sqlite3_bind_int64(s, 1, deal_id);
	if (rc == SQLITE_OK && owner)
		rc = db_bind_text(s, 2, owner);
	if (rc == SQLITE_OK && q->side != -1)
		rc = db_bind_text(s, 3, mk_side_name((enum mk_side)q->side));
	if (rc == SQLITE_OK && q->status != -1)
		rc = db_bind_text(s, 4, mk_status_name((enum mk_status)q->status));
	if (rc == SQLITE_OK && q->overdue)
		rc = db_bind_date(s, 5, 1, q->as_of);
	if (rc == SQLITE_OK && q->has_from)
		rc = db_bind_date(s, 6, 1, q->from);
	if (rc == SQLITE_OK && q->has_to)
		rc = db_bind_date(s, 7, 1, q->to);
	for (size_t w = 0; rc == SQLITE_OK && w < nwords; w++)
		rc = db_bind_text(s, (int)w + 10, words[w]);
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
	if (rc != SQLITE_DONE)
		err = db_fail(st, rc, diag);
out:
	sqlite3_finalize(s);
	db_rollback(st);
	mk_buf_release(&sql);
	free(owner);
	for (size_t w = 0; w < nwords; w++)
		free(words[w]);
	if (err) {
		mk_query_rows_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return err;
}

/* ---- what was said ---- */

struct said_list {
	struct mk_said *v;
	size_t n, cap, limit;
};

static int said_collect(void *ctx, const struct store_said *hit)
{
	struct said_list *l = ctx;
	struct mk_said *r;

	l->v = mk_grow(l->v, &l->cap, l->n + 1, sizeof *l->v);
	r = &l->v[l->n++];
	r->deal = mk_strdup(hit->deal ? hit->deal : "");
	r->meeting = mk_strdup(hit->meeting ? hit->meeting : "");
	r->meeting_start = hit->start ? mk_strdup(hit->start) : NULL;
	r->speaker = mk_strdup(hit->speaker ? hit->speaker : "");
	r->start_ms = hit->start_ms;
	r->text = mk_strdup(hit->text ? hit->text : "");
	return l->limit && l->n >= l->limit;
}

void mk_said_free(struct mk_said *rows, size_t n)
{
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++) {
		free(rows[i].deal);
		free(rows[i].meeting);
		free(rows[i].meeting_start);
		free(rows[i].speaker);
		free(rows[i].text);
	}
	free(rows);
}

/* limit 0: every line that matches. */
enum mk_err mk_store_search_said(struct mk_store *st, const char *deal, const char *words,
				 size_t limit, struct mk_said **out, size_t *n, struct mk_diag *diag)
{
	struct said_list l;
	enum mk_err err;

	memset(&l, 0, sizeof l);
	l.limit = limit;
	err = store_search_said(st, deal, words, said_collect, &l, NULL, diag);
	if (err) {
		mk_said_free(l.v, l.n);
		l.v = NULL;
		l.n = 0;
	}
	*out = l.v;
	*n = l.n;
	return err;
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
	}
	free(rows);
}

/*
 * The creation of each item (from the approval that added it) and every revision after,
 * with the proposal behind it. Ties in time keep a creation before the changes, then the
 * order things were written.
 */
#define HISTORY_CREATED                                                                  \
	"SELECT d.name, i.id, i.action, 'created', NULL, p.due, i.created_at, p.decided_by,\n" \
	"	m.label, p.ev_speaker, p.ev_start_ms, p.ev_quote, 0 AS rank, i.id AS seq\n"      \
	"FROM plan_items i JOIN deals d ON d.id = i.deal_id\n"                                  \
	"LEFT JOIN proposals p ON p.id = i.proposal_id\n"                                        \
	"LEFT JOIN meetings m ON m.id = coalesce(p.meeting_id, i.meeting_id)\n"
#define HISTORY_CHANGED                                                                  \
	"SELECT d.name, i.id, i.action, r.field, r.old_value, r.new_value, r.at, r.\"by\",\n"   \
	"	m.label, p.ev_speaker, p.ev_start_ms, p.ev_quote, 1 AS rank, r.id AS seq\n"      \
	"FROM plan_revisions r JOIN plan_items i ON i.id = r.item_id\n"                         \
	"JOIN deals d ON d.id = i.deal_id\n"                                                     \
	"LEFT JOIN proposals p ON p.id = r.proposal_id\n"                                        \
	"LEFT JOIN meetings m ON m.id = coalesce(r.meeting_id, p.meeting_id)\n"
#define HISTORY_ORDER "ORDER BY 7, 13, 14"

static const char history_by_item[] =
	HISTORY_CREATED "WHERE i.id = ?1 AND (?2 IS NULL OR i.deal_id = ?2)\nUNION ALL\n"
	HISTORY_CHANGED "WHERE r.item_id = ?1 AND (?2 IS NULL OR i.deal_id = ?2)\n" HISTORY_ORDER;
static const char history_by_deal[] =
	HISTORY_CREATED "WHERE i.deal_id = ?2\nUNION ALL\n"
	HISTORY_CHANGED "WHERE i.deal_id = ?2\n" HISTORY_ORDER;

/* MK_ENOTFOUND when item is not an item (of deal, when deal is given). */
static enum mk_err history_item_exists(struct mk_store *st, int64_t item, int64_t deal,
				       const char *deal_name, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	enum mk_err err = MK_OK;
	int rc;

	rc = db_prepare(st, "SELECT 1 FROM plan_items WHERE id = ?1 AND (?2 IS NULL OR deal_id = ?2)",
			&s);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 1, item);
	if (rc == SQLITE_OK)
		rc = db_bind_id(s, 2, deal);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_DONE) {
			if (deal_name)
				mk_diag_set(diag, st->path, 0, "no plan item #%lld in deal \"%s\"",
					    (long long)item, deal_name);
			else
				mk_diag_set(diag, st->path, 0, "no plan item #%lld", (long long)item);
			err = MK_ENOTFOUND;
		}
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK)
		err = db_fail(st, rc, diag);
	sqlite3_finalize(s);
	return err;
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
	if (rc == SQLITE_OK && item_id > 0)
		rc = sqlite3_bind_int64(s, 1, item_id);
	if (rc == SQLITE_OK)
		rc = db_bind_id(s, 2, deal_id);
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

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static long health_days(struct mk_date d)
{
	long y = d.m <= 2 ? d.y - 1 : d.y;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153L * (d.m > 2 ? d.m - 3 : d.m + 9) + 2) / 5 + d.d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void mk_health_free(struct mk_health *rows, size_t n)
{
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++)
		free(rows[i].deal);
	free(rows);
}

/*
 * The plan changed on the date of the call whose words changed it (an item's creation or
 * a revision), or when it was approved if no call is known: so "days since the plan last
 * changed" reads the same whenever the calls were ingested. A person is met when someone
 * of that name spoke on one of the deal's calls: the same name in any case, or one is the
 * other's first name ("Farah" and "Farah Khan").
 */
#define HEALTH_SELECT                                                                     \
	"SELECT d.name,\n"                                                                 \
	"	(SELECT count(*) FROM plan_items i WHERE i.deal_id = d.id),\n"                 \
	"	(SELECT count(*) FROM plan_items i WHERE i.deal_id = d.id AND +i.side = 'buyer'),\n" \
	"	(SELECT count(*) FROM plan_items i WHERE i.deal_id = d.id AND +i.status = 'open'),\n" \
	"	(SELECT count(*) FROM plan_items i WHERE i.deal_id = d.id AND +i.status = 'open'\n" \
	"		AND +i.due < ?1),\n"                                                        \
	"	(SELECT count(*) FROM plan_items i WHERE i.deal_id = d.id AND EXISTS (\n"     \
	"		SELECT 1 FROM plan_revisions r WHERE r.item_id = i.id AND " QUERY_SLIP_WHERE ")),\n" \
	"	(SELECT count(*) FROM people p WHERE p.deal_id = d.id AND p.name IS NOT NULL),\n" \
	"	(SELECT count(*) FROM people p WHERE p.deal_id = d.id AND p.name IS NOT NULL\n" \
	"		AND EXISTS (SELECT 1 FROM meetings m JOIN utterances u ON u.meeting_id = m.id\n" \
	"		WHERE m.deal_id = d.id AND (lower(u.speaker) = lower(p.name)\n"           \
	"			OR substr(lower(u.speaker), 1, length(p.name) + 1) = lower(p.name) || ' '\n" \
	"			OR (u.speaker <> '' AND substr(lower(p.name), 1, length(u.speaker) + 1)\n" \
	"				= lower(u.speaker) || ' ')))),\n"                                  \
	"	(SELECT count(*) FROM risks k WHERE k.deal_id = d.id AND k.status = 'open'),\n" \
	"	(SELECT max(coalesce(m.start, i.created_at)) FROM plan_items i\n"            \
	"		LEFT JOIN meetings m ON m.id = i.meeting_id WHERE i.deal_id = d.id),\n"     \
	"	(SELECT max(coalesce(m.start, r.at)) FROM plan_items i\n"                     \
	"		JOIN plan_revisions r ON r.item_id = i.id\n"                                \
	"		LEFT JOIN meetings m ON m.id = r.meeting_id WHERE i.deal_id = d.id)\n"      \
	"FROM deals d\n"

enum mk_err mk_store_health(struct mk_store *st, const char *deal, struct mk_date as_of,
			    struct mk_health **out, size_t *n, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	enum mk_err err;
	int64_t deal_id = 0;
	size_t cap = 0;
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
	rc = db_prepare(st, deal ? HEALTH_SELECT "WHERE d.id = ?2" :
			HEALTH_SELECT "ORDER BY d.name", &s);
	if (rc == SQLITE_OK)
		rc = db_bind_date(s, 1, 1, as_of);
	if (rc == SQLITE_OK && deal)
		rc = sqlite3_bind_int64(s, 2, deal_id);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct mk_health *h;
		struct mk_date last, rev;
		int has_last, has_rev;
		long days;

		*out = mk_grow(*out, &cap, *n + 1, sizeof **out);
		h = &(*out)[(*n)++];
		memset(h, 0, sizeof *h);
		h->deal = db_column_dup(s, 0);
		h->items = (size_t)sqlite3_column_int64(s, 1);
		h->buyer_items = (size_t)sqlite3_column_int64(s, 2);
		h->open_items = (size_t)sqlite3_column_int64(s, 3);
		h->overdue = (size_t)sqlite3_column_int64(s, 4);
		h->slipped = (size_t)sqlite3_column_int64(s, 5);
		h->stakeholders_named = (size_t)sqlite3_column_int64(s, 6);
		h->stakeholders_met = (size_t)sqlite3_column_int64(s, 7);
		h->open_risks = (size_t)sqlite3_column_int64(s, 8);
		db_column_date(s, 9, &has_last, &last);
		db_column_date(s, 10, &has_rev, &rev);
		if (has_rev && (!has_last || health_days(rev) > health_days(last))) {
			has_last = 1;
			last = rev;
		}
		/* a change after as_of (asking about the past) counts as today's */
		days = has_last ? health_days(as_of) - health_days(last) : -1;
		h->days_since_change = has_last ? (int)(days < 0 ? 0 : days) : -1;
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE)
		err = db_fail(st, rc, diag);
out:
	sqlite3_finalize(s);
	db_rollback(st);
	if (err) {
		mk_health_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return err;
}
