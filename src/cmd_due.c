/* onboard due: what is due or overdue today, for the morning list. */
#include <stdlib.h>
#include <string.h>

#include "onboard/cli.h"
#include "onboard/health.h"

/* An account with something due: kept once, shared by its rows. */
struct due_account {
	char *id, *name, *tier, *csm;
	enum ob_status status;
	const char **reasons; /* the playbook's texts */
	size_t nreasons;
	bool escalate;
};

/* One check-in due or overdue; small, as there may be many. */
struct due_row {
	size_t account;
	const struct ob_checkin *checkin; /* in the playbook cache */
	int order;			  /* in the playbook; follow-up last */
	ob_day opens, closes;
	int days_overdue; /* 0 when due */
	enum ob_channel channel;
	bool automated;
};

struct due {
	struct ob_store *st;
	struct ob_stream *stream;
	struct ob_playbook_cache pc;
	ob_day today;
	bool only_overdue;
	int automated; /* -1 any, 0 manual only, 1 automated only */
	struct due_account *accounts;
	size_t naccounts, accounts_cap;
	struct due_row *rows;
	size_t nrows, rows_cap;
	struct ob_err err;
};

static int visit(void *ctx, const struct ob_account *a)
{
	struct due *d = ctx;
	struct ob_account_data data;
	struct ob_assessment as;
	const struct ob_playbook *pb;
	size_t account = d->naccounts;
	bool any = false;
	int64_t pid;

	if (!(pb = ob_playbook_cache_get(&d->pc, d->st, NULL, a->playbook_id,
					 &pid, &d->err)) ||
	    ob_store_stream_account(d->stream, a->rowid, &data, &d->err) < 0)
		return -1;
	if (ob_assess_data(d->st, pb, a, d->today, &data, &as, &d->err) < 0) {
		ob_account_data_release(&data);
		return -1;
	}
	for (size_t i = 0; i < as.ncheckins; i++) {
		const struct ob_checkin_instance *ci = &as.checkins[i];
		struct due_row *r;
		if (ci->state != OB_CI_DUE && ci->state != OB_CI_OVERDUE)
			continue;
		if (d->only_overdue && ci->state != OB_CI_OVERDUE)
			continue;
		if (d->automated >= 0 && ci->automated != (d->automated == 1))
			continue;
		ob_grow(&d->rows, &d->rows_cap, d->nrows + 1, sizeof(*d->rows));
		r = &d->rows[d->nrows++];
		r->account = account;
		r->checkin = ci->checkin;
		r->order = (int)i;
		r->opens = ci->opens;
		r->closes = ci->closes;
		r->days_overdue = ci->state == OB_CI_OVERDUE ? ci->days_overdue
							     : 0;
		r->channel = ci->channel;
		r->automated = ci->automated;
		any = true;
	}
	if (any) {
		struct due_account *da;
		ob_grow(&d->accounts, &d->accounts_cap, d->naccounts + 1,
			sizeof(*d->accounts));
		da = &d->accounts[d->naccounts++];
		da->id = xstrdup(a->id);
		da->name = xstrdup(a->name);
		da->tier = xstrdup(a->tier);
		da->csm = a->csm ? xstrdup(a->csm) : NULL;
		da->status = as.health.status;
		da->nreasons = as.health.reasons.n;
		da->reasons = xcalloc(da->nreasons + 1, sizeof(char *));
		memcpy(da->reasons, as.health.reasons.items,
		       da->nreasons * sizeof(char *));
		da->escalate = as.health.escalations.n > 0;
	}
	ob_assessment_release(&as);
	ob_account_data_release(&data);
	return 0;
}

static const struct due_account *sort_accounts;

/* Overdue first, most overdue first, red before yellow before green,
 * then by account, then in the playbook's order. */
static int cmp_rows(const void *x, const void *y)
{
	const struct due_row *a = x, *b = y;
	const struct due_account *aa = &sort_accounts[a->account];
	const struct due_account *ba = &sort_accounts[b->account];
	int c;
	if ((a->days_overdue > 0) != (b->days_overdue > 0) ||
	    a->days_overdue != b->days_overdue)
		return a->days_overdue > b->days_overdue ? -1 : 1;
	if (aa->status != ba->status)
		return aa->status > ba->status ? -1 : 1;
	if ((c = strcmp(aa->id, ba->id)) != 0)
		return c;
	return (a->order > b->order) - (a->order < b->order);
}

static const struct ob_column due_columns[] = {
	{"account", "ACCOUNT", 16, false},
	{"name", NULL, 0, false},
	{"tier", NULL, 0, false},
	{"csm", NULL, 0, false},
	{"checkin", "CHECK-IN", 18, false},
	{"title", NULL, 0, false},
	{"opens", NULL, 0, false},
	{"closes", NULL, 0, false},
	{"state", "STATE", 0, false},
	{"days_overdue", NULL, 0, true},
	{"channel", "CHANNEL", 0, false},
	{"automated", "AUTO", 0, false},
	{"status", "STATUS", 0, false},
	{"reasons", "REASONS", 40, false},
	{"escalate", "ESC", 0, false},
};

