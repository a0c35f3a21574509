/*
 * The JSON layer of the import readers: every case of JSONTestSuite's
 * test_parsing (tests/fixtures/jsontestsuite) gets the verdict the suite
 * asks for, taken as the readers take a line (UTF-8 first, then yajl
 * into a document), and the cases it leaves free the verdicts earlier
 * versions gave; and the paths and texts the source maps read.
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

static bool accepted(const char *text, size_t len, struct ob_jdoc *doc)
{
	struct ob_err err;
	if (memchr(text, '\0', len) || !ob_utf8_valid(text, len))
		return false;
	if (!ob_jdoc_parse(doc, text, len, &err)) {
		assert_int_equal(err.code, OB_EDATA);
		assert_non_null(strstr(err.msg, "at column"));
		return false;
	}
	return true;
}

/*
 * The free cases earlier versions accepted (they parsed with jansson);
 * they refused the 32 others.
 */
static bool accepted_before(const char *name)
{
	return strcmp(name, "i_number_double_huge_neg_exp.json") == 0 ||
	       strcmp(name, "i_number_real_underflow.json") == 0 ||
	       strcmp(name, "i_structure_500_nested_arrays.json") == 0;
}

static void suite_verdicts(void **state)
{
	struct ob_jdoc *doc = ob_jdoc_new();
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
		ok = accepted(text, len, doc);
		if ((name[0] == 'y' && !ok) || (name[0] == 'n' && ok) ||
		    (name[0] == 'i' && ok != accepted_before(name))) {
			print_message("%s: %s\n", name,
				      ok ? "accepted" : "refused");
			wrong++;
		}
		counts[name[0] == 'y' ? 0 : name[0] == 'n' ? 1 : 2]++;
		free(text);
	}
	closedir(d);
	ob_jdoc_free(doc);
	assert_int_equal(wrong, 0);
	/* The whole suite is there: 95 to accept, 188 to refuse, 35 free. */
	assert_int_equal(counts[0], 95);
	assert_int_equal(counts[1], 188);
	assert_int_equal(counts[2], 35);
}

static const char *text_at(const struct ob_jdoc *d, const struct ob_jnode *obj,
			   const char *path, struct ob_buf *b)
{
	int r = ob_jdoc_text(d, ob_jdoc_path(d, obj, path), b);
	return r > 0 ? b->data : r == 0 ? "(none)" : "(bad)";
}

static void paths_and_texts(void **state)
{
	static const char doc[] =
	    "{\"properties\":{\"account_id\":\"acme\",\"n\":9,\"r\":0.5,"
	    "\"w\":9.0,\"b\":true,\"z\":null,\"l\":[\"first\",\"second\"],"
	    "\"e\":[],\"o\":{\"a\":1}},"
	    "\"groups\":{\"company\":[\"globex\"]},"
	    "\"list\":[{\"k\":\"in a list\"}],\"nul\":\"a\\u0000b\","
	    "\"twice\":1,\"twice\":2,\"neg\":-0,\"big\":1e2,"
	    "\"\\u00e9t\\u00e9\":\"\\ud83d\\ude00\"}";
	struct ob_buf b = {0};
	struct ob_err err;
	struct ob_jdoc *d = ob_jdoc_new();
	const struct ob_jnode *v = ob_jdoc_parse(d, doc, strlen(doc), &err);
	(void)state;
	assert_non_null(v);
	assert_string_equal(text_at(d, v, "properties.account_id", &b), "acme");
	assert_string_equal(text_at(d, v, "properties.n", &b), "9");
	assert_string_equal(text_at(d, v, "properties.r", &b), "0.5");
	/* Reals keep the text SQLite gave them in earlier versions. */
	assert_string_equal(text_at(d, v, "properties.w", &b), "9.0");
	assert_string_equal(text_at(d, v, "properties.b", &b), "true");
	assert_string_equal(text_at(d, v, "properties.z", &b), "(none)");
	assert_string_equal(text_at(d, v, "properties.l", &b), "first");
	assert_string_equal(text_at(d, v, "properties.e", &b), "(none)");
	assert_string_equal(text_at(d, v, "properties.o", &b), "(bad)");
	assert_string_equal(text_at(d, v, "properties.missing", &b), "(none)");
	assert_string_equal(text_at(d, v, "groups.company", &b), "globex");
	assert_string_equal(text_at(d, v, "list.k", &b), "in a list");
	assert_string_equal(text_at(d, v, "nul", &b), "(bad)");
	assert_string_equal(text_at(d, v, "properties.account_id.deeper", &b),
			    "(none)");
	/* As earlier versions gave them: the last of a repeated key, -0 as 0. */
	assert_string_equal(text_at(d, v, "twice", &b), "2");
	assert_string_equal(text_at(d, v, "neg", &b), "0");
	assert_string_equal(text_at(d, v, "big", &b), "100.0");
	assert_string_equal(text_at(d, v, "\xc3\xa9t\xc3\xa9", &b),
			    "\xf0\x9f\x98\x80");
	assert_string_equal(ob_jdoc_kind(ob_jdoc_path(d, v, "properties.o")),
			    "an object");
	assert_string_equal(ob_jdoc_kind(ob_jdoc_path(d, v, "list")), "a list");
	/* The document is reused: the next line replaces it. */
	v = ob_jdoc_parse(d, "[\"x\"]", 5, &err);
	assert_non_null(v);
	assert_string_equal(ob_jdoc_kind(v), "a list");
	assert_null(ob_jdoc_path(d, v, "properties"));
	ob_jdoc_free(d);
	ob_buf_release(&b);
}

