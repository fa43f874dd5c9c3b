/* util/chunkmap: the same answers as util/u64map for any sequence of puts
 * and gets (keys across chunk and middle-table boundaries, sparse and
 * dense), ascending iteration, independent clones, the key limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/chunkmap.h"
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

	switch (r % 4) {
	case 0:
		return (r >> 2) % 5000;
	case 1:
		return ((r >> 2) % 64) * CHUNKMAP_CHUNK + ((r >> 8) % 2) * (CHUNKMAP_CHUNK - 1);
	case 2:
		return ((r >> 2) % 8) << 20 | ((r >> 5) % 3);
	default:
		return (r >> 2) % (UINT64_C(1) << 36);
	}
}

static void matches_u64map(void **state)
{
	struct chunkmap c, k;
	struct u64map u;
	uint64_t s = 7, pos = 0, key, prev = 0, *keys, *ukeys;
	void *val;
	size_t n = 0;

	(void)state;
	chunkmap_init(&c, sizeof(uint64_t));
	u64map_init(&u, sizeof(uint64_t));
	for (int i = 0; i < 20000; i++) {
		uint64_t key2 = some_key(&s);
		int cc = -1, cu = -1;

		if (next_rand(&s) % 3 == 0) {
			uint64_t *a = chunkmap_get(&c, key2), *b = u64map_get(&u, key2);

			assert_true((a == NULL) == (b == NULL));
			if (a != NULL)
				assert_int_equal(*a, *b);
			continue;
		}
		uint64_t *a = chunkmap_put(&c, key2, &cc), *b = u64map_put(&u, key2, &cu);

		assert_non_null(a);
		assert_non_null(b);
		assert_int_equal(cc, cu);
		assert_int_equal(*a, *b); /* zero when created */
		*a = *b = key2 * 3 + (uint64_t)i;
	}
	assert_int_equal(c.len, u.len);
	/* ascending, every key once, with its value */
	while (chunkmap_next(&c, &pos, &key, &val)) {
		if (n > 0)
			assert_true(key > prev);
		assert_int_equal(*(uint64_t *)val, *(uint64_t *)u64map_get(&u, key));
		prev = key;
		n++;
	}
	assert_int_equal(n, c.len);
	keys = chunkmap_keys(&c);
	ukeys = u64map_sorted_keys(&u);
	assert_non_null(keys);
	assert_memory_equal(keys, ukeys, c.len * sizeof(*keys));
	/* a clone is equal and independent */
	assert_int_equal(chunkmap_clone(&k, &c), 0);
	assert_int_equal(k.len, c.len);
	assert_int_equal(chunkmap_bytes(&k), chunkmap_bytes(&c));
	for (size_t i = 0; i < c.len; i++) {
		uint64_t *a = chunkmap_get(&k, keys[i]);

		assert_non_null(a);
		assert_int_equal(*a, *(uint64_t *)chunkmap_get(&c, keys[i]));
		*a = 0;
		assert_int_not_equal(*(uint64_t *)chunkmap_get(&c, keys[i]), 0);
	}
	free(keys);
	free(ukeys);
	chunkmap_free(&k);
	chunkmap_free(&c);
	u64map_free(&u);
}

static void limits_and_bytes(void **state)
{
	struct chunkmap c;
	int created = 0;
	size_t one;

	(void)state;
	chunkmap_init(&c, 12); /* rounded up to 16: values stay 8-byte aligned */
	assert_int_equal(c.val_size, 16);
	assert_null(chunkmap_get(&c, 0));
	assert_int_equal(chunkmap_bytes(&c), 0);
	assert_null(chunkmap_put(&c, UINT64_C(1) << CHUNKMAP_KEY_BITS, NULL));
	assert_int_equal(c.len, 0);
	assert_non_null(chunkmap_put(&c, (UINT64_C(1) << CHUNKMAP_KEY_BITS) - 1, &created));
	assert_int_equal(created, 1);
	assert_non_null(chunkmap_put(&c, 5, &created));
	one = chunkmap_bytes(&c);
	/* a neighbour in the same chunk costs nothing more; absent keys of a
	 * touched chunk still read as absent */
	assert_non_null(chunkmap_put(&c, 6, &created));
	assert_int_equal(created, 1);
	assert_non_null(chunkmap_put(&c, 6, &created));
	assert_int_equal(created, 0);
	assert_int_equal(chunkmap_bytes(&c), one);
	assert_null(chunkmap_get(&c, 7));
	assert_int_equal(c.len, 3);
	assert_int_equal(c.n_chunks, 2);
	chunkmap_free(&c);
	assert_int_equal(c.len, 0);
	assert_null(chunkmap_get(&c, 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matches_u64map),
		cmocka_unit_test(limits_and_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
