/*
 * bench_main.c: the extraction half of `make bench` (docs/bench.md). Loads the rules
 * once, holds every call of the corpus in memory as raw bytes, then times parse +
 * extract of each call through the library API: on one core (per-call median and p99,
 * MB/s and calls/s) and on every core (one thread per core taking calls from a shared
 * counter; each call gets its own mk_extract, the rules are shared read-only). Also the
 * floor (pcre2grep over the concatenated corpus with the commitment rules' trigger
 * words), and peak RSS of a fresh process extracting one call, the largest call and the
 * largest input accepted. Prints key=value lines for bench/run.py; asserts nothing,
 * except that every thread finds exactly what one core found.
 *
 * usage: bench_main --rules DIR --corpus DIR [--big FILE] [--work DIR] [--passes N]
 *                   [--threads N] [--floor-runs N (0: none)] [--grep PATH]
 *        bench_main --rss FILE --rules DIR      (a child: one extraction, then its RSS)
 */
#include "mapkeeper.h"
#include "extractor/rules.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct call {
	char *path;        /* relative to the corpus folder */
	char *data;        /* the raw file */
	size_t len;
	struct mk_extract_opts o;
	char **sellers;
	size_t words;
	uint64_t sum;      /* what one core found, to compare the threads against */
};

static struct call *calls;
static size_t ncalls;
static const struct mk_rules *rules;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time of the calling thread: what one call costs, whatever else the machine runs. */
static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double pct(const double *sorted, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return sorted[i < n ? i : n - 1];
}

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "bench_main: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	exit(1);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf;
	if (!f || fstat(fileno(f), &st))
		die("cannot read", path);
	buf = malloc((size_t)st.st_size + 1);
	if (!buf || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size)
		die("cannot read", path);
	fclose(f);
	buf[st.st_size] = '\0';
	*len = (size_t)st.st_size;
	return buf;
}

/* ---- what a call gave, as one number (FNV-1a) ---- */

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

static uint64_t mixs(uint64_t h, const char *s)
{
	return s ? mix(h, s, strlen(s) + 1) : mix(h, "\1", 1);
}

static uint64_t findings_sum(const struct mk_findings *f)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < f->ncommitments; i++) {
		const struct mk_commitment *c = &f->commitments[i];
		h = mixs(mixs(mixs(mixs(h, c->owner), c->action), c->due_text), c->ev.quote);
		h = mix(h, &c->due, sizeof c->due);
		h = mix(h, &c->side, sizeof c->side);
	}
	for (size_t i = 0; i < f->nstakeholders; i++)
		h = mixs(mixs(mixs(h, f->stakeholders[i].name), f->stakeholders[i].role), f->stakeholders[i].ev.quote);
	for (size_t i = 0; i < f->nrisks; i++)
		h = mixs(mixs(h, f->risks[i].category), f->risks[i].text);
	for (size_t i = 0; i < f->nupdates; i++)
		h = mixs(mixs(h, f->updates[i].change), f->updates[i].item);
	for (size_t i = 0; i < f->ndates; i++)
		h = mixs(mix(h, &f->dates[i].value, sizeof f->dates[i].value), f->dates[i].text);
	return h;
}

/* Parse + extract one call; the two times in seconds of CPU. */
static uint64_t run_call(const struct call *c, double *t_parse, double *t_extract)
{
	struct mk_transcript t;
	struct mk_findings f;
	struct mk_diag d;
	uint64_t sum;
	double a = cpu_s(), b;
	mk_transcript_init(&t);
	if (mk_transcript_parse(&t, c->path, c->data, c->len, &d)) {
		char buf[1200];
		die("cannot parse", mk_diag_format(&d, buf, sizeof buf));
	}
	b = cpu_s();
	if (mk_extract(rules, &t, &c->o, &f, &d))
		die("cannot extract", c->path);
	if (t_parse)
		*t_parse = b - a;
	if (t_extract)
		*t_extract = cpu_s() - b;
	sum = findings_sum(&f);
	mk_findings_release(&f);
	mk_transcript_release(&t);
	return sum;
}

/* ---- the corpus ---- */

