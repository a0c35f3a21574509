#include "onboard/schedule.h"

#include <stdlib.h>
#include <string.h>

#include "onboard/util.h"

const char *ob_checkin_state_name(enum ob_checkin_state s)
{
	static const char *const names[] = {"upcoming", "due",	   "overdue",
					    "done",	"skipped", "snoozed",
					    "off"};
	return names[s];
}

/* Whether a check-in's `when:` lets it happen for this tier today. */
static bool condition_holds(const struct ob_checkin *c, int tier,
			    const struct ob_signals *sig, enum ob_status status)
{
	const struct ob_checkin_condition *w = &c->when;
	if (!w->present || !(w->tiers & ((ob_tier_set)1 << tier)))
		return true;
	if (w->statuses && !(w->statuses & (1u << status)))
		return false;
	if (w->milestone_done >= 0 && !sig->milestone_done[w->milestone_done])
		return false;
	if (w->milestone_not_done >= 0 &&
	    sig->milestone_done[w->milestone_not_done])
		return false;
	return true;
}

size_t ob_schedule_scripted(const struct ob_playbook *pb, int tier,
			    ob_day kickoff, const struct ob_signals *sig,
			    enum ob_status status,
			    struct ob_checkin_instance **out)
{
	ob_tier_set bit = (ob_tier_set)1 << tier;
	ob_day today = sig->as_of;
	size_t n = 0;

	*out = xcalloc(pb->ncheckins + 1, sizeof(**out));
	for (size_t i = 0; i < pb->ncheckins; i++) {
		const struct ob_checkin *c = &pb->checkins[i];
		struct ob_checkin_instance *ci = &(*out)[n];
		bool snoozed = false;
		if (!(c->tiers & bit))
			continue;
		n++;
		ci->checkin = c;
		ci->channel = c->channel[status];
		ci->automated = (c->automated & bit) != 0;
		ci->dated = ob_playbook_window_date(pb, kickoff, c->opens,
						    &ci->opens) &&
			    ob_playbook_window_date(pb, kickoff, c->closes,
						    &ci->closes);
		/* The latest action decides: done, skipped, or a snooze. */
		ci->state = OB_CI_UPCOMING;
		for (size_t a = 0; a < sig->nactions; a++) {
			const struct ob_action *act = &sig->actions[a];
			if (strcmp(act->checkin, c->id) != 0)
				continue;
			if (act->kind == OB_ACTION_DONE) {
				ci->state = OB_CI_DONE;
				ci->done_on = act->day;
			} else if (act->kind == OB_ACTION_SKIPPED &&
				   ci->state != OB_CI_DONE) {
				ci->state = OB_CI_SKIPPED;
				ci->done_on = act->day;
			} else if (act->kind == OB_ACTION_SNOOZED) {
				snoozed = act->until > today;
				ci->snoozed_until = act->until;
			}
		}
		if (ci->state == OB_CI_DONE || ci->state == OB_CI_SKIPPED)
			continue;
		if (!condition_holds(c, tier, sig, status)) {
			ci->state = OB_CI_OFF;
			continue;
		}
		if (!ci->dated || today < ci->opens)
			ci->state = OB_CI_UPCOMING;
		else if (today <= ci->closes)
			ci->state = OB_CI_DUE;
		else {
			ci->state = OB_CI_OVERDUE;
			ci->days_overdue = today - ci->closes;
		}
		if (snoozed && ci->state != OB_CI_UPCOMING)
			ci->state = OB_CI_SNOOZED;
	}
	return n;
}
