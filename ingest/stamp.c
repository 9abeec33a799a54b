/*
 * stamp.c: cursor parsers for cue timestamps ("00:01:02.500", "01:02,500"), spoken
 * transcript clocks ("[1:02]", "(00:01:02)") and meeting starts (Zoom file names,
 * ISO 8601 in WebVTT headers), and mk_format_ms. No sscanf, no allocation.
 * Invariant: a cursor advances *p only when it returns 1; results are milliseconds.
 */
#include "ingest/ingest.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Between min and max digits, and not followed by another digit. */
static int num(const char **p, const char *end, int min, int max, int64_t *v)
{
	const char *q = *p;
	int64_t x = 0;
	int k = 0;
	while (q < end && is_digit(*q) && k < max) {
		x = x * 10 + (*q - '0');
		q++, k++;
	}
	if (k < min || (q < end && is_digit(*q)))
		return 0;
	*v = x;
	*p = q;
	return 1;
}

static int lit(const char **p, const char *end, char c)
{
	if (*p < end && **p == c) {
		(*p)++;
		return 1;
	}
	return 0;
}

/* "(.|,)f{1,3}" as milliseconds; 0 without a fraction (fails only on a bad one). */
static int fraction(const char **p, const char *end, int64_t *ms)
{
	const char *q = *p;
	int64_t f = 0;
	*ms = 0;
	if (!(lit(&q, end, '.') || lit(&q, end, ',')))
		return 1;
	const char *digits = q;
	if (!num(&q, end, 1, 3, &f))
		return 0;
	for (long k = q - digits; k < 3; k++)
		f *= 10;
	*ms = f;
	*p = q;
	return 1;
}

/* The stamp must end here: no letter, digit or ':' glued to it. */
static int stamp_end(const char *q, const char *end)
{
	return q >= end || !(is_alnum(*q) || *q == ':' || *q == '.' || *q == ',');
}

/* A field of k digits at s written with a leading zero ("05", "00"). */
static int padded(const char *s, long k)
{
	return k > 1 && s[0] == '0';
}

int stamp_cue(const char **p, const char *end, int64_t *ms)
{
	const char *q = *p, *f1 = q, *f2, *f3 = NULL;
	int64_t a, b, c = -1, f;
	long da, db, dc = 0;
	if (!(num(&q, end, 1, 5, &a) && lit(&q, end, ':')))
		return 0;
	da = q - f1 - 1;
	f2 = q;
	if (!num(&q, end, 1, 2, &b))
		return 0;
	db = q - f2;
	if (lit(&q, end, ':')) {
		f3 = q;
		if (!num(&q, end, 1, 2, &c))
			return 0;
		dc = q - f3;
	}
	if (!fraction(&q, end, &f) || !stamp_end(q, end))
		return 0;
	if (c < 0) {	/* mm:ss.ttt */
		if (a >= 60 || b >= 60 || db != 2)
			return 0;
		c = b, b = a, a = 0;
	} else if (b >= 60 || c >= 60) {
		return 0;
	} else if ((db < 2 || dc < 2) && (padded(f1, da) || padded(f2, db) || padded(f3, dc))) {
		/* one-digit minutes or seconds are Microsoft Graph's unpadded "0:0:5.320"; beside
		 * a field padded with a zero ("00:00:0") they are a cut stamp */
		return 0;
	}
	*ms = ((a * 60 + b) * 60 + c) * 1000 + f;
	*p = q;
	return 1;
}

int stamp_clock(const char **p, const char *end, int64_t *ms)
{
	const char *q = *p;
	int64_t a, b, c = -1, f = 0;
	if (!(num(&q, end, 1, 3, &a) && lit(&q, end, ':') && num(&q, end, 2, 2, &b)))
		return 0;
	if (q + 1 < end && *q == ':' && is_digit(q[1])) {
		q++;
		if (!num(&q, end, 2, 2, &c))
			return 0;
	}
	if (q + 1 < end && (*q == '.' || *q == ',') && is_digit(q[1]) && !fraction(&q, end, &f))
		return 0;
	if (q < end && (is_alnum(*q) || *q == ':'))
		return 0;
	if (c < 0)	/* m:ss, minutes may pass 59 */
		c = b, b = a, a = 0;
	else if (b >= 60)
		return 0;
	if (c >= 60)
		return 0;
	*ms = ((a * 60 + b) * 60 + c) * 1000 + f;
	*p = q;
	return 1;
}

