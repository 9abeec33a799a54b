/*
 * cmd_query.c: `mapkeeper query [filters] [--format text|json|csv] [--db PATH]`: a
 * manager's questions across deals. Without --said: plan items matching every filter
 * (owner, side, status, overdue as of a date, due range, slipped, words of the action) and
 * of deals with no next meeting or whose critical path ends after go-live (issue 14).
 * With --said WORDS: the lines said on calls holding every word (--owner: by that speaker).
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"mapkeeper query [--deal NAME] [--owner NAME] [--side buyer|seller] [--status open|done|blocked|dropped]\n"
	"       [--overdue] [--as-of YYYY-MM-DD] [--due-from D] [--due-to D] [--slipped] [--text WORDS]\n"
	"       [--no-next-meeting] [--past-go-live] [--said WORDS] [--limit N] [--format text|json|csv] [--db PATH]\n"
	"\n"
	"Without --said: plan items across deals matching every filter. --owner matches a full or\n"
	"first name (any case); --overdue: open and due before --as-of (default today); --slipped:\n"
	"the due date moved at least once; --text: every word appears in the action;\n"
	"--no-next-meeting: items of deals with no next meeting on or after --as-of; --past-go-live:\n"
	"items of deals whose critical path ends after their go-live date.\n"
	"With --said WORDS: lines said on the calls holding every word (with --deal, --owner as the\n"
	"speaker, --limit; default 50 lines).";

#define QUERY_SAID_LIMIT 50

/* A --due-from style flag: "YYYY-MM-DD" only. One line and 0 when it is not one. */
static int date_flag(const char *flag, const char *v, struct mk_date *out)
{
	if (cli_parse_day(v, out))
		return 1;
	cli_error("query: %s wants a date YYYY-MM-DD, not '%s'", flag, v);
	return 0;
}

static const char *due_str(const struct mk_item *it, char *buf, size_t n)
{
	if (!it->has_due)
		return "";
	mk_date_format(it->due, buf, n);
	return buf;
}

/* ---- plan items ---- */

static void items_table(const struct mk_query_row *rows, size_t n, size_t more, struct mk_date as_of)
{
	int w = 4;
	char due[16];
	if (!n) {
		printf("no plan items match\n");
		return;
	}
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(rows[i].deal) > w)
			w = (int)strlen(rows[i].deal) > 24 ? 24 : (int)strlen(rows[i].deal);
	printf("%-*s  %-5s %-20s %-7s %-10s  %-8s %s\n", w, "deal", "id", "owner", "side", "due", "status", "action");
	for (size_t i = 0; i < n; i++) {
		const struct mk_item *it = &rows[i].item;
		long late = it->status == MK_STATUS_OPEN && it->has_due ? mk_date_days(as_of) - mk_date_days(it->due) : 0;
		printf("%-*.*s  %-5lld %-20.20s %-7s %-10s  %-8s %s", w, w, rows[i].deal, (long long)it->id,
		       it->owner ? it->owner : "-", mk_side_name(it->side), it->has_due ? due_str(it, due, sizeof due) : "-",
		       mk_status_name(it->status), it->action ? it->action : "");
		if (late > 0)
			printf("  (%ld day%s late)", late, late == 1 ? "" : "s");
		if (it->slipped)
			printf("  (slipped)");
		printf("\n");
	}
	printf("\n%zu item%s", n + more, n + more == 1 ? "" : "s");
	if (more)
		printf(", %zu not shown (raise --limit)", more);
	printf("\n");
}

static void items_json(const struct mk_query_row *rows, size_t n)
{
	json_t *items = json_array();
	char due[16];
	for (size_t i = 0; i < n; i++) {
		const struct mk_item *it = &rows[i].item;
		json_array_append_new(items, json_pack("{s:s, s:I, s:s, s:s?, s:s, s:o, s:s, s:i, s:b}", "deal",
						       rows[i].deal, "id", (json_int_t)it->id, "action",
						       it->action ? it->action : "", "owner", it->owner, "side",
						       mk_side_name(it->side), "due",
						       it->has_due ? json_string(due_str(it, due, sizeof due)) : json_null(),
						       "status", mk_status_name(it->status), "revisions", it->revisions,
						       "slipped", it->slipped));
	}
	cli_json_print(json_pack("{s:o}", "items", items));
}

static void items_csv(const struct mk_query_row *rows, size_t n)
{
	char due[16];
	printf("deal,id,action,owner,side,due,status,revisions,slipped\n");
	for (size_t i = 0; i < n; i++) {
		const struct mk_item *it = &rows[i].item;
		cli_csv_field(stdout, rows[i].deal);
		printf(",%lld,", (long long)it->id);
		cli_csv_field(stdout, it->action);
		fputc(',', stdout);
		cli_csv_field(stdout, it->owner);
		printf(",%s,%s,%s,%d,%s\n", mk_side_name(it->side), due_str(it, due, sizeof due),
		       mk_status_name(it->status), it->revisions, it->slipped ? "yes" : "no");
	}
}

/* ---- what was said ---- */

