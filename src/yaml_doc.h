/*
 * yaml_doc: the YAML layer shared by the playbook and the source maps.
 * A document is loaded in three passes that bound what a hostile file can
 * cost: libyaml's event API first (syntax errors, nesting deeper than
 * OB_PLAYBOOK_MAX_DEPTH, NUL characters), then the document API and a
 * count of the nodes and bytes it expands to through aliases. The schema
 * walks of the callers then use the helpers below, which record every
 * problem as a diagnostic with its line and column instead of stopping.
 */
#ifndef ONBOARD_YAML_DOC_H
#define ONBOARD_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "onboard/playbook.h"
#include "onboard/util.h"

struct ob_yaml {
	yaml_document_t doc;
	bool loaded;
	const char *src;
	size_t len;
	size_t *line_starts; /* byte offset of each line */
	size_t nlines;
	struct ob_diags *diags;
	size_t first_diag; /* diags->n when this document began */
};

/*
 * Loads src[0..len) as one YAML document of at most OB_PLAYBOOK_MAX_BYTES.
 * `what` names it in messages ("playbook", "map"); `empty` is the message
 * for a file with no document. Returns the root node, or NULL with a
 * diagnostic. Call yml_finish in either case.
 */
yaml_node_t *yml_load(struct ob_yaml *y, const char *src, size_t len,
		      struct ob_diags *diags, const char *what,
		      const char *empty);
/* Frees the document and sorts its diagnostics: -1 when there are any. */
int yml_finish(struct ob_yaml *y);

/* Line and column (1-based, columns in characters) of a byte offset. */
void yml_position(const struct ob_yaml *y, size_t off, int *line, int *column);
/* The byte offset of a libyaml mark, whose column counts characters. */
size_t yml_offset(const struct ob_yaml *y, yaml_mark_t m);

void yml_diag_mark(struct ob_yaml *y, yaml_mark_t m, const char *fmt, ...)
    OB_PRINTF(3, 4);
#define yml_diag(y, node, ...)                                                 \
	yml_diag_mark((y), (node)->start_mark, __VA_ARGS__)
/*
 * Reports a problem at the first occurrence of `needle` inside a node's
 * text, so an error in a rule points at the offending token rather than
 * at the start of the scalar. Falls back to the node's start.
 */
void yml_diag_token(struct ob_yaml *y, yaml_node_t *node, const char *needle,
		    const char *fmt, ...) OB_PRINTF(4, 5);

yaml_node_t *yml_node_at(struct ob_yaml *y, int index);
bool yml_is_scalar(yaml_node_t *n);
const char *yml_scalar(yaml_node_t *n);
/* A plain empty, ~ or null scalar. */
bool yml_is_null(yaml_node_t *n);
/* "a mapping", "a list", "a scalar" or "nothing", for messages. */
const char *yml_node_kind(yaml_node_t *n);
void yml_type_error(struct ob_yaml *y, yaml_node_t *n, const char *what,
		    const char *expected);

/*
 * Checks that node is a mapping whose keys are scalars from `keys` (NULL
 * terminated; NULL allows any), each once. Reports every stranger; returns
 * false only when node is not a mapping at all.
 */
bool yml_check_mapping(struct ob_yaml *y, yaml_node_t *map, const char *what,
		       const char *const *keys);
/* The value of the first `key` in a mapping; NULL when absent or null. */
yaml_node_t *yml_get(struct ob_yaml *y, yaml_node_t *map, const char *key);
yaml_node_t *yml_require(struct ob_yaml *y, yaml_node_t *map, const char *what,
			 const char *key);
bool yml_get_text(struct ob_yaml *y, yaml_node_t *n, const char *what,
		  char **out);
bool yml_get_int(struct ob_yaml *y, yaml_node_t *n, const char *what,
		 long long min, long long max, int *out);
bool yml_get_bool(struct ob_yaml *y, yaml_node_t *n, const char *what,
		  bool *out);
/* Ids: lower-case letters, digits, '-' (and '_' where allowed), <= 64. */
bool yml_valid_id(const char *s, bool underscore);
bool yml_get_id(struct ob_yaml *y, yaml_node_t *n, const char *what,
		bool underscore, char **out);
bool yml_is_list(struct ob_yaml *y, yaml_node_t *n, const char *what);

#define each_item(node, it)                                                    \
	for (yaml_node_item_t *it = (node)->data.sequence.items.start;         \
	     it < (node)->data.sequence.items.top; it++)

#define each_pair(node, pr)                                                    \
	for (yaml_node_pair_t *pr = (node)->data.mapping.pairs.start;          \
	     pr < (node)->data.mapping.pairs.top; pr++)

#endif
