/* Every key lands in its field; defaults; the example scenarios. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csum.h"
#include "sc_tmp.h"
#include "scenarios/scenario.h"

#define FIX "tests/scenarios/fixtures/"

static void load_ok(const char *path, struct scenario *s)
{
	struct cs_err err = {{0}};

	if (scenario_load(s, path, &err) != 0)
		fail_msg("%s", err.msg);
}

static void check_default_disk(const struct sc_disk *d)
{
	assert_int_equal(d->profile, SC_DISK_SSD);
	assert_true(d->hdd.rpm == 7200);
	assert_int_equal(d->hdd.sectors_per_track, 1000);
	assert_true(d->hdd.seek_track_ms == 0.8);
	assert_true(d->hdd.seek_full_ms == 16.0);
	assert_true(d->hdd.transfer_mib_s == 0);
	assert_true(d->hdd.overhead_us == 50);
	assert_int_equal(d->hdd.sched, SC_SCHED_CLOOK);
	assert_int_equal(d->hdd.queue_depth, 32);
	assert_true(d->hdd.flush_overhead_us == 100);
	assert_true(d->ssd.read_us == 60);
	assert_true(d->ssd.write_us == 20);
	assert_true(d->ssd.read_us_per_kib == 1.5);
	assert_true(d->ssd.write_us_per_kib == 3.0);
	assert_int_equal(d->ssd.channels, 8);
	assert_true(d->ssd.flush_us == 500);
	assert_true(d->ram.io_us == 1.0);
	assert_true(d->ram.us_per_kib == 0.1);
	assert_true(d->cache.enabled);
	assert_int_equal(d->cache.sectors, 16384);
	assert_true(d->cache.fua);
	assert_true(d->cache.destage_idle_ms == 0);
}

static void test_defaults(void **state)
{
	struct scenario s;

	(void)state;
	scenario_defaults(&s);
	assert_string_equal(s.file, "");
	assert_string_equal(s.name, "");
	assert_string_equal(s.description, "");
	assert_int_equal(s.seed, 1);
	assert_string_equal(s.variant, "rfc");
	assert_false(s.flush_policy_set);
	assert_int_equal(s.device.sectors, 2097152);
	assert_int_equal(s.device.sector_size, 512);
	assert_int_equal(s.device.placement, CSUM_PLACE_SAME);
	assert_int_equal(s.device.begin, 0);
	assert_int_equal(s.device.data_offset, 0);
	assert_int_equal(s.device.imd_offset, 0);
	check_default_disk(&s.disk);
	check_default_disk(&s.imd_disk);
	assert_false(s.imd_disk_set);
	assert_int_equal(s.trace.kind, SC_TRACE_FILE);
	assert_int_equal(s.trace.format, SC_FMT_AUTO);
	assert_string_equal(s.trace.path, "");
	assert_string_equal(s.trace.actions, "Q");
	assert_int_equal(s.trace.limit, 0);
	assert_int_equal(s.trace.gen.pattern, SC_GEN_UNIFORM);
	assert_int_equal(s.trace.gen.requests, 10000);
	assert_true(s.trace.gen.read_fraction == 0.5);
	assert_int_equal(s.trace.gen.n_sizes, 1);
	assert_int_equal(s.trace.gen.sizes[0], 8);
	assert_int_equal(s.trace.gen.align, 8);
	assert_int_equal(s.trace.gen.span, 0);
	assert_true(s.trace.gen.zipf_theta == 0.99);
	assert_int_equal(s.trace.gen.zipf_regions, 1024);
	assert_int_equal(s.trace.gen.flush_every, 0);
	assert_int_equal(s.trace.gen.fua_every, 0);
	assert_true(s.trace.gen.interarrival_us == 100);
	assert_int_equal(s.host.mode, SC_HOST_OPEN);
	assert_true(s.host.time_scale == 1.0);
	assert_int_equal(s.host.queue_depth, 1);
	assert_int_equal(s.host.map_rule, SC_MAP_WRAP);
	assert_true(s.host.stage_us == 2.0);
	assert_true(s.host.crc_ns_per_byte == 2.0);
	assert_int_equal(s.crash.kind, SC_CRASH_NONE);
	assert_int_equal(s.crash.n_at, 0);
	assert_int_equal(s.crash.random_count, 0);
	assert_int_equal(s.crash.max_crashes, 0);
	assert_int_equal(s.crash.cache_loss, SC_LOSS_ALL);
	assert_true(s.crash.keep_probability == 0.5);
	assert_int_equal(s.crash.samples, 1);
	assert_int_equal(s.crash.exhaustive_max, 10);
	assert_int_equal(s.crash.n_keep, 0);
	assert_int_equal(s.crash.tear, SC_TEAR_NONE);
	assert_int_equal(s.crash.shear_bytes, 0);
	assert_true(s.crash.idle_hours == 0);
	assert_int_equal(s.crash.only_state, UINT32_MAX);
	assert_int_equal(s.n_fiu, 0);
	assert_true(s.faults.rot_rate == 0);
	assert_int_equal(s.faults.rot_burst, 1);
	assert_int_equal(s.faults.rot_bits, 1);
	assert_int_equal(s.faults.rot_target, SC_TARGET_ANY);
	assert_true(s.faults.rot_at_ns == UINT64_MAX);
	assert_int_equal(s.faults.rot_at_count, 0);
	assert_true(s.faults.lse_rate == 0);
	assert_int_equal(s.faults.lse_target, SC_TARGET_ANY);
	assert_true(s.faults.lse_at_ns == UINT64_MAX);
	assert_int_equal(s.faults.lse_at_count, 0);
	assert_true(s.faults.lost_write_p == 0);
	assert_true(s.faults.misdirect_p == 0);
	assert_int_equal(s.faults.misdirect_distance, 0);
	assert_int_equal(s.compare.n_variants, 0);
	assert_int_equal(s.compare.n_profiles, 0);
	assert_false(s.output.per_request_csv);
	assert_true(s.output.plots);
	assert_true(s.output.baseline);
	assert_true(s.output.progress);
}

/* A file that gives only the trace equals the defaults plus that trace. */
static void test_minimal_is_defaults(void **state)
{
	struct scenario s, d;

	(void)state;
	load_ok(FIX "minimal.yaml", &s);
	scenario_defaults(&d);
	strcpy(d.file, FIX "minimal.yaml");
	strcpy(d.trace.path, "t.blkparse");
	assert_memory_equal(&s, &d, sizeof(s));
}

