/* onboard due: what is due or overdue today, for the morning list. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "onboard/cli.h"
#include "onboard/health.h"

/*
 * An account with something due: kept once, shared by its rows. Its
 * texts are offsets into one arena, its reasons a range of one list of
 * the playbooks' texts: a list of many thousands stays small.
 */
struct due_account {
	size_t id, name, tier, csm; /* csm: SIZE_MAX when none */
	size_t reasons, nreasons;
	uint32_t first_row, nrows; /* its rows, in the playbook's order */
	uint8_t status;
	bool escalate;
};

/* One check-in due or overdue. */
struct due_row {
	const struct ob_checkin *checkin; /* in the playbook cache */
	uint32_t account;
	int32_t opens, closes;
	int32_t days_overdue; /* 0 when due */
	uint8_t channel;
	uint8_t status; /* the account's, for sorting */
	bool automated;
};

struct due {
	struct ob_store *st;
	struct ob_playbook_cache pc;
	ob_day today;
	bool only_overdue;
	int automated; /* -1 any, 0 manual only, 1 automated only */
	struct due_account *accounts;
	size_t naccounts, accounts_cap;
	struct ob_buf text;
	const char **reasons;
	size_t nreasons, reasons_cap;
	struct due_row *rows;
	size_t nrows, rows_cap;
	struct ob_err err;
};

static size_t keep_text(struct due *d, const char *text)
{
	size_t at = d->text.len;
	ob_buf_add(&d->text, text, strlen(text) + 1);
	return at;
}

static int visit(void *ctx, const struct ob_account *a,
		 const struct ob_playbook *pb, const struct ob_assessment *as)
{
	struct due *d = ctx;
	size_t account = d->naccounts;
	uint32_t first_row = (uint32_t)d->nrows;
	bool any = false;

	(void)pb;
	for (size_t i = 0; i < as->ncheckins; i++) {
		const struct ob_checkin_instance *ci = &as->checkins[i];
		struct due_row *r;
		if (ci->state != OB_CI_DUE && ci->state != OB_CI_OVERDUE)
			continue;
		if (d->only_overdue && ci->state != OB_CI_OVERDUE)
			continue;
		if (d->automated >= 0 && ci->automated != (d->automated == 1))
			continue;
		ob_grow(&d->rows, &d->rows_cap, d->nrows + 1, sizeof(*d->rows));
		r = &d->rows[d->nrows++];
		r->account = (uint32_t)account;
		r->checkin = ci->checkin;
		r->opens = ci->opens;
		r->closes = ci->closes;
		r->days_overdue = ci->state == OB_CI_OVERDUE ? ci->days_overdue
							     : 0;
		r->channel = (uint8_t)ci->channel;
		r->status = (uint8_t)as->health.status;
		r->automated = ci->automated;
		any = true;
	}
	if (any) {
		struct due_account *da;
		ob_grow(&d->accounts, &d->accounts_cap, d->naccounts + 1,
			sizeof(*d->accounts));
		da = &d->accounts[d->naccounts++];
		da->first_row = first_row;
		da->nrows = (uint32_t)(d->nrows - first_row);
		da->id = keep_text(d, a->id);
		da->name = keep_text(d, a->name);
		da->tier = keep_text(d, a->tier);
		da->csm = a->csm ? keep_text(d, a->csm) : SIZE_MAX;
		da->status = (uint8_t)as->health.status;
		da->reasons = d->nreasons;
		da->nreasons = as->health.reasons.n;
		ob_grow(&d->reasons, &d->reasons_cap,
			d->nreasons + da->nreasons + 1, sizeof(char *));
		if (da->nreasons)
			memcpy(d->reasons + d->nreasons,
			       as->health.reasons.items,
			       da->nreasons * sizeof(char *));
		d->nreasons += da->nreasons;
		da->escalate = as->health.escalations.n > 0;
	}
	return 0;
}

static const struct due_account *sort_accounts;
static const char *sort_text;

static int cmp_account_ids(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return strcmp(sort_text + sort_accounts[a].id,
		      sort_text + sort_accounts[b].id);
}

/* Ascending in this key: most overdue first, then red, yellow, green. */
static uint64_t urgency(const struct due_row *r)
{
	return (uint64_t)(uint32_t)(INT32_MAX - r->days_overdue) << 2 |
	       (uint64_t)(OB_RED - r->status);
}

