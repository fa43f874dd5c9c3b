#include "util/u64map.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/rng.h"

void u64map_init(struct u64map *m, size_t val_size)
{
	memset(m, 0, sizeof(*m));
	m->val_size = val_size;
	/* keep values 8-byte aligned */
	m->slot_size = 8 + ((val_size + 7) & ~(size_t)7);
}

void u64map_free(struct u64map *m)
{
	free(m->slots);
	free(m->used);
	m->slots = NULL;
	m->used = NULL;
	m->cap = m->len = 0;
}

/* Growth: at a load above 3/4 the table grows by 1/4, so the load stays
 * within [3/5, 3/4] once past the first table: 17-byte slots (8-byte values)
 * then cost 22.7-28.3 bytes per key. Doubling would let it fall to 3/8 (45
 * bytes per key). Rehashing stays O(1) amortised (each key moves about 5
 * times over its life, a geometric series of ratio 4/5). */
#define U64MAP_MIN_CAP 64

static size_t find(const struct u64map *m, uint64_t key)
{
	/* capacities are not powers of two: reduce the mixed hash by modulo */
	size_t i = (size_t)(cs_mix64(key) % m->cap);

	for (;;) {
		if (!m->used[i])
			return i;
		if (memcmp(m->slots + i * m->slot_size, &key, 8) == 0)
			return i;
		if (++i == m->cap)
			i = 0;
	}
}

void *u64map_get(const struct u64map *m, uint64_t key)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	i = find(m, key);
	return m->used[i] ? m->slots + i * m->slot_size + 8 : NULL;
}

void u64map_prefetch(const struct u64map *m, uint64_t key)
{
#if defined(__GNUC__)
	size_t i;

	if (m->cap == 0)
		return;
	i = (size_t)(cs_mix64(key) % m->cap);
	__builtin_prefetch(m->used + i);
	__builtin_prefetch(m->slots + i * m->slot_size);
#else
	(void)m;
	(void)key;
#endif
}

static int grow(struct u64map *m)
{
	size_t ncap = m->cap ? m->cap + m->cap / 4 : U64MAP_MIN_CAP;
	struct u64map n = *m;

	n.cap = ncap;
	n.len = 0;
	n.slots = calloc(ncap, m->slot_size);
	n.used = calloc(ncap, 1);
	if (n.slots == NULL || n.used == NULL) {
		free(n.slots);
		free(n.used);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++) {
		uint64_t k;
		size_t j;

		if (!m->used[i])
			continue;
		memcpy(&k, m->slots + i * m->slot_size, 8);
		j = find(&n, k);
		memcpy(n.slots + j * n.slot_size, m->slots + i * m->slot_size, m->slot_size);
		n.used[j] = 1;
		n.len++;
	}
	free(m->slots);
	free(m->used);
	*m = n;
	return 0;
}

void *u64map_put(struct u64map *m, uint64_t key, int *created)
{
	size_t i;

	if (created != NULL)
		*created = 0;
	/* an existing key never grows the table, so overwriting cannot fail */
	i = m->cap != 0 ? find(m, key) : 0;
	if (m->cap != 0 && m->used[i])
		return m->slots + i * m->slot_size + 8;
	/* load factor at most 3/4 (see U64MAP_MIN_CAP) */
	if (m->cap == 0 || (m->len + 1) * 4 > m->cap * 3) {
		if (grow(m) != 0)
			return NULL;
		i = find(m, key);
	}
	m->used[i] = 1;
	memcpy(m->slots + i * m->slot_size, &key, 8);
	memset(m->slots + i * m->slot_size + 8, 0, m->slot_size - 8);
	m->len++;
	if (created != NULL)
		*created = 1;
	return m->slots + i * m->slot_size + 8;
}

int u64map_del(struct u64map *m, uint64_t key)
{
	size_t i, j;

	if (m->cap == 0)
		return 0;
	i = find(m, key);
	if (!m->used[i])
		return 0;
	/* the hole at i: each later key of the probe run moves into it unless
	 * its home slot lies cyclically in (i, j] (it would be found no more) */
	for (j = i;;) {
		uint64_t k;
		size_t h;

		if (++j == m->cap)
			j = 0;
		if (!m->used[j])
			break;
		memcpy(&k, m->slots + j * m->slot_size, 8);
		h = (size_t)(cs_mix64(k) % m->cap);
		if (i <= j ? (h > i && h <= j) : (h > i || h <= j))
			continue;
		memcpy(m->slots + i * m->slot_size, m->slots + j * m->slot_size, m->slot_size);
		i = j;
	}
	m->used[i] = 0;
	assert(m->len > 0);
	m->len--;
	return 1;
}

