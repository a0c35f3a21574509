#include "onboard/summary.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onboard/event.h"

void ob_signal_set_release(struct ob_signal_set *set)
{
	free(set->items);
	memset(set, 0, sizeof(*set));
}

static void span_add(struct ob_span *sp, int64_t at, bool bare)
{
	if (bare) {
		ob_day day = (ob_day)(at / OB_DAY_US);
		if (!sp->has_day || day < sp->first_day)
			sp->first_day = day;
		if (!sp->has_day || day > sp->last_day)
			sp->last_day = day;
		sp->has_day = true;
	} else {
		if (!sp->has_at || at < sp->first_at)
			sp->first_at = at;
		if (!sp->has_at || at > sp->last_at)
			sp->last_at = at;
		sp->has_at = true;
	}
}

static void span_merge(struct ob_span *sp, const struct ob_span *from)
{
	if (from->has_at) {
		if (!sp->has_at || from->first_at < sp->first_at)
			sp->first_at = from->first_at;
		if (!sp->has_at || from->last_at > sp->last_at)
			sp->last_at = from->last_at;
		sp->has_at = true;
	}
	if (from->has_day) {
		if (!sp->has_day || from->first_day < sp->first_day)
			sp->first_day = from->first_day;
		if (!sp->has_day || from->last_day > sp->last_day)
			sp->last_day = from->last_day;
		sp->has_day = true;
	}
}

static void count_add(struct ob_summary *s, int type, int64_t n)
{
	size_t i = 0, cap = s->custom_cap;
	if (type > 0 && type < OB_EV_NKNOWN) {
		s->known[type] += (uint32_t)n;
		return;
	}
	/* Few custom types per account: a sorted array beats a map. */
	while (i < s->ncustom && s->custom[i].type < type)
		i++;
	if (i < s->ncustom && s->custom[i].type == type) {
		s->custom[i].n += n;
		return;
	}
	if (s->ncustom == cap) {
		/* Most accounts have one or two custom types: grow gently. */
		cap = cap ? cap * 2 : 1;
		s->custom = xrealloc(s->custom, cap * sizeof(*s->custom));
		s->custom_cap = (uint32_t)cap;
	}
	memmove(&s->custom[i + 1], &s->custom[i],
		(s->ncustom - i) * sizeof(*s->custom));
	s->custom[i].type = type;
	s->custom[i].n = n;
	s->ncustom++;
}

/*
 * The latest NPS with a time, by instant, and the latest given as a date,
 * by date; ties by the greater score (as the events' queries do).
 */
static void nps_add(struct ob_summary *s, int64_t at, bool bare,
		    const char *value)
{
	if (bare) {
		ob_day day = (ob_day)(at / OB_DAY_US);
		if (s->has_nps_day &&
		    (day < s->nps_day ||
		     (day == s->nps_day &&
		      atoi(value) <= atoi(s->nps_day_value))))
			return;
		s->has_nps_day = true;
		s->nps_day = day;
		snprintf(s->nps_day_value, sizeof(s->nps_day_value), "%s",
			 value);
		return;
	}
	if (s->has_nps &&
	    (at < s->nps_at ||
	     (at == s->nps_at && atoi(value) <= atoi(s->nps_value))))
		return;
	s->has_nps = true;
	s->nps_at = at;
	snprintf(s->nps_value, sizeof(s->nps_value), "%s", value);
}

void ob_summary_add(struct ob_summary *s, int type, int64_t at, bool bare,
		    const char *value)
{
	span_add(&s->any, at, bare);
	count_add(s, type, 1);
	if (type == OB_EV_LOGIN)
		span_add(&s->login, at, bare);
	else if (type == OB_EV_RESPONSE)
		span_add(&s->response, at, bare);
	else if (type == OB_EV_NPS)
		nps_add(s, at, bare, value);
}

void ob_summary_merge(struct ob_summary *s, const struct ob_summary *from)
{
	span_merge(&s->any, &from->any);
	span_merge(&s->login, &from->login);
	span_merge(&s->response, &from->response);
	if (from->has_nps)
		nps_add(s, from->nps_at, false, from->nps_value);
	if (from->has_nps_day)
		nps_add(s, (int64_t)from->nps_day * OB_DAY_US, true,
			from->nps_day_value);
	for (int t = 1; t < OB_EV_NKNOWN; t++)
		s->known[t] += from->known[t];
	for (size_t i = 0; i < from->ncustom; i++)
		count_add(s, from->custom[i].type, from->custom[i].n);
}

