/* `csumsim compare` as a user runs it: two variants on two disk profiles of a
 * tiny generated workload give every file of the comparison, the same bytes
 * twice; bad lists give one clear error, exit 2 and no output. */
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

static char tmpdir[64];

/* A tiny generated workload with flushes, crashes at a few of them. */
static const char scenario[] =
	"name: tiny\n"
	"seed: 3\n"
	"variant: rfc\n"
	"device: {sectors: 16384}\n"
	"disk: {profile: ssd, cache: {enabled: true, sectors: 512}}\n"
	"trace:\n"
	"  generator: {pattern: uniform, requests: 120, read_fraction: 0.5, sizes: [1, 8],"
	" align: 1, flush_every: 10, interarrival_us: 200}\n"
	"crash: {mode: every_flush, max_crashes: 3}\n"
	"output: {plots: true, progress: false}\n";

static int setup(void **state)
{
	char path[128];
	FILE *f;

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/csumsim-compare-cli-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/tiny.yaml", tmpdir);
	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fputs(scenario, f);
	return fclose(f) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	if (getenv("CSUMSIM_TEST_KEEP")) {
		fprintf(stderr, "kept %s\n", tmpdir);
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Runs a shell command; returns its exit code, its output in out. */
static int sh(const char *cmd, char *out, size_t n)
{
	FILE *p = popen(cmd, "r");
	size_t got;
	int st;

	assert_non_null(p);
	got = fread(out, 1, n - 1, p);
	out[got] = '\0';
	while (fgetc(p) != EOF)
		;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *bin(void)
{
	static char path[512];
	const char *b = getenv("CSUMSIM_BIN");

	snprintf(path, sizeof(path), "%s/cli/csumsim", b ? b : "build");
	return path;
}

static int present(const char *dir, const char *name)
{
	char p[512];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) == 0 && st.st_size > 0;
}

static void test_two_variants_two_profiles(void **state)
{
	char cmd[2048], out[8192], dir[256];
	static const char *const files[] = {
		"compare.json", "compare.md", "report.html", "matrix.csv", "overhead.csv",
		"crash.csv", "overhead_ssd.svg", "overhead_ram.png", "recovery_ssd.svg",
		"recovery_ram.svg",
	};

	(void)state;
	for (int i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd),
			 "%s compare %s/tiny.yaml -o %s/c%d --variants rfc,none --profiles ssd,ram "
			 "--quiet 2>&1",
			 bin(), tmpdir, tmpdir, i);
		if (sh(cmd, out, sizeof(out)) != 0)
			fail_msg("csumsim compare failed: %s", out);
	}
	snprintf(dir, sizeof(dir), "%s/c0", tmpdir);
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++)
		if (!present(dir, files[f]))
			fail_msg("no %s in the comparison", files[f]);
	/* one row per profile, fault type (9), variant */
	snprintf(cmd, sizeof(cmd), "wc -l < %s/matrix.csv", dir);
	assert_int_equal(sh(cmd, out, sizeof(out)), 0);
	assert_int_equal(atoi(out), 1 + 2 * 9 * 2);
	/* the runs happened: requests counted, crash points explored */
	snprintf(cmd, sizeof(cmd), "grep -c '^ssd,rfc,3,' %s/crash.csv", dir);
	assert_int_equal(sh(cmd, out, sizeof(out)), 0);
	snprintf(cmd, sizeof(cmd), "grep -q '\"user_requests\": 1[0-9][0-9],\\?$' %s/compare.json", dir);
	assert_int_equal(sh(cmd, out, sizeof(out)), 0);
	/* none against itself is 1 (sub-I/Os, after capacity); the reproducer names everything */
	snprintf(cmd, sizeof(cmd), "grep -q '^ram,none,[^,]*,[^,]*,[^,]*,1.000000,' %s/overhead.csv", dir);
	assert_int_equal(sh(cmd, out, sizeof(out)), 0);
	snprintf(cmd, sizeof(cmd),
		 "grep -q 'tiny.yaml --seed 3 --variants rfc,none --profiles ssd,ram' "
		 "%s/compare.md",
		 dir);
	assert_int_equal(sh(cmd, out, sizeof(out)), 0);
	/* same scenario and seed, same bytes */
	static const char *const same[] = { "compare.json", "compare.md", "report.html",
					    "matrix.csv", "overhead.csv", "crash.csv",
					    "outcomes_ssd.dat", "recovery_ram.svg" };
	for (size_t f = 0; f < sizeof(same) / sizeof(same[0]); f++) {
		if (!present(dir, same[f]) && strstr(same[f], "outcomes"))
			continue; /* drawn only when a fault reached a read */
		snprintf(cmd, sizeof(cmd), "cmp %s/c0/%s %s/c1/%s 2>&1", tmpdir, same[f], tmpdir,
			 same[f]);
		if (sh(cmd, out, sizeof(out)) != 0)
			fail_msg("%s differs between two runs: %s", same[f], out);
	}
}

