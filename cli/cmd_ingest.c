/*
 * cmd_ingest.c: `mapkeeper ingest FILE... --deal NAME [--date WHEN] [--db PATH]
 * [--format text|json]`: for each call, in the order given: read it, extract with the
 * deal's selling team, merge against the deal's plan (and its pending additions, so a
 * second call does not propose them again), and store it all in one transaction. The
 * same transcript (by sha256, whatever its name) ingested again changes nothing.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"mapkeeper ingest FILE... --deal NAME [--date WHEN] [--db PATH] [--format text|json] [--rules DIR]";

/* The plan merge sees: the stored plan plus pending add_item proposals (negative ids). */
static enum mk_err plan_with_pending(struct mk_store *st, const char *deal, struct mk_plan *plan,
				     struct mk_diag *diag)
{
	struct mk_proposals pend;
	enum mk_err err = mk_store_plan(st, deal, plan, diag);
	if (err)
		return err;
	mk_proposals_init(&pend);
	err = mk_store_pending(st, deal, &pend, diag);
	for (size_t i = 0; !err && i < pend.n; i++)
		if (pend.v[i].kind == MK_PROP_ADD_ITEM)
			err = mk_plan_apply(plan, &pend.v[i], -pend.v[i].id);
	mk_proposals_release(&pend);
	return err;
}

/* Proposals about items not yet approved wait for them: they are left out. */
static void drop_pending_targets(struct mk_proposals *ps)
{
	size_t k = 0;
	for (size_t i = 0; i < ps->n; i++) {
		if (ps->v[i].item_id < 0) {
			mk_proposal_release(&ps->v[i]);
			continue;
		}
		ps->v[k++] = ps->v[i];
	}
	ps->n = k;
}

enum mk_err cli_ingest_transcript(struct mk_store *st, const struct mk_rules *rs,
				  const struct mk_deal *deal, const struct mk_transcript *t,
				  const char *date, struct cli_ingest_result *out, struct mk_diag *diag)
{
	struct mk_findings f;
	struct mk_plan plan;
	struct mk_proposals ps;
	struct mk_extract_opts o;
	struct cli_names sellers;
	const char *source = NULL;
	enum mk_err err;
	int known = 0;
	memset(out, 0, sizeof *out);
	mk_findings_init(&f);
	mk_plan_init(&plan);
	mk_proposals_init(&ps);
	memset(&o, 0, sizeof o);
	cli_split_names(deal->sellers, &sellers);
	if ((err = mk_store_meeting_known(st, t->sha256, &known, diag)))
		goto out;
	if (known) {
		out->already = 1;
		goto out;
	}
	if (cli_meeting_date(date, t, &o.date, &out->start, &source, out->buf, sizeof out->buf)) {
		err = MK_EDATE;
		goto out;
	}
	o.sellers = (const char *const *)sellers.v;
	o.nsellers = sellers.n;
	o.seller_domain = deal->seller_domain;
	o.seller_org = deal->seller_org;
	o.buyer_org = deal->buyer_org;
	if ((err = mk_extract(rs, t, &o, &f, diag)) || (err = plan_with_pending(st, deal->name, &plan, diag)) ||
	    (err = mk_merge(&plan, &f, t->sha256, &ps)))
		goto out;
	drop_pending_targets(&ps);
	if ((err = mk_store_ingest(st, deal->name, t, out->start, &f, &ps, &out->res, diag)))
		goto out;
	out->already = out->res.already;
	out->ncommitments = f.ncommitments;
	out->nstakeholders = f.nstakeholders;
	out->nrisks = f.nrisks;
	out->nupdates = f.nupdates;
out:
	cli_names_free(&sellers);
	mk_proposals_release(&ps);
	mk_plan_release(&plan);
	mk_findings_release(&f);
	return err;
}

