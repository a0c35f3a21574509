/*
 * Messages: addresses, encoded and folded headers, transfer encodings,
 * Message-IDs, subjects and the mbox form. The command tests parse whole
 * messages with Python's email package; these pin the bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "onboard/date.h"
#include "onboard/mail.h"
#include "onboard/util.h"

/* 2026-12-01T09:15:00Z */
#define DATE ((int64_t)1796116500)

static void test_addresses(void **state)
{
	static const char *const good[] = {
	    "a@b",
	    "nora@northwind.example",
	    "o'brien+x@mail.co.uk",
	    "a.b.c@x-y.z",
	    "x@localhost",
	};
	static const char *const bad[] = {
	    "",
	    "a",
	    "@b",
	    "a@",
	    "a@@b",
	    "a b@c",
	    "a..b@c",
	    ".a@c",
	    "a.@c",
	    "a@-b",
	    "a@b-",
	    "a@b..c",
	    "jos\xc3\xa9@x.org",
	    "a@b\n",
	    "a<b>@c",
	    "\"a\"@c",
	    "a@[1.2.3.4]",
	    "a@b_c",
	};
	char long_local[80];
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(ob_mail_addr_valid(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(ob_mail_addr_valid(bad[i]));
	memset(long_local, 'x', 65);
	strcpy(long_local + 65, "@b");
	assert_false(ob_mail_addr_valid(long_local));
	memmove(long_local + 1, long_local + 65, 3);
	assert_true(ob_mail_addr_valid(long_local));
	assert_string_equal(ob_mail_domain("a@b.example"), "b.example");
}

static void test_mailbox_parse(void **state)
{
	struct ob_mailbox m;
	(void)state;
	assert_null(ob_mailbox_parse("  team@acme.example ", &m));
	assert_null(m.name);
	assert_string_equal(m.addr, "team@acme.example");
	ob_mailbox_release(&m);
	assert_null(
	    ob_mailbox_parse("Acme Onboarding <team@acme.example>", &m));
	assert_string_equal(m.name, "Acme Onboarding");
	assert_string_equal(m.addr, "team@acme.example");
	ob_mailbox_release(&m);
	assert_null(
	    ob_mailbox_parse("\"Acme, \\\"Inc\\\"\" <t@a.example>", &m));
	assert_string_equal(m.name, "Acme, \"Inc\"");
	ob_mailbox_release(&m);
	assert_null(ob_mailbox_parse("Zoë Ærø <z@a.example>", &m));
	assert_string_equal(m.name, "Zoë Ærø");
	ob_mailbox_release(&m);
	assert_non_null(ob_mailbox_parse("Team <team@acme.example", &m));
	assert_non_null(ob_mailbox_parse("Team team@acme.example>", &m));
	assert_non_null(ob_mailbox_parse("\"Team <t@a.example>", &m));
	assert_non_null(ob_mailbox_parse("Te\"am <t@a.example>", &m));
	assert_non_null(ob_mailbox_parse("Team\n <t@a.example>", &m));
	assert_non_null(ob_mailbox_parse("Team <not an address>", &m));
	assert_non_null(ob_mailbox_parse("", &m));
	assert_null(m.addr);
}

static char *build(const struct ob_mail *m)
{
	struct ob_buf b = {0};
	ob_mail_build(m, &b);
	return ob_buf_detach(&b);
}

static void test_plain_message(void **state)
{
	static const struct ob_mail_header extra[] = {
	    {"X-Onboard-Account", "acme"},
	    {"X-Onboard-Checkin", "first-check"},
	};
	struct ob_mail m = {
	    .from_name = "Acme Onboarding",
	    .from_addr = "team@acme.example",
	    .to_name = "Jo Park",
	    .to_addr = "jo@customer.example",
	    .reply_name = "Dana Smith",
	    .reply_addr = "dana@acme.example",
	    .subject = "Acme Corp: your first days",
	    .date = DATE,
	    .message_id = "<onboard.acme.first-check.20261201@acme.example>",
	    .extra = extra,
	    .nextra = 2,
	    .body = "Hi Jo,\n\nWelcome.",
	};
	char *text = build(&m);
	(void)state;
	assert_string_equal(
	    text,
	    "From: Acme Onboarding <team@acme.example>\n"
	    "To: Jo Park <jo@customer.example>\n"
	    "Reply-To: Dana Smith <dana@acme.example>\n"
	    "Subject: Acme Corp: your first days\n"
	    "Date: Tue, 01 Dec 2026 09:15:00 +0000\n"
	    "Message-ID: <onboard.acme.first-check.20261201@acme.example>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: 7bit\n"
	    "X-Onboard-Account: acme\n"
	    "X-Onboard-Checkin: first-check\n"
	    "\n"
	    "Hi Jo,\n\nWelcome.\n");
	free(text);
}

/* Every line of text within max bytes. */
static void assert_lines_within(const char *text, size_t max)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		if (n > max)
			fail_msg("a line of %zu bytes: %.*s", n, (int)n, p);
		p += n + (p[n] == '\n');
	}
}

