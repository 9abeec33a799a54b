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

/* call remove ID: the call goes; what was approved from it stays. */
static int call_remove(struct mk_store *st, int64_t id, const char *as, const char *fmt)
{
	struct mk_call call;
	struct mk_diag d;
	enum mk_err err;

	mk_diag_clear(&d);
	if ((err = mk_store_call_remove(st, id, cli_who(as), &call, &d))) {
		cli_diag(&d, err);
		return CLI_FAILED;
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
	return CLI_OK;
}

/* call list DEAL: each stored call, oldest first. */
static int call_list(struct mk_store *st, const char *deal, const char *fmt)
{
	struct mk_call *v = NULL;
	struct mk_diag d;
	enum mk_err err;
	size_t n = 0;

	mk_diag_clear(&d);
	if ((err = mk_store_calls(st, deal, &v, &n, &d))) {
		cli_diag(&d, err);
		return CLI_FAILED;
	}
	if (!strcmp(fmt, "json")) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, cli_call_json(&v[i]));
		cli_json_print(json_pack("{s:o}", "calls", a));
	} else if (!n) {
		printf("no calls in '%s' yet (mapkeeper ingest FILE --deal '%s')\n", deal, deal);
	} else {
		printf("%-6s %-20s %-20s %-7s %s\n", "id", "start", "ingested", "pending", "label");
		for (size_t i = 0; i < n; i++)
			printf("%-6lld %-20.20s %-20.20s %-7zu %s\n", (long long)v[i].id,
			       v[i].start ? v[i].start : "-", v[i].ingested_at ? v[i].ingested_at : "-",
			       v[i].pending, v[i].label ? v[i].label : "-");
	}
	mk_calls_free(v, n);
	return CLI_OK;
}

int cmd_call(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_OPT_AS,
		CLI_OPT_DB,
		CLI_OPT_FORMAT,
		CLI_OPT_END,
	};
	struct cli_opts o = { .format = "text" };
	const char *fmt, *verb;
	struct mk_store *st;
	int64_t id = 0;
	int rc;

	if (cli_getopt("call", argc, argv, "h", longopts, usage, &o) < 0)
		return o.rc;
	if (optind + 2 != argc)
		return cli_usage(usage);
	verb = argv[optind];
	if (!(fmt = cli_format("call", o.format, "text|json")))
		return CLI_USAGE;
	if (strcmp(verb, "list") && strcmp(verb, "remove")) {
		cli_error("call: unknown action '%s' (list or remove)", verb);
		return CLI_USAGE;
	}
	if (!strcmp(verb, "remove") && !(id = cli_parse_id(argv[optind + 1]))) {
		cli_error("call remove: '%s' is not a call id (see 'mapkeeper call list DEAL')",
			  argv[optind + 1]);
		return CLI_USAGE;
	}
	if (!(st = cli_store_open(o.db)))
		return CLI_FAILED;
	rc = id ? call_remove(st, id, o.as, fmt) : call_list(st, argv[optind + 1], fmt);
	mk_store_close(st);
	return rc;
}
