/*
 * test_store.c: the SQLite store: open and migrate, deals, ingesting a hand-built call
 * (twice), proposals pending, edited, approved, rejected and decided twice, the plan
 * after approvals (slip marks, revision counts), full-text search, news tied to a pending
 * item, people and risks only on approval (and a schema 7 database), and the failures a
 * user meets: a read-only, locked or full database, a file that is not one, one made by
 * a newer mapkeeper. Every file lives in a mkdtemp() folder removed at the end.
 */
#include "mapkeeper.h"
#include "store/db.h"
#include "store/store.h"
#include "util/util.h"
#include "tap.h"

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[64];

static char *tmp_path(const char *name)
{
	return mk_sprintf("%s/%s", tmpdir, name);
}

static void tmp_cleanup(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *p = tmp_path(e->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(tmpdir);
}

/* Reads one integer with a raw connection: what the file really holds. */
static long long raw_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	long long v = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static int raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open(path, &db);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static int has(const char *s, const char *sub)
{
	return s && strstr(s, sub);
}

/* ---- hand-built inputs ---- */

static void utt_add(struct mk_transcript *t, const char *spk, int64_t start, int64_t end,
		    const char *text)
{
	t->utt = mk_grow(t->utt, &t->cap, t->n + 1, sizeof *t->utt);
	t->utt[t->n].speaker = mk_strdup(spk);
	t->utt[t->n].text = mk_strdup(text);
	t->utt[t->n].start_ms = start;
	t->utt[t->n].end_ms = end;
	t->utt[t->n].line = (long)t->n + 1;
	t->n++;
}

static void make_call(struct mk_transcript *t, const char *path, const char *seed)
{
	mk_transcript_init(t);
	t->path = mk_strdup(path);
	t->format = MK_FMT_ZOOM_VTT;
	mk_sha256_hex(seed, strlen(seed), t->sha256);
	utt_add(t, "Dana Reyes", 0, 4200, "We can't sign until the security review is done.");
	utt_add(t, "Sam Patel", 4200, 9100, "I'll send the SOC 2 report by Friday.");
	utt_add(t, "Dana Reyes", 9100, 15000, "Our CFO, Priya Shah, signs anything over fifty thousand.");
}

static struct mk_evidence ev(const char *spk, int64_t start, int64_t end, const char *quote)
{
	struct mk_evidence e;

	memset(&e, 0, sizeof e);
	e.speaker = mk_strdup(spk);
	e.start_ms = start;
	e.end_ms = end;
	e.quote = mk_strdup(quote);
	return e;
}

static void make_findings(struct mk_findings *f)
{
	mk_findings_init(f);
	f->commitments = mk_calloc(1, sizeof *f->commitments);
	f->ncommitments = 1;
	f->commitments[0].owner = mk_strdup("Sam Patel");
	f->commitments[0].side = MK_SIDE_SELLER;
	f->commitments[0].action = mk_strdup("send the SOC 2 report");
	f->commitments[0].has_due = 1;
	f->commitments[0].due = (struct mk_date){ 2026, 3, 6 };
	f->commitments[0].due_text = mk_strdup("by Friday");
	f->commitments[0].confidence = 0.9;
	f->commitments[0].rule = "commit.i_will";
	f->commitments[0].ev = ev("Sam Patel", 4200, 9100, "I'll send the SOC 2 report by Friday.");
	f->stakeholders = mk_calloc(1, sizeof *f->stakeholders);
	f->nstakeholders = 1;
	f->stakeholders[0].name = mk_strdup("Priya Shah");
	f->stakeholders[0].role = mk_strdup("CFO");
	f->stakeholders[0].side = MK_SIDE_BUYER;
	f->stakeholders[0].ev = ev("Dana Reyes", 9100, 15000, "Our CFO, Priya Shah, signs");
	f->risks = mk_calloc(1, sizeof *f->risks);
	f->nrisks = 1;
	f->risks[0].category = "paper_process";
	f->risks[0].text = mk_strdup("can't sign until the security review is done");
	f->risks[0].ev = ev("Dana Reyes", 0, 4200, "We can't sign until the security review is done.");
	f->speakers = mk_calloc(2, sizeof *f->speakers);
	f->nspeakers = 2;
	f->speakers[0].name = mk_strdup("Dana Reyes");
	f->speakers[0].side = MK_SIDE_BUYER;
	f->speakers[0].utterances = 2;
	f->speakers[1].name = mk_strdup("Sam Patel");
	f->speakers[1].side = MK_SIDE_SELLER;
	f->speakers[1].utterances = 1;
	f->updates = mk_calloc(1, sizeof *f->updates);
	f->nupdates = 1;
	f->updates[0].item = mk_strdup("the security review");
	f->updates[0].change = "blocked";
	f->updates[0].rule = "update.blocked";
	f->updates[0].ev = ev("Dana Reyes", 0, 4200, "We can't sign until the security review is done.");
	f->dates = mk_calloc(1, sizeof *f->dates);
	f->ndates = 1;
	f->dates[0].text = mk_strdup("Friday");
	f->dates[0].has_date = 1;
	f->dates[0].value = (struct mk_date){ 2026, 3, 6 };
	f->dates[0].ev = ev("Sam Patel", 4200, 9100, "I'll send the SOC 2 report by Friday.");
}

static struct mk_proposal *prop_add(struct mk_proposals *ps, enum mk_prop_kind kind,
				    const char *key)
{
	struct mk_proposal *p;

	ps->v = mk_grow(ps->v, &ps->cap, ps->n + 1, sizeof *ps->v);
	p = &ps->v[ps->n++];
	memset(p, 0, sizeof *p);
	p->kind = kind;
	p->key = mk_strdup(key);
	p->confidence = 0.8;
	p->ev = ev("Sam Patel", 4200, 9100, "I'll send the SOC 2 report by Friday.");
	return p;
}

static struct mk_proposal *prop_item(struct mk_proposals *ps, const char *key,
				     const char *action, const char *owner, enum mk_side side,
				     int y, int m, int d)
{
	struct mk_proposal *p = prop_add(ps, MK_PROP_ADD_ITEM, key);

	p->action = mk_strdup(action);
	p->owner = owner ? mk_strdup(owner) : NULL;
	p->side = side;
	if (y) {
		p->has_due = 1;
		p->due = (struct mk_date){ y, m, d };
	}
	return p;
}

static struct mk_store *open_ok(const char *path)
{
	struct mk_store *st = NULL;
	struct mk_diag dg;
	enum mk_err err;

	mk_diag_clear(&dg);
	err = mk_store_open(&st, path, &dg);
	if (err)
		printf("#   open %s: %s\n", path, dg.msg);
	CHECK(err == MK_OK && st);
	return st;
}

static void deal_add(struct mk_store *st, const char *name)
{
	struct mk_deal d;
	struct mk_diag dg;

	memset(&d, 0, sizeof d);
	d.name = (char *)name;
	d.sellers = (char *)"Sam Patel,Lee Wong";
	d.seller_org = (char *)"Routewise";
	d.buyer_org = (char *)"Acme";
	CHECK(mk_store_deal_add(st, &d, &dg) == MK_OK);
}

static size_t npending(struct mk_store *st, const char *deal)
{
	struct mk_proposals ps;
	struct mk_diag dg;
	size_t n;

	CHECK(mk_store_pending(st, deal, &ps, &dg) == MK_OK);
	n = ps.n;
	mk_proposals_release(&ps);
	return n;
}

static size_t ndeals(struct mk_store *st)
{
	struct mk_deal *v = NULL;
	struct mk_diag dg;
	size_t n = 0;

	CHECK(mk_store_deal_list(st, &v, &n, &dg) == MK_OK);
	for (size_t i = 0; i < n; i++)
		mk_deal_release(&v[i]);
	free(v);
	return n;
}

/* ---- tests ---- */

static void test_default_path(void)
{
	char *p;

	setenv("MAPKEEPER_DB", "/srv/deals.db", 1);
	p = mk_store_default_path();
	CHECK_STR(p, "/srv/deals.db");
	free(p);
	setenv("MAPKEEPER_DB", "", 1);
	p = mk_store_default_path();
	CHECK_STR(p, "./mapkeeper.db");
	free(p);
	unsetenv("MAPKEEPER_DB");
	p = mk_store_default_path();
	CHECK_STR(p, "./mapkeeper.db");
	free(p);
}

static void test_open_migrate(void)
{
	char *path = tmp_path("open.db");
	struct mk_store *st = open_ok(path);

	CHECK(raw_int(path, "PRAGMA user_version") == db_schema_version);
	CHECK(raw_int(path, "PRAGMA application_id") == 0x4d4b4150);
	CHECK(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE name IN ('deals', 'people',"
		      " 'meetings', 'utterances', 'utterances_fts', 'findings', 'proposals',"
		      " 'plan_items', 'plan_revisions', 'risks')") == 10);
	deal_add(st, "Acme");
	mk_store_close(st);
	CHECK(raw_int(path, "SELECT 1 FROM pragma_journal_mode WHERE journal_mode = 'wal'") == 1);

	/* reopening migrates nothing and keeps the data */
	long long objects = raw_int(path, "SELECT count(*) FROM sqlite_schema");
	st = open_ok(path);
	CHECK(raw_int(path, "PRAGMA user_version") == db_schema_version);
	CHECK(raw_int(path, "SELECT count(*) FROM sqlite_schema") == objects);
	if (st)
		CHECK(ndeals(st) == 1);
	mk_store_close(st);
	free(path);
}

static void test_deals(void)
{
	char *path = tmp_path("deals.db");
	struct mk_store *st = open_ok(path);
	struct mk_deal d, *v = NULL;
	struct mk_diag dg;
	size_t n = 0;

	if (!st)
		goto out;
	deal_add(st, "Northwind");
	deal_add(st, "Acme");
	CHECK(mk_store_deal_get(st, "Acme", &d, &dg) == MK_OK);
	CHECK(d.id > 0);
	CHECK_STR(d.name, "Acme");
	CHECK_STR(d.sellers, "Sam Patel,Lee Wong");
	CHECK_STR(d.seller_org, "Routewise");
	CHECK(d.seller_domain == NULL);
	CHECK(d.created_at && strlen(d.created_at) == 20 && d.created_at[19] == 'Z');
	mk_deal_release(&d);

	CHECK(mk_store_deal_list(st, &v, &n, &dg) == MK_OK);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(v[0].name, "Acme");
		CHECK_STR(v[1].name, "Northwind");
	}
	for (size_t i = 0; i < n; i++)
		mk_deal_release(&v[i]);
	free(v);

	memset(&d, 0, sizeof d);
	d.name = (char *)"Acme";
	mk_diag_clear(&dg);
	CHECK(mk_store_deal_add(st, &d, &dg) == MK_EARG);
	CHECK(has(dg.msg, "a deal named \"Acme\" exists already"));
	CHECK_STR(dg.file, path);
	d.name = (char *)"";
	CHECK(mk_store_deal_add(st, &d, &dg) == MK_EARG);

	CHECK(mk_store_deal_get(st, "Nobody", &d, &dg) == MK_ENOTFOUND);
	CHECK(has(dg.msg, "no such deal \"Nobody\""));
	mk_deal_release(&d);
	CHECK(ndeals(st) == 2);
	mk_store_close(st);
out:
	free(path);
}

