/* What one run measured. The simulator fills a struct run_metrics; reports/
 * turns it into report.json, CSV, summary.md and plots. Definitions of every
 * field: docs/METRICS.md. */
#ifndef CSUMSIM_REPORTS_METRICS_H
#define CSUMSIM_REPORTS_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/csum.h"

/* A latency histogram in nanoseconds: log-linear buckets (64 per power of
 * two, so a percentile is within 1.6% of the truth), exact count, sum, min
 * and max. */
#define HIST_SUB 64
#define HIST_POW 48
struct hist {
	uint64_t count;
	uint64_t sum;
	uint64_t min, max;
	uint64_t bucket[HIST_POW * HIST_SUB];
};

void hist_init(struct hist *h);
void hist_add(struct hist *h, uint64_t v);
/* Value at quantile q in [0, 1] (upper edge of its bucket, clamped to max);
 * 0 for an empty histogram. */
uint64_t hist_quantile(const struct hist *h, double q);
void hist_merge(struct hist *into, const struct hist *from);
/* Lower edge, in ns, of bucket i (for CDF plots). */
uint64_t hist_bucket_low(size_t i);

/* The oracle's classes for data returned to (or refused to) the user. */
enum oracle_class {
	ORC_CORRECT = 0,  /* an acceptable version returned */
	ORC_STALE,        /* an older version than the oracle allows, returned */
	ORC_FALSE_POS,    /* error returned although the data were good */
	ORC_DETECTED,     /* error returned and the data were bad */
	ORC_SILENT,       /* wrong data returned: never written there, or damaged */
	ORC_CLASS_COUNT
};

struct oracle_counts {
	uint64_t sectors[ORC_CLASS_COUNT];  /* per sector */
	uint64_t requests[ORC_CLASS_COUNT]; /* per read request: its worst sector */
	uint64_t not_completed;             /* reads that never completed (hang) */
};

/* Injected faults and what became of each. */
enum fault_type {
	FT_CACHE_LOSS = 0, /* a non-durable write lost at a crash */
	FT_TORN,           /* a write persisted in part (whole sectors) at a crash */
	FT_SHORN,          /* a write cut inside a sector at a crash */
	FT_LOST_WRITE,     /* acknowledged, never persisted */
	FT_MISDIRECT,      /* persisted at another address */
	FT_BITROT,         /* bits flipped at rest */
	FT_LSE,            /* latent sector error: the sector fails on read */
	FT_IO_ERROR,       /* a sub-I/O failed */
	FT_ALLOC,          /* an allocation failed (libfiu point) */
	FT_COUNT
};

/* The outcome of a fault: how the next read of the user sectors it affected
 * turned out (the worst of them), or what the recovery read-back saw. */
enum fault_outcome {
	FO_DETECTED = 0, /* an error, and the data were bad */
	FO_SILENT,       /* wrong data returned as good */
	FO_STALE,        /* an older version returned: an acknowledged write lost unnoticed */
	FO_FALSE_POS,    /* an error on good data (the fault hit metadata) */
	FO_MASKED,       /* read back correct: overwritten, or harmless */
	FO_UNREAD,       /* never read again */
	FO_COUNT
};

struct fault_outcomes {
	uint64_t n[FT_COUNT][FO_COUNT];
};

/* A second-level crash state that broke the durability contract, with
 * what re-runs it alone (a reproducer: crash.at, crash.state,
 * crash.recovery_at, crash.recovery_state). */
#define RECOVERY_KEPT 16
struct recovery_violation {
	uint32_t crash;            /* crash point index */
	uint32_t state;            /* the first-level state at that point */
	uint64_t mount_io;         /* the mount's write or flush it crashed at (1-based) */
	uint32_t rstate;           /* the second-level state there (0-based) */
	uint8_t crash_kind;        /* the crash point, as in struct violation */
	uint64_t crash_value;
	uint64_t record_limit;
	char label[64];            /* the second-level state */
	struct oracle_counts counts;
};

/* Crashes during recovery (crash.recovery: each_write): the power fails
 * again as each write or flush of the mount (journal replay, bitmap
 * recompute) completes; each crash state of what was not durable then is
 * recovered a second time and judged like a first-level state. Sums over
 * the first-level states of a crash point, or of a run. */
