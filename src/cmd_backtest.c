/* onboard backtest: how well day N's status said which accounts churned. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onboard/backtest.h"
#include "onboard/cli.h"
#include "onboard/csv.h"
#include "onboard/health.h"
#include "onboard/html.h"

enum outcome { CENSORED, CHURNED, RETAINED };

/* An outcome from --labels: it wins over the account's status. */
struct label {
	enum outcome outcome;
	ob_day day;
};

struct run {
	struct ob_store *st;
	struct ob_playbook_cache pc;
	const struct ob_playbook *playbook; /* --playbook, else NULL */
	struct ob_strmap label_index;        /* account -> labels[i] */
	struct label *labels;
	size_t nlabels, labels_cap;
	int day;
	ob_day today;
	struct ob_backtest bt;
	/* Each account's events, read once for all the days it is scored */
	struct ob_history *history;
	struct ob_err err;
};

static const char *const label_columns[] = {"account", "outcome", "date"};

static int add_known(void *ctx, const struct ob_account *a)
{
	ob_strmap_put(ctx, a->id);
	return 0;
}

/* Reads --labels; prints each bad row as FILE:LINE and returns 65. */
static int read_labels(struct run *r, const char *file)
{
	FILE *f = fopen(file, "rb");
	struct ob_csv *csv;
	struct ob_csv_record rec;
	struct ob_err err = {0};
	struct ob_account_filter all = {.status = -1};
	/* Every account's id, in one pass: not a query per label. */
	struct ob_strmap known = {0};
	int column_of[3], n, code = OB_OK;
	if (!f) {
		ob_cli_error("cannot open '%s': %s", file, strerror(errno));
		return OB_ENOINPUT;
	}
	if (ob_store_account_list(r->st, &all, add_known, &known, &r->err) <
	    0) {
		ob_strmap_release(&known);
		fclose(f);
		return ob_cli_report(&r->err);
	}
	csv = ob_csv_open(f);
	n = ob_csv_read(csv, &rec, &err);
	if (n <= 0 || ob_csv_header(&rec, label_columns, 3, 3, column_of,
				    &err) < 0) {
		ob_cli_diag("%s:%ld: error: %s", file,
			    n < 0 ? ob_csv_line(csv) : 1,
			    n == 0 ? "empty file: expected the header "
				     "account,outcome,date"
				   : err.msg);
		code = OB_EDATA;
		goto out;
	}
	while ((n = ob_csv_read(csv, &rec, &err)) != 0) {
		struct label l = {CENSORED, 0};
		const char *id, *outcome, *date;
		if (n < 0 || rec.nfields != 3) {
			ob_cli_diag("%s:%ld: error: %s", file,
				    n < 0 ? ob_csv_line(csv) : rec.line,
				    n < 0 ? err.msg
					  : "expected 3 fields as in the "
					    "header");
			code = OB_EDATA;
			continue;
		}
		id = rec.fields[column_of[0]];
		outcome = rec.fields[column_of[1]];
		date = rec.fields[column_of[2]];
		if (strcmp(outcome, "churned") == 0)
			l.outcome = CHURNED;
		else if (strcmp(outcome, "retained") == 0)
			l.outcome = RETAINED;
		if (!ob_strmap_get(&known, id))
			ob_cli_diag("%s:%ld: error: unknown account '%s'",
				    file, rec.line, id);
		else if (l.outcome == CENSORED)
			ob_cli_diag("%s:%ld: error: bad outcome '%s': "
				    "expected churned or retained",
				    file, rec.line, outcome);
		else if (!ob_date_parse(date, &l.day))
			ob_cli_diag("%s:%ld: error: bad date '%s': expected "
				    "a date YYYY-MM-DD",
				    file, rec.line, date);
		else if (ob_strmap_get(&r->label_index, id))
			ob_cli_diag("%s:%ld: error: account '%s' is labelled "
				    "twice",
				    file, rec.line, id);
		else {
			ob_grow(&r->labels, &r->labels_cap, r->nlabels + 1,
				sizeof(*r->labels));
			r->labels[r->nlabels] = l;
			ob_strmap_put(&r->label_index, id)->value =
				(int64_t)r->nlabels++;
			continue;
		}
		code = OB_EDATA;
	}
out:
	ob_strmap_release(&known);
	ob_csv_close(csv);
	fclose(f);
	return code;
}

