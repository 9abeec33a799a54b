/*
 * test_plan_read.c: the store's reads of the whole plan (issue 14) over a small store: one
 * call ingested and approved through the public API, the plan's elements (goal, go-live,
 * criteria, dependencies, next meeting, stances, phases, share links, the buyer's acks and
 * comments, element revisions) written with plain SQL as the store's writers lay them down.
 * Checks mk_store_plan's every new field, mk_store_health's go-live, slack, next meeting,
 * ack and criteria, mk_store_query's no_next_meeting and past_go_live, and the element and
 * buyer rows of mk_store_history and mk_store_changes. The database lives in a mkdtemp()
 * folder removed at the end.
 */
#include "mapkeeper.h"
#include "util/util.h"
#include "tap.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];
static char *db_path;
static struct mk_store *st;
static sqlite3 *raw;            /* a second connection: the writes the store's writers would make */
static int64_t acme, late, bare, undated, meeting;
static int64_t item_review, item_form, item_msa, item_late, item_deck;
static int64_t dep_items, dep_words, crit_gone, person, hand_decision, goal_proposal;

/* ---- building the store ---- */

/* sqlite3_vmprintf's format: %Q quotes a text (NULL: NULL) */
static void sql(const char *fmt, ...)
{
	char *err = NULL, *q;
	va_list ap;

	va_start(ap, fmt);
	q = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	if (sqlite3_exec(raw, q, NULL, NULL, &err) != SQLITE_OK) {
		printf("#   sql: %s: %s\n", err, q);
		CHECK(0);
	}
	sqlite3_free(err);
	sqlite3_free(q);
}

static int64_t last_id(void)
{
	return sqlite3_last_insert_rowid(raw);
}

