/* One replay for every crash point: each point's result equals the result of
 * a run that explores that point alone (its own replay, cut short there), and
 * the crash points together cost one replay, not one each. That one replay is
 * the main run's (the pass rides on it): its reports equal, byte for byte,
 * those of a pass with a replay of its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reports/metrics.h"
#include "reports/report.h"
#include "scenarios/scenario.h"
#include "sim/run.h"
#include "tests/cli_shell.h"

static struct scenario *gen_scenario(uint8_t host_mode)
{
	struct scenario *sc = malloc(sizeof(*sc));

	assert_non_null(sc);
	scenario_defaults(sc);
	snprintf(sc->file, sizeof(sc->file), "test");
	snprintf(sc->variant, sizeof(sc->variant), "rfc");
	sc->device.sectors = 8192;
	sc->disk.profile = SC_DISK_SSD;
	sc->disk.cache.enabled = true;
	sc->host.mode = host_mode;
	sc->host.queue_depth = 4;
	sc->output.progress = false;
	sc->trace.kind = SC_TRACE_GENERATOR;
	sc->trace.gen.requests = 300;
	sc->trace.gen.pattern = SC_GEN_UNIFORM;
	sc->trace.gen.read_fraction = 0.2;
	sc->trace.gen.flush_every = 12;
	sc->crash.cache_loss = SC_LOSS_ADVERSARIAL;
	sc->crash.tear = SC_TEAR_SUBSET;
	return sc;
}

static void run_forked(const struct scenario *sc, const struct sim_workload *w, uint32_t only,
		       bool fork_all, struct run_metrics *m, struct sim_counts *counts)
{
	struct sim_options o = { .crashes = true, .only_crash = only, .crash_fork = fork_all };
	struct cs_err err = { { 0 } };

	run_metrics_init(m, sc->variant, 0);
	if (sim_run_counted(sc, NULL, w, &o, m, counts, &err) != 0)
		fail_msg("sim_run: %s", err.msg);
}

static void run_counted(const struct scenario *sc, const struct sim_workload *w, uint32_t only,
			struct run_metrics *m, struct sim_counts *counts)
{
	run_forked(sc, w, only, false, m, counts);
}

static void assert_same_crashes(const struct run_metrics *a, const struct run_metrics *b);

/* Every point of the full run against the same point run alone. */
static void check_points_alone(struct scenario *sc, uint32_t want_points)
{
	struct sim_workload w;
	struct run_metrics all;
	struct sim_counts c_all;
	struct cs_err err = { { 0 } };
	struct fault_outcomes sum;
	uint64_t states = 0, violations = 0;

	if (sim_workload_load(&w, sc, &err) != 0)
		fail_msg("%s", err.msg);
	run_counted(sc, &w, UINT32_MAX, &all, &c_all);
	assert_int_equal(all.n_crashes, want_points);
	/* one replay for all the points (each point replayed alone costs up to
	 * a whole replay; several of these points lie at the end) */
	assert_true(c_all.crash_events < 2 * c_all.replay_events);
	assert_int_equal(c_all.states, all.crash_states);
	{
		/* the points explored in the replay's process (where they can be)
		 * against every point in a forked child, as before */
		struct run_metrics forked;
		struct sim_counts c_forked;

		run_forked(sc, &w, UINT32_MAX, true, &forked, &c_forked);
		assert_same_crashes(&all, &forked);
		assert_memory_equal(&all.crash_faults, &forked.crash_faults,
				    sizeof(all.crash_faults));
		assert_int_equal(c_all.states, c_forked.states);
		assert_int_equal(c_all.carry_kept, c_forked.carry_kept);
		assert_int_equal(c_all.carry_read, c_forked.carry_read);
		run_metrics_free(&forked);
	}
	memset(&sum, 0, sizeof(sum));
	for (uint32_t i = 0; i < all.n_crashes; i++) {
		struct run_metrics one;
		struct sim_counts c_one;

		run_counted(sc, &w, i, &one, &c_one);
		assert_int_equal(one.n_crashes, 1);
		assert_memory_equal(&one.crashes[0], &all.crashes[i], sizeof(one.crashes[0]));
		assert_int_equal(one.crashes[0].index, i);
		states += one.crash_states;
		violations += one.violations;
		for (int t = 0; t < FT_COUNT; t++)
			for (int k = 0; k < FO_COUNT; k++)
				sum.n[t][k] += one.crash_faults.n[t][k];
		run_metrics_free(&one);
	}
	assert_int_equal(states, all.crash_states);
	assert_int_equal(violations, all.violations);
	assert_memory_equal(&sum, &all.crash_faults, sizeof(sum));
	run_metrics_free(&all);
	sim_workload_free(&w);
	free(sc);
}

