/* The fault ledger (internal to faults/): every injected fault with its id,
 * type, time and the dm sectors it affects; pending faults indexed by dm
 * sector so that a read resolves them; outcome counts. */
#ifndef CSUMSIM_FAULTS_LEDGER_H
#define CSUMSIM_FAULTS_LEDGER_H

#include <stdint.h>

#include "reports/metrics.h"
#include "util/u64map.h"

struct dm_range {
	uint64_t first;
	uint64_t count;
};

/* A growable list of dm ranges, sorted and merged on demand. */
struct dm_ranges {
	struct dm_range *r;
	uint32_t n, cap;
};

/* A fault is judged sector by sector: each dm sector it affects gets its
 * verdict from the first read of that sector that speaks for it, and the
 * fault's outcome is the worst verdict so far. A fault whose damage is in
 * one sector of many (a flipped tuple in an imd sector that covers 62)
 * therefore shows what that sector's read showed, however the reads were cut
 * (a recovery re-reads a failed run one sector at a time). */
struct ledger_fault {
	uint64_t time_ns;
	uint64_t waiting;  /* affected sectors not read yet (still indexed) */
	uint8_t type;      /* enum fault_type */
	uint8_t outcome;   /* enum fault_outcome; FO_UNREAD until the first verdict */
	uint32_t n_ranges; /* sorted, disjoint, non-adjacent */
	struct dm_range *ranges; /* freed once closed (no sector waits) */
};

struct fault_ledger {
	struct ledger_fault *f; /* id = index */
	uint64_t n, cap;
	/* dm sector -> struct id_list of pending faults touching it; an empty
	 * list is the same as no entry (u64map cannot delete) */
	struct u64map index;
	uint64_t n_open;              /* faults with a sector still waiting */
	uint64_t injected[FT_COUNT];
	uint64_t pending[FT_COUNT];   /* no verdict yet: unread */
	uint64_t resolved[FT_COUNT][FO_COUNT]; /* by worst verdict so far */
};

int dm_ranges_add(struct dm_ranges *rs, uint64_t first, uint64_t count);
/* Sort, merge overlapping and adjacent ranges, and clip to [0, limit) when
 * limit is nonzero. */
void dm_ranges_normalise(struct dm_ranges *rs, uint64_t limit);
void dm_ranges_free(struct dm_ranges *rs);

void ledger_init(struct fault_ledger *l);
void ledger_free(struct fault_ledger *l);
/* A copy of src into dst (uninitialised) for a crash state: faults with no
 * verdict stay open, those judged before the crash are closed at their
 * outcome (the replay counted them; the state must not change them).
 * 0, or -1 on ENOMEM. */
int ledger_clone(struct fault_ledger *dst, const struct fault_ledger *src);
/* A new fault; `rs` must be normalised and is left untouched. A fault that
 * affects no dm sector is resolved FO_MASKED at once. Returns 0 and the id
 * in *id (if not NULL), or -1 on ENOMEM (nothing recorded). */
int ledger_add(struct fault_ledger *l, uint8_t type, uint64_t time_ns,
	       const struct dm_ranges *rs, uint64_t *id);
/* A read of [dm, dm+count) with per-sector oracle classes, each a verdict on
 * its sector: every open fault gets the verdicts of its own sectors that had
 * none yet, and its outcome becomes the worst it has seen. A fault closes
 * when each of its sectors has a verdict or it is silent (nothing is worse).
 * -1 on ENOMEM (nothing changed). */
int ledger_observe(struct fault_ledger *l, uint64_t dm, uint32_t count, const uint8_t *classes);
void ledger_outcomes(const struct fault_ledger *l, struct fault_outcomes *out);
/* The dm sectors some open fault still waits on, ascending, in a new array
 * *out (NULL when none; caller frees). 0, or -1 on ENOMEM. */
int ledger_waiting(const struct fault_ledger *l, uint64_t **out, uint64_t *n);

/* Outcome of one sector's oracle class; FO_COUNT for an unknown class. */
int fault_outcome_of_class(int oracle_class);
/* Rank for worst-of: masked 0 < false_positive 1 < detected 2 < stale 3 < silent 4. */
int fault_outcome_rank(int outcome);

#endif
