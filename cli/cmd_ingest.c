/*
 * cmd_ingest.c: `mapkeeper ingest FILE... --deal NAME [--date WHEN] [--db PATH]
 * [--format text|json]`: for each call, in the order given: read it, extract with the
 * deal's selling team, merge against the deal's plan (and its pending additions, so a
 * second call does not propose them again), and store it all in one transaction. The
 * same transcript (by sha256, whatever its name) ingested again changes nothing. The work
 * is the library's (mk_calls_ingest, pipeline/batch.c); this file parses the options and
 * prints a line (or a JSON member) per call and the progress line. --notify slack then
 * announces the new calls (cli_notify_calls, cmd_notify.c); its failure is exit 1, the calls stay.
 *
 * The meeting's date: --date, else the date in the file (its header or its name); a call
 * with neither is refused with how to give one (never today by default). One --date for
 * several files is refused unless --date-from-name: then each file's own date wins and
 * --date dates only the files that have none.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"mapkeeper ingest FILE... --deal NAME [--date WHEN [--date-from-name]] [-j N] [--db PATH] [--format text|json]\n"
	"                 [--rules DIR] [--progress] [--notify slack]\n"
	"\n"
	"The meeting's date: --date, else the date the file gives (a Zoom start, a date in its\n"
	"name such as call-2026-03-10.vtt); a call with neither is refused. With several files,\n"
	"--date needs --date-from-name: each file's own date wins, --date dates the others.\n"
	"-j N: extract on N threads (1 to 64; default 1); one writer stores the calls in the\n"
	"order given, so the result is the same as without -j.\n"
	"--notify slack: then announce the new calls in Slack (mapkeeper notify slack); a failure\n"
	"there is one line and exit 1, and the calls stay stored.";

/* What one run prints: text lines as calls are stored, or one JSON object at the end. */
struct ingest_out {
	const char *date;           /* --date, for its message */
	json_t *calls;              /* --format json: a member per call; NULL: text */
	int rc;                     /* the worst exit code so far */
};

/* The progress line: "ingest: file 3 of 40: extracting call.vtt (12.0 MB)". */
static void ingest_progress(void *ctx, size_t index, size_t n, const char *stage, const char *path, double mb)
{
	(void)ctx;
	if (!term_progress_on())
		return;
	if (n > 1)
		term_progress("ingest: file %zu of %zu: %s %s (%.1f MB)", index + 1, n, stage, path, mb);
	else
		term_progress("ingest: %s %s (%.1f MB)", stage, path, mb);
}

/* A call stored before this run came to it: nothing changed. */
static void print_known(struct ingest_out *o, const struct mk_calls_done *c)
{
	if (o->calls)
		json_array_append_new(o->calls, json_pack("{s:s, s:s, s:s}", "path", c->path, "sha256",
							  c->t->sha256, "status", "already ingested"));
	else
		printf("%s: already ingested (same transcript, sha256 %.12s), nothing changed\n", c->path,
		       c->t->sha256);
}

static void print_stored(struct ingest_out *o, const struct mk_calls_done *c)
{
	const struct mk_call_result *r = c->r;
	/* a call not in English is stored with no findings: one warning line says so */
	if (r->language)
		cli_error("%s: the call looks %s, not English; no findings", c->path, r->language);
	if (o->calls)
		json_array_append_new(
			o->calls, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "path", c->path, "sha256",
					    c->t->sha256, "status", r->already ? "already ingested" : "ingested",
					    "meeting_id", (json_int_t)r->res.meeting_id, "commitments",
					    (json_int_t)r->ncommitments, "stakeholders", (json_int_t)r->nstakeholders,
					    "risks", (json_int_t)r->nrisks, "updates", (json_int_t)r->nupdates,
					    "proposals", (json_int_t)r->res.nproposals));
	else if (r->already)
		printf("%s: already ingested, nothing changed\n", c->path);
	else
		printf("%s: meeting %s, %zu commitments, %zu stakeholders, %zu risks, %zu updates -> %zu proposals to review\n",
		       c->path, r->start, r->ncommitments, r->nstakeholders, r->nrisks, r->nupdates, r->res.nproposals);
	fflush(stdout);
}

/* Reports one call as the library stored it (or did not); keeps the worst exit code. */
static void ingest_done(void *ctx, const struct mk_calls_done *c)
{
	struct ingest_out *o = ctx;
	int rc = CLI_OK;
	if (c->err == MK_EDATE) {
		cli_error("ingest: cannot read --date '%s' (YYYY-MM-DD or ISO 8601)", o->date);
		rc = CLI_USAGE;
	} else if (c->err) {
		cli_diag(c->diag, c->err);
		rc = CLI_FAILED;
	} else if (c->known) {
		print_known(o, c);
	} else {
		print_stored(o, c);
	}
	if (rc > o->rc)
		o->rc = rc;
}

/* What the options give. */
struct ingest_args {
	const char *deal, *date, *db, *fmt, *rules_dir;
	int from_name;
	unsigned threads;
	int notify;                 /* --notify slack */
};

