/*
 * The playbook parser: yaml_doc.c loads the document within its limits,
 * then a walk that knows the playbook's schema builds the struct and
 * records every problem rather than stopping at the first.
 */
#include "onboard/playbook.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "onboard/event.h"
#include "onboard/template.h"
#include "onboard/util.h"
#include "yaml_doc.h"

static const char *const status_names[OB_NSTATUS] = {"green", "yellow", "red"};
static const char *const channel_names[OB_NCHANNEL] = {"email", "call",
						       "in-app", "meeting"};

const char *ob_status_name(enum ob_status s)
{
	return s < OB_NSTATUS ? status_names[s] : "unknown";
}

const char *ob_channel_name(enum ob_channel c)
{
	return c < OB_NCHANNEL ? channel_names[c] : "unknown";
}

int ob_status_parse(const char *s)
{
	for (int i = 0; i < OB_NSTATUS; i++)
		if (strcmp(status_names[i], s) == 0)
			return i;
	return -1;
}

int ob_channel_parse(const char *s)
{
	for (int i = 0; i < OB_NCHANNEL; i++)
		if (strcmp(channel_names[i], s) == 0)
			return i;
	return -1;
}

void ob_diags_release(struct ob_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->items[i].message);
	free(d->items);
	d->items = NULL;
	d->n = d->cap = 0;
}

struct parser {
	struct ob_yaml y;
	struct ob_playbook *pb;
};

static ob_tier_set all_tiers(const struct ob_playbook *pb)
{
	return pb->ntiers >= 64 ? ~(ob_tier_set)0
				: (((ob_tier_set)1 << pb->ntiers) - 1);
}

void ob_playbook_tier_names(const struct ob_playbook *pb, struct ob_buf *b)
{
	for (size_t i = 0; i < pb->ntiers; i++)
		ob_buf_addf(b, "%s%s", i ? ", " : "", pb->tiers[i].id);
}

/* A list of tier ids, as a set. */
static bool get_tier_set(struct parser *p, yaml_node_t *n, const char *what,
			 ob_tier_set *out)
{
	ob_tier_set set = 0;
	bool ok = true;
	if (!yml_is_list(&p->y, n, what))
		return false;
	each_item(n, it)
	{
		yaml_node_t *item = yml_node_at(&p->y, *it);
		int t;
		if (!yml_is_scalar(item)) {
			yml_type_error(&p->y, item, what, "a tier id");
			ok = false;
			continue;
		}
		t = ob_playbook_tier(p->pb, yml_scalar(item));
		if (t < 0) {
			struct ob_buf b = {0};
			ob_playbook_tier_names(p->pb, &b);
			yml_diag(&p->y, item,
				 "%s: unknown tier '%s' (tiers: %s)", what,
				 yml_scalar(item), b.data ? b.data : "none");
			ob_buf_release(&b);
			ok = false;
			continue;
		}
		set |= (ob_tier_set)1 << t;
	}
	*out = set;
	return ok;
}

static const char *const top_keys[] = {
	"name",	     "description", "day_count", "holidays", "weekend",
	"tiers",     "checkins",    "milestones", "follow_up", "health",
	"escalate",  "delivery",    NULL};

static void parse_tiers(struct parser *p, yaml_node_t *n)
{
	static const char *const keys[] = {"title", "length_days", NULL};
	struct ob_playbook *pb = p->pb;
	if (n->type != YAML_MAPPING_NODE) {
		yml_type_error(&p->y, n, "tiers", "a mapping of tier ids");
		return;
	}
	yml_check_mapping(&p->y, n, "tiers", NULL);
	each_pair(n, pr)
	{
		yaml_node_t *key = yml_node_at(&p->y, pr->key);
		yaml_node_t *val = yml_node_at(&p->y, pr->value);
		struct ob_tier tier = {0};
		yaml_node_t *v;
		if (!yml_is_scalar(key))
			continue;
		if (!yml_valid_id(yml_scalar(key), false)) {
			yml_diag(&p->y, key,
				 "tiers: '%s' is not a valid tier id "
				 "(expected 1-64 of a-z, 0-9, '-')",
				 yml_scalar(key));
			continue;
		}
		if (ob_playbook_tier(pb, yml_scalar(key)) >= 0)
			continue; /* the duplicate is already reported */
		if (pb->ntiers == OB_PLAYBOOK_MAX_TIERS) {
			yml_diag(&p->y, key, "tiers: more than %d tiers",
				 OB_PLAYBOOK_MAX_TIERS);
			break;
		}
		tier.id = xstrdup(yml_scalar(key));
		tier.length_days = 30;
		if (!yml_is_null(val) &&
		    yml_check_mapping(&p->y, val, "tier", keys)) {
			if ((v = yml_get(&p->y, val, "title")))
				yml_get_text(&p->y, v, "title", &tier.title);
			if ((v = yml_get(&p->y, val, "length_days")))
				yml_get_int(&p->y, v, "length_days", 1,
					    OB_PLAYBOOK_MAX_DAY,
					    &tier.length_days);
		} else if (!yml_is_null(val)) {
			free(tier.id);
			continue;
		}
		if (!tier.title)
			tier.title = xstrdup(tier.id);
		pb->tiers = xrealloc(pb->tiers,
				     (pb->ntiers + 1) * sizeof(*pb->tiers));
		pb->tiers[pb->ntiers++] = tier;
	}
	if (pb->ntiers == 0 && n->data.mapping.pairs.top ==
				       n->data.mapping.pairs.start)
		yml_diag(&p->y, n, "tiers: at least one tier is needed");
}

static int cmp_day(const void *a, const void *b)
{
	ob_day x = *(const ob_day *)a, y = *(const ob_day *)b;
	return (x > y) - (x < y);
}