static int64_t sql_int(const char *q)
{
	sqlite3_stmt *s = NULL;
	int64_t v = -1;

	if (sqlite3_prepare_v2(raw, q, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Acme's call (heard, nothing proposed: Dana Reyes spoke on it) and its plan by hand: three
 * items (the MSA's phase set), Dana on the map, a risk the buyer may see. */
static void acme_call(void)
{
	struct mk_transcript t;
	struct mk_findings f;
	struct mk_proposals ps;
	struct mk_ingest_result r;
	struct mk_item_change c = { .side = MK_SIDE_BUYER, .status = -1 };
	struct mk_diag dg;

	mk_transcript_init(&t);
	t.path = mk_strdup("/calls/acme-1.vtt");
	t.format = MK_FMT_TEAMS_VTT;
	mk_sha256_hex(t.path, strlen(t.path), t.sha256);
	t.utt = mk_calloc(1, sizeof *t.utt);
	t.n = t.cap = 1;
	t.utt[0].speaker = mk_strdup("Dana Reyes");
	t.utt[0].text = mk_strdup("We want onboarding down to a week, live by end of April.");
	t.utt[0].start_ms = 4000;
	t.utt[0].end_ms = 7000;
	mk_findings_init(&f);
	mk_proposals_init(&ps);
	CHECK(mk_store_ingest(st, "Acme", &t, "2026-03-03T15:00:00Z", &f, &ps, &r, &dg) == MK_OK);
	meeting = r.meeting_id;
	mk_transcript_release(&t);
	c.action = "finish the security review";
	c.due = "2026-03-20";
	CHECK(mk_store_item_add(st, "Acme", &c, "lead", &item_review, NULL, &dg) == MK_OK);
	c.action = "send the order form";
	c.due = "2026-04-10";
	c.side = MK_SIDE_SELLER;
	CHECK(mk_store_item_add(st, "Acme", &c, "lead", &item_form, NULL, &dg) == MK_OK);
	c.action = "sign the MSA";
	c.due = NULL;
	c.phase = "procurement";
	CHECK(mk_store_item_add(st, "Acme", &c, "lead", &item_msa, NULL, &dg) == MK_OK);
	sql("INSERT INTO people (deal_id, key, name, role, side, created_at) VALUES (%lld, 'name:dana reyes',"
	    " 'Dana Reyes', 'VP Operations', 'buyer', '2026-03-03T16:00:00Z')", (long long)acme);
	person = last_id();
	sql("INSERT INTO risks (deal_id, category, text, created_at, shareable) VALUES (%lld, 'timeline',"
	    " 'live by end of April', '2026-03-03T16:00:00Z', 1)", (long long)acme);
}

static int64_t deal_add(const char *name)
{
	struct mk_deal d;
	struct mk_diag dg;
	int64_t id;
	char *q;

	memset(&d, 0, sizeof d);
	d.name = (char *)name;
	d.sellers = (char *)"Sam Patel";
	CHECK(mk_store_deal_add(st, &d, &dg) == MK_OK);
	q = mk_sprintf("SELECT id FROM deals WHERE name = '%s'", name);
	id = sql_int(q);
	free(q);
	return id;
}

static int64_t item_add(int64_t deal, const char *action, const char *due)
{
	sql("INSERT INTO plan_items (deal_id, action, side, due, created_at, updated_at)"
	    " VALUES (%lld, %Q, 'buyer', %Q, '2026-03-01T09:00:00Z', '2026-03-01T09:00:00Z')",
	    (long long)deal, action, due);
	return last_id();
}

/* Acme's whole plan, as the writers of issue 14 leave it. */
static void acme_elements(void)
{
	sql("UPDATE people SET stance = 'champion' WHERE id = %lld", (long long)person);
	sql("INSERT INTO deal_plan VALUES (%lld, 'cut onboarding to one week', '2026-04-30', 'live',"
	    " '2026-03-19', '10:00', 'the CFO', 'walk through pricing', '2026-03-04T10:00:00Z')", (long long)acme);
	sql("INSERT INTO criteria (deal_id, text, created_at) VALUES (%lld, '95%% of claims route untouched',"
	    " '2026-03-04T10:00:00Z')", (long long)acme);
	sql("INSERT INTO criteria (deal_id, text, created_at, removed_at) VALUES (%lld, 'a gone one',"
	    " '2026-03-04T10:00:00Z', '2026-03-05T10:00:00Z')", (long long)acme);
	crit_gone = last_id();
	sql("INSERT INTO criteria (deal_id, text, created_at) VALUES (%lld, 'onboarding in 5 days',"
	    " '2026-03-04T10:00:00Z')", (long long)acme);
	sql("INSERT INTO dependencies (deal_id, item_id, depends_on_id, created_at) VALUES"
	    " (%lld, %lld, %lld, '2026-03-04T10:00:00Z')", (long long)acme, (long long)item_form,
	    (long long)item_review);
	dep_items = last_id();
	sql("INSERT INTO dependencies (deal_id, waiting, on_text, created_at, removed_at) VALUES"
	    " (%lld, 'pilot', 'sandbox', '2026-03-04T10:00:00Z', '2026-03-05T10:00:00Z')", (long long)acme);
	sql("INSERT INTO dependencies (deal_id, waiting, on_text, created_at) VALUES"
	    " (%lld, 'security review', 'NDA signed', '2026-03-04T10:00:00Z')", (long long)acme);
	dep_words = last_id();
	sql("INSERT INTO share_links (deal_id, token_sha256, created_at, expires_at) VALUES"
	    " (%lld, 'ab', '2026-03-04T10:00:00Z', '2026-04-04T10:00:00Z')", (long long)acme);
	sql("INSERT INTO buyer_acks (deal_id, share_id, name, plan_version, at) VALUES"
	    " (%lld, 1, 'Dana', 3, '2026-03-06T10:00:00Z'), (%lld, 1, 'Priya Shah', 4, '2026-03-08T10:00:00Z')",
	    (long long)acme, (long long)acme);
	sql("INSERT INTO buyer_comments (deal_id, share_id, item_id, name, text, plan_version, at) VALUES"
	    " (%lld, 1, %lld, 'Dana', 'can this move a week?', 4, '2026-03-07T10:00:00Z')",
	    (long long)acme, (long long)item_review);
}

/* Acme's element revisions: the goal approved from the call, the rest by hand. */
static void acme_revisions(void)
{
	sql("INSERT INTO proposals (deal_id, meeting_id, kind, side, text, ev_speaker, ev_start_ms, ev_quote,"
	    " key, status, created_at) VALUES (%lld, %lld, 'set_goal', 'buyer', 'cut onboarding to one week',"
	    " 'Dana Reyes', 4000, 'We want onboarding down to a week', 'g1', 'pending', '2026-03-03T16:00:00Z')",
	    (long long)acme, (long long)meeting);
	goal_proposal = last_id();
	sql("UPDATE proposals SET status = 'approved', decided_by = 'lead', decided_at = '2026-03-04T10:00:00Z'"
	    " WHERE id = %lld", (long long)goal_proposal);
	sql("INSERT INTO element_revisions (deal_id, field, new_value, at, meeting_id, proposal_id, \"by\")"
	    " VALUES (%lld, 'goal', 'cut onboarding to one week', '2026-03-04T10:00:00Z', %lld, %lld, 'lead')",
	    (long long)acme, (long long)meeting, (long long)goal_proposal);
	sql("INSERT INTO decisions (deal_id, kind, summary, \"by\", at) VALUES"
	    " (%lld, 'item_edit', 'go-live 2026-04-30', 'manager', '2026-03-05T10:00:00Z')", (long long)acme);
	hand_decision = last_id();
	sql("INSERT INTO element_revisions (deal_id, field, old_value, new_value, at, decision_id, \"by\") VALUES"
	    " (%lld, 'go_live', '2026-05-31', '2026-04-30', '2026-03-05T10:00:00Z', %lld, 'manager'),"
	    " (%lld, 'phase', NULL, 'procurement', '2026-03-05T11:00:00Z', %lld, 'manager')",
	    (long long)acme, (long long)hand_decision, (long long)acme, (long long)hand_decision);
	sql("UPDATE element_revisions SET ref_id = %lld WHERE field = 'phase'", (long long)item_msa);
	sql("INSERT INTO element_revisions (deal_id, field, ref_id, new_value, at, decision_id, \"by\") VALUES"
	    " (%lld, 'dependency', %lld, 'send the order form waits on finish the security review',"
	    " '2026-03-05T12:00:00Z', %lld, 'manager'),"
	    " (%lld, 'stance', %lld, 'champion', '2026-03-05T13:00:00Z', %lld, 'manager')",
	    (long long)acme, (long long)dep_items, (long long)hand_decision, (long long)acme,
	    (long long)person, (long long)hand_decision);
}

static void build(void)
{
	CHECK(sqlite3_open(db_path, &raw) == SQLITE_OK);
	sqlite3_busy_timeout(raw, 5000);
	acme = deal_add("Acme");
	late = deal_add("Late");
	bare = deal_add("Bare");
	undated = deal_add("Undated");
	acme_call();
	acme_elements();
	acme_revisions();
	/* Late: its one item ends two weeks after its go-live; no next meeting (one in the past) */
	item_late = item_add(late, "countersign the order form", "2026-04-15");
	sql("INSERT INTO deal_plan (deal_id, go_live, go_live_kind, next_meeting, updated_at) VALUES"
	    " (%lld, '2026-04-01', 'signed', '2026-03-01', '2026-03-01T09:00:00Z')", (long long)late);
	/* Undated: a go-live but no open item with a date; Bare: nothing of the whole plan */
	item_add(undated, "plan the rollout", NULL);
	sql("INSERT INTO deal_plan (deal_id, go_live, go_live_kind, updated_at) VALUES"
	    " (%lld, '2026-06-30', 'live', '2026-03-01T09:00:00Z')", (long long)undated);
	item_deck = item_add(bare, "send the deck", "2026-03-30");
}

/* ---- the plan ---- */

static const struct mk_item *find_item(const struct mk_plan *p, int64_t id)
{
	for (size_t i = 0; i < p->nitems; i++)
		if (p->items[i].id == id)
			return &p->items[i];
	return NULL;
}

static void test_plan_fields(void)
{
	struct mk_plan p;
	struct mk_diag dg;
	const struct mk_item *it;

	CHECK(mk_store_plan(st, "Acme", &p, &dg) == MK_OK);
	CHECK_STR(p.goal, "cut onboarding to one week");
	CHECK(p.has_go_live && p.go_live.y == 2026 && p.go_live.m == 4 && p.go_live.d == 30);
	CHECK_STR(p.go_live_kind, "live");
	CHECK(p.ncriteria == 2);
	if (p.ncriteria == 2) {
		CHECK_STR(p.criteria[0].text, "95% of claims route untouched");
		CHECK_STR(p.criteria[1].text, "onboarding in 5 days");
		CHECK(p.criteria[0].agreed && p.criteria[1].agreed && p.criteria[0].id != crit_gone);
	}
	CHECK(p.ndeps == 2);
	if (p.ndeps == 2) {
		CHECK(p.deps[0].id == dep_items && p.deps[0].item_id == item_form &&
		      p.deps[0].depends_on_id == item_review);
		CHECK_STR(p.deps[0].waiting, "send the order form");
		CHECK_STR(p.deps[0].on, "finish the security review");
		CHECK(p.deps[1].id == dep_words && !p.deps[1].item_id && !p.deps[1].depends_on_id);
		CHECK_STR(p.deps[1].waiting, "security review");
		CHECK_STR(p.deps[1].on, "NDA signed");
	}
	CHECK(p.has_next_meeting && p.next_meeting.m == 3 && p.next_meeting.d == 19);
	CHECK_STR(p.next_meeting_time, "10:00");
	CHECK_STR(p.next_meeting_who, "the CFO");
	CHECK_STR(p.next_meeting_purpose, "walk through pricing");
	CHECK(p.npeople == 1);
	if (p.npeople == 1) {
		CHECK(p.people[0].id == person && p.people[0].stance == MK_STANCE_CHAMPION);
		CHECK(p.people[0].met); /* spoke on the call */
	}
	CHECK(p.nrisks == 1 && p.risks[0].shareable);
	CHECK(p.nitems == 3);
	it = find_item(&p, item_msa);
	CHECK(it && it->phase == MK_PHASE_PROCUREMENT);
	it = find_item(&p, item_review);
	CHECK(it && it->phase == mk_phase_guess("finish the security review"));
	CHECK(p.has_ack);
	CHECK_STR(p.ack_at, "2026-03-08T10:00:00Z");
	CHECK_STR(p.ack_by, "Priya Shah");
	CHECK(p.version == hand_decision && p.version == sql_int("SELECT max(id) FROM decisions"));
	mk_plan_release(&p);

	/* a plan with none of it */
	CHECK(mk_store_plan(st, "Bare", &p, &dg) == MK_OK);
	CHECK(!p.goal && !p.has_go_live && !p.go_live_kind && !p.ncriteria && !p.ndeps);
	CHECK(!p.has_next_meeting && !p.next_meeting_time && !p.has_ack && !p.ack_at && !p.ack_by);
	CHECK(p.version == 0 && p.nitems == 1);
	mk_plan_release(&p);
}

/* ---- health ---- */

static const struct mk_health *health_of(const struct mk_health *v, size_t n, const char *deal)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].deal, deal))
			return &v[i];
	return NULL;
}

