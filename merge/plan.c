/*
 * plan.c: the in-memory mutual action plan and its proposals: names of statuses and
 * proposal kinds, the init/release lifecycle of struct mk_plan and struct mk_proposals,
 * and mk_plan_apply (what approving a proposal does, as the store does it in SQL), the
 * whole plan's elements (goal, go-live, criteria, dependencies, next meeting, stance) too.
 * Does not decide what to propose (merge.c) and does no I/O. Invariant: a plan or a
 * proposal list only holds strings it owns; release leaves it as after init.
 */
#include "mapkeeper.h"
#include "merge/elements.h"
#include "util/util.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *const plan_status_names[] = { "open", "done", "blocked", "dropped" };

static const char *const plan_kind_names[MK_PROP_KIND_COUNT] = {
	"add_item", "update_due", "mark_done", "mark_blocked", "mark_dropped",
	"add_stakeholder", "add_risk", "set_goal", "set_go_live", "add_criterion", "add_dependency",
	"set_next_meeting", "set_stance",
};

static const char *const plan_phase_names[MK_PHASE_COUNT] = {
	"discovery", "proof", "business_case", "procurement", "signature", "onboarding",
};
static const char *const plan_phase_titles[MK_PHASE_COUNT] = {
	"Discovery and validation", "Proof of value", "Business case and approval",
	"Procurement and legal", "Signature and kickoff", "Onboarding",
};
static const char *const plan_stance_names[MK_STANCE_COUNT] = {
	"unknown", "champion", "supporter", "neutral", "skeptic", "blocker",
};

/* The index of s in names[0..n), or -1. */
static int plan_name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	return -1;
}

const char *mk_phase_name(enum mk_phase ph)
{
	return (unsigned)ph < MK_PHASE_COUNT ? plan_phase_names[ph] : "unknown";
}

const char *mk_phase_title(enum mk_phase ph)
{
	return (unsigned)ph < MK_PHASE_COUNT ? plan_phase_titles[ph] : "Unknown";
}

enum mk_err mk_phase_parse(const char *s, enum mk_phase *out)
{
	int i = plan_name_index(plan_phase_names, MK_PHASE_COUNT, s);
	if (!out || i < 0)
		return !s || !out ? MK_EARG : MK_EFORMAT;
	*out = (enum mk_phase)i;
	return MK_OK;
}

const char *mk_stance_name(enum mk_stance st)
{
	return (unsigned)st < MK_STANCE_COUNT ? plan_stance_names[st] : "unknown";
}

enum mk_err mk_stance_parse(const char *s, enum mk_stance *out)
{
	int i = plan_name_index(plan_stance_names, MK_STANCE_COUNT, s);
	if (!out || i < 0)
		return !s || !out ? MK_EARG : MK_EFORMAT;
	*out = (enum mk_stance)i;
	return MK_OK;
}

const char *mk_status_name(enum mk_status st)
{
	if ((unsigned)st < sizeof plan_status_names / sizeof plan_status_names[0])
		return plan_status_names[st];
	return "unknown";
}

enum mk_err mk_status_parse(const char *s, enum mk_status *out)
{
	if (!s || !out)
		return MK_EARG;
	for (size_t i = 0; i < sizeof plan_status_names / sizeof plan_status_names[0]; i++) {
		if (!strcmp(s, plan_status_names[i])) {
			*out = (enum mk_status)i;
			return MK_OK;
		}
	}
	return MK_EFORMAT;
}

const char *mk_prop_kind_name(enum mk_prop_kind k)
{
	if ((unsigned)k < MK_PROP_KIND_COUNT)
		return plan_kind_names[k];
	return "unknown";
}

enum mk_err mk_prop_kind_parse(const char *s, enum mk_prop_kind *out)
{
	if (!s || !out)
		return MK_EARG;
	for (int i = 0; i < MK_PROP_KIND_COUNT; i++) {
		if (!strcmp(s, plan_kind_names[i])) {
			*out = (enum mk_prop_kind)i;
			return MK_OK;
		}
	}
	return MK_EFORMAT;
}

