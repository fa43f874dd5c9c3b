/* Crash points: where in a replay the power fails. A scenario names them by
 * time, by request number, at every user flush, or at K random times; they
 * all reduce to "before request N is submitted" or "at time T"; `end` is
 * the time the uncrashed replay finished. */
#ifndef CSUMSIM_FAULTS_CRASH_H
#define CSUMSIM_FAULTS_CRASH_H

#include <stddef.h>
#include <stdint.h>

#include "core/csum.h"
#include "scenarios/scenario.h"
#include "util/err.h"

enum crash_kind { CRASH_BEFORE_REQUEST = 0, CRASH_AT_TIME = 1 };

struct crash_point {
	uint8_t kind;    /* enum crash_kind */
	uint64_t value;  /* request index, or simulated time in ns */
	char label[48];  /* "flush #12 (request 400)", "time 1.500000 s", ... */
};

/* The crash points of a scenario over a workload of n requests (their ops and
 * flags), for a run whose uncrashed replay ends at end_ns (mode end). Random
 * points are drawn over [0, span_ns) from the stream (seed, "crash-random"):
 * the caller passes a span that does not depend on the variant (the
 * workload's arrivals), so every variant crashes at the same times. With
 * max_crashes set and more points than that, an evenly spaced subset is kept.
 * Points are sorted by when they happen. Returns 0 with *out (malloc'd, may be
 * NULL when none) and *n_out. */
int crash_plan(const struct sc_crash *c, const struct csum_wl_req *rq, const uint64_t *t_ns,
	       size_t n, uint64_t end_ns, uint64_t span_ns, uint64_t seed,
	       struct crash_point **out, uint32_t *n_out, struct cs_err *err);

#endif
