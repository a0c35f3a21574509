#include "onboard/template.h"

#include <stdlib.h>
#include <string.h>

#include "onboard/account.h"
#include "onboard/health.h"
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

struct fill {
	const struct ob_account *a;
	const struct ob_playbook *pb;
	const struct ob_assessment *as;
	const struct ob_checkin_instance *ci;
	const char *csm;
};

static void put_date(struct ob_buf *out, ob_day d)
{
	char buf[OB_DATE_LEN];
	ob_date_format(d, buf);
	ob_buf_adds(out, buf);
}

/* What a placeholder stands for; see doc/GUIDE.md for the fallbacks. */
static void value(void *ctx, const char *name, struct ob_buf *out)
{
	const struct fill *f = ctx;
	const struct ob_account *a = f->a;
	const struct ob_health *h = &f->as->health;
	struct ob_metric_ref ref;
	if (strcmp(name, "account.id") == 0)
		ob_buf_adds(out, a->id);
	else if (strcmp(name, "account.name") == 0)
		ob_buf_adds(out, a->name);
	else if (strcmp(name, "account.contact") == 0)
		ob_buf_adds(out, a->contact ? a->contact : "there");
	else if (strcmp(name, "account.email") == 0)
		ob_buf_adds(out, a->email ? a->email : "");
	else if (strcmp(name, "account.csm") == 0)
		ob_buf_adds(out, f->csm   ? f->csm
				 : a->csm ? a->csm
					  : "The onboarding team");
	else if (strcmp(name, "account.tier") == 0)
		ob_buf_adds(out, f->pb->tiers[f->as->tier].title);
	else if (strcmp(name, "checkin.id") == 0)
		ob_buf_adds(out, f->ci->checkin->id);
	else if (strcmp(name, "checkin.title") == 0)
		ob_buf_adds(out, f->ci->checkin->title);
	else if (strcmp(name, "checkin.opens") == 0)
		put_date(out, f->ci->opens);
	else if (strcmp(name, "checkin.closes") == 0)
		put_date(out, f->ci->closes);
	else if (strcmp(name, "checkin.channel") == 0)
		ob_buf_adds(out, ob_channel_name(f->ci->channel));
	else if (strcmp(name, "day") == 0)
		ob_buf_addf(out, "%.0f", f->as->signals.m[OB_M_DAY].v);
	else if (strcmp(name, "status") == 0)
		ob_buf_adds(out, ob_status_name(h->status));
	else if (strcmp(name, "reasons") == 0) {
		if (!h->reasons.n)
			ob_buf_adds(out, "none");
		ob_buf_join(out, h->reasons.items, h->reasons.n, "; ");
	} else if (strcmp(name, "progress") == 0)
		ob_buf_addf(out, "%d", f->as->signals.progress);
	else if (strncmp(name, "metric.", 7) == 0 &&
		 ob_metric_parse(name + 7, &ref)) {
		struct ob_metric_value v = ob_signals_get(&f->as->signals, &ref);
		if (v.has)
			ob_buf_addf(out, "%g", v.v);
		else
			ob_buf_adds(out, "n/a");
		free(ref.type);
	} else
		ob_buf_addf(out, "{{%s}}", name);
}

void ob_template_fill_checkin(const struct ob_account *a,
			      const struct ob_playbook *pb,
			      const struct ob_assessment *as,
			      const struct ob_checkin_instance *ci,
			      const char *csm, struct ob_buf *out)
{
	struct fill f = {a, pb, as, ci, csm};
	ob_template_render(ci->checkin->template, value, &f, out);
}
