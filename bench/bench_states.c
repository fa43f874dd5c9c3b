/* csumsim-bench states: the CPU cost of a scenario's crash states, measured
 * in this process to the nanosecond (CLOCK_PROCESS_CPUTIME_ID, sim_counts),
 * over several runs of the same workload: min and median (issue 11; a small
 * scenario such as crash-explore-gen is below the resolution of
 * /usr/bin/time). Points explored in forked children are not counted. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "reports/metrics.h"
#include "sim/run.h"
#include "util/cpu_ns.h"

#define STATES_MAX_RUNS 101

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* min and median of n values (sorted in place) */
static void min_med(uint64_t *v, int n, uint64_t *mn, uint64_t *med)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	*mn = v[0];
	*med = v[(n - 1) / 2];
}

static double per_state(uint64_t ns, uint64_t states)
{
	return states ? (double)ns * 1e-3 / (double)states : 0.0;
}

static double rate(uint64_t states, uint64_t ns)
{
	return ns ? (double)states * 1e9 / (double)ns : 0.0;
}

/* One sim_run of the workload: its CPU ns, and its crash states. */
static int timed_run(const struct scenario *sc, const struct sim_workload *wl,
		     const struct sim_options *opt, struct sim_counts *c, uint64_t *ns,
		     uint64_t *states, struct cs_err *err)
{
	struct run_metrics m;
	uint64_t t = cpu_ns();
	int rc;

	run_metrics_init(&m, sc->variant, 0);
	rc = sim_run_counted(sc, NULL, wl, opt, &m, c, err);
	*ns = cpu_ns() - t;
	if (states != NULL)
		*states = m.crash_states;
	run_metrics_free(&m);
	return rc;
}

int bench_states(const char *file, int runs, const char *const *sets, int nsets)
{
	struct scenario *sc = malloc(sizeof(*sc));
	struct sim_options opt = { .crashes = true, .only_crash = UINT32_MAX };
	struct sim_options plain = { .crashes = false, .only_crash = UINT32_MAX };
	uint64_t loop[STATES_MAX_RUNS], pts[STATES_MAX_RUNS], crash[STATES_MAX_RUNS],
		total[STATES_MAX_RUNS], bare[STATES_MAX_RUNS], states = 0, replays = 0;
	struct sim_workload wl;
	struct sim_counts last = { 0 }; /* the last run's (every run counts the same) */
	struct cs_err err;
	int rc = 1;

	memset(&err, 0, sizeof(err));
	if (sc == NULL || runs < 1 || runs > STATES_MAX_RUNS) {
		free(sc);
		return 2;
	}
	scenario_defaults(sc);
	if (scenario_load(sc, file, &err) != 0)
		goto bad;
	for (int i = 0; i < nsets; i++)
		if (scenario_set(sc, sets[i], &err) != 0)
			goto bad;
	sc->output.progress = false;
	if (scenario_validate(sc, &err) != 0 || sim_workload_load(&wl, sc, &err) != 0)
		goto bad;
	printf("## Crash states of %s: CPU ns in this process, %d runs\n\n", file, runs);
	printf("run: sim_run with its crash points; bare: the same without (--no-crashes); "
	       "crashes: run - bare (what the crash points add: a replay of their own where "
	       "there is one, every point); points: each point whole (its setup, states, "
	       "undo); loop: the crash-state loop alone (apply, recover, judge).\n\n");
	printf("| run | states | run ms | bare ms | crashes ms | points ms | loop ms |"
	       " us/state (crashes) | us/state (points) | us/state (loop) |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int r = 0; r < runs; r++) {
		struct sim_counts c, c0;

		/* alternated, so both see the same machine */
		if (timed_run(sc, &wl, &plain, &c0, &bare[r], NULL, &err) != 0 ||
		    timed_run(sc, &wl, &opt, &c, &total[r], &states, &err) != 0) {
			sim_workload_free(&wl);
			goto bad;
		}
		replays += c.memory_replays;
		last = c;
		loop[r] = c.states_cpu_ns;
		pts[r] = c.points_cpu_ns;
		crash[r] = total[r] > bare[r] ? total[r] - bare[r] : 0;
		printf("| %d | %" PRIu64 " | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f | %.2f | %.2f |\n",
		       r, states, (double)total[r] * 1e-6, (double)bare[r] * 1e-6,
		       (double)crash[r] * 1e-6, (double)pts[r] * 1e-6, (double)loop[r] * 1e-6,
		       per_state(crash[r], states), per_state(pts[r], states),
		       per_state(loop[r], states));
		fflush(stdout);
	}
	sim_workload_free(&wl);
	{
		uint64_t lm, ld, pm, pd, cm, cd, tm, td, bm, bd;

		min_med(loop, runs, &lm, &ld);
		min_med(pts, runs, &pm, &pd);
		min_med(crash, runs, &cm, &cd);
		min_med(total, runs, &tm, &td);
		min_med(bare, runs, &bm, &bd);
		printf("\n| measure | CPU ms, min / median | states/s, best / median |\n");
		printf("|---|---|---|\n");
		printf("| run (with crash points) | %.3f / %.3f | |\n", (double)tm * 1e-6,
		       (double)td * 1e-6);
		printf("| bare run (no crash points) | %.3f / %.3f | |\n", (double)bm * 1e-6,
		       (double)bd * 1e-6);
		/* of the minima and of the medians (a difference per run is noisier) */
		cm = tm > bm ? tm - bm : 0;
		cd = td > bd ? td - bd : 0;
		printf("| crashes (run - bare) | %.3f / %.3f | %.0f / %.0f |\n",
		       (double)cm * 1e-6, (double)cd * 1e-6, rate(states, cm), rate(states, cd));
		printf("| points (setup + states + undo) | %.3f / %.3f | %.0f / %.0f |\n",
		       (double)pm * 1e-6, (double)pd * 1e-6, rate(states, pm), rate(states, pd));
		printf("| state loop | %.3f / %.3f | %.0f / %.0f |\n", (double)lm * 1e-6,
		       (double)ld * 1e-6, rate(states, lm), rate(states, ld));
	}
	/* a replay of their own for the memory numbers is part of the run */
	printf("\nreplays again for the memory numbers: %" PRIu64 " in %d runs\n", replays, runs);
	/* the rest were read back in full (crash.verify: full, or not eligible) */
	printf("states judged incrementally, per run: %" PRIu64 " of %" PRIu64
	       " (%" PRIu64 " judged, the rest shared a verdict; not report.json's"
	       " states_distinct); durable requests kept %" PRIu64 ", re-read %" PRIu64 "\n",
	       last.incr_states, last.states, last.incr_distinct, last.carry_kept, last.carry_read);
	rc = 0;
	free(sc);
	return rc;
bad:
	fprintf(stderr, "csumsim-bench: %s\n", err.msg);
	free(sc);
	return rc;
}
