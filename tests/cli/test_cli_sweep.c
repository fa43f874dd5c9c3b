/* `csumsim sweep` and `csumsim merge`: -j 1 and -j 2 write the same
 * bytes; N shards merged write what one machine writes, from any directory;
 * run K alone (`run --point K`) gives runs/K's report; bad sweeps, shards
 * and runs are exit 2 with nothing written. */
#include <math.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "tests/cli_shell.h"

#define FIX "tests/cli/fixtures/sweep/"

static char tmp[64];
static char out[65536];

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/csumsim-sweep-XXXXXX");
	return mkdtemp(tmp) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

/* Runs a shell command made from fmt: its exit code; its stdout and
 * stderr in out. */
__attribute__((format(printf, 1, 2)))
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return cli_sh(cmd, true, out, sizeof(out));
}

#define bin cli_bin

static void has(const char *want)
{
	cli_has(out, want);
}

#define exists cli_exists

/* The sweep on one and on two processes, then in three shards merged in
 * another order: every file the same, PNGs included. */
static void test_parallel_and_shards_equal(void **state)
{
	(void)state;
	assert_int_equal(sh("%s sweep " FIX "sw.yaml -o %s/j2 -j 2 --quiet", bin(), tmp), 0);
	has("8 runs; sweep in");
	assert_int_equal(sh("%s sweep " FIX "sw.yaml -o %s/j1 -j1 --quiet", bin(), tmp), 0);
	assert_int_equal(sh("diff -r %s/j1 %s/j2", tmp, tmp), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(sh("%s sweep " FIX "sw.yaml --shard %d/3 -o %s/s%d --quiet", bin(),
				    i, tmp, i),
				 0);
		has("(csumsim merge combines the shards)");
		assert_true(exists("%s/s%d/shard.json", tmp, i));
		assert_false(exists("%s/s%d/sweep.json", tmp, i));
	}
	assert_int_equal(sh("%s merge -o %s/m %s/s2 %s/s0 %s/s1", bin(), tmp, tmp, tmp, tmp), 0);
	has("merged 3 shards, 8 runs, into");
	assert_int_equal(sh("diff -r %s/j2 %s/m", tmp, tmp), 0);
	assert_false(exists("%s/m/shard.json", tmp));
	/* the reproducers of the fixture's rfc runs are part of the comparison */
	assert_int_equal(sh("ls %s/m/runs/*/reproducers/violation-0.yaml | wc -l", tmp), 0);
	assert_true(atoi(out) >= 1);
}

/* -j N is N processes in all: a worker replays its run's capacity in a child
 * of its own only when twice the workers fit in N. A libfiu point says on
 * stderr each time a capacity child is started. */
#define FIU_PRELOAD "/usr/lib/fiu/fiu_run_preload.so"
static void test_jobs_count_capacity_children(void **state)
{
	const char *env = "LD_PRELOAD=" FIU_PRELOAD " FIU_ENABLE='enable name=cli/capacity_child' "
			  "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0";
	const char *marker = "csumsim: capacity child";

	(void)state;
	if (access(FIU_PRELOAD, R_OK) != 0) {
		fprintf(stderr, "skipped: libfiu's preload library is not installed\n");
		skip();
	}
	/* the point is live: a run alone starts its child */
	assert_int_equal(sh("%s %s run " FIX "sw.yaml --point 0 -o %s/p0 --quiet", env, bin(), tmp),
			 0);
	has(marker);
	/* 8 runs on 2 or 1 processes: no room for children */
	assert_int_equal(sh("%s %s sweep " FIX "sw.yaml -o %s/c2 -j 2 --quiet", env, bin(), tmp), 0);
	assert_null(strstr(out, marker));
	assert_int_equal(sh("%s %s sweep " FIX "sw.yaml -o %s/c1 -j 1 --quiet", env, bin(), tmp), 0);
	assert_null(strstr(out, marker));
	/* 2 runs (a quarter shard) on 4: each has its child */
	assert_int_equal(sh("%s %s sweep " FIX "sw.yaml --shard 0/4 -o %s/c4 -j 4 --quiet", env,
			    bin(), tmp), 0);
	has(marker);
	assert_int_equal(sh("%s %s sweep " FIX "sw.yaml --shard 0/4 -o %s/c3 -j 3 --quiet", env,
			    bin(), tmp), 0);
	assert_null(strstr(out, marker));
	/* the same reports either way */
	assert_int_equal(sh("diff -r %s/c4/runs %s/c3/runs", tmp, tmp), 0);
}

