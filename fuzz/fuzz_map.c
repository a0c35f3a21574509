/* libFuzzer: the source map parser on any bytes. */
#include <stddef.h>
#include <stdint.h>

#include "onboard/map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ob_map m;
	struct ob_diags diags = {0};
	if (ob_map_parse((const char *)data, size, &m, &diags) == 0)
		ob_map_release(&m);
	ob_diags_release(&diags);
	return 0;
}
