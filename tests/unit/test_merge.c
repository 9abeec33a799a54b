/*
 * test_merge.c: merge/ on hand-built plans and findings: names of statuses and kinds,
 * every proposal kind, restatements suppressed or turned into a due-date move, synonyms
 * (security review ~ SIG, MSA ~ contract), owners by first name, news that fits no item
 * (no proposal), stable keys, a pure merge, mk_plan_apply, the plan as it will be (pending
 * items as -P, mk_plan_order). Also the word normalizer
 * (merge/words.h). Run from the repository root.
 */
#include "mapkeeper.h"
#include "merge/words.h"
#include "tap.h"
#include "plan_build.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEY "0123456789abcdef"

/* ---- building plans and findings ---- */

static void plan_person(struct mk_plan *p, const char *name, const char *role, enum mk_side side)
{
	p->people = realloc(p->people, (p->npeople + 1) * sizeof *p->people);
	p->cappeople = p->npeople + 1;
	p->people[p->npeople].name = dup(name);
	p->people[p->npeople].role = dup(role);
	p->people[p->npeople++].side = side;
}

static void plan_risk(struct mk_plan *p, const char *cat, const char *text)
{
	p->risks = realloc(p->risks, (p->nrisks + 1) * sizeof *p->risks);
	p->caprisks = p->nrisks + 1;
	p->risks[p->nrisks].id = (int64_t)p->nrisks + 1;
	p->risks[p->nrisks].category = dup(cat);
	p->risks[p->nrisks++].text = dup(text);
}

static void add_speaker(struct mk_findings *f, const char *name, enum mk_side side)
{
	f->speakers = realloc(f->speakers, (f->nspeakers + 1) * sizeof *f->speakers);
	f->speakers[f->nspeakers].name = dup(name);
	f->speakers[f->nspeakers].side = side;
	f->speakers[f->nspeakers++].utterances = 1;
}

static void add_commitment(struct mk_findings *f, const char *owner, enum mk_side side,
			   const char *action, struct mk_date due, struct mk_evidence e)
{
	struct mk_commitment *c;
	f->commitments = realloc(f->commitments, (f->ncommitments + 1) * sizeof *f->commitments);
	c = &f->commitments[f->ncommitments++];
	memset(c, 0, sizeof *c);
	c->owner = dup(owner);
	c->side = side;
	c->action = dup(action);
	c->has_due = due.y != 0;
	c->due = due;
	c->confidence = 0.8;
	c->rule = "test";
	c->ev = e;
}

static void add_update(struct mk_findings *f, const char *item, const char *change,
		       struct mk_date due, struct mk_evidence e)
{
	struct mk_update *u;
	f->updates = realloc(f->updates, (f->nupdates + 1) * sizeof *f->updates);
	u = &f->updates[f->nupdates++];
	memset(u, 0, sizeof *u);
	u->item = dup(item);
	u->change = change;
	u->has_due = due.y != 0;
	u->due = due;
	u->rule = "test";
	u->ev = e;
}

static void add_risk(struct mk_findings *f, const char *cat, const char *text, struct mk_evidence e)
{
	struct mk_risk *r;
	f->risks = realloc(f->risks, (f->nrisks + 1) * sizeof *f->risks);
	r = &f->risks[f->nrisks++];
	memset(r, 0, sizeof *r);
	r->category = cat;
	r->text = dup(text);
	r->rule = "test";
	r->ev = e;
}

static const struct mk_proposal *find(const struct mk_proposals *ps, enum mk_prop_kind kind)
{
	for (size_t i = 0; i < ps->n; i++)
		if (ps->v[i].kind == kind)
			return &ps->v[i];
	return NULL;
}

/* Merges f into p and gives the item the first proposal of kind moves (-1: none), with its
 * due date in *due when asked; releases p, f and the proposals. */
static long merged_onto(struct mk_plan *p, struct mk_findings *f, enum mk_prop_kind kind, struct mk_date *due)
{
	struct mk_proposals ps;
	const struct mk_proposal *x;
	long id = -1;
	CHECK(mk_merge(p, f, KEY, &ps) == MK_OK);
	x = find(&ps, kind);
	if (x) {
		id = (long)x->item_id;
		if (due)
			*due = x->due;
	}
	mk_proposals_release(&ps);
	mk_findings_release(f);
	mk_plan_release(p);
	return id;
}

/* The deal of most tests: a plan after a first call. */
static void base_plan(struct mk_plan *p)
{
	mk_plan_init(p);
	plan_item(p, 1, "send the vendor security review questionnaire", "Arjun Mehta", MK_SIDE_BUYER,
		  day(2026, 6, 2));
	plan_item(p, 2, "send over our MSA", "Nadia Petrovic", MK_SIDE_SELLER, day(2026, 6, 5));
	plan_item(p, 3, "set up the sandbox with your lanes", "Joon-ho Park", MK_SIDE_SELLER,
		  day(2026, 5, 29));
	plan_item(p, 4, "sign the mutual NDA", "Dale Whitaker", MK_SIDE_BUYER, day(2026, 5, 28));
	plan_item(p, 5, "pull the April load data out of LoadStar", "Rosa Delgado", MK_SIDE_BUYER,
		  day(2026, 5, 27));
	plan_person(p, "Lorraine Chu", "owner", MK_SIDE_BUYER);
	plan_person(p, NULL, "CFO", MK_SIDE_BUYER);
	plan_risk(p, "competition", "FleetPilot is offering a free 60 day pilot");
}

static void base_speakers(struct mk_findings *f)
{
	add_speaker(f, "Arjun Mehta", MK_SIDE_BUYER);
	add_speaker(f, "Nadia Petrovic", MK_SIDE_SELLER);
	add_speaker(f, "Joon-ho Park", MK_SIDE_SELLER);
	add_speaker(f, "Rosa Delgado", MK_SIDE_BUYER);
}

/* ---- names ---- */

