/*
 * cmd_changes.c: `mapkeeper changes --since DATE [--until DATE] [--deal NAME]
 * [--by meeting|decision] [--format text|json|csv] [--db PATH]`: what changed on the plans
 * across deals in a period, oldest first: items added, due dates moved, status changes,
 * owner and action changes, stakeholders and risks added; each with who decided and the
 * words of the call that caused it. Dates are YYYY-MM-DD or words ("last monday"),
 * resolved against today. Also the JSON shape GET /api/changes answers with.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
	"mapkeeper changes --since DATE [--until DATE] [--deal NAME] [--by meeting|decision] [--format text|json|csv] [--db PATH]\n"
	"  --since D   from this day on: YYYY-MM-DD, or words resolved against today (\"last monday\",\n"
	"              \"yesterday\", \"last month\": a period starts on its first day)\n"
	"  --until D   to this day, inclusive (default: no end)\n"
	"  --deal N    one deal's changes (default: every deal)\n"
	"  --by meeting   (default) a change is dated by the call whose words caused it; a change\n"
	"                 no call caused (an edit by hand) by the day it was made\n"
	"  --by decision  a change is dated by the day it was approved or made";

/* A date flag: YYYY-MM-DD, else a date expression resolved against today (a period gives
 * its first day, or its last when last is set). Prints the error; 0 when it fails. */
static int date_flag(const char *flag, const char *arg, int last, struct mk_date *out)
{
	struct mk_when w;

	if (cli_parse_day(arg, out))
		return 1;
	if (mk_when_resolve(arg, mk_today(), &w) == MK_OK && w.has_date) {
		*out = last ? w.hi : w.lo;
		return 1;
	}
	cli_error("changes: %s wants a date (YYYY-MM-DD, or words like \"last monday\"), not '%s'", flag, arg);
	return 0;
}

/* One change as `changes --format json` and GET /api/changes give it. */
static json_t *change_json(const struct mk_change *c)
{
	int words = c->quote && c->quote[0];
	json_t *o = json_object();

	json_object_set_new(o, "deal", json_string(c->deal ? c->deal : ""));
	json_object_set_new(o, "item_id", c->item_id > 0 ? json_integer((json_int_t)c->item_id) : json_null());
	json_object_set_new(o, "action", c->action ? json_string(c->action) : json_null());
	json_object_set_new(o, "field", json_string(c->field ? c->field : ""));
	json_object_set_new(o, "old", c->old_value ? json_string(c->old_value) : json_null());
	json_object_set_new(o, "new", c->new_value ? json_string(c->new_value) : json_null());
	json_object_set_new(o, "at", c->at ? json_string(c->at) : json_null());
	json_object_set_new(o, "by", c->by ? json_string(c->by) : json_null());
	json_object_set_new(o, "meeting", c->meeting ? json_string(c->meeting) : json_null());
	json_object_set_new(o, "meeting_start", c->meeting_start ? json_string(c->meeting_start) : json_null());
	json_object_set_new(o, "speaker", words && c->speaker ? json_string(c->speaker) : json_null());
	json_object_set_new(o, "start_ms", words ? json_integer((json_int_t)c->start_ms) : json_null());
	json_object_set_new(o, "quote", words ? json_string(c->quote) : json_null());
	return o;
}

json_t *cli_changes_json(const struct mk_change *v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, change_json(&v[i]));
	return arr;
}

/* The day a change is listed under: its call's start (by meeting, when a call caused it),
 * else when it was decided. */
static const char *change_day(const struct mk_change *c, enum mk_changes_by by)
{
	if (by == MK_CHANGES_BY_MEETING && c->meeting_start && c->meeting_start[0])
		return c->meeting_start;
	return c->at ? c->at : "";
}

