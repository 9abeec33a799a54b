/*
 * test_merge_dev.c: the call-by-call measure of merge/ on the dev corpus
 * (../shared/corpus/dev, skipped when absent). For each deal, calls 01..03 in order:
 * extract, merge against the in-memory plan, score the proposals against the call's gold
 * updates, then approve them all (mk_plan_apply). A gold update is right when a proposal
 * of its kind targets the plan item created from the gold commitment it is about (gold
 * commitments are tied to extracted ones by evidence time, 20 s before to 10 s after,
 * as ../shared/eval/score.py does). An add_item for something already on the plan is a
 * duplicate. Then the backlog flow: every call merged against the plan as it will be (what
 * earlier calls proposed still pending, mapkeeper.h) and all approved at the end must give
 * the same plan as reviewing after each call. Run from the repository root;
 * MK_MERGE_VERBOSE=1 prints every decision.
 */
#include "mapkeeper.h"
#include "tap.h"

#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEV_CORPUS "../shared/corpus/dev"
#define DEV_MAX_DEALS 64
#define DEV_MAX_MAP 512
#define DEV_TARGET 0.7    /* sets A and B, the deals merge was written against */
/* Every set (A, B and the writers E-H added later): 0.37 and 4 duplicate items when they
 * arrived (2026-12-07); issue 12 (status lines in other words, the sentence that promised
 * an item, the question before the news) reached 0.55 with 3 duplicates. This counts the
 * right item only; ../shared/eval/plan.py, which counts any change of the right kind at
 * the news, gave 0.68 then. Re-promises in other words (news beside the promise, items
 * taken over, the one thing an owner owes, sides that are a guess) reached 0.58 with 2
 * duplicates (plan.py 0.75, 8 duplicate items). Status lines matched by the owner they name,
 * by a word of the sentence that promised the item, by the team that buys named in other
 * words, a meeting booked, a promise kept ("so here I am"), the earliest date, and one
 * sentence moving two things reached 0.63 with 2 (plan.py 0.81, 1 duplicate item). */
#define DEV_FLOOR_ALL 0.62
#define DEV_MAX_DUP_ALL 2
static const char *const dev_tuned[] = { "harbor-freight-tms", "mercy-health-secops",
					 "lumen-retail-hr", "quillpay-warehouse" };

struct dev_map {                /* gold commitment action -> the plan item made from it */
	char *action[DEV_MAX_MAP];
	int64_t item[DEV_MAX_MAP];
	size_t n;
};

static int verbose;
static int updates_right, updates_total, duplicates, repromises_added, other_changes;
static int tuned_right, tuned_total, tuned_dups, in_tuned;

static int64_t dev_ms(const char *t)
{
	double s = 0, part = 0, frac = 0, scale = 0;
	if (!t)
		return -1;
	for (; *t; t++) {
		if (*t >= '0' && *t <= '9') {
			if (scale > 0) {
				frac += (*t - '0') * scale;
				scale /= 10;
			} else {
				part = part * 10 + (*t - '0');
			}
		} else if (*t == ':') {
			s = (s + part) * 60;
			part = 0;
		} else if (*t == '.') {
			scale = 0.1;
		}
	}
	return (int64_t)((s + part + frac) * 1000 + 0.5);
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* score.py's same_person: equal, or one name's words begin the other's */
static int dev_same_person(const char *a, const char *b)
{
	size_t la, lb;
	if (!a || !b || !*a || !*b)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	if (la == lb)
		return !strcasecmp(a, b);
	if (la > lb) {
		const char *t = a;
		a = b;
		b = t;
		la = lb;
	}
	return !strncasecmp(a, b, la) && b[la] == ' ';
}

static int64_t dev_map_get(const struct dev_map *m, const char *action)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->action[i], action))
			return m->item[i];
	return 0;
}

static void dev_map_put(struct dev_map *m, const char *action, int64_t id)
{
	if (dev_map_get(m, action) || m->n >= DEV_MAX_MAP)
		return;
	m->action[m->n] = strdup(action);
	m->item[m->n++] = id;
}

static int dev_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Greedy like score.py: gold in time order, the nearest unused commitment in the window,
 * preferring the same owner. pair[g] = index of the commitment or -1. */
