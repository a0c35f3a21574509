#include "onboard/import.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "onboard/csv.h"
#include "onboard/date.h"
#include "onboard/json.h"

enum column { C_ACCOUNT, C_TYPE, C_AT, C_VALUE, C_ID, NCOLUMNS };

static const char *const column_names[NCOLUMNS] = {"account", "type", "at",
						   "value", "id"};

struct ob_event_reader {
	enum ob_import_format format;
	FILE *f;
	/* CSV */
	struct ob_csv *csv;
	int column_of[NCOLUMNS];
	size_t ncolumns;
	/* JSONL */
	struct ob_buf line;
	long lineno;
	bool started;
	struct ob_buf member[NCOLUMNS]; /* this line's values, reused */
};

int ob_event_reader_open(FILE *f, enum ob_import_format format,
			 struct ob_event_reader **out,
			 long *line, struct ob_err *err)
{
	struct ob_event_reader *r = xcalloc(1, sizeof(*r));
	struct ob_csv_record rec;
	int n;

	r->format = format;
	r->f = f;
	*line = 1;
	if (format == OB_IMPORT_CSV) {
		r->csv = ob_csv_open(f);
		n = ob_csv_read(r->csv, &rec, err);
		if (n == 0) {
			ob_fail(err, OB_EDATA, "empty file: expected a header "
					       "row naming the columns");
			goto fail;
		}
		if (n < 0) {
			*line = ob_csv_line(r->csv);
			goto fail;
		}
		if (ob_csv_header(&rec, column_names, NCOLUMNS, 3, r->column_of,
				  err) < 0)
			goto fail;
		r->ncolumns = rec.nfields;
	}
	*out = r;
	return 0;
fail:
	ob_event_reader_close(r);
	return -1;
}

void ob_event_reader_close(struct ob_event_reader *r)
{
	if (!r)
		return;
	ob_csv_close(r->csv);
	ob_buf_release(&r->line);
	for (int i = 0; i < NCOLUMNS; i++)
		ob_buf_release(&r->member[i]);
	free(r);
}

static int next_csv(struct ob_event_reader *r, struct ob_event_fields *row,
		    struct ob_err *err)
{
	struct ob_csv_record rec;
	const char **slots[NCOLUMNS] = {&row->account, &row->type, &row->at,
					&row->value, &row->id};
	int n = ob_csv_read(r->csv, &rec, err);
	if (n <= 0) {
		row->line = ob_csv_line(r->csv);
		return n;
	}
	row->line = rec.line;
	if (rec.nfields != r->ncolumns) {
		if (rec.nfields == 1 && !*rec.fields[0])
			return ob_fail(err, OB_EDATA, "empty line");
		return ob_fail(err, OB_EDATA,
			       "expected %zu fields as in the header, found %zu",
			       r->ncolumns, rec.nfields);
	}
	for (int i = 0; i < NCOLUMNS; i++) {
		const char *v = r->column_of[i] >= 0
					? rec.fields[r->column_of[i]]
					: NULL;
		/* An empty cell is an absent value or id. */
		*slots[i] = v && (*v || i < C_VALUE) ? v : NULL;
	}
	return 1;
}

/*
 * Reads one line into r->line, without its line end. Returns 1, 0 at the
 * end, or -1 for a line over the limit (consumed all the same).
 */
