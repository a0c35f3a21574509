/* onboard report: the weekly status report, in md, csv, json or html. */
#include <stdlib.h>
#include <string.h>

#include "onboard/cli.h"
#include "onboard/health.h"
#include "onboard/html.h"
#include "onboard/event.h"
#include "onboard/report.h"

enum report_format { R_MD, R_CSV, R_JSON, R_HTML };

/* The week before: what each account was, by rowid (open addressing). */
struct prev_map {
	int64_t *keys;
	struct ob_report_prev *values;
	size_t cap;
};

static struct ob_report_prev *prev_slot(struct prev_map *m, int64_t rowid,
					bool add)
{
	size_t i;
	if (!m->cap) {
		if (!add)
			return NULL;
		m->cap = 1 << 10;
		m->keys = xcalloc(m->cap, sizeof(*m->keys));
		m->values = xcalloc(m->cap, sizeof(*m->values));
	}
	i = ob_hash(&rowid, sizeof(rowid), 0) & (m->cap - 1);
	while (m->keys[i] && m->keys[i] != rowid)
		i = (i + 1) & (m->cap - 1);
	if (m->keys[i] || !add)
		return m->keys[i] ? &m->values[i] : NULL;
	m->keys[i] = rowid;
	return &m->values[i];
}

static void prev_grow(struct prev_map *m, size_t n)
{
	struct prev_map bigger;
	if (2 * (n + 1) <= m->cap)
		return;
	bigger.cap = m->cap ? m->cap * 2 : 1 << 10;
	bigger.keys = xcalloc(bigger.cap, sizeof(*bigger.keys));
	bigger.values = xcalloc(bigger.cap, sizeof(*bigger.values));
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i])
			*prev_slot(&bigger, m->keys[i], true) = m->values[i];
	free(m->keys);
	free(m->values);
	*m = bigger;
}

struct build {
	struct ob_store *st;
	struct ob_report r;
	struct prev_map prev;
	size_t nprev;
	struct ob_err err;
};

static int keep_prev(void *ctx, const struct ob_account *a,
		     const struct ob_playbook *pb,
		     const struct ob_assessment *as)
{
	struct build *b = ctx;
	if (a->kickoff > b->r.monday - 1)
		return 0;
	prev_grow(&b->prev, b->nprev++);
	ob_report_prev_of(pb, as, prev_slot(&b->prev, a->rowid, true));
	return 0;
}

/* The day the account's first-value milestone was done, or -1. */
static int first_value_day(struct build *b, const struct ob_account *a,
			   const struct ob_playbook *pb,
			   const struct ob_assessment *as, ob_day *out)
{
	*out = -1;
	for (size_t m = 0; m < pb->nmilestones; m++) {
		const struct ob_milestone *ms = &pb->milestones[m];
		ob_day day;
		int type, r;
		if (!ms->first_value || !as->signals.milestone_done[m] ||
		    !(ms->tiers & ((ob_tier_set)1 << as->tier)))
			continue;
		/* Its own event's day came with the account's data. */
		day = as->signals.milestone_day[m];
		if (as->signals.milestone_seen[m] && (*out < 0 || day < *out))
			*out = day;
		if (!ms->done_on)
			continue;
		r = ob_store_event_type(b->st, ms->done_on, false, &type,
					&b->err);
		if (r < 0)
			return -1;
		if (r == 0 && (r = ob_store_first_event_day(
				       b->st, a->rowid, type, NULL, b->r.as_of,
				       &day, &b->err)) < 0)
			return -1;
		if (r == 0 && (*out < 0 || day < *out))
			*out = day;
	}
	return 0;
}

static int add_account(void *ctx, const struct ob_account *a,
		       const struct ob_playbook *pb,
		       const struct ob_assessment *as)
{
	struct build *b = ctx;
	ob_day fv;
	if (a->kickoff > b->r.as_of)
		return 0; /* not begun: not in this week's report */
	if (first_value_day(b, a, pb, as, &fv) < 0)
		return -1;
	ob_report_add(&b->r, a, pb, as, prev_slot(&b->prev, a->rowid, false),
		      fv);
	return 0;
}

