/*
 * test_elements.c: the whole plan in merge/ (issue 14) on hand-built plans and findings:
 * the phase of an action (mk_phase_guess, every family and the tricky ones), mk_plan_apply
 * of the six new kinds, working backward from go-live (mk_plan_backward: chains, a diamond,
 * a cycle, no go-live, no dates, slips flagging dependants, negative slack), and the
 * proposals mk_merge makes of goals, go-lives, criteria, dependencies, next meetings and
 * stances (merge/elements.c). Run from the repository root.
 */
#include "mapkeeper.h"
#include "tap.h"
#include "plan_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY "0123456789abcdef"

static void plan_person(struct mk_plan *p, const char *name, const char *role, enum mk_side side,
			enum mk_stance stance)
{
	p->people = realloc(p->people, (p->npeople + 1) * sizeof *p->people);
	p->cappeople = p->npeople + 1;
	memset(&p->people[p->npeople], 0, sizeof *p->people);
	p->people[p->npeople].id = (int64_t)p->npeople + 1;
	p->people[p->npeople].name = dup(name);
	p->people[p->npeople].role = dup(role);
	p->people[p->npeople].stance = stance;
	p->people[p->npeople++].side = side;
}

/* item waits on depends_on (by ids; the words are the items' actions) */
static void plan_dep(struct mk_plan *p, int64_t item, int64_t depends_on)
{
	struct mk_plan_dependency *d;
	char w[32], o[32];
	p->deps = realloc(p->deps, (p->ndeps + 1) * sizeof *p->deps);
	p->capdeps = p->ndeps + 1;
	d = &p->deps[p->ndeps++];
	memset(d, 0, sizeof *d);
	d->id = (int64_t)p->ndeps;
	d->item_id = item;
	d->depends_on_id = depends_on;
	snprintf(w, sizeof w, "item %lld", (long long)item);
	snprintf(o, sizeof o, "item %lld", (long long)depends_on);
	d->waiting = dup(w);
	d->on = dup(o);
}

static const struct mk_proposal no_proposal = { .kind = MK_PROP_KIND_COUNT };

/* The first proposal of kind, else an empty one of no kind (checks on it fail, not crash). */
static const struct mk_proposal *find(const struct mk_proposals *ps, enum mk_prop_kind kind)
{
	for (size_t i = 0; i < ps->n; i++)
		if (ps->v[i].kind == kind)
			return &ps->v[i];
	return &no_proposal;
}

/* Proposal i, else an empty one. */
static const struct mk_proposal *at(const struct mk_proposals *ps, size_t i)
{
	return i < ps->n ? &ps->v[i] : &no_proposal;
}

/* ---- mk_phase_guess ---- */

struct phase_case {
	const char *action;
	enum mk_phase phase;
};

static void check_phases(const struct phase_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum mk_phase got = mk_phase_guess(cases[i].action);
		if (got != cases[i].phase)
			printf("#   '%s': %s, not %s\n", cases[i].action, mk_phase_name(got),
			       mk_phase_name(cases[i].phase));
		CHECK(got == cases[i].phase);
	}
}

static void test_phase_families(void)
{
	static const struct phase_case cases[] = {
		{ "book the demo for the ops team", MK_PHASE_DISCOVERY },
		{ "send over the requirements", MK_PHASE_DISCOVERY },
		{ "set up a discovery call with IT", MK_PHASE_DISCOVERY },
		{ "share two customer references", MK_PHASE_DISCOVERY },
		{ "write up the use cases", MK_PHASE_DISCOVERY },
		{ "run the pilot with two teams", MK_PHASE_PROOF },
		{ "scope the POC", MK_PHASE_PROOF },
		{ "agree a proof of concept plan", MK_PHASE_PROOF },
		{ "start the trial", MK_PHASE_PROOF },
		{ "set up the sandbox with your lanes", MK_PHASE_PROOF },
		{ "stand up a test environment", MK_PHASE_PROOF },
		{ "agree the exit criteria", MK_PHASE_PROOF },
		{ "draft the business case", MK_PHASE_BUSINESS_CASE },
		{ "walk Farah through the ROI model", MK_PHASE_BUSINESS_CASE },
		{ "confirm the budget", MK_PHASE_BUSINESS_CASE },
		{ "get CFO approval", MK_PHASE_BUSINESS_CASE },
		{ "take it to the board for board approval", MK_PHASE_BUSINESS_CASE },
		{ "get sign-off on spend", MK_PHASE_BUSINESS_CASE },
		{ "send the vendor security review questionnaire", MK_PHASE_PROCUREMENT },
		{ "fill in the security questionnaire", MK_PHASE_PROCUREMENT },
		{ "send the SOC 2 report", MK_PHASE_PROCUREMENT },
		{ "share our SOC2 type II", MK_PHASE_PROCUREMENT },
		{ "send over our MSA", MK_PHASE_PROCUREMENT },
		{ "review the DPA", MK_PHASE_PROCUREMENT },
		{ "sign the mutual NDA", MK_PHASE_PROCUREMENT },
		{ "turn the redlines around", MK_PHASE_PROCUREMENT },
		{ "get it through legal review", MK_PHASE_PROCUREMENT },
		{ "send the insurance certificate", MK_PHASE_PROCUREMENT },
		{ "finish vendor onboarding", MK_PHASE_PROCUREMENT },
		{ "do the vendor registration", MK_PHASE_PROCUREMENT },
		{ "send a W-9", MK_PHASE_PROCUREMENT },
		{ "raise the PO", MK_PHASE_PROCUREMENT },
		{ "loop in procurement", MK_PHASE_PROCUREMENT },
		{ "send the order form", MK_PHASE_SIGNATURE },
		{ "get the contract signature done", MK_PHASE_SIGNATURE },
		{ "countersign it", MK_PHASE_SIGNATURE },
		{ "send it for e-sign", MK_PHASE_SIGNATURE },
		{ "send the DocuSign", MK_PHASE_SIGNATURE },
		{ "schedule the kickoff", MK_PHASE_SIGNATURE },
		{ "plan the implementation", MK_PHASE_ONBOARDING },
		{ "run the admin training", MK_PHASE_ONBOARDING },
		{ "plan the rollout to the stores", MK_PHASE_ONBOARDING },
		{ "confirm the go-live date", MK_PHASE_ONBOARDING },
		{ "do the SSO setup", MK_PHASE_ONBOARDING },
		{ "scope the data migration", MK_PHASE_ONBOARDING },
		{ "start onboarding", MK_PHASE_ONBOARDING },
	};
	check_phases(cases, sizeof cases / sizeof cases[0]);
}

