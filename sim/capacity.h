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

/* The capacity replays of a run (the variant's, then none's for a baseline:
 * n is 1 or 2) started in a child process, so they overlap the parent's own
 * replays on another core. */
struct cap_child {
	int pid;         /* 0: no child (none started, or stopped) */
	int fd;          /* the results' pipe, or -1 */
	unsigned n;      /* replays asked for */
	unsigned next;   /* the next result to hand out */
};

/* Starts the child: it replays what sim_capacity(sc, NULL, ...) and, with
 * n == 2, sim_capacity(sc, "none", ...) at sc's capacity depth would, and
 * stops at the first error. A pipe or fork that fails starts nothing: the
 * results are then computed by cap_child_result. sc and w must stay as
 * they are until cap_child_end. */
void cap_child_start(struct cap_child *c, const struct scenario *sc, const struct sim_workload *w,
		     unsigned n);

/* No child: cap_child_result replays each of the n here, in this process
 * (where another process would exceed the processes asked for). */
void cap_child_none(struct cap_child *c, unsigned n);

/* The next replay's result (the variant's, then none's), as sim_capacity
 * would give it in this process: from the child, or, if it has none (did
 * not start, died), by replaying here. 0, or -1 with err. */
int cap_child_result(struct cap_child *c, const struct scenario *sc, const struct sim_workload *w,
		     struct capacity_info *out, struct cs_err *err);

/* Stops and reaps the child if it still runs (an error ended the run early). */
void cap_child_end(struct cap_child *c);

#endif