int u64map_next(const struct u64map *m, size_t *pos, uint64_t *key, void **val)
{
	while (*pos < m->cap) {
		size_t i = (*pos)++;

		if (m->used[i]) {
			memcpy(key, m->slots + i * m->slot_size, 8);
			*val = m->slots + i * m->slot_size + 8;
			return 1;
		}
	}
	return 0;
}

/* LSD radix sort, one byte per pass, skipping the bytes every key shares
 * (sector numbers leave the high ones all zero). The crash recovery sorts
 * every written sector once per crash state; qsort with a comparison call
 * per step was a seventh of that time. Keys are distinct, so the result is
 * the one order there is. 0, or -1 on ENOMEM. */
/* Few keys by insertion: a radix sort's eight passes over 256 counts cost
 * more than a handful of keys do (a read usually judges one or two faults). */
#define SORT_FEW 32

static int radix_sort_u64(uint64_t *keys, size_t n)
{
	uint64_t *tmp, *src = keys, *dst;
	size_t count[256];

	if (n < 2)
		return 0;
	if (n <= SORT_FEW) {
		for (size_t j = 1; j < n; j++) {
			uint64_t k = keys[j];
			size_t i = j;

			for (; i > 0 && keys[i - 1] > k; i--)
				keys[i] = keys[i - 1];
			keys[i] = k;
		}
		return 0;
	}
	tmp = malloc(n * sizeof(*tmp));
	if (tmp == NULL)
		return -1;
	dst = tmp;
	for (unsigned shift = 0; shift < 64; shift += 8) {
		size_t sum = 0;
		bool one_bucket = false;

		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < n; i++)
			count[(src[i] >> shift) & 0xff]++;
		for (unsigned b = 0; b < 256; b++) {
			size_t c = count[b];

			if (c == n)
				one_bucket = true;
			count[b] = sum;
			sum += c;
		}
		if (one_bucket)
			continue; /* this byte is the same in every key */
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xff]++] = src[i];
		{
			uint64_t *t = src;

			src = dst;
			dst = t;
		}
	}
	if (src != keys)
		memcpy(keys, src, n * sizeof(*keys));
	free(tmp);
	return 0;
}

uint64_t *u64map_sorted_keys(const struct u64map *m)
{
	uint64_t *keys;
	size_t pos = 0, n = 0;
	uint64_t k;
	void *v;

	if (m->len == 0)
		return NULL;
	keys = malloc(m->len * sizeof(*keys));
	if (keys == NULL)
		return NULL;
	while (u64map_next(m, &pos, &k, &v))
		keys[n++] = k;
	if (radix_sort_u64(keys, n) != 0) {
		free(keys);
		return NULL;
	}
	return keys;
}

int u64map_slot(const struct u64map *m, size_t i, uint64_t *key, void **val)
{
	if (i >= m->cap || !m->used[i])
		return 0;
	memcpy(key, m->slots + i * m->slot_size, 8);
	*val = m->slots + i * m->slot_size + 8;
	return 1;
}

int u64map_clone(struct u64map *dst, const struct u64map *src)
{
	*dst = *src;
	dst->slots = NULL;
	dst->used = NULL;
	if (src->cap == 0)
		return 0;
	dst->slots = malloc(src->cap * src->slot_size);
	dst->used = malloc(src->cap);
	if (dst->slots == NULL || dst->used == NULL) {
		u64map_free(dst);
		return -1;
	}
	memcpy(dst->slots, src->slots, src->cap * src->slot_size);
	memcpy(dst->used, src->used, src->cap);
	return 0;
}

size_t u64map_bytes(const struct u64map *m)
{
	return m->cap * (m->slot_size + 1);
}

size_t u64map_cap_for(size_t len)
{
	size_t cap = len > 0 ? U64MAP_MIN_CAP : 0;

	/* each put of a new key grows the table once when the load would pass
	 * 3/4 (u64map_put), by 1/4 */
	while (len > 0 && len * 4 > cap * 3)
		cap += cap / 4;
	return cap;
}
