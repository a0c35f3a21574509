#include "onboard/csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct ob_csv {
	FILE *f;
	unsigned char buf[65536];
	size_t pos, len;
	bool eof;
	bool started; /* the byte order mark has been looked for */
	long line;    /* the line the reader is on */
	long error_line;
	struct ob_buf record; /* field texts, each NUL-terminated */
	size_t *starts;       /* offsets of fields in record */
	size_t nfields, starts_cap;
	char **fields;
	size_t fields_cap;
};

struct ob_csv *ob_csv_open(FILE *f)
{
	struct ob_csv *r = xcalloc(1, sizeof(*r));
	r->f = f;
	r->line = 1;
	return r;
}

void ob_csv_close(struct ob_csv *r)
{
	if (!r)
		return;
	ob_buf_release(&r->record);
	free(r->starts);
	free(r->fields);
	free(r);
}

long ob_csv_line(const struct ob_csv *r)
{
	return r->error_line;
}

/* The next byte, or -1 at the end of input (or on a read error). */
static int peek(struct ob_csv *r)
{
	if (r->pos == r->len) {
		if (r->eof)
			return -1;
		r->len = fread(r->buf, 1, sizeof(r->buf), r->f);
		r->pos = 0;
		if (r->len == 0) {
			r->eof = true;
			return -1;
		}
	}
	return r->buf[r->pos];
}

static int next(struct ob_csv *r)
{
	int c = peek(r);
	if (c >= 0)
		r->pos++;
	return c;
}

/* The bytes that end a run of a quoted field, and of a plain one. */
static const bool stop_quoted[256] = {[0] = true, ['"'] = true, ['\n'] = true};
static const bool stop_plain[256] = {[0] = true,    [','] = true,
				     ['\n'] = true, ['\r'] = true,
				     ['"'] = true};

/*
 * Copies bytes into the record up to the next one in is_stop, refilling
 * the buffer as needed, and stops there without taking it; or once the
 * record passes its limit, which the caller reports.
 */
static void span(struct ob_csv *r, const bool is_stop[256])
{
	while (peek(r) >= 0) {
		const unsigned char *p = r->buf + r->pos, *end = r->buf + r->len;
		const unsigned char *q = p;
		while (q < end && !is_stop[*q])
			q++;
		ob_buf_add(&r->record, p, (size_t)(q - p));
		r->pos += (size_t)(q - p);
		if (q < end || r->record.len > OB_CSV_RECORD_MAX)
			break;
	}
}

/* Skips to the start of the next line, for a reader that goes on. */
static void skip_line(struct ob_csv *r)
{
	int c;
	while ((c = next(r)) >= 0 && c != '\n')
		;
	if (c == '\n')
		r->line++;
}

static int fail(struct ob_csv *r, struct ob_err *err, long line,
		const char *msg, bool resync)
{
	r->error_line = line;
	if (resync)
		skip_line(r);
	return ob_fail(err, OB_EDATA, "%s", msg);
}

static void end_field(struct ob_csv *r, size_t start)
{
	ob_buf_addc(&r->record, '\0');
	ob_grow(&r->starts, &r->starts_cap, r->nfields + 1, sizeof(size_t));
	r->starts[r->nfields++] = start;
}

int ob_csv_read(struct ob_csv *r, struct ob_csv_record *rec,
		struct ob_err *err)
{
	long start_line;
	size_t field_start = 0;
	int c;

