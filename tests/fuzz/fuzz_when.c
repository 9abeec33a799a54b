/*
 * fuzz_when.c: libFuzzer target for the date resolver (extractor/when.c). The raw bytes
 * (no NUL) go through mk_when_scan; a NUL-terminated copy is searched with
 * mk_when_find and resolved whole with mk_when_resolve; each against several reference
 * dates (a plain Tuesday, month and year ends, Feb 29 2028, the ends of the range
 * mk_date_parse accepts). A wrong answer is a finding too: every span lies inside the
 * text and scan's spans come in order without overlap; a window holds its pick, the
 * pick is the window's end and a real calendar date; a phrase that resolves whole is
 * found, with the same answer, at the start of the same text. Seeds: corpus/fuzz_when/.
 */
#include "mapkeeper.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(c) \
	do { \
		if (!(c)) \
			__builtin_trap(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_date(struct mk_date a, struct mk_date b)
{
	return a.y == b.y && a.m == b.m && a.d == b.d;
}

static long order(struct mk_date d)
{
	return (long)d.y * 372 + (d.m - 1) * 31 + (d.d - 1);
}

static int real_date(struct mk_date d)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (d.y % 4 == 0 && d.y % 100 != 0) || d.y % 400 == 0;
	return d.y >= 1800 && d.y <= 2300 && d.m >= 1 && d.m <= 12 && d.d >= 1 &&
	       d.d <= md[d.m - 1] + (d.m == 2 && leap);
}

static void check(const struct mk_when *w, size_t textlen)
{
	FUZZ_ASSERT(w->len > 0 && w->start < textlen && w->len <= textlen - w->start);
	if (!w->has_date) {
		FUZZ_ASSERT(!w->is_window);
		return;
	}
	FUZZ_ASSERT(real_date(w->lo) && real_date(w->hi) && real_date(w->pick));
	FUZZ_ASSERT(order(w->lo) <= order(w->pick) && order(w->pick) <= order(w->hi));
	FUZZ_ASSERT(same_date(w->pick, w->hi));
	FUZZ_ASSERT(w->is_window == !same_date(w->lo, w->hi));
}

struct scan_state {
	size_t len, end; /* the text's length; where the last span ended */
	unsigned reports;
};

static int scan_cb(void *ctx, const struct mk_when *w)
{
	struct scan_state *st = ctx;
	check(w, st->len);
	FUZZ_ASSERT(st->reports == 0 || w->start >= st->end);
	st->end = w->start + w->len;
	st->reports++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct mk_date refs[] = {
		{ 2026, 3, 3 }, { 2026, 12, 31 }, { 2028, 2, 29 }, { 2026, 1, 31 },
		{ 1900, 1, 1 }, { 2200, 12, 31 },
	};
	char *s = malloc(size + 1);
	size_t len;
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);
	for (size_t k = 0; k < sizeof refs / sizeof refs[0]; k++) {
		struct mk_when f, r;
		struct scan_state st = { size, 0, 0 };
		size_t count = mk_when_scan((const char *)data, size, refs[k], scan_cb, &st);
		FUZZ_ASSERT(count == st.reports);
		enum mk_err ef = mk_when_find(s, refs[k], &f);
		enum mk_err er = mk_when_resolve(s, refs[k], &r);
		FUZZ_ASSERT(ef == MK_OK || ef == MK_ENOTFOUND);
		FUZZ_ASSERT(er == MK_OK || er == MK_EDATE);
		if (ef == MK_OK)
			check(&f, len);
		if (er == MK_OK) {
			check(&r, len);
			FUZZ_ASSERT(ef == MK_OK && f.start == r.start && f.len == r.len);
			FUZZ_ASSERT(f.has_date == r.has_date && f.is_window == r.is_window);
			FUZZ_ASSERT(same_date(f.lo, r.lo) && same_date(f.hi, r.hi));
		}
	}
	free(s);
	return 0;
}
