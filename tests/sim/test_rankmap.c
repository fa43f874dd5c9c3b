/* util/rankmap: the same answers as util/u64map for any sequence of puts and
 * gets (keys across chunk and middle-table boundaries, sparse and dense, far
 * ones hashed), values kept in order as puts move them, ascending iteration,
 * the k-th key, independent clones, the key limit, and memory that follows
 * the keys put rather than the chunks touched; the prefetch hints read
 * within the tables and change nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/rankmap.h"
#include "util/u64map.h"

static uint64_t next_rand(uint64_t *s)
{
	*s = *s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return *s >> 11;
}

/* a key from a mix of shapes: dense low keys, chunk edges, far sparse ones */
static uint64_t some_key(uint64_t *s)
{
	uint64_t r = next_rand(s);

	switch (r % 5) {
	case 0:
		return (r >> 3) % 5000;
	case 1:
		return ((r >> 3) % 64) * 64 + ((r >> 9) % 2) * 63;
	case 2:
		return ((r >> 3) % 8) << 20 | ((r >> 6) % 3);
	case 3:
		return (UINT64_C(1) << 40) + ((r >> 3) % 3) * (UINT64_C(1) << 33) + (r >> 20) % 200;
	default:
		return (r >> 3) % (UINT64_C(1) << 32); /* near: far ones are few (case 3) */
	}
}

static void matches_u64map(void **state)
{
	struct rankmap c, k;
	struct u64map u;
	uint64_t s = 7, pos = 0, key, prev = 0, *keys, *ukeys;
	void *val;
	size_t n = 0;

	(void)state;
	rankmap_init(&c, sizeof(uint64_t));
	u64map_init(&u, sizeof(uint64_t));
	for (int i = 0; i < 30000; i++) {
		uint64_t key2 = some_key(&s);
		int cc = -1, cu = -1;

		if (next_rand(&s) % 3 == 0) {
			uint64_t *a = rankmap_get(&c, key2), *b = u64map_get(&u, key2);

			assert_true((a == NULL) == (b == NULL));
			if (a != NULL)
				assert_int_equal(*a, *b);
			continue;
		}
		uint64_t *a = rankmap_put(&c, key2, &cc), *b = u64map_put(&u, key2, &cu);

		assert_non_null(a);
		assert_non_null(b);
		assert_int_equal(cc, cu);
		assert_int_equal(*a, *b); /* zero when created */
		*a = *b = key2 * 3 + (uint64_t)i;
	}
	assert_int_equal(c.len, u.len);
	/* ascending, every key once, with its value (moved by later puts) */
	while (rankmap_next(&c, &pos, &key, &val)) {
		if (n > 0)
			assert_true(key > prev);
		assert_int_equal(*(uint64_t *)val, *(uint64_t *)u64map_get(&u, key));
		prev = key;
		n++;
	}
	assert_int_equal(n, c.len);
	keys = rankmap_keys(&c);
	ukeys = u64map_sorted_keys(&u);
	assert_non_null(keys);
	assert_memory_equal(keys, ukeys, c.len * sizeof(*keys));
	/* the k-th key is the k-th of the sorted keys (a sample: each select
	 * walks the top table, 2^20 entries here) */
	for (size_t i = 0; i < c.len; i += i < 200 || c.len - i < 200 ? 1 : 97) {
		uint64_t got = UINT64_MAX;

		assert_int_equal(rankmap_select(&c, i, &got), 0);
		assert_true(got == keys[i]);
	}
	assert_int_equal(rankmap_select(&c, c.len, &key), -1);
	/* a clone is equal and independent */
	assert_int_equal(rankmap_clone(&k, &c), 0);
	assert_int_equal(k.len, c.len);
	assert_int_equal(rankmap_bytes(&k), rankmap_bytes(&c));
	for (size_t i = 0; i < c.len; i++) {
		uint64_t *a = rankmap_get(&k, keys[i]);

		assert_non_null(a);
		assert_int_equal(*a, *(uint64_t *)rankmap_get(&c, keys[i]));
		*a = 0;
		assert_int_not_equal(*(uint64_t *)rankmap_get(&c, keys[i]), 0);
	}
	free(keys);
	free(ukeys);
	rankmap_free(&k);
	rankmap_free(&c);
	u64map_free(&u);
}

