/* `csumsim check` as CI runs it: exit codes 0/1/2, quick overrides, the
 * reproduce line, TAP and JUnit files (parsed, and byte-identical twice). */
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
#include <jansson.h>

#include "tests/cli_shell.h"

#define FIX "tests/cli/fixtures/check/"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/csumsim-check-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Output in these tests is stdout and stderr together. */
#define sh(cmd, out, n) cli_sh(cmd, true, out, n)
#define bin cli_bin

static int check(const char *args, char *out, size_t n)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "%s check %s", bin(), args);
	return sh(cmd, out, n);
}

#define has cli_has

static void test_exit_codes(void **state)
{
	static char out[16384];
	char args[256];

	(void)state;
	assert_int_equal(check(FIX "pass.yaml", out, sizeof(out)), 0);
	has(out, "ok      " FIX "pass.yaml: requests == 200 (measured 200)");
	has(out, "1 scenarios (long mode): 4 passed, 0 failed, 0 errors, 0 skipped");
	assert_int_equal(check(FIX "noexp.yaml " FIX "pass.yaml", out, sizeof(out)), 0);
	has(out, "skip    " FIX "noexp.yaml: no expectations");
	assert_int_equal(check(FIX "pass.yaml " FIX "fail.yaml", out, sizeof(out)), 1);
	has(out, "FAILED  " FIX "fail.yaml: requests == 201 (measured 200)");
	has(out, "ok      " FIX "fail.yaml: overhead.sub_ios_per_request >= 1 (measured ");
	has(out, "        reproduce: csumsim run " FIX "fail.yaml --seed 1\n");
	/* a bad scenario is exit 2 even beside failures, and the others still run */
	assert_int_equal(check(FIX "fail.yaml " FIX "bad.yaml " FIX "pass.yaml", out, sizeof(out)),
			 2);
	has(out, "ERROR   " FIX "bad.yaml:6:5: field 'expect[0]': unknown metric 'fals_positive'");
	has(out, "ok      " FIX "pass.yaml: hung == 0");
	/* bad command lines: nothing runs */
	assert_int_equal(check(FIX "nosuch.yaml", out, sizeof(out)), 2);
	has(out, "'" FIX "nosuch.yaml': no such file or folder");
	assert_int_equal(check("--frobnicate " FIX "pass.yaml", out, sizeof(out)), 2);
	assert_int_equal(check("", out, sizeof(out)), 2);
	assert_int_equal(check(FIX "pass.yaml --tap", out, sizeof(out)), 2);
	snprintf(args, sizeof(args), "%s", tmpdir); /* an empty folder */
	assert_int_equal(check(args, out, sizeof(out)), 2);
	has(out, "no scenarios (*.yaml) in it");
	/* --set and --seed reach every scenario and the reproduce line */
	assert_int_equal(check(FIX "pass.yaml --seed 9 --set 'expect=[requests == 7]'", out,
			       sizeof(out)), 1);
	has(out, "reproduce: csumsim run " FIX "pass.yaml --seed 9 --set 'expect=[requests == 7]'");
	assert_int_equal(check("--help", out, sizeof(out)), 0);
	has(out, "usage: csumsim check FILE|DIR...");
}

/* Refused requests are never silent: rfc refuses discards, and check fails
 * the run unless its expectations name `refused`; run warns on stderr. */
static void test_refused_fails(void **state)
{
	static char out[16384];
	char cmd[1024];

	(void)state;
	assert_int_equal(check("tests/cli/fixtures/refused/refused.yaml", out, sizeof(out)), 1);
	has(out, "FAILED  tests/cli/fixtures/refused/refused.yaml: refused == 0 (implicit) "
		 "(measured 2: requests refused at once");
	assert_int_equal(check("tests/cli/fixtures/refused/allowed.yaml", out, sizeof(out)), 0);
	has(out, "ok      tests/cli/fixtures/refused/allowed.yaml: refused == 2 (measured 2)");
	snprintf(cmd, sizeof(cmd), "%s run tests/cli/fixtures/refused/refused.yaml -o %s/ref",
		 bin(), tmpdir);
	assert_int_equal(sh(cmd, out, sizeof(out)), 0);
	has(out, "warning: variant 'rfc' refused 2 of 5 requests at once");
}

