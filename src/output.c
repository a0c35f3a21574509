#include "onboard/output.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* A table cell: its text, and the colour of a status word. */
struct cell {
	size_t text; /* in cell_text */
	const char *color;
};

struct ob_out {
	FILE *f;
	enum ob_format format;
	const struct ob_column *cols;
	size_t ncols;
	bool color;
	size_t col;  /* the next cell's column */
	size_t rows; /* rows finished */
	struct ob_buf line;
	struct ob_buf list; /* ob_out_list's, kept for the next row */
	struct ob_buf keys; /* JSON: each column's "name": in turn */
	size_t *key;	    /* JSON: where each column's is in keys */
	struct cell *cells; /* table: the shown cells of every row */
	struct ob_buf cell_text; /* their texts, one after another */
	size_t ncells, cap;
	size_t *shown; /* table: the columns with a heading, in order */
	size_t nshown;
	size_t *width;  /* table: set once the first rows are measured */
	/*
	 * A table on a terminal: as wide as it is, and the column that would
	 * be cut most (the reasons) printed whole on a line under its row.
	 */
	size_t line_width; /* TABLE_WIDTH in a pipe or a file */
	bool tty;
	size_t below;	   /* the shown column under its row; nshown: none */
};

/*
 * A table measures its first rows to size its columns, then prints the
 * rest as they come: a hundred thousand rows need not all be held.
 */
#define TABLE_MEASURE_ROWS 512

static void start_table(struct ob_out *o);
static void print_cells(struct ob_out *o);

/* A table's width in a pipe or a file, as documented. */
#define TABLE_WIDTH 80

/* A terminal's width: $COLUMNS, else what the terminal says; 0: none. */
static size_t terminal_width(FILE *f)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	long n;
	if (!isatty(fileno(f)))
		return 0;
	if (env && (n = strtol(env, NULL, 10)) >= 20 && n <= 1000)
		return (size_t)n;
	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return TABLE_WIDTH;
}

struct ob_out *ob_out_begin(FILE *f, enum ob_format format,
			    const struct ob_column *cols, size_t ncols,
			    bool color)
{
	struct ob_out *o = xcalloc(1, sizeof(*o));
	o->f = f;
	o->format = format;
	o->cols = cols;
	o->ncols = ncols;
	o->color = color && format == OB_FORMAT_TABLE;
	o->shown = xcalloc(ncols, sizeof(*o->shown));
	for (size_t i = 0; i < ncols; i++)
		if (cols[i].heading)
			o->shown[o->nshown++] = i;
	o->below = o->nshown;
	o->line_width = TABLE_WIDTH;
	if (format == OB_FORMAT_TABLE) {
		size_t w = terminal_width(f);
		o->line_width = w ? w : TABLE_WIDTH;
		o->tty = w != 0;
	}
	if (format == OB_FORMAT_CSV) {
		for (size_t i = 0; i < ncols; i++) {
			if (i)
				ob_buf_addc(&o->line, ',');
			ob_csv_field(&o->line, cols[i].name);
		}
		ob_buf_addc(&o->line, '\n');
		fwrite(o->line.data, 1, o->line.len, f);
		ob_buf_reset(&o->line);
	} else if (format == OB_FORMAT_JSON) {
		/* Escaped once, not in every row. */
		o->key = xcalloc(ncols + 1, sizeof(*o->key));
		for (size_t i = 0; i <= ncols; i++) {
			o->key[i] = o->keys.len;
			if (i < ncols) {
				ob_json_string(&o->keys, cols[i].name);
				ob_buf_addc(&o->keys, ':');
			}
		}
		fputc('[', f);
	}
	return o;
}

enum ob_format ob_out_format(const struct ob_out *o)
{
	return o->format;
}

/* Bytes that a JSON string cannot carry as they are. */
static bool json_special[256];

static void init_special(void)
{
	static bool ready;
	if (ready)
		return;
	for (int c = 0; c < 256; c++)
		json_special[c] = c < 0x20 || c == '"' || c == '\\' || c == 0x7f ||
				  c >= 0x80;
	ready = true;
}