/* The account's outcome and its date (0: none), as of today. */
static enum outcome outcome_of(const struct run *r, const struct ob_account *a,
			       bool *dated, ob_day *day)
{
	const struct ob_strmap_entry *e = ob_strmap_get(&r->label_index, a->id);
	enum outcome o = CENSORED;
	*dated = false;
	if (e) {
		o = r->labels[e->value].outcome;
		*dated = true;
		*day = r->labels[e->value].day;
	} else if (a->status == OB_CHURNED || a->status == OB_COMPLETED) {
		o = a->status == OB_CHURNED ? CHURNED : RETAINED;
		*dated = a->has_status_since;
		*day = a->status_since;
	}
	/* Not known yet on the day asked. */
	return *dated && *day > r->today ? CENSORED : o;
}

/* The account held by the history, assessed as of day d: ob_assess's. */
static int assess_on(struct run *r, const struct ob_playbook *pb,
		     const struct ob_account *a, ob_day d,
		     struct ob_assessment *as)
{
	struct ob_account_data data;
	int ret;
	memset(as, 0, sizeof(*as));
	if (ob_store_history_data(r->history, d, &ob_needs_all, &data,
				  &r->err) < 0)
		return -1;
	ret = ob_assess_data(pb, a, d, &data, true, as, &r->err);
	ob_account_data_release(&data);
	return ret;
}

/*
 * Lead time: the churn date less the first day from kickoff through it
 * on which the account was red; none when it never was.
 */
static int lead_time(struct run *r, const struct ob_playbook *pb,
		     const struct ob_account *a, ob_day churned_on)
{
	for (ob_day d = a->kickoff; d <= churned_on; d++) {
		struct ob_assessment as;
		bool red;
		if (assess_on(r, pb, a, d, &as) < 0)
			return -1;
		red = as.health.status == OB_RED;
		ob_assessment_release(&as);
		if (red) {
			ob_backtest_lead(&r->bt, (int)(churned_on - d));
			break;
		}
	}
	return 0;
}

static int backtest_one(void *ctx, const struct ob_account *a)
{
	struct run *r = ctx;
	const struct ob_playbook *pb = r->playbook;
	struct ob_assessment as;
	enum outcome o;
	bool dated;
	ob_day day = 0;
	int64_t pid;

	o = outcome_of(r, a, &dated, &day);
	if (!pb && o != CENSORED &&
	    !(pb = ob_playbook_cache_get(&r->pc, r->st, NULL, a->playbook_id,
					 &pid, &r->err)))
		return -1;
	/* A tier the playbook lacks cannot be scored by it. */
	if (o == CENSORED || ob_playbook_tier(pb, a->tier) < 0) {
		r->bt.censored++;
		return 0;
	}
	if (ob_store_history_account(r->history, a->rowid, &r->err) < 0 ||
	    assess_on(r, pb, a, a->kickoff + r->day, &as) < 0)
		return -1;
	ob_backtest_add(&r->bt, as.health.status, o == CHURNED,
			(const char *const *)as.health.reasons.items,
			as.health.reasons.n);
	ob_assessment_release(&as);
	return o == CHURNED && dated ? lead_time(r, pb, a, day) : 0;
}

/* --- output ------------------------------------------------------------- */

static void json_ratio(struct ob_buf *b, const char *name,
		       struct ob_ratio v)
{
	ob_buf_addf(b, ",\"%s\":", name);
	if (v.has)
		ob_buf_addf(b, "%.6g", v.v);
	else
		ob_buf_adds(b, "null");
}

static void json_cutoff(struct ob_buf *b, const struct ob_cutoff *c)
{
	ob_buf_addf(b, "{\"tp\":%ld,\"fp\":%ld,\"fn\":%ld,\"tn\":%ld", c->tp,
		    c->fp, c->fn, c->tn);
	json_ratio(b, "recall", c->recall);
	json_ratio(b, "precision", c->precision);
	json_ratio(b, "false_alarm_rate", c->false_alarm_rate);
	json_ratio(b, "lift", c->lift);
	ob_buf_addc(b, '}');
}

/* Bands from red to green, as the SPEC lists them. */
static const enum ob_status bands[] = {OB_RED, OB_YELLOW, OB_GREEN};

