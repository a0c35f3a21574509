#include "onboard/cli.h"

#include "onboard/health.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_DB = 0x1000,
	OPT_TODAY,
	OPT_FORMAT,
	OPT_VERSION,
};

static const struct option global_options[] = {
	{"db", required_argument, NULL, OPT_DB},
	{"today", required_argument, NULL, OPT_TODAY},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
};
#define NGLOBAL (sizeof(global_options) / sizeof(global_options[0]))

/*
 * Writes one line to stderr. Messages quote what users and their files
 * gave (ids, names, paths, cells): whatever in it would drive a terminal
 * (an escape sequence setting the title, a bidi override) is made
 * visible here, where every message leaves, so no message can miss it.
 */
static void vdiag(const char *prefix, const char *fmt, va_list ap)
{
	struct ob_buf text = {0}, line = {0};
	ob_buf_vaddf(&text, fmt, ap);
	ob_buf_adds(&line, prefix);
	ob_buf_add_visible(&line, text.data ? text.data : "", text.len);
	ob_buf_addc(&line, '\n');
	fwrite(line.data, 1, line.len, stderr);
	ob_buf_release(&text);
	ob_buf_release(&line);
}

static void vsay(const char *fmt, va_list ap)
{
	vdiag("onboard: ", fmt, ap);
}

void ob_cli_diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag("", fmt, ap);
	va_end(ap);
}

void ob_cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

