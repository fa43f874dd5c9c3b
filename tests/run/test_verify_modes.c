/* crash.verify: every bundled scenario (the demo, the findings, the CI set)
 * run with the incremental and with the full read-back gives the same
 * report.json, summary.md and crashes.csv. The one byte allowed to differ is
 * the key itself in the report's copy of the scenario. The Sanitize build
 * runs a subset (VERIFY_SUBSET). */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/cli_shell.h"

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0;

	*n = 0;
	if (f == NULL)
		return NULL;
	for (;;) {
		size_t got;

		if (*n + 65536 + 1 > cap) {
			char *nb = realloc(buf, cap = *n + 65536 + 1);

			if (nb == NULL)
				break;
			buf = nb;
		}
		got = fread(buf + *n, 1, 65536, f);
		*n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	if (buf != NULL)
		buf[*n] = '\0';
	return buf;
}

/* Every `from` in s (n bytes, room for growth) replaced by `to`. */
static void replace_all(char *s, size_t *n, const char *from, const char *to)
{
	size_t lf = strlen(from), lt = strlen(to);
	char *p = s;

	while ((p = strstr(p, from)) != NULL) {
		memmove(p + lt, p + lf, *n - (size_t)(p - s) - lf + 1);
		memcpy(p, to, lt);
		*n = *n + lt - lf;
		p += lt;
	}
}

/* The full run's text as the incremental run's would be: the key in the
 * scenario's canonical copy, and the --set in the reproduce line (slurp
 * leaves room for the longer word; there are a few of them). */
static void unkey(char *s, size_t *n)
{
	replace_all(s, n, " --set 'crash.verify=full'", "");
	replace_all(s, n, "verify: full", "verify: incremental");
}

static void same_file(const char *a_dir, const char *b_dir, const char *name, const char *yaml)
{
	char pa[1024], pb[1024];
	size_t na, nb;
	char *a, *b;

	snprintf(pa, sizeof(pa), "%s/%s", a_dir, name);
	snprintf(pb, sizeof(pb), "%s/%s", b_dir, name);
	a = slurp(pa, &na);
	b = slurp(pb, &nb);
	if ((a == NULL) != (b == NULL))
		fail_msg("%s: %s written in one mode only", yaml, name);
	if (a != NULL) {
		unkey(b, &nb);
		if (na != nb || memcmp(a, b, na) != 0)
			fail_msg("%s: %s differs between crash.verify incremental and full",
				 yaml, name);
	}
	free(a);
	free(b);
}

/* y run in both modes (with the --set options in sets, may be ""), its
 * report files compared. */
static void compare_modes(const char *tmp, const char *y, const char *sets)
{
	char cmd[4096], a[1100], b[1100];
	int rc_a, rc_b;

	snprintf(a, sizeof(a), "%s/inc", tmp);
	snprintf(b, sizeof(b), "%s/full", tmp);
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", a, b);
	assert_int_equal(cli_sh(cmd, true, NULL, 0), 0);
	snprintf(cmd, sizeof(cmd), "%s run %s -o %s --quiet --no-baseline "
		 "--set output.plots=false --set output.capacity=false%s", cli_bin(), y, a, sets);
	rc_a = cli_sh(cmd, true, NULL, 0);
	snprintf(cmd, sizeof(cmd), "%s run %s -o %s --quiet --no-baseline "
		 "--set output.plots=false --set output.capacity=false%s --set crash.verify=full",
		 cli_bin(), y, b, sets);
	rc_b = cli_sh(cmd, true, NULL, 0);
	if (rc_a != rc_b)
		fail_msg("%s%s: exit %d incremental, %d full", y, sets, rc_a, rc_b);
	same_file(a, b, "report.json", y);
	same_file(a, b, "summary.md", y);
	same_file(a, b, "crashes.csv", y);
}

