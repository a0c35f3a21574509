/*
 * The storage layer: schema, migrations, playbooks, accounts. With
 * ONBOARD_TEST_STORE (a PostgreSQL URI: the PostgreSQL half of make
 * check) the tests of a store's contents run on that database, emptied
 * before each; those of SQLite's files stay on files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "onboard/store.h"
#include "onboard/summary.h"

static int setup(void **state)
{
	const char *uri = getenv("ONBOARD_TEST_STORE");
	const char *db = ":memory:";
	struct ob_store *st;
	struct ob_err err;
	if (uri && *uri) {
		char *cmd = xasprintf("psql -qAtX '%s' -c 'DROP SCHEMA public "
				      "CASCADE; CREATE SCHEMA public' "
				      ">/dev/null 2>&1",
				      uri);
		int rc = system(cmd);
		free(cmd);
		if (rc != 0) {
			print_error("cannot empty '%s'\n", uri);
			return -1;
		}
		db = uri;
	}
	if (ob_store_open(db, OB_STORE_CREATE, &st, &err) < 0) {
		print_error("%s\n", err.msg);
		return -1;
	}
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	ob_store_close(*state);
	return 0;
}

static void add_playbook(struct ob_store *st, const char *name)
{
	struct ob_err err;
	bool replaced;
	assert_int_equal(ob_store_begin(st, &err), 0);
	assert_int_equal(ob_store_playbook_put(st, name, "source", "file.yaml",
					       &replaced, &err),
			 0);
	assert_int_equal(ob_store_commit(st, &err), 0);
}

static void test_playbooks(void **state)
{
	struct ob_store *st = *state;
	struct ob_playbook_row row = {0};
	struct ob_err err;
	int64_t n;
	bool replaced;

	assert_int_equal(ob_store_playbook_count(st, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(ob_store_playbook_get(st, NULL, &row, &err), -1);
	assert_int_equal(err.code, OB_EDATA);
	assert_non_null(strstr(err.msg, "no playbook loaded"));

	add_playbook(st, "first");
	add_playbook(st, "second");
	/* The first one loaded is the default. */
	assert_int_equal(ob_store_playbook_get(st, NULL, &row, &err), 0);
	assert_string_equal(row.name, "first");
	assert_true(row.is_default);
	ob_playbook_row_release(&row);

	/* Loading the same name replaces it, and keeps it the default. */
	assert_int_equal(ob_store_begin(st, &err), 0);
	assert_int_equal(ob_store_playbook_put(st, "first", "v2", "new.yaml",
					       &replaced, &err),
			 0);
	assert_true(replaced);
	assert_int_equal(ob_store_commit(st, &err), 0);
	assert_int_equal(ob_store_playbook_count(st, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ob_store_playbook_get(st, "first", &row, &err), 0);
	assert_string_equal(row.source, "v2");
	assert_string_equal(row.origin, "new.yaml");
	assert_true(row.is_default);
	ob_playbook_row_release(&row);

	assert_int_equal(ob_store_playbook_set_default(st, "second", &err), 0);
	assert_int_equal(ob_store_playbook_get(st, NULL, &row, &err), 0);
	assert_string_equal(row.name, "second");
	ob_playbook_row_release(&row);
	assert_int_equal(ob_store_playbook_set_default(st, "third", &err), -1);
	assert_int_equal(err.code, OB_EDATA);
	assert_string_equal(err.msg, "unknown playbook 'third'");
	/* A failed change leaves the default as it was. */
	assert_int_equal(ob_store_playbook_get(st, NULL, &row, &err), 0);
	assert_string_equal(row.name, "second");
	ob_playbook_row_release(&row);
}

static struct ob_account make_account(const char *id, const char *tier,
				      const char *csm, int64_t playbook)
{
	struct ob_account a = {0};
	a.id = (char *)id;
	a.name = (char *)"Name with 'quotes', commas; DROP TABLE account;--";
	a.tier = (char *)tier;
	a.kickoff = 20000;
	a.csm = (char *)csm;
	a.playbook_id = playbook;
	a.status = OB_ACTIVE;
	return a;
}

