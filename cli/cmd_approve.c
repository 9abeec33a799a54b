/*
 * cmd_approve.c: deciding proposals.
 * `mapkeeper approve ID... [--deal NAME] | --all --deal NAME | --all-deals [--yes]`: all or
 * nothing, in one transaction: every proposal that cannot be approved as it stands is named
 * first, with what to do, and then nothing is approved. An ID of another deal than --deal
 * is refused; --all-deals shows the count per deal and asks on a terminal (else it needs
 * --yes). Approving news about an item still waiting for review approves the item first.
 * `mapkeeper reject ID... [--reason TEXT]`: each in its own transaction; rejecting an item
 * withdraws the news tied to it. `mapkeeper edit ID [--owner] [--due] [--action]`.
 * Each takes `--format text|json` (JSON: what was decided or changed) and records who
 * decided (--as, else the user) and when.
 */
#include "cli.h"
#include "util/util.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char usage[] =
	"mapkeeper approve ID... [--deal NAME] | --all --deal NAME | --all-deals [--yes] [--as WHO] [--format text|json] [--db PATH]\n"
	"\n"
	"All or nothing: when a proposal cannot be approved as it stands (an item with no action),\n"
	"each such proposal is named with what to do and nothing is approved. --all needs --deal;\n"
	"--all-deals approves every deal's pending proposals: it shows the count per deal and asks\n"
	"on a terminal (without one it needs --yes). Approving news about an item that is itself\n"
	"still a pending proposal approves that proposal first.";

/* Parses a proposal id ("12" or "#12"); 0 when it is not one. */
static long long parse_id(const char *s)
{
	char *end;
	long long v;
	if (*s == '#')
		s++;
	v = strtoll(s, &end, 10);
	return (*s && !*end && v > 0) ? v : 0;
}

/* The ids of a command line or of a pending list, each once, in order. */
struct ids {
	int64_t *v;
	size_t n, cap;
};

static int ids_has(const struct ids *l, int64_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == id)
			return 1;
	return 0;
}

static void ids_add(struct ids *l, int64_t id)
{
	if (ids_has(l, id))
		return;
	l->v = mk_grow(l->v, &l->cap, l->n + 1, sizeof *l->v);
	l->v[l->n++] = id;
}

static int format_ok(const char *cmd, const char *fmt)
{
	if (!strcmp(fmt, "text") || !strcmp(fmt, "json"))
		return 1;
	cli_error("%s: unknown format '%s' (text or json)", cmd, fmt);
	return 0;
}

static void print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	printf("%s\n", s);
	free(s);
	json_decref(o);
}

/* The proposals of ids as they are now, as `review --format json` shows them. */
static json_t *proposals_json(struct mk_store *st, const struct ids *l)
{
	json_t *a = json_array();
	struct mk_diag d;
	for (size_t i = 0; i < l->n; i++) {
		struct mk_proposal p;
		mk_diag_clear(&d);
		if (mk_store_proposal_get(st, l->v[i], &p, &d) == MK_OK) {
			json_array_append_new(a, cli_proposal_json(&p));
			mk_proposal_release(&p);
		}
	}
	return a;
}

/* "Northwind 8, Acme 4": how many of ps each deal has, in the order the deals come. */
static char *count_by_deal(const struct mk_proposals *ps, size_t *ndeals)
{
	char *out = mk_strdup("");
	*ndeals = 0;
	for (size_t i = 0; i < ps->n; i++) {
		const char *deal = ps->v[i].deal ? ps->v[i].deal : "";
		size_t k, n = 0;
		char *next;
		for (k = 0; k < i; k++)
			if (!strcmp(deal, ps->v[k].deal ? ps->v[k].deal : ""))
				break;
		if (k < i)
			continue;
		for (k = i; k < ps->n; k++)
			n += !strcmp(deal, ps->v[k].deal ? ps->v[k].deal : "");
		next = mk_sprintf("%s%s%s %zu", out, *out ? ", " : "", deal, n);
		free(out);
		out = next;
		(*ndeals)++;
	}
	return out;
}

/* --all-deals: the count per deal, and yes from the rep (a terminal) or --yes. 0: go on;
 * else the exit code. */
