/*
 * sql: statements on SQLite or PostgreSQL (see sql.h). PostgreSQL runs
 * every statement as a prepared one in text format, with the parameter
 * types the first bindings gave (int8, text), prepared again under a new
 * name if a later binding differs: a NULL takes its parameter's type so
 * far, so a statement settles after a binding or two.
 */
#include "sql.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onboard/util.h"

#define OID_INT8 20

/* --- libpq, loaded when first needed ----------------------------------- */

/*
 * libpq and what it links (OpenSSL, Kerberos, LDAP: 5.5 MiB resident)
 * are loaded by the first PostgreSQL connection, not at start-up: an
 * SQLite user pays nothing for team mode. The build still checks every
 * call against libpq-fe.h.
 */
static struct {
	__typeof__(PQclear) *PQclear;
	__typeof__(PQcmdTuples) *PQcmdTuples;
	__typeof__(PQconnectdb) *PQconnectdb;
	__typeof__(PQconnectionNeedsPassword) *PQconnectionNeedsPassword;
	__typeof__(PQconnectionUsedPassword) *PQconnectionUsedPassword;
	__typeof__(PQerrorMessage) *PQerrorMessage;
	__typeof__(PQexec) *PQexec;
	__typeof__(PQexecParams) *PQexecParams;
	__typeof__(PQexecPrepared) *PQexecPrepared;
	__typeof__(PQfinish) *PQfinish;
	__typeof__(PQfname) *PQfname;
	__typeof__(PQgetResult) *PQgetResult;
	__typeof__(PQgetisnull) *PQgetisnull;
	__typeof__(PQgetvalue) *PQgetvalue;
	__typeof__(PQnfields) *PQnfields;
	__typeof__(PQntuples) *PQntuples;
	__typeof__(PQprepare) *PQprepare;
	__typeof__(PQputCopyData) *PQputCopyData;
	__typeof__(PQputCopyEnd) *PQputCopyEnd;
	__typeof__(PQresultErrorField) *PQresultErrorField;
	__typeof__(PQresultErrorMessage) *PQresultErrorMessage;
	__typeof__(PQresultStatus) *PQresultStatus;
	__typeof__(PQsetNoticeReceiver) *PQsetNoticeReceiver;
	__typeof__(PQstatus) *PQstatus;
	__typeof__(PQtransactionStatus) *PQtransactionStatus;
} libpq;

static bool libpq_loaded;

/* NULL when loaded, else why not. */
static const char *load_libpq(void)
{
	void *lib;
	if (libpq_loaded)
		return NULL;
	if (!(lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL)))
		return dlerror();
#define LOAD(f)                                                                \
	do {                                                                   \
		*(void **)&libpq.f = dlsym(lib, #f);                           \
		if (!libpq.f)                                                  \
			return "libpq.so.5 lacks " #f;                          \
	} while (0)
	LOAD(PQclear);
	LOAD(PQcmdTuples);
	LOAD(PQconnectdb);
	LOAD(PQconnectionNeedsPassword);
	LOAD(PQconnectionUsedPassword);
	LOAD(PQerrorMessage);
	LOAD(PQexec);
	LOAD(PQexecParams);
	LOAD(PQexecPrepared);
	LOAD(PQfinish);
	LOAD(PQfname);
	LOAD(PQgetResult);
	LOAD(PQgetisnull);
	LOAD(PQgetvalue);
	LOAD(PQnfields);
	LOAD(PQntuples);
	LOAD(PQprepare);
	LOAD(PQputCopyData);
	LOAD(PQputCopyEnd);
	LOAD(PQresultErrorField);
	LOAD(PQresultErrorMessage);
	LOAD(PQresultStatus);
	LOAD(PQsetNoticeReceiver);
	LOAD(PQstatus);
	LOAD(PQtransactionStatus);
#undef LOAD
	libpq_loaded = true;
	return NULL;
}

