/* onboard account add|import|list|show|set */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "onboard/cli.h"
#include "onboard/csv.h"
#include "onboard/health.h"

/* The fields of an account, in the order of the CSV columns. */
enum field {
	F_ID,
	F_NAME,
	F_TIER,
	F_KICKOFF,
	F_CSM,
	F_CONTACT,
	F_EMAIL,
	F_PLAYBOOK,
	F_STATUS,
	F_STATUS_SINCE, /* --at of set */
	F_OPT_OUT,
	NFIELDS
};

static const char *const field_names[NFIELDS] = {
	"id",	   "name",  "tier",	"kickoff", "csm",
	"contact", "email", "playbook", "status",  "status_since", "opt_out"};

struct fields {
	const char *value[NFIELDS]; /* NULL: not given */
};

static const struct option field_options[] = {
	{"name", required_argument, NULL, 0x200 + F_NAME},
	{"tier", required_argument, NULL, 0x200 + F_TIER},
	{"kickoff", required_argument, NULL, 0x200 + F_KICKOFF},
	{"csm", required_argument, NULL, 0x200 + F_CSM},
	{"contact", required_argument, NULL, 0x200 + F_CONTACT},
	{"email", required_argument, NULL, 0x200 + F_EMAIL},
	{"playbook", required_argument, NULL, 0x200 + F_PLAYBOOK},
	{"status", required_argument, NULL, 0x200 + F_STATUS},
	{"opt-out", required_argument, NULL, 0x200 + F_OPT_OUT},
	{"at", required_argument, NULL, 0x200 + F_STATUS_SINCE},
	{0},
};

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

static void replace(char **slot, char *value)
{
	free(*slot);
	*slot = value;
}

/*
 * Applies the given fields to an account (a new one when is_new: then
 * name, tier and kickoff are needed and the playbook defaults). Empty
 * csm, contact and email clear them. Checks every value, and that the
 * tier belongs to the account's playbook.
 */
static int apply_fields(struct ob_store *st, struct ob_playbook_cache *pc,
			struct ob_account *a, const struct fields *f,
			bool is_new, struct ob_err *err)
{
	const char *const *v = f->value;
	const struct ob_playbook *pb;
	const char *why;
	int64_t pid = 0;

	for (int i = F_NAME; i <= F_KICKOFF; i++)
		if (is_new && !v[i])
			return ob_fail(err, OB_EDATA,
				       "a new account needs a %s",
				       field_names[i]);
	if (v[F_PLAYBOOK] || is_new) {
		pb = ob_playbook_cache_get(pc, st, v[F_PLAYBOOK], 0, &pid, err);
		if (!pb)
			return -1;
		a->playbook_id = pid;
		replace(&a->playbook, xstrdup(pb->name));
	} else {
		pb = ob_playbook_cache_get(pc, st, NULL, a->playbook_id, &pid, err);
		if (!pb)
			return -1;
	}
	if (v[F_NAME]) {
		if ((why = ob_account_check_text(v[F_NAME])))
			return ob_fail(err, OB_EDATA, "bad name '%s': %s",
				       v[F_NAME], why);
		replace(&a->name, xstrdup(v[F_NAME]));
	}
	if (v[F_TIER])
		replace(&a->tier, xstrdup(v[F_TIER]));
	if (ob_playbook_tier(pb, a->tier) < 0) {
		struct ob_buf b = {0};
		ob_playbook_tier_names(pb, &b);
		ob_fail(err, OB_EDATA,
			"unknown tier '%s' for playbook '%s' (tiers: %s)",
			a->tier, pb->name, b.data);
		ob_buf_release(&b);
		return -1;
	}
	if (v[F_KICKOFF] && !ob_date_parse(v[F_KICKOFF], &a->kickoff))
		return ob_fail(err, OB_EDATA,
			       "bad kickoff '%s': expected a date YYYY-MM-DD",
			       v[F_KICKOFF]);
	for (int i = F_CSM; i <= F_EMAIL; i++) {
		char **slot = i == F_CSM       ? &a->csm
			      : i == F_CONTACT ? &a->contact
					       : &a->email;
		if (!v[i])
			continue;
		why = !*v[i]		? NULL
		      : i == F_EMAIL ? ob_account_check_email(v[i])
				     : ob_account_check_text(v[i]);
		if (why)
			return ob_fail(err, OB_EDATA, "bad %s '%s': %s",
				       field_names[i], v[i], why);
		replace(slot, dup_or_null(v[i]));
	}
	if (v[F_STATUS]) {
		int s = ob_account_status_parse(v[F_STATUS]);
		if (s < 0)
			return ob_fail(err, OB_EDATA,
				       "bad status '%s': expected active, "
				       "paused, completed or churned",
				       v[F_STATUS]);
		/* A new account's status is its own from its start. */
		if (is_new && !v[F_STATUS_SINCE])
			a->status = (enum ob_account_status)s;
	}
	if (v[F_STATUS_SINCE]) {
		ob_day d;
		if (!v[F_STATUS])
			return ob_fail(err, OB_EDATA,
				       "a status date '%s' needs a status",
				       v[F_STATUS_SINCE]);
		if (!ob_date_parse(v[F_STATUS_SINCE], &d))
			return ob_fail(err, OB_EDATA,
				       "bad status date '%s': expected a date "
				       "YYYY-MM-DD",
				       v[F_STATUS_SINCE]);
	}
	if (v[F_OPT_OUT]) {
		const char *o = v[F_OPT_OUT];
		if (strcmp(o, "yes") == 0 || strcmp(o, "true") == 0)
			a->opt_out = true;
		else if (strcmp(o, "no") == 0 || strcmp(o, "false") == 0)
			a->opt_out = false;
		else
			return ob_fail(err, OB_EDATA,
				       "bad opt-out '%s': expected yes or no",
				       o);
	}
	return 0;
}

