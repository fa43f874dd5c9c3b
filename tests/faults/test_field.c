/* Field fault models (faults/field.c): the presets' figures, the rates the
 * process produces against them, spatial and temporal locality, mismatches
 * after writes, and correlation that hits both metadata copies only when
 * they lie within span. Layout: fake_variant.h. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_variant.h"
#include "faults/faults.h"
#include "faults/field_priv.h"

static struct sc_field_faults unset(uint8_t preset)
{
	struct sc_field_faults f;

	f.preset = preset;
	f.lse_per_drive_year = f.cm_per_drive_year = f.drive_tb = f.accel = -1;
	f.lse_sectors = f.cm_sectors = f.repeat = f.repeat_hours = -1;
	f.after_write = f.correlate = -1;
	f.span = UINT64_MAX;
	return f;
}

static struct fault_set *new_set(struct fixture *f, const struct sc_faults *c, uint64_t seed)
{
	struct cs_err err;
	struct fault_set *fs = fault_set_new(c, seed, &f->env, &err);

	if (fs == NULL)
		fail_msg("fault_set_new: %s", err.msg);
	return fs;
}

static void busy(void *arg, uint64_t until)
{
	struct engine *e = arg;

	if (e->now + 1000000 <= until)
		engine_after(e, 1000000, busy, e, until);
}

static void run_for(struct fixture *f, struct fault_set *fs, uint64_t T)
{
	assert_int_equal(engine_at(&f->e, f->e.now, busy, &f->e, f->e.now + T), 0);
	assert_int_equal(fault_set_start(fs), 0);
	for (long i = 0; i < 100000000L && engine_step(&f->e); i++)
		;
	assert_int_equal(engine_pending(&f->e), 0);
}

/* |x - mu| within 4 standard deviations of a Poisson(mu): for a fixed seed
 * the test is deterministic; 4 sd is where a correct model fails about once
 * in 16,000 seeds, a wrong rate by 20% at mu = 1000 fails always (6.3 sd). */
static void assert_poisson(double x, double mu)
{
	if (!(fabs(x - mu) <= 4 * sqrt(mu)))
		fail_msg("count %.0f, expected %.1f +- %.1f (4 sd)", x, mu, 4 * sqrt(mu));
}

/* ---- presets: the documented figures ----------------------------------- */

static void test_preset_figures(void **state)
{
	struct sc_field_faults in;
	struct field_params p;
	const double cm_pop = 400000.0 / (1.53e6 * 41.0 / 12.0);

	(void)state;
	in = unset(SC_FIELD_NEARLINE_HDD);
	field_resolve(&in, &p);
	assert_true(fabs(p.lse_per_drive_year - 0.032006) < 1e-5); /* -ln(1 - 3.15%) */
	assert_true(fabs(p.cm_per_drive_year - cm_pop) < 1e-12);
	assert_true(fabs(cm_pop - 0.07654) < 1e-4);
	in = unset(SC_FIELD_ENTERPRISE_HDD);
	field_resolve(&in, &p);
	assert_true(fabs(p.lse_per_drive_year - 0.014708) < 1e-5); /* -ln(1 - 1.46%) */
	assert_true(fabs(p.cm_per_drive_year - cm_pop / 10) < 1e-12);
	in = unset(SC_FIELD_CONSUMER_SSD);
	field_resolve(&in, &p);
	assert_int_equal(p.span, 0);
	assert_true(p.lse_sectors == 1 && p.cm_sectors == 1);
	/* each key overrides its own figure only */
	in = unset(SC_FIELD_NEARLINE_HDD);
	in.accel = 5;
	in.span = 7;
	field_resolve(&in, &p);
	assert_true(p.accel == 5 && p.span == 7);
	assert_true(fabs(p.lse_per_drive_year - 0.032006) < 1e-5);
	/* none: off */
	in = unset(SC_FIELD_NONE);
	field_resolve(&in, &p);
	assert_false(field_active(&p));
}

/* The process against the figures: first episodes of each kind at the
 * preset's rate per TB-year over the exposure the model integrated. */
