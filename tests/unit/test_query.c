/*
 * test_query.c: the managers' questions over a small store built through the public API
 * (deals, two hand-built calls and their proposals, approvals): every filter of
 * mk_store_query alone and together, pages of it (mk_store_query_page), search of what was
 * said (by a speaker too, each search plan), history order and evidence, the health
 * numbers (with the pending count and the next step), and what changed in a period.
 * The database lives in a mkdtemp() folder removed at the end.
 */
#include "mapkeeper.h"
#include "store/store.h"
#include "util/util.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[64];
static char *db_path;
static struct mk_store *st;
static int64_t item_soc2, item_review, item_budget, item_memo;

/* ---- building the store ---- */

static void utt_add(struct mk_transcript *t, const char *spk, int64_t start, const char *text)
{
	t->utt = mk_grow(t->utt, &t->cap, t->n + 1, sizeof *t->utt);
	t->utt[t->n].speaker = mk_strdup(spk);
	t->utt[t->n].text = mk_strdup(text);
	t->utt[t->n].start_ms = start;
	t->utt[t->n].end_ms = start + 3000;
	t->utt[t->n].line = (long)t->n + 1;
	t->n++;
}

static void call_init(struct mk_transcript *t, const char *path)
{
	mk_transcript_init(t);
	t->path = mk_strdup(path);
	t->format = MK_FMT_TEAMS_VTT;
	mk_sha256_hex(path, strlen(path), t->sha256);
}

static struct mk_proposal *prop(struct mk_proposals *ps, enum mk_prop_kind kind, const char *key,
				const char *spk, int64_t start, const char *quote)
{
	struct mk_proposal *p;

	ps->v = mk_grow(ps->v, &ps->cap, ps->n + 1, sizeof *ps->v);
	p = &ps->v[ps->n++];
	memset(p, 0, sizeof *p);
	p->kind = kind;
	p->key = mk_strdup(key);
	p->confidence = 0.9;
	p->ev.speaker = mk_strdup(spk);
	p->ev.start_ms = start;
	p->ev.end_ms = start + 3000;
	p->ev.quote = mk_strdup(quote);
	return p;
}

static void prop_item(struct mk_proposals *ps, const char *key, const char *action, const char *owner,
		      enum mk_side side, int y, int m, int d, int64_t start, const char *quote)
{
	struct mk_proposal *p = prop(ps, MK_PROP_ADD_ITEM, key, owner, start, quote);

	p->action = mk_strdup(action);
	p->owner = mk_strdup(owner);
	p->side = side;
	if (y) {
		p->has_due = 1;
		p->due = (struct mk_date){ y, m, d };
	}
}

/* A stakeholder named on the call, and its proposal: the person is on the plan once the
 * proposal is approved. */
static void stakeholder(struct mk_findings *f, struct mk_proposals *ps, const char *key, const char *name,
			const char *role)
{
	struct mk_stakeholder *s;
	struct mk_proposal *p = prop(ps, MK_PROP_ADD_STAKEHOLDER, key, "Dana Reyes", 0, "who signs");

	p->name = name ? mk_strdup(name) : NULL;
	p->role = mk_strdup(role);
	p->side = MK_SIDE_BUYER;

	f->stakeholders = mk_realloc(f->stakeholders, (f->nstakeholders + 1) * sizeof *s);
	s = &f->stakeholders[f->nstakeholders++];
	memset(s, 0, sizeof *s);
	s->name = name ? mk_strdup(name) : NULL;
	s->role = mk_strdup(role);
	s->side = MK_SIDE_BUYER;
	s->ev.speaker = mk_strdup("Dana Reyes");
	s->ev.quote = mk_strdup("who signs");
}

static void ingest(const char *deal, struct mk_transcript *t, const char *start, struct mk_findings *f,
		   struct mk_proposals *ps)
{
	struct mk_ingest_result r;
	struct mk_diag dg;

	mk_diag_clear(&dg);
	CHECK(mk_store_ingest(st, deal, t, start, f, ps, &r, &dg) == MK_OK);
	mk_transcript_release(t);
	mk_findings_release(f);
	mk_proposals_release(ps);
}

/* Approves every pending proposal of deal, oldest first. */
static void approve_all(const char *deal, const char *who)
{
	struct mk_proposals ps;
	struct mk_diag dg;

	CHECK(mk_store_pending(st, deal, &ps, &dg) == MK_OK);
	for (size_t i = 0; i < ps.n; i++)
		CHECK(mk_store_decide(st, ps.v[i].id, 1, who, NULL, &dg) == MK_OK);
	mk_proposals_release(&ps);
}

static int64_t item_id(const char *deal, const char *action)
{
	struct mk_plan p;
	struct mk_diag dg;
	int64_t id = 0;

	CHECK(mk_store_plan(st, deal, &p, &dg) == MK_OK);
	for (size_t i = 0; i < p.nitems; i++)
		if (!strcmp(p.items[i].action, action))
			id = p.items[i].id;
	mk_plan_release(&p);
	CHECK(id > 0);
	return id;
}

