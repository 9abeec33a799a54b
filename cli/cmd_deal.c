/*
 * cmd_deal.c: `mapkeeper deal add NAME --seller "A,B" [--seller-domain D] [--seller-org S]
 * [--buyer-org B] [--buyer-domain D]`, `deal list`, `deal show NAME` (each with [--db PATH] [--format
 * text|json]). A deal names its selling team so extraction knows each speaker's side.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char usage[] =
	"mapkeeper deal add NAME --seller \"A,B\" [--seller-domain x.com] [--seller-org S] [--buyer-org B]\n"
	"                      [--buyer-domain y.com]\n"
	"       mapkeeper deal list | show NAME   [--db PATH] [--format text|json]";

static json_t *deal_json(const struct mk_deal *d)
{
	return json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?}", "name", d->name, "sellers",
			 d->sellers ? d->sellers : "", "seller_domain", d->seller_domain, "seller_org",
			 d->seller_org, "buyer_org", d->buyer_org, "buyer_domain", d->buyer_domain,
			 "created_at", d->created_at);
}

static void print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	printf("%s\n", s);
	free(s);
	json_decref(j);
}

int cmd_deal(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seller", required_argument, NULL, 's' },
		{ "seller-domain", required_argument, NULL, 'D' },
		{ "seller-org", required_argument, NULL, 'S' },
		{ "buyer-org", required_argument, NULL, 'B' },
		{ "buyer-domain", required_argument, NULL, 'b' },
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mk_deal deal;
	const char *db = NULL, *fmt = "text", *verb;
	struct mk_store *st = NULL;
	struct mk_diag diag;
	enum mk_err err;
	int ch, rc = 1;
	memset(&deal, 0, sizeof deal);
	mk_diag_clear(&diag);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': deal.sellers = optarg; break;
		case 'D': deal.seller_domain = optarg; break;
		case 'S': deal.seller_org = optarg; break;
		case 'B': deal.buyer_org = optarg; break;
		case 'b': deal.buyer_domain = optarg[0] == '@' ? optarg + 1 : optarg; break;
		case 'd': db = optarg; break;
		case 'f': fmt = optarg; break;
		case 'h': printf("usage: %s\n", usage); return 0;
		default:
			return cli_bad_option("deal", argv, "h", longopts);
		}
	}
	if (optind >= argc)
		return cli_usage(usage);
	verb = argv[optind];
	if (!(fmt = cli_format("deal", fmt, "text|json")))
		return 2;
	if (!strcmp(verb, "add")) {
		struct cli_names names;
		if (optind + 2 != argc)
			return cli_usage(usage);
		deal.name = argv[optind + 1];
		cli_split_names(deal.sellers, &names);
		if (!names.n && !(deal.seller_domain && *deal.seller_domain)) {
			cli_error("deal add: name the selling team with --seller \"A,B\" (or --seller-domain)");
			return 2;
		}
		cli_names_free(&names);
		if (deal.buyer_domain && (!*deal.buyer_domain || strchr(deal.buyer_domain, '@'))) {
			cli_error("deal add: --buyer-domain wants a domain such as 'example.com'");
			return 2;
		}
		if (deal.buyer_domain && deal.seller_domain &&
		    !strcasecmp(deal.buyer_domain, deal.seller_domain)) {
			cli_error("deal add: --buyer-domain '%s' is the seller's domain", deal.buyer_domain);
			return 2;
		}
		if (!*deal.name) {
			cli_error("deal add: the deal needs a name");
			return 2;
		}
		if (!(st = cli_store_create(db)))
			return 1;
		err = mk_store_deal_add(st, &deal, &diag);
		if (err) {
			cli_diag(&diag, err);
			goto out;
		}
		printf("added deal '%s' (sellers: %s)\n", deal.name, deal.sellers ? deal.sellers : "-");
		rc = 0;
	} else if (!strcmp(verb, "list")) {
		struct mk_deal *ds = NULL;
		size_t n = 0;
		if (optind + 1 != argc)
			return cli_usage(usage);
		if (!(st = cli_store_open(db)))
			return 1;
		err = mk_store_deal_list(st, &ds, &n, &diag);
		if (err) {
			cli_diag(&diag, err);
			goto out;
		}
		if (!strcmp(fmt, "json")) {
			json_t *a = json_array();
			for (size_t i = 0; i < n; i++)
				json_array_append_new(a, deal_json(&ds[i]));
			print_json(json_pack("{s:o}", "deals", a));
		} else {
			for (size_t i = 0; i < n; i++)
				printf("%-28s sellers: %s\n", ds[i].name, ds[i].sellers ? ds[i].sellers : "-");
			if (!n)
				printf("no deals yet (mapkeeper deal add NAME --seller \"A,B\")\n");
		}
		for (size_t i = 0; i < n; i++)
			mk_deal_release(&ds[i]);
		free(ds);
		rc = 0;
	} else if (!strcmp(verb, "show")) {
		struct mk_deal d;
		struct mk_plan plan;
		if (optind + 2 != argc)
			return cli_usage(usage);
		if (!(st = cli_store_open(db)))
			return 1;
		memset(&d, 0, sizeof d);
		err = mk_store_deal_get(st, argv[optind + 1], &d, &diag);
		if (err) {
			cli_diag(&diag, err);
			goto out;
		}
		mk_plan_init(&plan);
		err = mk_store_plan(st, d.name, &plan, &diag);
		if (err) {
			cli_diag(&diag, err);
			mk_deal_release(&d);
			goto out;
		}
		if (!strcmp(fmt, "json")) {
			json_t *j = deal_json(&d);
			json_object_set_new(j, "items", json_integer((json_int_t)plan.nitems));
			json_object_set_new(j, "stakeholders", json_integer((json_int_t)plan.npeople));
			json_object_set_new(j, "risks", json_integer((json_int_t)plan.nrisks));
			print_json(j);
		} else {
			printf("deal:        %s\nsellers:     %s\n", d.name, d.sellers ? d.sellers : "-");
			if (d.seller_domain)
				printf("seller domain: %s\n", d.seller_domain);
			if (d.buyer_domain)
				printf("buyer domain: %s\n", d.buyer_domain);
			printf("seller org:  %s\nbuyer org:   %s\nplan:        %zu items, %zu stakeholders, %zu open risks\n",
			       d.seller_org ? d.seller_org : "-", d.buyer_org ? d.buyer_org : "-", plan.nitems,
			       plan.npeople, plan.nrisks);
		}
		mk_plan_release(&plan);
		mk_deal_release(&d);
		rc = 0;
	} else {
		cli_error("deal: unknown action '%s' (add, list or show)", verb);
		return 2;
	}
out:
	mk_store_close(st);
	return rc;
}