static int confirm_all_deals(const struct mk_proposals *ps, int yes)
{
	char line[64], *counts;
	size_t ndeals;
	int rc = 0;
	counts = count_by_deal(ps, &ndeals);
	if (yes) {
		free(counts);
		return 0;
	}
	if (!isatty(STDIN_FILENO)) {
		cli_error("approve: --all-deals would approve %zu proposal%s of %zu deal%s (%s); without a terminal to confirm on, add --yes",
			  ps->n, ps->n == 1 ? "" : "s", ndeals, ndeals == 1 ? "" : "s", counts);
		free(counts);
		return 2;
	}
	fprintf(stderr, "%zu pending proposal%s of %zu deal%s: %s\napprove them all? [y/N] ", ps->n,
		ps->n == 1 ? "" : "s", ndeals, ndeals == 1 ? "" : "s", counts);
	fflush(stderr);
	if (!fgets(line, sizeof line, stdin))
		line[0] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if (strcasecmp(line, "y") && strcasecmp(line, "yes")) {
		cli_error("approve: nothing approved");
		rc = 1;
	}
	free(counts);
	return rc;
}

/* Checks every proposal of l before anything changes (inside the caller's transaction):
 * names each one that cannot be approved as it stands, with what to do; how many. */
static size_t approve_refusals(struct mk_store *st, const struct ids *l, const char *deal)
{
	struct mk_diag d;
	size_t refused = 0;
	for (size_t i = 0; i < l->n; i++) {
		int64_t needs = 0;
		enum mk_err err;
		mk_diag_clear(&d);
		if (!(err = mk_store_approve_check(st, l->v[i], deal, &needs, &d)))
			continue;
		refused++;
		if (needs)
			cli_error("approve: %s: give it one with: mapkeeper edit %lld --action \"...\"", d.msg,
				  (long long)needs);
		else if (d.msg[0])
			cli_error("approve: %s", d.msg);
		else
			cli_diag(&d, err);
	}
	return refused;
}

/* Approves l in one transaction, all or nothing; done gets what was approved, in order
 * (an item approved first because news about it was approved comes before the news, and
 * first[k] is that news, else 0). */
static int approve_ids(struct mk_store *st, const struct ids *l, const char *deal, const char *who,
		       struct ids *done, int64_t *first)
{
	struct mk_diag d;
	enum mk_err err;
	size_t refused;
	mk_diag_clear(&d);
	if ((err = mk_store_write_begin(st, &d))) {
		cli_diag(&d, err);
		return 1;
	}
	if ((refused = approve_refusals(st, l, deal))) {
		mk_store_write_end(st, 0, &d);
		if (l->n > 1)
			cli_error("approve: nothing approved: %zu of the %zu proposals cannot be approved as %s stand%s",
				  refused, l->n, refused == 1 ? "it" : "they", refused == 1 ? "s" : "");
		return 1;
	}
	for (size_t i = 0; !err && i < l->n; i++) {
		struct mk_proposal p;
		if (ids_has(done, l->v[i]))
			continue; /* approved already, as the item of news approved before it */
		if ((err = mk_store_proposal_get(st, l->v[i], &p, &d)))
			break;
		if (p.item_id < 0 && !ids_has(done, -p.item_id)) {
			first[done->n] = l->v[i];
			ids_add(done, -p.item_id);
		}
		mk_proposal_release(&p);
		if (!(err = mk_store_decide(st, l->v[i], 1, who, NULL, &d))) {
			first[done->n] = 0;
			ids_add(done, l->v[i]);
		}
	}
	if (err) {
		mk_store_write_end(st, 0, &d);
		cli_diag(&d, err); /* a failed store: the transaction is rolled back whole */
		done->n = 0;
		return 1;
	}
	if ((err = mk_store_write_end(st, 1, &d))) {
		cli_diag(&d, err);
		done->n = 0;
		return 1;
	}
	return 0;
}

