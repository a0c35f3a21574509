/* The account map of imports: ids in and out, short and long, growing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "onboard/account_map.h"

static void id_of(char *buf, size_t size, int i)
{
	/* Every fifth id is too long for its slot. */
	if (i % 5 == 4)
		snprintf(buf, size, "salesforce-0015g00000%08d-account", i);
	else
		snprintf(buf, size, "acct-%06d", i);
}

static void test_add_get(void **state)
{
	struct ob_account_map m = {0};
	char id[64];
	(void)state;
	assert_null(ob_account_map_get(&m, "acct-000001"));
	/* Growing from nothing, slots move: every id must survive. */
	for (int i = 0; i < 20000; i++) {
		id_of(id, sizeof(id), i);
		ob_account_map_add(&m, id)->rowid = i + 1;
	}
	assert_int_equal(m.n, 20000);
	assert_true(m.n * 100 <= m.cap * 70);
	for (int i = 0; i < 20000; i++) {
		struct ob_account_slot *s;
		id_of(id, sizeof(id), i);
		s = ob_account_map_get(&m, id);
		assert_non_null(s);
		assert_int_equal(s->rowid, i + 1);
	}
	assert_null(ob_account_map_get(&m, "acct-020000"));
	assert_null(ob_account_map_get(&m, "acct-00000"));
	assert_null(ob_account_map_get(&m, "salesforce-0015g0000000000004"));
	ob_account_map_release(&m);
	assert_null(ob_account_map_get(&m, "acct-000001"));
}

/* A 23-byte id fits its slot, a 24-byte one does not: both are found. */
static void test_edge_lengths(void **state)
{
	struct ob_account_map m = {0};
	const char *fits = "abcdefghijklmnopqrstuvw";
	const char *over = "abcdefghijklmnopqrstuvwx";
	(void)state;
	ob_account_map_add(&m, fits)->rowid = 1;
	ob_account_map_add(&m, over)->rowid = 2;
	assert_null(ob_account_map_get(&m, fits)->long_id);
	assert_non_null(ob_account_map_get(&m, over)->long_id);
	assert_int_equal(ob_account_map_get(&m, fits)->rowid, 1);
	assert_int_equal(ob_account_map_get(&m, over)->rowid, 2);
	ob_account_map_release(&m);
}

/* Reserved room is not grown again, and keeps what was there. */
static void test_reserve(void **state)
{
	struct ob_account_map m = {0};
	char id[64];
	size_t cap;
	(void)state;
	ob_account_map_add(&m, "first")->playbook = 7;
	ob_account_map_reserve(&m, 1001);
	cap = m.cap;
	assert_int_equal(ob_account_map_get(&m, "first")->playbook, 7);
	for (int i = 0; i < 1000; i++) {
		id_of(id, sizeof(id), i);
		ob_account_map_add(&m, id);
	}
	assert_int_equal(m.cap, cap);
	assert_int_equal(m.n, 1001);
	ob_account_map_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_get),
		cmocka_unit_test(test_edge_lengths),
		cmocka_unit_test(test_reserve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
