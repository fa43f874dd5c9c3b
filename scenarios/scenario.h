/* A scenario: everything one `csumsim run` needs, as read from YAML.
 * Every field has a documented default (docs/SCENARIO.md); scenario_defaults()
 * sets them all, the loader overwrites what the file says, then --set. */
#ifndef CSUMSIM_SCENARIOS_SCENARIO_H
#define CSUMSIM_SCENARIOS_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define SC_PATH_MAX 1024
#define SC_NAME_MAX 64
#define SC_MAX_CRASH_POINTS 64
#define SC_MAX_SIZES 16
#define SC_MAX_FIU 16
/* Sector counts and offsets: the variants address below 2^56. */
#define SC_MAX_SECTORS ((UINT64_C(1) << 56) - 1)

enum sc_disk_profile { SC_DISK_HDD = 0, SC_DISK_SSD = 1, SC_DISK_RAM = 2 };
enum sc_hdd_sched { SC_SCHED_FIFO = 0, SC_SCHED_SSTF = 1, SC_SCHED_CLOOK = 2 };

struct sc_hdd {
	double rpm;                 /* 7200 */
	uint32_t sectors_per_track; /* 1000: sectors under the head per revolution */
	double seek_track_ms;       /* 0.8: track-to-track (shortest non-zero) seek */
	double seek_full_ms;        /* 16.0: full-stroke seek */
	double transfer_mib_s;      /* media rate; 0: derived from rpm and track size */
	double overhead_us;         /* 50: command overhead per request */
	uint8_t sched;              /* enum sc_hdd_sched: clook */
	uint32_t queue_depth;       /* 32: requests the drive reorders among (NCQ) */
	double flush_overhead_us;   /* 100: a cache flush with nothing to write */
};

struct sc_ssd {
	double read_us;          /* 60: per-I/O read latency */
	double write_us;         /* 20: per-I/O program latency (to the SSD's buffer) */
	double read_us_per_kib;  /* 1.5 */
	double write_us_per_kib; /* 3.0 */
	uint32_t channels;       /* 8: I/Os in service at once */
	double flush_us;         /* 500: a cache flush (empty) */
};

struct sc_ram {
	double io_us;     /* 1.0 */
	double us_per_kib;/* 0.1 */
};

struct sc_cache {
	bool enabled;           /* true: volatile write-back cache */
	uint64_t sectors;       /* 16384 (8 MiB): capacity; when full the oldest are destaged */
	bool fua;               /* true: the device honours FUA (else barrier = write + postflush) */
	double destage_idle_ms; /* 0: never destage on idle (only flush or pressure) */
};

/* The device contract (docs/FAULTS.md, "The device contract"): what the
 * disk promises about the writes a power failure catches. atomic off: no
 * contract, the crash section's cache_loss/tear/shear_bytes decide. */
enum sc_atomic { SC_ATOMIC_OFF = 0, SC_ATOMIC_WRITE = 1, SC_ATOMIC_4K = 2, SC_ATOMIC_SECTOR = 3 };
enum sc_reorder { SC_REORDER_ANY = 0, SC_REORDER_NEVER = 1, SC_REORDER_WITHIN_EPOCH = 2 };
enum sc_honour { SC_HONOURED = 0, SC_IGNORED = 1 };
struct sc_contract {
	uint8_t atomic;  /* enum sc_atomic: off; the unit that persists whole */
	bool shorn;      /* false: a unit in flight may persist with its last sector cut */
	uint8_t reorder; /* enum sc_reorder: any */
	uint8_t flush;   /* enum sc_honour: honoured; ignored: a flush leaves the cache full */
	uint8_t fua;     /* enum sc_honour: honoured; ignored: FUA writes go to the cache */
	bool safe_append;/* false; true: an append persists whole, before anything later */
};

struct sc_disk {
	uint8_t profile; /* enum sc_disk_profile: ssd */
	struct sc_hdd hdd;
	struct sc_ssd ssd;
	struct sc_ram ram;
	struct sc_cache cache;
	struct sc_contract contract; /* the data disk's governs every device's crash states */
};