/* What changed, in words: "due 2026-03-04 -> 2026-03-16 (slipped)". */
static void describe(const struct mk_change *c, char *out, size_t outlen)
{
	const char *f = c->field ? c->field : "", *o = c->old_value, *n = c->new_value;

	if (!strcmp(f, "added"))
		snprintf(out, outlen, "added, due %s", n ? n : "not set");
	else if (!strcmp(f, "stakeholder") || !strcmp(f, "risk"))
		snprintf(out, outlen, "%s added: %s", f, n ? n : "");
	else if (!strcmp(f, "due") && o && n)
		snprintf(out, outlen, "due %s -> %s (%s)", o, n, strcmp(n, o) > 0 ? "slipped" : "earlier");
	else if (!strcmp(f, "status") && n && !strcmp(n, "open"))
		snprintf(out, outlen, "status %s -> open (reopened)", o ? o : "not set");
	else
		snprintf(out, outlen, "%s %s -> %s", f, o ? o : "not set", n ? n : "not set");
}

static void print_table(const struct mk_change *v, size_t n, enum mk_changes_by by, const char *title)
{
	char what[1200], ts[32];

	printf("%s: %zu change%s, oldest first\n", title, n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		const struct mk_change *c = &v[i];

		printf("\n%.10s  %s  ", change_day(c, by), c->deal ? c->deal : "");
		if (c->item_id > 0)
			printf("#%lld %s\n", (long long)c->item_id, c->action ? c->action : "");
		else
			printf("deal map\n");
		describe(c, what, sizeof what);
		printf("  %s  (decided by %s on %.10s)\n", what, c->by ? c->by : "unknown", c->at ? c->at : "");
		if (c->quote && c->quote[0]) {
			mk_format_ms(c->start_ms, ts, sizeof ts);
			ts[8] = '\0';
			printf("  %s %s %s: \"%s\"\n", c->meeting ? c->meeting : "(no meeting)", ts,
			       c->speaker && c->speaker[0] ? c->speaker : "(unnamed)", c->quote);
		} else {
			printf("  (no call evidence)\n");
		}
	}
}

static void print_csv(const struct mk_change *v, size_t n, enum mk_changes_by by)
{
	char ts[32];

	printf("date,deal,item_id,action,field,old,new,at,by,meeting,meeting_start,speaker,start,quote\n");
	for (size_t i = 0; i < n; i++) {
		const struct mk_change *c = &v[i];
		int words = c->quote && c->quote[0];
		const char *f[] = { c->field, c->old_value, c->new_value, c->at, c->by, c->meeting, c->meeting_start,
				    words ? c->speaker : NULL };

		printf("%.10s,", change_day(c, by));
		cli_csv_field(stdout, c->deal);
		if (c->item_id > 0)
			printf(",%lld,", (long long)c->item_id);
		else
			printf(",,");
		cli_csv_field(stdout, c->action);
		for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
			putchar(',');
			cli_csv_field(stdout, f[k]);
		}
		if (words) {
			mk_format_ms(c->start_ms, ts, sizeof ts);
			ts[8] = '\0';
			printf(",%s,", ts);
			cli_csv_field(stdout, c->quote);
		} else {
			printf(",,");
		}
		putchar('\n');
	}
}

static void print_json(const struct mk_change *v, size_t n, const struct mk_changes_query *q)
{
	char since[16], until[16];

	mk_date_format(q->since, since, sizeof since);
	mk_date_format(q->until, until, sizeof until);
	cli_json_print(json_pack("{s:s, s:o, s:s, s:s?, s:o}", "since", since, "until",
				 q->has_until ? json_string(until) : json_null(), "by",
				 q->by == MK_CHANGES_BY_MEETING ? "meeting" : "decision", "deal", q->deal,
				 "changes", cli_changes_json(v, n)));
}