/* --- rendering ---------------------------------------------------------- */

static void date_of(ob_day d, char *out)
{
	ob_date_format(d, out);
}

static void rate_text(struct ob_buf *b, int on_time, int scheduled)
{
	double rate;
	if (ob_report_rate(on_time, scheduled, &rate))
		ob_buf_addf(b, "%.0f%%", rate * 100);
	else
		ob_buf_adds(b, "-");
}

static void rate_or_null(struct ob_buf *b, int on_time, int scheduled)
{
	double rate = 0;
	bool has = ob_report_rate(on_time, scheduled, &rate);
	if (!has)
		ob_buf_adds(b, "null");
	else
		ob_buf_addf(b, "%.4g", rate);
}

static void number_or_null(struct ob_buf *b, bool has, double v)
{
	if (!has)
		ob_buf_adds(b, "null");
	else if (v == (double)(long long)v)
		ob_buf_addf(b, "%lld", (long long)v);
	else
		ob_buf_addf(b, "%.4g", v);
}

static void json_or_null(struct ob_buf *b, const char *s)
{
	if (s)
		ob_json_string(b, s);
	else
		ob_buf_adds(b, "null");
}

/* One entry of "red" or "escalations": the account and why. */
static void json_account_why(struct ob_buf *b,
			     const struct ob_report_account *a,
			     const char *const *why, size_t n, bool *first)
{
	ob_buf_adds(b, *first ? "{\"account\":" : ",{\"account\":");
	*first = false;
	ob_json_string(b, a->id);
	ob_buf_adds(b, ",\"name\":");
	ob_json_string(b, a->name);
	ob_buf_adds(b, ",\"csm\":");
	json_or_null(b, a->csm);
	ob_buf_adds(b, ",\"reasons\":");
	ob_cli_json_reasons(b, why, n);
	ob_buf_addc(b, '}');
}

static void render_json(const struct ob_report *r, struct ob_buf *b)
{
	char from[OB_DATE_LEN], to[OB_DATE_LEN], week[16];
	bool first = true;
	date_of(r->monday, from);
	date_of(r->sunday, to);
	snprintf(week, sizeof(week), "%04d-W%02d", r->year, r->week);
	ob_buf_adds(b, "{\"week\":");
	ob_json_string(b, week);
	ob_buf_adds(b, ",\"from\":");
	ob_json_string(b, from);
	ob_buf_adds(b, ",\"to\":");
	ob_json_string(b, to);
	ob_buf_addf(b, ",\"accounts\":{\"active\":%d,\"new\":%d,"
		       "\"completed\":%d}",
		    r->active, r->fresh, r->completed);
	ob_buf_addf(b, ",\"health\":{\"green\":%d,\"yellow\":%d,\"red\":%d,"
		       "\"previous\":{\"green\":%d,\"yellow\":%d,\"red\":%d}}",
		    r->health[OB_GREEN], r->health[OB_YELLOW], r->health[OB_RED],
		    r->previous[OB_GREEN], r->previous[OB_YELLOW],
		    r->previous[OB_RED]);
	ob_buf_addf(b, ",\"checkins\":{\"scheduled\":%d,\"done_on_time\":%d,"
		       "\"done_late\":%d,\"overdue\":%d,\"on_time_rate\":",
		    r->scheduled, r->on_time, r->late, r->overdue);
	rate_or_null(b, r->on_time, r->scheduled);
	ob_buf_addf(b, "},\"milestones\":{\"achieved\":%d,\"overdue\":%d}",
		    r->achieved, r->milestones_overdue);
	ob_buf_adds(b, ",\"kpis\":{\"median_first_login_day\":");
	number_or_null(b, r->has_first_login, r->median_first_login_day);
	ob_buf_adds(b, ",\"median_days_to_first_value\":");
	number_or_null(b, r->has_first_value, r->median_days_to_first_value);
	ob_buf_adds(b, ",\"completion_rate\":");
	number_or_null(b, r->has_completion, r->completion_rate);
	ob_buf_adds(b, "},\"by_csm\":[");
	for (size_t i = 0; i < r->ncsms; i++) {
		const struct ob_report_csm *c = &r->csms[i];
		ob_buf_adds(b, i ? ",{\"csm\":" : "{\"csm\":");
		json_or_null(b, c->csm);
		ob_buf_addf(b, ",\"accounts\":%d,\"green\":%d,\"yellow\":%d,"
			       "\"red\":%d,\"overdue\":%d,\"on_time_rate\":",
			    c->accounts, c->status[OB_GREEN],
			    c->status[OB_YELLOW], c->status[OB_RED], c->overdue);
		rate_or_null(b, c->on_time, c->scheduled);
		ob_buf_addc(b, '}');
	}
	ob_buf_adds(b, "],\"red\":[");
	for (size_t i = 0; i < r->naccounts; i++) {
		const struct ob_report_account *a = &r->accounts[i];
		if (a->in_progress && a->status == OB_RED)
			json_account_why(b, a, a->reasons, a->nreasons, &first);
	}
	ob_buf_adds(b, "],\"movements\":[");
	first = true;
	for (size_t i = 0; i < r->naccounts; i++) {
		const struct ob_report_account *a = &r->accounts[i];
		if (!a->in_progress || !a->was_in_progress ||
		    a->status == a->previous)
			continue;
		ob_buf_adds(b, first ? "{\"account\":" : ",{\"account\":");
		first = false;
		ob_json_string(b, a->id);
		ob_buf_addf(b, ",\"from\":\"%s\",\"to\":\"%s\"}",
			    ob_status_name(a->previous), ob_status_name(a->status));
	}
	ob_buf_adds(b, "],\"escalations\":[");
	first = true;
	for (size_t i = 0; i < r->naccounts; i++) {
		const struct ob_report_account *a = &r->accounts[i];
		if (a->in_progress && a->nescalations)
			json_account_why(b, a, a->escalations, a->nescalations,
					 &first);
	}
	ob_buf_adds(b, "]}\n");
}

