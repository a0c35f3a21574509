/*
 * schedule: which check-ins an account has as of a day, and in what state:
 * windows in calendar or business days, conditions on tier, status and
 * milestones, the channel for today's status, done, skipped and snoozed.
 */
#ifndef ONBOARD_SCHEDULE_H
#define ONBOARD_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>

#include "onboard/playbook.h"
#include "onboard/signals.h"

enum ob_checkin_state {
	OB_CI_UPCOMING, /* its window has not opened */
	OB_CI_DUE,      /* open today */
	OB_CI_OVERDUE,  /* closed, not done */
	OB_CI_DONE,
	OB_CI_SKIPPED,
	OB_CI_SNOOZED,  /* hidden until a date */
	OB_CI_OFF,      /* its condition does not hold today */
};

const char *ob_checkin_state_name(enum ob_checkin_state s);

struct ob_checkin_instance {
	const struct ob_checkin *checkin; /* in the playbook */
	ob_day opens, closes;
	bool dated; /* false when a window would pass 9999-12-31 */
	enum ob_checkin_state state;
	int days_overdue;
	enum ob_channel channel; /* for today's status */
	bool automated;
	ob_day done_on;        /* done or skipped on */
	ob_day snoozed_until;
};

/*
 * The check-ins of the account's tier as of sig->as_of, with conditions
 * and channels taken at `status`: the scripted ones in playbook order,
 * then the current follow-up when there is one (its checkin is the
 * playbook's follow_up.checkin). Returns the count; *out is the caller's
 * to free.
 */
size_t ob_schedule(const struct ob_playbook *pb, int tier, ob_day kickoff,
		   const struct ob_signals *sig, enum ob_status status,
		   struct ob_checkin_instance **out);

#endif