/* One database shared by the tests below, in order. */
static char *shared_path;
static int64_t meeting1;

static void test_ingest(void)
{
	struct mk_store *st = open_ok(shared_path);
	struct mk_transcript t;
	struct mk_findings f;
	struct mk_proposals ps;
	struct mk_ingest_result r;
	struct mk_diag dg;
	struct mk_plan plan;
	int known = 1;

	if (!st)
		return;
	deal_add(st, "Acme");
	deal_add(st, "Other");
	make_call(&t, "/calls/acme/GMT20260303-150000_Recording.vtt", "call one");
	make_findings(&f);
	mk_proposals_init(&ps);
	prop_item(&ps, "k-soc2", "send the SOC 2 report", "Sam Patel", MK_SIDE_SELLER, 2026, 3, 6);
	prop_item(&ps, "k-review", "finish the security review", "Dana Reyes", MK_SIDE_BUYER,
		  0, 0, 0);
	struct mk_proposal *p = prop_add(&ps, MK_PROP_ADD_STAKEHOLDER, "k-priya");
	p->name = mk_strdup("Priya Shah");
	p->role = mk_strdup("CFO");
	p->side = MK_SIDE_BUYER;
	p = prop_add(&ps, MK_PROP_ADD_RISK, "k-risk");
	p->category = mk_strdup("paper_process");
	p->text = mk_strdup("can't sign until the security review is done");
	prop_item(&ps, "k-soc2", "send the SOC 2 report again", NULL, MK_SIDE_SELLER, 0, 0, 0);

	CHECK(mk_store_meeting_known(st, t.sha256, &known, &dg) == MK_OK && known == 0);
	CHECK(mk_store_ingest(st, "Acme", &t, "2026-03-03T15:00:00Z", &f, &ps, &r, &dg) == MK_OK);
	CHECK(r.meeting_id > 0 && !r.already);
	CHECK(r.nproposals == 4); /* the second k-soc2 is skipped */
	meeting1 = r.meeting_id;
	CHECK(mk_store_meeting_known(st, t.sha256, &known, &dg) == MK_OK && known == 1);
	CHECK(npending(st, "Acme") == 4);
	CHECK(npending(st, "Other") == 0);

	/* the same transcript again: nothing changes */
	CHECK(mk_store_ingest(st, "Acme", &t, NULL, &f, &ps, &r, &dg) == MK_OK);
	CHECK(r.already == 1 && r.meeting_id == meeting1 && r.nproposals == 0);
	CHECK(npending(st, NULL) == 4);
	CHECK(raw_int(shared_path, "SELECT count(*) FROM meetings") == 1);
	CHECK(raw_int(shared_path, "SELECT count(*) FROM utterances") == 3);
	CHECK(raw_int(shared_path, "SELECT count(*) FROM findings") == 7);
	CHECK(raw_int(shared_path, "SELECT count FROM findings WHERE kind = 'speaker'"
		      " AND name = 'Dana Reyes' AND side = 'buyer'") == 2);
	CHECK(raw_int(shared_path, "SELECT count(*) FROM findings WHERE kind = 'commitment'"
		      " AND due = '2026-03-06' AND owner = 'Sam Patel' AND start_ms = 4200") == 1);
	CHECK(raw_int(shared_path, "SELECT count(*) FROM findings WHERE kind = 'update'"
		      " AND change = 'blocked' AND action = 'the security review'") == 1);
	CHECK(raw_int(shared_path, "SELECT count(*) FROM findings WHERE kind = 'date'"
		      " AND due = '2026-03-06' AND text = 'Friday'") == 1);

	/* evidence times stay milliseconds */
	CHECK(raw_int(shared_path, "SELECT end_ms FROM utterances WHERE idx = 1") == 9100);
	CHECK(raw_int(shared_path, "SELECT ev_start_ms FROM proposals WHERE key = 'k-soc2'") == 4200);

	/* another call: a key seen before is skipped, a new one stored */
	mk_transcript_release(&t);
	make_call(&t, "call-two.vtt", "call two");
	mk_proposals_release(&ps);
	mk_proposals_init(&ps);
	prop_item(&ps, "k-soc2", "send the SOC 2 report", "Sam Patel", MK_SIDE_SELLER, 2026, 3, 6);
	prop_item(&ps, "k-msa", "send the MSA redlines", "Lee Wong", MK_SIDE_SELLER, 2026, 3, 10);
	CHECK(mk_store_ingest(st, "Acme", &t, NULL, &f, &ps, &r, &dg) == MK_OK);
	CHECK(!r.already && r.meeting_id > meeting1 && r.nproposals == 1);
	CHECK(npending(st, "Acme") == 5);

	/* the people and risks the calls named: on the plan only once approved (test_review) */
	CHECK(mk_store_plan(st, "Acme", &plan, &dg) == MK_OK);
	CHECK(plan.nitems == 0);
	CHECK(plan.npeople == 0 && plan.nrisks == 0);
	mk_plan_release(&plan);
	CHECK(raw_int(shared_path, "SELECT count(*) FROM people") == 0);
	CHECK(raw_int(shared_path, "SELECT count(*) FROM risks") == 0);
	CHECK(raw_int(shared_path, "SELECT named + open_risks FROM deal_stats") == 0);

	/* no such deal; a proposal without a key */
	mk_transcript_release(&t);
	make_call(&t, "call-three.vtt", "call three");
	CHECK(mk_store_ingest(st, "Nobody", &t, NULL, NULL, NULL, &r, &dg) == MK_ENOTFOUND);
	free(ps.v[0].key);
	ps.v[0].key = NULL;
	CHECK(mk_store_ingest(st, "Acme", &t, NULL, NULL, &ps, &r, &dg) == MK_EARG);
	CHECK(mk_store_meeting_known(st, t.sha256, &known, &dg) == MK_OK && known == 0);

	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_transcript_release(&t);
	mk_store_close(st);
}