/* Requests, in an open loop: repeated points, points near the end. */
static void test_request_points_open(void **state)
{
	struct scenario *sc = gen_scenario(SC_HOST_OPEN);
	static const uint64_t at[] = { 0, 7, 7, 150, 299, 317, 319 };

	(void)state;
	sc->crash.kind = SC_CRASH_AT_REQUEST;
	sc->crash.n_at = sizeof(at) / sizeof(at[0]);
	memcpy(sc->crash.at, at, sizeof(at));
	check_points_alone(sc, sc->crash.n_at);
}

/* Requests, in a closed loop: the crash comes in the middle of a
 * completion that would submit the next request. */
static void test_request_points_closed(void **state)
{
	struct scenario *sc = gen_scenario(SC_HOST_CLOSED);
	static const uint64_t at[] = { 0, 3, 4, 100, 101, 299, 318, 318 };

	(void)state;
	sc->crash.kind = SC_CRASH_AT_REQUEST;
	sc->crash.n_at = sizeof(at) / sizeof(at[0]);
	memcpy(sc->crash.at, at, sizeof(at));
	check_points_alone(sc, sc->crash.n_at);
}

/* Times: idle gaps, a repeated time, times after the last event. */
static void test_time_points(void **state)
{
	struct scenario *sc = gen_scenario(SC_HOST_OPEN);
	static const uint64_t at[] = { 0, 1000, 2000000, 2000000, 50000000, 900000000000ULL,
				       900000000001ULL };

	(void)state;
	sc->crash.kind = SC_CRASH_AT_TIME;
	sc->crash.n_at = sizeof(at) / sizeof(at[0]);
	memcpy(sc->crash.at, at, sizeof(at));
	check_points_alone(sc, sc->crash.n_at);
}

static void test_every_flush_and_random(void **state)
{
	struct scenario *sc = gen_scenario(SC_HOST_OPEN);

	(void)state;
	sc->crash.kind = SC_CRASH_EVERY_FLUSH;
	sc->crash.max_crashes = 12;
	check_points_alone(sc, 12);
	sc = gen_scenario(SC_HOST_OPEN);
	sc->crash.kind = SC_CRASH_RANDOM;
	sc->crash.random_count = 10;
	check_points_alone(sc, 10);
}

/* Two runs' crash results, point by point, state counts, violations, faults. */
static void assert_same_crashes(const struct run_metrics *a, const struct run_metrics *b)
{
	assert_int_equal(a->n_crashes, b->n_crashes);
	assert_memory_equal(a->crashes, b->crashes, a->n_crashes * sizeof(*a->crashes));
	assert_int_equal(a->crash_states, b->crash_states);
	assert_int_equal(a->violations, b->violations);
	assert_int_equal(a->n_viol, b->n_viol);
	if (a->n_viol > 0)
		assert_memory_equal(a->viol, b->viol, a->n_viol * sizeof(*a->viol));
	assert_memory_equal(&a->crash_faults, &b->crash_faults, sizeof(a->crash_faults));
	/* distinct states: one definition in both modes */
	assert_int_equal(a->crash_distinct, b->crash_distinct);
}

