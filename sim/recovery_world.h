/* A recovery world inside a replay's world: a crash point explored in the
 * replay's own process, without fork. The replay's engine, disks, host and
 * variant instance are set aside; the recovery runs on a fresh engine (at
 * the crash's time), disks as the replay's would be after the power cut, and
 * a fresh instance of the variant, all on the replay's media and oracle,
 * whose changes an undo log takes back on leaving. Then the replay goes on
 * as if nothing happened. Needs no libfiu point (they would answer from the
 * replay's streams). Internal to sim/. */
#ifndef CSUMSIM_SIM_RECOVERY_WORLD_H
#define CSUMSIM_SIM_RECOVERY_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/world.h"
#include "util/err.h"

/* What the replay set aside while the recovery world runs. */
struct rworld {
	bool on;
	struct engine engine;
	struct disk *disk[CSUM_MAX_DEVS];
	struct host *host;
	struct fault_set *fs;
	void *ctx;          /* the replay's variant instance, its bytes */
	bool fiu_enabled;
	uint64_t media_digest, oracle_digest; /* assertion builds only */
	uint64_t media_shape, oracle_shape;   /* their tables' sizes at enter */
};

/* Turns w into a recovery world crashed at time now (>= w's clock). 0, or
 * -1 with err set (then w is the replay's again). */
int rworld_enter(struct world *w, struct rworld *rw, uint64_t now, struct cs_err *err);
/* Between two crash states: the media back to the crash. 0, or -1 with
 * err set. */
int rworld_next_state(struct world *w, struct cs_err *err);
/* The replay's world back, the media and oracle as at enter (their tables
 * grown, w->memory_moved says). 0, or -1 with err set (the media or oracle
 * could not be put back: the pass must stop). */
int rworld_leave(struct world *w, struct rworld *rw, struct cs_err *err);

#endif
