/* What the fault models may do to the media, and nothing more: pick a
 * written sector, tell whether a sector holds data, flip one of its bits,
 * count the written sectors. sim/ owns the media and wires this table
 * (sim/media_if.c); faults/ never sees struct media, so a model cannot
 * depend on how the media stores its sectors (issue 11, "Shape"). */
#ifndef CSUMSIM_FAULTS_MEDIA_IF_H
#define CSUMSIM_FAULTS_MEDIA_IF_H

#include <stddef.h>
#include <stdint.h>

struct fault_media_ops {
	/* A written sector chosen from the random number r, uniformly over the
	 * written sectors. 0, or -1 when nothing was written. */
	int (*pick)(const void *m, uint64_t r, unsigned *dev, uint64_t *sector);
	/* Nonzero when the sector was ever written. */
	int (*written)(const void *m, unsigned dev, uint64_t sector);
	/* Flip bit `bit` (0..4095) of a sector. 0, or -1 (ENOMEM, bad bit). */
	int (*flip)(void *m, unsigned dev, uint64_t sector, uint32_t bit);
	/* Sectors written so far. */
	size_t (*count)(const void *m);
};

struct fault_media {
	const struct fault_media_ops *ops; /* NULL: no media (no at-rest faults) */
	void *m;
};

static inline int fault_media_pick(const struct fault_media *fm, uint64_t r, unsigned *dev,
				   uint64_t *sector)
{
	return fm->ops->pick(fm->m, r, dev, sector);
}

static inline int fault_media_written(const struct fault_media *fm, unsigned dev, uint64_t sector)
{
	return fm->ops->written(fm->m, dev, sector);
}

static inline int fault_media_flip(const struct fault_media *fm, unsigned dev, uint64_t sector,
				   uint32_t bit)
{
	return fm->ops->flip(fm->m, dev, sector, bit);
}

static inline size_t fault_media_count(const struct fault_media *fm)
{
	return fm->ops != NULL ? fm->ops->count(fm->m) : 0;
}

#endif
