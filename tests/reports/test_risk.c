/* Risk per TB-year (reports/risk.c): the Garwood interval covers the true
 * Poisson mean at least 95% of the time on synthetic counts, the rates are
 * counts over the exposure, the analytic estimate follows the tag size,
 * and the expect metrics read the same numbers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "reports/expect.h"
#include "reports/risk.h"
#include "scenarios/sc_expect.h"

static void test_poisson95_known_values(void **state)
{
	double lo, hi;

	(void)state;
	/* k = 0: [0, 3.689] (the "rule of three" and a bit) */
	poisson95(0, &lo, &hi);
	assert_true(lo == 0 && fabs(hi - 3.6889) < 1e-3);
	/* k = 10: [4.795, 18.39] (Garwood's table) */
	poisson95(10, &lo, &hi);
	assert_true(fabs(lo - 4.7954) < 1e-3 && fabs(hi - 18.390) < 1e-2);
}

/* The truth is known: draw Poisson(mu) counts, the interval must contain
 * mu in at least 95% of draws. With N draws the observed coverage of a
 * correct 95% interval falls below 0.95 - 4 sqrt(0.05 x 0.95 / N) with
 * probability about 3e-5 (and the seed is fixed). */
static void test_interval_covers_truth(void **state)
{
	const double mus[] = { 0.3, 2.5, 17, 240 };
	const int N = 4000;
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);

	(void)state;
	gsl_rng_set(g, 2026);
	for (size_t i = 0; i < sizeof(mus) / sizeof(mus[0]); i++) {
		int in = 0;

		for (int t = 0; t < N; t++) {
			double lo, hi;
			unsigned k = gsl_ran_poisson(g, mus[i]);

			poisson95(k, &lo, &hi);
			in += lo <= mus[i] && mus[i] <= hi;
		}
		if ((double)in / N < 0.95 - 4 * sqrt(0.05 * 0.95 / N))
			fail_msg("mu %g: coverage %.4f", mus[i], (double)in / N);
	}
	gsl_rng_free(g);
}

static struct run_metrics *synthetic(const char *variant)
{
	struct run_metrics *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	snprintf(m->variant, sizeof(m->variant), "%s", variant);
	m->stalled_at = UINT64_MAX;
	m->field.on = true;
	snprintf(m->field.preset, sizeof(m->field.preset), "nearline-hdd");
	m->field.tb_years = 500;
	m->field.cm_per_tb_year = 0.02;
	m->field.cm_sectors = 4;
	m->field.episodes[0] = 60;
	m->field.episodes[1] = 40;
	m->faults.n[FT_BITROT][FO_SILENT] = 10;
	m->faults.n[FT_LSE][FO_DETECTED] = 60;
	m->faults.n[FT_BITROT][FO_DETECTED] = 30;
	m->reads.sectors[ORC_SILENT] = 25;
	m->reads.sectors[ORC_FALSE_POS] = 200;
	return m;
}

static void test_rates_and_analytic(void **state)
{
	struct run_metrics *m = synthetic("rfc");
	struct rep_risk r;
	double lo, hi, v;
	char why[160];

	(void)state;
	rep_risk(m, &r);
	assert_true(r.on);
	assert_int_equal(r.undetected, 10);
	assert_true(fabs(r.undetected_rate - 10.0 / 500) < 1e-12);
	poisson95(10, &lo, &hi);
	assert_true(fabs(r.undetected_lo - lo / 500) < 1e-12);
	assert_true(fabs(r.undetected_hi - hi / 500) < 1e-12);
	assert_int_equal(r.undetected_sectors, 25);
	assert_int_equal(r.refused_sectors, 200);
	assert_true(fabs(r.refused_sectors_rate - 200.0 / 500) < 1e-12);
	/* sectors: 200 over the 100 judged episodes, times their interval */
	poisson95(100, &lo, &hi);
	assert_true(fabs(r.refused_sectors_hi - hi * 2 / 500) < 1e-12);
	/* CRC-CCITT against an even number of flipped bits: 4 sectors x 2^-15 */
	assert_int_equal(r.tag_bits, 16);
	assert_true(fabs(r.analytic_undetected - 0.02 * 4 / 32768.0) < 1e-15);
	/* the expect metrics are these numbers */
	assert_int_equal(expect_measure(SCM_RISK_UNDETECTED, m, NULL, &v, why, sizeof(why)), 0);
	assert_true(v == r.undetected_rate);
	assert_int_equal(expect_measure(SCM_RISK_REFUSED_HI, m, NULL, &v, why, sizeof(why)), 0);
	assert_true(v == r.refused_sectors_hi);
	/* none: every mismatch read back is missed */
	snprintf(m->variant, sizeof(m->variant), "none");
	rep_risk(m, &r);
	assert_true(fabs(r.analytic_undetected - 0.02) < 1e-15);
	assert_int_equal(risk_tag_bits("fixed-strong"), 64);
	assert_int_equal(risk_tag_bits("dmi-journal"), 32);
	/* no field model: undefined, with why */
	m->field.on = false;
	assert_int_equal(expect_measure(SCM_RISK_UNDETECTED, m, NULL, &v, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "faults.field"));
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_poisson95_known_values),
		cmocka_unit_test(test_interval_covers_truth),
		cmocka_unit_test(test_rates_and_analytic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
