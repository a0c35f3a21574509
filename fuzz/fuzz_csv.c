/* libFuzzer: the RFC 4180 reader and header mapping on any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "onboard/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"id", "name", "tier"};
	FILE *f = fmemopen((void *)data, size ? size : 1, "rb");
	struct ob_csv *r;
	struct ob_csv_record rec;
	struct ob_err err;
	int n, column_of[3], first = 1;
	if (!f)
		return 0;
	if (!size)
		fseek(f, 1, SEEK_SET);
	r = ob_csv_open(f);
	while ((n = ob_csv_read(r, &rec, &err)) != 0) {
		if (n < 0) {
			(void)ob_csv_line(r);
			continue;
		}
		if (first)
			ob_csv_header(&rec, names, 3, 1, column_of, &err);
		first = 0;
		for (size_t i = 0; i < rec.nfields; i++)
			(void)rec.fields[i][0];
	}
	ob_csv_close(r);
	fclose(f);
	return 0;
}