/* sc's workload into w, run with crash.verify incremental, then full; the
 * full run judges nothing incrementally. */
static void run_both_modes(struct scenario *sc, struct sim_workload *w, struct run_metrics *inc,
			   struct run_metrics *full, struct sim_counts *c_inc,
			   struct sim_counts *c_full)
{
	struct cs_err err = { { 0 } };

	if (sim_workload_load(w, sc, &err) != 0)
		fail_msg("%s", err.msg);
	sc->crash.verify = SC_VERIFY_INCREMENTAL;
	run_counted(sc, w, UINT32_MAX, inc, c_inc);
	{
		/* the same, every point in a forked child: the states of a point
		 * undone in the replay's process between them and after, the
		 * judgement carried in memory instead of over a pipe */
		struct run_metrics forked;
		struct sim_counts c_forked;

		run_forked(sc, w, UINT32_MAX, true, &forked, &c_forked);
		assert_same_crashes(inc, &forked);
		assert_int_equal(c_inc->incr_states, c_forked.incr_states);
		assert_int_equal(c_inc->incr_distinct, c_forked.incr_distinct);
		assert_int_equal(c_inc->carry_kept, c_forked.carry_kept);
		assert_int_equal(c_inc->carry_read, c_forked.carry_read);
		run_metrics_free(&forked);
	}
	sc->crash.verify = SC_VERIFY_FULL;
	run_counted(sc, w, UINT32_MAX, full, c_full);
	assert_int_equal(c_full->incr_states, 0);
	assert_int_equal(c_full->carry_kept + c_full->carry_read, 0);
}

/* What run_both_modes made, and sc, freed. */
static void free_both(struct run_metrics *inc, struct run_metrics *full, struct sim_workload *w,
		      struct scenario *sc)
{
	run_metrics_free(inc);
	run_metrics_free(full);
	sim_workload_free(w);
	free(sc);
}

/* crash.verify: incremental gives what the full read-back gives, state by
 * state, and really is incremental where it may be. */
static void check_verify_modes(struct scenario *sc, bool want_incr)
{
	struct sim_workload w;
	struct run_metrics inc, full;
	struct sim_counts c_inc, c_full;

	run_both_modes(sc, &w, &inc, &full, &c_inc, &c_full);
	if (want_incr) {
		/* each point judged its durable image from the last one's */
		assert_true(c_inc.carry_kept > 0);
		assert_true(c_inc.incr_states > 0);
		assert_true(c_inc.incr_distinct <= c_inc.incr_states);
		/* (a state that leaves the cached writes' sectors as the
		 * durable image has them takes its verdicts without a read:
		 * every incremental state of `fixed` here) */
		/* probability draws repeat states: some are judged once for all */
		if (strcmp(sc->variant, "rfc") == 0)
			assert_true(c_inc.incr_distinct < c_inc.incr_states);
	} else {
		assert_int_equal(c_inc.incr_states, 0);
	}
	assert_true(inc.crash_states > inc.n_crashes); /* several states per point */
	assert_same_crashes(&inc, &full);
	{
		uint64_t d = 0; /* distinct states add up per point */

		for (uint32_t i = 0; i < inc.n_crashes; i++) {
			assert_true(inc.crashes[i].distinct_states >= 1);
			assert_true(inc.crashes[i].distinct_states <= inc.crashes[i].states);
			d += inc.crashes[i].distinct_states;
		}
		assert_int_equal(d, inc.crash_distinct);
	}
	if (strcmp(sc->variant, "rfc") == 0)
		assert_true(inc.crash_distinct < inc.crash_states); /* draws repeat */
	free_both(&inc, &full, &w, sc);
}

/* Random crash points, several probability draws of the states at each. */
static struct scenario *sampled(const char *variant, uint32_t points, uint32_t samples)
{
	struct scenario *sc = gen_scenario(SC_HOST_OPEN);

