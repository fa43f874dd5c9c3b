/* scenario_to_yaml: canonical, complete, and read back to the same struct. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sc_tmp.h"
#include "scenarios/scenario.h"

#define FIX "tests/scenarios/fixtures/"

/* to_yaml, then load that text: equal to s apart from where it was read. */
static void round_trip(const struct scenario *s)
{
	struct scenario back, want = *s;
	struct cs_err err = {{0}};
	char path[128];
	char *y = scenario_to_yaml(s), *y2;

	assert_non_null(y);
	if (sc_tmp_load(y, &back, &err, path, sizeof(path)) != 0)
		fail_msg("%s\n%s", err.msg, y);
	memset(want.file, 0, sizeof(want.file));
	strcpy(want.file, path);
	assert_memory_equal(&back, &want, sizeof(back));
	/* And the text is a fixed point. */
	y2 = scenario_to_yaml(&back);
	assert_string_equal(y, y2);
	free(y);
	free(y2);
}

static void load_ok(const char *path, struct scenario *s)
{
	struct cs_err err = {{0}};

	if (scenario_load(s, path, &err) != 0)
		fail_msg("%s", err.msg);
}

static void test_fixtures(void **state)
{
	static const char *const files[] = {FIX "full.yaml", FIX "generator.yaml",
					     FIX "minimal.yaml", FIX "demo.yaml"};
	struct scenario s;

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		load_ok(files[i], &s);
		round_trip(&s);
	}
}

/* Values that are hard to print exactly, and every crash shape. */
static void test_awkward_values(void **state)
{
	static const char *const sets[] = {
		"description=tab\there \"quote\" back\\slash \xc3\xa9",
		"disk.hdd.rpm=7200.000000000001",
		"host.time_scale=0.1",
		"host.crc_ns_per_byte=1e-300",
		"disk.ssd.read_us=123456789.123",
		"seed=18446744073709551615",
		"crash={mode: random, count: 64}",
		"faults.fiu=[{point: \"p q\", probability: 0.3333333333333333}, {point: r, nth: 18446744073709551615}]",
		"device.placement=separate",
		"imd_disk.cache.sectors=1",
		"trace.generator.sizes=[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 8192]",
	};
	struct scenario s;
	struct cs_err err;

	(void)state;
	load_ok(FIX "minimal.yaml", &s);
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		if (scenario_set(&s, sets[i], &err) != 0)
			fail_msg("%s: %s", sets[i], err.msg);
		round_trip(&s);
	}
	assert_int_equal(scenario_set(&s, "crash={mode: request, at: [0, 18446744073709551615]}",
				      &err),
			 0);
	round_trip(&s);
	assert_int_equal(scenario_set(&s, "crash=none", &err), 0);
	round_trip(&s);
}

/* Every key of the schema appears, in a fixed order. */
static void test_canonical_text(void **state)
{
	static const char *const keys[] = {
		"\nname: ", "\ndescription: ", "\nseed: ", "\nvariant: ", "\nflush_policy: ",
		"\ndevice:\n  sectors: ", "\ndisk:\n  profile: ", "\n  hdd:\n    rpm: ",
		"\n    flush_overhead_us: ", "\n  ssd:\n", "\n  ram:\n", "\n  cache:\n    enabled: ",
		"\nimd_disk:\n", "\ntrace:\n  file: ", "\n  limit: ", "\nhost:\n  mode: ",
		"\ncrash:\n  mode: time\n  at: [1500, 200000000, 1500000000]\n",
		"\nfaults:\n  fiu:\n    - {point: ", "\noutput:\n  per_request_csv: ",
		"\n  progress: false\n",
	};
	struct scenario s;
	char *y, *at;

	(void)state;
	load_ok(FIX "full.yaml", &s);
	y = scenario_to_yaml(&s);
	at = y;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char *p = strstr(at, keys[i]);

		if (p == NULL)
			fail_msg("missing or out of order: %s\n%s", keys[i], y);
		at = p + 1;
	}
	assert_null(strstr(y, "generator"));
	assert_null(strstr(y, "count:"));
	free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_awkward_values),
		cmocka_unit_test(test_canonical_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
