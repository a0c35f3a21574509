/* The scheduler: windows, conditions, channels, actions, follow-ups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "onboard/schedule.h"

static const char playbook_text[] =
	"name: t\n"
	"tiers:\n"
	"  high: { length_days: 40 }\n"
	"  mid: { length_days: 30 }\n"
	"milestones:\n"
	"  - { id: setup, due_day: 3 }\n"
	"checkins:\n"
	"  - { id: first, days: 1-2, channel: email, automated: [mid] }\n"
	"  - id: mid-week\n"
	"    days: 3-4\n"
	"    channel: { green: email, yellow: call, red: meeting }\n"
	"    when: { tiers: [mid], status: [yellow, red] }\n"
	"  - { id: nudge, days: 5, when: { milestone_not_done: setup } }\n"
	"  - { id: review, days: 7, tiers: [high], when: { milestone_done: setup } }\n"
	"  - { id: month, days: 28-30 }\n"
	"follow_up: { from_day: 10, until_day: 25,\n"
	"  every_days: { green: 7, yellow: 3, red: 2 },\n"
	"  daily_while_open_tickets: true }\n";

static struct ob_playbook pb;

static ob_day D(const char *s)
{
	ob_day d;
	if (!ob_date_parse(s, &d))
		fail_msg("bad date %s", s);
	return d;
}

static int setup(void **state)
{
	struct ob_diags d = {0};
	(void)state;
	if (ob_playbook_parse(playbook_text, strlen(playbook_text), &pb, &d) <
	    0) {
		for (size_t i = 0; i < d.n; i++)
			print_error("%d:%d: %s\n", d.items[i].line,
				    d.items[i].column, d.items[i].message);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ob_playbook_release(&pb);
	return 0;
}

/* Signals with nothing but a day, actions and milestone flags. */
struct fixture {
	struct ob_signals sig;
	bool milestones[1];
	struct ob_action actions[8];
};

static void fixture_init(struct fixture *f, const char *today)
{
	memset(f, 0, sizeof(*f));
	f->sig.as_of = D(today);
	f->sig.milestone_done = f->milestones;
	f->sig.actions = f->actions;
	f->sig.m[OB_M_OPEN_TICKETS].has = true;
}

static void act(struct fixture *f, const char *checkin, int kind,
		const char *day, const char *until)
{
	struct ob_action *a = &f->actions[f->sig.nactions++];
	a->checkin = (char *)checkin;
	a->kind = kind;
	a->day = D(day);
	a->until = until ? D(until) : 0;
}

/*
 * Schedules tier `tier` (0 high, 1 mid) kicked off on Monday 2026-11-02
 * and renders "id:state[:days overdue]:channel" per check-in, the
 * follow-up as "follow-up@DATE:state".
 */
static char *render(struct fixture *f, int tier, enum ob_status status)
{
	struct ob_checkin_instance *ci;
	struct ob_buf b = {0};
	size_t n = ob_schedule(&pb, tier, D("2026-11-02"), &f->sig, status,
			       &ci);
	for (size_t i = 0; i < n; i++) {
		char date[OB_DATE_LEN];
		if (i)
			ob_buf_addc(&b, ' ');
		if (strcmp(ci[i].checkin->id, "follow-up") == 0) {
			ob_date_format(ci[i].opens, date);
			ob_buf_addf(&b, "follow-up@%s:", date);
		} else {
			ob_buf_addf(&b, "%s:", ci[i].checkin->id);
		}
		ob_buf_adds(&b, ob_checkin_state_name(ci[i].state));
		if (ci[i].state == OB_CI_OVERDUE)
			ob_buf_addf(&b, ":%d", ci[i].days_overdue);
		ob_buf_addf(&b, ":%s%s", ob_channel_name(ci[i].channel),
			    ci[i].automated ? "+auto" : "");
	}
	free(ci);
	return ob_buf_detach(&b);
}

static void expect(struct fixture *f, int tier, enum ob_status status,
		   const char *want)
{
	char *got = render(f, tier, status);
	if (strcmp(got, want) != 0)
		fail_msg("as of %d\n got  %s\n want %s", f->sig.as_of, got,
			 want);
	free(got);
}

