/*
 * cmd_set.c: setting the plan's elements by hand (issue 14): `goal`, `go-live`,
 * `criterion add|remove`, `depend` (and `depend remove`), `meeting`, `stance`. Each change
 * is a decision by --as WHO (else the user) that `mapkeeper undo` reverses, as hand edits
 * of items are; the store checks what it refers to (deal, item, person). Bad input is one
 * line and exit 2 before the store is opened; a refused change one line and exit 1.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int cli_parse_time(const char *t)
{
	return strlen(t) == 5 && t[2] == ':' && t[0] >= '0' && t[0] <= '2' && t[1] >= '0' && t[1] <= '9' &&
	       t[3] >= '0' && t[3] <= '5' && t[4] >= '0' && t[4] <= '9' && !(t[0] == '2' && t[1] > '3');
}

/* The options every setter has: --as, --db, --clear; and the rest of each, by value. */
enum { S_CLEAR = 256, S_SIGNED, S_ON, S_TIME, S_WHO, S_PURPOSE, S_TEXT };

struct set_args {
	const char *cmd, *usage;
	struct cli_opts o;
	int clear, signed_;
	const char *on, *time, *who, *purpose, *text;
};

/* Reads the options into a; 0 when read (optind: the first operand), else -1 with a->o.rc.
 * operands > 0: so many operands are wanted (one fewer with --clear), else -1 after the usage. */
static int set_options(struct set_args *a, int argc, char **argv, const struct option *longopts, int operands)
{
	int ch;
	a->o = (struct cli_opts){ .format = "text" };
	while ((ch = cli_getopt(a->cmd, argc, argv, "h", longopts, a->usage, &a->o)) > 0)
		switch (ch) {
		case S_CLEAR: a->clear = 1; break;
		case S_SIGNED: a->signed_ = 1; break;
		case S_ON: a->on = optarg; break;
		case S_TIME: a->time = optarg; break;
		case S_WHO: a->who = optarg; break;
		case S_PURPOSE: a->purpose = optarg; break;
		case S_TEXT: a->text = optarg; break;
		}
	if (ch < 0)
		return -1;
	if (operands > 0 && optind + operands - a->clear != argc) {
		a->o.rc = cli_usage(a->usage);
		return -1;
	}
	return 0;
}

/* A store change done: CLI_OK, else one line (about the deal, when given) and CLI_FAILED. */
static int set_done(enum mk_err err, const struct mk_diag *d, const char *deal)
{
	if (!err)
		return CLI_OK;
	if (deal && err == MK_ENOTFOUND && !d->msg[0])
		return cli_store_failed(err, d, deal);
	cli_diag(d, err);
	return CLI_FAILED;
}

/* An empty text or a blank one. */
static int blank(const char *s)
{
	return !s[strspn(s, " \t\r\n")];
}

int cmd_goal(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "clear", no_argument, NULL, S_CLEAR }, CLI_OPT_AS, CLI_OPT_DB, CLI_OPT_END,
	};
	struct set_args a = { .cmd = "goal", .usage = "mapkeeper goal DEAL TEXT | goal DEAL --clear [--as WHO] [--db PATH]\n"
		"\n"
		"Sets the deal's goal, the outcome the buyer wants in their words (--clear removes it)." };
	struct mk_store *st;
	struct mk_diag d;
	int rc;

	if (set_options(&a, argc, argv, longopts, 2) < 0)
		return a.o.rc;
	if (!a.clear && blank(argv[optind + 1])) {
		cli_error("goal: the goal cannot be empty (--clear removes it)");
		return CLI_USAGE;
	}
	if (!(st = cli_store_open(a.o.db)))
		return CLI_FAILED;
	mk_diag_clear(&d);
	rc = set_done(mk_store_set_goal(st, argv[optind], a.clear ? "" : argv[optind + 1], cli_who(a.o.as), &d), &d,
		      argv[optind]);
	if (!rc)
		printf("goal of '%s' %s%s\n", argv[optind], a.clear ? "cleared" : "set: ", a.clear ? "" : argv[optind + 1]);
	mk_store_close(st);
	return rc;
}

/* A date operand (YYYY-MM-DD or words) into out: CLI_OK, else one line and CLI_USAGE. */
static int set_date(const char *cmd, const char *s, char *out, size_t outlen)
{
	if (!cli_parse_due(s, 0, out, outlen))
		return CLI_OK;
	cli_error("%s: not a date: '%s' (YYYY-MM-DD or words such as 'march 31'; --clear removes it)", cmd, s);
	return CLI_USAGE;
}

