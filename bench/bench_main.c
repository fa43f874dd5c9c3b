/* csumsim-bench: speed and memory of the simulator (issue 6). Prints tables,
 * asserts nothing. Every measurement runs in forked children, so each has
 * its own peak RSS, and the two-core rows run two independent replays side
 * by side.
 *
 *   csumsim-bench replay [--max-exp E] [--cores C]  requests/s, scaling, memory
 *   csumsim-bench crash [--max-exp E] [--samples S] crash states/s, sectors checked/s
 *   csumsim-bench all [--max-exp E]                 both
 *   csumsim-bench one N [--samples S]               one replay of N requests (and a
 *                                                   crash with S states when given) in
 *                                                   this process, for perf and valgrind
 *   csumsim-bench states FILE [--runs R] [--set K=V] a scenario's crash states: CPU ns
 *                                                   in this process, min / median of R */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "core/csum.h"
#include "reports/metrics.h"
#include "sim/run.h"

/* -DBENCH_PLAIN_SIM_RUN: build against a tree without sim_run_counted (the
 * code before the optimisations, for before/after tables). Events are then
 * unknown (0) and the recovery time is the crash run minus two replays. */
#ifdef BENCH_PLAIN_SIM_RUN
struct sim_counts {
	uint64_t replay_events, crash_events, state_events, states;
	double states_s;
};

static int sim_run_counted(const struct scenario *sc, const char *variant,
			   const struct sim_workload *w, const struct sim_options *opt,
			   struct run_metrics *m, struct sim_counts *counts, struct cs_err *err)
{
	memset(counts, 0, sizeof(*counts));
	return sim_run(sc, variant, w, opt, m, err);
}
#endif

struct job_arg {
	uint64_t n;
	bool crash;
	uint32_t samples;
};

static void fill_metrics(struct bench_result *r, const struct run_metrics *m)
{
	r->requests = 0;
	for (int op = 0; op < 4; op++)
		r->requests += m->user_requests[op];
	for (int i = 0; i < CSUM_ROLE_COUNT; i++)
		r->sub_ios += m->sub_ios[i];
	r->pieces = m->pieces;
	r->media_sectors = m->media_sectors;
	r->media_bytes = m->media_bytes;
	r->oracle_bytes = m->oracle_bytes;
}

static void job(const void *argp, struct bench_result *r)
{
	const struct job_arg *a = argp;
	struct sim_options opt = { .crashes = false, .only_crash = UINT32_MAX };
	struct scenario *sc = malloc(sizeof(*sc));
	struct sim_workload wl;
	struct run_metrics m;
	struct sim_counts counts;
	struct cs_err err;
	double t, c;

	memset(&err, 0, sizeof(err));
	if (sc == NULL)
		return;
	bench_scenario(sc, a->n);
	if (a->crash) {
		/* once, after the whole workload; each state keeps a random subset
		 * of what the write cache held, then every written sector is read
		 * back through the protocol */
		sc->crash.kind = SC_CRASH_END;
		sc->crash.cache_loss = SC_LOSS_PROBABILITY;
		sc->crash.samples = a->samples;
	}
	if (scenario_validate(sc, &err) != 0) {
		fprintf(stderr, "csumsim-bench: %s\n", err.msg);
		free(sc);
		return;
	}
	t = bench_now();
	if (sim_workload_load(&wl, sc, &err) != 0) {
		fprintf(stderr, "csumsim-bench: %s\n", err.msg);
		free(sc);
		return;
	}
	r->load_s = bench_now() - t;
	r->rss_loaded_kib = bench_maxrss();
	r->workload_bytes = wl.n * (sizeof(*wl.t_ns) + sizeof(*wl.rq) + sizeof(*wl.rec));

	run_metrics_init(&m, sc->variant, 0);
	t = bench_now();
	c = bench_cpu();
	if (sim_run_counted(sc, NULL, &wl, &opt, &m, &counts, &err) != 0) {
		fprintf(stderr, "csumsim-bench: %s\n", err.msg);
		goto out;
	}
	r->run_s = bench_now() - t;
	r->replay_events = counts.replay_events;
	r->run_cpu_s = bench_cpu() - c;
	fill_metrics(r, &m);
	run_metrics_free(&m);

	if (a->crash) {
		opt.crashes = true;
		run_metrics_init(&m, sc->variant, 0);
		t = bench_now();
		c = bench_cpu();
		if (sim_run_counted(sc, NULL, &wl, &opt, &m, &counts, &err) != 0) {
			fprintf(stderr, "csumsim-bench: %s\n", err.msg);
			goto out;
		}
		r->crash_s = bench_now() - t;
		r->states_s = counts.states_s;
#ifdef BENCH_PLAIN_SIM_RUN
		r->states_s = r->crash_s - 2.0 * r->run_s;
#endif
		r->state_events = counts.state_events;
		r->crash_cpu_s = bench_cpu() - c;
		r->states = m.crash_states;
		for (uint32_t i = 0; i < m.n_crashes; i++)
			r->sectors_checked += m.crashes[i].sectors_checked;
	}
	r->touched = bench_touched(&wl, sc->device.sectors);
	r->ok = 1;
out:
	run_metrics_free(&m);
	sim_workload_free(&wl);
	free(sc);
}

