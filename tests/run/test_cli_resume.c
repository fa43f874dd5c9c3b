/* --resume in csumsim check, sweep and compare, as a user runs them: an
 * exploration interrupted and resumed writes every file byte for byte as one
 * run of the summed budget does; a missing or foreign state file is exit 2,
 * naming the file, before any run, and leaves the last output as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/cli_shell.h"

#define FIX "tests/run/fixtures/budget.yaml"
#define SWEEP "tests/run/fixtures/budget-sweep.yaml"

static char tmp[64];

static int setup(void **state)
{
	(void)state;
	return cli_tmpdir(tmp, sizeof(tmp), "resume");
}

static int teardown(void **state)
{
	(void)state;
	return cli_rmtree(tmp);
}


/* A copy of dir a as b, to show later that a refused run left a alone. */
static void snapshot(const char *a, const char *b)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf %s/%s && cp -r %s/%s %s/%s", tmp, b, tmp, a, tmp, b);
	assert_int_equal(cli_sh(cmd, true, NULL, 0), 0);
}

static void test_check(void **state)
{
	char out[8192];

	(void)state;
	/* a plain scenario and a sweep's two runs, each with its own state */
	assert_int_equal(cli_run(out, sizeof(out), "check " FIX " " SWEEP " -o %s/c -q --set "
				 "'expect=[hung == 0]' --set crash.budget=12", tmp), 0);
	assert_true(cli_exists("%s/c/budget/explore.state", tmp));
	assert_true(cli_exists("%s/c/budget-sweep.0/explore.state", tmp));
	assert_true(cli_exists("%s/c/budget-sweep.1/explore.state", tmp));
	assert_int_equal(cli_run(out, sizeof(out), "check " FIX " " SWEEP " -o %s/c -q --set "
				 "'expect=[hung == 0]' --set crash.budget=20 --resume", tmp), 0);
	assert_int_equal(cli_run(out, sizeof(out), "check " FIX " " SWEEP " -o %s/c -q --set "
				 "'expect=[hung == 0]' --set 'crash.budget=7 states' --resume", tmp),
			 0);
	assert_int_equal(cli_run(out, sizeof(out), "check " FIX " " SWEEP " -o %s/cone -q --set "
				 "'expect=[hung == 0]' --set crash.budget=39", tmp), 0);
	cli_same_dirs(tmp, "c", "cone");
	/* the report's reproduce line names the total */
	assert_int_equal(cli_sh("true", false, NULL, 0), 0);
	{
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "grep -c \"set crash.budget=39\\\"\" "
			 "%s/c/budget/report.json", tmp);
		assert_int_equal(cli_sh(cmd, false, out, sizeof(out)), 0);
	}

	/* refused before any run, the last output left as it was */
	snapshot("c", "c0");
	assert_int_equal(cli_run(out, sizeof(out), "check " FIX " " SWEEP " -q --set "
				 "crash.budget=5 --resume"), 2);
	cli_has(out, "--resume continues the explorations saved under -o DIR");
	assert_int_equal(cli_run(out, sizeof(out), "check " FIX " " SWEEP " -o %s/c -q --set "
				 "'expect=[hung == 0]' --set crash.budget=5 --set crash.samples=9 "
				 "--resume", tmp), 2);
	cli_has(out, "c/budget/explore.state was saved by a run of another scenario: field "
		"'crash.samples' was 8, is 9 now");
	assert_int_equal(cli_run(out, sizeof(out), "check " FIX " " SWEEP " -o %s/c -q --set "
				 "'expect=[hung == 0]' --set crash.budget=5 --seed 9 --resume", tmp),
			 2);
	cli_has(out, "field 'seed' was 3, is 9 now");
	{
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "rm %s/c/budget-sweep.1/explore.state", tmp);
		assert_int_equal(cli_sh(cmd, true, NULL, 0), 0);
	}
	assert_int_equal(cli_run(out, sizeof(out), "check " FIX " " SWEEP " -o %s/c -q --set "
				 "'expect=[hung == 0]' --set crash.budget=5 --resume", tmp), 2);
	cli_has(out, "--resume: no ");
	cli_has(out, "c/budget-sweep.1/explore.state to continue from");
	assert_false(strstr(out, "scenarios (long mode)") != NULL); /* nothing ran */
	assert_int_equal(cli_run(out, sizeof(out), "check " FIX " -o %s/c -q --set "
				 "'expect=[hung == 0]' --resume", tmp), 2);
	cli_has(out, "none of the scenarios has a crash.budget");
	assert_true(cli_exists("%s/c/budget/explore.state", tmp));
	cli_same_dirs(tmp, "c/budget", "c0/budget");
}

