/*
 * cmd_deal.c: `mapkeeper deal add NAME --seller "A,B" [--seller-domain D] [--seller-org S]
 * [--buyer-org B] [--buyer-domain D]`, `deal list`, `deal show NAME` (each with [--db PATH] [--format
 * text|json]). A deal names its selling team so extraction knows each speaker's side.
 * `deal link NAME --salesforce [ID] | --hubspot [ID] [--off]` ties it to its CRM record
 * (mk_crm_link checks the record, or finds the one named like the deal).
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char usage[] =
	"mapkeeper deal add NAME --seller \"A,B\" [--seller-domain x.com] [--seller-org S] [--buyer-org B]\n"
	"                      [--buyer-domain y.com]\n"
	"       mapkeeper deal list | show NAME   [--db PATH] [--format text|json]\n"
	"       mapkeeper deal rename OLD NEW [--as WHO]\n"
	"       mapkeeper deal remove NAME [--yes]   (deletes its calls, plan and history)\n"
	"       mapkeeper deal link NAME --salesforce [ID] | --hubspot [ID] [--off] [--config FILE] [--as WHO]";

/* ---- deal link (issue 15) ---------------------------------------------------------- */

/* What `deal link` reads of the options. */
struct deal_link_opts {
	int salesforce, hubspot, off;
	const char *config;
};

/* deal link NAME [ID]: args[0] is the verb. */
static int deal_link(int nargs, char **args, const struct deal_link_opts *l, const char *db, const char *as,
		     const char *fmt)
{
	struct mk_crm_opts o = { .config = l->config, .who = cli_who(as) };
	const char *id = nargs == 3 ? args[2] : NULL;
	char *rid = NULL, *url = NULL;
	struct mk_store *st;
	struct mk_diag d;
	enum mk_err err;

	if (nargs < 2 || nargs > 3)
		return cli_usage(usage);
	if (l->salesforce + l->hubspot != 1) {
		cli_error("deal link: give one CRM: --salesforce [ID] or --hubspot [ID]");
		return CLI_USAGE;
	}
	if (l->off && id) {
		cli_error("deal link: --off takes no id (deal link NAME --%s --off)", l->hubspot ? "hubspot" : "salesforce");
		return CLI_USAGE;
	}
	o.crm = l->hubspot ? MK_CRM_HUBSPOT : MK_CRM_SALESFORCE;
	if (!(st = cli_store_open(db)))
		return CLI_FAILED;
	mk_diag_clear(&d);
	if (l->off && !(err = mk_store_crm_link_get(st, args[1], o.crm, &rid, &d)) && rid)
		err = mk_store_crm_link(st, args[1], o.crm, NULL, o.who, &d);
	else if (!l->off)
		err = mk_crm_link(st, &o, args[1], id, &rid, &d);
	mk_store_close(st);
	if (err) {
		free(rid);
		/* the CRM has no such record: its own line, not the store's "no deal" */
		if (err == MK_ENOTFOUND && !strncmp(d.msg, mk_crm_name(o.crm), strlen(mk_crm_name(o.crm)))) {
			cli_diag(&d, err);
			return CLI_FAILED;
		}
		return cli_store_failed(err, &d, args[1]);
	}
	if (!l->off)
		url = mk_crm_record_url(o.crm, l->config, "deal", rid);
	if (!strcmp(fmt, "json"))
		cli_json_print(json_pack("{s:s, s:s, s:s?, s:s?}", "deal", args[1], "crm", mk_crm_name(o.crm),
					 "remote_id", l->off ? NULL : rid, "url", url));
	else if (l->off)
		printf(rid ? "unlinked deal '%s' from %s\n" : "deal '%s' was not linked to %s\n", args[1],
		       mk_crm_title(o.crm));
	else
		printf("linked deal '%s' to %s %s%s%s\n", args[1], mk_crm_title(o.crm), rid, url ? " " : "",
		       url ? url : "");
	free(rid);
	free(url);
	return CLI_OK;
}

static json_t *deal_json(const struct mk_deal *d)
{
	return json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?}", "name", d->name, "sellers",
			 d->sellers ? d->sellers : "", "seller_domain", d->seller_domain, "seller_org",
			 d->seller_org, "buyer_org", d->buyer_org, "buyer_domain", d->buyer_domain,
			 "created_at", d->created_at);
}

/* deal remove on a terminal: shows what goes and asks; 1 when the answer is yes. */
static int deal_confirm(struct mk_store *st, const char *name)
{
	struct mk_call *calls = NULL;
	struct mk_plan plan;
	struct mk_diag d;
	size_t ncalls = 0;
	char answer[16];
	enum mk_err err;

	mk_diag_clear(&d);
	if ((err = mk_store_plan(st, name, &plan, &d)) ||
	    (err = mk_store_calls(st, name, &calls, &ncalls, &d))) {
		mk_plan_release(&plan);
		cli_diag(&d, err);
		return -1;
	}
	fprintf(stderr, "remove deal '%s' with %zu call%s and %zu plan item%s, and all its history? [y/N] ",
		name, ncalls, ncalls == 1 ? "" : "s", plan.nitems, plan.nitems == 1 ? "" : "s");
	mk_plan_release(&plan);
	mk_calls_free(calls, ncalls);
	if (!fgets(answer, sizeof answer, stdin))
		return 0;
	return answer[0] == 'y' || answer[0] == 'Y';
}

