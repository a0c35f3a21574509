/*
 * src/sql.c, what does not need a server: the text PostgreSQL is given
 * (parameters renumbered, INSERT OR IGNORE rewritten, literals left
 * alone), SQLite's least() and greatest() with PostgreSQL's meaning, and
 * COPY's escaping. A PostgreSQL server's answers are the command tests'
 * (tests/cli/pg.sh and the PostgreSQL half).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../src/sql.h"

/*
 * The text a PostgreSQL statement is prepared with: a connection that
 * is never used (prepare sends nothing; a step would).
 */
static char *pg_text(const char *text, int *nparams)
{
	struct ob_sql c = {.pg = (PGconn *)&c};
	struct ob_stmt *s;
	char *out;
	assert_int_equal(ob_sql_prepare(&c, text, &s), SQLITE_OK);
	out = strdup(s->text);
	*nparams = s->nparams;
	ob_sql_finalize(s);
	return out;
}

static void check_pg(const char *text, const char *want, int want_params)
{
	int n;
	char *got = pg_text(text, &n);
	assert_string_equal(got, want);
	assert_int_equal(n, want_params);
	free(got);
}

static void test_parameters(void **state)
{
	(void)state;
	check_pg("SELECT ?1, ?2", "SELECT $1, $2", 2);
	/* Numbered in order of first use; gaps closed (?99 is the day). */
	check_pg("SELECT ?99 WHERE a = ?1 AND b = ?1 OR c = ?7",
		 "SELECT $1 WHERE a = $2 AND b = $2 OR c = $3", 3);
	/* A bare ? is the next number, as SQLite counts. */
	check_pg("VALUES (?2, ?, ?)", "VALUES ($1, $2, $3)", 3);
	/* Nothing inside a literal or a quoted name is a parameter. */
	check_pg("SELECT '?1', \"a?2\", 'it''s ?3', ?4",
		 "SELECT '?1', \"a?2\", 'it''s ?3', $1", 1);
	check_pg("SELECT 1", "SELECT 1", 0);
}

static void test_insert_or_ignore(void **state)
{
	(void)state;
	check_pg("INSERT OR IGNORE INTO t (a) VALUES (?1)",
		 "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING", 1);
	check_pg("  INSERT OR IGNORE INTO t SELECT a FROM u",
		 "INSERT INTO t SELECT a FROM u ON CONFLICT DO NOTHING", 0);
	/* Only a statement that starts so. */
	check_pg("SELECT 'INSERT OR IGNORE INTO'",
		 "SELECT 'INSERT OR IGNORE INTO'", 0);
}

static char *lite_value(struct ob_sql *c, const char *expr)
{
	struct ob_stmt *s;
	char *text = xasprintf("SELECT %s", expr), *out;
	const char *v;
	assert_int_equal(ob_sql_prepare(c, text, &s), SQLITE_OK);
	if (ob_sql_step(s) != SQLITE_ROW) {
		out = strdup("error");
	} else {
		v = ob_sql_column_text(s, 0);
		out = strdup(v ? v : "NULL");
	}
	ob_sql_finalize(s);
	free(text);
	return out;
}

static void check_lite(struct ob_sql *c, const char *expr, const char *want)
{
	char *got = lite_value(c, expr);
	assert_string_equal(got, want);
	free(got);
}

static void test_least_greatest(void **state)
{
	struct ob_sql c;
	(void)state;
	assert_int_equal(ob_sql_open_sqlite(&c, ":memory:",
					    SQLITE_OPEN_READWRITE |
						    SQLITE_OPEN_CREATE),
			 SQLITE_OK);
	check_lite(&c, "least(3, 1, 2)", "1");
	check_lite(&c, "greatest(3, 1, 2)", "3");
	/* NULLs ignored, as PostgreSQL does; SQLite's min() would be NULL. */
	check_lite(&c, "least(NULL, 5)", "5");
	check_lite(&c, "greatest(7, NULL)", "7");
	check_lite(&c, "least(NULL, NULL)", "NULL");
	check_lite(&c, "greatest(-9223372036854775808, 9223372036854775807)",
		   "9223372036854775807");
	/* Integers only: anything else is an error, never a guess. */
	check_lite(&c, "least(1, 'a')", "error");
	ob_sql_close(&c);
}

static void test_copy_text(void **state)
{
	struct ob_buf b = {0};
	(void)state;
	ob_sql_copy_text(&b, "a\tb\nc\rd\\e \"f\" 'g' \\N");
	assert_string_equal(b.data, "a\\tb\\nc\\rd\\\\e \"f\" 'g' \\\\N");
	ob_buf_release(&b);
}

static void test_copy_int(void **state)
{
	struct ob_buf b = {0};
	(void)state;
	ob_sql_copy_text(&b, "");
	ob_sql_copy_text(&b, "\\");
	ob_buf_addc(&b, ' ');
	ob_sql_copy_int(&b, 0);
	ob_buf_addc(&b, ' ');
	ob_sql_copy_int(&b, -1);
	ob_buf_addc(&b, ' ');
	ob_sql_copy_int(&b, 1794787200000000);
	ob_buf_addc(&b, ' ');
	ob_sql_copy_int(&b, INT64_MAX);
	ob_buf_addc(&b, ' ');
	ob_sql_copy_int(&b, INT64_MIN);
	assert_string_equal(b.data, "\\\\ 0 -1 1794787200000000 "
				    "9223372036854775807 -9223372036854775808");
	ob_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parameters),
		cmocka_unit_test(test_insert_or_ignore),
		cmocka_unit_test(test_least_greatest),
		cmocka_unit_test(test_copy_text),
		cmocka_unit_test(test_copy_int),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