static void test_sweep(void **state)
{
	char out[8192];

	(void)state;
	assert_int_equal(cli_run(out, sizeof(out), "sweep " SWEEP " -o %s/s -q -j 2 --no-plots "
				 "--set crash.budget=20", tmp), 0);
	assert_true(cli_exists("%s/s/runs/000001/explore.state", tmp));
	assert_int_equal(cli_run(out, sizeof(out), "sweep " SWEEP " -o %s/s -q -j 2 --no-plots "
				 "--set crash.budget=25 --resume", tmp), 0);
	assert_int_equal(cli_run(out, sizeof(out), "sweep " SWEEP " -o %s/sone -q -j 2 --no-plots "
				 "--set crash.budget=45", tmp), 0);
	cli_same_dirs(tmp, "s", "sone");
	/* one shard resumed alone, in its own directory */
	assert_int_equal(cli_run(out, sizeof(out), "sweep " SWEEP " -o %s/s1 -q --shard 1/2 "
				 "--no-plots --set crash.budget=20", tmp), 0);
	assert_int_equal(cli_run(out, sizeof(out), "sweep " SWEEP " -o %s/s1 -q --shard 1/2 "
				 "--no-plots --set crash.budget=25 --resume", tmp), 0);
	assert_int_equal(cli_run(out, sizeof(out), "sweep " SWEEP " -o %s/one1 -q --shard 1/2 "
				 "--no-plots --set crash.budget=45", tmp), 0);
	cli_same_dirs(tmp, "s1", "one1");

	snapshot("s", "s0");
	assert_int_equal(cli_run(out, sizeof(out), "sweep " SWEEP " -o %s/s -q --no-plots "
				 "--set crash.budget=5 --set crash.tear=prefix --resume", tmp), 2);
	cli_has(out, "s/runs/000000/explore.state was saved by a run of another scenario: field "
		"'crash.tear' was subset, is prefix now");
	assert_int_equal(cli_run(out, sizeof(out), "sweep " SWEEP " -o %s/s -q --no-plots "
				 "--resume", tmp), 2);
	cli_has(out, "has no crash.budget");
	assert_int_equal(cli_run(out, sizeof(out), "sweep " SWEEP " -o %s/fresh -q --no-plots "
				 "--set crash.budget=5 --resume", tmp), 2);
	cli_has(out, "fresh/runs/000000/explore.state to continue from");
	assert_false(cli_exists("%s/fresh", tmp)); /* nothing half-written */
	cli_same_dirs(tmp, "s", "s0");
}

static void test_compare(void **state)
{
	char out[8192];

	(void)state;
	assert_int_equal(cli_run(out, sizeof(out), "compare " FIX " -o %s/m -q --variants "
				 "rfc,fixed --profiles ssd,ram --set crash.count=10 "
				 "--set crash.budget=20", tmp), 0);
	assert_true(cli_exists("%s/m/explore/ram.fixed.state", tmp));
	assert_int_equal(cli_run(out, sizeof(out), "compare " FIX " -o %s/m -q --variants "
				 "rfc,fixed --profiles ssd,ram --set crash.count=10 "
				 "--set crash.budget=25 --resume", tmp), 0);
	assert_int_equal(cli_run(out, sizeof(out), "compare " FIX " -o %s/mone -q --variants "
				 "rfc,fixed --profiles ssd,ram --set crash.count=10 "
				 "--set crash.budget=45", tmp), 0);
	cli_same_dirs(tmp, "m", "mone");

	snapshot("m", "m0");
	/* a variant not explored before has no state to go on from */
	assert_int_equal(cli_run(out, sizeof(out), "compare " FIX " -o %s/m -q --variants "
				 "rfc,journal --profiles ssd,ram --set crash.count=10 "
				 "--set crash.budget=5 --resume", tmp), 2);
	cli_has(out, "m/explore/ssd.journal.state to continue from");
	assert_int_equal(cli_run(out, sizeof(out), "compare " FIX " -o %s/m -q --variants "
				 "rfc,fixed --profiles ssd,ram --set crash.count=11 "
				 "--set crash.budget=5 --resume", tmp), 2);
	cli_has(out, "m/explore/ssd.rfc.state was saved by a run of another scenario: field "
		"'crash.count' was 10, is 11 now");
	cli_same_dirs(tmp, "m", "m0");
}

/* The state is bound to the trace's contents, not only its path: a trace
 * replaced under the same name is refused (exit 2, naming the binding),
 * and the same contents under the same name resume. */
#define TCHECK "check %s/t.yaml -o %s/t -q --set 'expect=[hung == 0]' "
static void test_trace_replaced(void **state)
{
	char out[8192], cmd[1024];

	(void)state;
	snprintf(cmd, sizeof(cmd),
		 "cd %s && printf '# csumsim-trace v1\\n0 w 10 8 -\\n100 w 150 8 -\\n"
		 "200 f 0 0 P\\n300 w 95 8 -\\n400 f 0 0 P\\n' > t.native && "
		 "printf 'name: t\\nseed: 1\\nvariant: rfc\\ndevice: {sectors: 4096}\\n"
		 "trace: {file: t.native, format: native}\\ncrash: {mode: every_flush}\\n"
		 "output: {plots: false, baseline: false, capacity: false}\\n' > t.yaml",
		 tmp);
	assert_int_equal(cli_sh(cmd, true, NULL, 0), 0);
	assert_int_equal(cli_run(out, sizeof(out), TCHECK
				 "--set crash.budget=1", tmp, tmp), 0);
	assert_int_equal(cli_run(out, sizeof(out), TCHECK
				 "--set crash.budget=2 --resume", tmp, tmp), 0);
	snprintf(cmd, sizeof(cmd), "cd %s && sed -i 's/w 95 8/w 96 8/' t.native", tmp);
	assert_int_equal(cli_sh(cmd, true, NULL, 0), 0);
	assert_int_equal(cli_run(out, sizeof(out), TCHECK
				 "--set crash.budget=3 --resume", tmp, tmp), 2);
	cli_has(out, "t/t/explore.state was saved by a run of another trace: the trace "
		"file's contents changed since (digest was ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_trace_replaced),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
