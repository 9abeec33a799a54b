/*
 * cmd_extract.c: `mapkeeper extract FILE... [--date WHEN] [--seller "A,B"]
 * [--seller-domain D] [--seller-org S] [--buyer-org B] [--format json|text] [--rules DIR]`.
 * Prints findings per docs/extraction-contract.md; needs no database. On bad input:
 * one line on standard error naming the file, exit 1, nothing on standard output. Each
 * call is extracted as ingest does it (mk_call_extract), dated today when nothing dates it.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"mapkeeper extract FILE... [--date WHEN] [--seller \"Name A,Name B\"] [--seller-domain x.com]\n"
	"                          [--seller-org ORG] [--buyer-org ORG] [--format json|text] [--rules DIR] [--progress]\n"
	"\n"
	"Without --date: the date the file gives, else today (meeting.date_source says which).";

static json_t *ev_json(const struct mk_evidence *ev)
{
	char s[32], e[32];
	mk_format_ms(ev->start_ms, s, sizeof s);
	mk_format_ms(ev->end_ms, e, sizeof e);
	return json_pack("{s:s, s:s, s:s, s:s}", "speaker", ev->speaker ? ev->speaker : "", "start", s,
			 "end", e, "quote", ev->quote ? ev->quote : "");
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *date_or_null(int has, struct mk_date d)
{
	char buf[16];
	if (!has)
		return json_null();
	mk_date_format(d, buf, sizeof buf);
	return json_string(buf);
}

/* The plan's elements beyond tasks (issue 14): goal, go_live and next_meeting are an object
 * (the call's last) or null; criteria, dependencies and stance are arrays. */
static void elements_json(json_t *root, const struct mk_findings *f)
{
	json_t *a;

	if (f->ngoals) {
		const struct mk_goal *g = &f->goals[f->ngoals - 1];
		json_object_set_new(root, "goal", json_pack("{s:s, s:s, s:o}", "text", g->text, "rule", g->rule,
							    "evidence", ev_json(&g->ev)));
	} else {
		json_object_set_new(root, "goal", json_null());
	}
	if (f->ngo_lives) {
		const struct mk_go_live *g = &f->go_lives[f->ngo_lives - 1];
		json_t *w = g->is_window ? json_pack("{s:o, s:o}", "from", date_or_null(1, g->lo), "to",
						     date_or_null(1, g->hi)) : json_null();
		json_object_set_new(root, "go_live", json_pack("{s:s, s:o, s:o, s:o, s:s, s:o}", "kind", g->kind,
							       "date", date_or_null(g->has_date, g->date),
							       "window", w, "date_text", str_or_null(g->date_text),
							       "rule", g->rule, "evidence", ev_json(&g->ev)));
	} else {
		json_object_set_new(root, "go_live", json_null());
	}
	a = json_array();
	for (size_t i = 0; i < f->ncriteria; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:o}", "text", f->criteria[i].text, "rule",
						   f->criteria[i].rule, "evidence", ev_json(&f->criteria[i].ev)));
	json_object_set_new(root, "criteria", a);
	a = json_array();
	for (size_t i = 0; i < f->ndependencies; i++) {
		const struct mk_dependency *d = &f->dependencies[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:o}", "waiting", d->waiting, "on", d->on,
						   "rule", d->rule, "evidence", ev_json(&d->ev)));
	}
	json_object_set_new(root, "dependencies", a);
	if (f->nnext_meetings) {
		const struct mk_next_meeting *m = &f->next_meetings[f->nnext_meetings - 1];
		json_object_set_new(root, "next_meeting",
				    json_pack("{s:o, s:o, s:o, s:o, s:o, s:s, s:o}", "date",
					      date_or_null(m->has_date, m->date), "time", str_or_null(m->time),
					      "date_text", str_or_null(m->date_text), "who", str_or_null(m->who),
					      "purpose", str_or_null(m->purpose), "rule", m->rule, "evidence",
					      ev_json(&m->ev)));
	} else {
		json_object_set_new(root, "next_meeting", json_null());
	}
	a = json_array();
	for (size_t i = 0; i < f->nstances; i++) {
		const struct mk_stance_finding *s = &f->stances[i];
		json_array_append_new(a, json_pack("{s:o, s:o, s:s, s:s, s:s, s:o}", "name", str_or_null(s->name),
						   "role", str_or_null(s->role), "side", mk_side_name(s->side),
						   "stance", mk_stance_name(s->stance), "rule", s->rule, "evidence",
						   ev_json(&s->ev)));
	}
	json_object_set_new(root, "stance", a);
}

