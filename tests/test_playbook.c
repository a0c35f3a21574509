/* The playbook parser: every error class with its line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "onboard/event.h"
#include "onboard/playbook.h"
#include "onboard/util.h"

/* Parses text; on failure returns the diagnostics (caller releases). */
static int parse(const char *text, struct ob_playbook *pb,
		 struct ob_diags *diags)
{
	memset(diags, 0, sizeof(*diags));
	return ob_playbook_parse(text, strlen(text), pb, diags);
}

static void print_diags(const struct ob_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		print_message("  %d:%d: %s\n", d->items[i].line,
			      d->items[i].column, d->items[i].message);
}

/* Asserts that parsing fails with a diagnostic at line:column saying msg. */
static void expect_error(const char *text, int line, int column,
			 const char *msg)
{
	struct ob_playbook pb;
	struct ob_diags d;
	bool found = false;
	if (parse(text, &pb, &d) == 0) {
		ob_playbook_release(&pb);
		fail_msg("accepted:\n%s", text);
	}
	for (size_t i = 0; i < d.n; i++)
		if (d.items[i].line == line && d.items[i].column == column &&
		    strstr(d.items[i].message, msg))
			found = true;
	if (!found) {
		print_diags(&d);
		ob_diags_release(&d);
		fail_msg("no error '%s' at %d:%d", msg, line, column);
	}
	ob_diags_release(&d);
}

static void expect_ok(const char *text, struct ob_playbook *pb)
{
	struct ob_diags d;
	if (parse(text, pb, &d) != 0) {
		print_diags(&d);
		ob_diags_release(&d);
		fail_msg("rejected:\n%s", text);
	}
}

#define HEAD "name: t\ntiers:\n  high: {}\n  low: {}\n"

static void test_minimal(void **state)
{
	struct ob_playbook pb;
	(void)state;
	expect_ok(HEAD "checkins:\n  - id: a\n    days: 1-2\n", &pb);
	assert_string_equal(pb.name, "t");
	assert_int_equal(pb.ntiers, 2);
	assert_string_equal(pb.tiers[0].title, "high"); /* defaults to id */
	assert_int_equal(pb.tiers[0].length_days, 30);
	assert_int_equal(pb.ncheckins, 1);
	assert_string_equal(pb.checkins[0].title, "a");
	assert_int_equal(pb.checkins[0].opens, 1);
	assert_int_equal(pb.checkins[0].closes, 2);
	assert_int_equal(pb.checkins[0].tiers, 3); /* all tiers */
	assert_int_equal(pb.checkins[0].channel[OB_RED], OB_EMAIL);
	assert_false(pb.calendar.business);
	ob_playbook_release(&pb);
}

