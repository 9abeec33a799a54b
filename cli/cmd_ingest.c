/*
 * cmd_ingest.c: `mapkeeper ingest FILE... --deal NAME [--date WHEN] [--db PATH]
 * [--format text|json]`: for each call, in the order given: read it, extract with the
 * deal's selling team, merge against the deal's plan (and its pending additions, so a
 * second call does not propose them again), and store it all in one transaction. The
 * same transcript (by sha256, whatever its name) ingested again changes nothing.
 *
 * The meeting's date: --date, else the date in the file (its header or its name); a call
 * with neither is refused with how to give one (never today by default). One --date for
 * several files is refused unless --date-from-name: then each file's own date wins and
 * --date dates only the files that have none.
 */
#include "cli.h"

#include <getopt.h>
#include <pthread.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
	"mapkeeper ingest FILE... --deal NAME [--date WHEN [--date-from-name]] [-j N] [--db PATH] [--format text|json]\n"
	"                 [--rules DIR] [--progress]\n"
	"\n"
	"The meeting's date: --date, else the date the file gives (a Zoom start, a date in its\n"
	"name such as call-2026-03-10.vtt); a call with neither is refused. With several files,\n"
	"--date needs --date-from-name: each file's own date wins, --date dates the others.\n"
	"-j N: extract on N threads (1 to 64; default 1); one writer stores the calls in the\n"
	"order given, so the result is the same as without -j.";

#define MK_INGEST_MAX_THREADS 64

/* A call not in English is stored with no findings: one warning line says so. */
static void lang_warn(const char *path, const struct mk_call_result *r)
{
	if (r->language)
		cli_error("%s: the call looks %s, not English; no findings", path, r->language);
}

/* One call of an ingest run: read and extracted (by any thread), then stored (in order). */
struct job {
	const char *path;
	double mb;                  /* its size, for the progress line */
	struct mk_transcript t;
	struct mk_findings f;
	struct mk_call_result r;
	struct mk_diag diag;
	enum mk_err read_err, extract_err;
	int ready;
};

/* The calls of one run: workers take the next call to extract; the writer (the main
 * thread) stores them in the order given, so the plan each call is merged against is the
 * one the calls before it left, exactly as without -j. Workers stay at most `window`
 * calls ahead of the writer, so memory is bounded by the window, not by the run. */
struct pipeline {
	const struct mk_rules *rs;
	const struct mk_deal *deal;
	const char *date;
	int from_name;              /* --date-from-name */
	int threads;
	struct job *jobs;
	size_t n, next, written, window;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* The progress line (util/term.h): "file 3 of 40: extracting call.vtt (12.0 MB)". */
static void job_progress(const struct pipeline *pl, const struct job *j, const char *what)
{
	if (!term_progress_on())
		return;
	if (pl->n > 1)
		term_progress("ingest: file %zu of %zu: %s %s (%.1f MB)", (size_t)(j - pl->jobs) + 1, pl->n,
			      what, j->path, j->mb);
	else
		term_progress("ingest: %s %s (%.1f MB)", what, j->path, j->mb);
}

static void job_extract(const struct pipeline *pl, struct job *j)
{
	mk_diag_clear(&j->diag);
	if (pl->threads <= 1)
		job_progress(pl, j, "reading");
	if ((j->read_err = mk_transcript_read_file(&j->t, j->path, &j->diag)))
		return;
	if (pl->threads <= 1)
		job_progress(pl, j, "extracting");
	j->extract_err = mk_call_extract(pl->rs, pl->deal, &j->t, pl->date, pl->from_name, &j->f, &j->r,
					&j->diag);
}

static void *worker(void *arg)
{
	struct pipeline *pl = arg;
	for (;;) {
		size_t i;
		pthread_mutex_lock(&pl->mu);
		while (pl->next < pl->n && pl->next >= pl->written + pl->window)
			pthread_cond_wait(&pl->cv, &pl->mu);
		if (pl->next >= pl->n) {
			pthread_mutex_unlock(&pl->mu);
			return NULL;
		}
		i = pl->next++;
		pthread_mutex_unlock(&pl->mu);
		job_extract(pl, &pl->jobs[i]);
		pthread_mutex_lock(&pl->mu);
		pl->jobs[i].ready = 1;
		pthread_cond_broadcast(&pl->cv);
		pthread_mutex_unlock(&pl->mu);
	}
}

/* Stores one extracted call and reports it; 0, 1 (this call failed) or 2 (a bad --date). */
static int job_store(struct mk_store *st, const struct mk_deal *deal, struct job *j, const char *date, json_t *jout)
{
	struct mk_call_result *r = &j->r;
	enum mk_err err;
	int known = 0;
	if (j->read_err) {
		cli_diag(&j->diag, j->read_err);
		return 1;
	}
	if ((err = mk_store_meeting_known(st, j->t.sha256, &known, &j->diag))) {
		cli_diag(&j->diag, err);
		return 1;
	}
	if (known) {
		if (jout)
			json_array_append_new(jout, json_pack("{s:s, s:s, s:s}", "path", j->path, "sha256",
							      j->t.sha256, "status", "already ingested"));
		else
			printf("%s: already ingested (same transcript, sha256 %.12s), nothing changed\n", j->path,
			       j->t.sha256);
		return 0;
	}
	if (j->extract_err == MK_EDATE) {
		cli_error("ingest: cannot read --date '%s' (YYYY-MM-DD or ISO 8601)", date);
		return 2;
	}
	if ((err = j->extract_err) || (err = mk_call_store(st, deal, &j->t, &j->f, r, &j->diag))) {
		cli_diag(&j->diag, err);
		return 1;
	}
	lang_warn(j->path, r);
	if (jout)
		json_array_append_new(
			jout, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "path", j->path, "sha256",
					j->t.sha256, "status", r->already ? "already ingested" : "ingested", "meeting_id",
					(json_int_t)r->res.meeting_id, "commitments", (json_int_t)r->ncommitments,
					"stakeholders", (json_int_t)r->nstakeholders, "risks", (json_int_t)r->nrisks,
					"updates", (json_int_t)r->nupdates, "proposals", (json_int_t)r->res.nproposals));
	else if (r->already)
		printf("%s: already ingested, nothing changed\n", j->path);
	else
		printf("%s: meeting %s, %zu commitments, %zu stakeholders, %zu risks, %zu updates -> %zu proposals to review\n",
		       j->path, r->start, r->ncommitments, r->nstakeholders, r->nrisks, r->nupdates, r->res.nproposals);
	fflush(stdout);
	return 0;
}