void ob_cli_note(const struct ob_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	if (ctx->quiet)
		return;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

/* The next word's length; an option in brackets is one word. */
static size_t word_length(const char *text)
{
	size_t n = 0;
	int depth = 0;
	for (; text[n] && (depth > 0 || text[n] != ' '); n++) {
		if (text[n] == '[')
			depth++;
		else if (text[n] == ']' && depth > 0)
			depth--;
	}
	return n;
}

void ob_cli_print_wrapped(FILE *f, const char *text, int at, int indent)
{
	int col = at;
	bool first = true;
	for (;;) {
		size_t n;
		while (*text == ' ')
			text++;
		if (!(n = word_length(text)))
			break;
		if (!first && col + 1 + (int)n > OB_CLI_HELP_WIDTH) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (!first) {
			putc(' ', f);
			col++;
		}
		fwrite(text, 1, n, f);
		col += (int)n;
		text += n;
		first = false;
	}
	putc('\n', f);
}

static void print_synopsis(FILE *f, const struct ob_command *cmd)
{
	int at =
	    fprintf(f, "usage: onboard %s%s%s%s", cmd->group ? cmd->group : "",
		    cmd->group ? " " : "", cmd->name, *cmd->usage ? " " : "");
	ob_cli_print_wrapped(f, cmd->usage, at, at);
}

int ob_cli_usage_error(const struct ob_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	if (ctx->cmd)
		print_synopsis(stderr, ctx->cmd);
	return OB_EUSAGE;
}

int ob_cli_report(const struct ob_err *err)
{
	ob_cli_error("%s", err->msg);
	return err->code ? err->code : OB_EFAIL;
}

void ob_cli_print_diags(const char *file, const struct ob_diags *diags)
{
	for (size_t i = 0; i < diags->n; i++)
		ob_cli_diag("%s:%d:%d: error: %s", file,
			diags->items[i].line, diags->items[i].column,
			diags->items[i].message);
	if (diags->dropped)
		ob_cli_diag("%s: %zu more errors not shown", file,
			diags->dropped);
}

static void print_command_help(const struct ob_command *cmd)
{
	print_synopsis(stdout, cmd);
	putchar('\n');
	ob_cli_print_wrapped(stdout, cmd->summary, 0, 0);
	if (cmd->help && *cmd->help)
		printf("\nOptions:\n%s", cmd->help);
	printf("\nGlobal options (before or after the command): --db PATH, "
	       "--today DATE,\n--format FORMAT, -q/--quiet, -h/--help, "
	       "--version. See 'onboard --help'.\n");
}

int ob_cli_apply_global(struct ob_ctx *ctx, int opt, const char *arg,
			int *exit_code)
{
	switch (opt) {
	case OPT_DB:
		if (!*arg) {
			*exit_code = ob_cli_usage_error(
				ctx, "--db needs a path, not an empty string");
			return -1;
		}
		ctx->db_path = arg;
		return 0;
	case OPT_TODAY:
		if (!ob_date_parse(arg, &ctx->today)) {
			ob_cli_error("bad --today '%s': expected a date "
				     "YYYY-MM-DD",
				     arg);
			*exit_code = OB_EDATA;
			return -1;
		}
		ctx->today_given = true;
		return 0;
	case OPT_FORMAT:
		ctx->format = arg;
		return 0;
	case 'q':
		ctx->quiet = true;
		return 0;
	case OPT_VERSION:
		printf("onboard %s\n", ONBOARD_VERSION);
		*exit_code = OB_OK;
		return -1;
	}
	return 1; /* not a global option */
}

const struct option *ob_cli_global_options(size_t *n)
{
	*n = NGLOBAL;
	return global_options;
}

int ob_cli_option_error(const struct ob_ctx *ctx, int c, char **argv)
{
	const char *arg = argv[optind - 1];
	/* A long option may carry a letter as its id: '--csm' is not '-c'. */
	bool short_opt = optopt && optopt < 0x100 && strncmp(arg, "--", 2) != 0;
	if (c == ':' && short_opt)
		return ob_cli_usage_error(ctx, "option '-%c' needs a value",
					  optopt);
	if (c == ':')
		return ob_cli_usage_error(ctx, "option '%s' needs a value", arg);
	if (short_opt)
		return ob_cli_usage_error(ctx, "unknown option '-%c'", optopt);
	return ob_cli_usage_error(ctx, "unknown option '%s'", arg);
}

int ob_cli_getopt(struct ob_ctx *ctx, int argc, char **argv,
		  const char *shortopts, const struct option *longopts,
		  int *exit_code)
{
	struct option all[48];
	char shorts[64];
	size_t n = 0;
	int c, r;

	for (const struct option *o = longopts; o && o->name; o++)
		if (n < 40)
			all[n++] = *o;
	for (size_t i = 0; i < NGLOBAL; i++)
		all[n++] = global_options[i];
	memset(&all[n], 0, sizeof(all[n]));
	snprintf(shorts, sizeof(shorts), ":%sqh", shortopts ? shortopts : "");
	opterr = 0;
	c = getopt_long(argc, argv, shorts, all, NULL);
	if (c == -1) {
		/* The options are all read: --today, if given, wins. */
		if (!ctx->today_given && ctx->today_env &&
		    !ob_date_parse(ctx->today_env, &ctx->today)) {
			ob_cli_error("bad ONBOARD_TODAY '%s': expected a date "
				     "YYYY-MM-DD",
				     ctx->today_env);
			*exit_code = OB_EDATA;
			return OB_CLI_STOP;
		}
		return -1;
	}
	if (c == '?' || c == ':') {
		*exit_code = ob_cli_option_error(ctx, c, argv);
		return OB_CLI_STOP;
	}
	if (c == 'h') {
		print_command_help(ctx->cmd);
		*exit_code = OB_OK;
		return OB_CLI_STOP;
	}
	r = ob_cli_apply_global(ctx, c, optarg, exit_code);
	if (r < 0)
		return OB_CLI_STOP;
	if (r == 0)
		return ob_cli_getopt(ctx, argc, argv, shortopts, longopts,
				     exit_code);
	return c;
}

int ob_cli_format(const struct ob_ctx *ctx, enum ob_format *out)
{
	const char *f = ctx->format ? ctx->format : "table";
	if (strcmp(f, "table") == 0)
		*out = OB_FORMAT_TABLE;
	else if (strcmp(f, "json") == 0)
		*out = OB_FORMAT_JSON;
	else if (strcmp(f, "csv") == 0)
		*out = OB_FORMAT_CSV;
	else
		return ob_cli_usage_error(ctx,
					  "unknown format '%s' (expected "
					  "table, json or csv)",
					  f),
		       -1;
	return 0;
}

/* $XDG_DATA_HOME/onboard/onboard.db, else ~/.local/share/onboard/... */
static char *default_db_path(void)
{
	const char *env = getenv("ONBOARD_DB");
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	if (env && *env)
		return xstrdup(env);
	/* The XDG spec ignores a relative XDG_DATA_HOME. */
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/onboard/onboard.db", xdg);
	if (!home || !*home)
		return NULL;
	return xasprintf("%s/.local/share/onboard/onboard.db", home);
}

int ob_cli_open(const struct ob_ctx *ctx, enum ob_store_mode mode,
		struct ob_store **out)
{
	struct ob_err err = {0};
	struct ob_ctx *mctx = (struct ob_ctx *)ctx;
	if (!ctx->db_path) {
		mctx->db_path_owned = default_db_path();
		if (!mctx->db_path_owned) {
			ob_cli_error("no database path: set --db, ONBOARD_DB or "
				     "HOME");
			return OB_EUSAGE;
		}
		mctx->db_path = mctx->db_path_owned;
	}
	if (ob_store_open(ctx->db_path, mode, out, &err) < 0)
		return ob_cli_report(&err);
	ob_store_set_today(*out, ctx->today);
	return OB_OK;
}

int ob_cli_parse_playbook(const struct ob_playbook_row *row,
			  struct ob_playbook *pb, struct ob_err *err)
{
	struct ob_diags diags = {0};
	if (ob_playbook_parse(row->source, strlen(row->source), pb, &diags) ==
	    0)
		return 0;
	ob_fail(err, OB_EDATA,
		"stored playbook '%s' does not pass this onboard's checks "
		"(line %d: %s): load it again",
		row->name, diags.items[0].line, diags.items[0].message);
	ob_diags_release(&diags);
	return -1;
}

void ob_playbook_cache_release(struct ob_playbook_cache *pc)
{
	for (size_t i = 0; i < pc->n; i++) {
		ob_playbook_row_release(&pc->rows[i]);
		ob_playbook_release(pc->books[i]);
		free(pc->books[i]);
	}
	free(pc->rows);
	free(pc->books);
}

const struct ob_playbook *ob_playbook_cache_get(struct ob_playbook_cache *pc,
					   struct ob_store *st,
					   const char *name, int64_t id,
					   int64_t *out_id, struct ob_err *err)
{
	struct ob_playbook_row row = {0};
	for (size_t i = 0; i < pc->n; i++) {
		bool hit = name ? strcmp(pc->rows[i].name, name) == 0
				: id > 0 ? pc->rows[i].id == id
					 : pc->rows[i].is_default;
		if (hit) {
			*out_id = pc->rows[i].id;
			return pc->books[i];
		}
	}
	if ((name || id <= 0 ? ob_store_playbook_get(st, name, &row, err)
			     : ob_store_playbook_get_id(st, id, &row, err)) < 0)
		return NULL;
	pc->rows = xrealloc(pc->rows, (pc->n + 1) * sizeof(*pc->rows));
	pc->books = xrealloc(pc->books, (pc->n + 1) * sizeof(*pc->books));
	pc->books[pc->n] = xcalloc(1, sizeof(**pc->books));
	if (ob_cli_parse_playbook(&row, pc->books[pc->n], err) < 0) {
		free(pc->books[pc->n]);
		ob_playbook_row_release(&row);
		return NULL;
	}
	pc->rows[pc->n] = row;
	*out_id = row.id;
	return pc->books[pc->n++];
}


struct assess_each {
	struct ob_store *st;
	struct ob_playbook_cache *pc;
	struct ob_stream *stream;
	ob_day as_of;
	bool every_metric;
	int (*fn)(void *ctx, const struct ob_account *a,
		  const struct ob_playbook *pb, const struct ob_assessment *as);
	void *ctx;
	struct ob_err *err;
};

int ob_cli_assess_streamed(struct ob_stream *x, const struct ob_playbook *pb,
			   const struct ob_account *a, ob_day as_of,
			   bool every_metric, struct ob_assessment *as,
			   struct ob_err *err)
{
	struct ob_account_data data;
	int r;
	memset(as, 0, sizeof(*as));
	if (ob_store_stream_account(x, a->rowid,
				    every_metric ? &ob_needs_all : &pb->needs,
				    &data, err) < 0)
		return -1;
	r = ob_assess_data(pb, a, as_of, &data, every_metric, as, err);
	ob_account_data_release(&data);
	return r;
}

static int assess_one(void *arg, const struct ob_account *a)
{
	struct assess_each *x = arg;
	struct ob_assessment as;
	const struct ob_playbook *pb;
	int64_t pid;
	int r;
	if (!(pb = ob_playbook_cache_get(x->pc, x->st, NULL, a->playbook_id,
					 &pid, x->err)) ||
	    ob_cli_assess_streamed(x->stream, pb, a, x->as_of, x->every_metric,
				   &as, x->err) < 0)
		return -1;
	r = x->fn(x->ctx, a, pb, &as);
	ob_assessment_release(&as);
	return r;
}

int ob_cli_assess_each(struct ob_store *st, struct ob_playbook_cache *pc,
		       const struct ob_account_filter *filter, ob_day as_of,
		       bool every_metric,
		       int (*fn)(void *ctx, const struct ob_account *a,
				 const struct ob_playbook *pb,
				 const struct ob_assessment *as),
		       void *ctx, struct ob_err *err)
{
	struct assess_each x = {st, pc, NULL, as_of, every_metric,
				fn, ctx, err};
	int ret;
	if (ob_store_stream_open(st, as_of, &x.stream, err) < 0)
		return -1;
	ret = ob_store_account_list_by_rowid(st, filter, assess_one, &x, err);
	ob_store_stream_close(x.stream);
	return ret;
}

int ob_cli_write_file(const char *path, const char *data, size_t len)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	int code = OB_OK;
	if (!f) {
		ob_cli_error("cannot write '%s': %s", tmp, strerror(errno));
		free(tmp);
		return OB_EFAIL;
	}
	/* A reader of path sees the old file or the new, never half. */
	if (fwrite(data, 1, len, f) != len || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0) {
		ob_cli_error("cannot write '%s': %s", tmp, strerror(errno));
		code = OB_EFAIL;
	}
	if (fclose(f) != 0 && code == OB_OK) {
		ob_cli_error("cannot write '%s': %s", tmp, strerror(errno));
		code = OB_EFAIL;
	}
	if (code == OB_OK && rename(tmp, path) != 0) {
		ob_cli_error("cannot write '%s': %s", path, strerror(errno));
		code = OB_EFAIL;
	}
	if (code != OB_OK)
		remove(tmp);
	free(tmp);
	return code;
}