/*
 * Records the status the fields give, once the account is stored: on its
 * status date, else today. A new account given no date has it already.
 */
static int change_status(struct ob_store *st, const struct ob_account *a,
			 const struct fields *f, bool is_new, ob_day today,
			 struct ob_err *err)
{
	const char *const *v = f->value;
	ob_day day = today;
	if (!v[F_STATUS] || (is_new && !v[F_STATUS_SINCE]))
		return 0;
	if (v[F_STATUS_SINCE])
		ob_date_parse(v[F_STATUS_SINCE], &day);
	return ob_store_account_status(
		       st, a->rowid,
		       (enum ob_account_status)ob_account_status_parse(
			       v[F_STATUS]),
		       day, err) < 0
		       ? -1
		       : 0;
}

/* Reads the field options of add and set; returns -1 to stop with *code. */
static int parse_fields(struct ob_ctx *ctx, int argc, char **argv,
			struct fields *f, bool allow_status, int *code)
{
	int c;
	while ((c = ob_cli_getopt(ctx, argc, argv, "", field_options, code)) !=
	       -1) {
		if (c == OB_CLI_STOP)
			return -1;
		if ((c == 0x200 + F_STATUS || c == 0x200 + F_STATUS_SINCE) &&
		    !allow_status) {
			*code = ob_cli_usage_error(
				ctx, "unknown option '--%s' (new accounts "
				     "are active; see 'onboard account set')",
				c == 0x200 + F_STATUS ? "status" : "at");
			return -1;
		}
		f->value[c - 0x200] = optarg;
	}
	return 0;
}

int ob_cmd_account_add(struct ob_ctx *ctx, int argc, char **argv)
{
	struct fields f = {0};
	struct ob_account a = {0};
	struct ob_playbook_cache pc = {0};
	struct ob_store *st = NULL;
	struct ob_err err = {0};
	const char *why;
	int code = OB_OK;

	if (parse_fields(ctx, argc, argv, &f, false, &code) < 0)
		return code;
	if (optind >= argc)
		return ob_cli_usage_error(ctx, "no account id given");
	if (argc - optind > 1)
		return ob_cli_usage_error(ctx, "unexpected argument '%s'",
					  argv[optind + 1]);
	for (int i = F_NAME; i <= F_KICKOFF; i++)
		if (!f.value[i])
			return ob_cli_usage_error(ctx, "--%s is required",
						  field_names[i]);
	if ((why = ob_account_check_id(argv[optind]))) {
		ob_cli_error("bad account id '%s': %s", argv[optind], why);
		return OB_EDATA;
	}
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	a.id = xstrdup(argv[optind]);
	a.status = OB_ACTIVE;
	if (ob_store_begin(st, &err) < 0 ||
	    apply_fields(st, &pc, &a, &f, true, &err) < 0 ||
	    ob_store_account_insert(st, &a, &err) < 0 ||
	    ob_store_commit(st, &err) < 0) {
		ob_store_rollback(st);
		code = ob_cli_report(&err);
	} else {
		char kickoff[OB_DATE_LEN];
		ob_date_format(a.kickoff, kickoff);
		ob_cli_note(ctx, "added account '%s' (%s, kickoff %s, playbook '%s')",
			     a.id, a.tier, kickoff, a.playbook);
	}
	ob_account_release(&a);
	ob_playbook_cache_release(&pc);
	ob_store_close(st);
	return code;
}

