/*
 * cmd_plan.c: `mapkeeper plan DEAL [--format text|json|csv|md] [--db PATH]`: the mutual
 * action plan as a rep would share it with the buyer: items grouped by side (owner, due,
 * status, last change, a mark when the date slipped), stakeholders and open risks.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
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

static void print_table(const char *deal, const struct mk_plan *p)
{
	char due[16];
	printf("Mutual action plan: %s\n", deal);
	for (int s = 0; s < 3; s++) {
		int any = 0;
		for (size_t i = 0; i < p->nitems; i++) {
			const struct mk_item *it = &p->items[i];
			if (it->side != sides[s])
				continue;
			if (!any++)
				printf("\n%s side\n  %-5s %-22s %-12s %-8s %-11s %s\n", side_titles[s], "id", "owner",
				       "due", "status", "changed", "action");
			printf("  %-5lld %-22.22s %-12s %-8s %-11.10s %s%s%s\n", (long long)it->id,
			       it->owner ? it->owner : "-", due_str(it, due, sizeof due), mk_status_name(it->status),
			       it->updated_at ? it->updated_at : "-", it->action ? it->action : "",
			       it->slipped ? "  (slipped)" : "", it->from_removed_call ? "  (from a removed call)" : "");
		}
	}
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
	char due[16];
	printf("# Mutual action plan: %s\n", deal);
	for (int s = 0; s < 3; s++) {
		int any = 0;
		for (size_t i = 0; i < p->nitems; i++) {
			const struct mk_item *it = &p->items[i];
			if (it->side != sides[s])
				continue;
			if (!any++)
				printf("\n## %s side\n\n| Owner | Action | Due | Status |\n| --- | --- | --- | --- |\n",
				       side_titles[s]);
			printf("| ");
			md_cell(stdout, it->owner ? it->owner : "-");
			printf(" | ");
			md_cell(stdout, it->action);
			printf(" | %s%s | %s |\n", due_str(it, due, sizeof due), it->slipped ? " (moved)" : "",
			       mk_status_name(it->status));
		}
	}
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

static void print_json(const char *deal, const struct mk_plan *p)
{
	json_t *o = cli_plan_json(deal, p);
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	printf("%s\n", s);
	free(s);
	json_decref(o);
}

int cmd_plan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "db", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fmt = "text", *db = NULL;
	struct mk_store *st;
	struct mk_plan plan;
	struct mk_deal deal;
	struct mk_diag d;
	enum mk_err err;
	int ch, rc = 1;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f': fmt = optarg; break;
		case 'b': db = optarg; break;
		case 'h': printf("usage: %s\n", usage); return 0;
		default:
			return cli_bad_option("plan", argv, "h", longopts);
		}
	}
	if (optind + 1 != argc)
		return cli_usage(usage);
	if (!(fmt = cli_format("plan", fmt, "text|json|csv|md")))
		return 2;
	if (!(st = cli_store_open(db)))
		return 1;
	mk_plan_init(&plan);
	memset(&deal, 0, sizeof deal);
	mk_diag_clear(&d);
	if ((err = mk_store_deal_get(st, argv[optind], &deal, &d)) ||
	    (err = mk_store_plan(st, argv[optind], &plan, &d))) {
		cli_diag(&d, err);
		goto out;
	}
	if (!strcmp(fmt, "json"))
		print_json(deal.name, &plan);
	else if (!strcmp(fmt, "csv"))
		print_csv(&plan);
	else if (!strcmp(fmt, "md"))
		print_md(deal.name, &plan);
	else
		print_table(deal.name, &plan);
	rc = 0;
out:
	mk_plan_release(&plan);
	mk_deal_release(&deal);
	mk_store_close(st);
	return rc;
}
