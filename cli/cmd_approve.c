/*
 * cmd_approve.c: deciding proposals.
 * `mapkeeper approve ID... [--deal NAME] | --all --deal NAME | --all-deals [--yes]`: all or
 * nothing, in one transaction: every proposal that cannot be approved as it stands is named
 * first, with what to do, and then nothing is approved. An ID of another deal than --deal
 * is refused; --all-deals shows the count per deal and asks on a terminal (else it needs
 * --yes). Approving news about an item still waiting for review approves the item first.
 * `mapkeeper reject ID... [--reason TEXT]`: each in its own transaction; rejecting an item
 * withdraws the news tied to it. `mapkeeper edit ID [--owner] [--due] [--action]` (the plan's
 * elements: --text, --time, --who, --kind, --stance, --waiting, --item, --depends-on).
 * Each takes `--format text|json` (JSON: what was decided or changed) and records who
 * decided (--as, else the user) and when.
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
	"mapkeeper approve ID... [--deal NAME] | --all --deal NAME | --all-deals [--yes] [--as WHO] [--format text|json] [--db PATH]\n"
	"\n"
	"All or nothing: when a proposal cannot be approved as it stands (an item with no action),\n"
	"each such proposal is named with what to do and nothing is approved. --all needs --deal;\n"
	"--all-deals approves every deal's pending proposals: it shows the count per deal and asks\n"
	"on a terminal (without one it needs --yes). Approving news about an item that is itself\n"
	"still a pending proposal approves that proposal first.";

/* Parses a proposal id ("12" or "#12"); 0 when it is not one. */
static long long parse_id(const char *s)
{
	char *end;
	long long v;
	if (*s == '#')
		s++;
	v = strtoll(s, &end, 10);
	return (*s && !*end && v > 0) ? v : 0;
}

/* The ids of a command line or of a pending list, each once, in order. */
struct ids {
	int64_t *v;
	size_t n, cap;
};

static int ids_has(const struct ids *l, int64_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == id)
			return 1;
	return 0;
}

static void ids_add(struct ids *l, int64_t id)
{
	if (ids_has(l, id))
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		if (!(l->v = realloc(l->v, l->cap * sizeof *l->v)))
			abort();
	}
	l->v[l->n++] = id;
}

/* The proposals of ids as they are now, as `review --format json` shows them. */
static json_t *proposals_json(struct mk_store *st, const struct ids *l)
{
	json_t *a = json_array();
	struct mk_diag d;
	for (size_t i = 0; i < l->n; i++) {
		struct mk_proposal p;
		mk_diag_clear(&d);
		if (mk_store_proposal_get(st, l->v[i], &p, &d) == MK_OK) {
			json_array_append_new(a, cli_proposal_json(&p));
			mk_proposal_release(&p);
		}
	}
	return a;
}

/* "Northwind 8, Acme 4": how many of ps each deal has, in the order the deals come. */
static char *count_by_deal(const struct mk_proposals *ps, size_t *ndeals)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		abort();
	*ndeals = 0;
	for (size_t i = 0; i < ps->n; i++) {
		const char *deal = ps->v[i].deal ? ps->v[i].deal : "";
		size_t k, n = 0;
		for (k = 0; k < i; k++)
			if (!strcmp(deal, ps->v[k].deal ? ps->v[k].deal : ""))
				break;
		if (k < i)
			continue;
		for (k = i; k < ps->n; k++)
			n += !strcmp(deal, ps->v[k].deal ? ps->v[k].deal : "");
		fprintf(f, "%s%s %zu", *ndeals ? ", " : "", deal, n);
		(*ndeals)++;
	}
	if (fclose(f) || !out)
		abort();
	return out;
}

/* --all-deals: the count per deal, and yes from the rep (a terminal) or --yes. 0: go on;
 * else the exit code. */