static void test_full_example(void **state)
{
	struct ob_playbook pb;
	(void)state;
	expect_ok("name: saas\n"
		  "day_count: business\n"
		  "holidays: [2026-12-25, 2026-12-24, 2026-12-25]\n"
		  "weekend: [fri, Sat]\n"
		  "tiers:\n"
		  "  high: { title: High-touch, length_days: 56 }\n"
		  "  mid:  { title: Mid-touch,  length_days: 28 }\n"
		  "milestones:\n"
		  "  - { id: access, due_day: 2, done_on: login }\n"
		  "  - { id: fv, due_day: 14, first_value: yes, tiers: [mid] }\n"
		  "checkins:\n"
		  "  - id: one\n"
		  "    days: 14\n"
		  "    automated: [mid]\n"
		  "    goals: [a, b]\n"
		  "    template: \"Hi {{ account.contact }} {{metric.count.demo_booked}}\"\n"
		  "  - id: two\n"
		  "    days: ' 3 - 4 '\n"
		  "    tiers: [high, mid]\n"
		  "    channel: { green: email, yellow: call, red: meeting }\n"
		  "    when: { tiers: [mid], status: [yellow, red], "
		  "milestone_not_done: access }\n"
		  "follow_up: { from_day: 8, every_days: 7 }\n"
		  "health:\n"
		  "  engagement:\n"
		  "    red: [{ when: logins == 0, from_day: 2, reason: none }]\n"
		  "    yellow: [{ when: [logins < 3, nps >= 7.5], reason: light }]\n"
		  "escalate:\n"
		  "  - { when: unanswered_business_days >= 5, reason: quiet }\n",
		  &pb);
	assert_true(pb.calendar.business);
	assert_int_equal(pb.calendar.weekend, (1 << 4) | (1 << 5));
	assert_int_equal(pb.nholidays, 2); /* sorted, duplicates merged */
	assert_true(pb.holidays[0] < pb.holidays[1]);
	assert_int_equal(pb.checkins[0].opens, 14);
	assert_int_equal(pb.checkins[0].closes, 14);
	assert_int_equal(pb.checkins[0].automated, 2);
	assert_int_equal(pb.checkins[0].ngoals, 2);
	assert_int_equal(pb.checkins[1].opens, 3);
	assert_true(pb.checkins[1].channel_by_status);
	assert_int_equal(pb.checkins[1].channel[OB_RED], OB_MEETING);
	assert_true(pb.checkins[1].when.present);
	assert_int_equal(pb.checkins[1].when.tiers, 2);
	assert_int_equal(pb.checkins[1].when.statuses,
			 (1 << OB_YELLOW) | (1 << OB_RED));
	assert_int_equal(pb.checkins[1].when.milestone_not_done, 0);
	assert_int_equal(pb.checkins[1].when.milestone_done, -1);
	assert_true(pb.milestones[1].first_value);
	assert_int_equal(pb.milestones[1].tiers, 2);
	assert_int_equal(pb.follow_up.every_days[OB_YELLOW], 7);
	assert_int_equal(pb.follow_up.until_day, -1);
	assert_int_equal(pb.ndimensions, 1);
	assert_int_equal(pb.dimensions[0].yellow.items[0].nwhen, 2);
	assert_true(pb.dimensions[0].yellow.items[0].when[1].number == 7.5);
	assert_int_equal(pb.escalate.n, 1);
	assert_int_equal(pb.escalate.items[0].when[0].op, OB_GE);
	ob_playbook_release(&pb);
}

/* Anchors and aliases are plain YAML and work anywhere a value goes. */
static void test_anchors(void **state)
{
	struct ob_playbook pb;
	(void)state;
	expect_ok("name: t\n"
		  "tiers: { high: &tier { length_days: 20 }, low: *tier }\n"
		  "checkins:\n"
		  "  - id: a\n"
		  "    days: 1-2\n"
		  "    goals: &goals [x, y]\n"
		  "  - { id: b, days: 3, goals: *goals }\n",
		  &pb);
	assert_int_equal(pb.tiers[1].length_days, 20);
	assert_int_equal(pb.checkins[1].ngoals, 2);
	ob_playbook_release(&pb);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	expect_error("name: [a, b\n", 2, 1, "did not find expected ',' or ']'");
	expect_error("a: b\n c: d\n", 2, 3, "mapping values are not allowed");
	expect_error("a: \"unterminated\n", 2, 1, "found unexpected end of stream");
	expect_error("a: b\n\tc: d\n", 2, 1, "found a tab character");
	expect_error("", 1, 1, "empty playbook");
	expect_error("# only a comment\n", 1, 1, "empty playbook");
	expect_error("name: a\n---\nname: b\n", 2, 1, "expected one YAML document");
	expect_error("a: \xff\xfe\n", 1, 4, "invalid");
}