static void load_corpus(const char *dir)
{
	char *mpath = malloc(strlen(dir) + 32), line[4096];
	size_t cap = 0;
	FILE *m;
	sprintf(mpath, "%s/manifest.tsv", dir);
	if (!(m = fopen(mpath, "r")))
		die("cannot open", mpath);
	while (fgets(line, sizeof line, m)) {
		char *field[8], *save = NULL, *p;
		int nf = 0;
		struct call *c;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		for (p = strtok_r(line, "\t", &save); p && nf < 8; p = strtok_r(NULL, "\t", &save))
			field[nf++] = p;
		if (nf < 8)
			die("bad manifest line in", mpath);
		if (ncalls == cap) {
			cap = cap ? cap * 2 : 512;
			calls = realloc(calls, cap * sizeof *calls);
		}
		c = &calls[ncalls++];
		memset(c, 0, sizeof *c);
		c->path = strdup(field[0]);
		{
			char *full = malloc(strlen(dir) + strlen(field[0]) + 2);
			sprintf(full, "%s/%s", dir, field[0]);
			c->data = read_file(full, &c->len);
			free(full);
		}
		mk_date_parse(field[2], &c->o.date);
		for (p = strtok_r(field[3], ",", &save); p; p = strtok_r(NULL, ",", &save)) {
			c->sellers = realloc(c->sellers, (c->o.nsellers + 1) * sizeof *c->sellers);
			c->sellers[c->o.nsellers++] = strdup(p);
		}
		c->o.sellers = (const char *const *)c->sellers;
		c->o.seller_org = strdup(field[4]);
		c->o.buyer_org = strdup(field[5]);
		c->words = strtoul(field[7], NULL, 10);
	}
	fclose(m);
	free(mpath);
	if (!ncalls)
		die("no calls in", dir);
}

/* ---- every core ---- */

static atomic_size_t next_call;
static atomic_int mismatches;

static void *worker(void *arg)
{
	(void)arg;
	for (;;) {
		size_t i = atomic_fetch_add(&next_call, 1);
		if (i >= ncalls)
			return NULL;
		if (run_call(&calls[i], NULL, NULL) != calls[i].sum)
			atomic_fetch_add(&mismatches, 1);
	}
}