/* ---- the plan ---- */

void mk_plan_init(struct mk_plan *p)
{
	if (p)
		memset(p, 0, sizeof *p);
}

static void plan_item_release(struct mk_item *it)
{
	free(it->action);
	free(it->owner);
	free(it->updated_at);
	free(it->said);
}

void mk_plan_release(struct mk_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nitems; i++)
		plan_item_release(&p->items[i]);
	free(p->items);
	for (size_t i = 0; i < p->npeople; i++) {
		free(p->people[i].name);
		free(p->people[i].role);
	}
	free(p->people);
	for (size_t i = 0; i < p->nrisks; i++) {
		free(p->risks[i].category);
		free(p->risks[i].text);
	}
	free(p->risks);
	free(p->goal);
	free(p->go_live_kind);
	for (size_t i = 0; i < p->ncriteria; i++)
		free(p->criteria[i].text);
	free(p->criteria);
	for (size_t i = 0; i < p->ndeps; i++) {
		free(p->deps[i].waiting);
		free(p->deps[i].on);
	}
	free(p->deps);
	free(p->next_meeting_time);
	free(p->next_meeting_who);
	free(p->next_meeting_purpose);
	free(p->ack_at);
	free(p->ack_by);
	mk_plan_init(p);
}

/* ---- proposals ---- */

void mk_proposals_init(struct mk_proposals *ps)
{
	if (ps)
		memset(ps, 0, sizeof *ps);
}

void mk_proposal_release(struct mk_proposal *p)
{
	if (!p)
		return;
	free(p->action);
	free(p->owner);
	free(p->name);
	free(p->role);
	free(p->category);
	free(p->text);
	free(p->ev.speaker);
	free(p->ev.quote);
	free(p->meeting);
	free(p->key);
	free(p->status);
	free(p->deal);
	free(p->time);
	memset(p, 0, sizeof *p);
}

void mk_proposals_release(struct mk_proposals *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		mk_proposal_release(&ps->v[i]);
	free(ps->v);
	mk_proposals_init(ps);
}

/* ---- applying one proposal ---- */

static char *plan_dup(const char *s)
{
	return s ? mk_strdup(s) : NULL;
}

static struct mk_item *plan_find_item(struct mk_plan *plan, int64_t id)
{
	for (size_t i = 0; i < plan->nitems; i++)
		if (plan->items[i].id == id)
			return &plan->items[i];
	return NULL;
}

_Static_assert(offsetof(struct mk_plan_risk, id) == 0, "plan_next_id reads the id first");
_Static_assert(offsetof(struct mk_plan_criterion, id) == 0, "plan_next_id reads the id first");
_Static_assert(offsetof(struct mk_plan_dependency, id) == 0, "plan_next_id reads the id first");

/* One more than the largest id of n records of size bytes each, an int64_t id first in
 * each (risks, criteria, dependencies): what the next one added gets. */
static int64_t plan_next_id(const void *v, size_t n, size_t size)
{
	int64_t max = 0, id;
	for (size_t i = 0; i < n; i++) {
		memcpy(&id, (const char *)v + i * size, sizeof id);
		if (id > max)
			max = id;
	}
	return max + 1;
}

static int plan_date_eq(struct mk_date a, struct mk_date b)
{
	return a.y == b.y && a.m == b.m && a.d == b.d;
}

/* ---- the whole plan (issue 14) ---- */

static void plan_set_text(char **field, const char *value)
{
	free(*field);
	*field = plan_dup(value);
}

static void plan_add_criterion(struct mk_plan *plan, const char *text)
{
	int64_t id = plan_next_id(plan->criteria, plan->ncriteria, sizeof *plan->criteria);
	plan->criteria = mk_grow(plan->criteria, &plan->capcriteria, plan->ncriteria + 1,
				 sizeof *plan->criteria);
	plan->criteria[plan->ncriteria].id = id;
	plan->criteria[plan->ncriteria].text = mk_strdup(text ? text : "");
	plan->criteria[plan->ncriteria].agreed = 1;
	plan->ncriteria++;
}

