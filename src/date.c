#include "onboard/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

/*
 * Days from civil and back, after Howard Hinnant's algorithms: exact for
 * the proleptic Gregorian calendar with no tables and no loops.
 */
ob_day ob_date_from_civil(int y, int m, int d)
{
	int era;
	unsigned yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (ob_day)(era * 146097 + (int)doe - 719468);
}

void ob_date_to_civil(ob_day z, int *year, int *month, int *mday)
{
	int era, y;
	unsigned doe, yoe, doy, mp, d, m;
	int32_t zz = z + 719468;
	era = (zz >= 0 ? zz : zz - 146096) / 146097;
	doe = (unsigned)(zz - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	*year = y + (m <= 2);
	*month = (int)m;
	*mday = (int)d;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool ob_date_valid_civil(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= days_in_month(y, m);
}

/* Reads exactly n digits. */
static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static bool parse_civil(const char *s, int *y, int *m, int *d)
{
	return digits(s, 4, y) && s[4] == '-' && digits(s + 5, 2, m) &&
	       s[7] == '-' && digits(s + 8, 2, d) &&
	       ob_date_valid_civil(*y, *m, *d);
}

bool ob_date_parse(const char *s, ob_day *out)
{
	int y, m, d;
	if (strlen(s) != 10 || !parse_civil(s, &y, &m, &d))
		return false;
	*out = ob_date_from_civil(y, m, d);
	return true;
}

/* Writes v as exactly n digits (v is in range by construction). */
static char *put_digits(char *p, unsigned v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

static char *put_date(char *p, ob_day day)
{
	/* A list writes the same few dates hundreds of thousands of times. */
	static _Thread_local struct {
		ob_day day;
		bool set;
		char text[10];
	} memo[64];
	unsigned slot = (uint32_t)day % 64;
	if (!memo[slot].set || memo[slot].day != day) {
		int y, m, d;
		char *q = memo[slot].text;
		ob_date_to_civil(day, &y, &m, &d);
		q = put_digits(q, (unsigned)y, 4);
		*q++ = '-';
		q = put_digits(q, (unsigned)m, 2);
		*q++ = '-';
		put_digits(q, (unsigned)d, 2);
		memo[slot].day = day;
		memo[slot].set = true;
	}
	memcpy(p, memo[slot].text, 10);
	return p + 10;
}

void ob_date_format(ob_day day, char *out)
{
	*put_date(out, day) = '\0';
}

int ob_date_weekday(ob_day d)
{
	/* 1970-01-01 was a Thursday (4). */
	int w = (int)((d % 7 + 7 + 3) % 7);
	return w + 1;
}

static ob_day iso_week1_monday(int year)
{
	ob_day jan4 = ob_date_from_civil(year, 1, 4);
	return jan4 - (ob_date_weekday(jan4) - 1);
}

void ob_date_iso_week(ob_day d, int *year, int *week)
{
	int y, m, md;
	ob_day monday;
	/* The week belongs to the year that holds its Thursday. */
	ob_date_to_civil(d - (ob_date_weekday(d) - 1) + 3, &y, &m, &md);
	monday = iso_week1_monday(y);
	*year = y;
	*week = (int)((d - monday) / 7) + 1;
}

bool ob_date_parse_week(const char *s, ob_day *monday)
{
	int y, w, yy, ww;
	ob_day d;
	if (strlen(s) != 8 || !digits(s, 4, &y) || s[4] != '-' ||
	    (s[5] != 'W' && s[5] != 'w') || !digits(s + 6, 2, &w))
		return false;
	if (y < 1 || y > 9999 || w < 1 || w > 53)
		return false;
	if (y == 1 && w == 1)
		return false; /* its Monday is in year 0 */
	d = iso_week1_monday(y) + (w - 1) * 7;
	ob_date_iso_week(d, &yy, &ww);
	if (yy != y || ww != w)
		return false; /* week 53 of a 52-week year */
	*monday = d;
	return true;
}

static ob_day day_of_tm(const struct tm *tm)
{
	return ob_date_from_civil(tm->tm_year + 1900, tm->tm_mon + 1,
				  tm->tm_mday);
}

ob_day ob_date_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return day_of_tm(&tm);
}

bool ob_calendar_is_business_day(const struct ob_calendar *cal, ob_day d)
{
	size_t lo = 0, hi;
	if (!cal->business)
		return true;
	if (cal->weekend & (1u << (ob_date_weekday(d) - 1)))
		return false;
	hi = cal->nholidays;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cal->holidays[mid] < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return !(lo < cal->nholidays && cal->holidays[lo] == d);
}

static int workdays_per_week(uint8_t weekend)
{
	int n = 7;
	for (int i = 0; i < 7; i++)
		n -= (weekend >> i) & 1;
	return n;
}

/* Weekdays (not weekend days) d with from < d <= to, holidays ignored. */
static int64_t weekdays_between(uint8_t weekend, ob_day from, ob_day to)
{
	int64_t span = (int64_t)to - from;
	int64_t n = span / 7 * workdays_per_week(weekend);
	for (ob_day d = (ob_day)(from + span / 7 * 7 + 1); d <= to; d++)
		if (!(weekend & (1u << (ob_date_weekday(d) - 1))))
			n++;
	return n;
}

int64_t ob_calendar_business_days(const struct ob_calendar *cal, ob_day from,
				  ob_day to)
{
	int64_t n;
	if (to <= from)
		return 0;
	if (!cal->business)
		return (int64_t)to - from;
	n = weekdays_between(cal->weekend, from, to);
	for (size_t i = 0; i < cal->nholidays; i++) {
		ob_day h = cal->holidays[i];
		if (h > from && h <= to &&
		    !(cal->weekend & (1u << (ob_date_weekday(h) - 1))))
			n--;
	}
	return n;
}

bool ob_calendar_add(const struct ob_calendar *cal, ob_day start, int offset,
		     ob_day *out)
{
	int per_week, weeks;
	ob_day d;
	int64_t count;
	if (offset < 0)
		return false;
	if (!cal->business) {
		if ((int64_t)start + offset > OB_DAY_MAX)
			return false;
		*out = start + offset;
		return true;
	}
	per_week = workdays_per_week(cal->weekend);
	if (per_week == 0)
		return false;
	/*
	 * Jump whole weeks to short of the answer, then walk the few days
	 * left. k weeks hold k * per_week business days less their
	 * holidays: fewer than offset when it is not a multiple of
	 * per_week; when it is, the answer may be the k-th week's last
	 * business day, before its end, so one week less.
	 */
	if ((int64_t)start + (int64_t)(offset / per_week) * 7 > OB_DAY_MAX)
		return false;
	weeks = offset / per_week - (offset % per_week == 0 && offset > 0);
	d = start + weeks * 7;
	count = ob_calendar_business_days(cal, start, d);
	while (count < offset) {
		if (d >= OB_DAY_MAX)
			return false;
		d++;
		if (ob_calendar_is_business_day(cal, d))
			count++;
	}
	*out = d;
	return true;
}

const char *ob_time_parse(const char *s, int64_t *us, bool *bare)
{
	static const char expected[] =
		"expected YYYY-MM-DD or an RFC 3339 time like "
		"2026-11-20T09:15:00Z";
	int y, mo, d, h, mi, sec, oh = 0, om = 0;
	int64_t frac = 0, secs;
	const char *p;
	size_t len = strlen(s);

	if (len < 10 || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d))
		return expected;
	if (!ob_date_valid_civil(y, mo, d))
		return "no such date";
	if (len == 10) {
		*us = ob_date_from_civil(y, mo, d) * OB_DAY_US;
		*bare = true;
		return NULL;
	}
	p = s + 10;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return expected;
	p++;
	if (!digits(p, 2, &h) || p[2] != ':' || !digits(p + 3, 2, &mi) ||
	    p[5] != ':' || !digits(p + 6, 2, &sec))
		return expected;
	if (h > 23 || mi > 59 || sec > 60)
		return "no such time of day";
	p += 8;
	if (*p == '.') {
		int n = 0;
		p++;
		if (*p < '0' || *p > '9')
			return expected;
		for (; *p >= '0' && *p <= '9'; p++, n++)
			if (n < 6)
				frac = frac * 10 + (*p - '0');
		for (; n < 6; n++)
			frac *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;
		if (!digits(p + 1, 2, &oh) || p[3] != ':' ||
		    !digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return "expected a UTC offset like +07:00";
		oh *= sign;
		om *= sign;
		p += 6;
	} else {
		return "expected a time zone: Z or an offset like +07:00";
	}
	if (*p)
		return expected;
	secs = (int64_t)ob_date_from_civil(y, mo, d) * 86400 + h * 3600 +
	       mi * 60 + sec - (oh * 3600 + om * 60);
	if (secs < (int64_t)OB_DAY_MIN * 86400 ||
	    secs >= ((int64_t)OB_DAY_MAX + 1) * 86400)
		return "outside the years 0001 to 9999";
	*us = secs * 1000000 + frac;
	*bare = false;
	return NULL;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/*
 * From the local midnights ob_day_local_start remembers, not localtime_r
 * (a lock and a zone conversion per call, 4% of a due): a zone is less
 * than a day from UTC, so the local date is the UTC date, the day before
 * or the day after, and the latest of them that has begun. It is then
 * also exactly the day the cut-offs of the day asked put the instant in.
 */
ob_day ob_time_local_day(int64_t us, bool bare)
{
	ob_day d = (ob_day)floor_div(us, OB_DAY_US);
	if (bare)
		return d;
	if (d < OB_DAY_MAX && ob_day_local_start(d + 1) <= us)
		return d + 1;
	return ob_day_local_start(d) <= us ? d : d - 1;
}

/*
 * mktime re-reads the zone (a stat of /etc/localtime) on every call,
 * which was more than half the system time of a due over 100,000
 * accounts. Each day's start is remembered for the run, whose zone does
 * not change (ob_time_zone_changed is for a process that changes it):
 * checking TZ at every call cost more than localtime_r.
 */
#define DAY_START_SLOTS 1024

static struct {
	ob_day day;
	bool set;
	int64_t start;
} day_starts[DAY_START_SLOTS];

void ob_time_zone_changed(void)
{
	memset(day_starts, 0, sizeof(day_starts));
}

/* The local date of a second. */
static ob_day second_day(time_t t)
{
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return (ob_day)floor_div((int64_t)t, 86400);
	return day_of_tm(&tm);
}

int64_t ob_day_local_start(ob_day d)
{
	size_t slot = (size_t)((uint32_t)d % DAY_START_SLOTS);
	int64_t start;
	int y, m, md;
	struct tm tm = {0};
	time_t t;
	if (day_starts[slot].set && day_starts[slot].day == d)
		return day_starts[slot].start;
	ob_date_to_civil(d, &y, &m, &md);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = md;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	/*
	 * A zone may skip midnight; mktime then lands on the day's first
	 * hour. A zone that skipped the whole day (Kiritimati, 1994-12-31)
	 * gets an answer that depends on mktime's last call: then the
	 * first second of a later date is looked for, by localtime_r.
	 */
	if (t != (time_t)-1 && !(second_day(t) >= d && second_day(t - 1) < d)) {
		time_t lo = (time_t)d * 86400 - 2 * 86400, hi = lo + 4 * 86400;
		while (lo < hi) {
			time_t mid = lo + (hi - lo) / 2;
			if (second_day(mid) >= d)
				hi = mid;
			else
				lo = mid + 1;
		}
		t = lo;
	}
	start = t == (time_t)-1 ? d * OB_DAY_US
				: (int64_t)t * 1000000;
	day_starts[slot].day = d;
	day_starts[slot].start = start;
	day_starts[slot].set = true;
	return start;
}

int64_t ob_time_now(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

void ob_time_format_utc(int64_t us, char *out)
{
	int64_t secs = floor_div(us, 1000000);
	ob_day d = (ob_day)floor_div(secs, 86400);
	unsigned rem = (unsigned)(secs - (int64_t)d * 86400);
	char *p = put_date(out, d);
	*p++ = 'T';
	p = put_digits(p, rem / 3600, 2);
	*p++ = ':';
	p = put_digits(p, rem / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, rem % 60, 2);
	*p++ = 'Z';
	*p = '\0';
}