static void build(void)
{
	struct mk_transcript t;
	struct mk_findings f;
	struct mk_proposals ps;
	struct mk_proposal *p;
	struct mk_diag dg;
	struct mk_deal d;
	const char *deals[] = { "Acme", "Globex", "Empty" };

	for (size_t i = 0; i < 3; i++) {
		memset(&d, 0, sizeof d);
		d.name = (char *)deals[i];
		d.sellers = (char *)"Sam Patel";
		CHECK(mk_store_deal_add(st, &d, &dg) == MK_OK);
	}

	/* Acme, call 1 */
	call_init(&t, "/calls/acme-1.vtt");
	utt_add(&t, "Dana Reyes", 1000, "We can't sign until the security review is done.");
	utt_add(&t, "Sam Patel", 5000, "I'll send the SOC 2 report by Friday.");
	utt_add(&t, "Priya Shah", 9000, "Budget is tight this quarter, I need the approval memo.");
	mk_findings_init(&f);
	mk_proposals_init(&ps);
	stakeholder(&f, &ps, "s1", "Priya Shah", "CFO");
	stakeholder(&f, &ps, "s2", "Omar Li", "procurement");
	stakeholder(&f, &ps, "s3", NULL, "legal");
	prop_item(&ps, "a1", "send the SOC 2 report", "Sam Patel", MK_SIDE_SELLER, 2026, 3, 6, 5000,
		  "I'll send the SOC 2 report by Friday.");
	prop_item(&ps, "a2", "finish the security review", "Dana Reyes", MK_SIDE_BUYER, 2026, 3, 10, 1000,
		  "We can't sign until the security review is done.");
	prop_item(&ps, "a3", "share the budget approval", "Priya Shah", MK_SIDE_BUYER, 0, 0, 0, 9000,
		  "Budget is tight this quarter, I need the approval memo.");
	p = prop(&ps, MK_PROP_ADD_RISK, "a4", "Priya Shah", 9000, "Budget is tight this quarter");
	p->category = mk_strdup("budget");
	p->text = mk_strdup("Budget is tight this quarter");
	ingest("Acme", &t, "2026-03-03", &f, &ps);
	approve_all("Acme", "lead");
	item_soc2 = item_id("Acme", "send the SOC 2 report");
	item_review = item_id("Acme", "finish the security review");
	item_budget = item_id("Acme", "share the budget approval");

	/* Acme, call 2: the review slips, the report is sent; Omar speaks as "omar" */
	call_init(&t, "/calls/acme-2.vtt");
	utt_add(&t, "Dana Reyes", 2000, "The security review slips to March 20.");
	utt_add(&t, "Sam Patel", 62000, "The SOC 2 report went out yesterday.");
	utt_add(&t, "omar", 125000, "Procurement is ready when you are.");
	mk_findings_init(&f);
	mk_proposals_init(&ps);
	p = prop(&ps, MK_PROP_UPDATE_DUE, "b1", "Dana Reyes", 2000, "The security review slips to March 20.");
	p->item_id = item_review;
	p->action = mk_strdup("finish the security review");
	p->has_due = 1;
	p->due = (struct mk_date){ 2026, 3, 20 };
	p->has_old_due = 1;
	p->old_due = (struct mk_date){ 2026, 3, 10 };
	p = prop(&ps, MK_PROP_MARK_DONE, "b2", "Sam Patel", 62000, "The SOC 2 report went out yesterday.");
	p->item_id = item_soc2;
	ingest("Acme", &t, "2026-03-10T15:00:00Z", &f, &ps);
	approve_all("Acme", "manager");

	/* Globex */
	call_init(&t, "/calls/globex-1.vtt");
	utt_add(&t, "Leo Grant", 3000, "The budget is approved, I'll send the memo.");
	mk_findings_init(&f);
	mk_proposals_init(&ps);
	prop_item(&ps, "g1", "send the budget memo", "Leo Grant", MK_SIDE_BUYER, 2026, 3, 1, 3000,
		  "The budget is approved, I'll send the memo.");
	ingest("Globex", &t, "2026-02-20", &f, &ps);
	approve_all("Globex", "lead");
	item_memo = item_id("Globex", "send the budget memo");
}

/* ---- helpers for the checks ---- */

static void query_init(struct mk_query *q)
{
	memset(q, 0, sizeof *q);
	q->side = -1;
	q->status = -1;
	q->as_of = (struct mk_date){ 2026, 3, 15 };
}

/* How many rows q finds; ids holds the first four ids. */
static size_t run(const struct mk_query *q, int64_t ids[4])
{
	struct mk_query_row *rows = NULL;
	struct mk_diag dg;
	size_t n = 0;

	mk_diag_clear(&dg);
	CHECK(mk_store_query(st, q, &rows, &n, &dg) == MK_OK);
	for (size_t i = 0; ids && i < 4; i++)
		ids[i] = i < n ? rows[i].item.id : 0;
	mk_query_rows_free(rows, n);
	return n;
}

/* ---- tests ---- */

