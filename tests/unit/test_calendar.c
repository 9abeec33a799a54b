/*
 * test_calendar.c: the one calendar (util/calendar.c) against a count of its own: every day
 * of 1900-2200 to its day number and back, leap years and the days of each month, compare,
 * valid's edges, parsing (a timestamp's day, a day alone) and what it rejects, weekdays of
 * known dates, and today against time(). test_when.c checks format and add_days as well.
 */
#include "mapkeeper.h"
#include "tap.h"

#include <string.h>
#include <time.h>

static struct mk_date date(int y, int m, int d)
{
	struct mk_date r = { y, m, d };
	return r;
}

static int same(struct mk_date a, struct mk_date b)
{
	return a.y == b.y && a.m == b.m && a.d == b.d;
}

/* The rule as the Gregorian reform states it, written apart from the code under test. */
static int leap(int y)
{
	return y % 400 == 0 || (y % 4 == 0 && y % 100 != 0);
}

static int days_in(int y, int m)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return md[m - 1] + (m == 2 && leap(y));
}

/* Every day of 1900-2200 in order: day numbers count up by one from 1900-01-01 (25,567
 * days before 1970-01-01), back again to the same date, and weekdays go round from a
 * Monday. Stops at the first failure, naming the day. */
static void test_round_trip(void)
{
	long n = -25567, bad = 0;
	int wd = 0;

	for (int y = 1900; y <= 2200 && !bad; y++) {
		for (int m = 1; m <= 12 && !bad; m++) {
			for (int d = 1; d <= days_in(y, m) && !bad; d++) {
				struct mk_date x = date(y, m, d);

				if (mk_date_days(x) != n || !same(mk_date_from_days(n), x) ||
				    mk_date_weekday(x) != wd || !mk_date_valid(y, m, d)) {
					printf("#   first wrong day: %04d-%02d-%02d (day %ld)\n", y, m, d, n);
					bad = 1;
				}
				n++;
				wd = (wd + 1) % 7;
			}
		}
	}
	CHECK(!bad);
	CHECK(n == mk_date_days(date(2201, 1, 1)));
	CHECK(mk_date_days(date(1970, 1, 1)) == 0);
	CHECK(mk_date_days(date(1969, 12, 31)) == -1);
	CHECK(mk_date_days(date(2000, 3, 1)) == 11017);
	CHECK(same(mk_date_from_days(0), date(1970, 1, 1)));
	CHECK(same(mk_date_from_days(-1), date(1969, 12, 31)));
}

static void test_leap_years(void)
{
	CHECK(mk_month_days(2024, 2) == 29);
	CHECK(mk_month_days(2026, 2) == 28);
	CHECK(mk_month_days(2000, 2) == 29); /* divisible by 400 */
	CHECK(mk_month_days(1900, 2) == 28); /* by 100, not 400 */
	CHECK(mk_month_days(2100, 2) == 28);
	CHECK(mk_month_days(2200, 2) == 28);
	CHECK(mk_month_days(2026, 1) == 31 && mk_month_days(2026, 4) == 30);
	CHECK(mk_month_days(2026, 12) == 31 && mk_month_days(2026, 11) == 30);
	for (int y = 1900; y <= 2200; y++)
		for (int m = 1; m <= 12; m++)
			CHECK(mk_month_days(y, m) == days_in(y, m));
	/* a leap year has 366 days, day numbers say */
	CHECK(mk_date_days(date(2025, 1, 1)) - mk_date_days(date(2024, 1, 1)) == 366);
	CHECK(mk_date_days(date(2101, 1, 1)) - mk_date_days(date(2100, 1, 1)) == 365);
	CHECK(mk_date_days(date(2001, 1, 1)) - mk_date_days(date(2000, 1, 1)) == 366);
}

static void test_cmp(void)
{
	CHECK(mk_date_cmp(date(2026, 3, 3), date(2026, 3, 3)) == 0);
	CHECK(mk_date_cmp(date(2026, 3, 3), date(2026, 3, 4)) < 0);
	CHECK(mk_date_cmp(date(2026, 3, 4), date(2026, 3, 3)) > 0);
	CHECK(mk_date_cmp(date(2026, 2, 28), date(2026, 3, 1)) < 0);
	CHECK(mk_date_cmp(date(2026, 12, 31), date(2027, 1, 1)) < 0);
	CHECK(mk_date_cmp(date(2027, 1, 1), date(2026, 12, 31)) > 0);
	CHECK(mk_date_cmp(date(1969, 12, 31), date(1970, 1, 1)) < 0);
	CHECK(mk_date_cmp(date(1900, 1, 1), date(2200, 12, 31)) < 0);
	/* -1, 0 or 1, not a difference of days */
	CHECK(mk_date_cmp(date(1900, 1, 1), date(2200, 12, 31)) == -1);
	CHECK(mk_date_cmp(date(2200, 12, 31), date(1900, 1, 1)) == 1);
}

