/*
 * cmd_health.c: `mapkeeper health [DEAL] [--as-of D] [--no-next-step] [--no-next-meeting]
 * [--past-go-live] [--no-ack] [--sort KEY] [--format text|json] [--db PATH]`: one line per
 * deal a manager can scan: the go-live date and the slack before it, the items, the
 * buyer's share of them, overdue and slipped items, days since the plan last changed,
 * stakeholders met of those named (met: they spoke on one of the deal's calls), open risks,
 * proposals waiting for review, the next meeting and the next step (the open item due
 * soonest from --as-of on; a deal with none is marked, and --no-next-step lists just those),
 * the buyer's last acknowledgement and the success criteria agreed. Deals come in name order
 * unless --sort says otherwise.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"mapkeeper health [DEAL] [--as-of YYYY-MM-DD] [--no-next-step] [--no-next-meeting] [--past-go-live] [--no-ack]\n"
	"       [--sort name|go-live|slack|next-meeting|ack|criteria] [--format text|json] [--db PATH]\n"
	"  --as-of D          the day asked about (default today): overdue, last change and next step count from it\n"
	"  --no-next-step     only the deals with no open item due on or after that day\n"
	"  --no-next-meeting  only the deals with no next meeting known\n"
	"  --past-go-live     only the deals whose critical path ends after their go-live date\n"
	"  --no-ack           only the deals whose buyer never acknowledged the plan\n"
	"  --sort KEY         go-live (soonest first), slack (least first), next-meeting (soonest\n"
	"                     first), ack (oldest first, never first), criteria (fewest first); a deal\n"
	"                     without the value comes last (ack: first); ties in name order";

#define NEXT_STEP_WIDTH 40  /* the next step's action is cut to this many bytes in the table */


/* The buyer's share of the items in whole percent; -1 when there are none. */
static int buyer_pct(const struct mk_health *h)
{
	return h->items ? (int)((h->buyer_items * 100 + h->items / 2) / h->items) : -1;
}

/* The next step as the table shows it: "2026-03-16 send the ROI model", or "! none". */
static void next_step_cell(const struct mk_health *h, char *out, size_t outlen)
{
	char day[16];
	size_t len;

	if (!h->has_next_step) {
		snprintf(out, outlen, "! none");
		return;
	}
	mk_date_format(h->next_step, day, sizeof day);
	len = h->next_step_action ? strlen(h->next_step_action) : 0;
	if (len > NEXT_STEP_WIDTH) { /* cut at a character's start, marked with "..." */
		len = NEXT_STEP_WIDTH - 3;
		while (len && (h->next_step_action[len] & 0xC0) == 0x80)
			len--;
		while (len && h->next_step_action[len - 1] == ' ')
			len--;
		snprintf(out, outlen, "%s %.*s...", day, (int)len, h->next_step_action);
	} else {
		snprintf(out, outlen, "%s %s", day, h->next_step_action ? h->next_step_action : "");
	}
}

/* The go-live, slack and last-ack cells: "2027-03-01", "+12d" / "-5d", "2026-03-12" or "never". */
static void plan_cells(const struct mk_health *h, char *golive, char *slack, char *ack, size_t n)
{
	if (h->has_go_live)
		mk_date_format(h->go_live, golive, n);
	else
		snprintf(golive, n, "-");
	if (h->has_slack)
		snprintf(slack, n, "%+dd", h->slack_days);
	else
		snprintf(slack, n, "-");
	snprintf(ack, n, "%.10s", h->has_ack && h->ack_at ? h->ack_at : "never");
}

