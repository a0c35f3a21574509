#include "onboard/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int ob_fail(struct ob_err *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void out_of_memory(size_t n)
{
	fprintf(stderr, "onboard: out of memory (%zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		out_of_memory(count * size);
	return p;
}

void *xaligned_calloc(size_t align, size_t size)
{
	void *p = aligned_alloc(align, size);
	if (!p)
		out_of_memory(size);
	return memset(p, 0, size);
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct ob_buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	ob_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return ob_buf_detach(&b);
}

void ob_grow(void *items, size_t *cap, size_t need, size_t size)
{
	void **p = items;
	size_t n;
	if (need <= *cap)
		return;
	n = *cap ? *cap : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2 / size)
			out_of_memory(SIZE_MAX);
		n *= 2;
	}
	*p = xrealloc(*p, n * size);
	*cap = n;
}

void ob_buf_add_growing(struct ob_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 < b->len)
		out_of_memory(SIZE_MAX);
	ob_grow(&b->data, &b->cap, b->len + n + 1, 1);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void ob_buf_vaddf(struct ob_buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	int n;
	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	ob_grow(&b->data, &b->cap, b->len + (size_t)n + 1, 1);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void ob_buf_addf(struct ob_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ob_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void ob_buf_join(struct ob_buf *b, const char *const *items, size_t n,
		 const char *sep)
{
	ob_buf_add(b, "", 0);
	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_buf_adds(b, sep);
		ob_buf_adds(b, items[i]);
	}
}

void ob_buf_reset(struct ob_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *ob_buf_detach(struct ob_buf *b)
{
	char *p = b->data ? b->data : xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void ob_buf_release(struct ob_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/*
 * The length of the UTF-8 sequence at p (up to end) and its code point,
 * or 0 when the bytes there are no valid sequence.
 */
static size_t utf8_decode(const unsigned char *p, const unsigned char *end,
			  unsigned *out)
{
	unsigned c = *p, cp;
	size_t len;
	if (c < 0x80) {
		*out = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*out = cp;
	return len;
}

bool ob_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + n;
	unsigned cp;
	size_t len;
	/* Every line of an import goes through here: ASCII first, eight
	 * bytes at a time. */
	while (p < end) {
		uint64_t w;
		if (end - p >= 8) {
			memcpy(&w, p, 8);
			if (!(w & 0x8080808080808080ULL)) {
				p += 8;
				continue;
			}
		}
		if (!(len = *p < 0x80 ? 1 : utf8_decode(p, end, &cp)))
			return false;
		p += len;
	}
	return true;
}

/*
 * What a terminal acts on instead of showing: C0 and C1 controls, DEL,
 * and the bidirectional overrides and isolates that reorder a line.
 */
static bool terminal_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	       (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

void ob_buf_add_visible(struct ob_buf *b, const char *s, size_t n)
{
	static const char letters[] = "abtnvfr";
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		unsigned cp;
		size_t len = utf8_decode(p, end, &cp);
		if (len && !terminal_control(cp)) {
			ob_buf_add(b, (const char *)p, len);
			p += len;
			continue;
		}
		if (len == 1 && cp >= '\a' && cp <= '\r') {
			ob_buf_addc(b, '\\');
			ob_buf_addc(b, letters[cp - '\a']);
			p++;
			continue;
		}
		/* Each byte of it in octal, as C and git's quoting write them. */
		for (size_t i = 0; i < (len ? len : 1); i++)
			ob_buf_addf(b, "\\%03o", p[i]);
		p += len ? len : 1;
	}
}

size_t ob_utf8_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

int ob_read_file(const char *path, size_t max, char **data, size_t *len,
		 struct ob_err *err)
{
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	struct ob_buf b = {0};
	char chunk[65536];
	size_t n;
	int ret = -1;

	if (!f)
		return ob_fail(err, OB_ENOINPUT, "cannot open '%s': %s", path,
			       strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > max) {
			ob_fail(err, OB_EDATA,
				"'%s' is larger than the limit of %zu bytes",
				path, max);
			goto out;
		}
		ob_buf_add(&b, chunk, n);
	}
	if (ferror(f)) {
		ob_fail(err, OB_ENOINPUT, "cannot read '%s': %s", path,
			strerror(errno));
		goto out;
	}
	*len = b.len;
	*data = ob_buf_detach(&b);
	ret = 0;
out:
	if (!is_stdin)
		fclose(f);
	ob_buf_release(&b);
	return ret;
}

bool ob_parse_int(const char *s, long long min, long long max, long long *out)
{
	long long v = 0;
	bool neg = false;
	const char *p = s;
	if (*p == '-' && min < 0) {
		neg = true;
		p++;
	}
	if (*p < '0' || *p > '9')
		return false;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		if (v > (LLONG_MAX - (*p - '0')) / 10)
			return false;
		v = v * 10 + (*p - '0');
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

uint64_t ob_hash(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *c = p;
	uint64_t h = 14695981039346656037ULL ^ seed;
	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 1099511628211ULL;
	}
	return h;
}

struct ob_strmap_entry *ob_strmap_get(const struct ob_strmap *m,
				      const char *key)
{
	size_t i;
	if (!m->cap)
		return NULL;
	i = ob_hash(key, strlen(key), 0) & (m->cap - 1);
	while (m->slots[i].key) {
		if (strcmp(m->slots[i].key, key) == 0)
			return &m->slots[i];
		i = (i + 1) & (m->cap - 1);
	}
	return NULL;
}

static void strmap_insert(struct ob_strmap_entry *slots, size_t cap,
			  struct ob_strmap_entry e)
{
	size_t i = ob_hash(e.key, strlen(e.key), 0) & (cap - 1);
	while (slots[i].key)
		i = (i + 1) & (cap - 1);
	slots[i] = e;
}

struct ob_strmap_entry *ob_strmap_put(struct ob_strmap *m, const char *key)
{
	struct ob_strmap_entry e = {0};
	/* Keep the load under a half, so probes stay short. */
	if (2 * (m->n + 1) > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct ob_strmap_entry *slots = xcalloc(cap, sizeof(*slots));
		for (size_t i = 0; i < m->cap; i++)
			if (m->slots[i].key)
				strmap_insert(slots, cap, m->slots[i]);
		free(m->slots);
		m->slots = slots;
		m->cap = cap;
	}
	e.key = xstrdup(key);
	strmap_insert(m->slots, m->cap, e);
	m->n++;
	return ob_strmap_get(m, key);
}

void ob_strmap_release(struct ob_strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}

char *ob_int_text(char *buf, long long v)
{
	char *p = buf + OB_INT_TEXT - 1;
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v
				     : (unsigned long long)v;
	*p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	return p;
}

int ob_make_dirs(const char *path, struct ob_err *err)
{
	char *dir = xstrdup(path);
	int ret = 0;
	/* From the second byte: a leading '/' is the root, not a name. */
	for (char *p = dir + (*dir != '\0');; p++) {
		bool end = !*p;
		if (*p != '/' && !end)
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			ret = ob_fail(err, OB_EFAIL,
				      "cannot create directory '%s': %s", dir,
				      strerror(errno));
			break;
		}
		if (end)
			break;
		*p = '/';
	}
	free(dir);
	return ret;
}
