/*
 * elements.c: the whole plan's proposals of one call (issue 14): a goal or a go-live that is
 * new or other than the plan's, success criteria and dependencies the plan does not hold, a
 * next meeting on another day or hour, a stakeholder's stance that changed. Texts compare as
 * merge.c compares actions (merge/words.h); a dependency's steps find their items as an
 * update's words do (merge_find_item). Does no I/O and keeps no state. Invariant: nothing the
 * plan as it will be (pending proposals included) or this call's proposals already say is
 * proposed again, and each proposal is keyed by its evidence (merge_new).
 */
#include "merge/elements.h"
#include "util/util.h"

#include <string.h>

#define ELEMENTS_SAME 0.5f         /* texts this close say the same (merge.c's restate bar) */
#define ELEMENTS_GOAL_CONF 0.6
#define ELEMENTS_GO_LIVE_CONF 0.7
#define ELEMENTS_CRITERION_CONF 0.6
#define ELEMENTS_DEP_CONF 0.6      /* both steps found on the plan; less for each not found */
#define ELEMENTS_DEP_UNMATCHED 0.1
#define ELEMENTS_MEETING_CONF 0.7
#define ELEMENTS_STANCE_CONF 0.6

struct elements {
	struct merge_state *st;
	const struct merge_lex *lex;
	const struct mk_plan *plan;
	const struct mk_proposals *out;
};

static char *elements_dup(const char *s)
{
	return s ? mk_strdup(s) : NULL;
}

static int elements_empty(const char *s)
{
	return !s || !*s;
}

/* Do two texts say the same: equal but for case, or the same normalized words (a real word
 * in common, and as close as merge.c wants a restated action to be)? */
static int elements_same(const struct elements *el, const char *a, const char *b)
{
	struct merge_bag ba, bb;
	struct merge_sim s;

	if (elements_empty(a) || elements_empty(b))
		return elements_empty(a) && elements_empty(b);
	if (mk_strieq(a, b))
		return 1;
	memset(&ba, 0, sizeof ba);
	memset(&bb, 0, sizeof bb);
	merge_bag_add(el->lex, &ba, a, 1);
	merge_bag_add(el->lex, &bb, b, 1);
	merge_bag_compare(&ba, &bb, &s);
	return s.shared_content >= MERGE_W_WORD && s.sim >= ELEMENTS_SAME;
}

static int elements_str_eq(const char *a, const char *b)
{
	return elements_empty(a) ? elements_empty(b) : !elements_empty(b) && !strcmp(a, b);
}

/* Has this call proposed kind with text (or, text NULL, any of kind) already? */
static int elements_proposed(const struct elements *el, enum mk_prop_kind kind, const char *text)
{
	for (size_t i = 0; i < el->out->n; i++)
		if (el->out->v[i].kind == kind && (!text || elements_same(el, text, el->out->v[i].text)))
			return 1;
	return 0;
}

static void elements_goal(const struct elements *el, const struct mk_goal *g)
{
	struct mk_proposal *p;

	if (elements_empty(g->text) || (el->plan->goal && elements_same(el, g->text, el->plan->goal)) ||
	    elements_proposed(el, MK_PROP_SET_GOAL, g->text))
		return;
	p = merge_new(el->st, MK_PROP_SET_GOAL, &g->ev, ELEMENTS_GOAL_CONF);
	p->text = mk_strdup(g->text);
}

static int elements_go_live_is(const struct mk_date *d, const char *kind, const struct mk_go_live *g)
{
	const char *gk = g->kind ? g->kind : "live";
	return !mk_date_cmp(*d, g->date) && !strcmp(kind ? kind : "live", gk);
}

static void elements_go_live(const struct elements *el, const struct mk_go_live *g)
{
	const struct mk_plan *plan = el->plan;
	struct mk_proposal *p;

	if (!g->has_date ||
	    (plan->has_go_live && elements_go_live_is(&plan->go_live, plan->go_live_kind, g)))
		return;
	for (size_t i = 0; i < el->out->n; i++)
		if (el->out->v[i].kind == MK_PROP_SET_GO_LIVE &&
		    elements_go_live_is(&el->out->v[i].due, el->out->v[i].category, g))
			return;
	p = merge_new(el->st, MK_PROP_SET_GO_LIVE, &g->ev, ELEMENTS_GO_LIVE_CONF);
	p->has_due = 1;
	p->due = g->date;
	p->category = mk_strdup(g->kind ? g->kind : "live");
	p->text = elements_dup(g->date_text);
}