struct sc_device {
	uint64_t sectors;     /* exported data sectors (ti->len): 1 GiB = 2097152 */
	uint32_t sector_size; /* 512: the only size the RFC supports */
	uint8_t placement;    /* enum csum_placement: same */
	uint64_t begin;       /* 0: ti->begin */
	uint64_t data_offset; /* 0 */
	uint64_t imd_offset;  /* 0 */
	uint8_t format;       /* enum sc_device_format: rfc */
	uint8_t size;         /* enum sc_device_size: exact */
	/* 0: one target. Else dm sectors [second_target, sectors) are a second
	 * dm-csum target (its own mapped device and barrier drain) sharing the
	 * variant's lock and the disks (docs/PROTOCOL.md, "Two targets"). */
	uint64_t second_target;
};

/* How long each backing device is: exactly what the table's dm_get_device()
 * checks validate (I/O past it fails with -EIO, as the kernel's would), or
 * grown to cover every sector the variant's mappings reach. */
enum sc_device_size { SC_DEVSIZE_EXACT = 0, SC_DEVSIZE_GROW = 1 };

/* What the backing devices hold before the first I/O: the variant's
 * formatted image (csumsim's formatter; the RFC ships none), or zeroes. */
enum sc_device_format { SC_DEVFMT_RFC = 0, SC_DEVFMT_NONE = 1 };

enum sc_trace_kind { SC_TRACE_FILE = 0, SC_TRACE_GENERATOR = 1 };
enum sc_trace_format {
	SC_FMT_BLKPARSE = 0,
	SC_FMT_FIO_IOLOG = 1, /* v2 and v3, told apart by the header */
	SC_FMT_MSR = 2,       /* MSR Cambridge / SNIA CSV */
	SC_FMT_NATIVE = 3,
	SC_FMT_ALIBABA = 4,   /* Alibaba block traces 2020 CSV */
	SC_FMT_TENCENT = 5,   /* Tencent CBS CSV */
	SC_FMT_SPC = 6,       /* SPC trace format (UMass / SNIA OLTP traces) */
	SC_FMT_BLKTRACE = 7,  /* blktrace's binary per-CPU files */
	SC_FMT_AUTO = 8,      /* from the magic, the header or the name */
};
/* What a trace without FLUSH or FUA gets (docs/TRACES.md): refuse to crash
 * it; crash it as it is; or empty flushes added after every N writes, every
 * T ms of trace time, or after each sync write. */
enum sc_flush_gen {
	SC_FLUSHGEN_REFUSE = 0,
	SC_FLUSHGEN_NONE = 1,
	SC_FLUSHGEN_EVERY_WRITES = 2,
	SC_FLUSHGEN_EVERY_MS = 3,
	SC_FLUSHGEN_AFTER_SYNC = 4,
};
enum sc_gen_pattern { SC_GEN_SEQUENTIAL = 0, SC_GEN_UNIFORM = 1, SC_GEN_ZIPF = 2 };

struct sc_generator {
	uint8_t pattern;          /* enum sc_gen_pattern: uniform */
	uint64_t requests;        /* 10000 */
	double read_fraction;     /* 0.5 */
	uint32_t sizes[SC_MAX_SIZES]; /* request sizes in sectors to choose from: {8} */
	uint32_t n_sizes;
	uint32_t align;           /* 8: start sectors are multiples of this */
	uint64_t span;            /* 0: whole device; else sectors [0, span) */
	double zipf_theta;        /* 0.99 */
	uint32_t zipf_regions;    /* 1024: the span cut into this many hot-spot regions */
	uint32_t flush_every;     /* 0: an empty flush after every N writes (0: none) */
	uint32_t fua_every;       /* 0: every Nth write carries FUA */
	double interarrival_us;   /* 100: mean (exponential) gap between requests */
};

struct sc_trace {
	uint8_t kind;          /* enum sc_trace_kind */
	uint8_t format;        /* enum sc_trace_format: auto */
	char path[SC_PATH_MAX];/* relative paths are relative to the scenario file */
	char actions[8];       /* blkparse: events to take, "Q" */
	uint64_t limit;        /* 0: every request; else the first N */
	char device[24];       /* "": every device of the file; else the one with this id
				* (msr DiskNumber, alibaba device_id, tencent VolumeID) */
	double from_s, until_s;/* time window from the first record, s (until 0: the end) */
	uint8_t flush_policy;  /* enum sc_flush_gen: refuse */
	double flush_every;    /* every_writes: writes; every_ms: milliseconds */
	struct sc_generator gen;
};