static void test_valid(void)
{
	CHECK(mk_date_valid(1900, 1, 1));
	CHECK(mk_date_valid(2200, 12, 31));
	CHECK(!mk_date_valid(1899, 12, 31));
	CHECK(!mk_date_valid(2201, 1, 1));
	CHECK(!mk_date_valid(2026, 0, 1));
	CHECK(!mk_date_valid(2026, 13, 1));
	CHECK(!mk_date_valid(2026, 1, 0));
	CHECK(!mk_date_valid(2026, 1, 32));
	CHECK(!mk_date_valid(2026, 4, 31));
	CHECK(mk_date_valid(2026, 4, 30));
	CHECK(!mk_date_valid(2026, 2, 29));
	CHECK(mk_date_valid(2028, 2, 29));
	CHECK(mk_date_valid(2000, 2, 29));
	CHECK(!mk_date_valid(2100, 2, 29));
	CHECK(!mk_date_valid(2026, -1, 1));
	CHECK(!mk_date_valid(2026, 1, -1));
}

static void test_parse(void)
{
	struct mk_date d = date(1, 2, 3);

	CHECK(mk_date_parse("2026-03-01", &d) == MK_OK && same(d, date(2026, 3, 1)));
	CHECK(mk_date_parse("2028-02-29", &d) == MK_OK && same(d, date(2028, 2, 29)));
	CHECK(mk_date_parse("1900-01-01", &d) == MK_OK && same(d, date(1900, 1, 1)));
	CHECK(mk_date_parse("2200-12-31", &d) == MK_OK && same(d, date(2200, 12, 31)));
	/* the day of a timestamp */
	CHECK(mk_date_parse("2026-03-10T14:00:00Z", &d) == MK_OK && same(d, date(2026, 3, 10)));
	CHECK(mk_date_parse("2026-03-11 09:30", &d) == MK_OK && same(d, date(2026, 3, 11)));
	d = date(1, 2, 3);
	CHECK(mk_date_parse("2026-02-30", &d) == MK_EARG);
	CHECK(mk_date_parse("2026-13-01", &d) == MK_EARG);
	CHECK(mk_date_parse("2026-00-10", &d) == MK_EARG);
	CHECK(mk_date_parse("2026-3-1", &d) == MK_EARG);
	CHECK(mk_date_parse("2026-03-1", &d) == MK_EARG);
	CHECK(mk_date_parse("1899-12-31", &d) == MK_EARG);
	CHECK(mk_date_parse("2201-01-01", &d) == MK_EARG);
	CHECK(mk_date_parse(" 2026-03-01", &d) == MK_EARG);
	CHECK(mk_date_parse("2026-03-01x", &d) == MK_EARG);
	CHECK(mk_date_parse("2026-03", &d) == MK_EARG);
	CHECK(mk_date_parse("", &d) == MK_EARG);
	CHECK(mk_date_parse(NULL, &d) == MK_EARG);
	CHECK(same(d, date(1, 2, 3))); /* untouched by a failure */
}

static void test_parse_day(void)
{
	struct mk_date d = date(1, 2, 3);

	CHECK(mk_date_parse_day("2026-03-01", &d) == MK_OK && same(d, date(2026, 3, 1)));
	CHECK(mk_date_parse_day("2000-02-29", &d) == MK_OK && same(d, date(2000, 2, 29)));
	d = date(1, 2, 3);
	CHECK(mk_date_parse_day("2026-03-10T14:00:00Z", &d) == MK_EARG);
	CHECK(mk_date_parse_day("2026-03-10 ", &d) == MK_EARG);
	CHECK(mk_date_parse_day("2026-02-30", &d) == MK_EARG);
	CHECK(mk_date_parse_day("2026-13-01", &d) == MK_EARG);
	CHECK(mk_date_parse_day("2026-3-1", &d) == MK_EARG);
	CHECK(mk_date_parse_day("", &d) == MK_EARG);
	CHECK(mk_date_parse_day(NULL, &d) == MK_EARG);
	CHECK(same(d, date(1, 2, 3)));
}

static void test_weekday(void)
{
	CHECK(mk_date_weekday(date(1900, 1, 1)) == 0);   /* Monday */
	CHECK(mk_date_weekday(date(1970, 1, 1)) == 3);   /* Thursday */
	CHECK(mk_date_weekday(date(1969, 7, 20)) == 6);  /* Sunday: the Moon landing */
	CHECK(mk_date_weekday(date(2000, 1, 1)) == 5);   /* Saturday */
	CHECK(mk_date_weekday(date(2000, 2, 29)) == 1);  /* Tuesday */
	CHECK(mk_date_weekday(date(2026, 3, 6)) == 4);   /* Friday */
	CHECK(mk_date_weekday(date(2026, 12, 7)) == 0);  /* Monday */
	CHECK(mk_date_weekday(date(2200, 12, 31)) == 2); /* Wednesday */
}

static struct mk_date local_day(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	return date(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static void test_today(void)
{
	struct mk_date before = local_day(time(NULL));
	struct mk_date t = mk_today();
	struct mk_date after = local_day(time(NULL));

	CHECK(same(t, before) || same(t, after)); /* midnight may pass in between */
	CHECK(mk_date_valid(t.y, t.m, t.d));
}

int main(void)
{
	RUN(test_round_trip);
	RUN(test_leap_years);
	RUN(test_cmp);
	RUN(test_valid);
	RUN(test_parse);
	RUN(test_parse_day);
	RUN(test_weekday);
	RUN(test_today);
	return tap_done();
}
