/* The scenario schema: one table of every key, its type, where it lives in
 * struct scenario, its range. The loader, --set and the YAML writer all walk
 * this one table, so a key cannot be readable but not written, or the reverse. */
#ifndef CSUMSIM_SCENARIOS_SC_SCHEMA_H
#define CSUMSIM_SCENARIOS_SC_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

enum sc_kind {
	SCK_SECTION,  /* a mapping of further keys */
	SCK_DISK,     /* a mapping shaped by sc_disk_schema (disk, imd_disk) */
	SCK_STR,      /* char[size] */
	SCK_U64,
	SCK_U32,
	SCK_F64,      /* double; unit_ns > 0: also takes a time suffix */
	SCK_BOOL,
	SCK_ENUM,     /* uint8_t index into names */
	SCK_SECTORS,  /* uint64_t sectors, or a byte size with a suffix */
	SCK_SIZES,    /* trace.generator.sizes: a sequence of u32 */
	SCK_CRASH_AT, /* crash.at: a sequence of ns or request numbers */
	SCK_FIU,      /* faults.fiu: a sequence of {point, probability | nth} */
	SCK_FLUSH,    /* flush_policy: drop | forward | default (unset) */
	SCK_KEEP,     /* crash.keep: a sequence of write indices, no repeats */
	SCK_STATE,    /* crash.state: all (UINT32_MAX) or a u32 index */
	SCK_AT_OPT,   /* faults.*.at: a time in ns, or none (UINT64_MAX) */
	SCK_NAMES,    /* compare.variants: a sequence of names, no repeats */
	SCK_PROFILES, /* compare.profiles: a sequence of disk profiles, no repeats */
	SCK_EXPECT,   /* expect: a sequence of expectations (scenarios/sc_expect.h) */
	SCK_QUICK,    /* quick: a mapping of --set keys to values, for quick mode */
	SCK_SWEEP,    /* sweep.params: a mapping of --set keys to lists of values */
	SCK_BUDGET,   /* crash.budget: none, N [states], or a duration (60s, 10m, 2h) */
};

struct sc_field {
	const char *path;        /* dotted, relative to its table */
	uint8_t kind;            /* enum sc_kind */
	size_t off;              /* in struct scenario (or struct sc_disk) */
	size_t size;             /* SCK_STR: the array size */
	const char *const *names;/* SCK_ENUM */
	double min, max;         /* inclusive range of numbers */
	double unit_ns;          /* SCK_F64: its unit in ns (0: not a duration) */
};

struct sc_table {
	const struct sc_field *f;
	size_t n;
};

extern const struct sc_table sc_root_schema;
extern const struct sc_table sc_disk_schema;

/* Enum names, in enum order, NULL-terminated. */
extern const char *const sc_profile_names[];
extern const char *const sc_field_names[];
extern const char *const sc_sched_names[];
extern const char *const sc_placement_names[];
extern const char *const sc_devfmt_names[];
extern const char *const sc_devsize_names[];
extern const char *const sc_flush_names[];
extern const char *const sc_format_names[];
extern const char *const sc_flush_gen_names[];
extern const char *const sc_pattern_names[];
extern const char *const sc_host_mode_names[];
extern const char *const sc_map_names[];
extern const char *const sc_barrier_names[];
extern const char *const sc_crash_names[];
extern const char *const sc_cache_loss_names[];
extern const char *const sc_tear_names[];
extern const char *const sc_verify_names[];
extern const char *const sc_recovery_names[];
extern const char *const sc_atomic_names[];
extern const char *const sc_reorder_names[];
extern const char *const sc_honour_names[];
extern const char *const sc_target_names[];

/* The field at a full dotted path, with its offset in struct scenario;
 * NULL if no such key. */
const struct sc_field *sc_schema_find(const char *path, size_t *off);
/* The keys directly inside section `path` ("" = the top), comma-separated,
 * for an "unknown key" message. */
void sc_schema_children(const char *path, char *buf, size_t len);

#endif
