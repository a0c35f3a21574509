/* onboard playbook check|load|list|show|default */
#include <stdlib.h>
#include <string.h>

#include "onboard/cli.h"

/* Commands that take no options of their own. */
static int no_options(struct ob_ctx *ctx, int argc, char **argv, int *code)
{
	int c;
	while ((c = ob_cli_getopt(ctx, argc, argv, "", NULL, code)) != -1)
		if (c == OB_CLI_STOP)
			return -1;
	return 0;
}

int ob_cmd_playbook_check(struct ob_ctx *ctx, int argc, char **argv)
{
	int code = OB_OK;
	if (no_options(ctx, argc, argv, &code) < 0)
		return code;
	if (optind >= argc)
		return ob_cli_usage_error(ctx, "no playbook file given");
	for (int i = optind; i < argc; i++) {
		struct ob_playbook pb;
		char *source = NULL;
		int r = ob_cli_read_playbook(argv[i], &pb, &source);
		/* A missing file outranks an invalid one: 66 over 65. */
		if (r != OB_OK) {
			if (code != OB_ENOINPUT)
				code = r;
			continue;
		}
		if (!ctx->quiet)
			printf("%s: ok (playbook '%s': %zu tiers, %zu "
			       "check-ins, %zu milestones)\n",
			       argv[i], pb.name, pb.ntiers, pb.ncheckins,
			       pb.nmilestones);
		ob_playbook_release(&pb);
		free(source);
	}
	return code;
}

struct tier_check {
	const struct ob_playbook *pb;
	const char *file;
	int missing;
};

static int check_tier_kept(void *arg, const char *tier, int64_t accounts)
{
	struct tier_check *tc = arg;
	if (ob_playbook_tier(tc->pb, tier) < 0) {
		ob_cli_error("%s: playbook '%s' no longer has tier '%s', which "
			     "%lld account%s use%s: move them first with "
			     "'onboard account set ID --tier'",
			     tc->file, tc->pb->name, tier, (long long)accounts,
			     accounts == 1 ? "" : "s", accounts == 1 ? "s" : "");
		tc->missing++;
	}
	return 0;
}

int ob_cmd_playbook_load(struct ob_ctx *ctx, int argc, char **argv)
{
	struct ob_store *st = NULL;
	struct ob_playbook pb = {0};
	struct ob_playbook_row old = {0};
	struct ob_err err = {0};
	char *source = NULL;
	bool replaced;
	int code = OB_OK;

	if (no_options(ctx, argc, argv, &code) < 0)
		return code;
	if (optind >= argc)
		return ob_cli_usage_error(ctx, "no playbook file given");
	if (argc - optind > 1)
		return ob_cli_usage_error(ctx, "one playbook file at a time");
	if ((code = ob_cli_read_playbook(argv[optind], &pb, &source)) != OB_OK)
		return code;
	if ((code = ob_cli_open(ctx, OB_STORE_CREATE, &st)) != OB_OK)
		goto out;
	if (ob_store_begin(st, &err) < 0)
		goto fail;
	/* Accounts on the old version must keep their tier. */
	if (ob_store_playbook_get(st, pb.name, &old, &err) == 0) {
		struct tier_check tc = {&pb, argv[optind], 0};
		if (ob_store_playbook_tiers_used(st, old.id, check_tier_kept,
						 &tc, &err) < 0)
			goto fail;
		if (tc.missing) {
			ob_store_rollback(st);
			code = OB_EDATA;
			goto out;
		}
	} else if (err.code != OB_EDATA) {
		goto fail;
	}
	if (ob_store_playbook_put(st, pb.name, source, argv[optind], &replaced,
				  &err) < 0 ||
	    ob_store_commit(st, &err) < 0)
		goto fail;
	ob_cli_note(ctx, "%s playbook '%s' from '%s'",
		    replaced ? "replaced" : "loaded", pb.name, argv[optind]);
	goto out;
fail:
	ob_store_rollback(st);
	code = ob_cli_report(&err);
out:
	ob_playbook_row_release(&old);
	ob_playbook_release(&pb);
	free(source);
	ob_store_close(st);
	return code;
}

static const struct ob_column playbook_columns[] = {
	{"name", "NAME", 24, false},
	{"default", "DEFAULT", 0, false},
	{"description", "DESCRIPTION", 34, false},
	{"tiers", NULL, 0, false},
	{"checkins", "CHECK-INS", 0, true},
	{"accounts", "ACCOUNTS", 0, true},
	{"loaded_at", NULL, 0, false},
	{"origin", NULL, 0, false},
};

struct list_state {
	struct ob_store *st;
	struct ob_out *out;
	int code;
};

