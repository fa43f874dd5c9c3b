/* The gnuplot runner (reports/gnuplot.c): every close checked, every wait
 * bounded. A close that fails and leaves the pipe open once made it wait
 * forever for an EOF; a gnuplot that hangs once hung the whole report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <fiu.h>
#include <fiu-control.h>

#include "reports/report_priv.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/csumsim-gp-XXXXXX");
	/* a test that would hang fails instead */
	alarm(60);
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	alarm(0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static double seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A stand-in for gnuplot: a shell script with `body`. */
static void fake(const char *name, const char *body, char *path, size_t n)
{
	FILE *f;

	snprintf(path, n, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0755), 0);
}

static void test_runs(void **state)
{
	struct cs_err err = { { 0 } };
	char prog[128];

	(void)state;
	fake("ok", "exit 0", prog, sizeof(prog));
	assert_int_equal(rep_gp_run(prog, dir, "x.gp", 10000, &err), 0);
	fake("bad", "echo 'line 3: undefined variable' >&2; exit 1", prog, sizeof(prog));
	assert_int_equal(rep_gp_run(prog, dir, "x.gp", 10000, &err), -1);
	assert_non_null(strstr(err.msg, "undefined variable"));
	assert_int_equal(rep_gp_run("no-such-gnuplot-here", dir, "x.gp", 10000, &err), -1);
	assert_non_null(strstr(err.msg, "not found in PATH"));
}

/* The parent's close of a pipe's write end fails (and leaves it open): an
 * error at once, not a wait for an EOF that can never come. */
static void test_close_fails(void **state)
{
	struct cs_err err = { { 0 } };
	char prog[128];
	double t0;
	int rc;

	(void)state;
	fake("ok", "exit 0", prog, sizeof(prog));
	assert_int_equal(fiu_enable("reports/gnuplot/close", 1, NULL, 0), 0);
	t0 = seconds();
	rc = rep_gp_run(prog, dir, "x.gp", 20000, &err);
	fiu_disable("reports/gnuplot/close");
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err.msg, "close"));
	assert_true(seconds() - t0 < 10);
}

/* A gnuplot that never ends is killed (with what it started) at the
 * deadline. */
static void test_timeout(void **state)
{
	struct cs_err err = { { 0 } };
	char prog[128];
	double t0;

	(void)state;
	fake("hang", "sleep 50 & sleep 50", prog, sizeof(prog));
	t0 = seconds();
	assert_int_equal(rep_gp_run(prog, dir, "x.gp", 300, &err), -1);
	assert_true(seconds() - t0 < 10);
	assert_non_null(strstr(err.msg, "did not finish within 1 s"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
	};

	fiu_init(0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
