/*
 * csv: a strict, streaming RFC 4180 reader. Quoted fields may hold commas,
 * quotes ("") and line breaks; records end with LF or CRLF; a UTF-8 byte
 * order mark at the start is skipped. Anything else (a stray quote, text
 * after a closing quote, an unterminated quote, invalid UTF-8, a NUL byte,
 * a record over OB_CSV_RECORD_MAX bytes) is an error with its line, never
 * silently repaired. Nothing is allocated per record.
 */
#ifndef ONBOARD_CSV_H
#define ONBOARD_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "onboard/util.h"

#define OB_CSV_RECORD_MAX 1048576

struct ob_csv;

/* One record; the fields stay valid until the next read. */
struct ob_csv_record {
	char **fields; /* NUL-terminated */
	size_t nfields;
	long line; /* where the record starts, 1-based */
};

struct ob_csv *ob_csv_open(FILE *f);
void ob_csv_close(struct ob_csv *r);
/*
 * Reads the next record: 1 when there is one, 0 at the end, -1 on an
 * error (err->msg without a position; ob_csv_line says where). After an
 * error the reader resynchronises at the next line, so a caller that
 * skips invalid rows can go on.
 */
int ob_csv_read(struct ob_csv *r, struct ob_csv_record *rec,
		struct ob_err *err);
/* The line the last error was found on. */
long ob_csv_line(const struct ob_csv *r);

/*
 * Maps a header record onto the n known column names: column_of[i] is the
 * column of names[i], or -1. The first unknown or repeated column, or a
 * missing one of the first `required` names, is an error.
 */
int ob_csv_header(const struct ob_csv_record *rec, const char *const *names,
		  size_t n, size_t required, int *column_of,
		  struct ob_err *err);

#endif
