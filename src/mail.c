#include "onboard/mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onboard/util.h"

#define LINE_SOFT 78  /* RFC 5322's recommended line length */
#define LINE_HARD 997 /* under RFC 5322's 998, the line end not counted */
#define WORD_LINE 76  /* a line with encoded words (RFC 2047 section 2) */
#define QP_LINE	  76  /* RFC 2045 section 6.7 */
#define TOKEN_MAX 70  /* a longer unbroken run is sent as encoded words */

/* --- addresses ----------------------------------------------------------- */

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* RFC 5322 atext. */
static bool is_atext(unsigned char c)
{
	return is_alnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static bool local_part_valid(const char *s, size_t n)
{
	if (n == 0 || n > 64 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.' ? s[i + 1] == '.'
				: !is_atext((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* Host names: labels of letters, digits and inner hyphens. */
static bool domain_valid(const char *s)
{
	size_t n = strlen(s), label = 0;
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!is_alnum((unsigned char)s[i]) &&
		    (s[i] != '-' || label == 0))
			return false;
		label++;
	}
	return true;
}

bool ob_mail_addr_valid(const char *addr)
{
	const char *at = strchr(addr, '@');
	if (!at || strlen(addr) > OB_MAIL_ADDR_MAX)
		return false;
	return local_part_valid(addr, (size_t)(at - addr)) &&
	       domain_valid(at + 1);
}

const char *ob_mail_domain(const char *addr)
{
	const char *at = strchr(addr, '@');
	return at ? at + 1 : addr;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

const char *ob_mailbox_parse(const char *text, struct ob_mailbox *out)
{
	static const char expected[] =
	    "expected an address like name@example.com or Name "
	    "<name@example.com>";
	size_t n = strlen(text);
	const char *s = text, *e = text + n, *addr = s, *addr_end = e;
	char *name = NULL;

	memset(out, 0, sizeof(*out));
	if (!ob_utf8_valid(text, n))
		return expected;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			return expected;
	while (s < e && is_space(*s))
		s++;
	while (e > s && is_space(e[-1]))
		e--;
	if (e > s && e[-1] == '>') {
		const char *lt = e - 1, *ns = s, *ne;
		while (lt > s && *lt != '<')
			lt--;
		if (*lt != '<')
			return expected;
		addr = lt + 1;
		addr_end = e - 1;
		ne = lt;
		while (ne > ns && is_space(ne[-1]))
			ne--;
		if (ne > ns && *ns == '"') {
			struct ob_buf b = {0};
			bool bad = ne - ns < 2 || ne[-1] != '"';
			for (const char *p = ns + 1; !bad && p < ne - 1; p++) {
				if (*p == '\\' && p + 1 < ne - 1)
					p++;
				else if (*p == '"')
					bad = true;
				ob_buf_addc(&b, *p);
			}
			if (bad) {
				ob_buf_release(&b);
				return expected;
			}
			name = b.len ? ob_buf_detach(&b) : NULL;
		} else if (ne > ns) {
			for (const char *p = ns; p < ne; p++)
				if (*p == '"' || *p == '<' || *p == '>')
					return expected;
			name = xstrndup(ns, (size_t)(ne - ns));
		}
	} else {
		addr = s;
		addr_end = e;
	}
	out->addr = xstrndup(addr, (size_t)(addr_end - addr));
	out->name = name;
	if (!ob_mail_addr_valid(out->addr)) {
		ob_mailbox_release(out);
		return expected;
	}
	return NULL;
}

void ob_mailbox_text(struct ob_buf *out, const char *name, const char *addr)
{
	if (name)
		ob_buf_addf(out, "%s <%s>", name, addr);
	else
		ob_buf_adds(out, addr);
}

void ob_mailbox_release(struct ob_mailbox *m)
{
	free(m->name);
	free(m->addr);
	memset(m, 0, sizeof(*m));
}

/* --- header text --------------------------------------------------------- */

/* The length of the UTF-8 sequence at s, 0 when it is not one. */
static size_t utf8_seq(const char *s, size_t left)
{
	unsigned char c = (unsigned char)s[0];
	size_t n = c >= 0xc2 && c <= 0xdf   ? 2
		   : c >= 0xe0 && c <= 0xef ? 3
		   : c >= 0xf0 && c <= 0xf4 ? 4
					    : 0;
	return n && n <= left && ob_utf8_valid(s, n) ? n : 0;
}

/*
 * A header value as one line of text: control characters (line ends
 * among them) become spaces, bytes that are not UTF-8 become U+FFFD, the
 * ends are trimmed. After this nothing in it can end the header.
 */
static char *one_line(const char *s)
{
	struct ob_buf b = {0};
	size_t n = strlen(s), start = 0;
	ob_buf_add(&b, "", 0);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len;
		if (c < 0x20 || c == 0x7f) {
			ob_buf_addc(&b, ' ');
			i++;
		} else if (c < 0x80) {
			ob_buf_addc(&b, (char)c);
			i++;
		} else if ((len = utf8_seq(s + i, n - i))) {
			ob_buf_add(&b, s + i, len);
			i += len;
		} else {
			ob_buf_adds(&b, "\xef\xbf\xbd");
			i++;
		}
	}
	while (b.len && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	while (b.data[start] == ' ')
		start++;
	memmove(b.data, b.data + start, b.len - start + 1);
	return ob_buf_detach(&b);
}

/* The header being written and how long its current line is. */
struct header {
	struct ob_buf *out;
	size_t col;
};

static void header_start(struct header *h, struct ob_buf *out, const char *name)
{
	h->out = out;
	ob_buf_adds(out, name);
	ob_buf_adds(out, ": ");
	h->col = strlen(name) + 2;
}

static void header_end(struct header *h)
{
	ob_buf_addc(h->out, '\n');
}

static void fold(struct header *h)
{
	ob_buf_adds(h->out, "\n ");
	h->col = 1;
}

static void base64(struct ob_buf *out, const unsigned char *p, size_t n)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "abcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		ob_buf_addc(out, digits[v >> 18 & 63]);
		ob_buf_addc(out, digits[v >> 12 & 63]);
		ob_buf_addc(out, i + 1 < n ? digits[v >> 6 & 63] : '=');
		ob_buf_addc(out, i + 2 < n ? digits[v & 63] : '=');
	}
}

/*
 * Text as RFC 2047 encoded words ("=?UTF-8?B?...?="), one per line after
 * the first, each line within 76 characters, never splitting a UTF-8
 * sequence between two words.
 */
static void add_words(struct header *h, const char *text)
{
	static const char open[] = "=?UTF-8?B?";
	size_t n = strlen(text), i = 0;
	const size_t overhead = sizeof(open) - 1 + 2;
	if (h->col + overhead + 8 > WORD_LINE)
		fold(h);
	while (i < n) {
		size_t chunk = (WORD_LINE - h->col - overhead) / 4 * 3;
		if (chunk > n - i)
			chunk = n - i;
		while (i + chunk < n &&
		       ((unsigned char)text[i + chunk] & 0xc0) == 0x80)
			chunk--;
		ob_buf_adds(h->out, open);
		base64(h->out, (const unsigned char *)text + i, chunk);
		ob_buf_adds(h->out, "?=");
		h->col += overhead + (chunk + 2) / 3 * 4;
		i += chunk;
		if (i < n)
			fold(h);
	}
}

/* Whether text can go as it is: short-worded ASCII, no "=?" to misread. */
static bool plain_text(const char *text)
{
	size_t run = 0;
	if (strstr(text, "=?"))
		return false;
	for (const char *p = text; *p; p++) {
		if ((unsigned char)*p >= 0x80)
			return false;
		run = *p == ' ' ? 0 : run + 1;
		if (run > TOKEN_MAX)
			return false;
	}
	return true;
}

/* Plain text folded before a space where a line would pass 78. */
static void add_folded(struct header *h, const char *text)
{
	size_t n = strlen(text), i = 0, first = h->col;
	while (i < n) {
		size_t j = i + (text[i] == ' ');
		while (j < n && text[j] != ' ')
			j++;
		if (text[i] == ' ' && h->col > first &&
		    h->col + (j - i) > LINE_SOFT) {
			ob_buf_addc(h->out, '\n');
			h->col = 0;
		}
		ob_buf_add(h->out, text + i, j - i);
		h->col += j - i;
		i = j;
	}
}

/* Unstructured header text (Subject, X-Onboard-*). */
static void add_text(struct header *h, const char *raw)
{
	char *text = one_line(raw);
	if (plain_text(text))
		add_folded(h, text);
	else
		add_words(h, text);
	free(text);
}

/*
 * A display name: atoms as they are, other ASCII as a quoted string,
 * anything else as encoded words (which a phrase may hold unquoted), and
 * so is a quoted string too long for its line (it cannot be folded).
 */
static void add_phrase(struct header *h, const char *raw)
{
	char *name = one_line(raw);
	bool atoms = true, ascii = plain_text(name);
	for (const char *p = name; *p && atoms; p++)
		atoms = *p == ' ' || is_atext((unsigned char)*p);
	if (!atoms && h->col + 2 * strlen(name) + 2 > LINE_SOFT)
		ascii = false;
	if (!ascii) {
		add_words(h, name);
	} else if (atoms) {
		add_folded(h, name);
	} else {
		ob_buf_addc(h->out, '"');
		for (const char *p = name; *p; p++) {
			if (*p == '"' || *p == '\\')
				ob_buf_addc(h->out, '\\');
			ob_buf_addc(h->out, *p);
		}
		ob_buf_addc(h->out, '"');
		h->col += strlen(name) + 2;
	}
	free(name);
}

/* "Name <addr>" or "addr"; addr is checked by the caller. */
static void add_mailbox(struct header *h, const char *name, const char *addr)
{
	size_t n = strlen(addr);
	char *clean = name ? one_line(name) : NULL;
	if (!clean || !*clean) {
		ob_buf_add(h->out, addr, n);
		h->col += n;
		free(clean);
		return;
	}
	add_phrase(h, clean);
	free(clean);
	if (h->col + n + 3 > LINE_SOFT)
		fold(h);
	else {
		ob_buf_addc(h->out, ' ');
		h->col++;
	}
	ob_buf_addc(h->out, '<');
	ob_buf_add(h->out, addr, n);
	ob_buf_addc(h->out, '>');
	h->col += n + 2;
}

/* --- the message ------------------------------------------------------- */

static const char *const days[] = {"Sun", "Mon", "Tue", "Wed",
				   "Thu", "Fri", "Sat"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void ob_mail_date(int64_t t, char *out)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	snprintf(out, OB_MAIL_DATE_LEN, "%s, %02d %s %04d %02d:%02d:%02d +0000",
		 days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Whether the body can go as 7bit: printable ASCII in short lines. */
static bool plain_body(const char *body)
{
	size_t line = 0;
	for (const unsigned char *p = (const unsigned char *)body; *p; p++) {
		if (*p == '\n') {
			line = 0;
			continue;
		}
		if ((*p < 0x20 && *p != '\t') || *p >= 0x7f ||
		    ++line > LINE_HARD)
			return false;
	}
	return true;
}

static void add_qp_byte(struct ob_buf *out, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	ob_buf_addc(out, '=');
	ob_buf_addc(out, hex[c >> 4]);
	ob_buf_addc(out, hex[c & 15]);
}

/*
 * Quoted-printable (RFC 2045 section 6.7), lines within 76 characters.
 * Besides what the RFC requires, "From " and a lone "." at the start of
 * a line are encoded, so no mbox or SMTP server along the way alters them.
 */
static void add_qp(struct ob_buf *out, const char *body)
{
	const unsigned char *p = (const unsigned char *)body;
	size_t col = 0;
	while (*p) {
		unsigned char c = *p;
		bool last = p[1] == '\n' || p[1] == '\0';
		bool enc;
		size_t w;
		if (c == '\n') {
			ob_buf_addc(out, '\n');
			col = 0;
			p++;
			continue;
		}
		enc = c == '=' || c >= 0x7f || (c < 0x20 && c != '\t') ||
		      ((c == ' ' || c == '\t') && last) ||
		      (col == 0 && c == 'F' &&
		       strncmp((const char *)p, "From ", 5) == 0) ||
		      (col == 0 && c == '.' && last);
		w = enc ? 3 : 1;
		/* The last character may use the column a soft break needs. */
		if (col + w > (last ? QP_LINE : QP_LINE - 1)) {
			ob_buf_adds(out, "=\n");
			col = 0;
			continue;
		}
		if (enc)
			add_qp_byte(out, c);
		else
			ob_buf_addc(out, (char)c);
		col += w;
		p++;
	}
	if (col)
		ob_buf_addc(out, '\n');
}

void ob_mail_build(const struct ob_mail *m, struct ob_buf *out)
{
	struct header h;
	char date[OB_MAIL_DATE_LEN];
	bool plain = plain_body(m->body);
	size_t n = strlen(m->body);

	header_start(&h, out, "From");
	add_mailbox(&h, m->from_name, m->from_addr);
	header_end(&h);
	header_start(&h, out, "To");
	add_mailbox(&h, m->to_name, m->to_addr);
	header_end(&h);
	if (m->reply_addr) {
		header_start(&h, out, "Reply-To");
		add_mailbox(&h, m->reply_name, m->reply_addr);
		header_end(&h);
	}
	header_start(&h, out, "Subject");
	add_text(&h, m->subject);
	header_end(&h);
	ob_mail_date(m->date, date);
	ob_buf_addf(out, "Date: %s\n", date);
	ob_buf_addf(out, "Message-ID: %s\n", m->message_id);
	ob_buf_adds(out, "MIME-Version: 1.0\n"
			 "Content-Type: text/plain; charset=UTF-8\n");
	ob_buf_addf(out, "Content-Transfer-Encoding: %s\n",
		    plain ? "7bit" : "quoted-printable");
	for (size_t i = 0; i < m->nextra; i++) {
		header_start(&h, out, m->extra[i].name);
		add_text(&h, m->extra[i].value);
		header_end(&h);
	}
	ob_buf_addc(out, '\n');
	if (plain) {
		ob_buf_add(out, m->body, n);
		if (!n || m->body[n - 1] != '\n')
			ob_buf_addc(out, '\n');
	} else {
		add_qp(out, m->body);
	}
}

void ob_mail_checkin_id(struct ob_buf *out, const char *account,
			const char *checkin, ob_day opens, const char *domain)
{
	const char *parts[2] = {account, checkin};
	int year, month, mday;
	ob_buf_adds(out, "<onboard");
	for (int i = 0; i < 2; i++) {
		ob_buf_addc(out, '.');
		for (const unsigned char *p = (const unsigned char *)parts[i];
		     *p; p++) {
			if (is_alnum(*p) || *p == '-' || *p == '_')
				ob_buf_addc(out, (char)*p);
			else
				add_qp_byte(out, *p);
		}
	}
	ob_date_to_civil(opens, &year, &month, &mday);
	ob_buf_addf(out, ".%04d%02d%02d@%s>", year, month, mday, domain);
}

void ob_mail_alert_id(struct ob_buf *out, ob_day day, uint64_t unique,
		      const char *domain)
{
	int year, month, mday;
	ob_date_to_civil(day, &year, &month, &mday);
	ob_buf_addf(out, "<onboard.alert.%04d%02d%02d.%016llx@%s>", year, month,
		    mday, (unsigned long long)unique, domain);
}

void ob_mail_split_subject(const char *text, char **subject, const char **body)
{
	const char *s, *e, *b;
	*subject = NULL;
	*body = text;
	if (strncmp(text, "Subject:", 8) != 0)
		return;
	s = text + 8;
	e = s + strcspn(s, "\n");
	b = *e ? e + 1 : e;
	while (s < e && is_space(*s))
		s++;
	while (e > s && is_space(e[-1]))
		e--;
	if (e > s)
		*subject = xstrndup(s, (size_t)(e - s));
	for (;;) {
		const char *q = b;
		while (is_space(*q))
			q++;
		if (*q != '\n')
			break;
		b = q + 1;
	}
	*body = b;
}

void ob_mail_mbox_add(struct ob_buf *out, const char *sender, int64_t date,
		      const char *msg, size_t len)
{
	time_t tt = (time_t)date;
	const char *p = msg, *end = msg + len;
	struct tm tm;
	gmtime_r(&tt, &tm);
	/* The asctime() form mbox readers expect. */
	ob_buf_addf(out, "From %s %s %s %2d %02d:%02d:%02d %04d\n", sender,
		    days[tm.tm_wday % 7], months[tm.tm_mon % 12], tm.tm_mday,
		    tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *next = eol ? eol + 1 : end, *q = p;
		while (q < next && *q == '>')
			q++;
		if (next - q >= 5 && memcmp(q, "From ", 5) == 0)
			ob_buf_addc(out, '>');
		ob_buf_add(out, p, (size_t)(next - p));
		p = next;
	}
	if (len && msg[len - 1] != '\n')
		ob_buf_addc(out, '\n');
	ob_buf_addc(out, '\n');
}