static void test_names(void)
{
	enum mk_status st;
	enum mk_prop_kind k;
	static const char *const kinds[] = { "add_item", "update_due", "mark_done", "mark_blocked",
					     "mark_dropped", "add_stakeholder", "add_risk", "set_goal", "set_go_live",
					     "add_criterion", "add_dependency", "set_next_meeting", "set_stance" };
	enum mk_phase ph;
	enum mk_stance sn;

	CHECK_STR(mk_status_name(MK_STATUS_OPEN), "open");
	CHECK_STR(mk_status_name(MK_STATUS_DONE), "done");
	CHECK_STR(mk_status_name(MK_STATUS_BLOCKED), "blocked");
	CHECK_STR(mk_status_name(MK_STATUS_DROPPED), "dropped");
	CHECK(mk_status_parse("blocked", &st) == MK_OK && st == MK_STATUS_BLOCKED);
	CHECK(mk_status_parse("Blocked", &st) == MK_EFORMAT);
	CHECK(mk_status_parse("", &st) == MK_EFORMAT);
	CHECK(mk_status_parse(NULL, &st) == MK_EARG);
	for (int i = 0; i < MK_PROP_KIND_COUNT; i++) {
		CHECK_STR(mk_prop_kind_name((enum mk_prop_kind)i), kinds[i]);
		CHECK(mk_prop_kind_parse(kinds[i], &k) == MK_OK && k == (enum mk_prop_kind)i);
	}
	CHECK(mk_prop_kind_parse("add", &k) == MK_EFORMAT);
	CHECK(sizeof kinds / sizeof kinds[0] == MK_PROP_KIND_COUNT);
	CHECK_STR(mk_phase_name(MK_PHASE_BUSINESS_CASE), "business_case");
	CHECK_STR(mk_phase_title(MK_PHASE_PROCUREMENT), "Procurement and legal");
	CHECK(mk_phase_parse("onboarding", &ph) == MK_OK && ph == MK_PHASE_ONBOARDING);
	CHECK(mk_phase_parse("Onboarding", &ph) == MK_EFORMAT && mk_phase_parse(NULL, &ph) == MK_EARG);
	CHECK_STR(mk_stance_name(MK_STANCE_BLOCKER), "blocker");
	CHECK(mk_stance_parse("skeptic", &sn) == MK_OK && sn == MK_STANCE_SKEPTIC);
	CHECK(mk_stance_parse("fan", &sn) == MK_EFORMAT);
	CHECK(mk_prop_kind_parse(NULL, &k) == MK_EARG);
	CHECK_STR(mk_prop_kind_name(MK_PROP_KIND_COUNT), "unknown");
}

static void test_lifecycle(void)
{
	struct mk_plan p;
	struct mk_proposals ps;
	struct mk_proposal one;

	memset(&p, 0, sizeof p);
	mk_plan_release(&p);      /* a zeroed plan */
	mk_plan_release(NULL);
	mk_proposals_init(&ps);
	mk_proposals_release(&ps);
	mk_proposals_release(NULL);
	memset(&one, 0, sizeof one);
	one.key = strdup("k");
	one.status = strdup("pending");
	mk_proposal_release(&one);
	CHECK(one.key == NULL && one.status == NULL);
	mk_proposal_release(NULL);
	base_plan(&p);
	mk_plan_release(&p);
	CHECK(p.nitems == 0 && p.items == NULL && p.npeople == 0 && p.nrisks == 0);
}

static void test_words(void)
{
	struct merge_lex *lex = malloc(sizeof *lex);
	struct merge_bag a, b;
	struct merge_sim s;
	char out[MERGE_WORD_LEN];
	static const char *const same[][2] = {
		{ "sends", "send" }, { "sent", "send" }, { "sending", "send" }, { "drafts", "draft" },
		{ "mappings", "mapping" }, { "signed", "signing" }, { "redlines", "redline" },
		{ "sandboxes", "sandbox" }, { "shipped", "ship" }, { "making", "make" },
	};

	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
		char x[MERGE_WORD_LEN], y[MERGE_WORD_LEN];
		merge_stem(same[i][0], x, sizeof x);
		merge_stem(same[i][1], y, sizeof y);
		if (strcmp(x, y))
			printf("#   stem %s -> %s, %s -> %s\n", same[i][0], x, same[i][1], y);
		CHECK(!strcmp(x, y));
		merge_stem(x, out, sizeof out); /* idempotent */
		CHECK(!strcmp(x, out));
	}
	merge_lex_init(lex);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	merge_bag_add(lex, &a, "Um, I'll send you the SIG", 1);
	merge_bag_add(lex, &b, "the security review", 1);
	merge_bag_compare(&a, &b, &s);
	CHECK(merge_bag_has(&a, "#secq") && merge_bag_has(&b, "#secq"));
	CHECK(s.shared_content >= MERGE_W_WORD);
	CHECK(!merge_bag_has(&a, "um") && !merge_bag_has(&a, "the") && !merge_bag_has(&a, "you"));
	memset(&a, 0, sizeof a);
	merge_bag_add(lex, &a, "statement of work by Friday the 12th", 1);
	CHECK(merge_bag_has(&a, "#sow") && !merge_bag_has(&a, "friday") && !merge_bag_has(&a, "12th"));
	memset(&a, 0, sizeof a);
	merge_bag_add(lex, &a, "the ELD key’s done", 1); /* curly apostrophe */
	CHECK(merge_bag_has(&a, "key") && merge_bag_has(&a, "eld"));
	CHECK(merge_same_person("Gus", "Gus Ferreira"));
	CHECK(merge_same_person("gus ferreira", "Gus Ferreira"));
	CHECK(!merge_same_person("Gus", "Gustav Ferreira"));
	CHECK(!merge_same_person("", "Gus"));
	CHECK(!merge_same_person(NULL, "Gus"));
	CHECK(merge_names("make sure Dale's on that one", "Dale Whitaker"));
	CHECK(merge_names("and Jürgen said yes", "Jürgen Hoffmann"));
	CHECK(!merge_names("Daleks are coming", "Dale Whitaker"));
	free(lex);
}

/* ---- mk_merge ---- */

