/*
 * test_pipeline.c: ingesting calls as a library feature (pipeline/), on hand-written
 * transcripts and a temporary SQLite store: the negative ids of pending additions (news
 * about an item still waiting for review is tied to its add_item, and approving both puts
 * one updated item on the plan), the same transcript twice, mk_call_extract on 4 threads
 * against one, how a call is dated (none, a bad date, today, the file's own), and
 * mk_calls_ingest's order, failures alone and sameness on 1 and 3 threads.
 */
#include "mapkeeper.h"
#include "tap.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A promise, then, a week later, news that it slipped. */
static const char call_1[] =
	"[00:00:01] Maya Brooks: Thanks for joining, let's go through next steps.\n"
	"[00:00:05] Nina Patel: I'll send you the ticket export by Friday.\n"
	"[00:00:10] Maya Brooks: Great, thank you.\n";
static const char call_2[] =
	"[00:00:01] Maya Brooks: Quick check-in on the plan.\n"
	"[00:00:05] Nina Patel: The ticket export slipped, sorry. I'll send it over Monday, for real.\n"
	"[00:00:10] Maya Brooks: Understood.\n";
/* Some of everything: commitments, a stakeholder, risks, updates, dates. */
static const char call_3[] =
	"[00:00:01] Maya Brooks: Thanks everyone. Where are we on the security review?\n"
	"[00:00:06] Leo Grant: Our CFO, Farah Khan, signs anything over fifty thousand.\n"
	"[00:00:12] Leo Grant: We can't sign until the security review is done, and budget is tight this quarter.\n"
	"[00:00:18] Maya Brooks: I'll send the SOC 2 report by Friday.\n"
	"[00:00:24] Nina Patel: I'll set up a call with our IT team next Tuesday.\n"
	"[00:00:30] Leo Grant: We're also looking at Zendesk as an option.\n"
	"[00:00:36] Nina Patel: The pricing sheet is done, I sent it this morning.\n";

static char tmpdir[64];
static struct mk_rules *rules;

static char *tmp_path(const char *name)
{
	size_t n = strlen(tmpdir) + strlen(name) + 2;
	char *p = malloc(n);
	if (!p)
		abort();
	snprintf(p, n, "%s/%s", tmpdir, name);
	return p;
}

static void tmp_write(const char *name, const char *text)
{
	char *p = tmp_path(name);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	free(p);
}

/* Every file the tests make in tmpdir (a database with what SQLite keeps beside it). */
static const char *const tmp_files[] = {
	"pending.db", "batch1.db", "batch3.db", "one-2026-03-03.txt", "broken.vtt",
	"one-copy-2026-03-03.txt", "two-2026-03-10.txt", "undated.txt",
};

static void tmp_cleanup(void)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < sizeof tmp_files / sizeof *tmp_files; i++)
		for (size_t k = 0; k < sizeof suffixes / sizeof *suffixes; k++) {
			char name[64];
			char *p;
			snprintf(name, sizeof name, "%s%s", tmp_files[i], suffixes[k]);
			p = tmp_path(name);
			unlink(p);
			free(p);
		}
	if (rmdir(tmpdir))
		printf("# %s is not empty\n", tmpdir);
}

static void parse(struct mk_transcript *t, const char *path, const char *text)
{
	struct mk_diag diag;
	mk_transcript_init(t);
	CHECK(mk_transcript_parse(t, path, text, strlen(text), &diag) == MK_OK);
}

/* A fresh store (file name) with deal N sold by Maya Brooks. */
static struct mk_store *store_with_deal(const char *name, struct mk_deal *deal)
{
	struct mk_store *st = NULL;
	struct mk_diag diag;
	char *p = tmp_path(name);
	memset(deal, 0, sizeof *deal);
	deal->name = "N";
	deal->sellers = "Maya Brooks";
	CHECK(mk_store_open(&st, p, &diag) == MK_OK);
	CHECK(st && mk_store_deal_add(st, deal, &diag) == MK_OK);
	free(p);
	return st;
}

/* Call 1 proposes an item (pending); call 2's news about it is a proposal on item -P, not
 * a second add_item; the same transcript again changes nothing; approving P and then the
 * news leaves one item on the plan, with the new due date. */
