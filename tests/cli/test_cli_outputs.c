/* Where csumsim writes, as a user meets it: a bad -o found before any
 * simulation, single-file outputs that never replace a symlink, FIFO or
 * device, a killed run's leftovers put back or cleaned, a full disk reported
 * as such (exit 3, nothing half-written), out of memory as exit 3.
 * The full disk is a small tmpfs (skipped when mount is not allowed); the
 * injected faults are libfiu points enabled through libfiu's preload
 * library (skipped when it is not installed). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/cli_shell.h"

#define FIU_PRELOAD "/usr/lib/fiu/fiu_run_preload.so"

#define PRINTF(a, b) __attribute__((format(printf, a, b)))

static char tmp[64];
static char out[32768];

static int setup(void **state)
{
	(void)state;
	return cli_tmpdir(tmp, sizeof(tmp), "outputs");
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	/* every mount a test made lives under tmp/m* */
	snprintf(cmd, sizeof(cmd), "for m in '%s'/m*; do umount \"$m\" 2>/dev/null; done; true",
		 tmp);
	cli_sh(cmd, false, NULL, 0);
	return cli_rmtree(tmp);
}

static const char *src(void)
{
	const char *s = getenv("CSUMSIM_SRC");

	return s != NULL ? s : ".";
}

/* Runs `prefix` + the text made from fmt with sh: its exit code; stdout and
 * stderr into `out`. */
static PRINTF(2, 0) int vrun(const char *prefix, const char *fmt, va_list ap)
{
	char cmd[4096];
	int n = snprintf(cmd, sizeof(cmd), "%s", prefix);

	vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	return cli_sh(cmd, true, out, sizeof(out));
}

/* A shell command. */
static PRINTF(1, 2) int sh(const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vrun("", fmt, ap);
	va_end(ap);
	return rc;
}

/* `csumsim ARGS` run inside tmp, so a stray "-" folder would land there. */
static PRINTF(1, 2) int cs(const char *fmt, ...)
{
	char prefix[512];
	va_list ap;
	int rc;

	snprintf(prefix, sizeof(prefix), "cd '%s' && '%s' ", tmp, cli_bin());
	va_start(ap, fmt);
	rc = vrun(prefix, fmt, ap);
	va_end(ap);
	return rc;
}

#define exists cli_exists

/* How many entries of tmp/dir start with prefix. */
static int count_prefix(const char *dir, const char *prefix)
{
	char cmd[512], buf[64];

	snprintf(cmd, sizeof(cmd), "ls -A '%s/%s' | grep -c '^%s' || true", tmp, dir, prefix);
	cli_sh(cmd, false, buf, sizeof(buf));
	return atoi(buf);
}

/* A tmpfs of `size` at tmp/NAME, full when `fill`; false when this machine
 * does not allow the mount (the caller skips). */
static bool small_disk(const char *name, const char *size, bool fill)
{
	if (sh("mkdir -p '%s/%s' && mount -t tmpfs -o size=%s tmpfs '%s/%s'", tmp, name, size,
	       tmp, name) != 0)
		return false;
	if (fill)
		sh("head -c 16M /dev/zero > '%s/%s/fill'", tmp, name);
	return true;
}

#define NEED(cond, why)                                                                    \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "skipped: %s\n", why);                             \
			skip();                                                            \
		}                                                                          \
	} while (0)

/* `csumsim` with libfiu points enabled, through libfiu's preload library.
 * ASan must not insist on coming first; its leak check is not the point. */
