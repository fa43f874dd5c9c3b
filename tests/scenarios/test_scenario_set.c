/* --set KEY=VALUE: the same keys, types and checks as the file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
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

/* The crash exploration, fault model and comparison keys. */
static void test_new_keys(void **state)
{
	struct scenario s;

	(void)state;
	scenario_defaults(&s);
	set_ok(&s, "crash=end");
	assert_int_equal(s.crash.kind, SC_CRASH_END);
	set_ok(&s, "crash.cache_loss=probability");
	assert_int_equal(s.crash.cache_loss, SC_LOSS_PROBABILITY);
	set_ok(&s, "crash.keep_probability=0.75");
	assert_true(s.crash.keep_probability == 0.75);
	set_ok(&s, "crash.samples=1000");
	assert_int_equal(s.crash.samples, 1000);
	set_ok(&s, "crash.exhaustive_max=0");
	assert_int_equal(s.crash.exhaustive_max, 0);
	set_ok(&s, "crash.tear=suffix");
	assert_int_equal(s.crash.tear, SC_TEAR_SUFFIX);
	set_ok(&s, "crash.shear_bytes=8");
	assert_int_equal(s.crash.shear_bytes, 8);
	set_ok(&s, "crash.idle_hours=3d");
	assert_true(s.crash.idle_hours == 72);
	set_ok(&s, "crash.idle_hours=0.25");
	assert_true(s.crash.idle_hours == 0.25);
	set_ok(&s, "crash.state=5");
	assert_int_equal(s.crash.only_state, 5);
	set_ok(&s, "crash.state=all");
	assert_int_equal(s.crash.only_state, UINT32_MAX);
	/* keep: a list only under cache_loss keep, dropped when the mode changes. */
	set_ok(&s, "crash={cache_loss: keep, keep: [9, 2]}");
	assert_int_equal(s.crash.cache_loss, SC_LOSS_KEEP);
	assert_int_equal(s.crash.n_keep, 2);
	assert_int_equal(s.crash.keep[0], 2);
	assert_int_equal(s.crash.keep[1], 9);
	set_ok(&s, "crash.keep=4");
	assert_int_equal(s.crash.n_keep, 1);
	assert_int_equal(s.crash.keep[0], 4);
	assert_int_equal(s.crash.keep[1], 0);
	set_ok(&s, "crash.cache_loss=keep"); /* unchanged: the list stays */
	assert_int_equal(s.crash.n_keep, 1);
	set_ok(&s, "crash.cache_loss=adversarial");
	assert_int_equal(s.crash.n_keep, 0);
	assert_int_equal(s.crash.keep[0], 0);
	assert_int_equal(s.crash.kind, SC_CRASH_END); /* the crash mode is not touched */

	set_ok(&s, "faults.rot.rate=2.5e-4");
	assert_true(s.faults.rot_rate == 2.5e-4);
	set_ok(&s, "faults.rot={burst: 8, bits: 2, target: both_copies}");
	assert_int_equal(s.faults.rot_burst, 8);
	assert_int_equal(s.faults.rot_bits, 2);
	assert_int_equal(s.faults.rot_target, SC_TARGET_BOTH_COPIES);
	assert_true(s.faults.rot_rate == 2.5e-4); /* untouched */
	set_ok(&s, "faults.rot.at=90min");
	assert_true(s.faults.rot_at_ns == 5400000000000ULL);
	assert_int_equal(s.faults.rot_at_count, 1);
	set_ok(&s, "faults.rot.count=7");
	assert_int_equal(s.faults.rot_at_count, 7);
	set_ok(&s, "faults.rot.at=2h"); /* a new time keeps the count */
	assert_int_equal(s.faults.rot_at_count, 7);
	set_ok(&s, "faults.rot.at=none");
	assert_true(s.faults.rot_at_ns == UINT64_MAX);
	assert_int_equal(s.faults.rot_at_count, 0);
	set_ok(&s, "faults.lse={rate: 0.5, target: headers, at: 1500, count: 3}");
	assert_true(s.faults.lse_rate == 0.5);
	assert_int_equal(s.faults.lse_target, SC_TARGET_HEADERS);
	assert_true(s.faults.lse_at_ns == 1500);
	assert_int_equal(s.faults.lse_at_count, 3);
	set_ok(&s, "faults.lost_write.probability=0.125");
	assert_true(s.faults.lost_write_p == 0.125);
	set_ok(&s, "faults.misdirect={probability: 1, distance: 4KiB}");
	assert_true(s.faults.misdirect_p == 1);
	assert_int_equal(s.faults.misdirect_distance, 8);

	set_ok(&s, "compare.variants=[rfc, none]");
	assert_int_equal(s.compare.n_variants, 2);
	assert_string_equal(s.compare.variants[1], "none");
	set_ok(&s, "compare.variants=[x]");
	assert_int_equal(s.compare.n_variants, 1);
	assert_string_equal(s.compare.variants[1], ""); /* the old tail is cleared */
	set_ok(&s, "compare={profiles: [ram, ssd, hdd]}");
	assert_int_equal(s.compare.n_profiles, 3);
	assert_int_equal(s.compare.profiles[0], SC_DISK_RAM);
	assert_int_equal(s.compare.profiles[2], SC_DISK_HDD);
	assert_int_equal(s.compare.n_variants, 1);
	set_ok(&s, "compare.variants=[]");
	set_ok(&s, "compare.profiles=[]");
	assert_int_equal(s.compare.n_variants, 0);
	assert_int_equal(s.compare.n_profiles, 0);
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
	 "flush_policy, variant_options, device, disk, imd_disk, trace, host, crash, faults, compare, output, "
	 "expect, quick, sweep)"},
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
	 "--set: field 'disk.rpm': unknown key (accepted: profile, hdd, ssd, ram, cache, contract)"},
	{"crash.keep=[1]",
	 "--set: field 'crash.keep': only with crash.cache_loss keep (cache_loss is all)"},
	{"crash.cache_loss=sometimes",
	 "--set: field 'crash.cache_loss': unknown value 'sometimes' (accepted: all, probability, "
	 "adversarial, exhaustive, keep)"},
	{"crash={cache_loss: keep}",
	 "--set: field 'crash.keep': cache_loss keep needs the list of writes to keep"},
	{"crash.shear_bytes=3",
	 "--set: field 'crash.shear_bytes': 3: must be 0 (off) or a divisor of 512 below 512 (1, "
	 "2, 4, ..., 256)"},
	{"disk.contract.fua=sometimes",
	 "--set: field 'disk.contract.fua': unknown value 'sometimes' (accepted: honoured, "
	 "ignored)"},
	{"crash.samples=0",
	 "--set: field 'crash.samples': out of range: 0 (must be between 1 and 100000)"},
	{"crash.idle_hours=forever",
	 "--set: field 'crash.idle_hours': not a duration (a number, or with ns, us, ms, s, min, "
	 "h, d): 'forever'"},
	{"crash.state=-1", "--set: field 'crash.state': expected all or a state number (0-based), "
			   "got '-1'"},
	{"faults.rot.count=2",
	 "--set: field 'faults.rot.count': only with a time in faults.rot.at (it is none)"},
	{"faults.lse.count=2",
	 "--set: field 'faults.lse.count': only with a time in faults.lse.at (it is none)"},
	{"faults.rot.target=sector",
	 "--set: field 'faults.rot.target': unknown value 'sector' (accepted: any, data, imd, "
	 "one_copy, both_copies, headers)"},
	{"faults.misdirect.probability=1.01",
	 "--set: field 'faults.misdirect.probability': out of range: 1.01 (must be between 0 and "
	 "1)"},
	{"faults.rot.at=",
	 "--set: field 'faults.rot.at': expected none or a time (ns, or a number with ns, us, ms, "
	 "s, min, h, d), got ''"},
	{"compare.variants=[a, b, a]", "--set: field 'compare.variants[2]': 'a' is listed twice"},
	{"compare.profiles=nvme",
	 "--set: field 'compare.profiles[0]': unknown value 'nvme' (accepted: hdd, ssd, ram)"},
	{"compare.nosuch=1",
	 "--set: field 'compare.nosuch': unknown key (accepted: variants, profiles)"},
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
		cmocka_unit_test(test_new_keys),
		cmocka_unit_test(test_trace_switch),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
