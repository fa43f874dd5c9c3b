/* Recovery after a crash: a fresh instance of the variant, its own mount
 * procedure (journal replay, ...), then every sector ever written read back
 * through the protocol and judged by the oracle, and one write tried in each
 * 62-sector group that could not be read. Internal to sim/. */
#ifndef CSUMSIM_SIM_RECOVER_H
#define CSUMSIM_SIM_RECOVER_H

#include "reports/metrics.h"
#include "sim/world.h"
#include "util/err.h"

/* Recovers w (crashed, nothing in flight) and adds what the read-back found
 * to cr. 0, or -1 with err set. */
int recover(struct world *w, struct crash_report *cr, struct cs_err *err);

#endif