static void print_json(struct run *r, const char *playbook)
{
	struct ob_backtest *bt = &r->bt;
	struct ob_buf b = {0};
	struct ob_cutoff c;
	ob_buf_addf(&b, "{\"day\":%d,\"playbook\":", r->day);
	if (playbook)
		ob_json_string(&b, playbook);
	else
		ob_buf_adds(&b, "null");
	ob_buf_addf(&b,
		    ",\"accounts\":{\"churned\":%ld,\"retained\":%ld,"
		    "\"censored\":%ld},\"bands\":[",
		    bt->churned, bt->retained, bt->censored);
	for (size_t i = 0; i < 3; i++) {
		ob_buf_addf(&b, "%s{\"status\":\"%s\",\"accounts\":%ld,"
				"\"churned\":%ld",
			    i ? "," : "", ob_status_name(bands[i]),
			    bt->band[bands[i]], bt->band_churned[bands[i]]);
		json_ratio(&b, "churn_rate",
			   ob_backtest_churn_rate(bt, bands[i]));
		ob_buf_addc(&b, '}');
	}
	ob_buf_adds(&b, "],\"cutoffs\":{\"red_or_yellow\":");
	ob_backtest_cutoff(bt, false, &c);
	json_cutoff(&b, &c);
	ob_buf_adds(&b, ",\"red\":");
	ob_backtest_cutoff(bt, true, &c);
	json_cutoff(&b, &c);
	ob_buf_adds(&b, "},\"lead_time_days\":");
	if (bt->nleads) {
		ob_buf_addf(&b, "{\"median\":%.6g,\"p25\":%.6g,\"p75\":%.6g}",
			    ob_backtest_lead_percentile(bt, 50).v,
			    ob_backtest_lead_percentile(bt, 25).v,
			    ob_backtest_lead_percentile(bt, 75).v);
	} else {
		ob_buf_adds(&b, "null");
	}
	ob_buf_adds(&b, ",\"reasons\":[");
	for (size_t i = 0; i < bt->nreasons; i++) {
		const struct ob_backtest_reason *x = &bt->reasons[i];
		ob_buf_adds(&b, i ? ",{\"reason\":" : "{\"reason\":");
		ob_json_string(&b, x->reason);
		ob_buf_addf(&b, ",\"churned\":%ld,\"retained\":%ld",
			    x->churned, x->retained);
		json_ratio(&b, "precision", x->precision);
		json_ratio(&b, "lift", x->lift);
		ob_buf_addc(&b, '}');
	}
	ob_buf_adds(&b, "]}\n");
	fputs(b.data, stdout);
	ob_buf_release(&b);
}

static void percent(char *buf, size_t n, struct ob_ratio v)
{
	if (v.has)
		snprintf(buf, n, "%.0f%%", v.v * 100);
	else
		snprintf(buf, n, "-");
}

static void times(char *buf, size_t n, struct ob_ratio v)
{
	if (v.has)
		snprintf(buf, n, "%.1fx", v.v);
	else
		snprintf(buf, n, "-");
}

/* The finding in one sentence, for pasting into a message. */
static void headline(const struct run *r, struct ob_buf *b)
{
	const struct ob_backtest *bt = &r->bt;
	struct ob_cutoff c;
	char recall[16], precision[16], lift[16];
	ob_backtest_cutoff(bt, false, &c);
	percent(recall, sizeof(recall), c.recall);
	percent(precision, sizeof(precision), c.precision);
	times(lift, sizeof(lift), c.lift);
	if (!bt->churned) {
		ob_buf_addf(b, "day %d: no churned account among the %ld with "
			       "an outcome; nothing to measure yet",
			    r->day, bt->retained);
		return;
	}
	ob_buf_addf(b, "day %d: %ld of %ld churned accounts (%s) were red or "
		       "yellow; precision %s, %s the base rate",
		    r->day, c.tp, bt->churned, recall, precision, lift);
}

/* The closing lines: who was counted, and the lead time when any. */
static void totals(struct run *r, struct ob_buf *b, const char *between)
{
	struct ob_backtest *bt = &r->bt;
	ob_buf_addf(b, "%ld churned, %ld retained, %ld censored (no outcome "
		       "yet, or a tier the playbook lacks)",
		    bt->churned, bt->retained, bt->censored);
	if (bt->nleads)
		ob_buf_addf(b, "%slead time: red a median of %.4g days before "
			       "churning (p25 %.4g, p75 %.4g; %zu accounts)",
			    between, ob_backtest_lead_percentile(bt, 50).v,
			    ob_backtest_lead_percentile(bt, 25).v,
			    ob_backtest_lead_percentile(bt, 75).v, bt->nleads);
}