static int confirm_all_deals(const struct mk_proposals *ps, int yes)
{
	char line[64], *counts;
	size_t ndeals;
	int rc = CLI_OK;
	counts = count_by_deal(ps, &ndeals);
	if (yes) {
		free(counts);
		return CLI_OK;
	}
	if (!isatty(STDIN_FILENO)) {
		cli_error("approve: --all-deals would approve %zu proposal%s of %zu deal%s (%s); without a terminal to confirm on, add --yes",
			  ps->n, ps->n == 1 ? "" : "s", ndeals, ndeals == 1 ? "" : "s", counts);
		free(counts);
		return CLI_USAGE;
	}
	fprintf(stderr, "%zu pending proposal%s of %zu deal%s: %s\napprove them all? [y/N] ", ps->n,
		ps->n == 1 ? "" : "s", ndeals, ndeals == 1 ? "" : "s", counts);
	fflush(stderr);
	if (!fgets(line, sizeof line, stdin))
		line[0] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if (strcasecmp(line, "y") && strcasecmp(line, "yes")) {
		cli_error("approve: nothing approved");
		rc = CLI_FAILED;
	}
	free(counts);
	return rc;
}

/* Checks every proposal of l not in done (inside the caller's transaction, before the rest
 * changes anything): names each one that cannot be approved as it stands, with what to do;
 * how many. */
static size_t approve_refusals(struct mk_store *st, const struct ids *l, const struct ids *done, const char *deal)
{
	struct mk_diag d;
	size_t refused = 0;
	for (size_t i = 0; i < l->n; i++) {
		int64_t needs = 0;
		enum mk_err err;
		mk_diag_clear(&d);
		if (ids_has(done, l->v[i]) || !(err = mk_store_approve_check(st, l->v[i], deal, &needs, &d)))
			continue;
		refused++;
		if (needs)
			cli_error("approve: %s: give it one with: mapkeeper edit %lld --action \"...\"", d.msg,
				  (long long)needs);
		else if (d.msg[0])
			cli_error("approve: %s", d.msg);
		else
			cli_diag(&d, err);
	}
	return refused;
}

/* The people of l first (a stance said of someone approved with them needs them on the
 * plan): each add_stakeholder of l that can be approved is, into done. */
static enum mk_err approve_people(struct mk_store *st, const struct ids *l, const char *deal, const char *who,
				  struct ids *done, struct mk_diag *d)
{
	enum mk_err err = MK_OK;
	for (size_t i = 0; !err && i < l->n; i++) {
		struct mk_proposal p;
		int person;
		if (mk_store_proposal_get(st, l->v[i], &p, d))
			continue; /* approve_refusals names it */
		person = p.kind == MK_PROP_ADD_STAKEHOLDER;
		mk_proposal_release(&p);
		if (!person || mk_store_approve_check(st, l->v[i], deal, NULL, d))
			continue;
		if (!(err = mk_store_decide(st, l->v[i], 1, who, NULL, d)))
			ids_add(done, l->v[i]);
	}
	mk_diag_clear(d);
	return err;
}

/* Approves l in one transaction, all or nothing; done gets what was approved, in order
 * (an item approved first because news about it was approved comes before the news, and
 * first[k] is that news, else 0). */