static json_t *findings_json(const struct mk_transcript *t, const struct mk_findings *f,
			     const char *start, const char *date_source)
{
	json_t *root = json_object(), *a;
	json_object_set_new(root, "source", json_pack("{s:s, s:s, s:s}", "path", t->path, "format",
						      mk_format_name(t->format), "sha256", t->sha256));
	json_object_set_new(root, "meeting", json_pack("{s:s, s:s}", "start", start, "date_source", date_source));
	a = json_array();
	for (size_t i = 0; i < f->nspeakers; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:I}", "name", f->speakers[i].name, "side",
						   mk_side_name(f->speakers[i].side), "utterances",
						   (json_int_t)f->speakers[i].utterances));
	json_object_set_new(root, "speakers", a);
	a = json_array();
	for (size_t i = 0; i < f->ncommitments; i++) {
		const struct mk_commitment *c = &f->commitments[i];
		json_t *o = json_object();
		json_object_set_new(o, "owner", str_or_null(c->owner));
		json_object_set_new(o, "side", json_string(mk_side_name(c->side)));
		json_object_set_new(o, "action", json_string(c->action ? c->action : ""));
		json_object_set_new(o, "due", date_or_null(c->has_due, c->due));
		json_object_set_new(o, "due_text", str_or_null(c->due_text));
		json_object_set_new(o, "confidence", json_real((double)(int)(c->confidence * 100 + 0.5) / 100));
		json_object_set_new(o, "rule", json_string(c->rule ? c->rule : ""));
		json_object_set_new(o, "evidence", ev_json(&c->ev));
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "commitments", a);
	a = json_array();
	for (size_t i = 0; i < f->nstakeholders; i++) {
		const struct mk_stakeholder *s = &f->stakeholders[i];
		json_t *o = json_object();
		json_object_set_new(o, "name", str_or_null(s->name));
		json_object_set_new(o, "role", str_or_null(s->role));
		json_object_set_new(o, "side", json_string(mk_side_name(s->side)));
		json_object_set_new(o, "rule", json_string(s->rule));
		json_object_set_new(o, "evidence", ev_json(&s->ev));
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "stakeholders", a);
	a = json_array();
	for (size_t i = 0; i < f->nrisks; i++) {
		const struct mk_risk *r = &f->risks[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:o}", "category", r->category, "text",
						   r->text, "rule", r->rule, "evidence", ev_json(&r->ev)));
	}
	json_object_set_new(root, "risks", a);
	a = json_array();
	for (size_t i = 0; i < f->nupdates; i++) {
		const struct mk_update *u = &f->updates[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:s, s:o}", "item", u->item, "change",
						   u->change, "due", date_or_null(u->has_due, u->due),
						   "rule", u->rule, "evidence", ev_json(&u->ev)));
	}
	json_object_set_new(root, "updates", a);
	a = json_array();
	for (size_t i = 0; i < f->ndates; i++) {
		const struct mk_date_mention *d = &f->dates[i];
		json_array_append_new(a, json_pack("{s:s, s:o, s:o}", "text", d->text, "value",
						   date_or_null(d->has_date, d->value), "evidence",
						   ev_json(&d->ev)));
	}
	json_object_set_new(root, "dates", a);
	elements_json(root, f);
	return root;
}

static void print_text(FILE *out, const struct mk_transcript *t, const struct mk_findings *f,
		       const char *start)
{
	char ts[32], d[16];
	fprintf(out, "# %s (%s), meeting %s\n", t->path, mk_format_name(t->format), start);
	for (size_t i = 0; i < f->ncommitments; i++) {
		const struct mk_commitment *c = &f->commitments[i];
		mk_format_ms(c->ev.start_ms, ts, sizeof ts);
		if (c->has_due)
			mk_date_format(c->due, d, sizeof d);
		else
			snprintf(d, sizeof d, "no date");
		fprintf(out, "[%.8s] commitment  %s (%s): %s; due %s | %s: \"%s\"\n", ts,
			c->owner ? c->owner : "?", mk_side_name(c->side), c->action ? c->action : "", d,
			c->ev.speaker, c->ev.quote);
	}
	for (size_t i = 0; i < f->nstakeholders; i++) {
		const struct mk_stakeholder *s = &f->stakeholders[i];
		mk_format_ms(s->ev.start_ms, ts, sizeof ts);
		fprintf(out, "[%.8s] stakeholder %s%s%s (%s) | %s: \"%s\"\n", ts, s->name ? s->name : "",
			s->name && s->role ? ", " : "", s->role ? s->role : "", mk_side_name(s->side),
			s->ev.speaker, s->ev.quote);
	}
	for (size_t i = 0; i < f->nrisks; i++) {
		const struct mk_risk *r = &f->risks[i];
		mk_format_ms(r->ev.start_ms, ts, sizeof ts);
		fprintf(out, "[%.8s] risk        %s | %s: \"%s\"\n", ts, r->category, r->ev.speaker,
			r->ev.quote);
	}
	for (size_t i = 0; i < f->nupdates; i++) {
		const struct mk_update *u = &f->updates[i];
		mk_format_ms(u->ev.start_ms, ts, sizeof ts);
		fprintf(out, "[%.8s] update      %s | %s: \"%s\"\n", ts, u->change, u->ev.speaker,
			u->ev.quote);
	}
}

/* What the options give: the selling team as a deal (nothing is stored). */
struct extract_args {
	const char *date, *fmt, *rules_dir;
	struct mk_deal deal;
};

