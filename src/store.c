/* realpath(3), for the send lock. */
#define _XOPEN_SOURCE 700
#include "onboard/store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "onboard/account_map.h"
#include "onboard/embedded.h"
#include "onboard/event.h"
#include "onboard/summary.h"
#include "store_private.h"

struct ob_store;
static int rebuild_signals(struct ob_store *st, struct ob_err *err);
static int canonical_nps(struct ob_store *st, struct ob_err *err);

/*
 * When a ticket's resolution closes an opening in every zone (UTC-12 to
 * UTC+14), as SQL on a ticket_open row (at, bare): one with a time at the
 * instant t, one given as the date d. The reader's zone decides the rest
 * (ob_ticket_open).
 */
#define DAY_US_TEXT "86400000000"
#define TICKET_RESOLVED_AT(t)                                                   \
	"(bare = 0 AND at <= " t " OR bare = 1 AND (" t " - 43200000000) / "  \
	DAY_US_TEXT " > at / " DAY_US_TEXT ")"
#define TICKET_RESOLVED_DAY(d)                                                  \
	"(bare = 1 AND " d " >= at / " DAY_US_TEXT " OR bare = 0 AND " d      \
	" >= (at + 50400000000) / " DAY_US_TEXT ")"

/*
 * Migration steps, append-only: migrations[i] moves a database from
 * version i + 1 to i + 2, with SQL and, where SQL alone will not do, a
 * function (the steps' functions run after all their SQL). A new database
 * runs schema.sql instead, which is always the result of every step.
 */
static const struct {
	const char *sql;
	int (*fn)(struct ob_store *st, struct ob_err *err);
} migrations[] = {
	/*
	 * 1 -> 2: events lose their foreign key clauses (the writer checks
	 * them, at half the cost); the summaries of accounts, features,
	 * milestones and open tickets are built from the events stored.
	 */
	{"CREATE TABLE event_v2 ("
	 " account INTEGER NOT NULL, type INTEGER NOT NULL,"
	 " at INTEGER NOT NULL,"
	 " bare INTEGER NOT NULL DEFAULT 0 CHECK (bare IN (0, 1)),"
	 " value TEXT NOT NULL DEFAULT '', ext_id TEXT NOT NULL DEFAULT '',"
	 " PRIMARY KEY (account, type, at, bare, value, ext_id))"
	 " STRICT, WITHOUT ROWID;"
	 "INSERT INTO event_v2 SELECT account, type, at, bare, value, ext_id"
	 " FROM event;"
	 "DROP TABLE event;"
	 "ALTER TABLE event_v2 RENAME TO event;"
	 "CREATE UNIQUE INDEX event_ext_id ON event (account, ext_id)"
	 " WHERE ext_id <> '';"
	 "CREATE TABLE signal (account INTEGER PRIMARY KEY, last_at INTEGER,"
	 " last_day INTEGER, counts TEXT NOT NULL, login_first_at INTEGER,"
	 " login_last_at INTEGER, login_first_day INTEGER,"
	 " login_last_day INTEGER, response_first_at INTEGER,"
	 " response_last_at INTEGER, response_first_day INTEGER,"
	 " response_last_day INTEGER, nps_at INTEGER, nps_value TEXT,"
	 " features INTEGER NOT NULL) STRICT;"
	 "CREATE TABLE signal_value ("
	 " type INTEGER NOT NULL, account INTEGER NOT NULL,"
	 " value TEXT NOT NULL,"
	 " PRIMARY KEY (type, account, value)) STRICT, WITHOUT ROWID;"
	 "INSERT INTO signal_value SELECT DISTINCT type, account, value"
	 " FROM event WHERE type IN (2, 11);"
	 "CREATE TABLE ticket_open ("
	 " account INTEGER NOT NULL, ref TEXT NOT NULL, at INTEGER NOT NULL,"
	 " bare INTEGER NOT NULL, ext_id TEXT NOT NULL,"
	 " PRIMARY KEY (account, ref, at, bare, ext_id)) STRICT, WITHOUT ROWID;"
	 "INSERT INTO ticket_open SELECT o.account, o.value, o.at, o.bare,"
	 " o.ext_id FROM event o WHERE o.type = 9 AND NOT EXISTS (SELECT 1"
	 " FROM event r WHERE r.account = o.account AND r.type = 10"
	 " AND r.value = o.value AND r.at >= o.at);"
	 "DROP INDEX checkin_action_account;"
	 "CREATE INDEX checkin_action_account ON checkin_action (account, day);",
	 rebuild_signals},
	/*
	 * 2 -> 3: the check-ins' index covers what the scheduler reads, in
	 * its order; NPS scores become plain numbers ("010" was kept as
	 * written, and summed up as "01"), a twin of one already there
	 * going, and the summaries are rebuilt if any changed.
	 */
	{"DROP INDEX checkin_action_account;"
	 "CREATE INDEX checkin_action_account ON checkin_action (account, day,"
	 " id, checkin, action, until_day, channel, note);",
	 canonical_nps},
	/*
	 * 3 -> 4: automation (SPEC section 7): the CSM directory, accounts'
	 * opt-out, the outbox and what each CSM was last alerted of.
	 */
	{"ALTER TABLE account ADD COLUMN opt_out INTEGER NOT NULL DEFAULT 0"
	 " CHECK (opt_out IN (0, 1));"
	 "CREATE TABLE csm (name TEXT PRIMARY KEY, full_name TEXT, email TEXT,"
	 " updated_at TEXT NOT NULL) STRICT;"
	 "CREATE TABLE outbox (id INTEGER PRIMARY KEY,"
	 " kind TEXT NOT NULL CHECK (kind IN ('checkin', 'alert')),"
	 " account INTEGER REFERENCES account (id), checkin TEXT, opens TEXT,"
	 " csm TEXT, sender TEXT NOT NULL, recipient TEXT NOT NULL,"
	 " subject TEXT NOT NULL, message_id TEXT NOT NULL,"
	 " message TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'queued'"
	 " CHECK (state IN ('queued', 'sending', 'sent', 'deferred', 'failed',"
	 " 'unconfirmed', 'cancelled')),"
	 " attempts INTEGER NOT NULL DEFAULT 0, queued_at TEXT NOT NULL,"
	 " sent_at TEXT, error TEXT,"
	 " CHECK ((kind = 'checkin') = (account IS NOT NULL AND"
	 " checkin IS NOT NULL AND opens IS NOT NULL))) STRICT;"
	 "CREATE UNIQUE INDEX outbox_instance ON outbox (account, checkin,"
	 " opens) WHERE kind = 'checkin';"
	 "CREATE INDEX outbox_state ON outbox (state, id);"
	 "CREATE TABLE outbox_account ("
	 " outbox INTEGER NOT NULL REFERENCES outbox (id),"
	 " account INTEGER NOT NULL REFERENCES account (id),"
	 " red INTEGER NOT NULL CHECK (red IN (0, 1)),"
	 " escalations TEXT NOT NULL, PRIMARY KEY (outbox, account))"
	 " STRICT, WITHOUT ROWID;"
	 "CREATE INDEX outbox_account_account ON outbox_account (account,"
	 " outbox);"
	 "CREATE TABLE alert_state ("
	 " account INTEGER PRIMARY KEY REFERENCES account (id),"
	 " red INTEGER NOT NULL CHECK (red IN (0, 1)),"
	 " escalations TEXT NOT NULL, updated_at TEXT NOT NULL) STRICT;",
	 NULL},
	/* 4 -> 5: the links of the analytics tools' users to accounts. */
	{"CREATE TABLE user_link (user_id TEXT PRIMARY KEY,"
	 " account INTEGER NOT NULL REFERENCES account (id),"
	 " linked_at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX user_link_account ON user_link (account, user_id);",
	 NULL},
	/*
	 * 5 -> 6: a date is later than that day's times, in the reader's
	 * zone: the latest NPS given as a date only, beside the latest with
	 * a time, and the tickets that may be open with their latest
	 * resolutions, read again from the events.
	 */
	{"ALTER TABLE ticket_open ADD COLUMN resolved_at INTEGER;"
	 "ALTER TABLE ticket_open ADD COLUMN resolved_day INTEGER;"
	 "DELETE FROM ticket_open;"
	 "INSERT INTO ticket_open SELECT account, value, at, bare, ext_id,"
	 " resolved_at, resolved_day FROM (SELECT o.account, o.value, o.at,"
	 " o.bare, o.ext_id, (SELECT max(r.at) FROM event r"
	 " WHERE r.account = o.account AND r.type = 10 AND r.value = o.value"
	 " AND r.bare = 0) AS resolved_at, (SELECT max(r.at) / " DAY_US_TEXT
	 " FROM event r WHERE r.account = o.account AND r.type = 10"
	 " AND r.value = o.value AND r.bare = 1) AS resolved_day"
	 " FROM event o WHERE o.type = 9)"
	 " WHERE NOT coalesce(" TICKET_RESOLVED_AT("resolved_at") ", 0)"
	 " AND NOT coalesce(" TICKET_RESOLVED_DAY("resolved_day") ", 0);"
	 "ALTER TABLE signal ADD COLUMN nps_day INTEGER;"
	 "ALTER TABLE signal ADD COLUMN nps_day_value TEXT;"
	 "UPDATE signal SET"
	 " nps_at = (SELECT at FROM event e WHERE e.account = signal.account"
	 " AND e.type = 12 AND e.bare = 0"
	 " ORDER BY at DESC, CAST(value AS INTEGER) DESC LIMIT 1),"
	 " nps_value = (SELECT value FROM event e"
	 " WHERE e.account = signal.account AND e.type = 12 AND e.bare = 0"
	 " ORDER BY at DESC, CAST(value AS INTEGER) DESC LIMIT 1),"
	 " nps_day = (SELECT at / 86400000000 FROM event e"
	 " WHERE e.account = signal.account AND e.type = 12 AND e.bare = 1"
	 " ORDER BY at DESC, CAST(value AS INTEGER) DESC LIMIT 1),"
	 " nps_day_value = (SELECT value FROM event e"
	 " WHERE e.account = signal.account AND e.type = 12 AND e.bare = 1"
	 " ORDER BY at DESC, CAST(value AS INTEGER) DESC LIMIT 1)"
	 " WHERE nps_at IS NOT NULL;",
	 NULL},
	/*
	 * 6 -> 7: replays read what they need and no history: the first
	 * event of each account (one with none before the day asked has
	 * nothing to read), and when each feature and milestone was first
	 * seen (the sets as of a day).
	 */
	{"ALTER TABLE signal ADD COLUMN first_at INTEGER;"
	 "ALTER TABLE signal ADD COLUMN first_day INTEGER;"
	 "UPDATE signal SET"
	 " first_at = (SELECT min(at) FROM event e"
	 " WHERE e.account = signal.account AND e.bare = 0),"
	 " first_day = (SELECT min(at) / " DAY_US_TEXT " FROM event e"
	 " WHERE e.account = signal.account AND e.bare = 1);"
	 "ALTER TABLE signal_value ADD COLUMN first_at INTEGER;"
	 "ALTER TABLE signal_value ADD COLUMN first_day INTEGER;"
	 "UPDATE signal_value SET"
	 " first_at = (SELECT min(at) FROM event e"
	 " WHERE e.account = signal_value.account"
	 " AND e.type = signal_value.type AND e.value = signal_value.value"
	 " AND e.bare = 0),"
	 " first_day = (SELECT min(at) / " DAY_US_TEXT " FROM event e"
	 " WHERE e.account = signal_value.account"
	 " AND e.type = signal_value.type AND e.value = signal_value.value"
	 " AND e.bare = 1);",
	 NULL},
	/*
	 * 7 -> 8: status history (SPEC section 10). An account's status
	 * dates from its last update; one not active was active before.
	 */
	{"ALTER TABLE account ADD COLUMN status_since TEXT;"
	 "UPDATE account SET status_since = substr(updated_at, 1, 10);"
	 "CREATE TABLE account_status ("
	 " account INTEGER NOT NULL REFERENCES account (id),"
	 " since TEXT NOT NULL,"
	 " status TEXT NOT NULL"
	 " CHECK (status IN ('active', 'paused', 'completed', 'churned')),"
	 " recorded_at TEXT NOT NULL,"
	 " PRIMARY KEY (account, since)) STRICT, WITHOUT ROWID;"
	 "INSERT INTO account_status SELECT id, '', 'active', updated_at"
	 " FROM account WHERE status <> 'active';"
	 "INSERT INTO account_status SELECT id, status_since, status,"
	 " updated_at FROM account;",
	 NULL},
	/*
	 * 8 -> 9: user links lose their foreign key clause (the writer
	 * checks the account; SQLite's check made every link's upsert keep
	 * a statement journal in a temporary file, a fifth of an export's
	 * import) and their rowid (the table is its key).
	 */
	{"CREATE TABLE user_link_v9 (user_id TEXT PRIMARY KEY,"
	 " account INTEGER NOT NULL, linked_at INTEGER NOT NULL)"
	 " STRICT, WITHOUT ROWID;"
	 "INSERT INTO user_link_v9 SELECT user_id, account, linked_at"
	 " FROM user_link;"
	 "DROP TABLE user_link;"
	 "ALTER TABLE user_link_v9 RENAME TO user_link;"
	 "CREATE INDEX user_link_account ON user_link (account, user_id);",
	 NULL},
};
#define NMIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

int ob_store_schema_version(void)
{
	return 1 + (int)NMIGRATIONS;
}

/* The most types Q_COUNT_AFTER counts at once. */
#define COUNT_TYPES 16

enum query {
	Q_PLAYBOOK_BY_NAME,
	Q_PLAYBOOK_DEFAULT,
	Q_PLAYBOOK_BY_ID,
	Q_PLAYBOOK_COUNT,
	Q_PLAYBOOK_INSERT,
	Q_PLAYBOOK_UPDATE,
	Q_PLAYBOOK_LIST,
	Q_PLAYBOOK_CLEAR_DEFAULT,
	Q_PLAYBOOK_SET_DEFAULT,
	Q_PLAYBOOK_TIERS_USED,
	Q_ACCOUNT_INSERT,
	Q_ACCOUNT_UPDATE,
	Q_ACCOUNT_GET,
	Q_ACCOUNT_LIST,
	Q_ACCOUNT_LIST_ROWID,
	Q_STATUS_ON,
	Q_STATUS_START,
	Q_STATUS_PUT,
	Q_STATUS_LATEST,
	Q_CHECKIN_ACTIONS,
	Q_CHECKIN_COMPLETION,
	Q_CHECKIN_ACTION_INSERT,
	Q_ACCOUNT_REF,
	Q_ACCOUNT_REFS,
	Q_ACCOUNT_COUNT,
	Q_TYPE_BY_NAME,
	Q_TYPE_INSERT,
	Q_EVENT_INSERT,
	Q_EVENT_BULK_INSERT,
	Q_VALUE_BULK_INSERT,
	Q_TICKET_RESOLUTIONS,
	Q_TICKET_OPEN_ADD,
	Q_TICKET_OPEN_CLOSE,
	Q_TICKET_OPEN_RESOLVED,
	Q_SIGNAL_GET,
	Q_SIGNAL_MERGE,
	Q_SIGNAL_PUT,
	Q_CUSTOM_TYPES,
	Q_COUNT_AFTER, /* of one type, the next of two, ... to COUNT_TYPES */
	Q_COUNT_AFTER_END = Q_COUNT_AFTER + COUNT_TYPES - 1,
	Q_LAST_BEFORE,
	Q_NPS_AS_OF,
	Q_FEATURES_AS_OF,
	Q_COUNT_RANGE,
	Q_MILESTONES_AS_OF,
	Q_TICKET_EVENTS,
	Q_MILESTONES_NOW,
	Q_FIRST_EVENT,
	Q_TICKETS_NOW,
	Q_EVENT_CHECKED_INSERT,
	Q_SIGNAL_MERGE_ALL,
	Q_TICKETS_OPEN_BULK,
	Q_TICKETS_RESOLVE_BULK,
	Q_TICKETS_CLOSE_BULK,
	NQUERIES
};

#define SIGNAL_COLUMNS                                                         \
	"account, last_at, last_day, counts, login_first_at, login_last_at, "  \
	"login_first_day, login_last_day, response_first_at, "                 \
	"response_last_at, response_first_day, response_last_day, nps_at, "    \
	"nps_value, features, nps_day, nps_day_value, first_at, first_day"

/* SIGNAL_COLUMNS but the key, from the row proposed (an upsert). */
#define SIGNAL_UPDATES                                                         \
	"last_at = excluded.last_at, last_day = excluded.last_day, "           \
	"counts = excluded.counts, login_first_at = excluded.login_first_at, " \
	"login_last_at = excluded.login_last_at, "                             \
	"login_first_day = excluded.login_first_day, "                         \
	"login_last_day = excluded.login_last_day, "                           \
	"response_first_at = excluded.response_first_at, "                     \
	"response_last_at = excluded.response_last_at, "                       \
	"response_first_day = excluded.response_first_day, "                   \
	"response_last_day = excluded.response_last_day, "                     \
	"nps_at = excluded.nps_at, nps_value = excluded.nps_value, "           \
	"features = excluded.features, nps_day = excluded.nps_day, "           \
	"nps_day_value = excluded.nps_day_value, "                             \
	"first_at = excluded.first_at, first_day = excluded.first_day"

#define PLAYBOOK_COLUMNS                                                       \
	"p.id, p.name, p.source, p.origin, p.loaded_at, p.is_default, "        \
	"(SELECT count(*) FROM account a WHERE a.playbook = p.id)"

/*
 * An account's status as of the store's day and since when: the account
 * row's, unless its latest change is after that day. The day is ?99 in
 * every query (a named parameter would take the number of the first ?N
 * after it), bound by stmt().
 */
#define TODAY_PARAM 99
#define STATUS_ROW_AT(col)                                                     \
	"(SELECT " col " FROM account_status h WHERE h.account = a.id AND "    \
	"h.since <= ?99 ORDER BY h.since DESC LIMIT 1)"
#define STATUS_AS_OF                                                           \
	"CASE WHEN a.status_since IS NULL OR a.status_since <= ?99 "        \
	"THEN a.status ELSE coalesce(" STATUS_ROW_AT("status") ", a.status) END"
#define STATUS_SINCE_AS_OF                                                     \
	"CASE WHEN a.status_since IS NULL OR a.status_since <= ?99 "        \
	"THEN a.status_since ELSE nullif(" STATUS_ROW_AT("since") ", '') END"

#define ACCOUNT_COLUMNS                                                        \
	"a.id, a.ext_id, a.name, a.tier, a.kickoff, a.csm, a.contact, "        \
	"a.email, a.playbook, p.name, " STATUS_AS_OF ", a.opt_out, "           \
	STATUS_SINCE_AS_OF

/*
 * PostgreSQL's own text where the shared one will not do (NULL: the
 * shared one).
 */
static const char *const pg_sql[NQUERIES] = {
	/*
	 * The staged openings that no stored resolution (the batch's
	 * included) closes in every zone, with their tickets' latest
	 * resolutions; then the staged resolutions noted on the openings of
	 * their tickets, and those they close everywhere gone.
	 */
	[Q_TICKETS_OPEN_BULK] =
		"INSERT INTO ticket_open (account, ref, at, bare, ext_id, "
		"resolved_at, resolved_day) SELECT account, value, at, bare, "
		"ext_id, resolved_at, resolved_day FROM (SELECT o.account, "
		"o.value, o.at, o.bare, o.ext_id, (SELECT max(r.at) FROM event r "
		"WHERE r.account = o.account AND r.type = 10 AND "
		"r.value = o.value AND r.bare = 0) AS resolved_at, "
		"(SELECT max(r.at) / " DAY_US_TEXT " FROM event r WHERE "
		"r.account = o.account AND r.type = 10 AND r.value = o.value AND "
		"r.bare = 1) AS resolved_day FROM ob_pending_bulk o "
		"WHERE o.type = 9) n WHERE NOT coalesce("
		TICKET_RESOLVED_AT("resolved_at") ", false) AND NOT coalesce("
		TICKET_RESOLVED_DAY("resolved_day") ", false) "
		"ON CONFLICT DO NOTHING",
	[Q_TICKETS_RESOLVE_BULK] =
		"UPDATE ticket_open t SET "
		"resolved_at = greatest(t.resolved_at, r.last_at), "
		"resolved_day = greatest(t.resolved_day, r.last_day) FROM "
		"(SELECT account, value, max(CASE WHEN bare = 0 THEN at END) "
		"AS last_at, max(CASE WHEN bare = 1 THEN at END) / " DAY_US_TEXT
		" AS last_day FROM ob_pending_bulk WHERE type = 10 "
		"GROUP BY account, value) r "
		"WHERE t.account = r.account AND t.ref = r.value",
	[Q_TICKETS_CLOSE_BULK] =
		"DELETE FROM ticket_open t USING (SELECT DISTINCT account, value "
		"FROM ob_pending_bulk WHERE type = 10) r "
		"WHERE t.account = r.account AND t.ref = r.value AND "
		"(coalesce(" TICKET_RESOLVED_AT("t.resolved_at") ", false) OR "
		"coalesce(" TICKET_RESOLVED_DAY("t.resolved_day") ", false))",
	/*
	 * Q_SIGNAL_MERGE for every staged account at once, in account
	 * order. The features counted in one join: a subquery per account
	 * cost 100,000 index scans, 0.3 s of the bench's import.
	 */
	[Q_SIGNAL_MERGE_ALL] =
		"SELECT x.*, coalesce(f.n, 0) FROM ob_pending_account a "
		"LEFT JOIN (SELECT " SIGNAL_COLUMNS " FROM signal) x "
		"ON x.account = a.account LEFT JOIN (SELECT v.account, "
		"count(*) AS n FROM signal_value v JOIN ob_pending_account p "
		"ON p.account = v.account WHERE v.type = 2 GROUP BY v.account) f "
		"ON f.account = a.account ORDER BY a.account",
	/*
	 * An upsert may not meet one key twice there: a batch's values
	 * once each, with their first sightings.
	 */
	[Q_VALUE_BULK_INSERT] =
		"INSERT INTO signal_value AS v (account, type, value, first_at, "
		"first_day) SELECT account, type, value, "
		"min(CASE WHEN bare = 0 THEN at END), "
		"min(CASE WHEN bare = 1 THEN at END) / " DAY_US_TEXT " "
		"FROM ob_pending_bulk GROUP BY type, account, value "
		"ORDER BY type, account, value "
		"ON CONFLICT (type, account, value) DO UPDATE SET "
		"first_at = least(v.first_at, excluded.first_at), "
		"first_day = least(v.first_day, excluded.first_day) "
		"WHERE excluded.first_at < "
		"coalesce(v.first_at, excluded.first_at + 1) OR "
		"excluded.first_day < coalesce(v.first_day, excluded.first_day + 1)",
	/*
	 * The events that may be stored already: of those sharing an
	 * external id only the first in key order, as row by row (the others
	 * meet it, or what it met); RETURNING names those stored.
	 */
	[Q_EVENT_CHECKED_INSERT] =
		"INSERT INTO event (account, type, at, bare, value, ext_id) "
		"SELECT account, type, at, bare, value, ext_id FROM (SELECT *, "
		"row_number() OVER (PARTITION BY account, ext_id ORDER BY type, "
		"at, bare, value) AS nth FROM ob_pending_bulk) p "
		"WHERE ext_id = '' OR nth = 1 ON CONFLICT DO NOTHING "
		"RETURNING account, type, at, bare, value, ext_id",
};

/* Queries of every account: their rows a batch at a time (sql.h). */
static const bool streamed[NQUERIES] = {
	[Q_ACCOUNT_LIST] = true,
	[Q_ACCOUNT_LIST_ROWID] = true,
	[Q_SIGNAL_MERGE_ALL] = true,
};

/*
 * One type's events from a day on, for Q_COUNT_AFTER: a seek each. An
 * IN list, or an ORDER BY over a computed value as NPS_LATEST avoids,
 * makes SQLite open an ephemeral B-tree (a pager of its own) at every
 * run of the statement.
 */