static void test_phase_tricky(void)
{
	static const struct phase_case cases[] = {
		/* the document outweighs the verb */
		{ "send the signed NDA", MK_PHASE_PROCUREMENT },
		{ "get the countersigned NDA back", MK_PHASE_PROCUREMENT },
		{ "schedule the kickoff", MK_PHASE_SIGNATURE },
		{ "schedule the kick-off", MK_PHASE_SIGNATURE },
		{ "sign the contract (if security clears it)", MK_PHASE_SIGNATURE },
		/* a vendor's onboarding is procurement, the customer's is onboarding */
		{ "complete the vendor onboarding form", MK_PHASE_PROCUREMENT },
		{ "book the implementation kickoff", MK_PHASE_SIGNATURE },
		{ "send the security requirements", MK_PHASE_PROCUREMENT },
		{ "demo the sandbox to the team", MK_PHASE_PROOF },
		{ "share the pilot's exit criteria", MK_PHASE_PROOF },
		{ "SEND THE NDA'S FINAL VERSION", MK_PHASE_PROCUREMENT },
		{ "sign the Routewise contract", MK_PHASE_SIGNATURE },
		{ "get Paul's sign-off on the liability position", MK_PHASE_PROCUREMENT },
		{ "get Paul's sign-off", MK_PHASE_BUSINESS_CASE },
		{ "sign up for the trial", MK_PHASE_PROOF },
		{ "set up single sign-on for the test tenant", MK_PHASE_ONBOARDING },
		{ "request certificates of insurance from the broker", MK_PHASE_PROCUREMENT },
		{ "return redlines on the BAA", MK_PHASE_PROCUREMENT },
		{ "send a revised quote", MK_PHASE_BUSINESS_CASE },
		/* whole words only */
		{ "update the pipeline report", MK_PHASE_DISCOVERY },   /* not "po" in "pipeline" */
		{ "build the dashboard", MK_PHASE_DISCOVERY },          /* not "board" */
		{ "check the ndarray export", MK_PHASE_DISCOVERY },
		{ "follow up", MK_PHASE_DISCOVERY },
		{ "", MK_PHASE_DISCOVERY },
	};
	check_phases(cases, sizeof cases / sizeof cases[0]);
	CHECK(mk_phase_guess(NULL) == MK_PHASE_DISCOVERY);
}

/* ---- mk_plan_apply of the whole plan's kinds ---- */

/* A person or a risk waiting for review joins the plan as it will be with every field set:
 * no stance, not met, not shareable, whatever the grown array held before (ingest -j 1 and
 * -j 3 once proposed different stances from such leftovers). */
static void test_apply_fresh_fields(void)
{
	struct mk_plan p;
	struct mk_proposal add = { .kind = MK_PROP_ADD_STAKEHOLDER, .name = "Dana Okoro", .role = "CFO",
				   .side = MK_SIDE_BUYER };
	struct mk_proposal risk = { .kind = MK_PROP_ADD_RISK, .category = "budget", .text = "no budget" };

	mk_plan_init(&p);
	p.cappeople = p.caprisks = 8;
	p.people = malloc(8 * sizeof *p.people);
	p.risks = malloc(8 * sizeof *p.risks);
	memset(p.people, 0xA5, 8 * sizeof *p.people);
	memset(p.risks, 0xA5, 8 * sizeof *p.risks);
	CHECK(mk_plan_apply(&p, &add, 0) == MK_OK && p.npeople == 1);
	CHECK(p.people[0].stance == MK_STANCE_UNKNOWN && !p.people[0].met && p.people[0].id == 0);
	CHECK(mk_plan_apply(&p, &risk, 0) == MK_OK && p.nrisks == 1 && !p.risks[0].shareable);
	mk_plan_release(&p);
}

