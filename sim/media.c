#include "sim/media.h"

#include <stdlib.h>
#include <string.h>

#include "sim/content.h"
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

void media_free(struct media *m)
{
	size_t pos = 0;
	uint64_t key;
	void *val;

	if (m == NULL)
		return;
	while (u64map_next(&m->blocks, &pos, &key, &val)) {
		uint8_t *blk;

		memcpy(&blk, val, sizeof(blk));
		free(blk);
	}
	u64map_free(&m->tags);
	u64map_free(&m->blocks);
	free(m);
}

int media_write(struct media *m, unsigned dev, uint64_t sector, uint64_t tag,
		const uint8_t *buf)
{
	uint64_t key = media_key(dev, sector);
	uint64_t *slot;
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
	} else {
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
	}
	slot = u64map_put(&m->tags, key, NULL);
	if (slot == NULL)
		return -1;
	*slot = tag;
	return 0;
}

static int all_zero(const uint8_t *p)
{
	for (unsigned i = 0; i < CSUM_SECTOR; i++)
		if (p[i] != 0)
			return 0;
	return 1;
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

size_t media_sectors(const struct media *m)
{
	return m->tags.len;
}

size_t media_bytes(const struct media *m)
{
	return sizeof(*m) + u64map_bytes(&m->tags) + u64map_bytes(&m->blocks) +
	       m->n_blocks * CSUM_SECTOR;
}
