#include "onboard/event.h"

#include <string.h>

static const char *const type_names[OB_EV_NKNOWN] = {
	[OB_EV_LOGIN] = "login",
	[OB_EV_FEATURE_USED] = "feature_used",
	[OB_EV_RESPONSE] = "response",
	[OB_EV_ACTION_ITEM_DONE] = "action_item_done",
	[OB_EV_ACTION_ITEM_MISSED] = "action_item_missed",
	[OB_EV_MEETING_ATTENDED] = "meeting_attended",
	[OB_EV_MEETING_RESCHEDULED] = "meeting_rescheduled",
	[OB_EV_STAKEHOLDER_ADDED] = "stakeholder_added",
	[OB_EV_TICKET_OPENED] = "ticket_opened",
	[OB_EV_TICKET_RESOLVED] = "ticket_resolved",
	[OB_EV_MILESTONE] = "milestone",
	[OB_EV_NPS] = "nps",
	[OB_EV_NOTE] = "note",
};

const char *ob_event_type_name(enum ob_event_type t)
{
	return t > OB_EV_CUSTOM && t < OB_EV_NKNOWN ? type_names[t] : NULL;
}

enum ob_event_type ob_event_type_lookup(const char *name)
{
	/* Once per imported row: the first letter spares most strcmp calls. */
	for (int t = OB_EV_LOGIN; t < OB_EV_NKNOWN; t++)
		if (type_names[t][0] == name[0] &&
		    strcmp(type_names[t], name) == 0)
			return (enum ob_event_type)t;
	return OB_EV_CUSTOM;
}

bool ob_event_type_valid(const char *name)
{
	size_t n = 0;
	if (!(name[0] >= 'a' && name[0] <= 'z'))
		return false;
	for (const char *p = name; *p; p++, n++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			  *p == '_';
		if (!ok || n >= OB_EVENT_TYPE_MAX)
			return false;
	}
	return true;
}