#define PQclear (libpq.PQclear)
#define PQcmdTuples (libpq.PQcmdTuples)
#define PQconnectdb (libpq.PQconnectdb)
#define PQconnectionNeedsPassword (libpq.PQconnectionNeedsPassword)
#define PQconnectionUsedPassword (libpq.PQconnectionUsedPassword)
#define PQerrorMessage (libpq.PQerrorMessage)
#define PQexec (libpq.PQexec)
#define PQexecParams (libpq.PQexecParams)
#define PQexecPrepared (libpq.PQexecPrepared)
#define PQfinish (libpq.PQfinish)
#define PQfname (libpq.PQfname)
#define PQgetResult (libpq.PQgetResult)
#define PQgetisnull (libpq.PQgetisnull)
#define PQgetvalue (libpq.PQgetvalue)
#define PQnfields (libpq.PQnfields)
#define PQntuples (libpq.PQntuples)
#define PQprepare (libpq.PQprepare)
#define PQputCopyData (libpq.PQputCopyData)
#define PQputCopyEnd (libpq.PQputCopyEnd)
#define PQresultErrorField (libpq.PQresultErrorField)
#define PQresultErrorMessage (libpq.PQresultErrorMessage)
#define PQresultStatus (libpq.PQresultStatus)
#define PQsetNoticeReceiver (libpq.PQsetNoticeReceiver)
#define PQstatus (libpq.PQstatus)
#define PQtransactionStatus (libpq.PQtransactionStatus)

/* --- SQLite ------------------------------------------------------------- */

/*
 * least() and greatest() as PostgreSQL has them, NULLs ignored, for the
 * integers the store compares: SQLite's scalar min() and max() are NULL
 * when any argument is, and PostgreSQL has no such spelling.
 */
static void pick_integer(sqlite3_context *ctx, int argc, sqlite3_value **argv,
			 int sign)
{
	sqlite3_int64 best = 0;
	bool have = false;
	for (int i = 0; i < argc; i++) {
		int type = sqlite3_value_type(argv[i]);
		sqlite3_int64 v;
		if (type == SQLITE_NULL)
			continue;
		if (type != SQLITE_INTEGER) {
			sqlite3_result_error(ctx, "least() and greatest() "
						  "compare integers", -1);
			return;
		}
		v = sqlite3_value_int64(argv[i]);
		if (!have || (sign < 0 ? v < best : v > best))
			best = v;
		have = true;
	}
	if (have)
		sqlite3_result_int64(ctx, best);
	else
		sqlite3_result_null(ctx);
}

static void least_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	pick_integer(ctx, argc, argv, -1);
}

static void greatest_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	pick_integer(ctx, argc, argv, 1);
}

