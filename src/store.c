#include "onboard/store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "onboard/embedded.h"

/*
 * Migration steps, append-only: migrations[i] moves a database from
 * version i + 1 to i + 2. A new database runs schema.sql instead, which
 * is always the result of every step.
 */
static const char *const migrations[] = {NULL};
#define NMIGRATIONS (sizeof(migrations) / sizeof(migrations[0]) - 1)

int ob_store_schema_version(void)
{
	return 1 + (int)NMIGRATIONS;
}

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
	Q_CHECKIN_ACTIONS,
	NQUERIES
};

#define ACCOUNT_COLUMNS                                                        \
	"a.id, a.ext_id, a.name, a.tier, a.kickoff, a.csm, a.contact, "        \
	"a.email, a.playbook, p.name, a.status"

static const char *const sql[NQUERIES] = {
	[Q_PLAYBOOK_BY_NAME] =
		"SELECT p.id, p.name, p.source, p.origin, p.loaded_at, "
		"p.is_default, (SELECT count(*) FROM account a "
		"WHERE a.playbook = p.id) FROM playbook p WHERE p.name = ?1",
	[Q_PLAYBOOK_DEFAULT] =
		"SELECT p.id, p.name, p.source, p.origin, p.loaded_at, "
		"p.is_default, (SELECT count(*) FROM account a "
		"WHERE a.playbook = p.id) FROM playbook p WHERE p.is_default = 1",
	[Q_PLAYBOOK_BY_ID] =
		"SELECT p.id, p.name, p.source, p.origin, p.loaded_at, "
		"p.is_default, (SELECT count(*) FROM account a "
		"WHERE a.playbook = p.id) FROM playbook p WHERE p.id = ?1",
	[Q_PLAYBOOK_COUNT] = "SELECT count(*) FROM playbook",
	[Q_PLAYBOOK_INSERT] =
		"INSERT INTO playbook (name, source, origin, loaded_at, "
		"is_default) VALUES (?1, ?2, ?3, ?4, "
		"NOT EXISTS (SELECT 1 FROM playbook))",
	[Q_PLAYBOOK_UPDATE] = "UPDATE playbook SET source = ?2, origin = ?3, "
			      "loaded_at = ?4 WHERE name = ?1",
	[Q_PLAYBOOK_LIST] =
		"SELECT p.id, p.name, NULL, p.origin, p.loaded_at, "
		"p.is_default, (SELECT count(*) FROM account a "
		"WHERE a.playbook = p.id) FROM playbook p ORDER BY p.name",
	[Q_PLAYBOOK_CLEAR_DEFAULT] =
		"UPDATE playbook SET is_default = 0 WHERE is_default = 1",
	[Q_PLAYBOOK_SET_DEFAULT] =
		"UPDATE playbook SET is_default = 1 WHERE name = ?1",
	[Q_PLAYBOOK_TIERS_USED] = "SELECT tier, count(*) FROM account "
				  "WHERE playbook = ?1 GROUP BY tier "
				  "ORDER BY tier",
	[Q_ACCOUNT_INSERT] =
		"INSERT INTO account (ext_id, name, tier, kickoff, csm, contact, "
		"email, playbook, status, created_at, updated_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
	[Q_ACCOUNT_UPDATE] =
		"UPDATE account SET ext_id = ?1, name = ?2, tier = ?3, "
		"kickoff = ?4, csm = ?5, contact = ?6, email = ?7, "
		"playbook = ?8, status = ?9, updated_at = ?10 WHERE id = ?11",
	[Q_ACCOUNT_GET] = "SELECT " ACCOUNT_COLUMNS " FROM account a "
			  "JOIN playbook p ON p.id = a.playbook "
			  "WHERE a.ext_id = ?1",
	[Q_ACCOUNT_LIST] =
		"SELECT " ACCOUNT_COLUMNS " FROM account a "
		"JOIN playbook p ON p.id = a.playbook "
		"WHERE (?1 IS NULL OR a.csm = ?1) AND (?2 IS NULL OR a.tier = ?2) "
		"AND (?3 IS NULL OR a.status = ?3) ORDER BY a.ext_id",
	[Q_CHECKIN_ACTIONS] =
		"SELECT checkin, action, day, until_day, channel, note "
		"FROM checkin_action WHERE account = ?1 AND day <= ?2 "
		"ORDER BY day, id",
};

struct ob_store {
	sqlite3 *db;
	char *path;
	bool created;
	bool in_transaction;
	sqlite3_stmt *stmts[NQUERIES];
};

