/*
 * store: the SQLite database of SPEC.md section 5. The only module that
 * knows SQLite: every SQL statement, the embedded schema and its
 * migrations live in store.c. Functions return 0 or -1 with *err filled:
 * OB_EBUSY when the busy timeout passed, OB_EDATA for a reference to
 * something that does not exist, OB_EFAIL for the rest.
 */
#ifndef ONBOARD_STORE_H
#define ONBOARD_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "onboard/account.h"
#include "onboard/metric.h"
#include "onboard/summary.h"
#include "onboard/util.h"

#define OB_BUSY_TIMEOUT_MS 5000

struct ob_store;

enum ob_store_mode {
	OB_STORE_EXISTING, /* the database must exist */
	OB_STORE_CREATE,   /* create it (0600, in a 0700 directory) if not */
};

/* The schema version this binary writes (PRAGMA user_version). */
int ob_store_schema_version(void);

/*
 * Opens the database at path, creating it when mode allows, and migrates
 * an older schema forward. A database newer than this binary is refused.
 */
int ob_store_open(const char *path, enum ob_store_mode mode,
		  struct ob_store **out, struct ob_err *err);
void ob_store_close(struct ob_store *st);
/* Whether ob_store_open created the file (or a PostgreSQL schema). */
bool ob_store_created(const struct ob_store *st);
/*
 * Whether a --db value names a PostgreSQL database (a libpq URI,
 * postgresql:// or postgres://) and not an SQLite file.
 */
bool ob_store_is_uri(const char *db);
/* The database as messages name it: a URI's password masked. */
const char *ob_store_name(const struct ob_store *st);

/* --- db check and db copy (SPEC section 9) ------------------------------ */

#define OB_CHECK_NAMED 10
struct ob_store_check {
	int version;             /* the schema's (opening checked it) */
	int64_t accounts, events; /* accounts with events or a summary */
	int64_t nwrong;          /* summaries that disagree with the events */
	int64_t wrong[OB_CHECK_NAMED]; /* the first of them (account rowids) */
};
/*
 * Folds every account's events anew and compares the result with its
 * stored summary (SPEC section 2's counts, first and last events, NPS,
 * distinct features). Reads a batch of events at a time; within a
 * read transaction on PostgreSQL.
 */
int ob_store_check(struct ob_store *st, struct ob_store_check *out,
		   struct ob_err *err);

struct ob_store_copied {
	int64_t playbooks, accounts, events, actions, messages, links;
};
/*
 * Copies every row of from into to, whichever their engines: to must be
 * initialised and hold nothing but what `init` put there (the bundled
 * playbook is replaced), else exit 1 and nothing written. One read
 * snapshot of from, one write transaction on to: all or nothing.
 */
int ob_store_copy(struct ob_store *from, struct ob_store *to,
		  struct ob_store_copied *n, struct ob_err *err);
/* An account's id, as users type it, by its rowid; NULL if none. */
char *ob_store_account_ext_id(struct ob_store *st, int64_t rowid,
			      struct ob_err *err);
/* For tests: a busy timeout other than OB_BUSY_TIMEOUT_MS. */
void ob_store_set_busy_timeout(struct ob_store *st, int ms);

/*
 * Transactions. A command that writes does all of it between begin (which
 * takes the write lock at once: BEGIN IMMEDIATE) and commit. rollback is
 * safe to call when no transaction is open.
 */
int ob_store_begin(struct ob_store *st, struct ob_err *err);
int ob_store_commit(struct ob_store *st, struct ob_err *err);
void ob_store_rollback(struct ob_store *st);
/* A read transaction: every query after it sees one snapshot. */
int ob_store_begin_read(struct ob_store *st, struct ob_err *err);

/* --- playbooks --------------------------------------------------------- */

struct ob_playbook_row {
	int64_t id;
	char *name;
	char *source;
	char *origin;
	char *loaded_at;
	bool is_default;
	int64_t accounts; /* accounts that follow it */
};

void ob_playbook_row_release(struct ob_playbook_row *row);

/*
 * Stores a playbook's source under its name, replacing one of the same
 * name. The first playbook stored becomes the default. Sets *replaced.
 */
int ob_store_playbook_put(struct ob_store *st, const char *name,
			  const char *source, const char *origin,
			  bool *replaced, struct ob_err *err);