int ob_sql_open_sqlite(struct ob_sql *c, const char *path, int flags)
{
	const int fn = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	int rc;
	memset(c, 0, sizeof(*c));
	rc = sqlite3_open_v2(path, &c->lite, flags, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_extended_result_codes(c->lite, 1);
	rc = sqlite3_create_function(c->lite, "least", -1, fn, NULL, least_fn,
				     NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(c->lite, "greatest", -1, fn, NULL,
					     greatest_fn, NULL, NULL);
	return rc;
}

/* --- PostgreSQL: errors ------------------------------------------------- */

static void set_error(struct ob_sql *c, const char *msg, const char *state)
{
	size_t n;
	free(c->error);
	c->error = xstrdup(msg && *msg ? msg : "unknown error");
	/* libpq's messages end in a newline, some with a second line. */
	n = strcspn(c->error, "\n");
	c->error[n] = '\0';
	if (strncmp(c->error, "ERROR:  ", 8) == 0)
		memmove(c->error, c->error + 8, strlen(c->error + 8) + 1);
	snprintf(c->sqlstate, sizeof(c->sqlstate), "%s", state ? state : "");
}

/* The nearest SQLite code for a failed result (r may be NULL). */
static int pg_fail(struct ob_sql *c, PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	set_error(c, r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg),
		  state);
	if (PQstatus(c->pg) != CONNECTION_OK || !state ||
	    strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
		return OB_SQL_LOST;
	if (!strcmp(state, "55P03") || !strcmp(state, "40001") ||
	    !strcmp(state, "40P01"))
		return SQLITE_BUSY;
	if (!strcmp(state, "23505"))
		return SQLITE_CONSTRAINT_UNIQUE;
	if (!strcmp(state, "23503"))
		return SQLITE_CONSTRAINT_FOREIGNKEY;
	if (!strcmp(state, "23502"))
		return SQLITE_CONSTRAINT_NOTNULL;
	if (!strcmp(state, "23514"))
		return SQLITE_CONSTRAINT_CHECK;
	if (strncmp(state, "23", 2) == 0)
		return SQLITE_CONSTRAINT;
	if (!strcmp(state, "53100"))
		return SQLITE_FULL;
	if (strncmp(state, "28", 2) == 0)
		return SQLITE_AUTH;
	if (!strcmp(state, "25006")) /* a standby's */
		return SQLITE_READONLY;
	return SQLITE_ERROR;
}

/* Whether a result is a success; the rows changed noted. */
static int pg_result(struct ob_sql *c, PGresult *r)
{
	ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
		c->changes = strtoll(PQcmdTuples(r), NULL, 10);
		return SQLITE_OK;
	}
	return pg_fail(c, r);
}

/* Notices (an IF NOT EXISTS that found it) are not for the user. */
static void quiet(void *arg, const PGresult *r)
{
	(void)arg;
	(void)r;
}

int ob_sql_open_pg(struct ob_sql *c, const char *uri)
{
	const char *why;
	memset(c, 0, sizeof(*c));
	if ((why = load_libpq())) {
		c->error = xasprintf("PostgreSQL's client library is not here "
				     "(install libpq5): %s",
				     why);
		return SQLITE_AUTH;
	}
	c->pg = PQconnectdb(uri);
	if (!c->pg) {
		set_error(c, "out of memory", NULL);
		return OB_SQL_LOST;
	}
	if (PQstatus(c->pg) != CONNECTION_OK) {
		const char *msg = PQerrorMessage(c->pg);
		set_error(c, msg, NULL);
		/* libpq has no SQLSTATE for a refused login. */
		if (PQconnectionUsedPassword(c->pg) ||
		    PQconnectionNeedsPassword(c->pg) ||
		    strstr(msg, "authentication failed") ||
		    strstr(msg, "does not exist"))
			return SQLITE_AUTH;
		return OB_SQL_LOST;
	}
	PQsetNoticeReceiver(c->pg, quiet, NULL);
	return SQLITE_OK;
}

void ob_sql_close(struct ob_sql *c)
{
	if (c->lite)
		sqlite3_close(c->lite);
	if (c->pg)
		PQfinish(c->pg);
	free(c->error);
	memset(c, 0, sizeof(*c));
}

const char *ob_sql_errmsg(struct ob_sql *c)
{
	if (c->lite)
		return sqlite3_errmsg(c->lite);
	return c->error ? c->error : "no error";
}

int ob_sql_exec(struct ob_sql *c, const char *text)
{
	PGresult *r;
	int rc;
	if (c->lite)
		return sqlite3_exec(c->lite, text, NULL, NULL, NULL);
	r = PQexec(c->pg, text);
	rc = pg_result(c, r);
	PQclear(r);
	return rc;
}

bool ob_sql_in_transaction(struct ob_sql *c)
{
	if (c->lite)
		return !sqlite3_get_autocommit(c->lite);
	return PQtransactionStatus(c->pg) != PQTRANS_IDLE;
}

bool ob_sql_failed_transaction(struct ob_sql *c)
{
	return c->pg && PQtransactionStatus(c->pg) == PQTRANS_INERROR;
}

int64_t ob_sql_changes(struct ob_sql *c)
{
	return c->lite ? sqlite3_changes64(c->lite) : c->changes;
}

int ob_sql_copy(struct ob_sql *c, const char *command, const char *data,
		size_t len)
{
	PGresult *r = PQexec(c->pg, command);
	int rc;
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		rc = pg_result(c, r);
		PQclear(r);
		return rc == SQLITE_OK ? SQLITE_ERROR : rc;
	}
	PQclear(r);
	if (PQputCopyData(c->pg, data, (int)len) != 1 ||
	    PQputCopyEnd(c->pg, NULL) != 1)
		return pg_fail(c, NULL);
	rc = SQLITE_OK;
	/* The COPY's result, then NULL: every result must be read. */
	while ((r = PQgetResult(c->pg))) {
		int one = pg_result(c, r);
		if (rc == SQLITE_OK)
			rc = one;
		PQclear(r);
	}
	return rc;
}

