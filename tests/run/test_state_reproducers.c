/* Every crash state is judged on its own: a violating state's reproducer,
 * which explores that state alone, finds exactly the counts the full
 * exploration reported for it. A state's recovery once read what an earlier
 * state's recovery had left in the simulated disk's write cache (its probe
 * writes), so 30 of the 32 reproducers of scenarios/ci/dmi-direct-crash.yaml
 * did not reproduce. Both crash.verify modes (the Sanitize build: the full
 * one, 8 reproducers). */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/cli_shell.h"

/* The counts a reproducer's description names: stale, silent, false
 * positive, hung. */
static bool wanted(const char *yaml, unsigned long want[4])
{
	FILE *f = fopen(yaml, "r");
	char line[1024];
	bool ok = false;

	if (f == NULL)
		return false;
	while (!ok && fgets(line, sizeof(line), f) != NULL) {
		const char *p;

		if (strncmp(line, "description:", 12) != 0)
			continue;
		p = strrchr(line, ':');
		ok = p != NULL &&
		     sscanf(p, ": %lu stale, %lu silent, %lu false-positive sectors, %lu hung",
			    &want[0], &want[1], &want[2], &want[3]) == 4;
	}
	fclose(f);
	return ok;
}

/* The same counts from the one crash point of a reproducer's crashes.csv. */
static bool got_counts(const char *dir, unsigned long got[4])
{
	char path[1400], line[2048];
	unsigned long v[19];
	FILE *f;
	bool ok = false;

	snprintf(path, sizeof(path), "%s/crashes.csv", dir);
	f = fopen(path, "r");
	if (f == NULL)
		return false;
	if (fgets(line, sizeof(line), f) != NULL && fgets(line, sizeof(line), f) != NULL) {
		/* index,"trigger",time,... : the trigger holds no comma */
		char *q = strchr(line, '"');
		char *e = q != NULL ? strchr(q + 1, '"') : NULL;

		ok = e != NULL &&
		     sscanf(e + 1, ",%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu",
			    &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10], &v[11],
			    &v[12], &v[13], &v[14], &v[15], &v[16], &v[17], &v[18]) == 17;
		if (ok) {
			got[0] = v[9];  /* stale_sectors */
			got[1] = v[12]; /* silent_sectors */
			got[2] = v[10]; /* false_positive_sectors */
			got[3] = v[18]; /* not_completed */
		}
	}
	fclose(f);
	return ok;
}

static void reproduce_all(const char *scenario, const char *verify)
{
	char tmp[128], cmd[4096], pat[1200];
	glob_t gl;
	unsigned n = 0;

	assert_int_equal(cli_tmpdir(tmp, sizeof(tmp), "repro"), 0);
	snprintf(cmd, sizeof(cmd), "%s run %s -o %s/run --quiet --set crash.verify=%s", cli_bin(),
		 scenario, tmp, verify);
	/* exit 1: the scenario's expectations are checked elsewhere */
	(void)cli_sh(cmd, true, NULL, 0);
	snprintf(pat, sizeof(pat), "%s/run/reproducers/violation-*.yaml", tmp);
	assert_int_equal(glob(pat, 0, NULL, &gl), 0);
#ifndef REPRO_SUBSET
	const size_t max_runs = gl.gl_pathc;
#else
	const size_t max_runs = 8; /* the sanitizer build: a minute for all 32 */
#endif
	for (size_t i = 0; i < gl.gl_pathc && i < max_runs; i++) {
		unsigned long want[4], got[4];
		char out[1200];

		assert_true(wanted(gl.gl_pathv[i], want));
		snprintf(out, sizeof(out), "%s/one", tmp);
		(void)cli_rmtree(out);
		snprintf(cmd, sizeof(cmd), "%s run %s -o %s --quiet", cli_bin(), gl.gl_pathv[i], out);
		(void)cli_sh(cmd, true, NULL, 0);
		assert_true(got_counts(out, got));
		if (memcmp(want, got, sizeof(want)) != 0)
			fail_msg("%s (%s): reported %lu stale, %lu silent, %lu false positive, "
				 "%lu hung; alone %lu, %lu, %lu, %lu", gl.gl_pathv[i], verify,
				 want[0], want[1], want[2], want[3], got[0], got[1], got[2], got[3]);
		n++;
	}
	globfree(&gl);
	assert_true(n >= 8); /* the scenario has 197 violating states, 32 kept */
	(void)cli_rmtree(tmp);
}

static void test_dmi_direct_full(void **state)
{
	(void)state;
	reproduce_all("scenarios/ci/dmi-direct-crash.yaml", "full");
}

#ifndef REPRO_SUBSET
static void test_dmi_direct_incremental(void **state)
{
	(void)state;
	reproduce_all("scenarios/ci/dmi-direct-crash.yaml", "incremental");
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dmi_direct_full),
#ifndef REPRO_SUBSET
		cmocka_unit_test(test_dmi_direct_incremental),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