/* The playbook of that name, or the default one when name is NULL. */
int ob_store_playbook_get(struct ob_store *st, const char *name,
			  struct ob_playbook_row *out, struct ob_err *err);
int ob_store_playbook_get_id(struct ob_store *st, int64_t id,
			     struct ob_playbook_row *out, struct ob_err *err);
int ob_store_playbook_count(struct ob_store *st, int64_t *count,
			    struct ob_err *err);
/* Calls fn for every playbook by name; fn != 0 stops. */
int ob_store_playbook_list(struct ob_store *st,
			   int (*fn)(void *ctx,
				     const struct ob_playbook_row *row),
			   void *ctx, struct ob_err *err);
int ob_store_playbook_set_default(struct ob_store *st, const char *name,
				  struct ob_err *err);
/* Calls fn(tier, accounts) for every tier the playbook's accounts use. */
int ob_store_playbook_tiers_used(struct ob_store *st, int64_t playbook_id,
				 int (*fn)(void *ctx, const char *tier,
					   int64_t accounts),
				 void *ctx, struct ob_err *err);

/* --- accounts --------------------------------------------------------- */

/* Adds a new account; an id already taken is OB_EDATA. Sets a->rowid. */
int ob_store_account_insert(struct ob_store *st, struct ob_account *a,
			    struct ob_err *err);
/*
 * The day accounts' statuses are read as of (an account's status on a day
 * is its latest change on or before it); set once, after opening.
 */
void ob_store_set_today(struct ob_store *st, ob_day today);
/*
 * Records that an account's status became `status` on `day` (the history
 * keeps every change; the account's status is its latest). Returns 1,
 * writing nothing, when that was already its status that day.
 */
int ob_store_account_status(struct ob_store *st, int64_t account,
			    enum ob_account_status status, ob_day day,
			    struct ob_err *err);
/*
 * Writes every field of an existing account (found by a->rowid) but the
 * status, which ob_store_account_status changes.
 */
int ob_store_account_update(struct ob_store *st, const struct ob_account *a,
			    struct ob_err *err);
/*
 * The account with that id. Unknown: returns 1 (and *out untouched) when
 * missing_ok, else -1 with OB_EDATA.
 */
int ob_store_account_get(struct ob_store *st, const char *id, bool missing_ok,
			 struct ob_account *out, struct ob_err *err);

struct ob_account_filter {
	const char *csm;  /* NULL: any */
	const char *tier; /* NULL: any */
	int status;       /* enum ob_account_status, -1: any */
};

/* Calls fn for every matching account, by id; fn != 0 stops the walk. */
int ob_store_account_list(struct ob_store *st,
			  const struct ob_account_filter *filter,
			  int (*fn)(void *ctx, const struct ob_account *a),
			  void *ctx, struct ob_err *err);

/* A check-in done, skipped or snoozed, as of its day. */
struct ob_checkin_action {
	char *checkin;
	const char *action; /* "done", "skipped", "snoozed": static text */
	ob_day day;
	ob_day until; /* snoozed only, else 0 */
	char *channel;
	char *note;
};

/* --- events ------------------------------------------------------------ */

/* An event with its fields checked, ready to store. */
struct ob_event {
	int64_t account; /* rowid */
	int type;        /* event_type id (enum ob_event_type for known ones) */
	int64_t at;      /* microseconds; a bare date's midnight UTC */
	bool bare;
	const char *value;  /* "" when absent */
	const char *ext_id; /* "" when absent */
};

/* What an import or a log needs to know of an account, by its id. */
struct ob_account_ref {
	int64_t rowid;
	int64_t playbook_id;
	bool active;
};

/*
 * Looks an account up by id through a cache that lives as long as the
 * write transaction (the import hot path asks once per row). Returns 0,
 * 1 when there is no such account, or -1. An event of that account
 * queued next may skip SQLite's duplicate check (ob_store_event_add).
 */
int ob_store_account_ref(struct ob_store *st, const char *id,
			 struct ob_account_ref *out, struct ob_err *err);
/*
 * The id of an event type by name; a custom type is added to event_type
 * when create is set, else 1 is returned for one never seen.
 */
