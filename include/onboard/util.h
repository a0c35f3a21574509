/*
 * util: what every module needs and nothing domain-specific: allocation that
 * aborts on failure, a growable byte buffer, the error record that core
 * functions fill for their caller, and the exit codes of SPEC.md section 4.
 */
#ifndef ONBOARD_UTIL_H
#define ONBOARD_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Exit status, SPEC.md section 4 (the values of sysexits.h where they exist). */
enum ob_exit {
	OB_OK = 0,
	OB_EFAIL = 1,     /* runtime failure: I/O, database */
	OB_EUSAGE = 2,    /* unknown command or option, missing argument */
	OB_EDATA = 65,    /* invalid input data */
	OB_ENOINPUT = 66, /* an input file is missing or unreadable */
	OB_EBUSY = 75,    /* the database stayed locked past the busy timeout */
};

/*
 * The error a core function reports: its exit code and a message in the
 * house style (lower case, no full stop, subjects in quotes). Only main.c
 * and cmd_*.c print it.
 */
struct ob_err {
	int code;
	char msg[1024];
};

/* A macro's value as a string literal, for messages that quote limits. */
#define OB_STR_(x) #x
#define OB_STR(x) OB_STR_(x)

#if defined(__GNUC__)
#define OB_PRINTF(f, a) __attribute__((format(printf, f, a)))
/* Asks for the memory at p ahead of its use (hot loops over scattered data). */
#define OB_PREFETCH(p) __builtin_prefetch(p)
#else
#define OB_PRINTF(f, a)
#define OB_PREFETCH(p) ((void)(p))
#endif

/* Fills err (when not NULL) and returns -1, so callers can `return ob_fail(...)`. */
int ob_fail(struct ob_err *err, int code, const char *fmt, ...) OB_PRINTF(3, 4);

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
/* Zeroed, on an align boundary (a power of 2; size a multiple of it). */
void *xaligned_calloc(size_t align, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) OB_PRINTF(1, 2);

/* Grows *items (of *cap elements of size size) to hold at least need. */
void ob_grow(void *items, size_t *cap, size_t need, size_t size);

/* A growable byte buffer, always NUL-terminated once anything is added. */
struct ob_buf {
	char *data;
	size_t len;
	size_t cap;
};

/* Grows b, then adds: the way out of the inline functions below. */
void ob_buf_add_growing(struct ob_buf *b, const void *p, size_t n);

/* Inline: output adds a few bytes at a time, millions of times. */
static inline void ob_buf_add(struct ob_buf *b, const void *p, size_t n)
{
	if (b->cap - b->len <= n) {
		ob_buf_add_growing(b, p, n);
		return;
	}
	if (n) /* p may be NULL then */
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void ob_buf_addc(struct ob_buf *b, char c)
{
	ob_buf_add(b, &c, 1);
}

static inline void ob_buf_adds(struct ob_buf *b, const char *s)
{
	ob_buf_add(b, s, strlen(s));
}

void ob_buf_addf(struct ob_buf *b, const char *fmt, ...) OB_PRINTF(2, 3);
void ob_buf_vaddf(struct ob_buf *b, const char *fmt, va_list ap);
void ob_buf_reset(struct ob_buf *b);
/* Appends items joined by sep ("" and not NULL when there are none). */
void ob_buf_join(struct ob_buf *b, const char *const *items, size_t n,
		 const char *sep);
/* Returns the contents (never NULL; "" when empty); the caller owns them. */
char *ob_buf_detach(struct ob_buf *b);
void ob_buf_release(struct ob_buf *b);

/*
 * A hash map from strings to a few integers, for caches on hot paths
 * (account ids on import). Keys are copied.
 */
struct ob_strmap_entry {
	char *key;
	int64_t value;
};

struct ob_strmap {
	struct ob_strmap_entry *slots;
	size_t cap, n;
};

/* The entry for key, or NULL. */
struct ob_strmap_entry *ob_strmap_get(const struct ob_strmap *m,
				      const char *key);
/* Adds key (not present yet) and returns its entry to fill. */
struct ob_strmap_entry *ob_strmap_put(struct ob_strmap *m, const char *key);
void ob_strmap_release(struct ob_strmap *m);

/*
 * v in decimal, written backwards from the end of buf (at least
 * OB_INT_TEXT bytes); returns where it starts. snprintf's cost shows in
 * long listings and in an import's summaries.
 */
#define OB_INT_TEXT 24
char *ob_int_text(char *buf, long long v);

/* 64-bit FNV-1a. */
uint64_t ob_hash(const void *p, size_t n, uint64_t seed);
/*
 * Spreads a hash's bits over all of it (MurmurHash3's mixing steps):
 * FNV-1a leaves the last bytes' mark in the low bits, and keys that end
 * in a counter would cluster wherever the high bits are used.
 */
static inline uint64_t ob_hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	return h ^ (h >> 33);
}

/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
bool ob_utf8_valid(const char *s, size_t n);
/* Display width of a UTF-8 string, counting one column per code point. */
size_t ob_utf8_width(const char *s);
/*
 * Adds s (n bytes), what would drive a terminal made visible: controls
 * as C escapes (\n, \033, \302\233 for U+009B), bidirectional
 * overrides and bytes that are no UTF-8 in octal. Printable text, UTF-8
 * included, is added as it is.
 */
void ob_buf_add_visible(struct ob_buf *b, const char *s, size_t n);

/*
 * Reads a whole file ("-" is stdin) into a NUL-terminated buffer, refusing
 * files larger than max bytes. Fails with OB_ENOINPUT when the file cannot
 * be opened or read, OB_EDATA when it is too large.
 */
int ob_read_file(const char *path, size_t max, char **data, size_t *len,
		 struct ob_err *err);

/* mkdir -p: path and each missing directory above it, 0700. */
int ob_make_dirs(const char *path, struct ob_err *err);

/* Parses a whole decimal integer in [min, max]; no sign for min >= 0. */
bool ob_parse_int(const char *s, long long min, long long max,
		  long long *out);

#endif