#define COUNT_FROM(type)                                                    \
	"SELECT min(type), count(*) FROM event WHERE account = ?1 AND "     \
	"type = " type " AND at >= least(?2, ?3) AND "                      \
	"(bare = 0 AND at >= ?2 OR bare = 1 AND at >= ?3)"
/* Q_COUNT_AFTER + n - 1: n types, ?4 .. ?(n + 3). */
#define COUNT_AFTER_1 COUNT_FROM("?4")
#define COUNT_AFTER_2 COUNT_AFTER_1 " UNION ALL " COUNT_FROM("?5")
#define COUNT_AFTER_3 COUNT_AFTER_2 " UNION ALL " COUNT_FROM("?6")
#define COUNT_AFTER_4 COUNT_AFTER_3 " UNION ALL " COUNT_FROM("?7")
#define COUNT_AFTER_5 COUNT_AFTER_4 " UNION ALL " COUNT_FROM("?8")
#define COUNT_AFTER_6 COUNT_AFTER_5 " UNION ALL " COUNT_FROM("?9")
#define COUNT_AFTER_7 COUNT_AFTER_6 " UNION ALL " COUNT_FROM("?10")
#define COUNT_AFTER_8 COUNT_AFTER_7 " UNION ALL " COUNT_FROM("?11")
#define COUNT_AFTER_9 COUNT_AFTER_8 " UNION ALL " COUNT_FROM("?12")
#define COUNT_AFTER_10 COUNT_AFTER_9 " UNION ALL " COUNT_FROM("?13")
#define COUNT_AFTER_11 COUNT_AFTER_10 " UNION ALL " COUNT_FROM("?14")
#define COUNT_AFTER_12 COUNT_AFTER_11 " UNION ALL " COUNT_FROM("?15")
#define COUNT_AFTER_13 COUNT_AFTER_12 " UNION ALL " COUNT_FROM("?16")
#define COUNT_AFTER_14 COUNT_AFTER_13 " UNION ALL " COUNT_FROM("?17")
#define COUNT_AFTER_15 COUNT_AFTER_14 " UNION ALL " COUNT_FROM("?18")
#define COUNT_AFTER_16 COUNT_AFTER_15 " UNION ALL " COUNT_FROM("?19")

/* The latest NPS of a kind (bare) before cut, and the highest score
 * given at that instant (values are stored as plain numbers). */
#define NPS_LAST_AT(bare, cut)                                              \
	"(SELECT max(at) FROM event WHERE account = ?1 AND type = 12 AND "  \
	"bare = " bare " AND at < " cut ")"
#define NPS_LATEST(bare, cut)                                               \
	NPS_LAST_AT(bare, cut) ", CAST((SELECT max(CAST(value AS INTEGER)) " \
	"FROM event WHERE account = ?1 AND type = 12 AND bare = " bare      \
	" AND at = " NPS_LAST_AT(bare, cut) ") AS TEXT)"

static const char *const sql[NQUERIES] = {
	[Q_PLAYBOOK_BY_NAME] =
		"SELECT " PLAYBOOK_COLUMNS " FROM playbook p WHERE p.name = ?1",
	[Q_PLAYBOOK_DEFAULT] =
		"SELECT " PLAYBOOK_COLUMNS " FROM playbook p "
		"WHERE p.is_default = 1",
	[Q_PLAYBOOK_BY_ID] =
		"SELECT " PLAYBOOK_COLUMNS " FROM playbook p WHERE p.id = ?1",
	[Q_PLAYBOOK_COUNT] = "SELECT count(*) FROM playbook",
	[Q_PLAYBOOK_INSERT] =
		"INSERT INTO playbook (name, source, origin, loaded_at, "
		"is_default) VALUES (?1, ?2, ?3, ?4, CASE WHEN "
		"EXISTS (SELECT 1 FROM playbook) THEN 0 ELSE 1 END)",
	[Q_PLAYBOOK_UPDATE] = "UPDATE playbook SET source = ?2, origin = ?3, "
			      "loaded_at = ?4 WHERE name = ?1",
	[Q_PLAYBOOK_LIST] =
		"SELECT " PLAYBOOK_COLUMNS " FROM playbook p ORDER BY p.name",
	[Q_PLAYBOOK_CLEAR_DEFAULT] =
		"UPDATE playbook SET is_default = 0 WHERE is_default = 1",
	[Q_PLAYBOOK_SET_DEFAULT] =
		"UPDATE playbook SET is_default = 1 WHERE name = ?1",
	[Q_PLAYBOOK_TIERS_USED] = "SELECT tier, count(*) FROM account "
				  "WHERE playbook = ?1 GROUP BY tier "
				  "ORDER BY tier",
	[Q_ACCOUNT_INSERT] =
		"INSERT INTO account (ext_id, name, tier, kickoff, csm, contact, "
		"email, playbook, status, opt_out, created_at, updated_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?12, ?10, ?10) "
		"ON CONFLICT DO NOTHING RETURNING id",
	[Q_ACCOUNT_UPDATE] =
		"UPDATE account SET ext_id = ?1, name = ?2, tier = ?3, "
		"kickoff = ?4, csm = ?5, contact = ?6, email = ?7, "
		"playbook = ?8, opt_out = ?12, updated_at = ?10 "
		"WHERE id = ?11",
	[Q_ACCOUNT_GET] = "SELECT " ACCOUNT_COLUMNS " FROM account a "
			  "JOIN playbook p ON p.id = a.playbook "
			  "WHERE a.ext_id = ?1",
	[Q_ACCOUNT_LIST] =
		"SELECT " ACCOUNT_COLUMNS " FROM account a "
		"JOIN playbook p ON p.id = a.playbook "
		"WHERE (CAST(?1 AS TEXT) IS NULL OR a.csm = ?1) AND (CAST(?2 AS TEXT) IS NULL OR a.tier = ?2) "
		"AND (CAST(?3 AS TEXT) IS NULL OR " STATUS_AS_OF " = ?3) ORDER BY a.ext_id",
	[Q_ACCOUNT_LIST_ROWID] =
		"SELECT " ACCOUNT_COLUMNS " FROM account a "
		"JOIN playbook p ON p.id = a.playbook "
		"WHERE (CAST(?1 AS TEXT) IS NULL OR a.csm = ?1) AND (CAST(?2 AS TEXT) IS NULL OR a.tier = ?2) "
		"AND (CAST(?3 AS TEXT) IS NULL OR " STATUS_AS_OF " = ?3) ORDER BY a.id",
	[Q_STATUS_ON] =
		"SELECT status FROM account_status WHERE account = ?1 AND "
		"since <= ?2 ORDER BY since DESC LIMIT 1",
	[Q_STATUS_START] =
		"INSERT OR IGNORE INTO account_status (account, since, status, "
		"recorded_at) SELECT id, '', status, ?2 FROM account "
		"WHERE id = ?1",
	[Q_STATUS_PUT] =
		"INSERT INTO account_status (account, since, status, "
		"recorded_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (account, "
		"since) DO UPDATE SET status = excluded.status, "
		"recorded_at = excluded.recorded_at",
	[Q_STATUS_LATEST] =
		"UPDATE account SET (status, status_since, updated_at) = "
		"(SELECT status, nullif(since, ''), ?2 FROM account_status "
		"WHERE account = ?1 ORDER BY since DESC LIMIT 1) WHERE id = ?1",
	[Q_CHECKIN_ACTIONS] =
		"SELECT checkin, action, day, until_day "
		"FROM checkin_action WHERE account = ?1 AND day <= ?2 "
		"ORDER BY day, id",
	[Q_CHECKIN_COMPLETION] =
		"SELECT action, day FROM checkin_action WHERE account = ?1 "
		"AND checkin = ?2 AND action IN ('done', 'skipped') "
		"ORDER BY action = 'done' DESC, day DESC, id DESC LIMIT 1",
	[Q_CHECKIN_ACTION_INSERT] =
		"INSERT INTO checkin_action (account, checkin, action, day, "
		"until_day, channel, note, recorded_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[Q_ACCOUNT_REF] = "SELECT a.id, a.playbook, a.status = 'active', "
			  "s.last_at, s.last_day FROM account a LEFT JOIN "
			  "signal s ON s.account = a.id WHERE a.ext_id = ?1",
	[Q_ACCOUNT_REFS] = "SELECT a.ext_id, a.id, a.playbook, "
			   "a.status = 'active', s.last_at, s.last_day "
			   "FROM account a LEFT JOIN signal s "
			   "ON s.account = a.id",
	[Q_ACCOUNT_COUNT] = "SELECT count(*) FROM account",
	[Q_TYPE_BY_NAME] = "SELECT id FROM event_type WHERE name = ?1",
	[Q_TYPE_INSERT] = "INSERT INTO event_type (name) VALUES (?1) "
			  "RETURNING id",
	[Q_EVENT_INSERT] = "INSERT OR IGNORE INTO event (account, type, at, "
			   "bare, value, ext_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* ob_pending_bulk: the queued events in st->bulk_state. */
	[Q_EVENT_BULK_INSERT] = "INSERT OR IGNORE INTO event (account, type, "
				"at, bare, value, ext_id) SELECT account, "
				"type, at, bare, value, ext_id FROM "
				"ob_pending_bulk",
	/*
	 * A value seen again earlier moves its first sightings back (most
	 * are seen later: nothing is written for them).
	 */
	[Q_VALUE_BULK_INSERT] =
		"INSERT INTO signal_value AS v (account, type, value, first_at, "
		"first_day) SELECT account, type, value, "
		"CASE WHEN bare = 0 THEN at END, "
		"CASE WHEN bare = 1 THEN at / " DAY_US_TEXT " END "
		"FROM ob_pending_bulk WHERE type IN (2, 11) "
		"ON CONFLICT (type, account, value) DO UPDATE SET "
		"first_at = least(coalesce(v.first_at, excluded.first_at), "
		"coalesce(excluded.first_at, v.first_at)), "
		"first_day = least(coalesce(v.first_day, excluded.first_day), "
		"coalesce(excluded.first_day, v.first_day)) "
		"WHERE excluded.first_at < "
		"coalesce(v.first_at, excluded.first_at + 1) OR "
		"excluded.first_day < coalesce(v.first_day, excluded.first_day + 1)",
	/* A ticket's latest resolutions: with a time, and given as a date. */
	[Q_TICKET_RESOLUTIONS] =
		"SELECT max(CASE WHEN bare = 0 THEN at END), "
		"max(CASE WHEN bare = 1 THEN at END) / " DAY_US_TEXT " "
		"FROM event WHERE account = ?1 AND type = 10 AND value = ?2",
	[Q_TICKET_OPEN_ADD] = "INSERT OR IGNORE INTO ticket_open (account, "
			      "ref, at, bare, ext_id, resolved_at, resolved_day) "
			      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	/*
	 * A resolution (?3 its instant, ?4 bare, ?5 its date) closes the
	 * openings it follows in every zone, and is noted on the others,
	 * which the reader's zone decides.
	 */
	[Q_TICKET_OPEN_CLOSE] =
		"DELETE FROM ticket_open WHERE account = ?1 AND ref = ?2 AND "
		"CASE WHEN ?4 = 0 THEN " TICKET_RESOLVED_AT("?3") " ELSE "
		TICKET_RESOLVED_DAY("?5") " END",
	[Q_TICKET_OPEN_RESOLVED] =
		"UPDATE ticket_open SET resolved_at = CASE WHEN ?4 = 0 THEN "
		"greatest(coalesce(resolved_at, ?3), ?3) ELSE resolved_at END, "
		"resolved_day = CASE WHEN ?4 = 1 THEN "
		"greatest(coalesce(resolved_day, ?5), ?5) ELSE resolved_day END "
		"WHERE account = ?1 AND ref = ?2",
	[Q_SIGNAL_GET] = "SELECT " SIGNAL_COLUMNS " FROM signal "
			 "WHERE account = ?1",
	/*
	 * The stored row, if any (account NULL when none), and the distinct
	 * features, counted after their values were written in bulk.
	 */
	[Q_SIGNAL_MERGE] = "SELECT " SIGNAL_COLUMNS ", (SELECT count(*) FROM "
			   "signal_value WHERE type = 2 AND account = ?1) "
			   "FROM (SELECT 1) one LEFT JOIN signal ON "
			   "signal.account = ?1",
	[Q_SIGNAL_PUT] = "INSERT INTO signal (" SIGNAL_COLUMNS
			 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
			 "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19) "
			 "ON CONFLICT (account) DO UPDATE SET " SIGNAL_UPDATES,
	[Q_CUSTOM_TYPES] = "SELECT id, name FROM event_type WHERE id > 13",
	/*
	 * An account's events from a day on, per type (taken from its
	 * summary's counts for the day before): ?2 is the first instant of
	 * the day, ?3 its midnight UTC for bare dates, ?4.. its types. A
	 * seek to the day per type, in one statement, not the types' whole
	 * history.
	 */
	[Q_COUNT_AFTER + 0] = COUNT_AFTER_1,
	[Q_COUNT_AFTER + 1] = COUNT_AFTER_2,
	[Q_COUNT_AFTER + 2] = COUNT_AFTER_3,
	[Q_COUNT_AFTER + 3] = COUNT_AFTER_4,
	[Q_COUNT_AFTER + 4] = COUNT_AFTER_5,
	[Q_COUNT_AFTER + 5] = COUNT_AFTER_6,
	[Q_COUNT_AFTER + 6] = COUNT_AFTER_7,
	[Q_COUNT_AFTER + 7] = COUNT_AFTER_8,
	[Q_COUNT_AFTER + 8] = COUNT_AFTER_9,
	[Q_COUNT_AFTER + 9] = COUNT_AFTER_10,
	[Q_COUNT_AFTER + 10] = COUNT_AFTER_11,
	[Q_COUNT_AFTER + 11] = COUNT_AFTER_12,
	[Q_COUNT_AFTER + 12] = COUNT_AFTER_13,
	[Q_COUNT_AFTER + 13] = COUNT_AFTER_14,
	[Q_COUNT_AFTER + 14] = COUNT_AFTER_15,
	[Q_COUNT_AFTER + 15] = COUNT_AFTER_16,
	/* One seek back from the cut-off (SQLite's max() over an index). */
	[Q_LAST_BEFORE] =
		"SELECT max(at) FROM event WHERE account = ?1 AND "
		"type = ?2 AND bare = ?3 AND at < ?4",
	/* The latest timed NPS and the latest dated one: the reader picks. */
	[Q_NPS_AS_OF] = "SELECT " NPS_LATEST("0", "?2") ", "
			NPS_LATEST("1", "?3"),
	/* A value counts from its first sighting: ?2 the cut-off's instant,
	 * ?3 its day (first_day before it). */
	[Q_FEATURES_AS_OF] =
		"SELECT count(*) FROM signal_value WHERE type = 2 AND "
		"account = ?1 AND (first_at < ?2 OR first_day < ?3)",
	/* The outer bounds make it a range, not a walk of the type. */
	[Q_COUNT_RANGE] =
		"SELECT count(*) FROM event WHERE account = ?1 AND type = ?2 AND "
		"at >= least(?3, ?5) AND at < greatest(?4, ?6) AND "
		"(bare = 0 AND at >= ?3 AND at < ?4 OR "
		"bare = 1 AND at >= ?5 AND at < ?6)",
	[Q_MILESTONES_AS_OF] =
		"SELECT value, first_at, first_day FROM signal_value "
		"WHERE type = 11 AND account = ?1 AND "
		"(first_at < ?2 OR first_day < ?3)",
	/* An account's ticket openings and resolutions up to a day, in the
	 * key's order: the reader pairs them (history_tickets). */
	[Q_TICKET_EVENTS] =
		"SELECT type, at, bare, value FROM event WHERE account = ?1 AND "
		"type >= 9 AND type <= 10 AND at < greatest(?2, ?3) "
		"ORDER BY type, at, bare, value",
	[Q_MILESTONES_NOW] = "SELECT value, first_at, first_day "
			     "FROM signal_value WHERE type = 11 AND "
			     "account = ?1",
	/* The first with a time and the first given as a date: the reader's
	 * zone says which is first. */
	[Q_FIRST_EVENT] =
		"SELECT (SELECT min(at) FROM event WHERE account = ?1 AND "
		"type = ?2 AND (CAST(?3 AS TEXT) IS NULL OR value = ?3) AND bare = 0 AND "
		"at < ?4), (SELECT min(at) FROM event WHERE account = ?1 AND "
		"type = ?2 AND (CAST(?3 AS TEXT) IS NULL OR value = ?3) AND bare = 1 AND "
		"at < ?5)",
	[Q_TICKETS_NOW] = "SELECT at, bare, resolved_at, resolved_day "
			  "FROM ticket_open WHERE account = ?1",
};

/*
 * An event waiting to be written. Events are written in batches sorted
 * in the event table's key order, so the B-trees are walked left to right
 * instead of at random.
 */
struct pending_event {
	int64_t account;
	int64_t at;
	int type;
	/*
	 * Offsets into the arena: a full batch of the longest values and
	 * ids ob_event_check lets through is under 200 MB.
	 */
	uint32_t value, ext_id;
	bool bare;
	uint8_t state; /* enum pending_state */
};

/*
 * Whether an event is already stored is SQLite's to say, row by row
 * (INSERT OR IGNORE, then sqlite3_changes), at about twice the cost of
 * one INSERT ... SELECT over the whole batch. Events that cannot be
 * stored already go in bulk: later than every event of their account
 * stored before the transaction (the signal row says), without an
 * external id unless the account had no events, and not among the events
 * this transaction wrote or the batch has before it (a Bloom filter
 * says "maybe" or "certainly not"). A nightly import of new events, or
 * a first one, is nearly all bulk; a re-import is all row by row.
 * (PostgreSQL checks a batch's "row by row" events in one statement
 * too, write_checked_pg: there a row costs a round trip.)
 */
enum pending_state {
	PENDING_CHECK, /* row by row */
	PENDING_BULK,  /* certainly new */
	PENDING_ADDED, /* written, and noted in the filter */
	PENDING_DUPLICATE,
};

/*
 * A batch: up to 131,072 events (4 MiB, twice: one filling, one being
 * written), fewer when their text (values, ids, an export's users) passes
 * MAX_QUEUE_TEXT, so that an export's batches stay as small in memory as
 * a CSV's. Each batch walks the pages of every account it names: 65,536
 * events a batch made a 10M-event import a quarter slower.
 */
#define MAX_PENDING 131072
#define MAX_QUEUE_TEXT (2u << 20)

/*
 * A user's link to an account, queued with the events and written by the
 * writer with them; strings are offsets into the batch's arena. The
 * queue holds one link per user (link_index finds it).
 */
struct pending_link {
	int64_t account;
	int64_t at;
	uint32_t user, account_id;
};

#define MAX_LINKS      MAX_PENDING
#define LINK_INDEX_CAP (2 * MAX_LINKS) /* a power of two */

/*
 * The links this transaction wrote, by a 64-bit hash of the user: an
 * export names its users on line after line, in no order, and a write
 * that changes nothing costs SQLite about 2 us. A user is known by its
 * hash alone (12 bytes, not the id's 40 with its index): for a link to
 * be missed, two users of one import would have to share a hash (odds
 * under 1e-7 among a million users) and link to the same account. Past
 * MAX_LINKED users, the others' links are written every time.
 */
#define MAX_LINKED   196608
#define LINKED_SLOTS 262144 /* a power of two, MAX_LINKED at 3/4 */

/*
 * Accounts whose summary changes are held before they are written: a
 * nightly import of 100,000 accounts writes each once (about 27 MiB).
 */
#define MAX_SUMMARIES 196608

struct ob_store {
	struct ob_sql db;
	char *path;
	bool created;
	bool in_transaction;
	int busy_ms;
	struct ob_stmt *stmts[NQUERIES];
	bool names_today[NQUERIES]; /* the query has TODAY_PARAM */
	ob_day today;               /* what TODAY_PARAM stands for */
	struct ob_stmt *slots[OB_STORE_NSLOTS]; /* see store_private.h */
	int send_lock; /* the fd of ob_store_send_lock, -1: none */
	/*
	 * The ids looked up in this write transaction, unknown ones too
	 * (every account after a scan).
	 */
	struct ob_account_map accounts;
	int account_lookups;	   /* of ids not in accounts, by SQL */
	bool accounts_scanned;	   /* every account is in accounts */
	struct ob_strmap types;    /* custom event type name -> id */
	/*
	 * Events are queued by the command's thread and written by another:
	 * while one batch goes into the database, the next is read and
	 * checked. The connection (SQLite's or libpq's) is used by one
	 * thread at a time: the queuing thread waits
	 * for the writer before any statement of its own (stmt, exec), and
	 * fails there once a batch failed; the writer works only between
	 * handoffs.
	 */
	struct pending_event *queue; /* being filled */
	size_t nqueue, queue_cap;
	struct ob_buf queue_arena;
	struct pending_link *link_queue; /* being filled */
	size_t nlink_queue;
	uint32_t *link_index;	   /* the queue's links by user: index + 1, 0 */
	uint64_t *linked_users;	   /* LINKED_SLOTS hashes, 0: empty */
	uint32_t *linked_accounts; /* their accounts' rowids */
	size_t nlinked;
	struct pending_event *pending; /* being written */
	size_t npending, pending_cap;
	struct pending_link *links; /* being written */
	size_t nlinks;
	struct ob_buf arena;
	pthread_t writer;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	bool writer_started, writing, stopping;
	int write_result; /* -1 once a batch failed, until rollback/begin */
	struct ob_err write_err;
	size_t nbulk;                /* pending events in PENDING_BULK */
	uint8_t bulk_state;          /* the events ob_pending_bulk shows */
	/*
	 * The account of the last ob_store_account_ref, by value (the map's
	 * slots move as it grows): rowid 0 when none.
	 */
	struct ob_account_slot ref;
	uint64_t *written;           /* Bloom filter of the events written */
	uint64_t *hashes;            /* of the pending events, for `written` */
	size_t hashes_cap;
	int64_t added, duplicates; /* since ob_store_events_flush */
	/*
	 * What the events written in this transaction add to their accounts'
	 * summaries: written once per account, at commit (or when too many),
	 * instead of once per event. `sum_index` maps accounts to them.
	 */
	struct ob_summary *sums;
	size_t nsums, sums_cap;
	uint32_t *sum_index; /* open addressing; 0: empty, else index + 1 */
	size_t sum_index_cap;
	char **custom_types; /* custom type id - 14 -> name, when loaded */
	size_t ncustom_types;
	bool custom_types_loaded;
};

/* Maps SQLite's result to the exit codes of SPEC.md and a message. */
static int db_fail(struct ob_store *st, int rc, struct ob_err *err,
		   const char *doing)
{
	int primary = rc & 0xff;
	if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
		return ob_fail(err, OB_EBUSY,
			       "database '%s' is busy: still locked after %g "
			       "seconds, try again",
			       st->path, st->busy_ms / 1000.0);
	if (rc == OB_SQL_LOST)
		return ob_fail(err, OB_EBUSY,
			       "database '%s': connection lost or refused, "
			       "try again: %s",
			       st->path, ob_sql_errmsg(&st->db));
	if (primary == SQLITE_AUTH)
		return ob_fail(err, OB_EFAIL, "database '%s': %s", st->path,
			       ob_sql_errmsg(&st->db));
	if (primary == SQLITE_FULL ||
	    (primary == SQLITE_IOERR && st->db.lite &&
	     sqlite3_system_errno(st->db.lite) == ENOSPC))
		return ob_fail(err, OB_EFAIL,
			       "cannot write database '%s': disk full",
			       st->path);
	if (primary == SQLITE_IOERR && st->db.lite &&
	    sqlite3_system_errno(st->db.lite) == EFBIG)
		return ob_fail(err, OB_EFAIL,
			       "cannot write database '%s': file too large "
			       "(a file size limit)",
			       st->path);
	/* By the time the error comes back, errno is often gone. */
	if (rc == SQLITE_IOERR_WRITE)
		return ob_fail(err, OB_EFAIL,
			       "cannot write database '%s': a write failed "
			       "(a full disk, a file size limit or a device "
			       "error)",
			       st->path);
	if (primary == SQLITE_READONLY)
		return ob_fail(err, OB_EFAIL,
			       "cannot write database '%s': it is read-only",
			       st->path);
	if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT)
		return ob_fail(err, OB_EFAIL,
			       "'%s' is not an onboard database or is damaged",
			       st->path);
	return ob_fail(err, OB_EFAIL, "database '%s': %s: %s", st->path, doing,
		       st->db.lite || st->db.pg ? ob_sql_errmsg(&st->db)
						 : sqlite3_errstr(rc));
}

