/* libFuzzer: finding and filling {{placeholders}}. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "onboard/template.h"
#include "onboard/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void value(void *ctx, const char *name, struct ob_buf *out)
{
	(void)ctx;
	if (ob_template_name_known(name, strlen(name)))
		ob_buf_adds(out, "<known>");
	else
		ob_buf_addf(out, "[%s]", name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct ob_buf out = {0};
	struct ob_placeholder ph;
	size_t pos = 0;
	memcpy(s, data, size);
	s[size] = '\0';
	while (ob_template_next(s, &pos, &ph) > 0)
		if (ph.name_offset + ph.name_len > strlen(s))
			abort();
	ob_template_render(s, value, NULL, &out);
	ob_buf_release(&out);
	free(s);
	return 0;
}