static int64_t pending_id(struct mk_store *st, const char *key)
{
	struct mk_proposals ps;
	struct mk_diag dg;
	int64_t id = 0;

	if (mk_store_pending(st, NULL, &ps, &dg) != MK_OK)
		return 0;
	for (size_t i = 0; i < ps.n; i++)
		if (!strcmp(ps.v[i].key, key))
			id = ps.v[i].id;
	mk_proposals_release(&ps);
	return id;
}

static void test_review(void)
{
	struct mk_store *st = open_ok(shared_path);
	struct mk_proposals ps;
	struct mk_proposal p;
	struct mk_diag dg;
	int64_t soc2, review, msa, priya, risk;

	if (!st)
		return;
	CHECK(mk_store_pending(st, "Acme", &ps, &dg) == MK_OK);
	CHECK(ps.n == 5);
	for (size_t i = 1; i < ps.n; i++)
		CHECK(ps.v[i - 1].id < ps.v[i].id); /* oldest first */
	if (ps.n == 5) {
		CHECK_STR(ps.v[0].key, "k-soc2");
		CHECK(ps.v[0].kind == MK_PROP_ADD_ITEM);
		CHECK_STR(ps.v[0].status, "pending");
		CHECK_STR(ps.v[0].meeting, "GMT20260303-150000_Recording.vtt");
		CHECK_STR(ps.v[0].action, "send the SOC 2 report");
		CHECK_STR(ps.v[0].owner, "Sam Patel");
		CHECK(ps.v[0].side == MK_SIDE_SELLER);
		CHECK(ps.v[0].has_due && ps.v[0].due.d == 6 && !ps.v[0].has_old_due);
		CHECK_STR(ps.v[0].ev.speaker, "Sam Patel");
		CHECK_STR(ps.v[0].ev.quote, "I'll send the SOC 2 report by Friday.");
		CHECK(ps.v[0].ev.start_ms == 4200 && ps.v[0].ev.end_ms == 9100);
		CHECK(ps.v[0].confidence > 0.79 && ps.v[0].confidence < 0.81);
		CHECK_STR(ps.v[2].name, "Priya Shah");
		CHECK_STR(ps.v[3].category, "paper_process");
		CHECK_STR(ps.v[4].meeting, "call-two.vtt");
	}
	mk_proposals_release(&ps);
	soc2 = pending_id(st, "k-soc2");
	review = pending_id(st, "k-review");
	msa = pending_id(st, "k-msa");
	priya = pending_id(st, "k-priya");
	risk = pending_id(st, "k-risk");
	CHECK(soc2 && review && msa && priya && risk);

	/* edit: owner, due (set, bad, cleared), action */
	CHECK(mk_store_edit(st, msa, "Lee W.", "2026-03-12", NULL, "sam", &dg) == MK_OK);
	CHECK(mk_store_proposal_get(st, msa, &p, &dg) == MK_OK);
	CHECK_STR(p.owner, "Lee W.");
	CHECK(p.has_due && p.due.m == 3 && p.due.d == 12);
	CHECK_STR(p.action, "send the MSA redlines");
	mk_proposal_release(&p);
	mk_diag_clear(&dg);
	CHECK(mk_store_edit(st, msa, NULL, "next friday", NULL, "sam", &dg) == MK_EARG);
	CHECK(has(dg.msg, "not a date: \"next friday\""));
	CHECK(mk_store_edit(st, msa, NULL, "", "send the redlined MSA", "sam", &dg) == MK_OK);
	CHECK(mk_store_proposal_get(st, msa, &p, &dg) == MK_OK);
	CHECK(!p.has_due);
	CHECK_STR(p.action, "send the redlined MSA");
	CHECK_STR(p.owner, "Lee W.");
	mk_proposal_release(&p);
	CHECK(raw_int(shared_path, "SELECT count(*) FROM proposal_edits") == 4);
	CHECK(mk_store_edit(st, msa, NULL, NULL, "", "sam", &dg) == MK_EARG);

	/* approve an add_item: the plan has it, the proposal points at it */
	CHECK(mk_store_decide(st, soc2, 1, "sam", NULL, &dg) == MK_OK);
	CHECK(mk_store_proposal_get(st, soc2, &p, &dg) == MK_OK);
	CHECK_STR(p.status, "approved");
	CHECK(p.item_id > 0);
	mk_proposal_release(&p);
	CHECK(raw_int(shared_path, "SELECT count(*) FROM proposals WHERE decided_by = 'sam'"
		      " AND decided_at LIKE '____-__-__T__:__:__Z'") == 1);

	/* decided twice; edited after the decision; missing */
	mk_diag_clear(&dg);
	CHECK(mk_store_decide(st, soc2, 1, "sam", NULL, &dg) == MK_EARG);
	CHECK(has(dg.msg, "already approved"));
	char want[64];
	snprintf(want, sizeof want, "proposal %lld is already approved", (long long)soc2);
	CHECK_STR(dg.msg, want);
	CHECK(mk_store_decide(st, soc2, 0, "sam", "changed my mind", &dg) == MK_EARG);
	CHECK(mk_store_edit(st, soc2, "x", NULL, NULL, "sam", &dg) == MK_EARG);
	CHECK(mk_store_decide(st, 99999, 1, "sam", NULL, &dg) == MK_ENOTFOUND);
	CHECK(has(dg.msg, "no such proposal 99999"));
	CHECK(mk_store_proposal_get(st, 99999, &p, &dg) == MK_ENOTFOUND);
	mk_proposal_release(&p);
	CHECK(mk_store_edit(st, 99999, "x", NULL, NULL, "sam", &dg) == MK_ENOTFOUND);
	CHECK(mk_store_decide(st, review, 1, "", NULL, &dg) == MK_EARG);

	/* reject with a reason */
	CHECK(mk_store_decide(st, review, 0, "sam", "they did it already", &dg) == MK_OK);
	CHECK(mk_store_proposal_get(st, review, &p, &dg) == MK_OK);
	CHECK_STR(p.status, "rejected");
	mk_proposal_release(&p);
	CHECK(raw_int(shared_path, "SELECT count(*) FROM proposals WHERE reason ="
		      " 'they did it already' AND status = 'rejected'") == 1);
	mk_diag_clear(&dg);
	CHECK(mk_store_decide(st, review, 1, "sam", NULL, &dg) == MK_EARG);
	CHECK(has(dg.msg, "is already rejected"));

	/* a person and a risk go on the plan when approved, with the approval */
	CHECK(mk_store_decide(st, priya, 1, "sam", NULL, &dg) == MK_OK);
	CHECK(mk_store_decide(st, risk, 1, "sam", NULL, &dg) == MK_OK);
	CHECK(mk_store_decide(st, msa, 1, "sam", NULL, &dg) == MK_OK);
	CHECK(raw_int(shared_path, "SELECT count(*) FROM people") == 1);
	CHECK(raw_int(shared_path, "SELECT count(*) FROM risks") == 1);
	{
		char *sql = mk_sprintf("SELECT count(*) FROM people WHERE proposal_id = %lld AND first_meeting_id = %lld",
				       (long long)priya, (long long)meeting1);
		CHECK(raw_int(shared_path, sql) == 1);
		free(sql);
		sql = mk_sprintf("SELECT count(*) FROM risks WHERE proposal_id = %lld AND status = 'open'", (long long)risk);
		CHECK(raw_int(shared_path, sql) == 1);
		free(sql);
	}
	{
		struct mk_plan plan;
		CHECK(mk_store_plan(st, "Acme", &plan, &dg) == MK_OK);
		CHECK(plan.npeople == 1 && plan.nrisks == 1);
		if (plan.npeople == 1) {
			CHECK_STR(plan.people[0].name, "Priya Shah");
			CHECK_STR(plan.people[0].role, "CFO");
			CHECK(plan.people[0].side == MK_SIDE_BUYER);
		}
		if (plan.nrisks == 1)
			CHECK_STR(plan.risks[0].category, "paper_process");
		mk_plan_release(&plan);
	}
	CHECK(npending(st, NULL) == 0);
	mk_store_close(st);
}