static void test_health_elements(void)
{
	struct mk_health *v = NULL;
	const struct mk_health *h;
	struct mk_diag dg;
	size_t n = 0;

	CHECK(mk_store_health(st, NULL, (struct mk_date){ 2026, 3, 15 }, &v, &n, &dg) == MK_OK);
	CHECK(n == 4);
	h = health_of(v, n, "Acme");
	CHECK(h && h->has_go_live && h->go_live.m == 4 && h->go_live.d == 30);
	CHECK(h && h->has_slack && h->slack_days == 20);      /* the order form, Apr 10 */
	CHECK(h && h->has_next_meeting && h->next_meeting.m == 3 && h->next_meeting.d == 19);
	CHECK(h && h->has_ack && h->ack_at && !strcmp(h->ack_at, "2026-03-08T10:00:00Z"));
	CHECK(h && h->criteria == 2);
	h = health_of(v, n, "Late");
	CHECK(h && h->has_go_live && h->has_slack && h->slack_days == -14);
	CHECK(h && !h->has_next_meeting && !h->has_ack && !h->criteria); /* Mar 1 is past */
	h = health_of(v, n, "Undated");
	CHECK(h && h->has_go_live && !h->has_slack);
	h = health_of(v, n, "Bare");
	CHECK(h && !h->has_go_live && !h->has_slack && !h->has_next_meeting && !h->has_ack && !h->ack_at);
	mk_health_free(v, n);

	/* one deal, after its next meeting: none ahead */
	CHECK(mk_store_health(st, "Acme", (struct mk_date){ 2026, 3, 20 }, &v, &n, &dg) == MK_OK);
	CHECK(n == 1 && !v[0].has_next_meeting && v[0].has_slack && v[0].slack_days == 20);
	CHECK(n == 1 && v[0].criteria == 2 && v[0].has_ack);
	mk_health_free(v, n);
	/* on the day of the meeting it is still ahead */
	CHECK(mk_store_health(st, "Acme", (struct mk_date){ 2026, 3, 19 }, &v, &n, &dg) == MK_OK);
	CHECK(n == 1 && v[0].has_next_meeting);
	mk_health_free(v, n);
}