static void parse_holidays(struct parser *p, yaml_node_t *n)
{
	struct ob_playbook *pb = p->pb;
	size_t k = 0;
	if (!yml_is_list(&p->y, n, "holidays"))
		return;
	pb->holidays = xmalloc(((size_t)(n->data.sequence.items.top -
					 n->data.sequence.items.start) +
				1) *
			       sizeof(ob_day));
	each_item(n, it)
	{
		yaml_node_t *item = yml_node_at(&p->y, *it);
		ob_day d;
		if (!yml_is_scalar(item) ||
		    !ob_date_parse(yml_scalar(item), &d)) {
			yml_diag(&p->y, item,
				 "holidays: expected a date YYYY-MM-DD, "
				 "found %s%s%s",
				 yml_is_scalar(item) ? "'" : "",
				 yml_is_scalar(item) ? yml_scalar(item)
						     : yml_node_kind(item),
				 yml_is_scalar(item) ? "'" : "");
			continue;
		}
		pb->holidays[k++] = d;
	}
	qsort(pb->holidays, k, sizeof(ob_day), cmp_day);
	pb->nholidays = 0;
	for (size_t i = 0; i < k; i++)
		if (i == 0 || pb->holidays[i] != pb->holidays[i - 1])
			pb->holidays[pb->nholidays++] = pb->holidays[i];
}

static void parse_weekend(struct parser *p, yaml_node_t *n)
{
	static const char *const days[] = {"mon", "tue", "wed", "thu",
					   "fri", "sat", "sun"};
	static const char *const long_days[] = {
		"monday", "tuesday",  "wednesday", "thursday",
		"friday", "saturday", "sunday"};
	uint8_t mask = 0;
	if (!yml_is_list(&p->y, n, "weekend"))
		return;
	each_item(n, it)
	{
		yaml_node_t *item = yml_node_at(&p->y, *it);
		int found = -1;
		for (int d = 0; d < 7 && yml_is_scalar(item); d++)
			if (strcasecmp(yml_scalar(item), days[d]) == 0 ||
			    strcasecmp(yml_scalar(item), long_days[d]) == 0)
				found = d;
		if (found < 0) {
			yml_diag(&p->y, item,
				 "weekend: expected a day: mon, tue, wed, "
				 "thu, fri, sat or sun");
			continue;
		}
		mask |= (uint8_t)(1u << found);
	}
	if (mask == 0x7f) {
		yml_diag(&p->y, n,
			 "weekend: the weekend cannot be the whole week");
		return;
	}
	p->pb->calendar.weekend = mask;
}

/* "A-B" or "A": the window of a check-in, in day offsets. */
static bool parse_window(struct parser *p, yaml_node_t *n, int *opens,
			 int *closes)
{
	const char *s, *dash;
	char a[32], b[32];
	long long x, y;
	size_t alen;
	if (!yml_is_scalar(n)) {
		yml_type_error(&p->y, n, "days", "a window like 1-2 or 14");
		return false;
	}
	s = yml_scalar(n);
	while (*s == ' ')
		s++;
	if (!*s) {
		yml_diag(&p->y, n,
			 "days: empty window (expected a window like 1-2 "
			 "or 14)");
		return false;
	}
	dash = strchr(s, '-');
	alen = dash ? (size_t)(dash - s) : strlen(s);
	while (alen && s[alen - 1] == ' ')
		alen--;
	if (alen >= sizeof(a))
		goto bad;
	memcpy(a, s, alen);
	a[alen] = '\0';
	if (dash) {
		const char *t = dash + 1;
		size_t blen;
		while (*t == ' ')
			t++;
		blen = strlen(t);
		while (blen && t[blen - 1] == ' ')
			blen--;
		if (blen >= sizeof(b))
			goto bad;
		memcpy(b, t, blen);
		b[blen] = '\0';
	} else {
		strcpy(b, a);
	}
	if (!ob_parse_int(a, 0, LLONG_MAX, &x) ||
	    !ob_parse_int(b, 0, LLONG_MAX, &y))
		goto bad;
	if (x > OB_PLAYBOOK_MAX_DAY || y > OB_PLAYBOOK_MAX_DAY) {
		yml_diag(&p->y, n, "days: '%s' is past day %d", yml_scalar(n),
			 OB_PLAYBOOK_MAX_DAY);
		return false;
	}
	if (y < x) {
		yml_diag(&p->y, n,
			 "days: reversed window '%s': it closes before it "
			 "opens",
			 yml_scalar(n));
		return false;
	}
	*opens = (int)x;
	*closes = (int)y;
	return true;
bad:
	yml_diag(&p->y, n, "days: expected a window like 1-2 or 14, found '%s'",
		 yml_scalar(n));
	return false;
}

static bool parse_status_channels(struct parser *p, yaml_node_t *n,
				  struct ob_checkin *c)
{
	static const char *const keys[] = {"green", "yellow", "red", NULL};
	bool ok = true;
	if (!yml_check_mapping(&p->y, n, "channel", keys))
		return false;
	for (int s = 0; s < OB_NSTATUS; s++) {
		yaml_node_t *v =
		    yml_require(&p->y, n, "channel", status_names[s]);
		int ch;
		if (!v) {
			ok = false;
			continue;
		}
		if (!yml_is_scalar(v) ||
		    (ch = ob_channel_parse(yml_scalar(v))) < 0) {
			yml_diag(&p->y, v,
				 "channel: expected email, call, in-app or "
				 "meeting");
			ok = false;
			continue;
		}
		c->channel[s] = (enum ob_channel)ch;
	}
	c->channel_by_status = true;
	return ok;
}

