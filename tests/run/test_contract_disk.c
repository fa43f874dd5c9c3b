/* The device contract's disk properties end to end, on tiny traces through
 * the `none` variant (one disk write per user write), crashing once after
 * every request completed; every count below is worked out by hand:
 * - flush ignored: the flush leaves the cache full, so the write before it
 *   is still volatile and may be lost (stale: it was acknowledged durable);
 * - fua ignored: the FUA write is acknowledged from the cache;
 * - reorder within_epoch: the write after the flush never persists without
 *   the one before it; never: only prefixes;
 * - safe_append: a write past every earlier one persists whole, and before
 *   anything later. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csum.h"
#include "reports/metrics.h"
#include "scenarios/scenario.h"
#include "sim/run.h"

#define MS 1000000ULL

struct wl_builder {
	struct sim_workload w;
	size_t cap;
};

static void add(struct wl_builder *b, uint64_t t, uint8_t op, uint64_t sector, uint32_t count,
		uint32_t flags)
{
	if (b->w.n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->w.t_ns = realloc(b->w.t_ns, b->cap * sizeof(*b->w.t_ns));
		b->w.rq = realloc(b->w.rq, b->cap * sizeof(*b->w.rq));
		assert_non_null(b->w.t_ns);
		assert_non_null(b->w.rq);
	}
	b->w.t_ns[b->w.n] = t;
	b->w.rq[b->w.n] = (struct csum_wl_req){ .sector = sector, .count = count, .op = op,
						 .flags = (uint16_t)flags };
	b->w.n++;
}

/* `none` on a cached SSD, one crash at 10 ms (everything completed by then),
 * under the contract given. */
static struct scenario *scenario_of(uint8_t atomic, bool shorn, uint8_t reorder, uint8_t flush,
				    uint8_t fua, bool safe_append)
{
	struct scenario *sc = malloc(sizeof(*sc));

	assert_non_null(sc);
	scenario_defaults(sc);
	snprintf(sc->file, sizeof(sc->file), "test");
	snprintf(sc->variant, sizeof(sc->variant), "none");
	sc->device.sectors = 4096;
	sc->disk.profile = SC_DISK_SSD;
	sc->disk.cache.enabled = true;
	sc->disk.cache.fua = true;
	sc->host.mode = SC_HOST_OPEN;
	sc->output.progress = false;
	sc->crash.kind = SC_CRASH_AT_TIME;
	sc->crash.n_at = 1;
	sc->crash.at[0] = 10 * MS;
	sc->crash.cache_loss = SC_LOSS_EXHAUSTIVE;
	sc->disk.contract = (struct sc_contract){ .atomic = atomic, .shorn = shorn,
						  .reorder = reorder, .flush = flush, .fua = fua,
						  .safe_append = safe_append };
	return sc;
}

struct outcome {
	uint64_t states, violating, sampled, stale;
};

static struct outcome run(struct scenario *sc, const struct sim_workload *w)
{
	static const struct sim_options opt = { .crashes = true, .only_crash = UINT32_MAX };
	struct cs_err err = { { 0 } };
	struct run_metrics m;
	struct outcome o;

	run_metrics_init(&m, sc->variant, 0);
	if (sim_run(sc, NULL, w, &opt, &m, &err) != 0)
		fail_msg("sim_run: %s", err.msg);
	assert_int_equal(m.n_crashes, 1);
	o.states = m.crash_states;
	o.violating = m.violations;
	o.sampled = m.sampled_states;
	o.stale = m.crashes[0].counts.sectors[ORC_STALE];
	run_metrics_free(&m);
	free(sc);
	return o;
}

/* w0 (sectors 0..7), an empty flush, w1 (100..107): native trace
 *   0 w 0 8 -
 *   1000000 f 0 0 P
 *   2000000 w 100 8 - */
static void flush_trace(struct wl_builder *b)
{
	memset(b, 0, sizeof(*b));
	add(b, 0, CSUM_OP_WRITE, 0, 8, 0);
	add(b, 1 * MS, CSUM_OP_FLUSH, 0, 0, CSUM_RQ_PREFLUSH);
	add(b, 2 * MS, CSUM_OP_WRITE, 100, 8, 0);
}