static void render_csv(const struct ob_report *r, struct ob_buf *b)
{
	static const char header[] =
		"week,account,name,csm,tier,kickoff,day,in_progress,new,"
		"completed,status,previous_status,checkins_scheduled,"
		"checkins_done_on_time,checkins_done_late,checkins_overdue,"
		"milestones_achieved,milestones_overdue,first_login_day,"
		"days_to_first_value,reasons,escalate\n";
	char week[16], kickoff[OB_DATE_LEN];
	struct ob_buf reasons = {0};
	snprintf(week, sizeof(week), "%04d-W%02d", r->year, r->week);
	ob_buf_adds(b, header);
	for (size_t i = 0; i < r->naccounts; i++) {
		const struct ob_report_account *a = &r->accounts[i];
		date_of(a->kickoff, kickoff);
		ob_buf_reset(&reasons);
		ob_cli_text_reasons(&reasons, a->reasons, a->nreasons);
		ob_buf_addf(b, "%s,", week);
		ob_csv_field(b, a->id);
		ob_buf_addc(b, ',');
		ob_csv_field(b, a->name);
		ob_buf_addc(b, ',');
		ob_csv_field(b, a->csm ? a->csm : "");
		ob_buf_addc(b, ',');
		ob_csv_field(b, a->tier);
		ob_buf_addf(b, ",%s,%d,%s,%s,%s,%s,%s,%d,%d,%d,%d,%d,%d,",
			    kickoff, a->day, a->in_progress ? "true" : "false",
			    a->is_new ? "true" : "false",
			    a->completed ? "true" : "false",
			    ob_status_name(a->status),
			    a->was_in_progress ? ob_status_name(a->previous) : "",
			    a->scheduled, a->on_time, a->late, a->overdue,
			    a->achieved, a->milestones_overdue);
		if (a->has_first_login)
			ob_buf_addf(b, "%d", a->first_login_day);
		ob_buf_addc(b, ',');
		if (a->has_first_value)
			ob_buf_addf(b, "%d", a->days_to_first_value);
		ob_buf_addc(b, ',');
		ob_csv_field(b, reasons.data);
		ob_buf_addf(b, ",%s\n", a->nescalations ? "true" : "false");
	}
	ob_buf_release(&reasons);
}

