/*
 * cli.h: the mapkeeper command's subcommands and the little they share.
 *
 * To add a command: write cli/cmd_NAME.c holding a usage string and
 * `int cmd_NAME(int argc, char **argv)` (argv[0] is the command's name; parse options,
 * call the library through mapkeeper.h, free, return an exit code), declare it below
 * and add one line to commands[] in cli/main.c (a command whose first argument is a
 * verb also lists its verbs in command_verbs[] there, for `help CMD VERB` and the shell
 * completion). Read the options with cli_getopt() (it answers --help and a bad option) and
 * --format with cli_format(); see "the option preamble" below. A command returns an
 * enum cli_exit; main() checks standard output once after it returns (a failed write:
 * one line and CLI_FAILED).
 */
#ifndef MK_CLI_H
#define MK_CLI_H

#include "mapkeeper.h"

#include <jansson.h>

#include <stdio.h>

/* What a command returns and the process exits with. */
enum cli_exit {
	CLI_OK = 0,                 /* done */
	CLI_FAILED = 1,             /* bad input or a failed operation (one line said why) */
	CLI_USAGE = 2,              /* the command was given wrongly (one line said how) */
};

int cmd_transcript(int argc, char **argv);
int cmd_when(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_rules(int argc, char **argv);

int cmd_deal(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_approve(int argc, char **argv);
int cmd_reject(int argc, char **argv);
int cmd_edit(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_query(int, char **);
int cmd_history(int, char **);
int cmd_health(int, char **);
int cmd_sync(int, char **);
int cmd_serve(int, char **);
int cmd_changes(int, char **);
int cmd_share(int, char **);           /* the buyer's share links (cli/cmd_share.c) */
int cmd_crm(int, char **);             /* crm push|pull|status (cli/cmd_crm.c, issue 15) */

/* "mapkeeper: <message>" on standard error. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints a diagnostic (file:line: msg) on standard error, falling back to mk_strerror(err). */
void cli_diag(const struct mk_diag *d, enum mk_err err);
/* A store call about a deal's rows failed: "no deal 'NAME'" when the deal is not there
 * (MK_ENOTFOUND), else the diagnostic. Returns CLI_FAILED. */
int cli_store_failed(enum mk_err err, const struct mk_diag *d, const char *deal);
/* Prints the usage's first line on one line of standard error and returns CLI_USAGE. After
 * a cli_error() about a bad option, return CLI_USAGE without it: one line per mistake. */
int cli_usage(const char *usage);

/* Opens the store at --db PATH (NULL: $MAPKEEPER_DB or ./mapkeeper.db); prints the error.
 * cli_store_open never makes a database (a missing one: one line naming the path and how
 * to start one); only commands that write a call or a deal (deal add, ingest, sync) use
 * cli_store_create, which makes it on first use. */
struct mk_store *cli_store_open(const char *db);
struct mk_store *cli_store_create(const char *db);

/* Writes s as one CSV field (RFC 4180 quoting; NULL is empty). */
void cli_csv_field(FILE *out, const char *s);

/* JSON shapes shared by the commands and serve (cli/json.c); each returns a new value. */
json_t *cli_date_json(int has, struct mk_date d);
json_t *cli_proposal_json(const struct mk_proposal *p);          /* review --format json */
json_t *cli_item_json(const char *deal, const struct mk_item *it); /* deal may be NULL */
json_t *cli_plan_json(const char *deal, const struct mk_plan *p);  /* plan --format json */
json_t *cli_health_json(const struct mk_health *h);
json_t *cli_history_json(const char *deal, int64_t item, const struct mk_revision *v, size_t n);

/* What changed (cli/cmd_changes.c): the array of GET /api/changes and `changes --format json`. */
json_t *cli_changes_json(const struct mk_change *v, size_t n);

/* Who decides: --as WHO, else $USER, else $LOGNAME, else the user's passwd entry, else
 * "uid N". */
const char *cli_who(const char *as);

/* ---- cli/suggest.c: "did you mean" and the one-line option errors ----------------- */

struct option;

/*
 * The nearest known word to a mistyped one: init with the word, add every candidate,
 * best gives the nearest when it is close enough to be a typo (Damerau-Levenshtein
 * distance, case ignored: 1 for words up to 4 letters, 2 up to 8, 3 beyond; the start
 * of a longer word counts as 1), else NULL. The first of equally near ones wins.
 */
struct cli_near {
	const char *word;
	const char *best;
	size_t dist;
};
void cli_near_init(struct cli_near *n, const char *word);
void cli_near_add(struct cli_near *n, const char *cand);
const char *cli_near_best(const struct cli_near *n);

/* For getopt_long's '?' (with opterr = 0; cli_getopt calls it): one line on what was wrong
 * with the option (unknown, with a suggestion when one is near; ambiguous; a missing value;
 * a value it does not take) as "mapkeeper: CMD: ..." and returns CLI_USAGE. */
int cli_bad_option(const char *cmd, char **argv, const char *shortopts, const struct option *longopts);
/* The same for an option ARG a command found unknown by itself. Returns CLI_USAGE. */
int cli_unknown_option(const char *cmd, const char *arg, const struct option *longopts);

/* ---- cli/opts.c: the option preamble ------------------------------------------------ */

/* What cli_getopt reads for every command: the options most commands share (when its
 * getopt_long table has them) and how the options ended. */
struct cli_opts {
	const char *db;             /* --db PATH (CLI_OPT_DB); NULL: the default database */
	const char *format;         /* --format F (CLI_OPT_FORMAT) as given; check it with cli_format */
	const char *as;             /* --as WHO (CLI_OPT_AS); NULL: the user (cli_who) */
	int rc;                     /* once cli_getopt returned -1: the command's exit code */
};

/*
 * The options of a command, one at a time, as getopt_long gives them (the longopts' flag
 * is NULL; 'h' is -h/--help; 'b', 'f' and 'a' are --db, --format and --as, kept in o).
 * The first call of a loop starts at argv[1]. Returns the next option's value (> 0) for
 * the command's switch; 0 when the options are all read (optind is the first operand);
 * -1 when the command ends here, o->rc then being its exit code: CLI_OK after --help
 * printed "usage: " usage on standard output, CLI_USAGE after one line on a bad option
 * (cli_bad_option). So every command reads:
 *
 *	struct cli_opts o = { .format = "text" };
 *	while ((ch = cli_getopt("plan", argc, argv, "h", longopts, usage, &o)) > 0)
 *		switch (ch) { case 'D': deal = optarg; break; ... }
 *	if (ch < 0)
 *		return o.rc;
 *
 * A command with no options of its own calls it once: `if (cli_getopt(...) < 0) return o.rc;`.
 */
int cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts, const struct option *longopts,
	       const char *usage, struct cli_opts *o);

/* The options most commands have, for their getopt_long tables (cli_getopt keeps their
 * values in struct cli_opts); CLI_OPT_END closes a table with --help. */
#define CLI_OPT_DB { "db", required_argument, NULL, 'b' }
#define CLI_OPT_FORMAT { "format", required_argument, NULL, 'f' }
#define CLI_OPT_AS { "as", required_argument, NULL, 'a' }
#define CLI_OPT_END { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }

/* --format VALUE against the ones a command has ("text|json|csv|md", in the order its
 * usage names them): the word of the one vocabulary it names (text, json, csv or md;
 * "table" is "text": both are the human-readable output), or NULL after one line
 * listing the accepted ones. */
const char *cli_format(const char *cmd, const char *value, const char *accepted);

/* Is s a day written YYYY-MM-DD (the flags that take no words: --as-of, --due-from)?
 * 1 with *out set, else 0. */
int cli_parse_day(const char *s, struct mk_date *out);

/* Fixing the plan by hand (cmd_item.c, cmd_undo.c, cmd_call.c; deal rename|remove). */
int cmd_item(int, char **);
int cmd_undo(int, char **);
int cmd_call(int, char **);
/* "12" or "#12" -> 12; 0 when s is not a positive number. */
int64_t cli_parse_id(const char *s);
/* A due date as a flag gives it: YYYY-MM-DD or words resolved against today ("next
 * friday"); allow_none: "none" or "" clears it (out ""). -1 when it is not a date. */
int cli_parse_due(const char *s, int allow_none, char *out, size_t outlen);
json_t *cli_decision_json(const struct mk_decision *d);
json_t *cli_call_json(const struct mk_call *c);
/* Prints o (taking it) as the commands print JSON: indented, keys in order; a newline. */
void cli_json_print(json_t *o);
/* The same with json_dumps flags of the command's own (`when`: one line; `health`: reals
 * to 3 digits). */
void cli_json_write(json_t *o, size_t flags);


/* ---- the whole plan (issue 14): cli/json.c, cli/plan_md.c, cli/cmd_set.c ---------------- */

/* The plan with its working backward (mk_plan_backward on b's day): cli_plan_json adds the
 * goal, go-live, criteria, dependencies, next meeting, acknowledgement, version and
 * "backward", and on each item its phase and finish, critical, late, held_by, past_go_live.
 * cli_plan_json works backward from today. */
json_t *cli_plan_json_backward(const char *deal, const struct mk_plan *p, const struct mk_backward *b);
/* The item of b about item id, or NULL (a done or dropped item). */
const struct mk_backward_item *cli_backward_item(const struct mk_backward *b, int64_t id);
/* "12 days of slack before go-live 2027-03-01", "critical path ends 5 days after go-live
 * 2027-03-01", "no go-live date yet", "no open item has a date yet". */
void cli_slack_line(const struct mk_backward *b, char *out, size_t outlen);
/* What changes says of item id, for its row: "new", "done", "blocked", "slipped from
 * 2026-03-05" (the oldest due it had in changes), joined by ", "; "" when nothing. */
void cli_change_mark(const struct mk_change *changes, size_t n, int64_t id, char *out, size_t outlen);
/* The next meeting: "2027-01-14 at 10:00 with Farah Khan: walk through pricing", "none scheduled". */
void cli_meeting_line(const struct mk_plan *p, char *out, size_t outlen);
/* One change as a line of the "what changed" list ("Slipped: #4 ticket export: 2026-03-05 ->
 * 2026-03-16"); 0 when it is not one to tell the buyer (an owner's spelling). */
int cli_change_line(const struct mk_change *c, char *out, size_t outlen);
/*
 * The plan as Markdown (`plan --format md`; serve's copy button): goal, go-live and slack at
 * the top, items by phase with their marks, criteria, stakeholders, dependencies, the next
 * meeting, the buyer's acknowledgement. changes NULL: the plan as it stands (open risks
 * too); else the refreshed plan to e-mail the buyer after a call: a "What changed" list
 * first, each changed item marked, and only the risks marked shareable. Returns 0, or -1
 * when out could not be written.
 */
int cli_plan_md(FILE *out, const char *deal, const struct mk_plan *p, const struct mk_backward *b,
		const struct mk_change *changes, size_t nchanges);

/* The hand setters of the plan's elements (cli/cmd_set.c). */
int cmd_goal(int, char **);
int cmd_go_live(int, char **);
int cmd_criterion(int, char **);
int cmd_depend(int, char **);
int cmd_meeting(int, char **);
int cmd_stance(int, char **);
/* Is t a time of day written HH:MM (24-hour)? */
int cli_parse_time(const char *t);

#endif