struct recovery_crashes {
	uint64_t states_run;       /* first-level states whose mount was crashed */
	uint64_t mount_ios;        /* writes and flushes those mounts made */
	uint64_t points;           /* of those, crashed at (all, or crash.recovery_points) */
	uint64_t writes, flushes;  /* of those points, by kind */
	uint64_t states;           /* second-level crash states recovered */
	uint64_t violating;        /* of those, with stale, silent, false-positive or hung sectors */
	uint64_t sectors_checked;
	struct oracle_counts counts;
	char worst[96];            /* where the worst one crashed ("" when none violated) */
	uint64_t worst_badness;
	uint32_t n_kept;           /* the first RECOVERY_KEPT violating states, in order */
	struct recovery_violation kept[RECOVERY_KEPT];
};

/* into += from; from's worst case replaces into's when strictly worse;
 * from's kept violations follow into's while there is room. */
void recovery_crashes_add(struct recovery_crashes *into, const struct recovery_crashes *from);

/* One crash and the recovery pass after it. */
struct crash_report {
	uint32_t index;
	uint64_t time_ns;          /* simulated time of the crash */
	uint64_t requests_before;  /* user requests submitted before it */
	uint64_t cached_sectors;   /* sectors in volatile caches at the crash */
	uint64_t lost_sectors;     /* of those, not persisted */
	uint64_t inflight_requests;/* user requests submitted, not completed */
	uint64_t sectors_checked;  /* every sector ever written, read back */
	struct oracle_counts counts;
	char trigger[48];          /* "flush #12", "request 400", "time 1.5 s" */
	/* crash exploration: the states of the volatile writes examined here */
	uint32_t states;           /* crash states examined at this point */
	uint32_t distinct_states;  /* of those, leaving distinct bytes in the non-durable
				    * writes' sectors (sim/state_hash.h) */
	uint32_t violating_states; /* of those, with stale, silent, false-positive or hung sectors */
	uint32_t volatile_writes;  /* writes not durable at the crash */
	uint32_t sampled_states;   /* of the states, from a fixed list standing in for all */
	char worst_state[64];      /* label of the worst state ("" when all were clean) */
	/* availability after recovery (sums over the states) */
	uint64_t unreadable_sectors; /* read back with an error (false positive or detected) */
	uint64_t probed_groups;      /* 62-sector groups holding one: a write was tried in each */
	uint64_t unwritable_groups;  /* of those, the write failed or never completed */
	uint32_t failed_mounts;      /* states whose recovery step failed: the device came
				      * up failed and refused every request after it */
	struct recovery_crashes recovery; /* crashes during its states' recoveries */
};

/* Throughput over time: completed user bytes per bin. */
#define TPUT_MAX_BINS 4096
struct tput_series {
	uint64_t bin_ns;
	uint32_t n_bins;
	uint64_t read_bytes[TPUT_MAX_BINS];
	uint64_t write_bytes[TPUT_MAX_BINS];
};

/* One user request, for the optional per-request CSV. */
struct req_record {
	uint64_t id;
	uint64_t t_submit, t_done; /* t_done = UINT64_MAX: never completed */
	uint64_t sector;
	uint32_t count;
	uint8_t op;
	uint32_t flags;
	int result;
	uint32_t pieces;
	uint32_t sub_ios;
	uint8_t oracle; /* enum oracle_class for reads, else 255 */
};

struct dev_metrics {
	uint64_t reads, writes, flushes;
	uint64_t read_sectors, write_sectors;
	uint64_t fua_writes, barrier_writes, preflushes;
	uint64_t media_write_sectors;
	uint64_t busy_ns;
};

/* Whether the device kept up with the offered load: a backlog that grows
 * to the end of the replay with the device busy nearly all the time means
 * latencies measure queueing, not the scheme (docs/METRICS.md). */
struct load_info {
	bool saturated;
	double busy_frac;          /* busiest device: busy time / replay time */
	uint64_t backlog_max;      /* most user requests submitted, not completed */
	uint64_t backlog_end;      /* at the last arrival */
};