void ob_json_string(struct ob_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	init_special();
	ob_buf_addc(b, '"');
	while (*p) {
		const unsigned char *run = p;
		size_t len = 1;
		/* Plain text goes over in one copy. */
		while (*p && !json_special[*p])
			p++;
		if (p > run)
			ob_buf_add(b, run, (size_t)(p - run));
		if (!*p)
			break;
		if (*p >= 0x80) {
			/* Pass well-formed sequences through, replace the rest. */
			len = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
			if (strnlen((const char *)p, len) < len ||
			    !ob_utf8_valid((const char *)p, len)) {
				ob_buf_adds(b, "\\ufffd");
				p++;
				continue;
			}
			ob_buf_add(b, p, len);
			p += len;
			continue;
		}
		switch (*p) {
		case '"':
			ob_buf_adds(b, "\\\"");
			break;
		case '\\':
			ob_buf_adds(b, "\\\\");
			break;
		case '\n':
			ob_buf_adds(b, "\\n");
			break;
		case '\r':
			ob_buf_adds(b, "\\r");
			break;
		case '\t':
			ob_buf_adds(b, "\\t");
			break;
		default:
			ob_buf_addf(b, "\\u%04x", *p);
		}
		p++;
	}
	ob_buf_addc(b, '"');
}

void ob_csv_field(struct ob_buf *b, const char *s)
{
	size_t n = strcspn(s, ",\"\r\n"); /* libc's is vectorised */
	if (!s[n] && (n == 0 || (s[0] != ' ' && s[n - 1] != ' '))) {
		ob_buf_add(b, s, n);
		return;
	}
	ob_buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			ob_buf_addc(b, '"');
		ob_buf_addc(b, *s);
	}
	ob_buf_addc(b, '"');
}

/* Starts a cell: the separator and, in JSON, the field name. */
static void open_cell(struct ob_out *o)
{
	if (o->format == OB_FORMAT_JSON) {
		ob_buf_addc(&o->line, o->col ? ',' : '{');
		ob_buf_add(&o->line, o->keys.data + o->key[o->col],
			   o->key[o->col + 1] - o->key[o->col]);
	} else if (o->format == OB_FORMAT_CSV && o->col) {
		ob_buf_addc(&o->line, ',');
	}
}

static void table_cell(struct ob_out *o, const char *text, const char *color)
{
	struct ob_buf *b = &o->cell_text;
	size_t at = b->len;
	ob_buf_add(b, text, strlen(text) + 1);
	/* A table goes to a terminal: no line breaks, no escape sequences. */
	for (char *p = b->data + at; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = *p == '\t' || *p == '\n' || *p == '\r' ? ' ' : '?';
	ob_grow(&o->cells, &o->cap, o->ncells + 1, sizeof(*o->cells));
	o->cells[o->ncells].text = at;
	o->cells[o->ncells].color = color;
	o->ncells++;
}

/* Adds a scalar cell: json is its JSON form, text its CSV / table form. */
static void cell(struct ob_out *o, const char *json, const char *text,
		 bool quote_json)
{
	if (o->col >= o->ncols)
		abort(); /* more cells than columns: a programming error */
	switch (o->format) {
	case OB_FORMAT_JSON:
		open_cell(o);
		if (quote_json)
			ob_json_string(&o->line, json);
		else
			ob_buf_adds(&o->line, json);
		break;
	case OB_FORMAT_CSV:
		open_cell(o);
		ob_csv_field(&o->line, text);
		break;
	case OB_FORMAT_TABLE:
		if (o->cols[o->col].heading)
			table_cell(o, text, NULL);
		break;
	}
	o->col++;
}

void ob_out_text(struct ob_out *o, const char *text)
{
	if (!text)
		cell(o, "null", "", false);
	else
		cell(o, text, text, true);
}

void ob_out_int(struct ob_out *o, long long v)
{
	char buf[OB_INT_TEXT];
	const char *p = ob_int_text(buf, v);
	cell(o, p, p, false);
}

void ob_out_number(struct ob_out *o, double v)
{
	char buf[64];
	if (!isfinite(v))
		snprintf(buf, sizeof(buf), "null");
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, sizeof(buf), "%.0f", v);
	else
		snprintf(buf, sizeof(buf), "%.6g", v);
	cell(o, buf, strcmp(buf, "null") ? buf : "", false);
}

void ob_out_bool(struct ob_out *o, bool v)
{
	cell(o, v ? "true" : "false", v ? "true" : "false", false);
}

void ob_out_null(struct ob_out *o)
{
	cell(o, "null", "", false);
}

void ob_out_status(struct ob_out *o, const char *status)
{
	const char *color = NULL;
	if (o->format != OB_FORMAT_TABLE || !status ||
	    !o->cols[o->col].heading) {
		ob_out_text(o, status);
		return;
	}
	if (o->color) {
		if (strcmp(status, "red") == 0)
			color = "\033[31m";
		else if (strcmp(status, "yellow") == 0)
			color = "\033[33m";
		else if (strcmp(status, "green") == 0)
			color = "\033[32m";
	}
	table_cell(o, status, color);
	o->col++;
}