	snprintf(sc->variant, sizeof(sc->variant), "%s", variant);
	sc->crash.kind = SC_CRASH_RANDOM;
	sc->crash.random_count = points;
	sc->crash.cache_loss = SC_LOSS_PROBABILITY;
	sc->crash.samples = samples;
	return sc;
}

/* Torn writes keep a prefix, and a kept sector may be shorn at 64 bytes. */
static void torn(struct scenario *sc)
{
	sc->crash.tear = SC_TEAR_PREFIX;
	sc->crash.shear_bytes = 64;
}

/* crash-explore-gen in small: every subset of the cached writes at each of
 * 12 flushes, over a skewed working set (so flushes find writes cached). */
static void exhaustive_at_flushes(struct scenario *sc)
{
	sc->trace.gen.pattern = SC_GEN_ZIPF;
	sc->trace.gen.span = 2048;
	sc->crash.kind = SC_CRASH_EVERY_FLUSH;
	sc->crash.max_crashes = 12;
	sc->crash.cache_loss = SC_LOSS_EXHAUSTIVE;
	sc->crash.exhaustive_max = 6;
}

static void test_verify_incremental_equals_full(void **state)
{
	static const char *const variants[] = { "rfc", "rfc-hcrc", "fixed", "none" };
	struct scenario *sc;

	(void)state;
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		sc = sampled(variants[i], 8, 6);
		torn(sc);
		check_verify_modes(sc, true);
	}
	/* single (one checksum copy): every state here refuses a sector
	 * somewhere (test_torn_states_incremental) */
	sc = sampled("single", 8, 6);
	torn(sc);
	check_verify_modes(sc, true);
	/* a recovery step of the variant's own: full read-back only (latent
	 * sector errors: test_lse_incremental) */
	check_verify_modes(sampled("journal", 6, 4), false);
}

/* Torn and shorn writes: a state whose kept writes tear refuses the torn
 * sectors (their requests fail and are read sector by sector) and probes
 * their groups with a write. Every such state is judged incrementally (only
 * the requests that read the cached writes' sectors, then the probes of the
 * groups they refuse and the durable image's), and each point's result,
 * refusals, probes and unwritable groups included, equals the full
 * read-back's. Before, each refusing state fell back to the full read-back. */
static void test_torn_states_incremental(void **state)
{
	static const char *const variants[] = { "rfc", "single", "rfc-hcrc", "fixed" };
	uint64_t refused = 0, probed = 0;

	(void)state;
	for (size_t i = 0; i < 2 * sizeof(variants) / sizeof(variants[0]); i++) {
		struct scenario *sc = sampled(variants[i / 2], 10, 8);
		struct sim_workload w;
		struct run_metrics inc, full;
		struct sim_counts c_inc, c_full;

		sc->trace.gen.sizes[0] = 8;
		sc->trace.gen.sizes[1] = 16;
		sc->trace.gen.n_sizes = 2;
		torn(sc);
		if (i % 2 == 1)
			exhaustive_at_flushes(sc);
		run_both_modes(sc, &w, &inc, &full, &c_inc, &c_full);
		assert_true(inc.crash_states > inc.n_crashes);
		/* every state of every point judged incrementally */
		assert_int_equal(c_inc.incr_states, inc.crash_states);
		assert_true(c_inc.incr_distinct <= c_inc.incr_states);
		for (uint32_t p = 0; p < inc.n_crashes; p++) {
			refused += inc.crashes[p].unreadable_sectors;
			probed += inc.crashes[p].probed_groups;
		}
		assert_same_crashes(&inc, &full);
		free_both(&inc, &full, &w, sc);
	}
	/* torn states refused sectors and probed their groups */
	assert_true(refused > 0);
	assert_true(probed > 0);
}

/* Faults the carried judgement follows (lost and misdirected writes, rot
 * while the replay runs: all in the media's bytes), with torn states: every
 * state judged incrementally, and its faults' outcomes (crash_faults: those
 * still unread at the crash take the carried verdicts of the requests they
 * wait on, before any probe write) equal the full read-back's. Latent
 * sector errors stay with the full read-back (test above). */
