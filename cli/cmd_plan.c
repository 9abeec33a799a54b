/*
 * cmd_plan.c: `mapkeeper plan DEAL [--format text|json|csv|md] [--changes-since
 * last-call|DATE] [--db PATH]`: the mutual action plan worked backward from go-live: the
 * goal, go-live and slack at the top, items by phase (owner, side, due, status, marks:
 * slipped, late, held up by #N, critical), criteria, stakeholders with stance, dependencies,
 * the next meeting, the buyer's acknowledgement. --changes-since marks what changed since
 * the deal's last call (or a day): the refreshed plan to e-mail the buyer (cli/plan_md.c).
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"mapkeeper plan DEAL [--format text|json|csv|md] [--changes-since last-call|YYYY-MM-DD] [--as-of YYYY-MM-DD] [--db PATH]\n"
	"\n"
	"The plan worked backward from the go-live date: the slack left before go-live (or how far\n"
	"past it the critical path ends), items by phase with their marks (slipped, late, held up\n"
	"by #N when an item they wait on is late or blocked, critical), success criteria,\n"
	"stakeholders with stance and met or not, dependencies, the next meeting and the buyer's\n"
	"last acknowledgement. --changes-since (text or md) marks what changed since the start of\n"
	"the deal's last call, or since a day: new, done, slipped (old -> new date), blocked, and a\n"
	"changed goal, go-live or next meeting; md is the refreshed plan to e-mail the buyer (only\n"
	"risks marked shareable). --as-of: the day an item counts as late from (default today).";

static const char *day_str(int has, struct mk_date d, char *buf, size_t n)
{
	if (!has)
		return "";
	mk_date_format(d, buf, n);
	return buf;
}

/* One item's row: its fields, then its marks and (with changes) what changed. */
static void item_row(const struct mk_item *it, const struct mk_backward *b, const struct mk_change *ch, size_t nch)
{
	const struct mk_backward_item *w = cli_backward_item(b, it->id);
	char due[16], changed[160];

	printf("  %-5lld %-20.20s %-7s %-10s %-8s %s", (long long)it->id, it->owner ? it->owner : "-",
	       mk_side_name(it->side), it->has_due ? day_str(1, it->due, due, sizeof due) : "-",
	       mk_status_name(it->status), it->action ? it->action : "");
	if (it->slipped)
		printf("  (slipped)");
	if (w && w->late)
		printf("  (late)");
	if (w && w->held_by)
		printf("  (held up by #%lld)", (long long)w->held_by);
	if (w && w->critical)
		printf("  (critical)");
	if (w && w->past_go_live)
		printf("  (past go-live)");
	if (it->from_removed_call)
		printf("  (from a removed call)");
	cli_change_mark(ch, nch, it->id, changed, sizeof changed);
	if (changed[0])
		printf("  [%s]", changed);
	printf("\n");
}

/* The items phase by phase, each phase under its title. */
static void print_items(const struct mk_plan *p, const struct mk_backward *b, const struct mk_change *ch, size_t nch)
{
	for (int ph = 0; ph < MK_PHASE_COUNT; ph++) {
		int any = 0;
		for (size_t i = 0; i < p->nitems; i++) {
			if ((int)p->items[i].phase != ph)
				continue;
			if (!any++)
				printf("\n%s\n  %-5s %-20s %-7s %-10s %-8s %s\n", mk_phase_title((enum mk_phase)ph), "id",
				       "owner", "side", "due", "status", "action");
			item_row(&p->items[i], b, ch, nch);
		}
	}
	if (!p->nitems)
		printf("\nno items yet: ingest a call and approve its proposals\n");
}

/* How many items (and open ones) each side owns. */
static void print_sides(const struct mk_plan *p)
{
	static const char *const titles[] = { "Unassigned", "Buyer side", "Seller side" };
	size_t all[3] = { 0 }, open[3] = { 0 };
	for (size_t i = 0; i < p->nitems; i++) {
		all[p->items[i].side]++;
		open[p->items[i].side] += p->items[i].status == MK_STATUS_OPEN;
	}
	int any = 0;
	printf("\nItems by side:");
	for (int s = 1; s <= 3; s++)
		if (all[s % 3])
			printf("%s %s %zu (%zu open)", any++ ? "," : "", titles[s % 3], all[s % 3], open[s % 3]);
	printf("\n");
}

/* The top: goal, go-live and slack. */
static void print_top(const char *deal, const struct mk_plan *p, const struct mk_backward *b)
{
	char day[16], slack[128];
	printf("Mutual action plan: %s\n", deal);
	printf("Goal: %s\n", p->goal ? p->goal : "not set yet");
	if (p->has_go_live)
		printf("Go-live: %s by %s\n", p->go_live_kind && !strcmp(p->go_live_kind, "signed") ? "signed" : "live",
		       day_str(1, p->go_live, day, sizeof day));
	else
		printf("Go-live: not set yet\n");
	cli_slack_line(b, slack, sizeof slack);
	printf("Slack: %s%s\n", slack, b->cycle ? " (the dependencies hold a cycle: one link of it is ignored)" : "");
}

