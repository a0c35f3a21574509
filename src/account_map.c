#include "onboard/account_map.h"

#include <stdlib.h>
#include <string.h>

#include "onboard/util.h"

_Static_assert(sizeof(struct ob_account_slot) == 64,
	       "an account slot fills one cache line");

/* At most 70% full: probes stay short without the doubling's waste. */
#define LOAD_PERCENT 70

static const char *slot_id(const struct ob_account_slot *s)
{
	return s->long_id ? s->long_id : s->id;
}

static bool slot_free(const struct ob_account_slot *s)
{
	return !s->id[0] && !s->long_id;
}

/* Any capacity, not only powers of 2: the hash is scaled into it. */
static size_t home(const char *id, size_t cap)
{
	uint64_t h = ob_hash_mix(ob_hash(id, strlen(id), 0));
	return (size_t)(((h >> 32) * (uint64_t)cap) >> 32);
}

static struct ob_account_slot *probe(struct ob_account_slot *slots,
				     size_t cap, const char *id)
{
	size_t i = home(id, cap);
	while (!slot_free(&slots[i]) && strcmp(slot_id(&slots[i]), id) != 0)
		if (++i == cap)
			i = 0;
	return &slots[i];
}

static void resize(struct ob_account_map *m, size_t cap)
{
	/* On cache line boundaries: a slot is one line. */
	struct ob_account_slot *slots =
		xaligned_calloc(64, cap * sizeof(*slots));
	for (size_t i = 0; i < m->cap; i++)
		if (!slot_free(&m->slots[i]))
			*probe(slots, cap, slot_id(&m->slots[i])) =
				m->slots[i];
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
}

void ob_account_map_reserve(struct ob_account_map *m, size_t n)
{
	size_t cap = n * 100 / LOAD_PERCENT + 1;
	if (cap > m->cap)
		resize(m, cap);
}

struct ob_account_slot *ob_account_map_get(const struct ob_account_map *m,
					   const char *id)
{
	struct ob_account_slot *s;
	if (!m->cap)
		return NULL;
	s = probe(m->slots, m->cap, id);
	return slot_free(s) ? NULL : s;
}

struct ob_account_slot *ob_account_map_add(struct ob_account_map *m,
					   const char *id)
{
	struct ob_account_slot *s;
	size_t len = strlen(id);
	if ((m->n + 1) * 100 > m->cap * LOAD_PERCENT)
		resize(m, m->cap < 64 ? 64 : m->cap + m->cap / 2);
	s = probe(m->slots, m->cap, id);
	if (len < sizeof(s->id))
		memcpy(s->id, id, len + 1);
	else
		s->long_id = xstrdup(id);
	m->n++;
	return s;
}

void ob_account_map_release(struct ob_account_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].long_id);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}
