#include "scenarios/sc_schema.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/csum.h"
#include "scenarios/scenario.h"

const char *const sc_profile_names[] = {"hdd", "ssd", "ram", NULL};
const char *const sc_sched_names[] = {"fifo", "sstf", "clook", NULL};
const char *const sc_placement_names[] = {"same", "separate", NULL};
const char *const sc_devfmt_names[] = {"rfc", "none", NULL};
const char *const sc_devsize_names[] = {"exact", "grow", NULL};
const char *const sc_flush_names[] = {"drop", "forward", NULL};
const char *const sc_format_names[] = {"blkparse", "fio", "msr", "native", "alibaba", "tencent",
				       "spc", "blktrace", "auto", NULL};
const char *const sc_flush_gen_names[] = {"refuse", "none", "every_writes", "every_ms",
					   "after_sync_writes", NULL};
const char *const sc_pattern_names[] = {"sequential", "uniform", "zipf", NULL};
const char *const sc_host_mode_names[] = {"open", "closed", NULL};
const char *const sc_map_names[] = {"wrap", "scale", "error", "drop", NULL};
const char *const sc_barrier_names[] = {"default", "drain", "pass", NULL};
const char *const sc_crash_names[] = {"none", "time", "request", "every_flush", "random",
				      "end", NULL};
const char *const sc_cache_loss_names[] = {"all", "probability", "adversarial", "exhaustive",
					   "keep", NULL};
const char *const sc_tear_names[] = {"none", "prefix", "suffix", "subset", NULL};
const char *const sc_atomic_names[] = {"off", "write", "4k", "sector", NULL};
const char *const sc_reorder_names[] = {"any", "never", "within_epoch", NULL};
const char *const sc_honour_names[] = {"honoured", "ignored", NULL};
const char *const sc_verify_names[] = {"incremental", "full", NULL};
const char *const sc_field_names[] = {"none", "nearline-hdd", "enterprise-hdd", "consumer-ssd",
				      NULL};
const char *const sc_recovery_names[] = {"off", "each_write", NULL};
const char *const sc_target_names[] = {"any", "data", "imd", "one_copy", "both_copies",
				       "headers", NULL};

/* The tables index enums by position: keep them in step with the headers. */
_Static_assert(SC_DISK_RAM == 2 && SC_SCHED_CLOOK == 2, "disk enum names");
_Static_assert(CSUM_PLACE_SEPARATE == 1 && CSUM_FLUSH_FORWARD == 1, "core enum names");
_Static_assert(SC_FMT_ALIBABA == 4 && SC_FMT_TENCENT == 5 && SC_FMT_SPC == 6 &&
	       SC_FMT_BLKTRACE == 7 &&
	       SC_FMT_AUTO == 8 && SC_GEN_ZIPF == 2, "trace enum names");
_Static_assert(SC_HOST_CLOSED == 1 && SC_MAP_DROP == 3, "host enum names");
_Static_assert(SC_CRASH_AT_TIME == 1 && SC_CRASH_AT_REQUEST == 2 &&
	       SC_CRASH_EVERY_FLUSH == 3 && SC_CRASH_RANDOM == 4 && SC_CRASH_END == 5,
	       "crash enum names");
_Static_assert(SC_LOSS_PROBABILITY == 1 && SC_LOSS_ADVERSARIAL == 2 &&
	       SC_LOSS_EXHAUSTIVE == 3 && SC_LOSS_KEEP == 4, "cache loss names");
_Static_assert(SC_ATOMIC_SECTOR == 3 && SC_REORDER_NEVER == 1 && SC_REORDER_WITHIN_EPOCH == 2 &&
	       SC_IGNORED == 1, "contract names");
_Static_assert(SC_VERIFY_INCREMENTAL == 0 && SC_VERIFY_FULL == 1, "verify names");
_Static_assert(SC_RECOVERY_OFF == 0 && SC_RECOVERY_EACH_WRITE == 1, "recovery names");
_Static_assert(SC_TEAR_PREFIX == 1 && SC_TEAR_SUFFIX == 2 && SC_TEAR_SUBSET == 3, "tear names");
_Static_assert(SC_TARGET_DATA == 1 && SC_TARGET_IMD == 2 && SC_TARGET_ONE_COPY == 3 &&
	       SC_TARGET_BOTH_COPIES == 4 && SC_TARGET_HEADERS == 5, "target names");