/* Markdown: | and newlines would break a table cell. */
static void md_cell(struct ob_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			ob_buf_adds(b, "\\|");
		else if (*s == '\n' || *s == '\r')
			ob_buf_addc(b, ' ');
		else
			ob_buf_addc(b, *s);
	}
}

static void kpi_text(struct ob_buf *b, bool has, double v, const char *unit)
{
	if (has)
		ob_buf_addf(b, "%g%s", v, unit);
	else
		ob_buf_adds(b, "-");
}

/* How markdown and HTML write a list of accounts. */
struct markup {
	void (*text)(struct ob_buf *b, const char *s);
	const char *item, *end_item, *strong, *end_strong;
};

static const struct markup md = {md_cell, "- ", "\n", "**", "**"};
static const struct markup html = {ob_html_text, "<li>", "</li>", "<strong>",
				   "</strong>"};

/*
 * The red accounts with their name, CSM and reasons, or (escalations)
 * the accounts with open escalations and what they are; returns how
 * many were listed.
 */
static int account_list(struct ob_buf *b, const struct ob_report *r,
			const struct markup *m, bool escalations)
{
	int listed = 0;
	for (size_t i = 0; i < r->naccounts; i++) {
		const struct ob_report_account *a = &r->accounts[i];
		const char **items = escalations ? a->escalations : a->reasons;
		size_t n = escalations ? a->nescalations : a->nreasons;
		if (!a->in_progress ||
		    (escalations ? !a->nescalations : a->status != OB_RED))
			continue;
		listed++;
		ob_buf_adds(b, m->item);
		ob_buf_adds(b, m->strong);
		m->text(b, a->id);
		ob_buf_adds(b, m->end_strong);
		if (!escalations) {
			ob_buf_adds(b, " (");
			m->text(b, a->name);
			if (a->csm) {
				ob_buf_adds(b, ", ");
				m->text(b, a->csm);
			}
			ob_buf_addc(b, ')');
		}
		ob_buf_adds(b, ": ");
		for (size_t k = 0; k < n; k++) {
			ob_buf_adds(b, k ? "; " : "");
			m->text(b, items[k]);
		}
		ob_buf_adds(b, m->end_item);
	}
	return listed;
}

