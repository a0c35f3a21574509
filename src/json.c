#include "onboard/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

/*
 * A real as SQLite's JSON functions gave it before (%!.15g: "9.0", "0.5",
 * "1e+100"), so events imported by earlier versions keep their identity.
 */
static void real_text(double d, struct ob_buf *out)
{
	char num[40];
	snprintf(num, sizeof(num), "%.15g", d);
	ob_buf_adds(out, num);
	if (!strpbrk(num, ".eEni"))
		ob_buf_adds(out, ".0");
}

/* A container being filled: its node and its last child so far. */
struct open_value {
	uint32_t node, last;
};

struct ob_jdoc {
	struct ob_jnode *nodes;
	size_t nnodes, nodes_cap;
	/* keys, strings and numbers, each followed by a NUL */
	char *text;
	size_t text_len, text_cap;
	struct open_value *open;
	size_t depth, open_cap;
	uint32_t key, key_len; /* the name of the member coming next */
	const char *input;
	size_t input_len;
	const char *refused; /* why a callback stopped the parse */
};

struct ob_jdoc *ob_jdoc_new(void)
{
	return xcalloc(1, sizeof(struct ob_jdoc));
}

void ob_jdoc_free(struct ob_jdoc *d)
{
	if (!d)
		return;
	free(d->nodes);
	free(d->text);
	free(d->open);
	free(d);
}

static uint32_t add_text(struct ob_jdoc *d, const void *s, size_t n)
{
	size_t at = d->text_len;
	ob_grow(&d->text, &d->text_cap, at + n + 1, 1);
	memcpy(d->text + at, s, n);
	d->text[at + n] = '\0';
	d->text_len = at + n + 1;
	return (uint32_t)at;
}

static struct ob_jnode *add_node(struct ob_jdoc *d, enum ob_jkind kind)
{
	uint32_t i = (uint32_t)d->nnodes;
	struct ob_jnode *n;
	ob_grow(&d->nodes, &d->nodes_cap, d->nnodes + 1, sizeof(*d->nodes));
	d->nnodes++;
	n = &d->nodes[i];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	if (d->depth) {
		struct open_value *o = &d->open[d->depth - 1];
		if (d->nodes[o->node].kind == OB_JOBJECT) {
			n->key = d->key;
			n->key_len = d->key_len;
		}
		if (o->last)
			d->nodes[o->last].next = i;
		else
			d->nodes[o->node].first = i;
		o->last = i;
	}
	return n;
}

static int open_value(struct ob_jdoc *d, enum ob_jkind kind)
{
	uint32_t i = (uint32_t)d->nnodes;
	if (d->depth == OB_JSON_DEPTH_MAX) {
		d->refused = "nested deeper than 2048";
		return 0;
	}
	add_node(d, kind);
	ob_grow(&d->open, &d->open_cap, d->depth + 1, sizeof(*d->open));
	d->open[d->depth].node = i;
	d->open[d->depth++].last = 0;
	return 1;
}

static int hex4(const char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v = v * 16 + (c >= '0' && c <= '9'	 ? c - '0'
			      : c >= 'a' && c <= 'f' ? c - 'a' + 10
						     : c - 'A' + 10);
	}
	return v;
}

/*
 * Whether the line has a \uD800-\uDBFF escape with no \uDC00-\uDFFF
 * after it. yajl has not read all of the line yet: what is past the
 * string it gave is not known to be JSON, so every read is bounded. In
 * JSON a backslash is always an escape inside a string.
 */
static bool lone_high_surrogate(const char *s, size_t n)
{
	const char *end = s + n;
	for (const char *p = memchr(s, '\\', n); p && end - p >= 2;
	     p = memchr(p, '\\', (size_t)(end - p))) {
		if (p[1] != 'u' || end - p < 6) {
			p += 2;
			continue;
		}
		if ((hex4(p + 2) & 0xfc00) == 0xd800 &&
		    !(end - p >= 12 && p[6] == '\\' && p[7] == 'u' &&
		      (hex4(p + 8) & 0xfc00) == 0xdc00))
			return true;
		p += 6;
	}
	return false;
}