static int list_one(void *arg, const struct ob_playbook_row *row)
{
	struct list_state *ls = arg;
	struct ob_playbook pb = {0};
	struct ob_err err = {0};
	const char **tiers;

	if (ob_cli_parse_playbook(row, &pb, &err) < 0) {
		ls->code = ob_cli_report(&err);
		return -1;
	}
	tiers = xcalloc(pb.ntiers + 1, sizeof(*tiers));
	for (size_t i = 0; i < pb.ntiers; i++)
		tiers[i] = pb.tiers[i].id;
	ob_out_text(ls->out, row->name);
	if (ob_out_format(ls->out) == OB_FORMAT_TABLE)
		ob_out_text(ls->out, row->is_default ? "yes" : "");
	else
		ob_out_bool(ls->out, row->is_default);
	ob_out_text(ls->out, pb.description ? pb.description : "");
	ob_out_list(ls->out, tiers, pb.ntiers);
	ob_out_int(ls->out, (long long)pb.ncheckins);
	ob_out_int(ls->out, (long long)row->accounts);
	ob_out_text(ls->out, row->loaded_at);
	ob_out_text(ls->out, row->origin);
	ob_out_row_end(ls->out);
	free(tiers);
	ob_playbook_release(&pb);
	return 0;
}

int ob_cmd_playbook_list(struct ob_ctx *ctx, int argc, char **argv)
{
	struct list_state ls = {0};
	struct ob_err err = {0};
	enum ob_format format;
	int code = OB_OK;

	if (no_options(ctx, argc, argv, &code) < 0)
		return code;
	if (optind < argc)
		return ob_cli_usage_error(ctx, "unexpected argument '%s'",
					  argv[optind]);
	if (ob_cli_format(ctx, &format) < 0)
		return OB_EUSAGE;
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &ls.st)) != OB_OK)
		return code;
	ls.out = ob_out_begin(stdout, format, playbook_columns,
			      sizeof(playbook_columns) /
				      sizeof(playbook_columns[0]),
			      ctx->color);
	if (ob_store_begin_read(ls.st, &err) < 0 ||
	    ob_store_playbook_list(ls.st, list_one, &ls, &err) < 0) {
		if (!ls.code)
			ls.code = ob_cli_report(&err);
	}
	ob_out_end(ls.out);
	ob_store_rollback(ls.st);
	ob_store_close(ls.st);
	return ls.code;
}

/* The condition that binds check-in c for a tier, in words ("" if none). */
static void condition_text(const struct ob_playbook *pb,
			   const struct ob_checkin *c, int tier,
			   struct ob_buf *b)
{
	const struct ob_checkin_condition *w = &c->when;
	const char *sep = "";
	if (!w->present || !(w->tiers & ((ob_tier_set)1 << tier)))
		return;
	if (w->statuses) {
		ob_buf_adds(b, "status ");
		for (int s = 0, n = 0; s < OB_NSTATUS; s++)
			if (w->statuses & (1u << s))
				ob_buf_addf(b, "%s%s", n++ ? "|" : "",
					    ob_status_name((enum ob_status)s));
		sep = ", ";
	}
	if (w->milestone_done >= 0) {
		ob_buf_addf(b, "%s%s done", sep,
			    pb->milestones[w->milestone_done].id);
		sep = ", ";
	}
	if (w->milestone_not_done >= 0)
		ob_buf_addf(b, "%s%s not done", sep,
			    pb->milestones[w->milestone_not_done].id);
}

static const struct ob_column cadence_columns[] = {
	{"tier", NULL, 0, false},
	{"checkin", "CHECK-IN", 18, false},
	{"days", "DAYS", 0, false},
	{"opens", NULL, 0, false},
	{"closes", NULL, 0, false},
	{"channel", "CHANNEL", 32, false},
	{"automated", "AUTO", 0, false},
	{"condition", "CONDITION", 26, false},
	{"title", NULL, 0, false},
	{"goals", NULL, 0, false},
};
#define NCADENCE (sizeof(cadence_columns) / sizeof(cadence_columns[0]))

static void cadence_rows(struct ob_out *out, const struct ob_playbook *pb,
			 int tier)
{
	struct ob_buf b = {0};
	bool table = ob_out_format(out) == OB_FORMAT_TABLE;
	for (size_t i = 0; i < pb->ncheckins; i++) {
		const struct ob_checkin *c = &pb->checkins[i];
		ob_tier_set bit = (ob_tier_set)1 << tier;
		if (!(c->tiers & bit))
			continue;
		ob_out_text(out, pb->tiers[tier].id);
		ob_out_text(out, c->id);
		ob_buf_reset(&b);
		ob_checkin_window_text(c, &b);
		ob_out_text(out, b.data);
		ob_out_int(out, c->opens);
		ob_out_int(out, c->closes);
		ob_buf_reset(&b);
		ob_checkin_channel_text(c, table, &b);
		ob_out_text(out, b.data);
		if (table)
			ob_out_text(out, c->automated & bit ? "yes" : "no");
		else
			ob_out_bool(out, (c->automated & bit) != 0);
		ob_buf_reset(&b);
		condition_text(pb, c, tier, &b);
		ob_out_text(out, b.data ? b.data : "");
		ob_out_text(out, c->title);
		ob_out_list(out, (const char *const *)c->goals, c->ngoals);
		ob_out_row_end(out);
	}
	ob_buf_release(&b);
}

/*
 * Prints text indented by two, in lines of at most 80 columns where the
 * words allow (an 80-column terminal is the table's measure too).
 */
