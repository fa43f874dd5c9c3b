/* Every numeric key is bounded to what the simulator can represent: values
 * that used to overflow a uint64 cast (or never finish) are refused at the
 * key, with file:line:col, the field and the allowed range. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sc_tmp.h"
#include "scenarios/sc_expect.h"
#include "scenarios/scenario.h"

struct bad {
	const char *yaml;
	const char *msg; /* after "FILE" */
};

#define GEN "trace: {generator: {requests: 1}}\n"

static const struct bad cases[] = {
	{GEN "disk: {ssd: {read_us: 1e19}}\n",
	 ":2:23: field 'disk.ssd.read_us': out of range: 1e19 (must be between 0 and 1000000)"},
	{GEN "imd_disk: {ram: {us_per_kib: 1e7}}\n",
	 ":2:30: field 'imd_disk.ram.us_per_kib': out of range: 1e7 (must be between 0 and "
	 "1000000)"},
	{GEN "disk: {hdd: {seek_full_ms: 2s}}\n",
	 ":2:28: field 'disk.hdd.seek_full_ms': out of range: 2s (must be between 0 and 1000)"},
	{"trace: {generator: {requests: 1, interarrival_us: 1e19}}\n",
	 ":1:51: field 'trace.generator.interarrival_us': out of range: 1e19 (must be between 0 "
	 "and 3600000000)"},
	{GEN "host: {time_scale: 1e19}\n",
	 ":2:20: field 'host.time_scale': out of range: 1e19 (must be > 0 and <= 1000000)"},
	{GEN "host: {stage_us: 1e19}\n",
	 ":2:18: field 'host.stage_us': out of range: 1e19 (must be between 0 and 1000000)"},
	{GEN "host: {crc_ns_per_byte: 1e19}\n",
	 ":2:25: field 'host.crc_ns_per_byte': out of range: 1e19 (must be between 0 and "
	 "1000000)"},
	{GEN "crash: {idle_hours: 1e19}\n",
	 ":2:21: field 'crash.idle_hours': out of range: 1e19 (must be between 0 and 100000)"},
	{GEN "disk: {cache: {destage_idle_ms: 2h}}\n",
	 ":2:33: field 'disk.cache.destage_idle_ms': out of range: 2h (must be between 0 and "
	 "3600000)"},
	{GEN "faults: {rot: {rate: 1e26}}\n",
	 ":2:22: field 'faults.rot.rate': out of range: 1e26 (must be between 0 and 1)"},
	{GEN "faults: {lse: {rate: 1e12}}\n",
	 ":2:22: field 'faults.lse.rate': out of range: 1e12 (must be between 0 and 1)"},
	{"trace: {file: x}\ndevice: {sectors: 18446744073709551615}\n",
	 ":2:19: field 'device.sectors': out of range: 18446744073709551615 (max "
	 "72057594037927935 sectors, 2^56 - 1)"},
	{"trace: {file: x}\ndevice: {sectors: 72057594037927936}\n",
	 ":2:19: field 'device.sectors': out of range: 72057594037927936 (max "
	 "72057594037927935 sectors, 2^56 - 1)"},
	{"trace: {file: x}\ndevice: {begin: 64PiB}\n",
	 ":2:17: field 'device.begin': not a size (sectors, or a byte size with B, KiB, MiB, "
	 "GiB, TiB): '64PiB'"},
	{"trace: {file: x}\ndevice: {imd_offset: 72057594037927936}\n",
	 ":2:22: field 'device.imd_offset': out of range: 72057594037927936 (max "
	 "72057594037927935 sectors, 2^56 - 1)"},
};

static void test_out_of_range(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct scenario s;
		struct cs_err err = { { 0 } };
		char path[128], want[512];

		assert_int_equal(sc_tmp_load(cases[i].yaml, &s, &err, path, sizeof(path)), -1);
		snprintf(want, sizeof(want), "%s%s", path, cases[i].msg);
		if (strcmp(err.msg, want) != 0)
			fail_msg("case %zu:\n got: %s\nwant: %s", i, err.msg, want);
	}
}

/* The largest accepted values still load (the bounds are inclusive). */
static void test_bounds_inclusive(void **state)
{
	struct scenario s;
	struct cs_err err = { { 0 } };

	(void)state;
	assert_int_equal(sc_tmp_load(GEN "disk: {ssd: {read_us: 1s}}\n"
				     "device: {sectors: 72057594037927935}\n"
				     "crash: {idle_hours: 100000}\nfaults: {rot: {rate: 1}}\n",
				     &s, &err, NULL, 0), 0);
	assert_true(s.disk.ssd.read_us == 1e6);
	assert_true(s.device.sectors == 72057594037927935ULL);
}

/* Rot over a power-off period is drawn event by event: an expected count
 * that cannot finish is refused before the run. */
static void test_idle_events_bounded(void **state)
{
	struct scenario s;
	struct cs_err err = { { 0 } };

	(void)state;
	assert_int_equal(sc_tmp_load(GEN "device: {sectors: 1000000}\ncrash: {idle_hours: 100}\n"
				     "faults: {rot: {rate: 1}}\n", &s, &err, NULL, 0), 0);
	assert_int_equal(scenario_validate(&s, &err), -1);
	assert_non_null(strstr(err.msg, "field 'faults.rot.rate': 1 per sector-hour x 1000000 "
				   "sectors x 100 idle hours is over 10000000 expected events"));
}

/* A second target starts on a group of 62 inside the device. */
static void test_second_target(void **state)
{
	static const char *const bad[] = { "100", "1240", "1302" };
	struct scenario s;
	struct cs_err err = { { 0 } };
	char y[160];

	(void)state;
	assert_int_equal(sc_tmp_load(GEN "device: {sectors: 1240, second_target: 620}\n", &s, &err,
				     NULL, 0), 0);
	assert_int_equal(scenario_validate(&s, &err), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(y, sizeof(y), GEN "device: {sectors: 1240, second_target: %s}\n", bad[i]);
		assert_int_equal(sc_tmp_load(y, &s, &err, NULL, 0), 0);
		assert_int_equal(scenario_validate(&s, &err), -1);
		assert_non_null(strstr(err.msg, "field 'device.second_target'"));
	}
}

/* The canonical number format was undefined behaviour for |v| >= 2^63
 * (a cast to int64 before the range test): caught by the Sanitize build. */
static void test_format_huge_doubles(void **state)
{
	char buf[40];

	(void)state;
	sc_format_double(1e19, buf, sizeof(buf));
	assert_string_equal(buf, "1e+19");
	sc_format_double(-1e300, buf, sizeof(buf));
	assert_string_equal(buf, "-1e+300");
	sc_format_double(12345, buf, sizeof(buf));
	assert_string_equal(buf, "12345");
}

/* expect: [hung >= 1e19] is a valid (if odd) threshold: printing it back
 * must not go through an int64 cast. */
static void test_expect_huge_threshold(void **state)
{
	struct scenario s;
	struct cs_err err = { { 0 } };
	char buf[80];

	(void)state;
	assert_int_equal(sc_tmp_load(GEN "expect: [hung >= 1e19]\n", &s, &err, NULL, 0), 0);
	sc_expect_format(&s.expect[0], buf, sizeof(buf));
	assert_string_equal(buf, "hung >= 1e+19");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_bounds_inclusive),
		cmocka_unit_test(test_idle_events_bounded),
		cmocka_unit_test(test_format_huge_doubles),
		cmocka_unit_test(test_second_target),
		cmocka_unit_test(test_expect_huge_threshold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
