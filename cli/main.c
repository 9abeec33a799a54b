/*
 * main.c: the mapkeeper command: one dispatch table of subcommands (see cli.h for how
 * to add one), --help, `help COMMAND [VERB]` and --version; a mistyped command gets a
 * "did you mean". Standard output is checked once, after the command returns (output_end).
 * Owns nothing but argv dispatch.
 */
#include "cli.h"

#include <getopt.h>
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAPKEEPER_VERSION "0.1.0"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{ "help", cmd_help, "the help of one command: help COMMAND [VERB]" },
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
	{ "goal", cmd_goal, "set a deal's goal by hand: goal DEAL TEXT | goal DEAL --clear" },
	{ "go-live", cmd_go_live, "set the date the buyer wants to be live (or signed) by: go-live DEAL DATE [--signed]" },
	{ "criterion", cmd_criterion, "a deal's success criteria by hand: criterion add DEAL TEXT | criterion remove ID" },
	{ "depend", cmd_depend, "one item waits on another: depend ITEM --on ITEM | depend remove ID" },
	{ "meeting", cmd_meeting, "set the next meeting: meeting DEAL DATE [--time HH:MM] [--who ..] [--purpose ..]" },
	{ "stance", cmd_stance, "set a stakeholder's stance: stance PERSON champion|supporter|neutral|skeptic|blocker" },
	{ "share", cmd_share, "a read-only link to a deal's plan for the buyer: share DEAL | list | revoke | risk" },
	{ "crm", cmd_crm, "the plan to Salesforce or HubSpot tasks and back: crm push|pull salesforce|hubspot | status" },
};

/* Commands whose first argument is a verb, one line each: `help COMMAND VERB` and the
 * shell completion (through `help --commands`) read them. */
