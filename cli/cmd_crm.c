/*
 * cmd_crm.c: `mapkeeper crm push|pull salesforce|hubspot` runs the library's push or pull
 * (mk_crm_push, mk_crm_pull: every deal linked to the CRM, or --deal) and prints what became
 * of each item, as text (one line per item that changed, then a summary) or JSON; `crm status
 * [DEAL]` shows each linked deal's record, its last push and pull, and each item's task with
 * its address. Does not talk to a CRM or read the configuration itself (crm/ does).
 * Invariant: exit 1 when any item (or the run) failed, 2 on a usage error.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"mapkeeper crm push|pull salesforce|hubspot [--deal NAME] [--format text|json] [--config FILE] "
	"[--db PATH] [--wait SECONDS] [--recreate ITEM] [--as WHO]\n"
	"       mapkeeper crm status [DEAL] [--format text|json] [--config FILE] [--db PATH]\n"
	"\n"
	"crm push sends the approved plan of every deal linked to the CRM (mapkeeper deal link),\n"
	"or of --deal NAME, as tasks on the deal's record:\n"
	"a new item is created, a changed one updated, an unchanged one sends nothing, an item\n"
	"that left the plan has its task closed; then the record's next step and plan health.\n"
	"A task deleted in the CRM is reported and never made again: --recreate ITEM makes a\n"
	"new one. crm pull turns tasks completed, re-dated or set waiting in the CRM into\n"
	"proposals to review (mapkeeper review). One push or pull per CRM runs at a time: the\n"
	"next one waits up to --wait SECONDS (default 120). The credentials come from the\n"
	"environment or the chmod-600 --config FILE ($MAPKEEPER_CONFIG), as for sync: SF_DOMAIN,\n"
	"SF_CLIENT_ID and SF_CLIENT_SECRET (or SF_USERNAME and SF_JWT_KEY_FILE); HUBSPOT_TOKEN\n"
	"(docs/crm.md). crm status: each linked deal's record, its last push and pull, and each\n"
	"item's task with its address.";

/* ---- push and pull ---------------------------------------------------------------- */

static void print_line_text(const struct mk_crm_line *l)
{
	if (l->item_id)
		printf("%s #%lld %s: %s%s%s%s\n", l->deal, (long long)l->item_id, l->what, l->detail ? l->detail : "",
		       l->remote_id ? " (" : "", l->remote_id ? l->remote_id : "", l->remote_id ? ")" : "");
	else
		printf("%s %s: %s\n", l->deal, l->what, l->detail ? l->detail : "");
}

static void print_text(const char *kind, const struct mk_crm_result *r)
{
	const char *crm = mk_crm_name(r->crm);

	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].what, "unchanged"))
			print_line_text(&r->v[i]);
	if (!r->deals)
		printf("%s %s: no deal is linked to %s (mapkeeper deal link NAME --%s [ID])\n", crm, kind,
		       mk_crm_title(r->crm), crm);
	else if (!strcmp(kind, "push"))
		printf("%s push: %zu deal%s, %zu created, %zu updated, %zu unchanged, %zu deleted in CRM, "
		       "%zu error%s\n", crm, r->deals, r->deals == 1 ? "" : "s", r->created, r->updated,
		       r->unchanged, r->deleted, r->errors, r->errors == 1 ? "" : "s");
	else
		printf("%s pull: %zu deal%s, %zu proposed%s, %zu unchanged, %zu deleted in CRM, %zu error%s\n", crm,
		       r->deals, r->deals == 1 ? "" : "s", r->proposed, r->proposed ? " (mapkeeper review)" : "",
		       r->unchanged, r->deleted, r->errors, r->errors == 1 ? "" : "s");
}

static void print_json(const struct mk_crm_result *r)
{
	json_t *lines = json_array();

	for (size_t i = 0; i < r->n; i++) {
		const struct mk_crm_line *l = &r->v[i];
		json_array_append_new(lines, json_pack("{s:s, s:I, s:s?, s:s, s:s?}", "deal", l->deal, "item",
						       (json_int_t)l->item_id, "remote_id", l->remote_id, "what",
						       l->what, "detail", l->detail));
	}
	cli_json_print(json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "crm", mk_crm_name(r->crm),
				 "deals", (json_int_t)r->deals, "created", (json_int_t)r->created, "updated",
				 (json_int_t)r->updated, "unchanged", (json_int_t)r->unchanged, "proposed",
				 (json_int_t)r->proposed, "deleted", (json_int_t)r->deleted, "errors",
				 (json_int_t)r->errors, "run_id", (json_int_t)r->run_id, "lines", lines));
}

