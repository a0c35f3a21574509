/* onboard done: record what was done about a check-in. */
#include <string.h>

#include "onboard/cli.h"

struct already {
	const char *checkin;
	ob_day day;
	bool found;
};

static int find_done(void *ctx, const struct ob_checkin_action *a)
{
	struct already *al = ctx;
	if (strcmp(a->checkin, al->checkin) == 0 &&
	    strcmp(a->action, "done") == 0) {
		al->found = true;
		al->day = a->day;
		return 1;
	}
	return 0;
}

int ob_cmd_done(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"channel", required_argument, NULL, 'c'},
		{"note", required_argument, NULL, 'n'},
		{"at", required_argument, NULL, 'a'},
		{0},
	};
	struct ob_checkin_action action = {.action = (char *)"done"};
	struct ob_playbook_cache pc = {0};
	struct ob_account a = {0};
	struct ob_store *st = NULL;
	struct ob_err err = {0};
	const struct ob_playbook *pb;
	const char *at = NULL, *why;
	struct already al = {0};
	char date[OB_DATE_LEN];
	int64_t pid;
	int c, tier, index, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", options, &code)) != -1) {
		if (c == OB_CLI_STOP)
			return code;
		if (c == 'c')
			action.channel = optarg;
		else if (c == 'n')
			action.note = optarg;
		else
			at = optarg;
	}
	if (argc - optind != 2)
		return ob_cli_usage_error(ctx, "expected an account id and a "
					       "check-in id");
	action.checkin = argv[optind + 1];
	action.day = ctx->today;
	if (at && !ob_date_parse(at, &action.day)) {
		ob_cli_error("bad --at '%s': expected a date YYYY-MM-DD", at);
		return OB_EDATA;
	}
	if (action.channel && ob_channel_parse(action.channel) < 0) {
		ob_cli_error("bad --channel '%s': expected email, call, in-app "
			     "or meeting",
			     action.channel);
		return OB_EDATA;
	}
	if (action.note && (why = ob_account_check_text(action.note))) {
		ob_cli_error("bad --note: %s", why);
		return OB_EDATA;
	}
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	if (ob_store_begin(st, &err) < 0 ||
	    ob_store_account_get(st, argv[optind], false, &a, &err) < 0 ||
	    !(pb = ob_playbook_cache_get(&pc, st, NULL, a.playbook_id, &pid,
					 &err)))
		goto fail;
	tier = ob_playbook_tier(pb, a.tier);
	index = ob_playbook_checkin(pb, action.checkin);
	if (strcmp(action.checkin, "follow-up") == 0) {
		if (!pb->follow_up.present) {
			ob_fail(&err, OB_EDATA,
				"playbook '%s' has no follow-ups", pb->name);
			goto fail;
		}
	} else if (index < 0 || tier < 0 ||
		   !(pb->checkins[index].tiers & ((ob_tier_set)1 << tier))) {
		ob_fail(&err, OB_EDATA,
			"unknown check-in '%s' for '%s' (%s tier of playbook "
			"'%s')",
			action.checkin, a.id, a.tier, pb->name);
		goto fail;
	} else {
		ob_day opens;
		if (ob_playbook_window_date(pb, a.kickoff,
					    pb->checkins[index].opens,
					    &opens) &&
		    action.day < opens) {
			ob_date_format(opens, date);
			ob_fail(&err, OB_EDATA,
				"check-in '%s' of '%s' opens on %s", action.checkin,
				a.id, date);
			goto fail;
		}
		/* A scripted check-in is done once; follow-ups recur. */
		al.checkin = action.checkin;
		if (ob_store_checkin_actions(st, a.rowid, OB_DAY_MAX, find_done,
					     &al, &err) < 0)
			goto fail;
		if (al.found) {
			ob_date_format(al.day, date);
			ob_fail(&err, OB_EDATA,
				"check-in '%s' of '%s' was already done on %s",
				action.checkin, a.id, date);
			goto fail;
		}
	}
	if (ob_store_checkin_action_add(st, a.rowid, &action, &err) < 0 ||
	    ob_store_commit(st, &err) < 0)
		goto fail;
	ob_date_format(action.day, date);
	ob_cli_note(ctx, "done: %s for '%s' on %s", action.checkin, a.id, date);
	goto out;
fail:
	ob_store_rollback(st);
	code = ob_cli_report(&err);
out:
	ob_account_release(&a);
	ob_playbook_cache_release(&pc);
	ob_store_close(st);
	return code;
}