static void dev_match(json_t *gcs, const struct mk_findings *f, long *pair)
{
	size_t ng = json_array_size(gcs);
	size_t *order = calloc(ng + 1, sizeof *order);
	char *used = calloc(f->ncommitments + 1, 1);

	for (size_t i = 0; i < ng; i++) {
		order[i] = i;
		pair[i] = -1;
	}
	for (size_t i = 1; i < ng; i++) /* insertion sort by "at" (stable) */
		for (size_t j = i; j > 0 && dev_ms(jstr(json_array_get(gcs, order[j - 1]), "at")) >
					      dev_ms(jstr(json_array_get(gcs, order[j]), "at")); j--) {
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (size_t oi = 0; oi < ng; oi++) {
		json_t *g = json_array_get(gcs, order[oi]);
		int64_t ga = dev_ms(jstr(g, "at"));
		long best = -1;
		int64_t bkey = 0;
		for (size_t c = 0; c < f->ncommitments; c++) {
			int64_t ps = f->commitments[c].ev.start_ms, key;
			if (used[c] || ps < ga - 20000 || ps > ga + 10000)
				continue;
			key = (dev_same_person(jstr(g, "owner"), f->commitments[c].owner) ? 0 : 1000000000) +
			      (ps > ga ? ps - ga : ga - ps);
			if (best < 0 || key < bkey) {
				best = (long)c;
				bkey = key;
			}
		}
		if (best >= 0) {
			used[best] = 1;
			pair[order[oi]] = best;
		}
	}
	free(order);
	free(used);
}

/* The add_item proposal made from commitment c, or -1. */
static long dev_add_of(const struct mk_proposals *ps, const struct mk_commitment *c)
{
	for (size_t i = 0; i < ps->n; i++) {
		const struct mk_proposal *p = &ps->v[i];
		if (p->kind == MK_PROP_ADD_ITEM && p->ev.start_ms == c->ev.start_ms && p->action &&
		    c->action && !strcmp(p->action, c->action))
			return (long)i;
	}
	return -1;
}

static enum mk_prop_kind dev_kind(const char *change)
{
	if (!strcmp(change, "done"))
		return MK_PROP_MARK_DONE;
	if (!strcmp(change, "blocked"))
		return MK_PROP_MARK_BLOCKED;
	if (!strcmp(change, "dropped"))
		return MK_PROP_MARK_DROPPED;
	return MK_PROP_UPDATE_DUE;
}

static const char *dev_item_action(const struct mk_plan *plan, int64_t id)
{
	for (size_t i = 0; i < plan->nitems; i++)
		if (plan->items[i].id == id)
			return plan->items[i].action;
	return "?";
}

/* Reads call `call` of deal and extracts it as ingest would (the gold's sellers and date):
 * 1 done (*gold, t and f to release), 0 no such call, -1 failed (said why). */
static int dev_read(const struct mk_rules *rs, const char *deal, int call, json_t **gold,
		    struct mk_transcript *t, struct mk_findings *f, struct mk_date *date)
{
	char vtt[1024], gpath[1024];
	json_error_t jerr;
	struct mk_extract_opts opts;
	struct mk_diag diag;
	const char *sellers[32];

	mk_transcript_init(t);
	mk_findings_init(f);
	snprintf(vtt, sizeof vtt, "%s/%s/call-%02d.vtt", DEV_CORPUS, deal, call);
	snprintf(gpath, sizeof gpath, "%s/%s/call-%02d.gold.json", DEV_CORPUS, deal, call);
	if (!(*gold = json_load_file(gpath, 0, &jerr)))
		return 0; /* no such call */
	memset(&opts, 0, sizeof opts);
	if (mk_date_parse(jstr(*gold, "meeting_start"), &opts.date) != MK_OK) {
		printf("#   %s: bad meeting_start\n", gpath);
		return -1;
	}
	json_t *parts = json_object_get(*gold, "participants");
	for (size_t i = 0; i < json_array_size(parts) && opts.nsellers < 32; i++) {
		json_t *pp = json_array_get(parts, i);
		if (jstr(pp, "side") && !strcmp(jstr(pp, "side"), "seller"))
			sellers[opts.nsellers++] = jstr(pp, "name");
	}
	opts.sellers = sellers;
	opts.seller_org = jstr(*gold, "seller_org");
	opts.buyer_org = jstr(*gold, "buyer_org");
	*date = opts.date;
	mk_diag_clear(&diag);
	if (mk_transcript_read_file(t, vtt, &diag) != MK_OK || mk_extract(rs, t, &opts, f, &diag) != MK_OK) {
		printf("#   %s: %s\n", vtt, diag.msg);
		return -1;
	}
	return 1;
}

static int dev_call(const struct mk_rules *rs, const char *deal, int call, struct mk_plan *plan,
		    struct dev_map *map, int64_t *next_id)
{
	char vtt[1024], dstr[11];
	json_t *gold = NULL, *gcs, *gus;
	struct mk_transcript t;
	struct mk_findings f;
	struct mk_date date;
	struct mk_proposals ps;
	long *pair;
	int64_t *created;
	char *hit;
	int ok = 1, got;

	snprintf(vtt, sizeof vtt, "%s/%s/call-%02d.vtt", DEV_CORPUS, deal, call);
	mk_proposals_init(&ps);
	if ((got = dev_read(rs, deal, call, &gold, &t, &f, &date)) <= 0) {
		ok = got == 0;
		goto out;
	}
	if (mk_merge(plan, &f, t.sha256, &ps) != MK_OK) {
		printf("#   %s: the merge failed\n", vtt);
		ok = 0;
		goto out;
	}
	mk_date_format(date, dstr, sizeof dstr);
	gcs = json_object_get(gold, "commitments");
	gus = json_object_get(gold, "updates");
	pair = calloc(json_array_size(gcs) + 1, sizeof *pair);
	dev_match(gcs, &f, pair);
	hit = calloc(ps.n + 1, 1);

	/* gold updates */
	for (size_t i = 0; i < json_array_size(gus); i++) {
		json_t *u = json_array_get(gus, i);
		const char *item = jstr(u, "item"), *change = jstr(u, "change");
		int64_t id = dev_map_get(map, item);
		enum mk_prop_kind kind = dev_kind(change);
		json_t *nd = json_object_get(u, "new_due");
		int right = 0;
		for (size_t k = 0; id && k < ps.n; k++) {
			const struct mk_proposal *p = &ps.v[k];
			char due[11];
			if (p->kind != kind || p->item_id != id)
				continue;
			hit[k] = 1;
			if (kind == MK_PROP_UPDATE_DUE) {
				if (!p->has_due)
					continue;
				mk_date_format(p->due, due, sizeof due);
				if (!nd || !jstr(nd, "lo") || strcmp(due, jstr(nd, "lo")) < 0 ||
				    strcmp(due, jstr(nd, "hi")) > 0)
					continue;
			}
			right = 1;
		}
		updates_total++;
		updates_right += right;
		tuned_total += in_tuned;
		tuned_right += in_tuned && right;
		if (verbose)
			printf("# %s %s %d %s %s '%s'%s\n", right ? "right" : "MISS ", deal, call,
			       jstr(u, "at"), change, item, id ? "" : " (not on the plan)");
	}
	/* changes no gold update asked for */
	for (size_t k = 0; k < ps.n; k++) {
		const struct mk_proposal *p = &ps.v[k];
		if (p->item_id == 0 || hit[k])
			continue;
		other_changes++;
		if (verbose) {
			char due[11] = "";
			if (p->has_due)
				mk_date_format(p->due, due, sizeof due);
			printf("# other %s %d %s %s -> '%s' (%s) %s: %s\n", deal, call,
			       mk_prop_kind_name(p->kind), due, dev_item_action(plan, p->item_id),
			       p->owner ? p->owner : "-", p->ev.speaker ? p->ev.speaker : "-",
			       p->ev.quote);
		}
	}
	/* duplicates: an add_item for a gold commitment whose action is already on the plan;
	 * and (reported, not asserted) an add_item for a re-promise at a gold new_due update */
	for (size_t c = 0; call > 1 && c < f.ncommitments; c++) {
		long a = dev_add_of(&ps, &f.commitments[c]);
		const char *dup = NULL, *again = NULL;
		int matched = 0;
		if (a < 0)
			continue;
		for (size_t g = 0; g < json_array_size(gcs); g++) {
			if (pair[g] != (long)c)
				continue;
			matched = 1;
			if (dev_map_get(map, jstr(json_array_get(gcs, g), "action")))
				dup = jstr(json_array_get(gcs, g), "action");
		}
		for (size_t i = 0; !matched && i < json_array_size(gus); i++) {
			json_t *u = json_array_get(gus, i);
			int64_t at = dev_ms(jstr(u, "at")), s = f.commitments[c].ev.start_ms;
			if (!strcmp(jstr(u, "change"), "new_due") && s >= at - 10000 && s <= at + 10000 &&
			    dev_map_get(map, jstr(u, "item")))
				again = jstr(u, "item");
		}
		if (dup) {
			duplicates++;
			tuned_dups += in_tuned;
			printf("# duplicate %s %d: '%s' again as '%s'\n", deal, call, dup,
			       f.commitments[c].action);
		} else if (again) {
			repromises_added++;
			if (verbose)
				printf("# re-promise added as a new item %s %d: '%s' again as '%s'\n",
				       deal, call, again, f.commitments[c].action);
		}
	}
	if (verbose > 1) {
		for (size_t k = 0; k < ps.n; k++) {
			const struct mk_proposal *p = &ps.v[k];
			char due[11] = "";
			if (p->has_due)
				mk_date_format(p->due, due, sizeof due);
			printf("#   prop %s item=%lld '%s' (%s) %s conf=%.2f | %s\n", mk_prop_kind_name(p->kind),
			       (long long)p->item_id, p->action ? p->action : (p->name ? p->name : (p->text ? p->text : "")),
			       p->owner ? p->owner : "-", due, p->confidence, p->ev.quote);
		}
	}
	/* approve all */
	created = calloc(ps.n + 1, sizeof *created);
	for (size_t k = 0; k < ps.n; k++) {
		if (ps.v[k].kind == MK_PROP_ADD_ITEM)
			created[k] = (*next_id)++;
		if (mk_plan_apply(plan, &ps.v[k], created[k]) != MK_OK) {
			printf("#   %s: cannot apply proposal %zu\n", vtt, k);
			ok = 0;
		}
	}
	for (size_t g = 0; g < json_array_size(gcs); g++) {
		long a;
		if (pair[g] < 0 || (a = dev_add_of(&ps, &f.commitments[pair[g]])) < 0)
			continue;
		dev_map_put(map, jstr(json_array_get(gcs, g), "action"), created[a]);
	}
	if (verbose)
		printf("# %s %d (%s): %zu proposals, plan has %zu items\n", deal, call, dstr, ps.n,
		       plan->nitems);
	free(created);
	free(hit);
	free(pair);
out:
	mk_proposals_release(&ps);
	mk_findings_release(&f);
	mk_transcript_release(&t);
	json_decref(gold);
	return ok;
}

/* ---- the backlog flow: calls ingested before any review ---- */

static int dev_item_cmp(const void *a, const void *b)
{
	const struct mk_item *x = a, *y = b;
	char dx[11] = "", dy[11] = "";
	int c = strcmp(x->action ? x->action : "", y->action ? y->action : "");
	if (!c)
		c = strcmp(x->owner ? x->owner : "", y->owner ? y->owner : "");
	if (!c)
		c = (int)x->side - (int)y->side;
	if (x->has_due)
		mk_date_format(x->due, dx, sizeof dx);
	if (y->has_due)
		mk_date_format(y->due, dy, sizeof dy);
	if (!c)
		c = strcmp(dx, dy);
	return c ? c : (int)x->status - (int)y->status;
}

/* Deal's calls in order, each merged against the plan as it will be, its proposals then
 * approved all. pending = 0: reviewed after each call (items get ids 1, 2, ... as the store
 * gives them). pending = 1: every call ingested before any review, so what earlier calls
 * proposed is still pending (proposal P numbered as the store would, an add_item on the plan
 * as the item -P, as cmd_ingest.c does), then all approved in order: the news tied to a
 * pending item changes the item its add_item became. The plan ends in *out. */
static int dev_flow(const struct mk_rules *rs, const char *deal, int pending, struct mk_plan *out)
{
	struct mk_proposals all;
	int64_t next_item = 1;
	int ok = 1;

	mk_plan_init(out);
	mk_proposals_init(&all);
	for (int call = 1; ok && call <= 9; call++) {
		json_t *gold = NULL;
		struct mk_transcript t;
		struct mk_findings f;
		struct mk_date date;
		struct mk_proposals ps;
		int got = dev_read(rs, deal, call, &gold, &t, &f, &date);

		mk_proposals_init(&ps);
		if (got > 0 && mk_merge(out, &f, t.sha256, &ps) != MK_OK)
			got = -1;
		for (size_t k = 0; got > 0 && k < ps.n; k++) {
			struct mk_proposal *p = &ps.v[k];
			p->id = (int64_t)all.n + 1;
			if (!pending)
				mk_plan_apply(out, p, p->kind == MK_PROP_ADD_ITEM ? next_item++ : 0);
			else if (mk_plan_apply(out, p, -p->id) == MK_EARG)
				got = -1;
			all.v = realloc(all.v, (all.n + 1) * sizeof *all.v);
			all.v[all.n++] = *p;
		}
		free(ps.v); /* the proposals are in all now */
		mk_plan_order(out);
		mk_findings_release(&f);
		mk_transcript_release(&t);
		json_decref(gold);
		if (got <= 0) {
			ok = got == 0;
			break;
		}
	}
	if (ok && pending) {
		/* approve all, oldest first: item -P becomes the next id, news about it follows */
		int64_t *item_of = calloc(all.n + 1, sizeof *item_of);
		struct mk_plan done;
		mk_plan_release(out);
		mk_plan_init(&done);
		for (size_t k = 0; k < all.n; k++) {
			struct mk_proposal *p = &all.v[k];
			if (p->item_id < 0)
				p->item_id = item_of[-p->item_id];
			if (p->kind == MK_PROP_ADD_ITEM)
				item_of[p->id] = next_item++;
			mk_plan_apply(&done, p, item_of[p->id]);
		}
		mk_plan_order(&done);
		*out = done;
		free(item_of);
	}
	mk_proposals_release(&all);
	return ok;
}

/* Both flows give the same plan, item by item (action, owner, side, due, status), and the
 * same people and risks: the news of a later call is not lost when the earlier call's
 * proposals are still pending. 1 when they agree. */
static int dev_flows_agree(const struct mk_rules *rs, const char *deal)
{
	struct mk_plan a, b;
	int same;

	if (!dev_flow(rs, deal, 0, &a) || !dev_flow(rs, deal, 1, &b)) {
		mk_plan_release(&a);
		mk_plan_release(&b);
		return 0;
	}
	if (a.nitems > 1)
		qsort(a.items, a.nitems, sizeof *a.items, dev_item_cmp);
	if (b.nitems > 1)
		qsort(b.items, b.nitems, sizeof *b.items, dev_item_cmp);
	same = a.nitems == b.nitems && a.npeople == b.npeople && a.nrisks == b.nrisks;
	for (size_t i = 0; same && i < a.nitems; i++)
		same = !dev_item_cmp(&a.items[i], &b.items[i]);
	if (!same || verbose) {
		printf("# %s: reviewed after each call %zu items %zu people %zu risks; after all calls %zu, %zu, %zu\n",
		       deal, a.nitems, a.npeople, a.nrisks, b.nitems, b.npeople, b.nrisks);
		for (size_t i = 0; i < a.nitems || i < b.nitems; i++) {
			const struct mk_item *x = i < a.nitems ? &a.items[i] : NULL, *y = i < b.nitems ? &b.items[i] : NULL;
			if (x && y && !dev_item_cmp(x, y))
				continue;
			printf("#   %s: %s %s | %s %s\n", deal, x ? x->action : "-", x ? mk_status_name(x->status) : "",
			       y ? y->action : "-", y ? mk_status_name(y->status) : "");
		}
	}
	mk_plan_release(&a);
	mk_plan_release(&b);
	return same;
}

int main(void)
{
	struct stat sb;
	struct mk_rules *rs = NULL;
	struct mk_diag diag;
	char *dir, *deals[DEV_MAX_DEALS];
	size_t ndeals = 0;
	DIR *d;
	struct dirent *de;
	int ok = 1;

	verbose = getenv("MK_MERGE_VERBOSE") ? atoi(getenv("MK_MERGE_VERBOSE")) : 0;
	if (stat(DEV_CORPUS, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		printf("ok 1 - merge_dev # SKIP needs ../shared (the corpus and samples); CI runs it (no %s)\n", DEV_CORPUS);
		printf("ok 2 - merge_dev # SKIP needs ../shared (the corpus and samples); CI runs it\n");
		printf("ok 3 - merge_dev: flows agree # SKIP needs ../shared (the corpus and samples); CI runs it\n");
		printf("1..3\n");
		return 0;
	}
	dir = mk_rules_default_dir();
	if (mk_rules_load(&rs, dir, &diag) != MK_OK && mk_rules_load(&rs, "rules", &diag) != MK_OK) {
		printf("not ok 1 - merge_dev: cannot load rules: %s\n1..2\n", diag.msg);
		free(dir);
		return 1;
	}
	free(dir);
	if ((d = opendir(DEV_CORPUS)) != NULL) {
		while ((de = readdir(d)) != NULL && ndeals < DEV_MAX_DEALS)
			if (de->d_name[0] != '.')
				deals[ndeals++] = strdup(de->d_name);
		closedir(d);
	}
	qsort(deals, ndeals, sizeof *deals, dev_cmp);
	size_t agree = 0;
	for (size_t i = 0; i < ndeals; i++)
		agree += (size_t)dev_flows_agree(rs, deals[i]);
	for (size_t i = 0; i < ndeals; i++) {
		struct mk_plan plan;
		struct dev_map map = { .n = 0 };
		int64_t next_id = 1;
		mk_plan_init(&plan);
		in_tuned = 0;
		for (size_t t = 0; t < sizeof dev_tuned / sizeof *dev_tuned; t++)
			in_tuned |= !strcmp(deals[i], dev_tuned[t]);
		for (int call = 1; call <= 3; call++)
			ok &= dev_call(rs, deals[i], call, &plan, &map, &next_id);
		mk_plan_release(&plan);
		for (size_t k = 0; k < map.n; k++)
			free(map.action[k]);
		free(deals[i]);
	}
	mk_rules_free(rs);
	double share = updates_total ? (double)updates_right / updates_total : 1.0;
	double tshare = tuned_total ? (double)tuned_right / tuned_total : 1.0;
	printf("# updates right: %d/%d = %.2f (sets A, B: %d/%d = %.2f)\n", updates_right,
	       updates_total, share, tuned_right, tuned_total, tshare);
	printf("# duplicate items: %d (sets A, B: %d)\n", duplicates, tuned_dups);
	printf("# re-promises (no gold commitment) added as new items: %d\n", repromises_added);
	printf("# changes no gold update asked for: %d\n", other_changes);
	tap_n = 2;
	tap_cur_failed = 0;
	if (ok && tshare >= DEV_TARGET && tuned_dups == 0) {
		printf("ok 1 - merge_dev: sets A, B: updates right >= %.2f, no duplicate items\n", DEV_TARGET);
	} else {
		printf("not ok 1 - merge_dev: sets A, B: updates right %.2f (want >= %.2f), %d duplicate "
		       "items (MK_MERGE_VERBOSE=1 shows each)\n", tshare, DEV_TARGET, tuned_dups);
		tap_failed = 1;
	}
	if (ok && share >= DEV_FLOOR_ALL && duplicates <= DEV_MAX_DUP_ALL) {
		printf("ok 2 - merge_dev: every set: updates right >= %.2f, at most %d duplicate items\n",
		       DEV_FLOOR_ALL, DEV_MAX_DUP_ALL);
	} else {
		printf("not ok 2 - merge_dev: every set: updates right %.2f (want >= %.2f), %d duplicate "
		       "items (want <= %d)\n", share, DEV_FLOOR_ALL, duplicates, DEV_MAX_DUP_ALL);
		tap_failed = 1;
	}
	if (agree == ndeals) {
		printf("ok 3 - merge_dev: reviewed after each call or after all of them, the %zu deals' plans agree\n", ndeals);
	} else {
		printf("not ok 3 - merge_dev: the plans of %zu of %zu deals differ when reviewed after all calls\n",
		       ndeals - agree, ndeals);
		tap_failed = 1;
	}
	tap_n = 3;
	return tap_done();
}
