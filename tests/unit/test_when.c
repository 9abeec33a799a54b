/*
 * test_when.c: date resolution (extractor/when.c) against the hand-worked cases in
 * tests/cases/when.txt (mk_when_resolve) and tests/cases/when-find.txt (mk_when_find),
 * one TAP line per case, then mk_when_scan (every expression in a text, read in
 * windows) and the API's edges. The calendar itself: test_calendar.c. Run from the
 * repository root.
 */
#include "mapkeeper.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

#define CASE_LINE_MAX 8192
#define CASE_FIELDS 4

static struct mk_date date(int y, int m, int d)
{
	struct mk_date r = { y, m, d };
	return r;
}

static int date_eq(struct mk_date a, struct mk_date b)
{
	return a.y == b.y && a.m == b.m && a.d == b.d;
}

/* days since 1970-01-01 for ordering, independent of the code under test */
static long date_num(struct mk_date d)
{
	return (long)d.y * 372 + (d.m - 1) * 31 + (d.d - 1);
}

static int date_ok(struct mk_date d)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (d.y % 4 == 0 && d.y % 100 != 0) || d.y % 400 == 0;
	if (d.m < 1 || d.m > 12 || d.d < 1)
		return 0;
	return d.d <= md[d.m - 1] + (d.m == 2 && leap);
}

static char *trim(char *s)
{
	size_t n;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* splits "a | b | c" in place on " | "; returns the number of fields */
static int split(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;
	while (n < max) {
		char *bar = n < max - 1 ? strstr(p, " |") : NULL;
		f[n++] = p;
		if (!bar)
			break;
		*bar = '\0';
		p = bar + 2;
	}
	for (int k = 0; k < n; k++)
		f[k] = trim(f[k]);
	return n;
}

/* "2026-03-05", "2026-03-05..2026-03-12", "none", "error", "notfound" -> the same text */
static void describe(enum mk_err err, const struct mk_when *w, char *out, size_t outlen)
{
	char lo[16], hi[16], pick[16];
	if (err == MK_ENOTFOUND) {
		snprintf(out, outlen, "notfound");
		return;
	}
	if (err != MK_OK) {
		snprintf(out, outlen, "error (%s)", mk_strerror(err));
		return;
	}
	if (!w->has_date) {
		snprintf(out, outlen, "none");
		return;
	}
	mk_date_format(w->lo, lo, sizeof lo);
	mk_date_format(w->hi, hi, sizeof hi);
	mk_date_format(w->pick, pick, sizeof pick);
	if (w->is_window)
		snprintf(out, outlen, "%s..%s", lo, hi);
	else if (!date_eq(w->lo, w->hi) || !date_eq(w->lo, w->pick))
		snprintf(out, outlen, "%s (lo %s hi %s, not a window)", pick, lo, hi);
	else
		snprintf(out, outlen, "%s", pick);
}

/* what a result must satisfy whatever the phrase: the header's invariants */
static const char *broken_invariant(enum mk_err err, const struct mk_when *w, size_t textlen)
{
	if (err != MK_OK)
		return NULL;
	if (w->start + w->len > textlen || w->len == 0)
		return "span outside the text";
	if (!w->has_date)
		return w->is_window ? "a window without a date" : NULL;
	if (!date_ok(w->lo) || !date_ok(w->hi) || !date_ok(w->pick))
		return "an invalid date";
	if (date_num(w->lo) > date_num(w->pick) || date_num(w->pick) > date_num(w->hi))
		return "pick outside [lo, hi]";
	if (w->is_window ? date_eq(w->lo, w->hi) : !date_eq(w->lo, w->hi))
		return "is_window disagrees with lo/hi";
	if (!date_eq(w->pick, w->hi))
		return "pick is not the window's end";
	return NULL;
}

/* one case file: each line gives a TAP line; resolve (3 fields) or find (4 fields) */
static void run_cases(const char *path, int find)
{
	char line[CASE_LINE_MAX], got[128];
	int lineno = 0, cases = 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		printf("not ok %d - cannot open %s (run from the repository root)\n", ++tap_n, path);
		tap_failed++;
		return;
	}
	while (fgets(line, sizeof line, f)) {
		char *fld[CASE_FIELDS], *s;
		struct mk_date ref;
		struct mk_when w;
		enum mk_err err;
		const char *bad;
		int nf, pass;
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			printf("not ok %d - %s:%d: line too long\n", ++tap_n, path, lineno);
			tap_failed++;
			break;
		}
		s = trim(line);
		if (!*s || *s == '#')
			continue;
		nf = split(s, fld, CASE_FIELDS);
		if (nf != (find ? 4 : 3) || mk_date_parse(fld[0], &ref) != MK_OK) {
			printf("not ok %d - %s:%d: malformed case\n", ++tap_n, path, lineno);
			tap_failed++;
			continue;
		}
		memset(&w, 0xa5, sizeof w); /* a field left unset shows */
		err = find ? mk_when_find(fld[1], ref, &w) : mk_when_resolve(fld[1], ref, &w);
		describe(err, &w, got, sizeof got);
		if (!strcmp(fld[2], "error"))
			pass = err == MK_EDATE;
		else
			pass = !strcmp(got, fld[2]);
		bad = broken_invariant(err, &w, strlen(fld[1]));
		if (bad)
			pass = 0;
		if (pass && find && err == MK_OK) {
			pass = strlen(fld[3]) == w.len && !strncmp(fld[1] + w.start, fld[3], w.len);
			if (!pass)
				snprintf(got + strlen(got), sizeof got - strlen(got), " span '%.*s'",
					 (int)(w.len < 80 ? w.len : 80), fld[1] + w.start);
		}
		cases++;
		printf("%s %d - %s | %.120s%s", pass ? "ok" : "not ok", ++tap_n, fld[0], fld[1],
		       strlen(fld[1]) > 120 ? "..." : "");
		if (!pass)
			printf(" got %s%s%s (want %s%s%s)", got, bad ? ", " : "", bad ? bad : "", fld[2],
			       find && fld[3][0] ? " span " : "", find ? fld[3] : "");
		printf("\n");
		tap_failed += !pass;
	}
	fclose(f);
	printf("# %s: %d cases\n", path, cases);
}

