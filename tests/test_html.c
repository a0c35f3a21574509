/* The HTML pages' pieces: escaping, the page's frame, the SVG bars. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "onboard/html.h"

static void test_text(void **state)
{
	struct ob_buf b = {0};
	(void)state;
	ob_html_text(&b, "Beta <Two> & \"Co\" 'x' é");
	assert_string_equal(b.data, "Beta &lt;Two&gt; &amp; &quot;Co&quot; "
				    "&#39;x&#39; é");
	ob_buf_release(&b);
}

static void test_page(void **state)
{
	struct ob_buf b = {0};
	(void)state;
	ob_html_begin(&b, "a < b");
	ob_html_end(&b);
	assert_true(strncmp(b.data, "<!DOCTYPE html>\n", 16) == 0);
	assert_non_null(strstr(b.data, "<title>a &lt; b</title>"));
	/* Self-contained: nothing a browser would fetch. */
	assert_null(strstr(b.data, "src="));
	assert_null(strstr(b.data, "href="));
	assert_null(strstr(b.data, "url("));
	assert_string_equal(b.data + b.len - 15, "</body></html>\n");
	ob_buf_release(&b);
}

static void test_bar(void **state)
{
	static const char *const colors[] = {"#111", "#222", "#333"};
	static const char *const names[] = {"churned", "kept", "a&b"};
	const int counts[] = {3, 0, 1000};
	struct ob_buf b = {0};
	(void)state;
	/* max 4000: 3 is 0.3 px, drawn 2; 0 is not drawn; 1000 is 100. */
	ob_svg_bar(&b, 10, "<red>", counts, colors, names, 3, 4000);
	assert_string_equal(
		b.data,
		"<text x=\"150\" y=\"25\" text-anchor=\"end\">&lt;red&gt;</text>"
		"<rect x=\"160\" y=\"10\" width=\"2\" height=\"20\" "
		"fill=\"#111\"><title>3 churned</title></rect>"
		"<rect x=\"162\" y=\"10\" width=\"100\" height=\"20\" "
		"fill=\"#333\"><title>1000 a&amp;b</title></rect>"
		"<text x=\"268\" y=\"25\">1003</text>");
	ob_buf_release(&b);
}

static void test_bar_empty(void **state)
{
	static const char *const colors[] = {"#111"};
	static const char *const names[] = {"any"};
	const int counts[] = {0};
	struct ob_buf b = {0};
	(void)state;
	ob_svg_bar(&b, 0, "none", counts, colors, names, 1, 0);
	assert_string_equal(b.data,
			    "<text x=\"150\" y=\"15\" text-anchor=\"end\">none"
			    "</text><text x=\"166\" y=\"15\">0</text>");
	ob_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_bar),
		cmocka_unit_test(test_bar_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
