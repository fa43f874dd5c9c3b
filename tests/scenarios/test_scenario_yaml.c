/* scenario_to_yaml: canonical, complete, and read back to the same struct. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
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
	static const char *const files[] = {FIX "full.yaml",    FIX "generator.yaml",
					     FIX "minimal.yaml", FIX "demo.yaml",
					     FIX "crash-explore.yaml", FIX "bitrot.yaml"};
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
		"disk.ssd.read_us=123456.789123",
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

/* The crash exploration, fault and comparison keys in each of their shapes. */
static void test_new_keys(void **state)
{
	static const char *const sets[] = {
		"crash=end",
		"crash={cache_loss: keep, keep: [4294967295, 0, 17]}",
		"crash.state=4294967294",
		"crash.state=0",
		"crash={keep_probability: 0.1, samples: 100000, exhaustive_max: 0, tear: subset}",
		"crash={shear_bytes: 1, idle_hours: 0.1}",
		"crash.idle_hours=1e-9",
		"crash.idle_hours=4166d",
		"crash={cache_loss: exhaustive, tear: prefix, shear_bytes: 256}",
		"faults.rot={rate: 1e-12, burst: 1024, bits: 4096, target: headers}",
		"faults.rot.at=0",
		"faults.rot.at=18446744073709551614",
		"faults.rot.count=4294967295",
		"faults.lse={rate: 0.33, target: imd, at: 1ms}",
		"faults.lse.at=none",
		"faults.lost_write.probability=0.999",
		"faults.misdirect={probability: 0.2, distance: 72057594037927935}",
		"compare.variants=[\"none\", \"123\", \"true\", \"1e3\", -x, .hidden, a.b_c-D, \"null\"]",
		"compare.profiles=[ram, hdd, ssd]",
		"compare.variants=[]",
		"device.format=none",
		"device.format=rfc",
		"device.size=exact",
		"device.size=grow",
		"host.barrier=drain",
		"host.barrier=pass",
		"host.barrier=default",
	};
	struct scenario s;
	struct cs_err err;

	(void)state;
	load_ok(FIX "minimal.yaml", &s);
	round_trip(&s);
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		if (scenario_set(&s, sets[i], &err) != 0)
			fail_msg("%s: %s", sets[i], err.msg);
		round_trip(&s);
	}
	/* device.format is written only when not the default (rfc), so the
	 * scenario.yaml of reports made before the key keeps its bytes */
	{
		char *y = scenario_to_yaml(&s);

		assert_null(strstr(y, "imd_offset: 0\n  format:"));
		free(y);
		if (scenario_set(&s, "device.format=none", &err) != 0)
			fail_msg("%s", err.msg);
		y = scenario_to_yaml(&s);
		assert_non_null(strstr(y, "\n  imd_offset: 0\n  format: none\n"));
		/* device.size likewise: exact (the default) is not written */
		if (scenario_set(&s, "device.size=exact", &err) != 0)
			fail_msg("%s", err.msg);
		free(y);
		y = scenario_to_yaml(&s);
		assert_null(strstr(y, "format: none\n  size:"));
		free(y);
		if (scenario_set(&s, "device.format=zeroes", &err) == 0)
			fail_msg("device.format=zeroes accepted");
		if (scenario_set(&s, "device.size=grow", &err) != 0)
			fail_msg("%s", err.msg);
		y = scenario_to_yaml(&s);
		assert_non_null(strstr(y, "\n  format: none\n  size: grow\n"));
		free(y);
	}
	/* host.barrier likewise: default (the variant's own) is not written */
	{
		char *y;

		if (scenario_set(&s, "host.barrier=default", &err) != 0)
			fail_msg("%s", err.msg);
		y = scenario_to_yaml(&s);
		assert_null(strstr(y, "barrier:"));
		free(y);
		if (scenario_set(&s, "host.barrier=pass", &err) != 0)
			fail_msg("%s", err.msg);
		y = scenario_to_yaml(&s);
		assert_non_null(strstr(y, "\n  barrier: pass\n"));
		free(y);
		if (scenario_set(&s, "host.barrier=flush", &err) == 0)
			fail_msg("host.barrier=flush accepted");
	}
	/* A full house of variants. */
	{
		char set[1200];
		size_t len = (size_t)snprintf(set, sizeof(set), "compare.variants=[");

		for (int i = 0; i < SC_MAX_COMPARE_VARIANTS; i++)
			len += (size_t)snprintf(set + len, sizeof(set) - len, "%s%063d", i ? ", " : "",
						i);
		snprintf(set + len, sizeof(set) - len, "]");
		if (scenario_set(&s, set, &err) != 0)
			fail_msg("%s", err.msg);
		assert_int_equal(s.compare.n_variants, SC_MAX_COMPARE_VARIANTS);
		round_trip(&s);
	}
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
		("\n  cache_loss: keep\n  keep: [0, 3, 7]\n  keep_probability: 0.25\n"
		 "  samples: 40\n  exhaustive_max: 12\n  tear: subset\n  shear_bytes: 64\n"
		 "  idle_hours: 1.5\n  state: 17\n"),
		"\nfaults:\n  fiu:\n    - {point: ",
		("\n  rot:\n    rate: 0.001\n    burst: 4\n    bits: 3\n    target: one_copy\n"
		 "    at: 7200000000000\n    count: 5\n"),
		"\n  lse:\n    rate: 1e-06\n    target: data\n    at: 1500000000\n    count: 2\n",
		"\n  lost_write:\n    probability: 0.01\n",
		"\n  misdirect:\n    probability: 0.002\n    distance: 2048\n",
		"\ncompare:\n  variants: [\"rfc\", \"rfc-fixed\", \"none\"]\n  profiles: [hdd, ram]\n",
		"\noutput:\n  per_request_csv: ",
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
	assert_null(strstr(y, "\n  count:"));
	free(y);
}

/* The defaults spell out what is off: no keep list, no one-shot counts. */
static void test_canonical_defaults(void **state)
{
	static const char *const want =
		"\ncrash:\n  mode: none\n  max_crashes: 0\n  cache_loss: all\n"
		"  keep_probability: 0.5\n  samples: 1\n  exhaustive_max: 10\n  tear: none\n"
		"  shear_bytes: 0\n  idle_hours: 0\n  state: all\n  verify: incremental\n"
		"faults:\n  fiu: []\n"
		"  rot:\n    rate: 0\n    burst: 1\n    bits: 1\n    target: any\n    at: none\n"
		"  lse:\n    rate: 0\n    target: any\n    at: none\n"
		"  lost_write:\n    probability: 0\n"
		"  misdirect:\n    probability: 0\n    distance: 0\n"
		"compare:\n  variants: []\n  profiles: []\n"
		"output:\n";
	struct scenario s;
	char *y;

	(void)state;
	load_ok(FIX "minimal.yaml", &s);
	y = scenario_to_yaml(&s);
	if (strstr(y, want) == NULL)
		fail_msg("want\n%s\nin\n%s", want, y);
	free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_awkward_values),
		cmocka_unit_test(test_new_keys),
		cmocka_unit_test(test_canonical_text),
		cmocka_unit_test(test_canonical_defaults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