static int approve_ids(struct mk_store *st, const struct ids *l, const char *deal, const char *who,
		       struct ids *done, int64_t *first)
{
	struct mk_diag d;
	enum mk_err err;
	size_t refused;
	mk_diag_clear(&d);
	if ((err = mk_store_write_begin(st, &d))) {
		cli_diag(&d, err);
		return CLI_FAILED;
	}
	if ((err = approve_people(st, l, deal, who, done, &d))) {
		mk_store_write_end(st, 0, &d);
		cli_diag(&d, err);
		done->n = 0;
		return CLI_FAILED;
	}
	if ((refused = approve_refusals(st, l, done, deal))) {
		mk_store_write_end(st, 0, &d);
		done->n = 0;
		if (l->n > 1)
			cli_error("approve: nothing approved: %zu of the %zu proposals cannot be approved as %s stand%s",
				  refused, l->n, refused == 1 ? "it" : "they", refused == 1 ? "s" : "");
		return CLI_FAILED;
	}
	for (size_t i = 0; !err && i < l->n; i++) {
		struct mk_proposal p;
		if (ids_has(done, l->v[i]))
			continue; /* approved already, as the item of news approved before it */
		if ((err = mk_store_proposal_get(st, l->v[i], &p, &d)))
			break;
		if (p.item_id < 0 && !ids_has(done, -p.item_id)) {
			first[done->n] = l->v[i];
			ids_add(done, -p.item_id);
		}
		mk_proposal_release(&p);
		if (!(err = mk_store_decide(st, l->v[i], 1, who, NULL, &d))) {
			first[done->n] = 0;
			ids_add(done, l->v[i]);
		}
	}
	if (err) {
		mk_store_write_end(st, 0, &d);
		cli_diag(&d, err); /* a failed store: the transaction is rolled back whole */
		done->n = 0;
		return CLI_FAILED;
	}
	if ((err = mk_store_write_end(st, 1, &d))) {
		cli_diag(&d, err);
		done->n = 0;
		return CLI_FAILED;
	}
	return CLI_OK;
}

/* What approve was asked (the options of the command line and the ids). */
struct approve_args {
	const char *deal, *as, *fmt;
	int all, alldeals, yes;
	struct ids want;
};

/* The flags that go together, and the ids given. CLI_OK, else one line and CLI_USAGE. */
static int approve_check(struct approve_args *a, int argc, char **argv)
{
	if (!(a->fmt = cli_format("approve", a->fmt, "text|json")))
		return CLI_USAGE;
	if ((a->all || a->alldeals) == (optind < argc))
		return cli_usage(usage);
	if (a->all && a->alldeals) {
		cli_error("approve: --all (one deal's proposals) and --all-deals (every deal's) do not go together");
		return CLI_USAGE;
	}
	if (a->all && !a->deal) {
		cli_error("approve: --all needs --deal NAME (or --all-deals, to approve every deal's proposals)");
		return CLI_USAGE;
	}
	if (a->alldeals && a->deal) {
		cli_error("approve: --all-deals approves every deal's proposals; for one deal use --all --deal NAME");
		return CLI_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		if (!parse_id(argv[i])) {
			cli_error("approve: '%s' is not a proposal id", argv[i]);
			return CLI_USAGE;
		}
		ids_add(&a->want, parse_id(argv[i]));
	}
	return CLI_OK;
}

/* --deal NAME names a deal; --all, --all-deals: its pending proposals (or every deal's) into
 * ps and a->want, confirmed for --all-deals. CLI_OK, else the exit code after one line. */
static int approve_pending(struct mk_store *st, struct approve_args *a, struct mk_proposals *ps)
{
	struct mk_diag d;
	enum mk_err err;

	mk_diag_clear(&d);
	if (a->deal) {
		struct mk_deal dl;
		memset(&dl, 0, sizeof dl);
		if ((err = mk_store_deal_get(st, a->deal, &dl, &d))) {
			if (err == MK_ENOTFOUND)
				cli_error("approve: no deal '%s' (see 'mapkeeper deal list')", a->deal);
			else
				cli_diag(&d, err);
			return CLI_FAILED;
		}
		mk_deal_release(&dl);
	}
	if (!a->all && !a->alldeals)
		return CLI_OK;
	if ((err = mk_store_pending(st, a->deal, ps, &d))) {
		cli_diag(&d, err);
		return CLI_FAILED;
	}
	for (size_t i = 0; i < ps->n; i++)
		ids_add(&a->want, ps->v[i].id);
	return a->alldeals && ps->n ? confirm_all_deals(ps, a->yes) : CLI_OK;
}

/* What was approved: JSON, or a line with the count (per deal for --all-deals) and one for
 * each item approved first because news about it was. */