void ob_summary_counts_text(const struct ob_summary *s, struct ob_buf *b)
{
	char buf[OB_INT_TEXT];
	ob_buf_reset(b);
	ob_buf_add(b, "", 0);
	for (size_t i = 1; i < OB_EV_NKNOWN + s->ncustom; i++) {
		int type;
		long long n = ob_summary_nth(s, i, &type);
		if (i < OB_EV_NKNOWN && !n)
			continue;
		if (b->len)
			ob_buf_addc(b, ',');
		ob_buf_adds(b, ob_int_text(buf, type));
		ob_buf_addc(b, ':');
		ob_buf_adds(b, ob_int_text(buf, n));
	}
}

/* A run of up to 18 digits (no sign: counts and ids), or NULL. */
static const char *whole(const char *p, long long *out)
{
	const char *start = p;
	long long n = 0;
	while (*p >= '0' && *p <= '9' && p - start < 18)
		n = n * 10 + (*p++ - '0');
	if (p == start || (*p >= '0' && *p <= '9'))
		return NULL;
	*out = n;
	return p;
}

/* By hand, not strtol: due parses one of these per account. */
bool ob_summary_counts_parse(struct ob_summary *s, const char *text)
{
	const char *p = text;
	while (*p) {
		long long type, n;
		if (!(p = whole(p, &type)) || *p++ != ':' ||
		    !(p = whole(p, &n)) || (*p && *p != ','))
			return false;
		if (type > INT_MAX)
			return false;
		count_add(s, (int)type, n);
		if (*p)
			p++;
	}
	return true;
}

bool ob_summary_current(const struct ob_summary *s, ob_day day,
			int64_t cut_at)
{
	return !(s->any.has_at && s->any.last_at >= cut_at) &&
	       !(s->any.has_day && s->any.last_day > day);
}

static void set_span(struct ob_type_signal *t, const struct ob_span *sp)
{
	t->has_at = sp->has_at;
	t->has_day = sp->has_day;
	t->first_at = sp->first_at;
	t->last_at = sp->last_at;
	t->first_day = sp->first_day;
	t->last_day = sp->last_day;
}

void ob_summary_signals(const struct ob_summary *s,
			const char *(*type_name)(void *ctx, int type),
			void *ctx, struct ob_signal_set *out)
{
	memset(out, 0, sizeof(*out));
	out->items = xcalloc(OB_EV_NKNOWN + s->ncustom + 1, sizeof(*out->items));
	out->from_summary = true;
	for (size_t i = 1; i < OB_EV_NKNOWN + s->ncustom; i++) {
		struct ob_type_signal *t;
		int type;
		int64_t n = ob_summary_nth(s, i, &type);
		const char *name;
		if (!n)
			continue;
		name = type_name(ctx, type);
		t = &out->items[out->n++];
		t->type = type;
		t->type_name = name ? name : "";
		t->n = n;
		ob_summary_details(s, t);
	}
}

void ob_summary_details(const struct ob_summary *s, struct ob_type_signal *t)
{
	if (t->type == OB_EV_LOGIN)
		set_span(t, &s->login);
	else if (t->type == OB_EV_RESPONSE)
		set_span(t, &s->response);
	else if (t->type == OB_EV_NPS && (s->has_nps || s->has_nps_day))
		ob_latest_nps(s->has_nps, s->nps_at, s->nps_value,
			      s->has_nps_day, s->nps_day, s->nps_day_value, t);
	else if (t->type == OB_EV_FEATURE_USED)
		t->distinct_values = s->features;
}

void ob_latest_nps(bool has_at, int64_t at, const char *at_value,
		   bool has_day, ob_day day, const char *day_value,
		   struct ob_type_signal *t)
{
	/* A date stands for some time that day: after that day's times. */
	bool by_day = has_day && (!has_at || day >= ob_time_local_day(at, false));
	snprintf(t->latest_value, sizeof(t->latest_value), "%s",
		 by_day ? day_value : at_value);
	t->latest_at = by_day ? (int64_t)day * OB_DAY_US : at;
}

bool ob_ticket_open(int64_t at, bool bare, bool has_resolved_at,
		    int64_t resolved_at, bool has_resolved_day,
		    ob_day resolved_day)
{
	ob_day day = bare ? (ob_day)(at / OB_DAY_US) : ob_time_local_day(at, false);
	/* A resolution at the same instant or later closes it. */
	if (has_resolved_at &&
	    (bare ? ob_time_local_day(resolved_at, false) > day
		  : resolved_at >= at))
		return false;
	/* One given as a date closes what was opened that day or before. */
	return !(has_resolved_day && resolved_day >= day);
}

void ob_summary_release(struct ob_summary *s)
{
	free(s->custom);
	memset(s, 0, sizeof(*s));
}
