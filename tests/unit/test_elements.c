/*
 * test_elements.c: the whole plan in merge/ (issue 14) on hand-built plans: the phase of an
 * action (mk_phase_guess, every family and the tricky ones) and working backward from
 * go-live (mk_plan_backward: chains, a diamond, a cycle, no go-live, no dates, slips flagging
 * dependants, negative slack). Run from the repository root.
 */
#include "mapkeeper.h"
#include "tap.h"
#include "plan_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- mk_phase_guess ---- */

struct phase_case {
	const char *action;
	enum mk_phase phase;
};

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
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum mk_phase got = mk_phase_guess(cases[i].action);
		if (got != cases[i].phase)
			printf("#   '%s': %s, not %s\n", cases[i].action, mk_phase_name(got),
			       mk_phase_name(cases[i].phase));
		CHECK(got == cases[i].phase);
	}
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
		/* whole words only */
		{ "update the pipeline report", MK_PHASE_DISCOVERY },   /* not "po" in "pipeline" */
		{ "check the ndarray export", MK_PHASE_DISCOVERY },
		{ "follow up", MK_PHASE_DISCOVERY },
		{ "", MK_PHASE_DISCOVERY },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum mk_phase got = mk_phase_guess(cases[i].action);
		if (got != cases[i].phase)
			printf("#   '%s': %s, not %s\n", cases[i].action, mk_phase_name(got),
			       mk_phase_name(cases[i].phase));
		CHECK(got == cases[i].phase);
	}
	CHECK(mk_phase_guess(NULL) == MK_PHASE_DISCOVERY);
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


int main(void)
{
	RUN(test_phase_families);
	RUN(test_phase_tricky);
	RUN(test_backward_chain);
	RUN(test_backward_diamond);
	RUN(test_backward_cycle);
	RUN(test_backward_no_dates);
	RUN(test_backward_long_chain);
	return tap_done();
}