int ob_cmd_account_set(struct ob_ctx *ctx, int argc, char **argv)
{
	struct fields f = {0};
	struct ob_account a = {0};
	struct ob_playbook_cache pc = {0};
	struct ob_store *st = NULL;
	struct ob_err err = {0};
	bool any = false;
	int code = OB_OK;

	if (parse_fields(ctx, argc, argv, &f, true, &code) < 0)
		return code;
	if (optind >= argc)
		return ob_cli_usage_error(ctx, "no account id given");
	if (argc - optind > 1)
		return ob_cli_usage_error(ctx, "unexpected argument '%s'",
					  argv[optind + 1]);
	for (int i = F_NAME; i < NFIELDS; i++)
		any |= f.value[i] != NULL;
	if (!any)
		return ob_cli_usage_error(ctx, "nothing to change");
	if (f.value[F_STATUS_SINCE] && !f.value[F_STATUS])
		return ob_cli_usage_error(ctx, "--at needs --status");
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	if (ob_store_begin(st, &err) < 0 ||
	    ob_store_account_get(st, argv[optind], false, &a, &err) < 0 ||
	    apply_fields(st, &pc, &a, &f, false, &err) < 0 ||
	    ob_store_account_update(st, &a, &err) < 0 ||
	    change_status(st, &a, &f, false, ctx->today, &err) < 0 ||
	    ob_store_commit(st, &err) < 0) {
		ob_store_rollback(st);
		code = ob_cli_report(&err);
	} else {
		ob_cli_note(ctx, "updated account '%s'", a.id);
	}
	ob_account_release(&a);
	ob_playbook_cache_release(&pc);
	ob_store_close(st);
	return code;
}

/* --- import ------------------------------------------------------------- */

struct import_totals {
	long rows, added, updated, invalid;
};

/*
 * Imports one CSV row inside the open transaction. Per-row problems go to
 * stderr as FILE:LINE: error: and count as invalid; returns -1 only for a
 * failure that stops the import (the database).
 */
static int import_row(struct ob_store *st, struct ob_playbook_cache *pc,
		      ob_day today, const char *file,
		      const struct ob_csv_record *rec,
		      const int *column_of, struct ob_strmap *seen,
		      struct import_totals *t, struct ob_err *fatal)
{
	struct fields f = {0};
	struct ob_account a = {0};
	struct ob_err err = {0};
	const char *id, *why;
	int r;

	for (int i = 0; i < NFIELDS; i++) {
		const char *v;
		if (column_of[i] < 0)
			continue;
		v = rec->fields[column_of[i]];
		/* An empty cell clears csm, contact, email; else not given. */
		if (*v || i == F_CSM || i == F_CONTACT || i == F_EMAIL)
			f.value[i] = v;
	}
	id = f.value[F_ID] ? f.value[F_ID] : "";
	if ((why = ob_account_check_id(id))) {
		ob_cli_diag("%s:%ld: error: bad account id '%s': %s", file,
			rec->line, id, why);
		t->invalid++;
		return 0;
	}
	if (ob_strmap_get(seen, id)) {
		ob_cli_diag(
			"%s:%ld: error: account '%s' appears twice in the file "
			"(first on line %lld)",
			file, rec->line, id,
			(long long)ob_strmap_get(seen, id)->value);
		t->invalid++;
		return 0;
	}
	ob_strmap_put(seen, id)->value = rec->line;

