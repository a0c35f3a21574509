/*
 * The store's part of `onboard db copy` (SPEC section 9): a whole
 * database from one engine to the other, table by table, each row as it
 * is stored (ids, summaries and all), so that the copy answers every
 * command as the original does.
 */
#include <string.h>

#include "onboard/store.h"
#include "store_private.h"

enum query {
	Q_EXT_ID = OB_STORE_SLOTS_COPY,
	Q_EMPTY,
	Q_END
};

_Static_assert((int)Q_END <= (int)OB_STORE_NSLOTS, "the store's statement slots");

/*
 * Every table, parents before children, each in its key's order (the
 * order SQLite's B-trees take fastest). A table added to the schema is
 * added here; its columns come from the source's rows.
 */
static const struct {
	const char *table, *order;
} tables[] = {
	{"playbook", "id"},
	{"account", "id"},
	{"account_status", "account, since"},
	{"csm", "name"},
	{"checkin_action", "id"},
	{"event_type", "id"},
	{"event", "account, type, at, bare, value, ext_id"},
	{"signal", "account"},
	{"signal_value", "type, account, value"},
	{"ticket_open", "account, ref, at, bare, ext_id"},
	{"outbox", "id"},
	{"outbox_account", "outbox, account"},
	{"alert_state", "account"},
	{"user_link", "user_id"},
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

/* The tables whose ids PostgreSQL counts (an identity column). */
static const char *const identities[] = {"playbook", "account",
					 "checkin_action", "event_type",
					 "outbox"};

char *ob_store_account_ext_id(struct ob_store *st, int64_t rowid,
			      struct ob_err *err)
{
	struct ob_stmt *s = ob_store_sql(
		st, Q_EXT_ID, "SELECT ext_id FROM account WHERE id = ?1", err);
	char *id = NULL;
	int rc;
	if (!s)
		return NULL;
	ob_sql_bind_int64(s, 1, rowid);
	rc = ob_sql_step(s);
	if (rc == SQLITE_ROW)
		id = column_text(s, 0);
	ob_sql_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ob_store_sql_fail(st, rc, err, "reading an account");
	return id;
}

/* Whether to holds nothing but what `onboard init` writes. */
static int check_empty(struct ob_store *to, struct ob_err *err)
{
	struct ob_stmt *s = ob_store_sql(
		to, Q_EMPTY,
		"SELECT (SELECT count(*) FROM account), "
		"(SELECT count(*) FROM event), (SELECT count(*) FROM outbox), "
		"(SELECT count(*) FROM csm) + (SELECT count(*) FROM user_link) "
		"+ (SELECT count(*) FROM event_type WHERE id > 13) + "
		"(SELECT count(*) FROM playbook WHERE origin <> "
		"'(bundled default.yaml)')",
		err);
	int64_t accounts, events, messages, other;
	int rc;
	if (!s)
		return -1;
	rc = ob_sql_step(s);
	accounts = ob_sql_column_int64(s, 0);
	events = ob_sql_column_int64(s, 1);
	messages = ob_sql_column_int64(s, 2);
	other = ob_sql_column_int64(s, 3);
	ob_sql_reset(s);
	if (rc != SQLITE_ROW)
		return ob_store_sql_fail(to, rc, err, "reading the target");
	if (accounts || events || messages || other)
		return ob_fail(err, OB_EFAIL,
			       "database '%s' is not empty (%lld accounts, "
			       "%lld events, %lld messages): db copy fills a "
			       "database that only 'onboard init' has written",
			       ob_store_name(to), (long long)accounts,
			       (long long)events, (long long)messages);
	return 0;
}

/* The INSERT (SQLite) or COPY (PostgreSQL) of a row of s's columns. */
static void target_text(struct ob_buf *b, bool pg, const char *table,
			struct ob_stmt *s)
{
	int n = ob_sql_column_count(s);
	ob_buf_addf(b, "%s %s (", pg ? "COPY" : "INSERT INTO", table);
	for (int i = 0; i < n; i++)
		ob_buf_addf(b, "%s%s", i ? ", " : "", ob_sql_column_name(s, i));
	if (pg) {
		ob_buf_adds(b, ") FROM STDIN");
		return;
	}
	ob_buf_adds(b, ") VALUES (");
	for (int i = 0; i < n; i++)
		ob_buf_addf(b, "%s?%d", i ? ", " : "", i + 1);
	ob_buf_adds(b, ")");
}

static int copy_table(struct ob_store *from, struct ob_store *to, size_t t,
		      int64_t *rows, struct ob_err *err)
{
	struct ob_sql *dst = ob_store_conn(to);
	bool pg = ob_sql_is_pg(dst);
	struct ob_buf text = {0};
	struct ob_sql_copier w = {0};
	struct ob_stmt *src = NULL, *ins = NULL;
	int rc, n = 0, ret = -1;
	ob_buf_addf(&text, "SELECT * FROM %s ORDER BY %s", tables[t].table,
		    tables[t].order);
	rc = ob_sql_prepare_stream(ob_store_conn(from), text.data, &src);
	if (rc != SQLITE_OK) {
		ob_store_sql_fail(from, rc, err, "reading for a copy");
		goto out;
	}
	for (*rows = 0; (rc = ob_sql_step(src)) == SQLITE_ROW; ++*rows) {
		if (!n) {
			n = ob_sql_column_count(src);
			ob_buf_reset(&text);
			target_text(&text, pg, tables[t].table, src);
			ob_sql_copier_init(&w, dst, text.data);
			if (!pg && (rc = ob_sql_prepare(dst, text.data, &ins)) !=
					   SQLITE_OK) {
				ob_store_sql_fail(to, rc, err, "copying");
				goto out;
			}
		}
		for (int i = 0; i < n; i++) {
			const char *v = ob_sql_column_text(src, i);
			if (!pg) {
				ob_sql_bind_text(ins, i + 1, v);
				continue;
			}
			if (i)
				ob_buf_addc(&w.rows, '\t');
			if (v)
				ob_sql_copy_text(&w.rows, v);
			else
				ob_buf_adds(&w.rows, "\\N");
		}
		if (pg) {
			ob_buf_addc(&w.rows, '\n');
			ob_sql_copier_row(&w);
			rc = w.rc;
		} else {
			rc = ob_sql_step(ins);
			ob_sql_clear(ins);
			if (rc == SQLITE_DONE)
				rc = SQLITE_OK;
		}
		if (rc != SQLITE_OK) {
			ob_store_sql_fail(to, rc, err, "copying");
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		ob_store_sql_fail(from, rc, err, "reading for a copy");
		goto out;
	}
	if (pg && n && (rc = ob_sql_copier_finish(&w)) != SQLITE_OK) {
		ob_store_sql_fail(to, rc, err, "copying");
		goto out;
	}
	ret = 0;
out:
	ob_sql_finalize(src);
	ob_sql_finalize(ins);
	ob_buf_release(&text);
	ob_buf_release(&w.rows);
	return ret;
}

/* PostgreSQL's identities go on from the ids copied, as SQLite's do. */
static int resume_identities(struct ob_store *to, struct ob_err *err)
{
	struct ob_buf text = {0};
	int rc = SQLITE_OK;
	for (size_t i = 0; i < sizeof(identities) / sizeof(identities[0]) &&
			   rc == SQLITE_OK;
	     i++) {
		ob_buf_reset(&text);
		ob_buf_addf(&text,
			    "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
			    "coalesce(max(id), 1), max(id) IS NOT NULL) FROM %s",
			    identities[i], identities[i]);
		rc = ob_sql_exec(ob_store_conn(to), text.data);
	}
	ob_buf_release(&text);
	return rc == SQLITE_OK ? 0 : ob_store_sql_fail(to, rc, err, "copying");
}

int ob_store_copy(struct ob_store *from, struct ob_store *to,
		  struct ob_store_copied *n, struct ob_err *err)
{
	int64_t rows;
	int rc;
	memset(n, 0, sizeof(*n));
	if (ob_store_begin_read(from, err) < 0)
		return -1;
	if (ob_store_begin(to, err) < 0)
		goto fail_read;
	if (check_empty(to, err) < 0)
		goto fail;
	/* init's rows, which the source has its own of. */
	rc = ob_sql_exec(ob_store_conn(to),
			 "DELETE FROM playbook; DELETE FROM event_type");
	if (rc != SQLITE_OK) {
		ob_store_sql_fail(to, rc, err, "copying");
		goto fail;
	}
	for (size_t t = 0; t < NTABLES; t++) {
		const char *name = tables[t].table;
		if (copy_table(from, to, t, &rows, err) < 0)
			goto fail;
		if (!strcmp(name, "playbook"))
			n->playbooks = rows;
		else if (!strcmp(name, "account"))
			n->accounts = rows;
		else if (!strcmp(name, "event"))
			n->events = rows;
		else if (!strcmp(name, "checkin_action"))
			n->actions = rows;
		else if (!strcmp(name, "outbox"))
			n->messages = rows;
		else if (!strcmp(name, "user_link"))
			n->links = rows;
	}
	/*
	 * PostgreSQL plans from statistics that its autovacuum gathers only
	 * a while later: the copy's readers should not plan blind.
	 */
	if (ob_sql_is_pg(ob_store_conn(to)) &&
	    (resume_identities(to, err) < 0 ||
	     (rc = ob_sql_exec(ob_store_conn(to), "ANALYZE")) != SQLITE_OK)) {
		if (rc != SQLITE_OK)
			ob_store_sql_fail(to, rc, err, "copying");
		goto fail;
	}
	if (ob_store_commit(to, err) < 0)
		goto fail_read;
	ob_store_rollback(from);
	return 0;
fail:
	ob_store_rollback(to);
fail_read:
	ob_store_rollback(from);
	return -1;
}