static void parse_channel(struct parser *p, yaml_node_t *n,
			  struct ob_checkin *c)
{
	int ch;
	if (n->type == YAML_MAPPING_NODE) {
		parse_status_channels(p, n, c);
		return;
	}
	if (!yml_is_scalar(n) || (ch = ob_channel_parse(yml_scalar(n))) < 0) {
		yml_diag(&p->y, n,
			 "channel: expected email, call, in-app, meeting or "
			 "a mapping of green, yellow and red to one of them");
		return;
	}
	for (int s = 0; s < OB_NSTATUS; s++)
		c->channel[s] = (enum ob_channel)ch;
}

static int milestone_ref(struct parser *p, yaml_node_t *n, const char *what)
{
	int m;
	if (!yml_is_scalar(n)) {
		yml_type_error(&p->y, n, what, "a milestone id");
		return -1;
	}
	m = ob_playbook_milestone(p->pb, yml_scalar(n));
	if (m < 0)
		yml_diag(&p->y, n, "%s: unknown milestone '%s'", what,
			 yml_scalar(n));
	return m;
}

static void parse_condition(struct parser *p, yaml_node_t *n,
			    struct ob_checkin *c)
{
	static const char *const keys[] = {"tiers", "status", "milestone_done",
					   "milestone_not_done", NULL};
	struct ob_checkin_condition *w = &c->when;
	yaml_node_t *v;
	if (!yml_check_mapping(&p->y, n, "when", keys))
		return;
	w->present = true;
	w->tiers = c->tiers;
	w->milestone_done = w->milestone_not_done = -1;
	if ((v = yml_get(&p->y, n, "tiers")) &&
	    get_tier_set(p, v, "when.tiers", &w->tiers)) {
		if (w->tiers & ~c->tiers)
			yml_diag(&p->y, v,
				 "when.tiers: names a tier that does not "
				 "get this check-in");
	}
	if ((v = yml_get(&p->y, n, "status")) &&
	    yml_is_list(&p->y, v, "when.status")) {
		if (v->data.sequence.items.top == v->data.sequence.items.start)
			yml_diag(&p->y, v,
				 "when.status: an empty list never holds; "
				 "leave status out instead");
		each_item(v, it)
		{
			yaml_node_t *item = yml_node_at(&p->y, *it);
			int s = yml_is_scalar(item)
				    ? ob_status_parse(yml_scalar(item))
				    : -1;
			if (s < 0) {
				yml_diag(&p->y, item,
					 "when.status: expected green, "
					 "yellow or red");
				continue;
			}
			w->statuses |= 1u << s;
		}
	}
	if ((v = yml_get(&p->y, n, "milestone_done")))
		w->milestone_done = milestone_ref(p, v, "when.milestone_done");
	if ((v = yml_get(&p->y, n, "milestone_not_done")))
		w->milestone_not_done =
			milestone_ref(p, v, "when.milestone_not_done");
}

/*
 * Every {{placeholder}} in a template must be one the renderer knows. Each
 * is found in the source in turn, from where the last one was, so errors
 * point at their token and the text is searched once.
 */
static void check_template(struct parser *p, yaml_node_t *n, const char *text)
{
	size_t pos = 0, cursor = yml_offset(&p->y, n->start_mark);
	size_t end = yml_offset(&p->y, n->end_mark);
	struct ob_placeholder ph;
	int r, line, column;
	while ((r = ob_template_next(text, &pos, &ph)) != 0) {
		/* A cut placeholder is found by its "{{" and what follows. */
		size_t len = r < 0 ? strcspn(text + ph.offset, "\n") : ph.len;
		const char *token = text + ph.offset;
		bool known = r > 0 && ob_template_name_known(
					      text + ph.name_offset, ph.name_len);
		line = (int)n->start_mark.line + 1;
		column = (int)n->start_mark.column + 1;
		for (size_t i = cursor; i + len <= end; i++) {
			if (memcmp(p->y.src + i, token, len) == 0) {
				if (!known &&
				    p->y.diags->n < OB_PLAYBOOK_MAX_DIAGS)
					yml_position(&p->y, i, &line, &column);
				cursor = i + len;
				break;
			}
		}
		if (r < 0) {
			yml_diag_mark(
			    &p->y,
			    (yaml_mark_t){0, (size_t)line - 1,
					  (size_t)column - 1},
			    "template: '{{' without a closing '}}' on "
			    "the same line");
			return;
		}
		if (known)
			continue;
		yml_diag_mark(
		    &p->y,
		    (yaml_mark_t){0, (size_t)line - 1, (size_t)column - 1},
		    "template: unknown placeholder '%.*s' (known: "
		    "account.id, account.name, account.contact, "
		    "account.email, account.csm, account.tier, "
		    "checkin.id, checkin.title, checkin.opens, "
		    "checkin.closes, checkin.channel, day, status, "
		    "reasons, progress, metric.NAME)",
		    (int)ph.len, token);
	}
}

