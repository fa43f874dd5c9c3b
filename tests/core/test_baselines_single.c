/* Baseline "single": in-place checksums, no ordering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/baseline_util.h"
#include "core/baselines.h"
#include "core/crc_ccitt.h"
#include "tests/core/test_baselines_util.h"

static const struct csum_table T = { .begin = 10, .len = 300, .data_start = 5 };

static void setup(struct bt *b)
{
	struct csum_options o = { .flush_policy = CSUM_FLUSH_DROP };

	bt_init(b, &csum_variant_single, &T, &o);
}

static void read_after_write(void **state)
{
	struct bt b;

	(void)state;
	setup(&b);
	assert_int_equal(csum_variant_single.lock_scope, CSUM_LOCK_GROUP);
	/* 300 sectors: 4 full groups + 52, one checksum sector each */
	assert_int_equal(b.n, 5 + 4 * 63 + 53);
	assert_int_equal(bt_read_is(&b, 10, 300, 0), 1); /* a fresh device verifies */
	assert_int_equal(b.verdict[0], CSUM_V_NEWER);

	/* 130 sectors from dm 70 (relative 60): groups 0..3, four pieces */
	assert_int_equal(bt_write(&b, 70, 130, 1, 0), 0);
	assert_int_equal(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_DATA_WRITE), 4);
	assert_int_equal(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_IMD_WRITE), 4);
	assert_int_equal(bt_count_role(&b, CSUM_IO_READ, CSUM_ROLE_IMD_READ), 4);
	assert_int_equal(b.crc_bytes, 130 * 512);
	assert_int_equal(bt_read_is(&b, 70, 130, 1), 1);
	for (unsigned i = 0; i < 130; i++)
		assert_int_equal(b.verdict[i], CSUM_V_NEWER);
	assert_int_equal(bt_read_is(&b, 10, 60, 0), 1);
	assert_int_equal(bt_read_is(&b, 200, 110, 0), 1);

	/* the data sit where locate() says, the checksum in its tuple */
	{
		struct csum_location l;
		uint8_t want[512];

		csum_variant_single.locate(b.ctx, 75, &l);
		bt_content(want, 75, 1, 1);
		assert_memory_equal(bt_sec(&b, l.data_sector), want, 512);
		assert_int_equal(l.n_meta, 1);
		assert_int_equal(l.meta_sector[0], 5 + 63); /* group 1 */
		assert_int_equal(bu_tuple(bt_sec(&b, l.meta_sector[0]), 65 - 62),
				 crc_ccitt(0, want, 512));
	}
	bt_free(&b);
}

static void unordered_writes_and_flags(void **state)
{
	struct bt b;
	uint8_t out[512];

	(void)state;
	setup(&b);
	assert_int_equal(bt_write(&b, 20, 4, 1, CSUM_RQ_FUA | CSUM_RQ_PREFLUSH), 0);
	/* flush, checksum read, then both writes in one step, no barrier */
	assert_int_equal(b.n_log, 4);
	assert_int_equal(b.log[0].kind, CSUM_IO_FLUSH);
	assert_int_equal(b.log[1].role, CSUM_ROLE_IMD_READ);
	assert_int_equal(b.log[2].role, CSUM_ROLE_IMD_WRITE);
	assert_int_equal(b.log[3].role, CSUM_ROLE_DATA_WRITE);
	assert_int_equal(b.steps, 3);
	for (unsigned i = 2; i < 4; i++) {
		assert_true(b.log[i].flags & CSUM_IOF_FUA);
		assert_false(b.log[i].flags & CSUM_IOF_BARRIER);
	}
	assert_int_equal(bt_write(&b, 20, 4, 2, 0), 0);
	assert_int_equal(b.n_log, 3);
	assert_false(b.log[2].flags & CSUM_IOF_FUA);
	/* user flushes are forwarded whatever flush_policy says */
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	assert_int_equal(b.n_log, 1);
	assert_int_equal(b.log[0].kind, CSUM_IO_FLUSH);
	assert_int_equal(bt_rq(&b, CSUM_OP_DISCARD, 20, 4, 0, NULL), 0);
	assert_int_equal(b.n_log, 0);
	/* out of range: refused at split */
	assert_int_equal(bt_rq(&b, CSUM_OP_READ, 305, 6, 0, out), -CSUM_EINVAL);
	assert_int_equal(bt_rq(&b, CSUM_OP_READ, 9, 1, 0, out), -CSUM_EINVAL);
	bt_free(&b);
}

static bool keep_role(void *arg, size_t i, const struct bt_cached *c)
{
	(void)i;
	return c->role == *(uint8_t *)arg;
}