int cmd_approve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'A' },
		{ "all-deals", no_argument, NULL, 'L' },
		{ "yes", no_argument, NULL, 'y' },
		{ "deal", required_argument, NULL, 'D' },
		{ "as", required_argument, NULL, 'a' },
		{ "db", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *deal = NULL, *as = NULL, *db = NULL, *fmt = "text";
	struct mk_store *st;
	struct mk_proposals ps;
	struct ids want = { 0 }, done = { 0 };
	int64_t *first = NULL;
	struct mk_diag d;
	enum mk_err err;
	int ch, all = 0, alldeals = 0, yes = 0, rc = 0;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hy", longopts, NULL)) != -1) {
		switch (ch) {
		case 'A': all = 1; break;
		case 'L': alldeals = 1; break;
		case 'y': yes = 1; break;
		case 'D': deal = optarg; break;
		case 'a': as = optarg; break;
		case 'b': db = optarg; break;
		case 'f': fmt = optarg; break;
		case 'h': printf("usage: %s\n", usage); return 0;
		default:
			return cli_bad_option("approve", argv, "h", longopts);
		}
	}
	if (!format_ok("approve", fmt))
		return 2;
	if ((all || alldeals) == (optind < argc))
		return cli_usage(usage);
	if (all && alldeals) {
		cli_error("approve: --all (one deal's proposals) and --all-deals (every deal's) do not go together");
		return 2;
	}
	if (all && !deal) {
		cli_error("approve: --all needs --deal NAME (or --all-deals, to approve every deal's proposals)");
		return 2;
	}
	if (alldeals && deal) {
		cli_error("approve: --all-deals approves every deal's proposals; for one deal use --all --deal NAME");
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		if (!parse_id(argv[i])) {
			cli_error("approve: '%s' is not a proposal id", argv[i]);
			free(want.v);
			return 2;
		}
		ids_add(&want, parse_id(argv[i]));
	}
	if (!(st = cli_store_open(db))) {
		free(want.v);
		return 1;
	}
	mk_diag_clear(&d);
	mk_proposals_init(&ps);
	if (deal) {
		struct mk_deal dl;
		memset(&dl, 0, sizeof dl);
		if ((err = mk_store_deal_get(st, deal, &dl, &d))) {
			if (err == MK_ENOTFOUND)
				cli_error("approve: no deal '%s' (see 'mapkeeper deal list')", deal);
			else
				cli_diag(&d, err);
			rc = 1;
			goto out;
		}
		mk_deal_release(&dl);
	}
	if (all || alldeals) {
		if ((err = mk_store_pending(st, deal, &ps, &d))) {
			cli_diag(&d, err);
			rc = 1;
			goto out;
		}
		for (size_t i = 0; i < ps.n; i++)
			ids_add(&want, ps.v[i].id);
		if (alldeals && ps.n && (rc = confirm_all_deals(&ps, yes)))
			goto out;
	}
	/* each approves at most itself and the item it is about */
	first = mk_calloc(2 * want.n + 1, sizeof *first);
	if (want.n && (rc = approve_ids(st, &want, deal, cli_who(as), &done, first)))
		goto out;
	if (!strcmp(fmt, "json")) {
		print_json(json_pack("{s:o}", "approved", proposals_json(st, &done)));
	} else if (!done.n) {
		printf("nothing to approve\n");
	} else {
		size_t ndeals = 0;
		char *counts = NULL;
		printf("approved %zu proposal%s", done.n, done.n == 1 ? "" : "s");
		if (alldeals) {
			counts = count_by_deal(&ps, &ndeals);
			printf(" (%s)", counts);
			free(counts);
		}
		printf("\n");
		for (size_t i = 0; i < done.n; i++)
			if (first[i])
				printf("#%lld approved first: it adds the item #%lld changes\n", (long long)done.v[i],
				       (long long)first[i]);
	}
out:
	mk_proposals_release(&ps);
	free(first);
	free(want.v);
	free(done.v);
	mk_store_close(st);
	return rc;
}

int cmd_reject(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "as", required_argument, NULL, 'a' },
		{ "db", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char rusage[] =
		"mapkeeper reject ID... [--reason TEXT] [--as WHO] [--format text|json] [--db PATH]\n"
		"\n"
		"Rejecting a proposed item also withdraws the pending news about that item (recorded\n"
		"as rejected, with the reason \"withdrawn: ...\").";
	const char *reason = NULL, *as = NULL, *db = NULL, *fmt = "text";
	struct mk_store *st;
	struct mk_diag d;
	struct ids done = { 0 }, withdrawn = { 0 };
	int ch, rc = 0;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': reason = optarg; break;
		case 'a': as = optarg; break;
		case 'b': db = optarg; break;
		case 'f': fmt = optarg; break;
		case 'h': printf("usage: %s\n", rusage); return 0;
		default:
			return cli_bad_option("reject", argv, "h", longopts);
		}
	}
	if (!format_ok("reject", fmt))
		return 2;
	if (optind >= argc)
		return cli_usage(rusage);
	for (int i = optind; i < argc; i++)
		if (!parse_id(argv[i])) {
			cli_error("reject: '%s' is not a proposal id", argv[i]);
			return 2;
		}
	if (!(st = cli_store_open(db)))
		return 1;
	mk_diag_clear(&d);
	for (int i = optind; i < argc; i++) {
		int64_t id = parse_id(argv[i]);
		struct mk_proposals pend;
		struct mk_proposal p;
		struct ids tied = { 0 };
		enum mk_err err;
		mk_proposals_init(&pend);
		/* what rejecting it withdraws: the pending news tied to the item it proposes */
		if (!(err = mk_store_write_begin(st, &d))) {
			if (!(err = mk_store_proposal_get(st, id, &p, &d))) {
				if (p.kind == MK_PROP_ADD_ITEM && !(err = mk_store_pending(st, p.deal, &pend, &d)))
					for (size_t k = 0; k < pend.n; k++)
						if (pend.v[k].item_id == -id)
							ids_add(&tied, pend.v[k].id);
				mk_proposal_release(&p);
			}
			if (!err)
				err = mk_store_decide(st, id, 0, cli_who(as), reason, &d);
			if (err)
				mk_store_write_end(st, 0, &d);
			else
				err = mk_store_write_end(st, 1, &d);
		}
		if (err) {
			cli_diag(&d, err);
			rc = 1;
		} else {
			ids_add(&done, id);
			for (size_t k = 0; k < tied.n; k++)
				ids_add(&withdrawn, tied.v[k]);
		}
		free(tied.v);
		mk_proposals_release(&pend);
	}
	if (!strcmp(fmt, "json")) {
		print_json(json_pack("{s:o, s:o}", "rejected", proposals_json(st, &done), "withdrawn",
				     proposals_json(st, &withdrawn)));
	} else {
		printf("rejected %zu proposal%s\n", done.n, done.n == 1 ? "" : "s");
		for (size_t i = 0; i < withdrawn.n; i++)
			printf("withdrew #%lld: its item was rejected\n", (long long)withdrawn.v[i]);
	}
	free(done.v);
	free(withdrawn.v);
	mk_store_close(st);
	return rc;
}

