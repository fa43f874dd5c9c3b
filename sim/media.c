#include "sim/media.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sim/content.h"
#include "util/fnv.h"
#include "util/grow.h"
#include "util/keylog.h"
#include "util/rankmap.h"
#include "util/rng.h"
#include "util/secpack.h"
#include "util/u64map.h"

/* Key: device in the top 4 bits, sector below (sectors < 2^60). */
#define MEDIA_SECTOR_MASK ((UINT64_C(1) << 60) - 1)
#define MEDIA_DEVS 16u

/* Each device's sectors are direct-indexed and packed (util/rankmap): the
 * 8-byte tag of every written sector, CSUM_TAG_NONE when its bytes live in
 * `blocks`, packed by their zero bytes (util/secpack). media_pick draws
 * the k-th written sector in (device, sector) order: its choice depends on
 * the sector numbers written, not on how the media stores them. */
struct media_store {
	struct rankmap tags[MEDIA_DEVS];
	/* key -> pointer to a malloc'd packed sector (secpack form, in
	 * block_alloc bytes), NULL once a tag overwrote it (u64map has no
	 * delete; the slot is reused) */
	struct u64map blocks;
	size_t n_blocks;
	size_t block_bytes; /* block_alloc of every block, a running count */
};

/* see media_undo_begin (media.h) */
struct media_undo {
	bool on;
	struct undo_rec *rec;
	uint64_t n, cap;
	uint8_t *bytes;         /* 512 per overwritten explicit-bytes sector */
	uint64_t n_bytes, cap_bytes;
	size_t n_sectors;       /* sectors written at begin */
	struct u64map noted;    /* keys noted since (only the first write saves) */
};

struct media {
	uint64_t seed;
	media_init_fn init;
	const void *init_ctx;
	struct media_store st;
	/* media_log: every key written since the last clear, while on (not
	 * counted in media_bytes: a crash pass's bookkeeping, not the media) */
	struct {
		bool on;
		struct keylog k;
	} log;
	/* media_undo: what each write overwrote, while on (see media.h) */
	struct media_undo undo;
};

static uint64_t media_key(unsigned dev, uint64_t sector)
{
	return ((uint64_t)(dev & 0xfu) << 60) | (sector & MEDIA_SECTOR_MASK);
}

/* Bytes a block of a packed sector of `size` bytes takes (rounded up, so
 * that a rewrite of a slightly different size keeps its block). */
static size_t block_alloc(size_t size)
{
	return (size + 15) & ~(size_t)15;
}

static void store_init(struct media_store *st)
{
	memset(st, 0, sizeof(*st));
	for (unsigned d = 0; d < MEDIA_DEVS; d++)
		rankmap_init(&st->tags[d], sizeof(uint64_t));
	u64map_init(&st->blocks, sizeof(uint8_t *));
}

