/*
 * The playbook parser. Three passes over the text:
 *  1. libyaml's event API, to catch syntax errors and refuse nesting deeper
 *     than OB_PLAYBOOK_MAX_DEPTH before the document loader (which has no
 *     limit and is quadratic in depth) sees it;
 *  2. the document API, then a count of the nodes the document expands to
 *     through aliases, refusing cycles and anything past
 *     OB_PLAYBOOK_MAX_NODES, so the walk below is bounded;
 *  3. a walk that knows the playbook's schema, building the struct and
 *     recording every problem rather than stopping at the first.
 */
#include "onboard/playbook.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "onboard/event.h"
#include "onboard/template.h"
#include "onboard/util.h"

static const char *const status_names[OB_NSTATUS] = {"green", "yellow", "red"};
static const char *const channel_names[OB_NCHANNEL] = {"email", "call",
						       "in-app", "meeting"};

const char *ob_status_name(enum ob_status s)
{
	return s < OB_NSTATUS ? status_names[s] : "unknown";
}

const char *ob_channel_name(enum ob_channel c)
{
	return c < OB_NCHANNEL ? channel_names[c] : "unknown";
}

int ob_status_parse(const char *s)
{
	for (int i = 0; i < OB_NSTATUS; i++)
		if (strcmp(status_names[i], s) == 0)
			return i;
	return -1;
}

int ob_channel_parse(const char *s)
{
	for (int i = 0; i < OB_NCHANNEL; i++)
		if (strcmp(channel_names[i], s) == 0)
			return i;
	return -1;
}

void ob_diags_release(struct ob_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->items[i].message);
	free(d->items);
	d->items = NULL;
	d->n = d->cap = 0;
}

struct parser {
	yaml_document_t doc;
	const char *src;
	size_t len;
	size_t *line_starts; /* byte offset of each line */
	size_t nlines;
	struct ob_diags *diags;
	struct ob_playbook *pb;
};

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

static void diag_mark(struct parser *p, yaml_mark_t m, const char *fmt, ...)
	OB_PRINTF(3, 4);
static void diag_mark(struct parser *p, yaml_mark_t m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_diag(p->diags, (int)m.line + 1, (int)m.column + 1, fmt, ap);
	va_end(ap);
}

#define diag(p, node, ...) diag_mark((p), (node)->start_mark, __VA_ARGS__)

/* Line and column (1-based, columns in characters) of a byte offset. */
static void offset_position(const struct parser *p, size_t off, int *line,
			    int *column)
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

/* The byte offset of a libyaml mark, whose column counts characters. */
static size_t mark_offset(const struct parser *p, yaml_mark_t m)
{
	size_t off;
	size_t chars = 0;
	if (m.line >= p->nlines)
		return p->len;
	off = p->line_starts[m.line];
	while (off < p->len && chars < m.column) {
		off++;
		while (off < p->len && ((unsigned char)p->src[off] & 0xc0) == 0x80)
			off++;
		chars++;
	}
	return off;
}

/*
 * Reports a problem at the first occurrence of `needle` inside a node's
 * text, so an error in a rule points at the offending token rather than
 * at the start of the scalar. Falls back to the node's start.
 */
static void diag_token(struct parser *p, yaml_node_t *node, const char *needle,
		       const char *fmt, ...) OB_PRINTF(4, 5);
static void diag_token(struct parser *p, yaml_node_t *node, const char *needle,
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
	start = mark_offset(p, node->start_mark);
	end = mark_offset(p, node->end_mark);
	for (size_t i = start; nlen && i + nlen <= end; i++) {
		if (memcmp(p->src + i, needle, nlen) == 0) {
			offset_position(p, i, &line, &column);
			break;
		}
	}
	va_start(ap, fmt);
	add_diag(p->diags, line, column, fmt, ap);
	va_end(ap);
}

static yaml_node_t *node_at(struct parser *p, int index)
{
	return yaml_document_get_node(&p->doc, index);
}

static bool is_scalar(yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE;
}

