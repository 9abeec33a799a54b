/*
 * cmd_item.c: `mapkeeper item add|edit|done|drop|block|reopen|list`: fixing a deal's plan
 * by hand. Adds an item a call missed, changes an approved one, or sets its status, each
 * recorded in history with who and when as a decision that `mapkeeper undo` can reverse.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"mapkeeper item add DEAL --action TEXT [--owner NAME] [--side buyer|seller] [--due DATE]\n"
	"       mapkeeper item edit ID [--action TEXT] [--owner NAME] [--side S] [--due DATE|none] [--phase PHASE]\n"
	"       mapkeeper item done|drop|block|reopen ID [--note TEXT]\n"
	"       mapkeeper item list DEAL\n"
	"\n"
	"Every form takes [--note TEXT] [--as WHO] [--db PATH] [--format text|json]. DATE is\n"
	"YYYY-MM-DD or words (\"next friday\"), resolved against today; --owner \"\" clears the\n"
	"owner. PHASE is discovery, proof, business_case, procurement, signature or onboarding (an\n"
	"item's phase is guessed from its words until set). Each change is a decision in history;\n"
	"`mapkeeper undo` reverses it.";

int64_t cli_parse_id(const char *s)
{
	char *end;
	long long v;

	if (!s)
		return 0;
	if (*s == '#')
		s++;
	if (*s < '0' || *s > '9' || strlen(s) > 18)
		return 0;
	v = strtoll(s, &end, 10);
	return (!*end && v > 0) ? (int64_t)v : 0;
}

int cli_parse_due(const char *s, int allow_none, char *out, size_t outlen)
{
	struct mk_date d;
	struct mk_when w;

	if (allow_none && (!strcmp(s, "none") || !s[0])) {
		snprintf(out, outlen, "%s", "");
		return 0;
	}
	if (mk_date_parse(s, &d) == MK_OK && strlen(s) == 10) {
		mk_date_format(d, out, outlen);
		return 0;
	}
	if (mk_when_resolve(s, mk_today(), &w) == MK_OK && w.has_date) {
		mk_date_format(w.pick, out, outlen);
		return 0;
	}
	return -1;
}

/* phase: the phase just set (mk_store_item_get reads the item's own fields only), or NULL. */
static void print_item(const char *fmt, const char *deal, const struct mk_item *it, int64_t decision,
		       const char *what, const char *phase)
{
	char due[16];

	if (!strcmp(fmt, "json")) {
		cli_json_print(json_pack("{s:o, s:I}", "item", cli_item_json(deal, it), "decision",
					 (json_int_t)decision));
		return;
	}
	mk_date_format(it->due, due, sizeof due);
	printf("%s item #%lld of '%s' (decision %lld): %s\n", what, (long long)it->id, deal,
	       (long long)decision, it->action ? it->action : "");
	printf("  owner %s, side %s, due %s, status %s%s%s\n", it->owner ? it->owner : "-", mk_side_name(it->side),
	       it->has_due ? due : "-", mk_status_name(it->status), phase ? ", phase " : "", phase ? phase : "");
}

static int item_list(struct mk_store *st, const char *deal, const char *fmt)
{
	struct mk_plan plan;
	struct mk_diag d;
	enum mk_err err;
	char due[16];

	mk_diag_clear(&d);
	if ((err = mk_store_plan(st, deal, &plan, &d))) {
		cli_diag(&d, err);
		return CLI_FAILED;
	}
	if (!strcmp(fmt, "json")) {
		json_t *a = json_array();
		for (size_t i = 0; i < plan.nitems; i++)
			json_array_append_new(a, cli_item_json(deal, &plan.items[i]));
		cli_json_print(json_pack("{s:s, s:o}", "deal", deal, "items", a));
	} else if (!plan.nitems) {
		printf("no items in '%s' yet (mapkeeper item add %s --action TEXT)\n", deal, deal);
	} else {
		printf("%-6s %-8s %-7s %-10s %-20s %s\n", "id", "status", "side", "due", "owner", "action");
		for (size_t i = 0; i < plan.nitems; i++) {
			const struct mk_item *it = &plan.items[i];
			mk_date_format(it->due, due, sizeof due);
			printf("%-6lld %-8s %-7s %-10s %-20.20s %s%s\n", (long long)it->id,
			       mk_status_name(it->status), mk_side_name(it->side), it->has_due ? due : "-",
			       it->owner ? it->owner : "-", it->action ? it->action : "",
			       it->from_removed_call ? "  (from a removed call)" : "");
		}
	}
	mk_plan_release(&plan);
	return CLI_OK;
}

/* done|drop|block|reopen -> the status; -1 for other verbs. */
static int verb_status(const char *verb)
{
	static const struct { const char *verb; enum mk_status st; } v[] = {
		{ "done", MK_STATUS_DONE }, { "drop", MK_STATUS_DROPPED },
		{ "block", MK_STATUS_BLOCKED }, { "reopen", MK_STATUS_OPEN },
	};

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (!strcmp(verb, v[i].verb))
			return (int)v[i].st;
	return -1;
}

/* buyer|seller|unknown -> the side; -1 for other words. */
static int side_of(const char *s)
{
	if (!strcmp(s, "buyer"))
		return MK_SIDE_BUYER;
	if (!strcmp(s, "seller"))
		return MK_SIDE_SELLER;
	if (!strcmp(s, "unknown"))
		return MK_SIDE_UNKNOWN;
	return -1;
}

/* What item was asked: the verb, its argument (a deal or an item number) and the change. */
struct item_args {
	const char *verb, *arg, *as, *fmt, *side, *due;
	struct mk_item_change c;
	int64_t id;
	char due_day[16];
};

