/* Date arithmetic: civil dates, ISO weeks, business days, RFC 3339. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "onboard/date.h"

static ob_day D(const char *s)
{
	ob_day d;
	if (!ob_date_parse(s, &d))
		fail_msg("bad date in test: %s", s);
	return d;
}

static void assert_date(ob_day d, const char *expected)
{
	char buf[OB_DATE_LEN];
	ob_date_format(d, buf);
	assert_string_equal(buf, expected);
}

static void test_civil_round_trip(void **state)
{
	(void)state;
	assert_int_equal(D("1970-01-01"), 0);
	assert_int_equal(D("0001-01-01"), OB_DAY_MIN);
	assert_int_equal(D("9999-12-31"), OB_DAY_MAX);
	/* Every day of the supported range formats back to itself. */
	for (ob_day d = OB_DAY_MIN; d <= OB_DAY_MAX; d += 997) {
		char buf[OB_DATE_LEN];
		ob_day back;
		ob_date_format(d, buf);
		assert_true(ob_date_parse(buf, &back));
		assert_int_equal(back, d);
	}
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
		"0000-01-01", "2026-1-01",  "2026-01-1",  "2026/01/01",
		"2026-01-01x", " 2026-01-01", "",	    "99999-01-01",
		"2100-02-29", "2026-11-22T00:00:00Z",
	};
	ob_day d;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ob_date_parse(bad[i], &d))
			fail_msg("accepted '%s'", bad[i]);
	assert_true(ob_date_parse("2024-02-29", &d));
	assert_true(ob_date_parse("2000-02-29", &d));
}

static void test_month_and_year_ends(void **state)
{
	(void)state;
	assert_date(D("2028-02-28") + 1, "2028-02-29");
	assert_date(D("2028-02-29") + 1, "2028-03-01");
	assert_date(D("2027-02-28") + 1, "2027-03-01");
	assert_date(D("2026-12-31") + 1, "2027-01-01");
	assert_date(D("2026-01-31") + 1, "2026-02-01");
	assert_date(D("2026-04-30") + 1, "2026-05-01");
	assert_int_equal(D("2027-01-01") - D("2026-01-01"), 365);
	assert_int_equal(D("2029-01-01") - D("2028-01-01"), 366);
}

static void test_weekday(void **state)
{
	(void)state;
	assert_int_equal(ob_date_weekday(D("2026-11-22")), 7); /* Sunday */
	assert_int_equal(ob_date_weekday(D("2026-11-23")), 1);
	assert_int_equal(ob_date_weekday(D("1970-01-01")), 4);
	assert_int_equal(ob_date_weekday(D("0001-01-01")), 1);
	assert_int_equal(ob_date_weekday(D("1969-12-31")), 3);
}

static void test_iso_week(void **state)
{
	static const struct {
		const char *date;
		int year, week;
	} cases[] = {
		{"2026-11-22", 2026, 47}, {"2026-11-16", 2026, 47},
		{"2021-01-03", 2020, 53}, {"2021-01-04", 2021, 1},
		{"2024-12-30", 2025, 1},  {"2027-01-01", 2026, 53},
		{"2027-01-03", 2026, 53}, {"2027-01-04", 2027, 1},
		{"2008-12-29", 2009, 1},  {"2010-01-03", 2009, 53},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int y, w;
		ob_date_iso_week(D(cases[i].date), &y, &w);
		if (y != cases[i].year || w != cases[i].week)
			fail_msg("%s: got %d-W%02d, want %d-W%02d",
				 cases[i].date, y, w, cases[i].year,
				 cases[i].week);
	}
}