static void test_pending_item_negative_id(void)
{
	struct mk_deal deal;
	struct mk_store *st = store_with_deal("pending.db", &deal);
	struct mk_transcript t1, t2, again;
	struct mk_call_result r;
	struct mk_proposals pend;
	struct mk_proposal got;
	struct mk_plan plan;
	struct mk_diag diag;
	int64_t P = 0, news = 0;
	parse(&t1, "call-1.txt", call_1);
	parse(&t2, "call-2.txt", call_2);
	parse(&again, "call-1-copy.txt", call_1);
	mk_proposals_init(&pend);
	mk_plan_init(&plan);

	CHECK(mk_call_ingest(st, rules, &deal, &t1, "2026-03-03", &r, &diag) == MK_OK);
	CHECK(!r.already && r.ncommitments == 1 && r.res.nproposals == 1);
	CHECK(mk_store_pending(st, "N", &pend, &diag) == MK_OK);
	CHECK(pend.n == 1 && pend.v[0].kind == MK_PROP_ADD_ITEM);
	if (pend.n == 1)
		P = pend.v[0].id;
	mk_proposals_release(&pend);

	CHECK(mk_call_ingest(st, rules, &deal, &t2, "2026-03-10", &r, &diag) == MK_OK);
	CHECK(!r.already && r.res.nproposals == 1);
	mk_proposals_init(&pend);
	CHECK(mk_store_pending(st, "N", &pend, &diag) == MK_OK);
	CHECK(pend.n == 2 && pend.v[0].kind == MK_PROP_ADD_ITEM && pend.v[0].id == P);
	if (pend.n == 2) {
		const struct mk_proposal *p = &pend.v[1];
		news = p->id;
		CHECK(p->kind == MK_PROP_UPDATE_DUE && p->item_id == -P);
		CHECK(p->has_due && p->due.y == 2026 && p->due.m == 3 && p->due.d == 16);
	}
	mk_proposals_release(&pend);
	CHECK(mk_store_proposal_get(st, news, &got, &diag) == MK_OK && got.item_id == -P);
	mk_proposal_release(&got);

	/* the same transcript again, under another name: known before it is even extracted,
	 * nothing changes */
	CHECK(mk_call_ingest(st, rules, &deal, &again, "2026-03-03", &r, &diag) == MK_OK && r.already);
	CHECK(r.ncommitments == 0 && r.res.nproposals == 0);
	mk_proposals_init(&pend);
	CHECK(mk_store_pending(st, "N", &pend, &diag) == MK_OK && pend.n == 2);
	mk_proposals_release(&pend);

	CHECK(mk_store_plan(st, "N", &plan, &diag) == MK_OK && plan.nitems == 0);
	mk_plan_release(&plan);
	CHECK(mk_store_decide(st, P, 1, "test", NULL, &diag) == MK_OK);
	CHECK(mk_store_decide(st, news, 1, "test", NULL, &diag) == MK_OK);
	mk_plan_init(&plan);
	CHECK(mk_store_plan(st, "N", &plan, &diag) == MK_OK && plan.nitems == 1);
	if (plan.nitems == 1) {
		const struct mk_item *it = &plan.items[0];
		CHECK(it->id > 0 && it->slipped && it->revisions == 1);
		CHECK(it->has_due && it->due.y == 2026 && it->due.m == 3 && it->due.d == 16);
		CHECK_STR(it->owner, "Nina Patel");
		CHECK(mk_store_proposal_get(st, news, &got, &diag) == MK_OK && got.item_id == it->id);
		mk_proposal_release(&got);
	}
	mk_plan_release(&plan);
	mk_proposals_init(&pend);
	CHECK(mk_store_pending(st, "N", &pend, &diag) == MK_OK && pend.n == 0);
	mk_proposals_release(&pend);
	mk_transcript_release(&t1);
	mk_transcript_release(&t2);
	mk_transcript_release(&again);
	mk_store_close(st);
}

/* ---- mk_call_extract: no store, many threads ---- */

static void put_ev(FILE *o, const struct mk_evidence *ev)
{
	fprintf(o, " [%lld-%lld %s: %s]\n", (long long)ev->start_ms, (long long)ev->end_ms, ev->speaker, ev->quote);
}

