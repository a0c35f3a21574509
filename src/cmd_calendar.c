/* onboard calendar: an iCalendar feed of open and upcoming check-ins. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onboard/cli.h"
#include "onboard/health.h"
#include "onboard/ics.h"

struct feed {
	struct ob_buf out;
	ob_day today, last; /* upcoming ones open on or before last */
	char stamp[24];
};

static void date_value(ob_day d, char *out)
{
	char iso[OB_DATE_LEN];
	ob_date_format(d, iso);
	/* YYYYMMDD */
	memcpy(out, iso, 4);
	memcpy(out + 4, iso + 5, 2);
	memcpy(out + 6, iso + 8, 2);
	out[8] = '\0';
}

/* One all-day VEVENT per open or upcoming check-in. */
static int add_events(void *ctx, const struct ob_account *a,
		      const struct ob_playbook *pb,
		      const struct ob_assessment *as)
{
	struct feed *f = ctx;
	struct ob_buf b = {0};
	(void)pb;
	for (size_t i = 0; i < as->ncheckins; i++) {
		const struct ob_checkin_instance *ci = &as->checkins[i];
		const struct ob_checkin *c = ci->checkin;
		bool follow_up = strcmp(c->id, "follow-up") == 0;
		char start[9], end[9], opens[OB_DATE_LEN], closes[OB_DATE_LEN];
		ob_day from, to;
		if (ci->state == OB_CI_DUE || ci->state == OB_CI_OVERDUE) {
			/* Open: from today to its last day (overdue: today). */
			from = f->today;
			to = ci->state == OB_CI_DUE ? ci->closes : f->today;
		} else if (ci->state == OB_CI_UPCOMING && ci->dated &&
			   ci->opens <= f->last) {
			from = ci->opens;
			to = ci->closes;
		} else {
			continue;
		}
		date_value(from, start);
		date_value(to + 1, end); /* DTEND is exclusive */
		ob_date_format(ci->opens, opens);
		ob_date_format(ci->closes, closes);
		ob_ics_line(&f->out, "BEGIN", "VEVENT", false);
		ob_buf_reset(&b);
		/* Stable: a re-import updates the event, never duplicates it. */
		if (follow_up)
			ob_buf_addf(&b, "%s/follow-up/%s@onboard", a->id, opens);
		else
			ob_buf_addf(&b, "%s/%s@onboard", a->id, c->id);
		ob_ics_line(&f->out, "UID", b.data, true);
		ob_ics_line(&f->out, "DTSTAMP", f->stamp, false);
		ob_ics_line(&f->out, "DTSTART;VALUE=DATE", start, false);
		ob_ics_line(&f->out, "DTEND;VALUE=DATE", end, false);
		ob_buf_reset(&b);
		ob_buf_addf(&b, "%s%s: %s (%s)",
			    ci->state == OB_CI_OVERDUE ? "Overdue: " : "",
			    a->name, c->title, ob_channel_name(ci->channel));
		ob_ics_line(&f->out, "SUMMARY", b.data, true);
		ob_buf_reset(&b);
		ob_buf_addf(&b, "Check-in %s for %s (%s), window %s to %s.\n"
				"Channel: %s%s.\nStatus: %s",
			    c->id, a->name, a->id, opens, closes,
			    ob_channel_name(ci->channel),
			    ci->automated ? " (automated)" : "",
			    ob_status_name(as->health.status));
		if (as->health.reasons.n) {
			ob_buf_adds(&b, ": ");
			ob_cli_text_reasons(&b, as->health.reasons.items,
					    as->health.reasons.n);
		}
		if (ci->state == OB_CI_OVERDUE)
			ob_buf_addf(&b, ".\nOverdue by %d day%s",
				    ci->days_overdue,
				    ci->days_overdue == 1 ? "" : "s");
		if (c->ngoals)
			ob_buf_adds(&b, ".\nGoals:");
		for (size_t g = 0; g < c->ngoals; g++)
			ob_buf_addf(&b, "\n- %s", c->goals[g]);
		ob_ics_line(&f->out, "DESCRIPTION", b.data, true);
		ob_ics_line(&f->out, "CATEGORIES",
			    ob_status_name(as->health.status), true);
		ob_ics_line(&f->out, "TRANSP", "TRANSPARENT", false);
		ob_ics_line(&f->out, "END", "VEVENT", false);
	}
	ob_buf_release(&b);
	return 0;
}

int ob_cmd_calendar(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"csm", required_argument, NULL, 'c'},
		{"days", required_argument, NULL, 'd'},
		{"output", required_argument, NULL, 'o'},
		{0},
	};
	struct ob_account_filter filter = {.status = OB_ACTIVE};
	struct ob_playbook_cache pc = {0};
	struct ob_store *st = NULL;
	struct ob_err err = {0};
	struct feed f = {0};
	const char *output = NULL;
	long long days = 14;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "o:", options, &code)) !=
	       -1) {
		if (c == OB_CLI_STOP)
			return code;
		if (c == 'c')
			filter.csm = optarg;
		else if (c == 'o')
			output = optarg;
		else if (!ob_parse_int(optarg, 1, 366, &days))
			return ob_cli_usage_error(ctx, "bad --days '%s': expected "
						       "1 to 366",
						  optarg);
	}
	if (optind < argc)
		return ob_cli_usage_error(ctx, "unexpected argument '%s'",
					  argv[optind]);
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	f.today = ctx->today;
	f.last = ctx->today + (ob_day)days - 1;
	ob_time_format_utc(ctx->today * OB_DAY_US, f.stamp);
	/* 2026-11-20T00:00:00Z -> 20261120T000000Z */
	{
		char *p = f.stamp, *q = f.stamp;
		for (; *p; p++)
			if (*p != '-' && *p != ':')
				*q++ = *p;
		*q = '\0';
	}
	ob_ics_line(&f.out, "BEGIN", "VCALENDAR", false);
	ob_ics_line(&f.out, "VERSION", "2.0", false);
	ob_ics_line(&f.out, "PRODID", "-//onboard//onboard " ONBOARD_VERSION
				      "//EN", false);
	ob_ics_line(&f.out, "CALSCALE", "GREGORIAN", false);
	ob_ics_line(&f.out, "METHOD", "PUBLISH", false);
	ob_ics_line(&f.out, "X-WR-CALNAME",
		    filter.csm ? filter.csm : "Onboarding check-ins", true);
	if (ob_store_begin_read(st, &err) < 0 ||
	    ob_cli_assess_each(st, &pc, &filter, ctx->today, false, add_events,
			       &f, &err) < 0) {
		code = ob_cli_report(&err);
		goto out;
	}
	ob_ics_line(&f.out, "END", "VCALENDAR", false);
	if (output)
		code = ob_cli_write_file(output, f.out.data, f.out.len);
	else
		fwrite(f.out.data, 1, f.out.len, stdout);
out:
	ob_store_rollback(st);
	ob_buf_release(&f.out);
	ob_playbook_cache_release(&pc);
	ob_store_close(st);
	return code;
}