static void print_approved(struct mk_store *st, const struct approve_args *a, const struct mk_proposals *ps,
			   const struct ids *done, const int64_t *first)
{
	if (!strcmp(a->fmt, "json")) {
		cli_json_print(json_pack("{s:o}", "approved", proposals_json(st, done)));
		return;
	}
	if (!done->n) {
		printf("nothing to approve\n");
		return;
	}
	printf("approved %zu proposal%s", done->n, done->n == 1 ? "" : "s");
	if (a->alldeals) {
		size_t ndeals = 0;
		char *counts = count_by_deal(ps, &ndeals);
		printf(" (%s)", counts);
		free(counts);
	}
	printf("\n");
	for (size_t i = 0; i < done->n; i++)
		if (first[i])
			printf("#%lld approved first: it adds the item #%lld changes\n", (long long)done->v[i],
			       (long long)first[i]);
}

static int approve_run(struct mk_store *st, struct approve_args *a)
{
	struct mk_proposals ps;
	struct ids done = { 0 };
	int64_t *first = NULL;
	int rc;

	mk_proposals_init(&ps);
	if ((rc = approve_pending(st, a, &ps)))
		goto out;
	/* each approves at most itself and the item it is about */
	if (!(first = calloc(2 * a->want.n + 1, sizeof *first)))
		abort();
	if (a->want.n && (rc = approve_ids(st, &a->want, a->deal, cli_who(a->as), &done, first)))
		goto out;
	print_approved(st, a, &ps, &done, first);
out:
	mk_proposals_release(&ps);
	free(first);
	free(done.v);
	return rc;
}

int cmd_approve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'A' },
		{ "all-deals", no_argument, NULL, 'L' },
		{ "yes", no_argument, NULL, 'y' },
		{ "deal", required_argument, NULL, 'D' },
		CLI_OPT_AS,
		CLI_OPT_DB,
		CLI_OPT_FORMAT,
		CLI_OPT_END,
	};
	struct approve_args a = { 0 };
	struct cli_opts o = { .format = "text" };
	struct mk_store *st;
	int ch, rc;

	while ((ch = cli_getopt("approve", argc, argv, "hy", longopts, usage, &o)) > 0)
		switch (ch) {
		case 'A': a.all = 1; break;
		case 'L': a.alldeals = 1; break;
		case 'y': a.yes = 1; break;
		case 'D': a.deal = optarg; break;
		}
	if (ch < 0)
		return o.rc;
	a.fmt = o.format;
	a.as = o.as;
	if (!(rc = approve_check(&a, argc, argv))) {
		if ((st = cli_store_open(o.db))) {
			rc = approve_run(st, &a);
			mk_store_close(st);
		} else {
			rc = CLI_FAILED;
		}
	}
	free(a.want.v);
	return rc;
}

/* Rejects id in its own transaction; tied gets the pending news about the item it proposed
 * and the dependencies on it (withdrawn with it, store/proposal.c). Prints the error. */
static enum mk_err reject_one(struct mk_store *st, int64_t id, const char *who, const char *reason, struct ids *tied)
{
	struct mk_proposals pend;
	struct mk_proposal p;
	struct mk_diag d;
	enum mk_err err;

	mk_diag_clear(&d);
	mk_proposals_init(&pend);
	if (!(err = mk_store_write_begin(st, &d))) {
		if (!(err = mk_store_proposal_get(st, id, &p, &d))) {
			if (p.kind == MK_PROP_ADD_ITEM && !(err = mk_store_pending(st, p.deal, &pend, &d)))
				for (size_t k = 0; k < pend.n; k++)
					if (pend.v[k].item_id == -id || pend.v[k].depends_on_id == -id)
						ids_add(tied, pend.v[k].id);
			mk_proposal_release(&p);
		}
		if (!err)
			err = mk_store_decide(st, id, 0, who, reason, &d);
		if (err)
			mk_store_write_end(st, 0, &d);
		else
			err = mk_store_write_end(st, 1, &d);
	}
	if (err)
		cli_diag(&d, err);
	mk_proposals_release(&pend);
	return err;
}

