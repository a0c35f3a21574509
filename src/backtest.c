#include "onboard/backtest.h"

#include <stdlib.h>
#include <string.h>

static struct ob_ratio ratio(long num, long den)
{
	struct ob_ratio r = {den != 0, den ? (double)num / (double)den : 0};
	return r;
}

/* a / b of two ratios: none when either has none or b is 0. */
static struct ob_ratio over(struct ob_ratio a, struct ob_ratio b)
{
	struct ob_ratio r = {a.has && b.has && b.v != 0, 0};
	if (r.has)
		r.v = a.v / b.v;
	return r;
}

void ob_backtest_add(struct ob_backtest *bt, enum ob_status status,
		     bool churned, const char *const *reasons, size_t nreasons)
{
	if (churned)
		bt->churned++;
	else
		bt->retained++;
	bt->band[status]++;
	bt->band_churned[status] += churned;
	for (size_t i = 0; i < nreasons; i++) {
		struct ob_strmap_entry *e =
			ob_strmap_get(&bt->reason_index, reasons[i]);
		struct ob_backtest_reason *r;
		/* A reason listed twice for one account counts once. */
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = strcmp(reasons[k], reasons[i]) == 0;
		if (seen)
			continue;
		if (!e) {
			ob_grow(&bt->reasons, &bt->reasons_cap,
				bt->nreasons + 1, sizeof(*bt->reasons));
			memset(&bt->reasons[bt->nreasons], 0,
			       sizeof(*bt->reasons));
			bt->reasons[bt->nreasons].reason = xstrdup(reasons[i]);
			e = ob_strmap_put(&bt->reason_index, reasons[i]);
			e->value = (int64_t)bt->nreasons++;
		}
		r = &bt->reasons[e->value];
		if (churned)
			r->churned++;
		else
			r->retained++;
	}
}

void ob_backtest_lead(struct ob_backtest *bt, int days)
{
	ob_grow(&bt->leads, &bt->leads_cap, bt->nleads + 1, sizeof(*bt->leads));
	bt->leads[bt->nleads++] = days;
}

struct ob_ratio ob_backtest_base_rate(const struct ob_backtest *bt)
{
	return ratio(bt->churned, bt->churned + bt->retained);
}

struct ob_ratio ob_backtest_churn_rate(const struct ob_backtest *bt,
				       enum ob_status band)
{
	return ratio(bt->band_churned[band], bt->band[band]);
}

void ob_backtest_cutoff(const struct ob_backtest *bt, bool red_only,
			struct ob_cutoff *out)
{
	memset(out, 0, sizeof(*out));
	for (int s = 0; s < OB_NSTATUS; s++) {
		bool flagged = s == OB_RED || (!red_only && s == OB_YELLOW);
		long churned = bt->band_churned[s];
		long retained = bt->band[s] - churned;
		if (flagged) {
			out->tp += churned;
			out->fp += retained;
		} else {
			out->fn += churned;
			out->tn += retained;
		}
	}
	out->recall = ratio(out->tp, out->tp + out->fn);
	out->precision = ratio(out->tp, out->tp + out->fp);
	out->false_alarm_rate = ratio(out->fp, out->fp + out->tn);
	out->lift = over(out->precision, ob_backtest_base_rate(bt));
}

static int cmp_reason(const void *x, const void *y)
{
	const struct ob_backtest_reason *a = x, *b = y;
	if (a->lift.has != b->lift.has)
		return a->lift.has ? -1 : 1;
	if (a->lift.has && a->lift.v != b->lift.v)
		return a->lift.v > b->lift.v ? -1 : 1;
	return strcmp(a->reason, b->reason);
}

void ob_backtest_finish(struct ob_backtest *bt)
{
	struct ob_ratio base = ob_backtest_base_rate(bt);
	for (size_t i = 0; i < bt->nreasons; i++) {
		struct ob_backtest_reason *r = &bt->reasons[i];
		r->precision = ratio(r->churned, r->churned + r->retained);
		r->lift = over(r->precision, base);
	}
	/* qsort must not be given NULL, even for no items. */
	if (bt->nreasons > 1)
		qsort(bt->reasons, bt->nreasons, sizeof(*bt->reasons),
		      cmp_reason);
	/* The index would name the old places. */
	ob_strmap_release(&bt->reason_index);
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

struct ob_ratio ob_backtest_lead_percentile(struct ob_backtest *bt, double p)
{
	struct ob_ratio r = {bt->nleads > 0, 0};
	double rank;
	size_t lo;
	if (!r.has)
		return r;
	qsort(bt->leads, bt->nleads, sizeof(*bt->leads), cmp_double);
	rank = p / 100 * (double)(bt->nleads - 1);
	lo = (size_t)rank;
	r.v = bt->leads[lo];
	if (lo + 1 < bt->nleads)
		r.v += (rank - (double)lo) * (bt->leads[lo + 1] - bt->leads[lo]);
	return r;
}

void ob_backtest_release(struct ob_backtest *bt)
{
	for (size_t i = 0; i < bt->nreasons; i++)
		free(bt->reasons[i].reason);
	free(bt->reasons);
	free(bt->leads);
	ob_strmap_release(&bt->reason_index);
	memset(bt, 0, sizeof(*bt));
}
