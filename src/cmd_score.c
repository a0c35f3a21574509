/* onboard score | escalations: status, reasons and metrics per account. */
#include <stdlib.h>
#include <string.h>

#include "onboard/cli.h"
#include "onboard/health.h"

/*
 * Calls fn for each account a command looks at: the named ones, in the
 * order given, or every active one (of a CSM, when given) by id. Streams:
 * a hundred thousand accounts are never all in memory.
 */
/* An unknown id fails the command before anything is printed. */
static int check_ids(struct ob_store *st, char **ids, int nids,
		     struct ob_err *err)
{
	for (int i = 0; i < nids; i++) {
		struct ob_account a = {0};
		if (ob_store_account_get(st, ids[i], false, &a, err) < 0)
			return -1;
		ob_account_release(&a);
	}
	return 0;
}

static int each_account(struct ob_store *st, char **ids, int nids,
			const char *csm,
			int (*fn)(void *ctx, const struct ob_account *a),
			void *ctx, struct ob_err *err)
{
	struct ob_account_filter filter = {.csm = csm, .status = OB_ACTIVE};
	if (nids == 0)
		return ob_store_account_list(st, &filter, fn, ctx, err);
	for (int i = 0; i < nids; i++) {
		struct ob_account a = {0};
		int r = 0;
		if (ob_store_account_get(st, ids[i], false, &a, err) < 0)
			return -1;
		if (!csm || (a.csm && strcmp(a.csm, csm) == 0))
			r = fn(ctx, &a);
		ob_account_release(&a);
		if (r)
			return r < 0 ? -1 : 0;
	}
	return 0;
}

/* What the per-account visitors of score and escalations share. */
struct visit {
	struct ob_store *st;
	struct ob_playbook_cache pc;
	struct ob_out *out;
	enum ob_format format;
	ob_day today;
	char as_of[OB_DATE_LEN];
	const char **dims; /* score, CSV: the dimension columns */
	size_t ndims;
	/*
	 * Every account (not named ones): read in one pass, as due does.
	 * Listed by id, they come in rowid order too when they were added
	 * in id order; one that was not costs ob_assess's queries, as a
	 * named one does.
	 */
	struct ob_stream *stream;
	struct ob_err err;
};

static int assess(struct visit *v, const struct ob_account *a,
		  struct ob_assessment *as)
{
	int64_t pid;
	const struct ob_playbook *pb = ob_playbook_cache_get(
		&v->pc, v->st, NULL, a->playbook_id, &pid, &v->err);
	if (!pb)
		return -1;
	return v->stream ? ob_cli_assess_streamed(v->stream, pb, a, v->today,
						  true, as, &v->err)
			 : ob_assess(v->st, pb, a, v->today, as, &v->err);
}

static int add_dimensions(void *ctx, const struct ob_playbook_row *row)
{
	struct visit *v = ctx;
	int64_t pid;
	const struct ob_playbook *pb =
		ob_playbook_cache_get(&v->pc, v->st, NULL, row->id, &pid,
				      &v->err);
	if (!pb)
		return -1;
	for (size_t d = 0; d < pb->ndimensions; d++) {
		size_t i = 0;
		while (i < v->ndims &&
		       strcmp(v->dims[i], pb->dimensions[d].name) != 0)
			i++;
		if (i < v->ndims)
			continue;
		v->dims = xrealloc(v->dims, (v->ndims + 1) * sizeof(*v->dims));
		v->dims[v->ndims++] = pb->dimensions[d].name;
	}
	return 0;
}

static const struct ob_column score_columns[] = {
	{"account", "ACCOUNT", 20, false}, {"as_of", NULL, 0, false},
	{"day", "DAY", 0, true},	    {"status", "STATUS", 0, false},
	{"reasons", "REASONS", 60, false}, {"dimensions", NULL, 0, false},
	{"metrics", NULL, 0, false},
};
#define NSCORE (sizeof(score_columns) / sizeof(score_columns[0]))

static int score_one(void *ctx, const struct ob_account *a)
{
	struct visit *v = ctx;
	struct ob_assessment as;
	struct ob_buf json = {0};
	if (assess(v, a, &as) < 0)
		return -1;
	ob_out_text(v->out, a->id);
	ob_out_text(v->out, v->as_of);
	ob_out_int(v->out, (long long)as.signals.m[OB_M_DAY].v);
	ob_out_status(v->out, ob_status_name(as.health.status));
	ob_out_list(v->out, as.health.reasons.items, as.health.reasons.n);
	if (v->format == OB_FORMAT_CSV) {
		for (size_t d = 0; d < v->ndims; d++) {
			const char *status = "";
			for (size_t k = 0; k < as.health.ndims; k++)
				if (strcmp(as.health.dims[k].name, v->dims[d]) ==
				    0)
					status = ob_status_name(
						as.health.dims[k].status);
			ob_out_text(v->out, status);
		}
	} else {
		ob_cli_json_dimensions(&json, &as.health);
		ob_out_json(v->out, json.data, "");
		ob_buf_reset(&json);
		ob_cli_json_metrics(&json, &as.signals);
		ob_out_json(v->out, json.data, "");
	}
	ob_out_row_end(v->out);
	ob_buf_release(&json);
	ob_assessment_release(&as);
	return 0;
}

