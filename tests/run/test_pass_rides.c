/* The crash pass riding on the main replay (the trace replayed once) gives
 * the run's reports byte for byte as a crash pass with a replay of its own
 * after the main one: every file of the report directory, for request,
 * time, flush and random points, open and closed loops (whose request
 * points fork), several crash states per point with torn writes, and a
 * variant whose recoveries write (dmi-direct: the media's tables grow under
 * the exploration, and the memory numbers come from a replay of their own). */
#include <dirent.h>
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
#include "reports/report.h"
#include "scenarios/scenario.h"
#include "sim/run.h"

static struct scenario *gen_scenario(uint8_t host_mode)
{
	struct scenario *sc = malloc(sizeof(*sc));

	assert_non_null(sc);
	scenario_defaults(sc);
	snprintf(sc->file, sizeof(sc->file), "test");
	snprintf(sc->name, sizeof(sc->name), "rides");
	snprintf(sc->variant, sizeof(sc->variant), "rfc");
	sc->device.sectors = 8192;
	sc->disk.profile = SC_DISK_SSD;
	sc->disk.cache.enabled = true;
	sc->host.mode = host_mode;
	sc->host.queue_depth = 4;
	sc->output.progress = false;
	sc->output.plots = false;
	sc->trace.kind = SC_TRACE_GENERATOR;
	sc->trace.gen.requests = 300;
	sc->trace.gen.pattern = SC_GEN_UNIFORM;
	sc->trace.gen.read_fraction = 0.2;
	sc->trace.gen.flush_every = 12;
	sc->crash.cache_loss = SC_LOSS_ADVERSARIAL;
	sc->crash.tear = SC_TEAR_SUBSET;
	return sc;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Every file of report directory a equals b's; returns how many. */
static int same_dirs(const char *a, const char *b)
{
	DIR *d = opendir(a);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char pa[1024], pb[1024];
		char *ta, *tb;

		if (e->d_name[0] == '.' || strchr(e->d_name, '.') == NULL)
			continue; /* folders (reproducers) hold what report.json names */
		snprintf(pa, sizeof(pa), "%s/%s", a, e->d_name);
		snprintf(pb, sizeof(pb), "%s/%s", b, e->d_name);
		ta = slurp(pa);
		tb = slurp(pb);
		if (strcmp(ta, tb) != 0)
			fail_msg("%s differs between the riding and the own-replay pass", e->d_name);
		free(ta);
		free(tb);
		n++;
	}
	closedir(d);
	return n;
}

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
	in.scenario_name = sc->name;
	in.seed = sc->seed;
	in.run = &m;
	in.per_request_csv = true;
	in.reproduce = "csumsim run rides.yaml";
	if (report_write(dir, &in, &err) != 0)
		fail_msg("report: %s", err.msg);
	run_metrics_free(&m);
	free(yaml);
}

/* sc riding and with a replay of its own: the same report files; returns
 * the riding run's memory replays. */
static uint64_t check_rides(struct scenario *sc)
{
	char root[] = "/tmp/test_pass_rides.XXXXXX", a[600], b[600], cmd[700];
	struct sim_counts ride, own;
	struct sim_workload w;
	struct cs_err err = { { 0 } };

	assert_non_null(mkdtemp(root));
	snprintf(a, sizeof(a), "%s/ride", root);
	snprintf(b, sizeof(b), "%s/own", root);
	if (sim_workload_load(&w, sc, &err) != 0)
		fail_msg("%s", err.msg);
	run_report(sc, &w, false, a, &ride);
	run_report(sc, &w, true, b, &own);
	assert_true(same_dirs(a, b) >= 3);
	/* one replay: the riding pass replays nothing of its own */
	assert_int_equal(ride.crash_events, 0);
	assert_true(own.crash_events > 0);
	assert_int_equal(own.memory_replays, 0);
	assert_int_equal(ride.states, own.states);
	assert_true(ride.states > 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	sim_workload_free(&w);
	free(sc);
	return ride.memory_replays;
}

static void test_request_points(void **state)
{
	static const uint64_t at[] = { 0, 7, 7, 150, 299 };
	struct scenario *sc = gen_scenario(SC_HOST_OPEN);

	(void)state;
	sc->crash.kind = SC_CRASH_AT_REQUEST;
	sc->crash.n_at = sizeof(at) / sizeof(at[0]);
	memcpy(sc->crash.at, at, sizeof(at));
	(void)check_rides(sc);
	/* a closed loop's request points are explored in forked children */
	sc = gen_scenario(SC_HOST_CLOSED);
	sc->crash.kind = SC_CRASH_AT_REQUEST;
	sc->crash.n_at = sizeof(at) / sizeof(at[0]);
	memcpy(sc->crash.at, at, sizeof(at));
	(void)check_rides(sc);
}

static void test_time_and_random_points(void **state)
{
	static const uint64_t at[] = { 0, 2000000, 50000000, 900000000000ULL };
	struct scenario *sc = gen_scenario(SC_HOST_OPEN);

	(void)state;
	sc->crash.kind = SC_CRASH_AT_TIME;
	sc->crash.n_at = sizeof(at) / sizeof(at[0]);
	memcpy(sc->crash.at, at, sizeof(at));
	(void)check_rides(sc);
	sc = gen_scenario(SC_HOST_OPEN);
	sc->crash.kind = SC_CRASH_RANDOM;
	sc->crash.random_count = 8;
	sc->crash.cache_loss = SC_LOSS_PROBABILITY;
	sc->crash.samples = 4;
	(void)check_rides(sc);
}

/* crash-explore-gen in small: every flush, every subset of the cached
 * writes, torn and shorn. */
static void test_every_flush_exhaustive(void **state)
{
	struct scenario *sc = gen_scenario(SC_HOST_OPEN);

	(void)state;
	sc->trace.gen.pattern = SC_GEN_ZIPF;
	sc->trace.gen.span = 2048;
	sc->crash.kind = SC_CRASH_EVERY_FLUSH;
	sc->crash.max_crashes = 12;
	sc->crash.cache_loss = SC_LOSS_EXHAUSTIVE;
	sc->crash.exhaustive_max = 6;
	sc->crash.tear = SC_TEAR_PREFIX;
	sc->crash.shear_bytes = 64;
	(void)check_rides(sc);
}

/* dmi-direct's recoveries write (probes, tags): the exploration leaves the
 * media's tables grown, so the memory numbers come from a replay that
 * explored nothing, and still equal. */
static void test_memory_moved(void **state)
{
	struct scenario *sc = gen_scenario(SC_HOST_OPEN);
	uint64_t replays;

	(void)state;
	snprintf(sc->variant, sizeof(sc->variant), "dmi-direct");
	sc->trace.gen.requests = 600;
	sc->trace.gen.pattern = SC_GEN_ZIPF;
	sc->trace.gen.span = 2048;
	sc->crash.kind = SC_CRASH_EVERY_FLUSH;
	sc->crash.max_crashes = 20;
	sc->crash.cache_loss = SC_LOSS_PROBABILITY;
	sc->crash.samples = 4;
	sc->crash.tear = SC_TEAR_PREFIX;
	replays = check_rides(sc);
	assert_int_equal(replays, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_points),
		cmocka_unit_test(test_time_and_random_points),
		cmocka_unit_test(test_every_flush_exhaustive),
		cmocka_unit_test(test_memory_moved),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
