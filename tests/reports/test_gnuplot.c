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


/* Several scripts in one gnuplot: argv is `-d s0 -e reset s1 ...`, and a
 * failure names every script it ran. */
static void test_list_argv(void **state)
{
	struct cs_err err = { { 0 } };
	char prog[128];
	const char *scripts[] = { "a.gp", "b.gp", "c.gp" };

	(void)state;
	fake("args", "echo \"$*\" >&2; exit 1", prog, sizeof(prog));
	assert_int_equal(rep_gp_run_list(prog, dir, scripts, 3, 10000, &err), -1);
	assert_non_null(strstr(err.msg, "-d a.gp -e reset b.gp -e reset c.gp"));
	assert_non_null(strstr(err.msg, "a.gp b.gp c.gp failed"));
}

static void write_file(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static long file_bytes(const char *name, char *buf, long size)
{
	char path[128];
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = (long)fread(buf, 1, (size_t)size, f);
	assert_int_equal(fclose(f), 0);
	return n;
}

/* With the real gnuplot: a plot drawn after another script in the same
 * process is byte-identical to the plot drawn alone (the first script's
 * settings do not leak: `reset` between them), and a missing image is
 * named. Skipped where gnuplot is not installed. */
static void test_list_images(void **state)
{
	static char alone_svg[1 << 16], after_svg[1 << 16];
	struct cs_err err = { { 0 } };
	const char *names[] = { "first", "second" };
	long n_alone, n_after;

	(void)state;
	if (system("command -v gnuplot >/dev/null 2>&1") != 0)
		skip();
	write_file("first.gp", "set logscale y\nset xrange [1:2]\nset title 'leak'\n"
			       "set terminal pngcairo size 200,100\nset output 'first.png'\n"
			       "plot x\nset terminal svg size 200,100\nset output 'first.svg'\n"
			       "plot x\nunset output\n");
	write_file("second.gp", "set terminal pngcairo size 200,100\nset output 'second.png'\n"
				"plot x*x\nset terminal svg size 200,100\n"
				"set output 'second.svg'\nplot x*x\nunset output\n");
	assert_int_equal(rep_gp_render(("gnuplot"), dir, "second", &err), 0);
	n_alone = file_bytes("second.svg", alone_svg, sizeof(alone_svg));
	assert_int_equal(rep_gp_render_list("gnuplot", dir, names, 2, &err), 0);
	n_after = file_bytes("second.svg", after_svg, sizeof(after_svg));
	assert_true(n_alone > 0 && n_alone < (long)sizeof(alone_svg));
	assert_int_equal(n_alone, n_after);
	assert_memory_equal(alone_svg, after_svg, (size_t)n_alone);
	/* a script that draws no PNG: named, not passed over */
	write_file("second.gp", "set terminal svg\nset output 'second.svg'\nplot x\n");
	snprintf(alone_svg, sizeof(alone_svg), "rm -f '%s/second.png'", dir);
	assert_int_equal(system(alone_svg), 0);
	assert_int_equal(rep_gp_render_list("gnuplot", dir, names, 2, &err), -1);
	assert_non_null(strstr(err.msg, "second.png"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_argv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_images, setup, teardown),
	};

	fiu_init(0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
