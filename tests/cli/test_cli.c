/* The csumsim binary: help, version, dispatch, validate's output and exit codes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "version.h"

#define FIX "tests/cli/fixtures/"

struct result {
	int status;
	char out[16384]; /* stdout */
	char err[4096];  /* stderr */
};

/* Runs `csumsim ARGS` through sh; stdout and stderr captured apart. */
static void run(struct result *r, const char *args)
{
	const char *bin = getenv("CSUMSIM_BIN");
	char cmd[2048], errfile[] = "/tmp/csumsim-cli-XXXXXX";
	FILE *p, *e;
	size_t n;
	int fd = mkstemp(errfile);

	assert_non_null(bin);
	assert_true(fd >= 0);
	snprintf(cmd, sizeof(cmd), "'%s/cli/csumsim' %s 2>'%s'", bin, args, errfile);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(r->out, 1, sizeof(r->out) - 1, p);
	r->out[n] = '\0';
	r->status = pclose(p);
	assert_true(WIFEXITED(r->status));
	r->status = WEXITSTATUS(r->status);
	e = fdopen(fd, "r");
	assert_non_null(e);
	n = fread(r->err, 1, sizeof(r->err) - 1, e);
	r->err[n] = '\0';
	fclose(e);
	remove(errfile);
}

static struct result res;

static void test_help(void **state)
{
	(void)state;
	run(&res, "--help");
	assert_int_equal(res.status, 0);
	assert_non_null(strstr(res.out, "usage: csumsim COMMAND"));
	assert_non_null(strstr(res.out, "  run "));
	assert_non_null(strstr(res.out, "  validate "));
	assert_non_null(strstr(res.out, "  layout "));
	assert_non_null(strstr(res.out, "  2  bad command line"));
	assert_string_equal(res.err, "");
	run(&res, "");
	assert_int_equal(res.status, 2);
	assert_non_null(strstr(res.err, "usage: csumsim COMMAND"));
	run(&res, "help validate");
	assert_int_equal(res.status, 0);
	assert_non_null(strstr(res.out, "usage: csumsim validate FILE..."));
	run(&res, "validate --help");
	assert_int_equal(res.status, 0);
	assert_non_null(strstr(res.out, "usage: csumsim validate FILE..."));
	run(&res, "help frobnicate");
	assert_int_equal(res.status, 2);
	assert_string_equal(res.err, "csumsim: unknown command 'frobnicate' (try 'csumsim --help')\n");
}

static void test_version(void **state)
{
	char want[64];

	(void)state;
	run(&res, "--version");
	assert_int_equal(res.status, 0);
	/* "csumsim 0.1.0 (REV)": the git revision when built from a checkout */
	snprintf(want, sizeof(want), "csumsim %s (", CSUMSIM_VERSION);
	assert_int_equal(strncmp(res.out, want, strlen(want)), 0);
	assert_non_null(strstr(res.out, ")\n"));
	run(&res, "run --version");
	assert_int_equal(res.status, 0);
	assert_int_equal(strncmp(res.out, want, strlen(want)), 0);
	/* an option's value that reads --version is the option's */
	run(&res, "validate --set name=--version tests/cli/fixtures/ok.yaml");
	assert_int_not_equal(strncmp(res.out, want, strlen(want)), 0);
}

static void test_unknown(void **state)
{
	(void)state;
	run(&res, "frobnicate x");
	assert_int_equal(res.status, 2);
	assert_string_equal(res.out, "");
	assert_string_equal(res.err, "csumsim: unknown command 'frobnicate' (try 'csumsim --help')\n");
	run(&res, "--frob");
	assert_int_equal(res.status, 2);
	assert_string_equal(res.err, "csumsim: unknown option '--frob' (try 'csumsim --help')\n");
}

static void test_validate_ok(void **state)
{
	(void)state;
	run(&res, "validate " FIX "ok.yaml");
	assert_int_equal(res.status, 0);
	assert_string_equal(res.out, FIX "ok.yaml: ok\n");
	assert_string_equal(res.err, "");
	run(&res, "validate " FIX "ok.yaml --set seed=7 --set=disk.cache.enabled=false --print");
	assert_int_equal(res.status, 0);
	assert_non_null(strstr(res.out, "# csumsim scenario"));
	assert_non_null(strstr(res.out, "\nseed: 7\n"));
	assert_non_null(strstr(res.out, "    enabled: false\n"));
}