static int write_batch(struct ob_store *st, struct ob_err *err);

/* Set on the writer thread: it never waits for itself. */
static _Thread_local bool on_writer;

static void *writer_main(void *arg)
{
	struct ob_store *st = arg;
	on_writer = true;
	pthread_mutex_lock(&st->lock);
	for (;;) {
		while (!st->writing && !st->stopping)
			pthread_cond_wait(&st->changed, &st->lock);
		if (!st->writing)
			break;
		pthread_mutex_unlock(&st->lock);
		st->write_result = write_batch(st, &st->write_err);
		pthread_mutex_lock(&st->lock);
		st->writing = false;
		pthread_cond_broadcast(&st->changed);
	}
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

/* Waits until no batch is being written: then SQLite is the caller's. */
static void wait_writer(struct ob_store *st)
{
	if (on_writer || !st->writer_started)
		return;
	pthread_mutex_lock(&st->lock);
	while (st->writing)
		pthread_cond_wait(&st->changed, &st->lock);
	pthread_mutex_unlock(&st->lock);
}

/*
 * The same, then whether a batch the writer wrote failed. A failure
 * stays until the transaction is rolled back: SQLite may have rolled it
 * back already, and any later statement would run outside it.
 */
static int writer_result(struct ob_store *st, struct ob_err *err)
{
	wait_writer(st);
	if (st->write_result < 0) {
		*err = st->write_err;
		return -1;
	}
	return 0;
}

static void stop_writer(struct ob_store *st)
{
	if (!st->writer_started)
		return;
	wait_writer(st);
	pthread_mutex_lock(&st->lock);
	st->stopping = true;
	pthread_cond_broadcast(&st->changed);
	pthread_mutex_unlock(&st->lock);
	pthread_join(st->writer, NULL);
	pthread_mutex_destroy(&st->lock);
	pthread_cond_destroy(&st->changed);
	st->writer_started = st->stopping = false;
}

/* Moves the queue to the writer's side: buffers swap, nothing is copied. */
static void take_queue(struct ob_store *st)
{
	struct pending_event *p = st->pending;
	struct pending_link *links = st->links;
	size_t cap = st->pending_cap;
	struct ob_buf arena = st->arena;
	st->pending = st->queue;
	st->npending = st->nqueue;
	st->pending_cap = st->queue_cap;
	st->arena = st->queue_arena;
	st->queue = p;
	st->nqueue = 0;
	st->queue_cap = cap;
	st->queue_arena = arena;
	ob_buf_reset(&st->queue_arena);
	st->links = st->link_queue;
	st->nlinks = st->nlink_queue;
	st->link_queue = links;
	st->nlink_queue = 0;
	if (st->link_index)
		memset(st->link_index, 0,
		       LINK_INDEX_CAP * sizeof(*st->link_index));
}

static bool start_writer(struct ob_store *st)
{
	st->writing = false;
	if (pthread_mutex_init(&st->lock, NULL) != 0)
		return false;
	if (pthread_cond_init(&st->changed, NULL) != 0) {
		pthread_mutex_destroy(&st->lock);
		return false;
	}
	if (pthread_create(&st->writer, NULL, writer_main, st) != 0) {
		pthread_mutex_destroy(&st->lock);
		pthread_cond_destroy(&st->changed);
		return false;
	}
	st->writer_started = true;
	return true;
}

/*
 * Hands a full queue to the writer thread (started on first use: a
 * command that queues fewer events never starts it). Fails with the
 * previous batch's error.
 */
static int hand_off(struct ob_store *st, struct ob_err *err)
{
	if (writer_result(st, err) < 0)
		return -1;
	take_queue(st);
	if (!st->writer_started && !start_writer(st))
		return write_batch(st, err); /* here, then */
	pthread_mutex_lock(&st->lock);
	st->writing = true;
	pthread_cond_broadcast(&st->changed);
	pthread_mutex_unlock(&st->lock);
	return 0;
}

/* Writes what is queued, here and now, after the writer's batch. */
static int write_queue(struct ob_store *st, struct ob_err *err)
{
	if (writer_result(st, err) < 0)
		return -1;
	take_queue(st);
	return write_batch(st, err);
}

static struct ob_stmt *stmt(struct ob_store *st, enum query q,
			  struct ob_err *err)
{
	int rc;
	if (writer_result(st, err) < 0)
		return NULL;
	if (st->stmts[q]) {
		ob_sql_clear(st->stmts[q]);
	} else {
		const char *text =
			ob_sql_is_pg(&st->db) && pg_sql[q] ? pg_sql[q] : sql[q];
		rc = streamed[q]
			     ? ob_sql_prepare_stream(&st->db, text, &st->stmts[q])
			     : ob_sql_prepare(&st->db, text, &st->stmts[q]);
		if (rc != SQLITE_OK) {
			db_fail(st, rc, err, "preparing a query");
			return NULL;
		}
		st->names_today[q] =
			ob_sql_param_count(st->stmts[q]) >= TODAY_PARAM;
	}
	if (st->names_today[q])
		bind_date(st->stmts[q], TODAY_PARAM, st->today);
	return st->stmts[q];
}

static int exec(struct ob_store *st, const char *text, struct ob_err *err)
{
	int rc;
	if (writer_result(st, err) < 0)
		return -1;
	rc = ob_sql_exec(&st->db, text);
	return rc == SQLITE_OK ? 0 : db_fail(st, rc, err, "running SQL");
}

static int pragma_int(struct ob_store *st, const char *text, int *out,
		      struct ob_err *err)
{
	struct ob_stmt *s;
	int rc = ob_sql_prepare(&st->db, text, &s);
	if (rc != SQLITE_OK)
		return db_fail(st, rc, err, "reading the schema version");
	rc = ob_sql_step(s);
	*out = rc == SQLITE_ROW ? ob_sql_column_int(s, 0) : 0;
	ob_sql_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(st, rc, err, "reading the schema version");
	return 0;
}

/* Creates each missing directory of path's parent, 0700. */
static int make_parent_dirs(const char *path, struct ob_err *err)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int ret = 0;
	if (slash && slash != dir) {
		*slash = '\0';
		ret = ob_make_dirs(dir, err);
	}
	free(dir);
	return ret;
}

static int pragma_int(struct ob_store *st, const char *text, int *out,
		      struct ob_err *err);

static const sqlite3_module bulk_module;

static int configure(struct ob_store *st, struct ob_err *err)
{
	struct ob_stmt *s;
	bool wal = false;
	int rc, version, objects;
	/* The busy timeout first: the statements below may meet a lock. */
	st->busy_ms = OB_BUSY_TIMEOUT_MS;
	sqlite3_busy_timeout(st->db.lite, st->busy_ms);
	/* 8 MiB of page cache to read; writers take less (ob_store_begin). */
	if (exec(st, "PRAGMA foreign_keys = ON", err) < 0 ||
	    exec(st, "PRAGMA synchronous = NORMAL", err) < 0 ||
	    exec(st, "PRAGMA cache_size = -8192", err) < 0)
		return -1;
	/* Nothing changes in a file that is not ours, not even its journal. */
	if (pragma_int(st, "PRAGMA user_version", &version, err) < 0)
		return -1;
	if (version == 0) {
		if (pragma_int(st, "SELECT count(*) FROM sqlite_schema",
			       &objects, err) < 0)
			return -1;
		if (objects > 0)
			return ob_fail(err, OB_EFAIL,
				       "'%s' is an SQLite database, but not "
				       "onboard's",
				       st->path);
	}
	/*
	 * Switch to WAL only when not already in it: processes opening a new
	 * file at once would otherwise race on the switch.
	 */
	rc = ob_sql_prepare(&st->db, "PRAGMA journal_mode", &s);
	if (rc != SQLITE_OK)
		return db_fail(st, rc, err, "reading the journal mode");
	rc = ob_sql_step(s);
	if (rc == SQLITE_ROW)
		wal = sqlite3_stricmp(ob_sql_column_text(s, 0), "wal") == 0;
	ob_sql_finalize(s);
	if (rc != SQLITE_ROW)
		return db_fail(st, rc, err, "reading the journal mode");
	if (!wal && exec(st, "PRAGMA journal_mode = WAL", err) < 0)
		return -1;
	return 0;
}

static int migrate(struct ob_store *st, struct ob_err *err)
{
	int version, objects, target = ob_store_schema_version();
	if (pragma_int(st, "PRAGMA user_version", &version, err) < 0)
		return -1;
	if (version == target)
		return 0;
	if (version > target)
		return ob_fail(err, OB_EFAIL,
			       "database '%s' has schema version %d, newer "
			       "than this onboard knows (%d): upgrade onboard",
			       st->path, version, target);
	if (ob_store_begin(st, err) < 0)
		return -1;
	/* Another process may have migrated while we waited for the lock. */
	if (pragma_int(st, "PRAGMA user_version", &version, err) < 0)
		goto fail;
	if (version == 0) {
		if (pragma_int(st, "SELECT count(*) FROM sqlite_schema",
			       &objects, err) < 0)
			goto fail;
		if (objects > 0) {
			ob_fail(err, OB_EFAIL,
				"'%s' is an SQLite database, but not onboard's",
				st->path);
			goto fail;
		}
		if (exec(st, ob_schema_sql, err) < 0)
			goto fail;
	} else {
		/*
		 * The steps' SQL first, then their functions, which rebuild
		 * derived rows (the summaries) with this binary's queries:
		 * those need the latest shape.
		 */
		for (int v = version; v < target; v++)
			if (exec(st, migrations[v - 1].sql, err) < 0)
				goto fail;
		for (int v = version; v < target; v++)
			if (migrations[v - 1].fn &&
			    migrations[v - 1].fn(st, err) < 0)
				goto fail;
	}
	{
		char text[64];
		snprintf(text, sizeof(text), "PRAGMA user_version = %d", target);
		if (exec(st, text, err) < 0)
			goto fail;
	}
	return ob_store_commit(st, err);
fail:
	ob_store_rollback(st);
	return -1;
}


/* --- PostgreSQL (SPEC section 9) ---------------------------------------- */

/*
 * Advisory lock keys, per database: writers take WRITE_LOCK for their
 * transaction (as SQLite's BEGIN IMMEDIATE takes the file), `onboard send`
 * holds SEND_LOCK for its session (as the lock file beside SQLite's).
 */
#define PG_WRITE_LOCK "7957879661633"
#define PG_SEND_LOCK  "7957879661634"

bool ob_store_is_uri(const char *db)
{
	return strncmp(db, "postgresql://", 13) == 0 ||
	       strncmp(db, "postgres://", 11) == 0;
}

/* A query parameter's value, up to the next & or #. */
static const char *mask_param(struct ob_buf *b, const char *p)
{
	while (*p && *p != '&' && *p != '#')
		p++;
	ob_buf_adds(b, "***");
	return p;
}

/*
 * The URI as it may be printed: a password in its user part or in a
 * password= parameter becomes ***.
 */
static char *mask_uri(const char *uri)
{
	struct ob_buf b = {0};
	const char *host = strstr(uri, "://") + 3;
	const char *end = host + strcspn(host, "/?#");
	const char *at = NULL, *colon = NULL, *p;
	for (p = host; p < end; p++)
		if (*p == '@')
			at = p;
	if (at)
		colon = memchr(host, ':', (size_t)(at - host));
	ob_buf_add(&b, uri, (size_t)((colon ? colon + 1 : host) - uri));
	if (colon)
		ob_buf_adds(&b, "***");
	p = colon ? at : host;
	while (*p) {
		ob_buf_addc(&b, *p);
		if ((*p == '?' || *p == '&') && p >= end &&
		    strncmp(p + 1, "password=", 9) == 0) {
			ob_buf_adds(&b, "password=");
			p = mask_param(&b, p + 10);
			continue;
		}
		p++;
	}
	return ob_buf_detach(&b);
}

static int pg_version(struct ob_store *st, int *version, struct ob_err *err)
{
	int exists;
	if (pragma_int(st, "SELECT CASE WHEN to_regclass('onboard_schema') "
			   "IS NULL THEN 0 ELSE 1 END",
		       &exists, err) < 0)
		return -1;
	*version = 0;
	return exists ? pragma_int(st, "SELECT max(version) FROM "
					"onboard_schema",
				   version, err)
		      : 0;
}

/*
 * PostgreSQL's schema starts at 8. The steps since changed SQLite's
 * files alone (8 -> 9: user links without a foreign key, which costs
 * PostgreSQL no statement journal), so its number moves by itself.
 */
#define PG_FIRST_VERSION 8

/*
 * The schema, made or checked under the writers' lock: two machines
 * running `onboard init` at once make it once.
 */
static int pg_migrate(struct ob_store *st, enum ob_store_mode mode,
		      struct ob_err *err)
{
	int version, target = ob_store_schema_version();
	if (pg_version(st, &version, err) < 0)
		return -1;
	if (version == target)
		return 0;
	if (version == 0 && mode != OB_STORE_CREATE)
		return ob_fail(err, OB_ENOINPUT,
			       "database '%s' has no onboard tables (run "
			       "'onboard init' to create them)",
			       st->path);
	if (ob_store_begin(st, err) < 0)
		return -1;
	if (pg_version(st, &version, err) < 0)
		goto fail;
	if (version == 0) {
		char text[96];
		snprintf(text, sizeof(text),
			 "CREATE TABLE onboard_schema (version BIGINT NOT "
			 "NULL); INSERT INTO onboard_schema VALUES (%d)",
			 target);
		if (exec(st, ob_schema_pg_sql, err) < 0 ||
		    exec(st, text, err) < 0)
			goto fail;
		st->created = true;
	} else if (version > target) {
		ob_fail(err, OB_EFAIL,
			"database '%s' has schema version %d, newer than this "
			"onboard knows (%d): upgrade onboard",
			st->path, version, target);
		goto fail;
	} else if (version < PG_FIRST_VERSION) {
		ob_fail(err, OB_EFAIL,
			"database '%s' has schema version %d, which this "
			"onboard cannot migrate",
			st->path, version);
		goto fail;
	} else if (version < target) {
		char text[64];
		snprintf(text, sizeof(text),
			 "UPDATE onboard_schema SET version = %d", target);
		if (exec(st, text, err) < 0)
			goto fail;
	}
	return ob_store_commit(st, err);
fail:
	ob_store_rollback(st);
	return -1;
}

static int pg_lock_timeout(struct ob_store *st, struct ob_err *err)
{
	char text[64];
	snprintf(text, sizeof(text), "SET lock_timeout = %d", st->busy_ms);
	return exec(st, text, err);
}

static int pg_open(struct ob_store *st, const char *uri,
		   enum ob_store_mode mode, struct ob_err *err)
{
	int rc = ob_sql_open_pg(&st->db, uri);
	if (rc == SQLITE_AUTH)
		return ob_fail(err, OB_EFAIL, "cannot connect to database "
					      "'%s': %s",
			       st->path, ob_sql_errmsg(&st->db));
	if (rc != SQLITE_OK)
		return ob_fail(err, OB_EBUSY,
			       "cannot connect to database '%s', try again: %s",
			       st->path, ob_sql_errmsg(&st->db));
	st->busy_ms = OB_BUSY_TIMEOUT_MS;
	if (pg_lock_timeout(st, err) < 0 ||
	    exec(st, "SET client_min_messages = warning", err) < 0)
		return -1;
	return pg_migrate(st, mode, err);
}

int ob_store_open(const char *path, enum ob_store_mode mode,
		  struct ob_store **out, struct ob_err *err)
{
	struct ob_store *st = xcalloc(1, sizeof(*st));
	struct stat sb;
	st->send_lock = -1;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int rc;

	static bool configured;
	/*
	 * A connection is used by one thread at a time (an import's writer
	 * takes turns with the reading thread): SQLite's multi-thread mode,
	 * without the connection mutex (SQLITE_OPEN_NOMUTEX) or memory
	 * statistics (a global lock on every allocation), is ~7% faster for
	 * an import. Calls after SQLite started fail harmlessly.
	 */
	if (!configured) {
		sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		configured = true;
	}
	if (ob_store_is_uri(path)) {
		st->path = mask_uri(path);
		if (pg_open(st, path, mode, err) < 0)
			goto fail;
		*out = st;
		return 0;
	}
	st->path = xstrdup(path);
	if (stat(path, &sb) < 0) {
		if (errno != ENOENT) {
			ob_fail(err, OB_EFAIL, "cannot open database '%s': %s",
				path, strerror(errno));
			goto fail;
		}
		if (mode != OB_STORE_CREATE) {
			ob_fail(err, OB_ENOINPUT,
				"no database at '%s' (run 'onboard init' to "
				"create it)",
				path);
			goto fail;
		}
		if (make_parent_dirs(path, err) < 0)
			goto fail;
		flags |= SQLITE_OPEN_CREATE;
		st->created = true;
	} else if (S_ISDIR(sb.st_mode)) {
		ob_fail(err, OB_EFAIL, "database '%s' is a directory", path);
		goto fail;
	} else if (sb.st_size == 0 && mode != OB_STORE_CREATE) {
		/* SQLite would take it as a new database; so would a typo. */
		ob_fail(err, OB_ENOINPUT,
			"'%s' is empty, not a database (run 'onboard init' to "
			"create it)",
			path);
		goto fail;
	}
	/* The caller's umask(077) makes the file and its -wal/-shm 0600. */
	rc = ob_sql_open_sqlite(&st->db, path, flags);
	if (rc != SQLITE_OK) {
		db_fail(st, rc, err, "opening");
		goto fail;
	}
	rc = sqlite3_create_module(st->db.lite, "ob_pending_bulk", &bulk_module,
				   st);
	if (rc != SQLITE_OK) {
		db_fail(st, rc, err, "opening");
		goto fail;
	}
	if (configure(st, err) < 0 || migrate(st, err) < 0)
		goto fail;
	*out = st;
	return 0;
fail:
	ob_store_close(st);
	return -1;
}

static void drop_summaries(struct ob_store *st);
static void forget_accounts(struct ob_store *st);
static void drop_custom_types(struct ob_store *st);
static void remember_type(struct ob_store *st, int id, const char *name);

void ob_store_close(struct ob_store *st)
{
	if (!st)
		return;
	stop_writer(st);
	for (int q = 0; q < NQUERIES; q++)
		ob_sql_finalize(st->stmts[q]);
	for (int q = 0; q < OB_STORE_NSLOTS; q++)
		ob_sql_finalize(st->slots[q]);
	if (st->send_lock >= 0)
		close(st->send_lock);
	ob_sql_close(&st->db);
	forget_accounts(st);
	ob_strmap_release(&st->types);
	free(st->queue);
	ob_buf_release(&st->queue_arena);
	free(st->pending);
	free(st->link_queue);
	free(st->links);
	free(st->link_index);
	free(st->linked_users);
	free(st->linked_accounts);
	free(st->hashes);
	ob_buf_release(&st->arena);
	drop_summaries(st);
	free(st->sums);
	free(st->sum_index);
	drop_custom_types(st);
	free(st->path);
	free(st);
}

bool ob_store_created(const struct ob_store *st)
{
	return st->created;
}

const char *ob_store_name(const struct ob_store *st)
{
	return st->path;
}

void ob_store_set_busy_timeout(struct ob_store *st, int ms)
{
	st->busy_ms = ms;
	if (st->db.lite)
		sqlite3_busy_timeout(st->db.lite, ms);
	else
		pg_lock_timeout(st, &(struct ob_err){0});
}

int ob_store_begin(struct ob_store *st, struct ob_err *err)
{
	/*
	 * 4 MiB of page cache to write: an import touches pages all over
	 * the event table, and every page that falls out is read again;
	 * with the import's own queue, accounts and summaries, an export's
	 * user links and the libraries it stays within 64 MiB. On the
	 * bench's 1M events 4 MiB was as fast as 8 (and 12 and 16 no
	 * faster).
	 */
	wait_writer(st);
	st->write_result = 0;
	forget_accounts(st);
	if (ob_sql_is_pg(&st->db)) {
		if (exec(st, "BEGIN", err) < 0)
			return -1;
		if (exec(st, "SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")",
			 err) < 0) {
			ob_sql_exec(&st->db, "ROLLBACK");
			return -1;
		}
	} else if (exec(st, "PRAGMA cache_size = -4096", err) < 0 ||
		   exec(st, "BEGIN IMMEDIATE", err) < 0) {
		return -1;
	}
	st->in_transaction = true;
	return 0;
}

int ob_store_begin_read(struct ob_store *st, struct ob_err *err)
{
	/* One snapshot for the whole read, as SQLite's WAL gives. */
	if (exec(st, ob_sql_is_pg(&st->db)
			     ? "BEGIN ISOLATION LEVEL REPEATABLE READ"
			     : "BEGIN",
		 err) < 0)
		return -1;
	st->in_transaction = true;
	return 0;
}

static int write_summaries(struct ob_store *st, struct ob_err *err);

int ob_store_commit(struct ob_store *st, struct ob_err *err)
{
	int rc;
	if (write_queue(st, err) < 0 || write_summaries(st, err) < 0) {
		ob_store_rollback(st);
		return -1;
	}
	/*
	 * PostgreSQL answers COMMIT of a transaction a statement failed in
	 * with a silent ROLLBACK: say it, never lose it quietly.
	 */
	if (ob_sql_failed_transaction(&st->db)) {
		ob_fail(err, OB_EFAIL,
			"database '%s': a statement of this command failed, "
			"so PostgreSQL rolled it back",
			st->path);
		ob_store_rollback(st);
		return -1;
	}
	rc = ob_sql_exec(&st->db, "COMMIT");
	if (rc != SQLITE_OK) {
		db_fail(st, rc, err, "committing");
		ob_store_rollback(st);
		return -1;
	}
	st->in_transaction = false;
	forget_accounts(st);
	return 0;
}

void ob_store_rollback(struct ob_store *st)
{
	wait_writer(st);
	st->write_result = 0;
	if (st->in_transaction && ob_sql_in_transaction(&st->db))
		ob_sql_exec(&st->db, "ROLLBACK");
	st->in_transaction = false;
	/* What the caches learnt inside the transaction is gone with it. */
	forget_accounts(st);
	ob_strmap_release(&st->types);
	st->npending = st->nqueue = 0;
	st->nlinks = st->nlink_queue = 0;
	if (st->link_index)
		memset(st->link_index, 0,
		       LINK_INDEX_CAP * sizeof(*st->link_index));
	ob_buf_reset(&st->arena);
	ob_buf_reset(&st->queue_arena);
	st->added = st->duplicates = 0;
	drop_summaries(st);
	drop_custom_types(st);
}

int ob_store_send_lock(struct ob_store *st, struct ob_err *err)
{
	/*
	 * A lock on a file beside the database, not on it: closing any
	 * other descriptor of the database would drop SQLite's own locks.
	 * The kernel drops this one when the process ends, however it ends.
	 */
	/* One lock however the path is spelt (a symlink, "./"). */
	char *real;
	struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	char *path;
	int fd, e, locked;
	if (ob_sql_is_pg(&st->db)) {
		/* The session's: it goes when the connection does. */
		if (pragma_int(st, "SELECT CASE WHEN pg_try_advisory_lock("
				   PG_SEND_LOCK ") THEN 1 ELSE 0 END",
			       &locked, err) < 0)
			return -1;
		return locked ? 0
			      : ob_fail(err, OB_EBUSY,
					"another 'onboard send' is running on "
					"database '%s': try again later",
					st->path);
	}
	real = realpath(st->path, NULL);
	path = xasprintf("%s-send.lock", real ? real : st->path);
	free(real);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || fcntl(fd, F_SETLK, &lk) < 0) {
		e = errno;
		if (fd >= 0)
			close(fd);
		free(path);
		if (e == EACCES || e == EAGAIN)
			return ob_fail(err, OB_EBUSY,
				       "another 'onboard send' is running on "
				       "database '%s': try again later",
				       st->path);
		return ob_fail(err, OB_EFAIL, "cannot lock '%s-send.lock': %s",
			       st->path, strerror(e));
	}
	free(path);
	st->send_lock = fd;
	return 0;
}