static void test_query_filters(void)
{
	struct mk_query q;
	struct mk_query_row *rows = NULL;
	struct mk_diag dg;
	int64_t ids[4];
	size_t n = 0;

	query_init(&q);
	CHECK(run(&q, ids) == 4);
	/* ordered by deal, then due (none last) */
	CHECK(ids[0] == item_soc2 && ids[1] == item_review && ids[2] == item_budget && ids[3] == item_memo);

	q.deal = "Acme";
	CHECK(run(&q, NULL) == 3);
	q.deal = "Empty";
	CHECK(run(&q, NULL) == 0);
	q.deal = "Nobody";
	CHECK(mk_store_query(st, &q, &rows, &n, &dg) == MK_ENOTFOUND && n == 0 && !rows);

	/* owner: full or first name, any case; never a last name or a prefix of a word */
	const char *yes[] = { "Dana Reyes", "dana", "DANA REYES", "  Dana  " };
	const char *no[] = { "Reyes", "Dan", "Dana R", "Dana Reyes Jr" };
	for (size_t i = 0; i < 4; i++) {
		query_init(&q);
		q.owner = yes[i];
		CHECK(run(&q, ids) == 1 && ids[0] == item_review);
		q.owner = no[i];
		CHECK(run(&q, NULL) == 0);
	}

	query_init(&q);
	q.side = MK_SIDE_BUYER;
	CHECK(run(&q, NULL) == 3);
	q.side = MK_SIDE_SELLER;
	CHECK(run(&q, ids) == 1 && ids[0] == item_soc2);

	query_init(&q);
	q.status = MK_STATUS_DONE;
	CHECK(run(&q, ids) == 1 && ids[0] == item_soc2);
	q.status = MK_STATUS_BLOCKED;
	CHECK(run(&q, NULL) == 0);

	/* overdue: open and due before as_of (the review moved to 03-20) */
	query_init(&q);
	q.overdue = 1;
	CHECK(run(&q, ids) == 1 && ids[0] == item_memo);
	q.as_of = (struct mk_date){ 2026, 3, 25 };
	CHECK(run(&q, ids) == 2 && ids[0] == item_review && ids[1] == item_memo);
	q.as_of = (struct mk_date){ 2026, 3, 20 };
	CHECK(run(&q, NULL) == 1); /* due on the day is not late */

	query_init(&q);
	q.slipped = 1;
	CHECK(mk_store_query(st, &q, &rows, &n, &dg) == MK_OK && n == 1);
	if (n == 1) {
		CHECK(rows[0].item.id == item_review);
		CHECK_STR(rows[0].deal, "Acme");
		CHECK_STR(rows[0].item.owner, "Dana Reyes");
		CHECK(rows[0].item.slipped == 1 && rows[0].item.revisions == 1);
		CHECK(rows[0].item.has_due && rows[0].item.due.d == 20 && rows[0].item.side == MK_SIDE_BUYER);
	}
	mk_query_rows_free(rows, n);

	query_init(&q);
	q.has_from = 1;
	q.from = (struct mk_date){ 2026, 3, 5 };
	CHECK(run(&q, NULL) == 2);
	q.has_to = 1;
	q.to = (struct mk_date){ 2026, 3, 19 };
	CHECK(run(&q, ids) == 1 && ids[0] == item_soc2);
	q.has_from = 0;
	CHECK(run(&q, NULL) == 2); /* the memo (03-01) and the report (03-06) */

	query_init(&q);
	q.text = "security REVIEW";
	CHECK(run(&q, ids) == 1 && ids[0] == item_review);
	q.text = "review budget";
	CHECK(run(&q, NULL) == 0);
	q.text = "budget";
	CHECK(run(&q, NULL) == 2);
	q.text = "%";              /* no LIKE wildcards */
	CHECK(run(&q, NULL) == 0);
	q.text = "'; DROP TABLE plan_items; --";
	CHECK(run(&q, NULL) == 0);

	/* every filter at once */
	query_init(&q);
	q.deal = "Acme";
	q.owner = "priya";
	q.side = MK_SIDE_BUYER;
	q.status = MK_STATUS_OPEN;
	q.text = "budget";
	CHECK(run(&q, ids) == 1 && ids[0] == item_budget);
	q.overdue = 1;             /* no due date: never overdue */
	CHECK(run(&q, NULL) == 0);

	query_init(&q);
	q.side = 7;
	CHECK(mk_store_query(st, &q, &rows, &n, &dg) == MK_EARG);
}

static void test_search_said(void)
{
	struct mk_said *v = NULL;
	struct mk_diag dg;
	size_t n = 0;

	CHECK(mk_store_search_said_by(st, NULL, NULL, "budget", 0, &v, &n, &dg) == MK_OK && n == 2);
	mk_said_free(v, n);
	CHECK(mk_store_search_said_by(st, NULL, NULL, "budget", 1, &v, &n, &dg) == MK_OK && n == 1);
	mk_said_free(v, n);
	CHECK(mk_store_search_said_by(st, "Acme", NULL, "BUDGET", 10, &v, &n, &dg) == MK_OK && n == 1);
	if (n == 1) {
		CHECK_STR(v[0].deal, "Acme");
		CHECK_STR(v[0].speaker, "Priya Shah");
		CHECK_STR(v[0].meeting, "acme-1.vtt");
		CHECK_STR(v[0].meeting_start, "2026-03-03");
		CHECK(v[0].start_ms == 9000);
		CHECK(strstr(v[0].text, "Budget is tight"));
	}
	mk_said_free(v, n);
	/* every word must be there; oldest call first */
	CHECK(mk_store_search_said_by(st, "Acme", NULL, "security review", 10, &v, &n, &dg) == MK_OK && n == 2);
	if (n == 2) {
		CHECK_STR(v[0].meeting, "acme-1.vtt");
		CHECK_STR(v[1].meeting, "acme-2.vtt");
	}
	mk_said_free(v, n);
	CHECK(mk_store_search_said_by(st, "Acme", NULL, "security memo", 10, &v, &n, &dg) == MK_OK && n == 0);
	mk_said_free(v, n);
	CHECK(mk_store_search_said_by(st, "Nobody", NULL, "budget", 10, &v, &n, &dg) == MK_ENOTFOUND);
	CHECK(n == 0 && !v);
	CHECK(mk_store_search_said_by(st, NULL, NULL, " !? ", 10, &v, &n, &dg) == MK_EARG);
}

