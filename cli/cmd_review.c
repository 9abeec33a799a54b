/*
 * cmd_review.c: `mapkeeper review [--deal NAME] [--format text|json] [--db PATH]`: the
 * pending proposals deal by deal, with their evidence (meeting, speaker, time, quote); news
 * about an item still waiting for review names that item's proposal. `-i` walks them
 * on a terminal, one at a time like `git add -p`: approve, reject, edit, skip, quit.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] = "mapkeeper review [--deal NAME] [--format text|json] [-i] [--as WHO] [--db PATH]";



/* The item a proposal changes: "item 3", or the item pending proposal #12 would add. */
static void print_item(FILE *out, const struct mk_proposal *p)
{
	if (p->item_id < 0)
		fprintf(out, "item of #%lld (pending)", (long long)-p->item_id);
	else
		fprintf(out, "item %lld", (long long)p->item_id);
	fprintf(out, " \"%s\"", p->action ? p->action : "");
}

/* One side of a dependency: "#4 security review", "item of #12 (pending) NDA", or the words. */
static void print_dep_end(FILE *out, int64_t id, const char *words)
{
	if (id > 0)
		fprintf(out, "#%lld ", (long long)id);
	else if (id < 0)
		fprintf(out, "item of #%lld (pending) ", (long long)-id);
	fprintf(out, "%s", words ? words : "");
}

/* The plan's elements (issue 14): "set go-live: live by 2027-03-01 (was 2027-02-15)". */
static void print_element(FILE *out, const struct mk_proposal *p, const char *due, const char *old)
{
	switch (p->kind) {
	case MK_PROP_SET_GOAL:
		fprintf(out, "set goal: \"%s\"", p->text ? p->text : "");
		break;
	case MK_PROP_SET_GO_LIVE:
		fprintf(out, "set go-live: %s by %s", p->category && !strcmp(p->category, "signed") ? "signed" : "live",
			p->has_due ? due : "no date");
		if (p->has_old_due)
			fprintf(out, " (was %s)", old);
		break;
	case MK_PROP_ADD_CRITERION:
		fprintf(out, "add criterion: \"%s\"", p->text ? p->text : "");
		break;
	case MK_PROP_ADD_DEPENDENCY:
		fprintf(out, "add dependency: ");
		print_dep_end(out, p->item_id, p->action);
		fprintf(out, " waits on ");
		print_dep_end(out, p->depends_on_id, p->text);
		break;
	case MK_PROP_SET_NEXT_MEETING:
		fprintf(out, "set next meeting: %s", p->has_due ? due : "date not said");
		if (p->time)
			fprintf(out, " at %s", p->time);
		if (p->name)
			fprintf(out, " with %s", p->name);
		if (p->text)
			fprintf(out, ": %s", p->text);
		break;
	default: /* MK_PROP_SET_STANCE */
		fprintf(out, "set stance: %s%s%s (%s) -> %s", p->name ? p->name : "", p->name && p->role ? ", " : "",
			p->role ? p->role : "", mk_side_name(p->side), p->category ? p->category : "unknown");
	}
}

/* One proposal as a rep reads it: what changes, then the words behind it. */
static void print_proposal(FILE *out, const struct mk_proposal *p)
{
	char ts[32], due[16], old[16];
	mk_format_ms(p->ev.start_ms, ts, sizeof ts);
	if (p->has_due)
		mk_date_format(p->due, due, sizeof due);
	if (p->has_old_due)
		mk_date_format(p->old_due, old, sizeof old);
	fprintf(out, "#%-4lld %-15s ", (long long)p->id, mk_prop_kind_name(p->kind));
	if (p->kind >= MK_PROP_SET_GOAL)
		print_element(out, p, due, old);
	else switch (p->kind) {
	case MK_PROP_ADD_ITEM:
		fprintf(out, "%s (%s): %s, due %s", p->owner ? p->owner : "?", mk_side_name(p->side),
			p->action ? p->action : "", p->has_due ? due : "not set");
		break;
	case MK_PROP_UPDATE_DUE:
		print_item(out, p);
		fprintf(out, ": due %s -> %s", p->has_old_due ? old : "not set", p->has_due ? due : "not set");
		break;
	case MK_PROP_ADD_STAKEHOLDER:
		fprintf(out, "%s%s%s (%s)", p->name ? p->name : "", p->name && p->role ? ", " : "",
			p->role ? p->role : "", mk_side_name(p->side));
		break;
	case MK_PROP_ADD_RISK:
		fprintf(out, "%s: %s", p->category ? p->category : "", p->text ? p->text : "");
		break;
	default:
		print_item(out, p);
	}
	fprintf(out, "\n       %s [%.8s] %s: \"%s\"\n", p->meeting ? p->meeting : "", ts,
		p->ev.speaker ? p->ev.speaker : "", p->ev.quote ? p->ev.quote : "");
}