int stamp_bracketed(const char **p, const char *end, int allow_bare, int64_t *ms, int *bare)
{
	const char *q = *p;
	char close = 0;
	if (lit(&q, end, '['))
		close = ']';
	else if (lit(&q, end, '('))
		close = ')';
	if (!close && !allow_bare)
		return 0;
	if (!stamp_clock(&q, end, ms))
		return 0;
	if (close && !lit(&q, end, close))
		return 0;
	*bare = !close;
	*p = q;
	return 1;
}

static int range(int64_t v, int64_t lo, int64_t hi)
{
	return v >= lo && v <= hi;
}

int stamp_from_zoom_name(const char *name, char *out, size_t outlen)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	for (const char *s = strstr(base, "GMT"); s; s = strstr(s + 1, "GMT")) {
		const char *q = s + 3, *end = q + strnlen(q, 15);
		int64_t ymd, hms;
		if (!(num(&q, end, 8, 8, &ymd) && lit(&q, end, '-') && num(&q, end, 6, 6, &hms)))
			continue;
		int64_t y = ymd / 10000, mo = ymd / 100 % 100, d = ymd % 100;
		int64_t h = hms / 10000, mi = hms / 100 % 100, se = hms % 100;
		if (!range(y, 1970, 9999) || !range(mo, 1, 12) || !range(d, 1, 31) ||
		    !range(h, 0, 23) || !range(mi, 0, 59) || !range(se, 0, 60))
			continue;
		snprintf(out, outlen, "%04" PRId64 "-%02" PRId64 "-%02" PRId64 "T%02" PRId64
			 ":%02" PRId64 ":%02" PRId64 "Z", y, mo, d, h, mi, se);
		return 1;
	}
	/* a date in the name, as exports are often named: "acme-call-2026-02-11_012.vtt" */
	for (const char *s = base; *s; s++) {
		const char *q = s, *end = s + strnlen(s, 10);
		int64_t y, mo, d;
		if (s > base && is_digit(s[-1]))
			continue;
		if (!(num(&q, end, 4, 4, &y) && lit(&q, end, '-') && num(&q, end, 2, 2, &mo) &&
		      lit(&q, end, '-') && num(&q, end, 2, 2, &d)))
			continue;
		if (is_digit(*q) || !range(y, 1970, 9999) || !range(mo, 1, 12) || !range(d, 1, 31))
			continue;
		snprintf(out, outlen, "%04" PRId64 "-%02" PRId64 "-%02" PRId64, y, mo, d);
		return 1;
	}
	return 0;
}

/* YYYY-MM-DD(T| )HH:MM[:SS[.f+]][Z|(+|-)HH[:]MM] at q. */
static int iso_at(const char **p, const char *end)
{
	const char *q = *p;
	int64_t y, mo, d, h, mi, se = 0, zh, zm, f;
	if (!(num(&q, end, 4, 4, &y) && lit(&q, end, '-') && num(&q, end, 2, 2, &mo) &&
	      lit(&q, end, '-') && num(&q, end, 2, 2, &d) &&
	      (lit(&q, end, 'T') || lit(&q, end, ' ')) && num(&q, end, 2, 2, &h) &&
	      lit(&q, end, ':') && num(&q, end, 2, 2, &mi)))
		return 0;
	if (lit(&q, end, ':') && !num(&q, end, 2, 2, &se))
		return 0;
	if (lit(&q, end, '.') && !num(&q, end, 1, 9, &f))
		return 0;
	if (!lit(&q, end, 'Z') && q < end && (*q == '+' || *q == '-')) {
		const char *z = q + 1;
		int ok = num(&z, end, 2, 2, &zh);
		if (ok && !lit(&z, end, ':') && (z >= end || !is_digit(*z)))
			ok = 0;
		if (ok && num(&z, end, 2, 2, &zm) && zh <= 14 && zm < 60)
			q = z;
	}
	if (!range(mo, 1, 12) || !range(d, 1, 31) || !range(h, 0, 23) || !range(mi, 0, 59) ||
	    !range(se, 0, 60) || (q < end && is_alnum(*q)))
		return 0;
	*p = q;
	return 1;
}

