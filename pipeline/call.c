/*
 * call.c: ingest one call as a library feature: extract its findings (no store, safe on
 * many threads at once), store them as proposals merged against the plan as it will be
 * (under the store's write lock), or both in one call. `mapkeeper ingest` (through
 * batch.c), `extract` and sync use it; see mapkeeper.h, "one call, from transcript to
 * proposals".
 */
#include "mapkeeper.h"

#include <stdlib.h>
#include <string.h>

void mk_names_split(const char *s, struct mk_names *out)
{
	out->v = NULL;
	out->n = 0;
	while (s && *s) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		const char *a = s, *b = s + len;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b > a) {
			out->v = realloc(out->v, (out->n + 1) * sizeof *out->v);
			if (!out->v)
				abort();
			out->v[out->n] = strndup(a, (size_t)(b - a));
			if (!out->v[out->n])
				abort();
			out->n++;
		}
		s = e ? e + 1 : NULL;
	}
}

void mk_names_free(struct mk_names *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i]);
	free(n->v);
	n->v = NULL;
	n->n = 0;
}

enum mk_err mk_meeting_date(const char *flag, const struct mk_transcript *t, struct mk_date *date,
			    const char **start, const char **source, char *buf, size_t buflen)
{
	if (flag) {
		*start = flag;
		*source = "flag";
		return mk_date_parse(flag, date);
	}
	if (t->start && mk_date_parse(t->start, date) == MK_OK) {
		*start = t->start;
		*source = "file";
		return MK_OK;
	}
	*date = mk_today();
	mk_date_format(*date, buf, buflen);
	*start = buf;
	*source = "today";
	return MK_OK;
}

/* The plan merge sees: the plan as it will be (mapkeeper.h, "one call"): the stored plan
 * with every pending proposal applied, oldest first, a pending add_item P as the item -P,
 * in the order the store would give the items once approved. */
static enum mk_err plan_with_pending(struct mk_store *st, const char *deal, struct mk_plan *plan,
				     struct mk_diag *diag)
{
	struct mk_proposals pend;
	enum mk_err err = mk_store_plan(st, deal, plan, diag);
	if (err)
		return err;
	mk_proposals_init(&pend);
	err = mk_store_pending(st, deal, &pend, diag);
	for (size_t i = 0; !err && i < pend.n; i++) {
		const struct mk_proposal *p = &pend.v[i];
		/* news about an item no longer there changes nothing: approving it will say so */
		if (mk_plan_apply(plan, p, -p->id) == MK_EARG)
			err = MK_EARG;
	}
	if (err == MK_EARG)
		mk_diag_set(diag, NULL, 0, "a pending proposal of deal '%s' has an unknown kind", deal);
	mk_proposals_release(&pend);
	mk_plan_order(plan);
	return err;
}

enum mk_err mk_call_extract(const struct mk_rules *rs, const struct mk_deal *deal, const struct mk_transcript *t,
			    const char *date, int flags, struct mk_findings *f, struct mk_call_result *out,
			    struct mk_diag *diag)
{
	struct mk_extract_opts o;
	struct mk_names sellers;
	struct mk_language lang;
	enum mk_err err;
	struct mk_date own_date;
	int own = t->start && mk_date_parse(t->start, &own_date) == MK_OK;
	memset(&o, 0, sizeof o);
	if (own && (flags & MK_CALL_DATE_FROM_NAME))
		date = NULL;
	if (!date && !own && !(flags & MK_CALL_DATE_TODAY)) {
		mk_diag_set(diag, t->path, 0,
			    "no meeting date in the file or its name (give --date YYYY-MM-DD, or put the "
			    "date in the file name: call-2026-03-10.vtt)");
		return MK_EARG;
	}
	if (mk_meeting_date(date, t, &o.date, &out->start, &out->source, out->buf, sizeof out->buf))
		return MK_EDATE;
	mk_transcript_language(t, &lang);
	out->language = lang.english ? NULL : lang.name;
	if (!lang.english)
		return MK_OK;	/* the rules read English only: stored with no findings */
	mk_names_split(deal->sellers, &sellers);
	o.sellers = (const char *const *)sellers.v;
	o.nsellers = sellers.n;
	o.seller_domain = deal->seller_domain;
	o.seller_org = deal->seller_org;
	o.buyer_org = deal->buyer_org;
	err = mk_extract(rs, t, &o, f, diag);
	mk_names_free(&sellers);
	return err;
}

enum mk_err mk_call_store(struct mk_store *st, const struct mk_deal *deal, const struct mk_transcript *t,
			  const struct mk_findings *f, struct mk_call_result *out, struct mk_diag *diag)
{
	struct mk_plan plan;
	struct mk_proposals ps;
	enum mk_err err;
	mk_plan_init(&plan);
	mk_proposals_init(&ps);
	/* the plan is read and merged under the write lock: another process ingesting a call
	 * of the same deal cannot add the same items between the read and the store */
	if ((err = mk_store_write_begin(st, diag)))
		goto out;
	if ((err = plan_with_pending(st, deal->name, &plan, diag)) || (err = mk_merge(&plan, f, t->sha256, &ps))) {
		mk_store_write_end(st, 0, diag);
		goto out;
	}
	if ((err = mk_store_ingest(st, deal->name, t, out->start, f, &ps, &out->res, diag))) {
		mk_store_write_end(st, 0, diag);
		goto out;
	}
	if ((err = mk_store_write_end(st, 1, diag)))
		goto out;
	out->already = out->res.already;
	out->ncommitments = f->ncommitments;
	out->nstakeholders = f->nstakeholders;
	out->nrisks = f->nrisks;
	out->nupdates = f->nupdates;
out:
	mk_proposals_release(&ps);
	mk_plan_release(&plan);
	return err;
}

enum mk_err mk_call_ingest(struct mk_store *st, const struct mk_rules *rs, const struct mk_deal *deal,
			   const struct mk_transcript *t, const char *date, struct mk_call_result *out,
			   struct mk_diag *diag)
{
	struct mk_findings f;
	enum mk_err err;
	int known = 0;
	memset(out, 0, sizeof *out);
	if ((err = mk_store_meeting_known(st, t->sha256, &known, diag)))
		return err;
	if (known) {
		out->already = 1;
		return MK_OK;
	}
	mk_findings_init(&f);
	if (!(err = mk_call_extract(rs, deal, t, date, 0, &f, out, diag)))
		err = mk_call_store(st, deal, t, &f, out, diag);
	mk_findings_release(&f);
	return err;
}
