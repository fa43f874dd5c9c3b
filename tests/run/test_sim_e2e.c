/* End to end: crafted workloads through host, protocol, disk and oracle,
 * where the outcome is known from the RFC's code. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <signal.h>

#include <cmocka.h>

#include "core/csum.h"
#include "reports/metrics.h"
#include "scenarios/scenario.h"
#include "sim/capacity.h"
#include "sim/run.h"

#define US 1000ULL
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

static struct scenario *base_scenario(const char *variant)
{
	struct scenario *sc = malloc(sizeof(*sc));

	assert_non_null(sc);
	scenario_defaults(sc);
	snprintf(sc->file, sizeof(sc->file), "test");
	snprintf(sc->variant, sizeof(sc->variant), "%s", variant);
	sc->device.sectors = 4096;
	sc->disk.profile = SC_DISK_SSD;
	sc->disk.cache.enabled = true;
	sc->host.mode = SC_HOST_OPEN;
	sc->output.progress = false;
	return sc;
}

static const struct sim_options with_crashes = { .crashes = true, .only_crash = UINT32_MAX };
static const struct sim_options no_crashes = { .crashes = false, .only_crash = UINT32_MAX };

static void run(struct scenario *sc, const struct sim_workload *w, const struct sim_options *o,
		struct run_metrics *m)
{
	struct cs_err err = { { 0 } };

	run_metrics_init(m, sc->variant, 0);
	if (sim_run(sc, NULL, w, o, m, &err) != 0)
		fail_msg("sim_run: %s", err.msg);
}

static uint64_t crash_class_total(const struct run_metrics *m, int c)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < m->n_crashes; i++)
		n += m->crashes[i].counts.sectors[c];
	return n;
}

/* Every read of a mixed workload returns what was last written, through the
 * read fallback when needed: no error, nothing wrong. */
static void test_rfc_reads_back_writes(void **state)
{
	struct wl_builder b = { { 0 }, 0 };
	struct scenario *sc = base_scenario("rfc");
	struct run_metrics m;
	uint64_t t = 0;

	(void)state;
	for (uint64_t i = 0; i < 200; i++) {
		uint64_t s = (i * 37) % 1000;

		add(&b, t, CSUM_OP_WRITE, s, 1 + (uint32_t)(i % 9), 0);
		t += 300 * US;
		add(&b, t, CSUM_OP_READ, s, 1 + (uint32_t)(i % 9), 0);
		t += 300 * US;
		add(&b, t, CSUM_OP_READ, (s * 7) % 1000, 4, 0);
		t += 300 * US;
	}
	run(sc, &b.w, &no_crashes, &m);
	assert_int_equal(m.user_errors[CSUM_OP_READ], 0);
	assert_int_equal(m.user_errors[CSUM_OP_WRITE], 0);
	assert_int_equal(m.user_hung[CSUM_OP_READ] + m.user_hung[CSUM_OP_WRITE], 0);
	assert_int_equal(m.reads.sectors[ORC_STALE] + m.reads.sectors[ORC_SILENT] +
			 m.reads.sectors[ORC_FALSE_POS] + m.reads.sectors[ORC_DETECTED], 0);
	assert_true(m.reads.sectors[ORC_CORRECT] > 0);
	/* both copies serve reads: the fallback is exercised */
	assert_true(m.verdicts[CSUM_V_OLDER] > 0);
	/* rfc: every write = imd read + imd write + data write */
	assert_int_equal(m.sub_ios[CSUM_ROLE_IMD_READ],
			 m.pieces); /* reads and writes each read the imd pair once */
	run_metrics_free(&m);
	free(sc);
	sim_workload_free(&b.w);
}

/* A replay large enough that the replay prefetches ahead (the oracle holds
 * more than 2^16 sectors, sim/replay.c): the hints change nothing, every
 * read returns what was written (and the Sanitize build checks that they
 * read only within the tables, the last requests included). */
static void test_rfc_large_replay_with_prefetch(void **state)
{
	struct wl_builder b = { { 0 }, 0 };
	struct scenario *sc = base_scenario("rfc");
	struct run_metrics m;
	const uint64_t writes = 9000, reads = 3000;

	(void)state;
	sc->device.sectors = 8 * writes + 64;
	sc->host.mode = SC_HOST_CLOSED;
	sc->host.queue_depth = 16;
	for (uint64_t i = 0; i < writes; i++)
		add(&b, 0, CSUM_OP_WRITE, ((i * 7919) % writes) * 8, 8, 0);
	for (uint64_t i = 0; i < reads; i++)
		add(&b, 0, CSUM_OP_READ, ((i * 104729) % writes) * 8, 8, 0);
	run(sc, &b.w, &no_crashes, &m);
	assert_int_equal(m.user_errors[CSUM_OP_READ] + m.user_errors[CSUM_OP_WRITE], 0);
	assert_int_equal(m.user_hung[CSUM_OP_READ] + m.user_hung[CSUM_OP_WRITE], 0);
	assert_int_equal(m.reads.sectors[ORC_CORRECT], 8 * reads);
	assert_int_equal(m.reads.sectors[ORC_STALE] + m.reads.sectors[ORC_SILENT] +
			 m.reads.sectors[ORC_FALSE_POS] + m.reads.sectors[ORC_DETECTED], 0);
	run_metrics_free(&m);
	free(sc);
	sim_workload_free(&b.w);
}

/* The in-place update of the older copy: write A, write B in the same group,
 * write A again and crash between its imd write and its data write. The
 * acknowledged first A is on disk, but neither copy holds its CRC any more. */
