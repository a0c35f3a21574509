/*
 * map: the source map of SPEC.md section 8, a small YAML file (read
 * through the playbook's YAML layer, with its limits and its
 * FILE:LINE:COLUMN diagnostics) saying how one analytics tool's export
 * becomes onboard events: where the account is, which event names are
 * which types, and what to do with the rest.
 */
#ifndef ONBOARD_MAP_H
#define ONBOARD_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "onboard/event.h"
#include "onboard/playbook.h"

enum ob_source { OB_SEGMENT, OB_MIXPANEL, OB_AMPLITUDE, OB_NSOURCES };

const char *ob_source_name(enum ob_source s);
/* -1 when the name is not a source. */
int ob_source_parse(const char *name);

#define OB_MAP_PATH_MAX 256

/* One event name of the source, and what it becomes. */
struct ob_map_event {
	char *name;
	char *type;  /* a known type or a custom one */
	char *value; /* the value's path; NULL: none (feature_used: the name) */
};

struct ob_map {
	enum ob_source source;
	char **accounts; /* paths, tried in order */
	size_t naccounts;
	struct ob_map_event *events; /* sorted by name */
	size_t nevents;
	bool unmapped_custom; /* else skipped */
	bool unknown_error;   /* else skipped */
};

/*
 * Parses and checks a map. On success fills *m (release it with
 * ob_map_release) and returns 0; otherwise -1 with diagnostics in
 * *diags, sorted by position.
 */
int ob_map_parse(const char *src, size_t len, struct ob_map *m,
		 struct ob_diags *diags);
void ob_map_release(struct ob_map *m);

/* The map's entry for a source event name, or NULL. */
const struct ob_map_event *ob_map_lookup(const struct ob_map *m,
					 const char *name);

/*
 * An unmapped name as a custom type (`unmapped: custom`): lower case,
 * every run of other characters one '_' ("Invite Sent" is invite_sent).
 * False when that makes no valid custom type: nothing left, a leading
 * digit, too long, or the name of a known type.
 */
bool ob_map_custom_type(const char *name, char out[OB_EVENT_TYPE_MAX + 1]);

#endif