static int read_line(struct ob_event_reader *r, struct ob_err *err)
{
	int c;
	bool any = false, too_long = false;
	ob_buf_reset(&r->line);
	while ((c = getc_unlocked(r->f)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		if (r->line.len < OB_IMPORT_LINE_MAX)
			ob_buf_addc(&r->line, (char)c);
		else
			too_long = true;
	}
	if (ferror(r->f))
		return ob_fail(err, OB_ENOINPUT, "read error: %s",
			       strerror(errno));
	if (!any)
		return 0;
	r->lineno++;
	if (too_long)
		return ob_fail(err, OB_EDATA, "line longer than %d bytes",
			       OB_IMPORT_LINE_MAX);
	if (r->line.len && r->line.data[r->line.len - 1] == '\r')
		r->line.data[--r->line.len] = '\0';
	if (!r->line.data)
		ob_buf_add(&r->line, "", 0);
	return 1;
}

/*
 * The native line: an object with the five keys, text where text is
 * expected; value and id may be numbers (nps: 9), given as their text.
 */
static int jsonl_fields(struct ob_event_reader *r, json_t *obj,
			struct ob_event_fields *row, struct ob_err *err)
{
	const char **slots[NCOLUMNS] = {&row->account, &row->type, &row->at,
					&row->value, &row->id};
	const char *key;
	json_t *v;
	if (!json_is_object(obj))
		return ob_fail(err, OB_EDATA, "expected a JSON object, found %s",
			       ob_json_kind(obj));
	json_object_foreach (obj, key, v) {
		int i = 0, got;
		while (i < NCOLUMNS && strcmp(column_names[i], key) != 0)
			i++;
		if (i == NCOLUMNS)
			return ob_fail(err, OB_EDATA, "unknown key '%s'", key);
		if (json_is_null(v))
			continue;
		if (!json_is_string(v) && !(i >= C_VALUE && json_is_number(v)))
			return ob_fail(err, OB_EDATA, "'%s' must be %s, not %s",
				       key,
				       i >= C_VALUE ? "text or a number"
						    : "text",
				       ob_json_kind(v));
		got = ob_json_text(v, &r->member[i]);
		if (got < 0)
			return ob_fail(err, OB_EDATA,
				       "'%s' holds a NUL character", key);
		/* An empty value or id is an absent one, as in CSV. */
		if (i < C_VALUE || r->member[i].len)
			*slots[i] = r->member[i].data;
	}
	return 1;
}

static int next_jsonl(struct ob_event_reader *r, struct ob_event_fields *row,
		      struct ob_err *err)
{
	const char *text;
	size_t len;
	json_t *obj;
	int n = read_line(r, err);
	row->line = r->lineno;
	if (n <= 0)
		return n;
	text = r->line.data;
	len = r->line.len;
	if (!r->started) {
		r->started = true;
		if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
			text += 3;
			len -= 3;
		}
	}
	if (len == 0)
		return ob_fail(err, OB_EDATA, "empty line");
	if (memchr(text, '\0', len))
		return ob_fail(err, OB_EDATA, "NUL byte in the data");
	if (!ob_utf8_valid(text, len))
		return ob_fail(err, OB_EDATA, "invalid UTF-8");
	/* A repeated key would make a row say two things at once. */
	if (!(obj = ob_json_parse(text, len, true, err)))
		return -1;
	n = jsonl_fields(r, obj, row, err);
	json_decref(obj);
	return n;
}

int ob_event_reader_next(struct ob_event_reader *r,
			 struct ob_event_fields *row, struct ob_err *err)
{
	memset(row, 0, sizeof(*row));
	return r->format == OB_IMPORT_CSV ? next_csv(r, row, err)
					  : next_jsonl(r, row, err);
}

static bool needs_value(enum ob_event_type t, const char **what)
{
	switch (t) {
	case OB_EV_NPS:
		*what = "a score from 0 to 10";
		return true;
	case OB_EV_TICKET_OPENED:
	case OB_EV_TICKET_RESOLVED:
		*what = "a ticket reference";
		return true;
	case OB_EV_MILESTONE:
		*what = "a milestone id";
		return true;
	case OB_EV_FEATURE_USED:
		*what = "the feature's name";
		return true;
	default:
		return false;
	}
}

int ob_event_check(const struct ob_event_fields *f, bool now_ok,
		   struct ob_event_parsed *out, struct ob_err *err)
{
	const char *why, *what;
	size_t vlen;
	long long nps;

	if (!f->account || !*f->account)
		return ob_fail(err, OB_EDATA, "missing account");
	if (!f->type || !*f->type)
		return ob_fail(err, OB_EDATA, "missing type");
	if (!ob_event_type_valid(f->type))
		return ob_fail(err, OB_EDATA,
			       "bad event type '%s': expected a known type or "
			       "a custom one of a-z, 0-9 and _ (at most 64, "
			       "starting with a letter)",
			       f->type);
	out->known = ob_event_type_lookup(f->type);
	if (!f->at || !*f->at) {
		if (!now_ok)
			return ob_fail(err, OB_EDATA, "missing at (the "
						      "event's time)");
		out->at = ob_time_now();
		out->bare = false;
	} else if ((why = ob_time_parse(f->at, &out->at, &out->bare))) {
		return ob_fail(err, OB_EDATA, "bad time '%s': %s", f->at, why);
	}
	vlen = f->value ? strlen(f->value) : 0;
	if (vlen > OB_EVENT_VALUE_MAX)
		return ob_fail(err, OB_EDATA,
			       "value of %zu bytes: at most %d allowed", vlen,
			       OB_EVENT_VALUE_MAX);
	if (f->value && !ob_utf8_valid(f->value, vlen))
		return ob_fail(err, OB_EDATA, "value is not UTF-8");
	if (needs_value(out->known, &what) && vlen == 0)
		return ob_fail(err, OB_EDATA, "%s events need %s as value",
			       f->type, what);
	if (out->known == OB_EV_NPS &&
	    !ob_parse_int(f->value, 0, 10, &nps))
		return ob_fail(err, OB_EDATA,
			       "nps value '%s': expected a whole number from "
			       "0 to 10",
			       f->value);
	if (out->known == OB_EV_NPS)
		snprintf(out->nps, sizeof(out->nps), "%lld", nps);
	if (f->id && strlen(f->id) > OB_EVENT_ID_MAX)
		return ob_fail(err, OB_EDATA, "id longer than %d bytes",
			       OB_EVENT_ID_MAX);
	if (f->id && !ob_utf8_valid(f->id, strlen(f->id)))
		return ob_fail(err, OB_EDATA, "id is not UTF-8");
	return 0;
}
