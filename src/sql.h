/*
 * sql: the store's statements on either engine, SQLite or PostgreSQL
 * (libpq). Only src/store*.c include it. The store writes one SQL text
 * for both, in the dialect they share (ON CONFLICT, RETURNING, least and
 * greatest, CASE for booleans); what this layer changes for PostgreSQL
 * is mechanical: ?N parameters become $1.. in the order of first use,
 * and INSERT OR IGNORE becomes INSERT ... ON CONFLICT DO NOTHING.
 *
 * Results speak SQLite's codes (SQLITE_ROW, SQLITE_DONE, SQLITE_BUSY,
 * SQLITE_CONSTRAINT, ...), so that the store maps errors in one place;
 * a PostgreSQL error is given the nearest code, OB_SQL_LOST for a
 * connection gone, and its message is ob_sql_errmsg's.
 *
 * On SQLite every call is the sqlite3_ call it names, inline: the hot
 * paths (the account stream, an import's row-by-row writes) pay one
 * branch per call.
 */
#ifndef ONBOARD_SQL_H
#define ONBOARD_SQL_H

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "onboard/util.h"

/* A connection lost, or never made: exit 75, try again. */
#define OB_SQL_LOST 1000

/* The highest ?N a statement may name (TODAY_PARAM is 99). */
#define OB_SQL_MAX_PARAM 99

struct ob_sql {
	sqlite3 *lite; /* one of the two */
	PGconn *pg;
	/* PostgreSQL: */
	int64_t changes;   /* rows the last statement wrote */
	int named;         /* prepared statements named so far */
	char *error;       /* the last error's message */
	char sqlstate[6];  /* and its SQLSTATE */
};

struct ob_stmt {
	struct ob_sql *conn;
	sqlite3_stmt *lite;
	/* PostgreSQL: */
	char *text;	    /* translated */
	char name[16];	    /* as prepared on the server, "" until then */
	int nparams;	    /* $1 .. $nparams */
	int max_param;	    /* the highest ?N of the text */
	unsigned char map[OB_SQL_MAX_PARAM + 1]; /* ?N -> $k, 0: unused */
	const char **values;			  /* per $k, NULL: NULL */
	char **owned;	    /* copies made by ob_sql_bind_copy, freed on reset */
	char (*ints)[24];   /* integers as text */
	unsigned *types;    /* per $k: the OID bound, 0 for NULL */
	unsigned *prepared; /* the OIDs it was prepared with */
	PGresult *res;
	int row, nrows;
	bool executed;
	/* A stream: its rows fetched a batch at a time through a cursor. */
	bool stream, open;
	char cursor[16];
};

/* Opens an SQLite file (flags as sqlite3_open_v2's): an SQLite code. */
int ob_sql_open_sqlite(struct ob_sql *c, const char *path, int flags);
/* Connects to a libpq URI: SQLITE_OK, OB_SQL_LOST or SQLITE_AUTH. */
int ob_sql_open_pg(struct ob_sql *c, const char *uri);
void ob_sql_close(struct ob_sql *c);

static inline bool ob_sql_is_pg(const struct ob_sql *c)
{
	return c->pg != NULL;
}

/* The last error's message (the connection's). */
const char *ob_sql_errmsg(struct ob_sql *c);
/* Runs SQL text without parameters, one statement or many. */
int ob_sql_exec(struct ob_sql *c, const char *text);
/* Whether a transaction is open (one that failed included). */
bool ob_sql_in_transaction(struct ob_sql *c);
/*
 * PostgreSQL: whether a statement failed in the open transaction, which
 * it then ends (SQLite goes on); never on SQLite.
 */
bool ob_sql_failed_transaction(struct ob_sql *c);
/* Rows the last INSERT, UPDATE or DELETE changed. */
int64_t ob_sql_changes(struct ob_sql *c);

/*
 * PostgreSQL: runs a COPY ... FROM STDIN command with data, rows in
 * COPY's text format (len under 2 GiB).
 */
int ob_sql_copy(struct ob_sql *c, const char *command, const char *data,
		size_t len);

/* Appends text to a COPY row: a backslash, a tab and line ends escaped. */
void ob_sql_copy_text(struct ob_buf *b, const char *text);
/* Appends a number to a COPY row. */
void ob_sql_copy_int(struct ob_buf *b, int64_t v);

/*
 * Rows for a COPY command, sent a chunk at a time, each chunk its own
 * COPY: memory stays at a chunk however many rows there are. The caller
 * appends each row to rows, then calls ob_sql_copier_row.
 */
