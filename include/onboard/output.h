/*
 * output: rows to stdout as an aligned table for people, or JSON or CSV for
 * scripts (SPEC.md section 4, "Output shapes"). All quoting and escaping
 * lives here, once. A command declares its columns, then adds one cell per
 * column, row by row, in column order.
 */
#ifndef ONBOARD_OUTPUT_H
#define ONBOARD_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "onboard/util.h"

enum ob_format { OB_FORMAT_TABLE, OB_FORMAT_JSON, OB_FORMAT_CSV };

struct ob_column {
	const char *name;    /* the JSON / CSV field */
	const char *heading; /* the table heading; NULL: not in the table */
	int max_width;       /* table: longer text is cut with "…"; 0: none */
	bool right;          /* table: align right (numbers) */
};

struct ob_out;

/* color: paint status words in the table (only ever on a terminal). */
struct ob_out *ob_out_begin(FILE *f, enum ob_format format,
			    const struct ob_column *cols, size_t ncols,
			    bool color);
enum ob_format ob_out_format(const struct ob_out *o);
void ob_out_text(struct ob_out *o, const char *text); /* NULL: null */
void ob_out_int(struct ob_out *o, long long v);
void ob_out_number(struct ob_out *o, double v);
void ob_out_bool(struct ob_out *o, bool v);
void ob_out_null(struct ob_out *o);
/* A status word (green, yellow, red): coloured in a table. */
void ob_out_status(struct ob_out *o, const char *status);
/* Text that a table paints red when alert is set (overdue, say). */
void ob_out_alert(struct ob_out *o, const char *text, bool alert);
/* A list: a JSON array, "; "-joined in CSV and tables. */
void ob_out_list(struct ob_out *o, const char *const *items, size_t n);
/* A value already encoded as JSON (objects); text stands for it elsewhere. */
void ob_out_json(struct ob_out *o, const char *json, const char *text);
void ob_out_row_end(struct ob_out *o);
/* Flushes a table, closes a JSON array; frees o. */
void ob_out_end(struct ob_out *o);

/* Appends s as a JSON string (quoted; invalid UTF-8 becomes U+FFFD). */
void ob_json_string(struct ob_buf *b, const char *s);
/* Appends s as one CSV field, quoted when it needs to be (RFC 4180). */
void ob_csv_field(struct ob_buf *b, const char *s);

#endif