/* Keys put in descending order inside one chunk: every put moves the
 * values after it, which must keep their keys. */
static void puts_move_values(void **state)
{
	struct rankmap c;

	(void)state;
	rankmap_init(&c, 12);
	for (uint64_t k = 64; k-- > 0;) {
		uint32_t *v = rankmap_put(&c, 128 + k, NULL);

		assert_non_null(v);
		v[0] = (uint32_t)k;
		v[2] = (uint32_t)(k * 7);
		for (uint64_t j = k; j < 64; j++) {
			const uint32_t *w = rankmap_get(&c, 128 + j);

			assert_non_null(w);
			assert_int_equal(w[0], j);
			assert_int_equal(w[1], 0);
			assert_int_equal(w[2], j * 7);
		}
	}
	assert_int_equal(c.len, 64);
	assert_null(rankmap_get(&c, 127));
	assert_null(rankmap_get(&c, 192));
	rankmap_free(&c);
}

/* Deletes against u64map's answers (a map of the keys still present): a
 * deleted key reads absent, the others keep their values, counts and the
 * k-th key follow, slots go back, and a map emptied holds no value bytes. */
static void del_as_never_put(void **state)
{
	struct rankmap c;
	struct u64map live;
	uint64_t s = 11, key, *keys;
	size_t empty;

	(void)state;
	rankmap_init(&c, 12);
	u64map_init(&live, sizeof(uint32_t));
	empty = rankmap_bytes(&c);
	for (int i = 0; i < 20000; i++) {
		uint64_t k = some_key(&s) % 40000;
		uint32_t *v = rankmap_put(&c, k, NULL), *u = u64map_put(&live, k, NULL);

		v[0] = u[0] = (uint32_t)(k * 5 + 1);
		v[2] = (uint32_t)k;
	}
	keys = rankmap_keys(&c);
	assert_non_null(keys);
	/* every other key, then once more (absent: 0) */
	for (size_t i = 0, n = c.len; i < n; i += 2) {
		uint32_t *u = u64map_get(&live, keys[i]);

		assert_int_equal(rankmap_del(&c, keys[i]), 1);
		assert_int_equal(rankmap_del(&c, keys[i]), 0);
		assert_null(rankmap_get(&c, keys[i]));
		u[0] = 0; /* deleted */
	}
	for (size_t i = 0; i < live.len; i++) {
		uint32_t *u = u64map_get(&live, keys[i]);
		const uint32_t *v = rankmap_get(&c, keys[i]);

		if (u[0] == 0) {
			assert_null(v);
			continue;
		}
		assert_non_null(v);
		assert_int_equal(v[0], u[0]);
		assert_int_equal(v[1], 0);
		assert_int_equal(v[2], (uint32_t)keys[i]);
	}
	for (size_t i = 0; i < c.len; i += 37) {
		assert_int_equal(rankmap_select(&c, i, &key), 0);
		assert_true(key == keys[2 * i + 1]);
	}
	assert_int_equal(rankmap_bytes(&c) > empty, 1); /* walks the counts in assertion builds */
	/* a deleted key put again reads zero */
	assert_int_equal(*(uint32_t *)rankmap_put(&c, keys[0], NULL), 0);
	assert_int_equal(rankmap_del(&c, keys[0]), 1);
	for (size_t i = 1; i < live.len; i += 2)
		assert_int_equal(rankmap_del(&c, keys[i]), 1);
	assert_int_equal(c.len, 0);
	assert_int_equal(c.val_bytes, 0);
	assert_int_equal(rankmap_select(&c, 0, &key), -1);
	free(keys);
	u64map_free(&live);
	rankmap_free(&c);
}

