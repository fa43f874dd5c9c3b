/* Capacity: what a scheme costs, measured as how fast it completes the
 * workload rather than at the trace's arrival rate. The same requests are
 * replayed closed loop (trace order, sizes and flush/FUA flags kept) with a
 * fixed number outstanding, without crashes or injected faults: a fault is
 * what a run measures, not what the scheme costs. */
#ifndef CSUMSIM_SIM_CAPACITY_H
#define CSUMSIM_SIM_CAPACITY_H

#include <stdint.h>

#include "reports/metrics.h"
#include "scenarios/scenario.h"
#include "sim/run.h"
#include "util/err.h"

/* Replays w through `variant` (NULL: the scenario's) closed loop at
 * queue_depth and fills *out (measured = true). 0, or -1 with err. */
int sim_capacity(const struct scenario *sc, const char *variant, const struct sim_workload *w,
		 uint32_t queue_depth, struct capacity_info *out, struct cs_err *err);

#endif