/* Without options the lists come from the scenario's compare section. */
static void test_lists_from_scenario(void **state)
{
	char cmd[2048], out[4096];

	(void)state;
	snprintf(cmd, sizeof(cmd),
		 "(cat %s/tiny.yaml; echo 'compare: {variants: [none, rfc], profiles: [ram]}') "
		 "> %s/listed.yaml && %s compare %s/listed.yaml -o %s/l --no-crashes --quiet 2>&1",
		 tmpdir, tmpdir, bin(), tmpdir, tmpdir);
	if (sh(cmd, out, sizeof(out)) != 0)
		fail_msg("csumsim compare failed: %s", out);
	snprintf(cmd, sizeof(cmd),
		 "tr -d ' \\n' < %s/l/compare.json | grep -q '\"variants\":\\[\"none\",\"rfc\"\\],"
		 "\"profiles\":\\[\"ram\"\\]'",
		 tmpdir);
	assert_int_equal(sh(cmd, out, sizeof(out)), 0);
	/* --no-crashes: no crash points, and the reproducer says so */
	snprintf(cmd, sizeof(cmd), "grep -qx 'ram,rfc,0,0,0,0,0,0,0,0,0,0' %s/l/crash.csv && "
		 "grep -q -- '--variants none,rfc --profiles ram --no-crashes' %s/l/compare.md",
		 tmpdir, tmpdir);
	assert_int_equal(sh(cmd, out, sizeof(out)), 0);
}

static void test_bad_lists(void **state)
{
	char cmd[1024], out[4096];
	struct stat st;

	(void)state;
	snprintf(cmd, sizeof(cmd), "%s compare %s/tiny.yaml -o %s/bad --variants rfc,nosuch 2>&1",
		 bin(), tmpdir, tmpdir);
	assert_int_equal(sh(cmd, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "unknown variant 'nosuch' (known: "));
	assert_non_null(strstr(out, "rfc"));
	snprintf(cmd, sizeof(cmd), "%s compare %s/tiny.yaml -o %s/bad --variants rfc,none "
		 "--profiles ssd,tape 2>&1", bin(), tmpdir, tmpdir);
	assert_int_equal(sh(cmd, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "unknown disk profile 'tape'"));
	/* no list anywhere */
	snprintf(cmd, sizeof(cmd), "%s compare %s/tiny.yaml -o %s/bad 2>&1", bin(), tmpdir, tmpdir);
	assert_int_equal(sh(cmd, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "nothing to compare"));
	snprintf(cmd, sizeof(cmd), "%s compare %s/tiny.yaml --bogus 2>&1", bin(), tmpdir);
	assert_int_equal(sh(cmd, out, sizeof(out)), 2);
	snprintf(cmd, sizeof(cmd), "%s/bad", tmpdir);
	assert_int_not_equal(stat(cmd, &st), 0); /* nothing written */
	snprintf(cmd, sizeof(cmd), "%s help compare 2>&1", bin());
	assert_int_equal(sh(cmd, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "usage: csumsim compare FILE"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_variants_two_profiles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lists_from_scenario, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_lists, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