int ob_store_event_type(struct ob_store *st, const char *name, bool create,
			int *id, struct ob_err *err);
/*
 * Queues an event for writing (its strings are copied). Queued events are
 * written in batches, sorted, by the queue filling up, by
 * ob_store_events_flush and by commit; an event already stored (same
 * external id, or same content when it has none) is counted as a
 * duplicate, not written. Writing keeps the accounts' signals up to date.
 */
int ob_store_event_add(struct ob_store *st, const struct ob_event *ev,
		       struct ob_err *err);
/*
 * Writes the queued events; *added and *duplicates count the events
 * written or found already stored since the last call.
 */
int ob_store_events_flush(struct ob_store *st, int64_t *added,
			  int64_t *duplicates, struct ob_err *err);

/* Events of a type whose local date is in [from, to]. */
int ob_store_count_events(struct ob_store *st, int64_t account, int type,
			  ob_day from, ob_day to, int64_t *count,
			  struct ob_err *err);
/*
 * The local date of an account's first event of a type (with that value,
 * unless value is NULL) on or before as_of. Returns 1 when there is none.
 */
int ob_store_first_event_day(struct ob_store *st, int64_t account, int type,
			     const char *value, ob_day as_of, ob_day *day,
			     struct ob_err *err);

/*
 * Tickets open as of a day: each ticket_opened event without a
 * ticket_resolved of the same value at the same instant or later (both on
 * or before as_of). Calls fn with each one's instant.
 */
int ob_store_open_tickets(struct ob_store *st, int64_t account, ob_day as_of,
			  int (*fn)(void *ctx, int64_t at, bool bare),
			  void *ctx, struct ob_err *err);

/* An instant as events carry it. */
struct ob_instant {
	int64_t at;
	bool bare;
};

/*
 * Everything the metrics of one account as of a day are made from, so
 * that computing them never goes back to the store.
 */
struct ob_account_data {
	struct ob_signal_set signals;
	int64_t logins_7d; /* logins in the 7 days to it, as far as asked */
	char **milestones; /* distinct values of its milestone events */
	ob_day *milestone_days; /* the local date each was first seen */
	size_t nmilestones;
	struct ob_instant *tickets; /* when each open ticket was opened */
	size_t ntickets;
	struct ob_checkin_action *actions; /* dated on or before, by date;
					      without channel and note */
	size_t nactions, actions_cap;
};

void ob_account_data_release(struct ob_account_data *d);

/*
 * One account's data as of a day, with a few queries; as far as needs
 * says (a playbook's, or &ob_needs_all): as of a day before some of its
 * events, the types needs leaves out are not there.
 */
int ob_store_account_data(struct ob_store *st, int64_t account, ob_day as_of,
			  const struct ob_needs *needs,
			  struct ob_account_data *out, struct ob_err *err);

/*
 * The same for many accounts, read in one pass: ask for accounts in
 * increasing rowid order (ob_account.rowid) and each costs a few rows,
 * however long its history. An account asked out of that order costs
 * ob_store_account_data's queries. Only one stream at a time per store.
 */
struct ob_stream;
int ob_store_stream_open(struct ob_store *st, ob_day as_of,
			 struct ob_stream **out, struct ob_err *err);
int ob_store_stream_account(struct ob_stream *s, int64_t account,
			    const struct ob_needs *needs,
			    struct ob_account_data *out, struct ob_err *err);
void ob_store_stream_close(struct ob_stream *s);

/*
 * Every event and check-in action, read in one pass for accounts asked in
 * increasing rowid order: an account's data as of any day (what
 * ob_store_account_data says) is then computed from the events held,
 * without a query per day. For a command that reads each account as of
 * days of its own (backtest).
 */
struct ob_history;
int ob_store_history_open(struct ob_store *st, struct ob_history **out,
			  struct ob_err *err);
/* Holds account's events, dropping the last account's. */
int ob_store_history_account(struct ob_history *h, int64_t account,
			     struct ob_err *err);
/* The held account's data as of a day: every type, whatever needs says,
 * and its logins of the week as far as needs->logins_7d. */
int ob_store_history_data(struct ob_history *h, ob_day as_of,
			  const struct ob_needs *needs,
			  struct ob_account_data *out, struct ob_err *err);
void ob_store_history_close(struct ob_history *h);