static void test_encoded_headers(void **state)
{
	struct ob_mail m = {
	    .from_addr = "team@acme.example",
	    .to_name = "Zoë \"Z\" Ærø",
	    .to_addr = "z@customer.example",
	    .subject = "Überprüfung der ersten Woche: ein sehr langer Betreff "
		       "mit Umlauten, äöü, damit er gefaltet werden muss",
	    .date = DATE,
	    .message_id = "<x@acme.example>",
	    .body = "ok\n",
	};
	char *text = build(&m), *subject;
	(void)state;
	assert_non_null(strstr(text, "From: team@acme.example\n"));
	assert_non_null(strstr(text, "To: =?UTF-8?B?"));
	subject = strstr(text, "Subject: =?UTF-8?B?");
	assert_non_null(subject);
	/* Folded into several encoded words, each line within 76. */
	assert_non_null(strstr(subject, "?=\n =?UTF-8?B?"));
	assert_lines_within(text, 76);
	/* No raw UTF-8 in any header. */
	for (const char *p = text; *p && !(p[0] == '\n' && p[1] == '\n'); p++)
		assert_true((unsigned char)*p < 0x80);
	free(text);
}

static void test_quoted_names(void **state)
{
	struct ob_mail m = {
	    .from_name = "Adatum, Inc.",
	    .from_addr = "team@adatum.example",
	    .to_name = "O'Brien \\ \"Pat\"",
	    .to_addr = "pat@x.example",
	    .subject = "=?UTF-8?B?not-really?= plain",
	    .date = DATE,
	    .message_id = "<x@adatum.example>",
	    .body = "ok\n",
	};
	char *text = build(&m);
	(void)state;
	assert_non_null(
	    strstr(text, "From: \"Adatum, Inc.\" <team@adatum.example>\n"));
	assert_non_null(
	    strstr(text, "To: \"O'Brien \\\\ \\\"Pat\\\"\" <pat@x.example>\n"));
	/* Text that looks like an encoded word is encoded, not passed on. */
	assert_null(strstr(text, "Subject: =?UTF-8?B?not-really?="));
	free(text);
}

/* No value, however hostile, adds a header or ends the headers early. */
static void test_no_header_injection(void **state)
{
	static const struct ob_mail_header extra[] = {
	    {"X-Onboard-Account", "acme\nBcc: victim@x.example"},
	};
	struct ob_mail m = {
	    .from_name = "Team\r\nBcc: a@x.example",
	    .from_addr = "team@acme.example",
	    .to_name = "Jo\n\nbody",
	    .to_addr = "jo@x.example",
	    .subject = "Hi\r\nBcc: b@x.example\n\nInjected body",
	    .date = DATE,
	    .message_id = "<x@acme.example>",
	    .extra = extra,
	    .nextra = 1,
	    .body = "real body\n",
	};
	char *text = build(&m);
	const char *end = strstr(text, "\n\n");
	(void)state;
	assert_non_null(end);
	assert_string_equal(end, "\n\nreal body\n");
	/* Every header line is a field or a continuation. */
	for (const char *p = text; p < end;) {
		size_t n = strcspn(p, "\n");
		assert_true(p[0] == ' ' || memchr(p, ':', n) != NULL);
		assert_false(strncmp(p, "Bcc:", 4) == 0);
		p += n + 1;
	}
	free(text);
}

/* Whatever the names, every header line within 78 columns. */
static void test_long_names_fold(void **state)
{
	char quoted[400];
	struct ob_mail m = {
	    /* Two full encoded words, then the address. */
	    .from_name = "Équipe d'accueil des nouveaux clients, service de "
			 "l'Europe du Sud et du Nord, Paris",
	    .from_addr = "team@vendor.example",
	    .to_name = quoted,
	    .to_addr = "jo@customer.example",
	    .subject = "s",
	    .date = DATE,
	    .message_id = "<x@vendor.example>",
	    .body = "ok\n",
	};
	char *text;
	(void)state;
	assert_int_equal(strlen(m.from_name), 84);
	/* Short words with commas: a quoted string that cannot fold. */
	quoted[0] = '\0';
	while (strlen(quoted) < 300)
		strcat(quoted, "Acme, Inc. ");
	text = build(&m);
	assert_lines_within(text, 78);
	free(text);
}

static void test_long_plain_subject_folds(void **state)
{
	struct ob_mail m = {
	    .from_addr = "t@a.example",
	    .to_addr = "j@b.example",
	    .subject = "One two three four five six seven eight nine ten "
		       "eleven twelve thirteen fourteen fifteen sixteen",
	    .date = DATE,
	    .message_id = "<x@a.example>",
	    .body = "ok\n",
	};
	char *text = build(&m);
	(void)state;
	assert_non_null(strstr(text, "Subject: One two"));
	assert_non_null(strstr(text, "\n "));
	assert_lines_within(text, 78);
	free(text);
}

