/* Cross-field checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
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
	{{"crash=end", "crash.cache_loss=keep"},
	 "x.yaml: field 'crash.keep': cache_loss keep needs the list of writes to keep"},
	{{"sweep.params={variant: [rfc, none]}", "sweep.knee_p99_ms=5"},
	 "x.yaml: field 'sweep.knee_p99_ms': the knee needs host.time_scale among sweep.params"},
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

/* The new keys' rules hold for structs built by code too. */
static void expect(const struct scenario *s, const char *msg)
{
	struct cs_err err;

	assert_int_equal(scenario_validate(s, &err), -1);
	if (strcmp(err.msg, msg) != 0)
		fail_msg("\n  want %s\n  got  %s", msg, err.msg);
}

static void test_new_keys(void **state)
{
	struct scenario s;
	struct cs_err err;

	(void)state;
	base(&s);
	s.crash.kind = SC_CRASH_END;
	s.crash.cache_loss = SC_LOSS_KEEP;
	s.crash.keep[0] = 5;
	s.crash.n_keep = 1;
	s.crash.shear_bytes = 256;
	s.crash.idle_hours = 1e6;
	s.crash.only_state = 0;
	s.faults.rot_at_ns = 0;
	s.faults.rot_at_count = 1;
	s.compare.n_variants = 2;
	strcpy(s.compare.variants[0], "rfc");
	strcpy(s.compare.variants[1], "none");
	s.compare.n_profiles = 3;
	s.compare.profiles[0] = SC_DISK_RAM;
	s.compare.profiles[1] = SC_DISK_SSD;
	s.compare.profiles[2] = SC_DISK_HDD;
	if (scenario_validate(&s, &err) != 0)
		fail_msg("%s", err.msg);

	base(&s);
	s.crash.kind = SC_CRASH_END;
	s.crash.n_at = 1;
	expect(&s, "x.yaml: field 'crash.at': only with crash.mode time or request");
	base(&s);
	s.crash.kind = SC_CRASH_END + 1;
	expect(&s, "x.yaml: field 'crash.mode': unknown mode 6");
	base(&s);
	s.crash.n_keep = 1;
	expect(&s, "x.yaml: field 'crash.keep': only with crash.cache_loss keep");
	base(&s);
	s.crash.cache_loss = SC_LOSS_KEEP;
	s.crash.n_keep = 3;
	s.crash.keep[0] = 4;
	s.crash.keep[1] = 2;
	s.crash.keep[2] = 4;
	expect(&s, "x.yaml: field 'crash.keep': write 4 is listed twice");
	base(&s);
	s.crash.cache_loss = SC_LOSS_KEEP + 1;
	expect(&s, "x.yaml: field 'crash.cache_loss': unknown cache loss 5");
	base(&s);
	s.crash.keep_probability = -0.5;
	expect(&s, "x.yaml: field 'crash.keep_probability': must be between 0 and 1");
	base(&s);
	s.crash.samples = 0;
	expect(&s, "x.yaml: field 'crash.samples': must be between 1 and 100000");
	base(&s);
	s.crash.exhaustive_max = 21;
	expect(&s, "x.yaml: field 'crash.exhaustive_max': must be at most 20 (2^20 states per crash)");
	base(&s);
	s.crash.tear = SC_TEAR_SUBSET + 1;
	expect(&s, "x.yaml: field 'crash.tear': unknown tear 4");
	base(&s);
	s.crash.shear_bytes = 96;
	expect(&s, "x.yaml: field 'crash.shear_bytes': 96: must be 0 (off) or a divisor of 512 "
		   "below 512 (1, 2, 4, ..., 256)");
	base(&s);
	s.crash.shear_bytes = 512;
	expect(&s, "x.yaml: field 'crash.shear_bytes': 512: must be 0 (off) or a divisor of 512 "
		   "below 512 (1, 2, 4, ..., 256)");
	base(&s);
	s.crash.shear_bytes = 1024;
	expect(&s, "x.yaml: field 'crash.shear_bytes': 1024: must be 0 (off) or a divisor of 512 "
		   "below 512 (1, 2, 4, ..., 256)");
	base(&s);
	s.crash.idle_hours = -1;
	expect(&s, "x.yaml: field 'crash.idle_hours': must be a finite number >= 0");
	base(&s);
	s.crash.idle_hours = HUGE_VAL;
	expect(&s, "x.yaml: field 'crash.idle_hours': must be a finite number >= 0");

	base(&s);
	s.faults.rot_rate = NAN;
	expect(&s, "x.yaml: field 'faults.rot.rate': must be a finite number >= 0");
	base(&s);
	s.faults.rot_burst = 0;
	expect(&s, "x.yaml: field 'faults.rot.burst': must be between 1 and 1024");
	base(&s);
	s.faults.rot_bits = 4097;
	expect(&s, "x.yaml: field 'faults.rot.bits': must be between 1 and 4096");
	base(&s);
	s.faults.rot_target = SC_TARGET_HEADERS + 1;
	expect(&s, "x.yaml: field 'faults.rot.target': unknown target 6");
	base(&s);
	s.faults.rot_at_count = 2;
	expect(&s, "x.yaml: field 'faults.rot.count': only with a time in the `at` beside it (it "
		   "is none)");
	base(&s);
	s.faults.lse_at_ns = 5;
	expect(&s, "x.yaml: field 'faults.lse.count': a one-shot event needs count >= 1");
	base(&s);
	s.faults.lse_rate = -1;
	expect(&s, "x.yaml: field 'faults.lse.rate': must be a finite number >= 0");
	base(&s);
	s.faults.lse_target = 9;
	expect(&s, "x.yaml: field 'faults.lse.target': unknown target 9");
	base(&s);
	s.faults.lost_write_p = 2;
	expect(&s, "x.yaml: field 'faults.lost_write.probability': must be between 0 and 1");
	base(&s);
	s.faults.misdirect_p = NAN;
	expect(&s, "x.yaml: field 'faults.misdirect.probability': must be between 0 and 1");

	base(&s);
	s.compare.n_variants = 2;
	strcpy(s.compare.variants[0], "rfc");
	expect(&s, "x.yaml: field 'compare.variants[1]': must not be empty");
	strcpy(s.compare.variants[1], "rfc");
	expect(&s, "x.yaml: field 'compare.variants[1]': 'rfc' is listed twice");
	strcpy(s.compare.variants[1], "a/b");
	expect(&s, "x.yaml: field 'compare.variants[1]': 'a/b': only letters, digits, '_', '-' and "
		   "'.' (it names files of the comparison)");
	memset(s.compare.variants[1], 'a', SC_NAME_MAX);
	expect(&s, "x.yaml: field 'compare.variants[1]': longer than 63 bytes");
	s.compare.n_variants = SC_MAX_COMPARE_VARIANTS + 1;
	expect(&s, "x.yaml: field 'compare.variants': at most 16 variants");
	base(&s);
	s.compare.n_profiles = 2;
	s.compare.profiles[0] = SC_DISK_HDD;
	s.compare.profiles[1] = SC_DISK_HDD;
	expect(&s, "x.yaml: field 'compare.profiles[1]': 'hdd' is listed twice");
	s.compare.profiles[1] = 3;
	expect(&s, "x.yaml: field 'compare.profiles[1]': unknown profile 3");
	s.compare.n_profiles = 4;
	expect(&s, "x.yaml: field 'compare.profiles': at most 3 profiles");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_hand_built),
		cmocka_unit_test(test_new_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
