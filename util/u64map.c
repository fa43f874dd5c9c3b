#include "util/u64map.h"

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

static size_t find(const struct u64map *m, uint64_t key)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)cs_mix64(key) & mask;

	for (;;) {
		if (!m->used[i])
			return i;
		if (memcmp(m->slots + i * m->slot_size, &key, 8) == 0)
			return i;
		i = (i + 1) & mask;
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

static int grow(struct u64map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
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
	/* load factor at most 3/4 */
	if (m->cap == 0 || (m->len + 1) * 4 > m->cap * 3) {
		if (grow(m) != 0)
			return NULL;
	}
	i = find(m, key);
	if (!m->used[i]) {
		m->used[i] = 1;
		memcpy(m->slots + i * m->slot_size, &key, 8);
		memset(m->slots + i * m->slot_size + 8, 0, m->slot_size - 8);
		m->len++;
		if (created != NULL)
			*created = 1;
	}
	return m->slots + i * m->slot_size + 8;
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

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
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
	qsort(keys, n, sizeof(*keys), cmp_u64);
	return keys;
}

size_t u64map_bytes(const struct u64map *m)
{
	return m->cap * (m->slot_size + 1);
}