static void test_rfc_false_positive_after_crash(void **state)
{
	struct wl_builder b = { { 0 }, 0 };
	struct scenario *sc = base_scenario("rfc");
	struct scenario *sn = base_scenario("none");
	struct run_metrics m, mn;

	(void)state;
	add(&b, 0, CSUM_OP_WRITE, 0, 1, 0);
	add(&b, 5 * MS, CSUM_OP_WRITE, 1, 1, 0);
	add(&b, 10 * MS, CSUM_OP_WRITE, 0, 1, 0);
	sc->crash.kind = SC_CRASH_AT_TIME;
	sc->crash.n_at = SC_MAX_CRASH_POINTS;
	for (uint32_t i = 0; i < SC_MAX_CRASH_POINTS; i++)
		sc->crash.at[i] = 10 * MS + i * 40 * US; /* 10 ms .. 12.5 ms */
	sn->crash = sc->crash;
	run(sc, &b.w, &with_crashes, &m);
	assert_int_equal(m.n_crashes, SC_MAX_CRASH_POINTS);
	assert_true(crash_class_total(&m, ORC_FALSE_POS) >= 1);
	{
		/* the refused sector's group can still be written */
		uint64_t probed = 0, unwritable = 0;

		for (uint32_t i = 0; i < m.n_crashes; i++) {
			probed += m.crashes[i].probed_groups;
			unwritable += m.crashes[i].unwritable_groups;
		}
		assert_true(probed >= 1);
		assert_int_equal(unwritable, 0);
	}
	/* never wrong data returned */
	assert_int_equal(crash_class_total(&m, ORC_SILENT), 0);
	/* no checksums, no false errors */
	run(sn, &b.w, &with_crashes, &mn);
	assert_int_equal(crash_class_total(&mn, ORC_FALSE_POS), 0);
	run_metrics_free(&m);
	run_metrics_free(&mn);
	free(sc);
	free(sn);
	sim_workload_free(&b.w);
}

/* The load at the trace's rate: writes spaced far apart are not saturated
 * and nothing stalls; the same writes arriving all at once on an HDD keep
 * it busy throughout with a backlog left at the last arrival. */
static void test_load_saturation(void **state)
{
	struct wl_builder idle = { { 0 }, 0 }, burst = { { 0 }, 0 };
	struct scenario *sc = base_scenario("none");
	struct run_metrics m;

	(void)state;
	sc->disk.profile = SC_DISK_HDD;
	for (uint64_t i = 0; i < 200; i++) {
		add(&idle, i * 100 * MS, CSUM_OP_WRITE, (i * 7919) % 4000, 8, 0);
		add(&burst, i * US, CSUM_OP_WRITE, (i * 7919) % 4000, 8, CSUM_RQ_FUA);
	}
	run(sc, &idle.w, &no_crashes, &m);
	assert_false(m.load.saturated);
	assert_true(m.load.busy_frac < 0.5);
	assert_int_equal(m.stalled_at, UINT64_MAX);
	assert_int_equal(m.requests_total, 200);
	assert_true(m.load.backlog_max <= 2);
	run_metrics_free(&m);
	run(sc, &burst.w, &no_crashes, &m);
	assert_true(m.load.saturated);
	assert_true(m.load.busy_frac > 0.95);
	assert_true(m.load.backlog_end >= 64);
	assert_true(m.load.backlog_max >= m.load.backlog_end);
	run_metrics_free(&m);
	free(sc);
	sim_workload_free(&idle.w);
	sim_workload_free(&burst.w);
}

/* Capacity replays the same requests closed loop: on writes spaced far
 * apart (open-loop time says nothing about cost) rfc, which adds imd writes
 * and flushes to each write, finishes later than none; every request
 * completes; a hanging request marks the capacity stalled. */
static void test_capacity(void **state)
{
	struct wl_builder b = { { 0 }, 0 }, hang = { { 0 }, 0 };
	struct scenario *sc = base_scenario("rfc");
	struct capacity_info rfc, none, qd1, stalled;
	struct cs_err err = { { 0 } };

	(void)state;
	for (uint64_t i = 0; i < 300; i++)
		add(&b, i * 100 * MS, CSUM_OP_WRITE, (i * 7919) % 4000, 8, 0);
	add(&hang, 0, CSUM_OP_WRITE, 0, 63, 0); /* D2: never completes */
	add(&hang, 1 * MS, CSUM_OP_WRITE, 200, 8, 0);
	assert_int_equal(sim_capacity(sc, NULL, &b.w, 32, &rfc, &err), 0);
	assert_int_equal(sim_capacity(sc, "none", &b.w, 32, &none, &err), 0);
	assert_int_equal(sim_capacity(sc, "none", &b.w, 1, &qd1, &err), 0);
	assert_int_equal(sim_capacity(sc, NULL, &hang.w, 32, &stalled, &err), 0);
	assert_true(rfc.measured && none.measured);
	assert_false(rfc.stalled || none.stalled);
	assert_int_equal(rfc.requests_done, 300);
	assert_int_equal(none.requests_done, 300);
	assert_int_equal(none.bytes_done, 300 * 8 * 512);
	/* far below the open-loop replay's 30 s */
	assert_true(none.time_ns < 1000 * MS);
	assert_true(rfc.time_ns > none.time_ns);
	assert_true(rfc.iops < none.iops);
	/* one at a time is slower than 32 at a time */
	assert_true(qd1.time_ns > none.time_ns);
	assert_true(stalled.stalled);
	assert_int_equal(stalled.requests_done, 1);
	free(sc);
	sim_workload_free(&b.w);
	sim_workload_free(&hang.w);
}

/* A write that starts on a 62-sector boundary and crosses one never
 * completes (expected = nmiddle + 2, only nmiddle + 1 queued). */
