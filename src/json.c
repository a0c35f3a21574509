#include "onboard/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *ob_json_parse(const char *text, size_t len, bool unique_keys,
		      struct ob_err *err)
{
	json_error_t e;
	/* NULs are allowed through the parser so that a valid document is
	 * not refused; the text of a string holding one is refused below. */
	size_t flags = JSON_DECODE_ANY | JSON_ALLOW_NUL;
	json_t *v;
	if (unique_keys)
		flags |= JSON_REJECT_DUPLICATES;
	v = json_loadb(text, len, flags, &e);
	if (!v)
		ob_fail(err, OB_EDATA, "malformed JSON at column %d: %s",
			e.column > 0 ? e.column : 1, e.text);
	return v;
}

json_t *ob_json_path(json_t *obj, const char *path)
{
	json_t *v = obj;
	const char *p = path;
	while (v) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		char step[128];
		while (json_is_array(v))
			v = json_array_get(v, 0);
		if (!json_is_object(v) || n >= sizeof(step))
			return NULL;
		memcpy(step, p, n);
		step[n] = '\0';
		v = json_object_get(v, step);
		if (!dot)
			break;
		p = dot + 1;
	}
	return json_is_null(v) ? NULL : v;
}

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

int ob_json_text(json_t *v, struct ob_buf *out)
{
	ob_buf_reset(out);
	if (json_is_array(v))
		v = json_array_get(v, 0);
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING: {
		size_t n = json_string_length(v);
		const char *s = json_string_value(v);
		if (memchr(s, '\0', n))
			return -1;
		ob_buf_add(out, s, n);
		return 1;
	}
	case JSON_INTEGER:
		ob_buf_addf(out, "%" JSON_INTEGER_FORMAT,
			    json_integer_value(v));
		return 1;
	case JSON_REAL:
		real_text(json_real_value(v), out);
		return 1;
	case JSON_TRUE:
		ob_buf_adds(out, "true");
		return 1;
	case JSON_FALSE:
		ob_buf_adds(out, "false");
		return 1;
	case JSON_NULL:
		return 0;
	default:
		return -1;
	}
}

const char *ob_json_kind(const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "a list";
	case JSON_STRING:
		return "text";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}