static void test_full(void **state)
{
	struct scenario s;
	const struct sc_disk *d = &s.disk, *m = &s.imd_disk;

	(void)state;
	load_ok(FIX "full.yaml", &s);
	assert_string_equal(s.file, FIX "full.yaml");
	assert_string_equal(s.name, "full");
	assert_string_equal(s.description, "every key, \"quoted\"");
	assert_true(s.seed == 1234567890123ULL);
	assert_string_equal(s.variant, "rfc-fixed");
	assert_true(s.flush_policy_set);
	assert_int_equal(s.flush_policy, CSUM_FLUSH_FORWARD);
	assert_int_equal(s.vopts.apart_sectors, 4096);
	assert_int_equal(s.vopts.journal_sectors, 1024);
	assert_int_equal(s.vopts.commit_interval_writes, 8);
	assert_int_equal(s.vopts.bitmap_region_sectors, 620);
	assert_int_equal(s.device.sectors, 8388608);
	assert_int_equal(s.device.sector_size, 512);
	assert_int_equal(s.device.placement, CSUM_PLACE_SEPARATE);
	assert_int_equal(s.device.begin, 8);
	assert_int_equal(s.device.data_offset, 2048);
	assert_int_equal(s.device.imd_offset, 4096);

	assert_int_equal(d->profile, SC_DISK_HDD);
	assert_true(d->hdd.rpm == 5400);
	assert_int_equal(d->hdd.sectors_per_track, 800);
	assert_true(d->hdd.seek_track_ms == 1.2);
	assert_true(d->hdd.seek_full_ms == 20);
	assert_true(d->hdd.transfer_mib_s == 150);
	assert_true(d->hdd.overhead_us == 40);
	assert_int_equal(d->hdd.sched, SC_SCHED_SSTF);
	assert_int_equal(d->hdd.queue_depth, 16);
	assert_true(d->hdd.flush_overhead_us == 200);
	assert_true(d->ssd.read_us == 70);
	assert_true(d->ssd.write_us == 25);
	assert_true(d->ssd.read_us_per_kib == 1.25);
	assert_true(d->ssd.write_us_per_kib == 3.5);
	assert_int_equal(d->ssd.channels, 4);
	assert_true(d->ssd.flush_us == 600);
	assert_true(d->ram.io_us == 2);
	assert_true(d->ram.us_per_kib == 0.2);
	assert_false(d->cache.enabled);
	assert_int_equal(d->cache.sectors, 8192);
	assert_false(d->cache.fua);
	assert_true(d->cache.destage_idle_ms == 5);

	assert_true(s.imd_disk_set);
	assert_int_equal(m->profile, SC_DISK_RAM);
	assert_true(m->hdd.rpm == 10000);
	assert_int_equal(m->hdd.sectors_per_track, 900);
	assert_true(m->hdd.seek_track_ms == 0.5);
	assert_true(m->hdd.seek_full_ms == 8);
	assert_true(m->hdd.transfer_mib_s == 200);
	assert_true(m->hdd.overhead_us == 30);
	assert_int_equal(m->hdd.sched, SC_SCHED_FIFO);
	assert_int_equal(m->hdd.queue_depth, 8);
	assert_true(m->hdd.flush_overhead_us == 50);
	assert_true(m->ssd.read_us == 61);
	assert_true(m->ssd.write_us == 21);
	assert_true(m->ssd.read_us_per_kib == 1.6);
	assert_true(m->ssd.write_us_per_kib == 3.1);
	assert_int_equal(m->ssd.channels, 2);
	assert_true(m->ssd.flush_us == 501);
	assert_true(m->ram.io_us == 0.5);
	assert_true(m->ram.us_per_kib == 0.05);
	assert_true(m->cache.enabled);
	assert_int_equal(m->cache.sectors, 2048);
	assert_false(m->cache.fua);
	assert_true(m->cache.destage_idle_ms == 1.5);

	assert_int_equal(s.trace.kind, SC_TRACE_FILE);
	assert_string_equal(s.trace.path, "data/some.trace");
	assert_int_equal(s.trace.format, SC_FMT_MSR);
	assert_string_equal(s.trace.actions, "QC");
	assert_int_equal(s.trace.limit, 500);

	assert_int_equal(s.host.mode, SC_HOST_CLOSED);
	assert_true(s.host.time_scale == 0.5);
	assert_int_equal(s.host.queue_depth, 4);
	assert_int_equal(s.host.map_rule, SC_MAP_SCALE);
	assert_true(s.host.stage_us == 3.5);
	assert_true(s.host.crc_ns_per_byte == 1.25);

	assert_int_equal(s.crash.kind, SC_CRASH_AT_TIME);
	assert_int_equal(s.crash.n_at, 3);
	assert_int_equal(s.crash.at[0], 1500);
	assert_int_equal(s.crash.at[1], 200000000);
	assert_int_equal(s.crash.at[2], 1500000000);
	assert_int_equal(s.crash.max_crashes, 7);
	assert_int_equal(s.crash.cache_loss, SC_LOSS_KEEP);
	assert_int_equal(s.crash.n_keep, 3);
	assert_int_equal(s.crash.keep[0], 0); /* a set: kept sorted */
	assert_int_equal(s.crash.keep[1], 3);
	assert_int_equal(s.crash.keep[2], 7);
	assert_int_equal(s.crash.keep[3], 0);
	assert_true(s.crash.keep_probability == 0.25);
	assert_int_equal(s.crash.samples, 40);
	assert_int_equal(s.crash.exhaustive_max, 12);
	assert_int_equal(s.crash.tear, SC_TEAR_SUBSET);
	assert_int_equal(s.crash.shear_bytes, 64);
	assert_true(s.crash.idle_hours == 1.5);
	assert_int_equal(s.crash.only_state, 17);

	assert_int_equal(s.n_fiu, 2);
	assert_string_equal(s.fiu[0].name, "rfc/update_imd_bio/kmalloc");
	assert_true(s.fiu[0].probability == 0.01);
	assert_int_equal(s.fiu[0].nth, 0);
	assert_string_equal(s.fiu[1].name, "sim/disk/write");
	assert_int_equal(s.fiu[1].nth, 3);
	assert_true(s.faults.rot_rate == 0.001);
	assert_int_equal(s.faults.rot_burst, 4);
	assert_int_equal(s.faults.rot_bits, 3);
	assert_int_equal(s.faults.rot_target, SC_TARGET_ONE_COPY);
	assert_true(s.faults.rot_at_ns == 7200000000000ULL);
	assert_int_equal(s.faults.rot_at_count, 5);
	assert_true(s.faults.lse_rate == 1e-6);
	assert_int_equal(s.faults.lse_target, SC_TARGET_DATA);
	assert_true(s.faults.lse_at_ns == 1500000000ULL);
	assert_int_equal(s.faults.lse_at_count, 2);
	assert_true(s.faults.lost_write_p == 0.01);
	assert_true(s.faults.misdirect_p == 0.002);
	assert_int_equal(s.faults.misdirect_distance, 2048);

	assert_int_equal(s.compare.n_variants, 3);
	assert_string_equal(s.compare.variants[0], "rfc");
	assert_string_equal(s.compare.variants[1], "rfc-fixed");
	assert_string_equal(s.compare.variants[2], "none");
	assert_string_equal(s.compare.variants[3], "");
	assert_int_equal(s.compare.n_profiles, 2);
	assert_int_equal(s.compare.profiles[0], SC_DISK_HDD);
	assert_int_equal(s.compare.profiles[1], SC_DISK_RAM);

	assert_true(s.output.per_request_csv);
	assert_false(s.output.plots);
	assert_false(s.output.baseline);
	assert_false(s.output.progress);
}