/* Parses the options into a; -1 to go on, else the exit code. */
static int ingest_options(int argc, char **argv, struct ingest_args *a)
{
	static const struct option longopts[] = {
		{ "deal", required_argument, NULL, 'D' },
		{ "date", required_argument, NULL, 'd' },
		{ "date-from-name", no_argument, NULL, 'N' },
		CLI_OPT_DB,
		CLI_OPT_FORMAT,
		{ "rules", required_argument, NULL, 'r' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "notify", required_argument, NULL, 'n' },
		CLI_OPT_END,
	};
	struct cli_opts o = { .format = "text" };
	int ch;
	memset(a, 0, sizeof *a);
	a->threads = 1;
	while ((ch = cli_getopt("ingest", argc, argv, "hj:", longopts, usage, &o)) > 0) {
		char *end;
		unsigned long v;
		switch (ch) {
		case 'j':
			v = strtoul(optarg, &end, 10);
			if (*end || !*optarg || optarg[0] == '-' || v < 1 || v > MK_CALLS_MAX_THREADS) {
				cli_error("ingest: -j wants a number of threads from 1 to %d, not '%s'",
					  MK_CALLS_MAX_THREADS, optarg);
				return CLI_USAGE;
			}
			a->threads = (unsigned)v;
			break;
		case 'D': a->deal = optarg; break;
		case 'd': a->date = optarg; break;
		case 'N': a->from_name = 1; break;
		case 'r': a->rules_dir = optarg; break;
		case 'n':
			if (!cli_notify_option("ingest", optarg))
				return CLI_USAGE;
			a->notify = 1;
			break;
		}
	}
	a->db = o.db;
	a->fmt = o.format;
	return ch < 0 ? o.rc : -1;
}

/* The checks of the options together: files and --deal given, --format (a->fmt becomes the
 * word it names), --date. -1 to go on, else the exit code. */
static int ingest_check(struct ingest_args *a, int nfiles)
{
	struct mk_date d;
	if (nfiles < 1 || !a->deal)
		return cli_usage(usage);
	if (!(a->fmt = cli_format("ingest", a->fmt, "text|json")))
		return CLI_USAGE;
	if (a->date && mk_date_parse(a->date, &d)) {
		cli_error("ingest: cannot read --date '%s' (YYYY-MM-DD or ISO 8601)", a->date);
		return CLI_USAGE;
	}
	if (a->date && nfiles > 1 && !a->from_name) {
		cli_error("ingest: one --date for %d files would give them all the same meeting date; "
			  "ingest them one by one, or add --date-from-name (each file's own date wins, "
			  "--date dates the files that have none)", nfiles);
		return CLI_USAGE;
	}
	return -1;
}

/* Opens the store, finds the deal, loads the rules and ingests the files; the exit code. */
static int ingest_run(const struct ingest_args *a, const char *const *files, size_t n)
{
	struct ingest_out out = { a->date, NULL, CLI_OK };
	struct mk_calls_opts o = { a->date, a->from_name ? MK_CALL_DATE_FROM_NAME : 0, a->threads,
				   ingest_done, ingest_progress, &out };
	struct mk_store *st;
	struct mk_rules *rs = NULL;
	struct mk_deal deal;
	struct mk_diag diag;
	char *dir = NULL;
	json_t *json = NULL;
	enum mk_err err;
	memset(&deal, 0, sizeof deal);
	mk_diag_clear(&diag);
	if (!(st = cli_store_create(a->db)))
		return CLI_FAILED;
	if ((err = mk_store_deal_get(st, a->deal, &deal, &diag))) {
		if (err == MK_ENOTFOUND)
			cli_error("no deal '%s' (add it with: mapkeeper deal add '%s' --seller \"A,B\")", a->deal,
				  a->deal);
		else
			cli_diag(&diag, err);
		out.rc = CLI_FAILED;
		goto out;
	}
	dir = a->rules_dir ? strdup(a->rules_dir) : mk_rules_default_dir();
	if ((err = mk_rules_load(&rs, dir, &diag))) {
		cli_diag(&diag, err);
		out.rc = CLI_FAILED;
		goto out;
	}
	if (!strcmp(a->fmt, "json"))
		out.calls = json_array();
	mk_calls_ingest(st, rs, &deal, files, n, &o);
	term_progress_end();
	if (out.calls)
		json = json_pack("{s:O}", "calls", out.calls);
	if (a->notify && cli_notify_calls(st, a->deal, NULL, json) > out.rc)
		out.rc = CLI_FAILED;
	if (json)
		cli_json_print(json);
out:
	json_decref(out.calls);
	free(dir);
	mk_rules_free(rs);
	mk_deal_release(&deal);
	mk_store_close(st);
	return out.rc;
}

int cmd_ingest(int argc, char **argv)
{
	struct ingest_args a;
	int rc = ingest_options(argc, argv, &a);
	if (rc >= 0)
		return rc;
	if ((rc = ingest_check(&a, argc - optind)) >= 0)
		return rc;
	return ingest_run(&a, (const char *const *)argv + optind, (size_t)(argc - optind));
}
