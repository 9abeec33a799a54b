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
	"       mapkeeper item edit ID [--action TEXT] [--owner NAME] [--side S] [--due DATE|none]\n"
	"       mapkeeper item done|drop|block|reopen ID [--note TEXT]\n"
	"       mapkeeper item list DEAL\n"
	"\n"
	"Every form takes [--note TEXT] [--as WHO] [--db PATH] [--format text|json]. DATE is\n"
	"YYYY-MM-DD or words (\"next friday\"), resolved against today; --owner \"\" clears the\n"
	"owner. Each change is a decision in history; `mapkeeper undo` reverses it.";

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

static void print_item(const char *fmt, const char *deal, const struct mk_item *it, int64_t decision,
		       const char *what)
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
	printf("  owner %s, side %s, due %s, status %s\n", it->owner ? it->owner : "-",
	       mk_side_name(it->side), it->has_due ? due : "-", mk_status_name(it->status));
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
		return 1;
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
	return 0;
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

int cmd_item(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "action", required_argument, NULL, 'A' },
		{ "owner", required_argument, NULL, 'o' },
		{ "side", required_argument, NULL, 's' },
		{ "due", required_argument, NULL, 'u' },
		{ "note", required_argument, NULL, 'n' },
		{ "as", required_argument, NULL, 'a' },
		{ "db", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mk_item_change c = { .side = -1, .status = -1 };
	const char *db = NULL, *as = NULL, *fmt = "text", *verb, *side = NULL, *due = NULL;
	struct mk_store *st = NULL;
	struct mk_item it;
	struct mk_diag d;
	enum mk_err err;
	char duebuf[16], *deal = NULL;
	int64_t id = 0, decision = 0;
	int ch, rc = 1, status;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'A': c.action = optarg; break;
		case 'o': c.owner = optarg; break;
		case 's': side = optarg; break;
		case 'u': due = optarg; break;
		case 'n': c.note = optarg; break;
		case 'a': as = optarg; break;
		case 'b': db = optarg; break;
		case 'f': fmt = optarg; break;
		case 'h': printf("usage: %s\n", usage); return 0;
		default:
			return cli_bad_option("item", argv, "h", longopts);
		}
	}
	if (optind + 2 != argc)
		return cli_usage(usage);
	verb = argv[optind];
	status = verb_status(verb);
	if (!(fmt = cli_format("item", fmt, "text|json")))
		return 2;
	if (strcmp(verb, "add") && strcmp(verb, "edit") && strcmp(verb, "list") && status < 0) {
		cli_error("item: unknown action '%s' (add, edit, done, drop, block, reopen or list)", verb);
		return 2;
	}
	if (status >= 0 && (c.action || c.owner || side || due)) {
		cli_error("item %s: only --note goes with it (change fields with 'item edit')", verb);
		return 2;
	}
	if (!strcmp(verb, "list") && (c.action || c.owner || side || due || c.note)) {
		cli_error("item list: takes no changes");
		return 2;
	}
	if (c.action && !c.action[strspn(c.action, " \t\r\n")]) {
		cli_error("item %s: the action cannot be empty", verb);
		return 2;
	}
	if (!strcmp(verb, "add") && !c.action) {
		cli_error("item add: give the item's action with --action TEXT");
		return 2;
	}
	if (side) {
		if (!strcmp(side, "buyer"))
			c.side = MK_SIDE_BUYER;
		else if (!strcmp(side, "seller"))
			c.side = MK_SIDE_SELLER;
		else if (!strcmp(side, "unknown"))
			c.side = MK_SIDE_UNKNOWN;
		else {
			cli_error("item %s: unknown side '%s' (buyer, seller or unknown)", verb, side);
			return 2;
		}
	}
	if (due) {
		if (cli_parse_due(due, !strcmp(verb, "edit"), duebuf, sizeof duebuf)) {
			cli_error("item %s: not a date: '%s' (YYYY-MM-DD, words such as 'next friday'%s)",
				  verb, due, !strcmp(verb, "edit") ? ", or none" : "");
			return 2;
		}
		c.due = duebuf;
	}
	if (strcmp(verb, "add") && strcmp(verb, "list") && !(id = cli_parse_id(argv[optind + 1]))) {
		cli_error("item %s: '%s' is not an item number", verb, argv[optind + 1]);
		return 2;
	}
	if (!strcmp(verb, "edit") && !c.action && !c.owner && !side && !due) {
		cli_error("item edit: nothing to change (--action, --owner, --side or --due)");
		return 2;
	}
	if (!(st = cli_store_open(db)))
		return 1;
	mk_diag_clear(&d);
	memset(&it, 0, sizeof it);
	if (!strcmp(verb, "list")) {
		rc = item_list(st, argv[optind + 1], fmt);
		goto out;
	}
	c.status = status;
	if (!strcmp(verb, "add"))
		err = mk_store_item_add(st, argv[optind + 1], &c, cli_who(as), &id, &decision, &d);
	else
		err = mk_store_item_change(st, id, &c, cli_who(as), &decision, &d);
	if (!err)
		err = mk_store_item_get(st, id, &deal, &it, &d);
	if (err) {
		cli_diag(&d, err);
		goto out;
	}
	print_item(fmt, deal, &it, decision, !strcmp(verb, "add") ? "added" : "changed");
	rc = 0;
out:
	mk_item_release(&it);
	free(deal);
	mk_store_close(st);
	return rc;
}
