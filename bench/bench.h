/* Shared pieces of the benchmarks (issue 6): the workload they all replay,
 * a monotonic clock, and running one measurement in forked children so each
 * has its own peak RSS and two can run side by side on two cores. */
#ifndef CSUMSIM_BENCH_BENCH_H
#define CSUMSIM_BENCH_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "scenarios/scenario.h"

/* What one child measured; sent back to the parent through a pipe. */
struct bench_result {
	int ok;                    /* 1: the run finished */
	uint64_t requests;         /* user requests replayed */
	uint64_t touched;          /* distinct user sectors ever written */
	double load_s;             /* building the workload in memory */
	double run_s;              /* sim_run without crashes */
	double run_cpu_s;          /* ... its CPU time (user + system) */
	double crash_s;            /* sim_run with the crash point (replay + states) */
	double crash_cpu_s;        /* ... its CPU time */
	uint64_t states;           /* crash states recovered */
	double states_s;           /* wall time recovering them (sim_counts) */
	uint64_t replay_events;    /* engine events of the replay */
	uint64_t state_events;     /* engine events recovering the states */
	uint64_t sectors_checked;  /* sectors read back over all states */
	uint64_t sub_ios;          /* protocol sub-I/Os over the replay */
	uint64_t pieces;           /* nice pieces */
	uint64_t media_sectors, media_bytes, oracle_bytes;
	uint64_t workload_bytes;   /* the in-memory request arrays */
	long rss_start_kib;        /* ru_maxrss before anything was built */
	long rss_loaded_kib;       /* ... after the workload was built */
	long rss_peak_kib;         /* ru_maxrss at the child's end */
};

/* The bench workload: `rfc`, 4 KiB requests (8 sectors, 4 KiB aligned),
 * uniform over 8*n sectors, half reads, closed loop with 16 in flight, SSD
 * with its default write cache, no faults, no crashes.
 * Contents are always tracked (media tags and the oracle). */
void bench_scenario(struct scenario *sc, uint64_t n);

/* This process's peak RSS so far, KiB. */
long bench_maxrss(void);

/* This process's CPU time (user + system) so far, seconds. */
double bench_cpu(void);

/* Seconds on the monotonic clock. */
double bench_now(void);

/* What a child does: fill r (ok = 1 on success). */
typedef void (*bench_job_fn)(const void *arg, struct bench_result *r);

/* Runs job in `cores` forked children at once (each pinned to nothing: the
 * kernel spreads them), collects each one's result and peak RSS. wall_s:
 * from the first fork to the last exit. 0, or -1 when a child failed. */
int bench_fork(int cores, bench_job_fn job, const void *arg, struct bench_result *out,
	       double *wall_s);

/* Distinct sectors written by the workload's writes (a bitmap of the device). */
struct sim_workload;
uint64_t bench_touched(const struct sim_workload *w, uint64_t dev_sectors);

/* csumsim-bench states FILE: the CPU cost of its crash states over `runs`
 * in-process runs (--set KEY=VALUE applied in order). 0, 1 failed, 2 usage. */
int bench_states(const char *file, int runs, const char *const *sets, int nsets);

#endif