static void print_rows(const struct ob_ctx *ctx, struct due *d,
		       enum ob_format format)
{
	struct ob_out *out = ob_out_begin(stdout, format, due_columns,
					  sizeof(due_columns) /
						  sizeof(due_columns[0]),
					  ctx->color);
	bool table = format == OB_FORMAT_TABLE;
	size_t due = 0, overdue = 0, red = 0;
	for (size_t i = 0; i < d->nrows; i++) {
		const struct due_row *r = &d->rows[i];
		const struct due_account *a = &d->accounts[r->account];
		char opens[OB_DATE_LEN], closes[OB_DATE_LEN], state[32];
		ob_date_format(r->opens, opens);
		ob_date_format(r->closes, closes);
		if (table && r->days_overdue)
			snprintf(state, sizeof(state), "%dd overdue",
				 r->days_overdue);
		else
			snprintf(state, sizeof(state), "%s",
				 r->days_overdue ? "overdue" : "due");
		ob_out_text(out, a->id);
		ob_out_text(out, a->name);
		ob_out_text(out, a->tier);
		ob_out_text(out, a->csm);
		ob_out_text(out, r->checkin->id);
		ob_out_text(out, r->checkin->title);
		ob_out_text(out, opens);
		ob_out_text(out, closes);
		ob_out_alert(out, state, r->days_overdue > 0);
		ob_out_int(out, r->days_overdue);
		ob_out_text(out, ob_channel_name(r->channel));
		if (table)
			ob_out_text(out, r->automated ? "yes" : "");
		else
			ob_out_bool(out, r->automated);
		ob_out_status(out, ob_status_name(a->status));
		ob_out_list(out, a->reasons, a->nreasons);
		if (table)
			ob_out_alert(out, a->escalate ? "yes" : "", true);
		else
			ob_out_bool(out, a->escalate);
		ob_out_row_end(out);
		if (r->days_overdue)
			overdue++;
		else
			due++;
	}
	ob_out_end(out);
	for (size_t i = 0; i < d->naccounts; i++)
		red += d->accounts[i].status == OB_RED;
	if (table)
		printf("%zu due, %zu overdue, %zu red account%s\n", due, overdue,
		       red, red == 1 ? "" : "s");
}

int ob_cmd_due(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"csm", required_argument, NULL, 'c'},
		{"tier", required_argument, NULL, 't'},
		{"overdue", no_argument, NULL, 'o'},
		{"automated", no_argument, NULL, 'a'},
		{"manual", no_argument, NULL, 'm'},
		{0},
	};
	struct ob_account_filter filter = {.status = OB_ACTIVE};
	struct due d = {.automated = -1};
	enum ob_format format;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", options, &code)) != -1) {
		if (c == OB_CLI_STOP)
			return code;
		if (c == 'c')
			filter.csm = optarg;
		else if (c == 't')
			filter.tier = optarg;
		else if (c == 'o')
			d.only_overdue = true;
		else if (d.automated >= 0 && d.automated != (c == 'a'))
			return ob_cli_usage_error(ctx, "--automated and --manual "
						       "exclude each other");
		else
			d.automated = c == 'a';
	}
	if (optind < argc)
		return ob_cli_usage_error(ctx, "unexpected argument '%s'",
					  argv[optind]);
	if (ob_cli_format(ctx, &format) < 0)
		return OB_EUSAGE;
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &d.st)) != OB_OK)
		return code;
	d.today = ctx->today;
	if (ob_store_begin_read(d.st, &d.err) < 0 ||
	    ob_store_stream_open(d.st, d.today, &d.stream, &d.err) < 0 ||
	    ob_store_account_list_by_rowid(d.st, &filter, visit, &d, &d.err) <
		    0) {
		code = ob_cli_report(&d.err);
		goto out;
	}
	sort_accounts = d.accounts;
	qsort(d.rows, d.nrows, sizeof(*d.rows), cmp_rows);
	print_rows(ctx, &d, format);
out:
	ob_store_stream_close(d.stream);
	ob_store_rollback(d.st);
	for (size_t i = 0; i < d.naccounts; i++) {
		free(d.accounts[i].id);
		free(d.accounts[i].name);
		free(d.accounts[i].tier);
		free(d.accounts[i].csm);
		free(d.accounts[i].reasons);
	}
	free(d.accounts);
	free(d.rows);
	ob_playbook_cache_release(&d.pc);
	ob_store_close(d.st);
	return code;
}