int ob_store_durable(struct ob_store *st, struct ob_err *err)
{
	/* WAL's NORMAL syncs at checkpoints only: fine for all but this. */
	if (ob_sql_is_pg(&st->db))
		return 0; /* PostgreSQL's commits are durable already */
	return exec(st, "PRAGMA synchronous = FULL", err);
}

/* --- helpers ------------------------------------------------------------ */

/* Steps a statement that returns no rows. */
static int step_done(struct ob_store *st, struct ob_stmt *s, struct ob_err *err,
		     const char *doing)
{
	int rc = ob_sql_step(s);
	ob_sql_reset(s);
	return rc == SQLITE_DONE ? 0 : db_fail(st, rc, err, doing);
}

struct ob_sql *ob_store_conn(struct ob_store *st)
{
	return &st->db;
}

int ob_store_sql_fail(struct ob_store *st, int rc, struct ob_err *err,
		      const char *doing)
{
	return db_fail(st, rc, err, doing);
}

int ob_store_sql_done(struct ob_store *st, struct ob_stmt *s,
		      struct ob_err *err, const char *doing)
{
	return step_done(st, s, err, doing);
}

struct ob_stmt *ob_store_sql(struct ob_store *st, int slot, const char *text,
			   struct ob_err *err)
{
	struct ob_stmt **s = &st->slots[slot];
	int rc;
	if (writer_result(st, err) < 0)
		return NULL;
	if (*s) {
		ob_sql_clear(*s);
		return *s;
	}
	rc = ob_sql_prepare(&st->db, text, s);
	if (rc != SQLITE_OK) {
		db_fail(st, rc, err, "preparing a query");
		return NULL;
	}
	return *s;
}

/* --- playbooks ---------------------------------------------------------- */

void ob_playbook_row_release(struct ob_playbook_row *row)
{
	free(row->name);
	free(row->source);
	free(row->origin);
	free(row->loaded_at);
	memset(row, 0, sizeof(*row));
}

static void read_playbook_row(struct ob_stmt *s, struct ob_playbook_row *row)
{
	row->id = ob_sql_column_int64(s, 0);
	row->name = column_text(s, 1);
	row->source = column_text(s, 2);
	row->origin = column_text(s, 3);
	row->loaded_at = column_text(s, 4);
	row->is_default = ob_sql_column_int(s, 5) != 0;
	row->accounts = ob_sql_column_int64(s, 6);
}

static int playbook_one(struct ob_store *st, struct ob_stmt *s,
			struct ob_playbook_row *out, struct ob_err *err,
			const char *missing)
{
	int rc = ob_sql_step(s);
	if (rc == SQLITE_ROW) {
		read_playbook_row(s, out);
		ob_sql_reset(s);
		return 0;
	}
	ob_sql_reset(s);
	if (rc != SQLITE_DONE)
		return db_fail(st, rc, err, "reading a playbook");
	return ob_fail(err, OB_EDATA, "%s", missing);
}

int ob_store_playbook_get(struct ob_store *st, const char *name,
			  struct ob_playbook_row *out, struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, name ? Q_PLAYBOOK_BY_NAME : Q_PLAYBOOK_DEFAULT,
			       err);
	char missing[256];
	if (!s)
		return -1;
	if (name) {
		bind_text(s, 1, name);
		snprintf(missing, sizeof(missing), "unknown playbook '%.200s'",
			 name);
	} else {
		snprintf(missing, sizeof(missing),
			 "no playbook loaded (run 'onboard init' or "
			 "'onboard playbook load FILE')");
	}
	return playbook_one(st, s, out, err, missing);
}

int ob_store_playbook_get_id(struct ob_store *st, int64_t id,
			     struct ob_playbook_row *out, struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_PLAYBOOK_BY_ID, err);
	if (!s)
		return -1;
	ob_sql_bind_int64(s, 1, id);
	return playbook_one(st, s, out, err, "unknown playbook");
}

int ob_store_playbook_count(struct ob_store *st, int64_t *count,
			    struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_PLAYBOOK_COUNT, err);
	int rc;
	if (!s)
		return -1;
	rc = ob_sql_step(s);
	*count = rc == SQLITE_ROW ? ob_sql_column_int64(s, 0) : 0;
	ob_sql_reset(s);
	return rc == SQLITE_ROW ? 0 : db_fail(st, rc, err, "counting playbooks");
}

int ob_store_playbook_put(struct ob_store *st, const char *name,
			  const char *source, const char *origin,
			  bool *replaced, struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_PLAYBOOK_UPDATE, err);
	if (!s)
		return -1;
	bind_text(s, 1, name);
	bind_text(s, 2, source);
	bind_text(s, 3, origin);
	bind_now(s, 4);
	if (step_done(st, s, err, "storing a playbook") < 0)
		return -1;
	*replaced = ob_sql_changes(&st->db) > 0;
	if (*replaced)
		return 0;
	if (!(s = stmt(st, Q_PLAYBOOK_INSERT, err)))
		return -1;
	bind_text(s, 1, name);
	bind_text(s, 2, source);
	bind_text(s, 3, origin);
	bind_now(s, 4);
	return step_done(st, s, err, "storing a playbook");
}

int ob_store_playbook_list(struct ob_store *st,
			   int (*fn)(void *ctx,
				     const struct ob_playbook_row *row),
			   void *ctx, struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_PLAYBOOK_LIST, err);
	int rc, stop = 0;
	if (!s)
		return -1;
	while (!stop && (rc = ob_sql_step(s)) == SQLITE_ROW) {
		struct ob_playbook_row row = {0};
		read_playbook_row(s, &row);
		stop = fn(ctx, &row);
		ob_playbook_row_release(&row);
	}
	ob_sql_reset(s);
	if (!stop && rc != SQLITE_DONE)
		return db_fail(st, rc, err, "listing playbooks");
	return stop < 0 ? -1 : 0;
}

int ob_store_playbook_set_default(struct ob_store *st, const char *name,
				  struct ob_err *err)
{
	struct ob_playbook_row row = {0};
	struct ob_stmt *s;
	/* Look first: clearing the old default must not outlive a typo. */
	if (ob_store_playbook_get(st, name, &row, err) < 0)
		return -1;
	ob_playbook_row_release(&row);
	s = stmt(st, Q_PLAYBOOK_CLEAR_DEFAULT, err);
	if (!s || step_done(st, s, err, "setting the default playbook") < 0)
		return -1;
	if (!(s = stmt(st, Q_PLAYBOOK_SET_DEFAULT, err)))
		return -1;
	bind_text(s, 1, name);
	return step_done(st, s, err, "setting the default playbook");
}

int ob_store_playbook_tiers_used(struct ob_store *st, int64_t playbook_id,
				 int (*fn)(void *ctx, const char *tier,
					   int64_t accounts),
				 void *ctx, struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_PLAYBOOK_TIERS_USED, err);
	int rc, stop = 0;
	if (!s)
		return -1;
	ob_sql_bind_int64(s, 1, playbook_id);
	while (!stop && (rc = ob_sql_step(s)) == SQLITE_ROW)
		stop = fn(ctx, (const char *)ob_sql_column_text(s, 0),
			  ob_sql_column_int64(s, 1));
	ob_sql_reset(s);
	if (!stop && rc != SQLITE_DONE)
		return db_fail(st, rc, err, "reading accounts' tiers");
	return stop < 0 ? -1 : 0;
}

/* --- accounts ----------------------------------------------------------- */

static void bind_account(struct ob_stmt *s, const struct ob_account *a)
{
	bind_text(s, 1, a->id);
	bind_text(s, 2, a->name);
	bind_text(s, 3, a->tier);
	bind_date(s, 4, a->kickoff);
	bind_text(s, 5, a->csm);
	bind_text(s, 6, a->contact);
	bind_text(s, 7, a->email);
	ob_sql_bind_int64(s, 8, a->playbook_id);
	bind_text(s, 9, ob_account_status_name(a->status));
	bind_now(s, 10);
	ob_sql_bind_int64(s, 12, a->opt_out);
}

int ob_store_account_insert(struct ob_store *st, struct ob_account *a,
			    struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_ACCOUNT_INSERT, err);
	int rc;
	if (!s)
		return -1;
	bind_account(s, a);
	/*
	 * A taken id returns no row, an error on neither engine: on
	 * PostgreSQL an error would end the transaction.
	 */
	rc = ob_sql_step(s);
	if (rc == SQLITE_ROW)
		a->rowid = ob_sql_column_int64(s, 0);
	ob_sql_reset(s);
	if (rc == SQLITE_DONE)
		return ob_fail(err, OB_EDATA, "account '%s' already exists",
			       a->id);
	if (rc != SQLITE_ROW)
		return db_fail(st, rc, err, "adding an account");
	return 0;
}

void ob_store_set_today(struct ob_store *st, ob_day today)
{
	st->today = today;
}

int ob_store_account_status(struct ob_store *st, int64_t account,
			    enum ob_account_status status, ob_day day,
			    struct ob_err *err)
{
	const char *name = ob_account_status_name(status);
	struct ob_stmt *s;
	bool same;
	int rc;
	/* Before its first change, the status it started with. */
	if (!(s = stmt(st, Q_STATUS_START, err)))
		return -1;
	ob_sql_bind_int64(s, 1, account);
	bind_now(s, 2);
	if (step_done(st, s, err, "recording a status") < 0 ||
	    !(s = stmt(st, Q_STATUS_ON, err)))
		return -1;
	ob_sql_bind_int64(s, 1, account);
	bind_date(s, 2, day);
	rc = ob_sql_step(s);
	same = rc == SQLITE_ROW &&
	       strcmp((const char *)ob_sql_column_text(s, 0), name) == 0;
	ob_sql_reset(s);
	if (rc != SQLITE_ROW)
		return db_fail(st, rc, err, "reading the status history");
	if (same)
		return 1;
	if (!(s = stmt(st, Q_STATUS_PUT, err)))
		return -1;
	ob_sql_bind_int64(s, 1, account);
	bind_date(s, 2, day);
	bind_text(s, 3, name);
	bind_now(s, 4);
	if (step_done(st, s, err, "recording a status") < 0 ||
	    !(s = stmt(st, Q_STATUS_LATEST, err)))
		return -1;
	ob_sql_bind_int64(s, 1, account);
	bind_now(s, 2);
	return step_done(st, s, err, "recording a status") < 0 ? -1 : 0;
}

int ob_store_account_update(struct ob_store *st, const struct ob_account *a,
			    struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_ACCOUNT_UPDATE, err);
	int rc;
	if (!s)
		return -1;
	bind_account(s, a);
	ob_sql_bind_int64(s, 11, a->rowid);
	rc = ob_sql_step(s);
	ob_sql_reset(s);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return ob_fail(err, OB_EDATA, "account '%s' already exists",
			       a->id);
	return rc == SQLITE_DONE ? 0 : db_fail(st, rc, err, "updating an account");
}

/*
 * copy false: the texts are SQLite's, valid until the statement steps
 * again; a list hands each account to its callback before that, and
 * copying seven texts per account was a tenth of a long due list.
 */
static void read_account(struct ob_stmt *s, struct ob_account *a, bool copy)
{
	const char *status = (const char *)ob_sql_column_text(s, 10);
	int st = status ? ob_account_status_parse(status) : 0;
	char *text[7];
	static const int cols[7] = {1, 2, 3, 5, 6, 7, 9};
	for (int i = 0; i < 7; i++)
		text[i] = copy ? column_text(s, cols[i])
			       : (char *)ob_sql_column_text(s, cols[i]);
	a->rowid = ob_sql_column_int64(s, 0);
	a->id = text[0];
	a->name = text[1];
	a->tier = text[2];
	a->kickoff = column_date(s, 4);
	a->csm = text[3];
	a->contact = text[4];
	a->email = text[5];
	a->playbook_id = ob_sql_column_int64(s, 8);
	a->playbook = text[6];
	a->status = st < 0 ? OB_ACTIVE : (enum ob_account_status)st;
	a->opt_out = ob_sql_column_int(s, 11) != 0;
	a->has_status_since = !ob_sql_column_null(s, 12);
	a->status_since = column_date(s, 12);
}

/*
 * Whether a text may be stored, so looked up: PostgreSQL holds UTF-8 only
 * (and refuses a query naming anything else), SQLite any bytes.
 */
static bool storable(const struct ob_store *st, const char *text)
{
	return !st->db.pg || ob_utf8_valid(text, strlen(text));
}

int ob_store_account_get(struct ob_store *st, const char *id, bool missing_ok,
			 struct ob_account *out, struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_ACCOUNT_GET, err);
	int rc;
	if (!s)
		return -1;
	bind_text(s, 1, id);
	rc = storable(st, id) ? ob_sql_step(s) : SQLITE_DONE;
	if (rc == SQLITE_ROW)
		read_account(s, out, true);
	ob_sql_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return db_fail(st, rc, err, "reading an account");
	if (missing_ok)
		return 1;
	return ob_fail(err, OB_EDATA, "unknown account '%s'", id);
}

static int list_accounts(struct ob_store *st, enum query q,
			 const struct ob_account_filter *filter,
			 int (*fn)(void *ctx, const struct ob_account *a),
			 void *ctx, struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, q, err);
	int rc, stop = 0;
	if (!s)
		return -1;
	bind_text(s, 1, filter->csm);
	bind_text(s, 2, filter->tier);
	bind_text(s, 3, filter->status >= 0
				? ob_account_status_name(
					  (enum ob_account_status)filter->status)
				: NULL);
	while (!stop && (rc = ob_sql_step(s)) == SQLITE_ROW) {
		struct ob_account a = {0};
		read_account(s, &a, false);
		stop = fn(ctx, &a);
	}
	ob_sql_reset(s);
	if (!stop && rc != SQLITE_DONE)
		return db_fail(st, rc, err, "listing accounts");
	return stop < 0 ? -1 : 0;
}

int ob_store_account_list(struct ob_store *st,
			  const struct ob_account_filter *filter,
			  int (*fn)(void *ctx, const struct ob_account *a),
			  void *ctx, struct ob_err *err)
{
	return list_accounts(st, Q_ACCOUNT_LIST, filter, fn, ctx, err);
}

int ob_store_account_list_by_rowid(struct ob_store *st,
				   const struct ob_account_filter *filter,
				   int (*fn)(void *ctx,
					     const struct ob_account *a),
				   void *ctx, struct ob_err *err)
{
	return list_accounts(st, Q_ACCOUNT_LIST_ROWID, filter, fn, ctx, err);
}

/* --- check-in actions --------------------------------------------------- */

/* The table's CHECK allows these three only; no copy per row. */
static const char *action_name(const char *text)
{
	const char *s = (const char *)text;
	if (s && strcmp(s, "skipped") == 0)
		return "skipped";
	if (s && strcmp(s, "snoozed") == 0)
		return "snoozed";
	return "done";
}

int ob_store_checkin_action_add(struct ob_store *st, int64_t account,
				const struct ob_checkin_action *a,
				struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_CHECKIN_ACTION_INSERT, err);
	if (!s)
		return -1;
	ob_sql_bind_int64(s, 1, account);
	bind_text(s, 2, a->checkin);
	bind_text(s, 3, a->action);
	bind_date(s, 4, a->day);
	if (strcmp(a->action, "snoozed") == 0)
		bind_date(s, 5, a->until);
	bind_text(s, 6, a->channel);
	bind_text(s, 7, a->note);
	bind_now(s, 8);
	return step_done(st, s, err, "recording a check-in");
}

int ob_store_checkin_completion(struct ob_store *st, int64_t account,
				const char *checkin, bool *done, ob_day *day,
				struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_CHECKIN_COMPLETION, err);
	int rc;
	if (!s)
		return -1;
	ob_sql_bind_int64(s, 1, account);
	bind_text(s, 2, checkin);
	rc = ob_sql_step(s);
	if (rc == SQLITE_ROW) {
		*done = strcmp((const char *)ob_sql_column_text(s, 0),
			       "done") == 0;
		*day = column_date(s, 1);
	}
	ob_sql_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1
				 : db_fail(st, rc, err, "reading check-ins");
}

/* --- events ------------------------------------------------------------- */

/*
 * Caches what writing an account's events needs, from a row of
 * Q_ACCOUNT_REF(S) whose columns start at col (s NULL: no such account).
 */
static struct ob_account_slot *put_account_ref(struct ob_store *st,
					       const char *id,
					       struct ob_stmt *s, int col)
{
	struct ob_account_slot *a = ob_account_map_add(&st->accounts, id);
	if (!s)
		return a;
	a->rowid = ob_sql_column_int64(s, col);
	a->playbook = ob_sql_column_int64(s, col + 1);
	if (ob_sql_column_int(s, col + 2))
		a->flags |= OB_ACCOUNT_ACTIVE;
	if (!ob_sql_column_null(s, col + 3)) {
		a->flags |= OB_ACCOUNT_HAS_AT;
		a->last_at = ob_sql_column_int64(s, col + 3);
	}
	if (!ob_sql_column_null(s, col + 4)) {
		a->flags |= OB_ACCOUNT_HAS_DAY;
		a->last_day = ob_sql_column_int(s, col + 4);
	}
	return a;
}

/*
 * A nightly import names most accounts: past a few hundred lookups one
 * scan of the table costs less than the lookups still to come (100,000
 * of them were an eighth of a 1M-event import).
 */
#define ACCOUNT_SCAN_AFTER 512

static int scan_accounts(struct ob_store *st, struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_ACCOUNT_COUNT, err);
	int rc;
	if (!s)
		return -1;
	if ((rc = ob_sql_step(s)) != SQLITE_ROW) {
		ob_sql_reset(s);
		return db_fail(st, rc, err, "counting the accounts");
	}
	ob_account_map_reserve(&st->accounts,
			       st->accounts.n +
				       (size_t)ob_sql_column_int64(s, 0));
	ob_sql_reset(s);
	if (!(s = stmt(st, Q_ACCOUNT_REFS, err)))
		return -1;
	while ((rc = ob_sql_step(s)) == SQLITE_ROW) {
		const char *id = (const char *)ob_sql_column_text(s, 0);
		if (id && !ob_account_map_get(&st->accounts, id))
			put_account_ref(st, id, s, 1);
	}
	ob_sql_reset(s);
	if (rc != SQLITE_DONE)
		return db_fail(st, rc, err, "reading the accounts");
	st->accounts_scanned = true;
	return 0;
}

static void forget_linked(struct ob_store *st)
{
	free(st->linked_users);
	free(st->linked_accounts);
	st->linked_users = NULL;
	st->linked_accounts = NULL;
	st->nlinked = 0;
}

/*
 * The account cache holds stored state, and the filter and the links
 * what was written since: all last one transaction.
 */
static void forget_accounts(struct ob_store *st)
{
	ob_account_map_release(&st->accounts);
	st->account_lookups = 0;
	st->accounts_scanned = false;
	st->ref.rowid = 0;
	free(st->written);
	st->written = NULL;
	forget_linked(st);
}

int ob_store_account_ref(struct ob_store *st, const char *id,
			 struct ob_account_ref *out, struct ob_err *err)
{
	struct ob_account_slot *a = ob_account_map_get(&st->accounts, id);
	struct ob_stmt *s;
	int rc;
	st->ref.rowid = 0;
	if (!a && !st->accounts_scanned &&
	    ++st->account_lookups > ACCOUNT_SCAN_AFTER) {
		if (scan_accounts(st, err) < 0)
			return -1;
		a = ob_account_map_get(&st->accounts, id);
	}
	if (!a) {
		if (!(s = stmt(st, Q_ACCOUNT_REF, err)))
			return -1;
		bind_text(s, 1, id);
		rc = storable(st, id) ? ob_sql_step(s) : SQLITE_DONE;
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			ob_sql_reset(s);
			return db_fail(st, rc, err, "reading an account");
		}
		/* Unknown ids are cached too: a bad file repeats them. */
		a = put_account_ref(st, id, rc == SQLITE_ROW ? s : NULL, 0);
		ob_sql_reset(s);
	}
	if (a->rowid == 0)
		return 1;
	st->ref = *a;
	out->rowid = a->rowid;
	out->playbook_id = a->playbook;
	out->active = (a->flags & OB_ACCOUNT_ACTIVE) != 0;
	return 0;
}

int ob_store_event_type(struct ob_store *st, const char *name, bool create,
			int *id, struct ob_err *err)
{
	enum ob_event_type known = ob_event_type_lookup(name);
	struct ob_strmap_entry *e;
	struct ob_stmt *s;
	int rc;
	if (known != OB_EV_CUSTOM) {
		*id = (int)known;
		return 0;
	}
	if ((e = ob_strmap_get(&st->types, name))) {
		*id = (int)e->value;
		return 0;
	}
	if (!(s = stmt(st, Q_TYPE_BY_NAME, err)))
		return -1;
	bind_text(s, 1, name);
	rc = ob_sql_step(s);
	*id = rc == SQLITE_ROW ? ob_sql_column_int(s, 0) : 0;
	ob_sql_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(st, rc, err, "reading event types");
	if (rc == SQLITE_DONE) {
		if (!create)
			return 1;
		if (!(s = stmt(st, Q_TYPE_INSERT, err)))
			return -1;
		bind_text(s, 1, name);
		rc = ob_sql_step(s);
		*id = rc == SQLITE_ROW ? ob_sql_column_int(s, 0) : 0;
		ob_sql_reset(s);
		if (rc != SQLITE_ROW)
			return db_fail(st, rc, err, "adding an event type");
	}
	ob_strmap_put(&st->types, name)->value = *id;
	if (st->custom_types_loaded)
		remember_type(st, *id, name);
	return 0;
}

static void drop_summaries(struct ob_store *st)
{
	for (size_t i = 0; i < st->nsums; i++)
		ob_summary_release(&st->sums[i]);
	st->nsums = 0;
	if (st->sum_index)
		memset(st->sum_index, 0,
		       st->sum_index_cap * sizeof(*st->sum_index));
}

/* The pending summary change of an account, made when first needed. */
static struct ob_summary *summary_of(struct ob_store *st, int64_t account)
{
	size_t i;
	if (st->nsums && st->sums[st->nsums - 1].account == account)
		return &st->sums[st->nsums - 1]; /* batches come in order */
	if (!st->sum_index_cap) {
		st->sum_index_cap = 262144 * 2; /* a power of 2 > MAX_SUMMARIES */
		st->sum_index = xcalloc(st->sum_index_cap, sizeof(uint32_t));
	}
	i = ob_hash(&account, sizeof(account), 0) & (st->sum_index_cap - 1);
	while (st->sum_index[i]) {
		struct ob_summary *s = &st->sums[st->sum_index[i] - 1];
		if (s->account == account)
			return s;
		i = (i + 1) & (st->sum_index_cap - 1);
	}
	ob_grow(&st->sums, &st->sums_cap, st->nsums + 1, sizeof(*st->sums));
	memset(&st->sums[st->nsums], 0, sizeof(*st->sums));
	st->sums[st->nsums].account = account;
	st->sum_index[i] = (uint32_t)(++st->nsums);
	return &st->sums[st->nsums - 1];
}

