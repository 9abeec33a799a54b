/*
 * cmd_health.c: `mapkeeper health [DEAL] [--as-of D] [--format text|json] [--db PATH]`:
 * one line per deal a manager can scan: items, the buyer's share of them, overdue and
 * slipped items, days since the plan last changed, stakeholders met of those named (met:
 * they spoke on one of the deal's calls) and open risks.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] = "mapkeeper health [DEAL] [--as-of YYYY-MM-DD] [--format text|json] [--db PATH]";


/* The buyer's share of the items in whole percent; -1 when there are none. */
static int buyer_pct(const struct mk_health *h)
{
	return h->items ? (int)((h->buyer_items * 100 + h->items / 2) / h->items) : -1;
}

static void print_table(const struct mk_health *v, size_t n, const char *as_of)
{
	int w = 4;
	char buf[32];
	if (!n) {
		printf("no deals yet: add one with 'mapkeeper deal add NAME'\n");
		return;
	}
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(v[i].deal) > w)
			w = (int)strlen(v[i].deal) > 24 ? 24 : (int)strlen(v[i].deal);
	printf("Deal health as of %s\n\n", as_of);
	printf("%-*s  %5s  %5s  %7s  %7s  %-12s  %-10s  %s\n", w, "deal", "items", "buyer", "overdue", "slipped",
	       "last change", "met/named", "open risks");
	for (size_t i = 0; i < n; i++) {
		const struct mk_health *h = &v[i];
		char share[16], met[48];
		if (buyer_pct(h) < 0)
			snprintf(share, sizeof share, "-");
		else
			snprintf(share, sizeof share, "%d%%", buyer_pct(h));
		if (h->days_since_change < 0)
			snprintf(buf, sizeof buf, "never");
		else if (h->days_since_change == 0)
			snprintf(buf, sizeof buf, "today");
		else
			snprintf(buf, sizeof buf, "%d day%s ago", h->days_since_change,
				 h->days_since_change == 1 ? "" : "s");
		snprintf(met, sizeof met, "%zu/%zu", h->stakeholders_met, h->stakeholders_named);
		printf("%-*.*s  %5zu  %5s  %7zu  %7zu  %-12s  %-10s  %zu\n", w, w, h->deal, h->items, share, h->overdue,
		       h->slipped, buf, met, h->open_risks);
	}
}

static void print_json(const struct mk_health *v, size_t n, const char *as_of)
{
	json_t *arr = json_array(), *o;
	char *s;
	for (size_t i = 0; i < n; i++) {
		const struct mk_health *h = &v[i];
		int pct = buyer_pct(h);
		json_array_append_new(
			arr, json_pack("{s:s, s:I, s:I, s:o, s:I, s:I, s:I, s:o, s:I, s:I, s:I}", "deal", h->deal, "items",
				       (json_int_t)h->items, "buyer_items", (json_int_t)h->buyer_items, "buyer_share",
				       pct < 0 ? json_null() : json_real((double)h->buyer_items / (double)h->items),
				       "open_items", (json_int_t)h->open_items, "overdue", (json_int_t)h->overdue,
				       "slipped", (json_int_t)h->slipped, "days_since_change",
				       h->days_since_change < 0 ? json_null() : json_integer(h->days_since_change),
				       "stakeholders_named", (json_int_t)h->stakeholders_named, "stakeholders_met",
				       (json_int_t)h->stakeholders_met, "open_risks", (json_int_t)h->open_risks));
	}
	o = json_pack("{s:s, s:o}", "as_of", as_of, "deals", arr);
	s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(3));
	printf("%s\n", s);
	free(s);
	json_decref(o);
}

int cmd_health(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "as-of", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "db", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fmt = "text", *db = NULL, *deal = NULL;
	struct mk_date as_of = cli_today();
	struct mk_health *v = NULL;
	struct mk_store *st;
	struct mk_diag d;
	enum mk_err err;
	char day[16];
	size_t n = 0;
	int ch;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			if (strlen(optarg) != 10 || mk_date_parse(optarg, &as_of) != MK_OK ||
			    (mk_date_format(as_of, day, sizeof day), strcmp(day, optarg))) {
				cli_error("health: --as-of wants a date YYYY-MM-DD, not '%s'", optarg);
				return 2;
			}
			break;
		case 'f': fmt = optarg; break;
		case 'b': db = optarg; break;
		case 'h': printf("usage: %s\n", usage); return 0;
		default:
			return cli_bad_option("health", argv, "h", longopts);
		}
	}
	if (optind + 1 < argc)
		return cli_usage(usage);
	if (optind < argc)
		deal = argv[optind];
	if (!(fmt = cli_format("health", fmt, "text|json")))
		return 2;
	if (!(st = cli_store_open(db)))
		return 1;
	mk_diag_clear(&d);
	err = mk_store_health(st, deal, as_of, &v, &n, &d);
	mk_store_close(st);
	if (err == MK_ENOTFOUND) {
		cli_error("no deal '%s'", deal);
		return 1;
	}
	if (err) {
		cli_diag(&d, err);
		return 1;
	}
	mk_date_format(as_of, day, sizeof day);
	if (!strcmp(fmt, "json"))
		print_json(v, n, day);
	else
		print_table(v, n, day);
	mk_health_free(v, n);
	return 0;
}
