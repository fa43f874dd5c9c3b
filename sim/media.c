#include "sim/media.h"

#include <stdlib.h>
#include <string.h>

#include "sim/content.h"
#include "util/rng.h"
#include "util/u64map.h"

/* Key: device in the top 4 bits, sector below (sectors < 2^60). */
#define MEDIA_SECTOR_MASK ((UINT64_C(1) << 60) - 1)

struct media {
	uint64_t seed;
	media_init_fn init;
	const void *init_ctx;
	/* key -> 8-byte tag; CSUM_TAG_NONE means the bytes live in `blocks` */
	struct u64map tags;
	/* key -> pointer to a malloc'd 512-byte block, NULL once a tag
	 * overwrote it (u64map has no delete; the slot is reused) */
	struct u64map blocks;
	size_t n_blocks;
};

static uint64_t media_key(unsigned dev, uint64_t sector)
{
	return ((uint64_t)(dev & 0xfu) << 60) | (sector & MEDIA_SECTOR_MASK);
}

struct media *media_new(uint64_t content_seed, media_init_fn init, const void *init_ctx)
{
	struct media *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->seed = content_seed;
	m->init = init;
	m->init_ctx = init_ctx;
	u64map_init(&m->tags, sizeof(uint64_t));
	u64map_init(&m->blocks, sizeof(uint8_t *));
	return m;
}

/* Free the blocks held in slots [0, limit) of a blocks map. */
static void free_blocks(const struct u64map *blocks, size_t limit)
{
	uint64_t key;
	void *val;

	for (size_t i = 0; i < limit && i < blocks->cap; i++) {
		uint8_t *blk;

		if (!u64map_slot(blocks, i, &key, &val))
			continue;
		memcpy(&blk, val, sizeof(blk));
		free(blk);
	}
}

void media_free(struct media *m)
{
	if (m == NULL)
		return;
	free_blocks(&m->blocks, SIZE_MAX);
	u64map_free(&m->tags);
	u64map_free(&m->blocks);
	free(m);
}

int media_write(struct media *m, unsigned dev, uint64_t sector, uint64_t tag,
		const uint8_t *buf)
{
	uint64_t key = media_key(dev, sector);
	uint64_t *slot, old;
	uint8_t *blk = NULL;
	void *bv;

	if (tag == CSUM_TAG_NONE) {
		bv = u64map_put(&m->blocks, key, NULL);
		if (bv == NULL)
			return -1;
		memcpy(&blk, bv, sizeof(blk));
		if (blk == NULL) {
			blk = malloc(CSUM_SECTOR);
			if (blk == NULL)
				return -1;
			memcpy(bv, &blk, sizeof(blk));
			m->n_blocks++;
		}
		if (buf != NULL)
			memcpy(blk, buf, CSUM_SECTOR);
		else
			memset(blk, 0, CSUM_SECTOR);
		slot = u64map_put(&m->tags, key, NULL);
		if (slot == NULL)
			return -1; /* the old tag still rules; the block is spare */
		*slot = CSUM_TAG_NONE;
		return 0;
	}
	/* the tag first: if that fails nothing has changed */
	slot = u64map_put(&m->tags, key, NULL);
	if (slot == NULL)
		return -1;
	old = *slot;
	*slot = tag;
	/* a block lives only under a CSUM_TAG_NONE tag (a new key reads 0):
	 * most writes replace a tag and need not look in `blocks` at all */
	if (old != CSUM_TAG_NONE)
		return 0;
	bv = u64map_get(&m->blocks, key);
	if (bv != NULL) {
		memcpy(&blk, bv, sizeof(blk));
		if (blk != NULL) {
			free(blk);
			blk = NULL;
			memcpy(bv, &blk, sizeof(blk));
			m->n_blocks--;
		}
	}
	return 0;
}

void media_prefetch(const struct media *m, unsigned dev, uint64_t sector, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++)
		u64map_prefetch(&m->tags, media_key(dev, sector + i));
}

static int all_zero(const uint8_t *p)
{
	/* every read of an unwritten sector asks this: libc's vectorised
	 * memcmp instead of a byte loop the compiler cannot vectorise */
	static const uint8_t zero[CSUM_SECTOR];

	return memcmp(p, zero, CSUM_SECTOR) == 0;
}

uint64_t media_read(const struct media *m, unsigned dev, uint64_t sector, uint8_t *out)
{
	uint64_t key = media_key(dev, sector);
	const uint64_t *slot = u64map_get(&m->tags, key);
	uint8_t tmp[CSUM_SECTOR];
	uint8_t *dst = out != NULL ? out : tmp;

	if (slot != NULL) {
		if (*slot != CSUM_TAG_NONE) {
			if (out != NULL)
				content_fill(m->seed, *slot, out);
			return *slot;
		}
		if (out != NULL) {
			const void *bv = u64map_get(&m->blocks, key);
			const uint8_t *blk = NULL;

			if (bv != NULL)
				memcpy(&blk, bv, sizeof(blk));
			if (blk != NULL)
				memcpy(out, blk, CSUM_SECTOR);
			else
				memset(out, 0, CSUM_SECTOR);
		}
		return CSUM_TAG_NONE;
	}
	if (m->init == NULL) {
		if (out != NULL)
			memset(out, 0, CSUM_SECTOR);
		return 0;
	}
	m->init(m->init_ctx, dev, sector, dst);
	return all_zero(dst) ? 0 : CSUM_TAG_NONE;
}