static void test_flush_ignored(void **state)
{
	struct wl_builder b;
	struct outcome o;

	(void)state;
	flush_trace(&b);
	/* honoured: only w1 is volatile: lost or kept, both fine */
	o = run(scenario_of(SC_ATOMIC_WRITE, false, SC_REORDER_ANY, SC_HONOURED, SC_HONOURED,
			    false), &b.w);
	assert_int_equal(o.states, 2);
	assert_int_equal(o.violating, 0);
	/* ignored, any order: w0 and w1 volatile, 4 subsets; the two without
	 * w0 lose an acknowledged flush: 8 stale sectors each */
	o = run(scenario_of(SC_ATOMIC_WRITE, false, SC_REORDER_ANY, SC_IGNORED, SC_HONOURED,
			    false), &b.w);
	assert_int_equal(o.states, 4);
	assert_int_equal(o.violating, 2);
	assert_int_equal(o.stale, 16);
	assert_int_equal(o.sampled, 0);
	/* within the epoch: w1 (epoch 1) never without w0 (epoch 0): 3 states,
	 * only "nothing" loses w0 */
	o = run(scenario_of(SC_ATOMIC_WRITE, false, SC_REORDER_WITHIN_EPOCH, SC_IGNORED,
			    SC_HONOURED, false), &b.w);
	assert_int_equal(o.states, 3);
	assert_int_equal(o.violating, 1);
	/* within_epoch with the flush honoured: one epoch, as any */
	o = run(scenario_of(SC_ATOMIC_WRITE, false, SC_REORDER_WITHIN_EPOCH, SC_HONOURED,
			    SC_HONOURED, false), &b.w);
	assert_int_equal(o.states, 2);
	/* in order: prefixes 0, 1, 2 */
	o = run(scenario_of(SC_ATOMIC_WRITE, false, SC_REORDER_NEVER, SC_IGNORED, SC_HONOURED,
			    false), &b.w);
	assert_int_equal(o.states, 3);
	assert_int_equal(o.violating, 1);
	/* sector atomic, any order: 16 units > crash.exhaustive_max (10): the
	 * fixed list (17 prefixes + 15 single losses), flagged sampled */
	o = run(scenario_of(SC_ATOMIC_SECTOR, false, SC_REORDER_ANY, SC_IGNORED, SC_HONOURED,
			    false), &b.w);
	assert_int_equal(o.states, 32);
	assert_int_equal(o.sampled, 32);
	sim_workload_free(&b.w);
}

/* w0 (0..7) with FUA, then w1 (100..7) plain: native trace
 *   0 w 0 8 F
 *   2000000 w 100 8 - */
static void test_fua_ignored(void **state)
{
	struct wl_builder b;
	struct outcome o;

	(void)state;
	memset(&b, 0, sizeof(b));
	add(&b, 0, CSUM_OP_WRITE, 0, 8, CSUM_RQ_FUA);
	add(&b, 2 * MS, CSUM_OP_WRITE, 100, 8, 0);
	o = run(scenario_of(SC_ATOMIC_WRITE, false, SC_REORDER_ANY, SC_HONOURED, SC_HONOURED,
			    false), &b.w);
	assert_int_equal(o.states, 2);
	assert_int_equal(o.violating, 0);
	/* ignored: both cached, one epoch: 4 states, 2 lose the FUA write */
	o = run(scenario_of(SC_ATOMIC_WRITE, false, SC_REORDER_ANY, SC_HONOURED, SC_IGNORED,
			    false), &b.w);
	assert_int_equal(o.states, 4);
	assert_int_equal(o.violating, 2);
	assert_int_equal(o.stale, 16);
	o = run(scenario_of(SC_ATOMIC_WRITE, false, SC_REORDER_WITHIN_EPOCH, SC_HONOURED,
			    SC_IGNORED, false), &b.w);
	assert_int_equal(o.states, 4);
	o = run(scenario_of(SC_ATOMIC_WRITE, false, SC_REORDER_NEVER, SC_HONOURED, SC_IGNORED,
			    false), &b.w);
	assert_int_equal(o.states, 3);
	assert_int_equal(o.violating, 1);
	sim_workload_free(&b.w);
}

/* w0 = 100..101 (an append), w1 = 0..1 (not: it ends below 102), w2 =
 * 200..201 (an append), no flush: native trace
 *   0 w 100 2 -
 *   1000000 w 0 2 -
 *   2000000 w 200 2 - */
static void test_safe_append(void **state)
{
	struct wl_builder b;
	struct outcome o;

	(void)state;
	memset(&b, 0, sizeof(b));
	add(&b, 0, CSUM_OP_WRITE, 100, 2, 0);
	add(&b, 1 * MS, CSUM_OP_WRITE, 0, 2, 0);
	add(&b, 2 * MS, CSUM_OP_WRITE, 200, 2, 0);
	/* sector atomic: 6 units, 2^6 subsets */
	o = run(scenario_of(SC_ATOMIC_SECTOR, false, SC_REORDER_ANY, SC_HONOURED, SC_HONOURED,
			    false), &b.w);
	assert_int_equal(o.states, 64);
	/* safe append: w0 and w2 one unit each; w0 lost leaves nothing after it
	 * (1 state), w0 kept: w1's 2 units x w2 (4 x 2): 9 */
	o = run(scenario_of(SC_ATOMIC_SECTOR, false, SC_REORDER_ANY, SC_HONOURED, SC_HONOURED,
			    true), &b.w);
	assert_int_equal(o.states, 9);
	assert_int_equal(o.violating, 0);
	/* shorn: only w1's units may be cut: each kept w1 unit of the 8 states
	 * with w0 kept (0+1+1+2 per w2 choice, x2): 9 + 8 */
	o = run(scenario_of(SC_ATOMIC_SECTOR, true, SC_REORDER_ANY, SC_HONOURED, SC_HONOURED,
			    true), &b.w);
	assert_int_equal(o.states, 17);
	sim_workload_free(&b.w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flush_ignored),
		cmocka_unit_test(test_fua_ignored),
		cmocka_unit_test(test_safe_append),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
