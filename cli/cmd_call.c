/*
 * cmd_call.c: `mapkeeper call list DEAL` (each stored call: id, label, start, when it was
 * ingested, proposals still pending) and `mapkeeper call remove CALL-ID`: its lines leave
 * the search index and its pending proposals go; what was approved from it stays, marked
 * as from a removed call; the same file can be ingested again.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"mapkeeper call list DEAL [--db PATH] [--format text|json]\n"
	"       mapkeeper call remove CALL-ID [--as WHO] [--db PATH] [--format text|json]";

int cmd_call(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "as", required_argument, NULL, 'a' },
		{ "db", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *as = NULL, *db = NULL, *fmt = "text", *verb;
	struct mk_call *v = NULL, call;
	struct mk_store *st;
	struct mk_diag d;
	enum mk_err err;
	int64_t id = 0;
	size_t n = 0;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': as = optarg; break;
		case 'b': db = optarg; break;
		case 'f': fmt = optarg; break;
		case 'h': printf("usage: %s\n", usage); return 0;
		default:
			return cli_bad_option("call", argv, "h", longopts);
		}
	}
	if (optind + 2 != argc)
		return cli_usage(usage);
	verb = argv[optind];
	if (!(fmt = cli_format("call", fmt, "text|json")))
		return 2;
	if (strcmp(verb, "list") && strcmp(verb, "remove")) {
		cli_error("call: unknown action '%s' (list or remove)", verb);
		return 2;
	}
	if (!strcmp(verb, "remove") && !(id = cli_parse_id(argv[optind + 1]))) {
		cli_error("call remove: '%s' is not a call id (see 'mapkeeper call list DEAL')",
			  argv[optind + 1]);
		return 2;
	}
	if (!(st = cli_store_open(db)))
		return 1;
	mk_diag_clear(&d);
	if (id) {
		err = mk_store_call_remove(st, id, cli_who(as), &call, &d);
		mk_store_close(st);
		if (err) {
			cli_diag(&d, err);
			return 1;
		}
		if (!strcmp(fmt, "json"))
			cli_json_print(json_pack("{s:o}", "removed", cli_call_json(&call)));
		else
			printf("removed call %lld (%s) and its %zu pending proposal%s; what was approved "
			       "from it stays\n", (long long)call.id, call.label ? call.label : "-",
			       call.pending, call.pending == 1 ? "" : "s");
		free(call.label);
		free(call.start);
		free(call.ingested_at);
		return 0;
	}
	err = mk_store_calls(st, argv[optind + 1], &v, &n, &d);
	mk_store_close(st);
	if (err) {
		cli_diag(&d, err);
		return 1;
	}
	if (!strcmp(fmt, "json")) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, cli_call_json(&v[i]));
		cli_json_print(json_pack("{s:o}", "calls", a));
	} else if (!n) {
		printf("no calls in '%s' yet (mapkeeper ingest FILE --deal '%s')\n", argv[optind + 1],
		       argv[optind + 1]);
	} else {
		printf("%-6s %-20s %-20s %-7s %s\n", "id", "start", "ingested", "pending", "label");
		for (size_t i = 0; i < n; i++)
			printf("%-6lld %-20.20s %-20.20s %-7zu %s\n", (long long)v[i].id,
			       v[i].start ? v[i].start : "-", v[i].ingested_at ? v[i].ingested_at : "-",
			       v[i].pending, v[i].label ? v[i].label : "-");
	}
	mk_calls_free(v, n);
	return 0;
}
