/*
 * mail: RFC 5322 messages built from strings, for `onboard send`. Checks
 * addresses, encodes header text (RFC 2047) and folds it, puts the body in
 * a transfer encoding that keeps every line short, makes the Message-IDs,
 * and writes the mbox form of --dry-run. Pure: no I/O, no database, no
 * clock (the caller passes the date in); every input is untrusted, and
 * nothing it holds can end a header or start another.
 */
#ifndef ONBOARD_MAIL_H
#define ONBOARD_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onboard/date.h"

struct ob_buf;

#define OB_MAIL_ADDR_MAX 254 /* RFC 5321's limit on a path, less <> */

/*
 * An addr-spec that mail software takes everywhere: a dot-atom local part
 * of at most 64 bytes, '@', a domain of letter-digit-hyphen labels. ASCII
 * only: an address needing SMTPUTF8 is refused rather than half-sent.
 */
bool ob_mail_addr_valid(const char *addr);

/* An address with its display name, as a playbook's `from:` writes it. */
struct ob_mailbox {
	char *name; /* NULL when none */
	char *addr;
};

/*
 * Parses "addr@example.com", "Name <addr@example.com>" or "\"Name, Inc.\"
 * <addr@example.com>". Returns NULL and fills *out, or what was expected.
 */
const char *ob_mailbox_parse(const char *text, struct ob_mailbox *out);
void ob_mailbox_release(struct ob_mailbox *m);

/* "Name <addr>", or addr without a name: for people, not for headers. */
void ob_mailbox_text(struct ob_buf *out, const char *name, const char *addr);

/* The part of a valid address after its '@'. */
const char *ob_mail_domain(const char *addr);

struct ob_mail_header {
	const char *name;  /* a field name: printable ASCII, no ':' */
	const char *value; /* any text: encoded as needed */
};

/* One message. Names may be NULL; reply_addr NULL leaves out Reply-To. */
struct ob_mail {
	const char *from_name, *from_addr;
	const char *to_name, *to_addr;
	const char *reply_name, *reply_addr;
	const char *subject;
	int64_t date;		/* seconds since 1970, UTC */
	const char *message_id; /* "<left@right>" */
	const struct ob_mail_header *extra;
	size_t nextra;
	const char *body; /* UTF-8 text, LF line ends */
};

/*
 * Appends the message: headers, a blank line, the body, with LF line
 * ends (what a local sendmail and a Maildir take). Header text is
 * encoded where it is not plain ASCII; control characters in it become
 * spaces. The body goes as 7bit when it is short-lined ASCII, else as
 * quoted-printable UTF-8.
 */
void ob_mail_build(const struct ob_mail *m, struct ob_buf *out);

/*
 * The Message-ID of an account's check-in instance: "<onboard.ACCOUNT.
 * CHECKIN.YYYYMMDD@DOMAIN>", with the bytes of the account id that a
 * Message-ID cannot hold written as =XX (so different ids never meet).
 */
void ob_mail_checkin_id(struct ob_buf *out, const char *account,
			const char *checkin, ob_day opens, const char *domain);

/*
 * The Message-ID of a CSM alert: "<onboard.alert.YYYYMMDD.UNIQUE@DOMAIN>",
 * day the day it is about, unique what tells it from the day's others.
 */
void ob_mail_alert_id(struct ob_buf *out, ob_day day, uint64_t unique,
		      const char *domain);

/*
 * A rendered template's first line "Subject: TEXT" (trimmed) and the body
 * after it, its leading blank lines skipped. Without that line: *subject
 * NULL and the body is the whole text. *subject is the caller's to free.
 */
void ob_mail_split_subject(const char *text, char **subject, const char **body);

/* "Tue, 01 Dec 2026 09:15:00 +0000" (RFC 5322 section 3.3), UTC. */
#define OB_MAIL_DATE_LEN 64
void ob_mail_date(int64_t t, char *out);

/*
 * Appends a message to an mbox: a "From SENDER DATE" line, the message
 * with every line that starts with ">*From " quoted by one more '>'
 * (mboxrd), and the blank line that ends it.
 */
void ob_mail_mbox_add(struct ob_buf *out, const char *sender, int64_t date,
		      const char *msg, size_t len);

#endif