static double kib_per(long kib, uint64_t n)
{
	return n ? (double)kib * 1024.0 / (double)n : 0.0;
}

static double per(double x, uint64_t n)
{
	return n ? x / (double)n : 0.0;
}

static uint64_t pow10u(int e)
{
	uint64_t v = 1;

	while (e-- > 0)
		v *= 10;
	return v;
}

/* MemAvailable from /proc/meminfo in KiB, or 0 when unknown. */
static long mem_available_kib(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	long kib = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "MemAvailable: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

#define MAX_ROWS 5 /* 10^4 .. 10^8 */

static int bench_replay(int max_exp, int max_cores)
{
	struct bench_result one[MAX_ROWS], many[16];

	memset(one, 0, sizeof(one));
	printf("## Replay: 4 KiB requests, variant rfc, contents tracked, no faults\n\n");
	printf("One process on one core; sim_run alone is timed (the workload is built "
	       "beforehand). requests/s from CPU time (user + system) and from wall time.\n\n");
	printf("| requests | wall s | CPU s | requests/s (CPU) | requests/s (wall) |"
	       " ns/request | events/request | ns/event | sub-I/Os/request | touched sectors |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int e = 4; e <= max_exp; e++) {
		struct job_arg a = { .n = pow10u(e) };
		struct bench_result *r = &one[e - 4];
		double wall;

		if (bench_fork(1, job, &a, r, &wall) != 0) {
			printf("| 10^%d | failed |\n", e);
			r->ok = 0;
			continue;
		}
		printf("| %" PRIu64 " | %.2f | %.2f | %.0f | %.0f | %.0f | %.2f | %.0f | %.2f |"
		       " %" PRIu64 " |\n",
		       r->requests, r->run_s, r->run_cpu_s, (double)r->requests / r->run_cpu_s,
		       (double)r->requests / r->run_s, r->run_cpu_s * 1e9 / (double)r->requests,
		       per((double)r->replay_events, r->requests),
		       per(r->run_cpu_s * 1e9, r->replay_events),
		       per((double)r->sub_ios, r->requests), r->touched);
		fflush(stdout);
	}

	printf("\n## Memory per touched sector (distinct user sectors ever written)\n\n");
	printf("peak RSS: the process's ru_maxrss; sim: peak RSS minus the RSS once the "
	       "workload arrays were built; media, oracle: the bytes their own tables "
	       "report (report.json `memory`).\n\n");
	printf("| requests | touched | peak RSS MiB | workload MiB | B/sector peak RSS |"
	       " B/sector sim | B/sector media | B/sector oracle |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int e = 4; e <= max_exp; e++) {
		const struct bench_result *r = &one[e - 4];

		if (!r->ok)
			continue;
		printf("| %" PRIu64 " | %" PRIu64 " | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |\n",
		       r->requests, r->touched, (double)r->rss_peak_kib / 1024.0,
		       (double)r->workload_bytes / 1048576.0, kib_per(r->rss_peak_kib, r->touched),
		       kib_per(r->rss_peak_kib - r->rss_loaded_kib, r->touched),
		       per((double)r->media_bytes, r->touched),
		       per((double)r->oracle_bytes, r->touched));
	}

	if (max_cores < 2)
		return 0;
	printf("\n## Scaling: 1 process vs %d independent processes at once\n\n", max_cores);
	printf("Each process replays the same workload on its own; aggregate = all "
	       "processes' requests / the slowest one's wall time. CPU share = the "
	       "processes' CPU time / (wall time x processes): below 1 when something "
	       "else on the machine held a core. per core (CPU) = requests / CPU s of one "
	       "process. A row is skipped when %d times the one-process peak RSS exceeds "
	       "the memory available.\n\n", max_cores);
	printf("| requests per process | processes | wall s (slowest) | CPU s (mean) |"
	       " CPU share | requests/s per core (CPU) | aggregate requests/s (wall) |"
	       " speed-up (wall) |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int e = 4; e <= max_exp; e++) {
		const struct bench_result *r1 = &one[e - 4];
		struct job_arg a = { .n = pow10u(e) };
		double slow = 0, cpu = 0, agg, base, wall;
		uint64_t req = 0;
		long avail = mem_available_kib();

		if (!r1->ok)
			continue;
		base = (double)r1->requests / r1->run_s;
		printf("| %" PRIu64 " | 1 | %.2f | %.2f | %.2f | %.0f | %.0f | 1.00 |\n",
		       r1->requests, r1->run_s, r1->run_cpu_s, r1->run_cpu_s / r1->run_s,
		       (double)r1->requests / r1->run_cpu_s, base);
		if (avail > 0 && r1->rss_peak_kib * (long)max_cores > avail * 9 / 10) {
			printf("| %" PRIu64 " | %d | skipped: needs %.1f GiB, %.1f GiB available |"
			       " | | | | |\n", r1->requests, max_cores,
			       (double)r1->rss_peak_kib * max_cores / 1048576.0,
			       (double)avail / 1048576.0);
			continue;
		}
		if (bench_fork(max_cores, job, &a, many, &wall) != 0) {
			printf("| %" PRIu64 " | %d | failed | | | | | |\n", r1->requests, max_cores);
			continue;
		}
		for (int c = 0; c < max_cores; c++) {
			if (many[c].run_s > slow)
				slow = many[c].run_s;
			cpu += many[c].run_cpu_s / max_cores;
			req += many[c].requests;
		}
		agg = (double)req / slow;
		printf("| %" PRIu64 " | %d | %.2f | %.2f | %.2f | %.0f | %.0f | %.2f |\n",
		       many[0].requests, max_cores, slow, cpu, cpu / slow,
		       (double)many[0].requests / cpu, agg, agg / base);
		fflush(stdout);
	}
	return 0;
}

static int bench_crash(int max_exp, uint32_t samples)
{
	printf("## Crash read-back: one crash after the whole workload, %u crash states "
	       "(each cached write kept with probability 0.5), every written sector read "
	       "back through rfc in each\n\n", samples);
	printf("recovery s: wall time inside the crash-state loop (media restore from the "
	       "snapshot, crash applied, recovery read-back and probes), timed by sim/run.c; "
	       "the replay up to the crash is not in it.\n\n");
	printf("| requests | touched | states | sectors checked | recovery s | states/s |"
	       " sectors checked/s | ns/sector | events/sector |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int e = 4; e <= max_exp; e++) {
		struct job_arg a = { .n = pow10u(e), .crash = true, .samples = samples };
		struct bench_result r;
		double wall;

		if (bench_fork(1, job, &a, &r, &wall) != 0 || r.states_s <= 0) {
			printf("| 10^%d | failed |\n", e);
			continue;
		}
		printf("| %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %.2f | %.2f |"
		       " %.0f | %.0f | %.2f |\n",
		       r.requests, r.touched, r.states, r.sectors_checked, r.states_s,
		       (double)r.states / r.states_s, (double)r.sectors_checked / r.states_s,
		       r.states_s * 1e9 / (double)r.sectors_checked,
		       per((double)r.state_events, r.sectors_checked));
		fflush(stdout);
	}
	return 0;
}

static int bench_one(uint64_t n, uint32_t samples)
{
	struct job_arg a = { .n = n, .crash = samples > 0, .samples = samples };
	struct bench_result r;

	memset(&r, 0, sizeof(r));
	r.rss_start_kib = bench_maxrss();
	job(&a, &r);
	r.rss_peak_kib = bench_maxrss();
	if (!r.ok)
		return 1;
	printf("requests %" PRIu64 " run %.3f s (%.0f/s, cpu %.3f s) touched %" PRIu64 " peak RSS %ld KiB"
	       " (%.1f B/sector) media %.1f B/sector oracle %.1f B/sector\n",
	       r.requests, r.run_s, (double)r.requests / r.run_s, r.run_cpu_s, r.touched, r.rss_peak_kib,
	       kib_per(r.rss_peak_kib, r.touched), per((double)r.media_bytes, r.touched),
	       per((double)r.oracle_bytes, r.touched));
	printf("replay events %" PRIu64 " (%.2f/request)\n", r.replay_events,
	       per((double)r.replay_events, r.requests));
	if (samples > 0)
		printf("crash run %.3f s (cpu %.3f s): %" PRIu64 " states, %" PRIu64
		       " sectors checked, recovery %.3f s (%.0f sectors/s), %" PRIu64 " events\n",
		       r.crash_s, r.crash_cpu_s, r.states, r.sectors_checked, r.states_s,
		       (double)r.sectors_checked / r.states_s, r.state_events);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: csumsim-bench replay|crash|all [--max-exp E] [--cores C] "
		"[--samples S]\n       csumsim-bench one N [--samples S]\n"
		"       csumsim-bench states SCENARIO [--runs R] [--set KEY=VALUE]...\n");
	return 2;
}

