/* --set KEY=VALUE: the same keys, types and checks as the file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "core/csum.h"
#include "scenarios/scenario.h"

static void set_ok(struct scenario *s, const char *a)
{
	struct cs_err err = {{0}};

	if (scenario_set(s, a, &err) != 0)
		fail_msg("%s: %s", a, err.msg);
}

static void test_overrides(void **state)
{
	struct scenario s;

	(void)state;
	scenario_defaults(&s);
	set_ok(&s, "disk.cache.enabled=false");
	assert_false(s.disk.cache.enabled);
	set_ok(&s, "seed=99");
	assert_int_equal(s.seed, 99);
	set_ok(&s, "device.sectors=2GiB");
	assert_int_equal(s.device.sectors, 4194304);
	set_ok(&s, "disk.hdd.seek_track_ms=500us");
	assert_true(s.disk.hdd.seek_track_ms == 0.5);
	set_ok(&s, "name=a=b");
	assert_string_equal(s.name, "a=b");
	set_ok(&s, "description=");
	assert_string_equal(s.description, "");
	set_ok(&s, "flush_policy=forward");
	assert_true(s.flush_policy_set);
	assert_int_equal(s.flush_policy, CSUM_FLUSH_FORWARD);
	set_ok(&s, "flush_policy=default");
	assert_false(s.flush_policy_set);
	set_ok(&s, "crash=every_flush");
	assert_int_equal(s.crash.kind, SC_CRASH_EVERY_FLUSH);
	set_ok(&s, "crash.mode=time");
	set_ok(&s, "crash.at=[1s, 2.5s]");
	assert_int_equal(s.crash.n_at, 2);
	assert_int_equal(s.crash.at[1], 2500000000ULL);
	set_ok(&s, "crash={mode: random, count: 4}");
	assert_int_equal(s.crash.kind, SC_CRASH_RANDOM);
	assert_int_equal(s.crash.random_count, 4);
	assert_int_equal(s.crash.n_at, 0); /* a new mode drops the old points */
	set_ok(&s, "faults.fiu=[{point: a/b, nth: 2}]");
	assert_int_equal(s.n_fiu, 1);
	assert_int_equal(s.fiu[0].nth, 2);
	set_ok(&s, "faults.fiu=[]");
	assert_int_equal(s.n_fiu, 0);
	set_ok(&s, "disk={profile: hdd, cache: {fua: false}}");
	assert_int_equal(s.disk.profile, SC_DISK_HDD);
	assert_false(s.disk.cache.fua);
	assert_false(s.disk.cache.enabled); /* untouched keys keep their value */
	assert_false(s.imd_disk_set);
	set_ok(&s, "imd_disk.profile=ram");
	assert_true(s.imd_disk_set);
	assert_int_equal(s.imd_disk.profile, SC_DISK_RAM);
}

/* trace.file and trace.generator.* pick the source; the other is reset. */
static void test_trace_switch(void **state)
{
	struct scenario s;

	(void)state;
	scenario_defaults(&s);
	set_ok(&s, "trace.file=a.txt");
	assert_int_equal(s.trace.kind, SC_TRACE_FILE);
	set_ok(&s, "trace.generator.sizes=[16, 32]");
	assert_int_equal(s.trace.kind, SC_TRACE_GENERATOR);
	assert_string_equal(s.trace.path, "");
	assert_int_equal(s.trace.gen.n_sizes, 2);
	set_ok(&s, "trace.file=b.txt");
	assert_int_equal(s.trace.kind, SC_TRACE_FILE);
	assert_int_equal(s.trace.gen.n_sizes, 1);
	assert_int_equal(s.trace.gen.sizes[0], 8);
}

struct bad {
	const char *set;
	const char *msg;
};

static const struct bad bad[] = {
	{"disk.cache.enabled=maybe",
	 "--set: field 'disk.cache.enabled': not a boolean: 'maybe' (accepted: true, false)"},
	{"disk.cache.enable=false",
	 "--set: field 'disk.cache.enable': unknown key (accepted: enabled, sectors, fua, "
	 "destage_idle_ms)"},
	{"nosuch=1",
	 "--set: field 'nosuch': unknown key (accepted: name, description, seed, variant, "
	 "flush_policy, device, disk, imd_disk, trace, host, crash, faults, output)"},
	{"a.b.c=1", "--set: field 'a.b.c': unknown key"},
	{"seed", "--set: 'seed': expected KEY=VALUE (e.g. disk.cache.enabled=false)"},
	{"=3", "--set: '=3': expected KEY=VALUE (e.g. disk.cache.enabled=false)"},
	{"seed=-4", "--set: field 'seed': negative value not allowed: '-4'"},
	{"seed=", "--set: field 'seed': not a non-negative integer: ''"},
	{"host.queue_depth=0",
	 "--set: field 'host.queue_depth': out of range: 0 (must be between 1 and 65536)"},
	{"device.placement=mirrored",
	 "--set: field 'device.placement': unknown value 'mirrored' (accepted: same, separate)"},
	{"device=3", "--set: field 'device': expected a mapping, got a scalar"},
	{"crash.at=[1s]",
	 "--set: field 'crash.at': only with crash.mode time or request (mode is none)"},
	{"crash=time", "--set: field 'crash.at': mode time needs at least one point"},
	{"name=[x", "--set: field 'name': bad YAML value: did not find expected ',' or ']'"},
	{"disk={profile: hdd, rpm: 1}",
	 "--set: field 'disk.rpm': unknown key (accepted: profile, hdd, ssd, ram, cache)"},
	{"trace.generator.sizes=[8, 9000]",
	 "--set: field 'trace.generator.sizes[1]': out of range: 9000 (must be between 1 and 8192 "
	 "sectors)"},
};

/* Each error is exact, and a failed --set changes nothing. */
static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct scenario s, before;
		struct cs_err err = {{0}};

		scenario_defaults(&s);
		before = s;
		assert_int_equal(scenario_set(&s, bad[i].set, &err), -1);
		if (strcmp(err.msg, bad[i].msg) != 0)
			fail_msg("%s:\n  want %s\n  got  %s", bad[i].set, bad[i].msg, err.msg);
		assert_memory_equal(&s, &before, sizeof(s));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_trace_switch),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