/* Merged into a directory elsewhere, a run's reproducers still find the
 * trace and re-run to the damage the run recorded. */
static void test_merge_elsewhere(void **state)
{
	json_t *a, *b, *va, *vb;
	json_error_t je;
	char pa[512], pb[512];

	(void)state;
	assert_int_equal(sh("mkdir -p %s/deep/er && %s sweep " FIX "sw-trace.yaml --shard 0/2 "
			    "-o %s/t0 --quiet && %s sweep " FIX "sw-trace.yaml --shard 1/2 "
			    "-o %s/deep/er/t1 --quiet",
			    tmp, bin(), tmp, bin(), tmp),
			 0);
	assert_int_equal(sh("%s merge -o %s/deep/mm %s/t0 %s/deep/er/t1", bin(), tmp, tmp, tmp), 0);
	/* run 0 (rfc) came from t0, one directory up: its trace path is rewritten */
	assert_int_equal(sh("cmp %s/t0/runs/000000/reproducers/violation-0.yaml "
			    "%s/deep/mm/runs/000000/reproducers/violation-0.yaml",
			    tmp, tmp),
			 1);
	assert_int_equal(sh("%s run %s/deep/mm/runs/000000/reproducers/violation-0.yaml -o %s/rr "
			    "--quiet",
			    bin(), tmp, tmp),
			 0);
	snprintf(pa, sizeof(pa), "%s/rr/report.json", tmp);
	snprintf(pb, sizeof(pb), "%s/deep/mm/runs/000000/report.json", tmp);
	/* a derived seed may be >= 2^63: exact in the file, above json_int_t */
	a = json_load_file(pa, JSON_DECODE_INT_AS_REAL, &je);
	b = json_load_file(pb, JSON_DECODE_INT_AS_REAL, &je);
	assert_non_null(a);
	assert_non_null(b);
	va = json_array_get(json_object_get(a, "violations"), 0);
	vb = json_array_get(json_object_get(b, "violations"), 0);
	assert_non_null(va);
	assert_non_null(vb);
	assert_true(json_equal(json_object_get(va, "oracle"), json_object_get(vb, "oracle")));
	json_decref(a);
	json_decref(b);
	/* merged beside its shards, nothing is rewritten: same bytes as one machine */
	assert_int_equal(sh("%s sweep " FIX "sw-trace.yaml -o %s/deep/one --quiet && "
			    "%s sweep " FIX "sw-trace.yaml --shard 0/2 -o %s/deep/u0 --quiet && "
			    "%s merge -o %s/deep/two %s/deep/u0 %s/deep/er/t1",
			    bin(), tmp, bin(), tmp, bin(), tmp, tmp, tmp),
			 0);
	assert_int_equal(sh("diff -r %s/deep/one/runs/000000 %s/deep/two/runs/000000", tmp, tmp), 0);
}

/* csumsim check judges a sweep run by run, names each FILE[K], and its
 * reproduce line re-runs that run alone to the same measurement. */
static void test_check_sweep(void **state)
{
	json_t *j;
	json_error_t je;
	char p[256];

	(void)state;
	assert_int_equal(sh("%s check " FIX "sw-expect.yaml -o %s/chk", bin(), tmp), 1);
	has("ok      " FIX "sw-expect.yaml[0]: violations == 0 (measured 0)");
	has("FAILED  " FIX "sw-expect.yaml[3]: violations == 0 (measured 3)");
	has("        reproduce: csumsim run " FIX "sw-expect.yaml --point 3\n");
	has("FAILED  " FIX "sw-expect.yaml[4]: violations == 0");
	has("1 scenarios (long mode): 10 passed, 2 failed, 0 errors, 0 skipped");
	assert_true(exists("%s/chk/sw-expect.3/reproducers/violation-2.yaml", tmp));
	assert_int_equal(sh("%s run " FIX "sw-expect.yaml --point 3 -o %s/p3e --quiet", bin(), tmp),
			 0);
	snprintf(p, sizeof(p), "%s/p3e/report.json", tmp);
	j = json_load_file(p, 0, &je);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "violations")), 3);
	json_decref(j);
	/* --seed reaches the sweep and the reproduce line */
	assert_int_equal(sh("%s check " FIX "sw-expect.yaml --seed 9 --quiet", bin()), 1);
	has("reproduce: csumsim run " FIX "sw-expect.yaml --point 3 --seed 9");
}

