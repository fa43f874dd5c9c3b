/* Every crash point of a plan from one replay. Where the replay meets a
 * point it explores the crash and its states in its own process, in a
 * recovery world whose writes to the media and oracle are undone afterwards
 * (sim/recovery_world.h), and goes on. Where that cannot be exact (a libfiu
 * point enabled: its streams are process-wide; a closed loop's request point,
 * met inside a completion) it forks: the child takes the crash exactly as a
 * replay stopped there would and reports back over a pipe. Results are
 * merged in plan order, so the outputs do not depend on which. Internal to
 * sim/. */
#ifndef CSUMSIM_SIM_CRASH_PASS_H
#define CSUMSIM_SIM_CRASH_PASS_H

#include <stdint.h>

#include "faults/crash.h"
#include "reports/metrics.h"
#include "sim/run.h"

/* Explores every point of cps (only opt->only_crash when set) and adds their
 * reports to m in plan order; with opt->slice, what the slice asks of each
 * point, leaving the results in its out[] and m untouched. 0, or -1 with err set (a child that failed or
 * died is an error, never lost). */
int crash_pass(const struct scenario *sc, const struct csum_variant_ops *ops,
	       const struct sim_workload *wl, const struct sim_options *opt,
	       const struct crash_point *cps, uint32_t ncp, struct run_metrics *m,
	       struct sim_counts *counts, struct cs_err *err);

/* Adds the state counts of c (one point's) to into. */
void sim_counts_add(struct sim_counts *into, const struct sim_counts *c);

#endif
