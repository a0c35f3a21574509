/*
 * onboard db check|copy: a database's health, and a whole database moved
 * between SQLite and PostgreSQL (SPEC section 9).
 */
#include <stdlib.h>

#include "onboard/cli.h"

int ob_cmd_db_check(struct ob_ctx *ctx, int argc, char **argv)
{
	struct ob_store *st = NULL;
	struct ob_store_check check;
	struct ob_err err = {0};
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", NULL, &code)) != -1)
		if (c == OB_CLI_STOP)
			return code;
	if (optind < argc)
		return ob_cli_usage_error(ctx, "unexpected argument '%s'",
					  argv[optind]);
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	if (ob_store_begin_read(st, &err) < 0 ||
	    ob_store_check(st, &check, &err) < 0) {
		code = ob_cli_report(&err);
		goto out;
	}
	printf("database '%s': schema version %d, %lld accounts with events, "
	       "%lld events\n",
	       ob_store_name(st), check.version, (long long)check.accounts,
	       (long long)check.events);
	if (!check.nwrong) {
		printf("every account's summary agrees with its events\n");
		goto out;
	}
	for (int64_t i = 0; i < check.nwrong && i < OB_CHECK_NAMED; i++) {
		char *id = ob_store_account_ext_id(st, check.wrong[i], &err);
		printf("summary disagrees with the events: %s\n",
		       id ? id : "(an account no longer there)");
		free(id);
	}
	ob_cli_error("database '%s': %lld accounts' summaries disagree with "
		     "their events",
		     ob_store_name(st), (long long)check.nwrong);
	code = OB_EFAIL;
out:
	ob_store_rollback(st);
	ob_store_close(st);
	return code;
}

int ob_cmd_db_copy(struct ob_ctx *ctx, int argc, char **argv)
{
	struct ob_store *from = NULL, *to = NULL;
	struct ob_store_copied n;
	struct ob_err err = {0};
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", NULL, &code)) != -1)
		if (c == OB_CLI_STOP)
			return code;
	if (argc - optind != 2)
		return ob_cli_usage_error(ctx, "expected FROM and TO, two "
					       "databases");
	if (ob_store_open(argv[optind], OB_STORE_EXISTING, &from, &err) < 0 ||
	    ob_store_open(argv[optind + 1], OB_STORE_EXISTING, &to, &err) < 0 ||
	    ob_store_copy(from, to, &n, &err) < 0) {
		code = ob_cli_report(&err);
		if (to)
			ob_cli_error("nothing written");
		goto out;
	}
	ob_cli_note(ctx,
		    "copied '%s' to '%s': %lld playbooks, %lld accounts, "
		    "%lld events, %lld check-in actions, %lld messages, "
		    "%lld user links",
		    ob_store_name(from), ob_store_name(to),
		    (long long)n.playbooks, (long long)n.accounts,
		    (long long)n.events, (long long)n.actions,
		    (long long)n.messages, (long long)n.links);
out:
	ob_store_close(from);
	ob_store_close(to);
	return code;
}