/* Every finding as one text: equal texts, equal findings. */
static char *findings_text(const struct mk_findings *f)
{
	char *s = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&s, &len);
	if (!o)
		abort();
	for (size_t i = 0; i < f->ncommitments; i++) {
		const struct mk_commitment *c = &f->commitments[i];
		fprintf(o, "c %s|%d|%s|%d-%d-%d|%s|%.3f|%s", c->owner ? c->owner : "-", c->side, c->action,
			c->has_due ? c->due.y : 0, c->due.m, c->due.d, c->due_text ? c->due_text : "-", c->confidence,
			c->rule);
		put_ev(o, &c->ev);
	}
	for (size_t i = 0; i < f->nstakeholders; i++) {
		const struct mk_stakeholder *k = &f->stakeholders[i];
		fprintf(o, "s %s|%s|%d", k->name ? k->name : "-", k->role ? k->role : "-", k->side);
		put_ev(o, &k->ev);
	}
	for (size_t i = 0; i < f->nrisks; i++) {
		fprintf(o, "r %s|%s", f->risks[i].category, f->risks[i].text);
		put_ev(o, &f->risks[i].ev);
	}
	for (size_t i = 0; i < f->nupdates; i++) {
		fprintf(o, "u %s|%s|%d", f->updates[i].item, f->updates[i].change, f->updates[i].has_due);
		put_ev(o, &f->updates[i].ev);
	}
	for (size_t i = 0; i < f->ndates; i++)
		fprintf(o, "d %s|%d\n", f->dates[i].text, f->dates[i].has_date);
	for (size_t i = 0; i < f->nspeakers; i++)
		fprintf(o, "p %s|%d|%zu\n", f->speakers[i].name, f->speakers[i].side, f->speakers[i].utterances);
	fclose(o);
	return s;
}

#define NCALLS 3
#define NTHREADS 4
#define ROUNDS 8

/* What one thread extracts: every call ROUNDS times, as its own deal on its own day, so a
 * thread that saw another's date, sellers or findings would get other findings. */
struct extract_job {
	struct mk_deal deal;
	char date[16];
	const struct mk_transcript *t;   /* NCALLS of them */
	char *got[NCALLS * ROUNDS];
	int failed;
};

static char *extract_text(const struct extract_job *j, const struct mk_transcript *t, int *failed)
{
	struct mk_findings f;
	struct mk_call_result r;
	struct mk_diag diag;
	char *s;
	memset(&r, 0, sizeof r);
	mk_findings_init(&f);
	if (mk_call_extract(rules, &j->deal, t, j->date, 0, &f, &r, &diag) != MK_OK)
		*failed = 1;
	s = findings_text(&f);
	mk_findings_release(&f);
	return s;
}

static void *extract_worker(void *arg)
{
	struct extract_job *j = arg;
	for (size_t k = 0; k < NCALLS * ROUNDS; k++)
		j->got[k] = extract_text(j, &j->t[k % NCALLS], &j->failed);
	return NULL;
}

/* mk_call_extract needs no store, and 4 threads at once get what one thread gets. */
static void test_extract_threads(void)
{
	static const char *const sellers[NTHREADS] = { "Maya Brooks", "Leo Grant", "Nina Patel",
							"Maya Brooks, Nina Patel" };
	struct mk_transcript t[NCALLS];
	struct extract_job jobs[NTHREADS];
	pthread_t tid[NTHREADS];
	char *want[NTHREADS][NCALLS];
	int failed = 0;
	parse(&t[0], "a.txt", call_1);
	parse(&t[1], "b.txt", call_2);
	parse(&t[2], "c.txt", call_3);
	for (int k = 0; k < NTHREADS; k++) {
		memset(&jobs[k], 0, sizeof jobs[k]);
		jobs[k].deal.sellers = (char *)sellers[k];
		snprintf(jobs[k].date, sizeof jobs[k].date, "2026-03-%02d", 2 + 3 * k);
		jobs[k].t = t;
		for (int i = 0; i < NCALLS; i++)
			want[k][i] = extract_text(&jobs[k], &t[i], &failed);
	}
	CHECK(!failed && strstr(want[0][2], "c Maya Brooks|2|send the SOC 2 report|2026-3-6") &&
	      strstr(want[0][2], "s Farah Khan|CFO|1") && strstr(want[0][2], "r competition|"));
	CHECK(strcmp(want[0][2], want[1][2]) && strcmp(want[1][2], want[2][2]) && strcmp(want[2][2], want[3][2]));
	for (int k = 0; k < NTHREADS; k++)
		CHECK(pthread_create(&tid[k], NULL, extract_worker, &jobs[k]) == 0);
	for (int k = 0; k < NTHREADS; k++) {
		pthread_join(tid[k], NULL);
		CHECK(!jobs[k].failed);
		for (size_t i = 0; i < NCALLS * ROUNDS; i++) {
			CHECK_STR(jobs[k].got[i], want[k][i % NCALLS]);
			free(jobs[k].got[i]);
		}
		for (int i = 0; i < NCALLS; i++)
			free(want[k][i]);
	}
	for (int i = 0; i < NCALLS; i++)
		mk_transcript_release(&t[i]);
}

