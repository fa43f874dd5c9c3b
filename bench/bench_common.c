#include "bench/bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/csum.h"
#include "sim/run.h"

void bench_scenario(struct scenario *sc, uint64_t n)
{
	scenario_defaults(sc);
	snprintf(sc->name, sizeof(sc->name), "bench");
	snprintf(sc->variant, sizeof(sc->variant), "rfc");
	/* 8*n sectors = n aligned 4 KiB slots: about 40 % of them get written,
	 * so the touched set grows with n and the device never fills */
	sc->device.sectors = 8 * n;
	sc->trace.kind = SC_TRACE_GENERATOR;
	sc->trace.gen.pattern = SC_GEN_UNIFORM;
	sc->trace.gen.requests = n;
	sc->trace.gen.read_fraction = 0.5;
	sc->trace.gen.sizes[0] = 8;
	sc->trace.gen.n_sizes = 1;
	sc->trace.gen.align = 8;
	sc->trace.gen.span = 0;
	/* closed loop: a bounded number in flight, so memory measures the
	 * sectors touched and not a backlog (rfc's global lock serialises
	 * writes; an open loop at 100 us gaps overloads it and queues grow) */
	sc->host.mode = SC_HOST_CLOSED;
	sc->host.queue_depth = 16;
	sc->crash.kind = SC_CRASH_NONE;
	sc->output.progress = false;
	sc->output.plots = false;
	sc->output.baseline = false;
}

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double bench_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

long bench_maxrss(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t k = write(fd, c, n);

		if (k <= 0)
			return -1;
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

static int read_all(int fd, void *p, size_t n)
{
	char *c = p;

	while (n > 0) {
		ssize_t k = read(fd, c, n);

		if (k <= 0)
			return -1;
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

#define BENCH_MAX_CORES 16

int bench_fork(int cores, bench_job_fn job, const void *arg, struct bench_result *out,
	       double *wall_s)
{
	pid_t pid[BENCH_MAX_CORES];
	int fd[BENCH_MAX_CORES];
	double t0;
	int rc = 0;

	if (cores < 1 || cores > BENCH_MAX_CORES)
		return -1;
	fflush(stdout);
	fflush(stderr);
	t0 = bench_now();
	for (int i = 0; i < cores; i++) {
		int p[2];

		if (pipe(p) != 0)
			return -1;
		pid[i] = fork();
		if (pid[i] < 0)
			return -1;
		if (pid[i] == 0) {
			struct bench_result r;

			close(p[0]);
			memset(&r, 0, sizeof(r));
			r.rss_start_kib = bench_maxrss();
			job(arg, &r);
			/* the child's peak over its whole life, the job included */
			r.rss_peak_kib = bench_maxrss();
			_exit(write_all(p[1], &r, sizeof(r)) == 0 ? 0 : 1);
		}
		close(p[1]);
		fd[i] = p[0];
	}
	for (int i = 0; i < cores; i++) {
		int status;

		memset(&out[i], 0, sizeof(out[i]));
		if (read_all(fd[i], &out[i], sizeof(out[i])) != 0)
			rc = -1;
		close(fd[i]);
		if (waitpid(pid[i], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			rc = -1;
		if (!out[i].ok)
			rc = -1;
	}
	*wall_s = bench_now() - t0;
	return rc;
}

uint64_t bench_touched(const struct sim_workload *w, uint64_t dev_sectors)
{
	uint8_t *bits = calloc(dev_sectors / 8 + 1, 1);
	uint64_t n = 0;

	if (bits == NULL)
		return 0;
	for (size_t i = 0; i < w->n; i++) {
		const struct csum_wl_req *q = &w->rq[i];

		if (q->op != CSUM_OP_WRITE)
			continue;
		for (uint32_t j = 0; j < q->count; j++) {
			uint64_t s = q->sector + j;

			if (s < dev_sectors && !(bits[s / 8] & (1u << (s % 8)))) {
				bits[s / 8] |= (uint8_t)(1u << (s % 8));
				n++;
			}
		}
	}
	free(bits);
	return n;
}