static void test_generator(void **state)
{
	struct scenario s;
	const struct sc_generator *g = &s.trace.gen;

	(void)state;
	load_ok(FIX "generator.yaml", &s);
	assert_int_equal(s.trace.kind, SC_TRACE_GENERATOR);
	assert_string_equal(s.trace.path, "");
	assert_int_equal(g->pattern, SC_GEN_ZIPF);
	assert_int_equal(g->requests, 20000);
	assert_true(g->read_fraction == 0.25);
	assert_int_equal(g->n_sizes, 3);
	assert_int_equal(g->sizes[0], 8);
	assert_int_equal(g->sizes[1], 16);
	assert_int_equal(g->sizes[2], 128);
	assert_int_equal(g->sizes[3], 0);
	assert_int_equal(g->align, 4);
	assert_int_equal(g->span, 1048576);
	assert_true(g->zipf_theta == 1.2);
	assert_int_equal(g->zipf_regions, 64);
	assert_int_equal(g->flush_every, 100);
	assert_int_equal(g->fua_every, 50);
	assert_true(g->interarrival_us == 250);
	assert_int_equal(s.crash.kind, SC_CRASH_AT_REQUEST);
	assert_int_equal(s.crash.n_at, 3);
	assert_int_equal(s.crash.at[2], 300);
}

