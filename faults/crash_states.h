/* Crash states: which of the writes that were not durable at a power failure
 * persist, in what order, whole or torn. The exploration replays to a crash
 * point once, snapshots the media, and applies each state to a restored copy
 * before the recovery pass. */
#ifndef CSUMSIM_FAULTS_CRASH_STATES_H
#define CSUMSIM_FAULTS_CRASH_STATES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/csum.h"
#include "faults/faults.h"
#include "faults/hooks.h"
#include "scenarios/scenario.h"
#include "faults/media_if.h"
#include "util/rng.h"

/* A non-durable write, copied out of the disk (owned). */
struct crash_write {
	unsigned dev;
	uint64_t sector;
	uint32_t count;
	uint64_t seq;
	bool in_service;
	uint32_t flush_epoch; /* flushes submitted before it */
	bool append;      /* it reached past every earlier write */
	uint64_t *tags;   /* count entries */
	uint8_t *bytes;   /* count * 512 */
	uint8_t kind;     /* enum csum_sector_kind of its first sector */
};

struct crash_writes {
	struct crash_write *w;
	uint32_t n, cap;
};

/* Append copies of n writes (from disk_volatile_writes); kinds from the
 * variant's sector_info. 0 or -1 (ENOMEM). */
int crash_writes_add(struct crash_writes *cw, const struct fault_cached_write *w, uint32_t n,
		     const struct csum_variant_ops *ops, const void *ctx);
void crash_writes_free(struct crash_writes *cw);

/* What happens to one write in a state. */
struct crash_choice {
	bool keep;
	uint64_t mask;        /* sectors that persist: bit i = sector i (sectors past 64
			       * persist with the last bit's choice) */
	int32_t shear_sector; /* -1, or the sector cut inside: only its first */
	uint16_t shear_bytes; /* ... bytes are new, the rest keep the old content */
};

struct crash_state {
	uint32_t index;           /* enumeration order, from 0 */
	uint32_t n;               /* = writes */
	struct crash_choice *choice;
	uint32_t *order;          /* the order kept writes are applied in (indices) */
	char label[64];           /* "all lost", "subset 0b1011", "keep imd only", ... */
	bool sampled;             /* one of a fixed list standing in for too many states */
};

/* Calls fn for every crash state the configuration asks for, in a fixed
 * order, until fn returns nonzero (returned). The state is valid only during
 * the call. Random choices (probability mode, torn subsets) come from rng.
 * cfg->only_state, when set, skips every other state (the rng still advances
 * through them, so state j is the same state it is in a full enumeration). */
int crash_states_each(const struct sc_crash *cfg, const struct crash_writes *cw,
		      struct cs_rng *rng, int (*fn)(void *arg, const struct crash_state *st),
		      void *arg);
/* How many states crash_states_each will produce for these writes. */
uint64_t crash_states_count(const struct sc_crash *cfg, const struct crash_writes *cw);

/* Persist the state's kept writes on the media, in its order, torn and
 * sheared as chosen; records in fs (if not NULL) a FT_CACHE_LOSS for each lost
 * write, FT_TORN for each write persisted in part, FT_SHORN for each cut. */
int crash_state_apply(const struct fault_media *m, const struct crash_writes *cw,
		      const struct crash_state *st, struct fault_set *fs, uint64_t time_ns);

#endif
