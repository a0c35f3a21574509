#include "onboard/map.h"

#include <stdlib.h>
#include <string.h>

#include "onboard/util.h"
#include "yaml_doc.h"

static const char *const source_names[OB_NSOURCES] = {"segment", "mixpanel",
						      "amplitude"};

const char *ob_source_name(enum ob_source s)
{
	return source_names[s];
}

int ob_source_parse(const char *name)
{
	for (int i = 0; i < OB_NSOURCES; i++)
		if (strcmp(source_names[i], name) == 0)
			return i;
	return -1;
}

/* Dotted names: no empty step, none longer than the readers take. */
static bool valid_path(const char *s)
{
	size_t step = 0, n = strlen(s);
	if (n == 0 || n > OB_MAP_PATH_MAX)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (s[i] == '.' || s[i] == '\0') {
			if (step == 0 || step >= 128)
				return false;
			step = 0;
		} else {
			step++;
		}
	}
	return true;
}

static bool get_path(struct ob_yaml *y, yaml_node_t *n, const char *what,
		     char **out)
{
	if (!yml_is_scalar(n)) {
		yml_type_error(y, n, what, "a path like properties.account_id");
		return false;
	}
	if (!valid_path(yml_scalar(n))) {
		yml_diag(y, n,
			 "%s: '%s' is not a path (expected names joined by "
			 "'.', like properties.account_id)",
			 what, yml_scalar(n));
		return false;
	}
	*out = xstrdup(yml_scalar(n));
	return true;
}

static void parse_accounts(struct ob_yaml *y, yaml_node_t *n, struct ob_map *m)
{
	char *path;
	if (yml_is_scalar(n)) {
		if (get_path(y, n, "account", &path)) {
			m->accounts = xmalloc(sizeof(char *));
			m->accounts[m->naccounts++] = path;
		}
		return;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		yml_type_error(y, n, "account", "a path or a list of paths");
		return;
	}
	if (n->data.sequence.items.top == n->data.sequence.items.start) {
		yml_diag(y, n,
			 "account: an empty list: expected at least one "
			 "path");
		return;
	}
	m->accounts = xcalloc(
	    (size_t)(n->data.sequence.items.top - n->data.sequence.items.start),
	    sizeof(char *));
	each_item(n, it)
	{
		if (get_path(y, yml_node_at(y, *it), "account", &path))
			m->accounts[m->naccounts++] = path;
	}
}

/* What the value of a type must be, for the types that need one. */
static const char *value_needed(enum ob_event_type t)
{
	switch (t) {
	case OB_EV_NPS:
		return "the score";
	case OB_EV_TICKET_OPENED:
	case OB_EV_TICKET_RESOLVED:
		return "the ticket reference";
	case OB_EV_MILESTONE:
		return "the milestone id";
	default:
		return NULL;
	}
}

static bool get_type(struct ob_yaml *y, yaml_node_t *n, const char *name,
		     char **out)
{
	if (!yml_is_scalar(n)) {
		yml_type_error(y, n, "events", "an event type");
		return false;
	}
	if (!ob_event_type_valid(yml_scalar(n))) {
		yml_diag(y, n,
			 "events: '%s' maps to '%s', which is not an event "
			 "type (expected a known type or a custom one of a-z, "
			 "0-9 and _, at most 64, starting with a letter)",
			 name, yml_scalar(n));
		return false;
	}
	*out = xstrdup(yml_scalar(n));
	return true;
}

static void parse_event(struct ob_yaml *y, yaml_node_t *key, yaml_node_t *v,
			struct ob_map_event *e)
{
	static const char *const keys[] = {"type", "value", NULL};
	yaml_node_t *t, *val;
	const char *need;
	e->name = xstrdup(yml_scalar(key));
	if (yml_is_scalar(v) && !yml_is_null(v)) {
		get_type(y, v, e->name, &e->type);
	} else if (v->type == YAML_MAPPING_NODE) {
		if (!yml_check_mapping(y, v, "events", keys))
			return;
		if ((t = yml_require(y, v, "events", "type")))
			get_type(y, t, e->name, &e->type);
		if ((val = yml_get(y, v, "value")))
			get_path(y, val, "value", &e->value);
	} else {
		yml_type_error(y, v, "events",
			       "an event type or {type, value}");
		return;
	}
	if (e->type && !e->value &&
	    (need = value_needed(ob_event_type_lookup(e->type))))
		yml_diag(y, v,
			 "events: '%s' maps to %s, which needs a value: give "
			 "{type: %s, value: PATH} with the path of %s",
			 e->name, e->type, e->type, need);
}

