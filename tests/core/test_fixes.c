/* One test per defect variant: the defect's smallest input (docs/PROTOCOL.md
 * section 9) goes wrong on rfc and right on the variant that fixes it, and
 * on `fixed` (and fixed-strong) which fix them all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fiu-control.h>

#include "core/imd.h"
#include "core/points.h"
#include "tests/core/vt.h"

static const char *const all_fixed[] = { "fixed", "fixed-strong" };

/* D1: A to 5, B to 9, A' to 5 with its data write lost: the acknowledged A
 * must still read back (through the fallback). Returns the read's result. */
static int d1_case(const char *variant, uint8_t placement)
{
	struct csum_table t = vt_table(placement, 130, 0, 0);
	struct harness h;
	uint8_t a[512], out[512];
	struct h_result r;
	int res;

	h_init(&h, variant, &t, CSUM_FLUSH_DROP);
	assert_int_equal(vt_write(&h, 5, 1, 1, a), 0);
	assert_int_equal(vt_write(&h, 9, 1, 2, NULL), 0);
	h.drop_roles = 1u << CSUM_ROLE_DATA_WRITE;
	assert_int_equal(vt_write(&h, 5, 1, 3, NULL), 0);
	h.drop_roles = 0;
	res = vt_read(&h, 5, 1, out, &r);
	if (res == 0) {
		assert_memory_equal(out, a, 512);
		assert_int_equal(r.verdict[0], CSUM_V_OLDER);
	}
	h_free(&h);
	return res;
}

static void d1_copy(void **state)
{
	(void)state;
	for (uint8_t pl = 0; pl < 2; pl++) {
		assert_int_equal(d1_case("rfc", pl), -CSUM_EIO);
		assert_int_equal(d1_case("rfc-copy", pl), 0);
		for (size_t i = 0; i < 2; i++)
			assert_int_equal(d1_case(all_fixed[i], pl), 0);
	}
}

/* D2: a read of 0+63 is 2 pieces; does the request complete? */
static bool d2_case(const char *variant)
{
	struct csum_table t = vt_table(CSUM_PLACE_SAME, 200, 0, 0);
	struct harness h;
	uint8_t *buf = calloc(63, 512);
	struct h_result r;

	assert_non_null(buf);
	h_init(&h, variant, &t, CSUM_FLUSH_DROP);
	h_request(&h, CSUM_OP_READ, 0, 63, 0, buf, &r);
	assert_int_equal(r.n_pieces, 2);
	assert_int_equal(r.result, 0);
	h_free(&h);
	free(buf);
	return r.completes && r.expected == 2;
}

static void d2_split(void **state)
{
	(void)state;
	assert_false(d2_case("rfc"));
	assert_true(d2_case("rfc-split"));
	for (size_t i = 0; i < 2; i++)
		assert_true(d2_case(all_fixed[i]));
}

/* D3: a write whose imd read fails, then a read: does the read run? */
static bool d3_case(const char *variant)
{
	struct csum_table t = vt_table(CSUM_PLACE_SAME, 130, 0, 0);
	struct harness h;
	uint8_t buf[512];
	struct h_result r;
	bool ok;

	h_init(&h, variant, &t, CSUM_FLUSH_DROP);
	h.fail_roles = 1u << CSUM_ROLE_IMD_READ;
	assert_int_equal(vt_write(&h, 3, 1, 1, NULL), -CSUM_EIO);
	h.fail_roles = 0;
	h_request(&h, CSUM_OP_READ, 100, 1, 0, buf, &r);
	ok = r.completes && r.result == 0 && !h.lock_stuck;
	/* an allocation failure too */
	assert_int_equal(fiu_enable(P_WRITE_NICE_KMALLOC, 1, NULL, 0), 0);
	if (ok)
		assert_int_equal(vt_write(&h, 3, 1, 1, NULL), -CSUM_ENOMEM);
	fiu_disable(P_WRITE_NICE_KMALLOC);
	ok = ok && !h.lock_stuck;
	h_free(&h);
	return ok;
}

static void d3_unlock(void **state)
{
	(void)state;
	assert_false(d3_case("rfc"));
	assert_true(d3_case("rfc-unlock"));
	for (size_t i = 0; i < 2; i++)
		assert_true(d3_case(all_fixed[i]));
}

/* D4: data_start 5; W(58, X with X[0] = 0) lands on group 1's M2 under the
 * RFC's mapping; then a read of 62. */
