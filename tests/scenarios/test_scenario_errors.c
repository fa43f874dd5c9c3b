/* Each kind of bad input: the exact message, with file:line:col and field. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sc_tmp.h"
#include "scenarios/scenario.h"

struct bad {
	const char *yaml;
	const char *msg; /* after "FILE" */
};

static const struct bad cases[] = {
	/* unknown key, at the top and nested */
	{"trace: {file: x}\nnmae: a\n",
	 ":2:1: field 'nmae': unknown key (accepted: name, description, seed, variant, "
	 "flush_policy, variant_options, device, disk, imd_disk, trace, host, crash, faults, compare, output, "
	 "expect, quick, sweep)"},
	{"trace: {file: x}\ndisk:\n  hdd:\n    rmp: 5400\n",
	 ":4:5: field 'disk.hdd.rmp': unknown key (accepted: rpm, sectors_per_track, "
	 "seek_track_ms, seek_full_ms, transfer_mib_s, overhead_us, sched, queue_depth, "
	 "flush_overhead_us)"},
	{"trace: {generator: {pattern: zipf, skew: 1}}\n",
	 ":1:36: field 'trace.generator.skew': unknown key (accepted: pattern, requests, "
	 "read_fraction, sizes, align, span, zipf_theta, zipf_regions, flush_every, fua_every, "
	 "interarrival_us)"},
	/* wrong type: scalar vs mapping vs sequence */
	{"trace: {file: x}\ndevice: 5\n", ":2:9: field 'device': expected a mapping, got a scalar"},
	{"trace: {file: x}\nname: [a, b]\n",
	 ":2:7: field 'name': expected a scalar, got a sequence"},
	{"trace: {file: x}\nseed: {a: 1}\n",
	 ":2:7: field 'seed': expected a scalar, got a mapping"},
	{"trace: {generator: {sizes: {a: 1}}}\n",
	 ":1:28: field 'trace.generator.sizes': expected a sequence, got a mapping"},
	{"trace: {file: x}\nfaults: {fiu: rfc/x}\n",
	 ":2:15: field 'faults.fiu': expected a sequence of {point, probability | nth}, got a scalar"},
	{"trace: {file: x}\noutput:\n",
	 ":2:8: field 'output': expected a mapping, got an empty value"},
	{"trace: {file: x}\nseed:\n", ":2:6: field 'seed': needs a value"},
	{"- a\n- b\n", ":1:1: field '(top)': expected a mapping of keys, got a sequence"},
	/* bad numbers */
	{"trace: {file: x}\nseed: 12abc\n",
	 ":2:7: field 'seed': not a non-negative integer: '12abc'"},
	{"trace: {file: x}\nseed: -1\n", ":2:7: field 'seed': negative value not allowed: '-1'"},
	{"trace: {file: x}\nhost: {time_scale: fast}\n",
	 ":2:20: field 'host.time_scale': not a number: 'fast'"},
	{"trace: {file: x}\ndevice: {sectors: 1000B}\n",
	 ":2:19: field 'device.sectors': not a whole number of 512-byte sectors: '1000B'"},
	{"trace: {file: x}\ncrash: {mode: time, at: [1s, 1.5w]}\n",
	 ":2:30: field 'crash.at[1]': not a time (ns, or a number with ns, us, ms, s, min, h, d): "
	 "'1.5w'"},
	{"trace: {file: x}\ndisk: {hdd: {queue_depth: 4294967296}}\n",
	 ":2:27: field 'disk.hdd.queue_depth': out of range: 4294967296 (max 4294967295)"},
	/* out of range */
	{"trace: {file: x}\ndisk: {hdd: {rpm: 0}}\n",
	 ":2:19: field 'disk.hdd.rpm': out of range: 0 (must be between 1 and 1000000)"},
	{"trace: {file: x}\nhost: {time_scale: 0}\n",
	 ":2:20: field 'host.time_scale': out of range: 0 (must be > 0 and <= 1000000)"},
	{"trace: {file: x}\nhost: {queue_depth: 0}\n",
	 ":2:21: field 'host.queue_depth': out of range: 0 (must be between 1 and 65536)"},
	{"trace:\n  generator:\n    read_fraction: 1.5\n",
	 ":3:20: field 'trace.generator.read_fraction': out of range: 1.5 (must be between 0 and 1)"},
	{"trace:\n  generator:\n    sizes: [8, 0]\n",
	 ":3:16: field 'trace.generator.sizes[1]': out of range: 0 (must be between 1 and 8192 sectors)"},
	{"trace:\n  generator:\n    sizes: [8192, 8193]\n",
	 ":3:19: field 'trace.generator.sizes[1]': out of range: 8193 (must be between 1 and 8192 sectors)"},
	{"trace: {file: x}\nfaults: {fiu: [{point: a, probability: 2}]}\n",
	 ":2:40: field 'faults.fiu[0].probability': out of range: 2 (must be between 0 and 1)"},
	{"trace: {file: x}\nname: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	 ":2:7: field 'name': too long: 64 bytes (max 63)"},
	/* unknown enum value */
	{"trace: {file: x}\ndisk: {profile: nvme}\n",
	 ":2:17: field 'disk.profile': unknown value 'nvme' (accepted: hdd, ssd, ram)"},
	{"trace: {file: x, format: csv}\n",
	 ":1:26: field 'trace.format': unknown value 'csv' (accepted: blkparse, fio, msr, native, alibaba, tencent, spc, blktrace, auto)"},
	{"trace: {file: x}\nflush_policy: sometimes\n",
	 ":2:15: field 'flush_policy': unknown value 'sometimes' (accepted: drop, forward, default)"},
	{"trace: {file: x}\ncrash: {mode: often}\n",
	 ":2:15: field 'crash.mode': unknown value 'often' (accepted: none, time, request, "
	 "every_flush, random, end)"},
	{"trace: {file: x}\noutput: {plots: yes}\n",
	 ":2:17: field 'output.plots': not a boolean: 'yes' (accepted: true, false)"},
	/* duplicate keys */
	{"seed: 1\ntrace: {file: x}\nseed: 2\n",
	 ":3:1: field 'seed': duplicate key (first at line 1)"},
	{"trace: {file: x}\ndisk:\n  cache: {fua: true,\n          fua: false}\n",
	 ":4:11: field 'disk.cache.fua': duplicate key (first at line 3)"},
	/* trace: both, missing */
	{"trace:\n  generator: {pattern: zipf}\n  file: x\n",
	 ":3:3: field 'trace.file': give trace.file or trace.generator, not both"},
	{"name: n\nseed: 3\n", ":1:1: field 'trace': missing: give trace.file or trace.generator"},
	{"trace: {format: fio}\n", ":1:8: field 'trace': give trace.file or trace.generator"},
	{"trace: {file: \"\"}\n", ":1:15: field 'trace.file': must not be empty"},
	/* crash rules */
	{"trace: {file: x}\ncrash: {at: [1s]}\n",
	 ":2:13: field 'crash.at': only with crash.mode time or request (mode is none)"},
	{"trace: {file: x}\ncrash: {mode: time}\n",
	 ":2:8: field 'crash.at': mode time needs at least one point"},
	{"trace: {file: x}\ncrash: {mode: request, at: [5, 5]}\n",
	 ":2:32: field 'crash.at[1]': 5 is not after the previous point"},
	{"trace: {file: x}\ncrash: {mode: request, at: [1ms]}\n",
	 ":2:29: field 'crash.at[0]': not a non-negative integer: '1ms'"},
	{"trace: {file: x}\ncrash: {mode: every_flush, count: 3}\n",
	 ":2:35: field 'crash.count': only with crash.mode random (mode is every_flush)"},
	{"trace: {file: x}\ncrash: {mode: random}\n",
	 ":2:8: field 'crash.count': mode random needs count >= 1"},
	{"trace: {file: x}\ncrash: {mode: none, cache_loss: some}\n",
	 ":2:33: field 'crash.cache_loss': unknown value 'some' (accepted: all, probability, "
	 "adversarial, exhaustive, keep)"},
	/* crash exploration keys */
	{"trace: {file: x}\ncrash: {mode: end, at: [1s]}\n",
	 ":2:24: field 'crash.at': only with crash.mode time or request (mode is end)"},
	{"trace: {file: x}\ncrash: {mode: end, count: 3}\n",
	 ":2:27: field 'crash.count': only with crash.mode random (mode is end)"},
	{"trace: {file: x}\ncrash: {mode: end, cache_loss: keep}\n",
	 ":2:8: field 'crash.keep': cache_loss keep needs the list of writes to keep"},
	{"trace: {file: x}\ncrash: keep\n",
	 ":2:8: field 'crash.mode': unknown value 'keep' (accepted: none, time, request, "
	 "every_flush, random, end)"},
	{"trace: {file: x}\ncrash:\n  keep: [1, 2]\n",
	 ":3:9: field 'crash.keep': only with crash.cache_loss keep (cache_loss is all)"},
	{"trace: {file: x}\ncrash:\n  keep: [1, 2]\n  cache_loss: adversarial\n",
	 ":3:9: field 'crash.keep': only with crash.cache_loss keep (cache_loss is adversarial)"},
	{"trace: {file: x}\ncrash: {cache_loss: keep, keep: [1, 2, 1]}\n",
	 ":2:40: field 'crash.keep[2]': 1 is listed twice"},
	{"trace: {file: x}\ncrash: {cache_loss: keep, keep: []}\n",
	 ":2:33: field 'crash.keep': needs at least one write index (to keep none, use "
	 "cache_loss all)"},
	{"trace: {file: x}\ncrash: {cache_loss: keep, keep: [x]}\n",
	 ":2:34: field 'crash.keep[0]': not a non-negative integer: 'x'"},
	{"trace: {file: x}\ncrash: {cache_loss: keep, keep: [4294967296]}\n",
	 ":2:34: field 'crash.keep[0]': out of range: 4294967296 (max 4294967295)"},
	{"trace: {file: x}\ncrash: {cache_loss: keep, keep: {a: 1}}\n",
	 ":2:33: field 'crash.keep': expected a sequence, got a mapping"},
	{"trace: {file: x}\ncrash: {keep_probability: 1.5}\n",
	 ":2:27: field 'crash.keep_probability': out of range: 1.5 (must be between 0 and 1)"},
	{"trace: {file: x}\ncrash: {samples: 0}\n",
	 ":2:18: field 'crash.samples': out of range: 0 (must be between 1 and 100000)"},
	{"trace: {file: x}\ncrash: {samples: 100001}\n",
	 ":2:18: field 'crash.samples': out of range: 100001 (must be between 1 and 100000)"},
	{"trace: {file: x}\ncrash: {exhaustive_max: 21}\n",
	 ":2:25: field 'crash.exhaustive_max': out of range: 21 (must be between 0 and 20)"},
	{"trace: {file: x}\ncrash: {tear: half}\n",
	 ":2:15: field 'crash.tear': unknown value 'half' (accepted: none, prefix, suffix, "
	 "subset)"},
	{"trace: {file: x}\ncrash: {shear_bytes: 100}\n",
	 ":2:22: field 'crash.shear_bytes': 100: must be 0 (off) or a divisor of 512 below 512 "
	 "(1, 2, 4, ..., 256)"},
	{"trace: {file: x}\ncrash: {shear_bytes: 512}\n",
	 ":2:22: field 'crash.shear_bytes': 512: must be 0 (off) or a divisor of 512 below 512 "
	 "(1, 2, 4, ..., 256)"},
	{"trace: {file: x}\ncrash: {idle_hours: -1}\n",
	 ":2:21: field 'crash.idle_hours': out of range: -1 (must be between 0 and 100000)"},
	{"trace: {file: x}\ncrash: {idle_hours: 2w}\n",
	 ":2:21: field 'crash.idle_hours': not a duration (a number, or with ns, us, ms, s, "
	 "min, h, d): '2w'"},
	{"trace: {file: x}\ncrash: {state: first}\n",
	 ":2:16: field 'crash.state': expected all or a state number (0-based), got 'first'"},
	{"trace: {file: x}\ncrash: {state: 4294967295}\n",
	 ":2:16: field 'crash.state': out of range: 4294967295 (must be all or at most "
	 "4294967294)"},
	{"trace: {file: x}\ncrash: {state: }\n", ":2:16: field 'crash.state': needs a value"},
	/* fault models */
	{"trace: {file: x}\nfaults: {bitrot: {}}\n",
	 ":2:10: field 'faults.bitrot': unknown key (accepted: fiu, rot, lse, lost_write, "
	 "misdirect, field)"},
	/* field models: the preset by name, every key bounded */
	{"trace: {file: x}\nfaults: {field: nearline}\n",
	 ":2:17: field 'faults.field.preset'"
	 ": unknown value 'nearline' (accepted: none, nearline-hdd, enterprise-hdd, consumer-ssd)"},
	{"trace: {file: x}\nfaults: {field: {preset: ssd}}\n",
	 ":2:26: field 'faults.field.preset'"
	 ": unknown value 'ssd' (accepted: none, nearline-hdd, enterprise-hdd, consumer-ssd)"},
	{"trace: {file: x}\nfaults: {field: {lse_per_drive_year: -1}}\n",
	 ":2:38: field 'faults.field.lse_per_drive_year'"
	 ": out of range: -1 (must be between 0 and 1000000)"},
	{"trace: {file: x}\nfaults: {field: {cm_per_drive_year: 2e6}}\n",
	 ":2:37: field 'faults.field.cm_per_drive_year'"
	 ": out of range: 2e6 (must be between 0 and 1000000)"},
	{"trace: {file: x}\nfaults: {field: {drive_tb: 0}}\n",
	 ":2:28: field 'faults.field.drive_tb'"
	 ": out of range: 0 (must be between 0.0625 and 1000000)"},
	{"trace: {file: x}\nfaults: {field: {accel: 0.5}}\n",
	 ":2:25: field 'faults.field.accel'"
	 ": out of range: 0.5 (must be between 1 and 1e+18)"},
	{"trace: {file: x}\nfaults: {field: {lse_sectors: 0}}\n",
	 ":2:31: field 'faults.field.lse_sectors'"
	 ": out of range: 0 (must be between 1 and 10000)"},
	{"trace: {file: x}\nfaults: {field: {cm_sectors: 20000}}\n",
	 ":2:30: field 'faults.field.cm_sectors'"
	 ": out of range: 20000 (must be between 1 and 10000)"},
	{"trace: {file: x}\nfaults: {field: {span: 2000000}}\n",
	 ":2:24: field 'faults.field.span'"
	 ": out of range: 2000000 (must be between 0 and 1048576)"},
	{"trace: {file: x}\nfaults: {field: {repeat: 0.9}}\n",
	 ":2:26: field 'faults.field.repeat'"
	 ": out of range: 0.9 (must be between 0 and 0.875)"},
	{"trace: {file: x}\nfaults: {field: {repeat_hours: -1}}\n",
	 ":2:32: field 'faults.field.repeat_hours'"
	 ": out of range: -1 (must be between 0 and 100000)"},
	{"trace: {file: x}\nfaults: {field: {after_write: 1.5}}\n",
	 ":2:31: field 'faults.field.after_write'"
	 ": out of range: 1.5 (must be between 0 and 1)"},
	{"trace: {file: x}\nfaults: {field: {correlate: 2}}\n",
	 ":2:29: field 'faults.field.correlate'"
	 ": out of range: 2 (must be between 0 and 1)"},
	{"trace: {file: x}\nfaults: {rot: 1}\n",
	 ":2:15: field 'faults.rot': expected a mapping, got a scalar"},
	{"trace: {file: x}\nfaults: {rot: {rate: -0.1}}\n",
	 ":2:22: field 'faults.rot.rate': out of range: -0.1 (must be between 0 and 1)"},
	{"trace: {file: x}\nfaults: {rot: {burst: 0}}\n",
	 ":2:23: field 'faults.rot.burst': out of range: 0 (must be between 1 and 1024)"},
	{"trace: {file: x}\nfaults: {rot: {burst: 1025}}\n",
	 ":2:23: field 'faults.rot.burst': out of range: 1025 (must be between 1 and 1024)"},
	{"trace: {file: x}\nfaults: {rot: {bits: 0}}\n",
	 ":2:22: field 'faults.rot.bits': out of range: 0 (must be between 1 and 4096)"},
	{"trace: {file: x}\nfaults: {rot: {bits: 4097}}\n",
	 ":2:22: field 'faults.rot.bits': out of range: 4097 (must be between 1 and 4096)"},
	{"trace: {file: x}\nfaults: {rot: {target: metadata}}\n",
	 ":2:24: field 'faults.rot.target': unknown value 'metadata' (accepted: any, data, imd, "
	 "one_copy, both_copies, headers)"},
	{"trace: {file: x}\nfaults:\n  rot:\n    count: 3\n",
	 ":4:12: field 'faults.rot.count': only with a time in faults.rot.at (it is none)"},
	{"trace: {file: x}\nfaults: {rot: {count: 3, at: none}}\n",
	 ":2:23: field 'faults.rot.count': only with a time in faults.rot.at (it is none)"},
	{"trace: {file: x}\nfaults: {lse: {at: 1h, count: 0}}\n",
	 ":2:31: field 'faults.lse.count': out of range: 0 (must be >= 1)"},
	{"trace: {file: x}\nfaults: {lse: {at: soon}}\n",
	 ":2:20: field 'faults.lse.at': expected none or a time (ns, or a number with ns, us, "
	 "ms, s, min, h, d), got 'soon'"},
	{"trace: {file: x}\nfaults: {lse: {rate: 1e400}}\n",
	 ":2:22: field 'faults.lse.rate': number out of range: '1e400'"},
	{"trace: {file: x}\nfaults: {lse: {burst: 2}}\n",
	 ":2:16: field 'faults.lse.burst': unknown key (accepted: rate, target, at, count)"},
	{"trace: {file: x}\nfaults: {lost_write: {probability: 2}}\n",
	 ":2:36: field 'faults.lost_write.probability': out of range: 2 (must be between 0 and "
	 "1)"},
	{"trace: {file: x}\nfaults: {lost_write: 0.1}\n",
	 ":2:22: field 'faults.lost_write': expected a mapping, got a scalar"},
	{"trace: {file: x}\nfaults: {misdirect: {distance: 1000B}}\n",
	 ":2:32: field 'faults.misdirect.distance': not a whole number of 512-byte sectors: "
	 "'1000B'"},
	{"trace: {file: x}\nfaults: {misdirect: {probability: 0.5, direction: up}}\n",
	 ":2:40: field 'faults.misdirect.direction': unknown key (accepted: probability, "
	 "distance)"},
	/* compare */
	{"trace: {file: x}\ncompare: {modes: []}\n",
	 ":2:11: field 'compare.modes': unknown key (accepted: variants, profiles)"},
	{"trace: {file: x}\ncompare: {variants: [rfc, rfc]}\n",
	 ":2:27: field 'compare.variants[1]': 'rfc' is listed twice"},
	{"trace: {file: x}\ncompare: {variants: [rfc, \"\"]}\n",
	 ":2:27: field 'compare.variants[1]': must not be empty"},
	{"trace: {file: x}\ncompare: {variants: [rfc, \"a b\"]}\n",
	 ":2:27: field 'compare.variants[1]': 'a b': only letters, digits, '_', '-' and '.' (it "
	 "names files of the comparison)"},
	{"trace: {file: x}\ncompare: {variants: [..]}\n",
	 ":2:22: field 'compare.variants[0]': '..': only letters, digits, '_', '-' and '.' (it "
	 "names files of the comparison)"},
	{"trace: {file: x}\ncompare: {variants: {a: 1}}\n",
	 ":2:21: field 'compare.variants': expected a sequence, got a mapping"},
	{"trace: {file: x}\ncompare: {variants: }\n",
	 ":2:21: field 'compare.variants': expected a sequence, got an empty value"},
	{"trace: {file: x}\ncompare: {variants: [[rfc]]}\n",
	 ":2:22: field 'compare.variants[0]': expected a scalar, got a sequence"},
	{"trace: {file: x}\ncompare: {variants: [a, "
	 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb]}\n",
	 ":2:25: field 'compare.variants[1]': too long: 64 bytes (max 63)"},
	{"trace: {file: x}\ncompare: {variants: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, "
	 "q]}\n", ":2:21: field 'compare.variants': too many items: 17 (max 16)"},
	{"trace: {file: x}\ncompare: {profiles: [ssd, nvme]}\n",
	 ":2:27: field 'compare.profiles[1]': unknown value 'nvme' (accepted: hdd, ssd, ram)"},
	{"trace: {file: x}\ncompare: {profiles: [hdd, ram, hdd]}\n",
	 ":2:32: field 'compare.profiles[2]': 'hdd' is listed twice"},
	{"trace: {file: x}\ncompare: {profiles: [hdd, ram, ssd, hdd]}\n",
	 ":2:21: field 'compare.profiles': too many items: 4 (max 3)"},
	/* fiu items */
	{"trace: {file: x}\nfaults: {fiu: [{point: a}]}\n",
	 ":2:16: field 'faults.fiu[0]': needs probability or nth"},
	{"trace: {file: x}\nfaults: {fiu: [{nth: 2}]}\n",
	 ":2:16: field 'faults.fiu[0]': needs a point name"},
	{"trace: {file: x}\nfaults: {fiu: [{point: a, nth: 2, probability: 0.5}]}\n",
	 ":2:35: field 'faults.fiu[0].probability': give probability or nth, not both"},
	{"trace: {file: x}\nfaults: {fiu: [{point: a, nth: 0}]}\n",
	 ":2:32: field 'faults.fiu[0].nth': out of range: 0 (must be >= 1)"},
	{"trace: {file: x}\nfaults: {fiu: [{point: a, every: 2}]}\n",
	 ":2:27: field 'faults.fiu[0].every': unknown key (accepted: point, probability, nth)"},
	/* string checks */
	{"trace: {file: x, actions: q}\n",
	 ":1:27: field 'trace.actions': 'q' is not a set of blkparse action letters (e.g. Q, D, C)"},
	{"trace: {file: x}\nvariant: ''\n", ":2:10: field 'variant': must not be empty"},
	{"trace: {file: x}\nname: \"a\\0b\"\n", ":2:7: field 'name': contains a NUL byte"},
	/* YAML syntax */
	{"trace: {file: x\nseed: 1\n",
	 ":2:5: YAML syntax error: did not find expected ',' or '}' (while parsing a flow mapping)"},
	{"trace:\n  file: x\n   seed: 1\n",
	 ":3:8: YAML syntax error: mapping values are not allowed in this context"},
	{"trace: {file: x}\nname: \"\xff\"\n",
	 ":2:8: YAML syntax error: invalid leading UTF-8 octet"},
	{"", ":1:1: empty scenario: give at least a trace"},
	{"trace: {file: x}\n---\nseed: 1\n", ":2:1: more than one YAML document"},
	{"trace: {file: x}\n? [a]\n: 1\n",
	 ":2:3: field '(top)': keys must be plain names, got a sequence"},
};

static void test_cases(void **state)
{
	int failed = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct scenario s;
		struct cs_err err;
		char path[128], want[1024];

		memset(&err, 0, sizeof(err));
		if (sc_tmp_load(cases[i].yaml, &s, &err, path, sizeof(path)) != -1) {
			fprintf(stderr, "case %zu: loaded, expected %s\n", i, cases[i].msg);
			failed++;
			continue;
		}
		snprintf(want, sizeof(want), "%s%s", path, cases[i].msg);
		if (strcmp(err.msg, want) != 0) {
			fprintf(stderr, "case %zu:\n  want %s\n  got  %s\n", i, want, err.msg);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