static void print_row(const struct mk_health *h, int w)
{
	char share[16], met[48], last[32], meeting[16], next[NEXT_STEP_WIDTH + 32], golive[16], slack[16], ack[16];
	if (buyer_pct(h) < 0)
		snprintf(share, sizeof share, "-");
	else
		snprintf(share, sizeof share, "%d%%", buyer_pct(h));
	if (h->days_since_change < 0)
		snprintf(last, sizeof last, "never");
	else if (h->days_since_change == 0)
		snprintf(last, sizeof last, "today");
	else
		snprintf(last, sizeof last, "%d day%s ago", h->days_since_change, h->days_since_change == 1 ? "" : "s");
	snprintf(met, sizeof met, "%zu/%zu", h->stakeholders_met, h->stakeholders_named);
	if (h->has_next_meeting)
		mk_date_format(h->next_meeting, meeting, sizeof meeting);
	else
		snprintf(meeting, sizeof meeting, "none");
	plan_cells(h, golive, slack, ack, sizeof golive);
	next_step_cell(h, next, sizeof next);
	printf("%-*.*s  %-10s  %6s  %5zu  %5s  %7zu  %7zu  %-12s  %-10s  %10zu  %-10s  %8zu  %7zu  %-12s  %s\n", w, w,
	       h->deal, golive, slack, h->items, share, h->overdue, h->slipped, last, met, h->open_risks, ack,
	       h->criteria, h->pending, meeting, next);
}

static void print_table(const struct mk_health *v, size_t n, const char *as_of, int filtered)
{
	int w = 4;
	size_t none = 0;
	if (!n) {
		if (filtered)
			printf("every deal has what was asked for as of %s\n", as_of);
		else
			printf("no deals yet: add one with 'mapkeeper deal add NAME'\n");
		return;
	}
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(v[i].deal) > w)
			w = (int)strlen(v[i].deal) > 24 ? 24 : (int)strlen(v[i].deal);
	printf("Deal health as of %s\n\n", as_of);
	printf("%-*s  %-10s  %6s  %5s  %5s  %7s  %7s  %-12s  %-10s  %10s  %-10s  %8s  %7s  %-12s  %s\n", w, "deal",
	       "go-live", "slack", "items", "buyer", "overdue", "slipped", "last change", "met/named", "open risks",
	       "last ack", "criteria", "pending", "next meeting", "next step");
	for (size_t i = 0; i < n; i++) {
		print_row(&v[i], w);
		none += !v[i].has_next_step;
	}
	if (none && !filtered)
		printf("\n%zu deal%s no next step (no open item due on or after %s): "
		       "'mapkeeper health --no-next-step' lists %s\n", none, none == 1 ? " has" : "s have", as_of,
		       none == 1 ? "it" : "them");
}

static void print_json(const struct mk_health *v, size_t n, const char *as_of)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, cli_health_json(&v[i]));
	cli_json_write(json_pack("{s:s, s:o}", "as_of", as_of, "deals", arr),
		       JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(3));
}

/* What health was asked (the options of the command line). */
struct health_args {
	const char *fmt, *db, *deal, *sort;
	struct mk_date as_of;
	int no_next_step, no_next_meeting, past_go_live, no_ack;
};

/* Does row h pass the filters of a? */
static int row_kept(const struct health_args *a, const struct mk_health *h)
{
	return !(a->no_next_step && h->has_next_step) && !(a->no_next_meeting && h->has_next_meeting) &&
	       !(a->past_go_live && !(h->has_slack && h->slack_days < 0)) && !(a->no_ack && h->has_ack);
}

/* The rows the filters ask for, shallow copies of v's (free the array alone); *kept: how many. */
static struct mk_health *filter_rows(const struct health_args *a, const struct mk_health *v, size_t n, size_t *kept)
{
	struct mk_health *out = malloc((n ? n : 1) * sizeof *out);
	if (!out)
		abort();
	*kept = 0;
	for (size_t i = 0; i < n; i++)
		if (row_kept(a, &v[i]))
			out[(*kept)++] = v[i];
	return out;
}

/* --sort: the key, set for the comparison (qsort takes no context). */
static const char *sort_key;

static const char *const sort_keys[] = { "name", "go-live", "slack", "next-meeting", "ack", "criteria", NULL };

/* Compares a value two rows may lack: one without it last (without first when missing_first). */
static int cmp_opt(int has_a, long a, int has_b, long b, int missing_first)
{
	if (has_a != has_b)
		return (has_a ? -1 : 1) * (missing_first ? -1 : 1);
	return has_a ? (a > b) - (a < b) : 0;
}

