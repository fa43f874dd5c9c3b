/* The fault set's state, shared by the files of faults/ (not a public API). */
#ifndef CSUMSIM_FAULTS_FAULT_SET_PRIV_H
#define CSUMSIM_FAULTS_FAULT_SET_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "faults/faults.h"
#include "faults/ledger.h"
#include "util/rng.h"
#include "util/u64map.h"

/* Attempts of rejection sampling for a targeted at-rest fault before the
 * event is dropped (and counted in target_misses). */
#define FAULT_PICK_TRIES 4096
/* Longest stretch of simulated time for which the Poisson rate of an at-rest
 * process is held constant: the written-sector count is re-read at least
 * this often. */
#define FAULT_REEVAL_NS UINT64_C(1000000)

enum at_rest_model { AR_ROT = 0, AR_LSE = 1, AR_COUNT };

/* What an engine event of the fault set does (low byte of its argument). */
enum fault_event {
	EV_ROT = AR_ROT,       /* a Poisson event of a model */
	EV_LSE = AR_LSE,
	EV_ROT_AT = 2,         /* the one-shot events */
	EV_LSE_AT = 3,
	EV_REEVAL = 4,         /* + model: re-read the rate, draw again */
};

struct field_model;

struct fault_set {
	struct sc_faults cfg;
	uint64_t seed;
	struct fault_env env;
	struct fault_hooks hooks;
	/* one stream per model, so adding a model never shifts another's numbers */
	struct cs_rng r_rot, r_lse, r_lost, r_misdirect, r_rot_at, r_lse_at;
	/* latent sector errors: key dev << 60 | sector -> 1 bad, 0 cleared */
	struct u64map bad;
	uint64_t n_bad;
	struct fault_ledger led;
	uint64_t target_misses;
	/* events carry the generation of the fault_set_start that armed them:
	 * a later start (or a clone) ignores older chains */
	uint32_t gen;
	uint32_t armed;  /* recurring at-rest events of this set now scheduled */
	bool rot_at_done, lse_at_done; /* one-shot events happened */
	struct field_model *field;     /* NULL: no field model (faults/field.c) */
	/* the media sectors the last fault_set_idle changed (fault_key()s, in
	 * order, repeats kept): a crash state's own, for its incremental
	 * judgement; a clone starts with none */
	struct {
		uint64_t *keys;
		uint64_t n, cap;
		bool on;
	} idle;
};

static inline uint64_t fault_key(unsigned dev, uint64_t sector)
{
	return ((uint64_t)(dev & 0xfu) << 60) | (sector & ((UINT64_C(1) << 60) - 1));
}

static inline uint64_t fault_now(const struct fault_set *fs)
{
	return fault_clock_now(&fs->env.clock);
}

static inline uint64_t fault_event_arg(const struct fault_set *fs, unsigned ev)
{
	return ((uint64_t)fs->gen << 8) | ev;
}

/* Abort with a message: out of memory inside a hook or an engine event. */
void fault_die_oom(const char *what);

/* Collect the dm sectors served by backing sectors [sector, sector+count)
 * of dev into rs (not normalised). 0 or -1 (ENOMEM). */
int fault_dm_of_backing(const struct fault_set *fs, struct dm_ranges *rs, unsigned dev,
			uint64_t sector, uint64_t count);
/* Record a fault of `type` on the backing sectors listed in rs_backing
 * (already converted to dm ranges by the caller: rs). */
int fault_record_ranges(struct fault_set *fs, uint8_t type, struct dm_ranges *rs,
			uint64_t time_ns);

/* Mark or clear latent errors. 0 or -1 (ENOMEM). */
int fault_lse_mark(struct fault_set *fs, unsigned dev, uint64_t sector);
void fault_lse_clear(struct fault_set *fs, unsigned dev, uint64_t sector);

/* at_rest.c */
void fault_at_rest_event(void *arg, uint64_t a);
int fault_at_rest_arm(struct fault_set *fs, int model);
int fault_at_rest_apply(struct fault_set *fs, int model, struct cs_rng *rng, uint64_t time_ns);

#endif
