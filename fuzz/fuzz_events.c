/*
 * libFuzzer: the event readers (CSV, and JSON Lines through yajl) and
 * the checks of each row, on any bytes. The first byte picks the format.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "onboard/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum ob_import_format format;
	struct ob_event_reader *r;
	struct ob_event_fields row;
	struct ob_event_parsed parsed;
	struct ob_err err;
	FILE *f;
	long line;
	int n;
	if (size < 1)
		return 0;
	format = data[0] & 1 ? OB_IMPORT_JSONL : OB_IMPORT_CSV;
	f = fmemopen((void *)(data + 1), size > 1 ? size - 1 : 1, "rb");
	if (!f)
		return 0;
	if (size == 1)
		fseek(f, 1, SEEK_SET);
	if (ob_event_reader_open(f, format, &r, &line, &err) == 0) {
		while ((n = ob_event_reader_next(r, &row, &err)) != 0)
			if (n > 0)
				ob_event_check(&row, false, &parsed, &err);
		ob_event_reader_close(r);
	}
	fclose(f);
	return 0;
}