static void read_summary(struct ob_stmt *s, struct ob_summary *sum)
{
	struct ob_span *spans[2] = {&sum->login, &sum->response};
	memset(sum, 0, sizeof(*sum));
	sum->account = ob_sql_column_int64(s, 0);
	sum->any.has_at = !ob_sql_column_null(s, 1);
	sum->any.last_at = ob_sql_column_int64(s, 1);
	sum->any.has_day = !ob_sql_column_null(s, 2);
	sum->any.last_day = ob_sql_column_int(s, 2);
	ob_summary_counts_parse(sum, (const char *)ob_sql_column_text(s, 3));
	for (int k = 0; k < 2; k++) {
		int c = 4 + 4 * k;
		spans[k]->has_at = !ob_sql_column_null(s, c);
		spans[k]->first_at = ob_sql_column_int64(s, c);
		spans[k]->last_at = ob_sql_column_int64(s, c + 1);
		spans[k]->has_day = !ob_sql_column_null(s, c + 2);
		spans[k]->first_day = ob_sql_column_int(s, c + 2);
		spans[k]->last_day = ob_sql_column_int(s, c + 3);
	}
	sum->has_nps = !ob_sql_column_null(s, 12);
	sum->nps_at = ob_sql_column_int64(s, 12);
	if (sum->has_nps)
		snprintf(sum->nps_value, sizeof(sum->nps_value), "%s",
			 (const char *)ob_sql_column_text(s, 13));
	sum->features = ob_sql_column_int64(s, 14);
	sum->has_nps_day = !ob_sql_column_null(s, 15);
	sum->nps_day = ob_sql_column_int(s, 15);
	if (sum->has_nps_day)
		snprintf(sum->nps_day_value, sizeof(sum->nps_day_value), "%s",
			 (const char *)ob_sql_column_text(s, 16));
	/* Both kinds are present whenever the last ones are. */
	sum->any.first_at = ob_sql_column_int64(s, 17);
	sum->any.first_day = ob_sql_column_int(s, 18);
}

/*
 * A summary's signal row, column by column in SIGNAL_COLUMNS' order:
 * text[i] if set, else number[i] if has[i], else NULL. counts holds
 * the counts' text.
 */
#define SIGNAL_NCOLUMNS 19
struct signal_row {
	int64_t number[SIGNAL_NCOLUMNS];
	const char *text[SIGNAL_NCOLUMNS];
	bool has[SIGNAL_NCOLUMNS];
};

static void signal_row(const struct ob_summary *sum, struct ob_buf *counts,
		       struct signal_row *r)
{
	const struct ob_span *spans[2] = {&sum->login, &sum->response};
	memset(r, 0, sizeof(*r));
#define NUMBER(i, cond, v) (r->has[i] = (cond), r->number[i] = (v))
	NUMBER(0, true, sum->account);
	NUMBER(1, sum->any.has_at, sum->any.last_at);
	NUMBER(2, sum->any.has_day, sum->any.last_day);
	ob_summary_counts_text(sum, counts);
	r->text[3] = counts->data ? counts->data : "";
	for (int k = 0; k < 2; k++) {
		int c = 4 + 4 * k;
		NUMBER(c, spans[k]->has_at, spans[k]->first_at);
		NUMBER(c + 1, spans[k]->has_at, spans[k]->last_at);
		NUMBER(c + 2, spans[k]->has_day, spans[k]->first_day);
		NUMBER(c + 3, spans[k]->has_day, spans[k]->last_day);
	}
	NUMBER(12, sum->has_nps, sum->nps_at);
	r->text[13] = sum->has_nps ? sum->nps_value : NULL;
	NUMBER(14, true, sum->features);
	NUMBER(15, sum->has_nps_day, sum->nps_day);
	r->text[16] = sum->has_nps_day ? sum->nps_day_value : NULL;
	NUMBER(17, sum->any.has_at, sum->any.first_at);
	NUMBER(18, sum->any.has_day, sum->any.first_day);
#undef NUMBER
}

static int put_summary(struct ob_store *st, const struct ob_summary *sum,
		       struct ob_buf *counts, struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_SIGNAL_PUT, err);
	struct signal_row r;
	if (!s)
		return -1;
	signal_row(sum, counts, &r);
	for (int i = 0; i < SIGNAL_NCOLUMNS; i++) {
		if (r.text[i])
			ob_sql_bind_text(s, i + 1, r.text[i]);
		else if (r.has[i])
			ob_sql_bind_int64(s, i + 1, r.number[i]);
	}
	return step_done(st, s, err, "updating signals");
}

/* The same as a row of COPY's text. */
static void copy_summary(const struct ob_summary *sum, struct ob_buf *counts,
			 struct ob_buf *rows)
{
	struct signal_row r;
	signal_row(sum, counts, &r);
	for (int i = 0; i < SIGNAL_NCOLUMNS; i++) {
		if (i)
			ob_buf_addc(rows, '\t');
		if (r.text[i])
			ob_sql_copy_text(rows, r.text[i]);
		else if (r.has[i])
			ob_sql_copy_int(rows, r.number[i]);
		else
			ob_buf_adds(rows, "\\N");
	}
	ob_buf_addc(rows, '\n');
}

/*
 * PostgreSQL: the batch's summaries in four statements, not two round
 * trips an account: its accounts staged, their stored rows read in one
 * join, merged here, and written back through a staged COPY.
 */
static int write_summaries_pg(struct ob_store *st, struct ob_err *err)
{
	struct ob_sql_copier w;
	struct ob_buf counts = {0};
	struct ob_stmt *s;
	size_t i = 0;
	int rc, ret = -1;
	ob_sql_copier_init(&w, &st->db, "COPY ob_pending_account FROM STDIN");
	if (exec(st, "CREATE TEMPORARY TABLE IF NOT EXISTS ob_pending_account ("
		     "account BIGINT PRIMARY KEY) ON COMMIT DELETE ROWS; "
		     "CREATE TEMPORARY TABLE IF NOT EXISTS ob_pending_signal "
		     "(LIKE signal) ON COMMIT DELETE ROWS; "
		     "TRUNCATE ob_pending_account, ob_pending_signal",
		 err) < 0)
		goto out;
	for (size_t k = 0; k < st->nsums; k++) {
		ob_sql_copy_int(&w.rows, st->sums[k].account);
		ob_buf_addc(&w.rows, '\n');
		ob_sql_copier_row(&w);
	}
	if ((rc = ob_sql_copier_finish(&w)) != SQLITE_OK) {
		db_fail(st, rc, err, "updating signals");
		goto out;
	}
	ob_sql_copier_init(&w, &st->db, "COPY ob_pending_signal FROM STDIN");
	if (!(s = stmt(st, Q_SIGNAL_MERGE_ALL, err)))
		goto out;
	while ((rc = ob_sql_step(s)) == SQLITE_ROW && i < st->nsums) {
		struct ob_summary stored, *sum = &st->sums[i++];
		uint32_t features = (uint32_t)ob_sql_column_int64(s, 19);
		if (!ob_sql_column_null(s, 0)) {
			read_summary(s, &stored);
			ob_summary_merge(&stored, sum);
			stored.features = features;
			copy_summary(&stored, &counts, &w.rows);
			ob_summary_release(&stored);
		} else {
			sum->features = features;
			copy_summary(sum, &counts, &w.rows);
		}
		ob_sql_copier_row(&w);
	}
	ob_sql_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(st, rc, err, "reading signals");
		goto out;
	}
	rc = ob_sql_copier_finish(&w);
	if (rc == SQLITE_OK)
		rc = ob_sql_exec(&st->db,
				 "INSERT INTO signal SELECT * FROM "
				 "ob_pending_signal ON CONFLICT (account) DO "
				 "UPDATE SET " SIGNAL_UPDATES);
	if (rc != SQLITE_OK) {
		db_fail(st, rc, err, "updating signals");
		goto out;
	}
	ret = 0;
out:
	ob_buf_release(&w.rows); /* what a failure left unsent */
	ob_buf_release(&counts);
	drop_summaries(st);
	return ret;
}

static int cmp_summary(const void *a, const void *b)
{
	int64_t x = ((const struct ob_summary *)a)->account;
	int64_t y = ((const struct ob_summary *)b)->account;
	return (x > y) - (x < y);
}

/* Folds the pending summary changes into the stored summaries. */
static int write_summaries(struct ob_store *st, struct ob_err *err)
{
	struct ob_buf counts = {0};
	int ret = -1;
	if (!st->nsums)
		return 0;
	/* In account order, the signal table is walked once. */
	qsort(st->sums, st->nsums, sizeof(*st->sums), cmp_summary);
	if (ob_sql_is_pg(&st->db))
		return write_summaries_pg(st, err);
	for (size_t i = 0; i < st->nsums; i++) {
		struct ob_summary stored, *sum = &st->sums[i];
		struct ob_stmt *s = stmt(st, Q_SIGNAL_MERGE, err);
		uint32_t features;
		int rc;
		if (!s)
			goto out;
		ob_sql_bind_int64(s, 1, sum->account);
		if ((rc = ob_sql_step(s)) != SQLITE_ROW) {
			ob_sql_reset(s);
			db_fail(st, rc, err, "reading signals");
			goto out;
		}
		features = (uint32_t)ob_sql_column_int64(s, 19);
		if (!ob_sql_column_null(s, 0)) {
			read_summary(s, &stored);
			ob_sql_reset(s);
			ob_summary_merge(&stored, sum);
			stored.features = features;
			rc = put_summary(st, &stored, &counts, err);
			ob_summary_release(&stored);
		} else {
			ob_sql_reset(s);
			sum->features = features;
			rc = put_summary(st, sum, &counts, err);
		}
		if (rc < 0)
			goto out;
	}
	ret = 0;
out:
	ob_buf_release(&counts);
	drop_summaries(st);
	return ret;
}

static void drop_custom_types(struct ob_store *st)
{
	for (size_t i = 0; i < st->ncustom_types; i++)
		free(st->custom_types[i]);
	free(st->custom_types);
	st->custom_types = NULL;
	st->ncustom_types = 0;
	st->custom_types_loaded = false;
}

static void remember_type(struct ob_store *st, int id, const char *name)
{
	size_t k = (size_t)(id - OB_EV_NKNOWN);
	if (id < OB_EV_NKNOWN)
		return;
	if (k >= st->ncustom_types) {
		st->custom_types = xrealloc(st->custom_types,
					    (k + 1) * sizeof(char *));
		memset(st->custom_types + st->ncustom_types, 0,
		       (k + 1 - st->ncustom_types) * sizeof(char *));
		st->ncustom_types = k + 1;
	}
	free(st->custom_types[k]);
	st->custom_types[k] = xstrdup(name);
}

static int load_custom_types(struct ob_store *st, struct ob_err *err)
{
	struct ob_stmt *s;
	int rc;
	if (st->custom_types_loaded)
		return 0;
	if (!(s = stmt(st, Q_CUSTOM_TYPES, err)))
		return -1;
	while ((rc = ob_sql_step(s)) == SQLITE_ROW)
		remember_type(st, ob_sql_column_int(s, 0),
			      (const char *)ob_sql_column_text(s, 1));
	ob_sql_reset(s);
	if (rc != SQLITE_DONE)
		return db_fail(st, rc, err, "reading event types");
	st->custom_types_loaded = true;
	return 0;
}

static const char *type_name(void *ctx, int type)
{
	struct ob_store *st = ctx;
	size_t k = (size_t)(type - OB_EV_NKNOWN);
	if (type < OB_EV_NKNOWN)
		return ob_event_type_name((enum ob_event_type)type);
	return k < st->ncustom_types ? st->custom_types[k] : NULL;
}

/* Migration 2 -> 3: NPS scores as numbers, and the summaries again if
 * any changed. */
static int canonical_nps(struct ob_store *st, struct ob_err *err)
{
	sqlite3_int64 before = sqlite3_total_changes64(st->db.lite);
	if (exec(st,
		 "UPDATE OR IGNORE event SET value = CAST(CAST(value AS "
		 "INTEGER) AS TEXT) WHERE type = 12 AND value <> "
		 "CAST(CAST(value AS INTEGER) AS TEXT);"
		 "DELETE FROM event WHERE type = 12 AND value <> "
		 "CAST(CAST(value AS INTEGER) AS TEXT);",
		 err) < 0)
		return -1;
	if (sqlite3_total_changes64(st->db.lite) == before)
		return 0;
	return exec(st, "DELETE FROM signal", err) < 0 ? -1
						       : rebuild_signals(st, err);
}

/* Migration 1 -> 2: every account's summary, from its events. */
static int rebuild_signals(struct ob_store *st, struct ob_err *err)
{
	struct ob_stmt *s;
	int rc;
	rc = ob_sql_prepare(&st->db,
			    "SELECT account, type, at, bare, value "
			    "FROM event ORDER BY account",
			    &s);
	if (rc != SQLITE_OK)
		return db_fail(st, rc, err, "rebuilding signals");
	while ((rc = ob_sql_step(s)) == SQLITE_ROW) {
		ob_summary_add(summary_of(st, ob_sql_column_int64(s, 0)),
			       ob_sql_column_int(s, 1),
			       ob_sql_column_int64(s, 2),
			       ob_sql_column_int(s, 3) != 0,
			       (const char *)ob_sql_column_text(s, 4));
		if (st->nsums >= MAX_SUMMARIES &&
		    write_summaries(st, err) < 0) {
			ob_sql_finalize(s);
			return -1;
		}
	}
	ob_sql_finalize(s);
	if (rc != SQLITE_DONE)
		return db_fail(st, rc, err, "rebuilding signals");
	return write_summaries(st, err);
}

/* A summary as text, every field: two are the same when their texts are. */
static void summary_text(const struct ob_summary *s, struct ob_buf *b)
{
	const struct ob_span *spans[3] = {&s->any, &s->login, &s->response};
	struct ob_buf counts = {0};
	ob_summary_counts_text(s, &counts);
	ob_buf_reset(b);
	ob_buf_addf(b, "%s|%u", counts.data ? counts.data : "", s->features);
	for (int k = 0; k < 3; k++) {
		const struct ob_span *p = spans[k];
		if (p->has_at)
			ob_buf_addf(b, "|%lld-%lld", (long long)p->first_at,
				    (long long)p->last_at);
		else
			ob_buf_adds(b, "|-");
		if (p->has_day)
			ob_buf_addf(b, "|%d-%d", (int)p->first_day,
				    (int)p->last_day);
		else
			ob_buf_adds(b, "|-");
	}
	ob_buf_addf(b, "|%s %lld|%s %d", s->has_nps ? s->nps_value : "-",
		    s->has_nps ? (long long)s->nps_at : 0LL,
		    s->has_nps_day ? s->nps_day_value : "-",
		    s->has_nps_day ? (int)s->nps_day : 0);
	ob_buf_release(&counts);
}

static int write_pending(struct ob_store *st, struct ob_err *err);

/* The next row of a stream (its account INT64_MAX past the last), or -1. */
static int check_step(struct ob_store *st, struct ob_stmt *s, int64_t *account,
		      struct ob_err *err)
{
	int rc = ob_sql_step(s);
	if (rc == SQLITE_ROW) {
		*account = ob_sql_column_int64(s, 0);
		return 0;
	}
	*account = INT64_MAX;
	return rc == SQLITE_DONE ? 0 : db_fail(st, rc, err, "checking signals");
}

int ob_store_check(struct ob_store *st, struct ob_store_check *out,
		   struct ob_err *err)
{
	static const char *const texts[3] = {
		"SELECT account, type, at, bare, value FROM event "
		"ORDER BY account, type, at, bare, value, ext_id",
		"SELECT " SIGNAL_COLUMNS " FROM signal ORDER BY account",
		"SELECT account, count(DISTINCT value) FROM event "
		"WHERE type = 2 GROUP BY account ORDER BY account",
	};
	struct ob_stmt *s[3] = {NULL, NULL, NULL};
	int64_t at[3];
	struct ob_buf want = {0}, have = {0};
	int ret = -1;
	memset(out, 0, sizeof(*out));
	out->version = ob_store_schema_version();
	if (write_pending(st, err) < 0)
		return -1;
	for (int i = 0; i < 3; i++) {
		int rc = ob_sql_prepare_stream(&st->db, texts[i], &s[i]);
		if (rc != SQLITE_OK) {
			db_fail(st, rc, err, "checking signals");
			goto out;
		}
		if (check_step(st, s[i], &at[i], err) < 0)
			goto out;
	}
	/* The three in account order, side by side. */
	while (at[0] != INT64_MAX || at[1] != INT64_MAX) {
		int64_t account = at[0] < at[1] ? at[0] : at[1];
		struct ob_summary folded = {.account = account}, stored = {0};
		while (at[0] == account) {
			const char *value = ob_sql_column_text(s[0], 4);
			ob_summary_add(&folded, ob_sql_column_int(s[0], 1),
				       ob_sql_column_int64(s[0], 2),
				       ob_sql_column_int(s[0], 3) != 0,
				       value ? value : "");
			out->events++;
			if (check_step(st, s[0], &at[0], err) < 0)
				goto fail_account;
		}
		while (at[2] < account)
			if (check_step(st, s[2], &at[2], err) < 0)
				goto fail_account;
		if (at[2] == account)
			folded.features = (uint32_t)ob_sql_column_int64(s[2], 1);
		if (at[1] == account) {
			read_summary(s[1], &stored);
			if (check_step(st, s[1], &at[1], err) < 0)
				goto fail_account;
		}
		summary_text(&folded, &want);
		summary_text(&stored, &have);
		out->accounts++;
		if (strcmp(want.data, have.data) != 0 &&
		    out->nwrong++ < OB_CHECK_NAMED)
			out->wrong[out->nwrong - 1] = account;
		ob_summary_release(&folded);
		ob_summary_release(&stored);
		continue;
	fail_account:
		ob_summary_release(&folded);
		ob_summary_release(&stored);
		goto out;
	}
	ret = 0;
out:
	for (int i = 0; i < 3; i++)
		ob_sql_finalize(s[i]);
	ob_buf_release(&want);
	ob_buf_release(&have);
	return ret;
}

/*
 * Whether the latest resolutions of a ticket close its opening at (at,
 * bare) in every zone, UTC-12 to UTC+14: TICKET_RESOLVED_AT and
 * TICKET_RESOLVED_DAY in C.
 */
static bool resolved_everywhere(int64_t at, bool bare, bool has_at,
				int64_t resolved_at, bool has_day,
				int64_t resolved_day)
{
	const int64_t west = INT64_C(43200000000), east = INT64_C(50400000000);
	int64_t day = at / OB_DAY_US;
	if (has_at && (bare ? (resolved_at - west) / OB_DAY_US > day
			    : resolved_at >= at))
		return true;
	return has_day &&
	       (bare ? resolved_day >= day : resolved_day >= (at + east) / OB_DAY_US);
}

/*
 * Keeps ticket_open right: an opening stays unless a resolution of the
 * same ticket follows it in every zone (it may have come first); each
 * keeps its ticket's latest resolutions for the reader's zone to decide.
 */
static int track_ticket(struct ob_store *st, const struct pending_event *e,
			const char *ref, struct ob_err *err)
{
	struct ob_stmt *s;
	bool has_at, has_day;
	int64_t at, day;
	int rc;
	if (e->type == OB_EV_TICKET_RESOLVED) {
		for (int q = 0; q < 2; q++) {
			if (!(s = stmt(st, q ? Q_TICKET_OPEN_RESOLVED
					     : Q_TICKET_OPEN_CLOSE,
				       err)))
				return -1;
			ob_sql_bind_int64(s, 1, e->account);
			ob_sql_bind_text(s, 2, ref);
			ob_sql_bind_int64(s, 3, e->at);
			ob_sql_bind_int64(s, 4, e->bare);
			ob_sql_bind_int64(s, 5, e->at / OB_DAY_US);
			if (step_done(st, s, err, "closing a ticket") < 0)
				return -1;
		}
		return 0;
	}
	/* The resolutions stored, this batch's included (written first). */
	if (!(s = stmt(st, Q_TICKET_RESOLUTIONS, err)))
		return -1;
	ob_sql_bind_int64(s, 1, e->account);
	ob_sql_bind_text(s, 2, ref);
	rc = ob_sql_step(s);
	has_at = rc == SQLITE_ROW && !ob_sql_column_null(s, 0);
	has_day = rc == SQLITE_ROW && !ob_sql_column_null(s, 1);
	at = has_at ? ob_sql_column_int64(s, 0) : 0;
	day = has_day ? ob_sql_column_int64(s, 1) : 0;
	ob_sql_reset(s);
	if (rc != SQLITE_ROW)
		return db_fail(st, rc, err, "reading tickets");
	if (resolved_everywhere(e->at, e->bare, has_at, at, has_day, day))
		return 0;
	if (!(s = stmt(st, Q_TICKET_OPEN_ADD, err)))
		return -1;
	ob_sql_bind_int64(s, 1, e->account);
	ob_sql_bind_text(s, 2, ref);
	ob_sql_bind_int64(s, 3, e->at);
	ob_sql_bind_int64(s, 4, e->bare);
	ob_sql_bind_text(s, 5, st->arena.data + e->ext_id);
	if (has_at)
		ob_sql_bind_int64(s, 6, at);
	if (has_day)
		ob_sql_bind_int64(s, 7, day);
	return step_done(st, s, err, "opening a ticket");
}

/* For qsort: the event table's key order (account, type, at, bare, ...). */
static _Thread_local const char *sort_arena;

static int cmp_pending(const void *x, const void *y)
{
	const struct pending_event *a = x, *b = y;
	int c;
	if (a->account != b->account)
		return a->account < b->account ? -1 : 1;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	if (a->bare != b->bare)
		return a->bare < b->bare ? -1 : 1;
	c = strcmp(sort_arena + a->value, sort_arena + b->value);
	if (c)
		return c;
	return strcmp(sort_arena + a->ext_id, sort_arena + b->ext_id);
}

/*
 * Sorts the batch into the event table's key order: by account with an
 * in-place counting sort (the accounts of an import are a dense range of
 * rowids), then each account's events by the rest of the key. qsort of
 * the rows was a twelfth of an import.
 */
static void sort_pending(struct ob_store *st)
{
	struct pending_event *p = st->pending;
	size_t n = st->npending, range, at = 0;
	uint32_t *head, *end;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	sort_arena = st->arena.data;
	for (size_t i = 0; i < n; i++) {
		lo = p[i].account < lo ? p[i].account : lo;
		hi = p[i].account > hi ? p[i].account : hi;
	}
	if (n < 2 || (uint64_t)hi - (uint64_t)lo >= 4 * (uint64_t)n + 1024) {
		qsort(p, n, sizeof(*p), cmp_pending);
		return;
	}
	range = (size_t)(hi - lo) + 1;
	end = xcalloc(range, sizeof(*end));
	head = xcalloc(range, sizeof(*head));
	for (size_t i = 0; i < n; i++)
		end[p[i].account - lo]++;
	for (size_t k = 0; k < range; k++) {
		head[k] = (uint32_t)at;
		at += end[k];
		end[k] = (uint32_t)at;
	}
	/* Each event moves straight to its account's next free place. */
	for (size_t k = 0; k < range; k++) {
		while (head[k] < end[k]) {
			struct pending_event e = p[head[k]];
			size_t b = (size_t)(e.account - lo);
			while (b != k) {
				struct pending_event out = p[head[b]];
				p[head[b]++] = e;
				e = out;
				b = (size_t)(e.account - lo);
			}
			p[head[k]++] = e;
		}
	}
	for (size_t k = 0, first = 0; k < range; first = end[k++]) {
		if (end[k] - first > 16) {
			qsort(p + first, end[k] - first, sizeof(*p),
			      cmp_pending);
			continue;
		}
		for (size_t i = first + 1; i < end[k]; i++) {
			struct pending_event e = p[i];
			size_t j = i;
			for (; j > first && cmp_pending(&p[j - 1], &e) > 0; j--)
				p[j] = p[j - 1];
			p[j] = e;
		}
	}
	free(head);
	free(end);
}

/*
 * The Bloom filter of the events written in the transaction: 2 MiB, 3
 * bits per key in one 64-byte block. A million events leave about 0.5%
 * of new ones to be checked row by row; ten million, most of them.
 */
#define WRITTEN_BLOCKS 32768

static uint64_t event_hash(const struct ob_store *st,
			   const struct pending_event *e, bool by_ext_id)
{
	const char *ext_id = st->arena.data + e->ext_id;
	uint64_t h = ob_hash(&e->account, sizeof(e->account), by_ext_id);
	if (!by_ext_id) {
		const char *value = st->arena.data + e->value;
		h = ob_hash(&e->type, sizeof(e->type), h);
		h = ob_hash(&e->at, sizeof(e->at), h);
		h = ob_hash(&e->bare, sizeof(e->bare), h);
		h = ob_hash(value, strlen(value) + 1, h);
	}
	return ob_hash_mix(ob_hash(ext_id, strlen(ext_id) + 1, h));
}