static void test_rfc_evil_bio_without_prelude_hangs(void **state)
{
	struct wl_builder b = { { 0 }, 0 };
	struct scenario *sc = base_scenario("rfc");
	struct run_metrics m;

	(void)state;
	add(&b, 0, CSUM_OP_WRITE, 0, 63, 0);      /* prelude 0: hangs */
	add(&b, 5 * MS, CSUM_OP_WRITE, 10, 63, 0);/* prelude 52: completes */
	add(&b, 10 * MS, CSUM_OP_READ, 10, 63, 0);
	{
		struct sim_options rec = no_crashes;
		bool found = false;

		rec.records = true;
		run(sc, &b.w, &rec, &m);
		/* the hung request has its row, never completed */
		assert_int_equal(m.n_records, 3);
		for (size_t i = 0; i < m.n_records; i++)
			found = found || (m.records[i].id == 0 && m.records[i].t_done == UINT64_MAX);
		assert_true(found);
	}
	assert_int_equal(m.user_hung[CSUM_OP_WRITE], 1);
	assert_int_equal(m.user_hung[CSUM_OP_READ], 0);
	assert_int_equal(m.user_errors[CSUM_OP_READ], 0);
	assert_int_equal(m.evil_requests, 3);
	/* the stall is named: request 0 of 3 never completed */
	assert_int_equal(m.stalled_at, 0);
	assert_int_equal(m.requests_total, 3);
	assert_int_equal(m.reads.sectors[ORC_CORRECT], 63);
	run_metrics_free(&m);
	free(sc);
	sim_workload_free(&b.w);
}

/* One failed allocation on the write path never releases the global lock:
 * every later request waits forever. */
static void test_rfc_enomem_loses_the_lock(void **state)
{
	struct wl_builder b = { { 0 }, 0 };
	struct scenario *sc = base_scenario("rfc");
	struct run_metrics m;

	(void)state;
	snprintf(sc->fiu[0].name, sizeof(sc->fiu[0].name), "rfc/write_nice_bio/kmalloc");
	sc->fiu[0].nth = 1;
	sc->n_fiu = 1;
	add(&b, 0, CSUM_OP_WRITE, 0, 8, 0);
	add(&b, 1 * MS, CSUM_OP_WRITE, 100, 8, 0);
	add(&b, 2 * MS, CSUM_OP_READ, 100, 8, 0);
	run(sc, &b.w, &no_crashes, &m);
	assert_int_equal(m.user_errors[CSUM_OP_WRITE], 1);
	assert_int_equal(m.user_hung[CSUM_OP_WRITE], 1);
	assert_int_equal(m.user_hung[CSUM_OP_READ], 1);
	assert_true(m.lock_lost);
	assert_int_equal(m.stalled_at, 1); /* the first write failed, the second waits */
	run_metrics_free(&m);
	free(sc);
	sim_workload_free(&b.w);
}

/* Two devices: the data write's barrier does not order or flush the imd
 * device, so an acknowledged write whose imd update sits in the imd disk's
 * cache is unreadable after a crash. Forwarding flushes closes the hole. */
static void test_rfc_separate_devices_lose_imd(void **state)
{
	struct wl_builder b = { { 0 }, 0 };
	struct scenario *sc = base_scenario("rfc");
	struct run_metrics m, mf;

	(void)state;
	sc->device.placement = CSUM_PLACE_SEPARATE;
	sc->crash.kind = SC_CRASH_AT_TIME;
	sc->crash.n_at = 1;
	sc->crash.at[0] = 50 * MS;
	add(&b, 0, CSUM_OP_WRITE, 5, 1, 0);
	add(&b, 10 * MS, CSUM_OP_FLUSH, 0, 0, CSUM_RQ_PREFLUSH);
	run(sc, &b.w, &with_crashes, &m);
	assert_int_equal(m.n_crashes, 1);
	assert_int_equal(m.crashes[0].counts.sectors[ORC_FALSE_POS], 1);

	sc->flush_policy = CSUM_FLUSH_FORWARD;
	sc->flush_policy_set = true;
	run(sc, &b.w, &with_crashes, &mf);
	assert_int_equal(mf.crashes[0].counts.sectors[ORC_FALSE_POS], 0);
	assert_int_equal(mf.crashes[0].counts.sectors[ORC_CORRECT], 1);
	run_metrics_free(&m);
	run_metrics_free(&mf);
	free(sc);
	sim_workload_free(&b.w);
}

/* Same scenario, same seed: the same numbers. */
static void test_deterministic(void **state)
{
	struct scenario *sc = base_scenario("rfc");
	struct sim_workload w;
	struct run_metrics a, b;
	struct cs_err err = { { 0 } };

	(void)state;
	sc->trace.kind = SC_TRACE_GENERATOR;
	sc->trace.gen.requests = 400;
	sc->trace.gen.pattern = SC_GEN_ZIPF;
	sc->trace.gen.flush_every = 16;
	sc->crash.kind = SC_CRASH_RANDOM;
	sc->crash.random_count = 5;
	if (sim_workload_load(&w, sc, &err) != 0)
		fail_msg("%s", err.msg);
	run(sc, &w, &with_crashes, &a);
	run(sc, &w, &with_crashes, &b);
	assert_int_equal(a.sim_time_ns, b.sim_time_ns);
	assert_memory_equal(&a.lat_all, &b.lat_all, sizeof(a.lat_all));
	assert_memory_equal(&a.reads, &b.reads, sizeof(a.reads));
	assert_int_equal(a.n_crashes, 5);
	assert_memory_equal(a.crashes, b.crashes, a.n_crashes * sizeof(*a.crashes));
	run_metrics_free(&a);
	run_metrics_free(&b);
	sim_workload_free(&w);
	free(sc);
}

/* The baselines through the simulator, crash states and all: checksums next
 * to the data with no ordering (single) reject good data after crashes; a
 * journal replayed at mount, or a dirty bitmap recomputed at mount, do not. */