static int by_deal(const void *a, const void *b)
{
	const struct mk_proposal *x = a, *y = b;
	int c = strcmp(x->deal ? x->deal : "", y->deal ? y->deal : "");
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* The proposals deal by deal (oldest first in each), each deal under a line naming it. */
static void print_by_deal(struct mk_proposals *ps)
{
	if (ps->n > 1)
		qsort(ps->v, ps->n, sizeof *ps->v, by_deal);
	for (size_t i = 0; i < ps->n; i++) {
		const char *deal = ps->v[i].deal ? ps->v[i].deal : "";
		if (!i || strcmp(deal, ps->v[i - 1].deal ? ps->v[i - 1].deal : "")) {
			size_t k = i;
			while (k < ps->n && !strcmp(deal, ps->v[k].deal ? ps->v[k].deal : ""))
				k++;
			printf("%sdeal %s: %zu pending\n", i ? "\n" : "", deal, k - i);
		}
		print_proposal(stdout, &ps->v[i]);
	}
}

static char *read_answer(const char *prompt)
{
	static char line[512];
	fputs(prompt, stdout);
	fflush(stdout);
	if (!fgets(line, sizeof line, stdin))
		return NULL;
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

static int interactive(struct mk_store *st, struct mk_proposals *ps, const char *who)
{
	struct mk_diag d;
	for (size_t i = 0; i < ps->n; i++) {
		const struct mk_proposal *p = &ps->v[i];
		char *a;
		enum mk_err err = MK_OK;
		struct mk_proposal now;
		int decided;
		mk_diag_clear(&d);
		/* approving news about a pending item approved the item; rejecting an item
		 * withdrew its news: what was decided meanwhile is not asked again */
		if (mk_store_proposal_get(st, p->id, &now, &d) == MK_OK) {
			decided = now.status && strcmp(now.status, "pending");
			mk_proposal_release(&now);
			if (decided)
				continue;
		}
		printf("(%zu/%zu, %s) ", i + 1, ps->n, p->deal ? p->deal : "");
		print_proposal(stdout, p);
	again:
		a = read_answer("approve this [y,n,e,s,q,?]? ");
		if (!a || !strcmp(a, "q"))
			return CLI_OK;
		if (!strcmp(a, "y"))
			err = mk_store_decide(st, p->id, 1, who, NULL, &d);
		else if (!strcmp(a, "n")) {
			char *why = read_answer("reason (optional): ");
			err = mk_store_decide(st, p->id, 0, who, why && *why ? why : NULL, &d);
		} else if (!strcmp(a, "e") && p->kind >= MK_PROP_SET_GOAL) {
			printf("edit it with: mapkeeper edit %lld --text|--due|--time|--who|--kind|--stance|--waiting|--item|--depends-on ...\n",
			       (long long)p->id);
			goto again;
		} else if (!strcmp(a, "e")) {
			char owner[256], due[64], action[400];
			char *x = read_answer("owner (empty: keep): ");
			snprintf(owner, sizeof owner, "%s", x ? x : "");
			x = read_answer("due YYYY-MM-DD (empty: keep, - : none): ");
			snprintf(due, sizeof due, "%s", x ? x : "");
			x = read_answer("action (empty: keep): ");
			snprintf(action, sizeof action, "%s", x ? x : "");
			err = mk_store_edit(st, p->id, *owner ? owner : NULL,
					    !strcmp(due, "-") ? "" : (*due ? due : NULL), *action ? action : NULL, who, &d);
			if (!err)
				err = mk_store_decide(st, p->id, 1, who, NULL, &d);
		} else if (!strcmp(a, "s") || !*a) {
			continue;
		} else {
			printf("y - approve\nn - reject\ne - edit, then approve\ns - skip for now\nq - quit\n");
			goto again;
		}
		if (err) {
			cli_diag(&d, err);
			goto again;
		}
	}
	return CLI_OK;
}

/* The pending proposals as a list: JSON, or deal by deal with what to do next. */
static void print_pending(struct mk_proposals *ps, const char *fmt)
{
	if (!strcmp(fmt, "json")) {
		json_t *a = json_array();
		for (size_t i = 0; i < ps->n; i++)
			json_array_append_new(a, cli_proposal_json(&ps->v[i]));
		cli_json_print(json_pack("{s:o}", "proposals", a));
		return;
	}
	print_by_deal(ps);
	if (!ps->n)
		printf("nothing to review\n");
	else
		printf("%zu pending: mapkeeper approve ID... (or --all --deal NAME), reject ID..., edit ID, or review -i\n",
		       ps->n);
}

/* The pending proposals (of deal when given) into ps; prints the error. */
static int load_pending(struct mk_store *st, const char *deal, struct mk_proposals *ps)
{
	struct mk_diag d;
	enum mk_err err;

	mk_diag_clear(&d);
	if (deal) {
		struct mk_deal dl;
		memset(&dl, 0, sizeof dl);
		if ((err = mk_store_deal_get(st, deal, &dl, &d))) {
			cli_diag(&d, err);
			return CLI_FAILED;
		}
		mk_deal_release(&dl);
	}
	if ((err = mk_store_pending(st, deal, ps, &d))) {
		cli_diag(&d, err);
		return CLI_FAILED;
	}
	return CLI_OK;
}

int cmd_review(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "deal", required_argument, NULL, 'D' },
		CLI_OPT_FORMAT,
		CLI_OPT_DB,
		CLI_OPT_AS,
		{ "interactive", no_argument, NULL, 'i' },
		CLI_OPT_END,
	};
	struct cli_opts o = { .format = "text" };
	const char *deal = NULL, *fmt;
	struct mk_store *st;
	struct mk_proposals ps;
	int ch, inter = 0, rc;

	while ((ch = cli_getopt("review", argc, argv, "hi", longopts, usage, &o)) > 0)
		switch (ch) {
		case 'D': deal = optarg; break;
		case 'i': inter = 1; break;
		}
	if (ch < 0)
		return o.rc;
	if (optind != argc)
		return cli_usage(usage);
	if (!(fmt = cli_format("review", o.format, "text|json")))
		return CLI_USAGE;
	if (inter && !isatty(STDIN_FILENO)) {
		cli_error("review -i needs a terminal; use approve/reject/edit in scripts");
		return CLI_USAGE;
	}
	if (!(st = cli_store_open(o.db)))
		return CLI_FAILED;
	mk_proposals_init(&ps);
	if (!(rc = load_pending(st, deal, &ps))) {
		if (inter)
			rc = interactive(st, &ps, cli_who(o.as));
		else
			print_pending(&ps, fmt);
	}
	mk_proposals_release(&ps);
	mk_store_close(st);
	return rc;
}