	if (!r->started) {
		r->started = true;
		if (peek(r) == 0xef) {
			/* A byte order mark is three bytes; anything else stays. */
			if (r->len - r->pos >= 3 && r->buf[r->pos + 1] == 0xbb &&
			    r->buf[r->pos + 2] == 0xbf)
				r->pos += 3;
		}
	}
	if (peek(r) < 0) {
		if (ferror(r->f)) {
			r->error_line = r->line;
			return ob_fail(err, OB_ENOINPUT, "read error: %s",
				       strerror(errno));
		}
		return 0;
	}
	ob_buf_reset(&r->record);
	r->nfields = 0;
	start_line = r->line;
	for (;;) {
		/* One field. */
		field_start = r->record.len;
		c = peek(r);
		if (c == '"') {
			next(r);
			for (;;) {
				/* Plain bytes go over in one copy per buffer. */
				span(r, stop_quoted);
				if (r->record.len > OB_CSV_RECORD_MAX)
					return fail(r, err, start_line,
						    "record longer than "
						    OB_STR(OB_CSV_RECORD_MAX)
						    " bytes",
						    true);
				c = next(r);
				if (c < 0)
					return fail(r, err, start_line,
						    "unterminated quoted field",
						    false);
				if (c == '"') {
					if (peek(r) == '"') {
						next(r);
						ob_buf_addc(&r->record, '"');
						continue;
					}
					break;
				}
				if (c == 0)
					return fail(r, err, r->line,
						    "NUL byte in the data", true);
				r->line++; /* c is a line feed */
				ob_buf_addc(&r->record, (char)c);
			}
			c = peek(r);
			if (c >= 0 && c != ',' && c != '\n' && c != '\r')
				return fail(r, err, r->line,
					    "text after a closing quote (a "
					    "quote inside a field is written "
					    "\"\")",
					    true);
		} else {
			span(r, stop_plain);
			if (r->record.len > OB_CSV_RECORD_MAX)
				return fail(r, err, start_line,
					    "record longer than "
					    OB_STR(OB_CSV_RECORD_MAX) " bytes",
					    true);
			c = peek(r);
			if (c == '"')
				return fail(r, err, r->line,
					    "quote in an unquoted field (quote "
					    "the whole field and write \"\" for "
					    "a quote)",
					    true);
			if (c == 0)
				return fail(r, err, r->line,
					    "NUL byte in the data", true);
		}
		if (!ob_utf8_valid(r->record.data ? r->record.data + field_start
						  : "",
				   r->record.len - field_start))
			return fail(r, err, r->line, "invalid UTF-8", true);
		end_field(r, field_start);
		c = next(r);
		if (c == ',')
			continue;
		if (c == '\r') {
			if (next(r) != '\n')
				return fail(r, err, r->line,
					    "carriage return not followed by "
					    "a line feed",
					    true);
			c = '\n';
		}
		if (c == '\n')
			r->line++;
		break; /* end of record (c is '\n' or the end of input) */
	}
	/* Pointers last: the record buffer may have moved while growing. */
	ob_grow(&r->fields, &r->fields_cap, r->nfields, sizeof(char *));
	for (size_t i = 0; i < r->nfields; i++)
		r->fields[i] = r->record.data + r->starts[i];
	rec->fields = r->fields;
	rec->nfields = r->nfields;
	rec->line = start_line;
	return 1;
}

int ob_csv_header(const struct ob_csv_record *rec, const char *const *names,
		  size_t n, size_t required, int *column_of,
		  struct ob_err *err)
{
	for (size_t i = 0; i < n; i++)
		column_of[i] = -1;
	for (size_t c = 0; c < rec->nfields; c++) {
		size_t i = 0;
		while (i < n && strcmp(names[i], rec->fields[c]) != 0)
			i++;
		if (i == n) {
			struct ob_buf known = {0};
			for (size_t k = 0; k < n; k++)
				ob_buf_addf(&known, "%s%s", k ? ", " : "",
					    names[k]);
			ob_fail(err, OB_EDATA,
				"unknown column '%s' (expected %s)",
				rec->fields[c], known.data);
			ob_buf_release(&known);
			return -1;
		}
		if (column_of[i] >= 0)
			return ob_fail(err, OB_EDATA,
				       "column '%s' appears twice", names[i]);
		column_of[i] = (int)c;
	}
	for (size_t i = 0; i < required; i++)
		if (column_of[i] < 0)
			return ob_fail(err, OB_EDATA,
				       "the header has no '%s' column",
				       names[i]);
	return 0;
}
