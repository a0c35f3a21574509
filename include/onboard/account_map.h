/*
 * account_map: the accounts an import names, by the id users type. A
 * million-event import looks an id up for every row, in no useful order:
 * each slot is one cache line holding the id (when under 24 bytes) and
 * all that writing an event needs, so a lookup costs one memory miss
 * instead of two.
 */
#ifndef ONBOARD_ACCOUNT_MAP_H
#define ONBOARD_ACCOUNT_MAP_H

#include <stddef.h>
#include <stdint.h>

#define OB_ACCOUNT_ACTIVE 0x1 /* status active */
#define OB_ACCOUNT_HAS_AT 0x2 /* last_at is set */
#define OB_ACCOUNT_HAS_DAY 0x4 /* last_day is set */

struct ob_account_slot {
	char id[24];      /* the id, when shorter than 24 bytes */
	char *long_id;    /* else the id (allocated); both empty: a free slot */
	int64_t rowid;    /* 0: no account has the id */
	int64_t playbook;
	/*
	 * The latest events stored before the transaction began (the
	 * signal row): with a time, and given as a date only.
	 */
	int64_t last_at;
	int32_t last_day;
	uint32_t flags; /* OB_ACCOUNT_* */
};

struct ob_account_map {
	struct ob_account_slot *slots;
	size_t cap, n;
};

/* Makes room for n ids without growing again. */
void ob_account_map_reserve(struct ob_account_map *m, size_t n);
/* The slot of id, or NULL. */
struct ob_account_slot *ob_account_map_get(const struct ob_account_map *m,
					   const char *id);
/* Adds id (not present yet, not empty): a zeroed slot holding it. */
struct ob_account_slot *ob_account_map_add(struct ob_account_map *m,
					   const char *id);
void ob_account_map_release(struct ob_account_map *m);

#endif