static void test_faults_incremental(void **state)
{
	static const char *const variants[] = { "rfc", "single", "fixed" };
	uint64_t judged[FT_COUNT] = { 0 };

	(void)state;
	for (size_t i = 0; i < 3 * sizeof(variants) / sizeof(variants[0]); i++) {
		struct scenario *sc = sampled(variants[i / 3], 10, 6);
		struct sim_workload w;
		struct run_metrics inc, full;
		struct sim_counts c_inc, c_full;

		sc->trace.gen.requests = 400;
		torn(sc);
		if (i % 3 == 0) {
			sc->faults.lost_write_p = 0.02;
		} else if (i % 3 == 1) {
			sc->faults.misdirect_p = 0.02;
		} else {
			sc->faults.rot_at_ns = 10000000; /* 20 sectors at 10 ms */
			sc->faults.rot_at_count = 20;
		}
		run_both_modes(sc, &w, &inc, &full, &c_inc, &c_full);
		assert_int_equal(c_inc.incr_states, inc.crash_states);
		assert_same_crashes(&inc, &full);
		for (int t = 0; t < FT_COUNT; t++)
			for (int k = 0; k < FO_UNREAD; k++)
				judged[t] += inc.crash_faults.n[t][k];
		free_both(&inc, &full, &w, sc);
	}
	/* faults of each kind were pending at the crashes and judged there */
	assert_true(judged[FT_LOST_WRITE] > 0);
	assert_true(judged[FT_MISDIRECT] > 0);
	assert_true(judged[FT_BITROT] > 0);
}

/* Whether sc (verify incremental) judged with the test hook that leaves out
 * what each state's faults change while the power is off gives other
 * results than inc, the same run without it. */
static bool differs_without_changes(struct scenario *sc, const struct sim_workload *w,
				    const struct run_metrics *inc)
{
	struct sim_options o = { .crashes = true, .only_crash = UINT32_MAX,
				 .incr_drop_changes = true };
	struct cs_err err = { { 0 } };
	struct run_metrics drop;
	struct sim_counts c_drop;
	bool differ;

	sc->crash.verify = SC_VERIFY_INCREMENTAL;
	run_metrics_init(&drop, sc->variant, 0);
	if (sim_run_counted(sc, NULL, w, &o, &drop, &c_drop, &err) != 0)
		fail_msg("sim_run: %s", err.msg);
	assert_int_equal(drop.n_crashes, inc->n_crashes);
	differ = memcmp(drop.crashes, inc->crashes, inc->n_crashes * sizeof(*inc->crashes)) != 0 ||
		 memcmp(&drop.crash_faults, &inc->crash_faults, sizeof(inc->crash_faults)) != 0;
	run_metrics_free(&drop);
	return differ;
}

/* Rot while the power is off (crash.idle_hours): each state's own, on any
 * written sector, data or metadata. Every state is judged incrementally (it
 * re-reads besides the requests that read a sector the rot changed, or that
 * a fault of its own waits on), and each point's result and the faults'
 * outcomes equal the full read-back's; with lost writes too, and torn
 * states. With the test hook that leaves what the rot changed out of the
 * judgement, the results differ: the changed keys are needed. */
