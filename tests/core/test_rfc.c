#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/crc_ccitt.h"
#include "core/geometry.h"
#include "core/imd.h"
#include "tests/core/harness.h"

static struct csum_table table(uint8_t placement, uint64_t len, uint64_t begin, uint64_t off)
{
	struct csum_table t = { .begin = begin, .len = len, .data_start = off, .imd_start = off,
				.placement = placement };
	return t;
}

static void formatted_image(void **state)
{
	struct csum_table t = table(CSUM_PLACE_SAME, 130, 0, 0);
	struct harness h;
	uint8_t z[512] = { 0 };

	(void)state;
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	assert_int_equal(h.ops->lock_scope, CSUM_LOCK_GLOBAL);
	assert_int_equal(h.dev_n[CSUM_DEV_DATA], 137); /* the last data sector is 1 past */
	assert_int_equal(h.dev_n[CSUM_DEV_IMD], 0);
	for (uint64_t s = 0; s < 137; s++) {
		uint8_t *p = h_sector(&h, CSUM_DEV_DATA, s);
		bool m2 = s == 2 || s == 66 || s == 130;

		assert_int_equal(p[0], m2 ? 1 : 0);
		assert_memory_equal(p + 1, z, 511);
	}
	h_free(&h);

	/* data_start 5: M2 of group 1 (66) is also data sector 58's home */
	t = table(CSUM_PLACE_SAME, 130, 0, 5);
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	assert_int_equal(geo_map_data(&t, 58), 66);
	assert_int_equal(h_sector(&h, CSUM_DEV_DATA, 66)[0], 1);
	assert_int_equal(h.dev_n[CSUM_DEV_DATA], 142);
	h_free(&h);

	t = table(CSUM_PLACE_SEPARATE, 130, 0, 0);
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	assert_int_equal(h.dev_n[CSUM_DEV_DATA], 131);
	assert_int_equal(h.dev_n[CSUM_DEV_IMD], 9);
	for (uint64_t s = 0; s < 9; s++)
		assert_int_equal(h_sector(&h, CSUM_DEV_IMD, s)[0], (s == 4 || s == 6 || s == 8) ? 1 : 0);
	h_free(&h);
}

static void expect_read(struct harness *h, uint64_t s, uint32_t n, const uint8_t *want, int res)
{
	uint8_t *buf = malloc((size_t)n * CSUM_SECTOR);
	struct h_result r;

	assert_non_null(buf);
	h_request(h, CSUM_OP_READ, s, n, 0, buf, &r);
	assert_int_equal(r.result, res);
	if (res == 0 && want != NULL)
		assert_memory_equal(buf, want, (size_t)n * CSUM_SECTOR);
	free(buf);
}

/* Random writes, each followed by a read of everything: all of it verifies. */
static void write_then_read_verifies(void **state)
{
	static const uint64_t begins[] = { 0, 124 };
	const uint64_t len = 300;

	(void)state;
	for (int pl = 0; pl < 2; pl++) {
		for (size_t b = 0; b < 2; b++) {
			struct csum_table t = table((uint8_t)pl, len, begins[b], 0);
			uint8_t *model = calloc(len, CSUM_SECTOR), *buf = malloc(100 * CSUM_SECTOR);
			struct harness h;
			uint32_t x = 99;

			assert_non_null(model);
			assert_non_null(buf);
			h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
			for (int w = 0; w < 60; w++) {
				struct h_result r;
				uint64_t d, s;
				uint32_t n;

				x = x * 1103515245u + 12345u;
				n = 1 + (x >> 8) % 100;
				d = (x >> 20) % (len - n + 1);
				s = t.begin + d;
				h_fill(buf, n, (uint32_t)w + 1);
				h_request(&h, CSUM_OP_WRITE, s, n, 0, buf, &r);
				assert_int_equal(r.result, 0);
				assert_int_equal(r.completes, !(r.evil && s % 62 == 0));
				memcpy(model + d * CSUM_SECTOR, buf, (size_t)n * CSUM_SECTOR);
				for (uint64_t q = 0; q < len; q += 62) {
					uint32_t m = (uint32_t)(len - q < 62 ? len - q : 62);

					expect_read(&h, t.begin + q, m, model + q * CSUM_SECTOR, 0);
				}
			}
			assert_false(h.lock_stuck);
			h_free(&h);
			free(model);
			free(buf);
		}
	}
}