/* ---- the meeting's date ---- */

static void test_call_dates(void)
{
	struct mk_deal deal;
	struct mk_transcript t, named;
	struct mk_findings f;
	struct mk_call_result r;
	struct mk_diag diag;
	memset(&deal, 0, sizeof deal);
	deal.sellers = "Maya Brooks";
	parse(&t, "undated.txt", call_1);
	parse(&named, "acme-2026-03-10.txt", call_1);
	mk_findings_init(&f);

	mk_diag_clear(&diag);
	memset(&r, 0, sizeof r);
	CHECK(mk_call_extract(rules, &deal, &t, NULL, 0, &f, &r, &diag) == MK_EARG);
	CHECK(f.ncommitments == 0 && !strchr(diag.msg, '\n'));
	CHECK_STR(diag.msg, "no meeting date in the file or its name (give --date YYYY-MM-DD, or put the "
			    "date in the file name: call-2026-03-10.vtt)");
	CHECK_STR(diag.file, "undated.txt");
	CHECK(mk_call_extract(rules, &deal, &t, NULL, MK_CALL_DATE_FROM_NAME, &f, &r, &diag) == MK_EARG);

	CHECK(mk_call_extract(rules, &deal, &t, "2026-02-30", 0, &f, &r, &diag) == MK_EDATE);
	CHECK(mk_call_extract(rules, &deal, &t, "next friday", 0, &f, &r, &diag) == MK_EDATE);
	CHECK(f.ncommitments == 0);

	/* extract's way: no date is today, and says so */
	CHECK(mk_call_extract(rules, &deal, &t, NULL, MK_CALL_DATE_TODAY, &f, &r, &diag) == MK_OK);
	CHECK_STR(r.source, "today");
	CHECK(f.ncommitments == 1);
	mk_findings_release(&f);

	/* the file's own date: used without --date; wins over it only with from_name */
	mk_findings_init(&f);
	CHECK(mk_call_extract(rules, &deal, &named, NULL, 0, &f, &r, &diag) == MK_OK);
	CHECK_STR(r.source, "file");
	CHECK(r.start && !strncmp(r.start, "2026-03-10", 10));
	mk_findings_release(&f);
	mk_findings_init(&f);
	CHECK(mk_call_extract(rules, &deal, &named, "2026-03-03", 0, &f, &r, &diag) == MK_OK);
	CHECK_STR(r.source, "flag");
	CHECK(f.ncommitments == 1 && f.commitments[0].due.d == 6);      /* Friday after 03-03 */
	mk_findings_release(&f);
	mk_findings_init(&f);
	CHECK(mk_call_extract(rules, &deal, &named, "2026-03-03", MK_CALL_DATE_FROM_NAME, &f, &r, &diag) == MK_OK);
	CHECK_STR(r.source, "file");
	CHECK(f.ncommitments == 1 && f.commitments[0].due.d == 13);     /* Friday after 03-10 */
	mk_findings_release(&f);
	mk_transcript_release(&t);
	mk_transcript_release(&named);
}

/* ---- mk_calls_ingest ---- */

struct seen {
	size_t n, index[8], known[8], proposals[8];
	enum mk_err err[8];
	char *sha[8];
};

static void seen_call(void *ctx, const struct mk_calls_done *c)
{
	struct seen *s = ctx;
	if (s->n >= 8)
		return;
	s->index[s->n] = c->index;
	s->known[s->n] = (size_t)c->known;
	s->err[s->n] = c->err;
	s->proposals[s->n] = c->err ? 0 : c->r->res.nproposals;
	s->sha[s->n] = strdup(c->t->sha256);
	s->n++;
}

