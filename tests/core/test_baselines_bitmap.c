/* Baseline "bitmap": dirty regions, recomputed at recovery; the blind spot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/baseline_util.h"
#include "core/baselines.h"
#include "tests/core/test_baselines_util.h"

/* 10 groups, regions of 2 groups: 5 regions, one bitmap sector at 3 */
#define LEN 620u
#define REGION 124u
#define BBASE 3u

static void setup(struct bt *b)
{
	struct csum_table t = { .begin = 0, .len = LEN, .data_start = BBASE };
	struct csum_options o = { .bitmap_region_sectors = REGION };

	bt_init(b, &csum_variant_bitmap, &t, &o);
}

/* The on-disk bit of region r (the sector must verify). */
static bool disk_bit(struct bt *b, unsigned r)
{
	const uint8_t *sec = bt_sec(b, BBASE);

	assert_int_equal(bu_get_le32(sec), 0x31504d42u);
	assert_int_equal(bu_get_le16(sec + 4), bu_seal_crc(sec));
	return (sec[8 + r / 8] >> (r % 8)) & 1u;
}

static void clean_dirty_transitions(void **state)
{
	struct bt b;

	(void)state;
	setup(&b);
	assert_int_equal(b.n, BBASE + 1 + 10 * 63);
	assert_int_equal(bt_read_is(&b, 0, LEN, 0), 1);
	for (unsigned r = 0; r < 5; r++)
		assert_false(disk_bit(&b, r));

	/* first write to a clean region: bit made durable alongside the sum read */
	assert_int_equal(bt_write(&b, 10, 5, 1, 0), 0);
	assert_int_equal(b.steps, 2);
	assert_int_equal(b.log[0].role, CSUM_ROLE_BITMAP_WRITE);
	assert_int_equal(b.log[0].sector, BBASE);
	assert_true(b.log[0].flags & CSUM_IOF_FUA);
	assert_int_equal(b.log[1].role, CSUM_ROLE_IMD_READ);
	assert_true(disk_bit(&b, 0));
	/* a dirty region: no bitmap I/O */
	assert_int_equal(bt_write(&b, 100, 5, 1, 0), 0);
	assert_int_equal(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_BITMAP_WRITE), 0);
	assert_int_equal(bt_write(&b, 300, 5, 1, 0), 0); /* region 2 */
	assert_int_equal(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_BITMAP_WRITE), 1);
	assert_true(disk_bit(&b, 2));
	assert_false(disk_bit(&b, 1));

	/* flush 1: both regions were written since the last flush, stay dirty */
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	assert_int_equal(b.n_log, 1);
	assert_int_equal(bt_write(&b, 300, 1, 2, 0), 0); /* region 2 stays hot */
	/* flush 2: region 0 was quiet, its bit goes (one plain bitmap write) */
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	assert_int_equal(b.n_log, 2);
	assert_int_equal(b.log[1].role, CSUM_ROLE_BITMAP_WRITE);
	assert_false(b.log[1].flags & CSUM_IOF_FUA);
	assert_false(disk_bit(&b, 0));
	assert_true(disk_bit(&b, 2));
	/* flush 3: region 2 was quiet too */
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	assert_false(disk_bit(&b, 2));
	/* flush 4: nothing to clear, no bitmap write */
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	assert_int_equal(b.n_log, 1);
	/* clean again: the next write sets the bit again */
	assert_int_equal(bt_write(&b, 12, 1, 3, 0), 0);
	assert_int_equal(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_BITMAP_WRITE), 1);
	assert_true(disk_bit(&b, 0));
	/* a PREFLUSH write keeps its own region dirty (no clear, then set) */
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	assert_int_equal(bt_write(&b, 13, 1, 3, CSUM_RQ_PREFLUSH), 0);
	assert_int_equal(b.log[0].kind, CSUM_IO_FLUSH);
	assert_int_equal(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_BITMAP_WRITE), 0);
	assert_true(disk_bit(&b, 0));

	assert_int_equal(bt_read_is(&b, 10, 2, 1), 1);
	assert_int_equal(bt_read_is(&b, 12, 2, 3), 1);
	assert_int_equal(bt_read_is(&b, 100, 5, 1), 1);
	assert_int_equal(bt_read_is(&b, 300, 1, 2), 1);
	assert_int_equal(bt_read_is(&b, 301, 4, 1), 1);
	assert_int_equal(b.verdict[0], CSUM_V_NEWER);
	bt_free(&b);
}