static void parse_checkin(struct parser *p, yaml_node_t *n, size_t index)
{
	static const char *const keys[] = {
		"id",	    "title",	"days",	    "tiers",    "channel",
		"automated", "goals",	"template", "when",	NULL};
	struct ob_playbook *pb = p->pb;
	struct ob_checkin *c = &pb->checkins[index];
	yaml_node_t *v;
	bool automated_ok = true;

	c->tiers = all_tiers(pb);
	c->when.milestone_done = c->when.milestone_not_done = -1;
	c->opens = c->closes = -1;
	if (!yml_check_mapping(&p->y, n, "check-in", keys))
		return;
	if ((v = yml_require(&p->y, n, "check-in", "id")) &&
	    yml_get_id(&p->y, v, "check-in id", true, &c->id)) {
		if (strcmp(c->id, "follow-up") == 0)
			yml_diag(&p->y, v,
				 "check-in id: 'follow-up' is reserved for "
				 "the adaptive follow-up");
		for (size_t i = 0; i < index; i++)
			if (pb->checkins[i].id &&
			    strcmp(pb->checkins[i].id, c->id) == 0)
				yml_diag(&p->y, v,
					 "check-in id: duplicate id '%s'",
					 c->id);
	}
	if ((v = yml_get(&p->y, n, "title")))
		yml_get_text(&p->y, v, "title", &c->title);
	if (!c->title && c->id)
		c->title = xstrdup(c->id);
	if ((v = yml_require(&p->y, n, "check-in", "days")))
		parse_window(p, v, &c->opens, &c->closes);
	if ((v = yml_get(&p->y, n, "tiers")) &&
	    get_tier_set(p, v, "tiers", &c->tiers) && c->tiers == 0)
		yml_diag(&p->y, v, "tiers: a check-in needs at least one tier");
	if ((v = yml_get(&p->y, n, "channel")))
		parse_channel(p, v, c);
	if ((v = yml_get(&p->y, n, "automated"))) {
		if (yml_is_scalar(v)) {
			bool all;
			if ((automated_ok =
				 yml_get_bool(&p->y, v, "automated", &all)))
				c->automated = all ? c->tiers : 0;
		} else if ((automated_ok = get_tier_set(p, v, "automated",
							&c->automated)) &&
			   (c->automated & ~c->tiers)) {
			yml_diag(&p->y, v,
				 "automated: names a tier that does not get "
				 "this check-in");
		}
	}
	(void)automated_ok;
	if ((v = yml_get(&p->y, n, "goals")) &&
	    yml_is_list(&p->y, v, "goals")) {
		c->goals = xcalloc((size_t)(v->data.sequence.items.top -
					    v->data.sequence.items.start) +
					   1,
				   sizeof(char *));
		each_item(v, it)
		{
			yaml_node_t *item = yml_node_at(&p->y, *it);
			if (yml_get_text(&p->y, item, "goals",
					 &c->goals[c->ngoals]))
				c->ngoals++;
		}
	}
	if ((v = yml_get(&p->y, n, "template")) &&
	    yml_get_text(&p->y, v, "template", &c->template))
		check_template(p, v, c->template);
	if ((v = yml_get(&p->y, n, "when")))
		parse_condition(p, v, c);
}

static void parse_checkins(struct parser *p, yaml_node_t *n)
{
	size_t count;
	if (!yml_is_list(&p->y, n, "checkins"))
		return;
	count = (size_t)(n->data.sequence.items.top -
			 n->data.sequence.items.start);
	p->pb->checkins = xcalloc(count + 1, sizeof(struct ob_checkin));
	p->pb->ncheckins = count;
	for (size_t i = 0; i < count; i++)
		parse_checkin(
		    p, yml_node_at(&p->y, n->data.sequence.items.start[i]), i);
}

static void parse_milestones(struct parser *p, yaml_node_t *n)
{
	static const char *const keys[] = {"id",	  "title", "due_day",
					   "done_on",	  "first_value",
					   "tiers",	  NULL};
	struct ob_playbook *pb = p->pb;
	size_t count;
	if (!yml_is_list(&p->y, n, "milestones"))
		return;
	count = (size_t)(n->data.sequence.items.top -
			 n->data.sequence.items.start);
	pb->milestones = xcalloc(count + 1, sizeof(struct ob_milestone));
	for (size_t i = 0; i < count; i++) {
		yaml_node_t *m =
		    yml_node_at(&p->y, n->data.sequence.items.start[i]);
		struct ob_milestone *ms = &pb->milestones[pb->nmilestones];
		yaml_node_t *v;
		ms->tiers = all_tiers(pb);
		if (!yml_check_mapping(&p->y, m, "milestone", keys))
			continue;
		if ((v = yml_require(&p->y, m, "milestone", "id")) &&
		    yml_get_id(&p->y, v, "milestone id", true, &ms->id) &&
		    ob_playbook_milestone(pb, ms->id) >= 0)
			yml_diag(&p->y, v, "milestone id: duplicate id '%s'",
				 ms->id);
		if ((v = yml_get(&p->y, m, "title")))
			yml_get_text(&p->y, v, "title", &ms->title);
		if (!ms->title && ms->id)
			ms->title = xstrdup(ms->id);
		if ((v = yml_require(&p->y, m, "milestone", "due_day")))
			yml_get_int(&p->y, v, "due_day", 0, OB_PLAYBOOK_MAX_DAY,
				    &ms->due_day);
		if ((v = yml_get(&p->y, m, "done_on"))) {
			if (!yml_is_scalar(v) ||
			    !ob_event_type_valid(yml_scalar(v)))
				yml_diag(&p->y, v,
					 "done_on: expected an event type "
					 "like login or feature_used");
			else
				ms->done_on = xstrdup(yml_scalar(v));
		}
		if ((v = yml_get(&p->y, m, "first_value")))
			yml_get_bool(&p->y, v, "first_value", &ms->first_value);
		if ((v = yml_get(&p->y, m, "tiers")))
			get_tier_set(p, v, "tiers", &ms->tiers);
		/* Counted even when broken, so later ids still resolve. */
		pb->nmilestones++;
	}
}

static void parse_status_ints(struct parser *p, yaml_node_t *n,
			      const char *what, int *out)
{
	static const char *const keys[] = {"green", "yellow", "red", NULL};
	if (yml_is_scalar(n)) {
		int v;
		if (yml_get_int(&p->y, n, what, 1, OB_PLAYBOOK_MAX_DAY, &v))
			for (int s = 0; s < OB_NSTATUS; s++)
				out[s] = v;
		return;
	}
	if (!yml_check_mapping(&p->y, n, what, keys))
		return;
	for (int s = 0; s < OB_NSTATUS; s++) {
		yaml_node_t *v = yml_require(&p->y, n, what, status_names[s]);
		if (v)
			yml_get_int(&p->y, v, what, 1, OB_PLAYBOOK_MAX_DAY,
				    &out[s]);
	}
}

