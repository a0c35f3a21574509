/* onboard map check | user list: the analytics exports' side. */
#include <stdlib.h>
#include <string.h>

#include "onboard/cli.h"

int ob_cmd_map_check(struct ob_ctx *ctx, int argc, char **argv)
{
	int c, code = OB_OK;
	while ((c = ob_cli_getopt(ctx, argc, argv, "", NULL, &code)) != -1)
		if (c == OB_CLI_STOP)
			return code;
	if (optind >= argc)
		return ob_cli_usage_error(ctx, "no map file given");
	for (int i = optind; i < argc; i++) {
		struct ob_map m;
		int r = ob_cli_read_map(argv[i], &m);
		/* A missing file outranks an invalid one: 66 over 65. */
		if (r != OB_OK) {
			if (code != OB_ENOINPUT)
				code = r;
			continue;
		}
		if (!ctx->quiet)
			printf("%s: ok (%s map: %zu event name%s, %zu account "
			       "path%s, unmapped %s, unknown accounts %s)\n",
			       argv[i], ob_source_name(m.source), m.nevents,
			       m.nevents == 1 ? "" : "s", m.naccounts,
			       m.naccounts == 1 ? "" : "s",
			       m.unmapped_custom ? "custom" : "skipped",
			       m.unknown_error ? "an error" : "skipped");
		ob_map_release(&m);
	}
	return code;
}

static const struct ob_column user_columns[] = {
	{"user", "USER", 32, false},
	{"account", "ACCOUNT", 20, false},
	{"linked_at", "LINKED AT", 0, false},
};

static int list_one(void *arg, const char *user, const char *account,
		    int64_t linked_at)
{
	struct ob_out *out = arg;
	char when[24];
	ob_time_format_utc(linked_at, when);
	ob_out_text(out, user);
	ob_out_text(out, account);
	ob_out_text(out, when);
	ob_out_row_end(out);
	return 0;
}

int ob_cmd_user_list(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"account", required_argument, NULL, 'a'},
		{0},
	};
	struct ob_store *st = NULL;
	struct ob_err err = {0};
	const char *account = NULL;
	enum ob_format format;
	struct ob_out *out;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", options, &code)) != -1) {
		if (c == OB_CLI_STOP)
			return code;
		account = optarg;
	}
	if (optind < argc)
		return ob_cli_usage_error(ctx, "unexpected argument '%s'",
					  argv[optind]);
	if (ob_cli_format(ctx, &format) < 0)
		return OB_EUSAGE;
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	out = ob_out_begin(stdout, format, user_columns,
			   sizeof(user_columns) / sizeof(user_columns[0]),
			   ctx->color);
	if (ob_store_begin_read(st, &err) < 0 ||
	    ob_store_user_list(st, account, list_one, out, &err) < 0)
		code = ob_cli_report(&err);
	ob_out_end(out);
	ob_store_rollback(st);
	ob_store_close(st);
	return code;
}