/* The ids of a page, and how many more there are. */
static size_t page(const struct mk_query *q, size_t offset, size_t limit, int64_t ids[4], size_t *more)
{
	struct mk_query_row *rows = NULL;
	struct mk_diag dg;
	size_t n = 0;

	mk_diag_clear(&dg);
	*more = 99;
	CHECK(mk_store_query_page(st, q, offset, limit, &rows, &n, more, &dg) == MK_OK);
	for (size_t i = 0; i < 4; i++)
		ids[i] = i < n ? rows[i].item.id : 0;
	mk_query_rows_free(rows, n);
	return n;
}

static void test_query_page(void)
{
	struct mk_query q;
	struct mk_query_row *rows = NULL;
	struct mk_diag dg;
	int64_t ids[4];
	size_t n = 0, more = 0;

	query_init(&q);
	CHECK(page(&q, 0, 2, ids, &more) == 2 && more == 2);
	CHECK(ids[0] == item_soc2 && ids[1] == item_review);
	CHECK(page(&q, 2, 2, ids, &more) == 2 && more == 0);
	CHECK(ids[0] == item_budget && ids[1] == item_memo);
	CHECK(page(&q, 1, 1, ids, &more) == 1 && more == 2 && ids[0] == item_review);
	CHECK(page(&q, 3, 0, ids, &more) == 1 && more == 0 && ids[0] == item_memo); /* 0: the default */
	CHECK(page(&q, 4, 10, ids, &more) == 0 && more == 0);
	CHECK(page(&q, 99, 10, ids, &more) == 0 && more == 0);
	CHECK(mk_store_query_page(st, &q, 0, 1, &rows, &n, NULL, &dg) == MK_OK && n == 1);
	mk_query_rows_free(rows, n);

	/* filters and pages together; a page's rows carry what mk_store_query's do */
	q.deal = "Acme";
	CHECK(page(&q, 0, 1, ids, &more) == 1 && more == 2 && ids[0] == item_soc2);
	q.deal = NULL;
	q.side = MK_SIDE_BUYER;
	CHECK(page(&q, 1, 1, ids, &more) == 1 && more == 1 && ids[0] == item_budget);
	query_init(&q);
	q.slipped = 1;
	CHECK(mk_store_query_page(st, &q, 0, 5, &rows, &n, &more, &dg) == MK_OK && n == 1 && more == 0);
	if (n == 1) {
		CHECK(rows[0].item.id == item_review && rows[0].item.slipped == 1 && rows[0].item.revisions == 1);
		CHECK_STR(rows[0].deal, "Acme");
		CHECK_STR(rows[0].item.owner, "Dana Reyes");
	}
	mk_query_rows_free(rows, n);
	query_init(&q);
	q.text = "budget";
	CHECK(page(&q, 0, 1, ids, &more) == 1 && more == 1 && ids[0] == item_budget);
	/* LIKE's own characters are plain letters in --text */
	q.text = "_";
	CHECK(page(&q, 0, 5, ids, &more) == 0 && more == 0);
	q.text = "\\";
	CHECK(page(&q, 0, 5, ids, &more) == 0);
	q.text = "s_nd";
	CHECK(page(&q, 0, 5, ids, &more) == 0);
	{
		/* a word longer than LIKE takes is still a word to look for */
		char *w = mk_malloc(60002);

		memset(w, 'a', 60001);
		w[60001] = '\0';
		q.text = w;
		CHECK(page(&q, 0, 5, ids, &more) == 0 && more == 0);
		memcpy(w, "budget", 7);
		q.text = w;
		CHECK(page(&q, 0, 5, ids, &more) == 2);
		free(w);
	}

	query_init(&q);
	q.deal = "Nobody";
	CHECK(mk_store_query_page(st, &q, 0, 5, &rows, &n, &more, &dg) == MK_ENOTFOUND && n == 0 && !rows);
	query_init(&q);
	q.status = 9;
	CHECK(mk_store_query_page(st, &q, 0, 5, &rows, &n, &more, &dg) == MK_EARG);
}

/* How many lines speaker said holding words (deal NULL: every deal); first: the first one's text. */
static size_t said_by(const char *deal, const char *speaker, const char *words, size_t limit,
		      char *first, size_t firstlen)
{
	struct mk_said *v = NULL;
	struct mk_diag dg;
	size_t n = 0;

	mk_diag_clear(&dg);
	CHECK(mk_store_search_said_by(st, deal, speaker, words, limit, &v, &n, &dg) == MK_OK);
	if (first)
		snprintf(first, firstlen, "%s", n ? v[0].text : "");
	mk_said_free(v, n);
	return n;
}