static void test_apply_elements(void)
{
	struct mk_plan p;
	struct mk_proposal q;

	mk_plan_init(&p);
	plan_item(&p, 3, "sign the mutual NDA", "Dale Whitaker", MK_SIDE_BUYER, day(2026, 5, 28));
	plan_item(&p, -9, "run the security review", "Arjun Mehta", MK_SIDE_BUYER, day(2026, 6, 2));
	plan_person(&p, "Dana Ortiz", "VP Operations", MK_SIDE_BUYER, MK_STANCE_UNKNOWN);
	plan_person(&p, NULL, "CFO", MK_SIDE_BUYER, MK_STANCE_SKEPTIC);

	memset(&q, 0, sizeof q);
	q.kind = MK_PROP_SET_GOAL;
	q.text = "cut onboarding from three weeks to one";
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK);
	CHECK_STR(p.goal, "cut onboarding from three weeks to one");
	CHECK(p.goal != q.text);
	q.text = "be live for open enrollment";
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK);
	CHECK_STR(p.goal, "be live for open enrollment");

	memset(&q, 0, sizeof q);
	q.kind = MK_PROP_SET_GO_LIVE;
	q.has_due = 1;
	q.due = day(2026, 9, 30);
	q.category = "signed";
	q.text = "by the end of Q3";
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK);
	CHECK(p.has_go_live && day_eq(p.go_live, day(2026, 9, 30)));
	CHECK_STR(p.go_live_kind, "signed");
	q.category = NULL;
	q.due = day(2026, 10, 1);
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK);
	CHECK(day_eq(p.go_live, day(2026, 10, 1)));
	CHECK_STR(p.go_live_kind, "live");

	memset(&q, 0, sizeof q);
	q.kind = MK_PROP_ADD_CRITERION;
	q.text = "95% of claims route without a touch";
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK);
	q.text = "agents save an hour a day";
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK);
	CHECK(p.ncriteria == 2 && p.criteria[0].id == 1 && p.criteria[1].id == 2 && p.criteria[1].agreed);
	CHECK_STR(p.criteria[1].text, "agents save an hour a day");

	/* items by id (a pending one too), resolved to their actions; words when none */
	memset(&q, 0, sizeof q);
	q.kind = MK_PROP_ADD_DEPENDENCY;
	q.item_id = -9;
	q.action = "security review";
	q.depends_on_id = 3;
	q.text = "NDA signed";
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK);
	CHECK(p.ndeps == 1 && p.deps[0].id == 1 && p.deps[0].item_id == -9 && p.deps[0].depends_on_id == 3);
	CHECK_STR(p.deps[0].waiting, "run the security review");
	CHECK_STR(p.deps[0].on, "sign the mutual NDA");
	q.item_id = 0;
	q.depends_on_id = 0;
	q.action = "the pilot";
	q.text = "the sandbox";
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK);
	CHECK(p.ndeps == 2 && p.deps[1].id == 2 && !p.deps[1].item_id && !p.deps[1].depends_on_id);
	CHECK_STR(p.deps[1].waiting, "the pilot");
	CHECK_STR(p.deps[1].on, "the sandbox");
	q.depends_on_id = 44;
	CHECK(mk_plan_apply(&p, &q, 0) == MK_ENOTFOUND && p.ndeps == 2);
	q.depends_on_id = 0;
	q.item_id = 45;
	CHECK(mk_plan_apply(&p, &q, 0) == MK_ENOTFOUND && p.ndeps == 2);

	memset(&q, 0, sizeof q);
	q.kind = MK_PROP_SET_NEXT_MEETING;
	q.has_due = 1;
	q.due = day(2026, 6, 4);
	q.time = "10:00";
	q.name = "the CFO";
	q.text = "walk through pricing";
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK);
	CHECK(p.has_next_meeting && day_eq(p.next_meeting, day(2026, 6, 4)));
	CHECK_STR(p.next_meeting_time, "10:00");
	CHECK_STR(p.next_meeting_who, "the CFO");
	CHECK_STR(p.next_meeting_purpose, "walk through pricing");
	q.has_due = 0;
	q.time = NULL;
	q.name = NULL;
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK);
	CHECK(!p.has_next_meeting && !p.next_meeting_time && !p.next_meeting_who);

	/* by first name, or by role when no name is said */
	memset(&q, 0, sizeof q);
	q.kind = MK_PROP_SET_STANCE;
	q.name = "Dana";
	q.category = "champion";
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK && p.people[0].stance == MK_STANCE_CHAMPION);
	q.name = NULL;
	q.role = "cfo";
	q.category = "supporter";
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK && p.people[1].stance == MK_STANCE_SUPPORTER);
	q.role = "General Counsel";
	CHECK(mk_plan_apply(&p, &q, 0) == MK_ENOTFOUND);
	q.role = "CFO";
	q.category = "lukewarm";
	CHECK(mk_plan_apply(&p, &q, 0) == MK_EFORMAT && p.people[1].stance == MK_STANCE_SUPPORTER);

	/* an item added gets the phase its words give */
	memset(&q, 0, sizeof q);
	q.kind = MK_PROP_ADD_ITEM;
	q.action = "send the signed NDA";
	CHECK(mk_plan_apply(&p, &q, 12) == MK_OK && p.items[2].phase == MK_PHASE_PROCUREMENT);
	mk_plan_release(&p);
}

/* ---- mk_plan_backward ---- */

static const struct mk_backward_item *bw_item(const struct mk_backward *b, int64_t id)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->items[i].item_id == id)
			return &b->items[i];
	return NULL;
}

