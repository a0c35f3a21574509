/*
 * summary: what an account's events add up to, one record per account
 * (the `signal` table): events per type, the first and last login, the
 * last response, the latest NPS, distinct features, the latest event.
 * Writers fold events in as they store them; when every event of an
 * account is on or before the day asked, its metrics come from this one
 * record instead of its history. No SQL here: store.c reads and writes
 * the records.
 */
#ifndef ONBOARD_SUMMARY_H
#define ONBOARD_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onboard/date.h"
#include "onboard/event.h"
#include "onboard/util.h"

/*
 * An account's events of one type as of a day, summed up: what the
 * metrics are computed from. Instants and bare days are kept apart so the
 * caller can turn them into local dates. Which fields are filled depends
 * on the type: first and last for logins, last for responses, latest for
 * NPS, distinct values for features; n always.
 */
struct ob_type_signal {
	int type;
	const char *type_name; /* static, or the store's: valid while it is open */
	int64_t n;
	bool has_at, has_day;
	int64_t first_at, last_at;  /* events with a time */
	ob_day first_day, last_day; /* events given as a bare date */
	int64_t latest_at;
	char latest_value[4]; /* nps only: the latest score (ties: greatest) */
	int64_t distinct_values;
};

struct ob_signal_set {
	struct ob_type_signal *items;
	size_t n;
	bool from_summary; /* from the summary, not computed from events */
};

void ob_signal_set_release(struct ob_signal_set *set);

/* Events of a custom type. */
struct ob_summary_count {
	int type;
	int64_t n;
};

/* First and last of a kind of event, instants and bare days apart. */
struct ob_span {
	bool has_at, has_day;
	int64_t first_at, last_at;
	ob_day first_day, last_day;
};

/*
 * Compact: an import holds one for every account it touches until
 * commit, so that each account's row is written once.
 */
struct ob_summary {
	int64_t account;
	struct ob_span any;      /* every event: its last is the latest */
	struct ob_span login;
	struct ob_span response;
	/*
	 * The latest NPS with a time and the latest given as a date only:
	 * which is later depends on the reader's time zone (SPEC section 1),
	 * so both are kept and the reader picks (ob_summary_details).
	 */
	int64_t nps_at;
	bool has_nps, has_nps_day;
	char nps_value[3];       /* "0" .. "10" */
	char nps_day_value[3];
	ob_day nps_day;
	uint32_t features;       /* distinct feature_used values (stored
				  * ones; the store counts them) */
	uint32_t known[OB_EV_NKNOWN]; /* events per known type */
	struct ob_summary_count *custom; /* by type */
	uint32_t ncustom, custom_cap;
};

/*
 * The counts by type, in type order (known types, then the custom ones,
 * kept sorted): the i-th's count (0 for a known type without events) and
 * type, for 1 <= i < OB_EV_NKNOWN + s->ncustom.
 */
static inline int64_t ob_summary_nth(const struct ob_summary *s, size_t i,
				     int *type)
{
	if (i < OB_EV_NKNOWN) {
		*type = (int)i;
		return s->known[i];
	}
	*type = s->custom[i - OB_EV_NKNOWN].type;
	return s->custom[i - OB_EV_NKNOWN].n;
}

/*
 * Folds in one event. Not the features: whether a value is new is the
 * store's to count (from signal_value), as is merging them.
 */
void ob_summary_add(struct ob_summary *s, int type, int64_t at, bool bare,
		    const char *value);
/* Folds another summary of the same account into s. */
void ob_summary_merge(struct ob_summary *s, const struct ob_summary *from);
/* Counts as text, "1:12,2:3" (type:count by type), and back. */
void ob_summary_counts_text(const struct ob_summary *s, struct ob_buf *b);
bool ob_summary_counts_parse(struct ob_summary *s, const char *text);
/* Whether every event summed up is on or before the day (cut_at: the
 * first instant of the next local day). */
bool ob_summary_current(const struct ob_summary *s, ob_day day,
			int64_t cut_at);
/*
 * The per-type signals the summary stands for; type_name gives a type's
 * name (the caller's copy is taken).
 */
void ob_summary_signals(const struct ob_summary *s,
			const char *(*type_name)(void *ctx, int type),
			void *ctx, struct ob_signal_set *out);
/*
 * What the summary knows of t's type beyond its count: the first and
 * last login or response, the latest NPS, the distinct features.
 */
void ob_summary_details(const struct ob_summary *s, struct ob_type_signal *t);
/*
 * Sets t's latest NPS from the latest with a time and the latest given as
 * a date (either may be absent): in SPEC's order, by local date, and on
 * one date the one given as a date.
 */
void ob_latest_nps(bool has_at, int64_t at, const char *at_value,
		   bool has_day, ob_day day, const char *day_value,
		   struct ob_type_signal *t);
/*
 * Whether a ticket opened at (at, bare) is open, in the reader's zone,
 * given the latest resolution of it with a time and the latest given as
 * a date (SPEC section 1's order: by local date, a date after that day's
 * times).
 */
bool ob_ticket_open(int64_t at, bool bare, bool has_resolved_at,
		    int64_t resolved_at, bool has_resolved_day,
		    ob_day resolved_day);
void ob_summary_release(struct ob_summary *s);

#endif