struct media *media_new(uint64_t content_seed, media_init_fn init, const void *init_ctx)
{
	struct media *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->seed = content_seed;
	m->init = init;
	m->init_ctx = init_ctx;
	store_init(&m->st);
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

static void store_free(struct media_store *st)
{
	free_blocks(&st->blocks, SIZE_MAX);
	u64map_free(&st->blocks);
	for (unsigned d = 0; d < MEDIA_DEVS; d++)
		rankmap_free(&st->tags[d]);
}

void media_free(struct media *m)
{
	if (m == NULL)
		return;
	store_free(&m->st);
	keylog_free(&m->log.k);
	free(m->undo.rec);
	free(m->undo.bytes);
	if (m->undo.on)
		u64map_free(&m->undo.noted);
	free(m);
}

/* The tag slot of (dev, sector), created when absent. NULL on ENOMEM (then
 * nothing changed). Valid until the next tag_put. */
static uint64_t *tag_put(struct media_store *st, unsigned dev, uint64_t sector)
{
	struct rankmap *t = &st->tags[dev & 0xfu];
	uint64_t key = media_key(dev, sector), *slot = rankmap_get(t, key & MEDIA_SECTOR_MASK);
	int created = 0;

	if (slot != NULL)
		return slot;
	slot = rankmap_put(t, key & MEDIA_SECTOR_MASK, &created);
	assert(slot == NULL || created);
	return slot;
}

static uint64_t *tag_get(const struct media_store *st, unsigned dev, uint64_t sector)
{
	return rankmap_get(&st->tags[dev & 0xfu], sector & MEDIA_SECTOR_MASK);
}

void media_log_on(struct media *m, bool on)
{
	m->log.on = on;
}

bool media_log(const struct media *m, const uint64_t **keys, size_t *n)
{
	*keys = m->log.k.keys;
	*n = (size_t)m->log.k.n;
	return m->log.on && !m->log.k.failed;
}

void media_log_clear(struct media *m)
{
	keylog_clear(&m->log.k);
}

static int undo_note(struct media *m, unsigned dev, uint64_t sector);

/* Frees the packed bytes of key, if any: a tag now rules it. */
static void drop_block(struct media_store *st, uint64_t key)
{
	void *bv = u64map_get(&st->blocks, key);
	uint8_t *blk = NULL;

	if (bv == NULL)
		return;
	memcpy(&blk, bv, sizeof(blk));
	if (blk == NULL)
		return;
	assert(st->n_blocks > 0 && st->block_bytes >= block_alloc(secpack_size(blk)));
	st->block_bytes -= block_alloc(secpack_size(blk));
	free(blk);
	blk = NULL;
	memcpy(bv, &blk, sizeof(blk));
	st->n_blocks--;
}

int media_write(struct media *m, unsigned dev, uint64_t sector, uint64_t tag,
		const uint8_t *buf)
{
	struct media_store *st = &m->st;
	uint64_t key = media_key(dev, sector);
	uint64_t *slot, old;
	uint8_t *blk = NULL;
	void *bv;

	if (m->log.on)
		keylog_add(&m->log.k, key);
	if (m->undo.on && undo_note(m, dev, sector) != 0)
		return -1;

	if (tag == CSUM_TAG_NONE) {
		uint8_t packed[SECPACK_MAX], zero[CSUM_SECTOR];
		size_t size, had = 0;

		if (buf == NULL) {
			memset(zero, 0, sizeof(zero));
			buf = zero;
		}
		size = secpack_pack(buf, packed);
		bv = u64map_put(&st->blocks, key, NULL);
		if (bv == NULL)
			return -1;
		memcpy(&blk, bv, sizeof(blk));
		if (blk != NULL)
			had = block_alloc(secpack_size(blk));
		if (had != block_alloc(size)) {
			uint8_t *n = realloc(blk, block_alloc(size));

			if (n == NULL)
				return -1; /* the old block and its content stay */
			blk = n;
			memcpy(bv, &blk, sizeof(blk));
			st->n_blocks += had == 0;
			st->block_bytes += block_alloc(size) - had;
		}
		memcpy(blk, packed, size);
		slot = tag_put(st, dev, sector);
		if (slot == NULL)
			return -1; /* the old tag still rules; the block is spare */
		*slot = CSUM_TAG_NONE;
		return 0;
	}
	/* the tag first: if that fails nothing has changed */
	slot = tag_put(st, dev, sector);
	if (slot == NULL)
		return -1;
	old = *slot;
	*slot = tag;
	/* a block lives only under a CSUM_TAG_NONE tag (a new key reads 0):
	 * most writes replace a tag and need not look in `blocks` at all */
	if (old == CSUM_TAG_NONE)
		drop_block(st, key);
	return 0;
}

int media_write_tags(struct media *m, unsigned dev, uint64_t sector, uint32_t count,
		     const uint64_t *tags)
{
	struct rankmap *t = &m->st.tags[dev & 0xfu];

	if (m->log.on || m->undo.on) {
		/* each write logs or saves what it overwrites, in order */
		for (uint32_t i = 0; i < count; i++)
			if (media_write(m, dev, sector + i, tags[i], NULL) != 0)
				return -1;
		return 0;
	}
	while (count > 0) {
		uint64_t k = sector & MEDIA_SECTOR_MASK;
		uint32_t n = (1u << RANKMAP_SHIFT) - (uint32_t)(k & ((1u << RANKMAP_SHIFT) - 1));
		uint64_t *slot;

		assert(k == sector); /* sectors < 2^60, as media_key keeps */
		n = n < count ? n : count;
		/* the span's tag slots in one step, then as media_write */
		slot = rankmap_put_span(t, k, n, NULL);
		if (slot == NULL)
			return -1;
		for (uint32_t i = 0; i < n; i++) {
			uint64_t old = slot[i];

			assert(tags[i] != CSUM_TAG_NONE);
			slot[i] = tags[i];
			if (old == CSUM_TAG_NONE)
				drop_block(&m->st, media_key(dev, sector + i));
		}
		sector += n;
		tags += n;
		count -= n;
	}
	return 0;
}

void media_forget(struct media *m, unsigned dev, uint64_t sector)
{
	struct media_store *st = &m->st;
	const uint64_t *slot = tag_get(st, dev, sector);

	if (slot == NULL)
		return;
	if (*slot == CSUM_TAG_NONE)
		drop_block(st, media_key(dev, sector));
	rankmap_del(&st->tags[dev & 0xfu], sector & MEDIA_SECTOR_MASK);
}

void media_prefetch(const struct media *m, unsigned dev, uint64_t sector, uint32_t count)
{
	rankmap_prefetch(&m->st.tags[dev & 0xfu], sector & MEDIA_SECTOR_MASK, count);
}

/* (replay) the step before media_prefetch, a few requests earlier */
void media_prefetch_entry(const struct media *m, unsigned dev, uint64_t sector, uint32_t count)
{
	rankmap_prefetch_entry(&m->st.tags[dev & 0xfu], sector & MEDIA_SECTOR_MASK, count);
}

void media_prefetch_bytes(const struct media *m, unsigned dev, uint64_t sector, bool entry)
{
	uint64_t key = media_key(dev, sector);
	const void *bv;
	const uint8_t *blk = NULL;

	if (entry) {
		u64map_prefetch(&m->st.blocks, key);
		return;
	}
	bv = u64map_get(&m->st.blocks, key);
	if (bv != NULL)
		memcpy(&blk, bv, sizeof(blk));
#if defined(__GNUC__)
	if (blk != NULL) {
		/* a packed imd sector averages 65 bytes: two lines */
		__builtin_prefetch(blk);
		__builtin_prefetch(blk + 64);
	}
#endif
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
	const uint64_t *slot = tag_get(&m->st, dev, sector);
	uint8_t tmp[CSUM_SECTOR];
	uint8_t *dst = out != NULL ? out : tmp;

	if (slot != NULL) {
		if (*slot != CSUM_TAG_NONE) {
			if (out != NULL)
				content_fill(m->seed, *slot, out);
			return *slot;
		}
		if (out != NULL) {
			const void *bv = u64map_get(&m->st.blocks, media_key(dev, sector));
			const uint8_t *blk = NULL;

			if (bv != NULL)
				memcpy(&blk, bv, sizeof(blk));
			if (blk != NULL)
				secpack_unpack(blk, out);
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
	return tag_get(&m->st, dev, sector) != NULL;
}

uint64_t media_content_seed(const struct media *m)
{
	return m->seed;
}

/* ---- snapshots -------------------------------------------------------- */

struct media_snapshot {
	uint64_t seed;
	struct media_store st; /* every block its own copy */
};

/* Deep copy of a store: the chunks, the blocks map in the
 * same layout with fresh copies of every block. 0, or -1 on ENOMEM with
 * nothing allocated. */
static int copy_store(struct media_store *dst, const struct media_store *src)
{
	uint64_t key;
	void *val;

	store_init(dst);
	for (unsigned d = 0; d < MEDIA_DEVS; d++)
		if (rankmap_clone(&dst->tags[d], &src->tags[d]) != 0)
			goto fail;
	if (u64map_clone(&dst->blocks, &src->blocks) != 0) {
		u64map_init(&dst->blocks, sizeof(uint8_t *));
		goto fail;
	}
	/* the clone still points at the source's blocks: replace each one */
	for (size_t i = 0; i < dst->blocks.cap; i++) {
		uint8_t *from, *to;

		if (!u64map_slot(&dst->blocks, i, &key, &val))
			continue;
		memcpy(&from, val, sizeof(from));
		if (from == NULL)
			continue;
		to = malloc(block_alloc(secpack_size(from)));
		if (to == NULL) {
			free_blocks(&dst->blocks, i); /* slots below i hold our copies */
			u64map_free(&dst->blocks);
			goto fail;
		}
		memcpy(to, from, secpack_size(from));
		memcpy(val, &to, sizeof(to));
	}
	dst->n_blocks = src->n_blocks;
	dst->block_bytes = src->block_bytes;
	return 0;
fail:
	/* blocks is empty or freed here: store_free frees no source block */
	store_free(dst);
	return -1;
}

struct media_snapshot *media_snapshot(const struct media *m)
{
	struct media_snapshot *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	if (copy_store(&s->st, &m->st) != 0) {
		free(s);
		return NULL;
	}
	s->seed = m->seed;
	return s;
}

int media_restore(struct media *m, const struct media_snapshot *s)
{
	struct media_store st;

	/* build the copy first, so that ENOMEM leaves m as it was */
	if (copy_store(&st, &s->st) != 0)
		return -1;
	store_free(&m->st);
	m->st = st;
	m->seed = s->seed;
	return 0;
}

void media_snapshot_free(struct media_snapshot *s)
{
	if (s == NULL)
		return;
	store_free(&s->st);
	free(s);
}

/* ---- faults at rest ----------------------------------------------------- */

int media_pick(const struct media *m, uint64_t r, unsigned *dev, uint64_t *sector)
{
	uint64_t n = media_sectors(m), state = r, reject, k;

	if (n == 0)
		return -1;
	/* x % n is unbiased over x >= 2^64 mod n: draw from a splitmix64
	 * stream seeded with r until one is (it visits every 64-bit value) */
	reject = (0 - n) % n;
	for (;;) {
		uint64_t x = cs_mix64(state);

		state += UINT64_C(0x9e3779b97f4a7c15);
		if (x >= reject) {
			k = x % n;
			break;
		}
	}
	/* the k-th written sector, devices in order */
	for (unsigned d = 0; d < MEDIA_DEVS; d++) {
		if (k >= m->st.tags[d].len) {
			k -= m->st.tags[d].len;
			continue;
		}
		*dev = d;
		return rankmap_select(&m->st.tags[d], k, sector);
	}
	assert(0 && "the devices' counts add up to media_sectors");
	return -1;
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
	size_t n = 0;

	for (unsigned d = 0; d < MEDIA_DEVS; d++)
		n += m->st.tags[d].len;
	return n;
}

size_t media_bytes(const struct media *m)
{
	size_t b = sizeof(*m) - sizeof(m->log) - sizeof(m->undo) + u64map_bytes(&m->st.blocks) +
		   m->st.block_bytes;

#ifndef NDEBUG
	{
		/* the running counts equal a walk over the blocks */
		size_t n = 0, bytes = 0;
		uint64_t key;
		void *val;

		for (size_t i = 0; i < m->st.blocks.cap; i++) {
			const uint8_t *blk;

			if (!u64map_slot(&m->st.blocks, i, &key, &val))
				continue;
			memcpy(&blk, val, sizeof(blk));
			if (blk == NULL)
				continue;
			n++;
			bytes += block_alloc(secpack_size(blk));
		}
		assert(n == m->st.n_blocks && bytes == m->st.block_bytes);
	}
#endif
	for (unsigned d = 0; d < MEDIA_DEVS; d++)
		b += rankmap_bytes(&m->st.tags[d]);
	return b;
}

/* ---- undo log (crash states explored in the replay's own process) ------ */

/* What one write overwrote: the sector absent, a tag, or (tag
 * CSUM_TAG_NONE) the 512 bytes at bytes[at * CSUM_SECTOR]. */
struct undo_rec {
	uint64_t key;
	uint64_t tag;
	uint64_t at;
	bool existed;
	bool block_key;   /* the key was in `blocks` (a block, or its empty slot) */
};

static int undo_note(struct media *m, unsigned dev, uint64_t sector)
{
	struct media_undo *u = &m->undo;
	struct undo_rec r = { .key = media_key(dev, sector),
			      .existed = media_written(m, dev, sector) != 0,
			      .block_key = u64map_get(&m->st.blocks, media_key(dev, sector)) != NULL };
	int created = 0;

	/* what the first write overwrote is what goes back */
	if (u64map_put(&u->noted, r.key, &created) == NULL)
		return -1;
	if (!created)
		return 0;
	if (grow_array((void **)&u->rec, &u->cap, u->n + 1, sizeof(*u->rec), 256) != 0)
		return -1;
	if (r.existed) {
		uint8_t b[CSUM_SECTOR];

		r.tag = media_read(m, dev, sector, NULL);
		if (r.tag == CSUM_TAG_NONE) {
			(void)media_read(m, dev, sector, b);
			if (grow_array((void **)&u->bytes, &u->cap_bytes, u->n_bytes + 1, CSUM_SECTOR,
				       16) != 0)
				return -1;
			r.at = u->n_bytes++;
			memcpy(&u->bytes[r.at * CSUM_SECTOR], b, CSUM_SECTOR);
		}
	}
	u->rec[u->n++] = r;
	return 0;
}

/* A key the session put in `blocks` (a sector given bytes where it had a
 * tag or nothing) out again, its block freed already by the rollback: the
 * map's load as before the session, so it grows when a replay that never
 * explored would (media_shape). */
static void undo_drop_block_key(struct media *m, uint64_t key)
{
	const void *bv = u64map_get(&m->st.blocks, key);
	const uint8_t *blk = NULL;

	if (bv == NULL)
		return;
	memcpy(&blk, bv, sizeof(blk));
	assert(blk == NULL); /* the sector holds a tag or nothing again */
	if (blk == NULL)
		(void)u64map_del(&m->st.blocks, key);
}

void media_undo_begin(struct media *m)
{
	assert(!m->undo.on && m->undo.n == 0); /* one undo at a time */
	m->undo.on = true;
	u64map_init(&m->undo.noted, 0);
	m->undo.n_sectors = media_sectors(m);
}

int media_undo_rollback(struct media *m)
{
	struct media_undo *u = &m->undo;
	bool log_on = m->log.on;
	int rc = 0;

	assert(u->on);
	/* the writes back, newest first, neither logged nor noted */
	m->log.on = false;
	u->on = false;
	for (uint64_t i = u->n; i-- > 0;) {
		const struct undo_rec *r = &u->rec[i];
		unsigned dev = (unsigned)(r->key >> 60);
		uint64_t sector = r->key & MEDIA_SECTOR_MASK;

		if (r->existed) {
			if (media_write(m, dev, sector, r->tag,
					r->tag == CSUM_TAG_NONE ? &u->bytes[r->at * CSUM_SECTOR]
								 : NULL) != 0)
				rc = -1;
		} else {
			/* created by the state: never written again */
			media_forget(m, dev, sector);
		}
		if (!r->block_key)
			undo_drop_block_key(m, r->key);
	}
	/* what the states created is unwritten again */
	assert(media_sectors(m) == u->n_sectors || rc != 0);
	u->n = 0;
	u->n_bytes = 0;
	if (u->noted.len > 0) {
		u64map_free(&u->noted);
		u64map_init(&u->noted, 0);
	}
	u->on = true;
	m->log.on = log_on;
	return rc;
}

void media_undo_end(struct media *m)
{
	assert(m->undo.on && m->undo.n == 0); /* rolled back first */
	m->undo.on = false;
	u64map_free(&m->undo.noted);
}

size_t media_undo_len(const struct media *m)
{
	return (size_t)m->undo.n;
}

uint64_t media_digest(const struct media *m)
{
	uint64_t h = CS_FNV_OFFSET ^ media_sectors(m);
	uint8_t buf[CSUM_SECTOR];

	for (unsigned d = 0; d < MEDIA_DEVS; d++) {
		uint64_t pos = 0, sector;
		void *val;

		while (rankmap_next(&m->st.tags[d], &pos, &sector, &val)) {
			uint64_t key = media_key(d, sector);
			uint64_t tag = media_read(m, d, sector, buf);

			h = cs_fnv_word(cs_fnv_word(h, key), tag);
			if (tag == CSUM_TAG_NONE)
				h = cs_fnv_bytes(h, buf, CSUM_SECTOR);
		}
	}
	return h;
}

/* ---- shape (memory accounting after a rollback) ------------------------ */

uint64_t media_shape(const struct media *m)
{
	const uint64_t f[] = { m->st.blocks.len, m->st.n_blocks, m->st.block_bytes };
	uint64_t h = cs_fnv_words(CS_FNV_OFFSET, f, sizeof(f) / sizeof(f[0]));

	for (unsigned d = 0; d < MEDIA_DEVS; d++)
		h = rankmap_shape(&m->st.tags[d], h);
	return h;
}

bool media_blocks_settled(const struct media *m)
{
	return m->st.blocks.cap == u64map_cap_for(m->st.blocks.len);
}