static void test_parse_week(void **state)
{
	ob_day monday;
	(void)state;
	assert_true(ob_date_parse_week("2026-W47", &monday));
	assert_date(monday, "2026-11-16");
	assert_true(ob_date_parse_week("2020-W53", &monday));
	assert_date(monday, "2020-12-28");
	assert_true(ob_date_parse_week("2026-W53", &monday));
	assert_date(monday, "2026-12-28");
	assert_true(ob_date_parse_week("2025-W01", &monday));
	assert_date(monday, "2024-12-30");
	assert_false(ob_date_parse_week("2021-W53", &monday));
	assert_false(ob_date_parse_week("2026-W00", &monday));
	assert_false(ob_date_parse_week("2026-W54", &monday));
	assert_false(ob_date_parse_week("2026W47", &monday));
	assert_false(ob_date_parse_week("2026-W4", &monday));
}

/* Window offsets: calendar, and business days around weekends/holidays. */
static void test_business_days(void **state)
{
	ob_day holidays[] = {D("2026-12-25"), D("2027-01-01")};
	struct ob_calendar cal = {true, OB_WEEKEND_DEFAULT, holidays, 2};
	struct ob_calendar plain = {false, OB_WEEKEND_DEFAULT, NULL, 0};
	struct ob_calendar fri_sat = {true, (1u << 4) | (1u << 5), NULL, 0};
	static const struct {
		const char *start;
		int offset;
		const char *expected;
		int which; /* 0 cal, 1 plain, 2 fri_sat */
	} cases[] = {
		{"2026-11-20", 0, "2026-11-20", 0}, /* Friday: day 0 stays */
		{"2026-11-20", 1, "2026-11-23", 0}, /* over the weekend */
		{"2026-11-21", 0, "2026-11-21", 0}, /* kickoff on Saturday */
		{"2026-11-21", 1, "2026-11-23", 0},
		{"2026-11-22", 5, "2026-11-27", 0},
		{"2026-11-16", 5, "2026-11-23", 0},
		{"2026-11-16", 10, "2026-11-30", 0},
		{"2026-12-23", 2, "2026-12-28", 0}, /* Christmas Friday */
		{"2026-12-23", 6, "2027-01-04", 0}, /* and New Year */
		{"2026-12-31", 1, "2027-01-04", 0},
		{"2028-02-25", 2, "2028-02-29", 0}, /* leap day, Tuesday */
		{"2026-11-20", 1, "2026-11-21", 1},
		{"2026-12-31", 1, "2027-01-01", 1},
		{"2026-11-19", 1, "2026-11-22", 2}, /* Thu -> Sun */
		{"2026-11-16", 100, "2027-04-07", 0}, /* two holidays */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ob_calendar *c = cases[i].which == 0   ? &cal
					      : cases[i].which == 1 ? &plain
								    : &fri_sat;
		ob_day out;
		char buf[OB_DATE_LEN];
		assert_true(ob_calendar_add(c, D(cases[i].start),
					    cases[i].offset, &out));
		ob_date_format(out, buf);
		if (strcmp(buf, cases[i].expected) != 0)
			fail_msg("%s + %d: got %s, want %s", cases[i].start,
				 cases[i].offset, buf, cases[i].expected);
	}
	/* Counting is the inverse of adding. */
	for (int n = 0; n < 60; n++) {
		ob_day out;
		assert_true(ob_calendar_add(&cal, D("2026-12-20"), n, &out));
		assert_int_equal(ob_calendar_business_days(&cal, D("2026-12-20"),
							   out),
				 n);
	}
	assert_int_equal(
		ob_calendar_business_days(&cal, D("2026-11-20"), D("2026-11-23")),
		1);
	assert_int_equal(
		ob_calendar_business_days(&cal, D("2026-11-23"), D("2026-11-20")),
		0);
	assert_true(ob_calendar_is_business_day(&cal, D("2026-11-23")));
	assert_false(ob_calendar_is_business_day(&cal, D("2026-11-22")));
	assert_false(ob_calendar_is_business_day(&cal, D("2026-12-25")));
}

