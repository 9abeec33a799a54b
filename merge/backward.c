/*
 * backward.c: mk_plan_backward, working backward from go-live over the plan's dependencies:
 * when each open item can finish (its due, or later when what it waits on ends later), the
 * critical path, the slack to go-live, what is late and which items it holds up.
 * A pure function of the plan and a day; does not change the plan. Invariant: only open and
 * blocked items take part (done and dropped ones finish nothing, and nothing waits on them);
 * an edge that lies on a cycle is dropped (out->cycle says so), so what is left is acyclic.
 */
#include "mapkeeper.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

struct backward_edge {
	size_t from, to;           /* item from waits on item to (indexes into the plan) */
};

struct backward {
	const struct mk_plan *plan;
	struct mk_date today;
	int *live;                 /* per plan item: takes part (open or blocked) */
	struct backward_edge *edges;
	size_t nedges;
	size_t *first;             /* per item: its edges (waits on) are edges[first[i]..first[i+1]) */
	size_t *comp;              /* per item: its strongly connected component */
	size_t *order;             /* the items, each after every item it waits on */
	size_t *pred;              /* per item: what it waits on that finishes last, or SIZE_MAX */
	size_t *depth;             /* per item: items in its chain of pred, itself included */
	struct mk_backward_item *e; /* per plan item: its entry (out->items is these, compacted) */
};

static int backward_live(const struct mk_item *it)
{
	return it->status == MK_STATUS_OPEN || it->status == MK_STATUS_BLOCKED;
}

static long backward_index(const struct mk_plan *plan, int64_t id)
{
	for (size_t i = 0; id && i < plan->nitems; i++)
		if (plan->items[i].id == id)
			return (long)i;
	return -1;
}

static int backward_edge_cmp(const void *a, const void *b)
{
	const struct backward_edge *x = a, *y = b;
	return x->from != y->from ? (x->from > y->from) - (x->from < y->from) :
				    (x->to > y->to) - (x->to < y->to);
}

/* first[] for the edges as they are (sorted by the item that waits). */
static void backward_group(struct backward *bw)
{
	for (size_t i = 0, e = 0; i <= bw->plan->nitems; i++) {
		while (e < bw->nedges && bw->edges[e].from < i)
			e++;
		bw->first[i] = e;
	}
}

/* The edges between live items, grouped by the item that waits (each once). */
static void backward_edges(struct backward *bw)
{
	const struct mk_plan *plan = bw->plan;
	size_t n = plan->nitems, k = 0;

	bw->edges = mk_calloc(plan->ndeps + 1, sizeof *bw->edges);
	for (size_t i = 0; i < plan->ndeps; i++) {
		long from = backward_index(plan, plan->deps[i].item_id);
		long to = backward_index(plan, plan->deps[i].depends_on_id);
		if (from < 0 || to < 0 || !bw->live[from] || !bw->live[to])
			continue;
		bw->edges[bw->nedges].from = (size_t)from;
		bw->edges[bw->nedges++].to = (size_t)to;
	}
	qsort(bw->edges, bw->nedges, sizeof *bw->edges, backward_edge_cmp);
	for (size_t i = 0; i < bw->nedges; i++)
		if (!k || backward_edge_cmp(&bw->edges[k - 1], &bw->edges[i]))
			bw->edges[k++] = bw->edges[i];
	bw->nedges = k;
	bw->first = mk_calloc(n + 1, sizeof *bw->first);
	backward_group(bw);
}