static void render_md(const struct ob_report *r, const char *csm,
		      struct ob_buf *b)
{
	char from[OB_DATE_LEN], to[OB_DATE_LEN], as_of[OB_DATE_LEN];
	int moved = 0;
	date_of(r->monday, from);
	date_of(r->sunday, to);
	date_of(r->as_of, as_of);
	ob_buf_addf(b, "# Onboarding report %04d-W%02d\n\n", r->year, r->week);
	ob_buf_addf(b, "%s to %s, as of %s", from, to, as_of);
	if (csm) {
		ob_buf_adds(b, ", CSM ");
		md_cell(b, csm);
	}
	ob_buf_adds(b, ".\n\n## Accounts\n\n");
	ob_buf_addf(b, "| active | new | completed |\n|---:|---:|---:|\n"
		       "| %d | %d | %d |\n\n",
		    r->active, r->fresh, r->completed);
	ob_buf_adds(b, "## Health\n\n| | green | yellow | red |\n"
		       "|---|---:|---:|---:|\n");
	ob_buf_addf(b, "| end of this week | %d | %d | %d |\n",
		    r->health[OB_GREEN], r->health[OB_YELLOW], r->health[OB_RED]);
	ob_buf_addf(b, "| end of last week | %d | %d | %d |\n\n",
		    r->previous[OB_GREEN], r->previous[OB_YELLOW],
		    r->previous[OB_RED]);
	for (size_t i = 0; i < r->naccounts; i++) {
		const struct ob_report_account *a = &r->accounts[i];
		if (!a->in_progress || !a->was_in_progress ||
		    a->status == a->previous)
			continue;
		if (!moved++)
			ob_buf_adds(b, "Moved this week:\n\n");
		ob_buf_adds(b, "- ");
		md_cell(b, a->id);
		ob_buf_addf(b, ": %s -> %s\n", ob_status_name(a->previous),
			    ob_status_name(a->status));
	}
	if (moved)
		ob_buf_addc(b, '\n');
	ob_buf_adds(b, "## Check-ins that closed this week\n\n"
		       "| scheduled | done on time | done late | overdue | "
		       "on time |\n|---:|---:|---:|---:|---:|\n");
	ob_buf_addf(b, "| %d | %d | %d | %d | ", r->scheduled, r->on_time,
		    r->late, r->overdue);
	rate_text(b, r->on_time, r->scheduled);
	ob_buf_adds(b, " |\n\n## Milestones\n\n");
	ob_buf_addf(b, "%d achieved this week, %d overdue.\n\n", r->achieved,
		    r->milestones_overdue);
	ob_buf_adds(b, "## KPIs\n\n- median day of first login: ");
	kpi_text(b, r->has_first_login, r->median_first_login_day, "");
	ob_buf_adds(b, "\n- median days to first value: ");
	kpi_text(b, r->has_first_value, r->median_days_to_first_value, "");
	ob_buf_adds(b, "\n- completion rate (onboardings over with every "
		       "milestone done): ");
	kpi_text(b, r->has_completion, r->completion_rate * 100, "%");
	ob_buf_adds(b, "\n\n## By CSM\n\n| CSM | accounts | green | yellow | "
		       "red | overdue | on time |\n"
		       "|---|---:|---:|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < r->ncsms; i++) {
		const struct ob_report_csm *c = &r->csms[i];
		ob_buf_adds(b, "| ");
		md_cell(b, c->csm ? c->csm : "(none)");
		ob_buf_addf(b, " | %d | %d | %d | %d | %d | ", c->accounts,
			    c->status[OB_GREEN], c->status[OB_YELLOW],
			    c->status[OB_RED], c->overdue);
		rate_text(b, c->on_time, c->scheduled);
		ob_buf_adds(b, " |\n");
	}
	ob_buf_adds(b, "\n## Red accounts\n\n");
	if (!account_list(b, r, &md, false))
		ob_buf_adds(b, "None.\n");
	ob_buf_adds(b, "\n## Open escalations\n\n");
	if (!account_list(b, r, &md, true))
		ob_buf_adds(b, "None.\n");
}

/* One horizontal bar split green / yellow / red, with its counts. */
static void svg_bar(struct ob_buf *b, int y, const char *label,
		    const int *counts, int max)
{
	const char *names[OB_NSTATUS];
	for (int s = 0; s < OB_NSTATUS; s++)
		names[s] = ob_status_name((enum ob_status)s);
	ob_svg_bar(b, y, label, counts, ob_html_status_color, names,
		   OB_NSTATUS, max);
}

