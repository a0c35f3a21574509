/* Table, JSON and CSV writers: escaping, quoting, alignment. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "onboard/output.h"
#include "onboard/util.h"

static const struct ob_column cols[] = {
	{"id", "ID", 0, false},
	{"name", "NAME", 8, false},
	{"day", "DAY", 0, true},
	{"hidden", NULL, 0, false},
	{"reasons", "REASONS", 0, false},
	{"status", "STATUS", 0, false},
};

/* Writes two rows in a format and returns what was printed. */
static char *render(enum ob_format format, bool color)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	const char *reasons[] = {"No login", "Light usage"};
	struct ob_out *o = ob_out_begin(f, format, cols, 6, color);
	ob_out_text(o, "acme");
	ob_out_text(o, "Acme, \"Inc\"\n\t\x01");
	ob_out_int(o, 12);
	ob_out_null(o);
	ob_out_list(o, reasons, 2);
	ob_out_status(o, "red");
	ob_out_row_end(o);
	ob_out_text(o, "b");
	ob_out_text(o, "Zoë\033[2J");
	ob_out_int(o, -3);
	ob_out_bool(o, true);
	ob_out_list(o, NULL, 0);
	ob_out_status(o, "green");
	ob_out_row_end(o);
	ob_out_end(o);
	fclose(f);
	return text;
}

static void test_json(void **state)
{
	char *text = render(OB_FORMAT_JSON, true);
	(void)state;
	assert_string_equal(
		text,
		"[\n"
		"{\"id\":\"acme\",\"name\":\"Acme, \\\"Inc\\\"\\n\\t\\u0001\","
		"\"day\":12,\"hidden\":null,\"reasons\":[\"No login\","
		"\"Light usage\"],\"status\":\"red\"},\n"
		"{\"id\":\"b\",\"name\":\"Zoë\\u001b[2J\",\"day\":-3,\"hidden\":true,"
		"\"reasons\":[],\"status\":\"green\"}\n"
		"]\n");
	free(text);
}

static void test_json_empty_and_bad_utf8(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct ob_out *o = ob_out_begin(f, OB_FORMAT_JSON, cols, 6, false);
	struct ob_buf b = {0};
	(void)state;
	ob_out_end(o);
	fclose(f);
	assert_string_equal(text, "[]\n");
	free(text);
	ob_json_string(&b, "a\xff" "b\xc3");
	assert_string_equal(b.data, "\"a\\ufffdb\\ufffd\"");
	ob_buf_release(&b);
}

static void test_csv(void **state)
{
	char *text = render(OB_FORMAT_CSV, true);
	(void)state;
	assert_string_equal(text,
			    "id,name,day,hidden,reasons,status\n"
			    "acme,\"Acme, \"\"Inc\"\"\n\t\x01\",12,,No login; "
			    "Light usage,red\n"
			    "b,Zoë\033[2J,-3,true,,green\n");
	free(text);
}

static void test_table(void **state)
{
	char *text = render(OB_FORMAT_TABLE, false);
	(void)state;
	/* Cut to 8 columns with an ellipsis; numbers to the right; the
	 * column without a heading left out; no trailing blanks. */
	assert_string_equal(text, "ID    NAME      DAY  REASONS                "
				  "STATUS\n"
				  "acme  Acme, \"…   12  No login; Light usage  "
				  "red\n"
				  "b     Zoë?[2J    -3                         "
				  "green\n");
	free(text);
}

static void test_table_color(void **state)
{
	char *text = render(OB_FORMAT_TABLE, true);
	(void)state;
	assert_non_null(strstr(text, "\033[31mred\033[0m\n"));
	assert_non_null(strstr(text, "\033[32mgreen\033[0m\n"));
	free(text);
	/* Never in JSON or CSV. */
	text = render(OB_FORMAT_JSON, true);
	assert_null(strchr(text, '\033'));
	free(text);
}