/* Parses the options into a; -1 to go on, else the exit code. */
static int extract_options(int argc, char **argv, struct extract_args *a)
{
	static const struct option longopts[] = {
		{ "date", required_argument, NULL, 'd' },
		{ "seller", required_argument, NULL, 's' },
		{ "seller-domain", required_argument, NULL, 'D' },
		{ "seller-org", required_argument, NULL, 'S' },
		{ "buyer-org", required_argument, NULL, 'B' },
		CLI_OPT_FORMAT,
		{ "rules", required_argument, NULL, 'r' },
		CLI_OPT_END,
	};
	struct cli_opts o = { .format = "json" };
	struct mk_date d;
	int ch;
	memset(a, 0, sizeof *a);
	while ((ch = cli_getopt("extract", argc, argv, "h", longopts, usage, &o)) > 0) {
		switch (ch) {
		case 'd': a->date = optarg; break;
		case 's': a->deal.sellers = optarg; break;
		case 'D': a->deal.seller_domain = optarg; break;
		case 'S': a->deal.seller_org = optarg; break;
		case 'B': a->deal.buyer_org = optarg; break;
		case 'r': a->rules_dir = optarg; break;
		}
	}
	if (ch < 0)
		return o.rc;
	a->fmt = o.format;
	if (argc - optind < 1)
		return cli_usage(usage);
	if (!(a->fmt = cli_format("extract", a->fmt, "json|text")))
		return CLI_USAGE;
	if (a->date && mk_date_parse(a->date, &d) != MK_OK) {
		cli_error("extract: cannot read --date '%s' (YYYY-MM-DD or ISO 8601)", a->date);
		return CLI_USAGE;
	}
	return -1;
}

/* Reads and extracts file i of n; its output (JSON into all when there is an array for
 * several files) as a new string in *text. CLI_OK, or CLI_FAILED after its one line. */
static int extract_one(const struct mk_rules *rs, const struct extract_args *a, const char *path, int i, int n,
		       json_t *all, char **text)
{
	struct mk_transcript t;
	struct mk_findings f;
	struct mk_call_result r;
	struct mk_diag diag;
	enum mk_err err;
	memset(&r, 0, sizeof r);
	mk_diag_clear(&diag);
	mk_transcript_init(&t);
	mk_findings_init(&f);
	term_progress("extract: file %d of %d: reading %s", i + 1, n, path);
	if (!(err = mk_transcript_read_file(&t, path, &diag))) {
		term_progress("extract: file %d of %d: extracting %s", i + 1, n, path);
		err = mk_call_extract(rs, &a->deal, &t, a->date, MK_CALL_DATE_TODAY, &f, &r, &diag);
		if (r.language)     /* the rules read English only */
			cli_error("%s: the call looks %s, not English; no findings", path, r.language);
	}
	if (err) {
		cli_diag(&diag, err);
	} else if (!strcmp(a->fmt, "json")) {
		json_t *j = findings_json(&t, &f, r.start, r.source);
		if (all)
			json_array_append_new(all, j);
		else
			*text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (!all)
			json_decref(j);
	} else {
		size_t len = 0;
		FILE *mem = open_memstream(text, &len);
		if (!mem)
			abort();
		print_text(mem, &t, &f, r.start);
		fclose(mem);
	}
	mk_findings_release(&f);
	mk_transcript_release(&t);
	return err ? CLI_FAILED : CLI_OK;
}

/* Reads and extracts every file before printing anything: one bad file, nothing printed. */
static int extract_files(const struct mk_rules *rs, const struct extract_args *a, char **files, int n)
{
	json_t *all = n > 1 ? json_array() : NULL;
	char **outs = calloc((size_t)n, sizeof *outs);
	int rc = CLI_OK, json = !strcmp(a->fmt, "json");
	if (!outs)
		abort();
	for (int i = 0; i < n && rc == CLI_OK; i++)
		rc = extract_one(rs, a, files[i], i, n, all, &outs[i]);
	term_progress_end();
	if (rc == CLI_OK && all && json)
		cli_json_print(json_incref(all));
	for (int i = 0; rc == CLI_OK && i < n; i++)
		if (outs[i]) {
			fputs(outs[i], stdout);
			if (json)
				putchar('\n');
		}
	for (int i = 0; i < n; i++)
		free(outs[i]);
	free(outs);
	json_decref(all);
	return rc;
}

int cmd_extract(int argc, char **argv)
{
	struct extract_args a;
	struct mk_rules *rs = NULL;
	struct mk_diag diag;
	char *dir;
	int rc = extract_options(argc, argv, &a);
	if (rc >= 0)
		return rc;
	mk_diag_clear(&diag);
	dir = a.rules_dir ? strdup(a.rules_dir) : mk_rules_default_dir();
	if (mk_rules_load(&rs, dir, &diag) != MK_OK) {
		cli_diag(&diag, MK_ERULE);
		rc = CLI_FAILED;
	} else {
		rc = extract_files(rs, &a, argv + optind, argc - optind);
	}
	mk_rules_free(rs);
	free(dir);
	return rc;
}