/* One field an edit changed, for `edit --format json`. */
static void edit_change(json_t *a, const char *field, const char *old_value, const char *new_value)
{
	if ((!old_value && !new_value) || (old_value && new_value && !strcmp(old_value, new_value)))
		return;
	json_array_append_new(a, json_pack("{s:s, s:s?, s:s?}", "field", field, "old", old_value, "new", new_value));
}

int cmd_edit(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "owner", required_argument, NULL, 'o' },
		{ "due", required_argument, NULL, 'd' },
		{ "action", required_argument, NULL, 'c' },
		{ "as", required_argument, NULL, 'a' },
		{ "db", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char eusage[] =
		"mapkeeper edit ID [--owner NAME] [--due YYYY-MM-DD|none] [--action TEXT] [--as WHO] [--format text|json] [--db PATH]";
	const char *owner = NULL, *due = NULL, *action = NULL, *as = NULL, *db = NULL, *fmt = "text";
	struct mk_store *st;
	struct mk_proposal before, after;
	struct mk_diag d;
	enum mk_err err;
	long long id;
	int ch;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o': owner = optarg; break;
		case 'd': due = optarg; break;
		case 'c': action = optarg; break;
		case 'a': as = optarg; break;
		case 'b': db = optarg; break;
		case 'f': fmt = optarg; break;
		case 'h': printf("usage: %s\n", eusage); return 0;
		default:
			return cli_bad_option("edit", argv, "h", longopts);
		}
	}
	if (!format_ok("edit", fmt))
		return 2;
	if (optind + 1 != argc || !(owner || due || action))
		return cli_usage(eusage);
	if (!(id = parse_id(argv[optind]))) {
		cli_error("edit: '%s' is not a proposal id", argv[optind]);
		return 2;
	}
	if (due && !strcmp(due, "none"))
		due = "";
	if (due && *due) {
		struct mk_date x;
		if (mk_date_parse(due, &x)) {
			cli_error("edit: cannot read --due '%s' (YYYY-MM-DD, or none)", due);
			return 2;
		}
	}
	if (!(st = cli_store_open(db)))
		return 1;
	mk_diag_clear(&d);
	memset(&before, 0, sizeof before);
	memset(&after, 0, sizeof after);
	if (!(err = mk_store_proposal_get(st, id, &before, &d)) &&
	    !(err = mk_store_edit(st, id, owner, due, action, cli_who(as), &d)))
		err = mk_store_proposal_get(st, id, &after, &d);
	if (err) {
		cli_diag(&d, err);
	} else if (!strcmp(fmt, "json")) {
		json_t *changes = json_array();
		char b[16], a[16];
		mk_date_format(before.due, b, sizeof b);
		mk_date_format(after.due, a, sizeof a);
		edit_change(changes, "owner", before.owner, after.owner);
		edit_change(changes, "due", before.has_due ? b : NULL, after.has_due ? a : NULL);
		edit_change(changes, "action", before.action, after.action);
		print_json(json_pack("{s:o, s:o}", "edited", cli_proposal_json(&after), "changes", changes));
	} else {
		printf("edited proposal %lld\n", id);
	}
	mk_proposal_release(&before);
	mk_proposal_release(&after);
	mk_store_close(st);
	return err ? 1 : 0;
}
