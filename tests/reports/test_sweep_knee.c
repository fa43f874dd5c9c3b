/* The knee of a time-scaling sweep, on hand-built runs whose answer is
 * known: two schemes, three rates, one of them failing by saturation, one
 * by its p99, one replica of three failing alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reports/sweep_knee.h"

static void param(struct scenario *sc, uint32_t i, const char *key, const char *const *v,
		  uint32_t n)
{
	snprintf(sc->sweep.params[i].key, sizeof(sc->sweep.params[i].key), "%s", key);
	sc->sweep.params[i].n_values = n;
	for (uint32_t k = 0; k < n; k++)
		snprintf(sc->sweep.params[i].values[k], sizeof(sc->sweep.params[i].values[k]), "%s",
			 v[k]);
}

/* variant x time_scale x 3 replicas; p99 in ms and saturation per run */
static void run(struct sw_data *d, uint32_t variant, uint32_t scale, uint32_t rep, double p99_ms,
		bool saturated)
{
	struct sw_run *r = &d->runs[d->n++];

	memset(r, 0, sizeof(*r));
	r->co.value[0] = variant;
	r->co.value[1] = scale;
	r->co.replica = rep;
	r->v[SCM_LATENCY_P99_NS] = p99_ms * 1e6;
	r->def[SCM_LATENCY_P99_NS] = true;
	r->v[SCM_SATURATED] = saturated;
	r->def[SCM_SATURATED] = true;
	r->def[SCM_STALLED] = true;
}

static void test_knee(void **state)
{
	static const char *const variants[] = {"fast", "slow"};
	/* listed fast to slow on purpose: the knee orders them itself */
	static const char *const scales[] = {"0.25", "1", "4"};
	struct scenario *sc = malloc(sizeof(*sc));
	struct sw_data d = {0};
	struct sw_knee_row rows[4];

	(void)state;
	assert_non_null(sc);
	scenario_defaults(sc);
	param(sc, 0, "variant", variants, 2);
	param(sc, 1, "host.time_scale", scales, 3);
	sc->sweep.n_params = 2;
	sc->sweep.replicas = 3;
	sc->sweep.knee_p99_ms = 10;
	d.sc = sc;
	d.runs = calloc(18, sizeof(*d.runs));
	assert_non_null(d.runs);
	for (uint32_t rep = 0; rep < 3; rep++) {
		/* fast: fine at x0.25 and x1, p99 12 ms at x4 in one replica only */
		run(&d, 0, 2, rep, 1, false);
		run(&d, 0, 1, rep, 2, false);
		run(&d, 0, 0, rep, rep == 1 ? 12 : 3, false);
		/* slow: fine at x0.25, saturated at x1 and x4 */
		run(&d, 1, 2, rep, 4, false);
		run(&d, 1, 1, rep, 50, true);
		run(&d, 1, 0, rep, 900, true);
	}
	assert_int_equal(sw_knee(&d, rows, 4), 2);
	assert_string_equal(rows[0].label, "variant=fast");
	assert_true(rows[0].knee_rate == 1);
	assert_true(rows[0].p99_ns_at_knee == 2e6);
	assert_true(rows[0].fail_rate == 4);
	assert_string_equal(rows[0].fail_why, "p99 12 ms");
	assert_string_equal(rows[1].label, "variant=slow");
	assert_true(rows[1].knee_rate == 0.25);
	assert_true(rows[1].fail_rate == 1);
	assert_string_equal(rows[1].fail_why, "saturated");
	/* a stalled run fails at once, even below the bound */
	d.runs[3].v[SCM_STALLED] = 1; /* slow at x0.25, replica 0 */
	assert_int_equal(sw_knee(&d, rows, 4), 2);
	assert_true(rows[1].knee_rate == 0);
	assert_true(rows[1].fail_rate == 0.25);
	assert_string_equal(rows[1].fail_why, "stalled");
	/* no bound: no knee */
	sc->sweep.knee_p99_ms = 0;
	assert_int_equal(sw_knee(&d, rows, 4), 0);
	free(d.runs);
	free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_knee),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
