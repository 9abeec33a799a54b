/*
 * plan_build.h: hand-built plans and findings for the merge/ unit tests (test_merge.c,
 * test_elements.c): dates, evidence, plan items, stakeholders said on a call, counting
 * proposals. Every string is a heap copy the plan's or the findings' release frees.
 * Include after tap.h; a test uses what it needs (static inline: the rest costs nothing).
 */
#ifndef MK_TEST_PLAN_BUILD_H
#define MK_TEST_PLAN_BUILD_H

#include "mapkeeper.h"

#include <stdlib.h>
#include <string.h>

static inline struct mk_date day(int y, int m, int d)
{
	struct mk_date r = { y, m, d };
	return r;
}

static inline int day_eq(struct mk_date a, struct mk_date b)
{
	return a.y == b.y && a.m == b.m && a.d == b.d;
}

static inline char *dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* said by speaker at start_s seconds, for 4 seconds */
static inline struct mk_evidence ev(const char *speaker, int64_t start_s, const char *quote)
{
	struct mk_evidence e;
	memset(&e, 0, sizeof e);
	e.speaker = dup(speaker);
	e.start_ms = start_s * 1000;
	e.end_ms = e.start_ms + 4000;
	e.quote = dup(quote);
	return e;
}

/* an open item; due.y == 0: no due date */
static inline struct mk_item *plan_item(struct mk_plan *p, int64_t id, const char *action, const char *owner,
					enum mk_side side, struct mk_date due)
{
	struct mk_item *it;
	p->items = realloc(p->items, (p->nitems + 1) * sizeof *p->items);
	p->capitems = p->nitems + 1;
	it = &p->items[p->nitems++];
	memset(it, 0, sizeof *it);
	it->id = id;
	it->action = dup(action);
	it->owner = dup(owner);
	it->side = side;
	it->has_due = due.y != 0;
	it->due = due;
	return it;
}

static inline void add_stakeholder(struct mk_findings *f, const char *name, const char *role,
				   enum mk_side side, struct mk_evidence e)
{
	struct mk_stakeholder *s;
	f->stakeholders = realloc(f->stakeholders, (f->nstakeholders + 1) * sizeof *f->stakeholders);
	s = &f->stakeholders[f->nstakeholders++];
	memset(s, 0, sizeof *s);
	s->name = dup(name);
	s->role = dup(role);
	s->side = side;
	s->rule = "test";
	s->ev = e;
}

static inline size_t count(const struct mk_proposals *ps, enum mk_prop_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < ps->n; i++)
		n += ps->v[i].kind == kind;
	return n;
}

#endif
