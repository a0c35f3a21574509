/* The YAML layer of the playbook and the maps: see yaml_doc.h. */
#include "yaml_doc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void add_diag(struct ob_diags *d, int line, int column, const char *fmt,
		     va_list ap)
{
	struct ob_buf b = {0};
	/* A hostile file could have millions of errors: keep the first. */
	if (d->n >= OB_PLAYBOOK_MAX_DIAGS) {
		d->dropped++;
		return;
	}
	ob_grow(&d->items, &d->cap, d->n + 1, sizeof(*d->items));
	ob_buf_vaddf(&b, fmt, ap);
	d->items[d->n].line = line;
	d->items[d->n].column = column;
	d->items[d->n].message = ob_buf_detach(&b);
	d->n++;
}

void yml_diag_mark(struct ob_yaml *p, yaml_mark_t m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_diag(p->diags, (int)m.line + 1, (int)m.column + 1, fmt, ap);
	va_end(ap);
}

void yml_position(const struct ob_yaml *p, size_t off, int *line, int *column)
{
	size_t lo = 0, hi = p->nlines;
	int col = 1;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->line_starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	for (size_t i = p->line_starts[lo]; i < off && i < p->len; i++)
		if (((unsigned char)p->src[i] & 0xc0) != 0x80)
			col++;
	*line = (int)lo + 1;
	*column = col;
}

size_t yml_offset(const struct ob_yaml *p, yaml_mark_t m)
{
	size_t off;
	size_t chars = 0;
	if (m.line >= p->nlines)
		return p->len;
	off = p->line_starts[m.line];
	while (off < p->len && chars < m.column) {
		off++;
		while (off < p->len &&
		       ((unsigned char)p->src[off] & 0xc0) == 0x80)
			off++;
		chars++;
	}
	return off;
}

void yml_diag_token(struct ob_yaml *p, yaml_node_t *node, const char *needle,
		    const char *fmt, ...)
{
	size_t start, end, nlen = strlen(needle);
	int line = (int)node->start_mark.line + 1;
	int column = (int)node->start_mark.column + 1;
	va_list ap;
	if (p->diags->n >= OB_PLAYBOOK_MAX_DIAGS) {
		p->diags->dropped++; /* and no search for where */
		return;
	}
	start = yml_offset(p, node->start_mark);
	end = yml_offset(p, node->end_mark);
	for (size_t i = start; nlen && i + nlen <= end; i++) {
		if (memcmp(p->src + i, needle, nlen) == 0) {
			yml_position(p, i, &line, &column);
			break;
		}
	}
	va_start(ap, fmt);
	add_diag(p->diags, line, column, fmt, ap);
	va_end(ap);
}

yaml_node_t *yml_node_at(struct ob_yaml *p, int index)
{
	return yaml_document_get_node(&p->doc, index);
}

bool yml_is_scalar(yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE;
}