static void test_windows(void **state)
{
	static const struct {
		const char *today, *want;
	} days[] = {
		{"2026-11-02",
		 "first:upcoming:email+auto mid-week:off:email "
		 "nudge:upcoming:email month:upcoming:email "
		 "follow-up@2026-11-12:upcoming:email"},
		{"2026-11-03",
		 "first:due:email+auto mid-week:off:email "
		 "nudge:upcoming:email month:upcoming:email "
		 "follow-up@2026-11-12:upcoming:email"},
		{"2026-11-04",
		 "first:due:email+auto mid-week:off:email "
		 "nudge:upcoming:email month:upcoming:email "
		 "follow-up@2026-11-12:upcoming:email"},
		{"2026-11-05",
		 "first:overdue:1:email+auto mid-week:off:email "
		 "nudge:upcoming:email month:upcoming:email "
		 "follow-up@2026-11-12:upcoming:email"},
		{"2026-11-07",
		 "first:overdue:3:email+auto mid-week:off:email "
		 "nudge:due:email month:upcoming:email "
		 "follow-up@2026-11-12:upcoming:email"},
		{"2026-11-12",
		 "first:overdue:8:email+auto mid-week:off:email "
		 "nudge:overdue:5:email month:upcoming:email "
		 "follow-up@2026-11-12:due:email"},
		{"2026-11-30",
		 "first:overdue:26:email+auto mid-week:off:email "
		 "nudge:overdue:23:email month:due:email "
		 "follow-up@2026-11-12:overdue:18:email"},
	};
	struct fixture f;
	(void)state;
	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		fixture_init(&f, days[i].today);
		/* mid, green: mid-week is off */
		expect(&f, 1, OB_GREEN, days[i].want);
	}
}

static void test_conditions_and_channels(void **state)
{
	struct fixture f;
	(void)state;
	/* Mid-touch gets mid-week only when not green, by status channel. */
	fixture_init(&f, "2026-11-05");
	expect(&f, 1, OB_GREEN,
	       "first:overdue:1:email+auto mid-week:off:email "
	       "nudge:upcoming:email month:upcoming:email "
	       "follow-up@2026-11-12:upcoming:email");
	expect(&f, 1, OB_YELLOW,
	       "first:overdue:1:email+auto mid-week:due:call "
	       "nudge:upcoming:email month:upcoming:email "
	       "follow-up@2026-11-12:upcoming:call");
	expect(&f, 1, OB_RED,
	       "first:overdue:1:email+auto mid-week:due:meeting "
	       "nudge:upcoming:email month:upcoming:email "
	       "follow-up@2026-11-12:upcoming:call");
	/* High-touch gets it whatever the status. */
	expect(&f, 0, OB_GREEN,
	       "first:overdue:1:email mid-week:due:email nudge:upcoming:email "
	       "review:off:email month:upcoming:email "
	       "follow-up@2026-11-12:upcoming:email");
	/* The setup milestone turns nudge off and review on. */
	fixture_init(&f, "2026-11-09");
	f.milestones[0] = true;
	expect(&f, 0, OB_GREEN,
	       "first:overdue:5:email mid-week:overdue:3:email nudge:off:email "
	       "review:due:email month:upcoming:email "
	       "follow-up@2026-11-12:upcoming:email");
}

static void test_actions(void **state)
{
	struct fixture f;
	(void)state;
	fixture_init(&f, "2026-11-08");
	act(&f, "first", OB_ACTION_DONE, "2026-11-03", NULL);
	act(&f, "nudge", OB_ACTION_SKIPPED, "2026-11-06", NULL);
	act(&f, "mid-week", OB_ACTION_SNOOZED, "2026-11-06", "2026-11-09");
	expect(&f, 0, OB_GREEN,
	       "first:done:email mid-week:snoozed:email nudge:skipped:email "
	       "review:off:email month:upcoming:email "
	       "follow-up@2026-11-12:upcoming:email");
	/* The snooze ends on its day. */
	f.sig.as_of = D("2026-11-09");
	expect(&f, 0, OB_GREEN,
	       "first:done:email mid-week:overdue:3:email "
	       "nudge:skipped:email review:off:email month:upcoming:email "
	       "follow-up@2026-11-12:upcoming:email");
	/* Done after a skip stays done. */
	act(&f, "nudge", OB_ACTION_DONE, "2026-11-09", NULL);
	expect(&f, 0, OB_GREEN,
	       "first:done:email mid-week:overdue:3:email nudge:done:email "
	       "review:off:email month:upcoming:email "
	       "follow-up@2026-11-16:upcoming:email");
}

