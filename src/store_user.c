/* The store's links of analytics users to accounts (SPEC.md section 8). */
#include "store_private.h"

enum query { Q_USER_GET = OB_STORE_SLOTS_USER, Q_USER_PUT, Q_USER_LIST, Q_END };

_Static_assert((int)Q_END <= (int)OB_STORE_NSLOTS,
	       "the store's statement slots");

int ob_store_user_account(struct ob_store *st, const char *user,
			  char **account, struct ob_err *err)
{
	const char *queued = ob_store_user_queued(st, user);
	struct ob_stmt *s;
	int rc;
	if (queued) {
		*account = xstrdup(queued);
		return 0;
	}
	s = ob_store_sql(st, Q_USER_GET,
			 "SELECT a.ext_id FROM user_link u JOIN account a "
			 "ON a.id = u.account WHERE u.user_id = ?1",
			 err);
	if (!s)
		return -1;
	bind_text(s, 1, user);
	rc = ob_sql_step(s);
	if (rc == SQLITE_ROW)
		*account = column_text(s, 0);
	ob_sql_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	return ob_store_sql_fail(st, rc, err, "reading user links");
}

int ob_store_user_link_write(struct ob_store *st, const char *user,
			     int64_t account, int64_t linked_at,
			     struct ob_err *err)
{
	struct ob_stmt *s = ob_store_sql(
	    st, Q_USER_PUT,
	    "INSERT INTO user_link AS u (user_id, account, linked_at) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT (user_id) DO UPDATE SET "
	    "account = excluded.account, linked_at = excluded.linked_at "
	    "WHERE u.account <> excluded.account",
	    err);
	if (!s)
		return -1;
	bind_text(s, 1, user);
	ob_sql_bind_int64(s, 2, account);
	ob_sql_bind_int64(s, 3, linked_at);
	return ob_store_sql_done(st, s, err, "writing a user link");
}

int ob_store_user_list(struct ob_store *st, const char *account,
		       int (*fn)(void *ctx, const char *user,
				 const char *account, int64_t linked_at),
		       void *ctx, struct ob_err *err)
{
	struct ob_stmt *s = ob_store_sql(
	    st, Q_USER_LIST,
	    "SELECT u.user_id, a.ext_id, u.linked_at FROM user_link u "
	    "JOIN account a ON a.id = u.account "
	    "WHERE CAST(?1 AS TEXT) IS NULL OR a.ext_id = ?1 "
	    "ORDER BY u.user_id",
	    err);
	int rc, stop = 0;
	if (!s)
		return -1;
	bind_text(s, 1, account);
	while (!stop && (rc = ob_sql_step(s)) == SQLITE_ROW)
		stop = fn(ctx, (const char *)ob_sql_column_text(s, 0),
			  (const char *)ob_sql_column_text(s, 1),
			  ob_sql_column_int64(s, 2));
	ob_sql_reset(s);
	if (stop)
		return stop < 0 ? -1 : 0;
	return rc == SQLITE_DONE
		   ? 0
		   : ob_store_sql_fail(st, rc, err, "reading user links");
}