/* deal rename OLD NEW, deal remove NAME: args[0] is the verb. */
static int deal_change(const char *verb, int nargs, char **args, const char *db, const char *as,
		       int yes, const char *fmt)
{
	struct mk_store *st;
	struct mk_diag d;
	enum mk_err err;
	int rename = !strcmp(verb, "rename"), ok;

	if (nargs != (rename ? 3 : 2))
		return cli_usage(usage);
	if (rename && !args[2][strspn(args[2], " \t")]) {
		cli_error("deal rename: the new name is empty");
		return CLI_USAGE;
	}
	if (!rename && !yes && !isatty(STDIN_FILENO)) {
		cli_error("deal remove: this deletes '%s' with its calls, plan and history: add --yes to confirm",
			  args[1]);
		return CLI_USAGE;
	}
	if (!(st = cli_store_open(db)))
		return CLI_FAILED;
	mk_diag_clear(&d);
	if (!rename && !yes && (ok = deal_confirm(st, args[1])) != 1) {
		mk_store_close(st);
		if (ok == 0)
			cli_error("deal remove: not confirmed: nothing was removed");
		return CLI_FAILED;
	}
	err = rename ? mk_store_deal_rename(st, args[1], args[2], cli_who(as), &d) :
		       mk_store_deal_remove(st, args[1], &d);
	mk_store_close(st);
	if (err) {
		cli_diag(&d, err);
		return CLI_FAILED;
	}
	if (!strcmp(fmt, "json"))
		cli_json_print(rename ? json_pack("{s:s, s:s}", "renamed", args[1], "name", args[2]) :
				    json_pack("{s:s}", "removed", args[1]));
	else if (rename)
		printf("renamed deal '%s' to '%s'\n", args[1], args[2]);
	else
		printf("removed deal '%s' with its calls, plan and history\n", args[1]);
	return CLI_OK;
}

/* deal add NAME: what the flags say of the selling team checked, then the deal stored. */
static int deal_add(struct mk_deal *deal, const char *db)
{
	struct mk_names names;
	struct mk_store *st;
	struct mk_diag diag;
	enum mk_err err;

	size_t nsellers;

	mk_names_split(deal->sellers, &names);
	nsellers = names.n;
	mk_names_free(&names);
	if (!nsellers && !(deal->seller_domain && *deal->seller_domain)) {
		cli_error("deal add: name the selling team with --seller \"A,B\" (or --seller-domain)");
		return CLI_USAGE;
	}
	if (deal->buyer_domain && (!*deal->buyer_domain || strchr(deal->buyer_domain, '@'))) {
		cli_error("deal add: --buyer-domain wants a domain such as 'example.com'");
		return CLI_USAGE;
	}
	if (deal->buyer_domain && deal->seller_domain && !strcasecmp(deal->buyer_domain, deal->seller_domain)) {
		cli_error("deal add: --buyer-domain '%s' is the seller's domain", deal->buyer_domain);
		return CLI_USAGE;
	}
	if (!*deal->name) {
		cli_error("deal add: the deal needs a name");
		return CLI_USAGE;
	}
	if (!(st = cli_store_create(db)))
		return CLI_FAILED;
	mk_diag_clear(&diag);
	if ((err = mk_store_deal_add(st, deal, &diag)))
		cli_diag(&diag, err);
	else
		printf("added deal '%s' (sellers: %s)\n", deal->name, deal->sellers ? deal->sellers : "-");
	mk_store_close(st);
	return err ? CLI_FAILED : CLI_OK;
}

/* deal list: every deal with its sellers. */
static int deal_list(struct mk_store *st, const char *fmt)
{
	struct mk_deal *ds = NULL;
	struct mk_diag diag;
	enum mk_err err;
	size_t n = 0;

	mk_diag_clear(&diag);
	if ((err = mk_store_deal_list(st, &ds, &n, &diag))) {
		cli_diag(&diag, err);
		return CLI_FAILED;
	}
	if (!strcmp(fmt, "json")) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, deal_json(&ds[i]));
		cli_json_print(json_pack("{s:o}", "deals", a));
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%-28s sellers: %s\n", ds[i].name, ds[i].sellers ? ds[i].sellers : "-");
		if (!n)
			printf("no deals yet (mapkeeper deal add NAME --seller \"A,B\")\n");
	}
	for (size_t i = 0; i < n; i++)
		mk_deal_release(&ds[i]);
	free(ds);
	return CLI_OK;
}