void ob_out_alert(struct ob_out *o, const char *text, bool alert)
{
	if (o->format != OB_FORMAT_TABLE || !o->cols[o->col].heading) {
		ob_out_text(o, text);
		return;
	}
	table_cell(o, text, alert && o->color && *text ? "\033[31m" : NULL);
	o->col++;
}

void ob_out_list(struct ob_out *o, const char *const *items, size_t n)
{
	struct ob_buf *b = &o->list;
	bool json = o->format == OB_FORMAT_JSON;
	ob_buf_reset(b);
	if (json)
		ob_buf_addc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_buf_adds(b, json ? "," : "; ");
		if (json)
			ob_json_string(b, items[i]);
		else
			ob_buf_adds(b, items[i]);
	}
	if (json)
		ob_buf_addc(b, ']');
	cell(o, b->data ? b->data : "", b->data ? b->data : "", false);
}

void ob_out_json(struct ob_out *o, const char *json, const char *text)
{
	cell(o, json, text, false);
}

void ob_out_row_end(struct ob_out *o)
{
	if (o->col != o->ncols)
		abort(); /* a short row: a programming error */
	if (o->format == OB_FORMAT_JSON) {
		ob_buf_addc(&o->line, '}');
		fputs(o->rows ? ",\n" : "\n", o->f);
	} else if (o->format == OB_FORMAT_CSV) {
		ob_buf_addc(&o->line, '\n');
	}
	if (o->line.len)
		fwrite(o->line.data, 1, o->line.len, o->f);
	ob_buf_reset(&o->line);
	o->col = 0;
	o->rows++;
	if (o->format == OB_FORMAT_TABLE && o->nshown &&
	    (o->width || o->rows == TABLE_MEASURE_ROWS)) {
		if (!o->width)
			start_table(o);
		print_cells(o);
	}
}

/* Pads with n blanks (a printf "%*s" per cell was a fifth of a table). */
static void pad(struct ob_buf *b, size_t n)
{
	static const char blanks[] = "                                ";
	while (n) {
		size_t k = n < sizeof(blanks) - 1 ? n : sizeof(blanks) - 1;
		ob_buf_add(b, blanks, k);
		n -= k;
	}
}

/* Appends text padded or cut to width display columns. */
static void put_fitted(struct ob_buf *b, const char *text, size_t width,
		       bool right)
{
	size_t w = ob_utf8_width(text);
	if (w > width) {
		/* Cut at a character boundary, leaving room for the ellipsis. */
		size_t chars = 0;
		const char *p = text;
		while (*p && chars + 1 < width) {
			p++;
			while (((unsigned char)*p & 0xc0) == 0x80)
				p++;
			chars++;
		}
		ob_buf_add(b, text, (size_t)(p - text));
		ob_buf_adds(b, "\xe2\x80\xa6");
		return;
	}
	if (right)
		pad(b, width - w);
	ob_buf_adds(b, text);
	if (!right)
		pad(b, width - w);
}

/* Writes one table line without trailing blanks. */
static void put_line(FILE *f, struct ob_buf *b)
{
	while (b->len && b->data[b->len - 1] == ' ')
		b->len--;
	ob_buf_addc(b, '\n');
	fwrite(b->data, 1, b->len, f);
	ob_buf_reset(b);
}

/* A line's width: its columns and the blanks between them. */
static size_t line_total(const struct ob_out *o, const size_t *width)
{
	size_t total = 0, n = 0;
	for (size_t k = 0; k < o->nshown; k++)
		if (k != o->below)
			total += width[k] + (n++ ? 2 : 0);
	return total;
}

/*
 * Narrows the columns that may be cut (those with a max_width) until a
 * line fits the table's width: the one allowed the most room gives first
 * (the reasons, say, before a check-in id), down to 6 columns or its
 * heading.
 */
static void fit_width(const struct ob_out *o, size_t *width)
{
	size_t total = line_total(o, width);
	while (total > o->line_width) {
		size_t pick = o->nshown;
		for (size_t k = 0; k < o->nshown; k++) {
			const struct ob_column *c = &o->cols[o->shown[k]];
			size_t least = ob_utf8_width(c->heading);
			if (least < 6)
				least = 6;
			if (k == o->below || !c->max_width || width[k] <= least)
				continue;
			if (pick == o->nshown ||
			    c->max_width > o->cols[o->shown[pick]].max_width)
				pick = k;
		}
		if (pick == o->nshown)
			break;
		width[pick]--;
		total--;
	}
}