static void test_follow_ups(void **state)
{
	struct fixture f;
	(void)state;
	/* From kickoff, never before day 10 (2026-11-12). */
	fixture_init(&f, "2026-11-12");
	expect(&f, 0, OB_GREEN,
	       "first:overdue:8:email mid-week:overdue:6:email "
	       "nudge:overdue:5:email review:off:email month:upcoming:email "
	       "follow-up@2026-11-12:due:email");
	/* Done on its day: the next is every_days[status] later. */
	act(&f, "follow-up", OB_ACTION_DONE, "2026-11-12", NULL);
	f.sig.as_of = D("2026-11-13");
	expect(&f, 0, OB_GREEN,
	       "first:overdue:9:email mid-week:overdue:7:email "
	       "nudge:overdue:6:email review:off:email month:upcoming:email "
	       "follow-up@2026-11-19:upcoming:email");
	expect(&f, 0, OB_YELLOW,
	       "first:overdue:9:email mid-week:overdue:7:call "
	       "nudge:overdue:6:email review:off:email month:upcoming:email "
	       "follow-up@2026-11-15:upcoming:call");
	/* An open ticket: daily. */
	f.sig.m[OB_M_OPEN_TICKETS].v = 1;
	expect(&f, 0, OB_GREEN,
	       "first:overdue:9:email mid-week:overdue:7:email "
	       "nudge:overdue:6:email review:off:email month:upcoming:email "
	       "follow-up@2026-11-13:due:email");
	f.sig.m[OB_M_OPEN_TICKETS].v = 0;
	/* A skipped follow-up moves the next like a completion. */
	act(&f, "follow-up", OB_ACTION_SKIPPED, "2026-11-14", NULL);
	f.sig.as_of = D("2026-11-22");
	expect(&f, 0, OB_GREEN,
	       "first:overdue:18:email mid-week:overdue:16:email "
	       "nudge:overdue:15:email review:off:email month:upcoming:email "
	       "follow-up@2026-11-21:overdue:1:email");
	/* Snoozed, then back. */
	act(&f, "follow-up", OB_ACTION_SNOOZED, "2026-11-22", "2026-11-24");
	expect(&f, 0, OB_GREEN,
	       "first:overdue:18:email mid-week:overdue:16:email "
	       "nudge:overdue:15:email review:off:email month:upcoming:email "
	       "follow-up@2026-11-21:snoozed:email");
	f.sig.as_of = D("2026-11-24");
	expect(&f, 0, OB_GREEN,
	       "first:overdue:20:email mid-week:overdue:18:email "
	       "nudge:overdue:17:email review:off:email month:upcoming:email "
	       "follow-up@2026-11-21:overdue:3:email");
	/* None past until_day (25: 2026-11-27). */
	act(&f, "follow-up", OB_ACTION_DONE, "2026-11-24", NULL);
	expect(&f, 0, OB_GREEN,
	       "first:overdue:20:email mid-week:overdue:18:email "
	       "nudge:overdue:17:email review:off:email month:upcoming:email");
}

/* Business days: weekends and holidays, kickoff on a weekend. */
static void test_business_windows(void **state)
{
	static const char text[] =
		"name: b\nday_count: business\nholidays: [2026-12-25]\n"
		"tiers: { one: {} }\n"
		"checkins:\n"
		"  - { id: a, days: 1-2 }\n"
		"  - { id: b, days: 5 }\n";
	struct ob_playbook bp;
	struct ob_diags d = {0};
	static const struct {
		const char *kickoff, *a_opens, *a_closes, *b;
	} cases[] = {
		{"2026-11-21", "2026-11-23", "2026-11-24", "2026-11-27"}, /* Sat */
		{"2026-11-22", "2026-11-23", "2026-11-24", "2026-11-27"}, /* Sun */
		{"2026-11-20", "2026-11-23", "2026-11-24", "2026-11-27"}, /* Fri */
		{"2026-12-23", "2026-12-24", "2026-12-28", "2026-12-31"},
		{"2028-02-25", "2028-02-28", "2028-02-29", "2028-03-03"},
		{"2026-12-30", "2026-12-31", "2027-01-01", "2027-01-06"},
	};
	(void)state;
	assert_int_equal(ob_playbook_parse(text, strlen(text), &bp, &d), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fixture f;
		struct ob_checkin_instance *ci;
		char x[OB_DATE_LEN], y[OB_DATE_LEN], z[OB_DATE_LEN];
		fixture_init(&f, cases[i].kickoff);
		assert_int_equal(ob_schedule(&bp, 0, D(cases[i].kickoff), &f.sig,
					     OB_GREEN, &ci),
				 2);
		ob_date_format(ci[0].opens, x);
		ob_date_format(ci[0].closes, y);
		ob_date_format(ci[1].opens, z);
		if (strcmp(x, cases[i].a_opens) || strcmp(y, cases[i].a_closes) ||
		    strcmp(z, cases[i].b))
			fail_msg("kickoff %s: %s %s %s", cases[i].kickoff, x, y,
				 z);
		free(ci);
	}
	ob_playbook_release(&bp);
}

/* Calendar windows over month and year ends and a leap day. */
static void test_calendar_windows(void **state)
{
	static const struct {
		const char *kickoff;
		int offset;
		const char *want;
	} cases[] = {
		{"2026-01-30", 2, "2026-02-01"}, {"2026-12-31", 1, "2027-01-01"},
		{"2028-02-27", 2, "2028-02-29"}, {"2027-02-27", 2, "2027-03-01"},
		{"2026-11-02", 30, "2026-12-02"}, {"9999-12-01", 30, "9999-12-31"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ob_day out;
		char buf[OB_DATE_LEN];
		assert_true(ob_playbook_window_date(&pb, D(cases[i].kickoff),
						    cases[i].offset, &out));
		ob_date_format(out, buf);
		assert_string_equal(buf, cases[i].want);
	}
	{
		ob_day out;
		assert_false(ob_playbook_window_date(&pb, D("9999-12-31"), 1,
						     &out));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_conditions_and_channels),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_follow_ups),
		cmocka_unit_test(test_business_windows),
		cmocka_unit_test(test_calendar_windows),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
