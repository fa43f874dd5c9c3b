/* Sweeps: the sweep section's loading and errors, its canonical YAML, and
 * the expansion into runs (order, values applied, seeds, validation). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scenarios/scenario.h"
#include "scenarios/sweep.h"
#include "tests/scenarios/sc_tmp.h"

static const char base_text[] =
	"name: sw\n"
	"seed: 5\n"
	"trace:\n"
	"  generator: {requests: 100}\n"
	"sweep:\n"
	"  replicas: 2\n"
	"  params:\n"
	"    variant: [rfc, fixed, none]\n"
	"    faults.rot.rate: [0, 1e-3]\n";

static struct scenario *load(const char *text)
{
	struct scenario *s = malloc(sizeof(*s));
	struct cs_err err = {{0}};

	assert_non_null(s);
	if (sc_tmp_load(text, s, &err, NULL, 0) != 0)
		fail_msg("load failed: %s", err.msg);
	return s;
}

/* The error message of loading text, which must fail. */
static void load_fails(const char *text, const char *want)
{
	struct scenario *s = malloc(sizeof(*s));
	struct cs_err err = {{0}};

	assert_non_null(s);
	assert_int_equal(sc_tmp_load(text, s, &err, NULL, 0), -1);
	if (strstr(err.msg, want) == NULL)
		fail_msg("want '%s' in: %s", want, err.msg);
	free(s);
}

static void test_load_and_count(void **state)
{
	struct scenario *s = load(base_text);

	(void)state;
	assert_true(scenario_is_sweep(s));
	assert_int_equal(s->sweep.n_params, 2);
	assert_string_equal(s->sweep.params[0].key, "variant");
	assert_int_equal(s->sweep.params[0].n_values, 3);
	assert_string_equal(s->sweep.params[1].values[1], "1e-3");
	assert_int_equal(sweep_count(s), 12);
	free(s);
	s = load("trace: {generator: {requests: 10}}\n");
	assert_false(scenario_is_sweep(s));
	assert_int_equal(sweep_count(s), 1);
	free(s);
}

static void test_order_and_values(void **state)
{
	struct scenario *s = load(base_text), *p = malloc(sizeof(*p));
	struct cs_err err = {{0}};
	struct sweep_coord co;
	char label[256];

	(void)state;
	assert_non_null(p);
	/* first parameter slowest, replica fastest */
	sweep_coord_of(s, 7, &co);
	assert_int_equal(co.value[0], 1);
	assert_int_equal(co.value[1], 1);
	assert_int_equal(co.replica, 1);
	assert_int_equal(sweep_point(s, 7, p, &co, &err), 0);
	assert_string_equal(p->variant, "fixed");
	assert_true(p->faults.rot_rate == 1e-3);
	assert_false(scenario_is_sweep(p));
	assert_string_equal(p->name, "sw.7");
	assert_int_equal(p->seed, co.seed);
	sweep_label(s, &co, label, sizeof(label));
	assert_string_equal(label, "variant=fixed faults.rot.rate=1e-3 replica=1");
	/* run 0 keeps everything else of the base */
	assert_int_equal(sweep_point(s, 0, p, &co, &err), 0);
	assert_string_equal(p->variant, "rfc");
	assert_true(p->faults.rot_rate == 0);
	assert_int_equal(p->trace.gen.requests, 100);
	/* no run 12 */
	assert_int_equal(sweep_point(s, 12, p, &co, &err), -1);
	assert_non_null(strstr(err.msg, "no run 12 in this sweep (it has 12: 0..11)"));
	free(p);
	free(s);
}

static void test_seeds(void **state)
{
	struct scenario *s = load(base_text), *t, *p = malloc(sizeof(*p));
	struct cs_err err = {{0}};
	struct sweep_coord a, b;
	uint64_t seeds[12];

	(void)state;
	assert_non_null(p);
	for (uint64_t k = 0; k < 12; k++) {
		assert_int_equal(sweep_point(s, k, p, &a, &err), 0);
		seeds[k] = a.seed;
		for (uint64_t j = 0; j < k; j++)
			assert_true(seeds[j] != seeds[k]);
	}
	/* the same run again: the same seed */
	assert_int_equal(sweep_point(s, 5, p, &a, &err), 0);
	assert_true(a.seed == seeds[5]);
	/* a run's seed hangs on its values, not its position: with a value
	 * added in front, variant=fixed rate=1e-3 replica 1 keeps its seed */
	t = load("name: sw\nseed: 5\ntrace: {generator: {requests: 100}}\n"
		 "sweep:\n  replicas: 2\n  params:\n"
		 "    variant: [single, rfc, fixed, none]\n"
		 "    faults.rot.rate: [0, 1e-3]\n");
	assert_int_equal(sweep_point(t, 11, p, &b, &err), 0);
	assert_string_equal(p->variant, "fixed");
	assert_true(b.seed == seeds[7]);
	/* another sweep seed: other seeds */
	t->seed = 6;
	assert_int_equal(sweep_point(t, 11, p, &b, &err), 0);
	assert_true(b.seed != seeds[7]);
	free(t);
	/* a swept seed is used as it is */
	t = load("trace: {generator: {requests: 10}}\nsweep: {params: {seed: [11, 12]}}\n");
	assert_int_equal(sweep_point(t, 1, p, &b, &err), 0);
	assert_true(b.seed == 12 && p->seed == 12);
	free(t);
	free(p);
	free(s);
}

