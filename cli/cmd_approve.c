/*
 * cmd_approve.c: `mapkeeper approve ID... | --all [--deal NAME] [--as WHO] [--db PATH]`:
 * applies pending proposals to the plan, each in its own transaction, recording who and
 * when. An unknown or already decided id is an error that names it; the others still go.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "mapkeeper approve ID... | --all [--deal NAME] [--as WHO] [--db PATH]";

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

int cmd_approve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'A' },
		{ "deal", required_argument, NULL, 'D' },
		{ "as", required_argument, NULL, 'a' },
		{ "db", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *deal = NULL, *as = NULL, *db = NULL;
	struct mk_store *st;
	struct mk_diag d;
	int ch, all = 0, rc = 0;
	size_t done = 0;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'A': all = 1; break;
		case 'D': deal = optarg; break;
		case 'a': as = optarg; break;
		case 'b': db = optarg; break;
		case 'h': printf("usage: %s\n", usage); return 0;
		default:
			return cli_bad_option("approve", argv, "h", longopts);
		}
	}
	if (all == (optind < argc))
		return cli_usage(usage);
	for (int i = optind; i < argc; i++)
		if (!parse_id(argv[i])) {
			cli_error("approve: '%s' is not a proposal id", argv[i]);
			return 2;
		}
	if (!(st = cli_store_open(db)))
		return 1;
	mk_diag_clear(&d);
	if (all) {
		struct mk_proposals ps;
		enum mk_err err;
		mk_proposals_init(&ps);
		if ((err = mk_store_pending(st, deal, &ps, &d))) {
			cli_diag(&d, err);
			rc = 1;
		}
		for (size_t i = 0; !rc && i < ps.n; i++) {
			if ((err = mk_store_decide(st, ps.v[i].id, 1, cli_who(as), NULL, &d))) {
				cli_diag(&d, err);
				rc = 1;
			} else {
				done++;
			}
		}
		mk_proposals_release(&ps);
	} else {
		for (int i = optind; i < argc; i++) {
			enum mk_err err = mk_store_decide(st, parse_id(argv[i]), 1, cli_who(as), NULL, &d);
			if (err) {
				cli_diag(&d, err);
				rc = 1;
			} else {
				done++;
			}
		}
	}
	printf("approved %zu proposal%s\n", done, done == 1 ? "" : "s");
	mk_store_close(st);
	return rc;
}

int cmd_reject(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "as", required_argument, NULL, 'a' },
		{ "db", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char rusage[] = "mapkeeper reject ID... [--reason TEXT] [--as WHO] [--db PATH]";
	const char *reason = NULL, *as = NULL, *db = NULL;
	struct mk_store *st;
	struct mk_diag d;
	int ch, rc = 0;
	size_t done = 0;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': reason = optarg; break;
		case 'a': as = optarg; break;
		case 'b': db = optarg; break;
		case 'h': printf("usage: %s\n", rusage); return 0;
		default:
			return cli_bad_option("reject", argv, "h", longopts);
		}
	}
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
		enum mk_err err = mk_store_decide(st, parse_id(argv[i]), 0, cli_who(as), reason, &d);
		if (err) {
			cli_diag(&d, err);
			rc = 1;
		} else {
			done++;
		}
	}
	printf("rejected %zu proposal%s\n", done, done == 1 ? "" : "s");
	mk_store_close(st);
	return rc;
}

int cmd_edit(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "owner", required_argument, NULL, 'o' },
		{ "due", required_argument, NULL, 'd' },
		{ "action", required_argument, NULL, 'c' },
		{ "as", required_argument, NULL, 'a' },
		{ "db", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char eusage[] =
		"mapkeeper edit ID [--owner NAME] [--due YYYY-MM-DD|none] [--action TEXT] [--as WHO] [--db PATH]";
	const char *owner = NULL, *due = NULL, *action = NULL, *as = NULL, *db = NULL;
	struct mk_store *st;
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
		case 'h': printf("usage: %s\n", eusage); return 0;
		default:
			return cli_bad_option("edit", argv, "h", longopts);
		}
	}
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
	err = mk_store_edit(st, id, owner, due, action, cli_who(as), &d);
	if (err)
		cli_diag(&d, err);
	else
		printf("edited proposal %lld\n", id);
	mk_store_close(st);
	return err ? 1 : 0;
}
