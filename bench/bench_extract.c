/*
 * bench_extract.c: times extraction in one process after start-up. Loads the rules
 * once, reads each transcript once, then runs mk_extract on it N times and prints
 * the median and p99 per call and MB/s. A benchmark, not a test: it asserts nothing.
 * usage: bench_extract RULES_DIR N FILE...
 */
#include "mapkeeper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct mk_rules *rs;
	struct mk_diag d;
	double t0;
	int n;
	if (argc < 4) {
		fprintf(stderr, "usage: bench_extract RULES_DIR N FILE...\n");
		return 2;
	}
	n = atoi(argv[2]);
	mk_diag_clear(&d);
	t0 = now_ms();
	if (mk_rules_load(&rs, argv[1], &d)) {
		char b[1200];
		fprintf(stderr, "%s\n", mk_diag_format(&d, b, sizeof b));
		return 1;
	}
	printf("rules: %zu loaded and JIT-compiled in %.1f ms\n", mk_rules_count(rs), now_ms() - t0);
	for (int f = 3; f < argc; f++) {
		struct mk_transcript t;
		struct mk_extract_opts o;
		double *ms = calloc((size_t)n, sizeof *ms), bytes = 0, total = 0;
		size_t words = 0, nc = 0;
		mk_transcript_init(&t);
		if (mk_transcript_read_file(&t, argv[f], &d)) {
			char b[1200];
			fprintf(stderr, "%s\n", mk_diag_format(&d, b, sizeof b));
			return 1;
		}
		for (size_t i = 0; i < t.n; i++) {
			const char *p = t.utt[i].text;
			bytes += strlen(p);
			for (int inw = 0; *p; p++) {
				int w = *p != ' ';
				words += w && !inw;
				inw = w;
			}
		}
		memset(&o, 0, sizeof o);
		mk_date_parse("2026-03-03", &o.date);
		for (int i = 0; i < n; i++) {
			struct mk_findings fi;
			double a = now_ms();
			mk_extract(rs, &t, &o, &fi, &d);
			ms[i] = now_ms() - a;
			total += ms[i];
			nc = fi.ncommitments;
			mk_findings_release(&fi);
		}
		qsort(ms, (size_t)n, sizeof *ms, cmp_d);
		printf("%s: %zu utterances, %zu words, %.0f KB text, %zu commitments\n", argv[f], t.n, words,
		       bytes / 1024, nc);
		printf("  extract: median %.2f ms, p99 %.2f ms over %d runs; %.1f MB/s of text, %.0f words/ms\n",
		       ms[n / 2], ms[(size_t)(n * 0.99) < (size_t)n ? (size_t)(n * 0.99) : (size_t)n - 1], n,
		       bytes / 1e6 / (total / n / 1e3), words / ms[n / 2]);
		free(ms);
		mk_transcript_release(&t);
	}
	mk_rules_free(rs);
	return 0;
}
