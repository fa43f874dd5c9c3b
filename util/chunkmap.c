#include "util/chunkmap.h"

#include <stdlib.h>
#include <string.h>

#define MID_ENTRIES ((size_t)1 << CHUNKMAP_MID_SHIFT)
#define MID_MASK (MID_ENTRIES - 1)

_Static_assert(CHUNKMAP_CHUNK == 64, "the presence bitmap is one 64-bit word");

void chunkmap_init(struct chunkmap *m, size_t val_size)
{
	memset(m, 0, sizeof(*m));
	m->val_size = (val_size + 7) & ~(size_t)7;
	assert(m->val_size > 0);
	u64map_init(&m->far, sizeof(uint8_t **));
}

uint8_t **chunkmap_far_mid(const struct chunkmap *m, uint64_t key)
{
	const void *v = u64map_get(&m->far, key >> CHUNKMAP_SPAN_SHIFT);
	uint8_t **mid = NULL;

	if (v != NULL)
		memcpy(&mid, v, sizeof(mid));
	return mid;
}

static void free_mid(uint8_t **mid)
{
	if (mid == NULL)
		return;
	for (size_t i = 0; i < MID_ENTRIES; i++)
		free(mid[i]);
	free(mid);
}

static size_t chunk_bytes(const struct chunkmap *m)
{
	return CHUNKMAP_BITMAP_BYTES + CHUNKMAP_CHUNK * m->val_size;
}

void chunkmap_free(struct chunkmap *m)
{
	size_t pos = 0;
	uint64_t k;
	void *v;

	for (size_t t = 0; t < m->n_top; t++)
		free_mid(m->top[t]);
	free(m->top);
	while (u64map_next(&m->far, &pos, &k, &v)) {
		uint8_t **mid;

		memcpy(&mid, v, sizeof(mid));
		free_mid(mid);
	}
	u64map_free(&m->far);
	chunkmap_init(m, m->val_size);
}

/* The middle table slot of key: in top (grown to reach it) or in far. NULL
 * on ENOMEM. */
static uint8_t ***mid_slot(struct chunkmap *m, uint64_t key)
{
	uint64_t t = key >> CHUNKMAP_SPAN_SHIFT;
	void *v;

	if (key >> CHUNKMAP_NEAR_BITS) {
		v = u64map_put(&m->far, t, NULL);
		return v; /* the value is the middle table pointer, NULL if new */
	}
	if (t >= m->n_top) {
		/* doubles: 8 bytes per 2^12 keys, at most 8 MiB */
		size_t n = m->n_top ? m->n_top : 1;
		uint8_t ***top;

		while (n <= t)
			n *= 2;
		top = realloc(m->top, n * sizeof(*top));
		if (top == NULL)
			return NULL;
		memset(top + m->n_top, 0, (n - m->n_top) * sizeof(*top));
		m->top = top;
		m->n_top = n;
	}
	return &m->top[t];
}

/* The chunk of key, allocated (zeroed) with its tables when missing. NULL on
 * ENOMEM; tables allocated before the failure stay (empty, harmless). */
static uint8_t *chunk_for(struct chunkmap *m, uint64_t key)
{
	size_t i = (size_t)(key >> CHUNKMAP_SHIFT) & MID_MASK;
	uint8_t ***slot, **mid, *c;

	if (key >> CHUNKMAP_KEY_BITS)
		return NULL;
	slot = mid_slot(m, key);
	if (slot == NULL)
		return NULL;
	memcpy(&mid, slot, sizeof(mid));
	if (mid == NULL) {
		mid = calloc(MID_ENTRIES, sizeof(*mid));
		if (mid == NULL)
			return NULL;
		memcpy(slot, &mid, sizeof(mid));
		m->n_mids++;
	}
	c = mid[i];
	if (c == NULL) {
		c = calloc(1, chunk_bytes(m));
		if (c == NULL)
			return NULL;
		mid[i] = c;
		m->n_chunks++;
	}
	return c;
}

void *chunkmap_put(struct chunkmap *m, uint64_t key, int *created)
{
	uint8_t *c = chunkmap_chunk(m, key);
	unsigned i = (unsigned)(key & (CHUNKMAP_CHUNK - 1));

	if (c == NULL) {
		c = chunk_for(m, key);
		if (c == NULL)
			return NULL;
	}
	if (created != NULL)
		*created = 0;
	if (!chunkmap_present(c, key)) {
		uint64_t bits;

		memcpy(&bits, c, sizeof(bits));
		bits |= UINT64_C(1) << i;
		memcpy(c, &bits, sizeof(bits));
		m->len++;
		if (created != NULL)
			*created = 1;
	}
	return chunkmap_value(m, c, key);
}