static void test_idle_rot_incremental(void **state)
{
	static const char *const variants[] = { "rfc", "single", "rfc-hcrc", "fixed" };
	uint64_t judged = 0, differ = 0;

	(void)state;
	for (size_t i = 0; i < 2 * sizeof(variants) / sizeof(variants[0]); i++) {
		struct scenario *sc = sampled(variants[i / 2], 8, 4);
		struct sim_workload w;
		struct run_metrics inc, full;
		struct sim_counts c_inc, c_full;

		torn(sc);
		sc->crash.idle_hours = 24;
		sc->faults.rot_rate = 1e-4;
		sc->faults.rot_burst = 2;
		sc->faults.rot_target = SC_TARGET_ANY;
		if (i % 2 == 1) {
			/* and faults the replay leaves pending, probes that may be lost */
			sc->faults.lost_write_p = 0.02;
			exhaustive_at_flushes(sc);
		}
		run_both_modes(sc, &w, &inc, &full, &c_inc, &c_full);
		/* every state of every point judged incrementally */
		assert_int_equal(c_inc.incr_states, inc.crash_states);
		assert_same_crashes(&inc, &full);
		for (int k = 0; k < FO_UNREAD; k++)
			judged += inc.crash_faults.n[FT_BITROT][k];
		differ += differs_without_changes(sc, &w, &inc) ? 1 : 0;
		free_both(&inc, &full, &w, sc);
	}
	/* the rot at rest was read and judged by the states */
	assert_true(judged > 0);
	/* without the rot's keys the judgement is wrong, in every run here */
	assert_int_equal(differ, 2 * sizeof(variants) / sizeof(variants[0]));
	{
		/* rot expected on about every read-back request of each state
		 * (an event per 64 written sectors): read back in full */
		struct scenario *sc = sampled("rfc", 4, 2);
		struct sim_workload w;
		struct run_metrics inc, full;
		struct sim_counts c_inc, c_full;

		sc->crash.idle_hours = 24;
		sc->faults.rot_rate = 1.0 / 64 / 24;
		run_both_modes(sc, &w, &inc, &full, &c_inc, &c_full);
		assert_int_equal(c_inc.incr_states, 0);
		assert_same_crashes(&inc, &full);
		free_both(&inc, &full, &w, sc);
	}
}

/* Latent sector errors. Made while the power is off (crash.idle_hours),
 * each state's own: every state is judged incrementally (it re-reads the
 * requests that read a sector marked, which fail and are read sector by
 * sector, and probes their groups), equal to the full read-back, and
 * different with the hook that leaves the marked sectors out. Made while
 * the replay runs and still marked at a crash (a read fails with nothing
 * written: the carried judgement cannot see them): that point is read back
 * in full, the others not, and the results are equal too. */
static void test_lse_incremental(void **state)
{
	static const char *const variants[] = { "rfc", "single", "fixed" };
	uint64_t detected = 0, refused = 0, differ = 0;

	(void)state;
	for (size_t i = 0; i < 2 * sizeof(variants) / sizeof(variants[0]); i++) {
		struct scenario *sc = sampled(variants[i / 2], 8, 4);
		struct sim_workload w;
		struct run_metrics inc, full;
		struct sim_counts c_inc, c_full;

		torn(sc);
		if (i % 2 == 0) {
			sc->crash.idle_hours = 24;
			sc->faults.lse_rate = 3e-4;
		} else {
			sc->faults.lse_at_ns = 10000000; /* 20 sectors at 10 ms */
			sc->faults.lse_at_count = 20;
		}
		run_both_modes(sc, &w, &inc, &full, &c_inc, &c_full);
		assert_same_crashes(&inc, &full);
		if (i % 2 == 0) {
			assert_int_equal(c_inc.incr_states, inc.crash_states);
			detected += inc.crash_faults.n[FT_LSE][FO_DETECTED];
			for (uint32_t p = 0; p < inc.n_crashes; p++)
				refused += inc.crashes[p].unreadable_sectors;
			differ += differs_without_changes(sc, &w, &inc) ? 1 : 0;
		} else {
			/* the points after the errors were made, in full */
			assert_true(c_inc.incr_states > 0);
			assert_true(c_inc.incr_states < inc.crash_states);
		}
		free_both(&inc, &full, &w, sc);
	}
	assert_true(detected > 0);
	assert_true(refused > 0);
	assert_int_equal(differ, sizeof(variants) / sizeof(variants[0]));
}

/* One crash state per point (every cached write lost): each point's result
 * is its durable image's, judged from the previous point's by re-reading
 * only what the replay changed in between, and equals the full read-back's,
 * point by point (some points refuse sectors: read back in full there, and
 * the next point judges afresh). A carry that kept every request whose
 * sectors and count stayed fails here; dropping either of its two checks
 * (media written, oracle changed) alone does not, as each covers the other
 * in these runs. */