static void test_baselines_after_crashes(void **state)
{
	static const char *const names[] = { "single", "journal", "bitmap" };
	uint64_t fp[3] = { 0 }, bad[3] = { 0 };
	struct scenario *sc = base_scenario("single");
	struct sim_workload w;
	struct cs_err err = { { 0 } };

	(void)state;
	sc->trace.kind = SC_TRACE_GENERATOR;
	sc->trace.gen.requests = 300;
	sc->trace.gen.pattern = SC_GEN_UNIFORM;
	sc->trace.gen.read_fraction = 0.2;
	sc->trace.gen.span = 600;
	sc->trace.gen.sizes[0] = 1;
	sc->trace.gen.sizes[1] = 8;
	sc->trace.gen.n_sizes = 2;
	sc->trace.gen.align = 1;
	sc->trace.gen.interarrival_us = 20;
	sc->trace.gen.flush_every = 50;
	sc->crash.kind = SC_CRASH_RANDOM;
	sc->crash.random_count = 24;
	sc->crash.cache_loss = SC_LOSS_ADVERSARIAL;
	if (sim_workload_load(&w, sc, &err) != 0)
		fail_msg("%s", err.msg);
	for (int v = 0; v < 3; v++) {
		struct run_metrics m;

		snprintf(sc->variant, sizeof(sc->variant), "%s", names[v]);
		run(sc, &w, &with_crashes, &m);
		assert_true(m.crash_states > 24);
		fp[v] = crash_class_total(&m, ORC_FALSE_POS);
		bad[v] = crash_class_total(&m, ORC_STALE) + crash_class_total(&m, ORC_SILENT);
		run_metrics_free(&m);
	}
	assert_true(fp[0] > 0);   /* single: torn data/checksum pairs */
	assert_int_equal(fp[1], 0); /* journal: replayed */
	assert_int_equal(bad[1], 0);
	assert_int_equal(fp[2], 0); /* bitmap: dirty regions recomputed */
	sim_workload_free(&w);
	free(sc);
}

/* A latent sector error on data: the disk cannot read it, the read fails,
 * and that is the right answer (detected), not a false alarm of the scheme. */
static void test_latent_error_is_detected(void **state)
{
	struct wl_builder b = { { 0 }, 0 };
	struct scenario *sc = base_scenario("rfc");
	struct run_metrics m;

	(void)state;
	sc->faults.lse_at_ns = 1 * MS;
	sc->faults.lse_at_count = 1;
	sc->faults.lse_target = SC_TARGET_DATA;
	add(&b, 0, CSUM_OP_WRITE, 5, 1, CSUM_RQ_FUA);
	add(&b, 3 * MS, CSUM_OP_READ, 5, 1, 0);
	add(&b, 4 * MS, CSUM_OP_WRITE, 5, 1, 0); /* rewriting heals it */
	add(&b, 8 * MS, CSUM_OP_READ, 5, 1, 0);
	run(sc, &b.w, &no_crashes, &m);
	assert_int_equal(m.reads.sectors[ORC_DETECTED], 1);
	assert_int_equal(m.reads.sectors[ORC_FALSE_POS], 0);
	assert_int_equal(m.reads.sectors[ORC_CORRECT], 1);
	assert_int_equal(m.faults.n[FT_LSE][FO_DETECTED], 1);
	run_metrics_free(&m);
	free(sc);
	sim_workload_free(&b.w);
}

/* Random crash points come from the workload, not the variant: a comparison
 * crashes every variant at the same times. */
static void test_random_crashes_same_for_every_variant(void **state)
{
	struct scenario *sc = base_scenario("rfc");
	struct sim_workload w;
	struct run_metrics a, b;
	struct cs_err err = { { 0 } };

	(void)state;
	sc->trace.kind = SC_TRACE_GENERATOR;
	sc->trace.gen.requests = 200;
	sc->trace.gen.flush_every = 10;
	sc->crash.kind = SC_CRASH_RANDOM;
	sc->crash.random_count = 6;
	if (sim_workload_load(&w, sc, &err) != 0)
		fail_msg("%s", err.msg);
	run(sc, &w, &with_crashes, &a);
	snprintf(sc->variant, sizeof(sc->variant), "none");
	run(sc, &w, &with_crashes, &b);
	assert_true(a.sim_time_ns != b.sim_time_ns); /* the runs differ in length... */
	assert_int_equal(a.n_crashes, 6);
	assert_int_equal(b.n_crashes, 6);
	for (uint32_t i = 0; i < 6; i++)             /* ...the crash times do not */
		assert_int_equal(a.crashes[i].time_ns, b.crashes[i].time_ns);
	run_metrics_free(&a);
	run_metrics_free(&b);
	sim_workload_free(&w);
	free(sc);
}

/* Availability after recovery: a false positive leaves the group writable;
 * a latent error on an imd sector makes rfc's write to that group fail (and,
 * by D3, every write after it). */
static void test_unwritable_groups(void **state)
{
	struct wl_builder b = { { 0 }, 0 };
	struct scenario *sc = base_scenario("rfc");
	struct run_metrics m;

	(void)state;
	for (int i = 0; i < 4; i++)
		add(&b, (uint64_t)i * MS, CSUM_OP_WRITE, (uint64_t)i * 100, 8, CSUM_RQ_FUA);
	sc->faults.lse_at_ns = 10 * MS;
	sc->faults.lse_at_count = 1;
	sc->faults.lse_target = SC_TARGET_IMD;
	sc->crash.kind = SC_CRASH_END;
	run(sc, &b.w, &with_crashes, &m);
	assert_int_equal(m.n_crashes, 1);
	assert_true(m.crashes[0].unreadable_sectors >= 8);   /* the group's reads fail */
	assert_true(m.crashes[0].probed_groups >= 1);
	assert_int_equal(m.crashes[0].unwritable_groups, m.crashes[0].probed_groups);
	run_metrics_free(&m);

	/* no fault: nothing unreadable, nothing probed */
	sc->faults.lse_at_ns = UINT64_MAX;
	run(sc, &b.w, &with_crashes, &m);
	assert_int_equal(m.crashes[0].unreadable_sectors, 0);
	assert_int_equal(m.crashes[0].probed_groups, 0);
	run_metrics_free(&m);
	free(sc);
	sim_workload_free(&b.w);
}