static int ingest_one(struct mk_store *st, const struct mk_rules *rs, const struct mk_deal *deal,
		      const char *path, const char *date, json_t *jout)
{
	struct mk_transcript t;
	struct cli_ingest_result r;
	struct mk_diag diag;
	enum mk_err err;
	int rc = 1;
	mk_transcript_init(&t);
	mk_diag_clear(&diag);
	if ((err = mk_transcript_read_file(&t, path, &diag))) {
		cli_diag(&diag, err);
		goto out;
	}
	if ((err = cli_ingest_transcript(st, rs, deal, &t, date, &r, &diag))) {
		if (err == MK_EDATE) {
			cli_error("ingest: cannot read --date '%s' (YYYY-MM-DD or ISO 8601)", date);
			rc = 2;
		} else {
			cli_diag(&diag, err);
		}
		goto out;
	}
	if (r.already && !r.start) {  /* known before anything was extracted */
		if (jout)
			json_array_append_new(jout, json_pack("{s:s, s:s, s:s}", "path", path, "sha256",
							      t.sha256, "status", "already ingested"));
		else
			printf("%s: already ingested (same transcript, sha256 %.12s), nothing changed\n", path,
			       t.sha256);
		rc = 0;
		goto out;
	}
	if (jout)
		json_array_append_new(
			jout, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "path", path, "sha256",
					t.sha256, "status", r.already ? "already ingested" : "ingested", "meeting_id",
					(json_int_t)r.res.meeting_id, "commitments", (json_int_t)r.ncommitments,
					"stakeholders", (json_int_t)r.nstakeholders, "risks", (json_int_t)r.nrisks,
					"updates", (json_int_t)r.nupdates, "proposals", (json_int_t)r.res.nproposals));
	else if (r.already)
		printf("%s: already ingested, nothing changed\n", path);
	else
		printf("%s: meeting %s, %zu commitments, %zu stakeholders, %zu risks, %zu updates -> %zu proposals to review\n",
		       path, r.start, r.ncommitments, r.nstakeholders, r.nrisks, r.nupdates, r.res.nproposals);
	rc = 0;
out:
	mk_transcript_release(&t);
	return rc;
}

int cmd_ingest(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "deal", required_argument, NULL, 'D' },
		{ "date", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "rules", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dealname = NULL, *date = NULL, *db = NULL, *fmt = "text", *rules_dir = NULL;
	struct mk_store *st = NULL;
	struct mk_rules *rs = NULL;
	struct mk_deal deal;
	struct mk_diag diag;
	json_t *jout = NULL;
	char *dir = NULL;
	int ch, rc = 0;
	enum mk_err err;
	memset(&deal, 0, sizeof deal);
	mk_diag_clear(&diag);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'D': dealname = optarg; break;
		case 'd': date = optarg; break;
		case 'b': db = optarg; break;
		case 'f': fmt = optarg; break;
		case 'r': rules_dir = optarg; break;
		case 'h': printf("usage: %s\n", usage); return 0;
		default:
			cli_error("ingest: unknown or incomplete option '%s' (see 'mapkeeper ingest --help')",
				  argv[optind - 1]);
			return 2;
		}
	}
	if (optind >= argc || !dealname)
		return cli_usage(usage);
	if (strcmp(fmt, "text") && strcmp(fmt, "json")) {
		cli_error("ingest: unknown format '%s' (text or json)", fmt);
		return 2;
	}
	if (date) {
		struct mk_date d;
		if (mk_date_parse(date, &d)) {
			cli_error("ingest: cannot read --date '%s' (YYYY-MM-DD or ISO 8601)", date);
			return 2;
		}
	}
	if (!(st = cli_store_open(db)))
		return 1;
	if ((err = mk_store_deal_get(st, dealname, &deal, &diag))) {
		if (err == MK_ENOTFOUND)
			cli_error("no deal '%s' (add it with: mapkeeper deal add '%s' --seller \"A,B\")", dealname,
				  dealname);
		else
			cli_diag(&diag, err);
		rc = 1;
		goto out;
	}
	dir = rules_dir ? strdup(rules_dir) : mk_rules_default_dir();
	if ((err = mk_rules_load(&rs, dir, &diag))) {
		cli_diag(&diag, err);
		rc = 1;
		goto out;
	}
	if (!strcmp(fmt, "json"))
		jout = json_array();
	for (int i = optind; i < argc; i++) {
		int r = ingest_one(st, rs, &deal, argv[i], date, jout);
		if (r > rc)
			rc = r;
	}
	if (jout) {
		json_t *wrap = json_pack("{s:O}", "calls", jout);
		char *s = json_dumps(wrap, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", s);
		free(s);
		json_decref(wrap);
	}
out:
	json_decref(jout);
	free(dir);
	mk_rules_free(rs);
	mk_deal_release(&deal);
	mk_store_close(st);
	return rc;
}
