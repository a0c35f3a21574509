#include "onboard/report.h"

#include <stdlib.h>
#include <string.h>

int ob_report_init(struct ob_report *r, ob_day monday, ob_day today,
		   struct ob_err *err)
{
	char buf[OB_DATE_LEN];
	memset(r, 0, sizeof(*r));
	if (today < monday) {
		ob_date_format(monday, buf);
		return ob_fail(err, OB_EDATA,
			       "that week starts on %s, after today", buf);
	}
	r->monday = monday;
	r->sunday = monday + 6;
	r->as_of = today < r->sunday ? today : r->sunday;
	ob_date_iso_week(monday, &r->year, &r->week);
	return 0;
}

void ob_report_prev_of(const struct ob_playbook *pb,
		       const struct ob_assessment *as,
		       struct ob_report_prev *out)
{
	out->present = true;
	out->status = as->health.status;
	out->milestones_done = 0;
	for (size_t m = 0; m < pb->nmilestones && m < 64; m++)
		if (as->signals.milestone_done[m])
			out->milestones_done |= (uint64_t)1 << m;
}

static const char **copy_reasons(const struct ob_reasons *r)
{
	const char **items = xcalloc(r->n + 1, sizeof(*items));
	if (r->n)
		memcpy(items, r->items, r->n * sizeof(*items));
	return items;
}

void ob_report_add(struct ob_report *r, const struct ob_account *a,
		   const struct ob_playbook *pb, const struct ob_assessment *as,
		   const struct ob_report_prev *prev, ob_day first_value_day)
{
	struct ob_report_account *ra;
	const struct ob_signals *sig = &as->signals;
	ob_tier_set bit = (ob_tier_set)1 << as->tier;
	int length = pb->tiers[as->tier].length_days;
	ob_day end = a->kickoff + length;
	bool all_done = true;

	ob_grow(&r->accounts, &r->accounts_cap, r->naccounts + 1,
		sizeof(*r->accounts));
	ra = &r->accounts[r->naccounts++];
	memset(ra, 0, sizeof(*ra));
	ra->id = xstrdup(a->id);
	ra->name = xstrdup(a->name);
	ra->csm = a->csm ? xstrdup(a->csm) : NULL;
	ra->tier = xstrdup(a->tier);
	ra->kickoff = a->kickoff;
	ra->day = r->as_of - a->kickoff;
	ra->in_progress = a->kickoff <= r->as_of && r->as_of <= end;
	ra->was_in_progress = prev && prev->present &&
			      a->kickoff <= r->monday - 1 &&
			      r->monday - 1 <= end;
	ra->is_new = a->kickoff >= r->monday && a->kickoff <= r->as_of;
	ra->completed = end >= r->monday && end <= r->as_of;
	ra->status = as->health.status;
	ra->previous = ra->was_in_progress ? prev->status : as->health.status;
	ra->reasons = copy_reasons(&as->health.reasons);
	ra->nreasons = as->health.reasons.n;
	ra->escalations = copy_reasons(&as->health.escalations);
	ra->nescalations = as->health.escalations.n;

	for (size_t i = 0; i < as->ncheckins; i++) {
		const struct ob_checkin_instance *ci = &as->checkins[i];
		bool follow_up = ci->checkin == &pb->follow_up.checkin;
		if (ci->state == OB_CI_OVERDUE)
			ra->overdue_all++;
		/* Scripted check-ins whose window closed this week. */
		if (follow_up || !ci->dated || ci->closes < r->monday ||
		    ci->closes > r->as_of || ci->state == OB_CI_SKIPPED ||
		    ci->state == OB_CI_OFF)
			continue;
		ra->scheduled++;
		if (ci->state == OB_CI_DONE && ci->done_on <= ci->closes)
			ra->on_time++;
		else if (ci->state == OB_CI_DONE)
			ra->late++;
		else if (ci->state == OB_CI_OVERDUE ||
			 ci->state == OB_CI_SNOOZED)
			ra->overdue++;
	}
	for (size_t m = 0; m < pb->nmilestones; m++) {
		const struct ob_milestone *ms = &pb->milestones[m];
		bool before = prev && prev->present && m < 64 &&
			      (prev->milestones_done >> m & 1);
		if (!(ms->tiers & bit))
			continue;
		if (sig->milestone_done[m] && !before)
			ra->achieved++;
		if (!sig->milestone_done[m])
			all_done = false;
		if (!sig->milestone_done[m] && ra->day > ms->due_day)
			ra->milestones_overdue++;
	}
	ra->all_milestones_done = all_done;
	ra->has_first_login = sig->m[OB_M_FIRST_LOGIN_DAY].has;
	ra->first_login_day = (int)sig->m[OB_M_FIRST_LOGIN_DAY].v;
	ra->has_first_value = first_value_day >= 0;
	ra->days_to_first_value = first_value_day - a->kickoff;
}

