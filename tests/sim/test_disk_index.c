/* sim/disk_index: the same answers as util/u64map for any sequence of puts
 * and gets (sectors across run edges, dense and far sparse ones, through
 * several growths), every present sector once in iteration, the counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/disk_index.h"
#include "util/u64map.h"

static uint64_t next_rand(uint64_t *s)
{
	*s = *s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return *s >> 11;
}

/* dense low sectors, the edges of runs, far sparse ones (up to 2^60) */
static uint64_t some_sector(uint64_t *s)
{
	uint64_t r = next_rand(s);

	switch (r % 4) {
	case 0:
		return (r >> 2) % 3000;
	case 1:
		return ((r >> 2) % 500) * DIX_RUN + ((r >> 12) % 2) * (DIX_RUN - 1);
	case 2:
		return (UINT64_C(1) << 60) - 1 - (r >> 2) % 40;
	default:
		return (r >> 2) % (UINT64_C(1) << 40);
	}
}

static void matches_u64map(void **state)
{
	struct disk_index x;
	struct u64map u;
	uint64_t s = 11, sector;
	struct cslot *v;
	size_t pos = 0, seen = 0;

	(void)state;
	dix_init(&x);
	u64map_init(&u, sizeof(struct cslot));
	assert_null(dix_get(&x, 5));
	for (int i = 0; i < 30000; i++) {
		uint64_t k = some_sector(&s);
		int cx = -1, cu = -1;

		if (next_rand(&s) % 3 == 0) {
			struct cslot *a = dix_get(&x, k), *b = u64map_get(&u, k);

			assert_true((a == NULL) == (b == NULL));
			if (a != NULL)
				assert_memory_equal(a, b, sizeof(*a));
			continue;
		}
		v = dix_put(&x, k, &cx);
		assert_non_null(v);
		struct cslot *b = u64map_put(&u, k, &cu);
		assert_int_equal(cx, cu);
		assert_memory_equal(v, b, sizeof(*v)); /* zero-filled when created */
		v->newest = b->newest = (uint64_t)i + 1;
		v->landed = b->landed = k ^ 0x5a5a;
		assert_int_equal(x.len, u.len);
	}
	assert_true(x.cap >= 2 * x.runs); /* grew: load at most a half */
	while (dix_next(&x, &pos, &sector, &v)) {
		struct cslot *b = u64map_get(&u, sector);

		assert_non_null(b);
		assert_memory_equal(v, b, sizeof(*v));
		assert_ptr_equal(dix_get(&x, sector), v);
		seen++;
	}
	assert_int_equal(seen, u.len);
	dix_free(&x);
	assert_null(dix_get(&x, 0));
	assert_int_equal(x.len, 0);
	u64map_free(&u);
}

/* The last sector of a run and the first of the next are distinct slots;
 * a run's other sectors stay absent until put. */
static void run_edges(void **state)
{
	struct disk_index x;
	int c;

	(void)state;
	dix_init(&x);
	dix_put(&x, DIX_RUN - 1, &c)->landed = 7;
	assert_int_equal(c, 1);
	assert_null(dix_get(&x, DIX_RUN));
	assert_null(dix_get(&x, 0));
	dix_put(&x, DIX_RUN, &c)->landed = 9;
	assert_int_equal(dix_get(&x, DIX_RUN - 1)->landed, 7);
	assert_int_equal(dix_get(&x, DIX_RUN)->landed, 9);
	assert_int_equal(dix_put(&x, DIX_RUN - 1, &c)->landed, 7);
	assert_int_equal(c, 0);
	assert_int_equal(x.len, 2);
	assert_int_equal(x.runs, 2);
	dix_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matches_u64map),
		cmocka_unit_test(run_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