static void test_demo(void **state)
{
	struct scenario s;
	struct cs_err err;

	(void)state;
	load_ok(FIX "demo.yaml", &s);
	assert_int_equal(scenario_validate(&s, &err), 0);
	assert_string_equal(s.name, "demo");
	assert_int_equal(s.seed, 42);
	assert_int_equal(s.device.sectors, 1048576);
	assert_int_equal(s.crash.kind, SC_CRASH_EVERY_FLUSH);
	assert_int_equal(s.n_fiu, 2);
	assert_true(s.flush_policy_set);
	assert_int_equal(s.flush_policy, CSUM_FLUSH_DROP);
	assert_string_equal(s.trace.path, "../../../traces/data/ext4-sqlite.blkparse.txt.xz");
}

/* Shorthands and suffixes read into the same values as the long forms. */
static void test_shorthands(void **state)
{
	struct scenario s;
	struct cs_err err;

	(void)state;
	assert_int_equal(sc_tmp_load("trace: {file: x}\n"
				     "crash: random\n",
				     &s, &err, NULL, 0),
			 -1);
	assert_int_equal(sc_tmp_load("trace: {file: x}\n"
				     "crash: every_flush\n"
				     "flush_policy: default\n"
				     "device: {sectors: 512MiB}\n"
				     "disk: {hdd: {seek_full_ms: 15000us, overhead_us: 0.05ms},"
				     " cache: {sectors: 1MiB, destage_idle_ms: 1s}}\n",
				     &s, &err, NULL, 0),
			 0);
	assert_int_equal(s.crash.kind, SC_CRASH_EVERY_FLUSH);
	assert_false(s.flush_policy_set);
	assert_int_equal(s.device.sectors, 1048576);
	assert_true(s.disk.hdd.seek_full_ms == 15);
	assert_true(s.disk.hdd.overhead_us == 50);
	assert_int_equal(s.disk.cache.sectors, 2048);
	assert_true(s.disk.cache.destage_idle_ms == 1000);
	/* A lone point is a one-point list; mode may come after at. */
	assert_int_equal(sc_tmp_load("trace: {file: x}\n"
				     "crash: {at: 2s, count: 3, mode: random}\n",
				     &s, &err, NULL, 0),
			 -1);
	assert_int_equal(sc_tmp_load("trace: {file: x}\n"
				     "crash: {at: 2s, mode: time}\n",
				     &s, &err, NULL, 0),
			 0);
	assert_int_equal(s.crash.n_at, 1);
	assert_int_equal(s.crash.at[0], 2000000000);
	assert_int_equal(sc_tmp_load("trace: {file: x}\n"
				     "crash: {count: 5, mode: random, max_crashes: 2}\n",
				     &s, &err, NULL, 0),
			 0);
	assert_int_equal(s.crash.kind, SC_CRASH_RANDOM);
	assert_int_equal(s.crash.random_count, 5);
	assert_int_equal(s.crash.max_crashes, 2);
}