static double all_cores(int nthreads)
{
	pthread_t *th = calloc((size_t)nthreads, sizeof *th);
	double t0 = now_s();
	atomic_store(&next_call, 0);
	for (int i = 0; i < nthreads; i++)
		if (pthread_create(&th[i], NULL, worker, NULL))
			die("cannot start a thread", strerror(errno));
	for (int i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	free(th);
	return now_s() - t0;
}

static int by_len(const void *a, const void *b)
{
	size_t x = calls[*(const size_t *)a].len, y = calls[*(const size_t *)b].len;
	return (x > y) - (x < y);
}

/* ---- child processes: pcre2grep and the RSS probes ---- */

/* Runs argv with stdout into out (up to outlen bytes); returns its CPU seconds (user + system),
 * -1 on failure. */
static double run_child(char *const argv[], char *out, size_t outlen)
{
	int fd[2], status;
	pid_t pid;
	size_t got = 0;
	struct rusage ru;
	if (pipe(fd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	for (;;) {
		ssize_t n = read(fd[0], out + got, got + 1 < outlen ? outlen - got - 1 : 0);
		if (n <= 0) {
			if (n == 0 || got + 1 >= outlen) {
				char sink[4096];
				if (n != 0)
					while (read(fd[0], sink, sizeof sink) > 0)
						;
				break;
			}
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)n;
	}
	close(fd[0]);
	out[got] = '\0';
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) > 1)
		return -1;
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

/* The commitment rules' needs: words as one caseless alternation, metacharacters escaped. */
static char *trigger_pattern(const struct mk_rules *rs)
{
	size_t cap = 4096, len = 0;
	char *p = malloc(cap);
	char **seen = NULL;
	size_t nseen = 0;
	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->r[i];
		if (r->kind != RK_COMMITMENT)
			continue;
		for (size_t k = 0; k < r->nneeds; k++) {
			const char *w = r->needs[k];
			size_t j;
			for (j = 0; j < nseen && strcmp(seen[j], w); j++)
				;
			if (j < nseen)
				continue;
			seen = realloc(seen, (nseen + 1) * sizeof *seen);
			seen[nseen++] = (char *)w;
			if (len + 2 * strlen(w) + 4 > cap)
				p = realloc(p, cap *= 2);
			if (len)
				p[len++] = '|';
			for (; *w; w++) {
				if (strchr("\\^$.|?*+()[]{}", *w))
					p[len++] = '\\';
				p[len++] = *w;
			}
		}
	}
	p[len] = '\0';
	free(seen);
	return p;
}

static void floor_pass(const char *grep, const char *work, int runs, double mk_seconds, double mk_extract_seconds)
{
	char *all = malloc(strlen(work) + 32), out[256];
	char *pat = trigger_pattern(rules);
	double *t = calloc((size_t)runs, sizeof *t);
	size_t total = 0;
	struct stat st;
	sprintf(all, "%s/corpus-all.txt", work);
	for (size_t i = 0; i < ncalls; i++)
		total += calls[i].len;
	if (stat(all, &st) || (size_t)st.st_size != total) {
		FILE *f = fopen(all, "wb");
		if (!f)
			die("cannot write", all);
		for (size_t i = 0; i < ncalls; i++)
			fwrite(calls[i].data, 1, calls[i].len, f);
		if (fclose(f))
			die("cannot write", all);
	}
	{
		char *argv[] = { (char *)grep, "-c", "-i", "-e", pat, all, NULL };
		for (int r = 0; r < runs; r++) {
			t[r] = run_child(argv, out, sizeof out);
			if (t[r] < 0) {
				printf("floor_error=%s failed (is it installed? Debian: pcre2-utils)\n", grep);
				goto out;
			}
		}
	}
	qsort(t, (size_t)runs, sizeof *t, cmp_d);
	printf("floor_pattern=%s\n", pat);
	printf("floor_lines=%ld\n", strtol(out, NULL, 10));
	printf("floor_bytes=%zu\n", total);
	printf("floor_runs=%d\n", runs);
	printf("floor_best_s=%.4f\n", t[0]);
	printf("floor_median_s=%.4f\n", t[runs / 2]);
	printf("floor_mbs=%.1f\n", (double)total / 1e6 / t[runs / 2]);
	printf("floor_ratio=%.2f\n", mk_seconds / t[runs / 2]);
	printf("floor_ratio_extract=%.2f\n", mk_extract_seconds / t[runs / 2]);
out:
	free(t);
	free(pat);
	free(all);
}

static void rss_probe(const char *self, const char *rules_dir, const char *file, const char *name)
{
	char out[512];
	char *argv[] = { (char *)self, "--rss", (char *)file, "--rules", (char *)rules_dir, NULL };
	char *argv0[] = { (char *)self, "--rss", "-", "--rules", (char *)rules_dir, NULL };
	if (run_child(file ? argv : argv0, out, sizeof out) < 0) {
		printf("rss_%s_error=the probe failed on %s\n", name, file ? file : "(none)");
		return;
	}
	/* the child prints "k=v k=v ..." on one line: prefix each key */
	for (char *save = NULL, *p = strtok_r(out, " \n", &save); p; p = strtok_r(NULL, " \n", &save))
		printf("rss_%s_%s\n", name, p);
}

/*
 * This process's peak RSS in KB: VmHWM, the high-water mark of its own memory map. Not
 * getrusage's ru_maxrss, which, after fork and exec, also remembers the parent's RSS at
 * the fork.
 */
static long peak_rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

/* The child: load the rules, read and parse file, extract once, report peak RSS. */
static int rss_child(const char *file, const char *rules_dir)
{
	struct mk_rules *rs;
	struct mk_transcript t;
	struct mk_findings f;
	struct mk_extract_opts o;
	struct mk_diag d;
	struct stat st;
	double a, b, c;
	long base;
	if (mk_rules_load(&rs, rules_dir, &d))
		die("cannot load rules", rules_dir);
	base = peak_rss_kb();
	if (!strcmp(file, "-")) {
		printf("kb=%ld rules_kb=%ld\n", base, base);
		return 0;
	}
	memset(&o, 0, sizeof o);
	mk_date_parse("2026-03-03", &o.date);
	mk_transcript_init(&t);
	a = cpu_s();
	if (mk_transcript_read_file(&t, file, &d)) {
		char buf[1200];
		die("cannot read", mk_diag_format(&d, buf, sizeof buf));
	}
	b = cpu_s();
	mk_extract(rs, &t, &o, &f, &d);
	c = cpu_s();
	stat(file, &st);
	printf("kb=%ld rules_kb=%ld bytes=%lld utterances=%zu commitments=%zu read_parse_s=%.3f extract_s=%.3f\n",
	       peak_rss_kb(), base, (long long)st.st_size, t.n, f.ncommitments, b - a, c - b);
	mk_findings_release(&f);
	mk_transcript_release(&t);
	mk_rules_free(rs);
	return 0;
}

int main(int argc, char **argv)
{
	const char *rules_dir = "rules", *corpus = NULL, *big = NULL, *work = NULL, *grep = "pcre2grep";
	const char *rss = NULL;
	int passes = 3, threads = (int)sysconf(_SC_NPROCESSORS_ONLN), floor_runs = 5;
	struct mk_rules *rs;
	struct mk_diag d;
	double t0, *tp, *te, *pass_s, *pass_e, mk_s, mk_e, bytes = 0, words = 0;
	char self[4096];
	ssize_t sl;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			die("missing value after", a);
		if (!strcmp(a, "--rules"))
			rules_dir = v;
		else if (!strcmp(a, "--corpus"))
			corpus = v;
		else if (!strcmp(a, "--big"))
			big = v;
		else if (!strcmp(a, "--work"))
			work = v;
		else if (!strcmp(a, "--passes"))
			passes = atoi(v);
		else if (!strcmp(a, "--threads"))
			threads = atoi(v);
		else if (!strcmp(a, "--floor-runs"))
			floor_runs = atoi(v);
		else if (!strcmp(a, "--grep"))
			grep = v;
		else if (!strcmp(a, "--rss"))
			rss = v;
		else
			die("unknown option", a);
		i++;
	}
	if (rss)
		return rss_child(rss, rules_dir);
	if (!corpus || passes < 1 || threads < 1 || floor_runs < 0)
		die("usage: bench_main --rules DIR --corpus DIR [--big FILE] [--work DIR] [--passes N] "
		    "[--threads N] [--floor-runs N] [--grep PATH]", NULL);
	if (!work)
		work = corpus;
	sl = readlink("/proc/self/exe", self, sizeof self - 1);
	if (sl <= 0)
		die("cannot find /proc/self/exe", NULL);
	self[sl] = '\0';

	t0 = cpu_s();
	if (mk_rules_load(&rs, rules_dir, &d)) {
		char b[1200];
		die("cannot load rules", mk_diag_format(&d, b, sizeof b));
	}
	rules = rs;
	printf("rules=%zu\nrules_load_ms=%.1f\n", mk_rules_count(rs), (cpu_s() - t0) * 1e3);
	load_corpus(corpus);
	for (size_t i = 0; i < ncalls; i++) {
		bytes += (double)calls[i].len;
		words += (double)calls[i].words;
	}
	printf("calls=%zu\nbytes=%.0f\nwords_per_call=%.0f\n", ncalls, bytes, words / (double)ncalls);

	/* one core: a warm-up pass, then passes; each call's time is its median over the passes */
	tp = calloc(ncalls * (size_t)passes, sizeof *tp);
	te = calloc(ncalls * (size_t)passes, sizeof *te);
	pass_s = calloc((size_t)passes, sizeof *pass_s);
	pass_e = calloc((size_t)passes, sizeof *pass_e);
	for (size_t i = 0; i < ncalls; i++)
		calls[i].sum = run_call(&calls[i], NULL, NULL);
	for (int p = 0; p < passes; p++) {
		double a = cpu_s();
		for (size_t i = 0; i < ncalls; i++)
			if (run_call(&calls[i], &tp[i * passes + p], &te[i * passes + p]) != calls[i].sum)
				die("a call gave different findings on a second run", calls[i].path);
		pass_s[p] = cpu_s() - a;
		for (size_t i = 0; i < ncalls; i++)
			pass_e[p] += te[i * passes + p];
	}
	{
		double *all = calloc(ncalls, sizeof *all), *ex = calloc(ncalls, sizeof *ex), *row = calloc((size_t)passes, sizeof *row);
		for (size_t i = 0; i < ncalls; i++) {
			for (int p = 0; p < passes; p++)
				row[p] = tp[i * passes + p] + te[i * passes + p];
			qsort(row, (size_t)passes, sizeof *row, cmp_d);
			all[i] = row[passes / 2];
			for (int p = 0; p < passes; p++)
				row[p] = te[i * passes + p];
			qsort(row, (size_t)passes, sizeof *row, cmp_d);
			ex[i] = row[passes / 2];
		}
		qsort(all, ncalls, sizeof *all, cmp_d);
		qsort(ex, ncalls, sizeof *ex, cmp_d);
		qsort(pass_s, (size_t)passes, sizeof *pass_s, cmp_d);
		qsort(pass_e, (size_t)passes, sizeof *pass_e, cmp_d);
		mk_s = pass_s[passes / 2];
		mk_e = pass_e[passes / 2];
		printf("passes=%d\n", passes);
		printf("one_core_s=%.3f\none_core_mbs=%.1f\none_core_calls_s=%.0f\n", mk_s, bytes / 1e6 / mk_s,
		       (double)ncalls / mk_s);
		printf("call_ms_median=%.2f\ncall_ms_p99=%.2f\ncall_ms_max=%.2f\n", pct(all, ncalls, 0.5) * 1e3,
		       pct(all, ncalls, 0.99) * 1e3, all[ncalls - 1] * 1e3);
		printf("extract_ms_median=%.2f\nextract_ms_p99=%.2f\n", pct(ex, ncalls, 0.5) * 1e3,
		       pct(ex, ncalls, 0.99) * 1e3);
		free(all);
		free(ex);
		free(row);
	}

	/* every core: the median of the passes */
	{
		double *w = calloc((size_t)passes, sizeof *w);
		for (int p = 0; p < passes; p++)
			w[p] = all_cores(threads);
		qsort(w, (size_t)passes, sizeof *w, cmp_d);
		printf("threads=%d\nall_cores_s=%.3f\nall_cores_mbs=%.1f\nall_cores_calls_s=%.0f\nthreads_same_findings=%s\n",
		       threads, w[passes / 2], bytes / 1e6 / w[passes / 2], (double)ncalls / w[passes / 2],
		       atomic_load(&mismatches) ? "no" : "yes");
		free(w);
	}
	printf("self_rss_kb=%ld\n", peak_rss_kb());

	if (floor_runs > 0) /* --floor-runs 0: no floor (nor the rules' internals it reads) */
		floor_pass(grep, work, floor_runs, mk_s, mk_e);

	/* memory: fresh processes, one extraction each */
	{
		size_t med = 0, max = 0, *ix = calloc(ncalls, sizeof *ix);
		char *path;
		for (size_t i = 0; i < ncalls; i++)
			ix[i] = i;
		qsort(ix, ncalls, sizeof *ix, by_len);
		med = ix[ncalls / 2];
		max = ix[ncalls - 1];
		free(ix);
		rss_probe(self, rules_dir, NULL, "rules");
		path = malloc(strlen(corpus) + strlen(calls[med].path) + 2);
		sprintf(path, "%s/%s", corpus, calls[med].path);
		rss_probe(self, rules_dir, path, "call");
		free(path);
		path = malloc(strlen(corpus) + strlen(calls[max].path) + 2);
		sprintf(path, "%s/%s", corpus, calls[max].path);
		rss_probe(self, rules_dir, path, "largest");
		free(path);
		if (big)
			rss_probe(self, rules_dir, big, "big");
	}
	return 0;
}
