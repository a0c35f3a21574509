/* onboard playbook check|load|list|show|default */
#include <stdlib.h>
#include <string.h>

#include "onboard/cli.h"
#include "onboard/health.h"

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

static int count_changes(struct ob_store *st, const struct ob_playbook *now,
			 ob_day today, char *line, size_t n,
			 struct ob_err *err);

int ob_cmd_playbook_load(struct ob_ctx *ctx, int argc, char **argv)
{
	struct ob_store *st = NULL;
	struct ob_playbook pb = {0};
	struct ob_playbook_row old = {0};
	struct ob_err err = {0};
	char *source = NULL, changes[200];
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
	/* What the new version changes for the accounts on the old one. */
	changes[0] = '\0';
	if (old.accounts && count_changes(st, &pb, ctx->today, changes,
					  sizeof(changes), &err) < 0)
		goto fail;
	if (ob_store_playbook_put(st, pb.name, source, argv[optind], &replaced,
				  &err) < 0 ||
	    ob_store_commit(st, &err) < 0)
		goto fail;
	ob_cli_note(ctx, "%s playbook '%s' from '%s'",
		    replaced ? "replaced" : "loaded", pb.name, argv[optind]);
	if (changes[0])
		ob_cli_note(ctx, "%s", changes);
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

/* --- diff ---------------------------------------------------------------- */

/* What replacing a stored playbook changes, counted as the plan says. */
struct diff_totals {
	long accounts, added, removed, moved, changed, statuses;
};

struct diff {
	struct ob_store *st;
	struct ob_stream *stream;
	const struct ob_playbook *was, *now;
	int64_t playbook_id;
	ob_day today;
	enum ob_format format;
	bool print; /* else only count (playbook load's note) */
	struct ob_buf json;
	struct diff_totals t;
	struct ob_err err;
};

static const struct ob_checkin_instance *
instance_of(const struct ob_assessment *as, const char *id)
{
	for (size_t i = 0; i < as->ncheckins; i++)
		if (strcmp(as->checkins[i].checkin->id, id) == 0)
			return &as->checkins[i];
	return NULL;
}

static void window_text(struct ob_buf *b, const struct ob_checkin_instance *c)
{
	char opens[OB_DATE_LEN], closes[OB_DATE_LEN];
	if (!c->dated) {
		ob_buf_adds(b, "undated");
		return;
	}
	ob_date_format(c->opens, opens);
	ob_date_format(c->closes, closes);
	ob_buf_addf(b, "%s..%s", opens, closes);
}

static void instance_json(struct ob_buf *b, const struct ob_checkin_instance *c)
{
	char date[OB_DATE_LEN];
	if (!c) {
		ob_buf_adds(b, "null");
		return;
	}
	ob_buf_adds(b, "{\"opens\":");
	if (c->dated) {
		ob_date_format(c->opens, date);
		ob_json_string(b, date);
		ob_date_format(c->closes, date);
		ob_buf_adds(b, ",\"closes\":");
		ob_json_string(b, date);
	} else {
		ob_buf_adds(b, "null,\"closes\":null");
	}
	ob_buf_addf(b, ",\"state\":\"%s\",\"channel\":\"%s\",\"automated\":%s}",
		    ob_checkin_state_name(c->state),
		    ob_channel_name(c->channel),
		    c->automated ? "true" : "false");
}

enum change { ADDED, REMOVED, MOVED, CHANGED };
static const char *const change_names[] = {"added", "removed", "moved",
					   "changed"};

static bool same_reasons(const struct ob_health *x, const struct ob_health *y)
{
	if (x->reasons.n != y->reasons.n)
		return false;
	for (size_t i = 0; i < x->reasons.n; i++)
		if (strcmp(x->reasons.items[i], y->reasons.items[i]) != 0)
			return false;
	return true;
}

/* One check-in's change, to the plan (text) and the JSON. */
static void note_change(struct diff *d, struct ob_buf *plan,
			struct ob_buf *json, const char *id, enum change kind,
			const struct ob_checkin_instance *from,
			const struct ob_checkin_instance *to)
{
	const struct ob_checkin_instance *c = to ? to : from;
	long *count[] = {&d->t.added, &d->t.removed, &d->t.moved,
			 &d->t.changed};
	(*count[kind])++;
	ob_buf_addf(plan, "  %c %s ", kind == ADDED ? '+' : kind == REMOVED ? '-' : '~', id);
	if (kind == MOVED) {
		window_text(plan, from);
		ob_buf_adds(plan, " -> ");
		window_text(plan, to);
	} else if (kind == CHANGED) {
		ob_buf_addf(plan, "%s%s -> %s%s", ob_channel_name(from->channel),
			    from->automated ? " automated" : "",
			    ob_channel_name(to->channel),
			    to->automated ? " automated" : "");
	} else {
		window_text(plan, c);
		ob_buf_addf(plan, " %s%s", ob_channel_name(c->channel),
			    c->automated ? " automated" : "");
	}
	ob_buf_addc(plan, '\n');
	ob_buf_adds(json, json->len ? ",{\"checkin\":" : "{\"checkin\":");
	ob_json_string(json, id);
	ob_buf_addf(json, ",\"change\":\"%s\",\"from\":", change_names[kind]);
	instance_json(json, from);
	ob_buf_adds(json, ",\"to\":");
	instance_json(json, to);
	ob_buf_addc(json, '}');
}

/* The check-in changes of one account, in the new schedule's order. */
static void checkin_changes(struct diff *d, const struct ob_assessment *was,
			    const struct ob_assessment *now,
			    struct ob_buf *plan, struct ob_buf *json)
{
	for (size_t i = 0; i < was->ncheckins; i++) {
		const struct ob_checkin_instance *from = &was->checkins[i];
		if (!instance_of(now, from->checkin->id))
			note_change(d, plan, json, from->checkin->id, REMOVED,
				    from, NULL);
	}
	for (size_t i = 0; i < now->ncheckins; i++) {
		const struct ob_checkin_instance *to = &now->checkins[i];
		const struct ob_checkin_instance *from =
			instance_of(was, to->checkin->id);
		if (!from)
			note_change(d, plan, json, to->checkin->id, ADDED,
				    NULL, to);
		else if (from->dated != to->dated ||
			 (to->dated && (from->opens != to->opens ||
					from->closes != to->closes)))
			note_change(d, plan, json, to->checkin->id, MOVED, from,
				    to);
		else if (from->channel != to->channel ||
			 from->automated != to->automated)
			note_change(d, plan, json, to->checkin->id, CHANGED,
				    from, to);
	}
}

static void reasons_json(struct ob_buf *b, const char *name,
			 const struct ob_health *h)
{
	ob_buf_addf(b, ",\"%s\":", name);
	ob_cli_json_reasons(b, (const char *const *)h->reasons.items,
			    h->reasons.n);
}

static void reasons_text(struct ob_buf *b, const struct ob_health *h)
{
	for (size_t i = 0; i < h->reasons.n; i++)
		ob_buf_addf(b, "%s%s", i ? "; " : ": ", h->reasons.items[i]);
}

/* Text from the playbook and the data, each line made harmless. */
static void print_visible(const struct ob_buf *text)
{
	struct ob_buf out = {0};
	const char *p = text->data, *end = text->data + text->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		ob_buf_add_visible(&out, p, n);
		ob_buf_addc(&out, '\n');
		p += n + (nl != NULL);
	}
	if (out.len)
		fputs(out.data, stdout);
	ob_buf_release(&out);
}