/* A dependency between the items it names (each resolved to its action) or the words said;
 * MK_ENOTFOUND when an item it names is not on the plan. */
static enum mk_err plan_add_dependency(struct mk_plan *plan, const struct mk_proposal *p)
{
	const struct mk_item *waiting = p->item_id ? plan_find_item(plan, p->item_id) : NULL;
	const struct mk_item *on = p->depends_on_id ? plan_find_item(plan, p->depends_on_id) : NULL;
	struct mk_plan_dependency *d;
	int64_t id = plan_next_id(plan->deps, plan->ndeps, sizeof *plan->deps);

	if ((p->item_id && !waiting) || (p->depends_on_id && !on))
		return MK_ENOTFOUND;
	plan->deps = mk_grow(plan->deps, &plan->capdeps, plan->ndeps + 1, sizeof *plan->deps);
	d = &plan->deps[plan->ndeps++];
	d->id = id;
	d->item_id = p->item_id;
	d->waiting = mk_strdup(waiting ? waiting->action : p->action ? p->action : "");
	d->depends_on_id = p->depends_on_id;
	d->on = mk_strdup(on ? on->action : p->text ? p->text : "");
	return MK_OK;
}

/* The person a set_stance is about: by name (or first name), or by role when it names
 * nobody, as merge/ knows people. */
static struct mk_plan_person *plan_find_person(struct mk_plan *plan, const char *name, const char *role)
{
	for (size_t i = 0; i < plan->npeople; i++)
		if (merge_person_known(name, role, plan->people[i].name, plan->people[i].role))
			return &plan->people[i];
	return NULL;
}

/* Goal, go-live, criterion, dependency, next meeting, stance. MK_ENOTFOUND: an item or the
 * person it names is not on the plan; MK_EFORMAT: a stance that is no stance. */
static enum mk_err plan_apply_element(struct mk_plan *plan, const struct mk_proposal *p)
{
	struct mk_plan_person *who;
	enum mk_stance stance;

	switch (p->kind) {
	case MK_PROP_SET_GOAL:
		plan_set_text(&plan->goal, p->text);
		return MK_OK;
	case MK_PROP_SET_GO_LIVE:
		plan->has_go_live = p->has_due;
		plan->go_live = p->has_due ? p->due : (struct mk_date){ 0, 0, 0 };
		plan_set_text(&plan->go_live_kind, p->category ? p->category : "live");
		return MK_OK;
	case MK_PROP_ADD_CRITERION:
		plan_add_criterion(plan, p->text);
		return MK_OK;
	case MK_PROP_ADD_DEPENDENCY:
		return plan_add_dependency(plan, p);
	case MK_PROP_SET_NEXT_MEETING:
		plan->has_next_meeting = p->has_due;
		plan->next_meeting = p->has_due ? p->due : (struct mk_date){ 0, 0, 0 };
		plan_set_text(&plan->next_meeting_time, p->time);
		plan_set_text(&plan->next_meeting_who, p->name);
		plan_set_text(&plan->next_meeting_purpose, p->text);
		return MK_OK;
	case MK_PROP_SET_STANCE:
		/* not MK_EARG, which says the kind is unknown (the plan as it will be stops there) */
		if (mk_stance_parse(p->category, &stance) != MK_OK)
			return MK_EFORMAT;
		if (!(who = plan_find_person(plan, p->name, p->role)))
			return MK_ENOTFOUND;
		who->stance = stance;
		return MK_OK;
	default:
		return MK_EARG;
	}
}

enum mk_err mk_plan_apply(struct mk_plan *plan, const struct mk_proposal *p, int64_t new_item_id)
{
	struct mk_item *it;