static int by_key(const void *x, const void *y)
{
	const struct mk_health *a = x, *b = y;
	int c = 0;
	if (!strcmp(sort_key, "go-live"))
		c = cmp_opt(a->has_go_live, mk_date_days(a->go_live), b->has_go_live, mk_date_days(b->go_live), 0);
	else if (!strcmp(sort_key, "slack"))
		c = cmp_opt(a->has_slack, a->slack_days, b->has_slack, b->slack_days, 0);
	else if (!strcmp(sort_key, "next-meeting"))
		c = cmp_opt(a->has_next_meeting, mk_date_days(a->next_meeting), b->has_next_meeting,
			    mk_date_days(b->next_meeting), 0);
	else if (!strcmp(sort_key, "ack") && a->has_ack && b->has_ack)
		c = strcmp(a->ack_at ? a->ack_at : "", b->ack_at ? b->ack_at : "");
	else if (!strcmp(sort_key, "ack"))
		c = cmp_opt(a->has_ack, 0, b->has_ack, 0, 1);
	else if (!strcmp(sort_key, "criteria"))
		c = (a->criteria > b->criteria) - (a->criteria < b->criteria);
	return c ? c : strcmp(a->deal, b->deal);
}

/* The deals' health as args ask, printed. */
static int health_run(const struct health_args *a)
{
	struct mk_health *v = NULL, *shown;
	struct mk_store *st;
	struct mk_diag d;
	enum mk_err err;
	size_t n = 0, nshown = 0;
	char day[16];

	if (!(st = cli_store_open(a->db)))
		return CLI_FAILED;
	mk_diag_clear(&d);
	err = mk_store_health(st, a->deal, a->as_of, &v, &n, &d);
	mk_store_close(st);
	if (err)
		return cli_store_failed(err, &d, a->deal);
	mk_date_format(a->as_of, day, sizeof day);
	shown = filter_rows(a, v, n, &nshown);
	sort_key = a->sort ? a->sort : "name";
	if (nshown > 1)
		qsort(shown, nshown, sizeof *shown, by_key);
	if (!strcmp(a->fmt, "json"))
		print_json(shown, nshown, day);
	else
		print_table(shown, nshown, day, a->no_next_step || a->no_next_meeting || a->past_go_live || a->no_ack);
	free(shown);
	mk_health_free(v, n);
	return CLI_OK;
}

/* --sort KEY: one of sort_keys, else one line (with the nearest) and 0. */
static int sort_ok(const char *key)
{
	struct cli_near near;
	cli_near_init(&near, key);
	for (size_t i = 0; sort_keys[i]; i++) {
		if (!strcmp(key, sort_keys[i]))
			return 1;
		cli_near_add(&near, sort_keys[i]);
	}
	if (cli_near_best(&near))
		cli_error("health: unknown --sort '%s'; did you mean '%s'?", key, cli_near_best(&near));
	else
		cli_error("health: unknown --sort '%s' (name, go-live, slack, next-meeting, ack or criteria)", key);
	return 0;
}

int cmd_health(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "as-of", required_argument, NULL, 'A' },
		CLI_OPT_FORMAT,
		CLI_OPT_DB,
		{ "no-next-step", no_argument, NULL, 's' },
		{ "no-next-meeting", no_argument, NULL, 'm' },
		{ "past-go-live", no_argument, NULL, 'g' },
		{ "no-ack", no_argument, NULL, 'k' },
		{ "sort", required_argument, NULL, 'S' },
		CLI_OPT_END,
	};
	struct health_args a = { .as_of = mk_today() };
	struct cli_opts o = { .format = "text" };
	int ch;

	while ((ch = cli_getopt("health", argc, argv, "h", longopts, usage, &o)) > 0)
		switch (ch) {
		case 'A':
			if (!cli_parse_day(optarg, &a.as_of)) {
				cli_error("health: --as-of wants a date YYYY-MM-DD, not '%s'", optarg);
				return CLI_USAGE;
			}
			break;
		case 's': a.no_next_step = 1; break;
		case 'm': a.no_next_meeting = 1; break;
		case 'g': a.past_go_live = 1; break;
		case 'k': a.no_ack = 1; break;
		case 'S':
			if (!sort_ok(optarg))
				return CLI_USAGE;
			a.sort = optarg;
			break;
		}
	if (ch < 0)
		return o.rc;
	if (optind + 1 < argc)
		return cli_usage(usage);
	if (optind < argc)
		a.deal = argv[optind];
	if (!(a.fmt = cli_format("health", o.format, "text|json")))
		return CLI_USAGE;
	a.db = o.db;
	return health_run(&a);
}