/* Adding against a walk day by day: weekends, holidays, any offset. */
static void test_add_walk(void **state)
{
	unsigned seed = 20261202;
	(void)state;
	for (int c = 0; c < 300; c++) {
		ob_day holidays[6];
		struct ob_calendar cal = {true, 0, holidays, 0};
		ob_day start;
		seed = seed * 1103515245 + 12345;
		cal.weekend = (uint8_t)((seed >> 8) % 127); /* never all 7 */
		start = D("2026-01-01") + (ob_day)((seed >> 16) % 400);
		for (ob_day h = start + 1; cal.nholidays < 6; h += 3) {
			seed = seed * 1103515245 + 12345;
			if ((seed >> 12) % 4 == 0)
				holidays[cal.nholidays++] = h;
		}
		for (int offset = 0; offset < 45; offset++) {
			ob_day out, d = start;
			int n = 0;
			while (n < offset)
				n += ob_calendar_is_business_day(&cal, ++d);
			assert_true(ob_calendar_add(&cal, start, offset, &out));
			if (out != d)
				fail_msg("weekend %#x, start %d + %d: got %d, "
					 "want %d",
					 cal.weekend, start, offset, out, d);
		}
	}
}

static void test_add_bounds(void **state)
{
	struct ob_calendar cal = {true, OB_WEEKEND_DEFAULT, NULL, 0};
	struct ob_calendar plain = {false, 0, NULL, 0};
	struct ob_calendar all_weekend = {true, 0x7f, NULL, 0};
	ob_day out;
	(void)state;
	assert_false(ob_calendar_add(&plain, D("9999-12-31"), 1, &out));
	assert_true(ob_calendar_add(&plain, D("9999-12-30"), 1, &out));
	assert_false(ob_calendar_add(&cal, D("9999-12-30"), 5, &out));
	assert_false(ob_calendar_add(&cal, D("2026-01-01"), 2147483647, &out));
	assert_false(ob_calendar_add(&plain, D("2026-01-01"), -1, &out));
	assert_false(ob_calendar_add(&all_weekend, D("2026-01-01"), 1, &out));
}

static void test_time_parse(void **state)
{
	static const struct {
		const char *text;
		int64_t us;
		bool bare;
	} good[] = {
		{"2026-11-20T09:15:00Z", 1795166100LL * 1000000, false},
		{"2026-11-20t09:15:00z", 1795166100LL * 1000000, false},
		{"2026-11-20 09:15:00Z", 1795166100LL * 1000000, false},
		{"2026-11-20T16:15:00+07:00", 1795166100LL * 1000000, false},
		{"2026-11-20T04:15:00-05:00", 1795166100LL * 1000000, false},
		{"2026-11-20T09:15:00.5Z", 1795166100LL * 1000000 + 500000, false},
		{"2026-11-20T09:15:00.1234567Z", 1795166100LL * 1000000 + 123456,
		 false},
		{"2026-11-20", 1795132800LL * 1000000, true},
		{"1969-12-31T23:59:59Z", -1000000, false},
	};
	static const char *const bad[] = {
		"2026-11-20T09:15:00",	   "2026-11-20T09:15Z",
		"2026-11-20T24:00:00Z",	   "2026-11-20T09:60:00Z",
		"2026-11-20T09:15:00+7:00", "2026-11-20T09:15:00.Z",
		"2026-02-30T09:15:00Z",	   "2026-11-20T09:15:00Zjunk",
		"20261120",		   "",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int64_t us;
		bool bare;
		const char *why = ob_time_parse(good[i].text, &us, &bare);
		if (why)
			fail_msg("%s: %s", good[i].text, why);
		assert_int_equal(us, good[i].us);
		assert_int_equal(bare, good[i].bare);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t us;
		bool bare;
		if (!ob_time_parse(bad[i], &us, &bare))
			fail_msg("accepted '%s'", bad[i]);
	}
}