static void test_add_item(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;
	const struct mk_proposal *a;
	char want[256];

	mk_plan_init(&p);
	mk_findings_init(&f);
	add_commitment(&f, "Nadia Petrovic", MK_SIDE_SELLER, "send the ROI analysis", day(2026, 5, 28),
		       ev("Nadia Petrovic", 285, "I'll send the ROI analysis Thursday."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	CHECK(ps.n == 1);
	a = find(&ps, MK_PROP_ADD_ITEM);
	CHECK(a != NULL);
	if (a) {
		CHECK_STR(a->action, "send the ROI analysis");
		CHECK_STR(a->owner, "Nadia Petrovic");
		CHECK(a->side == MK_SIDE_SELLER && a->has_due && day_eq(a->due, day(2026, 5, 28)));
		CHECK(a->item_id == 0 && a->confidence > 0.5 && a->confidence <= 1);
		CHECK_STR(a->ev.speaker, "Nadia Petrovic");
		CHECK_STR(a->ev.quote, "I'll send the ROI analysis Thursday.");
		CHECK(a->ev.start_ms == 285000 && a->ev.end_ms == 289000);
		snprintf(want, sizeof want, "%s:add_item:285000:", KEY);
		CHECK(a->key && !strncmp(a->key, want, strlen(want)));
		CHECK(a->key && strlen(a->key) == strlen(want) + 10);
	}
	mk_proposals_release(&ps);
	CHECK(mk_merge(NULL, &f, KEY, &ps) == MK_OK && ps.n == 1); /* no plan: an empty one */
	mk_proposals_release(&ps);
	CHECK(mk_merge(&p, NULL, KEY, &ps) == MK_EARG);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

static void test_restatement(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;
	const struct mk_proposal *u;

	base_plan(&p);
	mk_findings_init(&f);
	base_speakers(&f);
	/* the same item, the same date, said again: nothing */
	add_commitment(&f, "Arjun", MK_SIDE_BUYER, "send the security questionnaire over",
		       day(2026, 6, 2), ev("Arjun Mehta", 60, "I'll send the security questionnaire over Tuesday."));
	/* synonyms and a new date: the MSA is the contract; a slip */
	add_commitment(&f, "Nadia Petrovic", MK_SIDE_SELLER, "send you the contract", day(2026, 6, 12),
		       ev("Nadia Petrovic", 120, "I'll send you the contract by the 12th."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	CHECK(count(&ps, MK_PROP_ADD_ITEM) == 0);
	CHECK(count(&ps, MK_PROP_UPDATE_DUE) == 1);
	u = find(&ps, MK_PROP_UPDATE_DUE);
	if (u) {
		CHECK(u->item_id == 2);
		CHECK(u->has_due && day_eq(u->due, day(2026, 6, 12)));
		CHECK(u->has_old_due && day_eq(u->old_due, day(2026, 6, 5)));
		CHECK_STR(u->action, "send over our MSA");
		CHECK_STR(u->owner, "Nadia Petrovic");
	}
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

static void test_synonym_sig(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;
	const struct mk_proposal *u;

	mk_plan_init(&p);
	plan_item(&p, 1, "send the security review", "Arjun Mehta", MK_SIDE_BUYER, day(2026, 6, 2));
	plan_item(&p, 2, "send the pricing proposal", "Arjun Mehta", MK_SIDE_BUYER, day(2026, 6, 2));
	mk_findings_init(&f);
	base_speakers(&f);
	/* "the SIG" is the security review; owner by first name */
	add_commitment(&f, "Arjun", MK_SIDE_BUYER, "send you the SIG", day(2026, 6, 10),
		       ev("Arjun Mehta", 60, "I'll send you the SIG tomorrow."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	CHECK(ps.n == 1);
	u = find(&ps, MK_PROP_UPDATE_DUE);
	CHECK(u && u->item_id == 1 && day_eq(u->due, day(2026, 6, 10)));
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

static void test_not_restatement(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;

	base_plan(&p);
	mk_findings_init(&f);
	base_speakers(&f);
	/* other owner, same words: another person's promise */
	add_commitment(&f, "Rosa Delgado", MK_SIDE_BUYER, "send the security questionnaire",
		       day(2026, 6, 10), ev("Rosa Delgado", 30, "I'll send our security questionnaire too."));
	/* same owner, other content */
	add_commitment(&f, "Joon-ho Park", MK_SIDE_SELLER, "set up the driver accounts", day(2026, 6, 12),
		       ev("Joon-ho Park", 90, "I'll set up the driver accounts by Friday."));
	/* the other side */
	add_commitment(&f, "Nadia Petrovic", MK_SIDE_SELLER, "pull the April load data", day(2026, 6, 12),
		       ev("Nadia Petrovic", 150, "I'll pull the April load data myself."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	CHECK(count(&ps, MK_PROP_ADD_ITEM) == 3);
	CHECK(count(&ps, MK_PROP_UPDATE_DUE) == 0);
	/* in the order of the findings */
	CHECK(ps.n == 3 && ps.v[0].ev.start_ms == 30000 && ps.v[1].ev.start_ms == 90000 &&
	      ps.v[2].ev.start_ms == 150000);
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

static void test_in_call_repeat(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;
	const struct mk_proposal *a;

	mk_plan_init(&p);
	mk_findings_init(&f);
	add_commitment(&f, "Amara Nwosu", MK_SIDE_SELLER, "send you a draft project plan", day(0, 0, 0),
		       ev("Amara Nwosu", 400, "I'll send you a draft project plan."));
	add_commitment(&f, "Amara Nwosu", MK_SIDE_SELLER, "send the draft project plan", day(2026, 6, 26),
		       ev("Amara Nwosu", 560, "Draft project plan from me by Friday, I'll send the draft project plan."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	CHECK(ps.n == 1);
	a = find(&ps, MK_PROP_ADD_ITEM);
	CHECK(a && a->has_due && day_eq(a->due, day(2026, 6, 26))); /* the date the first lacked */
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

static void test_updates(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;
	const struct mk_proposal *d, *b, *x, *u;

	base_plan(&p);
	mk_findings_init(&f);
	base_speakers(&f);
	add_speaker(&f, "Dale Whitaker", MK_SIDE_BUYER);
	add_update(&f, "the NDA", "done", day(0, 0, 0),
		   ev("Dale Whitaker", 40, "Yeah, we signed the NDA yesterday."));
	add_update(&f, "the sandbox", "blocked", day(0, 0, 0),
		   ev("Joon-ho Park", 80, "The sandbox is stuck, our infra team hasn't given me the lanes yet."));
	add_update(&f, "the April load data", "dropped", day(0, 0, 0),
		   ev("Rosa Delgado", 120, "We don't need the April load data any more, let's drop it."));
	add_update(&f, "the MSA", "new_due", day(2026, 6, 19),
		   ev("Nadia Petrovic", 160, "The MSA has slipped, you'll have it on the 19th."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	CHECK(ps.n == 4);
	d = find(&ps, MK_PROP_MARK_DONE);
	b = find(&ps, MK_PROP_MARK_BLOCKED);
	x = find(&ps, MK_PROP_MARK_DROPPED);
	u = find(&ps, MK_PROP_UPDATE_DUE);
	CHECK(d && d->item_id == 4);
	CHECK(b && b->item_id == 3);
	CHECK(x && x->item_id == 5);
	CHECK(u && u->item_id == 2 && day_eq(u->due, day(2026, 6, 19)) && day_eq(u->old_due, day(2026, 6, 5)));
	if (d) {
		CHECK_STR(d->ev.quote, "Yeah, we signed the NDA yesterday.");
		CHECK_STR(d->action, "sign the mutual NDA");
		CHECK(d->confidence > 0 && d->confidence <= 0.7);
	}
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

static void test_update_short_words(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;
	const struct mk_proposal *d;

	/* "the access token's done": a few words, and the speaker owns it */
	mk_plan_init(&p);
	plan_item(&p, 1, "generate an access token for the test tenant and send it over", "Arjun Mehta",
		  MK_SIDE_BUYER, day(2026, 5, 29));
	plan_item(&p, 2, "send it over", "Arjun Mehta", MK_SIDE_BUYER, day(2026, 6, 2));
	plan_item(&p, 3, "set up a sandbox with your lanes", "Joon-ho Park", MK_SIDE_SELLER, day(2026, 5, 29));
	mk_findings_init(&f);
	add_speaker(&f, "Arjun Mehta", MK_SIDE_BUYER);
	add_update(&f, "the access token", "done", day(0, 0, 0),
		   ev("Arjun Mehta", 160, "And the access token's done, I created it myself and mailed it across."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	d = find(&ps, MK_PROP_MARK_DONE);
	CHECK(ps.n == 1 && d && d->item_id == 1);
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

/* An item whose action names nothing ("send it over") is known by the sentence that
 * promised it: "the floor plans went to Ilse" marks it done, not the other item. */
static void test_said_words(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;
	const struct mk_proposal *d;
	struct mk_item *it;

	mk_plan_init(&p);
	it = plan_item(&p, 1, "send it over", "Tomas Reyes", MK_SIDE_SELLER, day(2026, 5, 20));
	it->said = dup("The floor plans, I'll send it over by Wednesday.");
	plan_item(&p, 2, "book the site visit with the facilities team", "Tomas Reyes", MK_SIDE_SELLER,
		  day(2026, 5, 22));
	mk_findings_init(&f);
	add_speaker(&f, "Tomas Reyes", MK_SIDE_SELLER);
	add_update(&f, "The floor plans", "done", day(0, 0, 0),
		   ev("Tomas Reyes", 30, "The floor plans went over to Ilse on the ninth."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	d = find(&ps, MK_PROP_MARK_DONE);
	CHECK(ps.n == 1 && d && d->item_id == 1);
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
	/* approving an add_item keeps what promised it */
	{
		struct mk_proposal a;
		mk_plan_init(&p);
		memset(&a, 0, sizeof a);
		a.kind = MK_PROP_ADD_ITEM;
		a.action = "send it over";
		a.ev.quote = "The floor plans, I'll send it over by Wednesday.";
		CHECK(mk_plan_apply(&p, &a, 7) == MK_OK);
		CHECK(p.nitems == 1 && p.items[0].said && !strcmp(p.items[0].said, a.ev.quote));
		mk_plan_release(&p);
	}
}

/* The item's owner promising it again with a date moves its date; the owner's name
 * counts over a side guessed for someone who was not on the first call, and "I'll have
 * an answer" restates "check ... and let you know". */
static void test_repromise_owner(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;
	const struct mk_proposal *u;

	mk_plan_init(&p);
	plan_item(&p, 1, "get a draft layout out", "Marta", MK_SIDE_SELLER, day(2026, 5, 15));
	plan_item(&p, 2, "check with the landlord and let you know", "Pieter Aalto", MK_SIDE_BUYER,
		  day(2026, 5, 12));
	mk_findings_init(&f);
	add_speaker(&f, "Marta Quist", MK_SIDE_BUYER);
	add_speaker(&f, "Pieter Aalto", MK_SIDE_BUYER);
	add_commitment(&f, "Marta Quist", MK_SIDE_BUYER, "have the draft to you", day(2026, 5, 29),
		       ev("Marta Quist", 40, "You'll have the draft from me on the twenty ninth."));
	add_commitment(&f, "Pieter Aalto", MK_SIDE_BUYER, "have an answer", day(2026, 5, 22),
		       ev("Pieter Aalto", 90, "I'll have an answer by Friday."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	CHECK(count(&ps, MK_PROP_ADD_ITEM) == 0);
	CHECK(count(&ps, MK_PROP_UPDATE_DUE) == 2);
	for (size_t i = 0; i < ps.n; i++) {
		u = &ps.v[i];
		if (u->kind != MK_PROP_UPDATE_DUE)
			continue;
		CHECK((u->item_id == 1 && day_eq(u->due, day(2026, 5, 29))) ||
		      (u->item_id == 2 && day_eq(u->due, day(2026, 5, 22))));
	}
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

/* Re-promises in other words (issue 12): news that names nothing beside the owner's
 * promise; "I'll handle it" beside the concrete promise; an item taken over from someone
 * not on the call; the one thing an owner owes, said with a quantity in other words; a
 * "we" of a speaker whose side is a guess; "decide" ~ "sign off". Two distinct items of
 * one owner stay two. */
static void test_repromise_other_words(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;
	const struct mk_proposal *x;
	struct mk_item *it;

	/* news beside the promise: blocked, and the promise is the same item */
	mk_plan_init(&p);
	it = plan_item(&p, 1, "fill in our real headcount figures", "Odile Brandt", MK_SIDE_BUYER,
		       day(2026, 3, 10));
	it->said = dup("I'll fill in our real headcount figures by the tenth.");
	plan_item(&p, 2, "find out who owns the travel budget", "Odile Brandt", MK_SIDE_BUYER,
		  day(2026, 3, 20));
	mk_findings_init(&f);
	add_speaker(&f, "Odile Brandt", MK_SIDE_BUYER);
	add_update(&f, "it's held up", "blocked", day(0, 0, 0),
		   ev("Odile Brandt", 300, "Payroll hasn't run yet, so it's held up."));
	add_commitment(&f, "Odile Brandt", MK_SIDE_BUYER, "send the headcount figures for the model",
		       day(0, 0, 0), ev("Odile Brandt", 305, "As soon as payroll runs I'll send them."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	x = find(&ps, MK_PROP_MARK_BLOCKED);
	CHECK(count(&ps, MK_PROP_ADD_ITEM) == 0 && x && x->item_id == 1);
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);

	/* "I'll handle it" beside "I'll book ..."; taken over from an owner not on the call */
	mk_plan_init(&p);
	plan_item(&p, 1, "book the session with Wanjiru and Tobiah", "Casimir Lund", MK_SIDE_BUYER,
		  day(2026, 6, 10));
	mk_findings_init(&f);
	add_speaker(&f, "Henrike Saar", MK_SIDE_BUYER);
	add_speaker(&f, "Tobiah Reyes", MK_SIDE_SELLER);
	plan_person(&p, "Henrike Saar", NULL, MK_SIDE_BUYER);
	add_commitment(&f, "Henrike Saar", MK_SIDE_BUYER, "handle the field mapping", day(2026, 6, 19),
		       ev("Henrike Saar", 240, "Fine, I'll handle it."));
	add_commitment(&f, "Henrike Saar", MK_SIDE_BUYER, "book Wanjiru and you into a session",
		       day(2026, 6, 19), ev("Henrike Saar", 243, "I'll book Wanjiru and you into a session next week."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	x = find(&ps, MK_PROP_UPDATE_DUE);
	CHECK(count(&ps, MK_PROP_ADD_ITEM) == 0 && x && x->item_id == 1 && day_eq(x->due, day(2026, 6, 19)));
	mk_proposals_release(&ps);
	/* with the owner on the call it is a promise of its own */
	add_speaker(&f, "Casimir Lund", MK_SIDE_BUYER);
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	CHECK(count(&ps, MK_PROP_ADD_ITEM) == 1 && count(&ps, MK_PROP_UPDATE_DUE) == 0);
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);

	/* the one thing an owner owes, its quantity in digits then in words */
	mk_plan_init(&p);
	plan_item(&p, 1, "export 40 scanned invoices for the pilot", "Ines Maro", MK_SIDE_BUYER,
		  day(2026, 4, 2));
	mk_findings_init(&f);
	add_speaker(&f, "Ines Maro", MK_SIDE_BUYER);
	add_commitment(&f, "Ines Maro", MK_SIDE_BUYER, "send the forty scans", day(2026, 4, 13),
		       ev("Ines Maro", 90, "The forty scans will be with you Monday."));
	/* another step on it, with a verb of its own, stays its own item */
	add_commitment(&f, "Ines Maro", MK_SIDE_BUYER, "review the forty scans with audit", day(2026, 4, 20),
		       ev("Ines Maro", 200, "Then I'll review the forty scans with audit."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	x = find(&ps, MK_PROP_UPDATE_DUE);
	CHECK(x && x->item_id == 1 && day_eq(x->due, day(2026, 4, 13)));
	x = find(&ps, MK_PROP_ADD_ITEM);
	CHECK(count(&ps, MK_PROP_ADD_ITEM) == 1 && x && x->ev.start_ms == 200000);
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);

	/* "we" of someone first on this call (side a guess) and "decide" ~ "sign off" */
	mk_plan_init(&p);
	plan_item(&p, 1, "turn our markup around", "Lotte Vries", MK_SIDE_SELLER,
		  day(2026, 2, 24));
	plan_item(&p, 2, "sign off the travel budget line", "Rukmini Das", MK_SIDE_BUYER,
		  day(2026, 4, 3));
	plan_person(&p, "Rukmini Das", "controller", MK_SIDE_BUYER);
	mk_findings_init(&f);
	add_speaker(&f, "Lotte Vries", MK_SIDE_SELLER);
	add_speaker(&f, "Emeka Obi", MK_SIDE_BUYER); /* a seller the deal does not list yet */
	add_commitment(&f, "Emeka Obi", MK_SIDE_BUYER, "send our redlines", day(2026, 3, 2),
		       ev("Emeka Obi", 60, "We'll have our redlines back by March second."));
	add_commitment(&f, "Rukmini Das", MK_SIDE_BUYER, "decide the budget", day(2026, 4, 17),
		       ev("Lotte Vries", 120, "She said she'll decide the budget by the seventeenth."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	CHECK(count(&ps, MK_PROP_ADD_ITEM) == 0 && count(&ps, MK_PROP_UPDATE_DUE) == 2);
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

/* "Do we still need the site visit?" "Yes, scrap it, that's no longer needed.": news that
 * names nothing is about what was asked just before it. */
static void test_asked_before(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;
	const struct mk_proposal *x;

	mk_plan_init(&p);
	plan_item(&p, 1, "send the revised floor plans", "Tomas Reyes", MK_SIDE_SELLER, day(2026, 5, 20));
	plan_item(&p, 2, "book the site visit with the facilities team", "Tomas Reyes", MK_SIDE_SELLER,
		  day(2026, 5, 22));
	mk_findings_init(&f);
	add_speaker(&f, "Tomas Reyes", MK_SIDE_SELLER);
	add_speaker(&f, "Ilse Varga", MK_SIDE_BUYER);
	add_update(&f, "it", "dropped", day(0, 0, 0),
		   ev("Ilse Varga", 60, "Yes, scrap it, that's no longer needed."));
	f.updates[0].asked = dup("And the site visit with your facilities people, do we still need that?");
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	x = find(&ps, MK_PROP_MARK_DROPPED);
	CHECK(ps.n == 1 && x && x->item_id == 2);
	mk_proposals_release(&ps);
	/* the same answer to no question finds nothing */
	free(f.updates[0].asked);
	f.updates[0].asked = NULL;
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	CHECK(ps.n == 0);
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

/* Status lines matched by what the item is about (issue 12): a word of the sentence that
 * promised the item counts ("the board approved it" / "... put us on the agenda, the review
 * board meets on the ninth") over the speaker's own item talked about nearby; the team that
 * buys, named in other words ("procurement" / "the business office"); a meeting booked
 * ("I've put something in for Thursday") moves a meeting, not a document. */
static void test_status_lines(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_item *it;
	struct mk_date due;

	mk_plan_init(&p);
	it = plan_item(&p, 1, "put us on the agenda", "Wanjiku Otieno", MK_SIDE_BUYER, day(2026, 3, 2));
	it->said = dup("Wanjiku will put us on the agenda, the review board meets on the ninth.");
	plan_item(&p, 2, "raise the firewall ticket for the data feed", "Bram Visser", MK_SIDE_BUYER,
		  day(2026, 3, 20));
	mk_findings_init(&f);
	add_speaker(&f, "Bram Visser", MK_SIDE_BUYER);
	add_speaker(&f, "Lotte Aalders", MK_SIDE_SELLER);
	add_risk(&f, "technical", "we still have to raise the firewall ticket for the data feed",
		 ev("Bram Visser", 50, "we still have to raise the firewall ticket for the data feed"));
	add_update(&f, "the board", "done", day(0, 0, 0),
		   ev("Bram Visser", 60, "yeah so the board approved it on the ninth, no drama, Wanjiku was great."));
	CHECK(merged_onto(&p, &f, MK_PROP_MARK_DONE, NULL) == 1);

	mk_plan_init(&p);
	it = plan_item(&p, 1, "loop in the business office", "Odile Ferrand", MK_SIDE_BUYER, day(0, 0, 0));
	it->said = dup("I want them on the pricing, so I'll loop in the business office.");
	plan_item(&p, 2, "get the roster template to the right people", "Odile Ferrand", MK_SIDE_BUYER,
		  day(0, 0, 0));
	mk_findings_init(&f);
	add_speaker(&f, "Odile Ferrand", MK_SIDE_BUYER);
	add_update(&f, NULL, "dropped", day(0, 0, 0),
		   ev("Odile Ferrand", 200, "I was going to bring Piet Hoorn from procurement on today, but "
		      "honestly there's no point until the privacy terms are agreed."));
	CHECK(merged_onto(&p, &f, MK_PROP_MARK_DROPPED, NULL) == 1);

	mk_plan_init(&p);
	it = plan_item(&p, 1, "set up an intro", "Lea Marchal", MK_SIDE_BUYER, day(2026, 9, 4));
	it->said = dup("Before I leave I'll set up an intro for you.");
	plan_item(&p, 2, "send the retention summary", "Lea Marchal", MK_SIDE_BUYER, day(2026, 9, 8));
	plan_item(&p, 3, "update the plan and send it round, Ines and Rafael", "Hugo Sandoval",
		  MK_SIDE_SELLER, day(2026, 9, 2));
	mk_findings_init(&f);
	add_speaker(&f, "Lea Marchal", MK_SIDE_BUYER);
	add_speaker(&f, "Hugo Sandoval", MK_SIDE_SELLER);
	add_update(&f, NULL, "new_due", day(2026, 9, 14),
		   ev("Lea Marchal", 300, "Right, I've put something in for Monday: thirty minutes with Ines and Rafael."));
	CHECK(merged_onto(&p, &f, MK_PROP_UPDATE_DUE, &due) == 1 && day_eq(due, day(2026, 9, 14)));
}

static void test_no_match(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;

	base_plan(&p);
	mk_findings_init(&f);
	base_speakers(&f);
	add_speaker(&f, "Kerry-Ann Thompson", MK_SIDE_BUYER);
	/* news about nothing on the plan, said by someone who owns nothing */
	add_update(&f, "the invoice", "done", day(0, 0, 0),
		   ev("Kerry-Ann Thompson", 30, "I paid the invoice last week."));
	add_update(&f, "it", "blocked", day(0, 0, 0), ev("Kerry-Ann Thompson", 300, "So that's stuck."));
	/* a new date with no date: nothing to propose */
	add_update(&f, "the MSA", "new_due", day(0, 0, 0),
		   ev("Nadia Petrovic", 500, "The MSA has slipped a bit, sorry."));
	/* done already: no second proposal */
	p.items[3].status = MK_STATUS_DONE;
	add_update(&f, "the NDA", "done", day(0, 0, 0), ev("Arjun Mehta", 700, "The NDA was signed, yes."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	for (size_t i = 0; i < ps.n; i++)
		printf("#   unexpected %s item=%lld: %s\n", mk_prop_kind_name(ps.v[i].kind),
		       (long long)ps.v[i].item_id, ps.v[i].ev.quote);
	CHECK(ps.n == 0);
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

static void test_people_and_risks(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;
	const struct mk_proposal *s, *r;

	base_plan(&p);
	mk_findings_init(&f);
	add_stakeholder(&f, "Lorraine", NULL, MK_SIDE_BUYER, ev("Rosa Delgado", 10, "Lorraine was thrilled."));
	add_stakeholder(&f, NULL, "CFO", MK_SIDE_BUYER, ev("Rosa Delgado", 20, "Our CFO will want to see it."));
	add_stakeholder(&f, "Pete Sorensen", "owner", MK_SIDE_BUYER, ev("Dale Whitaker", 30, "Pete Sorensen signs."));
	add_stakeholder(&f, "Pete", NULL, MK_SIDE_BUYER, ev("Dale Whitaker", 40, "Pete's got something on."));
	add_risk(&f, "competition", "FleetPilot is offering them a free 60 day pilot",
		 ev("Arjun Mehta", 50, "FleetPilot is offering them a free 60 day pilot."));
	add_risk(&f, "budget", "we're 18 over budget", ev("Rosa Delgado", 60, "So we're 18 over budget."));
	add_risk(&f, "budget", "we are 18 over budget now", ev("Rosa Delgado", 70, "Yeah we are 18 over budget now."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	CHECK(count(&ps, MK_PROP_ADD_STAKEHOLDER) == 1);
	CHECK(count(&ps, MK_PROP_ADD_RISK) == 1);
	s = find(&ps, MK_PROP_ADD_STAKEHOLDER);
	r = find(&ps, MK_PROP_ADD_RISK);
	if (s) {
		CHECK_STR(s->name, "Pete Sorensen");
		CHECK_STR(s->role, "owner");
		CHECK(s->side == MK_SIDE_BUYER && s->item_id == 0);
	}
	if (r) {
		CHECK_STR(r->category, "budget");
		CHECK_STR(r->text, "we're 18 over budget");
	}
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

static void test_keys_stable(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals a, b;

	base_plan(&p);
	mk_findings_init(&f);
	base_speakers(&f);
	/* two commitments from one sentence: two keys */
	add_commitment(&f, "Renata Silva", MK_SIDE_BUYER, "kick off the vendor setup in Coupa", day(0, 0, 0),
		       ev("Renata Silva", 430, "I'll kick off Coupa and send you our vendor security addendum today."));
	add_commitment(&f, "Renata Silva", MK_SIDE_BUYER, "send you our vendor security addendum",
		       day(2026, 12, 10),
		       ev("Renata Silva", 430, "I'll kick off Coupa and send you our vendor security addendum today."));
	add_update(&f, "the NDA", "done", day(0, 0, 0), ev("Dale Whitaker", 40, "We signed the NDA yesterday."));
	add_risk(&f, "budget", "we're 18 over", ev("Rosa Delgado", 60, "So we're 18 over."));
	CHECK(mk_merge(&p, &f, KEY, &a) == MK_OK);
	CHECK(mk_merge(&p, &f, KEY, &b) == MK_OK);
	CHECK(a.n == b.n && a.n == 4);
	for (size_t i = 0; i < a.n && i < b.n; i++) {
		CHECK_STR(a.v[i].key, b.v[i].key);
		CHECK(a.v[i].kind == b.v[i].kind && a.v[i].item_id == b.v[i].item_id);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(a.v[i].key, a.v[j].key) != 0);
	}
	mk_proposals_release(&b);
	CHECK(mk_merge(&p, &f, "another-meeting", &b) == MK_OK);
	CHECK(b.n == a.n && strncmp(b.v[0].key, "another-meeting:", 16) == 0);
	mk_proposals_release(&a);
	mk_proposals_release(&b);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

static void test_pure(void)
{
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;

	base_plan(&p);
	mk_findings_init(&f);
	base_speakers(&f);
	add_update(&f, "the NDA", "done", day(0, 0, 0), ev("Dale Whitaker", 40, "We signed the NDA yesterday."));
	add_commitment(&f, "Nadia Petrovic", MK_SIDE_SELLER, "send over the MSA", day(2026, 6, 12),
		       ev("Nadia Petrovic", 120, "I'll send over the MSA by the 12th."));
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK && ps.n == 2);
	/* the plan is as it was */
	CHECK(p.nitems == 5 && p.items[3].status == MK_STATUS_OPEN && p.items[1].revisions == 0);
	CHECK(day_eq(p.items[1].due, day(2026, 6, 5)) && !strcmp(p.items[1].action, "send over our MSA"));
	CHECK(p.npeople == 2 && p.nrisks == 1);
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

/* ---- mk_plan_apply ---- */

static void test_apply(void)
{
	struct mk_plan p;
	struct mk_proposal q;

	mk_plan_init(&p);
	memset(&q, 0, sizeof q);
	q.kind = MK_PROP_ADD_ITEM;
	q.action = "send the MSA";
	q.owner = "Nadia Petrovic";
	q.side = MK_SIDE_SELLER;
	q.has_due = 1;
	q.due = day(2026, 6, 5);
	CHECK(mk_plan_apply(&p, &q, 7) == MK_OK);
	CHECK(p.nitems == 1 && p.items[0].id == 7 && p.items[0].status == MK_STATUS_OPEN);
	CHECK_STR(p.items[0].action, "send the MSA");
	CHECK_STR(p.items[0].owner, "Nadia Petrovic");
	CHECK(p.items[0].action != q.action); /* a copy */
	CHECK(p.items[0].revisions == 0 && !p.items[0].slipped && day_eq(p.items[0].due, day(2026, 6, 5)));

	memset(&q, 0, sizeof q);
	q.kind = MK_PROP_UPDATE_DUE;
	q.item_id = 7;
	q.has_due = 1;
	q.due = day(2026, 6, 12);
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK);
	CHECK(day_eq(p.items[0].due, day(2026, 6, 12)) && p.items[0].revisions == 1 && p.items[0].slipped);

	q.kind = MK_PROP_MARK_BLOCKED;
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK);
	CHECK(p.items[0].status == MK_STATUS_BLOCKED && p.items[0].revisions == 2);
	q.kind = MK_PROP_MARK_DONE;
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK);
	CHECK(p.items[0].status == MK_STATUS_DONE && p.items[0].revisions == 3);
	q.kind = MK_PROP_MARK_DROPPED;
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK);
	CHECK(p.items[0].status == MK_STATUS_DROPPED && p.items[0].revisions == 4);
	q.item_id = 99;
	CHECK(mk_plan_apply(&p, &q, 0) == MK_ENOTFOUND);
	q.kind = MK_PROP_UPDATE_DUE;
	CHECK(mk_plan_apply(&p, &q, 0) == MK_ENOTFOUND);

	/* a first due date is no slip */
	memset(&q, 0, sizeof q);
	q.kind = MK_PROP_ADD_ITEM;
	q.action = "name the super users";
	CHECK(mk_plan_apply(&p, &q, 8) == MK_OK && p.nitems == 2 && !p.items[1].has_due);
	CHECK(p.items[1].owner == NULL);
	q.kind = MK_PROP_UPDATE_DUE;
	q.item_id = 8;
	q.has_due = 1;
	q.due = day(2026, 7, 3);
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK);
	CHECK(p.items[1].has_due && !p.items[1].slipped && p.items[1].revisions == 1);

	memset(&q, 0, sizeof q);
	q.kind = MK_PROP_ADD_STAKEHOLDER;
	q.name = "Pete Sorensen";
	q.role = "owner";
	q.side = MK_SIDE_BUYER;
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK && p.npeople == 1);
	CHECK_STR(p.people[0].name, "Pete Sorensen");
	CHECK_STR(p.people[0].role, "owner");
	q.name = NULL;
	q.role = "CFO";
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK && p.npeople == 2 && p.people[1].name == NULL);

	memset(&q, 0, sizeof q);
	q.kind = MK_PROP_ADD_RISK;
	q.category = "budget";
	q.text = "18 over";
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK && p.nrisks == 1);
	CHECK_STR(p.risks[0].category, "budget");
	CHECK(p.risks[0].id == 1);
	CHECK(mk_plan_apply(&p, &q, 0) == MK_OK && p.nrisks == 2 && p.risks[1].id == 2);

	q.kind = MK_PROP_KIND_COUNT;
	CHECK(mk_plan_apply(&p, &q, 0) == MK_EARG);
	CHECK(mk_plan_apply(NULL, &q, 0) == MK_EARG);
	mk_plan_release(&p);
}

/* Approving everything a merge proposes gives the plan the next merge sees. */
static void test_merge_then_apply(void)
{
	struct mk_plan p;
	struct mk_findings f1, f2;
	struct mk_proposals ps;
	int64_t next = 1;

	mk_plan_init(&p);
	mk_findings_init(&f1);
	add_speaker(&f1, "Arjun Mehta", MK_SIDE_BUYER);
	add_commitment(&f1, "Arjun Mehta", MK_SIDE_BUYER, "send the vendor security questionnaire",
		       day(2026, 6, 2), ev("Arjun Mehta", 500, "I'll send the vendor security questionnaire early next week."));
	add_stakeholder(&f1, "Lorraine", NULL, MK_SIDE_BUYER, ev("Rosa Delgado", 10, "Lorraine decides."));
	CHECK(mk_merge(&p, &f1, "call1", &ps) == MK_OK && ps.n == 2);
	for (size_t i = 0; i < ps.n; i++)
		CHECK(mk_plan_apply(&p, &ps.v[i], ps.v[i].kind == MK_PROP_ADD_ITEM ? next++ : 0) == MK_OK);
	mk_proposals_release(&ps);
	CHECK(p.nitems == 1 && p.npeople == 1);

	mk_findings_init(&f2);
	add_speaker(&f2, "Arjun Mehta", MK_SIDE_BUYER);
	add_commitment(&f2, "Arjun Mehta", MK_SIDE_BUYER, "send the SIG over", day(2026, 6, 10),
		       ev("Arjun Mehta", 360, "I'll send the SIG over tomorrow, for real."));
	add_stakeholder(&f2, "Lorraine", NULL, MK_SIDE_BUYER, ev("Arjun Mehta", 20, "Lorraine is busy."));
	CHECK(mk_merge(&p, &f2, "call2", &ps) == MK_OK);
	CHECK(ps.n == 1 && ps.v[0].kind == MK_PROP_UPDATE_DUE && ps.v[0].item_id == 1);
	for (size_t i = 0; i < ps.n; i++)
		CHECK(mk_plan_apply(&p, &ps.v[i], 0) == MK_OK);
	CHECK(p.nitems == 1 && p.items[0].slipped && p.items[0].revisions == 1 &&
	      day_eq(p.items[0].due, day(2026, 6, 10)));
	mk_proposals_release(&ps);
	mk_findings_release(&f1);
	mk_findings_release(&f2);
	mk_plan_release(&p);
}

/* The plan as it will be (mapkeeper.h): call 1's proposals still pending are on the plan
 * merge sees, an add_item P as the item -P. Call 2's news about that item names -P, and the
 * person and risk waiting for review are not proposed again: the same proposals as when
 * call 1 was approved first, item -P standing for the item P became. */
static void test_pending_items(void)
{
	struct mk_plan seq, pend;
	struct mk_findings f1, f2;
	struct mk_proposals p1, s2, p2;
	int64_t next = 1;

	mk_findings_init(&f1);
	add_speaker(&f1, "Arjun Mehta", MK_SIDE_BUYER);
	add_commitment(&f1, "Arjun Mehta", MK_SIDE_BUYER, "send the vendor security questionnaire",
		       day(2026, 6, 2), ev("Arjun Mehta", 500, "I'll send the vendor security questionnaire early next week."));
	add_stakeholder(&f1, "Lorraine", NULL, MK_SIDE_BUYER, ev("Rosa Delgado", 10, "Lorraine decides."));
	add_risk(&f1, "budget", "the budget is spent for this year", ev("Rosa Delgado", 30, "The budget is spent for this year."));
	mk_findings_init(&f2);
	add_speaker(&f2, "Arjun Mehta", MK_SIDE_BUYER);
	add_commitment(&f2, "Arjun Mehta", MK_SIDE_BUYER, "send the SIG over", day(2026, 6, 10),
		       ev("Arjun Mehta", 360, "I'll send the SIG over tomorrow, for real."));
	add_stakeholder(&f2, "Lorraine", NULL, MK_SIDE_BUYER, ev("Arjun Mehta", 20, "Lorraine is busy."));
	add_risk(&f2, "budget", "the budget is spent for this year", ev("Arjun Mehta", 40, "Like I said, the budget is spent for this year."));

	/* approved after call 1: items get ids 1, 2, ... */
	mk_plan_init(&seq);
	CHECK(mk_merge(&seq, &f1, "call1", &p1) == MK_OK && p1.n == 3);
	for (size_t i = 0; i < p1.n; i++)
		CHECK(mk_plan_apply(&seq, &p1.v[i], p1.v[i].kind == MK_PROP_ADD_ITEM ? next++ : 0) == MK_OK);
	CHECK(mk_merge(&seq, &f2, "call2", &s2) == MK_OK);
	CHECK(s2.n == 1 && s2.v[0].kind == MK_PROP_UPDATE_DUE && s2.v[0].item_id == 1);

	/* still pending after call 1: as stored, proposals 101, 102, 103 */
	mk_plan_init(&pend);
	for (size_t i = 0; i < p1.n; i++) {
		p1.v[i].id = 101 + (int64_t)i;
		CHECK(mk_plan_apply(&pend, &p1.v[i], -p1.v[i].id) == MK_OK);
	}
	mk_plan_order(&pend);
	CHECK(pend.nitems == 1 && pend.items[0].id == -101 && pend.npeople == 1 && pend.nrisks == 1);
	CHECK(mk_merge(&pend, &f2, "call2", &p2) == MK_OK);
	CHECK(p2.n == 1 && p2.v[0].kind == MK_PROP_UPDATE_DUE && p2.v[0].item_id == -101);
	if (p2.n == 1 && s2.n == 1) {
		CHECK(p2.v[0].has_due && day_eq(p2.v[0].due, s2.v[0].due) && day_eq(p2.v[0].old_due, s2.v[0].old_due));
		CHECK_STR(p2.v[0].key, s2.v[0].key);
		CHECK_STR(p2.v[0].action, "send the vendor security questionnaire");
	}
	/* approving it later applies to the pending item as to the approved one */
	CHECK(mk_plan_apply(&pend, &p2.v[0], 0) == MK_OK && pend.items[0].slipped &&
	      day_eq(pend.items[0].due, day(2026, 6, 10)));
	mk_proposals_release(&p1);
	mk_proposals_release(&s2);
	mk_proposals_release(&p2);
	mk_findings_release(&f1);
	mk_findings_release(&f2);
	mk_plan_release(&seq);
	mk_plan_release(&pend);
}

/* mk_plan_order: as mk_store_plan orders items (buyer, seller, unknown; by due, none last),
 * stored items before pending ones (-P) of the same place, pending ones oldest P first. */
static void test_plan_order(void)
{
	struct mk_plan p;
	static const int64_t want[] = { 4, -20, 2, -7, 9, -3, -12, 1, -5 };

	mk_plan_init(&p);
	plan_item(&p, 1, "a", NULL, MK_SIDE_UNKNOWN, day(0, 0, 0));
	plan_item(&p, -12, "b", NULL, MK_SIDE_SELLER, day(0, 0, 0));
	plan_item(&p, 9, "c", NULL, MK_SIDE_SELLER, day(2026, 6, 1));
	plan_item(&p, -7, "d", NULL, MK_SIDE_BUYER, day(2026, 6, 1));
	plan_item(&p, 2, "e", NULL, MK_SIDE_BUYER, day(2026, 6, 1));
	plan_item(&p, -3, "f", NULL, MK_SIDE_SELLER, day(0, 0, 0));
	plan_item(&p, -20, "g", NULL, MK_SIDE_BUYER, day(2026, 5, 31));
	plan_item(&p, 4, "h", NULL, MK_SIDE_BUYER, day(2025, 12, 31));
	plan_item(&p, -5, "i", NULL, MK_SIDE_UNKNOWN, day(0, 0, 0));
	mk_plan_order(&p);
	CHECK(p.nitems == sizeof want / sizeof want[0]);
	for (size_t i = 0; i < p.nitems && i < sizeof want / sizeof want[0]; i++)
		CHECK(p.items[i].id == want[i]);
	mk_plan_order(NULL);
	mk_plan_release(&p);
}

/* A long-running deal: many items, a long call. Nothing quadratic in both at once. */
static void test_big(void)
{
	static const char *const verbs[] = { "send", "review", "set up", "sign", "draft", "schedule" };
	static const char *const things[] = { "the MSA", "the DPA", "the SOW", "the security questionnaire",
					      "the pricing", "the sandbox", "the invite", "the POC plan",
					      "the data export", "the org chart", "the ROI model" };
	static const char *const people[] = { "Ana Ruiz", "Ben Ode", "Cy Lam", "Dee Park", "Eli Moss" };
	struct mk_plan p;
	struct mk_findings f;
	struct mk_proposals ps;
	char text[160];
	clock_t t0;

	mk_plan_init(&p);
	for (int i = 0; i < 400; i++) {
		snprintf(text, sizeof text, "%s %s for site %d", verbs[i % 6], things[i % 11], i);
		plan_item(&p, i + 1, text, people[i % 5], i % 2 ? MK_SIDE_BUYER : MK_SIDE_SELLER,
			  day(2026, 1 + i % 12, 1 + i % 28));
	}
	mk_findings_init(&f);
	for (int i = 0; i < 5; i++)
		add_speaker(&f, people[i], i % 2 ? MK_SIDE_BUYER : MK_SIDE_SELLER);
	for (int i = 0; i < 150; i++) {
		snprintf(text, sizeof text, "I'll %s %s for site %d by Friday.", verbs[i % 6], things[i % 11], i * 3);
		add_commitment(&f, people[i % 5], i % 2 ? MK_SIDE_BUYER : MK_SIDE_SELLER, text + 4,
			       day(2026, 7, 1 + i % 28), ev(people[i % 5], i * 20, text));
		snprintf(text, sizeof text, "And %s for site %d is done, we sent it last week.", things[i % 11], i);
		add_update(&f, things[i % 11], i % 3 ? "done" : "blocked", day(0, 0, 0),
			   ev(people[(i + 1) % 5], i * 20 + 7, text));
	}
	t0 = clock();
	CHECK(mk_merge(&p, &f, KEY, &ps) == MK_OK);
	printf("#   400 items, 300 findings: %zu proposals in %.0f ms\n", ps.n,
	       1000.0 * (double)(clock() - t0) / CLOCKS_PER_SEC);
	CHECK(ps.n >= 150);
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_plan_release(&p);
}

int main(void)
{
	RUN(test_names);
	RUN(test_lifecycle);
	RUN(test_words);
	RUN(test_add_item);
	RUN(test_restatement);
	RUN(test_synonym_sig);
	RUN(test_not_restatement);
	RUN(test_repromise_other_words);
	RUN(test_in_call_repeat);
	RUN(test_updates);
	RUN(test_update_short_words);
	RUN(test_said_words);
	RUN(test_repromise_owner);
	RUN(test_asked_before);
	RUN(test_status_lines);
	RUN(test_no_match);
	RUN(test_people_and_risks);
	RUN(test_keys_stable);
	RUN(test_pure);
	RUN(test_apply);
	RUN(test_merge_then_apply);
	RUN(test_pending_items);
	RUN(test_plan_order);
	RUN(test_big);
	return tap_done();
}
