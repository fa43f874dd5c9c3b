/* A pool of blocks in power-of-two size classes (unit << class bytes),
 * carved from large slabs and recycled through one free list per class:
 * for millions of small arrays that grow by doubling (the oracle's pending
 * versions per sector), where malloc costs a 16-byte header per block and
 * freeing them one by one at the end costs more than the run's own work.
 * Classes above SIZEPOOL_SLAB_CLASSES go to malloc. Not thread-safe. */
#ifndef CSUMSIM_UTIL_SIZEPOOL_H
#define CSUMSIM_UTIL_SIZEPOOL_H

#include <stddef.h>
#include <stdint.h>

#define SIZEPOOL_SLAB_CLASSES 8   /* classes 0..7 come from slabs */
#define SIZEPOOL_SLAB_BYTES 65536 /* one slab */

struct sizepool {
	size_t unit;                          /* bytes of class 0, >= sizeof(void *) */
	void *free_list[SIZEPOOL_SLAB_CLASSES];
	uint8_t *bump;                        /* unused tail of the newest slab */
	size_t bump_left;
	void *slabs;                          /* every slab, linked through its first word */
	size_t slab_bytes;                    /* memory held in slabs */
};

/* unit: bytes of class 0, a multiple of 16 and at most SIZEPOOL_SLAB_BYTES >> 8. */
void sizepool_init(struct sizepool *p, size_t unit);
/* Frees every slab (slab blocks need not be given back first); blocks of
 * classes >= SIZEPOOL_SLAB_CLASSES must have been given back. */
void sizepool_destroy(struct sizepool *p);
/* A block of unit << cls bytes, uninitialised; NULL when memory runs out. */
void *sizepool_alloc(struct sizepool *p, unsigned cls);
/* Gives back a block from sizepool_alloc(p, cls) (NULL is ignored). */
void sizepool_free(struct sizepool *p, unsigned cls, void *block);

#endif
