/* One crash point: the power fails where the replay stands; every crash
 * state of the writes that were not durable is applied to a copy of the media
 * and recovered. Internal to sim/. */
#ifndef CSUMSIM_SIM_CRASH_POINT_H
#define CSUMSIM_SIM_CRASH_POINT_H

#include <stdint.h>

#include "faults/crash.h"
#include "reports/metrics.h"
#include "sim/explore_slice.h"
#include "sim/replay.h"
#include "sim/run.h"
#include "sim/world.h"

/* The crash at cp (plan index `index`), reached by rp on w: fills cr, adds
 * the states' violations, fault outcomes and count to m (and counts, when
 * not NULL). w is left crashed, its replay host dropped without being freed:
 * call it in a process that exits afterwards (crash_pass's child). px says
 * which states (all: lo 0, hi UINT64_MAX) and gets the point's state count,
 * worst badness and new distinct hashes. 0, or -1 with err set. */
int crash_point_explore(struct world *w, const struct replay *rp, const struct crash_point *cp,
			uint32_t index, struct crash_report *cr, struct run_metrics *m,
			struct sim_counts *counts, struct point_extra *px, struct cs_err *err);

/* The same, in the replay's own process (no fork): the crash at time now
 * (>= w's clock) is explored in a recovery world (sim/recovery_world.h) and
 * w is left exactly as it was, its replay free to go on. The scenario must
 * enable no libfiu point. */
int crash_point_explore_here(struct world *w, uint64_t now, const struct replay *rp,
			     const struct crash_point *cp, uint32_t index, struct crash_report *cr,
			     struct run_metrics *m, struct sim_counts *counts,
			     struct point_extra *px, struct cs_err *err);

#endif
