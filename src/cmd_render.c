/* onboard render: a check-in's template, filled for an account. */
#include <string.h>

#include "onboard/cli.h"
#include "onboard/health.h"
#include "onboard/template.h"

int ob_cmd_render(struct ob_ctx *ctx, int argc, char **argv)
{
	struct ob_playbook_cache pc = {0};
	struct ob_assessment as = {0};
	struct ob_account a = {0};
	struct ob_store *st = NULL;
	struct ob_err err = {0};
	struct ob_buf text = {0};
	const struct ob_playbook *pb;
	const struct ob_checkin_instance *ci = NULL;
	struct ob_csm csm = {0};
	int64_t pid;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", NULL, &code)) != -1)
		if (c == OB_CLI_STOP)
			return code;
	if (argc - optind != 2)
		return ob_cli_usage_error(ctx, "expected an account id and a "
					       "check-in id");
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	if (ob_store_begin_read(st, &err) < 0 ||
	    ob_store_account_get(st, argv[optind], false, &a, &err) < 0 ||
	    !(pb = ob_playbook_cache_get(&pc, st, NULL, a.playbook_id, &pid,
					 &err)) ||
	    ob_assess(st, pb, &a, ctx->today, &as, &err) < 0)
		goto fail;
	for (size_t i = 0; i < as.ncheckins; i++)
		if (strcmp(as.checkins[i].checkin->id, argv[optind + 1]) == 0)
			ci = &as.checkins[i];
	if (!ci) {
		ob_fail(&err, OB_EDATA,
			"unknown check-in '%s' for '%s' (%s tier of playbook "
			"'%s')",
			argv[optind + 1], a.id, a.tier, pb->name);
		goto fail;
	}
	if (!ci->checkin->template) {
		ob_fail(&err, OB_EDATA,
			"check-in '%s' of playbook '%s' has no template",
			ci->checkin->id, pb->name);
		goto fail;
	}
	if (a.csm && ob_store_csm_get(st, a.csm, &csm, &err) < 0)
		goto fail;
	ob_template_fill_checkin(&a, pb, &as, ci, csm.full_name, &text);
	fputs(text.data, stdout);
	if (text.len && text.data[text.len - 1] != '\n')
		putchar('\n');
	goto out;
fail:
	code = ob_cli_report(&err);
out:
	ob_store_rollback(st);
	ob_buf_release(&text);
	ob_csm_release(&csm);
	ob_assessment_release(&as);
	ob_account_release(&a);
	ob_playbook_cache_release(&pc);
	ob_store_close(st);
	return code;
}
