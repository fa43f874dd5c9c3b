/* sector_info and locate of rfc and none: what each backing sector is, and
 * where each dm sector lives, on the RFC's own layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/geometry.h"
#include "tests/core/harness.h"

static struct csum_table table(uint8_t placement, uint64_t len, uint64_t begin, uint64_t off)
{
	struct csum_table t = { .begin = begin, .len = len, .data_start = off, .imd_start = off,
				.placement = placement };
	return t;
}

static struct csum_sector_info info(struct harness *h, unsigned dev, uint64_t s)
{
	struct csum_sector_info si;

	memset(&si, 0xa5, sizeof(si)); /* every field must be written */
	h->ops->sector_info(h->ctx, dev, s, &si);
	return si;
}

static void expect_imd(struct harness *h, unsigned dev, uint64_t s, unsigned copy,
		       uint64_t first, uint32_t count)
{
	struct csum_sector_info si = info(h, dev, s);

	assert_int_equal(si.kind, CSUM_SK_IMD);
	assert_int_equal(si.copy, copy);
	assert_int_equal(si.header_bytes, 8);
	assert_int_equal(si.first, first);
	assert_int_equal(si.count, count);
}

static void expect_kind(struct harness *h, unsigned dev, uint64_t s, uint8_t kind,
			uint64_t first)
{
	struct csum_sector_info si = info(h, dev, s);

	assert_int_equal(si.kind, kind);
	if (kind == CSUM_SK_DATA) {
		assert_int_equal(si.first, first);
		assert_int_equal(si.count, 1);
	}
}

static void rfc_same(void **state)
{
	struct csum_table t = table(CSUM_PLACE_SAME, 130, 0, 0);
	struct harness h;

	(void)state;
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	expect_kind(&h, 0, 0, CSUM_SK_RESERVED, 0);
	expect_imd(&h, 0, 1, 0, 0, 62);
	expect_imd(&h, 0, 2, 1, 0, 62);
	expect_kind(&h, 0, 3, CSUM_SK_DATA, 0);
	expect_kind(&h, 0, 64, CSUM_SK_DATA, 61);
	expect_imd(&h, 0, 65, 0, 62, 62);
	expect_imd(&h, 0, 66, 1, 62, 62);
	expect_imd(&h, 0, 129, 0, 124, 6); /* clamped to len */
	expect_imd(&h, 0, 130, 1, 124, 6);
	expect_kind(&h, 0, 131, CSUM_SK_DATA, 124);
	expect_kind(&h, 0, 136, CSUM_SK_DATA, 129);
	expect_kind(&h, 0, 137, CSUM_SK_NONE, 0);
	expect_kind(&h, 0, 1000, CSUM_SK_NONE, 0);
	expect_kind(&h, CSUM_DEV_IMD, 1, CSUM_SK_NONE, 0); /* no second device */
	h_free(&h);

	/* data_start 5: group 1's M2 (66) is also dm 58's home: metadata wins */
	t = table(CSUM_PLACE_SAME, 130, 0, 5);
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	expect_kind(&h, 0, 0, CSUM_SK_RESERVED, 0);
	expect_imd(&h, 0, 1, 0, 0, 62);
	expect_kind(&h, 0, 3, CSUM_SK_NONE, 0);
	expect_kind(&h, 0, 5, CSUM_SK_RESERVED, 0);
	expect_kind(&h, 0, 8, CSUM_SK_DATA, 0);
	assert_int_equal(geo_map_data(&t, 58), 66);
	expect_imd(&h, 0, 66, 1, 62, 62);
	expect_kind(&h, 0, 141, CSUM_SK_DATA, 129);
	h_free(&h);

	/* begin 124: first is a dm sector */
	t = table(CSUM_PLACE_SAME, 70, 124, 0);
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	expect_imd(&h, 0, 65, 0, 186, 8);
	expect_kind(&h, 0, 3, CSUM_SK_DATA, 124);
	h_free(&h);
}

static void rfc_separate(void **state)
{
	struct csum_table t = table(CSUM_PLACE_SEPARATE, 130, 0, 0);
	struct harness h;

	(void)state;
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	expect_kind(&h, 0, 0, CSUM_SK_RESERVED, 0);
	expect_kind(&h, 0, 1, CSUM_SK_DATA, 0);
	expect_kind(&h, 0, 130, CSUM_SK_DATA, 129);
	expect_kind(&h, 0, 131, CSUM_SK_NONE, 0);
	expect_kind(&h, 1, 0, CSUM_SK_RESERVED, 0);
	expect_kind(&h, 1, 1, CSUM_SK_NONE, 0); /* skipped by get_imd_sector_diff (D5) */
	expect_kind(&h, 1, 2, CSUM_SK_NONE, 0);
	expect_imd(&h, 1, 3, 0, 0, 62);
	expect_imd(&h, 1, 4, 1, 0, 62);
	expect_imd(&h, 1, 7, 0, 124, 6);
	expect_imd(&h, 1, 8, 1, 124, 6);
	expect_kind(&h, 1, 9, CSUM_SK_NONE, 0);
	h_free(&h);

	/* imd_start 4 is reserved by the table but is also group 0's M2 */
	t = table(CSUM_PLACE_SEPARATE, 130, 0, 4);
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	expect_imd(&h, 1, 4, 1, 0, 62);
	expect_kind(&h, 0, 4, CSUM_SK_RESERVED, 0);
	expect_kind(&h, 0, 5, CSUM_SK_DATA, 0);
	h_free(&h);
}