static void test_plan_after_approvals(void)
{
	struct mk_store *st = open_ok(shared_path);
	struct mk_transcript t;
	struct mk_proposals ps;
	struct mk_proposal *p;
	struct mk_ingest_result r;
	struct mk_plan plan;
	struct mk_diag dg;
	int64_t soc2_item = 0;
	int known = 1;

	if (!st)
		return;
	CHECK(mk_store_plan(st, "Acme", &plan, &dg) == MK_OK);
	CHECK(plan.nitems == 2);
	for (size_t i = 0; i < plan.nitems; i++)
		if (!strcmp(plan.items[i].action, "send the SOC 2 report"))
			soc2_item = plan.items[i].id;
	if (plan.nitems == 2) {
		/* both seller items: the one with a due date first, the other (no date) last */
		CHECK_STR(plan.items[0].action, "send the SOC 2 report");
		CHECK_STR(plan.items[1].action, "send the redlined MSA");
		CHECK(!plan.items[1].has_due);
		CHECK_STR(plan.items[1].owner, "Lee W.");
		CHECK(plan.items[0].status == MK_STATUS_OPEN);
		CHECK(plan.items[0].revisions == 0 && !plan.items[0].slipped);
	}
	mk_plan_release(&plan);
	CHECK(soc2_item > 0);

	/* a third call moves the SOC 2 report, then says it was sent; and adds a buyer item */
	make_call(&t, "call-three.vtt", "call three");
	mk_proposals_init(&ps);
	p = prop_add(&ps, MK_PROP_UPDATE_DUE, "k-soc2-moved");
	p->item_id = soc2_item;
	p->action = mk_strdup("send the SOC 2 report");
	p->has_due = 1;
	p->due = (struct mk_date){ 2026, 3, 13 };
	p->has_old_due = 1;
	p->old_due = (struct mk_date){ 2026, 3, 6 };
	p = prop_add(&ps, MK_PROP_MARK_DONE, "k-soc2-done");
	p->item_id = soc2_item;
	prop_item(&ps, "k-legal", "legal review of the MSA", "Dana Reyes", MK_SIDE_BUYER,
		  2026, 3, 20);
	p = prop_add(&ps, MK_PROP_MARK_BLOCKED, "k-bogus");
	p->item_id = 424242;
	mk_diag_clear(&dg);
	CHECK(mk_store_ingest(st, "Acme", &t, NULL, NULL, &ps, &r, &dg) == MK_EARG);
	CHECK(has(dg.msg, "proposal \"k-bogus\" names plan item 424242, which is not on the plan"));
	CHECK(mk_store_meeting_known(st, t.sha256, &known, &dg) == MK_OK && !known);
	mk_proposal_release(&ps.v[3]);
	ps.n = 3;
	CHECK(mk_store_ingest(st, "Acme", &t, NULL, NULL, &ps, &r, &dg) == MK_OK);
	CHECK(r.nproposals == 3);
	for (size_t i = 0; i < 3; i++)
		CHECK(mk_store_decide(st, pending_id(st, ps.v[i].key), 1, "dana", NULL, &dg) == MK_OK);

	CHECK(mk_store_plan(st, "Acme", &plan, &dg) == MK_OK);
	CHECK(plan.nitems == 3);
	if (plan.nitems == 3) {
		CHECK_STR(plan.items[0].action, "legal review of the MSA"); /* buyer first */
		CHECK(plan.items[0].side == MK_SIDE_BUYER);
		CHECK(plan.items[0].revisions == 0 && !plan.items[0].slipped);
		CHECK(plan.items[1].id == soc2_item);
		CHECK(plan.items[1].has_due && plan.items[1].due.d == 13);
		CHECK(plan.items[1].slipped == 1);
		CHECK(plan.items[1].revisions == 2);
		CHECK(plan.items[1].status == MK_STATUS_DONE);
		CHECK(plan.items[1].updated_at != NULL);
	}
	mk_plan_release(&plan);
	CHECK(raw_int(shared_path, "SELECT count(*) FROM plan_revisions WHERE field = 'due'"
		      " AND old_value = '2026-03-06' AND new_value = '2026-03-13'"
		      " AND \"by\" = 'dana' AND proposal_id IS NOT NULL AND meeting_id IS NOT NULL") == 1);
	CHECK(raw_int(shared_path, "SELECT count(*) FROM plan_revisions WHERE field = 'status'"
		      " AND old_value = 'open' AND new_value = 'done'") == 1);

	CHECK(mk_store_plan(st, "Nobody", &plan, &dg) == MK_ENOTFOUND);
	mk_plan_release(&plan);
	mk_proposals_release(&ps);
	mk_transcript_release(&t);
	mk_store_close(st);
}