#define NOMAX HUGE_VAL
#define US 1e3
#define MS 1e6
#define HOURS 3.6e12

/* Field constructors: T is the struct the offset is taken in. */
#define SEC(p) {p, SCK_SECTION, 0, 0, NULL, 0, 0, 0}
#define DISK(p, m) {p, SCK_DISK, offsetof(struct scenario, m), 0, NULL, 0, 0, 0}
#define STR(T, p, m) {p, SCK_STR, offsetof(T, m), sizeof(((T *)0)->m), NULL, 0, 0, 0}
#define U64(T, p, m, lo, hi) {p, SCK_U64, offsetof(T, m), 0, NULL, lo, hi, 0}
#define U32(T, p, m, lo, hi) {p, SCK_U32, offsetof(T, m), 0, NULL, lo, hi, 0}
#define SECT(T, p, m, lo) {p, SCK_SECTORS, offsetof(T, m), 0, NULL, lo, NOMAX, 0}
#define F64(T, p, m, lo, hi, u) {p, SCK_F64, offsetof(T, m), 0, NULL, lo, hi, u}
#define BOOL(T, p, m) {p, SCK_BOOL, offsetof(T, m), 0, NULL, 0, 0, 0}
#define ENUM(T, p, m, names) {p, SCK_ENUM, offsetof(T, m), 0, names, 0, 0, 0}
#define SPECIAL(p, k, m) {p, k, offsetof(struct scenario, m), 0, NULL, 0, 0, 0}

/* Upper bounds that keep every time the simulator derives from a value
 * inside its uint64 ns clock (2^64 ns is 584 years): a per-operation cost
 * is at most a second (OP_US), a per-KiB cost at most a second per KiB (a
 * 2^32-sector request then costs 2.2e18 ns), a mean gap or idle timer at
 * most an hour, a power-off period at most 10^5 hours (11 years). Sector
 * counts and offsets stay below 2^56, the variants' own addressing limit. */
#define OP_US 1e6
#define OP_MS 1e3
#define HOUR_US 3.6e9
#define HOUR_MS 3.6e6
#define MAX_IDLE_HOURS 1e5
/* At-rest faults: events per written sector per hour. Once an hour per
 * sector is already far beyond any medium; above it a run's event count
 * (and its memory) outgrows what can finish (1e12 filled 3.8 GB in 60 s). */
#define MAX_RATE 1.0

/* A lower bound of -0.0 would read as "inclusive 0"; strictly positive
 * values use the smallest positive double instead. */
#define POS 4.9e-324