static void test_every_bundled_scenario(void **state)
{
#ifndef VERIFY_SUBSET
	static const char *const globs[] = {
		"scenarios/demo.yaml", "scenarios/findings/*.yaml", "scenarios/ci/*.yaml",
	};
	const unsigned min_runs = 50;
#else
	/* the sanitizer build: the generated crash findings only (the whole set
	 * takes minutes of CPU even in Release) */
	static const char *const globs[] = { "scenarios/findings/crash-*-gen.yaml" };
	const unsigned min_runs = 3;
#endif
	char tmp[] = "/tmp/csumsim-verify-XXXXXX";
	unsigned runs = 0;

	(void)state;
	assert_non_null(mkdtemp(tmp));
	for (size_t g = 0; g < sizeof(globs) / sizeof(globs[0]); g++) {
		glob_t gl;

		assert_int_equal(glob(globs[g], 0, NULL, &gl), 0);
		for (size_t i = 0; i < gl.gl_pathc; i++) {
			compare_modes(tmp, gl.gl_pathv[i], "");
			runs++;
		}
		globfree(&gl);
	}
	assert_true(runs >= min_runs);
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
		(void)cli_sh(cmd, true, NULL, 0);
	}
}

/* crash-explore-gen's torn and shorn states (every subset of the cached
 * writes at 50 flushes) with a variant that refuses the torn sectors, and
 * with the faults the incremental judgement follows (lost and misdirected
 * writes, rot while the replay runs): its states are judged incrementally
 * (tests/run/test_crash_pass.c checks that they are), and the reports must
 * equal the full read-back's. */
static void test_torn_states_and_faults(void **state)
{
	static const char *const sets[] = {
		" --set variant=single",
		" --set faults.lost_write.probability=0.02",
		" --set faults.misdirect.probability=0.02",
		" --set faults.rot.at=100ms --set faults.rot.count=20",
		" --set variant=single --set faults.lost_write.probability=0.02",
		" --set variant=fixed --set faults.misdirect.probability=0.02",
	};
	char tmp[128];

	(void)state;
	assert_int_equal(cli_tmpdir(tmp, sizeof(tmp), "verify-torn"), 0);
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		compare_modes(tmp, "scenarios/findings/crash-explore-gen.yaml", sets[i]);
	assert_int_equal(cli_rmtree(tmp), 0);
}

/* Rot and latent sector errors while the power is off (crash.idle_hours),
 * each state's own, and latent errors made during the replay: the
 * fault x scheme matrices' scenarios with the variants of their matrices
 * that have no recovery step of their own, the rot sweep's points at the
 * highest rate, and crash-explore-gen's torn states with rot at rest on
 * the metadata or latent errors. Their states are judged incrementally
 * (tests/run/test_crash_pass.c's test_idle_rot_incremental and
 * test_lse_incremental check that they are, but where latent errors made
 * during the replay stand at the crash); the reports must equal the full
 * read-back's. */
static void test_idle_rot(void **state)
{
	static const struct {
		const char *y, *sets;
	} runs[] = {
		{ "scenarios/compare-ext4-sqlite.yaml", "" },
		{ "scenarios/compare-ext4-sqlite.yaml", " --set variant=single" },
		{ "scenarios/compare-ext4-sqlite.yaml", " --set variant=fixed-strong" },
		{ "scenarios/compare-ext4-sqlite.yaml", " --set variant=rfc-copy" },
		{ "scenarios/compare-xfs-copy.yaml", " --set variant=fixed" },
		{ "scenarios/compare-dmi-ext4-sqlite.yaml", " --set variant=dmi-direct" },
		{ "scenarios/sweep-rot-ext4-sqlite.yaml", " --point 45" },
		{ "scenarios/sweep-rot-ext4-sqlite.yaml", " --point 21" },
		{ "scenarios/findings/crash-explore-gen.yaml",
		  " --set crash.idle_hours=24h --set faults.rot.rate=3e-4 --set faults.rot.target=imd"
		  " --set faults.rot.burst=2" },
		/* latent sector errors: at rest, and made during the replay */
		{ "scenarios/findings/crash-explore-gen.yaml",
		  " --set crash.idle_hours=24h --set faults.lse.rate=3e-4" },
		{ "scenarios/findings/crash-explore-gen.yaml",
		  " --set variant=single --set crash.idle_hours=24h --set faults.lse.rate=1e-4"
		  " --set faults.rot.rate=1e-4" },
		{ "scenarios/findings/crash-explore-gen.yaml",
		  " --set faults.lse.at=100ms --set faults.lse.count=20" },
	};
	char tmp[128];

	(void)state;
	assert_int_equal(cli_tmpdir(tmp, sizeof(tmp), "verify-idle"), 0);
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++)
		compare_modes(tmp, runs[i].y, runs[i].sets);
	assert_int_equal(cli_rmtree(tmp), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_bundled_scenario),
		cmocka_unit_test(test_torn_states_and_faults),
		cmocka_unit_test(test_idle_rot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