/* The pending proposals as text: kind, item (a pending one as -P), action, due. */
static char *pending_text(struct mk_store *st)
{
	struct mk_proposals ps;
	struct mk_diag diag;
	char *s = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&s, &len);
	if (!o)
		abort();
	mk_proposals_init(&ps);
	CHECK(mk_store_pending(st, "N", &ps, &diag) == MK_OK);
	for (size_t i = 0; i < ps.n; i++)
		fprintf(o, "%lld %s %lld %s %d-%d-%d\n", (long long)ps.v[i].id, mk_prop_kind_name(ps.v[i].kind),
			(long long)ps.v[i].item_id, ps.v[i].action ? ps.v[i].action : "-", ps.v[i].due.y,
			ps.v[i].due.m, ps.v[i].due.d);
	mk_proposals_release(&ps);
	fclose(o);
	return s;
}

static char *batch_run(const char *db, unsigned threads, struct seen *seen)
{
	static const char *const names[] = { "one-2026-03-03.txt", "broken.vtt", "one-copy-2026-03-03.txt",
					     "two-2026-03-10.txt", "undated.txt" };
	const char *paths[5];
	struct mk_deal deal;
	struct mk_store *st = store_with_deal(db, &deal);
	struct mk_calls_opts o;
	char *got;
	for (int i = 0; i < 5; i++)
		paths[i] = tmp_path(names[i]);
	memset(&o, 0, sizeof o);
	o.date = "2026-03-17";
	o.flags = MK_CALL_DATE_FROM_NAME;
	o.threads = threads;
	o.done = seen_call;
	o.ctx = seen;
	memset(seen, 0, sizeof *seen);
	CHECK(mk_calls_ingest(st, rules, &deal, paths, 5, &o) == MK_EFORMAT);
	got = pending_text(st);
	for (int i = 0; i < 5; i++)
		free((char *)paths[i]);
	mk_store_close(st);
	return got;
}

/* In the order given, each call told once; a broken file fails alone, the same call twice is
 * stored once, an undated one is dated by the run's date; 3 threads store what 1 does. */
static void test_calls_ingest(void)
{
	struct seen s1, s3;
	char *p1, *p3;
	tmp_write("one-2026-03-03.txt", call_1);
	tmp_write("broken.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:00.500\nMaya Brooks: backwards\n");
	tmp_write("one-copy-2026-03-03.txt", call_1);
	tmp_write("two-2026-03-10.txt", call_2);
	tmp_write("undated.txt", "[00:00:01] Nina Patel: I'll send the signed order form by Friday.\n");
	p1 = batch_run("batch1.db", 1, &s1);
	p3 = batch_run("batch3.db", 3, &s3);
	CHECK(s1.n == 5 && s3.n == 5);
	for (size_t i = 0; i < s3.n && i < 5; i++) {
		CHECK(s3.index[i] == i && s1.index[i] == i);
		CHECK(s3.err[i] == s1.err[i] && s3.known[i] == s1.known[i] && s3.proposals[i] == s1.proposals[i]);
		CHECK_STR(s3.sha[i], s1.sha[i]);
	}
	CHECK(s3.err[0] == MK_OK && s3.proposals[0] == 1);
	CHECK(s3.err[1] == MK_EFORMAT && !s3.sha[1][0]);
	CHECK(s3.err[2] == MK_OK && s3.known[2]);
	CHECK(s3.err[3] == MK_OK && s3.proposals[3] == 1 && s3.err[4] == MK_OK && s3.proposals[4] == 1);
	CHECK(p1 && p3 && !strcmp(p1, p3));
	/* call two's news is about the item call one proposed, still pending (item -1); the
	 * undated call is dated by the run's date (the Friday after 2026-03-17) */
	CHECK_STR(p3, "1 add_item 0 send the ticket export 2026-3-6\n"
		      "2 update_due -1 send the ticket export 2026-3-16\n"
		      "3 add_item 0 send the signed order form 2026-3-20\n");
	for (size_t i = 0; i < 5; i++) {
		free(s1.sha[i]);
		free(s3.sha[i]);
	}
	free(p1);
	free(p3);
}

int main(void)
{
	struct mk_diag diag;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/mk-pipeline-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		printf("not ok 1 - mkdtemp\n");
		return 1;
	}
	if (mk_rules_load(&rules, "rules", &diag) != MK_OK) {
		printf("not ok 1 - rules: %s\n", diag.msg);
		tmp_cleanup();
		return 1;
	}
	RUN(test_pending_item_negative_id);
	RUN(test_extract_threads);
	RUN(test_call_dates);
	RUN(test_calls_ingest);
	mk_rules_free(rules);
	tmp_cleanup();
	return tap_done();
}