static void test_unknown_keys_and_types(void **state)
{
	(void)state;
	expect_error(HEAD "checkins: []\ncolour: red\n", 6, 1,
		     "unknown key 'colour'");
	expect_error(HEAD "checkins:\n  - { id: a, days: 1, chanel: call }\n", 6,
		     23, "check-in: unknown key 'chanel'");
	expect_error("name: t\ntiers: { high: { title: H, size: 3 } }\n"
		     "checkins: []\n",
		     2, 28, "tier: unknown key 'size'");
	expect_error("- a\n- b\n", 1, 1, "playbook: expected a mapping");
	expect_error("name: t\ntiers: [high]\ncheckins: []\n", 2, 8,
		     "tiers: expected a mapping");
	expect_error(HEAD "checkins: { id: a }\n", 5, 11,
		     "checkins: expected a list");
	expect_error(HEAD "checkins:\n  - { id: a, days: [1, 2] }\n", 6, 20,
		     "days: expected a window");
	expect_error(HEAD "checkins:\n  - { id: a, days: 1, goals: x }\n", 6,
		     30, "goals: expected a list");
	expect_error(HEAD "checkins:\n  - { id: a, days: 1, goals: [[x]] }\n", 6,
		     31, "goals: expected text");
	expect_error("name: t\ntiers: { high: { length_days: -3 } }\n"
		     "checkins: []\n",
		     2, 31, "expected a whole number from 1");
	expect_error("name: t\ntiers: { high: { length_days: 99999999999999999999 } }\n"
		     "checkins: []\n",
		     2, 31, "expected a whole number");
	expect_error(HEAD "checkins: []\nmilestones:\n  - { id: m, due_day: 1, "
			  "first_value: maybe }\n",
		     7, 39, "first_value: expected true or false");
	expect_error(HEAD "checkins: []\nday_count: weekly\n", 6, 12,
		     "day_count: expected calendar or business");
	expect_error(HEAD "checkins: []\nweekend: [sat, caturday]\n", 6, 16,
		     "weekend: expected a day");
	expect_error(HEAD "checkins: []\nweekend: [mon, tue, wed, thu, fri, sat, "
			  "sun]\n",
		     6, 10, "the weekend cannot be the whole week");
	expect_error("tiers: { high: {} }\ncheckins: []\n", 1, 1,
		     "playbook: missing 'name'");
	expect_error("name: t\ncheckins: []\n", 1, 1, "missing 'tiers'");
	expect_error("name: t\ntiers: {}\ncheckins: []\n", 2, 8,
		     "at least one tier");
	expect_error(HEAD "checkins:\n  - { title: x, days: 1 }\n", 6, 5,
		     "check-in: missing 'id'");
	expect_error(HEAD "checkins:\n  - { id: a }\n", 6, 5,
		     "check-in: missing 'days'");
	expect_error("name: Not Valid\ntiers: { high: {} }\ncheckins: []\n", 1,
		     7, "name: 'Not Valid' is not a valid id");
	expect_error("name: t\ntiers: { High: {} }\ncheckins: []\n", 2, 10,
		     "'High' is not a valid tier id");
}

static void test_duplicates(void **state)
{
	(void)state;
	expect_error(HEAD "checkins:\n  - { id: a, days: 1 }\n"
			  "  - { id: a, days: 2 }\n",
		     7, 11, "duplicate id 'a'");
	expect_error("name: t\ntiers:\n  high: {}\n  high: {}\ncheckins: []\n", 4,
		     3, "duplicate key 'high' (first on line 3)");
	expect_error("name: t\nname: u\n" "tiers: { high: {} }\ncheckins: []\n",
		     2, 1, "duplicate key 'name'");
	expect_error(HEAD "checkins: []\nmilestones:\n  - { id: m, due_day: 1 }\n"
			  "  - { id: m, due_day: 2 }\n",
		     8, 11, "milestone id: duplicate id 'm'");
	expect_error(HEAD "checkins:\n  - { id: a, days: 1, days: 2 }\n", 6, 23,
		     "duplicate key 'days'");
	expect_error(HEAD "checkins:\n  - { id: follow-up, days: 1 }\n", 6, 11,
		     "reserved");
}

