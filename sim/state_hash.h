/* Distinct crash states: a state leaves the durable image changed only in
 * the sectors of the writes that were not durable, so two states that leave
 * those sectors with the same tags and bytes leave the same media, and get
 * the same verdicts. A state is summed up by a 128-bit hash of them; a
 * crash point counts the distinct hashes it met. The count does not depend
 * on crash.verify. Internal to sim/. */
#ifndef CSUMSIM_SIM_STATE_HASH_H
#define CSUMSIM_SIM_STATE_HASH_H

#include <stdbool.h>
#include <stdint.h>

#include "faults/crash_states.h"
#include "sim/media.h"

struct state_hash {
	uint64_t a, b;
};

/* The non-durable writes' sectors, sorted, each once. */
struct state_keys {
	uint64_t *key;   /* dev in the top 2 bits, then the sector */
	uint64_t n;
};

int state_keys_of(const struct crash_writes *cw, struct state_keys *k);
void state_keys_free(struct state_keys *k);

/* Those sectors as the media holds them now. */
struct state_hash state_hash_media(const struct media *m, const struct state_keys *k);

/* A set of hashes (open addressing; {0, 0} is never stored as itself). */
struct hash_set {
	struct state_hash *slot;
	uint64_t n, cap;
};

/* 1 added, 0 already there, -1 out of memory. */
int hash_set_add(struct hash_set *s, struct state_hash h);
bool hash_set_has(const struct hash_set *s, struct state_hash h);
void hash_set_free(struct hash_set *s);

#endif
