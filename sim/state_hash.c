#include "sim/state_hash.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

int state_keys_of(const struct crash_writes *cw, struct state_keys *k)
{
	uint64_t total = 0, n = 0;

	memset(k, 0, sizeof(*k));
	for (uint32_t i = 0; i < cw->n; i++)
		total += cw->w[i].count;
	k->key = malloc((total ? total : 1) * sizeof(*k->key));
	if (k->key == NULL)
		return -1;
	for (uint32_t i = 0; i < cw->n; i++) {
		assert(cw->w[i].dev < 4 && cw->w[i].sector < (1ULL << 62));
		for (uint32_t j = 0; j < cw->w[i].count; j++)
			k->key[n++] = ((uint64_t)cw->w[i].dev << 62) | (cw->w[i].sector + j);
	}
	qsort(k->key, n, sizeof(*k->key), cmp_u64);
	for (uint64_t i = 0; i < n; i++)
		if (k->n == 0 || k->key[k->n - 1] != k->key[i])
			k->key[k->n++] = k->key[i];
	return 0;
}

void state_keys_free(struct state_keys *k)
{
	free(k->key);
	memset(k, 0, sizeof(*k));
}

/* Two lanes, each a multiply-rotate mix over 64-bit words, with different
 * seeds and multipliers; the finaliser spreads the last words' bits. */
struct mix {
	uint64_t a, b;
};

static uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static void mix_word(struct mix *m, uint64_t w)
{
	m->a = rotl(m->a ^ (w * 0x9e3779b97f4a7c15ULL), 29) * 0xbf58476d1ce4e5b9ULL;
	m->b = rotl(m->b ^ (w * 0xc2b2ae3d27d4eb4fULL), 31) * 0x94d049bb133111ebULL;
}

static uint64_t fmix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

struct state_hash state_hash_media(const struct media *m, const struct state_keys *k)
{
	struct mix x = { 0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL };
	uint8_t buf[CSUM_SECTOR];
	struct state_hash h;

	for (uint64_t i = 0; i < k->n; i++) {
		unsigned dev = (unsigned)(k->key[i] >> 62);
		uint64_t sector = k->key[i] & ((1ULL << 62) - 1);
		uint64_t tag = media_read(m, dev, sector, NULL);

		mix_word(&x, k->key[i]);
		mix_word(&x, tag);
		if (tag != CSUM_TAG_NONE)
			continue; /* the bytes follow from the tag */
		(void)media_read(m, dev, sector, buf);
		for (size_t j = 0; j < CSUM_SECTOR; j += 8) {
			uint64_t w;

			memcpy(&w, buf + j, 8);
			mix_word(&x, w);
		}
	}
	h.a = fmix(x.a ^ k->n);
	h.b = fmix(x.b ^ rotl(x.a, 17));
	return h;
}

static uint64_t slot_of(struct state_hash h, uint64_t cap)
{
	return h.a & (cap - 1);
}

static bool is_empty(const struct state_hash *s)
{
	return s->a == 0 && s->b == 0;
}

static int grow(struct hash_set *s)
{
	uint64_t ncap = s->cap ? s->cap * 2 : 64;
	struct state_hash *ns = calloc(ncap, sizeof(*ns));

	if (ns == NULL)
		return -1;
	for (uint64_t i = 0; i < s->cap; i++) {
		uint64_t j;

		if (is_empty(&s->slot[i]))
			continue;
		for (j = slot_of(s->slot[i], ncap); !is_empty(&ns[j]); j = (j + 1) & (ncap - 1))
			;
		ns[j] = s->slot[i];
	}
	free(s->slot);
	s->slot = ns;
	s->cap = ncap;
	return 0;
}

int hash_set_add(struct hash_set *s, struct state_hash h)
{
	uint64_t j;

	if (h.a == 0 && h.b == 0)
		h.b = 1; /* {0, 0} marks an empty slot */
	if ((s->n + 1) * 4 > s->cap * 3 && grow(s) != 0)
		return -1;
	for (j = slot_of(h, s->cap); !is_empty(&s->slot[j]); j = (j + 1) & (s->cap - 1))
		if (s->slot[j].a == h.a && s->slot[j].b == h.b)
			return 0;
	s->slot[j] = h;
	s->n++;
	return 1;
}

bool hash_set_has(const struct hash_set *s, struct state_hash h)
{
	if (h.a == 0 && h.b == 0)
		h.b = 1;
	if (s->cap == 0)
		return false;
	for (uint64_t j = slot_of(h, s->cap); !is_empty(&s->slot[j]); j = (j + 1) & (s->cap - 1))
		if (s->slot[j].a == h.a && s->slot[j].b == h.b)
			return true;
	return false;
}

void hash_set_free(struct hash_set *s)
{
	free(s->slot);
	memset(s, 0, sizeof(*s));
}