/* --json: stdout is one JSON document and nothing else (the human lines go
 * to stderr), for check, run and compare, with the numbers of the report. */
static json_t *json_of(const char *cmd_args, int want_status)
{
	static char out[65536];
	char cmd[2048];
	json_error_t e;
	json_t *j;

	snprintf(cmd, sizeof(cmd), "%s %s 2>/dev/null", bin(), cmd_args);
	assert_int_equal(cli_sh(cmd, false, out, sizeof(out)), want_status);
	j = json_loads(out, 0, &e);
	if (j == NULL)
		fail_msg("not one JSON document (%s): %s", e.text, out);
	return j;
}

static void test_json(void **state)
{
	char args[1024];
	json_t *j, *c, *v;

	(void)state;
	j = json_of("check tests/cli/fixtures/refused --json", 1);
	assert_string_equal(json_string_value(json_object_get(j, "command")), "check");
	assert_int_equal(json_integer_value(json_object_get(j, "exit")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "passed")), 3);
	assert_int_equal(json_integer_value(json_object_get(j, "failed")), 1);
	c = json_object_get(j, "cases");
	assert_int_equal(json_array_size(c), 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 3), "name")),
			    "refused == 0 (implicit)");
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 3), "status")),
			    "fail");
	json_decref(j);
	snprintf(args, sizeof(args), "run tests/cli/fixtures/refused/refused.yaml -o %s/j --json",
		 tmpdir);
	j = json_of(args, 0);
	v = json_array_get(json_object_get(j, "verdicts"), 0);
	assert_string_equal(json_string_value(json_object_get(v, "variant")), "rfc");
	assert_int_equal(json_integer_value(json_object_get(v, "refused")), 2);
	assert_true(json_is_false(json_object_get(v, "stalled")));
	assert_true(json_is_null(json_object_get(v, "stalled_at")));
	json_decref(j);
	snprintf(args, sizeof(args), "compare tests/cli/fixtures/refused/refused.yaml "
		 "--variants rfc,fixed,none -o %s/jc --json", tmpdir);
	j = json_of(args, 0);
	assert_int_equal(json_array_size(json_object_get(j, "verdicts")), 3);
	v = json_array_get(json_object_get(j, "verdicts"), 2);
	assert_string_equal(json_string_value(json_object_get(v, "variant")), "none");
	assert_true(json_real_value(json_object_get(v, "sub_io_ratio")) == 1.0);
	json_decref(j);
}

static void test_quick_mode(void **state)
{
	static char out[16384];

	(void)state;
	assert_int_equal(check(FIX "quick.yaml --long", out, sizeof(out)), 0);
	has(out, "(long mode)");
	assert_int_equal(check("--quick " FIX "quick.yaml", out, sizeof(out)), 1);
	has(out, "FAILED  " FIX "quick.yaml: requests == 200 (measured 50)");
	/* the reproducer carries the quick overrides as --set, before the user's */
	has(out, "reproduce: csumsim run " FIX "quick.yaml --seed 1 --set "
		 "trace.generator.requests=50\n");
	assert_int_equal(check("--quick " FIX "quick.yaml --set trace.generator.requests=200", out,
			       sizeof(out)),
			 0);
	has(out, "(quick mode)");
}