enum sc_host_mode { SC_HOST_OPEN = 0, SC_HOST_CLOSED = 1 };
enum sc_map_rule { SC_MAP_WRAP = 0, SC_MAP_SCALE = 1, SC_MAP_ERROR = 2, SC_MAP_DROP = 3 };

struct sc_host {
	uint8_t mode;          /* enum sc_host_mode: open */
	double time_scale;     /* 1.0: open loop, trace time multiplied by this */
	uint32_t queue_depth;  /* 1: closed loop */
	uint8_t map_rule;      /* enum sc_map_rule: wrap (sector mod device size) */
	double stage_us;       /* 2.0: CPU time per protocol step (workqueue hop) */
	double crc_ns_per_byte;/* 2.0: CPU time to checksum a byte */
	uint8_t barrier;       /* enum sc_barrier: the variant's own */
};

/* How dm treats a barrier (flush, PREFLUSH write): the variant's modelled
 * kernel (default), 2.6.30's drain, or passed in order (csum.h). */
enum sc_barrier { SC_BARRIER_DEFAULT = 0, SC_BARRIER_DRAIN = 1, SC_BARRIER_PASS = 2 };

enum sc_crash_kind {
	SC_CRASH_NONE = 0,
	SC_CRASH_AT_TIME = 1,    /* at simulated time(s) in ns */
	SC_CRASH_AT_REQUEST = 2, /* when user request N (0-based) is submitted */
	SC_CRASH_EVERY_FLUSH = 3,/* at every user flush, just as it is submitted */
	SC_CRASH_RANDOM = 4,     /* at K random times in the run */
	SC_CRASH_END = 5,        /* once, after the whole workload completed */
};

/* What survives of the writes that were not durable at a crash. */
enum sc_cache_loss {
	SC_LOSS_ALL = 0,         /* every non-durable write is lost */
	SC_LOSS_PROBABILITY = 1, /* each persists with keep_probability, in a random order */
	SC_LOSS_ADVERSARIAL = 2, /* the structured subsets most likely to break ordering */
	SC_LOSS_EXHAUSTIVE = 3,  /* every subset, when there are at most exhaustive_max writes */
	SC_LOSS_KEEP = 4,        /* exactly the writes listed in `keep` (reproducers) */
};
/* How a write that persists at a crash may be torn. */
enum sc_tear { SC_TEAR_NONE = 0, SC_TEAR_PREFIX = 1, SC_TEAR_SUFFIX = 2, SC_TEAR_SUBSET = 3 };
/* How a crash state's recovery is judged: every sector ever written read
 * back (full), or the durable image once per crash point and then only the
 * runs whose reads the volatile writes touch (incremental: the same report,
 * falling back to full where it could differ). */
enum sc_verify { SC_VERIFY_INCREMENTAL = 0, SC_VERIFY_FULL = 1 };
/* crash.recovery: crash again inside the mount's recovery step, or not */
enum sc_crash_recovery { SC_RECOVERY_OFF = 0, SC_RECOVERY_EACH_WRITE = 1 };

#define SC_MAX_KEEP 64

