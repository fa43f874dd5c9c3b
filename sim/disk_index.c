#include "sim/disk_index.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void dix_init(struct disk_index *x)
{
	x->keys = NULL;
	x->slots = NULL;
	x->cap = 0;
	x->runs = 0;
	x->len = 0;
}

void dix_free(struct disk_index *x)
{
	free(x->keys);
	free(x->slots);
	dix_init(x);
}

/* Empty tables of cap slots in n. 0, or -1 with nothing allocated. */
static int new_table(struct disk_index *n, size_t cap)
{
	n->keys = malloc(cap * sizeof(*n->keys));
	n->slots = malloc(cap * sizeof(*n->slots));
	if (n->keys == NULL || n->slots == NULL) {
		free(n->keys);
		free(n->slots);
		return -1;
	}
	for (size_t i = 0; i < cap; i++)
		n->keys[i] = n->slots[i].run = DIX_EMPTY;
	n->cap = cap;
	return 0;
}

/* Twice the slots, every occupied one moved to its new home. */
static int grow(struct disk_index *x)
{
	size_t ncap = x->cap ? x->cap * 2 : 64;
	struct disk_index n = { .runs = x->runs, .len = x->len };

	if (new_table(&n, ncap) != 0)
		return -1;
	for (size_t i = 0; i < x->cap; i++) {
		const struct dix_run *r = &x->slots[i];
		size_t j;

		if (x->keys[i] == DIX_EMPTY)
			continue;
		assert(r->run == x->keys[i]);
		for (j = dix_home(&n, r->run); n.keys[j] != DIX_EMPTY; j = (j + 1) & (ncap - 1))
			;
		n.keys[j] = r->run;
		n.slots[j] = *r;
	}
	free(x->keys);
	free(x->slots);
	*x = n;
	return 0;
}

struct cslot *dix_put(struct disk_index *x, uint64_t sector, int *created)
{
	uint64_t run = sector >> DIX_SHIFT;
	unsigned bit = (unsigned)(sector & (DIX_RUN - 1));
	struct dix_run *r;
	size_t i;

	if (created != NULL)
		*created = 0;
	r = dix_run_of(x, sector);
	if (r == NULL) {
		/* at most half full: probes stay short */
		if (2 * (x->runs + 1) > x->cap && grow(x) != 0)
			return NULL;
		for (i = dix_home(x, run); x->keys[i] != DIX_EMPTY; i = (i + 1) & (x->cap - 1))
			assert(x->keys[i] != run);
		r = &x->slots[i];
		memset(r, 0, sizeof(*r));
		r->run = x->keys[i] = run;
		x->runs++;
	}
	if (!((r->present >> bit) & 1u)) {
		r->present |= UINT64_C(1) << bit;
		memset(&r->s[bit], 0, sizeof(r->s[bit]));
		x->len++;
		if (created != NULL)
			*created = 1;
	}
	assert(x->len <= x->runs * DIX_RUN);
	return &r->s[bit];
}

int dix_next(const struct disk_index *x, size_t *pos, uint64_t *sector, struct cslot **val)
{
	while (*pos < x->cap * DIX_RUN) {
		size_t slot = *pos / DIX_RUN;
		unsigned bit = (unsigned)(*pos % DIX_RUN);
		struct dix_run *r = &x->slots[slot];
		uint64_t rest = x->keys[slot] == DIX_EMPTY ? 0 : r->present >> bit;

		if (rest == 0) {
			*pos = (slot + 1) * DIX_RUN; /* the next slot */
			continue;
		}
		bit += (unsigned)__builtin_ctzll(rest);
		*pos = slot * DIX_RUN + bit + 1;
		*sector = r->run * DIX_RUN + bit;
		*val = &r->s[bit];
		return 1;
	}
	return 0;
}
