/* Crashes during recovery (crash.recovery: each_write), counted by hand on a
 * workload of one 8-sector write at sector 0, crashed at its end with every
 * subset of the writes not durable then (exhaustive). */
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
#include "scenarios/scenario.h"
#include "one_write.h"
#include "sim/run.h"

static struct scenario *one_write(const char *variant, uint8_t recovery)
{
	struct scenario *sc = one_write_scenario(variant);

	sc->disk.cache.enabled = true;
	sc->disk.cache.sectors = 512;
	sc->crash.cache_loss = SC_LOSS_EXHAUSTIVE;
	sc->crash.recovery = recovery;
	return sc;
}

/* The run's recovery-crash sums; m is left for the caller to look at. */
static struct recovery_crashes run(const struct scenario *sc, struct run_metrics *m)
{
	struct recovery_crashes sum;

	one_write_run(sc, m);
	memset(&sum, 0, sizeof(sum));
	for (uint32_t i = 0; i < m->n_crashes; i++)
		recovery_crashes_add(&sum, &m->crashes[i].recovery);
	return sum;
}

static void check(const struct recovery_crashes *r, uint64_t runs, uint64_t writes,
		  uint64_t flushes, uint64_t states, uint64_t violating)
{
	assert_int_equal(r->states_run, runs);
	assert_int_equal(r->writes, writes);
	assert_int_equal(r->flushes, flushes);
	assert_int_equal(r->points, writes + flushes);
	assert_int_equal(r->mount_ios, writes + flushes);
	assert_int_equal(r->states, states);
	assert_int_equal(r->violating, violating);
}

/* journal: the record is durable (FUA) at the crash, its home copies (data
 * and checksum sector) are not: 2 volatile writes, 4 first-level states.
 * Each mount replays the record: imd write, data write, flush, superblock
 * (FUA): 4 points. States per mount: the first home write alone in the cache
 * (2), both (4), after the flush nothing (1), after the superblock nothing
 * (1): 8. Replay is idempotent: a crash anywhere in it is safe. */
static void test_journal_replay_safe(void **state)
{
	struct scenario *sc = one_write("journal", SC_RECOVERY_EACH_WRITE);
	struct run_metrics m;
	struct recovery_crashes r = run(sc, &m);

	(void)state;
	assert_int_equal(m.n_crashes, 1);
	assert_int_equal(m.crash_states, 4);
	check(&r, 4, 4 * 3, 4 * 1, 4 * 8, 0);
	assert_int_equal(r.counts.sectors[ORC_CORRECT], r.sectors_checked);
	assert_int_equal(r.sectors_checked, 4 * 8 * 8); /* 8 sectors read back each */
	assert_string_equal(r.worst, "");
	run_metrics_free(&m);
	free(sc);
}

/* bitmap: data and checksum sector volatile (the bit is durable, FUA): 4
 * first-level states. Each mount recomputes region 0: imd write (2 states),
 * flush (1), clean bitmap (FUA, 1): 3 points, 4 states. All safe. */
static void test_bitmap_safe(void **state)
{
	struct scenario *sc = one_write("bitmap", SC_RECOVERY_EACH_WRITE);
	struct run_metrics m;
	struct recovery_crashes r = run(sc, &m);

	(void)state;
	check(&r, 4, 4 * 2, 4 * 1, 4 * 4, 0);
	run_metrics_free(&m);
	free(sc);
}

/* bitmap-clean-first clears the bit (FUA) before it recomputes, and never
 * flushes the recomputed checksum: 2 points per mount (1 + 2 states). Where
 * the first-level state kept the data without its checksum sector, or the
 * checksum sector without the data, a crash after the clean bitmap (1 state)
 * or with the recomputed sum lost (1 state) leaves the mismatch under a
 * clean bit: the next mount recomputes nothing and all 8 sectors are refused
 * though good. 2 such first-level states x 2 = 4 violating, 32 sectors. */