/* Ingests paths[0..n) with `threads` extracting (1: all on this thread); the worst rc. */
static int ingest_all(struct mk_store *st, const struct mk_rules *rs, const struct mk_deal *deal, char **paths,
		      size_t n, const char *date, int from_name, unsigned threads, json_t *jout)
{
	struct pipeline pl;
	pthread_t tids[MK_INGEST_MAX_THREADS];
	unsigned started = 0;
	int rc = 0;
	memset(&pl, 0, sizeof pl);
	pl.rs = rs;
	pl.deal = deal;
	pl.date = date;
	pl.from_name = from_name;
	pl.threads = (int)threads;
	pl.n = n;
	pl.window = 2 * (size_t)threads;
	if (!(pl.jobs = calloc(n, sizeof *pl.jobs)))
		abort();
	for (size_t i = 0; i < n; i++) {
		struct stat sb;
		pl.jobs[i].path = paths[i];
		pl.jobs[i].mb = stat(paths[i], &sb) ? 0 : (double)sb.st_size / 1e6;
		mk_transcript_init(&pl.jobs[i].t);
		mk_findings_init(&pl.jobs[i].f);
	}
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.cv, NULL);
	for (unsigned k = 0; threads > 1 && k < threads; k++)
		if (!pthread_create(&tids[k], NULL, worker, &pl))
			started++;
	for (size_t i = 0; i < n; i++) {
		struct job *j = &pl.jobs[i];
		int r;
		if (!started) {
			pl.next = i + 1;
			job_extract(&pl, j);
		} else {
			job_progress(&pl, j, "extracting");
			pthread_mutex_lock(&pl.mu);
			while (!j->ready)
				pthread_cond_wait(&pl.cv, &pl.mu);
			pthread_mutex_unlock(&pl.mu);
		}
		job_progress(&pl, j, "storing");
		r = job_store(st, deal, j, date, jout);
		if (r > rc)
			rc = r;
		mk_findings_release(&j->f);
		mk_transcript_release(&j->t);
		pthread_mutex_lock(&pl.mu);
		pl.written = i + 1;
		pthread_cond_broadcast(&pl.cv);
		pthread_mutex_unlock(&pl.mu);
	}
	term_progress_end();
	for (unsigned k = 0; k < started; k++)
		pthread_join(tids[k], NULL);
	pthread_cond_destroy(&pl.cv);
	pthread_mutex_destroy(&pl.mu);
	free(pl.jobs);
	return rc;
}

int cmd_ingest(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "deal", required_argument, NULL, 'D' },
		{ "date", required_argument, NULL, 'd' },
		{ "date-from-name", no_argument, NULL, 'N' },
		{ "db", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "rules", required_argument, NULL, 'r' },
		{ "jobs", required_argument, NULL, 'j' },
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
	int ch, rc = 0, from_name = 0;
	unsigned threads = 1;
	enum mk_err err;
	memset(&deal, 0, sizeof deal);
	mk_diag_clear(&diag);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hj:", longopts, NULL)) != -1) {
		char *end;
		unsigned long v;
		switch (ch) {
		case 'j':
			v = strtoul(optarg, &end, 10);
			if (*end || !*optarg || optarg[0] == '-' || v < 1 || v > MK_INGEST_MAX_THREADS) {
				cli_error("ingest: -j wants a number of threads from 1 to %d, not '%s'",
					  MK_INGEST_MAX_THREADS, optarg);
				return 2;
			}
			threads = (unsigned)v;
			break;
		case 'D': dealname = optarg; break;
		case 'd': date = optarg; break;
		case 'N': from_name = 1; break;
		case 'b': db = optarg; break;
		case 'f': fmt = optarg; break;
		case 'r': rules_dir = optarg; break;
		case 'h': printf("usage: %s\n", usage); return 0;
		default:
			return cli_bad_option("ingest", argv, "hj:", longopts);
		}
	}
	if (optind >= argc || !dealname)
		return cli_usage(usage);
	if (!(fmt = cli_format("ingest", fmt, "text|json")))
		return 2;
	if (date) {
		struct mk_date d;
		if (mk_date_parse(date, &d)) {
			cli_error("ingest: cannot read --date '%s' (YYYY-MM-DD or ISO 8601)", date);
			return 2;
		}
		if (argc - optind > 1 && !from_name) {
			cli_error("ingest: one --date for %d files would give them all the same meeting date; "
				  "ingest them one by one, or add --date-from-name (each file's own date wins, "
				  "--date dates the files that have none)", argc - optind);
			return 2;
		}
	}
	if (!(st = cli_store_create(db)))
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
	rc = ingest_all(st, rs, &deal, argv + optind, (size_t)(argc - optind), date, from_name, threads, jout);
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