/* The shapes of the new crash and fault keys. */
static void test_crash_and_fault_shapes(void **state)
{
	struct scenario s;
	struct cs_err err;

	(void)state;
	/* end: once, after the workload; every enum name reads. */
	if (sc_tmp_load("trace: {file: x}\n"
			"crash: end\n",
			&s, &err, NULL, 0) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(s.crash.kind, SC_CRASH_END);
	assert_int_equal(s.crash.n_at, 0);
	static const char *const losses[] = {"all", "probability", "adversarial", "exhaustive"};
	for (int i = 0; i < 4; i++) {
		char y[128];

		snprintf(y, sizeof(y), "trace: {file: x}\ncrash: {mode: end, cache_loss: %s}\n",
			 losses[i]);
		if (sc_tmp_load(y, &s, &err, NULL, 0) != 0)
			fail_msg("%s", err.msg);
		assert_int_equal(s.crash.cache_loss, i);
	}
	static const char *const tears[] = {"none", "prefix", "suffix", "subset"};
	for (int i = 0; i < 4; i++) {
		char y[128];

		snprintf(y, sizeof(y), "trace: {file: x}\ncrash: {tear: %s}\n", tears[i]);
		if (sc_tmp_load(y, &s, &err, NULL, 0) != 0)
			fail_msg("%s", err.msg);
		assert_int_equal(s.crash.tear, i);
	}
	static const char *const targets[] = {"any", "data", "imd", "one_copy", "both_copies",
					      "headers"};
	for (int i = 0; i < 6; i++) {
		char y[160];

		snprintf(y, sizeof(y),
			 "trace: {file: x}\nfaults: {rot: {target: %s}, lse: {target: %s}}\n",
			 targets[i], targets[5 - i]);
		if (sc_tmp_load(y, &s, &err, NULL, 0) != 0)
			fail_msg("%s", err.msg);
		assert_int_equal(s.faults.rot_target, i);
		assert_int_equal(s.faults.lse_target, 5 - i);
	}
	/* A one-shot event counts 1 sector unless told; none is the default. */
	if (sc_tmp_load("trace: {file: x}\n"
			"faults: {rot: {at: 3d}, lse: {at: none}}\n"
			"crash: {idle_hours: 2.5, state: all, shear_bytes: 1}\n",
			&s, &err, NULL, 0) != 0)
		fail_msg("%s", err.msg);
	assert_true(s.faults.rot_at_ns == 259200000000000ULL);
	assert_int_equal(s.faults.rot_at_count, 1);
	assert_true(s.faults.lse_at_ns == UINT64_MAX);
	assert_int_equal(s.faults.lse_at_count, 0);
	assert_true(s.crash.idle_hours == 2.5);
	assert_int_equal(s.crash.only_state, UINT32_MAX);
	assert_int_equal(s.crash.shear_bytes, 1);
	/* at is read before count, wherever it stands. */
	if (sc_tmp_load("trace: {file: x}\n"
			"faults: {lse: {count: 6, at: 10min}, rot: {count: 2, rate: 1, at: 0}}\n",
			&s, &err, NULL, 0) != 0)
		fail_msg("%s", err.msg);
	assert_true(s.faults.lse_at_ns == 600000000000ULL);
	assert_int_equal(s.faults.lse_at_count, 6);
	assert_true(s.faults.rot_at_ns == 0);
	assert_int_equal(s.faults.rot_at_count, 2);
	/* Edges of the ranges. */
	if (sc_tmp_load("trace: {file: x}\n"
			"crash: {samples: 100000, exhaustive_max: 20, keep_probability: 1,"
			" shear_bytes: 256, state: 4294967294, idle_hours: 0}\n"
			"faults: {rot: {burst: 1024, bits: 4096}}\n"
			"compare: {variants: rfc, profiles: []}\n",
			&s, &err, NULL, 0) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(s.crash.samples, 100000);
	assert_int_equal(s.crash.exhaustive_max, 20);
	assert_true(s.crash.keep_probability == 1);
	assert_int_equal(s.crash.shear_bytes, 256);
	assert_int_equal(s.crash.only_state, 4294967294u);
	assert_int_equal(s.faults.rot_burst, 1024);
	assert_int_equal(s.faults.rot_bits, 4096);
	assert_int_equal(s.compare.n_variants, 1); /* a lone name is a one-item list */
	assert_string_equal(s.compare.variants[0], "rfc");
	assert_int_equal(s.compare.n_profiles, 0);
	/* A keep list of SC_MAX_KEEP writes. */
	{
		char y[1024];
		size_t len = (size_t)snprintf(y, sizeof(y),
					      "trace: {file: x}\ncrash: {cache_loss: keep, keep: [");

		for (int i = 0; i < SC_MAX_KEEP; i++)
			len += (size_t)snprintf(y + len, sizeof(y) - len, "%s%d", i ? ", " : "",
						SC_MAX_KEEP - i);
		snprintf(y + len, sizeof(y) - len, "]}\n");
		if (sc_tmp_load(y, &s, &err, NULL, 0) != 0)
			fail_msg("%s", err.msg);
		assert_int_equal(s.crash.n_keep, SC_MAX_KEEP);
		for (int i = 0; i < SC_MAX_KEEP; i++)
			assert_int_equal(s.crash.keep[i], i + 1);
	}
}

/* A whole file as a string (malloc'd); the test fails if it cannot be read. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The fixture appears in the docs, byte for byte, as one ```yaml block. */
static void assert_in_docs(const char *doc, const char *fixture)
{
	char *text = slurp(fixture);
	size_t len = strlen(text);
	char *block = malloc(len + 32);

	assert_non_null(block);
	snprintf(block, len + 32, "```yaml\n%s```\n", text);
	if (strstr(doc, block) == NULL)
		fail_msg("docs/SCENARIO.md does not show %s as it is", fixture);
	free(block);
	free(text);
}

/* The two example scenarios of docs/SCENARIO.md, kept here as fixtures:
 * the docs show them as they are, each loads, validates, and means what the
 * docs say. */
static void test_doc_examples(void **state)
{
	struct scenario s;
	struct cs_err err;
	char *doc = slurp("docs/SCENARIO.md");

	(void)state;
	assert_in_docs(doc, FIX "crash-explore.yaml");
	assert_in_docs(doc, FIX "bitrot.yaml");
	free(doc);
	load_ok(FIX "crash-explore.yaml", &s);
	if (scenario_validate(&s, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(s.trace.kind, SC_TRACE_GENERATOR);
	assert_int_equal(s.crash.kind, SC_CRASH_EVERY_FLUSH);
	assert_int_equal(s.crash.cache_loss, SC_LOSS_EXHAUSTIVE);
	assert_int_equal(s.crash.exhaustive_max, 12);
	assert_int_equal(s.crash.tear, SC_TEAR_PREFIX);
	assert_int_equal(s.crash.shear_bytes, 64);
	assert_int_equal(s.compare.n_variants, 0);

	load_ok(FIX "bitrot.yaml", &s);
	if (scenario_validate(&s, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(s.crash.kind, SC_CRASH_END);
	assert_int_equal(s.crash.cache_loss, SC_LOSS_ALL);
	assert_true(s.crash.idle_hours == 720);
	assert_int_equal(s.faults.rot_target, SC_TARGET_ANY);
	assert_true(s.faults.rot_rate == 1e-5);
	assert_int_equal(s.faults.rot_burst, 2);
	assert_true(s.faults.rot_at_ns == 7200000000000ULL);
	assert_int_equal(s.faults.rot_at_count, 4);
	assert_true(s.faults.lse_rate == 1e-6);
	assert_int_equal(s.faults.lse_target, SC_TARGET_DATA);
	assert_true(s.faults.lse_at_ns == UINT64_MAX);
	assert_int_equal(s.compare.n_variants, 2);
	assert_int_equal(s.compare.n_profiles, 2);
}

/* YAML anchors and aliases are plain YAML: a shared disk block. */
static void test_alias(void **state)
{
	struct scenario s;
	struct cs_err err;

	(void)state;
	assert_int_equal(sc_tmp_load("device: {placement: separate}\n"
				     "disk: &d {profile: hdd, hdd: {rpm: 15000}}\n"
				     "imd_disk: *d\n"
				     "trace: {file: x}\n",
				     &s, &err, NULL, 0),
			 0);
	assert_true(s.imd_disk_set);
	assert_int_equal(s.imd_disk.profile, SC_DISK_HDD);
	assert_true(s.imd_disk.hdd.rpm == 15000);
	assert_memory_equal(&s.disk, &s.imd_disk, sizeof(s.disk));
}

/* A failed load leaves the caller's scenario as it was. */
static void test_failed_load_untouched(void **state)
{
	struct scenario s, before;
	struct cs_err err;

	(void)state;
	load_ok(FIX "full.yaml", &s);
	before = s;
	assert_int_equal(sc_tmp_load("name: changed\nseed: x\ntrace: {file: y}\n", &s, &err,
				     NULL, 0),
			 -1);
	assert_memory_equal(&s, &before, sizeof(s));
	assert_int_equal(scenario_load(&s, "tests/scenarios/fixtures/no-such.yaml", &err), -1);
	assert_string_equal(err.msg,
			    "tests/scenarios/fixtures/no-such.yaml: cannot open: No such file or directory");
	assert_memory_equal(&s, &before, sizeof(s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),   cmocka_unit_test(test_minimal_is_defaults),
		cmocka_unit_test(test_full),       cmocka_unit_test(test_generator),
		cmocka_unit_test(test_demo),       cmocka_unit_test(test_shorthands),
		cmocka_unit_test(test_alias),      cmocka_unit_test(test_failed_load_untouched),
		cmocka_unit_test(test_crash_and_fault_shapes),
		cmocka_unit_test(test_doc_examples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