/* Two at-rest processes (bit rot and latent errors) must not keep each
 * other alive once the workload is done: the run ends. */
static void test_at_rest_processes_end(void **state)
{
	struct wl_builder b = { { 0 }, 0 };
	struct scenario *sc = base_scenario("rfc");
	struct run_metrics m;

	(void)state;
	for (int i = 0; i < 20; i++)
		add(&b, (uint64_t)i * MS, CSUM_OP_WRITE, (uint64_t)i * 8, 8, 0);
	sc->faults.rot_rate = 10;
	sc->faults.lse_rate = 10;
	run(sc, &b.w, &no_crashes, &m);
	assert_true(m.sim_time_ns < 100 * MS);
	run_metrics_free(&m);
	free(sc);
	sim_workload_free(&b.w);
}

/* device.format: none starts from zeroes: every imd pair reads last_updated
 * (0, 0), which older_imd() cannot order. D8: a read fails with -ENOMEM; D11:
 * a write fails with -EIO and, by D3, leaves its group's lock held, so the
 * next write hangs and every request after it queues behind it. The same
 * workload on the formatted device (rfc, the default) has no error. */
/* Four requests of 8 or 1 sectors, 1 ms apart, with their records; frees sc. */
static void run_four(struct scenario *sc, const uint8_t op[4], const uint64_t sector[4],
		     uint32_t count, struct run_metrics *m)
{
	struct wl_builder b = { 0 };
	struct sim_options rec = no_crashes;

	for (int i = 0; i < 4; i++)
		add(&b, (uint64_t)i * MS, op[i], sector[i], i < 2 ? count : 8, 0);
	rec.records = true;
	run(sc, &b.w, &rec, m);
	free(sc);
	sim_workload_free(&b.w);
}

static void run_format(uint8_t format, struct run_metrics *m)
{
	static const uint8_t op[4] = { CSUM_OP_READ, CSUM_OP_WRITE, CSUM_OP_WRITE, CSUM_OP_READ };
	static const uint64_t at[4] = { 0, 100, 300, 300 };
	struct scenario *sc = base_scenario("rfc");

	sc->device.format = format;
	run_four(sc, op, at, 8, m);
}

static int record_result(const struct run_metrics *m, uint64_t id, bool *done)
{
	for (size_t i = 0; i < m->n_records; i++)
		if (m->records[i].id == id) {
			*done = m->records[i].t_done != UINT64_MAX;
			return m->records[i].result;
		}
	fail_msg("no record of request %llu", (unsigned long long)id);
	return 0;
}

static void test_unformatted_device(void **state)
{
	struct run_metrics m;
	bool done;

	(void)state;
	run_format(SC_DEVFMT_RFC, &m);
	for (uint64_t id = 0; id < 4; id++) {
		assert_int_equal(record_result(&m, id, &done), 0);
		assert_true(done);
	}
	assert_int_equal(m.stalled_at, UINT64_MAX);
	run_metrics_free(&m);

	run_format(SC_DEVFMT_NONE, &m);
	assert_int_equal(record_result(&m, 0, &done), -ENOMEM); /* D8 */
	assert_true(done);
	assert_int_equal(record_result(&m, 1, &done), -EIO);    /* D11 */
	assert_true(done);
	(void)record_result(&m, 2, &done);                      /* D3: the lock */
	assert_false(done);
	(void)record_result(&m, 3, &done);
	assert_false(done);
	assert_int_equal(m.user_errors[CSUM_OP_READ], 1);
	assert_int_equal(m.user_errors[CSUM_OP_WRITE], 1);
	assert_int_equal(m.user_hung[CSUM_OP_WRITE], 1);
	assert_int_equal(m.user_hung[CSUM_OP_READ], 1);
	assert_int_equal(m.stalled_at, 2);
	run_metrics_free(&m);
}

/* device.size: exact makes each backing device as long as csum_ctr's
 * dm_get_device() validates it; grow (the old behaviour) covers every
 * sector the mappings reach. Same placement, len 200: the area is
 * [0, 200 + 8) but dm sector 199 maps to data sector 208 (D6). Separate,
 * len 200: the imd area is [0, 8) but groups 2 and 3 have M2 at 8 and their
 * pair at 9-10 (D5). */
static void run_size(uint8_t placement, uint8_t size, uint64_t sector, struct run_metrics *m)
{
	static const uint8_t op[4] = { CSUM_OP_WRITE, CSUM_OP_READ, CSUM_OP_WRITE, CSUM_OP_READ };
	const uint64_t at[4] = { sector, sector, 0, 0 };
	struct scenario *sc = base_scenario("rfc");

	sc->device.sectors = 200;
	sc->device.placement = placement;
	if (size != UINT8_MAX) /* UINT8_MAX: the scenario's default */
		sc->device.size = size;
	run_four(sc, op, at, 1, m);
}

static void expect_results(const struct run_metrics *m, const int *result, const bool *done)
{
	assert_int_equal(m->n_records, 4);
	for (uint64_t id = 0; id < 4; id++) {
		bool d;

		assert_int_equal(record_result(m, id, &d), result[id]);
		assert_int_equal(d, done[id]);
	}
}