struct sc_crash {
	uint8_t kind;                       /* enum sc_crash_kind: none */
	uint64_t at[SC_MAX_CRASH_POINTS];   /* times (ns) or request numbers */
	uint32_t n_at;
	uint32_t random_count;              /* K for random */
	uint32_t max_crashes;               /* 0: no cap; else explore at most this many */
	uint8_t cache_loss;                 /* enum sc_cache_loss: all */
	double keep_probability;            /* 0.5: probability mode */
	uint32_t samples;                   /* 1: crash states drawn per crash point (probability mode) */
	uint32_t exhaustive_max;            /* 10: exhaustive mode explores 2^n states up to n writes;
					     * above that it falls back to adversarial */
	uint32_t keep[SC_MAX_KEEP];         /* keep mode: indices of the writes that persist */
	uint32_t n_keep;
	uint8_t tear;                       /* enum sc_tear: none (whole writes) */
	uint32_t shear_bytes;               /* 0: off; else a persisting write's last sector may be
					     * cut inside, at a multiple of this many bytes (shorn write;
					     * a divisor of 512 below 512) */
	double idle_hours;                  /* 0: simulated power-off time before recovery (bit rot
					     * and latent errors keep arriving) */
	uint32_t only_state;                /* UINT32_MAX: every crash state; else only this one
					     * (0-based, in enumeration order: reproducers) */
	uint8_t verify;                     /* enum sc_verify: incremental */
	uint8_t budget_kind;                /* enum sc_budget: none (every state) */
	uint64_t budget_limit;              /* states, or ms of wall time */
	uint8_t recovery;                   /* enum sc_crash_recovery: off (docs/FAULTS.md,
					     * "Crashes during recovery") */
	uint32_t recovery_points;           /* 0: every mount write and flush; else at most this
					     * many per mount, evenly spaced, first and last kept */
	uint32_t recovery_at;               /* 0: every one; else only the mount's Nth write or
					     * flush (1-based: a reproducer) */
	uint32_t recovery_state;            /* UINT32_MAX: every second-level state; else only
					     * this one (0-based: a reproducer) */
};

/* crash.budget: explore states until a count or a wall time runs out. */
enum sc_budget { SC_BUDGET_NONE = 0, SC_BUDGET_STATES = 1, SC_BUDGET_TIME = 2 };
#define SC_BUDGET_MAX_STATES 1000000000000ULL  /* 10^12 */
#define SC_BUDGET_MAX_MS (7ULL * 24 * 3600 * 1000)   /* a week */

/* Which sectors an at-rest fault may hit. */
enum sc_target {
	SC_TARGET_ANY = 0,       /* any written sector */
	SC_TARGET_DATA = 1,      /* data sectors only */
	SC_TARGET_IMD = 2,       /* metadata sectors only */
	SC_TARGET_ONE_COPY = 3,  /* one metadata copy (rfc: M1 or M2) of a group */
	SC_TARGET_BOTH_COPIES = 4, /* both copies of a group at once */
	SC_TARGET_HEADERS = 5,   /* the header bytes of metadata sectors */
};

/* Field fault models (faults/field.c, docs/FAULTS.md): a drive class's
 * measured rates and shapes. A value < 0 (UINT64_MAX for span) is unset:
 * the preset's figure applies (faults/field_presets.c). */
enum sc_field_preset {
	SC_FIELD_NONE = 0,
	SC_FIELD_NEARLINE_HDD = 1,
	SC_FIELD_ENTERPRISE_HDD = 2,
	SC_FIELD_CONSUMER_SSD = 3,
};

struct sc_field_faults {
	uint8_t preset;            /* enum sc_field_preset: none */
	double lse_per_drive_year; /* latent-error clusters per drive-year */
	double cm_per_drive_year;  /* checksum-mismatch sectors per drive-year */
	double drive_tb;           /* capacity the per-drive rates were measured on */
	double accel;              /* simulated time runs this many times the field's */
	double lse_sectors;        /* mean sectors of one latent-error episode */
	double cm_sectors;         /* mean sectors of one checksum-mismatch episode */
	uint64_t span;             /* an episode's sectors lie within +-span of its first */
	double repeat;             /* probability an episode is followed by another nearby */
	double repeat_hours;       /* mean field time to that follow-up */
	double after_write;        /* share of mismatch episodes on a just-written sector */
	double correlate;          /* an episode on one metadata copy hits the others within span */
};

struct sc_faults {
	/* at rest, per written sector per hour of simulated time */
	double rot_rate;          /* 0: bit-rot events */
	uint32_t rot_burst;       /* 1: adjacent sectors hit by one event */
	uint32_t rot_bits;        /* 1: bits flipped in each hit sector */
	uint8_t rot_target;       /* enum sc_target: any */
	double lse_rate;          /* 0: latent sector errors (the sector fails on read until rewritten) */
	uint8_t lse_target;       /* enum sc_target: any */
	/* as writes reach the media */
	double lost_write_p;      /* 0: a write is acknowledged and never persisted */
	double misdirect_p;       /* 0: a write persists at another address (flying write) */
	uint64_t misdirect_distance; /* 0: anywhere on the device; else within +-N sectors */
	/* one-shot, targeted: at time `at_ns`, `count` sectors of `target` */
	uint64_t rot_at_ns;       /* UINT64_MAX: none */
	uint32_t rot_at_count;
	uint64_t lse_at_ns;       /* UINT64_MAX: none */
	uint32_t lse_at_count;
	struct sc_field_faults field;    /* preset none: off */
};

