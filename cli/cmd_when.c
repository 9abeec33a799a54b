/*
 * cmd_when.c: `mapkeeper when "next friday" [--ref YYYY-MM-DD] [--format text|json]`:
 * how a spoken date expression resolves (docs/date-conventions.md). --ref defaults
 * to today's local date.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] = "mapkeeper when EXPRESSION [--ref YYYY-MM-DD] [--format text|json]";

int cmd_when(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ref", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ref = NULL, *fmt = "text";
	struct mk_date d;
	struct mk_when w;
	char lo[16], hi[16], pick[16], refs[16];
	int ch;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': ref = optarg; break;
		case 'f': fmt = optarg; break;
		case 'h': printf("usage: %s\n", usage); return 0;
		default:
			return cli_bad_option("when", argv, "h", longopts);
		}
	}
	if (optind != argc - 1)
		return cli_usage(usage);
	if (!(fmt = cli_format("when", fmt, "text|json")))
		return 2;
	if (ref) {
		if (mk_date_parse(ref, &d) != MK_OK) {
			cli_error("when: cannot read --ref '%s' (YYYY-MM-DD)", ref);
			return 2;
		}
	} else {
		d = mk_today();
	}
	if (mk_when_resolve(argv[optind], d, &w) != MK_OK) {
		cli_error("cannot resolve '%s' as a date", argv[optind]);
		return 1;
	}
	mk_date_format(d, refs, sizeof refs);
	mk_date_format(w.lo, lo, sizeof lo);
	mk_date_format(w.hi, hi, sizeof hi);
	mk_date_format(w.pick, pick, sizeof pick);
	if (!strcmp(fmt, "json")) {
		json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:o, s:b}", "text", argv[optind], "ref", refs,
				      "value", w.has_date ? json_string(pick) : json_null(), "lo",
				      w.has_date ? json_string(lo) : json_null(), "hi",
				      w.has_date ? json_string(hi) : json_null(), "window", w.is_window);
		char *s = json_dumps(o, JSON_PRESERVE_ORDER);
		printf("%s\n", s);
		free(s);
		json_decref(o);
	} else if (!w.has_date) {
		printf("no date (%s names no day)\n", argv[optind]);
	} else if (w.is_window) {
		printf("%s (window %s..%s)\n", pick, lo, hi);
	} else {
		printf("%s\n", pick);
	}
	return 0;
}