static void test_device_size(void **state)
{
	static const int ok[4] = { 0, 0, 0, 0 };
	static const bool all[4] = { true, true, true, true };
	struct run_metrics m;

	(void)state;
	/* grow: every placement past the area works, as before */
	run_size(CSUM_PLACE_SAME, SC_DEVSIZE_GROW, 199, &m);
	expect_results(&m, ok, all);
	run_metrics_free(&m);
	run_size(CSUM_PLACE_SEPARATE, SC_DEVSIZE_GROW, 190, &m);
	expect_results(&m, ok, all);
	run_metrics_free(&m);
	/* exact, D6: the imd update lands, the data write past the end fails
	 * (-EIO), so does its read; the lock is released, nothing hangs */
	{
		static const int r[4] = { -EIO, -EIO, 0, 0 };

		run_size(CSUM_PLACE_SAME, SC_DEVSIZE_EXACT, 199, &m);
		expect_results(&m, r, all);
		assert_int_equal(m.stalled_at, UINT64_MAX);
		run_metrics_free(&m);
		/* exact is the default (issue 12: the RFC's devices as csum_ctr
		 * validates them) */
		run_size(CSUM_PLACE_SAME, UINT8_MAX, 199, &m);
		expect_results(&m, r, all);
		run_metrics_free(&m);
	}
	/* exact, D5: group 3's imd read past the imd device fails the write
	 * (-EIO) with the lock held (D3): every later request hangs */
	{
		static const int r[4] = { -EIO, 0, 0, 0 };
		static const bool d[4] = { true, false, false, false };

		run_size(CSUM_PLACE_SEPARATE, SC_DEVSIZE_EXACT, 190, &m);
		expect_results(&m, r, d);
		assert_int_equal(m.stalled_at, 1);
		assert_int_equal(m.user_hung[CSUM_OP_READ] + m.user_hung[CSUM_OP_WRITE], 3);
		run_metrics_free(&m);
		/* group 2: M1 at 7 is inside, M2 at 8 is not */
		run_size(CSUM_PLACE_SEPARATE, SC_DEVSIZE_EXACT, 130, &m);
		expect_results(&m, r, d);
		run_metrics_free(&m);
		/* group 1 (5-6) is inside the area: no error */
		run_size(CSUM_PLACE_SEPARATE, SC_DEVSIZE_EXACT, 70, &m);
		expect_results(&m, ok, all);
		run_metrics_free(&m);
	}
}

/* The RFC checks a read's CRCs before it looks at the data read's error
 * (read_complete: verify_crc, then pr->error). A read past the device's end
 * (D6) fails -EIO and the disk fills nothing, so rfc judges the pages the
 * host handed down: zeroed (the kernel's pages would hold whatever they
 * held). A zero sector's CRC is 0, as is a never-written imd slot, so the
 * failed sector counts "newer" in protocol.verdicts; bytes left from the
 * read before (the buffer's last use) would count "mismatch". The user
 * sees -EIO and the oracle "detected" either way (bench/poison.sh runs
 * every bundled scenario with the pages filled with 0xa5 instead). */
static void test_failed_read_judges_zeroed_pages(void **state)
{
	struct wl_builder b = { 0 };
	struct scenario *sc = base_scenario("rfc");
	struct sim_options rec = no_crashes;
	struct run_metrics m;
	bool done;

	(void)state;
	sc->device.sectors = 200;
	sc->disk.cache.enabled = false;
	add(&b, 0, CSUM_OP_WRITE, 10, 1, 0);
	add(&b, 1 * MS, CSUM_OP_READ, 10, 1, 0);
	add(&b, 2 * MS, CSUM_OP_READ, 199, 1, 0); /* D6: its data sector is past the end */
	rec.records = true;
	run(sc, &b.w, &rec, &m);
	assert_int_equal(record_result(&m, 1, &done), 0);
	assert_int_equal(record_result(&m, 2, &done), -EIO);
	assert_true(done);
	assert_int_equal(m.verdicts[CSUM_V_NEWER], 2);
	assert_int_equal(m.verdicts[CSUM_V_UNCHECKED] + m.verdicts[CSUM_V_OLDER] +
				 m.verdicts[CSUM_V_MISMATCH] + m.verdicts[CSUM_V_NOCHECK],
			 0);
	assert_int_equal(m.reads.sectors[ORC_CORRECT], 1);
	assert_int_equal(m.reads.sectors[ORC_DETECTED], 1);
	run_metrics_free(&m);
	free(sc);
	sim_workload_free(&b.w);
}

/* 2.6.30's dm core (host.barrier drain, rfc's default): a barrier waits
 * for every earlier request, and every later one queues behind it. D2's
 * hung write never completes, so the PREFLUSH|FUA write after it never
 * runs and neither does anything after that (docs/PROTOCOL.md, section 4). */
static void barrier_workload(struct wl_builder *b, uint64_t gap)
{
	add(b, 0, CSUM_OP_WRITE, 0, 63, 0); /* D2 under rfc */
	add(b, 1 * gap, CSUM_OP_WRITE, 200, 8, 0);
	add(b, 2 * gap, CSUM_OP_WRITE, 400, 8, CSUM_RQ_PREFLUSH | CSUM_RQ_FUA);
	add(b, 3 * gap, CSUM_OP_WRITE, 300, 8, 0);
	add(b, 4 * gap, CSUM_OP_READ, 200, 8, 0);
	add(b, 5 * gap, CSUM_OP_FLUSH, 0, 0, 0);
	add(b, 6 * gap, CSUM_OP_WRITE, 500, 8, 0);
}

static void run_barrier(const char *variant, uint8_t barrier, uint64_t gap, struct run_metrics *m)
{
	struct wl_builder b = { { 0 }, 0 };
	struct scenario *sc = base_scenario(variant);
	struct sim_options rec = no_crashes;

	sc->host.barrier = barrier;
	barrier_workload(&b, gap);
	rec.records = true;
	run(sc, &b.w, &rec, m);
	free(sc);
	sim_workload_free(&b.w);
}

static uint64_t t_done_of(const struct run_metrics *m, uint64_t id)
{
	for (size_t i = 0; i < m->n_records; i++)
		if (m->records[i].id == id)
			return m->records[i].t_done;
	fail_msg("no record of request %llu", (unsigned long long)id);
	return 0;
}

