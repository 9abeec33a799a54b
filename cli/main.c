/*
 * main.c: the mapkeeper command: one dispatch table of subcommands (see cli.h for how
 * to add one), --help and --version. Owns nothing but argv dispatch.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAPKEEPER_VERSION "0.1.0"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "transcript", cmd_transcript, "print a transcript as read (json or text)" },
	{ "extract", cmd_extract, "find commitments, stakeholders, risks and updates in a transcript" },
	{ "deal", cmd_deal, "add, list or show deals: deal add NAME --seller \"A,B\"" },
	{ "ingest", cmd_ingest, "read, extract, store and propose plan changes for a deal's calls" },
	{ "review", cmd_review, "list pending proposals with their evidence (-i: decide one by one)" },
	{ "approve", cmd_approve, "approve proposals: approve ID... | --all [--deal NAME]" },
	{ "reject", cmd_reject, "reject proposals: reject ID... [--reason TEXT]" },
	{ "edit", cmd_edit, "change a pending proposal: edit ID [--owner] [--due] [--action]" },
	{ "plan", cmd_plan, "a deal's mutual action plan as table, json, csv or markdown" },
	{ "query", cmd_query, "ask across deals: items by owner, status, overdue, slipped; --said: what was said" },
	{ "history", cmd_history, "the slip history of a deal or an item: every change with its evidence" },
	{ "health", cmd_health, "per deal: items, buyer share, overdue, slipped, last change, stakeholders met" },
	{ "changes", cmd_changes, "what changed on the plans across deals since a date, with the words behind it" },
	{ "sync", cmd_sync, "fetch new call transcripts from zoom or teams and ingest them: sync zoom|teams" },
	{ "serve", cmd_serve, "serve the JSON API on loopback: serve [--listen 127.0.0.1:8080] [--db PATH]" },
	{ "rules", cmd_rules, "check the rules: compile them and run their examples" },
	{ "item", cmd_item, "fix the plan by hand: item add DEAL --action TEXT | edit|done|drop|block|reopen ID" },
	{ "undo", cmd_undo, "undo a decision (approval, rejection, hand edit): undo [ID] | undo --list" },
	{ "call", cmd_call, "a deal's stored calls: call list DEAL | call remove CALL-ID" },
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

void cli_split_names(const char *s, struct cli_names *out)
{
	out->v = NULL;
	out->n = 0;
	while (s && *s) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		const char *a = s, *b = s + len;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b > a) {
			out->v = realloc(out->v, (out->n + 1) * sizeof *out->v);
			if (!out->v)
				abort();
			out->v[out->n] = strndup(a, (size_t)(b - a));
			if (!out->v[out->n])
				abort();
			out->n++;
		}
		s = e ? e + 1 : NULL;
	}
}

void cli_names_free(struct cli_names *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i]);
	free(n->v);
	n->v = NULL;
	n->n = 0;
}

struct mk_store *cli_store_open(const char *db)
{
	struct mk_store *st = NULL;
	struct mk_diag d;
	char *path = db ? strdup(db) : mk_store_default_path();
	enum mk_err err;
	mk_diag_clear(&d);
	if (!path)
		abort();
	err = mk_store_open(&st, path, &d);
	if (err) {
		cli_diag(&d, err);
		st = NULL;
	}
	free(path);
	return st;
}

struct mk_date cli_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	struct mk_date d;
	localtime_r(&now, &tm);
	d.y = tm.tm_year + 1900;
	d.m = tm.tm_mon + 1;
	d.d = tm.tm_mday;
	return d;
}

void cli_csv_field(FILE *out, const char *s)
{
	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

enum mk_err cli_meeting_date(const char *flag, const struct mk_transcript *t, struct mk_date *date,
			     const char **start, const char **source, char *buf, size_t buflen)
{
	if (flag) {
		*start = flag;
		*source = "flag";
		return mk_date_parse(flag, date);
	}
	if (t->start && mk_date_parse(t->start, date) == MK_OK) {
		*start = t->start;
		*source = "file";
		return MK_OK;
	}
	*date = cli_today();
	mk_date_format(*date, buf, buflen);
	*start = buf;
	*source = "today";
	return MK_OK;
}

const char *cli_who(const char *as)
{
	const char *u = getenv("USER");
	if (as && *as)
		return as;
	return u && *u ? u : "unknown";
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