	r = ob_store_account_get(st, id, true, &a, fatal);
	if (r < 0)
		return -1;
	if (r == 1) {
		a.id = xstrdup(id);
		a.status = OB_ACTIVE;
	}
	if (apply_fields(st, pc, &a, &f, r == 1, &err) < 0 ||
	    (r == 1 ? ob_store_account_insert(st, &a, &err)
		    : ob_store_account_update(st, &a, &err)) < 0 ||
	    change_status(st, &a, &f, r == 1, today, &err) < 0) {
		ob_account_release(&a);
		if (err.code != OB_EDATA) {
			*fatal = err;
			return -1;
		}
		ob_cli_diag("%s:%ld: error: %s", file, rec->line, err.msg);
		t->invalid++;
		return 0;
	}
	if (r == 1)
		t->added++;
	else
		t->updated++;
	ob_account_release(&a);
	return 0;
}

int ob_cmd_account_import(struct ob_ctx *ctx, int argc, char **argv)
{
	struct ob_store *st = NULL;
	struct ob_playbook_cache pc = {0};
	struct import_totals t = {0};
	struct ob_csv_record rec;
	struct ob_err err = {0};
	struct ob_csv *csv = NULL;
	int column_of[NFIELDS];
	size_t ncolumns;
	struct ob_strmap seen = {0};
	const char *file;
	FILE *f;
	int r, code = OB_OK, c;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", NULL, &code)) != -1)
		if (c == OB_CLI_STOP)
			return code;
	if (argc - optind != 1)
		return ob_cli_usage_error(ctx, "expected one CSV file");
	file = argv[optind];
	f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
	if (!f) {
		ob_cli_error("cannot open '%s': %s", file, strerror(errno));
		return OB_ENOINPUT;
	}
	if (f == stdin)
		file = "(stdin)";
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		goto out;
	csv = ob_csv_open(f);
	r = ob_csv_read(csv, &rec, &err);
	if (r <= 0) {
		if (r == 0)
			ob_cli_diag("%s:1: error: empty file: expected a "
					"header row naming the columns",
				file);
		else
			ob_cli_diag("%s:%ld: error: %s", file,
				ob_csv_line(csv), err.msg);
		code = r == 0 || err.code == OB_EDATA ? OB_EDATA : err.code;
		goto out;
	}
	if (ob_csv_header(&rec, field_names, NFIELDS, 1, column_of, &err) <
	    0) {
		ob_cli_diag("%s:%ld: error: %s", file, rec.line, err.msg);
		code = OB_EDATA;
		goto out;
	}
	ncolumns = rec.nfields;
	if (ob_store_begin(st, &err) < 0) {
		code = ob_cli_report(&err);
		goto out;
	}
	while ((r = ob_csv_read(csv, &rec, &err)) != 0) {
		t.rows++;
		if (r < 0) {
			if (err.code != OB_EDATA) {
				code = ob_cli_report(&err);
				break;
			}
			ob_cli_diag("%s:%ld: error: %s", file,
				ob_csv_line(csv), err.msg);
			t.invalid++;
			continue;
		}
		if (rec.nfields != ncolumns) {
			if (rec.nfields == 1 && !*rec.fields[0])
				ob_cli_diag("%s:%ld: error: empty line",
					file, rec.line);
			else
				ob_cli_diag(
					"%s:%ld: error: expected %zu fields "
					"as in the header, found %zu",
					file, rec.line, ncolumns, rec.nfields);
			t.invalid++;
			continue;
		}
		if (import_row(st, &pc, ctx->today, file, &rec, column_of, &seen,
			       &t, &err) < 0) {
			code = ob_cli_report(&err);
			break;
		}
	}
	if (code == OB_OK && t.invalid == 0) {
		if (ob_store_commit(st, &err) < 0)
			code = ob_cli_report(&err);
	} else {
		ob_store_rollback(st);
		if (code == OB_OK)
			code = OB_EDATA;
	}
	if (code == OB_OK)
		ob_cli_note(ctx, "%s: %ld rows read, %ld added, %ld updated",
			    file, t.rows, t.added, t.updated);
	else
		ob_cli_note(ctx, "%s: %ld rows read, %ld invalid: nothing "
				 "written",
			    file, t.rows, t.invalid);
out:
	ob_strmap_release(&seen);
	ob_csv_close(csv);
	ob_playbook_cache_release(&pc);
	ob_store_close(st);
	if (f != stdin)
		fclose(f);
	return code;
}

/* --- list --------------------------------------------------------------- */

