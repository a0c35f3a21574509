/* onboard render: a check-in's template, filled for an account. */
#include <stdlib.h>
#include <string.h>

#include "onboard/cli.h"
#include "onboard/health.h"
#include "onboard/template.h"

struct fill {
	const struct ob_account *a;
	const struct ob_playbook *pb;
	const struct ob_assessment *as;
	const struct ob_checkin_instance *ci;
};

static void put_date(struct ob_buf *out, ob_day d)
{
	char buf[OB_DATE_LEN];
	ob_date_format(d, buf);
	ob_buf_adds(out, buf);
}

/* What a placeholder stands for; see the README for the fallbacks. */
static void value(void *ctx, const char *name, struct ob_buf *out)
{
	const struct fill *f = ctx;
	const struct ob_account *a = f->a;
	const struct ob_health *h = &f->as->health;
	struct ob_metric_ref ref;
	if (strcmp(name, "account.id") == 0)
		ob_buf_adds(out, a->id);
	else if (strcmp(name, "account.name") == 0)
		ob_buf_adds(out, a->name);
	else if (strcmp(name, "account.contact") == 0)
		ob_buf_adds(out, a->contact ? a->contact : "there");
	else if (strcmp(name, "account.email") == 0)
		ob_buf_adds(out, a->email ? a->email : "");
	else if (strcmp(name, "account.csm") == 0)
		ob_buf_adds(out, a->csm ? a->csm : "The onboarding team");
	else if (strcmp(name, "account.tier") == 0)
		ob_buf_adds(out, f->pb->tiers[f->as->tier].title);
	else if (strcmp(name, "checkin.id") == 0)
		ob_buf_adds(out, f->ci->checkin->id);
	else if (strcmp(name, "checkin.title") == 0)
		ob_buf_adds(out, f->ci->checkin->title);
	else if (strcmp(name, "checkin.opens") == 0)
		put_date(out, f->ci->opens);
	else if (strcmp(name, "checkin.closes") == 0)
		put_date(out, f->ci->closes);
	else if (strcmp(name, "checkin.channel") == 0)
		ob_buf_adds(out, ob_channel_name(f->ci->channel));
	else if (strcmp(name, "day") == 0)
		ob_buf_addf(out, "%.0f", f->as->signals.m[OB_M_DAY].v);
	else if (strcmp(name, "status") == 0)
		ob_buf_adds(out, ob_status_name(h->status));
	else if (strcmp(name, "reasons") == 0) {
		if (!h->reasons.n)
			ob_buf_adds(out, "none");
		ob_cli_text_reasons(out, h->reasons.items, h->reasons.n);
	} else if (strcmp(name, "progress") == 0)
		ob_buf_addf(out, "%d", f->as->signals.progress);
	else if (strncmp(name, "metric.", 7) == 0 &&
		 ob_metric_parse(name + 7, &ref)) {
		struct ob_metric_value v = ob_signals_get(&f->as->signals, &ref);
		if (v.has)
			ob_buf_addf(out, "%g", v.v);
		else
			ob_buf_adds(out, "n/a");
		free(ref.type);
	} else
		ob_buf_addf(out, "{{%s}}", name);
}

int ob_cmd_render(struct ob_ctx *ctx, int argc, char **argv)
{
	struct ob_playbook_cache pc = {0};
	struct ob_assessment as = {0};
	struct ob_account a = {0};
	struct ob_store *st = NULL;
	struct ob_err err = {0};
	struct ob_buf text = {0};
	const struct ob_playbook *pb;
	struct fill f = {0};
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
			f.ci = &as.checkins[i];
	if (!f.ci) {
		ob_fail(&err, OB_EDATA,
			"unknown check-in '%s' for '%s' (%s tier of playbook "
			"'%s')",
			argv[optind + 1], a.id, a.tier, pb->name);
		goto fail;
	}
	if (!f.ci->checkin->template) {
		ob_fail(&err, OB_EDATA,
			"check-in '%s' of playbook '%s' has no template",
			f.ci->checkin->id, pb->name);
		goto fail;
	}
	f.a = &a;
	f.pb = pb;
	f.as = &as;
	ob_template_render(f.ci->checkin->template, value, &f, &text);
	fputs(text.data, stdout);
	if (text.len && text.data[text.len - 1] != '\n')
		putchar('\n');
	goto out;
fail:
	code = ob_cli_report(&err);
out:
	ob_store_rollback(st);
	ob_buf_release(&text);
	ob_assessment_release(&as);
	ob_account_release(&a);
	ob_playbook_cache_release(&pc);
	ob_store_close(st);
	return code;
}