static void errors_name_the_column(void **state)
{
	static const struct {
		const char *line, *msg;
	} cases[] = {
	    {"{\"a\":1,}", "malformed JSON at column 8: parse error: invalid "
			    "object key (must be a string)"},
	    {"{\"a\":x}", "malformed JSON at column 6: lexical error: invalid "
			   "char in json text."},
	    {"{\"type\":", "malformed JSON at column 9: the line ends before "
			    "the value is complete"},
	    {"   ", "malformed JSON at column 4: the line ends before the "
		    "value is complete"},
	    {"{} x", "malformed JSON at column 4: parse error: trailing "
		     "garbage"},
	    {"{\"a\":\"\\udc00\"}", "malformed JSON at column 13: invalid "
				     "Unicode escape"},
	    {"{\"a\":\"\\\\\\ud800?\"}", "malformed JSON at column 16: "
					   "invalid Unicode escape"},
	    {"[123456789012345678901]", "malformed JSON at column 22: too big "
					"an integer"},
	    {"[1e999]", "malformed JSON at column 6: real number overflow"},
	    {"[1,\v2]", "malformed JSON at column 4: lexical error: invalid "
			"char in json text."},
	};
	struct ob_jdoc *d = ob_jdoc_new();
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ob_err err = {0};
		assert_null(ob_jdoc_parse(d, cases[i].line,
					  strlen(cases[i].line), &err));
		assert_int_equal(err.code, OB_EDATA);
		assert_string_equal(err.msg, cases[i].msg);
	}
	/* Lines cut inside an escape, after a string yajl decoded: the
	 * surrogate check reads no byte past them (exactly sized here). */
	{
		static const char *const cut[] = {"[\"\\u00e9\",\"\\u",
						  "[\"\\u00e9\",\"\\",
						  "[\"\\u00e9\",\"\\ud8"};
		for (size_t i = 0; i < 3; i++) {
			size_t n = strlen(cut[i]);
			char *line = malloc(n);
			struct ob_err err;
			memcpy(line, cut[i], n);
			assert_null(ob_jdoc_parse(d, line, n, &err));
			free(line);
		}
	}
	/* An escaped backslash before "ud800" is no escape. */
	{
		struct ob_err err;
		assert_non_null(ob_jdoc_parse(d, "[\"\\\\ud800?\"]", 12, &err));
	}
	ob_jdoc_free(d);
}

/*
 * UTF-8 is checked eight bytes at a time where they are ASCII: strings of
 * random valid characters at every length and offset are valid, and stay
 * so exactly until one byte that UTF-8 never holds (0xff), a lone
 * continuation byte or a cut sequence is put anywhere in them.
 */
static void utf8_at_every_offset(void **state)
{
	static const char *const chars[] = {"a", "Z", " ", "\xc3\xa9",
					    "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
	unsigned seed = 7;
	(void)state;
	for (int round = 0; round < 2000; round++) {
		char buf[96];
		bool boundary[96] = {true};
		size_t n = 0, cut;
		seed = seed * 1103515245 + 12345;
		while (n < 64 + (seed >> 16) % 24) {
			const char *c = chars[(seed >> 8) % 6];
			seed = seed * 1103515245 + 12345;
			memcpy(buf + n, c, strlen(c));
			n += strlen(c);
			boundary[n] = true;
		}
		/* Every prefix and suffix: valid where it cuts no character. */
		for (size_t off = 0; off <= n; off++) {
			assert_int_equal(ob_utf8_valid(buf, off), boundary[off]);
			assert_int_equal(ob_utf8_valid(buf + off, n - off),
					 boundary[off]);
		}
		cut = (seed >> 4) % n;
		{
			char bad[96];
			memcpy(bad, buf, n);
			bad[cut] = (char)0xff;
			assert_false(ob_utf8_valid(bad, n));
			bad[cut] = (char)0x80;
			/* A continuation byte after ASCII or at the start. */
			if (cut == 0 || (unsigned char)buf[cut - 1] < 0x80)
				assert_false(ob_utf8_valid(bad, n));
		}
		/* The last character cut short. */
		if ((unsigned char)buf[n - 1] >= 0x80)
			assert_false(ob_utf8_valid(buf, n - 1));
	}
	/* Overlong forms and surrogates, straddling a word. */
	assert_false(ob_utf8_valid("abcdefg\xc0\x80", 9));
	assert_false(ob_utf8_valid("abcdefg\xed\xa0\x80", 10));
	assert_true(ob_utf8_valid("abcdefg\xed\x9f\xbf", 10));
}

/* Nesting deeper than OB_JSON_DEPTH_MAX is refused, never a crash. */
static void deep_nesting(void **state)
{
	size_t n = OB_JSON_DEPTH_MAX;
	char *text = malloc(2 * n);
	struct ob_jdoc *d = ob_jdoc_new();
	struct ob_err err;
	(void)state;
	memset(text, '[', n);
	memset(text + n, ']', n);
	assert_non_null(ob_jdoc_parse(d, text, 2 * n, &err));
	assert_null(ob_jdoc_parse(d, text, 2 * n - 1, &err));
	free(text);
	n++;
	text = malloc(2 * n);
	memset(text, '[', n);
	memset(text + n, ']', n);
	assert_null(ob_jdoc_parse(d, text, 2 * n, &err));
	assert_string_equal(err.msg, "malformed JSON at column 2049: nested "
				     "deeper than 2048");
	ob_jdoc_free(d);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(suite_verdicts),
	    cmocka_unit_test(paths_and_texts),
	    cmocka_unit_test(errors_name_the_column),
	    cmocka_unit_test(deep_nesting),
	    cmocka_unit_test(utf8_at_every_offset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