static void print_wrapped(const char *text)
{
	const char *p = text;
	while (*p) {
		size_t n = strlen(p), cut = n;
		if (ob_utf8_width(p) > 78) {
			cut = 0;
			for (size_t i = 1, w = 0; i < n && w < 78; i++) {
				if (((unsigned char)p[i] & 0xc0) != 0x80)
					w++;
				if (p[i] == ' ' && w <= 78)
					cut = i;
			}
			if (!cut) /* one word longer than a line */
				cut = strcspn(p, " ");
		}
		printf("  %.*s\n", (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
	}
}

static void print_follow_up(const struct ob_playbook *pb, int tier)
{
	const struct ob_follow_up *f = &pb->follow_up;
	int until = f->until_day >= 0 ? f->until_day
				       : pb->tiers[tier].length_days;
	if (!f->present)
		return;
	if (f->from_day > until) {
		printf("  follow-ups: none (they start on day %d, the tier ends "
		       "on day %d)\n",
		       f->from_day, until);
		return;
	}
	printf("  follow-ups: day %d-%d, every %d/%d/%d days%s\n",
	       f->from_day, until, f->every_days[OB_GREEN],
	       f->every_days[OB_YELLOW], f->every_days[OB_RED],
	       f->daily_while_open_tickets ? ", daily while a ticket is open"
					   : "");
}

/* Where `onboard send` mails from, and where replies go. */
static void print_delivery(const struct ob_delivery *d)
{
	struct ob_buf b = {0};
	if (!d->from.addr) {
		printf("automated e-mail: no delivery.from, so 'onboard send' "
		       "sends none\n");
		return;
	}
	ob_buf_adds(&b, "automated e-mail from ");
	ob_mailbox_text(&b, d->from.name, d->from.addr);
	ob_buf_adds(&b, ",\n  replies to ");
	if (d->reply_to_csm)
		ob_buf_adds(&b, "the account's CSM");
	else
		ob_mailbox_text(&b, d->reply_to.name, d->reply_to.addr);
	puts(b.data);
	ob_buf_release(&b);
}

int ob_cmd_playbook_show(struct ob_ctx *ctx, int argc, char **argv)
{
	struct ob_store *st = NULL;
	struct ob_playbook_row row = {0};
	struct ob_playbook pb = {0};
	struct ob_err err = {0};
	enum ob_format format;
	struct ob_out *out;
	int code = OB_OK;

	if (no_options(ctx, argc, argv, &code) < 0)
		return code;
	if (argc - optind > 1)
		return ob_cli_usage_error(ctx, "unexpected argument '%s'",
					  argv[optind + 1]);
	if (ob_cli_format(ctx, &format) < 0)
		return OB_EUSAGE;
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	if (ob_store_playbook_get(st, optind < argc ? argv[optind] : NULL, &row,
				  &err) < 0) {
		code = ob_cli_report(&err);
		goto out;
	}
	if (ob_cli_parse_playbook(&row, &pb, &err) < 0) {
		code = ob_cli_report(&err);
		goto out;
	}
	if (format != OB_FORMAT_TABLE) {
		out = ob_out_begin(stdout, format, cadence_columns, NCADENCE,
				   false);
		for (size_t t = 0; t < pb.ntiers; t++)
			cadence_rows(out, &pb, (int)t);
		ob_out_end(out);
		goto out;
	}
	printf("playbook %s%s\n", pb.name, row.is_default ? " (default)" : "");
	if (pb.description)
		print_wrapped(pb.description);
	printf("windows count %s days after kickoff (day 0);\n"
	       "channels and follow-up intervals by status read "
	       "green/yellow/red\n",
	       pb.calendar.business ? "business" : "calendar");
	print_delivery(&pb.delivery);
	for (size_t t = 0; t < pb.ntiers; t++) {
		printf("\n%s: %s, %d days\n", pb.tiers[t].id, pb.tiers[t].title,
		       pb.tiers[t].length_days);
		out = ob_out_begin(stdout, format, cadence_columns, NCADENCE,
				   ctx->color);
		cadence_rows(out, &pb, (int)t);
		ob_out_end(out);
		print_follow_up(&pb, (int)t);
	}
out:
	ob_playbook_release(&pb);
	ob_playbook_row_release(&row);
	ob_store_close(st);
	return code;
}

int ob_cmd_playbook_default(struct ob_ctx *ctx, int argc, char **argv)
{
	struct ob_store *st = NULL;
	struct ob_err err = {0};
	int code = OB_OK;

	if (no_options(ctx, argc, argv, &code) < 0)
		return code;
	if (argc - optind != 1)
		return ob_cli_usage_error(ctx, "expected one playbook name");
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	if (ob_store_begin(st, &err) < 0 ||
	    ob_store_playbook_set_default(st, argv[optind], &err) < 0 ||
	    ob_store_commit(st, &err) < 0) {
		ob_store_rollback(st);
		code = ob_cli_report(&err);
	} else {
		ob_cli_note(ctx, "'%s' is now the default playbook",
			    argv[optind]);
	}
	ob_store_close(st);
	return code;
}
