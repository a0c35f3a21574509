#include "onboard/metric.h"

#include <string.h>

#include "onboard/event.h"
#include "onboard/util.h"

static const char *const metric_names[OB_NMETRICS] = {
	[OB_M_DAY] = "day",
	[OB_M_LOGINS] = "logins",
	[OB_M_LOGINS_7D] = "logins_7d",
	[OB_M_FIRST_LOGIN_DAY] = "first_login_day",
	[OB_M_DAYS_SINCE_LOGIN] = "days_since_login",
	[OB_M_FEATURES] = "features",
	[OB_M_RESPONSES] = "responses",
	[OB_M_UNANSWERED_DAYS] = "unanswered_days",
	[OB_M_UNANSWERED_BUSINESS_DAYS] = "unanswered_business_days",
	[OB_M_ACTION_ITEMS_DONE] = "action_items_done",
	[OB_M_ACTION_ITEMS_MISSED] = "action_items_missed",
	[OB_M_STAKEHOLDERS] = "stakeholders",
	[OB_M_MEETINGS_ATTENDED] = "meetings_attended",
	[OB_M_MEETINGS_RESCHEDULED] = "meetings_rescheduled",
	[OB_M_OPEN_TICKETS] = "open_tickets",
	[OB_M_OLDEST_OPEN_TICKET_DAYS] = "oldest_open_ticket_days",
	[OB_M_NPS] = "nps",
	[OB_M_MILESTONES_DONE] = "milestones_done",
	[OB_M_MILESTONES_OVERDUE] = "milestones_overdue",
	[OB_M_CHECKINS_DONE] = "checkins_done",
	[OB_M_CHECKINS_OVERDUE] = "checkins_overdue",
};

const char *ob_metric_name(enum ob_metric m)
{
	return m < OB_NMETRICS ? metric_names[m] : "count";
}

bool ob_metric_parse(const char *name, struct ob_metric_ref *out)
{
	for (int m = 0; m < OB_NMETRICS; m++) {
		if (strcmp(metric_names[m], name) == 0) {
			out->id = (enum ob_metric)m;
			out->type = NULL;
			return true;
		}
	}
	if (strncmp(name, "count.", 6) == 0 && ob_event_type_valid(name + 6)) {
		out->id = OB_M_COUNT;
		out->type = xstrdup(name + 6);
		return true;
	}
	return false;
}