static int diff_one(void *arg, const struct ob_account *a)
{
	struct diff *d = arg;
	struct ob_account_data data;
	struct ob_assessment was, now;
	struct ob_buf plan = {0}, checkins = {0};
	struct ob_needs needs = ob_needs_union(d->was->needs, d->now->needs);
	bool status_moves, reasons_move;
	int r;
	if (a->playbook_id != d->playbook_id)
		return 0;
	if (ob_store_stream_account(d->stream, a->rowid, &needs, &data,
				    &d->err) < 0)
		return -1;
	r = ob_assess_data(d->was, a, d->today, &data, false, &was, &d->err);
	if (r == 0 &&
	    (r = ob_assess_data(d->now, a, d->today, &data, false, &now,
				&d->err)) < 0)
		ob_assessment_release(&was);
	ob_account_data_release(&data);
	if (r < 0)
		return -1;
	checkin_changes(d, &was, &now, &plan, &checkins);
	status_moves = was.health.status != now.health.status;
	reasons_move = !same_reasons(&was.health, &now.health);
	if (status_moves || reasons_move || checkins.len) {
		d->t.accounts++;
		d->t.statuses += status_moves;
	}
	if (d->print && (status_moves || reasons_move || checkins.len)) {
		if (d->format == OB_FORMAT_JSON) {
			struct ob_buf *j = &d->json;
			ob_buf_adds(j, j->len ? ",\n{\"account\":" : "[\n{\"account\":");
			ob_json_string(j, a->id);
			ob_buf_addf(j, ",\"status_from\":\"%s\",\"status_to\":\"%s\"",
				    ob_status_name(was.health.status),
				    ob_status_name(now.health.status));
			reasons_json(j, "reasons_from", &was.health);
			reasons_json(j, "reasons_to", &now.health);
			ob_buf_addf(j, ",\"checkins\":[%s]}",
				    checkins.len ? checkins.data : "");
		} else {
			struct ob_buf head = {0};
			ob_buf_adds(&head, a->id);
			ob_buf_addc(&head, '\n');
			if (status_moves || reasons_move) {
				ob_buf_addf(&head, "  ~ status %s",
					    ob_status_name(was.health.status));
				reasons_text(&head, &was.health);
				ob_buf_addf(&head, " -> %s",
					    ob_status_name(now.health.status));
				reasons_text(&head, &now.health);
				ob_buf_addc(&head, '\n');
			}
			print_visible(&head);
			print_visible(&plan);
			ob_buf_release(&head);
		}
	}
	ob_buf_release(&plan);
	ob_buf_release(&checkins);
	ob_assessment_release(&was);
	ob_assessment_release(&now);
	return 0;
}

