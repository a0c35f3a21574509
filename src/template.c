#include "onboard/template.h"

#include <stdlib.h>
#include <string.h>

#include "onboard/metric.h"
#include "onboard/util.h"

int ob_template_next(const char *text, size_t *pos, struct ob_placeholder *ph)
{
	const char *open = strstr(text + *pos, "{{");
	const char *p, *close;
	size_t start, end;
	if (!open)
		return 0;
	ph->offset = (size_t)(open - text);
	/* A placeholder never spans lines: an unclosed "{{" is a typo. */
	for (close = open + 2; *close && *close != '\n'; close++)
		if (close[0] == '}' && close[1] == '}')
			break;
	if (!*close || *close == '\n')
		return -1;
	ph->len = (size_t)(close + 2 - open);
	start = ph->offset + 2;
	end = (size_t)(close - text);
	for (p = text + start; p < text + end && *p == ' '; p++)
		start++;
	while (end > start && text[end - 1] == ' ')
		end--;
	ph->name_offset = start;
	ph->name_len = end - start;
	*pos = ph->offset + ph->len;
	return 1;
}

static const char *const names[] = {
	"account.id",	"account.name",	   "account.contact", "account.email",
	"account.csm",	"account.tier",	   "checkin.id",      "checkin.title",
	"checkin.opens", "checkin.closes", "checkin.channel", "day",
	"status",	"reasons",	   "progress",
};

bool ob_template_name_known(const char *name, size_t len)
{
	char buf[128];
	struct ob_metric_ref ref;
	bool ok;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return true;
	if (len < 8 || len >= sizeof(buf) || memcmp(name, "metric.", 7) != 0)
		return false;
	memcpy(buf, name + 7, len - 7);
	buf[len - 7] = '\0';
	ok = ob_metric_parse(buf, &ref);
	if (ok)
		free(ref.type);
	return ok;
}

void ob_template_render(const char *text,
			void (*value)(void *ctx, const char *name,
				      struct ob_buf *out),
			void *ctx, struct ob_buf *out)
{
	size_t pos = 0, copied = 0;
	struct ob_placeholder ph;
	while (ob_template_next(text, &pos, &ph) > 0) {
		char name[128];
		ob_buf_add(out, text + copied, ph.offset - copied);
		copied = ph.offset + ph.len;
		if (ph.name_len >= sizeof(name)) {
			ob_buf_add(out, text + ph.offset, ph.len);
			continue;
		}
		memcpy(name, text + ph.name_offset, ph.name_len);
		name[ph.name_len] = '\0';
		value(ctx, name, out);
	}
	ob_buf_adds(out, text + copied);
}