static void test_search_said_by(void)
{
	struct mk_said *v = NULL;
	struct mk_diag dg;
	char first[200];
	size_t n = 0;

	/* full or first name, any case, blanks around ignored; never a last name or a prefix */
	CHECK(said_by(NULL, "Sam", "SOC", 0, first, sizeof first) == 2);
	CHECK(strstr(first, "by Friday") != NULL); /* oldest call first */
	CHECK(said_by(NULL, "sam patel", "soc", 0, NULL, 0) == 2);
	CHECK(said_by(NULL, "  SAM  ", "soc", 0, NULL, 0) == 2);
	CHECK(said_by(NULL, "Patel", "soc", 0, NULL, 0) == 0);
	CHECK(said_by(NULL, "Sa", "soc", 0, NULL, 0) == 0);
	CHECK(said_by(NULL, "Sam Patel Jr", "soc", 0, NULL, 0) == 0);
	CHECK(said_by(NULL, "Dana", "soc", 0, NULL, 0) == 0);
	CHECK(said_by(NULL, "Sam", "SOC", 1, NULL, 0) == 1);
	CHECK(said_by("Acme", "Priya", "budget", 0, first, sizeof first) == 1);
	CHECK(strstr(first, "Budget is tight") != NULL);
	CHECK(said_by("Globex", "Priya", "budget", 0, NULL, 0) == 0);
	CHECK(said_by(NULL, "leo", "budget", 0, NULL, 0) == 1);
	CHECK(said_by(NULL, "Omar", "procurement", 0, NULL, 0) == 1); /* spoke as "omar" */
	CHECK(said_by(NULL, "Omar Li", "procurement", 0, NULL, 0) == 0);
	CHECK(said_by(NULL, "?!", "budget", 0, NULL, 0) == 0);        /* a name with no word */
	CHECK(said_by(NULL, NULL, "budget", 0, NULL, 0) == 2);         /* NULL or blank: anyone */
	CHECK(said_by(NULL, "  ", "budget", 0, NULL, 0) == 2);
	/* the speaker's name is no query syntax either */
	CHECK(said_by(NULL, "\"Sam\" OR x:", "soc", 0, NULL, 0) == 0);
	CHECK(mk_store_search_said_by(st, "Nobody", "Sam", "soc", 0, &v, &n, &dg) == MK_ENOTFOUND && !v);
	CHECK(mk_store_search_said_by(st, NULL, "Sam", " ?! ", 0, &v, &n, &dg) == MK_EARG);
}

/* Every search plan gives the same lines: sorted matches, calls in order, one deal's calls. */
static void test_search_plans(void)
{
	static const char *const words[] = { "budget", "security review", "the", "soc", "secur*", "i'll" };
	static const char *const speakers[] = { NULL, "Sam", "dana reyes", "Priya" };
	static const char *const deals[] = { NULL, "Acme", "Globex" };

	for (size_t w = 0; w < sizeof words / sizeof *words; w++)
		for (size_t p = 0; p < sizeof speakers / sizeof *speakers; p++)
			for (size_t d = 0; d < sizeof deals / sizeof *deals; d++)
				for (size_t limit = 0; limit < 3; limit++) {
					struct mk_said *a = NULL, *b = NULL;
					struct mk_diag dg;
					size_t na = 0, nb = 0;

					store_tune(st, 0, (size_t)-1); /* always sorted */
					CHECK(mk_store_search_said_by(st, deals[d], speakers[p], words[w], limit,
								      &a, &na, &dg) == MK_OK);
					store_tune(st, 0, 1);          /* always call by call */
					CHECK(mk_store_search_said_by(st, deals[d], speakers[p], words[w], limit,
								      &b, &nb, &dg) == MK_OK);
					CHECK(na == nb);
					for (size_t i = 0; i < na && i < nb; i++) {
						CHECK_STR(a[i].text, b[i].text);
						CHECK_STR(a[i].meeting, b[i].meeting);
						CHECK_STR(a[i].deal, b[i].deal);
						CHECK(a[i].start_ms == b[i].start_ms);
					}
					mk_said_free(a, na);
					mk_said_free(b, nb);
				}
	store_tune(st, 0, STORE_SAID_FEW);
}

