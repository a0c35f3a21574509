/*
 * cli: what main.c shares with the cmd_*.c files: the global options, the
 * command table, option parsing that accepts global options anywhere, and
 * the few helpers every command needs (opening the database, printing
 * errors). Adding a command: write cmd_<name>.c with its run function, and
 * add one row to the table in main.c.
 */
#ifndef ONBOARD_CLI_H
#define ONBOARD_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "onboard/date.h"
#include "onboard/map.h"
#include "onboard/output.h"
#include "onboard/playbook.h"
#include "onboard/store.h"
#include "onboard/util.h"

struct ob_command;

/* The global options, after defaults and the environment are applied. */
struct ob_ctx {
	const char *db_path;
	char *db_path_owned;
	ob_day today;
	bool today_given;	  /* --today: ONBOARD_TODAY is not read */
	const char *today_env;	  /* ONBOARD_TODAY, when set */
	const char *format; /* as given, NULL when not given */
	bool quiet;
	bool color;
	const struct ob_command *cmd;
};

struct ob_command {
	const char *group; /* "playbook" for `playbook check`, else NULL */
	const char *name;
	int (*run)(struct ob_ctx *ctx, int argc, char **argv);
	const char *usage;   /* the arguments after the command's name */
	const char *summary; /* one line for the command list */
	const char *help;    /* the options, one per line, for --help */
};

/*
 * Parses the command's options (shortopts / longopts, getopt_long style)
 * together with the global ones, which it applies to ctx. Returns the next
 * command option, -1 when options end (positional arguments are then
 * argv[optind..argc)), or OB_CLI_STOP when the command must return
 * ctx_exit (after --help, or a usage error already printed).
 */
#define OB_CLI_STOP (-2)
int ob_cli_getopt(struct ob_ctx *ctx, int argc, char **argv,
		  const char *shortopts, const struct option *longopts,
		  int *exit_code);

/* The global options, for main.c's own parse before the command. */
const struct option *ob_cli_global_options(size_t *n);
/*
 * Applies global option opt (a value from ob_cli_global_options): 0 when
 * applied, 1 when opt is not global, -1 when the program must stop with
 * *exit_code (--version, a bad value).
 */
int ob_cli_apply_global(struct ob_ctx *ctx, int opt, const char *arg,
			int *exit_code);

/*
 * Prints a line of diagnostics (FILE:LINE: error: ...) to stderr, with
 * what would drive a terminal made visible (ob_buf_add_visible), as
 * every function here that prints a message does.
 */
void ob_cli_diag(const char *fmt, ...) OB_PRINTF(1, 2);
/* Prints `onboard: MESSAGE` to stderr. */
void ob_cli_error(const char *fmt, ...) OB_PRINTF(1, 2);
/* Prints `onboard: MESSAGE` to stderr unless --quiet: progress notes. */
void ob_cli_note(const struct ob_ctx *ctx, const char *fmt, ...)
	OB_PRINTF(2, 3);
/*
 * Reports what getopt_long (with a leading ':') returned as c: an unknown
 * option or a missing value. Adds the command's synopsis when ctx->cmd is
 * set; returns OB_EUSAGE.
 */
int ob_cli_option_error(const struct ob_ctx *ctx, int c, char **argv);
/* Prints a usage error and the command's synopsis; returns OB_EUSAGE. */
int ob_cli_usage_error(const struct ob_ctx *ctx, const char *fmt, ...)
	OB_PRINTF(2, 3);
/* Prints err and returns its exit code. */
int ob_cli_report(const struct ob_err *err);
/* Prints each diagnostic as FILE:LINE:COLUMN: error: MESSAGE. */
void ob_cli_print_diags(const char *file, const struct ob_diags *diags);
/* Help fits an 80-column terminal. */
#define OB_CLI_HELP_WIDTH 80
/*
 * Prints text, the cursor at column at, its words wrapped to end by
 * OB_CLI_HELP_WIDTH with later lines indented by indent; then a newline.
 */
void ob_cli_print_wrapped(FILE *f, const char *text, int at, int indent);
/*
 * Reads a YAML file (a playbook, a map: `what`) of at most
 * OB_PLAYBOOK_MAX_BYTES and without NUL bytes. Returns OB_OK with *data
 * (free it), or the exit code after printing why.
 */
int ob_cli_read_yaml(const char *path, const char *what, char **data,
		     size_t *len);
/*
 * Reads and validates a playbook file: OB_OK with *pb and *source (the
 * caller frees both), or the exit code after printing why.
 */
