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

const struct ob_needs ob_needs_all = {UINT32_MAX, OB_LOGINS_ALL};

#define TYPE(t) ((uint32_t)1 << (t))

/* day and the check-in metrics read no events (check-ins: its actions). */
static const uint32_t metric_types[OB_NMETRICS] = {
	[OB_M_LOGINS] = TYPE(OB_EV_LOGIN),
	[OB_M_LOGINS_7D] = TYPE(OB_EV_LOGIN),
	[OB_M_FIRST_LOGIN_DAY] = TYPE(OB_EV_LOGIN),
	[OB_M_DAYS_SINCE_LOGIN] = TYPE(OB_EV_LOGIN),
	[OB_M_FEATURES] = TYPE(OB_EV_FEATURE_USED),
	[OB_M_RESPONSES] = TYPE(OB_EV_RESPONSE),
	[OB_M_UNANSWERED_DAYS] = TYPE(OB_EV_RESPONSE),
	[OB_M_UNANSWERED_BUSINESS_DAYS] = TYPE(OB_EV_RESPONSE),
	[OB_M_ACTION_ITEMS_DONE] = TYPE(OB_EV_ACTION_ITEM_DONE),
	[OB_M_ACTION_ITEMS_MISSED] = TYPE(OB_EV_ACTION_ITEM_MISSED),
	[OB_M_STAKEHOLDERS] = TYPE(OB_EV_STAKEHOLDER_ADDED),
	[OB_M_MEETINGS_ATTENDED] = TYPE(OB_EV_MEETING_ATTENDED),
	[OB_M_MEETINGS_RESCHEDULED] = TYPE(OB_EV_MEETING_RESCHEDULED),
	[OB_M_OPEN_TICKETS] = TYPE(OB_EV_TICKET_OPENED),
	[OB_M_OLDEST_OPEN_TICKET_DAYS] = TYPE(OB_EV_TICKET_OPENED),
	[OB_M_NPS] = TYPE(OB_EV_NPS),
	[OB_M_MILESTONES_DONE] = TYPE(OB_EV_MILESTONE),
	[OB_M_MILESTONES_OVERDUE] = TYPE(OB_EV_MILESTONE),
};

_Static_assert(OB_EV_NKNOWN <= 32, "a known type is a bit of ob_needs");

uint32_t ob_metric_types(const struct ob_metric_ref *ref)
{
	enum ob_event_type t;
	if (ref->id != OB_M_COUNT)
		return metric_types[ref->id];
	/* count.TYPE counts a known type too */
	t = ob_event_type_lookup(ref->type);
	return t == OB_EV_CUSTOM ? OB_NEED_CUSTOM : TYPE(t);
}

struct ob_needs ob_needs_union(struct ob_needs a, struct ob_needs b)
{
	struct ob_needs u = {a.types | b.types,
			     a.logins_7d > b.logins_7d ? a.logins_7d
						       : b.logins_7d};
	return u;
}

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