int cmd_go_live(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "signed", no_argument, NULL, S_SIGNED }, { "clear", no_argument, NULL, S_CLEAR },
		CLI_OPT_AS, CLI_OPT_DB, CLI_OPT_END,
	};
	struct set_args a = { .cmd = "go-live", .usage =
		"mapkeeper go-live DEAL DATE [--signed] | go-live DEAL --clear [--as WHO] [--db PATH]\n"
		"\n"
		"Sets the date the buyer wants to be live by (--signed: to have signed by), which the plan\n"
		"is worked backward from. DATE is YYYY-MM-DD or words (\"march 31\")." };
	struct mk_store *st;
	struct mk_diag d;
	char day[16] = "";
	int rc;

	if (set_options(&a, argc, argv, longopts, 2) < 0)
		return a.o.rc;
	if (a.clear && a.signed_) {
		cli_error("go-live: --signed and --clear do not go together");
		return CLI_USAGE;
	}
	if (!a.clear && (rc = set_date("go-live", argv[optind + 1], day, sizeof day)))
		return rc;
	if (!(st = cli_store_open(a.o.db)))
		return CLI_FAILED;
	mk_diag_clear(&d);
	rc = set_done(mk_store_set_go_live(st, argv[optind], day, a.signed_ ? "signed" : "live", cli_who(a.o.as), &d),
		      &d, argv[optind]);
	if (!rc && a.clear)
		printf("go-live of '%s' cleared\n", argv[optind]);
	else if (!rc)
		printf("go-live of '%s': %s by %s\n", argv[optind], a.signed_ ? "signed" : "live", day);
	mk_store_close(st);
	return rc;
}

/* An item, criterion, dependency or person number operand: CLI_OK, else one line and CLI_USAGE. */
static int set_id(const char *cmd, const char *what, const char *s, int64_t *id)
{
	if ((*id = cli_parse_id(s)))
		return CLI_OK;
	cli_error("%s: '%s' is not a%s %s number", cmd, s, what[0] == 'i' ? "n" : "", what);
	return CLI_USAGE;
}

static const char criterion_usage[] =
	"mapkeeper criterion add DEAL TEXT|--text TEXT | criterion remove ID [--as WHO] [--db PATH]\n"
	"\n"
	"Adds a success criterion (what the buyer will judge the deal by) to the deal's plan, or\n"
	"removes one (its number is in 'mapkeeper plan DEAL').";

int cmd_criterion(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "text", required_argument, NULL, S_TEXT }, CLI_OPT_AS, CLI_OPT_DB, CLI_OPT_END,
	};
	struct set_args a = { .cmd = "criterion", .usage = criterion_usage };
	struct mk_store *st;
	struct mk_diag d;
	int64_t id = 0;
	int rc, add;

	if (set_options(&a, argc, argv, longopts, 0) < 0)
		return a.o.rc;
	if (optind >= argc || (strcmp(argv[optind], "add") && strcmp(argv[optind], "remove"))) {
		if (optind < argc)
			cli_error("criterion: unknown action '%s' (add or remove)", argv[optind]);
		return optind < argc ? CLI_USAGE : cli_usage(a.usage);
	}
	add = !strcmp(argv[optind], "add");
	if (argc - optind != (add && !a.text ? 3 : 2) || (!add && a.text))
		return cli_usage(a.usage);
	if (add && !a.text)
		a.text = argv[optind + 2];
	if (add && blank(a.text)) {
		cli_error("criterion add: the criterion cannot be empty");
		return CLI_USAGE;
	}
	if (!add && (rc = set_id("criterion remove", "criterion", argv[optind + 1], &id)))
		return rc;
	if (!(st = cli_store_open(a.o.db)))
		return CLI_FAILED;
	mk_diag_clear(&d);
	if (add && !(rc = set_done(mk_store_criterion_add(st, argv[optind + 1], a.text, cli_who(a.o.as), &id, &d), &d,
				   argv[optind + 1])))
		printf("added criterion #%lld to '%s': %s\n", (long long)id, argv[optind + 1], a.text);
	else if (!add && !(rc = set_done(mk_store_criterion_remove(st, id, cli_who(a.o.as), &d), &d, NULL)))
		printf("removed criterion #%lld\n", (long long)id);
	mk_store_close(st);
	return rc;
}

int cmd_depend(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "on", required_argument, NULL, S_ON }, { "depends-on", required_argument, NULL, S_ON },
		CLI_OPT_AS, CLI_OPT_DB, CLI_OPT_END,
	};
	struct set_args a = { .cmd = "depend", .usage =
		"mapkeeper depend ITEM --on ITEM | depend remove ID [--as WHO] [--db PATH]\n"
		"\n"
		"Records that one plan item waits on another (--on, or --depends-on): the plan works\n"
		"backward through it and marks what a late or blocked item holds up. `depend remove ID`\n"
		"takes a dependency off (its number is in 'mapkeeper plan DEAL')." };
	struct mk_store *st;
	struct mk_diag d;
	int64_t item = 0, on = 0, id = 0;
	int rc, rm;

	if (set_options(&a, argc, argv, longopts, 0) < 0)
		return a.o.rc;
	rm = optind < argc && !strcmp(argv[optind], "remove");
	if (argc - optind != 1 + rm || rm == !!a.on)
		return cli_usage(a.usage);
	if ((rc = rm ? set_id("depend remove", "dependency", argv[optind + 1], &id)
		     : set_id("depend", "item", argv[optind], &item) || set_id("depend --on", "item", a.on, &on)))
		return CLI_USAGE;
	if (!rm && item == on) {
		cli_error("depend: an item cannot wait on itself (#%lld)", (long long)item);
		return CLI_USAGE;
	}
	if (!(st = cli_store_open(a.o.db)))
		return CLI_FAILED;
	mk_diag_clear(&d);
	if (rm && !(rc = set_done(mk_store_dependency_remove(st, id, cli_who(a.o.as), &d), &d, NULL)))
		printf("removed dependency #%lld\n", (long long)id);
	else if (!rm && !(rc = set_done(mk_store_dependency_add(st, item, on, cli_who(a.o.as), &id, &d), &d, NULL)))
		printf("dependency #%lld: item #%lld waits on item #%lld\n", (long long)id, (long long)item, (long long)on);
	mk_store_close(st);
	return rc;
}

