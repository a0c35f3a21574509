/* onboard init: create or migrate the database; load the default playbook. */
#include <string.h>

#include "onboard/cli.h"
#include "onboard/embedded.h"

int ob_cmd_init(struct ob_ctx *ctx, int argc, char **argv)
{
	struct ob_store *st = NULL;
	struct ob_playbook pb = {0};
	struct ob_diags diags = {0};
	struct ob_err err = {0};
	int64_t count;
	bool replaced;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", NULL, &code)) != -1)
		if (c == OB_CLI_STOP)
			return code;
	if (optind < argc)
		return ob_cli_usage_error(ctx, "unexpected argument '%s'",
					  argv[optind]);
	if ((code = ob_cli_open(ctx, OB_STORE_CREATE, &st)) != OB_OK)
		return code;
	if (ob_store_begin(st, &err) < 0 ||
	    ob_store_playbook_count(st, &count, &err) < 0)
		goto fail;
	if (count == 0) {
		/* The bundled playbook passes `playbook check` in the tests. */
		if (ob_playbook_parse(ob_default_playbook,
				      ob_default_playbook_len, &pb,
				      &diags) < 0) {
			ob_cli_print_diags("(bundled default.yaml)", &diags);
			ob_diags_release(&diags);
			code = OB_EDATA;
			ob_store_rollback(st);
			goto out;
		}
		if (ob_store_playbook_put(st, pb.name, ob_default_playbook,
					  "(bundled default.yaml)", &replaced,
					  &err) < 0)
			goto fail;
	}
	if (ob_store_commit(st, &err) < 0)
		goto fail;
	ob_cli_note(ctx, "%s database '%s' (schema version %d)",
		    ob_store_created(st) ? "created" : "up to date:",
		    ob_store_name(st), ob_store_schema_version());
	if (count == 0)
		ob_cli_note(ctx, "loaded the bundled playbook '%s' as the "
				 "default",
			    pb.name);
	goto out;
fail:
	ob_store_rollback(st);
	code = ob_cli_report(&err);
out:
	ob_playbook_release(&pb);
	ob_store_close(st);
	return code;
}