static void test_windows(void **state)
{
	(void)state;
	expect_error(HEAD "checkins:\n  - { id: a, days: 5-3 }\n", 6, 20,
		     "reversed window '5-3'");
	expect_error(HEAD "checkins:\n  - { id: a, days: '' }\n", 6, 20,
		     "empty window");
	expect_error(HEAD "checkins:\n  - { id: a, days: 1-x }\n", 6, 20,
		     "expected a window like 1-2 or 14");
	expect_error(HEAD "checkins:\n  - { id: a, days: -1 }\n", 6, 20,
		     "expected a window");
	expect_error(HEAD "checkins:\n  - { id: a, days: 1-2-3 }\n", 6, 20,
		     "expected a window");
	expect_error(HEAD "checkins:\n  - { id: a, days: 2147483647 }\n", 6, 20,
		     "is past day 3660");
	expect_error(HEAD "checkins:\n  - { id: a, days: 1-99999999999999999999 }\n",
		     6, 20, "expected a window");
}

static void test_references(void **state)
{
	(void)state;
	expect_error(HEAD "checkins:\n  - { id: a, days: 1, tiers: [high, vip] }\n",
		     6, 37, "unknown tier 'vip' (tiers: high, low)");
	expect_error(HEAD "checkins:\n  - { id: a, days: 1, tiers: [] }\n", 6, 30,
		     "at least one tier");
	expect_error(HEAD "checkins:\n  - { id: a, days: 1, tiers: [high], "
			  "automated: [low] }\n",
		     6, 49, "automated: names a tier that does not get");
	expect_error(HEAD "checkins:\n  - { id: a, days: 1, when: { status: "
			  "[amber] } }\n",
		     6, 40, "when.status: expected green, yellow or red");
	expect_error(HEAD "checkins:\n  - { id: a, days: 1, when: { "
			  "milestone_done: setup } }\n",
		     6, 47, "unknown milestone 'setup'");
	expect_error(HEAD "checkins:\n  - { id: a, days: 1, when: { tiers: [mid] "
			  "} }\n",
		     6, 39, "unknown tier 'mid'");
	expect_error(HEAD "checkins:\n  - { id: a, days: 1, when: { colour: red "
			  "} }\n",
		     6, 31, "when: unknown key 'colour'");
	expect_error(HEAD "checkins:\n  - { id: a, days: 1, when: { status: [] "
			  "} }\n",
		     6, 39, "an empty list never holds");
	expect_error(HEAD "checkins:\n  - { id: a, days: 1, channel: fax }\n", 6,
		     32, "channel: expected email, call");
	expect_error(HEAD "checkins:\n  - { id: a, days: 1, channel: { green: "
			  "email, red: call } }\n",
		     6, 32, "channel: missing 'yellow'");
	expect_error(HEAD "checkins: []\nmilestones:\n  - { id: m, due_day: 1, "
			  "done_on: Login }\n",
		     7, 35, "done_on: expected an event type");
}

static void test_rules(void **state)
{
	(void)state;
	expect_error(HEAD "checkins: []\nhealth:\n  engagement:\n    red:\n"
			  "      - { when: logins = 0, reason: x }\n",
		     9, 17, "expected 'METRIC OP NUMBER'");
	expect_error(HEAD "checkins: []\nhealth:\n  engagement:\n    red:\n"
			  "      - { when: [logins == 0, login_count > 2], "
			  "reason: x }\n",
		     9, 31, "unknown metric 'login_count'");
	expect_error(HEAD "checkins: []\nhealth:\n  engagement:\n    red:\n"
			  "      - { when: 'count.Bad > 1', reason: x }\n",
		     9, 18, "unknown metric 'count.Bad'");
	expect_error(HEAD "checkins: []\nhealth:\n  engagement:\n    red:\n"
			  "      - { when: logins > three, reason: x }\n",
		     9, 17, "expected 'METRIC OP NUMBER'");
	expect_error(HEAD "checkins: []\nhealth:\n  engagement:\n    red:\n"
			  "      - { when: logins > 1 }\n",
		     9, 9, "red rule: missing 'reason'");
	expect_error(HEAD "checkins: []\nhealth:\n  engagement:\n    red:\n"
			  "      - { when: [], reason: x }\n",
		     9, 17, "an empty list holds always");
	expect_error(HEAD "checkins: []\nhealth:\n  engagement:\n    orange: []\n",
		     8, 5, "dimension: unknown key 'orange'");
	expect_error(HEAD "checkins: []\nhealth:\n  engagement:\n", 7, 3,
		     "dimension 'engagement' has no rules");
	expect_error(HEAD "checkins: []\nescalate:\n  - { when: day > 3, "
			  "from_day: 9, until_day: 2, reason: x }\n",
		     7, 46, "until_day: 2 is before from_day 9");
	expect_error(HEAD "checkins: []\nfollow_up: { from_day: 8 }\n", 6, 12,
		     "follow_up: missing 'every_days'");
	expect_error(HEAD "checkins: []\nfollow_up: { from_day: 8, every_days: { "
			  "green: 14, yellow: 0, red: 2 } }\n",
		     6, 60, "every_days: expected a whole number from 1");
}