static int d4_case(const char *variant)
{
	struct csum_table t = vt_table(CSUM_PLACE_SAME, 130, 0, 5);
	struct harness h;
	uint8_t buf[512];
	int res;

	h_init(&h, variant, &t, CSUM_FLUSH_DROP);
	h_fill(buf, 1, 5);
	buf[0] = 0;
	{
		struct h_result r;

		h_request(&h, CSUM_OP_WRITE, 58, 1, 0, buf, &r);
		assert_int_equal(r.result, 0);
	}
	res = vt_read(&h, 62, 1, buf, NULL);
	h_free(&h);
	return res;
}

/* D5/D6: the devices hold exactly reserved + data + imd, from the offsets. */
static void d456_offsets(void **state)
{
	struct csum_table t;
	struct harness h;
	struct csum_location l;

	(void)state;
	assert_int_equal(d4_case("rfc"), -CSUM_ENOMEM);
	assert_int_equal(d4_case("rfc-offsets"), 0);
	assert_int_equal(d4_case("fixed"), 0);

	t = vt_table(CSUM_PLACE_SAME, 1, 0, 0);
	h_init(&h, "rfc-offsets", &t, CSUM_FLUSH_DROP);
	assert_int_equal(h.dev_n[0], 4); /* reserved, M1, M2, data */
	h_free(&h);
	t = vt_table(CSUM_PLACE_SEPARATE, 1, 0, 0);
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	h.ops->locate(h.ctx, 0, &l);
	assert_int_equal(l.meta_sector[0], 3); /* D5: past the 2-sector area */
	h_free(&h);
	h_init(&h, "rfc-offsets", &t, CSUM_FLUSH_DROP);
	assert_int_equal(h.dev_n[0], 2);
	assert_int_equal(h.dev_n[1], 3);
	h.ops->locate(h.ctx, 0, &l);
	assert_int_equal(l.data_sector, 1);
	assert_int_equal(l.meta_sector[0], 1);
	assert_int_equal(l.meta_sector[1], 2);
	h_free(&h);
	/* offsets honoured on both devices */
	t = vt_table(CSUM_PLACE_SEPARATE, 130, 0, 0);
	t.data_start = 10;
	t.imd_start = 20;
	h_init(&h, "rfc-offsets", &t, CSUM_FLUSH_DROP);
	h.ops->locate(h.ctx, 70, &l);
	assert_int_equal(l.data_sector, 81);
	assert_int_equal(l.meta_sector[0], 23);
	assert_int_equal(h.dev_n[1], 27);
	{
		uint8_t w[3 * 512], out[5 * 512];

		assert_int_equal(vt_write(&h, 70, 3, 1, w), 0);
		assert_int_equal(vt_read(&h, 69, 5, out, NULL), 0);
		assert_memory_equal(out + 512, w, sizeof(w));
		assert_memory_equal(h_sector(&h, 0, 81), w, sizeof(w));
	}
	h_free(&h);
}

/* D7: begin 10: W(61, 4 sectors) then read it; and 70+3. */
static int d7_case(const char *variant, int *res2)
{
	struct csum_table t = vt_table(CSUM_PLACE_SAME, 200, 10, 0);
	struct harness h;
	uint8_t buf[4 * 512], out[4 * 512];
	int res;

	h_init(&h, variant, &t, CSUM_FLUSH_DROP);
	assert_int_equal(vt_write(&h, 61, 4, 11, buf), 0);
	res = vt_read(&h, 61, 4, out, NULL);
	if (res == 0)
		assert_memory_equal(out, buf, sizeof(buf));
	*res2 = vt_write(&h, 70, 3, 12, buf);
	if (*res2 == 0) {
		*res2 = vt_read(&h, 70, 3, out, NULL);
		assert_memory_equal(out, buf, 3 * 512);
	}
	h_free(&h);
	return res;
}

static void d7_relative(void **state)
{
	int r2;

	(void)state;
	assert_int_equal(d7_case("rfc", &r2), -CSUM_EIO);
	assert_int_equal(r2, -CSUM_EINVAL);
	assert_int_equal(d7_case("rfc-relative", &r2), 0);
	assert_int_equal(r2, 0);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(d7_case(all_fixed[i], &r2), 0);
		assert_int_equal(r2, 0);
	}
}

/* D8: a read with undecidable counters (all-zero counters on both copies). */
static int d8_case(const char *variant)
{
	struct csum_table t = vt_table(CSUM_PLACE_SAME, 130, 0, 0);
	struct harness h;
	uint8_t buf[512];
	int res;

	h_init(&h, variant, &t, CSUM_FLUSH_DROP);
	memset(h.dev[0], 0, h.dev_n[0] * CSUM_SECTOR);
	res = vt_read(&h, 3, 1, buf, NULL);
	h_free(&h);
	return res;
}

