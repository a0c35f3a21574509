/*
 * backtest: how well a playbook's status on day N of each account said
 * which accounts later churned (SPEC.md section 10). The command scores
 * the accounts; this tallies what it finds and computes the measures, so
 * that every figure comes from one place and is tested alone.
 */
#ifndef ONBOARD_BACKTEST_H
#define ONBOARD_BACKTEST_H

#include <stdbool.h>
#include <stddef.h>

#include "onboard/playbook.h"
#include "onboard/util.h"

/* A ratio whose denominator was 0 has no value (null in JSON). */
struct ob_ratio {
	bool has;
	double v;
};

struct ob_backtest_reason {
	char *reason;
	long churned, retained;
	struct ob_ratio precision, lift;
};

struct ob_backtest {
	long churned, retained, censored;
	long band[OB_NSTATUS], band_churned[OB_NSTATUS];
	double *leads; /* lead times in days, of churned accounts red once */
	size_t nleads, leads_cap;
	struct ob_backtest_reason *reasons;
	size_t nreasons, reasons_cap;
	struct ob_strmap reason_index; /* reason -> its index */
};

/* The confusion counts at a cut-off (flagged: red, or red or yellow). */
struct ob_cutoff {
	long tp, fp, fn, tn;
	struct ob_ratio recall, precision, false_alarm_rate, lift;
};

/* An account with an outcome, scored: its status and reasons on day N. */
void ob_backtest_add(struct ob_backtest *bt, enum ob_status status,
		     bool churned, const char *const *reasons, size_t nreasons);
/* A churned account's lead time: its churn date less its first red day. */
void ob_backtest_lead(struct ob_backtest *bt, int days);

/* The base rate: churned over accounts with an outcome. */
struct ob_ratio ob_backtest_base_rate(const struct ob_backtest *bt);
struct ob_ratio ob_backtest_churn_rate(const struct ob_backtest *bt,
				       enum ob_status band);
void ob_backtest_cutoff(const struct ob_backtest *bt, bool red_only,
			struct ob_cutoff *out);
/*
 * Sorts the reasons by lift, highest first (those without a lift last),
 * then by reason in byte order, computing their precision and lift.
 */
void ob_backtest_finish(struct ob_backtest *bt);
/*
 * The p-th percentile (0-100) of the lead times, interpolated linearly
 * between the closest ranks; no value without lead times. Sorts them.
 */
struct ob_ratio ob_backtest_lead_percentile(struct ob_backtest *bt, double p);

void ob_backtest_release(struct ob_backtest *bt);

#endif