static void print_lists(const struct mk_plan *p)
{
	if (p->ncriteria)
		printf("\nSuccess criteria\n");
	for (size_t i = 0; i < p->ncriteria; i++)
		printf("  %-5lld %s\n", (long long)p->criteria[i].id, p->criteria[i].text ? p->criteria[i].text : "");
	if (p->npeople)
		printf("\nStakeholders\n");
	for (size_t i = 0; i < p->npeople; i++) {
		const struct mk_plan_person *x = &p->people[i];
		printf("  %-5lld %s%s%s (%s): %s, %s\n", (long long)x->id, x->name ? x->name : "",
		       x->name && x->role ? ", " : "", x->role ? x->role : "", mk_side_name(x->side),
		       x->stance ? mk_stance_name(x->stance) : "stance unknown", x->met ? "met" : "not met yet");
	}
	if (p->ndeps)
		printf("\nDependencies\n");
	for (size_t i = 0; i < p->ndeps; i++) {
		const struct mk_plan_dependency *d = &p->deps[i];
		printf("  %-5lld ", (long long)d->id);
		if (d->item_id)
			printf("#%lld ", (long long)d->item_id);
		printf("%s waits on ", d->waiting ? d->waiting : "");
		if (d->depends_on_id)
			printf("#%lld ", (long long)d->depends_on_id);
		printf("%s\n", d->on ? d->on : "");
	}
}

/* The next meeting, the acknowledgement and the open risks. */
static void print_end(const struct mk_plan *p)
{
	char line[1024];
	cli_meeting_line(p, line, sizeof line);
	printf("\nNext meeting: %s\nBuyer acknowledged: ", line);
	if (p->has_ack)
		printf("%s by %s\n", p->ack_at ? p->ack_at : "", p->ack_by ? p->ack_by : "the buyer");
	else
		printf("never\n");
	if (p->nrisks)
		printf("\nOpen risks\n");
	for (size_t i = 0; i < p->nrisks; i++)
		printf("  [%s] %s%s\n", p->risks[i].category, p->risks[i].text, p->risks[i].shareable ? "  (shareable)" : "");
}

/* What changed, as the text view lists it. */
static void print_changes(const char *since, const struct mk_change *ch, size_t nch)
{
	char line[1200];
	size_t told = 0;
	printf("\nWhat changed since %s\n", since);
	for (size_t i = 0; i < nch; i++)
		if (cli_change_line(&ch[i], line, sizeof line)) {
			printf("  %s\n", line);
			told++;
		}
	if (!told)
		printf("  nothing\n");
}

static void print_table(const char *deal, const struct mk_plan *p, const struct mk_backward *b, const char *since,
			const struct mk_change *ch, size_t nch)
{
	print_top(deal, p, b);
	if (ch)
		print_changes(since, ch, nch);
	print_items(p, b, ch, nch);
	if (p->nitems)
		print_sides(p);
	print_lists(p);
	print_end(p);
}

static void print_csv(const struct mk_plan *p, const struct mk_backward *b)
{
	char due[16], fin[16];
	printf("id,side,owner,action,due,status,revisions,slipped,phase,finish,critical,held_by\n");
	for (size_t i = 0; i < p->nitems; i++) {
		const struct mk_item *it = &p->items[i];
		const struct mk_backward_item *w = cli_backward_item(b, it->id);
		printf("%lld,%s,", (long long)it->id, mk_side_name(it->side));
		cli_csv_field(stdout, it->owner);
		fputc(',', stdout);
		cli_csv_field(stdout, it->action);
		printf(",%s,%s,%d,%s,%s,%s,%s,", day_str(it->has_due, it->due, due, sizeof due), mk_status_name(it->status),
		       it->revisions, it->slipped ? "yes" : "no", mk_phase_name(it->phase),
		       w ? day_str(w->has_finish, w->finish, fin, sizeof fin) : "", w && w->critical ? "yes" : "no");
		if (w && w->held_by)
			printf("%lld", (long long)w->held_by);
		printf("\n");
	}
}

/* --changes-since: last-call (the start of the deal's latest call) or a day, into *since
 * and label. CLI_OK, else the exit code after one line. */