/* Accounts in rowid order (the order streams want). */
int ob_store_account_list_by_rowid(struct ob_store *st,
				   const struct ob_account_filter *filter,
				   int (*fn)(void *ctx,
					     const struct ob_account *a),
				   void *ctx, struct ob_err *err);

/* --- users of the analytics tools --------------------------------------- */

/*
 * The account a user is linked to: 0 with *account its id (free it), 1
 * when the user has no link.
 */
int ob_store_user_account(struct ob_store *st, const char *user,
			  char **account, struct ob_err *err);
/*
 * Links a user to an account (its id and rowid), replacing a link to
 * another one; a link to the same account keeps its linked_at. The link
 * is written with the queued events (ob_store_event_add), in the same
 * transaction; ob_store_user_account sees it at once.
 */
int ob_store_user_link(struct ob_store *st, const char *user,
		       const char *account_id, int64_t account,
		       int64_t linked_at, struct ob_err *err);
/* The links, by user; of one account (its id) when account is not NULL. */
int ob_store_user_list(struct ob_store *st, const char *account,
		       int (*fn)(void *ctx, const char *user,
				 const char *account, int64_t linked_at),
		       void *ctx, struct ob_err *err);

/* --- check-in actions ------------------------------------------------- */

/*
 * Whether a check-in of the account was ever done or skipped, whatever
 * the day: 0 with *done (else skipped) and the day of the latest such
 * action (a done before a skip), 1 when never.
 */
int ob_store_checkin_completion(struct ob_store *st, int64_t account,
				const char *checkin, bool *done, ob_day *day,
				struct ob_err *err);
/* Records a check-in done, skipped or snoozed. */
int ob_store_checkin_action_add(struct ob_store *st, int64_t account,
				const struct ob_checkin_action *a,
				struct ob_err *err);

/* --- the CSM directory (SPEC section 7) -------------------------------- */

struct ob_csm {
	char *name;	 /* as accounts name the CSM */
	char *full_name; /* NULL when unknown, as is email */
	char *email;
	int64_t accounts; /* that name the CSM (lists only) */
};

void ob_csm_release(struct ob_csm *c);
/* Adds the CSM, or replaces the directory's fields for the name. */
int ob_store_csm_put(struct ob_store *st, const struct ob_csm *c,
		     struct ob_err *err);
/* The directory's entry; 1 (and *out empty) when it has none. */
int ob_store_csm_get(struct ob_store *st, const char *name,
		     struct ob_csm *out, struct ob_err *err);
/*
 * Every CSM by name, with the count of accounts that name them: with
 * accounts, those named by an account too; without, the directory's
 * alone and no count (nothing reads the accounts). fn != 0 stops.
 */
int ob_store_csm_list(struct ob_store *st, bool with_accounts,
		      int (*fn)(void *ctx, const struct ob_csm *c), void *ctx,
		      struct ob_err *err);

/* --- the outbox (SPEC section 7) --------------------------------------- */

enum ob_outbox_kind { OB_OUTBOX_CHECKIN, OB_OUTBOX_ALERT };

enum ob_outbox_state {
	OB_OUTBOX_QUEUED,
	OB_OUTBOX_SENDING,
	OB_OUTBOX_SENT,
	OB_OUTBOX_DEFERRED,
	OB_OUTBOX_FAILED,
	OB_OUTBOX_UNCONFIRMED,
	OB_OUTBOX_CANCELLED,
	OB_OUTBOX_NSTATES
};

const char *ob_outbox_state_name(enum ob_outbox_state s);
int ob_outbox_state_parse(const char *s); /* -1 if unknown */

/* One message. Texts are the row's; message only from a claim. */
struct ob_outbox_msg {
	int64_t id;
	enum ob_outbox_kind kind;
	int64_t account;  /* rowid; 0 for an alert */
	char *account_id; /* the id users type; NULL for an alert */
	char *checkin;	  /* NULL for an alert */
	ob_day opens;	  /* the check-in window's first day */
	char *csm;
	char *sender, *recipient, *subject, *message_id;
	char *message;
	enum ob_outbox_state state;
	int attempts;
	char *queued_at, *sent_at, *error;
};

void ob_outbox_msg_release(struct ob_outbox_msg *m);

