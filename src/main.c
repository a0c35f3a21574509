/*
 * onboard: the command table, global options and exit status. Everything
 * a command does lives in its cmd_*.c file.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "onboard/cli.h"

#define ACCOUNT_FIELDS                                                         \
	"  --name NAME        the account's display name\n"                    \
	"  --tier TIER        a tier of its playbook\n"                        \
	"  --kickoff DATE     the kickoff date, day 0 (YYYY-MM-DD)\n"          \
	"  --csm NAME         the customer-success manager who owns it\n"      \
	"  --contact NAME     the customer's main contact\n"                   \
	"  --email ADDRESS    the contact's e-mail address\n"                  \
	"  --playbook NAME    its playbook (default: the default playbook)\n"    \
	"  --opt-out yes|no   yes: no automated e-mail to this account\n"

static const struct ob_command commands[] = {
	{
		.name = "init",
		.run = ob_cmd_init,
		.usage = "",
		.summary = "Create or migrate the database and load the bundled "
			   "default playbook if it has none.",
	},
	{
		.group = "playbook",
		.name = "check",
		.run = ob_cmd_playbook_check,
		.usage = "FILE...",
		.summary = "Validate playbooks: print every error as "
			   "FILE:LINE:COLUMN, load nothing.",
	},
	{
		.group = "playbook",
		.name = "load",
		.run = ob_cmd_playbook_load,
		.usage = "FILE",
		.summary = "Validate a playbook and store it, replacing one of "
			   "the same name.",
	},
	{
		.group = "playbook",
		.name = "diff",
		.run = ob_cmd_playbook_diff,
		.usage = "FILE [--csm C] [--exit-code]",
		.summary = "What loading FILE would change, as of today, for the "
			   "active accounts that follow the stored playbook of "
			   "its name: check-ins added, removed, moved or "
			   "changed, and statuses. Nothing is stored.",
		.help = "  --csm NAME         only this CSM's accounts\n"
			"  --exit-code        exit 1 when anything changes\n",
	},
	{
		.group = "playbook",
		.name = "list",
		.run = ob_cmd_playbook_list,
		.usage = "",
		.summary = "List the stored playbooks.",
	},
	{
		.group = "playbook",
		.name = "show",
		.run = ob_cmd_playbook_show,
		.usage = "[NAME]",
		.summary = "Show a playbook's cadence per tier: windows, "
			   "channels, automation, conditions.",
	},
	{
		.group = "playbook",
		.name = "default",
		.run = ob_cmd_playbook_default,
		.usage = "NAME",
		.summary = "Make a stored playbook the default for new "
			   "accounts.",
	},
	{
		.group = "account",
		.name = "add",
		.run = ob_cmd_account_add,
		.usage = "ID --name NAME --tier TIER --kickoff DATE [--csm C] "
			 "[--contact P] [--email E] [--playbook P] "
			 "[--opt-out yes|no]",
		.summary = "Add an account.",
		.help = ACCOUNT_FIELDS,
	},
	{
		.group = "account",
		.name = "import",
		.run = ob_cmd_account_import,
		.usage = "FILE.csv",
		.summary = "Add or update accounts from a CSV file whose header "
			   "names the fields; all or nothing.",
		.help = "  FILE is '-' for standard input. Columns: id (needed), "
			"name, tier, kickoff,\n  csm, contact, email, playbook, "
			"status, opt_out, in any order.\n",
	},
	{
		.group = "account",
		.name = "list",
		.run = ob_cmd_account_list,
		.usage = "[--csm C] [--tier T] [--status S]",
		.summary = "List accounts.",
		.help = "  --csm NAME         only this CSM's accounts\n"
			"  --tier TIER        only accounts of this tier\n"
			"  --status STATUS    active, paused, completed or "
			"churned\n",
	},
	{
		.group = "account",
		.name = "show",
		.run = ob_cmd_account_show,
		.usage = "ID",
		.summary = "Show an account: its fields and its check-in "
			   "timeline.",
	},
	{
		.group = "account",
		.name = "set",
		.run = ob_cmd_account_set,
		.usage = "ID [--name N] [--tier T] [--kickoff D] [--csm C] "
			 "[--contact P] [--email E] [--playbook P] [--status S] "
			 "[--at DATE] [--opt-out yes|no]",
		.summary = "Change an account's fields; only active accounts are "
			   "scheduled. An empty value clears --csm, --contact "
			   "and --email. Every status change is kept with its "
			   "date: as of an earlier day, an account has the "
			   "status it had then.",
		.help = ACCOUNT_FIELDS "  --status STATUS    active, paused, "
				       "completed or churned\n"
				       "  --at DATE          the day the status "
				       "changed (default: today)\n",
	},
	{
		.name = "log",
		.run = ob_cmd_log,
		.usage = "ID TYPE [--at TIME] [--value V] [--id EXT]",
		.summary = "Record one event for an account.",
		.help = "  --at TIME          when: RFC 3339 (2026-11-20T09:15:00Z) "
			"or a date\n"
			"                     (default: now)\n"
			"  --value V          the event's value: the feature, the "
			"NPS score, the ticket,\n"
			"                     the milestone id\n"
			"  --id EXT           an external id that identifies the "
			"event\n",
	},
	{
		.name = "import",
		.run = ob_cmd_import,
		.usage = "FILE... [--format csv|jsonl] [--from SOURCE --map "
			 "MAP.yaml] [--skip-invalid]",
		.summary = "Import events from CSV or JSON Lines files, or from "
			   "an analytics export; all or nothing.",
		.help = "  --format FORMAT    csv or jsonl (default: from the "
			"file name; '-' is stdin)\n"
			"  --from SOURCE      an export of segment, mixpanel or "
			"amplitude, read\n"
			"                     through --map MAP.yaml\n"
			"  --skip-invalid     store the valid rows and report the "
			"others\n"
			"  Files may be gzip (.gz, or gzip on stdin) or, for "
			"exports, a zip of them.\n",
	},
	{
		.group = "map",
		.name = "check",
		.run = ob_cmd_map_check,
		.usage = "MAP.yaml...",
		.summary = "Check source maps: print every error as "
			   "FILE:LINE:COLUMN.",
	},
	{
		.group = "user",
		.name = "list",
		.run = ob_cmd_user_list,
		.usage = "[--account ID]",
		.summary = "List the analytics users linked to accounts.",
	},
	{
		.group = "db",
		.name = "check",
		.run = ob_cmd_db_check,
		.usage = "",
		.summary = "Check the schema version and every summary "
			   "against the events.",
	},
	{
		.group = "db",
		.name = "copy",
		.run = ob_cmd_db_copy,
		.usage = "FROM TO",
		.summary = "Copy a whole database into an empty one (SQLite "
			   "and PostgreSQL, either way).",
	},
	{
		.name = "due",
		.run = ob_cmd_due,
		.usage = "[--csm C] [--tier T] [--overdue] [--automated|--manual]",
		.summary = "What is due or overdue today, most urgent first.",
		.help = "  --csm NAME         only this CSM's accounts\n"
			"  --tier TIER        only accounts of this tier\n"
			"  --overdue          only what is overdue\n"
			"  --automated        only automated check-ins\n"
			"  --manual           only manual check-ins\n",
	},
	{
		.name = "done",
		.run = ob_cmd_done,
		.usage = "ID CHECKIN [--channel C] [--note TEXT] [--at DATE]",
		.summary = "Mark a check-in completed.",
		.help = "  --channel C        how: email, call, in-app or meeting\n"
			"  --note TEXT        a note on the conversation\n"
			"  --at DATE          when it was done (default: today)\n",
	},
	{
		.name = "skip",
		.run = ob_cmd_skip,
		.usage = "ID CHECKIN --reason TEXT",
		.summary = "Skip a check-in for good (a follow-up: this one).",
		.help = "  --reason TEXT      why, for the record (required)\n",
	},
	{
		.name = "snooze",
		.run = ob_cmd_snooze,
		.usage = "ID CHECKIN --until DATE",
		.summary = "Hide a check-in from the due list until a date.",
		.help = "  --until DATE       the day it shows again (after "
			"today)\n",
	},
	{
		.name = "score",
		.run = ob_cmd_score,
		.usage = "[ID...] [--csm C]",
		.summary = "Status, dimensions, reasons and metrics (no ID: "
			   "every active account).",
		.help = "  --csm NAME         only this CSM's accounts\n",
	},
	{
		.name = "backtest",
		.run = ob_cmd_backtest,
		.usage = "[--day N] [--labels FILE.csv] [--playbook FILE.yaml]",
		.summary = "How well each account's status on day N said which "
			   "accounts later churned: bands, cut-offs, lift, "
			   "lead time and reasons.",
		.help = "  --day N            the day after kickoff to score "
			"each account on (default 7)\n"
			"  --labels FILE.csv  outcomes (account,outcome,date; "
			"churned or retained),\n"
			"                     winning over the accounts' "
			"statuses\n"
			"  --playbook FILE    score every account with this "
			"playbook instead of its\n"
			"                     own (validated, not stored)\n",
	},
	{
		.name = "escalations",
		.run = ob_cmd_escalations,
		.usage = "[--csm C]",
		.summary = "Active accounts for which an escalation rule holds, "
			   "with reasons.",
		.help = "  --csm NAME         only this CSM's accounts\n",
	},
	{
		.name = "calendar",
		.run = ob_cmd_calendar,
		.usage = "[--csm C] [--days N] [-o FILE]",
		.summary = "An iCalendar (RFC 5545) feed of open and upcoming "
			   "check-ins.",
		.help = "  --csm NAME         only this CSM's accounts\n"
			"  --days N           upcoming ones opening in the next N "
			"days (default 14)\n"
			"  -o, --output FILE  write FILE (atomically) instead of "
			"stdout\n",
	},
	{
		.name = "report",
		.run = ob_cmd_report,
		.usage = "[--week YYYY-Www] [--csm C] [--format md|csv|json|html] "
			 "[-o FILE]",
		.summary = "The weekly status report (default: this week, as "
			   "Markdown).",
		.help = "  --week YYYY-Www    the ISO week (default: the one with "
			"today)\n"
			"  --csm NAME         only this CSM's accounts\n"
			"  --format FORMAT    md, csv (a row per account), json or "
			"html (with charts)\n"
			"  -o, --output FILE  write FILE (atomically) instead of "
			"stdout\n",
	},
	{
		.group = "csm",
		.name = "set",
		.run = ob_cmd_csm_set,
		.usage = "NAME [--email E] [--full-name N]",
		.summary = "Add a CSM to the directory or change their e-mail "
			   "and full name.",
		.help = "  NAME               the CSM as accounts name them "
			"(--csm)\n"
			"  --email ADDRESS    where their alerts go, and replies "
			"to their accounts\n"
			"  --full-name NAME   how messages name them\n"
			"  An empty value clears --email and --full-name.\n",
	},
	{
		.group = "csm",
		.name = "list",
		.run = ob_cmd_csm_list,
		.usage = "",
		.summary = "List the CSMs: the directory's and those accounts "
			   "name.",
	},
	{
		.name = "send",
		.run = ob_cmd_send,
		.usage = "[--csm C] [--account ID] [--limit N] [--maildir DIR] "
			 "[--no-alerts] [--dry-run]",
		.summary = "Queue and deliver today's automated e-mail check-ins "
			   "and the CSM alerts.",
		.help = "  --csm NAME         only this CSM's accounts\n"
			"  --account ID       only this account\n"
			"  --limit N          deliver at most N messages (the "
			"rest stay queued)\n"
			"  --maildir DIR      deliver into this Maildir, not to "
			"$ONBOARD_SENDMAIL\n"
			"  --no-alerts        no CSM alerts this run\n"
			"  --dry-run          print what would be queued as an "
			"mbox, change nothing\n"
			"  Exit status: 0 all went, 75 some deferred (or another "
			"send runs), 1 some\n  failed, 65 a playbook without "
			"delivery.from.\n",
	},
	{
		.name = "outbox",
		.run = ob_cmd_outbox,
		.usage = "[--state S] [--account ID]",
		.summary = "List the messages of 'onboard send' and their "
			   "states.",
		.help = "  --state STATE      queued, sending, sent, deferred, "
			"failed, unconfirmed or\n"
			"                     cancelled\n"
			"  --account ID       only this account's check-ins and "
			"the alerts naming it\n"
			"  See also: onboard outbox retry ID..., onboard outbox "
			"cancel ID...\n",
	},
	{
		.group = "outbox",
		.name = "retry",
		.run = ob_cmd_outbox_retry,
		.usage = "ID...",
		.summary = "Queue unconfirmed, failed or deferred messages "
			   "again (attempts kept).",
	},
	{
		.group = "outbox",
		.name = "cancel",
		.run = ob_cmd_outbox_cancel,
		.usage = "ID...",
		.summary = "Give up unconfirmed, failed or deferred messages.",
	},
	{
		.name = "render",
		.run = ob_cmd_render,
		.usage = "ID CHECKIN",
		.summary = "Print a check-in's template filled in for an "
			   "account, as of today.",
	},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fputs("usage: onboard [GLOBAL OPTIONS] COMMAND [ARGS]\n\n"
	      "An onboarding cadence engine for customer-success teams.\n\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const struct ob_command *c = &commands[i];
		char name[64];
		snprintf(name, sizeof(name), "%s%s%s", c->group ? c->group : "",
			 c->group ? " " : "", c->name);
		fprintf(f, "  %-18s ", name);
		ob_cli_print_wrapped(f, c->summary, 21, 21);
	}
	fputs("\nGlobal options, before or after the command:\n"
	      "  --db PATH          the database (default $ONBOARD_DB, else\n"
	      "                     $XDG_DATA_HOME/onboard/onboard.db, else\n"
	      "                     ~/.local/share/onboard/onboard.db); a\n"
	      "                     postgresql:// URI for a shared one\n"
	      "  --today DATE       answer as of this date (default "
	      "$ONBOARD_TODAY, else today)\n"
	      "  --format FORMAT    table, json or csv for listings\n"
	      "  -q, --quiet        no summaries on stderr\n"
	      "  -h, --help         help, also per command: onboard COMMAND "
	      "--help\n"
	      "  --version          the version\n\n"
	      "Exit status: 0 success, 1 runtime failure, 2 usage, 65 invalid "
	      "data,\n66 missing input file, 75 database busy (try again).\n",
	      f);
}

static const struct ob_command *find(const char *group, const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const struct ob_command *c = &commands[i];
		if (group ? c->group && strcmp(c->group, group) == 0 &&
				    strcmp(c->name, name) == 0
			  : !c->group && strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

static bool is_group(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (commands[i].group && strcmp(commands[i].group, name) == 0)
			return true;
	return false;
}

static void list_group(FILE *f, const char *group)
{
	fprintf(f, "usage: onboard %s SUBCOMMAND\n\nSubcommands:\n", group);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (!commands[i].group || strcmp(commands[i].group, group) != 0)
			continue;
		fprintf(f, "  %-10s ", commands[i].name);
		ob_cli_print_wrapped(f, commands[i].summary, 13, 13);
	}
}

static bool want_color(void)
{
	const char *term = getenv("TERM");
	if (getenv("NO_COLOR"))
		return false;
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(STDOUT_FILENO);
}

static char stdout_buffer[64 * 1024];

int main(int argc, char **argv)
{
	struct ob_ctx ctx = {0};
	const struct ob_command *cmd;
	const char *env_today = getenv("ONBOARD_TODAY");
	size_t nglobal;
	const struct option *globals = ob_cli_global_options(&nglobal);
	int c, code = OB_OK, first;

	/* The database, its -wal and -shm files are the user's alone. */
	umask(077);
	/*
	 * Past a file size limit, a write should fail (and the transaction
	 * roll back, with a message) rather than the signal kill us.
	 */
	signal(SIGXFSZ, SIG_IGN);
	/* A list of 100,000 rows to a pipe or file: 64 KiB writes, not 4
	 * (glibc takes the size only with a buffer given). */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, stdout_buffer, _IOFBF, sizeof(stdout_buffer));
	ctx.color = want_color();
	ctx.today = ob_date_today();
	/* Read once the command's options are: --today wins over it. */
	ctx.today_env = env_today && *env_today ? env_today : NULL;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:qh", globals, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return OB_OK;
		}
		if (c == '?' || c == ':') {
			ob_cli_option_error(&ctx, c, argv);
			usage(stderr);
			return OB_EUSAGE;
		}
		if (ob_cli_apply_global(&ctx, c, optarg, &code) < 0)
			return code;
	}
	if (optind >= argc) {
		usage(stderr);
		return OB_EUSAGE;
	}
	first = optind;
	/* A group's subcommand, else a command of the group's own name. */
	if (first + 1 < argc && (cmd = find(argv[first], argv[first + 1]))) {
		first++;
	} else if ((cmd = find(NULL, argv[first]))) {
		/* onboard outbox [--state S] */
	} else if (is_group(argv[first])) {
		if (first + 1 >= argc || argv[first + 1][0] == '-') {
			bool help = first + 1 < argc &&
				    (strcmp(argv[first + 1], "-h") == 0 ||
				     strcmp(argv[first + 1], "--help") == 0);
			list_group(help ? stdout : stderr, argv[first]);
			return help ? OB_OK : OB_EUSAGE;
		}
		ob_cli_error("unknown command '%s %s'", argv[first],
			     argv[first + 1]);
		list_group(stderr, argv[first]);
		return OB_EUSAGE;
	} else {
		ob_cli_error("unknown command '%s' (see 'onboard --help')",
			     argv[first]);
		return OB_EUSAGE;
	}
	ctx.cmd = cmd;
	/* The command sees itself as argv[0]; 0 makes getopt start afresh. */
	optind = 0;
	code = cmd->run(&ctx, argc - first, argv + first);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		ob_cli_error("cannot write the output: %s", strerror(errno));
		if (code == OB_OK)
			code = OB_EFAIL;
	}
	free(ctx.db_path_owned);
	return code;
}