/* What the command line asks for. */
struct crm_args {
	struct mk_crm_opts o;
	const char *fmt, *db, *as, *wait, *recreate;
};

/* Options into a; an exit code when the command should end here (-1: go on). */
static int crm_options(int argc, char **argv, struct crm_args *a)
{
	static const struct option longopts[] = {
		{ "deal", required_argument, NULL, 'D' },
		CLI_OPT_FORMAT,
		CLI_OPT_DB,
		CLI_OPT_AS,
		{ "config", required_argument, NULL, 'c' },
		{ "wait", required_argument, NULL, 'w' },
		{ "recreate", required_argument, NULL, 'r' },
		CLI_OPT_END,
	};
	struct cli_opts o = { .format = "text" };
	int ch;

	while ((ch = cli_getopt("crm", argc, argv, "h", longopts, usage, &o)) > 0) {
		switch (ch) {
		case 'D': a->o.deal = optarg; break;
		case 'c': a->o.config = optarg; break;
		case 'w': a->wait = optarg; break;
		case 'r': a->recreate = optarg; break;
		}
	}
	a->db = o.db;
	a->fmt = o.format;
	a->as = o.as;
	return ch < 0 ? o.rc : -1;
}

/* push|pull CRM: the operands and the options' values; -1 when they hold. */
static int crm_check(const char *verb, int nargs, char **args, struct crm_args *a)
{
	char *end = NULL;
	long w;

	if (nargs != 2)
		return cli_usage(usage);
	if (mk_crm_parse(args[1], &a->o.crm)) {
		cli_error("crm %s: unknown CRM '%s' (salesforce or hubspot)", verb, args[1]);
		return CLI_USAGE;
	}
	if (a->wait) {
		w = strtol(a->wait, &end, 10);
		if (end == a->wait || *end || w < 0 || w > 86400) {
			cli_error("crm %s: --wait wants seconds (0 to 86400), not '%s'", verb, a->wait);
			return CLI_USAGE;
		}
		a->o.wait_s = (int)w;
	}
	if (a->recreate && strcmp(verb, "push")) {
		cli_error("crm %s: --recreate is for crm push", verb);
		return CLI_USAGE;
	}
	if (a->recreate && !(a->o.recreate_item = cli_parse_id(a->recreate))) {
		cli_error("crm push: --recreate wants an item id, not '%s'", a->recreate);
		return CLI_USAGE;
	}
	return -1;
}

static int crm_run(const char *verb, int nargs, char **args, struct crm_args *a)
{
	struct mk_crm_result r;
	struct mk_store *st;
	struct mk_diag diag;
	enum mk_err err;
	int rc;

	if ((rc = crm_check(verb, nargs, args, a)) >= 0)
		return rc;
	if (!(st = cli_store_open(a->db)))
		return CLI_FAILED;
	a->o.who = cli_who(a->as);
	mk_diag_clear(&diag);
	memset(&r, 0, sizeof r);
	err = !strcmp(verb, "push") ? mk_crm_push(st, &a->o, &r, &diag) : mk_crm_pull(st, &a->o, &r, &diag);
	if (err)
		cli_diag(&diag, err);
	else if (!strcmp(a->fmt, "json"))
		print_json(&r);
	else
		print_text(verb, &r);
	rc = err || r.errors ? CLI_FAILED : CLI_OK;
	mk_crm_result_release(&r);
	mk_store_close(st);
	return rc;
}

/* ---- status ----------------------------------------------------------------------- */

static const char *state_name(enum mk_crm_item_state s)
{
	static const char *const names[] = { "new", "pending", "synced", "deleted" };
	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static json_t *run_json(const struct mk_crm_run *r)
{
	if (!r)
		return json_null();
	return json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:I, s:I, s:I, s:I, s:I, s:I}", "run_id", (json_int_t)r->id,
			 "started_at", r->started_at, "finished_at", r->finished_at, "result", r->result, "message",
			 r->message, "created", (json_int_t)r->created, "updated", (json_int_t)r->updated,
			 "unchanged", (json_int_t)r->unchanged, "proposed", (json_int_t)r->proposed, "deleted",
			 (json_int_t)r->deleted, "errors", (json_int_t)r->errors);
}

