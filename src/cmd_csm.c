/* onboard csm set|list: the CSM directory, who alerts and replies go to. */
#include <stdlib.h>
#include <string.h>

#include "onboard/cli.h"

int ob_cmd_csm_set(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
	    {"email", required_argument, NULL, 'e'},
	    {"full-name", required_argument, NULL, 'n'},
	    {0},
	};
	struct ob_store *st = NULL;
	struct ob_err err = {0};
	struct ob_csm csm = {0};
	const char *email = NULL, *full_name = NULL, *name, *why;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", options, &code)) != -1) {
		if (c == OB_CLI_STOP)
			return code;
		if (c == 'e')
			email = optarg;
		else
			full_name = optarg;
	}
	if (argc - optind != 1)
		return ob_cli_usage_error(ctx, "expected one CSM name");
	name = argv[optind];
	if ((why = ob_account_check_text(name))) {
		ob_cli_error("bad CSM name '%s': %s", name, why);
		return OB_EDATA;
	}
	if (email && *email && (why = ob_account_check_email(email))) {
		ob_cli_error("bad email '%s': %s", email, why);
		return OB_EDATA;
	}
	if (full_name && *full_name &&
	    (why = ob_account_check_text(full_name))) {
		ob_cli_error("bad full name '%s': %s", full_name, why);
		return OB_EDATA;
	}
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	if (ob_store_begin(st, &err) < 0 ||
	    ob_store_csm_get(st, name, &csm, &err) < 0)
		goto fail;
	/* Given values replace, empty ones clear, others stay. */
	if (!csm.name)
		csm.name = xstrdup(name);
	if (email) {
		free(csm.email);
		csm.email = *email ? xstrdup(email) : NULL;
	}
	if (full_name) {
		free(csm.full_name);
		csm.full_name = *full_name ? xstrdup(full_name) : NULL;
	}
	if (ob_store_csm_put(st, &csm, &err) < 0 ||
	    ob_store_commit(st, &err) < 0)
		goto fail;
	ob_cli_note(ctx, "CSM '%s': %s%s%s", name,
		    csm.full_name ? csm.full_name : "no full name",
		    csm.email ? ", " : ", no e-mail (alerts are held)",
		    csm.email ? csm.email : "");
	goto out;
fail:
	ob_store_rollback(st);
	code = ob_cli_report(&err);
out:
	ob_csm_release(&csm);
	ob_store_close(st);
	return code;
}

static const struct ob_column csm_columns[] = {
    {"csm", "CSM", 20, false},
    {"full_name", "NAME", 24, false},
    {"email", "E-MAIL", 28, false},
    {"accounts", "ACCOUNTS", 0, true},
};

static int list_one(void *arg, const struct ob_csm *c)
{
	struct ob_out *out = arg;
	ob_out_text(out, c->name);
	ob_out_text(out, c->full_name);
	ob_out_text(out, c->email);
	ob_out_int(out, c->accounts);
	ob_out_row_end(out);
	return 0;
}

int ob_cmd_csm_list(struct ob_ctx *ctx, int argc, char **argv)
{
	struct ob_store *st = NULL;
	struct ob_err err = {0};
	enum ob_format format;
	struct ob_out *out;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", NULL, &code)) != -1)
		if (c == OB_CLI_STOP)
			return code;
	if (optind < argc)
		return ob_cli_usage_error(ctx, "unexpected argument '%s'",
					  argv[optind]);
	if (ob_cli_format(ctx, &format) < 0)
		return OB_EUSAGE;
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	out = ob_out_begin(stdout, format, csm_columns,
			   sizeof(csm_columns) / sizeof(csm_columns[0]),
			   ctx->color);
	if (ob_store_begin_read(st, &err) < 0 ||
	    ob_store_csm_list(st, true, list_one, out, &err) < 0)
		code = ob_cli_report(&err);
	ob_out_end(out);
	ob_store_rollback(st);
	ob_store_close(st);
	return code;
}