static const struct ob_column account_columns[] = {
	{"id", "ID", 20, false},
	{"name", "NAME", 24, false},
	{"tier", "TIER", 8, false},
	{"kickoff", "KICKOFF", 0, false},
	{"csm", "CSM", 12, false},
	{"contact", NULL, 0, false},
	{"email", NULL, 0, false},
	{"playbook", NULL, 0, false},
	{"status", "STATUS", 0, false},
	{"status_since", NULL, 0, false},
	{"day", "DAY", 0, true},
	{"opt_out", NULL, 0, false},
};

struct list_state {
	struct ob_out *out;
	ob_day today;
	long count;
};

/* The date of an account's status, in buf, or NULL: from its start. */
static const char *status_since(const struct ob_account *a,
				char buf[OB_DATE_LEN])
{
	if (!a->has_status_since)
		return NULL;
	ob_date_format(a->status_since, buf);
	return buf;
}

static int list_one(void *arg, const struct ob_account *a)
{
	struct list_state *ls = arg;
	char kickoff[OB_DATE_LEN], since[OB_DATE_LEN];
	ob_date_format(a->kickoff, kickoff);
	ob_out_text(ls->out, a->id);
	ob_out_text(ls->out, a->name);
	ob_out_text(ls->out, a->tier);
	ob_out_text(ls->out, kickoff);
	ob_out_text(ls->out, a->csm);
	ob_out_text(ls->out, a->contact);
	ob_out_text(ls->out, a->email);
	ob_out_text(ls->out, a->playbook);
	ob_out_text(ls->out, ob_account_status_name(a->status));
	ob_out_text(ls->out, status_since(a, since));
	ob_out_int(ls->out, (long long)ls->today - a->kickoff);
	ob_out_bool(ls->out, a->opt_out);
	ob_out_row_end(ls->out);
	ls->count++;
	return 0;
}

int ob_cmd_account_list(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"csm", required_argument, NULL, 0x200 + F_CSM},
		{"tier", required_argument, NULL, 0x200 + F_TIER},
		{"status", required_argument, NULL, 0x200 + F_STATUS},
		{0},
	};
	struct ob_account_filter filter = {.status = -1};
	struct list_state ls = {0};
	struct ob_store *st = NULL;
	struct ob_err err = {0};
	enum ob_format format;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", options, &code)) != -1) {
		if (c == OB_CLI_STOP)
			return code;
		if (c == 0x200 + F_CSM)
			filter.csm = optarg;
		else if (c == 0x200 + F_TIER)
			filter.tier = optarg;
		else if ((filter.status = ob_account_status_parse(optarg)) <
			 0) {
			ob_cli_error("bad status '%s': expected active, "
				     "paused, completed or churned",
				     optarg);
			return OB_EDATA;
		}
	}
	if (optind < argc)
		return ob_cli_usage_error(ctx, "unexpected argument '%s'",
					  argv[optind]);
	if (ob_cli_format(ctx, &format) < 0)
		return OB_EUSAGE;
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	ls.today = ctx->today; /* after the options: --today may follow */
	ls.out = ob_out_begin(stdout, format, account_columns,
			      sizeof(account_columns) / sizeof(account_columns[0]),
			      ctx->color);
	if (ob_store_account_list(st, &filter, list_one, &ls, &err) < 0)
		code = ob_cli_report(&err);
	ob_out_end(ls.out);
	if (code == OB_OK && ls.count == 0 && format == OB_FORMAT_TABLE)
		ob_cli_note(ctx, "no accounts match");
	ob_store_close(st);
	return code;
}

/* --- show --------------------------------------------------------------- */

static const struct ob_column timeline_columns[] = {
	{"checkin", "CHECK-IN", 18, false}, {"days", "DAYS", 0, false},
	{"opens", "OPENS", 0, false},	     {"closes", "CLOSES", 0, false},
	{"state", "STATE", 22, false},	     {"channel", "CHANNEL", 0, false},
	{"automated", "AUTO", 0, false},
};

static const struct ob_column milestone_columns[] = {
	{"milestone", "MILESTONE", 20, false}, {"title", "TITLE", 28, false},
	{"due", "DUE", 0, false},	       {"state", "STATE", 0, false},
};

static void show_field(const char *label, const char *value)
{
	if (value)
		printf("  %-9s %s\n", label, value);
}

