/*
 * cmd_undo.c: `mapkeeper undo [DECISION-ID] [--deal NAME]` reverses one decision (the
 * latest when no id is given): an approval, a rejection or a hand edit, recording the undo
 * in history; `undo --list [--deal NAME]` shows the recent decisions with their ids.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
	"mapkeeper undo [DECISION-ID] [--deal NAME] [--as WHO] [--db PATH] [--format text|json]\n"
	"       mapkeeper undo --list [--deal NAME] [--limit N] [--db PATH] [--format text|json]\n"
	"\n"
	"A decision is an approval or rejection of a proposal, or a hand edit (mapkeeper item).\n"
	"Without an id, undo reverses the latest one not undone (of --deal NAME when given).";

static int undo_list(struct mk_store *st, const char *deal, size_t limit, const char *fmt)
{
	struct mk_decision *v = NULL;
	struct mk_diag d;
	enum mk_err err;
	size_t n = 0;

	mk_diag_clear(&d);
	if ((err = mk_store_decisions(st, deal, limit, &v, &n, &d))) {
		cli_diag(&d, err);
		return CLI_FAILED;
	}
	if (!strcmp(fmt, "json")) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, cli_decision_json(&v[i]));
		cli_json_print(json_pack("{s:o}", "decisions", a));
	} else if (!n) {
		printf("no decisions yet%s%s%s\n", deal ? " in '" : "", deal ? deal : "", deal ? "'" : "");
	} else {
		printf("%-6s %-16s %-12s %-11s %-16s %s\n", "id", "at", "by", "kind", "deal", "what");
		for (size_t i = 0; i < n; i++) {
			const struct mk_decision *x = &v[i];
			printf("%-6lld %.10s %-5.5s %-12.12s %-11s %-16.16s %s", (long long)x->id,
			       x->at ? x->at : "", x->at && strlen(x->at) >= 16 ? x->at + 11 : "",
			       x->by ? x->by : "-", x->kind, x->deal ? x->deal : "-",
			       x->summary ? x->summary : "");
			if (x->undone_by)
				printf("  (undone by %lld)", (long long)x->undone_by);
			printf("\n");
		}
	}
	mk_decisions_free(v, n);
	return CLI_OK;
}

/* undo [ID]: reverses the decision (the latest not undone, of deal when given). */
static int undo_one(struct mk_store *st, int64_t id, const char *deal, const char *as, const char *fmt)
{
	struct mk_decision dec;
	struct mk_diag d;
	enum mk_err err;

	mk_diag_clear(&d);
	if ((err = mk_store_undo(st, id, deal, cli_who(as), &dec, &d))) {
		cli_diag(&d, err);
		return CLI_FAILED;
	}
	if (!strcmp(fmt, "json"))
		cli_json_print(json_pack("{s:o}", "undone", cli_decision_json(&dec)));
	else
		printf("undid decision %lld (%s of '%s': %s); undo recorded as decision %lld\n",
		       (long long)dec.id, dec.kind, dec.deal, dec.summary ? dec.summary : "",
		       (long long)dec.undone_by);
	mk_decision_release(&dec);
	return CLI_OK;
}

int cmd_undo(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "deal", required_argument, NULL, 'D' },
		{ "limit", required_argument, NULL, 'n' },
		CLI_OPT_AS,
		CLI_OPT_DB,
		CLI_OPT_FORMAT,
		CLI_OPT_END,
	};
	struct cli_opts o = { .format = "text" };
	const char *deal = NULL, *fmt;
	struct mk_store *st;
	int64_t id = 0, limit = 20;
	int ch, list = 0, rc;

	while ((ch = cli_getopt("undo", argc, argv, "h", longopts, usage, &o)) > 0)
		switch (ch) {
		case 'l': list = 1; break;
		case 'D': deal = optarg; break;
		case 'n':
			if (!(limit = cli_parse_id(optarg)) || limit > 10000) {
				cli_error("undo: --limit wants a number from 1 to 10000, not '%s'", optarg);
				return CLI_USAGE;
			}
			break;
		}
	if (ch < 0)
		return o.rc;
	if (optind + 1 < argc || (list && optind < argc))
		return cli_usage(usage);
	if (!(fmt = cli_format("undo", o.format, "text|json")))
		return CLI_USAGE;
	if (optind < argc && !(id = cli_parse_id(argv[optind]))) {
		cli_error("undo: '%s' is not a decision id (see 'mapkeeper undo --list')", argv[optind]);
		return CLI_USAGE;
	}
	if (!(st = cli_store_open(o.db)))
		return CLI_FAILED;
	rc = list ? undo_list(st, deal, (size_t)limit, fmt) : undo_one(st, id, deal, o.as, fmt);
	mk_store_close(st);
	return rc;
}