static void elements_criterion(const struct elements *el, const struct mk_criterion *c)
{
	struct mk_proposal *p;

	if (elements_empty(c->text))
		return;
	for (size_t i = 0; i < el->plan->ncriteria; i++)
		if (elements_same(el, c->text, el->plan->criteria[i].text))
			return;
	if (elements_proposed(el, MK_PROP_ADD_CRITERION, c->text))
		return;
	p = merge_new(el->st, MK_PROP_ADD_CRITERION, &c->ev, ELEMENTS_CRITERION_CONF);
	p->text = mk_strdup(c->text);
}

/* One step of a dependency is another's: the same item when both are items, else the same
 * words (an item's are its action). */
static int elements_step_same(const struct elements *el, int64_t a_id, const char *a, int64_t b_id,
			      const char *b)
{
	if (a_id && b_id)
		return a_id == b_id;
	return elements_same(el, a, b);
}

/* Does the plan, or this call, hold "waiting waits on on" already? */
static int elements_dep_known(const struct elements *el, int64_t w_id, const char *waiting,
			      int64_t o_id, const char *on)
{
	for (size_t i = 0; i < el->plan->ndeps; i++) {
		const struct mk_plan_dependency *d = &el->plan->deps[i];
		if (elements_step_same(el, w_id, waiting, d->item_id, d->waiting) &&
		    elements_step_same(el, o_id, on, d->depends_on_id, d->on))
			return 1;
	}
	for (size_t i = 0; i < el->out->n; i++) {
		const struct mk_proposal *q = &el->out->v[i];
		if (q->kind == MK_PROP_ADD_DEPENDENCY &&
		    elements_step_same(el, w_id, waiting, q->item_id, q->action) &&
		    elements_step_same(el, o_id, on, q->depends_on_id, q->text))
			return 1;
	}
	return 0;
}

static void elements_dependency(const struct elements *el, const struct mk_dependency *d)
{
	const struct mk_item *w, *o;
	const char *waiting, *on;
	struct mk_proposal *p;
	double conf = ELEMENTS_DEP_CONF;

	if (elements_empty(d->waiting) || elements_empty(d->on))
		return;
	w = merge_find_item(el->st, d->waiting, &d->ev);
	o = merge_find_item(el->st, d->on, &d->ev);
	if (w && o && w->id == o->id)
		o = NULL; /* a step does not wait on itself: the words were too close to tell */
	waiting = w ? w->action : d->waiting;
	on = o ? o->action : d->on;
	if (elements_dep_known(el, w ? w->id : 0, waiting, o ? o->id : 0, on))
		return;
	conf -= (w ? 0 : ELEMENTS_DEP_UNMATCHED) + (o ? 0 : ELEMENTS_DEP_UNMATCHED);
	p = merge_new(el->st, MK_PROP_ADD_DEPENDENCY, &d->ev, conf);
	p->item_id = w ? w->id : 0;
	p->action = mk_strdup(waiting);
	p->depends_on_id = o ? o->id : 0;
	p->text = mk_strdup(on);
	if (w) {
		p->owner = elements_dup(w->owner);
		p->side = w->side;
	}
}

/* A meeting said with no day and a plan meeting that has one: the same meeting at another
 * hour, so it keeps the plan's day. */