struct sc_fiu_point {
	char name[SC_NAME_MAX * 2];
	double probability; /* fail with this probability ... */
	uint64_t nth;       /* ... or on the Nth call only (1-based; 0: use probability) */
};

/* `csumsim compare`: each listed variant on each listed disk profile.
 * Both lists empty: the scenario is not a comparison. */
#define SC_MAX_COMPARE_VARIANTS 16
#define SC_MAX_COMPARE_PROFILES 3

struct sc_compare {
	char variants[SC_MAX_COMPARE_VARIANTS][SC_NAME_MAX]; /* not empty, no repeats */
	uint32_t n_variants;
	uint8_t profiles[SC_MAX_COMPARE_PROFILES]; /* enum sc_disk_profile, no repeats */
	uint32_t n_profiles;
};

struct sc_output {
	bool per_request_csv; /* false */
	bool plots;           /* true */
	bool baseline;        /* true: also run variant `none` and report ratios */
	bool progress;        /* true: a progress line when stderr is a terminal */
	bool capacity;        /* true: also replay closed loop for the capacity */
	uint32_t capacity_depth; /* 32: user requests outstanding in that replay */
};

/* Parameters of particular variants (0: the variant's own default). */
struct sc_variant_options {
	uint64_t apart_sectors;          /* rfc-apart, fixed-strong: distance of M2 from M1 */
	uint32_t journal_sectors;        /* journal: journal region incl. superblock (>= 64) */
	uint32_t commit_interval_writes; /* journal: records per commit, 1..32 */
	uint32_t bitmap_region_sectors;  /* bitmap: dm sectors per bit, a multiple of 62 */
	/* dmi-*: the kernel's target arguments (docs/DMINTEGRITY.md) */
	uint32_t dmi_interleave_sectors;
	uint32_t dmi_sectors_per_bit;
	uint32_t dmi_commit_time_ms;
	uint32_t dmi_bitmap_flush_ms;
	uint32_t dmi_journal_watermark;
	bool dmi_allow_discards;
};

/* `expect:` one expectation on a measured quantity of the run:
 * METRIC OP VALUE (metrics: scenarios/sc_expect.h, docs/SCENARIO.md). */
#define SC_MAX_EXPECT 32
enum sc_expect_op { SC_OP_EQ = 0, SC_OP_LE = 1, SC_OP_GE = 2, SC_OP_LT = 3, SC_OP_GT = 4 };

struct sc_expect {
	uint16_t metric; /* enum sc_metric */
	uint8_t op;      /* enum sc_expect_op */
	double value;    /* finite */
};

/* `quick:` a --set style override applied in quick mode (`csumsim check
 * --quick`): the key as --set names it, the value as YAML text (a scalar,
 * or a flow list of scalars) that scenario_set reads back. */
#define SC_MAX_QUICK 16
#define SC_QUICK_KEY_MAX 96
#define SC_QUICK_VALUE_MAX 256

struct sc_quick {
	char key[SC_QUICK_KEY_MAX];
	char value[SC_QUICK_VALUE_MAX];
};

/* `sweep:` parameter lists that expand the scenario into runs (csumsim
 * sweep, scenarios/sweep.h): each param is a --set key with the values it
 * takes, as YAML text (a scalar, or a flow list of scalars). */
#define SC_MAX_SWEEP_PARAMS 6
#define SC_MAX_SWEEP_VALUES 32
#define SC_SWEEP_VALUE_MAX 128
#define SWEEP_MAX_POINTS 100000u

struct sc_sweep_param {
	char key[SC_QUICK_KEY_MAX];
	uint32_t n_values;
	char values[SC_MAX_SWEEP_VALUES][SC_SWEEP_VALUE_MAX];
};