/* ---- query ---- */

static size_t query_count(const char *deal, int no_next, int past, struct mk_date as_of, int64_t *first)
{
	struct mk_query q;
	struct mk_query_row *rows = NULL;
	struct mk_diag dg;
	size_t n = 0;

	memset(&q, 0, sizeof q);
	q.side = -1;
	q.status = -1;
	q.deal = deal;
	q.as_of = as_of;
	q.no_next_meeting = no_next;
	q.past_go_live = past;
	CHECK(mk_store_query(st, &q, &rows, &n, &dg) == MK_OK);
	*first = n ? rows[0].item.id : 0;
	mk_query_rows_free(rows, n);
	return n;
}

static void test_query_deal_filters(void)
{
	struct mk_date mar15 = { 2026, 3, 15 }, mar25 = { 2026, 3, 25 };
	struct mk_query q;
	struct mk_query_row *rows = NULL;
	struct mk_diag dg;
	size_t n = 0, more = 0;
	int64_t first;

	CHECK(query_count(NULL, 0, 0, mar15, &first) == 6);
	CHECK(query_count(NULL, 1, 0, mar15, &first) == 3);   /* Bare, Late, Undated */
	CHECK(query_count(NULL, 1, 0, mar25, &first) == 6);   /* Acme's meeting is past too */
	CHECK(query_count("Acme", 1, 0, mar15, &first) == 0);
	CHECK(query_count("Late", 1, 0, mar15, &first) == 1);
	CHECK(query_count(NULL, 0, 1, mar15, &first) == 1 && first == item_late);
	CHECK(query_count("Late", 0, 1, mar15, &first) == 1);
	CHECK(query_count("Acme", 0, 1, mar15, &first) == 0);
	CHECK(query_count("Bare", 0, 1, mar15, &first) == 0);
	CHECK(query_count(NULL, 1, 1, mar15, &first) == 1);

	/* a page, with the other filters */
	memset(&q, 0, sizeof q);
	q.side = -1;
	q.status = MK_STATUS_OPEN;
	q.as_of = mar15;
	q.no_next_meeting = 1;
	CHECK(mk_store_query_page(st, &q, 1, 1, &rows, &n, &more, &dg) == MK_OK);
	CHECK(n == 1 && more == 1);
	mk_query_rows_free(rows, n);
	q.past_go_live = 1;
	q.overdue = 1;            /* Late's item is due Apr 15: not overdue on Mar 15 */
	CHECK(mk_store_query_page(st, &q, 0, 10, &rows, &n, &more, &dg) == MK_OK);
	CHECK(n == 0 && more == 0);
	mk_query_rows_free(rows, n);
}