/*
 * Text yajl decoded from escapes lies outside the line. It is checked
 * again: yajl turns \udcXX alone into bytes that are not UTF-8, \ud8XX
 * alone into "?", and pairs \ud8XX with any escape after it, where UTF-8
 * (and jansson, which onboard used before) refuse all three.
 */
static bool decoded_valid(const struct ob_jdoc *d, const unsigned char *s,
			  size_t n)
{
	const char *p = (const char *)s;
	if (p >= d->input && p <= d->input + d->input_len)
		return true;
	return ob_utf8_valid(p, n) &&
	       !lone_high_surrogate(d->input, d->input_len);
}

static int on_null(void *ctx)
{
	add_node(ctx, OB_JNULL);
	return 1;
}

static int on_boolean(void *ctx, int b)
{
	add_node(ctx, b ? OB_JTRUE : OB_JFALSE);
	return 1;
}

static int on_number(void *ctx, const char *s, size_t n)
{
	struct ob_jdoc *d = ctx;
	bool real = memchr(s, '.', n) || memchr(s, 'e', n) || memchr(s, 'E', n);
	uint32_t at = add_text(d, s, n);
	struct ob_jnode *v = add_node(d, real ? OB_JREAL : OB_JINTEGER);
	v->text = at;
	v->text_len = (uint32_t)n;
	errno = 0;
	if (real) {
		double x = strtod(d->text + at, NULL);
		if (errno == ERANGE && (x > 1 || x < -1)) {
			d->refused = "real number overflow";
			return 0;
		}
	} else {
		(void)strtoll(d->text + at, NULL, 10);
		if (errno == ERANGE) {
			d->refused = "too big an integer";
			return 0;
		}
	}
	return 1;
}

static int on_string(void *ctx, const unsigned char *s, size_t n)
{
	struct ob_jdoc *d = ctx;
	struct ob_jnode *v;
	uint32_t at;
	if (!decoded_valid(d, s, n)) {
		d->refused = "invalid Unicode escape";
		return 0;
	}
	at = add_text(d, s, n);
	v = add_node(d, OB_JSTRING);
	v->text = at;
	v->text_len = (uint32_t)n;
	return 1;
}

static int on_key(void *ctx, const unsigned char *s, size_t n)
{
	struct ob_jdoc *d = ctx;
	if (!decoded_valid(d, s, n)) {
		d->refused = "invalid Unicode escape";
		return 0;
	}
	d->key = add_text(d, s, n);
	d->key_len = (uint32_t)n;
	return 1;
}

static int on_start_map(void *ctx)
{
	return open_value(ctx, OB_JOBJECT);
}

static int on_start_array(void *ctx)
{
	return open_value(ctx, OB_JARRAY);
}

static int on_end(void *ctx)
{
	((struct ob_jdoc *)ctx)->depth--;
	return 1;
}

static const yajl_callbacks jdoc_callbacks = {
    on_null,	  on_boolean, NULL,   NULL,	    on_number, on_string,
    on_start_map, on_key,     on_end, on_start_array, on_end,
};

const struct ob_jnode *ob_jdoc_parse(struct ob_jdoc *d, const char *text,
				     size_t len, struct ob_err *err)
{
	yajl_handle h = yajl_alloc(&jdoc_callbacks, NULL, d);
	yajl_status st;
	size_t column;
	d->nnodes = d->text_len = d->depth = 0;
	d->input = text;
	d->input_len = len;
	d->refused = NULL;
	/* yajl reads a form feed and a vertical tab as white space; in JSON
	 * they are in no token. */
	{
		const char *ff = memchr(text, '\f', len);
		const char *vt = memchr(text, '\v', len);
		const char *c = !ff ? vt : !vt || ff < vt ? ff : vt;
		if (c) {
			ob_fail(err, OB_EDATA,
				"malformed JSON at column %zu: lexical error: "
				"invalid char in json text.",
				(size_t)(c - text) + 1);
			yajl_free(h);
			return NULL;
		}
	}
	/* The line's UTF-8 was checked; escapes are checked above. */
	yajl_config(h, yajl_dont_validate_strings, 1);
	st = yajl_parse(h, (const unsigned char *)text, len);
	/* yajl has read the byte it refuses; what ends too early, the line. */
	if (st == yajl_status_ok &&
	    (st = yajl_complete_parse(h)) != yajl_status_ok) {
		column = len + 1;
		if (!d->refused)
			d->refused =
			    "the line ends before the value is complete";
	} else {
		column = yajl_get_bytes_consumed(h);
	}
	if (st != yajl_status_ok) {
		unsigned char *why = NULL;
		const char *msg = d->refused;
		if (!msg) {
			why = yajl_get_error(h, 0, NULL, 0);
			msg = (const char *)why;
		}
		ob_fail(err, OB_EDATA, "malformed JSON at column %zu: %.*s",
			column ? column : 1,
			(int)strcspn(msg, "\n"), msg);
		if (why)
			yajl_free_error(h, why);
		yajl_free(h);
		return NULL;
	}
	yajl_free(h);
	return d->nnodes ? &d->nodes[0] : NULL;
}

