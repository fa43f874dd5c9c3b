/* What the fault models may do to the media, and nothing more: pick a
 * written sector, tell whether a sector holds data, flip one of its bits,
 * count the written sectors; and for crash states, read a sector, persist
 * one (a write the cache kept) and make a tag's content (to shear a write
 * inside a sector). sim/ owns the media and wires this table
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
	/* The sector's 512 bytes now (its initial image if never written). */
	void (*read)(const void *m, unsigned dev, uint64_t sector, uint8_t *out);
	/* Persist one sector: generated content `tag`, or (tag CSUM_TAG_NONE)
	 * the 512 bytes of buf. 0, or -1 (ENOMEM). */
	int (*write)(void *m, unsigned dev, uint64_t sector, uint64_t tag, const uint8_t *buf);
	/* The 512 bytes of generated content `tag` on this media. */
	void (*content)(const void *m, uint64_t tag, uint8_t *out);
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

static inline void fault_media_read(const struct fault_media *fm, unsigned dev,
				    uint64_t sector, uint8_t *out)
{
	fm->ops->read(fm->m, dev, sector, out);
}

static inline int fault_media_write(const struct fault_media *fm, unsigned dev, uint64_t sector,
				    uint64_t tag, const uint8_t *buf)
{
	return fm->ops->write(fm->m, dev, sector, tag, buf);
}

static inline void fault_media_content(const struct fault_media *fm, uint64_t tag, uint8_t *out)
{
	fm->ops->content(fm->m, tag, out);
}

static inline size_t fault_media_count(const struct fault_media *fm)
{
	return fm->ops != NULL ? fm->ops->count(fm->m) : 0;
}

#endif
