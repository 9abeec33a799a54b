/*
 * cmd_when.c: `mapkeeper when "next friday" [--ref YYYY-MM-DD] [--format text|json]`:
 * how a spoken date expression resolves (docs/date-conventions.md). --ref defaults
 * to today's local date.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char usage[] = "mapkeeper when EXPRESSION [--ref YYYY-MM-DD] [--format text|json]";

/* Prints how the expression resolved against the reference day ref. */
static void print_when(const char *expr, struct mk_date ref, const struct mk_when *w, const char *fmt)
{
	char lo[16], hi[16], pick[16], refs[16];

	mk_date_format(ref, refs, sizeof refs);
	mk_date_format(w->lo, lo, sizeof lo);
	mk_date_format(w->hi, hi, sizeof hi);
	mk_date_format(w->pick, pick, sizeof pick);
	if (!strcmp(fmt, "json"))
		cli_json_write(json_pack("{s:s, s:s, s:o, s:o, s:o, s:b}", "text", expr, "ref", refs, "value",
					 w->has_date ? json_string(pick) : json_null(), "lo",
					 w->has_date ? json_string(lo) : json_null(), "hi",
					 w->has_date ? json_string(hi) : json_null(), "window", w->is_window),
			       JSON_PRESERVE_ORDER);
	else if (!w->has_date)
		printf("no date (%s names no day)\n", expr);
	else if (w->is_window)
		printf("%s (window %s..%s)\n", pick, lo, hi);
	else
		printf("%s\n", pick);
}

int cmd_when(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ref", required_argument, NULL, 'r' },
		CLI_OPT_FORMAT,
		CLI_OPT_END,
	};
	struct cli_opts o = { .format = "text" };
	const char *ref = NULL, *fmt;
	struct mk_date d;
	struct mk_when w;
	int ch;

	while ((ch = cli_getopt("when", argc, argv, "h", longopts, usage, &o)) > 0)
		if (ch == 'r')
			ref = optarg;
	if (ch < 0)
		return o.rc;
	if (optind != argc - 1)
		return cli_usage(usage);
	if (!(fmt = cli_format("when", o.format, "text|json")))
		return CLI_USAGE;
	if (ref) {
		if (mk_date_parse(ref, &d) != MK_OK) {
			cli_error("when: cannot read --ref '%s' (YYYY-MM-DD)", ref);
			return CLI_USAGE;
		}
	} else {
		d = mk_today();
	}
	if (mk_when_resolve(argv[optind], d, &w) != MK_OK) {
		cli_error("cannot resolve '%s' as a date", argv[optind]);
		return CLI_FAILED;
	}
	print_when(argv[optind], d, &w, fmt);
	return CLI_OK;
}
