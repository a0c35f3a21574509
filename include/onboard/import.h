/*
 * import: the event readers of SPEC.md section 3 and 4 (`onboard import`):
 * CSV with a header naming its columns, and JSON Lines. Each turns a line
 * into the text of an event's fields; ob_event_check then checks what can
 * be checked without the database. Readers stream: nothing is allocated
 * per row.
 */
#ifndef ONBOARD_IMPORT_H
#define ONBOARD_IMPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "onboard/event.h"
#include "onboard/util.h"

enum ob_import_format { OB_IMPORT_CSV, OB_IMPORT_JSONL, OB_IMPORT_SOURCE };

#define OB_IMPORT_LINE_MAX (1024 * 1024)

/* What a line of an analytics export is (a native row is an event). */
enum ob_row_kind {
	OB_ROW_EVENT,
	OB_ROW_LINK,	 /* a Segment group call: user to account */
	OB_ROW_UNMAPPED, /* an event name the map leaves out */
	OB_ROW_OTHER,	 /* identify, page, screen, alias */
};

/* An event as a file gives it; NULL for an absent field. */
struct ob_event_fields {
	const char *account, *type, *at, *value, *id;
	const char *user; /* an export's user; NULL for native rows */
	enum ob_row_kind kind;
	long line; /* where the row starts */
};

struct ob_event_reader;

/*
 * Starts reading f. A CSV header is read and checked here; its problems
 * are OB_EDATA with *line set. JSON Lines are parsed by json.c.
 */
int ob_event_reader_open(FILE *f, enum ob_import_format format,
			 struct ob_event_reader **out, long *line,
			 struct ob_err *err);
/*
 * The next row: 1, 0 at the end, -1 on an error. An invalid row is
 * OB_EDATA with row->line set, and the reader can go on; any other code
 * (a read error) ends the file.
 */
int ob_event_reader_next(struct ob_event_reader *r, struct ob_event_fields *row,
			 struct ob_err *err);
void ob_event_reader_close(struct ob_event_reader *r);

/*
 * Starts reading an analytics export (JSON Lines shaped as map->source
 * writes them) through a map, which must outlive the reader. Its rows
 * come out of ob_event_reader_next: an event (its account NULL when no
 * account path has a value: the user's link decides), a link, or a line
 * to skip. Problems with a line are OB_EDATA with row->line set.
 */
struct ob_map;
struct ob_event_reader *ob_source_reader_open(FILE *f,
					      const struct ob_map *map);

/* What ob_event_check makes of a row's fields. */
struct ob_event_parsed {
	enum ob_event_type known; /* OB_EV_CUSTOM for a custom type */
	int64_t at;
	bool bare;
	char nps[3]; /* an nps value as a plain number: "09" is "9" */
};

/*
 * Checks an event's fields: an account, a valid type, a time (now when
 * absent and now_ok), a value and an id within their limits and as the
 * type needs them (nps 0-10; a ticket reference, a milestone id, a feature
 * name). Returns 0, or -1 with an OB_EDATA message.
 */
int ob_event_check(const struct ob_event_fields *f, bool now_ok,
		   struct ob_event_parsed *out, struct ob_err *err);

#endif