static uint64_t *written_block(uint64_t *filter, uint64_t h)
{
	return filter + 8 * ((h >> 32) * WRITTEN_BLOCKS >> 32);
}

/* Sets (set) or tests the key's bits; true when all were set. */
static bool written_bits(uint64_t *filter, uint64_t h, bool set)
{
	uint64_t *block = written_block(filter, h);
	bool all = true;
	for (int k = 0; k < 3; k++) {
		unsigned bit = (unsigned)(h >> (9 * k)) & 511;
		uint64_t mask = UINT64_C(1) << (bit & 63);
		all = all && (block[bit >> 6] & mask);
		if (set)
			block[bit >> 6] |= mask;
	}
	return all;
}

/*
 * The filter's blocks are read in no order, a memory miss each: each
 * loop over it asks for the block it needs AHEAD events later.
 */
#define AHEAD 16

/* The keys' hashes of the bulk candidates (a re-import has none). */
static void hash_pending(struct ob_store *st)
{
	ob_grow(&st->hashes, &st->hashes_cap, st->npending,
		sizeof(*st->hashes));
	for (size_t i = 0; i < st->npending; i++)
		st->hashes[i] = st->pending[i].state == PENDING_BULK
					? event_hash(st, &st->pending[i], false)
					: 0;
}

static void prefetch_written(const struct ob_store *st, size_t i)
{
	if (i < st->npending)
		OB_PREFETCH(written_block(st->written, st->hashes[i]));
}

static bool maybe_written(const struct ob_store *st, size_t i)
{
	const struct pending_event *e = &st->pending[i];
	if (written_bits(st->written, st->hashes[i], false))
		return true;
	return st->arena.data[e->ext_id] &&
	       written_bits(st->written, event_hash(st, e, true), false);
}

/* Notes e, whose key hashes to h, as written in this transaction. */
static void note_written(struct ob_store *st, const struct pending_event *e,
			 uint64_t h)
{
	written_bits(st->written, h, true);
	if (st->arena.data[e->ext_id])
		written_bits(st->written, event_hash(st, e, true), true);
}

/*
 * Keeps in bulk the candidates the filter has certainly not seen, noting
 * each in it as it goes, kept or not: an event the batch repeats (the
 * same, or the same external id) then goes row by row after the bulk
 * insert, and SQLite finds it stored, as it would row by row. A repeat of
 * one demoted by a false "maybe" is demoted too: SQLite keeps the first
 * in key order.
 */
static void pick_bulk(struct ob_store *st)
{
	if (!st->written)
		st->written = xaligned_calloc(64, WRITTEN_BLOCKS * 64);
	hash_pending(st);
	st->nbulk = 0;
	for (size_t i = 0; i < st->npending; i++) {
		struct pending_event *e = &st->pending[i];
		bool maybe;
		prefetch_written(st, i + AHEAD);
		if (e->state != PENDING_BULK)
			continue;
		maybe = maybe_written(st, i);
		/* Noted now, while its block is in cache. */
		note_written(st, e, st->hashes[i]);
		if (maybe)
			e->state = PENDING_CHECK;
		else
			st->nbulk++;
	}
}

/* The batch's bulk events as a table, for one INSERT ... SELECT. */
struct bulk_cursor {
	sqlite3_vtab_cursor base;
	struct ob_store *st;
	size_t i;
};

struct bulk_table {
	sqlite3_vtab base;
	struct ob_store *st;
};

static int bulk_connect(sqlite3 *db, void *st, int argc,
			const char *const *argv, sqlite3_vtab **out,
			char **errmsg)
{
	struct bulk_table *t;
	int rc = sqlite3_declare_vtab(db, "CREATE TABLE x (account, type, "
					  "at, bare, value, ext_id)");
	(void)argc;
	(void)argv;
	(void)errmsg;
	if (rc != SQLITE_OK)
		return rc;
	if (!(t = sqlite3_malloc(sizeof(*t))))
		return SQLITE_NOMEM;
	memset(t, 0, sizeof(*t));
	t->st = st;
	*out = &t->base;
	return SQLITE_OK;
}

static int bulk_disconnect(sqlite3_vtab *t)
{
	sqlite3_free(t);
	return SQLITE_OK;
}

static int bulk_best_index(sqlite3_vtab *t, sqlite3_index_info *info)
{
	(void)t;
	info->estimatedCost = MAX_PENDING;
	info->estimatedRows = MAX_PENDING;
	return SQLITE_OK;
}

static int bulk_open(sqlite3_vtab *t, sqlite3_vtab_cursor **out)
{
	struct bulk_cursor *c = sqlite3_malloc(sizeof(*c));
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof(*c));
	c->st = ((struct bulk_table *)t)->st;
	*out = &c->base;
	return SQLITE_OK;
}

static int bulk_close(sqlite3_vtab_cursor *c)
{
	sqlite3_free(c);
	return SQLITE_OK;
}

static int bulk_next(sqlite3_vtab_cursor *cur)
{
	struct bulk_cursor *c = (struct bulk_cursor *)cur;
	while (++c->i < c->st->npending &&
	       c->st->pending[c->i].state != c->st->bulk_state)
		;
	return SQLITE_OK;
}

static int bulk_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxs,
		       int argc, sqlite3_value **argv)
{
	struct bulk_cursor *c = (struct bulk_cursor *)cur;
	(void)idx;
	(void)idxs;
	(void)argc;
	(void)argv;
	c->i = 0;
	if (c->st->npending && c->st->pending[0].state != c->st->bulk_state)
		bulk_next(cur);
	return SQLITE_OK;
}

static int bulk_eof(sqlite3_vtab_cursor *cur)
{
	struct bulk_cursor *c = (struct bulk_cursor *)cur;
	return c->i >= c->st->npending;
}

static int bulk_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx,
		       int col)
{
	struct bulk_cursor *c = (struct bulk_cursor *)cur;
	const struct pending_event *e = &c->st->pending[c->i];
	const char *arena = c->st->arena.data;
	switch (col) {
	case 0:
		sqlite3_result_int64(ctx, e->account);
		break;
	case 1:
		sqlite3_result_int(ctx, e->type);
		break;
	case 2:
		sqlite3_result_int64(ctx, e->at);
		break;
	case 3:
		sqlite3_result_int(ctx, e->bare);
		break;
	case 4:
		sqlite3_result_text(ctx, arena + e->value, -1, SQLITE_STATIC);
		break;
	default:
		sqlite3_result_text(ctx, arena + e->ext_id, -1, SQLITE_STATIC);
	}
	return SQLITE_OK;
}

static int bulk_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = (sqlite3_int64)((struct bulk_cursor *)cur)->i;
	return SQLITE_OK;
}

static const sqlite3_module bulk_module = {
	.xConnect = bulk_connect,
	.xBestIndex = bulk_best_index,
	.xDisconnect = bulk_disconnect,
	.xOpen = bulk_open,
	.xClose = bulk_close,
	.xFilter = bulk_filter,
	.xNext = bulk_next,
	.xEof = bulk_eof,
	.xColumn = bulk_column,
	.xRowid = bulk_rowid,
};

/*
 * PostgreSQL has no virtual table: ob_pending_bulk is a temporary table
 * of the same columns, filled by COPY with the events SQLite's would
 * show (in state; of type_a or type_b unless type_a is 0).
 */
/* The pending events in state (and of type_a or b) by a COPY command. */
static int copy_pending(struct ob_store *st, const char *command,
			uint8_t state, int type_a, int type_b)
{
	struct ob_sql_copier w;
	ob_sql_copier_init(&w, &st->db, command);
	for (size_t i = 0; i < st->npending; i++) {
		const struct pending_event *e = &st->pending[i];
		if (e->state != state ||
		    (type_a && e->type != type_a && e->type != type_b))
			continue;
		ob_sql_copy_int(&w.rows, e->account);
		ob_buf_addc(&w.rows, '\t');
		ob_sql_copy_int(&w.rows, e->type);
		ob_buf_addc(&w.rows, '\t');
		ob_sql_copy_int(&w.rows, e->at);
		ob_buf_add(&w.rows, e->bare ? "\t1\t" : "\t0\t", 3);
		ob_sql_copy_text(&w.rows, st->arena.data + e->value);
		ob_buf_addc(&w.rows, '\t');
		ob_sql_copy_text(&w.rows, st->arena.data + e->ext_id);
		ob_buf_addc(&w.rows, '\n');
		ob_sql_copier_row(&w);
	}
	return ob_sql_copier_finish(&w);
}

static int stage_pending(struct ob_store *st, uint8_t state, int type_a,
			 int type_b, struct ob_err *err)
{
	int rc;
	if (!ob_sql_is_pg(&st->db))
		return 0;
	if (exec(st, "CREATE TEMPORARY TABLE IF NOT EXISTS ob_pending_bulk ("
		     "account BIGINT, type BIGINT, at BIGINT, bare BIGINT, "
		     "value TEXT COLLATE \"C\", ext_id TEXT COLLATE \"C\") "
		     "ON COMMIT DELETE ROWS; TRUNCATE ob_pending_bulk",
		 err) < 0)
		return -1;
	rc = copy_pending(st, "COPY ob_pending_bulk FROM STDIN", state, type_a,
			  type_b);
	return rc == SQLITE_OK ? 0 : db_fail(st, rc, err, "storing events");
}

/*
 * PostgreSQL: the events certainly new straight into the table, as
 * COPY does fastest (no conflict to look for: a third of an import).
 * 1 when one was stored already after all: then nothing of it is, and
 * the staged INSERT says how many.
 */
static int copy_bulk(struct ob_store *st, struct ob_err *err)
{
	int rc;
	if (exec(st, "SAVEPOINT ob_bulk", err) < 0)
		return -1;
	rc = copy_pending(st,
			  "COPY event (account, type, at, bare, value, "
			  "ext_id) FROM STDIN",
			  PENDING_BULK, 0, 0);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return exec(st, "ROLLBACK TO SAVEPOINT ob_bulk", err) < 0 ? -1
									: 1;
	if (rc != SQLITE_OK)
		return db_fail(st, rc, err, "storing events");
	return exec(st, "RELEASE SAVEPOINT ob_bulk", err);
}

static int write_bulk(struct ob_store *st, struct ob_err *err)
{
	struct ob_stmt *s;
	int changes;
	if (!st->nbulk)
		return 0;
	st->bulk_state = PENDING_BULK;
	if (ob_sql_is_pg(&st->db) && (changes = copy_bulk(st, err)) <= 0) {
		if (changes < 0)
			return -1;
		goto added;
	}
	if (stage_pending(st, PENDING_BULK, 0, 0, err) < 0 ||
	    !(s = stmt(st, Q_EVENT_BULK_INSERT, err)) ||
	    step_done(st, s, err, "storing events") < 0)
		return -1;
	changes = ob_sql_changes(&st->db);
	/* The signal table disagrees with the events: never silently. */
	if ((size_t)changes != st->nbulk)
		return ob_fail(err, OB_EFAIL,
			       "database '%s': %zu of %zu events taken as new "
			       "were stored already: the signals are out of "
			       "step with the events",
			       st->path, st->nbulk - (size_t)changes, st->nbulk);
added:
	for (size_t i = 0; i < st->npending; i++)
		if (st->pending[i].state == PENDING_BULK)
			st->pending[i].state = PENDING_ADDED;
	return 0;
}

/*
 * The first pending event still to check with this key: the batch is in
 * key order (sort_pending), and a repeat of a key is checked after it.
 */
static struct pending_event *find_checked(struct ob_store *st, int64_t account,
					  int type, int64_t at, bool bare,
					  const char *value, const char *ext_id)
{
	const char *arena = st->arena.data;
	size_t lo = 0, hi = st->npending;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct pending_event *e = &st->pending[mid];
		int c = e->account != account ? (e->account < account ? -1 : 1)
			: e->type != type     ? (e->type < type ? -1 : 1)
			: e->at != at	      ? (e->at < at ? -1 : 1)
			: e->bare != bare     ? (e->bare < bare ? -1 : 1)
					      : strcmp(arena + e->value, value);
		if (!c)
			c = strcmp(arena + e->ext_id, ext_id);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < st->npending; lo++) {
		struct pending_event *e = &st->pending[lo];
		if (e->account != account || e->type != type || e->at != at ||
		    e->bare != bare || strcmp(arena + e->value, value) ||
		    strcmp(arena + e->ext_id, ext_id))
			break;
		if (e->state == PENDING_CHECK)
			return e;
	}
	return NULL;
}

/*
 * PostgreSQL: the events to check in one statement, not a round trip
 * each.
 */
static int write_checked_pg(struct ob_store *st, struct ob_err *err)
{
	struct ob_stmt *s;
	size_t n = 0;
	int rc;
	for (size_t i = 0; i < st->npending; i++)
		n += st->pending[i].state == PENDING_CHECK;
	if (!n)
		return 0;
	if (stage_pending(st, PENDING_CHECK, 0, 0, err) < 0 ||
	    !(s = stmt(st, Q_EVENT_CHECKED_INSERT, err)))
		return -1;
	while ((rc = ob_sql_step(s)) == SQLITE_ROW) {
		const char *value = ob_sql_column_text(s, 4);
		const char *ext_id = ob_sql_column_text(s, 5);
		struct pending_event *e = find_checked(
			st, ob_sql_column_int64(s, 0), ob_sql_column_int(s, 1),
			ob_sql_column_int64(s, 2), ob_sql_column_int(s, 3) != 0,
			value ? value : "", ext_id ? ext_id : "");
		if (!e) {
			ob_sql_reset(s);
			return ob_fail(err, OB_EFAIL,
				       "database '%s': an event stored that "
				       "the import did not send",
				       st->path);
		}
		e->state = PENDING_ADDED;
		note_written(st, e, event_hash(st, e, false));
	}
	ob_sql_reset(s);
	if (rc != SQLITE_DONE)
		return db_fail(st, rc, err, "storing events");
	for (size_t i = 0; i < st->npending; i++)
		if (st->pending[i].state == PENDING_CHECK)
			st->pending[i].state = PENDING_DUPLICATE;
	return 0;
}

static int write_checked(struct ob_store *st, struct ob_err *err)
{
	struct ob_stmt *ins = NULL;
	int ret = -1;
	if (ob_sql_is_pg(&st->db))
		return write_checked_pg(st, err);
	for (size_t i = 0; i < st->npending; i++) {
		struct pending_event *e = &st->pending[i];
		if (e->state != PENDING_CHECK)
			continue;
		if (!ins && !(ins = stmt(st, Q_EVENT_INSERT, err)))
			goto out;
		ob_sql_bind_int64(ins, 1, e->account);
		ob_sql_bind_int64(ins, 2, e->type);
		ob_sql_bind_int64(ins, 3, e->at);
		ob_sql_bind_int64(ins, 4, e->bare);
		ob_sql_bind_text(ins, 5, st->arena.data + e->value);
		ob_sql_bind_text(ins, 6, st->arena.data + e->ext_id);
		if (step_done(st, ins, err, "storing an event") < 0)
			goto out;
		if (!ob_sql_changes(&st->db)) {
			e->state = PENDING_DUPLICATE;
			continue;
		}
		e->state = PENDING_ADDED;
		note_written(st, e, event_hash(st, e, false));
	}
	ret = 0;
out:
	/* Bound text must not outlive the arena it points into. */
	if (ins)
		ob_sql_clear(ins);
	return ret;
}

/*
 * The values of the batch's new feature_used and milestone events, in
 * one statement: which were new shows in the count of features.
 */
static int write_values(struct ob_store *st, struct ob_err *err)
{
	struct ob_stmt *s;
	st->bulk_state = PENDING_ADDED;
	if (stage_pending(st, PENDING_ADDED, OB_EV_FEATURE_USED, OB_EV_MILESTONE,
			  err) < 0)
		return -1;
	return (s = stmt(st, Q_VALUE_BULK_INSERT, err)) &&
			       step_done(st, s, err,
					 "storing feature and milestone "
					 "values") == 0
		       ? 0
		       : -1;
}

/*
 * PostgreSQL: track_ticket for the whole batch in three statements, not
 * a round trip or two an event. Whether a resolution closes an opening
 * grows with the resolution's instant, so the latest of each ticket
 * closes all the batch's would, one by one.
 */
static int track_tickets_pg(struct ob_store *st, struct ob_err *err)
{
	static const enum query steps[3] = {
		Q_TICKETS_OPEN_BULK, Q_TICKETS_RESOLVE_BULK, Q_TICKETS_CLOSE_BULK};
	bool any = false;
	for (size_t i = 0; i < st->npending && !any; i++)
		any = st->pending[i].state == PENDING_ADDED &&
		      (st->pending[i].type == OB_EV_TICKET_OPENED ||
		       st->pending[i].type == OB_EV_TICKET_RESOLVED);
	if (!any)
		return 0;
	if (stage_pending(st, PENDING_ADDED, OB_EV_TICKET_OPENED,
			  OB_EV_TICKET_RESOLVED, err) < 0)
		return -1;
	for (int k = 0; k < 3; k++) {
		struct ob_stmt *s = stmt(st, steps[k], err);
		if (!s || step_done(st, s, err, "tracking tickets") < 0)
			return -1;
	}
	return 0;
}

/* Writes the pending events in key order, noting what they add up to. */
static int write_events(struct ob_store *st, struct ob_err *err)
{
	if (!st->npending)
		return 0;
	sort_pending(st);
	pick_bulk(st);
	if (write_bulk(st, err) < 0 || write_checked(st, err) < 0 ||
	    write_values(st, err) < 0 ||
	    (ob_sql_is_pg(&st->db) && track_tickets_pg(st, err) < 0))
		return -1;
	for (size_t i = 0; i < st->npending; i++) {
		const struct pending_event *e = &st->pending[i];
		const char *value = st->arena.data + e->value;
		if (e->state != PENDING_ADDED) {
			st->duplicates++;
			continue;
		}
		st->added++;
		if ((e->type == OB_EV_TICKET_OPENED ||
		     e->type == OB_EV_TICKET_RESOLVED) &&
		    !ob_sql_is_pg(&st->db) && track_ticket(st, e, value, err) < 0)
			return -1;
		if (st->nsums >= MAX_SUMMARIES &&
		    st->sums[st->nsums - 1].account != e->account &&
		    write_summaries(st, err) < 0)
			return -1;
		ob_summary_add(summary_of(st, e->account), e->type, e->at,
			       e->bare, value);
	}
	return 0;
}

static int cmp_link(const void *x, const void *y)
{
	const struct pending_link *a = x, *b = y;
	return strcmp(sort_arena + a->user, sort_arena + b->user);
}

/* The pending links, in the order of user_link's key. */
static int write_links(struct ob_store *st, struct ob_err *err)
{
	if (!st->nlinks)
		return 0;
	sort_arena = st->arena.data;
	qsort(st->links, st->nlinks, sizeof(*st->links), cmp_link);
	for (size_t i = 0; i < st->nlinks; i++) {
		const struct pending_link *l = &st->links[i];
		if (ob_store_user_link_write(st, st->arena.data + l->user,
					     l->account, l->at, err) < 0)
			return -1;
	}
	return 0;
}

/* The writer's work: the pending batch of events and links. */
static int write_batch(struct ob_store *st, struct ob_err *err)
{
	int ret =
	    write_events(st, err) < 0 || write_links(st, err) < 0 ? -1 : 0;
	st->npending = st->nlinks = 0;
	ob_buf_reset(&st->arena);
	return ret;
}

/*
 * Most values and ids are empty: all share the arena's first byte, which
 * stays in cache when the sorted batch is read in no arena order.
 */
static uint32_t arena_add(struct ob_buf *arena, const char *text)
{
	uint32_t at;
	if (!arena->len)
		ob_buf_add(arena, "", 1);
	if (!*text)
		return 0;
	at = (uint32_t)arena->len;
	ob_buf_add(arena, text, strlen(text) + 1);
	return at;
}

/*
 * Whether ev is certainly not stored before the transaction: its account
 * (the one ob_store_account_ref gave last, if it is ev's) has no event at
 * or after its instant, and no event at all if ev has an external id.
 */
static bool after_stored(const struct ob_store *st, const struct ob_event *ev)
{
	const struct ob_account_slot *a = &st->ref;
	if (a->rowid != ev->account)
		return false;
	if (*ev->ext_id && (a->flags & (OB_ACCOUNT_HAS_AT | OB_ACCOUNT_HAS_DAY)))
		return false;
	if (ev->bare)
		return !(a->flags & OB_ACCOUNT_HAS_DAY) ||
		       ev->at > a->last_day * OB_DAY_US;
	return !(a->flags & OB_ACCOUNT_HAS_AT) || ev->at > a->last_at;
}

int ob_store_event_add(struct ob_store *st, const struct ob_event *ev,
		       struct ob_err *err)
{
	struct pending_event *e;
	if ((st->nqueue == MAX_PENDING ||
	     st->queue_arena.len >= MAX_QUEUE_TEXT) &&
	    hand_off(st, err) < 0)
		return -1;
	ob_grow(&st->queue, &st->queue_cap, st->nqueue + 1,
		sizeof(*st->queue));
	e = &st->queue[st->nqueue++];
	e->account = ev->account;
	e->type = ev->type;
	e->at = ev->at;
	e->bare = ev->bare;
	e->state = after_stored(st, ev) ? PENDING_BULK : PENDING_CHECK;
	e->value = arena_add(&st->queue_arena, ev->value);
	e->ext_id = arena_add(&st->queue_arena, ev->ext_id);
	return 0;
}

/* The slot of user's link in the queue's index: empty when none. */
static uint32_t *link_slot(struct ob_store *st, const char *user)
{
	size_t i = ob_hash(user, strlen(user), 0) & (LINK_INDEX_CAP - 1);
	if (!st->link_index)
		st->link_index =
		    xcalloc(LINK_INDEX_CAP, sizeof(*st->link_index));
	while (st->link_index[i] &&
	       strcmp(st->queue_arena.data +
			  st->link_queue[st->link_index[i] - 1].user,
		      user) != 0)
		i = (i + 1) & (LINK_INDEX_CAP - 1);
	return &st->link_index[i];
}

const char *ob_store_user_queued(struct ob_store *st, const char *user)
{
	uint32_t *slot;
	if (!st->nlink_queue)
		return NULL;
	slot = link_slot(st, user);
	return *slot
		   ? st->queue_arena.data + st->link_queue[*slot - 1].account_id
		   : NULL;
}

/*
 * The slot of the user's hash h (never 0) among the linked users: a
 * free one when it is not there.
 */
static size_t linked_slot(struct ob_store *st, uint64_t h)
{
	size_t i = (size_t)(h >> 32) & (LINKED_SLOTS - 1);
	if (!st->linked_users) {
		st->linked_users =
		    xcalloc(LINKED_SLOTS, sizeof(*st->linked_users));
		st->linked_accounts =
		    xcalloc(LINKED_SLOTS, sizeof(*st->linked_accounts));
	}
	while (st->linked_users[i] && st->linked_users[i] != h)
		i = (i + 1) & (LINKED_SLOTS - 1);
	return i;
}

