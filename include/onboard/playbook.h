/*
 * playbook: the YAML playbook of SPEC.md section 2 turned into a validated,
 * typed struct. The only module that knows libyaml. Parsing collects every
 * problem it finds as a diagnostic with its line and column.
 */
#ifndef ONBOARD_PLAYBOOK_H
#define ONBOARD_PLAYBOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onboard/date.h"
#include "onboard/mail.h"
#include "onboard/metric.h"

#define OB_PLAYBOOK_MAX_BYTES (1024 * 1024)
#define OB_PLAYBOOK_MAX_DEPTH 64
#define OB_PLAYBOOK_MAX_NODES 100000 /* after alias expansion */
#define OB_PLAYBOOK_MAX_TIERS 64     /* tier sets are 64-bit masks */
#define OB_PLAYBOOK_MAX_DAY 3660     /* ten years of onboarding */
#define OB_PLAYBOOK_MAX_TEXT (4 * 1024 * 1024) /* after alias expansion */
#define OB_PLAYBOOK_MAX_DIAGS 100

enum ob_status { OB_GREEN, OB_YELLOW, OB_RED, OB_NSTATUS };

enum ob_channel { OB_EMAIL, OB_CALL, OB_IN_APP, OB_MEETING, OB_NCHANNEL };

const char *ob_status_name(enum ob_status s);
const char *ob_channel_name(enum ob_channel c);
/* -1 when the name is not a status / channel. */
int ob_status_parse(const char *s);
int ob_channel_parse(const char *s);

enum ob_cmp_op { OB_LT, OB_LE, OB_EQ, OB_NE, OB_GE, OB_GT };

/* One `METRIC OP NUMBER` comparison. */
struct ob_comparison {
	struct ob_metric_ref metric;
	enum ob_cmp_op op;
	double number;
	char *text; /* as written, for `playbook show` */
};

/* A health or escalation rule: every comparison must hold, within days. */
struct ob_rule {
	struct ob_comparison *when;
	size_t nwhen;
	int from_day;  /* -1: no bound */
	int until_day; /* -1: no bound */
	char *reason;
};

struct ob_rules {
	struct ob_rule *items;
	size_t n;
};

struct ob_dimension {
	char *name;
	struct ob_rules red, yellow;
};

struct ob_tier {
	char *id;
	char *title;
	int length_days;
};

typedef uint64_t ob_tier_set; /* bit i: tiers[i] */

/* A check-in's `when:`: who it applies to and on what it depends. */
struct ob_checkin_condition {
	bool present;
	ob_tier_set tiers;   /* the condition binds these tiers only */
	unsigned statuses;   /* bit per enum ob_status; 0: any */
	int milestone_done;  /* milestone index, -1: none */
	int milestone_not_done;
};

struct ob_checkin {
	char *id;
	char *title;
	int opens, closes; /* day offsets from kickoff */
	ob_tier_set tiers;
	ob_tier_set automated;
	bool channel_by_status;
	enum ob_channel channel[OB_NSTATUS]; /* all equal when fixed */
	char **goals;
	size_t ngoals;
	char *template; /* NULL when the playbook gives none */
	struct ob_checkin_condition when;
};

struct ob_milestone {
	char *id;
	char *title;
	int due_day;
	char *done_on; /* event type, NULL: only a `milestone` event */
	bool first_value;
	ob_tier_set tiers;
};

struct ob_follow_up {
	bool present;
	int from_day;
	int until_day; /* -1: the tier's length_days */
	int every_days[OB_NSTATUS];
	bool daily_while_open_tickets;
	/*
	 * The rolling check-in itself, id "follow-up": its channel (by
	 * default email when green, else call) and automated tiers (none
	 * by default) come from optional keys of the same names.
	 */
	struct ob_checkin checkin;
};

/* Who automated e-mail comes from, and where replies go (SPEC section 7). */
struct ob_delivery {
	struct ob_mailbox from; /* from.addr NULL: none, `send` refuses */
	bool reply_to_csm;	/* replies to the account's CSM (default) */
	struct ob_mailbox reply_to; /* else to this address */
};

struct ob_playbook {
	char *name;
	char *description;
	struct ob_calendar calendar; /* holidays point into `holidays` */
	/*
	 * Business-day window dates already worked out, by kickoff and
	 * offset: every account of a kickoff day has the same ones. NULL
	 * for calendar days, which cost an addition.
	 */
	struct ob_window_memo *window_memo;
	ob_day *holidays;
	size_t nholidays;
	struct ob_tier *tiers;
	size_t ntiers;
	struct ob_checkin *checkins;
	size_t ncheckins;
	struct ob_milestone *milestones;
	size_t nmilestones;
	struct ob_follow_up follow_up;
	struct ob_dimension *dimensions;
	size_t ndimensions;
	struct ob_rules escalate;
	struct ob_delivery delivery;
	uint64_t named_metrics; /* bit per enum ob_metric its rules name */
	/*
	 * What its statuses and schedules read of an account's events:
	 * the types its rules' metrics and its milestones are made from;
	 * logins_7d is the least count from which on its rules hold alike
	 * for every count (0: no rule tells two counts apart).
	 */
	struct ob_needs needs;
};

/* One problem found in a playbook file; line and column are 1-based. */
struct ob_diag {
	int line, column;
	char *message;
};

struct ob_diags {
	struct ob_diag *items;
	size_t n, cap;
	size_t dropped; /* past OB_PLAYBOOK_MAX_DIAGS */
};

void ob_diags_release(struct ob_diags *d);

/*
 * Parses and validates the playbook in src[0..len). On success fills *pb
 * (release it with ob_playbook_release) and returns 0. Otherwise returns -1
 * with at least one diagnostic in *diags, sorted by position, and leaves
 * *pb empty.
 */
int ob_playbook_parse(const char *src, size_t len, struct ob_playbook *pb,
		      struct ob_diags *diags);
void ob_playbook_release(struct ob_playbook *pb);

/* Index of the tier / check-in / milestone with that id, or -1. */
int ob_playbook_tier(const struct ob_playbook *pb, const char *id);
int ob_playbook_checkin(const struct ob_playbook *pb, const char *id);
int ob_playbook_milestone(const struct ob_playbook *pb, const char *id);

/* "high, mid, low": the tier ids, for messages. */
struct ob_buf;
void ob_playbook_tier_names(const struct ob_playbook *pb, struct ob_buf *b);

/* The calendar day (offset from kickoff) a window offset falls on. */
bool ob_playbook_window_date(const struct ob_playbook *pb, ob_day kickoff,
			     int offset, ob_day *out);

/*
 * A check-in's channel rule in words: "email", or when it follows the
 * status "green:email yellow:call red:call" (compact: "email/call/call").
 */
struct ob_buf;
void ob_checkin_channel_text(const struct ob_checkin *c, bool compact,
			     struct ob_buf *b);

/* A check-in's window as the playbook writes it: "1-2", or "14". */
void ob_checkin_window_text(const struct ob_checkin *c, struct ob_buf *b);

/* Whether a health or escalation rule of the playbook uses the metric. */
bool ob_playbook_names_metric(const struct ob_playbook *pb, enum ob_metric m);

/* Whether the comparison holds for a value (has_value false: no value). */
bool ob_comparison_holds(const struct ob_comparison *c, bool has_value,
			 double value);

#endif