int main(int argc, char **argv)
{
	int max_exp = 6, cores = 2;
	uint32_t samples = 8;
	const char *cmd;

	if (argc < 2)
		return usage();
	cmd = argv[1];
	if (strcmp(cmd, "one") == 0) {
		if (argc < 3)
			return usage();
		samples = 0;
		for (int i = 3; i + 1 < argc; i += 2)
			if (strcmp(argv[i], "--samples") == 0)
				samples = (uint32_t)atoi(argv[i + 1]);
		return bench_one(strtoull(argv[2], NULL, 10), samples);
	}
	if (strcmp(cmd, "states") == 0) {
		const char *sets[32];
		int runs = 5, nsets = 0;

		if (argc < 3)
			return usage();
		for (int i = 3; i < argc; i++) {
			if (i + 1 < argc && strcmp(argv[i], "--runs") == 0)
				runs = atoi(argv[++i]);
			else if (i + 1 < argc && strcmp(argv[i], "--set") == 0 && nsets < 32)
				sets[nsets++] = argv[++i];
			else
				return usage();
		}
		if (runs < 1 || runs > 101)
			return usage();
		return bench_states(argv[2], runs, sets, nsets);
	}
	for (int i = 2; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--max-exp") == 0)
			max_exp = atoi(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--cores") == 0)
			cores = atoi(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--samples") == 0)
			samples = (uint32_t)atoi(argv[++i]);
		else
			return usage();
	}
	if (max_exp < 4 || max_exp > 8 || cores < 1 || cores > 16 || samples < 1)
		return usage();
	if (strcmp(cmd, "replay") == 0)
		return bench_replay(max_exp, cores);
	if (strcmp(cmd, "crash") == 0)
		return bench_crash(max_exp > 6 ? 6 : max_exp, samples);
	if (strcmp(cmd, "all") == 0) {
		bench_replay(max_exp, cores);
		printf("\n");
		return bench_crash(max_exp > 6 ? 6 : max_exp, samples);
	}
	return usage();
}