static void d8_errno(void **state)
{
	(void)state;
	assert_int_equal(d8_case("rfc"), -CSUM_ENOMEM);
	assert_int_equal(d8_case("rfc-errno"), -CSUM_EIO);
	/* fixed: gen32 makes (0, 0) decidable and the zero sector verifies */
	assert_int_equal(d8_case("fixed"), 0);
}

/* D9: separate devices: the imd write, a flush of the imd device, then the
 * data write, each waiting for the one before. */
static bool d9_case(const char *variant, uint8_t placement)
{
	struct csum_table t = vt_table(placement, 130, 0, 0);
	struct harness h;
	int iw = -1, fl = -1, dw = -1;

	h_init(&h, variant, &t, CSUM_FLUSH_DROP);
	assert_int_equal(vt_write(&h, 5, 2, 1, NULL), 0);
	for (unsigned i = 0; i < h.n_log; i++) {
		if (h.log[i].role == CSUM_ROLE_IMD_WRITE)
			iw = (int)i;
		if (h.log[i].kind == CSUM_IO_FLUSH && h.log[i].dev == CSUM_DEV_IMD)
			fl = (int)i;
		if (h.log[i].role == CSUM_ROLE_DATA_WRITE)
			dw = (int)i;
	}
	assert_true(iw >= 0 && dw > iw);
	h_free(&h);
	return fl > iw && dw > fl;
}

static void d9_twodev(void **state)
{
	struct csum_table t = vt_table(CSUM_PLACE_SEPARATE, 130, 0, 0);
	struct harness h;

	(void)state;
	assert_false(d9_case("rfc", CSUM_PLACE_SEPARATE));
	assert_true(d9_case("rfc-twodev", CSUM_PLACE_SEPARATE));
	assert_true(d9_case("fixed", CSUM_PLACE_SEPARATE));
	/* one device: the barrier orders them, no flush added */
	assert_false(d9_case("rfc-twodev", CSUM_PLACE_SAME));
	/* a failed imd write ends the piece before the data write */
	h_init(&h, "rfc-twodev", &t, CSUM_FLUSH_DROP);
	h.fail_roles = 1u << CSUM_ROLE_IMD_WRITE;
	assert_int_equal(vt_write(&h, 5, 1, 1, NULL), -CSUM_EIO);
	assert_int_equal(h.log[h.n_log - 1].role, CSUM_ROLE_IMD_WRITE);
	assert_false(h.lock_stuck);
	h_free(&h);
}

/* D10: a user flush reaches both devices; FUA reaches the imd write. */
static void d10_flush(void **state)
{
	struct csum_table t = vt_table(CSUM_PLACE_SEPARATE, 130, 0, 0);
	const char *const v[] = { "rfc", "rfc-flush", "fixed" };
	uint8_t buf[512];

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct harness h;
		struct h_result r;
		uint32_t imd_flags = 0;

		h_init(&h, v[i], &t, CSUM_FLUSH_DROP); /* the option says drop */
		h_request(&h, CSUM_OP_FLUSH, 0, 0, 0, NULL, &r);
		assert_int_equal(r.result, 0);
		assert_int_equal(h.n_log, i == 0 ? 0 : 2);
		h_fill(buf, 1, 1);
		h_request(&h, CSUM_OP_WRITE, 5, 1, CSUM_RQ_FUA | CSUM_RQ_PREFLUSH, buf, &r);
		assert_int_equal(r.result, 0);
		for (unsigned k = 0; k < h.n_log; k++)
			if (h.log[k].role == CSUM_ROLE_IMD_WRITE)
				imd_flags = h.log[k].flags;
		assert_int_equal(h.log[0].kind, i == 0 ? CSUM_IO_READ : CSUM_IO_FLUSH);
		assert_int_equal(imd_flags & CSUM_IOF_FUA, i == 0 ? 0 : CSUM_IOF_FUA);
		h_free(&h);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(d1_copy),    cmocka_unit_test(d2_split),
		cmocka_unit_test(d3_unlock),  cmocka_unit_test(d456_offsets),
		cmocka_unit_test(d7_relative), cmocka_unit_test(d8_errno),
		cmocka_unit_test(d9_twodev),  cmocka_unit_test(d10_flush),
	};

	fiu_init(0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