static void test_preset_rates(void **state)
{
	(void)state;
	for (uint8_t preset = SC_FIELD_NEARLINE_HDD; preset <= SC_FIELD_ENTERPRISE_HDD; preset++) {
		struct fixture f;
		struct sc_faults c = faults_off();
		struct fault_set *fs;
		struct field_params p;
		struct field_stats st;
		double tb_years, mu_lse, mu_cm;

		fixture_init(&f);
		fixture_write(&f, 0, FAKE_DEV_SECTORS);
		c.field = unset(preset);
		/* ~1000 first mismatch episodes in 10 s on 56 KB */
		c.field.accel = preset == SC_FIELD_NEARLINE_HDD ? 2.5e17 : 2.5e18 / 1.5;
		c.field.lse_sectors = 1;
		c.field.cm_sectors = 1;
		c.field.repeat = 0; /* first episodes only: a plain Poisson count */
		fs = new_set(&f, &c, 11);
		run_for(&f, fs, UINT64_C(10000000000));
		assert_true(fault_set_field(fs, &p, &st));
		tb_years = st.tb_ns / FIELD_NS_PER_YEAR * p.accel;
		/* the exposure is the written TB over the busy time */
		assert_true(fabs(st.tb_ns - FAKE_DEV_SECTORS * 512e-12 * 1e10) <
			    FAKE_DEV_SECTORS * 512e-12 * 2e6);
		mu_lse = field_lse_episodes_per_tb_year(&p) * tb_years;
		mu_cm = field_cm_episodes_per_tb_year(&p) * tb_years;
		assert_true(mu_cm > 200 && mu_lse > 100);
		assert_poisson((double)st.episodes[0], mu_lse);
		assert_poisson((double)st.episodes[1], mu_cm);
		assert_int_equal(fault_set_injected(fs, FT_LSE), st.episodes[0]);
		assert_int_equal(fault_set_injected(fs, FT_BITROT), st.episodes[1]);
		fault_set_free(fs);
		fixture_free(&f);
	}
}

/* ---- locality ----------------------------------------------------------- */

/* Spatial: every sector of an episode within span of its first; with span 0
 * and a mean of 4 sectors, one sector only. */
static void test_spatial_locality(void **state)
{
	(void)state;
	for (uint64_t span = 0; span <= 3; span += 3) {
		struct fixture f;
		struct sc_faults c = faults_off();
		struct fault_set *fs;
		const struct fault_hooks *h;
		uint64_t total = 0;

		fixture_init(&f);
		fixture_write(&f, 0, 100);
		c.field = unset(SC_FIELD_NEARLINE_HDD);
		c.field.lse_sectors = 4;
		c.field.span = span;
		c.field.repeat = 0;
		fs = new_set(&f, &c, 3);
		h = fault_set_hooks(fs);
		for (int ep = 0; ep < 200; ep++) {
			uint64_t lo = UINT64_MAX, hi = 0, n = 0;

			/* a fresh LSE set per episode: clear what the last one marked */
			for (uint64_t s = 0; s < FAKE_DEV_SECTORS; s++)
				fault_lse_clear(fs, 0, s);
			assert_int_equal(field_episode(fs, fs->field, FIELD_LSE, NULL, 0), 0);
			for (uint64_t s = 0; s < FAKE_DEV_SECTORS; s++)
				if (h->on_read(h->ctx, 0, s)) {
					lo = s < lo ? s : lo;
					hi = s > hi ? s : hi;
					n++;
				}
			assert_true(n >= 1);
			assert_true(hi - lo <= 2 * span);
			total += n;
		}
		if (span == 0)
			assert_int_equal(total, 200);
		else /* geometric, mean 4, capped by the 7 sectors of +-3 */
			assert_true(total > 400);
		fault_set_free(fs);
		fixture_free(&f);
	}
}

/* Temporal: follow-ups with probability repeat, after gaps of mean
 * repeat_hours / accel, near their predecessor. */
static void test_temporal_locality(void **state)
{
	struct fixture f;
	struct sc_faults c = faults_off();
	struct fault_set *fs;
	struct field_stats st;
	double n, k, sd;

	(void)state;
	fixture_init(&f);
	fixture_write(&f, 0, FAKE_DEV_SECTORS);
	c.field = unset(SC_FIELD_NEARLINE_HDD);
	c.field.accel = 2.5e17;
	c.field.repeat = 0.5;
	c.field.repeat_hours = 1e-6; /* 3.6 ms field time: at once in simulated time */
	fs = new_set(&f, &c, 9);
	run_for(&f, fs, UINT64_C(10000000000));
	assert_true(fault_set_field(fs, NULL, &st));
	/* each episode is followed with probability repeat: binomial */
	n = (double)(st.episodes[0] + st.episodes[1]);
	k = (double)(st.followups[0] + st.followups[1]);
	sd = sqrt(n * 0.5 * 0.5);
	assert_true(n > 300);
	assert_true(fabs(k - 0.5 * n) <= 4 * sd);
	fault_set_free(fs);
	/* off: no follow-ups at all */
	c.field.repeat = 0;
	fs = new_set(&f, &c, 9);
	run_for(&f, fs, UINT64_C(1000000000));
	assert_true(fault_set_field(fs, NULL, &st));
	assert_int_equal(st.followups[0] + st.followups[1], 0);
	fault_set_free(fs);
	fixture_free(&f);
}

