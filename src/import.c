#include "onboard/import.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "onboard/csv.h"
#include "onboard/date.h"
#include "onboard/json.h"
#include "onboard/map.h"

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
	char *chunk; /* READ_CHUNK bytes read ahead, [pos, end) unread */
	size_t pos, end;
	struct ob_buf line;
	long lineno;
	bool started;
	struct ob_buf member[NCOLUMNS]; /* this line's values, reused */
	struct ob_jdoc *doc;		/* the line, parsed */
	/* an analytics export */
	const struct ob_map *map;
	struct ob_buf user, name;
	char custom[OB_EVENT_TYPE_MAX + 1];
};

int ob_event_reader_open(FILE *f, enum ob_import_format format,
			 struct ob_event_reader **out, long *line,
			 struct ob_err *err)
{
	struct ob_event_reader *r = xcalloc(1, sizeof(*r));
	struct ob_csv_record rec;
	int n;

	r->format = format;
	r->f = f;
	r->doc = ob_jdoc_new();
	*line = 1;
	if (format == OB_IMPORT_CSV) {
		r->csv = ob_csv_open(f);
		n = ob_csv_read(r->csv, &rec, err);
		if (n == 0) {
			ob_fail(err, OB_EDATA,
				"empty file: expected a header "
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
	free(r->chunk);
	for (int i = 0; i < NCOLUMNS; i++)
		ob_buf_release(&r->member[i]);
	ob_buf_release(&r->user);
	ob_buf_release(&r->name);
	ob_jdoc_free(r->doc);
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
		return ob_fail(
		    err, OB_EDATA,
		    "expected %zu fields as in the header, found %zu",
		    r->ncolumns, rec.nfields);
	}
	for (int i = 0; i < NCOLUMNS; i++) {
		const char *v =
		    r->column_of[i] >= 0 ? rec.fields[r->column_of[i]] : NULL;
		/* An empty cell is an absent value or id. */
		*slots[i] = v && (*v || i < C_VALUE) ? v : NULL;
	}
	return 1;
}

/*
 * Reads one line into r->line, without its line end. Returns 1, 0 at the
 * end, or -1 for a line over the limit (consumed all the same).
 */
/*
 * Lines are cut from chunks with memchr: reading them a byte at a time
 * through stdio was a tenth of an export's import.
 */
#define READ_CHUNK 65536

/* The next chunk of the file: 1, 0 at its end, -1 on a read error. */
static int read_chunk(struct ob_event_reader *r, struct ob_err *err)
{
	if (!r->chunk)
		r->chunk = xmalloc(READ_CHUNK);
	r->pos = 0;
	r->end = fread(r->chunk, 1, READ_CHUNK, r->f);
	if (ferror(r->f))
		return ob_fail(err, OB_ENOINPUT, "read error: %s",
			       strerror(errno));
	return r->end > 0;
}

static int read_line(struct ob_event_reader *r, struct ob_err *err)
{
	bool any = false, too_long = false;
	int got;
	ob_buf_reset(&r->line);
	for (;;) {
		const char *p, *nl;
		size_t n, room;
		if (r->pos == r->end && (got = read_chunk(r, err)) <= 0) {
			if (got < 0)
				return -1;
			break;
		}
		p = r->chunk + r->pos;
		n = r->end - r->pos;
		nl = memchr(p, '\n', n);
		if (nl)
			n = (size_t)(nl - p);
		any = true;
		room = OB_IMPORT_LINE_MAX - r->line.len;
		if (n > room)
			too_long = true;
		ob_buf_add(&r->line, p, n < room ? n : room);
		r->pos += n + (nl != NULL);
		if (nl)
			break;
	}
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
static int jsonl_fields(struct ob_event_reader *r, const struct ob_jnode *obj,
			struct ob_event_fields *row, struct ob_err *err)
{
	const char **slots[NCOLUMNS] = {&row->account, &row->type, &row->at,
					&row->value, &row->id};
	bool seen[NCOLUMNS] = {false};
	if (obj->kind != OB_JOBJECT)
		return ob_fail(err, OB_EDATA,
			       "expected a JSON object, found %s",
			       ob_jdoc_kind(obj));
	for (const struct ob_jnode *v = ob_jdoc_child(r->doc, obj); v;
	     v = ob_jdoc_next(r->doc, v)) {
		const char *key = ob_jdoc_key(r->doc, v);
		int i = 0, got;
		while (i < NCOLUMNS &&
		       !(v->key_len == strlen(column_names[i]) &&
			 memcmp(column_names[i], key, v->key_len) == 0))
			i++;
		if (i == NCOLUMNS)
			return ob_fail(err, OB_EDATA, "unknown key '%s'", key);
		/* A repeated key would make a row say two things at once. */
		if (seen[i])
			return ob_fail(err, OB_EDATA, "repeated key '%s'", key);
		seen[i] = true;
		if (v->kind == OB_JNULL)
			continue;
		if (v->kind != OB_JSTRING &&
		    !(i >= C_VALUE &&
		      (v->kind == OB_JINTEGER || v->kind == OB_JREAL)))
			return ob_fail(
			    err, OB_EDATA, "'%s' must be %s, not %s", key,
			    i >= C_VALUE ? "text or a number" : "text",
			    ob_jdoc_kind(v));
		got = ob_jdoc_text(r->doc, v, &r->member[i]);
		if (got < 0)
			return ob_fail(err, OB_EDATA,
				       "'%s' holds a NUL character", key);
		/* An empty value or id is an absent one, as in CSV. */
		if (i < C_VALUE || r->member[i].len)
			*slots[i] = r->member[i].data;
	}
	return 1;
}

/*
 * The next line, checked for what no JSON parser should see: 1 with its
 * text, 0 at the end, -1 on an error (OB_EDATA for the line).
 */
static int next_json_line(struct ob_event_reader *r, const char **text,
			  size_t *len, long *line, struct ob_err *err)
{
	int n = read_line(r, err);
	*line = r->lineno;
	if (n <= 0)
		return n;
	*text = r->line.data;
	*len = r->line.len;
	if (!r->started) {
		r->started = true;
		if (*len >= 3 && memcmp(*text, "\xef\xbb\xbf", 3) == 0) {
			*text += 3;
			*len -= 3;
		}
	}
	if (*len == 0)
		return ob_fail(err, OB_EDATA, "empty line");
	if (memchr(*text, '\0', *len))
		return ob_fail(err, OB_EDATA, "NUL byte in the data");
	if (!ob_utf8_valid(*text, *len))
		return ob_fail(err, OB_EDATA, "invalid UTF-8");
	return 1;
}

static int next_jsonl(struct ob_event_reader *r, struct ob_event_fields *row,
		      struct ob_err *err)
{
	const char *text = NULL;
	size_t len = 0;
	const struct ob_jnode *obj;
	int n = next_json_line(r, &text, &len, &row->line, err);
	if (n <= 0)
		return n;
	if (!(obj = ob_jdoc_parse(r->doc, text, len, err)))
		return -1;
	return jsonl_fields(r, obj, row, err);
}

struct ob_event_reader *ob_source_reader_open(FILE *f, const struct ob_map *map)
{
	struct ob_event_reader *r = xcalloc(1, sizeof(*r));
	r->format = OB_IMPORT_SOURCE;
	r->f = f;
	r->map = map;
	r->doc = ob_jdoc_new();
	return r;
}

/*
 * The text at path into b: 1, 0 when absent (and, in Amplitude's
 * exports, its "EMPTY" placeholder), -1 when it is no scalar.
 */
static int path_text(const struct ob_event_reader *r,
		     const struct ob_jnode *obj, const char *path,
		     struct ob_buf *b, struct ob_err *err)
{
	const struct ob_jnode *v = ob_jdoc_path(r->doc, obj, path);
	int got = ob_jdoc_text(r->doc, v, b);
	if (got < 0)
		return ob_fail(err, OB_EDATA,
			       "'%s' is %s, not text or a number", path,
			       ob_jdoc_kind(v));
	if (got > 0 && r->map->source == OB_AMPLITUDE &&
	    strcmp(b->data, "EMPTY") == 0)
		return 0;
	return got > 0 && b->len > 0;
}

/*
 * Mixpanel's time: epoch seconds, or milliseconds past 10^11 (a date in
 * 5138 as seconds), as RFC 3339 with the fraction kept.
 */
static int epoch_text(const struct ob_jdoc *d, const struct ob_jnode *v,
		      struct ob_buf *out, struct ob_err *err)
{
	double t;
	int64_t us, secs;
	char when[24];
	if (v && v->kind == OB_JSTRING) {
		const char *s = ob_jdoc_string(d, v);
		char *end;
		t = strtod(s, &end);
		if (end == s || *end)
			return ob_fail(err, OB_EDATA,
				       "properties.time '%s': expected epoch "
				       "seconds",
				       s);
	} else if (v && (v->kind == OB_JINTEGER || v->kind == OB_JREAL)) {
		t = ob_jdoc_number(d, v);
	} else {
		return ob_fail(err, OB_EDATA, "missing properties.time");
	}
	if (t > 1e11)
		t /= 1000;
	if (!(t > -62135596800.0 && t < 253402300800.0))
		return ob_fail(err, OB_EDATA,
			       "properties.time %.0f: outside the years 0001 "
			       "to 9999",
			       t);
	us = (int64_t)(t * 1e6 + (t < 0 ? -0.5 : 0.5));
	secs = us / 1000000 - (us % 1000000 < 0);
	ob_time_format_utc(us, when);
	ob_buf_reset(out);
	ob_buf_add(out, when, 19);
	if (us - secs * 1000000)
		ob_buf_addf(out, ".%06lld", (long long)(us - secs * 1000000));
	ob_buf_addc(out, 'Z');
	return 0;
}

/* The fields of one line by the source's shape (SPEC.md section 8). */
static int source_fields(struct ob_event_reader *r,
			 const struct ob_jnode *obj,
			 struct ob_event_fields *row, struct ob_err *err)
{
	static const char *const segment_times[] = {
	    "timestamp", "originalTimestamp", "receivedAt", NULL};
	const struct ob_map *m = r->map;
	const struct ob_map_event *me;
	const char *name_path = m->source == OB_SEGMENT	   ? "event"
				: m->source == OB_MIXPANEL ? "event"
							   : "event_type";
	const char *user_path = m->source == OB_SEGMENT ? "userId"
				: m->source == OB_MIXPANEL
				    ? "properties.distinct_id"
				    : "user_id";
	struct ob_buf *at = &r->member[C_AT], *id = &r->member[C_ID];
	int got;

	if (obj->kind != OB_JOBJECT)
		return ob_fail(err, OB_EDATA,
			       "expected a JSON object, found %s",
			       ob_jdoc_kind(obj));
	row->kind = OB_ROW_EVENT;
	if (m->source == OB_SEGMENT) {
		struct ob_buf *call = &r->member[C_TYPE];
		if ((got = path_text(r, obj, "type", call, err)) < 0)
			return -1;
		if (!got)
			return ob_fail(err, OB_EDATA,
				       "missing 'type' (the "
				       "Segment call)");
		if (strcmp(call->data, "identify") == 0 ||
		    strcmp(call->data, "page") == 0 ||
		    strcmp(call->data, "screen") == 0 ||
		    strcmp(call->data, "alias") == 0) {
			row->kind = OB_ROW_OTHER;
			return 1;
		}
		if (strcmp(call->data, "group") == 0)
			row->kind = OB_ROW_LINK;
		else if (strcmp(call->data, "track") != 0)
			return ob_fail(err, OB_EDATA,
				       "unknown Segment call '%s' (expected "
				       "track, group, identify, page, screen "
				       "or alias)",
				       call->data);
	}
	if ((got = path_text(r, obj, user_path, &r->user, err)) < 0)
		return -1;
	row->user = got ? r->user.data : NULL;
	/* The time, by the source's field. */
	if (m->source == OB_SEGMENT) {
		got = 0;
		for (size_t i = 0; segment_times[i] && !got; i++)
			if ((got = path_text(r, obj, segment_times[i], at,
					     err)) < 0)
				return -1;
	} else if (m->source == OB_MIXPANEL) {
		if (epoch_text(r->doc,
			       ob_jdoc_path(r->doc, obj, "properties.time"),
			       at, err) < 0)
			return -1;
		got = 1;
	} else {
		if ((got = path_text(r, obj, "event_time", at, err)) < 0)
			return -1;
		/* Amplitude writes UTC without saying so. */
		if (got && at->len == 19)
			ob_buf_addc(at, 'Z');
		else if (got && at->len > 20 && at->data[19] == '.' &&
			 !strpbrk(at->data + 19, "Zz+-"))
			ob_buf_addc(at, 'Z');
	}
	row->at = got ? at->data : NULL;
	if (row->kind == OB_ROW_LINK) {
		if ((got = path_text(r, obj, "groupId", &r->member[C_ACCOUNT],
				     err)) < 0)
			return -1;
		row->account = got ? r->member[C_ACCOUNT].data : NULL;
		if (!row->account || !row->user)
			row->kind = OB_ROW_OTHER; /* an anonymous group call */
		return 1;
	}
	for (size_t i = 0; i < m->naccounts; i++) {
		if ((got = path_text(r, obj, m->accounts[i],
				     &r->member[C_ACCOUNT], err)) < 0)
			return -1;
		if (got) {
			row->account = r->member[C_ACCOUNT].data;
			break;
		}
	}
	/* The id: the source's own, so a re-import adds nothing. */
	got = path_text(r, obj,
			m->source == OB_SEGMENT	   ? "messageId"
			: m->source == OB_MIXPANEL ? "properties.$insert_id"
						   : "$insert_id",
			id, err);
	if (got == 0 && m->source == OB_AMPLITUDE)
		got = path_text(r, obj, "uuid", id, err);
	if (got < 0)
		return -1;
	row->id = got ? id->data : NULL;
	/* What the event is. */
	if ((got = path_text(r, obj, name_path, &r->name, err)) < 0)
		return -1;
	if (!got)
		return ob_fail(err, OB_EDATA, "missing '%s' (the event name)",
			       name_path);
	if ((me = ob_map_lookup(m, r->name.data))) {
		row->type = me->type;
		if (me->value) {
			if ((got = path_text(r, obj, me->value,
					     &r->member[C_VALUE], err)) < 0)
				return -1;
			row->value = got ? r->member[C_VALUE].data : NULL;
		} else if (ob_event_type_lookup(me->type) ==
			   OB_EV_FEATURE_USED) {
			row->value = r->name.data; /* the feature's name */
		}
	} else if (m->unmapped_custom &&
		   ob_map_custom_type(r->name.data, r->custom)) {
		row->type = r->custom;
	} else {
		row->kind = OB_ROW_UNMAPPED;
	}
	return 1;
}

static int next_source(struct ob_event_reader *r, struct ob_event_fields *row,
		       struct ob_err *err)
{
	const char *text = NULL;
	size_t len = 0;
	const struct ob_jnode *obj;
	int n = next_json_line(r, &text, &len, &row->line, err);
	if (n <= 0)
		return n;
	if (!(obj = ob_jdoc_parse(r->doc, text, len, err)))
		return -1;
	return source_fields(r, obj, row, err);
}

int ob_event_reader_next(struct ob_event_reader *r, struct ob_event_fields *row,
			 struct ob_err *err)
{
	memset(row, 0, sizeof(*row));
	switch (r->format) {
	case OB_IMPORT_CSV:
		return next_csv(r, row, err);
	case OB_IMPORT_JSONL:
		return next_jsonl(r, row, err);
	default:
		return next_source(r, row, err);
	}
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
			return ob_fail(err, OB_EDATA,
				       "missing at (the "
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
	if (out->known == OB_EV_NPS && !ob_parse_int(f->value, 0, 10, &nps))
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