static void parse_follow_up(struct parser *p, yaml_node_t *n)
{
	static const char *const keys[] = {
		"from_day",  "until_day", "every_days", "daily_while_open_tickets",
		"channel",   "automated", "template",   NULL};
	struct ob_follow_up *f = &p->pb->follow_up;
	struct ob_checkin *c = &f->checkin;
	yaml_node_t *v;
	if (!yml_check_mapping(&p->y, n, "follow_up", keys))
		return;
	f->present = true;
	f->until_day = -1;
	c->id = xstrdup("follow-up");
	c->title = xstrdup("Follow-up");
	c->tiers = all_tiers(p->pb);
	c->when.milestone_done = c->when.milestone_not_done = -1;
	c->channel_by_status = true;
	c->channel[OB_GREEN] = OB_EMAIL;
	c->channel[OB_YELLOW] = c->channel[OB_RED] = OB_CALL;
	if ((v = yml_get(&p->y, n, "channel"))) {
		c->channel_by_status = false;
		parse_channel(p, v, c);
	}
	if ((v = yml_get(&p->y, n, "automated"))) {
		bool all;
		if (yml_is_scalar(v)) {
			if (yml_get_bool(&p->y, v, "automated", &all))
				c->automated = all ? c->tiers : 0;
		} else {
			get_tier_set(p, v, "automated", &c->automated);
		}
	}
	if ((v = yml_get(&p->y, n, "template")) &&
	    yml_get_text(&p->y, v, "template", &c->template))
		check_template(p, v, c->template);
	for (int s = 0; s < OB_NSTATUS; s++)
		f->every_days[s] = 1;
	if ((v = yml_require(&p->y, n, "follow_up", "from_day")))
		yml_get_int(&p->y, v, "from_day", 0, OB_PLAYBOOK_MAX_DAY,
			    &f->from_day);
	if ((v = yml_get(&p->y, n, "until_day")) &&
	    yml_get_int(&p->y, v, "until_day", 0, OB_PLAYBOOK_MAX_DAY,
			&f->until_day) &&
	    f->until_day < f->from_day)
		yml_diag(&p->y, v, "until_day: %d is before from_day %d",
			 f->until_day, f->from_day);
	if ((v = yml_require(&p->y, n, "follow_up", "every_days")))
		parse_status_ints(p, v, "every_days", f->every_days);
	if ((v = yml_get(&p->y, n, "daily_while_open_tickets")))
		yml_get_bool(&p->y, v, "daily_while_open_tickets",
			     &f->daily_while_open_tickets);
}

static bool get_mailbox(struct parser *p, yaml_node_t *n, const char *what,
			struct ob_mailbox *out)
{
	const char *why;
	if (!yml_is_scalar(n)) {
		yml_type_error(&p->y, n, what, "an address");
		return false;
	}
	if ((why = ob_mailbox_parse(yml_scalar(n), out))) {
		yml_diag(&p->y, n, "%s: bad address '%s': %s", what,
			 yml_scalar(n), why);
		return false;
	}
	return true;
}

static void parse_delivery(struct parser *p, yaml_node_t *n)
{
	static const char *const keys[] = {"from", "reply_to", NULL};
	struct ob_delivery *d = &p->pb->delivery;
	yaml_node_t *v;
	if (!yml_check_mapping(&p->y, n, "delivery", keys))
		return;
	if ((v = yml_get(&p->y, n, "from")))
		get_mailbox(p, v, "delivery.from", &d->from);
	if ((v = yml_get(&p->y, n, "reply_to")) &&
	    !(yml_is_scalar(v) && strcmp(yml_scalar(v), "csm") == 0) &&
	    get_mailbox(p, v, "delivery.reply_to", &d->reply_to))
		d->reply_to_csm = false;
}

static double parse_number(const char *s, const char **end)
{
	/* Locale-independent: [-]digits[.digits]. */
	double v = 0, scale = 1;
	bool neg = false, any = false;
	const char *q = s;
	if (*q == '-') {
		neg = true;
		q++;
	}
	for (; *q >= '0' && *q <= '9'; q++, any = true)
		v = v * 10 + (*q - '0');
	if (*q == '.' && q[1] >= '0' && q[1] <= '9') {
		for (q++; *q >= '0' && *q <= '9'; q++) {
			scale /= 10;
			v += (*q - '0') * scale;
		}
	}
	*end = any ? q : s;
	return neg ? -v : v;
}

static bool parse_comparison(struct parser *p, yaml_node_t *n,
			     struct ob_comparison *c)
{
	static const struct {
		const char *text;
		enum ob_cmp_op op;
	} ops[] = {{"<=", OB_LE}, {">=", OB_GE}, {"==", OB_EQ},
		   {"!=", OB_NE}, {"<", OB_LT},	 {">", OB_GT}};
	const char *s, *q, *end;
	char name[96];
	size_t len;
	bool found = false;