static long long health_of(struct mk_store *st, const char *deal, int what)
{
	struct mk_health *v = NULL;
	struct mk_diag dg;
	size_t n = 0;
	long long r = -1;

	if (mk_store_health(st, deal, (struct mk_date){ 2026, 3, 31 }, &v, &n, &dg) == MK_OK && n == 1)
		r = what == 0 ? (long long)v[0].stakeholders_named : what == 1 ? (long long)v[0].stakeholders_met :
		    (long long)v[0].open_risks;
	mk_health_free(v, n);
	return r;
}

static const char *status_of(struct mk_store *st, int64_t id, struct mk_proposal *p)
{
	struct mk_diag dg;

	mk_proposal_release(p);
	if (mk_store_proposal_get(st, id, p, &dg) != MK_OK)
		return "";
	return p->status ? p->status : "";
}

/* News about an item still waiting for review (mapkeeper.h, the plan as it will be): stored
 * tied to its add_item, given back as item -P; approving it approves the item first, in the
 * same transaction; one whose item has no action is refused naming the proposal to edit;
 * rejecting the item withdraws its news. People and risks enter the plan only when
 * approved, a rejected one never, and the counters follow. */
static void test_tied(void)
{
	char *path = tmp_path("tied.db");
	struct mk_store *st = open_ok(path);
	struct mk_transcript t;
	struct mk_proposals ps;
	struct mk_proposal *p, got;
	struct mk_ingest_result r;
	struct mk_plan plan;
	struct mk_diag dg;
	int64_t roi, empty, pricing, priya, omar, risk, done, due, blocked, needs = -1;
	int known = 1;
	char *sql;

	memset(&got, 0, sizeof got);
	if (!st)
		goto out;
	deal_add(st, "Tied");
	deal_add(st, "Else");
	make_call(&t, "tied-1.vtt", "tied one");
	mk_proposals_init(&ps);
	prop_item(&ps, "t-roi", "send the ROI model", "Sam Patel", MK_SIDE_SELLER, 2026, 3, 5);
	prop_item(&ps, "t-empty", "", "Dana Reyes", MK_SIDE_BUYER, 2026, 3, 6);
	prop_item(&ps, "t-pricing", "send the pricing", "Sam Patel", MK_SIDE_SELLER, 0, 0, 0);
	p = prop_add(&ps, MK_PROP_ADD_STAKEHOLDER, "t-priya");
	p->name = mk_strdup("Priya Shah");
	p->role = mk_strdup("CFO");
	p->side = MK_SIDE_BUYER;
	p = prop_add(&ps, MK_PROP_ADD_STAKEHOLDER, "t-omar");
	p->name = mk_strdup("Omar Li");
	p->side = MK_SIDE_BUYER;
	p = prop_add(&ps, MK_PROP_ADD_RISK, "t-risk");
	p->category = mk_strdup("budget");
	p->text = mk_strdup("not in this year's budget");
	CHECK(mk_store_ingest(st, "Tied", &t, "2026-03-03", NULL, &ps, &r, &dg) == MK_OK && r.nproposals == 6);
	mk_proposals_release(&ps);
	mk_transcript_release(&t);
	roi = pending_id(st, "t-roi");
	empty = pending_id(st, "t-empty");
	pricing = pending_id(st, "t-pricing");
	priya = pending_id(st, "t-priya");
	omar = pending_id(st, "t-omar");
	risk = pending_id(st, "t-risk");
	CHECK(roi && empty && pricing && priya && omar && risk);
	CHECK(health_of(st, "Tied", 0) == 0 && health_of(st, "Tied", 2) == 0);

	/* call 2, before any review: news about the three pending items */
	make_call(&t, "tied-2.vtt", "tied two");
	mk_proposals_init(&ps);
	p = prop_add(&ps, MK_PROP_MARK_DONE, "t-done");
	p->item_id = -roi;
	p->action = mk_strdup("send the ROI model");
	p = prop_add(&ps, MK_PROP_UPDATE_DUE, "t-due");
	p->item_id = -empty;
	p->has_due = 1;
	p->due = (struct mk_date){ 2026, 3, 20 };
	p = prop_add(&ps, MK_PROP_MARK_BLOCKED, "t-blocked");
	p->item_id = -pricing;
	p = prop_add(&ps, MK_PROP_MARK_DROPPED, "t-bogus");
	p->item_id = -priya; /* not an add_item */
	mk_diag_clear(&dg);
	CHECK(mk_store_ingest(st, "Tied", &t, "2026-03-10", NULL, &ps, &r, &dg) == MK_EARG);
	CHECK(has(dg.msg, "which is not a pending add_item of the deal"));
	CHECK(mk_store_meeting_known(st, t.sha256, &known, &dg) == MK_OK && !known);
	mk_proposal_release(&ps.v[3]);
	ps.n = 3;
	CHECK(mk_store_ingest(st, "Tied", &t, "2026-03-10", NULL, &ps, &r, &dg) == MK_OK && r.nproposals == 3);
	mk_proposals_release(&ps);
	mk_transcript_release(&t);
	done = pending_id(st, "t-done");
	due = pending_id(st, "t-due");
	blocked = pending_id(st, "t-blocked");
	sql = mk_sprintf("SELECT count(*) FROM proposals WHERE item_id IS NULL AND target_proposal_id = %lld", (long long)roi);
	CHECK(raw_int(path, sql) == 1);
	free(sql);
	CHECK(mk_store_proposal_get(st, done, &got, &dg) == MK_OK && got.item_id == -roi);
	CHECK_STR(got.deal, "Tied");

	/* what cannot be approved as it stands, and why, before anything changes */
	mk_diag_clear(&dg);
	CHECK(mk_store_approve_check(st, done, "Else", &needs, &dg) == MK_EARG && needs == 0);
	CHECK(has(dg.msg, "is of deal \"Tied\", not \"Else\""));
	CHECK(mk_store_approve_check(st, done, "Tied", &needs, &dg) == MK_OK && needs == 0);
	CHECK(mk_store_approve_check(st, done, NULL, NULL, &dg) == MK_OK);
	CHECK(mk_store_approve_check(st, empty, NULL, &needs, &dg) == MK_EARG && needs == empty);
	CHECK(has(dg.msg, "has no action"));
	CHECK(mk_store_approve_check(st, due, NULL, &needs, &dg) == MK_EARG && needs == empty);
	CHECK(has(dg.msg, "would add, which has no action"));
	CHECK(mk_store_approve_check(st, 99999, NULL, &needs, &dg) == MK_ENOTFOUND);
	CHECK(mk_store_decide(st, due, 1, "sam", NULL, &dg) == MK_EARG);
	CHECK_STR(status_of(st, empty, &got), "pending");
	CHECK(raw_int(path, "SELECT count(*) FROM plan_items") == 0);

	/* approving the news approves its item first: one item, done */
	CHECK(mk_store_decide(st, done, 1, "sam", NULL, &dg) == MK_OK);
	CHECK_STR(status_of(st, roi, &got), "approved");
	CHECK(got.item_id > 0);
	{
		int64_t item = got.item_id;
		CHECK_STR(status_of(st, done, &got), "approved");
		CHECK(got.item_id == item);
	}
	CHECK(mk_store_plan(st, "Tied", &plan, &dg) == MK_OK && plan.nitems == 1);
	if (plan.nitems == 1)
		CHECK(plan.items[0].status == MK_STATUS_DONE && plan.items[0].revisions == 1);
	mk_plan_release(&plan);
	CHECK(mk_store_approve_check(st, roi, NULL, &needs, &dg) == MK_EARG && has(dg.msg, "already approved"));

	/* rejecting an item withdraws its news, recorded */
	CHECK(mk_store_decide(st, pricing, 0, "sam", "not ours", &dg) == MK_OK);
	CHECK_STR(status_of(st, blocked, &got), "rejected");
	sql = mk_sprintf("SELECT count(*) FROM proposals WHERE id = %lld AND decided_by = 'sam' AND decided_at IS NOT NULL"
			 " AND reason = 'withdrawn: its item (proposal %lld) was rejected'", (long long)blocked,
			 (long long)pricing);
	CHECK(raw_int(path, sql) == 1);
	free(sql);

	/* given an action, the empty item goes on the plan with its news */
	CHECK(mk_store_edit(st, empty, NULL, NULL, "sign the order form", "sam", &dg) == MK_OK);
	CHECK(mk_store_decide(st, due, 1, "sam", NULL, &dg) == MK_OK);
	CHECK_STR(status_of(st, empty, &got), "approved");
	CHECK(mk_store_plan(st, "Tied", &plan, &dg) == MK_OK && plan.nitems == 2);
	if (plan.nitems == 2) {
		CHECK_STR(plan.items[0].action, "sign the order form");
		CHECK(plan.items[0].due.d == 20 && plan.items[0].slipped);
	}
	CHECK(plan.npeople == 0 && plan.nrisks == 0);
	mk_plan_release(&plan);

	/* people and risks: on the plan when approved; a rejected one never */
	CHECK(mk_store_decide(st, priya, 1, "sam", NULL, &dg) == MK_OK);
	CHECK(mk_store_decide(st, omar, 0, "sam", "not involved", &dg) == MK_OK);
	CHECK(health_of(st, "Tied", 0) == 1 && health_of(st, "Tied", 2) == 0);
	CHECK(mk_store_decide(st, risk, 1, "sam", NULL, &dg) == MK_OK);
	CHECK(health_of(st, "Tied", 0) == 1 && health_of(st, "Tied", 1) == 0 && health_of(st, "Tied", 2) == 1);
	CHECK(mk_store_plan(st, "Tied", &plan, &dg) == MK_OK && plan.npeople == 1 && plan.nrisks == 1);
	if (plan.npeople == 1)
		CHECK_STR(plan.people[0].name, "Priya Shah");
	mk_plan_release(&plan);
	CHECK(raw_int(path, "SELECT count(*) FROM people WHERE name = 'Omar Li'") == 0);
	CHECK(npending(st, "Tied") == 0);
out:
	mk_proposal_release(&got);
	mk_store_close(st);
	free(path);
}