/* Rejects each id of argv from optind on; prints what was rejected and withdrawn. */
static int reject_run(struct mk_store *st, int argc, char **argv, const char *who, const char *reason,
		      const char *fmt)
{
	struct ids done = { 0 }, withdrawn = { 0 };
	int rc = CLI_OK;

	for (int i = optind; i < argc; i++) {
		int64_t id = parse_id(argv[i]);
		struct ids tied = { 0 };
		if (reject_one(st, id, who, reason, &tied)) {
			rc = CLI_FAILED;
		} else {
			ids_add(&done, id);
			for (size_t k = 0; k < tied.n; k++)
				ids_add(&withdrawn, tied.v[k]);
		}
		free(tied.v);
	}
	if (!strcmp(fmt, "json")) {
		cli_json_print(json_pack("{s:o, s:o}", "rejected", proposals_json(st, &done), "withdrawn",
					 proposals_json(st, &withdrawn)));
	} else {
		printf("rejected %zu proposal%s\n", done.n, done.n == 1 ? "" : "s");
		for (size_t i = 0; i < withdrawn.n; i++)
			printf("withdrew #%lld: its item was rejected\n", (long long)withdrawn.v[i]);
	}
	free(done.v);
	free(withdrawn.v);
	return rc;
}

int cmd_reject(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "reason", required_argument, NULL, 'r' },
		CLI_OPT_AS,
		CLI_OPT_DB,
		CLI_OPT_FORMAT,
		CLI_OPT_END,
	};
	static const char rusage[] =
		"mapkeeper reject ID... [--reason TEXT] [--as WHO] [--format text|json] [--db PATH]\n"
		"\n"
		"Rejecting a proposed item also withdraws the pending news about that item (recorded\n"
		"as rejected, with the reason \"withdrawn: ...\").";
	struct cli_opts o = { .format = "text" };
	const char *reason = NULL, *fmt;
	struct mk_store *st;
	int ch, rc;

	while ((ch = cli_getopt("reject", argc, argv, "h", longopts, rusage, &o)) > 0)
		if (ch == 'r')
			reason = optarg;
	if (ch < 0)
		return o.rc;
	if (!(fmt = cli_format("reject", o.format, "text|json")))
		return CLI_USAGE;
	if (optind >= argc)
		return cli_usage(rusage);
	for (int i = optind; i < argc; i++)
		if (!parse_id(argv[i])) {
			cli_error("reject: '%s' is not a proposal id", argv[i]);
			return CLI_USAGE;
		}
	if (!(st = cli_store_open(o.db)))
		return CLI_FAILED;
	rc = reject_run(st, argc, argv, cli_who(o.as), reason, fmt);
	mk_store_close(st);
	return rc;
}

/* One field an edit changed, for `edit --format json`. */
static void edit_change(json_t *a, const char *field, const char *old_value, const char *new_value)
{
	if ((!old_value && !new_value) || (old_value && new_value && !strcmp(old_value, new_value)))
		return;
	json_array_append_new(a, json_pack("{s:s, s:s?, s:s?}", "field", field, "old", old_value, "new", new_value));
}

/* The edit's flags: each a field of mk_store_edit (owner, due, action) or of
 * mk_store_edit_element (the plan's elements, issue 14), with the kinds it applies to. */
