/*
 * cmd_sync.c: `mapkeeper sync zoom|teams`: reads the options, runs the library's sync
 * (mk_sync_open, mk_sync_run: the calls recorded since the source's cursor, each one's
 * deal, ingested as `ingest` does) and prints what became of each call, as text or JSON.
 * Does not talk to the network or parse the config file or deal map itself (pipeline/
 * sync.c, ingest/source.c do). --notify slack then announces the new calls (cmd_notify.c).
 * Invariant: exit 1 when any call failed (or Slack refused), 2 on a usage error.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"mapkeeper sync zoom|teams [--since YYYY-MM-DD] [--deal NAME | --deal-map FILE] "
	"[--format text|json] [--db PATH] [--config FILE] [--rules DIR] [--notify slack]";

static void print_text(const char *source, const struct mk_sync_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct mk_sync_meeting *m = &r->v[i];
		printf("%s %s (%s) %s: %s\n", source, m->external_id, m->start ? m->start : "no start",
		       m->deal ? m->deal : "-", m->status);
	}
	printf("%s: %zu fetched, %zu ingested, %zu skipped\n", source, r->fetched, r->ingested, r->skipped);
}

static json_t *sync_json(const char *source, const struct mk_sync_result *r)
{
	json_t *meetings = json_array();
	for (size_t i = 0; i < r->n; i++) {
		const struct mk_sync_meeting *m = &r->v[i];
		json_array_append_new(meetings, json_pack("{s:s, s:s, s:s?, s:s?, s:s}", "source", source,
							  "external_id", m->external_id, "start", m->start,
							  "deal", m->deal, "status", m->status));
	}
	json_t *o = json_pack("{s:I, s:I, s:I, s:o}", "fetched", (json_int_t)r->fetched, "ingested",
			      (json_int_t)r->ingested, "skipped", (json_int_t)r->skipped, "meetings", meetings);
	return o;
}

static void print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	printf("%s\n", s);
	free(s);
	json_decref(o);
}

/* What the command line asks for. */
struct sync_args {
	struct mk_sync_opts o;
	const char *fmt, *db;
	int notify;                 /* --notify slack */
};

/* Options into a; an exit code when the command should end here (-1: go on). */
static int sync_options(int argc, char **argv, struct sync_args *a)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "deal", required_argument, NULL, 'D' },
		{ "deal-map", required_argument, NULL, 'm' },
		CLI_OPT_FORMAT,
		CLI_OPT_DB,
		{ "config", required_argument, NULL, 'c' },
		{ "rules", required_argument, NULL, 'r' },
		{ "notify", required_argument, NULL, 'n' },
		CLI_OPT_END,
	};
	struct cli_opts o = { .db = a->db, .format = a->fmt };
	int ch;
	while ((ch = cli_getopt("sync", argc, argv, "h", longopts, usage, &o)) > 0) {
		switch (ch) {
		case 's': a->o.since = optarg; break;
		case 'D': a->o.deal = optarg; break;
		case 'm': a->o.deal_map = optarg; break;
		case 'c': a->o.config = optarg; break;
		case 'r': a->o.rules_dir = optarg; break;
		case 'n':
			if (!cli_notify_option("sync", optarg))
				return CLI_USAGE;
			a->notify = 1;
			break;
		}
	}
	a->db = o.db;
	a->fmt = o.format;
	return ch < 0 ? o.rc : -1;
}

/* The options' own checks, in the order they were always made; -1 when they hold. */
static int sync_check(int argc, char **argv, struct sync_args *a)
{
	struct mk_sync_opts *o = &a->o;
	struct mk_date d;
	if (optind + 1 != argc)
		return cli_usage(usage);
	o->source = argv[optind];
	if (!mk_source_known(o->source)) {
		cli_error("sync: unknown source '%s' (zoom or teams)", o->source);
		return CLI_USAGE;
	}
	if (!(a->fmt = cli_format("sync", a->fmt, "text|json")))
		return CLI_USAGE;
	if (o->deal && o->deal_map) {
		cli_error("sync: --deal and --deal-map exclude each other");
		return CLI_USAGE;
	}
	if (o->since && mk_date_parse_day(o->since, &d)) {
		cli_error("sync: cannot read --since '%s' (YYYY-MM-DD)", o->since);
		return CLI_USAGE;
	}
	return -1;
}

int cmd_sync(int argc, char **argv)
{
	struct sync_args a = { .fmt = "text" };
	struct mk_sync *s = NULL;
	struct mk_store *st = NULL;
	struct mk_sync_result r;
	struct mk_diag diag;
	int rc;
	enum mk_err err;

	memset(&r, 0, sizeof r);
	mk_diag_clear(&diag);
	if ((rc = sync_options(argc, argv, &a)) >= 0 || (rc = sync_check(argc, argv, &a)) >= 0)
		return rc;
	rc = CLI_FAILED;
	if ((err = mk_sync_open(&a.o, &s, &diag))) {
		cli_diag(&diag, err);
		goto out;
	}
	if (!(st = cli_store_create(a.db)))
		goto out;
	if ((err = mk_sync_run(s, st, &r, &diag))) {
		cli_diag(&diag, err);
		goto out;
	}
	if (r.cursor_err)
		cli_diag(&diag, r.cursor_err);
	json_t *json = !strcmp(a.fmt, "json") ? sync_json(a.o.source, &r) : NULL;
	if (!json)
		print_text(a.o.source, &r);
	rc = r.errors ? CLI_FAILED : CLI_OK;
	if (a.notify && cli_notify_calls(st, a.o.deal, a.o.config, json))
		rc = CLI_FAILED;
	if (json)
		print_json(json);
out:
	mk_sync_result_release(&r);
	mk_sync_close(s);
	mk_store_close(st);
	return rc;
}