void ob_cli_json_reasons(struct ob_buf *b, const char *const *items,
			 size_t n)
{
	ob_buf_addc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_buf_addc(b, ',');
		ob_json_string(b, items[i]);
	}
	ob_buf_addc(b, ']');
}

void ob_cli_text_reasons(struct ob_buf *b, const char *const *items,
			 size_t n)
{
	ob_buf_join(b, items, n, "; ");
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
void ob_cli_json_dimensions(struct ob_buf *b, const struct ob_health *h)
{
	ob_buf_addc(b, '{');
	for (size_t d = 0; d < h->ndims; d++) {
		if (d)
			ob_buf_addc(b, ',');
		ob_json_string(b, h->dims[d].name);
		ob_buf_adds(b, ":{\"status\":");
		ob_json_string(b, ob_status_name(h->dims[d].status));
		ob_buf_adds(b, ",\"reasons\":");
		ob_cli_json_reasons(b, h->dims[d].reasons.items,
				    h->dims[d].reasons.n);
		ob_buf_addc(b, '}');
	}
	ob_buf_addc(b, '}');
}

/* Every metric of the table, then count.TYPE for each custom type seen. */
void ob_cli_json_metrics(struct ob_buf *b, const struct ob_signals *s)
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


int ob_cli_read_yaml(const char *path, const char *what, char **data,
		     size_t *len)
{
	struct ob_err err = {0};
	const char *nul;
	int line = 1;
	if (ob_read_file(path, OB_PLAYBOOK_MAX_BYTES, data, len, &err) < 0) {
		if (err.code == OB_EDATA) {
			ob_cli_diag("%s:1:1: error: %s", path, err.msg);
			return OB_EDATA;
		}
		return ob_cli_report(&err);
	}
	if (!(nul = memchr(*data, '\0', *len)))
		return OB_OK;
	for (const char *p = *data; p < nul; p++)
		line += *p == '\n';
	ob_cli_diag("%s:%d:1: error: NUL byte in the %s", path, line,
		what);
	free(*data);
	return OB_EDATA;
}

int ob_cli_read_playbook(const char *path, struct ob_playbook *pb,
			 char **source)
{
	struct ob_diags diags = {0};
	size_t len;
	char *data;
	int code = ob_cli_read_yaml(path, "playbook", &data, &len);
	if (code != OB_OK)
		return code;
	if (ob_playbook_parse(data, len, pb, &diags) < 0) {
		ob_cli_print_diags(path, &diags);
		ob_diags_release(&diags);
		free(data);
		return OB_EDATA;
	}
	*source = data;
	return OB_OK;
}

int ob_cli_read_map(const char *path, struct ob_map *m)
{
	struct ob_diags diags = {0};
	size_t len;
	char *data;
	int code = ob_cli_read_yaml(path, "map", &data, &len);
	if (code != OB_OK)
		return code;
	if (ob_map_parse(data, len, m, &diags) < 0) {
		ob_cli_print_diags(path, &diags);
		ob_diags_release(&diags);
		code = OB_EDATA;
	}
	free(data);
	return code;
}