static bool keep_data(void *arg, size_t i, const struct bt_cached *c)
{
	(void)arg;
	(void)i;
	return c->role == CSUM_ROLE_DATA_WRITE;
}

/* The single baseline's false positive, recomputed away. */
static void recovery_removes_false_positives(void **state)
{
	struct bt b;

	(void)state;
	setup(&b);
	b.cache_on = true;
	assert_int_equal(bt_write(&b, 130, 8, 1, 0), 0); /* region 1 */
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	assert_int_equal(bt_write(&b, 130, 8, 2, 0), 0);
	assert_int_equal(bt_write(&b, 500, 8, 2, 0), 0); /* region 4 */
	assert_int_equal(bt_crash(&b, keep_data, NULL), 0);
	/* bitmap read, 2 groups of each of the 2 dirty regions, flush, clean bitmap */
	assert_int_equal(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_IMD_WRITE), 4);
	assert_int_equal(bt_count_role(&b, CSUM_IO_FLUSH, CSUM_ROLE_FLUSH), 1);
	assert_int_equal(b.log[b.n_log - 1].role, CSUM_ROLE_BITMAP_WRITE);
	assert_true(b.log[b.n_log - 1].flags & CSUM_IOF_FUA);
	assert_true(b.crc_bytes >= 4 * 62 * 512);
	for (unsigned r = 0; r < 5; r++)
		assert_false(disk_bit(&b, r));
	assert_int_equal(bt_read_is(&b, 130, 8, 2), 1); /* single would say -EIO */
	assert_int_equal(bt_read_is(&b, 500, 8, 2), 1);
	assert_int_equal(bt_read_is(&b, 0, 130, 0), 1);

	/* without the recomputation the same crash is a false positive */
	{
		struct bt s;
		struct csum_table t = { .begin = 0, .len = LEN, .data_start = BBASE };
		struct csum_options o = { 0 };

		bt_init(&s, &csum_variant_single, &t, &o);
		s.cache_on = true;
		assert_int_equal(bt_write(&s, 130, 8, 1, 0), 0);
		assert_int_equal(bt_rq(&s, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
		assert_int_equal(bt_write(&s, 130, 8, 2, 0), 0);
		assert_int_equal(bt_crash(&s, keep_data, NULL), 0);
		assert_int_equal(bt_read_is(&s, 130, 8, 2), -CSUM_EIO);
		bt_free(&s);
	}
	bt_free(&b);
}

/* Rot in a dirty region before the crash is blessed by the recomputation;
 * the same rot in a clean region stays detected. */
static void blind_spot(void **state)
{
	struct bt b;
	struct csum_location dirty, clean;
	uint8_t buf[512], want[512];

	(void)state;
	setup(&b);
	assert_int_equal(bt_write(&b, 400, 4, 1, 0), 0); /* region 3, to be clean */
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	assert_false(disk_bit(&b, 3));
	assert_int_equal(bt_write(&b, 20, 4, 1, 0), 0); /* region 0, dirty */
	assert_true(disk_bit(&b, 0));

	csum_variant_bitmap.locate(b.ctx, 21, &dirty);
	csum_variant_bitmap.locate(b.ctx, 401, &clean);
	bt_sec(&b, dirty.data_sector)[200] ^= 0x01;
	bt_sec(&b, clean.data_sector)[200] ^= 0x01;
	/* before the crash both are caught */
	assert_int_equal(bt_read_is(&b, 21, 1, 1), -CSUM_EIO);
	assert_int_equal(bt_read_is(&b, 401, 1, 1), -CSUM_EIO);

	assert_int_equal(bt_crash(&b, NULL, NULL), 0);
	/* dirty region: the rotted sector now reads without an error */
	assert_int_equal(bt_rq(&b, CSUM_OP_READ, 21, 1, 0, buf), 0);
	assert_int_equal(b.verdict[0], CSUM_V_NEWER);
	bt_content(want, 21, 1, 1);
	assert_memory_not_equal(buf, want, 512);
	want[200] ^= 0x01;
	assert_memory_equal(buf, want, 512); /* silent corruption */
	/* clean region: still detected */
	assert_int_equal(bt_read_is(&b, 401, 1, 1), -CSUM_EIO);
	assert_int_equal(b.verdict[0], CSUM_V_MISMATCH);
	bt_free(&b);
}

static void torn_bitmap_means_all_dirty(void **state)
{
	struct bt b;

	(void)state;
	setup(&b);
	assert_int_equal(bt_write(&b, 20, 4, 1, 0), 0);
	bt_sec(&b, BBASE)[300] ^= 0x80; /* a bit of no region, but the seal breaks */
	assert_int_equal(bt_crash(&b, NULL, NULL), 0);
	assert_int_equal(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_IMD_WRITE), 10);
	assert_false(disk_bit(&b, 0));
	assert_int_equal(bt_read_is(&b, 20, 4, 1), 1);
	/* a clean device recovers with one read */
	assert_int_equal(bt_crash(&b, NULL, NULL), 0);
	assert_int_equal(b.n_log, 1);
	assert_int_equal(b.log[0].count, 1);
	bt_free(&b);
}