/* The meeting's flags checked: CLI_OK, else one line and CLI_USAGE. */
static int meeting_check(const struct set_args *a)
{
	if (a->clear && (a->time || a->who || a->purpose)) {
		cli_error("meeting: --clear takes no --time, --who or --purpose");
		return CLI_USAGE;
	}
	if (a->time && !cli_parse_time(a->time)) {
		cli_error("meeting: --time wants HH:MM (24-hour), not '%s'", a->time);
		return CLI_USAGE;
	}
	return CLI_OK;
}

int cmd_meeting(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "time", required_argument, NULL, S_TIME }, { "who", required_argument, NULL, S_WHO },
		{ "purpose", required_argument, NULL, S_PURPOSE }, { "clear", no_argument, NULL, S_CLEAR },
		CLI_OPT_AS, CLI_OPT_DB, CLI_OPT_END,
	};
	struct set_args a = { .cmd = "meeting", .usage =
		"mapkeeper meeting DEAL DATE [--time HH:MM] [--who NAMES] [--purpose TEXT] | meeting DEAL --clear [--as WHO] [--db PATH]\n"
		"\n"
		"Sets the deal's next meeting, the next checkpoint agreed with the buyer: its date (YYYY-MM-DD\n"
		"or words), time, who is to be there and what for. --clear: none scheduled." };
	struct mk_store *st;
	struct mk_diag d;
	char day[16] = "";
	int rc;

	if (set_options(&a, argc, argv, longopts, 2) < 0)
		return a.o.rc;
	if ((rc = meeting_check(&a)) || (!a.clear && (rc = set_date("meeting", argv[optind + 1], day, sizeof day))))
		return rc;
	if (!(st = cli_store_open(a.o.db)))
		return CLI_FAILED;
	mk_diag_clear(&d);
	if (a.clear) /* none scheduled: no time, people or purpose left either */
		a.time = a.who = a.purpose = "";
	rc = set_done(mk_store_set_next_meeting(st, argv[optind], day, a.time, a.who, a.purpose, cli_who(a.o.as), &d),
		      &d, argv[optind]);
	if (!rc && a.clear) {
		printf("next meeting of '%s' cleared: none scheduled\n", argv[optind]);
	} else if (!rc) {
		printf("next meeting of '%s': %s", argv[optind], day);
		if (a.time)
			printf(" at %s", a.time);
		if (a.who)
			printf(" with %s", a.who);
		printf("%s%s\n", a.purpose ? ": " : "", a.purpose ? a.purpose : "");
	}
	mk_store_close(st);
	return rc;
}

int cmd_stance(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "clear", no_argument, NULL, S_CLEAR }, CLI_OPT_AS, CLI_OPT_DB, CLI_OPT_END,
	};
	struct set_args a = { .cmd = "stance", .usage =
		"mapkeeper stance PERSON STANCE | stance PERSON --clear [--as WHO] [--db PATH]\n"
		"\n"
		"Sets a stakeholder's stance: champion, supporter, neutral, skeptic or blocker (--clear:\n"
		"unknown). PERSON is the stakeholder's number in 'mapkeeper plan DEAL'." };
	enum mk_stance stance = MK_STANCE_UNKNOWN;
	struct mk_store *st;
	struct mk_diag d;
	int64_t person;
	int rc;

	if (set_options(&a, argc, argv, longopts, 2) < 0)
		return a.o.rc;
	if ((rc = set_id("stance", "person", argv[optind], &person)))
		return rc;
	if (!a.clear && mk_stance_parse(argv[optind + 1], &stance)) {
		cli_error("stance: unknown stance '%s' (champion, supporter, neutral, skeptic or blocker)", argv[optind + 1]);
		return CLI_USAGE;
	}
	if (!(st = cli_store_open(a.o.db)))
		return CLI_FAILED;
	mk_diag_clear(&d);
	if (!(rc = set_done(mk_store_set_stance(st, person, stance, cli_who(a.o.as), &d), &d, NULL)))
		printf("stance of person #%lld: %s\n", (long long)person, mk_stance_name(stance));
	mk_store_close(st);
	return rc;
}
