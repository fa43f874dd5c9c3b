/* Direct-indexed per-key state, packed: keys live in chunks of 64
 * consecutive keys reached through a top table and middle tables (no hash,
 * no probing, no growth copies), and a chunk stores only the values of its
 * keys present, in key order, found by the rank of the key's bit in the
 * chunk's presence word. Memory follows the keys put, not the chunks
 * touched: val_size bytes a key (plus at most 3 spare slots a chunk) and
 * 16 bytes a chunk touched, where values inline in every chunk (the
 * chunkmap this replaced) cost 64 values a chunk touched. The price: a put that creates a
 * key moves the chunk's later values (at most 63) and sometimes reallocates
 * the chunk, so a value pointer stays valid only until the next put.
 * Besides, every middle table counts its keys, so the k-th key in ascending
 * order is found without visiting the chunks before it (rankmap_select). */
#ifndef CSUMSIM_UTIL_RANKMAP_H
#define CSUMSIM_UTIL_RANKMAP_H

#include <stddef.h>
#include <stdint.h>

#include "util/u64map.h"

#define RANKMAP_SHIFT 6u                       /* 64 keys a chunk */
#define RANKMAP_MID_SHIFT 6u                   /* 64 chunks a middle table */
#define RANKMAP_SPAN_SHIFT (RANKMAP_SHIFT + RANKMAP_MID_SHIFT) /* keys a middle table */
#define RANKMAP_NEAR_BITS 32u /* middle tables of keys below: direct; above: hashed */
#define RANKMAP_KEY_BITS 60u  /* put refuses keys of more bits */
#define RANKMAP_STEP 4u       /* a chunk's value slots come in steps of 4 */

struct rankmap_chunk {
	uint64_t bits; /* keys present */
	uint8_t *vals; /* their values in key order; rankmap_slots(popcount) slots */
};

struct rankmap_mid {
	uint64_t count; /* keys present in its chunks */
	struct rankmap_chunk c[UINT64_C(1) << RANKMAP_MID_SHIFT];
};

struct rankmap {
	struct rankmap_mid **top; /* top[key >> SPAN_SHIFT], keys < 2^NEAR_BITS */
	size_t n_top;
	struct u64map far;        /* key >> SPAN_SHIFT -> middle table, farther keys */
	size_t val_size;          /* a multiple of 4 */
	size_t len;               /* keys present */
	size_t n_mids;
	size_t val_bytes;         /* value slots allocated, in bytes (a running count) */
};

/* Value slots a chunk of n keys holds. */
static inline unsigned rankmap_slots(unsigned n)
{
	return (n + RANKMAP_STEP - 1) & ~(RANKMAP_STEP - 1);
}

static inline unsigned rankmap_popcount(uint64_t x)
{
#if defined(__POPCNT__)
	return (unsigned)__builtin_popcountll(x);
#else
	/* without -mpopcnt the builtin is a library call: the bit trick inline */
	x = x - ((x >> 1) & UINT64_C(0x5555555555555555));
	x = (x & UINT64_C(0x3333333333333333)) + ((x >> 2) & UINT64_C(0x3333333333333333));
	x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	return (unsigned)((x * UINT64_C(0x0101010101010101)) >> 56);
#endif
}

struct rankmap_mid *rankmap_far_mid(const struct rankmap *m, uint64_t key);

/* val_size: a multiple of 4 (values are 4-byte aligned; 8-byte aligned too
 * when val_size is a multiple of 8). */
void rankmap_init(struct rankmap *m, size_t val_size);
void rankmap_free(struct rankmap *m);

/* The chunk of key, or NULL when its middle table does not exist. */
static inline struct rankmap_chunk *rankmap_chunk(const struct rankmap *m, uint64_t key)
{
	uint64_t t = key >> RANKMAP_SPAN_SHIFT;
	struct rankmap_mid *mid;

	if (t < m->n_top)
		mid = m->top[t];
	else if (key >> RANKMAP_NEAR_BITS)
		mid = rankmap_far_mid(m, key);
	else
		return NULL;
	return mid == NULL ? NULL : &mid->c[(key >> RANKMAP_SHIFT) & ((1u << RANKMAP_MID_SHIFT) - 1)];
}

/* Pointer to the value of key, or NULL when absent; valid until the next
 * put or free. */