static const struct ob_jnode *child(const struct ob_jdoc *d, uint32_t i)
{
	return i ? &d->nodes[i] : NULL;
}

const struct ob_jnode *ob_jdoc_path(const struct ob_jdoc *d,
				    const struct ob_jnode *obj,
				    const char *path)
{
	const struct ob_jnode *v = obj;
	const char *p = path;
	while (v) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		const struct ob_jnode *found = NULL;
		while (v && v->kind == OB_JARRAY)
			v = child(d, v->first);
		if (!v || v->kind != OB_JOBJECT)
			return NULL;
		/* A repeated key: the last one counts. */
		for (const struct ob_jnode *m = child(d, v->first); m;
		     m = child(d, m->next))
			if (m->key_len == n &&
			    memcmp(d->text + m->key, p, n) == 0)
				found = m;
		v = found;
		if (!dot)
			break;
		p = dot + 1;
	}
	return v && v->kind != OB_JNULL ? v : NULL;
}

int ob_jdoc_text(const struct ob_jdoc *d, const struct ob_jnode *v,
		 struct ob_buf *out)
{
	ob_buf_reset(out);
	if (v && v->kind == OB_JARRAY)
		v = child(d, v->first);
	switch (v ? v->kind : OB_JNULL) {
	case OB_JSTRING:
		if (memchr(d->text + v->text, '\0', v->text_len))
			return -1;
		ob_buf_add(out, d->text + v->text, v->text_len);
		return 1;
	case OB_JINTEGER:
		/* As earlier versions gave it: "-0" is 0. */
		ob_buf_addf(out, "%lld", strtoll(d->text + v->text, NULL, 10));
		return 1;
	case OB_JREAL:
		real_text(strtod(d->text + v->text, NULL), out);
		return 1;
	case OB_JTRUE:
		ob_buf_adds(out, "true");
		return 1;
	case OB_JFALSE:
		ob_buf_adds(out, "false");
		return 1;
	case OB_JNULL:
		return 0;
	default:
		return -1;
	}
}

const char *ob_jdoc_kind(const struct ob_jnode *v)
{
	switch (v ? v->kind : OB_JNULL) {
	case OB_JOBJECT:
		return "an object";
	case OB_JARRAY:
		return "a list";
	case OB_JSTRING:
		return "text";
	case OB_JINTEGER:
	case OB_JREAL:
		return "a number";
	case OB_JTRUE:
	case OB_JFALSE:
		return "a boolean";
	default:
		return "null";
	}
}

double ob_jdoc_number(const struct ob_jdoc *d, const struct ob_jnode *v)
{
	return v->kind == OB_JINTEGER
		   ? (double)strtoll(d->text + v->text, NULL, 10)
		   : strtod(d->text + v->text, NULL);
}

const char *ob_jdoc_string(const struct ob_jdoc *d, const struct ob_jnode *v)
{
	return d->text + v->text;
}

const struct ob_jnode *ob_jdoc_child(const struct ob_jdoc *d,
				     const struct ob_jnode *v)
{
	return child(d, v->first);
}

const struct ob_jnode *ob_jdoc_next(const struct ob_jdoc *d,
				    const struct ob_jnode *v)
{
	return child(d, v->next);
}

const char *ob_jdoc_key(const struct ob_jdoc *d, const struct ob_jnode *v)
{
	return d->text + v->key;
}
