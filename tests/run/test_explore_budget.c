/* crash.budget at the library: the order (round-robin over the points, a
 * prefix for every N), a budget that covers the space gives the report of no
 * budget, and a budget split in two runs (the second continuing the first's
 * saved state) gives the report of one run with both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "reports/metrics.h"
#include "scenarios/scenario.h"
#include "sim/explore_budget.h"
#include "sim/explore_state.h"
#include "sim/run.h"

static void test_quota_is_round_robin(void **state)
{
	static const uint64_t space[] = { 3, 0, 1, 5, 2 };
	uint64_t q[5], prev[5] = { 0 };
	const uint32_t n = 5;

	(void)state;
	/* round 0 takes state 0 of every point with one, in plan order */
	budget_quota(space, n, 2, q);
	assert_true(q[0] == 1 && q[1] == 0 && q[2] == 1 && q[3] == 0 && q[4] == 0);
	budget_quota(space, n, 4, q);
	assert_true(q[0] == 1 && q[2] == 1 && q[3] == 1 && q[4] == 1);
	/* round 1 skips the point that has one state */
	budget_quota(space, n, 6, q);
	assert_true(q[0] == 2 && q[2] == 1 && q[3] == 2 && q[4] == 1);
	/* every N: the first N of one order (each count only grows, by one) */
	for (uint64_t k = 0; k <= 13; k++) {
		uint64_t sum = 0, grew = 0;

		budget_quota(space, n, k, q);
		for (uint32_t i = 0; i < n; i++) {
			assert_true(q[i] <= space[i]);
			assert_true(q[i] >= prev[i]);
			grew += q[i] - prev[i];
			sum += q[i];
		}
		assert_int_equal(sum, k < 11 ? k : 11);
		assert_int_equal(grew, k == 0 || k > 11 ? 0 : 1);
		memcpy(prev, q, sizeof(q));
	}
}

static struct scenario *sampled(void)
{
	struct scenario *sc = malloc(sizeof(*sc));

	assert_non_null(sc);
	scenario_defaults(sc);
	snprintf(sc->file, sizeof(sc->file), "test");
	snprintf(sc->variant, sizeof(sc->variant), "rfc");
	sc->device.sectors = 8192;
	sc->disk.profile = SC_DISK_SSD;
	sc->disk.cache.enabled = true;
	sc->disk.cache.sectors = 512;
	sc->output.progress = false;
	sc->trace.kind = SC_TRACE_GENERATOR;
	sc->trace.gen.requests = 300;
	sc->trace.gen.pattern = SC_GEN_UNIFORM;
	sc->trace.gen.read_fraction = 0.3;
	sc->trace.gen.flush_every = 10;
	sc->trace.gen.interarrival_us = 200;
	sc->trace.gen.n_sizes = 2;
	sc->trace.gen.sizes[0] = 1;
	sc->trace.gen.sizes[1] = 8;
	sc->trace.gen.align = 1;
	sc->trace.gen.span = 2000;
	sc->crash.kind = SC_CRASH_RANDOM;
	sc->crash.random_count = 20;
	sc->crash.cache_loss = SC_LOSS_PROBABILITY;
	sc->crash.samples = 6;
	sc->crash.tear = SC_TEAR_SUBSET;
	return sc;
}

static void run(const struct scenario *sc, const struct sim_workload *w,
		struct explore_state *xs, struct run_metrics *m)
{
	struct sim_options o = { .crashes = true, .only_crash = UINT32_MAX, .explore = xs };
	struct cs_err err = { { 0 } };

	run_metrics_init(m, sc->variant, 0);
	if (sim_run(sc, NULL, w, &o, m, &err) != 0)
		fail_msg("sim_run: %s", err.msg);
}

/* Everything a report says of the crash states. */
static void same_crashes(const struct run_metrics *a, const struct run_metrics *b)
{
	assert_int_equal(a->n_crashes, b->n_crashes);
	assert_memory_equal(a->crashes, b->crashes, a->n_crashes * sizeof(*a->crashes));
	assert_int_equal(a->crash_states, b->crash_states);
	assert_int_equal(a->crash_distinct, b->crash_distinct);
	assert_int_equal(a->violations, b->violations);
	assert_int_equal(a->n_viol, b->n_viol);
	if (a->n_viol > 0)
		assert_memory_equal(a->viol, b->viol, a->n_viol * sizeof(*a->viol));
	assert_memory_equal(&a->crash_faults, &b->crash_faults, sizeof(a->crash_faults));
}

