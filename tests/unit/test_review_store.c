/*
 * test_review_store.c: the store calls of the review page: the lines of a call around a
 * proposal's quote (mk_store_proposal_context: the quoted run marked, N lines each side,
 * clipped at the call's ends, none for a proposal with no call, not found for no proposal)
 * and a rep's edits of a stakeholder or risk proposal (mk_store_edit_finding: the fields
 * of its kind only, a known category, nothing empty, only while pending, each change
 * recorded with who made it). One database in a mkdtemp() folder removed at the end.
 */
#include "mapkeeper.h"
#include "util/util.h"
#include "tap.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];
static char *db_path;
static int64_t id_item, id_first, id_person, id_risk, id_bare;

static void utt_add(struct mk_transcript *t, const char *spk, int64_t start, int64_t end, const char *text)
{
	t->utt = mk_grow(t->utt, &t->cap, t->n + 1, sizeof *t->utt);
	t->utt[t->n].speaker = mk_strdup(spk);
	t->utt[t->n].text = mk_strdup(text);
	t->utt[t->n].start_ms = start;
	t->utt[t->n].end_ms = end;
	t->utt[t->n].line = (long)t->n + 1;
	t->n++;
}

static struct mk_proposal *prop_add(struct mk_proposals *ps, enum mk_prop_kind kind, const char *key,
				    int64_t start, int64_t end)
{
	struct mk_proposal *p;

	ps->v = mk_grow(ps->v, &ps->cap, ps->n + 1, sizeof *ps->v);
	p = &ps->v[ps->n++];
	memset(p, 0, sizeof *p);
	p->kind = kind;
	p->key = mk_strdup(key);
	p->side = MK_SIDE_BUYER;
	p->confidence = 0.8;
	if (end) {
		p->ev.speaker = mk_strdup("Dana Reyes");
		p->ev.start_ms = start;
		p->ev.end_ms = end;
		p->ev.quote = mk_strdup("a quote");
	}
	return p;
}

static int64_t id_of(struct mk_store *st, const char *key)
{
	struct mk_proposals ps;
	struct mk_diag dg;
	int64_t id = 0;

	CHECK(mk_store_pending(st, "Acme", &ps, &dg) == MK_OK);
	for (size_t i = 0; i < ps.n; i++)
		if (!strcmp(ps.v[i].key, key))
			id = ps.v[i].id;
	mk_proposals_release(&ps);
	return id;
}

/* A call of seven lines, and proposals quoting line 4 (idx 3), lines 1-2 and nothing. */
static void setup(void)
{
	struct mk_store *st = NULL;
	struct mk_transcript t;
	struct mk_proposals ps;
	struct mk_ingest_result r;
	struct mk_diag dg;
	struct mk_deal d;
	struct mk_proposal *p;

	mk_diag_clear(&dg);
	CHECK(mk_store_open(&st, db_path, &dg) == MK_OK);
	if (!st)
		return;
	memset(&d, 0, sizeof d);
	d.name = (char *)"Acme";
	d.sellers = (char *)"Sam Patel";
	CHECK(mk_store_deal_add(st, &d, &dg) == MK_OK);
	mk_transcript_init(&t);
	t.path = mk_strdup("/calls/acme.vtt");
	t.format = MK_FMT_ZOOM_VTT;
	mk_sha256_hex("review store", 12, t.sha256);
	utt_add(&t, "Dana Reyes", 0, 1000, "one");
	utt_add(&t, "Sam Patel", 1000, 2000, "two");
	utt_add(&t, "Dana Reyes", 2000, 3000, "three");
	utt_add(&t, "Dana Reyes", 3000, 4000, "four: the quote");
	utt_add(&t, "Sam Patel", 4000, 5000, "five");
	utt_add(&t, "Dana Reyes", 5000, 6000, "six");
	utt_add(&t, "Sam Patel", 6000, 7000, "seven");
	mk_proposals_init(&ps);
	p = prop_add(&ps, MK_PROP_ADD_ITEM, "k-item", 3000, 4000);
	p->action = mk_strdup("send the report");
	prop_add(&ps, MK_PROP_ADD_ITEM, "k-first", 0, 2000)->action = mk_strdup("say hello");
	p = prop_add(&ps, MK_PROP_ADD_STAKEHOLDER, "k-person", 2000, 3000);
	p->name = mk_strdup("Priya Shah");
	p->role = mk_strdup("CFO");
	p = prop_add(&ps, MK_PROP_ADD_RISK, "k-risk", 5000, 6000);
	p->category = mk_strdup("budget");
	p->text = mk_strdup("no budget this year");
	prop_add(&ps, MK_PROP_ADD_ITEM, "k-bare", 0, 0)->action = mk_strdup("something nobody said");
	CHECK(mk_store_ingest(st, "Acme", &t, "2026-03-03T15:00:00Z", NULL, &ps, &r, &dg) == MK_OK);
	mk_proposals_release(&ps);
	mk_transcript_release(&t);
	id_item = id_of(st, "k-item");
	id_first = id_of(st, "k-first");
	id_person = id_of(st, "k-person");
	id_risk = id_of(st, "k-risk");
	id_bare = id_of(st, "k-bare");
	CHECK(id_item && id_first && id_person && id_risk && id_bare);
	mk_store_close(st);
}