/* ---- history and changes ---- */

static const struct mk_revision *rev_of(const struct mk_revision *v, size_t n, const char *field)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].field, field))
			return &v[i];
	return NULL;
}

static void test_history_elements(void)
{
	struct mk_revision *v = NULL;
	const struct mk_revision *r;
	struct mk_diag dg;
	size_t n = 0;

	CHECK(mk_store_history(st, "Acme", 0, &v, &n, &dg) == MK_OK);
	for (size_t i = 1; i < n; i++)
		CHECK(strcmp(v[i - 1].at, v[i].at) <= 0);
	r = rev_of(v, n, "goal");
	CHECK(r && !r->item_id && !r->action && !strcmp(r->source, "call") && r->proposal_id == goal_proposal);
	CHECK(r && r->meeting && !strcmp(r->meeting, "acme-1.vtt") && r->start_ms == 4000);
	CHECK(r && r->decision_id > 0 && r->decision_id != hand_decision); /* the approval's */
	r = rev_of(v, n, "go_live");
	CHECK(r && !r->item_id && !strcmp(r->source, "hand") && r->decision_id == hand_decision);
	CHECK(r && !strcmp(r->old_value, "2026-05-31") && !strcmp(r->new_value, "2026-04-30"));
	r = rev_of(v, n, "phase");
	CHECK(r && r->item_id == item_msa && r->action && !strcmp(r->action, "sign the MSA"));
	r = rev_of(v, n, "dependency");
	CHECK(r && r->item_id == item_form && !strcmp(r->source, "hand"));
	r = rev_of(v, n, "stance");
	CHECK(r && !r->item_id && !strcmp(r->new_value, "champion"));
	r = rev_of(v, n, "buyer ack");
	CHECK(r && !strcmp(r->source, "buyer") && !strcmp(r->new_value, "Dana agreed to the plan (version 3)"));
	CHECK(r && !strcmp(r->at, "2026-03-06T10:00:00Z") && !r->item_id);
	r = rev_of(v, n, "buyer comment");
	CHECK(r && !strcmp(r->source, "buyer") && r->item_id == item_review);
	CHECK(r && !strcmp(r->new_value, "can this move a week?") && !strcmp(r->by, "Dana"));
	mk_revisions_free(v, n);

	/* one item's history holds its phase and the buyer's comment on it */
	CHECK(mk_store_history(st, NULL, item_msa, &v, &n, &dg) == MK_OK);
	CHECK(rev_of(v, n, "phase") && !rev_of(v, n, "goal") && !rev_of(v, n, "buyer comment"));
	mk_revisions_free(v, n);
	CHECK(mk_store_history(st, "Acme", item_review, &v, &n, &dg) == MK_OK);
	CHECK(rev_of(v, n, "buyer comment") && !rev_of(v, n, "phase") && !rev_of(v, n, "buyer ack"));
	mk_revisions_free(v, n);
}