static void write_sector(struct harness *h, uint64_t s, uint32_t seed, uint8_t *buf)
{
	struct h_result r;

	h_fill(buf, 1, seed);
	h_request(h, CSUM_OP_WRITE, s, 1, 0, buf, &r);
	assert_int_equal(r.result, 0);
}

/* The central defect. A to 5 updates M1; B to 9 updates M2 (M2's tuple 5
 * still holds the format's 0); a second write to 5 picks M1 again and
 * overwrites the only crc of A. The imd write lands, the data write does not
 * (crash between them): the acknowledged A now fails with EIO. */
static void in_place_older_false_eio(void **state)
{
	struct csum_table t = table(CSUM_PLACE_SAME, 130, 0, 0);
	struct harness h;
	uint8_t a[512], b[512], a2[512];
	struct h_result r;

	(void)state;
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	write_sector(&h, 5, 1, a);
	assert_int_equal(h_sector(&h, 0, 1)[0], 2); /* M1 took it */
	write_sector(&h, 9, 2, b);
	assert_int_equal(h_sector(&h, 0, 2)[0], 3); /* M2 took it */
	expect_read(&h, 5, 1, a, 0);

	h.drop_roles = 1u << CSUM_ROLE_DATA_WRITE;
	h_fill(a2, 1, 3);
	h_request(&h, CSUM_OP_WRITE, 5, 1, 0, a2, &r);
	h.drop_roles = 0;
	assert_int_equal(imd_tuple_get(h_sector(&h, 0, 1), 5).crc, crc_ccitt(0, a2, 512));
	assert_int_equal(imd_tuple_get(h_sector(&h, 0, 2), 5).crc, 0);
	assert_memory_equal(h_sector(&h, 0, geo_map_data(&t, 5)), a, 512);
	h_request(&h, CSUM_OP_READ, 5, 1, 0, a2, &r);
	assert_int_equal(r.result, -CSUM_EIO);
	assert_int_equal(r.verdict[0], CSUM_V_MISMATCH);
	/* 9 is untouched and still good */
	expect_read(&h, 9, 1, b, 0);
	h_free(&h);
}

/* The fallback in normal operation, and stale data accepted through it. */
static void older_fallback_and_stale(void **state)
{
	struct csum_table t = table(CSUM_PLACE_SEPARATE, 130, 0, 0);
	struct harness h;
	uint8_t x[512], y[512], out[512];
	struct h_result r;

	(void)state;
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	write_sector(&h, 5, 1, x); /* M1 */
	write_sector(&h, 9, 2, y); /* M2, whose tuple 5 is still 0 */
	h_request(&h, CSUM_OP_READ, 5, 1, 0, out, &r);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.verdict[0], CSUM_V_OLDER);
	h_request(&h, CSUM_OP_READ, 9, 1, 0, out, &r);
	assert_int_equal(r.verdict[0], CSUM_V_NEWER);

	/* z to 9 goes to M1 (M1's tuple 5 keeps crc(x)); then a write of y' to
	 * 5 goes to M2 and its data write is lost: the stale x passes */
	write_sector(&h, 9, 3, y);
	assert_int_equal(h_sector(&h, CSUM_DEV_IMD, 3)[0], 4);
	h.drop_roles = 1u << CSUM_ROLE_DATA_WRITE;
	h_fill(y, 1, 7);
	h_request(&h, CSUM_OP_WRITE, 5, 1, 0, y, &r);
	h.drop_roles = 0;
	assert_int_equal(r.result, 0);
	h_request(&h, CSUM_OP_READ, 5, 1, 0, out, &r);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.verdict[0], CSUM_V_OLDER);
	assert_memory_equal(out, x, 512);
	h_free(&h);
}