struct sc_sweep {
	uint32_t replicas;      /* 1: seeds per parameter point */
	uint32_t n_params;      /* 0: not a sweep */
	struct sc_sweep_param params[SC_MAX_SWEEP_PARAMS];
	double knee_p99_ms;     /* 0: off; with host.time_scale swept, the latency
				 * bound of the knee (reports/sweep_knee.c) */
};

struct scenario {
	char file[SC_PATH_MAX]; /* where it was read from ("" for defaults) */
	char name[SC_NAME_MAX];
	char description[256];
	uint64_t seed;          /* 1 */
	char variant[SC_NAME_MAX]; /* "rfc" */
	uint8_t flush_policy;   /* enum csum_flush_policy: the variant's own default */
	bool flush_policy_set;
	struct sc_variant_options vopts;
	struct sc_device device;
	struct sc_disk disk;    /* the data device (and the imd device unless imd_disk_set) */
	struct sc_disk imd_disk;/* separate placement: the imd device's own disk */
	bool imd_disk_set;
	struct sc_trace trace;
	struct sc_host host;
	struct sc_crash crash;
	struct sc_faults faults;
	struct sc_fiu_point fiu[SC_MAX_FIU];
	uint32_t n_fiu;
	struct sc_output output;
	struct sc_compare compare;
	struct sc_expect expect[SC_MAX_EXPECT]; /* what `csumsim check` asserts */
	uint32_t n_expect;
	struct sc_quick quick[SC_MAX_QUICK];    /* overrides of `csumsim check --quick` */
	uint32_t n_quick;
	struct sc_sweep sweep;                  /* what `csumsim sweep` expands */
};

/* A name that can be a file name and a table cell as it is: letters,
 * digits, '_', '-', '.'; not empty, not "." or "..". */
bool sc_plain_name(const char *name);

void scenario_defaults(struct scenario *s);
/* A disk's defaults (disk: and imd_disk: of scenario_defaults). */
void sc_disk_defaults(struct sc_disk *d);
/* Every field-model parameter unset, preset none. */
void sc_field_unset(struct sc_field_faults *f);
/* Is the key under faults.field (its full path) given a value? The preset
 * counts as given when it is not none. */
bool sc_field_key_set(const struct sc_field_faults *f, const char *path);
/* True when the scenario has a sweep section (parameter lists or replicas):
 * csumsim sweep expands it into runs (scenarios/sweep.h). */
bool scenario_is_sweep(const struct scenario *s);
/* Load a YAML scenario over the defaults. Every error names the file, the
 * line and column, and the key. Returns 0 or -1. */
int scenario_load(struct scenario *s, const char *path, struct cs_err *err);
/* The same from text in memory, as if read from `path` (the fuzz targets). */
int scenario_load_text(struct scenario *s, const char *path, const unsigned char *text,
		       size_t len, struct cs_err *err);
/* Apply one `key.path=value` override (as `--set` gives it). */
int scenario_set(struct scenario *s, const char *assignment, struct cs_err *err);
/* Applies the `quick:` overrides in their order, each as --set would (the
 * caller then applies its own --set and validates). 0, or -1 with err
 * naming the scenario file and the key. */
int scenario_apply_quick(struct scenario *s, struct cs_err *err);
/* Cross-field checks after loading and overrides. */
int scenario_validate(const struct scenario *s, struct cs_err *err);
/* Rewrites a relative trace.file, which is relative to the file from_file
 * it was read from, relative to directory dest_dir (which need not exist
 * yet; its parent must), for a copy of the scenario written there. */
int scenario_rebase_trace(struct scenario *s, const char *from_file, const char *dest_dir,
			  struct cs_err *err);
/* The trace file's path as opened (relative to the scenario's folder):
 * 0, or -1 when it does not fit in n. */
int scenario_trace_path(const struct scenario *s, char *out, size_t n);
/* The trace file exists, is readable and is not a folder: 0, else -1 with
 * "FILE:LINE:COL: field 'trace.file': cannot read 'PATH': REASON". */
int scenario_check_trace_file(const struct scenario *s, struct cs_err *err);
/* The effective scenario as canonical YAML (for reports and reproducers);
 * returns a malloc'd string. */
char *scenario_to_yaml(const struct scenario *s);

#endif
