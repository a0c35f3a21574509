/* onboard score | escalations: status, reasons and metrics per account. */
#include <stdlib.h>
#include <string.h>

#include "onboard/cli.h"
#include "onboard/health.h"

/* The accounts a command looks at, in the order it reports them. */
struct selection {
	struct ob_account *items;
	size_t n;
};

static int keep_account(void *ctx, const struct ob_account *a)
{
	struct selection *sel = ctx;
	struct ob_account *copy;
	sel->items = xrealloc(sel->items, (sel->n + 1) * sizeof(*copy));
	copy = &sel->items[sel->n++];
	*copy = *a;
	copy->id = xstrdup(a->id);
	copy->name = xstrdup(a->name);
	copy->tier = xstrdup(a->tier);
	copy->csm = a->csm ? xstrdup(a->csm) : NULL;
	copy->contact = a->contact ? xstrdup(a->contact) : NULL;
	copy->email = a->email ? xstrdup(a->email) : NULL;
	copy->playbook = xstrdup(a->playbook);
	return 0;
}

static void selection_release(struct selection *sel)
{
	for (size_t i = 0; i < sel->n; i++)
		ob_account_release(&sel->items[i]);
	free(sel->items);
}

/* The named accounts, or every active one (of a CSM, when given). */
static int select_accounts(struct ob_store *st, char **ids, int nids,
			   const char *csm, struct selection *sel,
			   struct ob_err *err)
{
	struct ob_account_filter filter = {.csm = csm, .status = OB_ACTIVE};
	if (nids == 0)
		return ob_store_account_list(st, &filter, keep_account, sel,
					     err);
	for (int i = 0; i < nids; i++) {
		struct ob_account a = {0};
		if (ob_store_account_get(st, ids[i], false, &a, err) < 0)
			return -1;
		if (!csm || (a.csm && strcmp(a.csm, csm) == 0))
			keep_account(sel, &a);
		ob_account_release(&a);
	}
	return 0;
}

static void reasons_json(struct ob_buf *b, const struct ob_reasons *r)
{
	ob_buf_addc(b, '[');
	for (size_t i = 0; i < r->n; i++) {
		if (i)
			ob_buf_addc(b, ',');
		ob_json_string(b, r->items[i]);
	}
	ob_buf_addc(b, ']');
}

static void number_json(struct ob_buf *b, struct ob_metric_value v)
{
	if (!v.has)
		ob_buf_adds(b, "null");
	else if (v.v == (double)(long long)v.v)
		ob_buf_addf(b, "%lld", (long long)v.v);
	else
		ob_buf_addf(b, "%g", v.v);
}

/* {"engagement":{"status":"red","reasons":[...]},...} */
static void dimensions_json(struct ob_buf *b, const struct ob_health *h)
{
	ob_buf_addc(b, '{');
	for (size_t d = 0; d < h->ndims; d++) {
		if (d)
			ob_buf_addc(b, ',');
		ob_json_string(b, h->dims[d].name);
		ob_buf_adds(b, ":{\"status\":");
		ob_json_string(b, ob_status_name(h->dims[d].status));
		ob_buf_adds(b, ",\"reasons\":");
		reasons_json(b, &h->dims[d].reasons);
		ob_buf_addc(b, '}');
	}
	ob_buf_addc(b, '}');
}

/* Every metric of the table, then count.TYPE for each custom type seen. */
static void metrics_json(struct ob_buf *b, const struct ob_signals *s)
{
	ob_buf_addc(b, '{');
	for (int m = 0; m < OB_NMETRICS; m++) {
		if (m)
			ob_buf_addc(b, ',');
		ob_json_string(b, ob_metric_name((enum ob_metric)m));
		ob_buf_addc(b, ':');
		number_json(b, s->m[m]);
	}
	for (size_t i = 0; i < s->ncounts; i++) {
		struct ob_buf key = {0};
		if (!s->counts[i].custom)
			continue;
		ob_buf_addf(&key, "count.%s", s->counts[i].type);
		ob_buf_addc(b, ',');
		ob_json_string(b, key.data);
		ob_buf_addf(b, ":%lld", (long long)s->counts[i].n);
		ob_buf_release(&key);
	}
	ob_buf_addc(b, '}');
}

/* The dimension names of all the playbooks involved, first seen first. */
static size_t dimension_union(const struct ob_playbook *const *books,
			      size_t nbooks, const char ***out)
{
	size_t n = 0;
	*out = NULL;
	for (size_t b = 0; b < nbooks; b++) {
		for (size_t d = 0; d < books[b]->ndimensions; d++) {
			const char *name = books[b]->dimensions[d].name;
			size_t i = 0;
			while (i < n && strcmp((*out)[i], name) != 0)
				i++;
			if (i < n)
				continue;
			*out = xrealloc(*out, (n + 1) * sizeof(**out));
			(*out)[n++] = name;
		}
	}
	return n;
}

static const struct ob_column score_columns[] = {
	{"account", "ACCOUNT", 20, false}, {"as_of", NULL, 0, false},
	{"day", "DAY", 0, true},	    {"status", "STATUS", 0, false},
	{"reasons", "REASONS", 60, false}, {"dimensions", NULL, 0, false},
	{"metrics", NULL, 0, false},
};
#define NSCORE (sizeof(score_columns) / sizeof(score_columns[0]))