/*
 * needs.logins_7d: every count from the cap on compares with each rule's
 * number as the cap does, and the count below it matters.
 */
static void test_logins_cap(void **state)
{
	static const struct {
		const char *when;
		int64_t cap;
	} cases[] = {
		{"logins_7d < 1", 1},	  {"logins_7d >= 1", 1},
		{"logins_7d < 2", 2},	  {"logins_7d <= 2", 3},
		{"logins_7d > 2", 3},	  {"logins_7d == 0", 1},
		{"logins_7d != 4", 5},	  {"logins_7d < 2.5", 3},
		{"logins_7d > 2.5", 3},	  {"logins_7d < 0", 0},
		{"logins_7d < -3", 0},	  {"logins_7d > 99999999999999999999", INT64_MAX},
		{"logins < 40", 0},	  {"logins_7d >= 0", 0},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ob_playbook pb;
		char text[512];
		const struct ob_comparison *c;
		snprintf(text, sizeof(text),
			 HEAD "checkins: []\nhealth:\n  engagement:\n"
			      "    yellow:\n      - { when: logins == 7, "
			      "reason: y }\n    red:\n      - { when: '%s', "
			      "reason: x }\n",
			 cases[i].when);
		expect_ok(text, &pb);
		if (pb.needs.logins_7d != cases[i].cap)
			print_message("%s: %lld\n", cases[i].when,
				      (long long)pb.needs.logins_7d);
		assert_true(pb.needs.logins_7d == cases[i].cap);
		c = &pb.dimensions[0].red.items[0].when[0];
		for (int64_t n = 0; n < 12 && cases[i].cap < 100; n++) {
			int64_t capped = n < cases[i].cap ? n : cases[i].cap;
			assert_true(ob_comparison_holds(c, true, (double)n) ==
				    ob_comparison_holds(c, true,
							(double)capped));
		}
		ob_playbook_release(&pb);
	}
}

/* Remembered business-day window dates are ob_calendar_add's. */
static void test_window_memo(void **state)
{
	struct ob_playbook pb;
	unsigned seed = 7;
	(void)state;
	expect_ok(HEAD "day_count: business\nweekend: [friday, saturday]\n"
		       "holidays: [2026-12-24, 2026-12-25, 2027-01-01]\n"
		       "checkins: []\n",
		  &pb);
	assert_non_null(pb.window_memo);
	for (int i = 0; i < 20000; i++) {
		ob_day kickoff, got = -1, want = -2;
		int offset;
		bool ok;
		seed = seed * 1103515245 + 12345;
		kickoff = 20700 + (ob_day)((seed >> 8) % 300);
		offset = (int)((seed >> 20) % 70);
		ok = ob_playbook_window_date(&pb, kickoff, offset, &got);
		assert_true(ok == ob_calendar_add(&pb.calendar, kickoff, offset,
						  &want));
		assert_int_equal(got, want);
	}
	ob_playbook_release(&pb);
}