enum { E_OWNER, E_DUE, E_ACTION, E_TEXT, E_TIME, E_WHO, E_KIND, E_STANCE, E_WAITING, E_ITEM, E_DEPENDS, E_COUNT };
static const struct {
	const char *flag;           /* as typed */
	const char *field;          /* mk_store_edit_element's field */
	unsigned kinds;             /* 1 << enum mk_prop_kind it applies to */
} edit_fields[E_COUNT] = {
#define K(k) (1u << (k))
#define OLD_KINDS (K(MK_PROP_SET_GOAL) - 1)
	[E_OWNER] = { "--owner", NULL, OLD_KINDS },
	[E_DUE] = { "--due", "due", OLD_KINDS | K(MK_PROP_SET_GO_LIVE) | K(MK_PROP_SET_NEXT_MEETING) },
	[E_ACTION] = { "--action", NULL, OLD_KINDS },
	[E_TEXT] = { "--text", "text", K(MK_PROP_SET_GOAL) | K(MK_PROP_ADD_CRITERION) | K(MK_PROP_ADD_DEPENDENCY) |
					       K(MK_PROP_SET_NEXT_MEETING) },
	[E_TIME] = { "--time", "time", K(MK_PROP_SET_NEXT_MEETING) },
	[E_WHO] = { "--who", "who", K(MK_PROP_SET_NEXT_MEETING) },
	[E_KIND] = { "--kind", "kind", K(MK_PROP_SET_GO_LIVE) },
	[E_STANCE] = { "--stance", "stance", K(MK_PROP_SET_STANCE) },
	[E_WAITING] = { "--waiting", "waiting", K(MK_PROP_ADD_DEPENDENCY) },
	[E_ITEM] = { "--item", "item", K(MK_PROP_ADD_DEPENDENCY) },
	[E_DEPENDS] = { "--depends-on", "depends_on", K(MK_PROP_ADD_DEPENDENCY) },
#undef K
#undef OLD_KINDS
};

/* What edit was asked: a value (or NULL) per field. */
struct edit_args {
	int64_t id;
	const char *v[E_COUNT];
	const char *as, *fmt;
	char item[24], depends[24];
};

/* The flags that apply to kind, for a message: "--text, --due". */
static void kind_flags(enum mk_prop_kind kind, char *out, size_t outlen)
{
	out[0] = '\0';
	for (int f = 0; f < E_COUNT; f++)
		if (edit_fields[f].kinds & (1u << kind))
			snprintf(out + strlen(out), outlen - strlen(out), "%s%s", out[0] ? ", " : "", edit_fields[f].flag);
}

/* Every flag given applies to p's kind: CLI_OK, else one line and CLI_USAGE. */
static int edit_applies(const struct edit_args *a, const struct mk_proposal *p)
{
	char takes[160];
	for (int f = 0; f < E_COUNT; f++)
		if (a->v[f] && !(edit_fields[f].kinds & (1u << p->kind))) {
			kind_flags(p->kind, takes, sizeof takes);
			cli_error("edit: %s does not apply to a %s proposal (it takes %s)", edit_fields[f].flag,
				  mk_prop_kind_name(p->kind), takes);
			return CLI_USAGE;
		}
	return CLI_OK;
}

/* The element fields given, one mk_store_edit_element each, all or nothing. */
static enum mk_err edit_elements(struct mk_store *st, const struct edit_args *a, struct mk_diag *d)
{
	enum mk_err err;
	if ((err = mk_store_write_begin(st, d)))
		return err;
	for (int f = 0; !err && f < E_COUNT; f++)
		if (a->v[f] && edit_fields[f].field)
			err = mk_store_edit_element(st, a->id, edit_fields[f].field, a->v[f], cli_who(a->as), d);
	if (err) {
		struct mk_diag ignored;
		mk_diag_clear(&ignored);
		mk_store_write_end(st, 0, &ignored);
		return err;
	}
	return mk_store_write_end(st, 1, d);
}

static const char *id_str(int64_t id, char *buf, size_t n)
{
	if (!id)
		return NULL;
	snprintf(buf, n, "%lld", (long long)id);
	return buf;
}