static void test_history(void)
{
	struct mk_revision *v = NULL;
	struct mk_diag dg;
	size_t n = 0;

	CHECK(mk_store_history(st, "Acme", 0, &v, &n, &dg) == MK_OK);
	CHECK(n == 5); /* three creations, a due change, a status change */
	if (n == 5) {
		for (size_t i = 0; i < 3; i++) {
			CHECK_STR(v[i].field, "created");
			CHECK_STR(v[i].by, "lead");
			CHECK_STR(v[i].meeting, "acme-1.vtt");
			CHECK(v[i].old_value == NULL);
		}
		CHECK(v[0].item_id == item_soc2);
		CHECK_STR(v[0].new_value, "2026-03-06");
		CHECK_STR(v[0].speaker, "Sam Patel");
		CHECK_STR(v[0].quote, "I'll send the SOC 2 report by Friday.");
		CHECK(v[0].start_ms == 5000);
		CHECK(v[2].item_id == item_budget && v[2].new_value == NULL);

		CHECK(v[3].item_id == item_review);
		CHECK_STR(v[3].field, "due");
		CHECK_STR(v[3].old_value, "2026-03-10");
		CHECK_STR(v[3].new_value, "2026-03-20");
		CHECK_STR(v[3].by, "manager");
		CHECK_STR(v[3].meeting, "acme-2.vtt");
		CHECK_STR(v[3].speaker, "Dana Reyes");
		CHECK_STR(v[3].quote, "The security review slips to March 20.");
		CHECK_STR(v[3].action, "finish the security review");
		CHECK(v[3].start_ms == 2000);
		CHECK(v[3].at && strlen(v[3].at) == 20);

		CHECK(v[4].item_id == item_soc2);
		CHECK_STR(v[4].field, "status");
		CHECK_STR(v[4].old_value, "open");
		CHECK_STR(v[4].new_value, "done");
		CHECK(v[4].start_ms == 62000);
		for (size_t i = 1; i < n; i++)
			CHECK(strcmp(v[i - 1].at, v[i].at) <= 0);
	}
	mk_revisions_free(v, n);

	CHECK(mk_store_history(st, NULL, item_review, &v, &n, &dg) == MK_OK && n == 2);
	if (n == 2) {
		CHECK_STR(v[0].field, "created");
		CHECK_STR(v[0].new_value, "2026-03-10");
		CHECK_STR(v[1].field, "due");
		CHECK_STR(v[0].deal, "Acme");
	}
	mk_revisions_free(v, n);
	CHECK(mk_store_history(st, "Acme", item_review, &v, &n, &dg) == MK_OK && n == 2);
	mk_revisions_free(v, n);

	CHECK(mk_store_history(st, "Empty", 0, &v, &n, &dg) == MK_OK && n == 0);
	mk_revisions_free(v, n);
	CHECK(mk_store_history(st, "Globex", item_review, &v, &n, &dg) == MK_ENOTFOUND && n == 0);
	CHECK(mk_store_history(st, NULL, 999999, &v, &n, &dg) == MK_ENOTFOUND);
	CHECK(strstr(dg.msg, "999999") != NULL);
	CHECK(mk_store_history(st, "Nobody", 0, &v, &n, &dg) == MK_ENOTFOUND);
	CHECK(mk_store_history(st, NULL, 0, &v, &n, &dg) == MK_EARG);
}

static void test_health(void)
{
	struct mk_health *v = NULL;
	struct mk_diag dg;
	struct mk_date as_of = { 2026, 3, 25 };
	size_t n = 0;

	CHECK(mk_store_health(st, "Acme", as_of, &v, &n, &dg) == MK_OK && n == 1);
	if (n == 1) {
		CHECK_STR(v[0].deal, "Acme");
		CHECK(v[0].items == 3);
		CHECK(v[0].buyer_items == 2);
		CHECK(v[0].open_items == 2);
		CHECK(v[0].overdue == 1);
		CHECK(v[0].slipped == 1);
		CHECK(v[0].stakeholders_named == 2);  /* a role without a name is not counted */
		CHECK(v[0].stakeholders_met == 2);    /* Priya spoke; Omar spoke as "omar" */
		CHECK(v[0].open_risks == 1);
		CHECK(v[0].days_since_change == 15);  /* the call of 03-10 changed it last */
		CHECK(v[0].pending == 0);
		CHECK(!v[0].has_next_step && !v[0].next_step_action); /* the review (03-20) is past */
		CHECK(!v[0].has_next_meeting);
	}
	mk_health_free(v, n);

	/* the next step: the open item due soonest from as_of on; done (the report, 03-06) and
	 * undated (the budget) items are none; an item due on the day is one */
	CHECK(mk_store_health(st, "Acme", (struct mk_date){ 2026, 3, 5 }, &v, &n, &dg) == MK_OK && n == 1);
	if (n == 1) {
		CHECK(v[0].has_next_step && v[0].next_step.m == 3 && v[0].next_step.d == 20);
		CHECK_STR(v[0].next_step_action, "finish the security review");
	}
	mk_health_free(v, n);
	CHECK(mk_store_health(st, NULL, (struct mk_date){ 2026, 3, 1 }, &v, &n, &dg) == MK_OK && n == 3);
	if (n == 3) {
		CHECK(v[0].has_next_step && v[0].next_step.d == 20);
		CHECK(!v[1].has_next_step && !v[1].next_step_action && v[1].pending == 0);
		CHECK(v[2].has_next_step && v[2].next_step.y == 2026 && v[2].next_step.m == 3 && v[2].next_step.d == 1);
		CHECK_STR(v[2].next_step_action, "send the budget memo");
	}
	mk_health_free(v, n);

	CHECK(mk_store_health(st, NULL, as_of, &v, &n, &dg) == MK_OK && n == 3);
	if (n == 3) {
		CHECK_STR(v[0].deal, "Acme");
		CHECK_STR(v[1].deal, "Empty");
		CHECK(v[1].items == 0 && v[1].days_since_change == -1 && v[1].stakeholders_named == 0);
		CHECK_STR(v[2].deal, "Globex");
		CHECK(v[2].items == 1 && v[2].buyer_items == 1 && v[2].overdue == 1 && v[2].slipped == 0);
		CHECK(v[2].days_since_change == 33);
		CHECK(v[2].open_risks == 0);
	}
	mk_health_free(v, n);

	/* asking about a day before the last change: 0 days, never negative */
	CHECK(mk_store_health(st, "Globex", (struct mk_date){ 2026, 1, 1 }, &v, &n, &dg) == MK_OK && n == 1);
	if (n == 1)
		CHECK(v[0].days_since_change == 0 && v[0].overdue == 0);
	mk_health_free(v, n);

	CHECK(mk_store_health(st, "Nobody", as_of, &v, &n, &dg) == MK_ENOTFOUND && n == 0 && !v);
}

