/* crash.budget and --resume as a user runs them: the counts in report.json,
 * a run continued equals one run with both budgets (every file, byte for
 * byte), a time budget's reproduce line re-runs to the same bytes, bad
 * budgets and foreign state files are refused with exit 2. */
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

static char tmp[64];

static int setup(void **state)
{
	(void)state;
	return cli_tmpdir(tmp, sizeof(tmp), "budget");
}

static int teardown(void **state)
{
	(void)state;
	return cli_rmtree(tmp);
}


static void test_counts_in_report(void **state)
{
	char out[4096], cmd[1024];

	(void)state;
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/plain --quiet", tmp), 0);
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/b --quiet "
				 "--set crash.budget=50", tmp), 0);
	/* explored and distinct; a budget says what it covered */
	snprintf(cmd, sizeof(cmd), "python3 -c \"import json; c=json.load(open('%s/plain/"
		 "report.json'))['run']['oracle']['crashes']; assert c['states_explored']==c['states']"
		 "==320, c; assert 0<c['states_distinct']<320, c; assert 'budget' not in c; "
		 "b=json.load(open('%s/b/report.json'))['run']['oracle']['crashes']['budget']; "
		 "assert b=={'kind':'states','limit':50,'explored':50,'space':320,"
		 "'covered_share':50/320}, b\" 2>&1", tmp, tmp);
	assert_int_equal(cli_sh(cmd, true, out, sizeof(out)), 0);
	snprintf(cmd, sizeof(cmd), "grep -c 'crash.budget: covered 15%% of 320 states (50 "
		 "explored)' %s/b/summary.md && grep -c 'crash.budget covered 15%%' %s/b/summary.md",
		 tmp, tmp);
	assert_int_equal(cli_sh(cmd, false, out, sizeof(out)), 0);
	/* the distinct count does not depend on crash.verify */
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/full --quiet "
				 "--set crash.verify=full", tmp), 0);
	snprintf(cmd, sizeof(cmd), "grep '\"states_distinct\"' %s/plain/report.json > %s/d1 && "
		 "grep '\"states_distinct\"' %s/full/report.json > %s/d2 && cmp %s/d1 %s/d2",
		 tmp, tmp, tmp, tmp, tmp, tmp);
	assert_int_equal(cli_sh(cmd, true, out, sizeof(out)), 0);
}

static void test_resume_equals_one_run(void **state)
{
	char out[4096];

	(void)state;
	/* 30, then 45 more, then 100 more: as 175 at once */
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/r --quiet "
				 "--set crash.budget=30", tmp), 0);
	assert_true(cli_exists("%s/r/explore.state", tmp));
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/r --quiet --resume "
				 "--set crash.budget=45", tmp), 0);
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/r --quiet --resume "
				 "--set 'crash.budget=100 states'", tmp), 0);
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/one --quiet "
				 "--set crash.budget=175", tmp), 0);
	cli_same_dirs(tmp, "r", "one");
	/* past the whole space: every state, the report of no budget but the budget */
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/r --quiet --resume "
				 "--set crash.budget=1000", tmp), 0);
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/one --quiet "
				 "--set crash.budget=1175", tmp), 0);
	cli_same_dirs(tmp, "r", "one");
	/* and on from there: the budget adds, not the states found */
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/r --quiet --resume "
				 "--set crash.budget=5", tmp), 0);
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/one --quiet "
				 "--set crash.budget=1180", tmp), 0);
	cli_same_dirs(tmp, "r", "one");
}

static void test_time_budget_reproduces(void **state)
{
	char out[4096], cmd[1024], line[2048];

	(void)state;
	/* 40 x 100000 states: a second explores part of them (40 x 3000 once
	 * did, before repeated states were judged without a read) */
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/t --quiet "
				 "--set crash.samples=100000 --set crash.budget=1s", tmp), 0);
	cli_has(out, "states explored in the time given");
	snprintf(cmd, sizeof(cmd), "python3 -c \"import json; r=json.load(open('%s/t/report.json'));"
		 " b=r['run']['oracle']['crashes']['budget']; assert 0<b['explored']<b['space']==4000000,"
		 " b; assert b['limit']==b['explored'] and b['kind']=='states', b; "
		 "assert r['reproduce'].endswith(\\\"--set 'crash.samples=100000' --set 'crash.budget=%%d'"
		 "\\\" %% b['explored']), r['reproduce']; print(r['reproduce'].split(' ', 2)[2])\"", tmp);
	assert_int_equal(cli_sh(cmd, false, line, sizeof(line)), 0);
	line[strcspn(line, "\n")] = '\0';
	assert_int_equal(cli_run(out, sizeof(out), "run %s -o %s/t2 --quiet", line, tmp), 0);
	cli_same_dirs(tmp, "t", "t2");
}