static const struct mk_change *change_of(const struct mk_change *v, size_t n, const char *field)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].field, field))
			return &v[i];
	return NULL;
}

static void test_changes_elements(void)
{
	struct mk_changes_query q;
	struct mk_change *v = NULL;
	const struct mk_change *c;
	struct mk_diag dg;
	size_t n = 0;

	memset(&q, 0, sizeof q);
	q.since = (struct mk_date){ 2026, 3, 1 };
	q.has_until = 1;
	q.until = (struct mk_date){ 2026, 3, 31 };
	q.by = MK_CHANGES_BY_DECISION;
	CHECK(mk_store_changes(st, &q, &v, &n, &dg) == MK_OK);
	c = change_of(v, n, "goal");
	CHECK(c && !c->item_id && !c->action && c->meeting && !strcmp(c->meeting, "acme-1.vtt"));
	CHECK(c && c->quote && !strcmp(c->quote, "We want onboarding down to a week"));
	c = change_of(v, n, "phase");
	CHECK(c && c->item_id == item_msa && c->action && !strcmp(c->action, "sign the MSA") && !c->meeting);
	c = change_of(v, n, "dependency");
	CHECK(c && c->item_id == item_form && !strcmp(c->by, "manager"));
	c = change_of(v, n, "stance");
	CHECK(c && !c->item_id && !c->action);
	CHECK(change_of(v, n, "go_live") != NULL);
	mk_changes_free(v, n);

	/* by meeting: the goal is dated by its call (Mar 3), the hand changes by when made */
	q.by = MK_CHANGES_BY_MEETING;
	q.deal = "Acme";
	q.until = (struct mk_date){ 2026, 3, 3 };
	CHECK(mk_store_changes(st, &q, &v, &n, &dg) == MK_OK);
	CHECK(change_of(v, n, "goal") && !change_of(v, n, "phase") && !change_of(v, n, "go_live"));
	mk_changes_free(v, n);
	q.since = (struct mk_date){ 2026, 3, 5 };
	q.until = (struct mk_date){ 2026, 3, 5 };
	CHECK(mk_store_changes(st, &q, &v, &n, &dg) == MK_OK);
	CHECK(n == 4 && !change_of(v, n, "goal") && change_of(v, n, "phase") && change_of(v, n, "stance"));
	mk_changes_free(v, n);
}