int stamp_find_iso(const char *s, size_t n, char *out, size_t outlen)
{
	const char *end = s + n;
	for (const char *q = s; q + 16 <= end; q++) {
		const char *e = q;
		if (!is_digit(*q) || (q > s && is_alnum(q[-1])) || !iso_at(&e, end))
			continue;
		if ((size_t)(e - q) >= outlen)
			return 0;
		memcpy(out, q, (size_t)(e - q));
		out[e - q] = '\0';
		if (out[10] == ' ')
			out[10] = 'T';
		return 1;
	}
	return 0;
}

static const char *const months[] = {
	"january", "february", "march", "april", "may", "june", "july", "august", "september",
	"october", "november", "december",
};

/* A month name (full or its first three letters) at s[0..k): 1..12, else 0. */
static int month_of(const char *s, size_t k)
{
	for (int m = 0; m < 12; m++) {
		size_t full = strlen(months[m]);
		if (k != full && k != 3)
			continue;
		size_t i = 0;
		while (i < k && (s[i] | 0x20) == months[m][i])
			i++;
		if (i == k)
			return m + 1;
	}
	return 0;
}

/* Day d of month m in year y, if it is a real date, as "YYYY-MM-DD". */
static int day_out(int64_t y, int64_t m, int64_t d, char out[11])
{
	struct mk_date x;
	if (!range(y, 1970, 9999) || !range(m, 1, 12) || !range(d, 1, 31) ||
	    !mk_date_valid((int)y, (int)m, (int)d))
		return 0;
	x.y = (int)y;
	x.m = (int)m;
	x.d = (int)d;
	mk_date_format(x, out, 11);
	return 1;
}

static void skip_blank(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t' || **p == ','))
		(*p)++;
}

int stamp_find_day(const char *s, size_t n, char out[11])
{
	const char *end = s + n;
	for (const char *q = s; q < end; q++) {
		const char *p = q, *w;
		int64_t y, m, d;
		if (q > s && is_alnum(q[-1]))
			continue;
		/* 2026-03-10 */
		if (num(&p, end, 4, 4, &y) && lit(&p, end, '-') && num(&p, end, 2, 2, &m) &&
		    lit(&p, end, '-') && num(&p, end, 2, 2, &d) && (p == end || !is_digit(*p)) &&
		    day_out(y, m, d, out))
			return 1;
		/* March 10, 2026 */
		for (p = w = q; p < end && ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'); p++)
			;
		if ((m = month_of(w, (size_t)(p - w))) > 0) {
			skip_blank(&p, end);
			if (num(&p, end, 1, 2, &d) && (skip_blank(&p, end), num(&p, end, 4, 4, &y)) &&
			    day_out(y, m, d, out))
				return 1;
		}
		/* 10 March 2026 */
		p = q;
		if (num(&p, end, 1, 2, &d)) {
			skip_blank(&p, end);
			for (w = p; p < end && ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'); p++)
				;
			if ((m = month_of(w, (size_t)(p - w))) > 0) {
				skip_blank(&p, end);
				if (num(&p, end, 4, 4, &y) && day_out(y, m, d, out))
					return 1;
			}
		}
	}
	return 0;
}

void mk_format_ms(int64_t ms, char *out, size_t outlen)
{
	if (ms < 0)
		ms = 0;
	snprintf(out, outlen, "%02" PRId64 ":%02" PRId64 ":%02" PRId64 ".%03" PRId64,
		 ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
}
