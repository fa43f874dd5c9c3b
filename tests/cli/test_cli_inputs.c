/* Bad input refused cleanly, as a user meets it: exit 2, one message with
 * file, line (and column) and field, before any simulation, nothing written.
 * Traces (oversized, empty, missing) and the command-line options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/cli_shell.h"

#define FIX "tests/cli/fixtures/inputs/"

static char tmpdir[64];
static char out[8192];

static int setup(void **state)
{
	(void)state;
	return cli_tmpdir(tmpdir, sizeof(tmpdir), "inputs");
}

static int teardown(void **state)
{
	(void)state;
	return cli_rmtree(tmpdir);
}

/* Runs `csumsim ARGS`, bounded (the old code ran for minutes); output and
 * errors in out. */
#define cs(...) cli_run_within(out, sizeof(out), 60, __VA_ARGS__)

/* run, validate and convert each refuse the line, naming file:line:field. */
static void refused_everywhere(const char *yaml, const char *trace, const char *want)
{
	assert_int_equal(cs("run " FIX "%s -o %s/r --quiet", yaml, tmpdir), 2);
	cli_has(out, want);
	assert_false(cli_exists("%s/r", tmpdir));
	assert_int_equal(cs("validate " FIX "%s", yaml), 2);
	cli_has(out, want);
	if (trace != NULL) {
		assert_int_equal(cs("convert " FIX "%s -o %s/c.cstrace", trace, tmpdir), 2);
		cli_has(out, want);
		assert_false(cli_exists("%s/c.cstrace", tmpdir));
	}
}

static void test_request_larger_than_limit(void **state)
{
	(void)state;
	refused_everywhere("huge-blkparse.yaml", "huge.blkparse.txt",
			   "huge.blkparse.txt:2: field 'size': a request of 99999999999 sectors is "
			   "larger than csumsim's limit of 8388608 sectors (4 GiB)");
	assert_int_equal(cs("convert " FIX "huge.cstrace -o %s/c.cstrace", tmpdir), 2);
	cli_has(out, "huge.cstrace:3: field 'count': a request of 1000000000000 sectors is "
		     "larger than csumsim's limit");
	assert_false(cli_exists("%s/c.cstrace", tmpdir));
}

static void test_request_larger_than_device(void **state)
{
	(void)state;
	refused_everywhere("larger-than-device.yaml", NULL,
			   "large.cstrace:2: field 'count': a request of 4096 sectors is larger "
			   "than the device (2048 sectors)");
}

static void test_empty_trace(void **state)
{
	(void)state;
	refused_everywhere("empty.yaml", "empty.blkparse.txt",
			   "empty.blkparse.txt: no requests in the trace");
	assert_int_equal(cs("convert " FIX "empty.cstrace -o %s/c.cstrace", tmpdir), 2);
	cli_has(out, "empty.cstrace: no requests in the trace");
}

static void test_missing_or_folder(void **state)
{
	(void)state;
	assert_int_equal(cs("run " FIX "missing.yaml -o %s/r --quiet", tmpdir), 2);
	cli_has(out, "missing.yaml:4:9: field 'trace.file': cannot read '" FIX
		     "./nonexist.cstrace': No such file or directory");
	assert_false(cli_exists("%s/r", tmpdir));
	assert_int_equal(cs("validate " FIX "missing.yaml"), 2);
	cli_has(out, "missing.yaml:4:9: field 'trace.file'");
	assert_int_equal(cs("run " FIX "dir-trace.yaml -o %s/r --quiet", tmpdir), 2);
	cli_has(out, "dir-trace.yaml:3:9: field 'trace.file': cannot read '" FIX
		     "adir': is a directory");
	assert_int_equal(cs("validate " FIX "dir-trace.yaml"), 2);
	cli_has(out, "is a directory");
	/* from --set the file has no position for it: the field alone */
	assert_int_equal(cs("run " FIX "missing.yaml --set trace.file=zz -o %s/r", tmpdir), 2);
	cli_has(out, "missing.yaml: field 'trace.file': cannot read '" FIX "zz'");
}