/*
 * Puts the rows in the list's order: overdue first, most overdue first,
 * red before yellow before green, then by account id, then in the
 * playbook's order. Laid out by account id (each account's rows already
 * in the playbook's order), then a stable radix sort by urgency: linear,
 * where a comparison sort of half a million rows was an eighth of the
 * command.
 */
static void order_rows(struct due *d)
{
	uint32_t *by_id = xcalloc(d->naccounts + 1, sizeof(*by_id));
	/* As big as d->rows: either may end up as it. */
	struct due_row *rows = xcalloc(d->rows_cap, sizeof(*rows));
	struct due_row *tmp = d->rows;
	size_t n = 0;
	for (size_t i = 0; i < d->naccounts; i++)
		by_id[i] = (uint32_t)i;
	sort_accounts = d->accounts;
	sort_text = d->text.data;
	/* Accounts imported in id order come in it (rowid order): a
	 * merge sort of them was 7% of a due over 100,000. */
	for (size_t i = 1; i < d->naccounts; i++)
		if (cmp_account_ids(&by_id[i - 1], &by_id[i]) > 0) {
			qsort(by_id, d->naccounts, sizeof(*by_id),
			      cmp_account_ids);
			break;
		}
	for (size_t i = 0; i < d->naccounts; i++) {
		const struct due_account *a = &d->accounts[by_id[i]];
		memcpy(rows + n, tmp + a->first_row, a->nrows * sizeof(*rows));
		n += a->nrows;
	}
	free(by_id);
	for (int shift = 0; shift < 34; shift += 8) {
		size_t count[257] = {0};
		struct due_row *swap;
		for (size_t i = 0; i < n; i++)
			count[(urgency(&rows[i]) >> shift & 0xff) + 1]++;
		/* One digit for all: the pass would change nothing. */
		if (count[(urgency(&rows[0]) >> shift & 0xff) + 1] == n)
			continue;
		for (int b = 0; b < 256; b++)
			count[b + 1] += count[b];
		for (size_t i = 0; i < n; i++) {
			uint64_t digit = urgency(&rows[i]) >> shift & 0xff;
			tmp[count[digit]++] = rows[i];
		}
		swap = rows;
		rows = tmp;
		tmp = swap;
	}
	free(tmp);
	d->rows = rows;
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
		char opens[OB_DATE_LEN], closes[OB_DATE_LEN], late[32];
		const char *state = r->days_overdue ? "overdue" : "due";
		/* Rows go by lateness, their accounts all over memory: ask
		 * for what the rows a few on need while this one is written. */
		if (i + 8 < d->nrows)
			OB_PREFETCH(&d->accounts[d->rows[i + 8].account]);
		if (i + 4 < d->nrows) {
			const struct due_account *soon =
				&d->accounts[d->rows[i + 4].account];
			OB_PREFETCH(d->text.data + soon->id);
			OB_PREFETCH(d->reasons + soon->reasons);
		}
		ob_date_format(r->opens, opens);
		ob_date_format(r->closes, closes);
		if (table && r->days_overdue) {
			snprintf(late, sizeof(late), "%dd overdue",
				 r->days_overdue);
			state = late;
		}
		const char *text = d->text.data;
		ob_out_text(out, text + a->id);
		ob_out_text(out, text + a->name);
		ob_out_text(out, text + a->tier);
		ob_out_text(out, a->csm == SIZE_MAX ? NULL : text + a->csm);
		ob_out_text(out, r->checkin->id);
		ob_out_text(out, r->checkin->title);
		ob_out_text(out, opens);
		ob_out_text(out, closes);
		ob_out_alert(out, state, r->days_overdue > 0);
		ob_out_int(out, r->days_overdue);
		ob_out_text(out, ob_channel_name((enum ob_channel)r->channel));
		if (table)
			ob_out_text(out, r->automated ? "yes" : "");
		else
			ob_out_bool(out, r->automated);
		ob_out_status(out, ob_status_name((enum ob_status)a->status));
		ob_out_list(out, d->reasons + a->reasons, a->nreasons);
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
	    ob_cli_assess_each(d.st, &d.pc, &filter, d.today, false, visit,
			       &d, &d.err) < 0) {
		code = ob_cli_report(&d.err);
		goto out;
	}
	if (d.nrows)
		order_rows(&d);
	print_rows(ctx, &d, format);
out:
	ob_store_rollback(d.st);
	free(d.accounts);
	free(d.reasons);
	ob_buf_release(&d.text);
	free(d.rows);
	ob_playbook_cache_release(&d.pc);
	ob_store_close(d.st);
	return code;
}