static const struct ob_column band_columns[] = {
	{"status", "BAND", 0, false},
	{"accounts", "ACCOUNTS", 0, true},
	{"churned", "CHURNED", 0, true},
	{"churn_rate", "CHURN RATE", 0, true},
};

static void band_rows(struct ob_out *out, const struct ob_backtest *bt,
		      bool table)
{
	for (size_t i = 0; i < 3; i++) {
		struct ob_ratio rate = ob_backtest_churn_rate(bt, bands[i]);
		char text[16];
		ob_out_status(out, ob_status_name(bands[i]));
		ob_out_int(out, bt->band[bands[i]]);
		ob_out_int(out, bt->band_churned[bands[i]]);
		if (!rate.has) {
			ob_out_null(out);
		} else if (table) {
			percent(text, sizeof(text), rate);
			ob_out_text(out, text);
		} else {
			ob_out_number(out, rate.v);
		}
		ob_out_row_end(out);
	}
}

static const struct ob_column cutoff_columns[] = {
	{"cutoff", "FLAGGED", 0, false},  {"tp", "TP", 0, true},
	{"fp", "FP", 0, true},		  {"fn", "FN", 0, true},
	{"tn", "TN", 0, true},		  {"recall", "RECALL", 0, true},
	{"precision", "PRECISION", 0, true}, {"false_alarms", "FALSE ALARMS", 0, true},
	{"lift", "LIFT", 0, true},
};

static const struct ob_column reason_columns[] = {
	{"reason", "REASON (BY LIFT)", 44, false},
	{"churned", "CHURNED", 0, true},
	{"retained", "RETAINED", 0, true},
	{"precision", "PRECISION", 0, true},
	{"lift", "LIFT", 0, true},
};

#define TOP_REASONS 10

static void print_table(struct run *r, bool color)
{
	struct ob_backtest *bt = &r->bt;
	struct ob_out *out;
	struct ob_buf line = {0};
	char text[4][16];
	headline(r, &line);
	printf("%s\n\n", line.data);
	ob_buf_reset(&line);
	out = ob_out_begin(stdout, OB_FORMAT_TABLE, band_columns, 4, color);
	band_rows(out, bt, true);
	ob_out_end(out);
	putchar('\n');
	out = ob_out_begin(stdout, OB_FORMAT_TABLE, cutoff_columns, 9, color);
	for (int red = 0; red < 2; red++) {
		struct ob_cutoff c;
		ob_backtest_cutoff(bt, red, &c);
		ob_out_text(out, red ? "red" : "red or yellow");
		ob_out_int(out, c.tp);
		ob_out_int(out, c.fp);
		ob_out_int(out, c.fn);
		ob_out_int(out, c.tn);
		percent(text[0], sizeof(text[0]), c.recall);
		percent(text[1], sizeof(text[1]), c.precision);
		percent(text[2], sizeof(text[2]), c.false_alarm_rate);
		times(text[3], sizeof(text[3]), c.lift);
		for (int k = 0; k < 4; k++)
			ob_out_text(out, text[k]);
		ob_out_row_end(out);
	}
	ob_out_end(out);
	if (bt->nreasons) {
		putchar('\n');
		out = ob_out_begin(stdout, OB_FORMAT_TABLE, reason_columns, 5,
				   color);
		for (size_t i = 0; i < bt->nreasons && i < TOP_REASONS; i++) {
			const struct ob_backtest_reason *x = &bt->reasons[i];
			ob_out_text(out, x->reason);
			ob_out_int(out, x->churned);
			ob_out_int(out, x->retained);
			percent(text[0], sizeof(text[0]), x->precision);
			times(text[1], sizeof(text[1]), x->lift);
			ob_out_text(out, text[0]);
			ob_out_text(out, text[1]);
			ob_out_row_end(out);
		}
		ob_out_end(out);
	}
	totals(r, &line, "\n");
	printf("\n%s\n", line.data);
	ob_buf_release(&line);
}