static void limits_and_bytes(void **state)
{
	struct rankmap c;
	int created = 0;
	size_t base;

	(void)state;
	rankmap_init(&c, 12);
	assert_null(rankmap_get(&c, 0));
	assert_int_equal(rankmap_bytes(&c), 0);
	assert_null(rankmap_put(&c, UINT64_C(1) << RANKMAP_KEY_BITS, &created));
	assert_int_equal(created, 0);
	assert_int_equal(c.len, 0);
	assert_non_null(rankmap_put(&c, (UINT64_C(1) << RANKMAP_KEY_BITS) - 1, &created));
	assert_int_equal(created, 1);
	assert_non_null(rankmap_put(&c, 5, &created));
	base = rankmap_bytes(&c);
	/* slots come RANKMAP_STEP at a time: three more keys cost nothing,
	 * the fifth a step */
	for (uint64_t k = 6; k < 9; k++)
		assert_non_null(rankmap_put(&c, k, &created));
	assert_non_null(rankmap_put(&c, 6, &created));
	assert_int_equal(created, 0);
	assert_int_equal(rankmap_bytes(&c), base);
	assert_non_null(rankmap_put(&c, 60, &created));
	assert_int_equal(rankmap_bytes(&c), base + RANKMAP_STEP * 12);
	assert_null(rankmap_get(&c, 9));
	assert_int_equal(c.len, 6);
	rankmap_free(&c);
	assert_int_equal(c.len, 0);
	assert_null(rankmap_get(&c, 5));
}

/* Sparse keys cost their values and a share of the tables, not a chunk of
 * 64 values each: one key in every fourth chunk over 2^24 keys. */
static void memory_follows_keys(void **state)
{
	struct rankmap c;
	size_t n = 0;
	double per;

	(void)state;
	rankmap_init(&c, 8);
	for (uint64_t k = 3; k < (UINT64_C(1) << 24); k += 256) {
		assert_non_null(rankmap_put(&c, k, NULL));
		n++;
	}
	per = (double)rankmap_bytes(&c) / (double)n;
	print_message("bytes per key, one key per 256: %.1f\n", per);
	/* 4 slots of 8, a quarter of a 1 KiB middle table and its top entry */
	assert_true(per <= 32.0 + (8.0 + sizeof(struct rankmap_mid)) / 16.0 + 1.0);
	rankmap_free(&c);
}

/* The two prefetch steps (the replay's hints) read only within the tables,
 * wherever the keys fall: an empty map, chunk and middle-table edges, past
 * the top table, far keys, the key limit; the map is left as it was (the
 * Sanitize build catches a read out of bounds). */
static void prefetch_hints_change_nothing(void **state)
{
	static const uint64_t at[] = {
		0, 60, 63, 4090, 4095, 1u << 20, (UINT64_C(1) << 32) - 3, UINT64_C(1) << 32,
		(UINT64_C(1) << 40) + 7, (UINT64_C(1) << RANKMAP_KEY_BITS) - 2,
	};
	struct rankmap c;
	size_t bytes;

	(void)state;
	rankmap_init(&c, 8);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		rankmap_prefetch_entry(&c, at[i], 200);
		rankmap_prefetch(&c, at[i], 200);
	}
	assert_int_equal(c.len, 0);
	assert_int_equal(rankmap_bytes(&c), 0);
	for (uint64_t k = 0; k < 5000; k += 3) {
		uint64_t *v = rankmap_put(&c, k, NULL);

		assert_non_null(v);
		*v = k * 7;
	}
	assert_non_null(rankmap_put(&c, (UINT64_C(1) << 40) + 9, NULL));
	bytes = rankmap_bytes(&c);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		for (uint32_t n = 1; n <= 130; n += 43) {
			rankmap_prefetch_entry(&c, at[i], n);
			rankmap_prefetch(&c, at[i], n);
		}
	assert_int_equal(c.len, 1667 + 1); /* 0, 3, .., 4998 and the far one */
	assert_int_equal(rankmap_bytes(&c), bytes);
	for (uint64_t k = 0; k < 5000; k++) {
		const uint64_t *v = rankmap_get(&c, k);

		if (k % 3 != 0) {
			assert_null(v);
			continue;
		}
		assert_non_null(v);
		assert_int_equal(*v, k * 7);
	}
	rankmap_free(&c);
}