static void io_order_and_flags(void **state)
{
	struct csum_table t = table(CSUM_PLACE_SAME, 130, 0, 0);
	struct harness h;
	uint8_t buf[2 * 512];
	struct h_result r;

	(void)state;
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	h_fill(buf, 2, 4);
	h_request(&h, CSUM_OP_WRITE, 70, 2,
		  CSUM_RQ_FUA | CSUM_RQ_SYNC | CSUM_RQ_PREFLUSH | CSUM_RQ_META, buf, &r);
	assert_int_equal(r.result, 0);
	assert_int_equal(h.n_log, 3);
	assert_int_equal(h.log[0].kind, CSUM_IO_READ);
	assert_int_equal(h.log[0].role, CSUM_ROLE_IMD_READ);
	assert_int_equal(h.log[0].sector, 65);
	assert_int_equal(h.log[0].count, 2);
	assert_int_equal(h.log[1].kind, CSUM_IO_WRITE);
	assert_int_equal(h.log[1].role, CSUM_ROLE_IMD_WRITE);
	assert_int_equal(h.log[1].sector, 65); /* M1 is older */
	assert_int_equal(h.log[1].count, 1);
	assert_int_equal(h.log[1].flags, 0);
	assert_int_equal(h.log[2].role, CSUM_ROLE_DATA_WRITE);
	assert_int_equal(h.log[2].sector, 75);
	assert_int_equal(h.log[2].count, 2);
	assert_int_equal(h.log[2].flags,
			 CSUM_IOF_BARRIER | CSUM_IOF_FUA | CSUM_IOF_SYNC | CSUM_IOF_META);
	/* the tuples of 70, 71 are 8, 9 of group 1 and sit at 8 + 8 * 8 */
	assert_int_equal(imd_get_le16(h_sector(&h, 0, 65) + 72), crc_ccitt(0, buf, 512));
	assert_int_equal(imd_header_crc(h_sector(&h, 0, 65)),
			 crc_ccitt(0, h_sector(&h, 0, 65) + 8, 504));

	h_request(&h, CSUM_OP_WRITE, 70, 1, 0, buf, &r);
	assert_int_equal(h.log[1].sector, 66); /* now M2 */

	h_request(&h, CSUM_OP_READ, 70, 2, CSUM_RQ_SYNC, buf, &r);
	assert_int_equal(r.result, 0);
	assert_int_equal(h.n_log, 2);
	assert_int_equal(h.log[0].role, CSUM_ROLE_DATA_READ);
	assert_int_equal(h.log[0].sector, 75);
	assert_int_equal(h.log[0].flags, CSUM_IOF_SYNC);
	assert_int_equal(h.log[1].role, CSUM_ROLE_IMD_READ);
	h_free(&h);
}

static void flush_and_discard(void **state)
{
	struct csum_table t = table(CSUM_PLACE_SEPARATE, 130, 0, 0);
	struct harness h;
	uint8_t buf[512];
	struct h_result r;

	(void)state;
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	h_request(&h, CSUM_OP_FLUSH, 0, 0, 0, NULL, &r);
	assert_int_equal(r.map_result, 0);
	assert_int_equal(r.n_pieces, 0);
	assert_int_equal(r.expected, 0);
	assert_true(r.completes);
	assert_int_equal(h.n_log, 0);
	h_request(&h, CSUM_OP_DISCARD, 0, 8, 0, NULL, &r);
	assert_int_equal(r.result, -CSUM_EOPNOTSUPP);
	h_free(&h);

	h_init(&h, "rfc", &t, CSUM_FLUSH_FORWARD);
	h_request(&h, CSUM_OP_FLUSH, 0, 0, 0, NULL, &r);
	assert_int_equal(r.result, 0);
	assert_int_equal(h.n_log, 2);
	assert_int_equal(h.log[0].kind, CSUM_IO_FLUSH);
	assert_int_equal(h.log[0].dev, CSUM_DEV_DATA);
	assert_int_equal(h.log[1].dev, CSUM_DEV_IMD);
	h_fill(buf, 1, 1);
	h_request(&h, CSUM_OP_WRITE, 3, 1, CSUM_RQ_PREFLUSH, buf, &r);
	assert_int_equal(r.result, 0);
	assert_int_equal(h.n_log, 5);
	assert_int_equal(h.log[0].kind, CSUM_IO_FLUSH);
	assert_int_equal(h.log[2].role, CSUM_ROLE_IMD_READ);
	assert_int_equal(h.log[4].flags, CSUM_IOF_BARRIER);
	h.fail_roles = 1u << CSUM_ROLE_FLUSH;
	h_request(&h, CSUM_OP_FLUSH, 0, 0, 0, NULL, &r);
	assert_int_equal(r.result, -CSUM_EIO);
	assert_false(h.lock_stuck);
	h_free(&h);
}

