/* sim/carry_index.c (the carried judgement's key index) against a u64map of
 * the same keys: keys in runs, scattered, at page edges, with the device
 * number in the top bits; a value written through put is what get returns,
 * and a key never put is absent even where its page exists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/carry_index.h"
#include "util/rng.h"
#include "util/u64map.h"

static uint64_t key_of(uint64_t x)
{
	uint64_t dev = (x >> 40) & 1, sector;

	switch ((x >> 20) % 3) {
	case 0: /* runs near each other: pages shared */
		sector = 1000 + x % 5000;
		break;
	case 1: /* page edges */
		sector = (x % 64) * 64 + ((x >> 8) & 1 ? 63 : 0);
		break;
	default: /* far apart: a page each */
		sector = (x % 100000) * 4099;
		break;
	}
	return (dev << 60) | sector;
}

static void test_against_u64map(void **state)
{
	struct carry_index x;
	struct u64map ref;
	uint64_t r = 99;

	(void)state;
	cidx_init(&x);
	u64map_init(&ref, sizeof(uint32_t));
	for (uint32_t op = 1; op <= 30000; op++) {
		uint64_t k;
		uint32_t *v, *want;
		int created = 0;

		r = cs_mix64(r + op);
		k = key_of(r);
		if ((r >> 50) % 4 != 0) {
			v = cidx_put(&x, k);
			want = u64map_put(&ref, k, &created);
			assert_non_null(v);
			assert_non_null(want);
			/* a new key reads 0, an old one its value */
			assert_int_equal(*v, created ? 0 : *want);
			*v = *want = op;
		} else {
			v = cidx_get(&x, k);
			want = u64map_get(&ref, k);
			assert_int_equal(v != NULL, want != NULL);
			if (v != NULL)
				assert_int_equal(*v, *want);
		}
		assert_int_equal(x.len, ref.len);
	}
	/* every key put, and its neighbours (same page, mostly never put) */
	{
		size_t pos = 0;
		uint64_t k;
		void *val;

		while (u64map_next(&ref, &pos, &k, &val)) {
			for (uint64_t n = k - 1; n <= k + 1; n++) {
				const uint32_t *got = cidx_get(&x, n);
				const uint32_t *want = u64map_get(&ref, n);

				assert_int_equal(got != NULL, want != NULL);
				if (got != NULL)
					assert_int_equal(*got, *want);
			}
		}
	}
	cidx_free(&x);
	assert_null(cidx_get(&x, 1000));
	assert_int_equal(x.len, 0);
	u64map_free(&ref);
}

/* Zero-filled (a struct carry before its first judgement): absent, not a
 * crash. */
static void test_zeroed_is_empty(void **state)
{
	struct carry_index x;

	(void)state;
	memset(&x, 0, sizeof(x));
	assert_null(cidx_get(&x, 0));
	assert_null(cidx_get(&x, UINT64_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_u64map),
		cmocka_unit_test(test_zeroed_is_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
