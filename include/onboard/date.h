/*
 * date: civil dates as day numbers, business-day counting, ISO 8601 weeks and
 * RFC 3339 instants (SPEC.md section 1). Years 0001-9999 only; every
 * function that takes a day assumes it is in that range.
 */
#ifndef ONBOARD_DATE_H
#define ONBOARD_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 (negative before it). */
typedef int32_t ob_day;

#define OB_DAY_MIN (-719162) /* 0001-01-01 */
#define OB_DAY_MAX 2932896   /* 9999-12-31 */
#define OB_DATE_LEN 11       /* "YYYY-MM-DD" and its NUL */
/* Microseconds in a day: a date-only event's instant is its day times it. */
#define OB_DAY_US ((int64_t)86400 * 1000000)

ob_day ob_date_from_civil(int year, int month, int mday);
void ob_date_to_civil(ob_day d, int *year, int *month, int *mday);
bool ob_date_valid_civil(int year, int month, int mday);

/* Strict YYYY-MM-DD; false for anything else or a date outside 0001-9999. */
bool ob_date_parse(const char *s, ob_day *out);
/* Writes YYYY-MM-DD; out must hold OB_DATE_LEN bytes. */
void ob_date_format(ob_day d, char *out);

/* ISO weekday: 1 Monday .. 7 Sunday. */
int ob_date_weekday(ob_day d);
/* The ISO 8601 week of d: its week-numbering year and week 1..53. */
void ob_date_iso_week(ob_day d, int *year, int *week);
/* Parses YYYY-Www (week 01..53 existing in that year) into its Monday. */
bool ob_date_parse_week(const char *s, ob_day *monday);

/* Today in local time (the TZ environment applies). */
ob_day ob_date_today(void);

/*
 * The calendar used to count window offsets: with business set, weekend
 * days (bit weekday-1 of weekend) and holidays (sorted, unique) are not
 * counted. The holidays array is borrowed.
 */
struct ob_calendar {
	bool business;
	uint8_t weekend;
	const ob_day *holidays;
	size_t nholidays;
};

#define OB_WEEKEND_DEFAULT ((uint8_t)((1u << 5) | (1u << 6))) /* Sat, Sun */

bool ob_calendar_is_business_day(const struct ob_calendar *cal, ob_day d);
/* Business days d with from < d <= to (0 when to <= from). */
int64_t ob_calendar_business_days(const struct ob_calendar *cal, ob_day from,
				  ob_day to);
/*
 * Day `offset` (>= 0) counted from start: start + offset calendar days, or
 * the offset-th business day after start. Day 0 is start itself. Returns
 * false when the result would pass 9999-12-31.
 */
bool ob_calendar_add(const struct ob_calendar *cal, ob_day start, int offset,
		     ob_day *out);

/*
 * RFC 3339 instants (`2026-11-20T09:15:00Z`, `...+07:00`, optional
 * fraction) or a bare date. *us is microseconds since the epoch; for a bare
 * date it is that date's midnight UTC and *bare is set, because a bare date
 * names a calendar date, not an instant. Returns NULL on success or a
 * static description of what was expected.
 */
const char *ob_time_parse(const char *s, int64_t *us, bool *bare);
/* The local date of an instant (a bare date is its own date). */
ob_day ob_time_local_day(int64_t us, bool bare);
/* The first instant (microseconds) whose local date is d or later. */
int64_t ob_day_local_start(ob_day d);
/*
 * Forgets the local midnights remembered: for a process that changes TZ
 * (the tests), after tzset().
 */
void ob_time_zone_changed(void);
/* Now, in microseconds since the epoch. */
int64_t ob_time_now(void);
/* The current UTC time as RFC 3339 with seconds; out holds 21 bytes. */
void ob_time_format_utc(int64_t us, char *out);

#endif