/* needs.types: what the rules, milestones and follow-up read. */
static void test_needs(void **state)
{
#define T(t) ((uint32_t)1 << (t))
	static const struct {
		const char *more; /* after checkins */
		uint32_t types;
	} cases[] = {
		/* the report's first login, always */
		{"", T(OB_EV_LOGIN)},
		{"health:\n  x:\n    red:\n      - { when: nps <= 6, reason: n }\n"
		 "    yellow:\n      - { when: [features < 2, stakeholders == 0],"
		 " reason: f }\n",
		 T(OB_EV_LOGIN) | T(OB_EV_NPS) | T(OB_EV_FEATURE_USED) |
			 T(OB_EV_STAKEHOLDER_ADDED)},
		{"escalate:\n  - { when: unanswered_days > 3, reason: u }\n"
		 "  - { when: oldest_open_ticket_days > 3, reason: t }\n"
		 "  - { when: checkins_overdue > 1, reason: c }\n",
		 T(OB_EV_LOGIN) | T(OB_EV_RESPONSE) | T(OB_EV_TICKET_OPENED)},
		{"escalate:\n  - { when: count.demo > 3, reason: d }\n"
		 "  - { when: count.note > 3, reason: n }\n",
		 T(OB_EV_LOGIN) | OB_NEED_CUSTOM | T(OB_EV_NOTE)},
		{"milestones:\n  - { id: m, due_day: 3, done_on: meeting_attended }\n"
		 "  - { id: n, due_day: 3, done_on: demo }\n",
		 T(OB_EV_LOGIN) | T(OB_EV_MILESTONE) | T(OB_EV_MEETING_ATTENDED) |
			 OB_NEED_CUSTOM},
		{"follow_up: { from_day: 2, every_days: 3,"
		 " daily_while_open_tickets: true }\n",
		 T(OB_EV_LOGIN) | T(OB_EV_TICKET_OPENED)},
	};
#undef T
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ob_playbook pb;
		char text[1024];
		snprintf(text, sizeof(text), HEAD "checkins: []\n%s",
			 cases[i].more);
		expect_ok(text, &pb);
		if (pb.needs.types != cases[i].types)
			print_message("case %zu: %#x\n", i,
				      (unsigned)pb.needs.types);
		assert_true(pb.needs.types == cases[i].types);
		ob_playbook_release(&pb);
	}
}

static void test_templates(void **state)
{
	(void)state;
	expect_error(HEAD "checkins:\n  - id: a\n    days: 1\n"
			  "    template: |\n"
			  "      Hello {{account.contact}},\n"
			  "      see {{acount.name}} and {{ day }}\n",
		     10, 11, "unknown placeholder '{{acount.name}}'");
	expect_error(HEAD "checkins:\n  - id: a\n    days: 1\n"
			  "    template: \"{{day}} {{ metric.nope }}\"\n",
		     8, 24, "unknown placeholder '{{ metric.nope }}'");
	expect_error(HEAD "checkins:\n  - id: a\n    days: 1\n"
			  "    template: |\n      Hi {{account.name\n",
		     9, 10, "'{{' without a closing '}}'");
	/* An unclosed '{{' after a good placeholder points at itself. */
	expect_error(HEAD "checkins:\n  - id: a\n    days: 1\n"
			  "    template: |\n      Hi {{account.name}},\n"
			  "      see {{oops\n",
		     10, 11, "'{{' without a closing '}}'");
	/* The second of two identical unknown placeholders is the one found. */
	expect_error(HEAD "checkins:\n  - id: a\n    days: 1\n"
			  "    template: |\n      {{x}}\n      {{x}}\n",
		     10, 7, "unknown placeholder '{{x}}'");
}

static void test_dates(void **state)
{
	(void)state;
	expect_error(HEAD "checkins: []\nholidays: [2026-12-25, 2026-02-30]\n", 6,
		     24, "holidays: expected a date YYYY-MM-DD, found '2026-02-30'");
	expect_error(HEAD "checkins: []\nholidays: [25/12/2026]\n", 6, 12,
		     "holidays: expected a date");
	expect_error(HEAD "checkins: []\nholidays: 2026-12-25\n", 6, 11,
		     "holidays: expected a list");
}