/* The fields an edit changed, as `edit --format json` lists them. */
static json_t *edit_changes(const struct mk_proposal *b, const struct mk_proposal *a)
{
	json_t *changes = json_array();
	char x[24], y[24];
	mk_date_format(b->due, x, sizeof x);
	mk_date_format(a->due, y, sizeof y);
	edit_change(changes, "owner", b->owner, a->owner);
	edit_change(changes, "due", b->has_due ? x : NULL, a->has_due ? y : NULL);
	edit_change(changes, "action", b->action, a->action);
	edit_change(changes, "text", b->text, a->text);
	edit_change(changes, "time", b->time, a->time);
	if (b->kind >= MK_PROP_SET_GOAL) {
		edit_change(changes, "name", b->name, a->name);
		edit_change(changes, "category", b->category, a->category);
	}
	edit_change(changes, "item", id_str(b->item_id, x, sizeof x), id_str(a->item_id, y, sizeof y));
	edit_change(changes, "depends_on", id_str(b->depends_on_id, x, sizeof x), id_str(a->depends_on_id, y, sizeof y));
	return changes;
}

/* edit ID: the proposal edited as the flags say; JSON gives it with the fields changed. */
static int edit_run(struct mk_store *st, const struct edit_args *a)
{
	struct mk_proposal before, after;
	struct mk_diag d;
	enum mk_err err;
	int rc;

	mk_diag_clear(&d);
	memset(&before, 0, sizeof before);
	memset(&after, 0, sizeof after);
	if ((err = mk_store_proposal_get(st, a->id, &before, &d))) {
		cli_diag(&d, err);
		return CLI_FAILED;
	}
	if ((rc = edit_applies(a, &before))) {
		mk_proposal_release(&before);
		return rc;
	}
	if (before.kind >= MK_PROP_SET_GOAL)
		err = edit_elements(st, a, &d);
	else
		err = mk_store_edit(st, a->id, a->v[E_OWNER], a->v[E_DUE], a->v[E_ACTION], cli_who(a->as), &d);
	if (!err)
		err = mk_store_proposal_get(st, a->id, &after, &d);
	if (err)
		cli_diag(&d, err);
	else if (!strcmp(a->fmt, "json"))
		cli_json_print(json_pack("{s:o, s:o}", "edited", cli_proposal_json(&after), "changes",
					 edit_changes(&before, &after)));
	else
		printf("edited proposal %lld\n", (long long)a->id);
	mk_proposal_release(&before);
	mk_proposal_release(&after);
	return err ? CLI_FAILED : CLI_OK;
}

/* An id flag (--item, --depends-on): a number, "#N", or none/"" (no item). */
static int edit_id_flag(struct edit_args *a, int f, char *buf, size_t n)
{
	const char *s = a->v[f];
	if (!s || !strcmp(s, "none") || !s[0]) {
		if (s)
			a->v[f] = "";
		return CLI_OK;
	}
	if (!cli_parse_id(s)) {
		cli_error("edit: %s wants an item number (or none), not '%s'", edit_fields[f].flag, s);
		return CLI_USAGE;
	}
	snprintf(buf, n, "%lld", (long long)cli_parse_id(s));
	a->v[f] = buf;
	return CLI_OK;
}