/* ---- what the hand setters write, read back (Bare; last: it changes Bare) ---- */

static void test_hand_setters(void)
{
	struct mk_plan p;
	struct mk_revision *v = NULL;
	struct mk_health *h = NULL;
	struct mk_diag dg;
	int64_t crit = 0, second = 0, dep = 0;
	size_t n = 0;

	second = item_add(bare, "run the pilot", "2026-04-20");
	CHECK(mk_store_set_goal(st, "Bare", "one system for claims", "rep", &dg) == MK_OK);
	CHECK(mk_store_set_go_live(st, "Bare", "2026-04-25", "signed", "rep", &dg) == MK_OK);
	CHECK(mk_store_set_next_meeting(st, "Bare", "2026-03-18", "14:30", "Omar", "pricing", "rep", &dg) == MK_OK);
	CHECK(mk_store_criterion_add(st, "Bare", "claims in one place", "rep", &crit, &dg) == MK_OK);
	CHECK(mk_store_dependency_add(st, second, item_deck, "rep", &dep, &dg) == MK_OK);
	CHECK(mk_store_plan(st, "Bare", &p, &dg) == MK_OK);
	CHECK_STR(p.goal, "one system for claims");
	CHECK(p.has_go_live && p.go_live.d == 25 && p.go_live_kind && !strcmp(p.go_live_kind, "signed"));
	CHECK(p.has_next_meeting && p.next_meeting.d == 18);
	CHECK_STR(p.next_meeting_time, "14:30");
	CHECK_STR(p.next_meeting_who, "Omar");
	CHECK(p.ncriteria == 1 && p.criteria[0].id == crit);
	CHECK(p.ndeps == 1 && p.deps[0].id == dep && p.deps[0].item_id == second);
	CHECK_STR(p.ndeps ? p.deps[0].on : NULL, "send the deck");
	CHECK(p.version > hand_decision); /* each setter is a decision */
	mk_plan_release(&p);

	CHECK(mk_store_health(st, "Bare", (struct mk_date){ 2026, 3, 15 }, &h, &n, &dg) == MK_OK);
	CHECK(n == 1 && h[0].has_slack && h[0].slack_days == 5 && h[0].criteria == 1 && h[0].has_next_meeting);
	mk_health_free(h, n);
	CHECK(mk_store_criterion_remove(st, crit, "rep", &dg) == MK_OK);
	CHECK(mk_store_history(st, "Bare", 0, &v, &n, &dg) == MK_OK);
	CHECK(rev_of(v, n, "goal") && rev_of(v, n, "go_live") && rev_of(v, n, "next_meeting"));
	CHECK(rev_of(v, n, "criterion") && rev_of(v, n, "dependency"));
	CHECK(rev_of(v, n, "goal") && !strcmp(rev_of(v, n, "goal")->source, "hand"));
	CHECK(rev_of(v, n, "dependency") && rev_of(v, n, "dependency")->item_id == second);
	mk_revisions_free(v, n);
	CHECK(mk_store_plan(st, "Bare", &p, &dg) == MK_OK);
	CHECK(p.ncriteria == 0);
	mk_plan_release(&p);
}

int main(void)
{
	static const char *const ends[] = { "", "-wal", "-shm" };
	struct mk_diag dg;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/mk-planread-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	db_path = mk_sprintf("%s/p.db", tmpdir);
	mk_diag_clear(&dg);
	if (mk_store_open(&st, db_path, &dg) != MK_OK) {
		printf("#   open: %s\n", dg.msg);
		return 1;
	}
	RUN(build);
	RUN(test_plan_fields);
	RUN(test_health_elements);
	RUN(test_query_deal_filters);
	RUN(test_history_elements);
	RUN(test_changes_elements);
	RUN(test_hand_setters);
	sqlite3_close(raw);
	mk_store_close(st);
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		char *file = mk_sprintf("%s%s", db_path, ends[i]);

		unlink(file);
		free(file);
	}
	rmdir(tmpdir);
	free(db_path);
	return tap_done();
}
