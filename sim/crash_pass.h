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

#include <stdbool.h>
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

/* The same pass riding on a replay of the caller's (the main run's, so the
 * trace is replayed once): crash_pass_new, crash_pass_attach to the world and
 * replay before it starts, crash_pass_after_replay when it returns (a forked
 * child that explored a point exits there), crash_pass_end for the points
 * past the replay's end and the merge into m, crash_pass_free. A point that
 * fails does not stop the replay it rides on; crash_pass_end says so. */
struct crash_pass;
struct world;
struct replay;
/* NULL: out of memory (err set), or *none: the pass explores no point. err
 * gets the pass's own failures. */
struct crash_pass *crash_pass_new(const struct scenario *sc, const struct csum_variant_ops *ops,
				  const struct sim_options *opt, const struct crash_point *cps,
				  uint32_t ncp, bool want_counts, bool *none, struct cs_err *err);
/* riding: the replay is not the pass's own (a failed point unhooks the pass
 * instead of stopping the replay). 0, or -1 out of memory. */
int crash_pass_attach(struct crash_pass *ps, struct world *w, struct replay *rp, bool riding);
void crash_pass_after_replay(struct crash_pass *ps, struct world *w, struct replay *rp, int rc,
			     const struct cs_err *replay_err);
int crash_pass_end(struct crash_pass *ps, struct world *w, const struct sim_options *opt,
		   struct run_metrics *m, struct sim_counts *counts);
void crash_pass_free(struct crash_pass *ps);
uint32_t crash_pass_points(const struct crash_pass *ps);

/* Adds the state counts of c (one point's) to into. */
void sim_counts_add(struct sim_counts *into, const struct sim_counts *c);

#endif
