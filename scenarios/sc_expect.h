/* The vocabulary of `expect:`: the metric names a scenario may state an
 * expectation on, the comparison operators, and the compact text form
 * "false_positive == 0". The names live here, beside the schema, so the
 * loader can reject a misspelt one with its file, line and column; what each
 * one measures is computed in reports/expect.c and defined in
 * docs/SCENARIO.md (`expect`). */
#ifndef CSUMSIM_SCENARIOS_SC_EXPECT_H
#define CSUMSIM_SCENARIOS_SC_EXPECT_H

#include <stddef.h>

#include "scenarios/scenario.h"

/* In the order of sc_metric_names. */
enum sc_metric {
	/* crash recovery read-back, sectors summed over every crash state */
	SCM_FALSE_POSITIVE = 0,
	SCM_SILENT,
	SCM_STALE,
	SCM_DETECTED,
	SCM_CRASH_POINTS,
	SCM_CRASH_STATES,
	SCM_VIOLATIONS,
	/* the replay's user requests */
	SCM_REQUESTS,
	SCM_HUNG,
	SCM_HUNG_READ,
	SCM_HUNG_WRITE,
	SCM_HUNG_FLUSH,
	SCM_HUNG_DISCARD,
	SCM_ERRORS,
	SCM_ERRORS_READ,
	SCM_ERRORS_WRITE,
	SCM_ERRORS_FLUSH,
	SCM_ERRORS_DISCARD,
	SCM_LOCK_LOST,
	SCM_REFUSED,      /* requests refused at once (discards the variant lacks) */
	SCM_STALLED,      /* 1 when a request never completed, else 0 */
	SCM_SATURATED,    /* 1 when the device could not keep up with the trace */
	/* the replay's reads, sectors by oracle class */
	SCM_READS_CORRECT,
	SCM_READS_STALE,
	SCM_READS_FALSE_POSITIVE,
	SCM_READS_DETECTED,
	SCM_READS_SILENT,
	SCM_READS_NOT_COMPLETED,
	/* injected faults (replay + crash states), every fault type */
	SCM_FAULTS_INJECTED,
	SCM_FAULTS_DETECTED,
	SCM_FAULTS_SILENT,
	SCM_FAULTS_STALE,
	SCM_FAULTS_FALSE_POSITIVE,
	SCM_DETECTION_RATE,
	/* costs of the replay */
	SCM_SUB_IOS_PER_REQUEST,
	SCM_BYTES_PER_USER_BYTE,
	SCM_FLUSHES_PER_REQUEST,
	SCM_LATENCY_P50_NS,
	SCM_LATENCY_P99_NS,
	SCM_THROUGHPUT,
	SCM_CAPACITY_IOPS,  /* closed-loop replay (output.capacity) */
	SCM_CAPACITY_MIB_S,
	/* ratios to the baseline `none` (the baseline is run for these) */
	SCM_OVH_SUB_IOS_PER_REQUEST,
	SCM_OVH_BYTES_PER_USER_BYTE,
	SCM_OVH_FLUSHES_PER_REQUEST,
	SCM_OVH_LATENCY_P50,
	SCM_OVH_LATENCY_P99,
	SCM_OVH_THROUGHPUT,
	SCM_OVH_CAPACITY,   /* capacity IOPS / the baseline's: below 1 is slower */
	/* crashes during recovery (crash.recovery), second-level states */
	SCM_RECOVERY_POINTS,
	SCM_RECOVERY_STATES,
	SCM_RECOVERY_VIOLATING,
	SCM_RECOVERY_SILENT,
	SCM_RECOVERY_STALE,
	SCM_RECOVERY_FALSE_POSITIVE,
	SCM_RECOVERY_HUNG,
	/* risk per TB-year under a field fault model (reports/risk.h) */
	SCM_RISK_UNDETECTED,        /* undetected episodes per TB-year */
	SCM_RISK_UNDETECTED_HI,     /* its 95% upper bound */
	SCM_RISK_UNDETECTED_SECTORS,/* silent + stale sectors per TB-year */
	SCM_RISK_REFUSED,           /* good sectors refused per TB-year */
	SCM_RISK_REFUSED_HI,        /* its 95% upper bound */
	SCM_COUNT
};

/* Sweeps tabulate the metrics before the risk ones (their point.json and
 * sweep.json keep their shape; a sweep point has no field model to judge). */
#define SCM_SWEPT SCM_RISK_UNDETECTED

/* Metric names in enum order, NULL-terminated. */
extern const char *const sc_metric_names[];
/* "==", "<=", ">=", "<", ">" in enum sc_expect_op order, NULL-terminated. */
extern const char *const sc_expect_op_names[];

#define SC_EXPECT_WHY 320

/* The metric called name, or -1 with a reason in why (SC_EXPECT_WHY bytes)
 * that suggests the nearest known name. */
int sc_metric_find(const char *name, char *why);
/* The operator spelt op, or -1 with a reason in why. */
int sc_expect_op_find(const char *op, char *why);
/* The compact form "METRIC OP NUMBER" (spaces optional around OP) into *e
 * (wholly overwritten); -1 with a reason in why. */
int sc_expect_parse(const char *text, struct sc_expect *e, char *why);
/* *e as its compact form, which sc_expect_parse reads back to the same
 * expectation. */
void sc_expect_format(const struct sc_expect *e, char *buf, size_t n);
/* The shortest decimal that reads back to exactly v. */
void sc_format_double(double v, char *buf, size_t n);

#endif
