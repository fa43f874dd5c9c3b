#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/core/harness.h"

static void linear_and_flags(void **state)
{
	struct csum_table t = { .begin = 100, .len = 1000, .data_start = 7 };
	struct harness h;
	uint8_t *buf = malloc(200 * 512), *out = malloc(200 * 512);
	struct h_result r;

	(void)state;
	assert_non_null(buf);
	assert_non_null(out);
	h_init(&h, "none", &t, CSUM_FLUSH_DROP);
	assert_int_equal(h.ops->lock_scope, CSUM_LOCK_NONE);
	assert_int_equal(h.dev_n[0], 1007);
	h_fill(buf, 200, 3);
	h_request(&h, CSUM_OP_WRITE, 150, 200, CSUM_RQ_PREFLUSH | CSUM_RQ_FUA | CSUM_RQ_AHEAD, buf,
		  &r);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.n_pieces, 1); /* no split */
	assert_int_equal(h.n_log, 1);
	assert_int_equal(h.log[0].sector, 57);
	assert_int_equal(h.log[0].flags, CSUM_IOF_PREFLUSH | CSUM_IOF_FUA);
	assert_memory_equal(h_sector(&h, 0, 57), buf, 200 * 512);
	h_request(&h, CSUM_OP_READ, 150, 200, 0, out, &r);
	assert_int_equal(r.result, 0);
	assert_memory_equal(out, buf, 200 * 512);
	assert_null(h.ops->verdicts(h.job));

	h_request(&h, CSUM_OP_FLUSH, 0, 0, 0, NULL, &r);
	assert_int_equal(h.n_log, 1);
	assert_int_equal(h.log[0].kind, CSUM_IO_FLUSH);
	h_request(&h, CSUM_OP_DISCARD, 150, 8, 0, NULL, &r);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.n_pieces, 0);
	assert_int_equal(h.n_log, 0);
	h.fail_roles = 1u << CSUM_ROLE_DATA_READ;
	h_request(&h, CSUM_OP_READ, 150, 1, 0, out, &r);
	assert_int_equal(r.result, -CSUM_EIO);
	h_free(&h);
	free(buf);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(linear_and_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