/* --side and --due into a->c, the item number into a->id; CLI_OK, else one line and CLI_USAGE. */
static int item_values(struct item_args *a)
{
	const char *verb = a->verb;

	if (a->c.phase && mk_phase_parse(a->c.phase, &(enum mk_phase){ 0 })) {
		cli_error("item %s: unknown phase '%s' (discovery, proof, business_case, procurement, signature or onboarding)",
			  verb, a->c.phase);
		return CLI_USAGE;
	}
	if (a->side && (a->c.side = side_of(a->side)) < 0) {
		cli_error("item %s: unknown side '%s' (buyer, seller or unknown)", verb, a->side);
		return CLI_USAGE;
	}
	if (a->due) {
		if (cli_parse_due(a->due, !strcmp(verb, "edit"), a->due_day, sizeof a->due_day)) {
			cli_error("item %s: not a date: '%s' (YYYY-MM-DD, words such as 'next friday'%s)",
				  verb, a->due, !strcmp(verb, "edit") ? ", or none" : "");
			return CLI_USAGE;
		}
		a->c.due = a->due_day;
	}
	if (strcmp(verb, "add") && strcmp(verb, "list") && !(a->id = cli_parse_id(a->arg))) {
		cli_error("item %s: '%s' is not an item number", verb, a->arg);
		return CLI_USAGE;
	}
	if (!strcmp(verb, "edit") && !a->c.action && !a->c.owner && !a->side && !a->due && !a->c.phase) {
		cli_error("item edit: nothing to change (--action, --owner, --side, --due or --phase)");
		return CLI_USAGE;
	}
	return CLI_OK;
}

/* The options that go with the verb, --side and --due read into a->c. CLI_OK, else one
 * line and CLI_USAGE. */
static int item_check(struct item_args *a)
{
	struct mk_item_change *c = &a->c;
	const char *verb = a->verb;

	if (strcmp(verb, "add") && strcmp(verb, "edit") && strcmp(verb, "list") && c->status < 0) {
		cli_error("item: unknown action '%s' (add, edit, done, drop, block, reopen or list)", verb);
		return CLI_USAGE;
	}
	if (c->status >= 0 && (c->action || c->owner || a->side || a->due || c->phase)) {
		cli_error("item %s: only --note goes with it (change fields with 'item edit')", verb);
		return CLI_USAGE;
	}
	if (!strcmp(verb, "list") && (c->action || c->owner || a->side || a->due || c->note || c->phase)) {
		cli_error("item list: takes no changes");
		return CLI_USAGE;
	}
	if (c->action && !c->action[strspn(c->action, " \t\r\n")]) {
		cli_error("item %s: the action cannot be empty", verb);
		return CLI_USAGE;
	}
	if (!strcmp(verb, "add") && !c->action) {
		cli_error("item add: give the item's action with --action TEXT");
		return CLI_USAGE;
	}
	return item_values(a);
}

/* add, edit or a status verb: the change made, and the item as it is now printed. */
static int item_change(struct mk_store *st, struct item_args *a)
{
	struct mk_item it;
	struct mk_diag d;
	enum mk_err err;
	char *deal = NULL;
	int64_t decision = 0;

	mk_diag_clear(&d);
	memset(&it, 0, sizeof it);
	if (!strcmp(a->verb, "add"))
		err = mk_store_item_add(st, a->arg, &a->c, cli_who(a->as), &a->id, &decision, &d);
	else
		err = mk_store_item_change(st, a->id, &a->c, cli_who(a->as), &decision, &d);
	if (!err)
		err = mk_store_item_get(st, a->id, &deal, &it, &d);
	if (err)
		cli_diag(&d, err);
	else
		print_item(a->fmt, deal, &it, decision, !strcmp(a->verb, "add") ? "added" : "changed", a->c.phase);
	mk_item_release(&it);
	free(deal);
	return err ? CLI_FAILED : CLI_OK;
}

int cmd_item(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "action", required_argument, NULL, 'A' },
		{ "owner", required_argument, NULL, 'o' },
		{ "side", required_argument, NULL, 's' },
		{ "due", required_argument, NULL, 'u' },
		{ "note", required_argument, NULL, 'n' },
		{ "phase", required_argument, NULL, 'p' },
		CLI_OPT_AS,
		CLI_OPT_DB,
		CLI_OPT_FORMAT,
		CLI_OPT_END,
	};
	struct item_args a = { .c = { .side = -1, .status = -1 } };
	struct cli_opts o = { .format = "text" };
	struct mk_store *st;
	int ch, rc;

	while ((ch = cli_getopt("item", argc, argv, "h", longopts, usage, &o)) > 0)
		switch (ch) {
		case 'A': a.c.action = optarg; break;
		case 'o': a.c.owner = optarg; break;
		case 's': a.side = optarg; break;
		case 'u': a.due = optarg; break;
		case 'n': a.c.note = optarg; break;
		case 'p': a.c.phase = optarg; break;
		}
	if (ch < 0)
		return o.rc;
	if (optind + 2 != argc)
		return cli_usage(usage);
	a.verb = argv[optind];
	a.arg = argv[optind + 1];
	a.c.status = verb_status(a.verb);
	a.as = o.as;
	if (!(a.fmt = cli_format("item", o.format, "text|json")))
		return CLI_USAGE;
	if ((rc = item_check(&a)))
		return rc;
	if (!(st = cli_store_open(o.db)))
		return CLI_FAILED;
	rc = !strcmp(a.verb, "list") ? item_list(st, a.arg, a.fmt) : item_change(st, &a);
	mk_store_close(st);
	return rc;
}