static int collect(void *ctx, const struct ob_account *a)
{
	char *ids = ctx;
	strcat(ids, a->id);
	strcat(ids, " ");
	return 0;
}

static void test_accounts(void **state)
{
	struct ob_store *st = *state;
	struct ob_playbook_row row = {0};
	struct ob_account a, got = {0};
	struct ob_account_filter all = {.status = -1};
	struct ob_err err;
	char ids[256] = "";

	add_playbook(st, "pb");
	assert_int_equal(ob_store_playbook_get(st, "pb", &row, &err), 0);
	assert_int_equal(ob_store_begin(st, &err), 0);
	a = make_account("b-corp", "mid", "dana", row.id);
	assert_int_equal(ob_store_account_insert(st, &a, &err), 0);
	a = make_account("a-corp", "high", NULL, row.id);
	assert_int_equal(ob_store_account_insert(st, &a, &err), 0);
	a = make_account("c-corp", "mid", "lee", row.id);
	a.status = OB_PAUSED;
	assert_int_equal(ob_store_account_insert(st, &a, &err), 0);
	/* A taken id is invalid data, not a database failure. */
	a = make_account("a-corp", "high", NULL, row.id);
	assert_int_equal(ob_store_account_insert(st, &a, &err), -1);
	assert_int_equal(err.code, OB_EDATA);
	assert_string_equal(err.msg, "account 'a-corp' already exists");
	assert_int_equal(ob_store_commit(st, &err), 0);

	assert_int_equal(ob_store_account_get(st, "b-corp", false, &got, &err),
			 0);
	assert_string_equal(got.name,
			    "Name with 'quotes', commas; DROP TABLE account;--");
	assert_string_equal(got.csm, "dana");
	assert_null(got.contact);
	assert_int_equal(got.kickoff, 20000);
	assert_string_equal(got.playbook, "pb");
	got.csm = (free(got.csm), NULL);
	got.tier = (free(got.tier), strdup("high"));
	assert_int_equal(ob_store_account_update(st, &got, &err), 0);
	ob_account_release(&got);
	assert_int_equal(ob_store_account_get(st, "b-corp", false, &got, &err),
			 0);
	assert_null(got.csm);
	assert_string_equal(got.tier, "high");
	ob_account_release(&got);

	assert_int_equal(ob_store_account_get(st, "nope", true, &got, &err), 1);
	assert_int_equal(ob_store_account_get(st, "nope", false, &got, &err),
			 -1);
	assert_int_equal(err.code, OB_EDATA);
	assert_string_equal(err.msg, "unknown account 'nope'");

	assert_int_equal(ob_store_account_list(st, &all, collect, ids, &err), 0);
	assert_string_equal(ids, "a-corp b-corp c-corp ");
	ids[0] = '\0';
	all.tier = "mid";
	assert_int_equal(ob_store_account_list(st, &all, collect, ids, &err), 0);
	assert_string_equal(ids, "c-corp ");
	ids[0] = '\0';
	all.tier = NULL;
	all.status = OB_ACTIVE;
	assert_int_equal(ob_store_account_list(st, &all, collect, ids, &err), 0);
	assert_string_equal(ids, "a-corp b-corp ");
	ids[0] = '\0';
	all.csm = "lee";
	assert_int_equal(ob_store_account_list(st, &all, collect, ids, &err), 0);
	assert_string_equal(ids, "");
	ob_playbook_row_release(&row);
}

static void test_rollback(void **state)
{
	struct ob_store *st = *state;
	struct ob_err err;
	int64_t n;
	bool replaced;
	assert_int_equal(ob_store_begin(st, &err), 0);
	assert_int_equal(ob_store_playbook_put(st, "gone", "s", "o", &replaced,
					       &err),
			 0);
	ob_store_rollback(st);
	assert_int_equal(ob_store_playbook_count(st, &n, &err), 0);
	assert_int_equal(n, 0);
	ob_store_rollback(st); /* harmless with no transaction */
}

