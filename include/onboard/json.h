/*
 * json: one JSON document per line, parsed in the process by jansson
 * (strict RFC 8259: UTF-8 checked, positions in its errors), and read through
 * the dotted paths of the source maps. Used by the import readers only; nothing
 * here touches the store.
 */
#ifndef ONBOARD_JSON_H
#define ONBOARD_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

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
 * The value at a dotted path ("properties.account_id") inside obj: each
 * step a member of an object, a list on the way taking its first element.
 * NULL when a step is missing or the value is null.
 */
json_t *ob_json_path(json_t *obj, const char *path);

/*
 * The text of a scalar into out (reset first): a string as it is, a
 * number as its text, true/false as words; a list gives its first
 * element. Returns 1, 0 for null or an empty list (nothing), or -1 for
 * an object, a list of lists or a string holding a NUL.
 */
int ob_json_text(json_t *v, struct ob_buf *out);

/* "a string", "an object", ... for messages. */
const char *ob_json_kind(const json_t *v);

#endif