static int bw_path_is(const struct mk_backward *b, const int64_t *ids, size_t n)
{
	if (b->npath != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (b->path[i] != ids[i])
			return 0;
	return 1;
}

/* 1 <- 2 <- 3 (3 waits on 2, 2 on 1), the middle one due before what it waits on */
static void test_backward_chain(void)
{
	struct mk_plan p;
	struct mk_backward b;
	static const int64_t path[] = { 1, 2, 3 };

	mk_plan_init(&p);
	plan_item(&p, 1, "sign the mutual NDA", "Dale", MK_SIDE_BUYER, day(2026, 6, 10));
	plan_item(&p, 2, "run the security review", "Arjun", MK_SIDE_BUYER, day(2026, 6, 5));
	plan_item(&p, 3, "sign the order form", "Dale", MK_SIDE_BUYER, day(2026, 6, 20));
	plan_item(&p, 4, "book the training", "Nadia", MK_SIDE_SELLER, day(2026, 6, 1));
	plan_dep(&p, 2, 1);
	plan_dep(&p, 3, 2);
	p.has_go_live = 1;
	p.go_live = day(2026, 6, 30);
	mk_plan_backward(&p, day(2026, 5, 1), &b);
	CHECK(b.n == 4 && !b.cycle);
	CHECK(b.items[0].item_id == 1 && b.items[3].item_id == 4); /* in plan order */
	/* 2 cannot end before the NDA it waits on */
	CHECK(bw_item(&b, 2)->has_finish && day_eq(bw_item(&b, 2)->finish, day(2026, 6, 10)));
	CHECK(day_eq(bw_item(&b, 3)->finish, day(2026, 6, 20)));
	CHECK(b.has_end && day_eq(b.end, day(2026, 6, 20)));
	CHECK(bw_path_is(&b, path, 3));
	CHECK(bw_item(&b, 1)->critical && bw_item(&b, 2)->critical && bw_item(&b, 3)->critical);
	CHECK(!bw_item(&b, 4)->critical);
	CHECK(b.has_go_live && b.has_slack && b.slack_days == 10);
	CHECK(!bw_item(&b, 3)->past_go_live && !bw_item(&b, 3)->late && !bw_item(&b, 3)->held_by);
	mk_backward_release(&b);
	CHECK(b.items == NULL && b.path == NULL && b.n == 0);

	/* the chain's end moved past go-live: negative slack, and those past it say so */
	p.items[2].due = day(2026, 7, 3);
	mk_plan_backward(&p, day(2026, 5, 1), &b);
	CHECK(b.has_slack && b.slack_days == -3);
	CHECK(bw_item(&b, 3)->past_go_live && !bw_item(&b, 2)->past_go_live);
	mk_backward_release(&b);
	mk_plan_release(&p);
}

/* 4 waits on 2 and 3, both wait on 1; 3 ends later, so the path goes through it */
static void test_backward_diamond(void)
{
	struct mk_plan p;
	struct mk_backward b;
	static const int64_t path[] = { 1, 3, 4 };

	mk_plan_init(&p);
	plan_item(&p, 1, "agree the exit criteria", NULL, MK_SIDE_BUYER, day(2026, 3, 2));
	plan_item(&p, 2, "run the pilot", NULL, MK_SIDE_BUYER, day(2026, 3, 10));
	plan_item(&p, 3, "draft the business case", NULL, MK_SIDE_BUYER, day(2026, 3, 12));
	plan_item(&p, 4, "get CFO approval", NULL, MK_SIDE_BUYER, (struct mk_date){ 0, 0, 0 });
	plan_dep(&p, 2, 1);
	plan_dep(&p, 3, 1);
	plan_dep(&p, 4, 2);
	plan_dep(&p, 4, 3);
	plan_dep(&p, 4, 3); /* said twice */
	mk_plan_backward(&p, day(2026, 3, 1), &b);
	CHECK(!b.cycle && b.n == 4);
	/* no due of its own: it finishes when what it waits on does */
	CHECK(bw_item(&b, 4)->has_finish && day_eq(bw_item(&b, 4)->finish, day(2026, 3, 12)));
	CHECK(bw_path_is(&b, path, 3));
	CHECK(!bw_item(&b, 2)->critical);
	/* no go-live: no slack, nothing past it */
	CHECK(!b.has_go_live && !b.has_slack && b.has_end && !bw_item(&b, 4)->past_go_live);
	mk_backward_release(&b);

	/* the pilot slipped: what waits on it, directly or not, is held up by it */
	p.items[1].slipped = 1;
	mk_plan_backward(&p, day(2026, 3, 1), &b);
	CHECK(bw_item(&b, 2)->late && !bw_item(&b, 3)->late);
	CHECK(bw_item(&b, 4)->held_by == 2 && !bw_item(&b, 3)->held_by && !bw_item(&b, 2)->held_by);
	mk_backward_release(&b);

	/* the first one is overdue on today and holds up everything after it */
	p.items[1].slipped = 0;
	mk_plan_backward(&p, day(2026, 3, 5), &b);
	CHECK(bw_item(&b, 1)->late && !bw_item(&b, 2)->late);
	CHECK(bw_item(&b, 2)->held_by == 1 && bw_item(&b, 3)->held_by == 1 && bw_item(&b, 4)->held_by == 1);
	mk_backward_release(&b);

	/* a blocked item holds up what waits on it; a done one finishes nothing */
	p.items[2].status = MK_STATUS_BLOCKED;
	p.items[0].status = MK_STATUS_DONE;
	mk_plan_backward(&p, day(2026, 3, 5), &b);
	CHECK(b.n == 3 && !bw_item(&b, 1));
	CHECK(bw_item(&b, 4)->held_by == 3 && !bw_item(&b, 2)->held_by);
	mk_backward_release(&b);
	mk_plan_release(&p);
}

static void test_backward_cycle(void)
{
	struct mk_plan p;
	struct mk_backward b;

	mk_plan_init(&p);
	plan_item(&p, 1, "sign the DPA", NULL, MK_SIDE_BUYER, day(2026, 4, 20));
	plan_item(&p, 2, "finish the security review", NULL, MK_SIDE_BUYER, day(2026, 4, 10));
	plan_item(&p, 3, "sign the order form", NULL, MK_SIDE_BUYER, day(2026, 4, 15));
	plan_item(&p, 5, "kickoff", NULL, MK_SIDE_SELLER, day(2026, 4, 1));
	plan_dep(&p, 1, 2);
	plan_dep(&p, 2, 1);     /* each waits on the other */
	plan_dep(&p, 3, 2);     /* outside the cycle: kept */
	plan_dep(&p, 5, 5);     /* waits on itself */
	mk_plan_backward(&p, day(2026, 4, 1), &b);
	CHECK(b.cycle && b.n == 4);
	/* the cycle's edges are dropped: each keeps its own due */
	CHECK(day_eq(bw_item(&b, 1)->finish, day(2026, 4, 20)));
	CHECK(day_eq(bw_item(&b, 2)->finish, day(2026, 4, 10)));
	CHECK(day_eq(bw_item(&b, 3)->finish, day(2026, 4, 15)));
	CHECK(day_eq(bw_item(&b, 5)->finish, day(2026, 4, 1)));
	CHECK(b.npath == 1 && b.path[0] == 1 && day_eq(b.end, day(2026, 4, 20)));
	mk_backward_release(&b);

	/* no cycle once one of them is done */
	p.items[0].status = MK_STATUS_DONE;
	p.ndeps--;
	free(p.deps[p.ndeps].waiting);
	free(p.deps[p.ndeps].on);
	mk_plan_backward(&p, day(2026, 4, 1), &b);
	CHECK(!b.cycle && b.npath == 2 && b.path[0] == 2 && b.path[1] == 3);
	mk_backward_release(&b);
	mk_plan_release(&p);
}

static void test_backward_no_dates(void)
{
	struct mk_plan p;
	struct mk_backward b;
	struct mk_date none = { 0, 0, 0 };

	mk_plan_init(&p);
	mk_plan_backward(&p, day(2026, 4, 1), &b);
	CHECK(b.n == 0 && !b.has_end && !b.has_slack && b.npath == 0 && !b.cycle);
	mk_backward_release(&b);

	plan_item(&p, 1, "send the W-9", NULL, MK_SIDE_BUYER, none);
	plan_item(&p, 2, "raise the PO", NULL, MK_SIDE_BUYER, none);
	plan_dep(&p, 2, 1);
	p.has_go_live = 1;
	p.go_live = day(2026, 5, 1);
	mk_plan_backward(&p, day(2026, 4, 1), &b);
	CHECK(b.n == 2 && !b.has_end && !b.has_slack && b.has_go_live && b.npath == 0);
	CHECK(!bw_item(&b, 2)->has_finish && !bw_item(&b, 2)->late && !bw_item(&b, 2)->past_go_live);
	mk_backward_release(&b);

	/* a dependency on no item (words only) or on an item not on the plan is ignored */
	plan_dep(&p, 2, 0);
	plan_dep(&p, 2, 99);
	mk_plan_backward(&p, day(2026, 4, 1), &b);
	CHECK(b.n == 2 && !b.cycle);
	mk_backward_release(&b);
	mk_plan_backward(NULL, day(2026, 4, 1), &b);
	CHECK(b.n == 0);
	mk_backward_release(&b);
	mk_plan_release(&p);
}

/* A long chain (no recursion to run out of stack), the path through all of it. */
static void test_backward_long_chain(void)
{
	struct mk_plan p;
	struct mk_backward b;
	enum { N = 3000 };

	mk_plan_init(&p);
	for (int i = 1; i <= N; i++)
		plan_item(&p, i, "step", NULL, MK_SIDE_BUYER, i == 1 ? day(2026, 1, 1) : (struct mk_date){ 0, 0, 0 });
	for (int i = 2; i <= N; i++)
		plan_dep(&p, i, i - 1);
	plan_dep(&p, 1, N);     /* closes one big cycle */
	mk_plan_backward(&p, day(2026, 1, 1), &b);
	CHECK(b.cycle && b.npath == 1 && b.path[0] == 1); /* every edge of it dropped */
	mk_backward_release(&b);
	p.ndeps--;
	free(p.deps[p.ndeps].waiting);
	free(p.deps[p.ndeps].on);
	mk_plan_backward(&p, day(2026, 1, 1), &b);
	CHECK(!b.cycle && b.npath == N && b.path[0] == 1 && b.path[N - 1] == N);
	CHECK(day_eq(bw_item(&b, N)->finish, day(2026, 1, 1)));
	mk_backward_release(&b);
	mk_plan_release(&p);
}

/* ---- proposals from the call's elements (mk_merge, merge/elements.c) ---- */

static void add_goal(struct mk_findings *f, const char *text, struct mk_evidence e)
{
	f->goals = realloc(f->goals, (f->ngoals + 1) * sizeof *f->goals);
	memset(&f->goals[f->ngoals], 0, sizeof *f->goals);
	f->goals[f->ngoals].text = dup(text);
	f->goals[f->ngoals].rule = "test";
	f->goals[f->ngoals++].ev = e;
}

static void add_go_live(struct mk_findings *f, const char *kind, struct mk_date date, const char *words,
			struct mk_evidence e)
{
	struct mk_go_live *g;
	f->go_lives = realloc(f->go_lives, (f->ngo_lives + 1) * sizeof *f->go_lives);
	g = &f->go_lives[f->ngo_lives++];
	memset(g, 0, sizeof *g);
	g->kind = kind;
	g->has_date = date.y != 0;
	g->date = date;
	g->date_text = dup(words);
	g->rule = "test";
	g->ev = e;
}

static void add_criterion(struct mk_findings *f, const char *text, struct mk_evidence e)
{
	f->criteria = realloc(f->criteria, (f->ncriteria + 1) * sizeof *f->criteria);
	memset(&f->criteria[f->ncriteria], 0, sizeof *f->criteria);
	f->criteria[f->ncriteria].text = dup(text);
	f->criteria[f->ncriteria].rule = "test";
	f->criteria[f->ncriteria++].ev = e;
}

static void add_dependency(struct mk_findings *f, const char *waiting, const char *on, struct mk_evidence e)
{
	struct mk_dependency *d;
	f->dependencies = realloc(f->dependencies, (f->ndependencies + 1) * sizeof *f->dependencies);
	d = &f->dependencies[f->ndependencies++];
	memset(d, 0, sizeof *d);
	d->waiting = dup(waiting);
	d->on = dup(on);
	d->rule = "test";
	d->ev = e;
}

static void add_next_meeting(struct mk_findings *f, struct mk_date date, const char *time, const char *who,
			     const char *purpose, struct mk_evidence e)
{
	struct mk_next_meeting *m;
	f->next_meetings = realloc(f->next_meetings, (f->nnext_meetings + 1) * sizeof *f->next_meetings);
	m = &f->next_meetings[f->nnext_meetings++];
	memset(m, 0, sizeof *m);
	m->has_date = date.y != 0;
	m->date = date;
	m->time = dup(time);
	m->who = dup(who);
	m->purpose = dup(purpose);
	m->rule = "test";
	m->ev = e;
}

static void add_stance(struct mk_findings *f, const char *name, const char *role, enum mk_side side,
		       enum mk_stance stance, struct mk_evidence e)
{
	struct mk_stance_finding *x;
	f->stances = realloc(f->stances, (f->nstances + 1) * sizeof *f->stances);
	x = &f->stances[f->nstances++];
	memset(x, 0, sizeof *x);
	x->name = dup(name);
	x->role = dup(role);
	x->side = side;
	x->stance = stance;
	x->rule = "test";
	x->ev = e;
}

/* How many proposals of kind (MK_PROP_KIND_COUNT: of any kind) merging f into p makes. */
static size_t merged(const struct mk_plan *p, const struct mk_findings *f, enum mk_prop_kind kind)
{
	struct mk_proposals ps;
	size_t n;
	CHECK(mk_merge(p, f, KEY, &ps) == MK_OK);
	n = kind == MK_PROP_KIND_COUNT ? ps.n : count(&ps, kind);
	mk_proposals_release(&ps);
	return n;
}

/* Every proposal keyed by this meeting, its kind and its evidence, no key twice, no label. */
static void check_keys(const struct mk_proposals *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		char prefix[64];
		snprintf(prefix, sizeof prefix, "%s:%s:", KEY, mk_prop_kind_name(ps->v[i].kind));
		CHECK(ps->v[i].key && !strncmp(ps->v[i].key, prefix, strlen(prefix)));
		CHECK(ps->v[i].meeting == NULL && ps->v[i].ev.quote && ps->v[i].confidence > 0);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(ps->v[i].key, ps->v[j].key));
	}
}