static void said_time(const struct mk_said *r, char *buf, size_t n)
{
	mk_format_ms(r->start_ms, buf, n);
	if (strlen(buf) > 8)
		buf[8] = '\0'; /* HH:MM:SS */
}

static void said_table(const struct mk_said *rows, size_t n, int truncated, const char *words)
{
	char ts[32];
	if (!n) {
		printf("nobody said \"%s\" on a stored call\n", words);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct mk_said *r = &rows[i];
		said_time(r, ts, sizeof ts);
		printf("%s  %s", r->deal, r->meeting);
		if (r->meeting_start)
			printf(" (%.10s)", r->meeting_start);
		printf("  %s\n  %s: %s\n\n", ts, r->speaker[0] ? r->speaker : "(unnamed)", r->text);
	}
	printf("%zu line%s%s\n", n, n == 1 ? "" : "s", truncated ? ", more not shown (raise --limit)" : "");
}

static void said_json(const struct mk_said *rows, size_t n)
{
	json_t *said = json_array();
	char ts[32];
	for (size_t i = 0; i < n; i++) {
		said_time(&rows[i], ts, sizeof ts);
		json_array_append_new(said, json_pack("{s:s, s:s, s:s, s:s, s:s}", "deal", rows[i].deal, "meeting",
						      rows[i].meeting, "start", ts, "speaker", rows[i].speaker,
						      "text", rows[i].text));
	}
	cli_json_print(json_pack("{s:o}", "said", said));
}

static void said_csv(const struct mk_said *rows, size_t n)
{
	char ts[32];
	printf("deal,meeting,start,speaker,text\n");
	for (size_t i = 0; i < n; i++) {
		said_time(&rows[i], ts, sizeof ts);
		cli_csv_field(stdout, rows[i].deal);
		fputc(',', stdout);
		cli_csv_field(stdout, rows[i].meeting);
		printf(",%s,", ts);
		cli_csv_field(stdout, rows[i].speaker);
		fputc(',', stdout);
		cli_csv_field(stdout, rows[i].text);
		fputc('\n', stdout);
	}
}

static int run_said(struct mk_store *st, const struct mk_query *q, const char *words, size_t limit,
		    const char *fmt)
{
	struct mk_said *rows = NULL;
	struct mk_diag d;
	enum mk_err err;
	size_t n = 0, keep = 0;
	int truncated = 0;
	mk_diag_clear(&d);
	/* one more than shown tells "truncated"; the store filters by speaker */
	err = mk_store_search_said_by(st, q->deal, q->owner, words, limit + 1, &rows, &n, &d);
	if (err == MK_EARG) {
		cli_error("query: --said '%s' holds no word to search for", words);
		return CLI_USAGE;
	}
	if (err)
		return cli_store_failed(err, &d, q->deal);
	keep = n > limit ? limit : n;
	truncated = n > limit;
	if (!strcmp(fmt, "json"))
		said_json(rows, keep);
	else if (!strcmp(fmt, "csv"))
		said_csv(rows, keep);
	else
		said_table(rows, keep, truncated, words);
	mk_said_free(rows, n);
	return CLI_OK;
}

static int run_items(struct mk_store *st, const struct mk_query *q, size_t limit, const char *fmt)
{
	struct mk_query_row *rows = NULL;
	struct mk_diag d;
	enum mk_err err;
	size_t n = 0, shown, more = 0;
	mk_diag_clear(&d);
	/* a table shows a page (MK_QUERY_LIMIT unless --limit); JSON and CSV give every row
	 * unless --limit: an export wants them all */
	if (!limit && !strcmp(fmt, "text"))
		limit = MK_QUERY_LIMIT;
	if (limit)
		err = mk_store_query_page(st, q, 0, limit, &rows, &n, &more, &d);
	else
		err = mk_store_query(st, q, &rows, &n, &d);
	if (err)
		return cli_store_failed(err, &d, q->deal);
	shown = n;
	if (!strcmp(fmt, "json"))
		items_json(rows, shown);
	else if (!strcmp(fmt, "csv"))
		items_csv(rows, shown);
	else
		items_table(rows, shown, more, q->as_of);
	mk_query_rows_free(rows, n);
	return CLI_OK;
}

enum { O_DEAL = 256, O_OWNER, O_SIDE, O_STATUS, O_OVERDUE, O_ASOF, O_FROM, O_TO, O_SLIPPED, O_TEXT, O_SAID,
       O_LIMIT, O_NO_MEETING, O_PAST_GO_LIVE };

/* What query was asked (the options of the command line). */
struct query_args {
	struct mk_query q;
	const char *fmt, *said;
	const char *item_flag;      /* the last flag given that filters plan items */
	size_t limit;               /* --limit, 0 when not given */
};