#define S struct scenario
static const struct sc_field root_fields[] = {
	STR(S, "name", name),
	STR(S, "description", description),
	U64(S, "seed", seed, 0, NOMAX),
	STR(S, "variant", variant),
	SPECIAL("flush_policy", SCK_FLUSH, flush_policy),
	SEC("variant_options"),
	SECT(S, "variant_options.apart_sectors", vopts.apart_sectors, 0),
	U32(S, "variant_options.journal_sectors", vopts.journal_sectors, 0, NOMAX),
	U32(S, "variant_options.commit_interval_writes", vopts.commit_interval_writes, 0, 32),
	U32(S, "variant_options.bitmap_region_sectors", vopts.bitmap_region_sectors, 0, NOMAX),
	U32(S, "variant_options.interleave_sectors", vopts.dmi_interleave_sectors, 0, NOMAX),
	U32(S, "variant_options.sectors_per_bit", vopts.dmi_sectors_per_bit, 0, NOMAX),
	U32(S, "variant_options.commit_time_ms", vopts.dmi_commit_time_ms, 0, NOMAX),
	U32(S, "variant_options.bitmap_flush_interval_ms", vopts.dmi_bitmap_flush_ms, 0, NOMAX),
	U32(S, "variant_options.journal_watermark", vopts.dmi_journal_watermark, 0, 100),
	BOOL(S, "variant_options.allow_discards", vopts.dmi_allow_discards),
	SEC("device"),
	SECT(S, "device.sectors", device.sectors, 1),
	U32(S, "device.sector_size", device.sector_size, 1, NOMAX),
	ENUM(S, "device.placement", device.placement, sc_placement_names),
	SECT(S, "device.begin", device.begin, 0),
	SECT(S, "device.data_offset", device.data_offset, 0),
	SECT(S, "device.imd_offset", device.imd_offset, 0),
	ENUM(S, "device.format", device.format, sc_devfmt_names),
	ENUM(S, "device.size", device.size, sc_devsize_names),
	SECT(S, "device.second_target", device.second_target, 0),
	DISK("disk", disk),
	DISK("imd_disk", imd_disk),
	SEC("trace"),
	STR(S, "trace.file", trace.path),
	ENUM(S, "trace.format", trace.format, sc_format_names),
	STR(S, "trace.actions", trace.actions),
	U64(S, "trace.limit", trace.limit, 0, NOMAX),
	STR(S, "trace.device", trace.device),
	F64(S, "trace.from", trace.from_s, 0, 1e9, 1e9),
	F64(S, "trace.until", trace.until_s, 0, 1e9, 1e9),
	ENUM(S, "trace.flush_policy", trace.flush_policy, sc_flush_gen_names),
	F64(S, "trace.flush_every", trace.flush_every, 0, 1e9, 0),
	SEC("trace.generator"),
	ENUM(S, "trace.generator.pattern", trace.gen.pattern, sc_pattern_names),
	U64(S, "trace.generator.requests", trace.gen.requests, 1, NOMAX),
	F64(S, "trace.generator.read_fraction", trace.gen.read_fraction, 0, 1, 0),
	SPECIAL("trace.generator.sizes", SCK_SIZES, trace.gen.sizes),
	U32(S, "trace.generator.align", trace.gen.align, 1, NOMAX),
	SECT(S, "trace.generator.span", trace.gen.span, 0),
	F64(S, "trace.generator.zipf_theta", trace.gen.zipf_theta, POS, 10, 0),
	U32(S, "trace.generator.zipf_regions", trace.gen.zipf_regions, 1, NOMAX),
	U32(S, "trace.generator.flush_every", trace.gen.flush_every, 0, NOMAX),
	U32(S, "trace.generator.fua_every", trace.gen.fua_every, 0, NOMAX),
	F64(S, "trace.generator.interarrival_us", trace.gen.interarrival_us, 0, HOUR_US, US),
	SEC("host"),
	ENUM(S, "host.mode", host.mode, sc_host_mode_names),
	F64(S, "host.time_scale", host.time_scale, POS, 1e6, 0),
	U32(S, "host.queue_depth", host.queue_depth, 1, 65536),
	ENUM(S, "host.map", host.map_rule, sc_map_names),
	F64(S, "host.stage_us", host.stage_us, 0, OP_US, US),
	F64(S, "host.crc_ns_per_byte", host.crc_ns_per_byte, 0, 1e6, 0),
	ENUM(S, "host.barrier", host.barrier, sc_barrier_names),
	SEC("crash"),
	ENUM(S, "crash.mode", crash.kind, sc_crash_names),
	SPECIAL("crash.at", SCK_CRASH_AT, crash.at),
	U32(S, "crash.count", crash.random_count, 1, SC_MAX_CRASH_POINTS),
	U32(S, "crash.max_crashes", crash.max_crashes, 0, NOMAX),
	ENUM(S, "crash.cache_loss", crash.cache_loss, sc_cache_loss_names),
	SPECIAL("crash.keep", SCK_KEEP, crash.keep),
	F64(S, "crash.keep_probability", crash.keep_probability, 0, 1, 0),
	U32(S, "crash.samples", crash.samples, 1, 100000),
	U32(S, "crash.exhaustive_max", crash.exhaustive_max, 0, 20),
	ENUM(S, "crash.tear", crash.tear, sc_tear_names),
	U32(S, "crash.shear_bytes", crash.shear_bytes, 0, NOMAX),
	F64(S, "crash.idle_hours", crash.idle_hours, 0, MAX_IDLE_HOURS, HOURS),
	SPECIAL("crash.state", SCK_STATE, crash.only_state),
	ENUM(S, "crash.verify", crash.verify, sc_verify_names),
	SPECIAL("crash.budget", SCK_BUDGET, crash.budget_kind),
	ENUM(S, "crash.recovery", crash.recovery, sc_recovery_names),
	U32(S, "crash.recovery_points", crash.recovery_points, 0, NOMAX),
	U32(S, "crash.recovery_at", crash.recovery_at, 0, NOMAX),
	U32(S, "crash.recovery_state", crash.recovery_state, 0, NOMAX),
	SEC("faults"),
	SPECIAL("faults.fiu", SCK_FIU, fiu),
	SEC("faults.rot"),
	F64(S, "faults.rot.rate", faults.rot_rate, 0, MAX_RATE, 0),
	U32(S, "faults.rot.burst", faults.rot_burst, 1, 1024),
	U32(S, "faults.rot.bits", faults.rot_bits, 1, 4096),
	ENUM(S, "faults.rot.target", faults.rot_target, sc_target_names),
	SPECIAL("faults.rot.at", SCK_AT_OPT, faults.rot_at_ns),
	U32(S, "faults.rot.count", faults.rot_at_count, 1, NOMAX),
	SEC("faults.lse"),
	F64(S, "faults.lse.rate", faults.lse_rate, 0, MAX_RATE, 0),
	ENUM(S, "faults.lse.target", faults.lse_target, sc_target_names),
	SPECIAL("faults.lse.at", SCK_AT_OPT, faults.lse_at_ns),
	U32(S, "faults.lse.count", faults.lse_at_count, 1, NOMAX),
	SEC("faults.lost_write"),
	F64(S, "faults.lost_write.probability", faults.lost_write_p, 0, 1, 0),
	SEC("faults.misdirect"),
	F64(S, "faults.misdirect.probability", faults.misdirect_p, 0, 1, 0),
	SECT(S, "faults.misdirect.distance", faults.misdirect_distance, 0),
	SEC("faults.field"),
	ENUM(S, "faults.field.preset", faults.field.preset, sc_field_names),
	F64(S, "faults.field.lse_per_drive_year", faults.field.lse_per_drive_year, 0, 1e6, 0),
	F64(S, "faults.field.cm_per_drive_year", faults.field.cm_per_drive_year, 0, 1e6, 0),
	F64(S, "faults.field.drive_tb", faults.field.drive_tb, 0.0625, 1e6, 0),
	F64(S, "faults.field.accel", faults.field.accel, 1, 1e18, 0),
	F64(S, "faults.field.lse_sectors", faults.field.lse_sectors, 1, 1e4, 0),
	F64(S, "faults.field.cm_sectors", faults.field.cm_sectors, 1, 1e4, 0),
	U64(S, "faults.field.span", faults.field.span, 0, 1 << 20),
	F64(S, "faults.field.repeat", faults.field.repeat, 0, 0.875, 0),
	F64(S, "faults.field.repeat_hours", faults.field.repeat_hours, 0, MAX_IDLE_HOURS, 0),
	F64(S, "faults.field.after_write", faults.field.after_write, 0, 1, 0),
	F64(S, "faults.field.correlate", faults.field.correlate, 0, 1, 0),
	SEC("compare"),
	SPECIAL("compare.variants", SCK_NAMES, compare.variants),
	SPECIAL("compare.profiles", SCK_PROFILES, compare.profiles),
	SEC("output"),
	BOOL(S, "output.per_request_csv", output.per_request_csv),
	BOOL(S, "output.plots", output.plots),
	BOOL(S, "output.baseline", output.baseline),
	BOOL(S, "output.progress", output.progress),
	BOOL(S, "output.capacity", output.capacity),
	U32(S, "output.capacity_depth", output.capacity_depth, 1, 1024),
	SPECIAL("expect", SCK_EXPECT, expect),
	SPECIAL("quick", SCK_QUICK, quick),
	SEC("sweep"),
	U32(S, "sweep.replicas", sweep.replicas, 1, 10000),
	SPECIAL("sweep.params", SCK_SWEEP, sweep.params),
	F64(S, "sweep.knee_p99_ms", sweep.knee_p99_ms, 0, 1e9, MS),
};
#undef S

