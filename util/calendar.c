/*
 * calendar.c: the one calendar every stage uses: days from a date and a date from days
 * (proleptic Gregorian, day 0 = 1970-01-01, Howard Hinnant's algorithms), compare, the
 * days of a month, weekday, add days, parse (a day, or the day of a timestamp) and format
 * "YYYY-MM-DD", and today's local date. See mapkeeper.h, "the calendar".
 */
#include "mapkeeper.h"

#include <stdio.h>
#include <time.h>

long mk_date_days(struct mk_date d)
{
	int y = d.y - (d.m <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153L * (d.m + (d.m > 2 ? -3 : 9)) + 2) / 5 + d.d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct mk_date mk_date_from_days(long z)
{
	struct mk_date r;
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	r.y = (int)(yoe + era * 400 + (r.m <= 2));
	return r;
}

int mk_date_cmp(struct mk_date a, struct mk_date b)
{
	long x = mk_date_days(a), y = mk_date_days(b);
	return (x > y) - (x < y);
}

struct mk_date mk_date_add_days(struct mk_date d, int days)
{
	return mk_date_from_days(mk_date_days(d) + days);
}

int mk_date_weekday(struct mk_date d)
{
	long w = (mk_date_days(d) + 3) % 7; /* 1970-01-01 was a Thursday */
	return (int)(w < 0 ? w + 7 : w);
}

int mk_month_days(int y, int m)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : md[m - 1];
}

int mk_date_valid(int y, int m, int d)
{
	return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= mk_month_days(y, m);
}

enum mk_err mk_date_parse(const char *s, struct mk_date *out)
{
	int v[3] = { 0, 0, 0 };
	int lens[3] = { 4, 2, 2 };
	const char *p = s;
	if (!s)
		return MK_EARG;
	for (int k = 0; k < 3; k++) {
		for (int i = 0; i < lens[k]; i++, p++) {
			if (*p < '0' || *p > '9')
				return MK_EARG;
			v[k] = v[k] * 10 + (*p - '0');
		}
		if (k < 2 && *p++ != '-')
			return MK_EARG;
	}
	if (*p && *p != 'T' && *p != ' ' && *p != 't')
		return MK_EARG;
	if (!mk_date_valid(v[0], v[1], v[2]))
		return MK_EARG;
	out->y = v[0];
	out->m = v[1];
	out->d = v[2];
	return MK_OK;
}

enum mk_err mk_date_parse_day(const char *s, struct mk_date *out)
{
	struct mk_date d;

	if (mk_date_parse(s, &d) != MK_OK || s[10])
		return MK_EARG;
	*out = d;
	return MK_OK;
}

void mk_date_format(struct mk_date d, char *out, size_t outlen)
{
	snprintf(out, outlen, "%04d-%02d-%02d", d.y, d.m, d.d);
}

struct mk_date mk_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	struct mk_date d;
	localtime_r(&now, &tm);
	d.y = tm.tm_year + 1900;
	d.m = tm.tm_mon + 1;
	d.d = tm.tm_mday;
	return d;
}