static void test_context(void)
{
	struct mk_store *st = NULL;
	struct mk_context_line *v = NULL;
	struct mk_diag dg;
	size_t n = 0;

	CHECK(mk_store_open(&st, db_path, &dg) == MK_OK);
	if (!st)
		return;
	CHECK(mk_store_proposal_context(st, id_item, 2, &v, &n, &dg) == MK_OK);
	CHECK(n == 5);
	if (n == 5) {
		CHECK_STR(v[0].text, "two");
		CHECK_STR(v[2].text, "four: the quote");
		CHECK_STR(v[2].speaker, "Dana Reyes");
		CHECK(v[2].start_ms == 3000);
		CHECK(!v[0].quote && !v[1].quote && v[2].quote && !v[3].quote && !v[4].quote);
		CHECK_STR(v[4].text, "six");
	}
	mk_context_free(v, n);
	/* a quote of two lines at the call's start: both marked, nothing before them */
	CHECK(mk_store_proposal_context(st, id_first, 3, &v, &n, &dg) == MK_OK);
	CHECK(n == 5 && v[0].quote && v[1].quote && !v[2].quote && !strcmp(v[4].text, "five"));
	mk_context_free(v, n);
	/* 0 lines: the quote alone; more than MK_CONTEXT_MAX: the whole (short) call */
	CHECK(mk_store_proposal_context(st, id_item, 0, &v, &n, &dg) == MK_OK && n == 1 && v[0].quote);
	mk_context_free(v, n);
	CHECK(mk_store_proposal_context(st, id_item, 1000, &v, &n, &dg) == MK_OK && n == 7);
	mk_context_free(v, n);
	/* no words behind it: no lines (not the call's first) */
	CHECK(mk_store_proposal_context(st, id_bare, 2, &v, &n, &dg) == MK_OK && n == 0);
	mk_context_free(v, n);
	CHECK(mk_store_proposal_context(st, 999999, 2, &v, &n, &dg) == MK_ENOTFOUND && !v && n == 0);
	mk_store_close(st);
}

static void test_edit_finding(void)
{
	struct mk_store *st = NULL;
	struct mk_proposal p;
	struct mk_diag dg;

	CHECK(mk_store_open(&st, db_path, &dg) == MK_OK);
	if (!st)
		return;
	CHECK(mk_store_edit_finding(st, id_person, " Priya  Shah-Khan ", "Chief Financial Officer", NULL, NULL, "maya", &dg) ==
	      MK_OK);
	memset(&p, 0, sizeof p);
	CHECK(mk_store_proposal_get(st, id_person, &p, &dg) == MK_OK);
	CHECK_STR(p.name, "Priya  Shah-Khan");
	CHECK_STR(p.role, "Chief Financial Officer");
	mk_proposal_release(&p);
	CHECK(mk_store_edit_finding(st, id_person, NULL, "", NULL, NULL, "maya", &dg) == MK_OK);
	memset(&p, 0, sizeof p);
	CHECK(mk_store_proposal_get(st, id_person, &p, &dg) == MK_OK && p.role == NULL);
	mk_proposal_release(&p);
	CHECK(mk_store_edit_finding(st, id_person, NULL, NULL, "budget", NULL, "maya", &dg) == MK_EARG);
	CHECK(strstr(dg.msg, "name and role"));
	CHECK(mk_store_edit_finding(st, id_person, "  ", NULL, NULL, NULL, "maya", &dg) == MK_EARG);
	CHECK(mk_store_edit_finding(st, id_risk, NULL, NULL, "timeline", "legal takes six weeks", "maya", &dg) == MK_OK);
	memset(&p, 0, sizeof p);
	CHECK(mk_store_proposal_get(st, id_risk, &p, &dg) == MK_OK);
	CHECK_STR(p.category, "timeline");
	CHECK_STR(p.text, "legal takes six weeks");
	mk_proposal_release(&p);
	CHECK(mk_store_edit_finding(st, id_risk, NULL, NULL, "weather", NULL, "maya", &dg) == MK_EARG);
	CHECK(strstr(dg.msg, "not a risk category: \"weather\""));
	CHECK(mk_store_edit_finding(st, id_risk, "Bob", NULL, NULL, NULL, "maya", &dg) == MK_EARG);
	CHECK(mk_store_edit_finding(st, id_risk, NULL, NULL, NULL, "", "maya", &dg) == MK_EARG);
	CHECK(mk_store_edit_finding(st, id_item, "Bob", NULL, NULL, NULL, "maya", &dg) == MK_EARG);
	CHECK(strstr(dg.msg, "an add_item proposal takes owner, due and action"));
	CHECK(mk_store_edit_finding(st, 999999, "Bob", NULL, NULL, NULL, "maya", &dg) == MK_ENOTFOUND);
	CHECK(mk_store_decide(st, id_risk, 0, "maya", NULL, &dg) == MK_OK);
	CHECK(mk_store_edit_finding(st, id_risk, NULL, NULL, "budget", NULL, "maya", &dg) == MK_EARG);
	CHECK(strstr(dg.msg, "already rejected"));
	mk_store_close(st);
	/* each change is a proposal edit, with who made it; the refused ones left none */
	{
		sqlite3 *db = NULL;
		sqlite3_stmt *s = NULL;
		int n = -1;
		if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
		    sqlite3_prepare_v2(db, "SELECT count(*) FROM proposal_edits WHERE \"by\" = 'maya'", -1, &s, NULL) ==
			    SQLITE_OK &&
		    sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
		sqlite3_close(db);
		CHECK(n == 5);
	}
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "%s", "/tmp/mk-review-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	db_path = mk_sprintf("%s/review.db", tmpdir);
	RUN(setup);
	RUN(test_context);
	RUN(test_edit_finding);
	for (const char *const *x = (const char *const[]){ "", "-wal", "-shm", NULL }; *x; x++) {
		char *f = mk_sprintf("%s%s", db_path, *x);
		unlink(f);
		free(f);
	}
	free(db_path);
	rmdir(tmpdir);
	return tap_done();
}
