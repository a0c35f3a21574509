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
/* Whether ob_store_open created the file. */
bool ob_store_created(const struct ob_store *st);

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
/* Calls fn for every playbook by name (source left NULL); fn != 0 stops. */
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
/* Writes every field of an existing account (found by a->rowid). */
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

/* --- check-in actions ------------------------------------------------- */

struct ob_checkin_action {
	char *checkin;
	char *action; /* done, skipped, snoozed */
	ob_day day;
	ob_day until; /* snoozed only, else 0 */
	char *channel;
	char *note;
};

/* Calls fn for the account's actions dated on or before as_of, by date. */
int ob_store_checkin_actions(struct ob_store *st, int64_t account,
			     ob_day as_of,
			     int (*fn)(void *ctx,
				       const struct ob_checkin_action *a),
			     void *ctx, struct ob_err *err);

#endif