static void test_yaml_round_trip(void **state)
{
	struct scenario *s = load("name: rt\ntrace: {generator: {requests: 10, sizes: [8]}}\n"
				  "sweep:\n  replicas: 3\n  params:\n"
				  "    trace.generator.sizes: [[8], [8, 16]]\n"
				  "    description: [\"a b\", plain]\n");
	struct scenario *t;
	struct sc_tmp tmp;
	struct cs_err err = {{0}};
	char *y = scenario_to_yaml(s), *y2;

	(void)state;
	assert_non_null(y);
	assert_non_null(strstr(y, "sweep:\n  replicas: 3\n  params:\n"
				  "    trace.generator.sizes: [[8], [8, 16]]\n"
				  "    description: [\"a b\", plain]\n"));
	t = malloc(sizeof(*t));
	assert_non_null(t);
	sc_tmp_write(&tmp, y);
	scenario_defaults(t);
	assert_int_equal(scenario_load(t, tmp.path, &err), 0);
	y2 = scenario_to_yaml(t);
	assert_string_equal(y, y2);
	/* a list value reaches the run as a list */
	{
		struct sweep_coord co;
		struct scenario *p = malloc(sizeof(*p));

		assert_non_null(p);
		assert_int_equal(sweep_point(t, 3 * 2 + 0, p, &co, &err), 0);
		assert_int_equal(p->trace.gen.n_sizes, 2);
		assert_int_equal(p->trace.gen.sizes[1], 16);
		assert_string_equal(p->description, "a b");
		free(p);
	}
	sc_tmp_remove(&tmp);
	free(y);
	free(y2);
	free(t);
	free(s);
	/* without a sweep the section is not written at all */
	s = load("trace: {generator: {requests: 10}}\n");
	y = scenario_to_yaml(s);
	assert_null(strstr(y, "sweep"));
	free(y);
	free(s);
}

static void test_errors(void **state)
{
	(void)state;
	load_fails("sweep: {params: {variantt: [rfc]}}\n",
		   ":1:18: field 'sweep.params.variantt': unknown key 'variantt'");
	load_fails("sweep: {params: {variant: []}}\n",
		   ":1:27: field 'sweep.params.variant': expected a list of the values to sweep, "
		   "e.g. [rfc, fixed], got an empty list");
	load_fails("sweep: {params: {variant: rfc}}\n", "got a scalar");
	load_fails("sweep: {params: {crash: [a]}}\n", "'crash' cannot be swept");
	load_fails("sweep: {params: {sweep.replicas: [1, 2]}}\n", "cannot be swept");
	load_fails("sweep: {params: {variant: [rfc, rfc]}}\n",
		   ":1:33: field 'sweep.params.variant[1]': value rfc listed twice");
	/* each value is tried where it stands */
	load_fails("trace: {generator: {requests: 10}}\nsweep:\n  params:\n"
		   "    faults.rot.rate: [0.1, -1]\n",
		   ":4:28: field 'faults.rot.rate'");
	load_fails("sweep: {replicas: 0}\n", "sweep.replicas");
	{
		/* a cross-field rule: scenario_validate's */
		struct scenario *s = load("trace: {generator: {requests: 10}}\n"
					  "sweep: {replicas: 2, params: {seed: [1, 2]}}\n");
		struct cs_err err = {{0}};

		assert_int_equal(scenario_validate(s, &err), -1);
		assert_non_null(strstr(err.msg, "sweeping the seed and sweep.replicas > 1"));
		free(s);
	}
	load_fails("sweep: {params: {a: [1], b: [2], c: [3], d: [4], e: [5], f: [6], g: [7]}}\n",
		   "too many parameters: 7 (max 6)");
	load_fails("sweep: [1]\n", "field 'sweep': expected a mapping");
}

/* A combination that is only wrong as a whole is found at expansion, with
 * the run named. */
static void test_bad_combination(void **state)
{
	struct scenario *s = load("trace: {generator: {requests: 10}}\n"
				  "sweep:\n  params:\n"
				  "    crash.mode: [none, request]\n");
	struct scenario *p = malloc(sizeof(*p));
	struct sweep_coord co;
	struct cs_err err = {{0}};

	(void)state;
	assert_non_null(p);
	assert_int_equal(sweep_point(s, 0, p, &co, &err), 0);
	assert_int_equal(sweep_point(s, 1, p, &co, &err), -1);
	if (strstr(err.msg, "sweep run 1 (crash.mode=request)") == NULL)
		fail_msg("got: %s", err.msg);
	free(p);
	free(s);
}

static void test_value_text(void **state)
{
	char buf[64];

	(void)state;
	sweep_value_text("\"a \\\"b\\\" \\x01\"", buf, sizeof(buf));
	assert_string_equal(buf, "a \"b\" \x01");
	sweep_value_text("[8, 16]", buf, sizeof(buf));
	assert_string_equal(buf, "[8, 16]");
	assert_true(sweep_fingerprint("a") != sweep_fingerprint("b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_and_count),
		cmocka_unit_test(test_order_and_values),
		cmocka_unit_test(test_seeds),
		cmocka_unit_test(test_yaml_round_trip),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_bad_combination),
		cmocka_unit_test(test_value_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