static void test_barrier_drain(void **state)
{
	struct run_metrics m;
	bool done;

	(void)state;
	/* rfc, its own default: the whole device stops at the barrier */
	run_barrier("rfc", SC_BARRIER_DEFAULT, MS, &m);
	assert_int_equal(record_result(&m, 1, &done), 0);
	assert_true(done);
	for (uint64_t id = 2; id < 7; id++) {
		(void)record_result(&m, id, &done);
		assert_false(done);
	}
	assert_int_equal(m.user_hung[CSUM_OP_WRITE], 4);
	assert_int_equal(m.user_hung[CSUM_OP_READ], 1);
	assert_int_equal(m.user_hung[CSUM_OP_FLUSH], 1);
	assert_int_equal(m.barrier_held, 5);
	assert_int_equal(m.stalled_at, 0);
	run_metrics_free(&m);
	/* passed in order (a current kernel's dm): only the D2 write hangs */
	run_barrier("rfc", SC_BARRIER_PASS, MS, &m);
	assert_int_equal(m.user_hung[CSUM_OP_WRITE], 1);
	assert_int_equal(m.user_hung[CSUM_OP_READ] + m.user_hung[CSUM_OP_FLUSH], 0);
	assert_int_equal(m.barrier_held, 0);
	run_metrics_free(&m);
	/* rfc-split (no hang), requests 10 us apart so they overlap: every
	 * barrier completes after all before it and before any after it */
	run_barrier("rfc-split", SC_BARRIER_DEFAULT, 10 * US, &m);
	assert_int_equal(m.user_hung[CSUM_OP_WRITE] + m.user_hung[CSUM_OP_READ], 0);
	for (uint64_t id = 0; id < 7; id++) {
		uint64_t t = t_done_of(&m, id);

		assert_true(t != UINT64_MAX);
		if (id < 2)
			assert_true(t < t_done_of(&m, 2));
		if (id > 2)
			assert_true(t > t_done_of(&m, 2));
		if (id < 5)
			assert_true(t < t_done_of(&m, 5));
		if (id > 5)
			assert_true(t > t_done_of(&m, 5));
	}
	run_metrics_free(&m);
	/* the same without the drain: the empty flush completes at once,
	 * ahead of the writes still in flight (what the drain changes) */
	run_barrier("rfc-split", SC_BARRIER_PASS, 10 * US, &m);
	assert_true(t_done_of(&m, 5) < t_done_of(&m, 3));
	run_metrics_free(&m);
	/* none keeps a current kernel's dm: its forwarded flush takes the
	 * disk's flush time while the write after it overtakes it */
	run_barrier("none", SC_BARRIER_DEFAULT, 10 * US, &m);
	assert_true(t_done_of(&m, 6) < t_done_of(&m, 5));
	run_metrics_free(&m);
	run_barrier("none", SC_BARRIER_DRAIN, 10 * US, &m);
	assert_true(t_done_of(&m, 6) > t_done_of(&m, 5));
	run_metrics_free(&m);
}

/* Two targets on one lock (device.second_target): each has its own dm core,
 * so D2's hang in the first stops the first at its next barrier while the
 * second, on the same global semaphore, keeps going; one target with the
 * same requests stops everything. */
static void run_two(uint64_t second, struct run_metrics *m)
{
	struct wl_builder b = { { 0 }, 0 };
	struct scenario *sc = base_scenario("rfc");
	struct sim_options rec = no_crashes;

	sc->device.sectors = 2 * 1240;
	sc->device.second_target = second;
	add(&b, 0, CSUM_OP_WRITE, 0, 63, 0);               /* target 0: D2 */
	add(&b, 1 * MS, CSUM_OP_FLUSH, 0, 0, 0);           /* target 0: waits for ever */
	add(&b, 2 * MS, CSUM_OP_WRITE, 100, 8, 0);         /* target 0: behind it */
	add(&b, 3 * MS, CSUM_OP_WRITE, 1240 + 100, 8, 0);  /* target 1 */
	add(&b, 4 * MS, CSUM_OP_FLUSH, 1240, 0, 0);        /* target 1's barrier */
	add(&b, 5 * MS, CSUM_OP_READ, 1240 + 100, 8, 0);   /* target 1 */
	rec.records = true;
	run(sc, &b.w, &rec, m);
	free(sc);
	sim_workload_free(&b.w);
}

static void test_two_targets(void **state)
{
	struct run_metrics m;
	bool done;

	(void)state;
	run_two(1240, &m);
	for (uint64_t id = 0; id < 3; id++) {
		(void)record_result(&m, id, &done);
		assert_false(done);
	}
	for (uint64_t id = 3; id < 6; id++) {
		assert_int_equal(record_result(&m, id, &done), 0);
		assert_true(done);
	}
	assert_int_equal(m.barrier_held, 2);
	assert_false(m.lock_lost);
	run_metrics_free(&m);
	/* one target: target 1's requests queue behind target 0's barrier */
	run_two(0, &m);
	for (uint64_t id = 0; id < 6; id++) {
		(void)record_result(&m, id, &done);
		assert_false(done);
	}
	assert_int_equal(m.barrier_held, 5);
	run_metrics_free(&m);
}

/* The capacity replays in a child process (sim/capacity_child.c) give what
 * sim_capacity gives in this process: the same numbers, the same error,
 * also when the child dies before it delivers; and no child is left. */
static struct sim_workload *cap_workload(void)
{
	struct wl_builder *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	for (uint64_t i = 0; i < 400; i++) {
		if (i % 50 == 49)
			add(b, i * MS, CSUM_OP_FLUSH, 0, 0, 0);
		else
			add(b, i * MS, i % 3 ? CSUM_OP_WRITE : CSUM_OP_READ, (i * 7919) % 4000, 8, 0);
	}
	return &b->w; /* the builder's first member */
}

static void cap_workload_free(struct sim_workload *w)
{
	sim_workload_free(w);
	free(w);
}

static struct scenario *cap_scenario(const char *variant)
{
	struct scenario *sc = base_scenario(variant);

