/* crash.budget: explore the crash states in a fixed order until a count or
 * a wall time runs out, in passes over the plan (each pass one replay,
 * sim/crash_pass.h, exploring the next states of every point).
 *
 * The order: round k takes state k of every point that has more than k
 * states, in plan order; so a budget of at least the number of points
 * reaches every point, and a larger one goes deeper everywhere alike. Any
 * budget of N states explores exactly the first N states of this order, so
 * a time budget, or a run continued (--resume), gives the report of the
 * count it reached. Internal to sim/. */
#ifndef CSUMSIM_SIM_EXPLORE_BUDGET_H
#define CSUMSIM_SIM_EXPLORE_BUDGET_H

#include <stdint.h>

#include "faults/crash.h"
#include "reports/metrics.h"
#include "sim/run.h"

/* How many of each point's states (space[i]) the first n states of the
 * order hold: q[i]. */
void budget_quota(const uint64_t *space, uint32_t ncp, uint64_t n, uint64_t *q);

/* The budget's exploration of cps (only opt->only_crash when set), from
 * opt->explore when it is loaded; fills m (crashes in plan order, and
 * m->budget) and opt->explore (when not NULL) with where it stands. 0, or
 * -1 with err set. */
int explore_budget(const struct scenario *sc, const struct csum_variant_ops *ops,
		   const struct sim_workload *wl, const struct sim_options *opt,
		   const struct crash_point *cps, uint32_t ncp, struct run_metrics *m,
		   struct sim_counts *counts, struct cs_err *err);

#endif
