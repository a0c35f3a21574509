/*
 * json: one JSON document per line, parsed in the process, and read
 * through the dotted paths of the source maps. The native JSON Lines go
 * through jansson (strict RFC 8259: UTF-8 checked, repeated keys refused,
 * positions in its errors); the analytics exports through yajl's event
 * parser into a flat document reused from line to line (an ob_jdoc),
 * which costs a fifth of what jansson's tree does on an export's line
 * (README.md, "Dependencies"). Used by the import readers only; nothing
 * here touches the store.
 */
#ifndef ONBOARD_JSON_H
#define ONBOARD_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onboard/util.h"

/*
 * Parses text[0..len) as one JSON value. Returns it (json_decref it), or
 * NULL with an OB_EDATA message naming the column. RFC 8259 allows an
 * object to repeat a key (the last one counts); unique_keys refuses it.
 * One valid document is refused all the same: jansson keeps keys as C
 * strings, so a key holding "\u0000" is an error.
 */
json_t *ob_json_parse(const char *text, size_t len, bool unique_keys,
		      struct ob_err *err);

/*
 * The text of a scalar into out (reset first): a string as it is, a
 * number as its text, true/false as words; a list gives its first
 * element. Returns 1, 0 for null or an empty list (nothing), or -1 for
 * an object, a list of lists or a string holding a NUL.
 */
int ob_json_text(json_t *v, struct ob_buf *out);

/* "a string", "an object", ... for messages. */
const char *ob_json_kind(const json_t *v);

/* --- one export line: yajl into a flat document -------------------------- */

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

/*
 * Parses text[0..len) (UTF-8 already checked) as one JSON value, replacing
 * what d held. Returns its root, or NULL with an OB_EDATA message naming
 * the column. A repeated key is allowed (the last one counts, as RFC 8259
 * leaves it); an integer outside 64 bits is refused, as jansson does.
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
/* ob_json_text and ob_json_kind on a document's values. */
int ob_jdoc_text(const struct ob_jdoc *d, const struct ob_jnode *v,
		 struct ob_buf *out);
const char *ob_jdoc_kind(const struct ob_jnode *v);
/* A number's value, or a string's text (NUL-terminated): for epochs. */
double ob_jdoc_number(const struct ob_jdoc *d, const struct ob_jnode *v);
const char *ob_jdoc_string(const struct ob_jdoc *d, const struct ob_jnode *v);

#endif