/* The values that can be checked before the store is opened. CLI_OK, else one line and CLI_USAGE. */
static int edit_values(struct edit_args *a)
{
	struct mk_date x;
	enum mk_stance stance;
	const char *t = a->v[E_TIME];

	if (a->v[E_DUE] && !strcmp(a->v[E_DUE], "none"))
		a->v[E_DUE] = "";
	if (a->v[E_DUE] && *a->v[E_DUE] && mk_date_parse(a->v[E_DUE], &x)) {
		cli_error("edit: cannot read --due '%s' (YYYY-MM-DD, or none)", a->v[E_DUE]);
		return CLI_USAGE;
	}
	if (t && *t && !cli_parse_time(t)) {
		cli_error("edit: --time wants HH:MM (24-hour), not '%s'", t);
		return CLI_USAGE;
	}
	if (a->v[E_KIND] && strcmp(a->v[E_KIND], "live") && strcmp(a->v[E_KIND], "signed")) {
		cli_error("edit: --kind is live or signed, not '%s'", a->v[E_KIND]);
		return CLI_USAGE;
	}
	if (a->v[E_STANCE] && mk_stance_parse(a->v[E_STANCE], &stance)) {
		cli_error("edit: unknown stance '%s' (champion, supporter, neutral, skeptic, blocker or unknown)",
			  a->v[E_STANCE]);
		return CLI_USAGE;
	}
	if (a->v[E_ACTION] && !a->v[E_ACTION][strspn(a->v[E_ACTION], " \t")]) {
		cli_error("edit: --action cannot be empty");
		return CLI_USAGE;
	}
	return edit_id_flag(a, E_ITEM, a->item, sizeof a->item) ||
	       edit_id_flag(a, E_DEPENDS, a->depends, sizeof a->depends) ? CLI_USAGE : CLI_OK;
}

int cmd_edit(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "owner", required_argument, NULL, 'o' },
		{ "due", required_argument, NULL, 'd' },
		{ "action", required_argument, NULL, 'c' },
		{ "text", required_argument, NULL, 't' },
		{ "time", required_argument, NULL, 'T' },
		{ "who", required_argument, NULL, 'w' },
		{ "kind", required_argument, NULL, 'k' },
		{ "stance", required_argument, NULL, 's' },
		{ "waiting", required_argument, NULL, 'W' },
		{ "item", required_argument, NULL, 'i' },
		{ "depends-on", required_argument, NULL, 'n' },
		CLI_OPT_AS,
		CLI_OPT_DB,
		CLI_OPT_FORMAT,
		CLI_OPT_END,
	};
	static const char eusage[] =
		"mapkeeper edit ID [--owner NAME] [--due YYYY-MM-DD|none] [--action TEXT] [--as WHO] [--format text|json] [--db PATH]\n"
		"       mapkeeper edit ID [--text TEXT] [--due D|none] [--time HH:MM] [--who NAME] [--kind live|signed]\n"
		"                         [--stance champion|supporter|neutral|skeptic|blocker] [--waiting TEXT]\n"
		"                         [--item ID|none] [--depends-on ID|none]\n"
		"\n"
		"Changes a pending proposal before it is approved. The flags of the plan's elements: set_goal\n"
		"and add_criterion take --text; set_go_live --due and --kind; add_dependency --waiting (the\n"
		"step that waits), --text (what it waits on), --item and --depends-on (the plan items);\n"
		"set_next_meeting --due, --time, --who and --text (what for); set_stance --stance (champion,\n"
		"supporter, neutral, skeptic, blocker). A flag that does not apply to the proposal's kind is\n"
		"refused (exit 2).";
	static const char map[] = { 'o', 'd', 'c', 't', 'T', 'w', 'k', 's', 'W', 'i', 'n' };
	struct cli_opts o = { .format = "text" };
	struct edit_args a = { 0 };
	struct mk_store *st;
	int ch, rc, any = 0;

	while ((ch = cli_getopt("edit", argc, argv, "h", longopts, eusage, &o)) > 0)
		for (int f = 0; f < E_COUNT; f++)
			if (ch == map[f]) {
				a.v[f] = optarg;
				any = 1;
			}
	if (ch < 0)
		return o.rc;
	if (!(a.fmt = cli_format("edit", o.format, "text|json")))
		return CLI_USAGE;
	if (optind + 1 != argc || !any)
		return cli_usage(eusage);
	if (!(a.id = parse_id(argv[optind]))) {
		cli_error("edit: '%s' is not a proposal id", argv[optind]);
		return CLI_USAGE;
	}
	if ((rc = edit_values(&a)))
		return rc;
	a.as = o.as;
	if (!(st = cli_store_open(o.db)))
		return CLI_FAILED;
	rc = edit_run(st, &a);
	mk_store_close(st);
	return rc;
}