static void totals_line(char *buf, size_t n, const struct diff_totals *t)
{
	snprintf(buf, n,
		 "%ld account%s change: %ld check-ins added, %ld removed, %ld "
		 "moved; %ld statuses change",
		 t->accounts, t->accounts == 1 ? "" : "s", t->added, t->removed,
		 t->moved, t->statuses);
}

/*
 * What replacing the stored playbook of now's name would change for the
 * active accounts that follow it (of csm, if given), as of today; *found
 * is false when no playbook of that name is stored.
 */
static int run_diff(struct diff *d, const char *csm, bool *found)
{
	struct ob_playbook_cache pc = {0};
	struct ob_playbook_row row = {0};
	struct ob_account_filter filter = {.csm = csm, .status = OB_ACTIVE};
	int64_t pid;
	int r = ob_store_playbook_get(d->st, d->now->name, &row, &d->err);
	*found = r == 0;
	if (r < 0 && d->err.code == OB_EDATA)
		return 0;
	if (r < 0)
		return -1;
	d->playbook_id = row.id;
	ob_playbook_row_release(&row);
	if (!(d->was = ob_playbook_cache_get(&pc, d->st, NULL, d->playbook_id,
					     &pid, &d->err)) ||
	    ob_store_stream_open(d->st, d->today, &d->stream, &d->err) < 0) {
		ob_playbook_cache_release(&pc);
		return -1;
	}
	r = ob_store_account_list_by_rowid(d->st, &filter, diff_one, d,
					   &d->err);
	ob_store_stream_close(d->stream);
	d->stream = NULL;
	ob_playbook_cache_release(&pc);
	return r;
}

int ob_cmd_playbook_diff(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"csm", required_argument, NULL, 'c'},
		{"exit-code", no_argument, NULL, 'x'},
		{0},
	};
	struct diff d = {0};
	struct ob_playbook pb = {0};
	struct tier_check tc = {&pb, NULL, 0};
	struct ob_playbook_row row = {0};
	const char *csm = NULL;
	bool exit_code = false, found;
	char *source = NULL, line[200];
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", options, &code)) != -1) {
		if (c == OB_CLI_STOP)
			return code;
		if (c == 'c')
			csm = optarg;
		else
			exit_code = true;
	}
	if (optind >= argc)
		return ob_cli_usage_error(ctx, "no playbook file given");
	if (argc - optind > 1)
		return ob_cli_usage_error(ctx, "one playbook file at a time");
	if (ob_cli_format(ctx, &d.format) < 0)
		return OB_EUSAGE;
	if (d.format == OB_FORMAT_CSV)
		return ob_cli_usage_error(ctx, "--format csv: a plan is "
					       "table or json");
	if ((code = ob_cli_read_playbook(argv[optind], &pb, &source)) != OB_OK)
		return code;
	tc.file = argv[optind];
	d.now = &pb;
	d.today = ctx->today;
	d.print = true;
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &d.st)) != OB_OK)
		goto out;
	if (ob_store_begin_read(d.st, &d.err) < 0)
		goto fail;
	/* Accounts on a tier the file lacks: as load would say. */
	if (ob_store_playbook_get(d.st, pb.name, &row, &d.err) == 0) {
		int r = ob_store_playbook_tiers_used(d.st, row.id,
						     check_tier_kept, &tc,
						     &d.err);
		ob_playbook_row_release(&row);
		if (r < 0)
			goto fail;
		if (tc.missing) {
			code = OB_EDATA;
			goto out;
		}
	} else if (d.err.code != OB_EDATA) {
		goto fail;
	}
	if (run_diff(&d, csm, &found) < 0)
		goto fail;
	if (d.format == OB_FORMAT_JSON) {
		fputs(d.json.len ? d.json.data : "[", stdout);
		fputs(d.json.len ? "\n]\n" : "]\n", stdout);
	} else {
		totals_line(line, sizeof(line), &d.t);
		printf("%s\n", line);
	}
	if (exit_code && d.t.accounts)
		code = 1;
	goto out;
fail:
	code = ob_cli_report(&d.err);
out:
	ob_buf_release(&d.json);
	ob_playbook_release(&pb);
	free(source);
	ob_store_close(d.st);
	return code;
}

static int count_changes(struct ob_store *st, const struct ob_playbook *now,
			 ob_day today, char *line, size_t n,
			 struct ob_err *err)
{
	struct diff d = {0};
	bool found;
	d.st = st;
	d.now = now;
	d.today = today;
	if (run_diff(&d, NULL, &found) < 0) {
		*err = d.err;
		return -1;
	}
	if (found)
		totals_line(line, n, &d.t);
	return 0;
}
