/*
 * libFuzzer: the readers of the analytics exports (Segment, Mixpanel,
 * Amplitude lines) and the checks of each event, on any bytes. The first
 * byte picks the source; the map names the usual events and paths,
 * lists included, with unmapped names as custom types.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onboard/import.h"
#include "onboard/map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char map_text[] =
	"source: %s\n"
	"account: [context.groupId, properties.company_id, groups.company]\n"
	"events:\n"
	"  Signed In: login\n"
	"  Report Created: { type: feature_used, value: properties.r }\n"
	"  Used: feature_used\n"
	"  NPS: { type: nps, value: properties.score }\n"
	"  Ticket: { type: ticket_opened, value: properties.ticket.id }\n"
	"unmapped: custom\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sources[] = {"segment", "mixpanel",
					      "amplitude"};
	struct ob_event_reader *r;
	struct ob_event_fields row;
	struct ob_event_parsed parsed;
	struct ob_diags diags = {0};
	struct ob_map map;
	struct ob_err err;
	char text[sizeof(map_text) + 16];
	FILE *f;
	int n;
	if (size < 1)
		return 0;
	snprintf(text, sizeof(text), map_text, sources[data[0] % 3]);
	if (ob_map_parse(text, strlen(text), &map, &diags) < 0)
		abort();
	f = fmemopen((void *)(data + 1), size > 1 ? size - 1 : 1, "rb");
	if (f) {
		if (size == 1)
			fseek(f, 1, SEEK_SET);
		r = ob_source_reader_open(f, &map);
		while ((n = ob_event_reader_next(r, &row, &err)) != 0)
			if (n > 0 && row.kind == OB_ROW_EVENT && row.account)
				ob_event_check(&row, false, &parsed, &err);
		ob_event_reader_close(r);
		fclose(f);
	}
	ob_map_release(&map);
	return 0;
}
