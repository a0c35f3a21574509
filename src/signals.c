#include "onboard/signals.h"

#include <stdlib.h>
#include <string.h>

#include "onboard/event.h"

static void set(struct ob_signals *s, enum ob_metric m, double v)
{
	s->m[m].has = true;
	s->m[m].v = v;
}

/* The local dates of a type's first and last events, both kinds merged. */
static ob_day first_day(const struct ob_type_signal *t)
{
	ob_day d = t->has_at ? ob_time_local_day(t->first_at, false) : 0;
	if (t->has_day && (!t->has_at || t->first_day < d))
		d = t->first_day;
	return d;
}

static ob_day last_day(const struct ob_type_signal *t)
{
	ob_day d = t->has_at ? ob_time_local_day(t->last_at, false) : 0;
	if (t->has_day && (!t->has_at || t->last_day > d))
		d = t->last_day;
	return d;
}

static void keep_action(struct ob_signals *s, const struct ob_checkin_action *a)
{
	struct ob_action *x = &s->actions[s->nactions++];
	x->checkin = xstrdup(a->checkin);
	x->kind = strcmp(a->action, "done") == 0      ? OB_ACTION_DONE
		  : strcmp(a->action, "skipped") == 0 ? OB_ACTION_SKIPPED
						      : OB_ACTION_SNOOZED;
	x->day = a->day;
	x->until = a->until;
}

static int cmp_count(const void *a, const void *b)
{
	return strcmp(((const struct ob_type_count *)a)->type,
		      ((const struct ob_type_count *)b)->type);
}

/*
 * unanswered_*: outreach waiting for an answer is the oldest completion
 * dated after the latest response's date (any completion when there was
 * no response); the metric counts from it to today.
 */
static void unanswered(struct ob_signals *s, const struct ob_playbook *pb,
		       bool responded, ob_day last_response)
{
	struct ob_calendar business = pb->calendar;
	bool waiting = false;
	ob_day since = 0;
	business.business = true;
	for (size_t i = 0; i < s->nactions; i++) {
		const struct ob_action *a = &s->actions[i];
		if (a->kind != OB_ACTION_DONE ||
		    (responded && a->day <= last_response))
			continue;
		if (!waiting || a->day < since)
			since = a->day;
		waiting = true;
	}
	set(s, OB_M_UNANSWERED_DAYS, waiting ? s->as_of - since : 0);
	set(s, OB_M_UNANSWERED_BUSINESS_DAYS,
	    waiting ? (double)ob_calendar_business_days(&business, since,
							s->as_of)
		    : 0);
}

void ob_signals_compute(const struct ob_playbook *pb,
			const struct ob_account *a, ob_day as_of,
			const struct ob_account_data *data, bool every_metric,
			struct ob_signals *out)
{
	const struct ob_signal_set *set_ = &data->signals;
	int tier = ob_playbook_tier(pb, a->tier);
	ob_tier_set bit = tier >= 0 ? (ob_tier_set)1 << tier : 0;
	bool responded = false, tickets = false;
	ob_day last_response = 0;
	int in_tier = 0, done = 0, overdue = 0;

	memset(out, 0, sizeof(*out));
	out->as_of = as_of;
	out->milestone_done = xcalloc(pb->nmilestones + 1, sizeof(bool));
	out->milestone_day = xcalloc(pb->nmilestones + 1, sizeof(ob_day));
	out->milestone_seen = xcalloc(pb->nmilestones + 1, sizeof(bool));
	out->from_summary = set_->from_summary;
	/* Counts that are zero until an event says otherwise. */
	static const enum ob_metric zero[] = {
		OB_M_LOGINS,		  OB_M_LOGINS_7D,
		OB_M_FEATURES,		  OB_M_RESPONSES,
		OB_M_ACTION_ITEMS_DONE,	  OB_M_ACTION_ITEMS_MISSED,
		OB_M_STAKEHOLDERS,	  OB_M_MEETINGS_ATTENDED,
		OB_M_MEETINGS_RESCHEDULED, OB_M_OPEN_TICKETS,
	};
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		set(out, zero[i], 0);
	set(out, OB_M_DAY, as_of - a->kickoff);

