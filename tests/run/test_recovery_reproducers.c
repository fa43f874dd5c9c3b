/* Crashes during recovery (crash.recovery: each_write) have reproducers as
 * first-level crash states do: every violating second-level state kept in
 * report.json's recovery_violations has reproducers/recovery-violation-K.yaml
 * (crash.at, crash.state, crash.recovery_at, crash.recovery_state), and
 * re-running it alone finds that one state with exactly the counts the full
 * exploration reported for it. A crash.budget keeps these states too (it
 * once dropped every one of them), and the keys are refused where they
 * cannot apply. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/cli_shell.h"

#define FIX "scenarios/ci/bitmap-clean-first-recovery-crash.yaml"

static char tmp[64];

static int setup(void **state)
{
	(void)state;
	return cli_tmpdir(tmp, sizeof(tmp), "rrepro");
}

static int teardown(void **state)
{
	(void)state;
	return cli_rmtree(tmp);
}


static void test_each_reproducer_reproduces(void **state)
{
	char out[8192], cmd[4096];
	int n;

	(void)state;
	/* two crash points of six: 16 violating second-level states kept */
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/full -q --no-baseline "
				 "--set crash.max_crashes=2", tmp), 0);
	snprintf(cmd, sizeof(cmd), "python3 -c \"import json; r=json.load(open('%s/full/"
		 "report.json')); v=r['recovery_violations']; assert 0<len(v)<="
		 "r['run']['oracle']['recovery_crashes']['violating'], len(v); "
		 "assert len(set(x['mount_io'] for x in v))>1, v; print(len(v))\"", tmp);
	assert_int_equal(cli_sh(cmd, true, out, sizeof(out)), 0);
	n = atoi(out);
	assert_true(n >= 2 && n <= 16);
	for (int k = 0; k < n; k++) {
		assert_true(cli_exists("%s/full/reproducers/recovery-violation-%d.yaml", tmp, k));
		if (cli_run(out, sizeof(out), "run %s/full/reproducers/recovery-violation-%d.yaml "
			    "-o %s/r%d -q", tmp, k, tmp, k) != 0)
			fail_msg("reproducer %d: %s", k, out);
		/* the one state alone, the same counts; the first level untouched */
		snprintf(cmd, sizeof(cmd), "python3 -c \"import json; "
			 "w=json.load(open('%s/full/report.json'))['recovery_violations'][%d]; "
			 "r=json.load(open('%s/r%d/report.json')); "
			 "c=r['run']['oracle']['recovery_crashes']; "
			 "assert c['points']==1 and c['states']==1 and c['violating']==1, c; "
			 "assert c['totals']==w['oracle'], (c['totals'], w['oracle']); "
			 "assert r['run']['oracle']['crashes']['states']==1; "
			 "assert r['recovery_violations'][0]['oracle']==w['oracle']\" 2>&1",
			 tmp, k, tmp, k);
		assert_int_equal(cli_sh(cmd, true, out, sizeof(out)), 0);
	}
	/* summary.md names them */
	snprintf(cmd, sizeof(cmd), "grep -c 'reproducers/recovery-violation-0.yaml' "
		 "%s/full/summary.md", tmp);
	assert_int_equal(cli_sh(cmd, false, out, sizeof(out)), 0);
}

static void test_budget_keeps_them(void **state)
{
	char out[8192], cmd[2048];

	(void)state;
	/* a budget over the whole space is the run without one, second-level
	 * states and their reproducers included; and so is one resumed */
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/plain -q --no-baseline "
				 "--set crash.max_crashes=2", tmp), 0);
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/b -q --no-baseline "
				 "--set crash.max_crashes=2 --set crash.budget=5", tmp), 0);
	assert_int_equal(cli_run(out, sizeof(out), "run " FIX " -o %s/b -q --no-baseline "
				 "--set crash.max_crashes=2 --set crash.budget=1000 --resume", tmp),
			 0);
	snprintf(cmd, sizeof(cmd), "python3 -c \"import json; "
		 "a=json.load(open('%s/plain/report.json')); b=json.load(open('%s/b/report.json')); "
		 "ra=a['run']['oracle']['recovery_crashes']; rb=b['run']['oracle']['recovery_crashes']; "
		 "assert ra['violating']>0 and ra==rb, (ra, rb); "
		 "assert a['recovery_violations']==b['recovery_violations']\" 2>&1", tmp, tmp);
	assert_int_equal(cli_sh(cmd, true, out, sizeof(out)), 0);
	snprintf(cmd, sizeof(cmd), "diff -r %s/plain/reproducers %s/b/reproducers", tmp, tmp);
	assert_int_equal(cli_sh(cmd, true, out, sizeof(out)), 0);
}

static void test_keys_refused(void **state)
{
	char out[4096];

	(void)state;
	assert_int_equal(cli_run(out, sizeof(out), "validate " FIX " --set crash.recovery=off "
				 "--set crash.recovery_at=3"), 2);
	cli_has(out, "field 'crash.recovery_at'");
	cli_has(out, "only with crash.recovery: each_write");
	assert_int_equal(cli_run(out, sizeof(out), "validate " FIX " --set crash.recovery_state=2"),
			 2);
	cli_has(out, "field 'crash.recovery_state'");
	cli_has(out, "give crash.recovery_at too");
	assert_int_equal(cli_run(out, sizeof(out), "validate " FIX " --set crash.recovery_at=3 "
				 "--set crash.recovery_state=2"), 2);
	cli_has(out, "not with crash.recovery_points 4");
	assert_int_equal(cli_run(out, sizeof(out), "validate " FIX " --set crash.recovery_at=3 "
				 "--set crash.recovery_state=2 --set crash.recovery_points=0"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_reproducer_reproduces),
		cmocka_unit_test(test_budget_keeps_them),
		cmocka_unit_test(test_keys_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