static void join_reasons(struct ob_buf *b, const struct ob_reasons *r)
{
	ob_cli_text_reasons(b, r->items, r->n);
}

static void show_checkins(const struct ob_ctx *ctx, const struct ob_account *a,
			  const struct ob_assessment *as)
{
	struct ob_buf b = {0};
	struct ob_out *out = ob_out_begin(
		stdout, OB_FORMAT_TABLE, timeline_columns,
		sizeof(timeline_columns) / sizeof(timeline_columns[0]),
		ctx->color);
	printf("\ncheck-ins\n");
	for (size_t i = 0; i < as->ncheckins; i++) {
		const struct ob_checkin_instance *ci = &as->checkins[i];
		char od[OB_DATE_LEN] = "-", cd[OB_DATE_LEN] = "-";
		char when[OB_DATE_LEN];
		ob_out_text(out, ci->checkin->id);
		ob_buf_reset(&b);
		if (strcmp(ci->checkin->id, "follow-up") == 0)
			ob_buf_addf(&b, "%d", ci->opens - a->kickoff);
		else
			ob_checkin_window_text(ci->checkin, &b);
		ob_out_text(out, b.data);
		if (ci->dated) {
			ob_date_format(ci->opens, od);
			ob_date_format(ci->closes, cd);
		}
		ob_out_text(out, od);
		ob_out_text(out, cd);
		ob_buf_reset(&b);
		ob_buf_adds(&b, ob_checkin_state_name(ci->state));
		if (ci->state == OB_CI_OVERDUE)
			ob_buf_addf(&b, " %d day%s", ci->days_overdue,
				    ci->days_overdue == 1 ? "" : "s");
		if (ci->state == OB_CI_DONE || ci->state == OB_CI_SKIPPED) {
			ob_date_format(ci->done_on, when);
			ob_buf_addf(&b, " %s", when);
		}
		if (ci->state == OB_CI_SNOOZED) {
			ob_date_format(ci->snoozed_until, when);
			ob_buf_addf(&b, " to %s", when);
		}
		ob_out_text(out, b.data);
		ob_out_text(out, ob_channel_name(ci->channel));
		ob_out_text(out, ci->automated ? "yes" : "no");
		ob_out_row_end(out);
	}
	ob_out_end(out);
	ob_buf_release(&b);
}

static void show_milestones(const struct ob_ctx *ctx,
			    const struct ob_playbook *pb,
			    const struct ob_account *a,
			    const struct ob_assessment *as)
{
	ob_tier_set bit = (ob_tier_set)1 << as->tier;
	const struct ob_signals *sig = &as->signals;
	struct ob_out *out;
	if (!pb->nmilestones)
		return;
	printf("\nmilestones: %.0f done, %.0f overdue (%d%%)\n",
	       sig->m[OB_M_MILESTONES_DONE].v,
	       sig->m[OB_M_MILESTONES_OVERDUE].v, sig->progress);
	out = ob_out_begin(stdout, OB_FORMAT_TABLE, milestone_columns,
			   sizeof(milestone_columns) /
				   sizeof(milestone_columns[0]),
			   ctx->color);
	for (size_t m = 0; m < pb->nmilestones; m++) {
		const struct ob_milestone *ms = &pb->milestones[m];
		char due[OB_DATE_LEN];
		if (!(ms->tiers & bit))
			continue;
		ob_date_format(a->kickoff + ms->due_day, due);
		ob_out_text(out, ms->id);
		ob_out_text(out, ms->title);
		ob_out_text(out, due);
		ob_out_text(out, sig->milestone_done[m] ? "done"
				 : sig->as_of > a->kickoff + ms->due_day
					 ? "overdue"
					 : "open");
		ob_out_row_end(out);
	}
	ob_out_end(out);
}