/* The first middle-table index >= t that has a table, or UINT64_MAX. */
static uint64_t next_mid(const struct chunkmap *m, uint64_t t)
{
	uint64_t best = UINT64_MAX, k;
	size_t pos = 0;
	void *v;

	for (; t < m->n_top; t++)
		if (m->top[t] != NULL)
			return t;
	/* far middle tables: few (keys past 2^32), so a scan will do */
	while (u64map_next(&m->far, &pos, &k, &v))
		if (k >= t && k < best)
			best = k;
	return best;
}

int chunkmap_next(const struct chunkmap *m, uint64_t *pos, uint64_t *key, void **val)
{
	uint64_t k = *pos;

	while (k >> CHUNKMAP_KEY_BITS == 0) {
		uint64_t t = next_mid(m, k >> CHUNKMAP_SPAN_SHIFT), bits;
		uint8_t *c;

		if (t == UINT64_MAX)
			break;
		if (t != k >> CHUNKMAP_SPAN_SHIFT)
			k = t << CHUNKMAP_SPAN_SHIFT;
		c = chunkmap_chunk(m, k);
		if (c != NULL) {
			memcpy(&bits, c, sizeof(bits));
			bits >>= k & (CHUNKMAP_CHUNK - 1);
			if (bits != 0) {
				k += (uint64_t)__builtin_ctzll(bits);
				*key = k;
				*val = chunkmap_value(m, c, k);
				*pos = k + 1;
				return 1;
			}
		}
		/* on to the next chunk */
		k = (k | (CHUNKMAP_CHUNK - 1)) + 1;
	}
	*pos = UINT64_C(1) << CHUNKMAP_KEY_BITS;
	return 0;
}

uint64_t *chunkmap_keys(const struct chunkmap *m)
{
	uint64_t *keys, pos = 0, key;
	size_t n = 0;
	void *val;

	if (m->len == 0)
		return NULL;
	keys = malloc(m->len * sizeof(*keys));
	if (keys == NULL)
		return NULL;
	while (chunkmap_next(m, &pos, &key, &val)) {
		/* the rest of this chunk's keys straight from its presence word */
		const uint8_t *c = chunkmap_chunk(m, key);
		uint64_t base = key & ~(uint64_t)(CHUNKMAP_CHUNK - 1), bits;

		memcpy(&bits, c, sizeof(bits));
		bits &= ~UINT64_C(0) << (key & (CHUNKMAP_CHUNK - 1));
		while (bits != 0) {
			keys[n++] = base + (uint64_t)__builtin_ctzll(bits);
			bits &= bits - 1;
		}
		pos = base + CHUNKMAP_CHUNK;
	}
	assert(n == m->len);
	return keys;
}

/* A copy of a middle table and its chunks, or NULL on ENOMEM. */
static uint8_t **clone_mid(struct chunkmap *dst, uint8_t *const *src)
{
	uint8_t **mid = calloc(MID_ENTRIES, sizeof(*mid));

	if (mid == NULL)
		return NULL;
	for (size_t i = 0; i < MID_ENTRIES; i++) {
		if (src[i] == NULL)
			continue;
		mid[i] = malloc(chunk_bytes(dst));
		if (mid[i] == NULL) {
			free_mid(mid);
			return NULL;
		}
		memcpy(mid[i], src[i], chunk_bytes(dst));
		dst->n_chunks++;
	}
	dst->n_mids++;
	return mid;
}

int chunkmap_clone(struct chunkmap *dst, const struct chunkmap *src)
{
	size_t pos = 0;
	uint64_t k;
	void *v;

	chunkmap_init(dst, src->val_size);
	if (src->n_top > 0) {
		dst->top = calloc(src->n_top, sizeof(*dst->top));
		if (dst->top == NULL)
			goto fail;
		dst->n_top = src->n_top;
	}
	for (size_t t = 0; t < src->n_top; t++)
		if (src->top[t] != NULL && (dst->top[t] = clone_mid(dst, src->top[t])) == NULL)
			goto fail;
	while (u64map_next(&src->far, &pos, &k, &v)) {
		uint8_t **smid, **mid;
		void *dv;

		memcpy(&smid, v, sizeof(smid));
		dv = u64map_put(&dst->far, k, NULL);
		if (dv == NULL)
			goto fail;
		mid = clone_mid(dst, smid);
		if (mid == NULL)
			goto fail;
		memcpy(dv, &mid, sizeof(mid));
	}
	dst->len = src->len;
	assert(dst->n_chunks == src->n_chunks && dst->n_mids == src->n_mids);
	return 0;
fail:
	chunkmap_free(dst);
	return -1;
}

size_t chunkmap_bytes(const struct chunkmap *m)
{
	return m->n_top * sizeof(*m->top) + u64map_bytes(&m->far) +
	       m->n_mids * MID_ENTRIES * sizeof(**m->top) + m->n_chunks * chunk_bytes(m);
}
