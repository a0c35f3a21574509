/* onboard outbox [retry|cancel]: the messages `onboard send` keeps. */
#include <stdlib.h>
#include <string.h>

#include "onboard/cli.h"

static const struct ob_column outbox_columns[] = {
    {"id", "ID", 0, true},
    {"kind", NULL, 0, false},
    {"account", "ACCOUNT", 14, false},
    {"csm", NULL, 0, false},
    {"checkin", "CHECK-IN", 16, false},
    {"opens", NULL, 0, false},
    {"recipient", "TO", 19, false},
    {"subject", NULL, 0, false},
    {"state", "STATE", 0, false},
    {"attempts", "TRIES", 0, true},
    {"message_id", NULL, 0, false},
    {"queued_at", NULL, 0, false},
    {"sent_at", NULL, 0, false},
    {"error", NULL, 0, false},
};

struct list {
	struct ob_out *out;
	bool table;
	long count;
};

static int list_one(void *arg, const struct ob_outbox_msg *m)
{
	struct list *l = arg;
	bool alert = m->kind == OB_OUTBOX_ALERT;
	char opens[OB_DATE_LEN];
	ob_date_format(m->opens, opens);
	ob_out_int(l->out, m->id);
	ob_out_text(l->out, alert ? "alert" : "checkin");
	ob_out_text(l->out, m->account_id);
	ob_out_text(l->out, m->csm);
	/* A table has no kind column: an alert says so where a check-in is. */
	ob_out_text(l->out, alert && l->table ? "(alert)" : m->checkin);
	ob_out_text(l->out, alert ? NULL : opens);
	ob_out_text(l->out, m->recipient);
	ob_out_text(l->out, m->subject);
	ob_out_alert(l->out, ob_outbox_state_name(m->state),
		     m->state == OB_OUTBOX_FAILED ||
			 m->state == OB_OUTBOX_UNCONFIRMED);
	ob_out_int(l->out, m->attempts);
	ob_out_text(l->out, m->message_id);
	ob_out_text(l->out, m->queued_at);
	ob_out_text(l->out, m->sent_at);
	ob_out_text(l->out, m->error);
	ob_out_row_end(l->out);
	l->count++;
	return 0;
}

int ob_cmd_outbox(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
	    {"state", required_argument, NULL, 's'},
	    {"account", required_argument, NULL, 'a'},
	    {0},
	};
	struct ob_outbox_filter filter = {.state = -1};
	struct ob_store *st = NULL;
	struct ob_err err = {0};
	struct list l = {0};
	enum ob_format format;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", options, &code)) != -1) {
		if (c == OB_CLI_STOP)
			return code;
		if (c == 'a')
			filter.account = optarg;
		else if ((filter.state = ob_outbox_state_parse(optarg)) < 0) {
			ob_cli_error(
			    "bad state '%s': expected queued, sending, "
			    "sent, deferred, failed, unconfirmed or "
			    "cancelled",
			    optarg);
			return OB_EDATA;
		}
	}
	if (optind < argc)
		return ob_cli_usage_error(ctx,
					  "unexpected argument '%s' (to "
					  "change messages: 'outbox retry' "
					  "or 'outbox cancel')",
					  argv[optind]);
	if (ob_cli_format(ctx, &format) < 0)
		return OB_EUSAGE;
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	l.table = format == OB_FORMAT_TABLE;
	l.out = ob_out_begin(stdout, format, outbox_columns,
			     sizeof(outbox_columns) / sizeof(outbox_columns[0]),
			     ctx->color);
	if (ob_store_begin_read(st, &err) < 0 ||
	    ob_store_outbox_list(st, &filter, list_one, &l, &err) < 0)
		code = ob_cli_report(&err);
	ob_out_end(l.out);
	if (code == OB_OK && l.count == 0 && l.table)
		ob_cli_note(ctx, "no messages match");
	ob_store_rollback(st);
	ob_store_close(st);
	return code;
}

/*
 * Moves each message named to state, all or none: each must be one a
 * person decides about (unconfirmed, failed or deferred).
 */
static int change(struct ob_ctx *ctx, int argc, char **argv,
		  enum ob_outbox_state state, const char *verb)
{
	struct ob_store *st = NULL;
	struct ob_err err = {0};
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", NULL, &code)) != -1)
		if (c == OB_CLI_STOP)
			return code;
	if (optind >= argc)
		return ob_cli_usage_error(ctx, "expected message ids (see "
					       "'onboard outbox')");
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	if (ob_store_begin(st, &err) < 0)
		goto fail;
	for (int i = optind; i < argc; i++) {
		struct ob_outbox_msg m;
		long long id;
		int r;
		if (!ob_parse_int(argv[i], 1, INT64_MAX, &id)) {
			ob_fail(&err, OB_EDATA,
				"bad message id '%s': expected a number from "
				"'onboard outbox'",
				argv[i]);
			goto fail;
		}
		if ((r = ob_store_outbox_get(st, id, &m, &err)) < 0)
			goto fail;
		if (r == 1) {
			ob_fail(&err, OB_EDATA, "no message %lld in the outbox",
				id);
			goto fail;
		}
		r = m.state == OB_OUTBOX_UNCONFIRMED ||
		    m.state == OB_OUTBOX_FAILED ||
		    m.state == OB_OUTBOX_DEFERRED;
		if (!r)
			ob_fail(&err, OB_EDATA,
				"message %lld is %s: only unconfirmed, failed "
				"or deferred messages can be %s",
				id, ob_outbox_state_name(m.state), verb);
		/* A retry starts afresh; a cancel keeps why it came to that. */
		if (r &&
		    ob_store_outbox_set(
			st, id, m.state, state,
			state == OB_OUTBOX_QUEUED ? NULL : m.error, &err) < 0)
			r = 0;
		ob_outbox_msg_release(&m);
		if (!r)
			goto fail;
	}
	if (ob_store_commit(st, &err) < 0)
		goto fail;
	ob_cli_note(ctx, "%d message%s %s", argc - optind,
		    argc - optind == 1 ? "" : "s",
		    state == OB_OUTBOX_QUEUED ? "queued again for the next "
						"'onboard send'"
					      : "cancelled");
	goto out;
fail:
	ob_store_rollback(st);
	code = ob_cli_report(&err);
out:
	ob_store_close(st);
	return code;
}

int ob_cmd_outbox_retry(struct ob_ctx *ctx, int argc, char **argv)
{
	return change(ctx, argc, argv, OB_OUTBOX_QUEUED, "retried");
}

int ob_cmd_outbox_cancel(struct ob_ctx *ctx, int argc, char **argv)
{
	return change(ctx, argc, argv, OB_OUTBOX_CANCELLED, "cancelled");
}