static void show_metrics(const struct ob_signals *sig)
{
	int col = 0;
	printf("\nmetrics\n");
	for (int m = 0; m <= OB_NMETRICS + (int)sig->ncounts; m++) {
		char name[96], value[32];
		struct ob_metric_value v;
		if (m < OB_NMETRICS) {
			snprintf(name, sizeof(name), "%s",
				 ob_metric_name((enum ob_metric)m));
			v = sig->m[m];
		} else if (m - OB_NMETRICS < (int)sig->ncounts &&
			   sig->counts[m - OB_NMETRICS].custom) {
			snprintf(name, sizeof(name), "count.%.80s",
				 sig->counts[m - OB_NMETRICS].type);
			v.has = true;
			v.v = (double)sig->counts[m - OB_NMETRICS].n;
		} else {
			continue;
		}
		if (v.has)
			snprintf(value, sizeof(value), "%g", v.v);
		else
			snprintf(value, sizeof(value), "-");
		printf(col ? "    %-26s %6s\n" : "  %-26s %6s", name, value);
		col = !col;
	}
	if (col)
		putchar('\n');
}

static void json_field(struct ob_buf *b, const char *name, const char *value)
{
	ob_buf_addf(b, ",\"%s\":", name);
	if (value)
		ob_json_string(b, value);
	else
		ob_buf_adds(b, "null");
}

/* The whole timeline as one JSON object in an array, for scripts. */
static void show_json(const struct ob_playbook *pb, const struct ob_account *a,
		      const struct ob_assessment *as, ob_day today)
{
	struct ob_buf b = {0};
	char date[OB_DATE_LEN];
	ob_tier_set bit = (ob_tier_set)1 << as->tier;
	ob_buf_adds(&b, "[\n{\"id\":");
	ob_json_string(&b, a->id);
	json_field(&b, "name", a->name);
	json_field(&b, "tier", a->tier);
	ob_date_format(a->kickoff, date);
	json_field(&b, "kickoff", date);
	json_field(&b, "csm", a->csm);
	json_field(&b, "contact", a->contact);
	json_field(&b, "email", a->email);
	json_field(&b, "playbook", pb->name);
	json_field(&b, "status", ob_account_status_name(a->status));
	json_field(&b, "status_since", status_since(a, date));
	ob_buf_addf(&b, ",\"day\":%lld", (long long)today - a->kickoff);
	ob_buf_addf(&b, ",\"opt_out\":%s", a->opt_out ? "true" : "false");
	json_field(&b, "health", ob_status_name(as->health.status));
	ob_buf_adds(&b, ",\"reasons\":");
	ob_cli_json_reasons(&b, as->health.reasons.items,
			    as->health.reasons.n);
	ob_buf_adds(&b, ",\"escalations\":");
	ob_cli_json_reasons(&b, as->health.escalations.items,
			    as->health.escalations.n);
	ob_buf_adds(&b, ",\"dimensions\":");
	ob_cli_json_dimensions(&b, &as->health);
	ob_buf_adds(&b, ",\"checkins\":[");
	for (size_t i = 0; i < as->ncheckins; i++) {
		const struct ob_checkin_instance *ci = &as->checkins[i];
		ob_buf_adds(&b, i ? ",{\"checkin\":" : "{\"checkin\":");
		ob_json_string(&b, ci->checkin->id);
		json_field(&b, "title", ci->checkin->title);
		ob_date_format(ci->opens, date);
		json_field(&b, "opens", ci->dated ? date : NULL);
		ob_date_format(ci->closes, date);
		json_field(&b, "closes", ci->dated ? date : NULL);
		json_field(&b, "state", ob_checkin_state_name(ci->state));
		ob_buf_addf(&b, ",\"days_overdue\":%d", ci->days_overdue);
		json_field(&b, "channel", ob_channel_name(ci->channel));
		ob_buf_addf(&b, ",\"automated\":%s",
			    ci->automated ? "true" : "false");
		ob_date_format(ci->done_on, date);
		json_field(&b, "done_on",
			   ci->state == OB_CI_DONE || ci->state == OB_CI_SKIPPED
				   ? date
				   : NULL);
		ob_buf_addc(&b, '}');
	}
	ob_buf_adds(&b, "],\"milestones\":[");
	for (size_t m = 0, n = 0; m < pb->nmilestones; m++) {
		const struct ob_milestone *ms = &pb->milestones[m];
		if (!(ms->tiers & bit))
			continue;
		ob_buf_adds(&b, n++ ? ",{\"milestone\":" : "{\"milestone\":");
		ob_json_string(&b, ms->id);
		json_field(&b, "title", ms->title);
		ob_date_format(a->kickoff + ms->due_day, date);
		json_field(&b, "due", date);
		json_field(&b, "state",
			   as->signals.milestone_done[m]	      ? "done"
			   : today > a->kickoff + ms->due_day ? "overdue"
								: "open");
		ob_buf_addc(&b, '}');
	}
	ob_buf_addf(&b, "],\"progress\":%d,\"metrics\":",
		    as->signals.progress);
	ob_cli_json_metrics(&b, &as->signals);
	ob_buf_adds(&b, "}\n]\n");
	fputs(b.data, stdout);
	ob_buf_release(&b);
}