/* A table row of cells, the first a heading. */
static void html_row(struct ob_buf *b, const char *tag,
		     const char *const *cells, int n)
{
	ob_buf_adds(b, "<tr>");
	for (int i = 0; i < n; i++) {
		ob_buf_addf(b, "<%s>", tag);
		ob_html_text(b, cells[i]);
		ob_buf_addf(b, "</%s>", tag);
	}
	ob_buf_adds(b, "</tr>\n");
}

/*
 * The same finding as a page: the headline, the bands drawn as bars
 * (churned in the band's colour, retained in grey) and the tables.
 */
static void print_html(struct run *r, const char *playbook)
{
	static const char *const band_heads[] = {"band", "accounts", "churned",
						 "churn rate"};
	static const char *const cutoff_heads[] = {
		"flagged", "TP", "FP", "FN", "TN", "recall", "precision",
		"false alarms", "lift"};
	static const char *const reason_heads[] = {
		"reason (by lift)", "churned", "retained", "precision", "lift"};
	static const char *const parts[] = {"churned", "retained"};
	struct ob_backtest *bt = &r->bt;
	struct ob_buf b = {0};
	char title[64], num[8][32];
	int max = 1;

	snprintf(title, sizeof(title), "Backtest, day %d", r->day);
	ob_html_begin(&b, title);
	ob_buf_addf(&b, "<h1>Backtest, day %d</h1>\n<p>", r->day);
	if (playbook) {
		ob_buf_adds(&b, "Playbook ");
		ob_html_text(&b, playbook);
		ob_buf_adds(&b, ", every account scored with it. ");
	}
	headline(r, &b);
	ob_buf_adds(&b, ".</p>\n<h2>Bands</h2>\n");
	for (size_t i = 0; i < 3; i++)
		if (bt->band[bands[i]] > max)
			max = (int)bt->band[bands[i]];
	ob_buf_addf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"620\" "
			"height=\"115\" role=\"img\" aria-label=\"accounts of "
			"each band on day %d, churned and retained\">",
		    r->day);
	for (size_t i = 0; i < 3; i++) {
		const char *colors[2] = {ob_html_status_color[bands[i]],
					 "#b0bec5"};
		int counts[2] = {(int)bt->band_churned[bands[i]],
				 (int)(bt->band[bands[i]] -
				       bt->band_churned[bands[i]])};
		ob_svg_bar(&b, 10 + 35 * (int)i, ob_status_name(bands[i]),
			   counts, colors, parts, 2, max);
	}
	ob_buf_adds(&b, "</svg>\n<table>\n");
	html_row(&b, "th", band_heads, 4);
	for (size_t i = 0; i < 3; i++) {
		const char *cells[4] = {ob_status_name(bands[i]), num[0], num[1],
					num[2]};
		snprintf(num[0], sizeof(num[0]), "%ld", bt->band[bands[i]]);
		snprintf(num[1], sizeof(num[1]), "%ld",
			 bt->band_churned[bands[i]]);
		percent(num[2], sizeof(num[2]),
			ob_backtest_churn_rate(bt, bands[i]));
		html_row(&b, "td", cells, 4);
	}
	ob_buf_adds(&b, "</table>\n<h2>Flagged on day N</h2>\n<table>\n");
	html_row(&b, "th", cutoff_heads, 9);
	for (int red = 0; red < 2; red++) {
		const char *cells[9] = {red ? "red" : "red or yellow",
					num[0], num[1], num[2], num[3],
					num[4], num[5], num[6], num[7]};
		struct ob_cutoff c;
		ob_backtest_cutoff(bt, red, &c);
		snprintf(num[0], sizeof(num[0]), "%ld", c.tp);
		snprintf(num[1], sizeof(num[1]), "%ld", c.fp);
		snprintf(num[2], sizeof(num[2]), "%ld", c.fn);
		snprintf(num[3], sizeof(num[3]), "%ld", c.tn);
		percent(num[4], sizeof(num[4]), c.recall);
		percent(num[5], sizeof(num[5]), c.precision);
		percent(num[6], sizeof(num[6]), c.false_alarm_rate);
		times(num[7], sizeof(num[7]), c.lift);
		html_row(&b, "td", cells, 9);
	}
	ob_buf_adds(&b, "</table>\n");
	if (bt->nreasons) {
		ob_buf_adds(&b, "<h2>Reasons</h2>\n<table>\n");
		html_row(&b, "th", reason_heads, 5);
		for (size_t i = 0; i < bt->nreasons && i < TOP_REASONS; i++) {
			const struct ob_backtest_reason *x = &bt->reasons[i];
			const char *cells[5] = {x->reason, num[0], num[1],
						num[2], num[3]};
			snprintf(num[0], sizeof(num[0]), "%ld", x->churned);
			snprintf(num[1], sizeof(num[1]), "%ld", x->retained);
			percent(num[2], sizeof(num[2]), x->precision);
			times(num[3], sizeof(num[3]), x->lift);
			html_row(&b, "td", cells, 5);
		}
		ob_buf_adds(&b, "</table>\n");
	}
	ob_buf_adds(&b, "<p>");
	totals(r, &b, ".</p>\n<p>");
	ob_buf_adds(&b, ".</p>\n");
	ob_html_end(&b);
	fputs(b.data, stdout);
	ob_buf_release(&b);
}