static void test_quoted_printable_body(void **state)
{
	char body[3000];
	struct ob_mail m = {
	    .from_addr = "t@a.example",
	    .to_addr = "j@b.example",
	    .subject = "s",
	    .date = DATE,
	    .message_id = "<x@a.example>",
	    .body = body,
	};
	char *text;
	const char *b;
	(void)state;
	/* A 2,000-byte line, non-ASCII, "From " and a lone dot. */
	memset(body, 'x', 2000);
	strcpy(body + 2000, "\nCafé = 3 \nFrom here\n.\nend");
	text = build(&m);
	assert_non_null(
	    strstr(text, "Content-Transfer-Encoding: quoted-printable\n"));
	b = strstr(text, "\n\n") + 2;
	assert_lines_within(b, 76);
	assert_non_null(
	    strstr(b, "\nCaf=C3=A9 =3D 3=20\n=46rom here\n=2E\nend\n"));
	/* Soft breaks end every piece of the long line. */
	assert_non_null(strstr(b, "x=\nxxx"));
	free(text);
}

static void test_7bit_when_short_ascii(void **state)
{
	char body[1200];
	struct ob_mail m = {
	    .from_addr = "t@a.example",
	    .to_addr = "j@b.example",
	    .subject = "s",
	    .date = DATE,
	    .message_id = "<x@a.example>",
	    .body = body,
	};
	char *text;
	(void)state;
	memset(body, 'y', 997);
	body[997] = '\0';
	text = build(&m);
	assert_non_null(strstr(text, "Content-Transfer-Encoding: 7bit\n"));
	free(text);
	body[997] = 'y';
	body[998] = '\0';
	text = build(&m);
	assert_non_null(
	    strstr(text, "Content-Transfer-Encoding: quoted-printable\n"));
	free(text);
}

static void test_message_id(void **state)
{
	struct ob_buf b = {0};
	ob_day d;
	(void)state;
	assert_true(ob_date_parse("2026-11-17", &d));
	ob_mail_checkin_id(&b, "acme", "first-check", d, "acme.example");
	assert_string_equal(b.data,
			    "<onboard.acme.first-check.20261117@acme.example>");
	ob_buf_reset(&b);
	/* Characters a Message-ID cannot hold, written so ids stay apart. */
	ob_mail_checkin_id(&b, "a.b:c@d=e", "follow-up", d, "x.example");
	assert_string_equal(
	    b.data, "<onboard.a=2Eb=3Ac=40d=3De.follow-up.20261117@x.example>");
	ob_buf_reset(&b);
	ob_mail_alert_id(&b, d, UINT64_C(0xab), "x.example");
	assert_string_equal(
	    b.data, "<onboard.alert.20261117.00000000000000ab@x.example>");
	ob_buf_release(&b);
}

static void test_split_subject(void **state)
{
	char *subject;
	const char *body;
	(void)state;
	ob_mail_split_subject("Subject:  Hello there \n\n  \nHi,\nbody\n",
			      &subject, &body);
	assert_string_equal(subject, "Hello there");
	assert_string_equal(body, "Hi,\nbody\n");
	free(subject);
	ob_mail_split_subject("Hi,\nSubject: no\n", &subject, &body);
	assert_null(subject);
	assert_string_equal(body, "Hi,\nSubject: no\n");
	ob_mail_split_subject("Subject:   \nbody", &subject, &body);
	assert_null(subject);
	assert_string_equal(body, "body");
	ob_mail_split_subject("Subject: only", &subject, &body);
	assert_string_equal(subject, "only");
	assert_string_equal(body, "");
	free(subject);
}

static void test_mbox(void **state)
{
	struct ob_buf b = {0};
	const char msg[] = "From: a@b\n\nFrom here\n>From there\nok";
	(void)state;
	ob_mail_mbox_add(&b, "a@b", DATE, msg, strlen(msg));
	assert_string_equal(b.data,
			    "From a@b Tue Dec  1 09:15:00 2026\n"
			    "From: a@b\n\n>From here\n>>From there\nok\n"
			    "\n");
	ob_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_addresses),
	    cmocka_unit_test(test_mailbox_parse),
	    cmocka_unit_test(test_plain_message),
	    cmocka_unit_test(test_encoded_headers),
	    cmocka_unit_test(test_quoted_names),
	    cmocka_unit_test(test_no_header_injection),
	    cmocka_unit_test(test_long_names_fold),
	    cmocka_unit_test(test_long_plain_subject_folds),
	    cmocka_unit_test(test_quoted_printable_body),
	    cmocka_unit_test(test_7bit_when_short_ascii),
	    cmocka_unit_test(test_message_id),
	    cmocka_unit_test(test_split_subject),
	    cmocka_unit_test(test_mbox),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
