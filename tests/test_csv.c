/* The RFC 4180 reader: quoting, line ends, and every malformed case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "onboard/csv.h"

/* Reads every record of text and renders it as "a|b|c;" per record, or
 * "!LINE:MESSAGE;" per error, so one string compares the whole result. */
static char *read_all(const char *text, size_t len)
{
	FILE *f = fmemopen((void *)text, len, "rb");
	struct ob_csv *r = ob_csv_open(f);
	struct ob_csv_record rec;
	struct ob_err err;
	struct ob_buf out = {0};
	int n;
	while ((n = ob_csv_read(r, &rec, &err)) != 0) {
		if (n < 0) {
			ob_buf_addf(&out, "!%ld:%s;", ob_csv_line(r), err.msg);
			continue;
		}
		ob_buf_addf(&out, "%ld>", rec.line);
		for (size_t i = 0; i < rec.nfields; i++)
			ob_buf_addf(&out, "%s%s", i ? "|" : "", rec.fields[i]);
		ob_buf_addc(&out, ';');
	}
	ob_csv_close(r);
	fclose(f);
	return ob_buf_detach(&out);
}

static void check(const char *text, const char *expected)
{
	char *got = read_all(text, strlen(text));
	if (strcmp(got, expected) != 0)
		fail_msg("input %s\n got  %s\n want %s", text, got, expected);
	free(got);
}

static void test_plain(void **state)
{
	(void)state;
	check("a,b,c\n1,2,3\n", "1>a|b|c;2>1|2|3;");
	check("a,b,c\n1,2,3", "1>a|b|c;2>1|2|3;"); /* no final newline */
	check("a,,c\n,,\n", "1>a||c;2>||;");
	check("", "");
	check("\n", "1>;"); /* a blank line is one empty field */
	check("a\n\nb\n", "1>a;2>;3>b;");
	check(" a , b \n", "1> a | b ;"); /* spaces are data */
}

static void test_quoting(void **state)
{
	(void)state;
	check("\"a,b\",c\n", "1>a,b|c;");
	check("\"say \"\"hi\"\"\",x\n", "1>say \"hi\"|x;");
	check("\"two\nlines\",x\nnext,y\n", "1>two\nlines|x;3>next|y;");
	check("\"\",x\n", "1>|x;");
	check("\"crlf\r\ninside\",x\r\n", "1>crlf\r\ninside|x;");
	check("\"\"\"\"\n", "1>\";");
}

static void test_line_ends_and_bom(void **state)
{
	(void)state;
	check("a,b\r\n1,2\r\n", "1>a|b;2>1|2;");
	check("\xef\xbb\xbf" "id,name\n1,x\n", "1>id|name;2>1|x;");
	check("a,b\r\n1,2", "1>a|b;2>1|2;");
	/* A BOM is only a BOM at the very start. */
	check("a\n\xef\xbb\xbf" "b\n", "1>a;2>\xef\xbb\xbf" "b;");
}

static void test_errors(void **state)
{
	(void)state;
	check("a,\"open\n", "!1:unterminated quoted field;");
	check("a,\"open\nstill\n", "!1:unterminated quoted field;");
	check("ok\nab\"c\nfine\n",
	      "1>ok;!2:quote in an unquoted field (quote the whole field and "
	      "write \"\" for a quote);3>fine;");
	check("\"a\"b,c\nx\n",
	      "!1:text after a closing quote (a quote inside a field is "
	      "written \"\");2>x;");
	check("a\rb\nc\n",
	      "!1:carriage return not followed by a line feed;2>c;");
	check("x\n\xff\xfe,y\nz\n", "1>x;!2:invalid UTF-8;3>z;");
	check("x\n\"\xc3\",y\n", "1>x;!2:invalid UTF-8;");
}

static void test_nul(void **state)
{
	static const char text[] = "a,b\nc\0d,e\nf,g\n";
	char *got;
	(void)state;
	got = read_all(text, sizeof(text) - 1);
	assert_string_equal(got, "1>a|b;!2:NUL byte in the data;3>f|g;");
	free(got);
}

/* A 10 MB line is refused with its line, and the reader goes on. */
static void test_long_line(void **state)
{
	size_t n = 10 * 1024 * 1024;
	char *text = malloc(n + 16), *got;
	(void)state;
	strcpy(text, "h\n");
	memset(text + 2, 'x', n);
	strcpy(text + 2 + n, "\nok\n");
	got = read_all(text, strlen(text));
	assert_string_equal(got, "1>h;!2:record longer than 1048576 bytes;3>ok;");
	free(got);
	free(text);
}

/* Many records reuse one buffer: fields stay right as it grows. */
static void test_many(void **state)
{
	struct ob_buf in = {0};
	FILE *f;
	struct ob_csv *r;
	struct ob_csv_record rec;
	struct ob_err err;
	long count = 0;
	(void)state;
	for (int i = 0; i < 5000; i++)
		ob_buf_addf(&in, "acct-%d,\"v,%d\",%*d\n", i, i, i % 300, i);
	f = fmemopen(in.data, in.len, "rb");
	r = ob_csv_open(f);
	while (ob_csv_read(r, &rec, &err) == 1) {
		char want[32];
		snprintf(want, sizeof(want), "acct-%ld", count);
		assert_string_equal(rec.fields[0], want);
		assert_int_equal(rec.nfields, 3);
		assert_int_equal(rec.line, count + 1);
		count++;
	}
	assert_int_equal(count, 5000);
	ob_csv_close(r);
	fclose(f);
	ob_buf_release(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_line_ends_and_bom),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