int ob_cmd_score(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"csm", required_argument, NULL, 'c'},
		{0},
	};
	struct visit v = {0};
	struct ob_column *cols = NULL;
	const char *csm = NULL;
	size_t ncols = NSCORE;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", options, &code)) != -1) {
		if (c == OB_CLI_STOP)
			return code;
		csm = optarg;
	}
	if (ob_cli_format(ctx, &v.format) < 0)
		return OB_EUSAGE;
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &v.st)) != OB_OK)
		return code;
	v.today = ctx->today;
	ob_date_format(ctx->today, v.as_of);
	if (ob_store_begin_read(v.st, &v.err) < 0 ||
	    check_ids(v.st, argv + optind, argc - optind, &v.err) < 0)
		goto fail;
	/*
	 * CSV has a status column per dimension: those of every stored
	 * playbook, so the columns do not change with the accounts chosen.
	 */
	if (v.format == OB_FORMAT_CSV &&
	    ob_store_playbook_list(v.st, add_dimensions, &v, &v.err) < 0)
		goto fail;
	cols = xcalloc(NSCORE + v.ndims + 1, sizeof(*cols));
	memcpy(cols, score_columns, sizeof(score_columns));
	if (v.format == OB_FORMAT_CSV) {
		ncols = NSCORE - 2 + v.ndims;
		for (size_t d = 0; d < v.ndims; d++)
			cols[NSCORE - 2 + d] =
				(struct ob_column){v.dims[d], NULL, 0, false};
	}
	v.out = ob_out_begin(stdout, v.format, cols, ncols, ctx->color);
	if ((optind == argc &&
	     ob_store_stream_open(v.st, v.today, &v.stream, &v.err) < 0) ||
	    each_account(v.st, argv + optind, argc - optind, csm, score_one,
			 &v, &v.err) < 0)
		goto fail;
	goto done;
fail:
	code = ob_cli_report(&v.err);
done:
	if (v.out)
		ob_out_end(v.out);
	ob_store_stream_close(v.stream);
	ob_store_rollback(v.st);
	free(cols);
	free(v.dims);
	ob_playbook_cache_release(&v.pc);
	ob_store_close(v.st);
	return code;
}

static const struct ob_column escalation_columns[] = {
	{"account", "ACCOUNT", 18, false}, {"name", "NAME", 22, false},
	{"csm", "CSM", 12, false},	    {"status", "STATUS", 0, false},
	{"reasons", "REASONS", 50, false},
};

static int escalate_one(void *ctx, const struct ob_account *a)
{
	struct visit *v = ctx;
	struct ob_assessment as;
	if (assess(v, a, &as) < 0)
		return -1;
	if (as.health.escalations.n) {
		ob_out_text(v->out, a->id);
		ob_out_text(v->out, a->name);
		ob_out_text(v->out, a->csm);
		ob_out_status(v->out, ob_status_name(as.health.status));
		ob_out_list(v->out, as.health.escalations.items,
			    as.health.escalations.n);
		ob_out_row_end(v->out);
	}
	ob_assessment_release(&as);
	return 0;
}

int ob_cmd_escalations(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"csm", required_argument, NULL, 'c'},
		{0},
	};
	struct visit v = {0};
	const char *csm = NULL;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", options, &code)) != -1) {
		if (c == OB_CLI_STOP)
			return code;
		csm = optarg;
	}
	if (optind < argc)
		return ob_cli_usage_error(ctx, "unexpected argument '%s'",
					  argv[optind]);
	if (ob_cli_format(ctx, &v.format) < 0)
		return OB_EUSAGE;
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &v.st)) != OB_OK)
		return code;
	v.today = ctx->today;
	if (ob_store_begin_read(v.st, &v.err) < 0)
		goto fail;
	v.out = ob_out_begin(stdout, v.format, escalation_columns,
			     sizeof(escalation_columns) /
				     sizeof(escalation_columns[0]),
			     ctx->color);
	if (ob_store_stream_open(v.st, v.today, &v.stream, &v.err) < 0 ||
	    each_account(v.st, NULL, 0, csm, escalate_one, &v, &v.err) < 0)
		goto fail;
	goto done;
fail:
	code = ob_cli_report(&v.err);
done:
	if (v.out)
		ob_out_end(v.out);
	ob_store_stream_close(v.stream);
	ob_store_rollback(v.st);
	ob_playbook_cache_release(&v.pc);
	ob_store_close(v.st);
	return code;
}