static void run_text(const char *kind, const struct mk_crm_run *r)
{
	if (!r) {
		printf("    last %s: never\n", kind);
		return;
	}
	printf("    last %s: %s %s", kind, r->started_at ? r->started_at : "?", r->result ? r->result : "?");
	if (!strcmp(kind, "push"))
		printf(" (%lld created, %lld updated, %lld unchanged, %lld deleted in CRM, %lld errors)",
		       (long long)r->created, (long long)r->updated, (long long)r->unchanged, (long long)r->deleted,
		       (long long)r->errors);
	else
		printf(" (%lld proposed, %lld unchanged, %lld deleted in CRM, %lld errors)", (long long)r->proposed,
		       (long long)r->unchanged, (long long)r->deleted, (long long)r->errors);
	printf("%s%s\n", r->message ? ": " : "", r->message ? r->message : "");
}

/* What status shows of one deal in one CRM. */
struct status_crm {
	enum mk_crm crm;
	char *remote_id, *url;
	struct mk_crm_run *push, *pull;
	struct mk_crm_item *items;
	size_t n;
	char **urls;                /* each item's task address, or NULL */
};

static void status_crm_release(struct status_crm *s)
{
	for (size_t i = 0; s->urls && i < s->n; i++)
		free(s->urls[i]);
	free(s->urls);
	mk_crm_items_free(s->items, s->n);
	mk_crm_runs_free(s->push, s->push ? 1 : 0);
	mk_crm_runs_free(s->pull, s->pull ? 1 : 0);
	free(s->remote_id);
	free(s->url);
	memset(s, 0, sizeof *s);
}

/* The deal's link to crm and what went with it; *linked 0 when it has none. */
static enum mk_err status_crm_read(struct mk_store *st, const char *deal, enum mk_crm crm, const char *config,
				   struct status_crm *s, struct mk_diag *d)
{
	enum mk_err err;

	memset(s, 0, sizeof *s);
	s->crm = crm;
	if ((err = mk_store_crm_link_get(st, deal, crm, &s->remote_id, d)) || !s->remote_id)
		return err;
	if ((err = mk_store_crm_last(st, deal, crm, &s->push, &s->pull, d)) ||
	    (err = mk_store_crm_items(st, deal, crm, &s->items, &s->n, d)))
		return err;
	s->url = mk_crm_record_url(crm, config, "deal", s->remote_id);
	s->urls = calloc(s->n ? s->n : 1, sizeof *s->urls);
	if (!s->urls)
		abort();
	for (size_t i = 0; i < s->n; i++)
		if (s->items[i].remote_id)
			s->urls[i] = mk_crm_record_url(crm, config, "task", s->items[i].remote_id);
	return MK_OK;
}

static json_t *status_crm_json(const struct status_crm *s)
{
	json_t *items = json_array();

	for (size_t i = 0; i < s->n; i++) {
		const struct mk_crm_item *it = &s->items[i];
		json_array_append_new(items, json_pack("{s:I, s:s?, s:b, s:s, s:s?, s:s?, s:s?, s:s?}", "item",
						       (json_int_t)it->item.id, "action", it->item.action, "gone",
						       it->gone, "state", state_name(it->state), "remote_id",
						       it->remote_id, "url", s->urls[i], "pushed_at", it->pushed_at,
						       "pulled_at", it->pulled_at));
	}
	return json_pack("{s:s, s:s, s:s?, s:o, s:o, s:o}", "crm", mk_crm_name(s->crm), "remote_id", s->remote_id,
			 "url", s->url, "last_push", run_json(s->push), "last_pull", run_json(s->pull), "items",
			 items);
}