#define D struct sc_disk
static const struct sc_field disk_fields[] = {
	ENUM(D, "profile", profile, sc_profile_names),
	SEC("hdd"),
	F64(D, "hdd.rpm", hdd.rpm, 1, 1e6, 0),
	U32(D, "hdd.sectors_per_track", hdd.sectors_per_track, 1, NOMAX),
	F64(D, "hdd.seek_track_ms", hdd.seek_track_ms, 0, OP_MS, MS),
	F64(D, "hdd.seek_full_ms", hdd.seek_full_ms, 0, OP_MS, MS),
	F64(D, "hdd.transfer_mib_s", hdd.transfer_mib_s, 0, 1e9, 0),
	F64(D, "hdd.overhead_us", hdd.overhead_us, 0, OP_US, US),
	ENUM(D, "hdd.sched", hdd.sched, sc_sched_names),
	U32(D, "hdd.queue_depth", hdd.queue_depth, 1, 65536),
	F64(D, "hdd.flush_overhead_us", hdd.flush_overhead_us, 0, OP_US, US),
	SEC("ssd"),
	F64(D, "ssd.read_us", ssd.read_us, 0, OP_US, US),
	F64(D, "ssd.write_us", ssd.write_us, 0, OP_US, US),
	F64(D, "ssd.read_us_per_kib", ssd.read_us_per_kib, 0, OP_US, 0),
	F64(D, "ssd.write_us_per_kib", ssd.write_us_per_kib, 0, OP_US, 0),
	U32(D, "ssd.channels", ssd.channels, 1, 65536),
	F64(D, "ssd.flush_us", ssd.flush_us, 0, OP_US, US),
	SEC("ram"),
	F64(D, "ram.io_us", ram.io_us, 0, OP_US, US),
	F64(D, "ram.us_per_kib", ram.us_per_kib, 0, OP_US, 0),
	SEC("cache"),
	BOOL(D, "cache.enabled", cache.enabled),
	SECT(D, "cache.sectors", cache.sectors, 0),
	BOOL(D, "cache.fua", cache.fua),
	F64(D, "cache.destage_idle_ms", cache.destage_idle_ms, 0, HOUR_MS, MS),
	SEC("contract"),
	ENUM(D, "contract.atomic", contract.atomic, sc_atomic_names),
	BOOL(D, "contract.shorn", contract.shorn),
	ENUM(D, "contract.reorder", contract.reorder, sc_reorder_names),
	ENUM(D, "contract.flush", contract.flush, sc_honour_names),
	ENUM(D, "contract.fua", contract.fua, sc_honour_names),
	BOOL(D, "contract.safe_append", contract.safe_append),
};
#undef D