/* However long the values, a table line fits 80 columns. */
static void test_table_fits(void **state)
{
	static const struct ob_column wide[] = {
		{"a", "ACCOUNT", 30, false}, {"b", "NAME", 40, false},
		{"c", "CSM", 30, false},     {"d", "DAY", 0, true},
		{"e", "REASONS", 60, false},
	};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct ob_out *o = ob_out_begin(f, OB_FORMAT_TABLE, wide, 5, false);
	(void)state;
	for (int r = 0; r < 3; r++) {
		ob_out_text(o, "an-account-id-that-goes-on-and-on");
		ob_out_text(o, "A Name That Is Much Longer Than Anyone Needs");
		ob_out_text(o, "a csm with a long name too");
		ob_out_int(o, 1234);
		ob_out_text(o, "No login since kickoff; Light usage; Slow");
		ob_out_row_end(o);
	}
	ob_out_end(o);
	fclose(f);
	/* 80 columns each: the cut cells end in an ellipsis (3 bytes). */
	assert_string_equal(
		text,
		"ACCOUNT                        NAME    CSM                    "
		"      DAY  REASONS\n"
		"an-account-id-that-goes-on-a\u2026  A Nam\u2026  a csm with a "
		"long name too  1234  No log\u2026\n"
		"an-account-id-that-goes-on-a\u2026  A Nam\u2026  a csm with a "
		"long name too  1234  No log\u2026\n"
		"an-account-id-that-goes-on-a\u2026  A Nam\u2026  a csm with a "
		"long name too  1234  No log\u2026\n");
	free(text);
}

/* Whole numbers are written by hand: the ends of their range too. */
static void test_int_range(void **state)
{
	static const struct ob_column one[] = {{"n", "N", 0, true}};
	static const long long values[] = {0, 7, -1, 10, -10, 1000000,
					   LLONG_MAX, LLONG_MIN};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct ob_out *o = ob_out_begin(f, OB_FORMAT_CSV, one, 1, false);
	(void)state;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		ob_out_int(o, values[i]);
		ob_out_row_end(o);
	}
	ob_out_end(o);
	fclose(f);
	assert_string_equal(text, "n\n0\n7\n-1\n10\n-10\n1000000\n"
				  "9223372036854775807\n"
				  "-9223372036854775808\n");
	free(text);
}

static void expect_visible(const char *in, size_t n, const char *want)
{
	struct ob_buf b = {0};
	ob_buf_add_visible(&b, in, n);
	assert_string_equal(b.data ? b.data : "", want);
	ob_buf_release(&b);
}

/* What messages print of what users gave: nothing a terminal acts on. */
static void test_visible(void **state)
{
	(void)state;
	expect_visible("", 0, "");
	expect_visible("Zoë, 9€ \\ 'x'", 16, "Zoë, 9€ \\ 'x'");
	expect_visible("\a\b\t\n\v\f\r", 7, "\\a\\b\\t\\n\\v\\f\\r");
	expect_visible("\033]0;t\007", 6, "\\033]0;t\\a");
	expect_visible("a\0b\177", 4, "a\\000b\\177");
	/* C1 controls: U+0085 and U+009B (CSI) */
	expect_visible("\302\205\302\233", 4, "\\302\\205\\302\\233");
	/* bidi: U+202E right-to-left override, U+2066 isolate; U+2028 shown */
	expect_visible("\342\200\256\342\201\246\342\200\250", 9,
		       "\\342\\200\\256\\342\\201\\246\342\200\250");
	/* no UTF-8: a lone continuation, an overlong form, a cut sequence */
	expect_visible("\200\300\257\342\202", 5,
		       "\\200\\300\\257\\342\\202");
	expect_visible("\355\240\200", 3, "\\355\\240\\200"); /* a surrogate */
	expect_visible("\360\237\230\200", 4, "\360\237\230\200"); /* U+1F600 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_empty_and_bad_utf8),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_int_range),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_color),
		cmocka_unit_test(test_table_fits),
		cmocka_unit_test(test_visible),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
