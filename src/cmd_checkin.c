/* onboard done | skip | snooze: what was done about a check-in. */
#include <string.h>

#include "onboard/cli.h"
#include "onboard/health.h"

/*
 * Records an action on a check-in of an account, after checking it
 * against the account's schedule as of the action's day: the check-in
 * must be one the account has, open already, and not done or skipped
 * (on any day, unless it is a follow-up).
 */
static int record(struct ob_ctx *ctx, const char *id,
		  struct ob_checkin_action *action)
{
	struct ob_playbook_cache pc = {0};
	struct ob_assessment as = {0};
	struct ob_account a = {0};
	struct ob_store *st = NULL;
	struct ob_err err = {0};
	const struct ob_playbook *pb;
	const struct ob_checkin_instance *ci = NULL;
	char date[OB_DATE_LEN];
	int64_t pid;
	ob_day done_on;
	bool completed, done;
	int code;

	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	if (ob_store_begin(st, &err) < 0 ||
	    ob_store_account_get(st, id, false, &a, &err) < 0 ||
	    !(pb = ob_playbook_cache_get(&pc, st, NULL, a.playbook_id, &pid,
					 &err)) ||
	    ob_assess(st, pb, &a, action->day, &as, &err) < 0)
		goto fail;
	for (size_t i = 0; i < as.ncheckins; i++)
		if (strcmp(as.checkins[i].checkin->id, action->checkin) == 0)
			ci = &as.checkins[i];
	if (!ci && strcmp(action->checkin, "follow-up") == 0) {
		ob_fail(&err, OB_EDATA,
			pb->follow_up.present
				? "'%s' has no follow-up left to do (past day "
				  "%d)"
				: "playbook of '%s' has no follow-ups",
			a.id,
			pb->follow_up.until_day >= 0
				? pb->follow_up.until_day
				: pb->tiers[as.tier].length_days);
		goto fail;
	}
	if (!ci) {
		ob_fail(&err, OB_EDATA,
			"unknown check-in '%s' for '%s' (%s tier of playbook "
			"'%s')",
			action->checkin, a.id, a.tier, pb->name);
		goto fail;
	}
	completed = ci->state == OB_CI_DONE || ci->state == OB_CI_SKIPPED;
	done = ci->state == OB_CI_DONE;
	done_on = ci->done_on;
	/*
	 * A check-in of the script is completed once, whatever the day: the
	 * schedule as of a backdated action's day has not seen the later
	 * completions. Follow-ups come again.
	 */
	if (!completed && ci->checkin != &pb->follow_up.checkin) {
		int r = ob_store_checkin_completion(
		    st, a.rowid, action->checkin, &done, &done_on, &err);
		if (r < 0)
			goto fail;
		completed = r == 0;
	}
	if (completed) {
		ob_date_format(done_on, date);
		ob_fail(
		    &err, OB_EDATA,
		    "check-in '%s' of '%s' was already %s on %s",
		    action->checkin, a.id,
		    ob_checkin_state_name(done ? OB_CI_DONE : OB_CI_SKIPPED),
		    date);
		goto fail;
	}
	if (ci->dated && action->day < ci->opens) {
		ob_date_format(ci->opens, date);
		ob_fail(&err, OB_EDATA,
			ci->checkin == &pb->follow_up.checkin
				? "the next %s of '%s' is on %s"
				: "check-in '%s' of '%s' opens on %s",
			action->checkin, a.id, date);
		goto fail;
	}
	if (ob_store_checkin_action_add(st, a.rowid, action, &err) < 0 ||
	    ob_store_commit(st, &err) < 0)
		goto fail;
	goto out;
fail:
	ob_store_rollback(st);
	code = ob_cli_report(&err);
out:
	ob_assessment_release(&as);
	ob_account_release(&a);
	ob_playbook_cache_release(&pc);
	ob_store_close(st);
	return code;
}

static int two_arguments(struct ob_ctx *ctx, int argc)
{
	if (argc - optind != 2)
		return ob_cli_usage_error(ctx, "expected an account id and a "
					       "check-in id");
	return OB_OK;
}

int ob_cmd_done(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"channel", required_argument, NULL, 'c'},
		{"note", required_argument, NULL, 'n'},
		{"at", required_argument, NULL, 'a'},
		{0},
	};
	struct ob_checkin_action action = {.action = "done"};
	const char *at = NULL, *why;
	char date[OB_DATE_LEN];
	int c, code = OB_OK;

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
	if ((code = two_arguments(ctx, argc)) != OB_OK)
		return code;
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
	if ((code = record(ctx, argv[optind], &action)) != OB_OK)
		return code;
	ob_date_format(action.day, date);
	ob_cli_note(ctx, "done: %s for '%s' on %s", action.checkin,
		    argv[optind], date);
	return OB_OK;
}

int ob_cmd_skip(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"reason", required_argument, NULL, 'r'},
		{0},
	};
	struct ob_checkin_action action = {.action = "skipped"};
	const char *why;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", options, &code)) != -1) {
		if (c == OB_CLI_STOP)
			return code;
		action.note = optarg;
	}
	if ((code = two_arguments(ctx, argc)) != OB_OK)
		return code;
	if (!action.note)
		return ob_cli_usage_error(ctx, "--reason is required");
	if ((why = ob_account_check_text(action.note))) {
		ob_cli_error("bad --reason: %s", why);
		return OB_EDATA;
	}
	action.checkin = argv[optind + 1];
	action.day = ctx->today;
	if ((code = record(ctx, argv[optind], &action)) != OB_OK)
		return code;
	ob_cli_note(ctx, "skipped: %s for '%s'", action.checkin, argv[optind]);
	return OB_OK;
}

int ob_cmd_snooze(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"until", required_argument, NULL, 'u'},
		{0},
	};
	struct ob_checkin_action action = {.action = "snoozed"};
	const char *until = NULL;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", options, &code)) != -1) {
		if (c == OB_CLI_STOP)
			return code;
		until = optarg;
	}
	if ((code = two_arguments(ctx, argc)) != OB_OK)
		return code;
	if (!until)
		return ob_cli_usage_error(ctx, "--until is required");
	if (!ob_date_parse(until, &action.until)) {
		ob_cli_error("bad --until '%s': expected a date YYYY-MM-DD",
			     until);
		return OB_EDATA;
	}
	action.day = ctx->today;
	if (action.until <= action.day) {
		ob_cli_error("--until %s is not after today", until);
		return OB_EDATA;
	}
	action.checkin = argv[optind + 1];
	if ((code = record(ctx, argv[optind], &action)) != OB_OK)
		return code;
	ob_cli_note(ctx, "snoozed: %s for '%s' until %s", action.checkin,
		    argv[optind], until);
	return OB_OK;
}
