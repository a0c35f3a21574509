/*
 * signals: the metrics of SPEC.md section 2 for one account as of a day,
 * from its events (through the store's per-type summaries), its check-in
 * actions and its playbook's milestones. Nothing here knows SQL or prints.
 */
#ifndef ONBOARD_SIGNALS_H
#define ONBOARD_SIGNALS_H

#include <stdbool.h>
#include <stdint.h>

#include "onboard/account.h"
#include "onboard/metric.h"
#include "onboard/playbook.h"
#include "onboard/store.h"

struct ob_metric_value {
	bool has; /* false: no value (no login yet, no NPS) */
	double v;
};

/* Events of one type, for count.TYPE. */
struct ob_type_count {
	const char *type; /* as ob_type_signal's type_name */
	int64_t n;
	bool custom;
};

/* A check-in action as of the day, kept for the scheduler. */
struct ob_action {
	char *checkin;
	enum { OB_ACTION_DONE, OB_ACTION_SKIPPED, OB_ACTION_SNOOZED } kind;
	ob_day day;
	ob_day until;
};

struct ob_signals {
	ob_day as_of;
	struct ob_metric_value m[OB_NMETRICS];
	struct ob_type_count *counts; /* by type name */
	size_t ncounts;
	bool *milestone_done; /* per milestone of the playbook */
	/*
	 * The local date its own milestone event was first seen, when
	 * milestone_seen (else done by a done_on event, or not done).
	 */
	ob_day *milestone_day;
	bool *milestone_seen;
	int progress;         /* percent of the tier's milestones done */
	struct ob_action *actions; /* dated on or before as_of, by date */
	size_t nactions;
	bool from_summary; /* the events came from the summary, not replayed */
};

/*
 * Computes every metric but checkins_overdue (which needs the schedule,
 * see health.h) for account a of playbook pb as of day as_of, from data
 * the store gave, and from nothing else. With every_metric false, data
 * may be only what pb->needs asks for (the metrics its rules name are
 * exact), and logins_7d is left without a value unless a rule names it.
 */
void ob_signals_compute(const struct ob_playbook *pb,
			const struct ob_account *a, ob_day as_of,
			const struct ob_account_data *data, bool every_metric,
			struct ob_signals *out);
void ob_signals_release(struct ob_signals *s);

/* The value of a metric reference (count.TYPE of a type never seen: 0). */
struct ob_metric_value ob_signals_get(const struct ob_signals *s,
				      const struct ob_metric_ref *ref);

#endif