static size_t count_lines(const char *text, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		n += strncmp(p, prefix, len) == 0;
	return n;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static void test_tap_and_junit(void **state)
{
	static char out[16384];
	char args[512], cmd[1024], path[256];
	char *tap, *xml;

	(void)state;
	for (int i = 0; i < 2; i++) {
		snprintf(args, sizeof(args), FIX " --tap %s/r%d/check.tap --junit %s/r%d/check.xml",
			 tmpdir, i, tmpdir, i);
		assert_int_equal(check(args, out, sizeof(out)), 2);
	}
	snprintf(cmd, sizeof(cmd), "cmp %s/r0/check.tap %s/r1/check.tap && cmp %s/r0/check.xml "
		 "%s/r1/check.xml", tmpdir, tmpdir, tmpdir, tmpdir);
	if (sh(cmd, out, sizeof(out)) != 0)
		fail_msg("check outputs differ between two runs: %s", out);
	snprintf(path, sizeof(path), "%s/r0/check.tap", tmpdir);
	tap = slurp(path);
	/* 4 files in name order: bad (1 error), fail (2), noexp (skip), pass (4), quick (1) */
	assert_int_equal(strncmp(tap, "TAP version 13\n1..9\n", 20), 0);
	assert_int_equal(count_lines(tap, "ok "), 7);
	assert_int_equal(count_lines(tap, "not ok "), 2);
	has(tap, "not ok 1 - " FIX "bad.yaml: load\n  ---\n  message: \"" FIX "bad.yaml:6:5: ");
	has(tap, "not ok 2 - " FIX "fail.yaml: requests == 201\n  ---\n  message: \"measured 200\"\n"
		 "  severity: fail\n  reproduce: \"csumsim run " FIX "fail.yaml --seed 1\"\n  ...\n");
	has(tap, "ok 4 - " FIX "noexp.yaml # SKIP no expectations\n");
	has(tap, "ok 9 - " FIX "quick.yaml: requests == 200\n");
	free(tap);
	snprintf(path, sizeof(path), "%s/r0/check.xml", tmpdir);
	xml = slurp(path);
	has(xml, "<testsuites name=\"csumsim check\" tests=\"9\" failures=\"1\" errors=\"1\" "
		 "skipped=\"1\" time=\"0\">");
	has(xml, "<testsuite name=\"" FIX "pass.yaml\" tests=\"4\" failures=\"0\" errors=\"0\" "
		 "skipped=\"0\" time=\"0\">");
	has(xml, "<failure type=\"expectation\" message=\"measured 200\">");
	free(xml);
	/* well-formed, with the counts it claims, for a real XML parser */
	snprintf(cmd, sizeof(cmd),
		 "if command -v python3 >/dev/null; then python3 -c \"import sys, "
		 "xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); "
		 "c = r.findall('testsuite/testcase'); "
		 "assert r.tag == 'testsuites' and len(c) == int(r.get('tests')) == 9; "
		 "assert len(r.findall('testsuite/testcase/failure')) == 1; "
		 "assert len(r.findall('testsuite/testcase/error')) == 1; "
		 "assert len(r.findall('testsuite/testcase/skipped')) == 1\" %s/r0/check.xml; fi",
		 tmpdir);
	if (sh(cmd, out, sizeof(out)) != 0)
		fail_msg("JUnit XML rejected: %s", out);
}

/* -o: each scenario's full report, and the reproducers of its violations. */
static void test_output_dir(void **state)
{
	static char out[16384];
	char args[512], path[512];
	struct stat st;

	(void)state;
	snprintf(args, sizeof(args), "scenarios/ci/rfc-crash-d1-repro.yaml "
		 "--set 'expect=[violations == 0]' -o %s/o", tmpdir);
	assert_int_equal(check(args, out, sizeof(out)), 1);
	has(out, "FAILED  scenarios/ci/rfc-crash-d1-repro.yaml: violations == 0 (measured 1)");
	snprintf(path, sizeof(path), "reproducers: %s/o/rfc-crash-d1-repro/reproducers/", tmpdir);
	has(out, path);
	snprintf(path, sizeof(path), "%s/o/rfc-crash-d1-repro/reproducers/violation-0.yaml",
		 tmpdir);
	assert_int_equal(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/o/rfc-crash-d1-repro/report.json", tmpdir);
	assert_int_equal(stat(path, &st), 0);
	/* without -o it says how to get them */
	assert_int_equal(check("scenarios/ci/rfc-crash-d1-repro.yaml --set 'expect=[silent > 0]'",
			       out, sizeof(out)), 1);
	has(out, "1 violating crash states: add -o DIR for their reproducer scenarios");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_refused_fails),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_quick_mode),
		cmocka_unit_test(test_tap_and_junit),
		cmocka_unit_test(test_output_dir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