int ob_store_user_link(struct ob_store *st, const char *user,
		       const char *account_id, int64_t account,
		       int64_t linked_at, struct ob_err *err)
{
	uint64_t h = ob_hash_mix(ob_hash(user, strlen(user), 0)) | 1;
	size_t i = linked_slot(st, h);
	uint32_t *slot;
	struct pending_link *l;
	/* Rowids past 32 bits are not remembered: written every time. */
	bool small = account > 0 && account <= UINT32_MAX;
	if (st->linked_users[i] && small &&
	    st->linked_accounts[i] == (uint32_t)account)
		return 0; /* the first line's date stays */
	if (small && (st->linked_users[i] || st->nlinked < MAX_LINKED)) {
		st->nlinked += !st->linked_users[i];
		st->linked_users[i] = h;
		st->linked_accounts[i] = (uint32_t)account;
	}
	slot = link_slot(st, user);
	if (!*slot) {
		if (st->nlink_queue == MAX_LINKS ||
		    st->queue_arena.len >= MAX_QUEUE_TEXT) {
			if (hand_off(st, err) < 0)
				return -1;
			slot = link_slot(st, user);
		}
		if (!st->link_queue)
			st->link_queue =
			    xcalloc(MAX_LINKS, sizeof(*st->link_queue));
		l = &st->link_queue[st->nlink_queue++];
		*slot = (uint32_t)st->nlink_queue;
		l->user = arena_add(&st->queue_arena, user);
	} else {
		l = &st->link_queue[*slot - 1];
		/* Queued already (the set may be full): its date stays. */
		if (l->account == account)
			return 0;
	}
	l->account = account;
	l->account_id = arena_add(&st->queue_arena, account_id);
	l->at = linked_at;
	return 0;
}

int ob_store_events_flush(struct ob_store *st, int64_t *added,
			  int64_t *duplicates, struct ob_err *err)
{
	int ret = write_queue(st, err);
	*added = st->added;
	*duplicates = st->duplicates;
	st->added = st->duplicates = 0;
	return ret;
}

/* The bounds of "on or before day d": before cut_at, or cut_bare if bare. */
static void day_cutoffs(ob_day d, int64_t *at, int64_t *bare)
{
	*at = ob_day_local_start(d + 1);
	*bare = (d + 1) * OB_DAY_US;
}

/*
 * Where a type's details as of the cut-offs come from: NULL, a query of
 * the account's; else the row of PostgreSQL's cursor over every account
 * (columns AFTER_*), already at this account and type.
 */
enum {
	AFTER_LAST_AT = 3, /* logins, responses: the last before, timed */
	AFTER_LAST_BARE,   /* and given as a date */
	AFTER_FEATURES,    /* distinct features first seen before */
	AFTER_NPS,	   /* the latest NPS before: at, value, date, value */
};

/* The latest event of a type before the cut-off, timed or bare. */
static int last_before(struct ob_store *st, struct ob_stmt *row,
		       int64_t account, int type, bool bare, int64_t cut,
		       bool *found, int64_t *at, struct ob_err *err)
{
	struct ob_stmt *s = row;
	int col = row ? (bare ? AFTER_LAST_BARE : AFTER_LAST_AT) : 0;
	int rc = SQLITE_ROW;
	if (!s) {
		if (!(s = stmt(st, Q_LAST_BEFORE, err)))
			return -1;
		ob_sql_bind_int64(s, 1, account);
		ob_sql_bind_int64(s, 2, type);
		ob_sql_bind_int64(s, 3, bare);
		ob_sql_bind_int64(s, 4, cut);
		rc = ob_sql_step(s);
	}
	*found = rc == SQLITE_ROW && !ob_sql_column_null(s, col);
	*at = *found ? ob_sql_column_int64(s, col) : 0;
	if (!row)
		ob_sql_reset(s);
	return rc == SQLITE_ROW ? 0 : db_fail(st, rc, err, "reading signals");
}

/*
 * First and last logins or responses before the cut-offs: the first is
 * the summary's when that is before them (else there is none), the last
 * too, or one seek back from the cut-off.
 */
static int span_before(struct ob_store *st, struct ob_stmt *row,
		       int64_t account, int64_t cut_at, int64_t cut_bare,
		       const struct ob_span *sp, struct ob_type_signal *t,
		       struct ob_err *err)
{
	int64_t at;
	t->has_at = sp->has_at && sp->first_at < cut_at;
	t->first_at = sp->first_at;
	t->last_at = sp->last_at;
	if (t->has_at && sp->last_at >= cut_at &&
	    last_before(st, row, account, t->type, false, cut_at, &t->has_at,
			&t->last_at, err) < 0)
		return -1;
	t->has_day = sp->has_day && sp->first_day * OB_DAY_US < cut_bare;
	t->first_day = sp->first_day;
	t->last_day = sp->last_day;
	if (t->has_day && sp->last_day * OB_DAY_US >= cut_bare) {
		if (last_before(st, row, account, t->type, true, cut_bare,
				&t->has_day, &at, err) < 0)
			return -1;
		t->last_day = (ob_day)(at / OB_DAY_US);
	}
	return 0;
}

/*
 * Whether a type has details its count does not say (logins and
 * responses: first and last; NPS: the latest; features: how many
 * distinct) and events past the cut-offs, so that the summary's are
 * not the answer.
 */
static bool details_past(const struct ob_summary *sum,
			 const struct ob_type_signal *t)
{
	return (t->type == OB_EV_LOGIN || t->type == OB_EV_RESPONSE ||
		t->type == OB_EV_NPS || t->type == OB_EV_FEATURE_USED) &&
	       t->n != (int64_t)sum->known[t->type];
}

/*
 * A type's details as of the cut-offs: from the summary when none of its
 * events is past them (the counts agree), else from its events (row: as
 * for last_before).
 */
static int type_details(struct ob_store *st, struct ob_stmt *row,
			int64_t account, int64_t cut_at, int64_t cut_bare,
			const struct ob_summary *sum, struct ob_type_signal *t,
			struct ob_err *err)
{
	struct ob_stmt *s = row;
	int col = 0, rc = SQLITE_ROW;
	if (!details_past(sum, t)) {
		ob_summary_details(sum, t);
		return 0;
	}
	if (t->type == OB_EV_LOGIN || t->type == OB_EV_RESPONSE)
		return span_before(st, row, account, cut_at, cut_bare,
				   t->type == OB_EV_LOGIN ? &sum->login
							  : &sum->response,
				   t, err);
	if (row) {
		col = t->type == OB_EV_NPS ? AFTER_NPS : AFTER_FEATURES;
	} else {
		bool nps = t->type == OB_EV_NPS;
		if (!(s = stmt(st, nps ? Q_NPS_AS_OF : Q_FEATURES_AS_OF, err)))
			return -1;
		ob_sql_bind_int64(s, 1, account);
		ob_sql_bind_int64(s, 2, cut_at);
		ob_sql_bind_int64(s, 3, nps ? cut_bare : cut_bare / OB_DAY_US);
		rc = ob_sql_step(s);
	}
	if (rc == SQLITE_ROW && t->type == OB_EV_NPS)
		ob_latest_nps(!ob_sql_column_null(s, col),
			      ob_sql_column_int64(s, col),
			      (const char *)ob_sql_column_text(s, col + 1),
			      !ob_sql_column_null(s, col + 2),
			      (ob_day)(ob_sql_column_int64(s, col + 2) /
				       OB_DAY_US),
			      (const char *)ob_sql_column_text(s, col + 3), t);
	else if (rc == SQLITE_ROW)
		t->distinct_values = ob_sql_column_int64(s, col);
	if (!row)
		ob_sql_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE
		       ? 0
		       : db_fail(st, rc, err, "reading signals");
}

/*
 * Takes n events of type from the counts at or after set->items[*k]
 * (types come in increasing order; *k moves on past smaller ones): the
 * type's item, NULL when the set has none.
 */
static struct ob_type_signal *take_after(struct ob_signal_set *set, size_t *k,
					 size_t end, int type, int64_t n)
{
	while (*k < end && set->items[*k].type < type)
		++*k;
	if (*k == end || set->items[*k].type != type)
		return NULL;
	set->items[*k].n -= n;
	return &set->items[*k];
}

/*
 * Takes the events from the cut-offs on from the counts of up to
 * COUNT_TYPES types of the set, from the from-th on (in type order).
 */
static int count_after(struct ob_store *st, int64_t account, int64_t cut_at,
		       int64_t cut_bare, struct ob_signal_set *set,
		       size_t from, struct ob_err *err)
{
	size_t n = set->n - from < COUNT_TYPES ? set->n - from : COUNT_TYPES;
	struct ob_stmt *s = stmt(st, Q_COUNT_AFTER + (int)n - 1, err);
	int rc;
	if (!s)
		return -1;
	ob_sql_bind_int64(s, 1, account);
	ob_sql_bind_int64(s, 2, cut_at);
	ob_sql_bind_int64(s, 3, cut_bare);
	for (size_t k = 0; k < n; k++)
		ob_sql_bind_int64(s, (int)(4 + k), set->items[from + k].type);
	/* A row per type, its type NULL when none is after the cut-offs. */
	while ((rc = ob_sql_step(s)) == SQLITE_ROW) {
		int type = ob_sql_column_int(s, 0);
		for (size_t k = from; k < from + n; k++)
			if (set->items[k].type == type) {
				set->items[k].n -= ob_sql_column_int64(s, 1);
				break;
			}
	}
	ob_sql_reset(s);
	return rc == SQLITE_DONE ? 0 : db_fail(st, rc, err, "reading signals");
}

/*
 * The signals as of the cut-offs of an account with events after them:
 * its summary's counts less the events from the cut-offs on (one seek per
 * type, so an account's long history costs nothing), then per type what
 * the counts do not tell.
 */
struct ob_stream;
static int stream_after(struct ob_stream *x, int64_t account,
			const struct ob_summary *sum, struct ob_signal_set *set,
			struct ob_err *err);

/*
 * x: a stream whose counts from the day on, and the details they change,
 * come from one cursor over every account (PostgreSQL's); NULL for
 * queries of this account's.
 */
static int signals_before(struct ob_store *st, struct ob_stream *x,
			  int64_t account, int64_t cut_at, int64_t cut_bare,
			  const struct ob_summary *sum, uint32_t types,
			  struct ob_signal_set *out, struct ob_err *err)
{
	size_t ntypes = OB_EV_NKNOWN + sum->ncustom;
	out->items = xcalloc(ntypes, sizeof(*out->items));
	/* An account that began after the day asked has nothing to read. */
	if (!(sum->any.has_at && sum->any.first_at < cut_at) &&
	    !(sum->any.has_day &&
	      (int64_t)sum->any.first_day * OB_DAY_US < cut_bare))
		return 0;
	/* In type order, as ob_summary_signals gives them. */
	for (size_t i = 1; i < ntypes; i++) {
		int type;
		int64_t n = ob_summary_nth(sum, i, &type);
		struct ob_type_signal *t;
		/* A seek each: only the types asked for. */
		if (!n || !(types & (type < OB_EV_NKNOWN ? (uint32_t)1 << type
							  : OB_NEED_CUSTOM)))
			continue;
		t = &out->items[out->n++];
		t->type = type;
		t->type_name = type_name(st, type);
		if (!t->type_name)
			t->type_name = "";
		t->n = n;
	}
	if (x) {
		if (stream_after(x, account, sum, out, err) < 0)
			goto fail;
	} else {
		for (size_t from = 0; from < out->n; from += COUNT_TYPES)
			if (count_after(st, account, cut_at, cut_bare, out,
					from, err) < 0)
				goto fail;
	}
	/* Types with nothing left before the day are not there. */
	{
		size_t kept = 0;
		for (size_t i = 0; i < out->n; i++)
			if (out->items[i].n > 0)
				out->items[kept++] = out->items[i];
		out->n = kept;
	}
	for (size_t i = 0; i < out->n; i++)
		if (!(x && details_past(sum, &out->items[i])) &&
		    type_details(st, NULL, account, cut_at, cut_bare, sum,
				 &out->items[i], err) < 0)
			goto fail;
	return 0;
fail:
	ob_signal_set_release(out);
	return -1;
}

/* Writes what is pending, so that reads see it. */
static int write_pending(struct ob_store *st, struct ob_err *err)
{
	return write_queue(st, err) < 0 || write_summaries(st, err) < 0 ? -1
									: 0;
}

/*
 * The account's signals per type, from its events whose local date is on
 * or before as_of. When every event of the account is, they come from the
 * `signal` summary; otherwise they are computed from the events, of the
 * types asked for.
 */
static int store_signals(struct ob_store *st, int64_t account, ob_day as_of,
			 uint32_t types, struct ob_signal_set *out,
			 struct ob_err *err)
{
	struct ob_summary sum = {0};
	struct ob_stmt *s;
	int64_t cut_at, cut_bare;
	int rc;

	memset(out, 0, sizeof(*out));
	if (write_pending(st, err) < 0 || load_custom_types(st, err) < 0)
		return -1;
	day_cutoffs(as_of, &cut_at, &cut_bare);
	if (!(s = stmt(st, Q_SIGNAL_GET, err)))
		return -1;
	ob_sql_bind_int64(s, 1, account);
	rc = ob_sql_step(s);
	if (rc == SQLITE_ROW)
		read_summary(s, &sum);
	ob_sql_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(st, rc, err, "reading signals");
	if (ob_summary_current(&sum, as_of, cut_at)) {
		ob_summary_signals(&sum, type_name, st, out);
		ob_summary_release(&sum);
		return 0;
	}
	/* Some events are after the day asked: go to those. */
	rc = signals_before(st, NULL, account, cut_at, cut_bare, &sum, types,
			    out, err);
	ob_summary_release(&sum);
	return rc;
}

int ob_store_count_events(struct ob_store *st, int64_t account, int type,
			  ob_day from, ob_day to, int64_t *count,
			  struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_COUNT_RANGE, err);
	int64_t from_at, from_bare, to_at, to_bare;
	int rc;
	if (!s)
		return -1;
	day_cutoffs(from - 1, &from_at, &from_bare);
	day_cutoffs(to, &to_at, &to_bare);
	ob_sql_bind_int64(s, 1, account);
	ob_sql_bind_int64(s, 2, type);
	ob_sql_bind_int64(s, 3, from_at);
	ob_sql_bind_int64(s, 4, to_at);
	ob_sql_bind_int64(s, 5, from_bare);
	ob_sql_bind_int64(s, 6, to_bare);
	rc = ob_sql_step(s);
	*count = rc == SQLITE_ROW ? ob_sql_column_int64(s, 0) : 0;
	ob_sql_reset(s);
	return rc == SQLITE_ROW ? 0 : db_fail(st, rc, err, "counting events");
}

/*
 * The opening at s's columns col.. (at, bare, and its ticket's latest
 * resolutions with a time and as a date), when it is open in the
 * reader's zone.
 */
static bool opening_open(struct ob_stmt *s, int col, int64_t *at, bool *bare)
{
	*at = ob_sql_column_int64(s, col);
	*bare = ob_sql_column_int(s, col + 1) != 0;
	return ob_ticket_open(*at, *bare,
			      !ob_sql_column_null(s, col + 2),
			      ob_sql_column_int64(s, col + 2),
			      !ob_sql_column_null(s, col + 3),
			      (ob_day)ob_sql_column_int64(s, col + 3));
}

int ob_store_first_event_day(struct ob_store *st, int64_t account, int type,
			     const char *value, ob_day as_of, ob_day *day,
			     struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_FIRST_EVENT, err);
	int64_t cut_at, cut_bare;
	bool found;
	int rc;
	if (!s)
		return -1;
	day_cutoffs(as_of, &cut_at, &cut_bare);
	ob_sql_bind_int64(s, 1, account);
	ob_sql_bind_int64(s, 2, type);
	bind_text(s, 3, value);
	ob_sql_bind_int64(s, 4, cut_at);
	ob_sql_bind_int64(s, 5, cut_bare);
	rc = ob_sql_step(s);
	if (rc != SQLITE_ROW) {
		ob_sql_reset(s);
		return db_fail(st, rc, err, "reading events");
	}
	found = false;
	for (int col = 0; col < 2; col++) {
		ob_day d;
		if (ob_sql_column_null(s, col))
			continue;
		d = ob_time_local_day(ob_sql_column_int64(s, col), col == 1);
		if (!found || d < *day)
			*day = d;
		found = true;
	}
	ob_sql_reset(s);
	return found ? 0 : 1;
}

/* --- what the metrics are made of ------------------------------------- */

void ob_account_data_release(struct ob_account_data *d)
{
	ob_signal_set_release(&d->signals);
	for (size_t i = 0; i < d->nmilestones; i++)
		free(d->milestones[i]);
	free(d->milestones);
	free(d->milestone_days);
	free(d->tickets);
	for (size_t i = 0; i < d->nactions; i++)
		free(d->actions[i].checkin);
	free(d->actions);
	memset(d, 0, sizeof(*d));
}

/*
 * The milestone of s's row (value at col, then its first sightings with
 * a time and as a date), with the local date it was first seen before
 * the cut-offs: what ob_store_first_event_day says of it, without asking.
 */
static void milestone_add(struct ob_account_data *d, const char *value,
			  bool has_at, int64_t first_at, bool has_day,
			  int64_t first_day, int64_t cut_at, int64_t cut_bare)
{
	ob_day day = 0;
	bool found = false;
	size_t n = d->nmilestones;
	if (has_at && first_at < cut_at) {
		day = ob_time_local_day(first_at, false);
		found = true;
	}
	if (has_day && first_day < cut_bare / OB_DAY_US) {
		ob_day bare = ob_time_local_day(first_day * OB_DAY_US, true);
		if (!found || bare < day)
			day = bare;
	}
	d->milestones = xrealloc(d->milestones, (n + 1) * sizeof(char *));
	d->milestone_days =
		xrealloc(d->milestone_days, (n + 1) * sizeof(ob_day));
	d->milestones[n] = xstrdup(value);
	d->milestone_days[n] = day;
	d->nmilestones++;
}

static void add_milestone(struct ob_account_data *d, struct ob_stmt *s,
			  int col, int64_t cut_at, int64_t cut_bare)
{
	milestone_add(d, (const char *)ob_sql_column_text(s, col),
		      !ob_sql_column_null(s, col + 1),
		      ob_sql_column_int64(s, col + 1),
		      !ob_sql_column_null(s, col + 2),
		      ob_sql_column_int64(s, col + 2), cut_at, cut_bare);
}

static void add_ticket(struct ob_account_data *d, int64_t at, bool bare)
{
	d->tickets = xrealloc(d->tickets, (d->ntickets + 1) * sizeof(*d->tickets));
	d->tickets[d->ntickets].at = at;
	d->tickets[d->ntickets].bare = bare;
	d->ntickets++;
}

static void add_open_ticket(struct ob_account_data *d, struct ob_stmt *s,
			    int col)
{
	int64_t at;
	bool bare;
	if (opening_open(s, col, &at, &bare))
		add_ticket(d, at, bare);
}

/* Reads the action at statement s's columns 0.. into d. */
static void add_action(struct ob_account_data *d, struct ob_stmt *s, int col)
{
	struct ob_checkin_action *a;
	ob_grow(&d->actions, &d->actions_cap, d->nactions + 1, sizeof(*a));
	a = &d->actions[d->nactions++];
	a->checkin = column_text(s, col);
	a->action = action_name(ob_sql_column_text(s, col + 1));
	a->day = column_date(s, col + 2);
	a->until = column_date(s, col + 3);
	/* channel and note stay NULL: the scheduler does not read them. */
}

static int collect_ticket(void *ctx, int64_t at, bool bare)
{
	add_ticket(ctx, at, bare);
	return 0;
}

static bool set_has(const struct ob_signal_set *set, int type)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->items[i].type == type)
			return true;
	return false;
}

/* Whether a value first seen at s's columns col.. is before the cut-offs. */
static bool seen_before(struct ob_stmt *s, int col, int64_t cut_at,
			int64_t cut_bare)
{
	return (!ob_sql_column_null(s, col) &&
		ob_sql_column_int64(s, col) < cut_at) ||
	       (!ob_sql_column_null(s, col + 1) &&
		ob_sql_column_int64(s, col + 1) < cut_bare / OB_DAY_US);
}

/*
 * An account's milestones and tickets as of a day: from the summaries
 * when its signals are current, else as of the day (milestones from
 * when each was first seen, the tickets from their events, when it has
 * any by then).
 */
static int milestones_and_tickets(struct ob_store *st, int64_t account,
				  ob_day as_of, struct ob_account_data *d,
				  struct ob_err *err)
{
	bool now = d->signals.from_summary;
	int64_t cut_at, cut_bare;
	struct ob_stmt *s;
	int rc;
	day_cutoffs(as_of, &cut_at, &cut_bare);
	if (now || set_has(&d->signals, OB_EV_MILESTONE)) {
		if (!(s = stmt(st, now ? Q_MILESTONES_NOW : Q_MILESTONES_AS_OF,
			       err)))
			return -1;
		ob_sql_bind_int64(s, 1, account);
		if (!now) {
			ob_sql_bind_int64(s, 2, cut_at);
			ob_sql_bind_int64(s, 3, cut_bare / OB_DAY_US);
		}
		while ((rc = ob_sql_step(s)) == SQLITE_ROW)
			add_milestone(d, s, 0, cut_at, cut_bare);
		ob_sql_reset(s);
		if (rc != SQLITE_DONE)
			return db_fail(st, rc, err, "reading milestones");
	}
	if (!now)
		return set_has(&d->signals, OB_EV_TICKET_OPENED)
			       ? ob_store_open_tickets(st, account, as_of,
						       collect_ticket, d, err)
			       : 0;
	if (!(s = stmt(st, Q_TICKETS_NOW, err)))
		return -1;
	ob_sql_bind_int64(s, 1, account);
	while ((rc = ob_sql_step(s)) == SQLITE_ROW)
		add_open_ticket(d, s, 0);
	ob_sql_reset(s);
	if (rc != SQLITE_DONE)
		return db_fail(st, rc, err, "reading tickets");
	return 0;
}

/*
 * The logins in the seven days to as_of, counted up to cap, when the
 * account's signals tell them: none when it has no login in them (most
 * accounts), one when that is all that counts, and every one when its
 * first login is in them. Otherwise (false) a read of its events does.
 */
static bool logins_week_known(const struct ob_account_data *d, ob_day as_of,
			      int64_t cap, int64_t *count)
{
	*count = 0;
	for (size_t i = 0; i < d->signals.n && cap > 0; i++) {
		const struct ob_type_signal *t = &d->signals.items[i];
		ob_day first, last;
		if (t->type != OB_EV_LOGIN)
			continue;
		first = t->has_at ? ob_time_local_day(t->first_at, false) : 0;
		last = t->has_at ? ob_time_local_day(t->last_at, false) : 0;
		if (t->has_day && (!t->has_at || t->first_day < first))
			first = t->first_day;
		if (t->has_day && (!t->has_at || t->last_day > last))
			last = t->last_day;
		if (last < as_of - 6)
			return true;
		if (cap > 1 && first < as_of - 6)
			return false;
		*count = cap == 1 ? 1 : t->n;
		return true;
	}
	return true;
}

int ob_store_account_data(struct ob_store *st, int64_t account, ob_day as_of,
			  const struct ob_needs *needs,
			  struct ob_account_data *out, struct ob_err *err)
{
	struct ob_stmt *s;
	int rc;
	memset(out, 0, sizeof(*out));
	if (store_signals(st, account, as_of, needs->types, &out->signals,
			  err) < 0 ||
	    milestones_and_tickets(st, account, as_of, out, err) < 0 ||
	    (!logins_week_known(out, as_of, needs->logins_7d,
				&out->logins_7d) &&
	     ob_store_count_events(st, account, OB_EV_LOGIN, as_of - 6, as_of,
				   &out->logins_7d, err) < 0))
		goto fail;
	if (!(s = stmt(st, Q_CHECKIN_ACTIONS, err)))
		goto fail;
	ob_sql_bind_int64(s, 1, account);
	bind_date(s, 2, as_of);
	while ((rc = ob_sql_step(s)) == SQLITE_ROW)
		add_action(out, s, 0);
	ob_sql_reset(s);
	if (rc != SQLITE_DONE) {
		db_fail(st, rc, err, "reading check-ins");
		goto fail;
	}
	return 0;
fail:
	ob_account_data_release(out);
	return -1;
}

/*
 * A stream reads the summary tables in account order, one cursor each,
 * and hands out each account's rows as they pass.
 */
struct cursor {
	struct ob_stmt *s;
	bool row; /* s holds a row */
};

