/* Direct-indexed per-key state: the hot-path replacement of u64map for keys
 * that are sector numbers. Keys live in chunks of CHUNKMAP_CHUNK consecutive
 * keys (a presence bitmap, then the values inline), allocated zeroed when
 * one of their keys is first put; a lookup is two array indexings, no hash,
 * no probing, and nothing ever moves (no growth copies). Memory grows with
 * the chunks touched: sparse keys cost a chunk each, dense ones val_size
 * plus one bit. Same contract as u64map (get NULL when absent, put creates
 * zero-filled), with iteration in ascending key order. */
#ifndef CSUMSIM_UTIL_CHUNKMAP_H
#define CSUMSIM_UTIL_CHUNKMAP_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/u64map.h"

/* 64 keys a chunk: small enough that scattered 4 KiB writes (8 sectors)
 * fill an eighth of their chunk, large enough that the presence bitmap is
 * one word and dense keys cost val_size + 1/8 byte each. */
#define CHUNKMAP_SHIFT 6u
#define CHUNKMAP_CHUNK (1u << CHUNKMAP_SHIFT) /* keys per chunk */
#define CHUNKMAP_MID_SHIFT 6u                  /* chunks per middle table */
#define CHUNKMAP_SPAN_SHIFT (CHUNKMAP_SHIFT + CHUNKMAP_MID_SHIFT) /* keys per middle */
/* Middle tables of keys below 2^32 (2 TiB of sectors) are indexed directly
 * (top: at most 2^20 entries, 8 MiB for a 2 TiB device written at its
 * end); farther ones through a small hash map. */
#define CHUNKMAP_NEAR_BITS 32u
/* put refuses keys of more bits (NULL, as for ENOMEM) */
#define CHUNKMAP_KEY_BITS 60u
#define CHUNKMAP_BITMAP_BYTES (CHUNKMAP_CHUNK / 8u)

struct chunkmap {
	/* a middle table holds 2^6 chunk pointers (512 bytes); a chunk is
	 * the presence bitmap (one word) then CHUNKMAP_CHUNK values */
	uint8_t ***top;   /* top[key >> SPAN_SHIFT], keys < 2^NEAR_BITS */
	size_t n_top;     /* entries of top */
	struct u64map far; /* key >> SPAN_SHIFT -> middle table, farther keys */
	size_t val_size;  /* a multiple of 8 once rounded (values stay aligned) */
	size_t len;       /* keys present */
	size_t n_chunks;
	size_t n_mids;
};

uint8_t **chunkmap_far_mid(const struct chunkmap *m, uint64_t key);

void chunkmap_init(struct chunkmap *m, size_t val_size);
void chunkmap_free(struct chunkmap *m);

/* The chunk holding key, or NULL when none of its keys was ever put. */
static inline uint8_t *chunkmap_chunk(const struct chunkmap *m, uint64_t key)
{
	uint64_t t = key >> CHUNKMAP_SPAN_SHIFT;
	uint8_t **mid;

	if (t < m->n_top)
		mid = m->top[t];
	else if (key >> CHUNKMAP_NEAR_BITS)
		mid = chunkmap_far_mid(m, key);
	else
		return NULL;
	return mid == NULL ? NULL : mid[(key >> CHUNKMAP_SHIFT) & ((1u << CHUNKMAP_MID_SHIFT) - 1)];
}

static inline int chunkmap_present(const uint8_t *chunk, uint64_t key)
{
	uint64_t bits;

	memcpy(&bits, chunk, sizeof(bits));
	return (int)((bits >> (key & (CHUNKMAP_CHUNK - 1))) & 1u);
}

static inline void *chunkmap_value(const struct chunkmap *m, uint8_t *chunk, uint64_t key)
{
	return chunk + CHUNKMAP_BITMAP_BYTES + (size_t)(key & (CHUNKMAP_CHUNK - 1)) * m->val_size;
}

/* Pointer to the value of key, or NULL when absent. Stays valid until
 * chunkmap_free (chunks never move). */
static inline void *chunkmap_get(const struct chunkmap *m, uint64_t key)
{
	uint8_t *c = chunkmap_chunk(m, key);

	if (c == NULL || !chunkmap_present(c, key))
		return NULL;
	return chunkmap_value(m, c, key);
}

/* A hint that keys [key, key + count) are about to be used: starts loading
 * the cache lines of their values (and presence word), so the misses of a
 * request's sectors overlap with the work before the lookups. The tables on
 * the way are small and usually cached; an untouched chunk has nothing. */
static inline void chunkmap_prefetch(const struct chunkmap *m, uint64_t key, uint32_t count)
{
#if defined(__GNUC__)
	uint8_t *c = NULL;
	uint64_t end = key + count;

	for (uint64_t k = key; k < end; k++) {
		if (c == NULL || (k & (CHUNKMAP_CHUNK - 1)) == 0) {
			c = chunkmap_chunk(m, k);
			if (c == NULL) {
				k |= CHUNKMAP_CHUNK - 1; /* on to the next chunk */
				continue;
			}
			__builtin_prefetch(c);
		}
		/* one hint per cache line of values */
		if (k == key || (((uintptr_t)chunkmap_value(m, c, k)) & 63u) < m->val_size)
			__builtin_prefetch(chunkmap_value(m, c, k));
	}
#else
	(void)m;
	(void)key;
	(void)count;
#endif
}

/* Pointer to the value of key, inserted zero-filled when absent (*created set
 * to 1 then, if created is not NULL). NULL when memory runs out or key has
 * more than CHUNKMAP_KEY_BITS bits; then nothing changed. */
void *chunkmap_put(struct chunkmap *m, uint64_t key, int *created);

/* Iteration in ascending key order: start at *pos = 0; 1 with key and value,
 * 0 at the end. */
int chunkmap_next(const struct chunkmap *m, uint64_t *pos, uint64_t *key, void **val);
/* All keys ascending in a new array of m->len entries (caller frees); NULL
 * when the map is empty or memory runs out. */
uint64_t *chunkmap_keys(const struct chunkmap *m);
/* dst = an independent copy of src. 0, or -1 on ENOMEM with dst empty. */
int chunkmap_clone(struct chunkmap *dst, const struct chunkmap *src);
/* Bytes allocated: tables and chunks. */
size_t chunkmap_bytes(const struct chunkmap *m);

#endif