static const struct {
	const char *command;
	const char *verbs[8];       /* up to the first NULL */
} command_verbs[] = {
	{ "deal", { "add", "list", "show", "rename", "remove", "link" } },
	{ "item", { "add", "edit", "done", "drop", "block", "reopen", "list" } },
	{ "call", { "list", "remove" } },
	{ "sync", { "zoom", "teams" } },
	{ "rules", { "check" } },
	{ "criterion", { "add", "remove" } },
	{ "depend", { "remove" } },
	{ "share", { "list", "revoke", "risk" } },
	{ "crm", { "push", "pull", "status" } },
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

int cli_store_failed(enum mk_err err, const struct mk_diag *d, const char *deal)
{
	if (err == MK_ENOTFOUND)
		cli_error("no deal '%s'", deal);
	else
		cli_diag(d, err);
	return CLI_FAILED;
}

int cli_usage(const char *usage)
{
	const char *nl = strchr(usage, '\n');
	int n = nl ? (int)(nl - usage) : (int)strlen(usage);
	fprintf(stderr, "usage: %.*s%s\n", n, usage, nl ? " ... (see --help)" : "");
	return CLI_USAGE;
}

/* Opens the database at --db, $MAPKEEPER_DB or ./mapkeeper.db; create: make it when missing. */
static struct mk_store *store_open(const char *db, int create)
{
	struct mk_store *st = NULL;
	struct mk_diag d;
	char *path = db ? strdup(db) : mk_store_default_path();
	enum mk_err err;
	mk_diag_clear(&d);
	if (!path)
		abort();
	err = create ? mk_store_open(&st, path, &d) : mk_store_open_existing(&st, path, &d);
	if (err == MK_ENOTFOUND)
		cli_error("no database at %s (start one with: mapkeeper deal add NAME --seller \"A,B\"; "
			  "or give --db PATH or $MAPKEEPER_DB)", path);
	else if (err)
		cli_diag(&d, err);
	if (err)
		st = NULL;
	free(path);
	return st;
}

struct mk_store *cli_store_open(const char *db)
{
	return store_open(db, 0);
}

struct mk_store *cli_store_create(const char *db)
{
	return store_open(db, 1);
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

const char *cli_who(const char *as)
{
	static char uid[32];
	const char *u = getenv("USER");
	struct passwd *pw;
	if (as && *as)
		return as;
	if (u && *u)
		return u;
	if ((u = getenv("LOGNAME")) && *u)
		return u;
	if ((pw = getpwuid(getuid())) && pw->pw_name && *pw->pw_name)
		return pw->pw_name;
	snprintf(uid, sizeof uid, "uid %lu", (unsigned long)getuid());
	return uid;
}

/* 0 when standard output was written in full and closed, else the errno of the failure.
 * filtered: stdout is term_install's stream, which remembers a failed write. A descriptor
 * closed before anything was written (EBADF on close) is no failure, as in git.c. */
static int output_error(int filtered)
{
	int e = filtered ? term_finish() : 0;

	if (e)
		return e;
	errno = 0;
	if (fflush(stdout) || ferror(stdout))
		return errno ? errno : EIO;
	if (fclose(stdout) && errno != EBADF)
		return errno ? errno : EIO;
	if (filtered && close(STDOUT_FILENO) && errno != EBADF)
		return errno;
	return 0;
}

/*
 * After the command returned, as git.c's run_builtin does: standard output written in
 * full (flushed, no error, closed), else one line and CLI_FAILED whatever the command
 * returned (a full disk, a closed pipe with SIGPIPE ignored, a closed descriptor).
 */
static int output_end(int rc, int filtered)
{
	char why[128];
	int e = output_error(filtered);

	if (!e)
		return rc;
	snprintf(why, sizeof why, "%s", strerror(e));
	why[0] = (char)tolower((unsigned char)why[0]);
	fprintf(stderr, "mapkeeper: cannot write standard output: %s\n", why);
	fflush(stderr);
	return CLI_FAILED;
}

/* Everything printed goes through the filter of util/term.h (no control or bidi character
 * reaches the terminal); --progress (anywhere before "--") is taken out of argv here and
 * shows the progress line even when standard error is not a terminal. 1 when the filter
 * is on. */
static int output_begin(int *argc, char **argv)
{
	int k = 1, progress = 0, rest = 0;
	for (int i = 1; i < *argc; i++) {
		if (!rest && !strcmp(argv[i], "--progress")) {
			progress = 1;
			continue;
		}
		if (!strcmp(argv[i], "--"))
			rest = 1;
		argv[k++] = argv[i];
	}
	argv[k] = NULL;
	*argc = k;
	return !term_install(progress);
}

static void help(FILE *out)
{
	fprintf(out, "usage: mapkeeper <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\n'mapkeeper help <command>' or 'mapkeeper <command> --help' describes one command.\n");
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

/* One line for a command that is not one (who: "" or "help: "), with the nearest. */
static int unknown_command(const char *who, const char *name)
{
	struct cli_near near;
	cli_near_init(&near, name);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		cli_near_add(&near, commands[i].name);
	if (cli_near_best(&near))
		cli_error("%sunknown command '%s'; did you mean '%s'?", who, name, cli_near_best(&near));
	else
		cli_error("%sunknown command '%s' (see 'mapkeeper --help')", who, name);
	return CLI_USAGE;
}

/* One line for an option before the command (not --help or --version). */
static int unknown_global_option(const char *arg)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_near near;
	cli_near_init(&near, arg + strspn(arg, "-"));
	for (const struct option *o = opts; o->name; o++)
		cli_near_add(&near, o->name);
	if (cli_near_best(&near))
		cli_error("unknown option '%s'; did you mean '--%s'?", arg, cli_near_best(&near));
	else
		cli_error("unknown option '%s' (see 'mapkeeper --help')", arg);
	return CLI_USAGE;
}

/* The verbs of a command, NULL-terminated (NULL: it has none). */
static const char *const *command_verbs_of(const char *name)
{
	for (size_t i = 0; i < sizeof command_verbs / sizeof command_verbs[0]; i++)
		if (!strcmp(command_verbs[i].command, name))
			return command_verbs[i].verbs;
	return NULL;
}

/* CLI_OK when VERB is one of COMMAND's verbs or COMMAND has none; else one line and CLI_USAGE. */
static int check_verb(const char *command, const char *verb)
{
	const char *const *verbs = command_verbs_of(command);
	struct cli_near near;
	if (!verbs)
		return CLI_OK;
	cli_near_init(&near, verb);
	for (size_t i = 0; verbs[i]; i++) {
		if (!strcmp(verbs[i], verb))
			return CLI_OK;
		cli_near_add(&near, verbs[i]);
	}
	if (cli_near_best(&near))
		cli_error("help: '%s' has no verb '%s'; did you mean '%s'?", command, verb, cli_near_best(&near));
	else
		cli_error("help: '%s' has no verb '%s' (see 'mapkeeper help %s')", command, verb, command);
	return CLI_USAGE;
}

static const char help_usage[] =
	"mapkeeper help [COMMAND [VERB]] | help --commands\n"
	"\n"
	"Without COMMAND, the list of commands; with one, that command's usage (as\n"
	"'mapkeeper COMMAND [VERB] --help'). --commands prints every command and every\n"
	"'COMMAND VERB' one a line, for scripts and the shell completion.";

static int cmd_help(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "commands", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char flag[] = "--help";
	char *args[4];
	const struct command *c;
	int n = 0;
	if (argc >= 2 && argv[1][0] == '-') {
		if (!strcmp(argv[1], "--commands")) {
			if (argc != 2)
				return cli_usage(help_usage);
			for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
				const char *const *v = command_verbs_of(commands[i].name);
				printf("%s\n", commands[i].name);
				for (; v && *v; v++)
					printf("%s %s\n", commands[i].name, *v);
			}
			return CLI_OK;
		}
		if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			printf("usage: %s\n", help_usage);
			return CLI_OK;
		}
		return cli_unknown_option("help", argv[1], opts);
	}
	if (argc == 1) {
		help(stdout);
		return CLI_OK;
	}
	if (argc > 3)
		return cli_usage(help_usage);
	if (!(c = find_command(argv[1])))
		return unknown_command("help: ", argv[1]);
	args[n++] = argv[1];
	if (argc == 3) {
		if (check_verb(argv[1], argv[2]))
			return CLI_USAGE;
		args[n++] = argv[2];
	}
	args[n++] = flag;
	args[n] = NULL;
	return c->fn(n, args);
}

/* The command argv names, or the general help, --version or one line on a mistake. */
static int run(int argc, char **argv)
{
	if (argc < 2) {
		help(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		help(stdout);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("mapkeeper %s\n", MAPKEEPER_VERSION);
		return CLI_OK;
	}
	if (argv[1][0] == '-')
		return unknown_global_option(argv[1]);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	return unknown_command("", argv[1]);
}

int main(int argc, char **argv)
{
	int filtered = output_begin(&argc, argv);
	int rc = run(argc, argv);
	return output_end(rc, filtered);
}