struct ob_stream {
	struct ob_store *st;
	ob_day as_of;
	int64_t cut_at, cut_bare;
	struct cursor signals, milestones, tickets, actions;
	/*
	 * PostgreSQL: every account's events from the day on, by type, one
	 * cursor instead of a query (a round trip) per account; opened by
	 * the first account that has any, so today's lists never read it.
	 */
	struct cursor after;
	/* PostgreSQL: the ticket openings before the day of the accounts
	 * with events after it, as history_tickets pairs them; likewise. */
	struct cursor openings;
	struct cursor logins; /* and the logins of the week to the day */
	bool pg_after;
	int64_t last; /* the account streamed last */
};

#define NPS_BEFORE(column, bare, cut)                                           \
	"CASE WHEN g.type = 12 THEN (SELECT " column " FROM event n WHERE "     \
	"n.account = g.account AND n.type = 12 AND n.bare = " bare " AND "     \
	"n.at < " cut " ORDER BY n.at DESC, CAST(n.value AS INTEGER) DESC "     \
	"LIMIT 1) END"

/*
 * Q_COUNT_AFTER for every account at once, with what type_details would
 * ask of each type counted (columns AFTER_*): seeks on the server, not a
 * round trip each. A CASE evaluates its subquery only for the types that
 * need it.
 */
static const char *const after_sql =
	"SELECT g.account, g.type, g.n, "
	"CASE WHEN g.type IN (1, 3) THEN (SELECT max(at) FROM event e "
	"WHERE e.account = g.account AND e.type = g.type AND e.bare = 0 AND "
	"e.at < ?1) END, "
	"CASE WHEN g.type IN (1, 3) THEN (SELECT max(at) FROM event e "
	"WHERE e.account = g.account AND e.type = g.type AND e.bare = 1 AND "
	"e.at < ?2) END, "
	"CASE WHEN g.type = 2 THEN (SELECT count(*) FROM signal_value v "
	"WHERE v.type = 2 AND v.account = g.account AND (v.first_at < ?1 OR "
	"v.first_day <= ?3)) END, "
	/* Q_NPS_AS_OF's halves, a column each: a lateral join cost every row
	 * a loop (0.2 s of 0.8 at 1M as of 2026-09-22) */
	NPS_BEFORE("at", "0", "?1") ", " NPS_BEFORE("value", "0", "?1") ", "
	NPS_BEFORE("at", "1", "?2") ", " NPS_BEFORE("value", "1", "?2") " "
	"FROM (SELECT account, type, "
	"count(*) AS n FROM event WHERE at >= least(?1, ?2) AND (bare = 0 AND "
	"at >= ?1 OR bare = 1 AND at >= ?2) GROUP BY account, type) g "
	"ORDER BY g.account, g.type";

/*
 * The ticket openings before the day of every account whose signals are
 * not current, with their latest resolutions before it (history_tickets
 * in SQL): seeks on the server.
 */
static const char *const openings_sql =
	"SELECT o.account, o.at, o.bare, (SELECT max(r.at) FROM event r "
	"WHERE r.account = o.account AND r.type = 10 AND r.value = o.value AND "
	"r.bare = 0 AND r.at < ?1), (SELECT max(r.at) / " DAY_US_TEXT " "
	"FROM event r WHERE r.account = o.account AND r.type = 10 AND "
	"r.value = o.value AND r.bare = 1 AND r.at < ?2) "
	"FROM event o JOIN signal s ON s.account = o.account AND "
	"(s.last_at >= ?1 OR s.last_day > ?3) WHERE o.type = 9 AND "
	"o.at < greatest(?1, ?2) AND "
	"(o.bare = 0 AND o.at < ?1 OR o.bare = 1 AND o.at < ?2) "
	"ORDER BY o.account, o.at, o.bare";

/*
 * Q_COUNT_RANGE of logins in the week to the day, for every account
 * whose last login, now, is in it or later.
 */
static const char *const logins_sql =
	"SELECT s.account, (SELECT count(*) FROM event e WHERE "
	"e.account = s.account AND e.type = 1 AND e.at >= least(?4, ?5) AND "
	"e.at < greatest(?1, ?2) AND (e.bare = 0 AND e.at >= ?4 AND "
	"e.at < ?1 OR e.bare = 1 AND e.at >= ?5 AND e.at < ?2)) FROM signal s "
	"WHERE s.login_last_at >= ?4 OR s.login_last_day >= ?6 "
	"ORDER BY s.account";

static const char *const stream_sql[4] = {
	"SELECT " SIGNAL_COLUMNS " FROM signal ORDER BY account",
	"SELECT account, value, first_at, first_day FROM signal_value "
	"WHERE type = 11 ORDER BY account, value",
	"SELECT account, at, bare, resolved_at, resolved_day FROM ticket_open "
	"ORDER BY account, ref, at, bare, ext_id",
	"SELECT account, checkin, action, day, until_day "
	"FROM checkin_action WHERE day <= ?1 ORDER BY account, day, id",
};

static int cursor_step(struct ob_store *st, struct cursor *c,
		       struct ob_err *err)
{
	int rc = ob_sql_step(c->s);
	c->row = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(st, rc, err, "reading signals");
	return 0;
}

/* Moves a cursor past the accounts before `account`. */
static int cursor_seek(struct ob_store *st, struct cursor *c, int64_t account,
		       struct ob_err *err)
{
	while (c->row && ob_sql_column_int64(c->s, 0) < account)
		if (cursor_step(st, c, err) < 0)
			return -1;
	return 0;
}

static bool cursor_at(const struct cursor *c, int64_t account)
{
	return c->row && ob_sql_column_int64(c->s, 0) == account;
}

void ob_store_stream_close(struct ob_stream *x)
{
	if (!x)
		return;
	ob_sql_finalize(x->after.s);
	ob_sql_finalize(x->openings.s);
	ob_sql_finalize(x->logins.s);
	ob_sql_finalize(x->signals.s);
	ob_sql_finalize(x->milestones.s);
	ob_sql_finalize(x->tickets.s);
	ob_sql_finalize(x->actions.s);
	free(x);
}

int ob_store_stream_open(struct ob_store *st, ob_day as_of,
			 struct ob_stream **out, struct ob_err *err)
{
	struct ob_stream *x = xcalloc(1, sizeof(*x));
	struct cursor *cursors[4] = {&x->signals, &x->milestones, &x->tickets,
				     &x->actions};
	x->st = st;
	x->as_of = as_of;
	x->pg_after = ob_sql_is_pg(&st->db);
	day_cutoffs(as_of, &x->cut_at, &x->cut_bare);
	if (write_pending(st, err) < 0 || load_custom_types(st, err) < 0)
		goto fail;
	for (int i = 0; i < 4; i++) {
		int rc = ob_sql_prepare_stream(&st->db, stream_sql[i],
					       &cursors[i]->s);
		if (rc != SQLITE_OK) {
			db_fail(st, rc, err, "preparing a query");
			goto fail;
		}
		if (i == 3)
			bind_date(cursors[i]->s, 1, as_of);
		if (cursor_step(x->st, cursors[i], err) < 0)
			goto fail;
	}
	*out = x;
	return 0;
fail:
	ob_store_stream_close(x);
	return -1;
}

/*
 * Opens c, a cursor over every account, when first read, then moves it
 * to account. Its text's parameters: ?1, ?2 the stream's cut-offs, ?3 its
 * day, ?4, ?5 the cut-offs of the week's first day (the day before it),
 * ?6 that day.
 */
static int lazy_seek(struct ob_stream *x, struct cursor *c, const char *text,
		     int64_t account, struct ob_err *err)
{
	if (!c->s) {
		int64_t week_at, week_bare;
		int rc = ob_sql_prepare_stream(&x->st->db, text, &c->s);
		if (rc != SQLITE_OK)
			return db_fail(x->st, rc, err, "preparing a query");
		day_cutoffs(x->as_of - 7, &week_at, &week_bare);
		/* What a text does not name, PostgreSQL's binding drops. */
		ob_sql_bind_int64(c->s, 1, x->cut_at);
		ob_sql_bind_int64(c->s, 2, x->cut_bare);
		ob_sql_bind_int64(c->s, 3, x->as_of);
		ob_sql_bind_int64(c->s, 4, week_at);
		ob_sql_bind_int64(c->s, 5, week_bare);
		ob_sql_bind_int64(c->s, 6, x->as_of - 6);
		if (cursor_step(x->st, c, err) < 0)
			return -1;
	}
	return cursor_seek(x->st, c, account, err);
}

static int stream_after(struct ob_stream *x, int64_t account,
			const struct ob_summary *sum, struct ob_signal_set *set,
			struct ob_err *err)
{
	size_t k = 0;
	if (lazy_seek(x, &x->after, after_sql, account, err) < 0)
		return -1;
	for (; cursor_at(&x->after, account);) {
		struct ob_type_signal *t =
			take_after(set, &k, set->n,
				   ob_sql_column_int(x->after.s, 1),
				   ob_sql_column_int64(x->after.s, 2));
		if ((t && type_details(x->st, x->after.s, account,
				       x->cut_at, x->cut_bare, sum, t,
				       err) < 0) ||
		    cursor_step(x->st, &x->after, err) < 0)
			return -1;
	}
	return 0;
}

/* The logins in the week, when logins_week_known cannot tell them. */
static int stream_logins_week(struct ob_stream *x, int64_t account,
			      struct ob_account_data *out, struct ob_err *err)
{
	if (!x->pg_after)
		return ob_store_count_events(x->st, account, OB_EV_LOGIN,
					     x->as_of - 6, x->as_of,
					     &out->logins_7d, err);
	if (lazy_seek(x, &x->logins, logins_sql, account, err) < 0)
		return -1;
	/* Its last login now is no earlier than as of the day: it is there. */
	if (cursor_at(&x->logins, account))
		out->logins_7d = ob_sql_column_int64(x->logins.s, 1);
	return 0;
}

/* The tickets open as of the day of an account with events after it. */
static int stream_open_tickets(struct ob_stream *x, int64_t account,
			       struct ob_account_data *out, struct ob_err *err)
{
	if (!x->pg_after)
		return ob_store_open_tickets(x->st, account, x->as_of,
					     collect_ticket, out, err);
	if (lazy_seek(x, &x->openings, openings_sql, account, err) < 0)
		return -1;
	for (; cursor_at(&x->openings, account);) {
		add_open_ticket(out, x->openings.s, 1);
		if (cursor_step(x->st, &x->openings, err) < 0)
			return -1;
	}
	return 0;
}

int ob_store_stream_account(struct ob_stream *x, int64_t account,
			    const struct ob_needs *needs,
			    struct ob_account_data *out, struct ob_err *err)
{
	struct ob_signal_set *set = &out->signals;
	struct ob_summary sum = {0};
	bool current;

	/* The cursors have passed it. */
	if (account <= x->last)
		return ob_store_account_data(x->st, account, x->as_of, needs,
					     out, err);
	x->last = account;
	memset(out, 0, sizeof(*out));
	if (cursor_seek(x->st, &x->signals, account, err) < 0 ||
	    cursor_seek(x->st, &x->milestones, account, err) < 0 ||
	    cursor_seek(x->st, &x->tickets, account, err) < 0 ||
	    cursor_seek(x->st, &x->actions, account, err) < 0)
		goto fail;
	if (cursor_at(&x->signals, account)) {
		read_summary(x->signals.s, &sum);
		if (cursor_step(x->st, &x->signals, err) < 0)
			goto fail;
	}
	current = ob_summary_current(&sum, x->as_of, x->cut_at);
	/* Events after the day asked: this one's signals as of the day. */
	if (current)
		ob_summary_signals(&sum, type_name, x->st, set);
	else if (signals_before(x->st, x->pg_after ? x : NULL, account,
				x->cut_at, x->cut_bare, &sum, needs->types,
				set, err) < 0)
		goto fail;
	ob_summary_release(&sum);
	for (; cursor_at(&x->actions, account);) {
		add_action(out, x->actions.s, 1);
		if (cursor_step(x->st, &x->actions, err) < 0)
			goto fail;
	}
	for (; cursor_at(&x->milestones, account);) {
		if (current || seen_before(x->milestones.s, 2, x->cut_at,
					   x->cut_bare))
			add_milestone(out, x->milestones.s, 1, x->cut_at,
				      x->cut_bare);
		if (cursor_step(x->st, &x->milestones, err) < 0)
			goto fail;
	}
	/* The open tickets of now, or as of the day from their events. */
	for (; cursor_at(&x->tickets, account);) {
		if (current)
			add_open_ticket(out, x->tickets.s, 1);
		if (cursor_step(x->st, &x->tickets, err) < 0)
			goto fail;
	}
	if ((!current && set_has(set, OB_EV_TICKET_OPENED) &&
	     stream_open_tickets(x, account, out, err) < 0) ||
	    (!logins_week_known(out, x->as_of, needs->logins_7d,
				&out->logins_7d) &&
	     stream_logins_week(x, account, out, err) < 0))
		goto fail;
	return 0;
fail:
	ob_summary_release(&sum);
	ob_account_data_release(out);
	return -1;
}

/*
 * A history reads every event and check-in action in account order, in
 * one pass, and holds one account's at a time: its data as of any day is
 * then folded from them in memory (the summary by ob_summary_add, as the
 * import folds it), with no query per day.
 */
struct history_event {
	int type;
	bool bare;
	int64_t at;
	size_t value; /* offset in text */
};

struct ob_history {
	struct ob_store *st;
	struct cursor events, actions;
	int64_t account; /* the account held, 0 before the first */
	struct history_event *ev;
	size_t nev, ev_cap;
	struct ob_buf text;
	struct ob_account_data held; /* only its actions, every day's */
};

static const char *const history_sql[2] = {
	"SELECT account, type, at, bare, value FROM event "
	"ORDER BY account, type, at, bare, value",
	"SELECT account, checkin, action, day, until_day FROM checkin_action "
	"ORDER BY account, day, id",
};

void ob_store_history_close(struct ob_history *h)
{
	if (!h)
		return;
	ob_sql_finalize(h->events.s);
	ob_sql_finalize(h->actions.s);
	free(h->ev);
	ob_buf_release(&h->text);
	ob_account_data_release(&h->held);
	free(h);
}

/* Adds the event at s's columns col.. (type, at, bare, value). */
static void history_add(struct ob_history *h, struct ob_stmt *s, int col)
{
	struct history_event *e;
	ob_grow(&h->ev, &h->ev_cap, h->nev + 1, sizeof(*h->ev));
	e = &h->ev[h->nev++];
	e->type = ob_sql_column_int(s, col);
	e->at = ob_sql_column_int64(s, col + 1);
	e->bare = ob_sql_column_int(s, col + 2) != 0;
	e->value = h->text.len;
	ob_buf_adds(&h->text, (const char *)ob_sql_column_text(s, col + 3));
	ob_buf_addc(&h->text, '\0');
}

int ob_store_history_open(struct ob_store *st, struct ob_history **out,
			  struct ob_err *err)
{
	struct ob_history *h = xcalloc(1, sizeof(*h));
	struct cursor *cursors[2] = {&h->events, &h->actions};
	h->st = st;
	if (write_pending(st, err) < 0 || load_custom_types(st, err) < 0)
		goto fail;
	for (int i = 0; i < 2; i++) {
		int rc = ob_sql_prepare_stream(&st->db, history_sql[i],
					       &cursors[i]->s);
		if (rc != SQLITE_OK) {
			db_fail(st, rc, err, "preparing a query");
			goto fail;
		}
		if (cursor_step(st, cursors[i], err) < 0)
			goto fail;
	}
	*out = h;
	return 0;
fail:
	ob_store_history_close(h);
	return -1;
}

int ob_store_history_account(struct ob_history *h, int64_t account,
			     struct ob_err *err)
{
	struct ob_store *st = h->st;
	if (account <= h->account)
		return ob_fail(err, OB_EFAIL,
			       "internal: accounts out of rowid order in a "
			       "history (%lld after %lld)",
			       (long long)account, (long long)h->account);
	h->account = account;
	h->nev = 0;
	ob_buf_reset(&h->text);
	ob_account_data_release(&h->held);
	if (cursor_seek(st, &h->events, account, err) < 0 ||
	    cursor_seek(st, &h->actions, account, err) < 0)
		return -1;
	for (; cursor_at(&h->events, account);) {
		history_add(h, h->events.s, 1);
		if (cursor_step(st, &h->events, err) < 0)
			return -1;
	}
	for (; cursor_at(&h->actions, account);) {
		add_action(&h->held, h->actions.s, 1);
		if (cursor_step(st, &h->actions, err) < 0)
			return -1;
	}
	return 0;
}

/* Whether an event is before the cut-offs: on or before their day. */
static bool history_before(const struct history_event *e, int64_t cut_at,
			   int64_t cut_bare)
{
	return e->at < (e->bare ? cut_bare : cut_at);
}

/*
 * The tickets open as of the cut-offs: each opening before them, with
 * its ticket's latest resolutions before them (fn for each; its
 * non-zero return stops the walk and is returned).
 */
/* A ticket's resolution before the cut-offs, by ticket. */
struct resolution {
	const char *ref;
	int64_t at;
	bool bare;
};

static int cmp_resolution(const void *a, const void *b)
{
	return strcmp(((const struct resolution *)a)->ref,
		      ((const struct resolution *)b)->ref);
}

static int history_tickets(const struct ob_history *h, int64_t cut_at,
			   int64_t cut_bare,
			   int (*fn)(void *ctx, int64_t at, bool bare),
			   void *ctx)
{
	struct resolution *res = NULL;
	size_t nres = 0, cap = 0;
	int stop = 0;
	for (size_t i = 0; i < h->nev; i++) {
		const struct history_event *r = &h->ev[i];
		if (r->type != OB_EV_TICKET_RESOLVED ||
		    !history_before(r, cut_at, cut_bare))
			continue;
		ob_grow(&res, &cap, nres + 1, sizeof(*res));
		res[nres++] = (struct resolution){h->text.data + r->value,
						  r->at, r->bare};
	}
	/* By ticket, so that an account of many tickets is not n^2. */
	if (nres > 1)
		qsort(res, nres, sizeof(*res), cmp_resolution);
	for (size_t i = 0; !stop && i < h->nev; i++) {
		const struct history_event *o = &h->ev[i];
		const char *ref = h->text.data + o->value;
		bool has_at = false, has_day = false;
		int64_t res_at = 0, res_day = 0;
		size_t lo = 0, hi = nres;
		if (o->type != OB_EV_TICKET_OPENED ||
		    !history_before(o, cut_at, cut_bare))
			continue;
		/* The ticket's first resolution, then each of its others. */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(res[mid].ref, ref) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < nres && strcmp(res[lo].ref, ref) == 0; lo++) {
			const struct resolution *r = &res[lo];
			if (r->bare && (!has_day || r->at / OB_DAY_US > res_day)) {
				has_day = true;
				res_day = r->at / OB_DAY_US;
			} else if (!r->bare && (!has_at || r->at > res_at)) {
				has_at = true;
				res_at = r->at;
			}
		}
		if (ob_ticket_open(o->at, o->bare, has_at, res_at, has_day,
				   (ob_day)res_day))
			stop = fn(ctx, o->at, o->bare);
	}
	free(res);
	return stop;
}

/*
 * One walk of the account's ticket events, not a seek per opening for
 * its resolutions: a replay's accounts have a few tickets each.
 */
int ob_store_open_tickets(struct ob_store *st, int64_t account, ob_day as_of,
			  int (*fn)(void *ctx, int64_t at, bool bare),
			  void *ctx, struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_TICKET_EVENTS, err);
	struct ob_history h = {0};
	int64_t cut_at, cut_bare;
	int rc, stop = 0;
	if (!s)
		return -1;
	day_cutoffs(as_of, &cut_at, &cut_bare);
	ob_sql_bind_int64(s, 1, account);
	ob_sql_bind_int64(s, 2, cut_at);
	ob_sql_bind_int64(s, 3, cut_bare);
	while ((rc = ob_sql_step(s)) == SQLITE_ROW)
		history_add(&h, s, 0);
	ob_sql_reset(s);
	if (rc == SQLITE_DONE)
		stop = history_tickets(&h, cut_at, cut_bare, fn, ctx);
	free(h.ev);
	ob_buf_release(&h.text);
	if (rc != SQLITE_DONE)
		return db_fail(st, rc, err, "reading tickets");
	return stop < 0 ? -1 : 0;
}

/* Its milestones and the count of its distinct features, as of them. */
static uint32_t history_values(const struct ob_history *h, int64_t cut_at,
			       int64_t cut_bare, struct ob_account_data *out)
{
	struct ob_strmap features = {0}, milestones = {0};
	uint32_t nfeatures = 0;
	for (size_t i = 0; i < h->nev; i++) {
		const struct history_event *e = &h->ev[i];
		const char *value = h->text.data + e->value;
		if (!history_before(e, cut_at, cut_bare))
			continue;
		if (e->type == OB_EV_FEATURE_USED &&
		    !ob_strmap_get(&features, value)) {
			ob_strmap_put(&features, value);
			nfeatures++;
		}
		if (e->type == OB_EV_MILESTONE &&
		    !ob_strmap_get(&milestones, value))
			ob_strmap_put(&milestones, value)->value = (int64_t)i;
	}
	/* The first sightings of each milestone, timed and dated. */
	for (size_t i = 0; i < h->nev; i++) {
		const struct history_event *e = &h->ev[i];
		const char *value = h->text.data + e->value;
		const struct ob_strmap_entry *m;
		bool has_at = false, has_day = false;
		int64_t first_at = 0, first_day = 0;
		if (e->type != OB_EV_MILESTONE ||
		    !history_before(e, cut_at, cut_bare) ||
		    !(m = ob_strmap_get(&milestones, value)) ||
		    m->value != (int64_t)i)
			continue;
		for (size_t k = i; k < h->nev; k++) {
			const struct history_event *f = &h->ev[k];
			if (f->type != OB_EV_MILESTONE ||
			    !history_before(f, cut_at, cut_bare) ||
			    strcmp(h->text.data + f->value, value) != 0)
				continue;
			if (f->bare && (!has_day || f->at / OB_DAY_US < first_day)) {
				has_day = true;
				first_day = f->at / OB_DAY_US;
			} else if (!f->bare && (!has_at || f->at < first_at)) {
				has_at = true;
				first_at = f->at;
			}
		}
		milestone_add(out, value, has_at, first_at, has_day, first_day,
			      cut_at, cut_bare);
	}
	ob_strmap_release(&features);
	ob_strmap_release(&milestones);
	return nfeatures;
}

int ob_store_history_data(struct ob_history *h, ob_day as_of,
			  const struct ob_needs *needs,
			  struct ob_account_data *out, struct ob_err *err)
{
	struct ob_summary sum = {0};
	int64_t cut_at, cut_bare;
	(void)err;
	memset(out, 0, sizeof(*out));
	day_cutoffs(as_of, &cut_at, &cut_bare);
	for (size_t i = 0; i < h->nev; i++)
		if (history_before(&h->ev[i], cut_at, cut_bare))
			ob_summary_add(&sum, h->ev[i].type, h->ev[i].at,
				       h->ev[i].bare,
				       h->text.data + h->ev[i].value);
	sum.features = history_values(h, cut_at, cut_bare, out);
	ob_summary_signals(&sum, type_name, h->st, &out->signals);
	ob_summary_release(&sum);
	history_tickets(h, cut_at, cut_bare, collect_ticket, out);
	if (!logins_week_known(out, as_of, needs->logins_7d, &out->logins_7d)) {
		int64_t week_at, week_bare;
		day_cutoffs(as_of - 7, &week_at, &week_bare);
		for (size_t i = 0; i < h->nev; i++) {
			const struct history_event *e = &h->ev[i];
			out->logins_7d +=
				e->type == OB_EV_LOGIN &&
				history_before(e, cut_at, cut_bare) &&
				e->at >= (e->bare ? week_bare : week_at);
		}
	}
	for (size_t i = 0; i < h->held.nactions; i++) {
		const struct ob_checkin_action *a = &h->held.actions[i];
		struct ob_checkin_action *c;
		if (a->day > as_of)
			break; /* by day */
		ob_grow(&out->actions, &out->actions_cap, out->nactions + 1,
			sizeof(*c));
		c = &out->actions[out->nactions++];
		*c = *a;
		c->checkin = xstrdup(a->checkin);
	}
	return 0;
}
