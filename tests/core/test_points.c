#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fiu-control.h>
#include <fiu.h>

#include "core/points.h"
#include "tests/core/harness.h"

/* Fail only the nth call (0-based) of a point. */
struct nth {
	int n, calls;
};

static int fail_nth(const char *name, int *failnum, void **failinfo, unsigned int *flags)
{
	struct nth *x = *failinfo;

	(void)name;
	(void)failnum;
	(void)flags;
	return x->calls++ == x->n;
}

static void enable_nth(const char *name, struct nth *x, int n)
{
	x->n = n;
	x->calls = 0;
	assert_int_equal(fiu_enable_external(name, 1, x, 0, fail_nth), 0);
}

static void enable(const char *name)
{
	assert_int_equal(fiu_enable(name, 1, NULL, 0), 0);
}

static struct csum_table same130(void)
{
	struct csum_table t = { .len = 400, .placement = CSUM_PLACE_SAME };
	return t;
}

static void queue_nice_kmalloc(void **state)
{
	struct csum_table t = same130();
	struct harness h;
	uint8_t *buf = calloc(200, 512);
	struct h_result r;
	struct nth x;

	(void)state;
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	enable(P_QUEUE_NICE_KMALLOC);
	h_request(&h, CSUM_OP_READ, 3, 4, 0, buf, &r); /* nice: csum_map fails */
	assert_int_equal(r.map_result, -CSUM_ENOMEM);
	assert_int_equal(h.n_log, 0);
	fiu_disable(P_QUEUE_NICE_KMALLOC);

	/* evil 10+200: prelude, 2 middles, postlude; the 3rd queue fails */
	enable_nth(P_QUEUE_NICE_KMALLOC, &x, 2);
	h_request(&h, CSUM_OP_WRITE, 10, 200, 0, buf, &r);
	fiu_disable(P_QUEUE_NICE_KMALLOC);
	assert_int_equal(r.map_result, 0);
	assert_int_equal(r.n_pieces, 2);
	assert_int_equal(r.expected, 2);
	assert_true(r.completes);
	assert_int_equal(r.result, -CSUM_EIO);

	/* the prelude's queue fails: nothing pending, -ENOMEM */
	enable_nth(P_QUEUE_NICE_KMALLOC, &x, 0);
	h_request(&h, CSUM_OP_WRITE, 10, 200, 0, buf, &r);
	fiu_disable(P_QUEUE_NICE_KMALLOC);
	assert_int_equal(r.map_result, -CSUM_ENOMEM);
	assert_int_equal(r.n_pieces, 0);
	assert_false(h.lock_stuck);
	h_free(&h);
	free(buf);
}

static void evil_kmalloc(void **state)
{
	struct csum_table t = same130();
	struct harness h;
	uint8_t *buf = calloc(200, 512);
	struct h_result r;

	(void)state;
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	enable(P_EVIL_KMALLOC);
	h_request(&h, CSUM_OP_READ, 10, 200, 0, buf, &r);
	assert_int_equal(r.map_result, -CSUM_ENOMEM);
	assert_int_equal(h.n_log, 0);
	h_request(&h, CSUM_OP_READ, 10, 20, 0, buf, &r); /* nice: no peb */
	assert_int_equal(r.result, 0);
	fiu_disable(P_EVIL_KMALLOC);
	h_free(&h);
	free(buf);
}

static void prepare_nice_clone(void **state)
{
	struct csum_table t = same130();
	struct harness h;
	uint8_t *buf = calloc(200, 512);
	struct h_result r;
	struct nth x;

	(void)state;
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	/* the prelude's clone: -ENOMEM straight away */
	enable_nth(P_PREPARE_NICE_CLONE, &x, 0);
	h_request(&h, CSUM_OP_READ, 10, 200, 0, buf, &r);
	assert_int_equal(r.map_result, -CSUM_ENOMEM);
	fiu_disable(P_PREPARE_NICE_CLONE);
	/* the postlude's clone: 3 queued, 3 expected, the request fails */
	enable_nth(P_PREPARE_NICE_CLONE, &x, 3);
	h_request(&h, CSUM_OP_READ, 10, 200, 0, buf, &r);
	fiu_disable(P_PREPARE_NICE_CLONE);
	assert_int_equal(r.n_pieces, 3);
	assert_int_equal(r.expected, 3);
	assert_true(r.completes);
	assert_int_equal(r.result, -CSUM_EIO);
	/* no prelude (0+63): the first middle fails -> nothing pending */
	enable_nth(P_PREPARE_NICE_CLONE, &x, 0);
	h_request(&h, CSUM_OP_READ, 0, 63, 0, buf, &r);
	fiu_disable(P_PREPARE_NICE_CLONE);
	assert_int_equal(r.map_result, -CSUM_ENOMEM);
	/* no prelude, the postlude fails: the count now matches, no hang */
	enable_nth(P_PREPARE_NICE_CLONE, &x, 1);
	h_request(&h, CSUM_OP_READ, 0, 63, 0, buf, &r);
	fiu_disable(P_PREPARE_NICE_CLONE);
	assert_int_equal(r.n_pieces, 1);
	assert_int_equal(r.expected, 1);
	assert_true(r.completes);
	assert_int_equal(r.result, -CSUM_EIO);
	h_free(&h);
	free(buf);
}