/* Text for COPY: a backslash, a tab and line ends escaped. */
void ob_sql_copy_text(struct ob_buf *b, const char *text)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\\\t\n\r");
		ob_buf_add(b, p, n);
		p += n;
		if (!*p)
			break;
		ob_buf_addc(b, '\\');
		ob_buf_addc(b, *p == '\\' ? '\\'
			       : *p == '\t' ? 't'
			       : *p == '\n' ? 'n'
					    : 'r');
		p++;
	}
}

/* An import's millions of rows: printf's share of it was a quarter. */
void ob_sql_copy_int(struct ob_buf *b, int64_t v)
{
	char digits[24];
	size_t n = sizeof(digits);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	do
		digits[--n] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		digits[--n] = '-';
	ob_buf_add(b, digits + n, sizeof(digits) - n);
}

void ob_sql_copier_init(struct ob_sql_copier *w, struct ob_sql *c,
			const char *command)
{
	memset(w, 0, sizeof(*w));
	w->conn = c;
	w->command = command;
}

static void copier_send(struct ob_sql_copier *w)
{
	if (w->rc == SQLITE_OK && w->rows.len)
		w->rc = ob_sql_copy(w->conn, w->command, w->rows.data,
				    w->rows.len);
	ob_buf_reset(&w->rows);
}

void ob_sql_copier_row(struct ob_sql_copier *w)
{
	if (w->rows.len >= OB_SQL_COPY_CHUNK)
		copier_send(w);
}

int ob_sql_copier_finish(struct ob_sql_copier *w)
{
	copier_send(w);
	ob_buf_release(&w->rows);
	return w->rc;
}

/* --- PostgreSQL: statements --------------------------------------------- */

static bool starts_with_word(const char *p, const char *word)
{
	size_t n = strlen(word);
	return strncmp(p, word, n) == 0;
}

/*
 * The text for PostgreSQL: ?N as $k, numbered in order of first use
 * (PostgreSQL wants every $k used, SQLite leaves gaps), and INSERT OR
 * IGNORE as ON CONFLICT DO NOTHING at the end.
 */
static void translate(struct ob_stmt *s, const char *text)
{
	struct ob_buf out = {0};
	const char *p = text;
	bool ignore = false;
	char quote = 0;
	while (*p == ' ' || *p == '\n' || *p == '\t')
		p++;
	if (starts_with_word(p, "INSERT OR IGNORE INTO")) {
		ob_buf_adds(&out, "INSERT INTO");
		p += strlen("INSERT OR IGNORE INTO");
		ignore = true;
	}
	for (; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			ob_buf_addc(&out, *p);
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = *p;
			ob_buf_addc(&out, *p);
			continue;
		}
		if (*p == '?') {
			int n = 0;
			char num[8];
			while (p[1] >= '0' && p[1] <= '9' && n < 1000)
				n = n * 10 + (*++p - '0');
			if (n == 0)
				n = s->max_param + 1;
			if (n > OB_SQL_MAX_PARAM)
				abort(); /* a store's text, not input */
			if (!s->map[n])
				s->map[n] = (unsigned char)++s->nparams;
			if (n > s->max_param)
				s->max_param = n;
			snprintf(num, sizeof(num), "$%d", s->map[n]);
			ob_buf_adds(&out, num);
			continue;
		}
		ob_buf_addc(&out, *p);
	}
	if (ignore)
		ob_buf_adds(&out, " ON CONFLICT DO NOTHING");
	s->text = ob_buf_detach(&out);
}

