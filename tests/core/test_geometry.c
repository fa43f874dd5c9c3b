#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/geometry.h"

struct row {
	uint64_t d;     /* begin-relative data sector */
	uint64_t data;  /* expected data-device sector */
	uint64_t m1;    /* expected M1 sector */
};

static void check_rows(const struct csum_table *t, const struct row *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t s = t->begin + r[i].d;

		assert_int_equal(geo_map_data(t, s), r[i].data);
		assert_int_equal(geo_imd_sector(t, s), r[i].m1);
	}
}

/* len 130: groups of 62, 62 and 6 sectors. Hand-computed. */
static void same_len130(void **state)
{
	static const struct row off0[] = {
		{ 0, 3, 1 },	 { 61, 64, 1 },	   { 62, 67, 65 }, { 123, 128, 65 },
		{ 124, 131, 129 }, { 129, 136, 129 },
	};
	static const struct row off5[] = {
		{ 0, 8, 1 },	 { 61, 69, 1 },	   { 62, 72, 65 }, { 123, 133, 65 },
		{ 124, 136, 129 }, { 129, 141, 129 },
	};
	struct csum_table t = { .begin = 0, .len = 130, .placement = CSUM_PLACE_SAME };
	struct geo_extents e;

	(void)state;
	check_rows(&t, off0, 6);
	t.begin = 10; /* begin shifts dm sectors only */
	check_rows(&t, off0, 6);
	t.data_start = 5; /* imd sectors ignore data_start */
	check_rows(&t, off5, 6);

	t.begin = 0;
	t.data_start = 0;
	geo_extents(&t, &e);
	assert_int_equal(e.data_valid_lo, 0);
	assert_int_equal(e.data_valid_hi, 136); /* len + 6 */
	assert_int_equal(e.data_used_lo, 3);
	assert_int_equal(e.data_used_hi, 137); /* the last data sector is 1 past */
	assert_int_equal(e.imd_used_lo, 1);
	assert_int_equal(e.imd_used_hi, 131);
	t.data_start = 5;
	geo_extents(&t, &e);
	assert_int_equal(e.data_valid_lo, 5);
	assert_int_equal(e.data_valid_hi, 141);
	assert_int_equal(e.data_used_hi, 142);
	assert_int_equal(e.imd_used_lo, 1); /* before the validated area */
}

static void separate_len130(void **state)
{
	static const struct row off0[] = {
		{ 0, 1, 3 }, { 61, 62, 3 }, { 62, 63, 5 }, { 123, 124, 5 }, { 124, 125, 7 }, { 129, 130, 7 },
	};
	static const struct row off5[] = {
		{ 0, 6, 3 }, { 61, 67, 3 }, { 62, 68, 5 }, { 123, 129, 5 }, { 124, 130, 7 }, { 129, 135, 7 },
	};
	struct csum_table t = { .len = 130, .placement = CSUM_PLACE_SEPARATE };
	struct geo_extents e;

	(void)state;
	check_rows(&t, off0, 6);
	t.begin = 10;
	check_rows(&t, off0, 6);
	t.data_start = 5;
	t.imd_start = 5; /* ignored by get_imd_sector_diff */
	check_rows(&t, off5, 6);

	geo_extents(&t, &e);
	assert_int_equal(e.data_valid_lo, 5);
	assert_int_equal(e.data_valid_hi, 135);
	assert_int_equal(e.data_used_lo, 6);
	assert_int_equal(e.data_used_hi, 136);
	assert_int_equal(e.imd_valid_lo, 5);
	assert_int_equal(e.imd_valid_hi, 11);
	assert_int_equal(e.imd_used_lo, 3);
	assert_int_equal(e.imd_used_hi, 9);
	t.data_start = t.imd_start = 0;
	geo_extents(&t, &e);
	assert_int_equal(e.imd_valid_hi, 6);
	assert_int_equal(e.imd_used_hi, 9); /* sectors 6, 7 and 8 past the area */
}

static void needed_and_wrap(void **state)
{
	struct csum_table t = { .begin = 10, .len = 100, .placement = CSUM_PLACE_SAME };

	(void)state;
	assert_int_equal(geo_imd_sectors_needed(0), 0);
	assert_int_equal(geo_imd_sectors_needed(1), 2);
	assert_int_equal(geo_imd_sectors_needed(62), 2);
	assert_int_equal(geo_imd_sectors_needed(63), 4);
	/* (n + 61) wraps in sector_t */
	assert_int_equal(geo_imd_sectors_needed(UINT64_MAX), 0);
	/* a sector below begin: d = 2^64 - 1, d + 1 = 0 */
	assert_int_equal(geo_map_data_same(&t, 9), 0);
	assert_int_equal(geo_imd_sector_same(&t, 9), UINT64_MAX - 62);
	assert_int_equal(geo_imd_sector_diff(&t, 9), 1);
	assert_int_equal(geo_map_data_diff(&t, 9), 0);
}

/* Large tables: every data sector in one place, the closed form of the imd
 * sector agrees, and the collisions are exactly the predicted ones. */
static void properties(void **state)
{
	const uint64_t len = 20000;
	static const uint64_t starts[] = { 0, 1, 5, 63, 64, 1000 };

	(void)state;
	for (size_t k = 0; k < sizeof(starts) / sizeof(starts[0]); k++) {
		for (int pl = 0; pl < 2; pl++) {
			struct csum_table t = { .begin = 7, .len = len, .data_start = starts[k],
						.imd_start = starts[k], .placement = (uint8_t)pl };
			struct geo_extents e;
			uint64_t n = geo_map_data(&t, t.begin + len - 1) + 3 + 64 * 400;
			uint8_t *use = calloc(n, 1); /* 1 data, 2 imd, 3 both */
			uint64_t prev = 0, collisions = 0, outside = 0;

			assert_non_null(use);
			geo_extents(&t, &e);
			for (uint64_t d = 0; d < len; d++) {
				uint64_t s = t.begin + d, m = geo_map_data(&t, s);
				uint64_t m1 = geo_imd_sector(&t, s);

				assert_true(d == 0 || m > prev); /* injective, increasing */
				prev = m;
				assert_int_equal(m1, geo_group_imd(&t, d / 62));
				assert_true(m >= e.data_used_lo && m < e.data_used_hi);
				assert_true(m1 >= e.imd_used_lo && m1 + 2 <= e.imd_used_hi);
				if (m < e.data_valid_lo || m >= e.data_valid_hi)
					outside++;
				use[m] |= 1;
				if (pl == CSUM_PLACE_SAME) {
					use[m1] |= 2;
					use[m1 + 1] |= 2;
				}
			}
			for (uint64_t s = 0; s < n; s++)
				collisions += use[s] == 3;
			/* only the last data sector runs past the validated area */
			assert_int_equal(outside, 1);
			if (pl == CSUM_PLACE_SAME) {
				/* with data_start a multiple of 64 the interleave stays
				 * aligned: (1 + 64g) never equals data_start + 3 + 64g' + j */
				if (starts[k] % 64 == 0)
					assert_int_equal(collisions, 0);
				else
					assert_true(collisions > 0);
			}
			free(use);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_len130),
		cmocka_unit_test(separate_len130),
		cmocka_unit_test(needed_and_wrap),
		cmocka_unit_test(properties),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