/* An allocation before any I/O: -ENOMEM, no sub-I/O, semaphore never up()ed. */
static void before_io(const char *point, uint8_t op)
{
	struct csum_table t = same130();
	struct harness h;
	uint8_t buf[2 * 512];
	struct h_result r;

	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	h_fill(buf, 2, 1);
	enable(point);
	h_request(&h, op, 3, 2, 0, buf, &r);
	fiu_disable(point);
	assert_int_equal(r.map_result, 0);
	assert_int_equal(r.result, -CSUM_ENOMEM);
	assert_int_equal(h.n_log, 0);
	assert_true(h.lock_stuck);
	h_request(&h, CSUM_OP_READ, 100, 1, 0, buf, &r);
	assert_false(r.completes);
	h_free(&h);
}

static void read_allocs(void **state)
{
	(void)state;
	before_io(P_READ_NICE_KMALLOC, CSUM_OP_READ);
	before_io(P_DATA_READ_CLONE, CSUM_OP_READ);
	before_io(P_IMD_READ_PAGE, CSUM_OP_READ);
	before_io(P_IMD_READ_BIO, CSUM_OP_READ);
}

static void write_allocs(void **state)
{
	(void)state;
	before_io(P_WRITE_NICE_KMALLOC, CSUM_OP_WRITE);
	before_io(P_IMD_READ_PAGE, CSUM_OP_WRITE);
	before_io(P_IMD_READ_BIO, CSUM_OP_WRITE);
	/* the read path does not reach write_nice_bio */
	enable(P_WRITE_NICE_KMALLOC);
	{
		struct csum_table t = same130();
		struct harness h;
		uint8_t buf[512];
		struct h_result r;

		h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
		h_request(&h, CSUM_OP_READ, 3, 1, 0, buf, &r);
		assert_int_equal(r.result, 0);
		h_free(&h);
	}
	fiu_disable(P_WRITE_NICE_KMALLOC);
}

/* After the imd read: -ENOMEM, nothing written, semaphore held. */
static void after_imd_read(const char *point)
{
	struct csum_table t = same130();
	struct harness h;
	uint8_t buf[512], before[2 * 512];
	struct h_result r;

	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	memcpy(before, h_sector(&h, 0, 1), sizeof(before));
	h_fill(buf, 1, 1);
	enable(point);
	h_request(&h, CSUM_OP_WRITE, 3, 1, 0, buf, &r);
	fiu_disable(point);
	assert_int_equal(r.result, -CSUM_ENOMEM);
	assert_int_equal(h.n_log, 1);
	assert_int_equal(h.log[0].role, CSUM_ROLE_IMD_READ);
	assert_memory_equal(h_sector(&h, 0, 1), before, sizeof(before));
	assert_true(h.lock_stuck);
	h_free(&h);
}

static void write_stage_allocs(void **state)
{
	(void)state;
	after_imd_read(P_UPDATE_IMD_KMALLOC);
	after_imd_read(P_WRITE_STAGE1_CLONE);
}

static void verify_kmalloc(void **state)
{
	struct csum_table t = same130();
	struct harness h;
	uint8_t buf[512];
	struct h_result r;

	(void)state;
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	enable(P_VERIFY_CRC_KMALLOC);
	h_request(&h, CSUM_OP_READ, 3, 1, 0, buf, &r);
	assert_int_equal(r.result, -CSUM_ENOMEM);
	assert_int_equal(h.n_log, 2);
	assert_int_equal(r.verdict[0], CSUM_V_UNCHECKED);
	assert_false(h.lock_stuck); /* read_complete up()s first */
	h.fail_roles = 1u << CSUM_ROLE_DATA_READ;
	h_request(&h, CSUM_OP_READ, 3, 1, 0, buf, &r);
	assert_int_equal(r.result, -CSUM_EIO);
	fiu_disable(P_VERIFY_CRC_KMALLOC);
	h_free(&h);
}

/* Every exported point is one this file exercises. */
static void list_is_complete(void **state)
{
	static const char *const tested[] = {
		P_QUEUE_NICE_KMALLOC, P_EVIL_KMALLOC,	    P_PREPARE_NICE_CLONE, P_READ_NICE_KMALLOC,
		P_DATA_READ_CLONE,    P_IMD_READ_PAGE,	    P_IMD_READ_BIO,	  P_WRITE_NICE_KMALLOC,
		P_UPDATE_IMD_KMALLOC, P_WRITE_STAGE1_CLONE, P_VERIFY_CRC_KMALLOC,
	};
	size_t n = 0;

	(void)state;
	for (; csum_rfc_points[n] != NULL; n++) {
		bool found = false;

		for (size_t k = 0; k < sizeof(tested) / sizeof(tested[0]); k++)
			found |= strcmp(csum_rfc_points[n], tested[k]) == 0;
		assert_true(found);
		assert_memory_equal(csum_rfc_points[n], "rfc/", 4);
	}
	assert_int_equal(n, sizeof(tested) / sizeof(tested[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(queue_nice_kmalloc), cmocka_unit_test(evil_kmalloc),
		cmocka_unit_test(prepare_nice_clone), cmocka_unit_test(read_allocs),
		cmocka_unit_test(write_allocs),	      cmocka_unit_test(write_stage_allocs),
		cmocka_unit_test(verify_kmalloc),     cmocka_unit_test(list_is_complete),
	};
	if (fiu_init(0) != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
