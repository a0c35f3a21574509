/*
 * json: one JSON document per line (JSON Lines, the analytics exports),
 * parsed in the process by yajl's event parser into a flat document
 * reused from line to line, and read through the dotted paths of the
 * source maps. What RFC 8259 refuses is refused, where yajl alone would
 * not refuse it too (README.md, "Dependencies"). Used by the import
 * readers only; nothing here touches the store.
 */
#ifndef ONBOARD_JSON_H
#define ONBOARD_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onboard/util.h"

enum ob_jkind {
	OB_JNULL,
	OB_JFALSE,
	OB_JTRUE,
	OB_JINTEGER,
	OB_JREAL,
	OB_JSTRING,
	OB_JOBJECT,
	OB_JARRAY,
};

/* A value of the document; 0 (the root's index) ends a list of siblings. */
struct ob_jnode {
	enum ob_jkind kind;
	uint32_t key, key_len;	 /* a member's name, in the document's text */
	uint32_t text, text_len; /* a string's or number's text */
	uint32_t first, next;	 /* children, siblings */
};

struct ob_jdoc;

struct ob_jdoc *ob_jdoc_new(void);
void ob_jdoc_free(struct ob_jdoc *d);

/* Deeper nesting is refused (as the parser of earlier versions did). */
#define OB_JSON_DEPTH_MAX 2048

/*
 * Parses text[0..len) (UTF-8 already checked) as one JSON value, replacing
 * what d held. Returns its root, or NULL with an OB_EDATA message naming
 * the column. A repeated key is allowed (the last one counts, as RFC 8259
 * leaves it; the native format refuses it itself); an integer outside 64
 * bits and a real beyond a double are refused.
 */
const struct ob_jnode *ob_jdoc_parse(struct ob_jdoc *d, const char *text,
				     size_t len, struct ob_err *err);

/*
 * The value at a dotted path ("properties.account_id") inside obj: each
 * step a member of an object, a list on the way taking its first element.
 * NULL when a step is missing or the value is null.
 */
const struct ob_jnode *ob_jdoc_path(const struct ob_jdoc *d,
				    const struct ob_jnode *obj,
				    const char *path);
/*
 * The text of a scalar into out (reset first): a string as it is, a
 * number as its text (an integer in decimal, a real as "%.15g" with ".0"
 * when it has no point: what SQLite's JSON functions gave before), true
 * and false as words; a list gives its first element. Returns 1, 0 for
 * null, none or an empty list, or -1 for an object, a list of lists or a
 * string holding a NUL.
 */
int ob_jdoc_text(const struct ob_jdoc *d, const struct ob_jnode *v,
		 struct ob_buf *out);
/* "text", "a number", "an object", ... for messages. */
const char *ob_jdoc_kind(const struct ob_jnode *v);
/* An object's or a list's first value, the value after v; NULL past. */
const struct ob_jnode *ob_jdoc_child(const struct ob_jdoc *d,
				     const struct ob_jnode *v);
const struct ob_jnode *ob_jdoc_next(const struct ob_jdoc *d,
				    const struct ob_jnode *v);
/* A member's name, NUL-terminated (key_len says where it really ends). */
const char *ob_jdoc_key(const struct ob_jdoc *d, const struct ob_jnode *v);
/* A number's value, or a string's text (NUL-terminated): for epochs. */
double ob_jdoc_number(const struct ob_jdoc *d, const struct ob_jnode *v);
const char *ob_jdoc_string(const struct ob_jdoc *d, const struct ob_jnode *v);

#endif