static void test_broken_recovery_caught(void **state)
{
	struct scenario *sc = one_write("bitmap-clean-first", SC_RECOVERY_EACH_WRITE);
	struct run_metrics m;
	struct recovery_crashes r = run(sc, &m);

	(void)state;
	assert_int_equal(m.violations, 0); /* invisible without crashes during recovery */
	check(&r, 4, 4 * 2, 0, 4 * 3, 4);
	assert_int_equal(r.counts.sectors[ORC_FALSE_POS], 32);
	assert_int_equal(r.counts.sectors[ORC_SILENT] + r.counts.sectors[ORC_STALE], 0);
	assert_non_null(strstr(r.worst, "mount write 1 (bitmap_write"));
	run_metrics_free(&m);
	free(sc);
}

/* Off: nothing explored, and the first-level results are the same as on. */
static void test_off_and_first_level_untouched(void **state)
{
	struct scenario *on = one_write("bitmap-clean-first", SC_RECOVERY_EACH_WRITE);
	struct scenario *off = one_write("bitmap-clean-first", SC_RECOVERY_OFF);
	struct run_metrics mon, moff;
	struct recovery_crashes ron = run(on, &mon), roff = run(off, &moff);

	(void)state;
	check(&roff, 0, 0, 0, 0, 0);
	assert_int_equal(moff.recovery_mode, SC_RECOVERY_OFF);
	assert_true(moff.recovery_step && mon.recovery_step);
	assert_true(ron.states > 0);
	assert_int_equal(mon.n_crashes, moff.n_crashes);
	for (uint32_t i = 0; i < mon.n_crashes; i++) {
		struct crash_report a = mon.crashes[i], b = moff.crashes[i];

		memset(&a.recovery, 0, sizeof(a.recovery));
		memset(&b.recovery, 0, sizeof(b.recovery));
		assert_memory_equal(&a, &b, sizeof(a));
	}
	run_metrics_free(&mon);
	run_metrics_free(&moff);
	free(on);
	free(off);
}

/* rfc has no recovery step: nothing to crash, not "0 of 0". */
static void test_no_recovery_step(void **state)
{
	struct scenario *sc = one_write("rfc", SC_RECOVERY_EACH_WRITE);
	struct run_metrics m;
	struct recovery_crashes r = run(sc, &m);

	(void)state;
	assert_false(m.recovery_step);
	check(&r, 0, 0, 0, 0, 0);
	run_metrics_free(&m);
	free(sc);
}

/* recovery_points 2 of the journal's 4: the first and the last (superblock),
 * 2 + 1 states per mount; the mount's writes are still all counted. */
static void test_points_subset(void **state)
{
	struct scenario *sc = one_write("journal", SC_RECOVERY_EACH_WRITE);
	struct run_metrics m;
	struct recovery_crashes r;

	(void)state;
	sc->crash.recovery_points = 2;
	r = run(sc, &m);
	assert_int_equal(r.points, 4 * 2);
	assert_int_equal(r.writes, 4 * 2);
	assert_int_equal(r.mount_ios, 4 * 4);
	assert_int_equal(r.states, 4 * 3);
	run_metrics_free(&m);
	free(sc);
}

/* Same scenario, same seed: the same sums, byte for byte, on a workload
 * with random crash points and random (probability) states. */
static void test_deterministic(void **state)
{
	struct scenario *sc = one_write("bitmap-clean-first", SC_RECOVERY_EACH_WRITE);
	struct run_metrics m1, m2;
	struct recovery_crashes a, b;

	(void)state;
	sc->trace.gen.requests = 40;
	sc->trace.gen.span = 620;
	sc->trace.gen.flush_every = 8;
	sc->crash.kind = SC_CRASH_RANDOM;
	sc->crash.random_count = 3;
	sc->crash.cache_loss = SC_LOSS_PROBABILITY;
	sc->crash.samples = 3;
	a = run(sc, &m1);
	b = run(sc, &m2);
	assert_true(a.states > 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(m1.n_crashes, m2.n_crashes);
	for (uint32_t i = 0; i < m1.n_crashes; i++)
		assert_memory_equal(&m1.crashes[i], &m2.crashes[i], sizeof(m1.crashes[i]));
	run_metrics_free(&m1);
	run_metrics_free(&m2);
	free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal_replay_safe),
		cmocka_unit_test(test_bitmap_safe),
		cmocka_unit_test(test_broken_recovery_caught),
		cmocka_unit_test(test_off_and_first_level_untouched),
		cmocka_unit_test(test_no_recovery_step),
		cmocka_unit_test(test_points_subset),
		cmocka_unit_test(test_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