static void failures_and_options(void **state)
{
	struct bt b;
	struct csum_table t = { .len = LEN };
	struct csum_options o = { .bitmap_region_sectors = 100 };
	const char *why = NULL;
	void *ctx = calloc(1, csum_variant_bitmap.ctx_size);
	struct csum_sector_info si;

	(void)state;
	assert_non_null(ctx);
	assert_int_equal(csum_variant_bitmap.init(ctx, &t, &o, &why), -1);
	assert_non_null(strstr(why, "multiple of 62"));
	o.bitmap_region_sectors = 62;
	t.len = 62ull * 262145u;
	assert_int_equal(csum_variant_bitmap.init(ctx, &t, &o, &why), -1);
	assert_non_null(strstr(why, "262144"));
	t.len = 62ull * 262144u; /* the most regions: 66 bitmap sectors */
	assert_int_equal(csum_variant_bitmap.init(ctx, &t, &o, &why), 0);
	assert_int_equal(csum_variant_bitmap.dev_sectors(ctx, 0), 66 + 262144ull * 63);
	csum_variant_bitmap.sector_info(ctx, 0, 65, &si);
	assert_int_equal(si.kind, CSUM_SK_BITMAP);
	assert_int_equal(si.first, 65ull * 4032 * 62);
	assert_int_equal(si.count, (262144ull - 65 * 4032) * 62);
	o = (struct csum_options){ 0 };
	t.len = LEN;
	assert_int_equal(csum_variant_bitmap.init(ctx, &t, &o, &why), 0); /* default region */
	assert_int_equal(csum_variant_bitmap.dev_sectors(ctx, 0), 1 + 10 * 63);
	t.placement = CSUM_PLACE_SEPARATE;
	assert_int_equal(csum_variant_bitmap.init(ctx, &t, &o, &why), -1);
	free(ctx);

	setup(&b);
	b.fail_roles = 1u << CSUM_ROLE_BITMAP_WRITE;
	assert_int_equal(bt_write(&b, 200, 2, 1, 0), -CSUM_EIO);
	assert_int_equal(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_DATA_WRITE), 0);
	assert_false(b.lock_stuck);
	b.fail_roles = 0;
	assert_int_equal(bt_write(&b, 200, 2, 1, 0), 0); /* tries the bit again */
	assert_int_equal(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_BITMAP_WRITE), 1);
	assert_true(disk_bit(&b, 1));
	b.fail_roles = 1u << CSUM_ROLE_FLUSH;
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), -CSUM_EIO);
	b.fail_roles = 1u << CSUM_ROLE_IMD_READ;
	assert_int_equal(bt_crash(&b, NULL, NULL), -CSUM_EIO); /* bitmap unreadable */
	bt_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_dirty_transitions),
		cmocka_unit_test(recovery_removes_false_positives),
		cmocka_unit_test(blind_spot),
		cmocka_unit_test(torn_bitmap_means_all_dirty),
		cmocka_unit_test(failures_and_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