/* The value of --side, --status or --limit into a. CLI_OK, else one line and CLI_USAGE. */
static int query_value(struct query_args *a, int ch, const char *arg)
{
	enum mk_status status;
	unsigned long v;
	char *end;

	if (ch == O_SIDE && !strcmp(arg, "buyer")) {
		a->q.side = MK_SIDE_BUYER;
	} else if (ch == O_SIDE && !strcmp(arg, "seller")) {
		a->q.side = MK_SIDE_SELLER;
	} else if (ch == O_SIDE) {
		cli_error("query: unknown side '%s' (buyer or seller)", arg);
		return CLI_USAGE;
	} else if (ch == O_STATUS) {
		if (mk_status_parse(arg, &status) != MK_OK) {
			cli_error("query: unknown status '%s' (open, done, blocked or dropped)", arg);
			return CLI_USAGE;
		}
		a->q.status = (int)status;
	} else {
		v = strtoul(arg, &end, 10);
		if (!arg[0] || *end || arg[0] == '-' || v == 0 || v > INT_MAX) {
			cli_error("query: --limit wants a number from 1, not '%s'", arg);
			return CLI_USAGE;
		}
		a->limit = (size_t)v;
	}
	return CLI_OK;
}

/* One option into a: CLI_OK, else one line and CLI_USAGE. */
static int query_option(struct query_args *a, int ch, const char *arg)
{
	switch (ch) {
	case O_DEAL: a->q.deal = arg; break;
	case O_OWNER:
		a->q.owner = arg;
		if (!arg[strspn(arg, " \t")]) {
			cli_error("query: --owner wants a name");
			return CLI_USAGE;
		}
		break;
	case O_SIDE: a->item_flag = "--side"; return query_value(a, ch, arg);
	case O_STATUS: a->item_flag = "--status"; return query_value(a, ch, arg);
	case O_LIMIT: return query_value(a, ch, arg);
	case O_OVERDUE: a->q.overdue = 1; a->item_flag = "--overdue"; break;
	case O_ASOF: return date_flag("--as-of", arg, &a->q.as_of) ? CLI_OK : CLI_USAGE;
	case O_FROM:
		a->q.has_from = 1;
		a->item_flag = "--due-from";
		return date_flag("--due-from", arg, &a->q.from) ? CLI_OK : CLI_USAGE;
	case O_TO:
		a->q.has_to = 1;
		a->item_flag = "--due-to";
		return date_flag("--due-to", arg, &a->q.to) ? CLI_OK : CLI_USAGE;
	case O_SLIPPED: a->q.slipped = 1; a->item_flag = "--slipped"; break;
	case O_TEXT: a->q.text = arg; a->item_flag = "--text"; break;
	case O_NO_MEETING: a->q.no_next_meeting = 1; a->item_flag = "--no-next-meeting"; break;
	case O_PAST_GO_LIVE: a->q.past_go_live = 1; a->item_flag = "--past-go-live"; break;
	case O_SAID: a->said = arg; break;
	}
	return CLI_OK;
}

int cmd_query(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "deal", required_argument, NULL, O_DEAL },
		{ "owner", required_argument, NULL, O_OWNER },
		{ "side", required_argument, NULL, O_SIDE },
		{ "status", required_argument, NULL, O_STATUS },
		{ "overdue", no_argument, NULL, O_OVERDUE },
		{ "as-of", required_argument, NULL, O_ASOF },
		{ "due-from", required_argument, NULL, O_FROM },
		{ "due-to", required_argument, NULL, O_TO },
		{ "slipped", no_argument, NULL, O_SLIPPED },
		{ "text", required_argument, NULL, O_TEXT },
		{ "said", required_argument, NULL, O_SAID },
		{ "limit", required_argument, NULL, O_LIMIT },
		{ "no-next-meeting", no_argument, NULL, O_NO_MEETING },
		{ "past-go-live", no_argument, NULL, O_PAST_GO_LIVE },
		CLI_OPT_FORMAT,
		CLI_OPT_DB,
		CLI_OPT_END,
	};
	struct query_args a = { .q = { .side = -1, .status = -1, .as_of = mk_today() } };
	struct cli_opts o = { .format = "text" };
	struct mk_store *st;
	int ch, rc;

	while ((ch = cli_getopt("query", argc, argv, "h", longopts, usage, &o)) > 0)
		if ((rc = query_option(&a, ch, optarg)))
			return rc;
	if (ch < 0)
		return o.rc;
	if (optind != argc)
		return cli_usage(usage);
	if (!(a.fmt = cli_format("query", o.format, "text|json|csv")))
		return CLI_USAGE;
	if (a.said && a.item_flag) {
		cli_error("query: %s filters plan items and cannot go with --said", a.item_flag);
		return CLI_USAGE;
	}
	if (a.q.has_from && a.q.has_to && mk_date_cmp(a.q.from, a.q.to) > 0) {
		cli_error("query: --due-from is after --due-to");
		return CLI_USAGE;
	}
	if (!(st = cli_store_open(o.db)))
		return CLI_FAILED;
	if (a.said)
		rc = run_said(st, &a.q, a.said, a.limit ? a.limit : QUERY_SAID_LIMIT, a.fmt);
	else
		rc = run_items(st, &a.q, a.limit, a.fmt);
	mk_store_close(st);
	return rc;
}