/* Mismatches after writes start on the last written sectors. */
static void test_after_write(void **state)
{
	struct fixture f;
	struct sc_faults c = faults_off();
	struct fault_set *fs;
	const struct fault_hooks *h;
	struct field_stats st;
	uint8_t before[CSUM_SECTOR], after[CSUM_SECTOR];
	struct fault_persist p = { .dev = 0, .sector = 42, .count = 1, .persist_mask = ~0ull };

	(void)state;
	fixture_init(&f);
	fixture_write(&f, 0, 100);
	c.field = unset(SC_FIELD_NEARLINE_HDD);
	c.field.after_write = 1;
	c.field.cm_sectors = 1;
	c.field.repeat = 0;
	fs = new_set(&f, &c, 4);
	h = fault_set_hooks(fs);
	h->on_persist(h->ctx, &p);
	media_read(f.m, 0, 42, before);
	for (int i = 0; i < 10; i++)
		assert_int_equal(field_episode(fs, fs->field, FIELD_CM, NULL, 0), 0);
	media_read(f.m, 0, 42, after);
	assert_true(fault_set_field(fs, NULL, &st));
	assert_int_equal(st.after_write, 10);
	assert_int_equal(st.sectors[1], 10);
	assert_true(bits_differ(before, after) > 0);
	fault_set_free(fs);
	fixture_free(&f);
}

/* Correlation: an episode on one copy of a group's metadata (sectors 100,
 * 101: one apart) hits the other copy only when span reaches it. */
static void test_correlation_only_when_close(void **state)
{
	(void)state;
	for (uint64_t span = 0; span <= 1; span++) {
		struct fixture f;
		struct sc_faults c = faults_off();
		struct fault_set *fs;
		const struct fault_hooks *h;
		struct field_stats st;

		fixture_init(&f);
		fixture_write(&f, 100, 2); /* only the two copies are written */
		c.field = unset(SC_FIELD_NEARLINE_HDD);
		c.field.lse_sectors = 1;
		c.field.span = span;
		c.field.repeat = 0;
		c.field.correlate = 1;
		fs = new_set(&f, &c, 21);
		h = fault_set_hooks(fs);
		assert_int_equal(field_episode(fs, fs->field, FIELD_LSE, NULL, 0), 0);
		assert_int_equal(h->on_read(h->ctx, 0, 100) + h->on_read(h->ctx, 0, 101),
				 span == 0 ? 1 : 2);
		assert_true(fault_set_field(fs, NULL, &st));
		assert_int_equal(st.correlated, span == 0 ? 0 : 1);
		fault_set_free(fs);
		fixture_free(&f);
	}
}

/* Same seed, same faults; the clone carries the model on independently. */
static void test_clone_and_determinism(void **state)
{
	struct field_stats a, b;

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct fixture f;
		struct sc_faults c = faults_off();
		struct fault_set *fs, *cl;

		fixture_init(&f);
		fixture_write(&f, 0, FAKE_DEV_SECTORS);
		c.field = unset(SC_FIELD_NEARLINE_HDD);
		c.field.accel = 2.5e17;
		fs = new_set(&f, &c, 8);
		run_for(&f, fs, UINT64_C(1000000000));
		cl = fault_set_clone(fs);
		assert_non_null(cl);
		assert_true(fault_set_field(fs, NULL, i == 0 ? &a : &b));
		fault_set_free(cl);
		fault_set_free(fs);
		fixture_free(&f);
	}
	assert_memory_equal(&a, &b, sizeof(a));
}

static void test_bad_parameters(void **state)
{
	struct fixture f;
	struct sc_faults c = faults_off();
	struct cs_err err;

	(void)state;
	fixture_init(&f);
	c.field = unset(SC_FIELD_NEARLINE_HDD);
	c.field.repeat = 1; /* clusters would never end */
	assert_null(fault_set_new(&c, 1, &f.env, &err));
	assert_non_null(strstr(err.msg, "faults.field"));
	c.field = unset(9);
	assert_null(fault_set_new(&c, 1, &f.env, &err));
	fixture_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_preset_figures),
		cmocka_unit_test(test_preset_rates),
		cmocka_unit_test(test_spatial_locality),
		cmocka_unit_test(test_temporal_locality),
		cmocka_unit_test(test_after_write),
		cmocka_unit_test(test_correlation_only_when_close),
		cmocka_unit_test(test_clone_and_determinism),
		cmocka_unit_test(test_bad_parameters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
