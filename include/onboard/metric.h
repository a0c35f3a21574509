/*
 * metric: the names of the metrics of SPEC.md section 2, which rules,
 * templates and `score` refer to. Computing them belongs to signals.
 */
#ifndef ONBOARD_METRIC_H
#define ONBOARD_METRIC_H

#include <stdbool.h>

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

#endif
