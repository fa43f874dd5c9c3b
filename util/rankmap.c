#include "util/rankmap.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util/fnv.h"

#define MID_ENTRIES ((size_t)1 << RANKMAP_MID_SHIFT)
#define MID_MASK (MID_ENTRIES - 1)
#define CHUNK_MASK ((UINT64_C(1) << RANKMAP_SHIFT) - 1)

_Static_assert(RANKMAP_SHIFT == 6, "the presence bitmap is one 64-bit word");
_Static_assert((RANKMAP_STEP & (RANKMAP_STEP - 1)) == 0, "slots come in a power of two");

void rankmap_init(struct rankmap *m, size_t val_size)
{
	assert(val_size > 0 && val_size % 4 == 0);
	memset(m, 0, sizeof(*m));
	m->val_size = val_size;
	u64map_init(&m->far, sizeof(struct rankmap_mid *));
}

struct rankmap_mid *rankmap_far_mid(const struct rankmap *m, uint64_t key)
{
	const void *v = u64map_get(&m->far, key >> RANKMAP_SPAN_SHIFT);
	struct rankmap_mid *mid = NULL;

	if (v != NULL)
		memcpy(&mid, v, sizeof(mid));
	return mid;
}

static void free_mid(struct rankmap_mid *mid)
{
	if (mid == NULL)
		return;
	for (size_t i = 0; i < MID_ENTRIES; i++)
		free(mid->c[i].vals);
	free(mid);
}

void rankmap_free(struct rankmap *m)
{
	size_t pos = 0;
	uint64_t k;
	void *v;

	for (size_t t = 0; t < m->n_top; t++)
		free_mid(m->top[t]);
	free(m->top);
	while (u64map_next(&m->far, &pos, &k, &v)) {
		struct rankmap_mid *mid;

		memcpy(&mid, v, sizeof(mid));
		free_mid(mid);
	}
	u64map_free(&m->far);
	rankmap_init(m, m->val_size);
}

/* The middle table slot of key: in top (grown to reach it) or in far. NULL
 * on ENOMEM. */