/* A message to queue: what ob_store_outbox_add stores of it. */
struct ob_outbox_new {
	enum ob_outbox_kind kind;
	int64_t account; /* rowid: check-ins only, as are the next three */
	const char *account_id;
	const char *checkin;
	ob_day opens;
	const char *csm;
	const char *sender, *recipient, *subject, *message_id;
	const char *message; /* RFC 5322, LF line ends */
};

/*
 * Queues a message (state queued, no attempt yet); sets *id. A second
 * message for one check-in instance is OB_EDATA.
 */
int ob_store_outbox_add(struct ob_store *st, const struct ob_outbox_new *m,
			int64_t *id, struct ob_err *err);
/* Notes that alert message outbox names an account, and what it says. */
int ob_store_outbox_alert_names(struct ob_store *st, int64_t outbox,
				int64_t account, bool red,
				const char *escalations, struct ob_err *err);
/*
 * What the outbox holds for an account's check-in, in one lookup:
 * whether the instance of window opens has a message (in any state), and
 * the id of an unconfirmed message for any window of it (0: none; it may
 * have arrived, and a person has not said).
 */
int ob_store_outbox_checkin(struct ob_store *st, int64_t account,
			    const char *checkin, ob_day opens, bool *has,
			    int64_t *unconfirmed, struct ob_err *err);

struct ob_outbox_filter {
	int state;	     /* enum ob_outbox_state, -1: any */
	const char *account; /* id: its check-ins and the alerts naming it */
	const char *csm;     /* its accounts' check-ins and its alerts */
	bool pending;	     /* only queued or deferred (state ignored) */
};

/* Calls fn for every matching message by id (no bytes); fn != 0 stops. */
int ob_store_outbox_list(struct ob_store *st,
			 const struct ob_outbox_filter *filter,
			 int (*fn)(void *ctx, const struct ob_outbox_msg *m),
			 void *ctx, struct ob_err *err);
/* The message with that id, without its bytes; 1 when there is none. */
int ob_store_outbox_get(struct ob_store *st, int64_t id,
			struct ob_outbox_msg *out, struct ob_err *err);
/*
 * Claims a queued or deferred message for delivery: it becomes sending
 * with one more attempt, and *out gets it with its bytes. Returns 1 when
 * the message is in another state by now.
 */
int ob_store_outbox_claim(struct ob_store *st, int64_t id,
			  struct ob_outbox_msg *out, struct ob_err *err);
/*
 * Moves a message that is in state from to state, with error (NULL
 * clears it). Returns 1 when the message is not in state from (nothing
 * changed). sent also records when. An alert that is sent, fails for
 * good or is cancelled records its accounts' alert states: its news was
 * told, or a person took it from there.
 */
int ob_store_outbox_set(struct ob_store *st, int64_t id,
			enum ob_outbox_state from, enum ob_outbox_state state,
			const char *error, struct ob_err *err);
/*
 * Every message left sending (by a run that died) becomes unconfirmed;
 * fn is called with each, as it was.
 */
int ob_store_outbox_unconfirm(struct ob_store *st,
			      int (*fn)(void *ctx,
					const struct ob_outbox_msg *m),
			      void *ctx, struct ob_err *err);

/*
 * What each account's CSM was last told of it: whether it was red, and
 * its escalation reasons one per line. fn gets every account that has
 * one; pending is set for an account named by an alert not yet sent,
 * failed or cancelled.
 */
int ob_store_alert_states(struct ob_store *st,
			  int (*fn)(void *ctx, int64_t account, bool red,
				    const char *escalations, bool pending),
			  void *ctx, struct ob_err *err);
int ob_store_alert_state_put(struct ob_store *st, int64_t account, bool red,
			     const char *escalations, struct ob_err *err);

/*
 * Takes the database's send lock, held until the store closes: one
 * `onboard send` at a time, however the database's path is spelt.
 * Another holder is OB_EBUSY, at once.
 */
int ob_store_send_lock(struct ob_store *st, struct ob_err *err);
/*
 * Every commit from now on is on disk before it returns, not only in the
 * operating system's cache: a claim must survive a power loss before its
 * message is handed over.
 */
int ob_store_durable(struct ob_store *st, struct ob_err *err);

#endif
