/* `csumsim run` as a user runs it: the same scenario and seed give
 * byte-identical outputs; bad input gives one clear error and no output. */
#include <setjmp.h>
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

#include "tests/cli_shell.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/csumsim-cli-run-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Output in these tests is stdout alone. */
#define sh(cmd, out, n) cli_sh(cmd, false, out, n)
#define bin cli_bin

static void test_same_seed_same_bytes(void **state)
{
	char cmd[4096], out[4096];
	static const char *files[] = {
		"report.json", "summary.md", "crashes.csv", "latency.csv", "throughput.csv",
		"requests.csv", "latency_cdf.svg", "recovery.svg", "throughput.svg",
	};

	(void)state;
	for (int i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd), "%s run tests/run/fixtures/small.yaml -o %s/r%d --quiet 2>&1",
			 bin(), tmpdir, i);
		assert_int_equal(sh(cmd, out, sizeof(out)), 0);
	}
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		snprintf(cmd, sizeof(cmd), "cmp %s/r0/%s %s/r1/%s 2>&1", tmpdir, files[f], tmpdir,
			 files[f]);
		if (sh(cmd, out, sizeof(out)) != 0)
			fail_msg("%s differs between two runs: %s", files[f], out);
	}
	/* and another seed gives other numbers */
	snprintf(cmd, sizeof(cmd), "%s run tests/run/fixtures/small.yaml -o %s/r2 --seed 12 --quiet "
		 "&& ! cmp -s %s/r0/report.json %s/r2/report.json", bin(), tmpdir, tmpdir, tmpdir);
	assert_int_equal(sh(cmd, NULL, 0), 0);
	/* the report names the seed and how to reproduce the run */
	snprintf(cmd, sizeof(cmd), "grep -q 'csumsim run tests/run/fixtures/small.yaml --seed 11' "
		 "%s/r0/report.json", tmpdir);
	assert_int_equal(sh(cmd, NULL, 0), 0);
	/* a run without its crash points says so in its reproduce line */
	snprintf(cmd, sizeof(cmd), "%s run tests/run/fixtures/small.yaml -o %s/r3 --no-crashes "
		 "--quiet && grep -q 'csumsim run tests/run/fixtures/small.yaml --seed 11 "
		 "--no-crashes\"' %s/r3/report.json", bin(), tmpdir, tmpdir);
	assert_int_equal(sh(cmd, NULL, 0), 0);
}

static void test_one_crash_alone_reproduces(void **state)
{
	char cmd[4096], out[4096];

	(void)state;
	/* crash 3 run alone gives the same row as in the full run */
	snprintf(cmd, sizeof(cmd), "%s run tests/run/fixtures/small.yaml -o %s/all --quiet && "
		 "%s run tests/run/fixtures/small.yaml -o %s/one --crash 3 --no-baseline --quiet && "
		 "sed -n '5p' %s/all/crashes.csv > %s/a.txt && sed -n '2p' %s/one/crashes.csv > %s/b.txt "
		 "&& cmp %s/a.txt %s/b.txt 2>&1", bin(), tmpdir, bin(), tmpdir, tmpdir, tmpdir, tmpdir,
		 tmpdir, tmpdir, tmpdir);
	if (sh(cmd, out, sizeof(out)) != 0)
		fail_msg("crash 3 alone differs: %s", out);
	/* its reproduce line keeps --crash and --no-baseline, and re-runs to the
	 * same bytes */
	snprintf(cmd, sizeof(cmd), "grep -q 'small.yaml --seed 11 --crash 3 --no-baseline\"' "
		 "%s/one/report.json && line=$(sed -n 's/.*\"reproduce\": \"\\(csumsim [^\"]*\\)\".*/"
		 "\\1/p' %s/one/report.json) && eval \"%s ${line#csumsim } -o %s/again --quiet\" && "
		 "cmp %s/one/report.json %s/again/report.json 2>&1", tmpdir, tmpdir, bin(), tmpdir,
		 tmpdir, tmpdir);
	if (sh(cmd, out, sizeof(out)) != 0)
		fail_msg("the reproduce line of --crash 3 --no-baseline: %s", out);
}

static void test_bad_trace_line(void **state)
{
	char cmd[1024], out[4096];
	struct stat st;

	(void)state;
	snprintf(cmd, sizeof(cmd), "%s run tests/run/fixtures/badtrace.yaml -o %s/bad --quiet 2>&1",
		 bin(), tmpdir);
	assert_int_equal(sh(cmd, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "badtrace.native:4"));
	snprintf(cmd, sizeof(cmd), "%s/bad", tmpdir);
	assert_int_not_equal(stat(cmd, &st), 0); /* nothing half-written */
}