static int changes_day(struct mk_store *st, const char *deal, const char *arg, struct mk_date *since, char *label,
		       size_t labellen)
{
	struct mk_call *calls = NULL;
	struct mk_diag d;
	enum mk_err err;
	size_t n = 0, k;
	int rc = CLI_OK;

	if (strcmp(arg, "last-call")) {
		snprintf(label, labellen, "%s", arg);
		return CLI_OK; /* checked before the store was opened */
	}
	mk_diag_clear(&d);
	if ((err = mk_store_calls(st, deal, &calls, &n, &d)))
		return cli_store_failed(err, &d, deal);
	for (k = n; k > 0 && !calls[k - 1].start; k--)
		;
	if (!k) {
		cli_error("plan: '%s' has no dated call yet: give --changes-since YYYY-MM-DD", deal);
		rc = CLI_FAILED;
	} else if (mk_date_parse(calls[k - 1].start, since)) {
		cli_error("plan: cannot read the start '%s' of call %lld", calls[k - 1].start, (long long)calls[k - 1].id);
		rc = CLI_FAILED;
	} else {
		char day[16];
		mk_date_format(*since, day, sizeof day);
		snprintf(label, labellen, "the last call (%s, %s)", calls[k - 1].label ? calls[k - 1].label : "", day);
	}
	mk_calls_free(calls, n);
	return rc;
}

/* What plan was asked. */
struct plan_args {
	const char *deal, *fmt, *since;
	struct mk_date since_day, as_of;
};

/* The plan printed as asked, with the changes since a day when asked. */
static int plan_print(struct mk_store *st, const struct plan_args *a, const struct mk_plan *plan, const char *name)
{
	struct mk_changes_query q = { .deal = a->deal, .since = a->since_day, .by = MK_CHANGES_BY_MEETING };
	static const struct mk_change none[1];
	struct mk_change *ch = NULL;
	struct mk_backward b;
	struct mk_diag d;
	enum mk_err err;
	size_t nch = 0;
	char label[512];
	int rc = CLI_OK;

	if (a->since && (rc = changes_day(st, a->deal, a->since, &q.since, label, sizeof label)))
		return rc;
	mk_diag_clear(&d);
	if (a->since && (err = mk_store_changes(st, &q, &ch, &nch, &d)))
		return cli_store_failed(err, &d, a->deal);
	mk_plan_backward(plan, a->as_of, &b);
	if (!strcmp(a->fmt, "json"))
		cli_json_print(cli_plan_json_backward(name, plan, &b));
	else if (!strcmp(a->fmt, "csv"))
		print_csv(plan, &b);
	else if (!strcmp(a->fmt, "md"))
		cli_plan_md(stdout, name, plan, &b, a->since ? (ch ? ch : none) : NULL, nch);
	else
		print_table(name, plan, &b, label, a->since ? (ch ? ch : none) : NULL, nch);
	mk_backward_release(&b);
	mk_changes_free(ch, nch);
	return rc;
}

/* The options that go together. CLI_OK, else one line and CLI_USAGE. */
static int plan_check(struct plan_args *a, const char *format)
{
	if (!(a->fmt = cli_format("plan", format, "text|json|csv|md")))
		return CLI_USAGE;
	if (!a->since)
		return CLI_OK;
	if (strcmp(a->fmt, "text") && strcmp(a->fmt, "md")) {
		cli_error("plan: --changes-since goes with --format text or md");
		return CLI_USAGE;
	}
	if (strcmp(a->since, "last-call") && !cli_parse_day(a->since, &a->since_day)) {
		cli_error("plan: --changes-since wants last-call or a date YYYY-MM-DD, not '%s'", a->since);
		return CLI_USAGE;
	}
	return CLI_OK;
}

int cmd_plan(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_OPT_FORMAT,
		CLI_OPT_DB,
		{ "changes-since", required_argument, NULL, 'c' },
		{ "as-of", required_argument, NULL, 'A' },
		CLI_OPT_END,
	};
	struct cli_opts o = { .format = "text" };
	struct plan_args a = { .as_of = mk_today() };
	struct mk_store *st;
	struct mk_plan plan;
	struct mk_deal deal;
	struct mk_diag d;
	enum mk_err err;
	int ch, rc;

	while ((ch = cli_getopt("plan", argc, argv, "h", longopts, usage, &o)) > 0)
		if (ch == 'c') {
			a.since = optarg;
		} else if (ch == 'A' && !cli_parse_day(optarg, &a.as_of)) {
			cli_error("plan: --as-of wants a date YYYY-MM-DD, not '%s'", optarg);
			return CLI_USAGE;
		}
	if (ch < 0)
		return o.rc;
	if (optind + 1 != argc)
		return cli_usage(usage);
	a.deal = argv[optind];
	if ((rc = plan_check(&a, o.format)))
		return rc;
	if (!(st = cli_store_open(o.db)))
		return CLI_FAILED;
	mk_plan_init(&plan);
	memset(&deal, 0, sizeof deal);
	mk_diag_clear(&d);
	if ((err = mk_store_deal_get(st, a.deal, &deal, &d)) || (err = mk_store_plan(st, a.deal, &plan, &d))) {
		cli_diag(&d, err);
		rc = CLI_FAILED;
	} else {
		rc = plan_print(st, &a, &plan, deal.name);
	}
	mk_plan_release(&plan);
	mk_deal_release(&deal);
	mk_store_close(st);
	return rc;
}
