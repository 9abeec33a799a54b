/*
 * test_elements_store.c: the whole plan's writes through the store (issue 14): proposals of
 * every new kind approved, rejected, edited while pending and undone; the hand setters and
 * their undo; bad values refused with one line; a dependency on a pending add_item; an
 * item's phase by hand; a database of schema 10 migrated with its proposals kept. What the
 * store wrote is read back with SQL from its own tables (reading the plan is plan.c's).
 */
#include "mapkeeper.h"
#include "store/db.h"
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
static struct mk_diag dg;

/* One integer (-1 when there is no row) from the store's own connection. */
static long long q_int(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long long q_int(const char *fmt, ...)
{
	sqlite3_stmt *s = NULL;
	long long v = -1;
	char sql[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* One text ("(null)" for NULL, "(none)" when there is no row), in a static buffer. */
static const char *q_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *q_text(const char *fmt, ...)
{
	static char out[4][512];
	static int k;
	sqlite3_stmt *s = NULL;
	char sql[1024], *o = out[k++ % 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	snprintf(o, 512, "(none)");
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		snprintf(o, 512, "%s", sqlite3_column_type(s, 0) == SQLITE_NULL ? "(null)" :
			 (const char *)sqlite3_column_text(s, 0));
	else if (s == NULL)
		printf("#   %s: %s\n", sql, sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	return o;
}

static struct mk_proposal *prop(struct mk_proposals *ps, enum mk_prop_kind kind, const char *key)
{
	struct mk_proposal *p;

	ps->v = mk_grow(ps->v, &ps->cap, ps->n + 1, sizeof *ps->v);
	p = &ps->v[ps->n++];
	memset(p, 0, sizeof *p);
	p->kind = kind;
	p->key = mk_strdup(key);
	p->side = MK_SIDE_BUYER;
	p->confidence = 0.8;
	p->ev.speaker = mk_strdup("Dana Reyes");
	p->ev.start_ms = 1000;
	p->ev.end_ms = 2000;
	p->ev.quote = mk_strdup("We want to be live by the end of September.");
	return p;
}

static void set(char **field, const char *v)
{
	free(*field);
	*field = v ? mk_strdup(v) : NULL;
}

static void due(struct mk_proposal *p, int y, int m, int d)
{
	p->has_due = 1;
	p->due = (struct mk_date){ y, m, d };
}

/* Stores a call (seed makes its sha256) with its proposals. */
static enum mk_err ingest(const char *deal, const char *seed, struct mk_proposals *ps)
{
	struct mk_transcript t;
	struct mk_ingest_result res;
	enum mk_err err;

	mk_transcript_init(&t);
	t.path = mk_strdup(seed);
	t.format = MK_FMT_ZOOM_VTT;
	mk_sha256_hex(seed, strlen(seed), t.sha256);
	t.utt = mk_grow(t.utt, &t.cap, 1, sizeof *t.utt);
	t.utt[0] = (struct mk_utterance){ mk_strdup("Dana Reyes"), 0, 4000,
					  mk_strdup("We want to be live by the end of September."), 1 };
	t.n = 1;
	mk_diag_clear(&dg);
	err = mk_store_ingest(st, deal, &t, "2026-03-02T15:00:00Z", NULL, ps, &res, &dg);
	if (err)
		printf("#   ingest: %s\n", dg.msg);
	mk_transcript_release(&t);
	mk_proposals_release(ps);
	return err;
}

static int64_t pid(const char *key)
{
	return q_int("SELECT id FROM proposals WHERE key = '%s'", key);
}

static enum mk_err decide(const char *key, int approve)
{
	mk_diag_clear(&dg);
	return mk_store_decide(st, pid(key), approve, "rep", NULL, &dg);
}

static enum mk_err undo(int64_t id)
{
	struct mk_decision d;
	enum mk_err err;

	mk_diag_clear(&dg);
	err = mk_store_undo(st, id, NULL, "rep", &d, &dg);
	if (!err)
		mk_decision_release(&d);
	return err;
}

static int64_t approval_of(const char *key)
{
	return q_int("SELECT id FROM decisions WHERE kind = 'approve' AND proposal_id = %lld AND undone_by IS NULL",
		     (long long)pid(key));
}

static int64_t last_decision(void)
{
	return q_int("SELECT max(id) FROM decisions");
}

static enum mk_err edit(const char *key, const char *field, const char *value)
{
	mk_diag_clear(&dg);
	return mk_store_edit_element(st, pid(key), field, value, "rep", &dg);
}

#define PLAN(col) q_text("SELECT " col " FROM deal_plan WHERE deal_id = 1")

/* The first call of deal Acme: two items, a person, and one proposal of each new kind. */
static void first_call(void)
{
	struct mk_proposals ps;
	struct mk_proposal *p;

	mk_proposals_init(&ps);
	p = prop(&ps, MK_PROP_ADD_ITEM, "a1");
	set(&p->action, "Sign the NDA");
	p = prop(&ps, MK_PROP_ADD_ITEM, "a2");
	set(&p->action, "Run the security review");
	p = prop(&ps, MK_PROP_ADD_STAKEHOLDER, "s1");
	set(&p->name, "Dana Reyes");
	set(&p->role, "CFO");
	p = prop(&ps, MK_PROP_SET_GOAL, "g1");
	set(&p->text, "cut onboarding from three weeks to one");
	p = prop(&ps, MK_PROP_SET_GO_LIVE, "gl1");
	due(p, 2026, 9, 30);
	set(&p->category, "live");
	set(&p->text, "by the end of September");
	p = prop(&ps, MK_PROP_ADD_CRITERION, "c1");
	set(&p->text, "95% of claims route without a touch");
	p = prop(&ps, MK_PROP_SET_NEXT_MEETING, "n1");
	due(p, 2026, 3, 12);
	set(&p->time, "10:00");
	set(&p->name, "the CFO");
	set(&p->text, "walk through pricing");
	p = prop(&ps, MK_PROP_SET_STANCE, "st1");
	set(&p->name, "dana");
	set(&p->category, "champion");
	p = prop(&ps, MK_PROP_SET_STANCE, "st2");
	set(&p->role, "CTO");
	set(&p->category, "skeptic");
	CHECK(ingest("Acme", "call one", &ps) == MK_OK);
}

/* add_dependency proposals that wait on the pending add_items of the first call */
static void dependency_call(void)
{
	struct mk_proposals ps;
	struct mk_proposal *p;

	mk_proposals_init(&ps);
	p = prop(&ps, MK_PROP_ADD_DEPENDENCY, "d1");
	p->item_id = -pid("a2");
	set(&p->action, "security review");
	p->depends_on_id = -pid("a1");
	set(&p->text, "NDA signed");
	p = prop(&ps, MK_PROP_ADD_DEPENDENCY, "d2");
	set(&p->action, "legal review");
	set(&p->text, "the MSA redlines");
	CHECK(ingest("Acme", "call two", &ps) == MK_OK);
	/* a proposal naming a pending add_item of no such kind is refused */
	mk_proposals_init(&ps);
	p = prop(&ps, MK_PROP_ADD_DEPENDENCY, "bad");
	set(&p->action, "x");
	p->depends_on_id = -pid("g1");
	CHECK(ingest("Acme", "call bad", &ps) == MK_EARG);
	CHECK(pid("bad") == -1);
}

static void test_stored_and_read(void)
{
	struct mk_proposal p;

	CHECK_STR(q_text("SELECT time FROM proposals WHERE key = 'n1'"), "10:00");
	CHECK(q_int("SELECT depends_on_proposal_id FROM proposals WHERE key = 'd1'") == pid("a1"));
	CHECK(q_int("SELECT target_proposal_id FROM proposals WHERE key = 'd1'") == pid("a2"));
	mk_diag_clear(&dg);
	CHECK(mk_store_proposal_get(st, pid("d1"), &p, &dg) == MK_OK);
	CHECK(p.item_id == -pid("a2") && p.depends_on_id == -pid("a1"));
	mk_proposal_release(&p);
	CHECK(mk_store_proposal_get(st, pid("n1"), &p, &dg) == MK_OK);
	CHECK_STR(p.time, "10:00");
	CHECK(p.kind == MK_PROP_SET_NEXT_MEETING);
	mk_proposal_release(&p);
}

static void test_approve_each(void)
{
	int64_t needs = -1;

	CHECK(decide("g1", 1) == MK_OK);
	CHECK_STR(PLAN("goal"), "cut onboarding from three weeks to one");
	CHECK_STR(q_text("SELECT new_value FROM element_revisions WHERE proposal_id = %lld AND field = 'goal'",
			 (long long)pid("g1")), "cut onboarding from three weeks to one");
	CHECK_STR(q_text("SELECT summary FROM decisions WHERE id = %lld", (long long)approval_of("g1")),
		  "set_goal \"cut onboarding from three weeks to one\"");

	CHECK(decide("gl1", 1) == MK_OK);
	CHECK_STR(PLAN("go_live"), "2026-09-30");
	CHECK_STR(PLAN("go_live_kind"), "live");
	CHECK_STR(q_text("SELECT new_value FROM element_revisions WHERE field = 'go_live'"), "2026-09-30 (live)");

	CHECK(decide("c1", 1) == MK_OK);
	CHECK_STR(q_text("SELECT text FROM criteria WHERE proposal_id = %lld AND removed_at IS NULL",
			 (long long)pid("c1")), "95% of claims route without a touch");
	CHECK(q_int("SELECT count(*) FROM element_revisions WHERE field = 'criterion' AND old_value IS NULL") == 1);

	CHECK(decide("n1", 1) == MK_OK);
	CHECK_STR(PLAN("next_meeting || ' ' || next_meeting_time || ' ' || next_meeting_who || ': ' ||"
		       " next_meeting_purpose"), "2026-03-12 10:00 the CFO: walk through pricing");
	CHECK_STR(q_text("SELECT new_value FROM element_revisions WHERE field = 'next_meeting'"),
		  "2026-03-12 10:00 with the CFO: walk through pricing");

	/* a stance needs its person on the map first */
	mk_diag_clear(&dg);
	CHECK(mk_store_approve_check(st, pid("st1"), "Acme", &needs, &dg) == MK_EARG);
	CHECK_STR(dg.msg, "no stakeholder 'dana' on the plan: approve their add_stakeholder first");
	CHECK(needs == 0);
	CHECK(decide("st1", 1) == MK_EARG);
	CHECK_STR(q_text("SELECT status FROM proposals WHERE key = 'st1'"), "pending");
	CHECK(decide("s1", 1) == MK_OK);
	CHECK(decide("st1", 1) == MK_OK);
	CHECK_STR(q_text("SELECT stance FROM people WHERE name = 'Dana Reyes'"), "champion");
	CHECK_STR(q_text("SELECT old_value || ' -> ' || new_value FROM element_revisions WHERE field = 'stance'"),
		  "unknown -> champion");
	/* every approval wrote one revision, and none a revision of an item */
	CHECK(q_int("SELECT count(*) FROM element_revisions") == 5);
	CHECK(q_int("SELECT count(*) FROM plan_revisions") == 0);
}

static void test_reject(void)
{
	long long revs = q_int("SELECT count(*) FROM element_revisions");

	CHECK(decide("st2", 0) == MK_OK);
	CHECK_STR(q_text("SELECT status FROM proposals WHERE key = 'st2'"), "rejected");
	CHECK(q_int("SELECT count(*) FROM element_revisions") == revs);
	/* and its rejection undone: pending again */
	CHECK(undo(last_decision()) == MK_OK);
	CHECK_STR(q_text("SELECT status FROM proposals WHERE key = 'st2'"), "pending");
	CHECK(decide("st2", 0) == MK_OK);
}

static void test_dependency_on_pending(void)
{
	int64_t needs = -1;
	long long a1, a2;

	mk_diag_clear(&dg);
	CHECK(mk_store_approve_check(st, pid("d1"), "Acme", &needs, &dg) == MK_OK);
	/* approving it approves both add_items first */
	CHECK(decide("d1", 1) == MK_OK);
	a1 = q_int("SELECT item_id FROM proposals WHERE key = 'a1'");
	a2 = q_int("SELECT item_id FROM proposals WHERE key = 'a2'");
	CHECK(a1 > 0 && a2 > 0);
	CHECK_STR(q_text("SELECT status FROM proposals WHERE key = 'a1'"), "approved");
	CHECK(q_int("SELECT count(*) FROM dependencies WHERE item_id = %lld AND depends_on_id = %lld"
		    " AND waiting IS NULL AND on_text IS NULL", a2, a1) == 1);
	CHECK_STR(q_text("SELECT new_value FROM element_revisions WHERE field = 'dependency'"),
		  "\"Run the security review\" waits on \"Sign the NDA\"");
	/* d2: words on both sides */
	CHECK(decide("d2", 1) == MK_OK);
	CHECK(q_int("SELECT count(*) FROM dependencies WHERE item_id IS NULL AND waiting = 'legal review'"
		    " AND on_text = 'the MSA redlines'") == 1);
	/* the approved item cannot be taken off while a dependency names it */
	CHECK(undo(approval_of("a1")) == MK_EARG);
	CHECK(strstr(dg.msg, "is in dependency") != NULL);
}

/* a later call: proposals to edit, approve over the first ones, and undo */
static void second_call(void)
{
	struct mk_proposals ps;
	struct mk_proposal *p;

	mk_proposals_init(&ps);
	p = prop(&ps, MK_PROP_SET_GOAL, "g2");
	set(&p->text, "one week onboarding");
	p = prop(&ps, MK_PROP_SET_GO_LIVE, "gl2");
	due(p, 2026, 10, 31);
	set(&p->category, "signed");
	p = prop(&ps, MK_PROP_SET_NEXT_MEETING, "n2");
	due(p, 2026, 3, 19);
	p = prop(&ps, MK_PROP_ADD_DEPENDENCY, "d3");
	set(&p->action, "kickoff");
	set(&p->text, "order form");
	p = prop(&ps, MK_PROP_SET_STANCE, "st3");
	set(&p->role, "cfo");
	p->side = MK_SIDE_UNKNOWN;
	set(&p->category, "supporter");
	p = prop(&ps, MK_PROP_ADD_CRITERION, "c2");
	set(&p->text, "SSO on day one");
	CHECK(ingest("Acme", "call three", &ps) == MK_OK);
}

static void test_edit_element(void)
{
	long long edits = q_int("SELECT count(*) FROM proposal_edits");
	long long a1 = q_int("SELECT item_id FROM proposals WHERE key = 'a1'");
	char buf[32];

	second_call();
	CHECK(edit("g2", "text", "  onboarding in one week ") == MK_OK);
	CHECK_STR(q_text("SELECT text FROM proposals WHERE key = 'g2'"), "onboarding in one week");
	CHECK(edit("g2", "text", "") == MK_EARG);
	CHECK(edit("g2", "due", "2026-10-01") == MK_EARG);
	CHECK_STR(dg.msg, "a set_goal proposal has no field 'due' (text)");
	CHECK(edit("gl2", "due", "2026-13-01") == MK_EARG);
	CHECK_STR(dg.msg, "due '2026-13-01' is not a day (YYYY-MM-DD)");
	CHECK(edit("gl2", "due", "") == MK_EARG);
	CHECK(edit("gl2", "due", "2026-11-30") == MK_OK);
	CHECK(edit("gl2", "kind", "maybe") == MK_EARG);
	CHECK_STR(dg.msg, "unknown go-live kind 'maybe' (live, signed)");
	CHECK(edit("gl2", "kind", "live") == MK_OK);
	CHECK(edit("n2", "time", "25:00") == MK_EARG);
	CHECK_STR(dg.msg, "time '25:00' is not a time (HH:MM)");
	CHECK(edit("n2", "time", "9:30") == MK_EARG);
	CHECK(edit("n2", "time", "09:30") == MK_OK);
	CHECK(edit("n2", "who", "Dana") == MK_OK);
	CHECK(edit("n2", "text", "pricing") == MK_OK);
	CHECK(edit("n2", "due", "") == MK_OK);
	CHECK(q_int("SELECT due IS NULL FROM proposals WHERE key = 'n2'") == 1);
	CHECK(edit("st3", "stance", "fan") == MK_EARG);
	CHECK_STR(dg.msg, "unknown stance 'fan' (champion, supporter, neutral, skeptic, blocker, unknown)");
	CHECK(edit("st3", "stance", "blocker") == MK_OK);
	CHECK(edit("d3", "item", "9999") == MK_EARG);
	CHECK_STR(dg.msg, "item '9999' is not an item of deal 'Acme'");
	CHECK(edit("d3", "item", "x1") == MK_EARG);
	snprintf(buf, sizeof buf, "%lld", a1);
	CHECK(edit("d3", "depends_on", buf) == MK_OK);
	CHECK(q_int("SELECT depends_on_id FROM proposals WHERE key = 'd3'") == a1);
	CHECK(edit("d3", "waiting", "the kickoff call") == MK_OK);
	CHECK(edit("c2", "stance", "blocker") == MK_EARG);
	CHECK(edit("a1", "text", "x") == MK_EARG); /* decided */
	CHECK_STR(dg.msg, "proposal 1 is already approved");
	/* every change kept with its old value */
	CHECK(q_int("SELECT count(*) FROM proposal_edits") == edits + 10);
	CHECK_STR(q_text("SELECT coalesce(old_value, 'none') || ' -> ' || new_value FROM proposal_edits"
			 " WHERE field = 'time'"), "none -> 09:30");
	CHECK_STR(q_text("SELECT old_value || ' -> ' || new_value FROM proposal_edits WHERE field = 'due'"
			 " AND proposal_id = %lld", (long long)pid("gl2")), "2026-10-31 -> 2026-11-30");
}

static void test_approve_edited_and_undo(void)
{
	long long a1 = q_int("SELECT item_id FROM proposals WHERE key = 'a1'");

	CHECK(decide("g2", 1) == MK_OK);
	CHECK_STR(PLAN("goal"), "onboarding in one week");
	CHECK(decide("gl2", 1) == MK_OK);
	CHECK_STR(PLAN("go_live || ' ' || go_live_kind"), "2026-11-30 live");
	CHECK(decide("n2", 1) == MK_OK);
	CHECK_STR(PLAN("coalesce(next_meeting, 'none') || ' ' || next_meeting_time || ' ' || next_meeting_who"
		       " || ': ' || next_meeting_purpose"), "none 09:30 Dana: pricing");
	CHECK(decide("st3", 1) == MK_OK); /* by role, any side */
	CHECK_STR(q_text("SELECT stance FROM people WHERE name = 'Dana Reyes'"), "blocker");
	CHECK(decide("d3", 1) == MK_OK);
	CHECK(q_int("SELECT count(*) FROM dependencies WHERE depends_on_id = %lld AND waiting = 'the kickoff call'",
		    a1) == 1);
	CHECK(decide("c2", 1) == MK_OK);

	/* the first goal cannot be undone under the second */
	CHECK(undo(approval_of("g1")) == MK_EARG);
	CHECK(strstr(dg.msg, "the goal was changed later by decision") != NULL);
	CHECK(undo(approval_of("g2")) == MK_OK);
	CHECK_STR(PLAN("goal"), "cut onboarding from three weeks to one");
	CHECK_STR(q_text("SELECT status FROM proposals WHERE key = 'g2'"), "pending");
	CHECK(undo(approval_of("g1")) == MK_OK);
	CHECK_STR(PLAN("goal"), "(null)");
	/* go-live and next meeting come back whole */
	CHECK(undo(approval_of("gl2")) == MK_OK);
	CHECK_STR(PLAN("go_live || ' ' || go_live_kind"), "2026-09-30 live");
	CHECK(undo(approval_of("n2")) == MK_OK);
	CHECK_STR(PLAN("next_meeting || ' ' || next_meeting_time || ' ' || next_meeting_who"),
		  "2026-03-12 10:00 the CFO");
	CHECK(undo(approval_of("st3")) == MK_OK);
	CHECK_STR(q_text("SELECT stance FROM people WHERE name = 'Dana Reyes'"), "champion");
	/* the person cannot go while a stance of theirs stands */
	CHECK(undo(approval_of("s1")) == MK_EARG);
	CHECK(undo(approval_of("c2")) == MK_OK);
	CHECK(q_int("SELECT removed_at IS NOT NULL FROM criteria WHERE text = 'SSO on day one'") == 1);
	CHECK(undo(approval_of("d3")) == MK_OK);
	CHECK(q_int("SELECT count(*) FROM dependencies WHERE waiting = 'the kickoff call' AND removed_at IS NULL")
	      == 0);
	CHECK_STR(q_text("SELECT status FROM proposals WHERE key = 'd3'"), "pending");
	/* approved again: the same as the first time */
	CHECK(decide("g2", 1) == MK_OK);
	CHECK_STR(PLAN("goal"), "onboarding in one week");
}

static enum mk_err hand(int rc)
{
	if (rc)
		printf("#   %s\n", dg.msg);
	return (enum mk_err)rc;
}

static void test_hand_setters(void)
{
	int64_t c = 0, d = 0, a5 = 0, dana = q_int("SELECT id FROM people WHERE name = 'Dana Reyes'");
	struct mk_item_change c5 = { .side = -1, .status = -1, .action = "Book the pilot" };
	char msg[200];
	long long a1 = q_int("SELECT item_id FROM proposals WHERE key = 'a1'");
	long long a2 = q_int("SELECT item_id FROM proposals WHERE key = 'a2'");

	mk_diag_clear(&dg);
	CHECK(hand(mk_store_set_goal(st, "Acme", "go live in Q3", "lee", &dg)) == MK_OK);
	CHECK_STR(PLAN("goal"), "go live in Q3");
	CHECK_STR(q_text("SELECT kind || ': ' || summary FROM decisions WHERE id = %lld", (long long)last_decision()),
		  "plan_edit: goal onboarding in one week -> go live in Q3");
	CHECK(mk_store_set_goal(st, "Acme", "go live in Q3", "lee", &dg) == MK_EARG);
	CHECK(strstr(dg.msg, "nothing to change") != NULL);
	CHECK(mk_store_set_goal(st, "Nope", "x", "lee", &dg) == MK_ENOTFOUND);
	CHECK(undo(0) == MK_OK);
	CHECK_STR(PLAN("goal"), "onboarding in one week");

	CHECK(mk_store_set_go_live(st, "Acme", "2026-02-30", NULL, "lee", &dg) == MK_EARG);
	CHECK_STR(dg.msg, "go-live '2026-02-30' is not a day (YYYY-MM-DD)");
	CHECK(mk_store_set_go_live(st, "Acme", "2026-12-01", "later", "lee", &dg) == MK_EARG);
	CHECK(hand(mk_store_set_go_live(st, "Acme", "2026-12-01", "signed", "lee", &dg)) == MK_OK);
	CHECK_STR(PLAN("go_live || ' ' || go_live_kind"), "2026-12-01 signed");
	CHECK(hand(mk_store_set_go_live(st, "Acme", "", NULL, "lee", &dg)) == MK_OK);
	CHECK_STR(PLAN("go_live"), "(null)");
	CHECK(undo(0) == MK_OK);
	CHECK(undo(0) == MK_OK);
	CHECK_STR(PLAN("go_live || ' ' || go_live_kind"), "2026-09-30 live");

	CHECK(mk_store_set_next_meeting(st, "Acme", NULL, "7pm", NULL, NULL, "lee", &dg) == MK_EARG);
	CHECK(hand(mk_store_set_next_meeting(st, "Acme", "2026-03-20", NULL, "", NULL, "lee", &dg)) == MK_OK);
	CHECK_STR(PLAN("next_meeting || ' ' || next_meeting_time || ' ' || coalesce(next_meeting_who, '-') || ' '"
		       " || next_meeting_purpose"), "2026-03-20 10:00 - walk through pricing");
	CHECK(undo(0) == MK_OK);
	CHECK_STR(PLAN("next_meeting || ' ' || next_meeting_who"), "2026-03-12 the CFO");

	CHECK(mk_store_criterion_add(st, "Acme", "  ", "lee", &c, &dg) == MK_EARG);
	CHECK(mk_store_criterion_add(st, "Acme", "95% OF CLAIMS ROUTE WITHOUT A TOUCH", "lee", &c, &dg) == MK_EARG);
	CHECK(hand(mk_store_criterion_add(st, "Acme", "audit trail for every claim", "lee", &c, &dg)) == MK_OK);
	CHECK(c > 0 && q_int("SELECT removed_at IS NULL FROM criteria WHERE id = %lld", (long long)c) == 1);
	CHECK(hand(mk_store_criterion_remove(st, c, "lee", &dg)) == MK_OK);
	CHECK(q_int("SELECT removed_at IS NOT NULL FROM criteria WHERE id = %lld", (long long)c) == 1);
	CHECK(mk_store_criterion_remove(st, c, "lee", &dg) == MK_EARG);
	CHECK(mk_store_criterion_remove(st, 999, "lee", &dg) == MK_ENOTFOUND);
	CHECK_STR(dg.msg, "no criterion #999");
	CHECK(undo(0) == MK_OK); /* the removal: back on the plan */
	CHECK(q_int("SELECT removed_at IS NULL FROM criteria WHERE id = %lld", (long long)c) == 1);
	CHECK(undo(0) == MK_OK); /* the add: off it */
	CHECK(q_int("SELECT removed_at IS NOT NULL FROM criteria WHERE id = %lld", (long long)c) == 1);

	CHECK(mk_store_dependency_add(st, a1, a1, "lee", &d, &dg) == MK_EARG);
	CHECK(mk_store_dependency_add(st, a2, a1, "lee", &d, &dg) == MK_EARG); /* d1 says it already */
	CHECK(strstr(dg.msg, "already") != NULL);
	CHECK(mk_store_dependency_add(st, a1, 9999, "lee", &d, &dg) == MK_EARG);
	/* a2 waits on a1 (d1): a1 waiting on a2, or on what waits on a2, would be a cycle */
	CHECK(mk_store_dependency_add(st, a1, a2, "lee", &d, &dg) == MK_EARG);
	snprintf(msg, sizeof msg, "item #%lld cannot wait on #%lld: #%lld waits on #%lld already", a1, a2, a2, a1);
	CHECK_STR(dg.msg, msg);
	CHECK(hand(mk_store_item_add(st, "Acme", &c5, "lee", &a5, NULL, &dg)) == MK_OK);
	CHECK(hand(mk_store_dependency_add(st, a5, a2, "lee", &d, &dg)) == MK_OK);
	CHECK(mk_store_dependency_add(st, a1, a5, "lee", &d, &dg) == MK_EARG);
	CHECK(undo(0) == MK_OK);
	CHECK(hand(mk_store_dependency_add(st, a2, a5, "lee", &d, &dg)) == MK_OK);
	CHECK(q_int("SELECT count(*) FROM dependencies WHERE id = %lld AND item_id = %lld AND depends_on_id = %lld",
		    (long long)d, a2, (long long)a5) == 1);
	CHECK(q_int("SELECT item_id FROM decisions WHERE id = %lld", (long long)last_decision()) == a2);
	CHECK(hand(mk_store_dependency_remove(st, d, "lee", &dg)) == MK_OK);
	CHECK(undo(0) == MK_OK);
	CHECK(q_int("SELECT removed_at IS NULL FROM dependencies WHERE id = %lld", (long long)d) == 1);
	CHECK(undo(0) == MK_OK);
	CHECK(q_int("SELECT removed_at IS NOT NULL FROM dependencies WHERE id = %lld", (long long)d) == 1);
	CHECK(undo(0) == MK_OK); /* the pilot item's add: its only dependency is off the plan */
	CHECK(q_int("SELECT count(*) FROM plan_items WHERE id = %lld", (long long)a5) == 0);
	/* the dependencies that named it keep its words */
	CHECK(q_int("SELECT count(*) FROM dependencies WHERE depends_on_id IS NULL AND on_text = 'Book the pilot'") == 1);
	CHECK(q_int("SELECT count(*) FROM dependencies WHERE item_id IS NULL AND waiting = 'Book the pilot'") == 1);

	CHECK(mk_store_set_stance(st, dana, MK_STANCE_COUNT, "lee", &dg) == MK_EARG);
	CHECK(mk_store_set_stance(st, 9999, MK_STANCE_NEUTRAL, "lee", &dg) == MK_ENOTFOUND);
	CHECK(hand(mk_store_set_stance(st, dana, MK_STANCE_NEUTRAL, "lee", &dg)) == MK_OK);
	CHECK_STR(q_text("SELECT stance FROM people WHERE id = %lld", (long long)dana), "neutral");
	CHECK(mk_store_set_stance(st, dana, MK_STANCE_NEUTRAL, "lee", &dg) == MK_EARG);
	/* the approval under it cannot be undone first */
	CHECK(undo(approval_of("st1")) == MK_EARG);
	CHECK(strstr(dg.msg, "the stance of stakeholder") != NULL);
	CHECK(undo(0) == MK_OK);
	CHECK_STR(q_text("SELECT stance FROM people WHERE id = %lld", (long long)dana), "champion");
	/* a hand change is one transaction: a failed one leaves no decision */
	CHECK(q_int("SELECT count(*) FROM decisions WHERE kind = 'plan_edit' AND undone_by IS NULL") == 0);
}

static void test_phase(void)
{
	struct mk_item_change c = { .side = -1, .status = -1 };
	long long a1 = q_int("SELECT item_id FROM proposals WHERE key = 'a1'");
	int64_t dec = 0;

	c.phase = "legal";
	mk_diag_clear(&dg);
	CHECK(mk_store_item_change(st, a1, &c, "lee", &dec, &dg) == MK_EARG);
	CHECK_STR(dg.msg, "unknown phase 'legal' (discovery, proof, business_case, procurement, signature, onboarding)");
	c.phase = "procurement";
	CHECK(hand(mk_store_item_change(st, a1, &c, "lee", &dec, &dg)) == MK_OK);
	CHECK_STR(q_text("SELECT phase FROM plan_items WHERE id = %lld", a1), "procurement");
	CHECK_STR(q_text("SELECT coalesce(old_value, 'none') || ' -> ' || new_value FROM element_revisions"
			 " WHERE field = 'phase' AND ref_id = %lld AND decision_id = %lld", a1, (long long)dec),
		  "none -> procurement");
	CHECK(mk_store_item_change(st, a1, &c, "lee", &dec, &dg) == MK_EARG); /* nothing changes */
	c.phase = NULL;
	c.owner = "Dana Reyes";
	CHECK(hand(mk_store_item_change(st, a1, &c, "lee", &dec, &dg)) == MK_OK);
	CHECK_STR(q_text("SELECT phase FROM plan_items WHERE id = %lld", a1), "procurement");
	CHECK(undo(0) == MK_OK);
	CHECK(undo(0) == MK_OK);
	CHECK_STR(q_text("SELECT phase FROM plan_items WHERE id = %lld", a1), "(null)");
	CHECK(q_int("SELECT count(*) FROM element_revisions WHERE field = 'phase'") == 0);
}

/* Rejecting an add_item withdraws the dependencies waiting on it; removing the call of one
 * does too (and leaves no proposal naming a deleted one). */
static void test_withdrawn(void)
{
	struct mk_proposals ps;
	struct mk_proposal *p;
	char *why;

	mk_proposals_init(&ps);
	p = prop(&ps, MK_PROP_ADD_ITEM, "a3");
	set(&p->action, "Send the order form");
	p = prop(&ps, MK_PROP_ADD_ITEM, "a4");
	set(&p->action, "Book the kickoff");
	CHECK(ingest("Acme", "call four", &ps) == MK_OK);
	mk_proposals_init(&ps);
	p = prop(&ps, MK_PROP_ADD_DEPENDENCY, "d4");
	set(&p->action, "countersign");
	p->depends_on_id = -pid("a3");
	p = prop(&ps, MK_PROP_ADD_DEPENDENCY, "d5");
	set(&p->action, "kickoff");
	p->depends_on_id = -pid("a4");
	CHECK(ingest("Acme", "call five", &ps) == MK_OK);
	CHECK(decide("a3", 0) == MK_OK);
	why = mk_sprintf("rejected: withdrawn: its item (proposal %lld) was rejected", (long long)pid("a3"));
	CHECK_STR(q_text("SELECT status || ': ' || reason FROM proposals WHERE key = 'd4'"), why);
	free(why);
	CHECK(q_int("SELECT count(*) FROM proposals WHERE status = 'pending' AND key = 'd5'") == 1);
	mk_diag_clear(&dg);
	CHECK(hand(mk_store_call_remove(st, q_int("SELECT meeting_id FROM proposals WHERE key = 'a4'"), "rep",
					NULL, &dg)) == MK_OK);
	CHECK_STR(q_text("SELECT status FROM proposals WHERE key = 'd5'"), "rejected");
	CHECK(q_int("SELECT count(*) FROM proposals WHERE depends_on_proposal_id IS NOT NULL AND"
		    " depends_on_proposal_id NOT IN (SELECT id FROM proposals)") == 0);
}

/* What cannot be approved as it stands says why, and approving it changes nothing. */
static void test_not_approvable(void)
{
	static const struct {
		const char *key, *msg;
	} want[] = {
		{ "x1", "proposal %lld has no date" },
		{ "x2", "proposal %lld says nothing of what waits" },
		{ "x3", "proposal %lld says nothing of the meeting" },
		{ "x4", "proposal %lld has no text" },
		{ "x5", "time '7pm' is not a time (HH:MM)" },
	};
	struct mk_proposals ps;
	struct mk_proposal *p;
	long long decisions = q_int("SELECT count(*) FROM decisions");
	int64_t needs = -1;
	char msg[200];

	mk_proposals_init(&ps);
	prop(&ps, MK_PROP_SET_GO_LIVE, "x1");
	p = prop(&ps, MK_PROP_ADD_DEPENDENCY, "x2");
	set(&p->text, "the NDA");
	prop(&ps, MK_PROP_SET_NEXT_MEETING, "x3");
	p = prop(&ps, MK_PROP_ADD_CRITERION, "x4");
	set(&p->text, "  ");
	p = prop(&ps, MK_PROP_SET_NEXT_MEETING, "x5");
	set(&p->time, "7pm");
	CHECK(ingest("Bravo", "call x", &ps) == MK_OK);
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		snprintf(msg, sizeof msg, want[i].msg, (long long)pid(want[i].key));
		mk_diag_clear(&dg);
		CHECK(mk_store_approve_check(st, pid(want[i].key), NULL, &needs, &dg) == MK_EARG);
		CHECK_STR(dg.msg, msg);
		CHECK(decide(want[i].key, 1) == MK_EARG);
		CHECK(decide(want[i].key, 0) == MK_OK);
	}
	CHECK(q_int("SELECT count(*) FROM decisions") == decisions + 5);
	CHECK(q_int("SELECT count(*) FROM deal_plan WHERE deal_id = 2") == 0);
}

/* A call's whole-plan findings are stored with it, each in its row. */
static void test_findings_stored(void)
{
	struct mk_findings f;
	struct mk_transcript t;
	struct mk_ingest_result res;

	mk_findings_init(&f);
	f.goals = mk_calloc(1, sizeof *f.goals);
	f.ngoals = 1;
	f.goals[0].text = mk_strdup("one week onboarding");
	f.next_meetings = mk_calloc(1, sizeof *f.next_meetings);
	f.nnext_meetings = 1;
	f.next_meetings[0].has_date = 1;
	f.next_meetings[0].date = (struct mk_date){ 2026, 4, 2 };
	f.next_meetings[0].time = mk_strdup("10:00");
	f.next_meetings[0].who = mk_strdup("the CFO");
	f.stances = mk_calloc(1, sizeof *f.stances);
	f.nstances = 1;
	f.stances[0].name = mk_strdup("Raj");
	f.stances[0].side = MK_SIDE_BUYER;
	f.stances[0].stance = MK_STANCE_SKEPTIC;
	mk_transcript_init(&t);
	mk_sha256_hex("findings", 8, t.sha256);
	mk_diag_clear(&dg);
	CHECK(hand(mk_store_ingest(st, "Bravo", &t, "2026-03-03", &f, NULL, &res, &dg)) == MK_OK);
	CHECK_STR(q_text("SELECT text FROM findings WHERE kind = 'goal' AND meeting_id = %lld",
			 (long long)res.meeting_id), "one week onboarding");
	CHECK_STR(q_text("SELECT due || ' ' || change || ' ' || name FROM findings WHERE kind = 'next_meeting'"),
		  "2026-04-02 10:00 the CFO");
	CHECK_STR(q_text("SELECT name || ' ' || side || ' ' || category FROM findings WHERE kind = 'stance'"),
		  "Raj buyer skeptic");
	mk_transcript_release(&t);
	mk_findings_release(&f);
}

/* A database of schema 10 (before the whole plan) opens, migrates and keeps its proposals;
 * its decisions then take the new kind. */
static void test_migration(void)
{
	char *old_path = mk_sprintf("%s/old.db", tmpdir);
	struct mk_store *keep = st;
	sqlite3 *db = NULL;
	int rc = sqlite3_open(old_path, &db);

	for (int v = 0; rc == SQLITE_OK && v < 10; v++)
		rc = sqlite3_exec(db, db_migrations[v], NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db,
			"PRAGMA user_version = 10;\n"
			"INSERT INTO deals (id, name, sellers, created_at) VALUES (1, 'Old', 'Sam', '2026-01-01T00:00:00Z');\n"
			"INSERT INTO proposals (deal_id, kind, action, side, key, status, created_at)\n"
			"	VALUES (1, 'add_item', 'Send the deck', 'seller', 'k1', 'pending', '2026-01-01T00:00:00Z');\n"
			"INSERT INTO proposals (deal_id, kind, action, side, key, status, created_at, decided_by)\n"
			"	VALUES (1, 'add_item', 'Old thing', 'seller', 'k2', 'pending', '2026-01-01T00:00:00Z', NULL);\n",
			NULL, NULL, NULL);
	CHECK(rc == SQLITE_OK);
	if (rc != SQLITE_OK)
		printf("#   %s\n", sqlite3_errmsg(db));
	sqlite3_close(db);
	mk_diag_clear(&dg);
	CHECK(mk_store_open(&st, old_path, &dg) == MK_OK);
	if (!st) {
		printf("#   open: %s\n", dg.msg);
		st = keep;
		free(old_path);
		return;
	}
	CHECK(q_int("PRAGMA user_version") == db_schema_version);
	CHECK(q_int("SELECT count(*) FROM proposals WHERE deal_id = 1") == 2);
	CHECK(decide("k1", 1) == MK_OK);
	CHECK_STR(q_text("SELECT summary FROM decisions WHERE proposal_id = %lld", (long long)pid("k1")),
		  "add_item \"Send the deck\"");
	CHECK(hand(mk_store_set_goal(st, "Old", "a goal", "lee", &dg)) == MK_OK);
	CHECK(q_int("SELECT count(*) FROM decisions WHERE kind = 'plan_edit'") == 1);
	CHECK(q_int("SELECT count(*) FROM pragma_foreign_key_check") == 0);
	CHECK(hand(mk_store_deal_remove(st, "Old", &dg)) == MK_OK);
	mk_store_close(st);
	st = keep;
	free(old_path);
}

static void test_deal_remove(void)
{
	mk_diag_clear(&dg);
	CHECK(q_int("SELECT count(*) FROM pragma_foreign_key_check") == 0);
	CHECK(hand(mk_store_deal_remove(st, "Acme", &dg)) == MK_OK);
	CHECK(q_int("SELECT count(*) FROM element_revisions") == 0);
	CHECK(q_int("SELECT count(*) FROM criteria") + q_int("SELECT count(*) FROM dependencies") == 0);
}

int main(void)
{
	struct mk_deal d;

	snprintf(tmpdir, sizeof tmpdir, "%s", "/tmp/mk-elements-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	db_path = mk_sprintf("%s/el.db", tmpdir);
	if (mk_store_open(&st, db_path, &dg) != MK_OK) {
		printf("Bail out! %s\n", dg.msg);
		return 1;
	}
	memset(&d, 0, sizeof d);
	d.sellers = (char *)"Sam Patel";
	d.name = (char *)"Acme";
	mk_store_deal_add(st, &d, &dg);
	d.name = (char *)"Bravo";
	mk_store_deal_add(st, &d, &dg);
	first_call();
	dependency_call();
	RUN(test_stored_and_read);
	RUN(test_approve_each);
	RUN(test_reject);
	RUN(test_dependency_on_pending);
	RUN(test_edit_element);
	RUN(test_approve_edited_and_undo);
	RUN(test_hand_setters);
	RUN(test_phase);
	RUN(test_withdrawn);
	RUN(test_not_approvable);
	RUN(test_findings_stored);
	RUN(test_migration);
	RUN(test_deal_remove);
	mk_store_close(st);
	{
		char *cmd = mk_sprintf("rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", tmpdir);
		free(cmd);
	}
	free(db_path);
	return tap_done();
}
