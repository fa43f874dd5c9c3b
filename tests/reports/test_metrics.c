/* Histogram accuracy and merging, throughput bins, run_metrics growth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reports/metrics.h"
#include "util/rng.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Exact value at quantile q: the ceil(q*n)-th smallest. */
static uint64_t exact_quantile(const uint64_t *sorted, size_t n, double q)
{
	double r = q * (double)n;
	size_t rank = (size_t)r;
	if ((double)rank < r)
		rank++;
	if (rank == 0)
		rank = 1;
	return sorted[rank - 1];
}

/* Log-uniform values from 1 ns to ~10 s, plus a few exact small ones. */
static uint64_t *random_values(size_t n, uint64_t seed)
{
	struct cs_rng r;
	assert_int_equal(cs_rng_init(&r, seed, "test-hist"), 0);
	uint64_t *v = malloc(n * sizeof(*v));
	assert_non_null(v);
	for (size_t i = 0; i < n; i++) {
		if (i % 50 == 0)
			v[i] = cs_rng_below(&r, 64);
		else
			v[i] = (uint64_t)exp(cs_rng_unit(&r) * log(1e10)) + 1;
	}
	cs_rng_free(&r);
	return v;
}

static void test_hist_quantiles(void **state)
{
	(void)state;
	const size_t n = 200000;
	uint64_t *v = random_values(n, 42);
	struct hist *h = malloc(sizeof(*h));
	assert_non_null(h);
	hist_init(h);
	uint64_t sum = 0, mn = UINT64_MAX, mx = 0;
	for (size_t i = 0; i < n; i++) {
		hist_add(h, v[i]);
		sum += v[i];
		mn = v[i] < mn ? v[i] : mn;
		mx = v[i] > mx ? v[i] : mx;
	}
	assert_int_equal(h->count, n);
	assert_int_equal(h->sum, sum);
	assert_int_equal(h->min, mn);
	assert_int_equal(h->max, mx);
	qsort(v, n, sizeof(*v), cmp_u64);
	const double qs[] = { 0.0001, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 0.9999 };
	double worst = 0;
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		uint64_t want = exact_quantile(v, n, qs[i]);
		uint64_t got = hist_quantile(h, qs[i]);
		double rel = fabs((double)got - (double)want) / (double)(want ? want : 1);
		if (rel > worst)
			worst = rel;
		/* Upper edge of the right bucket: never below the truth. */
		assert_true(got >= want);
		assert_true(rel <= 0.016);
	}
	assert_true(worst > 0); /* buckets are not exact up there: the test measures something */
	assert_int_equal(hist_quantile(h, 0.0), mn);
	assert_int_equal(hist_quantile(h, 1.0), mx);
	free(h);
	free(v);
}

static void test_hist_small_exact(void **state)
{
	(void)state;
	struct hist *h = malloc(sizeof(*h));
	assert_non_null(h);
	hist_init(h);
	assert_int_equal(hist_quantile(h, 0.5), 0);
	for (uint64_t x = 1; x <= 10; x++)
		hist_add(h, x);
	assert_int_equal(hist_quantile(h, 0.5), 5);
	assert_int_equal(hist_quantile(h, 0.9), 9);
	assert_int_equal(hist_quantile(h, 0.91), 10);
	assert_int_equal(h->min, 1);
	assert_int_equal(h->sum, 55);
	/* One huge value (past the last power) still has an exact max. */
	hist_add(h, UINT64_MAX / 2);
	assert_int_equal(hist_quantile(h, 1.0), UINT64_MAX / 2);
	free(h);
}

static void test_hist_buckets(void **state)
{
	(void)state;
	struct hist *h = malloc(sizeof(*h));
	assert_non_null(h);
	size_t nb = (size_t)HIST_POW * HIST_SUB;
	for (size_t i = 0; i < nb; i++) {
		uint64_t lo = hist_bucket_low(i);
		if (i > 0)
			assert_true(lo > hist_bucket_low(i - 1));
		/* Width at most 1/64 of the lower edge above the exact range. */
		if (i >= HIST_SUB && i + 1 < nb)
			assert_true(hist_bucket_low(i + 1) - lo <= lo / 64);
		hist_init(h);
		hist_add(h, lo);
		assert_int_equal(h->bucket[i], 1);
		if (i + 1 < nb) {
			hist_init(h);
			hist_add(h, hist_bucket_low(i + 1) - 1);
			assert_int_equal(h->bucket[i], 1);
		}
	}
	free(h);
}

static void test_hist_merge(void **state)
{
	(void)state;
	const size_t n = 50000;
	uint64_t *v = random_values(n, 7);
	struct hist *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b)), *all = malloc(sizeof(*all));
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(all);
	hist_init(a);
	hist_init(b);
	hist_init(all);
	for (size_t i = 0; i < n; i++) {
		hist_add(i < n / 3 ? a : b, v[i]);
		hist_add(all, v[i]);
	}
	hist_merge(a, b);
	assert_memory_equal(a, all, sizeof(*a));
	/* Into an empty one, and an empty one into it. */
	hist_init(b);
	hist_merge(b, all);
	assert_memory_equal(b, all, sizeof(*b));
	hist_init(b);
	hist_merge(a, b);
	assert_memory_equal(a, all, sizeof(*a));
	free(a);
	free(b);
	free(all);
	free(v);
}