/* Error paths of the write never up() the semaphore: everything after waits. */
static void lock_never_released(void **state)
{
	struct csum_table t = table(CSUM_PLACE_SAME, 130, 0, 0);
	struct harness h;
	uint8_t buf[512];
	struct h_result r;

	(void)state;
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	h.fail_roles = 1u << CSUM_ROLE_IMD_READ;
	h_request(&h, CSUM_OP_READ, 3, 1, 0, buf, &r);
	assert_int_equal(r.result, -CSUM_EIO); /* read_complete up()s first */
	assert_false(h.lock_stuck);
	h_fill(buf, 1, 1);
	h_request(&h, CSUM_OP_WRITE, 3, 1, 0, buf, &r);
	assert_int_equal(r.result, -CSUM_EIO);
	assert_true(h.lock_stuck);
	h.fail_roles = 0;
	h_request(&h, CSUM_OP_READ, 100, 1, 0, buf, &r);
	assert_int_equal(r.completed, 0);
	assert_false(r.completes);
	h_free(&h);

	/* failed data write: stage 2 up()s, the bio gets EIO */
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	h.fail_roles = 1u << CSUM_ROLE_DATA_WRITE;
	h_request(&h, CSUM_OP_WRITE, 3, 1, 0, buf, &r);
	assert_int_equal(r.result, -CSUM_EIO);
	assert_false(h.lock_stuck);
	h_free(&h);
}

/* An all-zero (unformatted) device: older_imd(0, 0) is NULL. */
static void unformatted(void **state)
{
	struct csum_table t = table(CSUM_PLACE_SAME, 130, 0, 0);
	struct harness h;
	uint8_t buf[512];
	struct h_result r;

	(void)state;
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	memset(h.dev[0], 0, h.dev_n[0] * CSUM_SECTOR);
	h_request(&h, CSUM_OP_READ, 3, 1, 0, buf, &r);
	assert_int_equal(r.result, -CSUM_ENOMEM); /* sic */
	assert_int_equal(r.verdict[0], CSUM_V_UNCHECKED);
	assert_false(h.lock_stuck);
	h_fill(buf, 1, 1);
	h_request(&h, CSUM_OP_WRITE, 3, 1, 0, buf, &r);
	assert_int_equal(r.result, -CSUM_EIO);
	assert_true(h.lock_stuck);
	h_free(&h);
}

/* begin % 62 != 0: the tuple index is bi_sector % 62 (absolute). A nice
 * piece at dm 61..64 with begin 10 (group 0, slots 51..54) uses tuples
 * 61..64: 62 is the trailing 8 bytes, 63 and 64 are M2's header and first
 * tuple in the page, never written. Reading it back fails at once. */