int ob_sql_prepare(struct ob_sql *c, const char *text, struct ob_stmt **out)
{
	struct ob_stmt *s = xcalloc(1, sizeof(*s));
	int rc;
	s->conn = c;
	*out = NULL;
	if (c->lite) {
		rc = sqlite3_prepare_v3(c->lite, text, -1,
					SQLITE_PREPARE_PERSISTENT, &s->lite,
					NULL);
		if (rc != SQLITE_OK) {
			free(s);
			return rc;
		}
		s->max_param = sqlite3_bind_parameter_count(s->lite);
		*out = s;
		return SQLITE_OK;
	}
	translate(s, text);
	if (s->nparams) {
		size_t n = (size_t)s->nparams;
		s->values = xcalloc(n, sizeof(*s->values));
		s->owned = xcalloc(n, sizeof(*s->owned));
		s->ints = xcalloc(n, sizeof(*s->ints));
		s->types = xcalloc(n, sizeof(*s->types));
		s->prepared = xcalloc(n, sizeof(*s->prepared));
	}
	*out = s;
	return SQLITE_OK;
}

int ob_sql_prepare_stream(struct ob_sql *c, const char *text,
			  struct ob_stmt **out)
{
	int rc = ob_sql_prepare(c, text, out);
	if (rc == SQLITE_OK && c->pg)
		(*out)->stream = true;
	return rc;
}

int ob_sql_column_count(struct ob_stmt *s)
{
	if (s->lite)
		return sqlite3_column_count(s->lite);
	return s->res ? PQnfields(s->res) : 0;
}

const char *ob_sql_column_name(struct ob_stmt *s, int col)
{
	if (s->lite)
		return sqlite3_column_name(s->lite, col);
	return s->res ? PQfname(s->res, col) : NULL;
}

void ob_sql_finalize(struct ob_stmt *s)
{
	if (!s)
		return;
	if (s->lite) {
		sqlite3_finalize(s->lite);
	} else {
		ob_pg_reset(s, true);
		free(s->values);
		free(s->owned);
		free(s->ints);
		free(s->types);
		free(s->prepared);
		free(s->text);
	}
	free(s);
}

int ob_sql_param_count(struct ob_stmt *s)
{
	return s->max_param;
}

/* Closes a stream's cursor, if its transaction still has it. */
static void close_cursor(struct ob_stmt *s)
{
	char text[32];
	if (!s->open)
		return;
	s->open = false;
	if (PQtransactionStatus(s->conn->pg) != PQTRANS_INTRANS)
		return;
	snprintf(text, sizeof(text), "CLOSE %s", s->cursor);
	PQclear(PQexec(s->conn->pg, text));
}

void ob_pg_reset(struct ob_stmt *s, bool clear)
{
	close_cursor(s);
	if (s->res)
		PQclear(s->res);
	s->res = NULL;
	s->executed = false;
	if (!clear)
		return;
	for (int k = 0; k < s->nparams; k++) {
		free(s->owned[k]);
		s->owned[k] = NULL;
		s->values[k] = NULL;
		s->types[k] = s->prepared[k];
	}
}

void ob_pg_bind(struct ob_stmt *s, int n, const char *text, bool copy,
		unsigned oid)
{
	int k = n > 0 && n <= OB_SQL_MAX_PARAM ? s->map[n] - 1 : -1;
	if (k < 0)
		return; /* not in the text */
	free(s->owned[k]);
	s->owned[k] = NULL;
	if (text && copy)
		text = s->owned[k] = xstrdup(text);
	s->values[k] = text;
	/* A NULL keeps the parameter's type: no new statement for it. */
	s->types[k] = text ? oid : s->prepared[k];
}

void ob_pg_bind_int64(struct ob_stmt *s, int n, int64_t v)
{
	int k = n > 0 && n <= OB_SQL_MAX_PARAM ? s->map[n] - 1 : -1;
	if (k < 0)
		return;
	snprintf(s->ints[k], sizeof(s->ints[k]), "%lld", (long long)v);
	ob_pg_bind(s, n, s->ints[k], false, OID_INT8);
}