/* The changes of build()'s store: Globex's call (02-20), Acme's first call (03-03: three
 * items and a risk) and second (03-10T15:00Z: a due moved, a status changed), all
 * approved the day the test runs. */
static size_t changes(const char *deal, struct mk_date since, int has_until, struct mk_date until,
		      enum mk_changes_by by, size_t limit, struct mk_change **v)
{
	struct mk_changes_query q;
	struct mk_diag dg;
	size_t n = 0;

	memset(&q, 0, sizeof q);
	q.deal = deal;
	q.since = since;
	q.has_until = has_until;
	q.until = until;
	q.by = by;
	q.limit = limit;
	mk_diag_clear(&dg);
	CHECK(mk_store_changes(st, &q, v, &n, &dg) == MK_OK);
	return n;
}

/* Today in UTC, as the store writes when things are decided. */
static struct mk_date utc_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	return (struct mk_date){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
}

static void test_changes(void)
{
	const struct mk_date feb1 = { 2026, 2, 1 }, mar3 = { 2026, 3, 3 }, mar5 = { 2026, 3, 5 };
	const struct mk_date mar31 = { 2026, 3, 31 }, none = { 0, 0, 0 };
	struct mk_change *v = NULL;
	struct mk_changes_query q;
	struct mk_transcript t;
	struct mk_findings f;
	struct mk_proposals ps;
	struct mk_proposal *p;
	struct mk_diag dg;
	size_t n;

	/* by meeting: from 03-05, the second call's two revisions, in the order written */
	n = changes(NULL, mar5, 0, none, MK_CHANGES_BY_MEETING, 0, &v);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(v[0].deal, "Acme");
		CHECK(v[0].item_id == item_review);
		CHECK_STR(v[0].action, "finish the security review");
		CHECK_STR(v[0].field, "due");
		CHECK_STR(v[0].old_value, "2026-03-10");
		CHECK_STR(v[0].new_value, "2026-03-20");
		CHECK_STR(v[0].by, "manager");
		CHECK_STR(v[0].meeting, "acme-2.vtt");
		CHECK_STR(v[0].meeting_start, "2026-03-10T15:00:00Z");
		CHECK_STR(v[0].speaker, "Dana Reyes");
		CHECK(v[0].start_ms == 2000);
		CHECK_STR(v[0].quote, "The security review slips to March 20.");
		CHECK(v[0].at && strlen(v[0].at) == 20);
		CHECK(v[1].item_id == item_soc2);
		CHECK_STR(v[1].field, "status");
		CHECK_STR(v[1].old_value, "open");
		CHECK_STR(v[1].new_value, "done");
	}
	mk_changes_free(v, n);

	/* from 02-01: Globex's call first, then Acme's first call (items, then the stakeholders
	 * and the risk approved from it) */
	n = changes(NULL, feb1, 0, none, MK_CHANGES_BY_MEETING, 0, &v);
	CHECK(n == 10);
	if (n == 10) {
		CHECK_STR(v[0].deal, "Globex");
		CHECK(v[0].item_id == item_memo);
		CHECK_STR(v[0].field, "added");
		CHECK_STR(v[0].new_value, "2026-03-01");
		CHECK_STR(v[0].by, "lead");
		CHECK_STR(v[0].meeting, "globex-1.vtt");
		CHECK(v[1].item_id == item_soc2 && v[2].item_id == item_review && v[3].item_id == item_budget);
		CHECK(v[3].new_value == NULL); /* added with no due date */
		CHECK_STR(v[4].field, "stakeholder");
		CHECK_STR(v[4].new_value, "Priya Shah (CFO)");
		CHECK_STR(v[6].new_value, "legal"); /* a role alone */
		CHECK_STR(v[7].field, "risk");
		CHECK(v[7].item_id == 0 && v[7].action == NULL);
		CHECK_STR(v[7].new_value, "budget: Budget is tight this quarter");
		CHECK_STR(v[7].speaker, "Priya Shah");
		CHECK_STR(v[8].field, "due");
		CHECK_STR(v[9].field, "status");
	}
	mk_changes_free(v, n);

	/* --until is inclusive; a deal; a limit keeps the oldest */
	CHECK(changes(NULL, feb1, 1, mar3, MK_CHANGES_BY_MEETING, 0, &v) == 8);
	mk_changes_free(v, 8);
	n = changes("Globex", feb1, 0, none, MK_CHANGES_BY_MEETING, 0, &v);
	CHECK(n == 1 && !strcmp(v[0].deal, "Globex"));
	mk_changes_free(v, n);
	CHECK(changes("Empty", feb1, 0, none, MK_CHANGES_BY_MEETING, 0, &v) == 0 && !v);
	n = changes(NULL, feb1, 0, none, MK_CHANGES_BY_MEETING, 2, &v);
	CHECK(n == 2 && !strcmp(v[0].deal, "Globex") && v[1].item_id == item_soc2);
	mk_changes_free(v, n);

	/* by decision: everything was decided today, nothing in March */
	CHECK(changes(NULL, utc_today(), 0, none, MK_CHANGES_BY_DECISION, 0, &v) == 10);
	mk_changes_free(v, 10);
	CHECK(changes(NULL, feb1, 1, mar31, MK_CHANGES_BY_DECISION, 0, &v) == 0);
	CHECK(changes("Acme", utc_today(), 0, none, MK_CHANGES_BY_DECISION, 0, &v) == 9);
	mk_changes_free(v, 9);

	/* a call with no start: its changes are dated by their decision, by meeting too. One
	 * proposal approved (the memo is done), one rejected, one left pending: only the first
	 * is a change. */
	call_init(&t, "/calls/globex-undated.vtt");
	utt_add(&t, "Leo Grant", 1000, "The memo went out, and we will add a pilot.");
	mk_findings_init(&f);
	mk_proposals_init(&ps);
	p = prop(&ps, MK_PROP_MARK_DONE, "u1", "Leo Grant", 1000, "The memo went out.");
	p->item_id = item_memo;
	prop_item(&ps, "u2", "run a pilot", "Leo Grant", MK_SIDE_BUYER, 2026, 4, 1, 1000, "we will add a pilot");
	p = prop(&ps, MK_PROP_ADD_RISK, "u3", "Leo Grant", 1000, "a pilot first");
	p->category = mk_strdup("timeline");
	p->text = mk_strdup("a pilot first");
	ingest("Globex", &t, NULL, &f, &ps);
	CHECK(mk_store_pending(st, "Globex", &ps, &dg) == MK_OK && ps.n == 3);
	if (ps.n == 3) {
		CHECK(mk_store_decide(st, ps.v[0].id, 1, "leo", NULL, &dg) == MK_OK);
		CHECK(mk_store_decide(st, ps.v[2].id, 0, "leo", "not a risk", &dg) == MK_OK);
	}
	mk_proposals_release(&ps);
	n = changes("Globex", utc_today(), 0, none, MK_CHANGES_BY_MEETING, 0, &v);
	CHECK(n == 1);
	if (n == 1) {
		CHECK(v[0].item_id == item_memo);
		CHECK_STR(v[0].field, "status");
		CHECK_STR(v[0].new_value, "done");
		CHECK_STR(v[0].by, "leo");
		CHECK_STR(v[0].meeting, "globex-undated.vtt");
		CHECK(v[0].meeting_start == NULL);
		CHECK_STR(v[0].quote, "The memo went out.");
	}
	mk_changes_free(v, n);
	CHECK(changes("Globex", feb1, 1, mar31, MK_CHANGES_BY_MEETING, 0, &v) == 1); /* the first call only */
	mk_changes_free(v, 1);

	/* the deal's pending count follows: one waits */
	{
		struct mk_health *h = NULL;
		size_t nh = 0;

		CHECK(mk_store_health(st, "Globex", mar5, &h, &nh, &dg) == MK_OK && nh == 1);
		if (nh == 1)
			CHECK(h[0].pending == 1 && !h[0].has_next_step); /* the memo is done */
		mk_health_free(h, nh);
	}

	/* errors */
	memset(&q, 0, sizeof q);
	q.since = mar5;
	q.deal = "Nobody";
	CHECK(mk_store_changes(st, &q, &v, &n, &dg) == MK_ENOTFOUND && !v && n == 0);
	q.deal = NULL;
	q.has_until = 1;
	q.until = mar3;
	CHECK(mk_store_changes(st, &q, &v, &n, &dg) == MK_EARG && !v && n == 0);
	q.has_until = 0;
	q.by = (enum mk_changes_by)7;
	CHECK(mk_store_changes(st, &q, &v, &n, &dg) == MK_EARG);
}

int main(void)
{
	struct mk_diag dg;
	char *wal, *shm;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/mk-query-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	db_path = mk_sprintf("%s/q.db", tmpdir);
	mk_diag_clear(&dg);
	if (mk_store_open(&st, db_path, &dg) != MK_OK) {
		printf("#   open: %s\n", dg.msg);
		return 1;
	}
	RUN(build);
	RUN(test_query_filters);
	RUN(test_search_said);
	RUN(test_query_page);
	RUN(test_search_said_by);
	RUN(test_search_plans);
	RUN(test_history);
	RUN(test_health);
	RUN(test_changes);
	mk_store_close(st);

	wal = mk_sprintf("%s-wal", db_path);
	shm = mk_sprintf("%s-shm", db_path);
	unlink(db_path);
	unlink(wal);
	unlink(shm);
	rmdir(tmpdir);
	free(wal);
	free(shm);
	free(db_path);
	return tap_done();
}