static inline void *rankmap_get(const struct rankmap *m, uint64_t key)
{
	const struct rankmap_chunk *c = rankmap_chunk(m, key);
	unsigned i = (unsigned)(key & ((1u << RANKMAP_SHIFT) - 1));

	if (c == NULL || !((c->bits >> i) & 1u))
		return NULL;
	return c->vals + (size_t)rankmap_popcount(c->bits & ((UINT64_C(1) << i) - 1)) * m->val_size;
}

/* A hint that keys [key, key + count) are about to be used: starts loading
 * their chunks' entries and values. */
static inline void rankmap_prefetch(const struct rankmap *m, uint64_t key, uint32_t count)
{
#if defined(__GNUC__)
	uint64_t end = key + count;

	for (uint64_t k = key; k < end; k = (k | ((1u << RANKMAP_SHIFT) - 1)) + 1) {
		const struct rankmap_chunk *c = rankmap_chunk(m, k);

		if (c != NULL && c->vals != NULL)
			__builtin_prefetch(c->vals +
					   (size_t)rankmap_popcount(c->bits & ((UINT64_C(1) << (k & 63u)) - 1)) *
						   m->val_size);
	}
#else
	(void)m;
	(void)key;
	(void)count;
#endif
}

/* A hint a step before rankmap_prefetch: starts loading the chunk entries
 * (presence word and value pointer) of keys [key, key + count) without
 * reading them, so that a rankmap_prefetch issued later does not stall on
 * them. Reads only the top table; keys past 2^NEAR_BITS are skipped. */
static inline void rankmap_prefetch_entry(const struct rankmap *m, uint64_t key, uint32_t count)
{
#if defined(__GNUC__)
	uint64_t end = key + count;

	for (uint64_t k = key; k < end; k = (k | ((1u << RANKMAP_SHIFT) - 1)) + 1) {
		uint64_t t = k >> RANKMAP_SPAN_SHIFT;

		if (t < m->n_top && m->top[t] != NULL)
			__builtin_prefetch(&m->top[t]->c[(k >> RANKMAP_SHIFT) &
							  ((1u << RANKMAP_MID_SHIFT) - 1)]);
	}
#else
	(void)m;
	(void)key;
	(void)count;
#endif
}

/* Pointer to the value of key, inserted zero-filled when absent (*created
 * set to 1 then, if created is not NULL). NULL when memory runs out or key
 * has more than RANKMAP_KEY_BITS bits; then nothing changed. Other value
 * pointers of m are invalid afterwards. */
void *rankmap_put(struct rankmap *m, uint64_t key, int *created);

/* Keys [key, key + count) all present afterwards, those absent inserted
 * zero-filled, with one reallocation and one move of the chunk's values:
 * the span lies in one chunk (1 <= count, key % 64 + count <= 64), so its
 * values follow each other from the returned pointer (the value of key).
 * *added (if not NULL) = the keys created. The map ends as after count
 * rankmap_put calls (same keys, values, slots and bytes). NULL when memory
 * runs out or key has more than RANKMAP_KEY_BITS bits; then nothing
 * changed. Other value pointers of m are invalid afterwards. */
void *rankmap_put_span(struct rankmap *m, uint64_t key, uint32_t count, unsigned *added);

/* Removes key, as if it had never been put (its chunk gives back the slots
 * it no longer needs; middle tables stay). 1 if it was present, else 0.
 * Other value pointers of m are invalid afterwards. */
int rankmap_del(struct rankmap *m, uint64_t key);

/* Iteration in ascending key order: start at *pos = 0; 1 with key and value,
 * 0 at the end. No put during an iteration. */
int rankmap_next(const struct rankmap *m, uint64_t *pos, uint64_t *key, void **val);
/* The k-th key (from 0) in ascending order, k < m->len. 0, or -1 when k is
 * out of range. */
int rankmap_select(const struct rankmap *m, uint64_t k, uint64_t *key);
/* All keys ascending in a new array of m->len entries (caller frees); NULL
 * when the map is empty or memory runs out. */
uint64_t *rankmap_keys(const struct rankmap *m);
/* dst = an independent copy of src (the same slots, so the same bytes).
 * 0, or -1 on ENOMEM with dst empty. */
int rankmap_clone(struct rankmap *dst, const struct rankmap *src);
/* Bytes allocated: tables, chunk entries and value slots. */
size_t rankmap_bytes(const struct rankmap *m);
/* h folded with what decides rankmap_bytes now and as keys come later
 * (tables, far map's size and load, keys, value bytes): two maps with the
 * same keys and the same shape report the same bytes from then on. */
uint64_t rankmap_shape(const struct rankmap *m, uint64_t h);

#endif