static PRINTF(2, 3) int cs_fiu(const char *points, const char *fmt, ...)
{
	char prefix[1024];
	va_list ap;
	int rc;

	snprintf(prefix, sizeof(prefix), "cd '%s' && LD_PRELOAD=%s FIU_ENABLE='%s' "
		 "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0 '%s' ",
		 tmp, FIU_PRELOAD, points, cli_bin());
	va_start(ap, fmt);
	rc = vrun(prefix, fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- 1. -o: '-' refused, a bad target found before simulating -------- */

static void test_dash_refused(void **state)
{
	/* command, its input (under the source tree), the option */
	const char *cmds[][3] = { { "run", "tests/cli/fixtures/ok.yaml", "-o -" },
				  { "compare", "tests/cli/fixtures/ok.yaml", "--variants rfc,none -o -" },
				  { "sweep", "tests/cli/fixtures/sweep/sw.yaml", "-o -" },
				  { "check", "tests/cli/fixtures/check/pass.yaml", "-o -" },
				  { "check", "tests/cli/fixtures/check/pass.yaml", "--tap -" },
				  { "merge -o -", "no-such-shard", "" } };

	(void)state;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		assert_int_equal(cs("%s %s/%s %s", cmds[i][0], src(), cmds[i][1], cmds[i][2]), 2);
		cli_has(out, "option '");
		cli_has(out, "'-' is not a");
		assert_false(exists("%s/-", tmp));
	}
}

static void test_outdir_is_a_file(void **state)
{
	(void)state;
	sh("echo precious > '%s/file'", tmp);
	assert_int_equal(cs("run %s/tests/cli/fixtures/ok.yaml -o file", src()), 2);
	cli_has(out, "option '-o'");
	cli_has(out, "file exists and is not a directory");
	assert_int_equal(cs("compare %s/tests/cli/fixtures/ok.yaml --variants rfc,none -o file", src()), 2);
	cli_has(out, "option '-o'");
	assert_int_equal(cs("sweep %s/tests/cli/fixtures/sweep/sw.yaml -o file", src()), 2);
	cli_has(out, "option '-o'");
	/* found before the shards are read, and before the scenarios run */
	assert_int_equal(cs("merge -o file no-such-shard"), 2);
	cli_has(out, "option '-o'");
	assert_int_equal(cs("check %s/tests/cli/fixtures/check/pass.yaml -o file/sub", src()), 2);
	cli_has(out, "option '-o'");
	assert_int_equal(cs("check %s/tests/cli/fixtures/check/pass.yaml --junit file/j.xml",
			    src()), 2);
	cli_has(out, "option '--junit'");
	if (strstr(out, "requests == 200") != NULL)
		fail_msg("check ran its scenarios before refusing the output:\n%s", out);
	/* check -o DIR: each scenario's DIR/NAME is checked before it runs */
	assert_int_equal(sh("mkdir '%s/reports' && echo precious > '%s/reports/pass'", tmp, tmp),
			 0);
	assert_int_equal(cs("check %s/tests/cli/fixtures/check/pass.yaml -o reports", src()), 2);
	cli_has(out, "option '-o'");
	cli_has(out, "reports/pass exists and is not a directory");
	if (strstr(out, "requests == 200") != NULL)
		fail_msg("check ran the scenario before refusing its report's place:\n%s", out);
	assert_int_equal(sh("cat '%s/file' '%s/reports/pass'", tmp, tmp), 0);
	cli_has(out, "precious\nprecious");
}

/* As root a permission is no obstacle: a read-only mount is. */
static void test_outdir_read_only(void **state)
{
	(void)state;
	NEED(sh("mkdir -p '%s/mro' && mount -t tmpfs -o ro,size=64k tmpfs '%s/mro'", tmp, tmp) ==
		     0,
	     "cannot mount a tmpfs here");
	assert_int_equal(cs("run %s/tests/cli/fixtures/ok.yaml -o mro/out", src()), 2);
	cli_has(out, "option '-o'");
	cli_has(out, "Read-only file system");
	assert_int_equal(cs("compare %s/tests/cli/fixtures/ok.yaml --variants rfc,none -o mro/a/b", src()), 2);
	cli_has(out, "Read-only file system");
	assert_int_equal(cs("check %s/tests/cli/fixtures/check/pass.yaml --tap mro/t.tap",
			    src()), 2);
	cli_has(out, "option '--tap'");
	cli_has(out, "Read-only file system");
	assert_int_equal(cs("convert %s/tests/traces/fixtures/small.cstrace -o mro/x", src()), 2);
	cli_has(out, "option '-o'");
}

/* ---- 2. single-file outputs: never a symlink, FIFO or device ---------- */

static void expect_refused(const char *opt_args, const char *opt, const char *name,
			   const char *kind)
{
	assert_int_equal(cs("%s", opt_args), 2);
	cli_has(out, opt);
	cli_has(out, name);
	cli_has(out, kind);
}

static void test_single_file_targets(void **state)
{
	/* command, its input (under the source tree), the option */
	const char *forms[][3] = {
		{ "convert", "tests/traces/fixtures/small.cstrace", "-o" },
		{ "check", "tests/cli/fixtures/check/pass.yaml", "--tap" },
		{ "check", "tests/cli/fixtures/check/pass.yaml", "--junit" },
	};
	const char *opts[] = { "option '-o'", "option '--tap'", "option '--junit'" };
	bool dev;
	struct stat st;

	(void)state;
	assert_int_equal(sh("cd '%s' && echo keep > target && ln -s target link && mkfifo fifo",
			    tmp), 0);
	/* a device node like /dev/full (root only) */
	dev = sh("mknod '%s/full' c 1 7", tmp) == 0;
	for (int f = 0; f < 3; f++) {
		char args[512];

		const char *targets[][2] = { { "link", "a symbolic link" },
					     { "fifo", "a FIFO" },
					     { "full", "a device node" } };

		for (int t = 0; t < (dev ? 3 : 2); t++) {
			char name[16];

			snprintf(args, sizeof(args), "%s %s/%s %s %s", forms[f][0], src(),
				 forms[f][1], forms[f][2], targets[t][0]);
			snprintf(name, sizeof(name), "'%s'", targets[t][0]);
			expect_refused(args, opts[f], name, targets[t][1]);
		}
	}
	assert_int_equal(lstat(strcat(strcpy(out, tmp), "/link"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(lstat(strcat(strcpy(out, tmp), "/fifo"), &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	if (dev) {
		assert_int_equal(lstat(strcat(strcpy(out, tmp), "/full"), &st), 0);
		assert_true(S_ISCHR(st.st_mode));
	}
	assert_int_equal(sh("cat '%s/target'", tmp), 0);
	cli_has(out, "keep");
	/* a regular file is still replaced, and nothing is left beside it */
	assert_int_equal(cs("convert %s/tests/traces/fixtures/small.cstrace -o target", src()), 0);
	assert_int_equal(count_prefix(".", "target.tmp"), 0);
}

/* ---- 3. a killed run's leftovers --------------------------------------- */

static void make_dir_with(const char *dir, const char *file, const char *text)
{
	assert_int_equal(sh("mkdir -p '%s/%s' && printf '%%s\\n' '%s' > '%s/%s/%s'", tmp, dir,
			    text, tmp, dir, file), 0);
}

/* The state a kill between the two renames of the old swap left: no out,
 * the previous output in out.old-*, the new one in out.tmp-*. */
static void strand(void)
{
	make_dir_with("out.old-AAAAAA", "report.json", "{}");
	make_dir_with("out.old-AAAAAA", "previous.txt", "the previous output");
	make_dir_with("out.tmp-BBBBBB", "report.json", "{}");
}

static void test_leftovers_recovered(void **state)
{
	(void)state;
	strand();
	/* The next run puts the previous output back before anything else, so
	 * even a run that then fails on its input leaves `out` in place. */
	assert_int_equal(cs("run %s/tests/cli/fixtures/missing-trace.yaml -o out", src()), 2);
	assert_true(exists("%s/out/previous.txt", tmp));
	assert_int_equal(count_prefix(".", "out.old-"), 0);
	assert_int_equal(count_prefix(".", "out.tmp-"), 0);
}

static void test_leftovers_cleaned(void **state)
{
	char host[256], note[320];

	(void)state;
	strand();
	/* a temp dir whose writer is gone (no such pid), one whose writer still
	 * runs (this test), and one that is not provably ours */
	gethostname(host, sizeof(host));
	host[sizeof(host) - 1] = '\0';
	snprintf(note, sizeof(note), "999999999 %s", host);
	make_dir_with("out.tmp-CCCCCC", ".csumsim-writer", note);
	make_dir_with("out.tmp-CCCCCC", "summary.md", "half");
	snprintf(note, sizeof(note), "%ld %s", (long)getpid(), host);
	make_dir_with("out.tmp-EEEEEE", ".csumsim-writer", note);
	make_dir_with("out.tmp-DDDDDD", "notes.txt", "not ours");
	make_dir_with("out.old-FFFFFF", "notes.txt", "not ours");
	assert_int_equal(cs("run %s/tests/cli/fixtures/ok.yaml -o out --quiet", src()), 0);
	assert_true(exists("%s/out/report.json", tmp));
	assert_false(exists("%s/out/.csumsim-writer", tmp));
	assert_false(exists("%s/out.old-AAAAAA", tmp));
	assert_false(exists("%s/out.tmp-BBBBBB", tmp));
	assert_false(exists("%s/out.tmp-CCCCCC", tmp));
	assert_true(exists("%s/out.tmp-EEEEEE", tmp));
	assert_true(exists("%s/out.tmp-DDDDDD/notes.txt", tmp));
	assert_true(exists("%s/out.old-FFFFFF/notes.txt", tmp));
	/* replacing an existing output leaves nothing beside it */
	assert_int_equal(cs("run %s/tests/cli/fixtures/ok.yaml -o out --quiet", src()), 0);
	assert_int_equal(count_prefix(".", "out."), 3); /* EEEEEE, DDDDDD, FFFFFF */
}

/* ---- 4. a full disk: ENOSPC named, exit 3, nothing half-written ------- */

static void assert_enospc(int rc)
{
	assert_int_equal(rc, 3);
	cli_has(out, "No space left on device");
}

static void test_enospc_tmpfs(void **state)
{
	(void)state;
	NEED(small_disk("mfull", "4k", true), "cannot mount a tmpfs here");
	assert_enospc(cs("run %s/tests/cli/fixtures/ok.yaml -o mfull/out --quiet", src()));
	assert_int_equal(count_prefix("mfull", "out"), 0);
	assert_enospc(cs("compare %s/tests/cli/fixtures/ok.yaml --variants rfc,none -o mfull/cmp --quiet", src()));
	assert_int_equal(count_prefix("mfull", "cmp"), 0);
	assert_enospc(cs("sweep %s/tests/cli/fixtures/sweep/sw.yaml -o mfull/sw --quiet", src()));
	assert_int_equal(count_prefix("mfull", "sw"), 0);
	assert_enospc(cs("convert %s/tests/traces/fixtures/small.cstrace -o mfull/x.trace",
			 src()));
	assert_int_equal(count_prefix("mfull", "x.trace"), 0);
	if (strstr(out, "record") != NULL)
		fail_msg("convert blamed the trace for a full disk:\n%s", out);
	/* check: the error on stderr (stdout holds the results), and no empty
	 * report folder left */
	{
		char cmd[2048];

		snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' check "
			 "%s/tests/cli/fixtures/check/pass.yaml -o mfull/reports 2>stderr.txt",
			 tmp, cli_bin(), src());
		assert_int_equal(cli_sh(cmd, false, out, sizeof(out)), 3);
		assert_null(strstr(out, "No space left on device"));
		assert_int_equal(sh("cat '%s/stderr.txt'", tmp), 0);
		cli_has(out, "No space left on device");
	}
	assert_int_equal(count_prefix("mfull", "reports"), 0);
}

/* gnuplot cannot say why it made no image: a full disk is named as such. */
static void test_enospc_gnuplot(void **state)
{
	char yaml[512];

	(void)state;
	NEED(sh("command -v gnuplot") == 0, "no gnuplot");
	NEED(small_disk("mplot", "64k", false), "cannot mount a tmpfs here");
	snprintf(yaml, sizeof(yaml),
		 "name: cmp\ndevice: {sectors: 8192}\n"
		 "trace: {generator: {requests: 200, sizes: [8], span: 2048}}\n"
		 "crash: none\noutput: {progress: false}\n");
	assert_int_equal(sh("printf '%%s' '%s' > '%s/cmp.yaml'", yaml, tmp), 0);
	assert_enospc(cs("compare cmp.yaml -o mplot/cmp --variants rfc,none --profiles ssd"));
	if (strstr(out, "gnuplot made no") != NULL)
		fail_msg("a full disk reported as gnuplot's failure:\n%s", out);
	assert_int_equal(count_prefix("mplot", "cmp"), 0);
}

/* TAP and JUnit: both or neither. JUnit goes to a full disk, TAP does not. */
static void test_tap_junit_pair(void **state)
{
	(void)state;
	NEED(small_disk("mpair", "4k", true), "cannot mount a tmpfs here");
	assert_enospc(cs("check %s/tests/cli/fixtures/check/pass.yaml --tap r.tap "
			 "--junit mpair/r.xml",
			 src()));
	assert_false(exists("%s/r.tap", tmp));
	assert_false(exists("%s/mpair/r.xml", tmp));
	assert_int_equal(count_prefix(".", "r.tap"), 0);
	assert_int_equal(count_prefix("mpair", "r.xml"), 0);
}

/* The same through libfiu points on the writers. */
static void test_enospc_fiu(void **state)
{
	(void)state;
	NEED(access(FIU_PRELOAD, R_OK) == 0, "libfiu's preload library is not installed");
	assert_enospc(cs_fiu("enable name=reports/write", "run %s/tests/cli/fixtures/ok.yaml "
			     "-o out --quiet", src()));
	assert_int_equal(count_prefix(".", "out"), 0);
	assert_enospc(cs_fiu("enable name=cli/write",
			     "check %s/tests/cli/fixtures/check/pass.yaml --tap r.tap "
			     "--junit r.xml",
			     src()));
	assert_int_equal(count_prefix(".", "r."), 0);
	assert_enospc(cs_fiu("enable name=cli/write",
			     "sweep %s/tests/cli/fixtures/sweep/sw.yaml -o sw --quiet", src()));
	assert_int_equal(count_prefix(".", "sw"), 0);
	assert_enospc(cs_fiu("enable name=cli/write",
			     "convert %s/tests/traces/fixtures/small.cstrace -o x.trace", src()));
	assert_int_equal(count_prefix(".", "x.trace"), 0);
}

/* Replacing an output on a file system without RENAME_EXCHANGE: the two
 * renames, and nothing left beside it. */
static void test_replace_without_exchange(void **state)
{
	(void)state;
	NEED(access(FIU_PRELOAD, R_OK) == 0, "libfiu's preload library is not installed");
	assert_int_equal(cs("run %s/tests/cli/fixtures/ok.yaml -o out --quiet", src()), 0);
	assert_int_equal(sh("echo mark > '%s/out/mark'", tmp), 0);
	assert_int_equal(cs_fiu("enable name=reports/no_exchange",
				"run %s/tests/cli/fixtures/ok.yaml -o out --quiet", src()), 0);
	assert_true(exists("%s/out/report.json", tmp));
	assert_false(exists("%s/out/mark", tmp));
	assert_int_equal(count_prefix(".", "out."), 0);
}

/* ---- 5. out of memory: exit 3 with the cause ---------------------------- */

static void test_oom(void **state)
{
	(void)state;
	/* The disk model's allocations (was: abort, exit 134). */
	if (access(FIU_PRELOAD, R_OK) == 0) {
		assert_int_equal(cs_fiu("enable name=sim/disk/oom",
					"run %s/tests/cli/fixtures/ok.yaml -o out --quiet", src()),
				 3);
		cli_has(out, "out of memory");
		assert_int_equal(count_prefix(".", "out"), 0);
	}
	/* Loading a trace too big for the memory allowed (was: exit 2, as if the
	 * trace were bad). ASan needs more address space than any such limit. */
	NEED(sh("ulimit -v 300000 && '%s' --version", cli_bin()) == 0,
	     "this build does not run under ulimit -v (ASan)");
	assert_int_equal(sh("printf 'name: big\\ntrace: {generator: {requests: 40000000}}\\n"
			    "crash: none\\n' > '%s/big.yaml'",
			    tmp), 0);
	assert_int_equal(sh("cd '%s' && ulimit -v 300000 && '%s' run big.yaml -o big --quiet",
			    tmp, cli_bin()), 3);
	cli_has(out, "out of memory");
	/* libyaml's memory error (was: "YAML syntax error: ?", exit 2) */
	assert_int_equal(sh("cd '%s' && { printf 'name: y\\ntrace: {generator: {requests: 10}}\\n"
			    "x: ['; yes 1, | head -n 8000000 | tr -d '\\n'; echo '1]'; } > "
			    "bigy.yaml", tmp), 0);
	assert_int_equal(sh("cd '%s' && ulimit -v 400000 && '%s' validate bigy.yaml", tmp,
			    cli_bin()), 3);
	cli_has(out, "bigy.yaml: out of memory");
	assert_int_equal(sh("cd '%s' && ulimit -v 400000 && '%s' run bigy.yaml -o y", tmp,
			    cli_bin()), 3);
	cli_has(out, "bigy.yaml: out of memory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dash_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outdir_is_a_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outdir_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_single_file_targets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leftovers_recovered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leftovers_cleaned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_without_exchange, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enospc_tmpfs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enospc_gnuplot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tap_junit_pair, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enospc_fiu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oom, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