static void render_html(const struct ob_report *r, const char *csm,
			struct ob_buf *b)
{
	int max, height;
	char title[64];
	snprintf(title, sizeof(title), "Onboarding report %04d-W%02d", r->year,
		 r->week);
	ob_html_begin(b, title);
	{
		char from[OB_DATE_LEN], to[OB_DATE_LEN], as_of[OB_DATE_LEN];
		date_of(r->monday, from);
		date_of(r->sunday, to);
		date_of(r->as_of, as_of);
		ob_buf_addf(b, "<h1>Onboarding report %04d-W%02d</h1>\n<p>%s to "
			       "%s, as of %s",
			    r->year, r->week, from, to, as_of);
		if (csm) {
			ob_buf_adds(b, ", CSM ");
			ob_html_text(b, csm);
		}
		ob_buf_adds(b, ".</p>\n");
	}
	ob_buf_addf(b, "<h2>Accounts</h2>\n<table><tr><th>active</th><th>new"
		       "</th><th>completed</th></tr><tr><td>%d</td><td>%d</td>"
		       "<td>%d</td></tr></table>\n",
		    r->active, r->fresh, r->completed);
	/* Week over week: both bars on one scale. */
	{
		int now = r->health[0] + r->health[1] + r->health[2];
		int then = r->previous[0] + r->previous[1] + r->previous[2];
		max = now > then ? now : then;
	}
	ob_buf_adds(b, "<h2>Health, week over week</h2>\n<svg xmlns=\"http://"
		       "www.w3.org/2000/svg\" width=\"620\" height=\"80\" "
		       "role=\"img\" aria-label=\"accounts by status at the end "
		       "of last week and of this week\">");
	svg_bar(b, 10, "end of last week", r->previous, max);
	svg_bar(b, 45, "end of this week", r->health, max);
	ob_buf_adds(b, "</svg>\n<table><tr><th></th><th>green</th><th>yellow"
		       "</th><th>red</th></tr>");
	ob_buf_addf(b, "<tr><td>end of this week</td><td>%d</td><td>%d</td>"
		       "<td>%d</td></tr><tr><td>end of last week</td><td>%d</td>"
		       "<td>%d</td><td>%d</td></tr></table>\n",
		    r->health[0], r->health[1], r->health[2], r->previous[0],
		    r->previous[1], r->previous[2]);
	ob_buf_adds(b, "<ul>");
	for (size_t i = 0; i < r->naccounts; i++) {
		const struct ob_report_account *a = &r->accounts[i];
		if (!a->in_progress || !a->was_in_progress ||
		    a->status == a->previous)
			continue;
		ob_buf_adds(b, "<li>");
		ob_html_text(b, a->id);
		ob_buf_addf(b, ": <span class=\"%s\">%s</span> &rarr; <span "
			       "class=\"%s\">%s</span></li>",
			    ob_status_name(a->previous),
			    ob_status_name(a->previous),
			    ob_status_name(a->status), ob_status_name(a->status));
	}
	ob_buf_adds(b, "</ul>\n");
	/* Per CSM. */
	max = 1;
	for (size_t i = 0; i < r->ncsms; i++)
		if (r->csms[i].accounts > max)
			max = r->csms[i].accounts;
	height = 20 + 35 * (int)r->ncsms;
	ob_buf_addf(b, "<h2>Status by CSM</h2>\n<svg xmlns=\"http://www.w3.org/"
		       "2000/svg\" width=\"620\" height=\"%d\" role=\"img\" "
		       "aria-label=\"accounts of each CSM by status\">",
		    height);
	for (size_t i = 0; i < r->ncsms; i++)
		svg_bar(b, 10 + 35 * (int)i,
			r->csms[i].csm ? r->csms[i].csm : "(none)",
			r->csms[i].status, max);
	ob_buf_adds(b, "</svg>\n<table><tr><th>CSM</th><th>accounts</th><th>"
		       "green</th><th>yellow</th><th>red</th><th>overdue</th>"
		       "<th>on time</th></tr>\n");
	for (size_t i = 0; i < r->ncsms; i++) {
		const struct ob_report_csm *c = &r->csms[i];
		struct ob_buf rate = {0};
		rate_text(&rate, c->on_time, c->scheduled);
		ob_buf_adds(b, "<tr><td>");
		ob_html_text(b, c->csm ? c->csm : "(none)");
		ob_buf_addf(b, "</td><td>%d</td><td>%d</td><td>%d</td><td>%d"
			       "</td><td>%d</td><td>%s</td></tr>\n",
			    c->accounts, c->status[0], c->status[1], c->status[2],
			    c->overdue, rate.data);
		ob_buf_release(&rate);
	}
	ob_buf_adds(b, "</table>\n<h2>Check-ins that closed this week</h2>\n");
	{
		struct ob_buf rate = {0};
		rate_text(&rate, r->on_time, r->scheduled);
		ob_buf_addf(b, "<table><tr><th>scheduled</th><th>done on time"
			       "</th><th>done late</th><th>overdue</th><th>on "
			       "time</th></tr><tr><td>%d</td><td>%d</td><td>%d"
			       "</td><td>%d</td><td>%s</td></tr></table>\n",
			    r->scheduled, r->on_time, r->late, r->overdue,
			    rate.data);
		ob_buf_release(&rate);
	}
	ob_buf_addf(b, "<h2>Milestones</h2>\n<p>%d achieved this week, %d "
		       "overdue.</p>\n<h2>KPIs</h2>\n<ul><li>median day of first "
		       "login: ",
		    r->achieved, r->milestones_overdue);
	kpi_text(b, r->has_first_login, r->median_first_login_day, "");
	ob_buf_adds(b, "</li><li>median days to first value: ");
	kpi_text(b, r->has_first_value, r->median_days_to_first_value, "");
	ob_buf_adds(b, "</li><li>completion rate: ");
	kpi_text(b, r->has_completion, r->completion_rate * 100, "%");
	ob_buf_adds(b, "</li></ul>\n<h2>Red accounts</h2>\n<ul>");
	account_list(b, r, &html, false);
	ob_buf_adds(b, "</ul>\n<h2>Open escalations</h2>\n<ul>");
	account_list(b, r, &html, true);
	ob_buf_adds(b, "</ul>\n");
	ob_html_end(b);
}