int ob_cmd_account_show(struct ob_ctx *ctx, int argc, char **argv)
{
	struct ob_account a = {0};
	struct ob_playbook_cache pc = {0};
	struct ob_assessment as = {0};
	struct ob_store *st = NULL;
	struct ob_err err = {0};
	const struct ob_playbook *pb;
	struct ob_buf b = {0};
	char date[OB_DATE_LEN], today[OB_DATE_LEN];
	int64_t pid;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", NULL, &code)) != -1)
		if (c == OB_CLI_STOP)
			return code;
	if (argc - optind != 1)
		return ob_cli_usage_error(ctx, "expected one account id");
	if (ctx->format && strcmp(ctx->format, "table") != 0 &&
	    strcmp(ctx->format, "json") != 0)
		return ob_cli_usage_error(ctx, "unknown format '%s' for account "
					       "show (expected table or json)",
					  ctx->format);
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	if (ob_store_begin_read(st, &err) < 0 ||
	    ob_store_account_get(st, argv[optind], false, &a, &err) < 0 ||
	    !(pb = ob_playbook_cache_get(&pc, st, NULL, a.playbook_id, &pid,
					 &err)) ||
	    ob_assess(st, pb, &a, ctx->today, &as, &err) < 0) {
		code = ob_cli_report(&err);
		goto out;
	}
	if (ctx->format && strcmp(ctx->format, "json") == 0) {
		show_json(pb, &a, &as, ctx->today);
		goto out;
	}
	ob_date_format(a.kickoff, date);
	ob_date_format(ctx->today, today);
	printf("%s: %s\n", a.id, a.name);
	ob_buf_addf(&b, "%s (%s), playbook %s", a.tier,
		    pb->tiers[as.tier].title, pb->name);
	show_field("tier", b.data);
	ob_buf_reset(&b);
	ob_buf_addf(&b, "%s (day %lld on %s)", date,
		    (long long)ctx->today - a.kickoff, today);
	show_field("kickoff", b.data);
	show_field("csm", a.csm);
	ob_buf_reset(&b);
	if (a.contact || a.email)
		ob_buf_addf(&b, "%s%s%s%s", a.contact ? a.contact : "",
			    a.contact && a.email ? " <" : "",
			    a.email ? a.email : "",
			    a.contact && a.email ? ">" : "");
	show_field("contact", b.len ? b.data : NULL);
	show_field("e-mail", a.opt_out ? "opted out: no automated e-mail"
				       : NULL);
	ob_buf_reset(&b);
	ob_buf_adds(&b, ob_account_status_name(a.status));
	if (a.has_status_since)
		ob_buf_addf(&b, " since %s", status_since(&a, date));
	show_field("status", b.data);
	ob_buf_reset(&b);
	ob_buf_adds(&b, ob_status_name(as.health.status));
	if (as.health.reasons.n)
		ob_buf_adds(&b, ": ");
	join_reasons(&b, &as.health.reasons);
	show_field("health", b.data);
	ob_buf_reset(&b);
	join_reasons(&b, &as.health.escalations);
	show_field("escalate", b.len ? b.data : NULL);
	for (size_t d = 0; d < as.health.ndims; d++) {
		ob_buf_reset(&b);
		ob_buf_addf(&b, as.health.dims[d].reasons.n ? "%-7s  " : "%s",
			    ob_status_name(as.health.dims[d].status));
		join_reasons(&b, &as.health.dims[d].reasons);
		printf("    %-15s %s\n", as.health.dims[d].name, b.data);
	}
	show_checkins(ctx, &a, &as);
	show_milestones(ctx, pb, &a, &as);
	show_metrics(&as.signals);
out:
	ob_store_rollback(st);
	ob_assessment_release(&as);
	ob_buf_release(&b);
	ob_account_release(&a);
	ob_playbook_cache_release(&pc);
	ob_store_close(st);
	return code;
}
