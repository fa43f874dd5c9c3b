/* wilson95 against published values, and the names reports print. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "reports/metrics.h"

static void near(double got, double want)
{
	if (fabs(got - want) > 1e-6)
		fail_msg("got %.9f, want %.9f", got, want);
}

static void test_wilson_values(void **state)
{
	/* reference values: the Wilson score interval at z = 1.959963985 */
	static const struct {
		uint64_t k, n;
		double lo, hi;
	} t[] = {
		{ 5, 10, 0.2365930905, 0.7634069095 },
		{ 0, 10, 0.0, 0.2775328000 },
		{ 10, 10, 0.7224672000, 1.0 },
		{ 81, 263, 0.2552885199, 0.3662095770 },
		{ 1, 1, 0.2065493143, 1.0 },
		{ 999, 1000, 0.9943574414, 0.9998234536 },
	};
	double lo, hi;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		wilson95(t[i].k, t[i].n, &lo, &hi);
		near(lo, t[i].lo);
		near(hi, t[i].hi);
	}
	/* exact ends, and no data at all */
	wilson95(0, 7, &lo, &hi);
	assert_true(lo == 0.0);
	wilson95(7, 7, &lo, &hi);
	assert_true(hi == 1.0);
	wilson95(0, 0, &lo, &hi);
	assert_true(lo == 0.0 && hi == 1.0);
	/* the interval holds the estimate and narrows with n */
	for (uint64_t n = 1; n < 2000; n = n * 3 + 1) {
		double lo2, hi2;

		wilson95(n / 3, n, &lo, &hi);
		assert_true(lo <= (double)(n / 3) / (double)n && (double)(n / 3) / (double)n <= hi);
		wilson95(n / 3 * 4, n * 4, &lo2, &hi2);
		assert_true(hi2 - lo2 < hi - lo);
	}
}

static void test_names(void **state)
{
	static const char *const types[FT_COUNT] = {
		"cache_loss", "torn", "shorn", "lost_write", "misdirect",
		"bitrot", "lse", "io_error", "alloc",
	};
	static const char *const outs[FO_COUNT] = {
		"detected", "silent", "stale", "false_positive", "masked", "unread",
	};

	(void)state;
	assert_string_equal(fault_type_name(FT_CACHE_LOSS), "cache_loss");
	assert_string_equal(fault_type_name(FT_ALLOC), "alloc");
	for (int i = 0; i < FT_COUNT; i++)
		assert_string_equal(fault_type_name(i), types[i]);
	for (int i = 0; i < FO_COUNT; i++)
		assert_string_equal(fault_outcome_name(i), outs[i]);
	assert_string_equal(fault_outcome_name(FO_FALSE_POS), "false_positive");
	assert_string_equal(fault_type_name(-1), "unknown");
	assert_string_equal(fault_type_name(FT_COUNT), "unknown");
	assert_string_equal(fault_outcome_name(FO_COUNT), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wilson_values),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