/* A database of schema 7, where a call put the people and risks it named on the plan at
 * ingest: migrating leaves them as they are (they were shown), with no proposal; approving
 * the same risk adds nothing; rejecting the person's proposal still takes the person off. */
static void test_migrate_from_7(void)
{
	char *path = tmp_path("seven.db");
	struct mk_store *st = NULL;
	struct mk_plan plan;
	struct mk_diag dg;
	sqlite3 *db = NULL;
	int rc;

	rc = sqlite3_open(path, &db);
	for (int v = 0; rc == SQLITE_OK && v < 7; v++)
		rc = sqlite3_exec(db, db_migrations[v], NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db,
			"PRAGMA user_version = 7;\n"
			"INSERT INTO deals (id, name, sellers, created_at) VALUES (1, 'Old', 'Sam Patel', '2026-01-01T00:00:00Z');\n"
			"INSERT INTO meetings (id, deal_id, sha256, path, label, format, start, ingested_at)\n"
			"	VALUES (1, 1, 'aaaa', 'old.vtt', 'old.vtt', 'zoom-vtt', '2026-01-05', '2026-01-05T10:00:00Z');\n"
			"INSERT INTO people (deal_id, key, name, role, side, first_meeting_id, created_at)\n"
			"	VALUES (1, 'name:farah khan', 'Farah Khan', 'CFO', 'buyer', 1, '2026-01-05T10:00:00Z');\n"
			"INSERT INTO risks (deal_id, category, text, meeting_id, created_at)\n"
			"	VALUES (1, 'budget', 'no budget', 1, '2026-01-05T10:00:00Z');\n"
			"INSERT INTO proposals (id, deal_id, meeting_id, kind, side, name, role, key, created_at)\n"
			"	VALUES (1, 1, 1, 'add_stakeholder', 'buyer', 'Farah Khan', 'CFO', 'p1', '2026-01-05T10:00:00Z');\n"
			"INSERT INTO proposals (id, deal_id, meeting_id, kind, side, category, text, key, created_at)\n"
			"	VALUES (2, 1, 1, 'add_risk', 'unknown', 'budget', 'no budget', 'p2', '2026-01-05T10:00:00Z');\n",
			NULL, NULL, NULL);
	CHECK(rc == SQLITE_OK);
	sqlite3_close(db);
	st = open_ok(path);
	if (!st)
		goto out;
	CHECK(raw_int(path, "PRAGMA user_version") == db_schema_version);
	CHECK(raw_int(path, "SELECT count(*) FROM people WHERE proposal_id IS NULL") == 1);
	CHECK(mk_store_plan(st, "Old", &plan, &dg) == MK_OK && plan.npeople == 1 && plan.nrisks == 1);
	mk_plan_release(&plan);
	CHECK(health_of(st, "Old", 0) == 1 && health_of(st, "Old", 2) == 1);
	CHECK(mk_store_decide(st, 2, 1, "sam", NULL, &dg) == MK_OK);
	CHECK(raw_int(path, "SELECT count(*) FROM risks") == 1 && health_of(st, "Old", 2) == 1);
	CHECK(mk_store_decide(st, 1, 0, "sam", "left the company", &dg) == MK_OK);
	CHECK(raw_int(path, "SELECT count(*) FROM people") == 0 && health_of(st, "Old", 0) == 0);
	mk_store_close(st);
out:
	free(path);
}