static void test_refused(void **state)
{
	char out[4096];

	(void)state;
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/x --quiet "
				 "--set crash.budget=20", tmp), 0);
	/* another seed, another scenario, another variant */
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/x --quiet --resume "
				 "--set crash.budget=20 --seed 4", tmp), 2);
	cli_has(out, "x/explore.state was saved by a run of another scenario: field 'seed' was 3, "
		"is 4 now");
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/x --quiet --resume "
				 "--set crash.budget=20 --set crash.samples=9", tmp), 2);
	cli_has(out, "field 'crash.samples' was 8, is 9 now");
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/x --quiet --resume "
				 "--set crash.budget=20 --variant fixed", tmp), 2);
	cli_has(out, "field 'variant' was \"rfc\", is \"fixed\" now");
	/* another binary: its results may differ */
	{
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "cp -r %s/x %s/xb && sed -i 's/\"binary\": \"[0-9a-f]*\"/"
			 "\"binary\": \"0123456789abcdef\"/' %s/xb/explore.state && grep -q "
			 "0123456789abcdef %s/xb/explore.state", tmp, tmp, tmp, tmp);
		assert_int_equal(cli_sh(cmd, true, NULL, 0), 0);
	}
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/xb --quiet --resume "
				 "--set crash.budget=20", tmp), 2);
	cli_has(out, "xb/explore.state was saved by another csumsim binary (0123456789abcdef;");
	/* nothing to resume, or no budget */
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/none --quiet --resume "
				 "--set crash.budget=20", tmp), 2);
	cli_has(out, "explore.state to continue from");
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/x --quiet --resume", tmp), 2);
	cli_has(out, "no crash.budget");
	/* a kept violation of a crash kind no run makes: refused, not trusted
	 * by the reproducers written from it */
	{
		char cmd[1024];

		assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/xk --quiet "
					 "--set crash.budget=100", tmp), 0);
		snprintf(cmd, sizeof(cmd), "python3 -c \"import json; "
			 "p='%s/xk/explore.state'; s=json.load(open(p)); "
			 "k=[v for pt in s['points'] if pt for v in pt['kept']]; assert k, s; "
			 "k[0]['crash_kind']=7; json.dump(s, open(p, 'w'))\" 2>&1", tmp);
		assert_int_equal(cli_sh(cmd, true, out, sizeof(out)), 0);
	}
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/xk --quiet --resume "
				 "--set crash.budget=120", tmp), 2);
	cli_has(out, "field 'kept': crash_kind out of range");
	/* a damaged or foreign file */
	{
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "sed -i 's/\"version\": 2/\"version\": 99/' "
			 "%s/x/explore.state", tmp);
		assert_int_equal(cli_sh(cmd, true, NULL, 0), 0);
	}
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/x --quiet --resume "
				 "--set crash.budget=20", tmp), 2);
	cli_has(out, "field 'version'");
	/* the directory is left as it was: nothing half-written */
	assert_true(cli_exists("%s/x/report.json", tmp));
}

static void test_bounds(void **state)
{
	static const char *const bad[] = { "0", "1000000000001", "200h", "0s", "5 bananas",
					   "-3", "1.5s", "states" };
	static const char *const good[] = { "1", "5000", "'5000 states'", "60s", "10m", "2h",
					    "500ms", "168h", "none" };
	char out[4096], cmd[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cli_run(out, sizeof(out), "validate " FIX " --set "
					 "'crash.budget=%s'", bad[i]), 2);
		cli_has(out, "field 'crash.budget'");
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(cli_run(out, sizeof(out), "validate " FIX " --set "
					 "crash.budget=%s", good[i]), 0);
	/* in a file: its line and column */
	snprintf(cmd, sizeof(cmd), "sed 's/samples: 8,/samples: 8, budget: 9d,/' " FIX
		 " > %s/bad.yaml && grep -q 'budget: 9d' %s/bad.yaml", tmp, tmp);
	assert_int_equal(cli_sh(cmd, true, NULL, 0), 0);
	assert_int_equal(cli_run(out, sizeof(out), "validate %s/bad.yaml", tmp), 2);
	cli_has(out, "bad.yaml:10:79: field");
	cli_has(out, "field 'crash.budget'");
	/* one state to reproduce, no budget to spread */
	assert_int_equal(cli_run(out, sizeof(out), "validate " FIX " --set crash.budget=10 "
				 "--set crash.state=3"), 2);
	cli_has(out, "crash.budget");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_in_report),
		cmocka_unit_test(test_resume_equals_one_run),
		cmocka_unit_test(test_time_budget_reproduces),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
