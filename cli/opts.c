/*
 * opts.c: the option preamble every command shares: the getopt_long loop (cli_getopt:
 * --help, the one-line report of a bad option, --db/--format/--as kept in struct
 * cli_opts), the one --format vocabulary (cli_format: text, json, csv, md; "table" is
 * "text") and a day flag written YYYY-MM-DD. Owns no state beyond getopt's own; prints
 * only usage and the one-line errors. How a command uses them: cli.h, "the option preamble".
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts, const struct option *longopts,
	       const char *usage, struct cli_opts *o)
{
	static char **reading; /* the argv of the loop under way; NULL once a loop ended */
	int ch;

	if (argv != reading) {
		reading = argv;
		optind = 1;
		opterr = 0;
	}
	for (;;) { /* the shared options are kept here; the command sees only its own */
		ch = getopt_long(argc, argv, shortopts, longopts, NULL);
		if (ch == 'b')
			o->db = optarg;
		else if (ch == 'f')
			o->format = optarg;
		else if (ch == 'a')
			o->as = optarg;
		else
			break;
	}
	if (ch > 0 && ch != 'h' && ch != '?')
		return ch;
	reading = NULL;
	if (ch == -1)
		return 0;
	if (ch == 'h') {
		printf("usage: %s\n", usage);
		o->rc = CLI_OK;
	} else {
		o->rc = cli_bad_option(cmd, argv, shortopts, longopts);
	}
	return -1;
}

/* The next word of "a|b|c" after the one at p. */
static const char *next_word(const char *p)
{
	p += strcspn(p, "|");
	return *p ? p + 1 : p;
}

const char *cli_format(const char *cmd, const char *value, const char *accepted)
{
	static const char *const words[] = { "text", "json", "csv", "md" };
	/* "table" and "text" name the same human-readable output */
	const char *w = !strcmp(value, "table") ? "text" : value;
	char list[80];
	size_t used = 0, n = 0, k = 0;
	for (const char *p = accepted; *p; p = next_word(p))
		n++;
	for (const char *p = accepted; *p; p = next_word(p), k++) {
		size_t len = strcspn(p, "|");
		for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
			if (!strcmp(words[i], w) && strlen(w) == len && !strncmp(p, w, len))
				return words[i];
		if (used < sizeof list)
			used += (size_t)snprintf(list + used, sizeof list - used, "%s%.*s",
						 !k ? "" : k + 1 == n ? " or " : ", ", (int)len, p);
	}
	cli_error("%s: unknown format '%s' (%s)", cmd, value, list);
	return NULL;
}

int cli_parse_day(const char *s, struct mk_date *out)
{
	char back[16];

	if (strlen(s) != 10 || mk_date_parse(s, out) != MK_OK)
		return 0;
	mk_date_format(*out, back, sizeof back);
	return !strcmp(back, s);
}