/* How many lines of deal hold words (every one: no limit); the first one's speaker and time. */
static size_t said(struct mk_store *st, const char *deal, const char *words, char *speaker,
		   size_t speakerlen, int64_t *start_ms, enum mk_err want)
{
	struct mk_said *v = NULL;
	struct mk_diag dg;
	size_t n = 0;

	CHECK(mk_store_search_said_by(st, deal, NULL, words, 0, &v, &n, &dg) == want);
	if (speaker)
		snprintf(speaker, speakerlen, "%s", n ? v[0].speaker : "");
	if (start_ms)
		*start_ms = n ? v[0].start_ms : -1;
	mk_said_free(v, n);
	return n;
}

static void test_search(void)
{
	struct mk_store *st = open_ok(shared_path);
	char speaker[64];
	int64_t start_ms = -1;

	if (!st)
		return;
	/* once in each of the three calls */
	CHECK(said(st, "Acme", "security review", speaker, sizeof speaker, &start_ms, MK_OK) == 3);
	CHECK_STR(speaker, "Dana Reyes");
	CHECK(start_ms == 0);
	CHECK(said(st, NULL, "SOC", speaker, sizeof speaker, NULL, MK_OK) == 3);
	CHECK_STR(speaker, "Sam Patel");
	CHECK(said(st, "Acme", "secur* PRIYA", NULL, 0, NULL, MK_OK) == 0); /* both words in one line */
	CHECK(said(st, "Acme", "CFO priya", NULL, 0, NULL, MK_OK) == 3);
	CHECK(said(st, "Acme", "dana", NULL, 0, NULL, MK_OK) == 6); /* the speaker is searched too */
	CHECK(said(st, "Acme", "\"sign AND (NOT", NULL, 0, NULL, MK_OK) == 0);
	CHECK(said(st, "Acme", "can't", NULL, 0, NULL, MK_OK) == 3);
	CHECK(said(st, "Other", "security", NULL, 0, NULL, MK_OK) == 0);
	CHECK(said(st, "Acme", " ?! ", NULL, 0, NULL, MK_EARG) == 0);
	CHECK(said(st, "Nobody", "x", NULL, 0, NULL, MK_ENOTFOUND) == 0);
	mk_store_close(st);
}

static void test_readonly(void)
{
	char *path = tmp_path("ro.db"), *copy = tmp_path("ro-copy.db"), *fresh = tmp_path("ro-new.db");
	struct mk_store *st = open_ok(path), *ro = NULL;
	struct mk_deal d;
	struct mk_plan plan;
	struct mk_diag dg;
	struct mk_transcript t;
	struct mk_ingest_result r;
	int known = 1;

	if (!st)
		goto out;
	deal_add(st, "Acme");
	mk_store_close(st);

	CHECK(store_open_readonly(&ro, path, &dg) == MK_OK);
	if (ro) {
		memset(&d, 0, sizeof d);
		d.name = (char *)"Globex";
		mk_diag_clear(&dg);
		CHECK(mk_store_deal_add(ro, &d, &dg) == MK_EDB);
		CHECK_STR(dg.msg, "cannot write: the database is read-only");
		CHECK_STR(dg.file, path);
		make_call(&t, "ro.vtt", "read-only call");
		CHECK(mk_store_ingest(ro, "Acme", &t, NULL, NULL, NULL, &r, &dg) == MK_EDB);
		CHECK_STR(dg.msg, "cannot write: the database is read-only");
		CHECK(mk_store_meeting_known(ro, t.sha256, &known, &dg) == MK_OK && !known);
		mk_transcript_release(&t);
		CHECK(mk_store_plan(ro, "Acme", &plan, &dg) == MK_OK); /* reading works */
		mk_plan_release(&plan);
		CHECK(ndeals(ro) == 1);
		mk_store_close(ro);
	}
	CHECK(raw_int(path, "SELECT count(*) FROM deals") == 1);

	/* read-only and not yet made: nothing to read, nothing created */
	CHECK(store_open_readonly(&ro, fresh, &dg) == MK_EDB);
	CHECK(has(dg.msg, "cannot open"));
	CHECK(access(fresh, F_OK) != 0);

	/* a file the system will not let us write (unless we are root) */
	char *cmd = mk_sprintf("cp '%s' '%s'", path, copy);
	CHECK(system(cmd) == 0);
	free(cmd);
	CHECK(chmod(copy, 0444) == 0);
	if (access(copy, W_OK) == 0) {
		printf("# skipped the chmod 0444 check: root can write any file\n");
	} else {
		st = open_ok(copy);
		if (st) {
			memset(&d, 0, sizeof d);
			d.name = (char *)"Globex";
			CHECK(mk_store_deal_add(st, &d, &dg) == MK_EDB);
			CHECK_STR(dg.msg, "cannot write: the database is read-only");
			mk_store_close(st);
		}
		CHECK(raw_int(copy, "SELECT count(*) FROM deals") == 1);
	}
	chmod(copy, 0644);
out:
	free(path);
	free(copy);
	free(fresh);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_locked(void)
{
	char *path = tmp_path("locked.db");
	struct mk_store *st = open_ok(path), *st2 = NULL;
	struct mk_transcript t;
	struct mk_ingest_result r;
	struct mk_deal d;
	struct mk_diag dg;
	sqlite3 *other = NULL;
	double t0;
	int known = 1;

	if (!st)
		goto out;
	deal_add(st, "Acme");
	store_set_busy_timeout(st, 50);
	CHECK(sqlite3_open(path, &other) == SQLITE_OK);
	CHECK(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL, NULL) == SQLITE_OK);

	memset(&d, 0, sizeof d);
	d.name = (char *)"Globex";
	t0 = now_s();
	mk_diag_clear(&dg);
	CHECK(mk_store_deal_add(st, &d, &dg) == MK_EDB);
	CHECK_STR(dg.msg, "database is locked (another mapkeeper is writing; try again)");
	CHECK_STR(dg.file, path);
	CHECK(now_s() - t0 < 2.0);

	make_call(&t, "locked.vtt", "locked call");
	CHECK(mk_store_ingest(st, "Acme", &t, NULL, NULL, NULL, &r, &dg) == MK_EDB);
	CHECK(has(dg.msg, "database is locked"));
	CHECK(mk_store_meeting_known(st, t.sha256, &known, &dg) == MK_OK && !known); /* reads go on */

	/* the timeout from the environment, for the command-line tests */
	setenv("MAPKEEPER_BUSY_TIMEOUT", "30", 1);
	CHECK(mk_store_open(&st2, path, &dg) == MK_OK);
	unsetenv("MAPKEEPER_BUSY_TIMEOUT");
	if (st2) {
		t0 = now_s();
		CHECK(mk_store_deal_add(st2, &d, &dg) == MK_EDB);
		CHECK(has(dg.msg, "database is locked"));
		CHECK(now_s() - t0 < 2.0);
		mk_store_close(st2);
	}

	/* the other writer is gone: it works */
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	CHECK(mk_store_ingest(st, "Acme", &t, NULL, NULL, NULL, &r, &dg) == MK_OK);
	CHECK(mk_store_deal_add(st, &d, &dg) == MK_OK);
	mk_transcript_release(&t);
	mk_store_close(st);
out:
	sqlite3_close(other);
	free(path);
}