int ob_cmd_report(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"week", required_argument, NULL, 'w'},
		{"csm", required_argument, NULL, 'c'},
		{"output", required_argument, NULL, 'o'},
		{0},
	};
	struct ob_account_filter filter = {.status = OB_ACTIVE};
	struct ob_playbook_cache pc = {0};
	struct build b = {0};
	struct ob_buf text = {0};
	enum report_format format = R_MD;
	const char *week = NULL, *output = NULL;
	ob_day monday;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "o:", options, &code)) !=
	       -1) {
		if (c == OB_CLI_STOP)
			return code;
		if (c == 'w')
			week = optarg;
		else if (c == 'c')
			filter.csm = optarg;
		else
			output = optarg;
	}
	if (optind < argc)
		return ob_cli_usage_error(ctx, "unexpected argument '%s'",
					  argv[optind]);
	if (ctx->format) {
		static const char *const names[] = {"md", "csv", "json", "html"};
		int f = -1;
		for (int i = 0; i < 4; i++)
			if (strcmp(ctx->format, names[i]) == 0)
				f = i;
		if (f < 0)
			return ob_cli_usage_error(ctx, "unknown format '%s' "
						       "(expected md, csv, json "
						       "or html)",
						  ctx->format);
		format = (enum report_format)f;
	}
	if (week && !ob_date_parse_week(week, &monday)) {
		ob_cli_error("bad --week '%s': expected an ISO week like "
			     "2026-W47",
			     week);
		return OB_EDATA;
	}
	if (!week)
		monday = ctx->today - (ob_date_weekday(ctx->today) - 1);
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &b.st)) != OB_OK)
		return code;
	if (ob_report_init(&b.r, monday, ctx->today, &b.err) < 0 ||
	    ob_store_begin_read(b.st, &b.err) < 0 ||
	    ob_cli_assess_each(b.st, &pc, &filter, monday - 1, false,
			       keep_prev, &b, &b.err) < 0 ||
	    ob_cli_assess_each(b.st, &pc, &filter, b.r.as_of, false,
			       add_account, &b, &b.err) < 0) {
		code = ob_cli_report(&b.err);
		goto out;
	}
	ob_report_finish(&b.r);
	switch (format) {
	case R_MD:
		render_md(&b.r, filter.csm, &text);
		break;
	case R_CSV:
		render_csv(&b.r, &text);
		break;
	case R_JSON:
		render_json(&b.r, &text);
		break;
	case R_HTML:
		render_html(&b.r, filter.csm, &text);
		break;
	}
	if (output)
		code = ob_cli_write_file(output, text.data, text.len);
	else
		fwrite(text.data, 1, text.len, stdout);
out:
	ob_store_rollback(b.st);
	ob_buf_release(&text);
	ob_report_release(&b.r);
	free(b.prev.keys);
	free(b.prev.values);
	ob_playbook_cache_release(&pc);
	ob_store_close(b.st);
	return code;
}