const struct sc_table sc_root_schema = {root_fields, sizeof(root_fields) / sizeof(root_fields[0])};
const struct sc_table sc_disk_schema = {disk_fields, sizeof(disk_fields) / sizeof(disk_fields[0])};

static const struct sc_field *find_in(const struct sc_table *t, const char *path, size_t *off)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct sc_field *f = &t->f[i];
		size_t len = strlen(f->path);

		if (strcmp(f->path, path) == 0) {
			*off += f->off;
			return f;
		}
		if (f->kind == SCK_DISK && strncmp(f->path, path, len) == 0 && path[len] == '.') {
			*off += f->off;
			return find_in(&sc_disk_schema, path + len + 1, off);
		}
	}
	return NULL;
}

const struct sc_field *sc_schema_find(const char *path, size_t *off)
{
	*off = 0;
	return find_in(&sc_root_schema, path, off);
}

/* The child names of `rel` within table t (rel "" = its top level). */
static void list_children(const struct sc_table *t, const char *rel, char *buf, size_t len)
{
	size_t rlen = strlen(rel), used = strlen(buf);

	for (size_t i = 0; i < t->n && used < len; i++) {
		const char *p = t->f[i].path;
		const char *name;

		if (rlen == 0)
			name = p;
		else if (strncmp(p, rel, rlen) == 0 && p[rlen] == '.')
			name = p + rlen + 1;
		else
			continue;
		if (strchr(name, '.'))
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name);
	}
}

void sc_schema_children(const char *path, char *buf, size_t len)
{
	const struct sc_table *t = &sc_root_schema;
	const char *rel = path;

	if (len == 0)
		return;
	buf[0] = '\0';
	/* A disk section: its keys come from the disk table. */
	for (size_t i = 0; i < t->n; i++) {
		size_t plen = strlen(t->f[i].path);

		if (t->f[i].kind != SCK_DISK || strncmp(t->f[i].path, path, plen) != 0)
			continue;
		if (path[plen] == '\0') {
			list_children(&sc_disk_schema, "", buf, len);
			return;
		}
		if (path[plen] == '.') {
			list_children(&sc_disk_schema, path + plen + 1, buf, len);
			return;
		}
	}
	list_children(t, rel, buf, len);
}
