/*
 * cmd_query.c: `mapkeeper query [filters] [--format text|json|csv] [--db PATH]`: a
 * manager's questions across deals. Without --said: plan items matching every filter
 * (owner, side, status, overdue as of a date, due range, slipped, words of the action).
 * With --said WORDS: the lines said on calls holding every word (--owner: by that speaker).
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char usage[] =
	"mapkeeper query [--deal NAME] [--owner NAME] [--side buyer|seller] [--status open|done|blocked|dropped]\n"
	"       [--overdue] [--as-of YYYY-MM-DD] [--due-from D] [--due-to D] [--slipped] [--text WORDS]\n"
	"       [--said WORDS] [--limit N] [--format text|json|csv] [--db PATH]\n"
	"\n"
	"Without --said: plan items across deals matching every filter. --owner matches a full or\n"
	"first name (any case); --overdue: open and due before --as-of (default today); --slipped:\n"
	"the due date moved at least once; --text: every word appears in the action.\n"
	"With --said WORDS: lines said on the calls holding every word (with --deal, --owner as the\n"
	"speaker, --limit; default 50 lines).";

#define QUERY_SAID_LIMIT 50



/* Days since 1970-01-01 (proleptic Gregorian). */
static long day_number(struct mk_date d)
{
	long y = d.m <= 2 ? d.y - 1 : d.y;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153L * (d.m > 2 ? d.m - 3 : d.m + 9) + 2) / 5 + d.d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* A --due-from style flag: "YYYY-MM-DD" only. One line and 0 when it is not one. */
static int date_flag(const char *flag, const char *v, struct mk_date *out)
{
	char back[16];
	if (strlen(v) == 10 && mk_date_parse(v, out) == MK_OK) {
		mk_date_format(*out, back, sizeof back);
		if (!strcmp(back, v))
			return 1;
	}
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
		long late = it->status == MK_STATUS_OPEN && it->has_due ? day_number(as_of) - day_number(it->due) : 0;
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
	json_t *items = json_array(), *o;
	char due[16], *s;
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
	o = json_pack("{s:o}", "items", items);
	s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	printf("%s\n", s);
	free(s);
	json_decref(o);
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
	json_t *said = json_array(), *o;
	char ts[32], *s;
	for (size_t i = 0; i < n; i++) {
		said_time(&rows[i], ts, sizeof ts);
		json_array_append_new(said, json_pack("{s:s, s:s, s:s, s:s, s:s}", "deal", rows[i].deal, "meeting",
						      rows[i].meeting, "start", ts, "speaker", rows[i].speaker,
						      "text", rows[i].text));
	}
	o = json_pack("{s:o}", "said", said);
	s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	printf("%s\n", s);
	free(s);
	json_decref(o);
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
	if (err == MK_ENOTFOUND) {
		cli_error("no deal '%s'", q->deal);
		return 1;
	}
	if (err == MK_EARG) {
		cli_error("query: --said '%s' holds no word to search for", words);
		return 2;
	}
	if (err) {
		cli_diag(&d, err);
		return 1;
	}
	keep = n > limit ? limit : n;
	truncated = n > limit;
	if (!strcmp(fmt, "json"))
		said_json(rows, keep);
	else if (!strcmp(fmt, "csv"))
		said_csv(rows, keep);
	else
		said_table(rows, keep, truncated, words);
	mk_said_free(rows, n);
	return 0;
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
	if (err == MK_ENOTFOUND) {
		cli_error("no deal '%s'", q->deal);
		return 1;
	}
	if (err) {
		cli_diag(&d, err);
		return 1;
	}
	shown = n;
	if (!strcmp(fmt, "json"))
		items_json(rows, shown);
	else if (!strcmp(fmt, "csv"))
		items_csv(rows, shown);
	else
		items_table(rows, shown, more, q->as_of);
	mk_query_rows_free(rows, n);
	return 0;
}

int cmd_query(int argc, char **argv)
{
	enum { O_DEAL = 256, O_OWNER, O_SIDE, O_STATUS, O_OVERDUE, O_ASOF, O_FROM, O_TO, O_SLIPPED, O_TEXT,
	       O_SAID, O_LIMIT, O_FORMAT, O_DB };
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
		{ "format", required_argument, NULL, O_FORMAT },
		{ "db", required_argument, NULL, O_DB },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fmt = "text", *db = NULL, *said = NULL, *item_flag = NULL;
	struct mk_query q;
	struct mk_store *st;
	size_t limit = 0;
	int ch, rc, has_limit = 0;
	enum mk_status status;
	char *end;
	memset(&q, 0, sizeof q);
	q.side = -1;
	q.status = -1;
	q.as_of = mk_today();
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case O_DEAL: q.deal = optarg; break;
		case O_OWNER:
			q.owner = optarg;
			if (!optarg[strspn(optarg, " \t")]) {
				cli_error("query: --owner wants a name");
				return 2;
			}
			break;
		case O_SIDE:
			if (!strcmp(optarg, "buyer"))
				q.side = MK_SIDE_BUYER;
			else if (!strcmp(optarg, "seller"))
				q.side = MK_SIDE_SELLER;
			else {
				cli_error("query: unknown side '%s' (buyer or seller)", optarg);
				return 2;
			}
			item_flag = "--side";
			break;
		case O_STATUS:
			if (mk_status_parse(optarg, &status) != MK_OK) {
				cli_error("query: unknown status '%s' (open, done, blocked or dropped)", optarg);
				return 2;
			}
			q.status = (int)status;
			item_flag = "--status";
			break;
		case O_OVERDUE: q.overdue = 1; item_flag = "--overdue"; break;
		case O_ASOF:
			if (!date_flag("--as-of", optarg, &q.as_of))
				return 2;
			break;
		case O_FROM:
			if (!date_flag("--due-from", optarg, &q.from))
				return 2;
			q.has_from = 1;
			item_flag = "--due-from";
			break;
		case O_TO:
			if (!date_flag("--due-to", optarg, &q.to))
				return 2;
			q.has_to = 1;
			item_flag = "--due-to";
			break;
		case O_SLIPPED: q.slipped = 1; item_flag = "--slipped"; break;
		case O_TEXT: q.text = optarg; item_flag = "--text"; break;
		case O_SAID: said = optarg; break;
		case O_LIMIT: {
			unsigned long v;
			v = strtoul(optarg, &end, 10);
			if (!optarg[0] || *end || optarg[0] == '-' || v == 0 || v > INT_MAX) {
				cli_error("query: --limit wants a number from 1, not '%s'", optarg);
				return 2;
			}
			limit = (size_t)v;
			has_limit = 1;
			break;
		}
		case O_FORMAT: fmt = optarg; break;
		case O_DB: db = optarg; break;
		case 'h': printf("usage: %s\n", usage); return 0;
		default:
			return cli_bad_option("query", argv, "h", longopts);
		}
	}
	if (optind != argc)
		return cli_usage(usage);
	if (!(fmt = cli_format("query", fmt, "text|json|csv")))
		return 2;
	if (said && item_flag) {
		cli_error("query: %s filters plan items and cannot go with --said", item_flag);
		return 2;
	}
	if (q.has_from && q.has_to && day_number(q.from) > day_number(q.to)) {
		cli_error("query: --due-from is after --due-to");
		return 2;
	}
	if (!(st = cli_store_open(db)))
		return 1;
	if (said)
		rc = run_said(st, &q, said, has_limit ? limit : QUERY_SAID_LIMIT, fmt);
	else
		rc = run_items(st, &q, limit, fmt);
	mk_store_close(st);
	return rc;
}
