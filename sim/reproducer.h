/* A violation found by crash exploration, as a scenario that reproduces it
 * alone: the same scenario and seed, the workload cut just after the crash
 * point, that one crash point, that one crash state. */
#ifndef CSUMSIM_SIM_REPRODUCER_H
#define CSUMSIM_SIM_REPRODUCER_H

#include "reports/metrics.h"
#include "scenarios/scenario.h"
#include "util/err.h"

/* Fills out from sc and v. `dest_dir` is the directory the reproducer file
 * will be written to (it need not exist yet; its parent must): the trace
 * path is rewritten relative to it. 0, or -1 with err set. */
int sim_reproducer(const struct scenario *sc, const struct violation *v, uint32_t number,
		   const char *dest_dir, struct scenario *out, struct cs_err *err);
/* The same for a second-level state (a crash during recovery): that crash
 * point and first-level state, the mount's write or flush it crashed at
 * (crash.recovery_at) and its state there (crash.recovery_state). */
int sim_reproducer_recovery(const struct scenario *sc, const struct recovery_violation *v,
			    uint32_t number, const char *dest_dir, struct scenario *out,
			    struct cs_err *err);

#endif