/* Sizes the columns from the rows held so far and prints the heading. */
static void start_table(struct ob_out *o)
{
	struct ob_buf line = {0};
	o->width = xcalloc(o->nshown + 1, sizeof(*o->width));
	for (size_t k = 0; k < o->nshown; k++)
		o->width[k] = ob_utf8_width(o->cols[o->shown[k]].heading);
	for (size_t i = 0; i < o->ncells; i++) {
		const char *text = o->cell_text.data + o->cells[i].text;
		size_t k = i % o->nshown, w = ob_utf8_width(text);
		if (w > o->width[k])
			o->width[k] = w;
	}
	/*
	 * On a terminal, rather than cut the column allowed the most room,
	 * print it whole under each row.
	 */
	if (o->tty) {
		size_t pick = o->nshown;
		for (size_t k = 0; k < o->nshown; k++) {
			const struct ob_column *c = &o->cols[o->shown[k]];
			if (c->max_width &&
			    (pick == o->nshown ||
			     c->max_width > o->cols[o->shown[pick]].max_width))
				pick = k;
		}
		if (pick < o->nshown && line_total(o, o->width) > o->line_width)
			o->below = pick;
	}
	for (size_t k = 0; k < o->nshown; k++) {
		const struct ob_column *c = &o->cols[o->shown[k]];
		if (k != o->below && c->max_width &&
		    o->width[k] > (size_t)c->max_width)
			o->width[k] = (size_t)c->max_width;
	}
	fit_width(o, o->width);
	if (!o->rows)
		return;
	for (size_t k = 0; k < o->nshown; k++) {
		const struct ob_column *c = &o->cols[o->shown[k]];
		if (k == o->below)
			continue;
		put_fitted(&line, c->heading, o->width[k], c->right);
		ob_buf_adds(&line, "  ");
	}
	put_line(o->f, &line);
	ob_buf_release(&line);
}

/*
 * Appends the column printed under its row: indented, its words wrapped
 * to the line's width.
 */
static void put_below(const struct ob_out *o, struct ob_buf *b,
		      const char *text)
{
	size_t col = 0;
	while (*text) {
		size_t n, w;
		char word[256];
		while (*text == ' ')
			text++;
		if (!(n = strcspn(text, " ")))
			break;
		w = n < sizeof(word) ? n : sizeof(word) - 1;
		memcpy(word, text, w);
		word[w] = '\0';
		w = ob_utf8_width(word);
		if (col && col + 1 + w > o->line_width) {
			ob_buf_addc(b, '\n');
			col = 0;
		}
		if (!col) {
			ob_buf_adds(b, "    ");
			col = 4;
		} else {
			ob_buf_addc(b, ' ');
			col++;
		}
		ob_buf_add(b, text, n);
		col += w;
		text += n;
	}
}

/* Prints the rows held, and lets them go. */
static void print_cells(struct ob_out *o)
{
	struct ob_buf *line = &o->line; /* a table's own use of it */
	const char *below = NULL;
	for (size_t i = 0; i < o->ncells; i++) {
		size_t k = i % o->nshown, width = o->width[k];
		const struct ob_column *c = &o->cols[o->shown[k]];
		const struct cell *cl = &o->cells[i];
		const char *text = o->cell_text.data + cl->text;
		if (k == o->below) {
			below = text;
		} else if (cl->color) {
			/* Colour the word only, so trimming still sees blanks. */
			size_t w = ob_utf8_width(text);
			ob_buf_adds(line, cl->color);
			put_fitted(line, text, w < width ? w : width, false);
			ob_buf_adds(line, "\033[0m");
			if (w < width)
				pad(line, width - w);
			ob_buf_adds(line, "  ");
		} else {
			put_fitted(line, text, width, c->right);
			ob_buf_adds(line, "  ");
		}
		if (k != o->nshown - 1)
			continue;
		put_line(o->f, line);
		if (below && *below) {
			put_below(o, line, below);
			put_line(o->f, line);
		}
		below = NULL;
	}
	o->ncells = 0;
	ob_buf_reset(&o->cell_text);
}

void ob_out_end(struct ob_out *o)
{
	if (o->format == OB_FORMAT_JSON)
		fputs(o->rows ? "\n]\n" : "]\n", o->f);
	else if (o->format == OB_FORMAT_TABLE && o->nshown) {
		if (!o->width)
			start_table(o);
		print_cells(o);
	}
	free(o->cells);
	free(o->shown);
	free(o->width);
	ob_buf_release(&o->line);
	ob_buf_release(&o->list);
	ob_buf_release(&o->cell_text);
	ob_buf_release(&o->keys);
	free(o->key);
	free(o);
}