static void status_crm_text(const struct status_crm *s)
{
	printf("  %s: %s%s%s\n", mk_crm_name(s->crm), s->remote_id, s->url ? " " : "", s->url ? s->url : "");
	run_text("push", s->push);
	run_text("pull", s->pull);
	for (size_t i = 0; i < s->n; i++) {
		const struct mk_crm_item *it = &s->items[i];
		printf("    #%lld %s%s%s%s%s: %s\n", (long long)it->item.id,
		       it->state == MK_CRM_DELETED ? "deleted in CRM" : it->remote_id ? "task" :
		       it->state == MK_CRM_PENDING ? "pending (a create not confirmed: the next push finds it)" :
						     "not pushed yet",
		       it->remote_id ? " " : "", it->remote_id ? it->remote_id : "", s->urls[i] ? " " : "",
		       s->urls[i] ? s->urls[i] : "", it->item.action ? it->item.action : "");
	}
}

/* One deal's links: *shown 1 when it has any. */
static enum mk_err status_deal(struct mk_store *st, const char *deal, const char *config, json_t *out, int *shown,
			       struct mk_diag *d)
{
	json_t *crms = json_array();
	enum mk_err err = MK_OK;

	*shown = 0;
	for (int c = 0; !err && c < MK_CRM_COUNT; c++) {
		struct status_crm s;
		if (!(err = status_crm_read(st, deal, (enum mk_crm)c, config, &s, d)) && s.remote_id) {
			if (!*shown && !out)
				printf("%s\n", deal);
			*shown = 1;
			if (out)
				json_array_append_new(crms, status_crm_json(&s));
			else
				status_crm_text(&s);
		}
		status_crm_release(&s);
	}
	if (!err && *shown && out)
		json_array_append_new(out, json_pack("{s:s, s:O}", "deal", deal, "crms", crms));
	json_decref(crms);
	return err;
}

static int crm_status(int nargs, char **args, struct crm_args *a)
{
	struct mk_deal *ds = NULL;
	struct mk_store *st;
	struct mk_diag d;
	json_t *deals = !strcmp(a->fmt, "json") ? json_array() : NULL;
	size_t n = 0, shown = 0;
	enum mk_err err = MK_OK;
	int one;

	if (nargs > 2) {
		json_decref(deals);
		return cli_usage(usage);
	}
	if (!(st = cli_store_open(a->db))) {
		json_decref(deals);
		return CLI_FAILED;
	}
	mk_diag_clear(&d);
	if (nargs == 2) {
		ds = calloc(1, sizeof *ds);
		if (!ds || !(ds->name = strdup(args[1])))
			abort();
		n = 1;
	} else {
		err = mk_store_deal_list(st, &ds, &n, &d);
	}
	for (size_t i = 0; !err && i < n; i++) {
		err = status_deal(st, ds[i].name, a->o.config, deals, &one, &d);
		shown += (size_t)one;
	}
	if (err)
		cli_store_failed(err, &d, nargs == 2 ? args[1] : "");
	else if (deals)
		cli_json_print(json_pack("{s:O}", "deals", deals));
	else if (!shown)
		printf("%s (mapkeeper deal link NAME --salesforce [ID] | --hubspot [ID])\n",
		       nargs == 2 ? "the deal is not linked to a CRM" : "no deal is linked to a CRM");
	json_decref(deals);
	for (size_t i = 0; i < n; i++)
		mk_deal_release(&ds[i]);
	free(ds);
	mk_store_close(st);
	return err ? CLI_FAILED : CLI_OK;
}

int cmd_crm(int argc, char **argv)
{
	struct crm_args a;
	const char *verb;
	int rc;

	memset(&a, 0, sizeof a);
	if ((rc = crm_options(argc, argv, &a)) >= 0)
		return rc;
	if (optind >= argc)
		return cli_usage(usage);
	verb = argv[optind];
	if (!(a.fmt = cli_format("crm", a.fmt, "text|json")))
		return CLI_USAGE;
	if (!strcmp(verb, "push") || !strcmp(verb, "pull"))
		return crm_run(verb, argc - optind, argv + optind, &a);
	if (!strcmp(verb, "status")) {
		if (a.o.deal || a.wait || a.recreate) {
			cli_error("crm status: --deal, --wait and --recreate are for push and pull (crm status [DEAL])");
			return CLI_USAGE;
		}
		return crm_status(argc - optind, argv + optind, &a);
	}
	cli_error("crm: unknown action '%s' (push, pull or status)", verb);
	return CLI_USAGE;
}
