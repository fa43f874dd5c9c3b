/* Cross-field checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "scenarios/scenario.h"

static void base(struct scenario *s)
{
	struct cs_err err;

	scenario_defaults(s);
	strcpy(s->file, "x.yaml");
	assert_int_equal(scenario_set(s, "trace.file=t.txt", &err), 0);
	assert_int_equal(scenario_validate(s, &err), 0);
}

static void test_ok(void **state)
{
	struct scenario s;
	struct cs_err err;

	(void)state;
	base(&s);
	assert_int_equal(scenario_set(&s, "device.placement=separate", &err), 0);
	assert_int_equal(scenario_set(&s, "imd_disk.profile=hdd", &err), 0);
	assert_int_equal(scenario_validate(&s, &err), 0);
}

struct bad {
	const char *sets[3];
	const char *msg;
};

static const struct bad bad[] = {
	{{"device.sector_size=4096"},
	 "x.yaml: field 'device.sector_size': 4096: only 512 is supported (as in the RFC)"},
	{{"imd_disk.profile=hdd"},
	 "x.yaml: field 'imd_disk': only with device.placement: separate (with 'same' the imd "
	 "shares the data disk)"},
	{{"device.imd_offset=8"}, "x.yaml: field 'device.imd_offset': only with device.placement: separate"},
	{{"disk.hdd.seek_track_ms=20"},
	 "x.yaml: field 'disk.hdd.seek_full_ms': 16 is below seek_track_ms 20"},
	{{"device.placement=separate", "imd_disk.ssd.flush_us=1", "imd_disk.hdd.seek_full_ms=0.1"},
	 "x.yaml: field 'imd_disk.hdd.seek_full_ms': 0.1 is below seek_track_ms 0.8"},
	{{"disk.cache.sectors=0"},
	 "x.yaml: field 'disk.cache.sectors': an enabled cache needs at least 1 sector"},
	{{"trace.generator.span=100", "trace.generator.sizes=[64, 128]"},
	 "x.yaml: field 'trace.generator.sizes': size 128 does not fit in 100 sectors"},
	{{"trace.generator.span=2097153"},
	 "x.yaml: field 'trace.generator.span': 2097153 is beyond device.sectors 2097152"},
	{{"crash.mode=time"}, "x.yaml: field 'crash.at': this crash.mode needs at least one point"},
	{{"crash.mode=random"}, "x.yaml: field 'crash.count': mode random needs count >= 1"},
	{{"faults.fiu=[{point: a, nth: 1}, {point: a, probability: 0.5}]"},
	 "x.yaml: field 'faults.fiu[1].point': 'a' is listed twice"},
};

static void test_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct scenario s;
		struct cs_err err;

		base(&s);
		for (int j = 0; j < 3 && bad[i].sets[j]; j++)
			if (scenario_set(&s, bad[i].sets[j], &err) != 0)
				fail_msg("%s: %s", bad[i].sets[j], err.msg);
		assert_int_equal(scenario_validate(&s, &err), -1);
		if (strcmp(err.msg, bad[i].msg) != 0)
			fail_msg("case %zu:\n  want %s\n  got  %s", i, bad[i].msg, err.msg);
	}
}

/* Structs built by code, not by the loader, are checked as well. */
static void test_hand_built(void **state)
{
	struct scenario s;
	struct cs_err err;

	(void)state;
	base(&s);
	s.trace.kind = SC_TRACE_GENERATOR;
	s.trace.gen.sizes[0] = 0;
	assert_int_equal(scenario_validate(&s, &err), -1);
	assert_string_equal(err.msg, "x.yaml: field 'trace.generator.sizes': size 0 out of range "
				     "(must be between 1 and 8192 sectors)");
	base(&s);
	s.n_fiu = 1;
	assert_int_equal(scenario_validate(&s, &err), -1);
	assert_string_equal(err.msg, "x.yaml: field 'faults.fiu[0].point': must not be empty");
	base(&s);
	s.host.queue_depth = 0;
	assert_int_equal(scenario_validate(&s, &err), -1);
	assert_string_equal(err.msg, "x.yaml: field 'host.queue_depth': must be >= 1");
	scenario_defaults(&s);
	assert_int_equal(scenario_validate(&s, &err), -1);
	assert_string_equal(err.msg,
			    "scenario: field 'trace': missing: give trace.file or trace.generator");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_hand_built),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
