#include "onboard/health.h"

#include <stdlib.h>
#include <string.h>

static bool rule_holds(const struct ob_rule *r, const struct ob_signals *sig)
{
	double day = sig->m[OB_M_DAY].v;
	if ((r->from_day >= 0 && day < r->from_day) ||
	    (r->until_day >= 0 && day > r->until_day))
		return false;
	for (size_t i = 0; i < r->nwhen; i++) {
		struct ob_metric_value v =
			ob_signals_get(sig, &r->when[i].metric);
		if (!ob_comparison_holds(&r->when[i], v.has, v.v))
			return false;
	}
	return true;
}

static void add_reason(struct ob_reasons *rs, const char *reason)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->items[i], reason) == 0)
			return; /* the same words twice say nothing more */
	rs->items = xrealloc(rs->items, (rs->n + 1) * sizeof(*rs->items));
	rs->items[rs->n++] = reason;
}

/* Adds the reasons of the rules that hold; returns whether any did. */
static bool apply(const struct ob_rules *rules, const struct ob_signals *sig,
		  struct ob_reasons *out)
{
	bool any = false;
	for (size_t i = 0; i < rules->n; i++) {
		if (!rule_holds(&rules->items[i], sig))
			continue;
		any = true;
		if (out)
			add_reason(out, rules->items[i].reason);
	}
	return any;
}

void ob_health_evaluate(const struct ob_playbook *pb,
			const struct ob_signals *sig, struct ob_health *out)
{
	memset(out, 0, sizeof(*out));
	out->status = OB_GREEN;
	out->dims = xcalloc(pb->ndimensions + 1, sizeof(*out->dims));
	out->ndims = pb->ndimensions;
	for (size_t d = 0; d < pb->ndimensions; d++) {
		const struct ob_dimension *dim = &pb->dimensions[d];
		struct ob_dimension_health *dh = &out->dims[d];
		dh->name = dim->name;
		if (apply(&dim->red, sig, &dh->reasons))
			dh->status = OB_RED;
		else if (apply(&dim->yellow, sig, &dh->reasons))
			dh->status = OB_YELLOW;
		else
			dh->status = OB_GREEN;
		if (dh->status > out->status)
			out->status = dh->status;
	}
	/* The account's reasons: all of those at its status, in order. */
	for (size_t d = 0; d < out->ndims; d++)
		if (out->dims[d].status == out->status)
			for (size_t r = 0; r < out->dims[d].reasons.n; r++)
				add_reason(&out->reasons,
					   out->dims[d].reasons.items[r]);
	apply(&pb->escalate, sig, &out->escalations);
}

void ob_health_release(struct ob_health *h)
{
	for (size_t d = 0; d < h->ndims; d++)
		free(h->dims[d].reasons.items);
	free(h->dims);
	free(h->reasons.items);
	free(h->escalations.items);
	memset(h, 0, sizeof(*h));
}

/*
 * Schedules the check-ins at a status, keeping them in *as, and returns
 * how many are overdue.
 */
static int schedule_at(const struct ob_playbook *pb,
		       const struct ob_account *a, struct ob_assessment *as,
		       enum ob_status status, bool status_known)
{
	int overdue = 0;
	free(as->checkins);
	as->ncheckins = ob_schedule(pb, as->tier, a->kickoff, &as->signals,
				    status, &as->checkins);
	for (size_t i = 0; i < as->ncheckins; i++) {
		const struct ob_checkin_condition *w =
			&as->checkins[i].checkin->when;
		if (as->checkins[i].checkin == &pb->follow_up.checkin)
			continue; /* the metric counts scripted ones */
		/* Not knowing the status yet, a status condition is off. */
		if (!status_known && w->present && w->statuses &&
		    (w->tiers & ((ob_tier_set)1 << as->tier)))
			continue;
		overdue += as->checkins[i].state == OB_CI_OVERDUE;
	}
	return overdue;
}

int ob_assess(struct ob_store *st, const struct ob_playbook *pb,
	      const struct ob_account *a, ob_day as_of,
	      struct ob_assessment *out, struct ob_err *err)
{
	struct ob_account_data data;
	int ret;
	memset(out, 0, sizeof(*out));
	if (ob_store_account_data(st, a->rowid, as_of, &ob_needs_all, &data,
				  err) < 0)
		return -1;
	ret = ob_assess_data(pb, a, as_of, &data, true, out, err);
	ob_account_data_release(&data);
	return ret;
}

int ob_assess_data(const struct ob_playbook *pb,
		   const struct ob_account *a, ob_day as_of,
		   const struct ob_account_data *data, bool every_metric,
		   struct ob_assessment *out, struct ob_err *err)
{
	memset(out, 0, sizeof(*out));
	out->tier = ob_playbook_tier(pb, a->tier);
	if (out->tier < 0)
		return ob_fail(err, OB_EDATA,
			       "account '%s' has tier '%s', which playbook "
			       "'%s' does not",
			       a->id, a->tier, pb->name);
	ob_signals_compute(pb, a, as_of, data, every_metric, &out->signals);
	struct ob_metric_value *overdue =
		&out->signals.m[OB_M_CHECKINS_OVERDUE];
	overdue->has = true;
	if (ob_playbook_names_metric(pb, OB_M_CHECKINS_OVERDUE)) {
		enum ob_status first;
		overdue->v = schedule_at(pb, a, out, OB_GREEN, false);
		ob_health_evaluate(pb, &out->signals, &out->health);
		first = out->health.status;
		ob_health_release(&out->health);
		/* The metric stays what the rules saw; the schedule follows
		 * the final status. */
		overdue->v = schedule_at(pb, a, out, first, true);
		ob_health_evaluate(pb, &out->signals, &out->health);
		schedule_at(pb, a, out, out->health.status, true);
		return 0;
	}
	ob_health_evaluate(pb, &out->signals, &out->health);
	overdue->v = schedule_at(pb, a, out, out->health.status, true);
	return 0;
}

void ob_assessment_release(struct ob_assessment *as)
{
	ob_signals_release(&as->signals);
	ob_health_release(&as->health);
	free(as->checkins);
	memset(as, 0, sizeof(*as));
}