	sc->output.capacity_depth = 8;
	return sc;
}

/* no child of ours is left: reaped, not a zombie */
static void assert_no_child(int pid)
{
	errno = 0;
	assert_int_equal(waitpid(pid, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void assert_same(const struct capacity_info *a, const struct capacity_info *b)
{
	assert_true(a->measured && b->measured);
	assert_int_equal(a->stalled, b->stalled);
	assert_int_equal(a->queue_depth, b->queue_depth);
	assert_int_equal(a->time_ns, b->time_ns);
	assert_int_equal(a->requests_done, b->requests_done);
	assert_int_equal(a->bytes_done, b->bytes_done);
	assert_memory_equal(&a->iops, &b->iops, sizeof(a->iops));
	assert_memory_equal(&a->mib_s, &b->mib_s, sizeof(a->mib_s));
}

static void test_same_as_in_process(void **state)
{
	struct sim_workload *w = cap_workload();
	struct scenario *sc = cap_scenario("rfc");
	struct capacity_info want[2], got[2];
	struct cs_err err = { { 0 } };
	struct cap_child c;
	int pid;

	(void)state;
	assert_int_equal(sim_capacity(sc, NULL, w, 8, &want[0], &err), 0);
	assert_int_equal(sim_capacity(sc, "none", w, 8, &want[1], &err), 0);
	/* rfc adds metadata writes: the two differ, so the order is checked */
	assert_true(want[0].time_ns != want[1].time_ns);
	cap_child_start(&c, sc, w, 2);
	pid = c.pid;
	assert_true(pid > 0);
	assert_int_equal(cap_child_result(&c, sc, w, &got[0], &err), 0);
	assert_int_equal(cap_child_result(&c, sc, w, &got[1], &err), 0);
	assert_same(&got[0], &want[0]);
	assert_same(&got[1], &want[1]);
	assert_int_equal(c.pid, 0); /* all delivered: reaped */
	assert_no_child(pid);
	cap_child_end(&c);
	/* one replay only (no baseline) */
	cap_child_start(&c, sc, w, 1);
	assert_int_equal(cap_child_result(&c, sc, w, &got[0], &err), 0);
	assert_same(&got[0], &want[0]);
	cap_child_end(&c);
	free(sc);
	cap_workload_free(w);
}

/* A child killed before it delivers: the parent replays itself. */
static void test_dead_child_replayed_here(void **state)
{
	struct sim_workload *w = cap_workload();
	struct scenario *sc = cap_scenario("rfc");
	struct capacity_info want, got;
	struct cs_err err = { { 0 } };
	struct cap_child c;
	int pid;

	(void)state;
	assert_int_equal(sim_capacity(sc, "none", w, 8, &want, &err), 0);
	cap_child_start(&c, sc, w, 2);
	pid = c.pid;
	assert_true(pid > 0);
	assert_int_equal(cap_child_result(&c, sc, w, &got, &err), 0);
	kill(pid, SIGKILL); /* it may have sent the second result already: either way */
	assert_int_equal(cap_child_result(&c, sc, w, &got, &err), 0);
	assert_same(&got, &want);
	cap_child_end(&c);
	assert_no_child(pid);
	/* killed at once: both replayed here */
	cap_child_start(&c, sc, w, 2);
	pid = c.pid;
	kill(pid, SIGKILL);
	assert_int_equal(cap_child_result(&c, sc, w, &got, &err), 0);
	assert_int_equal(cap_child_result(&c, sc, w, &got, &err), 0);
	assert_same(&got, &want);
	assert_no_child(pid);
	free(sc);
	cap_workload_free(w);
}

/* The child's error is the in-process one; a run that ends early (its own
 * replay failed) stops the child. */
static void test_error_and_early_end(void **state)
{
	struct sim_workload *w = cap_workload();
	struct scenario *sc = cap_scenario("no-such-variant");
	struct capacity_info got;
	struct cs_err want = { { 0 } }, err = { { 0 } };
	struct cap_child c;
	int pid;

	(void)state;
	assert_int_equal(sim_capacity(sc, NULL, w, 8, &got, &want), -1);
	assert_true(want.msg[0] != '\0');
	cap_child_start(&c, sc, w, 2);
	pid = c.pid;
	assert_int_equal(cap_child_result(&c, sc, w, &got, &err), -1);
	assert_string_equal(err.msg, want.msg);
	cap_child_end(&c);
	assert_no_child(pid);
	free(sc);
	sc = cap_scenario("rfc");
	cap_child_start(&c, sc, w, 2);
	pid = c.pid;
	cap_child_end(&c); /* nothing read */
	assert_int_equal(c.pid, 0);
	assert_int_equal(c.fd, -1);
	assert_no_child(pid);
	free(sc);
	cap_workload_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_reads_back_writes),
		cmocka_unit_test(test_rfc_large_replay_with_prefetch),
		cmocka_unit_test(test_rfc_false_positive_after_crash),
		cmocka_unit_test(test_load_saturation),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_same_as_in_process),
		cmocka_unit_test(test_dead_child_replayed_here),
		cmocka_unit_test(test_error_and_early_end),
		cmocka_unit_test(test_rfc_evil_bio_without_prelude_hangs),
		cmocka_unit_test(test_rfc_enomem_loses_the_lock),
		cmocka_unit_test(test_rfc_separate_devices_lose_imd),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_baselines_after_crashes),
		cmocka_unit_test(test_latent_error_is_detected),
		cmocka_unit_test(test_random_crashes_same_for_every_variant),
		cmocka_unit_test(test_unwritable_groups),
		cmocka_unit_test(test_at_rest_processes_end),
		cmocka_unit_test(test_unformatted_device),
		cmocka_unit_test(test_device_size),
		cmocka_unit_test(test_failed_read_judges_zeroed_pages),
		cmocka_unit_test(test_barrier_drain),
		cmocka_unit_test(test_two_targets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
