/* An open-addressing hash map from 64-bit keys to fixed-size values stored
 * inline: the sparse backbone of the media and the oracle, so that memory
 * grows with the keys used and not with the key space. */
#ifndef CSUMSIM_UTIL_U64MAP_H
#define CSUMSIM_UTIL_U64MAP_H

#include <stddef.h>
#include <stdint.h>

struct u64map {
	uint8_t *slots;   /* cap slots of (8-byte key, val_size value) */
	uint8_t *used;    /* one byte per slot: 0 empty, 1 full */
	size_t cap;       /* slots, or 0 before the first insert */
	size_t len;
	size_t val_size;
	size_t slot_size;
};

void u64map_init(struct u64map *m, size_t val_size);
void u64map_free(struct u64map *m);
/* Pointer to the value of key, or NULL. Valid until the next insert. */
void *u64map_get(const struct u64map *m, uint64_t key);
/* A hint that key is about to be looked up: starts loading the cache lines
 * of its home slot, so several independent lookups (the sectors of one
 * request) wait for memory together instead of one after another. */
void u64map_prefetch(const struct u64map *m, uint64_t key);
/* Pointer to the value of key, inserted zero-filled when absent (*created set
 * to 1 then, if created is not NULL). NULL only when memory runs out. */
void *u64map_put(struct u64map *m, uint64_t key, int *created);
/* Removes key (backward shift: no tombstone, so the table's load and growth
 * are as if it had never been put); 1 if it was there, else 0. Moves other
 * keys: the iteration order and slot layout change. */
int u64map_del(struct u64map *m, uint64_t key);
/* Iteration: start at *pos = 0; returns 1 with key and value, 0 at the end.
 * Order is the table's, so sort the keys where output order matters. */
int u64map_next(const struct u64map *m, size_t *pos, uint64_t *key, void **val);
/* All keys, sorted ascending, in a new array of m->len entries (caller frees);
 * NULL when the map is empty or memory runs out. */
uint64_t *u64map_sorted_keys(const struct u64map *m);
/* Slot i (0 <= i < cap): 1 with its key and value if occupied, else 0.
 * Picking random slots until one is occupied samples keys uniformly. */
int u64map_slot(const struct u64map *m, size_t i, uint64_t *key, void **val);
/* dst = an independent copy of src, same layout (so same iteration order).
 * 0, or -1 on ENOMEM with dst empty. */
int u64map_clone(struct u64map *dst, const struct u64map *src);
size_t u64map_bytes(const struct u64map *m);
/* The capacity of a map that was put len distinct keys and never had one
 * deleted (its growth depends on nothing else). */
size_t u64map_cap_for(size_t len);

#endif