static void test_verdicts_carried_between_points(void **state)
{
	static const char *const variants[] = { "rfc", "fixed", "dmi-direct", "none" };
	/* states, those judged incrementally, those at points that refuse
	 * sectors */
	uint64_t states = 0, incr = 0, refused = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		struct scenario *sc = gen_scenario(SC_HOST_OPEN);
		struct sim_workload w;
		struct run_metrics inc, full;
		struct sim_counts c_inc, c_full;

		snprintf(sc->variant, sizeof(sc->variant), "%s", variants[i]);
		/* overwrites: the same requests read back at many points, their
		 * verdicts changing (dmi-direct's data and tags land apart) */
		sc->trace.gen.requests = 600;
		sc->trace.gen.pattern = SC_GEN_ZIPF;
		sc->trace.gen.span = 2048;
		sc->crash.kind = SC_CRASH_EVERY_FLUSH;
		sc->crash.max_crashes = 40;
		sc->crash.cache_loss = SC_LOSS_ALL;
		run_both_modes(sc, &w, &inc, &full, &c_inc, &c_full);
		assert_true(inc.n_crashes >= 30);
		assert_int_equal(inc.crash_states, inc.n_crashes);
		/* most of each durable image kept from the point before (here,
		 * 1.2x to 3.4x the requests read) */
		assert_true(c_inc.carry_kept > c_inc.carry_read);
		for (uint32_t p = 0; p < inc.n_crashes; p++)
			if (inc.crashes[p].unreadable_sectors > 0)
				refused += inc.crashes[p].states;
		states += inc.crash_states;
		incr += c_inc.incr_states;
		assert_same_crashes(&inc, &full);
		free_both(&inc, &full, &w, sc);
	}
	/* points that refuse sectors are judged incrementally too (a failed
	 * request kept as its sectors read alone, the probes each state's
	 * own): only states whose cached writes' requests fail are not */
	assert_true(refused > 0);
	assert_true(incr > states - refused);
}

/* ---- the pass riding on the main replay ---------------------------------- */

static void run_report(const struct scenario *sc, const struct sim_workload *w, bool own,
		       const char *dir, struct sim_counts *c)
{
	struct sim_options o = { .crashes = true, .only_crash = UINT32_MAX, .records = true,
				 .crash_own_replay = own };
	struct cs_err err = { { 0 } };
	struct run_metrics m;
	struct report_input in;
	char *yaml = scenario_to_yaml(sc);

	assert_non_null(yaml);
	run_metrics_init(&m, sc->variant, 0);
	if (sim_run_counted(sc, NULL, w, &o, &m, c, &err) != 0)
		fail_msg("sim_run: %s", err.msg);
	memset(&in, 0, sizeof(in));
	in.scenario_yaml = yaml;
	in.scenario_name = "rides";
	in.seed = sc->seed;
	in.run = &m;
	in.per_request_csv = true;
	in.reproduce = "csumsim run rides.yaml";
	if (report_write(dir, &in, &err) != 0)
		fail_msg("report: %s", err.msg);
	run_metrics_free(&m);
	free(yaml);
}

/* sc riding on the main replay and with a replay of its own: every report
 * file the same; returns the riding run's replays for the memory numbers. */