/* Prepares the text on the server for the types bound, if not yet. */
static int pg_prepare(struct ob_stmt *s)
{
	struct ob_sql *c = s->conn;
	PGresult *r;
	int rc;
	if (s->name[0] && (!s->nparams || !memcmp(s->types, s->prepared,
						  (size_t)s->nparams *
							  sizeof(*s->types))))
		return SQLITE_OK;
	snprintf(s->name, sizeof(s->name), "ob%d", ++c->named);
	r = PQprepare(c->pg, s->name, s->text, s->nparams,
		      (const Oid *)s->types);
	rc = pg_result(c, r);
	PQclear(r);
	if (rc != SQLITE_OK) {
		s->name[0] = '\0';
		return rc;
	}
	if (s->nparams)
		memcpy(s->prepared, s->types,
		       (size_t)s->nparams * sizeof(*s->types));
	return SQLITE_OK;
}

/* A stream's next batch: SQLITE_ROW, or SQLITE_DONE with it closed. */
static int fetch(struct ob_stmt *s)
{
	char text[48];
	int rc;
	PQclear(s->res);
	snprintf(text, sizeof(text), "FETCH 2048 FROM %s", s->cursor);
	s->res = PQexec(s->conn->pg, text);
	rc = pg_result(s->conn, s->res);
	if (rc != SQLITE_OK) {
		PQclear(s->res);
		s->res = NULL;
		s->open = false;
		return rc;
	}
	s->row = 0;
	s->nrows = PQntuples(s->res);
	if (s->nrows > 0)
		return SQLITE_ROW;
	close_cursor(s);
	return SQLITE_DONE;
}

static int plain_step(struct ob_stmt *s);

/*
 * Outside a transaction a cursor would not outlive its DECLARE: the rows
 * come whole then, as any statement's.
 */
static int stream_step(struct ob_stmt *s)
{
	struct ob_buf text = {0};
	PGresult *r;
	int rc;
	if (s->executed) {
		if (s->res && ++s->row < s->nrows)
			return SQLITE_ROW;
		return s->open ? fetch(s) : SQLITE_DONE;
	}
	if (PQtransactionStatus(s->conn->pg) != PQTRANS_INTRANS)
		return plain_step(s);
	s->executed = true;
	snprintf(s->cursor, sizeof(s->cursor), "obc%d", ++s->conn->named);
	ob_buf_addf(&text, "DECLARE %s NO SCROLL CURSOR FOR %s", s->cursor,
		    s->text);
	r = PQexecParams(s->conn->pg, text.data, s->nparams,
			 (const Oid *)s->types, s->values, NULL, NULL, 0);
	ob_buf_release(&text);
	rc = pg_result(s->conn, r);
	PQclear(r);
	if (rc != SQLITE_OK)
		return rc;
	s->open = true;
	return fetch(s);
}

int ob_pg_step(struct ob_stmt *s)
{
	return s->stream ? stream_step(s) : plain_step(s);
}

static int plain_step(struct ob_stmt *s)
{
	int rc;
	if (s->executed) {
		if (s->res && ++s->row < s->nrows)
			return SQLITE_ROW;
		return SQLITE_DONE;
	}
	s->executed = true;
	rc = pg_prepare(s);
	if (rc != SQLITE_OK)
		return rc;
	s->res = PQexecPrepared(s->conn->pg, s->name, s->nparams, s->values,
				NULL, NULL, 0);
	rc = pg_result(s->conn, s->res);
	if (rc != SQLITE_OK) {
		PQclear(s->res);
		s->res = NULL;
		return rc;
	}
	s->row = 0;
	s->nrows = PQresultStatus(s->res) == PGRES_TUPLES_OK
			   ? PQntuples(s->res)
			   : 0;
	return s->nrows > 0 ? SQLITE_ROW : SQLITE_DONE;
}

bool ob_pg_column_null(struct ob_stmt *s, int col)
{
	return PQgetisnull(s->res, s->row, col);
}

const char *ob_pg_column(struct ob_stmt *s, int col)
{
	if (!s->res || s->row >= s->nrows || col >= PQnfields(s->res) ||
	    PQgetisnull(s->res, s->row, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

int64_t ob_pg_column_int64(struct ob_stmt *s, int col)
{
	const char *v = ob_pg_column(s, col);
	if (!v)
		return 0;
	/* Booleans come as t and f. */
	if (v[0] == 't' && !v[1])
		return 1;
	if (v[0] == 'f' && !v[1])
		return 0;
	return strtoll(v, NULL, 10);
}