int ob_cmd_backtest(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"day", required_argument, NULL, 'd'},
		{"labels", required_argument, NULL, 'l'},
		{"playbook", required_argument, NULL, 'p'},
		{0},
	};
	struct run r = {0};
	struct ob_playbook file_pb;
	struct ob_account_filter all = {.status = -1};
	const char *labels = NULL, *playbook = NULL;
	enum ob_format format = OB_FORMAT_TABLE;
	bool html;
	char *source = NULL;
	long long day = 7;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", options, &code)) !=
	       -1) {
		if (c == OB_CLI_STOP)
			return code;
		if (c == 'l')
			labels = optarg;
		else if (c == 'p')
			playbook = optarg;
		else if (!ob_parse_int(optarg, 0, 3660, &day))
			return ob_cli_usage_error(ctx, "bad --day '%s': expected "
						       "a whole number from 0 "
						       "to 3660",
						  optarg);
	}
	if (optind < argc)
		return ob_cli_usage_error(ctx, "unexpected argument '%s'",
					  argv[optind]);
	html = ctx->format && strcmp(ctx->format, "html") == 0;
	if (!html && ctx->format && strcmp(ctx->format, "table") != 0 &&
	    strcmp(ctx->format, "json") != 0 && strcmp(ctx->format, "csv") != 0)
		return ob_cli_usage_error(ctx,
					  "unknown format '%s' (expected table, "
					  "json, csv or html)",
					  ctx->format);
	if (!html && ob_cli_format(ctx, &format) < 0)
		return OB_EUSAGE;
	r.day = (int)day;
	r.today = ctx->today;
	if (playbook) {
		if ((code = ob_cli_read_playbook(playbook, &file_pb, &source)) !=
		    OB_OK)
			return code;
		r.playbook = &file_pb;
	}
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &r.st)) != OB_OK)
		goto out;
	if (ob_store_begin_read(r.st, &r.err) < 0) {
		code = ob_cli_report(&r.err);
		goto out;
	}
	if (labels && (code = read_labels(&r, labels)) != OB_OK)
		goto out;
	if (ob_store_history_open(r.st, &r.history, &r.err) < 0 ||
	    ob_store_account_list_by_rowid(r.st, &all, backtest_one, &r,
					   &r.err) < 0) {
		code = ob_cli_report(&r.err);
		goto out;
	}
	ob_backtest_finish(&r.bt);
	if (html) {
		print_html(&r, playbook ? file_pb.name : NULL);
	} else if (format == OB_FORMAT_JSON) {
		print_json(&r, playbook ? file_pb.name : NULL);
	} else if (format == OB_FORMAT_CSV) {
		struct ob_out *out = ob_out_begin(stdout, OB_FORMAT_CSV,
						  band_columns, 4, false);
		band_rows(out, &r.bt, false);
		ob_out_end(out);
	} else {
		print_table(&r, ctx->color);
	}
out:
	if (playbook && source) {
		ob_playbook_release(&file_pb);
		free(source);
	}
	ob_store_history_close(r.history);
	ob_backtest_release(&r.bt);
	ob_strmap_release(&r.label_index);
	free(r.labels);
	ob_playbook_cache_release(&r.pc);
	ob_store_close(r.st);
	return code;
}