static void test_validate_bad(void **state)
{
	(void)state;
	run(&res, "validate " FIX "bad.yaml");
	assert_int_equal(res.status, 2);
	assert_string_equal(res.out, "");
	assert_string_equal(res.err, FIX "bad.yaml:5:12: field 'disk.profile': unknown value 'nvme' "
				     "(accepted: hdd, ssd, ram)\n");
	/* One bad file fails the run; the good one is still reported. */
	run(&res, "validate " FIX "ok.yaml " FIX "bad.yaml");
	assert_int_equal(res.status, 2);
	assert_string_equal(res.out, FIX "ok.yaml: ok\n");
	run(&res, "validate " FIX "ok.yaml --set host.queue_depth=0");
	assert_int_equal(res.status, 2);
	assert_string_equal(res.err, "--set: field 'host.queue_depth': out of range: 0 "
				     "(must be between 1 and 65536)\n");
	run(&res, "validate " FIX "ok.yaml --set device.sector_size=4096");
	assert_int_equal(res.status, 2);
	assert_string_equal(res.err, FIX "ok.yaml: field 'device.sector_size': 4096: only 512 is "
				     "supported (as in the RFC)\n");
	run(&res, "validate " FIX "unknown-variant.yaml");
	assert_int_equal(res.status, 2);
	assert_non_null(strstr(res.err, FIX "unknown-variant.yaml: field 'variant': unknown variant "
					"'no-such-variant' (known: "));
	run(&res, "validate " FIX "missing-trace.yaml");
	assert_int_equal(res.status, 2);
	assert_string_equal(res.err, FIX "missing-trace.yaml:2:9: field 'trace.file': cannot read '" FIX
				     "no-such-trace.blkparse': No such file or directory\n");
	run(&res, "validate " FIX "no-such.yaml");
	assert_int_equal(res.status, 2);
	assert_string_equal(res.err,
			    FIX "no-such.yaml: cannot open: No such file or directory\n");
}

/* Fault points and comparison variants are checked against what the
 * simulator has; the docs' example scenarios pass. */
static void test_validate_points_and_compare(void **state)
{
	(void)state;
	run(&res, "validate " FIX "ok.yaml --set 'faults.fiu=[{point: rfc/update_imd_bio/kmalloc, "
		  "nth: 1}]' --set 'compare={variants: [rfc, none], profiles: [hdd, ssd]}'");
	assert_string_equal(res.err, "");
	assert_int_equal(res.status, 0);
	run(&res, "validate " FIX "ok.yaml --set 'faults.fiu=[{point: rfc/update_imd_bio/kmalloc, "
		  "nth: 1}, {point: rfc/no_such/kmalloc, probability: 0.5}]'");
	assert_int_equal(res.status, 2);
	assert_non_null(strstr(res.err, FIX "ok.yaml: field 'faults.fiu[1].point': unknown fault "
					"point 'rfc/no_such/kmalloc' (known: "));
	assert_non_null(strstr(res.err, " rfc/update_imd_bio/kmalloc"));
	run(&res, "validate " FIX "ok.yaml --set 'compare.variants=[rfc, nosuch]'");
	assert_int_equal(res.status, 2);
	assert_non_null(strstr(res.err, FIX "ok.yaml: field 'compare.variants[1]': unknown variant "
					"'nosuch' (known: "));
	assert_non_null(strstr(res.err, " rfc"));
	run(&res, "validate tests/scenarios/fixtures/crash-explore.yaml "
		  "tests/scenarios/fixtures/bitrot.yaml");
	assert_string_equal(res.err, "");
	assert_string_equal(res.out, "tests/scenarios/fixtures/crash-explore.yaml: ok\n"
				     "tests/scenarios/fixtures/bitrot.yaml: ok\n");
	assert_int_equal(res.status, 0);
	run(&res, "validate tests/scenarios/fixtures/bitrot.yaml --print");
	assert_int_equal(res.status, 0);
	assert_non_null(strstr(res.out, "\n  mode: end\n"));
	assert_non_null(strstr(res.out, "\n  idle_hours: 720\n"));
	assert_non_null(strstr(res.out, "\n    at: 7200000000000\n    count: 4\n"));
	assert_non_null(strstr(res.out, "\n  variants: [\"rfc\", \"none\"]\n"));
}

static void test_validate_usage(void **state)
{
	(void)state;
	run(&res, "validate");
	assert_int_equal(res.status, 2);
	assert_string_equal(res.err, "csumsim validate: no scenario file given (try --help)\n");
	run(&res, "validate --bogus " FIX "ok.yaml");
	assert_int_equal(res.status, 2);
	assert_string_equal(res.err, "csumsim validate: unknown option '--bogus' (try --help)\n");
	run(&res, "validate " FIX "ok.yaml --set");
	assert_int_equal(res.status, 2);
	assert_string_equal(res.err, "csumsim validate: --set needs KEY=VALUE\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help),         cmocka_unit_test(test_version),
		cmocka_unit_test(test_unknown),      cmocka_unit_test(test_validate_ok),
		cmocka_unit_test(test_validate_bad), cmocka_unit_test(test_validate_usage),
		cmocka_unit_test(test_validate_points_and_compare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
