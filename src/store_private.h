/*
 * store_private: what the store's files share, behind include/onboard/
 * store.h: the connection (SQLite or PostgreSQL, through sql.h),
 * statements prepared once per store, errors mapped to exit codes, and
 * binding helpers. Only src/store*.c include it; nothing else knows SQL.
 */
#ifndef ONBOARD_STORE_PRIVATE_H
#define ONBOARD_STORE_PRIVATE_H

#include <stdlib.h>

#include "onboard/date.h"
#include "onboard/store.h"
#include "onboard/util.h"
#include "sql.h"

/* Statement slots for the store's other files, each its own range. */
enum {
	OB_STORE_SLOTS_OUTBOX = 0,
	OB_STORE_SLOTS_USER = 48,
	OB_STORE_SLOTS_COPY = 56,
	OB_STORE_NSLOTS = 64,
};

struct ob_sql *ob_store_conn(struct ob_store *st);
/*
 * The statement in slot (one per store, prepared from text the first
 * time), reset and with its bindings cleared; NULL with *err filled.
 * text is always the same constant for a slot.
 */
struct ob_stmt *ob_store_sql(struct ob_store *st, int slot, const char *text,
			   struct ob_err *err);
/* Maps a result code (sql.h) to an exit code and a message; returns -1. */
int ob_store_sql_fail(struct ob_store *st, int rc, struct ob_err *err,
		      const char *doing);
/* Steps a statement that returns no rows, and resets it. */
int ob_store_sql_done(struct ob_store *st, struct ob_stmt *s, struct ob_err *err,
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

static inline char *column_text(struct ob_stmt *s, int col)
{
	const char *t = ob_sql_column_text(s, col);
	return t ? xstrdup(t) : NULL;
}

/* text must outlive the step; NULL binds NULL. */
static inline void bind_text(struct ob_stmt *s, int col, const char *text)
{
	ob_sql_bind_text(s, col, text);
}

static inline void bind_date(struct ob_stmt *s, int col, ob_day d)
{
	char buf[OB_DATE_LEN];
	ob_date_format(d, buf);
	ob_sql_bind_copy(s, col, buf);
}

static inline ob_day column_date(struct ob_stmt *s, int col)
{
	ob_day d = 0;
	const char *t = ob_sql_column_text(s, col);
	if (t)
		ob_date_parse((const char *)t, &d);
	return d;
}

/* The current time, RFC 3339 UTC, as rows record when they changed. */
static inline void bind_now(struct ob_stmt *s, int col)
{
	char buf[24];
	ob_time_format_utc(ob_time_now(), buf);
	ob_sql_bind_copy(s, col, buf);
}

#endif