/* An xz header may ask for a 4 GiB dictionary: the decoder's memory is
 * bounded (the file is a 29-byte trace whose header was patched so). */
static void test_xz_memory_bounded(void **state)
{
	(void)state;
	assert_int_equal(cs("convert " FIX "bigdict.cstrace.xz -o %s/c.cstrace", tmpdir), 2);
	cli_has(out, "bigdict.cstrace.xz: xz data needs more than 256 MiB to decode");
	assert_false(cli_exists("%s/c.cstrace", tmpdir));
}

static void test_time_past_clock(void **state)
{
	(void)state;
	assert_int_equal(cs("run " FIX "late.yaml -o %s/r --quiet", tmpdir), 2);
	cli_has(out, "late.yaml: field 'host.time_scale': the trace's line 3 at "
		     "18000000000000000000 ns x 2 is past the simulator's clock");
	assert_false(cli_exists("%s/r", tmpdir));
}

/* --seed is plain decimal, like YAML and --set: hex, blanks, signs and
 * overflow (once saturated to 2^64 - 1) are refused. */
static void test_seed_option(void **state)
{
	static const char *const bad[] = {
		"0x10", "' 5'", "99999999999999999999999", "18446744073709551616", "-1", "+5",
		"010x", "''",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cs("run " FIX "small.yaml --seed %s -o %s/r --quiet", bad[i],
				    tmpdir), 2);
		cli_has(out, "option '--seed' needs a decimal integer from 0 to "
			     "18446744073709551615");
		assert_false(cli_exists("%s/r", tmpdir));
		assert_int_equal(cs("check " FIX "small.yaml --seed %s -o %s/r", bad[i], tmpdir),
				 2);
		cli_has(out, "option '--seed' needs a decimal integer");
	}
}

/* report.json keeps a seed above 2^63 as the number it is (was null). */
static void test_big_seed_in_report(void **state)
{
	char path[256];
	FILE *f;
	char *text = malloc(1 << 20);
	size_t n;

	(void)state;
	assert_non_null(text);
	assert_int_equal(cs("run " FIX "small.yaml --seed 18446744073709551615 -o %s/big --quiet",
			    tmpdir), 0);
	snprintf(path, sizeof(path), "%s/big/report.json", tmpdir);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, (1 << 20) - 1, f);
	fclose(f);
	text[n] = '\0';
	cli_has(text, "\n  \"seed\": 18446744073709551615,\n");
	assert_null(strstr(text, "u0001"));
	free(text);
}

/* --crash K names a crash point of the run, and not with --no-crashes. */
static void test_crash_option(void **state)
{
	(void)state;
	assert_int_equal(cs("run " FIX "crashes.yaml --crash 1000 -o %s/r --quiet", tmpdir), 2);
	cli_has(out, "option '--crash 1000': the run has 5 crash points (0 to 4)");
	assert_false(cli_exists("%s/r", tmpdir));
	assert_int_equal(cs("run " FIX "crashes.yaml --crash 5 -o %s/r --quiet", tmpdir), 2);
	assert_int_equal(cs("run " FIX "crashes.yaml --crash 1 --no-crashes -o %s/r", tmpdir), 2);
	cli_has(out, "'--no-crashes' runs none");
	assert_int_equal(cs("run " FIX "small.yaml --crash 0 -o %s/r", tmpdir), 2);
	cli_has(out, "has no crash points (crash.mode is none)");
	assert_false(cli_exists("%s/r", tmpdir));
	assert_int_equal(cs("run " FIX "crashes.yaml --crash 4 -o %s/r --quiet", tmpdir), 0);
	cli_has(out, "1 crash points");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_larger_than_limit),
		cmocka_unit_test(test_request_larger_than_device),
		cmocka_unit_test(test_empty_trace),
		cmocka_unit_test(test_missing_or_folder),
		cmocka_unit_test(test_time_past_clock),
		cmocka_unit_test(test_xz_memory_bounded),
		cmocka_unit_test(test_seed_option),
		cmocka_unit_test(test_big_seed_in_report),
		cmocka_unit_test(test_crash_option),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