	if (!yml_is_scalar(n)) {
		yml_type_error(&p->y, n, "when",
			       "a comparison like 'logins < 3'");
		return false;
	}
	s = yml_scalar(n);
	for (q = s; *q == ' '; q++)
		;
	/* Take upper case too, to say "unknown metric" rather than "syntax". */
	for (len = 0; (q[len] >= 'a' && q[len] <= 'z') ||
		      (q[len] >= 'A' && q[len] <= 'Z') ||
		      (q[len] >= '0' && q[len] <= '9') || q[len] == '_' ||
		      q[len] == '.';
	     len++)
		;
	if (len == 0 || len >= sizeof(name))
		goto bad;
	memcpy(name, q, len);
	name[len] = '\0';
	for (q += len; *q == ' '; q++)
		;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t ol = strlen(ops[i].text);
		if (strncmp(q, ops[i].text, ol) == 0) {
			c->op = ops[i].op;
			q += ol;
			found = true;
			break;
		}
	}
	if (!found)
		goto bad;
	while (*q == ' ')
		q++;
	c->number = parse_number(q, &end);
	if (end == q)
		goto bad;
	while (*end == ' ')
		end++;
	if (*end)
		goto bad;
	if (!ob_metric_parse(name, &c->metric)) {
		struct ob_buf known = {0};
		for (int m = 0; m < OB_NMETRICS; m++)
			ob_buf_addf(&known, "%s, ",
				    ob_metric_name((enum ob_metric)m));
		yml_diag_token(
		    &p->y, n, name,
		    "when: unknown metric '%s' (known: %scount.TYPE for "
		    "a custom event type)",
		    name, known.data);
		ob_buf_release(&known);
		return false;
	}
	c->text = xstrdup(s);
	return true;
bad:
	yml_diag(&p->y, n,
		 "when: expected 'METRIC OP NUMBER' like 'logins < 3' "
		 "(OP one of < <= == != >= >), found '%s'",
		 s);
	return false;
}

static void parse_rule(struct parser *p, yaml_node_t *n, struct ob_rule *r,
		       const char *what)
{
	static const char *const keys[] = {"when", "from_day", "until_day",
					   "reason", NULL};
	yaml_node_t *v;
	r->from_day = r->until_day = -1;
	if (!yml_check_mapping(&p->y, n, what, keys))
		return;
	if ((v = yml_require(&p->y, n, what, "when"))) {
		if (v->type == YAML_SEQUENCE_NODE) {
			size_t count = (size_t)(v->data.sequence.items.top -
						v->data.sequence.items.start);
			r->when = xcalloc(count + 1, sizeof(*r->when));
			each_item(v, it)
			{
				if (parse_comparison(p, yml_node_at(&p->y, *it),
						     &r->when[r->nwhen]))
					r->nwhen++;
			}
			if (count == 0)
				yml_diag(&p->y, v,
					 "when: an empty list holds always; "
					 "give at least one comparison");
		} else {
			r->when = xcalloc(1, sizeof(*r->when));
			if (parse_comparison(p, v, &r->when[0]))
				r->nwhen = 1;
		}
	}
	if ((v = yml_get(&p->y, n, "from_day")))
		yml_get_int(&p->y, v, "from_day", 0, OB_PLAYBOOK_MAX_DAY,
			    &r->from_day);
	if ((v = yml_get(&p->y, n, "until_day")) &&
	    yml_get_int(&p->y, v, "until_day", 0, OB_PLAYBOOK_MAX_DAY,
			&r->until_day) &&
	    r->from_day >= 0 && r->until_day < r->from_day)
		yml_diag(&p->y, v, "until_day: %d is before from_day %d",
			 r->until_day, r->from_day);
	if ((v = yml_require(&p->y, n, what, "reason")))
		yml_get_text(&p->y, v, "reason", &r->reason);
}

static void parse_rules(struct parser *p, yaml_node_t *n, struct ob_rules *out,
			const char *what)
{
	size_t count;
	if (!yml_is_list(&p->y, n, what))
		return;
	count = (size_t)(n->data.sequence.items.top -
			 n->data.sequence.items.start);
	out->items = xcalloc(count + 1, sizeof(*out->items));
	out->n = count;
	for (size_t i = 0; i < count; i++)
		parse_rule(p,
			   yml_node_at(&p->y, n->data.sequence.items.start[i]),
			   &out->items[i], what);
}

static void parse_health(struct parser *p, yaml_node_t *n)
{
	static const char *const keys[] = {"red", "yellow", NULL};
	struct ob_playbook *pb = p->pb;
	if (!yml_check_mapping(&p->y, n, "health", NULL))
		return;
	pb->dimensions = xcalloc((size_t)(n->data.mapping.pairs.top -
					  n->data.mapping.pairs.start) +
					 1,
				 sizeof(*pb->dimensions));
	each_pair(n, pr)
	{
		yaml_node_t *key = yml_node_at(&p->y, pr->key);
		yaml_node_t *val = yml_node_at(&p->y, pr->value);
		struct ob_dimension *d = &pb->dimensions[pb->ndimensions];
		yaml_node_t *v;
		bool dup = false;
		if (!yml_is_scalar(key))
			continue;
		if (!yml_valid_id(yml_scalar(key), true)) {
			yml_diag(&p->y, key,
				 "health: '%s' is not a valid dimension "
				 "name (expected 1-64 of a-z, 0-9, '-', "
				 "'_')",
				 yml_scalar(key));
			continue;
		}
		for (size_t i = 0; i < pb->ndimensions; i++)
			dup |= strcmp(pb->dimensions[i].name,
				      yml_scalar(key)) == 0;
		if (dup)
			continue;
		d->name = xstrdup(yml_scalar(key));
		pb->ndimensions++;
		if (yml_is_null(val)) {
			yml_diag(&p->y, key,
				 "health: dimension '%s' has no rules",
				 d->name);
			continue;
		}
		if (!yml_check_mapping(&p->y, val, "dimension", keys))
			continue;
		if ((v = yml_get(&p->y, val, "red")))
			parse_rules(p, v, &d->red, "red rule");
		if ((v = yml_get(&p->y, val, "yellow")))
			parse_rules(p, v, &d->yellow, "yellow rule");
		if (!yml_get(&p->y, val, "red") &&
		    !yml_get(&p->y, val, "yellow"))
			yml_diag(&p->y, val,
				 "health: dimension '%s' needs red or "
				 "yellow rules",
				 d->name);
	}
}

