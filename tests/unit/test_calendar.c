/*
 * test_calendar.c: the one calendar (util/calendar.c) against a count of its own: every day
 * of 1900-2200 to its day number and back, leap years and the days of each month, compare,
 * valid's edges, parsing (a timestamp's day, a day alone) and what it rejects, weekdays of
 * known dates, formatting, adding days, and today against time().
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

/* Not a day of 1900-2200 written YYYY-MM-DD: mk_date_parse and mk_date_parse_day say so. */
static const char *const not_days[] = {
	"2026-02-30", "2026-13-01", "2026-00-10", "2026-04-31", "2026-01-32", "2026-01-00",
	"2026-02-29", "2027-02-29", "1900-02-29", "2100-02-29", "1899-12-31", "2201-01-01",
	"2026-3-1", "2026-03-1", "26-03-03", "2026/03/03", " 2026-03-01", "2026-03-03x", "2026-03",
	"", "tomorrow",
};

static void test_parse(void)
{
	struct mk_date d = { 0, 0, 0 };

	CHECK(mk_date_parse("2026-03-03", &d) == MK_OK && same(d, date(2026, 3, 3)));
	CHECK(mk_date_parse("2026-12-31", &d) == MK_OK && same(d, date(2026, 12, 31)));
	CHECK(mk_date_parse("2028-02-29", &d) == MK_OK && same(d, date(2028, 2, 29)));
	CHECK(mk_date_parse("2000-02-29", &d) == MK_OK && same(d, date(2000, 2, 29)));
	CHECK(mk_date_parse("1900-01-01", &d) == MK_OK && same(d, date(1900, 1, 1)));
	CHECK(mk_date_parse("2200-12-31", &d) == MK_OK && same(d, date(2200, 12, 31)));
	/* the day of a timestamp */
	CHECK(mk_date_parse("2026-03-03T10:00:00-05:00", &d) == MK_OK && same(d, date(2026, 3, 3)));
	CHECK(mk_date_parse("2026-03-10T14:00:00Z", &d) == MK_OK && same(d, date(2026, 3, 10)));
	CHECK(mk_date_parse("2026-03-11 09:30", &d) == MK_OK && same(d, date(2026, 3, 11)));
	d = date(1, 2, 3);
	for (size_t i = 0; i < sizeof not_days / sizeof *not_days; i++) {
		if (mk_date_parse(not_days[i], &d) != MK_EARG || mk_date_parse_day(not_days[i], &d) != MK_EARG) {
			printf("#   taken for a day: \"%s\"\n", not_days[i]);
			CHECK(0);
		}
	}
	CHECK(mk_date_parse(NULL, &d) == MK_EARG && mk_date_parse_day(NULL, &d) == MK_EARG);
	CHECK(same(d, date(1, 2, 3))); /* untouched by a failure */
}

static void test_parse_day(void)
{
	struct mk_date d = date(1, 2, 3);

	CHECK(mk_date_parse_day("2026-03-01", &d) == MK_OK && same(d, date(2026, 3, 1)));
	CHECK(mk_date_parse_day("2000-02-29", &d) == MK_OK && same(d, date(2000, 2, 29)));
	d = date(1, 2, 3);
	CHECK(mk_date_parse_day("2026-03-10T14:00:00Z", &d) == MK_EARG); /* a timestamp, not a day */
	CHECK(mk_date_parse_day("2026-03-10 ", &d) == MK_EARG);
	CHECK(same(d, date(1, 2, 3)));
}

static void test_weekday(void)
{
	/* 0 = Monday ... 6 = Sunday */
	static const struct { int y, m, d, weekday; } known[] = {
		{ 1900, 1, 1, 0 }, { 1969, 7, 20, 6 } /* the Moon landing */, { 1969, 12, 31, 2 },
		{ 1970, 1, 1, 3 }, { 2000, 1, 1, 5 }, { 2000, 2, 29, 1 }, { 2026, 3, 2, 0 },
		{ 2026, 3, 3, 1 }, { 2026, 3, 6, 4 }, { 2026, 3, 8, 6 }, { 2026, 12, 7, 0 },
		{ 2026, 12, 28, 0 }, { 2027, 1, 1, 4 }, { 2028, 2, 29, 1 }, { 2200, 12, 31, 2 },
	};

	for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
		int got = mk_date_weekday(date(known[i].y, known[i].m, known[i].d));

		if (got != known[i].weekday) {
			printf("#   %04d-%02d-%02d: weekday %d, not %d\n", known[i].y, known[i].m, known[i].d,
			       got, known[i].weekday);
			CHECK(0);
		}
	}
}

static void test_format(void)
{
	char buf[16];
	mk_date_format(date(2026, 3, 3), buf, sizeof buf);
	CHECK_STR(buf, "2026-03-03");
	mk_date_format(date(2026, 12, 31), buf, sizeof buf);
	CHECK_STR(buf, "2026-12-31");
	mk_date_format(date(987, 1, 2), buf, sizeof buf);
	CHECK_STR(buf, "0987-01-02");
	mk_date_format(date(2026, 3, 3), buf, 5); /* truncated, still terminated */
	CHECK_STR(buf, "2026");
}

static void test_add_days(void)
{
	/* y, m, d, plus days: y, m, d */
	static const struct { int y, m, d, days, y2, m2, d2; } sums[] = {
		{ 2026, 3, 3, 0, 2026, 3, 3 }, { 2026, 3, 3, 1, 2026, 3, 4 }, { 2026, 1, 31, 1, 2026, 2, 1 },
		{ 2026, 2, 28, 1, 2026, 3, 1 }, { 2028, 2, 28, 1, 2028, 2, 29 },
		{ 2028, 2, 29, 1, 2028, 3, 1 }, { 2026, 12, 31, 1, 2027, 1, 1 },
		{ 2026, 12, 28, 7, 2027, 1, 4 }, { 2026, 3, 3, 365, 2027, 3, 3 },
		{ 2028, 1, 1, 366, 2029, 1, 1 }, { 2100, 2, 28, 1, 2100, 3, 1 },
		{ 2000, 2, 28, 1, 2000, 2, 29 }, { 2026, 3, 3, -1, 2026, 3, 2 },
		{ 2026, 3, 1, -1, 2026, 2, 28 }, { 2028, 3, 1, -1, 2028, 2, 29 },
		{ 2027, 1, 1, -1, 2026, 12, 31 }, { 2026, 3, 3, -365, 2025, 3, 3 },
		{ 1970, 1, 1, -1, 1969, 12, 31 },
	};

	for (size_t i = 0; i < sizeof sums / sizeof *sums; i++) {
		struct mk_date got = mk_date_add_days(date(sums[i].y, sums[i].m, sums[i].d), sums[i].days);

		if (!same(got, date(sums[i].y2, sums[i].m2, sums[i].d2))) {
			printf("#   %04d-%02d-%02d %+d days: %04d-%02d-%02d\n", sums[i].y, sums[i].m, sums[i].d,
			       sums[i].days, got.y, got.m, got.d);
			CHECK(0);
		}
	}
	CHECK(same(mk_date_add_days(mk_date_add_days(date(2026, 3, 3), 1000), -1000), date(2026, 3, 3)));
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
	RUN(test_format);
	RUN(test_add_days);
	RUN(test_today);
	return tap_done();
}
