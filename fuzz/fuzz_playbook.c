/* libFuzzer: the playbook parser on any bytes. */
#include <stddef.h>
#include <stdint.h>

#include "onboard/playbook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ob_playbook pb;
	struct ob_diags diags = {0};
	if (ob_playbook_parse((const char *)data, size, &pb, &diags) == 0)
		ob_playbook_release(&pb);
	ob_diags_release(&diags);
	return 0;
}