static void spill_begin_unaligned(void **state)
{
	struct csum_table t = table(CSUM_PLACE_SAME, 200, 10, 0);
	struct harness h;
	uint8_t buf[4 * 512], out[4 * 512];
	struct h_result r;
	uint8_t *m1;

	(void)state;
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	h_fill(buf, 4, 11);
	h_request(&h, CSUM_OP_WRITE, 61, 4, 0, buf, &r);
	assert_false(r.evil);
	assert_int_equal(r.result, 0);
	m1 = h_sector(&h, 0, 1);
	assert_int_equal(imd_tuple_get(m1, 61).crc, crc_ccitt(0, buf, 512));
	assert_int_equal(imd_get_le16(m1 + 504), crc_ccitt(0, buf + 512, 512));
	assert_int_equal(imd_header_crc(m1), crc_ccitt(0, m1 + 8, 504));
	assert_int_equal(h_sector(&h, 0, 2)[0], 1); /* M2 on disk untouched */

	h_request(&h, CSUM_OP_READ, 61, 4, 0, out, &r);
	assert_int_equal(r.result, -CSUM_EIO);
	assert_int_equal(r.verdict[0], CSUM_V_NEWER);
	assert_int_equal(r.verdict[1], CSUM_V_NEWER);
	assert_int_equal(r.verdict[2], CSUM_V_MISMATCH); /* vs M2's header bytes */
	assert_int_equal(r.verdict[3], CSUM_V_UNCHECKED);

	/* the same write with begin 0 is evil and split, and reads back */
	h_free(&h);
	t = table(CSUM_PLACE_SAME, 200, 0, 0);
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	h_request(&h, CSUM_OP_WRITE, 61, 4, 0, buf, &r);
	assert_true(r.evil);
	assert_int_equal(r.n_pieces, 2);
	h_request(&h, CSUM_OP_READ, 61, 4, 0, out, &r);
	assert_int_equal(r.result, 0);
	assert_memory_equal(out, buf, sizeof(buf));
	h_free(&h);
}

/* data_start 5: data sector 58 lives on M2 of group 1. Writing it with a
 * first byte 0 makes group 1's counters (0, 0): its reads fail. */
static void overlap_clobbers_imd(void **state)
{
	struct csum_table t = table(CSUM_PLACE_SAME, 130, 0, 5);
	struct harness h;
	uint8_t buf[512];
	struct h_result r;

	(void)state;
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	expect_read(&h, 62, 1, NULL, 0);
	h_fill(buf, 1, 5);
	buf[0] = 0;
	h_request(&h, CSUM_OP_WRITE, 58, 1, 0, buf, &r);
	assert_int_equal(r.result, 0);
	assert_memory_equal(h_sector(&h, 0, 66), buf, 512);
	h_request(&h, CSUM_OP_READ, 62, 1, 0, buf, &r);
	assert_int_equal(r.result, -CSUM_ENOMEM);
	h_free(&h);
}

static void registry(void **state)
{
	const struct csum_variant_ops *const *all = csum_variant_all();
	const char *why = NULL;
	struct csum_table t = table(CSUM_PLACE_SAME, 0, 0, 0);
	struct csum_options o = { 0 };
	uint64_t ctx[64];
	size_t n = 0;

	(void)state;
	while (all[n] != NULL)
		n++;
	assert_true(n >= 20); /* the rfc family, none, and the baselines once registered */
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(csum_variant_find(all[i]->name), all[i]); /* names unique */
		assert_non_null(all[i]->sector_info);
		assert_non_null(all[i]->locate);
	}
	assert_ptr_equal(csum_variant_find("rfc"), all[0]);
	assert_ptr_equal(csum_variant_find("none"), all[1]);
	assert_null(csum_variant_find("nope"));
	assert_true(all[0]->ctx_size <= sizeof(ctx));
	assert_int_equal(all[0]->init(ctx, &t, &o, &why), -1);
	assert_non_null(why);
	t.len = 10;
	t.placement = 7;
	assert_int_equal(all[0]->init(ctx, &t, &o, &why), -1);
	assert_int_equal(csum_split_cap(0), 2);
	assert_int_equal(csum_split_cap(124), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formatted_image),
		cmocka_unit_test(write_then_read_verifies),
		cmocka_unit_test(in_place_older_false_eio),
		cmocka_unit_test(older_fallback_and_stale),
		cmocka_unit_test(io_order_and_flags),
		cmocka_unit_test(flush_and_discard),
		cmocka_unit_test(lock_never_released),
		cmocka_unit_test(unformatted),
		cmocka_unit_test(spill_begin_unaligned),
		cmocka_unit_test(overlap_clobbers_imd),
		cmocka_unit_test(registry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