/* deal show NAME: the deal and how much its plan holds. */
static void print_deal(const struct mk_deal *d, const struct mk_plan *plan, const char *fmt)
{
	if (!strcmp(fmt, "json")) {
		json_t *j = deal_json(d);
		json_object_set_new(j, "items", json_integer((json_int_t)plan->nitems));
		json_object_set_new(j, "stakeholders", json_integer((json_int_t)plan->npeople));
		json_object_set_new(j, "risks", json_integer((json_int_t)plan->nrisks));
		cli_json_print(j);
		return;
	}
	printf("deal:        %s\nsellers:     %s\n", d->name, d->sellers ? d->sellers : "-");
	if (d->seller_domain)
		printf("seller domain: %s\n", d->seller_domain);
	if (d->buyer_domain)
		printf("buyer domain: %s\n", d->buyer_domain);
	printf("seller org:  %s\nbuyer org:   %s\nplan:        %zu items, %zu stakeholders, %zu open risks\n",
	       d->seller_org ? d->seller_org : "-", d->buyer_org ? d->buyer_org : "-", plan->nitems,
	       plan->npeople, plan->nrisks);
}

static int deal_show(struct mk_store *st, const char *name, const char *fmt)
{
	struct mk_deal d;
	struct mk_plan plan;
	struct mk_diag diag;
	enum mk_err err;

	memset(&d, 0, sizeof d);
	mk_plan_init(&plan);
	mk_diag_clear(&diag);
	if (!(err = mk_store_deal_get(st, name, &d, &diag)) && !(err = mk_store_plan(st, d.name, &plan, &diag)))
		print_deal(&d, &plan, fmt);
	else
		cli_diag(&diag, err);
	mk_plan_release(&plan);
	mk_deal_release(&d);
	return err ? CLI_FAILED : CLI_OK;
}

/* deal list and deal show NAME: the store opened for reading. */
static int deal_read(const char *verb, int nargs, char **args, const char *db, const char *fmt)
{
	struct mk_store *st;
	int rc;

	if (nargs != (!strcmp(verb, "list") ? 1 : 2))
		return cli_usage(usage);
	if (!(st = cli_store_open(db)))
		return CLI_FAILED;
	rc = !strcmp(verb, "list") ? deal_list(st, fmt) : deal_show(st, args[1], fmt);
	mk_store_close(st);
	return rc;
}

int cmd_deal(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seller", required_argument, NULL, 's' },
		{ "seller-domain", required_argument, NULL, 'D' },
		{ "seller-org", required_argument, NULL, 'S' },
		{ "buyer-org", required_argument, NULL, 'B' },
		{ "buyer-domain", required_argument, NULL, 'y' },
		CLI_OPT_DB,
		CLI_OPT_FORMAT,
		CLI_OPT_AS,
		{ "yes", no_argument, NULL, 'Y' },
		{ "salesforce", no_argument, NULL, 'F' },
		{ "hubspot", no_argument, NULL, 'H' },
		{ "off", no_argument, NULL, 'O' },
		{ "config", required_argument, NULL, 'c' },
		CLI_OPT_END,
	};
	struct cli_opts o = { .format = "text" };
	struct deal_link_opts link = { 0, 0, 0, NULL };
	const char *fmt, *verb;
	struct mk_deal deal;
	int ch, yes = 0;

	memset(&deal, 0, sizeof deal);
	while ((ch = cli_getopt("deal", argc, argv, "h", longopts, usage, &o)) > 0)
		switch (ch) {
		case 's': deal.sellers = optarg; break;
		case 'D': deal.seller_domain = optarg; break;
		case 'S': deal.seller_org = optarg; break;
		case 'B': deal.buyer_org = optarg; break;
		case 'y': deal.buyer_domain = optarg[0] == '@' ? optarg + 1 : optarg; break;
		case 'Y': yes = 1; break;
		case 'F': link.salesforce = 1; break;
		case 'H': link.hubspot = 1; break;
		case 'O': link.off = 1; break;
		case 'c': link.config = optarg; break;
		}
	if (ch < 0)
		return o.rc;
	if (optind >= argc)
		return cli_usage(usage);
	verb = argv[optind];
	if (!(fmt = cli_format("deal", o.format, "text|json")))
		return CLI_USAGE;
	if (!strcmp(verb, "add")) {
		if (optind + 2 != argc)
			return cli_usage(usage);
		deal.name = argv[optind + 1];
		return deal_add(&deal, o.db);
	}
	if (!strcmp(verb, "list") || !strcmp(verb, "show"))
		return deal_read(verb, argc - optind, argv + optind, o.db, fmt);
	if (!strcmp(verb, "rename") || !strcmp(verb, "remove"))
		return deal_change(verb, argc - optind, argv + optind, o.db, o.as, yes, fmt);
	if (!strcmp(verb, "link"))
		return deal_link(argc - optind, argv + optind, &link, o.db, o.as, fmt);
	cli_error("deal: unknown action '%s' (add, list, show, rename, remove or link)", verb);
	return CLI_USAGE;
}