/* Every problem in one run, in file order. */
static void test_reports_every_error(void **state)
{
	struct ob_playbook pb;
	struct ob_diags d;
	(void)state;
	assert_int_equal(parse("name: t\n"
			       "tiers: { high: {} }\n"
			       "checkins:\n"
			       "  - { id: a, days: 3-1 }\n"
			       "  - { id: b, days: 1, channel: fax }\n"
			       "bogus: 1\n",
			       &pb, &d),
			 -1);
	assert_int_equal(d.n, 3);
	assert_int_equal(d.items[0].line, 4);
	assert_int_equal(d.items[1].line, 5);
	assert_int_equal(d.items[2].line, 6);
	ob_diags_release(&d);
}

static void test_hostile(void **state)
{
	struct ob_buf b = {0};
	(void)state;
	/* Billion laughs: a handful of nodes that expand to millions. */
	expect_error("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
		     "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		     "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		     "f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
		     1, 1, "expands to more than 100000 nodes");
	expect_error("a: &a [*a]\n", 1, 4, "an alias refers to a node that "
					  "contains it");
	/* 10,000 levels are refused at 64, before the document is loaded. */
	for (int i = 0; i < 10000; i++)
		ob_buf_addc(&b, '[');
	for (int i = 0; i < 10000; i++)
		ob_buf_addc(&b, ']');
	expect_error(b.data, 1, 65, "nesting deeper than 64 levels");
	ob_buf_release(&b);
	expect_error("name: \"a\\0b\"\ntiers: { high: {} }\ncheckins: []\n", 1,
		     7, "NUL character");
}

/* Errors stop at a cap, and finding them stays linear. */
static void test_many_errors(void **state)
{
	struct ob_buf b = {0};
	struct ob_playbook pb;
	struct ob_diags d;
	(void)state;
	ob_buf_adds(&b, HEAD "checkins:\n  - id: a\n    days: 1\n"
			    "    template: \"");
	for (int i = 0; i < 100000; i++)
		ob_buf_adds(&b, "{{x}}");
	ob_buf_adds(&b, "\"\n");
	assert_int_equal(parse(b.data, &pb, &d), -1);
	assert_int_equal(d.n, OB_PLAYBOOK_MAX_DIAGS);
	assert_int_equal(d.dropped, 100000 - OB_PLAYBOOK_MAX_DIAGS);
	assert_int_equal(d.items[1].column, 21); /* the second {{x}} */
	ob_diags_release(&d);
	ob_buf_release(&b);
}

/* Aliases to a long text multiply memory, not nodes: refused too. */
static void test_alias_text(void **state)
{
	struct ob_buf b = {0};
	(void)state;
	ob_buf_adds(&b, "name: t\ntiers: { high: {} }\ndescription: &t \"");
	for (int i = 0; i < 100000; i++)
		ob_buf_addc(&b, 'x');
	ob_buf_adds(&b, "\"\ncheckins:\n");
	for (int i = 0; i < 50; i++)
		ob_buf_addf(&b, "  - { id: c%d, days: 1, title: *t }\n", i);
	expect_error(b.data, 1, 1, "more than 4194304 bytes of text");
	ob_buf_release(&b);
}

static void test_too_large(void **state)
{
	struct ob_playbook pb;
	struct ob_diags d = {0};
	size_t n = OB_PLAYBOOK_MAX_BYTES + 1;
	char *big = xmalloc(n + 1);
	(void)state;
	memset(big, '#', n);
	big[n] = '\0';
	assert_int_equal(ob_playbook_parse(big, n, &pb, &d), -1);
	assert_non_null(strstr(d.items[0].message, "larger than"));
	ob_diags_release(&d);
	free(big);
}

