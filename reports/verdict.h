/* The verdict: the answers a reviewer reads first, one row per variant,
 * computed once from each run's metrics and rendered as one table model
 * (reports/table.h) at the top of every report (run, compare, sweep).
 * Definitions: docs/METRICS.md, "Verdict". */
#ifndef CSUMSIM_REPORTS_VERDICT_H
#define CSUMSIM_REPORTS_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "reports/compare_priv.h"
#include "reports/table.h"

struct verdict {
	char variant[64];
	char profile[64];           /* "" when the report has one profile */
	uint64_t states, violating; /* crash states explored / violating the contract */
	uint64_t space;             /* crash.budget: states there were (0: no budget) */
	/* crash.recovery: second-level states (crashes during recovery), of
	 * those violating; both 0 when it was off */
	uint64_t rec_states, rec_violating;
	/* sectors over the replay's reads and every recovery read-back */
	uint64_t false_pos, silent, stale;
	struct cmp_rate detection;  /* every fault type, replay and crash states */
	uint64_t hung;              /* user requests never completed */
	uint64_t refused;           /* refused as unsupported (discards) */
	bool stalled;               /* costs and rates cover a prefix only */
	uint64_t stalled_at;        /* 0-based request index, UINT64_MAX: unknown */
	uint64_t requests_total;
	bool saturated;
	double busy_frac;
	bool has_base;              /* a `none` run to take ratios against */
	bool cap_measured;
	bool cap_stalled;           /* the capacity replay itself stalled (it runs apart,
				     * fault-free: complete even when the run stalled) */
	double capacity_ratio;      /* capacity MiB/s over none's; NaN: n/a */
	double sub_io_ratio;        /* sub-I/Os per request over none's */
	bool integrity_ok;          /* consistent, nothing false-positive, silent, stale or hung */
	uint64_t runs, runs_stalled;/* a sweep's runs of this variant (verdict_add) */
	uint64_t cap_n, sub_n;      /* of those, with a defined capacity, sub-I/O ratio */
};

/* base: the `none` run on the same trace and profile, or NULL. */
void verdict_of(const char *variant, const char *profile, const struct run_metrics *m,
		const struct run_metrics *base, struct verdict *v);
/* The verdict table, one row per verdict; a profile column when
 * with_profile. */
void verdict_table(const struct verdict *v, size_t n, bool with_profile, struct tbl *t);
/* "stalled at request K of N" (K 1-based) or "stalled (H hung)", for any
 * table that shows a stalled variant's costs or rates. */
void verdict_stall_text(const struct run_metrics *m, char *buf, size_t size);
/* Several verdicts of one variant (a sweep's runs) as one: counts summed,
 * the detection rate over the summed k and n, ratios averaged over the
 * runs that have them, saturated and stalled when any run was. */
void verdict_add(struct verdict *into, const struct verdict *v, bool first);

/* The verdict in JSON (report.json, compare.json, a sweep's point.json) and
 * back: 0, or -1 when a field is missing or of the wrong type. */
struct jb;
struct json_t;
struct json_t *verdict_json(struct jb *b, const struct verdict *v);
int verdict_from_json(const struct json_t *o, struct verdict *v);

/* The verdict block: a heading, the table and a line on how to read it. */
int verdict_block(struct doc *d, const struct verdict *v, size_t n, bool with_profile);

#endif