static void test_whole_budget_is_no_budget(void **state)
{
	struct scenario *sc = sampled();
	struct sim_workload w;
	struct run_metrics all, bud;
	struct cs_err err = { { 0 } };

	(void)state;
	assert_int_equal(sim_workload_load(&w, sc, &err), 0);
	run(sc, &w, NULL, &all);
	assert_true(all.violations > 0);              /* something to order */
	assert_true(all.crash_distinct < all.crash_states);
	sc->crash.budget_kind = SC_BUDGET_STATES;
	sc->crash.budget_limit = 1000000;
	run(sc, &w, NULL, &bud);
	same_crashes(&all, &bud);
	assert_int_equal(bud.budget.space, all.crash_states);
	assert_int_equal(bud.budget.explored, all.crash_states);
	assert_int_equal(all.budget.kind, BUDGET_NONE);
	run_metrics_free(&all);
	run_metrics_free(&bud);
	sim_workload_free(&w);
	free(sc);
}

static void test_budget_explores_the_order(void **state)
{
	struct scenario *sc = sampled();
	struct sim_workload w;
	struct run_metrics m, again;
	struct cs_err err = { { 0 } };
	uint64_t space[64], q[64];

	(void)state;
	assert_int_equal(sim_workload_load(&w, sc, &err), 0);
	run(sc, &w, NULL, &m);
	assert_true(m.n_crashes <= 64);
	for (uint32_t i = 0; i < m.n_crashes; i++)
		space[i] = m.crashes[i].states;
	run_metrics_free(&m);
	sc->crash.budget_kind = SC_BUDGET_STATES;
	for (uint64_t n = 1; n < 120; n += 13) {
		sc->crash.budget_limit = n;
		run(sc, &w, NULL, &m);
		budget_quota(space, 20, n, q);
		assert_int_equal(m.crash_states, n);
		assert_int_equal(m.n_crashes, 20); /* every point listed, explored or not */
		for (uint32_t i = 0; i < m.n_crashes; i++)
			assert_int_equal(m.crashes[i].states, q[i]);
		assert_int_equal(m.budget.limit, n);
		/* the same budget, the same report */
		run(sc, &w, NULL, &again);
		same_crashes(&m, &again);
		run_metrics_free(&m);
		run_metrics_free(&again);
	}
	sim_workload_free(&w);
	free(sc);
}

/* A then B from A's saved state (through its file text) equals A + B. */
static void test_split_budget_is_one_budget(void **state)
{
	/* the last: a budget past the space, then more: the sum still */
	static const uint64_t splits[][2] = { { 7, 50 }, { 20, 1 }, { 33, 70 }, { 100, 1000 },
					      { 100000, 5 } };
	struct scenario *sc = sampled();
	struct sim_workload w;
	struct cs_err err = { { 0 } };

	(void)state;
	assert_int_equal(sim_workload_load(&w, sc, &err), 0);
	sc->crash.budget_kind = SC_BUDGET_STATES;
	for (size_t k = 0; k < sizeof(splits) / sizeof(splits[0]); k++) {
		struct explore_state xs = { 0 }, back;
		struct run_metrics first, second, one;
		char path[] = "/tmp/csumsim-xs-XXXXXX";
		char *text;
		int fd;

		sc->crash.budget_limit = splits[k][0];
		run(sc, &w, &xs, &first);
		xs.scenario = strdup("the scenario\n");
		assert_non_null(xs.scenario);
		explore_fingerprint(xs.scenario, xs.fingerprint);
		text = explore_state_text(&xs);
		assert_non_null(text);
		fd = mkstemp(path);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
		close(fd);
		if (explore_state_read(&back, path, &err) != 0)
			fail_msg("%s", err.msg);
		unlink(path);
		sc->crash.budget_limit = splits[k][1];
		run(sc, &w, &back, &second);
		sc->crash.budget_limit = splits[k][0] + splits[k][1];
		run(sc, &w, NULL, &one);
		same_crashes(&second, &one);
		assert_int_equal(second.budget.limit, one.budget.limit);
		assert_int_equal(second.budget.space, one.budget.space);
		free(text);
		explore_state_free(&xs);
		explore_state_free(&back);
		run_metrics_free(&first);
		run_metrics_free(&second);
		run_metrics_free(&one);
	}
	sim_workload_free(&w);
	free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quota_is_round_robin),
		cmocka_unit_test(test_whole_budget_is_no_budget),
		cmocka_unit_test(test_budget_explores_the_order),
		cmocka_unit_test(test_split_budget_is_one_budget),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