int ob_cmd_score(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"csm", required_argument, NULL, 'c'},
		{0},
	};
	struct ob_playbook_cache pc = {0};
	struct selection sel = {0};
	struct ob_store *st = NULL;
	struct ob_err err = {0};
	const struct ob_playbook **books = NULL;
	struct ob_column *cols = NULL;
	const char **dims = NULL;
	const char *csm = NULL;
	enum ob_format format;
	struct ob_out *out = NULL;
	char as_of[OB_DATE_LEN];
	size_t ndims = 0, ncols;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", options, &code)) != -1) {
		if (c == OB_CLI_STOP)
			return code;
		csm = optarg;
	}
	if (ob_cli_format(ctx, &format) < 0)
		return OB_EUSAGE;
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	if (ob_store_begin_read(st, &err) < 0 ||
	    select_accounts(st, argv + optind, argc - optind, csm, &sel,
			    &err) < 0)
		goto fail;
	books = xcalloc(sel.n + 1, sizeof(*books));
	for (size_t i = 0; i < sel.n; i++) {
		int64_t pid;
		if (!(books[i] = ob_playbook_cache_get(
			      &pc, st, NULL, sel.items[i].playbook_id, &pid,
			      &err)))
			goto fail;
	}
	/* CSV has a status column per dimension, so it needs them first. */
	ncols = NSCORE;
	cols = xcalloc(NSCORE + sel.n + 1, sizeof(*cols));
	memcpy(cols, score_columns, sizeof(score_columns));
	if (format == OB_FORMAT_CSV) {
		ndims = dimension_union(books, sel.n, &dims);
		ncols = NSCORE - 2 + ndims;
		for (size_t d = 0; d < ndims; d++)
			cols[NSCORE - 2 + d] = (struct ob_column){dims[d], NULL,
								  0, false};
	}
	ob_date_format(ctx->today, as_of);
	out = ob_out_begin(stdout, format, cols, ncols, ctx->color);
	for (size_t i = 0; i < sel.n; i++) {
		struct ob_assessment as;
		struct ob_buf json = {0};
		const char *const *reasons;
		if (ob_assess(st, books[i], &sel.items[i], ctx->today, &as,
			      &err) < 0)
			goto fail;
		reasons = as.health.reasons.items;
		ob_out_text(out, sel.items[i].id);
		ob_out_text(out, as_of);
		ob_out_int(out, (long long)as.signals.m[OB_M_DAY].v);
		ob_out_status(out, ob_status_name(as.health.status));
		ob_out_list(out, reasons, as.health.reasons.n);
		if (format == OB_FORMAT_CSV) {
			for (size_t d = 0; d < ndims; d++) {
				const char *status = NULL;
				for (size_t k = 0; k < as.health.ndims; k++)
					if (strcmp(as.health.dims[k].name,
						   dims[d]) == 0)
						status = ob_status_name(
							as.health.dims[k].status);
				ob_out_text(out, status ? status : "");
			}
		} else {
			dimensions_json(&json, &as.health);
			ob_out_json(out, json.data, "");
			ob_buf_reset(&json);
			metrics_json(&json, &as.signals);
			ob_out_json(out, json.data, "");
		}
		ob_out_row_end(out);
		ob_buf_release(&json);
		ob_assessment_release(&as);
	}
	goto done;
fail:
	code = ob_cli_report(&err);
done:
	if (out)
		ob_out_end(out);
	ob_store_rollback(st);
	free(books);
	free(cols);
	free(dims);
	selection_release(&sel);
	ob_playbook_cache_release(&pc);
	ob_store_close(st);
	return code;
}

static const struct ob_column escalation_columns[] = {
	{"account", "ACCOUNT", 18, false}, {"name", "NAME", 22, false},
	{"csm", "CSM", 12, false},	    {"status", "STATUS", 0, false},
	{"reasons", "REASONS", 50, false},
};

int ob_cmd_escalations(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"csm", required_argument, NULL, 'c'},
		{0},
	};
	struct ob_playbook_cache pc = {0};
	struct selection sel = {0};
	struct ob_store *st = NULL;
	struct ob_err err = {0};
	const char *csm = NULL;
	enum ob_format format;
	struct ob_out *out = NULL;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", options, &code)) != -1) {
		if (c == OB_CLI_STOP)
			return code;
		csm = optarg;
	}
	if (optind < argc)
		return ob_cli_usage_error(ctx, "unexpected argument '%s'",
					  argv[optind]);
	if (ob_cli_format(ctx, &format) < 0)
		return OB_EUSAGE;
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	if (ob_store_begin_read(st, &err) < 0 ||
	    select_accounts(st, NULL, 0, csm, &sel, &err) < 0)
		goto fail;
	out = ob_out_begin(stdout, format, escalation_columns,
			   sizeof(escalation_columns) /
				   sizeof(escalation_columns[0]),
			   ctx->color);
	for (size_t i = 0; i < sel.n; i++) {
		const struct ob_account *a = &sel.items[i];
		const struct ob_playbook *pb;
		struct ob_assessment as;
		int64_t pid;
		if (!(pb = ob_playbook_cache_get(&pc, st, NULL, a->playbook_id,
						 &pid, &err)) ||
		    ob_assess(st, pb, a, ctx->today, &as, &err) < 0)
			goto fail;
		if (as.health.escalations.n) {
			ob_out_text(out, a->id);
			ob_out_text(out, a->name);
			ob_out_text(out, a->csm);
			ob_out_status(out, ob_status_name(as.health.status));
			ob_out_list(out, as.health.escalations.items,
				    as.health.escalations.n);
			ob_out_row_end(out);
		}
		ob_assessment_release(&as);
	}
	goto done;
fail:
	code = ob_cli_report(&err);
done:
	if (out)
		ob_out_end(out);
	ob_store_rollback(st);
	selection_release(&sel);
	ob_playbook_cache_release(&pc);
	ob_store_close(st);
	return code;
}
