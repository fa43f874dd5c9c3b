/* util/keylog: keys kept in order with repeats, cleared, and given up past
 * KEYLOG_MAX (the media's write log and the oracle's change log rely on a
 * log that says when it is incomplete). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/keylog.h"

static void test_order_and_clear(void **state)
{
	struct keylog l = { 0 };

	(void)state;
	keylog_add(&l, 7);
	keylog_add(&l, 3);
	keylog_add(&l, 7);
	assert_false(l.failed);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.keys[0], 7);
	assert_int_equal(l.keys[1], 3);
	assert_int_equal(l.keys[2], 7);
	keylog_clear(&l);
	assert_int_equal(l.n, 0);
	keylog_add(&l, 9);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.keys[0], 9);
	keylog_free(&l);
	assert_null(l.keys);
}

static void test_bound(void **state)
{
	struct keylog l = { 0 };

	(void)state;
	for (uint64_t i = 0; i < KEYLOG_MAX; i++)
		keylog_add(&l, i);
	assert_false(l.failed);
	assert_int_equal(l.n, KEYLOG_MAX);
	assert_int_equal(l.keys[KEYLOG_MAX - 1], KEYLOG_MAX - 1);
	keylog_add(&l, 0);
	assert_true(l.failed); /* one more: incomplete, and said so */
	assert_int_equal(l.n, KEYLOG_MAX);
	keylog_add(&l, 1);
	assert_int_equal(l.n, KEYLOG_MAX);
	keylog_clear(&l); /* a clear starts a complete log again */
	assert_false(l.failed);
	keylog_add(&l, 5);
	assert_int_equal(l.n, 1);
	keylog_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_clear),
		cmocka_unit_test(test_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
