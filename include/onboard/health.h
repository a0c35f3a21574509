/*
 * health: the playbook's rules applied to an account's metrics: each
 * dimension red, yellow or green with the reasons that hold, the account's
 * status (its worst dimension), and the escalation rules that hold. Also
 * the whole assessment of one account as of a day, which ties metrics,
 * schedule and rules together.
 */
#ifndef ONBOARD_HEALTH_H
#define ONBOARD_HEALTH_H

#include <stdbool.h>
#include <stddef.h>

#include "onboard/playbook.h"
#include "onboard/schedule.h"
#include "onboard/signals.h"

/* Reasons are the playbook's texts: borrowed, valid while it lives. */
struct ob_reasons {
	const char **items;
	size_t n;
};

struct ob_dimension_health {
	const char *name;
	enum ob_status status;
	struct ob_reasons reasons;
};

struct ob_health {
	enum ob_status status;
	struct ob_reasons reasons; /* every rule holding at that status */
	struct ob_dimension_health *dims;
	size_t ndims;
	struct ob_reasons escalations; /* escalate rules that hold */
};

void ob_health_evaluate(const struct ob_playbook *pb,
			const struct ob_signals *sig, struct ob_health *out);
void ob_health_release(struct ob_health *h);

/* Everything onboard knows of one account as of a day. */
struct ob_assessment {
	struct ob_signals signals;
	struct ob_health health;
	struct ob_checkin_instance *checkins; /* see ob_schedule */
	size_t ncheckins;
	int tier;
};

/*
 * Assesses an account. checkins_overdue depends on conditions that depend
 * on the status, which may depend on checkins_overdue: when a rule names
 * it, conditions on status are first taken as not holding, and the status
 * that gives is the one the count is then made with.
 */
int ob_assess(struct ob_store *st, const struct ob_playbook *pb,
	      const struct ob_account *a, ob_day as_of,
	      struct ob_assessment *out, struct ob_err *err);
/*
 * The same from data the caller got from the store (a stream, say);
 * every_metric false: only the metrics the status and schedule need
 * (see ob_signals_compute), ob_assess computes them all.
 */
int ob_assess_data(const struct ob_playbook *pb,
		   const struct ob_account *a, ob_day as_of,
		   const struct ob_account_data *data, bool every_metric,
		   struct ob_assessment *out, struct ob_err *err);
void ob_assessment_release(struct ob_assessment *as);

#endif