/* the API's edges: NULL text, empty text, span of a found expression */
static void test_when_api(void)
{
	struct mk_when w;
	struct mk_date ref = date(2026, 3, 3);
	const char *s = "ok, so by Friday then";
	CHECK(mk_when_resolve(NULL, ref, &w) == MK_EARG);
	CHECK(mk_when_find(NULL, ref, &w) == MK_EARG);
	CHECK(mk_when_resolve("", ref, &w) == MK_EDATE);
	CHECK(mk_when_resolve("   ", ref, &w) == MK_EDATE);
	CHECK(mk_when_find("", ref, &w) == MK_ENOTFOUND);
	CHECK(mk_when_find(s, ref, &w) == MK_OK && w.start == 7 && w.len == 9);
	CHECK(mk_when_resolve("ASAP", ref, &w) == MK_OK && !w.has_date && !w.is_window);
	CHECK(mk_when_resolve("next Friday", ref, &w) == MK_OK && w.is_window &&
	      date_eq(w.pick, date(2026, 3, 13)) && w.start == 0 && w.len == 11);
}

/* side_clause(TEXT, DATE): is DATE (a substring of TEXT) said in a condition, an embedded
 * question or the past, read back from it? */
static int side_clause(const char *text, const char *date_words)
{
	const char *at = strstr(text, date_words);
	return at ? mk_when_side_clause(text, (size_t)(at - text)) : -1;
}

/* the clause a date is said in (extract.c's due dates skip side clauses) */
static void test_when_side_clause(void)
{
	CHECK(side_clause("If the PO clears on the ninth, we'll hold the slot", "on the ninth") == 1);
	CHECK(side_clause("If the PO clears on the ninth, we'll hold it until Friday", "until Friday") == 0);
	CHECK(side_clause("I'll ask her whether she'd sign before the 20th", "before the 20th") == 1);
	CHECK(side_clause("I'll ask her whether she’d sign before the 20th", "before the 20th") == 1);
	CHECK(side_clause("if Odile says yes on Tuesday we'll sign before the quarter closes",
			  "on Tuesday") == 1);
	CHECK(side_clause("if Odile says yes on Tuesday we'll sign before the quarter closes",
			  "before the quarter") == 0);
	CHECK(side_clause("Yes, we had the new scan done in January", "in January") == 1);
	CHECK(side_clause("since I deployed the fix from Friday", "from Friday") == 1);
	CHECK(side_clause("I'll send it by Friday if that works", "by Friday") == 0);
	CHECK(side_clause("We'll send it over tomorrow", "tomorrow") == 0);
	CHECK(side_clause("Once legal signs off on Monday I'll book it", "on Monday") == 1);
	CHECK(side_clause("I'll ask finance to keep the quote open through March third", "through March") == 1);
	CHECK(side_clause("I'll keep the sandbox running through the end of the quarter",
			  "through the end") == 0);
	CHECK(side_clause("I'll try to get it to you by Friday", "by Friday") == 0);
	CHECK(mk_when_side_clause(NULL, 0) == 0);
	CHECK(mk_when_side_clause("on Friday", 0) == 0);
}

