/*
 * cmd_plan.c: `mapkeeper plan DEAL [--format text|json|csv|md] [--db PATH]`: the mutual
 * action plan as a rep would share it with the buyer: items grouped by side (owner, due,
 * status, last change, a mark when the date slipped), stakeholders and open risks.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char usage[] = "mapkeeper plan DEAL [--format text|json|csv|md] [--db PATH]";

static const char *due_str(const struct mk_item *it, char *buf, size_t n)
{
	if (!it->has_due)
		return "";
	mk_date_format(it->due, buf, n);
	return buf;
}


/* Markdown table cells must not break the table. */
static void md_cell(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', out);
		else
			fputc(*s, out);
	}
}

static const enum mk_side sides[] = { MK_SIDE_BUYER, MK_SIDE_SELLER, MK_SIDE_UNKNOWN };
static const char *const side_titles[] = { "Buyer", "Seller", "Unassigned" };

/* The heading of a side's items and one item, as a table (md 0) or in Markdown. */
static void side_head(int md, int s)
{
	if (md)
		printf("\n## %s side\n\n| Owner | Action | Due | Status |\n| --- | --- | --- | --- |\n",
		       side_titles[s]);
	else
		printf("\n%s side\n  %-5s %-22s %-12s %-8s %-11s %s\n", side_titles[s], "id", "owner", "due",
		       "status", "changed", "action");
}

static void item_row(int md, const struct mk_item *it)
{
	char due[16];

	if (!md) {
		printf("  %-5lld %-22.22s %-12s %-8s %-11.10s %s%s%s\n", (long long)it->id,
		       it->owner ? it->owner : "-", due_str(it, due, sizeof due), mk_status_name(it->status),
		       it->updated_at ? it->updated_at : "-", it->action ? it->action : "",
		       it->slipped ? "  (slipped)" : "", it->from_removed_call ? "  (from a removed call)" : "");
		return;
	}
	printf("| ");
	md_cell(stdout, it->owner ? it->owner : "-");
	printf(" | ");
	md_cell(stdout, it->action);
	printf(" | %s%s | %s |\n", due_str(it, due, sizeof due), it->slipped ? " (moved)" : "",
	       mk_status_name(it->status));
}

/* The items side by side (buyer, seller, unassigned), each side under its heading. */
static void print_items(int md, const struct mk_plan *p)
{
	for (int s = 0; s < 3; s++) {
		int any = 0;
		for (size_t i = 0; i < p->nitems; i++) {
			if (p->items[i].side != sides[s])
				continue;
			if (!any++)
				side_head(md, s);
			item_row(md, &p->items[i]);
		}
	}
}

static void print_table(const char *deal, const struct mk_plan *p)
{
	printf("Mutual action plan: %s\n", deal);
	print_items(0, p);
	if (!p->nitems)
		printf("\nno items yet: ingest a call and approve its proposals\n");
	if (p->npeople) {
		printf("\nStakeholders\n");
		for (size_t i = 0; i < p->npeople; i++)
			printf("  %s%s%s (%s)\n", p->people[i].name ? p->people[i].name : "",
			       p->people[i].name && p->people[i].role ? ", " : "",
			       p->people[i].role ? p->people[i].role : "", mk_side_name(p->people[i].side));
	}
	if (p->nrisks) {
		printf("\nOpen risks\n");
		for (size_t i = 0; i < p->nrisks; i++)
			printf("  [%s] %s\n", p->risks[i].category, p->risks[i].text);
	}
}

static void print_md(const char *deal, const struct mk_plan *p)
{
	printf("# Mutual action plan: %s\n", deal);
	print_items(1, p);
	if (p->npeople) {
		printf("\n## Stakeholders\n\n");
		for (size_t i = 0; i < p->npeople; i++) {
			printf("- ");
			md_cell(stdout, p->people[i].name ? p->people[i].name : "");
			if (p->people[i].name && p->people[i].role)
				printf(", ");
			md_cell(stdout, p->people[i].role);
			printf(" (%s)\n", mk_side_name(p->people[i].side));
		}
	}
	if (p->nrisks) {
		printf("\n## Open risks\n\n");
		for (size_t i = 0; i < p->nrisks; i++) {
			printf("- **%s**: ", p->risks[i].category);
			md_cell(stdout, p->risks[i].text);
			printf("\n");
		}
	}
}

static void print_csv(const struct mk_plan *p)
{
	char due[16];
	printf("id,side,owner,action,due,status,revisions,slipped\n");
	for (size_t i = 0; i < p->nitems; i++) {
		const struct mk_item *it = &p->items[i];
		printf("%lld,%s,", (long long)it->id, mk_side_name(it->side));
		cli_csv_field(stdout, it->owner);
		fputc(',', stdout);
		cli_csv_field(stdout, it->action);
		printf(",%s,%s,%d,%s\n", due_str(it, due, sizeof due), mk_status_name(it->status), it->revisions,
		       it->slipped ? "yes" : "no");
	}
}

int cmd_plan(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_OPT_FORMAT,
		CLI_OPT_DB,
		CLI_OPT_END,
	};
	struct cli_opts o = { .format = "text" };
	const char *fmt;
	struct mk_store *st;
	struct mk_plan plan;
	struct mk_deal deal;
	struct mk_diag d;
	enum mk_err err;
	int rc;

	if (cli_getopt("plan", argc, argv, "h", longopts, usage, &o) < 0)
		return o.rc;
	if (optind + 1 != argc)
		return cli_usage(usage);
	if (!(fmt = cli_format("plan", o.format, "text|json|csv|md")))
		return CLI_USAGE;
	if (!(st = cli_store_open(o.db)))
		return CLI_FAILED;
	mk_plan_init(&plan);
	memset(&deal, 0, sizeof deal);
	mk_diag_clear(&d);
	rc = CLI_FAILED;
	if ((err = mk_store_deal_get(st, argv[optind], &deal, &d)) ||
	    (err = mk_store_plan(st, argv[optind], &plan, &d))) {
		cli_diag(&d, err);
		goto out;
	}
	if (!strcmp(fmt, "json"))
		cli_json_print(cli_plan_json(deal.name, &plan));
	else if (!strcmp(fmt, "csv"))
		print_csv(&plan);
	else if (!strcmp(fmt, "md"))
		print_md(deal.name, &plan);
	else
		print_table(deal.name, &plan);
	rc = CLI_OK;
out:
	mk_plan_release(&plan);
	mk_deal_release(&deal);
	mk_store_close(st);
	return rc;
}
