/* Crash states under a device contract (docs/FAULTS.md, "The device
 * contract"): the writes a power failure catches are cut into the units the
 * disk writes atomically, and the states are exactly the ones the contract
 * allows over those units. No randomness: a state is its index. */
#ifndef CSUMSIM_FAULTS_CRASH_CONTRACT_H
#define CSUMSIM_FAULTS_CRASH_CONTRACT_H

#include <stdint.h>

#include "faults/crash_states.h"
#include "scenarios/scenario.h"

/* The new bytes of a shorn sector; the rest keep the old content. */
#define CONTRACT_SHORN_BYTES 256u
/* Above this many units (or crash.exhaustive_max, if lower) reorder=any
 * falls back to a fixed list of states (labels start "sampled:"). */
#define CONTRACT_UNITS_HARD_MAX 20u
/* Above this many units (a disk that ignores flushes holds its whole
 * cache) the fixed list takes CONTRACT_SAMPLE_POINTS + 1 evenly spaced
 * prefixes (and as many cuts and single losses), in order or not. */
#define CONTRACT_SAMPLE_UNITS 256u
#define CONTRACT_SAMPLE_POINTS 64u

/* The atomic units of the writes: how many, for tests and labels. */
uint32_t crash_contract_units(const struct sc_contract *k, const struct crash_writes *cw);

/* Calls fn for every state the contract allows, in a fixed order, until fn
 * returns nonzero (returned); only_state (UINT32_MAX: all) as in
 * crash_states_each. -1 when memory runs out. */
int crash_contract_each(const struct sc_contract *k, uint32_t exhaustive_max,
			uint32_t only_state, const struct crash_writes *cw,
			int (*fn)(void *arg, const struct crash_state *st), void *arg);
uint64_t crash_contract_count(const struct sc_contract *k, uint32_t exhaustive_max,
			      const struct crash_writes *cw);

/* The scenario's crash states: the contract's when disk.contract is set,
 * else crash_states_each / crash_states_count over sc->crash. */
int crash_states_of(const struct scenario *sc, const struct crash_writes *cw, struct cs_rng *rng,
		    int (*fn)(void *arg, const struct crash_state *st), void *arg);
uint64_t crash_states_count_of(const struct scenario *sc, const struct crash_writes *cw);

#endif