/* An event's date is its instant in local time; a bare date is itself. */
static void test_local_day(void **state)
{
	int64_t us;
	bool bare;
	(void)state;
	assert_null(ob_time_parse("2026-11-20T20:00:00Z", &us, &bare));
	setenv("TZ", "UTC", 1);
	tzset();
	ob_time_zone_changed();
	assert_date(ob_time_local_day(us, false), "2026-11-20");
	setenv("TZ", "Asia/Jakarta", 1);
	tzset();
	ob_time_zone_changed();
	assert_date(ob_time_local_day(us, false), "2026-11-21");
	assert_int_equal(ob_day_local_start(D("2026-11-21")),
			 (int64_t)1795194000 * 1000000); /* 17:00Z */
	/* Day starts are remembered until the zone is said to change. */
	setenv("TZ", "UTC", 1);
	tzset();
	ob_time_zone_changed();
	assert_int_equal(ob_day_local_start(D("2026-11-21")),
			 (int64_t)1795219200 * 1000000);
	setenv("TZ", "Asia/Jakarta", 1);
	tzset();
	ob_time_zone_changed();
	assert_null(ob_time_parse("2026-11-20", &us, &bare));
	assert_date(ob_time_local_day(us, bare), "2026-11-20");
	setenv("TZ", "America/New_York", 1);
	tzset();
	ob_time_zone_changed();
	assert_date(ob_time_local_day(us, bare), "2026-11-20");
	unsetenv("TZ");
	tzset();
	ob_time_zone_changed();
}

/*
 * The local date of an instant is localtime_r's, in zones east and west,
 * at half and quarter hours, with summer time, a transition at midnight
 * (Santiago, Havana) and a day skipped (Apia, 2011-12-30): random
 * instants, and each hour around the transitions of a few years.
 */
static void test_local_day_zones(void **state)
{
	static const char *const zones[] = {
		"UTC",		     "America/Los_Angeles", "Pacific/Pago_Pago",
		"Asia/Kathmandu",    "Pacific/Kiritimati",  "Pacific/Apia",
		"Australia/Lord_Howe", "America/Santiago",  "America/Havana",
		"America/Sao_Paulo", "Pacific/Chatham",	    "Europe/Berlin",
	};
	uint64_t seed = 20261202;
	(void)state;
	for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		setenv("TZ", zones[z], 1);
		tzset();
		ob_time_zone_changed();
	ob_time_zone_changed();
		for (int i = 0; i < 40000; i++) {
			int64_t secs;
			time_t t;
			struct tm tm;
			ob_day want;
			seed = seed * 6364136223846793005u + 1442695040888963407u;
			if (i < 20000) /* 1990 to 2040 */
				secs = 631152000 + (int64_t)(seed >> 33) % 1577836800;
			else /* every hour from 2010 to 2014, and a second off */
				secs = 1262304000 + (int64_t)(i - 20000) * 3600 -
				       (int64_t)(seed >> 63);
			t = (time_t)secs;
			assert_non_null(localtime_r(&t, &tm));
			want = ob_date_from_civil(tm.tm_year + 1900,
						  tm.tm_mon + 1, tm.tm_mday);
			if (ob_time_local_day(secs * 1000000, false) != want)
				fail_msg("%s, %lld: got %d, want %d", zones[z],
					 (long long)secs,
					 ob_time_local_day(secs * 1000000, false),
					 want);
		}
	}
	unsetenv("TZ");
	tzset();
	ob_time_zone_changed();
}

static void test_format_utc(void **state)
{
	char buf[24];
	(void)state;
	ob_time_format_utc((int64_t)1795166100 * 1000000 + 999999, buf);
	assert_string_equal(buf, "2026-11-20T09:15:00Z");
	ob_time_format_utc(-1, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil_round_trip),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_month_and_year_ends),
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_iso_week),
		cmocka_unit_test(test_parse_week),
		cmocka_unit_test(test_business_days),
		cmocka_unit_test(test_add_walk),
		cmocka_unit_test(test_add_bounds),
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_local_day),
		cmocka_unit_test(test_local_day_zones),
		cmocka_unit_test(test_format_utc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