static const char *scalar(yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool is_null(yaml_node_t *n)
{
	const char *s;
	if (!is_scalar(n) || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	s = scalar(n);
	return !*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static const char *node_kind(yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return is_null(n) ? "nothing" : "a scalar";
	}
}

static void type_error(struct parser *p, yaml_node_t *n, const char *what,
		       const char *expected)
{
	diag(p, n, "%s: expected %s, found %s", what, expected, node_kind(n));
}

/* --- pass 1: events ------------------------------------------------------ */

static void diag_parser_error(struct parser *p, yaml_parser_t *yp)
{
	int line, column;
	const char *problem = yp->problem ? yp->problem : "invalid YAML";
	if (yp->error == YAML_READER_ERROR) {
		offset_position(p, yp->problem_offset, &line, &column);
		if (yp->problem_value >= 0 && yp->problem_value < 0x80 &&
		    isprint(yp->problem_value))
			diag_mark(p, (yaml_mark_t){0, (size_t)line - 1,
						   (size_t)column - 1},
				  "%s: '%c'", problem, yp->problem_value);
		else
			diag_mark(p, (yaml_mark_t){0, (size_t)line - 1,
						   (size_t)column - 1},
				  "%s", problem);
		return;
	}
	if (yp->context)
		diag_mark(p, yp->problem_mark, "%s %s that starts on line %zu",
			  problem, yp->context, yp->context_mark.line + 1);
	else
		diag_mark(p, yp->problem_mark, "%s", problem);
}

static int check_events(struct parser *p)
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
				diag_mark(p, ev.start_mark,
					  "expected one YAML document, found "
					  "a second");
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > OB_PLAYBOOK_MAX_DEPTH) {
				diag_mark(p, ev.start_mark,
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
				diag_mark(p, ev.start_mark,
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
		diag_mark(p, (yaml_mark_t){0, 0, 0},
			  "empty playbook: expected a mapping with 'name', "
			  "'tiers' and 'checkins'");
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
static long expanded_size(struct parser *p, int root, int *cycle_at,
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
	if (node_at(p, root)->type == YAML_SCALAR_NODE)
		bytes[root] = (long)node_at(p, root)->data.scalar.length;
	while (top > 0) {
		int id = stack[top - 1];
		yaml_node_t *node = node_at(p, id);
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
			yaml_node_pair_t *pr = node->data.mapping.pairs.start +
					       cursor[id] / 2;
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
		if (node_at(p, kid)->type == YAML_SCALAR_NODE)
			bytes[kid] = (long)node_at(p, kid)->data.scalar.length;
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

/* --- pass 3: the schema walk ----------------------------------------------- */

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

/*
 * Checks that node is a mapping whose keys are scalars from `keys` (NULL
 * terminated; NULL allows any), each once. Reports every stranger; returns
 * false only when node is not a mapping at all.
 */
static bool check_mapping(struct parser *p, yaml_node_t *map, const char *what,
			  const char *const *keys)
{
	size_t n, k = 0;
	struct keyed *sorted;
	if (map->type != YAML_MAPPING_NODE) {
		type_error(p, map, what, "a mapping");
		return false;
	}
	n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
	sorted = xmalloc((n ? n : 1) * sizeof(*sorted));
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
	     pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *key = node_at(p, pr->key);
		bool known = false;
		if (!is_scalar(key)) {
			diag(p, key, "%s: keys must be plain names, found %s",
			     what, node_kind(key));
			continue;
		}
		if (keys) {
			for (size_t i = 0; keys[i] && !known; i++)
				known = strcmp(keys[i], scalar(key)) == 0;
			if (!known) {
				struct ob_buf b = {0};
				key_list(&b, keys);
				diag(p, key, "%s: unknown key '%s' (expected %s)",
				     what, scalar(key), b.data);
				ob_buf_release(&b);
				continue;
			}
		}
		sorted[k].key = scalar(key);
		sorted[k].node = key;
		k++;
	}
	qsort(sorted, k, sizeof(*sorted), cmp_keyed);
	for (size_t i = 1; i < k; i++)
		if (strcmp(sorted[i].key, sorted[i - 1].key) == 0)
			diag(p, sorted[i].node,
			     "%s: duplicate key '%s' (first on line %zu)", what,
			     sorted[i].key,
			     sorted[i - 1].node->start_mark.line + 1);
	free(sorted);
	return true;
}

/* The value of the first `key` in a mapping checked by check_mapping. */
static yaml_node_t *get(struct parser *p, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
	     pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = node_at(p, pr->key);
		if (is_scalar(k) && strcmp(scalar(k), key) == 0) {
			yaml_node_t *v = node_at(p, pr->value);
			return is_null(v) ? NULL : v;
		}
	}
	return NULL;
}

static yaml_node_t *require(struct parser *p, yaml_node_t *map,
			    const char *what, const char *key)
{
	yaml_node_t *v = get(p, map, key);
	if (!v)
		diag(p, map, "%s: missing '%s'", what, key);
	return v;
}

static bool get_text(struct parser *p, yaml_node_t *n, const char *what,
		     char **out)
{
	if (!is_scalar(n)) {
		type_error(p, n, what, "text");
		return false;
	}
	*out = xstrdup(scalar(n));
	return true;
}

static bool get_int(struct parser *p, yaml_node_t *n, const char *what,
		    long long min, long long max, int *out)
{
	long long v;
	if (!is_scalar(n)) {
		type_error(p, n, what, "a whole number");
		return false;
	}
	if (!ob_parse_int(scalar(n), min, max, &v)) {
		diag(p, n, "%s: expected a whole number from %lld to %lld, "
			   "found '%s'",
		     what, min, max, scalar(n));
		return false;
	}
	*out = (int)v;
	return true;
}

static bool get_bool(struct parser *p, yaml_node_t *n, const char *what,
		     bool *out)
{
	static const char *const yes[] = {"true", "yes", "on"};
	static const char *const no[] = {"false", "no", "off"};
	if (!is_scalar(n)) {
		type_error(p, n, what, "true or false");
		return false;
	}
	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(scalar(n), yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(scalar(n), no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	diag(p, n, "%s: expected true or false, found '%s'", what, scalar(n));
	return false;
}

/* Ids: lower-case letters, digits, '-' (and '_' where allowed), <= 64. */
static bool valid_id(const char *s, bool underscore)
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

static bool get_id(struct parser *p, yaml_node_t *n, const char *what,
		   bool underscore, char **out)
{
	if (!is_scalar(n)) {
		type_error(p, n, what, "an id");
		return false;
	}
	if (!valid_id(scalar(n), underscore)) {
		diag(p, n, "%s: '%s' is not a valid id (expected 1-64 of %s)",
		     what, scalar(n),
		     underscore ? "a-z, 0-9, '-', '_'" : "a-z, 0-9, '-'");
		return false;
	}
	*out = xstrdup(scalar(n));
	return true;
}

static bool is_list(struct parser *p, yaml_node_t *n, const char *what)
{
	if (n->type != YAML_SEQUENCE_NODE) {
		type_error(p, n, what, "a list");
		return false;
	}
	return true;
}

#define each_item(node, it)                                                    \
	for (yaml_node_item_t *it = (node)->data.sequence.items.start;        \
	     it < (node)->data.sequence.items.top; it++)

#define each_pair(node, pr)                                                    \
	for (yaml_node_pair_t *pr = (node)->data.mapping.pairs.start;         \
	     pr < (node)->data.mapping.pairs.top; pr++)

static ob_tier_set all_tiers(const struct ob_playbook *pb)
{
	return pb->ntiers >= 64 ? ~(ob_tier_set)0
				: (((ob_tier_set)1 << pb->ntiers) - 1);
}

void ob_playbook_tier_names(const struct ob_playbook *pb, struct ob_buf *b)
{
	for (size_t i = 0; i < pb->ntiers; i++)
		ob_buf_addf(b, "%s%s", i ? ", " : "", pb->tiers[i].id);
}

/* A list of tier ids, as a set. */
static bool get_tier_set(struct parser *p, yaml_node_t *n, const char *what,
			 ob_tier_set *out)
{
	ob_tier_set set = 0;
	bool ok = true;
	if (!is_list(p, n, what))
		return false;
	each_item(n, it)
	{
		yaml_node_t *item = node_at(p, *it);
		int t;
		if (!is_scalar(item)) {
			type_error(p, item, what, "a tier id");
			ok = false;
			continue;
		}
		t = ob_playbook_tier(p->pb, scalar(item));
		if (t < 0) {
			struct ob_buf b = {0};
			ob_playbook_tier_names(p->pb, &b);
			diag(p, item, "%s: unknown tier '%s' (tiers: %s)", what,
			     scalar(item), b.data ? b.data : "none");
			ob_buf_release(&b);
			ok = false;
			continue;
		}
		set |= (ob_tier_set)1 << t;
	}
	*out = set;
	return ok;
}

static const char *const top_keys[] = {
	"name",	     "description", "day_count", "holidays", "weekend",
	"tiers",     "checkins",    "milestones", "follow_up", "health",
	"escalate",  "delivery",    NULL};

static void parse_tiers(struct parser *p, yaml_node_t *n)
{
	static const char *const keys[] = {"title", "length_days", NULL};
	struct ob_playbook *pb = p->pb;
	if (n->type != YAML_MAPPING_NODE) {
		type_error(p, n, "tiers", "a mapping of tier ids");
		return;
	}
	check_mapping(p, n, "tiers", NULL);
	each_pair(n, pr)
	{
		yaml_node_t *key = node_at(p, pr->key);
		yaml_node_t *val = node_at(p, pr->value);
		struct ob_tier tier = {0};
		yaml_node_t *v;
		if (!is_scalar(key))
			continue;
		if (!valid_id(scalar(key), false)) {
			diag(p, key, "tiers: '%s' is not a valid tier id "
				     "(expected 1-64 of a-z, 0-9, '-')",
			     scalar(key));
			continue;
		}
		if (ob_playbook_tier(pb, scalar(key)) >= 0)
			continue; /* the duplicate is already reported */
		if (pb->ntiers == OB_PLAYBOOK_MAX_TIERS) {
			diag(p, key, "tiers: more than %d tiers",
			     OB_PLAYBOOK_MAX_TIERS);
			break;
		}
		tier.id = xstrdup(scalar(key));
		tier.length_days = 30;
		if (!is_null(val) && check_mapping(p, val, "tier", keys)) {
			if ((v = get(p, val, "title")))
				get_text(p, v, "title", &tier.title);
			if ((v = get(p, val, "length_days")))
				get_int(p, v, "length_days", 1,
					OB_PLAYBOOK_MAX_DAY, &tier.length_days);
		} else if (!is_null(val)) {
			free(tier.id);
			continue;
		}
		if (!tier.title)
			tier.title = xstrdup(tier.id);
		pb->tiers = xrealloc(pb->tiers,
				     (pb->ntiers + 1) * sizeof(*pb->tiers));
		pb->tiers[pb->ntiers++] = tier;
	}
	if (pb->ntiers == 0 && n->data.mapping.pairs.top ==
				       n->data.mapping.pairs.start)
		diag(p, n, "tiers: at least one tier is needed");
}

static int cmp_day(const void *a, const void *b)
{
	ob_day x = *(const ob_day *)a, y = *(const ob_day *)b;
	return (x > y) - (x < y);
}

static void parse_holidays(struct parser *p, yaml_node_t *n)
{
	struct ob_playbook *pb = p->pb;
	size_t k = 0;
	if (!is_list(p, n, "holidays"))
		return;
	pb->holidays = xmalloc(((size_t)(n->data.sequence.items.top -
					 n->data.sequence.items.start) +
				1) *
			       sizeof(ob_day));
	each_item(n, it)
	{
		yaml_node_t *item = node_at(p, *it);
		ob_day d;
		if (!is_scalar(item) || !ob_date_parse(scalar(item), &d)) {
			diag(p, item, "holidays: expected a date YYYY-MM-DD, "
				      "found %s%s%s",
			     is_scalar(item) ? "'" : "",
			     is_scalar(item) ? scalar(item) : node_kind(item),
			     is_scalar(item) ? "'" : "");
			continue;
		}
		pb->holidays[k++] = d;
	}
	qsort(pb->holidays, k, sizeof(ob_day), cmp_day);
	pb->nholidays = 0;
	for (size_t i = 0; i < k; i++)
		if (i == 0 || pb->holidays[i] != pb->holidays[i - 1])
			pb->holidays[pb->nholidays++] = pb->holidays[i];
}

static void parse_weekend(struct parser *p, yaml_node_t *n)
{
	static const char *const days[] = {"mon", "tue", "wed", "thu",
					   "fri", "sat", "sun"};
	static const char *const long_days[] = {
		"monday", "tuesday",  "wednesday", "thursday",
		"friday", "saturday", "sunday"};
	uint8_t mask = 0;
	if (!is_list(p, n, "weekend"))
		return;
	each_item(n, it)
	{
		yaml_node_t *item = node_at(p, *it);
		int found = -1;
		for (int d = 0; d < 7 && is_scalar(item); d++)
			if (strcasecmp(scalar(item), days[d]) == 0 ||
			    strcasecmp(scalar(item), long_days[d]) == 0)
				found = d;
		if (found < 0) {
			diag(p, item, "weekend: expected a day: mon, tue, wed, "
				      "thu, fri, sat or sun");
			continue;
		}
		mask |= (uint8_t)(1u << found);
	}
	if (mask == 0x7f) {
		diag(p, n, "weekend: the weekend cannot be the whole week");
		return;
	}
	p->pb->calendar.weekend = mask;
}

/* "A-B" or "A": the window of a check-in, in day offsets. */
static bool parse_window(struct parser *p, yaml_node_t *n, int *opens,
			 int *closes)
{
	const char *s, *dash;
	char a[32], b[32];
	long long x, y;
	size_t alen;
	if (!is_scalar(n)) {
		type_error(p, n, "days", "a window like 1-2 or 14");
		return false;
	}
	s = scalar(n);
	while (*s == ' ')
		s++;
	if (!*s) {
		diag(p, n, "days: empty window (expected a window like 1-2 "
			   "or 14)");
		return false;
	}
	dash = strchr(s, '-');
	alen = dash ? (size_t)(dash - s) : strlen(s);
	while (alen && s[alen - 1] == ' ')
		alen--;
	if (alen >= sizeof(a))
		goto bad;
	memcpy(a, s, alen);
	a[alen] = '\0';
	if (dash) {
		const char *t = dash + 1;
		size_t blen;
		while (*t == ' ')
			t++;
		blen = strlen(t);
		while (blen && t[blen - 1] == ' ')
			blen--;
		if (blen >= sizeof(b))
			goto bad;
		memcpy(b, t, blen);
		b[blen] = '\0';
	} else {
		strcpy(b, a);
	}
	if (!ob_parse_int(a, 0, LLONG_MAX, &x) ||
	    !ob_parse_int(b, 0, LLONG_MAX, &y))
		goto bad;
	if (x > OB_PLAYBOOK_MAX_DAY || y > OB_PLAYBOOK_MAX_DAY) {
		diag(p, n, "days: '%s' is past day %d", scalar(n),
		     OB_PLAYBOOK_MAX_DAY);
		return false;
	}
	if (y < x) {
		diag(p, n, "days: reversed window '%s': it closes before it "
			   "opens",
		     scalar(n));
		return false;
	}
	*opens = (int)x;
	*closes = (int)y;
	return true;
bad:
	diag(p, n, "days: expected a window like 1-2 or 14, found '%s'",
	     scalar(n));
	return false;
}

static bool parse_status_channels(struct parser *p, yaml_node_t *n,
				  struct ob_checkin *c)
{
	static const char *const keys[] = {"green", "yellow", "red", NULL};
	bool ok = true;
	if (!check_mapping(p, n, "channel", keys))
		return false;
	for (int s = 0; s < OB_NSTATUS; s++) {
		yaml_node_t *v = require(p, n, "channel", status_names[s]);
		int ch;
		if (!v) {
			ok = false;
			continue;
		}
		if (!is_scalar(v) || (ch = ob_channel_parse(scalar(v))) < 0) {
			diag(p, v, "channel: expected email, call, in-app or "
				   "meeting");
			ok = false;
			continue;
		}
		c->channel[s] = (enum ob_channel)ch;
	}
	c->channel_by_status = true;
	return ok;
}

static void parse_channel(struct parser *p, yaml_node_t *n,
			  struct ob_checkin *c)
{
	int ch;
	if (n->type == YAML_MAPPING_NODE) {
		parse_status_channels(p, n, c);
		return;
	}
	if (!is_scalar(n) || (ch = ob_channel_parse(scalar(n))) < 0) {
		diag(p, n, "channel: expected email, call, in-app, meeting or "
			   "a mapping of green, yellow and red to one of them");
		return;
	}
	for (int s = 0; s < OB_NSTATUS; s++)
		c->channel[s] = (enum ob_channel)ch;
}

static int milestone_ref(struct parser *p, yaml_node_t *n, const char *what)
{
	int m;
	if (!is_scalar(n)) {
		type_error(p, n, what, "a milestone id");
		return -1;
	}
	m = ob_playbook_milestone(p->pb, scalar(n));
	if (m < 0)
		diag(p, n, "%s: unknown milestone '%s'", what, scalar(n));
	return m;
}

static void parse_condition(struct parser *p, yaml_node_t *n,
			    struct ob_checkin *c)
{
	static const char *const keys[] = {"tiers", "status", "milestone_done",
					   "milestone_not_done", NULL};
	struct ob_checkin_condition *w = &c->when;
	yaml_node_t *v;
	if (!check_mapping(p, n, "when", keys))
		return;
	w->present = true;
	w->tiers = c->tiers;
	w->milestone_done = w->milestone_not_done = -1;
	if ((v = get(p, n, "tiers")) && get_tier_set(p, v, "when.tiers",
						      &w->tiers)) {
		if (w->tiers & ~c->tiers)
			diag(p, v, "when.tiers: names a tier that does not "
				   "get this check-in");
	}
	if ((v = get(p, n, "status")) && is_list(p, v, "when.status")) {
		if (v->data.sequence.items.top == v->data.sequence.items.start)
			diag(p, v, "when.status: an empty list never holds; "
				   "leave status out instead");
		each_item(v, it)
		{
			yaml_node_t *item = node_at(p, *it);
			int s = is_scalar(item) ? ob_status_parse(scalar(item))
						: -1;
			if (s < 0) {
				diag(p, item, "when.status: expected green, "
					      "yellow or red");
				continue;
			}
			w->statuses |= 1u << s;
		}
	}
	if ((v = get(p, n, "milestone_done")))
		w->milestone_done = milestone_ref(p, v, "when.milestone_done");
	if ((v = get(p, n, "milestone_not_done")))
		w->milestone_not_done =
			milestone_ref(p, v, "when.milestone_not_done");
}

/* Every {{placeholder}} in a template must be one the renderer knows. */
/*
 * Every {{placeholder}} in a template must be one the renderer knows. Each
 * is found in the source in turn, from where the last one was, so errors
 * point at their token and the text is searched once.
 */
static void check_template(struct parser *p, yaml_node_t *n, const char *text)
{
	size_t pos = 0, cursor = mark_offset(p, n->start_mark);
	size_t end = mark_offset(p, n->end_mark);
	struct ob_placeholder ph;
	int r, line, column;
	while ((r = ob_template_next(text, &pos, &ph)) != 0) {
		/* A cut placeholder is found by its "{{" and what follows. */
		size_t len = r < 0 ? strcspn(text + ph.offset, "\n") : ph.len;
		const char *token = text + ph.offset;
		bool known = r > 0 && ob_template_name_known(
					      text + ph.name_offset, ph.name_len);
		line = (int)n->start_mark.line + 1;
		column = (int)n->start_mark.column + 1;
		for (size_t i = cursor; i + len <= end; i++) {
			if (memcmp(p->src + i, token, len) == 0) {
				if (!known && p->diags->n < OB_PLAYBOOK_MAX_DIAGS)
					offset_position(p, i, &line, &column);
				cursor = i + len;
				break;
			}
		}
		if (r < 0) {
			diag_mark(p, (yaml_mark_t){0, (size_t)line - 1,
						   (size_t)column - 1},
				  "template: '{{' without a closing '}}' on "
				  "the same line");
			return;
		}
		if (known)
			continue;
		diag_mark(p, (yaml_mark_t){0, (size_t)line - 1,
					   (size_t)column - 1},
			  "template: unknown placeholder '%.*s' (known: "
			  "account.id, account.name, account.contact, "
			  "account.email, account.csm, account.tier, "
			  "checkin.id, checkin.title, checkin.opens, "
			  "checkin.closes, checkin.channel, day, status, "
			  "reasons, progress, metric.NAME)",
			  (int)ph.len, token);
	}
}

static void parse_checkin(struct parser *p, yaml_node_t *n, size_t index)
{
	static const char *const keys[] = {
		"id",	    "title",	"days",	    "tiers",    "channel",
		"automated", "goals",	"template", "when",	NULL};
	struct ob_playbook *pb = p->pb;
	struct ob_checkin *c = &pb->checkins[index];
	yaml_node_t *v;
	bool automated_ok = true;

	c->tiers = all_tiers(pb);
	c->when.milestone_done = c->when.milestone_not_done = -1;
	c->opens = c->closes = -1;
	if (!check_mapping(p, n, "check-in", keys))
		return;
	if ((v = require(p, n, "check-in", "id")) &&
	    get_id(p, v, "check-in id", true, &c->id)) {
		if (strcmp(c->id, "follow-up") == 0)
			diag(p, v, "check-in id: 'follow-up' is reserved for "
				   "the adaptive follow-up");
		for (size_t i = 0; i < index; i++)
			if (pb->checkins[i].id &&
			    strcmp(pb->checkins[i].id, c->id) == 0)
				diag(p, v, "check-in id: duplicate id '%s'",
				     c->id);
	}
	if ((v = get(p, n, "title")))
		get_text(p, v, "title", &c->title);
	if (!c->title && c->id)
		c->title = xstrdup(c->id);
	if ((v = require(p, n, "check-in", "days")))
		parse_window(p, v, &c->opens, &c->closes);
	if ((v = get(p, n, "tiers")) && get_tier_set(p, v, "tiers", &c->tiers) &&
	    c->tiers == 0)
		diag(p, v, "tiers: a check-in needs at least one tier");
	if ((v = get(p, n, "channel")))
		parse_channel(p, v, c);
	if ((v = get(p, n, "automated"))) {
		if (is_scalar(v)) {
			bool all;
			if ((automated_ok = get_bool(p, v, "automated", &all)))
				c->automated = all ? c->tiers : 0;
		} else if ((automated_ok = get_tier_set(p, v, "automated",
							&c->automated)) &&
			   (c->automated & ~c->tiers)) {
			diag(p, v, "automated: names a tier that does not get "
				   "this check-in");
		}
	}
	(void)automated_ok;
	if ((v = get(p, n, "goals")) && is_list(p, v, "goals")) {
		c->goals = xcalloc((size_t)(v->data.sequence.items.top -
					    v->data.sequence.items.start) +
					   1,
				   sizeof(char *));
		each_item(v, it)
		{
			yaml_node_t *item = node_at(p, *it);
			if (get_text(p, item, "goals", &c->goals[c->ngoals]))
				c->ngoals++;
		}
	}
	if ((v = get(p, n, "template")) &&
	    get_text(p, v, "template", &c->template))
		check_template(p, v, c->template);
	if ((v = get(p, n, "when")))
		parse_condition(p, v, c);
}

static void parse_checkins(struct parser *p, yaml_node_t *n)
{
	size_t count;
	if (!is_list(p, n, "checkins"))
		return;
	count = (size_t)(n->data.sequence.items.top -
			 n->data.sequence.items.start);
	p->pb->checkins = xcalloc(count + 1, sizeof(struct ob_checkin));
	p->pb->ncheckins = count;
	for (size_t i = 0; i < count; i++)
		parse_checkin(p, node_at(p, n->data.sequence.items.start[i]), i);
}

static void parse_milestones(struct parser *p, yaml_node_t *n)
{
	static const char *const keys[] = {"id",	  "title", "due_day",
					   "done_on",	  "first_value",
					   "tiers",	  NULL};
	struct ob_playbook *pb = p->pb;
	size_t count;
	if (!is_list(p, n, "milestones"))
		return;
	count = (size_t)(n->data.sequence.items.top -
			 n->data.sequence.items.start);
	pb->milestones = xcalloc(count + 1, sizeof(struct ob_milestone));
	for (size_t i = 0; i < count; i++) {
		yaml_node_t *m = node_at(p, n->data.sequence.items.start[i]);
		struct ob_milestone *ms = &pb->milestones[pb->nmilestones];
		yaml_node_t *v;
		ms->tiers = all_tiers(pb);
		if (!check_mapping(p, m, "milestone", keys))
			continue;
		if ((v = require(p, m, "milestone", "id")) &&
		    get_id(p, v, "milestone id", true, &ms->id) &&
		    ob_playbook_milestone(pb, ms->id) >= 0)
			diag(p, v, "milestone id: duplicate id '%s'", ms->id);
		if ((v = get(p, m, "title")))
			get_text(p, v, "title", &ms->title);
		if (!ms->title && ms->id)
			ms->title = xstrdup(ms->id);
		if ((v = require(p, m, "milestone", "due_day")))
			get_int(p, v, "due_day", 0, OB_PLAYBOOK_MAX_DAY,
				&ms->due_day);
		if ((v = get(p, m, "done_on"))) {
			if (!is_scalar(v) || !ob_event_type_valid(scalar(v)))
				diag(p, v, "done_on: expected an event type "
					   "like login or feature_used");
			else
				ms->done_on = xstrdup(scalar(v));
		}
		if ((v = get(p, m, "first_value")))
			get_bool(p, v, "first_value", &ms->first_value);
		if ((v = get(p, m, "tiers")))
			get_tier_set(p, v, "tiers", &ms->tiers);
		/* Counted even when broken, so later ids still resolve. */
		pb->nmilestones++;
	}
}

static void parse_status_ints(struct parser *p, yaml_node_t *n,
			      const char *what, int *out)
{
	static const char *const keys[] = {"green", "yellow", "red", NULL};
	if (is_scalar(n)) {
		int v;
		if (get_int(p, n, what, 1, OB_PLAYBOOK_MAX_DAY, &v))
			for (int s = 0; s < OB_NSTATUS; s++)
				out[s] = v;
		return;
	}
	if (!check_mapping(p, n, what, keys))
		return;
	for (int s = 0; s < OB_NSTATUS; s++) {
		yaml_node_t *v = require(p, n, what, status_names[s]);
		if (v)
			get_int(p, v, what, 1, OB_PLAYBOOK_MAX_DAY, &out[s]);
	}
}

static void parse_follow_up(struct parser *p, yaml_node_t *n)
{
	static const char *const keys[] = {
		"from_day",  "until_day", "every_days", "daily_while_open_tickets",
		"channel",   "automated", "template",   NULL};
	struct ob_follow_up *f = &p->pb->follow_up;
	struct ob_checkin *c = &f->checkin;
	yaml_node_t *v;
	if (!check_mapping(p, n, "follow_up", keys))
		return;
	f->present = true;
	f->until_day = -1;
	c->id = xstrdup("follow-up");
	c->title = xstrdup("Follow-up");
	c->tiers = all_tiers(p->pb);
	c->when.milestone_done = c->when.milestone_not_done = -1;
	c->channel_by_status = true;
	c->channel[OB_GREEN] = OB_EMAIL;
	c->channel[OB_YELLOW] = c->channel[OB_RED] = OB_CALL;
	if ((v = get(p, n, "channel"))) {
		c->channel_by_status = false;
		parse_channel(p, v, c);
	}
	if ((v = get(p, n, "automated"))) {
		bool all;
		if (is_scalar(v)) {
			if (get_bool(p, v, "automated", &all))
				c->automated = all ? c->tiers : 0;
		} else {
			get_tier_set(p, v, "automated", &c->automated);
		}
	}
	if ((v = get(p, n, "template")) && get_text(p, v, "template", &c->template))
		check_template(p, v, c->template);
	for (int s = 0; s < OB_NSTATUS; s++)
		f->every_days[s] = 1;
	if ((v = require(p, n, "follow_up", "from_day")))
		get_int(p, v, "from_day", 0, OB_PLAYBOOK_MAX_DAY, &f->from_day);
	if ((v = get(p, n, "until_day")) &&
	    get_int(p, v, "until_day", 0, OB_PLAYBOOK_MAX_DAY, &f->until_day) &&
	    f->until_day < f->from_day)
		diag(p, v, "until_day: %d is before from_day %d", f->until_day,
		     f->from_day);
	if ((v = require(p, n, "follow_up", "every_days")))
		parse_status_ints(p, v, "every_days", f->every_days);
	if ((v = get(p, n, "daily_while_open_tickets")))
		get_bool(p, v, "daily_while_open_tickets",
			 &f->daily_while_open_tickets);
}

static bool get_mailbox(struct parser *p, yaml_node_t *n, const char *what,
			struct ob_mailbox *out)
{
	const char *why;
	if (!is_scalar(n)) {
		type_error(p, n, what, "an address");
		return false;
	}
	if ((why = ob_mailbox_parse(scalar(n), out))) {
		diag(p, n, "%s: bad address '%s': %s", what, scalar(n), why);
		return false;
	}
	return true;
}

static void parse_delivery(struct parser *p, yaml_node_t *n)
{
	static const char *const keys[] = {"from", "reply_to", NULL};
	struct ob_delivery *d = &p->pb->delivery;
	yaml_node_t *v;
	if (!check_mapping(p, n, "delivery", keys))
		return;
	if ((v = get(p, n, "from")))
		get_mailbox(p, v, "delivery.from", &d->from);
	if ((v = get(p, n, "reply_to")) &&
	    !(is_scalar(v) && strcmp(scalar(v), "csm") == 0) &&
	    get_mailbox(p, v, "delivery.reply_to", &d->reply_to))
		d->reply_to_csm = false;
}

static double parse_number(const char *s, const char **end)
{
	/* Locale-independent: [-]digits[.digits]. */
	double v = 0, scale = 1;
	bool neg = false, any = false;
	const char *q = s;
	if (*q == '-') {
		neg = true;
		q++;
	}
	for (; *q >= '0' && *q <= '9'; q++, any = true)
		v = v * 10 + (*q - '0');
	if (*q == '.' && q[1] >= '0' && q[1] <= '9') {
		for (q++; *q >= '0' && *q <= '9'; q++) {
			scale /= 10;
			v += (*q - '0') * scale;
		}
	}
	*end = any ? q : s;
	return neg ? -v : v;
}

static bool parse_comparison(struct parser *p, yaml_node_t *n,
			     struct ob_comparison *c)
{
	static const struct {
		const char *text;
		enum ob_cmp_op op;
	} ops[] = {{"<=", OB_LE}, {">=", OB_GE}, {"==", OB_EQ},
		   {"!=", OB_NE}, {"<", OB_LT},	 {">", OB_GT}};
	const char *s, *q, *end;
	char name[96];
	size_t len;
	bool found = false;

	if (!is_scalar(n)) {
		type_error(p, n, "when", "a comparison like 'logins < 3'");
		return false;
	}
	s = scalar(n);
	for (q = s; *q == ' '; q++)
		;
	/* Take upper case too, to say "unknown metric" rather than "syntax". */
	for (len = 0; (q[len] >= 'a' && q[len] <= 'z') ||
		      (q[len] >= 'A' && q[len] <= 'Z') ||
		      (q[len] >= '0' && q[len] <= '9') || q[len] == '_' ||
		      q[len] == '.';
	     len++)
		;
	if (len == 0 || len >= sizeof(name))
		goto bad;
	memcpy(name, q, len);
	name[len] = '\0';
	for (q += len; *q == ' '; q++)
		;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t ol = strlen(ops[i].text);
		if (strncmp(q, ops[i].text, ol) == 0) {
			c->op = ops[i].op;
			q += ol;
			found = true;
			break;
		}
	}
	if (!found)
		goto bad;
	while (*q == ' ')
		q++;
	c->number = parse_number(q, &end);
	if (end == q)
		goto bad;
	while (*end == ' ')
		end++;
	if (*end)
		goto bad;
	if (!ob_metric_parse(name, &c->metric)) {
		struct ob_buf known = {0};
		for (int m = 0; m < OB_NMETRICS; m++)
			ob_buf_addf(&known, "%s, ",
				    ob_metric_name((enum ob_metric)m));
		diag_token(p, n, name,
			   "when: unknown metric '%s' (known: %scount.TYPE for "
			   "a custom event type)",
			   name, known.data);
		ob_buf_release(&known);
		return false;
	}
	c->text = xstrdup(s);
	return true;
bad:
	diag(p, n, "when: expected 'METRIC OP NUMBER' like 'logins < 3' "
		   "(OP one of < <= == != >= >), found '%s'",
	     s);
	return false;
}

static void parse_rule(struct parser *p, yaml_node_t *n, struct ob_rule *r,
		       const char *what)
{
	static const char *const keys[] = {"when", "from_day", "until_day",
					   "reason", NULL};
	yaml_node_t *v;
	r->from_day = r->until_day = -1;
	if (!check_mapping(p, n, what, keys))
		return;
	if ((v = require(p, n, what, "when"))) {
		if (v->type == YAML_SEQUENCE_NODE) {
			size_t count = (size_t)(v->data.sequence.items.top -
						v->data.sequence.items.start);
			r->when = xcalloc(count + 1, sizeof(*r->when));
			each_item(v, it)
			{
				if (parse_comparison(p, node_at(p, *it),
						     &r->when[r->nwhen]))
					r->nwhen++;
			}
			if (count == 0)
				diag(p, v, "when: an empty list holds always; "
					   "give at least one comparison");
		} else {
			r->when = xcalloc(1, sizeof(*r->when));
			if (parse_comparison(p, v, &r->when[0]))
				r->nwhen = 1;
		}
	}
	if ((v = get(p, n, "from_day")))
		get_int(p, v, "from_day", 0, OB_PLAYBOOK_MAX_DAY, &r->from_day);
	if ((v = get(p, n, "until_day")) &&
	    get_int(p, v, "until_day", 0, OB_PLAYBOOK_MAX_DAY, &r->until_day) &&
	    r->from_day >= 0 && r->until_day < r->from_day)
		diag(p, v, "until_day: %d is before from_day %d", r->until_day,
		     r->from_day);
	if ((v = require(p, n, what, "reason")))
		get_text(p, v, "reason", &r->reason);
}

static void parse_rules(struct parser *p, yaml_node_t *n, struct ob_rules *out,
			const char *what)
{
	size_t count;
	if (!is_list(p, n, what))
		return;
	count = (size_t)(n->data.sequence.items.top -
			 n->data.sequence.items.start);
	out->items = xcalloc(count + 1, sizeof(*out->items));
	out->n = count;
	for (size_t i = 0; i < count; i++)
		parse_rule(p, node_at(p, n->data.sequence.items.start[i]),
			   &out->items[i], what);
}

static void parse_health(struct parser *p, yaml_node_t *n)
{
	static const char *const keys[] = {"red", "yellow", NULL};
	struct ob_playbook *pb = p->pb;
	if (!check_mapping(p, n, "health", NULL))
		return;
	pb->dimensions = xcalloc((size_t)(n->data.mapping.pairs.top -
					  n->data.mapping.pairs.start) +
					 1,
				 sizeof(*pb->dimensions));
	each_pair(n, pr)
	{
		yaml_node_t *key = node_at(p, pr->key);
		yaml_node_t *val = node_at(p, pr->value);
		struct ob_dimension *d = &pb->dimensions[pb->ndimensions];
		yaml_node_t *v;
		bool dup = false;
		if (!is_scalar(key))
			continue;
		if (!valid_id(scalar(key), true)) {
			diag(p, key, "health: '%s' is not a valid dimension "
				     "name (expected 1-64 of a-z, 0-9, '-', "
				     "'_')",
			     scalar(key));
			continue;
		}
		for (size_t i = 0; i < pb->ndimensions; i++)
			dup |= strcmp(pb->dimensions[i].name, scalar(key)) == 0;
		if (dup)
			continue;
		d->name = xstrdup(scalar(key));
		pb->ndimensions++;
		if (is_null(val)) {
			diag(p, key, "health: dimension '%s' has no rules",
			     d->name);
			continue;
		}
		if (!check_mapping(p, val, "dimension", keys))
			continue;
		if ((v = get(p, val, "red")))
			parse_rules(p, v, &d->red, "red rule");
		if ((v = get(p, val, "yellow")))
			parse_rules(p, v, &d->yellow, "yellow rule");
		if (!get(p, val, "red") && !get(p, val, "yellow"))
			diag(p, val, "health: dimension '%s' needs red or "
				     "yellow rules",
			     d->name);
	}
}

static void parse_top(struct parser *p, yaml_node_t *root)
{
	struct ob_playbook *pb = p->pb;
	yaml_node_t *v;

	pb->calendar.weekend = OB_WEEKEND_DEFAULT;
	pb->delivery.reply_to_csm = true;
	if (!check_mapping(p, root, "playbook", top_keys))
		return;
	if ((v = require(p, root, "playbook", "name")))
		get_id(p, v, "name", false, &pb->name);
	if ((v = get(p, root, "description")))
		get_text(p, v, "description", &pb->description);
	if ((v = get(p, root, "day_count"))) {
		if (is_scalar(v) && strcmp(scalar(v), "business") == 0)
			pb->calendar.business = true;
		else if (!is_scalar(v) || strcmp(scalar(v), "calendar") != 0)
			diag(p, v, "day_count: expected calendar or business");
	}
	if ((v = get(p, root, "holidays")))
		parse_holidays(p, v);
	if ((v = get(p, root, "weekend")))
		parse_weekend(p, v);
	/* Tiers and milestones first: check-ins and rules refer to them. */
	if ((v = require(p, root, "playbook", "tiers")))
		parse_tiers(p, v);
	if ((v = get(p, root, "milestones")))
		parse_milestones(p, v);
	if ((v = require(p, root, "playbook", "checkins")))
		parse_checkins(p, v);
	if ((v = get(p, root, "follow_up")))
		parse_follow_up(p, v);
	if ((v = get(p, root, "health")))
		parse_health(p, v);
	if ((v = get(p, root, "escalate")))
		parse_rules(p, v, &pb->escalate, "escalate rule");
	if ((v = get(p, root, "delivery")))
		parse_delivery(p, v);
	pb->calendar.holidays = pb->holidays;
	pb->calendar.nholidays = pb->nholidays;
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

static void index_lines(struct parser *p)
{
	size_t cap = 0;
	ob_grow(&p->line_starts, &cap, 1, sizeof(size_t));
	p->line_starts[p->nlines++] = 0;
	for (size_t i = 0; i < p->len; i++) {
		if (p->src[i] != '\n')
			continue;
		ob_grow(&p->line_starts, &cap, p->nlines + 1, sizeof(size_t));
		p->line_starts[p->nlines++] = i + 1;
	}
}

static uint64_t named_metrics(const struct ob_playbook *pb);

int ob_playbook_parse(const char *src, size_t len, struct ob_playbook *pb,
		      struct ob_diags *diags)
{
	struct parser p = {.src = src, .len = len, .diags = diags, .pb = pb};
	yaml_parser_t yp;
	yaml_node_t *root;
	size_t before = diags->n;
	bool loaded = false;
	int cycle_at = 0;
	long size, text = 0;

	memset(pb, 0, sizeof(*pb));
	index_lines(&p);
	if (len > OB_PLAYBOOK_MAX_BYTES) {
		diag_mark(&p, (yaml_mark_t){0, 0, 0},
			  "playbook is larger than %d bytes",
			  OB_PLAYBOOK_MAX_BYTES);
		goto out;
	}
	if (check_events(&p) < 0)
		goto out;
	yaml_parser_initialize(&yp);
	yaml_parser_set_input_string(&yp, (const unsigned char *)src, len);
	loaded = yaml_parser_load(&yp, &p.doc);
	if (!loaded)
		diag_parser_error(&p, &yp);
	yaml_parser_delete(&yp);
	if (!loaded)
		goto out;
	root = yaml_document_get_root_node(&p.doc);
	if (!root) {
		diag_mark(&p, (yaml_mark_t){0, 0, 0}, "empty playbook");
		goto out;
	}
	size = expanded_size(&p, 1, &cycle_at, &text);
	if (size < 0) {
		diag(&p, node_at(&p, cycle_at),
		     "an alias refers to a node that contains it");
		goto out;
	}
	if (size > OB_PLAYBOOK_MAX_NODES) {
		diag(&p, root,
		     "the document expands to more than %d nodes through "
		     "aliases",
		     OB_PLAYBOOK_MAX_NODES);
		goto out;
	}
	if (text > OB_PLAYBOOK_MAX_TEXT) {
		diag(&p, root,
		     "the document expands to more than %d bytes of text "
		     "through aliases",
		     OB_PLAYBOOK_MAX_TEXT);
		goto out;
	}
	parse_top(&p, root);
out:
	if (loaded)
		yaml_document_delete(&p.doc);
	free(p.line_starts);
	if (diags->n > before) {
		qsort(diags->items + before, diags->n - before,
		      sizeof(*diags->items), cmp_diag);
		ob_playbook_release(pb);
		return -1;
	}
	pb->named_metrics = named_metrics(pb);
	return 0;
}

static void release_rules(struct ob_rules *rules)
{
	for (size_t i = 0; i < rules->n; i++) {
		struct ob_rule *r = &rules->items[i];
		for (size_t j = 0; j < r->nwhen; j++) {
			free(r->when[j].metric.type);
			free(r->when[j].text);
		}
		free(r->when);
		free(r->reason);
	}
	free(rules->items);
}

void ob_playbook_release(struct ob_playbook *pb)
{
	free(pb->name);
	free(pb->description);
	free(pb->holidays);
	for (size_t i = 0; i < pb->ntiers; i++) {
		free(pb->tiers[i].id);
		free(pb->tiers[i].title);
	}
	free(pb->tiers);
	for (size_t i = 0; i < pb->ncheckins; i++) {
		struct ob_checkin *c = &pb->checkins[i];
		free(c->id);
		free(c->title);
		for (size_t g = 0; g < c->ngoals; g++)
			free(c->goals[g]);
		free(c->goals);
		free(c->template);
	}
	free(pb->checkins);
	free(pb->follow_up.checkin.id);
	free(pb->follow_up.checkin.title);
	free(pb->follow_up.checkin.template);
	for (size_t i = 0; i < pb->nmilestones; i++) {
		free(pb->milestones[i].id);
		free(pb->milestones[i].title);
		free(pb->milestones[i].done_on);
	}
	free(pb->milestones);
	for (size_t i = 0; i < pb->ndimensions; i++) {
		free(pb->dimensions[i].name);
		release_rules(&pb->dimensions[i].red);
		release_rules(&pb->dimensions[i].yellow);
	}
	free(pb->dimensions);
	release_rules(&pb->escalate);
	ob_mailbox_release(&pb->delivery.from);
	ob_mailbox_release(&pb->delivery.reply_to);
	memset(pb, 0, sizeof(*pb));
}

static bool rules_name(const struct ob_rules *rules, enum ob_metric m)
{
	for (size_t i = 0; i < rules->n; i++)
		for (size_t j = 0; j < rules->items[i].nwhen; j++)
			if (rules->items[i].when[j].metric.id == m)
				return true;
	return false;
}

_Static_assert(OB_M_COUNT < 64, "a metric is a bit of named_metrics");

/* Asked for every account of a long list: worked out once, at parse. */
static uint64_t named_metrics(const struct ob_playbook *pb)
{
	uint64_t named = 0;
	for (int m = 0; m <= OB_M_COUNT; m++) {
		bool is = rules_name(&pb->escalate, (enum ob_metric)m);
		for (size_t d = 0; d < pb->ndimensions && !is; d++)
			is = rules_name(&pb->dimensions[d].red,
					(enum ob_metric)m) ||
			     rules_name(&pb->dimensions[d].yellow,
					(enum ob_metric)m);
		if (is)
			named |= (uint64_t)1 << m;
	}
	return named;
}

bool ob_playbook_names_metric(const struct ob_playbook *pb, enum ob_metric m)
{
	return (pb->named_metrics >> m) & 1;
}

int ob_playbook_tier(const struct ob_playbook *pb, const char *id)
{
	for (size_t i = 0; i < pb->ntiers; i++)
		if (strcmp(pb->tiers[i].id, id) == 0)
			return (int)i;
	return -1;
}

int ob_playbook_checkin(const struct ob_playbook *pb, const char *id)
{
	for (size_t i = 0; i < pb->ncheckins; i++)
		if (pb->checkins[i].id && strcmp(pb->checkins[i].id, id) == 0)
			return (int)i;
	return -1;
}

int ob_playbook_milestone(const struct ob_playbook *pb, const char *id)
{
	for (size_t i = 0; i < pb->nmilestones; i++)
		if (pb->milestones[i].id &&
		    strcmp(pb->milestones[i].id, id) == 0)
			return (int)i;
	return -1;
}

bool ob_playbook_window_date(const struct ob_playbook *pb, ob_day kickoff,
			     int offset, ob_day *out)
{
	return ob_calendar_add(&pb->calendar, kickoff, offset, out);
}

bool ob_comparison_holds(const struct ob_comparison *c, bool has_value,
			 double value)
{
	if (!has_value)
		return false;
	switch (c->op) {
	case OB_LT:
		return value < c->number;
	case OB_LE:
		return value <= c->number;
	case OB_EQ:
		return value == c->number;
	case OB_NE:
		return value != c->number;
	case OB_GE:
		return value >= c->number;
	case OB_GT:
		return value > c->number;
	}
	return false;
}

void ob_checkin_channel_text(const struct ob_checkin *c, bool compact,
			     struct ob_buf *b)
{
	if (!c->channel_by_status) {
		ob_buf_adds(b, ob_channel_name(c->channel[OB_GREEN]));
		return;
	}
	for (int s = 0; s < OB_NSTATUS; s++) {
		if (compact)
			ob_buf_addf(b, "%s%s", s ? "/" : "",
				    ob_channel_name(c->channel[s]));
		else
			ob_buf_addf(b, "%s%s:%s", s ? " " : "",
				    ob_status_name((enum ob_status)s),
				    ob_channel_name(c->channel[s]));
	}
}


void ob_checkin_window_text(const struct ob_checkin *c, struct ob_buf *b)
{
	if (c->opens == c->closes)
		ob_buf_addf(b, "%d", c->opens);
	else
		ob_buf_addf(b, "%d-%d", c->opens, c->closes);
}