int media_written(const struct media *m, unsigned dev, uint64_t sector)
{
	return u64map_get(&m->tags, media_key(dev, sector)) != NULL;
}

uint64_t media_content_seed(const struct media *m)
{
	return m->seed;
}

/* ---- snapshots -------------------------------------------------------- */

struct media_snapshot {
	uint64_t seed;
	struct u64map tags;
	struct u64map blocks; /* every block its own copy */
	size_t n_blocks;
};

/* Deep copy of a tags/blocks pair: same table layouts (so media_pick and
 * iteration behave as on the original), fresh copies of every block.
 * 0, or -1 on ENOMEM with nothing allocated. */
static int copy_store(struct u64map *tags, struct u64map *blocks, const struct u64map *stags,
		      const struct u64map *sblocks)
{
	uint64_t key;
	void *val;

	if (u64map_clone(tags, stags) != 0)
		return -1;
	if (u64map_clone(blocks, sblocks) != 0) {
		u64map_free(tags);
		return -1;
	}
	/* the clone still points at the source's blocks: replace each one */
	for (size_t i = 0; i < blocks->cap; i++) {
		uint8_t *src, *dst;

		if (!u64map_slot(blocks, i, &key, &val))
			continue;
		memcpy(&src, val, sizeof(src));
		if (src == NULL)
			continue;
		dst = malloc(CSUM_SECTOR);
		if (dst == NULL) {
			free_blocks(blocks, i); /* slots below i hold our copies */
			u64map_free(blocks);
			u64map_free(tags);
			return -1;
		}
		memcpy(dst, src, CSUM_SECTOR);
		memcpy(val, &dst, sizeof(dst));
	}
	return 0;
}

struct media_snapshot *media_snapshot(const struct media *m)
{
	struct media_snapshot *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	if (copy_store(&s->tags, &s->blocks, &m->tags, &m->blocks) != 0) {
		free(s);
		return NULL;
	}
	s->seed = m->seed;
	s->n_blocks = m->n_blocks;
	return s;
}

int media_restore(struct media *m, const struct media_snapshot *s)
{
	struct u64map tags, blocks;

	/* build the copy first, so that ENOMEM leaves m as it was */
	if (copy_store(&tags, &blocks, &s->tags, &s->blocks) != 0)
		return -1;
	free_blocks(&m->blocks, SIZE_MAX);
	u64map_free(&m->tags);
	u64map_free(&m->blocks);
	m->tags = tags;
	m->blocks = blocks;
	m->n_blocks = s->n_blocks;
	m->seed = s->seed;
	return 0;
}

void media_snapshot_free(struct media_snapshot *s)
{
	if (s == NULL)
		return;
	free_blocks(&s->blocks, SIZE_MAX);
	u64map_free(&s->tags);
	u64map_free(&s->blocks);
	free(s);
}

/* ---- faults at rest ----------------------------------------------------- */

int media_pick(const struct media *m, uint64_t r, unsigned *dev, uint64_t *sector)
{
	uint64_t cap = m->tags.cap, state = r, reject, key;
	void *val;

	if (m->tags.len == 0)
		return -1;
	/* x % cap is unbiased over x >= 2^64 mod cap */
	reject = (0 - cap) % cap;
	/* Rejection sampling: uniform slots from a splitmix64 stream seeded
	 * with r until one is occupied, i.e. a uniform key. Expected tries:
	 * cap / len <= 5/3 past the first table. The stream visits every 64-bit
	 * value, so the loop ends. */
	for (;;) {
		uint64_t x = cs_mix64(state);

		state += UINT64_C(0x9e3779b97f4a7c15);
		if (x < reject)
			continue;
		if (u64map_slot(&m->tags, (size_t)(x % cap), &key, &val))
			break;
	}
	*dev = (unsigned)(key >> 60);
	*sector = key & MEDIA_SECTOR_MASK;
	return 0;
}

int media_flip_bit(struct media *m, unsigned dev, uint64_t sector, uint32_t bit)
{
	uint8_t buf[CSUM_SECTOR];

	if (bit >= CSUM_SECTOR * 8)
		return -1;
	media_read(m, dev, sector, buf);
	buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	return media_write(m, dev, sector, CSUM_TAG_NONE, buf);
}

size_t media_sectors(const struct media *m)
{
	return m->tags.len;
}

size_t media_bytes(const struct media *m)
{
	return sizeof(*m) + u64map_bytes(&m->tags) + u64map_bytes(&m->blocks) +
	       m->n_blocks * CSUM_SECTOR;
}