static void *mid_slot(struct rankmap *m, uint64_t key)
{
	uint64_t t = key >> RANKMAP_SPAN_SHIFT;

	if (key >> RANKMAP_NEAR_BITS)
		return u64map_put(&m->far, t, NULL); /* holds the pointer, NULL if new */
	if (t >= m->n_top) {
		/* doubles: 8 bytes per 2^12 keys, at most 8 MiB */
		size_t n = m->n_top ? m->n_top : 1;
		struct rankmap_mid **top;

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

/* The middle table of key, allocated when missing; NULL on ENOMEM (a grown
 * top table stays, empty and harmless). */
static struct rankmap_mid *mid_for(struct rankmap *m, uint64_t key)
{
	void *slot = mid_slot(m, key);
	struct rankmap_mid *mid;

	if (slot == NULL)
		return NULL;
	memcpy(&mid, slot, sizeof(mid));
	if (mid == NULL) {
		mid = calloc(1, sizeof(*mid));
		if (mid == NULL)
			return NULL;
		memcpy(slot, &mid, sizeof(mid));
		m->n_mids++;
	}
	return mid;
}

void *rankmap_put(struct rankmap *m, uint64_t key, int *created)
{
	struct rankmap_chunk *c;
	struct rankmap_mid *mid;
	unsigned i = (unsigned)(key & CHUNK_MASK), n, r;
	uint8_t *v;

	if (created != NULL)
		*created = 0;
	if (key >> RANKMAP_KEY_BITS)
		return NULL;
	c = rankmap_chunk(m, key);
	if (c != NULL && ((c->bits >> i) & 1u))
		return c->vals + (size_t)rankmap_popcount(c->bits & ((UINT64_C(1) << i) - 1)) * m->val_size;
	mid = mid_for(m, key);
	if (mid == NULL)
		return NULL;
	c = &mid->c[(key >> RANKMAP_SHIFT) & MID_MASK];
	n = rankmap_popcount(c->bits);
	r = rankmap_popcount(c->bits & ((UINT64_C(1) << i) - 1));
	if (n == rankmap_slots(n)) {
		/* full (or empty): the next step of slots */
		size_t had = (size_t)n * m->val_size, want = (size_t)rankmap_slots(n + 1) * m->val_size;

		v = realloc(c->vals, want);
		if (v == NULL)
			return NULL;
		c->vals = v;
		m->val_bytes += want - had;
	}
	v = c->vals + (size_t)r * m->val_size;
	memmove(v + m->val_size, v, (size_t)(n - r) * m->val_size);
	memset(v, 0, m->val_size);
	c->bits |= UINT64_C(1) << i;
	mid->count++;
	m->len++;
	if (created != NULL)
		*created = 1;
	return v;
}

void *rankmap_put_span(struct rankmap *m, uint64_t key, uint32_t count, unsigned *added)
{
	unsigned i0 = (unsigned)(key & CHUNK_MASK), end = i0 + count, n, add, hi, lo;
	uint64_t span, below_end, bits;
	struct rankmap_chunk *c;
	struct rankmap_mid *mid;
	size_t vs = m->val_size;
	uint8_t *v;

	assert(count >= 1 && end <= (1u << RANKMAP_SHIFT));
	if (added != NULL)
		*added = 0;
	if (key >> RANKMAP_KEY_BITS)
		return NULL;
	below_end = end == 64 ? ~UINT64_C(0) : (UINT64_C(1) << end) - 1;
	span = below_end & (~UINT64_C(0) << i0);
	c = rankmap_chunk(m, key);
	if (c != NULL && (c->bits & span) == span)
		return c->vals + (size_t)rankmap_popcount(c->bits & ((UINT64_C(1) << i0) - 1)) * vs;
	mid = mid_for(m, key);
	if (mid == NULL)
		return NULL;
	c = &mid->c[(key >> RANKMAP_SHIFT) & MID_MASK];
	bits = c->bits;
	n = rankmap_popcount(bits);
	add = rankmap_popcount(span & ~bits);
	assert(add >= 1 && n + add <= 64);
	if (rankmap_slots(n + add) != rankmap_slots(n)) {
		/* the slots count rankmap_put would reach key by key */
		size_t had = (size_t)rankmap_slots(n) * vs, want = (size_t)rankmap_slots(n + add) * vs;

		v = realloc(c->vals, want);
		if (v == NULL)
			return NULL;
		c->vals = v;
		m->val_bytes += want - had;
	}
	v = c->vals;
	/* the values past the span move up by add; inside it, from the top
	 * down, an old value moves to its new rank and a new key gets zeros */
	hi = rankmap_popcount(bits & below_end);
	lo = rankmap_popcount(bits & ((UINT64_C(1) << i0) - 1));
	memmove(v + (size_t)(hi + add) * vs, v + (size_t)hi * vs, (size_t)(n - hi) * vs);
	if ((bits & span) == 0) {
		memset(v + (size_t)lo * vs, 0, (size_t)count * vs); /* all new: the usual case */
	} else {
		unsigned src = hi, dst = hi + add;

		for (unsigned b = end; b-- > i0;) {
			dst--;
			if ((bits >> b) & 1u) {
				src--;
				if (src != dst)
					memmove(v + (size_t)dst * vs, v + (size_t)src * vs, vs);
			} else {
				memset(v + (size_t)dst * vs, 0, vs);
			}
			assert(src <= dst && src >= lo);
		}
		assert(src == lo && dst == lo);
	}
	c->bits = bits | span;
	mid->count += add;
	m->len += add;
	if (added != NULL)
		*added = add;
	return v + (size_t)lo * vs;
}

/* The middle table of key, or NULL. */
static struct rankmap_mid *mid_of(const struct rankmap *m, uint64_t key)
{
	uint64_t t = key >> RANKMAP_SPAN_SHIFT;

	if (t < m->n_top)
		return m->top[t];
	return key >> RANKMAP_NEAR_BITS ? rankmap_far_mid(m, key) : NULL;
}

int rankmap_del(struct rankmap *m, uint64_t key)
{
	struct rankmap_mid *mid = mid_of(m, key);
	unsigned i = (unsigned)(key & CHUNK_MASK), n, r;
	struct rankmap_chunk *c;
	uint8_t *v;

	if (mid == NULL)
		return 0;
	c = &mid->c[(key >> RANKMAP_SHIFT) & MID_MASK];
	if (!((c->bits >> i) & 1u))
		return 0;
	n = rankmap_popcount(c->bits);
	r = rankmap_popcount(c->bits & ((UINT64_C(1) << i) - 1));
	v = c->vals + (size_t)r * m->val_size;
	memmove(v, v + m->val_size, (size_t)(n - 1 - r) * m->val_size);
	c->bits &= ~(UINT64_C(1) << i);
	if (rankmap_slots(n - 1) != rankmap_slots(n)) {
		size_t had = (size_t)rankmap_slots(n) * m->val_size, want = (size_t)rankmap_slots(n - 1) * m->val_size;

		if (want == 0) {
			free(c->vals);
			c->vals = NULL;
		} else {
			/* shrinking: a failure keeps the larger block, still valid */
			uint8_t *s = realloc(c->vals, want);

			if (s != NULL)
				c->vals = s;
		}
		m->val_bytes -= had - want;
	}
	assert(mid->count > 0 && m->len > 0);
	mid->count--;
	m->len--;
	return 1;
}

/* The first middle-table index >= t that has a table (*mid set), or
 * UINT64_MAX. */
static uint64_t next_mid(const struct rankmap *m, uint64_t t, const struct rankmap_mid **mid)
{
	uint64_t best = UINT64_MAX, k;
	size_t pos = 0;
	void *v;

	for (; t < m->n_top; t++)
		if (m->top[t] != NULL) {
			*mid = m->top[t];
			return t;
		}
	/* far middle tables: few (keys past 2^32, devices over 2 TiB), so a scan
	 * will do (quadratic in their number) */
	while (u64map_next(&m->far, &pos, &k, &v))
		if (k >= t && k < best) {
			best = k;
			memcpy(mid, v, sizeof(*mid));
		}
	return best;
}

int rankmap_next(const struct rankmap *m, uint64_t *pos, uint64_t *key, void **val)
{
	uint64_t k = *pos;

	while (k >> RANKMAP_KEY_BITS == 0) {
		const struct rankmap_mid *mid = NULL;
		uint64_t t = next_mid(m, k >> RANKMAP_SPAN_SHIFT, &mid), bits;
		const struct rankmap_chunk *c;

		if (t == UINT64_MAX)
			break;
		if (t != k >> RANKMAP_SPAN_SHIFT)
			k = t << RANKMAP_SPAN_SHIFT;
		c = &mid->c[(k >> RANKMAP_SHIFT) & MID_MASK];
		bits = c->bits >> (k & CHUNK_MASK);
		if (bits != 0) {
			k += (uint64_t)__builtin_ctzll(bits);
			*key = k;
			*val = c->vals +
			       (size_t)rankmap_popcount(c->bits & ((UINT64_C(1) << (k & CHUNK_MASK)) - 1)) *
				       m->val_size;
			*pos = k + 1;
			return 1;
		}
		k = (k | CHUNK_MASK) + 1; /* on to the next chunk */
	}
	*pos = UINT64_C(1) << RANKMAP_KEY_BITS;
	return 0;
}

int rankmap_select(const struct rankmap *m, uint64_t k, uint64_t *key)
{
	uint64_t t = 0;

	if (k >= m->len)
		return -1;
	for (;;) {
		const struct rankmap_mid *mid = NULL;

		t = next_mid(m, t, &mid);
		assert(t != UINT64_MAX); /* the counts add up to len */
		if (t == UINT64_MAX)
			return -1;
		if (k >= mid->count) {
			k -= mid->count;
			t++;
			continue;
		}
		for (size_t i = 0; i < MID_ENTRIES; i++) {
			uint64_t bits = mid->c[i].bits;
			unsigned n = rankmap_popcount(bits);

			if (k >= n) {
				k -= n;
				continue;
			}
			while (k-- > 0)
				bits &= bits - 1; /* drop the lowest k keys */
			*key = (t << RANKMAP_SPAN_SHIFT) | ((uint64_t)i << RANKMAP_SHIFT) |
			       (uint64_t)__builtin_ctzll(bits);
			return 0;
		}
		assert(0 && "a middle table's count exceeds its keys");
		return -1;
	}
}

uint64_t *rankmap_keys(const struct rankmap *m)
{
	uint64_t *keys, pos = 0, key;
	size_t n = 0;
	void *val;

	if (m->len == 0)
		return NULL;
	keys = malloc(m->len * sizeof(*keys));
	if (keys == NULL)
		return NULL;
	while (rankmap_next(m, &pos, &key, &val)) {
		/* the rest of this chunk's keys straight from its presence word */
		const struct rankmap_chunk *c = rankmap_chunk(m, key);
		uint64_t base = key & ~CHUNK_MASK, bits = c->bits & (~UINT64_C(0) << (key & CHUNK_MASK));

		while (bits != 0) {
			keys[n++] = base + (uint64_t)__builtin_ctzll(bits);
			bits &= bits - 1;
		}
		pos = base + CHUNK_MASK + 1;
	}
	assert(n == m->len);
	return keys;
}

/* A copy of a middle table and its chunks' values, or NULL on ENOMEM. */
static struct rankmap_mid *clone_mid(struct rankmap *dst, const struct rankmap_mid *src)
{
	struct rankmap_mid *mid = calloc(1, sizeof(*mid));

	if (mid == NULL)
		return NULL;
	mid->count = src->count;
	for (size_t i = 0; i < MID_ENTRIES; i++) {
		size_t bytes = (size_t)rankmap_slots(rankmap_popcount(src->c[i].bits)) * dst->val_size;

		if (bytes == 0)
			continue;
		mid->c[i].vals = malloc(bytes);
		if (mid->c[i].vals == NULL) {
			free_mid(mid);
			return NULL;
		}
		memcpy(mid->c[i].vals, src->c[i].vals, bytes);
		mid->c[i].bits = src->c[i].bits;
		dst->val_bytes += bytes;
	}
	dst->n_mids++;
	return mid;
}

int rankmap_clone(struct rankmap *dst, const struct rankmap *src)
{
	size_t pos = 0;
	uint64_t k;
	void *v;

	rankmap_init(dst, src->val_size);
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
		struct rankmap_mid *smid, *mid;
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
	assert(dst->n_mids == src->n_mids && dst->val_bytes == src->val_bytes);
	return 0;
fail:
	rankmap_free(dst);
	return -1;
}

size_t rankmap_bytes(const struct rankmap *m)
{
#ifndef NDEBUG
	{
		/* the running counts equal a walk over every middle table */
		uint64_t len = 0, bytes = 0, t = 0;
		const struct rankmap_mid *mid = NULL;

		while ((t = next_mid(m, t, &mid)) != UINT64_MAX) {
			uint64_t in_mid = 0;

			for (size_t i = 0; i < MID_ENTRIES; i++) {
				unsigned n = rankmap_popcount(mid->c[i].bits);

				in_mid += n;
				bytes += (uint64_t)rankmap_slots(n) * m->val_size;
				assert((n == 0) == (mid->c[i].vals == NULL));
			}
			assert(in_mid == mid->count);
			len += in_mid;
			t++;
		}
		assert(len == m->len && bytes == m->val_bytes);
	}
#endif
	return m->n_top * sizeof(*m->top) + u64map_bytes(&m->far) + m->n_mids * sizeof(struct rankmap_mid) +
	       m->val_bytes;
}

uint64_t rankmap_shape(const struct rankmap *m, uint64_t h)
{
	const uint64_t f[] = { m->n_top, m->far.cap, m->far.len, m->len, m->n_mids, m->val_bytes };

	return cs_fnv_words(h, f, sizeof(f) / sizeof(f[0]));
}
