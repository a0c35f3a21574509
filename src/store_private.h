/*
 * store_private: what the store's files share, behind include/onboard/
 * store.h: the SQLite connection, statements prepared once per store,
 * errors mapped to exit codes, and binding helpers. Only src/store*.c
 * include it; nothing else knows SQLite.
 */
#ifndef ONBOARD_STORE_PRIVATE_H
#define ONBOARD_STORE_PRIVATE_H

#include <sqlite3.h>
#include <stdlib.h>

#include "onboard/date.h"
#include "onboard/store.h"
#include "onboard/util.h"

/* Statement slots for the store's other files, each its own range. */
enum {
	OB_STORE_SLOTS_OUTBOX = 0,
	OB_STORE_SLOTS_USER = 48,
	OB_STORE_NSLOTS = 64,
};

sqlite3 *ob_store_sqlite(struct ob_store *st);
/*
 * The statement in slot (one per store, prepared from text the first
 * time), reset and with its bindings cleared; NULL with *err filled.
 * text is always the same constant for a slot.
 */
sqlite3_stmt *ob_store_sql(struct ob_store *st, int slot, const char *text,
			   struct ob_err *err);
/* Maps SQLite's result code to an exit code and a message; returns -1. */
int ob_store_sql_fail(struct ob_store *st, int rc, struct ob_err *err,
		      const char *doing);
/* Steps a statement that returns no rows, and resets it. */
int ob_store_sql_done(struct ob_store *st, sqlite3_stmt *s, struct ob_err *err,
		      const char *doing);

/*
 * The account id of user's link in the queue not yet handed to the
 * writer, or NULL: written links are SQLite's to tell.
 */
const char *ob_store_user_queued(struct ob_store *st, const char *user);
/* Writes a queued link: the writer's side of ob_store_user_link. */
int ob_store_user_link_write(struct ob_store *st, const char *user,
			     int64_t account, int64_t linked_at,
			     struct ob_err *err);

static inline char *column_text(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	return t ? xstrdup((const char *)t) : NULL;
}

/* text must outlive the step (SQLITE_STATIC); NULL binds NULL. */
static inline void bind_text(sqlite3_stmt *s, int col, const char *text)
{
	if (text)
		sqlite3_bind_text(s, col, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, col);
}

static inline void bind_date(sqlite3_stmt *s, int col, ob_day d)
{
	char buf[OB_DATE_LEN];
	ob_date_format(d, buf);
	sqlite3_bind_text(s, col, buf, -1, SQLITE_TRANSIENT);
}

static inline ob_day column_date(sqlite3_stmt *s, int col)
{
	ob_day d = 0;
	const unsigned char *t = sqlite3_column_text(s, col);
	if (t)
		ob_date_parse((const char *)t, &d);
	return d;
}

/* The current time, RFC 3339 UTC, as rows record when they changed. */
static inline void bind_now(sqlite3_stmt *s, int col)
{
	char buf[24];
	ob_time_format_utc(ob_time_now(), buf);
	sqlite3_bind_text(s, col, buf, -1, SQLITE_TRANSIENT);
}

#endif
