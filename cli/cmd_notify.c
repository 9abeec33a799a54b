/*
 * cmd_notify.c: `mapkeeper notify slack [--digest [--force]] [--deal NAME] [--format
 * text|json] [--config FILE] [--db PATH] [--today YYYY-MM-DD]`: announces each call with
 * proposals waiting for review in Slack (one message per call), or sends the daily digest
 * (overdue buyer items, deals with no next step) once a day; and `--notify slack` of ingest
 * and sync (cli_notify_calls). Does not build or send messages (notify/). Invariant: exit 1
 * when Slack refused (one line says what to fix, what was sent is said); never a secret.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"mapkeeper notify slack [--digest [--force]] [--deal NAME] [--format text|json] [--config FILE]\n"
	"                       [--db PATH] [--today YYYY-MM-DD]\n"
	"Each call with proposals waiting for review, one Slack message per call, once; --digest:\n"
	"the buyer's overdue items and the deals with no next step, once a day (--force: again).\n"
	"Slack: SLACK_WEBHOOK_URL, or SLACK_BOT_TOKEN and SLACK_CHANNEL (environment or --config);\n"
	"MAPKEEPER_URL adds a link to each deal's review page.";

/* What a run did, as text: one line. */
static void notify_text(const struct mk_notify_opts *o, const struct mk_notify_result *r, int failed)
{
	char day[16];

	mk_date_format(o->today, day, sizeof day);
	if (o->digest && r->skipped)
		printf("slack: the digest of %s went out already today (--force sends it again)\n", day);
	else if (o->digest && !failed)
		printf("slack: sent the digest of %s: %zu overdue buyer item%s, %zu deal%s with no next step\n", day,
		       r->overdue, r->overdue == 1 ? "" : "s", r->no_next_step, r->no_next_step == 1 ? "" : "s");
	else if (!o->digest && r->calls)
		printf("slack: announced %zu call%s%s\n", r->calls, r->calls == 1 ? "" : "s",
		       failed ? "; the others wait for the next run" : "");
	else if (!o->digest && !failed)
		printf("slack: no new call to announce\n");
}

static json_t *notify_json(const struct mk_notify_opts *o, const struct mk_notify_result *r,
			   const struct mk_diag *failed)
{
	char day[16];
	json_t *j;

	mk_date_format(o->today, day, sizeof day);
	j = json_pack("{s:s, s:s, s:b, s:I, s:I, s:b}", "channel", "slack", "what", o->digest ? "digest" : "calls",
		      "sent", r->messages > 0, "messages", (json_int_t)r->messages, "calls", (json_int_t)r->calls,
		      "skipped", r->skipped);
	if (o->digest)
		json_object_update_new(j, json_pack("{s:s, s:I, s:I}", "day", day, "overdue", (json_int_t)r->overdue,
						    "no_next_step", (json_int_t)r->no_next_step));
	if (failed)
		json_object_set_new(j, "error", json_string(failed->msg));
	return j;
}

int cli_notify_calls(struct mk_store *st, const char *deal, const char *config, json_t *json)
{
	struct mk_notify_opts o = { .config = config, .deal = deal, .today = mk_today() };
	struct mk_notify_result r;
	struct mk_diag diag;
	enum mk_err err;

	mk_diag_clear(&diag);
	err = mk_notify_slack(st, &o, &r, &diag);
	if (err)
		cli_diag(&diag, err);
	if (json)
		json_object_set_new(json, "notify", notify_json(&o, &r, err ? &diag : NULL));
	else
		notify_text(&o, &r, err != MK_OK);
	return err ? CLI_FAILED : CLI_OK;
}

int cli_notify_option(const char *cmd, const char *value)
{
	if (!strcmp(value, "slack"))
		return 1;
	cli_error("%s: --notify takes slack, not '%s'", cmd, value);
	return 0;
}

/* The options into o (and fmt, db); an exit code when the command ends here, else -1. */
static int notify_options(int argc, char **argv, struct mk_notify_opts *o, const char **fmt, const char **db)
{
	static const struct option longopts[] = {
		{ "digest", no_argument, NULL, 'g' },
		{ "force", no_argument, NULL, 'F' },
		{ "deal", required_argument, NULL, 'D' },
		{ "config", required_argument, NULL, 'c' },
		{ "today", required_argument, NULL, 't' },
		CLI_OPT_FORMAT,
		CLI_OPT_DB,
		CLI_OPT_END,
	};
	struct cli_opts co = { .format = "text" };
	const char *today = NULL;
	int ch;

	while ((ch = cli_getopt("notify", argc, argv, "h", longopts, usage, &co)) > 0) {
		switch (ch) {
		case 'g': o->digest = 1; break;
		case 'F': o->force = 1; break;
		case 'D': o->deal = optarg; break;
		case 'c': o->config = optarg; break;
		case 't': today = optarg; break;
		}
	}
	if (ch < 0)
		return co.rc;
	*db = co.db;
	if (optind + 1 != argc)
		return cli_usage(usage);
	if (strcmp(argv[optind], "slack")) {
		cli_error("notify: unknown channel '%s' (slack)", argv[optind]);
		return CLI_USAGE;
	}
	if (!(*fmt = cli_format("notify", co.format, "text|json")))
		return CLI_USAGE;
	if (o->force && !o->digest) {
		cli_error("notify: --force goes with --digest (a call is announced once)");
		return CLI_USAGE;
	}
	o->today = mk_today();
	if (today && !cli_parse_day(today, &o->today)) {
		cli_error("notify: cannot read --today '%s' (YYYY-MM-DD)", today);
		return CLI_USAGE;
	}
	return -1;
}

int cmd_notify(int argc, char **argv)
{
	struct mk_notify_opts o = { 0 };
	struct mk_notify_result r;
	struct mk_store *st;
	struct mk_diag diag;
	const char *fmt = "text", *db = NULL;
	enum mk_err err;
	int rc;

	if ((rc = notify_options(argc, argv, &o, &fmt, &db)) >= 0)
		return rc;
	if (!(st = cli_store_open(db)))
		return CLI_FAILED;
	mk_diag_clear(&diag);
	err = mk_notify_slack(st, &o, &r, &diag);
	if (err)
		cli_diag(&diag, err);
	if (!strcmp(fmt, "json"))
		cli_json_print(notify_json(&o, &r, err ? &diag : NULL));
	else
		notify_text(&o, &r, err != MK_OK);
	mk_store_close(st);
	return err ? CLI_FAILED : CLI_OK;
}