static void test_delivery(void **state)
{
	struct ob_playbook pb;
	(void)state;
	expect_ok(HEAD "checkins: []\n", &pb);
	assert_null(pb.delivery.from.addr);
	assert_true(pb.delivery.reply_to_csm);
	ob_playbook_release(&pb);
	expect_ok(HEAD "checkins: []\ndelivery:\n"
		       "  from: \"Acme Onboarding <team@acme.example>\"\n"
		       "  reply_to: help@acme.example\n",
		  &pb);
	assert_string_equal(pb.delivery.from.name, "Acme Onboarding");
	assert_string_equal(pb.delivery.from.addr, "team@acme.example");
	assert_false(pb.delivery.reply_to_csm);
	assert_string_equal(pb.delivery.reply_to.addr, "help@acme.example");
	ob_playbook_release(&pb);
	expect_ok(HEAD "checkins: []\ndelivery: {from: t@a.example, "
		       "reply_to: csm}\n",
		  &pb);
	assert_true(pb.delivery.reply_to_csm);
	ob_playbook_release(&pb);
	expect_error(HEAD "checkins: []\ndelivery:\n  from: not an address\n",
		     7, 9, "delivery.from: bad address 'not an address'");
	expect_error(HEAD "checkins: []\ndelivery:\n  from: a@b.example\n"
		       "  reply_to: [csm]\n",
		     8, 13, "delivery.reply_to: expected an address");
	expect_error(HEAD "checkins: []\ndelivery:\n  form: a@b.example\n",
		     7, 3, "delivery: unknown key 'form' (expected from, "
			   "reply_to)");
	expect_error(HEAD "checkins: []\ndelivery: a@b.example\n", 6, 11,
		     "delivery: expected a mapping");
}

static char *slurp(const char *path, size_t *len)
{
	char *data;
	struct ob_err err;
	if (ob_read_file(path, OB_PLAYBOOK_MAX_BYTES, &data, len, &err) < 0)
		fail_msg("%s", err.msg);
	return data;
}

/* The bundled playbooks pass their own checks. */
static void test_bundled(void **state)
{
	static const char *const files[] = {
		"playbooks/default.yaml",
		"playbooks/segments.yaml",
		"playbooks/professional-services.yaml",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct ob_playbook pb;
		struct ob_diags d = {0};
		size_t len;
		char *text = slurp(files[i], &len);
		if (ob_playbook_parse(text, len, &pb, &d) < 0) {
			print_diags(&d);
			fail_msg("%s does not pass", files[i]);
		}
		assert_true(pb.ncheckins > 0);
		for (size_t c = 0; c < pb.ncheckins; c++)
			if (!pb.checkins[c].template)
				fail_msg("%s: check-in %s has no template",
					 files[i], pb.checkins[c].id);
		ob_playbook_release(&pb);
		free(text);
	}
}

/* The default playbook's week one: 3 touchpoints high, 2 mid, 1 low. */
static void test_default_cadence(void **state)
{
	struct ob_playbook pb;
	struct ob_diags d = {0};
	size_t len;
	char *text = slurp("playbooks/default.yaml", &len);
	int week_one[3] = {0}, unconditional[3] = {0};
	(void)state;
	assert_int_equal(ob_playbook_parse(text, len, &pb, &d), 0);
	for (size_t c = 0; c < pb.ncheckins; c++) {
		const struct ob_checkin *ci = &pb.checkins[c];
		if (ci->closes > 7)
			continue;
		for (int t = 0; t < 3; t++) {
			ob_tier_set bit = (ob_tier_set)1 << t;
			if (!(ci->tiers & bit))
				continue;
			week_one[t]++;
			if (!ci->when.present || !(ci->when.tiers & bit))
				unconditional[t]++;
		}
	}
	assert_string_equal(pb.tiers[0].id, "high");
	assert_int_equal(unconditional[0], 3);
	assert_int_equal(unconditional[1], 2);
	assert_int_equal(week_one[1], 3); /* plus mid-week when not green */
	assert_int_equal(unconditional[2], 1);
	assert_true(pb.checkins[0].automated & 4); /* low is automated */
	ob_playbook_release(&pb);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_full_example),
		cmocka_unit_test(test_anchors),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_unknown_keys_and_types),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_logins_cap),
		cmocka_unit_test(test_needs),
		cmocka_unit_test(test_window_memo),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_reports_every_error),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_many_errors),
		cmocka_unit_test(test_alias_text),
		cmocka_unit_test(test_delivery),
		cmocka_unit_test(test_bundled),
		cmocka_unit_test(test_default_cadence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