/* For every dm sector: locate's data sector is DATA of it (or, where the
 * RFC's mappings collide, IMD), its metas are the IMD copies 0 and 1 that
 * cover it; every DATA backing sector locates back to itself; initial_sector
 * formats exactly the IMD sectors. */
static void consistent(const char *variant, const struct csum_table *t)
{
	struct harness h;
	uint64_t n_data = 0;

	h_init(&h, variant, t, CSUM_FLUSH_DROP);
	for (uint64_t dm = t->begin; dm < t->begin + t->len; dm++) {
		struct csum_location l;
		struct csum_sector_info si;

		memset(&l, 0xa5, sizeof(l));
		h.ops->locate(h.ctx, dm, &l);
		assert_int_equal(l.data_dev, CSUM_DEV_DATA);
		assert_true(l.data_sector < h.dev_n[l.data_dev]);
		si = info(&h, l.data_dev, l.data_sector);
		if (si.kind == CSUM_SK_DATA)
			assert_int_equal(si.first, dm);
		else
			assert_int_equal(si.kind, CSUM_SK_IMD);
		for (unsigned c = 0; c < l.n_meta; c++) {
			assert_true(l.meta_sector[c] < h.dev_n[l.meta_dev[c]]);
			si = info(&h, l.meta_dev[c], l.meta_sector[c]);
			assert_int_equal(si.kind, CSUM_SK_IMD);
			assert_int_equal(si.copy, c);
			assert_true(dm >= si.first && dm - si.first < si.count);
		}
	}
	for (unsigned d = 0; d < CSUM_MAX_DEVS; d++) {
		for (uint64_t s = 0; s < h.dev_n[d] + 3; s++) {
			struct csum_sector_info si = info(&h, d, s);

			if (si.kind == CSUM_SK_DATA) {
				struct csum_location l;

				n_data++;
				h.ops->locate(h.ctx, si.first, &l);
				assert_int_equal(l.data_sector, s);
			}
			if (s < h.dev_n[d] && si.kind != CSUM_SK_IMD) {
				uint8_t z[CSUM_SECTOR] = { 0 };

				assert_memory_equal(h_sector(&h, d, s), z, CSUM_SECTOR);
			}
			if (s >= h.dev_n[d])
				assert_int_equal(si.kind, CSUM_SK_NONE);
		}
	}
	/* where mappings collide a data home shows as IMD: fewer DATA then */
	assert_true(n_data <= t->len);
	h_free(&h);
}

static void locate_matches_info(void **state)
{
	struct csum_table t;

	(void)state;
	for (int pl = 0; pl < 2; pl++) {
		t = table((uint8_t)pl, 130, 0, 0);
		consistent("rfc", &t);
		t = table((uint8_t)pl, 300, 124, 0);
		consistent("rfc", &t);
		t = table((uint8_t)pl, 200, 10, 7);
		consistent("rfc", &t);
		t = table((uint8_t)pl, 1, 0, 0);
		consistent("rfc", &t);
	}
	t = table(CSUM_PLACE_SAME, 130, 0, 5); /* colliding */
	consistent("rfc", &t);
}

static void none_info(void **state)
{
	struct csum_table t = { .begin = 100, .len = 1000, .data_start = 7 };
	struct harness h;
	struct csum_location l;

	(void)state;
	h_init(&h, "none", &t, CSUM_FLUSH_DROP);
	expect_kind(&h, 0, 6, CSUM_SK_NONE, 0);
	expect_kind(&h, 0, 7, CSUM_SK_DATA, 100);
	expect_kind(&h, 0, 1006, CSUM_SK_DATA, 1099);
	expect_kind(&h, 0, 1007, CSUM_SK_NONE, 0);
	expect_kind(&h, 1, 7, CSUM_SK_NONE, 0);
	h.ops->locate(h.ctx, 150, &l);
	assert_int_equal(l.data_dev, CSUM_DEV_DATA);
	assert_int_equal(l.data_sector, 57);
	assert_int_equal(l.n_meta, 0);
	h_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc_same),
		cmocka_unit_test(rfc_separate),
		cmocka_unit_test(locate_matches_info),
		cmocka_unit_test(none_info),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
