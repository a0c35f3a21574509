/*
 * report: the weekly status report's figures (SPEC.md section 4, `report`).
 * The caller assesses each account twice, at the end of the week before
 * and as of the report's day, and feeds both in; this module adds them up
 * and never prints (cmd_report.c renders md, csv, json and html).
 */
#ifndef ONBOARD_REPORT_H
#define ONBOARD_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onboard/date.h"
#include "onboard/health.h"

/* An account's week, the row of the CSV form. */
struct ob_report_account {
	char *id, *name, *csm, *tier;
	ob_day kickoff;
	int day;
	bool in_progress;      /* onboarding under way at the week's end */
	bool was_in_progress;  /* ... and at the end of the week before */
	bool is_new, completed; /* kickoff, or end of onboarding, this week */
	enum ob_status status, previous;
	const char **reasons; /* the playbook's texts */
	size_t nreasons;
	const char **escalations;
	size_t nescalations;
	int scheduled, on_time, late, overdue; /* check-ins closing this week */
	int overdue_all;                       /* every check-in overdue */
	int achieved, milestones_overdue;
	bool all_milestones_done;
	bool has_first_login, has_first_value;
	int first_login_day, days_to_first_value;
};

struct ob_report_csm {
	char *csm; /* NULL: accounts without one */
	int accounts, status[OB_NSTATUS], overdue, scheduled, on_time;
};

struct ob_report {
	ob_day monday, sunday, as_of;
	int year, week;
	int active, fresh, completed;
	int health[OB_NSTATUS], previous[OB_NSTATUS];
	int scheduled, on_time, late, overdue;
	int achieved, milestones_overdue;
	double median_first_login_day, median_days_to_first_value;
	double completion_rate;
	bool has_first_login, has_first_value, has_completion;
	struct ob_report_account *accounts; /* by id */
	size_t naccounts, accounts_cap;
	struct ob_report_csm *csms; /* by name, none last */
	size_t ncsms;
};

/*
 * The days of ISO week `monday`: as of its Sunday, or today when that is
 * earlier. Fails when the week has not begun.
 */
int ob_report_init(struct ob_report *r, ob_day monday, ob_day today,
		   struct ob_err *err);

/* What the report keeps of an account at the end of the week before. */
struct ob_report_prev {
	bool present; /* assessed then (kicked off by then) */
	enum ob_status status;
	uint64_t milestones_done; /* bit m: playbook milestone m */
};

/* Takes what ob_report_add will need of the week before. */
void ob_report_prev_of(const struct ob_playbook *pb,
		       const struct ob_assessment *as,
		       struct ob_report_prev *out);

/*
 * Adds an account: its assessment as of r->as_of, what it was at the end
 * of the week before, and the day its first-value milestone was done
 * (-1: not done).
 */
void ob_report_add(struct ob_report *r, const struct ob_account *a,
		   const struct ob_playbook *pb, const struct ob_assessment *as,
		   const struct ob_report_prev *prev, ob_day first_value_day);

/* Sorts, groups by CSM and takes the medians. */
void ob_report_finish(struct ob_report *r);
void ob_report_release(struct ob_report *r);

/* On-time rate: done on time over scheduled; no value when none. */
bool ob_report_rate(int on_time, int scheduled, double *rate);

#endif
