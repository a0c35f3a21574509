/* libFuzzer: dates, ISO weeks and RFC 3339 instants; what parses must
 * format back to itself. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "onboard/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), out[OB_DATE_LEN];
	ob_day d, monday;
	int64_t us;
	bool bare;
	memcpy(s, data, size);
	s[size] = '\0';
	if (ob_date_parse(s, &d)) {
		ob_date_format(d, out);
		if (strcmp(out, s) != 0)
			abort();
		if (d < OB_DAY_MIN || d > OB_DAY_MAX)
			abort();
		(void)ob_date_weekday(d);
	}
	if (ob_date_parse_week(s, &monday) && ob_date_weekday(monday) != 1)
		abort();
	if (!ob_time_parse(s, &us, &bare)) {
		ob_day local = ob_time_local_day(us, bare);
		/* Parsed instants stay in 0001-9999 (a local zone may step
		 * a day over). */
		if (local < OB_DAY_MIN - 1 || local > OB_DAY_MAX + 1)
			abort();
		char utc[24];
		ob_time_format_utc(us, utc);
	}
	free(s);
	return 0;
}
