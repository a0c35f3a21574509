/*
 * The JSON layer of the import readers: every case of JSONTestSuite's
 * test_parsing (tests/fixtures/jsontestsuite) gets the verdict the suite
 * asks for, taken as the JSON Lines reader takes a line (UTF-8 first,
 * then jansson); and the paths and texts the source maps read.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "onboard/json.h"

#define SUITE "tests/fixtures/jsontestsuite"

static bool accepted(const char *text, size_t len)
{
	struct ob_err err;
	json_t *v;
	if (memchr(text, '\0', len) || !ob_utf8_valid(text, len))
		return false;
	v = ob_json_parse(text, len, false, &err);
	if (!v) {
		assert_int_equal(err.code, OB_EDATA);
		assert_non_null(strstr(err.msg, "at column"));
		return false;
	}
	json_decref(v);
	return true;
}

static void suite_verdicts(void **state)
{
	DIR *d = opendir(SUITE);
	struct dirent *e;
	int counts[3] = {0}, wrong = 0;
	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		const char *name = e->d_name;
		char path[512];
		char *text;
		size_t len;
		struct ob_err err;
		bool ok;
		if (name[0] != 'y' && name[0] != 'n' && name[0] != 'i')
			continue;
		if (name[1] != '_')
			continue;
		snprintf(path, sizeof(path), "%s/%s", SUITE, name);
		assert_int_equal(ob_read_file(path, 1 << 20, &text, &len, &err),
				 0);
		ok = accepted(text, len);
		/* jansson's one limit: a key cannot hold a NUL (json.h). */
		if (strcmp(name, "y_object_escaped_null_in_key.json") == 0)
			ok = !ok;
		if ((name[0] == 'y' && !ok) || (name[0] == 'n' && ok)) {
			print_message("%s: %s\n", name,
				      ok ? "accepted" : "refused");
			wrong++;
		}
		counts[name[0] == 'y' ? 0 : name[0] == 'n' ? 1 : 2]++;
		free(text);
	}
	closedir(d);
	assert_int_equal(wrong, 0);
	/* The whole suite is there: 95 to accept, 188 to refuse, 35 free. */
	assert_int_equal(counts[0], 95);
	assert_int_equal(counts[1], 188);
	assert_int_equal(counts[2], 35);
}

static const char *text_at(json_t *obj, const char *path, struct ob_buf *b)
{
	int r = ob_json_text(ob_json_path(obj, path), b);
	return r > 0 ? b->data : r == 0 ? "(none)" : "(bad)";
}

static void paths_and_texts(void **state)
{
	static const char doc[] =
	    "{\"properties\":{\"account_id\":\"acme\",\"n\":9,\"r\":0.5,"
	    "\"w\":9.0,\"b\":true,\"z\":null,\"l\":[\"first\",\"second\"],"
	    "\"e\":[],\"o\":{\"a\":1}},"
	    "\"groups\":{\"company\":[\"globex\"]},"
	    "\"list\":[{\"k\":\"in a list\"}],\"nul\":\"a\\u0000b\"}";
	struct ob_buf b = {0};
	struct ob_err err;
	json_t *v = ob_json_parse(doc, strlen(doc), false, &err);
	(void)state;
	assert_non_null(v);
	assert_string_equal(text_at(v, "properties.account_id", &b), "acme");
	assert_string_equal(text_at(v, "properties.n", &b), "9");
	assert_string_equal(text_at(v, "properties.r", &b), "0.5");
	/* Reals keep the text SQLite gave them in earlier versions. */
	assert_string_equal(text_at(v, "properties.w", &b), "9.0");
	assert_string_equal(text_at(v, "properties.b", &b), "true");
	assert_string_equal(text_at(v, "properties.z", &b), "(none)");
	assert_string_equal(text_at(v, "properties.l", &b), "first");
	assert_string_equal(text_at(v, "properties.e", &b), "(none)");
	assert_string_equal(text_at(v, "properties.o", &b), "(bad)");
	assert_string_equal(text_at(v, "properties.missing", &b), "(none)");
	assert_string_equal(text_at(v, "groups.company", &b), "globex");
	assert_string_equal(text_at(v, "list.k", &b), "in a list");
	assert_string_equal(text_at(v, "nul", &b), "(bad)");
	assert_string_equal(text_at(v, "properties.account_id.deeper", &b),
			    "(none)");
	json_decref(v);
	ob_buf_release(&b);
}

static void errors_name_the_column(void **state)
{
	struct ob_err err;
	json_t *v;
	(void)state;
	assert_null(ob_json_parse("{\"a\":1,}", 8, false, &err));
	assert_string_equal(err.msg, "malformed JSON at column 8: string or "
				     "'}' expected near '}'");
	assert_null(ob_json_parse("{\"a\":1,\"a\":2}", 13, true, &err));
	assert_non_null(strstr(err.msg, "duplicate object key"));
	/* Valid JSON all the same: the last one counts. */
	v = ob_json_parse("{\"a\":1,\"a\":2}", 13, false, &err);
	assert_int_equal(json_integer_value(json_object_get(v, "a")), 2);
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(suite_verdicts),
	    cmocka_unit_test(paths_and_texts),
	    cmocka_unit_test(errors_name_the_column),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
