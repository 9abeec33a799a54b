/*
 * cmd_history.c: `mapkeeper history DEAL|ITEM [--format text|json] [--db PATH]`: the slip
 * history a manager asks for. Every change of one plan item (#12 or 12) or of every item
 * of a deal, oldest first, from its creation on: when, who decided, field old -> new, and
 * the words on the call that caused it (meeting, time, speaker, quote); the rep's hand edits
 * (with the decision to undo them by), edits of proposals before deciding, and for a deal its
 * undos, renames and removed calls.
 */
#include "cli.h"

#include <ctype.h>
#include <getopt.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char usage[] = "mapkeeper history DEAL|ITEM [--format text|json] [--db PATH]\n"
			    "\n"
			    "ITEM is a plan item's number (12 or #12); anything else names a deal.";

/* "12" or "#12" -> 12; 0 when arg is not an item number. */
static int64_t item_number(const char *arg)
{
	const char *p = arg[0] == '#' ? arg + 1 : arg;
	long long v = 0;
	if (!*p || strlen(p) > 15)
		return 0;
	for (; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return 0;
		v = v * 10 + (*p - '0');
	}
	return (int64_t)v;
}

static void hms(int64_t ms, char *buf, size_t n)
{
	mk_format_ms(ms, buf, n);
	if (strlen(buf) > 8)
		buf[8] = '\0';
}

static int has_evidence(const struct mk_revision *r)
{
	return r->quote && r->quote[0];
}

static int is_source(const struct mk_revision *r, const char *source)
{
	return r->source && !strcmp(r->source, source);
}

/* An undo, a rename or a removed call: a decision about the deal, not a field of an item. */
static int is_decision(const struct mk_revision *r)
{
	return is_source(r, "undo") || is_source(r, "deal rename") || is_source(r, "call remove");
}

static void print_text(const char *title, const struct mk_revision *v, size_t n)
{
	char ts[32];
	printf("History of %s, oldest first\n", title);
	for (size_t i = 0; i < n; i++) {
		const struct mk_revision *r = &v[i];
		/* "2026-03-10T14:02:11Z" -> "2026-03-10 14:02" */
		printf("\n%.10s %.5s  ", r->at ? r->at : "", r->at && strlen(r->at) >= 16 ? r->at + 11 : "");
		if (r->item_id)
			printf("#%lld %s\n", (long long)r->item_id,
			       r->action && r->action[0] ? r->action : "(no longer on the plan)");
		else
			printf("%s\n", r->deal ? r->deal : "");
		if (is_decision(r))
			printf("  decision %lld: %s", (long long)r->decision_id,
			       r->new_value ? r->new_value : "");
		else if (is_source(r, "proposal edit"))
			printf("  proposal %lld edited before the decision: %s %s -> %s",
			       (long long)r->proposal_id, r->field, r->old_value ? r->old_value : "not set",
			       r->new_value ? r->new_value : "not set");
		else if (!strcmp(r->field, "created"))
			printf("  created, due %s", r->new_value ? r->new_value : "not set");
		else
			printf("  %s %s -> %s", r->field, r->old_value ? r->old_value : "not set",
			       r->new_value ? r->new_value : "not set");
		if (is_source(r, "hand") && r->decision_id)
			printf("  (by hand, decision %lld, by %s)\n", (long long)r->decision_id,
			       r->by ? r->by : "unknown");
		else if (is_decision(r) || is_source(r, "proposal edit"))
			printf("  (by %s)\n", r->by ? r->by : "unknown");
		else if (r->decision_id)
			printf("  (decision %lld, decided by %s)\n", (long long)r->decision_id,
			       r->by ? r->by : "unknown");
		else
			printf("  (decided by %s)\n", r->by ? r->by : "unknown");
		if (r->note && r->note[0])
			printf("  note: %s\n", r->note);
		if (has_evidence(r)) {
			hms(r->start_ms, ts, sizeof ts);
			printf("  %s%s %s %s: \"%s\"\n", r->meeting ? r->meeting : "(no meeting)",
			       is_source(r, "removed call") ? " (from a removed call)" : "", ts,
			       r->speaker && r->speaker[0] ? r->speaker : "(unnamed)", r->quote);
		} else if (!is_source(r, "hand") && !is_decision(r)) {
			printf("  (no call evidence)\n");
		}
	}
}

/* The revisions of a deal (deal set) or of one item, as fmt asks. */
static void print_history(const char *fmt, const char *deal, int64_t item, const struct mk_revision *v, size_t n)
{
	char title[64];

	if (!strcmp(fmt, "json")) {
		cli_json_print(cli_history_json(deal ? deal : n ? v[0].deal : NULL, item, v, n));
	} else if (!n) {
		printf("no plan items yet in '%s': ingest a call and approve its proposals\n", deal);
	} else {
		if (deal)
			snprintf(title, sizeof title, "%.60s", deal);
		else
			snprintf(title, sizeof title, "item #%lld (%.30s)", (long long)item, v[0].deal);
		print_text(title, v, n);
	}
}

int cmd_history(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_OPT_FORMAT,
		CLI_OPT_DB,
		CLI_OPT_END,
	};
	struct cli_opts o = { .format = "text" };
	const char *fmt, *arg, *deal = NULL;
	struct mk_revision *v = NULL;
	struct mk_store *st;
	struct mk_diag d;
	enum mk_err err;
	int64_t item;
	size_t n = 0;

	if (cli_getopt("history", argc, argv, "h", longopts, usage, &o) < 0)
		return o.rc;
	if (optind + 1 != argc)
		return cli_usage(usage);
	if (!(fmt = cli_format("history", o.format, "text|json")))
		return CLI_USAGE;
	arg = argv[optind];
	item = item_number(arg);
	if (!item && arg[0] == '#') {
		cli_error("history: '%s' is not a plan item number", arg);
		return CLI_USAGE;
	}
	if (!item)
		deal = arg;
	if (!(st = cli_store_open(o.db)))
		return CLI_FAILED;
	mk_diag_clear(&d);
	err = mk_store_history(st, deal, item, &v, &n, &d);
	mk_store_close(st);
	if (err == MK_ENOTFOUND && !deal) {
		cli_error("no plan item #%lld", (long long)item);
		return CLI_FAILED;
	}
	if (err)
		return cli_store_failed(err, &d, deal);
	print_history(fmt, deal, item, v, n);
	mk_revisions_free(v, n);
	return CLI_OK;
}
