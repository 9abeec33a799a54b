/*
 * batch.c: ingest many calls of one deal in one run (`mapkeeper ingest -j N FILE...`):
 * worker threads read and extract the calls ahead (mk_call_extract), the caller's thread
 * stores them in the order given (mk_call_store) and reports each one to a callback, so
 * the plan each call is merged against is the one the calls before it left, exactly as on
 * one thread. Workers stay at most a window of calls ahead of the writer: memory is
 * bounded by the window, not by the run. Prints nothing; see mapkeeper.h, "one call".
 */
#include "mapkeeper.h"
#include "util/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One call of a run: read and extracted (by any thread), then stored (in order). */
struct batch_job {
	const char *path;
	double mb;                  /* its size, for the progress callback */
	struct mk_transcript t;
	struct mk_findings f;
	struct mk_call_result r;
	struct mk_diag diag;
	enum mk_err read_err, extract_err;
	int ready;
};

/* The calls of one run: workers take the next call to extract; the writer stores them. */
struct batch {
	struct mk_store *st;
	const struct mk_rules *rs;
	const struct mk_deal *deal;
	const struct mk_calls_opts *o;
	unsigned threads;
	struct batch_job *jobs;
	size_t n, next, written, window;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static void batch_progress(const struct batch *b, const struct batch_job *j, const char *stage)
{
	if (b->o->progress)
		b->o->progress(b->o->ctx, (size_t)(j - b->jobs), b->n, stage, j->path, j->mb);
}

static void batch_extract(const struct batch *b, struct batch_job *j)
{
	mk_diag_clear(&j->diag);
	if (b->threads <= 1)
		batch_progress(b, j, "reading");
	if ((j->read_err = mk_transcript_read_file(&j->t, j->path, &j->diag)))
		return;
	if (b->threads <= 1)
		batch_progress(b, j, "extracting");
	j->extract_err = mk_call_extract(b->rs, b->deal, &j->t, b->o->date, b->o->flags, &j->f, &j->r, &j->diag);
}

static void *batch_worker(void *arg)
{
	struct batch *b = arg;
	for (;;) {
		size_t i;
		pthread_mutex_lock(&b->mu);
		while (b->next < b->n && b->next >= b->written + b->window)
			pthread_cond_wait(&b->cv, &b->mu);
		if (b->next >= b->n) {
			pthread_mutex_unlock(&b->mu);
			return NULL;
		}
		i = b->next++;
		pthread_mutex_unlock(&b->mu);
		batch_extract(b, &b->jobs[i]);
		pthread_mutex_lock(&b->mu);
		b->jobs[i].ready = 1;
		pthread_cond_broadcast(&b->cv);
		pthread_mutex_unlock(&b->mu);
	}
}

/* Stores one extracted call (a transcript stored before is *known, and nothing is done). */
static enum mk_err batch_store(const struct batch *b, struct batch_job *j, int *known)
{
	enum mk_err err;
	*known = 0;
	if (j->read_err)
		return j->read_err;
	if ((err = mk_store_meeting_known(b->st, j->t.sha256, known, &j->diag)))
		return err;
	if (*known) {
		j->r.already = 1;
		return MK_OK;
	}
	if (j->extract_err)
		return j->extract_err;
	return mk_call_store(b->st, b->deal, &j->t, &j->f, &j->r, &j->diag);
}

/* The writer's turn for call i: wait for it (or extract it here), store it, report it. */
static enum mk_err batch_write(struct batch *b, size_t i, int workers)
{
	struct batch_job *j = &b->jobs[i];
	struct mk_calls_done done;
	if (!workers) {
		b->next = i + 1;
		batch_extract(b, j);
	} else {
		batch_progress(b, j, "extracting");
		pthread_mutex_lock(&b->mu);
		while (!j->ready)
			pthread_cond_wait(&b->cv, &b->mu);
		pthread_mutex_unlock(&b->mu);
	}
	batch_progress(b, j, "storing");
	memset(&done, 0, sizeof done);
	done.index = i;
	done.path = j->path;
	done.t = &j->t;
	done.r = &j->r;
	done.diag = &j->diag;
	done.err = batch_store(b, j, &done.known);
	if (b->o->done)
		b->o->done(b->o->ctx, &done);
	mk_findings_release(&j->f);
	mk_transcript_release(&j->t);
	pthread_mutex_lock(&b->mu);
	b->written = i + 1;
	pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->mu);
	return done.err;
}

static void batch_init(struct batch *b, const char *const *paths, size_t n, unsigned threads)
{
	b->threads = threads < 1 ? 1 : threads > MK_CALLS_MAX_THREADS ? MK_CALLS_MAX_THREADS : threads;
	b->n = n;
	b->window = 2 * (size_t)b->threads;
	b->jobs = mk_calloc(n ? n : 1, sizeof *b->jobs);
	for (size_t i = 0; i < n; i++) {
		struct stat sb;
		b->jobs[i].path = paths[i];
		b->jobs[i].mb = stat(paths[i], &sb) ? 0 : (double)sb.st_size / 1e6;
		mk_transcript_init(&b->jobs[i].t);
		mk_findings_init(&b->jobs[i].f);
	}
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->cv, NULL);
}

enum mk_err mk_calls_ingest(struct mk_store *st, const struct mk_rules *rs, const struct mk_deal *deal,
			    const char *const *paths, size_t n, const struct mk_calls_opts *o)
{
	struct batch b;
	pthread_t tids[MK_CALLS_MAX_THREADS];
	unsigned started = 0;
	enum mk_err first = MK_OK;
	memset(&b, 0, sizeof b);
	b.st = st;
	b.rs = rs;
	b.deal = deal;
	b.o = o;
	batch_init(&b, paths, n, o->threads);
	for (unsigned k = 0; b.threads > 1 && k < b.threads; k++)
		if (!pthread_create(&tids[k], NULL, batch_worker, &b))
			started++;
	for (size_t i = 0; i < n; i++) {
		enum mk_err err = batch_write(&b, i, started > 0);
		if (err && !first)
			first = err;
	}
	for (unsigned k = 0; k < started; k++)
		pthread_join(tids[k], NULL);
	pthread_cond_destroy(&b.cv);
	pthread_mutex_destroy(&b.mu);
	free(b.jobs);
	return first;
}
