#include "onboard/ics.h"

#include <string.h>

void ob_ics_line(struct ob_buf *b, const char *name, const char *value,
		 bool text)
{
	struct ob_buf line = {0};
	size_t width = 0;
	ob_buf_addf(&line, "%s:", name);
	for (const char *p = value; *p; p++) {
		if (!text)
			ob_buf_addc(&line, *p);
		else if (*p == '\\' || *p == ';' || *p == ',') {
			ob_buf_addc(&line, '\\');
			ob_buf_addc(&line, *p);
		} else if (*p == '\n') {
			ob_buf_adds(&line, "\\n");
		} else if (*p != '\r') {
			ob_buf_addc(&line, *p);
		}
	}
	/*
	 * Fold: at most 75 octets a line, the continuation starting with a
	 * space, and a UTF-8 sequence never split.
	 */
	for (size_t i = 0; i < line.len;) {
		size_t n = 1;
		unsigned char c = (unsigned char)line.data[i];
		if (c >= 0xf0)
			n = 4;
		else if (c >= 0xe0)
			n = 3;
		else if (c >= 0xc0)
			n = 2;
		if (width + n > 75) {
			ob_buf_adds(b, "\r\n ");
			width = 1;
		}
		ob_buf_add(b, line.data + i, n);
		width += n;
		i += n;
	}
	ob_buf_adds(b, "\r\n");
	ob_buf_release(&line);
}