static void test_not_a_database(void)
{
	char *text = tmp_path("notes.txt"), *other = tmp_path("other.db"),
	     *newer = tmp_path("newer.db");
	const char body[] = "These are my notes about the Acme deal, not a database at all.\n"
			    "They go on for a while so that SQLite reads a whole header.\n";
	struct mk_store *st = NULL;
	struct mk_diag dg;
	char buf[256];
	FILE *fp;
	size_t n;

	fp = fopen(text, "w");
	CHECK(fp != NULL);
	if (fp) {
		fputs(body, fp);
		fclose(fp);
	}
	mk_diag_clear(&dg);
	CHECK(mk_store_open(&st, text, &dg) == MK_EDB && st == NULL);
	CHECK_STR(dg.msg, "not a mapkeeper database");
	CHECK_STR(dg.file, text);
	fp = fopen(text, "r");
	n = fp ? fread(buf, 1, sizeof buf, fp) : 0;
	if (fp)
		fclose(fp);
	CHECK(n == strlen(body) && !memcmp(buf, body, n)); /* left as it was */

	/* a SQLite database of something else */
	CHECK(raw_exec(other, "CREATE TABLE songs (title TEXT)") == SQLITE_OK);
	mk_diag_clear(&dg);
	CHECK(mk_store_open(&st, other, &dg) == MK_EDB);
	CHECK_STR(dg.msg, "not a mapkeeper database");
	CHECK(raw_int(other, "SELECT count(*) FROM sqlite_schema") == 1);

	/* one made by a newer mapkeeper */
	st = open_ok(newer);
	mk_store_close(st);
	st = NULL;
	{
		char *sql = mk_sprintf("PRAGMA user_version = %d", db_schema_version + 1);
		CHECK(raw_exec(newer, sql) == SQLITE_OK);
		free(sql);
	}
	mk_diag_clear(&dg);
	CHECK(mk_store_open(&st, newer, &dg) == MK_EDB && st == NULL);
	{
		char *want = mk_sprintf("made by a newer mapkeeper (schema %d, this one knows %d)",
					db_schema_version + 1, db_schema_version);
		CHECK_STR(dg.msg, want);
		free(want);
	}
	CHECK(raw_int(newer, "PRAGMA user_version") == db_schema_version + 1);

	char line[1200];
	mk_diag_format(&dg, line, sizeof line);
	CHECK(has(line, "newer.db: made by a newer mapkeeper"));
	free(text);
	free(other);
	free(newer);
}

static void test_disk_full(void)
{
	char *path = tmp_path("full.db");
	struct mk_store *st = open_ok(path);
	struct mk_transcript t;
	struct mk_proposals ps;
	struct mk_ingest_result r;
	struct mk_diag dg;
	char text[600];
	int known = 1;

	if (!st)
		goto out;
	deal_add(st, "Acme");
	make_call(&t, "big.vtt", "a long call");
	memset(text, 'a', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	for (int i = 0; i < 400; i++) {
		text[i % 500] = 'b';
		utt_add(&t, "Dana Reyes", i * 1000, i * 1000 + 900, text);
	}
	mk_proposals_init(&ps);
	prop_item(&ps, "k-big", "send the pricing", "Sam Patel", MK_SIDE_SELLER, 2026, 4, 1);

	/* the file may not grow: the ingest fails whole */
	CHECK(store_limit_pages(st, 1, &dg) == MK_OK);
	mk_diag_clear(&dg);
	CHECK(mk_store_ingest(st, "Acme", &t, NULL, NULL, &ps, &r, &dg) == MK_EDB);
	CHECK_STR(dg.msg, "disk is full");
	CHECK_STR(dg.file, path);
	CHECK(r.meeting_id == 0 && r.nproposals == 0);
	CHECK(mk_store_meeting_known(st, t.sha256, &known, &dg) == MK_OK && !known);
	CHECK(npending(st, NULL) == 0);
	CHECK(raw_int(path, "SELECT count(*) FROM utterances") == 0);

	/* room again: the same call goes in whole */
	CHECK(store_limit_pages(st, 1000000, &dg) == MK_OK);
	CHECK(mk_store_ingest(st, "Acme", &t, NULL, NULL, &ps, &r, &dg) == MK_OK);
	CHECK(r.nproposals == 1);
	CHECK(raw_int(path, "SELECT count(*) FROM utterances") == 403);
	mk_proposals_release(&ps);
	mk_transcript_release(&t);
	mk_store_close(st);
out:
	free(path);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "%s", "/tmp/mk-store-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	shared_path = tmp_path("shared.db");
	RUN(test_default_path);
	RUN(test_open_migrate);
	RUN(test_deals);
	RUN(test_ingest);
	RUN(test_review);
	RUN(test_plan_after_approvals);
	RUN(test_search);
	RUN(test_tied);
	RUN(test_migrate_from_7);
	RUN(test_readonly);
	RUN(test_locked);
	RUN(test_not_a_database);
	RUN(test_disk_full);
	free(shared_path);
	tmp_cleanup();
	return tap_done();
}
