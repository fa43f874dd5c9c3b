#include "util/sizepool.h"

#include <stdlib.h>
#include <string.h>

/* Each slab starts with a header that links it to the next; blocks follow,
 * 16-byte aligned like malloc's. */
#define SLAB_HEADER 16

void sizepool_init(struct sizepool *p, size_t unit)
{
	memset(p, 0, sizeof(*p));
	p->unit = unit;
}

void sizepool_destroy(struct sizepool *p)
{
	void *s = p->slabs;

	while (s != NULL) {
		void *next;

		memcpy(&next, s, sizeof(next));
		free(s);
		s = next;
	}
	memset(p->free_list, 0, sizeof(p->free_list));
	p->slabs = NULL;
	p->bump = NULL;
	p->bump_left = 0;
	p->slab_bytes = 0;
}

void *sizepool_alloc(struct sizepool *p, unsigned cls)
{
	size_t bytes;
	void *b;

	if (cls >= SIZEPOOL_SLAB_CLASSES)
		return cls < 48 ? malloc(p->unit << cls) : NULL;
	b = p->free_list[cls];
	if (b != NULL) {
		memcpy(&p->free_list[cls], b, sizeof(void *));
		return b;
	}
	bytes = p->unit << cls;
	if (p->bump_left < bytes) {
		/* the old tail is left unused: at most one block of the largest
		 * slab class per slab */
		uint8_t *s = malloc(SIZEPOOL_SLAB_BYTES);

		if (s == NULL)
			return NULL;
		memcpy(s, &p->slabs, sizeof(void *));
		p->slabs = s;
		p->bump = s + SLAB_HEADER;
		p->bump_left = SIZEPOOL_SLAB_BYTES - SLAB_HEADER;
		p->slab_bytes += SIZEPOOL_SLAB_BYTES;
	}
	b = p->bump;
	p->bump += bytes;
	p->bump_left -= bytes;
	return b;
}

void sizepool_free(struct sizepool *p, unsigned cls, void *block)
{
	if (block == NULL)
		return;
	if (cls >= SIZEPOOL_SLAB_CLASSES) {
		free(block);
		return;
	}
	memcpy(block, &p->free_list[cls], sizeof(void *));
	p->free_list[cls] = block;
}
