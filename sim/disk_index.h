/* The write cache's per-sector index (sim/disk.c): for every sector a cache
 * entry covered, its newest entry and the newest write whose data landed.
 * Sectors are kept in runs of DIX_RUN consecutive sectors, one hash slot a
 * run, the values inline: a 4 KiB request is one probe and two or three
 * cache lines, not eight hashed slots. Only inserts, a whole-index drop, and
 * iteration: sim/disk.c rebuilds it to forget sectors (see cmap_rebuild). */
#ifndef CSUMSIM_SIM_DISK_INDEX_H
#define CSUMSIM_SIM_DISK_INDEX_H

#include <stddef.h>
#include <stdint.h>

/* Per sector touched by the cache: its newest entry and the newest write
 * whose data reached the media, so an older write never lands over it. */
struct cslot {
	uint64_t newest; /* entry num + 1; 0: none */
	uint64_t landed; /* seq of the newest write landed; 0: none recorded */
};

#define DIX_SHIFT 3u
#define DIX_RUN (1u << DIX_SHIFT) /* sectors a slot */
#define DIX_EMPTY UINT64_MAX      /* run number of a free slot (never a real one) */

struct dix_run {
	uint64_t run;     /* sector >> DIX_SHIFT, or DIX_EMPTY */
	uint64_t present; /* bit i: sector run*DIX_RUN + i is in the index */
	struct cslot s[DIX_RUN];
};

struct disk_index {
	/* run numbers by slot, probed alone: 8 bytes a slot stay in L2 where
	 * the slots themselves would miss, and most lookups (reads of
	 * sectors the cache never held) end here */
	uint64_t *keys;
	struct dix_run *slots; /* cap slots, open addressing, linear probing */
	size_t cap;            /* a power of two, or 0 */
	size_t runs;           /* occupied slots */
	size_t len;            /* sectors present */
};

void dix_init(struct disk_index *x);
void dix_free(struct disk_index *x);

static inline size_t dix_home(const struct disk_index *x, uint64_t run)
{
	/* Fibonacci hashing: the run numbers of nearby sectors spread out */
	return (size_t)((run * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & (x->cap - 1);
}

/* The slot of the run holding sector, or NULL when no sector of it is in. */
static inline struct dix_run *dix_run_of(const struct disk_index *x, uint64_t sector)
{
	uint64_t run = sector >> DIX_SHIFT;

	if (x->runs == 0)
		return NULL;
	for (size_t i = dix_home(x, run);; i = (i + 1) & (x->cap - 1)) {
		if (x->keys[i] == run)
			return &x->slots[i];
		if (x->keys[i] == DIX_EMPTY)
			return NULL;
	}
}

/* The value of sector inside its run's slot r (from dix_run_of), or NULL. */
static inline struct cslot *dix_in(struct dix_run *r, uint64_t sector)
{
	unsigned i = (unsigned)(sector & (DIX_RUN - 1));

	if (r == NULL || !((r->present >> i) & 1u))
		return NULL;
	return &r->s[i];
}

static inline struct cslot *dix_get(const struct disk_index *x, uint64_t sector)
{
	return dix_in(dix_run_of(x, sector), sector);
}

/* The value of sector, inserted zero-filled when absent (*created set then,
 * if created is not NULL). NULL when memory runs out. Pointers from earlier
 * calls are invalid after a put (slots move when the table grows). */
struct cslot *dix_put(struct disk_index *x, uint64_t sector, int *created);

/* Iteration in the table's order: start at *pos = 0; 1 with the sector and
 * its value, 0 at the end. */
int dix_next(const struct disk_index *x, size_t *pos, uint64_t *sector, struct cslot **val);

#endif
