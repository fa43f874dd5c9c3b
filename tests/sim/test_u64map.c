/* u64map_del (backward shift) against a plain array of present keys over
 * random puts and deletes, keys that collide on purpose; u64map_cap_for
 * equal to the capacity a map reaches putting that many keys; and
 * u64map_sorted_keys against qsort on either side of its few-keys path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/rng.h"
#include "util/u64map.h"

#define KEYS 600

static void test_del_against_reference(void **state)
{
	struct u64map m;
	bool in[KEYS];
	uint64_t x = 12345;

	(void)state;
	u64map_init(&m, sizeof(uint64_t));
	memset(in, 0, sizeof(in));
	for (int op = 0; op < 40000; op++) {
		uint64_t k, *v;
		int created;

		x = cs_mix64(x + (uint64_t)op);
		k = x % KEYS;
		if ((x >> 32) % 3 != 0) {
			v = u64map_put(&m, k * 977, &created);
			assert_non_null(v);
			assert_int_equal(created, !in[k]);
			*v = k;
			in[k] = true;
		} else {
			assert_int_equal(u64map_del(&m, k * 977), in[k]);
			in[k] = false;
		}
		if (op % 997 == 0 || op == 39999) {
			size_t n = 0;

			for (uint64_t j = 0; j < KEYS; j++) {
				const uint64_t *got = u64map_get(&m, j * 977);

				assert_int_equal(got != NULL, in[j]);
				if (got != NULL)
					assert_int_equal(*got, j);
				n += in[j];
			}
			assert_int_equal(m.len, n);
		}
	}
	u64map_free(&m);
}

static void test_cap_for(void **state)
{
	struct u64map m;

	(void)state;
	u64map_init(&m, 1);
	assert_int_equal(u64map_cap_for(0), 0);
	for (uint64_t k = 0; k < 20000; k++) {
		assert_non_null(u64map_put(&m, k, NULL));
		assert_int_equal(u64map_cap_for(m.len), m.cap);
	}
	u64map_free(&m);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void test_sorted_keys(void **state)
{
	uint64_t x = 777, want[100];

	(void)state;
	for (size_t n = 1; n <= 100; n++) {
		struct u64map m;
		uint64_t *got;

		u64map_init(&m, 1);
		for (size_t i = 0; i < n; i++) {
			int created = 0;

			do { /* full 64-bit keys, some sharing their high bytes */
				x = cs_mix64(x + i);
				want[i] = (i % 3 == 0) ? x : (x & 0xffff) | (UINT64_C(5) << 56);
				assert_non_null(u64map_put(&m, want[i], &created));
			} while (!created);
		}
		qsort(want, n, sizeof(*want), cmp_u64);
		got = u64map_sorted_keys(&m);
		assert_non_null(got);
		assert_memory_equal(got, want, n * sizeof(*want));
		free(got);
		u64map_free(&m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_del_against_reference),
		cmocka_unit_test(test_cap_for),
		cmocka_unit_test(test_sorted_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
