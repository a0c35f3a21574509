/*
 * gen: deterministic test data for onboard's benchmarks.
 *
 *   gen accounts N [SEED]    CSV of N accounts: tiers, CSMs, kickoffs
 *   gen events N M [SEED]    CSV of M events over N accounts
 *   gen done N PCT [SEED]    CSV of check-ins done (account, checkin, day):
 *                            PCT% of the default playbook's check-ins
 *                            whose window has opened, most on time
 *   gen labels N [SEED]      CSV of outcomes (account, outcome, date)
 *
 * Accounts are 20% high-touch, 40% mid, 40% low, spread over 50 CSMs, with
 * kickoffs over the 120 days up to 2026-11-20. Events follow onboarding:
 * most fall in an account's first week (the day after kickoff is drawn
 * from an exponential with a mean of 8 days), logins are half of them,
 * then features, responses, action items, meetings, tickets (opened, and
 * most resolved two days later), NPS, milestones and a custom type. No
 * event is after 2026-11-20. The same arguments give the same bytes.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	/* xorshift64* */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 2685821657736338717ULL;
}

static double uniform(void)
{
	return (double)(next() >> 11) / 9007199254740992.0;
}

/* 2026-11-20 as days since 1970-01-01. */
#define END_DAY 20777

static void civil(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static long kickoff_of(long i)
{
	/* A hash of the index, so events need not read the accounts file. */
	uint64_t h = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
	h ^= h >> 29;
	return END_DAY - (long)(h % 120);
}

static const char *const tier_of[5];

static void accounts(long n)
{
	printf("id,name,tier,kickoff,csm,contact,email\n");
	for (long i = 0; i < n; i++) {
		int y, m, d;
		civil(kickoff_of(i), &y, &m, &d);
		printf("acct-%06ld,Account %ld,%s,%04d-%02d-%02d,csm-%02ld,"
		       "Contact %ld,contact%ld@example.com\n",
		       i, i, tier_of[i % 5], y, m, d, (long)(next() % 50), i,
		       i);
	}
}

static void event(long account, long day, const char *type,
		  const char *value)
{
	int y, m, d;
	civil(day, &y, &m, &d);
	printf("acct-%06ld,%s,%04d-%02d-%02dT%02d:%02d:%02dZ,%s\n", account,
	       type, y, m, d, (int)(next() % 24), (int)(next() % 60),
	       (int)(next() % 60), value);
}

static void events(long n, long count)
{
	static const char *const features[] = {
		"reports", "dashboards", "alerts", "exports", "sso",
		"api",	   "workflows",	 "billing"};
	static const char *const milestones[] = {"setup", "first-value",
						 "go-live"};
	char value[32];
	printf("account,type,at,value\n");
	for (long e = 0; e < count; e++) {
		long a = (long)(next() % (uint64_t)n);
		long kickoff = kickoff_of(a);
		long day = kickoff + (long)(-log(1 - uniform()) * 8);
		double r = uniform();
		if (day > END_DAY)
			day = kickoff + (long)(next() % (uint64_t)(END_DAY - kickoff + 1));
		if (r < 0.50) {
			event(a, day, "login", "");
		} else if (r < 0.70) {
			event(a, day, "feature_used", features[next() % 8]);
		} else if (r < 0.80) {
			event(a, day, "response", "");
		} else if (r < 0.85) {
			event(a, day, "action_item_done", "");
		} else if (r < 0.87) {
			event(a, day, "action_item_missed", "");
		} else if (r < 0.90) {
			event(a, day, "meeting_attended", "");
		} else if (r < 0.91) {
			event(a, day, "meeting_rescheduled", "");
		} else if (r < 0.93) {
			event(a, day, "stakeholder_added", "");
		} else if (r < 0.96) {
			snprintf(value, sizeof(value), "T-%ld", e);
			event(a, day, "ticket_opened", value);
			if (uniform() < 0.8 && day + 2 <= END_DAY) {
				event(a, day + 2, "ticket_resolved", value);
				e++;
			}
		} else if (r < 0.97) {
			snprintf(value, sizeof(value), "%d", (int)(next() % 11));
			event(a, day, "nps", value);
		} else if (r < 0.98) {
			event(a, day, "milestone", milestones[next() % 3]);
		} else {
			event(a, day, "demo_booked", "");
		}
	}
}

static const char *const tier_of[5] = {"high", "mid", "mid", "low", "low"};

/* The default playbook's scripted check-ins: tier letters, window. */
static const struct {
	const char *id, *tiers;
	int opens, closes;
} checkins[] = {
	{"first-check", "hml", 1, 2},	  {"mid-week", "h", 3, 4},
	{"end-of-week", "hm", 5, 7},	  {"day-14", "hm", 14, 14},
	{"progress-digest", "l", 14, 14}, {"day-30", "hm", 30, 30},
	{"thirty-day-survey", "l", 30, 30},
};

static void done(long n, int pct)
{
	printf("account,checkin,day\n");
	for (long i = 0; i < n; i++) {
		long kickoff = kickoff_of(i);
		/* The tier as accounts() drew it: replay its draws. */
		const char *tier = tier_of[i % 5];
		for (size_t c = 0; c < sizeof(checkins) / sizeof(checkins[0]);
		     c++) {
			long day;
			int y, m, d;
			if (!strchr(checkins[c].tiers, tier[0]))
				continue;
			if (kickoff + checkins[c].opens > END_DAY ||
			    (long)(next() % 100) >= pct)
				continue;
			day = kickoff + checkins[c].opens +
			      (long)(next() % (uint64_t)(checkins[c].closes -
							  checkins[c].opens + 3));
			if (day > END_DAY)
				day = END_DAY;
			civil(day, &y, &m, &d);
			printf("acct-%06ld,%s,%04d-%02d-%02d\n", i,
			       checkins[c].id, y, m, d);
		}
	}
}

/*
 * Outcomes for every account (backtest --labels): a third churned, 20 to
 * 60 days after kickoff, the others retained at day 30; some dated after
 * 2026-11-20, which the backtest counts as not known yet.
 */
static void labels(long n)
{
	printf("account,outcome,date\n");
	for (long i = 0; i < n; i++) {
		bool churned = next() % 3 == 0;
		long day = kickoff_of(i) +
			   (churned ? 20 + (long)(next() % 41) : 30);
		int y, m, d;
		civil(day, &y, &m, &d);
		printf("acct-%06ld,%s,%04d-%02d-%02d\n", i,
		       churned ? "churned" : "retained", y, m, d);
	}
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "labels") == 0) {
		if (argc > 3)
			state ^= strtoull(argv[3], NULL, 10) * 0x2545F4914F6CDD1DULL;
		labels(atol(argv[2]));
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "accounts") == 0) {
		if (argc > 3)
			state ^= strtoull(argv[3], NULL, 10) * 0x2545F4914F6CDD1DULL;
		accounts(atol(argv[2]));
		return 0;
	}
	if (argc >= 4 && strcmp(argv[1], "events") == 0) {
		if (argc > 4)
			state ^= strtoull(argv[4], NULL, 10) * 0x2545F4914F6CDD1DULL;
		events(atol(argv[2]), atol(argv[3]));
		return 0;
	}
	if (argc >= 4 && strcmp(argv[1], "done") == 0) {
		if (argc > 4)
			state ^= strtoull(argv[4], NULL, 10) * 0x2545F4914F6CDD1DULL;
		done(atol(argv[2]), atoi(argv[3]));
		return 0;
	}
	fprintf(stderr, "usage: gen accounts N [SEED]\n"
			"       gen events N M [SEED]\n"
			"       gen done N PCT [SEED]\n"
			"       gen labels N [SEED]\n");
	return 2;
}