/* runs/K is exactly what `csumsim run FILE --point K` writes. */
static void test_point_alone(void **state)
{
	(void)state;
	assert_int_equal(sh("%s sweep " FIX "sw.yaml -o %s/all --quiet", bin(), tmp), 0);
	assert_int_equal(sh("%s run " FIX "sw.yaml --point 3 -o %s/p3 --quiet", bin(), tmp), 0);
	assert_int_equal(sh("diff -r -x point.json %s/p3 %s/all/runs/000003", tmp, tmp), 0);
	assert_int_equal(sh("grep -c 'csumsim run " FIX "sw.yaml --point 3' %s/p3/summary.md", tmp),
			 0);
	/* with --seed and --no-crashes too: the same report, the same reproduce line */
	assert_int_equal(sh("%s sweep " FIX "sw.yaml -o %s/s9 --seed 9 --no-crashes --quiet && "
			    "%s run " FIX "sw.yaml --point 5 --seed 9 --no-crashes -o %s/p5 --quiet",
			    bin(), tmp, bin(), tmp),
			 0);
	assert_int_equal(sh("diff -r -x point.json %s/p5 %s/s9/runs/000005", tmp, tmp), 0);
	assert_int_equal(sh("grep -c 'csumsim run " FIX "sw.yaml --point 5 --seed 9 --no-crashes' "
			    "%s/p5/summary.md",
			    tmp),
			 0);
	/* the aggregate names every run and its seed */
	{
		json_error_t je;
		char p[256];
		json_t *j, *runs;

		snprintf(p, sizeof(p), "%s/all/sweep.json", tmp);
		j = json_load_file(p, 0, &je);
		assert_non_null(j);
		assert_int_equal(json_integer_value(json_object_get(j, "n_runs")), 8);
		runs = json_object_get(j, "runs");
		assert_int_equal(json_array_size(runs), 8);
		assert_string_equal(json_string_value(json_object_get(
					    json_object_get(json_array_get(runs, 5), "params"),
					    "variant")),
				    "fixed");
		assert_non_null(json_object_get(json_object_get(j, "by_param"), "crash.tear"));
		{
			/* by_param: crash.tear=prefix's mean of crash_states is the
			 * mean over runs 2, 3, 6, 7 */
			json_t *m = json_object_get(
				json_object_get(json_array_get(json_object_get(json_object_get(
									       j, "by_param"),
								       "crash.tear"),
							       1),
						"metrics"),
				"crash_states");
			double sum = 0;
			int ks[] = {2, 3, 6, 7};

			for (int i = 0; i < 4; i++)
				sum += json_number_value(json_object_get(
					json_object_get(json_array_get(runs, (size_t)ks[i]), "metrics"),
					"crash_states"));
			assert_int_equal(json_integer_value(json_object_get(m, "n")), 4);
			assert_true(fabs(json_number_value(json_object_get(m, "mean")) - sum / 4) <
				    1e-9);
			assert_true(sum > 0);
		}
		json_decref(j);
	}
	assert_int_equal(sh("%s sweep " FIX "sw.yaml --list", bin()), 0);
	has("3\t18149215633241452823\tvariant=rfc crash.tear=prefix replica=1\n");
}

