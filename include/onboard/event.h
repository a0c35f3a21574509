/*
 * event: the event types of SPEC.md section 3 and the rules an event's
 * fields obey. Known types have fixed ids (they are also rows of the
 * database's event_type table); custom types get ids as they arrive.
 */
#ifndef ONBOARD_EVENT_H
#define ONBOARD_EVENT_H

#include <stdbool.h>
#include <stddef.h>

enum ob_event_type {
	OB_EV_CUSTOM = 0, /* any other valid name */
	OB_EV_LOGIN = 1,
	OB_EV_FEATURE_USED,
	OB_EV_RESPONSE,
	OB_EV_ACTION_ITEM_DONE,
	OB_EV_ACTION_ITEM_MISSED,
	OB_EV_MEETING_ATTENDED,
	OB_EV_MEETING_RESCHEDULED,
	OB_EV_STAKEHOLDER_ADDED,
	OB_EV_TICKET_OPENED,
	OB_EV_TICKET_RESOLVED,
	OB_EV_MILESTONE,
	OB_EV_NPS,
	OB_EV_NOTE,
	OB_EV_NKNOWN
};

#define OB_EVENT_TYPE_MAX 64
#define OB_EVENT_VALUE_MAX 1024
#define OB_EVENT_ID_MAX 128

/* The name of a known type (1 .. OB_EV_NKNOWN-1). */
const char *ob_event_type_name(enum ob_event_type t);
/* The known type of that name, or OB_EV_CUSTOM. */
enum ob_event_type ob_event_type_lookup(const char *name);
/* [a-z][a-z0-9_]{0,63}: a known or custom type name. */
bool ob_event_type_valid(const char *name);

#endif