static void elements_next_meeting(const struct elements *el, const struct mk_next_meeting *m)
{
	const struct mk_plan *plan = el->plan;
	int has_date = m->has_date || plan->has_next_meeting;
	struct mk_date date = m->has_date ? m->date : plan->next_meeting;
	int date_differs = m->has_date && (!plan->has_next_meeting || mk_date_cmp(m->date, plan->next_meeting));
	int time_differs = !elements_empty(m->time) && !elements_str_eq(m->time, plan->next_meeting_time);
	struct mk_proposal *p;

	if (!date_differs && !time_differs)
		return;
	for (size_t i = 0; i < el->out->n; i++) {
		const struct mk_proposal *q = &el->out->v[i];
		if (q->kind == MK_PROP_SET_NEXT_MEETING && q->has_due == has_date &&
		    (!has_date || !mk_date_cmp(q->due, date)) && elements_str_eq(q->time, m->time))
			return;
	}
	p = merge_new(el->st, MK_PROP_SET_NEXT_MEETING, &m->ev, ELEMENTS_MEETING_CONF);
	p->has_due = has_date;
	if (has_date)
		p->due = date;
	p->time = elements_dup(elements_empty(m->time) ? NULL : m->time);
	p->name = elements_dup(m->who);
	p->text = elements_dup(m->purpose);
}

/* The stance the plan (or this call's proposals) gives the person s is about: 1 and *now
 * when the plan or a stakeholder proposed in this call knows them, 0 when nobody does.
 * *who: the person on the plan, when it is the plan that knows them. */
static int elements_stance_now(const struct elements *el, const struct mk_stance_finding *s,
			       enum mk_stance *now, const struct mk_plan_person **who)
{
	const struct mk_proposals *out = el->out;
	int known = 0;

	for (size_t i = 0; i < el->plan->npeople && !known; i++) {
		const struct mk_plan_person *pp = &el->plan->people[i];
		if ((known = merge_person_known(s->name, s->role, pp->name, pp->role))) {
			*now = pp->stance;
			*who = pp;
		}
	}
	for (size_t i = 0; i < out->n && !known; i++)
		if (out->v[i].kind == MK_PROP_ADD_STAKEHOLDER &&
		    (known = merge_person_known(s->name, s->role, out->v[i].name, out->v[i].role)))
			*now = MK_STANCE_UNKNOWN;
	/* a stance said earlier in this call is the one this changes */
	for (size_t i = 0; known && i < out->n; i++)
		if (out->v[i].kind == MK_PROP_SET_STANCE &&
		    merge_person_known(s->name, s->role, out->v[i].name, out->v[i].role))
			mk_stance_parse(out->v[i].category, now);
	return known;
}

static void elements_stance(const struct elements *el, const struct mk_stance_finding *s)
{
	enum mk_stance now = MK_STANCE_UNKNOWN;
	const struct mk_plan_person *who = NULL;
	struct mk_proposal *p;

	if (s->stance <= MK_STANCE_UNKNOWN || s->stance >= MK_STANCE_COUNT ||
	    (elements_empty(s->name) && elements_empty(s->role)))
		return;
	if (!elements_stance_now(el, s, &now, &who) || now == s->stance)
		return;
	p = merge_new(el->st, MK_PROP_SET_STANCE, &s->ev, ELEMENTS_STANCE_CONF);
	/* a person on the plan is named as the plan has them ("Farah" is Farah Khan, the
	 * buyer's CFO, whatever side the sentence suggested) */
	if (who && (who->name || !s->name)) {
		p->name = elements_dup(who->name);
		p->role = elements_dup(who->role);
		p->side = who->side;
	} else {
		p->name = elements_dup(elements_empty(s->name) ? NULL : s->name);
		p->role = elements_dup(s->role);
		p->side = s->side;
	}
	p->category = mk_strdup(mk_stance_name(s->stance));
}

void merge_elements(struct merge_state *st, const struct merge_lex *lex, const struct mk_plan *plan,
		    const struct mk_findings *f, const struct mk_proposals *out)
{
	struct elements el = { st, lex, plan, out };

	for (size_t i = 0; i < f->ngoals; i++)
		elements_goal(&el, &f->goals[i]);
	for (size_t i = 0; i < f->ngo_lives; i++)
		elements_go_live(&el, &f->go_lives[i]);
	for (size_t i = 0; i < f->ncriteria; i++)
		elements_criterion(&el, &f->criteria[i]);
	for (size_t i = 0; i < f->ndependencies; i++)
		elements_dependency(&el, &f->dependencies[i]);
	for (size_t i = 0; i < f->nnext_meetings; i++)
		elements_next_meeting(&el, &f->next_meetings[i]);
	for (size_t i = 0; i < f->nstances; i++)
		elements_stance(&el, &f->stances[i]);
}