static void parse_top(struct parser *p, yaml_node_t *root)
{
	struct ob_playbook *pb = p->pb;
	yaml_node_t *v;

	pb->calendar.weekend = OB_WEEKEND_DEFAULT;
	pb->delivery.reply_to_csm = true;
	if (!yml_check_mapping(&p->y, root, "playbook", top_keys))
		return;
	if ((v = yml_require(&p->y, root, "playbook", "name")))
		yml_get_id(&p->y, v, "name", false, &pb->name);
	if ((v = yml_get(&p->y, root, "description")))
		yml_get_text(&p->y, v, "description", &pb->description);
	if ((v = yml_get(&p->y, root, "day_count"))) {
		if (yml_is_scalar(v) && strcmp(yml_scalar(v), "business") == 0)
			pb->calendar.business = true;
		else if (!yml_is_scalar(v) ||
			 strcmp(yml_scalar(v), "calendar") != 0)
			yml_diag(&p->y, v,
				 "day_count: expected calendar or business");
	}
	if ((v = yml_get(&p->y, root, "holidays")))
		parse_holidays(p, v);
	if ((v = yml_get(&p->y, root, "weekend")))
		parse_weekend(p, v);
	/* Tiers and milestones first: check-ins and rules refer to them. */
	if ((v = yml_require(&p->y, root, "playbook", "tiers")))
		parse_tiers(p, v);
	if ((v = yml_get(&p->y, root, "milestones")))
		parse_milestones(p, v);
	if ((v = yml_require(&p->y, root, "playbook", "checkins")))
		parse_checkins(p, v);
	if ((v = yml_get(&p->y, root, "follow_up")))
		parse_follow_up(p, v);
	if ((v = yml_get(&p->y, root, "health")))
		parse_health(p, v);
	if ((v = yml_get(&p->y, root, "escalate")))
		parse_rules(p, v, &pb->escalate, "escalate rule");
	if ((v = yml_get(&p->y, root, "delivery")))
		parse_delivery(p, v);
	pb->calendar.holidays = pb->holidays;
	pb->calendar.nholidays = pb->nholidays;
}

static uint64_t named_metrics(const struct ob_playbook *pb);
static struct ob_needs needs(const struct ob_playbook *pb);

struct ob_window_memo {
	ob_day kickoff, date;
	int offset;
	bool set, ok;
};
#define WINDOW_MEMO 2048

int ob_playbook_parse(const char *src, size_t len, struct ob_playbook *pb,
		      struct ob_diags *diags)
{
	struct parser p = {.pb = pb};
	yaml_node_t *root;

	memset(pb, 0, sizeof(*pb));
	root = yml_load(&p.y, src, len, diags, "playbook",
			"empty playbook: expected a mapping with 'name', "
			"'tiers' and 'checkins'");
	if (root)
		parse_top(&p, root);
	if (yml_finish(&p.y) < 0) {
		ob_playbook_release(pb);
		return -1;
	}
	if (pb->calendar.business)
		pb->window_memo = xcalloc(WINDOW_MEMO, sizeof(*pb->window_memo));
	pb->named_metrics = named_metrics(pb);
	pb->needs = needs(pb);
	return 0;
}

static void release_rules(struct ob_rules *rules)
{
	for (size_t i = 0; i < rules->n; i++) {
		struct ob_rule *r = &rules->items[i];
		for (size_t j = 0; j < r->nwhen; j++) {
			free(r->when[j].metric.type);
			free(r->when[j].text);
		}
		free(r->when);
		free(r->reason);
	}
	free(rules->items);
}

void ob_playbook_release(struct ob_playbook *pb)
{
	free(pb->window_memo);
	free(pb->name);
	free(pb->description);
	free(pb->holidays);
	for (size_t i = 0; i < pb->ntiers; i++) {
		free(pb->tiers[i].id);
		free(pb->tiers[i].title);
	}
	free(pb->tiers);
	for (size_t i = 0; i < pb->ncheckins; i++) {
		struct ob_checkin *c = &pb->checkins[i];
		free(c->id);
		free(c->title);
		for (size_t g = 0; g < c->ngoals; g++)
			free(c->goals[g]);
		free(c->goals);
		free(c->template);
	}
	free(pb->checkins);
	free(pb->follow_up.checkin.id);
	free(pb->follow_up.checkin.title);
	free(pb->follow_up.checkin.template);
	for (size_t i = 0; i < pb->nmilestones; i++) {
		free(pb->milestones[i].id);
		free(pb->milestones[i].title);
		free(pb->milestones[i].done_on);
	}
	free(pb->milestones);
	for (size_t i = 0; i < pb->ndimensions; i++) {
		free(pb->dimensions[i].name);
		release_rules(&pb->dimensions[i].red);
		release_rules(&pb->dimensions[i].yellow);
	}
	free(pb->dimensions);
	release_rules(&pb->escalate);
	ob_mailbox_release(&pb->delivery.from);
	ob_mailbox_release(&pb->delivery.reply_to);
	memset(pb, 0, sizeof(*pb));
}

static bool rules_name(const struct ob_rules *rules, enum ob_metric m)
{
	for (size_t i = 0; i < rules->n; i++)
		for (size_t j = 0; j < rules->items[i].nwhen; j++)
			if (rules->items[i].when[j].metric.id == m)
				return true;
	return false;
}

_Static_assert(OB_M_COUNT < 64, "a metric is a bit of named_metrics");

/* Asked for every account of a long list: worked out once, at parse. */
static uint64_t named_metrics(const struct ob_playbook *pb)
{
	uint64_t named = 0;
	for (int m = 0; m <= OB_M_COUNT; m++) {
		bool is = rules_name(&pb->escalate, (enum ob_metric)m);
		for (size_t d = 0; d < pb->ndimensions && !is; d++)
			is = rules_name(&pb->dimensions[d].red,
					(enum ob_metric)m) ||
			     rules_name(&pb->dimensions[d].yellow,
					(enum ob_metric)m);
		if (is)
			named |= (uint64_t)1 << m;
	}
	return named;
}