/* Maps SQLite's result to the exit codes of SPEC.md and a message. */
static int db_fail(struct ob_store *st, int rc, struct ob_err *err,
		   const char *doing)
{
	int primary = rc & 0xff;
	if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
		return ob_fail(err, OB_EBUSY,
			       "database '%s' is busy: still locked after %d "
			       "seconds, try again",
			       st->path, OB_BUSY_TIMEOUT_MS / 1000);
	if (primary == SQLITE_FULL)
		return ob_fail(err, OB_EFAIL,
			       "cannot write database '%s': disk full",
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
		       st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
}

static sqlite3_stmt *stmt(struct ob_store *st, enum query q,
			  struct ob_err *err)
{
	int rc;
	if (st->stmts[q]) {
		sqlite3_reset(st->stmts[q]);
		sqlite3_clear_bindings(st->stmts[q]);
		return st->stmts[q];
	}
	rc = sqlite3_prepare_v3(st->db, sql[q], -1, SQLITE_PREPARE_PERSISTENT,
				&st->stmts[q], NULL);
	if (rc != SQLITE_OK) {
		db_fail(st, rc, err, "preparing a query");
		return NULL;
	}
	return st->stmts[q];
}

static int exec(struct ob_store *st, const char *text, struct ob_err *err)
{
	int rc = sqlite3_exec(st->db, text, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : db_fail(st, rc, err, "running SQL");
}

static int pragma_int(struct ob_store *st, const char *text, int *out,
		      struct ob_err *err)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(st->db, text, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return db_fail(st, rc, err, "reading the schema version");
	rc = sqlite3_step(s);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(st, rc, err, "reading the schema version");
	return 0;
}

/* Creates each missing directory of path's parent, 0700. */
static int make_parent_dirs(const char *path, struct ob_err *err)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int ret = -1;
	if (!slash || slash == dir) {
		ret = 0;
		goto out;
	}
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			ob_fail(err, OB_EFAIL, "cannot create directory '%s': %s",
				dir, strerror(errno));
			goto out;
		}
		*p = '/';
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		ob_fail(err, OB_EFAIL, "cannot create directory '%s': %s", dir,
			strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(dir);
	return ret;
}

static int configure(struct ob_store *st, struct ob_err *err)
{
	sqlite3_stmt *s;
	bool wal = false;
	int rc;
	/* The busy timeout first: the statements below may meet a lock. */
	sqlite3_busy_timeout(st->db, OB_BUSY_TIMEOUT_MS);
	if (exec(st, "PRAGMA foreign_keys = ON", err) < 0 ||
	    exec(st, "PRAGMA synchronous = NORMAL", err) < 0)
		return -1;
	/*
	 * Switch to WAL only when not already in it: processes opening a new
	 * file at once would otherwise race on the switch.
	 */
	rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return db_fail(st, rc, err, "reading the journal mode");
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		wal = sqlite3_stricmp((const char *)sqlite3_column_text(s, 0),
				      "wal") == 0;
	sqlite3_finalize(s);
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
		for (int v = version; v < target; v++)
			if (exec(st, migrations[v - 1], err) < 0)
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

int ob_store_open(const char *path, enum ob_store_mode mode,
		  struct ob_store **out, struct ob_err *err)
{
	struct ob_store *st = xcalloc(1, sizeof(*st));
	struct stat sb;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int rc;

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
	}
	/* The caller's umask(077) makes the file and its -wal/-shm 0600. */
	rc = sqlite3_open_v2(path, &st->db, flags, NULL);
	if (rc != SQLITE_OK) {
		db_fail(st, rc, err, "opening");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	if (configure(st, err) < 0 || migrate(st, err) < 0)
		goto fail;
	*out = st;
	return 0;
fail:
	ob_store_close(st);
	return -1;
}

void ob_store_close(struct ob_store *st)
{
	if (!st)
		return;
	for (int q = 0; q < NQUERIES; q++)
		sqlite3_finalize(st->stmts[q]);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

bool ob_store_created(const struct ob_store *st)
{
	return st->created;
}

int ob_store_begin(struct ob_store *st, struct ob_err *err)
{
	if (exec(st, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	st->in_transaction = true;
	return 0;
}

int ob_store_begin_read(struct ob_store *st, struct ob_err *err)
{
	if (exec(st, "BEGIN", err) < 0)
		return -1;
	st->in_transaction = true;
	return 0;
}

int ob_store_commit(struct ob_store *st, struct ob_err *err)
{
	int rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		db_fail(st, rc, err, "committing");
		ob_store_rollback(st);
		return -1;
	}
	st->in_transaction = false;
	return 0;
}

void ob_store_rollback(struct ob_store *st)
{
	if (st->in_transaction && !sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_transaction = false;
}

/* --- helpers ------------------------------------------------------------ */

static char *column_text(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	return t ? xstrdup((const char *)t) : NULL;
}

static void bind_text(sqlite3_stmt *s, int col, const char *text)
{
	if (text)
		sqlite3_bind_text(s, col, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, col);
}

static void bind_date(sqlite3_stmt *s, int col, ob_day d)
{
	char buf[OB_DATE_LEN];
	ob_date_format(d, buf);
	sqlite3_bind_text(s, col, buf, -1, SQLITE_TRANSIENT);
}

static ob_day column_date(sqlite3_stmt *s, int col)
{
	ob_day d = 0;
	const unsigned char *t = sqlite3_column_text(s, col);
	if (t)
		ob_date_parse((const char *)t, &d);
	return d;
}

static void bind_now(sqlite3_stmt *s, int col)
{
	char buf[24];
	ob_time_format_utc(ob_time_now(), buf);
	sqlite3_bind_text(s, col, buf, -1, SQLITE_TRANSIENT);
}

/* Steps a statement that returns no rows. */
static int step_done(struct ob_store *st, sqlite3_stmt *s, struct ob_err *err,
		     const char *doing)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : db_fail(st, rc, err, doing);
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

static void read_playbook_row(sqlite3_stmt *s, struct ob_playbook_row *row)
{
	row->id = sqlite3_column_int64(s, 0);
	row->name = column_text(s, 1);
	row->source = column_text(s, 2);
	row->origin = column_text(s, 3);
	row->loaded_at = column_text(s, 4);
	row->is_default = sqlite3_column_int(s, 5) != 0;
	row->accounts = sqlite3_column_int64(s, 6);
}

static int playbook_one(struct ob_store *st, sqlite3_stmt *s,
			struct ob_playbook_row *out, struct ob_err *err,
			const char *missing)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		read_playbook_row(s, out);
		sqlite3_reset(s);
		return 0;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_fail(st, rc, err, "reading a playbook");
	return ob_fail(err, OB_EDATA, "%s", missing);
}

int ob_store_playbook_get(struct ob_store *st, const char *name,
			  struct ob_playbook_row *out, struct ob_err *err)
{
	sqlite3_stmt *s = stmt(st, name ? Q_PLAYBOOK_BY_NAME : Q_PLAYBOOK_DEFAULT,
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
	sqlite3_stmt *s = stmt(st, Q_PLAYBOOK_BY_ID, err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return playbook_one(st, s, out, err, "unknown playbook");
}

int ob_store_playbook_count(struct ob_store *st, int64_t *count,
			    struct ob_err *err)
{
	sqlite3_stmt *s = stmt(st, Q_PLAYBOOK_COUNT, err);
	int rc;
	if (!s)
		return -1;
	rc = sqlite3_step(s);
	*count = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : db_fail(st, rc, err, "counting playbooks");
}

int ob_store_playbook_put(struct ob_store *st, const char *name,
			  const char *source, const char *origin,
			  bool *replaced, struct ob_err *err)
{
	sqlite3_stmt *s = stmt(st, Q_PLAYBOOK_UPDATE, err);
	if (!s)
		return -1;
	bind_text(s, 1, name);
	bind_text(s, 2, source);
	bind_text(s, 3, origin);
	bind_now(s, 4);
	if (step_done(st, s, err, "storing a playbook") < 0)
		return -1;
	*replaced = sqlite3_changes(st->db) > 0;
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
	sqlite3_stmt *s = stmt(st, Q_PLAYBOOK_LIST, err);
	int rc, stop = 0;
	if (!s)
		return -1;
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct ob_playbook_row row = {0};
		read_playbook_row(s, &row);
		stop = fn(ctx, &row);
		ob_playbook_row_release(&row);
	}
	sqlite3_reset(s);
	if (!stop && rc != SQLITE_DONE)
		return db_fail(st, rc, err, "listing playbooks");
	return stop < 0 ? -1 : 0;
}

int ob_store_playbook_set_default(struct ob_store *st, const char *name,
				  struct ob_err *err)
{
	struct ob_playbook_row row = {0};
	sqlite3_stmt *s;
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
	sqlite3_stmt *s = stmt(st, Q_PLAYBOOK_TIERS_USED, err);
	int rc, stop = 0;
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, playbook_id);
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW)
		stop = fn(ctx, (const char *)sqlite3_column_text(s, 0),
			  sqlite3_column_int64(s, 1));
	sqlite3_reset(s);
	if (!stop && rc != SQLITE_DONE)
		return db_fail(st, rc, err, "reading accounts' tiers");
	return stop < 0 ? -1 : 0;
}

/* --- accounts ----------------------------------------------------------- */

static void bind_account(sqlite3_stmt *s, const struct ob_account *a)
{
	bind_text(s, 1, a->id);
	bind_text(s, 2, a->name);
	bind_text(s, 3, a->tier);
	bind_date(s, 4, a->kickoff);
	bind_text(s, 5, a->csm);
	bind_text(s, 6, a->contact);
	bind_text(s, 7, a->email);
	sqlite3_bind_int64(s, 8, a->playbook_id);
	bind_text(s, 9, ob_account_status_name(a->status));
	bind_now(s, 10);
}

int ob_store_account_insert(struct ob_store *st, struct ob_account *a,
			    struct ob_err *err)
{
	sqlite3_stmt *s = stmt(st, Q_ACCOUNT_INSERT, err);
	int rc;
	if (!s)
		return -1;
	bind_account(s, a);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return ob_fail(err, OB_EDATA, "account '%s' already exists",
			       a->id);
	if (rc != SQLITE_DONE)
		return db_fail(st, rc, err, "adding an account");
	a->rowid = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int ob_store_account_update(struct ob_store *st, const struct ob_account *a,
			    struct ob_err *err)
{
	sqlite3_stmt *s = stmt(st, Q_ACCOUNT_UPDATE, err);
	int rc;
	if (!s)
		return -1;
	bind_account(s, a);
	sqlite3_bind_int64(s, 11, a->rowid);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return ob_fail(err, OB_EDATA, "account '%s' already exists",
			       a->id);
	return rc == SQLITE_DONE ? 0 : db_fail(st, rc, err, "updating an account");
}

static void read_account(sqlite3_stmt *s, struct ob_account *a)
{
	const char *status = (const char *)sqlite3_column_text(s, 10);
	int st = status ? ob_account_status_parse(status) : 0;
	a->rowid = sqlite3_column_int64(s, 0);
	a->id = column_text(s, 1);
	a->name = column_text(s, 2);
	a->tier = column_text(s, 3);
	a->kickoff = column_date(s, 4);
	a->csm = column_text(s, 5);
	a->contact = column_text(s, 6);
	a->email = column_text(s, 7);
	a->playbook_id = sqlite3_column_int64(s, 8);
	a->playbook = column_text(s, 9);
	a->status = st < 0 ? OB_ACTIVE : (enum ob_account_status)st;
}

int ob_store_account_get(struct ob_store *st, const char *id, bool missing_ok,
			 struct ob_account *out, struct ob_err *err)
{
	sqlite3_stmt *s = stmt(st, Q_ACCOUNT_GET, err);
	int rc;
	if (!s)
		return -1;
	bind_text(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		read_account(s, out);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return db_fail(st, rc, err, "reading an account");
	if (missing_ok)
		return 1;
	return ob_fail(err, OB_EDATA, "unknown account '%s'", id);
}

int ob_store_account_list(struct ob_store *st,
			  const struct ob_account_filter *filter,
			  int (*fn)(void *ctx, const struct ob_account *a),
			  void *ctx, struct ob_err *err)
{
	sqlite3_stmt *s = stmt(st, Q_ACCOUNT_LIST, err);
	int rc, stop = 0;
	if (!s)
		return -1;
	bind_text(s, 1, filter->csm);
	bind_text(s, 2, filter->tier);
	bind_text(s, 3, filter->status >= 0
				? ob_account_status_name(
					  (enum ob_account_status)filter->status)
				: NULL);
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct ob_account a = {0};
		read_account(s, &a);
		stop = fn(ctx, &a);
		ob_account_release(&a);
	}
	sqlite3_reset(s);
	if (!stop && rc != SQLITE_DONE)
		return db_fail(st, rc, err, "listing accounts");
	return stop < 0 ? -1 : 0;
}

/* --- check-in actions --------------------------------------------------- */

int ob_store_checkin_actions(struct ob_store *st, int64_t account,
			     ob_day as_of,
			     int (*fn)(void *ctx,
				       const struct ob_checkin_action *a),
			     void *ctx, struct ob_err *err)
{
	sqlite3_stmt *s = stmt(st, Q_CHECKIN_ACTIONS, err);
	int rc, stop = 0;
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, account);
	bind_date(s, 2, as_of);
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct ob_checkin_action a = {
			.checkin = (char *)sqlite3_column_text(s, 0),
			.action = (char *)sqlite3_column_text(s, 1),
			.day = column_date(s, 2),
			.until = column_date(s, 3),
			.channel = (char *)sqlite3_column_text(s, 4),
			.note = (char *)sqlite3_column_text(s, 5),
		};
		stop = fn(ctx, &a);
	}
	sqlite3_reset(s);
	if (!stop && rc != SQLITE_DONE)
		return db_fail(st, rc, err, "reading check-ins");
	return stop < 0 ? -1 : 0;
}