static void test_errors(void **state)
{
	(void)state;
	/* run without --point on a sweep, --point on a plain scenario */
	assert_int_equal(sh("%s run " FIX "sw.yaml -o %s/x", bin(), tmp), 2);
	has("is a sweep of 8 runs: csumsim sweep " FIX "sw.yaml runs them all");
	assert_int_equal(sh("%s run " FIX "sw.yaml --point 8 -o %s/x", bin(), tmp), 2);
	has("no run 8 in this sweep (it has 8: 0..7)");
	assert_int_equal(sh("%s run tests/cli/fixtures/ok.yaml --point 0 -o %s/x", bin(), tmp), 2);
	has("is not a sweep");
	/* validate checks every run; check and compare refuse a sweep */
	assert_int_equal(sh("%s validate " FIX "sw.yaml", bin()), 0);
	has(FIX "sw.yaml: ok (a sweep of 8 runs)");
	assert_int_equal(sh("%s validate " FIX "bad-combo.yaml", bin()), 2);
	has("sweep run 1 (crash.mode=request)");
	assert_int_equal(sh("%s validate " FIX "trace-missing.yaml", bin()), 2);
	has("nosuch.blkparse.txt");
	assert_int_equal(sh("%s compare " FIX "sw.yaml --variants rfc,none -o %s/x", bin(), tmp),
			 2);
	has("is a sweep: csumsim sweep runs it");
	/* bad options */
	assert_int_equal(sh("%s sweep " FIX "sw.yaml --shard 3/3 -o %s/x", bin(), tmp), 2);
	has("'--shard' needs I/N with 0 <= I < N");
	assert_int_equal(sh("%s sweep " FIX "sw.yaml -j 0 -o %s/x", bin(), tmp), 2);
	/* a combination that cannot run: found before anything runs */
	assert_int_equal(sh("%s sweep " FIX "bad-combo.yaml -o %s/x", bin(), tmp), 2);
	has("sweep run 1 (crash.mode=request)");
	/* a run whose trace is missing: exit 2, nothing left behind */
	assert_int_equal(sh("%s sweep " FIX "trace-missing.yaml -o %s/x -j 2", bin(), tmp), 2);
	has("run 1:");
	has("nosuch.blkparse.txt");
	assert_false(exists("%s/x", tmp));
	assert_int_equal(sh("ls %s | grep -c tmp-", tmp), 1); /* no temp dir either */
	/* interrupted (SIGINT, SIGTERM): the workers end, exit 130, nothing left */
	for (int k = 0; k < 2; k++) {
		assert_int_equal(sh("(%s sweep scenarios/sweep-rot-ext4-sqlite.yaml -o %s/int -j 2 "
				    "--quiet & p=$!; sleep 1; kill -%s $p; wait $p; echo rc=$?)",
				    bin(), tmp, k ? "TERM" : "INT"),
				 0);
		has("rc=130");
		has("csumsim sweep: interrupted; nothing written");
		assert_false(exists("%s/int", tmp));
		assert_int_equal(sh("ls %s | grep -c int", tmp), 1);
	}
	/* merge: a missing shard, a shard twice, shards of different sweeps */
	assert_int_equal(sh("%s sweep " FIX "sw.yaml --shard 0/2 -o %s/e0 --quiet && "
			    "%s sweep " FIX "sw.yaml --shard 1/2 --seed 8 -o %s/e1 --quiet",
			    bin(), tmp, bin(), tmp),
			 0);
	assert_int_equal(sh("%s merge -o %s/x %s/e0", bin(), tmp, tmp), 2);
	has("shard 1 of 2 is missing (csumsim sweep FILE --shard 1/2 makes it)");
	assert_int_equal(sh("%s merge -o %s/x %s/e0 %s/e0", bin(), tmp, tmp, tmp), 2);
	has("are both shard 0 of 2");
	assert_int_equal(sh("%s merge -o %s/x %s/e0 %s/e1", bin(), tmp, tmp, tmp), 2);
	has("are shards of different sweeps (sweep.yaml differs)");
	assert_int_equal(sh("%s merge -o %s/x " FIX, bin(), tmp), 2);
	has("not a shard of a sweep");
	assert_false(exists("%s/x", tmp));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parallel_and_shards_equal),
		cmocka_unit_test(test_merge_elsewhere),
		cmocka_unit_test(test_jobs_count_capacity_children),
		cmocka_unit_test(test_point_alone),
		cmocka_unit_test(test_check_sweep),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