/* does a phrase name a day of the calendar, not a span from today? */
static void test_when_names_day(void)
{
	static const char *const yes[] = { "The twelfth", "Friday", "May sixth", "3/15", "the 23rd",
					   "December tenth", "2026-04-01", NULL };
	static const char *const no[] = { "in two weeks", "next week", "tomorrow", "end of the month",
					  "in a couple of days", "", NULL };
	for (int i = 0; yes[i]; i++)
		CHECK(mk_when_names_day(yes[i], strlen(yes[i])) == 1);
	for (int i = 0; no[i]; i++)
		CHECK(mk_when_names_day(no[i], strlen(no[i])) == 0);
	CHECK(mk_when_names_day(NULL, 3) == 0);
}

#define SCAN_MAX 16

struct scan_log {
	struct mk_when w[SCAN_MAX];
	size_t n;
	size_t stop_after; /* the callback returns 1 on this report (0: never) */
};

static int scan_cb(void *ctx, const struct mk_when *w)
{
	struct scan_log *log = ctx;
	if (log->n < SCAN_MAX)
		log->w[log->n] = *w;
	log->n++;
	return log->stop_after && log->n == log->stop_after;
}

static int span_is(const char *text, const struct mk_when *w, const char *want)
{
	return w->len == strlen(want) && !strncmp(text + w->start, want, w->len);
}

static void test_when_scan(void)
{
	struct mk_date ref = date(2026, 3, 3);
	struct scan_log log;
	const char *s = "by Friday or next week, maybe March 15th";
	char big[4096];
	size_t len = 0, count;

	memset(&log, 0, sizeof log);
	CHECK(mk_when_scan(s, strlen(s), ref, scan_cb, &log) == 3 && log.n == 3);
	CHECK(span_is(s, &log.w[0], "by Friday") && date_eq(log.w[0].pick, date(2026, 3, 6)));
	CHECK(span_is(s, &log.w[1], "next week") && log.w[1].is_window &&
	      date_eq(log.w[1].lo, date(2026, 3, 9)) && date_eq(log.w[1].hi, date(2026, 3, 13)));
	CHECK(span_is(s, &log.w[2], "March 15th") && date_eq(log.w[2].pick, date(2026, 3, 15)));

	memset(&log, 0, sizeof log); /* the callback stops the scan */
	log.stop_after = 2;
	CHECK(mk_when_scan(s, strlen(s), ref, scan_cb, &log) == 2 && log.n == 2);

	memset(&log, 0, sizeof log); /* only len bytes are read: "by Friday or" */
	CHECK(mk_when_scan(s, 12, ref, scan_cb, &log) == 1 && span_is(s, &log.w[0], "by Friday"));
	memset(&log, 0, sizeof log);
	CHECK(mk_when_scan(s, 0, ref, scan_cb, &log) == 0 && log.n == 0);
	CHECK(mk_when_scan(NULL, 5, ref, scan_cb, &log) == 0);

	/* a text far longer than one token window: every "by Friday" once, in order */
	for (int k = 0; k < 6; k++)
		for (int j = 0; j < 60; j++) {
			const char *word = j == 30 ? "by Friday " : "ok so ";
			size_t wl = strlen(word);
			if (len + wl + 1 < sizeof big) {
				memcpy(big + len, word, wl);
				len += wl;
			}
		}
	big[len] = '\0';
	memset(&log, 0, sizeof log);
	count = mk_when_scan(big, len, ref, scan_cb, &log);
	CHECK(count == 6 && log.n == 6);
	for (size_t k = 0; k < log.n && k < SCAN_MAX; k++) {
		CHECK(span_is(big, &log.w[k], "by Friday"));
		CHECK(k == 0 || log.w[k].start > log.w[k - 1].start);
	}
}

int main(void)
{
	run_cases("tests/cases/when.txt", 0);
	run_cases("tests/cases/when-find.txt", 1);
	RUN(test_when_api);
	RUN(test_when_side_clause);
	RUN(test_when_names_day);
	RUN(test_when_scan);
	return tap_done();
}