/* A crash between the two unordered writes rejects good data. */
static void torn_pair_is_a_false_positive(void **state)
{
	static const uint8_t roles[2] = { CSUM_ROLE_DATA_WRITE, CSUM_ROLE_IMD_WRITE };

	(void)state;
	for (unsigned k = 0; k < 2; k++) {
		struct bt b;
		uint8_t role = roles[k];
		uint8_t want[512];

		setup(&b);
		b.cache_on = true;
		assert_int_equal(bt_write(&b, 100, 8, 1, 0), 0);
		assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
		assert_int_equal(bt_write(&b, 100, 8, 2, 0), 0);
		assert_int_equal(bt_crash(&b, keep_role, &role), 0);
		assert_int_equal(bt_read_is(&b, 100, 8, 2), -CSUM_EIO);
		assert_int_equal(b.verdict[0], CSUM_V_MISMATCH);
		assert_int_equal(b.verdict[7], CSUM_V_MISMATCH);
		/* what sits there is a version the user wrote: good data */
		bt_content(want, 100, 1, role == CSUM_ROLE_DATA_WRITE ? 2 : 1);
		assert_memory_equal(bt_sec(&b, 5 + 63 + 1 + 28), want, 512);
		/* the rest of the group is untouched */
		assert_int_equal(bt_read_is(&b, 72, 28, 0), 1);
		bt_free(&b);
	}
	{
		struct bt b;

		setup(&b);
		b.cache_on = true;
		assert_int_equal(bt_write(&b, 100, 8, 1, 0), 0);
		assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
		assert_int_equal(bt_write(&b, 100, 8, 2, CSUM_RQ_FUA), 0);
		assert_int_equal(bt_crash(&b, NULL, NULL), 0); /* nothing cached survives */
		assert_int_equal(bt_read_is(&b, 100, 8, 2), 1); /* FUA: both durable */
		bt_free(&b);
	}
}

static void rot_detected(void **state)
{
	struct bt b;
	struct csum_location l;

	(void)state;
	setup(&b);
	assert_int_equal(bt_write(&b, 200, 10, 1, 0), 0);
	csum_variant_single.locate(b.ctx, 204, &l);
	bt_sec(&b, l.data_sector)[17] ^= 0x10;
	assert_int_equal(bt_read_is(&b, 200, 10, 1), -CSUM_EIO);
	assert_int_equal(b.verdict[3], CSUM_V_NEWER);
	assert_int_equal(b.verdict[4], CSUM_V_MISMATCH);
	assert_int_equal(b.verdict[5], CSUM_V_NEWER);
	/* a checksum sector with a bad header judges its whole group bad */
	bt_sec(&b, l.meta_sector[0])[0] ^= 1;
	assert_int_equal(bt_read_is(&b, 200, 2, 1), -CSUM_EIO);
	/* and the next write there repairs the header, keeping the tuples */
	assert_int_equal(bt_write(&b, 200, 1, 3, 0), 0);
	assert_int_equal(bt_read_is(&b, 201, 2, 1), 1);
	bt_free(&b);
}

static void locks_init_and_errors(void **state)
{
	struct bt b;
	struct csum_table sep = T;
	struct csum_options o = { 0 };
	struct csum_piece p = { .sector = 10 + 124, .count = 3 };
	const char *why = NULL;
	uint8_t ctx[256];

	(void)state;
	assert_true(csum_variant_single.ctx_size <= sizeof(ctx));
	sep.placement = CSUM_PLACE_SEPARATE;
	assert_int_equal(csum_variant_single.init(ctx, &sep, &o, &why), -1);
	assert_non_null(strstr(why, "placement"));
	sep = T;
	sep.len = 0;
	assert_int_equal(csum_variant_single.init(ctx, &sep, &o, &why), -1);
	setup(&b);
	assert_int_equal(csum_variant_single.lock_key(b.ctx, &p), 2);
	b.fail_roles = 1u << CSUM_ROLE_IMD_READ;
	assert_int_equal(bt_write(&b, 20, 4, 1, 0), -CSUM_EIO);
	assert_false(b.lock_stuck);
	assert_int_equal(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_DATA_WRITE), 0);
	b.fail_roles = 1u << CSUM_ROLE_DATA_WRITE;
	assert_int_equal(bt_write(&b, 20, 4, 1, 0), -CSUM_EIO);
	b.fail_roles = 0;
	assert_int_equal(bt_read_is(&b, 20, 4, 0), -CSUM_EIO); /* the tuple landed alone */
	bt_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_after_write),
		cmocka_unit_test(unordered_writes_and_flags),
		cmocka_unit_test(torn_pair_is_a_false_positive),
		cmocka_unit_test(rot_detected),
		cmocka_unit_test(locks_init_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
