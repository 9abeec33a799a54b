/*
 * main.c: the mapkeeper command: one dispatch table of subcommands (see cli.h for how
 * to add one), --help and --version. Owns nothing but argv dispatch.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAPKEEPER_VERSION "0.1.0"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "transcript", cmd_transcript, "print a transcript as read (json or text)" },
	{ "extract", cmd_extract, "find commitments, stakeholders, risks and updates in a transcript" },
	{ "rules", cmd_rules, "check the rules: compile them and run their examples" },
	{ "when", cmd_when, "resolve a spoken date expression against a reference date" },
};

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("mapkeeper: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_diag(const struct mk_diag *d, enum mk_err err)
{
	char buf[1200];
	if (d && d->msg[0])
		fprintf(stderr, "mapkeeper: %s\n", mk_diag_format(d, buf, sizeof buf));
	else if (d && d->file[0])
		fprintf(stderr, "mapkeeper: %s: %s\n", d->file, mk_strerror(err));
	else
		fprintf(stderr, "mapkeeper: %s\n", mk_strerror(err));
}

int cli_usage(const char *usage)
{
	const char *nl = strchr(usage, '\n');
	int n = nl ? (int)(nl - usage) : (int)strlen(usage);
	fprintf(stderr, "usage: %.*s%s\n", n, usage, nl ? " ... (see --help)" : "");
	return 2;
}

static void help(FILE *out)
{
	fprintf(out, "usage: mapkeeper <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\n'mapkeeper <command> --help' describes one command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		help(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		help(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("mapkeeper %s\n", MAPKEEPER_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	cli_error("unknown command '%s' (see 'mapkeeper --help')", argv[1]);
	return 2;
}