/* A scratch directory per test, removed at the end. */
static char scratch[64];

static int scratch_setup(void **state)
{
	(void)state;
	strcpy(scratch, "/tmp/onboard-test-XXXXXX");
	return mkdtemp(scratch) ? 0 : -1;
}

static int scratch_teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_create_private(void **state)
{
	struct ob_store *st;
	struct ob_err err;
	struct stat sb;
	char path[192], dir[128];
	mode_t old = umask(077);
	(void)state;
	snprintf(dir, sizeof(dir), "%s/a/b", scratch);
	snprintf(path, sizeof(path), "%s/onboard.db", dir);
	assert_int_equal(ob_store_open(path, OB_STORE_EXISTING, &st, &err), -1);
	assert_int_equal(err.code, OB_ENOINPUT);
	assert_int_equal(stat(dir, &sb), -1); /* nothing created */
	assert_int_equal(ob_store_open(path, OB_STORE_CREATE, &st, &err), 0);
	assert_true(ob_store_created(st));
	ob_store_close(st);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	/* Opening again migrates nothing and creates nothing. */
	assert_int_equal(ob_store_open(path, OB_STORE_EXISTING, &st, &err), 0);
	assert_false(ob_store_created(st));
	ob_store_close(st);
	umask(old);
}

static void set_user_version(const char *path, int version)
{
	sqlite3 *db;
	char sql[64];
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_schema_versions(void **state)
{
	struct ob_store *st;
	struct ob_err err;
	char path[128];
	sqlite3 *db;
	FILE *f;
	(void)state;
	snprintf(path, sizeof(path), "%s/new.db", scratch);
	assert_int_equal(ob_store_open(path, OB_STORE_CREATE, &st, &err), 0);
	ob_store_close(st);
	/* A newer file than this binary knows is refused, untouched. */
	set_user_version(path, ob_store_schema_version() + 1);
	assert_int_equal(ob_store_open(path, OB_STORE_EXISTING, &st, &err), -1);
	assert_int_equal(err.code, OB_EFAIL);
	assert_non_null(strstr(err.msg, "newer than this onboard knows"));

	/* Someone else's SQLite database is not ours to write into. */
	snprintf(path, sizeof(path), "%s/other.db", scratch);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL,
				      NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(ob_store_open(path, OB_STORE_EXISTING, &st, &err), -1);
	assert_non_null(strstr(err.msg, "but not onboard's"));
	/* Left as it was: not even switched to WAL. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	{
		sqlite3_stmt *s;
		sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(s, 0),
				    "delete");
		sqlite3_finalize(s);
	}
	sqlite3_close(db);

	/* An empty file is no database for a command that reads. */
	snprintf(path, sizeof(path), "%s/empty.db", scratch);
	f = fopen(path, "w");
	fclose(f);
	assert_int_equal(ob_store_open(path, OB_STORE_EXISTING, &st, &err), -1);
	assert_int_equal(err.code, OB_ENOINPUT);
	assert_non_null(strstr(err.msg, "is empty"));

	/* Nor is a file that is not a database at all. */
	snprintf(path, sizeof(path), "%s/text.db", scratch);
	f = fopen(path, "w");
	fputs("this is not a database, just some text that is long enough "
	      "to have a header of its own .................................\n",
	      f);
	fclose(f);
	assert_int_equal(ob_store_open(path, OB_STORE_EXISTING, &st, &err), -1);
	assert_int_equal(err.code, OB_EFAIL);
	assert_non_null(strstr(err.msg, "not an onboard database"));
}

/* A writer holding the lock past the timeout makes another writer busy. */
static void test_busy(void **state)
{
	struct ob_store *a, *b;
	struct ob_err err;
	char path[128];
	(void)state;
	snprintf(path, sizeof(path), "%s/busy.db", scratch);
	assert_int_equal(ob_store_open(path, OB_STORE_CREATE, &a, &err), 0);
	assert_int_equal(ob_store_open(path, OB_STORE_EXISTING, &b, &err), 0);
	ob_store_set_busy_timeout(b, 200); /* the 5 s default, shortened */
	assert_int_equal(ob_store_begin(a, &err), 0);
	assert_int_equal(ob_store_begin(b, &err), -1);
	assert_int_equal(err.code, OB_EBUSY);
	assert_non_null(strstr(err.msg, "try again"));
	ob_store_rollback(a);
	ob_store_close(a);
	ob_store_close(b);
}

/*
 * An event queued after lookups that grew the account cache: the cache
 * moved, what the store kept of the account must not have (ASan).
 */
static void test_event_after_lookups(void **state)
{
	struct ob_store *st = *state;
	struct ob_playbook_row row = {0};
	struct ob_account a = {0};
	struct ob_account_ref ref;
	struct ob_event ev = {0};
	struct ob_err err;
	int64_t added, duplicates;
	char id[32];

	add_playbook(st, "pb");
	assert_int_equal(ob_store_playbook_get(st, "pb", &row, &err), 0);
	assert_int_equal(ob_store_begin(st, &err), 0);
	a = make_account("kept", "mid", NULL, row.id);
	assert_int_equal(ob_store_account_insert(st, &a, &err), 0);
	assert_int_equal(ob_store_account_ref(st, "kept", &ref, &err), 0);
	for (int i = 0; i < 200; i++) {
		struct ob_account_ref none;
		snprintf(id, sizeof(id), "unknown-%d", i);
		assert_int_equal(ob_store_account_ref(st, id, &none, &err), 1);
	}
	ev.account = ref.rowid;
	ev.type = 1;
	ev.at = 1000000;
	ev.value = "";
	ev.ext_id = "";
	assert_int_equal(ob_store_event_add(st, &ev, &err), 0);
	assert_int_equal(ob_store_event_add(st, &ev, &err), 0);
	assert_int_equal(ob_store_events_flush(st, &added, &duplicates, &err),
			 0);
	assert_int_equal(added, 1);
	assert_int_equal(duplicates, 1);
	assert_int_equal(ob_store_commit(st, &err), 0);
	ob_playbook_row_release(&row);
}

/* A summary's counts go to text and come back whole; bad text is refused. */
static void test_summary_counts(void **state)
{
	static const char *const bad[] = {
		"1:", ":3", "1:3;", "x", "1:3,2", "-1:2", "1:+2", " 1:2",
		"1:1234567890123456789", "99999999999:1",
	};
	struct ob_summary s = {0};
	struct ob_buf b = {0};
	(void)state;
	assert_true(ob_summary_counts_parse(&s, "1:3,2:10,101:7,"));
	assert_int_equal(s.known[1], 3);
	assert_int_equal(s.known[2], 10);
	assert_int_equal(s.ncustom, 1);
	assert_int_equal(s.custom[0].type, 101);
	assert_int_equal(s.custom[0].n, 7);
	ob_summary_counts_text(&s, &b);
	assert_string_equal(b.data, "1:3,2:10,101:7");
	ob_summary_release(&s);
	assert_true(ob_summary_counts_parse(&s, ""));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ob_summary t = {0};
		if (ob_summary_counts_parse(&t, bad[i]))
			fail_msg("accepted '%s'", bad[i]);
		ob_summary_release(&t);
	}
	ob_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_playbooks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accounts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_private,
						scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_schema_versions,
						scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_busy, scratch_setup,
						scratch_teardown),
		cmocka_unit_test_setup_teardown(test_event_after_lookups, setup,
						teardown),
		cmocka_unit_test(test_summary_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