/* The trace replayed closed loop at queue_depth outstanding requests, in
 * trace order with its flush/FUA dependencies and sizes (docs/METRICS.md). */
struct capacity_info {
	bool measured;
	bool stalled;              /* a request never completed: figures are partial */
	uint32_t queue_depth;
	uint64_t time_ns;          /* simulated time to finish (or to the stall) */
	uint64_t requests_done;
	uint64_t bytes_done;       /* user bytes read and written */
	double iops, mib_s;
};

/* crash.budget: how much of the crash-state space a budgeted exploration
 * covered (docs/METRICS.md). */
enum budget_kind { BUDGET_NONE = 0, BUDGET_STATES, BUDGET_TIME };
struct budget_info {
	uint8_t kind;              /* enum budget_kind */
	uint64_t limit;            /* states, or ms */
	uint64_t explored;         /* states explored (= crash_states) */
	uint64_t space;            /* states the crash points have in all */
};

/* "covered 37% of 13,520 states (5,000 explored)" (percent rounded down). */
void budget_covered(const struct budget_info *bi, char *buf, size_t n);

/* A field fault model's exposure (faults/field.c), for the risk per
 * TB-year (reports/risk.h); on = false: the run had none. */
struct field_exposure {
	bool on;
	char preset[24];
	double tb_years;            /* written TB x simulated years x accel */
	double lse_per_tb_year;     /* the model's episode rates (field time) */
	double cm_per_tb_year;
	double cm_sectors;          /* mean sectors of a mismatch episode */
	uint64_t episodes[2];       /* latent errors, checksum mismatches injected */
	uint64_t followups[2];
	uint64_t correlated;        /* sibling metadata copies hit through correlation */
};

struct run_metrics {
	char variant[64];
	uint64_t sim_time_ns;       /* simulated time at the end of the replay */
	/* user side, by enum csum_op */
	uint64_t user_requests[4];
	uint64_t user_sectors[4];
	uint64_t user_errors[4];    /* completed with an error */
	uint64_t user_hung[4];      /* submitted, never completed */
	uint64_t user_not_submitted;/* closed loop: never submitted, the queue hung */
	uint64_t user_unsupported;  /* discards and the like refused at once */
	uint64_t user_remapped;     /* requests whose address had to be mapped in */
	uint64_t user_dropped;      /* requests dropped by the address rule */
	/* protocol side */
	uint64_t pieces;            /* nice pieces the requests were split into */
	uint64_t evil_requests;     /* requests that needed splitting */
	uint64_t sub_ios[CSUM_ROLE_COUNT];
	uint64_t sub_io_sectors[CSUM_ROLE_COUNT];
	uint64_t verdicts[5];       /* enum csum_verdict counts, over read sectors */
	uint64_t lock_wait_ns;      /* total time pieces waited for the lock */
	bool lock_lost;             /* a piece ended without releasing the lock */
	/* of the hung requests, those dm never handed to the target: queued
	 * behind a barrier still waiting for an earlier request (host.barrier
	 * drain, the 2.6.30 dm core) */
	uint64_t barrier_held;
	/* devices */
	uint32_t n_devs;
	struct dev_metrics dev[CSUM_MAX_DEVS];
	/* latency of completed user requests */
	struct hist lat_all, lat_read, lat_write, lat_flush;
	struct tput_series tput;
	/* the oracle */
	struct oracle_counts reads;
	struct crash_report *crashes;
	uint32_t n_crashes, cap_crashes;
	/* per request (only when asked for) */
	struct req_record *records;
	size_t n_records, cap_records;
	/* memory */
	uint64_t media_sectors, media_bytes, oracle_bytes;
	/* the field model, when the run has one */
	struct field_exposure field;
	/* faults */
	struct fault_outcomes faults;       /* injected in the replay, resolved by its reads */
	struct fault_outcomes crash_faults; /* per crash state: pending at the crash or injected
					     * by it, resolved by the recovery read-back */
	uint64_t crash_states;     /* crash states examined, all points */
	uint64_t crash_distinct;   /* of those, distinct (per point: sum of distinct_states) */
	struct budget_info budget; /* kind BUDGET_NONE: every state explored */
	uint64_t sampled_states;   /* of those, from a fixed list standing in for all */
	uint64_t violations;       /* states with stale, silent, false-positive or hung sectors */
	struct violation *viol;    /* the first VIOLATIONS_KEPT of them */
	uint32_t n_viol, cap_viol;
	/* stall: the first user request (0-based, in trace order) that never
	 * completed, or UINT64_MAX; every number after it covers a prefix only */
	uint64_t stalled_at;
	uint64_t requests_total;   /* user requests in the workload */
	/* load at the trace's arrival rate (open loop) */
	struct load_info load;
	/* crash.recovery (enum sc_crash_recovery) the crashes ran with, and
	 * whether the variant has a recovery step at mount at all */
	uint8_t recovery_mode;
	bool recovery_step;
	/* capacity: the same requests replayed closed loop, as fast as the
	 * scheme completes them (measured = false: not run) */
	struct capacity_info capacity;
};

