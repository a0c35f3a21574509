/*
 * metric: the names of the metrics of SPEC.md section 2, which rules,
 * templates and `score` refer to. Computing them belongs to signals.
 */
#ifndef ONBOARD_METRIC_H
#define ONBOARD_METRIC_H

#include <stdbool.h>
#include <stdint.h>

enum ob_metric {
	OB_M_DAY,
	OB_M_LOGINS,
	OB_M_LOGINS_7D,
	OB_M_FIRST_LOGIN_DAY,
	OB_M_DAYS_SINCE_LOGIN,
	OB_M_FEATURES,
	OB_M_RESPONSES,
	OB_M_UNANSWERED_DAYS,
	OB_M_UNANSWERED_BUSINESS_DAYS,
	OB_M_ACTION_ITEMS_DONE,
	OB_M_ACTION_ITEMS_MISSED,
	OB_M_STAKEHOLDERS,
	OB_M_MEETINGS_ATTENDED,
	OB_M_MEETINGS_RESCHEDULED,
	OB_M_OPEN_TICKETS,
	OB_M_OLDEST_OPEN_TICKET_DAYS,
	OB_M_NPS,
	OB_M_MILESTONES_DONE,
	OB_M_MILESTONES_OVERDUE,
	OB_M_CHECKINS_DONE,
	OB_M_CHECKINS_OVERDUE,
	OB_NMETRICS,
	OB_M_COUNT = OB_NMETRICS /* count.TYPE: events of a custom type */
};

/* A metric as a rule or template names it. */
struct ob_metric_ref {
	enum ob_metric id;
	char *type; /* the event type of count.TYPE (owned), else NULL */
};

/* The name of a table metric (not OB_M_COUNT). */
const char *ob_metric_name(enum ob_metric m);
/*
 * Parses a metric name: one of the table's, or count.TYPE with a valid
 * event type. On success fills *out (type allocated) and returns true.
 */
bool ob_metric_parse(const char *name, struct ob_metric_ref *out);

/*
 * What computing metrics reads of an account's events, so that a replay
 * (an account with events after the day asked) reads no more: which
 * types it counts, and how far it counts the logins of the week.
 * ob_needs_all: everything, for the metrics shown.
 */
struct ob_needs {
	uint32_t types; /* bit t: known type t; OB_NEED_CUSTOM: custom ones */
	/*
	 * The logins in the 7 days to the day: not counted (0), every one
	 * (OB_LOGINS_ALL), or up to a cap: a count below it is exact, one
	 * of the cap or more may be any number from the cap on.
	 */
	int64_t logins_7d;
};
#define OB_NEED_CUSTOM 1u
#define OB_LOGINS_ALL INT64_MAX
extern const struct ob_needs ob_needs_all;

/* The event types a metric is computed from (struct ob_needs' bits). */
uint32_t ob_metric_types(const struct ob_metric_ref *ref);
/* What either needs. */
struct ob_needs ob_needs_union(struct ob_needs a, struct ob_needs b);

#endif