/*
 * The least count from which on every count compares with v as it does:
 * ceil(v) for < and >=, floor(v) + 1 for the others (casts are the floor
 * of numbers not below 0). The largest over the rules is their cap.
 */
static int64_t rules_logins_cap(const struct ob_rules *rules, int64_t cap)
{
	for (size_t i = 0; i < rules->n; i++)
		for (size_t j = 0; j < rules->items[i].nwhen; j++) {
			const struct ob_comparison *c = &rules->items[i].when[j];
			int64_t k = 0;
			if (c->metric.id != OB_M_LOGINS_7D || c->number < 0)
				continue;
			if (!(c->number < 1e15))
				return INT64_MAX;
			k = (int64_t)c->number;
			if ((c->op != OB_LT && c->op != OB_GE) ||
			    (double)k < c->number)
				k++;
			if (k > cap)
				cap = k;
		}
	return cap;
}

static uint32_t rules_types(const struct ob_rules *rules, uint32_t types)
{
	for (size_t i = 0; i < rules->n; i++)
		for (size_t j = 0; j < rules->items[i].nwhen; j++)
			types |= ob_metric_types(&rules->items[i].when[j].metric);
	return types;
}

/*
 * Beside its rules' metrics: the report's first login, the follow-up's
 * open tickets, and milestones for progress and the report's first value
 * (a milestone done_on a type is done by its first event).
 */
static struct ob_needs needs(const struct ob_playbook *pb)
{
	struct ob_needs n = {rules_types(&pb->escalate,
					 (uint32_t)1 << OB_EV_LOGIN),
			     rules_logins_cap(&pb->escalate, 0)};
	for (size_t d = 0; d < pb->ndimensions; d++) {
		const struct ob_dimension *dim = &pb->dimensions[d];
		n.types = rules_types(&dim->yellow,
				      rules_types(&dim->red, n.types));
		n.logins_7d = rules_logins_cap(
			&dim->yellow, rules_logins_cap(&dim->red, n.logins_7d));
	}
	if (pb->follow_up.daily_while_open_tickets)
		n.types |= (uint32_t)1 << OB_EV_TICKET_OPENED;
	for (size_t m = 0; m < pb->nmilestones; m++) {
		struct ob_metric_ref ref = {OB_M_COUNT, pb->milestones[m].done_on};
		n.types |= (uint32_t)1 << OB_EV_MILESTONE;
		if (ref.type)
			n.types |= ob_metric_types(&ref);
	}
	return n;
}

bool ob_playbook_names_metric(const struct ob_playbook *pb, enum ob_metric m)
{
	return (pb->named_metrics >> m) & 1;
}

int ob_playbook_tier(const struct ob_playbook *pb, const char *id)
{
	for (size_t i = 0; i < pb->ntiers; i++)
		if (strcmp(pb->tiers[i].id, id) == 0)
			return (int)i;
	return -1;
}

int ob_playbook_checkin(const struct ob_playbook *pb, const char *id)
{
	for (size_t i = 0; i < pb->ncheckins; i++)
		if (pb->checkins[i].id && strcmp(pb->checkins[i].id, id) == 0)
			return (int)i;
	return -1;
}

int ob_playbook_milestone(const struct ob_playbook *pb, const char *id)
{
	for (size_t i = 0; i < pb->nmilestones; i++)
		if (pb->milestones[i].id &&
		    strcmp(pb->milestones[i].id, id) == 0)
			return (int)i;
	return -1;
}

bool ob_playbook_window_date(const struct ob_playbook *pb, ob_day kickoff,
			     int offset, ob_day *out)
{
	struct ob_window_memo *m;
	if (!pb->window_memo)
		return ob_calendar_add(&pb->calendar, kickoff, offset, out);
	m = &pb->window_memo[((uint32_t)kickoff * 31u + (uint32_t)offset) %
			     WINDOW_MEMO];
	if (!m->set || m->kickoff != kickoff || m->offset != offset) {
		m->ok = ob_calendar_add(&pb->calendar, kickoff, offset,
					&m->date);
		m->kickoff = kickoff;
		m->offset = offset;
		m->set = true;
	}
	if (m->ok)
		*out = m->date;
	return m->ok;
}

bool ob_comparison_holds(const struct ob_comparison *c, bool has_value,
			 double value)
{
	if (!has_value)
		return false;
	switch (c->op) {
	case OB_LT:
		return value < c->number;
	case OB_LE:
		return value <= c->number;
	case OB_EQ:
		return value == c->number;
	case OB_NE:
		return value != c->number;
	case OB_GE:
		return value >= c->number;
	case OB_GT:
		return value > c->number;
	}
	return false;
}

void ob_checkin_channel_text(const struct ob_checkin *c, bool compact,
			     struct ob_buf *b)
{
	if (!c->channel_by_status) {
		ob_buf_adds(b, ob_channel_name(c->channel[OB_GREEN]));
		return;
	}
	for (int s = 0; s < OB_NSTATUS; s++) {
		if (compact)
			ob_buf_addf(b, "%s%s", s ? "/" : "",
				    ob_channel_name(c->channel[s]));
		else
			ob_buf_addf(b, "%s%s:%s", s ? " " : "",
				    ob_status_name((enum ob_status)s),
				    ob_channel_name(c->channel[s]));
	}
}


void ob_checkin_window_text(const struct ob_checkin *c, struct ob_buf *b)
{
	if (c->opens == c->closes)
		ob_buf_addf(b, "%d", c->opens);
	else
		ob_buf_addf(b, "%d-%d", c->opens, c->closes);
}