#define OB_SQL_COPY_CHUNK (1u << 20)
struct ob_sql_copier {
	struct ob_sql *conn;
	const char *command;
	struct ob_buf rows;
	int rc; /* the first failure */
};
void ob_sql_copier_init(struct ob_sql_copier *w, struct ob_sql *c,
			const char *command);
void ob_sql_copier_row(struct ob_sql_copier *w);
/* Sends the rest and releases: SQLITE_OK or the first failure's code. */
int ob_sql_copier_finish(struct ob_sql_copier *w);

/* *out NULL on failure; persistent (prepared once, kept). */
int ob_sql_prepare(struct ob_sql *c, const char *text, struct ob_stmt **out);
/*
 * The same for a statement whose rows may not fit in memory at once: on
 * PostgreSQL a cursor (so within a transaction), read a batch at a time.
 */
int ob_sql_prepare_stream(struct ob_sql *c, const char *text,
			  struct ob_stmt **out);
void ob_sql_finalize(struct ob_stmt *s);
/* The columns of a statement's rows (PostgreSQL: once it has stepped). */
int ob_sql_column_count(struct ob_stmt *s);
const char *ob_sql_column_name(struct ob_stmt *s, int col);
/* The highest ?N in the text. */
int ob_sql_param_count(struct ob_stmt *s);

int ob_pg_step(struct ob_stmt *s);
void ob_pg_reset(struct ob_stmt *s, bool clear);
void ob_pg_bind(struct ob_stmt *s, int n, const char *text, bool copy,
		unsigned oid);
void ob_pg_bind_int64(struct ob_stmt *s, int n, int64_t v);
const char *ob_pg_column(struct ob_stmt *s, int col);
bool ob_pg_column_null(struct ob_stmt *s, int col);

static inline int ob_sql_step(struct ob_stmt *s)
{
	return s->lite ? sqlite3_step(s->lite) : ob_pg_step(s);
}

/* Ready to run again, with its bindings kept. */
static inline void ob_sql_reset(struct ob_stmt *s)
{
	if (s->lite)
		sqlite3_reset(s->lite);
	else
		ob_pg_reset(s, false);
}

/* Ready to run again, every parameter NULL. */
static inline void ob_sql_clear(struct ob_stmt *s)
{
	if (s->lite) {
		sqlite3_reset(s->lite);
		sqlite3_clear_bindings(s->lite);
	} else {
		ob_pg_reset(s, true);
	}
}

static inline void ob_sql_bind_int64(struct ob_stmt *s, int n, int64_t v)
{
	if (s->lite)
		sqlite3_bind_int64(s->lite, n, v);
	else
		ob_pg_bind_int64(s, n, v);
}

static inline void ob_sql_bind_null(struct ob_stmt *s, int n)
{
	if (s->lite)
		sqlite3_bind_null(s->lite, n);
	else
		ob_pg_bind(s, n, NULL, false, 0);
}

/* text must outlive the step; NULL binds NULL. */
static inline void ob_sql_bind_text(struct ob_stmt *s, int n, const char *text)
{
	if (s->lite) {
		if (text)
			sqlite3_bind_text(s->lite, n, text, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(s->lite, n);
	} else {
		ob_pg_bind(s, n, text, false, 25 /* text */);
	}
}

/* The same with a copy: text may go before the step. */
static inline void ob_sql_bind_copy(struct ob_stmt *s, int n, const char *text)
{
	if (s->lite) {
		if (text)
			sqlite3_bind_text(s->lite, n, text, -1,
					  SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(s->lite, n);
	} else {
		ob_pg_bind(s, n, text, true, 25);
	}
}

static inline bool ob_sql_column_null(struct ob_stmt *s, int col)
{
	if (s->lite)
		return sqlite3_column_type(s->lite, col) == SQLITE_NULL;
	return ob_pg_column_null(s, col);
}

/* NULL for NULL; valid until the next step or reset. */
static inline const char *ob_sql_column_text(struct ob_stmt *s, int col)
{
	if (s->lite)
		return (const char *)sqlite3_column_text(s->lite, col);
	return ob_pg_column(s, col);
}

int64_t ob_pg_column_int64(struct ob_stmt *s, int col);

/* 0 for NULL, as SQLite; a boolean is 0 or 1. */
static inline int64_t ob_sql_column_int64(struct ob_stmt *s, int col)
{
	if (s->lite)
		return sqlite3_column_int64(s->lite, col);
	return ob_pg_column_int64(s, col);
}

static inline int ob_sql_column_int(struct ob_stmt *s, int col)
{
	return (int)ob_sql_column_int64(s, col);
}

#endif