const char *yml_scalar(yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

bool yml_is_null(yaml_node_t *n)
{
	const char *s;
	if (!yml_is_scalar(n) ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	s = yml_scalar(n);
	return !*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

const char *yml_node_kind(yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return yml_is_null(n) ? "nothing" : "a scalar";
	}
}

void yml_type_error(struct ob_yaml *p, yaml_node_t *n, const char *what,
		    const char *expected)
{
	yml_diag(p, n, "%s: expected %s, found %s", what, expected,
		 yml_node_kind(n));
}

/* --- pass 1: events ------------------------------------------------------ */

static void diag_parser_error(struct ob_yaml *p, yaml_parser_t *yp)
{
	int line, column;
	const char *problem = yp->problem ? yp->problem : "invalid YAML";
	if (yp->error == YAML_READER_ERROR) {
		yml_position(p, yp->problem_offset, &line, &column);
		if (yp->problem_value >= 0 && yp->problem_value < 0x80 &&
		    isprint(yp->problem_value))
			yml_diag_mark(p,
				      (yaml_mark_t){0, (size_t)line - 1,
						    (size_t)column - 1},
				      "%s: '%c'", problem, yp->problem_value);
		else
			yml_diag_mark(p,
				      (yaml_mark_t){0, (size_t)line - 1,
						    (size_t)column - 1},
				      "%s", problem);
		return;
	}
	if (yp->context)
		yml_diag_mark(p, yp->problem_mark,
			      "%s %s that starts on line %zu", problem,
			      yp->context, yp->context_mark.line + 1);
	else
		yml_diag_mark(p, yp->problem_mark, "%s", problem);
}

static int check_events(struct ob_yaml *p, const char *empty)
{
	yaml_parser_t yp;
	yaml_event_t ev;
	int depth = 0, documents = 0, ret = -1;
	bool done = false;

	yaml_parser_initialize(&yp);
	yaml_parser_set_input_string(&yp, (const unsigned char *)p->src,
				     p->len);
	while (!done) {
		if (!yaml_parser_parse(&yp, &ev)) {
			diag_parser_error(p, &yp);
			goto out;
		}
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++documents > 1) {
				yml_diag_mark(
				    p, ev.start_mark,
				    "expected one YAML document, found "
				    "a second");
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > OB_PLAYBOOK_MAX_DEPTH) {
				yml_diag_mark(p, ev.start_mark,
					      "nesting deeper than %d levels",
					      OB_PLAYBOOK_MAX_DEPTH);
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_SCALAR_EVENT:
			/* "\0" escapes would cut every C string short. */
			if (strlen((const char *)ev.data.scalar.value) !=
			    ev.data.scalar.length) {
				yml_diag_mark(p, ev.start_mark,
					      "NUL character in a value");
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	if (documents == 0) {
		yml_diag_mark(p, (yaml_mark_t){0, 0, 0}, "%s", empty);
		goto out;
	}
	ret = 0;
out:
	yaml_parser_delete(&yp);
	return ret;
}

/* --- pass 2: alias expansion ------------------------------------------- */

/*
 * The number of nodes the document has once every alias is expanded,
 * saturating at OB_PLAYBOOK_MAX_NODES + 1, and the bytes of text in them
 * (*text, saturating past OB_PLAYBOOK_MAX_TEXT: an alias to a long scalar
 * multiplies memory, not nodes); -1 for a cycle (an alias to its own
 * ancestor). Iterative, so a long chain of aliases cannot exhaust the
 * stack.
 */
static long expanded_size(struct ob_yaml *p, int root, int *cycle_at,
			  long *text)
{
	int n = (int)(p->doc.nodes.top - p->doc.nodes.start);
	long *size = xcalloc((size_t)n + 1, sizeof(*size));
	long *bytes = xcalloc((size_t)n + 1, sizeof(*bytes));
	const long text_limit = OB_PLAYBOOK_MAX_TEXT + 1;
	size_t *cursor = xcalloc((size_t)n + 1, sizeof(*cursor));
	unsigned char *state = xcalloc((size_t)n + 1, 1); /* 1 open, 2 done */
	int *stack = xmalloc(((size_t)n + 1) * sizeof(*stack));
	int top = 0;
	const long limit = OB_PLAYBOOK_MAX_NODES + 1;
	long result;

	/*
	 * Each node enters the stack once, when first seen; its cursor walks
	 * its children (a mapping's keys and values in turn), descending into
	 * unseen ones and adding the sizes of finished ones.
	 */
	stack[top++] = root;
	state[root] = 1;
	size[root] = 1;
	if (yml_node_at(p, root)->type == YAML_SCALAR_NODE)
		bytes[root] = (long)yml_node_at(p, root)->data.scalar.length;
	while (top > 0) {
		int id = stack[top - 1];
		yaml_node_t *node = yml_node_at(p, id);
		size_t nkids = 0;
		int kid = 0;
		if (node->type == YAML_SEQUENCE_NODE)
			nkids = (size_t)(node->data.sequence.items.top -
					 node->data.sequence.items.start);
		else if (node->type == YAML_MAPPING_NODE)
			nkids = 2 * (size_t)(node->data.mapping.pairs.top -
					     node->data.mapping.pairs.start);
		if (cursor[id] == nkids) {
			state[id] = 2;
			top--;
			if (top > 0) {
				int parent = stack[top - 1];
				size[parent] += size[id];
				if (size[parent] > limit)
					size[parent] = limit;
				bytes[parent] += bytes[id];
				if (bytes[parent] > text_limit)
					bytes[parent] = text_limit;
			}
			continue;
		}
		if (node->type == YAML_SEQUENCE_NODE) {
			kid = node->data.sequence.items.start[cursor[id]];
		} else {
			yaml_node_pair_t *pr =
			    node->data.mapping.pairs.start + cursor[id] / 2;
			kid = cursor[id] % 2 ? pr->value : pr->key;
		}
		cursor[id]++;
		if (state[kid] == 1) {
			*cycle_at = kid;
			result = -1;
			goto out;
		}
		if (state[kid] == 2) {
			size[id] += size[kid];
			if (size[id] > limit)
				size[id] = limit;
			bytes[id] += bytes[kid];
			if (bytes[id] > text_limit)
				bytes[id] = text_limit;
			continue;
		}
		state[kid] = 1;
		size[kid] = 1;
		if (yml_node_at(p, kid)->type == YAML_SCALAR_NODE)
			bytes[kid] =
			    (long)yml_node_at(p, kid)->data.scalar.length;
		stack[top++] = kid;
	}
	result = size[root];
	*text = bytes[root];
out:
	free(size);
	free(bytes);
	free(cursor);
	free(state);
	free(stack);
	return result;
}

/* --- pass 3: the schema walk -----------------------------------------------
 */

struct keyed {
	const char *key;
	yaml_node_t *node;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	/* Keep file order among equal keys, so the second is reported. */
	if (x->node->start_mark.index != y->node->start_mark.index)
		return x->node->start_mark.index < y->node->start_mark.index
			   ? -1
			   : 1;
	return 0;
}

static void key_list(struct ob_buf *b, const char *const *keys)
{
	for (size_t i = 0; keys[i]; i++)
		ob_buf_addf(b, "%s%s", i ? ", " : "", keys[i]);
}

bool yml_check_mapping(struct ob_yaml *p, yaml_node_t *map, const char *what,
		       const char *const *keys)
{
	size_t n, k = 0;
	struct keyed *sorted;
	if (map->type != YAML_MAPPING_NODE) {
		yml_type_error(p, map, what, "a mapping");
		return false;
	}
	n = (size_t)(map->data.mapping.pairs.top -
		     map->data.mapping.pairs.start);
	sorted = xmalloc((n ? n : 1) * sizeof(*sorted));
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
	     pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *key = yml_node_at(p, pr->key);
		bool known = false;
		if (!yml_is_scalar(key)) {
			yml_diag(p, key,
				 "%s: keys must be plain names, found %s", what,
				 yml_node_kind(key));
			continue;
		}
		if (keys) {
			for (size_t i = 0; keys[i] && !known; i++)
				known = strcmp(keys[i], yml_scalar(key)) == 0;
			if (!known) {
				struct ob_buf b = {0};
				key_list(&b, keys);
				yml_diag(p, key,
					 "%s: unknown key '%s' (expected %s)",
					 what, yml_scalar(key), b.data);
				ob_buf_release(&b);
				continue;
			}
		}
		sorted[k].key = yml_scalar(key);
		sorted[k].node = key;
		k++;
	}
	qsort(sorted, k, sizeof(*sorted), cmp_keyed);
	for (size_t i = 1; i < k; i++)
		if (strcmp(sorted[i].key, sorted[i - 1].key) == 0)
			yml_diag(p, sorted[i].node,
				 "%s: duplicate key '%s' (first on line %zu)",
				 what, sorted[i].key,
				 sorted[i - 1].node->start_mark.line + 1);
	free(sorted);
	return true;
}

yaml_node_t *yml_get(struct ob_yaml *p, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
	     pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yml_node_at(p, pr->key);
		if (yml_is_scalar(k) && strcmp(yml_scalar(k), key) == 0) {
			yaml_node_t *v = yml_node_at(p, pr->value);
			return yml_is_null(v) ? NULL : v;
		}
	}
	return NULL;
}

yaml_node_t *yml_require(struct ob_yaml *p, yaml_node_t *map, const char *what,
			 const char *key)
{
	yaml_node_t *v = yml_get(p, map, key);
	if (!v)
		yml_diag(p, map, "%s: missing '%s'", what, key);
	return v;
}

bool yml_get_text(struct ob_yaml *p, yaml_node_t *n, const char *what,
		  char **out)
{
	if (!yml_is_scalar(n)) {
		yml_type_error(p, n, what, "text");
		return false;
	}
	*out = xstrdup(yml_scalar(n));
	return true;
}

bool yml_get_int(struct ob_yaml *p, yaml_node_t *n, const char *what,
		 long long min, long long max, int *out)
{
	long long v;
	if (!yml_is_scalar(n)) {
		yml_type_error(p, n, what, "a whole number");
		return false;
	}
	if (!ob_parse_int(yml_scalar(n), min, max, &v)) {
		yml_diag(p, n,
			 "%s: expected a whole number from %lld to %lld, "
			 "found '%s'",
			 what, min, max, yml_scalar(n));
		return false;
	}
	*out = (int)v;
	return true;
}

bool yml_get_bool(struct ob_yaml *p, yaml_node_t *n, const char *what,
		  bool *out)
{
	static const char *const yes[] = {"true", "yes", "on"};
	static const char *const no[] = {"false", "no", "off"};
	if (!yml_is_scalar(n)) {
		yml_type_error(p, n, what, "true or false");
		return false;
	}
	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(yml_scalar(n), yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(yml_scalar(n), no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	yml_diag(p, n, "%s: expected true or false, found '%s'", what,
		 yml_scalar(n));
	return false;
}

bool yml_valid_id(const char *s, bool underscore)
{
	size_t n = 0;
	for (; s[n]; n++) {
		char c = s[n];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || (underscore && c == '_')))
			return false;
	}
	return n > 0 && n <= 64;
}

bool yml_get_id(struct ob_yaml *p, yaml_node_t *n, const char *what,
		bool underscore, char **out)
{
	if (!yml_is_scalar(n)) {
		yml_type_error(p, n, what, "an id");
		return false;
	}
	if (!yml_valid_id(yml_scalar(n), underscore)) {
		yml_diag(p, n,
			 "%s: '%s' is not a valid id (expected 1-64 of %s)",
			 what, yml_scalar(n),
			 underscore ? "a-z, 0-9, '-', '_'" : "a-z, 0-9, '-'");
		return false;
	}
	*out = xstrdup(yml_scalar(n));
	return true;
}

bool yml_is_list(struct ob_yaml *p, yaml_node_t *n, const char *what)
{
	if (n->type != YAML_SEQUENCE_NODE) {
		yml_type_error(p, n, what, "a list");
		return false;
	}
	return true;
}

static int cmp_diag(const void *a, const void *b)
{
	const struct ob_diag *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return 0;
}

static void index_lines(struct ob_yaml *y)
{
	size_t cap = 0;
	ob_grow(&y->line_starts, &cap, 1, sizeof(size_t));
	y->line_starts[y->nlines++] = 0;
	for (size_t i = 0; i < y->len; i++) {
		if (y->src[i] != '\n')
			continue;
		ob_grow(&y->line_starts, &cap, y->nlines + 1, sizeof(size_t));
		y->line_starts[y->nlines++] = i + 1;
	}
}

yaml_node_t *yml_load(struct ob_yaml *y, const char *src, size_t len,
		      struct ob_diags *diags, const char *what,
		      const char *empty)
{
	yaml_parser_t yp;
	yaml_node_t *root;
	int cycle_at = 0;
	long size, text = 0;

	memset(y, 0, sizeof(*y));
	y->src = src;
	y->len = len;
	y->diags = diags;
	y->first_diag = diags->n;
	index_lines(y);
	if (len > OB_PLAYBOOK_MAX_BYTES) {
		yml_diag_mark(y, (yaml_mark_t){0, 0, 0},
			      "%s is larger than %d bytes", what,
			      OB_PLAYBOOK_MAX_BYTES);
		return NULL;
	}
	if (check_events(y, empty) < 0)
		return NULL;
	yaml_parser_initialize(&yp);
	yaml_parser_set_input_string(&yp, (const unsigned char *)src, len);
	y->loaded = yaml_parser_load(&yp, &y->doc);
	if (!y->loaded)
		diag_parser_error(y, &yp);
	yaml_parser_delete(&yp);
	if (!y->loaded)
		return NULL;
	root = yaml_document_get_root_node(&y->doc);
	if (!root) {
		yml_diag_mark(y, (yaml_mark_t){0, 0, 0}, "empty %s", what);
		return NULL;
	}
	size = expanded_size(y, 1, &cycle_at, &text);
	if (size < 0) {
		yml_diag(y, yml_node_at(y, cycle_at),
			 "an alias refers to a node that contains it");
		return NULL;
	}
	if (size > OB_PLAYBOOK_MAX_NODES) {
		yml_diag(y, root,
			 "the document expands to more than %d nodes through "
			 "aliases",
			 OB_PLAYBOOK_MAX_NODES);
		return NULL;
	}
	if (text > OB_PLAYBOOK_MAX_TEXT) {
		yml_diag(y, root,
			 "the document expands to more than %d bytes of text "
			 "through aliases",
			 OB_PLAYBOOK_MAX_TEXT);
		return NULL;
	}
	return root;
}

int yml_finish(struct ob_yaml *y)
{
	struct ob_diags *d = y->diags;
	if (y->loaded)
		yaml_document_delete(&y->doc);
	y->loaded = false;
	free(y->line_starts);
	y->line_starts = NULL;
	if (d->n == y->first_diag)
		return 0;
	qsort(d->items + y->first_diag, d->n - y->first_diag, sizeof(*d->items),
	      cmp_diag);
	return -1;
}
