/* A world: what one replay runs on (engine, media, disks, the variant's
 * instance, faults, oracle, libfiu points), with a host on top while
 * requests flow. Internal to sim/. */
#ifndef CSUMSIM_SIM_WORLD_H
#define CSUMSIM_SIM_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/csum.h"
#include "faults/faults.h"
#include "faults/hooks.h"
#include "reports/metrics.h"
#include "scenarios/scenario.h"
#include "sim/disk.h"
#include "sim/engine.h"
#include "sim/host.h"
#include "sim/media.h"
#include "sim/oracle.h"
#include "util/err.h"
#include "util/rng.h"

struct world;

/* Each enabled point decides from its own seeded stream, so a run and its
 * crash re-runs see the same failures at the same calls. */
struct fiu_state {
	struct cs_rng rng;
	double probability;
	uint64_t nth;
	uint64_t calls;
	uint8_t type;       /* FT_ALLOC or FT_IO_ERROR */
	struct world *w;    /* to attribute a failure to what it hit */
};

struct world {
	const struct scenario *sc;
	const struct csum_variant_ops *ops;
	void *ctx;
	struct csum_table table;
	struct csum_options opts;
	struct engine engine;
	struct media *media;
	struct disk *disk[CSUM_MAX_DEVS];
	unsigned n_devs;
	struct oracle oracle;
	struct host *host;
	struct fault_set *fs;        /* the faults acting now */
	struct fault_hooks hooks;    /* forward to fs, whichever it is */
	struct fiu_state fiu[SC_MAX_FIU];
	bool fiu_enabled;
	uint64_t content_seed;
	/* every media sector a disk reads, as it reads it (NULL: nobody asks) */
	void (*read_tap)(void *arg, unsigned dev, uint64_t sector);
	void *read_tap_arg;
	/* a crash pass's durable judgement, carried between its crash points
	 * (sim/verify_carry.h; NULL: none) */
	struct carry *carry;
	/* a crash point explored in this process left the media's or oracle's
	 * tables grown (sim/recovery_world.c): their bytes are no longer those
	 * of a replay that explored nothing */
	bool memory_moved;
};

int world_new(struct world *w, const struct scenario *sc, const struct csum_variant_ops *ops,
	      struct cs_err *err);
void world_free(struct world *w);
/* A fresh instance of the variant (a module load after a crash). */
int world_variant_init(struct world *w, struct cs_err *err);
/* Disables the scenario's libfiu points (recovery runs without injection). */
void world_fiu_off(struct world *w);
/* The power back after a crash, before a recovery: nothing in flight, the
 * disks' caches empty, a fresh instance of the variant (a module load), no
 * injection. 0, or -1 with err set. */
int world_power_back(struct world *w, struct cs_err *err);
/* Backing device dev's length under the scenario's device.size. */
uint64_t world_dev_sectors(const struct world *w, unsigned dev);
/* Shows the media to opt's media_tap (none: 0). crash UINT32_MAX: the end
 * of the main replay. 0, or -1 with err set when the tap failed. */
struct sim_options;
int world_media_tap(const struct world *w, const struct sim_options *opt, uint32_t crash,
		    uint32_t state, struct cs_err *err);
/* A host on the world's devices; recovery: judged against the crash floor. */
struct host *world_make_host(struct world *w, struct run_metrics *m, bool recovery,
			     bool records, host_done_fn done, void *done_arg);

#endif