static void test_merge_goal(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;
	const struct mk_proposal *x;

	mk_plan_init(&p);
	mk_findings_init(&f);
	add_goal(&f, "cut onboarding from three weeks to one",
		 ev("Dana Ortiz", 60, "What we need is to cut onboarding from three weeks to one."));
	add_goal(&f, "cut onboarding from 3 weeks to one", ev("Dana Ortiz", 90, "Cut onboarding from 3 weeks to one."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	x = find(&ps, MK_PROP_SET_GOAL);
	CHECK(ps.n == 1 && x->kind == MK_PROP_SET_GOAL);
	CHECK_STR(x->text, "cut onboarding from three weeks to one");
	CHECK_STR(x->ev.speaker, "Dana Ortiz");
	CHECK(x->ev.start_ms == 60000 && x->item_id == 0);
	check_keys(&ps);
	mk_proposals_release(&ps);

	/* the plan's goal in other words: nothing; another goal: proposed */
	p.goal = dup("Cut onboarding time from three weeks to one week");
	CHECK(merged(&p, &f, MK_PROP_KIND_COUNT) == 0);
	free(p.goal);
	p.goal = dup("replace the legacy claims system before renewal");
	CHECK(merged(&p, &f, MK_PROP_SET_GOAL) == 1);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

static void test_merge_go_live(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;
	const struct mk_proposal *x;

	mk_plan_init(&p);
	mk_findings_init(&f);
	add_go_live(&f, "live", day(2026, 9, 30), "by the end of Q3",
		    ev("Dana Ortiz", 30, "We have to be live by the end of Q3."));
	add_go_live(&f, "live", (struct mk_date){ 0, 0, 0 }, "soon", ev("Dana Ortiz", 40, "Soon, anyway."));
	add_go_live(&f, "live", day(2026, 9, 30), "end of September", ev("Raj Patel", 50, "End of September, yes."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	x = find(&ps, MK_PROP_SET_GO_LIVE);
	CHECK(ps.n == 1 && x->kind == MK_PROP_SET_GO_LIVE);
	CHECK(x->has_due && day_eq(x->due, day(2026, 9, 30)));
	CHECK_STR(x->category, "live");
	CHECK_STR(x->text, "by the end of Q3");
	check_keys(&ps);
	mk_proposals_release(&ps);

	p.has_go_live = 1;
	p.go_live = day(2026, 9, 30);
	p.go_live_kind = dup("live");
	CHECK(merged(&p, &f, MK_PROP_KIND_COUNT) == 0);
	/* the same day, but signed by rather than live by */
	free(p.go_live_kind);
	p.go_live_kind = dup("signed");
	CHECK(merged(&p, &f, MK_PROP_SET_GO_LIVE) == 1);
	/* another day */
	free(p.go_live_kind);
	p.go_live_kind = dup("live");
	p.go_live = day(2026, 10, 31);
	CHECK(merged(&p, &f, MK_PROP_SET_GO_LIVE) == 1);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

static void test_merge_criteria(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;

	mk_plan_init(&p);
	p.criteria = calloc(1, sizeof *p.criteria);
	p.ncriteria = p.capcriteria = 1;
	p.criteria[0].id = 1;
	p.criteria[0].text = dup("95% of claims route without a touch");
	mk_findings_init(&f);
	add_criterion(&f, "95 percent of claims routed without a touch",
		      ev("Dana Ortiz", 10, "Success is 95 percent of claims routed without a touch."));
	add_criterion(&f, "agents save an hour a day", ev("Dana Ortiz", 20, "And agents save an hour a day."));
	add_criterion(&f, "Agents save an hour a day", ev("Raj Patel", 25, "Agents save an hour a day, yes."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	CHECK(ps.n == 1 && count(&ps, MK_PROP_ADD_CRITERION) == 1);
	CHECK_STR(at(&ps, 0)->text, "agents save an hour a day");
	check_keys(&ps);
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

/* A plan after two calls: stored items and one still pending (-7). */
static void dep_plan(struct mk_plan *p)
{
	mk_plan_init(p);
	plan_item(p, 1, "run the vendor security review", "Arjun Mehta", MK_SIDE_BUYER, day(2026, 6, 2));
	plan_item(p, 2, "set up the sandbox with your lanes", "Joon-ho Park", MK_SIDE_SELLER, day(2026, 5, 29));
	plan_item(p, 3, "pull the April load data out of LoadStar", "Rosa Delgado", MK_SIDE_BUYER,
		  day(2026, 5, 27));
	plan_item(p, -7, "sign the mutual NDA", "Dale Whitaker", MK_SIDE_BUYER, day(2026, 5, 28));
}

static void test_merge_dependency(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;
	const struct mk_proposal *x;

	dep_plan(&p);
	mk_findings_init(&f);
	add_dependency(&f, "security review", "NDA signed",
		       ev("Arjun Mehta", 100, "Security can't start the review until the NDA is signed."));
	add_dependency(&f, "the board vote", "a reference call",
		       ev("Dana Ortiz", 200, "The board won't vote before they've had a reference call."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	CHECK(ps.n == 2);
	x = at(&ps, 0);
	CHECK(x->kind == MK_PROP_ADD_DEPENDENCY && x->item_id == 1 && x->depends_on_id == -7);
	CHECK_STR(x->action, "run the vendor security review");
	CHECK_STR(x->text, "sign the mutual NDA");
	CHECK_STR(x->owner, "Arjun Mehta");
	/* words that are no item stay words */
	x = at(&ps, 1);
	CHECK(x->kind == MK_PROP_ADD_DEPENDENCY && x->item_id == 0 && x->depends_on_id == 0);
	CHECK_STR(x->action, "the board vote");
	CHECK_STR(x->text, "a reference call");
	CHECK(x->confidence < at(&ps, 0)->confidence);
	check_keys(&ps);
	mk_proposals_release(&ps);

	/* the plan holds both already: by item ids, and by the words */
	plan_dep(&p, 1, -7);
	p.deps = realloc(p.deps, (p.ndeps + 1) * sizeof *p.deps);
	memset(&p.deps[p.ndeps], 0, sizeof *p.deps);
	p.deps[p.ndeps].id = 9;
	p.deps[p.ndeps].waiting = dup("the board's vote");
	p.deps[p.ndeps++].on = dup("reference calls");
	CHECK(merged(&p, &f, MK_PROP_KIND_COUNT) == 0);
	/* the other way round is another dependency */
	free(p.deps[0].waiting);
	free(p.deps[0].on);
	p.deps[0].item_id = -7;
	p.deps[0].depends_on_id = 1;
	p.deps[0].waiting = dup("sign the mutual NDA");
	p.deps[0].on = dup("run the vendor security review");
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK && ps.n == 1 && at(&ps, 0)->item_id == 1);
	mk_proposals_release(&ps);
	mk_findings_release(&f);

	/* said twice in one call: once; one step the only match of both: not its own dependency */
	mk_findings_init(&f);
	add_dependency(&f, "the sandbox", "the load data", ev("Joon-ho Park", 10, "The sandbox needs the load data first."));
	add_dependency(&f, "sandbox", "April load data", ev("Joon-ho Park", 20, "No sandbox without the April load data."));
	add_dependency(&f, "the sandbox lanes", "the sandbox", ev("Joon-ho Park", 30, "The sandbox lanes wait on the sandbox."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	CHECK(count(&ps, MK_PROP_ADD_DEPENDENCY) == 2);
	CHECK(at(&ps, 0)->item_id == 2 && at(&ps, 0)->depends_on_id == 3);
	CHECK(at(&ps, 1)->item_id == 2 && at(&ps, 1)->depends_on_id == 0);
	CHECK_STR(at(&ps, 1)->text, "the sandbox");
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

static void test_merge_next_meeting(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;
	const struct mk_proposal *x;

	mk_plan_init(&p);
	mk_findings_init(&f);
	add_next_meeting(&f, day(2026, 6, 4), "10:00", "the CFO", "walk through pricing",
			 ev("Maya Brooks", 500, "Let's get the CFO on a call Thursday at ten to walk through pricing."));
	add_next_meeting(&f, day(2026, 6, 4), "10:00", NULL, NULL, ev("Dana Ortiz", 510, "Thursday at ten works."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	x = find(&ps, MK_PROP_SET_NEXT_MEETING);
	CHECK(ps.n == 1 && x->kind == MK_PROP_SET_NEXT_MEETING);
	CHECK(x->has_due && day_eq(x->due, day(2026, 6, 4)));
	CHECK_STR(x->time, "10:00");
	CHECK_STR(x->name, "the CFO");
	CHECK_STR(x->text, "walk through pricing");
	check_keys(&ps);
	mk_proposals_release(&ps);

	p.has_next_meeting = 1;
	p.next_meeting = day(2026, 6, 4);
	p.next_meeting_time = dup("10:00");
	CHECK(merged(&p, &f, MK_PROP_KIND_COUNT) == 0);
	free(p.next_meeting_time);
	p.next_meeting_time = dup("14:30");
	CHECK(merged(&p, &f, MK_PROP_SET_NEXT_MEETING) == 1);
	mk_findings_release(&f);

	/* no day said: the plan's meeting at another hour keeps its day; no hour either: nothing */
	mk_findings_init(&f);
	add_next_meeting(&f, (struct mk_date){ 0, 0, 0 }, "11:00", NULL, NULL,
			 ev("Maya Brooks", 600, "Can we make it eleven instead?"));
	add_next_meeting(&f, (struct mk_date){ 0, 0, 0 }, NULL, "Dana", NULL,
			 ev("Maya Brooks", 620, "And we'll bring Dana next time."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK && ps.n == 1);
	CHECK(at(&ps, 0)->has_due && day_eq(at(&ps, 0)->due, day(2026, 6, 4)));
	CHECK_STR(at(&ps, 0)->time, "11:00");
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

static void test_merge_stance(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;
	const struct mk_proposal *x;

	mk_plan_init(&p);
	plan_person(&p, "Dana Ortiz", "VP Operations", MK_SIDE_BUYER, MK_STANCE_UNKNOWN);
	plan_person(&p, NULL, "CFO", MK_SIDE_BUYER, MK_STANCE_SKEPTIC);
	mk_findings_init(&f);
	/* the sentence's side is wrong ("Dana" read as the seller's): the plan's person wins */
	add_stance(&f, "Dana", NULL, MK_SIDE_SELLER, MK_STANCE_CHAMPION,
		   ev("Raj Patel", 10, "Dana's been pushing for this internally."));
	add_stance(&f, NULL, "CFO", MK_SIDE_BUYER, MK_STANCE_SKEPTIC,
		   ev("Raj Patel", 20, "Our CFO still isn't convinced the ROI is there."));
	add_stance(&f, "Priya Shah", "General Counsel", MK_SIDE_BUYER, MK_STANCE_BLOCKER,
		   ev("Raj Patel", 30, "Priya wants to kill this."));
	add_stance(&f, "Tariq", NULL, MK_SIDE_BUYER, MK_STANCE_UNKNOWN, ev("Raj Patel", 40, "Tariq, who knows."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	/* Dana changed; the CFO did not; Priya is nobody the plan or the call names */
	x = find(&ps, MK_PROP_SET_STANCE);
	CHECK(ps.n == 1 && x->kind == MK_PROP_SET_STANCE);
	CHECK_STR(x->name, "Dana Ortiz");
	CHECK_STR(x->category, "champion");
	CHECK(x->side == MK_SIDE_BUYER);
	CHECK_STR(x->role, "VP Operations");
	check_keys(&ps);
	mk_proposals_release(&ps);

	/* named as a stakeholder on this call: the stance comes after it */
	add_stakeholder(&f, "Priya Shah", "General Counsel", MK_SIDE_BUYER, ev("Raj Patel", 28, "Priya Shah, our GC."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	CHECK(ps.n == 3 && at(&ps, 0)->kind == MK_PROP_ADD_STAKEHOLDER);
	CHECK(at(&ps, 1)->kind == MK_PROP_SET_STANCE && at(&ps, 2)->kind == MK_PROP_SET_STANCE);
	CHECK_STR(at(&ps, 2)->name, "Priya Shah");
	CHECK_STR(at(&ps, 2)->category, "blocker");
	mk_proposals_release(&ps);
	mk_findings_release(&f);

	/* said again in the call: once; changed again in the call: the change */
	mk_findings_init(&f);
	add_stance(&f, NULL, "CFO", MK_SIDE_BUYER, MK_STANCE_SUPPORTER, ev("Raj Patel", 10, "The CFO came round."));
	add_stance(&f, NULL, "CFO", MK_SIDE_BUYER, MK_STANCE_SUPPORTER, ev("Raj Patel", 20, "She likes it now."));
	add_stance(&f, NULL, "CFO", MK_SIDE_BUYER, MK_STANCE_SKEPTIC, ev("Raj Patel", 30, "Well, she has doubts again."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK && ps.n == 2);
	CHECK_STR(at(&ps, 0)->category, "supporter");
	CHECK_STR(at(&ps, 1)->category, "skeptic");
	CHECK_STR(at(&ps, 1)->role, "CFO");
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

/* Every element of a call approved (or pending: -P) is on the plan the next merge sees, so
 * the same call again proposes none of them; the same merge twice keys alike. */
static void test_merge_elements_as_it_will_be(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps, again;

	dep_plan(&p);
	plan_person(&p, "Dana Ortiz", "VP Operations", MK_SIDE_BUYER, MK_STANCE_UNKNOWN);
	mk_findings_init(&f);
	add_goal(&f, "cut onboarding from three weeks to one", ev("Dana Ortiz", 5, "Cut onboarding from three weeks to one."));
	add_go_live(&f, "signed", day(2026, 6, 30), "by June 30", ev("Dana Ortiz", 6, "Signed by June 30."));
	add_criterion(&f, "agents save an hour a day", ev("Dana Ortiz", 7, "Agents save an hour a day."));
	add_dependency(&f, "security review", "NDA signed", ev("Arjun Mehta", 8, "Security review waits on the NDA."));
	add_dependency(&f, "the board vote", "a reference call", ev("Arjun Mehta", 8, "Security review waits on the NDA."));
	add_next_meeting(&f, day(2026, 6, 4), "10:00", "the CFO", NULL, ev("Dana Ortiz", 9, "Thursday at ten with the CFO."));
	add_stance(&f, "Dana", NULL, MK_SIDE_BUYER, MK_STANCE_CHAMPION, ev("Arjun Mehta", 11, "Dana is all in."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	CHECK(ps.n == 7);
	check_keys(&ps);
	CHECK(mk_merge(&p, &f, KEY, &again) == MK_OK && again.n == ps.n);
	for (size_t i = 0; i < ps.n && i < again.n; i++)
		CHECK_STR(ps.v[i].key, again.v[i].key);
	mk_proposals_release(&again);
	for (size_t i = 0; i < ps.n; i++) {
		ps.v[i].id = 40 + (int64_t)i;
		CHECK(mk_plan_apply(&p, &ps.v[i], -ps.v[i].id) == MK_OK);
	}
	CHECK(p.goal && p.has_go_live && p.ncriteria == 1 && p.ndeps == 2 && p.has_next_meeting);
	CHECK(p.people[0].stance == MK_STANCE_CHAMPION);
	CHECK(mk_merge(&p, &f, KEY, &again) == MK_OK && again.n == 0);
	mk_proposals_release(&again);
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

int main(void)
{
	RUN(test_phase_families);
	RUN(test_phase_tricky);
	RUN(test_apply_fresh_fields);
	RUN(test_apply_elements);
	RUN(test_backward_chain);
	RUN(test_backward_diamond);
	RUN(test_backward_cycle);
	RUN(test_backward_no_dates);
	RUN(test_backward_long_chain);
	RUN(test_merge_goal);
	RUN(test_merge_go_live);
	RUN(test_merge_criteria);
	RUN(test_merge_dependency);
	RUN(test_merge_next_meeting);
	RUN(test_merge_stance);
	RUN(test_merge_elements_as_it_will_be);
	return tap_done();
}