/* rankmap_put_span against rankmap_put key by key, on maps of 4-, 8- and
 * 24-byte values: spans over empty, partly and fully present chunks (at
 * both chunk edges, whole chunks, single keys, far keys) leave the same
 * keys, values, slots and bytes; the span's values follow the returned
 * pointer; *added counts the keys created; too-large keys change nothing. */
static void put_span_as_puts(void **state)
{
	static const size_t sizes[] = { 4, 8, 24 };

	(void)state;
	for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		struct rankmap a, b;
		uint64_t s = 11 + z, pos = 0, key, vb;
		size_t vs = sizes[z];
		void *val;
		unsigned added = 99;

		rankmap_init(&a, vs);
		rankmap_init(&b, vs);
		for (int it = 0; it < 20000; it++) {
			uint64_t r = next_rand(&s), base, k0;
			uint32_t count, fresh = 0;
			uint8_t *v;

			/* few chunks, so spans meet keys already present */
			base = (r % 3 == 0) ? (UINT64_C(1) << 40) + (r >> 2) % 4 * 64 : (r >> 2) % 40 * 64;
			k0 = base + (r >> 10) % 64;
			count = 1 + (uint32_t)((r >> 20) % (64 - (k0 % 64)));
			if ((r >> 30) % 4 == 0) {
				k0 = base; /* a whole chunk or its first keys */
				count = (r >> 32) % 2 ? 64 : 1 + (uint32_t)((r >> 33) % 8);
			}
			for (uint32_t i = 0; i < count; i++) {
				int created = 0;
				uint8_t *w = rankmap_put(&a, k0 + i, &created);

				assert_non_null(w);
				fresh += (uint32_t)created;
				if (created)
					memset(w, (int)((k0 + i) * 13 + 1), vs);
			}
			v = rankmap_put_span(&b, k0, count, &added);
			assert_non_null(v);
			assert_int_equal(added, fresh);
			for (uint32_t i = 0; i < count; i++) {
				const uint8_t *w = rankmap_get(&b, k0 + i);

				assert_ptr_equal(w, v + i * vs);
				if (w[0] == 0 && w[vs - 1] == 0)
					memset(v + i * vs, (int)((k0 + i) * 13 + 1), vs);
			}
			assert_int_equal(a.len, b.len);
			assert_int_equal(a.val_bytes, b.val_bytes);
		}
		assert_int_equal(rankmap_bytes(&a), rankmap_bytes(&b));
		assert_int_equal(rankmap_shape(&a, 5), rankmap_shape(&b, 5));
		while (rankmap_next(&a, &pos, &key, &val)) {
			const uint8_t *w = rankmap_get(&b, key);

			assert_non_null(w);
			assert_memory_equal(w, val, vs);
		}
		vb = b.val_bytes;
		assert_null(rankmap_put_span(&b, UINT64_C(1) << RANKMAP_KEY_BITS, 4, &added));
		assert_int_equal(added, 0);
		assert_int_equal(b.val_bytes, vb);
		rankmap_free(&a);
		rankmap_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matches_u64map),
		cmocka_unit_test(puts_move_values),
		cmocka_unit_test(del_as_never_put),
		cmocka_unit_test(limits_and_bytes),
		cmocka_unit_test(memory_follows_keys),
		cmocka_unit_test(prefetch_hints_change_nothing),
		cmocka_unit_test(put_span_as_puts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