	if (!plan || !p)
		return MK_EARG;
	switch (p->kind) {
	case MK_PROP_ADD_ITEM:
		plan->items = mk_grow(plan->items, &plan->capitems, plan->nitems + 1,
				      sizeof *plan->items);
		it = &plan->items[plan->nitems++];
		memset(it, 0, sizeof *it);
		it->id = new_item_id;
		it->action = mk_strdup(p->action ? p->action : "");
		it->owner = plan_dup(p->owner);
		it->side = p->side;
		it->has_due = p->has_due;
		if (p->has_due)
			it->due = p->due;
		it->status = MK_STATUS_OPEN;
		it->phase = mk_phase_guess(it->action);
		it->said = plan_dup(p->ev.quote);
		return MK_OK;
	case MK_PROP_UPDATE_DUE:
		if (!(it = plan_find_item(plan, p->item_id)))
			return MK_ENOTFOUND;
		if (it->has_due != p->has_due || (p->has_due && !plan_date_eq(it->due, p->due))) {
			if (it->has_due)
				it->slipped = 1;
			it->has_due = p->has_due;
			it->due = p->has_due ? p->due : (struct mk_date){ 0, 0, 0 };
		}
		it->revisions++;
		return MK_OK;
	case MK_PROP_MARK_DONE:
	case MK_PROP_MARK_BLOCKED:
	case MK_PROP_MARK_DROPPED:
		if (!(it = plan_find_item(plan, p->item_id)))
			return MK_ENOTFOUND;
		it->status = p->kind == MK_PROP_MARK_DONE ? MK_STATUS_DONE :
			     p->kind == MK_PROP_MARK_BLOCKED ? MK_STATUS_BLOCKED : MK_STATUS_DROPPED;
		it->revisions++;
		return MK_OK;
	case MK_PROP_ADD_STAKEHOLDER:
		plan->people = mk_grow(plan->people, &plan->cappeople, plan->npeople + 1,
				       sizeof *plan->people);
		/* a person waiting for review: no id yet, no stance, not met (every field set) */
		memset(&plan->people[plan->npeople], 0, sizeof *plan->people);
		plan->people[plan->npeople].name = plan_dup(p->name);
		plan->people[plan->npeople].role = plan_dup(p->role);
		plan->people[plan->npeople].side = p->side;
		plan->npeople++;
		return MK_OK;
	case MK_PROP_ADD_RISK: {
		int64_t id = plan_next_id(plan->risks, plan->nrisks, sizeof *plan->risks);
		plan->risks = mk_grow(plan->risks, &plan->caprisks, plan->nrisks + 1,
				      sizeof *plan->risks);
		memset(&plan->risks[plan->nrisks], 0, sizeof *plan->risks); /* not shareable */
		plan->risks[plan->nrisks].id = id;
		plan->risks[plan->nrisks].category = mk_strdup(p->category ? p->category : "");
		plan->risks[plan->nrisks].text = mk_strdup(p->text ? p->text : "");
		plan->nrisks++;
		return MK_OK;
	}
	default:
		return plan_apply_element(plan, p);
	}
}

/* ---- the order of the plan's items ---- */

static int plan_side_rank(enum mk_side side)
{
	return side == MK_SIDE_BUYER ? 0 : side == MK_SIDE_SELLER ? 1 : 2;
}

/* Stored items (id > 0) first by id, then pending ones (id -P) by their proposal P. */
static int plan_id_cmp(int64_t a, int64_t b)
{
	if ((a > 0) != (b > 0))
		return a > 0 ? -1 : 1;
	if (a < 0) {
		a = -a;
		b = -b;
	}
	return (a > b) - (a < b);
}

static int plan_item_cmp(const void *x, const void *y)
{
	const struct mk_item *a = x, *b = y;
	int c = plan_side_rank(a->side) - plan_side_rank(b->side);

	if (c)
		return c;
	if (a->has_due != b->has_due)
		return a->has_due ? -1 : 1;
	if (a->has_due) {
		c = a->due.y != b->due.y ? a->due.y - b->due.y :
		    a->due.m != b->due.m ? a->due.m - b->due.m : a->due.d - b->due.d;
		if (c)
			return c;
	}
	return plan_id_cmp(a->id, b->id);
}

void mk_plan_order(struct mk_plan *plan)
{
	if (plan && plan->nitems > 1)
		qsort(plan->items, plan->nitems, sizeof *plan->items, plan_item_cmp);
}