	out->counts = xcalloc(set_->n + 1, sizeof(*out->counts));
	for (size_t i = 0; i < set_->n; i++) {
		const struct ob_type_signal *t = &set_->items[i];
		out->counts[out->ncounts].type = t->type_name;
		out->counts[out->ncounts].n = t->n;
		out->counts[out->ncounts].custom = t->type >= OB_EV_NKNOWN;
		out->ncounts++;
		switch (t->type) {
		case OB_EV_LOGIN:
			set(out, OB_M_LOGINS, (double)t->n);
			set(out, OB_M_FIRST_LOGIN_DAY, first_day(t) - a->kickoff);
			set(out, OB_M_DAYS_SINCE_LOGIN, as_of - last_day(t));
			break;
		case OB_EV_FEATURE_USED:
			set(out, OB_M_FEATURES, (double)t->distinct_values);
			break;
		case OB_EV_RESPONSE:
			responded = true;
			last_response = last_day(t);
			set(out, OB_M_RESPONSES, (double)t->n);
			break;
		case OB_EV_ACTION_ITEM_DONE:
			set(out, OB_M_ACTION_ITEMS_DONE, (double)t->n);
			break;
		case OB_EV_ACTION_ITEM_MISSED:
			set(out, OB_M_ACTION_ITEMS_MISSED, (double)t->n);
			break;
		case OB_EV_STAKEHOLDER_ADDED:
			set(out, OB_M_STAKEHOLDERS, (double)t->n);
			break;
		case OB_EV_MEETING_ATTENDED:
			set(out, OB_M_MEETINGS_ATTENDED, (double)t->n);
			break;
		case OB_EV_MEETING_RESCHEDULED:
			set(out, OB_M_MEETINGS_RESCHEDULED, (double)t->n);
			break;
		case OB_EV_TICKET_OPENED:
			tickets = true;
			break;
		case OB_EV_NPS:
			set(out, OB_M_NPS, atof(t->latest_value));
			break;
		default:
			break;
		}
		/* A milestone with done_on is done by the first such event. */
		for (size_t m = 0; m < pb->nmilestones; m++)
			if (pb->milestones[m].done_on &&
			    pb->milestones[m].done_on[0] == t->type_name[0] &&
			    strcmp(pb->milestones[m].done_on, t->type_name) == 0)
				out->milestone_done[m] = true;
	}
	/* By name, for listing count.TYPE: only custom types are listed,
	 * and most accounts have one at most. */
	{
		size_t custom = 0;
		for (size_t i = 0; i < out->ncounts; i++)
			custom += out->counts[i].custom;
		if (custom > 1)
			qsort(out->counts, out->ncounts, sizeof(*out->counts),
			      cmp_count);
	}

	if (!every_metric && !ob_playbook_names_metric(pb, OB_M_LOGINS_7D))
		out->m[OB_M_LOGINS_7D].has = false;
	else
		set(out, OB_M_LOGINS_7D, (double)data->logins_7d);
	if (tickets && data->ntickets) {
		ob_day oldest = 0;
		for (size_t i = 0; i < data->ntickets; i++) {
			ob_day d = ob_time_local_day(data->tickets[i].at,
						     data->tickets[i].bare);
			if (i == 0 || d < oldest)
				oldest = d;
		}
		set(out, OB_M_OPEN_TICKETS, (double)data->ntickets);
		set(out, OB_M_OLDEST_OPEN_TICKET_DAYS, as_of - oldest);
	}
	for (size_t i = 0; i < data->nmilestones; i++) {
		int m = ob_playbook_milestone(pb, data->milestones[i]);
		if (m < 0)
			continue;
		out->milestone_done[m] = out->milestone_seen[m] = true;
		out->milestone_day[m] = data->milestone_days[i];
	}
	for (size_t m = 0; m < pb->nmilestones; m++) {
		if (!(pb->milestones[m].tiers & bit))
			continue;
		in_tier++;
		if (out->milestone_done[m])
			done++;
		else if (as_of - a->kickoff > pb->milestones[m].due_day)
			overdue++;
	}
	set(out, OB_M_MILESTONES_DONE, done);
	set(out, OB_M_MILESTONES_OVERDUE, overdue);
	out->progress = in_tier ? done * 100 / in_tier : 100;

	out->actions = xcalloc(data->nactions + 1, sizeof(*out->actions));
	for (size_t i = 0; i < data->nactions; i++)
		keep_action(out, &data->actions[i]);
	unanswered(out, pb, responded, last_response);
	done = 0;
	for (size_t c = 0; c < pb->ncheckins; c++) {
		bool is_done = false;
		if (!(pb->checkins[c].tiers & bit))
			continue;
		for (size_t i = 0; i < out->nactions && !is_done; i++)
			is_done = out->actions[i].kind == OB_ACTION_DONE &&
				  out->actions[i].checkin[0] ==
					  pb->checkins[c].id[0] &&
				  strcmp(out->actions[i].checkin,
					 pb->checkins[c].id) == 0;
		done += is_done;
	}
	set(out, OB_M_CHECKINS_DONE, done);
}

void ob_signals_release(struct ob_signals *s)
{
	free(s->counts);
	free(s->milestone_done);
	free(s->milestone_day);
	free(s->milestone_seen);
	for (size_t i = 0; i < s->nactions; i++) {
		free(s->actions[i].checkin);
	}
	free(s->actions);
	memset(s, 0, sizeof(*s));
}

struct ob_metric_value ob_signals_get(const struct ob_signals *s,
				      const struct ob_metric_ref *ref)
{
	struct ob_metric_value v = {true, 0};
	if (ref->id != OB_M_COUNT)
		return s->m[ref->id];
	for (size_t i = 0; i < s->ncounts; i++)
		if (strcmp(s->counts[i].type, ref->type) == 0)
			v.v = (double)s->counts[i].n;
	return v;
}