/* A crash state whose recovery found stale, silent or false-positive
 * sectors, or hung: enough to write a scenario that reproduces it alone. */
#define VIOLATIONS_KEPT 32
struct violation {
	uint32_t crash;            /* crash point index */
	uint32_t state;            /* crash state index at that point */
	char trigger[48];
	char label[64];            /* the crash state */
	uint8_t crash_kind;        /* enum crash_kind (faults/crash.h) */
	uint64_t crash_value;      /* request index or time (ns) */
	uint64_t record_limit;     /* trace records that suffice to reach the crash */
	struct oracle_counts counts;
};

/* Counts every violation; keeps the first VIOLATIONS_KEPT. 0 or -1 (ENOMEM). */
int run_metrics_add_violation(struct run_metrics *m, const struct violation *v);

/* Wilson score interval for k successes in n trials at 95%: [*lo, *hi];
 * [0, 1] when n is 0. */
void wilson95(uint64_t k, uint64_t n, double *lo, double *hi);
const char *fault_type_name(int t);     /* "cache_loss", "torn", ... */
const char *fault_outcome_name(int o);  /* "detected", "silent", ... */

/* Allocates nothing until used; free with run_metrics_free. */
void run_metrics_init(struct run_metrics *m, const char *variant, uint64_t tput_bin_ns);
void run_metrics_free(struct run_metrics *m);
/* 0, or -1 when memory runs out. */
int run_metrics_add_crash(struct run_metrics *m, const struct crash_report *c);
int run_metrics_add_record(struct run_metrics *m, const struct req_record *r);
void run_metrics_tput_add(struct run_metrics *m, uint64_t t_ns, uint8_t op, uint64_t bytes);

const char *oracle_class_name(int c);   /* "correct", "stale", ... */
const char *csum_op_name(int op);       /* "read", "write", "flush", "discard" */
const char *csum_role_name(int role);   /* "data_read", "imd_write", ... */
const char *csum_verdict_name(int v);

/* A read request's class is the worst of its sectors' classes, by this rank
 * (higher is worse): correct 0 < false_positive 1 < detected 2 < stale 3 <
 * silent 4; -1 for an unknown class. Why this order: docs/METRICS.md. */
static inline int oracle_class_rank(int c)
{
	/* Worst first: wrong data accepted (never legitimate, then an old
	 * version), then a justified error, then an unjustified one. */
	static const int rank[ORC_CLASS_COUNT] = {
		[ORC_CORRECT] = 0, [ORC_FALSE_POS] = 1, [ORC_DETECTED] = 2,
		[ORC_STALE] = 3, [ORC_SILENT] = 4,
	};
	if (c < 0 || c >= ORC_CLASS_COUNT)
		return -1;
	return rank[c];
}
/* The worse of two classes (a on a tie). Fold over the sectors of a request,
 * starting from ORC_CORRECT. Inline: called per sector read back (a call of
 * its own was about 7 % of the demo's crash points). */
static inline int oracle_class_worst(int a, int b)
{
	return oracle_class_rank(b) > oracle_class_rank(a) ? b : a;
}

#endif
