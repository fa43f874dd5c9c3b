/* Crashes during recovery (crash.recovery: each_write; docs/FAULTS.md,
 * "Crashes during recovery"). A variant with a recovery step at mount
 * (journal replay, bitmap recompute) writes while it recovers; the power can
 * fail then too. For one first-level crash state, its mount runs in a child
 * process; as each of the mount's writes and flushes completes, a grandchild
 * cuts the power there, explores every crash state of what was not durable
 * (the scenario's crash-state rules, as at a first-level crash point, with no
 * idle time), and recovers each one again (the mount from the start, then
 * the full read-back) for the oracle to judge. Nothing of it touches the
 * caller's world. Internal to sim/. */
#ifndef CSUMSIM_SIM_RECOVER_CRASH_H
#define CSUMSIM_SIM_RECOVER_CRASH_H

#include <stdint.h>

#include "reports/metrics.h"
#include "sim/world.h"
#include "util/err.h"

/* Where the first-level state stands, naming the random streams of the
 * second-level states (so a reproducer of the point draws the same ones). */
struct recover_crash_where {
	uint8_t kind;    /* the crash point's enum crash_kind */
	uint64_t value;  /* and value */
	uint32_t state;  /* the first-level state's index */
	uint32_t crash;  /* the crash point's index, and the trace records up to it */
	uint64_t record_limit; /* (for the reproducers of violating states) */
};

/* w holds the first-level state applied (media, faults current), not yet
 * recovered, nothing in flight. Adds what its mount's crashes found to sum
 * (with crash.recovery_at / crash.recovery_state: that one point, that one
 * state alone, as a reproducer asks). 0, or -1 with err set. */
int recover_crash_explore(struct world *w, const struct recover_crash_where *at,
			  struct recovery_crashes *sum, struct cs_err *err);

/* How bad a recovery was, for picking the worst: silent, then stale, then
 * false positives, then hangs (0: clean). */
uint64_t recovery_badness(const struct oracle_counts *c);

#endif