/* The changes as a table under a title naming the period, or one line when there are none. */
static void print_text(const struct mk_change *v, size_t n, const struct mk_changes_query *q)
{
	char title[200], since[16], until[32] = "";
	const char *by = q->by == MK_CHANGES_BY_MEETING ? "meeting" : "decision";

	mk_date_format(q->since, since, sizeof since);
	if (q->has_until) {
		strcpy(until, " to ");
		mk_date_format(q->until, until + 4, sizeof until - 4);
	}
	snprintf(title, sizeof title, "Changes from %s%s by %s date, %s%.60s%s", since, until, by,
		 q->deal ? "deal '" : "every deal", q->deal ? q->deal : "", q->deal ? "'" : "");
	if (!n)
		printf("no changes from %s%s by %s date in %s%.60s%s\n", since, until, by,
		       q->deal ? "deal '" : "any deal", q->deal ? q->deal : "", q->deal ? "'" : "");
	else
		print_table(v, n, q->by, title);
}

/* --since: a day not after today. 0 after one line when it is not one. */
static int since_flag(const char *arg, struct mk_date *out)
{
	char since[16], today[16];

	if (!date_flag("--since", arg, 0, out))
		return 0;
	if (mk_date_cmp(*out, mk_today()) > 0) {
		mk_date_format(*out, since, sizeof since);
		mk_date_format(mk_today(), today, sizeof today);
		cli_error("changes: --since '%s' is %s, after today (%s): say 'last ...' or give a date "
			  "YYYY-MM-DD", arg, since, today);
		return 0;
	}
	return 1;
}

/* The changes q asks for, printed as fmt. */
static int changes_run(const char *db, const struct mk_changes_query *q, const char *fmt)
{
	struct mk_change *v = NULL;
	struct mk_store *st;
	struct mk_diag d;
	enum mk_err err;
	size_t n = 0;

	if (!(st = cli_store_open(db)))
		return CLI_FAILED;
	mk_diag_clear(&d);
	err = mk_store_changes(st, q, &v, &n, &d);
	mk_store_close(st);
	if (err)
		return cli_store_failed(err, &d, q->deal);
	if (!strcmp(fmt, "json"))
		print_json(v, n, q);
	else if (!strcmp(fmt, "csv"))
		print_csv(v, n, q->by);
	else
		print_text(v, n, q);
	mk_changes_free(v, n);
	return CLI_OK;
}

int cmd_changes(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "deal", required_argument, NULL, 'd' },
		{ "by", required_argument, NULL, 'y' },
		CLI_OPT_FORMAT,
		CLI_OPT_DB,
		CLI_OPT_END,
	};
	struct cli_opts o = { .format = "text" };
	struct mk_changes_query q = { .by = MK_CHANGES_BY_MEETING };
	const char *fmt;
	int ch, has_since = 0;

	while ((ch = cli_getopt("changes", argc, argv, "h", longopts, usage, &o)) > 0)
		switch (ch) {
		case 's':
			if (!since_flag(optarg, &q.since))
				return CLI_USAGE;
			has_since = 1;
			break;
		case 'u':
			if (!date_flag("--until", optarg, 1, &q.until))
				return CLI_USAGE;
			q.has_until = 1;
			break;
		case 'd': q.deal = optarg; break;
		case 'y':
			if (!strcmp(optarg, "meeting"))
				q.by = MK_CHANGES_BY_MEETING;
			else if (!strcmp(optarg, "decision"))
				q.by = MK_CHANGES_BY_DECISION;
			else {
				cli_error("changes: unknown --by '%s' (meeting or decision)", optarg);
				return CLI_USAGE;
			}
			break;
		}
	if (ch < 0)
		return o.rc;
	if (optind != argc)
		return cli_usage(usage);
	if (!has_since) {
		cli_error("changes: --since DATE is needed (YYYY-MM-DD, or words like \"last monday\")");
		return CLI_USAGE;
	}
	if (q.has_until && mk_date_cmp(q.until, q.since) < 0) {
		cli_error("changes: --until is before --since");
		return CLI_USAGE;
	}
	if (!(fmt = cli_format("changes", o.format, "text|json|csv")))
		return CLI_USAGE;
	return changes_run(o.db, &q, fmt);
}