static int cmp_accounts(const void *x, const void *y)
{
	return strcmp(((const struct ob_report_account *)x)->id,
		      ((const struct ob_report_account *)y)->id);
}

static int cmp_ints(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;
	return (a > b) - (a < b);
}

static bool median(int *v, size_t n, double *out)
{
	if (!n)
		return false;
	qsort(v, n, sizeof(*v), cmp_ints);
	*out = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
	return true;
}

static struct ob_report_csm *csm_of(struct ob_report *r, const char *csm)
{
	for (size_t i = 0; i < r->ncsms; i++)
		if ((!csm && !r->csms[i].csm) ||
		    (csm && r->csms[i].csm && strcmp(csm, r->csms[i].csm) == 0))
			return &r->csms[i];
	r->csms = xrealloc(r->csms, (r->ncsms + 1) * sizeof(*r->csms));
	memset(&r->csms[r->ncsms], 0, sizeof(*r->csms));
	r->csms[r->ncsms].csm = csm ? xstrdup(csm) : NULL;
	return &r->csms[r->ncsms++];
}

static int cmp_csms(const void *x, const void *y)
{
	const struct ob_report_csm *a = x, *b = y;
	if (!a->csm || !b->csm)
		return !a->csm - !b->csm; /* none last */
	return strcmp(a->csm, b->csm);
}

void ob_report_finish(struct ob_report *r)
{
	int *logins = xcalloc(r->naccounts + 1, sizeof(int));
	int *values = xcalloc(r->naccounts + 1, sizeof(int));
	size_t nlogins = 0, nvalues = 0, ended = 0, ended_done = 0;

	if (r->naccounts)
		qsort(r->accounts, r->naccounts, sizeof(*r->accounts),
		      cmp_accounts);
	for (size_t i = 0; i < r->naccounts; i++) {
		const struct ob_report_account *a = &r->accounts[i];
		struct ob_report_csm *c;
		r->fresh += a->is_new;
		r->completed += a->completed;
		r->scheduled += a->scheduled;
		r->on_time += a->on_time;
		r->late += a->late;
		r->overdue += a->overdue;
		r->achieved += a->achieved;
		if (a->was_in_progress)
			r->previous[a->previous]++;
		if (a->has_first_login)
			logins[nlogins++] = a->first_login_day;
		if (a->has_first_value)
			values[nvalues++] = a->days_to_first_value;
		/* Completion: of the onboardings over, how many did it all. */
		if (a->day >= 0 && !a->in_progress) {
			ended++;
			ended_done += a->all_milestones_done;
		}
		if (!a->in_progress)
			continue;
		r->active++;
		r->milestones_overdue += a->milestones_overdue;
		r->health[a->status]++;
		c = csm_of(r, a->csm);
		c->accounts++;
		c->status[a->status]++;
		c->overdue += a->overdue_all;
		c->scheduled += a->scheduled;
		c->on_time += a->on_time;
	}
	if (r->ncsms)
		qsort(r->csms, r->ncsms, sizeof(*r->csms), cmp_csms);
	r->has_first_login =
		median(logins, nlogins, &r->median_first_login_day);
	r->has_first_value =
		median(values, nvalues, &r->median_days_to_first_value);
	r->has_completion = ended > 0;
	r->completion_rate = ended ? (double)ended_done / (double)ended : 0;
	free(logins);
	free(values);
}

void ob_report_release(struct ob_report *r)
{
	for (size_t i = 0; i < r->naccounts; i++) {
		struct ob_report_account *a = &r->accounts[i];
		free(a->id);
		free(a->name);
		free(a->csm);
		free(a->tier);
		free(a->reasons);
		free(a->escalations);
	}
	free(r->accounts);
	for (size_t i = 0; i < r->ncsms; i++)
		free(r->csms[i].csm);
	free(r->csms);
	memset(r, 0, sizeof(*r));
}

bool ob_report_rate(int on_time, int scheduled, double *rate)
{
	if (!scheduled)
		return false;
	*rate = (double)on_time / scheduled;
	return true;
}