static uint64_t check_rides(struct scenario *sc)
{
	char root[128], a[256], b[256];
	struct sim_counts ride, own;
	struct sim_workload w;
	struct cs_err err = { { 0 } };

	sc->output.plots = false;
	assert_int_equal(cli_tmpdir(root, sizeof(root), "rides"), 0);
	snprintf(a, sizeof(a), "%s/ride", root);
	snprintf(b, sizeof(b), "%s/own", root);
	if (sim_workload_load(&w, sc, &err) != 0)
		fail_msg("%s", err.msg);
	run_report(sc, &w, false, a, &ride);
	run_report(sc, &w, true, b, &own);
	assert_true(cli_exists("%s/report.json", a));
	cli_same_dirs(root, "ride", "own");
	/* one replay: the riding pass replays nothing of its own */
	assert_int_equal(ride.crash_events, 0);
	assert_true(own.crash_events > 0);
	assert_int_equal(own.memory_replays, 0);
	assert_int_equal(ride.states, own.states);
	assert_true(ride.states > 0);
	assert_int_equal(cli_rmtree(root), 0);
	sim_workload_free(&w);
	free(sc);
	return ride.memory_replays;
}

static void test_rides_request_points(void **state)
{
	static const uint64_t at[] = { 0, 7, 7, 150, 299 };
	/* a closed loop's request points are explored in forked children */
	static const uint8_t modes[] = { SC_HOST_OPEN, SC_HOST_CLOSED };

	(void)state;
	for (size_t i = 0; i < sizeof(modes); i++) {
		struct scenario *sc = gen_scenario(modes[i]);

		sc->crash.kind = SC_CRASH_AT_REQUEST;
		sc->crash.n_at = sizeof(at) / sizeof(at[0]);
		memcpy(sc->crash.at, at, sizeof(at));
		(void)check_rides(sc);
	}
}

static void test_rides_time_random_end_points(void **state)
{
	static const uint64_t at[] = { 0, 2000000, 50000000, 900000000000ULL };
	struct scenario *sc = gen_scenario(SC_HOST_OPEN);

	(void)state;
	sc->crash.kind = SC_CRASH_AT_TIME;
	sc->crash.n_at = sizeof(at) / sizeof(at[0]);
	memcpy(sc->crash.at, at, sizeof(at));
	(void)check_rides(sc);
	sc = sampled("rfc", 8, 4);
	(void)check_rides(sc);
	/* the end of the run: planned and explored once the replay ended */
	sc = sampled("rfc", 1, 6);
	sc->crash.kind = SC_CRASH_END;
	(void)check_rides(sc);
}

/* crash-explore-gen in small: every flush, every subset of the cached
 * writes, torn and shorn (the bytes a torn write leaves are taken out of
 * the media's blocks map again: no replay for the memory numbers). */
static void test_rides_every_flush_exhaustive(void **state)
{
	struct scenario *sc = gen_scenario(SC_HOST_OPEN);

	(void)state;
	exhaustive_at_flushes(sc);
	torn(sc);
	assert_int_equal(check_rides(sc), 0);
}

/* dmi-direct's recoveries write: the exploration leaves the media's or
 * oracle's tables grown, so the memory numbers come from a replay of their
 * own, and still equal. */
static void test_rides_memory_moved(void **state)
{
	struct scenario *sc = sampled("dmi-direct", 1, 4);

	(void)state;
	sc->trace.gen.requests = 600;
	sc->trace.gen.pattern = SC_GEN_ZIPF;
	sc->trace.gen.span = 2048;
	sc->crash.kind = SC_CRASH_EVERY_FLUSH;
	sc->crash.max_crashes = 20;
	sc->crash.tear = SC_TEAR_PREFIX;
	assert_int_equal(check_rides(sc), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_points_open),
		cmocka_unit_test(test_request_points_closed),
		cmocka_unit_test(test_time_points),
		cmocka_unit_test(test_every_flush_and_random),
		cmocka_unit_test(test_verify_incremental_equals_full),
		cmocka_unit_test(test_verdicts_carried_between_points),
		cmocka_unit_test(test_torn_states_incremental),
		cmocka_unit_test(test_faults_incremental),
		cmocka_unit_test(test_idle_rot_incremental),
		cmocka_unit_test(test_lse_incremental),
		cmocka_unit_test(test_rides_request_points),
		cmocka_unit_test(test_rides_time_random_end_points),
		cmocka_unit_test(test_rides_every_flush_exhaustive),
		cmocka_unit_test(test_rides_memory_moved),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