static void test_tput_doubling(void **state)
{
	(void)state;
	struct run_metrics *m = malloc(sizeof(*m));
	assert_non_null(m);
	run_metrics_init(m, "rfc", 1000);
	assert_int_equal(m->tput.bin_ns, 1000);
	run_metrics_tput_add(m, 0, CSUM_OP_READ, 100);
	run_metrics_tput_add(m, 1500, CSUM_OP_WRITE, 7);
	run_metrics_tput_add(m, 2500, CSUM_OP_WRITE, 5);
	run_metrics_tput_add(m, 2600, CSUM_OP_FLUSH, 999); /* no bytes counted */
	uint64_t last = (uint64_t)TPUT_MAX_BINS * 1000 - 1;
	run_metrics_tput_add(m, last, CSUM_OP_READ, 3);
	assert_int_equal(m->tput.n_bins, TPUT_MAX_BINS);
	assert_int_equal(m->tput.bin_ns, 1000);
	assert_int_equal(m->tput.write_bytes[1], 7);
	/* One past the end: bins double, pairs merge. */
	run_metrics_tput_add(m, last + 1, CSUM_OP_READ, 11);
	assert_int_equal(m->tput.bin_ns, 2000);
	assert_int_equal(m->tput.n_bins, TPUT_MAX_BINS / 2 + 1);
	assert_int_equal(m->tput.read_bytes[0], 100);
	assert_int_equal(m->tput.write_bytes[0], 7);
	assert_int_equal(m->tput.write_bytes[1], 5);
	assert_int_equal(m->tput.read_bytes[TPUT_MAX_BINS / 2 - 1], 3);
	assert_int_equal(m->tput.read_bytes[TPUT_MAX_BINS / 2], 11);
	for (uint32_t i = TPUT_MAX_BINS / 2 + 1; i < TPUT_MAX_BINS; i++)
		assert_int_equal(m->tput.read_bytes[i] + m->tput.write_bytes[i], 0);
	/* Far ahead: several doublings at once; totals are kept. */
	run_metrics_tput_add(m, 1000ull * 1000 * 1000 * 60, CSUM_OP_WRITE, 1);
	assert_true(m->tput.n_bins <= TPUT_MAX_BINS);
	assert_true((1000ull * 1000 * 1000 * 60) / m->tput.bin_ns < TPUT_MAX_BINS);
	assert_true((1000ull * 1000 * 1000 * 60) / (m->tput.bin_ns / 2) >= TPUT_MAX_BINS);
	uint64_t r = 0, w = 0;
	for (uint32_t i = 0; i < m->tput.n_bins; i++) {
		r += m->tput.read_bytes[i];
		w += m->tput.write_bytes[i];
	}
	assert_int_equal(r, 114);
	assert_int_equal(w, 13);
	assert_int_equal(m->tput.read_bytes[0], 114 - 0); /* all reads now in bin 0 */
	run_metrics_free(m);
	free(m);
}

static void test_run_metrics_growth(void **state)
{
	(void)state;
	struct run_metrics *m = malloc(sizeof(*m));
	assert_non_null(m);
	run_metrics_init(m, "a-very-long-variant-name-that-is-longer-than-the-sixty-four-byte-field",
			 0);
	assert_int_equal(strlen(m->variant), sizeof(m->variant) - 1);
	assert_int_equal(m->tput.bin_ns, 1000000);
	for (uint32_t i = 0; i < 100; i++) {
		struct crash_report c = { .index = i, .time_ns = i * 10 };
		assert_int_equal(run_metrics_add_crash(m, &c), 0);
	}
	for (uint64_t i = 0; i < 5000; i++) {
		struct req_record r = { .id = i, .oracle = 255 };
		assert_int_equal(run_metrics_add_record(m, &r), 0);
	}
	assert_int_equal(m->n_crashes, 100);
	assert_int_equal(m->crashes[99].time_ns, 990);
	assert_int_equal(m->n_records, 5000);
	assert_int_equal(m->records[4999].id, 4999);
	run_metrics_free(m);
	assert_null(m->crashes);
	assert_int_equal(m->n_records, 0);
	free(m);
}

static void test_names_and_rank(void **state)
{
	(void)state;
	assert_string_equal(oracle_class_name(ORC_FALSE_POS), "false_positive");
	assert_string_equal(oracle_class_name(99), "unknown");
	assert_string_equal(csum_op_name(CSUM_OP_DISCARD), "discard");
	assert_string_equal(csum_role_name(CSUM_ROLE_IMD_WRITE), "imd_write");
	assert_string_equal(csum_role_name(CSUM_ROLE_BITMAP_WRITE), "bitmap_write");
	assert_string_equal(csum_verdict_name(CSUM_V_OLDER), "older");
	assert_int_equal(oracle_class_worst(ORC_CORRECT, ORC_FALSE_POS), ORC_FALSE_POS);
	assert_int_equal(oracle_class_worst(ORC_FALSE_POS, ORC_DETECTED), ORC_DETECTED);
	assert_int_equal(oracle_class_worst(ORC_DETECTED, ORC_FALSE_POS), ORC_DETECTED);
	assert_int_equal(oracle_class_worst(ORC_SILENT, ORC_STALE), ORC_SILENT);
	assert_int_equal(oracle_class_worst(ORC_STALE, ORC_DETECTED), ORC_STALE);
	assert_int_equal(oracle_class_rank(ORC_CLASS_COUNT), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hist_quantiles),
		cmocka_unit_test(test_hist_small_exact),
		cmocka_unit_test(test_hist_buckets),
		cmocka_unit_test(test_hist_merge),
		cmocka_unit_test(test_tput_doubling),
		cmocka_unit_test(test_run_metrics_growth),
		cmocka_unit_test(test_names_and_rank),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
