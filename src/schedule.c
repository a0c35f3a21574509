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

/*
 * The rolling follow-up: every_days[status] days (1 while a ticket is
 * open, if the playbook says so) after the latest check-in done (or this
 * follow-up skipped), or after kickoff; never before from_day, and none
 * once past until_day. Returns false when there is none.
 */
static bool follow_up(const struct ob_playbook *pb, int tier, ob_day kickoff,
		      const struct ob_signals *sig, enum ob_status status,
		      struct ob_checkin_instance *ci)
{
	const struct ob_follow_up *f = &pb->follow_up;
	ob_tier_set bit = (ob_tier_set)1 << tier;
	ob_day today = sig->as_of, base = kickoff, date;
	int until = f->until_day >= 0 ? f->until_day
				      : pb->tiers[tier].length_days;
	int interval = f->every_days[status];
	bool snoozed = false;
	if (!f->present)
		return false;
	/*
	 * Actions come by day, then as recorded. A snooze counts for the
	 * follow-up it was made for: once that one is done or skipped, or a
	 * later check-in done moves the next one, even on the snooze's day,
	 * the next follow-up is not snoozed.
	 */
	for (size_t a = 0; a < sig->nactions; a++) {
		const struct ob_action *act = &sig->actions[a];
		bool mine = strcmp(act->checkin, "follow-up") == 0;
		bool completes = act->kind == OB_ACTION_DONE ||
				 (mine && act->kind == OB_ACTION_SKIPPED);
		if (completes && (mine || act->day > base)) {
			snoozed = false;
			ci->snoozed_until = 0;
		}
		if (completes && act->day > base)
			base = act->day;
		if (mine && act->kind == OB_ACTION_SNOOZED &&
		    act->day >= base) {
			snoozed = act->until > today;
			ci->snoozed_until = act->until;
		}
	}
	if (f->daily_while_open_tickets && sig->m[OB_M_OPEN_TICKETS].v > 0)
		interval = 1;
	date = base + interval;
	if (date < kickoff + f->from_day)
		date = kickoff + f->from_day;
	if (date > kickoff + until)
		return false;
	ci->checkin = &f->checkin;
	ci->opens = ci->closes = date;
	ci->dated = true;
	ci->channel = f->checkin.channel[status];
	ci->automated = (f->checkin.automated & bit) != 0;
	if (today < date)
		ci->state = OB_CI_UPCOMING;
	else if (today == date)
		ci->state = OB_CI_DUE;
	else {
		ci->state = OB_CI_OVERDUE;
		ci->days_overdue = today - date;
	}
	if (snoozed && ci->state != OB_CI_UPCOMING)
		ci->state = OB_CI_SNOOZED;
	return true;
}

size_t ob_schedule(const struct ob_playbook *pb, int tier, ob_day kickoff,
		   const struct ob_signals *sig, enum ob_status status,
		   struct ob_checkin_instance **out)
{
	ob_tier_set bit = (ob_tier_set)1 << tier;
	ob_day today = sig->as_of;
	size_t n = 0;

	*out = xcalloc(pb->ncheckins + 2, sizeof(**out));
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
			if (act->checkin[0] != c->id[0] ||
			    strcmp(act->checkin, c->id) != 0)
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
	if (follow_up(pb, tier, kickoff, sig, status, &(*out)[n]))
		n++;
	return n;
}