int ob_cli_read_playbook(const char *path, struct ob_playbook *pb,
			 char **source);
/* Reads and checks a source map: OB_OK with *m, or the exit code. */
int ob_cli_read_map(const char *path, struct ob_map *m);

/*
 * The output format of a listing command: ctx->format or table. Returns
 * -1 (after a usage error) for anything but table, json and csv.
 */
int ob_cli_format(const struct ob_ctx *ctx, enum ob_format *out);

/* Opens the database: existing only, or created when missing. */
int ob_cli_open(const struct ob_ctx *ctx, enum ob_store_mode mode,
		struct ob_store **out);

/*
 * Parses a stored playbook. It passed validation when it was loaded, so
 * failing here means another version of onboard stored it: OB_EDATA.
 */
int ob_cli_parse_playbook(const struct ob_playbook_row *row,
			  struct ob_playbook *pb, struct ob_err *err);

/*
 * Playbooks parsed once per command, however many accounts use them. A
 * playbook stays where it is until the cache is released, so pointers
 * into it may be kept.
 */
struct ob_playbook_cache {
	struct ob_playbook_row *rows;
	struct ob_playbook **books;
	size_t n;
};

/*
 * The playbook of that name, or of that id when name is NULL and id > 0,
 * or the default one when neither; *out_id is its id. Returns NULL with
 * *err filled (OB_EDATA for an unknown name, or a stored playbook this
 * binary rejects).
 */
const struct ob_playbook *ob_playbook_cache_get(struct ob_playbook_cache *pc,
						struct ob_store *st,
						const char *name, int64_t id,
						int64_t *out_id,
						struct ob_err *err);
void ob_playbook_cache_release(struct ob_playbook_cache *pc);

struct ob_assessment;

/*
 * Assesses an account with its data from stream x (ob_store_stream_open's
 * day is as_of): what ob_assess says, in a pass over many accounts.
 */
struct ob_stream;
int ob_cli_assess_streamed(struct ob_stream *x, const struct ob_playbook *pb,
			   const struct ob_account *a, ob_day as_of,
			   bool every_metric, struct ob_assessment *as,
			   struct ob_err *err);

/*
 * Assesses every account the filter lets through as of a day, in one pass
 * over the summaries (accounts in rowid order), and calls fn with each;
 * fn returning non-zero stops (-1: an error, in *err). every_metric: as
 * ob_assess_data's, for templates that may name any metric.
 */
int ob_cli_assess_each(struct ob_store *st, struct ob_playbook_cache *pc,
		       const struct ob_account_filter *filter, ob_day as_of,
		       bool every_metric,
		       int (*fn)(void *ctx, const struct ob_account *a,
				 const struct ob_playbook *pb,
				 const struct ob_assessment *as),
		       void *ctx, struct ob_err *err);

/*
 * Writes a file the user named with -o: a temporary file beside it, then
 * a rename. Prints what went wrong; returns an exit code.
 */
int ob_cli_write_file(const char *path, const char *data, size_t len);

/* JSON of an assessment's parts, for score, account show and report. */
struct ob_health;
struct ob_signals;
/* ["text",...] */
void ob_cli_json_reasons(struct ob_buf *b, const char *const *items,
			 size_t n);
/* text; text; ... (for people, CSV cells and templates) */
void ob_cli_text_reasons(struct ob_buf *b, const char *const *items,
			 size_t n);
/* {"engagement":{"status":"red","reasons":[...]},...} */
void ob_cli_json_dimensions(struct ob_buf *b, const struct ob_health *h);
/* Every metric of SPEC.md's table, then count.TYPE per custom type. */
void ob_cli_json_metrics(struct ob_buf *b, const struct ob_signals *s);

/* Commands. */
int ob_cmd_init(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_playbook_check(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_playbook_load(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_playbook_list(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_playbook_show(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_playbook_default(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_account_add(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_account_import(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_account_list(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_account_show(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_account_set(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_log(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_import(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_done(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_score(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_backtest(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_playbook_diff(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_escalations(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_due(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_render(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_calendar(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_report(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_skip(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_snooze(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_csm_set(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_csm_list(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_send(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_outbox(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_outbox_retry(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_outbox_cancel(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_map_check(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_user_list(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_db_check(struct ob_ctx *ctx, int argc, char **argv);
int ob_cmd_db_copy(struct ob_ctx *ctx, int argc, char **argv);

#endif