static int cmp_event(const void *a, const void *b)
{
	const struct ob_map_event *x = a, *y = b;
	return strcmp(x->name, y->name);
}

static void parse_events(struct ob_yaml *y, yaml_node_t *n, struct ob_map *m)
{
	size_t cap;
	if (!yml_check_mapping(y, n, "events", NULL))
		return;
	cap = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	m->events = xcalloc(cap ? cap : 1, sizeof(*m->events));
	each_pair(n, pr)
	{
		yaml_node_t *key = yml_node_at(y, pr->key);
		if (!yml_is_scalar(key))
			continue; /* reported by yml_check_mapping */
		parse_event(y, key, yml_node_at(y, pr->value),
			    &m->events[m->nevents++]);
	}
	qsort(m->events, m->nevents, sizeof(*m->events), cmp_event);
}

/* A key whose value is one of two words. */
static void get_choice(struct ob_yaml *y, yaml_node_t *map, const char *key,
		       const char *no, const char *yes, bool *out)
{
	yaml_node_t *v = yml_get(y, map, key);
	if (!v)
		return;
	if (yml_is_scalar(v) && strcmp(yml_scalar(v), no) == 0)
		*out = false;
	else if (yml_is_scalar(v) && strcmp(yml_scalar(v), yes) == 0)
		*out = true;
	else
		yml_diag(y, v, "%s: expected %s or %s", key, no, yes);
}

static void parse_top(struct ob_yaml *y, yaml_node_t *root, struct ob_map *m)
{
	static const char *const keys[] = {"source",	       "account",
					   "events",	       "unmapped",
					   "unknown_accounts", NULL};
	yaml_node_t *v;
	if (!yml_check_mapping(y, root, "map", keys))
		return;
	if ((v = yml_require(y, root, "map", "source"))) {
		int s = yml_is_scalar(v) ? ob_source_parse(yml_scalar(v)) : -1;
		if (s < 0)
			yml_diag(y, v,
				 "source: expected segment, mixpanel or "
				 "amplitude");
		else
			m->source = (enum ob_source)s;
	}
	if ((v = yml_require(y, root, "map", "account")))
		parse_accounts(y, v, m);
	if ((v = yml_get(y, root, "events")))
		parse_events(y, v, m);
	get_choice(y, root, "unmapped", "skip", "custom", &m->unmapped_custom);
	get_choice(y, root, "unknown_accounts", "skip", "error",
		   &m->unknown_error);
	if (m->nevents == 0 && !m->unmapped_custom)
		yml_diag(y, root,
			 "map: no event is mapped: give 'events', or "
			 "'unmapped: custom', or every line is "
			 "skipped");
}

int ob_map_parse(const char *src, size_t len, struct ob_map *m,
		 struct ob_diags *diags)
{
	struct ob_yaml y;
	yaml_node_t *root;
	memset(m, 0, sizeof(*m));
	root = yml_load(&y, src, len, diags, "map",
			"empty map: expected a mapping with 'source', "
			"'account' and 'events'");
	if (root)
		parse_top(&y, root, m);
	if (yml_finish(&y) < 0) {
		ob_map_release(m);
		return -1;
	}
	return 0;
}

void ob_map_release(struct ob_map *m)
{
	for (size_t i = 0; i < m->naccounts; i++)
		free(m->accounts[i]);
	free(m->accounts);
	for (size_t i = 0; i < m->nevents; i++) {
		free(m->events[i].name);
		free(m->events[i].type);
		free(m->events[i].value);
	}
	free(m->events);
	memset(m, 0, sizeof(*m));
}

const struct ob_map_event *ob_map_lookup(const struct ob_map *m,
					 const char *name)
{
	struct ob_map_event key = {.name = (char *)name};
	return bsearch(&key, m->events, m->nevents, sizeof(*m->events),
		       cmp_event);
}

bool ob_map_custom_type(const char *name, char out[OB_EVENT_TYPE_MAX + 1])
{
	size_t n = 0;
	bool gap = false;
	for (const char *p = name; *p; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (gap && n > 0) {
				if (n == OB_EVENT_TYPE_MAX)
					return false;
				out[n++] = '_';
			}
			gap = false;
			if (n == OB_EVENT_TYPE_MAX)
				return false;
			out[n++] = c;
		} else {
			gap = true;
		}
	}
	out[n] = '\0';
	return n > 0 && ob_event_type_valid(out) &&
	       ob_event_type_lookup(out) == OB_EV_CUSTOM;
}