static void test_bad_options(void **state)
{
	char cmd[1024], out[4096];

	(void)state;
	snprintf(cmd, sizeof(cmd), "%s run tests/run/fixtures/small.yaml --set disk.profile=tape 2>&1",
		 bin());
	assert_int_equal(sh(cmd, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "disk.profile"));
	snprintf(cmd, sizeof(cmd), "%s run tests/run/fixtures/small.yaml --variant nosuch 2>&1", bin());
	assert_int_equal(sh(cmd, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "unknown variant 'nosuch'"));
	snprintf(cmd, sizeof(cmd), "%s run tests/run/fixtures/small.yaml --frobnicate 2>&1", bin());
	assert_int_equal(sh(cmd, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "--frobnicate"));
	snprintf(cmd, sizeof(cmd), "%s run tests/run/fixtures/small.yaml "
		 "--set 'faults.fiu=[{point: rfc/nowhere/kmalloc, nth: 1}]' 2>&1", bin());
	assert_int_equal(sh(cmd, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "rfc/nowhere/kmalloc"));
}

/* Crash exploration writes one reproducer per violation; each re-runs alone
 * to the same crash state and the same damage. */
static void test_reproducer_reruns_to_same_violation(void **state)
{
	char cmd[4096], out[4096];

	(void)state;
	snprintf(cmd, sizeof(cmd), "%s run tests/run/fixtures/explore.yaml -o %s/ex --quiet 2>&1",
		 bin(), tmpdir);
	assert_int_equal(sh(cmd, out, sizeof(out)), 0);
	/* at least one violation, with its reproducer named in report.json */
	snprintf(cmd, sizeof(cmd), "test -f %s/ex/reproducers/violation-0.yaml && "
		 "grep -q '\"reproducer\": \"reproducers/violation-0.yaml\"' %s/ex/report.json",
		 tmpdir, tmpdir);
	assert_int_equal(sh(cmd, NULL, 0), 0);
	for (int k = 0; k < 2; k++) {
		char a[4096], b[4096];

		snprintf(cmd, sizeof(cmd), "test -f %s/ex/reproducers/violation-%d.yaml", tmpdir, k);
		if (sh(cmd, NULL, 0) != 0)
			break;
		snprintf(cmd, sizeof(cmd), "%s run %s/ex/reproducers/violation-%d.yaml -o %s/rep%d "
			 "--quiet 2>&1", bin(), tmpdir, k, tmpdir, k);
		assert_int_equal(sh(cmd, out, sizeof(out)), 0);
		/* the same state label and the same oracle counts */
		snprintf(cmd, sizeof(cmd), "python3 -c \"import json,sys; v=json.load(open('%s/ex/"
			 "report.json'))['violations'][%d]; print(v['state_label'], "
			 "json.dumps(v['oracle']))\"", tmpdir, k);
		assert_int_equal(sh(cmd, a, sizeof(a)), 0);
		snprintf(cmd, sizeof(cmd), "python3 -c \"import json,sys; r=json.load(open('%s/rep%d/"
			 "report.json')); v=r['violations'][0]; assert len(r['violations'])==1; "
			 "assert r['run']['oracle']['crashes']['states']==1; "
			 "print(v['state_label'], json.dumps(v['oracle']))\"", tmpdir, k);
		assert_int_equal(sh(cmd, b, sizeof(b)), 0);
		assert_string_equal(a, b);
	}
}

/* convert: a real trace to native and back is a fixed point; a bad trace
 * writes nothing. */
static void test_convert(void **state)
{
	char cmd[4096], out[4096];

	(void)state;
	snprintf(cmd, sizeof(cmd), "%s convert traces/data/ext4-untar.blkparse.txt.xz -o %s/a.native "
		 "2>&1 && %s convert %s/a.native -o %s/b.native 2>&1 && cmp %s/a.native %s/b.native "
		 "&& test $(grep -vc '^#' %s/a.native) -eq 2055", bin(), tmpdir, bin(), tmpdir, tmpdir,
		 tmpdir, tmpdir, tmpdir);
	if (sh(cmd, out, sizeof(out)) != 0)
		fail_msg("convert round trip: %s", out);
	snprintf(cmd, sizeof(cmd), "%s convert tests/run/fixtures/badtrace.native -o %s/c.native 2>&1",
		 bin(), tmpdir);
	assert_int_equal(sh(cmd, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "badtrace.native:4"));
	snprintf(cmd, sizeof(cmd), "ls %s | grep -c '^c.native'", tmpdir);
	sh(cmd, out, sizeof(out));
	assert_string_equal(out, "0\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_seed_same_bytes),
		cmocka_unit_test(test_one_crash_alone_reproduces),
		cmocka_unit_test(test_bad_trace_line),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_reproducer_reruns_to_same_violation),
		cmocka_unit_test(test_convert),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
