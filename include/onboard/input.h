/*
 * input: the bytes of an import file, as they stream: a plain file, a
 * gzip file (or gzip on standard input, told by its magic), or a zip
 * archive of members (Amplitude's export: hourly .gz files), each member
 * decompressed in turn. libarchive does the formats; nothing is inflated
 * whole into memory. Each member is handed out as a FILE, so the readers
 * of import.c read every container alike.
 */
#ifndef ONBOARD_INPUT_H
#define ONBOARD_INPUT_H

#include <stdint.h>
#include <stdio.h>

#include "onboard/util.h"

struct ob_input;

/*
 * Opens path ("-" is standard input). A file that cannot be opened is
 * OB_ENOINPUT; a compressed stream broken from its start is OB_EDATA.
 */
int ob_input_open(const char *path, struct ob_input **out, struct ob_err *err);
/*
 * The next member: 1 with *f reading its bytes (valid until the next
 * call) and *member its name inside a zip (NULL for a plain or gzip
 * file, which is one member); 0 after the last; -1 on an error.
 */
int ob_input_next(struct ob_input *in, FILE **f, const char **member,
		  struct ob_err *err);
/*
 * After a read error on a member's FILE: what went wrong. A truncated or
 * corrupt compressed stream is OB_EDATA; an I/O error OB_ENOINPUT.
 */
void ob_input_error(const struct ob_input *in, struct ob_err *err);
/*
 * How far the input is read: the bytes of the file read so far (of a
 * compressed one, its compressed bytes), and its size (0 when it is not
 * known: a pipe).
 */
void ob_input_progress(const struct ob_input *in, int64_t *read,
		       int64_t *size);
void ob_input_close(struct ob_input *in);

#endif