/* Tarjan's strongly connected components, without recursion; comp[i] gets i's component. */
static void backward_components(const struct backward *bw, size_t *comp)
{
	size_t n = bw->plan->nitems, counter = 0, ncomp = 0, sp = 0, cp = 0;
	size_t *index = mk_malloc((n + 1) * sizeof *index), *low = mk_malloc((n + 1) * sizeof *low);
	size_t *stack = mk_malloc((n + 1) * sizeof *stack), *call = mk_malloc((n + 1) * sizeof *call);
	size_t *next = mk_malloc((n + 1) * sizeof *next);
	char *on = mk_calloc(n + 1, 1);

	for (size_t i = 0; i < n; i++)
		index[i] = SIZE_MAX;
	for (size_t root = 0; root < n; root++) {
		if (index[root] != SIZE_MAX)
			continue;
		call[cp++] = root;
		index[root] = low[root] = counter++;
		next[root] = bw->first[root];
		stack[sp++] = root;
		on[root] = 1;
		while (cp) {
			size_t v = call[cp - 1];
			if (next[v] < bw->first[v + 1]) {
				size_t w = bw->edges[next[v]++].to;
				if (index[w] == SIZE_MAX) {
					index[w] = low[w] = counter++;
					next[w] = bw->first[w];
					stack[sp++] = w;
					on[w] = 1;
					call[cp++] = w;
				} else if (on[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			if (low[v] == index[v]) {
				size_t w;
				do {
					w = stack[--sp];
					on[w] = 0;
					comp[w] = ncomp;
				} while (w != v);
				ncomp++;
			}
			if (--cp && low[v] < low[call[cp - 1]])
				low[call[cp - 1]] = low[v];
		}
	}
	free(index);
	free(low);
	free(stack);
	free(call);
	free(next);
	free(on);
}

/* Drops every edge that lies on a cycle (both ends in one component, or an item waiting
 * on itself); 1 when there was one. Tarjan numbers a component after every one it waits
 * on, so afterwards each edge goes from a higher comp[] to a lower one. */
static int backward_break_cycles(struct backward *bw)
{
	size_t k = 0;
	int cycle = 0;

	bw->comp = mk_calloc(bw->plan->nitems + 1, sizeof *bw->comp);
	backward_components(bw, bw->comp);
	for (size_t e = 0; e < bw->nedges; e++) {
		if (bw->comp[bw->edges[e].from] == bw->comp[bw->edges[e].to]) {
			cycle = 1;
			continue;
		}
		bw->edges[k++] = bw->edges[e];
	}
	bw->nedges = k;
	backward_group(bw);
	return cycle;
}

/* order[]: the items by component (what is waited on first), then by plan order. */
static void backward_order(struct backward *bw)
{
	size_t n = bw->plan->nitems;
	size_t *start = mk_calloc(n + 2, sizeof *start);

	bw->order = mk_malloc((n + 1) * sizeof *bw->order);
	for (size_t i = 0; i < n; i++)
		start[bw->comp[i] + 1]++;
	for (size_t c = 0; c < n; c++)
		start[c + 1] += start[c];
	for (size_t i = 0; i < n; i++)
		bw->order[start[bw->comp[i]]++] = i;
	free(start);
}

/* Late: overdue on today, or its due date moved. */
static int backward_late(const struct backward *bw, const struct mk_item *it)
{
	return it->slipped || (it->has_due && mk_date_cmp(it->due, bw->today) < 0);
}

/* Item v's finish, what it waits on that ends last, and what holds it up: a late or
 * blocked item it waits on, else what holds up those (in the order of the plan). */
static void backward_item(struct backward *bw, size_t v)
{
	const struct mk_plan *plan = bw->plan;
	const struct mk_item *it = &plan->items[v];
	struct mk_backward_item *e = &bw->e[v];

	e->item_id = it->id;
	e->has_finish = it->has_due;
	e->finish = it->due;
	e->late = backward_late(bw, it);
	bw->pred[v] = SIZE_MAX;
	for (size_t k = bw->first[v]; k < bw->first[v + 1]; k++) {
		size_t w = bw->edges[k].to;
		const struct mk_backward_item *we = &bw->e[w];
		if (we->has_finish && (bw->pred[v] == SIZE_MAX || mk_date_cmp(we->finish, bw->e[bw->pred[v]].finish) > 0))
			bw->pred[v] = w;
		if (!e->held_by && (we->late || plan->items[w].status == MK_STATUS_BLOCKED))
			e->held_by = we->item_id;
	}
	for (size_t k = bw->first[v]; !e->held_by && k < bw->first[v + 1]; k++)
		e->held_by = bw->e[bw->edges[k].to].held_by;
	if (bw->pred[v] != SIZE_MAX && (!e->has_finish || mk_date_cmp(bw->e[bw->pred[v]].finish, e->finish) > 0)) {
		e->has_finish = 1;
		e->finish = bw->e[bw->pred[v]].finish;
	}
	bw->depth[v] = bw->pred[v] == SIZE_MAX ? 1 : bw->depth[bw->pred[v]] + 1;
}

/* The critical path: back from the item that finishes last (the longest chain among those
 * that finish on that day, then the first in plan order) through what each waits on that
 * ends last. */
static void backward_path(struct backward *bw, struct mk_backward *out)
{
	size_t n = bw->plan->nitems, end = SIZE_MAX;

	for (size_t i = 0; i < n; i++) {
		int c;
		if (!bw->live[i] || !bw->e[i].has_finish)
			continue;
		c = end == SIZE_MAX ? 1 : mk_date_cmp(bw->e[i].finish, bw->e[end].finish);
		if (c > 0 || (c == 0 && bw->depth[i] > bw->depth[end]))
			end = i;
	}
	if (end == SIZE_MAX)
		return;
	out->has_end = 1;
	out->end = bw->e[end].finish;
	out->npath = bw->depth[end];
	out->path = mk_calloc(out->npath, sizeof *out->path);
	for (size_t v = end, k = out->npath; v != SIZE_MAX && k; v = bw->pred[v]) {
		out->path[--k] = bw->e[v].item_id;
		bw->e[v].critical = 1;
	}
}

static void backward_free(struct backward *bw)
{
	free(bw->live);
	free(bw->edges);
	free(bw->first);
	free(bw->comp);
	free(bw->order);
	free(bw->pred);
	free(bw->depth);
	free(bw->e);
}

void mk_plan_backward(const struct mk_plan *plan, struct mk_date today, struct mk_backward *out)
{
	struct backward bw;
	size_t n;

	if (!out)
		return;
	memset(out, 0, sizeof *out);
	if (!plan)
		return;
	n = plan->nitems;
	memset(&bw, 0, sizeof bw);
	bw.plan = plan;
	bw.today = today;
	bw.live = mk_calloc(n + 1, sizeof *bw.live);
	for (size_t i = 0; i < n; i++)
		bw.live[i] = backward_live(&plan->items[i]);
	backward_edges(&bw);
	out->cycle = backward_break_cycles(&bw);
	backward_order(&bw);
	bw.pred = mk_malloc((n + 1) * sizeof *bw.pred);
	bw.depth = mk_calloc(n + 1, sizeof *bw.depth);
	bw.e = mk_calloc(n + 1, sizeof *bw.e);
	for (size_t k = 0; k < n; k++)
		if (bw.live[bw.order[k]])
			backward_item(&bw, bw.order[k]);
	backward_path(&bw, out);
	out->has_go_live = plan->has_go_live;
	out->go_live = plan->go_live;
	out->has_slack = out->has_go_live && out->has_end;
	if (out->has_slack)
		out->slack_days = (int)(mk_date_days(out->go_live) - mk_date_days(out->end));
	out->items = mk_calloc(n + 1, sizeof *out->items);
	for (size_t i = 0; i < n; i++) {
		if (!bw.live[i])
			continue;
		bw.e[i].past_go_live = out->has_go_live && bw.e[i].has_finish &&
				       mk_date_cmp(bw.e[i].finish, out->go_live) > 0;
		out->items[out->n++] = bw.e[i];
	}
	backward_free(&bw);
}

void mk_backward_release(struct mk_backward *b)
{
	if (!b)
		return;
	free(b->items);
	free(b->path);
	memset(b, 0, sizeof *b);
}
